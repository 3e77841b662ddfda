//! A channel's pinned messages (`/pins`): newest pin first, `Enter` goes to the message in
//! the timeline (the jump of a search hit), `d` unpins the selected one. The view keeps only
//! the channel and the selected row: the rows are read from the chat each time they are drawn
//! or a key comes, so a pin or an unpin from anywhere shows while it is open.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! popup owns which row is selected; going to a message is the timeline's jump
//! (`jump.rs`), a pin or an unpin the channel's (`message_pins.rs`).

use super::{Popup, PopupState, Popups, Step, hint};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crate::model::ConvKey;
use crossterm::event::KeyEvent;

/// The pins popup of channel `gid`.
#[derive(Debug, Clone, PartialEq)]
pub struct PinnedView {
    pub gid: i64,
    /// The selected row; kept within the rows as they change (`selected_in`).
    pub selected: usize,
}

impl PinnedView {
    pub fn new(gid: i64) -> PinnedView {
        PinnedView { gid, selected: 0 }
    }

    pub fn key(&self) -> ConvKey {
        ConvKey::Group(self.gid)
    }

    /// The selected row among `count` rows (the last one when pins went meanwhile).
    pub fn selected_in(&self, count: usize) -> usize {
        self.selected.min(count.saturating_sub(1))
    }
}

impl Popups {
    /// The pins view, if one is open.
    pub fn pinned_view(&self) -> Option<&PinnedView> {
        self.iter().rev().find_map(|p| match p {
            Popup::Pinned(v) => Some(v),
            _ => None,
        })
    }
}

impl PopupState for PinnedView {
    fn context(&self) -> Context {
        Context::Pinned
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "PINNED",
            vec![
                hint(keys, Action::PinnedOpen, "go to"),
                hint(keys, Action::PinnedUnpin, "unpin"),
                hint(keys, Action::PinnedClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        let pins: Vec<i64> = app
            .chat
            .pinned_in(self.key())
            .iter()
            .map(|p| p.mid)
            .collect();
        self.selected = self.selected_in(pins.len());
        match action {
            Some(Action::PinnedUp) => self.selected = self.selected.saturating_sub(1),
            Some(Action::PinnedDown) => {
                self.selected = (self.selected + 1).min(pins.len().saturating_sub(1));
            }
            Some(Action::PinnedOpen) => {
                if let Some(mid) = pins.get(self.selected) {
                    return (Step::Close, app.jump_to_message(self.key(), *mid));
                }
            }
            Some(Action::PinnedUnpin) => {
                if let Some(mid) = pins.get(self.selected) {
                    return (Step::Stay, app.request_pin(self.gid, *mid, false));
                }
            }
            Some(Action::PinnedClose) => return (Step::Close, vec![]),
            _ => {}
        }
        (Step::Stay, vec![])
    }
}
