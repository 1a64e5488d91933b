//! The connection state machine, natively, with a fake clock: every rule of
//! `connection::Connection` has a test here.

#![cfg(not(target_arch = "wasm32"))]

use eventsource_wasm::connection::{
    opens, Connection, EndRule, Io, Notice, Options, ReadyState, RetryPolicy, PROBE_TIMEOUT_MS,
};
use eventsource_wasm::parser::ParseError;
use eventsource_wasm::{Error, ErrorBody};

const SSE: Option<&str> = Some("text/event-stream");

fn fetch(id: &str) -> Option<Io> {
    Some(Io::Fetch {
        last_event_id: id.into(),
    })
}

fn notices(conn: &mut Connection) -> Vec<Notice> {
    std::iter::from_fn(|| conn.poll_notice()).collect()
}

fn ios(conn: &mut Connection) -> Vec<Io> {
    std::iter::from_fn(|| conn.poll_io()).collect()
}

/// A request failed before any response, and the CORS probe it caused
/// found no server answering: a plain network failure.
fn network_failure(conn: &mut Connection, now: u64, error: Error) {
    conn.on_fetch_error(now, error);
    assert_eq!(conn.poll_io(), Some(Io::Probe));
    assert!(notices(conn).is_empty(), "nothing is said while probing");
    conn.on_probe(now, false);
}

/// A connection that is open at t=0 (its request and Open notice drained).
fn open(options: Options) -> Connection {
    let mut conn = Connection::new(options, 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    conn.on_response(0, 200, SSE, None);
    assert_eq!(notices(&mut conn), vec![Notice::Open]);
    conn
}

/// The reconnect delay announced after a failure, checking the pair of
/// notices (error with delay, then reconnecting with the same delay).
fn reconnect_delay(conn: &mut Connection, expected_error: Error) -> (u64, u32) {
    match &notices(conn)[..] {
        [Notice::Error {
            error,
            reconnect_in_ms: Some(d1),
        }, Notice::Reconnecting { delay_ms, attempt }] => {
            assert_eq!(error, &expected_error);
            assert_eq!(d1, delay_ms);
            (*delay_ms, *attempt)
        }
        other => panic!("expected an error and a reconnect, got {other:?}"),
    }
}

fn fatal(conn: &mut Connection) -> Error {
    match &notices(conn)[..] {
        [.., Notice::Error {
            error,
            reconnect_in_ms: None,
        }] => {
            assert_eq!(conn.ready_state(), ReadyState::Closed);
            assert_eq!(conn.timeout(), None);
            error.clone()
        }
        other => panic!("expected a fatal error, got {other:?}"),
    }
}

// --- Opening ------------------------------------------------------------------

#[test]
fn starts_connecting_with_one_request() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert_eq!(
        ios(&mut conn),
        vec![Io::Fetch {
            last_event_id: String::new()
        }]
    );
    assert_eq!(conn.timeout(), None);
}

#[test]
fn initial_last_event_id_is_sent_on_the_first_request() {
    let options = Options::default().last_event_id("41".into());
    let mut conn = Connection::new(options, 1, 0);
    assert_eq!(conn.poll_io(), fetch("41"));
    assert_eq!(conn.last_event_id(), "41");
}

#[test]
fn status_200_with_event_stream_opens_whatever_the_parameters_or_case() {
    for ct in [
        "text/event-stream",
        "text/event-stream; charset=utf-8",
        "TEXT/Event-Stream;charset=ISO-8859-1",
        " text/event-stream ; foo=bar",
    ] {
        let mut conn = Connection::new(Options::default(), 1, 0);
        conn.on_response(5, 200, Some(ct), None);
        assert_eq!(conn.ready_state(), ReadyState::Open, "{ct}");
        assert_eq!(notices(&mut conn), vec![Notice::Open]);
    }
}

#[test]
fn status_204_closes_for_good() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    conn.on_response(5, 204, None, None);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(
        fatal(&mut conn),
        Error::HttpStatus {
            status: 204,
            body: None
        }
    );
}

#[test]
fn other_statuses_fail_for_good_with_the_status() {
    for status in [201, 301, 401, 403, 404, 500, 503] {
        let mut conn = Connection::new(Options::default(), 1, 0);
        conn.on_response(5, status, SSE, None);
        assert_eq!(fatal(&mut conn), Error::HttpStatus { status, body: None });
    }
}

#[test]
fn wrong_or_missing_content_type_fails_for_good() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_response(5, 200, Some("text/html; charset=utf-8"), None);
    assert_eq!(
        fatal(&mut conn),
        Error::ContentType {
            content_type: Some("text/html; charset=utf-8".into()),
            body: None,
        }
    );
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_response(5, 200, None, None);
    assert_eq!(
        fatal(&mut conn),
        Error::ContentType {
            content_type: None,
            body: None
        }
    );
}

#[test]
fn a_refused_responses_body_goes_with_its_error_and_its_message_is_shown() {
    let text = r#"{"error":{"message":"Incorrect API key provided"}}"#;
    let body = ErrorBody::new(text.into(), Some("Incorrect API key provided".into()));
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_response_with_body(5, 401, Some("application/json"), None, Some(text.into()));
    let error = fatal(&mut conn);
    assert_eq!(
        error,
        Error::HttpStatus {
            status: 401,
            body: Some(Box::new(body.clone())),
        }
    );
    assert_eq!(
        error.to_string(),
        "the server answered with HTTP status 401: Incorrect API key provided"
    );
    // A retried status keeps it too, and a body without a message adds
    // nothing to the text.
    let mut conn = Connection::new(Options::default().retry_statuses(vec![429]), 1, 0);
    let plain = ErrorBody::new("slow down".into(), None);
    conn.on_response_with_body(5, 429, Some("text/plain"), None, Some("slow down".into()));
    let Some(Notice::Error {
        error,
        reconnect_in_ms: Some(_),
    }) = conn.poll_notice()
    else {
        panic!("a retried error")
    };
    assert_eq!(
        error.to_string(),
        "the server answered with HTTP status 429"
    );
    assert_eq!(
        error,
        Error::HttpStatus {
            status: 429,
            body: Some(Box::new(plain))
        }
    );
    // An empty body is none.
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_response_with_body(5, 500, None, None, Some(String::new()));
    assert_eq!(
        fatal(&mut conn),
        Error::HttpStatus {
            status: 500,
            body: None
        }
    );
    // Which responses open, and so have no error body to read.
    assert!(opens(200, Some("text/event-stream; charset=utf-8")));
    assert!(!opens(200, Some("application/json")));
    assert!(!opens(201, Some("text/event-stream")));
    assert!(!opens(200, None));
}

#[test]
fn listed_statuses_are_retried_honouring_retry_after() {
    let options = Options::default().retry_statuses(vec![429, 503]);
    let mut conn = Connection::new(options, 1, 0);
    conn.poll_io();
    conn.on_response(100, 503, Some("text/plain"), Some(10_000));
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    let (delay, attempt) = reconnect_delay(
        &mut conn,
        Error::HttpStatus {
            status: 503,
            body: None,
        },
    );
    assert_eq!(
        (delay, attempt),
        (10_000, 1),
        "Retry-After beats the 3 s base"
    );
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert_eq!(conn.timeout(), Some(10_100));
    conn.on_timer(10_100);
    assert_eq!(conn.poll_io(), fetch(""));
    // Without Retry-After, the policy's delay.
    conn.on_response(10_200, 429, None, None);
    conn.poll_io();
    let (delay, attempt) = reconnect_delay(
        &mut conn,
        Error::HttpStatus {
            status: 429,
            body: None,
        },
    );
    assert_eq!(attempt, 2);
    assert!((3000..=6000).contains(&delay), "{delay}");
}

// --- Losing the connection ----------------------------------------------------------

#[test]
fn network_error_before_a_response_reconnects_after_the_base_delay() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    network_failure(
        &mut conn,
        50,
        Error::Network {
            message: "Failed to fetch".into(),
        },
    );
    let (delay, attempt) = reconnect_delay(
        &mut conn,
        Error::Network {
            message: "Failed to fetch".into(),
        },
    );
    assert_eq!((delay, attempt), (3000, 1));
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    conn.on_timer(3049);
    assert_eq!(conn.poll_io(), None, "not before the time");
    conn.on_timer(3050);
    assert_eq!(conn.poll_io(), fetch(""));
}

#[test]
fn a_failed_fetch_of_a_scheme_other_than_http_closes_for_good() {
    let failed = || Error::Network {
        message: "Failed to fetch".into(),
    };
    // A source whose request to `url` (resuming from `id`) failed.
    let failing = |options: Options, url: &str, id: &str| {
        let mut conn = Connection::new(options, 1, 0);
        assert_eq!(conn.poll_io(), fetch(""));
        let _ = conn.request_head(url, id);
        conn.on_fetch_error(5, failed());
        conn
    };
    for url in [
        "ftp://x/s",
        "mailto:a@b.test",
        "javascript:void 0",
        "about:blank",
        "app+x://s",
    ] {
        let mut conn = failing(Options::default(), url, "");
        assert_eq!(conn.poll_io(), None, "{url}: no probe, no retry");
        assert_eq!(fatal(&mut conn), failed(), "{url}: the failure, final");
    }
    // HTTP in any case, and relative URLs (resolved against the page), are
    // probed and retried as before.
    for url in [
        "http://x/s",
        "HTTPS://x/s",
        "/s?at=1:2",
        "./a:b",
        "//x.test/s",
    ] {
        let mut conn = failing(Options::default(), url, "");
        assert_eq!(conn.poll_io(), Some(Io::Probe), "{url}");
    }
    // What counts is the URL of the request in flight: a resume URL of
    // another scheme makes the resume's failure final.
    let options = post().resume_url(Some("ftp://x/resume".into()));
    let mut conn = failing(options, "https://x/s", "7");
    assert!(matches!(fatal(&mut conn), Error::Network { .. }));
}

