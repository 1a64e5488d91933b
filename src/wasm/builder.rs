//! [`Builder`]: how an [`EventSource`] is configured and opened.

use std::fmt;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use super::dispatch::Shared;
use super::fetch::{HeadersFn, RequestSpec};
use super::source::EventSource;
use super::{driver, sys};
use super::{Body, Credentials, ResumeInfo, ResumeRequest};
use crate::connection::{Connection, EndRule, Options, RetryPolicy};
use crate::parser::Config;

/// Configures and opens an [`EventSource`]; made by [`EventSource::builder`].
#[must_use = "a builder does nothing until `build()`"]
pub struct Builder {
    pub(super) spec: RequestSpec,
    pub(super) options: Options,
    /// The idempotency header's name (`None`: no key).
    pub(super) key_header: Option<String>,
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
        self.options.method = method.into();
        self
    }

    /// A request body (with `POST`, say, for an LLM prompt). Set a
    /// `Content-Type` header to match. A request with a body, or with a
    /// method other than GET, is not sent again on its own: see
    /// [`resend`](Self::resend).
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

    /// Send a request with a body, or with a method other than GET, again
    /// on every reconnect, as a GET is. Off by default: such a request is
    /// sent again only to resume from an event ID (sent as
    /// `Last-Event-ID`) or after a status in
    /// [`retry_statuses`](Self::retry_statuses); otherwise, when its stream
    /// ends or breaks off, the source closes with
    /// [`Error::Truncated`](crate::Error::Truncated) (before its end) or
    /// [`Error::NotResent`](crate::Error::NotResent), since sending it again
    /// could make the server do (and charge for) the work twice.
    pub fn resend(mut self, resend: bool) -> Self {
        self.options.resend = resend;
        self
    }

    /// The header that carries the source's idempotency key
    /// (`Idempotency-Key` by default; `None` switches it off): a random key
    /// drawn once per source, sent with every send of a request whose body
    /// may go again because you opted in ([`resend`](Self::resend), or
    /// [`retry_statuses`](Self::retry_statuses) on a request that is not a
    /// plain GET), so that the server can tell a second send from a new
    /// request. A header of yours of that name wins. It is not
    /// CORS-safelisted: a cross-origin server must allow it.
    pub fn idempotency_header(mut self, name: Option<&str>) -> Self {
        self.key_header = name.map(str::to_owned);
        self
    }

    /// Where a request with a body, or with a method other than GET,
    /// resumes from an event ID: a GET of `url`, without the body, with
    /// `Last-Event-ID` (the pattern of MCP's Streamable HTTP transport).
    /// Without it, the same request is sent again with the ID.
    pub fn resume_url(mut self, url: impl Into<String>) -> Self {
        self.options.resume_url = Some(url.into());
        self
    }

    /// How a request with a body, or with a method other than GET, resumes
    /// after its stream breaks: `resume` is told what was delivered last
    /// ([`ResumeInfo`]) and returns the request to send instead (a
    /// [`ResumeRequest`]: its URL, absolute or relative to the page; `GET`
    /// unless it sets a method; the source's headers, then its own; its
    /// body, if any), or `None`, and the source then closes as it would
    /// without it ([`Error::Truncated`](crate::Error::Truncated)). It takes
    /// precedence over [`resume_url`](Self::resume_url) and
    /// `Last-Event-ID`, and works without event IDs, as OpenAI Responses'
    /// `starting_after` resume does. A resume the server refuses with 404
    /// or 410 closes the source with
    /// [`Error::ResumeExpired`](crate::Error::ResumeExpired). Events the
    /// resumed stream replays (the last event ID or, as numbers, a lower
    /// one; or by [`cursor`](Self::cursor)) are dropped, so each arrives
    /// once.
    pub fn resume(
        mut self,
        resume: impl Fn(&ResumeInfo) -> Option<ResumeRequest> + 'static,
    ) -> Self {
        self.spec.resume = Some(std::rc::Rc::new(resume));
        self.options.resume_with = true;
        self
    }

    /// The field of each event's JSON data that orders the stream's events
    /// (OpenAI Responses' `"sequence_number"`), for a server that replays
    /// by it rather than by event ID. After a resume, an event whose field
    /// is the last one delivered, or (both whole numbers) a lower one, is
    /// dropped, until the first that is not. See
    /// [`Options::cursor`](crate::connection::Options::cursor).
    pub fn cursor(mut self, field: impl Into<String>) -> Self {
        self.options.cursor = Some(field.into());
        self
    }

    /// Tell what is wrong with the stream, as
    /// [`Notice::Diagnostic`](crate::connection::Notice::Diagnostic)s in
    /// [`stream`](EventSource::stream): a buffering intermediary, a
    /// compressed stream, an idle cut, a server that cannot be resumed or
    /// sets no `retry:` (see [`Diagnostic`](crate::connection::Diagnostic)),
    /// each once. Off by default; [`stats`](EventSource::stats) are kept
    /// either way.
    #[cfg(feature = "stats")]
    pub fn diagnose(mut self, diagnose: bool) -> Self {
        self.options.diagnose = diagnose;
        self
    }

    /// Close the connection while the page is hidden, and reconnect (with
    /// the last event ID) when it is shown again. Off by default. A stream
    /// that could not be resumed (a POST that sent no event ID) is never
    /// paused. Whether or not this is set, a waiting reconnect happens at
    /// once when the browser goes back online, when the page comes back
    /// from the back/forward cache, becomes visible, gets the focus or is
    /// resumed, and a stream silent past its idle timeout then reconnects;
    /// a page going into the back/forward cache drops its connection
    /// silently and resumes it at once on its return.
    pub fn pause_when_hidden(mut self, pause: bool) -> Self {
        self.options.pause_when_hidden = pause;
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

    /// A rule that ends the stream too (beside the end event): an event it
    /// matches is delivered, then the source closes for good. The presets
    /// cover the LLM APIs: [`EndRule::OPENAI_CHAT`] (`data: [DONE]`),
    /// [`EndRule::OPENAI_RESPONSES`] and [`EndRule::ANTHROPIC`]; a rule of
    /// your own is a function of the event's type and data.
    pub fn end_when(mut self, rule: EndRule) -> Self {
        self.options.end_when = Some(rule);
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
    /// [`RequestHead`](crate::connection::RequestHead).
    pub fn last_event_id_param(mut self, name: impl Into<String>) -> Self {
        self.options.last_event_id_param = Some(name.into());
        self
    }

    /// Opens the source: the first request starts at once. Problems with
    /// the request itself (an invalid URL or header) arrive as a
    /// [`Notice::Error`](crate::connection::Notice::Error) with
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    pub fn build(mut self) -> EventSource {
        // The core decides the request's head and whether it may be sent
        // again; the body itself stays here.
        self.options.has_body = self.spec.body.is_some();
        // Drawn for every source; the core decides which requests carry it.
        self.options.idempotency_key = self.key_header.zip(sys::random_key());
        let seed = (js_sys::Math::random() * (u64::MAX as f64)) as u64;
        let core = Connection::new(self.options, seed, sys::now_ms());
        let shared = Rc::new(Shared::new(self.spec, core));
        wasm_bindgen_futures::spawn_local(driver::drive(Rc::clone(&shared)));
        EventSource::from_shared(shared)
    }
}

/// The constructors, here beside the builder they start (so that
/// `source.rs` does not depend on this file, which depends on it).
impl EventSource {
    /// A builder for a source reading `url` (absolute, or relative to the
    /// page or worker).
    pub fn builder(url: impl Into<String>) -> Builder {
        Builder {
            spec: RequestSpec {
                url: url.into(),
                headers: Vec::new(),
                headers_fn: None,
                body: None,
                credentials: Credentials::SameOrigin,
                fetch: None,
                resume: None,
            },
            options: Options::default(),
            key_header: Some("Idempotency-Key".to_owned()),
        }
    }

    /// Opens `url` with the defaults: the browser's behaviour, plus the
    /// end event.
    pub fn new(url: impl Into<String>) -> EventSource {
        EventSource::builder(url).build()
    }
}
