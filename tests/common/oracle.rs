//! A naive reference parser: the WHATWG steps taken literally, on the whole
//! stream at once. It decodes the stream to text first and only then splits
//! lines (the streaming parser does the opposite), so agreement between the
//! two also checks that splitting bytes before decoding changes nothing.

use super::{comment, ev, retry, Out};

/// Parses a complete stream; returns what it said and the last event ID.
pub fn parse(input: &[u8]) -> (Vec<Out>, String) {
    // "Streams must be decoded using the UTF-8 decode algorithm": drop one
    // leading BOM, replace invalid sequences with U+FFFD.
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = String::from_utf8_lossy(input);

    // Lines end at CRLF, LF or CR. Text after the last line end is an
    // unfinished line, and is dropped with the end of the stream.
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut line));
            }
            '\n' => lines.push(std::mem::take(&mut line)),
            c => line.push(c),
        }
    }

    let mut out = Vec::new();
    let (mut data, mut event_type, mut id_buffer, mut last_id) =
        (String::new(), String::new(), String::new(), String::new());
    for line in lines {
        if line.is_empty() {
            last_id = id_buffer.clone();
            if data.is_empty() {
                event_type.clear();
                continue;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            let t = if event_type.is_empty() {
                "message"
            } else {
                &event_type
            };
            out.push(ev(t, &data, &last_id));
            data.clear();
            event_type.clear();
        } else if let Some(rest) = line.strip_prefix(':') {
            out.push(comment(rest.strip_prefix(' ').unwrap_or(rest)));
        } else {
            let (name, value) = match line.split_once(':') {
                Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
                None => (line.as_str(), ""),
            };
            match name {
                "event" => event_type = value.to_owned(),
                "data" => {
                    data.push_str(value);
                    data.push('\n');
                }
                "id" if !value.contains('\0') => id_buffer = value.to_owned(),
                "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    out.push(retry(value.parse::<u64>().unwrap_or(u64::MAX)))
                }
                _ => {}
            }
        }
    }
    (out, last_id)
}
