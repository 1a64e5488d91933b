//! The connection state machine of one event source: no I/O, no clock, no
//! JavaScript.
//!
//! ```text
//!                 new()                       on_response(200, text/event-stream)
//!   ──────────▶ Connecting ───────────────────────────────────────────▶ Open
//!   Io::Fetch    │ │ ▲ ▲                                                │
//!                │ │ │ │ on_timer (the wait is over): Io::Fetch           │ on_eof, on_fetch_error,
//!  on_fetch_error│ │ │ └──────────────────────┐                         │ idle timeout
//!  retried status│ │ │                        │                         │
//!  idle timeout  │ │ │ on_probe(refused)      │                         │
//!                │ │ │ (once): Io::Fetch      │                         │
//!                │ ▼ │                        │                         ▼
//!                │ Probing ── on_probe(not) ──▶ Waiting { until } ◀────────┘
//!                │   ▲        or its timeout          ▲
//!                │   └ on_fetch_error(Network)        │
//!                └────────────────────────────────────┘
//!
//!   any state ── close(), a fatal response, the end event, a limit, a CORS
//!                refusal, or the last allowed attempt failing ──▶ Closed (final)
//! ```
//!
//! `Connecting`, `Probing` and `Waiting` all show as
//! [`ReadyState::Connecting`].
//!
//! **The page's lifecycle.** [`wake`](Connection::wake) (the browser went
//! `online`, the page came back from the back/forward cache or became
//! visible) turns a `Waiting` into `Connecting` at once, unless the server's
//! `Retry-After` still holds. [`pause`](Connection::pause) (opt-in, while
//! the page is hidden) aborts and waits, as `Paused` (also shown as
//! `Connecting`), for the next `wake`.
//!
//! **Telling a CORS refusal from a network failure.** `fetch()` rejects the
//! same way for both, but the browser's `EventSource` closes for good on a
//! CORS refusal and retries a network failure. So when a request fails
//! before any response, the machine asks for a probe ([`Io::Probe`]): a
//! `no-cors` GET of the same URL, whose response is opaque when the server
//! answered a cross-origin request. An opaque answer means the server is up
//! and the failure was its CORS headers; to be sure it was not a passing
//! network failure, the request is sent once more at once, and if that one
//! also fails before a response, the source closes with [`Error::Cors`].
//! Any other probe result (it fails, or the response is not opaque, as for
//! a same-origin server) continues as a network failure: wait and retry.
//!
//! # The driver contract
//!
//! Every rule is decided here; a driver only carries out I/O and one timer.
//! There are two drivers, and they follow the same contract: the Rust API
//! (`src/wasm/driver.rs` with `src/wasm/fetch.rs`) and the JavaScript class
//! (`js/connection.js`, through the `SseCore` export in
//! `src/wasm/exports/core.rs`). Times are milliseconds from any fixed
//! origin, passed in as `now`.
//!
//! 1. Make the connection with the [`Options`] (including the request's
//!    [`method`](Options::method) and whether it [has a body](Options::has_body);
//!    the driver keeps the body and the caller's headers).
//! 2. After every input, carry out what [`poll_io`](Connection::poll_io)
//!    asks, in order:
//!    - [`Io::Fetch`]: send the request [`request_head`](Connection::request_head)
//!      describes: its method and URL; the [`FIRST_HEADERS`], then the
//!      caller's headers, then [`last_header`](RequestHead::last_header)
//!      if there is one; `mode: 'cors'`,
//!      `cache: 'no-store'`, the caller's credentials mode, and the
//!      caller's body if [`send_body`](RequestHead::send_body) says so. No
//!      other header of the driver's own.
//!    - [`Io::Probe`]: a `no-cors` GET of the source's URL (see below).
//!
//!    When a response does not [open](opens) the stream, read the start of
//!    its body (see [`ERROR_BODY_LIMIT`]) before reporting it with
//!    [`on_response_with_body`](Connection::on_response_with_body).
//!    - [`Io::Abort`]: abort the request or probe in flight.
//! 3. Arm one timer for [`timeout`](Connection::timeout) (re-arming only for
//!    an earlier deadline is enough: a timer that fires early is harmless).
//! 4. Hand what [`poll_notice`](Connection::poll_notice) says to the user
//!    (open, events, comments, errors, scheduled reconnects). A driver that
//!    copies events anyway feeds chunks through
//!    [`on_chunk_with`](Connection::on_chunk_with), which lends each event
//!    as it is parsed instead of queueing an owned copy; its sink returns
//!    [`ControlFlow::Break`] when a listener closed the source, and the
//!    connection stops right there.
//!
//! The inputs: [`on_response`](Connection::on_response) (the status, the
//! `Content-Type`, and the `Retry-After` header turned into a delay by
//! [`retry_after_ms`] with the wall clock), [`on_chunk`](Connection::on_chunk)
//! or `on_chunk_with`, [`on_eof`](Connection::on_eof),
//! [`on_fetch_error`](Connection::on_fetch_error),
//! [`on_probe`](Connection::on_probe), [`on_timer`](Connection::on_timer)
//! and [`close`](Connection::close).
//!
//! Which requests may be sent again without anyone asking is
//! [`Options::resendable`]: a GET without a body, or any request the caller
//! opted in with [`Options::resend`]. Any other request is sent again only
//! to resume from an event ID, after a status listed in
//! [`Options::retry_statuses`], or after the headers callback failed (it
//! was never sent); otherwise the source closes with [`Error::NotResent`].
//!
//! Inputs that do not fit the current state (a chunk after `close()`, say)
//! are ignored: a driver may race with itself and that must be harmless.
//!
//! # Example
//!
//! ```
//! use eventsource_wasm::connection::{Connection, Io, Notice, Options};
//!
//! let mut conn = Connection::new(Options::default(), 7, 0);
//! assert_eq!(conn.poll_io(), Some(Io::Fetch { last_event_id: String::new() }));
//! conn.on_response(10, 200, Some("text/event-stream; charset=utf-8"), None);
//! conn.on_chunk(20, b"id: 1\ndata: hi\n\n");
//! assert_eq!(conn.poll_notice(), Some(Notice::Open));
//! assert!(matches!(conn.poll_notice(), Some(Notice::Message(e)) if e.data == "hi"));
//!
//! // The server closes the body: reconnect after the reconnection time,
//! // sending the last event ID.
//! conn.on_eof(30);
//! assert!(matches!(conn.poll_notice(), Some(Notice::Error { reconnect_in_ms: Some(3000), .. })));
//! assert_eq!(conn.timeout(), Some(3030));
//! conn.on_timer(3030);
//! assert_eq!(conn.poll_io(), Some(Io::Fetch { last_event_id: "1".into() }));
//! ```

mod end;
mod io;
mod machine;
mod notice;
mod options;
mod request;
mod retry;
mod retry_after;
mod server_message;
mod stats;

pub use self::end::EndRule;
pub use self::io::{opens, Io, ERROR_BODY_LIMIT, ERROR_BODY_TIMEOUT_MS, PROBE_TIMEOUT_MS};
pub use self::machine::Connection;
pub use self::notice::{Notice, ReadyState};
pub use self::options::Options;
#[cfg(all(target_arch = "wasm32", feature = "npm"))]
pub(crate) use self::request::split_once_byte;
pub use self::request::{RequestHead, ACCEPT, FIRST_HEADERS};
pub use self::retry::RetryPolicy;
pub use self::retry_after::retry_after_ms;
pub use self::server_message::{cursor, server_message};
pub use self::stats::Diagnostic;
#[cfg(feature = "stats")]
pub use self::stats::Stats;
#[cfg(doc)]
use crate::error::{Error, ErrorBody};
#[cfg(doc)]
use std::ops::ControlFlow;
