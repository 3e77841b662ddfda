//! The link picker (Alt+L): each link of the screen with its hint, the hint first and bold,
//! those no longer matching what was typed dimmed; the link's target, sanitized, cut to the
//! width; a line of keys below.

use super::{centered, frame};
use crate::app::{App, LinkPicker};
use crate::keymap::Action;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, app: &App, picker: &LinkPicker, area: Rect, theme: &Theme) {
    let width = area.width.saturating_sub(4).clamp(20, 100);
    let room = area.height.saturating_sub(4).max(1) as usize;
    let shown = picker.links.len().min(room);
    let mut lines: Vec<Line> = picker
        .links
        .iter()
        .take(shown)
        .map(|l| {
            let matches = l.hint.starts_with(&picker.typed);
            let hint_style = if matches {
                theme.fg(theme.accent).add_modifier(Modifier::BOLD)
            } else {
                theme.dimmed()
            };
            let url_room = (width as usize).saturating_sub(l.hint.len() + 4);
            let mut spans = vec![
                Span::styled(format!("{:>2} ", l.hint), hint_style),
                Span::raw(crate::sanitize::one_line(&l.url, url_room)),
            ];
            if l.disguised {
                spans.push(Span::styled(" (text differs)", theme.dimmed()));
            }
            Line::from(spans)
        })
        .collect();
    if picker.links.len() > shown {
        lines.push(Line::styled(
            format!(
                "… {} more (select a message for its own)",
                picker.links.len() - shown
            ),
            theme.dimmed(),
        ));
    }
    lines.push(Line::styled(
        format!(
            "hint: open · HINT (capitals): copy · {}: close",
            app.keymap.hint(Action::LinksClose)
        ),
        theme.dimmed(),
    ));
    let r = centered(area, width, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = frame(format!("links ({})", picker.links.len()), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}
