//! The account: who is logged in on which server (for a new login when the session ends) and
//! whether the local store can be used this run. A login's answer makes the app that account's:
//! a different person starts from an empty chat, the same one (a session that expired) keeps
//! everything.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the account; the messages that change it (`Msg::LoggedIn`, `Msg::LoggedOut`,
//! `Msg::StoreUnusable`) are handled here. The login form itself (its fields and keys) is
//! `login.rs`.

use super::login::{LoginField, insecure_host, url_label};
use super::{App, Confirm, Effect, LoggedIn, Mode, Outcome};
use crate::model::ChatModel;

/// The logged-in account, for a new login when the session ends.
#[derive(Debug, Default)]
pub struct Account {
    /// Its short name, shown in the sidebar's section header, the composer's title and the
    /// status bar when the window holds several accounts (the config's `name`, else the
    /// server's host or the e-mail). Sanitized by whoever sets it.
    pub name: String,
    /// (server, e-mail).
    pub login: Option<(String, String)>,
    pub password_command: Option<String>,
    /// Which of its new messages notify (the config's `[[account]] notify`); `None`: as
    /// `[notifications]` says.
    pub notify: Option<crate::config::NotifyLevel>,
    /// Muted for this run until then (`/account mute`; `i64::MAX`: until unmuted): none of
    /// its messages notify.
    pub muted_until: Option<i64>,
    /// The offer to rebuild the store, made while the account was parked (nothing can open
    /// over the window then): made when it is focused.
    pub rebuild_offer: Option<String>,
    /// The local store could not be used this run: messages let go of could only be paged
    /// back from the server, without their later edits and likes, so none are let go.
    pub without_store: bool,
}

impl Account {
    /// Whether its notifications are off at `now_ms` (`/account mute`).
    pub fn is_muted(&self, now_ms: i64) -> bool {
        self.muted_until.is_some_and(|t| t > now_ms)
    }
}

impl App {
    /// A login finished: the app is that account's now (and the stream may start), or the
    /// form says why not.
    pub(super) fn on_logged_in(&mut self, result: Outcome<Box<LoggedIn>>) -> Vec<Effect> {
        match result {
            Ok(done) => {
                // `/account add`: the new account joins the window first (account_cmds.rs).
                if let Err(effects) = self.take_added(&done) {
                    return effects;
                }
                let same_account = self.chat.me == Some(done.uid)
                    && self.account.login.as_ref().is_some_and(|(server, email)| {
                        *server == done.server && email.eq_ignore_ascii_case(&done.email)
                    });
                if !same_account {
                    self.chat = ChatModel::new(done.uid);
                    self.timeline.open = None;
                }
                // Logging in again as the same person (the session expired or was revoked)
                // keeps everything: the conversations, unsent messages and the draft.
                if let Some(u) = done.user {
                    self.chat.users.insert(u.uid, u);
                }
                self.status.server_label = url_label(&done.server);
                self.status.insecure = insecure_host(&done.server);
                self.account.login = Some((done.server.clone(), done.email.clone()));
                // The window's account is the one this login opened (a parked account is
                // handled under its own id already).
                if !self.parked.contains_key(&done.account) {
                    self.focused = done.account;
                }
                self.mode = Mode::Chat;
                self.info(format!(
                    "logged in as {}",
                    crate::sanitize::one_line(&done.email, 60)
                ));
                vec![Effect::StartSync]
            }
            Err(e) => {
                if let Mode::Login(form) = &mut self.mode {
                    form.busy = false;
                    form.error = Some(e.to_string());
                    if form.join.is_some() {
                        form.join_failed(&e);
                    } else if form.password_command.is_none() {
                        form.focus = LoginField::Password;
                    }
                } else {
                    self.error(e.to_string());
                }
                vec![]
            }
        }
    }

    /// This device was logged out (`/logout`): the program ends, or, with other accounts in
    /// the window, the account leaves it (as `/account remove` does) and the others go on.
    pub(super) fn on_logged_out(&mut self) -> Vec<Effect> {
        if self.several_accounts() {
            return self.remove_account(self.focused);
        }
        self.quit = true;
        vec![]
    }

    /// The local store cannot be used (`why`): the app goes on without it, and offers to
    /// rebuild it from the server when nothing else is asked.
    pub(super) fn on_store_unusable(&mut self, why: String) -> Vec<Effect> {
        self.account.without_store = true;
        self.error(format!("{why}; going on without it"));
        if self.popups.is_empty() && matches!(self.mode, Mode::Chat | Mode::Select(_)) {
            self.popups.push(Confirm::RebuildStore(why));
        }
        vec![]
    }
}
