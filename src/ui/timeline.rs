//! The timeline: messages of the open conversation, newest at the bottom, with day
//! separators, a "new messages" line, reply quotes, reactions, files, edits and pending sends.
//!
//! Two layouts (`ui.layout`): cozy, with the time and author on a line above the text, and
//! compact, with them before it (the lead, in `compact`).
//!
//! Cost follows the viewport: blocks are built from the newest message up until the screen
//! (plus the scroll offset) is full, and each message's wrapped body is cached per width and
//! revision, so a 100k-message channel draws like a 10-message one.

use super::compact::Head;
use crate::app::App;
use crate::model::Message;
use crate::present::{self, Shown};
use crate::sanitize::one_line;
use crate::text;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::collections::HashMap;

/// A body's cache key: (account, mid, revision, width, users version, full text, archives
/// revision for a forwarded archive). Two accounts' servers number their messages alike, so
/// the account is part of it.
type BodyKey = (u32, i64, u32, u16, i64, bool, u32);

/// Wrapped message bodies by [`BodyKey`], in two generations: `bodies` holds what was drawn
/// since the last turn, `older` what was drawn before it; a body drawn again moves up, the
/// rest goes at the next turn. The cache turns at the start of a frame once it holds more
/// than [`CACHE_LIMIT`], so what one frame draws is never let go within it.
#[derive(Default)]
pub struct RenderCache {
    bodies: HashMap<BodyKey, Body>,
    older: HashMap<BodyKey, Body>,
    /// Links on screen after the last frame: (column, row, text, URL), for OSC 8.
    pub links: Vec<super::screen_links::Link>,
    /// Rows drawn as one line wrapped over several (the meeting link), for the painter.
    pub joined_rows: Vec<u16>,
    /// How images are drawn (half-blocks unless the terminal said it can do better).
    pub picker: Option<ratatui_image::picker::Picker>,
    /// The message selected in the last frame: a newly selected tall message opens at its top.
    last_selected: Option<i64>,
    /// The preview being shown, keyed by its image's address.
    pub preview: Option<(usize, ratatui_image::protocol::StatefulProtocol)>,
}

/// Bodies the cache holds before it turns: several screens' worth, few enough that the
/// bodies of messages scrolled past, edited or liked since, or no longer loaded do not pile
/// up over a long session (it holds at most twice this, or twice what one frame draws).
const CACHE_LIMIT: usize = 500;

/// How much of a message is rendered while it is folded (not selected): enough for any
/// screenful, so a 10 MB message costs what a short one does. Every per-frame path that
/// shows a piece of a message (reply quotes, search hits) cuts it to this first.
pub(super) const FOLDED_BYTES: usize = 16 * 1024;
/// How much is rendered when it is selected; the rest is left to copy (`y`).
const FULL_BYTES: usize = 512 * 1024;

/// A message body wrapped for one width, and how much of the text it leaves out.
struct Body {
    lines: Vec<Line<'static>>,
    /// Source lines past the rendered part (0 when all of it was rendered).
    cut_lines: usize,
}

impl RenderCache {
    /// A frame starts: past the limit, what was not drawn since the last turn goes.
    fn new_frame(&mut self) {
        if self.bodies.len() > CACHE_LIMIT {
            self.older = std::mem::take(&mut self.bodies);
        }
    }

    fn body(&mut self, app: &App, m: &Message, width: u16, theme: &Theme, full: bool) -> &Body {
        let key = (
            app.focused.0,
            m.mid,
            m.rev,
            width,
            app.chat.users_version.unwrap_or(0),
            full,
            super::archive::rev_for(app, m),
        );
        if let Some(body) = self.older.remove(&key) {
            self.bodies.insert(key, body);
        }
        self.bodies.entry(key).or_insert_with(|| {
            let limit = if full { FULL_BYTES } else { FOLDED_BYTES };
            let (head, rest) = text::split_at_most(&m.content, limit);
            if let Some(lines) = super::archive::body(app, m, full, width as usize, theme) {
                return Body {
                    lines,
                    cut_lines: 0,
                };
            }
            Body {
                lines: render_body(app, m, head, width as usize, theme),
                cut_lines: if rest.is_empty() {
                    0
                } else {
                    rest.lines().count().max(1)
                },
            }
        })
    }
}

