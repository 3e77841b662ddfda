//! The sidebar order (most recent activity first, then by name), kept incrementally: a new
//! message moves one conversation instead of re-sorting thousands, and presence events do
//! not touch it. Structural changes (conversations added or removed, renames) mark it stale;
//! it is rebuilt once, by a precomputed key, on the next [`super::ChatModel::ensure_order`].

use super::ConvKey;
use std::cmp::{Ordering, Reverse};

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Order {
    keys: Vec<ConvKey>,
    stale: bool,
}

impl Order {
    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// The cached order if it still covers exactly `len` conversations.
    pub fn get(&self, len: usize) -> Option<&[ConvKey]> {
        (!self.stale && self.keys.len() == len).then_some(self.keys.as_slice())
    }

    pub fn set(&mut self, keys: Vec<ConvKey>) {
        self.keys = keys;
        self.stale = false;
    }

    /// Moves `key` to where `cmp` puts it (the rest stays sorted). `cmp(a, b)` orders two
    /// conversations. Marks the order stale if `key` is not in it.
    pub fn reposition(&mut self, key: ConvKey, cmp: impl Fn(ConvKey, ConvKey) -> Ordering) {
        if self.stale {
            return;
        }
        let Some(at) = self.keys.iter().position(|k| *k == key) else {
            self.stale = true;
            return;
        };
        self.keys.remove(at);
        let to = self
            .keys
            .partition_point(|k| cmp(*k, key) == Ordering::Less);
        self.keys.insert(to, key);
    }
}

/// The sort key of one conversation: newest activity first, then name, then key.
pub(super) fn sort_key(
    activity: i64,
    name: String,
    key: ConvKey,
) -> (Reverse<i64>, String, ConvKey) {
    (Reverse(activity), name, key)
}
