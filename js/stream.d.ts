import type { ParsedEvent, ParserOptions } from './parser.js';

/**
 * The parser as a `TransformStream`: bytes (or strings) of a
 * `text/event-stream` body in, events out, for apps that call `fetch()`
 * themselves.
 *
 * ```ts
 * const response = await fetch('/v1/chat', { method: 'POST', body });
 * for await (const event of response.body!.pipeThrough(new EventStreamParser())) {
 *   if (event.data === '[DONE]') break;
 *   show(JSON.parse(event.data));
 * }
 * ```
 *
 * A parser limit errors the stream with a `ParseError` (with `type` and
 * `limit`), after every event before it was enqueued.
 */
export declare class EventStreamParser extends TransformStream<Uint8Array | string, ParsedEvent> {
  constructor(options?: Omit<ParserOptions, 'onEvent'>);
}