#[test]
fn clean_end_of_body_reconnects_with_last_event_id() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 7\ndata: a\n\n");
    notices(&mut conn);
    conn.on_eof(20);
    let (delay, _) = reconnect_delay(&mut conn, Error::StreamEnded);
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    conn.on_timer(20 + delay);
    assert_eq!(conn.poll_io(), fetch("7"));
}

#[test]
fn empty_last_event_id_is_not_sent() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 7\n\nid\n\n");
    conn.on_eof(20);
    notices(&mut conn);
    conn.on_timer(10_000);
    assert_eq!(conn.poll_io(), fetch(""));
}

#[test]
fn body_error_mid_stream_reconnects_and_drops_the_unfinished_event() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 1\ndata: a\n\nid: 2\ndata: half");
    conn.on_fetch_error(
        20,
        Error::Network {
            message: "network error".into(),
        },
    );
    let n = notices(&mut conn);
    assert!(matches!(&n[0], Notice::Message(e) if e.data == "a"));
    assert_eq!(n.len(), 3);
    conn.on_timer(10_000);
    assert_eq!(
        conn.poll_io(),
        fetch("1"),
        "the unfinished block's id is dropped"
    );
    conn.on_response(10_010, 200, SSE, None);
    // The new response may open with a BOM again.
    conn.on_chunk(10_020, b"\xEF\xBB\xBFdata: b\n\n");
    let n = notices(&mut conn);
    assert!(matches!(&n[1], Notice::Message(e) if e.data == "b" && e.last_event_id == "1"));
}

// --- Delays -----------------------------------------------------------------------

#[test]
fn server_retry_sets_the_base_delay() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"retry: 1200\n");
    assert_eq!(conn.server_retry_ms(), Some(1200));
    conn.on_eof(20);
    assert_eq!(reconnect_delay(&mut conn, Error::StreamEnded).0, 1200);
    assert_eq!(conn.timeout(), Some(1220));
}

#[test]
fn retry_zero_is_raised_to_the_floor() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"retry: 0\n");
    conn.on_eof(20);
    assert_eq!(reconnect_delay(&mut conn, Error::StreamEnded).0, 250);
}

/// Fails `n` consecutive attempts (network errors before any response) and
/// returns the delays announced.
fn consecutive_failures(seed: u64, policy: RetryPolicy, n: usize) -> Vec<u64> {
    let options = Options::default().retry(policy);
    let mut conn = Connection::new(options, seed, 0);
    let mut now = 0;
    let mut delays = Vec::new();
    for _ in 0..n {
        conn.poll_io();
        network_failure(
            &mut conn,
            now,
            Error::Network {
                message: "x".into(),
            },
        );
        let (delay, attempt) = reconnect_delay(
            &mut conn,
            Error::Network {
                message: "x".into(),
            },
        );
        assert_eq!(attempt as usize, delays.len() + 1);
        delays.push(delay);
        now += delay;
        conn.on_timer(now);
    }
    delays
}

#[test]
fn backoff_grows_exponentially_up_to_the_maximum() {
    let policy = RetryPolicy::default().jitter(0.0);
    assert_eq!(
        consecutive_failures(1, policy, 7),
        vec![3000, 6000, 12_000, 24_000, 30_000, 30_000, 30_000]
    );
}

#[test]
fn backoff_is_jittered_between_base_and_ceiling() {
    let mut seen = std::collections::HashSet::new();
    for seed in 0..50 {
        let delays = consecutive_failures(seed, RetryPolicy::default(), 5);
        assert_eq!(
            delays[0], 3000,
            "the first reconnect waits the base, like the browser"
        );
        for (i, d) in delays.iter().enumerate().skip(1) {
            let ceiling = (3000u64 << i).min(30_000);
            assert!((3000..=ceiling).contains(d), "attempt {}: {d}", i + 1);
        }
        seen.insert(delays[3]);
    }
    assert!(seen.len() > 40, "delays differ between clients: {seen:?}");
}

#[test]
fn max_attempts_then_closed_with_retries_exhausted() {
    let options = Options::default().retry(RetryPolicy::default().max_attempts(Some(2)));
    let mut conn = Connection::new(options, 1, 0);
    let net = || Error::Network {
        message: "down".into(),
    };
    let mut now = 0;
    for attempt in 1..=2 {
        conn.poll_io();
        network_failure(&mut conn, now, net());
        assert_eq!(reconnect_delay(&mut conn, net()).1, attempt);
        now += 60_000;
        conn.on_timer(now);
    }
    conn.poll_io();
    network_failure(&mut conn, now, net());
    assert_eq!(
        fatal(&mut conn),
        Error::RetriesExhausted {
            attempts: 2,
            last: Box::new(net())
        }
    );
    conn.on_timer(now + 100_000);
    assert_eq!(conn.poll_io(), None);
}

/// Fails attempts with network errors until `failures` are counted, and
/// returns the time of the last reconnect (its request taken).
fn fail_attempts(conn: &mut Connection, failures: u32) -> u64 {
    let mut now = 0;
    conn.poll_io();
    for _ in 0..failures {
        network_failure(conn, now, net("x"));
        now += reconnect_delay(conn, net("x")).0;
        conn.on_timer(now);
        conn.poll_io();
    }
    now
}

#[test]
fn an_attempt_that_delivered_an_event_is_not_counted_and_a_stable_one_resets() {
    let options = Options::default().retry(RetryPolicy::default().jitter(0.0));
    let mut conn = Connection::new(options, 1, 0);
    // Three failed attempts: 3 s, 6 s, 12 s.
    let mut now = fail_attempts(&mut conn, 3);
    // Open, one event, lost at once: not a failure (it waits as the third
    // did, and the count does not grow), and not stable: the count stays.
    for _ in 0..2 {
        conn.on_response(now, 200, SSE, None);
        conn.on_chunk(now + 5, b"data: x\n\n");
        conn.on_eof(now + 10);
        let n = notices(&mut conn);
        assert!(
            matches!(
                n[..],
                [
                    Notice::Open,
                    Notice::Message(_),
                    Notice::Error { .. },
                    Notice::Reconnecting {
                        delay_ms: 12_000,
                        attempt: 3
                    }
                ]
            ),
            "{n:?}"
        );
        now += 100_000;
        conn.on_timer(now);
    }
    // Open with events for the stable window (5 s): the count starts again.
    conn.on_response(now, 200, SSE, None);
    conn.on_chunk(now + 5, b"data: x\n\n");
    conn.on_eof(now + 5000);
    let n = notices(&mut conn);
    assert!(
        matches!(
            n.last(),
            Some(Notice::Reconnecting {
                delay_ms: 3000,
                attempt: 1
            })
        ),
        "{n:?}"
    );
}

#[test]
fn an_attempt_with_no_event_counts_as_failed_however_long_it_stayed_open() {
    let options = Options::default().retry(RetryPolicy::default().jitter(0.0));
    let mut conn = Connection::new(options, 1, 0);
    let now = fail_attempts(&mut conn, 1);
    conn.on_response(now, 200, SSE, None);
    conn.on_chunk(now + 2000, b": heartbeat\n");
    conn.on_eof(now + 60_000); // open for a minute, heartbeats only
    let n = notices(&mut conn);
    assert!(
        matches!(
            n.last(),
            Some(Notice::Reconnecting {
                delay_ms: 6000,
                attempt: 2
            })
        ),
        "{n:?}"
    );
}

#[test]
fn a_server_that_answers_and_closes_at_once_exhausts_the_budget() {
    // cline#12119's flapping server: 200, then the body ends at once.
    let options = Options::default().retry(RetryPolicy::default().max_attempts(Some(3)));
    let mut conn = Connection::new(options, 1, 0);
    let mut now = 0;
    for attempt in 1..=3 {
        assert_eq!(conn.poll_io(), fetch(""));
        conn.on_response(now, 200, SSE, None);
        conn.on_eof(now + 1);
        let n = notices(&mut conn);
        assert!(
            matches!(n[..], [Notice::Open, Notice::Error { .. }, Notice::Reconnecting { attempt: a, .. }] if a == attempt),
            "{n:?}"
        );
        now += 60_000;
        conn.on_timer(now);
    }
    conn.poll_io();
    conn.on_response(now, 200, SSE, None);
    conn.on_eof(now + 1);
    let n = notices(&mut conn);
    assert!(
        matches!(&n[..], [Notice::Open, Notice::Error { error: Error::RetriesExhausted { attempts: 3, last }, reconnect_in_ms: None }] if **last == Error::StreamEnded),
        "{n:?}"
    );
}

