//! What the browser tests of the Rust API share (`tests/web_client.rs`,
//! `tests/web_scenarios.rs`): the scriptable test server `npm test` starts,
//! and the few calls to it every suite needs (tests/js/server.js).
#![allow(dead_code)]

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/tests/js/server.js")]
extern "C" {
    #[wasm_bindgen(js_name = setScript)]
    pub fn set_script(base: &str, key: &str, responses: &str, cors: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = getRequests)]
    pub fn get_requests(base: &str, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = sleep)]
    pub fn sleep_promise(ms: u32) -> js_sys::Promise;
}

/// The test server's URL, read at compile time: `npm test`
/// (scripts/test.sh) starts the server and sets it.
pub fn server() -> &'static str {
    match option_env!("SSE_TEST_SERVER") {
        Some(url) => url,
        None => panic!("SSE_TEST_SERVER is not set: run the browser tests with `npm test`"),
    }
}
