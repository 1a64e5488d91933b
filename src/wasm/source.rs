//! [`EventSource`], and the streams and subscriptions made from it.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::Stream;
use serde::de::DeserializeOwned;

use super::dispatch::{Handle, Queue, Shared, Sink, Subscriber};
use super::sys;
use crate::connection::{Notice, ReadyState};
use crate::error::DecodeError;
use crate::parser::Event;

/// A Server-Sent Events connection over `fetch()`, for Rust WebAssembly
/// frontends.
///
/// Clones share one connection. The connection lives while any clone, or
/// any stream or listener made from one, is alive; dropping the last of
/// them closes it. Dropping one clone never closes the others.
///
/// ```no_run
/// use eventsource_wasm::wasm::EventSource;
/// use futures::StreamExt;
///
/// #[derive(serde::Deserialize)]
/// struct Progress { percent: u8 }
///
/// # async fn run() {
/// let source = EventSource::builder("https://api.example.com/jobs/42/events")
///     .header("Authorization", "Bearer abc")
///     .build();
/// let mut progress = source.typed_stream::<Progress>("progress");
/// while let Some(update) = progress.next().await {
///     match update {
///         Ok(p) => log(p.percent),
///         Err(bad) => log_error(&bad.data), // the stream goes on
///     }
/// }
/// // The stream ends when the source closes: the server sent `event: end`,
/// // a fatal error, or `close()`.
/// # }
/// # fn log(_: u8) {}
/// # fn log_error(_: &str) {}
/// ```
#[derive(Clone)]
pub struct EventSource {
    handle: Rc<Handle>,
}

impl fmt::Debug for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSource")
            .field("url", &self.handle.0.url)
            .field("ready_state", &self.ready_state())
            .finish()
    }
}

impl EventSource {
    pub(super) fn from_shared(shared: Rc<Shared>) -> EventSource {
        EventSource {
            handle: Rc::new(Handle(shared)),
        }
    }

    /// The URL given.
    pub fn url(&self) -> &str {
        &self.handle.0.url
    }

    /// `CONNECTING`, `OPEN` or `CLOSED`.
    pub fn ready_state(&self) -> ReadyState {
        self.handle.0.ready_state()
    }

    /// The last event ID (sent as `Last-Event-ID` on reconnect). In a
    /// listener, the ID of the event being delivered.
    pub fn last_event_id(&self) -> String {
        self.handle.0.last_event_id()
    }

    /// What the stream measured so far: times to the first response, byte
    /// and event, counts, reconnects by reason, the gaps between events
    /// (see [`Stats`](crate::connection::Stats)); [`silence_ms`](Self::silence_ms)
    /// gives the current silence. Kept after the source closes.
    #[cfg(feature = "stats")]
    pub fn stats(&self) -> crate::connection::Stats {
        self.handle.0.core.borrow().stats().clone()
    }

    /// How long nothing has arrived, in ms: since the last byte, or since
    /// the request in flight was made.
    #[cfg(feature = "stats")]
    pub fn silence_ms(&self) -> u64 {
        let now = super::sys::now_ms();
        self.handle.0.core.borrow().stats().silence_ms(now)
    }

    /// The error that closed the source for good, if one did: once a
    /// stream has ended, `None` means it ended as it should (the end event
    /// or [end rule](crate::connection::EndRule) matched) or was closed by
    /// [`close`](Self::close); `Some` says what went wrong, such as
    /// [`Error::Provider`](crate::Error::Provider) or
    /// [`Error::Truncated`](crate::Error::Truncated) for an LLM answer that
    /// failed or was cut. A [`typed_stream`](Self::typed_stream) skips
    /// errors; this tells its end from a failure.
    pub fn final_error(&self) -> Option<crate::Error> {
        self.handle.0.final_error.borrow().clone()
    }

    /// Closes the connection for good, for every clone, stream and
    /// listener: a request in flight is aborted, a reconnect wait cancelled.
    /// Streams end once they have yielded what was already received.
    pub fn close(&self) {
        self.handle.0.close();
    }

    /// Everything that happens, in order: [`Notice::Open`], messages,
    /// comments, errors (each saying whether a reconnect follows) and
    /// scheduled reconnects. Ends when the source closes.
    pub fn stream(&self) -> EventStream {
        EventStream {
            queue: self.subscribe(None),
            _handle: Rc::clone(&self.handle),
        }
    }

