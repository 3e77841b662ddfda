//! Whether a new message deserves a bell or a desktop notification (your level per
//! conversation, then per account, mutes, mentions, whether you are looking), and the text it
//! shows: the same sanitized text the timeline draws, cut to one line, named after its account
//! when the window holds several (`work · #ops: alice`).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! owns no state and changes none: the stream's new messages (`sync.rs`) ask it for effects.

use super::{App, Effect};
use crate::config::NotifyLevel;
use crate::model::ConvKey;

/// How much of a message a notification renders (its body is cut to one line anyway).
const NOTIFY_HEAD_BYTES: usize = 4096;

impl App {
    /// Notifications for a new message `mid` in `key`.
    pub(super) fn notify(&self, key: ConvKey, mid: i64) -> Vec<Effect> {
        let Some(m) = self.chat.message(mid) else {
            return vec![];
        };
        if !self.chat.ready || m.is_expired(self.now_ms) {
            return vec![];
        }
        let looking =
            self.timeline.open == Some(key) && self.screen.focused && self.timeline.scroll == 0;
        if looking {
            return vec![];
        }
        // Do not disturb, a muted account, or one whose level is none: nothing notifies.
        if self.chat.notify_rules.dnd(self.now_ms)
            || self.account_muted()
            || self.account.notify == Some(NotifyLevel::None)
        {
            return vec![];
        }
        let label = self.conv_label(key);
        // The level set with /notify, else the config's for the conversation, the account's,
        // the config's default (`notify_rules.rs`).
        let (level, _) = self.notify_level(key);
        let muted = self.chat.is_muted(key, self.now_ms);
        let wanted = match level {
            NotifyLevel::None => false,
            NotifyLevel::Mentions => m.concerns_me(),
            NotifyLevel::All => !muted || m.concerns_me(),
        } && (!muted || m.concerns_me());
        if !wanted {
            return vec![];
        }
        let mut effects = Vec::new();
        if self.settings.notify.bell {
            effects.push(Effect::Bell);
        }
        if self.settings.notify.desktop {
            let author = crate::present::person(&self.chat, m.from_uid, 32);
            let title = match (key, self.several_accounts()) {
                (ConvKey::Group(_), false) => format!("{author} in {label}"),
                (ConvKey::User(_), false) => author,
                (ConvKey::Group(_), true) => {
                    format!("{} · {label}: {author}", self.focused_account_name())
                }
                (ConvKey::User(_), true) => format!("{} · {author}", self.focused_account_name()),
            };
            let body = if self.settings.notify.hide_text {
                "new message".to_string()
            } else {
                crate::present::Body::of(m)
                    .head(NOTIFY_HEAD_BYTES)
                    .notification(&self.chat)
            };
            effects.push(Effect::Notify { title, body });
        }
        effects
    }

    /// Whether the account in the app's fields is muted (`/account mute`) at this moment.
    pub(super) fn account_muted(&self) -> bool {
        self.account.is_muted(self.now_ms)
    }

    /// The account in the app's fields as a notification names it.
    fn focused_account_name(&self) -> String {
        crate::sanitize::one_line(&self.account.name, 16)
    }
}
