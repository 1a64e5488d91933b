// The packed package in a Cloudflare Worker, run by workerd from npm (the
// runtime Wrangler runs): the Worker is bundled by esbuild as Wrangler
// bundles it, with the `.wasm` import left to the runtime, which hands it
// over as a compiled module (Wrangler's `CompiledWasm` rule). Against the
// local SSE test server.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer } from '../server/sse-test-server.mjs';
import { installApp, root } from './apps.mjs';
import { stop } from './static.mjs';

let app;
let sse;
let workerd;
const ports = {};

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

before(async () => {
  app = installApp('workers-app');
  for (const entry of ['worker.js', 'no-init.js']) {
    execFileSync(
      join(root, 'node_modules/.bin/esbuild'),
      [entry, '--bundle', '--format=esm', '--platform=browser', '--external:eventsource-wasm/wasm', `--outdir=dist`],
      { cwd: app, stdio: 'inherit' },
    );
  }
  sse = await startTestServer(0);
  ports.main = await freePort();
  ports.noInit = await freePort();
  workerd = spawn(
    join(app, 'node_modules/.bin/workerd'),
    [
      'serve',
      'config.capnp',
      `--socket-addr=http=127.0.0.1:${ports.main}`,
      `--socket-addr=no-init=127.0.0.1:${ports.noInit}`,
    ],
    { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  // Ready when it answers.
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`http://127.0.0.1:${ports.noInit}/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

after(async () => {
  workerd?.kill();
  if (sse) await stop(sse);
});

const base = () => `http://127.0.0.1:${sse.address().port}`;
const script = (key, responses) =>
  fetch(`${base()}/script/${key}`, { method: 'POST', body: JSON.stringify(responses) });

test('in a Worker, each handler runs once per event, with lastEventId and origin', { timeout: 60_000 }, async () => {
  await script('workerd', [
    {
      chunks: [
        { text: 'id: 1\ndata: one\n\n' },
        { text: 'id: 2\ndata: two\n\n' },
        { text: 'event: end\ndata: bye\n\n' },
      ],
    },
  ]);
  const res = await fetch(`http://127.0.0.1:${ports.main}/?sse=${encodeURIComponent(`${base()}/sse/workerd`)}`);
  const seen = await res.json();
  assert.deepEqual(seen, {
    open: 1,
    message: [
      ['one', '1', base(), true, 1],
      ['two', '2', base(), true, 1],
    ],
    error: 0,
    listeners: 2,
    readyState: 2,
  });
});

test('in a Worker without init(module), the source says to call init() with the module', {
  timeout: 60_000,
}, async () => {
  await script('workerd-no-init', [{ chunks: [{ text: 'data: x\n\n' }] }]);
  const res = await fetch(
    `http://127.0.0.1:${ports.noInit}/?sse=${encodeURIComponent(`${base()}/sse/workerd-no-init`)}`,
  );
  const { thrown, seen } = await res.json();
  assert.equal(thrown, null, 'the constructor does not throw');
  assert.equal(seen.type, 'invalid-request');
  assert.equal(seen.readyState, 2);
  assert.match(
    seen.message,
    /give it to init\(\) first, e\.g\. import wasm from 'eventsource-wasm\/wasm'; await init\(wasm\)/,
  );
});
