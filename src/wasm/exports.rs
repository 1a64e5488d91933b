//! `#[wasm_bindgen]` exports.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::connection::{Connection, Io, Notice, Options, RetryPolicy};
use crate::error::Error;
use crate::parser::{Config, ItemRef, ParseError, Parser};

/// The `text/event-stream` parser for JavaScript (js/parser.js builds
/// `createParser` on it). Feed it the bytes of a body as they arrive:
/// `onMessages(text, lengths)` gets each run of events as one string and
/// their lengths (as `MessageBatch` describes: type, data and last event ID
/// of each event in turn, a type or ID that repeats the previous event's
/// given as `0xFFFFFFFF` with no text);
/// `onNotice(kind, value)` gets retry (4, ms) and comment (1, text) items,
/// in order with the events.
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamParser {
    parser: Parser,
    on_messages: Function,
    on_notice: Function,
    /// Kept between chunks for its capacity.
    batch: MessageBatch,
}

fn parse_error(e: ParseError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("ParseError");
    let kind = match e {
        ParseError::LineTooLong { .. } => "line-too-long",
        ParseError::EventTooLarge { .. } => "event-too-large",
    };
    // Setting plain data properties on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &"type".into(), &kind.into());
    let _ = Reflect::set(&error, &"limit".into(), &(e.limit() as f64).into());
    error.into()
}

#[wasm_bindgen]
impl StreamParser {
    /// `new StreamParser(onMessages, onNotice, maxLineLength?, maxEventLength?)`;
    /// limits default to 16 MiB each.
    #[wasm_bindgen(constructor)]
    pub fn new(
        on_messages: Function,
        on_notice: Function,
        max_line_length: Option<u32>,
        max_event_length: Option<u32>,
    ) -> StreamParser {
        let mut config = Config::default();
        if let Some(n) = max_line_length {
            config = config.max_line_len(n as usize);
        }
        if let Some(n) = max_event_length {
            config = config.max_event_len(n as usize);
        }
        StreamParser {
            parser: Parser::with_config(config),
            on_messages,
            on_notice,
            batch: MessageBatch::default(),
        }
    }

    /// Parses the next chunk. Throws a `ParseError` (with `type` and
    /// `limit`) when a limit is exceeded, after everything before it was
    /// delivered; if a handler throws, the rest of the chunk is still
    /// parsed and delivered and the first exception is rethrown.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let mut thrown: Option<JsValue> = None;
        let (on_messages, on_notice, batch) = (&self.on_messages, &self.on_notice, &mut self.batch);
        let mut note = |r: Result<(), JsValue>| {
            if let Err(e) = r {
                thrown.get_or_insert(e);
            }
        };
        let result = self.parser.feed_ref(chunk, |item| {
            let (kind, value): (u32, JsValue) = match item {
                ItemRef::Event(e) => {
                    batch.push(&e.event_type, &e.data, e.last_event_id);
                    return;
                }
                ItemRef::Retry(ms) => (RETRY, (ms as f64).into()),
                ItemRef::Comment(text) => (COMMENT, JsValue::from_str(&text)),
            };
            note(batch.flush(on_messages));
            note(
                on_notice
                    .call2(&JsValue::UNDEFINED, &kind.into(), &value)
                    .map(drop),
            );
        });
        note(batch.flush(on_messages));
        if let Some(e) = thrown {
            return Err(e);
        }
        result.map_err(parse_error)
    }

    /// The body ended: discards an unfinished event and gets ready for the
    /// next response of the same source (the last event ID is kept).
    pub fn finish(&mut self) {
        self.parser.finish();
    }

    /// Back to new: clears the last event ID and a limit error too.
    pub fn reset(&mut self) {
        self.parser.reset();
    }

    /// The last event ID, to send as `Last-Event-ID` when reconnecting.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().to_owned()
    }
}

// --- The connection core, for js/connection.js --------------------------------

/// Notice kinds in the records `SseCore::drain` returns.
const OPEN: u32 = 0;
const COMMENT: u32 = 1;
const ERROR: u32 = 2;
const RECONNECTING: u32 = 3;
const RETRY: u32 = 4;
const MESSAGES: u32 = 5;

/// What `SseCore::poll_io` asks JavaScript to do.
const IO_NONE: u32 = 0;
const IO_FETCH: u32 = 1;
const IO_ABORT: u32 = 2;
const IO_PROBE: u32 = 3;

