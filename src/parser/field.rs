//! One line at a time: the WHATWG rules for fields and for dispatch.
//!
//! <https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>

use std::borrow::Cow;
use std::ops::ControlFlow;

use super::{Config, EventRef, ItemRef};
use crate::error::ParseError;

/// The buffers of the block being read, and the last event ID.
#[derive(Debug, Default)]
pub(crate) struct EventBuilder {
    /// The data buffer, as raw bytes; decoded once, at dispatch.
    data: Vec<u8>,
    /// The event type buffer, as raw bytes.
    event_type: Vec<u8>,
    /// What the latest `id` field of the block being read said, when
    /// `id_pending`; otherwise stale, and the last event ID buffer is
    /// `last_event_id` itself. (Swapping the two at dispatch moves an ID
    /// without copying it.)
    id_buffer: String,
    /// The block being read has an `id` field, held in `id_buffer`.
    id_pending: bool,
    /// The last event ID string, as of the latest dispatch.
    last_event_id: String,
    /// How many more blocks the fast path leaves to the general one.
    fast_skip: u8,
}

/// After a block the fast path could not take, how many blocks it leaves
/// to the general path before trying again.
const FAST_SKIP: u8 = 8;

/// Where the fields of a simple block lie, relative to its start.
#[derive(Debug, Default)]
struct SimpleBlock {
    /// The block's length, its blank line included.
    len: usize,
    event_type: Option<(usize, usize)>,
    data: Option<(usize, usize)>,
    id: Option<(usize, usize)>,
}

/// Why [`scan_block`] did not take a block.
#[derive(Debug)]
enum Unsimple {
    /// The block does not end in these bytes.
    Incomplete,
    /// It is not a simple block.
    Shape,
}

/// Reads one simple block (see [`EventBuilder::whole_blocks`]) from the
/// start of `bytes`, by the same rules as `process_line`.
fn scan_block(bytes: &[u8], config: &Config) -> Result<SimpleBlock, Unsimple> {
    let mut block = SimpleBlock::default();
    let mut at = 0;
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        let len = super::line::find_line_end(rest).ok_or(Unsimple::Incomplete)?;
        let end = at + len;
        if rest.get(len) != Some(&b'\n') || len > config.max_line_len {
            return Err(Unsimple::Shape);
        }
        let line = rest.get(..len).unwrap_or_default();
        if line.is_empty() {
            block.len = end + 1;
            return Ok(block);
        }
        let head = line.get(..len.min(6)).unwrap_or_default();
        let (name, value) = match head.iter().position(|&b| b == b':') {
            Some(colon) => {
                let space = usize::from(line.get(colon + 1) == Some(&b' '));
                (
                    line.get(..colon).unwrap_or_default(),
                    (at + colon + 1 + space, end),
                )
            }
            None if len < 6 => (line, (end, end)),
            None => {
                at = end + 1;
                continue;
            }
        };
        match *name {
            [b'd', b'a', b't', b'a'] => {
                if block.data.is_some() || value.1 - value.0 + 1 > config.max_event_len {
                    return Err(Unsimple::Shape);
                }
                block.data = Some(value);
            }
            [b'e', b'v', b'e', b'n', b't'] => block.event_type = Some(value),
            [b'i', b'd'] => {
                let id = bytes.get(value.0..value.1).unwrap_or_default();
                if memchr::memchr(0, id).is_none() {
                    block.id = Some(value);
                }
            }
            // A comment (empty name), or a `retry` field: items of their
            // own, in order with the events.
            [] | [b'r', b'e', b't', b'r', b'y'] => return Err(Unsimple::Shape),
            _ => {}
        }
        at = end + 1;
    }
}

impl EventBuilder {
    pub(crate) fn last_event_id(&self) -> &str {
        &self.last_event_id
    }

    pub(crate) fn set_last_event_id(&mut self, id: &str) {
        self.id_pending = false;
        self.last_event_id.clear();
        self.last_event_id.push_str(id);
    }

    /// Bytes held for the block being read.
    pub(crate) fn buffered(&self) -> usize {
        self.data.len() + self.event_type.len()
    }

    /// The stream ended: "any pending data must be discarded. (If the file
    /// ends in the middle of an event, before the final empty line, the
    /// incomplete event is not dispatched.)" An `id` of that unfinished
    /// block is discarded with it; the last event ID stays what the last
    /// dispatch made it, as in browsers, which carry it into the next
    /// connection.
    pub(crate) fn discard_block(&mut self) {
        self.data.clear();
        self.event_type.clear();
        self.id_pending = false;
    }

