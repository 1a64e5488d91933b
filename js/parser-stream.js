// The parser as a TransformStream, for apps that call fetch() themselves:
// `response.body.pipeThrough(new EventStreamParser())`. Published as the
// separate entry `eventsource-wasm/stream` (js/stream.js), on the parser's
// own WebAssembly module (js/create-parser.js).
import { createParser, init } from './create-parser.js';

/**
 * Bytes (or strings) of a `text/event-stream` body in, events out
 * (`{ type, data, lastEventId }`), parsed by the same WebAssembly parser as
 * the `EventSource` class. Loads the module itself (as `init()` does).
 * A parser limit errors the stream with the parser's `ParseError`, after
 * every event before it was enqueued; an unfinished event at the end of the
 * body is dropped, as the specification says.
 */
export class EventStreamParser extends TransformStream {
  /** @param {Omit<import('./parser.js').ParserOptions, 'onEvent'>} [options] */
  constructor(options = {}) {
    /** @type {import('./parser.js').EventStreamParser} */
    let parser;
    super({
      async start(controller) {
        await init();
        parser = createParser({ ...options, onEvent: (event) => controller.enqueue(event) });
      },
      transform(chunk) {
        parser.feed(chunk);
      },
      flush() {
        parser.finish();
      },
    });
  }
}
