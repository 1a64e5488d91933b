//! The parser inside WebAssembly, in a real headless browser
//! (`wasm-pack test --headless --chrome`, run by `npm test`): the same
//! split-at-every-byte checks as the native vectors, on the inputs where
//! wasm32 could differ (UTF-8 handling, the line-end search, usize
//! limits, saturating arithmetic).
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use eventsource_wasm::parser::{Config, ParseError, Parser};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn fields_line_ends_and_bom_split_everywhere() {
    check_all_splits(
        Config::default(),
        b"\xEF\xBB\xBF: hi\r\nid: 1\revent: tick\ndata: a\r\ndata:\n\r\nretry: 18446744073709551616\n\n",
        &[comment("hi"), ev("tick", "a\n", "1"), retry(u64::MAX)],
        Some("1"),
    );
}

#[wasm_bindgen_test]
fn utf8_split_and_invalid_everywhere() {
    check_all_splits(
        Config::default(),
        "data: \u{1f680} \u{65e5}\u{672c}\n\n".as_bytes(),
        &[msg("\u{1f680} \u{65e5}\u{672c}")],
        None,
    );
    check_all_splits(
        Config::default(),
        b"data: \xE2\x82|\xFF\nid: a\x00\n\n",
        &[msg("\u{FFFD}|\u{FFFD}")],
        Some(""),
    );
}

/// In WebAssembly without `simd128`, line ends are searched for eight bytes
/// at a time along the whole line: every length and alignment, each line
/// end, split everywhere.
#[wasm_bindgen_test]
fn line_ends_found_in_lines_of_every_length() {
    let mut input = Vec::new();
    let mut lines = Vec::new();
    for len in (0..=140).chain([4095, 4096, 4097]) {
        let line = "z".repeat(len);
        input.extend_from_slice(b"data:");
        input.extend_from_slice(line.as_bytes());
        input.extend_from_slice([&b"\n"[..], b"\r", b"\r\n"][len % 3]);
        lines.push(line);
    }
    input.push(b'\n');
    check_all_splits(Config::default(), &input, &[msg(&lines.join("\n"))], None);
}

#[wasm_bindgen_test]
fn long_lines_use_memchr_and_limits_hold() {
    let long = format!("data: {}\n\n", "z".repeat(100_000));
    let mut parser = Parser::new();
    for chunk in long.as_bytes().chunks(4093) {
        parser.feed(chunk).unwrap();
    }
    assert!(
        matches!(parser.next_item(), Some(eventsource_wasm::parser::Item::Event(e)) if e.data.len() == 100_000)
    );

    let mut parser = Parser::with_config(Config::default().max_line_len(1000));
    assert_eq!(
        parser.feed(long.as_bytes()),
        Err(ParseError::LineTooLong { limit: 1000 })
    );
}
