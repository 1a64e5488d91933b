// `npm start`: build the package, the examples and the demo server, then run
// the server on 127.0.0.1 and print the URL. Ctrl-C stops it.
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync('node', ['scripts/build-examples.mjs'], { cwd: root, stdio: 'inherit' });

const port = process.env.PORT ?? '8787';
const server = spawn(`${root}/target/release/eventsource-wasm-demo-server`, {
  cwd: root,
  env: { ...process.env, PORT: port, DEMO_ROOT: root },
  stdio: ['ignore', 'pipe', 'inherit'],
});
server.stdout.on('data', (chunk) => {
  const match = String(chunk).match(/listening (http:\/\/\S+)/);
  if (match) {
    console.log(
      `\neventsource-wasm demo:\n  React example   ${match[1]}/react/\n  Rust (Leptos)   ${match[1]}/rust/\n(Ctrl-C stops it)\n`,
    );
  }
});
const stop = () => server.kill('SIGINT');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