    /// The fast path: reads whole blocks from `rest` (the rest of the
    /// chunk being fed, at a line start) while each is one simple event,
    /// and dispatches them straight from the chunk, without copying their
    /// fields. Returns the bytes taken; whatever it does not take goes
    /// through [`process_line`](Self::process_line), which applies every
    /// rule. The two agree on every input: the property tests and the fuzz
    /// targets compare chunkings that take either path.
    ///
    /// A simple event: LF line ends, no comment or `retry` line, at most one
    /// `data` line, valid UTF-8, within the limits, and it ends in `rest`.
    /// After a block that is not simple, the next few are left to the
    /// general path, so that a stream of such blocks is not scanned twice.
    pub(crate) fn whole_blocks(
        &mut self,
        rest: &[u8],
        config: &Config,
        emit: &mut impl FnMut(ItemRef<'_>) -> ControlFlow<()>,
    ) -> usize {
        if !self.at_block_start() {
            return 0;
        }
        if self.fast_skip > 0 {
            self.fast_skip -= 1;
            return 0;
        }
        let mut taken = 0;
        while let Some(bytes) = rest.get(taken..) {
            let block = match scan_block(bytes, config) {
                Ok(block) => block,
                Err(Unsimple::Incomplete) => break,
                Err(Unsimple::Shape) => {
                    self.fast_skip = FAST_SKIP;
                    break;
                }
            };
            // One check of the whole block; its fields then lie at
            // character boundaries (they are cut at ASCII bytes).
            let Ok(text) = std::str::from_utf8(bytes.get(..block.len).unwrap_or_default()) else {
                self.fast_skip = FAST_SKIP;
                break;
            };
            let field = |(start, end): (usize, usize)| text.get(start..end).unwrap_or_default();
            // Dispatch: the ID first (even with no event), then the event.
            let id = block.id.map(field);
            if let Some(id) = id {
                self.last_event_id.clear();
                self.last_event_id.push_str(id);
            }
            if let Some(data) = block.data {
                let event_type = match block.event_type.map(field) {
                    None | Some("") => "message",
                    Some(name) => name,
                };
                let flow = emit(ItemRef::Event(EventRef {
                    event_type: Cow::Borrowed(event_type),
                    data: Cow::Borrowed(field(data)),
                    // From the chunk too, when the block has it.
                    last_event_id: id.unwrap_or(&self.last_event_id),
                }));
                if flow.is_break() {
                    return taken + block.len;
                }
            }
            taken += block.len;
        }
        taken
    }

    /// Whether no field of a block has been read since the last dispatch.
    fn at_block_start(&self) -> bool {
        self.data.is_empty() && self.event_type.is_empty() && !self.id_pending
    }

    /// Interprets one line (terminator removed).
    pub(crate) fn process_line(
        &mut self,
        line: &[u8],
        config: &Config,
        emit: &mut impl FnMut(ItemRef<'_>) -> ControlFlow<()>,
    ) -> Result<(), ParseError> {
        // "If the line is empty (a blank line): Dispatch the event."
        let Some(&first) = line.first() else {
            self.dispatch(emit);
            return Ok(());
        };
        // "If the line starts with a U+003A COLON character (:): Ignore the
        // line." We still report it, so that heartbeats can be observed.
        if first == b':' {
            let text = strip_one_space(&line[1..]);
            let _ = emit(ItemRef::Comment(decode(text)));
            return Ok(());
        }
        // "If the line contains a U+003A COLON character: collect the
        // characters before the first colon as the field name, and after it
        // as the value; if the value starts with a U+0020 SPACE, remove it."
        // "Otherwise, the string is not empty but does not contain a colon:
        // the whole line is the field name, and the empty string the value."
        //
        // Every field this parser acts on has a name of at most five bytes,
        // so only the first six need a look: a line with no colon there has
        // a longer name, and is ignored whatever its value.
        let head = &line[..line.len().min(6)];
        let (name, value) = match head.iter().position(|&b| b == b':') {
            Some(colon) => (&line[..colon], strip_one_space(&line[colon + 1..])),
            None if line.len() < 6 => (line, &[][..]),
            None => return Ok(()),
        };
        self.process_field(name, value, config, emit)
    }

    fn process_field(
        &mut self,
        name: &[u8],
        value: &[u8],
        config: &Config,
        emit: &mut impl FnMut(ItemRef<'_>) -> ControlFlow<()>,
    ) -> Result<(), ParseError> {
        // The names are spelled out byte by byte: a byte-string pattern
        // compiles to a `memcmp` call, which WebAssembly does not inline.
        match *name {
            // "Append the field value to the data buffer, then append a
            // single U+000A LINE FEED (LF) character to the data buffer."
            // Every data line counts, the empty ones too.
            [b'd', b'a', b't', b'a'] => {
                if self.data.len() + value.len() + 1 > config.max_event_len {
                    self.data = Vec::new();
                    return Err(ParseError::EventTooLarge {
                        limit: config.max_event_len,
                    });
                }
                super::append_within(&mut self.data, value, config.max_event_len);
                self.data.push(b'\n');
            }
            // "Set the event type buffer to the field value."
            [b'e', b'v', b'e', b'n', b't'] => {
                self.event_type.clear();
                self.event_type.extend_from_slice(value);
            }
            // "If the field value does not contain U+0000 NULL, then set the
            // last event ID buffer to the field value. Otherwise, ignore the
            // field." (In UTF-8, U+0000 is the byte 0x00 and nothing else.)
            // An empty value resets the ID.
            [b'i', b'd'] if memchr::memchr(0, value).is_none() => {
                self.id_buffer.clear();
                self.id_buffer.push_str(&decode(value));
                self.id_pending = true;
            }
            // "If the field value consists of only ASCII digits, then
            // interpret the field value as an integer in base ten, and set
            // the event stream's reconnection time to that integer.
            // Otherwise, ignore the field." No sign, no spaces, not empty.
            [b'r', b'e', b't', b'r', b'y']
                if !value.is_empty() && value.iter().all(u8::is_ascii_digit) =>
            {
                let ms = value
                    .iter()
                    .fold(0, |acc, &d| mul_add(acc, 10, u64::from(d - b'0')));
                let _ = emit(ItemRef::Retry(ms));
            }
            // "Otherwise: The field is ignored." (So is an `id` with NUL and
            // a `retry` that is not all digits, by the guards above.)
            _ => {}
        }
        Ok(())
    }

    /// "When the user agent is required to dispatch the event":
    fn dispatch(&mut self, emit: &mut impl FnMut(ItemRef<'_>) -> ControlFlow<()>) {
        // 1. "Set the last event ID string of the event source to the value
        //    of the last event ID buffer." Even when no event follows: an
        //    id-only block still moves the last event ID.
        if self.id_pending {
            std::mem::swap(&mut self.last_event_id, &mut self.id_buffer);
            self.id_pending = false;
        }
        // 2. "If the data buffer is an empty string, set the data buffer and
        //    the event type buffer to the empty string and return."
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        // 3. "If the data buffer's last character is a U+000A LINE FEED (LF)
        //    character, then remove the last character from the data
        //    buffer." (It always is: every data line ends with one.)
        self.data.pop();
        // 4-5. The event's type is the event type buffer, or "message" when
        //    that is empty; its lastEventId is the last event ID string.
        let event_type = if self.event_type.is_empty() {
            Cow::Borrowed("message")
        } else {
            decode(&self.event_type)
        };
        let _ = emit(ItemRef::Event(EventRef {
            event_type,
            data: decode(&self.data),
            last_event_id: &self.last_event_id,
        }));
        // 6. "Set the data buffer and the event type buffer to the empty
        //    string." The buffers keep their capacity for the next block.
        self.data.clear();
        self.event_type.clear();
    }
}

/// Removes one leading U+0020 SPACE, and only one.
fn strip_one_space(value: &[u8]) -> &[u8] {
    match value {
        [b' ', rest @ ..] => rest,
        _ => value,
    }
}

/// UTF-8 decode, each invalid sequence replaced by U+FFFD: each maximal
/// subpart, as the WHATWG Encoding standard does, and as Rust's
/// `String::from_utf8_lossy` does (tests/props.rs holds the two equal).
/// Valid text is borrowed. Built on `from_utf8`'s own error, which says
/// where the valid part ends and how long the maximal subpart is: `from_utf8`
/// is in every module anyway, where the lossy decoder's own iterator would
/// add about 1 KB to the WebAssembly.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let first = match std::str::from_utf8(bytes) {
        Ok(text) => return Cow::Borrowed(text),
        Err(e) => e,
    };
    let mut out = String::with_capacity(bytes.len() + 2);
    let (mut rest, mut error) = (bytes, first);
    loop {
        let (valid, after) = rest.split_at(error.valid_up_to());
        out.push_str(std::str::from_utf8(valid).unwrap_or_default());
        out.push('\u{FFFD}');
        // `None`: the text ends inside a sequence.
        let Some(skip) = error.error_len() else {
            return Cow::Owned(out);
        };
        rest = after.get(skip..).unwrap_or_default();
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return Cow::Owned(out);
            }
            Err(e) => error = e,
        }
    }
}

/// `a * m + b`, saturating at `u64::MAX` (`m` is not 0), without the
/// 128-bit multiplication `saturating_mul` costs in WebAssembly.
pub(crate) const fn mul_add(a: u64, m: u64, b: u64) -> u64 {
    if a > (u64::MAX - b) / m {
        u64::MAX
    } else {
        a * m + b
    }
}
