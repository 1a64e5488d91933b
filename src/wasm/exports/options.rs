//! The options of `SseCore::new`: two arrays, typed for JavaScript by the
//! labelled tuples `CoreNumbers` and `CoreStrings` below (js/core-options.js
//! makes them), so that no key string crosses.

use wasm_bindgen::prelude::*;

use crate::connection::{split_once_byte, EndRule, Options, RetryPolicy};
use crate::parser::Config;

#[wasm_bindgen(typescript_custom_section)]
const CORE_OPTIONS: &'static str = r#"
/** The numbers of a core's options, in this order, as
 * `new SseCore(url, seed, now, numbers, strings)` reads them
 * (js/connection.js makes both from the caller's options). Times in ms.
 * A value that is not a finite number >= 0 (NaN, say) takes its default;
 * `hasBody`, `resend`, `pauseWhenHidden`, `resumeWith` (the caller
 * gave a resume function) and `diagnose` are 1 for yes. The retry
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
  resumeWith: number,
  diagnose: number,
  ...retryStatuses: number[],
];

/** The strings of a core's options, in this order: undefined takes the
 * default. `endEvent` null switches the end event off (default 'end');
 * `endPreset` names an LLM preset (`EndRule::preset`: 'openai-chat',
 * 'openai-responses', 'anthropic'); more event types that end the stream
 * follow. `resumeUrl` is absolute. `idempotencyHeader` is the name of the
 * key's header (default 'Idempotency-Key'); `idempotencyKey` the source's
 * key, drawn at random by the driver (none: no key is sent). `cursor` is
 * the field of JSON data that tells a resume's replays. */
export type CoreStrings = [
  lastEventId: string | undefined,
  lastEventIdParam: string | undefined,
  method: string | undefined,
  resumeUrl: string | undefined,
  endEvent: string | null | undefined,
  endPreset: string | undefined,
  idempotencyHeader: string | undefined,
  idempotencyKey: string | undefined,
  cursor: string | undefined,
  ...endTypes: string[],
];

/** `CoreStrings` as it crosses: one line each (no option string holds a
 * line break), `=` and the string, or `\u0001` for undefined and `\u0002`
 * for null. One string crosses more cheaply than an array of them. */
export type CoreLines = string;

/** What `SseCore.stats(now)` returns (`connection::Stats`): times in ms,
 * NaN for one not measured yet; then the reconnects by the kind of what
 * broke, in the order of `Error::KINDS`. (The module built without
 * stats returns undefined.) */
export type CoreStats = [
  timeToHead: number,
  timeToFirstByte: number,
  timeToFirstEvent: number,
  reconnectToFirstEvent: number,
  events: number,
  bytes: number,
  comments: number,
  gapP50: number,
  gapP99: number,
  gapMax: number,
  silence: number,
  serverRetry: number,
  ...reconnectsByKind: number[],
];"#;

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
#[cfg_attr(npm_size, optimize(size), inline(never))]
pub(super) fn options(numbers: &[f64], strings: &str) -> Options {
    let lines = lines(strings);
    let n = |i| number(numbers, i);
    let s = |i| string(&lines, i);
    // Built whole, from the defaults: nothing is made only to be dropped.
    let (d, limits) = (RetryPolicy::default(), Config::default());
    let millis = |i, default: u64| n(i).map_or(default, ms);
    let yes = |i| n(i).is_some_and(|v| v > 0.0);
    // The end event's type (null: none, absent: `end`), an LLM preset, or
    // more types; a rule given as a function is the class's to run.
    let end_event = match s(4) {
        None if lines.get(4) == Some(&"\u{2}") => None,
        given => Some(given.unwrap_or_else(|| "end".to_owned())),
    };
    let end_when = match s(5) {
        Some(name) => EndRule::preset(&name),
        None if lines.len() > 9 => Some(EndRule::types((9..lines.len()).filter_map(s))),
        None => None,
    };
    Options {
        retry: RetryPolicy {
            initial_delay_ms: millis(0, d.initial_delay_ms),
            min_delay_ms: millis(1, d.min_delay_ms),
            max_delay_ms: millis(2, d.max_delay_ms),
            factor: n(3).unwrap_or(d.factor),
            jitter: n(4).unwrap_or(d.jitter),
            max_attempts: n(5).map(|v| ms(v).min(u64::from(u32::MAX)) as u32),
            healthy_after_ms: millis(6, d.healthy_after_ms),
        },
        // They follow the 15 numbers above.
        retry_statuses: (15..numbers.len())
            .filter_map(|i| n(i).map(|v| v as u16))
            .collect(),
        end_event,
        end_when,
        idle_timeout_ms: n(7).map(ms),
        limits: Config {
            max_line_len: n(8).map_or(limits.max_line_len, |v| ms(v) as usize),
            max_event_len: n(9).map_or(limits.max_event_len, |v| ms(v) as usize),
        },
        last_event_id: s(0).unwrap_or_default(),
        last_event_id_param: s(1),
        method: s(2).unwrap_or_else(|| "GET".to_owned()),
        has_body: yes(10),
        resend: yes(11),
        resume_url: s(3),
        pause_when_hidden: yes(12),
        resume_with: yes(13),
        #[cfg(feature = "stats")]
        diagnose: yes(14),
        // The key the driver drew (none when the header is off), and its
        // header's name.
        idempotency_key: s(7).map(|key| {
            let name = s(6).unwrap_or_else(|| "Idempotency-Key".to_owned());
            (name, key)
        }),
        cursor: s(8),
    }
}

/// The number at `i`, if it is finite and not negative.
#[cfg_attr(npm_size, optimize(size), inline(never))]
fn number(numbers: &[f64], i: usize) -> Option<f64> {
    numbers
        .get(i)
        .copied()
        .filter(|v| v.is_finite() && *v >= 0.0)
}

/// The string at `i`, if there is one (its line is `=` and the string).
#[cfg_attr(npm_size, optimize(size), inline(never))]
fn string(lines: &[&str], i: usize) -> Option<String> {
    let line = lines.get(i)?;
    (line.as_bytes().first() == Some(&b'=')).then(|| line.get(1..).unwrap_or_default().to_owned())
}

/// The lines of `text` (`CoreLines`).
#[cfg_attr(npm_size, optimize(size), inline(never))]
fn lines(mut text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    while let Some((line, rest)) = split_once_byte(text, b'\n') {
        lines.push(line);
        text = rest;
    }
    lines.push(text);
    lines
}
