//! The conversation state folded from the server's append-only log: users, presence,
//! channels, DMs, messages (with edits, likes, deletes and replies applied), read markers,
//! unread and mention counts, mutes, burn-after-reading, pins and the resume cursor.
//!
//! Pure code: no I/O, no clocks except values passed in. Every fold is idempotent, so replays,
//! reconnects and overlapping history pages never double anything.

mod message;
mod order;
mod staged;

pub use message::{Message, mentions};
pub use staged::{OpenFile, Staged};

use crate::protocol::ServerEvent;
use crate::protocol::types::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A conversation: a channel (group) or a DM with one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConvKey {
    Group(i64),
    User(i64),
}

impl ConvKey {
    pub fn target(self) -> Target {
        match self {
            ConvKey::Group(gid) => Target::Group { gid },
            ConvKey::User(uid) => Target::User { uid },
        }
    }
}

/// Where a chat record came from: only the stream advances `after_mid` (a history page can
/// hold mids above the stream's cursor for one conversation while others are behind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Stream,
    History,
}

/// A message you sent that the server has not echoed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMessage {
    pub local_id: i64,
    pub content: Content,
    pub reply_to: Option<i64>,
    pub created_at: i64,
    pub state: PendingState,
    /// For a file being uploaded: the file and how far it got.
    pub upload: Option<UploadProgress>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UploadProgress {
    pub file: Staged,
    pub sent: u64,
    pub started_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PendingState {
    Sending,
    /// The POST answered with this mid; waiting for the echo.
    Sent(i64),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Conversation {
    pub messages: BTreeMap<i64, Message>,
    /// Everything up to and including this mid has been read.
    pub read_index: i64,
    pub unread: u32,
    pub mentions: u32,
    /// `created_at` of the newest message, for sorting by activity.
    pub last_activity: i64,
    /// History paging reached the first message.
    pub history_complete: bool,
    /// The smallest mid any history page brought (reactions and edits included): the next
    /// page is asked for before it, so a page of reaction records still moves paging on.
    pub history_cursor: Option<i64>,
    pub pending: Vec<PendingMessage>,
}

impl Conversation {
    pub fn oldest_mid(&self) -> Option<i64> {
        self.messages.keys().next().copied()
    }

    /// Where the next history page starts (exclusive): below every record seen so far.
    pub fn history_before(&self) -> Option<i64> {
        match (self.history_cursor, self.oldest_mid()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Visible (not deleted) messages in mid order.
    pub fn visible(&self) -> impl DoubleEndedIterator<Item = &Message> {
        self.messages.values().filter(|m| !m.deleted)
    }

    fn counts(&self, me: Option<i64>) -> (u32, u32) {
        let mut unread = 0;
        let mut mentions = 0;
        for m in self
            .messages
            .range((
                std::ops::Bound::Excluded(self.read_index),
                std::ops::Bound::Unbounded,
            ))
            .map(|(_, m)| m)
        {
            if m.deleted || Some(m.from_uid) == me {
                continue;
            }
            unread += 1;
            if m.mentions_me {
                mentions += 1;
            }
        }
        (unread, mentions)
    }

    fn recount(&mut self, me: Option<i64>) {
        (self.unread, self.mentions) = self.counts(me);
    }
}

/// A mute: `until` in ms since the epoch, `None` = forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mute {
    pub until: Option<i64>,
}

impl Mute {
    pub fn active(&self, now_ms: i64) -> bool {
        self.until.is_none_or(|u| u > now_ms)
    }
}

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

#[derive(Debug, Clone, Default)]
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
    /// A `related_groups` snapshot has arrived: chat for unknown groups can be dropped.
    groups_known: bool,
    mid_conv: HashMap<i64, ConvKey>,
    applied_reactions: HashSet<i64>,
    /// Reactions whose target is not loaded yet (history paged backwards), by target mid.
    orphan_reactions: HashMap<i64, Vec<ChatMessage>>,
    order: order::Order,
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

    pub fn conv_name(&self, key: ConvKey) -> String {
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
        match msg.target {
            Target::Group { gid } => ConvKey::Group(gid),
            Target::User { uid } => {
                if Some(msg.from_uid) == self.me {
                    ConvKey::User(uid)
                } else {
                    ConvKey::User(msg.from_uid)
                }
            }
        }
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
                self.apply_settings_change(c);
                directory
            }
            ServerEvent::RelatedGroups { groups } => {
                self.groups = groups.into_iter().map(|g| (g.gid, g)).collect();
                self.groups_known = true;
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
                self.groups.insert(gid, group);
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
                if let Some(g) = self.groups.get_mut(&gid) {
                    match msg {
                        Some(pin) => match g.pinned_messages.iter_mut().find(|p| p.mid == mid) {
                            Some(existing) => *existing = pin,
                            None => g.pinned_messages.push(pin),
                        },
                        None => g.pinned_messages.retain(|p| p.mid != mid),
                    }
                }
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
    }

    fn apply_user_log(&mut self, log: UserUpdateLog) {
        if self.users_version.is_some_and(|v| log.log_id <= v) {
            return; // already in the snapshot or applied before
        }
        self.users_version = Some(log.log_id);
        match log.action {
            UserLogAction::Create => {
                self.users.insert(
                    log.uid,
                    UserInfo {
                        uid: log.uid,
                        email: log.email,
                        name: log.name.unwrap_or_default(),
                        gender: log.gender.unwrap_or_default(),
                        language: log.language.unwrap_or_default(),
                        is_admin: log.is_admin.unwrap_or_default(),
                        is_bot: log.is_bot.unwrap_or_default(),
                        avatar_updated_at: log.avatar_updated_at.unwrap_or_default(),
                        create_by: String::new(),
                    },
                );
            }
            UserLogAction::Update => {
                let u = self.users.entry(log.uid).or_insert_with(|| UserInfo {
                    uid: log.uid,
                    ..UserInfo::default()
                });
                if let Some(v) = log.email {
                    u.email = Some(v);
                }
                if let Some(v) = log.name {
                    u.name = v;
                }
                if let Some(v) = log.gender {
                    u.gender = v;
                }
                if let Some(v) = log.language {
                    u.language = v;
                }
                if let Some(v) = log.is_admin {
                    u.is_admin = v;
                }
                if let Some(v) = log.is_bot {
                    u.is_bot = v;
                }
                if let Some(v) = log.avatar_updated_at {
                    u.avatar_updated_at = v;
                }
            }
            UserLogAction::Delete => {
                self.users.remove(&log.uid);
                self.online.remove(&log.uid);
            }
            UserLogAction::Unknown => {}
        }
    }

    fn apply_settings(&mut self, s: UserSettings) {
        self.mutes.clear();
        for m in s.mute_users {
            self.mutes.insert(
                ConvKey::User(m.uid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        for m in s.mute_groups {
            self.mutes.insert(
                ConvKey::Group(m.gid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        self.burn.clear();
        for b in s
            .burn_after_reading_users
            .iter()
            .filter(|b| b.expires_in > 0)
        {
            self.burn.insert(ConvKey::User(b.uid), b.expires_in);
        }
        for b in s
            .burn_after_reading_groups
            .iter()
            .filter(|b| b.expires_in > 0)
        {
            self.burn.insert(ConvKey::Group(b.gid), b.expires_in);
        }
        self.apply_read_indexes(&s.read_index_users, &s.read_index_groups);
    }

    fn apply_settings_change(&mut self, c: UserSettingsChanged) {
        for m in c.add_mute_users {
            self.mutes.insert(
                ConvKey::User(m.uid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        for m in c.add_mute_groups {
            self.mutes.insert(
                ConvKey::Group(m.gid),
                Mute {
                    until: m.expired_at,
                },
            );
        }
        for uid in c.remove_mute_users {
            self.mutes.remove(&ConvKey::User(uid));
        }
        for gid in c.remove_mute_groups {
            self.mutes.remove(&ConvKey::Group(gid));
        }
        let burns = c
            .burn_after_reading_users
            .iter()
            .map(|b| (ConvKey::User(b.uid), b.expires_in))
            .chain(
                c.burn_after_reading_groups
                    .iter()
                    .map(|b| (ConvKey::Group(b.gid), b.expires_in)),
            );
        for (key, secs) in burns {
            if secs > 0 {
                self.burn.insert(key, secs);
            } else {
                self.burn.remove(&key);
            }
        }
        self.apply_read_indexes(&c.read_index_users, &c.read_index_groups);
    }

    fn apply_read_indexes(&mut self, users: &[UserReadIndex], groups: &[GroupReadIndex]) {
        let pairs = users
            .iter()
            .map(|r| (ConvKey::User(r.uid), r.mid))
            .chain(groups.iter().map(|r| (ConvKey::Group(r.gid), r.mid)));
        for (key, mid) in pairs {
            if let ConvKey::Group(gid) = key
                && self.groups_known
                && !self.groups.contains_key(&gid)
            {
                continue; // a group you have left can linger in the settings
            }
            self.set_read_index(key, mid);
        }
    }

    /// Moves a read marker forward (never back) and recounts. Returns true if it moved.
    pub fn set_read_index(&mut self, key: ConvKey, mid: i64) -> bool {
        let me = self.me;
        let conv = self.conv_mut(key);
        if mid <= conv.read_index {
            return false;
        }
        conv.read_index = mid;
        conv.recount(me);
        true
    }

    /// Folds one chat record (message, reply or reaction).
    pub fn apply_chat(&mut self, msg: ChatMessage, source: Source) -> Applied {
        if source == Source::Stream {
            self.after_mid = Some(self.after_mid.map_or(msg.mid, |a| a.max(msg.mid)));
        }
        let key = self.conv_of(&msg);
        if let ConvKey::Group(gid) = key
            && self.groups_known
            && !self.groups.contains_key(&gid)
        {
            // Replay still carries messages of groups you have left (protocol §3.7).
            return Applied::default();
        }
        match msg.detail {
            MessageDetail::Reaction {
                mid: target,
                detail,
            } => {
                let raw = ChatMessage {
                    detail: MessageDetail::Reaction {
                        mid: target,
                        detail: detail.clone(),
                    },
                    ..msg
                };
                self.apply_reaction(raw)
            }
            MessageDetail::Normal {
                content_type,
                content,
                properties,
                expires_in,
            } => self.insert_message(
                key,
                msg.mid,
                msg.from_uid,
                msg.created_at,
                content_type,
                content,
                properties,
                None,
                expires_in,
            ),
            MessageDetail::Reply {
                mid: reply_to,
                content_type,
                content,
                properties,
            } => self.insert_message(
                key,
                msg.mid,
                msg.from_uid,
                msg.created_at,
                content_type,
                content,
                properties,
                Some(reply_to),
                None,
            ),
            MessageDetail::Unknown => Applied::default(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_message(
        &mut self,
        key: ConvKey,
        mid: i64,
        from_uid: i64,
        created_at: i64,
        content_type: String,
        content: String,
        properties: Option<serde_json::Value>,
        reply_to: Option<i64>,
        expires_in: Option<i64>,
    ) -> Applied {
        let me = self.me;
        let local_id = local_id_of(properties.as_ref());
        if let Some(old_key) = self.mid_conv.get(&mid).copied()
            && let Some(old) = self.convs.get(&old_key).and_then(|c| c.messages.get(&mid))
        {
            if old.created_at == created_at && old.from_uid == from_uid {
                return Applied::default(); // the same message again
            }
            // Another message under a known mid: the server reused mids (restored from a
            // backup). The new one is what the server holds now; it replaces the old.
            if let Some(c) = self.convs.get_mut(&old_key) {
                c.messages.remove(&mid);
                c.recount(me);
            }
        }
        if !self.convs.contains_key(&key) {
            self.order.mark_stale();
        }
        let conv = self.convs.entry(key).or_default();
        if conv.messages.contains_key(&mid) {
            return Applied::default();
        }
        let mut message = Message {
            mid,
            from_uid,
            created_at,
            content_type,
            content,
            properties,
            reply_to,
            expires_in,
            edited: false,
            edit_mid: 0,
            deleted: false,
            reactions: BTreeMap::new(),
            mentions_me: false,
            rev: 0,
        };
        message.compute_mentions(me);
        let mine = Some(from_uid) == me;
        if mine {
            // Your echo replaces the optimistic copy: by local_id, or by the mid the POST gave.
            conv.pending
                .retain(|p| Some(p.local_id) != local_id && p.state != PendingState::Sent(mid));
        }
        let moved = created_at > conv.last_activity;
        conv.last_activity = conv.last_activity.max(created_at);
        let counts = mid > conv.read_index && !mine;
        if counts {
            conv.unread += 1;
            if message.mentions_me {
                conv.mentions += 1;
            }
        }
        conv.messages.insert(mid, message);
        if mine && mid > conv.read_index {
            // What you wrote you have read, and everything before it.
            conv.read_index = mid;
            conv.recount(me);
        }
        self.mid_conv.insert(mid, key);
        if moved {
            let mut order = std::mem::take(&mut self.order);
            order.reposition(key, |a, b| self.activity_cmp(a, b));
            self.order = order;
        }
        if let Some(mut waiting) = self.orphan_reactions.remove(&mid) {
            waiting.sort_by_key(|r| r.mid);
            for r in waiting {
                self.apply_reaction(r);
            }
        }
        Applied {
            conv: Some(key),
            new_message: (!mine).then_some(mid),
            directory: false,
        }
    }

    fn apply_reaction(&mut self, raw: ChatMessage) -> Applied {
        let MessageDetail::Reaction {
            mid: target,
            detail,
        } = &raw.detail
        else {
            return Applied::default();
        };
        if self.applied_reactions.contains(&raw.mid) {
            return Applied::default();
        }
        let me = self.me;
        let Some(key) = self.mid_conv.get(target).copied() else {
            let waiting = self.orphan_reactions.entry(*target).or_default();
            if !waiting.iter().any(|r| r.mid == raw.mid) {
                waiting.push(raw);
            }
            return Applied::default();
        };
        let Some(conv) = self.convs.get_mut(&key) else {
            return Applied::default();
        };
        let Some(message) = conv.messages.get_mut(target) else {
            return Applied::default();
        };
        self.applied_reactions.insert(raw.mid);
        match detail {
            ReactionDetail::Edit {
                content_type,
                content,
                properties,
            } => {
                if raw.mid > message.edit_mid {
                    message.edit_mid = raw.mid;
                    message.edited = true;
                    message.content_type = content_type.clone();
                    message.content = content.clone();
                    message.properties = properties.clone();
                    message.compute_mentions(me);
                    message.rev += 1;
                    conv.recount(me);
                }
            }
            ReactionDetail::Like { action } => message.toggle_reaction(action, raw.from_uid),
            ReactionDetail::Delete => {
                message.deleted = true;
                message.rev += 1;
                conv.recount(me);
            }
            ReactionDetail::Unknown => {}
        }
        Applied {
            conv: Some(key),
            ..Applied::default()
        }
    }

    /// Folds a history page for `key` that was asked for with `limit` (and no `before`).
    pub fn apply_history(&mut self, key: ConvKey, page: Vec<ChatMessage>, limit: usize) -> Applied {
        self.apply_history_page(key, None, page, limit)
    }

    /// Folds a history page for `key` asked for with `before` and `limit`. Paging ends on a
    /// short page, and on a page that brings nothing older than `before` (empty, or only
    /// mids at or above it, as a hostile server may send): asking again would loop.
    pub fn apply_history_page(
        &mut self,
        key: ConvKey,
        before: Option<i64>,
        page: Vec<ChatMessage>,
        limit: usize,
    ) -> Applied {
        let short = page.len() < limit;
        let oldest = page.iter().map(|m| m.mid).min();
        let older = match (oldest, before) {
            (Some(o), Some(b)) => o < b,
            (Some(_), None) => true,
            (None, _) => false,
        };
        for msg in page {
            self.apply_chat(msg, Source::History);
        }
        let conv = self.conv_mut(key);
        if older && let Some(o) = oldest {
            conv.history_cursor = Some(conv.history_cursor.map_or(o, |c| c.min(o)));
        }
        if short || !older {
            conv.history_complete = true;
        }
        Applied {
            conv: Some(key),
            ..Applied::default()
        }
    }

    // ------------------------------------------------------------ optimistic sends

    pub fn add_pending(&mut self, key: ConvKey, pending: PendingMessage) {
        self.conv_mut(key).pending.push(pending);
    }

    /// The POST answered with `mid`. If the echo already came, the pending copy goes now.
    pub fn pending_sent(&mut self, key: ConvKey, local_id: i64, mid: i64) {
        let conv = self.conv_mut(key);
        if conv.messages.contains_key(&mid) {
            conv.pending.retain(|p| p.local_id != local_id);
        } else if let Some(p) = conv.pending.iter_mut().find(|p| p.local_id == local_id) {
            p.state = PendingState::Sent(mid);
        }
    }

    pub fn pending_failed(&mut self, key: ConvKey, local_id: i64, error: String) {
        if let Some(p) = self
            .conv_mut(key)
            .pending
            .iter_mut()
            .find(|p| p.local_id == local_id)
        {
            p.state = PendingState::Failed(error);
        }
    }

    pub fn total_unread(&self) -> u32 {
        self.convs.values().map(|c| c.unread).sum()
    }

    /// The mid a reaction record or message lives in, if loaded.
    pub fn message(&self, mid: i64) -> Option<&Message> {
        let key = self.mid_conv.get(&mid)?;
        self.convs.get(key)?.messages.get(&mid)
    }
}

#[cfg(test)]
mod tests;
