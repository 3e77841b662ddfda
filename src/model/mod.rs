//! The conversation state folded from the server's append-only log: users, presence,
//! channels, DMs, messages (with edits, likes, deletes and replies applied), read markers,
//! unread and mention counts, mutes, burn-after-reading, pins and the resume cursor.
//!
//! Pure code: no I/O, no clocks except values passed in. Every fold is idempotent, so replays,
//! reconnects and overlapping history pages never double anything.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

mod archives;
pub mod capabilities;
mod changes;
mod chat;
mod cleared;
mod contacts;
mod conversation;
mod directory;
mod link_previews;
mod message;
mod names;
mod notify_rules;
mod order;
mod pending;
mod personal;
mod pinned;
mod search;
mod staged;
mod window;

pub use archives::{
    ARCHIVE_KEPT, ARCHIVE_NAME_CHARS, ARCHIVE_TEXT_BYTES, ARCHIVES_MAX, ArchiveState, Archives,
    Forward, Forwarded,
};
pub use capabilities::{Capabilities, Feature, Support};
pub use changes::{Change, PendingChange, Queued};
pub use cleared::{Cleared, ClearedNow, FENCES_MAX, Fence};
pub use contacts::{ContactStatus, Contacts, DmGate};
pub use conversation::{ConvKey, Conversation, Dropped, Mute, Source};
pub use link_previews::{IN_FLIGHT_MAX, LinkPreview, LinkPreviews, PREVIEWS_MAX};
pub use message::{Message, mentions};
pub use names::named;
pub use notify_rules::{NotifyLevel, NotifyRules, RULES_MAX};
pub use pending::{PendingMessage, PendingState, UploadProgress};
pub use personal::{ANNOUNCEMENT_MAX_BYTES, ANNOUNCEMENTS_MAX, REMARKS_MAX, pinned_key};
pub use pinned::PINNED_MAX;
pub use search::{
    Coverage, SEARCH_LIMIT, SavedItem, SavedPlace, SearchHit, SearchQuery, SearchResults,
};
pub use staged::{OpenFile, Staged};
pub use window::{BACKGROUND_ABOVE, BACKGROUND_TO, ORPHAN_CAP, TRIM_ABOVE, TRIM_TO};

use crate::protocol::ServerEvent;
use crate::protocol::types::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What an applied event changed, for the caller (notifications, redraw decisions).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Applied {
    /// A conversation whose content or counts changed.
    pub conv: Option<ConvKey>,
    /// A new message (not a reaction) from someone else.
    pub new_message: Option<i64>,
    /// Users, groups or settings changed (sidebar, names).
    pub directory: bool,
}

