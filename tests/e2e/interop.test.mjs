// The JavaScript EventSource against SSE servers of other ecosystems
// (tests/interop/): FastAPI + sse-starlette, Express, and axum's Sse. Each
// runs the same script: a bearer header is required and echoed, events come
// with ids three per response (so the client must resume with
// Last-Event-ID), and `event: end` finishes the stream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInteropServers } from '../interop/servers.mjs';
import { openPackagePage } from './browser.mjs';

let servers;
let fixture;
let page;

before(async () => {
  servers = await startInteropServers();
  fixture = await openPackagePage();
  page = fixture.page;
});

after(async () => {
  await fixture?.close();
  await servers?.stop();
});

describe('interop: the JavaScript class against other servers', () => {
  for (const name of ['fastapi', 'express', 'axum']) {
    test(name, { timeout: 20_000 }, async () => {
      const r = await page.evaluate(
        (url) =>
          new Promise((resolve, reject) => {
            const es = new window.esw.EventSource(url, { headers: { Authorization: 'Bearer interop' } });
            const out = { nums: [], auth: new Set(), ids: [], opens: 0, errors: [] };
            es.on('num', (v, meta) => {
              out.nums.push(v.n);
              out.auth.add(v.auth);
              out.ids.push(meta.lastEventId);
            });
            es.onopen = () => out.opens++;
            es.onerror = (e) => out.errors.push(e.error.type);
            es.addEventListener('end', (e) =>
              setTimeout(() => resolve({ ...out, auth: [...out.auth], end: e.data, state: es.readyState }), 0),
            );
            setTimeout(() => reject(new Error(JSON.stringify(out))), 15_000);
          }),
        servers.urls[name],
      );
      assert.deepEqual(r.nums, [1, 2, 3, 4, 5]);
      assert.deepEqual(r.ids, ['1', '2', '3', '4', '5']);
      assert.deepEqual(r.auth, ['Bearer interop']);
      assert.equal(r.opens, 2, 'resumed once');
      assert.deepEqual(r.errors, ['stream-ended']);
      assert.equal(r.end, 'done');
      assert.equal(r.state, 2);
    });
  }
});
