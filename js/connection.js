// The EventSource class's connection: fetch(), the body reader, the timer. Every decision
// is the Rust core's (SseCore, src/wasm/exports), the state machine the Rust API uses too.
import { Input, IoKind, NoticeKind, ReadyState, SseCore, TextInput } from './wasm/eventsource_wasm.js';
import { messageOf } from './errors.js';
import { forget, watch } from './page.js';
import { opened } from './hooks.js';
import { coreOptions } from './core-options.js';
import { bodyText, headerPairs, probe, setAll } from './request.js';

/** @typedef {import('./connection-types.js').Sink} Sink */
/** @typedef {import('./connection-types.js').SourceConnection} SourceConnection */

const now = () => performance.now();

/**
 * One source's connection (a `SourceConnection`, js/connection-types.d.ts):
 * it tells its sink what the core says, in order. Throws a TypeError for
 * malformed static headers.
 * @implements {SourceConnection}
 */
export class Connection {
  /** @type {SseCore | null} */
  #core;
  #url;
  #init;
  #sink;
  #staticHeaders;
  /** The AbortController of the request in flight. @type {AbortController | null} */
  #request = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer = undefined;
  #timerAt = -1;
  /** Backpressure (`for await`): the body is not read while set. @type {Promise<void> | null} */
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

  /** The body chunk being fed to the core, while it is. @type {import('./connection-types.js').Chunk | null} */
  #chunk = null;

  /** @param {string} url @param {import('./index.js').EventSourceInit} init @param {Sink} sink */
  constructor(url, init, sink) {
    this.#url = url;
    this.#init = init;
    this.#sink = sink;
    const h = init.headers;
    this.#staticHeaders = typeof h === 'function' || h == null ? [] : headerPairs(h);
    if (init.fetch !== undefined && typeof init.fetch !== 'function') throw new TypeError('fetch must be a function');
    this.#core = new SseCore(url, Math.random(), now(), ...coreOptions(url, init));
  }

