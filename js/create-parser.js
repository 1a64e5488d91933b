// createParser: the spec-exact text/event-stream parser on its own, for
// streams you read yourself (`eventsource-wasm/parser`). It has its own
// WebAssembly module, with the parser and nothing of the connection, so
// that pages using it do not download the EventSource class's, and the
// other way round. Events cross from WebAssembly once per feed.
import { BatchMark, initSync, NoticeKind, StreamParser } from './wasm/eventsource_wasm_parser.js';
import { readBatch, useMarks, wordsOf } from './batch.js';
import { loader } from './load.js';

useMarks(BatchMark);

/** The module's memory as words, once it is loaded. */
/** @type {(() => Uint32Array) | null} */
let words = null;

/**
 * Loads the parser's WebAssembly module (as the class's `init` does its
 * own); `createParser` needs it loaded.
 */
export const init = loader(
  (options) => {
    const exports = initSync(options);
    // The module's one memory (its exports have short names:
    // scripts/minify-names.mjs).
    words = wordsOf(
      /** @type {WebAssembly.Memory} */ (Object.values(exports).find((value) => value instanceof WebAssembly.Memory)),
    );
    return exports;
  },
  () => new URL('./wasm/eventsource_wasm_parser_bg.wasm', import.meta.url),
);

/**
 * A streaming parser: `feed` it chunks (Uint8Array, or strings), get
 * `onEvent({ type, data, lastEventId })`, `onRetry(ms)` and
 * `onComment(text)` callbacks. Call `await init()` first.
 * @param {import('./parser.js').ParserOptions} [options]
 */
export function createParser({ onEvent, onRetry, onComment, maxLineLength, maxEventLength } = {}) {
  const memory = words;
  if (!memory)
    throw new Error("eventsource-wasm: call `await init()` from 'eventsource-wasm/parser' before createParser()");
  const encoder = new TextEncoder();
  /** The chunk being fed, for the batches that point into it. */
  /** @type {{ bytes: Uint8Array, text: string | null } | null} */
  let chunk = null;
  /** @type {(type: string, data: string, lastEventId: string) => void} */
  const toEvent = (type, data, lastEventId) => {
    onEvent?.({ type, data, lastEventId });
  };
  const make = () =>
    new StreamParser(
      (text, at, count) => {
        if (onEvent) readBatch(text, memory(), at, at + count, chunk, '', toEvent, memory);
      },
      // A retry (ms) or a comment (text).
      (kind, value) => {
        if (kind === NoticeKind.Retry) onRetry?.(value);
        else if (kind === NoticeKind.Comment) onComment?.(value);
      },
      maxLineLength,
      maxEventLength,
    );
  let parser = make();
  return {
    /** @param {Uint8Array | string} input */
    feed(input) {
      const text = typeof input === 'string';
      chunk = { bytes: text ? encoder.encode(input) : input, text: text ? input : null };
      try {
        parser.feed(chunk.bytes);
      } finally {
        chunk = null;
      }
    },
    finish() {
      parser.finish();
    },
    reset() {
      parser.free();
      parser = make();
    },
    get lastEventId() {
      return parser.lastEventId;
    },
  };
}
