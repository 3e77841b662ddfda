//! Drawing: reads the `App`, never changes it. One function per pane (sidebar, timeline,
//! composer, status bar) and per popup. Every string from the server passes through
//! `sanitize` before it reaches the terminal.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

mod announce;
pub mod archive;
mod compact;
pub mod linear;
mod link_preview;
mod login;
mod pending;
mod popups;
pub mod prompt_line;
mod screen_links;
mod search;
mod sidebar;
mod status;
mod timeline;

pub use screen_links::Link;
pub use timeline::RenderCache;

use crate::app::{App, ComposeTarget, Mode, View};
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

struct Areas {
    sidebar: Option<Rect>,
    /// The open channel's announcement line, over the timeline.
    announcement: Option<Rect>,
    timeline: Rect,
    composer: Rect,
    status: Rect,
}

/// Staged files shown above the composer (at most this many lines).
const STAGED_LINES: usize = 3;

fn staged_height(app: &App) -> u16 {
    app.composer.staged.len().min(STAGED_LINES) as u16
}

/// The markdown preview above the composer (at most this many lines).
const PREVIEW_LINES: usize = 4;

/// Whether the draft goes out as markdown (and so gets a preview).
fn sends_markdown(app: &App) -> Option<String> {
    let text = app.composer.text();
    (!text.trim().is_empty()
        && app
            .composer
            .sends_markdown(&text, app.settings.send_markdown))
    .then_some(text)
}

fn preview_height(app: &App) -> u16 {
    if sends_markdown(app).is_none() {
        return 0;
    }
    app.composer.textarea.lines().len().min(PREVIEW_LINES) as u16
}

fn composer_height(app: &App) -> u16 {
    let lines = app.composer.textarea.lines().len() as u16;
    lines.clamp(1, app.settings.composer_max_lines) + 1 + staged_height(app) + preview_height(app)
}

fn areas(app: &App, area: Rect) -> Areas {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(1), Constraint::Length(1)])
        .split(area);
    let show_sidebar = app.screen.sidebar_visible && area.width >= 60;
    let sidebar_width = if show_sidebar {
        app.settings.sidebar_width.min(area.width / 3).max(12)
    } else {
        0
    };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(sidebar_width), Constraint::Min(10)])
        .split(rows[0]);
    let right = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(1),
            Constraint::Length(composer_height(app).min(rows[0].height.saturating_sub(1))),
        ])
        .split(cols[1]);
    // The search view takes the timeline's place, its line too.
    let (announcement, timeline) =
        if announce::shown(app) && !app.popups.search_open() && right[0].height >= 3 {
            let split = Layout::default()
                .direction(Direction::Vertical)
                .constraints([Constraint::Length(1), Constraint::Min(1)])
                .split(right[0]);
            (Some(split[0]), split[1])
        } else {
            (None, right[0])
        };
    Areas {
        sidebar: show_sidebar.then_some(cols[0]),
        announcement,
        timeline,
        composer: right[1],
        status: rows[1],
    }
}

/// The region whose rows may move up from one frame to the next: the timeline, when it is
/// shown (the painter lets the terminal scroll it when that is cheaper).
pub fn scroll_band(app: &App, area: Rect) -> Option<Rect> {
    match app.mode {
        Mode::Login(_) => None,
        _ if app.popups.search_open() => None,
        _ => Some(areas(app, area).timeline),
    }
}

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &App, theme: &Theme, cache: &mut RenderCache) -> View {
    let area = f.area();
    // Only the timeline finds links; a screen without it has none (no stale ones).
    cache.links.clear();
    cache.joined_rows.clear();
    if let Mode::Login(form) = &app.mode {
        login::draw(f, area, form, theme);
        // A popup that came meanwhile (a preview asked for before the session ended).
        popups::draw(f, app, area, theme, cache);
        return View::default();
    }
    let a = areas(app, area);
    if let Some(s) = a.sidebar {
        sidebar::draw(f, app, s, theme);
    }
    if let Some(r) = a.announcement {
        announce::draw(f, app, r, theme);
    }
    let (max_scroll, scroll, shown) = if app.popups.search_open() {
        popups::search::draw(f, app, a.timeline, theme);
        (
            app.timeline.max_scroll,
            app.timeline.scroll,
            app.timeline.shown,
        )
    } else {
        timeline::draw(f, app, a.timeline, theme, cache)
    };
    draw_composer(f, app, a.composer, theme);
    status::draw_status(f, app, a.status, theme);
    popups::draw(f, app, area, theme, cache);
    View {
        max_scroll,
        scroll,
        shown,
        // Below the sidebar's title row, left of its border.
        sidebar_rows: a.sidebar.map(|s| {
            Rect::new(
                s.x,
                s.y + 1,
                s.width.saturating_sub(1),
                s.height.saturating_sub(1),
            )
        }),
    }
}

