// Builds what the demo serves: the npm package (packed, as users install
// it), the React example against that tarball, and the demo server.
// Used by `npm start` (scripts/demo.mjs) and `npm test`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: 'inherit' });
const skipWasm = process.argv.includes('--no-wasm');

run('node', ['scripts/build-package.mjs', '--pack', ...(skipWasm ? ['--no-wasm'] : [])]);
const react = `${root}/examples/react`;
// Installing the tarball by path refreshes it even when its version is unchanged.
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '../../dist/eventsource-wasm.tgz'], react);
run('npm', ['run', '--silent', 'build'], react);
run('cargo', ['build', '--release', '--quiet', '-p', 'eventsource-wasm-demo-server']);
