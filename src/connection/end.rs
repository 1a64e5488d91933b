//! [`EndRule`]: which events end a stream, beside the end event.

use std::fmt;

/// A rule that ends the stream: it gets each event's type and data, and an
/// event for which it returns `true` is delivered, then the source closes
/// for good (no reconnect, no error), as after the
/// [end event](super::Options::end_event). Set it with
/// [`Options::end_when`](super::Options::end_when).
///
/// The presets cover the token streams of the big LLM APIs, none of which
/// sends `event: end`. A rule of your own is a function (or a closure that
/// captures nothing):
///
/// ```
/// use eventsource_wasm::connection::EndRule;
///
/// assert!(EndRule::OPENAI_CHAT.matches("message", "[DONE]"));
/// assert!(EndRule::OPENAI_RESPONSES.matches("response.completed", "{}"));
/// assert!(EndRule::ANTHROPIC.matches("message_stop", "{}"));
/// // Several event types:
/// let done = EndRule(|event_type, _| matches!(event_type, "done" | "finished"));
/// assert!(done.matches("finished", ""));
/// ```
#[derive(Clone, Copy)]
pub struct EndRule(pub fn(event_type: &str, data: &str) -> bool);

impl EndRule {
    /// OpenAI Chat Completions (and the many APIs that copy its format):
    /// the event whose data is `[DONE]`.
    pub const OPENAI_CHAT: EndRule = EndRule(|_, data| data == "[DONE]");
    /// OpenAI Responses: `response.completed`, `response.failed`,
    /// `response.incomplete` and `error`.
    pub const OPENAI_RESPONSES: EndRule = EndRule(|event_type, _| {
        matches!(
            event_type,
            "response.completed" | "response.failed" | "response.incomplete" | "error"
        )
    });
    /// Anthropic Messages: `message_stop` and `error`.
    pub const ANTHROPIC: EndRule =
        EndRule(|event_type, _| matches!(event_type, "message_stop" | "error"));

    /// Whether an event of this type and data ends the stream.
    pub fn matches(&self, event_type: &str, data: &str) -> bool {
        (self.0)(event_type, data)
    }
}

/// Rules compare by address: a function is equal to itself.
impl PartialEq for EndRule {
    fn eq(&self, other: &Self) -> bool {
        self.0 as usize == other.0 as usize
    }
}

impl Eq for EndRule {}

impl fmt::Debug for EndRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EndRule(..)")
    }
}
