//! `SseCore`: the connection core for the JavaScript class (its options:
//! `options.rs`; its errors and notices: `error.rs`).

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::batch::MessageBatch;
use super::error::error_object;
use super::options::{ms, options};
use super::{push_record, Input, IoKind, NoticeKind, ReadyState, TextInput};
use crate::connection::{
    self, retry_after_ms, Connection, Io, Notice, ERROR_BODY_LIMIT, ERROR_BODY_TIMEOUT_MS,
    FIRST_HEADERS,
};

/// How js/connection.js reads a refused response's body: the core's
/// bounds, as constants of the generated module (no WebAssembly code).
#[wasm_bindgen]
#[derive(Debug, Clone, Copy)]
pub enum ErrorBodyRead {
    /// At most this many bytes (`connection::ERROR_BODY_LIMIT`).
    Limit = 65_536,
    /// For at most this many ms (`connection::ERROR_BODY_TIMEOUT_MS`).
    TimeoutMs = 3_000,
}

// The enum's values are the core's constants.
const _: () = assert!(
    ErrorBodyRead::Limit as usize == ERROR_BODY_LIMIT
        && ErrorBodyRead::TimeoutMs as u64 == ERROR_BODY_TIMEOUT_MS
);
use crate::error::Error;
use crate::parser::ItemRef;

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
    fetch_last: Option<(&'static str, String)>,
    fetch_method: String,
    fetch_body: bool,
    /// The resume attempt, when the caller's function makes the request.
    fetch_resume: u32,
    /// What `drain` returns next, in order (see there).
    out: Array,
    /// Events on their way into `out`.
    batch: MessageBatch,
}

#[wasm_bindgen]
impl SseCore {
    /// A core for a source of `url`, with the options in `numbers` and
    /// `strings` (the `CoreNumbers` type, and the `CoreStrings` tuple
    /// written as `CoreLines`); `seed` (0 to
    /// 1) feeds the jitter, `now` is the current time in ms (the clock of
    /// every later `now`).
    #[wasm_bindgen(constructor)]
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn new(
        url: String,
        seed: f64,
        now: f64,
        #[wasm_bindgen(unchecked_param_type = "CoreNumbers")] numbers: &[f64],
        #[wasm_bindgen(unchecked_param_type = "CoreLines")] strings: &str,
    ) -> SseCore {
        SseCore {
            core: Connection::new(
                options(numbers, strings),
                (seed * (u64::MAX as f64)) as u64,
                ms(now),
            ),
            url,
            fetch_url: String::new(),
            fetch_last: None,
            fetch_method: String::new(),
            fetch_body: false,
            fetch_resume: 0,
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
    /// (the core finds the server's message in it).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
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
            body,
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

    /// One of the inputs that carry a text (see `TextInput`): the request
    /// failed (`text` is for people), or what only the page knows.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn input_text(&mut self, now: f64, kind: TextInput, text: String) {
        let error = match kind {
            TextInput::Headers => Error::Headers { message: text },
            TextInput::InvalidRequest => Error::InvalidRequest { message: text },
            TextInput::Aborted => Error::Aborted,
            TextInput::Network => Error::Network { message: text },
            TextInput::PageFacts => return self.page_facts(&text),
        };
        self.core.on_fetch_error(ms(now), error);
    }

    /// One of the inputs that carry nothing but the time and a flag (see
    /// `Input`); returns whether the source paused (for `Input::Hidden`).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn input(&mut self, input: Input, now: f64, flag: bool) -> bool {
        let now = ms(now);
        let core = &mut self.core;
        match input {
            Input::Eof => core.on_eof(now),
            Input::Probed => core.on_probe(now, flag),
            Input::Timer if flag => core.on_timer_held(now),
            Input::Timer => core.on_timer(now),
            Input::Wake => core.wake(now),
            Input::Hidden if flag => return core.stored(),
            Input::Hidden => return core.hidden(),
            Input::Close => core.close(),
            Input::NotResumed => core.not_resumed(),
        }
        false
    }

