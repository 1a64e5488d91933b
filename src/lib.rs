//! # eventsource-wasm
//!
//! Server-Sent Events for the browser over `fetch()`, with a spec-exact
//! `text/event-stream` parser at its core.
//!
//! The crate has two layers:
//!
//! - [`parser`]: a pure Rust streaming parser (no clock, no I/O, no
//!   JavaScript), used natively for tests, fuzzing and benchmarks, and inside
//!   WebAssembly by every front of the library.
//! - [`connection`]: the `EventSource` state machine (readyState,
//!   reconnects with backoff, the end event, idle timeout), also pure: time
//!   and randomness are inputs.
//! - `wasm` (on `wasm32` only): the thin boundary that JavaScript sees.
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

#![doc(test(attr(deny(warnings))))]

pub mod connection;
pub mod error;
pub mod parser;

pub use connection::{ReadyState, RetryPolicy};
pub use error::{DecodeError, Error, ParseError};
pub use parser::{Config, Event, EventRef, Item, ItemRef, Parser};

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
