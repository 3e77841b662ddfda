//! Saved messages: `f` in selection mode saves one, `/saved` lists them (in the search view,
//! with Enter to jump and Delete to remove). They are the server's favorites, or kept in the
//! local store when the server has none; the view says which.

use super::{App, Effect, Mode, Outcome, strings};
use crate::model::{ConvKey, SavedItem, SavedPlace, SearchHit, SearchResults};
use crate::protocol::types::Target;

impl App {
    /// Opens the list of saved messages (it fills when the answer comes).
    pub(super) fn open_saved(&mut self) -> Vec<Effect> {
        self.mode = Mode::Search;
        self.search.input.clear();
        self.search.error = None;
        self.search.terms.clear();
        self.search.inbox = false;
        self.search.replies = false;
        self.search.saved_view = true;
        self.search.saved = None;
        self.search.seq += 1;
        self.search.answered = self.search.seq;
        self.search.results = SearchResults::default();
        self.search.saved_items.clear();
        self.search.selected = 0;
        vec![Effect::LoadSaved]
    }

    /// Saves message `mid`.
    pub(super) fn save_message(&mut self, mid: i64) -> Vec<Effect> {
        let Some(key) = self.chat.conv_of_mid(mid).or(self.timeline.open) else {
            return vec![];
        };
        vec![Effect::SaveMessage { mid, key }]
    }

    /// The saved messages came (or could not be listed).
    pub(super) fn saved_list(&mut self, result: Outcome<(SavedPlace, Vec<SavedItem>)>) {
        if !self.search.saved_view {
            return;
        }
        match result {
            Ok((place, items)) => {
                self.search.saved = Some(place);
                self.search.results.hits = items.iter().map(|i| self.saved_hit(i)).collect();
                self.search.saved_items = items;
                self.search.selected = self
                    .search
                    .selected
                    .min(self.search.saved_items.len().saturating_sub(1));
            }
            Err(e) => self.search.error = Some(format!("saved messages: {e}")),
        }
    }

    /// A save or unsave was done: say so, and list again if the list is open.
    pub(super) fn saved_changed(&mut self, result: Outcome<String>) -> Vec<Effect> {
        match result {
            Ok(text) => self.info(text),
            Err(e) => {
                self.error(format!("saved messages: {e}"));
                self.on_failure(&e);
            }
        }
        if matches!(self.mode, Mode::Search) && self.search.saved_view {
            return vec![Effect::LoadSaved];
        }
        vec![]
    }

    /// Removes the selected saved message (the server's favorite holding it).
    pub(super) fn unsave_selected(&mut self) -> Vec<Effect> {
        if !self.search.saved_view {
            return vec![];
        }
        match self.search.saved_items.get(self.search.selected) {
            Some(item) => vec![Effect::Unsave {
                id: item.id.clone(),
                mid: item.mid,
            }],
            None => vec![],
        }
    }

    /// A saved message as a hit: its conversation and author as well as they can be told
    /// (the model knows the message, or the archive names the author and the target).
    fn saved_hit(&self, item: &SavedItem) -> SearchHit {
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

/// The view's title for saved messages kept in `place` (still loading: `None`).
pub fn saved_title(place: Option<SavedPlace>) -> &'static str {
    match place {
        None => strings::SAVED_LOADING,
        Some(SavedPlace::Server) => strings::SAVED_ON_SERVER,
        Some(SavedPlace::Local) => strings::SAVED_IN_STORE,
    }
}
