//! What crosses for an error: an `ErrorDetail` (its type and its data) and
//! the notice records of `SseCore::drain`, declared for JavaScript below.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::error::{Error, ErrorBody};

#[wasm_bindgen(typescript_custom_section)]
const ERROR_DETAIL: &'static str = r#"
/** The `type` of an error, as `Error::kind` names each variant
 * (js/index.d.ts declares the same union as `SseErrorType`;
 * tests/types/conformance.ts holds the two equal). */
export type ErrorType =
  | 'http-status'
  | 'content-type'
  | 'network'
  | 'cors'
  | 'stream-ended'
  | 'idle-timeout'
  | 'line-too-long'
  | 'event-too-large'
  | 'headers'
  | 'invalid-request'
  | 'aborted'
  | 'retries-exhausted'
  | 'not-resent'
  | 'truncated'
  | 'resume-expired'
  | 'provider';

/** One thing the core said (`drain()`), as `[kind, a, b]`. */
export type NoticeRecord =
  | [kind: NoticeKind.Open, a: undefined, b: undefined]
  | [kind: NoticeKind.Comment, text: string, b: undefined]
  | [kind: NoticeKind.Error, detail: ErrorDetail, reconnectIn: number | undefined]
  | [kind: NoticeKind.Reconnecting, delay: number, attempt: number]
  | [kind: NoticeKind.Messages, text: string, lengths: Uint32Array]
  | [kind: NoticeKind.Diagnostic, index: number, value: number];

/** What an error notice of `drain()` carries (js/errors.js reads it and
 * words it). */
export interface ErrorDetail {
  type: ErrorType;
  /** With 'network', 'headers' and 'invalid-request': what the browser or
   * the callback said. */
  reason?: string;
  /** A sentence of the class's own (errors it finds itself), used as it is. */
  message?: string;
  status?: number;
  contentType?: string | null;
  limit?: number;
  timeout?: number;
  attempts?: number;
  cause?: ErrorDetail;
  /** The start of a refused response's body. */
  body?: string;
  /** The server's own message in `body`, where JSON APIs put it. */
  serverMessage?: string;
  /** With 'provider': the event's type, and the provider's type of error
   * and code in its data (which is `body`). */
  eventType?: string;
  errorType?: string;
  code?: string;
}
"#;

/// A refused response's body, as `body` (its text) and `serverMessage`.
#[cfg_attr(npm_size, optimize(size), inline(never))]
fn set_body(set: &impl Fn(&str, JsValue), body: Option<&ErrorBody>) {
    if let Some(body) = body {
        set("body", body.text.as_str().into());
        if let Some(message) = &body.message {
            set("serverMessage", message.as_str().into());
        }
    }
}

/// An error as an `ErrorDetail`: its type and its data, no sentence. The
/// class words it (js/errors.js, `describe`), as `Display` words it for the
/// Rust API; tests/data/error-messages.txt holds both to the same words.
/// (`Display` here would bring Rust's formatting into the module: about
/// 1.7 KB gzip, docs/benchmarks.md.)
#[cfg_attr(npm_size, optimize(size), inline(never))]
pub(super) fn error_object(error: &Error) -> JsValue {
    let object = Object::new();
    let set = |k: &str, v: JsValue| {
        super::reflect_set(&object, &k.into(), &v);
    };
    match error {
        Error::HttpStatus { status, body } | Error::ResumeExpired { status, body } => {
            set("status", (*status).into());
            set_body(&set, body.as_deref());
        }
        Error::ContentType { content_type, body } => {
            set(
                "contentType",
                content_type
                    .as_deref()
                    .map_or(JsValue::NULL, JsValue::from_str),
            );
            set_body(&set, body.as_deref());
        }
        Error::Network { message }
        | Error::Headers { message }
        | Error::InvalidRequest { message } => set("reason", message.as_str().into()),
        Error::IdleTimeout { timeout_ms } => set("timeout", (*timeout_ms as f64).into()),
        Error::Limit(e) => set("limit", (e.limit() as f64).into()),
        Error::NotResent { cause } | Error::Truncated { cause } => {
            set("cause", error_object(cause))
        }
        Error::Provider {
            event_type,
            error_type,
            code,
            body,
        } => {
            set("eventType", event_type.as_str().into());
            let text = |v: &Option<String>| v.as_deref().map_or(JsValue::UNDEFINED, JsValue::from);
            set("errorType", text(error_type));
            set("code", text(code));
            set_body(&set, Some(body));
        }
        Error::RetriesExhausted { attempts, last } => {
            set("attempts", (*attempts).into());
            set("cause", error_object(last));
        }
        _ => {}
    }
    set("type", error.kind().into());
    object.into()
}
