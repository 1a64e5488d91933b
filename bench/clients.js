// The clients under test, each as `run(url, n) -> Promise<void>` resolving
// once `n` `tick` events reached a listener (or, for the raw-fetch ceiling,
// once the body ended). Bundled by bench/run.mjs with esbuild; this
// package itself is imported at run time from /pkg/ (its .wasm sits there).
import { EventSource as EventSourceLib } from 'eventsource';
import { fetchEventSource } from '@microsoft/fetch-event-source';
import { EventSourcePolyfill } from 'event-source-polyfill';
import { createParser } from 'eventsource-parser';

let esw;
let eswStats;
let eswParser;
let rust;
/** WebAssembly memories, by client family, for the memory scenario. */
export const memories = {};
export async function load() {
  esw = await import('/pkg/index.js');
  // The module's one memory (its exports have short names).
  memories['eventsource-wasm'] = Object.values(await esw.init()).find((v) => v instanceof WebAssembly.Memory);
  // The stats entry, from another copy of the package's files, so that it loads its own
  // module (the core built with stats) beside the main entry's.
  eswStats = await import('/pkg-stats/stats.js');
  memories['eventsource-wasm/stats'] = Object.values(await eswStats.init()).find(
    (v) => v instanceof WebAssembly.Memory,
  );
  eswParser = await import('/pkg/parser.js');
  await eswParser.init();
  rust = await import('/rust/eventsource_wasm_bench_client.js');
  memories['eventsource-wasm (Rust API)'] = (await rust.default()).memory;
}

const counting = (n, done) => {
  let seen = 0;
  return () => {
    if (++seen === n) done();
  };
};

/** A source-like client: close it once `n` ticks were counted. `onData`,
 * if given, sees each tick's data (the latency scenario). */
const withSource = (make, listen) => (url, n, _sample, onData) =>
  new Promise((resolve, reject) => {
    const source = make(url);
    const done = () => {
      source.close();
      resolve();
    };
    const count = counting(n, done);
    listen(
      source,
      onData
        ? (data) => {
            onData(data);
            count();
          }
        : count,
    );
    source.onerror = (e) => {
      if (source.readyState === 2) reject(new Error(`closed: ${e?.error?.message ?? e?.message ?? 'error'}`));
    };
  });

/** The dispatch ceilings: `n` events built by `build(data, origin,
 * lastEventId)` and dispatched to a listener that reads `data`. */
const dispatchLoop = (build) => async (_url, n, sample) => {
  const target = new EventTarget();
  let seen = 0;
  let chars = 0;
  target.addEventListener('tick', (e) => {
    chars += e.data.length;
    seen++;
  });
  const origin = location.origin;
  for (let i = 0; i < n; i++) target.dispatchEvent(build(sample[i % sample.length], origin, String(i)));
  if (seen !== n || !chars) throw new Error('dispatch lost events');
};

/** This package's way of building its events (js/event-source.js). */
class OriginMessageEvent extends MessageEvent {
  #origin;
  constructor(type, init, origin) {
    super(type, init);
    this.#origin = origin;
  }
  get origin() {
    return this.#origin;
  }
}

