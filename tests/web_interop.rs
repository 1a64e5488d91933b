//! The Rust API against SSE servers of other ecosystems (tests/interop/):
//! FastAPI + sse-starlette, Express, and axum's Sse, in headless Chromium;
//! an MCP server made with the official TypeScript SDK (tests/mcp-app); and
//! the Vercel AI SDK's UI message stream (tests/ai-app).
//! `npm test` starts the servers and passes their URLs at compile time.
//! Each runs the same script: a bearer header is required and echoed, events
//! come with ids three per response (the client resumes with
//! Last-Event-ID), and `event: end` finishes the stream.
#![cfg(target_arch = "wasm32")]

use eventsource_wasm::connection::RetryPolicy;
use eventsource_wasm::connection::{EndRule, Notice};
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

// --- An MCP server made with the official TypeScript SDK (tests/mcp-app) ---------

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
export async function mcpSession(base) {
  const version = '2025-11-25';
  const post = (message, sid) => fetch(base, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(sid ? { 'mcp-session-id': sid, 'mcp-protocol-version': version } : {}),
    },
    body: JSON.stringify(message),
  });
  const opened = await post({ jsonrpc: '2.0', id: 1, method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'eventsource-wasm-test', version: '1' } } });
  const sid = opened.headers.get('mcp-session-id');
  await opened.text();
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sid)).text();
  return sid;
}
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const getText = (url) => fetch(url).then((r) => r.text());
"#)]
extern "C" {
    #[wasm_bindgen(js_name = mcpSession)]
    fn mcp_session(base: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: u32) -> js_sys::Promise;
    #[wasm_bindgen(js_name = getText)]
    fn get_text(url: &str) -> js_sys::Promise;
}

