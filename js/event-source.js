// The browser-shaped EventSource, over the WebAssembly connection.
//
// Everything DOM-shaped lives here: EventTarget, on* handlers, MessageEvent.
// Parsing and every connection decision live in Rust (src/wasm/exports,
// SseCore); js/connection.js carries them out with fetch() and a timer.
import { BatchMark, initSync, NoticeKind } from './wasm/eventsource_wasm.js';
import { Connection } from './connection.js';
import { readBatch, useMarks } from './batch.js';
import { loader } from './load.js';

useMarks(BatchMark);

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/**
 * Loads the WebAssembly module. Called for you by the first EventSource;
 * call it yourself to load early, or to pass the module's URL, bytes,
 * `Response` or compiled `WebAssembly.Module` when your bundler cannot
 * resolve `new URL('…_bg.wasm', import.meta.url)`. A failed load is tried
 * again by the next call.
 */
export const init = loader(initSync, () => new URL('./wasm/eventsource_wasm_bg.wasm', import.meta.url));

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/** @param {unknown} error */
const report = (error) => {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else
    setTimeout(() => {
      throw error;
    });
};

/** What went wrong, with whether and when a reconnect follows. */
export class SseError extends Error {
  constructor(detail, reconnectIn) {
    super(detail.message);
    this.name = /** @type {const} */ ('SseError');
    /** @type {string} */
    /** @type {import('./index.js').SseErrorType} */
    this.type = detail.type;
    for (const key of ['status', 'contentType', 'limit', 'timeout', 'attempts']) {
      if (detail[key] !== undefined) this[key] = detail[key];
    }
    if (detail.cause !== undefined) {
      /** @type {SseError | undefined} */
      this.cause = new SseError(detail.cause);
    }
    // A refused response's body: parsed when it is JSON, and the server's
    // message, where APIs put it, added to ours.
    if (detail.body !== undefined) {
      /** @type {string | undefined} */
      this.body = detail.body;
      try {
        /** @type {unknown} */
        this.json = JSON.parse(detail.body);
      } catch {}
      const json = /** @type {any} */ (this.json);
      const text = (/** @type {unknown} */ v) => (typeof v === 'string' && v ? v : undefined);
      const said = json && (text(json.error?.message) ?? text(json.error) ?? text(json.message) ?? text(json.detail));
      if (said) {
        /** @type {string | undefined} */
        this.serverMessage = said;
        this.message += `: ${said}`;
      }
    }
    this.willReconnect = reconnectIn !== undefined;
    this.reconnectIn = reconnectIn ?? null;
  }
}

/** The `error` event: a plain `Event`, plus what happened. */
export class SseErrorEvent extends Event {
  constructor(error) {
    super('error');
    this.error = error;
    this.willReconnect = error.willReconnect;
    this.reconnectIn = error.reconnectIn;
  }
}

/** Announces a scheduled reconnect. */
export class ReconnectEvent extends Event {
  constructor(delay, attempt) {
    super('reconnecting');
    this.delay = delay;
    this.attempt = attempt;
  }
}

/** A payload a typed listener could not decode; the stream goes on. */
export class DecodeError extends Error {
  constructor(eventType, data, cause) {
    super(`the data of a "${eventType}" event did not decode: ${cause?.message ?? cause}`);
    this.name = /** @type {const} */ ('DecodeError');
    this.eventType = eventType;
    this.data = data;
    this.cause = cause;
  }
}

/** The `decodeerror` event (when the typed listener has no `onError`). */
export class DecodeErrorEvent extends Event {
  constructor(error) {
    super('decodeerror');
    this.error = error;
  }
}

const HANDLERS = ['open', 'message', 'error'];

/** What ends a `for await` loop's queue. */
const END = {};

