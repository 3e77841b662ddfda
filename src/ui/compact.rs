//! The compact timeline layout (`ui.layout = "compact"`), the dense one IRC clients use:
//! `09:01 bob  text…` on one line, every other line of the message (wrapped text, further
//! lines, the reply quote, reactions, pending changes) indented under the text, and in a run
//! of one author's messages the author shown only on the first.
//!
//! This module owns which layout a message gets (`Head`: compact falls back to cozy where
//! the text would be squeezed), the line prefix (the *lead*) and how a message's lines are
//! laid under it. The walk over the messages, the grouping rule, the body cache and scrolling
//! stay in `timeline`: bodies are wrapped at the text column's width and cached like cozy ones.

use crate::app::App;
use crate::model::Message;
use crate::sanitize::one_line;
use crate::text::wrap::{truncate, width};
use crate::theme::Theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Below this many cells for the text, a message is laid out cozily instead: text squeezed
/// into a sliver beside a long prefix reads worse than one extra line.
const MIN_TEXT_WIDTH: usize = 16;
/// The widest author name shown, in cells: a long name would push every line of the text
/// far to the right (cozy shows up to 32 characters, on a line of its own).
const AUTHOR_CELLS: usize = 16;
/// Blank cells between the author and the text.
const GAP: &str = "  ";

/// How a message's first line looks, in the layout chosen (`ui.layout`).
pub(super) enum Head {
    /// Cozy: a header line (time, author) above the text, unless it continues a run.
    Cozy { header: bool },
    /// Compact: the time and author (or blanks) before the text.
    Compact(Lead),
}

impl Head {
    /// The layout of message `m` at `width`; compact falls back to cozy where it is too
    /// narrow for text beside the lead.
    pub(super) fn of(app: &App, m: &Message, grouped: bool, width: u16, theme: &Theme) -> Head {
        let lead = (app.settings.layout == crate::config::Layout::Compact)
            .then(|| lead(app, m, grouped, width, theme))
            .flatten();
        match lead {
            Some(lead) => Head::Compact(lead),
            None => Head::Cozy { header: !grouped },
        }
    }

    pub(super) fn lead(&self) -> Option<&Lead> {
        match self {
            Head::Compact(lead) => Some(lead),
            Head::Cozy { .. } => None,
        }
    }

    /// The width the body is wrapped (and cached) at.
    pub(super) fn text_width(&self, width: u16) -> u16 {
        self.lead().map_or(width, |l| l.text_width(width))
    }
}

/// What goes before a compact message's lines: the time and author on the first line of its
/// text, blanks as wide on every other line.
pub(super) struct Lead {
    first: Vec<Span<'static>>,
    /// The text column: where the text starts on every line.
    indent: usize,
}

impl Lead {
    /// A lead of `spans` (the gap is added), or `None` when it leaves the text too little
    /// of `width`.
    fn new(mut spans: Vec<Span<'static>>, width_cells: u16) -> Option<Lead> {
        spans.push(Span::raw(GAP));
        let indent = spans.iter().map(|s| width(&s.content)).sum::<usize>();
        (usize::from(width_cells) >= indent + MIN_TEXT_WIDTH).then_some(Lead {
            first: spans,
            indent,
        })
    }

    /// The width the text is wrapped to (the rest of the line after the lead).
    pub(super) fn text_width(&self, width_cells: u16) -> u16 {
        width_cells.saturating_sub(self.indent as u16).max(1)
    }

