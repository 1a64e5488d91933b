// Runs in the benchmark page: every client on every scenario, interleaved
// (round 1: A B C …, round 2: B C … A, …), then the parsers; posts each
// result to the benchmark server, which is how results leave the page (no
// browser automation is attached while it runs).
import { clients, load, memories, parsers } from './clients.js';

const post = (path, body) => fetch(path, { method: 'POST', body: JSON.stringify(body) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const settle = async () => {
  if (globalThis.gc) globalThis.gc();
  await sleep(100);
};

try {
  const plan = await (await fetch('/plan')).json();
  await load();
  const sample = Array.from({ length: 1000 }, (_, i) => `{"i":${i},"v":"abcdefgh"}`);
  const names = plan.clients;
  for (let round = 0; round < plan.rounds; round++) {
    for (const scenario of plan.scenarios) {
      const order = names.map((_, i) => names[(i + round) % names.length]);
      for (const client of order) {
        if (scenario.skip?.includes(client)) continue;
        await settle();
        const url = `/sse/${scenario.name}?n=${scenario.n}&r=${Math.random()}`;
        const t0 = performance.now();
        let error = null;
        try {
          await Promise.race([
            clients[client](url, scenario.n, sample),
            sleep(plan.timeout).then(() => {
              throw new Error('timeout');
            }),
          ]);
        } catch (e) {
          error = String(e?.message ?? e);
        }
        const ms = performance.now() - t0;
        await post('/result', { round, scenario: scenario.name, client, ms, error });
      }
    }
    // Latency: one event every 20 ms; each carries the server's write time
    // (wall clock, ms with fractions, as performance.timeOrigin + now()).
    if (plan.latency) {
      const order = plan.latency.clients.map((_, i, a) => a[(i + round) % a.length]);
      for (const client of order) {
        await settle();
        const delays = [];
        const now = () => performance.timeOrigin + performance.now();
        const url = `/sse/latency?n=${plan.latency.n}&r=${Math.random()}`;
        let error = null;
        try {
          await clients[client](url, plan.latency.n, sample, (data) => delays.push(now() - JSON.parse(data).t));
        } catch (e) {
          error = String(e?.message ?? e);
        }
        await post('/result', { round, scenario: 'latency', client, delays, error });
      }
    }
    // Memory: the JS heap (after a full GC) before, every n/5 events of one
    // long stream, and after close(); for the WebAssembly clients, their
    // linear memory too (it never shrinks, so growth is what matters).
    if (plan.memory) {
      const order = plan.memory.clients.map((_, i, a) => a[(i + round) % a.length]);
      const heap = () => {
        globalThis.gc();
        return performance.memory.usedJSHeapSize;
      };
      const linear = (client) => {
        const family = client.includes('Rust')
          ? memories['eventsource-wasm (Rust API)']
          : client.startsWith('eventsource-wasm/stats')
            ? memories['eventsource-wasm/stats']
            : client.startsWith('eventsource-wasm')
              ? memories['eventsource-wasm']
              : null;
        return family ? family.buffer.byteLength : null;
      };
      for (const client of order) {
        await settle();
        const before = heap();
        const samples = [];
        const wasm = [];
        const step = plan.memory.n / 5;
        let seen = 0;
        let error = null;
        try {
          await Promise.race([
            clients[client](`/sse/small?n=${plan.memory.n}&r=${Math.random()}`, plan.memory.n, sample, () => {
              if (++seen % step === 0) {
                samples.push(heap());
                wasm.push(linear(client));
              }
            }),
            sleep(plan.timeout).then(() => {
              throw new Error('timeout');
            }),
          ]);
        } catch (e) {
          error = String(e?.message ?? e);
        }
        // An aborted body's buffers are released asynchronously, some time
        // after close(): sample every 500 ms from 1 s on, until the heap is
        // steady (two samples within 16 KB) or 5 s have passed.
        await sleep(1000);
        heap();
        let after = heap();
        let settledAfter = 1000;
        for (; settledAfter < 5000; settledAfter += 500) {
          await sleep(500);
          const next = heap();
          const steady = Math.abs(next - after) < 16384;
          after = next;
          if (steady) break;
        }
        await post('/result', { round, scenario: 'memory', client, before, samples, after, settledAfter, wasm, error });
      }
    }
    // Parser only, in the page: the same bytes through each parser, for
    // each input (small events, 64 KiB events), in 64 KiB chunks.
    if (!plan.parserBytes) continue;
    for (const input of ['small', 'big']) {
      const bytes = new Uint8Array(await (await fetch(`/raw/${input}?bytes=${plan.parserBytes}`)).arrayBuffer());
      // A B B A: whatever the machine or the heap does over the round weighs
      // on both parsers alike; each one's time is the sum of its two runs.
      const parserNames = Object.keys(parsers);
      const totals = Object.fromEntries(parserNames.map((n) => [n, { ms: 0, events: 0, bytes: 0 }]));
      for (const parser of [...parserNames, ...parserNames.toReversed()]) {
        await settle();
        const t0 = performance.now();
        const events = parsers[parser](bytes);
        totals[parser].ms += performance.now() - t0;
        totals[parser].events += events;
        totals[parser].bytes += bytes.length;
      }
      for (const parser of parserNames) {
        await post('/result', { round, scenario: 'parser', input, client: parser, ...totals[parser] });
      }
    }
  }
  await post('/done', { userAgent: navigator.userAgent });
} catch (e) {
  await post('/done', { error: String(e?.stack ?? e) });
}
