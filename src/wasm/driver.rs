//! The task that runs one connection: carries out the I/O and the timer the
//! core asks for, feeds it what happens, and hands notices to subscribers
//! (the driver contract is in the `connection` module docs).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use futures::future::poll_fn;

use super::dispatch::{PageEvent, Shared};
use super::fetch::{InFlight, Owned, Progress, Read};
use super::lifecycle::PageWatch;
use super::sys;
use super::timer::Sleep;
use super::ResumeInfo;
use crate::connection::{retry_after_ms, Io, ReadyState};

enum Step {
    Progress(Progress),
    Timer,
    Woken,
}

/// The task that runs one connection: carries out what the core asks,
/// feeds it what happens, and hands notices to subscribers.
pub(super) async fn drive(shared: Rc<Shared>) {
    let mut request: Option<InFlight> = None;
    // Removed with the task, when the source closes.
    let _page = PageWatch::new(&shared);
    // Counted against its origin while the task runs (for `connection-limit`).
    #[cfg(feature = "stats")]
    let streams = super::origin::Streams::count(&shared.spec.url);
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
                    let mut core = shared.core.borrow_mut();
                    let head = Owned::from(core.request_head(&shared.spec.url, &last_event_id));
                    if head.resume > 0 {
                        // The caller's resume function makes this request.
                        let info = ResumeInfo {
                            last_event_id,
                            last_event: shared.last.borrow().clone(),
                            attempt: head.resume,
                        };
                        let resume = shared.spec.resume.as_ref();
                        request = match resume.and_then(|resume| resume(&info)) {
                            Some(next) => Some(InFlight::start(&shared.spec, next.into(), None)),
                            None => {
                                core.not_resumed();
                                None
                            }
                        };
                    } else {
                        let key = core.idempotency_key(head.send_body);
                        request = Some(InFlight::start(&shared.spec, head, key));
                    }
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
                let wall_clock = js_sys::Date::now() as u64;
                let retry_after = head
                    .retry_after
                    .and_then(|v| retry_after_ms(&v, wall_clock));
                core.on_response_with_body(
                    now,
                    head.status,
                    head.content_type.as_deref(),
                    retry_after,
                    head.body,
                );
                if let Some(encoding) = head.encoding {
                    core.on_content_encoding(&encoding);
                }
                #[cfg(feature = "stats")]
                if core.options().diagnose && core.ready_state() == ReadyState::Open {
                    if let Some((protocol, open)) = streams.protocol() {
                        core.on_protocol(&protocol, open);
                    }
                }
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
            Step::Woken => match shared.page.take() {
                Some(PageEvent::Back) => core.wake(now),
                Some(PageEvent::Hidden) => {
                    core.hidden();
                }
                Some(PageEvent::Stored) => {
                    core.stored();
                }
                None => {}
            },
        }
    }
}
