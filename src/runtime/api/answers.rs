//! Reading answers safely: status checks, bodies read up to a cap (JSON and error text),
//! JSON decoding that recognises an HTML page, and the origin-only description of a
//! redirect target (never its path or query, which may carry a token).

use super::{ApiError, ApiResult, MAX_JSON_BYTES, MAX_TEXT_BYTES, network_error};
use reqwest::Response;
use serde::de::DeserializeOwned;
use url::Url;

pub(super) async fn check_status(resp: Response, what: &str) -> ApiResult<Response> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let text = error_text(resp).await;
    Err(ApiError::from_status(status, &text, what))
}

pub(super) async fn read_json<T: DeserializeOwned>(resp: Response) -> ApiResult<T> {
    let is_html = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let too_large = ApiError::AnswerTooLarge {
        limit_bytes: MAX_JSON_BYTES as u64,
    };
    // A declared length over the limit is not read at all.
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_JSON_BYTES as u64)
    {
        return Err(too_large);
    }
    let (bytes, complete) = read_capped(resp, MAX_JSON_BYTES).await?;
    if !complete {
        return Err(too_large);
    }
    if is_html {
        return Err(ApiError::NotVoceChat(
            "got an HTML page instead of an API answer".into(),
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::NotVoceChat(format!("unexpected answer ({e})")))
}

/// Where a 3xx answer to a request for `from` points, safe to show and log: only the
/// target's origin (scheme, host, port), never its path or query string, which may carry a
/// token.
pub(crate) fn redirect_target(from: &Url, headers: &reqwest::header::HeaderMap) -> String {
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok());
    let Some(location) = location else {
        return "an unspecified address".into();
    };
    match from.join(location.trim()) {
        Ok(target) if matches!(target.scheme(), "http" | "https") => {
            crate::sanitize::one_line(&target.origin().ascii_serialization(), 120)
        }
        Ok(target) => format!(
            "a {}: address",
            crate::sanitize::one_line(target.scheme(), 20)
        ),
        Err(_) => "an unreadable address".into(),
    }
}

/// Reads the body, but no more than `limit` bytes of it: returns what was read and whether
/// that was all. A longer body is abandoned (dropping it closes the connection).
pub(super) async fn read_capped(mut resp: Response, limit: usize) -> ApiResult<(Vec<u8>, bool)> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| network_error(&e))? {
        let room = limit - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, false));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, true))
}

/// The text of an error answer, cut at [`MAX_TEXT_BYTES`]; empty if it cannot be read.
pub(super) async fn error_text(resp: Response) -> String {
    match read_capped(resp, MAX_TEXT_BYTES).await {
        Ok((body, _)) => String::from_utf8_lossy(&body).into_owned(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn redirect_targets_show_only_an_origin() {
        let from = Url::parse("https://chat.example.com/api/user/events?api-key=T").unwrap();
        let target = |location: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(
                reqwest::header::LOCATION,
                HeaderValue::from_str(location).unwrap(),
            );
            redirect_target(&from, &h)
        };
        assert_eq!(
            target("http://evil.example:8080/steal?api-key=T#x"),
            "http://evil.example:8080"
        );
        assert_eq!(target("//evil.example/x?t=1"), "https://evil.example");
        assert_eq!(target("/elsewhere?api-key=T"), "https://chat.example.com");
        assert_eq!(
            target("https://user:SECRET@evil.example/"),
            "https://evil.example"
        );
        assert_eq!(target("ftp://evil.example/file"), "a ftp: address");
        assert_eq!(target("http://[::1"), "an unreadable address");
        assert_eq!(
            redirect_target(&from, &reqwest::header::HeaderMap::new()),
            "an unspecified address"
        );
    }
}