/// A notification's text or the result's, from a JSON-RPC message.
fn mcp_text(data: &str) -> String {
    let message = js_sys::JSON::parse(data).expect("JSON-RPC");
    let get = |v: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(v, &k.into()).unwrap();
    let params = get(&message, "params");
    if params.is_object() {
        return get(&params, "data").as_string().unwrap_or_default();
    }
    let content = get(&get(&message, "result"), "content");
    get(&js_sys::Array::from(&content).get(0), "text")
        .as_string()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn an_mcp_tool_calls_stream_ended_mid_way_resumes_by_get_each_notification_once() {
    let Some(base) = option_env!("INTEROP_MCP") else {
        panic!("the interop server URLs are set by `npm test` (scripts/test.sh)");
    };
    for cut in ["close", "drop"] {
        let sid = wasm_bindgen_futures::JsFuture::from(mcp_session(base))
            .await
            .unwrap()
            .as_string()
            .expect("a session");
        let call = format!(
            r#"{{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{{"name":"count","arguments":{{"to":6,"cut":"{cut}"}}}}}}"#
        );
        let source = EventSource::builder(base)
            .method("POST")
            .header("mcp-session-id", sid)
            .header("mcp-protocol-version", "2025-11-25")
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(call)
            // The MCP transport's resume: a GET of the endpoint.
            .resume_url(base)
            // The call's result ends its stream.
            .end_when(EndRule::custom(|_, data| data.contains(r#""result""#)))
            .retry(
                RetryPolicy::default()
                    .initial_delay_ms(100)
                    .min_delay_ms(50),
            )
            .build();
        let notices: Vec<Notice> = source.stream().collect().await;
        let got: Vec<String> = notices
            .iter()
            .filter_map(|n| match n {
                // The SDK's priming events have empty data.
                Notice::Message(e) if !e.data.is_empty() => Some(mcp_text(&e.data)),
                _ => None,
            })
            .collect();
        assert_eq!(
            got,
            ["n1", "n2", "n3", "n4", "n5", "n6", "counted to 6"],
            "{cut}: {notices:?}"
        );
        assert!(source.final_error().is_none(), "{cut}: {notices:?}");
    }
}

/// Waits `ms` on the page's clock.
async fn sleep(ms: u32) {
    wasm_bindgen_futures::JsFuture::from(sleep_promise(ms))
        .await
        .unwrap();
}

/// A GET of one of the MCP test server's control paths for a session.
async fn mcp_control(base: &str, path: &str, sid: &str, more: &str) {
    let root = base.trim_end_matches("/mcp");
    let url = format!("{root}/{path}?session={sid}{more}");
    wasm_bindgen_futures::JsFuture::from(get_text(&url))
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_mcp_standby_stream_the_server_keeps_closing_resumes_within_its_budget() {
    use std::cell::RefCell;
    use std::rc::Rc;
    let Some(base) = option_env!("INTEROP_MCP") else {
        panic!("the interop server URLs are set by `npm test` (scripts/test.sh)");
    };
    let sid = wasm_bindgen_futures::JsFuture::from(mcp_session(base))
        .await
        .unwrap()
        .as_string()
        .expect("a session");
    let source = EventSource::builder(base)
        .header("mcp-session-id", sid.clone())
        .header("mcp-protocol-version", "2025-11-25")
        .header("accept", "text/event-stream")
        // The SDK sends no `retry:` on this stream: a short delay of ours.
        .retry(
            RetryPolicy::default()
                .max_attempts(Some(2))
                .initial_delay_ms(200)
                .min_delay_ms(50),
        )
        .build();
    let notes = Rc::new(RefCell::new(Vec::<String>::new()));
    let trace = Rc::new(RefCell::new(Vec::<String>::new()));
    {
        let (notes, trace) = (notes.clone(), trace.clone());
        wasm_bindgen_futures::spawn_local(source.stream().for_each(move |notice| {
            match notice {
                Notice::Message(e) if !e.data.is_empty() => {
                    notes.borrow_mut().push(mcp_text(&e.data));
                }
                Notice::Error {
                    error,
                    reconnect_in_ms,
                } => trace.borrow_mut().push(format!(
                    "error {} {}",
                    error.kind(),
                    if reconnect_in_ms.is_some() {
                        "retry"
                    } else {
                        "final"
                    }
                )),
                Notice::Reconnecting { attempt, .. } => {
                    trace.borrow_mut().push(format!("reconnecting {attempt}"));
                }
                _ => {}
            }
            futures::future::ready(())
        }));
    }
    let ends = || {
        trace
            .borrow()
            .iter()
            .filter(|t| t.starts_with("error"))
            .count()
    };
    // A message to the standby stream before it is there is stored, not
    // sent (the first request has no ID to resume from): sent again until
    // one arrives.
    for i in 0..50 {
        if !notes.borrow().is_empty() {
            break;
        }
        mcp_control(base, "notify", &sid, &format!("&text=s1-{i}")).await;
        sleep(200).await;
    }
    // Closed by the server three times: after an event, then twice right
    // after reconnecting (a poll each, within the budget of 2). A close
    // asked for before the stream is back does nothing: asked again.
    for n in 1..=3 {
        for _ in 0..100 {
            if ends() >= n {
                break;
            }
            mcp_control(base, "close-standby", &sid, "").await;
            sleep(100).await;
        }
    }
    // Sent while the stream may be away: replayed from the event store.
    mcp_control(base, "notify", &sid, "&text=s2").await;
    for _ in 0..400 {
        if notes.borrow().len() >= 2 {
            break;
        }
        sleep(25).await;
    }
    let ready = source.ready_state();
    source.close();
    let notes: Vec<String> = notes
        .borrow()
        .iter()
        .map(|n| {
            if n.starts_with("s1-") {
                "s1".into()
            } else {
                n.clone()
            }
        })
        .collect();
    assert_eq!(notes, ["s1", "s2"]);
    assert_eq!(
        *trace.borrow(),
        [
            "error stream-ended retry",
            "reconnecting 1",
            "error stream-ended retry",
            "reconnecting 1",
            "error stream-ended retry",
            "reconnecting 2",
        ]
    );
    assert_eq!(ready, eventsource_wasm::connection::ReadyState::Open);
}

// --- The Vercel AI SDK's UI message stream (tests/ai-app) --------------------

/// What the SDK's mock model streams: tests/ai-app/words.mjs's `WORDS`.
const AI_WORDS: &str = "Server|-Sent| Events| carry| each| part| once|.";

#[wasm_bindgen_test]
async fn the_ai_sdks_ui_message_stream_is_read_to_its_end_with_a_preset_every_part_once() {
    let Some(base) = option_env!("INTEROP_AI") else {
        panic!("the interop server URLs are set by `npm test` (scripts/test.sh)");
    };
    let source = EventSource::builder(base)
        .method("POST")
        .header("content-type", "application/json")
        .body(r#"{"messages":[{"role":"user","parts":[{"type":"text","text":"Hi"}]}]}"#)
        .end_when(EndRule::OPENAI_CHAT)
        .build();
    let notices: Vec<Notice> = source.stream().collect().await;
    assert!(source.final_error().is_none(), "{notices:?}");
    let mut kinds = Vec::new();
    let mut text = String::new();
    for notice in &notices {
        if let Notice::Message(e) = notice {
            if e.data == "[DONE]" {
                kinds.push("[DONE]".to_string());
                continue;
            }
            let part = js_sys::JSON::parse(&e.data).expect("a JSON part");
            let get = |k: &str| js_sys::Reflect::get(&part, &k.into()).unwrap();
            kinds.push(get("type").as_string().expect("a part type"));
            text.push_str(&get("delta").as_string().unwrap_or_default());
        }
    }
    let words: Vec<&str> = AI_WORDS.split('|').collect();
    let mut expected = vec!["start", "start-step", "text-start"];
    expected.extend(words.iter().map(|_| "text-delta"));
    expected.extend(["text-end", "finish-step", "finish", "[DONE]"]);
    assert_eq!(kinds, expected);
    assert_eq!(text, words.concat());
}
