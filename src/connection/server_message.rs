//! The server's own message in a refused response's body, and what an LLM
//! API says of a failure in its stream: where JSON APIs put them, found
//! once here for both drivers.
//!
//! A small JSON reader of our own rather than a JSON library: it checks the
//! whole body against JSON's grammar (RFC 8259, as `JSON.parse` does),
//! notes where the strings at the four places start, and decodes only the
//! one it returns (and the keys it compares). The body is at most
//! [`ERROR_BODY_LIMIT`](super::ERROR_BODY_LIMIT) bytes; nesting deeper than
//! `MAX_DEPTH` is not read (no message), which bounds the recursion.

/// How deep arrays and objects may nest in a body read for a message. No
/// API's error nests past four; a deeper body gets no message.
const MAX_DEPTH: usize = 64;

/// The server's message in `body`, when it is JSON with a non-empty string
/// at one of these places, in this order: `error.message` (OpenAI,
/// Anthropic, Google), `error` when it is a string, `message`, `detail`
/// (FastAPI, RFC 9457). As with `JSON.parse`, a key given twice counts
/// with its last value; a lone surrogate escape (`"\ud800"`) becomes
/// U+FFFD.
#[cfg_attr(npm_size, optimize(size), inline(never))]
pub fn server_message(body: &str) -> Option<String> {
    Found::read(body)?.first(&[ERROR_MESSAGE, ERROR, MESSAGE, 3])
}

/// The places read: each is a slot of [`Found`]. Slots 0 to 3 are
/// [`server_message`]'s, in its order; the others are where LLM APIs put
/// the type and code of a failure reported in a stream
/// ([`EndRule::failure`](super::EndRule::failure)).
pub(super) const ERROR_MESSAGE: usize = 0;
pub(super) const ERROR: usize = 1;
pub(super) const MESSAGE: usize = 2;
pub(super) const ERROR_TYPE: usize = 4;
pub(super) const ERROR_CODE: usize = 5;
pub(super) const CODE: usize = 6;
pub(super) const RESPONSE_ERROR_CODE: usize = 7;
pub(super) const RESPONSE_ERROR_MESSAGE: usize = 8;
pub(super) const INCOMPLETE_REASON: usize = 9;
const SLOTS: usize = 10;

/// Where a value sits: a slot (`SLOT + n`), or an object on the way to
/// some (below `SLOT`), or elsewhere.
type Place = u8;
const TOP: Place = 0;
const IN_ERROR: Place = 1;
const IN_RESPONSE: Place = 2;
const IN_RESPONSE_ERROR: Place = 3;
const IN_INCOMPLETE: Place = 4;
const OTHER: Place = 5;
const SLOT: Place = 16;

/// The keys that lead from a place to another, or to a slot.
const EDGES: [(Place, &str, Place); 13] = [
    (TOP, "error", IN_ERROR),
    (TOP, "message", SLOT + MESSAGE as u8),
    (TOP, "detail", SLOT + 3),
    (TOP, "code", SLOT + CODE as u8),
    (TOP, "response", IN_RESPONSE),
    (IN_ERROR, "message", SLOT + ERROR_MESSAGE as u8),
    (IN_ERROR, "type", SLOT + ERROR_TYPE as u8),
    (IN_ERROR, "code", SLOT + ERROR_CODE as u8),
    (IN_RESPONSE, "error", IN_RESPONSE_ERROR),
    (IN_RESPONSE, "incomplete_details", IN_INCOMPLETE),
    (IN_RESPONSE_ERROR, "code", SLOT + RESPONSE_ERROR_CODE as u8),
    (
        IN_RESPONSE_ERROR,
        "message",
        SLOT + RESPONSE_ERROR_MESSAGE as u8,
    ),
    (IN_INCOMPLETE, "reason", SLOT + INCOMPLETE_REASON as u8),
];

/// The slots under each object place (bit n: slot n), emptied when the
/// place is given a value again: derived from `EDGES` when compiling
/// (`error` holds its own string, slot 1, too).
const UNDER: [u16; 5] = [
    under(TOP),
    under(IN_ERROR),
    under(IN_RESPONSE),
    under(IN_RESPONSE_ERROR),
    under(IN_INCOMPLETE),
];

