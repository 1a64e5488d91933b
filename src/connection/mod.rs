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
//!      describes: its method and URL; `Accept:` [`ACCEPT`], then the
//!      caller's headers, then `Last-Event-ID` if it has one; `mode: 'cors'`,
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
mod request;
mod retry;

use std::collections::VecDeque;
use std::ops::ControlFlow;

pub use self::end::EndRule;
pub use self::request::{RequestHead, ACCEPT};
use self::retry::Rng;
pub use self::retry::{retry_after_ms, RetryPolicy};
use crate::error::{Error, ErrorBody};
use crate::parser::{Config, Event, ItemRef, Parser};

/// The browser's `readyState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum ReadyState {
    /// Connecting, or waiting to reconnect (`EventSource.CONNECTING`, 0).
    Connecting = 0,
    /// Receiving events (`EventSource.OPEN`, 1).
    Open = 1,
    /// Closed for good (`EventSource.CLOSED`, 2).
    Closed = 2,
}

/// What the connection needs from the adapter's network side.
///
/// Not `#[non_exhaustive]`, on purpose: a driver must carry out every kind,
/// and a new one should fail to compile rather than be ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Start a request. Send `Last-Event-ID` with this value unless it is
    /// empty. Any earlier request has already been asked to abort.
    Fetch {
        /// The last event ID to send.
        last_event_id: String,
    },
    /// The request failed before any response: find out whether the
    /// server answered and CORS withheld the response. Send a GET of the
    /// same URL with `mode: 'no-cors'` (no headers of your own, no body, the
    /// same credentials mode), and report with
    /// [`on_probe`](Connection::on_probe) whether its response was opaque
    /// (`response.type` `"opaque"`), aborting it as soon as its head
    /// arrives. A probe that fails is reported as not refused.
    Probe,
    /// Abort the request (or probe) in flight and stop reading its body.
    Abort,
}

/// How long a probe may take before it counts as a network failure.
pub const PROBE_TIMEOUT_MS: u64 = 5_000;

/// How many bytes of a refused response's body a driver reads (see
/// [`ErrorBody`]): 64 KiB, enough for any API's error and bounded against
/// any server.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How long a driver waits for a refused response's body before it reports
/// the error with what arrived.
pub const ERROR_BODY_TIMEOUT_MS: u64 = 3_000;

/// Whether a response with this status and `Content-Type` opens the stream:
/// 200 with `text/event-stream` (any parameters, any case). The body of any
/// other response is read for its [`ErrorBody`], before it is reported with
/// [`Connection::on_response_with_body`].
pub fn opens(status: u16, content_type: Option<&str>) -> bool {
    status == 200 && content_type.is_some_and(is_event_stream)
}

/// What the connection has to tell its user, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// The response was accepted: the source is open.
    Open,
    /// An event arrived.
    Message(Event),
    /// A comment line arrived (servers send them as heartbeats).
    Comment(String),
    /// Something failed. `reconnect_in_ms` says whether a reconnect
    /// follows (`Some(delay)`, announced by a [`Notice::Reconnecting`] next)
    /// or the source is now closed for good (`None`).
    Error {
        /// What happened.
        error: Error,
        /// The delay before the next attempt, if there is one.
        reconnect_in_ms: Option<u64>,
    },
    /// A reconnect is scheduled.
    Reconnecting {
        /// Milliseconds until the attempt.
        delay_ms: u64,
        /// Which consecutive attempt this is (1 after a healthy connection).
        attempt: u32,
    },
}

