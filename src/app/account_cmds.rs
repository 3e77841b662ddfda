//! `/account list|add|remove|mute|unmute` (issue 21): the accounts of the window as a list,
//! the login form for one more account while the others keep running, removing one (after a
//! confirm), and muting one's notifications for the run.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns no state of its own: it reads every account (focused or parked, through
//! `App::with_account`, `accounts.rs`) and changes an account's own fields (its mute) or the set of
//! accounts (`add_account`, `focus`, `parked`), which `accounts.rs` owns, through their
//! methods.

use super::conn::ConnState;
use super::{
    Account, AccountId, AccountState, App, Confirm, Effect, Info, LoggedIn, LoginForm, Mode,
};

/// Said when the login form of `/account add` is closed with Esc.
pub const ADD_ACCOUNT_CANCELLED: &str = "adding an account cancelled";

/// What `/account` takes.
pub const USAGE: &str = "/account list | add <server> [--email <e-mail>] | remove <name> \
                         | mute <name> [30m|1h|8h|1d|1w] | unmute <name> | fold [name]";

impl App {
    /// Every account's id, in the order they were opened.
    pub(super) fn account_ids(&self) -> Vec<AccountId> {
        let mut ids: Vec<AccountId> = self.parked.keys().copied().collect();
        ids.push(self.focused);
        ids.sort();
        ids
    }

    /// The config's account on `server` (with `email`, when the config names one and `email`
    /// is given), if there is one.
    /// A table without an e-mail whose account is already open (by its name) is that
    /// account's, not another person's on the same server.
    fn configured(&self, server: &str, email: Option<&str>) -> Option<&crate::config::Account> {
        let open: Vec<&str> = self.accounts().iter().map(|a| a.name).collect();
        self.settings.accounts.iter().find(|a| {
            same_server(&a.server, server)
                && match (&a.email, email) {
                    (Some(a), Some(e)) => a.eq_ignore_ascii_case(e.trim()),
                    (None, _) => !open.contains(&a.name.as_str()),
                    _ => true,
                }
        })
    }

    /// The account logged in as `email` on `server`, if the window holds it.
    fn account_at(&mut self, server: &str, email: &str) -> Option<AccountId> {
        self.account_ids().into_iter().find(|id| {
            self.with_account(*id, |a| {
                a.account.login.as_ref().is_some_and(|(s, e)| {
                    same_server(s, server) && e.trim().eq_ignore_ascii_case(email.trim())
                })
            })
            .unwrap_or(false)
        })
    }

    /// The account logged in as `uid` on `server`, other than `except`, if the window holds
    /// one.
    fn account_of(&mut self, server: &str, uid: i64, except: AccountId) -> Option<AccountId> {
        self.account_ids()
            .into_iter()
            .filter(|id| *id != except)
            .find(|id| {
                self.with_account(*id, |a| {
                    a.chat.me == Some(uid)
                        && a.account
                            .login
                            .as_ref()
                            .is_some_and(|(s, _)| same_server(s, server))
                })
                .unwrap_or(false)
            })
    }

    /// A name for a new account no other account has: the server's host, else the e-mail,
    /// else the host with the account's number.
    fn new_account_name(&mut self, id: AccountId, server: &str, email: &str) -> String {
        let taken: Vec<String> = self
            .account_ids()
            .into_iter()
            .filter_map(|a| self.with_account(a, |app| app.account.name.clone()))
            .collect();
        let host = crate::config::host_name(server);
        let email = crate::sanitize::one_line(email, 40);
        [host.clone(), email]
            .into_iter()
            .find(|n| !n.is_empty() && !taken.contains(n))
            .unwrap_or_else(|| format!("{host}-{}", id.0))
    }

