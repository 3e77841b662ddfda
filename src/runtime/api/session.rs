//! The login session: tokens, their expiry and the device they belong to.

use crate::protocol::types::{LoginResponse, RenewResponse};
use serde::{Deserialize, Serialize};

/// What is needed to act as a logged-in user. Persisted (mode 0600) so the next start needs
/// no password. `Debug` never prints the tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub server_id: String,
    pub uid: i64,
    pub device: String,
    pub token: String,
    pub refresh_token: String,
    /// When the access token expires, in ms since the epoch.
    pub expires_at_ms: i64,
    /// The access token's lifetime as the server announced it (`expired_in`), in ms.
    #[serde(default = "default_lifetime_ms")]
    pub lifetime_ms: i64,
}

fn default_lifetime_ms() -> i64 {
    300_000
}

impl Session {
    pub fn from_login(login: &LoginResponse, device: &str) -> Session {
        Session {
            server_id: login.server_id.clone(),
            uid: login.user.uid,
            device: device.to_string(),
            token: login.token.clone(),
            refresh_token: login.refresh_token.clone(),
            expires_at_ms: expiry_from_now(login.expired_in),
            lifetime_ms: lifetime_ms(login.expired_in),
        }
    }

    pub fn apply_renew(&mut self, renew: &RenewResponse) {
        self.token = renew.token.clone();
        self.refresh_token = renew.refresh_token.clone();
        self.expires_at_ms = expiry_from_now(renew.expired_in);
        self.lifetime_ms = lifetime_ms(renew.expired_in);
    }
}

/// The server's `expired_in` (seconds, any value it likes) as a lifetime in ms: at least 1 s,
/// never overflowing.
fn lifetime_ms(expired_in: i64) -> i64 {
    expired_in.max(1).saturating_mul(1000)
}

fn expiry_from_now(expired_in: i64) -> i64 {
    crate::clock::now_ms().saturating_add(lifetime_ms(expired_in))
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server_id", &self.server_id)
            .field("uid", &self.uid)
            .field("device", &self.device)
            .field("token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

impl Session {
    /// Renew when less than this is left: 20 s, or a quarter of a short lifetime.
    pub fn renew_margin_ms(&self, max_margin_ms: i64) -> i64 {
        max_margin_ms.min(self.lifetime_ms / 4)
    }

    /// Milliseconds of life the access token has left (negative once expired).
    pub fn ms_left(&self) -> i64 {
        self.expires_at_ms.saturating_sub(crate::clock::now_ms())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_tokens() {
        let s = Session {
            server_id: "s".into(),
            uid: 1,
            device: "tui:x".into(),
            token: "SECRET-A".into(),
            refresh_token: "SECRET-R".into(),
            expires_at_ms: 0,
            lifetime_ms: 1,
        };
        let text = format!("{s:?}");
        assert!(!text.contains("SECRET"));
        assert!(text.contains("tui:x"));
    }

    #[test]
    fn hostile_lifetimes_do_not_overflow() {
        use crate::protocol::types::RenewResponse;
        let mut s = Session {
            server_id: "s".into(),
            uid: 1,
            device: "d".into(),
            token: "t".into(),
            refresh_token: "r".into(),
            expires_at_ms: 0,
            lifetime_ms: 1,
        };
        for expired_in in [i64::MAX, i64::MIN, 0, -5] {
            s.apply_renew(&RenewResponse {
                token: "t2".into(),
                refresh_token: "r2".into(),
                expired_in,
            });
            assert!(s.lifetime_ms >= 1000);
            assert!(s.ms_left() > 0 && s.renew_margin_ms(20_000) > 0);
        }
        assert_eq!(lifetime_ms(i64::MAX), i64::MAX);
    }
}
