//! The sidebar of a window holding several accounts (issue 21): on top, across accounts, the
//! conversations that need you (mentions, then direct messages, then channels with unread
//! messages); below, a section per account, its header naming it with its connection state,
//! collapsible. Stepping through conversations (Alt+Up/Down) and jumping to the next unread or
//! mention (Alt+U/Alt+M) cross from one account into the next, focusing it. With one account the
//! sidebar is what it always was: its conversations, nothing else.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns which sections are collapsed (`App::collapsed`) and the moves that focus another
//! account to open one of its conversations; the rows it computes are read by the screen and
//! the mouse alike, so a click lands on what was drawn.

use super::accounts::{AccountId, AccountView};
use super::{App, Effect};
use crate::model::{ChatModel, ConvKey};

/// At most this many conversations are listed under "needs you": the rest are in their
/// sections.
pub const NEEDS_MAX: usize = 6;

/// One row of the sidebar, below its title row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidebarRow {
    /// A conversation of the list of what needs you (several accounts only).
    Needs(AccountId, ConvKey),
    /// An account's section header (several accounts only).
    Header(AccountId),
    /// A conversation in its account's section (with one account: every row).
    Conv(AccountId, ConvKey),
}

/// Why a conversation needs you, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Mention,
    Direct,
    Channel,
}

fn need(chat: &ChatModel, key: ConvKey, now_ms: i64) -> Option<Need> {
    let conv = chat.convs.get(&key)?;
    if conv.mentions > 0 {
        return Some(Need::Mention);
    }
    if conv.unread == 0 || chat.is_muted(key, now_ms) {
        return None;
    }
    Some(match key {
        ConvKey::User(_) => Need::Direct,
        ConvKey::Group(_) => Need::Channel,
    })
}

impl App {
    /// The conversations of a section, in its order (the focused account's may be held still
    /// while it is stepped through).
    fn section(&self, account: &AccountView<'_>) -> Vec<ConvKey> {
        if account.focused {
            self.sidebar()
        } else {
            super::sidebar::order(account.chat, &self.settings)
        }
    }

    /// Every conversation that needs you, across accounts: mentions, then direct messages,
    /// then channels with unread messages (muted ones only for a mention), each kind newest
    /// first. `mentions_only`: the first kind only.
    pub fn needs_you(&self, mentions_only: bool) -> Vec<(AccountId, ConvKey)> {
        let mut found: Vec<(Need, usize, AccountId, ConvKey)> = Vec::new();
        for account in self.accounts() {
            for (rank, key) in account
                .chat
                .conversations_by_activity()
                .into_iter()
                .enumerate()
            {
                match need(account.chat, key, self.now_ms) {
                    Some(Need::Mention) => found.push((Need::Mention, rank, account.id, key)),
                    Some(n) if !mentions_only => found.push((n, rank, account.id, key)),
                    _ => {}
                }
            }
        }
        found.sort();
        found.into_iter().map(|(_, _, id, key)| (id, key)).collect()
    }

    /// Every row of the sidebar, top to bottom.
    pub fn sidebar_rows(&self) -> Vec<SidebarRow> {
        if !self.several_accounts() {
            return self
                .sidebar()
                .into_iter()
                .map(|k| SidebarRow::Conv(self.focused, k))
                .collect();
        }
        let mut rows: Vec<SidebarRow> = self
            .needs_you(false)
            .into_iter()
            .take(NEEDS_MAX)
            .map(|(id, key)| SidebarRow::Needs(id, key))
            .collect();
        for account in self.accounts() {
            rows.push(SidebarRow::Header(account.id));
            if !self.collapsed.contains(&account.id) {
                rows.extend(
                    self.section(&account)
                        .into_iter()
                        .map(|k| SidebarRow::Conv(account.id, k)),
                );
            }
        }
        rows
    }

