//! `MessageBatch`: events on their way to JavaScript, one crossing per run.

use wasm_bindgen::prelude::*;

/// The marks in a batch's lengths, for js/batch.js.
#[wasm_bindgen]
#[repr(u32)]
#[derive(Debug, Clone, Copy)]
pub enum BatchMark {
    /// This event's type (or last event ID) is the same as the previous
    /// event's in the batch, and no text of it follows.
    Same = 0xFFFF_FFFF,
    /// Flags a length whose text lies in the chunk being fed, at the offset
    /// given by the next entry.
    InChunk = 0x8000_0000,
}

const SAME: u32 = BatchMark::Same as u32;
const IN_CHUNK: u32 = BatchMark::InChunk as u32;

/// Where a type or an ID of the batch lies: in its own text, or in the
/// chunk being fed.
#[derive(Debug, Clone, Copy, Default)]
enum Part {
    #[default]
    None,
    Text(usize, usize),
    Chunk(usize, usize),
}

/// Events on their way to JavaScript, as one string plus a `Uint32Array`
/// of lengths, with as little copying as possible.
///
/// `lengths[0]` is how many leading bytes of the chunk being fed the batch
/// points into (0 if none): JavaScript decodes that prefix of the chunk
/// it already holds, once, and slices it. The prefix is pure ASCII, so its
/// byte offsets are UTF-16 offsets. Then, for each event, its type, data
/// and last event ID in turn, each as one of:
///
/// - `SAME` (type and ID only): as the previous event's in the batch;
/// - `IN_CHUNK | n`, then an offset: `n` characters of the chunk's prefix;
/// - `n`: the next `n` UTF-16 code units of the batch's own text (for
///   what does not lie in the chunk's ASCII prefix: values that span
///   chunks, data of several lines, non-ASCII text, queued events).
#[derive(Debug, Default)]
pub(super) struct MessageBatch {
    text: String,
    lengths: Vec<u32>,
    last_type: Part,
    last_id: Part,
    /// The end of the chunk's ASCII prefix, once looked for.
    ascii_end: Option<usize>,
    /// Whether any entry points into the chunk.
    uses_chunk: bool,
}

impl MessageBatch {
    /// Adds an event whose text may lie in `chunk` (the bytes being fed;
    /// empty for events from elsewhere).
    pub(super) fn push(&mut self, chunk: &[u8], event_type: &str, data: &str, last_event_id: &str) {
        if self.lengths.is_empty() {
            self.lengths.push(0);
            self.last_type = Part::None;
            self.last_id = Part::None;
        }
        self.last_type = self.push_part(chunk, self.last_type, event_type);
        self.push_value(chunk, data);
        self.last_id = self.push_part(chunk, self.last_id, last_event_id);
    }

    /// Pushes a type or an ID, or `SAME` if it repeats `last`.
    #[inline]
    fn push_part(&mut self, chunk: &[u8], last: Part, part: &str) -> Part {
        let previous = match last {
            Part::None => None,
            Part::Text(a, b) => self.text.as_bytes().get(a..b),
            Part::Chunk(a, b) => chunk.get(a..b),
        };
        if previous.is_some_and(|p| same_bytes(p, part.as_bytes())) {
            self.lengths.push(SAME);
            return last;
        }
        self.push_value(chunk, part)
    }

    /// Pushes one value: as a place in the chunk's ASCII prefix if it lies
    /// there, else copied into the text.
    #[inline]
    fn push_value(&mut self, chunk: &[u8], value: &str) -> Part {
        let start = (value.as_ptr() as usize).wrapping_sub(chunk.as_ptr() as usize);
        let end = start.wrapping_add(value.len());
        if start <= chunk.len()
            && end <= chunk.len()
            && end >= start
            && value.len() < (IN_CHUNK - 1) as usize
        {
            let ascii_end = *self.ascii_end.get_or_insert_with(|| ascii_prefix(chunk));
            if end <= ascii_end {
                self.uses_chunk = true;
                self.lengths.push(IN_CHUNK | value.len() as u32);
                self.lengths.push(start as u32);
                return Part::Chunk(start, end);
            }
        }
        let start = self.text.len();
        self.text.push_str(value);
        self.lengths.push(value.len() as u32);
        Part::Text(start, self.text.len())
    }

    fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Finishes the lengths (the chunk's prefix, UTF-16 units) and gives
    /// the text as a JavaScript string.
    #[cfg_attr(npm_size, optimize(size))]
    fn finish(&mut self) -> JsValue {
        if let (true, Some(first)) = (self.uses_chunk, self.lengths.first_mut()) {
            *first = self.ascii_end.unwrap_or(0) as u32;
        }
        // Lengths in the text were pushed in bytes: the same in UTF-16 for
        // ASCII text, the common case, checked once for the whole batch.
        if ascii_prefix(self.text.as_bytes()) < self.text.len() {
            let mut rest = self.text.as_bytes();
            let mut i = 1;
            while let Some(&length) = self.lengths.get(i) {
                i += 1;
                if length == SAME {
                    continue;
                }
                if length & IN_CHUNK != 0 {
                    i += 1;
                    continue;
                }
                let (part, tail) = rest.split_at(rest.len().min(length as usize));
                if let Some(entry) = self.lengths.get_mut(i - 1) {
                    *entry = utf16_len(part);
                }
                rest = tail;
            }
        }
        JsValue::from_str(&self.text)
    }

    #[cfg_attr(npm_size, optimize(size))]
    fn clear(&mut self) {
        self.text.clear();
        self.lengths.clear();
        self.ascii_end = None;
        self.uses_chunk = false;
    }

    /// Appends the batch, if any, to a `drain` array as a messages record
    /// (text, and a copy of the lengths); empties it.
    #[cfg(feature = "npm")]
    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub(super) fn flush_into(&mut self, out: &js_sys::Array) {
        if !self.is_empty() {
            let text = self.finish();
            let lengths = js_sys::Uint32Array::from(self.lengths.as_slice());
            super::push_record(out, super::NoticeKind::Messages, text, lengths.into());
            self.clear();
        }
    }

    /// Hands the batch, if any, to `onMessages(text, at, count)`, the
    /// lengths being the `count` 32-bit words at word `at` of the module's
    /// memory, valid for the call (no copy); empties it.
    #[cfg(feature = "npm-parser")]
    #[cfg_attr(npm_size, optimize(size))]
    pub(super) fn flush(&mut self, on_messages: &js_sys::Function) -> Result<(), JsValue> {
        if self.is_empty() {
            return Ok(());
        }
        let text = self.finish();
        let at = (self.lengths.as_ptr() as usize / 4) as u32;
        let count = self.lengths.len() as u32;
        let result = on_messages.call3(&JsValue::UNDEFINED, &text, &at.into(), &count.into());
        self.clear();
        result.map(drop)
    }
}

/// `a == b`, as a plain loop: slice equality compiles to a `memcmp` call,
/// which costs more than the short types and IDs it compares here.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The length of the longest all-ASCII prefix of `bytes`: 32 bytes (four
/// `u64`s ORed together) per test, then one at a time. `str::is_ascii`
/// reads `usize`s, four bytes in WebAssembly, and tests each.
fn ascii_prefix(bytes: &[u8]) -> usize {
    let mut at = 0;
    for block in bytes.chunks_exact(32) {
        let (a, b, c, d) = (
            word(block, 0),
            word(block, 8),
            word(block, 16),
            word(block, 24),
        );
        if (a | b | c | d) & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        at += 32;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    at + rest.iter().take_while(|b| b.is_ascii()).count()
}

/// The eight bytes of `block` at `at` as a `u64` (`block` has them).
#[inline(always)]
fn word(block: &[u8], at: usize) -> u64 {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(&block[at..at + 8]);
    u64::from_le_bytes(bytes)
}

/// The length in UTF-16 code units of valid UTF-8 `bytes`: one per
/// character (every byte but continuation bytes), two for the characters
/// outside the BMP (the four-byte ones). Works on bytes, not `str` slices,
/// so that no slicing panic path (and its formatting code) is linked in.
fn utf16_len(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .map(|&b| u32::from(b & 0xC0 != 0x80) + u32::from(b >= 0xF0))
        .sum()
}
