//! Where a request goes and how it carries the last event ID: the rules
//! both drivers (the Rust API and the JavaScript class) follow.

use std::borrow::Cow;

/// The URL of one request and the `Last-Event-ID` header it sends.
///
/// By default the last event ID goes in the `Last-Event-ID` header, as the
/// browser's `EventSource` sends it. That header is not CORS-safelisted, so
/// a cross-origin reconnect made with `fetch()` is preflighted (the
/// browser's own class is exempt). For a server that cannot answer
/// preflights, a query parameter can carry the ID instead.
///
/// ```
/// use eventsource_wasm::connection::RequestTarget;
///
/// let t = RequestTarget::new("https://api.test/feed?x=1#top", "café-7", None);
/// assert_eq!(t.url, "https://api.test/feed?x=1#top");
/// assert_eq!(t.last_event_id_header.as_deref(), Some("caf\u{c3}\u{a9}-7"));
///
/// let t = RequestTarget::new("https://api.test/feed?x=1#top", "café 7", Some("lastEventId"));
/// assert_eq!(t.url, "https://api.test/feed?x=1&lastEventId=caf%C3%A9+7#top");
/// assert_eq!(t.last_event_id_header, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestTarget<'a> {
    /// The URL to request.
    pub url: Cow<'a, str>,
    /// The `Last-Event-ID` header value to send, if any, already encoded
    /// for `Headers` (see [`last_event_id_header`]).
    pub last_event_id_header: Option<String>,
}

impl<'a> RequestTarget<'a> {
    /// The target of a request to `url` resuming from `last_event_id`
    /// (nothing is added when it is empty), in the query parameter `param`
    /// if given (replacing any the URL already has), else in the header.
    pub fn new(url: &'a str, last_event_id: &str, param: Option<&str>) -> Self {
        match (last_event_id.is_empty(), param) {
            (true, _) => RequestTarget {
                url: Cow::Borrowed(url),
                last_event_id_header: None,
            },
            (false, Some(name)) => RequestTarget {
                url: Cow::Owned(with_query_param(url, name, last_event_id)),
                last_event_id_header: None,
            },
            (false, None) => RequestTarget {
                url: Cow::Borrowed(url),
                last_event_id_header: Some(last_event_id_header(last_event_id)),
            },
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
pub fn last_event_id_header(id: &str) -> String {
    if id.is_ascii() {
        return id.to_owned();
    }
    id.bytes().map(char::from).collect()
}

/// `url` with the query parameter `name=value` (form-encoded), replacing
/// any parameter of that name, before the fragment if there is one.
///
/// Splits with `split_once` rather than by index: slicing a `str` by index
/// links its panic message formatting into the WebAssembly (several KB).
fn with_query_param(url: &str, name: &str, value: &str) -> String {
    let (rest, fragment) = url
        .split_once('#')
        .map_or((url, None), |(a, b)| (a, Some(b)));
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut encoded_name = String::new();
    form_encode(name, &mut encoded_name);
    let mut out = String::with_capacity(url.len() + name.len() + value.len() + 2);
    out.push_str(path);
    let mut sep = '?';
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = pair.split('=').next().unwrap_or("");
        if key == encoded_name || key == name {
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

/// The `application/x-www-form-urlencoded` byte serializer (what
/// `URLSearchParams` writes): ASCII letters, digits and `*-._` as they
/// are, space as `+`, every other byte as `%XX`.
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
        let t = RequestTarget::new("http://a/b?c", "", Some("id"));
        assert_eq!(t.url, "http://a/b?c");
        assert!(matches!(t.url, Cow::Borrowed(_)));
        assert_eq!(t.last_event_id_header, None);
    }

    #[test]
    fn the_query_parameter_is_added_replaced_and_encoded() {
        let param = |url: &str, id: &str| {
            RequestTarget::new(url, id, Some("last id"))
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
