//! Copying part of a message (`Y` in selection): its text as shown, one row per line, in a
//! view where a line or a range of lines is picked and copied (OSC 52), and where each code
//! block and link of the message is copied by its number. The text is the message's as
//! written (a markdown message's source: code comes out as code), mentions shown as names and
//! cleaned as the timeline cleans it: hidden text is never copied.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! popup owns the lines, the cursor and the range; copying is an effect.

use super::{PopupState, Step, hint};
use crate::app::{App, Effect, Mode};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::{KeyCode, KeyEvent};

/// At most this many lines are offered (a longer message: its first ones; `y` on the
/// message copies all of it).
pub const LINES_MAX: usize = 5_000;

/// At most this many code blocks and links are numbered (keys 1 to 9).
pub const PIECES_MAX: usize = 9;

/// A piece of the message copied by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Code(String),
    Link(String),
}

impl Piece {
    pub fn text(&self) -> &str {
        match self {
            Piece::Code(t) | Piece::Link(t) => t,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyView {
    pub lines: Vec<String>,
    pub cursor: usize,
    /// Where a range started (`v`/Space), if one is being picked.
    pub anchor: Option<usize>,
    /// The code blocks, then the links, numbered from 1.
    pub pieces: Vec<Piece>,
}

impl CopyView {
    /// The lines picked: the range from the anchor to the cursor, else the cursor's line.
    pub fn picked(&self) -> std::ops::RangeInclusive<usize> {
        let a = self.anchor.unwrap_or(self.cursor);
        a.min(self.cursor)..=a.max(self.cursor)
    }
}

/// The code blocks of `text`: fenced (```) or indented blocks of markdown, and fenced blocks
/// of plain text too (people paste them in plain messages).
pub fn code_blocks(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => current = Some(String::new()),
            Event::Text(t) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(c) = current.take() {
                    out.push(c.trim_end_matches('\n').to_string());
                }
            }
            _ => {}
        }
    }
    out
}

