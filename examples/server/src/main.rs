//! The demo SSE server of eventsource-wasm (`npm start` runs it).
//!
//! - `POST /api/login` hands out short-lived bearer tokens (`DEMO_TOKEN_TTL`
//!   seconds, 30 by default), so refreshing them on reconnect is visible.
//! - `GET /api/feed` (bearer token required, else 401): a live feed of typed
//!   `tick` events with ids, a replay buffer that honours `Last-Event-ID`,
//!   `retry: 2000` and heartbeat comments. The stream ends when its token
//!   expires, so the client must reconnect with a fresh one.
//! - `POST /v1/chat/completions` (bearer token) and `POST /v1/messages`
//!   (the token as `x-api-key`): an LLM-style answer streamed in the format
//!   of OpenAI Chat Completions (`data: {chunk}` … `data: [DONE]`) or of
//!   Anthropic Messages (`message_start` … `message_stop`), each with that
//!   API's error body on a bad key. Neither sends `event: end`: the client
//!   ends the stream with the API's preset.
//! - `POST /api/control/drop` cuts every feed connection mid-stream;
//!   `POST /api/control/fail` (JSON `{"seconds": n}`) answers the feed with
//!   503 and `Retry-After` for a while.
//! - It serves the built examples: `/react/` and `/rust/`.
//!
//! CORS allows any origin with credentials and any request header; responses
//! carry `Cache-Control: no-cache` and `X-Accel-Buffering: no` so proxies
//! neither cache nor buffer them.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;
use tower_http::cors::CorsLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

const REPLAY: usize = 1000;
const TICK_EVERY: Duration = Duration::from_millis(400);

#[derive(Clone, Debug, Serialize)]
struct Tick {
    seq: u64,
    symbol: &'static str,
    price: f64,
    at: u64,
}

struct AppState {
    ticks: broadcast::Sender<Tick>,
    history: Mutex<VecDeque<Tick>>,
    tokens: Mutex<HashMap<String, Instant>>,
    token_ttl: Duration,
    fail_until: Mutex<Option<Instant>>,
    drops: watch::Sender<u64>,
    next_token: Mutex<u64>,
}

type Shared = Arc<AppState>;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let ttl = std::env::var("DEMO_TOKEN_TTL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let (ticks, _) = broadcast::channel(1024);
    let (drops, _) = watch::channel(0);
    let state: Shared = Arc::new(AppState {
        ticks,
        history: Mutex::new(VecDeque::with_capacity(REPLAY)),
        tokens: Mutex::new(HashMap::new()),
        token_ttl: Duration::from_secs(ttl),
        fail_until: Mutex::new(None),
        drops,
        next_token: Mutex::new(0),
    });
    tokio::spawn(produce_ticks(state.clone()));

    let root = PathBuf::from(std::env::var("DEMO_ROOT").unwrap_or_else(|_| ".".into()));
    let react = root.join("examples/react/dist");
    let rust = root.join("examples/rust-frontend/dist");
    let app = Router::new()
        .route("/", get(|| async { Redirect::temporary("/react/") }))
        .route("/api/login", post(login))
        .route("/api/feed", get(feed))
        .route("/v1/chat/completions", post(openai_chat))
        .route("/v1/messages", post(anthropic_messages))
        .route("/api/control/drop", post(drop_connections))
        .route("/api/control/fail", post(fail_for))
        .nest_service(
            "/react",
            ServeDir::new(&react).fallback(ServeFile::new(react.join("index.html"))),
        )
        .nest_service(
            "/rust",
            ServeDir::new(&rust).fallback(ServeFile::new(rust.join("index.html"))),
        )
        .layer(CorsLayer::very_permissive().expose_headers([header::RETRY_AFTER]))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        ))
        .with_state(state);

    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8787);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
    let addr = listener.local_addr()?;
    println!("listening http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// A random walk of prices, one tick every 400 ms, kept for replay.
async fn produce_ticks(state: Shared) {
    let symbols = ["RUST", "WASM", "HTTP"];
    let mut price = [100.0f64, 50.0, 20.0];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut interval = tokio::time::interval(TICK_EVERY);
    for seq in 1.. {
        interval.tick().await;
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let i = (seq % 3) as usize;
        let step = ((seed % 2001) as f64 - 1000.0) / 10_000.0;
        price[i] = (price[i] * (1.0 + step / 10.0) * 100.0).round() / 100.0;
        let tick = Tick {
            seq,
            symbol: symbols[i],
            price: price[i],
            at: now_ms(),
        };
        {
            let mut history = state.history.lock().unwrap();
            if history.len() == REPLAY {
                history.pop_front();
            }
            history.push_back(tick.clone());
        }
        let _ = state.ticks.send(tick);
    }
}

#[derive(Serialize)]
struct Login {
    token: String,
    #[serde(rename = "expiresIn")]
    expires_in: u64,
}

async fn login(State(state): State<Shared>) -> Json<Login> {
    let token = {
        let mut n = state.next_token.lock().unwrap();
        *n += 1;
        format!("demo-{}-{:x}", *n, now_ms())
    };
    let mut tokens = state.tokens.lock().unwrap();
    let now = Instant::now();
    tokens.retain(|_, expiry| *expiry > now);
    tokens.insert(token.clone(), now + state.token_ttl);
    Json(Login {
        token,
        expires_in: state.token_ttl.as_secs(),
    })
}

/// The expiry of the request's bearer token, if it is valid.
fn authorize(state: &AppState, headers: &HeaderMap) -> Option<Instant> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let expiry = *state.tokens.lock().unwrap().get(token)?;
    (expiry > Instant::now()).then_some(expiry)
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(serde_json::json!({ "error": "missing or expired token" })),
    )
        .into_response()
}

