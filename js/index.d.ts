/**
 * eventsource-wasm: the browser's `EventSource`, over `fetch()`, with
 * headers, POST, backoff, an explicit end, and typed listeners.
 *
 * @packageDocumentation
 */

import { DecodeError, DecodeErrorEvent, ReconnectEvent, SseError, SseErrorEvent } from './error-types.js';

export type { SseErrorType } from './error-types.js';
export { DecodeError, DecodeErrorEvent, ReconnectEvent, SseError, SseErrorEvent };
import type {
  CredentialsMode,
  Listener,
  ListenerOptions,
  RequestBody,
  SseMessageEvent,
  WasmModule,
} from './web-types.js';
export type { CredentialsMode, Listener, ListenerOptions, RequestBody, SseMessageEvent, WasmModule };

/** Headers as `fetch` takes them. */
export type HeadersLike = Headers | Record<string, string> | [string, string][];

/** An end rule of the core's, by name: the values of `ends` in `eventsource-wasm/llm`. */
export interface EndPreset {
  readonly preset: 'openai-chat' | 'openai-responses' | 'anthropic';
}

/** Reconnect delays. All times are milliseconds. */
export interface RetryOptions {
  /** Base delay until the server sends `retry:`. Default 3000 (as Chromium). */
  initialDelay?: number;
  /** No delay is shorter, whatever the server says. Default 250. */
  minDelay?: number;
  /** No computed delay is longer, and the server's `retry:` is capped to it. Default 30000. */
  maxDelay?: number;
  /** Growth per consecutive failed attempt. Default 2. */
  factor?: number;
  /** How much of the band between base and ceiling is random, 0 to 1. Default 1. */
  jitter?: number;
  /**
   * Consecutive failed attempts allowed; default unlimited (as the browser);
   * 0 never reconnects.
   * An attempt that delivered no event with data counts as failed, even if
   * it opened; a graceful end with no event on a stream that can resume (an
   * MCP standby stream's poll) counts against a budget of its own.
   */
  maxAttempts?: number;
  /** The stable window: a connection open this long that delivered events starts the count again. Default 5000. */
  healthyAfter?: number;
}

/** What a `resume` function is told. */
export interface ResumeInfo {
  /** The last event ID (empty if the server sent none). */
  lastEventId: string;
  /** The last event delivered, if any. */
  lastEvent: { type: string; data: string; lastEventId: string } | null;
  /** Which consecutive attempt this is (1 for the first). */
  attempt: number;
}

/** The request a `resume` function returns. */
export interface ResumeRequest {
  /** The URL, relative to the source's; the source's own if absent. */
  url?: string | URL;
  /** Default `"GET"`. */
  method?: string;
  /** Sent after the source's own headers. */
  headers?: HeadersLike;
  /** Default none. */
  body?: RequestBody;
}

