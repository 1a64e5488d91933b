//! The page's lifecycle for the Rust API: the browser going `online`, the
//! page going into the back/forward cache (`pagehide` with `persisted`) and
//! coming back (`pageshow`), its visibility, focus, and resume after a
//! freeze, told to the driver, which tells the core (`Connection::wake`,
//! `hidden` and `stored`), as js/page.js does for the class.

use std::rc::{Rc, Weak};

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

use super::dispatch::{PageEvent, Shared};

/// One listener: where, for what, and the closure JavaScript calls.
type Listener = (EventTarget, &'static str, Closure<dyn FnMut(JsValue)>);

/// The listeners of one source, removed when it is dropped.
pub(super) struct PageWatch {
    listeners: Vec<Listener>,
}

impl PageWatch {
    /// Listens where the global object has the events (a window; a worker
    /// has `online` only, and no document).
    pub(super) fn new(shared: &Rc<Shared>) -> PageWatch {
        let mut watch = PageWatch {
            listeners: Vec::new(),
        };
        let global = js_sys::global();
        let document = Reflect::get(&global, &"document".into())
            .ok()
            .filter(|d| d.is_object());
        let weak = Rc::downgrade(shared);
        let tell = move |weak: &Weak<Shared>, event| {
            if let Some(shared) = weak.upgrade() {
                shared.page_event(event);
            }
        };
        for kind in ["online", "focus"] {
            let w = weak.clone();
            watch.listen(&global, kind, move |_| tell(&w, PageEvent::Back));
        }
        let persisted =
            |event: &JsValue| Reflect::get(event, &"persisted".into()).is_ok_and(|p| p.is_truthy());
        let w = weak.clone();
        watch.listen(&global, "pageshow", move |event| {
            if persisted(&event) {
                tell(&w, PageEvent::Back);
            }
        });
        let w = weak.clone();
        watch.listen(&global, "pagehide", move |event| {
            if persisted(&event) {
                tell(&w, PageEvent::Stored);
            }
        });
        if let Some(document) = document {
            let w = weak.clone();
            watch.listen(&document, "resume", move |_| tell(&w, PageEvent::Back));
            let doc = document.clone();
            watch.listen(&document, "visibilitychange", move |_| {
                let hidden = Reflect::get(&doc, &"hidden".into()).is_ok_and(|h| h.is_truthy());
                let event = if hidden {
                    PageEvent::Hidden
                } else {
                    PageEvent::Back
                };
                tell(&weak, event);
            });
        }
        watch
    }

    fn listen(&mut self, target: &JsValue, kind: &'static str, f: impl FnMut(JsValue) + 'static) {
        let Some(target) = target.dyn_ref::<EventTarget>() else {
            return;
        };
        let closure = Closure::<dyn FnMut(JsValue)>::new(f);
        if target
            .add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref())
            .is_ok()
        {
            self.listeners.push((target.clone(), kind, closure));
        }
    }
}

impl Drop for PageWatch {
    fn drop(&mut self) {
        for (target, kind, closure) in &self.listeners {
            let _ =
                target.remove_event_listener_with_callback(kind, closure.as_ref().unchecked_ref());
        }
    }
}