    /// The events of one type, with their data decoded from JSON into `T`.
    /// A payload that does not decode yields a [`DecodeError`] carrying the
    /// raw text, and the stream goes on. Ends when the source closes.
    pub fn typed_stream<T: DeserializeOwned>(&self, event_type: &str) -> TypedStream<T> {
        TypedStream {
            inner: EventStream {
                queue: self.subscribe(Some(event_type.to_owned())),
                _handle: Rc::clone(&self.handle),
            },
            _type: PhantomData,
        }
    }

    /// Calls `listener` with each event of one type, its data decoded from
    /// JSON into `T` (or a [`DecodeError`] with the raw text). The listener
    /// stays registered until the returned [`Subscription`] is dropped.
    pub fn on<T, F>(&self, event_type: &str, mut listener: F) -> Subscription
    where
        T: DeserializeOwned,
        F: FnMut(Result<T, DecodeError>) + 'static,
    {
        self.on_event(event_type, move |event| listener(decode(event)))
    }

    /// Calls `listener` with each raw event of one type, until the returned
    /// [`Subscription`] is dropped.
    ///
    /// Events are handed to listeners as each is parsed, in one `Event`
    /// reused from event to event (its text is copied from the parser's
    /// buffers; nothing is allocated per event). A listener may call
    /// [`close()`](Self::close): no later event, not even one that arrived
    /// in the same chunk, reaches any listener or stream.
    pub fn on_event<F>(&self, event_type: &str, listener: F) -> Subscription
    where
        F: FnMut(&Event) + 'static,
    {
        let shared = &self.handle.0;
        let id = shared.next_id.get();
        shared.next_id.set(id + 1);
        let event_type = event_type.to_owned();
        shared.subscribers.borrow_mut().push(Subscriber {
            id,
            event_type: Some(event_type),
            sink: Sink::Callback(Rc::new(RefCell::new(listener))),
        });
        Subscription {
            id,
            handle: Rc::clone(&self.handle),
        }
    }

    /// The final URL of the latest response, after redirects (empty before
    /// the first response).
    pub fn response_url(&self) -> String {
        self.handle.0.response_url.borrow().clone()
    }

    fn subscribe(&self, event_type: Option<String>) -> Rc<Queue> {
        let shared = &self.handle.0;
        let queue = Rc::new(Queue::default());
        if shared.ready_state() == ReadyState::Closed {
            queue.closed.set(true);
        }
        let id = shared.next_id.get();
        shared.next_id.set(id + 1);
        shared.subscribers.borrow_mut().push(Subscriber {
            id,
            event_type,
            sink: Sink::Queue(Rc::downgrade(&queue)),
        });
        queue
    }
}

/// Keeps a listener registered (and the connection alive); dropping it
/// removes the listener.
#[must_use = "the listener is removed when the subscription is dropped"]
pub struct Subscription {
    id: u64,
    handle: Rc<Handle>,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .finish()
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.handle
            .0
            .subscribers
            .borrow_mut()
            .retain(|s| s.id != self.id);
    }
}

/// The stream made by [`EventSource::stream`].
#[must_use = "streams do nothing unless polled"]
pub struct EventStream {
    queue: Rc<Queue>,
    _handle: Rc<Handle>,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("queued", &self.queue.items.borrow().len())
            .finish()
    }
}

impl Stream for EventStream {
    type Item = Notice;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Notice>> {
        let queue = &self.queue;
        if let Some(item) = queue.items.borrow_mut().pop_front() {
            return Poll::Ready(Some(item));
        }
        if queue.closed.get() {
            return Poll::Ready(None);
        }
        *queue.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// The stream made by [`EventSource::typed_stream`].
#[must_use = "streams do nothing unless polled"]
pub struct TypedStream<T> {
    inner: EventStream,
    _type: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for TypedStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedStream")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: DeserializeOwned> Stream for TypedStream<T> {
    type Item = Result<T, DecodeError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match Pin::new(&mut self.inner).poll_next(cx) {
                Poll::Ready(Some(Notice::Message(event))) => {
                    return Poll::Ready(Some(decode(&event)))
                }
                Poll::Ready(Some(_)) => continue,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// JSON-decodes an event's data into `T`, with the browser's `JSON.parse`
/// (no JSON parser is compiled into the module).
fn decode<T: DeserializeOwned>(event: &Event) -> Result<T, DecodeError> {
    let fail = |message: String| DecodeError {
        event_type: event.event_type.clone(),
        data: event.data.clone(),
        message,
    };
    let value = js_sys::JSON::parse(&event.data).map_err(|e| fail(sys::message_of(&e)))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| fail(e.to_string()))
}
