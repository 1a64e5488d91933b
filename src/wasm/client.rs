//! The Rust API for WebAssembly frontends: [`EventSource`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::future::poll_fn;
use futures::Stream;
use serde::de::DeserializeOwned;

use super::fetch::{Body, Credentials, HeadersFn, InFlight, Progress, Read, RequestSpec};
use super::sys;
use super::timer::Sleep;
use crate::connection::{Connection, Io, Notice, Options, ReadyState, RetryPolicy};
use crate::error::DecodeError;
use crate::parser::{Config, Event, ItemRef};

/// Configures and opens an [`EventSource`]; made by [`EventSource::builder`].
#[must_use = "a builder does nothing until `build()`"]
pub struct Builder {
    spec: RequestSpec,
    options: Options,
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("spec", &self.spec)
            .field("options", &self.options)
            .finish()
    }
}

impl Builder {
    /// Adds a header sent with every request (replacing one of the same
    /// name). `Accept: text/event-stream` and `Last-Event-ID` are set for
    /// you (the browser adds `Cache-Control: no-cache`). A header that is
    /// not CORS-safelisted makes a cross-origin request need a preflight.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.spec.headers.push((name.into(), value.into()));
        self
    }

    /// Produces headers before **every** request, the first and each
    /// reconnect, so an expired token can be refreshed. Its headers are set
    /// after the fixed ones. If it fails, the attempt fails with
    /// [`Error::Headers`](crate::Error::Headers) and is retried with backoff.
    ///
    /// ```no_run
    /// # use eventsource_wasm::wasm::EventSource;
    /// # async fn fresh_token() -> Result<String, String> { Ok("t".into()) }
    /// let source = EventSource::builder("/api/stream")
    ///     .headers_with(|| async {
    ///         let token = fresh_token().await?;
    ///         Ok::<_, String>(vec![("Authorization".into(), format!("Bearer {token}"))])
    ///     })
    ///     .build();
    /// ```
    pub fn headers_with<F, Fut, E>(mut self, headers: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<Vec<(String, String)>, E>> + 'static,
        E: fmt::Display,
    {
        let f: HeadersFn = Rc::new(move || {
            let future = headers();
            Box::pin(async move { future.await.map_err(|e| e.to_string()) })
        });
        self.spec.headers_fn = Some(f);
        self
    }

    /// The HTTP method (default `GET`).
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.spec.method = method.into();
        self
    }

    /// A request body, sent again on every reconnect (with `POST`, say, for
    /// an LLM prompt). Set a `Content-Type` header to match.
    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.spec.body = Some(Body::Text(body.into()));
        self
    }

    /// A binary request body.
    pub fn body_bytes(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.spec.body = Some(Body::Bytes(body.into()));
        self
    }

    /// Any JavaScript `BodyInit` as the request body (a `Blob`, `FormData`,
    /// `URLSearchParams`, typed array or string), handed to `fetch` as it is.
    pub fn body_js(mut self, body: wasm_bindgen::JsValue) -> Self {
        self.spec.body = Some(Body::Js(body));
        self
    }

    /// A `fetch`-compatible JavaScript function to call instead of the
    /// global `fetch` (to add tracing or a service's own client); it gets a
    /// `Request` and returns a `Response` or a promise of one.
    pub fn fetch_fn(mut self, fetch: js_sys::Function) -> Self {
        self.spec.fetch = Some(fetch);
        self
    }

    /// The credentials mode (default [`Credentials::SameOrigin`], as the
    /// browser's `EventSource` without `withCredentials`).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.spec.credentials = credentials;
        self
    }

    /// Reconnect delays and attempts (see [`RetryPolicy`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = policy;
        self
    }

    /// Statuses that reconnect (honouring `Retry-After`) instead of failing
    /// for good, e.g. `[429, 502, 503, 504]`.
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.options.retry_statuses = statuses.into_iter().collect();
        self
    }

    /// The event type that ends the stream (`"end"` by default); `None`
    /// switches the end event off.
    pub fn end_event(mut self, event_type: Option<&str>) -> Self {
        self.options.end_event = event_type.map(str::to_owned);
        self
    }

    /// Reconnect when nothing at all arrives for this long (heartbeats count).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.options.idle_timeout_ms = Some(timeout.as_millis().min(u64::MAX as u128) as u64);
        self
    }

    /// Parser limits (see [`Config`]).
    pub fn limits(mut self, limits: Config) -> Self {
        self.options.limits = limits;
        self
    }

    /// The last event ID to resume from on the first request.
    pub fn last_event_id(mut self, id: impl Into<String>) -> Self {
        self.options.last_event_id = id.into();
        self
    }

    /// Sends the last event ID as the query parameter `name` instead of the
    /// `Last-Event-ID` header, for cross-origin servers that cannot allow
    /// that header in a CORS preflight (with `fetch()` the header makes
    /// every cross-origin reconnect preflighted; the browser's own
    /// `EventSource` is exempt). The server must read the parameter. See
    /// [`RequestTarget`](crate::connection::RequestTarget).
    pub fn last_event_id_param(mut self, name: impl Into<String>) -> Self {
        self.options.last_event_id_param = Some(name.into());
        self
    }

    /// Opens the source: the first request starts at once. Problems with
    /// the request itself (an invalid URL or header) arrive as a
    /// [`Notice::Error`] with [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn build(self) -> EventSource {
        let seed = (js_sys::Math::random() * (u64::MAX as f64)) as u64;
        let core = Connection::new(self.options, seed, sys::now_ms());
        let shared = Rc::new(Shared {
            url: self.spec.url.clone(),
            spec: Rc::new(self.spec),
            core: RefCell::new(core),
            response_url: RefCell::new(String::new()),
            subscribers: RefCell::new(Vec::new()),
            next_id: Cell::new(0),
            lending: Cell::new(false),
            lent: RefCell::new(Event {
                event_type: String::new(),
                data: String::new(),
                last_event_id: String::new(),
            }),
            closed_by_user: Cell::new(false),
            closed_at_id: RefCell::new(None),
            wake: Cell::new(false),
            waker: RefCell::new(None),
        });
        wasm_bindgen_futures::spawn_local(drive(Rc::clone(&shared)));
        EventSource {
            handle: Rc::new(Handle(shared)),
        }
    }
}

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
    /// A builder for a source reading `url` (absolute, or relative to the
    /// page or worker).
    pub fn builder(url: impl Into<String>) -> Builder {
        Builder {
            spec: RequestSpec {
                url: url.into(),
                method: "GET".into(),
                headers: Vec::new(),
                headers_fn: None,
                body: None,
                credentials: Credentials::SameOrigin,
                fetch: None,
            },
            options: Options::default(),
        }
    }

    /// Opens `url` with the defaults: the browser's behaviour, plus the
    /// end event.
    pub fn new(url: impl Into<String>) -> EventSource {
        EventSource::builder(url).build()
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

// --- Internals -----------------------------------------------------------------

/// What the driver task and every handle share.
struct Shared {
    url: String,
    spec: Rc<RequestSpec>,
    core: RefCell<Connection>,
    /// The final URL of the latest response (after redirects).
    response_url: RefCell<String>,
    subscribers: RefCell<Vec<Subscriber>>,
    next_id: Cell<u64>,
    /// Set while a chunk's events are lent to subscribers: the core is
    /// borrowed then, so handles answer from `lent` and a `close()` waits
    /// for the end of the chunk.
    lending: Cell<bool>,
    /// The event being lent to listeners (filled only when a listener wants
    /// it; streams get owned copies). Its buffers keep their capacity
    /// between events, so handing one over copies its text but allocates
    /// nothing.
    lent: RefCell<Event>,
    /// `close()` was called (by a handle, or by dropping the last one):
    /// nothing more is delivered.
    closed_by_user: Cell<bool>,
    /// The last event ID when a listener closed the source in the middle of
    /// a chunk.
    closed_at_id: RefCell<Option<String>>,
    /// Set by `close()` to wake the driver.
    wake: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Shared {
    fn close(&self) {
        self.closed_by_user.set(true);
        if !self.lending.get() {
            self.core.borrow_mut().close();
        }
        self.wake.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    fn ready_state(&self) -> ReadyState {
        match (self.lending.get(), self.closed_by_user.get()) {
            // Events are only lent while the connection is open.
            (true, false) => ReadyState::Open,
            (true, true) => ReadyState::Closed,
            (false, _) => self.core.borrow().ready_state(),
        }
    }

    fn last_event_id(&self) -> String {
        if self.lending.get() {
            self.lent.borrow().last_event_id.clone()
        } else if let Some(id) = &*self.closed_at_id.borrow() {
            id.clone()
        } else {
            self.core.borrow().last_event_id().to_owned()
        }
    }

    /// Feeds a body chunk to the core and hands each of its events and
    /// comments to subscribers as the parser finds it, borrowed (see
    /// [`Connection::on_chunk_with`]). What the chunk causes after its
    /// events (an error, the end) is queued for [`deliver`](Self::deliver).
    fn on_chunk(&self, core: &mut Connection, now: u64, bytes: &[u8]) {
        if self.closed_by_user.get() {
            return;
        }
        self.lending.set(true);
        let mut sinks = Vec::new();
        core.on_chunk_with(now, bytes, |item| {
            if self.closed_by_user.get() {
                return;
            }
            match item {
                ItemRef::Event(event) => {
                    self.sinks_for(Some(&event.event_type), &mut sinks);
                    if !sinks.iter().any(|s| matches!(s, Sink::Callback(_))) {
                        // Streams only (or nobody): they get owned copies,
                        // and no listener will look at `lent`.
                        self.hand_over(&mut sinks, None, || Notice::Message(event.to_owned()));
                        return;
                    }
                    {
                        let lent = &mut *self.lent.borrow_mut();
                        for (to, from) in [
                            (&mut lent.event_type, &*event.event_type),
                            (&mut lent.data, &*event.data),
                            (&mut lent.last_event_id, event.last_event_id),
                        ] {
                            to.clear();
                            to.push_str(from);
                        }
                    }
                    let lent = self.lent.borrow();
                    self.hand_over(&mut sinks, Some(&lent), || Notice::Message(lent.clone()));
                }
                ItemRef::Comment(text) => {
                    self.sinks_for(None, &mut sinks);
                    let notice = Notice::Comment(text.into_owned());
                    self.hand_over(&mut sinks, None, || notice.clone());
                }
                ItemRef::Retry(_) => {}
            }
        });
        self.lending.set(false);
        if self.closed_by_user.get() {
            // Closed by a listener: the rest of the chunk was parsed but
            // never delivered, so the last event ID is the one of the event
            // that listener saw (a source reopened from it misses nothing).
            self.closed_at_id
                .replace(Some(self.lent.borrow().last_event_id.clone()));
            core.close();
        }
    }

    /// Hands the connection's queued notices to subscribers. The core is not
    /// borrowed while a listener runs, so listeners may call `close()`.
    fn deliver(&self) {
        let mut sinks = Vec::new();
        loop {
            let Some(notice) = self.core.borrow_mut().poll_notice() else {
                break;
            };
            if self.closed_by_user.get() {
                continue;
            }
            let event = match &notice {
                Notice::Message(event) => Some(event),
                _ => None,
            };
            self.sinks_for(event.map(|e| e.event_type.as_str()), &mut sinks);
            self.hand_over(&mut sinks, event, || notice.clone());
        }
        self.subscribers.borrow_mut().retain(|s| match &s.sink {
            Sink::Queue(q) => q.strong_count() > 0,
            Sink::Callback(_) => true,
        });
    }

    /// The subscribers to a message of `event_type`, or to any other notice
    /// (`None`), collected first: a listener may add or remove subscribers.
    fn sinks_for(&self, event_type: Option<&str>, sinks: &mut Vec<Sink>) {
        sinks.clear();
        sinks.extend(
            self.subscribers
                .borrow()
                .iter()
                .filter(|s| match &s.event_type {
                    None => true,
                    Some(t) => Some(t.as_str()) == event_type,
                })
                .map(|s| s.sink.clone()),
        );
    }

    /// Calls the listeners among `sinks` with `event` (a message) and
    /// pushes `notice()` to the streams. A listener closing the source does
    /// not keep the others from this notice (as in a DOM dispatch), only
    /// from later ones.
    fn hand_over(&self, sinks: &mut Vec<Sink>, event: Option<&Event>, notice: impl Fn() -> Notice) {
        for sink in sinks.drain(..) {
            match sink {
                Sink::Queue(queue) => {
                    if let Some(queue) = queue.upgrade() {
                        queue.push(notice());
                    }
                }
                Sink::Callback(f) => {
                    if let (Some(event), Ok(mut f)) = (event, f.try_borrow_mut()) {
                        f(event);
                    }
                }
            }
        }
    }

    /// The source closed: let every stream end.
    fn end_streams(&self) {
        for s in self.subscribers.borrow().iter() {
            if let Sink::Queue(queue) = &s.sink {
                if let Some(queue) = queue.upgrade() {
                    queue.closed.set(true);
                    queue.wake();
                }
            }
        }
    }

    fn poll_woken(&self, cx: &mut Context<'_>) -> bool {
        if self.wake.replace(false) {
            return true;
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        false
    }
}

struct Subscriber {
    id: u64,
    /// `None`: every notice; `Some(type)`: messages of that type only.
    event_type: Option<String>,
    sink: Sink,
}

/// A callback listener, shared so that delivery can run it without holding
/// the subscriber list.
type Listener = Rc<RefCell<dyn FnMut(&Event)>>;

#[derive(Clone)]
enum Sink {
    Queue(Weak<Queue>),
    Callback(Listener),
}

#[derive(Default)]
struct Queue {
    items: RefCell<VecDeque<Notice>>,
    closed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Queue {
    fn push(&self, notice: Notice) {
        self.items.borrow_mut().push_back(notice);
        self.wake();
    }

    fn wake(&self) {
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }
}

/// The user-facing owner: when the last handle (clone, stream or
/// subscription) goes, the connection closes.
struct Handle(Rc<Shared>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.close();
    }
}

enum Step {
    Progress(Progress),
    Timer,
    Woken,
}

/// The task that runs one connection: carries out what the core asks,
/// feeds it what happens, and hands notices to subscribers.
async fn drive(shared: Rc<Shared>) {
    let mut request: Option<InFlight> = None;
    // The armed timer and its deadline. It is re-armed only when the core
    // wants an earlier deadline: with an idle timeout the deadline moves on
    // every chunk, and a timer that fires early is harmless (the core does
    // nothing and the loop arms the next one).
    let mut armed: Option<(u64, Sleep)> = None;
    loop {
        loop {
            let io = shared.core.borrow_mut().poll_io();
            match io {
                Some(Io::Fetch { last_event_id }) => {
                    let target = shared
                        .core
                        .borrow()
                        .request_target(&shared.spec.url, &last_event_id);
                    request = Some(InFlight::start(
                        &shared.spec,
                        target.url.into_owned(),
                        target.last_event_id_header,
                    ));
                }
                Some(Io::Probe) => request = Some(InFlight::probe(&shared.spec)),
                // Dropping the request aborts it.
                Some(Io::Abort) => request = None,
                None => break,
            }
        }
        shared.deliver();
        let (state, deadline) = {
            let core = shared.core.borrow();
            (core.ready_state(), core.timeout())
        };
        if state == ReadyState::Closed {
            // A listener may have closed it while we delivered: abort.
            drop(request.take());
            shared.deliver();
            shared.end_streams();
            return;
        }
        match (deadline, &armed) {
            (None, _) => armed = None,
            (Some(at), Some((armed_at, _))) if *armed_at <= at => {}
            (Some(at), _) => armed = Some((at, Sleep::new(at.saturating_sub(sys::now_ms())))),
        }
        let step = poll_fn(|cx| {
            if let Some(request) = request.as_mut() {
                if let Poll::Ready(progress) = request.poll_progress(cx) {
                    return Poll::Ready(Step::Progress(progress));
                }
            }
            if let Some((_, sleep)) = armed.as_mut() {
                if Pin::new(sleep).poll(cx).is_ready() {
                    return Poll::Ready(Step::Timer);
                }
            }
            if shared.poll_woken(cx) {
                return Poll::Ready(Step::Woken);
            }
            Poll::Pending
        })
        .await;
        let now = sys::now_ms();
        let mut core = shared.core.borrow_mut();
        match step {
            Step::Progress(Progress::Head(head)) => {
                *shared.response_url.borrow_mut() = head.url;
                core.on_response(
                    now,
                    head.status,
                    head.content_type.as_deref(),
                    head.retry_after_ms,
                );
            }
            Step::Progress(Progress::Read(Read::Chunk(bytes))) => {
                shared.on_chunk(&mut core, now, &bytes);
            }
            Step::Progress(Progress::Read(Read::End)) => {
                request = None;
                core.on_eof(now);
            }
            Step::Progress(Progress::Failed(error)) => {
                request = None;
                core.on_fetch_error(now, error);
            }
            Step::Progress(Progress::Probed(refused)) => {
                request = None;
                core.on_probe(now, refused);
            }
            Step::Timer => {
                armed = None;
                core.on_timer(now);
            }
            Step::Woken => {}
        }
    }
}