    /// `/account add <server> [--email <e-mail>]`: the login form for one more account, over
    /// the window; an account already open is focused instead.
    fn add_account_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let (server, email) = match args {
            [server] => (*server, None),
            [server, "--email", email] | ["--email", email, server] => (*server, Some(*email)),
            _ => {
                self.error("/account add <server> [--email <e-mail>]");
                return vec![];
            }
        };
        if let Some(email) = email
            && let Some(id) = self.account_at(server, email)
        {
            return self.focus_existing(id);
        }
        // An account of the config: its e-mail when none is given, its password command.
        let configured = self.configured(server, email).cloned();
        let email = email
            .map(str::to_string)
            .or_else(|| configured.as_ref().and_then(|a| a.email.clone()));
        let command = configured.and_then(|a| a.password_command);
        let from_command = command.is_some();
        let mut form = LoginForm::new(Some(server.to_string()), email, command);
        form.adding = true;
        // No password to type: Enter logs in.
        if from_command {
            form.focus = super::LoginField::Email;
        }
        self.mode = Mode::Login(form);
        vec![]
    }

    /// Focuses account `id`, which a login or `/account add` found already open, and says so.
    fn focus_existing(&mut self, id: AccountId) -> Vec<Effect> {
        let effects = self.focus(id);
        let name = crate::sanitize::one_line(&self.account.name, 16);
        self.info(format!("already open as {name}"));
        effects
    }

    /// A login finished while the form of `/account add` was open: the new account joins the
    /// window and is focused (the one focused until now is parked as it was), so the login's
    /// answer is then handled as the new account's. `Err`: the effects to return instead,
    /// when the login was of an account already open (the new session ends, the open account
    /// is focused). Any other login only gets a name if its account has none.
    pub(super) fn take_added(&mut self, done: &LoggedIn) -> Result<(), Vec<Effect>> {
        if !matches!(&self.mode, Mode::Login(form) if form.adding) {
            // A login with no account left (the last one removed) or none yet: it is named
            // as an added one is.
            if self.account.name.is_empty() {
                self.account.name = self.new_account_name(done.account, &done.server, &done.email);
            }
            return Ok(());
        }
        if let Some(open) = self.account_of(&done.server, done.uid, done.account) {
            self.mode = Mode::Chat;
            let mut effects = vec![Effect::EndAccount {
                account: done.account,
                // The same person on the same server: the saved session is that account's.
                forget_session: false,
            }];
            effects.extend(self.focus_existing(open));
            return Err(effects);
        }
        let configured = self.configured(&done.server, Some(&done.email)).cloned();
        let name = match &configured {
            Some(a) => a.name.clone(),
            None => self.new_account_name(done.account, &done.server, &done.email),
        };
        let account = Account {
            name,
            login: Some((done.server.clone(), done.email.clone())),
            password_command: configured.as_ref().and_then(|a| a.password_command.clone()),
            notify: configured.and_then(|a| a.notify),
            ..Account::default()
        };
        self.add_account(done.account, Some(done.uid), account);
        // Closes the form (it was over the other account's view); nothing to read yet.
        self.focus(done.account);
        Ok(())
    }

    /// The account named `name` (its short name, else its e-mail; case does not matter).
    pub(super) fn account_named(&mut self, name: &str) -> Option<AccountId> {
        let ids = self.account_ids();
        let by = |app: &mut App, f: &dyn Fn(&App) -> bool| {
            ids.iter()
                .copied()
                .find(|id| app.with_account(*id, |a| f(a)).unwrap_or(false))
        };
        by(self, &|a| a.account.name.eq_ignore_ascii_case(name)).or_else(|| {
            by(self, &|a| {
                a.account
                    .login
                    .as_ref()
                    .is_some_and(|(_, email)| email.eq_ignore_ascii_case(name))
            })
        })
    }

    /// `/account remove <name>`: asks first.
    fn remove_account_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let [name] = args else {
            self.error("/account remove <name>");
            return vec![];
        };
        if let Some((id, name)) = self.named_or_error(name) {
            self.popups.push(Confirm::RemoveAccount { id, name });
        }
        vec![]
    }

    /// Account `id` leaves the window (`/account remove`, confirmed): its session ends and
    /// its saved session is deleted (the runtime's part); its store stays. The focused one
    /// hands the window to another account; the last one leaves the login form.
    pub(super) fn remove_account(&mut self, id: AccountId) -> Vec<Effect> {
        let Some(name) = self.with_account(id, |a| a.account.name.clone()) else {
            return vec![];
        };
        let mut effects = vec![Effect::EndAccount {
            account: id,
            forget_session: true,
        }];
        if id == self.focused {
            match self.parked.keys().next().copied() {
                Some(next) => effects.extend(self.focus(next)),
                None => {
                    // The last account: nothing left of it, and the login form.
                    let fresh = App::new(self.keymap.clone(), self.settings.clone(), String::new());
                    let mut gone = AccountState::take_from(fresh);
                    self.swap_account(&mut gone);
                    self.popups.clear();
                    self.mode = Mode::Login(LoginForm::new(None, None, None));
                }
            }
        }
        self.parked.remove(&id);
        self.info(format!(
            "removed the account {}",
            crate::sanitize::one_line(&name, 16)
        ));
        effects
    }

    /// The account named `name`, or an error saying there is none.
    fn named_or_error(&mut self, name: &str) -> Option<(AccountId, String)> {
        let found = self.account_named(name).and_then(|id| {
            self.with_account(id, |a| a.account.name.clone())
                .map(|n| (id, crate::sanitize::one_line(&n, 16)))
        });
        if found.is_none() {
            self.error(format!(
                "no account named {}",
                crate::sanitize::one_line(name, 40)
            ));
        }
        found
    }

    /// `/account mute <name> [duration]`: none of the account's messages notify, for this
    /// run (forever without a duration, until `/account unmute`).
    fn mute_account_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let (name, duration) = match args {
            [name] => (*name, None),
            [name, duration] => (*name, Some(*duration)),
            _ => {
                self.error("/account mute <name> [30m|1h|8h|1d|1w]");
                return vec![];
            }
        };
        let until = match duration {
            None => i64::MAX,
            Some(d) => match super::commands::parse_duration(d) {
                Some(seconds) => self.now_ms.saturating_add(seconds.saturating_mul(1000)),
                None => {
                    self.error(format!(
                        "/account mute: {:?} is not a duration like 30m, 1h, 1d",
                        crate::sanitize::one_line(d, 20)
                    ));
                    return vec![];
                }
            },
        };
        let Some((id, name)) = self.named_or_error(name) else {
            return vec![];
        };
        self.with_account(id, |a| a.account.muted_until = Some(until));
        self.info(match duration {
            Some(d) => format!("muted the account {name} for {d}"),
            None => format!("muted the account {name} (until /account unmute {name})"),
        });
        vec![]
    }

    /// `/account unmute <name>`.
    fn unmute_account_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let [name] = args else {
            self.error("/account unmute <name>");
            return vec![];
        };
        let Some((id, name)) = self.named_or_error(name) else {
            return vec![];
        };
        self.with_account(id, |a| a.account.muted_until = None);
        self.info(format!("unmuted the account {name}"));
        vec![]
    }

    /// `/account fold [name]`: folds the account's sidebar section to its header, or unfolds
    /// it (the focused account's without a name): the keyboard's way to what a click on the
    /// header does.
    fn fold_account_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let id = match args {
            [] => self.focused,
            [name] => match self.named_or_error(name) {
                Some((id, _)) => id,
                None => return vec![],
            },
            _ => {
                self.error("/account fold [name]");
                return vec![];
            }
        };
        self.toggle_section(id);
        vec![]
    }

    /// `/account …`: `rest` is what follows the command's name.
    pub(super) fn account_command(&mut self, rest: &str) -> Vec<Effect> {
        let args: Vec<&str> = rest.split_whitespace().collect();
        match args.first().copied() {
            Some("list") | None => {
                self.list_accounts();
                vec![]
            }
            Some("add") => self.add_account_command(&args[1..]),
            Some("remove") => self.remove_account_command(&args[1..]),
            Some("mute") => self.mute_account_command(&args[1..]),
            Some("unmute") => self.unmute_account_command(&args[1..]),
            Some("fold") => self.fold_account_command(&args[1..]),
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
    if app.account_muted() {
        match app.account.muted_until {
            Some(i64::MAX) | None => head.push_str(" · muted"),
            Some(until) => head.push_str(&format!(
                " · muted {} more",
                left(until.saturating_sub(app.now_ms))
            )),
        }
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

/// Whether two server addresses are the same server (`chat.example.com` is
/// `https://chat.example.com/`).
pub(super) fn same_server(a: &str, b: &str) -> bool {
    let parse = |s: &str| {
        let s = s.trim();
        let full = if s.contains("://") {
            s.to_string()
        } else {
            format!("https://{s}")
        };
        url::Url::parse(&full).ok().map(|u| {
            (
                u.scheme().to_string(),
                u.host_str().map(str::to_ascii_lowercase),
                u.port_or_known_default(),
                u.path().trim_end_matches('/').to_string(),
            )
        })
    };
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// A time left, roughly: `45m`, `3h`, `2d`.
fn left(ms: i64) -> String {
    let minutes = (ms + 59_999) / 60_000;
    match minutes {
        ..60 => format!("{minutes}m"),
        60..2880 => format!("{}h", (minutes + 59) / 60),
        _ => format!("{}d", (minutes + 1439) / 1440),
    }
}
