//! The Rust API in a real browser (headless Chromium via `wasm-pack test`)
//! against the real local test server in `tests/server/sse-test-server.mjs`,
//! which `npm test` starts and stops. The page runs on another port than the
//! server, so every request here is cross-origin, with CORS.
#![cfg(target_arch = "wasm32")]

use std::collections::HashMap;
use std::time::Duration;

use eventsource_wasm::connection::{EndRule, Notice, ReadyState, RetryPolicy};
use eventsource_wasm::wasm::{EventSource, EventStream, ResumeInfo, ResumeRequest};
use eventsource_wasm::{DecodeError, Error, ErrorBody};
use futures::future::{select, Either};
use futures::StreamExt;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::{get_requests, server, set_script, sleep_promise};

#[wasm_bindgen(module = "/tests/js/server.js")]
extern "C" {
    #[wasm_bindgen(js_name = getPreflights)]
    fn get_preflights(base: &str, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = getChaosStats)]
    fn get_chaos_stats(base: &str, key: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = pageEvent)]
    fn page_event(kind: &str);
    #[wasm_bindgen(js_name = getLlmRequests)]
    fn get_llm_requests(base: &str, run: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = llmToken)]
    fn llm_token(api: &str, event_type: &str, data: &str) -> String;
}

fn url(key: &str) -> String {
    format!("{}/sse/{key}", server())
}

async fn script(key: &str, responses: &str) {
    script_cors(key, responses, "full").await;
}

/// Scripts `key` with a CORS mode of the server: "full", "native" (a server
/// written for the browser's EventSource: no preflight answered) or "none".
async fn script_cors(key: &str, responses: &str, cors: &str) {
    JsFuture::from(set_script(server(), key, responses, cors))
        .await
        .unwrap();
}

async fn preflight_count(key: &str) -> u32 {
    let value = JsFuture::from(get_preflights(server(), key)).await.unwrap();
    js_sys::Array::from(&value).length()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Recorded {
    method: String,
    url: String,
    headers: HashMap<String, String>,
    body: String,
    at: f64,
    client_closed: bool,
}

async fn requests(key: &str) -> Vec<Recorded> {
    let value = JsFuture::from(get_requests(server(), key)).await.unwrap();
    serde_wasm_bindgen::from_value(value).unwrap()
}

async fn sleep(ms: u32) {
    JsFuture::from(sleep_promise(ms)).await.unwrap();
}

/// Collects notices until the stream ends, or panics after `ms`.
async fn until_closed(mut stream: EventStream, ms: u32) -> Vec<Notice> {
    let mut seen = Vec::new();
    loop {
        match select(stream.next(), Box::pin(sleep(ms))).await {
            Either::Left((Some(notice), _)) => seen.push(notice),
            Either::Left((None, _)) => return seen,
            Either::Right(_) => panic!("the stream did not end within {ms} ms; saw {seen:?}"),
        }
    }
}

/// Collects notices until `done` says so, or panics after `ms`.
async fn until(stream: &mut EventStream, ms: u32, done: impl Fn(&[Notice]) -> bool) -> Vec<Notice> {
    let mut seen = Vec::new();
    while !done(&seen) {
        match select(stream.next(), Box::pin(sleep(ms))).await {
            Either::Left((Some(notice), _)) => seen.push(notice),
            Either::Left((None, _)) => panic!("the stream ended early; saw {seen:?}"),
            Either::Right(_) => panic!("not done within {ms} ms; saw {seen:?}"),
        }
    }
    seen
}

fn messages(notices: &[Notice]) -> Vec<(String, String, String)> {
    notices
        .iter()
        .filter_map(|n| match n {
            Notice::Message(e) => Some((
                e.event_type.clone(),
                e.data.clone(),
                e.last_event_id.clone(),
            )),
            _ => None,
        })
        .collect()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().initial_delay_ms(50).min_delay_ms(10)
}

const END: &str = r#"{"text":"event: end\ndata: bye\n\n"}"#;

#[wasm_bindgen_test]
async fn headers_and_a_refreshed_token_arrive_on_every_connect() {
    script(
        "headers",
        &format!(r#"[{{"chunks":[{{"text":"data: a\n\n"}}]}}, {{"chunks":[{END}]}}]"#),
    )
    .await;
    let counter = std::rc::Rc::new(std::cell::Cell::new(0));
    let calls = counter.clone();
    let source = EventSource::builder(url("headers"))
        .header("X-Client", "tests")
        .headers_with(move || {
            calls.set(calls.get() + 1);
            let token = format!("Bearer token-{}", calls.get());
            async move { Ok::<_, String>(vec![("Authorization".to_owned(), token)]) }
        })
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 5000).await;
    assert_eq!(messages(&seen).len(), 2);
    let got = requests("headers").await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].headers["authorization"], "Bearer token-1");
    assert_eq!(got[1].headers["authorization"], "Bearer token-2");
    for r in &got {
        assert_eq!(r.headers["x-client"], "tests");
        assert_eq!(r.headers["accept"], "text/event-stream");
        assert_eq!(r.headers["cache-control"], "no-cache");
        assert_eq!(r.method, "GET");
        // Cross-origin: the page is not served by the SSE server.
        assert_ne!(r.headers.get("origin").map(String::as_str), Some(server()));
        assert!(r.headers.contains_key("origin"));
    }
    assert_eq!(source.ready_state(), ReadyState::Closed);
}

