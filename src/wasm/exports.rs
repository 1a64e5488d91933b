//! `#[wasm_bindgen]` exports.

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::client::{EventSource, Subscription};
use super::fetch::{Credentials, HeadersFn};
use crate::connection::{Notice, Options, RetryPolicy};
use crate::error::Error;
use crate::parser::{Config, ItemRef, ParseError, Parser};

/// The `text/event-stream` parser for JavaScript (js/parser.js builds
/// `createParser` on it). Feed it the bytes of a body as they arrive:
/// `onMessages(text, lengths)` gets each run of events as one string (type,
/// data and last event ID of each event in turn) and their UTF-16 lengths;
/// `onNotice(kind, value)` gets retry (4, ms) and comment (1, text) items,
/// in order with the events.
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamParser {
    parser: Parser,
    on_messages: Function,
    on_notice: Function,
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
        }
    }

    /// Parses the next chunk. Throws a `ParseError` (with `type` and
    /// `limit`) when a limit is exceeded, after everything before it was
    /// delivered; if a handler throws, the rest of the chunk is still
    /// parsed and delivered and the first exception is rethrown.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let mut thrown: Option<JsValue> = None;
        let mut batch = MessageBatch::default();
        let (on_messages, on_notice) = (&self.on_messages, &self.on_notice);
        let mut note = |r: Result<JsValue, JsValue>| {
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
            if !batch.is_empty() {
                note(batch.flush(on_messages));
            }
            note(on_notice.call2(&JsValue::UNDEFINED, &kind.into(), &value));
        });
        if !batch.is_empty() {
            note(batch.flush(on_messages));
        }
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

// --- The connection, for js/event-source.js ------------------------------------

/// Notice kinds passed to `onNotice(kind, a, b)`.
const OPEN: u32 = 0;
const COMMENT: u32 = 1;
const ERROR: u32 = 2;
const RECONNECTING: u32 = 3;
const RETRY: u32 = 4;

/// One connection for the JavaScript `EventSource` class (js/): the same
/// state machine and fetch adapter as the Rust API. Not meant to be used
/// directly; the class documents the options.
///
/// Calls `onMessages(text, lengths)` for each run of events: `text` holds,
/// for every event in turn, its type, data and last event ID, one after the
/// other; `lengths` (a `Uint32Array`) their lengths in UTF-16 code units, so
/// JavaScript slices them out. One call and one string per chunk instead of
/// three strings per event: crossing the boundary is the dearest step.
/// `onNotice(kind, a, b)` gets the rest: open (0, response URL), comment
/// (1, text), error (2, error object, reconnect delay or undefined),
/// reconnecting (3, delay, attempt).
#[wasm_bindgen]
#[derive(Debug)]
pub struct SseConnection {
    source: EventSource,
    _listener: Subscription,
}

fn get(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn get_f64(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key)
        .and_then(|v| v.as_f64())
        .filter(|v| v.is_finite() && *v >= 0.0)
}

fn get_ms(object: &JsValue, key: &str) -> Option<u64> {
    get_f64(object, key).map(|v| v as u64)
}

/// Headers given as a `Headers`, an array of pairs or a plain object.
fn header_pairs(value: &JsValue) -> Result<Vec<(String, String)>, String> {
    let bad =
        || "headers must be a Headers, an array of [name, value] pairs or an object".to_owned();
    let entries: Vec<JsValue> = if Array::is_array(value) {
        Array::from(value).iter().collect()
    } else if let Some(headers) = value.dyn_ref::<web_sys::Headers>() {
        js_sys::try_iter(headers)
            .ok()
            .flatten()
            .ok_or_else(bad)?
            .filter_map(Result::ok)
            .collect()
    } else if value.is_object() {
        Object::entries(value.unchecked_ref()).iter().collect()
    } else {
        return Err(bad());
    };
    entries
        .iter()
        .map(|pair| {
            let pair = Array::from(pair);
            match (pair.get(0).as_string(), pair.get(1)) {
                (Some(name), value) if !value.is_undefined() => Ok((name, js_string(&value))),
                _ => Err(bad()),
            }
        })
        .collect()
}

