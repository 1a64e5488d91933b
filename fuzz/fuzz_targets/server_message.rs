//! Fuzz the reader that finds the server's message in a refused response's
//! body (`connection::server_message`), and what an LLM preset reads from a
//! failure reported in its stream (`EndRule::failure`). Checked on every
//! input:
//! - no panic, whatever the bytes (read as UTF-8 with invalid bytes
//!   replaced, as the drivers read a body);
//! - a message found is never empty;
//! - whenever `serde_json` reads the body as JSON (and it nests no deeper
//!   than the reader goes), the message is the one a lookup in its value
//!   gives: `error.message`, `error`, `message`, `detail`, the first
//!   non-empty string, a key's last value counting;
//! - likewise for a failure event's type of error, code and message, for
//!   whether OpenAI-style data is a failure at all, and for an event's
//!   cursor (`connection::cursor`: the text of the last value of a
//!   top-level key).

#![no_main]

use eventsource_wasm::connection::{cursor, server_message, EndRule};
use eventsource_wasm::Error;
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;

fn expected(value: &Value) -> Option<String> {
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let error = value.get("error");
    text(error.and_then(|e| e.get("message")))
        .or_else(|| text(error))
        .or_else(|| text(value.get("message")))
        .or_else(|| text(value.get("detail")))
}

/// The first non-empty string at these paths of `value`.
fn first(value: &Value, paths: &[&str]) -> Option<String> {
    paths.iter().find_map(|path| {
        let v = path.split('.').try_fold(value, |v, key| v.get(key))?;
        v.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
    })
}

/// A failure's (type of error, code, message), as a lookup finds them.
fn failure(value: &Value) -> [Option<String>; 3] {
    [
        first(value, &["error.type"]),
        first(
            value,
            &[
                "error.code",
                "code",
                "response.error.code",
                "response.incomplete_details.reason",
            ],
        ),
        first(
            value,
            &[
                "error.message",
                "error",
                "message",
                "response.error.message",
            ],
        ),
    ]
}

fn fields(error: Option<Error>) -> Option<[Option<String>; 3]> {
    match error? {
        Error::Provider {
            error_type,
            code,
            body,
            ..
        } => {
            assert!([&error_type, &code, &body.message]
                .iter()
                .all(|f| f.as_ref().is_none_or(|s| !s.is_empty())));
            Some([error_type, code, body.message])
        }
        other => panic!("not a provider error: {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let found = server_message(&body);
    assert!(found.as_ref().is_none_or(|m| !m.is_empty()));
    let deep = body.bytes().filter(|&b| b == b'[' || b == b'{').count() > 60;
    let anthropic = fields(EndRule::ANTHROPIC.failure("error", &body));
    let chat = fields(EndRule::OPENAI_CHAT.failure("message", &body));
    // Anthropic's `error` event fails whatever its data.
    assert!(anthropic.is_some());
    if let (Ok(value), false) = (serde_json::from_str::<Value>(&body), deep) {
        assert_eq!(found, expected(&value), "{body:?}");
        let read = failure(&value);
        assert_eq!(anthropic.as_ref(), Some(&read), "{body:?}");
        // OpenAI-style data fails when its `error` has a string (even an
        // empty one) at one of those places, and its key is written
        // `"error"`: data is read as JSON only then, so a key spelt with
        // `\u` escapes is not looked at.
        let string_at = |path: &str| {
            path.split('.')
                .try_fold(&value, |v, key| v.get(key))
                .is_some_and(Value::is_string)
        };
        let says = ["error.type", "error.code", "error.message", "error"]
            .into_iter()
            .any(string_at)
            && body.contains("\"error\"");
        assert_eq!(chat, says.then_some(read), "{body:?}");
        // The cursor: the last value of the top-level key, as written.
        let raw = serde_json::from_str::<HashMap<String, &RawValue>>(&body).ok();
        for key in ["c", "sequence_number", ""] {
            let expected = raw.as_ref().and_then(|map| map.get(key)).map(|v| v.get());
            assert_eq!(cursor(&body, key), expected, "{key:?} in {body:?}");
        }
    } else if serde_json::from_str::<Value>(&body).is_err() {
        // Not JSON: no cursor.
        assert_eq!(cursor(&body, "c"), None, "{body:?}");
    }
});
