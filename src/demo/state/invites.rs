//! Magic tokens, as 0.3.3 has them (protocol §2.8, §2.2) in both profiles: invite links
//! (`create_reg_magic_link`), registration with or without one, the token check, and login
//! with an e-mailed login link (which the demo makes on request instead of mailing it).
//!
//! 0.3.3's rules kept here: a token is good until it expires (its use count is never spent:
//! the real server's counter does not go down); a login link is good only until a newer one is
//! made for the same address; registering with a bad token is 412, logging in with one 400,
//! with a register token 401; a taken name gets four random digits; the e-mail is kept as
//! typed; an invite for a private channel adds the new account to it.

use super::{DemoUser, Outcome, Refusal, State, random_token};
use crate::protocol::invite::RegisterRequest;
use crate::protocol::types::LoginResponse;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What a token lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TokenKind {
    /// Register; a private channel's invite adds the new account to it.
    Register { gid: Option<i64> },
    /// Log in as the account with this e-mail.
    Login { email: String },
}

#[derive(Debug, Clone)]
struct MagicToken {
    kind: TokenKind,
    expires: Instant,
}

/// The server's magic tokens (kept in memory: a restart forgets them, as 0.3.3's do).
#[derive(Debug, Default)]
pub struct Invites {
    tokens: HashMap<String, MagicToken>,
}

/// The longest name the server takes (400 beyond it).
const MAX_NAME: usize = 32;

impl State {
    /// An invite token (`create_reg_magic_link`): `gid` names a channel (a private one needs
    /// its member or an admin: else 403; an unknown one 404).
    pub fn make_invite(&mut self, uid: i64, gid: Option<i64>, ttl: Duration) -> Outcome<String> {
        if let Some(gid) = gid {
            let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
            let admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
            if !g.is_public && !g.members.contains(&uid) && !admin {
                return Err(Refusal::Empty(403));
            }
        }
        Ok(self.add_token(TokenKind::Register { gid }, ttl))
    }

    /// A login link's token for `email`, as `send_login_magic_link` would mail it; it
    /// replaces the address's earlier one.
    pub fn make_login_token(&mut self, email: &str, ttl: Duration) -> String {
        self.invites.tokens.retain(|_, t| {
            t.kind
                != TokenKind::Login {
                    email: email.into(),
                }
        });
        self.add_token(
            TokenKind::Login {
                email: email.into(),
            },
            ttl,
        )
    }

    fn add_token(&mut self, kind: TokenKind, ttl: Duration) -> String {
        let token = random_token();
        self.invites.tokens.insert(
            token.clone(),
            MagicToken {
                kind,
                expires: Instant::now() + ttl,
            },
        );
        token
    }

    /// Every token expires now.
    pub fn expire_tokens(&mut self) {
        self.invites.tokens.clear();
    }

    fn live_token(&self, token: &str) -> Option<&TokenKind> {
        self.invites
            .tokens
            .get(token)
            .filter(|t| t.expires > Instant::now())
            .map(|t| &t.kind)
    }

    /// `check_magic_token`: any live token of this server.
    pub fn token_is_good(&self, token: &str) -> bool {
        self.live_token(token).is_some()
    }

    /// `POST /user/register` (everyone may sign up on the demo, with or without a token).
    pub fn register(&mut self, req: &RegisterRequest) -> Outcome<LoginResponse> {
        let gid = match req.magic_token.as_deref() {
            None => None,
            Some(token) => match self.live_token(token) {
                Some(TokenKind::Register { gid }) => *gid,
                _ => return Err(Refusal::Empty(412)),
            },
        };
        let email = req.email.clone().unwrap_or_default();
        if !plausible_email(&email) {
            return Err(Refusal::Text(
                400,
                "parse request payload error: failed to parse \"Email\"".into(),
            ));
        }
        if req
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NAME)
        {
            return Err(Refusal::Text(
                400,
                format!("parse request payload error: the length of `name` is over {MAX_NAME}"),
            ));
        }
        let taken = |st: &State, e: &str| {
            st.users.values().any(|u| {
                u.info
                    .email
                    .as_deref()
                    .is_some_and(|x| x.eq_ignore_ascii_case(e))
            })
        };
        if taken(self, &email) {
            return Err(Refusal::Text(409, r#"{"reason":"email_conflict"}"#.into()));
        }
        let wanted = req
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| email.split('@').next().unwrap_or("user").to_string());
        let name = self.free_name(&wanted);
        let password = req.password.clone().unwrap_or_default();
        let uid = self.add_user(&name, &email, &password, false, false);
        if let Some(DemoUser { info, .. }) = self.users.get_mut(&uid) {
            info.email = Some(email);
            info.gender = req.gender;
        }
        if let Some(gid) = gid
            && let Some(owner) = self
                .groups
                .get(&gid)
                .filter(|g| !g.is_public)
                .and_then(|g| g.owner)
        {
            let _ = self.add_members(owner, gid, &[uid]);
        }
        self.log_in_as(uid, &req.device)
    }

    /// A login with a login link's token: 400 when it is no token of this server (or
    /// expired), 401 when it is not a login token or its account is gone.
    pub fn login_with_token(&mut self, token: &str, device: &str) -> Outcome<LoginResponse> {
        let email = match self.live_token(token) {
            None => return Err(Refusal::Empty(400)),
            Some(TokenKind::Register { .. }) => return Err(Refusal::Empty(401)),
            Some(TokenKind::Login { email }) => email.clone(),
        };
        let uid = self
            .users
            .values()
            .find(|u| u.info.email.as_deref() == Some(email.as_str()))
            .map(|u| u.info.uid)
            .ok_or(Refusal::Empty(401))?;
        self.log_in_as(uid, device)
    }

    /// `name`, or `name` and four random digits when someone has it (ignoring case).
    fn free_name(&self, name: &str) -> String {
        let taken = |n: &str| {
            self.users
                .values()
                .any(|u| u.info.name.eq_ignore_ascii_case(n))
        };
        if !taken(name) {
            return name.to_string();
        }
        loop {
            let candidate = format!("{name}{}", rand::random_range(1000..10000));
            if !taken(&candidate) {
                return candidate;
            }
        }
    }
}

/// Enough of an e-mail address for the demo: something, `@`, a domain with a dot.
fn plausible_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}
