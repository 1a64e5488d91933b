//! `StreamParser`: the parser on its own, for `createParser`.

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::batch::MessageBatch;
use super::NoticeKind;
use crate::parser::{Config, ItemRef, ParseError, Parser};

/// The `text/event-stream` parser for JavaScript (js/parser.js builds
/// `createParser` on it). Feed it the bytes of a body as they arrive:
/// `onMessages(text, at, count)` gets each run of events as one string and
/// the place of their lengths in the module's memory (as `MessageBatch`
/// describes: type, data and last event ID of each event in turn, pointing
/// into that string or into the chunk being fed);
/// `onNotice(kind, value)` gets retry (`NoticeKind.Retry`, ms) and comment
/// (`NoticeKind.Comment`, text) items, in order with the events.
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
    let error = js_sys::Error::new(&e.words());
    error.set_name("ParseError");
    let kind = match e {
        ParseError::LineTooLong { .. } => "line-too-long",
        ParseError::EventTooLarge { .. } => "event-too-large",
    };
    // Setting plain data properties on a fresh Error object cannot fail.
    super::reflect_set(&error, &"type".into(), &kind.into());
    super::reflect_set(&error, &"limit".into(), &(e.limit() as f64).into());
    error.into()
}

#[wasm_bindgen]
impl StreamParser {
    /// `new StreamParser(onMessages, onNotice, maxLineLength?, maxEventLength?)`;
    /// limits default to 16 MiB each.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "(text: string, at: number, count: number) => void")]
        on_messages: Function,
        #[wasm_bindgen(unchecked_param_type = "(kind: NoticeKind, value: any) => void")]
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
            let (kind, value) = match item {
                ItemRef::Event(e) => {
                    batch.push(chunk, &e.event_type, &e.data, e.last_event_id);
                    return;
                }
                ItemRef::Retry(ms) => (NoticeKind::Retry, (ms as f64).into()),
                ItemRef::Comment(text) => (NoticeKind::Comment, JsValue::from_str(&text)),
            };
            note(batch.flush(on_messages));
            note(
                on_notice
                    .call2(&JsValue::UNDEFINED, &(kind as u32).into(), &value)
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

    /// The last event ID, to send as `Last-Event-ID` when reconnecting.
    #[wasm_bindgen(getter, js_name = lastEventId)]
    pub fn last_event_id(&self) -> String {
        self.parser.last_event_id().to_owned()
    }
}
