//! `#[wasm_bindgen]` exports.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

use crate::parser::{Config, Item, ParseError, Parser};

#[wasm_bindgen(typescript_custom_section)]
const TS_HANDLERS: &str = r#"
/** Callbacks of a `StreamParser`; each is optional. */
export interface StreamParserHandlers {
  /** A complete event: its type (`"message"` by default), data and last event ID. */
  onEvent?: (type: string, data: string, lastEventId: string) => void;
  /** A valid `retry:` field, in milliseconds. */
  onRetry?: (ms: number) => void;
  /** A comment line (`: text`), without the colon and one following space. */
  onComment?: (text: string) => void;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "StreamParserHandlers")]
    pub type StreamParserHandlers;
}

/// The `text/event-stream` parser, for JavaScript: feed it the bytes of a
/// response body as they arrive and it calls your handlers.
#[wasm_bindgen]
#[derive(Debug)]
pub struct StreamParser {
    parser: Parser,
    on_event: Option<Function>,
    on_retry: Option<Function>,
    on_comment: Option<Function>,
}

fn handler(handlers: &JsValue, name: &str) -> Result<Option<Function>, JsValue> {
    let value = Reflect::get(handlers, &JsValue::from_str(name))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_into::<Function>()
        .map(Some)
        .map_err(|_| js_sys::TypeError::new(&format!("{name} must be a function")).into())
}

fn parse_error(e: ParseError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("ParseError");
    let kind = match e {
        ParseError::LineTooLong { .. } => "line-too-long",
        ParseError::EventTooLarge { .. } => "event-too-large",
    };
    // Setting plain data properties on a fresh Error object cannot fail.
    let _ = Reflect::set(&error, &"kind".into(), &kind.into());
    let _ = Reflect::set(&error, &"limit".into(), &(e.limit() as f64).into());
    error.into()
}

#[wasm_bindgen]
impl StreamParser {
    /// `new StreamParser(handlers, maxLineLength?, maxEventLength?)`;
    /// limits default to 16 MiB each.
    #[wasm_bindgen(constructor)]
    pub fn new(
        handlers: &StreamParserHandlers,
        max_line_length: Option<u32>,
        max_event_length: Option<u32>,
    ) -> Result<StreamParser, JsValue> {
        let mut config = Config::default();
        if let Some(n) = max_line_length {
            config = config.max_line_len(n as usize);
        }
        if let Some(n) = max_event_length {
            config = config.max_event_len(n as usize);
        }
        Ok(StreamParser {
            parser: Parser::with_config(config),
            on_event: handler(handlers, "onEvent")?,
            on_retry: handler(handlers, "onRetry")?,
            on_comment: handler(handlers, "onComment")?,
        })
    }

    /// Parses the next chunk of the body, calling the handlers for what it
    /// completes. Throws a `ParseError` (with `kind` and `limit`) when a
    /// limit is exceeded, after the handlers saw everything before it; if a
    /// handler throws, the remaining items are still delivered and the first
    /// exception is rethrown afterwards.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        let mut thrown: Option<JsValue> = None;
        let (on_event, on_retry, on_comment) = (&self.on_event, &self.on_retry, &self.on_comment);
        let result = self.parser.feed_with(chunk, |item| {
            let called = match item {
                Item::Event(e) => on_event.as_ref().map(|f| {
                    f.call3(
                        &JsValue::NULL,
                        &e.event_type.into(),
                        &e.data.into(),
                        &e.last_event_id.into(),
                    )
                }),
                Item::Retry(ms) => on_retry
                    .as_ref()
                    .map(|f| f.call1(&JsValue::NULL, &(ms as f64).into())),
                Item::Comment(text) => on_comment
                    .as_ref()
                    .map(|f| f.call1(&JsValue::NULL, &text.into())),
            };
            if let Some(Err(e)) = called {
                thrown.get_or_insert(e);
            }
        });
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

    /// The last event ID, to send as `Last-Event-ID` when reconnecting.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().to_owned()
    }
}