export const clients = {
  native: withSource(
    (url) => new EventSource(url),
    (s, f) => s.addEventListener('tick', (e) => f(e.data)),
  ),
  'eventsource-wasm (addEventListener)': withSource(
    (url) => new esw.EventSource(url),
    (s, f) => s.addEventListener('tick', (e) => f(e.data)),
  ),
  'eventsource-wasm (typed on)': withSource(
    (url) => new esw.EventSource(url),
    (s, f) => s.on('tick', f, { decode: (d) => d }),
  ),
  /** The class of `eventsource-wasm/stats`: the stream measured, diagnostics off and on. */
  'eventsource-wasm/stats (typed on)': withSource(
    (url) => new eswStats.EventSource(url),
    (s, f) => s.on('tick', f, { decode: (d) => d }),
  ),
  'eventsource-wasm/stats, diagnose (typed on)': withSource(
    (url) => new eswStats.EventSource(url, { diagnose: true }),
    (s, f) => s.on('tick', f, { decode: (d) => d }),
  ),
  /** This crate's Rust `EventSource` (bench/rust-client), listener in Rust. */
  'eventsource-wasm (Rust API)': (url, n, _sample, onData) => rust.run(url, n, onData),
  eventsource: withSource(
    (url) => new EventSourceLib(url),
    (s, f) => s.addEventListener('tick', (e) => f(e.data)),
  ),
  'event-source-polyfill': withSource(
    (url) => new EventSourcePolyfill(url),
    (s, f) => s.addEventListener('tick', (e) => f(e.data)),
  ),
  '@microsoft/fetch-event-source': (url, n, _sample, onData) =>
    new Promise((resolve, reject) => {
      const ctrl = new AbortController();
      const count = counting(n, () => {
        ctrl.abort();
        resolve();
      });
      fetchEventSource(url, {
        signal: ctrl.signal,
        openWhenHidden: true,
        onmessage: (m) => {
          if (m.event !== 'tick') return;
          onData?.(m.data);
          count();
        },
        onerror: (e) => {
          reject(e);
          throw e;
        },
      }).catch(() => {});
    }),
  /** Ceiling for any fetch-based client: read the body, discard it. In
   * the latency scenario (`onData` given), the least a fetch-based client
   * can do: decode each chunk and hand over its `data:` lines. */
  'ceiling: raw fetch()': async (url, n, _sample, onData) => {
    const reader = (await fetch(url)).body.getReader();
    const decoder = new TextDecoder();
    let seen = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (!onData) continue;
      for (const m of decoder.decode(value, { stream: true }).matchAll(/^data: (.*)$/gm)) {
        onData(m[1]);
        if (++seen === n) return reader.cancel();
      }
    }
  },
  /** Ceiling for any fetch-based client that hands listeners strings: read
   * the body and decode it with a TextDecoder, nothing more (the text is
   * dropped). */
  'ceiling: fetch() + TextDecoder': async (url) => {
    const reader = (await fetch(url)).body.getReader();
    const decoder = new TextDecoder();
    let chars = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chars += decoder.decode(value, { stream: true }).length;
    }
    if (!chars) throw new Error('nothing decoded');
  },
  /** Ceiling for any client that hands listeners MessageEvents: build and
   * dispatch `n` of them, data prepared beforehand. They are the events an
   * EventSource must make (data, origin, lastEventId), and the listener
   * reads `data`, as every client's listener here does. */
  'ceiling: MessageEvent dispatch': dispatchLoop(
    (data, origin, lastEventId) => new MessageEvent('tick', { data, origin, lastEventId }),
  ),
  /** The same loop with events built as this package builds them: a
   * MessageEvent subclass whose `origin` is a getter (in Chromium an
   * `origin` given in the init dictionary costs about 1 µs per event). The
   * like-for-like limit for this package's addEventListener path. */
  'ceiling: MessageEvent subclass dispatch': dispatchLoop(
    (data, origin, lastEventId) => new OriginMessageEvent('tick', { data, lastEventId }, origin),
  ),
};

/** Parser only, in the page: feed `bytes` in 64 KiB chunks. */
export const parsers = {
  'eventsource-wasm (createParser)': (bytes) => {
    let events = 0;
    const parser = eswParser.createParser({ onEvent: () => events++ });
    for (let i = 0; i < bytes.length; i += 65536) parser.feed(bytes.subarray(i, i + 65536));
    return events;
  },
  'eventsource-parser': (bytes) => {
    let events = 0;
    const parser = createParser({ onEvent: () => events++ });
    const decoder = new TextDecoder();
    for (let i = 0; i < bytes.length; i += 65536)
      parser.feed(decoder.decode(bytes.subarray(i, i + 65536), { stream: true }));
    return events;
  },
};
