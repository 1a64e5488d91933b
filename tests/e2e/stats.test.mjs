// `eventsource-wasm/stats` in the browser (Chromium; Firefox and WebKit with ENGINE): the
// class's stream stats and diagnostics, against streams that misbehave as deployments do
// (tests/server/doctor.mjs: clean, behind a buffering proxy, gzipped, cut when idle, without
// ids) on the test server, another origin of 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSES } from '../server/doctor.mjs';
import { startTestServer } from '../server/sse-test-server.mjs';
import { stop } from './static.mjs';
import { openPackagePage } from './browser.mjs';

let sse;
let fixture;
let main;
const base = () => `http://127.0.0.1:${sse.address().port}`;

before(async () => {
  sse = await startTestServer(0);
  fixture = await openPackagePage('/stats.html');
});

after(async () => {
  await fixture?.close();
  await main?.close();
  if (sse) await stop(sse);
});

/** Watches each of `kinds` of /doctor/ with `diagnose: true` for `ms`, at once; resolves to
 * what each told (its diagnostic events) and measured (its stats, while open and after close). */
const watch = (kinds, ms, init = {}) =>
  fixture.page.evaluate(
    async ([server, kinds, ms, init]) =>
      Promise.all(
        kinds.map(async (kind) => {
          const es = new window.esw.EventSource(`${server}/doctor/${kind}/stats-${kind}-${Math.random()}`, {
            diagnose: true,
            ...init,
          });
          const told = [];
          es.addEventListener('diagnostic', (e) =>
            told.push({
              code: e.code,
              message: e.message,
              fix: e.fix,
              value: e.value,
              isEvent: e instanceof Event && e.type === 'diagnostic',
              isClass: e instanceof window.esw.DiagnosticEvent,
            }),
          );
          await new Promise((resolve) => setTimeout(resolve, ms));
          const open = es.stats;
          es.close();
          await new Promise((resolve) => setTimeout(resolve, 100));
          return { kind, told, open, closed: es.stats, readyState: es.readyState };
        }),
      ),
    [base(), kinds, ms, init],
  );

test('diagnostics fire where a stream misbehaves and nowhere else; the stats say what happened', {
  timeout: 30_000,
}, async () => {
  const results = await watch(Object.keys(DIAGNOSES), 6000);
  for (const { kind, told } of results) {
    // (Five streams to one HTTP/1.1 origin are the connection limit, once Resource Timing
    // knows the origin's protocol: its own test, below.)
    const codes = told
      .map((d) => d.code)
      .filter((c) => c !== 'connection-limit')
      .sort();
    assert.deepEqual(codes, DIAGNOSES[kind], `the ${kind} stream told ${JSON.stringify(told)}`);
    for (const d of told) {
      assert.ok(d.isEvent && d.isClass, 'a DiagnosticEvent');
      assert.ok(d.message.length > 20 && d.fix.length > 20, `words for ${d.code}: ${JSON.stringify(d)}`);
    }
  }
  const by = Object.fromEntries(results.map((r) => [r.kind, r]));
  // The idle cut is told with the silence before it (the server cuts after 1.5 s of it).
  const cut = by.cut.told.find((d) => d.code === 'idle-cut');
  assert.ok(cut.value >= 1300 && cut.value <= 2500, `idle-cut after ${cut.value} ms`);
  assert.match(by.gzip.told[0].fix, /text\/event-stream/);
  // The clean stream: an event every 100 ms and a heartbeat every 300 ms, for 6 s.
  const s = by.clean.open;
  assert.ok(s.events >= 30, JSON.stringify(s));
  assert.ok(s.comments >= 10, JSON.stringify(s));
  assert.ok(s.bytes > s.events * 10, JSON.stringify(s));
  assert.ok(s.timeToHead !== null && s.timeToHead <= s.timeToFirstByte, JSON.stringify(s));
  assert.ok(s.timeToFirstEvent >= 100 && s.timeToFirstEvent >= s.timeToFirstByte, JSON.stringify(s));
  assert.equal(s.reconnectToFirstEvent, null);
  assert.ok(s.gaps.p50 >= 60 && s.gaps.p50 <= 200, `median gap ${s.gaps.p50}`);
  assert.ok(s.gaps.p99 >= s.gaps.p50 && s.gaps.max >= s.gaps.p99, JSON.stringify(s.gaps));
  assert.ok(s.silence < 1000, `silence ${s.silence}`);
  assert.equal(s.serverRetry, 1000);
  assert.deepEqual(s.reconnects, {});
  // After close(), what it had measured stays readable.
  assert.equal(by.clean.readyState, 2);
  assert.ok(by.clean.closed.events >= s.events, JSON.stringify(by.clean.closed));
  // The cut stream reconnected after each cut, and its first event after a reconnect is timed.
  const c = by.cut.open;
  const reconnects = Object.values(c.reconnects).reduce((a, b) => a + b, 0);
  assert.ok(reconnects >= 2, JSON.stringify(c.reconnects));
  assert.ok(
    Object.keys(c.reconnects).every((k) => k === 'network' || k === 'stream-ended'),
    JSON.stringify(c),
  );
  assert.ok(c.reconnectToFirstEvent !== null && c.reconnectToFirstEvent < 1000, JSON.stringify(c));
  assert.equal(c.serverRetry, 200);
  // No ids, no retry: the stream ended and reconnected.
  assert.equal(by.noids.open.serverRetry, null);
});

