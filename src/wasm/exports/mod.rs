//! The `#[wasm_bindgen]` exports the JavaScript package is built on: the
//! connection core ([`SseCore`](core::SseCore), for the `EventSource`
//! class; feature `npm`) and the parser alone
//! ([`StreamParser`](parser::StreamParser), for `createParser`; feature
//! `npm-parser`), each in its own module of the package, and the kinds and
//! batches that cross with them.
//!
//! Every kind that crosses is a `#[wasm_bindgen]` enum here, which the
//! JavaScript imports by name from the generated module; what else crosses
//! is declared in TypeScript next to the code that reads or makes it (the
//! options' `CoreNumbers` and `CoreStrings` in `options.rs`, the
//! `NoticeRecord`s and `ErrorDetail`s in `error.rs`), and `tsc --checkJs`
//! holds js/ to those declarations.

mod batch;
#[cfg(feature = "npm")]
mod core;
#[cfg(feature = "npm")]
mod error;
#[cfg(feature = "npm")]
mod options;
#[cfg(feature = "npm-parser")]
mod parser;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Reflect.set`, without the exception handling of `js_sys`'s (a
    /// `catch` wrapper and its helpers in the glue): the objects set here
    /// are fresh plain objects and errors, on which setting a property
    /// cannot throw.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> bool;
}

/// The kinds of what the core and the parser say: the records
/// `SseCore.drain()` returns, and `StreamParser`'s notices.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// The source opened.
    Open = 0,
    /// A comment line (its text).
    Comment = 1,
    /// An error (an error object, and the reconnect delay or undefined).
    Error = 2,
    /// A reconnect is scheduled (delay, attempt).
    Reconnecting = 3,
    /// A `retry` field (ms; from `StreamParser` only).
    Retry = 4,
    /// A run of events (text, lengths: see `MessageBatch`).
    Messages = 5,
    /// A diagnostic (its place in `Diagnostic::CODES`, and its value;
    /// from `SseCore` only, with the `diagnose` option).
    Diagnostic = 6,
}

/// What `SseCore.poll_io()` asks JavaScript to do.
#[cfg(feature = "npm")]
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoKind {
    /// Nothing (more) for now.
    None = 0,
    /// Start the request `SseCore.request` describes.
    Fetch = 1,
    /// Abort the request or probe in flight.
    Abort = 2,
    /// Probe for a CORS refusal (`connection::Io::Probe`).
    Probe = 3,
}

/// The inputs of `SseCore.input(input, now, flag)`: each carries only the
/// time, and some a flag.
#[cfg(feature = "npm")]
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The body ended (`Connection::on_eof`).
    Eof = 0,
    /// The probe `poll_io` asked for ended; the flag: whether its response
    /// was opaque, false if it failed (`Connection::on_probe`).
    Probed = 1,
    /// The timer set for `timeout()` fired; the flag: whether the driver is
    /// holding the body back for a slow reader
    /// (`Connection::on_timer_held`, else `on_timer`).
    Timer = 2,
    /// The page came back: online, restored, shown, focused, resumed
    /// (`Connection::wake`).
    Wake = 3,
    /// The page was hidden (`Connection::hidden`), or, the flag set, went
    /// into the back/forward cache (`Connection::stored`): `input` returns
    /// whether the source paused.
    Hidden = 4,
    /// Closed by the caller, for good and silently (`Connection::close`).
    Close = 5,
    /// The caller's resume function gave no request
    /// (`Connection::not_resumed`).
    NotResumed = 6,
}

/// The inputs that carry a text, for `SseCore.input_text()`: how a
/// request failed (the text is for people), or what only the page knows.
#[cfg(feature = "npm")]
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextInput {
    /// No response: the network, or CORS (probed).
    Network = 0,
    /// The headers callback failed.
    Headers = 1,
    /// The request could not be made (a bad header, URL or body).
    InvalidRequest = 2,
    /// Aborted by the caller's signal.
    Aborted = 3,
    /// Not a failure: what only the page knows, for the diagnostics of a
    /// source that diagnoses, as three lines: the `Content-Encoding` of the
    /// response that opened the stream (where readable), the protocol
    /// Resource Timing last saw for its origin, and how many of the page's
    /// sources stream from that origin ('' for what is not known).
    /// Ignored by the module built without the `stats` feature.
    PageFacts = 4,
}

/// Appends one `[kind, a, b]` record (a `NoticeRecord`) to a `drain`
/// array.
#[cfg(feature = "npm")]
#[cfg_attr(npm_size, optimize(size))]
fn push_record(out: &js_sys::Array, kind: NoticeKind, a: JsValue, b: JsValue) {
    out.push(&js_sys::Array::of3(&(kind as u32).into(), &a, &b));
}

/// The `readyState` of the core (`connection::ReadyState`).
#[cfg(feature = "npm")]
#[wasm_bindgen]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadyState {
    /// Connecting, or waiting to reconnect.
    Connecting = 0,
    /// Receiving events.
    Open = 1,
    /// Closed for good.
    Closed = 2,
}
