//! A channel's announcement over its timeline: one line (its first line of text, as its
//! markdown renders) and the key that shows the whole of it (`popups/announcement.rs`).
//! Drawn only while the open channel has one, so every other screen is as before.

use crate::app::App;
use crate::keymap::Action;
use crate::model::ConvKey;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// How much of an announcement its line looks at (it shows the first line of text).
const LINE_BYTES: usize = 2048;

/// The open channel's announcement, if it has one.
fn open_announcement(app: &App) -> Option<&crate::protocol::newer::GroupAnnouncement> {
    match app.timeline.open? {
        ConvKey::Group(gid) => app.chat.announcements.get(&gid),
        ConvKey::User(_) => None,
    }
}

/// Whether the timeline gives its first row to the announcement.
pub(super) fn shown(app: &App) -> bool {
    open_announcement(app).is_some()
}

/// The announcement's line: `📢 first line …  alt+n: all of it`.
pub(super) fn draw(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let Some(a) = open_announcement(app) else {
        return;
    };
    let (head, rest) = crate::text::split_at_most(&a.content, LINE_BYTES);
    let text = crate::text::markdown_text(head);
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    let more = lines.next().is_some() || !rest.is_empty();
    let width = area.width as usize;
    let hint = format!("  {}: all of it", app.keymap.hint(Action::Announcement));
    let room = width.saturating_sub(3 + crate::text::wrap::width(&hint));
    let mut shown = one_line(first, 500);
    if more {
        shown.push_str(" …");
    }
    let shown = crate::text::wrap::truncate(&shown, room);
    let pad = room.saturating_sub(crate::text::wrap::width(&shown));
    let line = Line::from(vec![
        Span::styled("📢 ", theme.fg(theme.accent)),
        Span::styled(shown, theme.fg(theme.accent).add_modifier(Modifier::BOLD)),
        Span::raw(" ".repeat(pad)),
        Span::styled(hint, theme.dimmed()),
    ]);
    f.render_widget(Paragraph::new(line), area);
}
