//! The login session: tokens, their expiry and the device they belong to.

use super::types::{LoginResponse, RenewResponse};
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
            expires_at_ms: super::now_ms() + login.expired_in.max(1) * 1000,
            lifetime_ms: login.expired_in.max(1) * 1000,
        }
    }

    pub fn apply_renew(&mut self, renew: &RenewResponse) {
        self.token = renew.token.clone();
        self.refresh_token = renew.refresh_token.clone();
        self.expires_at_ms = super::now_ms() + renew.expired_in.max(1) * 1000;
        self.lifetime_ms = renew.expired_in.max(1) * 1000;
    }
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
}
