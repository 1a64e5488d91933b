//! A streaming `text/event-stream` parser.
//!
//! Push bytes in as they arrive with [`Parser::feed`], pull [`Item`]s out
//! with [`Parser::next_item`]; call [`Parser::finish`] when the stream ends.
//! The parser follows the WHATWG HTML "Server-sent events" rules for
//! interpreting an event stream
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream>)
//! byte for byte, whatever the chunking:
//!
//! - the stream is UTF-8 whatever the `charset`; invalid bytes become U+FFFD,
//!   also when a character or an invalid sequence is split across chunks;
//! - one BOM is dropped at stream start, also when its bytes come in
//!   separate (or empty) chunks; a later BOM is text;
//! - lines end with CRLF, LF or CR, mixed freely; a CR ending one chunk and
//!   an LF starting the next are one line end;
//! - `data` lines are joined with LF, the empty ones included; `id` values
//!   containing NUL are ignored; `retry` takes ASCII digits only;
//! - the last event ID carries across events and is moved by id-only blocks;
//!   an event unfinished when the stream ends is discarded.
//!
//! It has no clock, does no I/O and knows nothing of JavaScript: the same
//! code runs natively (tests, fuzzing, benchmarks) and in WebAssembly.
//!
//! # Memory
//!
//! Two buffers grow with the input, each with a limit in [`Config`]: the
//! unfinished line (at most [`Config::max_line_len`] bytes) and the data of
//! the event being read (at most [`Config::max_event_len`] bytes). The event
//! type and the last event ID are each one line's value, so the line limit
//! bounds them too ([`Parser::buffered`] gives the exact bound). Items that
//! [`feed`](Parser::feed) completes wait in a queue until taken with
//! [`next_item`](Parser::next_item): drain it after every feed, or use
//! [`feed_ref`](Parser::feed_ref), which queues nothing.
//!
//! # Time
//!
//! Linear in the input for every chunking: each byte is looked at a bounded
//! number of times, and an unfinished line is appended to, never re-scanned
//! or re-joined.
//!
//! # Example
//!
//! ```
//! use eventsource_wasm::parser::{Item, Parser};
//!
//! let mut parser = Parser::new();
//! parser.feed(b"id: 7\nevent: tick\ndata: {\"n\":1}\r").unwrap();
//! parser.feed(b"\n\r\n: ping\nretry: 2500\n").unwrap();
//!
//! let Some(Item::Event(event)) = parser.next_item() else { panic!() };
//! assert_eq!(event.event_type, "tick");
//! assert_eq!(event.data, "{\"n\":1}");
//! assert_eq!(event.last_event_id, "7");
//! assert_eq!(parser.next_item(), Some(Item::Comment("ping".into())));
//! assert_eq!(parser.next_item(), Some(Item::Retry(2500)));
//! assert_eq!(parser.next_item(), None);
//! ```

mod event;
mod field;
pub(crate) use field::mul_add;
mod line;

use std::collections::VecDeque;
use std::ops::ControlFlow;

pub use self::event::{Event, EventRef, Item, ItemRef};
use self::field::EventBuilder;
use self::line::LineSplitter;
pub use crate::error::ParseError;

/// Default for [`Config::max_line_len`]: 16 MiB.
pub const DEFAULT_MAX_LINE_LEN: usize = 16 * 1024 * 1024;
/// Default for [`Config::max_event_len`]: 16 MiB.
pub const DEFAULT_MAX_EVENT_LEN: usize = 16 * 1024 * 1024;

/// Limits on what the parser buffers.
///
/// ```
/// use eventsource_wasm::parser::{Config, Parser, ParseError};
///
/// let mut parser = Parser::with_config(Config::default().max_line_len(8));
/// assert_eq!(parser.feed(b"data: 123456789"), Err(ParseError::LineTooLong { limit: 8 }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The longest line, in bytes, terminator excluded: any field or
    /// comment, and an unfinished line waiting for its end. Every line
    /// counts, whatever its field, so the outcome never depends on chunking.
    pub max_line_len: usize,
    /// The most `data` one event may carry, in bytes: the sum over its
    /// `data` lines of each value's length plus one (the LF joining them).
    pub max_event_len: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_line_len: DEFAULT_MAX_LINE_LEN,
            max_event_len: DEFAULT_MAX_EVENT_LEN,
        }
    }
}

impl Config {
    /// Sets [`Config::max_line_len`].
    #[must_use]
    pub fn max_line_len(mut self, bytes: usize) -> Self {
        self.max_line_len = bytes;
        self
    }

    /// Sets [`Config::max_event_len`].
    #[must_use]
    pub fn max_event_len(mut self, bytes: usize) -> Self {
        self.max_event_len = bytes;
        self
    }
}

/// A streaming parser for one event source: see the [module docs](self).
#[derive(Debug)]
pub struct Parser {
    config: Config,
    lines: LineSplitter,
    block: EventBuilder,
    queue: VecDeque<Item>,
    /// Set when a limit was exceeded; the stream is not read further.
    error: Option<ParseError>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

impl Parser {
    /// A parser with the default limits.
    pub fn new() -> Self {
        Parser::with_config(Config::default())
    }

    /// A parser with the given limits.
    pub fn with_config(config: Config) -> Self {
        Parser {
            config,
            lines: LineSplitter::new(),
            block: EventBuilder::default(),
            queue: VecDeque::new(),
            error: None,
        }
    }

