//! Fuzz the parser: arbitrary bytes, arbitrary chunking, tight limits.
//!
//! Input layout: byte 0 picks the chunking, bytes 1-2 the limits, the rest
//! is the stream. Checked on every input:
//! - no panic;
//! - the buffers never hold more than `Parser::buffered` promises;
//! - the chunked run says exactly what a one-piece run says (items, error
//!   and last event ID): chunking must never change the outcome.

#![no_main]

use eventsource_wasm::parser::{Config, Item, ParseError, Parser};
use libfuzzer_sys::fuzz_target;

fn run<'a>(
    config: Config,
    chunks: impl Iterator<Item = &'a [u8]>,
) -> (Vec<Item>, Option<ParseError>, String) {
    let mut parser = Parser::with_config(config);
    let mut items = Vec::new();
    let mut error = None;
    for chunk in chunks {
        let result = parser.feed(chunk);
        assert!(parser.buffered() <= 2 * config.max_line_len + config.max_event_len);
        items.extend(std::iter::from_fn(|| parser.next_item()));
        if let Err(e) = result {
            error = Some(e);
            break;
        }
    }
    parser.finish();
    (items, error, parser.last_event_id().to_owned())
}

fuzz_target!(|data: &[u8]| {
    let [mode, line, event, stream @ ..] = data else {
        return;
    };
    let config = Config::default()
        .max_line_len(usize::from(*line) * 4)
        .max_event_len(usize::from(*event) * 16);
    let whole = run(config, std::iter::once(stream));
    // Chunk sizes cycle through 1..=k, with an empty chunk now and then.
    let k = usize::from(mode % 16) + 1;
    let mut rest = stream;
    let mut i = 0usize;
    let chunked = run(
        config,
        std::iter::from_fn(|| {
            if rest.is_empty() {
                return None;
            }
            i += 1;
            let n = if mode & 0x80 != 0 && i.is_multiple_of(5) {
                0
            } else {
                (i % k) + 1
            };
            let (chunk, tail) = rest.split_at(n.min(rest.len()));
            rest = tail;
            Some(chunk)
        }),
    );
    assert_eq!(whole, chunked);
});
