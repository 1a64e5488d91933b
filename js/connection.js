// The connection for the EventSource class: fetch(), the body reader and
// the timer live here; every decision (when to connect, what an answer
// means, how long to wait, what the bytes say) is made by the Rust core
// (SseCore, src/wasm/exports.rs), the same state machine the Rust API uses.
import { SseCore } from './wasm/eventsource_wasm.js';

const IO_FETCH = 1;
const IO_ABORT = 2;
const IO_PROBE = 3;
// Kinds of the fetch errors the core is told about.
const E_NETWORK = 0;
const E_HEADERS = 1;
const E_INVALID = 2;

const now = () => performance.now();
const messageOf = (e) => (e instanceof Error ? e.message : String(e));
const num = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** `Retry-After` as a delay in ms: delay-seconds or an HTTP date. */
function retryAfterMs(value) {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Header pairs from a Headers, an array of pairs or a plain object. */
function headerPairs(value) {
  const bad = () => new TypeError('headers must be a Headers, an array of [name, value] pairs or an object');
  let entries;
  if (Array.isArray(value)) entries = value;
  else if (typeof Headers !== 'undefined' && value instanceof Headers) entries = [...value];
  else if (value && typeof value === 'object') entries = Object.entries(value);
  else throw bad();
  return entries.map((pair) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || pair[1] === undefined) throw bad();
    return [pair[0], String(pair[1])];
  });
}

/** Sets each pair on `headers`; returns the name of the first one the
 * browser refuses, or null. Only the name: the value may be a secret. */
function setAll(headers, pairs) {
  for (const [name, value] of pairs) {
    try {
      headers.set(name, value);
    } catch {
      return name;
    }
  }
  return null;
}

/**
 * One source's connection. `sink.messages(text, lengths)` and
 * `sink.notice(kind, a, b)` receive what the core says (kinds as in
 * SseCore.drain). Throws a TypeError for malformed static headers.
 */
export class Connection {
  #core;
  #url;
  #init;
  #sink;
  #staticHeaders;
  /** The AbortController of the request in flight. */
  #request = null;
  #timer = null;
  #timerAt = -1;

