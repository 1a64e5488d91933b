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

impl ParseError {
    /// The error in words, built piece by piece without format arguments:
    /// the npm parser module words its errors with this, and format
    /// arguments would bring Rust's number formatting into it (about
    /// 1.5 KB).
    pub(crate) fn words(&self) -> String {
        let (what, limit) = match self {
            ParseError::LineTooLong { limit } => {
                ("event stream line longer than the limit of ", limit)
            }
            ParseError::EventTooLarge { limit } => ("event data larger than the limit of ", limit),
        };
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut n = *limit;
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let mut words = String::from(what);
        words.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
        words.push_str(" bytes");
        words
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words())
    }
}

impl std::error::Error for ParseError {}

/// The body of a response that did not open the stream (a status other
/// than 200, or the wrong content type), where servers say why: an LLM API's
/// "Incorrect API key provided" or "Rate limit reached".
///
/// Drivers read at most [`ERROR_BODY_LIMIT`](crate::connection::ERROR_BODY_LIMIT)
/// bytes of it, for at most
/// [`ERROR_BODY_TIMEOUT_MS`](crate::connection::ERROR_BODY_TIMEOUT_MS), and
/// decode them as UTF-8 (invalid bytes replaced).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The body as text, cut at the limit.
    pub text: String,
    /// The server's own message, when the body is JSON and has one in a
    /// usual place: `error.message` (OpenAI, Anthropic, Google), `error`
    /// when it is a string, `message`, or `detail` (FastAPI, RFC 9457).
    pub message: Option<String>,
}

impl ErrorBody {
    /// A body read as `text`, and the server's `message` found in it.
    pub fn new(text: String, message: Option<String>) -> Self {
        ErrorBody { text, message }
    }
}

