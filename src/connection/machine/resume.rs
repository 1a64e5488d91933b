//! Resuming a request that is not sent again on its own: what a resumed
//! stream replays, and the caller's resume function.

use super::{Connection, Inner};
use crate::connection::cursor as cursor_of;
use crate::error::Error;
use crate::parser::EventRef;

/// After a resume, until the first event that is new: what tells a
/// replayed event from a new one.
#[derive(Debug)]
pub(super) struct Replay {
    /// The last event ID before the resume, or the cursor of the last
    /// event delivered (not empty).
    pub(super) floor: String,
}

impl Replay {
    /// Whether an event with this ID was delivered before the resume: its
    /// ID is the last one, or (both numbers) a lower one.
    fn replayed(&self, id: &str) -> bool {
        match (number(id), number(&self.floor)) {
            (Some(n), Some(floor)) => n <= floor,
            _ => id == self.floor,
        }
    }
}

/// `text` as a number, when it is one: ASCII digits only, at most 19.
#[cfg_attr(npm_size, optimize(size), inline(never))]
fn number(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > 19 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0')))
}

/// Whether `event` is a replay to drop (see [`Replay::replayed`]), told by
/// its ID, or by its cursor when the caller named the field (`key`); the
/// first that is not ends the replay, and its cursor, if it has one, is
/// noted as the last delivered.
#[cfg_attr(npm_size, optimize(size), inline(never))]
pub(super) fn replayed(
    replay: &mut Option<Replay>,
    cursor: &mut String,
    key: Option<&str>,
    event: &EventRef<'_>,
) -> bool {
    let mark = match key {
        Some(key) => cursor_of(&event.data, key).unwrap_or_default(),
        None => event.last_event_id,
    };
    if replay.as_ref().is_some_and(|r| r.replayed(mark)) {
        return true;
    }
    *replay = None;
    if key.is_some() && !mark.is_empty() {
        cursor.clear();
        cursor.push_str(mark);
    }
    false
}

/// A copy of what broke a stream that may resume only with the caller's
/// function: a network failure, the end of the body, or the idle timeout
/// (a refusal is retried as such, and a provider's failure is not resumed).
/// Cheaper than `Error::clone`, which copies every kind of error.
#[cfg_attr(npm_size, optimize(size), inline(never))]
pub(super) fn copy_of_break(error: &Error) -> Error {
    match error {
        Error::Network { message } => Error::Network {
            message: message.clone(),
        },
        Error::IdleTimeout { timeout_ms } => Error::IdleTimeout {
            timeout_ms: *timeout_ms,
        },
        _ => Error::StreamEnded,
    }
}

impl Connection {
    /// The caller's resume function gave no request (see
    /// [`RequestHead::resume`](crate::connection::RequestHead::resume)):
    /// the source closes as the break would have closed it without one,
    /// with [`Error::Truncated`] or [`Error::NotResent`].
    #[cfg_attr(npm_size, optimize(size), inline(never))]
    pub fn not_resumed(&mut self) {
        if self.inner == Inner::Connecting {
            if let Some(error) = self.unresumed.take() {
                self.fail(error);
            }
        }
    }

    /// The error a break of a request that is not sent again on its own
    /// ends with, when it cannot resume: [`Error::Truncated`] when the
    /// stream opened and has an end it did not reach, else
    /// [`Error::NotResent`].
    pub(super) fn unresumable(&self, error: Error) -> Error {
        let o = &self.options;
        let cause = Box::new(error);
        if (o.end_event.is_some() || o.end_when.is_some())
            && matches!(self.inner, Inner::Open { .. })
        {
            Error::Truncated { cause }
        } else {
            Error::NotResent { cause }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_are_told_by_id() {
        let r = Replay { floor: "10".into() };
        assert!(r.replayed("9"));
        assert!(r.replayed("10"));
        assert!(!r.replayed("11"));
        assert!(!r.replayed("x"));
        let r = Replay {
            floor: "abc".into(),
        };
        assert!(r.replayed("abc"));
        assert!(!r.replayed("abd"));
        assert!(!r.replayed(""));
        // More than 19 digits is not a number here: compared as text.
        let r = Replay {
            floor: "99999999999999999999".into(),
        };
        assert!(!r.replayed("1"));
        assert!(r.replayed("99999999999999999999"));
    }
}