fn render_body(
    app: &App,
    m: &Message,
    content: &str,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let body = present::Body::new(&m.kind, content, m.properties.as_ref());
    let shown = body.shown(Some(&app.chat));
    if !matches!(shown, Shown::File(_))
        && let Some((base, space)) = crate::protocol::vocespace::parse_invite(content)
    {
        let host = base.split("://").nth(1).unwrap_or(&base).to_string();
        let hint = app.keymap.hint(crate::keymap::Action::JoinCall);
        let select = app.keymap.hint(crate::keymap::Action::SelectMode);
        return vec![
            Line::from(vec![
                Span::styled(
                    "📞 VoceSpace meeting ",
                    theme.fg(theme.accent).add_modifier(Modifier::BOLD),
                ),
                Span::styled(one_line(&space, 60), theme.fg(theme.accent)),
                Span::styled(format!(" on {}", one_line(&host, 40)), theme.dimmed()),
            ]),
            Line::styled(
                format!("select it ({select}) and press {hint} for your own link"),
                theme.dimmed(),
            ),
        ];
    }
    match shown {
        Shown::Markdown(text) => text::markdown(&text, width, theme),
        Shown::Text(text) => {
            let me_tag = app
                .chat
                .me
                .map(|me| format!("@{}", app.chat.user_name(me)))
                .unwrap_or_default();
            text::plain(&text, width, theme, &me_tag)
        }
        Shown::File(file) => text::plain(&file.line(), width, theme, ""),
        Shown::Label(label) => text::plain(&label, width, theme, ""),
    }
}

fn day_line(ms: i64, utc: bool, width: usize, theme: &Theme) -> Line<'static> {
    let label = crate::timefmt::format(ms, utc, " %A, %-d %B %Y ");
    let side = width.saturating_sub(crate::text::wrap::width(&label)) / 2;
    Line::styled(
        format!("{}{label}{}", "─".repeat(side), "─".repeat(side)),
        theme.fg(theme.separator),
    )
}

/// Whether `m` continues the run of its author's messages that `prev` (the message just
/// before it) is in, so its author is not shown again (both layouts): the same author, less
/// than five minutes after `prev`, the same day, and not a reply (the quote reads as part
/// of the message above without a header of its own). Each message is measured from the one
/// before it, so a steady back-and-forth of one author stays one run. A line between them
/// (a day separator, the new-messages line, the gap marker) breaks the run too; `draw` sees
/// those.
/// Whether `m`, a message of the open conversation, is pinned there: its header says so (in
/// words, not colour alone), so it never continues a run. Reads the channel's short pin list.
pub(super) fn pinned(app: &App, m: &Message) -> bool {
    app.timeline
        .open
        .is_some_and(|k| app.chat.is_message_pinned(k, m.mid))
}

pub(super) fn groups_with(prev: Option<&Message>, m: &Message, utc: bool) -> bool {
    prev.is_some_and(|p| {
        p.from_uid == m.from_uid
            && m.created_at.saturating_sub(p.created_at) < 5 * 60_000
            && crate::timefmt::same_day(p.created_at, m.created_at, utc)
            && m.reply_to.is_none()
    })
}

