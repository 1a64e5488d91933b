//! What a request looks like: the rules both drivers (the Rust API and the
//! JavaScript class) follow.

use std::borrow::Cow;

/// The `Accept` header every request sends (before the caller's own
/// headers, which may replace it).
pub const ACCEPT: &str = "text/event-stream";

/// The headers a driver sets on every request before the caller's own
/// (which may replace them): `Accept:` [`ACCEPT`]. After the caller's comes
/// [`RequestHead::last_header`].
pub const FIRST_HEADERS: [(&str, &str); 1] = [("Accept", ACCEPT)];

/// The head of one request: its method, its URL, and the `Last-Event-ID`
/// header it sends (set after the caller's own headers).
///
/// Besides these, a driver sends every request with `Accept:` [`ACCEPT`],
/// `mode: 'cors'` and `cache: 'no-store'` (which makes the browser send
/// `Cache-Control: no-cache` itself, without a preflight), and adds no
/// other header of its own: those two are CORS-safelisted, so a plain
/// cross-origin request is not preflighted, as the native class's is not.
///
/// By default the last event ID goes in the `Last-Event-ID` header, as the
/// browser's `EventSource` sends it. That header is not CORS-safelisted, so
/// a cross-origin reconnect made with `fetch()` is preflighted (the
/// browser's own class is exempt). For a server that cannot answer
/// preflights, a query parameter can carry the ID instead.
///
/// ```
/// use eventsource_wasm::connection::RequestHead;
///
/// let t = RequestHead::new("GET", "https://api.test/feed?x=1#top", "café-7", None);
/// assert_eq!(t.url, "https://api.test/feed?x=1#top");
/// assert_eq!(t.last_event_id_header.as_deref(), Some("caf\u{c3}\u{a9}-7"));
///
/// let t = RequestHead::new("GET", "https://api.test/feed?x=1#top", "café 7", Some("lastEventId"));
/// assert_eq!(t.url, "https://api.test/feed?x=1&lastEventId=caf%C3%A9+7#top");
/// assert_eq!(t.last_event_id_header, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestHead<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// The URL to request.
    pub url: Cow<'a, str>,
    /// The `Last-Event-ID` header value to send, if any, already encoded
    /// for `Headers`: the ID's UTF-8 bytes, one character (U+0000 to
    /// U+00FF) per byte, which is how the browser's `EventSource` sends an
    /// ID that is not ISO-8859-1.
    pub last_event_id_header: Option<String>,
    /// Whether the request carries the caller's body (if there is one):
    /// true, except for a GET to the resume URL (see
    /// [`Options::resume_url`](super::Options::resume_url)).
    pub send_body: bool,
    /// Whether the request is a resume to ask the caller's resume function
    /// for (see [`Options::resume_with`](super::Options::resume_with)): the
    /// driver calls it with the last event ID, the last event and this
    /// attempt's number, and
    /// sends the request it returns (its URL and method, the caller's
    /// headers then its own, its body) instead of this head's; when it
    /// returns none, the driver calls
    /// [`Connection::not_resumed`](super::Connection::not_resumed). The
    /// number of the attempt, or 0 for a request of this head.
    pub resume: u32,
}

impl<'a> RequestHead<'a> {
    /// The header a driver sets after the caller's own, so that none of
    /// theirs replaces it: `Last-Event-ID`, when the ID goes in a header.
    /// (Before the caller's come [`FIRST_HEADERS`].)
    pub fn last_header(&self) -> Option<(&'static str, &str)> {
        self.last_event_id_header
            .as_deref()
            .map(|value| ("Last-Event-ID", value))
    }

    /// The head of a `method` request to `url` resuming from
    /// `last_event_id` (nothing is added when it is empty), in the query
    /// parameter `param` if given (replacing any the URL already has), else
    /// in the header.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn new(method: &'a str, url: &'a str, last_event_id: &str, param: Option<&str>) -> Self {
        let (url, last_event_id_header) = match (last_event_id.is_empty(), param) {
            (true, _) => (Cow::Borrowed(url), None),
            (false, Some(name)) => (Cow::Owned(with_query_param(url, name, last_event_id)), None),
            (false, None) => (
                Cow::Borrowed(url),
                Some(last_event_id_header(last_event_id)),
            ),
        };
        RequestHead {
            method,
            url,
            last_event_id_header,
            send_body: true,
            resume: 0,
        }
    }
}

