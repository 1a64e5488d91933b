//! What the parser hands out.

use std::borrow::Cow;

/// One dispatched event, as the browser would hand it to a `MessageEvent`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event type: the block's `event` field, or `"message"` when it had
    /// none or an empty one. Listeners are chosen by this name.
    pub event_type: String,
    /// The block's `data` lines joined with LF (the last LF removed).
    pub data: String,
    /// The last event ID at the moment of dispatch: set by the most recent
    /// `id` field of this or any earlier block, empty if never set or reset.
    pub last_event_id: String,
}

/// Something the stream said: an event, a new reconnection time, or a
/// comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A complete event (a block ended by a blank line, with data).
    Event(Event),
    /// A valid `retry` field: the server's reconnection time, in
    /// milliseconds. It takes effect when read, even in a block that never
    /// dispatches. Values too large for `u64` saturate to `u64::MAX`.
    Retry(u64),
    /// A comment line (`: text`), with the colon and one following space
    /// removed. Servers send these as heartbeats.
    Comment(String),
}

/// An [`Item`] borrowed from the parser's buffers, handed out by
/// [`Parser::feed_ref`](super::Parser::feed_ref) without allocating. Valid
/// UTF-8 is borrowed as it is; only invalid bytes cost a decoded copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemRef<'a> {
    /// A complete event.
    Event(EventRef<'a>),
    /// A valid `retry` field, in milliseconds (see [`Item::Retry`]).
    Retry(u64),
    /// A comment line (see [`Item::Comment`]).
    Comment(Cow<'a, str>),
}

/// An [`Event`] borrowed from the parser's buffers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef<'a> {
    /// See [`Event::event_type`].
    pub event_type: Cow<'a, str>,
    /// See [`Event::data`].
    pub data: Cow<'a, str>,
    /// See [`Event::last_event_id`].
    pub last_event_id: &'a str,
}

impl ItemRef<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> Item {
        match self {
            ItemRef::Event(e) => Item::Event(e.to_owned()),
            ItemRef::Retry(ms) => Item::Retry(*ms),
            ItemRef::Comment(text) => Item::Comment(String::from(&**text)),
        }
    }
}

impl EventRef<'_> {
    /// An owned copy.
    pub fn to_owned(&self) -> Event {
        // One allocation each, whether the text is borrowed or was decoded.
        Event {
            event_type: String::from(&*self.event_type),
            data: String::from(&*self.data),
            last_event_id: self.last_event_id.to_owned(),
        }
    }
}
