//! The notification rules set at run time: a level per conversation (`/notify all|mentions|
//! none`) and do not disturb (`/dnd [1h]`). Kept with the account's store; the config's
//! per-conversation levels stay the defaults under them.

use super::ConvKey;
use std::collections::BTreeMap;

/// What a conversation's rule lets notify (the config's `NotifyLevel`, one layer down: the
/// app turns one into the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyLevel {
    All,
    Mentions,
    None,
}

/// At most this many conversations keep a level of their own (a bound on what the store
/// holds; past it the lowest-numbered conversation's rule goes, never the one being set).
pub const RULES_MAX: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotifyRules {
    /// The level set for a conversation, over the config's.
    pub conversations: BTreeMap<ConvKey, NotifyLevel>,
    /// Do not disturb until then (ms; `i64::MAX`: until turned off).
    pub dnd_until: Option<i64>,
}

impl NotifyRules {
    /// Whether do not disturb is on at `now_ms`.
    pub fn dnd(&self, now_ms: i64) -> bool {
        self.dnd_until.is_some_and(|until| until > now_ms)
    }

    /// Sets `key`'s level (`None`: back to the config's).
    pub fn set(&mut self, key: ConvKey, level: Option<NotifyLevel>) {
        match level {
            Some(level) => {
                // Past the bound another conversation's rule goes, never the one just set.
                while self.conversations.len() >= RULES_MAX
                    && !self.conversations.contains_key(&key)
                {
                    let other = self.conversations.keys().find(|k| **k != key).copied();
                    match other {
                        Some(k) => self.conversations.remove(&k),
                        None => break,
                    };
                }
                self.conversations.insert(key, level);
            }
            None => {
                self.conversations.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnd_ends_at_its_time_and_a_rule_can_be_taken_back() {
        let mut rules = NotifyRules {
            dnd_until: Some(1_000),
            ..NotifyRules::default()
        };
        assert!(rules.dnd(999));
        assert!(!rules.dnd(1_000));
        rules.set(ConvKey::Group(1), Some(NotifyLevel::None));
        assert_eq!(
            rules.conversations.get(&ConvKey::Group(1)),
            Some(&NotifyLevel::None)
        );
        rules.set(ConvKey::Group(1), None);
        assert!(rules.conversations.is_empty());
        for gid in 0..(RULES_MAX as i64 + 5) {
            rules.set(ConvKey::Group(gid), Some(NotifyLevel::All));
        }
        assert_eq!(rules.conversations.len(), RULES_MAX);
        // The lowest-numbered one set last is kept.
        rules.set(ConvKey::Group(-1), Some(NotifyLevel::None));
        assert_eq!(rules.conversations.len(), RULES_MAX);
        assert_eq!(
            rules.conversations.get(&ConvKey::Group(-1)),
            Some(&NotifyLevel::None)
        );
    }
}