#[test]
fn a_graceful_close_after_a_priming_event_is_a_poll_with_a_budget_of_its_own() {
    // An MCP server's standby stream: an ID and `retry:` with empty data
    // (delivered, as the browser does, but no sign of progress), then the
    // server ends the body.
    let policy = RetryPolicy::default().jitter(0.0).max_attempts(Some(2));
    let mut conn = Connection::new(Options::default().retry(policy), 1, 0);
    // One failure first: the polls do not add to it, nor reset it.
    let mut now = fail_attempts(&mut conn, 1);
    let poll = |conn: &mut Connection, now: u64, open_for: u64| {
        conn.on_response(now, 200, SSE, None);
        conn.on_chunk(now + 1, b"id: p1\nretry: 1000\ndata:\n\n");
        conn.on_eof(now + open_for);
        assert_eq!(ios(conn), vec![]);
        notices(conn)
    };
    for attempt in 1..=2 {
        // At the server's delay, with no growth.
        let n = poll(&mut conn, now, 10);
        assert!(
            matches!(&n[..], [Notice::Open, Notice::Message(m), Notice::Error { .. }, Notice::Reconnecting { delay_ms: 1000, attempt: a }] if *a == attempt && m.data.is_empty()),
            "{n:?}"
        );
        now += 1010;
        conn.on_timer(now);
        assert_eq!(conn.poll_io(), fetch("p1"));
    }
    // A poll that stayed open for the stable window is not counted, and
    // starts the polls' count again.
    let n = poll(&mut conn, now, 5000);
    assert!(
        matches!(
            n.last(),
            Some(Notice::Reconnecting {
                delay_ms: 1000,
                attempt: 1
            })
        ),
        "{n:?}"
    );
    now += 6000;
    conn.on_timer(now);
    conn.poll_io();
    for _ in 0..2 {
        poll(&mut conn, now, 10);
        now += 1010;
        conn.on_timer(now);
        conn.poll_io();
    }
    // The third quick poll in a row runs out of the budget.
    let n = poll(&mut conn, now, 10);
    assert_eq!(n[0], Notice::Open);
    assert!(
        matches!(&n[2], Notice::Error { error: Error::RetriesExhausted { attempts: 2, last }, reconnect_in_ms: None } if **last == Error::StreamEnded),
        "{n:?}"
    );
    // The failures' count was left alone: a network failure is the second.
    let policy = RetryPolicy::default().jitter(0.0);
    let mut conn = Connection::new(Options::default().retry(policy), 1, 0);
    let now = fail_attempts(&mut conn, 1);
    poll(&mut conn, now, 10);
    conn.on_timer(now + 1010);
    conn.poll_io();
    network_failure(&mut conn, now + 1010, net("x"));
    // (The base is now the server's 1000 ms.)
    assert_eq!(reconnect_delay(&mut conn, net("x")), (2000, 2));
}

#[test]
fn the_servers_retry_is_capped_by_the_maximum_delay() {
    let policy = RetryPolicy::default().max_delay_ms(10_000);
    let mut conn = open(Options::default().retry(policy));
    conn.on_chunk(10, b"retry: 86400000\n");
    conn.on_eof(20);
    assert_eq!(reconnect_delay(&mut conn, Error::StreamEnded).0, 10_000);
}

#[test]
fn retry_policy_delay_is_clamped() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.delay_ms(1, Some(5), 0.5), 250);
    assert_eq!(policy.delay_ms(1, Some(600_000), 0.5), 30_000);
    assert_eq!(
        policy.delay_ms(u32::MAX, None, 0.99),
        30_000 - (0.99f64 * 27_000.0).round() as u64
    );
    assert_eq!(policy.delay_ms(40, Some(u64::MAX), 0.0), 30_000);
}

// --- The end event -----------------------------------------------------------------

#[test]
fn end_event_is_delivered_then_the_source_closes_for_good() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"data: a\n\nevent: end\ndata: bye\n\ndata: after\n\n");
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    let n = notices(&mut conn);
    assert_eq!(n.len(), 2, "nothing after the end event: {n:?}");
    assert!(matches!(&n[1], Notice::Message(e) if e.event_type == "end" && e.data == "bye"));
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    assert_eq!(conn.timeout(), None);
    conn.on_eof(20);
    conn.on_timer(100_000);
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.poll_notice(), None);
}

#[test]
fn end_event_name_is_configurable_and_can_be_switched_off() {
    let mut conn = open(Options::default().end_event(Some("done".into())));
    conn.on_chunk(10, b"event: end\ndata: x\n\nevent: done\ndata: y\n\n");
    assert_eq!(notices(&mut conn).len(), 2);
    assert_eq!(conn.ready_state(), ReadyState::Closed);

    let mut conn = open(Options::default().end_event(None));
    conn.on_chunk(10, b"event: end\ndata: x\n\n");
    assert_eq!(notices(&mut conn).len(), 1);
    assert_eq!(conn.ready_state(), ReadyState::Open);
}

#[test]
fn the_llm_presets_end_on_each_apis_last_event_and_nothing_before() {
    let cases: [(EndRule, &[u8], &str); 4] = [
        (
            EndRule::OPENAI_CHAT,
            b"data: {\"choices\":[]}\n\ndata: [DONE]\n\ndata: after\n\n",
            "[DONE]",
        ),
        (
            EndRule::OPENAI_RESPONSES,
            b"event: response.output_text.delta\ndata: {}\n\nevent: response.completed\ndata: {\"done\":1}\n\ndata: after\n\n",
            "{\"done\":1}",
        ),
        (
            EndRule::ANTHROPIC,
            b"event: content_block_delta\ndata: {}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\ndata: after\n\n",
            "{\"type\":\"message_stop\"}",
        ),
        (
            EndRule::custom(|t, d| t == "status" && d == "finished"),
            b"event: status\ndata: running\n\nevent: status\ndata: finished\n\ndata: after\n\n",
            "finished",
        ),
    ];
    for (end, stream, last) in cases {
        let mut conn = open(Options::default().end_when(Some(end)));
        conn.on_chunk(10, stream);
        let n = notices(&mut conn);
        assert_eq!(n.len(), 2, "nothing after the last event: {n:?}");
        assert!(
            matches!(&n[1], Notice::Message(e) if e.data == last),
            "{n:?}"
        );
        assert_eq!(conn.ready_state(), ReadyState::Closed);
        assert_eq!(ios(&mut conn), vec![Io::Abort]);
    }
    // Each preset's failures are not ends (see below); `[DONE]` is matched
    // exactly, and ends nothing by default.
    assert!(!EndRule::OPENAI_RESPONSES.matches("error", "{}"));
    assert!(!EndRule::ANTHROPIC.matches("error", "{}"));
    assert!(!EndRule::OPENAI_CHAT.matches("message", " [DONE]"));
    assert_eq!(Options::default().end_when, None);
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"data: [DONE]\n\n");
    assert_eq!(conn.ready_state(), ReadyState::Open);
}

// --- Idle timeout ------------------------------------------------------------------

#[test]
fn idle_timeout_reconnects_when_nothing_arrives() {
    let mut conn = open(Options::default().idle_timeout_ms(Some(1000)));
    assert_eq!(conn.timeout(), Some(1000));
    conn.on_chunk(600, b": ping\n"); // a heartbeat counts
    assert_eq!(conn.timeout(), Some(1600));
    conn.on_timer(1000);
    assert_eq!(
        conn.ready_state(),
        ReadyState::Open,
        "too early: nothing happens"
    );
    notices(&mut conn);
    conn.on_timer(1600);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    let (delay, _) = reconnect_delay(&mut conn, Error::IdleTimeout { timeout_ms: 1000 });
    assert_eq!(conn.timeout(), Some(1600 + delay));
    conn.on_timer(1600 + delay);
    assert_eq!(conn.poll_io(), fetch(""));
}

#[test]
fn idle_timeout_also_covers_a_response_that_never_comes() {
    let mut conn = Connection::new(Options::default().idle_timeout_ms(Some(500)), 1, 100);
    conn.poll_io();
    assert_eq!(conn.timeout(), Some(600));
    conn.on_timer(600);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    reconnect_delay(&mut conn, Error::IdleTimeout { timeout_ms: 500 });
}

// --- close() ----------------------------------------------------------------------

#[test]
fn close_during_a_pending_request_aborts_it() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    conn.close();
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    conn.on_response(10, 200, SSE, None);
    assert_eq!(
        conn.ready_state(),
        ReadyState::Closed,
        "a late response is ignored"
    );
    assert_eq!(notices(&mut conn), vec![], "close() announces nothing");
}

#[test]
fn close_while_open_aborts_and_ignores_later_bytes() {
    let mut conn = open(Options::default());
    conn.close();
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    conn.on_chunk(10, b"data: late\n\n");
    conn.on_eof(20);
    assert_eq!(notices(&mut conn), vec![]);
}

#[test]
fn close_during_backoff_stays_closed() {
    let mut conn = open(Options::default());
    conn.on_eof(10);
    notices(&mut conn);
    assert!(conn.timeout().is_some());
    conn.close();
    assert_eq!(ios(&mut conn), vec![], "nothing in flight to abort");
    assert_eq!(conn.timeout(), None);
    conn.on_timer(1_000_000);
    assert_eq!(conn.poll_io(), None);
    conn.close();
    assert_eq!(conn.ready_state(), ReadyState::Closed);
}

// --- Other failures ------------------------------------------------------------------

#[test]
fn limit_exceeded_closes_with_the_limit_error() {
    let mut conn = open(
        Options::default().limits(eventsource_wasm::parser::Config::default().max_line_len(16)),
    );
    conn.on_chunk(10, b"data: ok\n\ndata: this line is too long\n\n");
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    let n = notices(&mut conn);
    assert!(
        matches!(&n[0], Notice::Message(e) if e.data == "ok"),
        "{n:?}"
    );
    assert_eq!(
        n[1],
        Notice::Error {
            error: Error::Limit(ParseError::LineTooLong { limit: 16 }),
            reconnect_in_ms: None
        }
    );
    assert_eq!(n.len(), 2);
    assert_eq!(conn.ready_state(), ReadyState::Closed);
}

