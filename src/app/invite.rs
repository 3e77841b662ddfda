//! Private-channel invite links of newer servers (`vocechat-newer-servers.md` §13):
//! `/invite-link [duration] [uses]` in an open private channel asks the server for one and
//! shows it (copy, open), and `/join <link>` joins the channel a pasted link invites to.
//! 0.3.3 answers the first 400 and the second 404: the feature hides itself.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns no state of its own: it asks the server, opens the link's popup
//! (`popups/invite.rs`), and hands a joined channel to the chat (`chat.apply`).

use super::contacts::ContactsEffect;
use super::{App, Effect, Failure, Outcome};
use crate::model::{ConvKey, Feature};
use crate::protocol::ApiError;
use crate::protocol::ServerEvent;
use crate::protocol::contacts::parse_private_invite;
use crate::protocol::invite::{on_origin, same_host};
use crate::protocol::types::Group;
use crate::secret::Secret;

/// How long a link lasts and how often it may be used when `/invite-link` does not say (the
/// web client's defaults).
const DEFAULT_EXPIRY_S: i64 = 86_400;
const DEFAULT_USES: i64 = 10_000_000;

/// A private channel's invite link, shown with keys to copy or open it. The link holds a
/// token: `Debug` leaves it out.
#[derive(Clone, PartialEq)]
pub struct InviteLink {
    pub gid: i64,
    pub url: String,
}

impl std::fmt::Debug for InviteLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteLink")
            .field("gid", &self.gid)
            .field("url", &crate::secret::REDACTED)
            .finish()
    }
}

impl App {
    /// `/invite-link [duration] [uses]`.
    pub(super) fn invite_link_command(&mut self, args: &[&str]) -> Vec<Effect> {
        if !self.offers(Feature::PrivateInvite) {
            self.error("this server has no private invite links (try /invite @name)");
            return vec![];
        }
        let gid = match self.timeline.open {
            Some(ConvKey::Group(gid))
                if self.chat.groups.get(&gid).is_some_and(|g| !g.is_public) =>
            {
                gid
            }
            _ => {
                self.error("/invite-link works in a private channel");
                return vec![];
            }
        };
        let expired_in = match args.first() {
            None => DEFAULT_EXPIRY_S,
            Some(d) => match super::commands::parse_duration(d) {
                Some(s) => s,
                None => {
                    self.error("/invite-link [1h|1d|7d…] [uses]");
                    return vec![];
                }
            },
        };
        let max_times = match args.get(1) {
            None => DEFAULT_USES,
            Some(n) => match n.parse::<i64>() {
                Ok(n) if n > 0 => n,
                _ => {
                    self.error("/invite-link [1h|1d|7d…] [uses]");
                    return vec![];
                }
            },
        };
        vec![Effect::Contacts(ContactsEffect::InviteLink {
            gid,
            expired_in,
            max_times,
        })]
    }

    pub(super) fn on_invite_link(&mut self, gid: i64, result: Outcome<Secret>) -> Vec<Effect> {
        match result {
            Ok(url) => {
                // Shown on the account's own origin, as the web client does: the server's
                // idea of its address is often an internal one behind a proxy.
                let server = self.account.login.as_ref().map(|(s, _)| s.as_str());
                let rebuilt = on_origin(url.expose(), server.unwrap_or(url.expose()));
                let Some(url) = rebuilt.map(|u| crate::sanitize::one_line(&u, 4096)) else {
                    self.error("invite link: the server's answer is not a link");
                    return vec![];
                };
                self.popups.push(InviteLink { gid, url });
                self.supported(Feature::PrivateInvite)
            }
            Err(e) => self.refused(Feature::PrivateInvite, &e, "invite link", true),
        }
    }

    /// `/join <link>`.
    pub(super) fn join_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let Some(invite) = args.first().and_then(|l| parse_private_invite(l)) else {
            self.error("/join <invite link> (one with magic_token=…)");
            return vec![];
        };
        if !self.offers(Feature::PrivateInvite) {
            self.error("this server has no private invite links");
            return vec![];
        }
        // The token is for the link's server: never handed to another one.
        let here = self
            .account
            .login
            .as_ref()
            .map(|(server, _)| server.as_str());
        if !here.is_some_and(|s| same_host(s, &invite.origin)) {
            self.error(format!(
                "this link is for {}; log in there",
                super::login::url_label(&invite.origin)
            ));
            return vec![];
        }
        if let Some(gid) = invite.gid
            && self.chat.groups.contains_key(&gid)
        {
            self.info("you are already in this channel");
            return self.open_conversation(ConvKey::Group(gid));
        }
        vec![Effect::Contacts(ContactsEffect::JoinPrivate {
            magic_token: invite.magic_token,
        })]
    }

    pub(super) fn on_joined(&mut self, result: Outcome<Group>) -> Vec<Effect> {
        match result {
            Ok(group) => {
                let gid = group.gid;
                self.info(format!(
                    "joined #{}",
                    crate::sanitize::one_line(&group.name, 40)
                ));
                // The stream's joined_group brings the same; whichever comes first adds it.
                if !self.chat.groups.contains_key(&gid) {
                    self.chat.apply(ServerEvent::JoinedGroup { group });
                }
                let mut effects = self.supported(Feature::PrivateInvite);
                effects.extend(self.open_conversation(ConvKey::Group(gid)));
                effects
            }
            Err(Failure::Api(ApiError::Conflict(_))) => {
                self.error("invite link invalid or expired");
                vec![]
            }
            Err(Failure::Api(ApiError::Server { status: 412, .. })) => {
                self.error("you are already in this channel");
                vec![]
            }
            Err(e) => self.refused(Feature::PrivateInvite, &e, "/join", false),
        }
    }
}
