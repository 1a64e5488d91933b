// createParser: the spec-exact text/event-stream parser on its own, for
// streams you read yourself. Events cross from WebAssembly once per feed.
import { StreamParser } from './wasm/eventsource_wasm.js';
import { SAME, wasmLoaded } from './event-source.js';

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
      let type = '';
      let lastEventId = '';
      for (let i = 0; i < lengths.length; i += 3) {
        // A type or ID that repeats the previous event's is not sent again.
        if (lengths[i] !== SAME) type = text.slice(at, (at += lengths[i]));
        const data = text.slice(at, (at += lengths[i + 1]));
        if (lengths[i + 2] !== SAME) lastEventId = text.slice(at, (at += lengths[i + 2]));
        onEvent({ type, data, lastEventId });
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
