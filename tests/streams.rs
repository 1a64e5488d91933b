//! The parser's stream-level behaviour: chunk patterns the split vectors do
//! not cover, the end of a stream, and what survives it.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use eventsource_wasm::parser::{Config, Item, ParseError, Parser};

fn drain(parser: &mut Parser) -> Vec<Item> {
    std::iter::from_fn(|| parser.next_item()).collect()
}

#[test]
fn bom_split_across_chunks_with_empty_chunks_between() {
    let chunks: [&[u8]; 7] = [b"", b"\xEF", b"", b"", b"\xBB", b"\xBF", b"data: x\n\n"];
    assert_eq!(run_chunks(Config::default(), chunks).0, vec![msg("x")]);
}

#[test]
fn empty_chunk_between_cr_and_lf_keeps_them_one_line_end() {
    let chunks: [&[u8]; 5] = [b"data: a\r", b"", b"\n", b"data: b\r", b"\n\r\n"];
    assert_eq!(run_chunks(Config::default(), chunks).0, vec![msg("a\nb")]);
}

#[test]
fn each_stream_may_open_with_a_bom_and_last_event_id_carries_over() {
    let mut parser = Parser::new();
    parser
        .feed(b"\xEF\xBB\xBFid: 1\ndata: a\n\nid: 2\ndata: unfinished")
        .unwrap();
    parser.finish();
    assert_eq!(parser.last_event_id(), "1");
    parser.feed(b"\xEF\xBB").unwrap();
    parser.feed(b"\xBFdata: b\n\n").unwrap();
    let items = drain(&mut parser);
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1],
        Item::Event(eventsource_wasm::parser::Event {
            event_type: "message".into(),
            data: "b".into(),
            last_event_id: "1".into(),
        })
    );
}

#[test]
fn finish_discards_a_cr_waiting_for_its_lf() {
    let mut parser = Parser::new();
    parser.feed(b"data: a\r").unwrap();
    parser.finish();
    // The new stream's leading LF is a line end of its own, not the tail of
    // the old CRLF: it is a blank line, which dispatches nothing.
    parser.feed(b"\ndata: b\n\n").unwrap();
    let items = drain(&mut parser);
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Item::Event(e) if e.data == "b"));
}

#[test]
fn a_limit_error_stops_the_stream_until_finish() {
    let mut parser = Parser::with_config(Config::default().max_line_len(8));
    parser
        .feed(b"data: a\n\ndata: too long\n\ndata: b\n\n")
        .unwrap_err();
    assert_eq!(parser.error(), Some(ParseError::LineTooLong { limit: 8 }));
    assert_eq!(
        parser.feed(b"data: c\n\n"),
        Err(ParseError::LineTooLong { limit: 8 })
    );
    assert_eq!(
        drain(&mut parser).len(),
        1,
        "the event before the error is kept"
    );
    assert_eq!(parser.buffered(), 0, "nothing of the long line is kept");
    parser.finish();
    parser.feed(b"data: d\n\n").unwrap();
    assert!(matches!(&drain(&mut parser)[..], [Item::Event(e)] if e.data == "d"));
}

#[test]
fn buffers_never_exceed_their_limits() {
    let config = Config::default().max_line_len(64).max_event_len(256);
    let mut parser = Parser::with_config(config);
    let mut fed = 0;
    // A line that never ends, fed in small pieces.
    // The bound holds with every buffer as full as it may be: an event type
    // of a full line, data at its limit, and an unfinished line.
    let full_type = format!("event: {}\n", "t".repeat(64 - 7));
    parser.feed(full_type.as_bytes()).unwrap();
    for _ in 0..15 {
        parser.feed(b"data: 0123456789abcd\n").unwrap();
    }
    while parser.feed(b"data: xxxxxxx").is_ok() {
        fed += 1;
        assert!(parser.buffered() <= 2 * 64 + 256, "{}", parser.buffered());
    }
    assert!(fed > 0 && fed < 10);
    assert_eq!(parser.error(), Some(ParseError::LineTooLong { limit: 64 }));
    assert_eq!(parser.buffered(), 0);
}

#[test]
fn set_last_event_id_seeds_events_and_reset_clears_it() {
    let mut parser = Parser::new();
    parser.set_last_event_id("42");
    parser.feed(b"data: a\n\n").unwrap();
    assert!(matches!(&drain(&mut parser)[..], [Item::Event(e)] if e.last_event_id == "42"));
    parser.reset();
    assert_eq!(parser.last_event_id(), "");
}

#[test]
fn feed_ref_hands_items_out_without_queueing() {
    let mut parser = Parser::new();
    let mut seen = Vec::new();
    parser
        .feed_ref(b"data: a\n\nretry: 5\n", |item| seen.push(item.to_owned()))
        .unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(parser.next_item(), None);
}

#[test]
fn long_line_fed_one_byte_at_a_time_is_linear() {
    // 64 MiB in one line, one byte per feed: a quadratic parser (re-scanning
    // or re-joining the pending line per chunk) would need ~2^51 steps and
    // never finish; this finishes in about a second (optimised tests).
    let len = 64 << 20;
    let mut parser = Parser::with_config(
        Config::default()
            .max_line_len(len + 16)
            .max_event_len(len + 16),
    );
    parser.feed(b"data: ").unwrap();
    for _ in 0..len {
        parser.feed(b"y").unwrap();
    }
    parser.feed(b"\n\n").unwrap();
    match parser.next_item() {
        Some(Item::Event(e)) => assert_eq!(e.data.len(), len),
        other => panic!("expected the long event, got {other:?}"),
    }
}

/// `feed_ref` lends valid text straight from the parser's buffers and
/// decodes invalid bytes as `feed` does.
#[test]
fn feed_ref_borrows_valid_text_and_decodes_the_rest() {
    use eventsource_wasm::parser::{Event, ItemRef};
    use std::borrow::Cow;
    let input = b"id: 1\ndata: ok\n\nevent: x\ndata: \xff\n\n: hi\nretry: 5\n";
    let (mut borrowed, mut owned) = (Vec::new(), Vec::new());
    Parser::new()
        .feed_ref(input, |item| {
            if let ItemRef::Event(e) = &item {
                borrowed.push(matches!(e.data, Cow::Borrowed(_)));
            }
            owned.push(item.to_owned());
        })
        .unwrap();
    assert_eq!(borrowed, [true, false]);
    let event = |t: &str, d: &str| {
        Item::Event(Event {
            event_type: t.into(),
            data: d.into(),
            last_event_id: "1".into(),
        })
    };
    assert_eq!(
        owned,
        [
            event("message", "ok"),
            event("x", "\u{fffd}"),
            Item::Comment("hi".into()),
            Item::Retry(5),
        ]
    );
}
