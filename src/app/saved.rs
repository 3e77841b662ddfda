//! Saved messages: `f` in selection mode saves one, `/saved` lists them (the search view of
//! the saved kind, `popups/search.rs`, with Enter to jump and Delete to remove). They are the
//! server's favorites, or kept in the local store when the server has none; the view says
//! which. Here: saving, what a save or unsave did, and a saved message as a hit.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. Saving
//! changes the server's (or the store's) list, not the app's: what a save or unsave did
//! (`Msg::SavedChanged`) is told here, and the list, when open, is asked for again; the
//! list itself (`Msg::SavedList`) is the search view's (`popups/search.rs`).

use super::popups::search::SearchKind;
use super::{App, Effect, Outcome};
use crate::model::{ConvKey, SavedItem, SearchHit};
use crate::protocol::types::Target;

impl App {
    /// Saves message `mid`.
    pub(super) fn save_message(&mut self, mid: i64) -> Vec<Effect> {
        let Some(key) = self.chat.conv_of_mid(mid).or(self.timeline.open) else {
            return vec![];
        };
        vec![Effect::SaveMessage { mid, key }]
    }

    /// A save or unsave was done: say so, and list again if the list is open.
    pub(super) fn on_saved_changed(&mut self, result: Outcome<String>) -> Vec<Effect> {
        match result {
            Ok(text) => self.info(text),
            Err(e) => {
                self.error(format!("saved messages: {e}"));
                self.on_failure(&e);
            }
        }
        // The list (open, or shown when the view reopens) is this account's again. Not asked
        // of the popups: a parked account's message is handled with them out of reach.
        if matches!(self.search.kind, SearchKind::Saved { .. }) {
            return vec![Effect::LoadSaved];
        }
        vec![]
    }

    /// A saved message as a hit: its conversation and author as well as they can be told
    /// (the model knows the message, or the archive names the author and the target).
    pub(super) fn saved_hit(&self, item: &SavedItem) -> SearchHit {
        // Only a name that names one person: two who differ only by case are neither.
        let by_name = |name: &str| match super::search::users_named(&self.chat, name)[..] {
            [uid] => Some(uid),
            _ => None,
        };
        let author_uid = item
            .from_uid
            .or_else(|| item.author.as_deref().and_then(by_name));
        let key = self
            .chat
            .conv_of_mid(item.mid)
            .unwrap_or(match item.source {
                Target::Group { gid } => ConvKey::Group(gid),
                Target::User { uid } if Some(uid) != self.chat.me => ConvKey::User(uid),
                Target::User { uid } => ConvKey::User(author_uid.unwrap_or(uid)),
            });
        SearchHit {
            mid: item.mid,
            key,
            from_uid: author_uid.unwrap_or_default(),
            created_at: item.created_at,
            kind: item.kind.clone(),
            text: item.text.clone(),
            author: item.author.clone(),
        }
    }
}
