//! Stream stats and diagnostics (`connection::Stats`, `Diagnostic`),
//! natively, with a fake clock: what each figure counts, each diagnostic
//! where it fires, and a healthy stream where none does.

#![cfg(all(not(target_arch = "wasm32"), feature = "stats"))]

use eventsource_wasm::connection::{Connection, Diagnostic, Io, Notice, Options};
use eventsource_wasm::Error;

const SSE: Option<&str> = Some("text/event-stream");

fn notices(conn: &mut Connection) -> Vec<Notice> {
    std::iter::from_fn(|| conn.poll_notice()).collect()
}

fn diagnostics(conn: &mut Connection) -> Vec<Diagnostic> {
    notices(conn)
        .into_iter()
        .filter_map(|n| match n {
            Notice::Diagnostic(d) => Some(d),
            _ => None,
        })
        .collect()
}

/// A connection asked to diagnose, whose request went out at `now`.
fn diagnosing(now: u64) -> Connection {
    let mut conn = Connection::new(Options::default().diagnose(true), 1, now);
    assert!(matches!(conn.poll_io(), Some(Io::Fetch { .. })));
    conn
}

/// Opens (the response's head at `now`), draining what it says.
fn respond(conn: &mut Connection, now: u64) {
    conn.on_response(now, 200, SSE, None);
    notices(conn);
}

/// Waits out the reconnect delay and opens again at the end of it; returns when.
fn reopen(conn: &mut Connection) -> u64 {
    // (An abort of the broken request first, if it was ours.)
    while conn.poll_io().is_some() {}
    let at = conn.timeout().expect("a reconnect is scheduled");
    conn.on_timer(at);
    assert!(matches!(conn.poll_io(), Some(Io::Fetch { .. })));
    respond(conn, at);
    at
}

#[test]
fn the_stats_count_times_events_bytes_comments_gaps_and_reconnects() {
    let mut conn = diagnosing(1000);
    respond(&mut conn, 1040);
    conn.on_chunk(1100, b": hi\n");
    conn.on_chunk(1250, b"retry: 500\nid: 1\ndata: a\n\n");
    for (i, t) in [1350, 1450, 1550, 2550].into_iter().enumerate() {
        conn.on_chunk(t, format!("id: {}\ndata: x\n\n", i + 2).as_bytes());
    }
    let s = conn.stats().clone();
    assert_eq!(s.time_to_head_ms, Some(40));
    assert_eq!(s.time_to_first_byte_ms, Some(100));
    assert_eq!(s.time_to_first_event_ms, Some(250));
    assert_eq!(s.reconnect_to_first_event_ms, None);
    assert_eq!((s.events, s.comments), (5, 1));
    assert_eq!(s.bytes, 5 + 26 + 4 * 15);
    // Gaps of 100, 100, 100 and 1000 ms.
    assert_eq!(s.max_gap_ms, 1000);
    let p50 = s.gap_percentile_ms(50).unwrap();
    assert!((88..=112).contains(&p50), "median {p50}");
    let p99 = s.gap_percentile_ms(99).unwrap();
    assert!((880..=1000).contains(&p99), "p99 {p99}");
    assert_eq!(s.silence_ms(2600), 50);
    assert_eq!(conn.server_retry_ms(), Some(500));
    // A cut, then the first event of the reconnect.
    conn.on_fetch_error(
        2700,
        Error::Network {
            message: "x".into(),
        },
    );
    let at = reopen(&mut conn);
    conn.on_chunk(at + 30, b"id: 6\ndata: y\n\n");
    let s = conn.stats();
    assert_eq!(s.reconnect_to_first_event_ms, Some(30));
    assert_eq!(s.reconnects().collect::<Vec<_>>(), [("network", 1)]);
    assert_eq!(s.reconnect_count(), 1);
    assert!(
        diagnostics(&mut conn).is_empty(),
        "ids and retry: nothing to say"
    );
}

#[test]
fn the_gaps_take_fixed_memory_whatever_their_number() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    let before = std::mem::size_of_val(conn.stats());
    for i in 0..100_000u64 {
        conn.on_chunk(i * 7, b"data: x\n\n");
    }
    assert_eq!(std::mem::size_of_val(conn.stats()), before);
    assert_eq!(conn.stats().events, 100_000);
    let p50 = conn.stats().gap_percentile_ms(50).unwrap();
    assert!((6..=8).contains(&p50), "median {p50}");
}

#[test]
fn a_healthy_stream_tells_nothing() {
    // Ids, retry, heartbeats every 300 ms, an event every 100 ms, for a
    // minute, then a server restart: a reconnect that resumes.
    let mut conn = diagnosing(0);
    respond(&mut conn, 5);
    conn.on_chunk(10, b"retry: 1000\n\n");
    let mut t = 10;
    for i in 1..600 {
        t += 100;
        conn.on_chunk(t, format!("id: {i}\ndata: {i}\n\n").as_bytes());
        if i % 3 == 0 {
            conn.on_chunk(t + 1, b": ping\n");
        }
    }
    conn.on_eof(t + 50);
    reopen(&mut conn);
    assert!(diagnostics(&mut conn).is_empty());
}

#[test]
fn bursts_after_silences_are_a_buffering_intermediary() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_chunk(10, b"retry: 1000\nid: 0\ndata: x\n\n");
    let burst: Vec<u8> = (1..=40)
        .flat_map(|i| format!("id: {i}\ndata: x\n\n").into_bytes())
        .collect();
    // The first burst after 2 s could be a server's own batch.
    conn.on_chunk(2010, &burst);
    assert!(diagnostics(&mut conn).is_empty());
    conn.on_chunk(4010, &burst);
    assert_eq!(diagnostics(&mut conn), vec![Diagnostic::Buffered]);
    // Once per source.
    conn.on_chunk(6010, &burst);
    assert!(diagnostics(&mut conn).is_empty());
}

