//! The Rust API inside a dedicated Web Worker (no `window`, no `document`),
//! against the local test server: it binds the global `fetch`, `setTimeout`
//! and `performance`, so it must work there as in a page.
#![cfg(target_arch = "wasm32")]

use eventsource_wasm::connection::Notice;
use eventsource_wasm::connection::RetryPolicy;
use eventsource_wasm::wasm::EventSource;
use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen(module = "/tests/js/server.js")]
extern "C" {
    #[wasm_bindgen(js_name = setScript)]
    fn set_script(base: &str, key: &str, responses: &str) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// `typeof window`, to prove where we run.
    #[wasm_bindgen(js_name = eval)]
    fn js_eval(code: &str) -> JsValue;
}

fn server() -> &'static str {
    match option_env!("SSE_TEST_SERVER") {
        Some(url) => url,
        None => panic!("SSE_TEST_SERVER is not set: run the browser tests with `npm test`"),
    }
}

#[wasm_bindgen_test]
async fn connects_reconnects_and_ends_inside_a_worker() {
    assert_eq!(
        js_eval("typeof window").as_string().as_deref(),
        Some("undefined")
    );
    assert_eq!(
        js_eval("typeof WorkerGlobalScope").as_string().as_deref(),
        Some("function")
    );
    let responses = r#"[{"chunks":[{"text":"id: 1\ndata: a\n\n"}]},
                        {"chunks":[{"text":"data: b\n\nevent: end\ndata: bye\n\n"}]}]"#;
    JsFuture::from(set_script(server(), "worker", responses))
        .await
        .unwrap();
    let source = EventSource::builder(format!("{}/sse/worker", server()))
        .header("Authorization", "Bearer in-a-worker")
        .retry(RetryPolicy::default().initial_delay_ms(50).min_delay_ms(10))
        .build();
    let notices: Vec<Notice> = source.stream().collect().await;
    let data: Vec<String> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Message(e) => Some(format!("{}:{}:{}", e.event_type, e.data, e.last_event_id)),
            _ => None,
        })
        .collect();
    assert_eq!(data, ["message:a:1", "message:b:1", "end:bye:1"]);
    assert!(notices.contains(&Notice::Reconnecting {
        delay_ms: 50,
        attempt: 1
    }));
}