#[test]
fn headers_callback_failure_is_retried_invalid_request_and_abort_are_not() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_fetch_error(
        0,
        Error::Headers {
            message: "token refresh failed".into(),
        },
    );
    reconnect_delay(
        &mut conn,
        Error::Headers {
            message: "token refresh failed".into(),
        },
    );

    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_fetch_error(
        0,
        Error::InvalidRequest {
            message: "bad URL".into(),
        },
    );
    assert!(matches!(fatal(&mut conn), Error::InvalidRequest { .. }));

    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.on_fetch_error(0, Error::Aborted);
    assert_eq!(fatal(&mut conn), Error::Aborted);
}

#[test]
fn comments_are_passed_on() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b": keep-alive\n");
    assert_eq!(
        notices(&mut conn),
        vec![Notice::Comment("keep-alive".into())]
    );
}

#[test]
fn on_chunk_with_lends_events_and_comments_in_order_and_queues_the_rest() {
    use eventsource_wasm::parser::ItemRef;
    let lent = |conn: &mut Connection, now: u64, chunk: &[u8]| {
        let mut seen = Vec::new();
        conn.on_chunk_with(now, chunk, |item| {
            seen.push(match item {
                ItemRef::Event(e) => format!("{}:{}:{}", e.event_type, e.data, e.last_event_id),
                ItemRef::Comment(c) => format!("#{c}"),
                ItemRef::Retry(ms) => format!("retry {ms}"),
            });
            std::ops::ControlFlow::Continue(())
        });
        seen
    };
    let mut conn = open(
        Options::default().limits(eventsource_wasm::parser::Config::default().max_line_len(16)),
    );
    // Retry is the connection's own; events and comments keep their order.
    let seen = lent(
        &mut conn,
        10,
        b"id: 1\ndata: a\n\n: hb\nretry: 900\nevent: x\ndata: b\n\n",
    );
    assert_eq!(seen, ["message:a:1", "#hb", "x:b:1"]);
    assert_eq!(conn.server_retry_ms(), Some(900));
    assert_eq!(conn.last_event_id(), "1");
    assert_eq!(notices(&mut conn), vec![]);
    // A limit error: the events before it are lent, the error is queued.
    let seen = lent(&mut conn, 20, b"data: c\n\ndata: this line is too long\n");
    assert_eq!(seen, ["message:c:1"]);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert!(matches!(
        &notices(&mut conn)[..],
        [Notice::Error {
            error: Error::Limit(ParseError::LineTooLong { limit: 16 }),
            reconnect_in_ms: None
        }]
    ));
    // Nothing once closed.
    assert_eq!(lent(&mut conn, 30, b"data: d\n\n"), Vec::<String>::new());

    // The end event is lent, nothing after it, and the source closes.
    let mut conn = open(Options::default());
    let seen = lent(
        &mut conn,
        10,
        b"data: a\n\nevent: end\ndata: bye\n\ndata: after\n\n",
    );
    assert_eq!(seen, ["message:a:", "end:bye:"]);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    assert_eq!(notices(&mut conn), vec![]);
}

#[test]
fn on_chunk_queues_its_notices_after_those_already_queued() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    conn.on_response(0, 200, SSE, None);
    // Open is still queued when the first chunk arrives.
    conn.on_chunk(10, b"data: a\n\n: hb\n");
    let n = notices(&mut conn);
    assert_eq!(n[0], Notice::Open);
    assert!(matches!(&n[1], Notice::Message(e) if e.data == "a"));
    assert_eq!(n[2], Notice::Comment("hb".into()));
    assert_eq!(n.len(), 3);
}

// --- Helpers ------------------------------------------------------------------------

// --- Telling a CORS refusal from a network failure --------------------------

fn net(message: &str) -> Error {
    Error::Network {
        message: message.into(),
    }
}

#[test]
fn a_failure_answered_by_an_opaque_probe_is_sent_again_then_closes_as_cors() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    conn.on_fetch_error(10, net("Failed to fetch"));
    assert_eq!(ios(&mut conn), vec![Io::Probe]);
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert_eq!(conn.timeout(), Some(10 + PROBE_TIMEOUT_MS));
    assert!(notices(&mut conn).is_empty());
    // The server answered the probe: send the request once more, at once.
    conn.on_probe(20, true);
    assert_eq!(
        ios(&mut conn),
        vec![Io::Fetch {
            last_event_id: String::new()
        }]
    );
    assert!(
        notices(&mut conn).is_empty(),
        "nothing is said before it is sure"
    );
    // It fails again before any response: CORS, closed for good.
    conn.on_fetch_error(30, net("Failed to fetch"));
    assert_eq!(ios(&mut conn), vec![]);
    assert_eq!(fatal(&mut conn), Error::Cors);
}

#[test]
fn a_failure_whose_probe_fails_or_is_not_opaque_is_a_network_failure() {
    for refused_then_ok in [false, true] {
        let mut conn = Connection::new(Options::default(), 1, 0);
        conn.poll_io();
        conn.on_fetch_error(0, net("a"));
        assert_eq!(conn.poll_io(), Some(Io::Probe));
        if refused_then_ok {
            // A passing failure: the second try gets a response.
            conn.on_probe(5, true);
            assert_eq!(conn.poll_io(), fetch(""));
            conn.on_response(6, 200, SSE, None);
            assert_eq!(notices(&mut conn), vec![Notice::Open]);
            conn.on_eof(7);
            notices(&mut conn);
            conn.on_timer(7 + 3000);
            assert_eq!(conn.poll_io(), fetch(""));
            // The suspicion went with the response: a later failure is
            // probed again instead of closing.
            conn.on_fetch_error(3010, net("b"));
            assert_eq!(conn.poll_io(), Some(Io::Probe));
            conn.on_probe(3011, false);
            reconnect_delay(&mut conn, net("b"));
        } else {
            conn.on_probe(5, false);
            assert_eq!(reconnect_delay(&mut conn, net("a")), (3000, 1));
            assert_eq!(conn.timeout(), Some(3005));
        }
        assert_eq!(conn.ready_state(), ReadyState::Connecting);
    }
}

#[test]
fn a_probe_that_takes_too_long_is_aborted_and_counts_as_a_network_failure() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    conn.on_fetch_error(100, net("a"));
    assert_eq!(conn.poll_io(), Some(Io::Probe));
    conn.on_timer(100 + PROBE_TIMEOUT_MS - 1);
    assert_eq!(conn.poll_io(), None, "not before its time");
    conn.on_timer(100 + PROBE_TIMEOUT_MS);
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    reconnect_delay(&mut conn, net("a"));
    // A late answer changes nothing.
    conn.on_probe(100 + PROBE_TIMEOUT_MS + 1, true);
    assert_eq!(conn.poll_io(), None);
    assert!(notices(&mut conn).is_empty());
}

#[test]
fn only_failures_before_a_response_are_probed() {
    // A body that breaks off mid-stream reconnects as before.
    let mut conn = open(Options::default());
    conn.on_fetch_error(5, net("reset"));
    assert_eq!(conn.poll_io(), None);
    reconnect_delay(&mut conn, net("reset"));
    // A failing headers callback is not a network failure.
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    let headers = Error::Headers {
        message: "x".into(),
    };
    conn.on_fetch_error(0, headers.clone());
    assert_eq!(conn.poll_io(), None);
    reconnect_delay(&mut conn, headers);
}

#[test]
fn close_while_probing_aborts_the_probe() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    conn.poll_io();
    conn.on_fetch_error(0, net("a"));
    assert_eq!(conn.poll_io(), Some(Io::Probe));
    conn.close();
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    assert_eq!(conn.timeout(), None);
    conn.on_probe(1, true);
    assert_eq!(conn.poll_io(), None);
    assert!(notices(&mut conn).is_empty());
}

#[test]
fn the_request_head_carries_the_last_event_id_as_configured() {
    let mut conn = Connection::new(Options::default(), 1, 0);
    let t = conn.request_head("http://x/s", "é");
    assert_eq!(t.url, "http://x/s");
    assert_eq!(t.last_event_id_header.as_deref(), Some("\u{c3}\u{a9}"));
    let mut conn = Connection::new(
        Options::default().last_event_id_param(Some("lastEventId".into())),
        1,
        0,
    );
    let t = conn.request_head("http://x/s", "é");
    assert_eq!(t.url, "http://x/s?lastEventId=%C3%A9");
    assert_eq!(t.last_event_id_header, None);
    assert_eq!(conn.request_head("http://x/s", "").url, "http://x/s");
}

#[test]
fn retry_after_dates_in_the_three_http_forms() {
    use eventsource_wasm::connection::retry_after_ms;
    // 1994-11-06 08:49:37 UTC, and a clock ten seconds before it.
    let at = 784_111_777_000;
    let now = at - 10_000;
    for value in [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "  Sun, 06 Nov 1994 08:49:37 GMT ",
    ] {
        assert_eq!(retry_after_ms(value, now), Some(10_000), "{value}");
    }
    // Seconds, as before; a date in the past is no wait at all.
    assert_eq!(retry_after_ms(" 120 ", now), Some(120_000));
    assert_eq!(
        retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", at + 5_000),
        Some(0)
    );
    // Leap years and the turn of the year.
    assert_eq!(
        retry_after_ms("Thu, 29 Feb 2024 00:00:00 GMT", 0),
        Some(1_709_164_800_000)
    );
    assert_eq!(
        retry_after_ms("Fri, 01 Jan 2027 00:00:01 GMT", 1_798_761_600_000),
        Some(1_000)
    );
    // A two-digit year is the latest at most 50 years ahead of the clock.
    let in_2026 = 1_780_000_000_000;
    // 2076-01-01 is 38,716 days after 1970-01-01; 2080 would be more than
    // 50 years ahead, so `80` is 1980, long past.
    assert_eq!(
        retry_after_ms("Wed, 01-Jan-76 00:00:00 GMT", in_2026),
        Some(38_716 * 86_400_000 - in_2026)
    );
    assert_eq!(
        retry_after_ms("Tue, 01-Jan-80 00:00:00 GMT", in_2026),
        Some(0)
    );
    for bad in [
        "",
        "soon",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "1994-11-06T08:49:37Z",
        "-5",
    ] {
        assert_eq!(retry_after_ms(bad, now), None, "{bad:?}");
    }
}

