//! What the parser hands out.

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
