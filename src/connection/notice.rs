//! What the connection tells its driver: the `readyState`, the network
//! actions to carry out ([`Io`]), and what to tell the user ([`Notice`]).

#[cfg(feature = "stats")]
use super::Diagnostic;
use crate::error::Error;
use crate::parser::Event;

/// The browser's `readyState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum ReadyState {
    /// Connecting, or waiting to reconnect (`EventSource.CONNECTING`, 0).
    Connecting = 0,
    /// Receiving events (`EventSource.OPEN`, 1).
    Open = 1,
    /// Closed for good (`EventSource.CLOSED`, 2).
    Closed = 2,
}

/// What the connection has to tell its user, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// The response was accepted: the source is open.
    Open,
    /// An event arrived.
    Message(Event),
    /// A comment line arrived (servers send them as heartbeats).
    Comment(String),
    /// Something failed. `reconnect_in_ms` says whether a reconnect
    /// follows (`Some(delay)`, announced by a [`Notice::Reconnecting`] next)
    /// or the source is now closed for good (`None`).
    Error {
        /// What happened.
        error: Error,
        /// The delay before the next attempt, if there is one.
        reconnect_in_ms: Option<u64>,
    },
    /// A reconnect is scheduled.
    Reconnecting {
        /// Milliseconds until the attempt.
        delay_ms: u64,
        /// Which consecutive attempt this is (1 after a healthy connection).
        attempt: u32,
    },
    /// Something is wrong with the stream, and can be fixed (told once per
    /// source, with [`Options::diagnose`](super::Options::diagnose); with
    /// the `stats` feature, on by default).
    #[cfg(feature = "stats")]
    Diagnostic(Diagnostic),
}
