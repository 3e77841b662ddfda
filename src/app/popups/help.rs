//! The help popup (F1, `/help`): the live key map and the commands, scrolled by its own keys;
//! any other key closes it.

use super::{PopupState, Step, scroll_key, scrolled_hints};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Help {
    /// Lines scrolled past.
    pub scroll: u16,
}

impl PopupState for Help {
    fn context(&self) -> Context {
        Context::Help
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        scrolled_hints(keys, "HELP")
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