impl PopupState for CopyView {
    fn context(&self) -> Context {
        Context::CopyView
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "COPY",
            vec![
                hint(keys, Action::CopyViewCopy, "copy"),
                hint(keys, Action::CopyViewRange, "range"),
                "1-9 piece".into(),
                hint(keys, Action::CopyViewClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        let last = self.lines.len().saturating_sub(1);
        match action {
            Some(Action::CopyViewUp) => self.cursor = self.cursor.saturating_sub(1),
            Some(Action::CopyViewDown) => self.cursor = (self.cursor + 1).min(last),
            Some(Action::CopyViewRange) => {
                self.anchor = match self.anchor {
                    Some(_) => None,
                    None => Some(self.cursor),
                };
            }
            Some(Action::CopyViewAll) => {
                app.info(format!("copied all {} lines", self.lines.len()));
                return (Step::Close, vec![Effect::CopyText(self.lines.join("\n"))]);
            }
            Some(Action::CopyViewCopy) => {
                let range = self.picked();
                let n = range.end() - range.start() + 1;
                let text = self.lines[range].join("\n");
                app.info(if n == 1 {
                    "copied 1 line".to_string()
                } else {
                    format!("copied {n} lines")
                });
                return (Step::Close, vec![Effect::CopyText(text)]);
            }
            Some(Action::CopyViewClose) => return (Step::Close, vec![]),
            _ => match key.code {
                KeyCode::Char(c @ '1'..='9') => {
                    let i = c as usize - '1' as usize;
                    match self.pieces.get(i) {
                        Some(piece) => {
                            app.info(match piece {
                                Piece::Code(_) => "code block copied",
                                Piece::Link(_) => "link copied",
                            });
                            return (
                                Step::Close,
                                vec![Effect::CopyText(piece.text().to_string())],
                            );
                        }
                        None => app.info(format!("no piece numbered {c}")),
                    }
                }
                // Any other key closes, as in the other popups.
                _ => return (Step::Close, vec![]),
            },
        }
        (Step::Stay, vec![])
    }
}

/// A part of a message named in words (the linear mode's `/copy <n> lines 2-4`): lines
/// (from 1, both ends included), or a code block or a link by its number (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Lines(usize, usize),
    Code(usize),
    Link(usize),
}

impl Part {
    /// `lines 2-4`, `line 3`, `code 1`, `link 2`; `None` for anything else.
    pub fn parse(words: &str) -> Option<Part> {
        let (what, which) = words.trim().split_once(' ')?;
        let which = which.trim();
        match what {
            "line" | "lines" => {
                let (a, b) = which.split_once('-').unwrap_or((which, which));
                let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
                (a >= 1 && b >= a).then_some(Part::Lines(a, b))
            }
            "code" => which.parse().ok().filter(|n| *n >= 1).map(Part::Code),
            "link" => which.parse().ok().filter(|n| *n >= 1).map(Part::Link),
            _ => None,
        }
    }
}

impl App {
    /// Part of message `mid` copied (the linear mode's `/copy <n> lines 2-4 | code 1 |
    /// link 1`): what the copy view offers, named in words.
    pub(in crate::app) fn copy_part(&mut self, mid: i64, part: Part) -> Vec<Effect> {
        let Some(view) = self.copy_view_of(mid) else {
            return vec![];
        };
        let count = |kind: fn(&Piece) -> bool| view.pieces.iter().filter(|p| kind(p)).count();
        let nth = |kind: fn(&Piece) -> bool, n: usize| {
            view.pieces.iter().filter(|p| kind(p)).nth(n - 1).cloned()
        };
        let is_code: fn(&Piece) -> bool = |p| matches!(p, Piece::Code(_));
        let is_link: fn(&Piece) -> bool = |p| matches!(p, Piece::Link(_));
        let (text, said) = match part {
            Part::Lines(a, b) if b <= view.lines.len() => (
                view.lines[a - 1..b].join("\n"),
                format!("copied {} line{}", b - a + 1, if a == b { "" } else { "s" }),
            ),
            Part::Lines(..) => {
                self.error(format!("the message has {} lines", view.lines.len()));
                return vec![];
            }
            Part::Code(n) => match nth(is_code, n) {
                Some(p) => (p.text().to_string(), "code block copied".to_string()),
                None => {
                    self.error(format!("the message has {} code blocks", count(is_code)));
                    return vec![];
                }
            },
            Part::Link(n) => match nth(is_link, n) {
                Some(p) => (p.text().to_string(), "link copied".to_string()),
                None => {
                    self.error(format!("the message has {} links", count(is_link)));
                    return vec![];
                }
            },
        };
        self.info(said);
        vec![Effect::CopyText(text)]
    }

    /// `Y` on message `mid`: the view to copy part of it; a file says there is no text.
    pub(in crate::app) fn open_copy_view(&mut self, mid: i64) -> Vec<Effect> {
        if let Some(view) = self.copy_view_of(mid)
            && matches!(self.mode, Mode::Select(_))
        {
            self.popups.push(view);
        }
        vec![]
    }

    /// The copy view of message `mid` (`None`: no such message, or no text: said).
    fn copy_view_of(&mut self, mid: i64) -> Option<CopyView> {
        let m = self.chat.message(mid)?;
        // The text as written (a markdown message's source, so code comes out as code),
        // mentions as names, cleaned as the screen cleans it.
        let text = match crate::present::Body::of(m).shown(Some(&self.chat)) {
            crate::present::Shown::Text(t) | crate::present::Shown::Markdown(t) => t,
            crate::present::Shown::File(_) | crate::present::Shown::Label(_) => {
                self.info("no text to copy here: y copies a file's link");
                return None;
            }
        };
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        lines.truncate(LINES_MAX);
        let mut pieces: Vec<Piece> = code_blocks(&text).into_iter().map(Piece::Code).collect();
        pieces.extend(
            self.links_of(mid)
                .into_iter()
                .map(|(url, _)| Piece::Link(crate::sanitize::clean(&url))),
        );
        pieces.truncate(PIECES_MAX);
        Some(CopyView {
            lines,
            pieces,
            ..CopyView::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{chat, event, key, synced};
    use crate::app::{Msg, Popup, update};
    use crate::model::ConvKey;
    use crate::protocol::ServerEvent;
    use crossterm::event::KeyModifiers;

    fn viewing(text: &str) -> App {
        let mut app = synced();
        update(&mut app, event(ServerEvent::Chat(chat(50, 2, 1, text))));
        app.open_conversation(ConvKey::Group(1));
        app.mode = Mode::Select(50);
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT)),
        );
        assert!(matches!(app.popups.top(), Some(Popup::CopyView(_))));
        app
    }

