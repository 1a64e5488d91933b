//! The server's own message in a refused response's body: where JSON APIs
//! put it, found once here for both drivers.
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
pub fn server_message(body: &str) -> Option<String> {
    let mut reader = Reader {
        bytes: body.as_bytes(),
        at: 0,
        found: [0; 4],
    };
    reader.value(0, Place::Top)?;
    reader.space();
    if reader.at != reader.bytes.len() {
        return None;
    }
    reader.found.into_iter().find_map(|start| {
        reader.at = start.checked_sub(1)?;
        reader.string().filter(|text| !text.is_empty())
    })
}

/// Where a value sits, as far as the message is concerned.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// One of the four places: 0 `error.message`, 1 `error`, 2 `message`,
    /// 3 `detail`.
    Slot(usize),
    /// The body itself.
    Top,
    /// The top level's `error`: place 1 when it is a string, the object
    /// holding place 0 when it is an object.
    Error,
    /// Anywhere else.
    Other,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Where the string at each place starts, plus one (0: none there).
    found: [usize; 4],
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

    /// One value at `place`; `None` when the body is not JSON (or too deep).
    fn value(&mut self, depth: usize, place: Place) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        // A value given again at a place replaces the one before it,
        // whatever its type.
        match place {
            Place::Slot(slot) => self.found[slot] = 0,
            Place::Error => self.found[..2].fill(0),
            _ => {}
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
                    let inner = match (place, key.as_str()) {
                        (Place::Top, "error") => Place::Error,
                        (Place::Top, "message") => Place::Slot(2),
                        (Place::Top, "detail") => Place::Slot(3),
                        (Place::Error, "message") => Place::Slot(0),
                        _ => Place::Other,
                    };
                    (self.token()? == b':').then_some(())?;
                    self.value(depth + 1, inner)?;
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
                    self.value(depth + 1, Place::Other)?;
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
                    Place::Slot(slot) => self.found[slot] = start,
                    Place::Error => self.found[1] = start,
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

    fn hex4(&mut self) -> Option<u32> {
        let mut value = 0;
        for _ in 0..4 {
            value = value * 16 + char::from(self.next()?).to_digit(16)?;
        }
        Some(value)
    }

    /// A string, from its opening quote, decoded. The body is valid UTF-8
    /// and only ASCII bytes end a run, so the bytes copied stay valid.
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
