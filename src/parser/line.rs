//! Bytes to lines: the stream's line terminators and the leading BOM.
//!
//! Lines are split on raw bytes, before any UTF-8 decoding. That is exact,
//! not an approximation: CR, LF and `:` are ASCII, and in UTF-8 an ASCII
//! byte never occurs inside a multi-byte sequence and always ends an
//! unfinished one. Decoding each finished piece on its own therefore yields
//! the same text, U+FFFD included, as decoding the whole stream first, which
//! is what the specification describes.

use crate::error::ParseError;

/// The UTF-8 byte order mark, `U+FEFF`.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Splits a byte stream, fed in arbitrary chunks, into lines.
///
/// Holds at most one unfinished line, never more than the line limit.
/// Complete lines that lie inside one chunk are handed out as slices of that
/// chunk without being copied.
#[derive(Debug)]
pub(crate) struct LineSplitter {
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    /// The previous chunk ended in CR: an LF opening the next chunk belongs
    /// to that same line end.
    skip_lf: bool,
    /// How many bytes of a BOM have been seen at stream start, or `None`
    /// once the stream has moved past the point where a BOM may appear.
    bom_seen: Option<u8>,
}

impl LineSplitter {
    pub(crate) fn new() -> Self {
        LineSplitter {
            partial: Vec::new(),
            skip_lf: false,
            bom_seen: Some(0),
        }
    }

    /// Forget the unfinished line and return to the start of a stream, where
    /// a BOM may appear again. Keeps the allocation.
    pub(crate) fn restart(&mut self) {
        self.partial.clear();
        self.skip_lf = false;
        self.bom_seen = Some(0);
    }

    /// Bytes held for an unfinished line.
    pub(crate) fn buffered(&self) -> usize {
        self.partial.len()
    }

    /// Feeds one chunk, calling `on_line` with every line it completes (the
    /// terminator removed), in order.
    ///
    /// A line longer than `max_line` bytes stops the split with
    /// [`ParseError::LineTooLong`] as soon as its length is known to exceed
    /// the limit: the lines before it have all been handed out, and nothing
    /// of it is kept. `on_line` may stop the split with an error too.
    pub(crate) fn split(
        &mut self,
        chunk: &[u8],
        max_line: usize,
        on_line: &mut impl FnMut(&[u8]) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        let Some(seen) = self.bom_seen else {
            return self.split_lines(chunk, max_line, on_line);
        };
        // "One leading U+FEFF BYTE ORDER MARK character must be ignored if
        // any are present" (WHATWG HTML, 9.2.5). The decoder drops it at the
        // very start of the stream only, so its three bytes may arrive in
        // separate chunks, with empty chunks between them.
        let mut seen = usize::from(seen);
        let mut taken = 0;
        while seen < BOM.len() && taken < chunk.len() && chunk[taken] == BOM[seen] {
            seen += 1;
            taken += 1;
        }
        if seen == BOM.len() {
            self.bom_seen = None;
            return self.split_lines(&chunk[taken..], max_line, on_line);
        }
        if taken == chunk.len() {
            // Still a possible BOM (this includes an empty chunk).
            self.bom_seen = Some(seen as u8);
            return Ok(());
        }
        // Not a BOM after all: what looked like its start is ordinary
        // (invalid UTF-8) text at the beginning of the first line.
        self.bom_seen = None;
        self.split_lines(&BOM[..seen], max_line, on_line)?;
        self.split_lines(&chunk[taken..], max_line, on_line)
    }

    fn split_lines(
        &mut self,
        chunk: &[u8],
        max_line: usize,
        on_line: &mut impl FnMut(&[u8]) -> Result<(), ParseError>,
    ) -> Result<(), ParseError> {
        let mut rest = chunk;
        if self.skip_lf && !rest.is_empty() {
            // An empty chunk between CR and LF must not end the CRLF pair.
            self.skip_lf = false;
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
        }
        while let Some(end) = find_line_end(rest) {
            if self.partial.is_empty() {
                let line = &rest[..end];
                if line.len() > max_line {
                    return Err(ParseError::LineTooLong { limit: max_line });
                }
                on_line(line)?;
            } else {
                if self.partial.len() + end > max_line {
                    self.partial = Vec::new();
                    return Err(ParseError::LineTooLong { limit: max_line });
                }
                super::append_within(&mut self.partial, &rest[..end], max_line);
                let line = std::mem::take(&mut self.partial);
                let result = on_line(&line);
                // Hand the allocation back for the next unfinished line.
                self.partial = line;
                self.partial.clear();
                result?;
            }
            // "Lines must be separated by either a U+000D CARRIAGE RETURN
            // U+000A LINE FEED (CRLF) character pair, a single U+000A LINE
            // FEED (LF) character, or a single U+000D CARRIAGE RETURN (CR)
            // character." A CR ending the chunk may be the first half of a
            // CRLF whose LF comes next.
            let mut next = end + 1;
            if rest[end] == b'\r' {
                match rest.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            rest = &rest[next..];
        }
        if self.partial.len() + rest.len() > max_line {
            // Give the memory back: this parser is done until reset.
            self.partial = Vec::new();
            return Err(ParseError::LineTooLong { limit: max_line });
        }
        super::append_within(&mut self.partial, rest, max_line);
        Ok(())
    }
}

/// The position of the first CR or LF in `bytes`.
///
/// Most lines of a stream are short (`id`, `event`, short `data`). For
/// those, looking at eight bytes at a time in a `u64` (also fast in
/// WebAssembly, which has no `memchr` SIMD without `simd128`) finds the end
/// before `memchr2` would have set up; past 64 bytes, `memchr2` takes over.
#[inline(always)]
fn find_line_end(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const LF: u64 = ONES * b'\n' as u64;
    const CR: u64 = ONES * b'\r' as u64;
    let head = bytes.len().min(64);
    let mut words = bytes[..head].chunks_exact(8);
    let mut at = 0;
    for w in words.by_ref() {
        let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // A byte of `x` is zero where `word` has LF (CR); the lowest byte
        // flagged by `(x - ONES) & !x & HIGHS` is exactly the first zero
        // byte (a false flag can only sit above a true one).
        let (lf, cr) = (word ^ LF, word ^ CR);
        let found = (lf.wrapping_sub(ONES) & !lf | cr.wrapping_sub(ONES) & !cr) & HIGHS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if let Some(i) = words
        .remainder()
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
    {
        return Some(at + i);
    }
    memchr::memchr2(b'\r', b'\n', &bytes[head..]).map(|i| i + head)
}