/// How a connection behaves; everything has a default, and each field has
/// a setter of its name:
///
/// ```
/// use eventsource_wasm::connection::{EndRule, Options, RetryPolicy};
///
/// let options = Options::default()
///     .retry(RetryPolicy::default().max_attempts(Some(3)))
///     .retry_statuses(vec![429, 503])
///     .end_when(Some(EndRule::OPENAI_CHAT));
/// assert_eq!(options.method, "GET");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Reconnect delays and how many attempts.
    pub retry: RetryPolicy,
    /// Statuses that reconnect (with backoff, honouring `Retry-After`)
    /// instead of failing for good, e.g. 429, 502, 503, 504. Empty by
    /// default, as in the browser.
    pub retry_statuses: Vec<u16>,
    /// The event type that ends the stream: it is delivered, then the
    /// source closes and never reconnects. `Some("end")` by default; `None`
    /// switches it off.
    pub end_event: Option<String>,
    /// A rule that ends the stream too, such as
    /// [`EndRule::OPENAI_CHAT`] (see [`EndRule`]). `None` by default.
    pub end_when: Option<EndRule>,
    /// Reconnect when no bytes at all arrive for this long (heartbeat
    /// comments count), including while waiting for the response. Off by
    /// default.
    pub idle_timeout_ms: Option<u64>,
    /// Parser limits. Exceeding one closes the source with
    /// [`Error::Limit`].
    pub limits: Config,
    /// The last event ID to start from (sent on the first request).
    pub last_event_id: String,
    /// Send the last event ID as this query parameter instead of the
    /// `Last-Event-ID` header (see [`RequestHead`]). `None` by default.
    pub last_event_id_param: Option<String>,
    /// The request's HTTP method: `GET` by default.
    pub method: String,
    /// Whether the request has a body (the driver holds the body itself).
    pub has_body: bool,
    /// Send a request with a body, or with a method other than GET, again
    /// on every reconnect, as a GET is. Off by default: such a request is
    /// sent again only to resume from an event ID, or after a status in
    /// [`retry_statuses`](Options::retry_statuses) (see [`Error::NotResent`]).
    pub resend: bool,
    /// Where a request that is not [resendable](Options::resendable)
    /// resumes from an event ID: a GET of this URL, without the body, with
    /// the ID as `Last-Event-ID` (or in
    /// [`last_event_id_param`](Options::last_event_id_param)). This is how
    /// MCP's Streamable HTTP transport resumes a POST's stream. `None` by
    /// default: the same request is sent again, with the ID.
    pub resume_url: Option<String>,
}

crate::setters!(Options {
    retry: RetryPolicy,
    retry_statuses: Vec<u16>,
    end_event: Option<String>,
    end_when: Option<EndRule>,
    idle_timeout_ms: Option<u64>,
    limits: Config,
    last_event_id: String,
    last_event_id_param: Option<String>,
    method: String,
    has_body: bool,
    resend: bool,
    resume_url: Option<String>,
});

