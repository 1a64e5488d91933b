//! The server's message in a refused response's body, for the Rust API
//! (`fetch.rs`). js/errors.js looks in the same places for the class:
//! moving that lookup here cost the class's module about 400 bytes gzip
//! (a `JSON.parse` import and its exception handling) against about 150 in
//! JavaScript (docs/benchmarks.md).

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::error::ErrorBody;

/// A refused response's body, read as `text` (already cut at
/// [`ERROR_BODY_LIMIT`](crate::connection::ERROR_BODY_LIMIT)), with the
/// server's message in it: where JSON APIs put it, `error.message` (OpenAI,
/// Anthropic, Google), `error` when it is a string, `message`, or `detail`
/// (FastAPI, RFC 9457). Empty strings do not count.
pub(crate) fn read(text: String) -> ErrorBody {
    let message = server_message(&text);
    ErrorBody::new(text, message)
}

fn server_message(text: &str) -> Option<String> {
    let json = js_sys::JSON::parse(text).ok()?;
    // Reflect.get throws on a primitive: no such field then.
    let get = |value: &JsValue, key: &str| Reflect::get(value, &JsValue::from_str(key)).ok();
    let text = |value: Option<JsValue>| value?.as_string().filter(|s| !s.is_empty());
    let error = get(&json, "error");
    text(error.as_ref().and_then(|e| get(e, "message")))
        .or_else(|| text(error))
        .or_else(|| text(get(&json, "message")))
        .or_else(|| text(get(&json, "detail")))
}