/// The connection core (`connection::Connection`) for the JavaScript
/// `EventSource` class: the same state machine the Rust API drives, here
/// driven by js/connection.js, which owns `fetch()`, the body reader and
/// the timer. Nothing here touches the network or the clock; times come in
/// as milliseconds. Not meant to be used directly.
///
/// After each input, JavaScript takes what the core asks for with
/// `poll_io` and what it says with `drain`. Nothing calls back into
/// JavaScript from here, so a listener may call `close()` at any moment.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SseCore {
    core: Connection,
    /// The source's URL, and the target of the fetch `poll_io` asked for.
    url: String,
    fetch_url: String,
    fetch_header: Option<String>,
    /// What `drain` returns next, in order (see there).
    out: Array,
    /// Events on their way into `out`.
    batch: MessageBatch,
}

fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}

#[wasm_bindgen]
impl SseCore {
    /// Options in the order of js/connection.js; delays in ms; `None` for
    /// "not set" (the defaults of `RetryPolicy` and `Options` apply).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        initial_delay: Option<f64>,
        min_delay: Option<f64>,
        max_delay: Option<f64>,
        factor: Option<f64>,
        jitter: Option<f64>,
        max_attempts: Option<f64>,
        healthy_after: Option<f64>,
        retry_statuses: Vec<u16>,
        end_event: Option<String>,
        idle_timeout: Option<f64>,
        max_line_length: Option<f64>,
        max_event_length: Option<f64>,
        last_event_id: String,
        last_event_id_param: Option<String>,
        url: String,
        seed: f64,
        now: f64,
    ) -> SseCore {
        let d = RetryPolicy::default();
        let mut options = Options {
            retry: RetryPolicy {
                initial_delay_ms: initial_delay.map_or(d.initial_delay_ms, ms),
                min_delay_ms: min_delay.map_or(d.min_delay_ms, ms),
                max_delay_ms: max_delay.map_or(d.max_delay_ms, ms),
                factor: factor.unwrap_or(d.factor),
                jitter: jitter.unwrap_or(d.jitter),
                max_attempts: max_attempts.map(|n| ms(n).min(u64::from(u32::MAX)) as u32),
                healthy_after_ms: healthy_after.map_or(d.healthy_after_ms, ms),
            },
            retry_statuses,
            end_event,
            idle_timeout_ms: idle_timeout.map(ms),
            last_event_id,
            last_event_id_param,
            ..Options::default()
        };
        if let Some(n) = max_line_length {
            options.limits = options.limits.max_line_len(ms(n) as usize);
        }
        if let Some(n) = max_event_length {
            options.limits = options.limits.max_event_len(ms(n) as usize);
        }
        SseCore {
            core: Connection::new(options, (seed * (u64::MAX as f64)) as u64, ms(now)),
            url,
            fetch_url: String::new(),
            fetch_header: None,
            out: Array::new(),
            batch: MessageBatch::default(),
        }
    }

    /// The response's head: status, `Content-Type`, and `Retry-After` as
    /// milliseconds (js/connection.js parses it; `undefined` if absent).
    pub fn on_response(
        &mut self,
        now: f64,
        status: u16,
        content_type: Option<String>,
        retry_after: Option<f64>,
    ) {
        self.core.on_response(
            ms(now),
            status,
            content_type.as_deref(),
            retry_after.map(ms),
        );
    }

    /// A chunk of the body. Its events go straight from the parser into
    /// one batch, without an allocation each.
    pub fn on_chunk(&mut self, now: f64, bytes: &[u8]) {
        self.take_notices();
        let (out, batch) = (&self.out, &mut self.batch);
        self.core.on_chunk_with(ms(now), bytes, |item| match item {
            ItemRef::Event(e) => batch.push(&e.event_type, &e.data, e.last_event_id),
            ItemRef::Comment(text) => {
                batch.flush_into(out);
                push_record(out, COMMENT, JsValue::from_str(&text), JsValue::UNDEFINED);
            }
            ItemRef::Retry(_) => {}
        });
        self.batch.flush_into(&self.out);
    }

    /// The body ended.
    pub fn on_eof(&mut self, now: f64) {
        self.core.on_eof(ms(now));
    }

    /// The request failed: `kind` 0 network, 1 headers callback, 2 invalid
    /// request, 3 aborted; `message` for people.
    pub fn on_fetch_error(&mut self, now: f64, kind: u32, message: String) {
        let error = match kind {
            1 => Error::Headers { message },
            2 => Error::InvalidRequest { message },
            3 => Error::Aborted,
            _ => Error::Network { message },
        };
        self.core.on_fetch_error(ms(now), error);
    }

    /// The probe `poll_io` asked for ended: `refused` is whether its
    /// response was opaque (false if it failed).
    pub fn on_probe(&mut self, now: f64, refused: bool) {
        self.core.on_probe(ms(now), refused);
    }

    /// The timer set for `timeout()` fired.
    pub fn on_timer(&mut self, now: f64) {
        self.core.on_timer(ms(now));
    }

    /// Closes for good (silently).
    pub fn close(&mut self) {
        self.core.close();
    }

    /// The next thing to do: 0 nothing, 1 fetch (`fetchUrl`, with the
    /// header `fetchLastEventId` unless undefined), 2 abort the request or
    /// probe in flight, 3 probe for a CORS refusal (`Io::Probe`).
    pub fn poll_io(&mut self) -> u32 {
        match self.core.poll_io() {
            None => IO_NONE,
            Some(Io::Fetch { last_event_id }) => {
                let target = self.core.request_target(&self.url, &last_event_id);
                self.fetch_url = target.url.into_owned();
                self.fetch_header = target.last_event_id_header;
                IO_FETCH
            }
            Some(Io::Probe) => IO_PROBE,
            Some(Io::Abort) => IO_ABORT,
        }
    }

    /// The URL of the fetch `poll_io` asked for.
    #[wasm_bindgen(getter, js_name = fetchUrl)]
    pub fn fetch_url(&self) -> String {
        self.fetch_url.clone()
    }

    /// The `Last-Event-ID` header value of the fetch `poll_io` asked for
    /// (already encoded for `Headers`), or undefined.
    #[wasm_bindgen(getter, js_name = fetchLastEventId)]
    pub fn fetch_last_event_id(&self) -> Option<String> {
        self.fetch_header.clone()
    }

    /// When to call `on_timer` (ms, same clock as `now`), or -1.
    pub fn timeout(&self) -> f64 {
        self.core.timeout().map_or(-1.0, |t| t as f64)
    }

    /// 0 connecting, 1 open, 2 closed.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u16 {
        self.core.ready_state() as u16
    }

    /// Everything the core said since the last call, as a flat array of
    /// `kind, a, b` records: messages (5, text, lengths: a run of events in
    /// one string and their lengths in a `Uint32Array`, as `MessageBatch`
    /// describes: one crossing per run of events), open (0), comment
    /// (1, text), error (2, error object, reconnect delay or undefined),
    /// reconnecting (3, delay, attempt).
    pub fn drain(&mut self) -> Array {
        self.take_notices();
        std::mem::replace(&mut self.out, Array::new())
    }
}