fn tick_event(tick: &Tick) -> Event {
    Event::default()
        .id(tick.seq.to_string())
        .event("tick")
        .data(serde_json::to_string(tick).unwrap_or_default())
}

async fn feed(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(until) = *state.fail_until.lock().unwrap() {
        let left = until.saturating_duration_since(Instant::now());
        if !left.is_zero() {
            // Round up: never tell a client it may come back too early.
            let secs = left.as_millis().div_ceil(1000).max(1).to_string();
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, secs)],
                "try again later",
            )
                .into_response();
        }
    }
    let Some(expiry) = authorize(&state, &headers) else {
        return unauthorized();
    };
    // Subscribe first, then read the history: every tick is in one or the
    // other, and ids decide which copy is sent.
    let live = state.ticks.subscribe();
    let mut drops = state.drops.subscribe();
    drops.mark_unchanged();
    let last: Option<u64> = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let replay: VecDeque<Tick> = match last {
        Some(last) => state
            .history
            .lock()
            .unwrap()
            .iter()
            .filter(|t| t.seq > last)
            .cloned()
            .collect(),
        None => VecDeque::new(),
    };
    let first = stream::iter([Ok(Event::default()
        .retry(Duration::from_millis(2000))
        .comment("welcome"))]);
    let ticks = stream::unfold(
        (replay, live, drops, last.unwrap_or(0)),
        move |(mut replay, mut live, mut drops, mut sent)| async move {
            if let Some(tick) = replay.pop_front() {
                sent = tick.seq;
                return Some((Ok(tick_event(&tick)), (replay, live, drops, sent)));
            }
            loop {
                tokio::select! {
                    received = live.recv() => match received {
                        Ok(tick) if tick.seq <= sent => continue,
                        Ok(tick) => {
                            sent = tick.seq;
                            return Some((Ok(tick_event(&tick)), (replay, live, drops, sent)));
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    // Dropped on purpose: fail the body, so the client sees the
                    // connection break mid-stream rather than a clean end.
                    _ = drops.changed() => {
                        return Some((Err(io::Error::other("dropped by the demo control")), (replay, live, drops, sent)));
                    }
                    // The token expired: end the stream; the client reconnects
                    // and must bring a fresh token.
                    _ = tokio::time::sleep_until(expiry) => return None,
                }
            }
        },
    );
    // After an error the body is over: stop there.
    let ticks = ticks.scan(false, |failed, item: Result<Event, io::Error>| {
        let out = if *failed { None } else { Some(item) };
        *failed = out.as_ref().is_some_and(Result::is_err);
        futures::future::ready(out)
    });
    Sse::new(first.chain(ticks))
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(5))
                .text("heartbeat"),
        )
        .into_response()
}

/// The body of a chat request, in either API's format (both have
/// `messages` of `{role, content}`; the demo's content is a string).
#[derive(Deserialize)]
struct ChatRequest {
    messages: Vec<ChatMessage>,
}

#[derive(Deserialize)]
struct ChatMessage {
    content: String,
}