/** The options of {@link EventSource}; all optional. */
export interface EventSourceInit {
  /** As the native option: send cookies cross-origin (credentials `include`). */
  withCredentials?: boolean;
  /**
   * Headers for every request. A function is called before every connect
   * and reconnect (sync or async), so tokens can be refreshed; if it throws
   * or rejects, the attempt fails with an error of type `"headers"` and is
   * retried with backoff.
   */
  headers?: HeadersLike | (() => HeadersLike | Promise<HeadersLike>);
  /** HTTP method. Default `"GET"`. */
  method?: string;
  /**
   * Request body. A request with a body, or with a method other than GET, is
   * not sent again on its own (see `resend`).
   */
  body?: RequestBody;
  /**
   * Send a request with a body, or with a method other than GET, again on
   * every reconnect, as a GET is. Default `false`: such a request is sent
   * again only to resume from an event ID (sent as `Last-Event-ID`) or after
   * a status in `retryStatuses`; otherwise, when its stream ends or breaks
   * off, the source closes with an error of type `"truncated"` (before its
   * end event) or `"not-resent"` (with the end event off), since
   * sending it again could make the server do, and charge for, the work
   * twice.
   */
  resend?: boolean;
  /**
   * The header that carries the source's idempotency key: a random key
   * drawn once per source and sent with every send of a request whose
   * body may go again because you opted in (`resend`, or `retryStatuses`
   * on a request that is not a plain GET), so that the server can tell a
   * second send from a new request. Default `"Idempotency-Key"`; `null`
   * switches it off. A header of your own with that name wins. It is not
   * CORS-safelisted: a cross-origin server must allow it in its preflight.
   */
  idempotencyHeader?: string | null;
  /**
   * Where a request with a body, or with a method other than GET, resumes
   * from an event ID: a GET of this URL (relative to the source's), without
   * the body, with `Last-Event-ID`. This is how MCP's Streamable HTTP
   * transport resumes the stream of a POST. Without it, the same request is
   * sent again with the ID.
   */
  resumeUrl?: string | URL;
  /**
   * How a request with a body, or with a method other than GET, resumes
   * after its stream breaks: called with what was delivered last, it
   * returns the request to send instead (a URL, relative to the source's;
   * `GET` unless it gives a method; the source's headers, then its own;
   * its body, if any), or nothing, and the source then closes as it would
   * without it (`truncated`). It takes precedence over `resumeUrl` and
   * `Last-Event-ID`, and works without event IDs, as OpenAI Responses'
   * `starting_after` resume does. A resume the server refuses with 404 or
   * 410 closes the source with `resume-expired`. Events the resumed stream
   * replays (the last event ID or, as numbers, a lower one; or by `cursor`)
   * are dropped, so each arrives once.
   */
  resume?: (info: ResumeInfo) => ResumeRequest | null | undefined | false;
  /**
   * The field of each event's JSON data that orders the stream's events
   * (OpenAI Responses' `"sequence_number"`), for a server that replays by
   * it rather than by event ID. After a resume, an event whose field is the
   * last one delivered, or (both whole numbers) a lower one, is dropped,
   * until the first that is not.
   */
  cursor?: string;
  /** `fetch` credentials mode; overrides `withCredentials`. */
  credentials?: CredentialsMode;
  /** Aborting it closes the source, with an error of type `"aborted"`. */
  signal?: AbortSignal;
  /** A `fetch`-compatible function to use instead of the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** The last event ID to send on the first request. */
  lastEventId?: string;
  /**
   * Send the last event ID as this query parameter (e.g. `"lastEventId"`)
   * instead of the `Last-Event-ID` header. With `fetch()` that header makes
   * every cross-origin reconnect preflighted (the native class is exempt);
   * use this for servers that cannot allow it in their CORS preflight. The
   * server must read the parameter.
   */
  lastEventIdParam?: string;
  /** Reconnect policy. */
  retry?: RetryOptions;
  /** Statuses that reconnect (honouring `Retry-After`) instead of failing for good, e.g. `[429, 502, 503, 504]`. */
  retryStatuses?: number[];
  /**
   * Which events end the stream: such an event is delivered, then the
   * source closes for good, with no error and no reconnect. An event type,
   * several, a preset, or a rule of your own on each event's type and
   * data. Default `"end"`; `null` switches it off. `eventsource-wasm/llm`
   * has the presets of the LLM APIs (`ends.openaiChat`,
   * `ends.openaiResponses`, `ends.anthropic`). Types and presets are
   * matched inside the WebAssembly core, exactly as the Rust API matches
   * them; a function is called after each event's listeners. A POST cut
   * before its end, whichever form it takes, closes with `truncated`.
   */
  endEvent?: string | readonly string[] | EndPreset | ((type: string, data: string) => boolean) | null;
  /**
   * Close the connection while the page is hidden, and reconnect (with the
   * last event ID) when it is shown again. Off by default. A stream that
   * could not be resumed (a POST that sent no event ID) is never paused:
   * its answer would be lost. Whether or not this is set, a waiting
   * reconnect happens at once when the browser goes back online, when the
   * page comes back from the back/forward cache, becomes visible, gets the
   * focus or is resumed, and a stream silent past its `idleTimeout` then
   * reconnects; a page going into the back/forward cache drops its
   * connection silently and resumes it at once on its return.
   */
  pauseWhenHidden?: boolean;
  /**
   * One connection for every source with the same share key, in every tab
   * of the origin: one tab's source (the leader, chosen with Web Locks)
   * connects and the others get its events over a `BroadcastChannel`. Each
   * source keeps its own listeners, `readyState`, `lastEventId` and
   * `close()`. When the leader's source closes or its tab goes, another
   * takes over and resumes with the last event ID it saw. The leader's
   * options are the ones used: give sharing sources the same options.
   * Where Web Locks or `BroadcastChannel` are missing, or the body is not a
   * string, each source connects on its own. Off by default.
   */
  share?: boolean;
  /**
   * Added to the share key, which is otherwise the URL, method, body and
   * credentials mode: the user's identity, say. Headers are not part of
   * it (a headers function cannot be compared).
   */
  shareKey?: string;
  /**
   * What a source that joins a shared stream late receives first. By
   * default, the events the shared connection has delivered since it
   * opened, then the live ones, so each tab sees what a connection of its
   * own would have; the log each sharing tab keeps for this is bounded by
   * `events` (default 1000) and `chars` (characters of data, default
   * 1,000,000). Past the bound, a newcomer connects on its own (from the
   * server's beginning, as the browser's class would). `false`: live events
   * only, never a connection of its own.
   */
  shareReplay?: false | { events?: number; chars?: number };
  /** Reconnect when nothing at all (heartbeats included) arrives for this many ms. Off by default. */
  idleTimeout?: number;
  /** Longest line, in bytes. Default 16 MiB. */
  maxLineLength?: number;
  /** Most data in one event, in bytes. Default 16 MiB. */
  maxEventLength?: number;
  /**
   * How many events a `for await` loop may fall behind before the source
   * stops reading the body until the loop catches up (the server is then
   * held back by TCP flow control; nothing is dropped). Default 1000.
   */
  maxBufferedEvents?: number;
  /** Default decoder of typed listeners. Default `JSON.parse`. */
  decode?: (data: string) => unknown;
  /** Called with each comment line (servers send them as heartbeats). */
  onComment?: (text: string) => void;
}

