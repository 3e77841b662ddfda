//! The API error type: every failure a call can meet, mapped to a message a user can act on.
//! Pure data: the runtime maps transport failures into it (`runtime::api::network_error`), and
//! messages carry it to `update`, which reacts by variant (401, 413…).

use http::StatusCode;

/// A failed API call. `Display` is written for the user, not the developer.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ApiError {
    #[error("wrong password")]
    WrongPassword,
    #[error("no account with that e-mail address on this server")]
    UnknownEmail,
    #[error("this account is frozen; ask the server admin")]
    Frozen,
    #[error("password login is disabled on this server")]
    LoginDisabled,
    /// An invite link's token was refused (`check_magic_token` false, or `register` 412).
    #[error("this invite link has expired; ask for a new one")]
    InviteExpired,
    /// An e-mailed login link's token was refused (used, expired, or not a login link).
    #[error("this login link has expired or was used; ask for a new one or log in with a password")]
    LoginLinkExpired,
    /// The server confirms e-mail addresses before an invite can be used (SMTP is on).
    #[error("this server confirms e-mail addresses first: open the invite link in a browser")]
    ConfirmEmailFirst,
    #[error("session expired or revoked; please log in again")]
    Unauthorized,
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// A 403 whose text says the administrator switched the thing off (newer servers answer
    /// so when `dm_enable`, `add_friend_enable` or `search_user_enable` is off).
    #[error("{0} is disabled by the server's administrator")]
    Disabled(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too large for the server's size limit")]
    TooLarge,
    /// The server's answer was longer than this client reads (a hostile or broken server).
    #[error("the server's answer is over {} MiB; not reading it", .limit_bytes >> 20)]
    AnswerTooLarge { limit_bytes: u64 },
    #[error("the server refused the content type ({0})")]
    UnsupportedMediaType(String),
    #[error("the server's license refused this ({0}); a VoceChat license limit was hit")]
    License(String),
    #[error("the server rejected the request: {0}")]
    BadRequest(String),
    #[error("server error {status}: {body}")]
    Server { status: u16, body: String },
    #[error("cannot reach the server: {0}")]
    Network(String),
    #[error("this does not look like a VoceChat server: {0}")]
    NotVoceChat(String),
    #[error("not logged in")]
    NoSession,
    /// A 3xx answer. Redirects are never followed (they would carry credentials to the new
    /// address); `to` is the target's origin only, without path or query string.
    #[error(
        "the server redirected the request to {to}; not following it (check the server address)"
    )]
    Redirected { to: String },
}

impl ApiError {
    /// Maps a non-success status and its (possibly empty) text body to an error.
    /// `what` names the thing the call was about, for 403/404 messages.
    pub fn from_status(status: StatusCode, body: &str, what: &str) -> ApiError {
        let body = body.trim();
        let detail = |fallback: &str| {
            if body.is_empty() {
                fallback.to_string()
            } else {
                crate::sanitize::one_line(body, 200)
            }
        };
        match status.as_u16() {
            400 => ApiError::BadRequest(detail(what)),
            401 => ApiError::Unauthorized,
            403 if body.contains(DISABLED_BY_ADMIN) => ApiError::Disabled(what.to_string()),
            403 => ApiError::Forbidden(what.to_string()),
            404 => ApiError::NotFound(what.to_string()),
            409 => ApiError::Conflict(conflict_reason(body).unwrap_or_else(|| detail(what))),
            413 => ApiError::TooLarge,
            415 => ApiError::UnsupportedMediaType(detail("unsupported content type")),
            423 => ApiError::Frozen,
            451 => ApiError::License(detail("license check failed")),
            s => ApiError::Server {
                status: s,
                body: detail(status.canonical_reason().unwrap_or("error")),
            },
        }
    }

    /// True when retrying later may succeed (network trouble, 5xx).
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Network(_))
            || matches!(self, ApiError::Server { status, .. } if *status >= 500)
    }
}

/// What newer servers write in a 403 when an administrator switched a feature off (the web
/// client matches this text).
const DISABLED_BY_ADMIN: &str = "disabled by the administrator";

/// 409 bodies are `{"reason": "name_conflict"}` and the like.
fn conflict_reason(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let reason = v.get("reason")?.as_str()?;
    Some(match reason {
        "name_conflict" => "that name is already taken".to_string(),
        "email_conflict" => "that e-mail address is already registered".to_string(),
        other => crate::sanitize::one_line(other, 80),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_clear_errors() {
        let e = ApiError::from_status(
            StatusCode::from_u16(451).unwrap(),
            "License error: Referer is empty.",
            "login",
        );
        assert_eq!(
            e,
            ApiError::License("License error: Referer is empty.".into())
        );
        assert!(e.to_string().contains("license"));
        assert_eq!(
            ApiError::from_status(
                StatusCode::CONFLICT,
                r#"{"reason":"name_conflict"}"#,
                "rename"
            ),
            ApiError::Conflict("that name is already taken".into())
        );
        assert_eq!(
            ApiError::from_status(StatusCode::PAYLOAD_TOO_LARGE, "", "upload"),
            ApiError::TooLarge
        );
        assert_eq!(
            ApiError::from_status(StatusCode::UNAUTHORIZED, "authorization error", "me"),
            ApiError::Unauthorized
        );
        assert_eq!(
            ApiError::from_status(StatusCode::NOT_FOUND, "", "user 9"),
            ApiError::NotFound("user 9".into())
        );
        assert!(matches!(
            ApiError::from_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the `Content-Type` requested",
                "send"
            ),
            ApiError::UnsupportedMediaType(_)
        ));
        assert!(ApiError::from_status(StatusCode::BAD_GATEWAY, "", "x").is_transient());
        assert!(!ApiError::from_status(StatusCode::FORBIDDEN, "", "x").is_transient());
    }

    #[test]
    fn a_refusal_the_administrator_switched_on_is_told_apart() {
        assert_eq!(
            ApiError::from_status(
                StatusCode::FORBIDDEN,
                "direct message is disabled by the administrator",
                "send"
            ),
            ApiError::Disabled("send".into())
        );
        assert_eq!(
            ApiError::from_status(StatusCode::FORBIDDEN, "blocked", "send"),
            ApiError::Forbidden("send".into())
        );
    }

    #[test]
    fn hostile_error_bodies_are_sanitized() {
        let e = ApiError::from_status(StatusCode::BAD_REQUEST, "bad\x1b[2Jthing\nnext", "x");
        let text = e.to_string();
        assert!(!text.contains('\x1b'));
        assert!(!text.contains('\n'));
    }
}
