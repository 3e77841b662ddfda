//! A private channel's invite link (`/invite-link`): its keys copy it or open it in the
//! browser, as the meeting link's do; any other key closes it, and so does each of those.

use super::{PopupState, Step, link_hints, link_key};
use crate::app::invite::InviteLink;
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

impl PopupState for InviteLink {
    fn context(&self) -> Context {
        Context::Call
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        link_hints(keys, "INVITE")
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        link_key(app, action, &self.url, "invite link copied")
    }
}