/// One message as lines: header (cozy, unless it continues the previous author's run),
/// reply quote, body, reactions; in compact all of them laid under the lead. For the
/// selected message the body lines are placeholders (the returned range within the block):
/// only the ones that reach the screen are filled in, by [`fill_selected`], so a message of
/// any length costs a screenful per frame.
#[allow(clippy::too_many_arguments)]
fn message_block(
    app: &App,
    m: &Message,
    head: &Head,
    width: u16,
    height: usize,
    selected: bool,
    theme: &Theme,
    cache: &mut RenderCache,
) -> (Vec<Line<'static>>, Option<std::ops::Range<usize>>) {
    let mut lines = Vec::new();
    let width = head.text_width(width);
    if let Head::Cozy { header: true } = head {
        let time =
            crate::timefmt::format(m.created_at, app.settings.utc, &app.settings.time_format);
        let mut header = vec![
            Span::styled(time, theme.dimmed()),
            Span::raw(" "),
            Span::styled(
                crate::present::person(&app.chat, m.from_uid, 32),
                theme.author(m.from_uid),
            ),
        ];
        if app.chat.users.get(&m.from_uid).is_some_and(|u| u.is_bot) {
            header.push(Span::styled(" bot", theme.dimmed()));
        }
        if m.expires_in.is_some_and(|e| e > 0) {
            header.push(Span::styled(" 🔥", theme.dimmed()));
        }
        if pinned(app, m) {
            header.push(Span::styled(" · pinned", theme.fg(theme.accent)));
        }
        lines.push(Line::from(header));
    }
    if let Some(reply_to) = m.reply_to {
        let quote = match app.chat.message(reply_to) {
            // Its first line only: cut before anything reads the whole original.
            Some(q) if !q.deleted => {
                let lead = format!("┃ {}: ", crate::present::person(&app.chat, q.from_uid, 20));
                let room = (width as usize).saturating_sub(crate::text::wrap::width(&lead));
                let body = present::Body::of(q).head(FOLDED_BYTES);
                format!("{lead}{}", body.quote(&app.chat, room))
            }
            Some(_) => "┃ (deleted message)".to_string(),
            None => "┃ (an earlier message)".to_string(),
        };
        lines.push(Line::styled(
            crate::text::wrap::truncate(&quote, width as usize),
            theme.fg(theme.quote),
        ));
    }
    let body_start = lines.len();
    let (body, more) = visible_body(cache.body(app, m, width, theme, selected), height, selected);
    lines.extend(body);
    if head.lead().is_some() && lines.len() == body_start {
        // An empty text: the time and author still need their line.
        lines.push(Line::default());
    }
    let body_range = selected.then_some(body_start..lines.len());
    if more > 0 {
        let hint = if selected {
            format!(
                "… {more} more line{} ({} copies the whole message)",
                if more == 1 { "" } else { "s" },
                app.keymap.hint(crate::keymap::Action::Copy)
            )
        } else {
            format!(
                "… {more} more line{} (select it to read on)",
                if more == 1 { "" } else { "s" }
            )
        };
        lines.push(Line::styled(hint, theme.dimmed()));
    }
    // Selected, the marker is added when the last body line is filled in.
    if m.edited
        && !selected
        && let Some(last) = lines.last_mut()
    {
        last.spans.push(Span::styled(" (edited)", theme.dimmed()));
    }
    lines.extend(super::link_preview::lines(app, m, width, theme));
    let replies = app.chat.replies_to(m.mid);
    if !m.reactions.is_empty() || replies > 0 {
        let mut spans = Vec::new();
        if replies > 0 {
            spans.push(Span::styled(format!("↩ {replies}"), theme.dimmed()));
            spans.push(Span::raw("  "));
        }
        for (emoji, users) in &m.reactions {
            let mine = app.chat.me.is_some_and(|me| users.contains(&me));
            let style = if mine {
                theme.fg(theme.reaction_mine).add_modifier(Modifier::BOLD)
            } else {
                theme.fg(theme.reaction)
            };
            spans.push(Span::styled(format!("{emoji} {}", users.len()), style));
            spans.push(Span::raw("  "));
        }
        lines.push(Line::from(spans));
    }
    lines.extend(super::pending::change_lines(app, m.mid, width, theme));
    if let Some(lead) = head.lead() {
        lines = lead.lay(lines, body_start);
    }
    (lines, body_range)
}

/// The lines of a body that can reach the screen, and how many lines are left out. Folded,
/// a long message shows its first screenful (cloned). Selected, all of it counts (it sets the
/// scroll range) but every line is an empty placeholder, filled in by [`fill_selected`].
fn visible_body(body: &Body, height: usize, selected: bool) -> (Vec<Line<'static>>, usize) {
    if !selected {
        let screenful = height.saturating_sub(2).max(3);
        let shown = body.lines.len().min(screenful);
        let more = body.lines.len() - shown + body.cut_lines;
        return (body.lines[..shown].to_vec(), more);
    }
    (vec![Line::default(); body.lines.len()], body.cut_lines)
}

