//! [`Stats`]: what a connection measured, on the times its driver passes
//! in, in fixed memory; and the [`Diagnostic`]s it recognises in them (the
//! signatures of buffering proxies, compression, idle cuts, HTTP/1.1's
//! connection limit, and servers that cannot be resumed).

/// Gap buckets: gaps under 4 ms have one each, then four per doubling
/// (each about 19% wide), up to `u32::MAX` ms.
#[cfg(feature = "stats")]
const BUCKETS: usize = 124;

/// A read after this much silence that carries a burst is a sign of a
/// buffering intermediary.
#[cfg(feature = "stats")]
const BURST_SILENCE_MS: u64 = 1000;
/// A burst: this many events (or two heartbeats: a server sends them
/// apart) read within [`BURST_WINDOW_MS`] of the read that ended the
/// silence. (A window rather than one read: WebKit hands a buffered burst
/// over in several reads, Chromium in one.)
#[cfg(feature = "stats")]
const BURST_EVENTS: u32 = 4;
/// See [`BURST_EVENTS`].
#[cfg(feature = "stats")]
const BURST_WINDOW_MS: u64 = 10;
/// Bursts seen before [`Diagnostic::Buffered`] is told.
#[cfg(feature = "stats")]
const BURSTS: u8 = 2;
/// The shortest silence before a break that counts as an idle cut.
#[cfg(feature = "stats")]
const CUT_SILENCE_MS: u64 = 1000;
/// Streams open to one origin over HTTP/1.1 that make
/// [`Diagnostic::ConnectionLimit`]: half the browsers' six.
const STREAMS_PER_ORIGIN: u32 = 3;

/// A stream's figures: times to the first response, byte and event, the
/// counts, the reconnects by reason, and the gaps between events. Read with
/// [`Connection::stats`](super::Connection::stats). Times are milliseconds.
/// (With the `stats` feature, on by default.)
#[cfg(feature = "stats")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    /// When the first request was made, and the request in flight.
    started: u64,
    sent: u64,
    /// From the first request to its response's head, its first byte of
    /// body, and the first event.
    pub time_to_head_ms: Option<u64>,
    /// See `time_to_head_ms`.
    pub time_to_first_byte_ms: Option<u64>,
    /// See `time_to_head_ms`.
    pub time_to_first_event_ms: Option<u64>,
    /// From the latest reconnect's request to its first event.
    pub reconnect_to_first_event_ms: Option<u64>,
    /// Events delivered.
    pub events: u64,
    /// Bytes of body read.
    pub bytes: u64,
    /// Comments read (servers send them as heartbeats).
    pub comments: u64,
    /// Reconnects, by the [kind](crate::Error::kind_index) of what broke.
    reasons: [u32; 16],
    gaps: [u32; BUCKETS],
    /// The longest gap between two events.
    pub max_gap_ms: u64,
    last_event: Option<u64>,
    last_byte: Option<u64>,
    /// Whether the request in flight has delivered its first event.
    first_event_seen: bool,
    /// Events and comments of the read being parsed.
    in_read: (u32, u32),
    // What the diagnostics go on: the reads after the latest silence (when
    // the first came, events and comments so far, whether counted).
    burst: Option<(u64, u32, u32, bool)>,
    bursts: u8,
    cut_silence: Option<u64>,
    told: u8,
}

#[cfg(feature = "stats")]
impl Stats {
    pub(super) fn new(now: u64) -> Self {
        Stats {
            started: now,
            sent: now,
            time_to_head_ms: None,
            time_to_first_byte_ms: None,
            time_to_first_event_ms: None,
            reconnect_to_first_event_ms: None,
            events: 0,
            bytes: 0,
            comments: 0,
            reasons: [0; 16],
            gaps: [0; BUCKETS],
            max_gap_ms: 0,
            last_event: None,
            last_byte: None,
            first_event_seen: false,
            in_read: (0, 0),
            burst: None,
            bursts: 0,
            cut_silence: None,
            told: 0,
        }
    }

