// The errors and error events an EventSource reports (re-exported by
// index.d.ts, where their classes are exported at run time).

/** The kinds of {@link SseError}. */
export type SseErrorType =
  | 'http-status'
  | 'content-type'
  | 'network'
  | 'cors'
  | 'stream-ended'
  | 'idle-timeout'
  | 'line-too-long'
  | 'event-too-large'
  | 'headers'
  | 'invalid-request'
  | 'aborted'
  | 'retries-exhausted'
  | 'not-resent'
  | 'truncated'
  | 'resume-expired'
  | 'provider';

/**
 * What went wrong. Its `message` never contains a request header's value
 * (it may quote the server's own message, which the server wrote).
 */
export class SseError extends Error {
  /** Made by the source; not for constructing. */
  private constructor();
  readonly name: 'SseError';
  readonly type: SseErrorType;
  /** With `"http-status"` and `"resume-expired"`. */
  readonly status?: number;
  /** With `"content-type"`: what the server sent, or `null` if nothing. */
  readonly contentType?: string | null;
  /** With `"line-too-long"` and `"event-too-large"`: the limit, in bytes. */
  readonly limit?: number;
  /** With `"idle-timeout"`: the timeout, in ms. */
  readonly timeout?: number;
  /** With `"retries-exhausted"`: attempts made; `cause` is the last failure. */
  readonly attempts?: number;
  /**
   * With `"retries-exhausted"`, `"not-resent"` and `"truncated"`: what
   * ended the stream.
   */
  readonly cause?: SseError;
  /**
   * With `"http-status"`, `"content-type"` and `"resume-expired"`: the start of the response's
   * body (at most 64 KiB, read for at most 3 s), as text, where servers say
   * why. Absent when the body was empty. With `"provider"`: the data of
   * the event that reported the failure.
   */
  readonly body?: string;
  /** With `"provider"`: the type of the event that reported the failure. */
  readonly eventType?: string;
  /** With `"provider"`: the provider's type of error (`overloaded_error`). */
  readonly errorType?: string;
  /**
   * With `"provider"`: the provider's code (`rate_limit_exceeded`; for
   * OpenAI's `response.incomplete`, the reason, as `max_output_tokens`).
   */
  readonly code?: string;
  /** `body` parsed, when it is JSON. */
  readonly json?: unknown;
  /**
   * The server's own message, where APIs put it in a JSON body:
   * `error.message` (OpenAI, Anthropic, Google), `error` when it is a
   * string, `message`, or `detail`. It is added to `message` too.
   */
  readonly serverMessage?: string;
  /** Whether a reconnect follows. */
  readonly willReconnect: boolean;
  /** In how many ms, or `null`. */
  readonly reconnectIn: number | null;
}

/** The `error` event: `Event` plus {@link SseError}. */
export class SseErrorEvent extends Event {
  /** Made by the source; not for constructing. */
  private constructor();
  readonly type: 'error';
  readonly error: SseError;
  readonly willReconnect: boolean;
  readonly reconnectIn: number | null;
}

/** The `reconnecting` event: a reconnect is scheduled. */
export class ReconnectEvent extends Event {
  /** Made by the source; not for constructing. */
  private constructor();
  readonly type: 'reconnecting';
  /** Milliseconds until the attempt. */
  readonly delay: number;
  /** Consecutive attempt number, from 1. */
  readonly attempt: number;
}

/** A payload a typed listener could not decode. The stream goes on. */
export class DecodeError extends Error {
  /** Made by the source; not for constructing. */
  private constructor();
  readonly name: 'DecodeError';
  /** Always `'decode'`, so that code reading `error.type` of any error the source reports finds one. */
  readonly type: 'decode';
  readonly eventType: string;
  /** The raw data. */
  readonly data: string;
  readonly cause: unknown;
}

/** Dispatched when a typed listener without `onError` gets an undecodable payload. */
export class DecodeErrorEvent extends Event {
  /** Made by the source; not for constructing. */
  private constructor();
  readonly type: 'decodeerror';
  readonly error: DecodeError;
}
