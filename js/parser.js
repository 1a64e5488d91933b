// createParser: the spec-exact text/event-stream parser on its own, for
// streams you read yourself. Events cross from WebAssembly once per feed.
import { StreamParser } from './wasm/eventsource_wasm.js';
import { wasmLoaded } from './event-source.js';

const N_COMMENT = 1;
const N_RETRY = 4;

/**
 * A streaming parser: `feed` it chunks (Uint8Array, or strings), get
 * `onEvent({ type, data, lastEventId })`, `onRetry(ms)` and
 * `onComment(text)` callbacks. Call `await init()` first.
 */
export function createParser({ onEvent, onRetry, onComment, maxLineLength, maxEventLength } = {}) {
  if (!wasmLoaded()) throw new Error('eventsource-wasm: call `await init()` before createParser()');
  const encoder = new TextEncoder();
  const parser = new StreamParser(
    (text, lengths) => {
      if (!onEvent) return;
      let at = 0;
      const take = (length) => text.slice(at, (at += length));
      for (let i = 0; i < lengths.length; i += 3) {
        onEvent({ type: take(lengths[i]), data: take(lengths[i + 1]), lastEventId: take(lengths[i + 2]) });
      }
    },
    (kind, value) => {
      if (kind === N_RETRY) onRetry?.(value);
      else if (kind === N_COMMENT) onComment?.(value);
    },
    maxLineLength,
    maxEventLength,
  );
  return {
    feed(chunk) {
      parser.feed(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
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
