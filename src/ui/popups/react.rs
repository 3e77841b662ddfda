//! The reaction picker: the eight reactions, the one under the cursor highlighted, and its keys.

use super::{centered, frame};
use crate::app::{App, React};
use crate::keymap::Action;
use crate::protocol::types::REACTIONS;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, app: &App, react: &React, area: Rect, theme: &Theme) {
    let km = &app.keymap;
    let r = centered(area, 52, 4);
    f.render_widget(Clear, r);
    let block = frame("react".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut spans = Vec::new();
    let mut x = inner.x;
    for (i, e) in REACTIONS.iter().enumerate() {
        let style = if i == react.index {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            theme.base()
        };
        let text = format!(" {} {e} ", i + 1);
        if i == react.index && x < inner.right() {
            // The cursor on the reaction picked (on its number).
            f.set_cursor_position((x + 1, inner.y));
        }
        x = x.saturating_add(crate::text::wrap::width(&text) as u16);
        spans.push(Span::styled(text, style));
    }
    f.render_widget(
        Paragraph::new(vec![
            Line::from(spans),
            Line::styled(
                format!(
                    "{}/{} and {}, or {}–{}; again to take it back",
                    km.hint(Action::ReactLeft),
                    km.hint(Action::ReactRight),
                    km.hint(Action::ReactPick),
                    km.hint(Action::React1),
                    km.hint(Action::React8),
                ),
                theme.dimmed(),
            ),
        ]),
        inner,
    );
}
