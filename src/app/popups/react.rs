//! The reaction picker (`+` on a selected message): the eight reactions, moved through or
//! picked by number; a pick toggles that reaction, and any other key closes it, back to the
//! selection.

use super::{PopupState, Step, hint};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap, REACT_PICKS};
use crate::protocol::types::REACTIONS;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct React {
    /// The message reacted to.
    pub mid: i64,
    /// The reaction under the cursor (into `REACTIONS`).
    pub index: usize,
}

impl PopupState for React {
    fn context(&self) -> Context {
        Context::React
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "REACT",
            vec![
                hint(keys, Action::ReactRight, "next"),
                hint(keys, Action::ReactPick, "react"),
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
        let n = REACTIONS.len();
        let pick = match action {
            Some(Action::ReactLeft) => {
                self.index = (self.index + n - 1) % n;
                return (Step::Stay, vec![]);
            }
            Some(Action::ReactRight) => {
                self.index = (self.index + 1) % n;
                return (Step::Stay, vec![]);
            }
            Some(Action::ReactPick) => Some(self.index),
            Some(a) => REACT_PICKS.iter().position(|p| *p == a),
            None => None,
        };
        let effects = match pick.and_then(|i| REACTIONS.get(i)) {
            Some(emoji) => app.toggle_reaction(self.mid, emoji),
            None => vec![],
        };
        (Step::Close, effects)
    }
}
