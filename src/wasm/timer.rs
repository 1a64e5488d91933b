//! A `setTimeout` as a future. The timeout is cleared when the future is
//! dropped, and the callback closure is owned by the future (never leaked).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;

use super::sys;

#[derive(Debug, Default)]
struct State {
    fired: bool,
    waker: Option<Waker>,
}

/// Completes once `ms` milliseconds have passed.
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub(crate) struct Sleep {
    state: Rc<RefCell<State>>,
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Sleep {
    pub(crate) fn new(ms: u64) -> Sleep {
        let state = Rc::new(RefCell::new(State::default()));
        let shared = Rc::clone(&state);
        let callback = Closure::<dyn FnMut()>::new(move || {
            let mut state = shared.borrow_mut();
            state.fired = true;
            if let Some(waker) = state.waker.take() {
                waker.wake();
            }
        });
        // setTimeout takes a 32-bit signed delay.
        let ms = ms.min(i32::MAX as u64) as i32;
        let id = sys::set_timeout(callback.as_ref().unchecked_ref(), ms);
        Sleep {
            state,
            id,
            _callback: callback,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.borrow_mut();
        if state.fired {
            Poll::Ready(())
        } else {
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        sys::clear_timeout(&self.id);
    }
}