/// The slots reached from `place` by `EDGES`.
const fn under(place: Place) -> u16 {
    let mut mask = if place == IN_ERROR { 1 << ERROR } else { 0 };
    let mut i = 0;
    while i < EDGES.len() {
        let (from, _, to) = EDGES[i];
        if from == place {
            mask |= if to >= SLOT {
                1 << (to - SLOT)
            } else {
                under(to)
            };
        }
        i += 1;
    }
    mask
}

/// Where the strings at the slots are, in a JSON text.
pub(super) struct Found<'a> {
    reader: Reader<'a>,
}

impl<'a> Found<'a> {
    /// Reads `text`: `None` when it is not JSON (or nests deeper than
    /// `MAX_DEPTH`).
    pub(super) fn read(text: &'a str) -> Option<Self> {
        Found::read_with(text, None)
    }

    /// Reads `text`, noting also where the value of the top-level key
    /// `cursor` is.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn read_with(text: &'a str, cursor: Option<&'a str>) -> Option<Self> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
            found: [0; SLOTS],
            cursor,
            span: (0, 0),
        };
        reader.value(0, TOP)?;
        reader.space();
        (reader.at == reader.bytes.len()).then_some(Found { reader })
    }

    /// The first non-empty string at these slots, decoded.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub(super) fn first(&mut self, slots: &[usize]) -> Option<String> {
        let r = &mut self.reader;
        slots.iter().find_map(|&slot| {
            r.at = r.found[slot].checked_sub(1)?;
            r.string().filter(|text| !text.is_empty())
        })
    }

    /// Whether there is a string (even an empty one) at any of these slots.
    pub(super) fn holds(&self, slots: &[usize]) -> bool {
        slots.iter().any(|&slot| self.reader.found[slot] != 0)
    }
}

/// The JSON text of the value at the top-level key `key` of `data` (a
/// number as written, a string with its quotes), when `data` is JSON and
/// has one: an event's cursor, as the core reads it (see
/// [`Options::cursor`](super::Options::cursor)). As with `JSON.parse`, a
/// key given twice counts with its last value.
///
/// ```
/// use eventsource_wasm::connection::cursor;
///
/// let data = r#"{"type":"response.output_text.delta","sequence_number":7}"#;
/// assert_eq!(cursor(data, "sequence_number"), Some("7"));
/// assert_eq!(cursor("[DONE]", "sequence_number"), None);
/// ```
#[cfg_attr(npm_size, optimize(size), inline(never))]
pub fn cursor<'a>(data: &'a str, key: &'a str) -> Option<&'a str> {
    let (start, end) = Found::read_with(data, Some(key))?.reader.span;
    data.get(start..end).filter(|text| !text.is_empty())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Where the string at each slot starts, plus one (0: none there).
    found: [usize; SLOTS],
    /// The top-level key whose value is wanted ([`cursor`]), and where
    /// its last value is.
    cursor: Option<&'a str>,
    span: (usize, usize),
}

