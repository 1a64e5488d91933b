/**
 * `eventsource-wasm/stats`: the class with stream stats and diagnostics.
 * Importing this entry (once, before the first source connects) makes every
 * source of the package run on the build of the core that measures:
 * `source.stats`, and with `diagnose: true` the `diagnostic` event. It
 * weighs about 2 KB gzip more than the main entry, which pages that do not
 * import it never load.
 */
export * from './index.js';

/** What a source measured ({@link EventSource.stats}). Times in ms; null: not yet. */
export interface StreamStats {
  /** From the first request to its response's head. */
  timeToHead: number | null;
  /** From the first request to the first byte of its body. */
  timeToFirstByte: number | null;
  /** From the first request to the first event. */
  timeToFirstEvent: number | null;
  /** From the latest reconnect's request to its first event. */
  reconnectToFirstEvent: number | null;
  /** Events delivered. */
  events: number;
  /** Bytes of body read. */
  bytes: number;
  /** Comments read (servers send them as heartbeats). */
  comments: number;
  /** The gaps between events: median and 99th percentile (within about 12%; null before two events), and the longest. */
  gaps: { p50: number | null; p99: number | null; max: number };
  /** How long nothing has arrived: since the last byte, or since the request in flight was made. */
  silence: number;
  /** The server's latest `retry:` value. */
  serverRetry: number | null;
  /** Reconnects by the type of what broke (`network`, `stream-ended`, `idle-timeout`, …; see `SseErrorType`). */
  reconnects: Partial<Record<import('./index.js').SseErrorType, number>>;
}

/** The stable codes of {@link DiagnosticEvent}. */
export type DiagnosticCode = 'buffered' | 'compressed' | 'idle-cut' | 'connection-limit' | 'no-resume' | 'no-retry';

/** `diagnostic`: something is wrong with the stream, and how to fix it (with `diagnose: true`; once per code and source). */
export declare class DiagnosticEvent extends Event {
  readonly type: 'diagnostic';
  readonly code: DiagnosticCode;
  /** What it means, in one line. */
  readonly message: string;
  /** How to fix it, in one line. */
  readonly fix: string;
  /** The silence before an idle cut (ms), or the streams open to the origin; 0 for the others. */
  readonly value: number;
}

/** The colours of Chromium's Performance panel for a custom track's entries. */
export type DevToolsColor =
  | 'primary'
  | 'primary-light'
  | 'primary-dark'
  | 'secondary'
  | 'secondary-light'
  | 'secondary-dark'
  | 'tertiary'
  | 'tertiary-light'
  | 'tertiary-dark'
  | 'warning'
  | 'error';

/** What a source's connection measured (as {@link EventSource.stats}). */
export declare function statsOf(source: import('./index.js').EventSource): StreamStats | null;

declare module './index.js' {
  interface EventSourceInit {
    /**
     * Tell what is wrong with the stream: a `diagnostic` event
     * ({@link DiagnosticEvent}) the first time the source recognises a
     * buffering intermediary, a compressed stream, an idle cut, HTTP/1.1's
     * connection limit, or a server that cannot be resumed or never sets
     * `retry:`. Off by default; {@link EventSource.stats} are kept either way.
     */
    diagnose?: boolean;
    /**
     * Show what the source's connection does on a track of its own,
     * "eventsource-wasm", in Chromium's Performance panel: each connect,
     * the time open and the events of each second, stalls (a second and
     * four median gaps without a byte), waits before a reconnect, and
     * errors, as `performance` measures and marks (other engines keep them
     * as ordinary entries). At most about one entry a second while open.
     * Off by default, when it costs nothing.
     */
    devtools?: boolean;
  }
  interface EventSource {
    /**
     * What the stream measured: times to the first response, byte and
     * event; counts; reconnects by reason; the gaps between events (in
     * fixed memory); the current silence. Null for a sharing source that
     * another tab's connection serves, or where the main entry's module was
     * loaded before this entry was imported.
     */
    readonly stats: StreamStats | null;
  }
  interface EventSourceEventMap {
    diagnostic: DiagnosticEvent;
  }
}
