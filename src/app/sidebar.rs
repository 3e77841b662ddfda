//! The sidebar's order: by activity, by name, or pinned conversations first (the config's
//! `sidebar.order`). While conversations are stepped through with the keyboard the order
//! holds still, so Alt+Down held down walks a list that does not shift under it when
//! messages arrive; it follows activity again once the keys have rested.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the held order and changes it only here; no message changes it (the timeline's
//! keyboard steps hold it).

use super::{App, Settings};
use crate::config::SidebarOrder;
use crate::model::{ChatModel, ConvKey};

/// How long after the last step the order stays held.
pub const HOLD_MS: i64 = 1_500;

impl App {
    /// Conversations as the sidebar lists them.
    pub fn sidebar(&self) -> Vec<ConvKey> {
        match &self.held_order {
            Some((held, at)) if self.now_ms - at < HOLD_MS => self.with_new(held),
            _ => self.ordered(),
        }
    }

    /// The order for a keyboard step: held from now on for [`HOLD_MS`].
    pub(super) fn hold_sidebar(&mut self) -> Vec<ConvKey> {
        let list = self.sidebar();
        self.held_order = Some((list.clone(), self.now_ms));
        list
    }

    /// `held`, without the conversations that went away, and new ones at the end.
    fn with_new(&self, held: &[ConvKey]) -> Vec<ConvKey> {
        let mut out: Vec<ConvKey> = held
            .iter()
            .copied()
            .filter(|k| self.chat.convs.contains_key(k))
            .collect();
        if out.len() != self.chat.convs.len() {
            for k in self.ordered() {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
        out
    }

    fn ordered(&self) -> Vec<ConvKey> {
        order(&self.chat, &self.settings)
    }
}

/// The conversations of `chat` in the sidebar's order under `settings` (no hold): what a
/// parked account's section lists, and the focused one's when no step holds it.
pub(crate) fn order(chat: &ChatModel, settings: &Settings) -> Vec<ConvKey> {
    let by_activity = chat.conversations_by_activity();
    let rest = match settings.sidebar.order {
        SidebarOrder::Activity | SidebarOrder::PinnedFirst => by_activity,
        SidebarOrder::Name => {
            let mut keyed: Vec<(bool, String, ConvKey)> = by_activity
                .into_iter()
                .map(|k| {
                    let person = matches!(k, ConvKey::User(_));
                    (person, chat.conv_name(k).to_lowercase(), k)
                })
                .collect();
            keyed.sort();
            keyed.into_iter().map(|(_, _, k)| k).collect()
        }
    };
    let pinned = pinned(chat, settings, &rest);
    if pinned.is_empty() {
        return rest;
    }
    let rest = rest.into_iter().filter(|k| !pinned.contains(k));
    pinned.iter().copied().chain(rest).collect()
}

/// The conversations shown first, in their order: the server's pinned chats where it has
/// them (in any order of the rest), else the config's `sidebar.pinned` with
/// `order = "pinned-first"`. Only conversations in `known` are shown.
fn pinned(chat: &ChatModel, settings: &Settings, known: &[ConvKey]) -> Vec<ConvKey> {
    let mut pinned: Vec<ConvKey> = Vec::new();
    if let Some(pins) = &chat.pins {
        for k in pins {
            if chat.convs.contains_key(k) && !pinned.contains(k) {
                pinned.push(*k);
            }
        }
        return pinned;
    }
    if settings.sidebar.order != SidebarOrder::PinnedFirst {
        return pinned;
    }
    for label in &settings.sidebar.pinned {
        if let Some(k) = known
            .iter()
            .find(|k| super::tag_of(chat, **k).eq_ignore_ascii_case(label.trim()))
            && !pinned.contains(k)
        {
            pinned.push(*k);
        }
    }
    pinned
}

#[cfg(test)]
mod tests {
    use super::super::tests::{alt, event, synced};
    use super::*;
    use crate::app::update;
    use crate::protocol::ServerEvent;
    use crossterm::event::KeyCode;

    /// A message from bob to `target` (`{"gid": …}` or `{"uid": 1}`), newer than any.
    fn message(mid: i64, target: serde_json::Value) -> crate::app::Msg {
        event(ServerEvent::Chat(
            serde_json::from_value(serde_json::json!({
                "mid": mid, "from_uid": 2, "created_at": 4_000_000_000_000i64 + mid, "target": target,
                "detail": {"type": "normal", "content_type": "text/plain", "content": "hi"}
            }))
            .unwrap(),
        ))
    }

    fn labels(app: &App) -> Vec<String> {
        app.sidebar()
            .into_iter()
            .map(|k| app.conv_label(k))
            .collect()
    }

    #[test]
    fn stepping_holds_the_order_still_until_the_keys_rest() {
        let mut app = synced();
        app.now_ms = 1_000;
        let before = labels(&app);
        update(&mut app, alt(KeyCode::Down));
        let opened = app.timeline.open;
        // A message elsewhere would move its conversation to the top…
        let last = *app.sidebar().last().unwrap();
        let ConvKey::Group(gid) = last else {
            panic!("the test's last conversation is a channel: {before:?}");
        };
        update(&mut app, message(9_000, serde_json::json!({"gid": gid})));
        // …but while stepping, the list holds still.
        assert_eq!(labels(&app), before);
        app.now_ms += 500;
        update(&mut app, alt(KeyCode::Down));
        assert_ne!(app.timeline.open, opened);
        assert_eq!(labels(&app), before);
        // The frame is redrawn when the hold ends (clicks map to what is drawn)…
        assert_eq!(app.next_deadline(), Some(app.now_ms + HOLD_MS));
        // …and from then on it follows activity again.
        app.now_ms += HOLD_MS;
        assert_eq!(app.sidebar()[0], last);
    }

    #[test]
    fn by_name_and_pinned_first() {
        let mut app = synced();
        update(&mut app, message(9_000, serde_json::json!({"uid": 1})));
        app.settings.sidebar.order = SidebarOrder::Name;
        let names = labels(&app);
        assert_eq!(names, ["#dev", "#lobby", "@bob"]);
        app.settings.sidebar.order = SidebarOrder::PinnedFirst;
        app.settings.sidebar.pinned = vec!["#LOBBY".into(), "#nope".into()];
        // Pinned first, then by activity (bob's message is the newest).
        assert_eq!(labels(&app), ["#lobby", "@bob", "#dev"]);
    }
}
