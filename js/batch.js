// Reads the runs of events that cross from WebAssembly (src/wasm/exports,
// `MessageBatch`, describes the layout): one string of copied text, and
// lengths that point into it or into the chunk being fed.

// The marks of `BatchMark` (the same in both modules of the package: the
// one Rust enum), read once: the loop below compares every entry with them.
let SAME = 0;
let IN_CHUNK = 0;
let LENGTH = 0;

/** Called by each module's loader with its `BatchMark`. @param {{ Same: number, InChunk: number }} marks */
export const useMarks = (marks) => {
  SAME = marks.Same;
  IN_CHUNK = marks.InChunk;
  LENGTH = IN_CHUNK - 1;
};

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * A module's memory as 32-bit words: `words()` gives the current view (a
 * new one after the memory grew).
 * @param {WebAssembly.Memory} memory
 */
export function wordsOf(memory) {
  let words = new Uint32Array(0);
  return () => {
    if (words.buffer !== memory.buffer) words = new Uint32Array(memory.buffer);
    return words;
  };
}

/**
 * Calls `onEvent(type, data, lastEventId)` for each event of a batch, until
 * it returns true. The batch is `text` and the entries `from` to `to` of
 * `lengths` (a copy, or the module's memory: a listener may make the
 * memory grow, and the view is then renewed).
 * `chunk` is what is being fed: `{ bytes, text }`, `text` being the
 * string fed, or null until a batch decodes the bytes' ASCII start (the
 * batch's first entry says how much of it the batch points into; every
 * batch of one chunk gives the same length, so it is decoded once).
 * `type` is the previous event's type, returned updated: a type equal to it
 * keeps the same string (the browser converts a `MessageEvent`'s type once
 * per string).
 */
/**
 * @param {string} text
 * @param {Uint32Array} lengths
 * @param {number} from
 * @param {number} to
 * @param {{ bytes: Uint8Array, text: string | null } | null} chunk
 * @param {string} type
 * @param {(type: string, data: string, lastEventId: string) => boolean | void} onEvent
 * @param {() => Uint32Array} [renew] the view of the memory `lengths` is in, when it is
 * @returns {string}
 */
export function readBatch(text, lengths, from, to, chunk, type, onEvent, renew) {
  const prefix = lengths[from];
  // A batch that points into the chunk is read while that chunk is fed.
  const fed = /** @type {{ bytes: Uint8Array, text: string | null }} */ (chunk);
  if (prefix !== 0) fed.text ??= decoder.decode(fed.bytes.subarray(0, prefix));
  const source = prefix === 0 ? '' : /** @type {string} */ (fed.text);
  let at = 0;
  // A batch's first event always carries its type and ID.
  let lastEventId = '';
  let i = from + 1;
  /** The next value: `n` characters of the chunk, or of the text. @param {number} n */
  const take = (n) => {
    if (n & IN_CHUNK) {
      const start = lengths[i++];
      return source.slice(start, start + (n & LENGTH));
    }
    const start = at;
    at += n;
    return text.slice(start, at);
  };
  while (i < to) {
    let n = lengths[i++];
    if (n !== SAME) {
      const next = take(n);
      if (next !== type) type = next;
    }
    const data = take(lengths[i++]);
    n = lengths[i++];
    if (n !== SAME) lastEventId = take(n);
    if (onEvent(type, data, lastEventId)) break;
    if (lengths.length === 0 && renew) lengths = renew();
  }
  return type;
}
