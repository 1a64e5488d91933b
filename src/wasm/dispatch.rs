//! What the driver task and every handle of a source share, and how notices
//! reach subscribers: streams (queues) and listeners (callbacks).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::rc::{Rc, Weak};
use std::task::{Context, Waker};

use super::fetch::RequestSpec;
use crate::connection::{Connection, Notice, ReadyState};
use crate::error::Error;
use crate::parser::{Event, ItemRef};

/// What the driver task and every handle share.
pub(super) struct Shared {
    pub(super) url: String,
    pub(super) spec: Rc<RequestSpec>,
    pub(super) core: RefCell<Connection>,
    /// The final URL of the latest response (after redirects).
    pub(super) response_url: RefCell<String>,
    pub(super) subscribers: RefCell<Vec<Subscriber>>,
    pub(super) next_id: Cell<u64>,
    /// Set while a chunk's events are lent to subscribers: the core is
    /// borrowed then, so handles answer from `lent` and a `close()` waits
    /// for the end of the chunk.
    lending: Cell<bool>,
    /// The event being lent to listeners (filled only when a listener wants
    /// it; streams get owned copies). Its buffers keep their capacity
    /// between events, so handing one over copies its text but allocates
    /// nothing.
    lent: RefCell<Event>,
    /// The last event delivered, kept for a resume function only.
    pub(super) last: RefCell<Option<Event>>,
    /// `close()` was called (by a handle, or by dropping the last one):
    /// nothing more is delivered.
    closed_by_user: Cell<bool>,
    /// The error that closed the source for good, once one has.
    pub(super) final_error: RefCell<Option<Error>>,
    /// Set by `close()` (and the page's events) to wake the driver.
    wake: Cell<bool>,
    /// The page's events since the driver last looked (see `PageEvent`).
    pub(super) page: Cell<Option<PageEvent>>,
    waker: RefCell<Option<Waker>>,
}

impl Shared {
    pub(super) fn new(spec: RequestSpec, core: Connection) -> Shared {
        Shared {
            url: spec.url.clone(),
            spec: Rc::new(spec),
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
            last: RefCell::new(None),
            closed_by_user: Cell::new(false),
            final_error: RefCell::new(None),
            wake: Cell::new(false),
            page: Cell::new(None),
            waker: RefCell::new(None),
        }
    }

    /// The page came back, or was hidden (src/wasm/lifecycle.rs): the
    /// driver tells the core.
    pub(super) fn page_event(&self, event: PageEvent) {
        self.page.set(Some(event));
        self.wake.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    pub(super) fn close(&self) {
        self.closed_by_user.set(true);
        if !self.lending.get() {
            self.core.borrow_mut().close();
        }
        self.wake.set(true);
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }

    pub(super) fn ready_state(&self) -> ReadyState {
        match (self.lending.get(), self.closed_by_user.get()) {
            // Events are only lent while the connection is open.
            (true, false) => ReadyState::Open,
            (true, true) => ReadyState::Closed,
            (false, _) => self.core.borrow().ready_state(),
        }
    }

    pub(super) fn last_event_id(&self) -> String {
        if self.lending.get() {
            self.lent.borrow().last_event_id.clone()
        } else {
            self.core.borrow().last_event_id().to_owned()
        }
    }

    /// Feeds a body chunk to the core and hands each of its events and
    /// comments to subscribers as the parser finds it, borrowed (see
    /// [`Connection::on_chunk_with`]). A listener that closes the source
    /// stops the chunk there (the core closes, keeping that event's ID).
    /// What the chunk causes after its events (an error, the end) is queued
    /// for [`deliver`](Self::deliver).
    pub(super) fn on_chunk(&self, core: &mut Connection, now: u64, bytes: &[u8]) {
        if self.closed_by_user.get() {
            return;
        }
        self.lending.set(true);
        let mut sinks = Vec::new();
        core.on_chunk_with(now, bytes, |item| {
            match item {
                ItemRef::Event(event) => {
                    if self.spec.resume.is_some() {
                        // For the resume function.
                        *self.last.borrow_mut() = Some(event.to_owned());
                    }
                    self.sinks_for(Some(&event.event_type), &mut sinks);
                    if !sinks.iter().any(|s| matches!(s, Sink::Callback(_))) {
                        // Streams only (or nobody): they get owned copies,
                        // and no listener will look at `lent`.
                        self.hand_over(&mut sinks, None, || Notice::Message(event.to_owned()));
                    } else {
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
                }
                ItemRef::Comment(text) => {
                    self.sinks_for(None, &mut sinks);
                    let notice = Notice::Comment(text.into_owned());
                    self.hand_over(&mut sinks, None, || notice.clone());
                }
                ItemRef::Retry(_) => {}
            }
            if self.closed_by_user.get() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        self.lending.set(false);
    }

    /// Hands the connection's queued notices to subscribers. The core is not
    /// borrowed while a listener runs, so listeners may call `close()`.
    pub(super) fn deliver(&self) {
        let mut sinks = Vec::new();
        loop {
            let Some(notice) = self.core.borrow_mut().poll_notice() else {
                break;
            };
            if self.closed_by_user.get() {
                continue;
            }
            if let Notice::Error {
                error,
                reconnect_in_ms: None,
            } = &notice
            {
                *self.final_error.borrow_mut() = Some(error.clone());
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
    pub(super) fn end_streams(&self) {
        for s in self.subscribers.borrow().iter() {
            if let Sink::Queue(queue) = &s.sink {
                if let Some(queue) = queue.upgrade() {
                    queue.closed.set(true);
                    queue.wake();
                }
            }
        }
    }

    pub(super) fn poll_woken(&self, cx: &mut Context<'_>) -> bool {
        if self.wake.replace(false) {
            return true;
        }
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        false
    }
}

/// What the page did, for the core (`Connection::wake` and `pause`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PageEvent {
    /// Back online, restored from the back/forward cache, shown, focused,
    /// or resumed after a freeze.
    Back,
    /// Hidden.
    Hidden,
    /// Going into the back/forward cache.
    Stored,
}

pub(super) struct Subscriber {
    pub(super) id: u64,
    /// `None`: every notice; `Some(type)`: messages of that type only.
    pub(super) event_type: Option<String>,
    pub(super) sink: Sink,
}

/// A callback listener, shared so that delivery can run it without holding
/// the subscriber list.
pub(super) type Listener = Rc<RefCell<dyn FnMut(&Event)>>;

#[derive(Clone)]
pub(super) enum Sink {
    Queue(Weak<Queue>),
    Callback(Listener),
}

#[derive(Default)]
pub(super) struct Queue {
    pub(super) items: RefCell<VecDeque<Notice>>,
    pub(super) closed: Cell<bool>,
    pub(super) waker: RefCell<Option<Waker>>,
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
pub(super) struct Handle(pub(super) Rc<Shared>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.close();
    }
}