/// The answer to the last message, as tokens (words with their spaces).
fn answer_tokens(request: &ChatRequest, format: &str) -> Vec<String> {
    let prompt = request.messages.last().map_or("", |m| m.content.trim());
    let answer = format!(
        "You asked: \"{prompt}\". Here is a streamed answer in the {format} format, one \
         token at a time. The API sends no end event of ours: the client's preset for it \
         ends the stream, so the prompt is never sent twice."
    );
    answer.split_inclusive(' ').map(str::to_owned).collect()
}

/// `events` one by one, 60 ms apart, as an SSE response.
fn token_stream(events: Vec<Event>) -> Response {
    let events = stream::iter(events).then(|event| async move {
        tokio::time::sleep(Duration::from_millis(60)).await;
        Ok::<_, Infallible>(event)
    });
    Sse::new(events).into_response()
}

/// OpenAI Chat Completions: `data: {chunk}` per token, then `data: [DONE]`.
async fn openai_chat(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(request): Json<ChatRequest>,
) -> Response {
    if authorize(&state, &headers).is_none() {
        let error = serde_json::json!({ "error": {
            "message": "Incorrect API key provided. Log in again for a fresh token.",
            "type": "invalid_request_error", "param": null, "code": "invalid_api_key" } });
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    let chunk = |delta: serde_json::Value, finish: Option<&str>| {
        Event::default().data(
            serde_json::json!({
                "id": "chatcmpl-demo", "object": "chat.completion.chunk", "created": 1764460800u64,
                "model": "demo", "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }]
            })
            .to_string(),
        )
    };
    let mut events = vec![chunk(
        serde_json::json!({ "role": "assistant", "content": "" }),
        None,
    )];
    for token in answer_tokens(&request, "OpenAI Chat Completions") {
        events.push(chunk(serde_json::json!({ "content": token }), None));
    }
    events.push(chunk(serde_json::json!({}), Some("stop")));
    events.push(Event::default().data("[DONE]"));
    token_stream(events)
}

/// Anthropic Messages: `message_start`, a text block of
/// `content_block_delta`s, `message_delta`, `message_stop`.
async fn anthropic_messages(
    State(state): State<Shared>,
    headers: HeaderMap,
    Json(request): Json<ChatRequest>,
) -> Response {
    // Anthropic's key header; the demo's token is the key.
    let mut as_bearer = HeaderMap::new();
    if let Some(key) = headers.get("x-api-key").and_then(|k| k.to_str().ok()) {
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {key}")) {
            as_bearer.insert(header::AUTHORIZATION, value);
        }
    }
    if authorize(&state, &as_bearer).is_none() {
        let error = serde_json::json!({ "type": "error", "error": {
            "type": "authentication_error", "message": "invalid x-api-key" } });
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    let event =
        |kind: &str, data: serde_json::Value| Event::default().event(kind).data(data.to_string());
    let tokens = answer_tokens(&request, "Anthropic Messages");
    let mut events = vec![
        event(
            "message_start",
            serde_json::json!({ "type": "message_start", "message": {
            "id": "msg_demo", "type": "message", "role": "assistant", "content": [], "model": "demo",
            "stop_reason": null, "usage": { "input_tokens": 10, "output_tokens": 1 } } }),
        ),
        event(
            "content_block_start",
            serde_json::json!({ "type": "content_block_start", "index": 0,
            "content_block": { "type": "text", "text": "" } }),
        ),
        event("ping", serde_json::json!({ "type": "ping" })),
    ];
    let count = tokens.len();
    for text in tokens {
        events.push(event(
            "content_block_delta",
            serde_json::json!({ "type": "content_block_delta",
            "index": 0, "delta": { "type": "text_delta", "text": text } }),
        ));
    }
    events.push(event(
        "content_block_stop",
        serde_json::json!({ "type": "content_block_stop", "index": 0 }),
    ));
    events.push(event(
        "message_delta",
        serde_json::json!({ "type": "message_delta",
        "delta": { "stop_reason": "end_turn" }, "usage": { "output_tokens": count } }),
    ));
    events.push(event(
        "message_stop",
        serde_json::json!({ "type": "message_stop" }),
    ));
    token_stream(events)
}

async fn drop_connections(State(state): State<Shared>) -> StatusCode {
    state.drops.send_modify(|n| *n += 1);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Fail {
    seconds: u64,
}

async fn fail_for(State(state): State<Shared>, Json(fail): Json<Fail>) -> StatusCode {
    *state.fail_until.lock().unwrap() =
        Some(Instant::now() + Duration::from_secs(fail.seconds.min(120)));
    // Drop current connections so the failure is felt at once.
    state.drops.send_modify(|n| *n += 1);
    StatusCode::NO_CONTENT
}