  constructor(url, init, sink) {
    this.#url = url;
    this.#init = init;
    this.#sink = sink;
    const h = init.headers;
    this.#staticHeaders = typeof h === 'function' || h == null ? [] : headerPairs(h);
    if (init.fetch !== undefined && typeof init.fetch !== 'function') throw new TypeError('fetch must be a function');
    const r = init.retry ?? {};
    const statuses = Array.isArray(init.retryStatuses) ? init.retryStatuses.filter((s) => typeof s === 'number') : [];
    this.#core = new SseCore(
      num(r.initialDelay), num(r.minDelay), num(r.maxDelay), num(r.factor), num(r.jitter),
      num(r.maxAttempts), num(r.healthyAfter),
      new Uint16Array(statuses),
      init.endEvent === undefined ? 'end' : init.endEvent === null ? undefined : String(init.endEvent),
      num(init.idleTimeout), num(init.maxLineLength), num(init.maxEventLength),
      init.lastEventId == null ? '' : String(init.lastEventId),
      init.lastEventIdParam == null ? undefined : String(init.lastEventIdParam),
      url,
      Math.random(),
      now(),
    );
  }

  /** Makes the first request. Separate from the constructor so that the
   * owner holds the connection before anything can be reported. */
  start() {
    if (this.#core) this.#pump();
  }

  get readyState() {
    return this.#core ? this.#core.readyState : 2;
  }

  /** Closes for good: aborts the request, cancels the timer, frees the core. */
  close() {
    if (!this.#core) return;
    this.#core.close();
    this.#pump();
    this.#core.free();
    this.#core = null;
  }

  /** Carries out what the core asks, tells the sink what it said, and
   * arms the timer for its next deadline. */
  #pump() {
    const core = this.#core;
    if (!core) return;
    for (;;) {
      const io = core.poll_io();
      if (io === IO_FETCH) this.#start(core.fetchUrl, core.fetchLastEventId);
      else if (io === IO_PROBE) this.#probe();
      else if (io === IO_ABORT) this.#abort();
      else break;
    }
    // The timer is re-armed only for an earlier deadline: with an idle
    // timeout the deadline moves on every chunk, and a timer that fires
    // early is harmless (the core does nothing; the next one is armed).
    const at = core.readyState === 2 ? -1 : core.timeout();
    if (at < 0) {
      clearTimeout(this.#timer);
      this.#timer = null;
    } else if (this.#timer === null || at < this.#timerAt) {
      clearTimeout(this.#timer);
      this.#timerAt = at;
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#step((c) => c.on_timer(now()));
      }, Math.max(0, at - now()));
    }
    const said = core.drain();
    for (let i = 0; i < said.length; i += 3) {
      if (!this.#core) return; // closed by a listener
      if (said[i] === 5) this.#sink.messages(said[i + 1], said[i + 2]);
      else this.#sink.notice(said[i], said[i + 1], said[i + 2]);
    }
  }

  /** Feeds the core one input (unless closed meanwhile), then pumps. */
  #step(input) {
    if (!this.#core) return;
    input(this.#core);
    this.#pump();
  }

  #abort() {
    this.#request?.abort();
    this.#request = null;
  }

  /** Whether the failed request was refused by CORS: a `no-cors` GET of
   * the same URL gets an opaque response when the server answered a
   * cross-origin request (src/connection, `Io::Probe`). Its body is not
   * read. */
  async #probe() {
    this.#abort();
    const controller = new AbortController();
    this.#request = controller;
    const current = () => this.#request === controller && this.#core;
    await null; // not from inside #pump, as in #start
    if (!current()) return;
    let refused = false;
    try {
      const response = await (this.#init.fetch ?? fetch)(
        new Request(this.#url, {
          mode: 'no-cors',
          cache: 'no-store',
          credentials: this.#init.credentials ?? 'same-origin',
          signal: controller.signal,
        }),
      );
      refused = response?.type === 'opaque';
    } catch {
      // No answer at all: a network failure.
    }
    controller.abort();
    if (current()) {
      this.#request = null;
      this.#step((c) => c.on_probe(now(), refused));
    }
  }

  async #start(url, lastEventId) {
    this.#abort();
    const controller = new AbortController();
    this.#request = controller;
    const current = () => this.#request === controller && this.#core;
    // Never report anything from inside #pump: everything below runs after
    // the current pump has finished (a failure here closes the core, which
    // the pump is still using).
    await null;
    if (!current()) return;
    const fail = (kind, e) => {
      if (current()) {
        this.#request = null;
        this.#step((c) => c.on_fetch_error(now(), kind, messageOf(e)));
      }
    };
    // Headers: the fixed ones, the static ones, then the callback's (run
    // before every request, so a token can be refreshed), then Last-Event-ID.
    const invalid = (name) => fail(E_INVALID, `invalid name or value for the header ${JSON.stringify(name)}`);
    // Only CORS-safelisted headers of our own, so that a plain
    // cross-origin request is not preflighted, as the native class's is
    // not. `cache: 'no-store'` keeps caches out (and makes the browser send
    // `Cache-Control: no-cache` itself, without a preflight).
    const headers = new Headers({ Accept: 'text/event-stream' });
    let refused = setAll(headers, this.#staticHeaders);
    if (refused !== null) return invalid(refused);
    const headersFn = this.#init.headers;
    let fresh = [];
    if (typeof headersFn === 'function') {
      try {
        fresh = headerPairs(await headersFn());
      } catch (e) {
        return fail(E_HEADERS, e);
      }
      if (!current()) return; // closed while the callback ran
    }
    if (lastEventId) fresh.push(['Last-Event-ID', lastEventId]);
    refused = setAll(headers, fresh);
    if (refused !== null) return invalid(refused);
    let request;
    try {
      request = new Request(url, {
        method: this.#init.method ?? 'GET',
        headers,
        body: this.#init.body ?? undefined,
        mode: 'cors',
        cache: 'no-store',
        credentials: this.#init.credentials ?? 'same-origin',
        signal: controller.signal,
      });
    } catch (e) {
      return fail(E_INVALID, e);
    }
    let response;
    try {
      response = await (this.#init.fetch ?? fetch)(request);
      if (!(response instanceof Response)) throw new TypeError('fetch() did not resolve to a Response');
    } catch (e) {
      return fail(E_NETWORK, e);
    }
    if (!current()) return;
    this.#responseUrl = response.url;
    this.#step((c) => c.on_response(now(), response.status, response.headers.get('content-type') ?? undefined, retryAfterMs(response.headers.get('retry-after'))));
    if (!current()) return;
    if (this.#core.readyState !== 1) {
      // Not opened: the body is not wanted.
      this.#request = null;
      response.body?.cancel().catch(() => {});
      return;
    }
    if (!response.body) {
      this.#request = null;
      return this.#step((c) => c.on_eof(now()));
    }
    const reader = response.body.getReader();
    for (;;) {
      let read;
      try {
        read = await reader.read();
      } catch (e) {
        return fail(E_NETWORK, e);
      }
      if (!current()) return;
      if (read.done) {
        this.#request = null;
        return this.#step((c) => c.on_eof(now()));
      }
      if (read.value.length) this.#step((c) => c.on_chunk(now(), read.value));
    }
  }

  /** The final URL of the latest response, after redirects. */
  #responseUrl = '';
  get responseUrl() {
    return this.#responseUrl;
  }
}
