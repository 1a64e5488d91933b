//! `SseCore`: the connection core for the JavaScript class.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::batch::MessageBatch;
use super::{push_record, FetchFailure, IoKind, NoticeKind};
use crate::connection::{retry_after_ms, Connection, Io, Notice, Options, ACCEPT};
use crate::error::{Error, ErrorBody};
use crate::parser::{ItemRef, ParseError};

#[wasm_bindgen(typescript_custom_section)]
const CORE_OPTIONS: &'static str = r#"
/** What `new SseCore(options, url, seed, now)` reads (js/connection.js makes
 * it from the user's options). Times in ms. Anything left out, or not a
 * finite number >= 0 where a number is wanted, takes its default. */
export interface CoreOptions {
  retry?: {
    initialDelay?: number;
    minDelay?: number;
    maxDelay?: number;
    factor?: number;
    jitter?: number;
    maxAttempts?: number;
    healthyAfter?: number;
  };
  retryStatuses?: readonly number[];
  /** The end event's type; null switches it off (default 'end'). */
  endEvent?: string | null;
  idleTimeout?: number;
  maxLineLength?: number;
  maxEventLength?: number;
  lastEventId?: string | null;
  lastEventIdParam?: string | null;
  method?: string | null;
  hasBody?: boolean;
  /** Absolute. */
  resumeUrl?: string | null;
  resend?: boolean;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The options object (the `CoreOptions` interface above).
    #[wasm_bindgen(typescript_type = "CoreOptions")]
    pub type CoreOptions;
}

/// One property of an options object (undefined if it is not an object).
#[inline(never)]
fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A number property that is finite and not negative. (Not inlined: it is
/// called for ten properties, and the module is paid for in bytes.)
#[inline(never)]
fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key)
        .as_f64()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// Milliseconds from JavaScript (a finite number >= 0, else 0).
fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}

/// The core's options from a `CoreOptions` object.
fn options(object: &JsValue) -> Options {
    let retry = get(object, "retry");
    let [initial, min, max, factor, jitter, attempts, healthy] = [
        "initialDelay",
        "minDelay",
        "maxDelay",
        "factor",
        "jitter",
        "maxAttempts",
        "healthyAfter",
    ]
    .map(|key| number(&retry, key));
    let [idle, line, event] =
        ["idleTimeout", "maxLineLength", "maxEventLength"].map(|key| number(object, key));
    let [last_event_id, param, method, resume_url] =
        ["lastEventId", "lastEventIdParam", "method", "resumeUrl"]
            .map(|key| get(object, key).as_string());
    let mut options = Options::default();
    let r = &mut options.retry;
    let millis = |value: Option<f64>, default: u64| value.map_or(default, ms);
    r.initial_delay_ms = millis(initial, r.initial_delay_ms);
    r.min_delay_ms = millis(min, r.min_delay_ms);
    r.max_delay_ms = millis(max, r.max_delay_ms);
    r.factor = factor.unwrap_or(r.factor);
    r.jitter = jitter.unwrap_or(r.jitter);
    r.max_attempts = attempts.map(|n| ms(n).min(u64::from(u32::MAX)) as u32);
    r.healthy_after_ms = millis(healthy, r.healthy_after_ms);
    options.idle_timeout_ms = idle.map(ms);
    options.last_event_id = last_event_id.unwrap_or_default();
    options.last_event_id_param = param;
    options.resume_url = resume_url;
    options.has_body = get(object, "hasBody").is_truthy();
    options.resend = get(object, "resend").is_truthy();
    if let Some(method) = method {
        options.method = method;
    }
    let statuses = get(object, "retryStatuses");
    if Array::is_array(&statuses) {
        let statuses: Array = statuses.unchecked_into();
        options.retry_statuses = statuses
            .iter()
            .filter_map(|s| s.as_f64())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| s as u16)
            .collect();
    }
    let end = get(object, "endEvent");
    if end.is_null() {
        options.end_event = None;
    } else if let Some(end) = end.as_string() {
        options.end_event = Some(end);
    }
    if let Some(n) = line {
        options.limits = options.limits.max_line_len(ms(n) as usize);
    }
    if let Some(n) = event {
        options.limits = options.limits.max_event_len(ms(n) as usize);
    }
    options
}

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
    fetch_method: String,
    fetch_body: bool,
    /// What `drain` returns next, in order (see there).
    out: Array,
    /// Events on their way into `out`.
    batch: MessageBatch,
}

