// Builds what the demo serves: the npm package (packed, as users install
// it), the React example against that tarball, the Rust frontend, and the
// demo server.
// Used by `npm start` (scripts/demo.mjs) and `npm test`.
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
const skipWasm = process.argv.includes('--no-wasm');

run('node', ['scripts/build-package.mjs', '--pack', ...(skipWasm ? ['--no-wasm'] : [])]);
const react = `${root}/examples/react`;
// Installing the tarball by path refreshes it even when its version is unchanged.
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '../../dist/eventsource-wasm.tgz'], react);
run('npm', ['run', '--silent', 'build'], react);
// The Rust frontend (Leptos): wasm-pack, with wasm-opt from npm's binaryen.
const env = { ...process.env, PATH: `${root}/node_modules/.bin:${process.env.PATH}` };
execFileSync(
  'wasm-pack',
  [
    '--log-level',
    'warn',
    'build',
    'examples/rust-frontend',
    '--release',
    '--target',
    'web',
    '--no-pack',
    '--out-dir',
    'dist/pkg',
  ],
  { cwd: root, stdio: 'inherit', env },
);
cpSync(`${root}/examples/rust-frontend/index.html`, `${root}/examples/rust-frontend/dist/index.html`);
run('cargo', ['build', '--release', '--quiet', '-p', 'eventsource-wasm-demo-server']);
