// The packed tarball in a Node app (Node 20.16+): the class, typed
// listeners, `for await`, createParser and the TransformStream receive
// events from a real local server, with no configuration (the package
// reads its WebAssembly from disk); importing fetches nothing; without
// fetch(), constructing a source says so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { installApp } from './apps.mjs';

let app;
let sse;

before(async () => {
  app = installApp('node-app');
  sse = await startTestServer(0);
});

after(async () => {
  if (sse) await stop(sse);
});

test('a Node script gets events through the class, for await, createParser and the TransformStream', {
  timeout: 60_000,
}, async () => {
  const base = `http://127.0.0.1:${sse.address().port}`;
  const script = (key, responses) =>
    fetch(`${base}/script/${key}`, { method: 'POST', body: JSON.stringify(responses) });
  await script('node', [
    { chunks: [{ text: 'id: 1\nevent: tick\ndata: {"n":1}\n\ndata: hi\n\n' }, { text: 'event: end\ndata: bye\n\n' }] },
  ]);
  await script('node-done', [{ chunks: [{ text: 'data: {"t":"a"}\n\ndata: [DONE]\n\n' }] }]);
  await script('node-stream', [{ chunks: [{ text: 'data: one\n\ndata: two\n\n' }] }]);
  const { stdout } = await promisify(execFile)('node', ['app.mjs', base], { cwd: app, timeout: 30_000 });
  const out = JSON.parse(stdout);
  assert.equal(out.fetchesAtImport, 0, 'importing fetches nothing');
  assert.deepEqual(out.source, {
    seen: [
      ['open', 1],
      ['tick', { n: 1 }, '1'],
      ['message', 'hi', true],
    ],
    readyState: 2,
  });
  assert.deepEqual(out.iterated, ['{"t":"a"}', '[DONE]']);
  assert.deepEqual(out.parsed, [
    ['a', 'x', '7'],
    ['message', 'y', '7'],
  ]);
  assert.deepEqual(out.streamed, ['one', 'two']);
  assert.match(out.withoutFetch, /^TypeError: .*no fetch\(\)/);
  // One request each: nothing was sent twice.
  for (const key of ['node', 'node-done', 'node-stream']) {
    assert.equal((await (await fetch(`${base}/requests/${key}`)).json()).length, 1, key);
  }
});

test('init() takes bytes, a compiled module, a Response or a URL', { timeout: 60_000 }, async () => {
  const base = `http://127.0.0.1:${sse.address().port}`;
  await fetch(`${base}/script/node-init`, {
    method: 'POST',
    body: JSON.stringify([{ chunks: [{ text: 'data: loaded\n\n' }], end: 'hang' }]),
  });
  for (const form of ['bytes', 'module', 'response', 'url']) {
    const { stdout } = await promisify(execFile)('node', ['init-forms.mjs', base, form], { cwd: app, timeout: 30_000 });
    assert.equal(JSON.parse(stdout), 'loaded', form);
  }
});

test('require() loads the CommonJS copy, without require(esm) (as on Node 20.16 to 20.18)', async () => {
  const script = `
    const m = require('eventsource-wasm');
    const { createParser, init } = require('eventsource-wasm/parser');
    init().then(() => {
      const seen = [];
      const parser = createParser({ onEvent: (e) => seen.push(e.data) });
      parser.feed('data: a\\n\\ndata: b\\n\\n');
      console.log(typeof m.EventSource, require.resolve('eventsource-wasm').includes('cjs'), seen.join());
    });`;
  // --no-experimental-require-module turns require(esm) off, as it is
  // before Node 20.19.
  const { stdout } = await promisify(execFile)('node', ['--no-experimental-require-module', '-e', script], {
    cwd: app,
    timeout: 30_000,
  });
  assert.equal(stdout.trim(), 'function true a,b');
});