/// Why a connection failed or closed.
///
/// Each [`Notice::Error`](crate::connection::Notice::Error) says, beside the
/// error, whether a reconnect follows and after how long. By default:
///
/// | variant | reconnects? |
/// |---|---|
/// | [`Network`](Error::Network), [`StreamEnded`](Error::StreamEnded), [`IdleTimeout`](Error::IdleTimeout), [`Headers`](Error::Headers) | yes, with backoff; for a request with a body or a method other than GET, only when it can resume (see [`NotResent`](Error::NotResent)) |
/// | [`HttpStatus`](Error::HttpStatus) | no, unless the status is listed in the retry statuses |
/// | [`ContentType`](Error::ContentType), [`Cors`](Error::Cors), [`Limit`](Error::Limit), [`InvalidRequest`](Error::InvalidRequest), [`Aborted`](Error::Aborted), [`Truncated`](Error::Truncated), [`ResumeExpired`](Error::ResumeExpired) | no: the source closes |
/// | [`Provider`](Error::Provider) | only when the request may be sent again on its own (a GET, or [`resend`](crate::connection::Options::resend)) |
/// | [`RetriesExhausted`](Error::RetriesExhausted) | no: the attempts allowed are used up |
/// | [`NotResent`](Error::NotResent) | no: sending the request again could cost its sender |
///
/// No error ever contains the value of a request header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The response status was not 200 (204 No Content included: the
    /// server's way of saying "do not reconnect").
    HttpStatus {
        /// The HTTP status code.
        status: u16,
        /// The start of the response's body, where the server says why
        /// (see [`ErrorBody`]).
        body: Option<Box<ErrorBody>>,
    },
    /// The response was 200 but not `text/event-stream`.
    ContentType {
        /// The `Content-Type` received, or `None` if there was none.
        content_type: Option<String>,
        /// The start of the response's body (see [`ErrorBody`]).
        body: Option<Box<ErrorBody>>,
    },
    /// The request failed before a response (`fetch()` rejected: offline,
    /// refused, DNS, a server that cut the connection), or the body broke
    /// off mid-stream.
    Network {
        /// The browser's message, for people.
        message: String,
    },
    /// The server answered, but its CORS headers do not let this page read
    /// the response (or it refused the preflight), so the browser withheld
    /// it. Closes for good, as the browser's `EventSource` does.
    ///
    /// `fetch()` reports a CORS refusal exactly like a network failure, so
    /// it is told apart by asking once more (see
    /// [`Io::Probe`](crate::connection::Io::Probe)).
    Cors,
    /// The server ended the response body normally. The browser's
    /// `EventSource` reconnects after this, and so do we.
    StreamEnded,
    /// No bytes at all (heartbeat comments count as bytes) arrived for the
    /// idle timeout.
    IdleTimeout {
        /// The timeout in force, in milliseconds.
        timeout_ms: u64,
    },
    /// A parser limit was exceeded by the stream.
    Limit(ParseError),
    /// The headers callback failed (threw, rejected or returned something
    /// that is not headers).
    Headers {
        /// What went wrong, for people.
        message: String,
    },
    /// The request could not be built (an invalid URL, method or header
    /// name). Never retried.
    InvalidRequest {
        /// What went wrong, for people.
        message: String,
    },
    /// The request was aborted from outside (an `AbortSignal`).
    Aborted,
    /// The reconnect attempts allowed by the retry policy are used up.
    RetriesExhausted {
        /// How many reconnect attempts were made.
        attempts: u32,
        /// The failure of the last attempt.
        last: Box<Error>,
    },
    /// The stream ended or broke off, and the request is not sent again on
    /// its own: it has a body or a method other than GET (an LLM prompt,
    /// say), and sending it again could make the server do the work, and
    /// charge for it, twice. It is sent again only to resume (the server
    /// sent an event ID, which goes with it as `Last-Event-ID`), after a
    /// status the caller listed to retry, or when the caller opted in
    /// ([`Options::resend`](crate::connection::Options::resend)).
    NotResent {
        /// What ended the stream.
        cause: Box<Error>,
    },
    /// The stream ended or broke off before its end (the end event, or the
    /// [end rule](crate::connection::EndRule)), and the request cannot be
    /// sent again on its own (see [`NotResent`](Error::NotResent)): what
    /// arrived is not the whole answer.
    Truncated {
        /// What ended the stream.
        cause: Box<Error>,
    },
    /// The server said in the stream that it failed, in an event its
    /// [end rule](crate::connection::EndRule) knows as a failure: an LLM
    /// API's `error` event (Anthropic's `overloaded_error`, say), OpenAI
    /// Responses' `response.failed`, or an `{"error": …}` in OpenAI-style
    /// data. The event is not delivered as one.
    Provider {
        /// The event's type (`error`, `response.failed`, `message`).
        event_type: String,
        /// The provider's type of error (`overloaded_error`), if it gave one.
        error_type: Option<String>,
        /// The provider's code (`rate_limit_exceeded`, or the reason a
        /// response is incomplete), if it gave one.
        code: Option<String>,
        /// The event's data, and the provider's message in it.
        body: Box<ErrorBody>,
    },
    /// The server refused a resume (404 Not Found or 410 Gone) of a request
    /// that is not sent again on its own: the stream to resume is gone
    /// (expired, or never kept), and what arrived before is all there is.
    ResumeExpired {
        /// The HTTP status code.
        status: u16,
        /// The start of the response's body (see [`ErrorBody`]).
        body: Option<Box<ErrorBody>>,
    },
}

