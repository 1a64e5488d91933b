//! One line at a time: the WHATWG rules for fields and for dispatch.
//!
//! <https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>

use std::borrow::Cow;

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

    /// Interprets one line (terminator removed).
    pub(crate) fn process_line(
        &mut self,
        line: &[u8],
        config: &Config,
        emit: &mut impl FnMut(ItemRef<'_>),
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
            emit(ItemRef::Comment(String::from_utf8_lossy(text)));
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
        emit: &mut impl FnMut(ItemRef<'_>),
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
                let ms = value.iter().fold(0u64, |acc, &d| {
                    acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                });
                emit(ItemRef::Retry(ms));
            }
            // "Otherwise: The field is ignored." (So is an `id` with NUL and
            // a `retry` that is not all digits, by the guards above.)
            _ => {}
        }
        Ok(())
    }

    /// "When the user agent is required to dispatch the event":
    fn dispatch(&mut self, emit: &mut impl FnMut(ItemRef<'_>)) {
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
        emit(ItemRef::Event(EventRef {
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

/// UTF-8 decode, each invalid sequence replaced by U+FFFD (Rust's lossy
/// decoding replaces maximal subparts, as the WHATWG Encoding standard does).
/// Valid text is borrowed; `from_utf8` checks it faster than the lossy path.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}