    /// The rows a sidebar of `height` rows shows: from the top, unless the open
    /// conversation's row would be below the last; then scrolled just enough to show it.
    pub fn sidebar_window(&self, height: usize) -> Vec<SidebarRow> {
        let rows = self.sidebar_rows();
        let open = self
            .timeline
            .open
            .map(|k| SidebarRow::Conv(self.focused, k));
        let at = open.and_then(|o| rows.iter().position(|r| *r == o));
        let skip = match at {
            Some(i) if height > 0 && i >= height => i + 1 - height,
            _ => 0,
        };
        rows.into_iter().skip(skip).take(height).collect()
    }

    /// Opens `key` of `account`, focusing that account first when it is parked.
    pub(super) fn open_in(&mut self, account: AccountId, key: ConvKey) -> Vec<Effect> {
        let mut effects = if account == self.focused {
            vec![]
        } else {
            if !self.parked.contains_key(&account) {
                return vec![];
            }
            self.focus(account)
        };
        effects.extend(self.open_conversation(key));
        effects
    }

    /// Opens a new direct conversation with `uid` in `account` (focusing it first).
    pub(super) fn open_person_in(&mut self, account: AccountId, uid: i64) -> Vec<Effect> {
        let mut effects = if account == self.focused {
            vec![]
        } else {
            if !self.parked.contains_key(&account) {
                return vec![];
            }
            self.focus(account)
        };
        self.chat.convs.entry(ConvKey::User(uid)).or_default();
        effects.extend(self.open_conversation(ConvKey::User(uid)));
        effects
    }

    /// A click on a row: a conversation opens (in its account), a header folds or unfolds
    /// its section.
    pub(super) fn click_row(&mut self, row: SidebarRow) -> Vec<Effect> {
        match row {
            SidebarRow::Needs(id, key) | SidebarRow::Conv(id, key) => self.open_in(id, key),
            SidebarRow::Header(id) => {
                self.toggle_section(id);
                vec![]
            }
        }
    }

    /// Folds account `id`'s section (only its header shows) or unfolds it.
    pub(super) fn toggle_section(&mut self, id: AccountId) {
        if !self.collapsed.remove(&id) {
            self.collapsed.insert(id);
        }
        self.dirty = true;
    }

    /// Alt+Up/Down with several accounts: the conversation `delta` places from the open one
    /// through every unfolded section in turn (wrapping), in the account it belongs to.
    pub(super) fn step_across(&mut self, delta: isize) -> Vec<Effect> {
        // The focused account's order holds still while it is stepped through.
        let held = self.hold_sidebar();
        let mut list: Vec<(AccountId, ConvKey)> = Vec::new();
        for account in self.accounts() {
            if self.collapsed.contains(&account.id) && !account.focused {
                continue;
            }
            if account.focused {
                list.extend(held.iter().map(|k| (account.id, *k)));
            } else {
                let order = super::sidebar::order(account.chat, &self.settings);
                list.extend(order.into_iter().map(|k| (account.id, k)));
            }
        }
        if list.is_empty() {
            return vec![];
        }
        let here = self.timeline.open.map(|k| (self.focused, k));
        let next = match here.and_then(|h| list.iter().position(|x| *x == h)) {
            Some(p) => (p as isize + delta).rem_euclid(list.len() as isize) as usize,
            None => 0,
        };
        let (id, key) = list[next];
        self.open_in(id, key)
    }

    /// Alt+U/Alt+M with several accounts: the most pressing conversation that needs you and
    /// is not the open one, in whichever account it is.
    pub(super) fn jump_across(&mut self, what: &str, mentions_only: bool) -> Vec<Effect> {
        let here = self.timeline.open.map(|k| (self.focused, k));
        match self
            .needs_you(mentions_only)
            .into_iter()
            .find(|n| Some(*n) != here)
        {
            Some((id, key)) => self.open_in(id, key),
            None => {
                self.info(format!("no {what} in any account"));
                vec![]
            }
        }
    }
}
