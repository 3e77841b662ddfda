//! A private channel's invite link (`/invite-link`): its keys copy it or open it in the
//! browser, as the meeting link's do; any other key closes it, and so does each of those.

use super::{PopupState, Step, hint};
use crate::app::invite::InviteLink;
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

impl PopupState for InviteLink {
    fn context(&self) -> Context {
        Context::Call
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "INVITE",
            vec![
                hint(keys, Action::CallCopy, "copy"),
                hint(keys, Action::CallOpen, "open"),
                "any other key closes".into(),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        let effects = match action {
            Some(Action::CallCopy) => {
                app.info("invite link copied");
                vec![Effect::CopyText(self.url.clone())]
            }
            Some(Action::CallOpen) => app.open_url(self.url.clone()),
            _ => vec![],
        };
        (Step::Close, effects)
    }
}