#[test]
fn a_request_that_is_not_resendable_is_not_sent_again_to_confirm_cors() {
    for options in [
        Options::default().method("POST".into()),
        Options::default().has_body(true),
    ] {
        assert!(!options.resendable());
        let mut conn = Connection::new(options, 1, 0);
        assert_eq!(conn.poll_io(), fetch(""));
        conn.on_fetch_error(10, net("Failed to fetch"));
        assert_eq!(ios(&mut conn), vec![Io::Probe]);
        // The server answers: that is taken as the refusal, with no second
        // request (it might be a paid one).
        conn.on_probe(20, true);
        assert_eq!(ios(&mut conn), vec![]);
        assert_eq!(fatal(&mut conn), Error::Cors);
    }
    assert!(Options::default().method("get".into()).resendable());
}

#[test]
fn a_sink_that_stops_closes_the_source_at_that_event() {
    use eventsource_wasm::parser::ItemRef;
    use std::ops::ControlFlow;
    let mut conn = open(Options::default());
    let mut seen = Vec::new();
    // The listener of event 2 closes the source: 3 is parsed no further,
    // and the last event ID is 2's, so a source reopened from it misses
    // nothing.
    conn.on_chunk_with(
        10,
        b"id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\n",
        |item| {
            if let ItemRef::Event(e) = item {
                seen.push(e.data.to_string());
                if e.data == "b" {
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        },
    );
    assert_eq!(seen, ["a", "b"]);
    assert_eq!(conn.last_event_id(), "2");
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    assert!(notices(&mut conn).is_empty(), "closing is silent");
    assert_eq!(conn.timeout(), None);
}

#[test]
fn the_end_event_stops_the_parse_there() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 1\nevent: end\ndata: bye\n\nid: 2\ndata: late\n\n");
    assert!(matches!(&notices(&mut conn)[..], [Notice::Message(e)] if e.data == "bye"));
    // What follows the end event in the same chunk is not read: the last
    // event ID is the end event's.
    assert_eq!(conn.last_event_id(), "1");
    assert_eq!(conn.ready_state(), ReadyState::Closed);
}

// --- Requests that cost their sender: not sent again on their own ----------

fn post() -> Options {
    Options::default().method("POST".into()).has_body(true)
}

#[test]
fn a_post_stream_that_ends_closes_instead_of_sending_the_request_again() {
    // With an end event (the default) the stream was cut before its end:
    // truncated. Without one, it is only not sent again.
    for (end_event, truncated) in [(Some("end".to_owned()), true), (None, false)] {
        for end in ["clean", "cut", "idle"] {
            let options = post()
                .idle_timeout_ms(Some(1000))
                .end_event(end_event.clone());
            let mut conn = open(options);
            conn.on_chunk(10, b"data: the answer\n\n");
            match end {
                "clean" => conn.on_eof(20),
                "cut" => conn.on_fetch_error(20, net("connection reset")),
                _ => conn.on_timer(1010),
            }
            let messages = notices(&mut conn);
            let Some(Notice::Error {
                error: error @ (Error::NotResent { cause } | Error::Truncated { cause }),
                reconnect_in_ms: None,
            }) = messages.last()
            else {
                panic!("{end}: {messages:?}");
            };
            assert_eq!(
                matches!(error, Error::Truncated { .. }),
                truncated,
                "{end}: {error}"
            );
            assert!(
                cause.to_string().len() > 3 && conn.ready_state() == ReadyState::Closed,
                "{end}"
            );
            assert!(
                !ios(&mut conn)
                    .iter()
                    .any(|io| matches!(io, Io::Fetch { .. })),
                "{end}: sent again"
            );
            assert_eq!(conn.timeout(), None);
        }
    }
}

#[test]
fn a_post_that_fails_before_its_stream_opens_is_not_sent_again_and_not_truncated() {
    let mut conn = Connection::new(post(), 1, 0);
    ios(&mut conn);
    conn.on_fetch_error(5, net("connection refused"));
    conn.on_probe(6, false);
    assert!(matches!(
        notices(&mut conn).last(),
        Some(Notice::Error {
            error: Error::NotResent { .. },
            reconnect_in_ms: None
        })
    ),);
}

#[test]
fn a_post_stream_with_event_ids_resumes_with_the_last_one() {
    let mut conn = open(post());
    conn.on_chunk(10, b"id: 7\ndata: token\n\n");
    notices(&mut conn);
    conn.on_fetch_error(20, net("connection reset"));
    let (delay, _) = reconnect_delay(&mut conn, net("connection reset"));
    conn.on_timer(20 + delay);
    assert_eq!(conn.poll_io(), fetch("7"));
}

#[test]
fn a_resume_url_takes_the_resume_as_a_get_without_the_body() {
    let url = "https://api.test/mcp";
    let mut conn = open(post().resume_url(Some("https://api.test/mcp?resume".into())));
    // The first request is the POST with its body.
    let head = conn.request_head(url, "");
    assert_eq!(
        (head.method, &*head.url, head.send_body),
        ("POST", url, true)
    );
    conn.on_chunk(10, b"id: 7\ndata: token\n\n");
    notices(&mut conn);
    conn.on_fetch_error(20, net("connection reset"));
    let (delay, _) = reconnect_delay(&mut conn, net("connection reset"));
    conn.on_timer(20 + delay);
    assert_eq!(conn.poll_io(), fetch("7"));
    let head = conn.request_head(url, "7");
    assert_eq!(
        (head.method, &*head.url, head.send_body),
        ("GET", "https://api.test/mcp?resume", false)
    );
    assert_eq!(head.last_event_id_header.as_deref(), Some("7"));
    // A GET, or a request opted in to resending, has nothing to resume
    // differently: the same request goes again.
    for options in [
        Options::default().resume_url(Some("/r".into())),
        post().resend(true).resume_url(Some("/r".into())),
    ] {
        let mut conn = Connection::new(options, 1, 0);
        let head = conn.request_head(url, "7");
        assert_eq!((&*head.url, head.send_body), (url, true));
    }
}

#[test]
fn a_post_is_sent_again_when_the_caller_opts_in_or_lists_the_status() {
    // Opted in: every reconnect, as for a GET.
    let mut conn = open(post().resend(true));
    conn.on_chunk(10, b"data: a\n\n");
    notices(&mut conn);
    conn.on_eof(20);
    let (delay, _) = reconnect_delay(&mut conn, Error::StreamEnded);
    conn.on_timer(20 + delay);
    assert_eq!(conn.poll_io(), fetch(""));
    // A listed status: the server refused the request, so it did no work.
    let mut conn = Connection::new(post().retry_statuses(vec![429]), 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    conn.on_response(10, 429, None, Some(5000));
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    let (delay, _) = reconnect_delay(
        &mut conn,
        Error::HttpStatus {
            status: 429,
            body: None,
        },
    );
    assert!(delay >= 5000);
    // The headers callback failed: nothing was sent.
    let mut conn = Connection::new(post(), 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    let headers = Error::Headers {
        message: "no token".into(),
    };
    conn.on_fetch_error(10, headers.clone());
    reconnect_delay(&mut conn, headers);
}

#[test]
fn a_get_keeps_the_native_semantics() {
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"data: a\n\n");
    notices(&mut conn);
    conn.on_eof(20);
    let (delay, _) = reconnect_delay(&mut conn, Error::StreamEnded);
    conn.on_timer(20 + delay);
    assert_eq!(conn.poll_io(), fetch(""));
}

// --- The page's lifecycle ------------------------------------------------------

#[test]
fn waking_reconnects_at_once_unless_the_servers_retry_after_holds() {
    // A network failure waits its backoff; the page coming back (online,
    // visible) cuts it short.
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 3\ndata: a\n\n");
    notices(&mut conn);
    conn.on_fetch_error(20, net("offline"));
    let (delay, _) = reconnect_delay(&mut conn, net("offline"));
    assert!(delay >= 250);
    conn.wake(30);
    assert_eq!(conn.poll_io(), fetch("3"));
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    // Waking a connection that is not waiting does nothing.
    conn.wake(40);
    assert_eq!(conn.poll_io(), None);
    conn.on_response(50, 200, SSE, None);
    conn.wake(60);
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.ready_state(), ReadyState::Open);

    // A 429's Retry-After still holds: waking moves the attempt to it.
    let mut conn = Connection::new(Options::default().retry_statuses(vec![429]), 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    conn.on_response(100, 429, None, Some(60_000));
    notices(&mut conn);
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    conn.wake(200);
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.timeout(), Some(60_100));
    conn.wake(60_100);
    assert_eq!(conn.poll_io(), fetch(""));
}

#[test]
fn waking_never_sends_a_post_the_rules_would_not() {
    // A POST whose stream ended without event IDs is closed, not waiting:
    // nothing to wake.
    let mut conn = open(post());
    conn.on_chunk(10, b"data: a\n\n");
    conn.on_eof(20);
    notices(&mut conn);
    assert_eq!(conn.ready_state(), ReadyState::Closed);
    conn.wake(30);
    assert_eq!(conn.poll_io(), None);
    // With an event ID it waits to resume, and waking resumes it.
    let mut conn = open(post());
    conn.on_chunk(10, b"id: 1\ndata: a\n\n");
    conn.on_eof(20);
    notices(&mut conn);
    conn.wake(30);
    assert_eq!(conn.poll_io(), fetch("1"));
}

#[test]
fn pausing_aborts_and_waking_resumes_from_the_last_event_id() {
    let mut conn = open(Options::default().idle_timeout_ms(Some(1000)));
    conn.on_chunk(10, b"id: 5\ndata: a\n\ndata: unfinished");
    notices(&mut conn);
    assert!(conn.pause());
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert_eq!(conn.timeout(), None, "no timer while paused");
    assert!(notices(&mut conn).is_empty(), "pausing is silent");
    // Late input from the aborted request is ignored.
    conn.on_chunk(20, b"\n\ndata: late\n\n");
    conn.on_timer(5000);
    assert_eq!(conn.poll_io(), None);
    conn.wake(10_000);
    assert_eq!(conn.poll_io(), fetch("5"));
    conn.on_response(10_010, 200, SSE, None);
    conn.on_chunk(10_020, b"data: b\n\n");
    let n = notices(&mut conn);
    assert!(
        matches!(&n[..], [Notice::Open, Notice::Message(e)] if e.data == "b"),
        "{n:?}"
    );

    // A POST without an event ID is not paused: its answer would be lost.
    let mut conn = open(post());
    conn.on_chunk(10, b"data: a\n\n");
    assert!(!conn.pause());
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.ready_state(), ReadyState::Open);
    // A closed source stays closed.
    conn.close();
    assert!(!conn.pause());
    conn.wake(20);
    assert_eq!(conn.ready_state(), ReadyState::Closed);
}

