//! [`Credentials`]: the request's credentials mode.

/// The `credentials` mode of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credentials {
    /// Never send cookies or HTTP authentication.
    Omit,
    /// Send them to the same origin only: the browser's `EventSource`
    /// default (`withCredentials: false`).
    #[default]
    SameOrigin,
    /// Send them cross-origin too (`withCredentials: true`); the server
    /// must allow it with `Access-Control-Allow-Credentials: true`.
    Include,
}
