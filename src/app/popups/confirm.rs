//! A yes/no question before something that cannot be taken back: deleting a message, leaving a
//! channel, opening a link whose text names another target or a file that may run something,
//! rebuilding the local store, logging another device out. Its yes key does it; any other key
//! is no, which closes it back to where it was asked (the selected message, the device list).
//! The linear mode answers it in words (`App::answer_question`).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! popup owns the question; its answer (a key, or `answer_question`) is handled here.

use super::{PopupState, Step, hint};
use crate::app::{App, Effect, Mode};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    Delete(i64),
    /// Several marked messages (newer servers delete them in one request).
    DeleteMany(Vec<i64>),
    Leave(i64),
    /// Clear every message of channel `gid`, for everyone (`/clear`, newer servers).
    ClearChannel(i64),
    /// Open a link whose text differs from its target (the target is shown).
    Open(String),
    /// Download and open a file that is not a plain document or media type (its server
    /// path, and the safe name it is saved and opened under, shown whole).
    OpenFile {
        path: String,
        name: String,
    },
    /// The local store could not be used (why): rebuild it from the server?
    RebuildStore(String),
    /// Log this other device of yours out?
    LogoutDevice(String),
    /// Remove account `id` (named `name`) from the window (`/account remove`)?
    RemoveAccount {
        id: crate::app::AccountId,
        name: String,
    },
}

/// Said when the answer is no.
pub const CANCELLED: &str = "cancelled";

impl PopupState for Confirm {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "CONFIRM",
            vec![
                hint(keys, Action::ConfirmYes, "yes"),
                "any other key no".into(),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        (
            Step::Close,
            self.clone().answer(app, action == Some(Action::ConfirmYes)),
        )
    }
}

impl Confirm {
    /// The answer given: yes does what was asked; no says it was cancelled.
    fn answer(self, app: &mut App, yes: bool) -> Vec<Effect> {
        if !yes {
            app.info(CANCELLED);
            return vec![];
        }
        match self {
            Confirm::Delete(mid) => {
                // The message it selected goes: back to the composer.
                if matches!(app.mode, Mode::Select(_)) {
                    app.mode = Mode::Chat;
                }
                // One the server cleared meanwhile is gone already: nothing to send.
                if app.chat.message(mid).is_some() {
                    app.change(mid, crate::model::Change::Delete)
                } else {
                    vec![]
                }
            }
            Confirm::DeleteMany(mids) => app.delete_many(&mids),
            Confirm::Leave(gid) => vec![Effect::Leave { gid }],
            Confirm::ClearChannel(gid) => vec![Effect::ClearChannel { gid }],
            Confirm::Open(url) => app.open_url(url),
            Confirm::OpenFile { path, name } => app.download(path, name, true),
            Confirm::RebuildStore(_) => vec![Effect::RebuildStore],
            Confirm::LogoutDevice(device) => app.logout_device(device),
            Confirm::RemoveAccount { id, .. } => app.remove_account(id),
        }
    }
}

impl App {
    /// The question on top answered in words (the linear mode's `yes` or anything else):
    /// what its yes or no key would do. Nothing when no question is asked.
    pub fn answer_question(&mut self, yes: bool) -> Vec<Effect> {
        match self.popups.top() {
            Some(crate::app::Popup::Confirm(c)) => {
                let c = c.clone();
                self.popups.pop();
                c.answer(self, yes)
            }
            _ => vec![],
        }
    }
}
