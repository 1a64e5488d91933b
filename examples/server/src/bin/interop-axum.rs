//! The interop script on axum's own SSE support (`axum::response::sse`),
//! for the client's interop tests (see tests/interop/fastapi_server.py).

use std::convert::Infallible;
use std::time::Duration;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::stream;
use tower_http::cors::CorsLayer;

async fn events(headers: HeaderMap) -> Response {
    let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return (StatusCode::UNAUTHORIZED, "no authorization").into_response();
    };
    let start = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(1, |last| last + 1);
    let stop = (start + 2).min(5);
    let mut events = vec![Event::default()
        .retry(Duration::from_millis(100))
        .comment("")];
    for n in start..=stop {
        let data = serde_json::json!({ "n": n, "auth": auth }).to_string();
        events.push(Event::default().id(n.to_string()).event("num").data(data));
    }
    if stop == 5 {
        events.push(Event::default().event("end").data("done"));
    }
    Sse::new(stream::iter(events.into_iter().map(Ok::<_, Infallible>))).into_response()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/events", get(events))
        .layer(CorsLayer::very_permissive());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
