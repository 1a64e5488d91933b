//! Table-driven vectors, one per rule of the WHATWG "Server-sent events"
//! parsing and dispatch steps. Every vector runs whole, split in two at every
//! byte offset, one byte at a time, and one byte at a time with empty chunks
//! between (see `common::check_all_splits`).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use eventsource_wasm::parser::{Config, ParseError};

/// `parses_to!(name, input, [outputs])` or with `, last_id = "…"`.
macro_rules! parses_to {
    ($name:ident, $input:expr, [$($out:expr),* $(,)?] $(, last_id = $id:expr)?) => {
        parses_to!($name, Config::default(), $input, [$($out),*] $(, last_id = $id)?);
    };
    ($name:ident, $config:expr, $input:expr, [$($out:expr),* $(,)?] $(, last_id = $id:expr)?) => {
        #[test]
        fn $name() {
            let input: &[u8] = $input.as_ref();
            let expected = vec![$($out),*];
            #[allow(unused_mut, unused_assignments)]
            let mut last_id: Option<&str> = None;
            $(last_id = Some($id);)?
            check_all_splits($config, input, &expected, last_id);
        }
    };
}

// --- The WHATWG examples -------------------------------------------------

parses_to!(
    spec_example_multiline_stock,
    "data: YHOO\ndata: +2\ndata: 10\n\n",
    [msg("YHOO\n+2\n10")]
);
parses_to!(
    spec_example_ids_and_unfinished_last_event,
    ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n",
    [
        comment("test stream"),
        ev("message", "first event", "1"),
        msg("second event")
    ],
    last_id = ""
);
parses_to!(
    spec_example_empty_data_events,
    "data\n\ndata\ndata\n\ndata:",
    [msg(""), msg("\n")]
);
parses_to!(
    spec_example_space_after_colon_is_optional,
    "data:test\n\ndata: test\n\n",
    [msg("test"), msg("test")]
);

// --- UTF-8 ---------------------------------------------------------------

parses_to!(
    utf8_multibyte_characters_across_every_split,
    "data: h\u{e9}llo \u{20ac} \u{1d11e} \u{65e5}\u{672c}\n\n",
    [msg("h\u{e9}llo \u{20ac} \u{1d11e} \u{65e5}\u{672c}")]
);
parses_to!(
    utf8_invalid_byte_becomes_replacement_character,
    b"data: a\xFFb\n\n",
    [msg("a\u{FFFD}b")]
);
parses_to!(
    utf8_truncated_sequence_is_one_replacement_character,
    b"data: \xE2\x82\ndata: \xF0\x9F\x98\n\n",
    [msg("\u{FFFD}\n\u{FFFD}")]
);
parses_to!(
    utf8_surrogate_and_overlong_bytes_each_replaced,
    b"data: \xED\xA0\x80|\xC0\xAF\n\n",
    [msg("\u{FFFD}\u{FFFD}\u{FFFD}|\u{FFFD}\u{FFFD}")]
);
parses_to!(
    utf8_invalid_bytes_do_not_stall_the_stream,
    b"data: \xF0\n\ndata: next\n\n",
    [msg("\u{FFFD}"), msg("next")]
);
parses_to!(
    utf8_invalid_bytes_in_type_id_and_comment,
    b":\xFE\nevent: \xC3\nid: \x80\ndata: x\n\n",
    [comment("\u{FFFD}"), ev("\u{FFFD}", "x", "\u{FFFD}")]
);
parses_to!(nul_in_data_is_kept, b"data: a\x00b\n\n", [msg("a\0b")]);

// --- BOM -----------------------------------------------------------------

parses_to!(
    bom_at_stream_start_is_stripped,
    b"\xEF\xBB\xBFdata: x\n\n",
    [msg("x")]
);
parses_to!(
    bom_stripped_before_a_blank_line,
    b"\xEF\xBB\xBF\ndata: x\n\n",
    [msg("x")]
);
parses_to!(
    second_bom_is_text_and_makes_an_unknown_field,
    b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n",
    [msg("y")]
);
parses_to!(
    bom_later_in_the_stream_is_data,
    b"data: x\n\n\xEF\xBB\xBFdata: y\n\ndata: \xEF\xBB\xBFz\n\n",
    [msg("x"), msg("\u{FEFF}z")]
);
parses_to!(
    partial_bom_is_invalid_text,
    b"\xEF\xBBdata: x\n\ndata: y\n\n",
    [msg("y")]
);
parses_to!(
    partial_bom_then_newline,
    b"\xEF\xBB\ndata: y\n\n",
    [msg("y")]
);
parses_to!(
    partial_bom_as_comment_text,
    b"\xEF\xBB\xBF:\xEF\xBB\n",
    [comment("\u{FFFD}")]
);

