//! [`Connection`]: the state machine itself (the diagram and the driver
//! contract are in the [module docs](super)).

use std::collections::VecDeque;
use std::ops::ControlFlow;

mod failures;
mod resume;
mod transitions;

use resume::Replay;

use super::retry::Rng;
use super::stats::{self, Stats};
use super::{opens, Diagnostic, Io, Notice, Options, ReadyState, RequestHead};
use crate::error::{Error, ErrorBody};
use crate::parser::{ItemRef, Parser};

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
        /// Whether it has delivered an event with data.
        events: bool,
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

/// One event source's connection logic: see the [module docs](crate::connection).
#[derive(Debug)]
pub struct Connection {
    options: Options,
    inner: Inner,
    parser: Parser,
    /// The server's latest `retry:` value.
    server_retry_ms: Option<u64>,
    /// Consecutive failed attempts since the last stable connection.
    failures: u32,
    /// Consecutive polls (see `reconnect`) since the last stable one.
    polls: u32,
    /// When the idle timeout fires, while a request is in flight.
    idle_deadline: Option<u64>,
    /// The message of the network failure a probe is finding out about.
    probed: String,
    /// A probe found the server answering after a failed request: the
    /// request in flight is the second try, and if it fails too before any
    /// response, the failure is CORS.
    cors_suspected: bool,
    /// Whether the request in flight is to an `http:` or `https:` URL (or a
    /// relative one): a failed fetch of any other scheme is final.
    fetching_http: bool,
    /// Whether the request in flight resumes one that is not sent again on
    /// its own.
    resuming: bool,
    /// The number of the reconnect attempt in flight.
    attempt: u32,
    /// The error to close with if the caller's resume function gives no
    /// request.
    unresumed: Option<Error>,
    /// What tells a resumed stream's replayed events, until a new one.
    replay: Option<Replay>,
    /// The cursor of the last event delivered that had one (see
    /// [`Options::cursor`]).
    cursor: String,
    stats: Stats,
    rng: Rng,
    io: VecDeque<Io>,
    notices: VecDeque<Notice>,
}

impl Connection {
    /// A connection that starts at once: the first [`poll_io`](Self::poll_io)
    /// asks for the request. `seed` feeds the jitter (any value; a constant
    /// in tests), `now` is the current time in milliseconds.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn new(options: Options, seed: u64, now: u64) -> Self {
        let mut parser = Parser::with_config(options.limits);
        parser.set_last_event_id(&options.last_event_id);
        let mut conn = Connection {
            options,
            inner: Inner::Closed,
            parser,
            server_retry_ms: None,
            failures: 0,
            polls: 0,
            idle_deadline: None,
            probed: String::new(),
            cors_suspected: false,
            fetching_http: true,
            resuming: false,
            attempt: 0,
            unresumed: None,
            replay: None,
            cursor: String::new(),
            stats: Stats::new(now),
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

    /// The last event ID (sent as `Last-Event-ID` on reconnect). While a
    /// resumed stream replays what was delivered before, the last one
    /// delivered.
    pub fn last_event_id(&self) -> &str {
        match &self.replay {
            Some(r) if self.options.cursor.is_none() => &r.floor,
            _ => self.parser.last_event_id(),
        }
    }

    /// The server's latest `retry:` value, if it sent one.
    pub fn server_retry_ms(&self) -> Option<u64> {
        self.server_retry_ms
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// What the stream measured so far (see [`Stats`]).
    #[cfg(feature = "stats")]
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The `Content-Encoding` of the response that opened the stream, when
    /// the driver can read it (a cross-origin server must expose it): any
    /// but `identity` is told as [`Diagnostic::Compressed`]. Ignored unless
    /// the stream is open (a refused response's body is not the stream).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn on_content_encoding(&mut self, encoding: &str) {
        if matches!(self.inner, Inner::Open { .. })
            && !encoding.is_empty()
            && !encoding.eq_ignore_ascii_case("identity")
        {
            self.diagnose(Diagnostic::Compressed);
        }
    }

    /// The protocol of the stream's origin (`http/1.1`, `h2`, as Resource
    /// Timing's `nextHopProtocol` says) and how many streams the page has
    /// open to that origin, this one included, when the driver knows them:
    /// three or more over HTTP/1.1 are told as
    /// [`Diagnostic::ConnectionLimit`].
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn on_protocol(&mut self, protocol: &str, streams: u32) {
        if let Some(d) = stats::connection_limit(protocol, streams) {
            self.diagnose(d);
        }
    }

    /// Tells a diagnostic, once, when the options ask for them (and the
    /// `stats` feature is on).
    #[cfg_attr(all(npm_size, feature = "stats"), optimize(size), inline(never))]
    fn diagnose(&mut self, diagnostic: Diagnostic) {
        #[cfg(feature = "stats")]
        if self.options.diagnose && self.stats.tell(&diagnostic) {
            self.notices.push_back(Notice::Diagnostic(diagnostic));
        }
        #[cfg(not(feature = "stats"))]
        let _ = diagnostic;
    }

    /// The head of the request an [`Io::Fetch`] asks for, to the source's
    /// `url` (see [`RequestHead`]; [`Options::method`],
    /// [`Options::last_event_id_param`] and [`Options::resume_url`] apply;
    /// its idempotency header is [`idempotency_key`](Self::idempotency_key)).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn request_head<'a>(&'a mut self, url: &'a str, last_event_id: &str) -> RequestHead<'a> {
        let o = &self.options;
        let head = match o.resume_url.as_deref() {
            // The caller's resume function makes the request.
            _ if o.resume_with && self.resuming => RequestHead {
                send_body: false,
                resume: self.attempt,
                ..RequestHead::new("GET", url, "", None)
            },
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
        };
        self.fetching_http = super::request::is_http(&head.url);
        head
    }

