// The interface between the class (js/event-source.js) and the connection
// that serves it: js/connection.js (its own fetch()) and js/share.js (one
// connection for every tab) both implement `SourceConnection` and report to
// a `Sink`. Types only; nothing here runs, and the package does not ship it.
import type { NoticeKind, NoticeRecord } from './wasm/eventsource_wasm.js';

/** The body chunk being fed, for the events of a batch that point into it (js/batch.js). */
export interface Chunk {
  bytes: Uint8Array;
  /** The chunk as text, once a batch decoded its ASCII start (or the string fed). */
  text: string | null;
}

/** A notice for the class: what `SseCore.drain()` says, but a run of events. */
export type Notice = Exclude<NoticeRecord, { 0: NoticeKind.Messages }>;

/** How a connection tells its source what happened. */
export interface Sink {
  /** A run of events (js/batch.js reads it). */
  messages(text: string, lengths: Uint32Array, chunk: Chunk | null): void;
  /** Open, a comment, an error (with the reconnect delay, or none: final), a scheduled reconnect: the core's record as it is. */
  notice(notice: Notice): void;
  /** Closed for good by the stream (an end rule matched), after every event was handed over. */
  closed(): void;
  /** Paused while the page is hidden (the caller asked for it). */
  paused(): void;
}

/** A source's connection, as the class uses it. */
export interface SourceConnection {
  /** Makes the first request (after the source holds the connection). */
  start(): void;
  /** Closes for good; `ended`: the caller's own end rule matched (a shared stream ends for every tab). */
  close(ended?: boolean): void;
  /** Stops reading the body while a `for await` loop is too far behind (`full`), or reads on. */
  backlog(full: boolean): void;
  /** The final URL of the latest response, after redirects. */
  readonly responseUrl: string;
  /** What the stream measured (`SseCore.stats`): undefined where nothing was (js/stats.js). */
  measure(): import('./wasm/eventsource_wasm.js').CoreStats | undefined;
}