    /// The limits in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Parses the next chunk of the stream; completed items are queued for
    /// [`next_item`](Parser::next_item).
    ///
    /// Chunks may split the stream anywhere: inside a line, a CRLF pair, a
    /// UTF-8 character or the BOM. Empty chunks are harmless.
    ///
    /// # Errors
    ///
    /// When the chunk makes a buffer exceed its limit in [`Config`]. All
    /// items completed before the offending line are queued as usual; the
    /// rest of the stream is not read: later calls return the same error
    /// until [`finish`](Parser::finish) (a new stream) or
    /// [`reset`](Parser::reset).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ParseError> {
        // Take the queue out for the duration, so that `feed_ref` can
        // borrow the parser; it goes back with its capacity.
        let mut queue = std::mem::take(&mut self.queue);
        let result = self.feed_ref(chunk, |item| queue.push_back(item.to_owned()));
        self.queue = queue;
        result
    }

    /// Like [`feed`](Parser::feed), but lends each item to `emit` at once,
    /// borrowed from the parser's buffers (or from `chunk` itself), instead
    /// of queueing an owned copy: no allocation per event, the fastest way
    /// to copy events somewhere else (the WebAssembly exports use it).
    /// Items already queued stay queued.
    ///
    /// # Errors
    ///
    /// As for [`feed`](Parser::feed).
    pub fn feed_ref(
        &mut self,
        chunk: &[u8],
        mut emit: impl FnMut(ItemRef<'_>),
    ) -> Result<(), ParseError> {
        self.feed_until(chunk, &mut |item| {
            emit(item);
            ControlFlow::Continue(())
        })
    }

    /// Like [`feed_ref`](Parser::feed_ref), but `emit` may stop the parse:
    /// after [`ControlFlow::Break`], the rest of the chunk is not
    /// interpreted (the last event ID stays what it was at that item) and
    /// the parser must be [`finish`](Parser::finish)ed before it is fed
    /// again (the connection closes). The sink is behind a pointer so that
    /// the parsing code is compiled once, not once per caller's closure: in
    /// WebAssembly every copy is paid in download size, and an indirect
    /// call per item costs next to nothing.
    pub(crate) fn feed_until(
        &mut self,
        chunk: &[u8],
        emit: &mut dyn FnMut(ItemRef<'_>) -> ControlFlow<()>,
    ) -> Result<(), ParseError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut reader = Reader {
            block: &mut self.block,
            config: &self.config,
            emit,
            stopped: false,
        };
        let result = self
            .lines
            .split(chunk, self.config.max_line_len, &mut reader);
        if let Err(e) = result {
            // Terminated: drop the half-read block; what was dispatched stays.
            self.block.discard_block();
            self.error = Some(e);
        }
        result
    }

    /// Takes the oldest completed item, if any.
    pub fn next_item(&mut self) -> Option<Item> {
        self.queue.pop_front()
    }

    /// The stream ended (the response body closed or failed).
    ///
    /// Discards the unfinished line and event, as the specification
    /// requires, including an `id` seen in that unfinished block. Queued
    /// items stay. The parser is then ready for the next stream of the same
    /// source (after a reconnect): a BOM may open it again, a limit error is
    /// cleared, and the last event ID is kept.
    #[inline(never)]
    pub fn finish(&mut self) {
        self.lines.restart();
        self.block.discard_block();
        self.error = None;
    }

    /// Returns the parser to its state when new, keeping only its limits:
    /// the queue, the last event ID and any limit error are cleared.
    pub fn reset(&mut self) {
        self.finish();
        self.queue.clear();
        self.block.set_last_event_id("");
    }

    /// The last event ID: what the `id` field of the latest block that
    /// reached its blank line said (possibly empty). A reconnect sends it
    /// as `Last-Event-ID`.
    pub fn last_event_id(&self) -> &str {
        self.block.last_event_id()
    }

    /// Sets the last event ID, e.g. to resume from a stored position.
    #[inline(never)]
    pub fn set_last_event_id(&mut self, id: &str) {
        self.block.set_last_event_id(id);
    }

    /// The error that stopped this stream, if a limit was exceeded.
    pub fn error(&self) -> Option<ParseError> {
        self.error
    }

    /// Bytes held for the stream: the unfinished line, and the data and
    /// event type of the block being read. Never more than
    /// `2 * max_line_len + max_event_len` (the type is one line's value).
    /// The last event ID (one line's value too) and queued items are not
    /// counted.
    pub fn buffered(&self) -> usize {
        self.lines.buffered() + self.block.buffered()
    }
}

/// The lines of one chunk, to the block being read, until the sink stops.
struct Reader<'a> {
    block: &'a mut EventBuilder,
    config: &'a Config,
    emit: &'a mut dyn FnMut(ItemRef<'_>) -> ControlFlow<()>,
    stopped: bool,
}

impl line::Lines for Reader<'_> {
    fn line(&mut self, line: &[u8]) -> Result<(), ParseError> {
        if self.stopped {
            return Ok(());
        }
        let (emit, stopped) = (&mut self.emit, &mut self.stopped);
        self.block.process_line(line, self.config, &mut |item| {
            let flow = emit(item);
            *stopped = flow.is_break();
            flow
        })
    }

    fn blocks(&mut self, rest: &[u8]) -> usize {
        if self.stopped {
            return rest.len();
        }
        let (emit, stopped) = (&mut self.emit, &mut self.stopped);
        self.block.whole_blocks(rest, self.config, &mut |item| {
            let flow = emit(item);
            *stopped = flow.is_break();
            flow
        })
    }
}

/// Appends `bytes` (and room for one more byte), growing the buffer as
/// `Vec` does (doubling) but never past `limit` bytes of capacity: a buffer
/// near its limit is not given twice the limit.
fn append_within(buffer: &mut Vec<u8>, bytes: &[u8], limit: usize) {
    let needed = buffer.len() + bytes.len() + 1;
    if needed > buffer.capacity() {
        let target = needed.max(buffer.capacity().saturating_mul(2).min(limit));
        buffer.reserve_exact(target - buffer.len());
    }
    buffer.extend_from_slice(bytes);
}