#[test]
fn a_hidden_page_pauses_only_when_the_caller_asked() {
    // Not asked: hiding changes nothing.
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 1\ndata: a\n\n");
    notices(&mut conn);
    assert!(!conn.hidden());
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.ready_state(), ReadyState::Open);
    // Asked: hiding pauses, showing resumes from the last event ID.
    let mut conn = open(Options::default().pause_when_hidden(true));
    conn.on_chunk(10, b"id: 1\ndata: a\n\n");
    notices(&mut conn);
    assert!(conn.hidden());
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    conn.wake(20);
    assert_eq!(conn.poll_io(), fetch("1"));
    // Asked, but a POST with nothing to resume from is never paused.
    let mut conn = open(post().pause_when_hidden(true));
    conn.on_chunk(10, b"data: a\n\n");
    assert!(!conn.hidden());
    assert_eq!(conn.ready_state(), ReadyState::Open);
}

#[test]
fn the_back_forward_cache_pauses_whatever_the_options_and_the_restore_resumes_at_once() {
    // Not asked to pause when hidden: the cache pauses it all the same,
    // silently, and the restore reconnects at once, with the ID.
    let mut conn = open(Options::default());
    conn.on_chunk(10, b"id: 4\ndata: a\n\n");
    notices(&mut conn);
    assert!(conn.stored());
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(conn.ready_state(), ReadyState::Connecting);
    assert!(notices(&mut conn).is_empty(), "no error");
    assert_eq!(conn.timeout(), None);
    conn.wake(60_000);
    assert_eq!(conn.poll_io(), fetch("4"));
    assert!(notices(&mut conn).is_empty(), "no error, no delay");
    // A POST with nothing to resume from keeps its request (issue 15).
    let mut conn = open(post());
    conn.on_chunk(10, b"data: a\n\n");
    assert!(!conn.stored());
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.ready_state(), ReadyState::Open);
}

#[test]
fn waking_fails_a_stream_silent_past_its_idle_timeout_and_reconnects_at_once() {
    let options = Options::default()
        .idle_timeout_ms(Some(1000))
        .retry(RetryPolicy::default().jitter(0.0));
    // Bytes kept coming: a late wake changes nothing.
    let mut conn = open(options.clone());
    conn.on_chunk(10, b"id: 1\ndata: a\n\n");
    conn.on_chunk(900, b": ping\n\n");
    notices(&mut conn);
    conn.wake(1500);
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.ready_state(), ReadyState::Open);
    // Silent past the deadline (its timer held back by a hidden page's
    // throttling): the wake fails it and reconnects without the backoff.
    conn.wake(60_000);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(conn.poll_io(), fetch("1"));
    let n = notices(&mut conn);
    assert!(
        matches!(
            &n[..],
            [
                Notice::Error {
                    error: Error::IdleTimeout { timeout_ms: 1000 },
                    reconnect_in_ms: Some(_)
                },
                Notice::Reconnecting { .. }
            ]
        ),
        "{n:?}"
    );
    // A request not yet answered for that long fails the same way.
    let mut conn = Connection::new(options, 1, 0);
    assert_eq!(conn.poll_io(), fetch(""));
    conn.wake(5000);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert_eq!(conn.poll_io(), fetch(""));
}

#[test]
fn end_rules_are_data_and_the_presets_are_reached_by_name() {
    // The names js/llm.js sends: each is the Rust preset itself.
    for (name, rule) in [
        ("openai-chat", EndRule::OPENAI_CHAT),
        ("openai-responses", EndRule::OPENAI_RESPONSES),
        ("anthropic", EndRule::ANTHROPIC),
    ] {
        assert_eq!(EndRule::preset(name), Some(rule), "{name}");
    }
    assert_eq!(EndRule::preset("openai"), None);
    // Types match exactly; data matches exactly.
    let types = EndRule::types(["stop", "done"]);
    assert!(types.matches("done", "x"));
    assert!(!types.matches("Done", "x"));
    assert!(!types.matches("", "done"));
    assert!(EndRule::OPENAI_CHAT.matches("anything", "[DONE]"));
    assert!(!EndRule::OPENAI_CHAT.matches("message", "[DONE]\n"));
    assert!(!EndRule::OPENAI_CHAT.matches("[DONE]", ""));
    // A list given as types ends the stream like the end event does.
    let mut conn = open(Options::default().end_event(None).end_when(Some(types)));
    conn.on_chunk(
        10,
        b"event: end\ndata: 1\n\nevent: stop\ndata: 2\n\ndata: after\n\n",
    );
    assert_eq!(notices(&mut conn).len(), 2, "end, stop, and nothing after");
    assert_eq!(conn.ready_state(), ReadyState::Closed);
}

#[test]
fn a_driver_holding_the_body_back_restarts_the_idle_timeout() {
    let mut conn = open(Options::default().idle_timeout_ms(Some(1000)));
    conn.on_chunk(10, b"data: a\n\n");
    notices(&mut conn);
    assert_eq!(conn.timeout(), Some(1010));
    // The reader is behind: the silence is the driver's own.
    conn.on_timer_held(1010);
    assert_eq!(conn.poll_io(), None);
    assert_eq!(conn.ready_state(), ReadyState::Open);
    assert_eq!(conn.timeout(), Some(2010));
    // Reading again, the server's silence counts.
    conn.on_timer(2010);
    assert_eq!(conn.poll_io(), Some(Io::Abort));
    assert!(matches!(
        notices(&mut conn).first(),
        Some(Notice::Error {
            error: Error::IdleTimeout { .. },
            ..
        })
    ));
}

// --- Failures reported in the stream (the presets) -----------------------------

#[test]
fn a_preset_turns_the_apis_failure_event_into_a_typed_error_after_the_events_before_it() {
    // The rule, the stream, then the event type, the provider's type of
    // error, its code and its message the error must carry.
    type Case<'a> = (
        EndRule,
        &'a [u8],
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let cases: [Case; 6] = [
        (
            EndRule::ANTHROPIC,
            b"event: content_block_delta\ndata: {\"delta\":{\"text\":\"Hi\"}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
            "error",
            Some("overloaded_error"),
            None,
            Some("Overloaded"),
        ),
        (
            EndRule::OPENAI_RESPONSES,
            b"event: response.output_text.delta\ndata: {\"delta\":\"Hi\"}\n\nevent: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"The model failed\"}}}\n\n",
            "response.failed",
            None,
            Some("server_error"),
            Some("The model failed"),
        ),
        (
            EndRule::OPENAI_RESPONSES,
            b"event: response.output_text.delta\ndata: {\"delta\":\"Hi\"}\n\nevent: response.incomplete\ndata: {\"response\":{\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"}}}\n\n",
            "response.incomplete",
            None,
            Some("max_output_tokens"),
            None,
        ),
        (
            EndRule::OPENAI_RESPONSES,
            b"event: response.output_text.delta\ndata: {\"delta\":\"Hi\"}\n\nevent: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down\",\"param\":null}\n\n",
            "error",
            None,
            Some("rate_limit_exceeded"),
            Some("Slow down"),
        ),
        (
            EndRule::OPENAI_CHAT,
            b"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"error\":{\"message\":\"Internal error\",\"type\":\"server_error\",\"code\":null}}\n\n",
            "message",
            Some("server_error"),
            None,
            Some("Internal error"),
        ),
        (
            EndRule::OPENAI_CHAT,
            b"data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"error\":\"upstream timed out\"}\n\n",
            "message",
            None,
            None,
            Some("upstream timed out"),
        ),
    ];
    for (rule, stream, event_type, error_type, code, message) in cases {
        // A POST: closed for good, as the request cannot be sent again.
        let mut conn = open(post().end_when(Some(rule)));
        conn.on_chunk(10, stream);
        let n = notices(&mut conn);
        assert!(
            matches!(
                &n[..],
                [
                    Notice::Message(_),
                    Notice::Error {
                        reconnect_in_ms: None,
                        ..
                    }
                ]
            ),
            "{n:?}"
        );
        let Notice::Error {
            error:
                Error::Provider {
                    event_type: t,
                    error_type: e,
                    code: c,
                    body,
                },
            ..
        } = &n[1]
        else {
            panic!("{n:?}");
        };
        assert_eq!(
            (t.as_str(), e.as_deref(), c.as_deref()),
            (event_type, error_type, code),
            "{n:?}"
        );
        assert_eq!(body.message.as_deref(), message);
        assert!(
            stream.ends_with(format!("{}\n\n", body.text).as_bytes()),
            "the data is kept"
        );
        assert_eq!(n[1].clone(), n[1]);
        assert_eq!(conn.ready_state(), ReadyState::Closed);
        assert_eq!(ios(&mut conn), vec![Io::Abort]);
        // A GET (or a POST with `resend`) is sent again, as for a network
        // failure: the same error, with a reconnect.
        for options in [Options::default(), post().resend(true)] {
            let mut conn = open(options.end_when(Some(EndRule::ANTHROPIC)));
            conn.on_chunk(
                10,
                b"event: error\ndata: {\"error\":{\"type\":\"overloaded_error\"}}\n\n",
            );
            assert!(matches!(
                &notices(&mut conn)[..],
                [
                    Notice::Error {
                        error: Error::Provider { .. },
                        reconnect_in_ms: Some(_)
                    },
                    Notice::Reconnecting { .. }
                ]
            ));
        }
    }
}