impl Reader<'_> {
    fn next(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// The next byte that is not whitespace.
    fn token(&mut self) -> Option<u8> {
        self.space();
        self.next()
    }

    /// Whether one or more digits follow (read).
    fn digits(&mut self) -> bool {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at > start
    }

    /// One value at `place`; `None` when the text is not JSON (or too
    /// deep).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn value(&mut self, depth: usize, place: Place) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        // A value given again at a place replaces the one before it,
        // whatever its type.
        let under = match place {
            OTHER => 0,
            SLOT.. => 1 << (place - SLOT),
            _ => UNDER[usize::from(place)],
        };
        for (slot, found) in self.found.iter_mut().enumerate() {
            if under & (1 << slot) != 0 {
                *found = 0;
            }
        }
        match self.token()? {
            b'{' => {
                if self.token()? == b'}' {
                    return Some(());
                }
                self.at -= 1;
                loop {
                    self.space();
                    let key = self.string()?;
                    let inner = EDGES
                        .iter()
                        .find(|(from, k, _)| *from == place && *k == key)
                        .map_or(OTHER, |edge| edge.2);
                    (self.token()? == b':').then_some(())?;
                    self.space();
                    let start = self.at;
                    self.value(depth + 1, inner)?;
                    if place == TOP && self.cursor == Some(&*key) {
                        self.span = (start, self.at);
                    }
                    match self.token()? {
                        b',' => {}
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                if self.token()? == b']' {
                    return Some(());
                }
                self.at -= 1;
                loop {
                    self.value(depth + 1, OTHER)?;
                    match self.token()? {
                        b',' => {}
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'"' => {
                self.at -= 1;
                let start = self.at + 1;
                self.string()?;
                match place {
                    SLOT.. => self.found[usize::from(place - SLOT)] = start,
                    IN_ERROR => self.found[ERROR] = start,
                    _ => {}
                }
                Some(())
            }
            first => {
                self.at -= 1;
                let word: &[u8] = match first {
                    b't' => b"true",
                    b'f' => b"false",
                    b'n' => b"null",
                    _ => return self.number(),
                };
                self.bytes[self.at..].starts_with(word).then_some(())?;
                self.at += word.len();
                Some(())
            }
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let (start, zero) = (self.at, self.peek() == Some(b'0'));
        if !self.digits() || (zero && self.at - start > 1) {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.digits().then_some(())?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.digits().then_some(())?;
        }
        Some(())
    }
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0;
        for _ in 0..4 {
            value = value * 16 + char::from(self.next()?).to_digit(16)?;
        }
        Some(value)
    }

    /// A string, from its opening quote, decoded. The body is valid UTF-8
    /// and only ASCII bytes end a run, so the bytes copied stay valid.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn string(&mut self) -> Option<String> {
        (self.next()? == b'"').then_some(())?;
        let mut text = Vec::new();
        loop {
            match self.next()? {
                b'"' => return String::from_utf8(text).ok(),
                b'\\' => {
                    let escaped = self.next()?;
                    let c = if escaped == b'u' {
                        self.unicode()?
                    } else {
                        // `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`.
                        let i = b"\"\\/bfnrt".iter().position(|&e| e == escaped)?;
                        char::from(b"\"\\/\x08\x0c\n\r\t"[i])
                    };
                    text.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                // A raw control character: not JSON.
                0..=0x1f => return None,
                byte => text.push(byte),
            }
        }
    }

    /// The character of a `\u` escape (after its `u`), joining a surrogate
    /// pair written as two escapes.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn unicode(&mut self) -> Option<char> {
        let mut code = self.hex4()?;
        if (0xD800..0xDC00).contains(&code) && self.bytes[self.at..].starts_with(b"\\u") {
            let back = self.at;
            self.at += 2;
            match self.hex4()? {
                low @ 0xDC00..=0xDFFF => code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00),
                // Not a pair: the second escape is read on its own.
                _ => self.at = back,
            }
        }
        Some(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }
}

#[cfg(test)]
mod tests {
    use super::cursor;

    #[test]
    fn a_cursor_is_the_json_text_of_a_top_level_value() {
        let key = "sequence_number";
        assert_eq!(
            cursor(r#"{"type":"x","sequence_number":7}"#, key),
            Some("7")
        );
        assert_eq!(
            cursor(r#"{ "sequence_number" : "r-1" }"#, key),
            Some(r#""r-1""#)
        );
        // The last of two; one inside another object is not it.
        assert_eq!(
            cursor(r#"{"sequence_number":1,"sequence_number":2}"#, key),
            Some("2")
        );
        assert_eq!(cursor(r#"{"item":{"sequence_number":3}}"#, key), None);
        assert_eq!(
            cursor(r#"{"a":{"sequence_number":3},"sequence_number":4}"#, key),
            Some("4")
        );
        // Not JSON, or no such key: none.
        assert_eq!(cursor("[DONE]", key), None);
        assert_eq!(cursor(r#"{"sequence_number":7"#, key), None);
        assert_eq!(cursor(r#"{"other":7}"#, key), None);
        assert_eq!(cursor(r#"[{"sequence_number":7}]"#, key), None);
    }
}
