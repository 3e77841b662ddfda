//! A text popup (`/members`): its title and lines.

use super::{centered, frame};
use crate::app::Info;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, info: &Info, area: Rect, theme: &Theme) {
    let Info { title, lines } = info;
    let r = centered(area, 50, (lines.len() as u16 + 2).min(area.height));
    f.render_widget(Clear, r);
    let block = frame(one_line(title, 44), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(
        Paragraph::new(
            lines
                .iter()
                .map(|l| Line::raw(l.clone()))
                .collect::<Vec<_>>(),
        ),
        inner,
    );
}
