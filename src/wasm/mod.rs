//! The WebAssembly side (wasm32 only): `fetch()`, timers, and the Rust API.
//!
//! [`EventSource`] is the Rust API for WebAssembly frontends (Leptos, Yew,
//! Dioxus, plain wasm-bindgen). The `#[wasm_bindgen]` exports for
//! JavaScript live in a private module, compiled with the `npm` feature
//! only (the npm package's build): the JavaScript API is built on them, and
//! a Rust frontend's module does not carry them.
//!
//! Each concern has its file: [`Builder`] (`builder.rs`), [`Body`]
//! (`body.rs`), [`Credentials`] (`credentials.rs`), [`EventSource`]
//! and its streams (`source.rs`), delivery to streams and listeners
//! (`dispatch.rs`), the task that drives the connection core
//! (`driver.rs`), one request (`fetch.rs`), a timer (`timer.rs`), raw bindings (`sys.rs`), and the exports for JavaScript
//! (`exports/`).
//! Notices, errors and the retry policy are the core's types:
//! [`Notice`](crate::connection::Notice),
//! [`RetryPolicy`](crate::connection::RetryPolicy),
//! [`Error`](crate::Error).

mod body;
mod builder;
mod credentials;
mod dispatch;
mod driver;
#[cfg(any(feature = "npm", feature = "npm-parser"))]
mod exports;
mod fetch;
mod lifecycle;
#[cfg(feature = "stats")]
mod origin;
mod resume;
mod source;
mod sys;
mod timer;

pub use self::body::Body;
pub use self::builder::Builder;
pub use self::credentials::Credentials;
pub use self::resume::{ResumeInfo, ResumeRequest};
pub use self::source::{EventSource, EventStream, Subscription, TypedStream};
