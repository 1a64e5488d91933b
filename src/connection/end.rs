//! [`EndRule`]: which events end a stream, beside the end event.

use std::borrow::Cow;
use std::fmt;

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
/// ```
/// use eventsource_wasm::connection::EndRule;
///
/// assert!(EndRule::OPENAI_CHAT.matches("message", "[DONE]"));
/// assert!(EndRule::OPENAI_RESPONSES.matches("response.completed", "{}"));
/// assert!(EndRule::ANTHROPIC.matches("message_stop", "{}"));
/// // Several event types, or one data value:
/// let done = EndRule::types(["done", "finished"]);
/// assert!(done.matches("finished", ""));
/// assert!(EndRule::data("bye").matches("message", "bye"));
/// // A function (or a closure that captures nothing):
/// let rule = EndRule::custom(|event_type, data| event_type == "status" && data == "finished");
/// assert!(rule.matches("status", "finished"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct EndRule(Rule);

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
    /// the event whose data is `[DONE]`.
    pub const OPENAI_CHAT: EndRule = EndRule(Rule::Data(Cow::Borrowed("[DONE]")));
    /// OpenAI Responses: `response.completed`, `response.failed`,
    /// `response.incomplete` and `error`.
    pub const OPENAI_RESPONSES: EndRule = EndRule(Rule::Types(Cow::Borrowed(
        "response.completed\nresponse.failed\nresponse.incomplete\nerror",
    )));
    /// Anthropic Messages: `message_stop` and `error`.
    pub const ANTHROPIC: EndRule = EndRule(Rule::Types(Cow::Borrowed("message_stop\nerror")));

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
        EndRule(Rule::Types(Cow::Owned(list)))
    }

    /// The event whose data is exactly `data`.
    pub fn data(data: impl Into<String>) -> EndRule {
        EndRule(Rule::Data(Cow::Owned(data.into())))
    }

    /// Events for which `rule(event_type, data)` is `true`: a function, or
    /// a closure that captures nothing. (Rust only: the JavaScript class
    /// runs a function given as `endEvent` itself.)
    pub const fn custom(rule: fn(event_type: &str, data: &str) -> bool) -> EndRule {
        EndRule(Rule::Custom(rule))
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
