//! Notification rules at run time: `/notify all|mentions|none|default` for the open
//! conversation, `/dnd [30m|1h|…|off]` for every account of the window; which level is in
//! effect for a conversation and why (the rule set here, else the config's level for the
//! conversation, the account's, the config's default).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the rules (`chat.notify_rules`, kept with each account's store through
//! `Effect::SaveNotifyRules`); `notify.rs` asks it which level applies.

use super::search_span::through;
use super::{AccountId, App, Effect};
use crate::config::NotifyLevel;
use crate::model::{ConvKey, NotifyLevel as Rule};

/// A level as the model keeps it.
fn rule(level: NotifyLevel) -> Rule {
    match level {
        NotifyLevel::All => Rule::All,
        NotifyLevel::Mentions => Rule::Mentions,
        NotifyLevel::None => Rule::None,
    }
}

/// A rule as the config's level.
fn level(rule: Rule) -> NotifyLevel {
    match rule {
        Rule::All => NotifyLevel::All,
        Rule::Mentions => NotifyLevel::Mentions,
        Rule::None => NotifyLevel::None,
    }
}

/// How a level is said.
fn level_word(level: NotifyLevel) -> &'static str {
    match level {
        NotifyLevel::All => "all messages",
        NotifyLevel::Mentions => "mentions only",
        NotifyLevel::None => "nothing",
    }
}

impl App {
    /// The level in effect for `key`, and where it comes from.
    pub(super) fn notify_level(&self, key: ConvKey) -> (NotifyLevel, &'static str) {
        if let Some(rule) = self.chat.notify_rules.conversations.get(&key) {
            return (level(*rule), "set with /notify");
        }
        let label = self.conv_label(key);
        if let Some(level) = self.settings.notify.conversations.get(&label) {
            return (*level, "the config's [notifications.conversations]");
        }
        match self.account.notify {
            Some(level) => (level, "the account's notify in the config"),
            None => (
                self.settings.notify.level,
                "the config's notifications.level",
            ),
        }
    }