// --- Line endings ----------------------------------------------------------

parses_to!(lf_line_ends, "data: a\n\ndata: b\n\n", [msg("a"), msg("b")]);
parses_to!(
    crlf_line_ends,
    "data: a\r\n\r\ndata: b\r\n\r\n",
    [msg("a"), msg("b")]
);
parses_to!(cr_line_ends, "data: a\r\rdata: b\r\r", [msg("a"), msg("b")]);
parses_to!(
    mixed_line_ends,
    "data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\n\n",
    [msg("a\nb\nc"), msg("d")]
);
parses_to!(
    lf_then_cr_is_two_line_ends,
    "data: a\n\rdata: b\n\n",
    [msg("a"), msg("b")]
);
parses_to!(
    crlf_split_across_chunks_is_one_line_end,
    "data: a\r\ndata: b\r\n\r\n",
    [msg("a\nb")]
);
parses_to!(
    cr_cr_lf_is_two_line_ends,
    "data: a\r\r\ndata: b\r\n\r\n",
    [msg("a"), msg("b")]
);
parses_to!(blank_lines_alone_dispatch_nothing, "\n\r\n\r\n\n", []);

// --- Comments ----------------------------------------------------------------

parses_to!(
    comment_is_reported_and_not_dispatched,
    ": ping\n\n:no space\n:  two spaces\n:\n",
    [
        comment("ping"),
        comment("no space"),
        comment(" two spaces"),
        comment("")
    ]
);
parses_to!(
    comment_inside_an_event,
    "data: a\n: keep-alive\ndata: b\n\n",
    [comment("keep-alive"), msg("a\nb")]
);

// --- Fields ------------------------------------------------------------------

parses_to!(
    field_without_colon_has_empty_value,
    "data\n\nevent\ndata: x\n\n",
    [msg(""), msg("x")]
);
parses_to!(
    bare_field_names_set_empty_values,
    "event: a\nid: 1\nevent\nid\ndata: x\n\nretry\ndata\n\n",
    [ev("message", "x", ""), msg("")],
    last_id = ""
);
parses_to!(
    longer_names_are_unknown_fields,
    "events: a\nevent_: b\ndatas: c\ndata_\nidentity: d\nretry0: 5\ndata: x\n\n",
    [msg("x")]
);
parses_to!(
    exactly_one_leading_space_is_removed,
    "data:  two\ndata:   three\ndata:none\n\n",
    [msg(" two\n  three\nnone")]
);
parses_to!(
    only_the_first_colon_splits,
    "data: a: b:c\n\n",
    [msg("a: b:c")]
);
parses_to!(
    unknown_fields_are_ignored,
    "foo: bar\nDATA: no\ndata : no\n data: no\ndata: yes\n\n",
    [msg("yes")]
);
parses_to!(trailing_space_is_kept, "data: x \n\n", [msg("x ")]);

// --- event -------------------------------------------------------------------

parses_to!(
    event_field_sets_the_type,
    "event: tick\ndata: 1\n\n",
    [ev("tick", "1", "")]
);
parses_to!(
    event_type_does_not_carry_to_the_next_event,
    "event: tick\ndata: 1\n\ndata: 2\n\n",
    [ev("tick", "1", ""), msg("2")]
);
parses_to!(
    empty_event_type_is_message,
    "event:\ndata: x\n\nevent\ndata: y\n\n",
    [msg("x"), msg("y")]
);
parses_to!(
    last_event_field_wins,
    "event: a\nevent: b\ndata: x\n\n",
    [ev("b", "x", "")]
);

// --- data --------------------------------------------------------------------

parses_to!(
    data_lines_are_joined_with_lf,
    "data: a\ndata: b\ndata: c\n\n",
    [msg("a\nb\nc")]
);
parses_to!(
    leading_empty_data_line_is_kept,
    "data:\ndata: x\n\ndata\ndata: y\n\n",
    [msg("\nx"), msg("\ny")]
);
parses_to!(
    only_one_trailing_lf_is_removed,
    "data: x\ndata:\n\ndata:\ndata:\n\n",
    [msg("x\n"), msg("\n")]
);

// --- id ----------------------------------------------------------------------

