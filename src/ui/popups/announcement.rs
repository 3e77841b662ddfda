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
    let r = centered(area, 72, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let block = frame(format!("announcement of {}", one_line(&label, 40)), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let Some(a) = app.chat.announcements.get(&view.gid) else {
        f.render_widget(
            Paragraph::new(Line::styled("it was removed", theme.dimmed())),
            inner,
        );
        return;
    };
    let (head, rest) = crate::text::split_at_most(&a.content, SHOWN_BYTES);
    let mut lines = crate::text::markdown(
        &crate::sanitize::clean(head),
        inner.width.max(1) as usize,
        theme,
    );
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
    f.render_widget(Paragraph::new(lines).scroll((view.scroll, 0)), inner);
}
