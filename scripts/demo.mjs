// `npm start`: build the WebAssembly package, then serve the demo page and
// its SSE stream on 127.0.0.1. Ctrl-C stops it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer } from '../examples/demo/server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync('bash', ['scripts/build-wasm.sh'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const port = Number(process.env.PORT ?? 8787);
const server = await startServer(port);
console.log(`\neventsource-wasm demo: http://127.0.0.1:${server.address().port}/  (Ctrl-C stops)\n`);
const stop = () => server.close(() => process.exit(0)) && server.closeAllConnections();
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