#[test]
fn openai_style_data_fails_only_when_its_error_says_something() {
    for data in [
        "{\"choices\":[{\"delta\":{\"content\":\"the \\\"error\\\" key\"}}]}",
        "{\"error\":null}",
        "{\"error\":{}}",
        "{\"choices\":[{\"error\":{\"message\":\"nested\"}}]}",
        "\"error\"",
        "{\"error\":{\"message\":\"not JSON\"}",
    ] {
        assert_eq!(
            EndRule::OPENAI_CHAT.failure("message", data),
            None,
            "{data}"
        );
    }
    // No other rule fails on anything.
    let data = "{\"error\":{\"message\":\"x\"}}";
    assert_eq!(EndRule::types(["error"]).failure("error", data), None);
    assert_eq!(EndRule::ANTHROPIC.failure("message", data), None);
}

#[test]
fn the_idempotency_key_goes_with_every_send_of_a_body_the_caller_opted_to_send_again() {
    let key = Some(("Idempotency-Key".to_owned(), "k1".to_owned()));
    let post = Options::default()
        .method("POST".into())
        .has_body(true)
        .idempotency_key(key.clone());
    let head_key = |options: Options, id: &str| {
        let mut conn = Connection::new(options, 1, 0);
        let send_body = conn.request_head("/a", id).send_body;
        conn.idempotency_key(send_body)
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
    };
    // Opted in: `resend`, or a status to retry; the first send and every
    // later one (the key is the source's, so a resume has it too).
    for opted in [
        post.clone().resend(true),
        post.clone().retry_statuses(vec![503]),
    ] {
        assert_eq!(head_key(opted.clone(), ""), key);
        assert_eq!(head_key(opted, "7"), key);
    }
    // A DELETE with no body is not a plain GET either.
    let delete = Options::default()
        .method("DELETE".into())
        .resend(true)
        .idempotency_key(key.clone());
    assert_eq!(head_key(delete, ""), key);
    // Not opted in: a POST is never sent again on its own, and a resume is
    // recognised by its Last-Event-ID.
    assert_eq!(head_key(post.clone(), ""), None);
    assert_eq!(head_key(post.clone(), "7"), None);
    // A plain GET is sent again as the browser's is: no key.
    let get = Options::default()
        .resend(true)
        .retry_statuses(vec![503])
        .idempotency_key(key.clone());
    assert_eq!(head_key(get, ""), None);
    // A resume by GET of the resume URL sends no body, so no key.
    let elsewhere = post
        .clone()
        .retry_statuses(vec![503])
        .resume_url(Some("/resume".into()));
    assert_eq!(head_key(elsewhere.clone(), ""), key);
    assert_eq!(head_key(elsewhere, "7"), None);
    // Switched off: no key at all.
    assert_eq!(head_key(post.resend(true).idempotency_key(None), ""), None);
}

// --- Resuming a request that is not sent again on its own ---------------------------

fn post_fast() -> Options {
    Options::default()
        .method("POST".into())
        .has_body(true)
        .retry(RetryPolicy::default().jitter(0.0).initial_delay_ms(100))
}

/// Cuts the stream at `now`, waits out the reconnect, and returns the head
/// of the next request: `(method, url, last_event_id_header, send_body,
/// resume)`.
fn cut_and_resume(conn: &mut Connection, now: u64) -> (String, String, Option<String>, bool, u32) {
    conn.on_fetch_error(
        now,
        Error::Network {
            message: "reset".into(),
        },
    );
    assert!(ios(conn).is_empty(), "no probe once open");
    conn.on_timer(now + 60_000);
    let Some(Io::Fetch { last_event_id }) = conn.poll_io() else {
        panic!("expected a request");
    };
    let head = conn.request_head("/answer", &last_event_id);
    (
        head.method.to_owned(),
        head.url.into_owned(),
        head.last_event_id_header,
        head.send_body,
        head.resume,
    )
}