#[wasm_bindgen]
impl SseCore {
    /// A core for a source of `url`; `seed` (0 to 1) feeds the jitter,
    /// `now` is the current time in ms (the clock of every later `now`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &CoreOptions, url: String, seed: f64, now: f64) -> SseCore {
        SseCore {
            core: Connection::new(
                self::options(options),
                (seed * (u64::MAX as f64)) as u64,
                ms(now),
            ),
            url,
            fetch_url: String::new(),
            fetch_header: None,
            fetch_method: String::new(),
            fetch_body: false,
            out: Array::new(),
            batch: MessageBatch::default(),
        }
    }

    /// Whether a response opens the stream (`connection::opens`); the body
    /// of any other is read for its error, and passed to `on_response`.
    pub fn opens(status: u16, content_type: Option<String>) -> bool {
        crate::connection::opens(status, content_type.as_deref())
    }

    /// The response's head: status, and the `Content-Type` and
    /// `Retry-After` headers as received (`undefined` if absent);
    /// `wall_clock` is `Date.now()`, for a `Retry-After` date. `body` is
    /// the start of the body of a response that does not open, as text
    /// (js/connection.js finds the server's message in it).
    pub fn on_response(
        &mut self,
        now: f64,
        status: u16,
        content_type: Option<String>,
        retry_after: Option<String>,
        wall_clock: f64,
        body: Option<String>,
    ) {
        let retry_after = retry_after.and_then(|v| retry_after_ms(&v, ms(wall_clock)));
        self.core.on_response_with_body(
            ms(now),
            status,
            content_type.as_deref(),
            retry_after,
            body.map(|text| ErrorBody::new(text, None)),
        );
    }

    /// A chunk of the body. Its events go straight from the parser into
    /// one batch, without an allocation each.
    pub fn on_chunk(&mut self, now: f64, bytes: &[u8]) {
        self.take_notices();
        let (out, batch) = (&self.out, &mut self.batch);
        self.core.on_chunk_with(ms(now), bytes, |item| {
            match item {
                ItemRef::Event(e) => batch.push(bytes, &e.event_type, &e.data, e.last_event_id),
                ItemRef::Comment(text) => {
                    batch.flush_into(out);
                    let text = JsValue::from_str(&text);
                    push_record(out, NoticeKind::Comment, text, JsValue::UNDEFINED);
                }
                ItemRef::Retry(_) => {}
            }
            // A listener's `close()` is seen by js/event-source.js, which
            // stops delivering; the core hears of it through `close()`.
            std::ops::ControlFlow::Continue(())
        });
        self.batch.flush_into(&self.out);
    }

    /// The body ended.
    pub fn on_eof(&mut self, now: f64) {
        self.core.on_eof(ms(now));
    }

    /// The request failed; `message` is for people.
    pub fn on_fetch_error(&mut self, now: f64, kind: FetchFailure, message: String) {
        let error = match kind {
            FetchFailure::Headers => Error::Headers { message },
            FetchFailure::InvalidRequest => Error::InvalidRequest { message },
            FetchFailure::Aborted => Error::Aborted,
            FetchFailure::Network => Error::Network { message },
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

    /// The page came back (online, restored, visible): a waiting reconnect
    /// happens now, a paused one resumes.
    pub fn wake(&mut self, now: f64) {
        self.core.wake(ms(now));
    }

    /// The page is hidden and the caller opted in to pausing; false if the
    /// stream could not be resumed and goes on.
    pub fn pause(&mut self) -> bool {
        self.core.pause()
    }

    /// Closes for good (silently).
    pub fn close(&mut self) {
        self.core.close();
    }

    /// The next thing to do.
    pub fn poll_io(&mut self) -> IoKind {
        match self.core.poll_io() {
            None => IoKind::None,
            Some(Io::Fetch { last_event_id }) => {
                let head = self.core.request_head(&self.url, &last_event_id);
                self.fetch_method = head.method.to_owned();
                self.fetch_body = head.send_body;
                self.fetch_url = head.url.into_owned();
                self.fetch_header = head.last_event_id_header;
                IoKind::Fetch
            }
            Some(Io::Probe) => IoKind::Probe,
            Some(Io::Abort) => IoKind::Abort,
        }
    }

    /// The request `poll_io` asked for: `[method, url, headers, lastEventId,
    /// sendBody]`, `headers` being the `[name, value]` pairs every request
    /// starts with (the caller's own headers are set after them, and may
    /// replace them), `lastEventId` the `Last-Event-ID` value (already
    /// encoded for `Headers`; set last) or undefined, and `sendBody`
    /// whether the caller's body goes with it (not to the resume URL).
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "[method: string, url: string, headers: [string, string][], lastEventId: string | undefined, sendBody: boolean]"
    )]
    pub fn request(&self) -> Array {
        let accept = Array::of2(&"Accept".into(), &ACCEPT.into());
        let id = self
            .fetch_header
            .as_deref()
            .map_or(JsValue::UNDEFINED, JsValue::from_str);
        Array::of5(
            &self.fetch_method.as_str().into(),
            &self.fetch_url.as_str().into(),
            &Array::of1(&accept),
            &id,
            &self.fetch_body.into(),
        )
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
    /// `kind, a, b` records (`NoticeKind`): messages (text, lengths: a run
    /// of events as `MessageBatch` describes, one crossing per run), open,
    /// comment (text), error (error object, reconnect delay or undefined),
    /// reconnecting (delay, attempt).
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
                // Never queued: chunks go through `on_chunk_with`, which
                // hands events to the batch as they are parsed.
                Notice::Message(_) => continue,
                Notice::Open => (NoticeKind::Open, JsValue::UNDEFINED, JsValue::UNDEFINED),
                Notice::Comment(text) => (NoticeKind::Comment, text.into(), JsValue::UNDEFINED),
                Notice::Error {
                    error,
                    reconnect_in_ms,
                } => (
                    NoticeKind::Error,
                    error_object(&error),
                    reconnect_in_ms.map_or(JsValue::UNDEFINED, |d| (d as f64).into()),
                ),
                Notice::Reconnecting { delay_ms, attempt } => (
                    NoticeKind::Reconnecting,
                    (delay_ms as f64).into(),
                    attempt.into(),
                ),
            };
            batch.flush_into(out);
            push_record(out, kind, a, b);
        }
        batch.flush_into(out);
    }
}

/// A refused response's body, as `body` (its text).
fn set_body(set: &impl Fn(&str, JsValue), body: &Option<Box<ErrorBody>>) {
    if let Some(body) = body {
        set("body", body.text.as_str().into());
    }
}

fn error_object(error: &Error) -> JsValue {
    let object = Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = Reflect::set(&object, &k.into(), &v);
    };
    let kind = match error {
        Error::HttpStatus { status, body } => {
            set("status", (*status).into());
            set_body(&set, body);
            "http-status"
        }
        Error::ContentType { content_type, body } => {
            set(
                "contentType",
                content_type
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            set_body(&set, body);
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
        Error::NotResent { cause } => {
            set("cause", error_object(cause));
            "not-resent"
        }
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
