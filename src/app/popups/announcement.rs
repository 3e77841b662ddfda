//! A channel's whole announcement (its markdown rendered as the timeline renders messages),
//! opened by its key over the open channel; scrolled by the help popup's keys, any other
//! key closes it. It names the channel only: the text is read from the chat when drawn, so
//! a change streamed while it is open shows at once.

use super::{PopupState, Step, scroll_key, scrolled_hints};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnnouncementView {
    pub gid: i64,
    /// Lines scrolled past.
    pub scroll: u16,
}

impl PopupState for AnnouncementView {
    fn context(&self) -> Context {
        Context::Help
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        scrolled_hints(keys, "ANNOUNCEMENT")
    }

    fn on_key(
        &mut self,
        _app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        (scroll_key(&mut self.scroll, action), vec![])
    }
}
