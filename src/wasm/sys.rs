//! Raw bindings that web-sys does not give in the form we need. Everything
//! is bound on the global object, never on `window`, so that the library
//! works in dedicated, shared and service workers too.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(request)`.
    #[wasm_bindgen(js_name = fetch)]
    pub(crate) fn fetch_with_request(request: &web_sys::Request) -> Promise;

    /// The global `setTimeout(handler, ms)`; the id is opaque (a number in
    /// browsers).
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(handler: &Function, ms: i32) -> JsValue;

    /// The global `clearTimeout(id)`.
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);

    /// `crypto.getRandomValues(array)`, in windows and workers; throws
    /// where there is no `crypto`.
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(array: &js_sys::Uint32Array) -> Result<JsValue, JsValue>;

    /// `performance.now()`: monotonic milliseconds, in windows and workers.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    pub(crate) fn performance_now() -> f64;
}

/// The current monotonic time in whole milliseconds, for the core.
pub(crate) fn now_ms() -> u64 {
    performance_now().max(0.0) as u64
}

/// 128 random bits from `crypto.getRandomValues`, in hex (a source's
/// idempotency key), or `None` where there is no `crypto`.
pub(crate) fn random_key() -> Option<String> {
    let words = js_sys::Uint32Array::new_with_length(4);
    get_random_values(&words).ok()?;
    Some(words.to_vec().iter().map(|w| format!("{w:08x}")).collect())
}

/// The message of a thrown value: `Error.message` when it has one, else its
/// string form.
pub(crate) fn message_of(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
