//! Link previews (`ui.link_previews`, off unless true): under a message with exactly one link
//! (the target `links_of` gives, as `o` and the link picker use), the server's
//! `open_graphic_parse` answer for it, fetched through the account's server once per link and
//! kept with the store.
//!
//! Cost follows the viewport: the links are looked for when the renderer reports which
//! messages it drew (`Msg::View`), among those on screen and a few beyond either edge, never
//! in the rest of the history; each message's link is looked for once per revision. At most
//! `IN_FLIGHT_MAX` requests are on their way; an answer lets the next link near the screen be
//! asked. A link is asked about once: an answer (an empty one too) is kept, a failure is not
//! asked again until the next connection. Nothing is asked before the stream is live.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the link previews (`chat.link_previews`); the message that changes them
//! (`Msg::LinkPreview`) is handled here, and the timeline's report (`Msg::View`) and a new
//! connection hand on to it.

use super::{App, Effect, Outcome};
use crate::model::LinkPreview;

/// Messages this far beyond either edge of the screen ask too (the next scroll needs them).
pub const NEAR: usize = 5;

impl App {
    /// The messages on screen and near it: their one link is looked for, and the links not
    /// asked about yet are asked (a few at a time).
    pub(super) fn ask_link_previews(&mut self) -> Vec<Effect> {
        if !self.settings.link_previews {
            return vec![];
        }
        let (Some(key), Some((low, high))) = (self.timeline.open, self.timeline.shown) else {
            return vec![];
        };
        let Some(conv) = self.chat.convs.get(&key) else {
            return vec![];
        };
        // On screen, then the nearest outside it (below first: the newest are read first);
        // looked up by mid, so what is loaded beyond costs nothing.
        let now = self.now_ms;
        let shown = |m: &&crate::model::Message| !m.deleted && !m.is_expired(now);
        let on_screen = conv.messages.range(low..=high).rev().map(|(_, m)| m);
        let below = conv
            .messages
            .range(high.saturating_add(1)..)
            .map(|(_, m)| m);
        let above = conv.messages.range(..low).rev().map(|(_, m)| m);
        let near: Vec<(i64, u32)> = on_screen
            .filter(shown)
            .chain(below.filter(shown).take(NEAR))
            .chain(above.filter(shown).take(NEAR))
            .map(|m| (m.mid, m.rev))
            .collect();
        let mut effects = Vec::new();
        let mut found_shown = false;
        for (mid, rev) in near {
            let url = match self.chat.link_previews.target(mid, rev) {
                Some(url) => url.map(str::to_string),
                None => {
                    let links = self.links_of(mid);
                    let url = match links.as_slice() {
                        [(url, _)] => Some(url.clone()),
                        _ => None,
                    };
                    self.chat.link_previews.set_target(mid, rev, url.clone());
                    // A preview already known (kept by the store) is drawn from now on.
                    found_shown |= url
                        .as_deref()
                        .is_some_and(|u| self.chat.link_previews.get(u).is_some());
                    url
                }
            };
            let Some(url) = url else { continue };
            if self.chat.ready && self.chat.link_previews.may_ask(&url) {
                self.chat.link_previews.asking(url.clone());
                effects.push(Effect::FetchLinkPreview { url });
            }
        }
        self.dirty |= found_shown;
        effects
    }

    /// The server answered for `url`: kept (with the store too), and the next link near the
    /// screen is asked. A failure is remembered until the next connection.
    pub(super) fn on_link_preview(
        &mut self,
        url: String,
        result: Outcome<Option<LinkPreview>>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        match result {
            Ok(preview) => {
                self.chat.link_previews.insert(url.clone(), preview.clone());
                effects.push(Effect::KeepLinkPreview { url, preview });
            }
            // Nothing to tell: the message simply has no preview.
            Err(_) => self.chat.link_previews.failed(url),
        }
        effects.extend(self.ask_link_previews());
        effects
    }

    /// A new connection is live: links that failed may be asked again, and the ones near
    /// the screen are.
    pub(super) fn relink_previews(&mut self) -> Vec<Effect> {
        self.chat.link_previews.forget_failures();
        self.ask_link_previews()
    }
}