    /// Reconnects, by the [kind](crate::Error::kind) of what broke (those
    /// that happened, in the order of [`Error::KINDS`](crate::Error::KINDS)).
    pub fn reconnects(&self) -> impl Iterator<Item = (&'static str, u32)> + '_ {
        crate::Error::KINDS
            .iter()
            .zip(self.reasons)
            .filter(|r| r.1 > 0)
            .map(|(kind, n)| (*kind, n))
    }

    /// Reconnects in all.
    pub fn reconnect_count(&self) -> u32 {
        self.reasons.iter().sum()
    }

    /// Reconnects by the [place](crate::Error::kind_index) of the kind of
    /// what broke in [`Error::KINDS`](crate::Error::KINDS).
    pub fn reconnects_by_kind(&self) -> &[u32; 16] {
        &self.reasons
    }

    /// The gap between events that `percent`% of the gaps do not exceed
    /// (50 for the median, 99), within about 12%; `None` before two events.
    pub fn gap_percentile_ms(&self, percent: u32) -> Option<u64> {
        let total: u64 = self.gaps.iter().map(|&n| u64::from(n)).sum();
        let rank = (total * u64::from(percent.min(100))).div_ceil(100).max(1);
        let mut seen = 0;
        for (i, &n) in self.gaps.iter().enumerate() {
            seen += u64::from(n);
            if seen >= rank && total > 0 {
                // The middle of the bucket, never past the longest gap.
                let (low, high) = bucket_range(i);
                return Some((low + (high - low) / 2).min(self.max_gap_ms));
            }
        }
        None
    }

    /// How long nothing has arrived (no byte), at `now`: since the last
    /// byte, or since the request in flight was made.
    pub fn silence_ms(&self, now: u64) -> u64 {
        now.saturating_sub(self.last_byte.unwrap_or(self.sent).max(self.sent))
    }

    pub(super) fn request(&mut self, now: u64) {
        self.sent = now;
        self.first_event_seen = false;
    }

    pub(super) fn head(&mut self, now: u64) {
        if self.time_to_head_ms.is_none() {
            self.time_to_head_ms = Some(now.saturating_sub(self.started));
        }
    }

    /// A read of `bytes` bytes, after its events and comments were counted.
    /// Returns whether it completes the buffering signature.
    pub(super) fn read(&mut self, now: u64, bytes: usize) -> bool {
        if self.time_to_first_byte_ms.is_none() {
            self.time_to_first_byte_ms = Some(now.saturating_sub(self.started));
        }
        let silence = self.silence_ms(now);
        let (events, comments) = std::mem::take(&mut self.in_read);
        self.last_byte = Some(now);
        self.bytes += bytes as u64;
        if silence >= BURST_SILENCE_MS {
            self.burst = Some((now, 0, 0, false));
        }
        if let Some((start, e, c, counted)) = &mut self.burst {
            if now.saturating_sub(*start) > BURST_WINDOW_MS {
                self.burst = None;
            } else {
                *e += events;
                *c += comments;
                if !*counted && (*e >= BURST_EVENTS || *c >= 2) {
                    *counted = true;
                    self.bursts = self.bursts.saturating_add(1);
                }
            }
        }
        self.bursts >= BURSTS
    }

    /// A comment was read.
    pub(super) fn comment(&mut self) {
        self.comments += 1;
        self.in_read.1 += 1;
    }

    /// An event was delivered.
    pub(super) fn event(&mut self, now: u64) {
        self.events += 1;
        self.in_read.0 += 1;
        if !self.first_event_seen {
            self.first_event_seen = true;
            let since = now.saturating_sub(self.sent);
            if self.time_to_first_event_ms.is_none() {
                self.time_to_first_event_ms = Some(now.saturating_sub(self.started));
            } else {
                self.reconnect_to_first_event_ms = Some(since);
            }
        }
        if let Some(last) = self.last_event.replace(now) {
            let gap = now.saturating_sub(last);
            self.max_gap_ms = self.max_gap_ms.max(gap);
            self.gaps[bucket(gap)] += 1;
        }
    }

    /// The stream broke (`error`), or a request failed, and a reconnect
    /// follows. `open`: it was open. Returns the silence before the break
    /// when it is the second cut after about the same silence.
    pub(super) fn reconnect(&mut self, now: u64, error: &crate::Error, open: bool) -> Option<u64> {
        self.reasons[error.kind_index()] += 1;
        let silence = self.silence_ms(now);
        let broke = matches!(
            error,
            crate::Error::StreamEnded | crate::Error::Network { .. }
        );
        if !open || silence < CUT_SILENCE_MS || !broke {
            return None;
        }
        // Within an eighth (or a quarter second) of the last cut's.
        let same = self
            .cut_silence
            .replace(silence)
            .is_some_and(|before| before.abs_diff(silence) <= (before / 8).max(250));
        same.then_some(silence)
    }

    /// Whether an event has been delivered.
    pub(super) fn delivered(&self) -> bool {
        self.events > 0
    }

    /// Whether `diagnostic` is told now: the first time only.
    pub(super) fn tell(&mut self, diagnostic: &Diagnostic) -> bool {
        let bit = 1 << diagnostic.index();
        let first = self.told & bit == 0;
        self.told |= bit;
        first
    }
}

/// Without the `stats` feature (the npm package's modules, until their
/// weight is paid): nothing is measured, no diagnostic is told, and the
/// calls cost nothing.
#[cfg(not(feature = "stats"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Stats;

#[cfg(not(feature = "stats"))]
#[allow(clippy::unused_self)]
impl Stats {
    pub(super) fn new(_now: u64) -> Self {
        Stats
    }
    pub(super) fn request(&mut self, _now: u64) {}
    pub(super) fn head(&mut self, _now: u64) {}
    pub(super) fn read(&mut self, _now: u64, _bytes: usize) -> bool {
        false
    }
    pub(super) fn reconnect(
        &mut self,
        _now: u64,
        _error: &crate::Error,
        _open: bool,
    ) -> Option<u64> {
        None
    }
    pub(super) fn delivered(&self) -> bool {
        false
    }
}

/// The bucket of a gap.
#[cfg(feature = "stats")]
fn bucket(gap: u64) -> usize {
    let gap = gap.min(u64::from(u32::MAX));
    if gap < 4 {
        return gap as usize;
    }
    let octave = 63 - gap.leading_zeros() as usize;
    4 * (octave - 1) + ((gap >> (octave - 2)) & 3) as usize
}

/// The gaps a bucket holds: from the first, to the second (excluded).
#[cfg(feature = "stats")]
fn bucket_range(i: usize) -> (u64, u64) {
    if i < 4 {
        return (i as u64, i as u64 + 1);
    }
    let (octave, quarter) = (i / 4 + 1, (i % 4) as u64);
    ((4 + quarter) << (octave - 2), (5 + quarter) << (octave - 2))
}

/// What is wrong with a stream, and how to fix it: told once per source,
/// with [`Options::diagnose`](super::Options::diagnose), as
/// [`Notice::Diagnostic`](super::Notice::Diagnostic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Diagnostic {
    /// The stream arrives in bursts after silences: something between the
    /// server and the page holds it back until its buffer fills.
    Buffered,
    /// The event stream is compressed (`Content-Encoding`).
    Compressed,
    /// The stream broke twice after the same silence: something cuts idle
    /// connections after `silence_ms`.
    IdleCut {
        /// The silence before the cut.
        silence_ms: u64,
    },
    /// Several streams to one origin over HTTP/1.1, which allows six
    /// connections per origin for the whole browser.
    ConnectionLimit {
        /// The streams open to the origin in this page.
        streams: u32,
    },
    /// The events carry no `id`: a reconnect cannot resume.
    NoResume,
    /// The server never sets `retry:`, and reconnects happen.
    NoRetry,
}

