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

/// What [`LineSplitter::split`] hands lines to.
pub(crate) trait Lines {
    /// One line, its terminator removed. An error stops the split.
    fn line(&mut self, line: &[u8]) -> Result<(), ParseError>;

    /// Offered the rest of the chunk at the start of each line that begins
    /// in it, before that line: may take whole lines, each with its LF, and
    /// interpret them itself (the parser's fast path does, with whole
    /// events). Returns how many bytes it took.
    fn blocks(&mut self, rest: &[u8]) -> usize;
}

/// Hands on the lines only (for bytes that are not in the chunk).
struct NoBlocks<'a, L>(&'a mut L);

impl<L: Lines> Lines for NoBlocks<'_, L> {
    fn line(&mut self, line: &[u8]) -> Result<(), ParseError> {
        self.0.line(line)
    }

    fn blocks(&mut self, _: &[u8]) -> usize {
        0
    }
}

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

    /// Feeds one chunk, handing `lines` every line it completes (the
    /// terminator removed), in order.
    ///
    /// A line longer than `max_line` bytes stops the split with
    /// [`ParseError::LineTooLong`] as soon as its length is known to exceed
    /// the limit: the lines before it have all been handed out, and nothing
    /// of it is kept. `lines` may stop the split with an error too.
    pub(crate) fn split(
        &mut self,
        chunk: &[u8],
        max_line: usize,
        lines: &mut impl Lines,
    ) -> Result<(), ParseError> {
        let Some(seen) = self.bom_seen else {
            return self.split_lines(chunk, max_line, lines);
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
            return self.split_lines(&chunk[taken..], max_line, lines);
        }
        if taken == chunk.len() {
            // Still a possible BOM (this includes an empty chunk).
            self.bom_seen = Some(seen as u8);
            return Ok(());
        }
        // Not a BOM after all: what looked like its start is ordinary
        // (invalid UTF-8) text at the beginning of the first line.
        self.bom_seen = None;
        self.split_lines(&BOM[..seen], max_line, &mut NoBlocks(lines))?;
        self.split_lines(&chunk[taken..], max_line, lines)
    }

    fn split_lines(
        &mut self,
        chunk: &[u8],
        max_line: usize,
        lines: &mut impl Lines,
    ) -> Result<(), ParseError> {
        let mut rest = chunk;
        if self.skip_lf && !rest.is_empty() {
            // An empty chunk between CR and LF must not end the CRLF pair.
            self.skip_lf = false;
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
        }
        loop {
            if self.partial.is_empty() {
                let taken = lines.blocks(rest);
                rest = rest.get(taken..).unwrap_or_default();
            }
            let Some(end) = find_line_end(rest) else {
                break;
            };
            if self.partial.is_empty() {
                let line = &rest[..end];
                if line.len() > max_line {
                    return Err(ParseError::LineTooLong { limit: max_line });
                }
                lines.line(line)?;
            } else {
                if self.partial.len() + end > max_line {
                    self.partial = Vec::new();
                    return Err(ParseError::LineTooLong { limit: max_line });
                }
                super::append_within(&mut self.partial, &rest[..end], max_line);
                let line = std::mem::take(&mut self.partial);
                let result = lines.line(&line);
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
/// those, looking at eight bytes at a time in a `u64` finds the end before
/// `memchr2` would have set up; past 64 bytes, `memchr2` takes over. In
/// WebAssembly without `simd128`, `memchr2` has only its generic searcher,
/// which works on `usize` (four bytes there) and scans long lines at about
/// half the rate of the `u64` loop, so there the loop runs to the end. The
/// fuzz targets build that same path, since it is the one browsers run.
#[inline(always)]
pub(crate) fn find_line_end(bytes: &[u8]) -> Option<usize> {
    if cfg!(any(
        fuzzing,
        all(target_arch = "wasm32", not(target_feature = "simd128"))
    )) {
        return find_in_words(bytes);
    }
    let head = bytes.len().min(64);
    if let Some(i) = find_in_words(&bytes[..head]) {
        return Some(i);
    }
    memchr::memchr2(b'\r', b'\n', &bytes[head..]).map(|i| i + head)
}

/// The position of the first CR or LF in `bytes`, eight bytes at a time.
#[inline(always)]
fn find_in_words(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const LF: u64 = ONES * b'\n' as u64;
    const CR: u64 = ONES * b'\r' as u64;
    let mut words = bytes.chunks_exact(8);
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
    words
        .remainder()
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::{find_in_words, find_line_end};

    /// Both searches, against the obvious one, with CR or LF at every
    /// position of lines up to 300 bytes, after every byte value that
    /// could fool the bit trick.
    #[test]
    fn line_end_found_at_every_position() {
        for len in 0..300 {
            for end in [b'\n', b'\r'] {
                for filler in [b'z', 0x00, 0x0B, 0x0C, 0x0E, 0x8A, 0x8D, 0xFF] {
                    let mut bytes = vec![filler; len];
                    for at in 0..=len {
                        if at < len {
                            bytes[at] = end;
                        }
                        let expected = bytes.iter().position(|&b| b == b'\n' || b == b'\r');
                        assert_eq!(find_in_words(&bytes), expected, "{len} {at} {filler}");
                        assert_eq!(find_line_end(&bytes), expected, "{len} {at} {filler}");
                        if at < len {
                            bytes[at] = filler;
                        }
                    }
                }
            }
        }
    }
}
