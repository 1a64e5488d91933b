// The packed tarball in a fresh app tested by Vitest, with no
// configuration: a React component using useEventSource renders JSON and
// plain-text events from the local SSE server, in jsdom and in happy-dom.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer } from '../server/sse-test-server.mjs';
import { installApp } from './apps.mjs';
import { stop } from './static.mjs';

let app;
let sse;

before(async () => {
  app = installApp('vitest-app');
  sse = await startTestServer(0);
});

after(async () => {
  if (sse) await stop(sse);
});

test('Vitest runs a useEventSource component in jsdom and happy-dom', { timeout: 180_000 }, async () => {
  const base = `http://127.0.0.1:${sse.address().port}`;
  const script = (key, chunks) =>
    fetch(`${base}/script/${key}`, { method: 'POST', body: JSON.stringify([{ chunks }]) });
  for (const env of ['jsdom', 'happy-dom']) {
    await script(`vitest-${env}`, [
      { text: 'event: tick\ndata: {"price":42}\n\n' },
      { text: 'event: end\ndata: x\n\n' },
    ]);
    await script(`vitest-${env}-text`, [{ text: 'data: hello 1\n\n' }, { text: 'event: end\ndata: x\n\n' }]);
  }
  const result = await promisify(execFile)(join(app, 'node_modules/.bin/vitest'), ['run'], {
    cwd: app,
    env: { ...process.env, SSE_BASE: base, CI: '1' },
    timeout: 150_000,
  }).catch((e) => e);
  assert.equal(result.code ?? 0, 0, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /2 passed/);
});
