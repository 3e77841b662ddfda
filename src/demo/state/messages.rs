//! The global message log: sends, file messages, edits, likes, deletes and replies (each a new
//! record with its own mid), who receives them, history pages, and the restart tricks the
//! tests use (restore from a backup, skipped mids).

use super::{LogEntry, Outcome, Refusal, State};
use crate::protocol::ServerEvent;
use crate::protocol::requests::FileMessageBody;
use crate::protocol::types::{
    ChatMessage, ContentKind, FileProperties, MessageDetail, REACTIONS, ReactionDetail, Target,
};
use serde_json::{Map, Value};

impl State {
    /// The recipients of a message to `target` sent now, and a permission check for `from`.
    fn recipients(&self, from: i64, target: Target) -> Outcome<Vec<i64>> {
        match target {
            Target::User { uid } => {
                if !self.users.contains_key(&uid) {
                    return Err(Refusal::Empty(404));
                }
                let mut r = vec![from, uid];
                r.dedup();
                Ok(r)
            }
            Target::Group { gid } => {
                let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
                if !g.is_public && !g.members.contains(&from) {
                    return Err(Refusal::Empty(403));
                }
                Ok(self.audience(g))
            }
        }
    }

    /// Appends a record to the log and delivers it to every recipient's streams.
    fn append(
        &mut self,
        from: i64,
        target: Target,
        detail: MessageDetail,
        recipients: Vec<i64>,
    ) -> i64 {
        let mid = self.next_mid;
        self.next_mid += 1;
        let msg = ChatMessage {
            mid,
            from_uid: from,
            created_at: crate::clock::now_ms(),
            target,
            detail,
        };
        self.push_log(msg, recipients)
    }

    /// Stores a fully formed record (seeding uses it to set past timestamps).
    pub fn push_log(&mut self, msg: ChatMessage, recipients: Vec<i64>) -> i64 {
        let mid = msg.mid;
        self.next_mid = self.next_mid.max(mid + 1);
        let index = self.log.len();
        let json = super::event_json(&ServerEvent::Chat(msg.clone()));
        self.log.push(LogEntry { msg });
        self.by_mid.insert(mid, index);
        for uid in &recipients {
            self.inbox.entry(*uid).or_default().push(index);
            self.send_to_user(*uid, &json);
        }
        mid
    }

    /// Forgets every message after `last_mid`, as a restore from an older backup does; the
    /// next message gets `last_mid + 1`.
    pub fn restore_backup(&mut self, last_mid: i64) {
        let keep = self.log.partition_point(|e| e.msg.mid <= last_mid);
        self.log.truncate(keep);
        self.by_mid.retain(|_, i| *i < keep);
        for inbox in self.inbox.values_mut() {
            inbox.retain(|i| *i < keep);
        }
        self.next_mid = last_mid.saturating_add(1).max(1);
    }

    /// Leaves a gap of `gap` unused mids.
    pub fn skip_mids(&mut self, gap: i64) {
        self.next_mid = self.next_mid.saturating_add(gap.max(0));
    }

    pub fn next_mid(&mut self) -> i64 {
        let mid = self.next_mid;
        self.next_mid += 1;
        mid
    }

