//! The benchmark's Rust API client (bench/clients.js loads it): a Rust
//! `EventSource` counting `tick` events with a raw listener, as a Rust
//! frontend would use it.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use eventsource_wasm::wasm::EventSource;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

/// Resolves once `n` `tick` events reached the listener; each event's data
/// goes to `on_data` when given (the latency scenario). A stream that fails
/// shows as the page's timeout.
#[wasm_bindgen]
pub fn run(url: String, n: u32, on_data: Option<Function>) -> Promise {
    Promise::new(&mut |resolve, _reject| {
        let source = EventSource::builder(url.as_str()).build();
        let seen = Rc::new(Cell::new(0u32));
        let keep = Rc::new(RefCell::new(None));
        let (s, k, closer, on_data) = (
            Rc::clone(&seen),
            Rc::clone(&keep),
            source.clone(),
            on_data.clone(),
        );
        let tick = source.on_event("tick", move |event| {
            if let Some(f) = &on_data {
                let _ = f.call1(&JsValue::UNDEFINED, &JsValue::from_str(&event.data));
            }
            s.set(s.get() + 1);
            if s.get() == n {
                closer.close();
                k.borrow_mut().take();
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
        *keep.borrow_mut() = Some((source, tick));
    })
}
