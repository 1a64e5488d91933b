//! The connection core under arbitrary sequences of inputs: responses of
//! any status and type, body chunks, ends, fetch errors, timers early and
//! late, and close, with a policy and limits picked by the input.
//!
//! Checked after every step, against a model kept here:
//! - no panic;
//! - the messages delivered are exactly what a separate `Parser`, fed the
//!   same bytes of the same responses, dispatches (up to the end event, or
//!   up to an OpenAI-style `{"error": …}` event with that preset, as read
//!   by `serde_json`);
//! - at most one request in flight: a new `Fetch` only after the previous
//!   request was answered, failed or aborted, and each carries the last
//!   event ID the model parser has; a `Probe` only after a request failed;
//! - every reconnect delay lies between the floor and the ceiling (or the
//!   `Retry-After` given), is announced by a `Reconnecting` notice with the
//!   same delay, and is what `timeout()` then asks for;
//! - attempts never exceed `max_attempts`;
//! - `Open` is announced only on a connecting → open change;
//! - a hidden page pauses only when the options ask for it (the
//!   back/forward cache, whatever they say), and a driver holding the body
//!   back never has an idle timeout fire; waking fails a request silent
//!   past its idle deadline;
//! - after a resume of a POST from an event ID, what the server replays is
//!   dropped: told by the ID, or, when the options name a cursor (`"c"`),
//!   by that field of the data (`connection::cursor`, fuzzed on its own by
//!   the server_message target);
//! - diagnostics come only when asked for, each code once, and the stats
//!   count every event handed over, once;
//! - once closed, nothing more happens, whatever comes in.
#![no_main]

use eventsource_wasm::connection::{
    cursor, Connection, EndRule, Io, Notice, Options, ReadyState, RetryPolicy,
};
use std::ops::ControlFlow;

use eventsource_wasm::parser::{Config, ItemRef, Parser};
use eventsource_wasm::Error;
use libfuzzer_sys::fuzz_target;

/// Reads the input as a sequence of small decisions.
struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
    fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

struct Model {
    conn: Connection,
    parser: Parser,
    now: u64,
    in_flight: bool,
    /// A CORS probe is out (`Io::Probe`, not yet answered or aborted).
    probing: bool,
    open: bool,
    closed: bool,
    end_event: Option<String>,
    /// Whether `EndRule::OPENAI_CHAT` is set (`data: [DONE]` ends too;
    /// checked here without the rule).
    end_done: bool,
    /// Whether `EndRule::types(["stop", "done"])` is set instead.
    end_types: bool,
    /// Whether the source pauses while the page is hidden.
    pause_when_hidden: bool,
    /// Whether diagnostics were asked for, and the codes told.
    diagnose: bool,
    told: Vec<&'static str>,
    expected: Vec<eventsource_wasm::parser::Event>,
    delivered: Vec<eventsource_wasm::parser::Event>,
    policy: RetryPolicy,
    /// The largest delay a reconnect may ask for right now.
    retry_after: Option<u64>,
    /// Whether the request may be sent again on its own (a body-less GET,
    /// or `resend`), whether it was sent once, and the failure announced
    /// with the latest reconnect.
    resendable: bool,
    sent: bool,
    last_failure: Option<Error>,
    /// After a resume of a request that is not sent again on its own: the
    /// last ID delivered (or cursor), until the first event that is not a
    /// replay.
    replay: Option<String>,
    /// Whether replays are told by the cursor `"c"` in the data, whether a
    /// request resumed once, and the cursor of the last event the core
    /// read that was not a replay.
    by_cursor: bool,
    resuming: bool,
    last_cursor: String,
}

/// What tells an event from a replay: its ID, or its cursor.
fn mark(event: &eventsource_wasm::parser::Event, by_cursor: bool) -> String {
    if by_cursor {
        cursor(&event.data, "c").unwrap_or_default().to_owned()
    } else {
        event.last_event_id.clone()
    }
}

