//! The WebAssembly side (wasm32 only): `fetch()`, timers, and the Rust API.
//!
//! [`EventSource`] is the Rust API for WebAssembly frontends (Leptos, Yew,
//! Dioxus, plain wasm-bindgen). The `#[wasm_bindgen]` exports for
//! JavaScript live in a private module; the JavaScript API is built on them.

mod client;
mod exports;
mod fetch;
mod sys;
mod timer;

pub use self::client::{Builder, EventSource, EventStream, Subscription, TypedStream};
pub use self::fetch::{Body, Credentials};
pub use crate::connection::{Notice, ReadyState, RetryPolicy};
pub use crate::error::{DecodeError, Error};
