//! [`ResumeInfo`] and [`ResumeRequest`]: a resume function of the caller's
//! (see [`Builder::resume`](super::Builder::resume)).

use super::Body;
use crate::parser::Event;

/// What a resume function is told: what the source delivered last.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResumeInfo {
    /// The last event ID (empty if the server sent none).
    pub last_event_id: String,
    /// The last event delivered, if any.
    pub last_event: Option<Event>,
    /// Which consecutive attempt this is (1 for the first).
    pub attempt: u32,
}

/// The request a resume function returns: a GET of its URL (absolute, or
/// relative to the page), with the source's headers, unless set otherwise.
///
/// ```
/// use eventsource_wasm::wasm::ResumeRequest;
///
/// let next = ResumeRequest::new("https://api.test/v1/responses/r1?stream=true&starting_after=7")
///     .header("X-Resume", "1");
/// assert_eq!(next.method, "GET");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ResumeRequest {
    /// The URL.
    pub url: String,
    /// The method: `GET` unless set.
    pub method: String,
    /// Headers sent after the source's own.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Body>,
}

impl ResumeRequest {
    /// A GET of `url`, with no body.
    pub fn new(url: impl Into<String>) -> Self {
        ResumeRequest {
            url: url.into(),
            method: "GET".to_owned(),
            headers: Vec::new(),
            body: None,
        }
    }

    /// The method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = method.into();
        self
    }

    /// Adds a header, sent after the source's own.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }
}

/// A resume function, as the builder keeps it.
pub(crate) type ResumeFn = std::rc::Rc<dyn Fn(&ResumeInfo) -> Option<ResumeRequest>>;