impl Options {
    /// Whether the request may be sent again without anyone asking: a GET
    /// without a body, like every request of the browser's `EventSource`,
    /// or any request when [`resend`](Options::resend) is set. Any other
    /// request may cost its sender (an LLM answer generated and paid
    /// twice): the core sends it again only to resume from an event ID or
    /// after a status the caller listed to retry, and never to confirm a
    /// CORS refusal (see the [module docs](self)).
    pub fn resendable(&self) -> bool {
        self.resend || self.method.eq_ignore_ascii_case("GET") && !self.has_body
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            retry: RetryPolicy::default(),
            retry_statuses: Vec::new(),
            end_event: Some("end".to_owned()),
            end_when: None,
            idle_timeout_ms: None,
            limits: Config::default(),
            last_event_id: String::new(),
            last_event_id_param: None,
            method: "GET".to_owned(),
            has_body: false,
            resend: false,
            resume_url: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Inner {
    /// A request is in flight; no response yet.
    Connecting,
    /// The request failed without a response; a probe is in flight to find
    /// out whether CORS withheld it.
    Probing {
        until: u64,
    },
    /// The response was accepted and its body is being read.
    Open {
        since: u64,
        healthy: bool,
    },
    /// Waiting to reconnect; not before `not_before` even when woken (the
    /// server's `Retry-After`).
    Waiting {
        until: u64,
        not_before: u64,
    },
    /// Paused by the caller (the page is hidden): no request until
    /// [`Connection::wake`].
    Paused,
    Closed,
}

/// One event source's connection logic: see the [module docs](self).
#[derive(Debug)]
pub struct Connection {
    options: Options,
    inner: Inner,
    parser: Parser,
    /// The server's latest `retry:` value.
    server_retry_ms: Option<u64>,
    /// Consecutive failed attempts since the last healthy connection.
    failures: u32,
    /// When the idle timeout fires, while a request is in flight.
    idle_deadline: Option<u64>,
    /// The message of the network failure a probe is finding out about.
    probed: String,
    /// A probe found the server answering after a failed request: the
    /// request in flight is the second try, and if it fails too before any
    /// response, the failure is CORS.
    cors_suspected: bool,
    rng: Rng,
    io: VecDeque<Io>,
    notices: VecDeque<Notice>,
}

impl Connection {
    /// A connection that starts at once: the first [`poll_io`](Self::poll_io)
    /// asks for the request. `seed` feeds the jitter (any value; a constant
    /// in tests), `now` is the current time in milliseconds.
    pub fn new(options: Options, seed: u64, now: u64) -> Self {
        let mut parser = Parser::with_config(options.limits);
        parser.set_last_event_id(&options.last_event_id);
        let mut conn = Connection {
            options,
            inner: Inner::Closed,
            parser,
            server_retry_ms: None,
            failures: 0,
            idle_deadline: None,
            probed: String::new(),
            cors_suspected: false,
            rng: Rng::new(seed),
            io: VecDeque::new(),
            notices: VecDeque::new(),
        };
        conn.start_request(now);
        conn
    }

    /// The `readyState`.
    pub fn ready_state(&self) -> ReadyState {
        match self.inner {
            Inner::Connecting | Inner::Probing { .. } | Inner::Waiting { .. } | Inner::Paused => {
                ReadyState::Connecting
            }
            Inner::Open { .. } => ReadyState::Open,
            Inner::Closed => ReadyState::Closed,
        }
    }

    /// The last event ID (sent as `Last-Event-ID` on reconnect).
    pub fn last_event_id(&self) -> &str {
        self.parser.last_event_id()
    }

    /// The server's latest `retry:` value, if it sent one.
    pub fn server_retry_ms(&self) -> Option<u64> {
        self.server_retry_ms
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The head of the request an [`Io::Fetch`] asks for, to the source's
    /// `url` (see [`RequestHead`]; [`Options::method`],
    /// [`Options::last_event_id_param`] and [`Options::resume_url`] apply).
    pub fn request_head<'a>(&'a self, url: &'a str, last_event_id: &str) -> RequestHead<'a> {
        let o = &self.options;
        match o.resume_url.as_deref() {
            Some(resume) if !last_event_id.is_empty() && !o.resendable() => RequestHead {
                send_body: false,
                ..RequestHead::new(
                    "GET",
                    resume,
                    last_event_id,
                    o.last_event_id_param.as_deref(),
                )
            },
            _ => RequestHead::new(
                &o.method,
                url,
                last_event_id,
                o.last_event_id_param.as_deref(),
            ),
        }
    }

    /// The next network action to carry out.
    pub fn poll_io(&mut self) -> Option<Io> {
        self.io.pop_front()
    }

    /// The next thing to tell the user.
    pub fn poll_notice(&mut self) -> Option<Notice> {
        self.notices.pop_front()
    }

    /// When [`on_timer`](Self::on_timer) must be called next, if at all: the
    /// end of a reconnect wait, or the idle deadline.
    pub fn timeout(&self) -> Option<u64> {
        match self.inner {
            Inner::Waiting { until, .. } | Inner::Probing { until } => Some(until),
            Inner::Connecting | Inner::Open { .. } => self.idle_deadline,
            Inner::Paused | Inner::Closed => None,
        }
    }

    /// The response's head arrived. `content_type` is the `Content-Type`
    /// header, `retry_after_ms` the `Retry-After` header converted to a
    /// delay by [`retry_after_ms`].
    ///
    /// A response that [`opens`] opens. A status in
    /// [`Options::retry_statuses`] reconnects after at least
    /// `retry_after_ms`. Anything else closes for good, as in the browser.
    pub fn on_response(
        &mut self,
        now: u64,
        status: u16,
        content_type: Option<&str>,
        retry_after_ms: Option<u64>,
    ) {
        self.on_response_with_body(now, status, content_type, retry_after_ms, None);
    }

    /// Like [`on_response`](Self::on_response), for a response that does
    /// not open, with what its body said: the error carries it (unless it
    /// is empty).
    pub fn on_response_with_body(
        &mut self,
        now: u64,
        status: u16,
        content_type: Option<&str>,
        retry_after_ms: Option<u64>,
        body: Option<ErrorBody>,
    ) {
        if self.inner != Inner::Connecting {
            return;
        }
        self.cors_suspected = false;
        if opens(status, content_type) {
            self.inner = Inner::Open {
                since: now,
                healthy: false,
            };
            self.touch(now);
            self.notices.push_back(Notice::Open);
            return;
        }
        self.io.push_back(Io::Abort);
        // An empty body says nothing.
        let body = body.filter(|b| !b.text.is_empty()).map(Box::new);
        let error = if status != 200 {
            Error::HttpStatus { status, body }
        } else {
            Error::ContentType {
                content_type: content_type.map(str::to_owned),
                body,
            }
        };
        if status != 200 && self.options.retry_statuses.contains(&status) {
            self.reconnect(now, error, retry_after_ms);
        } else {
            self.fail(error);
        }
    }

    /// Bytes of the body arrived.
    pub fn on_chunk(&mut self, now: u64, bytes: &[u8]) {
        // The chunk's notices follow those already queued, and precede
        // those it causes after its events (an error, or closing).
        let mut notices = std::mem::take(&mut self.notices);
        self.on_chunk_with(now, bytes, |item| {
            match item {
                ItemRef::Event(event) => notices.push_back(Notice::Message(event.to_owned())),
                ItemRef::Comment(text) => notices.push_back(Notice::Comment(text.into_owned())),
                ItemRef::Retry(_) => {}
            }
            ControlFlow::Continue(())
        });
        notices.append(&mut self.notices);
        self.notices = notices;
    }

    /// Like [`on_chunk`](Self::on_chunk), but hands the chunk's events and
    /// comments to `sink` as they are parsed, borrowed (see
    /// [`Parser::feed_ref`]), instead of queueing them as notices: no
    /// allocation per event. `retry` fields are the connection's business
    /// and never reach `sink`. Take the notices queued before the call
    /// first: the sink's items come after them. What the chunk causes after
    /// its events (an error, or closing) is queued as usual.
    ///
    /// The sink returns [`ControlFlow::Break`] when its user closed the
    /// source while handling an item (a listener called `close()`): nothing
    /// more of the chunk reaches it, the connection closes silently (as
    /// [`close`](Self::close) does), and the last event ID stays the one of
    /// the last event handed over, so that a source reopened from it misses
    /// nothing.
    pub fn on_chunk_with(
        &mut self,
        now: u64,
        bytes: &[u8],
        mut sink: impl FnMut(ItemRef<'_>) -> ControlFlow<()>,
    ) {
        let Inner::Open { since, mut healthy } = self.inner else {
            return;
        };
        self.touch(now);
        let (end_event, end_when) = (self.options.end_event.as_deref(), self.options.end_when);
        let server_retry = &mut self.server_retry_ms;
        let mut ended = false;
        let mut stopped = false;
        let result = self.parser.feed_until(bytes, &mut |item| {
            let flow = match item {
                ItemRef::Event(event) => {
                    healthy = true;
                    ended = end_event == Some(&*event.event_type)
                        || end_when
                            .is_some_and(|rule| rule.matches(&event.event_type, &event.data));
                    sink(ItemRef::Event(event))
                }
                ItemRef::Retry(ms) => {
                    *server_retry = Some(ms);
                    ControlFlow::Continue(())
                }
                comment => sink(comment),
            };
            stopped = flow.is_break();
            // Nothing after the end event either.
            if ended {
                ControlFlow::Break(())
            } else {
                flow
            }
        });
        self.inner = Inner::Open { since, healthy };
        if stopped {
            // The parser stopped where the sink did: its last event ID is
            // the one of the last event handed over.
            self.close();
        } else if ended {
            // The end event was delivered: close, never reconnect.
            self.io.push_back(Io::Abort);
            self.shut();
        } else if let Err(e) = result {
            self.io.push_back(Io::Abort);
            self.fail(Error::Limit(e));
        }
    }

    /// The body ended normally: reconnect, as the browser does.
    pub fn on_eof(&mut self, now: u64) {
        if let Inner::Open { .. } = self.inner {
            self.reconnect(now, Error::StreamEnded, None);
        }
    }

    /// The request or the body failed: [`Error::Network`] or
    /// [`Error::Headers`] reconnect; [`Error::InvalidRequest`] and
    /// [`Error::Aborted`] close for good. A network failure before any
    /// response is first probed for a CORS refusal ([`Io::Probe`]).
    pub fn on_fetch_error(&mut self, now: u64, error: Error) {
        match (self.inner, error) {
            (
                Inner::Connecting | Inner::Open { .. },
                e @ (Error::InvalidRequest { .. } | Error::Aborted),
            ) => self.fail(e),
            (Inner::Connecting, Error::Network { .. }) if self.cors_suspected => {
                // Failed twice, and the server answered the probe between.
                self.cors_suspected = false;
                self.fail(Error::Cors);
            }
            (Inner::Connecting, Error::Network { message }) => {
                self.inner = Inner::Probing {
                    until: now.saturating_add(PROBE_TIMEOUT_MS),
                };
                self.idle_deadline = None;
                self.probed = message;
                self.io.push_back(Io::Probe);
            }
            (Inner::Connecting | Inner::Open { .. }, e) => self.reconnect(now, e, None),
            _ => {}
        }
    }

    /// The probe asked for by [`Io::Probe`] ended: `refused` is whether
    /// its response was opaque (the server answered; CORS withheld the
    /// failed request's response). Then the request is sent once more at
    /// once; otherwise the failure is a network failure: wait and retry.
    #[inline(never)]
    pub fn on_probe(&mut self, now: u64, refused: bool) {
        let Inner::Probing { .. } = self.inner else {
            return;
        };
        let error = Error::Network {
            message: std::mem::take(&mut self.probed),
        };
        if refused && !self.options.resendable() {
            // Not sent twice: one failure and a server that answers is
            // taken as the refusal.
            self.fail(Error::Cors);
        } else if refused {
            self.cors_suspected = true;
            self.start_request(now);
        } else {
            self.reconnect(now, error, None);
        }
    }

    /// The time asked for by [`timeout`](Self::timeout) has come (calling it
    /// early or needlessly is harmless).
    pub fn on_timer(&mut self, now: u64) {
        match self.inner {
            Inner::Waiting { until, .. } if now >= until => self.start_request(now),
            Inner::Probing { until } if now >= until => {
                // The probe got no answer in time: a network failure.
                self.io.push_back(Io::Abort);
                self.on_probe(now, false);
            }
            Inner::Connecting | Inner::Open { .. }
                if self.idle_deadline.is_some_and(|at| now >= at) =>
            {
                self.io.push_back(Io::Abort);
                let timeout_ms = self.options.idle_timeout_ms.unwrap_or_default();
                self.reconnect(now, Error::IdleTimeout { timeout_ms }, None);
            }
            _ => {}
        }
    }

    /// The page came back: the browser went `online`, the page was restored
    /// from the back/forward cache, or it became visible. A reconnect that
    /// is waiting happens now instead of after its backoff (but not before
    /// a `Retry-After` the server sent), and a [paused](Self::pause)
    /// connection reconnects. Otherwise nothing happens. It never makes a
    /// request that the rules would not make anyway (see
    /// [`Options::resendable`]): it only moves one that is already due.
    pub fn wake(&mut self, now: u64) {
        match self.inner {
            Inner::Paused => self.start_request(now),
            Inner::Waiting { not_before, .. } if now >= not_before => self.start_request(now),
            Inner::Waiting { not_before, .. } => {
                self.inner = Inner::Waiting {
                    until: not_before,
                    not_before,
                };
            }
            _ => {}
        }
    }

    /// Pauses while the page is hidden (an opt-in of the caller): the
    /// request in flight is aborted, or a waiting reconnect put off, until
    /// [`wake`](Self::wake), which reconnects with the last event ID. A
    /// request that could not be sent again (see [`Options::resendable`];
    /// one with an event ID can be, to resume) is not paused: that would
    /// end its stream for good. Returns whether it is paused. Nothing is
    /// announced.
    #[inline(never)]
    pub fn pause(&mut self) -> bool {
        let resumable = self.options.resendable() || !self.parser.last_event_id().is_empty();
        match self.inner {
            Inner::Connecting | Inner::Probing { .. } | Inner::Open { .. } if resumable => {
                self.io.push_back(Io::Abort);
            }
            Inner::Waiting { .. } | Inner::Paused => {}
            _ => return false,
        }
        // The body is over: an unfinished event is discarded.
        self.parser.finish();
        self.inner = Inner::Paused;
        self.idle_deadline = None;
        self.cors_suspected = false;
        true
    }

    /// Closes for good, at any moment (a request in flight is aborted, a
    /// reconnect wait is cancelled). Nothing is announced, as in the
    /// browser. Calling it again does nothing.
    #[inline(never)]
    pub fn close(&mut self) {
        if matches!(
            self.inner,
            Inner::Connecting | Inner::Probing { .. } | Inner::Open { .. }
        ) {
            self.io.push_back(Io::Abort);
        }
        self.shut();
    }

    #[inline(never)]
    fn start_request(&mut self, now: u64) {
        self.inner = Inner::Connecting;
        self.touch(now);
        self.io.push_back(Io::Fetch {
            last_event_id: self.parser.last_event_id().to_owned(),
        });
    }

    /// Bytes (or a new request) arrived: push the idle deadline back.
    #[inline(never)]
    fn touch(&mut self, now: u64) {
        self.idle_deadline = self.options.idle_timeout_ms.map(|t| now.saturating_add(t));
    }

    /// The attempt failed or the connection was lost: wait and retry, or
    /// give up if the policy says so.
    fn reconnect(&mut self, now: u64, error: Error, retry_after_ms: Option<u64>) {
        // A request that is not resendable goes again only to resume (with
        // the last event ID), after a status the caller asked to retry (the
        // server refused it), or when the headers callback failed (nothing
        // was sent).
        let refused = matches!(error, Error::HttpStatus { .. } | Error::Headers { .. });
        if !self.options.resendable() && !refused && self.parser.last_event_id().is_empty() {
            self.fail(Error::NotResent {
                cause: Box::new(error),
            });
            return;
        }
        if let Inner::Open { since, healthy } = self.inner {
            if healthy || now.saturating_sub(since) >= self.options.retry.healthy_after_ms {
                self.failures = 0;
            }
        }
        // The body is over: an unfinished event is discarded.
        self.parser.finish();
        self.cors_suspected = false;
        self.failures = self.failures.saturating_add(1);
        if self
            .options
            .retry
            .max_attempts
            .is_some_and(|max| self.failures > max)
        {
            let attempts = self.failures - 1;
            self.fail(Error::RetriesExhausted {
                attempts,
                last: Box::new(error),
            });
            return;
        }
        let random = self.rng.next_f64();
        let mut delay_ms = self
            .options
            .retry
            .delay_ms(self.failures, self.server_retry_ms, random);
        if let Some(at_least) = retry_after_ms {
            delay_ms = delay_ms.max(at_least);
        }
        self.inner = Inner::Waiting {
            until: now.saturating_add(delay_ms),
            not_before: now.saturating_add(retry_after_ms.unwrap_or(0)),
        };
        self.idle_deadline = None;
        self.notices.push_back(Notice::Error {
            error,
            reconnect_in_ms: Some(delay_ms),
        });
        self.notices.push_back(Notice::Reconnecting {
            delay_ms,
            attempt: self.failures,
        });
    }

    /// Closes for good and says why.
    #[inline(never)]
    fn fail(&mut self, error: Error) {
        self.shut();
        self.notices.push_back(Notice::Error {
            error,
            reconnect_in_ms: None,
        });
    }

    #[inline(never)]
    fn shut(&mut self) {
        self.inner = Inner::Closed;
        self.idle_deadline = None;
        self.probed.clear();
        self.parser.finish();
    }
}

/// Whether a `Content-Type` value's MIME type essence is
/// `text/event-stream` (parameters such as `charset` do not matter: the
/// stream is UTF-8 regardless).
pub(crate) fn is_event_stream(content_type: &str) -> bool {
    let essence = request::split_once_byte(content_type, b';').map_or(content_type, |(e, _)| e);
    let essence = essence.trim_ascii();
    essence.eq_ignore_ascii_case("text/event-stream")
}

#[cfg(test)]
mod tests {
    use super::is_event_stream;

    #[test]
    fn event_stream_content_type_matching() {
        assert!(is_event_stream("text/event-stream;charset=utf-8"));
        assert!(!is_event_stream("text/event-streams"));
        assert!(!is_event_stream("text/plain; x=text/event-stream"));
        assert!(!is_event_stream(""));
    }
}
