//! An image preview (`p` on a selected image): the decoded thumbnail; any key closes it.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. The
//! preview's answer (`Msg::Preview`) mostly opens this popup, so it is handled here; it ends
//! the task that fetched the thumbnail through the task table.

use super::{PopupState, Step};
use crate::app::{App, Effect, Outcome, TaskId};
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

impl App {
    /// An image preview is ready (the thumbnail, decoded), or could not be made.
    pub(in crate::app) fn on_preview(
        &mut self,
        task: TaskId,
        result: Outcome<Preview>,
    ) -> Vec<Effect> {
        self.tasks.finish(task);
        match result {
            Ok(p) => self.popups.push(p),
            Err(e) => {
                self.error(format!("preview: {e}"));
                self.on_failure(&e);
            }
        }
        vec![]
    }
}
