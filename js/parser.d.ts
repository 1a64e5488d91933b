/**
 * `eventsource-wasm/parser`: the spec-exact `text/event-stream` parser on
 * its own, for streams you read yourself. It has its own WebAssembly module
 * (the parser and nothing of the connection), so a page using it does not
 * download the `EventSource` class's, and the other way round.
 *
 * @packageDocumentation
 */
import type { ModuleSource } from './index.js';

/** An event as {@link createParser} hands it out. */
export interface ParsedEvent {
  /** The event type (`"message"` when the stream gave none). */
  type: string;
  data: string;
  /** The last event ID at dispatch. */
  lastEventId: string;
}

/** Callbacks and limits of {@link createParser}. */
export interface ParserOptions {
  onEvent?: (event: ParsedEvent) => void;
  /** A valid `retry:` field, in milliseconds. */
  onRetry?: (ms: number) => void;
  /** A comment line, without the colon and one following space. */
  onComment?: (text: string) => void;
  /** Longest line in bytes (default 16 MiB). */
  maxLineLength?: number;
  /** Most data in one event in bytes (default 16 MiB). */
  maxEventLength?: number;
}

/** A streaming `text/event-stream` parser. */
export interface EventStreamParser {
  /**
   * Parses the next chunk: bytes, or text (encoded as UTF-8). Chunks may
   * split the stream anywhere. Throws an `Error` named `ParseError`, with
   * `type` (`"line-too-long"` or `"event-too-large"`) and `limit`, when a
   * limit is exceeded, after every event before it was delivered.
   */
  feed(chunk: Uint8Array | string): void;
  /** The stream ended: an unfinished event is discarded; ready for the next one. */
  finish(): void;
  /** Back to new (last event ID and errors cleared). */
  reset(): void;
  readonly lastEventId: string;
}

/**
 * The spec-exact parser on its own, for streams you read yourself. Call
 * `await init()` (this entry's) first.
 *
 * @example
 * await init();
 * const parser = createParser({ onEvent: (e) => console.log(e.type, e.data) });
 * for await (const chunk of response.body) parser.feed(chunk);
 */
export function createParser(options?: ParserOptions): EventStreamParser;

/** Loads the parser's WebAssembly module (early, or from a given source). */
export function init(source?: ModuleSource): Promise<unknown>;