/// Puts the selected message's body lines that fall in `window` (indexes into `all`) in
/// place of their placeholders (under the lead in compact); the body starts at `body_start`
/// in `all`.
#[allow(clippy::too_many_arguments)]
fn fill_selected(
    all: &mut [Line<'static>],
    window: std::ops::Range<usize>,
    body_start: usize,
    app: &App,
    (m, head): (&Message, &Head),
    width: u16,
    theme: &Theme,
    cache: &mut RenderCache,
) {
    let body = cache.body(app, m, head.text_width(width), theme, true);
    let from = window.start.max(body_start);
    let to = window.end.min(body_start + body.lines.len());
    let last = body.lines.len().saturating_sub(1);
    if from >= to {
        return;
    }
    let source = &body.lines[from - body_start..to - body_start];
    for (offset, (slot, line)) in all[from..to].iter_mut().zip(source).enumerate() {
        let index = from - body_start + offset;
        let mut line = line.clone();
        if m.edited && index == last {
            line.spans.push(Span::styled(" (edited)", theme.dimmed()));
        }
        if let Some(lead) = head.lead() {
            line = lead.put(line, index == 0);
        }
        *slot = line.patch_style(theme.selected());
    }
}

/// What drawing the timeline found: how far up it can scroll, the scroll it used, and the
/// oldest and newest message on screen (the link picker's messages).
pub type Drawn = (usize, usize, Option<(i64, i64)>);

/// Draws the open conversation.
pub fn draw(f: &mut Frame, app: &App, area: Rect, theme: &Theme, cache: &mut RenderCache) -> Drawn {
    cache.new_frame();
    let height = area.height as usize;
    let width = area.width.max(1);
    let Some(key) = app.timeline.open else {
        let text = if app.chat.ready {
            "no conversation open — Ctrl+K to find one"
        } else {
            "syncing…"
        };
        f.render_widget(Paragraph::new(text).style(theme.dimmed()), area);
        return (0, 0, None);
    };
    let Some(conv) = app.chat.convs.get(&key) else {
        return (0, 0, None);
    };
    let selected = app.selected();
    // Blocks, bottom-up. Each is (lines, is the selected message, the message's mid).
    let mut blocks: Vec<(Vec<Line<'static>>, bool, Option<i64>)> = Vec::new();
    let mut covered = 0usize;
    for p in conv.pending.iter().rev() {
        let lines = super::pending::block(app, p, width, theme);
        covered += lines.len();
        blocks.push((lines, false, None));
    }
    let marker = app
        .timeline
        .unread_marker
        .filter(|(k, _)| *k == key)
        .map(|(_, idx)| idx);
    // Walk newest to oldest, lazily: only what fills the screen is ever looked at.
    let mut walk = conv
        .visible()
        .rev()
        .filter(|m| !m.is_expired(app.now_ms))
        .peekable();
    let mut reached_top = true;
    let mut selected_seen = selected.is_none();
    // The selected message and where its body's placeholders sit in its block.
    let mut selected_body: Option<(&Message, std::ops::Range<usize>, Head)> = None;
    // Where the selected message's first line is in its block.
    let mut selected_head = 0usize;
    let mut newer_from_others = 0usize;
    while let Some(m) = walk.next() {
        if covered >= app.timeline.scroll + height && selected_seen {
            reached_top = false;
            break;
        }
        let prev = walk.peek().copied();
        let from_other = Some(m.from_uid) != app.chat.me;
        if from_other {
            newer_from_others += 1;
        }
        let continues = groups_with(prev, m, app.settings.utc) && !pinned(app, m);
        let mut lines = Vec::new();
        // A capped replay's hole: never silently join the two sides.
        if let (Some((low, high)), Some(p)) = (conv.gap, prev)
            && m.mid >= high
            && p.mid <= low
        {
            lines.push(Line::styled(
                "── messages missing here, loading… ──".to_string(),
                theme.fg(theme.warning),
            ));
        }
        if prev
            .is_none_or(|p| !crate::timefmt::same_day(p.created_at, m.created_at, app.settings.utc))
        {
            lines.push(day_line(
                m.created_at,
                app.settings.utc,
                width as usize,
                theme,
            ));
        }
        if let Some(idx) = marker
            && m.mid > idx
            && from_other
            && prev.is_none_or(|p| p.mid <= idx)
        {
            let n = newer_from_others;
            let label = format!(" {n} new message{} ", if n == 1 { "" } else { "s" });
            let side = (width as usize).saturating_sub(label.len()) / 2;
            lines.push(Line::styled(
                format!("{}{label}{}", "─".repeat(side), "─".repeat(side)),
                theme.fg(theme.new_marker),
            ));
        }
        let is_selected = selected == Some(m.mid);
        let head = Head::of(app, m, continues && lines.is_empty(), width, theme);
        let (mut body, body_range) =
            message_block(app, m, &head, width, height, is_selected, theme, cache);
        if is_selected {
            selected_seen = true;
            body = body
                .into_iter()
                .map(|l| l.patch_style(theme.selected()))
                .collect();
        }
        let body_range = body_range.map(|r| r.start + lines.len()..r.end + lines.len());
        let head_at = lines.len();
        if is_selected {
            selected_head = head_at;
        }
        lines.extend(body);
        // A message marked in the selection (to delete several) is ticked on its first line.
        if selected.is_some()
            && app.timeline.marked.contains(&m.mid)
            && let Some(first) = lines.get_mut(head_at)
        {
            first.spans.insert(
                0,
                Span::styled("✓ ", theme.fg(theme.warning).add_modifier(Modifier::BOLD)),
            );
        }
        covered += lines.len();
        if let Some(r) = body_range {
            selected_body = Some((m, r, head));
        }
        blocks.push((lines, is_selected, Some(m.mid)));
    }
    if reached_top {
        let note = if conv.history_complete {
            "── start of the conversation ──"
        } else {
            "── loading older messages… ──"
        };
        blocks.push((
            vec![Line::styled(note.to_string(), theme.dimmed())],
            false,
            None,
        ));
        covered += 1;
    }
    // Lines bottom-up → top-down.
    let mut all: Vec<Line<'static>> = Vec::with_capacity(covered);
    let mut sel_range = None;
    // Where each message's lines are, top-down.
    let mut placed: Vec<(i64, usize, usize)> = Vec::with_capacity(blocks.len());
    for (lines, is_sel, mid) in blocks.into_iter().rev() {
        if is_sel {
            sel_range = Some((all.len(), all.len() + lines.len()));
        }
        if let Some(mid) = mid {
            placed.push((mid, all.len(), all.len() + lines.len()));
        }
        all.extend(lines);
    }
    let total = all.len();
    let max_scroll = if reached_top {
        total.saturating_sub(height)
    } else {
        usize::MAX / 2
    };
    let mut scroll = app.timeline.scroll.min(max_scroll);
    if let Some((top, bottom)) = sel_range {
        if bottom - top > height {
            // Taller than the screen: it opens at its top, then scrolls within it, never off.
            if cache.last_selected != selected {
                scroll = total - (top + height);
            }
            scroll = scroll.clamp(total - bottom, total - (top + height));
        } else {
            // Keep the selected message on screen.
            let view_bottom = total - scroll;
            let view_top = view_bottom.saturating_sub(height);
            if bottom > view_bottom {
                scroll = total - bottom;
            } else if top < view_top {
                scroll = total.saturating_sub(top + height);
            }
        }
    }
    cache.last_selected = selected;
    let end = total - scroll.min(total);
    let start = end.saturating_sub(height);
    if let (Some((top, _)), Some((m, body, head))) = (sel_range, &selected_body) {
        fill_selected(
            &mut all,
            start..end,
            top + body.start,
            app,
            (m, head),
            width,
            theme,
            cache,
        );
    }
    let on_screen = placed
        .iter()
        .filter(|(_, top, bottom)| *top < end && *bottom > start)
        .map(|(mid, _, _)| *mid);
    let shown = on_screen.clone().min().zip(on_screen.max());
    let visible: Vec<Line> = all.drain(start..end).collect();
    // Short conversations sit at the bottom, next to the composer.
    let pad = height.saturating_sub(visible.len()) as u16;
    let inner = Rect {
        y: area.y + pad,
        height: area.height - pad,
        ..area
    };
    cache.links.clear();
    super::screen_links::collect(&visible, inner, &mut cache.links);
    f.render_widget(Paragraph::new(visible), inner);
    // The terminal's cursor on the selected message's first line (its first row on screen
    // when it starts above): screen readers and braille displays follow the cursor, not a
    // colour.
    if let Some((top, _)) = sel_range
        && app.popups.is_empty()
    {
        let row = (top + selected_head).max(start).saturating_sub(start);
        if row < end - start {
            f.set_cursor_position((inner.x, inner.y + row as u16));
        }
    }
    if scroll > 0 && area.height > 0 {
        let hint = format!(" ↓ {scroll} lines below ");
        let w = crate::text::wrap::width(&hint) as u16;
        if w < area.width {
            f.render_widget(
                Paragraph::new(hint).style(theme.status()),
                Rect::new(area.right() - w, area.bottom() - 1, w, 1),
            );
        }
    }
    let max_scroll = if reached_top {
        max_scroll
    } else {
        max_scroll.max(app.timeline.scroll)
    };
    (max_scroll, scroll, shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::conn::SyncMsg;
    use crate::app::{Msg, Settings, update};
    use crate::config::Config;
    use crate::keymap::{Keymap, Preset};
    use crate::protocol::ServerEvent;
    use serde_json::json;

    /// Two accounts whose servers both have a message 1 (same revision, same users version):
    /// each is drawn with its own text, however they take turns.
    #[test]
    fn the_same_mid_in_two_accounts_is_two_bodies() {
        let new = || {
            App::logged_in(
                1,
                Keymap::new(Preset::Default),
                Settings::from(&Config::default()),
                "t".into(),
            )
        };
        let mut app = new();
        let said = |app: &mut App, text: &str| {
            let ev: ServerEvent =
                serde_json::from_value(json!({"type":"chat","mid":1,"from_uid":2,
                "created_at":1,"target":{"gid":1},"detail":{"type":"normal",
                "content_type":"text/plain","content":text,"properties":null,"expires_in":null}}))
                .unwrap();
            update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
        };
        said(&mut app, "said at work");
        assert!(app.add_account(crate::app::AccountId(2), Some(1), Default::default()));
        let mut home = app.parked.remove(&crate::app::AccountId(2)).unwrap();
        app.swap_account(&mut home);
        said(&mut app, "said at home");
        app.swap_account(&mut home);
        app.parked.insert(crate::app::AccountId(2), home);
        let theme = Theme::dark();
        let mut cache = RenderCache::default();
        let text = |cache: &mut RenderCache, app: &App| {
            let m = app.chat.message(1).unwrap();
            let body = cache.body(app, m, 80, &theme, false);
            body.lines
                .iter()
                .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
                .collect::<String>()
        };
        assert!(text(&mut cache, &app).contains("said at work"));
        app.focus(crate::app::AccountId(2));
        assert!(text(&mut cache, &app).contains("said at home"));
        app.focus(crate::app::FIRST_ACCOUNT);
        assert!(text(&mut cache, &app).contains("said at work"));
    }

    #[test]
    fn the_body_cache_stays_bounded_and_keeps_what_is_drawn_again() {
        let mut app = App::logged_in(
            1,
            Keymap::new(Preset::Default),
            Settings::from(&Config::default()),
            "t".into(),
        );
        // Every message stays loaded (nothing to page back from).
        app.account.without_store = true;
        let event = |app: &mut App, v: serde_json::Value| {
            let ev: ServerEvent = serde_json::from_value(v).unwrap();
            update(app, Msg::Sync(SyncMsg::Event(Box::new(ev))));
        };
        event(
            &mut app,
            json!({"type":"related_groups","groups":[{"gid":1,"name":"general","is_public":true}]}),
        );
        // Many times what the cache keeps: at most twice its limit stays.
        let n = 6_000;
        for mid in 1..=n {
            event(
                &mut app,
                json!({"type":"chat","mid":mid,"from_uid":2,"created_at":mid,"target":{"gid":1},
                "detail":{"type":"normal","content_type":"text/plain","content":format!("message {mid}"),"properties":null,"expires_in":null}}),
            );
        }
        let theme = Theme::dark();
        let mut cache = RenderCache::default();
        let pinned = app.chat.message(n).unwrap();
        for mid in 1..=n {
            // A frame each: one message drawn once, like messages scrolling past, and the
            // newest in every frame.
            cache.new_frame();
            let m = app.chat.message(mid).unwrap();
            cache.body(&app, m, 80, &theme, false);
            cache.body(&app, pinned, 80, &theme, false);
            assert!(cache.bodies.len() + cache.older.len() <= 1_002);
        }
        let key = (app.focused.0, n, pinned.rev, 80, 0, false, 0);
        assert!(
            cache.bodies.contains_key(&key),
            "what every frame draws stays"
        );
        // One frame drawing far more than the limit keeps all of it for the next.
        cache.new_frame();
        for mid in 1..=2_000 {
            cache.body(&app, app.chat.message(mid).unwrap(), 80, &theme, false);
        }
        cache.new_frame();
        assert!((1..=2_000).all(|mid| cache.older.contains_key(&(
            app.focused.0,
            mid,
            0,
            80,
            0,
            false,
            0
        ))));
    }
}
