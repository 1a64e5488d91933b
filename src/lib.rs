//! # eventsource-wasm
//!
//! Server-Sent Events for the browser over `fetch()`, with a spec-exact
//! `text/event-stream` parser at its core.
//!
//! The crate has three modules, and each type has one path:
//!
//! - [`parser`]: a pure Rust streaming parser (no clock, no I/O, no
//!   JavaScript), used natively for tests, fuzzing and benchmarks, and inside
//!   WebAssembly by every front of the library.
//! - [`connection`]: the `EventSource` state machine (readyState,
//!   reconnects with backoff, the end event, idle timeout, the request's
//!   head, `Retry-After`), also pure: time and randomness are inputs. Its
//!   module docs state the contract both drivers follow.
//! - `wasm` (on `wasm32` only): the Rust API (`wasm::EventSource`)
//!   and the thin boundary that JavaScript sees.
//!
//! [`Error`] and [`DecodeError`] sit at the root, since every module uses
//! them.
//!
//! Option structs ([`Config`](parser::Config),
//! [`Options`](connection::Options), [`RetryPolicy`](connection::RetryPolicy))
//! and the enums that can grow ([`Error`], [`ParseError`](parser::ParseError),
//! [`Notice`](connection::Notice)) are `#[non_exhaustive]`: options are set
//! with chainable setters named after their fields. What the specification
//! fixes ([`ReadyState`](connection::ReadyState), [`Item`](parser::Item),
//! [`Event`](parser::Event)) and what a driver must handle completely
//! ([`Io`](connection::Io)) are not.
//!
//! # Example: parse a byte stream natively
//!
//! ```
//! use eventsource_wasm::parser::{Item, Parser};
//!
//! let mut parser = Parser::new();
//! for chunk in [&b"data: hel"[..], b"lo\n", b"\n"] {
//!     parser.feed(chunk).expect("within the default limits");
//! }
//! match parser.next_item() {
//!     Some(Item::Event(event)) => assert_eq!(event.data, "hello"),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```

//!
//! # Example: connect in the browser (wasm32)
//!
//! ```ignore
//! use eventsource_wasm::wasm::EventSource;
//! use futures::StreamExt;
//!
//! let source = EventSource::builder("/api/stream")
//!     .header("Authorization", "Bearer abc")
//!     .build();
//! let mut events = source.stream();
//! while let Some(notice) = events.next().await {
//!     // Open, Message(event), Comment, Error { .. }, Reconnecting { .. }
//! }
//! ```
//!
//! See the `wasm` module (documented for the wasm32 target) and
//! `examples/rust_api.rs`.

// The npm package's modules are built on a pinned nightly with
// `--cfg npm_size` (scripts/wasm-module.sh), where the cold paths (a
// refused response, an error, the options) are optimised for size; the
// parser's hot loop keeps -O3.
#![cfg_attr(npm_size, feature(optimize_attribute))]
#![doc(test(attr(deny(warnings))))]

/// Chainable setters named after the fields they set, for the option
/// structs (which are `#[non_exhaustive]`, so that options can be added
/// without breaking anyone).
macro_rules! setters {
    ($ty:ident { $($field:ident: $t:ty),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("Sets [`", stringify!($ty), "::", stringify!($field), "`].")]
                #[must_use]
                pub fn $field(mut self, value: $t) -> Self {
                    self.$field = value;
                    self
                }
            )*
        }
    };
}
pub(crate) use setters;

pub mod connection;
mod error;
pub mod parser;

pub use error::{DecodeError, Error, ErrorBody};

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

/// The Rust examples of docs/ (the parser's page and the Rust API's),
/// compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/architecture.md")]
#[doc = include_str!("../docs/rust.md")]
struct DocsExamples;

// The npm package's allocator (the `npm` and `npm-parser` features, which
// scripts/build-wasm.sh turns on): Talc, which is smaller than the default dlmalloc in
// WebAssembly, with the source that claims each growth of the memory as a
// heap of its own (smaller than extending the last one: docs/benchmarks.md).
// A crate that depends on this one keeps its own allocator.
#[cfg(all(
    any(feature = "npm", feature = "npm-parser"),
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::cell::TalcSyncCell<talc::wasm::WasmGrowAndClaim, talc::wasm::WasmBinning> =
    talc::cell::TalcSyncCell::new_wasm(talc::wasm::WasmGrowAndClaim);
