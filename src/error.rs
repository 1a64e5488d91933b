//! Errors.
//!
//! The text of every `Display` implementation is for people and may change
//! between versions; match on the variants instead.

use std::fmt;

/// A limit of the [`Parser`](crate::parser::Parser) was exceeded.
///
/// Everything the stream completed before the offending bytes has already
/// been delivered; the parser then stops (see
/// [`Parser::feed`](crate::parser::Parser::feed)) until
/// [`finish`](crate::parser::Parser::finish) or
/// [`reset`](crate::parser::Parser::reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// One line (a field, a comment, or an unfinished line still waiting for
    /// its end) grew past [`Config::max_line_len`](crate::parser::Config::max_line_len)
    /// bytes.
    LineTooLong {
        /// The limit in force, in bytes.
        limit: usize,
    },
    /// The `data` lines of one event added up to more than
    /// [`Config::max_event_len`](crate::parser::Config::max_event_len) bytes.
    EventTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },
}

impl ParseError {
    /// The limit that was exceeded, in bytes.
    pub fn limit(&self) -> usize {
        match *self {
            ParseError::LineTooLong { limit } | ParseError::EventTooLarge { limit } => limit,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::LineTooLong { limit } => {
                write!(
                    f,
                    "event stream line longer than the limit of {limit} bytes"
                )
            }
            ParseError::EventTooLarge { limit } => {
                write!(f, "event data larger than the limit of {limit} bytes")
            }
        }
    }
}

impl std::error::Error for ParseError {}