/// Whether an event with ID `id` replays one delivered before a resume
/// from `floor`: the same ID, or, both being numbers, a lower one.
fn replayed(id: &str, floor: &str) -> bool {
    let number = |s: &str| {
        (!s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    match (number(id), number(floor)) {
        (Some(n), Some(f)) => n <= f,
        _ => id == floor,
    }
}

impl Model {
    /// Takes everything the core produced and checks it.
    fn drain(&mut self) {
        while let Some(io) = self.conn.poll_io() {
            match io {
                Io::Fetch { last_event_id } => {
                    assert!(!self.in_flight, "two requests in flight");
                    // A resume that broke while replaying resumes from the
                    // same ID again.
                    if let Some(floor) = self.replay.take() {
                        if !self.by_cursor {
                            self.parser.set_last_event_id(&floor);
                        }
                    }
                    assert_eq!(last_event_id, self.parser.last_event_id());
                    self.resuming |= self.sent && !self.resendable && !last_event_id.is_empty();
                    let floor = if self.by_cursor {
                        self.last_cursor.clone()
                    } else {
                        last_event_id.clone()
                    };
                    if self.resuming && !floor.is_empty() {
                        self.replay = Some(floor);
                    }
                    // A request that costs its sender goes again only to
                    // resume, or after a refusal (a retried status, or a
                    // headers callback that failed before sending).
                    if self.sent && !self.resendable && last_event_id.is_empty() {
                        assert!(
                            matches!(
                                self.last_failure,
                                Some(Error::HttpStatus { .. } | Error::Headers { .. })
                            ),
                            "sent again after {:?}",
                            self.last_failure
                        );
                    }
                    self.sent = true;
                    self.in_flight = true;
                    self.probing = false;
                }
                Io::Probe => {
                    assert!(!self.in_flight, "a probe while a request is in flight");
                    assert!(!self.probing, "two probes");
                    self.probing = true;
                }
                Io::Abort => {
                    self.in_flight = false;
                    self.probing = false;
                }
            }
        }
        let mut pending_delay = None;
        while let Some(notice) = self.conn.poll_notice() {
            match notice {
                Notice::Open => {
                    assert!(!self.open, "open twice");
                    self.open = true;
                }
                Notice::Message(event) => self.delivered.push(event),
                Notice::Comment(_) => {}
                Notice::Error {
                    error,
                    reconnect_in_ms,
                } => {
                    self.open = false;
                    self.last_failure = Some(error.clone());
                    match reconnect_in_ms {
                        Some(delay) => {
                            let floor = self.policy.min_delay_ms.min(self.policy.max_delay_ms);
                            let ceiling = self
                                .policy
                                .max_delay_ms
                                .max(floor)
                                .max(self.retry_after.unwrap_or(0));
                            assert!(
                                (floor..=ceiling).contains(&delay),
                                "delay {delay} outside {floor}..={ceiling}"
                            );
                            assert_eq!(self.conn.timeout(), Some(self.now + delay));
                            pending_delay = Some(delay);
                        }
                        None => {
                            if let Error::RetriesExhausted { attempts, .. } = error {
                                assert_eq!(Some(attempts), self.policy.max_attempts);
                            }
                            self.closed = true;
                        }
                    }
                }
                Notice::Reconnecting { delay_ms, attempt } => {
                    assert_eq!(pending_delay.take(), Some(delay_ms));
                    if let Some(max) = self.policy.max_attempts {
                        assert!(attempt <= max, "attempt {attempt} > {max}");
                    }
                }
                Notice::Diagnostic(d) => {
                    assert!(self.diagnose, "a diagnostic nobody asked for: {d:?}");
                    assert!(!self.told.contains(&d.code()), "{d:?} told twice");
                    self.told.push(d.code());
                }
                other => panic!("a notice the model does not know: {other:?}"),
            }
        }
        assert!(pending_delay.is_none(), "a reconnect was not announced");
        assert_eq!(self.closed, self.conn.ready_state() == ReadyState::Closed);
        assert_eq!(self.open, self.conn.ready_state() == ReadyState::Open);
        assert_eq!(self.delivered, self.expected);
        // Every event handed over is counted, once.
        assert_eq!(self.conn.stats().events, self.delivered.len() as u64);
        let last_delivered = match &self.replay {
            Some(floor) if !self.by_cursor => floor.as_str(),
            _ => self.parser.last_event_id(),
        };
        assert_eq!(self.conn.last_event_id(), last_delivered);
    }

    /// The model's side of the response's body ending or breaking off.
    fn body_over(&mut self) {
        self.parser.finish();
    }
}

/// Whether OpenAI-style data reports a failure, by serde_json's reading:
/// a JSON object whose `error` is a string, or has a string at `type`,
/// `code` or `message`, with the key written `"error"`.
fn chat_failure(data: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else {
        return false;
    };
    let error = value.get("error");
    data.contains("\"error\"")
        && (error.is_some_and(|e| e.is_string())
            || ["type", "code", "message"]
                .iter()
                .any(|k| error.and_then(|e| e.get(k)).is_some_and(|v| v.is_string())))
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let policy = RetryPolicy::default()
        .initial_delay_ms(u64::from(input.u16()))
        .min_delay_ms(u64::from(input.byte()) * 4)
        .max_delay_ms(u64::from(input.u16()))
        .factor(f64::from(input.byte()) / 32.0)
        .jitter(f64::from(input.byte()) / 200.0)
        .max_attempts(match input.byte() {
            0..=127 => None,
            n => Some(u32::from(n & 7)),
        })
        .healthy_after_ms(u64::from(input.u16()));
    let limits = Config::default()
        .max_line_len(usize::from(input.byte()) * 4 + 1)
        .max_event_len(usize::from(input.byte()) * 16 + 1);
    let end_byte = input.byte();
    let end_event = (end_byte & 1 == 0).then(|| "end".to_owned());
    let end_done = end_byte & 2 != 0;
    let end_types = !end_done && end_byte & 4 != 0;
    let pause_when_hidden = end_byte & 8 != 0;
    let diagnose = end_byte & 16 != 0;
    let idle = input.byte();
    // The request: GET or POST, with a body or not, resent on request or not.
    let request = input.byte();
    let options = Options::default()
        .method(if request & 1 != 0 { "POST" } else { "GET" }.to_owned())
        .has_body(request & 2 != 0)
        .resend(request & 4 != 0)
        .retry(policy.clone())
        .retry_statuses(vec![429, 503])
        .end_event(end_event.clone())
        .end_when(if end_done {
            Some(EndRule::OPENAI_CHAT)
        } else {
            end_types.then(|| EndRule::types(["stop", "done"]))
        })
        .pause_when_hidden(pause_when_hidden)
        .diagnose(diagnose)
        .cursor((request & 8 != 0).then(|| "c".to_owned()))
        .idle_timeout_ms((idle != 0).then_some(u64::from(idle) * 10))
        .limits(limits);
    let options_resendable = options.resendable();
    let parser = Parser::with_config(limits);
    let mut m = Model {
        conn: Connection::new(options, u64::from(input.u16()), 0),
        parser,
        now: 0,
        in_flight: false,
        probing: false,
        open: false,
        closed: false,
        end_event,
        end_done,
        end_types,
        pause_when_hidden,
        diagnose,
        told: Vec::new(),
        expected: Vec::new(),
        delivered: Vec::new(),
        resendable: options_resendable,
        sent: false,
        last_failure: None,
        replay: None,
        by_cursor: request & 8 != 0,
        resuming: false,
        last_cursor: String::new(),
        policy,
        retry_after: None,
    };
    m.drain();
    while !input.is_empty() {
        let op = input.byte();
        let was_closed = m.closed;
        let connecting = m.conn.ready_state() == ReadyState::Connecting && m.in_flight;
        m.retry_after = None;
        match op % 10 {
            // A response head (only meaningful while a request is out).
            0 => {
                let status =
                    [200, 200, 200, 204, 301, 404, 429, 503][usize::from(input.byte() % 8)];
                let content_type = match input.byte() % 4 {
                    0 => None,
                    1 => Some("text/html"),
                    2 => Some("Text/Event-Stream; charset=latin1"),
                    _ => Some("text/event-stream"),
                };
                let retry_after = (input.byte() % 2 == 0).then(|| u64::from(input.u16()));
                if connecting {
                    let opens = status == 200
                        && content_type.is_some_and(|t| {
                            t.to_ascii_lowercase().starts_with("text/event-stream")
                        });
                    if !opens {
                        m.in_flight = false;
                        if matches!(status, 429 | 503) {
                            m.retry_after = retry_after;
                        }
                    }
                    m.conn.on_response(m.now, status, content_type, retry_after);
                }
            }
            // A body chunk, through `on_chunk` (1) or `on_chunk_with` (2),
            // whose sink may stop after its k-th event (a listener closing
            // the source).
            op @ (1 | 2) => {
                let n = usize::from(input.byte() % 64);
                let stop_after = if op == 2 {
                    usize::from(input.byte() % 4)
                } else {
                    0
                };
                let bytes = input.bytes(n);
                if m.conn.ready_state() == ReadyState::Open {
                    // What the connection must deliver: the model parser's
                    // events up to the end event, or to the k-th one.
                    let mut events = Vec::new();
                    let (end, end_done, end_types) = (m.end_event.clone(), m.end_done, m.end_types);
                    let result = m.parser.feed_ref(bytes, |item| {
                        if let ItemRef::Event(e) = item {
                            events.push(e.to_owned());
                        }
                    });
                    // What a resumed stream replays is dropped, until the
                    // first event that is new.
                    let by_cursor = m.by_cursor;
                    if let Some(floor) = &m.replay {
                        match events
                            .iter()
                            .position(|e| !replayed(&mark(e, by_cursor), floor))
                        {
                            Some(new) => {
                                events.drain(..new);
                                m.replay = None;
                            }
                            None => events.clear(),
                        }
                    }
                    let ended = events.iter().position(|e| {
                        end.as_deref() == Some(e.event_type.as_str())
                            || end_done && e.data == "[DONE]"
                            || end_types && matches!(e.event_type.as_str(), "stop" | "done")
                    });
                    let stopped =
                        (stop_after > 0 && stop_after <= events.len()).then_some(stop_after);
                    let cut = match (ended, stopped) {
                        (Some(e), Some(s)) => Some((e + 1).min(s)),
                        (Some(e), None) => Some(e + 1),
                        (None, s) => s,
                    };
                    // With the OpenAI Chat preset, `{"error": …}` data fails
                    // the source before any later end or stop: that event is
                    // not delivered, the parse stops at it, and a reconnect
                    // or the end follows (the core's to say; `drain` checks).
                    let failed = events
                        .iter()
                        .position(|e| end_done && chat_failure(&e.data))
                        .filter(|&f| cut.is_none_or(|c| f < c));
                    // The core notes the cursor of each event it reads that
                    // is not a replay: up to a failure (that one too), the
                    // end, or the stop.
                    let read = failed.map(|f| f + 1).or(cut).unwrap_or(events.len());
                    if by_cursor {
                        if let Some(last) = events[..read]
                            .iter()
                            .map(|e| mark(e, true))
                            .filter(|c| !c.is_empty())
                            .last()
                        {
                            m.last_cursor = last;
                        }
                    }
                    if let Some(f) = failed {
                        let id = events[f].last_event_id.clone();
                        events.truncate(f);
                        m.parser.set_last_event_id(&id);
                        m.parser.finish();
                        m.in_flight = false;
                    } else if let Some(cut) = cut {
                        events.truncate(cut);
                        // The parse stops there: the last event ID is that
                        // event's, and the connection closes silently.
                        let id = events[cut - 1].last_event_id.clone();
                        m.parser.set_last_event_id(&id);
                        m.parser.finish();
                        m.in_flight = false;
                        m.closed = true;
                        m.open = false;
                    } else if result.is_err() {
                        m.parser.finish();
                        m.in_flight = false;
                    }
                    m.expected.extend(events);
                }
                if op == 1 {
                    m.conn.on_chunk(m.now, bytes);
                } else {
                    // Nothing is queued: every step ends with `drain`.
                    let delivered = &mut m.delivered;
                    let mut seen = 0;
                    m.conn.on_chunk_with(m.now, bytes, |item| {
                        if let ItemRef::Event(e) = item {
                            delivered.push(e.to_owned());
                            seen += 1;
                            if seen == stop_after {
                                return ControlFlow::Break(());
                            }
                        }
                        ControlFlow::Continue(())
                    });
                }
            }
            // The probe answered (refused or not).
            3 if input.byte() % 2 == 0 => {
                let refused = input.byte() % 2 == 0;
                m.probing = false;
                m.conn.on_probe(m.now, refused);
            }
            // The body ended.
            3 => {
                if m.conn.ready_state() == ReadyState::Open {
                    m.in_flight = false;
                    m.body_over();
                }
                m.conn.on_eof(m.now);
            }
            // A fetch error.
            4 => {
                let error = match input.byte() % 4 {
                    0 => Error::Network {
                        message: "x".into(),
                    },
                    1 => Error::Headers {
                        message: "x".into(),
                    },
                    2 => Error::InvalidRequest {
                        message: "x".into(),
                    },
                    _ => Error::Aborted,
                };
                if m.in_flight && !m.closed {
                    m.in_flight = false;
                    m.body_over();
                }
                m.conn.on_fetch_error(m.now, error);
            }
            // Time passes; the timer fires when asked, or early; now and
            // then while the driver holds the body back (a slow reader),
            // when an idle deadline starts again instead of firing.
            5 | 6 => {
                let step = u64::from(input.u16());
                let held = input.byte() % 4 == 0;
                let at = match m.conn.timeout() {
                    Some(t) if op % 10 == 5 => t.max(m.now),
                    _ => m.now + step,
                };
                m.now = at;
                let held_open = held && m.conn.ready_state() == ReadyState::Open;
                let idle_fires = m.conn.ready_state() != ReadyState::Closed
                    && m.in_flight
                    && !held_open
                    && m.conn.timeout().is_some_and(|t| at >= t);
                if idle_fires {
                    m.in_flight = false;
                    m.body_over();
                }
                if held {
                    m.conn.on_timer_held(at);
                    if held_open {
                        assert!(
                            m.conn.timeout().is_none_or(|t| t > at),
                            "an idle deadline that fired while held"
                        );
                    }
                } else {
                    m.conn.on_timer(at);
                }
            }
            // The page came back (online, visible, restored).
            // A request silent past its idle deadline fails first, as the
            // timer would have made it.
            8 => {
                let idle_fires = m.conn.ready_state() != ReadyState::Closed
                    && m.in_flight
                    && m.conn.timeout().is_some_and(|t| m.now >= t);
                if idle_fires {
                    m.in_flight = false;
                    m.body_over();
                }
                m.conn.wake(m.now);
            }
            // The page was hidden (it pauses only when opted in), or went
            // into the back/forward cache (it pauses whatever the options).
            9 => {
                let stored = op >= 200;
                let resumable = m.resendable || !m.parser.last_event_id().is_empty();
                let was_waiting =
                    m.conn.ready_state() == ReadyState::Connecting && !m.in_flight && !m.probing;
                if !m.pause_when_hidden && !stored {
                    assert!(!m.conn.hidden(), "paused without being asked to");
                } else if if stored {
                    m.conn.stored()
                } else {
                    m.conn.hidden()
                } {
                    assert!(
                        resumable || was_waiting,
                        "paused a request that cannot be sent again"
                    );
                    m.in_flight = false;
                    m.probing = false;
                    m.open = false;
                    m.body_over();
                } else {
                    assert!(m.closed || !resumable, "a resumable source did not pause");
                }
            }
            // close().
            _ => {
                m.conn.close();
                if !m.closed {
                    m.in_flight = false;
                    m.body_over();
                }
                m.closed = true;
                m.open = false;
            }
        }
        if was_closed {
            assert!(m.conn.poll_io().is_none(), "I/O after close");
            assert!(m.conn.poll_notice().is_none(), "a notice after close");
            assert_eq!(m.conn.timeout(), None);
        }
        m.drain();
    }
});
