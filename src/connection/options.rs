//! [`Options`]: how a connection behaves.

use super::{EndRule, RetryPolicy};
use crate::parser::Config;

/// How a connection behaves; everything has a default, and each field has
/// a setter of its name:
///
/// ```
/// use eventsource_wasm::connection::{EndRule, Options, RetryPolicy};
///
/// let options = Options::default()
///     .retry(RetryPolicy::default().max_attempts(Some(3)))
///     .retry_statuses(vec![429, 503])
///     .end_when(Some(EndRule::OPENAI_CHAT));
/// assert_eq!(options.method, "GET");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// Reconnect delays and how many attempts.
    pub retry: RetryPolicy,
    /// Statuses that reconnect (with backoff, honouring `Retry-After`)
    /// instead of failing for good, e.g. 429, 502, 503, 504. Empty by
    /// default, as in the browser.
    pub retry_statuses: Vec<u16>,
    /// The event type that ends the stream: it is delivered, then the
    /// source closes and never reconnects. `Some("end")` by default; `None`
    /// switches it off.
    pub end_event: Option<String>,
    /// A rule that ends the stream too, such as
    /// [`EndRule::OPENAI_CHAT`] (see [`EndRule`]). `None` by default.
    pub end_when: Option<EndRule>,
    /// Reconnect when no bytes at all arrive for this long (heartbeat
    /// comments count), including while waiting for the response. Off by
    /// default.
    pub idle_timeout_ms: Option<u64>,
    /// Parser limits. Exceeding one closes the source with
    /// [`Error::Limit`](crate::Error::Limit).
    pub limits: Config,
    /// The last event ID to start from (sent on the first request).
    pub last_event_id: String,
    /// Send the last event ID as this query parameter instead of the
    /// `Last-Event-ID` header (see [`RequestHead`](super::RequestHead)). `None` by default.
    pub last_event_id_param: Option<String>,
    /// The request's HTTP method: `GET` by default.
    pub method: String,
    /// Whether the request has a body (the driver holds the body itself).
    pub has_body: bool,
    /// Send a request with a body, or with a method other than GET, again
    /// on every reconnect, as a GET is. Off by default: such a request is
    /// sent again only to resume from an event ID, or after a status in
    /// [`retry_statuses`](Options::retry_statuses) (see [`Error::NotResent`](crate::Error::NotResent)).
    pub resend: bool,
    /// Where a request that is not [resendable](Options::resendable)
    /// resumes from an event ID: a GET of this URL, without the body, with
    /// the ID as `Last-Event-ID` (or in
    /// [`last_event_id_param`](Options::last_event_id_param)). This is how
    /// MCP's Streamable HTTP transport resumes a POST's stream. `None` by
    /// default: the same request is sent again, with the ID.
    pub resume_url: Option<String>,
    /// Pause while the page is hidden (see [`Connection::hidden`]): abort
    /// the request, and resume from the last event ID when the page is
    /// shown. Off by default.
    ///
    /// [`Connection::hidden`]: super::Connection::hidden
    pub pause_when_hidden: bool,
    /// The `Idempotency-Key` of this source: a header name and a key the
    /// driver drew at random when the source was made. A request whose
    /// body may be sent again because the caller opted in (see
    /// [`sends_idempotency_key`](Options::sends_idempotency_key)) carries
    /// it on every send, so that the server can tell a second send of
    /// the same request from a new one. `None` by default (the Rust API
    /// and the class set one, named `Idempotency-Key` unless the caller
    /// renames it or switches it off).
    pub idempotency_key: Option<(String, String)>,
    /// Whether the driver holds a resume function of the caller's: a
    /// request that is not [resendable](Options::resendable) then resumes
    /// after a break with the request the function returns (see
    /// [`RequestHead::resume`](super::RequestHead::resume)), even without an
    /// event ID, instead of the same request with `Last-Event-ID` or the
    /// [`resume_url`](Options::resume_url). Off by default.
    pub resume_with: bool,
    /// The top-level field of an event's JSON data that orders a stream's
    /// events, its cursor (OpenAI Responses' `sequence_number`). After a
    /// resume, what the server replays is then told by it rather than by
    /// the event ID: an event whose cursor is the last one delivered, or
    /// (both whole numbers) a lower one, is dropped, until the first that
    /// is not; event IDs are then not compared (see [`cursor`](super::cursor)
    /// for how the field is read). `None` by default.
    pub cursor: Option<String>,
    /// Tell what is wrong with the stream, as
    /// [`Notice::Diagnostic`](super::Notice::Diagnostic)s (see
    /// [`Diagnostic`](super::Diagnostic)). Off by default; the
    /// [stats](super::Connection::stats) are kept either way. (With the
    /// `stats` feature, on by default.)
    #[cfg(feature = "stats")]
    pub diagnose: bool,
}

crate::setters!(Options {
    retry: RetryPolicy,
    retry_statuses: Vec<u16>,
    end_event: Option<String>,
    end_when: Option<EndRule>,
    idle_timeout_ms: Option<u64>,
    limits: Config,
    last_event_id: String,
    last_event_id_param: Option<String>,
    method: String,
    has_body: bool,
    resend: bool,
    resume_url: Option<String>,
    pause_when_hidden: bool,
    idempotency_key: Option<(String, String)>,
    resume_with: bool,
    cursor: Option<String>,
});

#[cfg(feature = "stats")]
crate::setters!(Options { diagnose: bool });

impl Options {
    /// Whether the request may be sent again without anyone asking: a GET
    /// without a body, like every request of the browser's `EventSource`,
    /// or any request when [`resend`](Options::resend) is set. Any other
    /// request may cost its sender (an LLM answer generated and paid
    /// twice): the core sends it again only to resume from an event ID or
    /// after a status the caller listed to retry, and never to confirm a
    /// CORS refusal (see the [module docs](crate::connection)).
    pub fn resendable(&self) -> bool {
        self.resend || self.plain_get()
    }

    /// Whether the request carries its [idempotency key](Options::idempotency_key):
    /// it is not a plain GET, and the caller opted in to sending it again
    /// ([`resend`](Options::resend), or a status in
    /// [`retry_statuses`](Options::retry_statuses)). A resume from an
    /// event ID is recognised by its `Last-Event-ID` instead.
    pub fn sends_idempotency_key(&self) -> bool {
        (self.resend || !self.retry_statuses.is_empty()) && !self.plain_get()
    }

    #[cfg_attr(npm_size, optimize(size))]
    fn plain_get(&self) -> bool {
        self.method.eq_ignore_ascii_case("GET") && !self.has_body
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            retry: RetryPolicy::default(),
            retry_statuses: Vec::new(),
            end_event: Some("end".to_owned()),
            end_when: None,
            idle_timeout_ms: None,
            limits: Config::default(),
            last_event_id: String::new(),
            last_event_id_param: None,
            method: "GET".to_owned(),
            has_body: false,
            resend: false,
            resume_url: None,
            pause_when_hidden: false,
            idempotency_key: None,
            resume_with: false,
            cursor: None,
            #[cfg(feature = "stats")]
            diagnose: false,
        }
    }
}
