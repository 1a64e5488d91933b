//! One request: build it, send it with the global `fetch`, read its body.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReadableStreamDefaultReader, Request, RequestCache,
    RequestCredentials, RequestInit, RequestMode, Response, ResponseType,
};

use super::sys;
use super::timer::Sleep;
use super::{Body, Credentials};
use crate::connection::{
    opens, RequestHead, ERROR_BODY_LIMIT, ERROR_BODY_TIMEOUT_MS, FIRST_HEADERS,
};
use crate::error::Error;

/// Produces headers before every request (token refresh).
pub(crate) type HeadersFn =
    Rc<dyn Fn() -> LocalBoxFuture<'static, Result<Vec<(String, String)>, String>>>;

/// Everything about the request that stays the same across reconnects.
pub(crate) struct RequestSpec {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) headers_fn: Option<HeadersFn>,
    pub(crate) body: Option<Body>,
    pub(crate) credentials: Credentials,
    /// A `fetch`-compatible function to call instead of the global one.
    pub(crate) fetch: Option<js_sys::Function>,
    /// The caller's resume function.
    pub(crate) resume: Option<super::resume::ResumeFn>,
}

impl std::fmt::Debug for RequestSpec {
    // Header values are secrets (tokens): never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestSpec")
            .field("url", &self.url)
            .field(
                "header_names",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("headers_fn", &self.headers_fn.is_some())
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// Aborts the request (and so its body stream) when dropped.
#[derive(Debug)]
pub(crate) struct AbortGuard(AbortController);

impl AbortGuard {
    fn new() -> Result<Self, Error> {
        AbortController::new()
            .map(AbortGuard)
            .map_err(|e| Error::InvalidRequest {
                message: sys::message_of(&e),
            })
    }

    fn signal(&self) -> AbortSignal {
        self.0.signal()
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// What the response's head said.
#[derive(Debug)]
pub(crate) struct Head {
    /// The final URL, after redirects.
    pub(crate) url: String,
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    /// The `Retry-After` header, as received (the core reads it).
    pub(crate) retry_after: Option<String>,
    /// The `Content-Encoding` header, where readable (for the core's
    /// diagnostics).
    pub(crate) encoding: Option<String>,
    /// For a response that does not open the stream: the start of its
    /// body, as text (the core finds the server's message in it).
    pub(crate) body: Option<String>,
}

/// What reading the body gave.
#[derive(Debug)]
pub(crate) enum Read {
    Chunk(Vec<u8>),
    End,
}

enum Phase {
    Head(LocalBoxFuture<'static, Result<Response, Error>>),
    /// A response that does not open: its body is read for the error.
    Refused(LocalBoxFuture<'static, String>, Option<Head>),
    /// A CORS probe (`Io::Probe`): only its head matters.
    Probe(LocalBoxFuture<'static, Result<Response, Error>>),
    Body {
        reader: ReadableStreamDefaultReader,
        read: Option<JsFuture>,
    },
    Empty,
    Done,
}

/// A request in flight. Dropping it aborts the request.
pub(crate) struct InFlight {
    phase: Phase,
    _abort: Option<AbortGuard>,
}

/// What an [`InFlight`] produced.
#[derive(Debug)]
pub(crate) enum Progress {
    Head(Head),
    Read(Read),
    Failed(Error),
    /// A probe ended: whether its response was opaque (a CORS refusal).
    Probed(bool),
}

impl InFlight {
    /// Starts the request the core described (the headers callback runs
    /// first): its head, owned (see [`Owned`]), and its idempotency header.
    pub(crate) fn start(
        spec: &Rc<RequestSpec>,
        head: Owned,
        key: Option<(&str, &str)>,
    ) -> InFlight {
        let spec = Rc::clone(spec);
        let key = key.map(|(name, key)| (name.to_owned(), key.to_owned()));
        Self::with_abort(|signal| Phase::Head(Box::pin(send(spec, head, key, signal))))
    }

    /// Starts a CORS probe (`connection::Io::Probe`): a `no-cors` GET of
    /// the source's URL; it ends with `Progress::Probed`.
    pub(crate) fn probe(spec: &Rc<RequestSpec>) -> InFlight {
        let spec = Rc::clone(spec);
        Self::with_abort(|signal| Phase::Probe(Box::pin(probe(spec, signal))))
    }

    fn with_abort(phase: impl FnOnce(AbortSignal) -> Phase) -> InFlight {
        match AbortGuard::new() {
            Ok(abort) => InFlight {
                phase: phase(abort.signal()),
                _abort: Some(abort),
            },
            Err(e) => InFlight {
                phase: Phase::Head(Box::pin(async move { Err(e) })),
                _abort: None,
            },
        }
    }

    /// Polls for the next step: the head once, then body reads.
    pub(crate) fn poll_progress(&mut self, cx: &mut Context<'_>) -> Poll<Progress> {
        loop {
            match &mut self.phase {
                Phase::Done => return Poll::Pending,
                Phase::Probe(future) => {
                    let Poll::Ready(result) = future.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    // Its body is never read: dropping the InFlight aborts it.
                    self.phase = Phase::Done;
                    let opaque = result.is_ok_and(|r| r.type_() == ResponseType::Opaque);
                    return Poll::Ready(Progress::Probed(opaque));
                }
                Phase::Refused(future, head) => {
                    let Poll::Ready(body) = future.as_mut().poll(cx) else {
                        return Poll::Pending;
                    };
                    let mut head = head.take().expect("a refused response has its head");
                    head.body = Some(body);
                    // The core aborts the request (and so the body) next.
                    self.phase = Phase::Done;
                    return Poll::Ready(Progress::Head(head));
                }
                Phase::Empty => {
                    self.phase = Phase::Done;
                    return Poll::Ready(Progress::Read(Read::End));
                }
                Phase::Head(future) => {
                    let response = match future.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Ok(response)) => response,
                        Poll::Ready(Err(e)) => {
                            self.phase = Phase::Done;
                            return Poll::Ready(Progress::Failed(e));
                        }
                    };
                    let head = read_head(&response);
                    if !opens(head.status, head.content_type.as_deref()) {
                        self.phase = Phase::Refused(Box::pin(error_body(response)), Some(head));
                        continue;
                    }
                    self.phase = match response.body() {
                        Some(body) => Phase::Body {
                            reader: body.get_reader().unchecked_into(),
                            read: None,
                        },
                        // No body at all: it ends at once.
                        None => Phase::Empty,
                    };
                    return Poll::Ready(Progress::Head(head));
                }
                Phase::Body { reader, read } => {
                    let pending = read.get_or_insert_with(|| JsFuture::from(reader.read()));
                    let result = match Pin::new(pending).poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(result) => result,
                    };
                    *read = None;
                    let progress = match result.and_then(|r| read_result(&r)) {
                        Ok(Some(chunk)) if chunk.is_empty() => continue,
                        Ok(Some(chunk)) => Progress::Read(Read::Chunk(chunk)),
                        Ok(None) => {
                            self.phase = Phase::Done;
                            Progress::Read(Read::End)
                        }
                        Err(e) => {
                            self.phase = Phase::Done;
                            Progress::Failed(Error::Network {
                                message: sys::message_of(&e),
                            })
                        }
                    };
                    return Poll::Ready(progress);
                }
            }
        }
    }
}

/// `{ done, value }` of a body read: `Some(bytes)` or `None` at the end.
fn read_result(result: &JsValue) -> Result<Option<Vec<u8>>, JsValue> {
    if Reflect::get(result, &JsValue::from_str("done"))?.is_truthy() {
        return Ok(None);
    }
    let value = Reflect::get(result, &JsValue::from_str("value"))?;
    Ok(Some(value.unchecked_into::<Uint8Array>().to_vec()))
}

fn read_head(response: &Response) -> Head {
    let headers = response.headers();
    let get = |name: &str| headers.get(name).ok().flatten();
    Head {
        url: response.url(),
        status: response.status(),
        content_type: get("content-type"),
        retry_after: get("retry-after"),
        encoding: get("content-encoding"),
        body: None,
    }
}

/// The start of a refused response's body: at most [`ERROR_BODY_LIMIT`]
/// bytes, read for at most [`ERROR_BODY_TIMEOUT_MS`] (what arrived is kept
/// if it breaks off), decoded as UTF-8 with invalid bytes replaced.
async fn error_body(response: Response) -> String {
    let mut bytes = Vec::new();
    if let Some(stream) = response.body() {
        let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
        let read = async {
            while bytes.len() < ERROR_BODY_LIMIT {
                let Ok(result) = JsFuture::from(reader.read()).await else {
                    break;
                };
                match read_result(&result) {
                    Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                    _ => break,
                }
            }
        };
        let timeout = Sleep::new(ERROR_BODY_TIMEOUT_MS);
        futures::pin_mut!(read);
        futures::future::select(read, timeout).await;
    }
    bytes.truncate(ERROR_BODY_LIMIT);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn invalid_header(name: &str) -> Error {
    // The value may be a secret: name the header only.
    Error::InvalidRequest {
        message: format!("invalid name or value for the header {name:?}"),
    }
}

/// The request's credentials mode for `fetch`.
fn credentials(spec: &RequestSpec) -> RequestCredentials {
    match spec.credentials {
        Credentials::Omit => RequestCredentials::Omit,
        Credentials::SameOrigin => RequestCredentials::SameOrigin,
        Credentials::Include => RequestCredentials::Include,
    }
}

/// Sends `request` with the global `fetch`, or the custom one.
async fn fetch(spec: &RequestSpec, request: &Request) -> Result<Response, Error> {
    let network = |e: JsValue| Error::Network {
        message: sys::message_of(&e),
    };
    let promise = match &spec.fetch {
        // A custom fetch may return a plain value or throw synchronously.
        Some(fetch) => {
            js_sys::Promise::resolve(&fetch.call1(&JsValue::UNDEFINED, request).map_err(network)?)
        }
        None => sys::fetch_with_request(request),
    };
    let response = JsFuture::from(promise).await.map_err(network)?;
    response.dyn_into::<Response>().map_err(|_| Error::Network {
        message: "fetch() did not resolve to a Response".into(),
    })
}

/// The CORS probe: a `no-cors` GET of the source's URL, with no headers of
/// our own and the same credentials mode.
async fn probe(spec: Rc<RequestSpec>, signal: AbortSignal) -> Result<Response, Error> {
    let init = RequestInit::new();
    init.set_mode(RequestMode::NoCors);
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(credentials(&spec));
    init.set_signal(Some(&signal));
    let request =
        Request::new_with_str_and_init(&spec.url, &init).map_err(|e| Error::InvalidRequest {
            message: sys::message_of(&e),
        })?;
    fetch(&spec, &request).await
}

/// A [`RequestHead`] that owns its parts, to outlive the core's borrow;
/// or the request a resume function returned.
pub(crate) struct Owned {
    method: String,
    url: String,
    last: Option<(&'static str, String)>,
    pub(crate) send_body: bool,
    /// The request a resume function returned: its headers, and its body
    /// instead of the source's.
    resumed: Option<super::ResumeRequest>,
    /// See [`RequestHead::resume`].
    pub(crate) resume: u32,
}

impl From<super::ResumeRequest> for Owned {
    fn from(next: super::ResumeRequest) -> Self {
        Owned {
            method: next.method.clone(),
            url: next.url.clone(),
            last: None,
            send_body: false,
            resumed: Some(next),
            resume: 0,
        }
    }
}

impl From<RequestHead<'_>> for Owned {
    fn from(head: RequestHead<'_>) -> Self {
        Owned {
            method: head.method.to_owned(),
            last: head
                .last_header()
                .map(|(name, value)| (name, value.to_owned())),
            url: head.url.into_owned(),
            send_body: head.send_body,
            resumed: None,
            resume: head.resume,
        }
    }
}

async fn send(
    spec: Rc<RequestSpec>,
    head: Owned,
    key: Option<(String, String)>,
    signal: AbortSignal,
) -> Result<Response, Error> {
    let Owned {
        method,
        url,
        last,
        send_body,
        resumed,
        ..
    } = head;
    let headers = Headers::new().map_err(|e| Error::InvalidRequest {
        message: sys::message_of(&e),
    })?;
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|_| invalid_header(name));
    // The request head the core decided (`connection::RequestHead`): its
    // first headers and idempotency key, the caller's, then its last.
    for (name, value) in FIRST_HEADERS {
        set(name, value)?;
    }
    if let Some((name, key)) = &key {
        set(name, key)?;
    }
    for (name, value) in &spec.headers {
        set(name, value)?;
    }
    if let Some(headers_fn) = &spec.headers_fn {
        let fresh = headers_fn()
            .await
            .map_err(|message| Error::Headers { message })?;
        for (name, value) in &fresh {
            set(name, value)?;
        }
    }
    if let Some((name, value)) = &last {
        set(name, value)?;
    }
    if let Some(next) = &resumed {
        for (name, value) in &next.headers {
            set(name, value)?;
        }
    }

    let init = RequestInit::new();
    init.set_method(&method);
    init.set_headers(&headers);
    init.set_mode(RequestMode::Cors);
    // What the browser's EventSource does: never answer from the cache.
    init.set_cache(RequestCache::NoStore);
    init.set_credentials(credentials(&spec));
    init.set_signal(Some(&signal));
    let body = match &resumed {
        Some(next) => next.body.as_ref(),
        None => spec.body.as_ref().filter(|_| send_body),
    };
    match body {
        Some(Body::Text(text)) => init.set_body(&JsValue::from_str(text)),
        Some(Body::Bytes(bytes)) => init.set_body(&Uint8Array::from(bytes.as_slice())),
        Some(Body::Js(value)) => init.set_body(value),
        None => {}
    }
    let request =
        Request::new_with_str_and_init(&url, &init).map_err(|e| Error::InvalidRequest {
            message: sys::message_of(&e),
        })?;
    fetch(&spec, &request).await
}