/**
 * The events we dispatch are MessageEvents whose `origin` comes from a
 * getter, not from the init dictionary: in Chromium an `origin` given in
 * the dictionary costs about 1 µs per event, which made creating an event
 * about 40% slower (docs/benchmarks.md). They are still `MessageEvent`s
 * (`instanceof`, `data`, `lastEventId`, `ports`, `source`), and `origin`
 * reads as it should. The subclass is made from the `MessageEvent` in
 * place at dispatch (and kept while that stays the same).
 */
/** @type {typeof MessageEvent | null} */
let messageEventBase = null;
/** @type {new (type: string, init: MessageEventInit, origin: string) => globalThis.MessageEvent} */
let SseMessageEvent;
function messageEventClass() {
  if (globalThis.MessageEvent !== messageEventBase) {
    messageEventBase = globalThis.MessageEvent;
    /** @type {new (type: string, init: MessageEventInit) => globalThis.MessageEvent} */
    const base = messageEventBase;
    SseMessageEvent = class MessageEvent extends base {
      #origin;
      /** @param {string} type @param {MessageEventInit} init @param {string} origin */
      constructor(type, init, origin) {
        super(type, init);
        this.#origin = origin;
      }

      get origin() {
        return this.#origin;
      }
    };
  }
  return SseMessageEvent;
}

export class EventSource extends EventTarget {
  /** @type {string} */
  #url;
  /** @type {boolean} */
  #withCredentials;
  /** @type {import('./index.js').EventSourceInit} */
  #init;
  /** @type {0 | 1 | 2} */
  #readyState = CONNECTING;
  /** @type {Connection | null} */
  #conn = null;
  #origin = '';
  #lastEventId = '';
  /** The abort signal given, and our listener on it, until closed. */
  /** @type {AbortSignal | null} */
  #signal = null;
  /** @type {() => void} */
  #onAbort = () => {};
  /** The type of the last event received (see js/batch.js). */
  #lastType = '';
  #handlers = { open: null, message: null, error: null };
  /** type -> Map(listener -> capture flags): DOM listeners, counted so that
   * MessageEvents are only created for types somebody listens to. */
  #dom = new Map();
  /** type -> Set of typed listener records. */
  #typed = new Map();
  /** @type {((type: string, data: string) => unknown) | null} */
  #endRule = null;

