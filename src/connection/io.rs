//! The network side of the driver contract: the actions a driver carries
//! out ([`Io`]), which responses open the stream, and the bounds on reading
//! a refused response's body.

/// What the connection needs from the adapter's network side.
///
/// Not `#[non_exhaustive]`, on purpose: a driver must carry out every kind,
/// and a new one should fail to compile rather than be ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Start a request. Send `Last-Event-ID` with this value unless it is
    /// empty. Any earlier request has already been asked to abort.
    Fetch {
        /// The last event ID to send.
        last_event_id: String,
    },
    /// The request failed before any response: find out whether the
    /// server answered and CORS withheld the response. Send a GET of the
    /// same URL with `mode: 'no-cors'` (no headers of your own, no body, the
    /// same credentials mode), and report with
    /// [`on_probe`](super::Connection::on_probe) whether its response was opaque
    /// (`response.type` `"opaque"`), aborting it as soon as its head
    /// arrives. A probe that fails is reported as not refused.
    Probe,
    /// Abort the request (or probe) in flight and stop reading its body.
    Abort,
}

/// How long a probe may take before it counts as a network failure.
pub const PROBE_TIMEOUT_MS: u64 = 5_000;

/// How many bytes of a refused response's body a driver reads (see
/// [`ErrorBody`](crate::ErrorBody)): 64 KiB, enough for any API's error and bounded against
/// any server.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How long a driver waits for a refused response's body before it reports
/// the error with what arrived.
pub const ERROR_BODY_TIMEOUT_MS: u64 = 3_000;

/// Whether a response with this status and `Content-Type` opens the stream:
/// 200 with `text/event-stream` (any parameters, any case). The body of any
/// other response is read for its [`ErrorBody`](crate::ErrorBody), before it is reported with
/// [`Connection::on_response_with_body`](super::Connection::on_response_with_body).
#[cfg_attr(npm_size, optimize(size))]
pub fn opens(status: u16, content_type: Option<&str>) -> bool {
    status == 200 && content_type.is_some_and(is_event_stream)
}

/// Whether a `Content-Type` value's MIME type essence is
/// `text/event-stream` (parameters such as `charset` do not matter: the
/// stream is UTF-8 regardless).
#[cfg_attr(npm_size, optimize(size))]
fn is_event_stream(content_type: &str) -> bool {
    let bytes = content_type.as_bytes();
    let end = bytes.iter().position(|&b| b == b';').unwrap_or(bytes.len());
    bytes[..end]
        .trim_ascii()
        .eq_ignore_ascii_case(b"text/event-stream")
}

#[cfg(test)]
mod tests {
    use super::is_event_stream;

    #[test]
    fn event_stream_content_type_matching() {
        assert!(is_event_stream("text/event-stream;charset=utf-8"));
        assert!(!is_event_stream("text/event-streams"));
        assert!(!is_event_stream("text/plain; x=text/event-stream"));
        assert!(!is_event_stream(""));
    }
}