    /// `line` with the lead in front: the time and author if it is the text's first line,
    /// else the indent. The line's own style and alignment are kept.
    pub(super) fn put(&self, line: Line<'static>, first: bool) -> Line<'static> {
        let mut spans = if first {
            self.first.clone()
        } else {
            vec![Span::raw(" ".repeat(self.indent))]
        };
        spans.extend(line.spans);
        Line { spans, ..line }
    }

    /// Lays a message's `lines` under the lead; the text's first line is at `first` (lines
    /// before it, the reply quote, are indented like those after it).
    pub(super) fn lay(&self, lines: Vec<Line<'static>>, first: usize) -> Vec<Line<'static>> {
        lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| self.put(line, i == first))
            .collect()
    }
}

/// The lead of message `m`: its time, then its author, or blanks as wide when it continues
/// its author's run (`grouped`), so the text of the run stays in one column. A burning
/// message keeps its 🔥 either way (burn-after-reading is set per conversation, so a run
/// burns all or none, and its column stays aligned). `None` when `width` is too narrow.
pub(super) fn lead(
    app: &App,
    m: &Message,
    grouped: bool,
    width_cells: u16,
    theme: &Theme,
) -> Option<Lead> {
    let time = crate::timefmt::format(m.created_at, app.settings.utc, &app.settings.time_format);
    let mut author = vec![Span::styled(
        crate::present::person(&app.chat, m.from_uid, AUTHOR_CELLS),
        theme.author(m.from_uid),
    )];
    if app.chat.users.get(&m.from_uid).is_some_and(|u| u.is_bot) {
        author.push(Span::styled(" bot", theme.dimmed()));
    }
    if grouped {
        let cells = author.iter().map(|s| width(&s.content)).sum::<usize>();
        author = vec![Span::raw(" ".repeat(cells))];
    }
    if m.expires_in.is_some_and(|e| e > 0) {
        author.push(Span::styled(" 🔥", theme.dimmed()));
    }
    if super::timeline::pinned(app, m) {
        author.push(Span::styled(" pinned", theme.fg(theme.accent)));
    }
    let mut spans = vec![Span::styled(time, theme.dimmed()), Span::raw(" ")];
    spans.extend(author);
    Lead::new(spans, width_cells)
}

/// The lead of a message you sent that the server has not acknowledged: no time yet (blanks
/// as wide as one), your name in the pending or failed colour.
pub(super) fn pending_lead(app: &App, style: Style, width_cells: u16) -> Option<Lead> {
    let time = crate::timefmt::format(app.now_ms, app.settings.utc, &app.settings.time_format);
    let me = app
        .chat
        .me
        .map(|m| app.chat.user_name(m))
        .unwrap_or_default();
    let spans = vec![
        Span::raw(" ".repeat(width(&time) + 1)),
        Span::styled(truncate(&one_line(&me, 32), AUTHOR_CELLS), style),
    ];
    Lead::new(spans, width_cells)
}

#[cfg(test)]
mod tests {
    use super::super::RenderCache;
    use super::super::timeline::{draw, groups_with};
    use crate::app::conn::SyncMsg;
    use crate::app::{App, Mode, Msg, Settings, update};
    use crate::config::{Config, Layout};
    use crate::keymap::{Keymap, Preset};
    use crate::protocol::ServerEvent;
    use crate::theme::Theme;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use serde_json::{Value, json};

    /// Sunday 2026-11-22 09:00 UTC.
    const T0: i64 = 1_795_338_000_000;
    const MINUTE: i64 = 60_000;

    fn event(app: &mut App, v: Value) {
        let ev: ServerEvent = serde_json::from_value(v).unwrap();
        update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
    }

    /// A text message in #general from `from` at `minutes` after 09:00 (UTC).
    fn text(mid: i64, from: i64, minutes: i64, content: &str) -> Value {
        json!({"type":"chat","mid":mid,"from_uid":from,"created_at":T0 + minutes * MINUTE,"target":{"gid":1},
            "detail":{"type":"normal","content_type":"text/plain","content":content,"properties":null,"expires_in":null}})
    }

    /// ada (you), bob and carol in #general, open, with `messages` in it, laid out `layout`.
    fn app(layout: Layout, messages: Vec<Value>) -> App {
        let mut settings = Settings::from(&Config::default());
        settings.utc = true;
        settings.layout = layout;
        let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "t".into());
        app.now_ms = T0 + 24 * 60 * MINUTE;
        let user = |uid: i64, name: &str| json!({"uid":uid,"name":name,"is_bot":false});
        event(
            &mut app,
            json!({"type":"users_snapshot","version":1,"users":[user(1,"ada"),user(2,"bob"),user(3,"carol")]}),
        );
        event(
            &mut app,
            json!({"type":"related_groups","groups":[{"gid":1,"name":"general","is_public":true}]}),
        );
        for m in messages {
            event(&mut app, m);
        }
        event(&mut app, json!({"type":"ready"}));
        app
    }

    /// The timeline drawn alone at `w`×`h`: its rows (trailing blanks cut) and the links found.
    fn rows(app: &App, w: u16, h: u16) -> (Vec<String>, Vec<super::super::Link>) {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        let mut cache = RenderCache::default();
        term.draw(|f| {
            draw(f, app, f.area(), &Theme::dark(), &mut cache);
        })
        .unwrap();
        let buf = term.backend().buffer();
        let rows = (0..h)
            .map(|y| {
                let row: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
                row.trim_end().to_string()
            })
            .collect();
        (rows, cache.links)
    }

