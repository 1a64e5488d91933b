//! Every error is worded the same by the Rust API (`Display`) and by the
//! JavaScript class (js/errors.js, `describe`, which words the details the
//! WebAssembly core hands over): both are held to
//! tests/data/error-messages.txt, one error per line, `type<TAB>message`.
//! tests/e2e/error-messages.test.mjs checks the JavaScript side against the
//! same lines, for the same errors in the same order.

use eventsource_wasm::parser::ParseError;
use eventsource_wasm::{Error, ErrorBody};

#[test]
fn display_words_each_error_as_the_class_does() {
    let body = None;
    let errors: Vec<(&str, Error)> = vec![
        (
            "http-status",
            Error::HttpStatus {
                status: 503,
                body: body.clone(),
            },
        ),
        (
            "content-type",
            Error::ContentType {
                content_type: Some("text/html; charset=utf-8".into()),
                body: body.clone(),
            },
        ),
        (
            "content-type",
            Error::ContentType {
                content_type: None,
                body,
            },
        ),
        (
            "network",
            Error::Network {
                message: "Failed to fetch".into(),
            },
        ),
        ("cors", Error::Cors),
        ("stream-ended", Error::StreamEnded),
        ("idle-timeout", Error::IdleTimeout { timeout_ms: 45_000 }),
        (
            "line-too-long",
            Error::Limit(ParseError::LineTooLong { limit: 1024 }),
        ),
        (
            "event-too-large",
            Error::Limit(ParseError::EventTooLarge { limit: 2048 }),
        ),
        (
            "headers",
            Error::Headers {
                message: "token service down".into(),
            },
        ),
        (
            "invalid-request",
            Error::InvalidRequest {
                message: "invalid name or value for the header \"x y\"".into(),
            },
        ),
        ("aborted", Error::Aborted),
        (
            "not-resent",
            Error::NotResent {
                cause: Box::new(Error::StreamEnded),
            },
        ),
        (
            "retries-exhausted",
            Error::RetriesExhausted {
                attempts: 3,
                last: Box::new(Error::HttpStatus {
                    status: 502,
                    body: None,
                }),
            },
        ),
        (
            "truncated",
            Error::Truncated {
                cause: Box::new(Error::Network {
                    message: "connection reset".into(),
                }),
            },
        ),
        (
            "provider",
            Error::Provider {
                event_type: "error".into(),
                error_type: Some("overloaded_error".into()),
                code: None,
                body: Box::new(ErrorBody::new(
                    r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#.into(),
                    Some("Overloaded".into()),
                )),
            },
        ),
        (
            "provider",
            Error::Provider {
                event_type: "response.incomplete".into(),
                error_type: None,
                code: Some("max_output_tokens".into()),
                body: Box::new(ErrorBody::new("{}".into(), None)),
            },
        ),
        (
            "resume-expired",
            Error::ResumeExpired {
                status: 404,
                body: Some(Box::new(ErrorBody::new(
                    r#"{"error":{"message":"No response found"}}"#.into(),
                    Some("No response found".into()),
                ))),
            },
        ),
    ];
    let expected = include_str!("data/error-messages.txt");
    let lines: Vec<&str> = expected.lines().collect();
    assert_eq!(lines.len(), errors.len(), "one line per error");
    for ((kind, error), line) in errors.iter().zip(lines) {
        assert_eq!(format!("{kind}\t{error}"), line);
    }
}

#[test]
fn parse_errors_write_their_limit_in_decimal_at_any_size() {
    for limit in [0, 7, 10, 1024, 65_535, usize::MAX] {
        assert_eq!(
            ParseError::LineTooLong { limit }.to_string(),
            format!("event stream line longer than the limit of {limit} bytes")
        );
        assert_eq!(
            ParseError::EventTooLarge { limit }.to_string(),
            format!("event data larger than the limit of {limit} bytes")
        );
    }
}
