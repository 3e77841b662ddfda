//! Forwarded archives as this device learnt them: each `vocechat/archive` message's path
//! maps to its archive once fetched (`GET /api/resource/archive`, fetched once per path),
//! or to its fetch under way, or to why it failed. Bounded: at most [`ARCHIVES_MAX`] paths
//! (the oldest settled one goes first), at most [`ARCHIVE_KEPT`] messages of each (with the
//! count of all), each message's text cut to [`ARCHIVE_TEXT_BYTES`] and its author's name to
//! [`ARCHIVE_NAME_CHARS`]. Memory only: a restart fetches again the ones drawn.
//!
//! Pure: what is kept is raw (the server's, untrusted); whoever shows it sanitizes it.

use crate::protocol::types::{Archive, ContentKind, FileProperties};
use std::collections::{HashMap, VecDeque};

/// The most archives kept.
pub const ARCHIVES_MAX: usize = 128;
/// The most messages kept of one archive.
pub const ARCHIVE_KEPT: usize = 50;
/// The most of a forwarded message's text kept.
pub const ARCHIVE_TEXT_BYTES: usize = 4096;
/// The most characters of an author's name kept.
pub const ARCHIVE_NAME_CHARS: usize = 64;

/// One forwarded message, as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Forwarded {
    /// Its author's name in the archive (empty when the archive names none).
    pub author: String,
    pub created_at: i64,
    pub kind: ContentKind,
    /// Its text (cut), empty for a file.
    pub text: String,
    /// A file's name, for a file message.
    pub file: Option<String>,
}

/// An archive as kept: the first [`ARCHIVE_KEPT`] messages and how many it has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Forward {
    pub messages: Vec<Forwarded>,
    pub total: usize,
}

impl Forward {
    /// What is kept of `archive`.
    pub fn of(archive: &Archive) -> Forward {
        let messages = archive
            .messages
            .iter()
            .take(ARCHIVE_KEPT)
            .map(|m| {
                let kind = ContentKind::parse(&m.content_type);
                let file = kind.is_file().then(|| {
                    FileProperties::from_properties(m.properties.as_ref())
                        .name
                        .unwrap_or_else(|| "a file".into())
                });
                let text = m.content.as_deref().unwrap_or_default();
                Forwarded {
                    author: archive
                        .users
                        .get(m.from_user)
                        .map(|u| u.name.chars().take(ARCHIVE_NAME_CHARS).collect())
                        .unwrap_or_default(),
                    created_at: m.created_at,
                    text: if file.is_some() {
                        String::new()
                    } else {
                        head(text, ARCHIVE_TEXT_BYTES).to_string()
                    },
                    file: file.map(|n| n.chars().take(256).collect()),
                    kind,
                }
            })
            .collect();
        Forward {
            messages,
            total: archive.messages.len(),
        }
    }
}

/// At most the first `max` bytes of `text`, cut at a character.
fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Where an archive is.
#[derive(Debug, Clone, PartialEq)]
pub enum ArchiveState {
    Loading,
    Ready(Box<Forward>),
    /// Why it could not be fetched.
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Archives {
    by_path: HashMap<String, ArchiveState>,
    /// Paths, oldest first.
    order: VecDeque<String>,
    /// Bumped at each change: what shows an archive is drawn again.
    pub rev: u32,
}

impl Archives {
    pub fn get(&self, path: &str) -> Option<&ArchiveState> {
        self.by_path.get(path)
    }

    /// Marks `path` as being fetched, unless it is known (or under way) already: whether it
    /// should be fetched now.
    pub fn start(&mut self, path: &str) -> bool {
        if path.is_empty() || self.by_path.contains_key(path) {
            return false;
        }
        self.insert(path, ArchiveState::Loading);
        true
    }

    /// The fetch of `path` answered.
    pub fn settle(&mut self, path: &str, result: Result<&Archive, String>) {
        let state = match result {
            Ok(archive) => ArchiveState::Ready(Box::new(Forward::of(archive))),
            Err(why) => ArchiveState::Failed(why),
        };
        self.insert(path, state);
    }

    fn insert(&mut self, path: &str, state: ArchiveState) {
        self.rev = self.rev.wrapping_add(1);
        if self.by_path.insert(path.to_string(), state).is_none() {
            self.order.push_back(path.to_string());
        }
        while self.order.len() > ARCHIVES_MAX {
            // The oldest settled one; one under way stays until it answers.
            let Some(i) = self
                .order
                .iter()
                .position(|p| !matches!(self.by_path.get(p), Some(ArchiveState::Loading)))
            else {
                break;
            };
            if let Some(p) = self.order.remove(i) {
                self.by_path.remove(&p);
            }
        }
    }

    /// The failed fetches are forgotten (a new connection): asked for again when shown.
    pub fn forget_failed(&mut self) {
        let before = self.by_path.len();
        self.by_path
            .retain(|_, s| !matches!(s, ArchiveState::Failed(_)));
        if self.by_path.len() != before {
            let by_path = &self.by_path;
            self.order.retain(|p| by_path.contains_key(p));
            self.rev = self.rev.wrapping_add(1);
        }
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::types::{ArchiveMessage, ArchiveUser, Target};

    fn message(from_user: usize, content: Option<&str>) -> ArchiveMessage {
        ArchiveMessage {
            from_user,
            created_at: 1,
            mid: 1,
            source: Target::Group { gid: 1 },
            properties: None,
            content_type: "text/plain".into(),
            content: content.map(str::to_string),
            file_id: None,
            thumbnail_id: None,
        }
    }

    #[test]
    fn each_path_is_fetched_once_and_the_cache_stays_bounded() {
        let mut a = Archives::default();
        assert!(a.start("p"));
        assert!(!a.start("p"), "under way");
        a.settle("p", Ok(&Archive::default()));
        assert!(!a.start("p"), "known");
        for i in 0..ARCHIVES_MAX * 2 {
            let p = format!("x{i}");
            a.start(&p);
            a.settle(&p, Err("gone".into()));
        }
        assert_eq!(a.len(), ARCHIVES_MAX);
        assert!(a.get("p").is_none(), "the oldest went");
    }

    #[test]
    fn a_huge_or_odd_archive_is_cut_never_a_panic() {
        let archive = Archive {
            users: vec![ArchiveUser {
                name: "n".repeat(1000),
                avatar: None,
            }],
            messages: (0..ARCHIVE_KEPT * 3)
                .map(|i| message(i % 3, Some(&"x".repeat(ARCHIVE_TEXT_BYTES * 2))))
                .collect(),
            num_attachments: 0,
        };
        let f = Forward::of(&archive);
        assert_eq!(
            (f.messages.len(), f.total),
            (ARCHIVE_KEPT, ARCHIVE_KEPT * 3)
        );
        assert_eq!(f.messages[0].author.chars().count(), ARCHIVE_NAME_CHARS);
        assert_eq!(f.messages[0].text.len(), ARCHIVE_TEXT_BYTES);
        // An author index past the users: no name.
        assert_eq!(f.messages[1].author, "");
    }
}