impl SseCore {
    /// Moves the core's queued notices into `out`.
    fn take_notices(&mut self) {
        let (out, batch) = (&self.out, &mut self.batch);
        while let Some(notice) = self.core.poll_notice() {
            let (kind, a, b) = match notice {
                Notice::Message(e) => {
                    batch.push(&e.event_type, &e.data, &e.last_event_id);
                    continue;
                }
                Notice::Open => (OPEN, JsValue::UNDEFINED, JsValue::UNDEFINED),
                Notice::Comment(text) => (COMMENT, text.into(), JsValue::UNDEFINED),
                Notice::Error {
                    error,
                    reconnect_in_ms,
                } => (
                    ERROR,
                    error_object(&error),
                    reconnect_in_ms.map_or(JsValue::UNDEFINED, |d| (d as f64).into()),
                ),
                Notice::Reconnecting { delay_ms, attempt } => {
                    (RECONNECTING, (delay_ms as f64).into(), attempt.into())
                }
            };
            batch.flush_into(out);
            push_record(out, kind, a, b);
        }
        batch.flush_into(out);
    }
}

/// Appends one `kind, a, b` record to a `drain` array.
fn push_record(out: &Array, kind: u32, a: JsValue, b: JsValue) {
    out.push(&kind.into());
    out.push(&a);
    out.push(&b);
}

fn error_object(error: &Error) -> JsValue {
    let object = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&object, &k.into(), &v);
    };
    let kind = match error {
        Error::HttpStatus { status } => {
            set("status", (*status).into());
            "http-status"
        }
        Error::ContentType { content_type } => {
            set(
                "contentType",
                content_type
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            "content-type"
        }
        Error::Network { .. } => "network",
        Error::Cors => "cors",
        Error::StreamEnded => "stream-ended",
        Error::IdleTimeout { timeout_ms } => {
            set("timeout", (*timeout_ms as f64).into());
            "idle-timeout"
        }
        Error::Limit(e) => {
            set("limit", (e.limit() as f64).into());
            match e {
                ParseError::LineTooLong { .. } => "line-too-long",
                _ => "event-too-large",
            }
        }
        Error::Headers { .. } => "headers",
        Error::InvalidRequest { .. } => "invalid-request",
        Error::Aborted => "aborted",
        Error::RetriesExhausted { attempts, last } => {
            set("attempts", (*attempts).into());
            set("cause", error_object(last));
            "retries-exhausted"
        }
    };
    set("type", kind.into());
    set("message", error.to_string().into());
    object.into()
}

