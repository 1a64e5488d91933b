//! What only the page knows for the core's `connection-limit` diagnostic:
//! how many of this page's sources stream from an origin, and the protocol
//! Resource Timing last saw for it (`Connection::on_protocol`).

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// The sources alive, by origin.
    static STREAMS: RefCell<Vec<(String, u32)>> = const { RefCell::new(Vec::new()) };
}

/// A source counted against its origin while this lives.
pub(super) struct Streams {
    origin: Option<String>,
}

impl Streams {
    /// Counts a source of `url` (resolved against the page's location).
    pub(super) fn count(url: &str) -> Self {
        let origin = origin_of(url);
        if let Some(o) = &origin {
            STREAMS.with_borrow_mut(|all| match all.iter_mut().find(|(k, _)| k == o) {
                Some((_, n)) => *n += 1,
                None => all.push((o.clone(), 1)),
            });
        }
        Streams { origin }
    }

    /// The protocol of the origin and the page's sources streaming from
    /// it, this one included, when Resource Timing has seen the origin.
    pub(super) fn protocol(&self) -> Option<(String, u32)> {
        let origin = self.origin.as_deref()?;
        let streams =
            STREAMS.with_borrow(|all| all.iter().find(|(k, _)| k == origin).map_or(0, |e| e.1));
        Some((last_protocol(origin)?, streams))
    }
}

impl Drop for Streams {
    fn drop(&mut self) {
        if let Some(o) = &self.origin {
            STREAMS.with_borrow_mut(|all| {
                if let Some(e) = all.iter_mut().find(|(k, _)| k == o) {
                    e.1 = e.1.saturating_sub(1);
                }
            });
        }
    }
}

fn get(target: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// `new URL(url, location.href).origin`.
fn origin_of(url: &str) -> Option<String> {
    let global = js_sys::global();
    let base = get(&global, "location").and_then(|l| get(&l, "href"));
    let ctor: Function = get(&global, "URL")?.dyn_into().ok()?;
    let args = Array::of2(&url.into(), &base.unwrap_or(JsValue::UNDEFINED));
    let parsed = Reflect::construct(&ctor, &args).ok()?;
    get(&parsed, "origin")?.as_string()
}

/// The `nextHopProtocol` of the latest navigation or resource entry of
/// `origin` that has one (a stream's own entry comes only once it ends; a
/// cross-origin server's is empty without `Timing-Allow-Origin`).
fn last_protocol(origin: &str) -> Option<String> {
    let performance = get(&js_sys::global(), "performance")?;
    let entries: Function = get(&performance, "getEntriesByType")?.dyn_into().ok()?;
    let mut last = None;
    for kind in ["navigation", "resource"] {
        let list = entries.call1(&performance, &kind.into()).ok()?;
        for entry in Array::from(&list).iter() {
            let same = get(&entry, "name")
                .and_then(|n| n.as_string())
                .and_then(|n| origin_of(&n))
                .is_some_and(|o| o == origin);
            let protocol = get(&entry, "nextHopProtocol").and_then(|p| p.as_string());
            if let Some(p) = protocol.filter(|p| same && !p.is_empty()) {
                last = Some(p);
            }
        }
    }
    last
}
