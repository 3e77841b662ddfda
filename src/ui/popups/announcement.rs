//! A channel's whole announcement: its markdown rendered as the timeline renders a message,
//! who set it and when, scrolled by the help popup's keys.

use super::{centered, frame};
use crate::app::{AnnouncementView, App};
use crate::model::ConvKey;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

/// How much of an announcement is rendered (the web client lets one write 5,000
/// characters; the rest of a longer one is left out).
const SHOWN_BYTES: usize = 32 * 1024;

pub(super) fn draw(f: &mut Frame, app: &App, view: &AnnouncementView, area: Rect, theme: &Theme) {
    let label = app.conv_label(ConvKey::Group(view.gid));
    let width = 72.min(area.width);
    let lines = match app.chat.announcements.get(&view.gid) {
        Some(a) => text_of(app, a, width.saturating_sub(2).max(1) as usize, theme),
        None => vec![Line::styled("it was removed", theme.dimmed())],
    };
    // As tall as its text, at most the screen.
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let r = centered(area, width, height.min(area.height.saturating_sub(2)));
    f.render_widget(Clear, r);
    let block = frame(format!("announcement of {}", one_line(&label, 40)), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines).scroll((view.scroll, 0)), inner);
}

/// The announcement rendered `width` wide, with who set it and when.
fn text_of(
    app: &App,
    a: &crate::protocol::newer::GroupAnnouncement,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (head, rest) = crate::text::split_at_most(&a.content, SHOWN_BYTES);
    let mut lines = crate::text::markdown(&crate::sanitize::clean(head), width, theme);
    if !rest.is_empty() {
        lines.push(Line::styled("… (the rest is not shown)", theme.dimmed()));
    }
    lines.push(Line::default());
    let when = |ms: i64| crate::timefmt::format(ms, app.settings.utc, "%-d %b %Y %H:%M");
    let mut by = format!(
        "set by {} on {}",
        one_line(&app.chat.display_name(a.created_by), 40),
        when(a.created_at)
    );
    if a.updated_at > a.created_at {
        by.push_str(&format!(", changed {}", when(a.updated_at)));
    }
    lines.push(Line::styled(by, theme.dimmed()));
    lines
}