impl Error {
    /// The error's type, as the JavaScript class names it (`SseError.type`):
    /// `"http-status"`, `"content-type"`, `"network"`, `"cors"`,
    /// `"stream-ended"`, `"idle-timeout"`, `"line-too-long"`,
    /// `"event-too-large"`, `"headers"`, `"invalid-request"`, `"aborted"`,
    /// `"retries-exhausted"`, `"not-resent"`, `"truncated"`, `"provider"`
    /// or `"resume-expired"`. Stable, unlike the text of
    /// `Display`.
    ///
    /// ```
    /// use eventsource_wasm::Error;
    /// assert_eq!(Error::StreamEnded.kind(), "stream-ended");
    /// ```
    pub fn kind(&self) -> &'static str {
        Self::KINDS[self.kind_index()]
    }

    /// Every [`kind`](Self::kind), in order.
    pub const KINDS: [&'static str; 16] = [
        "http-status",
        "content-type",
        "network",
        "cors",
        "stream-ended",
        "idle-timeout",
        "line-too-long",
        "event-too-large",
        "headers",
        "invalid-request",
        "aborted",
        "not-resent",
        "retries-exhausted",
        "truncated",
        "provider",
        "resume-expired",
    ];

    /// The place of its [`kind`](Self::kind) in [`KINDS`](Self::KINDS).
    pub fn kind_index(&self) -> usize {
        match self {
            Error::HttpStatus { .. } => 0,
            Error::ContentType { .. } => 1,
            Error::Network { .. } => 2,
            Error::Cors => 3,
            Error::StreamEnded => 4,
            Error::IdleTimeout { .. } => 5,
            Error::Limit(ParseError::LineTooLong { .. }) => 6,
            Error::Limit(ParseError::EventTooLarge { .. }) => 7,
            Error::Headers { .. } => 8,
            Error::InvalidRequest { .. } => 9,
            Error::Aborted => 10,
            Error::NotResent { .. } => 11,
            Error::RetriesExhausted { .. } => 12,
            Error::Truncated { .. } => 13,
            Error::Provider { .. } => 14,
            Error::ResumeExpired { .. } => 15,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::HttpStatus { status, body } => {
                write!(f, "the server answered with HTTP status {status}")?;
                server_says(f, body.as_deref())
            }
            Error::ContentType {
                content_type: Some(t),
                body,
            } => {
                // Quoted by hand: Debug formatting would pull its escaping
                // code into every WebAssembly build.
                write!(f, "the response is \"{t}\", not text/event-stream")?;
                server_says(f, body.as_deref())
            }
            Error::ContentType {
                content_type: None,
                body,
            } => {
                f.write_str("the response has no Content-Type; expected text/event-stream")?;
                server_says(f, body.as_deref())
            }
            Error::Network { message } => write!(f, "network error: {message}"),
            Error::Cors => f.write_str(
                "the server answered, but its CORS headers do not allow this origin to read the response",
            ),
            Error::StreamEnded => f.write_str("the server closed the stream"),
            Error::IdleTimeout { timeout_ms } => {
                write!(f, "nothing received for {timeout_ms} ms")
            }
            Error::Limit(e) => e.fmt(f),
            Error::Headers { message } => write!(f, "the headers callback failed: {message}"),
            Error::InvalidRequest { message } => write!(f, "invalid request: {message}"),
            Error::Aborted => f.write_str("aborted"),
            Error::NotResent { cause } => write!(
                f,
                "{cause}; not sent again: the request has a body or is not a GET, and no event ID to resume from"
            ),
            Error::RetriesExhausted { attempts, last } => {
                write!(
                    f,
                    "gave up after {attempts} reconnect attempts; last error: {last}"
                )
            }
            Error::Truncated { cause } => write!(
                f,
                "the stream was cut before its end ({cause}); not sent again: the request has a body or is not a GET, and no event ID to resume from"
            ),
            Error::Provider {
                event_type,
                error_type,
                code,
                body,
            } => {
                write!(f, "the stream reported a failure in its \"{event_type}\" event")?;
                if let Some(what) = error_type.as_ref().or(code.as_ref()) {
                    write!(f, " ({what})")?;
                }
                server_says(f, Some(body))
            }
            Error::ResumeExpired { status, body } => {
                write!(
                    f,
                    "the stream is gone: its resume was refused with HTTP status {status}"
                )?;
                server_says(f, body.as_deref())
            }
        }
    }
}

/// The server's own message, after the error's.
fn server_says(f: &mut fmt::Formatter<'_>, body: Option<&ErrorBody>) -> fmt::Result {
    match body.and_then(|b| b.message.as_deref()) {
        Some(message) => write!(f, ": {message}"),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Limit(e) => Some(e),
            Error::RetriesExhausted { last, .. } => Some(last.as_ref()),
            Error::NotResent { cause } | Error::Truncated { cause } => Some(cause.as_ref()),
            _ => None,
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Limit(e)
    }
}

/// An event whose data did not decode into the type a typed listener asked
/// for. The stream it came from goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The event's type.
    pub event_type: String,
    /// The event's data, as received.
    pub data: String,
    /// What the decoder said, for people.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the data of a {:?} event ({} bytes) did not decode: {}",
            self.event_type,
            self.data.len(),
            self.message
        )
    }
}

impl std::error::Error for DecodeError {}
