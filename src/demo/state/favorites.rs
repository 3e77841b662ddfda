//! Favorites: per-user archives of messages, as 0.3.3 keeps them. Each holds the messages as
//! they were when saved (their current, edited content), authors as indexes into a list of
//! names, and is listed, read and deleted by its id.

use super::{Outcome, Refusal, State};
use crate::protocol::types::{Archive, FavoriteInfo};

impl State {
    /// Saves `mids` as one favorite of `uid`, an archive by the rules of `archives.rs`.
    pub fn create_favorite(&mut self, uid: i64, mids: &[i64]) -> Outcome<FavoriteInfo> {
        let (archive, _) = self.build_archive(uid, mids)?;
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
