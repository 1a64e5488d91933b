//! eventsource-wasm's Rust API in a Leptos app (client-side rendering),
//! against the demo server: the live feed as a typed stream of `Tick`s with a
//! bearer token refreshed on every reconnect, and the connection state from
//! the notice stream.

use std::cell::RefCell;

use eventsource_wasm::connection::{Notice, RetryPolicy};
use eventsource_wasm::wasm::EventSource;
use futures::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// What the server sends as `event: tick`.
#[derive(Debug, Clone, Deserialize)]
struct Tick {
    seq: u64,
    symbol: String,
    price: f64,
}

thread_local! {
    /// The current token and when it expires (ms since the epoch).
    static TOKEN: RefCell<Option<(String, f64)>> = const { RefCell::new(None) };
    static REFRESHES: RefCell<u32> = const { RefCell::new(0) };
}

/// A valid bearer token, logging in again when the last one expired.
async fn token() -> Result<String, String> {
    let now = js_sys::Date::now();
    if let Some((token, expires)) = TOKEN.with_borrow(Clone::clone) {
        if now < expires - 1000.0 {
            return Ok(token);
        }
    }
    let fail = |e: JsValue| format!("login failed: {e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init("/api/login", &init))
            .await
            .map_err(fail)?
            .unchecked_into();
    let body = JsFuture::from(response.json().map_err(fail)?)
        .await
        .map_err(fail)?;
    let get = |k: &str| js_sys::Reflect::get(&body, &k.into()).ok();
    let token = get("token")
        .and_then(|v| v.as_string())
        .ok_or("no token in the login answer")?;
    let ttl = get("expiresIn").and_then(|v| v.as_f64()).unwrap_or(0.0);
    TOKEN.set(Some((token.clone(), now + ttl * 1000.0)));
    REFRESHES.with_borrow_mut(|n| *n += 1);
    Ok(token)
}

#[component]
fn Feed() -> impl IntoView {
    let (state, set_state) = signal(String::from("connecting"));
    let (status, set_status) = signal(String::from("Connecting…"));
    let (latest, set_latest) = signal(None::<Tick>);
    let (ids, set_ids) = signal(Vec::<u64>::new());
    let (gaps, set_gaps) = signal((0u64, 0u64));
    let (refreshes, set_refreshes) = signal(0u32);

    let source = EventSource::builder("/api/feed")
        .headers_with(|| async {
            let token = token().await?;
            Ok::<_, String>(vec![(
                "Authorization".to_owned(),
                format!("Bearer {token}"),
            )])
        })
        .retry_statuses([503])
        .retry(
            RetryPolicy::default()
                .initial_delay_ms(1000)
                .max_delay_ms(8000),
        )
        .build();

    // Typed events: serde decodes each `tick`.
    let mut ticks = source.typed_stream::<Tick>("tick");
    spawn_local(async move {
        let mut last: Option<u64> = None;
        while let Some(tick) = ticks.next().await {
            let Ok(tick) = tick else { continue };
            if let Some(last) = last {
                set_gaps.update(|(gaps, repeats)| {
                    if tick.seq > last + 1 {
                        *gaps += tick.seq - last - 1;
                    } else if tick.seq <= last {
                        *repeats += 1;
                    }
                });
            }
            last = Some(last.map_or(tick.seq, |l| l.max(tick.seq)));
            set_ids.update(|ids| {
                ids.push(tick.seq);
                if ids.len() > 60 {
                    ids.remove(0);
                }
            });
            set_refreshes.set(REFRESHES.with_borrow(|n| *n));
            set_latest.set(Some(tick));
        }
    });

    // Connection state, from every notice.
    let mut notices = source.stream();
    spawn_local(async move {
        while let Some(notice) = notices.next().await {
            match notice {
                Notice::Open => {
                    set_state.set("open".into());
                    set_status.set("Connected.".into());
                }
                Notice::Error {
                    error,
                    reconnect_in_ms: Some(delay),
                } => {
                    set_state.set("connecting".into());
                    set_status.set(format!(
                        "Reconnecting in {} s after: {error}",
                        delay.div_ceil(1000)
                    ));
                }
                Notice::Error {
                    error,
                    reconnect_in_ms: None,
                } => {
                    set_state.set("closed".into());
                    set_status.set(format!("Closed: {error}"));
                }
                _ => {}
            }
        }
    });

    let drop_connections = move |_| {
        spawn_local(async {
            if let Some(window) = web_sys::window() {
                let init = web_sys::RequestInit::new();
                init.set_method("POST");
                let _ = JsFuture::from(window.fetch_with_str_and_init("/api/control/drop", &init))
                    .await;
            }
        });
    };
    // Leptos wants Send cleanups; the source lives on this (only) thread.
    let source = send_wrapper::SendWrapper::new(source);
    on_cleanup(move || source.close());

    view! {
        <section class="card">
            <h2>"Live feed " <small>"Rust API · typed_stream::<Tick>(\"tick\") · bearer token"</small></h2>
            <div class="stats">
                <div class="stat">"state"<b data-testid="state">{move || state.get()}</b></div>
                <div class="stat">"latest"<b data-testid="latest">
                    {move || latest.get().map_or("–".to_owned(), |t| format!("{} {:.2}", t.symbol, t.price))}
                </b></div>
                <div class="stat">"last event ID"<b data-testid="count">
                    {move || ids.get().last().copied().unwrap_or(0)}
                </b></div>
                <div class="stat">"gaps / repeats"<b data-testid="gaps">
                    {move || { let (g, r) = gaps.get(); format!("{g} / {r}") }}
                </b></div>
                <div class="stat">"token refreshes"<b data-testid="refreshes">{move || refreshes.get()}</b></div>
            </div>
            <p class="status" data-testid="status">{move || status.get()}</p>
            <button data-testid="drop" on:click=drop_connections>"Drop connections"</button>
            <p class="ids">
                {move || ids.get().into_iter().map(|id| view! { <span>{id}</span> }).collect_view()}
            </p>
        </section>
    }
}

/// Mounts the app (called by index.html after loading the module).
#[wasm_bindgen(start)]
pub fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <header>
                <h1>"eventsource-wasm · Rust frontend"</h1>
                <p>"The same demo feed, through the crate's Rust API in a Leptos app."</p>
            </header>
            <Feed/>
        }
    });
}
