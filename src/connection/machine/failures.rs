//! Failures before or during the body: a failed fetch, and the probe that
//! tells a CORS refusal from a network failure.

use super::{Connection, Inner};
use crate::connection::{Io, PROBE_TIMEOUT_MS};
use crate::error::Error;

impl Connection {
    /// The request or the body failed: [`Error::Network`] or
    /// [`Error::Headers`] reconnect; [`Error::InvalidRequest`] and
    /// [`Error::Aborted`] close for good. A network failure before any
    /// response is first probed for a CORS refusal ([`Io::Probe`]), unless
    /// the URL's scheme is not `http:` or `https:` (`ftp:`, `mailto:`, a
    /// custom scheme `fetch()` does not serve): trying again could never
    /// succeed, so the network failure closes the source, as the browser's
    /// `EventSource` fails such a connection for good.
    #[cfg_attr(npm_size, optimize(size))]
    pub fn on_fetch_error(&mut self, now: u64, error: Error) {
        match (self.inner, error) {
            (
                Inner::Connecting | Inner::Open { .. },
                e @ (Error::InvalidRequest { .. } | Error::Aborted),
            ) => self.fail(e),
            // Another scheme: trying again could never succeed.
            (Inner::Connecting, e @ Error::Network { .. }) if !self.fetching_http => self.fail(e),
            (Inner::Connecting, Error::Network { .. }) if self.cors_suspected => {
                // Failed twice, and the server answered the probe between.
                self.cors_suspected = false;
                self.fail(Error::Cors);
            }
            (Inner::Connecting, Error::Network { message }) => {
                self.inner = Inner::Probing {
                    until: now.saturating_add(PROBE_TIMEOUT_MS),
                };
                self.idle_deadline = None;
                self.probed = message;
                self.io.push_back(Io::Probe);
            }
            (Inner::Connecting | Inner::Open { .. }, e) => self.reconnect(now, e, None),
            _ => {}
        }
    }

    /// The probe asked for by [`Io::Probe`] ended: `refused` is whether
    /// its response was opaque (the server answered; CORS withheld the
    /// failed request's response). Then the request is sent once more at
    /// once; otherwise the failure is a network failure: wait and retry.
    #[inline(never)]
    #[cfg_attr(npm_size, optimize(size))]
    pub fn on_probe(&mut self, now: u64, refused: bool) {
        let Inner::Probing { .. } = self.inner else {
            return;
        };
        let error = Error::Network {
            message: std::mem::take(&mut self.probed),
        };
        if refused && !self.options.resendable() {
            // Not sent twice: one failure and a server that answers is
            // taken as the refusal.
            self.fail(Error::Cors);
        } else if refused {
            self.cors_suspected = true;
            self.start_request(now);
        } else {
            self.reconnect(now, error, None);
        }
    }
}