/// In a batch's lengths: this event's type (or last event ID) is the same
/// as the previous event's in the batch, and no text of it follows.
const SAME: u32 = u32::MAX;

/// Events on their way to JavaScript as one string plus lengths: for each
/// event its type, data and last event ID in turn, the type and the ID only
/// when they differ from the previous event's in the batch (`SAME`
/// otherwise). Lengths count UTF-16 code units, what JavaScript's `slice`
/// counts.
#[derive(Debug, Default)]
struct MessageBatch {
    text: String,
    lengths: Vec<u32>,
    /// Where the previous event's type and ID lie in `text`.
    last_type: (usize, usize),
    last_id: (usize, usize),
}

impl MessageBatch {
    fn push(&mut self, event_type: &str, data: &str, last_event_id: &str) {
        let first = self.lengths.is_empty();
        let (text, lengths) = (&mut self.text, &mut self.lengths);
        push_part(text, lengths, &mut self.last_type, event_type, first);
        text.push_str(data);
        lengths.push(data.len() as u32);
        push_part(text, lengths, &mut self.last_id, last_event_id, first);
    }

    fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// The batch as JavaScript values (text, lengths); empties it.
    fn take(&mut self) -> (JsValue, JsValue) {
        // Lengths were pushed in bytes: the same in UTF-16 for ASCII text,
        // the common case, checked once for the whole batch.
        if !is_ascii(self.text.as_bytes()) {
            let mut rest = self.text.as_bytes();
            for length in self.lengths.iter_mut().filter(|n| **n != SAME) {
                let (part, tail) = rest.split_at(rest.len().min(*length as usize));
                *length = utf16_len(part);
                rest = tail;
            }
        }
        let text = JsValue::from_str(&self.text);
        let lengths = js_sys::Uint32Array::from(self.lengths.as_slice()).into();
        self.text.clear();
        self.lengths.clear();
        (text, lengths)
    }

    /// Appends the batch, if any, to a `drain` array as a messages record.
    fn flush_into(&mut self, out: &Array) {
        if !self.is_empty() {
            let (text, lengths) = self.take();
            push_record(out, MESSAGES, text, lengths);
        }
    }

    /// Hands the batch, if any, to `onMessages`; empties it.
    fn flush(&mut self, on_messages: &Function) -> Result<(), JsValue> {
        if self.is_empty() {
            return Ok(());
        }
        let (text, lengths) = self.take();
        on_messages
            .call2(&JsValue::UNDEFINED, &text, &lengths)
            .map(drop)
    }
}

/// Pushes a type or an ID (whose place in `text` the previous event's is
/// `last`), or `SAME` if it repeats the previous event's.
fn push_part(
    text: &mut String,
    lengths: &mut Vec<u32>,
    last: &mut (usize, usize),
    part: &str,
    first: bool,
) {
    if !first && text.as_bytes().get(last.0..last.1) == Some(part.as_bytes()) {
        lengths.push(SAME);
        return;
    }
    *last = (text.len(), text.len() + part.len());
    text.push_str(part);
    lengths.push(part.len() as u32);
}

/// Whether `bytes` are all ASCII: ORs them together eight bytes at a time
/// and tests once at the end. `str::is_ascii` works on `usize` (four bytes
/// in WebAssembly) and tests every word; on the all-ASCII texts batches
/// nearly always are, this is about four times as fast (64 KiB texts, in
/// Node).
fn is_ascii(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    let mut seen = 0u64;
    for w in words.by_ref() {
        seen |= u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
    }
    seen & 0x8080_8080_8080_8080 == 0 && words.remainder().is_ascii()
}

/// The length in UTF-16 code units of valid UTF-8 `bytes`: one per
/// character (every byte but continuation bytes), two for the characters
/// outside the BMP (the four-byte ones). Works on bytes, not `str` slices,
/// so that no slicing panic path (and its formatting code) is linked in.
fn utf16_len(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .map(|&b| u32::from(b & 0xC0 != 0x80) + u32::from(b >= 0xF0))
        .sum()
}
