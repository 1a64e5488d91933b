// The scenario table (tests/data/scenarios.json) through the JavaScript
// class, in the page, against the scriptable SSE server: each scenario's
// trace and requests. tests/web_client.rs runs the same table through the
// Rust API, so the two drivers cannot drift apart unseen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer } from '../server/sse-test-server.mjs';
import { openPackagePage } from './browser.mjs';
import { inPage, requests, script } from './sse-client.mjs';
import { stop } from './static.mjs';

const { scenarios } = JSON.parse(readFileSync(new URL('../data/scenarios.json', import.meta.url), 'utf8'));

let sse;
let fixture;
const base = () => `http://127.0.0.1:${sse.address().port}`;

before(async () => {
  sse = await startTestServer(0);
  fixture = await openPackagePage();
});

after(async () => {
  await fixture?.close();
  if (sse) await stop(sse);
});

/** Runs a scenario's source in the page until it closes; resolves to its trace. */
function run(esw, url, options, types) {
  return new Promise((resolve) => {
    const trace = [];
    // A preset is named in the table: the one `eventsource-wasm/llm` exports.
    const end = options.endEvent;
    const preset = end?.preset && Object.values(window.ends).find((p) => p.preset === end.preset);
    // An end rule of the caller's: a function, true for this data.
    const rule = end?.function && ((_type, data) => data === end.function);
    // A resume function is given in the table as the request it returns
    // (null: none); the trace notes what it was told.
    const next = options.resume;
    const resume =
      next === undefined
        ? undefined
        : (info) => {
            trace.push(`resume ${info.attempt} ${info.lastEventId} ${info.lastEvent?.data}`);
            return next;
          };
    const es = new esw.EventSource(url, {
      ...options,
      resume,
      endEvent: preset ?? rule ?? end,
      onComment: (text) => trace.push(`comment ${text}`),
    });
    es.onopen = () => trace.push('open');
    es.onerror = (e) => trace.push(`error ${e.error.type} ${e.willReconnect ? 'retry' : 'final'}`);
    es.addEventListener('reconnecting', (e) => trace.push(`reconnecting ${e.attempt}`));
    for (const type of types)
      es.addEventListener(type, (e) => trace.push(`event ${e.type} ${e.data} ${e.lastEventId}`));
    const started = Date.now();
    const poll = setInterval(() => {
      if (es.readyState === 2 || Date.now() - started > 10_000) {
        clearInterval(poll);
        if (es.readyState !== 2) trace.push('still open after 10 s');
        es.close();
        resolve([...trace, 'closed']);
      }
    }, 20);
  });
}

for (const [i, scenario] of scenarios.entries()) {
  test(`scenario: ${scenario.name}`, { timeout: 20_000 }, async () => {
    const key = `scenario-js-${i}`;
    await script(base(), key, scenario.responses);
    const trace = await inPage(fixture.page, base(), run, key, scenario.options, scenario.types);
    assert.deepEqual(trace, scenario.trace);
    const recorded = await requests(base(), key);
    // The idempotency header: "same" for the source's own key.
    const keyHeader = (scenario.options.idempotencyHeader ?? 'Idempotency-Key').toLowerCase();
    const ownKey = recorded[0]?.headers[keyHeader];
    const seen = recorded.map((r, n) => ({
      method: r.method,
      lastEventId: r.headers['last-event-id'] ?? null,
      ...('query' in (scenario.requests[n] ?? {})
        ? { query: r.url.includes('?') ? r.url.slice(r.url.indexOf('?')) : '' }
        : {}),
      ...('idempotencyKey' in (scenario.requests[n] ?? {})
        ? {
            idempotencyKey:
              r.headers[keyHeader] === ownKey && /^[0-9a-f]{32}$/.test(ownKey)
                ? 'same'
                : (r.headers[keyHeader] ?? null),
          }
        : {}),
    }));
    assert.deepEqual(seen, scenario.requests);
  });
}
