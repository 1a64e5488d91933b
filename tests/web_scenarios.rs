//! The scenario table (tests/data/scenarios.json) through the Rust API, in
//! a real browser, against the scriptable test server `npm test` starts:
//! each scenario's trace and requests. tests/e2e/scenarios.test.mjs runs
//! the same table through the JavaScript class, so the two drivers cannot
//! drift apart unseen.
#![cfg(target_arch = "wasm32")]

use eventsource_wasm::connection::{EndRule, Notice, RetryPolicy};
use eventsource_wasm::wasm::{Builder, EventSource, EventStream, ResumeRequest};
use futures::future::{select, Either};
use futures::StreamExt;
use js_sys::{Array, Reflect, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod web_support;
use web_support::{get_requests, server, set_script, sleep_promise};

const TABLE: &str = include_str!("data/scenarios.json");

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn strings(value: &JsValue) -> Vec<String> {
    Array::from(value)
        .iter()
        .filter_map(|s| s.as_string())
        .collect()
}

/// What a scenario's resume function was told, for its trace.
type Told = Rc<RefCell<Vec<String>>>;

fn ms(value: &JsValue, key: &str) -> Option<u64> {
    get(value, key).as_f64().map(|v| v as u64)
}

/// The builder for a scenario's `options`, the class's options mapped to
/// the Rust API's.
fn builder(url: String, options: &JsValue, told: &Told) -> Builder {
    let mut b = EventSource::builder(url.clone());
    if let Some(method) = get(options, "method").as_string() {
        b = b.method(method);
    }
    if let Some(body) = get(options, "body").as_string() {
        b = b.body(body);
    }
    let retry = get(options, "retry");
    if !retry.is_undefined() {
        let mut policy = RetryPolicy::default();
        if let Some(v) = ms(&retry, "initialDelay") {
            policy = policy.initial_delay_ms(v);
        }
        if let Some(v) = ms(&retry, "minDelay") {
            policy = policy.min_delay_ms(v);
        }
        if let Some(v) = ms(&retry, "maxAttempts") {
            policy = policy.max_attempts(Some(v as u32));
        }
        b = b.retry(policy);
    }
    let statuses = get(options, "retryStatuses");
    if Array::is_array(&statuses) {
        b = b.retry_statuses(
            Array::from(&statuses)
                .iter()
                .filter_map(|s| s.as_f64())
                .map(|s| s as u16),
        );
    }
    // A resume function is given in the table as the request it returns
    // (null: none), its URL relative to the source's; the trace notes what
    // it was told.
    let next = get(options, "resume");
    if !next.is_undefined() {
        let next = next.is_object().then(|| {
            let relative = get(&next, "url").as_string().unwrap_or_default();
            ResumeRequest::new(format!("{url}{relative}"))
        });
        let told = Rc::clone(told);
        b = b.resume(move |info| {
            told.borrow_mut().push(format!(
                "resume {} {} {}",
                info.attempt,
                info.last_event_id,
                info.last_event
                    .as_ref()
                    .map_or("undefined", |e| e.data.as_str())
            ));
            next.clone()
        });
    }
    if get(options, "resend").as_bool() == Some(true) {
        b = b.resend(true);
    }
    let key_header = get(options, "idempotencyHeader");
    if let Some(name) = key_header.as_string() {
        b = b.idempotency_header(Some(&name));
    } else if key_header.is_null() {
        b = b.idempotency_header(None);
    }
    let headers = get(options, "headers");
    if headers.is_object() {
        for entry in js_sys::Object::entries(headers.unchecked_ref()).iter() {
            let pair = Array::from(&entry);
            let (name, value) = (pair.get(0).as_string(), pair.get(1).as_string());
            b = b.header(name.unwrap_or_default(), value.unwrap_or_default());
        }
    }
    if let Some(name) = get(options, "lastEventIdParam").as_string() {
        b = b.last_event_id_param(name);
    }
    // endEvent: a type, null (off), several types, a preset by name, or a
    // function of the caller's (true for the data `done`).
    let end = get(options, "endEvent");
    if let Some(end) = end.as_string() {
        b = b.end_event(Some(&end));
    } else if end.is_null() {
        b = b.end_event(None);
    } else if Array::is_array(&end) {
        b = b.end_event(None).end_when(EndRule::types(strings(&end)));
    } else if let Some(name) = get(&end, "preset").as_string() {
        b = b
            .end_event(None)
            .end_when(EndRule::preset(&name).expect("a known preset"));
    } else if let Some(data) = get(&end, "function").as_string() {
        assert_eq!(data, "done", "the table's function rules end on `done`");
        b = b
            .end_event(None)
            .end_when(EndRule::custom(|_, data| data == "done"));
    }
    b
}

/// The source's trace until its stream ends (or 10 s), in the table's words.
async fn trace(mut stream: EventStream, types: &[String], told: &Told) -> Vec<String> {
    let mut trace = Vec::new();
    loop {
        let timeout = JsFuture::from(sleep_promise(10_000));
        let next = select(stream.next(), Box::pin(timeout)).await;
        // What a resume function was told came before this.
        trace.append(&mut told.borrow_mut());
        match next {
            Either::Left((Some(notice), _)) => match notice {
                Notice::Open => trace.push("open".to_owned()),
                Notice::Message(e) if types.contains(&e.event_type) => trace.push(format!(
                    "event {} {} {}",
                    e.event_type, e.data, e.last_event_id
                )),
                Notice::Message(_) => {}
                Notice::Comment(text) => trace.push(format!("comment {text}")),
                Notice::Error {
                    error,
                    reconnect_in_ms,
                } => trace.push(format!(
                    "error {} {}",
                    error.kind(),
                    if reconnect_in_ms.is_some() {
                        "retry"
                    } else {
                        "final"
                    }
                )),
                Notice::Reconnecting { attempt, .. } => {
                    trace.push(format!("reconnecting {attempt}"))
                }
                _ => {}
            },
            Either::Left((None, _)) => break,
            Either::Right(_) => {
                trace.push("still open after 10 s".to_owned());
                break;
            }
        }
    }
    trace.push("closed".to_owned());
    trace
}

#[wasm_bindgen_test]
async fn scenarios_from_the_shared_table() {
    let table = JSON::parse(TABLE).expect("tests/data/scenarios.json is JSON");
    let scenarios = Array::from(&get(&table, "scenarios"));
    assert!(scenarios.length() > 0);
    for (i, scenario) in scenarios.iter().enumerate() {
        let name = get(&scenario, "name").as_string().unwrap_or_default();
        let key = format!("scenario-rust-{i}");
        let responses = JSON::stringify(&get(&scenario, "responses"))
            .unwrap()
            .as_string()
            .unwrap();
        JsFuture::from(set_script(server(), &key, &responses, "full"))
            .await
            .unwrap();
        let url = format!("{}/sse/{key}", server());
        let told = Told::default();
        let source = builder(url, &get(&scenario, "options"), &told).build();
        let seen = trace(source.stream(), &strings(&get(&scenario, "types")), &told).await;
        source.close();
        assert_eq!(seen, strings(&get(&scenario, "trace")), "{name}");

        // The requests: method, Last-Event-ID, and the query where asked.
        let expected = Array::from(&get(&scenario, "requests"));
        let recorded = Array::from(&JsFuture::from(get_requests(server(), &key)).await.unwrap());
        assert_eq!(recorded.length(), expected.length(), "{name}: requests");
        // The idempotency header: "same" for the source's own key.
        let key_header = get(&get(&scenario, "options"), "idempotencyHeader")
            .as_string()
            .unwrap_or_else(|| "Idempotency-Key".to_owned())
            .to_lowercase();
        let key_of = |request: &JsValue| get(&get(request, "headers"), &key_header).as_string();
        let own_key = key_of(&recorded.get(0));
        for (want, got) in expected.iter().zip(recorded.iter()) {
            let wanted_key = get(&want, "idempotencyKey");
            if !wanted_key.is_undefined() {
                let key = key_of(&got);
                let label = match &key {
                    Some(k)
                        if key == own_key
                            && k.len() == 32
                            && k.bytes()
                                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) =>
                    {
                        Some("same".to_owned())
                    }
                    other => other.clone(),
                };
                assert_eq!(label, wanted_key.as_string(), "{name}: idempotency key");
            }
            assert_eq!(get(&got, "method"), get(&want, "method"), "{name}");
            let id = get(&get(&got, "headers"), "last-event-id");
            let id = if id.is_undefined() { JsValue::NULL } else { id };
            assert_eq!(id, get(&want, "lastEventId"), "{name}: Last-Event-ID");
            if let Some(query) = get(&want, "query").as_string() {
                let url = get(&got, "url").as_string().unwrap_or_default();
                let got_query = url.find('?').map_or("", |at| &url[at..]);
                assert_eq!(got_query, query, "{name}: query");
            }
        }
        // Let the server see the last request's end before the next one.
        JsFuture::from(sleep_promise(10)).await.unwrap();
    }
}