fn js_string(value: &JsValue) -> String {
    value
        .as_string()
        .unwrap_or_else(|| String::from(js_sys::JsString::from(value.clone())))
}

/// A JS headers function (sync or async) as the adapter's callback.
fn headers_fn(f: Function) -> HeadersFn {
    Rc::new(
        move || -> LocalBoxFuture<'static, Result<Vec<(String, String)>, String>> {
            let called = f.call0(&JsValue::UNDEFINED);
            Box::pin(async move {
                let value = called.map_err(|e| super::sys::message_of(&e))?;
                let value = JsFuture::from(Promise::resolve(&value))
                    .await
                    .map_err(|e| super::sys::message_of(&e))?;
                header_pairs(&value)
            })
        },
    )
}

fn options_from(init: &JsValue) -> Result<Options, JsValue> {
    let mut options = Options::default();
    if let Some(retry) = get(init, "retry") {
        let d = RetryPolicy::default();
        options.retry = RetryPolicy {
            initial_delay_ms: get_ms(&retry, "initialDelay").unwrap_or(d.initial_delay_ms),
            min_delay_ms: get_ms(&retry, "minDelay").unwrap_or(d.min_delay_ms),
            max_delay_ms: get_ms(&retry, "maxDelay").unwrap_or(d.max_delay_ms),
            factor: get_f64(&retry, "factor").unwrap_or(d.factor),
            jitter: get_f64(&retry, "jitter").unwrap_or(d.jitter),
            max_attempts: get_f64(&retry, "maxAttempts").map(|n| n.min(u32::MAX as f64) as u32),
            healthy_after_ms: get_ms(&retry, "healthyAfter").unwrap_or(d.healthy_after_ms),
        };
    }
    if let Some(statuses) = get(init, "retryStatuses") {
        options.retry_statuses = Array::from(&statuses)
            .iter()
            .filter_map(|s| s.as_f64())
            .map(|s| s as u16)
            .collect();
    }
    // `endEvent: null` switches it off; absent keeps the default.
    match Reflect::get(init, &"endEvent".into()) {
        Ok(v) if v.is_null() => options.end_event = None,
        Ok(v) if v.is_undefined() => {}
        Ok(v) => options.end_event = Some(js_string(&v)),
        Err(e) => return Err(e),
    }
    options.idle_timeout_ms = get_ms(init, "idleTimeout");
    if let Some(n) = get_ms(init, "maxLineLength") {
        options.limits = options.limits.max_line_len(n as usize);
    }
    if let Some(n) = get_ms(init, "maxEventLength") {
        options.limits = options.limits.max_event_len(n as usize);
    }
    if let Some(id) = get(init, "lastEventId") {
        options.last_event_id = js_string(&id);
    }
    Ok(options)
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

#[wasm_bindgen]
impl SseConnection {
    /// Opens a connection; see js/event-source.js for `init`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: String,
        init: JsValue,
        on_messages: Function,
        on_notice: Function,
    ) -> Result<SseConnection, JsValue> {
        let init = if init.is_object() {
            init
        } else {
            Object::new().into()
        };
        let mut builder = EventSource::builder(url).options(options_from(&init)?);
        if let Some(method) = get(&init, "method") {
            builder = builder.method(js_string(&method));
        }
        if let Some(body) = get(&init, "body") {
            builder = builder.body_js(body);
        }
        builder = builder.credentials(
            match get(&init, "credentials")
                .and_then(|c| c.as_string())
                .as_deref()
            {
                Some("include") => Credentials::Include,
                Some("omit") => Credentials::Omit,
                _ => Credentials::SameOrigin,
            },
        );
        if let Some(headers) = get(&init, "headers") {
            match headers.dyn_into::<Function>() {
                Ok(f) => builder = builder.headers_fn(headers_fn(f)),
                Err(headers) => {
                    for (name, value) in
                        header_pairs(&headers).map_err(|m| js_sys::TypeError::new(&m))?
                    {
                        builder = builder.header(name, value);
                    }
                }
            }
        }
        if let Some(fetch) = get(&init, "fetch") {
            let fetch = fetch
                .dyn_into::<Function>()
                .map_err(|_| js_sys::TypeError::new("fetch must be a function"))?;
            builder = builder.fetch_fn(fetch);
        }
        let source = builder.build();
        // The listener holds a clone (for the response URL). Freeing the
        // SseConnection drops the subscription, hence that clone, and with
        // it the last handle, which closes the connection.
        let url_source = source.clone();
        let listener = source.on_notices(move |notices| {
            // Runs of messages cross as one string and one length table;
            // other notices one call each, in order. Exceptions are the JS
            // side's to report; it catches its own.
            let mut batch = MessageBatch::default();
            for notice in notices {
                if let Notice::Message(e) = notice {
                    batch.push(&e.event_type, &e.data, &e.last_event_id);
                    continue;
                }
                if !batch.is_empty() {
                    let _ = batch.flush(&on_messages);
                }
                let _ = match notice {
                    Notice::Open => on_notice.call2(
                        &JsValue::UNDEFINED,
                        &OPEN.into(),
                        &url_source.response_url().into(),
                    ),
                    Notice::Comment(text) => on_notice.call2(
                        &JsValue::UNDEFINED,
                        &COMMENT.into(),
                        &JsValue::from_str(text),
                    ),
                    Notice::Error {
                        error,
                        reconnect_in_ms,
                    } => on_notice.call3(
                        &JsValue::UNDEFINED,
                        &ERROR.into(),
                        &error_object(error),
                        &reconnect_in_ms.map_or(JsValue::UNDEFINED, |d| (d as f64).into()),
                    ),
                    Notice::Reconnecting { delay_ms, attempt } => on_notice.call3(
                        &JsValue::UNDEFINED,
                        &RECONNECTING.into(),
                        &(*delay_ms as f64).into(),
                        &(*attempt).into(),
                    ),
                    Notice::Message(_) => Ok(JsValue::UNDEFINED),
                };
            }
            if !batch.is_empty() {
                let _ = batch.flush(&on_messages);
            }
        });
        Ok(SseConnection {
            source,
            _listener: listener,
        })
    }

    /// Closes for good (silently, as `EventSource.close()`).
    pub fn close(&self) {
        self.source.close();
    }

    /// 0 connecting, 1 open, 2 closed.
    #[wasm_bindgen(getter, js_name = readyState)]
    pub fn ready_state(&self) -> u16 {
        self.source.ready_state() as u16
    }

    /// The last event ID.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.source.last_event_id()
    }
}

/// Events on their way to JavaScript as one string plus lengths.
#[derive(Default)]
struct MessageBatch {
    text: String,
    lengths: Vec<u32>,
}

impl MessageBatch {
    fn push(&mut self, event_type: &str, data: &str, last_event_id: &str) {
        for part in [event_type, data, last_event_id] {
            self.text.push_str(part);
            self.lengths.push(utf16_len(part));
        }
    }

    fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    fn flush(&mut self, on_messages: &Function) -> Result<JsValue, JsValue> {
        let lengths = js_sys::Uint32Array::from(self.lengths.as_slice());
        let result = on_messages.call2(
            &JsValue::UNDEFINED,
            &JsValue::from_str(&self.text),
            &lengths,
        );
        self.text.clear();
        self.lengths.clear();
        result
    }
}

/// Length in UTF-16 code units (what JavaScript's `slice` counts).
fn utf16_len(s: &str) -> u32 {
    let n = if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    };
    n as u32
}
