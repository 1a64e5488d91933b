//! The Rust API in a WebAssembly frontend: a typed stream of one event
//! type, every notice, and a callback listener. Compiled for wasm32 by
//! `npm test` (`cargo clippy --target wasm32-unknown-unknown --all-targets`),
//! so the README's example cannot drift from the API.
//!
//! In a real app the `async` block runs from your framework (Leptos
//! `spawn_local`, Yew `use_effect`, ...).

#[cfg(target_arch = "wasm32")]
mod app {
    use std::time::Duration;

    use eventsource_wasm::connection::{Notice, RetryPolicy};
    use eventsource_wasm::wasm::EventSource;
    use futures::StreamExt;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    pub struct Progress {
        pub percent: u8,
    }

    async fn fresh_token() -> Result<String, String> {
        Ok("token".into())
    }

    pub async fn run() {
        let source = EventSource::builder("https://api.example.com/jobs/42/events")
            // Called before every connect and reconnect: refresh tokens here.
            .headers_with(|| async {
                let token = fresh_token().await?;
                Ok::<_, String>(vec![("Authorization".into(), format!("Bearer {token}"))])
            })
            .method("POST")
            .header("Content-Type", "application/json")
            .body(r#"{"detail":"full"}"#)
            .retry(RetryPolicy::default().max_attempts(Some(10)))
            .retry_statuses([429, 502, 503, 504])
            .idle_timeout(Duration::from_secs(45))
            .build();

        // Connection status, for a "reconnecting in 3 s" banner.
        let mut notices = source.stream();
        wasm_bindgen_futures::spawn_local(async move {
            while let Some(notice) = notices.next().await {
                match notice {
                    Notice::Open => log("open"),
                    Notice::Reconnecting { delay_ms, attempt } => log(&format!(
                        "reconnecting in {delay_ms} ms (attempt {attempt})"
                    )),
                    Notice::Error {
                        error,
                        reconnect_in_ms: None,
                    } => log(&format!("closed: {error}")),
                    _ => {}
                }
            }
        });

        // A callback listener, removed when `_done` is dropped.
        let _done = source.on_event("done", |event| log(&event.data));

        // Typed events; the stream ends when the server sends `event: end`.
        let mut progress = source.typed_stream::<Progress>("progress");
        while let Some(update) = progress.next().await {
            match update {
                Ok(p) => log(&format!("{}%", p.percent)),
                Err(bad) => log(&format!(
                    "undecodable {} event: {}",
                    bad.event_type, bad.data
                )),
            }
        }
    }

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = console)]
        fn log(text: &str);
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen_futures::spawn_local(app::run());
}
