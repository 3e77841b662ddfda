//! Your meeting link (`/call`, `c` on an invite): its keys copy it or open it in the browser;
//! any other key closes it, and so does each of those.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. Asking
//! for the link and its answer (`Msg::CallLink`), which mostly opens this popup, are here; the
//! task that makes the link starts and ends through the task table.

use super::{PopupState, Step, link_hints, link_key};
use crate::app::{App, CallTarget, Effect, Outcome, TaskId, TaskKind};
use crate::keymap::{Action, Context, Keymap};
use crate::protocol::vocespace::CallLink;
use crossterm::event::KeyEvent;

/// Said when the link is copied: it must not be passed on.
const COPIED: &str = "meeting link copied (it joins as you: do not share it)";

impl PopupState for CallLink {
    fn context(&self) -> Context {
        Context::Call
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        link_hints(keys, "CALL")
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        link_key(app, action, &self.url, COPIED)
    }
}

impl App {
    /// Asks for your personal link to a meeting room, with `options` over the config's.
    pub(in crate::app) fn call_link(
        &mut self,
        target: CallTarget,
        options: crate::protocol::vocespace::CallOptions,
    ) -> Vec<Effect> {
        let Some(me) = self.chat.me else {
            return vec![];
        };
        let username = self.chat.user_name(me);
        let avatar_uid = self
            .chat
            .users
            .get(&me)
            .filter(|u| u.avatar_updated_at > 0)
            .map(|u| u.uid);
        let task = self.tasks.start(TaskKind::MeetingLink, self.now_ms);
        vec![Effect::CallLink {
            task,
            target,
            options,
            username,
            avatar_uid,
        }]
    }

    /// A personal meeting link is ready (shown, never posted), or could not be made.
    pub(in crate::app) fn on_call_link(
        &mut self,
        task: TaskId,
        result: Outcome<CallLink>,
    ) -> Vec<Effect> {
        self.tasks.finish(task);
        match result {
            Ok(link) => self.popups.push(link),
            Err(e) => {
                self.error(format!("meeting link: {e}"));
                self.on_failure(&e);
            }
        }
        vec![]
    }
}
