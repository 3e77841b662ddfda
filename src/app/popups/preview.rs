//! An image preview (`p` on a selected image): the decoded thumbnail; any key closes it.

use super::{PopupState, Step};
use crate::app::{App, Effect};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

/// A decoded thumbnail.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub name: String,
    pub image: std::sync::Arc<image::DynamicImage>,
}

impl PopupState for Preview {
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
