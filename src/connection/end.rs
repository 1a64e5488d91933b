//! [`EndRule`]: which events end a stream, beside the end event, and
//! which say it failed.

use std::borrow::Cow;
use std::fmt;

use super::server_message::{
    Found, CODE, ERROR, ERROR_CODE, ERROR_MESSAGE, ERROR_TYPE, INCOMPLETE_REASON, MESSAGE,
    RESPONSE_ERROR_CODE, RESPONSE_ERROR_MESSAGE,
};
use crate::error::{Error, ErrorBody};

/// A rule that ends the stream: an event it matches is delivered, then the
/// source closes for good (no reconnect, no error), as after the
/// [end event](super::Options::end_event). Set it with
/// [`Options::end_when`](super::Options::end_when).
///
/// A rule is data the connection evaluates, so that the JavaScript class
/// and the Rust API end on exactly the same events: a list of event types,
/// an exact data value, or (from Rust only) a function of your own. The
/// presets cover the token streams of the big LLM APIs, none of which
/// sends `event: end`; JavaScript reaches the same presets by name
/// ([`EndRule::preset`], `eventsource-wasm/llm`).
///
/// A preset also knows how its API reports a failure inside a stream that
/// had opened ([`failure`](EndRule::failure)): such an event ends the
/// source with [`Error::Provider`] instead of ending it as done.
///
/// ```
/// use eventsource_wasm::connection::EndRule;
///
/// assert!(EndRule::OPENAI_CHAT.matches("message", "[DONE]"));
/// assert!(EndRule::OPENAI_RESPONSES.matches("response.completed", "{}"));
/// assert!(EndRule::ANTHROPIC.matches("message_stop", "{}"));
/// // A failure is not an end:
/// let overloaded = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
/// assert!(!EndRule::ANTHROPIC.matches("error", overloaded));
/// assert_eq!(
///     EndRule::ANTHROPIC.failure("error", overloaded).unwrap().to_string(),
///     r#"the stream reported a failure in its "error" event (overloaded_error): Overloaded"#,
/// );
/// // Several event types, or one data value:
/// let done = EndRule::types(["done", "finished"]);
/// assert!(done.matches("finished", ""));
/// assert!(EndRule::data("bye").matches("message", "bye"));
/// // A function (or a closure that captures nothing):
/// let rule = EndRule::custom(|event_type, data| event_type == "status" && data == "finished");
/// assert!(rule.matches("status", "finished"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EndRule(Rule, Fails);

/// How a preset's API reports a failure in the stream.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fails {
    Never,
    /// `{"error": …}` as the data of any event.
    OpenAiChat,
    /// `response.failed`, `response.incomplete` and `error` events.
    OpenAiResponses,
    /// The `error` event.
    Anthropic,
}