  /** Makes the first request (once the owner holds the connection). */
  start() {
    if (!this.#core) return;
    watch(this);
    this.#pump();
  }

  /** An input that carries only the time and a flag (undefined crosses as false): the body's end, no resume,
   * or the page's changes (js/page.js: `Wake`; `Hidden`, the flag set when it went into the back/forward
   * cache). Paused (silently), the source is connecting. @param {Input} input @param {boolean} [flag] */
  input(input, flag) {
    this.#step((c) => c.input(input, now(), /** @type {boolean} */ (flag)) && this.#sink.paused());
  }

  /** Closes for good: aborts the request, cancels the timer, frees the core, keeping what it
   * measured. (`_ended`, the stream's end closed it, matters to js/share.js only.) @param {boolean} [_ended] */
  close(_ended) {
    forget(this);
    if (!this.#core) return;
    this.#core.input(Input.Close, now(), false);
    this.#pump();
    this.#last = this.#core.stats(now());
    this.#core.free();
    this.#core = null;
  }

  /** What the core had measured when it closed. @type {import('./wasm/eventsource_wasm.js').CoreStats | undefined} */
  #last;

  /** What the core measured (`SseCore.stats`; after `close()`, what it had measured then):
   * undefined where the module measures nothing (only `eventsource-wasm/stats`'s does). */
  measure() {
    return this.#core ? this.#core.stats(now()) : this.#last;
  }

  /** Carries out what the core asks, tells the sink what it said, arms the timer. */
  #pump() {
    const core = this.#core;
    if (!core) return;
    for (;;) {
      const io = core.poll_io();
      if (io === IoKind.Fetch) this.#start(...core.request);
      else if (io === IoKind.Probe) this.#probe();
      else if (io === IoKind.Abort) this.#abort();
      else break;
    }
    // The timer is re-armed only for an earlier deadline (an idle timeout moves it on every
    // chunk; a timer that fires early is harmless). Read once per pump: nothing below changes
    // the core (a listener that closes the source frees it: checked); closed, timeout() is -1.
    const closed = core.readyState === ReadyState.Closed;
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
          // Held back by a slow loop, the silence is ours (the core decides what that means).
          this.#step((c) => c.input(Input.Timer, now(), this.#held !== null));
        },
        Math.max(0, at - now()),
      );
    }
    for (const notice of core.drain()) {
      if (!this.#core) return; // closed by a listener
      if (notice[0] === NoticeKind.Messages) this.#sink.messages(notice[1], notice[2], this.#chunk);
      else this.#sink.notice(notice);
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
    const refused = await probe(this.#init.fetch ?? fetch, this.#url, this.#init.credentials, controller.signal);
    controller.abort();
    if (current()) {
      this.#request = null;
      this.#step((c) => c.input(Input.Probed, now(), refused));
    }
  }

  /**
   * Makes the request the core described (`SseCore.request`): its first
   * headers, the caller's (the static ones, then the callback's, run before
   * every request so that a token can be refreshed), then its last.
   * @param {string} method @param {string} url @param {[string, string][]} first
   * @param {[string, string][]} last @param {boolean} sendBody
   * @param {number} [resume] the attempt, when the caller's resume function makes it
   */
  async #start(method, url, first, last, sendBody, resume) {
    this.#abort();
    const controller = new AbortController();
    this.#request = controller;
    const current = () => this.#request === controller && this.#core;
    // Never report from inside #pump (a failure here closes the core the pump is using).
    await null;
    if (!current()) return;
    /** @param {TextInput} kind @param {unknown} e */
    const fail = (kind, e) => {
      if (current()) {
        this.#request = null;
        this.#step((c) => c.input_text(now(), kind, messageOf(e)));
      }
    };
    /** @param {string} name */
    const invalid = (name) =>
      fail(TextInput.InvalidRequest, `invalid name or value for the header ${JSON.stringify(name)}`);
    let payload = sendBody ? this.#init.body : undefined;
    if (resume) {
      // The core asked the caller's resume function (the class adds the last event and its
      // ID); its headers go after the caller's (`last` is empty here).
      let next;
      try {
        next = this.#init.resume?.(/** @type {any} */ ({ attempt: resume }));
        if (next) {
          url = new URL(next.url ?? url, this.#url).href;
          last = headerPairs(next.headers ?? []);
        }
      } catch (e) {
        return fail(TextInput.InvalidRequest, e);
      }
      if (!next) {
        this.#request = null;
        return this.input(Input.NotResumed);
      }
      method = next.method ?? 'GET';
      payload = next.body;
    }
    const headers = new Headers();
    // The core's first headers (an idempotency header's name may be refused), the caller's.
    let refused = setAll(headers, [...first, ...this.#staticHeaders]);
    if (refused !== null) return invalid(refused);
    const headersFn = this.#init.headers;
    if (typeof headersFn === 'function') {
      /** @type {[string, string][]} */
      let fresh;
      try {
        fresh = headerPairs(await headersFn());
      } catch (e) {
        return fail(TextInput.Headers, e);
      }
      if (!current()) return; // closed while the callback ran
      refused = setAll(headers, fresh);
      if (refused !== null) return invalid(refused);
    }
    refused = setAll(headers, last);
    if (refused !== null) return invalid(refused);
    let request;
    try {
      request = new Request(url, {
        method,
        headers,
        body: /** @type {BodyInit | undefined} */ (payload), // fetch's types
        mode: 'cors',
        cache: 'no-store',
        credentials: this.#init.credentials ?? 'same-origin',
        signal: controller.signal,
      });
    } catch (e) {
      return fail(TextInput.InvalidRequest, e);
    }
    let response;
    try {
      response = await (this.#init.fetch ?? fetch)(request);
      if (!(response instanceof Response)) throw new TypeError('fetch() did not resolve to a Response');
    } catch (e) {
      return fail(TextInput.Network, e);
    }
    if (!current()) return;
    this.#responseUrl = response.url;
    const header = (/** @type {string} */ name) => response.headers.get(name) ?? undefined;
    const type = header('content-type');
    // A response that does not open the stream: its body says why.
    const body = SseCore.opens(response.status, type) ? undefined : await bodyText(response);
    if (!current()) return;
    this.#step((c) => c.on_response(now(), response.status, type, header('retry-after'), Date.now(), body));
    if (!current()) return;
    if (this.#core?.readyState !== ReadyState.Open) {
      // Not opened: the body is not wanted.
      this.#request = null;
      response.body?.cancel().catch(() => {});
      return;
    }
    // A diagnosing source's stream opened: js/stats.js tells its core what only the page knows.
    if (this.#init.diagnose) opened?.(this.#url, response, (f) => this.#step(f));
    if (!response.body) {
      this.#request = null;
      return this.input(Input.Eof);
    }
    const reader = response.body.getReader();
    for (;;) {
      let read;
      try {
        if (this.#held) await this.#held;
        if (!current()) return;
        read = await reader.read();
      } catch (e) {
        return fail(TextInput.Network, e);
      }
      if (!current()) return;
      if (read.done) {
        this.#request = null;
        return this.input(Input.Eof);
      }
      // Fed in slices of at most 64 KiB, which bound the module's copy; events may point into it.
      for (let at = 0; at < read.value.length && current(); at += 65536) {
        const bytes = read.value.subarray(at, at + 65536);
        this.#chunk = { bytes, text: null };
        try {
          this.#step((c) => c.on_chunk(now(), bytes));
        } finally {
          this.#chunk = null;
        }
      }
    }
  }

  /** The source's URL. */
  get url() {
    return this.#url;
  }

  /** The final URL of the latest response, after redirects. */
  #responseUrl = '';
  get responseUrl() {
    return this.#responseUrl;
  }
}