impl Diagnostic {
    /// Every diagnostic's [`code`](Self::code), in order.
    pub const CODES: [&'static str; 6] = [
        "buffered",
        "compressed",
        "idle-cut",
        "connection-limit",
        "no-resume",
        "no-retry",
    ];

    /// Its place in [`CODES`](Self::CODES).
    pub fn index(&self) -> usize {
        match self {
            Diagnostic::Buffered => 0,
            Diagnostic::Compressed => 1,
            Diagnostic::IdleCut { .. } => 2,
            Diagnostic::ConnectionLimit { .. } => 3,
            Diagnostic::NoResume => 4,
            Diagnostic::NoRetry => 5,
        }
    }

    /// Its stable code: `buffered`, `compressed`, `idle-cut`,
    /// `connection-limit`, `no-resume`, `no-retry`.
    pub fn code(&self) -> &'static str {
        Self::CODES[self.index()]
    }

    /// Its measure: the silence before an idle cut, or the streams open to
    /// the origin; 0 for the others.
    pub fn value(&self) -> u64 {
        match *self {
            Diagnostic::IdleCut { silence_ms } => silence_ms,
            Diagnostic::ConnectionLimit { streams } => u64::from(streams),
            _ => 0,
        }
    }

    /// The diagnostic of a code and measure, as [`code`](Self::code) and
    /// [`value`](Self::value) give them.
    pub fn from_code(code: &str, value: u64) -> Option<Self> {
        Some(match code {
            "buffered" => Diagnostic::Buffered,
            "compressed" => Diagnostic::Compressed,
            "idle-cut" => Diagnostic::IdleCut { silence_ms: value },
            "connection-limit" => Diagnostic::ConnectionLimit {
                streams: u32::try_from(value).unwrap_or(u32::MAX),
            },
            "no-resume" => Diagnostic::NoResume,
            "no-retry" => Diagnostic::NoRetry,
            _ => return None,
        })
    }

    /// What it means, in one line.
    pub fn explanation(&self) -> &'static str {
        match self {
            Diagnostic::Buffered => {
                "events arrive in bursts after silences: a proxy, CDN, WAF or antivirus between the server and the page buffers the stream"
            }
            Diagnostic::Compressed => {
                "the event stream is compressed (Content-Encoding): compression middleware holds events back until its buffer fills"
            }
            Diagnostic::IdleCut { .. } => {
                "the stream broke twice after the same silence: an intermediary cuts connections that stay idle that long"
            }
            Diagnostic::ConnectionLimit { .. } => {
                "several streams to one origin over HTTP/1.1, which allows six connections per origin for all tabs together"
            }
            Diagnostic::NoResume => {
                "the events carry no id, so a reconnect cannot resume: what was sent meanwhile is lost"
            }
            Diagnostic::NoRetry => {
                "the server never sets retry:, and the stream reconnects: clients wait whatever their default is"
            }
        }
    }

    /// How to fix it, in one line.
    pub fn fix(&self) -> &'static str {
        match self {
            Diagnostic::Buffered => {
                "send X-Accel-Buffering: no and Cache-Control: no-transform, flush after each event, or pad the stream"
            }
            Diagnostic::Compressed => {
                "exclude text/event-stream from compression (Express compression(), Next.js, Starlette's GZip)"
            }
            Diagnostic::IdleCut { .. } => {
                "send a heartbeat comment (\": ping\") more often than that silence"
            }
            Diagnostic::ConnectionLimit { .. } => {
                "share one connection between sources and tabs (share: true), or serve HTTP/2"
            }
            Diagnostic::NoResume => {
                "give each event an id: and resume from Last-Event-ID on the server"
            }
            Diagnostic::NoRetry => "send retry: <ms> to set how long clients wait before reconnecting",
        }
    }
}

/// The diagnostic for a protocol and the streams open to its origin, if
/// any: HTTP/1.1 with [`STREAMS_PER_ORIGIN`] or more.
pub(super) fn connection_limit(protocol: &str, streams: u32) -> Option<Diagnostic> {
    (protocol.eq_ignore_ascii_case("http/1.1") && streams >= STREAMS_PER_ORIGIN)
        .then_some(Diagnostic::ConnectionLimit { streams })
}

#[cfg(all(test, feature = "stats"))]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_gap_in_order() {
        let mut last = 0;
        for gap in (0..5000).chain([1 << 20, u64::from(u32::MAX), u64::MAX]) {
            let i = bucket(gap);
            assert!(i >= last && i < BUCKETS, "gap {gap}: bucket {i}");
            let (low, high) = bucket_range(i);
            let g = gap.min(u64::from(u32::MAX));
            assert!(low <= g && g < high, "gap {gap} not in {low}..{high}");
            last = i;
        }
    }
}