    /// The next thing to do.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn poll_io(&mut self) -> IoKind {
        match self.core.poll_io() {
            None => IoKind::None,
            Some(Io::Fetch { last_event_id }) => {
                let head = self.core.request_head(&self.url, &last_event_id);
                self.fetch_method = head.method.to_owned();
                self.fetch_body = head.send_body;
                self.fetch_resume = head.resume;
                self.fetch_last = head
                    .last_header()
                    .map(|(name, value)| (name, value.to_owned()));
                self.fetch_url = head.url.into_owned();
                IoKind::Fetch
            }
            Some(Io::Probe) => IoKind::Probe,
            Some(Io::Abort) => IoKind::Abort,
        }
    }

    /// The request `poll_io` asked for: `[method, url, first, last,
    /// sendBody]`, `first` being the `[name, value]` headers to set before
    /// the caller's own (who may replace them: `Accept`, and the
    /// idempotency key when it goes), `last` those to set after
    /// (the `Last-Event-ID`, already encoded for `Headers`), and `sendBody`
    /// whether the caller's body goes with it (not to the resume URL).
    /// When the caller's resume function makes the request
    /// (`RequestHead::resume`), `resume` is the attempt's number; only
    /// `first` then holds.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "[method: string, url: string, first: [string, string][], last: [string, string][], sendBody: boolean, resume?: number]"
    )]
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn request(&self) -> Array {
        let first = Array::new();
        for (name, value) in FIRST_HEADERS {
            first.push(&Array::of2(&name.into(), &value.into()));
        }
        if let Some((name, key)) = self.core.idempotency_key(self.fetch_body) {
            first.push(&Array::of2(&name.into(), &key.into()));
        }
        let last = Array::new();
        if let Some((name, value)) = &self.fetch_last {
            last.push(&Array::of2(&(*name).into(), &value.as_str().into()));
        }
        let request = Array::of5(
            &self.fetch_method.as_str().into(),
            &self.fetch_url.as_str().into(),
            &first,
            &last,
            &self.fetch_body.into(),
        );
        if self.fetch_resume > 0 {
            request.push(&self.fetch_resume.into());
        }
        request
    }

    /// When to call `on_timer` (ms, same clock as `now`), or -1.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn timeout(&self) -> f64 {
        self.core.timeout().map_or(-1.0, |t| t as f64)
    }

    /// What the stream measured (`connection::Stats`) at `now`: its times,
    /// counts and gaps in the order of `CoreStats`, NaN for a time not yet
    /// measured, then the reconnects by the kind of what broke, in the
    /// order of `Error::KINDS`. Undefined when the module measures
    /// nothing: the package's two builds of this module have the same exports (and
    /// so the same glue), and only the one with the `stats` feature
    /// (`eventsource-wasm/stats`) measures.
    #[wasm_bindgen(unchecked_return_type = "CoreStats | undefined")]
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn stats(&self, now: f64) -> JsValue {
        #[cfg(feature = "stats")]
        {
            let s = self.core.stats();
            let t = |v: Option<u64>| v.map_or(f64::NAN, |v| v as f64);
            let figures = [
                t(s.time_to_head_ms),
                t(s.time_to_first_byte_ms),
                t(s.time_to_first_event_ms),
                t(s.reconnect_to_first_event_ms),
                s.events as f64,
                s.bytes as f64,
                s.comments as f64,
                t(s.gap_percentile_ms(50)),
                t(s.gap_percentile_ms(99)),
                s.max_gap_ms as f64,
                s.silence_ms(ms(now)) as f64,
                t(self.core.server_retry_ms()),
            ];
            let out = Array::new();
            let reasons = s.reconnects_by_kind().iter().map(|&n| f64::from(n));
            for v in figures.into_iter().chain(reasons) {
                out.push(&v.into());
            }
            out.into()
        }
        #[cfg(not(feature = "stats"))]
        {
            let _ = now;
            JsValue::UNDEFINED
        }
    }

    /// The `readyState`.
    #[wasm_bindgen(getter, js_name = readyState)]
    #[cfg_attr(npm_size, optimize(size))]
    pub fn ready_state(&self) -> ReadyState {
        match self.core.ready_state() {
            connection::ReadyState::Connecting => ReadyState::Connecting,
            connection::ReadyState::Open => ReadyState::Open,
            connection::ReadyState::Closed => ReadyState::Closed,
        }
    }

    /// Everything the core said since the last call, in order: `[kind, a,
    /// b]` records (`NoticeRecord`): messages (text, lengths: a run of
    /// events as `MessageBatch` describes, one crossing per run), open,
    /// comment (text), error (its `ErrorDetail`, and the reconnect delay or
    /// undefined), reconnecting (delay, attempt).
    #[wasm_bindgen(unchecked_return_type = "NoticeRecord[]")]
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn drain(&mut self) -> Array {
        self.take_notices();
        std::mem::replace(&mut self.out, Array::new())
    }
}

impl SseCore {
    /// What only the page knows (`TextInput::PageFacts`), for the core's
    /// diagnostics (`Connection::on_content_encoding`, `on_protocol`).
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    fn page_facts(&mut self, facts: &str) {
        #[cfg(feature = "stats")]
        {
            let mut lines = facts.split('\n');
            let (encoding, protocol) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
            let streams = lines.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            self.core.on_content_encoding(encoding);
            self.core.on_protocol(protocol, streams);
        }
        let _ = facts;
    }

    /// Moves the core's queued notices into `out`.
    #[cfg_attr(npm_size, optimize(size))]
    fn take_notices(&mut self) {
        let (out, batch) = (&self.out, &mut self.batch);
        while let Some(notice) = self.core.poll_notice() {
            let (kind, a, b) = match notice {
                // Never queued: chunks go through `on_chunk_with`, which
                // hands events to the batch as they are parsed.
                Notice::Message(_) => continue,
                // Its words are js/diagnostics.js's, made from
                // `Diagnostic::explanation` and `fix` by the package build.
                #[cfg(feature = "stats")]
                Notice::Diagnostic(d) => (
                    NoticeKind::Diagnostic,
                    (d.index() as u32).into(),
                    (d.value() as f64).into(),
                ),
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
