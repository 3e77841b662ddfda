//! Joining a server from a link given on the command line (issue 20 item 10): an invite link
//! opens the login form as a "create an account" form (name, e-mail, password) after the
//! server has said whether the link is still good; an e-mailed login link logs in at once,
//! without a password, and falls back to the password form when the server refuses it.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the link variant of the login form (`LoginForm.join`): how it is started, what
//! it asks, its submit, the link check's answer (`Msg::InviteChecked`) and what a failed
//! registration or link login does to the form.

use super::login::{LoginField, LoginForm};
use super::{App, Effect, Failure, Mode, Outcome};
use crate::protocol::ApiError;
use crate::protocol::invite::{InviteLink, LinkKind};
use crate::secret::Secret;

/// The link a login form was started from. Its token is a secret: `Debug` never shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct JoinLink {
    pub token: Secret,
    pub kind: LinkKind,
    /// The server said the token is no good: registering is not offered.
    pub expired: bool,
}

/// The longest name the server accepts (protocol §2.8: 400 beyond it).
const MAX_NAME: usize = 32;

impl JoinLink {
    pub(super) fn fields(&self) -> Vec<LoginField> {
        match self.kind {
            LinkKind::Register => vec![LoginField::Name, LoginField::Email, LoginField::Password],
            LinkKind::Login => vec![],
        }
    }
}

impl LoginForm {
    /// The form for a link, and what to do at once: check an invite's token, or log in with
    /// a login link's.
    /// `password_command` serves the password form a refused login link gives way to.
    pub fn for_link(
        link: InviteLink,
        email: Option<String>,
        password_command: Option<String>,
    ) -> (LoginForm, Vec<Effect>) {
        let mut form = LoginForm::new(Some(link.server.clone()), email, password_command);
        let effect = match link.kind {
            LinkKind::Register => {
                form.focus = LoginField::Name;
                Effect::CheckInvite {
                    server: link.server,
                    token: link.token.clone(),
                }
            }
            LinkKind::Login => {
                form.busy = true;
                Effect::LinkLogin {
                    server: link.server,
                    token: link.token.clone(),
                }
            }
        };
        form.join = Some(JoinLink {
            token: link.token,
            kind: link.kind,
            expired: false,
        });
        (form, vec![effect])
    }

    /// Enter on a link's form: register, or try the login link again.
    pub(super) fn submit_join(&mut self) -> Option<Effect> {
        let join = self.join.as_ref()?;
        if join.kind == LinkKind::Login {
            self.error = None;
            self.busy = true;
            return Some(Effect::LinkLogin {
                server: self.server.trim().into(),
                token: join.token.clone(),
            });
        }
        let name = self.name.trim();
        let refusal = if join.expired {
            Some((self.focus, ApiError::InviteExpired.to_string()))
        } else if name.is_empty() {
            Some((LoginField::Name, "enter a name for your account".into()))
        } else if name.chars().count() > MAX_NAME {
            Some((
                LoginField::Name,
                format!("a name has at most {MAX_NAME} characters"),
            ))
        } else if !self.email.contains('@') {
            Some((LoginField::Email, "enter your e-mail address".into()))
        } else if self.password.is_empty() {
            Some((LoginField::Password, "choose a password".into()))
        } else {
            None
        };
        if let Some((field, why)) = refusal {
            self.focus = field;
            self.error = Some(why);
            return None;
        }
        self.error = None;
        self.busy = true;
        Some(Effect::Register {
            server: self.server.trim().into(),
            token: join.token.clone(),
            name: name.into(),
            email: self.email.trim().into(),
            password: std::mem::take(&mut self.password).into(),
        })
    }

    /// A registration or link login failed: the form says why, and a refused login link
    /// gives way to the password form.
    pub(super) fn join_failed(&mut self, failure: &Failure) {
        let Some(join) = &mut self.join else {
            return;
        };
        match join.kind {
            LinkKind::Register => {
                if matches!(failure, Failure::Api(ApiError::InviteExpired)) {
                    join.expired = true;
                } else if matches!(failure, Failure::Api(ApiError::Conflict(_))) {
                    self.focus = LoginField::Email;
                } else {
                    self.focus = LoginField::Password;
                }
            }
            LinkKind::Login => {
                self.join = None;
                self.focus = LoginField::Email;
            }
        }
    }
}

impl App {
    /// The server answered whether an invite link's token is still good.
    pub(super) fn on_invite_checked(&mut self, result: Outcome<bool>) -> Vec<Effect> {
        let Mode::Login(form) = &mut self.mode else {
            return vec![];
        };
        let Some(join) = &mut form.join else {
            return vec![];
        };
        match result {
            Ok(true) => {}
            Ok(false) => {
                join.expired = true;
                form.error = Some(ApiError::InviteExpired.to_string());
            }
            // Registering still says for sure; tell what the check met.
            Err(e) => form.error = Some(format!("could not check the invite link: {e}")),
        }
        vec![]
    }
}