    /// `/notify [all|mentions|none|default]` in the open conversation: what notifies there
    /// from now on (kept with the store; `default` goes back to the config's); bare, what
    /// notifies there now and why.
    pub(super) fn notify_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let Some(key) = self.timeline.open else {
            self.error("open a conversation first");
            return vec![];
        };
        let label = self.conv_label(key);
        let level = match args {
            [] => {
                let (level, from) = self.notify_level(key);
                let dnd = if self.chat.notify_rules.dnd(self.now_ms) {
                    " (do not disturb is on: nothing notifies now)"
                } else {
                    ""
                };
                self.info(format!(
                    "{label} notifies {} ({from}){dnd}",
                    level_word(level)
                ));
                return vec![];
            }
            ["all"] => Some(NotifyLevel::All),
            ["mentions"] => Some(NotifyLevel::Mentions),
            ["none" | "off"] => Some(NotifyLevel::None),
            ["default"] => None,
            _ => {
                self.error("/notify [all|mentions|none|default]");
                return vec![];
            }
        };
        self.chat.notify_rules.set(key, level.map(rule));
        let (now, from) = self.notify_level(key);
        self.info(match level {
            Some(_) => format!("{label} notifies {} from now on", level_word(now)),
            None => format!("{label} notifies {} again ({from})", level_word(now)),
        });
        vec![Effect::SaveNotifyRules(Box::new(
            self.chat.notify_rules.clone(),
        ))]
    }

    /// `/dnd [30m|1h|8h|1d|off]`: do not disturb in every account of the window, for that
    /// long or until `/dnd off`; bare, it turns it on, or off when it is on.
    pub(super) fn dnd_command(&mut self, args: &[&str]) -> Vec<Effect> {
        let on = self.chat.notify_rules.dnd(self.now_ms);
        let until = match args {
            [] if on => None,
            [] => Some(i64::MAX),
            ["off"] => None,
            [d] => match super::commands::parse_duration(d) {
                Some(seconds) => Some(self.now_ms.saturating_add(seconds.saturating_mul(1000))),
                None => {
                    self.error(format!(
                        "/dnd: {:?} is not a duration like 30m, 1h, 1d (or off)",
                        crate::sanitize::one_line(d, 20)
                    ));
                    return vec![];
                }
            },
            _ => {
                self.error("/dnd [30m|1h|8h|1d|off]");
                return vec![];
            }
        };
        let ids: Vec<AccountId> = self.accounts().iter().map(|a| a.id).collect();
        let mut effects = Vec::new();
        for id in ids {
            let rules = self.with_account(id, |a| {
                a.chat.notify_rules.dnd_until = until;
                a.chat.notify_rules.clone()
            });
            if let Some(rules) = rules {
                effects.push(through(self, id, Effect::SaveNotifyRules(Box::new(rules))));
            }
        }
        self.info(match (until, args) {
            (None, _) => "do not disturb is off: notifications as before".to_string(),
            (Some(_), [d]) => format!("do not disturb for {d}: no bell, no notification"),
            (Some(_), _) => "do not disturb until /dnd off: no bell, no notification".into(),
        });
        effects
    }

    /// Do not disturb, as the status bar says it (`None`: off).
    pub fn dnd_words(&self) -> Option<String> {
        let until = self.chat.notify_rules.dnd_until?;
        if until <= self.now_ms {
            return None;
        }
        Some(if until == i64::MAX {
            "do not disturb".into()
        } else {
            format!(
                "do not disturb until {}",
                crate::timefmt::format(until, self.settings.utc, "%H:%M")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::accounts_tests::{HOME, two_accounts};
    use super::super::tests::{chat, event, synced};
    use super::*;
    use crate::app::update;
    use crate::protocol::ServerEvent;

    fn saved(effects: &[Effect]) -> usize {
        effects
            .iter()
            .filter(|e| match e {
                Effect::SaveNotifyRules(_) => true,
                Effect::For(_, inner) => matches!(**inner, Effect::SaveNotifyRules(_)),
                _ => false,
            })
            .count()
    }

    fn notifies(app: &mut App, mid: i64, gid: i64, text: &str) -> bool {
        app.screen.focused = false;
        let effects = update(app, event(ServerEvent::Chat(chat(mid, 2, gid, text))));
        effects
            .iter()
            .any(|e| matches!(e, Effect::Bell | Effect::Notify { .. }))
    }

    #[test]
    fn a_level_set_for_the_conversation_decides_and_is_kept() {
        let mut app = synced();
        app.settings.notify.bell = true;
        app.settings.notify.level = NotifyLevel::Mentions;
        app.open_conversation(ConvKey::Group(1));
        assert!(
            !notifies(&mut app, 30, 1, "plain"),
            "mentions only, by the config"
        );
        let effects = app.notify_command(&["all"]);
        assert_eq!(saved(&effects), 1);
        assert!(notifies(&mut app, 31, 1, "plain again"));
        assert!(
            app.status
                .notice
                .as_ref()
                .unwrap()
                .text
                .contains("all messages")
        );
        // Bare: what is in effect and why.
        app.notify_command(&[]);
        assert!(
            app.status
                .notice
                .as_ref()
                .unwrap()
                .text
                .contains("set with /notify")
        );
        // Back to the config's.
        app.notify_command(&["default"]);
        assert!(!notifies(&mut app, 32, 1, "plain once more"));
        app.notify_command(&["loud"]);
        assert!(app.status.notice.as_ref().unwrap().error);
    }

    #[test]
    fn dnd_silences_every_account_until_it_ends() {
        let mut app = two_accounts();
        let effects = app.dnd_command(&["1h"]);
        assert_eq!(saved(&effects), 2, "each account keeps it: {effects:?}");
        // The parked account's goes through its own session.
        assert_ne!(app.focused, HOME);
        assert!(
            effects.iter().any(|e| matches!(e, Effect::For(id, inner)
                if *id == HOME && matches!(**inner, Effect::SaveNotifyRules(_)))),
            "{effects:?}"
        );
        let now = app.now_ms;
        assert!(app.chat.notify_rules.dnd(now));
        assert!(
            app.dnd_words()
                .is_some_and(|w| w.starts_with("do not disturb until"))
        );
        let home = app.with_account(HOME, |a| a.chat.notify_rules.dnd(now));
        assert_eq!(home, Some(true));
        // Bare /dnd while on turns it off.
        app.dnd_command(&[]);
        assert!(!app.chat.notify_rules.dnd(now));
        assert_eq!(app.dnd_words(), None);
        app.dnd_command(&["soon"]);
        assert!(app.status.notice.as_ref().unwrap().error);
    }

    #[test]
    fn dnd_stops_the_bell() {
        let mut app = synced();
        app.settings.notify.bell = true;
        app.settings.notify.level = NotifyLevel::All;
        app.open_conversation(ConvKey::Group(1));
        assert!(notifies(&mut app, 40, 1, "ding"));
        app.dnd_command(&[]);
        assert!(!notifies(&mut app, 41, 1, "no ding"));
        app.dnd_command(&["off"]);
        assert!(notifies(&mut app, 42, 1, "ding again"));
    }
}
