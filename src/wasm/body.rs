//! [`Body`]: a request body.

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Text (sent as UTF-8; set `Content-Type` yourself, e.g. JSON).
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
    /// Any JavaScript `BodyInit` (string, `Blob`, `FormData`, typed array,
    /// `URLSearchParams`), handed to `fetch` as it is.
    Js(wasm_bindgen::JsValue),
}