#[test]
fn a_burst_handed_over_in_several_reads_is_a_burst() {
    // WebKit reads a 4 KB burst in pieces, a millisecond or two apart.
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_chunk(10, b"retry: 1000\nid: 0\ndata: x\n\n");
    for start in [2000, 4000] {
        for (i, at) in (start..start + 4).enumerate() {
            conn.on_chunk(at, format!("id: {i}\ndata: x\n\n").as_bytes());
        }
    }
    assert_eq!(diagnostics(&mut conn), vec![Diagnostic::Buffered]);
}

#[test]
fn events_that_resume_apart_after_a_pause_are_no_burst() {
    // A server that pauses (a model thinking), then sends a token every 20 ms.
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_chunk(10, b"retry: 1000\nid: 0\ndata: x\n\n");
    for start in [2000, 4000, 6000] {
        for i in 0..20 {
            conn.on_chunk(start + i * 20, format!("id: {i}\ndata: x\n\n").as_bytes());
        }
    }
    assert!(diagnostics(&mut conn).is_empty());
}

#[test]
fn two_heartbeats_in_one_read_after_a_silence_are_a_burst_too() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_chunk(1500, b": ping\n: ping\n");
    conn.on_chunk(3000, b": ping\n: ping\n");
    assert_eq!(diagnostics(&mut conn), vec![Diagnostic::Buffered]);
}

#[test]
fn a_compressed_stream_is_told_and_identity_is_not() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_content_encoding("identity");
    assert!(diagnostics(&mut conn).is_empty());
    conn.on_content_encoding("gzip");
    assert_eq!(diagnostics(&mut conn), vec![Diagnostic::Compressed]);
    let d = Diagnostic::Compressed;
    assert_eq!(d.code(), "compressed");
    assert!(d.fix().contains("text/event-stream"));
}

#[test]
fn two_cuts_after_the_same_silence_are_an_idle_cut() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_chunk(10, b"retry: 100\nid: 1\ndata: x\n\n");
    // Cut after 3 s of silence, then after 3.1 s.
    conn.on_eof(3010);
    assert!(diagnostics(&mut conn).is_empty());
    let at = reopen(&mut conn);
    conn.on_chunk(at + 10, b"id: 2\ndata: x\n\n");
    conn.on_fetch_error(
        at + 3110,
        Error::Network {
            message: "reset".into(),
        },
    );
    assert_eq!(
        diagnostics(&mut conn),
        vec![Diagnostic::IdleCut { silence_ms: 3100 }]
    );
}

#[test]
fn cuts_after_different_silences_or_our_own_idle_timeout_are_not_an_idle_cut() {
    let mut conn = Connection::new(
        Options::default()
            .diagnose(true)
            .idle_timeout_ms(Some(2000)),
        1,
        0,
    );
    conn.poll_io();
    respond(&mut conn, 0);
    conn.on_chunk(10, b"retry: 100\nid: 1\ndata: x\n\n");
    conn.on_eof(3010);
    let at = reopen(&mut conn);
    conn.on_chunk(at + 10, b"id: 2\ndata: x\n\n");
    // Our own idle timeout, after the same silence: not the server's cut.
    conn.on_timer(at + 2010);
    let at = reopen(&mut conn);
    conn.on_chunk(at + 10, b"id: 3\ndata: x\n\n");
    conn.on_eof(at + 1210);
    assert!(diagnostics(&mut conn).is_empty());
}

#[test]
fn a_stream_without_ids_that_breaks_cannot_resume_and_one_without_retry_is_told() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_chunk(10, b"data: x\n\n");
    conn.on_eof(20);
    let mut found = diagnostics(&mut conn);
    found.sort_by_key(Diagnostic::code);
    assert_eq!(found, vec![Diagnostic::NoResume, Diagnostic::NoRetry]);
}

#[test]
fn nothing_is_told_unless_asked_and_the_stats_are_kept_anyway() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    respond(&mut conn, 0);
    conn.on_content_encoding("gzip");
    conn.on_chunk(10, b"data: x\n\n");
    conn.on_eof(20);
    assert!(diagnostics(&mut conn).is_empty());
    assert_eq!(conn.stats().events, 1);
}

#[test]
fn several_streams_over_http1_are_the_connection_limit() {
    let mut conn = diagnosing(0);
    respond(&mut conn, 0);
    conn.on_protocol("h2", 8);
    conn.on_protocol("http/1.1", 2);
    assert!(diagnostics(&mut conn).is_empty());
    conn.on_protocol("http/1.1", 3);
    assert_eq!(
        diagnostics(&mut conn),
        vec![Diagnostic::ConnectionLimit { streams: 3 }]
    );
}

#[test]
fn every_diagnostic_has_a_stable_code_words_and_a_fix() {
    let all = [
        Diagnostic::Buffered,
        Diagnostic::Compressed,
        Diagnostic::IdleCut { silence_ms: 60_000 },
        Diagnostic::ConnectionLimit { streams: 4 },
        Diagnostic::NoResume,
        Diagnostic::NoRetry,
    ];
    for (d, code) in all.iter().zip(Diagnostic::CODES) {
        assert_eq!(d.code(), code);
        assert_eq!(Diagnostic::from_code(code, d.value()), Some(*d));
        assert!(!d.explanation().is_empty() && !d.fix().is_empty());
    }
    assert_eq!(Diagnostic::from_code("nope", 0), None);
}
