//! Transport failures as [`ApiError`]s: a reqwest error becomes `ApiError::Network` with a
//! reason a user can act on and never the URL (it may carry a token).

use crate::protocol::ApiError;

/// A transport failure. Answers are parsed by this crate, not by reqwest, so a reqwest
/// "decode" error is a body that broke off or stalled while being read: network trouble.
pub fn network_error(err: &reqwest::Error) -> ApiError {
    // The URL may carry the SSE token in its query string: never print it.
    ApiError::Network(without_url_string(err))
}

fn without_url_string(err: &reqwest::Error) -> String {
    let mut s = String::new();
    let plain = reqwest_error_kind(err);
    s.push_str(plain);
    let mut source = std::error::Error::source(err);
    // Walk to the innermost cause: that is the one that explains (refused, DNS, TLS…).
    let mut last = None;
    while let Some(e) = source {
        last = Some(e.to_string());
        source = e.source();
    }
    if let Some(cause) = last {
        s.push_str(": ");
        s.push_str(&crate::sanitize::one_line(&cause, 160));
    }
    s
}

fn reqwest_error_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "connection broke while reading"
    } else if e.is_request() {
        "request failed"
    } else {
        "network error"
    }
}
