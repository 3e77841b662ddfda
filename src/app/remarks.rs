//! Remarks on newer servers (≥ 0.5.0): your own name for a person, shown as
//! `remark (name)` wherever the screen names them (`ChatModel::display_name`). `/remark @name
//! text` sets one, `/remark @name` clears it; applied once the server took it and kept with
//! the store as the `user_remark` event the server sends (lookups by name keep matching the
//! person's own name only: a remark names nobody in a command).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns your remarks as this device changes them (`chat.remarks`); the message that
//! changes them here (`Msg::Remarked`) is handled here, the stream's in the model.

use super::{App, Effect, Outcome};
use crate::model::Feature;
use crate::protocol::ServerEvent;
use crate::protocol::personal::REMARK_MAX_CHARS;

impl App {
    /// `/remark @name [text]` (`rest` is what follows the command's name).
    pub(super) fn remark_command(&mut self, rest: &str) -> Vec<Effect> {
        if !self.offers(Feature::Remarks) {
            self.error("this server has no remarks");
            return vec![];
        }
        let rest = rest.trim();
        let (who, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if !who.starts_with('@') || who.len() < 2 {
            self.error("/remark @name <your name for them> (without one, it clears it)");
            return vec![];
        }
        let uid = match self.resolve_users(&[who]) {
            Ok(uids) => uids[0],
            Err(e) => {
                self.error(e);
                return vec![];
            }
        };
        if Some(uid) == self.chat.me {
            self.error("a remark is your name for someone else");
            return vec![];
        }
        let remark = text.trim();
        if remark.chars().any(char::is_control) {
            self.error("a remark is one line");
            return vec![];
        }
        if remark.chars().count() > REMARK_MAX_CHARS {
            self.error(format!("a remark is at most {REMARK_MAX_CHARS} characters"));
            return vec![];
        }
        vec![Effect::SetRemark {
            uid,
            remark: remark.to_string(),
        }]
    }

    /// The server answered a remark: applied (and kept) on success.
    pub(super) fn on_remarked(
        &mut self,
        uid: i64,
        remark: String,
        result: Outcome<()>,
    ) -> Vec<Effect> {
        match result {
            Ok(()) => {
                let event = ServerEvent::UserRemark {
                    contact_uid: uid,
                    remark,
                };
                self.chat.apply(event.clone());
                let name = crate::sanitize::one_line(&self.chat.user_name(uid), 40);
                self.info(match self.chat.remarks.get(&uid) {
                    Some(r) => format!("@{name} is {r} to you"),
                    None => format!("@{name} has no remark now"),
                });
                let mut effects = vec![Effect::Keep(Box::new(event))];
                effects.extend(self.supported(Feature::Remarks));
                effects
            }
            Err(e) if self.lacks_now(Feature::Remarks, &e) => self.unsupported(Feature::Remarks),
            Err(e) => {
                self.error(format!("remark: {e}"));
                self.on_failure(&e);
                vec![]
            }
        }
    }
}
