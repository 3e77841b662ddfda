//! The picked files (Alt+X with more than one picked): which one to remove from the next send.
//! It closes with the last one removed.

use super::{PopupState, Step, hint};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Staged {
    /// Into `Composer::staged`.
    pub selected: usize,
}

impl PopupState for Staged {
    fn context(&self) -> Context {
        Context::Staged
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "FILES",
            vec![
                hint(keys, Action::StagedRemove, "remove"),
                hint(keys, Action::StagedClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        let files = &mut app.composer.staged;
        let last = files.len().saturating_sub(1);
        match action {
            Some(Action::StagedUp) => self.selected = self.selected.saturating_sub(1),
            Some(Action::StagedDown) => self.selected = (self.selected + 1).min(last),
            Some(Action::StagedRemove) if self.selected < files.len() => {
                let f = files.remove(self.selected);
                let left = files.len();
                app.info(format!("removed {}", crate::files::shown_name(&f.name, 60)));
                if left == 0 {
                    return (Step::Close, vec![]);
                }
                self.selected = self.selected.min(left - 1);
            }
            Some(Action::StagedClose) | None => return (Step::Close, vec![]),
            _ => {}
        }
        (Step::Stay, vec![])
    }
}
