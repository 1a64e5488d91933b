// The browser-shaped EventSource: everything DOM-shaped (EventTarget, on* handlers,
// MessageEvent). Parsing and every connection decision live in Rust (src/wasm/exports,
// SseCore); js/connection.js carries them out with fetch() and a timer.
import { NoticeKind } from './wasm/eventsource_wasm.js';
import { readBatch } from './batch.js';
import { Connection } from './connection.js';
import { DecodeError, DecodeErrorEvent, messageOf, ReconnectEvent, report, SseError, SseErrorEvent } from './errors.js';
import { CLOSED, CONNECTING, defineHandlers, OPEN } from './handlers.js';
import { END, Loops } from './iterate.js';
import { Listeners } from './listeners.js';
import { messageEvent } from './message-event.js';
import { init } from './module.js';
import { noticed } from './hooks.js';

export { DecodeError, DecodeErrorEvent, ReconnectEvent, SseError, SseErrorEvent };

/** @typedef {import('./connection-types.js').SourceConnection} SourceConnection */
/** @typedef {import('./listeners.js').TypedRecord} TypedRecord */

export { init };

/**
 * Calls `callback` when `source` closes because its stream ended (an end
 * rule matched). For js/react.js; not exported by the package.
 * @type {(source: EventSource, callback: () => void) => void}
 */
export let onStreamEnd;

/**
 * The connection that serves `source`, or served it until it closed. For
 * js/stats.js; not exported by the package.
 * @type {(source: EventSource) => SourceConnection | null}
 */
export let connectionOf;

export class EventSource extends EventTarget {
  #url = '';
  #withCredentials = false;
  /** @type {import('./index.js').EventSourceInit} */
  #init = {};
  /** @type {0 | 1 | 2} */
  #readyState = CONNECTING;
  /** @type {SourceConnection | null} */
  #conn = null;
  /** The connection once closed, for what it measured (js/stats.js). @type {SourceConnection | null} */
  #was = null;
  #origin = '';
  #lastEventId = '';
  /** Stops listening to the abort signal given (on close: it must not keep us alive). */
  #unwatch = () => {};
  #lastType = ''; // the type of the last event received (js/batch.js)
  /** The `on<event>` handlers (js/handlers.js). @type {import('./handlers.js').Handlers} */
  #handlers = {};
  /** The DOM and typed listeners (js/listeners.js). */
  #listeners = new Listeners();
  /** @type {((type: string, data: string) => unknown) | null} */
  #endRule = null;
  /** The last event delivered, for a resume function. @type {{ type: string, data: string, lastEventId: string } | null} */
  #last = null;