    /// A new normal message (or file message) from `from`.
    pub fn send(
        &mut self,
        from: i64,
        target: Target,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<i64> {
        self.newer_send_rule(from, target)?;
        let recipients = match self.recipients(from, target) {
            // An archive to a user who does not exist is stored anyway (pitfall 26).
            Err(Refusal::Empty(404))
                if matches!(target, Target::User { .. })
                    && ContentKind::parse(content_type) == ContentKind::Archive =>
            {
                vec![from]
            }
            other => other?,
        };
        let (content, properties) = self.file_content(content_type, content, properties)?;
        let settings = self.settings.get(&from);
        let burn = settings.and_then(|s| match target {
            Target::User { uid } => s.burn_users.get(&uid).copied(),
            Target::Group { gid } => s.burn_groups.get(&gid).copied(),
        });
        let detail = MessageDetail::Normal {
            content_type: content_type.to_string(),
            content,
            properties,
            expires_in: burn.filter(|b| *b > 0),
        };
        Ok(self.append(from, target, detail, recipients))
    }

    /// For `vocechat/file`: the body is `{"path": …}`; the stored message content is the path
    /// and the server adds `content_type`, `size` and `name` to the properties.
    fn file_content(
        &self,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<(String, Option<Value>)> {
        if ContentKind::parse(content_type) != ContentKind::File {
            return Ok((content, properties));
        }
        let path = serde_json::from_str::<FileMessageBody>(&content)
            .map_err(|_| {
                Refusal::Text(400, "parse request payload error: expect {\"path\"}".into())
            })?
            .path;
        let file = self.files.get(&path).ok_or(Refusal::Empty(400))?;
        let mut props: Map<String, Value> = properties
            .and_then(|p| p.as_object().cloned())
            .unwrap_or_default();
        FileProperties {
            name: file.filename.clone(),
            size: file.data.len() as u64,
            content_type: Some(file.content_type.clone()),
            width: None,
            height: None,
        }
        .write_into(&mut props);
        Ok((path, Some(Value::Object(props))))
    }

    /// Looks up a normal/reply target for a reaction or reply by `uid`. Returns the target
    /// record, the conversation target as `uid` sees it, and the recipients.
    pub(super) fn reaction_target(
        &self,
        uid: i64,
        mid: i64,
    ) -> Outcome<(ChatMessage, Target, Vec<i64>)> {
        let msg = self
            .by_mid
            .get(&mid)
            .map(|i| self.log[*i].msg.clone())
            .filter(|m| !self.is_cleared(m))
            .ok_or(Refusal::Empty(404))?;
        if !matches!(
            msg.detail,
            MessageDetail::Normal { .. } | MessageDetail::Reply { .. }
        ) {
            return Err(Refusal::Empty(403));
        }
        match msg.target {
            Target::User { uid: to } => {
                let (a, b) = (msg.from_uid, to);
                // The DM target is rewritten to the peer from the actor's side.
                let peer = if uid == a { b } else { a };
                Ok((msg, Target::User { uid: peer }, vec![a, b]))
            }
            Target::Group { gid } => {
                let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
                Ok((msg, Target::Group { gid }, self.audience(g)))
            }
        }
    }

    pub(super) fn is_party(&self, uid: i64, msg: &ChatMessage) -> bool {
        match msg.target {
            Target::User { uid: to } => uid == to || uid == msg.from_uid,
            Target::Group { gid } => self
                .groups
                .get(&gid)
                .is_some_and(|g| g.is_public || g.members.contains(&uid)),
        }
    }

    pub fn edit(
        &mut self,
        uid: i64,
        mid: i64,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<i64> {
        let (msg, target, recipients) = self.reaction_target(uid, mid)?;
        if msg.from_uid != uid {
            return Err(Refusal::Empty(403));
        }
        let (content, properties) = self.file_content(content_type, content, properties)?;
        let detail = MessageDetail::Reaction {
            mid,
            detail: ReactionDetail::Edit {
                content_type: content_type.to_string(),
                content: content.clone(),
                properties: properties.clone(),
            },
        };
        let new = self.append(uid, target, detail, recipients);
        // An edit of a pinned message updates the pin (after the chat record).
        if let Target::Group { gid } = target
            && let Some(g) = self.groups.get_mut(&gid)
            && let Some(p) = g.pinned_messages.iter_mut().find(|p| p.mid == mid)
        {
            p.content = content;
            p.content_type = content_type.to_string();
            p.properties = properties;
            let pin = p.clone();
            let audience = self.audience(&self.groups[&gid]);
            self.send_event_to(
                audience,
                &ServerEvent::PinnedMessageUpdated {
                    gid,
                    mid,
                    msg: Some(pin),
                },
            );
        }
        Ok(new)
    }

    pub fn like(&mut self, uid: i64, mid: i64, action: &str) -> Outcome<i64> {
        if !REACTIONS.contains(&action) {
            return Err(Refusal::Empty(400));
        }
        let (_, target, recipients) = self.reaction_target(uid, mid)?;
        let detail = MessageDetail::Reaction {
            mid,
            detail: ReactionDetail::Like {
                action: action.to_string(),
            },
        };
        Ok(self.append(uid, target, detail, recipients))
    }

    pub fn delete(&mut self, uid: i64, mid: i64) -> Outcome<i64> {
        let (msg, target, recipients) = self.reaction_target(uid, mid)?;
        let is_admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        if msg.from_uid != uid && !is_admin {
            return Err(Refusal::Empty(403));
        }
        let detail = MessageDetail::Reaction {
            mid,
            detail: ReactionDetail::Delete,
        };
        Ok(self.append(uid, target, detail, recipients))
    }

    pub fn reply(
        &mut self,
        uid: i64,
        mid: i64,
        content_type: &str,
        content: String,
        properties: Option<Value>,
    ) -> Outcome<i64> {
        let (msg, target, recipients) = self.reaction_target(uid, mid)?;
        if !self.is_party(uid, &msg) {
            return Err(Refusal::Empty(403));
        }
        let (content, properties) = self.file_content(content_type, content, properties)?;
        let detail = MessageDetail::Reply {
            mid,
            content_type: content_type.to_string(),
            content,
            properties,
        };
        Ok(self.append(uid, target, detail, recipients))
    }

    /// Up to `limit` newest records of a conversation with `mid < before`, ascending.
    pub fn history(
        &self,
        uid: i64,
        of: Target,
        before: Option<i64>,
        limit: usize,
    ) -> Outcome<Vec<ChatMessage>> {
        if let Target::Group { gid } = of {
            let g = self.groups.get(&gid).ok_or(Refusal::Empty(404))?;
            if !g.is_public && !g.members.contains(&uid) {
                return Err(Refusal::Empty(403));
            }
        }
        let belongs = |m: &ChatMessage| match (of, m.target) {
            (Target::Group { gid }, Target::Group { gid: g }) => gid == g,
            (Target::User { uid: peer }, Target::User { uid: to }) => {
                (m.from_uid == uid && to == peer) || (m.from_uid == peer && to == uid)
            }
            _ => false,
        };
        let before = before.unwrap_or(i64::MAX);
        let end = self.log.partition_point(|e| e.msg.mid < before);
        let mut page: Vec<ChatMessage> = self.log[..end]
            .iter()
            .rev()
            .filter(|e| belongs(&e.msg) && !self.is_cleared(&e.msg))
            .take(limit)
            .map(|e| e.msg.clone())
            .collect();
        page.reverse();
        Ok(page)
    }

    pub fn message_count(&self) -> usize {
        self.log.len()
    }

    pub fn last_mid(&self) -> i64 {
        self.next_mid - 1
    }
}
