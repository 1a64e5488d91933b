// Starts the interop servers (FastAPI + sse-starlette, Express, axum, and
// an MCP server made with the official TypeScript SDK, tests/mcp-app, and
// the Vercel AI SDK's chat endpoint, tests/ai-app, each installed into
// target/ first) on free ports of 127.0.0.1 and stops them again.
//
// As a module: `const s = await startInteropServers(); s.urls; await s.stop()`.
// As a script (scripts/test.sh): prints `INTEROP_<NAME>=<url>` lines, then
// keeps the servers up until SIGTERM or SIGINT.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installApp } from '../e2e/apps.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Each server's command and the path of its endpoint.
const commands = {
  fastapi: [`${root}/tests/interop/.venv/bin/python`, [`${root}/tests/interop/fastapi_server.py`], '/events'],
  express: [process.execPath, [`${root}/tests/interop/express-server.mjs`], '/events'],
  axum: [`${root}/target/release/interop-axum`, [], '/events'],
  mcp: [process.execPath, [`${root}/target/mcp-app/server.mjs`], '/mcp'],
  ai: [process.execPath, [`${root}/target/ai-app/server.mjs`], '/chat'],
};

function start(name, [cmd, args, path]) {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening (http:\/\/\S+)/);
      if (m) resolve(`${m[1]}${path}`);
    });
    child.on('exit', (code) => reject(new Error(`${name} interop server exited (${code}) before listening`)));
    child.on('error', reject);
  });
  return { child, url };
}

export async function startInteropServers() {
  installApp('mcp-app');
  installApp('ai-app');
  const started = Object.entries(commands).map(([name, cmd]) => [name, start(name, cmd)]);
  const stop = async () => {
    await Promise.all(
      started.map(([, { child }]) =>
        child.exitCode !== null
          ? null
          : new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill('SIGTERM');
            }),
      ),
    );
  };
  try {
    const urls = Object.fromEntries(await Promise.all(started.map(async ([name, s]) => [name, await s.url])));
    return { urls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const servers = await startInteropServers();
  for (const [name, url] of Object.entries(servers.urls)) console.log(`INTEROP_${name.toUpperCase()}=${url}`);
  const quit = () => servers.stop().then(() => process.exit(0));
  process.on('SIGTERM', quit);
  process.on('SIGINT', quit);
}