    /// The idempotency header, name and value, of a request that sends the
    /// body if `send_body` (see [`RequestHead::send_body`]): the source's
    /// [key](Options::idempotency_key), when
    /// [`Options::sends_idempotency_key`]. A driver sets it before the
    /// caller's own headers, so that a key of theirs wins.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn idempotency_key(&self, send_body: bool) -> Option<(&str, &str)> {
        let o = &self.options;
        o.idempotency_key
            .as_ref()
            .filter(|_| send_body && o.sends_idempotency_key())
            .map(|(name, key)| (name.as_str(), key.as_str()))
    }

    /// The next network action to carry out.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn poll_io(&mut self) -> Option<Io> {
        self.io.pop_front()
    }

    /// The next thing to tell the user.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn poll_notice(&mut self) -> Option<Notice> {
        self.notices.pop_front()
    }

    /// When [`on_timer`](Self::on_timer) must be called next, if at all: the
    /// end of a reconnect wait, or the idle deadline.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn timeout(&self) -> Option<u64> {
        match self.inner {
            Inner::Waiting { until, .. } | Inner::Probing { until } => Some(until),
            Inner::Connecting | Inner::Open { .. } => self.idle_deadline,
            Inner::Paused | Inner::Closed => None,
        }
    }

    /// The response's head arrived. `content_type` is the `Content-Type`
    /// header, `retry_after_ms` the `Retry-After` header converted to a
    /// delay by [`retry_after_ms`](super::retry_after_ms).
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
    /// not open, with the start of its body as text: the error carries it
    /// (unless it is empty), with the server's message found in it by
    /// [`server_message`](super::server_message).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn on_response_with_body(
        &mut self,
        now: u64,
        status: u16,
        content_type: Option<&str>,
        retry_after_ms: Option<u64>,
        body: Option<String>,
    ) {
        if self.inner != Inner::Connecting {
            return;
        }
        self.cors_suspected = false;
        self.stats.head(now);
        if opens(status, content_type) {
            self.inner = Inner::Open {
                since: now,
                events: false,
            };
            self.touch(now);
            self.notices.push_back(Notice::Open);
            return;
        }
        self.io.push_back(Io::Abort);
        // An empty body says nothing.
        let body = body.filter(|text| !text.is_empty()).map(|text| {
            let message = super::server_message(&text);
            Box::new(ErrorBody::new(text, message))
        });
        let error = if self.resuming && matches!(status, 404 | 410) {
            // The stream to resume is gone.
            return self.fail(Error::ResumeExpired { status, body });
        } else if status != 200 {
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
        let Inner::Open { since, mut events } = self.inner else {
            return;
        };
        self.touch(now);
        let (end_event, end_when) = (
            self.options.end_event.as_deref(),
            self.options.end_when.as_ref(),
        );
        let server_retry = &mut self.server_retry_ms;
        let replay = &mut self.replay;
        let (cursor_key, cursor) = (self.options.cursor.as_deref(), &mut self.cursor);
        #[cfg(feature = "stats")]
        let stats = &mut self.stats;
        let mut ended = false;
        let mut stopped = false;
        let mut failed = None;
        let result = self.parser.feed_until(bytes, &mut |item| {
            let flow = match item {
                ItemRef::Event(event) => {
                    // After a resume, what the server replays is dropped,
                    // until the first new event (told by its cursor, when
                    // the caller named one).
                    if resume::replayed(replay, cursor, cursor_key, &event) {
                        return ControlFlow::Continue(());
                    }
                    // An event with no data (an MCP server's priming
                    // event) is no sign of progress.
                    events |= !event.data.is_empty();
                    // A failure the server reports is not delivered as an
                    // event: it ends the stream as an error.
                    if end_when.is_some_and(|rule| {
                        rule.failed(&event.event_type, &event.data, &mut failed)
                    }) {
                        return ControlFlow::Break(());
                    }
                    ended = end_event == Some(&*event.event_type)
                        || end_when
                            .is_some_and(|rule| rule.matches(&event.event_type, &event.data));
                    #[cfg(feature = "stats")]
                    stats.event(now);
                    sink(ItemRef::Event(event))
                }
                ItemRef::Retry(ms) => {
                    *server_retry = Some(ms);
                    ControlFlow::Continue(())
                }
                comment => {
                    #[cfg(feature = "stats")]
                    stats.comment();
                    sink(comment)
                }
            };
            stopped = flow.is_break();
            // Nothing after the end event either.
            if ended {
                ControlFlow::Break(())
            } else {
                flow
            }
        });
        self.inner = Inner::Open { since, events };
        if self.stats.read(now, bytes.len()) {
            self.diagnose(Diagnostic::Buffered);
        }
        if stopped {
            // The parser stopped where the sink did: its last event ID is
            // the one of the last event handed over.
            self.close();
        } else if ended {
            // The end event was delivered: close, never reconnect.
            self.io.push_back(Io::Abort);
            self.shut();
        } else if let Some(error) = failed {
            // Sent again only as a GET is, never to resume: the server said
            // this answer failed.
            self.io.push_back(Io::Abort);
            if self.options.resendable() {
                self.reconnect(now, error, None);
            } else {
                self.fail(error);
            }
        } else if let Err(e) = result {
            self.io.push_back(Io::Abort);
            self.fail(Error::Limit(e));
        }
    }

    /// The body ended normally: reconnect, as the browser does.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn on_eof(&mut self, now: u64) {
        if let Inner::Open { .. } = self.inner {
            self.reconnect(now, Error::StreamEnded, None);
        }
    }

    /// The time asked for by [`timeout`](Self::timeout) has come (calling it
    /// early or needlessly is harmless).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
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

    /// Like [`on_timer`](Self::on_timer), while the driver holds the body
    /// back (its reader is behind, and stopped reading): the silence is the
    /// driver's, not the server's, so an idle deadline starts again instead
    /// of firing. Other deadlines are as for `on_timer`.
    pub fn on_timer_held(&mut self, now: u64) {
        match self.inner {
            Inner::Open { .. } => self.touch(now),
            _ => self.on_timer(now),
        }
    }
}
