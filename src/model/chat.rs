//! Folding chat records: messages, edits, deletions, replies and reactions (from the stream or
//! from history pages), each applied once whatever the order they arrive in.

use super::{Applied, ChatModel, ConvKey, Message, PendingState, Source};
use crate::protocol::types::*;
use std::collections::BTreeMap;

impl ChatModel {
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
        // A record of cleared history (a page asked for before the clear, say) stays out; so
        // does a change to a cleared message.
        let subject = match &msg.detail {
            MessageDetail::Reaction { mid, .. } => *mid,
            _ => msg.mid,
        };
        if self.cleared.covers_record(key, subject, msg.created_at) {
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
    pub(super) fn insert_message(
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
        // Read back from below a trim: what was dropped is loaded again, so the counts are
        // made from what is loaded ("at least" until the read marker passes it).
        let reloaded = conv.dropped.is_some_and(|d| mid < d.below);
        if reloaded {
            conv.dropped = None;
        }
        let mut message = Message {
            mid,
            from_uid,
            created_at,
            kind: ContentKind::parse(&content_type),
            content,
            properties,
            reply_to,
            expires_in,
            edited: false,
            edit_mid: 0,
            deleted: false,
            reactions: BTreeMap::new(),
            like_mids: Vec::new(),
            mentions_me: false,
            replies_to_me: false,
            rev: 0,
        };
        message.compute_mentions(me);
        let mine = Some(from_uid) == me;
        message.replies_to_me = !mine
            && reply_to.is_some_and(|q| {
                conv.messages
                    .get(&q)
                    .is_some_and(|q| Some(q.from_uid) == me)
            });
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
            if message.concerns_me() {
                conv.mentions += 1;
            }
        }
        conv.messages.insert(mid, message);
        if reloaded {
            conv.recount(me);
        }
        if let Some(quoted) = reply_to {
            *self.reply_counts.entry(quoted).or_default() += 1;
        }
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
            self.orphans = self.orphans.saturating_sub(waiting.len());
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

    pub(super) fn apply_reaction(&mut self, raw: ChatMessage) -> Applied {
        let MessageDetail::Reaction {
            mid: target,
            detail,
        } = &raw.detail
        else {
            return Applied::default();
        };
        let me = self.me;
        let Some(key) = self.mid_conv.get(target).copied() else {
            self.keep_orphan(*target, raw);
            return Applied::default();
        };
        let Some(conv) = self.convs.get_mut(&key) else {
            return Applied::default();
        };
        let Some(message) = conv.messages.get_mut(target) else {
            return Applied::default();
        };
        // Each fold is idempotent by itself: an edit only over an older one, a like once per
        // record, a delete once.
        let changed = match detail {
            ReactionDetail::Edit {
                content_type,
                content,
                properties,
            } => {
                let newer = raw.mid > message.edit_mid;
                if newer {
                    message.edit_mid = raw.mid;
                    message.edited = true;
                    message.kind = ContentKind::parse(content_type);
                    message.content = content.clone();
                    message.properties = properties.clone();
                    message.compute_mentions(me);
                    message.rev += 1;
                    conv.recount(me);
                }
                newer
            }
            ReactionDetail::Like { action } => {
                message.toggle_reaction(raw.mid, action, raw.from_uid)
            }
            ReactionDetail::Delete => {
                let first = !message.deleted;
                if first {
                    message.deleted = true;
                    message.rev += 1;
                    if let Some(quoted) = message.reply_to {
                        super::unquote(&mut self.reply_counts, quoted);
                    }
                    conv.recount(me);
                }
                first
            }
            ReactionDetail::Unknown => false,
        };
        Applied {
            conv: changed.then_some(key),
            ..Applied::default()
        }
    }

    /// Keeps a reaction whose target is not loaded (yet), for when it is. The buffer is
    /// bounded: past [`super::ORPHAN_CAP`] records, those for the oldest targets go (a target read
    /// back from the store comes with its reactions; one paged from the server may lose an
    /// old like, never a message).
    fn keep_orphan(&mut self, target: i64, raw: ChatMessage) {
        let waiting = self.orphan_reactions.entry(target).or_default();
        if waiting.iter().any(|r| r.mid == raw.mid) {
            return;
        }
        waiting.push(raw);
        self.orphans += 1;
        while self.orphans > super::ORPHAN_CAP {
            let Some((_, dropped)) = self.orphan_reactions.pop_first() else {
                break;
            };
            self.orphans = self.orphans.saturating_sub(dropped.len());
        }
    }

    /// Folds a history page for `key` that was asked for with `limit` (and no `before`).
    pub fn apply_history(&mut self, key: ConvKey, page: Vec<ChatMessage>, limit: usize) -> Applied {
        self.apply_history_page(key, None, page, limit)
    }

    /// Folds a history page for `key` asked for with `before` and `limit`. Paging ends on a
    /// short page, and on a page that brings nothing older than `before` (empty, or only
    /// mids at or above it, as a hostile server may send): asking again would loop.
    /// A capped replay's oldest record in `key` was `first`: if older messages are loaded, the
    /// ones between may be missing.
    pub fn mark_gap(&mut self, key: ConvKey, first: i64) {
        if let Some(conv) = self.convs.get_mut(&key)
            && let Some((&low, _)) = conv.messages.range(..first).next_back()
        {
            conv.gap = Some((low, first));
        }
    }

    pub fn apply_history_page(
        &mut self,
        key: ConvKey,
        before: Option<i64>,
        page: Vec<ChatMessage>,
        limit: usize,
    ) -> Applied {
        let short = page.len() < limit;
        let oldest = page.iter().map(|m| m.mid).min();
        let gap = self.convs.get(&key).and_then(|c| c.gap);
        if let Some((low, high)) = gap
            && before == Some(high)
        {
            // A page into a gap: it shrinks the gap, or closes it on reaching what was
            // there before (or the start); the paging of older history is untouched.
            for msg in page {
                self.apply_chat(msg, Source::History);
            }
            let conv = self.conv_mut(key);
            conv.gap = match oldest {
                Some(o) if !short && o > low => Some((low, o)),
                _ => None,
            };
            return Applied {
                conv: Some(key),
                ..Applied::default()
            };
        }
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
}
