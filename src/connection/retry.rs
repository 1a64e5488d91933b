//! When to reconnect: the server's `retry:`, exponential backoff with
//! jitter, a ceiling, a floor, and an optional cap on attempts.
//!
//! Pure arithmetic: time is milliseconds given by the caller, randomness is
//! a number in `[0, 1)` given by the caller.

/// How reconnect delays are chosen.
///
/// Attempt 1 (the first reconnect after a healthy connection, or after the
/// very first try failed) waits the **base**: the server's latest `retry:`
/// value, or [`initial_delay_ms`](RetryPolicy::initial_delay_ms) until the
/// server sends one, kept between [`min_delay_ms`](RetryPolicy::min_delay_ms)
/// and [`max_delay_ms`](RetryPolicy::max_delay_ms). That is what the
/// browser's `EventSource` does on every reconnect.
///
/// Each further consecutive attempt `n` raises the ceiling to
/// `base × factor^(n-1)` (at most `max_delay_ms`) and waits a random time
/// between the base and that ceiling: with `jitter = 1.0` uniformly over the
/// whole band ("full jitter" above the base, so clients that lost the same
/// server spread out), with `jitter = 0.0` exactly the ceiling. The server's
/// `retry:` is never undercut.
///
/// After [`max_attempts`](RetryPolicy::max_attempts) consecutive failed
/// attempts the source closes with [`Error::RetriesExhausted`](crate::Error::RetriesExhausted).
/// The budget counts what matters:
///
/// - an attempt that delivered no event with data counts as failed, even
///   if it opened (a server that answers `200` and closes at once runs out
///   of attempts), however long it stayed open with heartbeats only;
/// - one that delivered an event is not counted, and the count starts
///   again only once a connection has stayed open, with events, for the
///   stable window [`healthy_after_ms`](RetryPolicy::healthy_after_ms);
/// - a stream the server ends gracefully with no event, when it can resume
///   from an event ID (the standby stream of an MCP server, closed after
///   its priming event), is a poll: it reconnects after the base delay,
///   and counts against a budget of its own of the same size, unless it
///   stayed open for the stable window.
///
/// The server's `retry:` is capped by [`max_delay_ms`](RetryPolicy::max_delay_ms).
///
/// ```
/// use eventsource_wasm::connection::RetryPolicy;
///
/// let policy = RetryPolicy::default().initial_delay_ms(1000).max_attempts(Some(5));
/// assert_eq!(policy.max_delay_ms, 30_000);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The base delay until the server sends `retry:`. Default 3000 ms, as
    /// in Chromium.
    pub initial_delay_ms: u64,
    /// No delay is shorter, whatever the server says, so `retry: 0` cannot
    /// make a tight reconnect loop. Default 250 ms.
    pub min_delay_ms: u64,
    /// No computed delay is longer, and the server's `retry:` is capped to
    /// it. Default 30 000 ms. (A `Retry-After` header on a retried status
    /// may ask for more, and is honoured.)
    pub max_delay_ms: u64,
    /// Growth of the ceiling per consecutive attempt. Default 2.
    pub factor: f64,
    /// How much of the band between base and ceiling is random, from 0 to 1.
    /// Default 1 (full jitter).
    pub jitter: f64,
    /// Consecutive failed attempts allowed before giving up; `None` (the
    /// default) retries forever, as the browser does, and `Some(0)` never
    /// reconnects.
    pub max_attempts: Option<u32>,
    /// The stable window: a connection open this long, that delivered
    /// events, starts the count of failed attempts again. Default 5000 ms.
    pub healthy_after_ms: u64,
}

crate::setters!(RetryPolicy {
    initial_delay_ms: u64,
    min_delay_ms: u64,
    max_delay_ms: u64,
    factor: f64,
    jitter: f64,
    max_attempts: Option<u32>,
    healthy_after_ms: u64,
});

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial_delay_ms: 3000,
            min_delay_ms: 250,
            max_delay_ms: 30_000,
            factor: 2.0,
            jitter: 1.0,
            max_attempts: None,
            healthy_after_ms: 5000,
        }
    }
}

impl RetryPolicy {
    /// The delay before reconnect attempt `attempt` (1-based), given the
    /// server's `retry:` (if it sent one) and a random number in `[0, 1)`.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn delay_ms(&self, attempt: u32, server_retry_ms: Option<u64>, random: f64) -> u64 {
        let floor = self.min_delay_ms.min(self.max_delay_ms);
        let base = server_retry_ms
            .unwrap_or(self.initial_delay_ms)
            .clamp(floor, self.max_delay_ms);
        if attempt <= 1 {
            return base;
        }
        let growth = self.factor.max(1.0).powi((attempt - 1).min(64) as i32);
        let ceiling = (base as f64 * growth)
            .min(self.max_delay_ms as f64)
            .max(base as f64);
        let jitter = self.jitter.clamp(0.0, 1.0);
        let band = ceiling - base as f64;
        let delay = ceiling - jitter * random.clamp(0.0, 1.0) * band;
        (delay.round() as u64).clamp(base, self.max_delay_ms.max(base))
    }
}

/// A small deterministic random source (SplitMix64), seeded by the caller:
/// the wasm layer seeds it from `Math.random()`, tests from a constant.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// A number in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
