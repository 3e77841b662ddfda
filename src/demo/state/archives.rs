//! Archives as 0.3.3 makes them (protocol §4.10): `POST /api/resource/archive` keeps a set of
//! messages (their current, edited content) under a new path, `GET /api/resource/archive`
//! reads it back without auth, its files are attachments by index. A forward is that path
//! sent as a `vocechat/archive` message. Favorites are built by the same rule
//! (`favorites.rs`).

use super::{Outcome, Refusal, State};
use crate::protocol::types::{
    Archive, ArchiveMessage, ArchiveUser, ContentKind, MessageDetail, ReactionDetail,
};

/// The archives made, by path: each with the file paths its attachments index.
#[derive(Default)]
pub struct Archives {
    by_path: std::collections::HashMap<String, (Archive, Vec<String>)>,
}

impl State {
    /// `mids` as one archive seen by `uid`: every one must exist (404), be a message `uid`
    /// can see (403; an admin sees every one) and be a text, markdown or file message (400).
    /// Also the file paths its attachments index.
    pub(super) fn build_archive(&self, uid: i64, mids: &[i64]) -> Outcome<(Archive, Vec<String>)> {
        let admin = self.users.get(&uid).is_some_and(|u| u.info.is_admin);
        let mut archive = Archive::default();
        let mut files: Vec<String> = Vec::new();
        for mid in mids {
            let msg = self
                .by_mid
                .get(mid)
                .map(|i| self.log[*i].msg.clone())
                .ok_or(Refusal::Empty(404))?;
            if !admin && !self.is_party(uid, &msg) {
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
            let kind = ContentKind::parse(&content_type);
            if !matches!(
                kind,
                ContentKind::Text | ContentKind::Markdown | ContentKind::File
            ) {
                return Err(Refusal::Empty(400));
            }
            let name = self
                .users
                .get(&msg.from_uid)
                .map(|u| u.info.name.clone())
                .unwrap_or_default();
            let from_user = match archive.users.iter().position(|u| u.name == name) {
                Some(i) => i,
                None => {
                    archive.users.push(ArchiveUser { name, avatar: None });
                    archive.users.len() - 1
                }
            };
            let is_file = kind == ContentKind::File;
            let file_id = is_file.then(|| {
                files.push(content.clone());
                files.len() - 1
            });
            archive.messages.push(ArchiveMessage {
                from_user,
                created_at: msg.created_at,
                mid: msg.mid,
                source: msg.target,
                properties,
                content_type,
                content: (!is_file).then_some(content),
                file_id,
                thumbnail_id: None,
            });
        }
        archive.num_attachments = files.len();
        Ok((archive, files))
    }

    /// `POST /api/resource/archive`: the new archive's path, under `date` (`Y/M/D`).
    pub fn create_archive(&mut self, uid: i64, mids: &[i64], date: &str) -> Outcome<String> {
        let built = self.build_archive(uid, mids)?;
        let path = format!("{date}/{}", uuid::Uuid::new_v4().hyphenated());
        self.archives.by_path.insert(path.clone(), built);
        Ok(path)
    }

    /// `GET /api/resource/archive`: anyone with the path reads it (404 for an unknown one).
    pub fn archive(&self, path: &str) -> Outcome<Archive> {
        self.archives
            .by_path
            .get(path)
            .map(|(a, _)| a.clone())
            .ok_or(Refusal::Empty(404))
    }

    /// An attachment of archive `path`: the stored file it indexes.
    pub fn archive_attachment(&self, path: &str, id: usize) -> Outcome<&super::StoredFile> {
        let (_, files) = self.archives.by_path.get(path).ok_or(Refusal::Empty(404))?;
        files
            .get(id)
            .and_then(|p| self.files.get(p))
            .ok_or(Refusal::Empty(404))
    }
}