    #[test]
    fn a_line_or_a_range_of_lines_is_copied() {
        let mut app = viewing("one\ntwo\nthree\nfour");
        update(&mut app, key(KeyCode::Down));
        let effects = update(&mut app, key(KeyCode::Char('y')));
        assert_eq!(effects, vec![Effect::CopyText("two".into())]);
        let mut app = viewing("one\ntwo\nthree\nfour");
        update(&mut app, key(KeyCode::Down));
        update(&mut app, key(KeyCode::Char('v')));
        update(&mut app, key(KeyCode::Down));
        update(&mut app, key(KeyCode::Down));
        let effects = update(&mut app, key(KeyCode::Enter));
        assert_eq!(effects, vec![Effect::CopyText("two\nthree\nfour".into())]);
        assert!(app.status.notice.as_ref().unwrap().text.contains("3 lines"));
    }

    #[test]
    fn code_blocks_and_links_are_copied_by_number() {
        let mut app = viewing("run this:\n```\ncargo test\n```\nsee https://x.example/doc");
        let effects = update(&mut app, key(KeyCode::Char('1')));
        assert_eq!(effects, vec![Effect::CopyText("cargo test".into())]);
        let mut app = viewing("run this:\n```\ncargo test\n```\nsee https://x.example/doc");
        let effects = update(&mut app, key(KeyCode::Char('2')));
        assert_eq!(
            effects,
            vec![Effect::CopyText("https://x.example/doc".into())]
        );
        let mut app = viewing("no pieces here");
        let effects = update(&mut app, key(KeyCode::Char('3')));
        assert!(effects.is_empty());
        assert!(
            matches!(app.popups.top(), Some(Popup::CopyView(_))),
            "stays open"
        );
    }

    #[test]
    fn parts_named_in_words_are_copied_and_a_missing_one_is_said() {
        let mut app = synced();
        let text = "a\nb\n```\nmake\n```\nhttps://x.example/1 https://x.example/2";
        update(&mut app, event(ServerEvent::Chat(chat(60, 2, 1, text))));
        app.open_conversation(ConvKey::Group(1));
        let copy = |app: &mut App, words: &str| app.copy_part(60, Part::parse(words).unwrap());
        assert_eq!(
            copy(&mut app, "lines 1-2"),
            vec![Effect::CopyText("a\nb".into())]
        );
        assert_eq!(
            copy(&mut app, "code 1"),
            vec![Effect::CopyText("make".into())]
        );
        assert_eq!(
            copy(&mut app, "link 2"),
            vec![Effect::CopyText("https://x.example/2".into())]
        );
        assert!(copy(&mut app, "link 3").is_empty());
        assert!(app.status.notice.as_ref().unwrap().text.contains("2 links"));
        assert!(copy(&mut app, "lines 2-40").is_empty());
        assert_eq!(Part::parse("lines 3-1"), None);
        assert_eq!(Part::parse("line 3"), Some(Part::Lines(3, 3)));
        assert_eq!(Part::parse("code x"), None);
    }

    #[test]
    fn hidden_text_is_never_offered() {
        let app = viewing("a\u{1b}[2Jb\u{202e}c");
        let Some(Popup::CopyView(view)) = app.popups.top() else {
            panic!("no view");
        };
        assert!(
            view.lines
                .iter()
                .all(|l| !l.contains('\u{1b}') && !l.contains('\u{202e}'))
        );
    }
}