    /// The rows from the first that starts with `from`.
    fn from(rows: &[String], from: &str) -> Vec<String> {
        let at = rows.iter().position(|r| r.starts_with(from));
        rows[at.unwrap_or_else(|| panic!("no row starts with {from:?}: {rows:#?}"))..].to_vec()
    }

    #[test]
    fn a_run_is_one_author_a_few_minutes_apart_on_one_day_without_replies() {
        let reply = json!({"type":"chat","mid":6,"from_uid":3,"created_at":T0 + 15 * MINUTE,"target":{"gid":1},
            "detail":{"type":"reply","mid":5,"content_type":"text/plain","content":"yes","properties":null}});
        let app = app(
            Layout::Compact,
            vec![
                text(1, 2, 0, "a"),
                text(2, 2, 4, "b: four minutes after a"),
                text(3, 3, 5, "c: another author"),
                text(4, 3, 11, "d: six minutes after c"),
                text(5, 3, 14, "e"),
                reply,
                // 23:58, and 00:01 the next day.
                text(7, 3, 14 * 60 + 58, "g"),
                text(8, 3, 15 * 60 + 1, "h: a new day"),
            ],
        );
        let conv = &app.chat.convs[&app.timeline.open.unwrap()];
        let messages: Vec<_> = conv.visible().collect();
        let runs: Vec<bool> = (0..messages.len())
            .map(|i| groups_with(i.checked_sub(1).map(|p| messages[p]), messages[i], true))
            .collect();
        assert_eq!(runs, [false, true, false, false, true, false, false, false]);
    }

    #[test]
    fn compact_puts_time_author_and_text_on_one_line_and_shows_a_run_s_author_once() {
        let app = app(
            Layout::Compact,
            vec![
                text(1, 2, 1, "first"),
                text(2, 2, 2, "second, same author"),
                text(3, 3, 3, "a new author breaks the run"),
                text(4, 2, 4, "bob again"),
            ],
        );
        let (rows, _) = rows(&app, 60, 8);
        assert_eq!(
            from(&rows, "09:01"),
            [
                "09:01 bob  first",
                "09:02      second, same author",
                "09:03 carol  a new author breaks the run",
                "09:04 bob  bob again",
            ]
        );
    }

    #[test]
    fn a_long_or_multi_line_message_continues_under_its_text_column() {
        let long = "the quick brown fox jumps over the lazy dog and keeps on running";
        let app = app(
            Layout::Compact,
            vec![text(1, 2, 1, long), text(2, 2, 2, "one\ntwo")],
        );
        let (rows, _) = rows(&app, 40, 8);
        let rows = from(&rows, "09:01");
        // The text column starts at cell 11 and is 29 wide: the long message takes three
        // lines and the second message two, every one after the first starting at the column.
        assert_eq!(
            rows,
            [
                "09:01 bob  the quick brown fox jumps",
                "           over the lazy dog and keeps",
                "           on running",
                "09:02      one",
                "           two",
            ]
        );
    }

    #[test]
    fn a_new_day_shows_the_author_again() {
        let app = app(
            Layout::Compact,
            vec![
                text(1, 2, 14 * 60 + 58, "late"),
                text(2, 2, 15 * 60 + 1, "early"),
            ],
        );
        let (rows, _) = rows(&app, 60, 6);
        let rows = from(&rows, "23:58");
        assert_eq!(rows[0], "23:58 bob  late");
        assert!(rows[1].contains("Monday, 23 November 2026"), "{rows:#?}");
        assert_eq!(rows[2], "00:01 bob  early");
    }

    #[test]
    fn a_selected_tall_message_keeps_its_lead_and_indent() {
        let long: String = (0..40).map(|i| format!("row {i:02}\n")).collect();
        let mut app = app(Layout::Compact, vec![text(1, 2, 1, long.trim_end())]);
        app.mode = Mode::Select(1);
        let (rows, _) = rows(&app, 40, 6);
        // It opens at its top (the day and new-message lines above it are part of its
        // block): the time and author, then rows under the text column, down to the bottom
        // (where the "lines below" hint sits at the right).
        let body = from(&rows, "09:01");
        assert_eq!(body[0], "09:01 bob  row 00");
        assert!(body.len() > 2, "{rows:#?}");
        for (i, row) in body.iter().enumerate().skip(1) {
            assert!(
                row.starts_with(&format!("           row {i:02}")),
                "{rows:#?}"
            );
        }
    }

