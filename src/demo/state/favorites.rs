//! Favorites: per-user archives of messages, as 0.3.3 keeps them. Each holds the messages as
//! they were when saved (their current, edited content), authors as indexes into a list of
//! names, and is listed, read and deleted by its id.

use super::{Outcome, Refusal, State};
use crate::protocol::types::{
    Archive, ArchiveMessage, ArchiveUser, ContentKind, FavoriteInfo, MessageDetail, ReactionDetail,
};

impl State {
    /// Saves `mids` as one favorite of `uid`. Every one must be a message `uid` can see (403
    /// otherwise) and a text, markdown or file message (400).
    pub fn create_favorite(&mut self, uid: i64, mids: &[i64]) -> Outcome<FavoriteInfo> {
        let mut archive = Archive::default();
        for mid in mids {
            let msg = self
                .by_mid
                .get(mid)
                .map(|i| self.log[*i].msg.clone())
                .ok_or(Refusal::Empty(404))?;
            if !self.is_party(uid, &msg) {
                return Err(Refusal::Empty(403));
            }
            let (MessageDetail::Normal {
                mut content_type,
                mut content,
                mut properties,
                ..
            }
            | MessageDetail::Reply {
                mut content_type,
                mut content,
                mut properties,
                ..
            }) = msg.detail
            else {
                return Err(Refusal::Empty(400));
            };
            // The current content: the newest edit wins.
            for entry in &self.log {
                if let MessageDetail::Reaction {
                    mid: target,
                    detail:
                        ReactionDetail::Edit {
                            content_type: t,
                            content: c,
                            properties: p,
                        },
                } = &entry.msg.detail
                    && target == mid
                {
                    content_type.clone_from(t);
                    content.clone_from(c);
                    properties.clone_from(p);
                }
            }
            let name = self
                .users
                .get(&msg.from_uid)
                .map(|u| u.info.name.clone())
                .unwrap_or_default();
            let from_user = match archive.users.iter().position(|u| u.name == name) {
                Some(i) => i,
                None => {
                    archive.users.push(ArchiveUser { name });
                    archive.users.len() - 1
                }
            };
            let is_file = ContentKind::parse(&content_type) == ContentKind::File;
            archive.messages.push(ArchiveMessage {
                from_user,
                created_at: msg.created_at,
                mid: msg.mid,
                source: msg.target,
                properties,
                content_type,
                content: (!is_file).then_some(content),
            });
        }
        let info = FavoriteInfo {
            id: uuid::Uuid::new_v4().to_string(),
            created_at: crate::clock::now_ms(),
        };
        self.favorites
            .entry(uid)
            .or_default()
            .push((info.clone(), archive));
        Ok(info)
    }

    pub fn favorites(&self, uid: i64) -> Vec<FavoriteInfo> {
        self.favorites
            .get(&uid)
            .map(|f| f.iter().map(|(info, _)| info.clone()).collect())
            .unwrap_or_default()
    }

    pub fn favorite(&self, uid: i64, id: &str) -> Outcome<Archive> {
        self.favorites
            .get(&uid)
            .and_then(|f| f.iter().find(|(info, _)| info.id == id))
            .map(|(_, archive)| archive.clone())
            .ok_or(Refusal::Empty(404))
    }

    pub fn delete_favorite(&mut self, uid: i64, id: &str) -> Outcome<()> {
        let list = self.favorites.entry(uid).or_default();
        let before = list.len();
        list.retain(|(info, _)| info.id != id);
        if list.len() == before {
            return Err(Refusal::Empty(404));
        }
        Ok(())
    }
}
