//! The link picker (Alt+L, `/links`): every link of the messages on screen (or of the
//! selected one), each with a short hint of home-row letters, like urlscan or a browser's
//! hint mode. Typing a hint opens its link (as `o` does: a link whose text names another
//! target asks first, a scheme that only shows something opens); typing it in capitals
//! copies the link instead (OSC 52). The links are the targets `o` uses (`App::links_of`).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! popup owns the links offered and the hint typed so far; opening goes through `open.rs`,
//! copying is an effect.

use super::{PopupState, Step, hint};
use crate::app::{App, Effect, Mode};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::{KeyCode, KeyEvent};

/// The letters hints are made of, the home row first.
const LETTERS: &[char] = &['a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l'];

/// At most this many links are offered (two letters each past the first nine).
pub const MOST: usize = 81;

/// One link offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    pub hint: String,
    pub url: String,
    /// Its text names another target: opening it asks first.
    pub disguised: bool,
    /// The message it is in.
    pub mid: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkPicker {
    pub links: Vec<Offered>,
    /// The hint typed so far (lower case).
    pub typed: String,
    /// A letter of it was typed in capitals: the link is copied, not opened.
    pub copy: bool,
}

/// The hint of link `i` of `n`: one letter while nine or fewer, else two.
fn hint_for(i: usize, n: usize) -> String {
    let k = LETTERS.len();
    if n <= k {
        LETTERS[i].to_string()
    } else {
        format!("{}{}", LETTERS[(i / k) % k], LETTERS[i % k])
    }
}

impl LinkPicker {
    /// The links of messages `mids` (in order), each once, with their hints.
    fn of(app: &App, mids: &[i64]) -> LinkPicker {
        let mut found: Vec<(String, bool, i64)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        'messages: for mid in mids {
            for (url, disguised) in app.links_of(*mid) {
                if found.len() == MOST {
                    break 'messages;
                }
                if seen.insert(url.clone()) {
                    found.push((url, disguised, *mid));
                }
            }
        }
        let n = found.len();
        LinkPicker {
            links: found
                .into_iter()
                .enumerate()
                .map(|(i, (url, disguised, mid))| Offered {
                    hint: hint_for(i, n),
                    url,
                    disguised,
                    mid,
                })
                .collect(),
            typed: String::new(),
            copy: false,
        }
    }
}