#[test]
fn a_resume_function_resumes_a_post_and_its_replays_are_dropped() {
    let mut conn = open(post_fast().resume_with(true));
    conn.on_chunk(1, b"data: {\"seq\":1}\n\nid: 2\ndata: {\"seq\":2}\n\n");
    notices(&mut conn);
    // Cut: the core asks the resume function (attempt 1), with no body
    // and no Last-Event-ID of its own.
    let (_, _, id, send_body, resume) = cut_and_resume(&mut conn, 10);
    assert_eq!((id, send_body, resume), (None, false, 1));
    assert!(conn.idempotency_key(send_body).is_none());
    conn.on_response(70_010, 200, SSE, None);
    // The resumed stream replays 2, then goes on: 2 is dropped.
    conn.on_chunk(
        70_020,
        b"id: 2\ndata: {\"seq\":2}\n\nid: 3\ndata: {\"seq\":3}\n\nid: 1\ndata: {\"seq\":1}\n\n",
    );
    let data: Vec<String> = notices(&mut conn)
        .into_iter()
        .filter_map(|n| match n {
            Notice::Message(e) => Some(e.data),
            _ => None,
        })
        .collect();
    // Once a new event came, later ones are delivered as they are.
    assert_eq!(data, [r#"{"seq":3}"#, r#"{"seq":1}"#]);
}

#[test]
fn a_resume_function_that_gives_no_request_ends_as_the_break_would() {
    let mut conn = open(post_fast().resume_with(true));
    conn.on_chunk(1, b"data: a\n\n");
    notices(&mut conn);
    let (.., resume) = cut_and_resume(&mut conn, 10);
    assert_eq!(resume, 1);
    notices(&mut conn);
    conn.not_resumed();
    assert_eq!(
        fatal(&mut conn),
        Error::Truncated {
            cause: Box::new(Error::Network {
                message: "reset".into()
            })
        }
    );
    // Without an end to reach, as not-resent.
    let mut conn = open(post_fast().resume_with(true).end_event(None));
    let _ = cut_and_resume(&mut conn, 10);
    notices(&mut conn);
    conn.not_resumed();
    assert!(matches!(fatal(&mut conn), Error::NotResent { .. }));
}

#[test]
fn a_resume_the_server_refuses_with_404_or_410_is_resume_expired() {
    for status in [404, 410] {
        let mut conn = open(post_fast().resume_url(Some("/resume".into())));
        conn.on_chunk(1, b"id: 7\ndata: a\n\n");
        notices(&mut conn);
        let (method, url, id, ..) = cut_and_resume(&mut conn, 10);
        assert_eq!(
            (method.as_str(), url.as_str(), id.as_deref()),
            ("GET", "/resume", Some("7"))
        );
        notices(&mut conn);
        conn.on_response_with_body(
            70_010,
            status,
            Some("application/json"),
            None,
            Some("{\"message\":\"gone\"}".into()),
        );
        let error = fatal(&mut conn);
        assert!(
            matches!(&error, Error::ResumeExpired { status: s, body: Some(b) } if *s == status && b.message.as_deref() == Some("gone")),
            "{error:?}"
        );
    }
    // The first request's 404 is an HTTP status, as for any request; so is
    // a GET's resume (the browser's behaviour).
    let mut conn = Connection::new(post_fast(), 1, 0);
    conn.poll_io();
    conn.on_response(0, 404, None, None);
    assert!(matches!(
        fatal(&mut conn),
        Error::HttpStatus { status: 404, .. }
    ));
    let mut conn = open(Options::default());
    conn.on_chunk(1, b"id: 7\ndata: a\n\n");
    notices(&mut conn);
    let _ = cut_and_resume(&mut conn, 10);
    notices(&mut conn);
    conn.on_response(70_010, 404, None, None);
    assert!(matches!(
        fatal(&mut conn),
        Error::HttpStatus { status: 404, .. }
    ));
}

#[test]
fn a_resumed_post_drops_what_the_server_replays_by_id() {
    let messages = |conn: &mut Connection| -> Vec<(String, String)> {
        notices(conn)
            .into_iter()
            .filter_map(|n| match n {
                Notice::Message(e) => Some((e.last_event_id, e.data)),
                _ => None,
            })
            .collect()
    };
    // Numbers: the last ID and lower ones (and the events without an ID
    // that follow them) are replays; the first higher one ends the replay.
    let mut conn = open(post_fast());
    conn.on_chunk(1, b"id: 4\ndata: a\n\ndata: b\n\nid: 5\ndata: c\n\n");
    messages(&mut conn);
    let (.., id, _, _) = cut_and_resume(&mut conn, 10);
    assert_eq!(id.as_deref(), Some("5"));
    conn.on_response(70_010, 200, SSE, None);
    conn.on_chunk(70_020, b"id: 4\ndata: a\n\ndata: b\n\nid: 5\n");
    assert_eq!(messages(&mut conn), []);
    // Still replaying at the end of a chunk: the ID to resume from is
    // still the last one delivered.
    assert_eq!(conn.last_event_id(), "5");
    conn.on_chunk(70_030, b"data: c\n\nid: 6\ndata: d\n\nid: 2\ndata: e\n\n");
    assert_eq!(
        messages(&mut conn),
        [("6".into(), "d".into()), ("2".into(), "e".into())]
    );
    // Other IDs: only the last one itself, and what follows it until a new one.
    let mut conn = open(post_fast());
    conn.on_chunk(1, b"id: x-1\ndata: a\n\nid: x-2\ndata: b\n\n");
    messages(&mut conn);
    let _ = cut_and_resume(&mut conn, 10);
    conn.on_response(70_010, 200, SSE, None);
    conn.on_chunk(70_020, b"id: x-2\ndata: b\n\nid: x-3\ndata: c\n\n");
    assert_eq!(messages(&mut conn), [("x-3".into(), "c".into())]);
    // A GET is left as the browser leaves it: nothing is dropped.
    let mut conn = open(Options::default());
    conn.on_chunk(1, b"id: 5\ndata: c\n\n");
    messages(&mut conn);
    let _ = cut_and_resume(&mut conn, 10);
    conn.on_response(70_010, 200, SSE, None);
    conn.on_chunk(70_020, b"id: 5\ndata: c\n\n");
    assert_eq!(messages(&mut conn), [("5".into(), "c".into())]);
}

#[test]
fn a_resumed_stream_with_a_named_cursor_drops_what_it_replays_by_that_cursor() {
    let data = |conn: &mut Connection| -> Vec<String> {
        notices(conn)
            .into_iter()
            .filter_map(|n| match n {
                Notice::Message(e) => Some(e.data),
                _ => None,
            })
            .collect()
    };
    let seq = |n: u32| format!("data: {{\"type\":\"delta\",\"sequence_number\":{n}}}\n\n");
    let seqs = |r: std::ops::RangeInclusive<u32>| r.map(seq).collect::<String>();
    let options = post_fast()
        .resume_with(true)
        .cursor(Some("sequence_number".into()));
    // No event IDs: a stream resumed by its run, from the start.
    let mut conn = open(options.clone());
    conn.on_chunk(1, seqs(0..=3).as_bytes());
    assert_eq!(data(&mut conn).len(), 4);
    let (.., resume) = cut_and_resume(&mut conn, 10);
    assert_eq!(resume, 1);
    conn.on_response(70_010, 200, SSE, None);
    // 0 to 3 again are dropped; then 4, 5, and what has no cursor.
    conn.on_chunk(70_020, seqs(0..=2).as_bytes());
    assert_eq!(data(&mut conn), Vec::<String>::new());
    // Broken while still replaying: the next resume drops up to 3 still.
    let _ = cut_and_resume(&mut conn, 70_030);
    conn.on_response(140_000, 200, SSE, None);
    conn.on_chunk(
        140_010,
        format!("{}data: [DONE]\n\n", seqs(1..=5)).as_bytes(),
    );
    let got = data(&mut conn);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].ends_with(":4}") && got[1].ends_with(":5}") && got[2] == "[DONE]");
    // A cursor that is not a number is a replay only when it is the last
    // one's; the event IDs are not compared, and stay as the browser
    // keeps them.
    let mut conn = open(options.clone());
    conn.on_chunk(1, b"id: 9\ndata: {\"sequence_number\":\"b\"}\n\n");
    data(&mut conn);
    let (_, _, id, ..) = cut_and_resume(&mut conn, 10);
    // (The resume function's request has no Last-Event-ID of the core's.)
    assert_eq!(id, None);
    conn.on_response(70_010, 200, SSE, None);
    conn.on_chunk(
        70_020,
        b"id: 9\ndata: {\"sequence_number\":\"a\"}\n\nid: 7\ndata: {\"sequence_number\":\"b\"}\n\n",
    );
    assert_eq!(conn.last_event_id(), "7");
    assert_eq!(
        data(&mut conn),
        [r#"{"sequence_number":"a"}"#, r#"{"sequence_number":"b"}"#]
    );
    // Without a resume, nothing is dropped: a GET with a cursor.
    let mut conn = open(Options::default().cursor(Some("sequence_number".into())));
    conn.on_chunk(1, seqs(0..=1).as_bytes());
    data(&mut conn);
    let _ = cut_and_resume(&mut conn, 10);
    conn.on_response(70_010, 200, SSE, None);
    conn.on_chunk(70_020, seqs(0..=1).as_bytes());
    assert_eq!(data(&mut conn).len(), 2);
}

#[test]
fn a_resumed_stream_split_anywhere_loses_nothing_and_a_break_while_replaying_resumes_from_the_same_id(
) {
    let messages = |conn: &mut Connection| -> Vec<String> {
        notices(conn)
            .into_iter()
            .filter_map(|n| match n {
                Notice::Message(e) => Some(format!("{}:{}", e.last_event_id, e.data)),
                _ => None,
            })
            .collect()
    };
    let mut conn = open(post_fast());
    conn.on_chunk(1, b"id: 4\ndata: a\n\n");
    messages(&mut conn);
    let _ = cut_and_resume(&mut conn, 10);
    conn.on_response(70_010, 200, SSE, None);
    // Replayed 3 and 4, then 5 and 6, each cut after its `id:` line.
    let stream = b"id: 3\ndata: x\n\nid: 4\ndata: a\n\nid: 5\ndata: b\n\nid: 6\ndata: c\n\n";
    let mut now = 70_020;
    for piece in stream.split_inclusive(|&b| b == b'\n') {
        now += 1;
        conn.on_chunk(now, piece);
    }
    assert_eq!(messages(&mut conn), ["5:b", "6:c"]);
    // A break while replaying: the next resume is from 6 again, not from
    // the older IDs the replay went through.
    let (.., id, _, _) = cut_and_resume(&mut conn, now);
    assert_eq!(id.as_deref(), Some("6"));
    conn.on_response(now + 70_000, 200, SSE, None);
    conn.on_chunk(now + 70_001, b"id: 2\ndata: old\n\nid: 5\ndata: b\n\n");
    assert_eq!(messages(&mut conn), Vec::<String>::new());
    assert_eq!(conn.last_event_id(), "6");
    let (.., id, _, _) = cut_and_resume(&mut conn, now + 70_002);
    assert_eq!(id.as_deref(), Some("6"));
}

#[test]
fn an_attempt_that_is_not_counted_never_reports_past_the_budget() {
    let policy = RetryPolicy::default().jitter(0.0).max_attempts(Some(2));
    let mut conn = Connection::new(Options::default().retry(policy), 1, 0);
    let mut now = fail_attempts(&mut conn, 2);
    // Two failed attempts: the budget is used up, but an attempt that
    // delivers an event is not counted, and says it is the second.
    conn.on_response(now, 200, SSE, None);
    conn.on_chunk(now + 1, b"data: x\n\n");
    conn.on_eof(now + 2);
    let n = notices(&mut conn);
    assert!(
        matches!(n.last(), Some(Notice::Reconnecting { attempt: 2, .. })),
        "{n:?}"
    );
    now += 100_000;
    conn.on_timer(now);
    conn.poll_io();
    // The next failure is the third: past the budget.
    network_failure(&mut conn, now, net("x"));
    assert!(matches!(
        fatal(&mut conn),
        Error::RetriesExhausted { attempts: 2, .. }
    ));
}

#[test]
fn no_attempts_allowed_never_reconnects_even_after_events() {
    let policy = RetryPolicy::default().max_attempts(Some(0));
    let mut conn = open(Options::default().retry(policy));
    conn.on_chunk(1, b"data: x\n\n");
    conn.on_eof(2);
    let n = notices(&mut conn);
    assert!(
        matches!(&n[..], [Notice::Message(_), Notice::Error { error: Error::RetriesExhausted { attempts: 0, last }, reconnect_in_ms: None }] if **last == Error::StreamEnded),
        "{n:?}"
    );
}

#[test]
fn a_post_paused_while_hidden_resumes_and_drops_what_is_replayed() {
    let mut conn = open(post_fast().pause_when_hidden(true));
    conn.on_chunk(1, b"id: 3\ndata: a\n\n");
    notices(&mut conn);
    assert!(conn.hidden());
    assert_eq!(ios(&mut conn), vec![Io::Abort]);
    conn.wake(10);
    assert_eq!(conn.poll_io(), fetch("3"));
    conn.on_response(20, 200, SSE, None);
    conn.on_chunk(30, b"id: 3\ndata: a\n\nid: 4\ndata: b\n\n");
    let data: Vec<String> = notices(&mut conn)
        .into_iter()
        .filter_map(|n| match n {
            Notice::Message(e) => Some(e.data),
            _ => None,
        })
        .collect();
    assert_eq!(data, ["b"]);
}