  /** @param {string | URL} url @param {import('./index.js').EventSourceInit} [options] */
  constructor(url, options = {}) {
    super();
    const base = globalThis.document?.baseURI ?? globalThis.location?.href;
    let parsed;
    try {
      parsed = new URL(String(url), base);
    } catch {
      throw new DOMException(`Failed to construct 'EventSource': The URL '${url}' is invalid.`, 'SyntaxError');
    }
    this.#url = parsed.href;
    this.#init = options ?? {};
    // Types and presets are the core's; a function of the caller's runs here, after listeners.
    const end = this.#init.endEvent;
    this.#endRule = typeof end === 'function' ? end : null;
    if (typeof (this.#init.fetch ?? globalThis.fetch) !== 'function') {
      throw new TypeError("Failed to construct 'EventSource': this runtime has no fetch(); pass the `fetch` option");
    }
    this.#withCredentials = Boolean(this.#init.withCredentials);
    this.#lastEventId = this.#init.lastEventId ?? '';
    const signal = this.#init.signal;
    if (signal?.aborted) {
      queueMicrotask(() => this.#abort());
      return;
    }
    if (signal) {
      const onAbort = () => this.#abort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#unwatch = () => signal.removeEventListener('abort', onAbort);
    }
    init().then(
      () => this.#connect(),
      (error) =>
        this.#fail({ type: 'invalid-request', message: `could not load eventsource-wasm: ${messageOf(error)}` }),
    );
  }

  get url() {
    return this.#url;
  }
  get withCredentials() {
    return this.#withCredentials;
  }
  get readyState() {
    return this.#readyState;
  }
  /** The last event ID (an extension: the native class has none). */
  get lastEventId() {
    return this.#lastEventId;
  }

  close() {
    if (this.#readyState === CLOSED && !this.#conn) return;
    this.#readyState = CLOSED;
    this.#release();
  }

  /** @type {EventTarget['addEventListener']} */
  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    this.#listeners.added(type, listener, options);
  }

  /** @type {EventTarget['removeEventListener']} */
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
    this.#listeners.removed(type, listener, options);
  }

  /**
   * A typed listener: `listener(value, event)` with the data decoded
   * (`JSON.parse` unless `options.decode` is given). Returns a function that
   * removes it. No DOM event is created for it.
   * @param {string} type @param {TypedRecord['listener']} listener
   * @param {Partial<Pick<TypedRecord, 'decode' | 'onError'>>} [options]
   */
  on(type, listener, options = {}) {
    const decode = options.decode ?? this.#init.decode ?? JSON.parse;
    return this.#listeners.on(type, { listener, decode, onError: options.onError });
  }

  #connect() {
    if (this.#readyState === CLOSED) return;
    const resume = this.#init.resume;
    const options = {
      ...this.#init,
      credentials: this.#init.credentials ?? (this.#withCredentials ? 'include' : 'same-origin'),
      // The caller's resume function gets what this source delivered last.
      resume:
        resume &&
        ((/** @type {import('./index.js').ResumeInfo} */ info) =>
          resume({ ...info, lastEventId: this.#lastEventId, lastEvent: this.#last })),
    };
    /** @type {import('./connection-types.js').Sink} */
    const sink = {
      messages: (text, lengths, chunk) => {
        this.#lastType = readBatch(text, lengths, 0, lengths.length, chunk, this.#lastType, this.#deliver);
      },
      notice: (notice) => this.#onNotice(notice),
      // The core closed without an error: the end event, delivered above, ended the stream.
      closed: () => this.#ended(),
      // Paused while the page is hidden: connecting again once shown.
      paused: () => {
        this.#readyState = CONNECTING;
      },
    };
    const own = () => new Connection(this.#url, options, sink);
    // `share`: one connection per key for every tab (js/share.js, loaded only then), where
    // Web Locks and BroadcastChannel exist.
    if (this.#init.share && globalThis.navigator?.locks && typeof BroadcastChannel === 'function') {
      import('./share.js').then(
        ({ sharing }) => this.#start(sharing(this.#url, options, sink, this.#deliver, () => this.#lastEventId) ?? own),
        (error) => this.#fail({ type: 'invalid-request', message: messageOf(error) }),
      );
    } else this.#start(own);
  }

  /** Makes the connection and starts it. @param {() => SourceConnection} make */
  #start(make) {
    if (this.#readyState === CLOSED) return;
    try {
      const conn = make();
      this.#conn = conn;
      conn.start();
    } catch (error) {
      this.#fail({ type: 'invalid-request', message: messageOf(error) });
    }
  }

  /** Delivers one event of a run from WebAssembly (js/batch.js); true once
   * the source is closed: close() from a listener stops delivery at once,
   * even of events that arrived in the same chunk (as the native class
   * does). @param {string} type @param {string} data @param {string} lastEventId */
  #deliver = (type, data, lastEventId) => {
    if (this.#readyState === CLOSED) return true;
    this.#lastEventId = lastEventId;
    if (this.#init.resume) this.#last = { type, data, lastEventId };
    if (this.#loops.active) this.#loops.feed({ type, data, lastEventId });
    this.#listeners.callTyped(this, { type, data, lastEventId, origin: this.#origin });
    if (this.#listeners.hasDom(type) || (type === 'message' && this.#handlers.message)) {
      this.dispatchEvent(messageEvent(type, data, lastEventId, this.#origin));
    }
    // The caller's end rule: the event was delivered, now close.
    if (this.#endRule) {
      try {
        if (this.#endRule(type, data)) this.#ended(true);
      } catch (e) {
        report(e);
      }
    }
    return /** @type {number} */ (this.#readyState) === CLOSED;
  };

  /** @param {import('./connection-types.js').Notice} notice */
  #onNotice(notice) {
    if (this.#readyState === CLOSED) return;
    switch (notice[0]) {
      case NoticeKind.Open:
        try {
          this.#origin = new URL(this.#conn?.responseUrl || this.#url).origin;
        } catch {
          this.#origin = new URL(this.#url).origin;
        }
        this.#readyState = OPEN;
        this.dispatchEvent(new Event('open'));
        break;
      case NoticeKind.Comment:
        if (this.#init.onComment) {
          try {
            this.#init.onComment(notice[1]);
          } catch (e) {
            report(e);
          }
        }
        break;
      case NoticeKind.Error:
        this.#fail(notice[1], notice[2]);
        break;
      case NoticeKind.Reconnecting:
        this.dispatchEvent(new ReconnectEvent(notice[1], notice[2]));
        break;
    }
    // With `eventsource-wasm/stats`: its diagnostics (only its module tells them), and the DevTools track.
    noticed?.(this, notice, this.#init);
  }

  /** An error: reconnecting (readyState CONNECTING), or final (CLOSED: no
   * delay). @param {import('./wasm/eventsource_wasm.js').ErrorDetail} detail @param {number} [reconnectIn] */
  #fail(detail, reconnectIn) {
    if (this.#readyState === CLOSED) return;
    const error = new SseError(detail, reconnectIn);
    this.#readyState = reconnectIn === undefined ? CLOSED : CONNECTING;
    if (this.#readyState === CLOSED) {
      // `for await` loops throw it, after the events before it.
      this.#loops.feed(error);
      this.#release();
    }
    this.dispatchEvent(new SseErrorEvent(error));
  }

  /**
   * `for await (const event of source)`: every event, as
   * `{ type, data, lastEventId }`, until the source closes (the end event,
   * or `close()`); a final error is thrown. Leaving the loop closes the
   * source. An iterator more than `maxBufferedEvents` events behind stops
   * the body from being read until it catches up.
   * @returns {AsyncGenerator<{ type: string, data: string, lastEventId: string }, void, undefined>}
   */
  async *[Symbol.asyncIterator]() {
    if (this.#readyState === CLOSED) return;
    yield* this.#loops.loop(() => this.close());
  }

  /** The `for await` loops; the body is read only while none is too far behind. */
  #loops = new Loops(
    () => this.#init.maxBufferedEvents ?? 1000,
    (full) => this.#conn?.backlog(full),
  );

  #abort() {
    if (this.#readyState === CLOSED) return;
    this.#fail({ type: 'aborted' });
  }

  /** The stream ended (an end rule matched): closed, not by a caller.
   * @param {boolean} [byCaller] the caller's own rule matched (js/share.js) */
  #ended(byCaller) {
    this.#readyState = CLOSED;
    this.#release(byCaller);
    this.#onEnd?.();
  }

  /** Told when the stream ends (js/react.js, through `onStreamEnd`). @type {(() => void) | null} */
  #onEnd = null;

  /** @param {boolean} [ended] the stream's end event closed it */
  #release(ended) {
    this.#loops.feed(END);
    this.#unwatch();
    this.#unwatch = () => {};
    const conn = this.#conn;
    this.#conn = null;
    this.#was = conn ?? this.#was;
    conn?.close(ended);
  }

  static {
    onStreamEnd = (source, callback) => {
      source.#onEnd = callback;
    };
    connectionOf = (source) => source.#conn ?? source.#was;
    defineHandlers(EventSource, (source) => source.#handlers);
  }
}
