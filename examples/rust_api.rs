//! The Rust API in a WebAssembly frontend: a typed stream of one event
//! type, every notice, and a callback listener; an LLM answer that tells a
//! finished answer from a failed or cut one, and one that resumes where a
//! cut left it (docs/llm.md). Compiled for wasm32 by
//! `npm test` (`cargo clippy --target wasm32-unknown-unknown --all-targets`),
//! so the README's example cannot drift from the API.
//!
//! In a real app the `async` block runs from your framework (Leptos
//! `spawn_local`, Yew `use_effect`, ...).

#[cfg(target_arch = "wasm32")]
mod app {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use eventsource_wasm::connection::{EndRule, Notice, RetryPolicy};
    use eventsource_wasm::wasm::{EventSource, ResumeRequest};
    use eventsource_wasm::Error;
    use futures::StreamExt;
    use serde::de::DeserializeOwned;
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

    #[derive(Deserialize)]
    pub struct Block {
        pub delta: Delta,
    }

    #[derive(Deserialize)]
    pub struct Delta {
        pub text: Option<String>,
    }

    /// An LLM answer (docs/llm.md): the tokens, then whether it finished.
    pub async fn answer(body: String) {
        let source = EventSource::builder("https://api.anthropic.com/v1/messages")
            .method("POST")
            .header("x-api-key", "sk-…")
            .header("anthropic-version", "2023-06-01")
            .header("content-type", "application/json")
            .body(body)
            .end_when(EndRule::ANTHROPIC)
            .build();
        let mut blocks = source.typed_stream::<Block>("content_block_delta");
        while let Some(Ok(block)) = blocks.next().await {
            log(block.delta.text.as_deref().unwrap_or(""));
        }
        // The stream ended: done (message_stop), or why not.
        match source.final_error() {
            None => log("(done)"),
            Some(Error::Provider { error_type, .. }) => log(&format!("(failed: {error_type:?})")),
            Some(Error::Truncated { .. }) => log("(cut short)"),
            Some(other) => log(&format!("({other})")),
        }
    }

    #[derive(Deserialize)]
    pub struct Sequenced {
        pub sequence_number: u64,
    }

    #[derive(Deserialize)]
    pub struct Created {
        pub response: Response,
    }

    #[derive(Deserialize)]
    pub struct Response {
        pub id: String,
    }

    #[derive(Deserialize)]
    pub struct TextDelta {
        pub delta: String,
    }

    fn decode<T: DeserializeOwned>(json: &str) -> Option<T> {
        serde_wasm_bindgen::from_value(js_sys::JSON::parse(json).ok()?).ok()
    }

    /// An OpenAI Responses answer that resumes where a cut left it: a GET
    /// of the response's stream after the last event delivered, so no
    /// token is generated (or paid for) twice (docs/llm.md).
    pub async fn resumed_answer(body: String) {
        let response_id = Rc::new(RefCell::new(None::<String>));
        let id = Rc::clone(&response_id);
        let source = EventSource::builder("https://api.openai.com/v1/responses")
            .method("POST")
            .header("Authorization", "Bearer sk-…")
            .header("Content-Type", "application/json")
            .body(body)
            .end_when(EndRule::OPENAI_RESPONSES)
            .cursor("sequence_number")
            .resume(move |info| {
                let last: Sequenced = decode(&info.last_event.as_ref()?.data)?;
                let id = id.borrow().clone()?;
                Some(ResumeRequest::new(format!(
                    "https://api.openai.com/v1/responses/{id}?stream=true&starting_after={}",
                    last.sequence_number
                )))
            })
            .build();
        let _created = source.on_event("response.created", move |event| {
            *response_id.borrow_mut() = decode::<Created>(&event.data).map(|c| c.response.id);
        });
        let mut deltas = source.typed_stream::<TextDelta>("response.output_text.delta");
        while let Some(Ok(text)) = deltas.next().await {
            log(&text.delta);
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
    {
        wasm_bindgen_futures::spawn_local(app::run());
        wasm_bindgen_futures::spawn_local(app::answer(
            r#"{"model":"claude-test","stream":true}"#.into(),
        ));
        wasm_bindgen_futures::spawn_local(app::resumed_answer(
            r#"{"model":"gpt-test","input":"Hi","stream":true}"#.into(),
        ));
    }
}
