//! The page's lifecycle (`wake`, `hidden`, `stored`, `pause`), `close`,
//! and the transitions every input ends in: a new request, a reconnect
//! wait, or closing.

use super::{resume, Connection, Inner, Replay};
use crate::connection::{Diagnostic, Io, Notice};
use crate::error::Error;

impl Connection {
    /// The page came back: the browser went `online`, the page was restored
    /// from the back/forward cache, it became visible, got the focus, or
    /// was resumed after being frozen. A stream silent past its idle
    /// timeout (whose timer a hidden page's throttling held back) fails
    /// now, as the timer would have made it; then a reconnect that is
    /// waiting happens now instead of after its backoff (but not before a
    /// `Retry-After` the server sent), and a [paused](Self::pause)
    /// connection reconnects. Otherwise nothing happens: a stream whose
    /// bytes keep coming is never cut for a timer that fired late. It never
    /// makes a request that the rules would not make anyway (see
    /// [`Options::resendable`](crate::connection::Options::resendable)): it
    /// only moves one that is already due.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn wake(&mut self, now: u64) {
        if matches!(self.inner, Inner::Connecting | Inner::Open { .. }) {
            self.on_timer(now);
        }
        match self.inner {
            Inner::Paused => self.start_request(now),
            Inner::Waiting { not_before, .. } if now >= not_before => self.start_request(now),
            Inner::Waiting { not_before, .. } => {
                self.inner = Inner::Waiting {
                    until: not_before,
                    not_before,
                };
            }
            _ => {}
        }
    }

    /// The page is going into the back/forward cache (`pagehide` with
    /// `persisted`): [pauses](Self::pause), whatever the options say, as
    /// the browser's own class drops its connection there; the page's
    /// restore [wakes](Self::wake) it, with no error and no delay. A
    /// request that could not be sent again is not paused (see `pause`).
    /// Returns whether it paused.
    pub fn stored(&mut self) -> bool {
        self.pause()
    }

    /// The page was hidden: [pauses](Self::pause) if the caller asked for
    /// it ([`Options::pause_when_hidden`](crate::connection::Options::pause_when_hidden)),
    /// else nothing. Returns whether it paused. Drivers call this on every
    /// hide, and [`wake`](Self::wake) on every show.
    pub fn hidden(&mut self) -> bool {
        self.options.pause_when_hidden && self.pause()
    }

    /// Pauses while the page is hidden (an opt-in of the caller): the
    /// request in flight is aborted, or a waiting reconnect put off, until
    /// [`wake`](Self::wake), which reconnects with the last event ID. A
    /// request that could not be sent again (see [`Options::resendable`](crate::connection::Options::resendable);
    /// one with an event ID can be, to resume) is not paused: that would
    /// end its stream for good. Returns whether it is paused. Nothing is
    /// announced.
    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub fn pause(&mut self) -> bool {
        let resumable = self.options.resendable() || !self.parser.last_event_id().is_empty();
        match self.inner {
            Inner::Connecting | Inner::Probing { .. } | Inner::Open { .. } if resumable => {
                self.io.push_back(Io::Abort);
            }
            Inner::Waiting { .. } | Inner::Paused => {}
            _ => return false,
        }
        // The body is over: an unfinished event is discarded.
        self.parser.finish();
        self.inner = Inner::Paused;
        self.idle_deadline = None;
        self.cors_suspected = false;
        true
    }

    /// Closes for good, at any moment (a request in flight is aborted, a
    /// reconnect wait is cancelled). Nothing is announced, as in the
    /// browser. Calling it again does nothing.
    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub fn close(&mut self) {
        if matches!(
            self.inner,
            Inner::Connecting | Inner::Probing { .. } | Inner::Open { .. }
        ) {
            self.io.push_back(Io::Abort);
        }
        self.shut();
    }

    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub(super) fn start_request(&mut self, now: u64) {
        self.inner = Inner::Connecting;
        self.touch(now);
        self.stats.request(now);
        // A resume's replays are told by the last ID delivered. A stream
        // that broke while still replaying went through older IDs: it
        // resumes from the same one. (The parser holds no block now.)
        let by_cursor = self.options.cursor.is_some();
        if let Some(r) = self.replay.as_ref().filter(|_| !by_cursor) {
            self.parser.set_last_event_id(&r.floor);
        }
        // A request that is not sent again on its own, sent with an event
        // ID, resumes. Its replays are told by the ID, or by the cursor of
        // the last event delivered.
        let id = self.parser.last_event_id();
        self.resuming |= !id.is_empty() && !self.options.resendable();
        let floor = if by_cursor { &self.cursor } else { id };
        self.replay = (self.resuming && !floor.is_empty()).then(|| Replay {
            floor: floor.to_owned(),
        });
        self.io.push_back(Io::Fetch {
            last_event_id: self.parser.last_event_id().to_owned(),
        });
    }

    /// Bytes (or a new request) arrived: push the idle deadline back.
    #[inline(never)]
    pub(super) fn touch(&mut self, now: u64) {
        self.idle_deadline = self.options.idle_timeout_ms.map(|t| now.saturating_add(t));
    }

    /// The attempt failed or the connection was lost: wait and retry, or
    /// give up if the policy says so.
    #[cfg_attr(npm_size, optimize(size))]
    pub(super) fn reconnect(&mut self, now: u64, error: Error, retry_after_ms: Option<u64>) {
        // A request that is not resendable goes again only to resume (with
        // the last event ID), after a status the caller asked to retry (the
        // server refused it), or when the headers callback failed (nothing
        // was sent).
        let refused = matches!(error, Error::HttpStatus { .. } | Error::Headers { .. });
        if !self.options.resendable() && !refused {
            // It goes again only to resume: with the caller's resume
            // function, or with the last event ID.
            if self.options.resume_with {
                self.unresumed = Some(self.unresumable(resume::copy_of_break(&error)));
                self.resuming = true;
            } else if self.parser.last_event_id().is_empty() {
                return self.fail(self.unresumable(error));
            }
        }
        // What the attempt counts against. One that delivered an event is
        // not a failure, and a stable one (open for the window, with
        // events) starts the count again. A stream the server ended
        // gracefully with no event, that can resume from an event ID, is a
        // poll (an MCP server's standby stream after its priming event):
        // it counts against a budget of its own, at the server's delay,
        // unless it stayed open for the window.
        let retry = &self.options.retry;
        let (mut counted, mut poll) = (true, false);
        if let Inner::Open { since, events } = self.inner {
            let stable = now.saturating_sub(since) >= retry.healthy_after_ms;
            if events {
                counted = false;
                self.polls = 0;
                if stable {
                    self.failures = 0;
                }
            } else if matches!(error, Error::StreamEnded) && !self.parser.last_event_id().is_empty()
            {
                poll = true;
                if stable {
                    counted = false;
                    self.polls = 0;
                }
            }
        }
        // The body is over: an unfinished event is discarded.
        self.parser.finish();
        self.cors_suspected = false;
        let count = if poll {
            &mut self.polls
        } else {
            &mut self.failures
        };
        // An attempt not counted waits as the last counted one did (never
        // past the budget): the first, after a reset.
        let attempt = if counted {
            count.saturating_add(1)
        } else {
            (*count).max(1)
        };
        self.attempt = attempt;
        if counted {
            *count = attempt;
        }
        // (One not counted is past the budget only when none is allowed:
        // `max_attempts` 0 never reconnects.)
        if retry.max_attempts.is_some_and(|max| attempt > max) {
            self.fail(Error::RetriesExhausted {
                attempts: attempt - 1,
                last: Box::new(error),
            });
            return;
        }
        let random = self.rng.next_f64();
        let mut delay_ms =
            retry.delay_ms(if poll { 1 } else { attempt }, self.server_retry_ms, random);
        if let Some(at_least) = retry_after_ms {
            delay_ms = delay_ms.max(at_least);
        }
        let open = matches!(self.inner, Inner::Open { .. });
        let cut = self.stats.reconnect(now, &error, open);
        self.inner = Inner::Waiting {
            until: now.saturating_add(delay_ms),
            not_before: now.saturating_add(retry_after_ms.unwrap_or(0)),
        };
        self.idle_deadline = None;
        self.notices.push_back(Notice::Error {
            error,
            reconnect_in_ms: Some(delay_ms),
        });
        self.notices
            .push_back(Notice::Reconnecting { delay_ms, attempt });
        // What the break says about the stream.
        if let Some(silence_ms) = cut {
            self.diagnose(Diagnostic::IdleCut { silence_ms });
        }
        let o = &self.options;
        let resumes_otherwise = o.resume_with || o.cursor.is_some();
        if open
            && self.stats.delivered()
            && !resumes_otherwise
            && self.parser.last_event_id().is_empty()
        {
            self.diagnose(Diagnostic::NoResume);
        }
        if open && self.server_retry_ms.is_none() {
            self.diagnose(Diagnostic::NoRetry);
        }
    }

    /// Closes for good and says why.
    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub(super) fn fail(&mut self, error: Error) {
        self.shut();
        self.notices.push_back(Notice::Error {
            error,
            reconnect_in_ms: None,
        });
    }

    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub(super) fn shut(&mut self) {
        self.inner = Inner::Closed;
        self.idle_deadline = None;
        self.probed.clear();
        self.parser.finish();
    }
}