/// The conversation a chat record belongs to, seen by `me`: a channel, or the DM with the
/// other person (your own DM records name the peer as their target). The store files records
/// by the same rule.
pub fn conv_of(me: Option<i64>, msg: &ChatMessage) -> ConvKey {
    match msg.target {
        Target::Group { gid } => ConvKey::Group(gid),
        Target::User { uid } if Some(msg.from_uid) == me => ConvKey::User(uid),
        Target::User { .. } => ConvKey::User(msg.from_uid),
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatModel {
    pub me: Option<i64>,
    pub users: BTreeMap<i64, UserInfo>,
    pub online: HashSet<i64>,
    pub groups: BTreeMap<i64, Group>,
    pub convs: HashMap<ConvKey, Conversation>,
    pub mutes: HashMap<ConvKey, Mute>,
    /// Burn-after-reading seconds for messages *you* send to a conversation.
    pub burn: HashMap<ConvKey, i64>,
    pub after_mid: Option<i64>,
    pub users_version: Option<i64>,
    /// `ready` seen on the current connection.
    pub ready: bool,
    /// Edits, reactions and deletes the server has not acknowledged, oldest first.
    pub changes: Vec<PendingChange>,
    /// How many loaded replies quote each message (deleted ones not counted).
    reply_counts: HashMap<i64, u32>,
    /// A `related_groups` snapshot has arrived: chat for unknown groups can be dropped.
    pub(crate) groups_known: bool,
    mid_conv: HashMap<i64, ConvKey>,
    /// Reactions whose target is not loaded yet (history paged backwards), by target mid.
    orphan_reactions: BTreeMap<i64, Vec<ChatMessage>>,
    /// How many records `orphan_reactions` holds.
    orphans: usize,
    order: order::Order,
    /// What the server can do (kept with the store, probed at each start).
    pub server: Capabilities,
    /// Notification rules set at run time (kept with the store).
    pub notify_rules: NotifyRules,
    /// History the server cleared: nothing at or below these fences is taken in again.
    pub cleared: Cleared,
    /// The chats pinned on the server, first first; `None` until a newer server says
    /// (`personal.rs`).
    pub pins: Option<Vec<ConvKey>>,
    /// Your names for people (remarks), one sanitized line each, by uid.
    pub remarks: BTreeMap<i64, String>,
    /// Channels' announcements, by gid.
    pub announcements: BTreeMap<i64, crate::protocol::newer::GroupAnnouncement>,
    /// Your contacts' statuses (newer servers; `GET /user/contacts` after each connect).
    pub contacts: Contacts,
    /// Forwarded archives fetched, by path (`archives.rs`).
    pub archives: Archives,
    /// Link previews (`ui.link_previews`): the answers kept with the store, the requests.
    pub link_previews: LinkPreviews,
}

impl ChatModel {
    pub fn new(me: i64) -> ChatModel {
        ChatModel {
            me: Some(me),
            ..ChatModel::default()
        }
    }

    pub fn user_name(&self, uid: i64) -> String {
        self.users
            .get(&uid)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("user {uid}"))
    }

    /// A conversation's name as the screen shows it (a person with your remark for them).
    pub fn conv_name(&self, key: ConvKey) -> String {
        match key {
            ConvKey::Group(_) => self.conv_real_name(key),
            ConvKey::User(uid) => self.display_name(uid),
        }
    }

    /// A conversation's own name, as lookups by name match it (no remark).
    pub fn conv_real_name(&self, key: ConvKey) -> String {
        match key {
            ConvKey::Group(gid) => self
                .groups
                .get(&gid)
                .map(|g| g.name.clone())
                .unwrap_or_else(|| format!("channel {gid}")),
            ConvKey::User(uid) => self.user_name(uid),
        }
    }

    /// Conversations, most recently active first (channels without messages by name last).
    /// Cheap when the order is current (see [`ChatModel::ensure_order`]).
    pub fn conversations_by_activity(&self) -> Vec<ConvKey> {
        match self.order.get(self.convs.len()) {
            Some(keys) => keys.to_vec(),
            None => self.sorted_conversations(),
        }
    }

    /// Rebuilds the sidebar order if a structural change made it stale. Called once per
    /// batch of events by the app; folding itself only moves single conversations.
    pub fn ensure_order(&mut self) {
        if self.order.get(self.convs.len()).is_none() {
            let keys = self.sorted_conversations();
            self.order.set(keys);
        }
    }

    fn sorted_conversations(&self) -> Vec<ConvKey> {
        let mut keyed: Vec<_> = self
            .convs
            .iter()
            .map(|(k, c)| order::sort_key(c.last_activity, self.conv_name(*k), *k))
            .collect();
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, _, k)| k).collect()
    }

    /// Orders two conversations as the sidebar does (names only looked up on a tie).
    fn activity_cmp(&self, a: ConvKey, b: ConvKey) -> std::cmp::Ordering {
        let activity = |k: ConvKey| self.convs.get(&k).map_or(0, |c| c.last_activity);
        activity(b)
            .cmp(&activity(a))
            .then_with(|| self.conv_name(a).cmp(&self.conv_name(b)))
            .then_with(|| a.cmp(&b))
    }

    /// Who can be mentioned in a conversation: the members of a private channel, everyone
    /// for a public one, the peer (and you) in a DM.
    pub fn members(&self, key: ConvKey) -> Vec<i64> {
        match key {
            ConvKey::Group(gid) => match self.groups.get(&gid) {
                Some(g) if !g.is_public => g.members.clone(),
                Some(_) => self.users.keys().copied().collect(),
                None => vec![],
            },
            ConvKey::User(uid) => self.me.into_iter().chain([uid]).collect(),
        }
    }

    /// Your newest message in a conversation that can still be edited.
    pub fn last_own_message(&self, key: ConvKey) -> Option<&Message> {
        let me = self.me?;
        self.convs
            .get(&key)?
            .visible()
            .rev()
            .find(|m| m.from_uid == me && !m.is_file())
    }

    pub fn is_muted(&self, key: ConvKey, now_ms: i64) -> bool {
        self.mutes.get(&key).is_some_and(|m| m.active(now_ms))
    }

    /// The conversation a chat record belongs to, from your point of view.
    pub fn conv_of(&self, msg: &ChatMessage) -> ConvKey {
        conv_of(self.me, msg)
    }

    fn conv_mut(&mut self, key: ConvKey) -> &mut Conversation {
        if !self.convs.contains_key(&key) {
            self.order.mark_stale();
        }
        self.convs.entry(key).or_default()
    }

    /// Applies one stream event.
    pub fn apply(&mut self, event: ServerEvent) -> Applied {
        let renames = matches!(
            event,
            ServerEvent::UsersSnapshot { .. }
                | ServerEvent::UsersLog { .. }
                | ServerEvent::RelatedGroups { .. }
                | ServerEvent::JoinedGroup { .. }
                | ServerEvent::GroupChanged(_)
        );
        if renames {
            self.order.mark_stale();
        }
        let directory = Applied {
            directory: true,
            ..Applied::default()
        };
        match event {
            ServerEvent::Ready => {
                self.ready = true;
                Applied::default()
            }
            ServerEvent::Heartbeat { .. } | ServerEvent::Kick { .. } => Applied::default(),
            // Newer servers' events the model does not fold (yet): harmless.
            ServerEvent::ServerConfigChanged(c) => {
                self.server.patch_common(&c.common);
                Applied::default()
            }
            ServerEvent::MessageCleared { latest_deleted_mid } => {
                self.clear_through(latest_deleted_mid);
                directory
            }
            ServerEvent::GroupMessageCleared { gid } => {
                self.clear_group(gid);
                Applied {
                    conv: Some(ConvKey::Group(gid)),
                    ..directory
                }
            }
            ServerEvent::UserRemark {
                contact_uid,
                remark,
            } => {
                self.set_remark(contact_uid, &remark);
                directory
            }
            ServerEvent::GroupAnnouncementChanged { gid, announcement } => {
                self.set_announcement(gid, announcement);
                directory
            }
            ServerEvent::UserCalling { .. } => Applied::default(),
            ServerEvent::Chat(msg) => self.apply_chat(msg, Source::Stream),
            ServerEvent::UsersSnapshot { users, version } => {
                self.users = users.into_iter().map(|u| (u.uid, u)).collect();
                self.users_version = Some(version);
                directory
            }
            ServerEvent::UsersLog { mut logs } => {
                logs.sort_by_key(|l| l.log_id);
                for log in logs {
                    self.apply_user_log(log);
                }
                directory
            }
            ServerEvent::UsersState { users } => {
                self.online = users.iter().filter(|p| p.online).map(|p| p.uid).collect();
                directory
            }
            ServerEvent::UsersStateChanged { uid, online } => {
                if online {
                    self.online.insert(uid);
                } else {
                    self.online.remove(&uid);
                }
                directory
            }
            ServerEvent::UserSettings(s) => {
                self.apply_settings(s);
                directory
            }
            ServerEvent::UserSettingsChanged(c) => {
                self.contacts
                    .apply_change(&c.add_contacts, &c.remove_contacts);
                self.apply_settings_change(c);
                directory
            }
            ServerEvent::RelatedGroups { groups } => {
                self.groups = groups
                    .into_iter()
                    .map(|g| (g.gid, pinned::bounded(g)))
                    .collect();
                self.groups_known = true;
                // Announcements and clears of channels you are no longer in go.
                let known = &self.groups;
                self.announcements.retain(|gid, _| known.contains_key(gid));
                self.cleared.groups.retain(|gid, _| known.contains_key(gid));
                let gone: Vec<ConvKey> = self
                    .convs
                    .keys()
                    .filter(|k| matches!(k, ConvKey::Group(gid) if !self.groups.contains_key(gid)))
                    .copied()
                    .collect();
                for key in gone {
                    self.convs.remove(&key);
                    self.order.mark_stale();
                }
                for gid in self.groups.keys().copied().collect::<Vec<_>>() {
                    self.conv_mut(ConvKey::Group(gid));
                }
                directory
            }
            ServerEvent::JoinedGroup { group } => {
                let gid = group.gid;
                self.groups.insert(gid, pinned::bounded(group));
                self.conv_mut(ConvKey::Group(gid));
                directory
            }
            ServerEvent::UserJoinedGroup { gid, uid } => {
                if let Some(g) = self.groups.get_mut(&gid).filter(|g| !g.is_public) {
                    for u in uid {
                        if !g.members.contains(&u) {
                            g.members.push(u);
                        }
                    }
                    g.members.sort_unstable();
                }
                directory
            }
            ServerEvent::UserLeavedGroup { gid, uid } => {
                if self.me.is_some_and(|me| uid.contains(&me)) {
                    self.forget_group(gid);
                } else if let Some(g) = self.groups.get_mut(&gid) {
                    g.members.retain(|m| !uid.contains(m));
                }
                directory
            }
            ServerEvent::KickFromGroup { gid, .. } => {
                self.forget_group(gid);
                directory
            }
            ServerEvent::GroupChanged(change) => {
                // Non-members of a group turned public see this before its joined_group:
                // ignore unknown gids, the joined_group carries the whole group.
                if let Some(g) = self.groups.get_mut(&change.gid) {
                    if let Some(name) = change.name {
                        g.name = name;
                    }
                    if let Some(d) = change.description {
                        g.description = Some(d);
                    }
                    if let Some(o) = change.owner {
                        g.owner = Some(o);
                    }
                    if let Some(a) = change.avatar_updated_at {
                        g.avatar_updated_at = a;
                    }
                    g.flags.merge(&change.flags);
                    if let Some(public) = change.is_public {
                        g.is_public = public;
                        if public {
                            g.owner = None;
                            g.members.clear();
                        }
                    }
                }
                directory
            }
            ServerEvent::PinnedMessageUpdated { gid, mid, msg } => {
                self.apply_pin(gid, mid, msg);
                Applied {
                    conv: Some(ConvKey::Group(gid)),
                    ..directory
                }
            }
        }
    }

    fn forget_group(&mut self, gid: i64) {
        self.order.mark_stale();
        self.groups.remove(&gid);
        self.convs.remove(&ConvKey::Group(gid));
        // Its announcement and clear go with it (a channel joined again starts afresh).
        self.announcements.remove(&gid);
        self.cleared.groups.remove(&gid);
    }

    pub fn total_unread(&self) -> u32 {
        self.convs.values().map(|c| c.unread).sum()
    }

    /// The mid a reaction record or message lives in, if loaded.
    /// How many loaded replies quote message `mid`.
    pub fn replies_to(&self, mid: i64) -> u32 {
        self.reply_counts.get(&mid).copied().unwrap_or(0)
    }

    pub fn message(&self, mid: i64) -> Option<&Message> {
        let key = self.mid_conv.get(&mid)?;
        self.convs.get(key)?.messages.get(&mid)
    }
}

/// One loaded reply quoting `quoted` fewer (deleted, or dropped from memory); a message no
/// loaded reply quotes any more leaves the map, so it holds only what is loaded.
fn unquote(counts: &mut HashMap<i64, u32>, quoted: i64) {
    if let Some(count) = counts.get_mut(&quoted) {
        *count = count.saturating_sub(1);
        if *count == 0 {
            counts.remove(&quoted);
        }
    }
}

#[cfg(test)]
mod cleared_tests;
#[cfg(test)]
mod tests;
