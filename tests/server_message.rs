//! The server's message in a refused response's body
//! (`src/connection/server_message.rs`): where it is found, and that a body
//! `JSON.parse` would refuse gives none.

#![cfg(not(target_arch = "wasm32"))]

use eventsource_wasm::connection::server_message;
use proptest::prelude::*;

#[test]
fn the_message_is_found_where_apis_put_it_in_this_order() {
    let cases: &[(&str, Option<&str>)] = &[
        // OpenAI, Anthropic, Google.
        (
            r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#,
            Some("Incorrect API key provided"),
        ),
        (
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
            Some("Overloaded"),
        ),
        (r#"{"error":"Unauthorized"}"#, Some("Unauthorized")),
        (r#"{"message":"Not Found"}"#, Some("Not Found")),
        // FastAPI and RFC 9457.
        (
            r#"{"detail":"Not authenticated"}"#,
            Some("Not authenticated"),
        ),
        // The order: error.message, error, message, detail.
        (
            r#"{"detail":"d","message":"m","error":{"message":"e"}}"#,
            Some("e"),
        ),
        (r#"{"detail":"d","message":"m","error":"e"}"#, Some("e")),
        (r#"{"detail":"d","message":"m"}"#, Some("m")),
        // Empty strings and other types do not count.
        (r#"{"error":{"message":""},"message":"m"}"#, Some("m")),
        (r#"{"error":"","detail":"d"}"#, Some("d")),
        (r#"{"error":{"code":401},"detail":[{"msg":"x"}]}"#, None),
        (r#"{"message":42}"#, None),
        // Only the top level's members, and error's own message.
        (r#"{"data":{"message":"deep"}}"#, None),
        (r#"{"error":{"error":"deep","detail":"deep"}}"#, None),
        (r#"[{"message":"in an array"}]"#, None),
        (r#""message""#, None),
        // A key given twice counts with its last value, as in JSON.parse.
        (r#"{"message":"a","message":"b"}"#, Some("b")),
        (r#"{"message":"a","message":null}"#, None),
        (r#"{"error":{"message":"a"},"error":"b"}"#, Some("b")),
        (r#"{"error":"a","error":{"message":"b"}}"#, Some("b")),
        (r#"{"error":{"message":"a"},"error":{}}"#, None),
        // Escapes, keys included.
        (
            r#"{"\u006dessage":"line\nbreak \"quoted\" \u00e9 \ud83d\ude00 \/"}"#,
            Some("line\nbreak \"quoted\" é 😀 /"),
        ),
        (
            r#"{"message":"lone \ud800 surrogate"}"#,
            Some("lone \u{FFFD} surrogate"),
        ),
        (r#"{"message":"\ud800\u0041"}"#, Some("\u{FFFD}A")),
        // Whitespace anywhere JSON allows it.
        (" \t\r\n{ \"message\" : \"m\" } \n", Some("m")),
        // Numbers and literals are read, not kept.
        (
            r#"{"a":-0.5e+10,"b":0,"c":1E3,"d":true,"e":false,"f":null,"message":"m"}"#,
            Some("m"),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(server_message(body).as_deref(), *expected, "{body}");
    }
}

#[test]
fn a_body_json_parse_refuses_has_no_message() {
    for body in [
        "",
        "Incorrect API key",
        r#"{"message":"m"} trailing"#,
        r#"{"message":"m"}{}"#,
        r#"{"message":"m",}"#,
        r#"{"message":"m""#,
        r#"{message:"m"}"#,
        r#"{'message':'m'}"#,
        r#"{"message":"raw	tab"}"#,
        "{\"message\":\"raw\nnewline\"}",
        r#"{"message":"bad \x escape"}"#,
        r#"{"message":"short \u12"}"#,
        r#"{"message":"m","n":01}"#,
        r#"{"message":"m","n":1.}"#,
        r#"{"message":"m","n":.5}"#,
        r#"{"message":"m","n":1e}"#,
        r#"{"message":"m","n":+1}"#,
        r#"{"message":"m","n":-}"#,
        r#"{"message":"m","n":NaN}"#,
        r#"{"message":"m","n":tru}"#,
        r#"{"message":"m","n":[1,]}"#,
        r#"{"message":"m","n":[1 2]}"#,
        "\u{feff}{\"message\":\"m\"}",
    ] {
        assert_eq!(server_message(body), None, "{body:?}");
    }
}

#[test]
fn nesting_is_read_to_a_bound_and_no_deeper() {
    let nested = |depth: usize| {
        format!(
            r#"{{"message":"m","n":{}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    assert_eq!(server_message(&nested(60)).as_deref(), Some("m"));
    // Deeper than the reader goes: no message, and no stack overflow even
    // at the error body's whole 64 KiB.
    assert_eq!(server_message(&nested(100)), None);
    assert_eq!(server_message(&nested(32 * 1024)), None);
}

/// A JSON value, and how it is written.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

fn write_string(out: &mut String, text: &str, escape_all: bool) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || (escape_all && !c.is_ascii_alphanumeric()) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write(out: &mut String, value: &Json, escape_all: bool, space: &str) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::Text(t) => write_string(out, t, escape_all),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(space);
                write(out, item, escape_all, space);
            }
            out.push_str(space);
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(space);
                write_string(out, key, escape_all);
                out.push_str(space);
                out.push(':');
                write(out, item, escape_all, space);
            }
            out.push('}');
        }
    }
}

/// What `JSON.parse` then the class's old lookup gave: the last value of a
/// key, then the first non-empty string of the four places.
fn expected(value: &Json) -> Option<String> {
    let get = |value: &Json, key: &str| match value {
        Json::Object(members) => members
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone()),
        _ => None,
    };
    let text = |value: Option<Json>| match value {
        Some(Json::Text(t)) if !t.is_empty() => Some(t),
        _ => None,
    };
    let error = get(value, "error");
    text(error.as_ref().and_then(|e| get(e, "message")))
        .or_else(|| text(error))
        .or_else(|| text(get(value, "message")))
        .or_else(|| text(get(value, "detail")))
}

fn json() -> impl Strategy<Value = Json> {
    let key = prop_oneof![
        Just("error".to_string()),
        Just("message".to_string()),
        Just("detail".to_string()),
        "[a-z\u{e9}\"\\\\]{0,3}",
    ];
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        "-?(0|[1-9][0-9]{0,3})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?".prop_map(Json::Number),
        "[a-z \n\"\\\\\u{e9}\u{1f600}]{0,6}".prop_map(Json::Text),
    ];
    leaf.prop_recursive(4, 32, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::vec((key.clone(), inner), 0..5).prop_map(Json::Object),
        ]
    })
}

proptest! {
    #[test]
    fn any_json_gives_what_json_parse_and_the_lookup_give(
        value in json(),
        escape_all in any::<bool>(),
        space in prop_oneof![Just(""), Just(" "), Just("\n\t")],
    ) {
        let mut body = String::new();
        write(&mut body, &value, escape_all, space);
        prop_assert_eq!(server_message(&body), expected(&value), "{}", body);
    }

    #[test]
    fn any_text_is_read_without_a_panic(body in "\\PC{0,64}", cut in 0usize..64) {
        let _ = server_message(&body);
        let end = body.char_indices().nth(cut).map_or(body.len(), |(i, _)| i);
        let _ = server_message(&body[..end]);
    }
}
