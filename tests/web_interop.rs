//! The Rust API against SSE servers of other ecosystems (tests/interop/):
//! FastAPI + sse-starlette, Express, and axum's Sse, in headless Chromium.
//! `npm test` starts the servers and passes their URLs at compile time.
//! Each runs the same script: a bearer header is required and echoed, events
//! come with ids three per response (the client resumes with
//! Last-Event-ID), and `event: end` finishes the stream.
#![cfg(target_arch = "wasm32")]

use eventsource_wasm::connection::Notice;
use eventsource_wasm::connection::RetryPolicy;
use eventsource_wasm::wasm::EventSource;
use futures::StreamExt;
use serde::Deserialize;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, Deserialize, PartialEq)]
struct Num {
    n: u32,
    auth: String,
}

async fn check(url: Option<&str>) {
    let url = match url {
        Some(url) => url,
        None => panic!("the interop server URLs are set by `npm test` (scripts/test.sh)"),
    };
    let source = EventSource::builder(url)
        .header("Authorization", "Bearer interop")
        .retry(RetryPolicy::default().min_delay_ms(50))
        .build();
    let notices = source.stream();
    let nums: Vec<Num> = source
        .typed_stream::<Num>("num")
        .map(|r| r.expect("every payload decodes"))
        .collect()
        .await;
    let expected: Vec<Num> = (1..=5)
        .map(|n| Num {
            n,
            auth: "Bearer interop".into(),
        })
        .collect();
    assert_eq!(nums, expected);
    let notices: Vec<Notice> = notices.collect().await;
    let opens = notices.iter().filter(|n| **n == Notice::Open).count();
    assert_eq!(opens, 2, "resumed once: {notices:?}");
    let ids: Vec<&str> = notices
        .iter()
        .filter_map(|n| match n {
            Notice::Message(e) => Some(e.last_event_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids,
        ["1", "2", "3", "4", "5", "5"],
        "the end event keeps id 5"
    );
    assert!(
        matches!(notices.last(), Some(Notice::Message(e)) if e.event_type == "end" && e.data == "done")
    );
}

#[wasm_bindgen_test]
async fn fastapi_with_sse_starlette() {
    check(option_env!("INTEROP_FASTAPI")).await;
}

#[wasm_bindgen_test]
async fn express() {
    check(option_env!("INTEROP_EXPRESS")).await;
}

#[wasm_bindgen_test]
async fn axum_sse() {
    check(option_env!("INTEROP_AXUM")).await;
}
