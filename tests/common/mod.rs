//! Shared helpers for the native test suites.
#![allow(dead_code)]

pub mod oracle;

use eventsource_wasm::parser::{Config, Event, Item, ParseError, Parser};

/// What a parser said: its items in order, then possibly an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Out {
    Item(Item),
    Error(ParseError),
}

pub fn ev(event_type: &str, data: &str, id: &str) -> Out {
    Out::Item(Item::Event(Event {
        event_type: event_type.into(),
        data: data.into(),
        last_event_id: id.into(),
    }))
}

pub fn msg(data: &str) -> Out {
    ev("message", data, "")
}

pub fn retry(ms: u64) -> Out {
    Out::Item(Item::Retry(ms))
}

pub fn comment(text: &str) -> Out {
    Out::Item(Item::Comment(text.into()))
}

pub fn err(e: ParseError) -> Out {
    Out::Error(e)
}

/// Feeds `chunks` in order, drains after every feed, finishes the stream.
/// Returns everything said and the last event ID at the end.
pub fn run_chunks<'a>(
    config: Config,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Out>, String) {
    let mut parser = Parser::with_config(config);
    let mut out = Vec::new();
    for chunk in chunks {
        let result = parser.feed(chunk);
        while let Some(item) = parser.next_item() {
            out.push(Out::Item(item));
        }
        if let Err(e) = result {
            out.push(Out::Error(e));
            break;
        }
    }
    parser.finish();
    assert!(parser.next_item().is_none());
    (out, parser.last_event_id().to_owned())
}

/// Runs `input` whole, split in two at every byte offset, and one byte at a
/// time, and asserts that all give `expected` (and `last_id`, if given).
pub fn check_all_splits(config: Config, input: &[u8], expected: &[Out], last_id: Option<&str>) {
    let check = |how: &str, (out, id): (Vec<Out>, String)| {
        assert_eq!(out, expected, "fed {how}");
        if let Some(last_id) = last_id {
            assert_eq!(id, last_id, "last event ID, fed {how}");
        }
    };
    check("whole", run_chunks(config, [input]));
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        check(&format!("split at {at}"), run_chunks(config, [a, b]));
    }
    check("byte by byte", run_chunks(config, input.chunks(1)));
    // Byte by byte with an empty chunk after each byte: empty chunks must
    // not end a CRLF pair or the BOM window.
    let with_empties = input.chunks(1).flat_map(|b| [b, &[][..]]);
    check(
        "byte by byte with empty chunks",
        run_chunks(config, with_empties),
    );
}