    #[test]
    fn links_are_found_in_the_text_column() {
        let app = app(
            Layout::Compact,
            vec![text(1, 2, 1, "docs: https://example.com/docs")],
        );
        let (rows, links) = rows(&app, 60, 4);
        assert_eq!(links.len(), 1, "{links:?}");
        let link = &links[0];
        assert_eq!(
            (link.x, link.text.as_str()),
            (17, "https://example.com/docs")
        );
        assert_eq!(&rows[usize::from(link.y)][17..], "https://example.com/docs");
    }

    #[test]
    fn a_pending_send_has_your_name_before_it_and_its_state_under_it() {
        let mut app = app(Layout::Compact, vec![text(1, 2, 1, "hello")]);
        for c in "on it".chars() {
            update(
                &mut app,
                Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            );
        }
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        );
        let (rows, _) = rows(&app, 60, 5);
        assert_eq!(
            from(&rows, "09:01"),
            [
                "09:01 bob  hello",
                "      ada  on it",
                "           sending…"
            ]
        );
    }

    #[test]
    fn replies_quoting_a_5_mib_message_show_its_first_line() {
        // Markdown, so the quote goes through the summary of its text; 5 MiB of it.
        let huge = format!(
            "**release notes** for `2.0`\n\n{}",
            "- a change worth a line of its own\n".repeat(150_000)
        );
        assert!(huge.len() > 5 << 20);
        let original = json!({"type":"chat","mid":1,"from_uid":2,"created_at":T0,"target":{"gid":1},
            "detail":{"type":"normal","content_type":"text/markdown","content":huge,"properties":null,"expires_in":null}});
        let reply = |mid: i64| {
            json!({"type":"chat","mid":mid,"from_uid":3,"created_at":T0 + mid * MINUTE,"target":{"gid":1},
            "detail":{"type":"reply","mid":1,"content_type":"text/plain","content":format!("reply {mid}"),"properties":null}})
        };
        for layout in [Layout::Cozy, Layout::Compact] {
            let mut messages = vec![original.clone()];
            messages.extend((2..12).map(reply));
            let app = app(layout, messages);
            let (rows, _) = rows(&app, 80, 40);
            let quotes: Vec<&String> = rows.iter().filter(|r| r.contains('┃')).collect();
            assert!(quotes.len() >= 5, "{layout:?}: {rows:#?}");
            for q in quotes {
                assert!(
                    q.trim_start()
                        .starts_with("┃ bob: release notes for 2.0 a change worth a line"),
                    "{layout:?}: {q:?}"
                );
            }
            assert!(rows.iter().any(|r| r.contains("reply 11")), "{rows:#?}");
        }
    }

    #[test]
    fn too_narrow_for_text_beside_the_lead_is_laid_out_cozily() {
        let app = app(Layout::Compact, vec![text(1, 2, 1, "hello")]);
        let (rows, _) = rows(&app, 20, 4);
        assert_eq!(from(&rows, "09:01"), ["09:01 bob", "hello"]);
    }

    /// A server's times may be anywhere in i64: one author's messages at both ends are
    /// measured from each other without overflowing, and drawn on clamped days.
    #[test]
    fn times_at_the_ends_of_i64_draw_in_both_layouts() {
        let at = |mid: i64, created_at: i64| {
            json!({"type":"chat","mid":mid,"from_uid":2,"created_at":created_at,"target":{"gid":1},
                "detail":{"type":"normal","content_type":"text/plain","content":"edge","properties":null,"expires_in":null}})
        };
        for layout in [Layout::Cozy, Layout::Compact] {
            let app = app(
                layout,
                vec![at(1, i64::MIN), at(2, i64::MAX), at(3, i64::MIN), at(4, 0)],
            );
            let conv = &app.chat.convs[&app.timeline.open.unwrap()];
            let messages: Vec<_> = conv.visible().collect();
            let runs: Vec<bool> = (0..messages.len())
                .map(|i| groups_with(i.checked_sub(1).map(|p| messages[p]), messages[i], true))
                .collect();
            assert_eq!(runs, [false, false, false, false]);
            let (rows, _) = rows(&app, 80, 24);
            assert!(
                rows.iter().any(|r| r.contains("December 9999")),
                "{rows:#?}"
            );
            assert!(rows.iter().any(|r| r.contains("January 0001")), "{rows:#?}");
        }
    }
}
