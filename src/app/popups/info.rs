//! A text popup (`/members`, command output): a title and lines; any key closes it.

use super::{PopupState, Step};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    pub title: String,
    pub lines: Vec<String>,
}

impl PopupState for Info {
    fn context(&self) -> Context {
        Context::Global
    }

    fn hints(&self, _keys: &Keymap) -> (&'static str, Vec<String>) {
        ("VIEW", vec!["any key closes".into()])
    }

    fn on_key(&mut self, _: &mut App, _: &KeyEvent, _: Option<Action>) -> (Step, Vec<Effect>) {
        (Step::Close, vec![])
    }
}
