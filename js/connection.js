// The connection for the EventSource class: fetch(), the body reader and
// the timer live here; every decision (when to connect, what an answer
// means, how long to wait, what the bytes say) is made by the Rust core
// (SseCore, src/wasm/exports), the same state machine the Rust API uses.
import { FetchFailure, IoKind, NoticeKind, SseCore } from './wasm/eventsource_wasm.js';

const now = () => performance.now();
const EMPTY = new Uint8Array(0);
/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/** Header pairs from a Headers, an array of pairs or a plain object. */
/**
 * @param {unknown} value
 * @returns {[string, string][]}
 */
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
/**
 * @param {Headers} headers
 * @param {[string, string][]} pairs
 */
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
 * The start of a refused response's body, as text: at most 64 KiB, read for
 * at most 3 s (ERROR_BODY_LIMIT and ERROR_BODY_TIMEOUT_MS in
 * src/connection); whatever arrived is kept if reading fails.
 * @param {Response} response
 */
async function bodyText(response) {
  const reader = response.body?.getReader();
  let text = '';
  if (!reader) return text;
  const decoder = new TextDecoder();
  const cancel = () => reader.cancel().catch(() => {});
  const timer = setTimeout(cancel, 3000);
  try {
    for (let left = 65536; left > 0; ) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value.subarray(0, left), { stream: true });
      left -= value.length;
    }
  } catch {
    // Broken off: what arrived is kept.
  }
  clearTimeout(timer);
  cancel();
  return text;
}

/** The open connections, told when the page comes back or hides. */
/** @type {Set<Connection>} */
const live = new Set();
let watching = false;
function watchPage() {
  if (watching) return;
  watching = true;
  const g = globalThis;
  /** @param {(c: Connection) => void} f */
  const each = (f) => () => {
    for (const c of live) f(c);
  };
  // Back online, or back from the back/forward cache: a waiting reconnect
  // happens now (src/connection, `Connection::wake`).
  g.addEventListener?.(
    'online',
    each((c) => c.wake()),
  );
  g.addEventListener?.('pageshow', (e) => /** @type {PageTransitionEvent} */ (e).persisted && each((c) => c.wake())());
  g.document?.addEventListener(
    'visibilitychange',
    each((c) => c.visible(!g.document.hidden)),
  );
}

/**
 * One source's connection. `sink.messages(text, lengths, chunk)` and
 * `sink.notice(kind, a, b)` receive what the core says (`NoticeKind`s, as
 * SseCore.drain gives them); `sink.closed()` is called when the core has
 * closed for good and everything it said was handed over, `sink.paused()`
 * when it paused while the page is hidden. Throws a
 * TypeError for malformed static headers.
 */
export class Connection {
  #core;
  #url;
  #init;
  #sink;
  #staticHeaders;
  /** The AbortController of the request in flight. */
  /** @type {AbortController | null} */
  #request = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer = undefined;
  #timerAt = -1;
  /** Backpressure (js/event-source.js, `for await`): while set, the body
   * is not read, until it resolves. */
  /** @type {Promise<void> | null} */
  #held = null;
  #release = () => {};

  /** Stops reading the body (`full`) or reads on. @param {boolean} full */
  backlog(full) {
    if (full) this.#held ??= new Promise((resolve) => (this.#release = resolve));
    else if (this.#held) {
      this.#held = null;
      this.#release();
    }
  }

  /** The body chunk being fed to the core, while it is. */
  /** @type {{ bytes: Uint8Array, text: string | null } | null} */
  #chunk = null;

  /**
   * @param {string} url
   * @param {import('./index.js').EventSourceInit} init
   * @param {{
   *   messages: (text: string, lengths: Uint32Array, chunk: { bytes: Uint8Array, text: string | null } | null) => void,
   *   notice: (kind: NoticeKind, a: any, b: any) => void,
   *   closed: () => void,
   *   paused: () => void,
   * }} sink
   */
  constructor(url, init, sink) {
    this.#url = url;
    this.#init = init;
    this.#sink = sink;
    const h = init.headers;
    this.#staticHeaders = typeof h === 'function' || h == null ? [] : headerPairs(h);
    if (init.fetch !== undefined && typeof init.fetch !== 'function') throw new TypeError('fetch must be a function');
    // What the core reads (`CoreOptions`, src/wasm/exports/core.rs): the
    // rules, and the request's method; the body stays here.
    const str = (v) => (v == null ? v : String(v));
    const end = init.endEvent;
    const options = {
      ...init,
      // One type is the core's; several, or a rule, the class's
      // (js/event-source.js).
      endEvent: typeof end === 'function' || Array.isArray(end) ? null : str(end),
      lastEventId: str(init.lastEventId),
      lastEventIdParam: str(init.lastEventIdParam),
      // Resolved against the source's URL.
      resumeUrl: init.resumeUrl == null ? undefined : new URL(String(init.resumeUrl), url).href,
      method: str(init.method),
      hasBody: init.body != null,
    };
    this.#core = new SseCore(options, url, Math.random(), now());
  }

