//! Property tests: the streaming parser, under random chunkings, agrees with
//! the naive reference parser in `common/oracle.rs` on random streams built
//! from the pieces that matter (field names, colons, spaces, every line
//! terminator, BOMs, NUL, digits, multi-byte and invalid UTF-8).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{oracle, run_chunks, Out};
use eventsource_wasm::parser::Config;
use proptest::prelude::*;

const PIECES: &[&[u8]] = &[
    b"data",
    b"data",
    b"data",
    b"event",
    b"id",
    b"retry",
    b"dat",
    b"Data",
    b":",
    b":",
    b": ",
    b" ",
    b"  ",
    b"\n",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b"\r\n\r\n",
    b"x",
    b"hello",
    b"message",
    b"tick",
    b"0",
    b"42",
    b"007",
    b"+1",
    b"1.5",
    b"99999999999999999999999",
    "\u{e9}".as_bytes(),
    "\u{20ac}".as_bytes(),
    "\u{1f600}".as_bytes(),
    b"\xEF\xBB\xBF",
    b"\xEF\xBB",
    b"\xEF",
    b"\xFF",
    b"\xE2\x82",
    b"\xF0\x9F",
    b"\xC0\xAF",
    b"\0",
];

/// A stream: pieces glued together, or (sometimes) raw random bytes from a
/// small alphabet.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(prop::sample::select(PIECES), 0..80)
            .prop_map(|pieces| pieces.concat()),
        1 => prop::collection::vec(
            prop::sample::select(b"da:\r\n ie\xEF\xBB\xBF\x80\x00tvnry1".to_vec()),
            0..200,
        ),
    ]
}

/// A stream and a random chunking of it (the cut offsets, sorted).
fn chunked_stream() -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    stream().prop_flat_map(|bytes| {
        let len = bytes.len();
        (Just(bytes), prop::collection::vec(0..=len, 0..24))
    })
}

fn chunks<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts = cuts.to_vec();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts {
        out.push(&bytes[start..cut]);
        start = cut;
    }
    out.push(&bytes[start..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn streaming_parser_equals_the_naive_parser((bytes, cuts) in chunked_stream()) {
        let expected = oracle::parse(&bytes);
        let got = run_chunks(Config::default(), chunks(&bytes, &cuts));
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn one_byte_at_a_time_equals_the_naive_parser(bytes in stream()) {
        let expected = oracle::parse(&bytes);
        let got = run_chunks(Config::default(), bytes.chunks(1));
        prop_assert_eq!(got, expected);
    }

    /// With tight limits, chunking still changes nothing (the error
    /// included), and whatever came before an error is exactly what the
    /// naive parser says up to that point.
    #[test]
    fn limits_do_not_depend_on_chunking(
        (bytes, cuts) in chunked_stream(),
        max_line in 0usize..24,
        max_event in 0usize..48,
    ) {
        let config = Config::default().max_line_len(max_line).max_event_len(max_event);
        let (whole, _) = run_chunks(config, [&bytes[..]]);
        let (split, _) = run_chunks(config, chunks(&bytes, &cuts));
        prop_assert_eq!(&split, &whole);

        let (expected, _) = oracle::parse(&bytes);
        match whole.last() {
            Some(Out::Error(_)) => {
                let before = &whole[..whole.len() - 1];
                prop_assert_eq!(before, &expected[..before.len()]);
            }
            _ => prop_assert_eq!(&whole, &expected),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Any bytes (no line break) as an event's data and as a comment decode
    /// as `String::from_utf8_lossy` decodes them: each maximal subpart of an
    /// invalid sequence becomes one U+FFFD, as the WHATWG decoder says.
    #[test]
    fn invalid_utf8_decodes_as_the_lossy_decoder_does(
        text in prop::collection::vec(
            prop_oneof![any::<u8>(), prop::sample::select(b"\x80\xBF\xC2\xDF\xE0\xED\xEF\xF0\xF4\xF5\x9F\xA0".to_vec())],
            0..40,
        // A first `x`: a leading space would be stripped.
        ).prop_map(|b| [b'x'].into_iter().chain(b).filter(|b| !matches!(b, b'\n' | b'\r')).collect::<Vec<u8>>())
    ) {
        let mut parser = eventsource_wasm::parser::Parser::new();
        let mut stream = b":".to_vec();
        stream.extend_from_slice(&text);
        stream.extend_from_slice(b"\ndata:");
        stream.extend_from_slice(&text);
        stream.extend_from_slice(b"\n\n");
        parser.feed(&stream).unwrap();
        let expected = String::from_utf8_lossy(&text);
        let mut seen = Vec::new();
        while let Some(item) = parser.next_item() {
            seen.push(item);
        }
        prop_assert_eq!(seen.len(), 2);
        prop_assert_eq!(format!("{:?}", seen[0]), format!("{:?}", eventsource_wasm::parser::Item::Comment(expected.to_string())));
        let eventsource_wasm::parser::Item::Event(event) = &seen[1] else { panic!("{seen:?}") };
        prop_assert_eq!(&event.data, &expected);
    }
}