impl PopupState for LinkPicker {
    fn context(&self) -> Context {
        Context::Links
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "LINKS",
            vec![
                "hint: open".into(),
                "HINT: copy".into(),
                hint(keys, Action::LinksClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        match (action, key.code) {
            (Some(Action::LinksErase), _) => {
                self.typed.pop();
                if self.typed.is_empty() {
                    self.copy = false;
                }
                return (Step::Stay, vec![]);
            }
            (Some(Action::LinksClose), _) => return (Step::Close, vec![]),
            _ => {}
        }
        let KeyCode::Char(c) = key.code else {
            return (Step::Stay, vec![]);
        };
        self.copy |= c.is_uppercase();
        let copy = self.copy;
        self.typed.push(c.to_ascii_lowercase());
        let matching: Vec<&Offered> = self
            .links
            .iter()
            .filter(|l| l.hint.starts_with(&self.typed))
            .collect();
        match matching.as_slice() {
            [] => {
                app.info(format!("no link has the hint {}", self.typed));
                self.typed.clear();
                self.copy = false;
                (Step::Stay, vec![])
            }
            [one] if one.hint == self.typed => {
                let picked = (*one).clone();
                if copy {
                    app.info("link copied");
                    return (Step::Close, vec![Effect::CopyText(picked.url)]);
                }
                (Step::Close, app.open_link(picked.url, picked.disguised))
            }
            _ => (Step::Stay, vec![]),
        }
    }
}

impl App {
    /// Alt+L, `/links`: the picker over the links of the selected message, else of the
    /// messages on screen (the newest few when nothing was drawn, as in the linear mode).
    pub(in crate::app) fn open_link_picker(&mut self) -> Vec<Effect> {
        let mids: Vec<i64> = match (&self.mode, self.timeline.open) {
            (Mode::Select(mid), _) => vec![*mid],
            (_, Some(key)) => {
                let Some(conv) = self.chat.convs.get(&key) else {
                    return vec![];
                };
                let shown = self.timeline.shown;
                let mut mids: Vec<i64> = conv
                    .visible()
                    .rev()
                    .filter(|m| !m.is_expired(self.now_ms))
                    .filter(|m| shown.is_none_or(|(low, high)| (low..=high).contains(&m.mid)))
                    .take(if shown.is_some() { usize::MAX } else { 20 })
                    .map(|m| m.mid)
                    .collect();
                mids.reverse();
                mids
            }
            _ => {
                self.info("open a conversation first");
                return vec![];
            }
        };
        let picker = LinkPicker::of(self, &mids);
        if picker.links.is_empty() {
            self.info(match self.mode {
                Mode::Select(_) => "no link in this message",
                _ => "no link on the screen",
            });
            return vec![];
        }
        self.popups.push(picker);
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{chat, event, key, synced};
    use crate::app::{Msg, Popup, View, update};
    use crate::model::ConvKey;
    use crate::protocol::ServerEvent;
    use crossterm::event::KeyModifiers;

    /// The lobby open, with three messages holding links; the screen shows mids `shown`.
    fn lobby_with_links(shown: Option<(i64, i64)>) -> App {
        let mut app = synced();
        for (mid, text) in [
            (20, "see https://one.example/a"),
            (
                21,
                "two: https://two.example/b and https://one.example/a again",
            ),
            (22, "three https://three.example/c"),
        ] {
            update(&mut app, event(ServerEvent::Chat(chat(mid, 2, 1, text))));
        }
        app.open_conversation(ConvKey::Group(1));
        update(
            &mut app,
            Msg::View(View {
                shown,
                ..View::default()
            }),
        );
        app
    }

    fn offered(app: &App) -> Vec<(String, String)> {
        match app.popups.top() {
            Some(Popup::Links(p)) => p
                .links
                .iter()
                .map(|l| (l.hint.clone(), l.url.clone()))
                .collect(),
            other => panic!("no link picker: {other:?}"),
        }
    }

    #[test]
    fn the_picker_offers_the_links_on_screen_and_a_hint_opens_one() {
        // Messages 21 and 22 on screen: their links, each once, top down.
        let mut app = lobby_with_links(Some((21, 22)));
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::ALT)),
        );
        assert_eq!(
            offered(&app),
            [
                ("a".to_string(), "https://two.example/b".to_string()),
                ("s".into(), "https://one.example/a".into()),
                ("d".into(), "https://three.example/c".into()),
            ]
        );
        let effects = update(&mut app, key(KeyCode::Char('s')));
        assert_eq!(
            effects,
            vec![Effect::OpenUrl("https://one.example/a".into())]
        );
        assert!(app.popups.is_empty());
    }

    #[test]
    fn a_hint_in_capitals_copies_and_a_wrong_one_says_so() {
        let mut app = lobby_with_links(Some((20, 22)));
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::ALT)),
        );
        update(&mut app, key(KeyCode::Char('x')));
        assert!(
            app.status
                .notice
                .as_ref()
                .unwrap()
                .text
                .contains("no link has the hint x")
        );
        assert!(
            matches!(app.popups.top(), Some(Popup::Links(_))),
            "still open"
        );
        let effects = update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT)),
        );
        assert_eq!(
            effects,
            vec![Effect::CopyText("https://three.example/c".into())]
        );
        assert!(app.popups.is_empty());
    }

    #[test]
    fn in_selection_only_the_selected_messages_links_and_none_says_so() {
        let mut app = lobby_with_links(Some((20, 22)));
        app.mode = Mode::Select(20);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::ALT)),
        );
        assert_eq!(
            offered(&app),
            [("a".to_string(), "https://one.example/a".to_string())]
        );
        update(&mut app, key(KeyCode::Esc));
        assert!(app.popups.is_empty());
        // The lobby's message without a link, alone on screen.
        let mut app = lobby_with_links(Some((11, 11)));
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::ALT)),
        );
        assert!(app.popups.is_empty());
        assert!(app.status.notice.as_ref().unwrap().text.contains("no link"));
    }

    #[test]
    fn hints_are_one_letter_up_to_nine_then_two() {
        assert_eq!(hint_for(0, 3), "a");
        assert_eq!(hint_for(8, 9), "l");
        assert_eq!(hint_for(0, 10), "aa");
        assert_eq!(hint_for(10, 10), "ss");
        let all: std::collections::HashSet<String> = (0..MOST).map(|i| hint_for(i, MOST)).collect();
        assert_eq!(all.len(), MOST, "every hint differs");
    }
}
