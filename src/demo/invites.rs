//! The test side of invite and login links: links made as an admin would make them (or as
//! the server would mail them), and every token expiring at once.

use super::DemoServer;
use std::time::Duration;

impl DemoServer {
    /// An invite link (`<base>/?magic_token=…#/register`) made by user 1 (the admin), for
    /// channel `gid` if given, good for `ttl`.
    pub fn invite_link(&self, gid: Option<i64>, ttl: Duration) -> Result<String, String> {
        let token = self
            .with_state(|s| s.make_invite(1, gid, ttl))
            .map_err(|r| format!("{r:?}"))?;
        Ok(format!(
            "{}/?magic_token={token}#/register",
            self.base_url()
        ))
    }

    /// The login link the server would mail to `email` (`<base>/#/login?magic_token=…`).
    pub fn login_link(&self, email: &str) -> String {
        let token = self.with_state(|s| s.make_login_token(email, Duration::from_secs(900)));
        format!("{}/#/login?magic_token={token}", self.base_url())
    }

    /// Every invite and login token expires now.
    pub fn expire_links(&self) {
        self.with_state(super::state::State::expire_tokens);
    }

    /// The uid of the account with this e-mail (ignoring case), if there is one.
    pub fn uid_of(&self, email: &str) -> Option<i64> {
        self.with_state(|s| {
            s.users
                .values()
                .find(|u| {
                    u.info
                        .email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(email))
                })
                .map(|u| u.info.uid)
        })
    }
}