parses_to!(
    id_sets_the_last_event_id,
    "id: 1\ndata: a\n\n",
    [ev("message", "a", "1")],
    last_id = "1"
);
parses_to!(
    last_event_id_persists_across_events,
    "id: 1\ndata: a\n\ndata: b\n\n",
    [ev("message", "a", "1"), ev("message", "b", "1")],
    last_id = "1"
);
parses_to!(
    id_only_block_updates_the_last_event_id,
    "id: 1\ndata: a\n\nid: 2\n\ndata: b\n\n",
    [ev("message", "a", "1"), ev("message", "b", "2")],
    last_id = "2"
);
parses_to!(
    id_with_nul_is_ignored,
    b"id: 1\n\nid: a\x00b\ndata: x\n\n",
    [ev("message", "x", "1")],
    last_id = "1"
);
parses_to!(
    empty_id_resets_the_last_event_id,
    "id: 1\ndata: a\n\nid:\ndata: b\n\nid: 3\n\nid\ndata: c\n\n",
    [ev("message", "a", "1"), msg("b"), msg("c")],
    last_id = ""
);
parses_to!(
    id_after_data_in_the_same_block_applies,
    "data: a\nid: 9\n\n",
    [ev("message", "a", "9")]
);
parses_to!(
    id_keeps_spaces_and_colons,
    "id:  a:b \ndata: x\n\n",
    [ev("message", "x", " a:b ")]
);
parses_to!(
    id_of_an_unfinished_block_is_discarded,
    "id: 1\n\nid: 2\ndata: x",
    [],
    last_id = "1"
);

// --- retry -------------------------------------------------------------------

parses_to!(
    retry_sets_the_reconnection_time,
    "retry: 2500\ndata: x\n\n",
    [retry(2500), msg("x")]
);
parses_to!(
    retry_takes_effect_without_dispatch,
    "retry: 10\n",
    [retry(10)]
);
parses_to!(
    retry_with_leading_zeros_is_decimal,
    "retry: 03000\n\n",
    [retry(3000)]
);
parses_to!(retry_zero_is_valid, "retry: 0\n\n", [retry(0)]);
parses_to!(
    retry_rejects_signs_spaces_decimals_and_letters,
    "retry: +5\nretry: -5\nretry:  5\nretry: 5 \nretry: 5.0\nretry: 1e3\nretry: 1000x\nretry: \u{661}\n",
    []
);
parses_to!(retry_rejects_empty_values, "retry:\nretry\nretry: \n", []);
parses_to!(
    retry_too_large_saturates_instead_of_wrapping,
    "retry: 18446744073709551615\nretry: 18446744073709551616\nretry: 99999999999999999999999999999999\n",
    [retry(u64::MAX), retry(u64::MAX), retry(u64::MAX)]
);

// --- dispatch ------------------------------------------------------------------

parses_to!(
    empty_data_means_no_event_and_resets_the_type,
    "event: a\n\ndata: x\n\n",
    [msg("x")]
);
parses_to!(
    unfinished_event_at_end_of_stream_is_discarded,
    "data: a\n\ndata: b\n",
    [msg("a")]
);
parses_to!(
    unfinished_line_at_end_of_stream_is_discarded,
    "data: a\n\ndata: b",
    [msg("a")]
);

// --- limits ----------------------------------------------------------------------

parses_to!(
    line_over_the_limit_errors_after_earlier_events,
    Config::default().max_line_len(10),
    "data: 1234\n\ndata: 12345\n\ndata: never\n\n",
    [msg("1234"), err(ParseError::LineTooLong { limit: 10 })]
);
parses_to!(
    unfinished_line_over_the_limit_errors,
    Config::default().max_line_len(10),
    "data: 1\n\ndata: 123456",
    [msg("1"), err(ParseError::LineTooLong { limit: 10 })]
);
parses_to!(
    every_kind_of_line_counts_towards_the_line_limit,
    Config::default().max_line_len(4),
    "data\n\n: abcd\n",
    [msg(""), err(ParseError::LineTooLong { limit: 4 })]
);
parses_to!(
    line_exactly_at_the_limit_is_accepted,
    Config::default().max_line_len(7),
    "data: x\r\n\r\n",
    [msg("x")]
);
parses_to!(
    event_data_over_the_limit_errors,
    Config::default().max_event_len(6),
    "data: ab\ndata: cd\n\ndata: ab\ndata: cd\ndata: e\n\ndata: never\n\n",
    [msg("ab\ncd"), err(ParseError::EventTooLarge { limit: 6 })]
);