test('three streams to one HTTP/1.1 origin are the connection limit, told once per source', {
  timeout: 30_000,
}, async () => {
  // A page of its own: WebKit keeps an aborted fetch's connection until its response ends,
  // so the streams of the test above still hold their connections in the first page.
  const own = await openPackagePage('/stats.html');
  const r = await own.page.evaluate(async (server) => {
    // A finished request to the server's origin, for Resource Timing to know its protocol
    // (HTTP/1.1: Node's server, which sends Timing-Allow-Origin).
    performance.clearResourceTimings();
    await (await fetch(`${server}/requests/none`)).text();
    const protocol = performance.getEntriesByType('resource').find((e) => e.name.startsWith(server))?.nextHopProtocol;
    const sources = [];
    const told = [];
    for (let i = 0; i < 3; i++) {
      const es = new window.esw.EventSource(`${server}/doctor/clean/limit-${i}-${Math.random()}`, { diagnose: true });
      es.addEventListener('diagnostic', (e) => told.push([i, e.code, e.value]));
      sources.push(es);
      await new Promise((resolve) => es.addEventListener('open', resolve, { once: true }));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Not diagnosing: told nothing, whatever the page holds.
    const quiet = new window.esw.EventSource(`${server}/doctor/clean/limit-q-${Math.random()}`);
    const quietTold = [];
    quiet.addEventListener('diagnostic', (e) => quietTold.push(e.code));
    await new Promise((resolve) => quiet.addEventListener('open', resolve, { once: true }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const es of [...sources, quiet]) es.close();
    return { protocol, told, quietTold };
  }, base());
  await own.close();
  assert.deepEqual(r.quietTold, []);
  // (Chromium, Firefox and WebKit all report nextHopProtocol for the server's origin.)
  assert.equal(r.protocol, 'http/1.1');
  assert.deepEqual(r.told, [[2, 'connection-limit', 3]]);
});

test('the main entry measures nothing and loads no stats: no `stats`, no diagnostic', {
  timeout: 30_000,
}, async () => {
  main = await openPackagePage('/');
  const r = await main.page.evaluate(async (server) => {
    const es = new window.esw.EventSource(`${server}/doctor/gzip/main-${Math.random()}`, { diagnose: true });
    const told = [];
    es.addEventListener('diagnostic', (e) => told.push(e.code));
    await new Promise((resolve) => es.addEventListener('message', resolve, { once: true }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    es.close();
    const wasm = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => n.endsWith('.wasm'));
    return { told, stats: 'stats' in es, wasm };
  }, base());
  assert.deepEqual(r.told, []);
  assert.equal(r.stats, false);
  // (WebKit lists no resource entry for the module: checked where listed.)
  if (r.wasm.length) {
    assert.ok(
      r.wasm.some((n) => n.endsWith('/eventsource_wasm_bg.wasm')),
      `loaded ${r.wasm}`,
    );
    assert.ok(!r.wasm.some((n) => n.includes('stats')), `loaded ${r.wasm}`);
  }
});

test('devtools: true puts connects, open time, events, stalls, reconnect waits and errors on a track', {
  timeout: 30_000,
}, async () => {
  const r = await fixture.page.evaluate(async (server) => {
    const key = Math.random();
    const on = new window.esw.EventSource(`${server}/doctor/cut/devtools-${key}`, { devtools: true });
    const off = new window.esw.EventSource(`${server}/doctor/cut/quiet-${key}`, { diagnose: true });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    on.close();
    off.close();
    const ours = (url) =>
      performance
        .getEntries()
        .filter((e) => e.detail?.devtools?.properties?.some(([k, v]) => k === 'url' && v === url))
        .map((e) => ({
          name: e.name,
          type: e.entryType,
          duration: e.duration,
          track: e.detail.devtools.track ?? null,
          dataType: e.detail.devtools.dataType,
        }));
    return { on: ours(on.url), off: ours(off.url) };
  }, base());
  assert.deepEqual(r.off, [], 'a source without devtools puts nothing on the timeline');
  const names = r.on.map((e) => e.name);
  for (const name of ['connect', 'open', 'stall', 'reconnect wait']) {
    assert.ok(names.includes(name), `${name} in ${JSON.stringify(names)}`);
  }
  // (A cut reads as a network error in Chromium and Firefox, as the body's end in WebKit.)
  assert.ok(
    names.some((n) => /^error: (network|stream-ended)$/.test(n)),
    `an error in ${JSON.stringify(names)}`,
  );
  assert.ok(
    names.some((n) => /^\d+ events$/.test(n)),
    `events in ${JSON.stringify(names)}`,
  );
  for (const e of r.on) {
    if (e.type === 'measure') assert.equal(e.track, 'eventsource-wasm', JSON.stringify(e));
    else assert.equal(e.dataType, 'marker', JSON.stringify(e));
  }
  // The server cuts after 1.5 s of silence: the stall before it is about that long.
  const stall = r.on.find((e) => e.name === 'stall');
  assert.ok(stall.duration >= 1000 && stall.duration <= 2500, `stall of ${stall.duration} ms`);
  // At most about one entry a second, whatever the stream: here about 4 s of it.
  assert.ok(r.on.length <= 20, `${r.on.length} entries`);
});