  /** Makes the first request. Separate from the constructor so that the
   * owner holds the connection before anything can be reported. */
  start() {
    if (!this.#core) return;
    live.add(this);
    watchPage();
    this.#pump();
  }

  /** The page came back: a waiting reconnect happens now. */
  wake() {
    this.#step((c) => c.wake(now()));
  }

  /** The page was shown or hidden (paused then, if the caller asked). */
  /** @param {boolean} shown */
  visible(shown) {
    if (shown) this.wake();
    // Paused (silently: the caller asked for it), the source is connecting.
    else if (this.#init.pauseWhenHidden) this.#step((c) => c.pause() && this.#sink.paused());
  }

  get readyState() {
    return this.#core ? this.#core.readyState : 2;
  }

  /** Closes for good: aborts the request, cancels the timer, frees the core.
   * (`_ended`, whether the stream's end closed it, matters to a shared
   * connection only: js/share.js.) @param {boolean} [_ended] */
  close(_ended) {
    live.delete(this);
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
      if (io === IoKind.Fetch) {
        const [method, url, headers, lastEventId, sendBody] = core.request;
        this.#start(method, url, headers, lastEventId, sendBody);
      } else if (io === IoKind.Probe) this.#probe();
      else if (io === IoKind.Abort) this.#abort();
      else break;
    }
    // The timer is re-armed only for an earlier deadline: with an idle
    // timeout the deadline moves on every chunk, and a timer that fires
    // early is harmless (the core does nothing; the next one is armed).
    // Read once per pump: nothing below changes the core's state (a listener
    // that closes the source frees the core, which is checked for). A
    // closed core has no deadline: timeout() is then -1.
    const closed = core.readyState === 2;
    const at = core.timeout();
    if (at < 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    } else if (this.#timer === undefined || at < this.#timerAt) {
      clearTimeout(this.#timer);
      this.#timerAt = at;
      this.#timer = setTimeout(
        () => {
          this.#timer = undefined;
          // Held back by a slow loop: silence is ours, not the server's,
          // so the idle timeout starts again.
          this.#step((c) => (this.#held && c.readyState === 1 ? c.on_chunk(now(), EMPTY) : c.on_timer(now())));
        },
        Math.max(0, at - now()),
      );
    }
    const said = core.drain();
    for (let i = 0; i < said.length; i += 3) {
      if (!this.#core) return; // closed by a listener
      if (said[i] === NoticeKind.Messages) this.#sink.messages(said[i + 1], said[i + 2], this.#chunk);
      else this.#sink.notice(said[i], said[i + 1], said[i + 2]);
    }
    // Closed with nothing said (the end event): after its listeners ran.
    if (closed && this.#core) this.#sink.closed();
  }

  /** Feeds the core one input (unless closed meanwhile), then pumps. */
  /** @param {(core: SseCore) => void} input */
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

  /** Makes the request the core described (`SseCore.request`). */
  /**
   * @param {string} method
   * @param {string} url
   * @param {[string, string][]} protocolHeaders
   * @param {string | undefined} lastEventId
   * @param {boolean} sendBody
   */
  async #start(method, url, protocolHeaders, lastEventId, sendBody) {
    this.#abort();
    const controller = new AbortController();
    this.#request = controller;
    const current = () => this.#request === controller && this.#core;
    // Never report anything from inside #pump: everything below runs after
    // the current pump has finished (a failure here closes the core, which
    // the pump is still using).
    await null;
    if (!current()) return;
    /** @param {FetchFailure} kind @param {unknown} e */
    const fail = (kind, e) => {
      if (current()) {
        this.#request = null;
        this.#step((c) => c.on_fetch_error(now(), kind, messageOf(e)));
      }
    };
    // Headers: the fixed ones, the static ones, then the callback's (run
    // before every request, so a token can be refreshed), then Last-Event-ID.
    const invalid = (name) =>
      fail(FetchFailure.InvalidRequest, `invalid name or value for the header ${JSON.stringify(name)}`);
    // The core's head (src/connection/request.rs, `RequestHead`): its
    // headers first, the caller's, then Last-Event-ID.
    const headers = new Headers(protocolHeaders);
    let refused = setAll(headers, this.#staticHeaders);
    if (refused !== null) return invalid(refused);
    const headersFn = this.#init.headers;
    let fresh = [];
    if (typeof headersFn === 'function') {
      try {
        fresh = headerPairs(await headersFn());
      } catch (e) {
        return fail(FetchFailure.Headers, e);
      }
      if (!current()) return; // closed while the callback ran
    }
    if (lastEventId) fresh.push(['Last-Event-ID', lastEventId]);
    refused = setAll(headers, fresh);
    if (refused !== null) return invalid(refused);
    let request;
    try {
      request = new Request(url, {
        method,
        headers,
        body: sendBody ? (this.#init.body ?? undefined) : undefined,
        mode: 'cors',
        cache: 'no-store',
        credentials: this.#init.credentials ?? 'same-origin',
        signal: controller.signal,
      });
    } catch (e) {
      return fail(FetchFailure.InvalidRequest, e);
    }
    let response;
    try {
      response = await (this.#init.fetch ?? fetch)(request);
      if (!(response instanceof Response)) throw new TypeError('fetch() did not resolve to a Response');
    } catch (e) {
      return fail(FetchFailure.Network, e);
    }
    if (!current()) return;
    this.#responseUrl = response.url;
    const header = (name) => response.headers.get(name) ?? undefined;
    const type = header('content-type');
    // A response that does not open the stream: its body says why.
    const body = SseCore.opens(response.status, type) ? undefined : await bodyText(response);
    if (!current()) return;
    this.#step((c) => c.on_response(now(), response.status, type, header('retry-after'), Date.now(), body));
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
        if (this.#held) await this.#held;
        if (!current()) return;
        read = await reader.read();
      } catch (e) {
        return fail(FetchFailure.Network, e);
      }
      if (!current()) return;
      if (read.done) {
        this.#request = null;
        return this.#step((c) => c.on_eof(now()));
      }
      if (read.value.length) {
        // The events of a chunk may point into it (js/batch.js).
        this.#chunk = { bytes: read.value, text: null };
        try {
          this.#step((c) => c.on_chunk(now(), read.value));
        } finally {
          this.#chunk = null;
        }
      }
    }
  }

  /** The final URL of the latest response, after redirects. */
  #responseUrl = '';
  get responseUrl() {
    return this.#responseUrl;
  }
}
