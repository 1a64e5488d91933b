//! Fuzz the reader that finds the server's message in a refused response's
//! body (`connection::server_message`). Checked on every input:
//! - no panic, whatever the bytes (read as UTF-8 with invalid bytes
//!   replaced, as the drivers read a body);
//! - a message found is never empty;
//! - whenever `serde_json` reads the body as JSON (and it nests no deeper
//!   than the reader goes), the message is the one a lookup in its value
//!   gives: `error.message`, `error`, `message`, `detail`, the first
//!   non-empty string, a key's last value counting.

#![no_main]

use eventsource_wasm::connection::server_message;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

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

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let found = server_message(&body);
    assert!(found.as_ref().is_none_or(|m| !m.is_empty()));
    let deep = body.bytes().filter(|&b| b == b'[' || b == b'{').count() > 60;
    if let (Ok(value), false) = (serde_json::from_str::<Value>(&body), deep) {
        assert_eq!(found, expected(&value), "{body:?}");
    }
});
