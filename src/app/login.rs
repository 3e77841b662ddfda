//! The login form shown when there is no saved session: server (when not given), e-mail and
//! a masked password. With `password_command` configured, the password comes from it. Started
//! from an invite or login link, it is that link's variant (`join.rs`).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the form (`Mode::Login`): its keys and paste are handled here; the login's answer
//! (`Msg::LoggedIn`) changes the account and is handled by `account.rs`.

use super::{App, Effect, Mode};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginField {
    Server,
    /// The new account's name (registering from an invite link).
    Name,
    Email,
    Password,
}

#[derive(Clone, PartialEq)]
pub struct LoginForm {
    pub server: String,
    pub email: String,
    pub password: String,
    pub focus: LoginField,
    pub error: Option<String>,
    pub busy: bool,
    /// The password comes from the configured command.
    pub password_command: Option<String>,
    pub ask_server: bool,
    /// The new account's name (registering from an invite link).
    pub name: String,
    /// The invite or login link the form was started from.
    pub join: Option<super::join::JoinLink>,
    /// It logs in one more account (`/account add`): the others keep running, Esc goes back
    /// to them, and the login opens a new account instead of replacing the focused one.
    pub adding: bool,
}

impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm")
            .field("server", &self.server)
            .field("email", &self.email)
            .field("password", &crate::secret::REDACTED)
            .field("focus", &self.focus)
            .field("error", &self.error)
            .field("busy", &self.busy)
            .field(
                "password_command",
                &self
                    .password_command
                    .as_ref()
                    .map(|_| crate::secret::REDACTED),
            )
            .field("ask_server", &self.ask_server)
            .field("name", &self.name)
            .field("join", &self.join)
            .field("adding", &self.adding)
            .finish()
    }
}

impl LoginForm {
    pub fn new(
        server: Option<String>,
        email: Option<String>,
        password_command: Option<String>,
    ) -> LoginForm {
        let ask_server = server.is_none();
        let focus = if ask_server {
            LoginField::Server
        } else if email.is_none() {
            LoginField::Email
        } else {
            LoginField::Password
        };
        LoginForm {
            server: server.unwrap_or_default(),
            email: email.unwrap_or_default(),
            password: String::new(),
            focus,
            error: None,
            busy: false,
            password_command,
            ask_server,
            name: String::new(),
            join: None,
            adding: false,
        }
    }

    pub(super) fn fields(&self) -> Vec<LoginField> {
        if let Some(join) = &self.join {
            return join.fields();
        }
        let mut f = Vec::new();
        if self.ask_server {
            f.push(LoginField::Server);
        }
        f.push(LoginField::Email);
        if self.password_command.is_none() {
            f.push(LoginField::Password);
        }
        f
    }

    fn current(&mut self) -> &mut String {
        match self.focus {
            LoginField::Server => &mut self.server,
            LoginField::Name => &mut self.name,
            LoginField::Email => &mut self.email,
            LoginField::Password => &mut self.password,
        }
    }

    fn step(&mut self, delta: isize) {
        let fields = self.fields();
        if fields.is_empty() {
            return;
        }
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        self.focus = fields[(i + delta).rem_euclid(fields.len() as isize) as usize];
    }

    pub fn paste(&mut self, text: &str) {
        if self.fields().is_empty() {
            return;
        }
        let line = text.lines().next().unwrap_or("").trim();
        self.current().push_str(line);
    }

    fn submit(&mut self) -> Option<Effect> {
        if self.join.is_some() {
            return self.submit_join();
        }
        let missing = if self.server.trim().is_empty() {
            Some((LoginField::Server, "enter the server address"))
        } else if !self.email.contains('@') {
            Some((LoginField::Email, "enter your e-mail address"))
        } else if self.password_command.is_none() && self.password.is_empty() {
            Some((LoginField::Password, "enter your password"))
        } else {
            None
        };
        if let Some((field, why)) = missing {
            self.focus = field;
            self.error = Some(why.into());
            return None;
        }
        self.error = None;
        self.busy = true;
        Some(match &self.password_command {
            Some(cmd) => Effect::Login {
                server: self.server.trim().into(),
                email: self.email.trim().into(),
                password: cmd.clone().into(),
                password_command: true,
            },
            None => Effect::Login {
                server: self.server.trim().into(),
                email: self.email.trim().into(),
                password: std::mem::take(&mut self.password).into(),
                password_command: false,
            },
        })
    }
}

pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Mode::Login(form) = &mut app.mode else {
        return vec![];
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if form.busy && !(ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('q'))) {
        return vec![];
    }
    match key.code {
        KeyCode::Char('c') | KeyCode::Char('q') if ctrl => app.quit = true,
        // Adding an account: back to the accounts already open, nothing lost.
        KeyCode::Esc if form.adding => {
            app.mode = Mode::Chat;
            app.info(super::account_cmds::ADD_ACCOUNT_CANCELLED);
        }
        KeyCode::Esc => app.quit = true,
        KeyCode::Tab | KeyCode::Down => form.step(1),
        KeyCode::BackTab | KeyCode::Up => form.step(-1),
        KeyCode::Enter => {
            let last = form.fields().last().copied();
            if last.is_some_and(|l| form.focus != l) && form.current().is_empty() {
                form.step(1);
            } else if let Some(e) = form.submit() {
                // One more account: opened beside the others, not in the focused one's place.
                if form.adding {
                    return vec![Effect::AddAccount(Box::new(e))];
                }
                return vec![e];
            }
        }
        // A form with nothing to type (a login link) takes no text.
        _ if form.fields().is_empty() => {}
        KeyCode::Backspace => {
            form.current().pop();
        }
        KeyCode::Char('u') if ctrl => form.current().clear(),
        KeyCode::Char(c) if !ctrl => form.current().push(c),
        _ => {}
    }
    vec![]
}

/// The host of a server URL that would be reached over plain `http://` across a network
/// (loopback is fine): passwords and tokens would travel readable by anyone on the way.
pub fn insecure_host(server: &str) -> Option<String> {
    let trimmed = server.trim();
    if !trimmed.to_ascii_lowercase().starts_with("http://") {
        return None; // https, or no scheme (https is assumed)
    }
    let url = url::Url::parse(trimmed).ok()?;
    let loopback = match url.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    (!loopback).then(|| crate::sanitize::one_line(url.host_str().unwrap_or(""), 60))
}

/// The warning shown when [`insecure_host`] finds one.
pub fn insecure_warning(host: &str) -> String {
    format!("⚠ plain http to {host}: nothing is encrypted")
}

/// Host (and port) of a server URL for the status bar.
pub fn url_label(server: &str) -> String {
    url::Url::parse(server)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| crate::sanitize::one_line(server, 40))
}
