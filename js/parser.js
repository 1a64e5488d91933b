// createParser: the spec-exact text/event-stream parser on its own, for
// streams you read yourself. Events cross from WebAssembly once per feed.
import { NoticeKind, StreamParser } from './wasm/eventsource_wasm.js';
import { wasmLoaded } from './event-source.js';
import { memoryWords, readBatch } from './batch.js';

/**
 * A streaming parser: `feed` it chunks (Uint8Array, or strings), get
 * `onEvent({ type, data, lastEventId })`, `onRetry(ms)` and
 * `onComment(text)` callbacks. Call `await init()` first.
 * @param {import('./index.js').ParserOptions} [options]
 */
export function createParser({ onEvent, onRetry, onComment, maxLineLength, maxEventLength } = {}) {
  if (!wasmLoaded()) throw new Error('eventsource-wasm: call `await init()` before createParser()');
  const encoder = new TextEncoder();
  /** The chunk being fed, for the batches that point into it. */
  /** @type {{ bytes: Uint8Array, text: string | null } | null} */
  let chunk = null;
  /** @type {(type: string, data: string, lastEventId: string) => void} */
  const toEvent = (type, data, lastEventId) => {
    onEvent?.({ type, data, lastEventId });
  };
  const parser = new StreamParser(
    (text, at, count) => {
      if (onEvent) readBatch(text, memoryWords(), at, at + count, chunk, '', toEvent);
    },
    (kind, value) => {
      if (kind === NoticeKind.Retry) onRetry?.(value);
      else if (kind === NoticeKind.Comment) onComment?.(value);
    },
    maxLineLength,
    maxEventLength,
  );
  return {
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
      parser.reset();
    },
    get lastEventId() {
      return parser.lastEventId;
    },
  };
}