  /**
   * @param {string | URL} url
   * @param {import('./index.js').EventSourceInit} [options]
   */
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
    // One end type is the core's; several, or a rule, are checked here
    // after each event's listeners (null: nothing to check per event).
    const end = this.#init.endEvent;
    this.#endRule =
      typeof end === 'function' ? end : Array.isArray(end) ? (/** @type {string} */ type) => end.includes(type) : null;
    if (typeof (this.#init.fetch ?? globalThis.fetch) !== 'function') {
      throw new TypeError("Failed to construct 'EventSource': this runtime has no fetch(); pass the `fetch` option");
    }
    this.#withCredentials = Boolean(this.#init.withCredentials);
    this.#lastEventId = this.#init.lastEventId ?? '';
    const signal = this.#init.signal;
    if (signal) {
      if (signal.aborted) {
        queueMicrotask(() => this.#abort());
        return;
      }
      // Removed again on close: a long-lived signal must not keep closed
      // sources (and their listeners) alive.
      this.#signal = signal;
      this.#onAbort = () => this.#abort();
      signal.addEventListener('abort', this.#onAbort, { once: true });
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

  addEventListener(type, listener, options) {
    super.addEventListener(type, listener, options);
    if (listener == null) return;
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const byListener = this.#dom.get(type) ?? new Map();
    byListener.set(listener, (byListener.get(listener) ?? 0) | (capture ? 2 : 1));
    this.#dom.set(type, byListener);
  }

  removeEventListener(type, listener, options) {
    super.removeEventListener(type, listener, options);
    const byListener = this.#dom.get(type);
    if (!byListener?.has(listener)) return;
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const flags = byListener.get(listener) & ~(capture ? 2 : 1);
    if (flags) byListener.set(listener, flags);
    else byListener.delete(listener);
    if (!byListener.size) this.#dom.delete(type);
  }

  /**
   * A typed listener: `listener(value, event)` with the data decoded
   * (`JSON.parse` unless `options.decode` is given). Returns a function that
   * removes it. No DOM event is created for it.
   */
  on(type, listener, options = {}) {
    const record = { listener, decode: options.decode ?? this.#init.decode ?? JSON.parse, onError: options.onError };
    const set = this.#typed.get(type) ?? new Set();
    set.add(record);
    this.#typed.set(type, set);
    return () => {
      set.delete(record);
      if (!set.size && this.#typed.get(type) === set) this.#typed.delete(type);
    };
  }

  #connect() {
    if (this.#readyState === CLOSED) return;
    const options = {
      ...this.#init,
      credentials: this.#init.credentials ?? (this.#withCredentials ? 'include' : 'same-origin'),
    };
    const sink = {
      messages: (text, lengths, chunk) => {
        this.#lastType = readBatch(text, lengths, 0, lengths.length, chunk, this.#lastType, this.#deliver);
      },
      notice: (kind, a, b) => this.#onNotice(kind, a, b),
      // The core closed without an error: the end event, delivered
      // above, ended the stream.
      closed: () => {
        this.#readyState = CLOSED;
        this.#release();
      },
      // Paused while the page is hidden: connecting again once shown.
      paused: () => {
        this.#readyState = CONNECTING;
      },
    };
    // `share`: one connection per key for every tab (js/share.js, loaded
    // only then), where Web Locks and BroadcastChannel exist.
    if (this.#init.share && globalThis.navigator?.locks && typeof BroadcastChannel === 'function') {
      import('./share.js').then(
        ({ SharedConnection, shareName }) => {
          const name = shareName(this.#url, options);
          if (name)
            this.#start(new SharedConnection(name, this.#url, options, sink, this.#deliver, () => this.#lastEventId));
          else this.#start(null, options, sink);
        },
        (error) => this.#fail({ type: 'invalid-request', message: messageOf(error) }),
      );
    } else this.#start(null, options, sink);
  }

  /** Starts the connection given, or a plain one. */
  #start(conn, options, sink) {
    if (this.#readyState === CLOSED) return;
    try {
      const started = conn ?? new Connection(this.#url, options, sink);
      this.#conn = started;
      started.start();
    } catch (error) {
      this.#fail({ type: 'invalid-request', message: messageOf(error) });
    }
  }

  /** Delivers one event of a run from WebAssembly (js/batch.js); true
   * once the source is closed (nothing more is delivered). */
  #deliver = (type, data, lastEventId) => {
    this.#onMessage(type, data, lastEventId);
    return this.#readyState === CLOSED;
  };

  #onMessage(type, data, lastEventId) {
    // close() from a listener stops delivery at once, even of events that
    // arrived in the same chunk (as the native class does).
    if (this.#readyState === CLOSED) return;
    this.#lastEventId = lastEventId;
    if (this.#queues.size) {
      this.#feed({ type, data, lastEventId });
      this.#backlog();
    }
    const typed = this.#typed.get(type);
    if (typed) {
      const meta = { type, data, lastEventId, origin: this.#origin };
      for (const record of [...typed]) this.#callTyped(record, type, data, meta);
    }
    if (this.#dom.has(type) || (type === 'message' && this.#handlers.message)) {
      const MessageEventClass = messageEventClass();
      this.dispatchEvent(new MessageEventClass(type, { data, lastEventId }, this.#origin));
    }
    // Several end types, or a rule: the event was delivered, now close.
    if (this.#endRule) {
      try {
        if (this.#endRule(type, data)) {
          // Ended by the stream, not by a caller: a shared connection ends
          // for every tab (js/share.js).
          this.#readyState = CLOSED;
          this.#release(true);
        }
      } catch (e) {
        report(e);
      }
    }
  }

  #callTyped(record, type, data, meta) {
    let value;
    try {
      value = record.decode(data);
    } catch (cause) {
      const error = new DecodeError(type, data, cause);
      if (record.onError) {
        try {
          record.onError(error);
        } catch (e) {
          report(e);
        }
      } else {
        this.dispatchEvent(new DecodeErrorEvent(error));
      }
      return;
    }
    try {
      record.listener(value, meta);
    } catch (error) {
      report(error);
    }
  }

  #onNotice(kind, a, b) {
    if (this.#readyState === CLOSED) return;
    switch (kind) {
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
            this.#init.onComment(a);
          } catch (e) {
            report(e);
          }
        }
        break;
      case NoticeKind.Error:
        this.#fail(a, b);
        break;
      case NoticeKind.Reconnecting:
        this.dispatchEvent(new ReconnectEvent(a, b));
        break;
    }
  }

  /** An error: reconnecting (readyState CONNECTING) or final (CLOSED). */
  #fail(detail, reconnectIn) {
    if (this.#readyState === CLOSED) return;
    const error = new SseError(detail, reconnectIn);
    this.#readyState = reconnectIn === undefined ? CLOSED : CONNECTING;
    if (this.#readyState === CLOSED) {
      // `for await` loops throw it, after the events before it.
      this.#feed(error);
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
    /** @type {any[] & { wake?: (value?: unknown) => void }} */
    const queue = [];
    if (this.#readyState === CLOSED) return;
    this.#queues.add(queue);
    try {
      for (;;) {
        if (!queue.length) await new Promise((resolve) => (queue.wake = resolve));
        const item = queue.shift();
        if (item === END) return;
        if (item instanceof SseError) throw item;
        this.#backlog();
        yield item;
      }
    } finally {
      this.#queues.delete(queue);
      this.close();
    }
  }

  /** The queues of the `for await` loops. */
  /** @type {Set<any[] & { wake?: (value?: unknown) => void }>} */
  #queues = new Set();

  /** @param {unknown} item */
  #feed(item) {
    for (const queue of this.#queues) {
      queue.push(item);
      queue.wake?.();
    }
  }

  /** Backpressure: the body is read only while no loop is too far behind. */
  #backlog() {
    const limit = this.#init.maxBufferedEvents ?? 1000;
    let full = false;
    for (const queue of this.#queues) full ||= queue.length >= limit;
    this.#conn?.backlog(full);
  }

  #abort() {
    if (this.#readyState === CLOSED) return;
    this.#fail({ type: 'aborted', message: 'aborted' });
  }

  /** @param {boolean} [ended] the stream's end event closed it */
  #release(ended) {
    this.#feed(END);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#signal = null;
    const conn = this.#conn;
    this.#conn = null;
    conn?.close(ended);
  }

  static {
    // The on<event> handler attributes, as the DOM defines them: the
    // listener is added the first time a handler is set, and calls whatever
    // handler is current.
    for (const type of HANDLERS) {
      Object.defineProperty(EventSource.prototype, `on${type}`, {
        configurable: true,
        enumerable: true,
        get() {
          return this.#handlers[type];
        },
        set(value) {
          this.#handlers[type] = typeof value === 'function' || (value && typeof value === 'object') ? value : null;
          if (this.#handlers[type] && !this.#handlerListeners.has(type)) {
            this.#handlerListeners.add(type);
            EventTarget.prototype.addEventListener.call(this, type, (event) => {
              const handler = this.#handlers[type];
              if (typeof handler === 'function') return handler.call(this, event);
            });
          }
        },
      });
    }
    for (const [name, value] of [
      ['CONNECTING', CONNECTING],
      ['OPEN', OPEN],
      ['CLOSED', CLOSED],
    ]) {
      Object.defineProperty(EventSource, name, { value, enumerable: true });
      Object.defineProperty(EventSource.prototype, name, { value, enumerable: true });
    }
  }

  /** Types whose handler attribute has added its listener. */
  #handlerListeners = new Set();
}