/// What an [`EndRule`] matches. A list of types is one string, the types
/// separated by line feeds: no event type can contain one (the parser
/// splits lines on it), and one string is lighter in WebAssembly than a
/// vector of them.
#[derive(Clone)]
enum Rule {
    Types(Cow<'static, str>),
    Data(Cow<'static, str>),
    Custom(fn(&str, &str) -> bool),
}

impl EndRule {
    /// OpenAI Chat Completions (and the many APIs that copy its format):
    /// the event whose data is `[DONE]`. Fails on data that is a JSON
    /// object with an `error` (a type, code or message in it, or a string).
    pub const OPENAI_CHAT: EndRule =
        EndRule(Rule::Data(Cow::Borrowed("[DONE]")), Fails::OpenAiChat);
    /// OpenAI Responses: `response.completed`. Fails on
    /// `response.failed`, `response.incomplete` (the code is the reason)
    /// and `error`.
    pub const OPENAI_RESPONSES: EndRule = EndRule(
        Rule::Types(Cow::Borrowed("response.completed")),
        Fails::OpenAiResponses,
    );
    /// Anthropic Messages: `message_stop`. Fails on `error`
    /// (`overloaded_error`, say).
    pub const ANTHROPIC: EndRule =
        EndRule(Rule::Types(Cow::Borrowed("message_stop")), Fails::Anthropic);

    /// A preset by the name JavaScript uses for it (`eventsource-wasm/llm`):
    /// `"openai-chat"`, `"openai-responses"` or `"anthropic"`.
    pub fn preset(name: &str) -> Option<EndRule> {
        match name {
            "openai-chat" => Some(EndRule::OPENAI_CHAT),
            "openai-responses" => Some(EndRule::OPENAI_RESPONSES),
            "anthropic" => Some(EndRule::ANTHROPIC),
            _ => None,
        }
    }

    /// Events of any of these types. (A type with a line break in it could
    /// never be received, and matches nothing.)
    pub fn types<S: AsRef<str>>(types: impl IntoIterator<Item = S>) -> EndRule {
        let mut list = String::new();
        for t in types {
            let t = t.as_ref();
            // Never received, so never matched: left out.
            if t.is_empty() || t.bytes().any(|b| b == b'\n' || b == b'\r') {
                continue;
            }
            if !list.is_empty() {
                list.push('\n');
            }
            list.push_str(t);
        }
        EndRule(Rule::Types(Cow::Owned(list)), Fails::Never)
    }

    /// The event whose data is exactly `data`.
    pub fn data(data: impl Into<String>) -> EndRule {
        EndRule(Rule::Data(Cow::Owned(data.into())), Fails::Never)
    }

    /// Events for which `rule(event_type, data)` is `true`: a function, or
    /// a closure that captures nothing. (Rust only: the JavaScript class
    /// runs a function given as `endEvent` itself.)
    pub const fn custom(rule: fn(event_type: &str, data: &str) -> bool) -> EndRule {
        EndRule(Rule::Custom(rule), Fails::Never)
    }

    /// Whether an event of this type and data ends the stream.
    pub fn matches(&self, event_type: &str, data: &str) -> bool {
        match &self.0 {
            Rule::Types(types) => {
                !types.is_empty()
                    && types
                        .as_bytes()
                        .split(|&b| b == b'\n')
                        .any(|t| t == event_type.as_bytes())
            }
            Rule::Data(value) => value == data,
            Rule::Custom(rule) => rule(event_type, data),
        }
    }

    /// Whether an event reports a failure (see [`failure`](Self::failure)),
    /// which is then put in `slot`. (Out of line, so that the connection's
    /// hot loop carries no error.)
    #[cfg_attr(npm_size, optimize(size))]
    #[inline(never)]
    pub(crate) fn failed(&self, event_type: &str, data: &str, slot: &mut Option<Error>) -> bool {
        *slot = self.failure(event_type, data);
        slot.is_some()
    }

    /// The failure an event of this type and data reports, for the
    /// presets (see each); `None` for any other rule or event.
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn failure(&self, event_type: &str, data: &str) -> Option<Error> {
        let fails = match self.1 {
            Fails::Never => false,
            Fails::Anthropic => event_type == "error",
            Fails::OpenAiResponses => {
                matches!(
                    event_type,
                    "error" | "response.failed" | "response.incomplete"
                )
            }
            // Token data never holds `"error"` with both quotes unescaped
            // but where it is a key: the JSON is read only then.
            Fails::OpenAiChat => data.as_bytes().windows(7).any(|w| w == b"\"error\""),
        };
        if !fails {
            return None;
        }
        // Where each API puts its type of error, its code and its message
        // (see `server_message`'s slots); data that is not JSON has none.
        let mut found = Found::read(data);
        // An OpenAI-style chunk fails only when its `error` has a string in
        // one of the places APIs put one.
        let error = [ERROR_TYPE, ERROR_CODE, ERROR_MESSAGE, ERROR];
        if self.1 == Fails::OpenAiChat && !found.as_ref().is_some_and(|f| f.holds(&error)) {
            return None;
        }
        let mut first = |slots: &[usize]| found.as_mut()?.first(slots);
        let error_type = first(&[ERROR_TYPE]);
        let code = first(&[ERROR_CODE, CODE, RESPONSE_ERROR_CODE, INCOMPLETE_REASON]);
        let message = first(&[ERROR_MESSAGE, ERROR, MESSAGE, RESPONSE_ERROR_MESSAGE]);
        Some(Error::Provider {
            event_type: event_type.to_owned(),
            error_type,
            code,
            body: Box::new(ErrorBody::new(data.to_owned(), message)),
        })
    }
}

/// Functions compare by address: a function is equal to itself.
impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Rule::Types(a), Rule::Types(b)) | (Rule::Data(a), Rule::Data(b)) => a == b,
            (Rule::Custom(a), Rule::Custom(b)) => *a as usize == *b as usize,
            _ => false,
        }
    }
}

impl Eq for Rule {}

impl fmt::Debug for EndRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Rule::Types(types) => f.debug_tuple("EndRule::types").field(types).finish(),
            Rule::Data(data) => f.debug_tuple("EndRule::data").field(data).finish(),
            Rule::Custom(_) => f.write_str("EndRule::custom(..)"),
        }
    }
}
