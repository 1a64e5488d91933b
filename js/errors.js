// What the class reports: its error classes and the events that carry them.
// The details come from the core (src/wasm/exports/core.rs, `error_object`,
// typed there by `ErrorDetail`).

/** @param {unknown} e */
export const messageOf = (e) => (e instanceof Error ? e.message : String(e));

/** Reports an exception thrown by a caller's callback without stopping us.
 * @param {unknown} error */
export const report = (error) => {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else
    setTimeout(() => {
      throw error;
    });
};

/**
 * An error's sentence, from its detail: the words `Display` gives the same
 * error in Rust (src/error.rs); tests/data/error-messages.txt holds both to
 * them.
 * @param {import('./wasm/eventsource_wasm.js').ErrorDetail} d
 * @returns {string}
 */
const describe = (d) => {
  const cause = () => describe(/** @type {import('./wasm/eventsource_wasm.js').ErrorDetail} */ (d.cause));
  switch (d.type) {
    case 'http-status':
      return `the server answered with HTTP status ${d.status}`;
    case 'content-type':
      return d.contentType == null
        ? 'the response has no Content-Type; expected text/event-stream'
        : `the response is "${d.contentType}", not text/event-stream`;
    case 'network':
      return `network error: ${d.reason}`;
    case 'cors':
      return 'the server answered, but its CORS headers do not allow this origin to read the response';
    case 'stream-ended':
      return 'the server closed the stream';
    case 'idle-timeout':
      return `nothing received for ${d.timeout} ms`;
    case 'line-too-long':
      return `event stream line longer than the limit of ${d.limit} bytes`;
    case 'event-too-large':
      return `event data larger than the limit of ${d.limit} bytes`;
    case 'headers':
      return `the headers callback failed: ${d.reason}`;
    case 'invalid-request':
      return `invalid request: ${d.reason}`;
    case 'not-resent':
      return `${cause()}; not sent again: the request has a body or is not a GET, and no event ID to resume from`;
    case 'retries-exhausted':
      return `gave up after ${d.attempts} reconnect attempts; last error: ${cause()}`;
    case 'truncated':
      return `the stream was cut before its end (${cause()}); not sent again: the request has a body or is not a GET, and no event ID to resume from`;
    case 'resume-expired':
      return `the stream is gone: its resume was refused with HTTP status ${d.status}`;
    case 'provider':
      return `the stream reported a failure in its "${d.eventType}" event${(d.errorType ?? d.code) ? ` (${d.errorType ?? d.code})` : ''}`;
    default:
      return d.type;
  }
};

/** The optional fields of an error's detail, copied as they are. */
const FIELDS = /** @type {const} */ ([
  'status',
  'contentType',
  'limit',
  'timeout',
  'attempts',
  'eventType',
  'errorType',
  'code',
]);

/**
 * What went wrong, with whether and when a reconnect follows.
 */
export class SseError extends Error {
  /**
   * @param {import('./wasm/eventsource_wasm.js').ErrorDetail} detail
   * @param {number} [reconnectIn]
   */
  constructor(detail, reconnectIn) {
    super(detail.message ?? describe(detail));
    this.name = /** @type {const} */ ('SseError');
    /** @type {import('./index.js').SseErrorType} */
    this.type = detail.type;
    for (const key of FIELDS) {
      if (detail[key] !== undefined) /** @type {any} */ (this)[key] = detail[key];
    }
    if (detail.cause !== undefined) {
      /** @type {SseError | undefined} */
      this.cause = new SseError(detail.cause);
    }
    // A refused response's body, parsed when it is JSON, and the server's
    // message in it (found by the core: src/connection/server_message.rs)
    // added to ours.
    if (detail.body !== undefined) {
      /** @type {string | undefined} */
      this.body = detail.body;
      try {
        /** @type {unknown} */
        this.json = JSON.parse(detail.body);
      } catch {}
    }
    if (detail.serverMessage !== undefined) {
      /** @type {string | undefined} */
      this.serverMessage = detail.serverMessage;
      this.message += `: ${detail.serverMessage}`;
    }
    this.willReconnect = reconnectIn !== undefined;
    this.reconnectIn = reconnectIn ?? null;
  }
}

/** The `error` event: a plain `Event`, plus what happened. */
export class SseErrorEvent extends Event {
  /** @param {SseError} error */
  constructor(error) {
    super('error');
    this.error = error;
    this.willReconnect = error.willReconnect;
    this.reconnectIn = error.reconnectIn;
  }
}

/** Announces a scheduled reconnect. */
export class ReconnectEvent extends Event {
  /** @param {number} delay @param {number} attempt */
  constructor(delay, attempt) {
    super('reconnecting');
    this.delay = delay;
    this.attempt = attempt;
  }
}

/** A payload a typed listener could not decode; the stream goes on. */
export class DecodeError extends Error {
  /** @param {string} eventType @param {string} data @param {unknown} cause @param {boolean} json */
  constructor(eventType, data, cause, json) {
    super(
      `the data of a "${eventType}" event did not decode${json ? ' as JSON (`decode: (text) => text` keeps text)' : ''}: ${/** @type {any} */ (cause)?.message ?? cause}`,
    );
    this.name = /** @type {const} */ ('DecodeError');
    this.type = /** @type {const} */ ('decode');
    this.eventType = eventType;
    this.data = data;
    this.cause = cause;
  }
}

/** The `decodeerror` event (when the typed listener has no `onError`). */
export class DecodeErrorEvent extends Event {
  /** @param {DecodeError} error */
  constructor(error) {
    super('decodeerror');
    this.error = error;
  }
}
