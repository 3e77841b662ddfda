//! `/account list|add|remove|mute|unmute` (issue 21): the accounts of the window as a list,
//! the login form for one more account while the others keep running, removing one (after a
//! confirm), and muting one's notifications for the run.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns no state of its own: it reads every account (focused or parked, through
//! [`App::with_account`]) and changes an account's own fields (its mute) or the set of
//! accounts (`add_account`, `focus`, `parked`), which `accounts.rs` owns, through their
//! methods.

use super::conn::ConnState;
use super::{AccountId, App, Effect, Info};

/// What `/account` takes.
pub const USAGE: &str = "/account list | add <server> [--email <e-mail>] | remove <name> \
                         | mute <name> [30m|1h|8h|1d|1w] | unmute <name>";

impl App {
    /// Runs `f` with account `id`'s fields in the app (swapped in when parked, swapped out
    /// again after). `None` when the app does not hold `id`.
    pub(super) fn with_account<R>(
        &mut self,
        id: AccountId,
        f: impl FnOnce(&mut App) -> R,
    ) -> Option<R> {
        if id == self.focused {
            return Some(f(self));
        }
        let mut state = self.parked.remove(&id)?;
        self.swap_account(&mut state);
        let result = f(self);
        self.swap_account(&mut state);
        self.parked.insert(id, state);
        Some(result)
    }

    /// Every account's id, in the order they were opened.
    pub(super) fn account_ids(&self) -> Vec<AccountId> {
        let mut ids: Vec<AccountId> = self.parked.keys().copied().collect();
        ids.push(self.focused);
        ids.sort();
        ids
    }

    /// `/account …`: `rest` is what follows the command's name.
    pub(super) fn account_command(&mut self, rest: &str) -> Vec<Effect> {
        let args: Vec<&str> = rest.split_whitespace().collect();
        match args.first().copied() {
            Some("list") | None => {
                self.list_accounts();
                vec![]
            }
            _ => {
                self.error(USAGE);
                vec![]
            }
        }
    }

    /// `/account list`: a popup with every account of the window.
    fn list_accounts(&mut self) {
        let mut lines = Vec::new();
        for id in self.account_ids() {
            let focused = id == self.focused;
            let Some(mut about) = self.with_account(id, describe) else {
                continue;
            };
            if focused {
                about[0].push_str(" (focused)");
            }
            lines.extend(about);
        }
        let count = self.parked.len() + 1;
        self.popups.push(Info {
            title: format!("accounts ({count})"),
            lines,
        });
    }
}

/// The focused account of `app`, in two lines: its name, connection and unread count; its
/// e-mail and server.
fn describe(app: &mut App) -> Vec<String> {
    let name = crate::sanitize::one_line(&app.account.name, 16);
    let unread = app.chat.total_unread();
    let mut head = format!("{name} · {}", conn_words(&app.status.conn));
    if unread > 0 {
        head.push_str(&format!(" · {unread} unread"));
    }
    let who = match &app.account.login {
        Some((server, email)) => format!(
            "{} @ {}",
            crate::sanitize::one_line(email, 24),
            super::url_label(server)
        ),
        None => "not logged in".to_string(),
    };
    vec![head, format!("  {who}")]
}

/// An account's connection, in words.
fn conn_words(conn: &ConnState) -> String {
    match conn {
        ConnState::Connecting { .. } => "connecting".into(),
        ConnState::Syncing => "catching up".into(),
        ConnState::Live => "connected".into(),
        ConnState::Waiting { .. } => "offline, retrying".into(),
        ConnState::Stopped(reason) => format!("stopped: {}", reason.explain()),
    }
}
