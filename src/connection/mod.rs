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
//! The adapter (the wasm layer, or a test) feeds in what happened through
//! the `on_*` methods, each with the current time in milliseconds from any
//! fixed origin, then carries out what the machine asks:
//!
//! - [`poll_io`](Connection::poll_io): start a request, or abort the one in
//!   flight;
//! - [`timeout`](Connection::timeout): when to call
//!   [`on_timer`](Connection::on_timer) next (one timer is enough);
//! - [`poll_notice`](Connection::poll_notice): what to tell the user (open,
//!   events, comments, errors, scheduled reconnects).
//!
//! An adapter that copies events somewhere anyway (the JavaScript exports
//! copy them into one string per chunk) can feed chunks through
//! [`on_chunk_with`](Connection::on_chunk_with) instead of
//! [`on_chunk`](Connection::on_chunk): it lends each event as it is parsed
//! rather than queueing an owned copy.
//!
//! Inputs that do not fit the current state (a chunk after `close()`, say)
//! are ignored: an adapter may race with itself and that must be harmless.
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

mod request;
mod retry;

use std::collections::VecDeque;

pub use self::request::{last_event_id_header, RequestTarget};
use self::retry::Rng;
pub use self::retry::{parse_retry_after_seconds, RetryPolicy};
use crate::error::Error;
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

/// What the connection has to tell its user, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// How a connection behaves; everything has a default.
#[derive(Debug, Clone, PartialEq)]
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
    /// `Last-Event-ID` header (see [`RequestTarget`]). `None` by default.
    pub last_event_id_param: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            retry: RetryPolicy::default(),
            retry_statuses: Vec::new(),
            end_event: Some("end".to_owned()),
            idle_timeout_ms: None,
            limits: Config::default(),
            last_event_id: String::new(),
            last_event_id_param: None,
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
    /// Waiting to reconnect.
    Waiting {
        until: u64,
    },
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
    /// The failure a probe is finding out about.
    probed: Option<Error>,
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
            probed: None,
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
            Inner::Connecting | Inner::Probing { .. } | Inner::Waiting { .. } => {
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

    /// The URL and `Last-Event-ID` header of the request an
    /// [`Io::Fetch`] asks for, to the source's `url` (see
    /// [`RequestTarget`]; [`Options::last_event_id_param`] applies).
    pub fn request_target<'a>(&self, url: &'a str, last_event_id: &str) -> RequestTarget<'a> {
        RequestTarget::new(
            url,
            last_event_id,
            self.options.last_event_id_param.as_deref(),
        )
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
            Inner::Waiting { until } | Inner::Probing { until } => Some(until),
            Inner::Connecting | Inner::Open { .. } => self.idle_deadline,
            Inner::Closed => None,
        }
    }

    /// The response's head arrived. `content_type` is the `Content-Type`
    /// header, `retry_after_ms` the `Retry-After` header converted to a
    /// delay (see [`parse_retry_after_seconds`]).
    ///
    /// 200 with `text/event-stream` (any parameters, any case) opens. A
    /// status in [`Options::retry_statuses`] reconnects after at least
    /// `retry_after_ms`. Anything else closes for good, as in the browser.
    pub fn on_response(
        &mut self,
        now: u64,
        status: u16,
        content_type: Option<&str>,
        retry_after_ms: Option<u64>,
    ) {
        if self.inner != Inner::Connecting {
            return;
        }
        self.cors_suspected = false;
        if status == 200 && content_type.is_some_and(is_event_stream) {
            self.inner = Inner::Open {
                since: now,
                healthy: false,
            };
            self.touch(now);
            self.notices.push_back(Notice::Open);
            return;
        }
        self.io.push_back(Io::Abort);
        let error = if status != 200 {
            Error::HttpStatus { status }
        } else {
            Error::ContentType {
                content_type: content_type.map(str::to_owned),
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
        self.on_chunk_with(now, bytes, |item| match item {
            ItemRef::Event(event) => notices.push_back(Notice::Message(event.to_owned())),
            ItemRef::Comment(text) => notices.push_back(Notice::Comment(text.into_owned())),
            ItemRef::Retry(_) => {}
        });
        notices.append(&mut self.notices);
        self.notices = notices;
    }

    /// Like [`on_chunk`](Self::on_chunk), but hands the chunk's events and
    /// comments to `sink` as they are parsed, borrowed from the parser
    /// (see [`Parser::feed_ref`]), instead of queueing them as notices: no
    /// allocation per event. `retry` fields are the connection's business
    /// and never reach `sink`. Take the notices queued before the call
    /// first: the sink's items come after them. What the chunk causes after
    /// its events (an error, or closing) is queued as usual.
    pub fn on_chunk_with(&mut self, now: u64, bytes: &[u8], mut sink: impl FnMut(ItemRef<'_>)) {
        let Inner::Open { since, mut healthy } = self.inner else {
            return;
        };
        self.touch(now);
        let end_event = self.options.end_event.as_deref();
        let server_retry = &mut self.server_retry_ms;
        let mut ended = false;
        let result = self.parser.feed_ref(bytes, |item| {
            if ended {
                return;
            }
            match item {
                ItemRef::Event(event) => {
                    healthy = true;
                    ended = end_event == Some(&*event.event_type);
                    sink(ItemRef::Event(event));
                }
                ItemRef::Retry(ms) => *server_retry = Some(ms),
                comment => sink(comment),
            }
        });
        self.inner = Inner::Open { since, healthy };
        if ended {
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
            (Inner::Connecting, e @ Error::Network { .. }) => {
                self.inner = Inner::Probing {
                    until: now.saturating_add(PROBE_TIMEOUT_MS),
                };
                self.idle_deadline = None;
                self.probed = Some(e);
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
    pub fn on_probe(&mut self, now: u64, refused: bool) {
        let Inner::Probing { .. } = self.inner else {
            return;
        };
        let error = self.probed.take().unwrap_or(Error::Network {
            message: String::new(),
        });
        if refused {
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
            Inner::Waiting { until } if now >= until => self.start_request(now),
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

    /// Closes for good, at any moment (a request in flight is aborted, a
    /// reconnect wait is cancelled). Nothing is announced, as in the
    /// browser. Calling it again does nothing.
    pub fn close(&mut self) {
        if matches!(
            self.inner,
            Inner::Connecting | Inner::Probing { .. } | Inner::Open { .. }
        ) {
            self.io.push_back(Io::Abort);
        }
        self.shut();
    }

    fn start_request(&mut self, now: u64) {
        self.inner = Inner::Connecting;
        self.touch(now);
        self.io.push_back(Io::Fetch {
            last_event_id: self.parser.last_event_id().to_owned(),
        });
    }

    /// Bytes (or a new request) arrived: push the idle deadline back.
    fn touch(&mut self, now: u64) {
        self.idle_deadline = self.options.idle_timeout_ms.map(|t| now.saturating_add(t));
    }

    /// The attempt failed or the connection was lost: wait and retry, or
    /// give up if the policy says so.
    fn reconnect(&mut self, now: u64, error: Error, retry_after_ms: Option<u64>) {
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
    fn fail(&mut self, error: Error) {
        self.shut();
        self.notices.push_back(Notice::Error {
            error,
            reconnect_in_ms: None,
        });
    }

    fn shut(&mut self) {
        self.inner = Inner::Closed;
        self.idle_deadline = None;
        self.probed = None;
        self.parser.finish();
    }
}

/// Whether a `Content-Type` value's MIME type essence is
/// `text/event-stream` (parameters such as `charset` do not matter: the
/// stream is UTF-8 regardless).
pub fn is_event_stream(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("text/event-stream")
}