/// `body_js` hands a JavaScript body to fetch as it is; `fetch_fn` is
/// called for every request instead of the global fetch.
#[wasm_bindgen_test]
async fn a_js_body_and_a_custom_fetch() {
    script("jsbody", &format!(r#"[{{"chunks":[{END}]}}]"#)).await;
    let params = js_sys::eval("new URLSearchParams({ a: '1', b: 'two' })").unwrap();
    let fetch = js_sys::eval(
        "(globalThis.__fetches = 0, (request) => { globalThis.__fetches++; return fetch(request); })",
    )
    .unwrap();
    let source = EventSource::builder(url("jsbody"))
        .method("POST")
        .body_js(params)
        .fetch_fn(fetch.unchecked_into())
        .build();
    until_closed(source.stream(), 5000).await;
    let got = requests("jsbody").await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].body, "a=1&b=two");
    assert!(got[0].headers["content-type"].starts_with("application/x-www-form-urlencoded"));
    let calls = js_sys::Reflect::get(&js_sys::global(), &"__fetches".into()).unwrap();
    assert_eq!(calls.as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
async fn post_body_arrives_and_is_sent_again_on_reconnect() {
    script(
        "post",
        &format!(r#"[{{"chunks":[{{"text":"data: t1\n\n"}}]}}, {{"chunks":[{END}]}}]"#),
    )
    .await;
    let source = EventSource::builder(url("post"))
        .method("POST")
        .header("Content-Type", "application/json")
        .body(r#"{"prompt":"hi"}"#)
        // A POST is sent again on reconnect only when asked.
        .resend(true)
        .retry(fast_retry())
        .build();
    until_closed(source.stream(), 5000).await;
    let got = requests("post").await;
    assert_eq!(got.len(), 2);
    for r in &got {
        assert_eq!(r.method, "POST");
        assert_eq!(r.body, r#"{"prompt":"hi"}"#);
        assert_eq!(r.headers["content-type"], "application/json");
    }
}

#[wasm_bindgen_test]
async fn a_post_is_not_sent_again_on_its_own() {
    // One answer, and the response ends before its end event: a second
    // POST would be a second (paid) generation, so the source closes and
    // says that what arrived is not the whole answer.
    script(
        "post-once",
        r#"[{"chunks":[{"text":"data: the answer\n\n"}]}]"#,
    )
    .await;
    let source = EventSource::builder(url("post-once"))
        .method("POST")
        .body(r#"{"prompt":"hi"}"#)
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 5000).await;
    assert_eq!(messages(&seen).len(), 1);
    assert!(
        matches!(
            seen.last(),
            Some(Notice::Error {
                error: Error::Truncated { cause },
                reconnect_in_ms: None,
            }) if **cause == Error::StreamEnded
        ),
        "{seen:?}"
    );
    sleep(200).await;
    assert_eq!(requests("post-once").await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_cut_post_resumes_with_a_get_of_the_resume_url() {
    script(
        "mcp-post",
        r#"[{"chunks":[{"text":"retry: 10\nid: 1\ndata: a\n\n"},{"text":"","delay":300}],"end":"destroy"}]"#,
    )
    .await;
    script(
        "mcp-resume",
        &format!(r#"[{{"chunks":[{{"text":"id: 2\ndata: b\n\n"}},{END}]}}]"#),
    )
    .await;
    let source = EventSource::builder(url("mcp-post"))
        .method("POST")
        .body(r#"{"jsonrpc":"2.0"}"#)
        .resume_url(url("mcp-resume"))
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 5000).await;
    let data: Vec<_> = messages(&seen)
        .into_iter()
        .map(|(_, data, _)| data)
        .collect();
    assert_eq!(data, ["a", "b", "bye"]);
    let mut reqs = requests("mcp-post").await;
    reqs.extend(requests("mcp-resume").await);
    let seen: Vec<_> = reqs
        .iter()
        .map(|r| {
            let id = r.headers.get("last-event-id").cloned();
            (r.method.as_str(), r.body.as_str(), id)
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", r#"{"jsonrpc":"2.0"}"#, None),
            ("GET", "", Some("1".to_owned()))
        ]
    );
}

#[wasm_bindgen_test]
async fn the_page_coming_back_reconnects_at_once_and_pausing_while_hidden_is_an_opt_in() {
    let first = r#"{"chunks":[{"text":"id: 1\ndata: a\n\n"}]}"#;
    let rest = r#"{"chunks":[{"text":"id: 2\ndata: b\n\n"}],"end":"hang"}"#;
    for kind in ["online", "pageshow", "shown"] {
        let key = format!("life-{kind}");
        script(&key, &format!("[{first},{rest}]")).await;
        // A 20 s wait to reconnect after the first response ends...
        let source = EventSource::builder(url(&key))
            .retry(RetryPolicy::default().initial_delay_ms(20_000))
            .build();
        sleep(500).await;
        assert_eq!(source.ready_state(), ReadyState::Connecting, "{kind}");
        // ...cut short by the page coming back.
        page_event(kind);
        sleep(500).await;
        assert_eq!(source.ready_state(), ReadyState::Open, "{kind}");
        let ids: Vec<_> = requests(&key)
            .await
            .iter()
            .map(|r| r.headers.get("last-event-id").cloned())
            .collect();
        assert_eq!(ids, [None, Some("1".to_owned())], "{kind}");
        source.close();
    }
    // Opted in: hidden cuts the connection, shown resumes it.
    script(
        "life-paused",
        &format!(r#"[{{"chunks":[{{"text":"id: 1\ndata: a\n\n"}}],"end":"hang"}},{rest}]"#),
    )
    .await;
    let source = EventSource::builder(url("life-paused"))
        .pause_when_hidden(true)
        .build();
    sleep(300).await;
    assert_eq!(source.ready_state(), ReadyState::Open);
    page_event("hidden");
    sleep(300).await;
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    page_event("shown");
    sleep(500).await;
    assert_eq!(source.ready_state(), ReadyState::Open);
    let reqs = requests("life-paused").await;
    assert!(reqs[0].client_closed, "the paused request was aborted");
    assert_eq!(
        reqs.iter()
            .map(|r| r.headers.get("last-event-id").cloned())
            .collect::<Vec<_>>(),
        [None, Some("1".to_owned())]
    );
    source.close();
}

#[wasm_bindgen_test]
async fn the_back_forward_cache_drops_the_connection_silently_and_the_restore_resumes_at_once() {
    let first = r#"{"chunks":[{"text":"id: 1\ndata: a\n\n"}],"end":"hang"}"#;
    let rest = r#"{"chunks":[{"text":"id: 2\ndata: b\n\n"}],"end":"hang"}"#;
    script("life-bfcache", &format!("[{first},{rest}]")).await;
    // Not asked to pause when hidden: the cache drops it all the same.
    let source = EventSource::builder(url("life-bfcache")).build();
    let notices = source.stream();
    sleep(400).await;
    page_event("pagehide");
    sleep(300).await;
    assert_eq!(source.ready_state(), ReadyState::Connecting);
    page_event("pageshow");
    sleep(500).await;
    assert_eq!(source.ready_state(), ReadyState::Open);
    source.close();
    let seen = until_closed(notices, 2000).await;
    assert!(
        !seen.iter().any(|n| matches!(n, Notice::Error { .. })),
        "no error: {seen:?}"
    );
    assert_eq!(
        messages(&seen)
            .into_iter()
            .map(|(_, data, _)| data)
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    let reqs = requests("life-bfcache").await;
    assert!(reqs[0].client_closed, "the stored request was aborted");
    assert_eq!(
        reqs.iter()
            .map(|r| r.headers.get("last-event-id").cloned())
            .collect::<Vec<_>>(),
        [None, Some("1".to_owned())]
    );
}

#[wasm_bindgen_test]
async fn reconnects_with_last_event_id_after_the_server_drops_mid_stream() {
    // The server cuts the connection 150 ms after its last bytes, in the
    // middle of event 3. (Cut at once, Chromium may error the body stream
    // before handing over the bytes already received, and an errored stream
    // drops them: that loss would be the browser's, not the client's.)
    script(
        "resume",
        &format!(
            r#"[{{"chunks":[{{"text":"id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: unfini"}},{{"text":"","delay":150}}],"end":"destroy"}},
               {{"chunks":[{{"text":"id: 3\ndata: c\n\n"}}, {END}]}}]"#
        ),
    )
    .await;
    let source = EventSource::builder(url("resume"))
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 5000).await;
    let got: Vec<String> = messages(&seen).into_iter().map(|m| m.1).collect();
    assert_eq!(got, ["a", "b", "c", "bye"]);
    assert!(
        seen.iter().any(|n| matches!(
            n,
            Notice::Error {
                error: Error::Network { .. },
                reconnect_in_ms: Some(_)
            }
        )),
        "{seen:?}"
    );
    let reqs = requests("resume").await;
    assert_eq!(reqs.len(), 2);
    assert!(!reqs[0].headers.contains_key("last-event-id"));
    assert_eq!(reqs[1].headers["last-event-id"], "2");
    assert_eq!(source.last_event_id(), "3");
}

#[wasm_bindgen_test]
async fn the_servers_retry_field_sets_the_delay() {
    script(
        "retry",
        &format!(r#"[{{"chunks":[{{"text":"retry: 400\ndata: a\n\n"}}]}}, {{"chunks":[{END}]}}]"#),
    )
    .await;
    let source = EventSource::builder(url("retry")).build(); // default base: 3000 ms
    let seen = until_closed(source.stream(), 5000).await;
    assert!(
        seen.contains(&Notice::Reconnecting {
            delay_ms: 400,
            attempt: 1
        }),
        "{seen:?}"
    );
    let reqs = requests("retry").await;
    let gap = reqs[1].at - reqs[0].at;
    assert!((400.0..2500.0).contains(&gap), "{gap} ms between requests");
}

#[wasm_bindgen_test]
async fn backoff_grows_and_is_jittered() {
    // Four failed attempts (503, opted in to retries), then a stream that
    // ends at once. (Not connection resets: Chromium silently retries a
    // request whose connection was reset before any response.)
    let failing = format!(
        r#"[{{"status":503}},{{"status":503}},{{"status":503}},{{"status":503}},{{"chunks":[{END}]}}]"#
    );
    let open = || {
        EventSource::builder(url("backoff"))
            .retry_statuses([503])
            .retry(RetryPolicy::default().initial_delay_ms(40).min_delay_ms(10))
            .build()
    };
    let announced = |s: &[Notice]| -> Vec<(u64, u32)> {
        s.iter()
            .filter_map(|n| match n {
                Notice::Reconnecting { delay_ms, attempt } => Some((*delay_ms, *attempt)),
                _ => None,
            })
            .collect()
    };
    script("backoff", &failing).await;
    let seen = until_closed(open().stream(), 8000).await;
    let delays = announced(&seen);
    assert_eq!(delays.len(), 4, "{seen:?}");
    for (i, (delay, attempt)) in delays.iter().enumerate() {
        assert_eq!(*attempt as usize, i + 1);
        let ceiling = 40u64 << i;
        assert!(
            (40..=ceiling).contains(delay),
            "attempt {attempt}: {delay} ms"
        );
    }
    // The gaps between the requests the server saw respect the delays.
    let reqs = requests("backoff").await;
    assert_eq!(reqs.len(), 5);
    for (i, (delay, _)) in delays.iter().enumerate() {
        let gap = reqs[i + 1].at - reqs[i].at;
        assert!(gap + 5.0 >= *delay as f64, "gap {gap} < delay {delay}");
    }
    // Jitter: a second source facing the same failures picks other delays.
    script("backoff", &failing).await;
    let again = announced(&until_closed(open().stream(), 8000).await);
    assert_eq!(again.len(), 4);
    assert_ne!(delays[1..], again[1..], "attempts 2-4 are random");
}

/// Scripts `responses`, connects, and checks that the source fails for good
/// with `expected` alone, and makes no further request.
async fn fails_for_good(key: &str, responses: &str, expected: Error) {
    script(key, responses).await;
    let source = EventSource::builder(url(key)).retry(fast_retry()).build();
    let seen = until_closed(source.stream(), 3000).await;
    assert_eq!(
        seen,
        vec![Notice::Error {
            error: expected,
            reconnect_in_ms: None
        }]
    );
    assert_eq!(source.ready_state(), ReadyState::Closed);
    sleep(300).await;
    assert_eq!(requests(key).await.len(), 1, "no further request");
}

#[wasm_bindgen_test]
async fn status_204_stops_for_good() {
    fails_for_good(
        "s204",
        r#"[{"status":204}]"#,
        Error::HttpStatus {
            status: 204,
            body: None,
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn status_401_fails_with_its_status() {
    let responses =
        r#"[{"status":401,"headers":{"content-type":"text/plain"},"chunks":[{"text":"no"}]}]"#;
    fails_for_good(
        "s401",
        responses,
        Error::HttpStatus {
            status: 401,
            body: Some(Box::new(ErrorBody::new("no".into(), None))),
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_json_error_body_gives_the_servers_message() {
    // OpenAI's shape; Anthropic's nests the same `error.message`.
    let body = r#"{"error":{"message":"Incorrect API key provided: sk-***","type":"invalid_request_error"}}"#;
    let responses = format!(
        r#"[{{"status":401,"headers":{{"content-type":"application/json"}},"chunks":[{{"text":{}}}]}}]"#,
        json_string(body)
    );
    let expected = Error::HttpStatus {
        status: 401,
        body: Some(Box::new(ErrorBody::new(
            body.into(),
            Some("Incorrect API key provided: sk-***".into()),
        ))),
    };
    assert!(expected
        .to_string()
        .ends_with("HTTP status 401: Incorrect API key provided: sk-***"));
    fails_for_good("s401json", &responses, expected).await;
    // Other usual places: a string `error`, `message`, `detail`.
    for (key, body, message) in [
        ("s400a", r#"{"error":"bad model"}"#, "bad model"),
        ("s400b", r#"{"message":"quota"}"#, "quota"),
        (
            "s400c",
            r#"{"detail":"Not authenticated"}"#,
            "Not authenticated",
        ),
    ] {
        let responses = format!(
            r#"[{{"status":400,"chunks":[{{"text":{}}}]}}]"#,
            json_string(body)
        );
        let expected = Error::HttpStatus {
            status: 400,
            body: Some(Box::new(ErrorBody::new(body.into(), Some(message.into())))),
        };
        fails_for_good(key, &responses, expected).await;
    }
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    js_sys::JSON::stringify(&JsValue::from_str(text))
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn status_503_is_retried_when_opted_in_honouring_retry_after() {
    script(
        "s503",
        &format!(r#"[{{"status":503,"headers":{{"retry-after":"1","content-type":"text/plain"}}}}, {{"chunks":[{END}]}}]"#),
    )
    .await;
    let source = EventSource::builder(url("s503"))
        .retry_statuses([429, 502, 503, 504])
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 5000).await;
    assert_eq!(
        seen[0],
        Notice::Error {
            error: Error::HttpStatus {
                status: 503,
                body: None
            },
            reconnect_in_ms: Some(1000)
        }
    );
    let reqs = requests("s503").await;
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].at - reqs[0].at >= 990.0);

    // Not opted in: the same 503 is final.
    fails_for_good(
        "s503b",
        r#"[{"status":503}]"#,
        Error::HttpStatus {
            status: 503,
            body: None,
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn wrong_content_type_fails_for_good() {
    let responses =
        r#"[{"headers":{"content-type":"text/html"},"chunks":[{"text":"data: x\n\n"}]}]"#;
    let expected = Error::ContentType {
        content_type: Some("text/html".into()),
        body: Some(Box::new(ErrorBody::new("data: x\n\n".into(), None))),
    };
    fails_for_good("ctype", responses, expected).await;
}

#[wasm_bindgen_test]
async fn a_charset_parameter_does_not_matter() {
    script(
        "charset",
        &format!(r#"[{{"headers":{{"content-type":"text/event-stream; charset=ISO-8859-1"}},"chunks":[{{"text":"data: \u00e9\n\n"}}, {END}]}}]"#),
    )
    .await;
    let seen = until_closed(EventSource::new(url("charset")).stream(), 3000).await;
    assert_eq!(
        messages(&seen)[0].1,
        "\u{e9}",
        "decoded as UTF-8 regardless"
    );
}

#[wasm_bindgen_test]
async fn the_end_event_closes_with_no_further_request() {
    script("end", &format!(r#"[{{"chunks":[{{"text":"data: a\n\n"}}, {END}, {{"text":"data: never\n\n"}}],"end":"hang"}}]"#)).await;
    let source = EventSource::builder(url("end")).retry(fast_retry()).build();
    let seen = until_closed(source.stream(), 3000).await;
    assert_eq!(
        messages(&seen),
        vec![
            ("message".into(), "a".into(), "".into()),
            ("end".into(), "bye".into(), "".into())
        ]
    );
    // The server sees the abort when the socket closes: on a loaded
    // machine, later than at once.
    let mut reqs = requests("end").await;
    for _ in 0..50 {
        if reqs.first().is_some_and(|r| r.client_closed) {
            break;
        }
        sleep(100).await;
        reqs = requests("end").await;
    }
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].client_closed, "the hanging response was aborted");
}

#[wasm_bindgen_test]
async fn close_during_backoff_stays_closed() {
    script("closewait", r#"[{"status":503}]"#).await;
    let source = EventSource::builder(url("closewait"))
        .retry_statuses([503])
        .retry(RetryPolicy::default().initial_delay_ms(300))
        .build();
    let mut stream = source.stream();
    until(&mut stream, 3000, |s| {
        s.iter().any(|n| matches!(n, Notice::Reconnecting { .. }))
    })
    .await;
    source.close();
    assert_eq!(source.ready_state(), ReadyState::Closed);
    assert_eq!(until_closed(stream, 1000).await, vec![]);
    sleep(600).await;
    assert_eq!(requests("closewait").await.len(), 1);
}

#[wasm_bindgen_test]
async fn close_while_open_aborts_the_request() {
    script(
        "closeopen",
        r#"[{"chunks":[{"text":"data: a\n\n"}],"end":"hang"}]"#,
    )
    .await;
    let source = EventSource::new(url("closeopen"));
    let mut stream = source.stream();
    until(&mut stream, 3000, |s| !messages(s).is_empty()).await;
    source.close();
    // The abort reaches the server within 2 s (polled, as the JS tests do).
    let mut closed = false;
    for _ in 0..20 {
        sleep(100).await;
        closed = requests("closeopen").await[0].client_closed;
        if closed {
            break;
        }
    }
    assert!(closed, "the server did not see the request aborted");
}

#[wasm_bindgen_test]
async fn idle_timeout_reconnects_when_nothing_arrives() {
    script(
        "idle",
        &format!(r#"[{{"chunks":[{{"text":": hi\n"}}],"end":"hang"}}, {{"chunks":[{END}]}}]"#),
    )
    .await;
    let source = EventSource::builder(url("idle"))
        .idle_timeout(Duration::from_millis(300))
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 5000).await;
    assert!(seen.contains(&Notice::Comment("hi".into())));
    assert!(
        seen.iter().any(|n| matches!(
            n,
            Notice::Error {
                error: Error::IdleTimeout { timeout_ms: 300 },
                reconnect_in_ms: Some(_)
            }
        )),
        "{seen:?}"
    );
    let reqs = requests("idle").await;
    assert_eq!(reqs.len(), 2);
    assert!(reqs[0].client_closed, "the idle request was aborted");
}

#[derive(Debug, Deserialize, PartialEq)]
struct User {
    name: String,
}

#[wasm_bindgen_test]
async fn typed_listeners_report_bad_json_and_the_stream_goes_on() {
    let body = r#"[{"chunks":[{"text":"event: user\ndata: {\"name\":\"ada\"}\n\nevent: user\ndata: not json\n\nevent: other\ndata: 1\n\nevent: user\ndata: {\"name\":\"bob\"}\n\n"}, {"text":"event: end\ndata: bye\n\n"}]}]"#;
    script("typed", body).await;
    let source = EventSource::new(url("typed"));
    let from_callback = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = from_callback.clone();
    let _subscription = source.on::<User, _>("user", move |user| sink.borrow_mut().push(user));
    let typed: Vec<Result<User, DecodeError>> = source.typed_stream::<User>("user").collect().await;
    assert_eq!(typed.len(), 3);
    assert_eq!(typed[0], Ok(User { name: "ada".into() }));
    let bad = typed[1].as_ref().unwrap_err();
    assert_eq!(
        (bad.event_type.as_str(), bad.data.as_str()),
        ("user", "not json")
    );
    assert!(!bad.message.is_empty());
    assert_eq!(typed[2], Ok(User { name: "bob".into() }));
    assert_eq!(*from_callback.borrow(), typed);
}

/// Listeners get each event as it is parsed, with the core lent to them:
/// the source's state and last event ID read as at that event, and a
/// `close()` stops the rest of the chunk from reaching anyone, while the
/// event being dispatched still reaches its other listeners.
#[wasm_bindgen_test]
async fn a_listener_sees_the_state_at_its_event_and_close_stops_the_rest_of_the_chunk() {
    script(
        "lend",
        r#"[{"chunks":[{"text":"id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n: note\n\nid: 4\ndata: d\n\n"}],"end":"hang"}]"#,
    )
    .await;
    let source = EventSource::new(url("lend"));
    let stream = source.stream();
    let first = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let second = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let (seen, handle) = (first.clone(), source.clone());
    let _first = source.on_event("message", move |event| {
        let at = (
            event.data.clone(),
            handle.last_event_id(),
            handle.ready_state(),
        );
        seen.borrow_mut().push(at);
        if event.data == "b" {
            handle.close();
            assert_eq!(handle.ready_state(), ReadyState::Closed);
        }
    });
    let seen = second.clone();
    let _second = source.on_event("message", move |event| {
        seen.borrow_mut().push(event.data.clone());
    });
    let notices = until_closed(stream, 3000).await;
    assert_eq!(
        *first.borrow(),
        vec![
            ("a".to_string(), "1".to_string(), ReadyState::Open),
            ("b".to_string(), "2".to_string(), ReadyState::Open),
        ]
    );
    assert_eq!(*second.borrow(), vec!["a".to_string(), "b".to_string()]);
    assert_eq!(
        messages(&notices),
        vec![
            ("message".into(), "a".into(), "1".into()),
            ("message".into(), "b".into(), "2".into()),
        ],
        "{notices:?}"
    );
    assert_eq!(source.last_event_id(), "2", "c and d were never delivered");
    assert_eq!(source.ready_state(), ReadyState::Closed);
    sleep(200).await;
    assert!(requests("lend").await[0].client_closed);
}

#[wasm_bindgen_test]
async fn dropping_a_clone_keeps_the_connection_and_the_last_handle_closes_it() {
    script(
        "drop",
        r#"[{"chunks":[{"text":"data: a\n\n"},{"text":"data: b\n\n","delay":200}],"end":"hang"}]"#,
    )
    .await;
    let source = EventSource::new(url("drop"));
    let clone = source.clone();
    let mut stream = source.stream();
    drop(clone);
    let seen = until(&mut stream, 3000, |s| messages(s).len() == 2).await;
    assert_eq!(messages(&seen).len(), 2, "a dropped clone did not close it");
    drop(source);
    sleep(200).await;
    assert!(
        !requests("drop").await[0].client_closed,
        "the stream still holds the connection"
    );
    drop(stream);
    sleep(200).await;
    assert!(
        requests("drop").await[0].client_closed,
        "the last handle closed it"
    );
}

#[wasm_bindgen_test]
async fn invalid_header_fails_without_leaking_its_value() {
    let source = EventSource::builder(url("badheader"))
        .header("Authorization", "Bearer secret\nvalue")
        .build();
    let seen = until_closed(source.stream(), 3000).await;
    match &seen[..] {
        [Notice::Error {
            error: e @ Error::InvalidRequest { .. },
            reconnect_in_ms: None,
        }] => {
            assert!(!e.to_string().contains("secret"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// What event `i` of the chaos stream carries (tests/server/chaos.mjs).
fn chaos_data(i: u32) -> String {
    format!(
        "#{i} é€😀 {}\nsecond line {}",
        "x".repeat((i % 13) as usize),
        i % 7
    )
}

#[derive(Debug, Deserialize)]
struct ChaosStats {
    refused: u32,
    silent: u32,
    stalled: u32,
    whole: u32,
    cut: HashMap<String, u32>,
}

/// The chaos server's statistics, from their JSON text.
fn chaos_stats(text: &str) -> ChaosStats {
    let value = js_sys::JSON::parse(text).unwrap();
    serde_wasm_bindgen::from_value(value).unwrap()
}

/// The chaos seeds: `CHAOS_SEEDS` (comma-separated, at compile time) to
/// replay a failure, else three new ones.
fn chaos_seeds() -> Vec<u32> {
    match option_env!("CHAOS_SEEDS") {
        Some(list) => list.split(',').map(|s| s.trim().parse().unwrap()).collect(),
        None => (0..3)
            .map(|_| (js_sys::Math::random() * f64::from(u32::MAX)) as u32)
            .collect(),
    }
}

/// 10,000 events through a server that cuts connections at chosen bytes,
/// refuses with 503, stalls and says nothing: every event arrives exactly
/// once, in order, intact.
#[wasm_bindgen_test]
async fn chaos_every_event_exactly_once_in_order() {
    const N: u32 = 10_000;
    for seed in chaos_seeds() {
        let key = format!("rust-chaos-{seed}");
        let source = EventSource::builder(format!("{}/chaos/{key}?seed={seed}&n={N}", server()))
            .retry(
                RetryPolicy::default()
                    .initial_delay_ms(5)
                    .min_delay_ms(5)
                    .max_delay_ms(20),
            )
            .retry_statuses([503])
            .idle_timeout(Duration::from_millis(250))
            .build();
        let notices = until_closed(source.stream(), 120_000).await;
        let stats = JsFuture::from(get_chaos_stats(server(), &key))
            .await
            .unwrap()
            .as_string()
            .unwrap();
        let ticks: Vec<(String, String)> = messages(&notices)
            .into_iter()
            .filter(|(t, _, _)| t == "tick")
            .map(|(_, data, id)| (id, data))
            .collect();
        let expected: Vec<(String, String)> =
            (0..N).map(|i| (i.to_string(), chaos_data(i))).collect();
        let counts = chaos_stats(&stats);
        assert!(
            counts.refused > 0
                && counts.silent > 0
                && counts.stalled > 0
                && counts.whole > 0
                && counts.cut.values().all(|&n| n > 0),
            "seed {seed}: a fate never happened: {stats}"
        );
        if ticks != expected {
            let first_bad = ticks.iter().zip(&expected).position(|(a, b)| a != b);
            panic!(
                "chaos seed {seed} (replay: CHAOS_SEEDS={seed} npm test): {} events, first difference at {first_bad:?}; server: {stats}",
                ticks.len()
            );
        }
        assert!(
            matches!(messages(&notices).last(), Some((t, _, _)) if t == "end"),
            "seed {seed}: the stream did not end with the end event"
        );
        assert_eq!(source.ready_state(), ReadyState::Closed, "seed {seed}");
        console_log!("chaos seed {seed}: {stats}");
    }
}

/// A server with no CORS headers: the browser withholds every response.
/// Like the browser's EventSource, the source closes for good, with
/// `Error::Cors`, after telling it from a network failure (a `no-cors`
/// probe, then the request once more).
#[wasm_bindgen_test]
async fn a_cors_refusal_closes_for_good() {
    script_cors(
        "cors-none",
        r#"[{"chunks":[{"text":"data: x\n\n"}]}]"#,
        "none",
    )
    .await;
    let source = EventSource::builder(url("cors-none"))
        .retry(fast_retry())
        .build();
    let seen = until_closed(source.stream(), 10_000).await;
    assert!(
        matches!(
            &seen[..],
            [Notice::Error {
                error: Error::Cors,
                reconnect_in_ms: None
            }]
        ),
        "{seen:?}"
    );
    assert_eq!(source.ready_state(), ReadyState::Closed);
    let accepts: Vec<bool> = requests("cors-none")
        .await
        .iter()
        .map(|r| r.headers.get("accept").map(String::as_str) == Some("text/event-stream"))
        .collect();
    assert_eq!(accepts, [true, false, true], "request, probe, request");
}

/// A plain GET needs no preflight, so a server written for the browser's
/// EventSource (which answers no OPTIONS) serves it; an ID of any
/// characters is resumed from, sent as its UTF-8 bytes; and with
/// `last_event_id_param` the ID goes in the query, so reconnects need no
/// preflight either.
#[wasm_bindgen_test]
async fn plain_requests_need_no_preflight_and_ids_of_any_characters_resume() {
    let id = "café-€-🚀";
    let first = format!(r#"{{"chunks":[{{"text":"retry: 10\nid: {id}\ndata: a\n\n"}}]}}"#);
    let responses = format!(r#"[{first}, {{"chunks":[{END}]}}]"#);
    // The header: the server gets the ID's UTF-8 bytes (Node reads header
    // bytes as ISO-8859-1 characters, one per byte).
    script("odd-id", &responses).await;
    let source = EventSource::builder(url("odd-id")).build();
    let seen = until_closed(source.stream(), 10_000).await;
    assert_eq!(messages(&seen)[0].2, id);
    let got = requests("odd-id").await;
    assert_eq!(got.len(), 2);
    let bytes: String = id.bytes().map(char::from).collect();
    assert_eq!(got[1].headers["last-event-id"], bytes);

    // The query parameter, against a server that answers no preflight.
    script_cors("odd-id-query", &responses, "native").await;
    let source = EventSource::builder(url("odd-id-query"))
        .last_event_id_param("lastEventId")
        .build();
    let seen = until_closed(source.stream(), 10_000).await;
    assert_eq!(messages(&seen).len(), 2, "{seen:?}");
    let got = requests("odd-id-query").await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].url, "/sse/odd-id-query");
    assert_eq!(
        got[1].url,
        "/sse/odd-id-query?lastEventId=caf%C3%A9-%E2%82%AC-%F0%9F%9A%80"
    );
    assert!(!got[1].headers.contains_key("last-event-id"));
    assert_eq!(preflight_count("odd-id-query").await, 0);
}

// --- LLM token streams (tests/server/llm.mjs) ------------------------------------

/// The answer every run streams, token by token (tests/server/llm.mjs).
const ANSWER: &str = "Server-Sent Events carry each token of the answer exactly once, in order.";
const CUT_AFTER: usize = 5;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LlmRequest {
    method: String,
    last_event_id: Option<String>,
    at: f64,
}

/// Streams one answer of `api` through the Rust API, as an app would with
/// the API's key, body and end preset; the tokens, and every notice.
async fn llm_answer(
    api: &str,
    run: &str,
    scenario: &str,
    key: &str,
    configure: impl FnOnce(eventsource_wasm::wasm::Builder) -> eventsource_wasm::wasm::Builder,
) -> (String, Vec<Notice>) {
    let url = format!("{}/llm/{api}/{run}?scenario={scenario}", server());
    let builder = EventSource::builder(url).method("POST");
    let builder = match api {
        "anthropic" => builder
            .header("x-api-key", key)
            .header("anthropic-version", "2023-06-01")
            .end_when(EndRule::ANTHROPIC),
        "openai-responses" => builder
            .header("Authorization", format!("Bearer {key}"))
            .end_when(EndRule::OPENAI_RESPONSES),
        _ => builder
            .header("Authorization", format!("Bearer {key}"))
            .end_when(EndRule::OPENAI_CHAT),
    };
    let source = configure(
        builder
            .header("Content-Type", "application/json")
            .body(r#"{"model":"test","stream":true}"#),
    )
    .build();
    let seen = until_closed(source.stream(), 8000).await;
    let tokens = messages(&seen)
        .iter()
        .map(|(event_type, data, _)| llm_token(api, event_type, data))
        .collect();
    (tokens, seen)
}

async fn llm_requests(run: &str) -> Vec<LlmRequest> {
    let value = JsFuture::from(get_llm_requests(server(), run))
        .await
        .unwrap();
    serde_wasm_bindgen::from_value(value).unwrap()
}

fn errors(seen: &[Notice]) -> Vec<(&Error, Option<u64>)> {
    seen.iter()
        .filter_map(|n| match n {
            Notice::Error {
                error,
                reconnect_in_ms,
            } => Some((error, *reconnect_in_ms)),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
async fn llm_streams_in_three_api_shapes() {
    // The server counts requests per run, across browsers (npm test runs
    // this suite in Chromium, then in Firefox, against one server).
    let nonce = js_sys::Math::random().to_bits();
    for api in ["openai-chat", "openai-responses", "anthropic"] {
        // A clean answer: every token once, the preset ends it, one request.
        let run = format!("rust-{api}-clean-{nonce}");
        let (tokens, seen) = llm_answer(api, &run, "clean", "sk-test", |b| b).await;
        assert_eq!(tokens, ANSWER, "{api}");
        assert!(errors(&seen).is_empty(), "{api}: {seen:?}");
        assert_eq!(llm_requests(&run).await.len(), 1);

        // Cut mid-answer: the tokens so far, once, and not sent again.
        let run = format!("rust-{api}-cut-{nonce}");
        let (tokens, seen) = llm_answer(api, &run, "cut", "sk-test", |b| b).await;
        assert_eq!(
            tokens.split_inclusive(' ').count(),
            CUT_AFTER,
            "{api}: {tokens}"
        );
        assert!(ANSWER.starts_with(&tokens));
        assert!(
            matches!(errors(&seen)[..], [(Error::Truncated { .. }, None)]),
            "{api}: {seen:?}"
        );
        sleep(300).await;
        assert_eq!(llm_requests(&run).await.len(), 1);

        // The API reports a failure mid-answer: the tokens before it, then
        // the provider's error (never an end), and not sent again.
        let run = format!("rust-{api}-failed-{nonce}");
        let (tokens, seen) = llm_answer(api, &run, "failed", "sk-test", |b| b).await;
        assert_eq!(tokens.split_inclusive(' ').count(), CUT_AFTER, "{api}");
        let [(
            Error::Provider {
                event_type,
                error_type,
                code,
                body,
            },
            None,
        )] = errors(&seen)[..]
        else {
            panic!("{api}: {seen:?}")
        };
        let expected = match api {
            "anthropic" => ("error", Some("overloaded_error"), None, "Overloaded"),
            "openai-responses" => (
                "response.failed",
                None,
                Some("server_error"),
                "The model failed to generate a response.",
            ),
            _ => (
                "message",
                Some("server_error"),
                None,
                "The server had an error while processing your request.",
            ),
        };
        assert_eq!(
            (
                event_type.as_str(),
                error_type.as_deref(),
                code.as_deref(),
                body.message.as_deref().unwrap_or_default()
            ),
            expected
        );
        assert_eq!(llm_requests(&run).await.len(), 1);

        // The response ends before the API's last event: truncated.
        let run = format!("rust-{api}-truncated-{nonce}");
        let (tokens, seen) = llm_answer(api, &run, "truncated", "sk-test", |b| b).await;
        assert_eq!(tokens, ANSWER, "{api}");
        assert!(
            matches!(errors(&seen)[..], [(Error::Truncated { cause }, None)] if **cause == Error::StreamEnded),
            "{api}: {seen:?}"
        );
        assert_eq!(llm_requests(&run).await.len(), 1);

        // A wrong key: the provider's message in the error.
        let run = format!("rust-{api}-401-{nonce}");
        let (_, seen) = llm_answer(api, &run, "clean", "sk-bad", |b| b).await;
        let [(
            Error::HttpStatus {
                status: 401,
                body: Some(body),
            },
            None,
        )] = errors(&seen)[..]
        else {
            panic!("{api}: {seen:?}")
        };
        let said = if api == "anthropic" {
            "invalid x-api-key"
        } else {
            "Incorrect API key provided: sk-bad."
        };
        assert!(body
            .message
            .as_deref()
            .unwrap_or_default()
            .starts_with(said));
        assert!(errors(&seen)[0].0.to_string().contains(said));
        assert!(!errors(&seen)[0].0.to_string().contains("sk-test"));

        // 429 with Retry-After, retried when listed: then one answer.
        let run = format!("rust-{api}-429-{nonce}");
        let (tokens, seen) =
            llm_answer(api, &run, "429", "sk-test", |b| b.retry_statuses([429])).await;
        assert_eq!(tokens, ANSWER, "{api}");
        let errs = errors(&seen);
        let [(
            Error::HttpStatus {
                status: 429,
                body: Some(body),
            },
            Some(delay),
        )] = errs[..]
        else {
            panic!("{api}: {seen:?}")
        };
        assert!(delay >= 1000, "Retry-After: 1 s, got {delay} ms");
        assert!(body.message.is_some());
        let reqs = llm_requests(&run).await;
        assert_eq!(reqs.len(), 2);
        assert!(reqs[1].at - reqs[0].at >= 990.0);

        // Resumable (event IDs): cut, resumed with Last-Event-ID, no token
        // repeated or lost.
        let run = format!("rust-{api}-resume-{nonce}");
        let (tokens, _) =
            llm_answer(api, &run, "resumable", "sk-test", |b| b.retry(fast_retry())).await;
        assert_eq!(tokens, ANSWER, "{api}");
        let reqs = llm_requests(&run).await;
        let ids: Vec<_> = reqs
            .iter()
            .map(|r| (r.method.as_str(), r.last_event_id.clone()))
            .collect();
        assert_eq!(
            ids,
            [("POST", None), ("POST", Some((CUT_AFTER - 1).to_string()))]
        );
    }
}

/// OpenAI Responses' resume: a GET of the response's stream after the last
/// sequence number delivered, made by a resume function.
fn responses_resume(run: &str) -> impl Fn(&ResumeInfo) -> Option<ResumeRequest> + 'static {
    let url = format!(
        "{}/llm-responses/resp_{run}?stream=true&starting_after=",
        server()
    );
    move |info: &ResumeInfo| {
        let data = js_sys::JSON::parse(&info.last_event.as_ref()?.data).ok()?;
        let seq = js_sys::Reflect::get(&data, &"sequence_number".into())
            .ok()?
            .as_f64()?;
        Some(ResumeRequest::new(format!("{url}{seq}")))
    }
}

#[wasm_bindgen_test]
async fn a_responses_answer_resumes_with_starting_after_through_a_resume_function() {
    let nonce = js_sys::Math::random().to_bits();
    let api = "openai-responses";
    // Cut after CUT_AFTER tokens, resumed by a GET: every token once.
    let run = format!("rust-responses-cursor-{nonce}");
    let resume = responses_resume(&run);
    let (tokens, seen) = llm_answer(api, &run, "resume-cursor", "sk-test", |b| {
        b.retry(fast_retry()).resume(resume)
    })
    .await;
    assert_eq!(tokens, ANSWER);
    assert_eq!(
        errors(&seen)
            .iter()
            .filter(|(_, retry)| retry.is_none())
            .count(),
        0
    );
    let reqs: Vec<_> = llm_requests(&run)
        .await
        .into_iter()
        .map(|r| r.method)
        .collect();
    assert_eq!(reqs, ["POST", "GET"]);
    // Resumed by the response alone, the stream comes again from its
    // start: the cursor named drops what was delivered.
    let run = format!("rust-responses-replay-{nonce}");
    let url = format!("{}/llm-responses/resp_{run}?stream=true", server());
    let (tokens, _) = llm_answer(api, &run, "resume-cursor", "sk-test", |b| {
        b.retry(fast_retry())
            .cursor("sequence_number")
            .resume(move |_| Some(ResumeRequest::new(url.clone())))
    })
    .await;
    assert_eq!(tokens, ANSWER);
    let queries: Vec<_> = llm_requests(&run)
        .await
        .into_iter()
        .map(|r| r.method)
        .collect();
    assert_eq!(queries, ["POST", "GET"]);
    // The server no longer has it: resume-expired, after what came.
    let run = format!("rust-responses-expired-{nonce}");
    let resume = responses_resume(&run);
    let (tokens, seen) = llm_answer(api, &run, "resume-expired", "sk-test", |b| {
        b.retry(fast_retry()).resume(resume)
    })
    .await;
    assert_eq!(
        tokens,
        ANSWER
            .split_inclusive(' ')
            .take(CUT_AFTER)
            .collect::<String>()
    );
    assert!(
        matches!(errors(&seen).last(), Some((Error::ResumeExpired { status: 404, body: Some(body) }, None)) if body.message.as_deref() == Some(&*format!("No response found with id 'resp_{run}'."))),
        "{seen:?}"
    );
}

#[wasm_bindgen_test]
async fn after_a_typed_stream_ends_final_error_tells_done_from_failed() {
    #[derive(serde::Deserialize)]
    struct Delta {
        text: String,
    }
    #[derive(serde::Deserialize)]
    struct Block {
        delta: Delta,
    }
    // The script's JSON: the delta, then the API's last event or its error.
    let delta = r#"{"text":"event: content_block_delta\ndata: {\"delta\":{\"text\":\"Hi\"}}\n\n"}"#;
    for (key, last, failed) in [
        (
            "typed-done",
            r#"{"text":"event: message_stop\ndata: {}\n\n"}"#,
            false,
        ),
        (
            "typed-failed",
            r#"{"text":"event: error\ndata: {\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"}"#,
            true,
        ),
    ] {
        script(
            key,
            &format!(r#"[{{"chunks":[{delta},{last}],"end":"hang"}}]"#),
        )
        .await;
        let source = EventSource::builder(url(key))
            .method("POST")
            .body("{}")
            .end_when(EndRule::ANTHROPIC)
            .build();
        let texts: Vec<String> = source
            .typed_stream::<Block>("content_block_delta")
            .map(|block| block.map(|b| b.delta.text).unwrap_or_default())
            .collect()
            .await;
        assert_eq!(texts, ["Hi"], "{key}");
        match source.final_error() {
            Some(Error::Provider { error_type, .. }) if failed => {
                assert_eq!(error_type.as_deref(), Some("overloaded_error"))
            }
            None if !failed => {}
            other => panic!("{key}: {other:?}"),
        }
    }
}

/// Collects notices for `ms`.
async fn for_ms(stream: &mut EventStream, ms: u32) -> Vec<Notice> {
    let mut seen = Vec::new();
    let mut deadline = Box::pin(sleep(ms));
    loop {
        match select(stream.next(), deadline).await {
            Either::Left((Some(notice), rest)) => {
                seen.push(notice);
                deadline = rest;
            }
            Either::Left((None, _)) | Either::Right(_) => return seen,
        }
    }
}

#[wasm_bindgen_test]
async fn diagnostics_fire_where_a_stream_misbehaves_and_nowhere_else() {
    let kinds = ["clean", "buffered", "gzip", "cut", "noids"];
    let watch = |kind: &'static str| async move {
        let es = EventSource::builder(format!("{}/doctor/{kind}/diag-{kind}", server()))
            .diagnose(true)
            .build();
        let mut stream = es.stream();
        let seen = for_ms(&mut stream, 6000).await;
        let stats = es.stats();
        es.close();
        // (Five streams to one HTTP/1.1 origin are the connection limit,
        // told once the page's Resource Timing knows the origin's protocol:
        // its own test, below.)
        let mut codes: Vec<&str> = seen
            .iter()
            .filter_map(|n| match n {
                Notice::Diagnostic(d) => Some(d.code()),
                _ => None,
            })
            .filter(|&code| code != "connection-limit")
            .collect();
        codes.sort_unstable();
        (kind, codes, stats)
    };
    let results = futures::future::join_all(kinds.map(watch)).await;
    let expected: [&[&str]; 5] = [
        &[],
        &["buffered"],
        &["compressed"],
        &["idle-cut"],
        &["no-resume", "no-retry"],
    ];
    for ((kind, codes, _), want) in results.iter().zip(expected) {
        assert_eq!(codes, want, "the {kind} stream");
    }
    // The clean stream's figures: an event every 100 ms, a heartbeat every 300.
    let clean = &results[0].2;
    assert!(clean.events >= 30, "{clean:?}");
    assert!(clean.comments >= 10, "{clean:?}");
    assert!(clean.time_to_first_event_ms.is_some_and(|t| t >= 100));
    let p50 = clean.gap_percentile_ms(50).unwrap();
    assert!((60..=200).contains(&p50), "median gap {p50}");
    assert_eq!(clean.reconnect_count(), 0);
    // The cut one reconnected after each cut.
    assert!(results[3].2.reconnect_count() >= 2, "{:?}", results[3].2);
}

#[wasm_bindgen_test]
async fn three_streams_to_one_http1_origin_are_the_connection_limit() {
    // A finished request to the server's origin, for Resource Timing to
    // know its protocol (HTTP/1.1: Node's server).
    let global = js_sys::global();
    let performance = js_sys::Reflect::get(&global, &"performance".into()).unwrap();
    let clear: js_sys::Function =
        js_sys::Reflect::get(&performance, &"clearResourceTimings".into())
            .unwrap()
            .unchecked_into();
    clear.call0(&performance).unwrap();
    requests("limit-probe").await;
    let open = |i: u32| {
        EventSource::builder(format!("{}/doctor/clean/limit-{i}", server()))
            .diagnose(true)
            .build()
    };
    let told = |notices: &[Notice]| -> Vec<String> {
        notices
            .iter()
            .filter_map(|n| match n {
                Notice::Diagnostic(d) => Some(format!("{} {}", d.code(), d.value())),
                _ => None,
            })
            .collect()
    };
    // Two streams: within the limit.
    let (a, b) = (open(1), open(2));
    let (mut sa, mut sb) = (a.stream(), b.stream());
    let (na, nb) = futures::future::join(for_ms(&mut sa, 800), for_ms(&mut sb, 800)).await;
    assert!(told(&na).is_empty(), "{na:?}");
    assert!(told(&nb).is_empty(), "{nb:?}");
    // A third opens while they stream.
    let c = open(3);
    let mut sc = c.stream();
    let nc = for_ms(&mut sc, 800).await;
    assert_eq!(told(&nc), ["connection-limit 3"]);
    for s in [a, b, c] {
        s.close();
    }
}
