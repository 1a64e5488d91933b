//! The options of `SseCore::new`: two arrays, typed for JavaScript by the
//! labelled tuples `CoreNumbers` and `CoreStrings` below (js/core-options.js
//! makes them), so that no key string crosses.

use wasm_bindgen::prelude::*;

use crate::connection::{EndRule, Options};

#[wasm_bindgen(typescript_custom_section)]
const CORE_OPTIONS: &'static str = r#"
/** The numbers of a core's options, in this order, as
 * `new SseCore(url, seed, now, numbers, strings)` reads them
 * (js/connection.js makes both from the caller's options). Times in ms.
 * A value that is not a finite number >= 0 (NaN, say) takes its default;
 * `hasBody`, `resend` and `pauseWhenHidden` are 1 for yes. The retry
 * statuses follow. */
export type CoreNumbers = [
  initialDelay: number,
  minDelay: number,
  maxDelay: number,
  factor: number,
  jitter: number,
  maxAttempts: number,
  healthyAfter: number,
  idleTimeout: number,
  maxLineLength: number,
  maxEventLength: number,
  hasBody: number,
  resend: number,
  pauseWhenHidden: number,
  ...retryStatuses: number[],
];

/** The strings of a core's options, in this order: undefined takes the
 * default. `endEvent` null switches the end event off (default 'end');
 * `endPreset` names an LLM preset (`EndRule::preset`: 'openai-chat',
 * 'openai-responses', 'anthropic'); more event types that end the stream
 * follow. `resumeUrl` is absolute. */
export type CoreStrings = [
  lastEventId: string | undefined,
  lastEventIdParam: string | undefined,
  method: string | undefined,
  resumeUrl: string | undefined,
  endEvent: string | null | undefined,
  endPreset: string | undefined,
  ...endTypes: string[],
];
"#;

/// Milliseconds from JavaScript (a finite number >= 0, else 0).
pub(super) fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value as u64
    } else {
        0
    }
}

/// The core's options from `numbers` and `strings` (the `CoreNumbers`
/// and `CoreStrings` types above).
pub(super) fn options(numbers: &[f64], strings: &[JsValue]) -> Options {
    let number = |i: usize| {
        numbers
            .get(i)
            .copied()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let [initial, min, max, factor, jitter, attempts, healthy, idle, line, event, has_body, resend, pause] =
        std::array::from_fn(number);
    let string = |i: usize| strings.get(i).and_then(JsValue::as_string);
    let [last_event_id, param, method, resume_url, end_event, end_preset] =
        std::array::from_fn(string);
    let mut options = Options::default();
    let r = &mut options.retry;
    let millis = |value: Option<f64>, default: u64| value.map_or(default, ms);
    r.initial_delay_ms = millis(initial, r.initial_delay_ms);
    r.min_delay_ms = millis(min, r.min_delay_ms);
    r.max_delay_ms = millis(max, r.max_delay_ms);
    r.factor = factor.unwrap_or(r.factor);
    r.jitter = jitter.unwrap_or(r.jitter);
    r.max_attempts = attempts.map(|n| ms(n).min(u64::from(u32::MAX)) as u32);
    r.healthy_after_ms = millis(healthy, r.healthy_after_ms);
    options.idle_timeout_ms = idle.map(ms);
    if let Some(n) = line {
        options.limits = options.limits.max_line_len(ms(n) as usize);
    }
    if let Some(n) = event {
        options.limits = options.limits.max_event_len(ms(n) as usize);
    }
    options.has_body = has_body.is_some_and(|v| v > 0.0);
    options.resend = resend.is_some_and(|v| v > 0.0);
    options.pause_when_hidden = pause.is_some_and(|v| v > 0.0);
    options.retry_statuses = numbers
        .get(12..)
        .unwrap_or_default()
        .iter()
        .filter(|s| s.is_finite() && **s >= 0.0)
        .map(|&s| s as u16)
        .collect();
    options.last_event_id = last_event_id.unwrap_or_default();
    options.last_event_id_param = param;
    options.resume_url = resume_url;
    if let Some(method) = method {
        options.method = method;
    }
    // The end rule: the end event's type (null: none), an LLM preset, or
    // more types; a rule given as a function is the class's to run.
    if end_event.is_some() || strings.get(4).is_some_and(JsValue::is_null) {
        options.end_event = end_event;
    }
    let types = strings.get(6..).unwrap_or_default();
    options.end_when = match end_preset {
        Some(name) => EndRule::preset(&name),
        None if !types.is_empty() => {
            Some(EndRule::types(types.iter().filter_map(JsValue::as_string)))
        }
        None => None,
    };
    options
}