/** An event as a `for await` loop over a source gets it. */
export interface ParsedMessage {
  type: string;
  data: string;
  lastEventId: string;
}

/** What a typed listener receives beside the decoded value. */
export interface EventMeta {
  type: string;
  /** The raw data. */
  data: string;
  lastEventId: string;
  origin: string;
}

/** Options of {@link EventSource.on}. */
export interface OnOptions<T> {
  /** Turns the raw data into `T` (e.g. `(s) => User.parse(JSON.parse(s))`). Default: the source's `decode`, else `JSON.parse`. */
  decode?: (data: string) => T;
  /** Receives undecodable payloads instead of a `decodeerror` event. */
  onError?: (error: DecodeError) => void;
}

/** The events a source dispatches, by type (`eventsource-wasm/stats` adds `diagnostic`). */
export interface EventSourceEventMap {
  open: Event;
  message: SseMessageEvent;
  error: SseErrorEvent;
  reconnecting: ReconnectEvent;
  decodeerror: DecodeErrorEvent;
}

/**
 * A drop-in `EventSource` over `fetch()`. `Events` maps event types to the
 * types of their decoded data, for {@link EventSource.on}.
 *
 * @example
 * const es = new EventSource<{ update: User; end: void }>('/api/users', {
 *   headers: async () => ({ Authorization: `Bearer ${await getToken()}` }),
 * });
 * es.on('update', (user) => render(user));
 */
export class EventSource<Events extends Record<string, unknown> = Record<string, unknown>> extends EventTarget {
  constructor(url: string | URL, init?: EventSourceInit);

  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSED: 2;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSED: 2;

  /** The absolute URL. */
  readonly url: string;
  readonly withCredentials: boolean;
  readonly readyState: 0 | 1 | 2;
  /** The last event ID received (an extension). */
  readonly lastEventId: string;

  onopen: ((this: EventSource<Events>, ev: Event) => unknown) | null;
  onmessage: ((this: EventSource<Events>, ev: SseMessageEvent) => unknown) | null;
  onerror: ((this: EventSource<Events>, ev: SseErrorEvent) => unknown) | null;

  /** Closes for good; no event is fired. */
  close(): void;

  /**
   * `for await (const event of source)`: every event, until the source
   * closes (the end event, or `close()`); a final error is thrown, after
   * the events before it. Leaving the loop closes the source.
   */
  [Symbol.asyncIterator](): AsyncGenerator<ParsedMessage, void, undefined>;

  /** A typed listener: no DOM event is created for it. Returns a function that removes it. */
  on<K extends keyof Events & string>(
    type: K,
    listener: (value: Events[K], meta: EventMeta) => void,
    options?: OnOptions<Events[K]>,
  ): () => void;

  addEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: (this: EventSource<Events>, ev: EventSourceEventMap[K]) => unknown,
    options?: boolean | ListenerOptions,
  ): void;
  /** Any other event type: a `MessageEvent` whose `data` is text, as with the built-in class. */
  addEventListener(
    type: string,
    listener: (this: EventSource<Events>, ev: SseMessageEvent) => unknown,
    options?: boolean | ListenerOptions,
  ): void;
  addEventListener(type: string, listener: Listener | null, options?: boolean | ListenerOptions): void;
  removeEventListener<K extends keyof EventSourceEventMap>(
    type: K,
    listener: (this: EventSource<Events>, ev: EventSourceEventMap[K]) => unknown,
    options?: boolean | { capture?: boolean },
  ): void;
  removeEventListener(
    type: string,
    listener: (this: EventSource<Events>, ev: SseMessageEvent) => unknown,
    options?: boolean | { capture?: boolean },
  ): void;
  removeEventListener(type: string, listener: Listener | null, options?: boolean | { capture?: boolean }): void;
}

/**
 * Where a WebAssembly module can come from: a URL (or string, or `Request`)
 * to fetch, a `Response`, its bytes, or a compiled `WebAssembly.Module`
 * (where compiling from bytes is not allowed, as in Cloudflare Workers).
 */
export type ModuleSource = string | URL | Request | Response | ArrayBuffer | ArrayBufferView | WasmModule;

/**
 * Loads the class's WebAssembly module: early, or from a given source when
 * a bundler cannot resolve `new URL('…_bg.wasm', import.meta.url)`. The
 * first `EventSource` calls it for you. A failed load is tried again by the
 * next call.
 */
export function init(source?: ModuleSource): Promise<unknown>;