fn draw_composer(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let label = app
        .timeline
        .open
        .map(|k| app.conv_label(k))
        .unwrap_or_else(|| "no conversation".into());
    // With several accounts, who you speak as is named first.
    let label = if app.several_accounts() {
        format!("{} · {label}", one_line(&app.account.name, 24))
    } else {
        label
    };
    let mut title = vec![Span::styled(format!("─ {label} "), theme.dimmed())];
    match app.composer.target {
        ComposeTarget::Reply(mid) => {
            let who = app
                .chat
                .message(mid)
                .map(|m| crate::present::person(&app.chat, m.from_uid, 30))
                .unwrap_or_default();
            title.push(Span::styled(
                format!("replying to {who} "),
                theme.fg(theme.accent),
            ));
            title.push(Span::styled("(Esc cancels) ", theme.dimmed()));
        }
        ComposeTarget::Edit(_) => {
            title.push(Span::styled("editing ", theme.fg(theme.warning)));
            title.push(Span::styled("(Esc cancels) ", theme.dimmed()));
        }
        ComposeTarget::New => {}
    }
    let markdown = sends_markdown(app);
    let toggle = app.keymap.hint(crate::keymap::Action::ToggleMarkdown);
    if markdown.is_some() {
        title.push(Span::styled("markdown ", theme.fg(theme.accent)));
        title.push(Span::styled(format!("({toggle}: plain) "), theme.dimmed()));
    } else if app.composer.markdown == Some(false) {
        title.push(Span::styled(
            format!("plain ({toggle}: markdown) "),
            theme.dimmed(),
        ));
    }
    if let Some((cands, i)) = &app.composer.completion
        && cands.len() > 1
    {
        let list: Vec<String> = cands.iter().take(6).map(|c| c.trim().to_string()).collect();
        title.push(Span::styled(
            format!("[{}/{}] {}", i + 1, cands.len(), list.join(" ")),
            theme.dimmed(),
        ));
    }
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(staged_height(app)),
            Constraint::Length(preview_height(app)),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .split(area);
    let mut staged: Vec<Line> = app
        .composer
        .staged
        .iter()
        .take(STAGED_LINES)
        .map(|s| {
            Line::from(vec![
                Span::styled("📎 ", theme.fg(theme.accent)),
                Span::raw(crate::files::shown_name(&s.name, 40)),
                Span::styled(
                    format!(
                        "  {} · {}",
                        crate::files::human_size(s.size),
                        one_line(&s.content_type, 40)
                    ),
                    theme.dimmed(),
                ),
            ])
        })
        .collect();
    if app.composer.staged.len() > STAGED_LINES
        && let Some(last) = staged.last_mut()
    {
        *last = Line::styled(
            format!(
                "… and {} more files",
                app.composer.staged.len() - STAGED_LINES + 1
            ),
            theme.dimmed(),
        );
    }
    if let Some(first) = staged.first_mut() {
        first.spans.push(Span::styled(
            format!(
                "   (Enter sends, {} removes one)",
                app.keymap.hint(crate::keymap::Action::Unstage)
            ),
            theme.dimmed(),
        ));
    }
    f.render_widget(Paragraph::new(staged), rows[0]);
    if let Some(text) = markdown {
        // How the message will read, rendered as the timeline will show it.
        // A dotted gutter tells the preview from the messages above it.
        let width = rows[1].width.saturating_sub(2).max(1) as usize;
        let lines: Vec<Line> = crate::text::markdown(&text, width, theme)
            .into_iter()
            .take(rows[1].height as usize)
            .map(|mut l| {
                l.spans.insert(0, Span::styled("┊ ", theme.dimmed()));
                l
            })
            .collect();
        f.render_widget(Paragraph::new(lines), rows[1]);
    }
    let refusal = app.timeline.open.and_then(|k| app.chat.post_refusal(k));
    if refusal.is_some() {
        title.push(Span::styled("read-only ", theme.fg(theme.warning)));
    }
    f.render_widget(Paragraph::new(Line::from(title)), rows[2]);
    match refusal {
        // Said before you type: the notice stands where the placeholder would.
        Some(why) if app.composer.text().is_empty() => {
            f.render_widget(
                Paragraph::new(Line::styled(one_line(&why, 200), theme.fg(theme.warning))),
                rows[3],
            );
        }
        _ => f.render_widget(&app.composer.textarea, rows[3]),
    }
    if matches!(app.mode, Mode::Chat) && app.popups.is_empty() {
        let c = app.composer.textarea.screen_cursor();
        let (x, y) = (rows[3].x + c.col as u16, rows[3].y + c.row as u16);
        if x < rows[3].right() && y < rows[3].bottom() {
            f.set_cursor_position((x, y));
        }
    }
}