/// The last event ID as a `Headers` value: its UTF-8 bytes, one character
/// (U+0000 to U+00FF) per byte.
///
/// A header value is a byte string, and `Headers.set()` throws on any
/// character above U+00FF, so an ID such as `café-€` cannot be passed as
/// it is. The browser's `EventSource` sends the ID's UTF-8 bytes; giving
/// `Headers` one character per byte sends exactly those bytes. (IDs never
/// hold CR, LF or NUL: the parser ends lines at the first two and ignores
/// IDs with the third.)
#[cfg_attr(npm_size, optimize(size))]
pub(crate) fn last_event_id_header(id: &str) -> String {
    if id.is_ascii() {
        return id.to_owned();
    }
    id.bytes().map(char::from).collect()
}

/// `url` with the query parameter `name=value` (form-encoded), replacing
/// any parameter of that name, before the fragment if there is one.
///
/// Splits with [`split_once_byte`]: slicing a `str` by index links its
/// panic message formatting into the WebAssembly (several KB), and the
/// `char` patterns of `split_once` their searcher (about 1 KB).
#[cfg_attr(npm_size, optimize(size))]
fn with_query_param(url: &str, name: &str, value: &str) -> String {
    let (rest, fragment) = split_once_byte(url, b'#').map_or((url, None), |(a, b)| (a, Some(b)));
    let (path, mut query) = split_once_byte(rest, b'?').unwrap_or((rest, ""));
    let mut encoded_name = String::new();
    form_encode(name, &mut encoded_name);
    let mut out = String::with_capacity(url.len() + name.len() + value.len() + 2);
    out.push_str(path);
    let mut sep = '?';
    while !query.is_empty() {
        let (pair, next) = split_once_byte(query, b'&').unwrap_or((query, ""));
        query = next;
        let key = split_once_byte(pair, b'=').map_or(pair, |(key, _)| key);
        if pair.is_empty() || key == encoded_name || key == name {
            continue;
        }
        out.push(sep);
        out.push_str(pair);
        sep = '&';
    }
    out.push(sep);
    out.push_str(&encoded_name);
    out.push('=');
    form_encode(value, &mut out);
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// `text` split around the first `byte` (an ASCII byte, so both sides are
/// whole characters), if it has one.
pub(crate) fn split_once_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == byte)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// The `application/x-www-form-urlencoded` byte serializer (what
/// `URLSearchParams` writes): ASCII letters, digits and `*-._` as they
/// are, space as `+`, every other byte as `%XX`.
#[cfg_attr(npm_size, optimize(size))]
fn form_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

/// Whether `url` is fetched over HTTP: its scheme is `http` or `https` (in
/// any case), or it has none (a relative URL, resolved against a page
/// served over HTTP). A failed fetch of any other scheme would fail again.
#[cfg_attr(npm_size, optimize(size))]
pub(crate) fn is_http(url: &str) -> bool {
    let bytes = url.as_bytes();
    // A scheme is a letter, then letters, digits, `+`, `-` or `.`, up to `:`.
    let end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')));
    match end {
        Some(n) if n > 0 && bytes[n] == b':' && bytes[0].is_ascii_alphabetic() => {
            let scheme = &bytes[..n];
            scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_utf8_bytes_one_char_each() {
        assert_eq!(last_event_id_header("42"), "42");
        assert_eq!(last_event_id_header(""), "");
        let v = last_event_id_header("é€🚀");
        let bytes: Vec<u32> = v.chars().map(u32::from).collect();
        assert_eq!(
            bytes,
            [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x9a, 0x80]
        );
        assert!(v.chars().all(|c| u32::from(c) <= 0xff));
    }

    #[test]
    fn no_id_leaves_the_request_alone() {
        let t = RequestHead::new("GET", "http://a/b?c", "", Some("id"));
        assert_eq!(t.url, "http://a/b?c");
        assert!(matches!(t.url, Cow::Borrowed(_)));
        assert_eq!(t.last_event_id_header, None);
    }

    #[test]
    fn the_query_parameter_is_added_replaced_and_encoded() {
        let param = |url: &str, id: &str| {
            RequestHead::new("GET", url, id, Some("last id"))
                .url
                .into_owned()
        };
        assert_eq!(param("http://a/b", "1"), "http://a/b?last+id=1");
        assert_eq!(param("http://a/b?", "1"), "http://a/b?last+id=1");
        assert_eq!(param("http://a/b?x=1&y", "1"), "http://a/b?x=1&y&last+id=1");
        assert_eq!(
            param("http://a/b?last+id=0&x=1&last+idx=2", "7"),
            "http://a/b?x=1&last+idx=2&last+id=7"
        );
        assert_eq!(
            param("http://a/b#f?g", "a&b=c"),
            "http://a/b?last+id=a%26b%3Dc#f?g"
        );
        assert_eq!(param("/rel", "~é"), "/rel?last+id=%7E%C3%A9");
    }
}
