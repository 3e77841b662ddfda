//! Copying part of a message (`Y`): its lines, the cursor's line and the range picked
//! highlighted and marked with `»` (text, not only colour), the terminal's cursor on the
//! cursor's line; the numbered code blocks and links below, then the keys.

use super::{centered, frame};
use crate::app::{App, CopyView, Piece};
use crate::keymap::Action;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, app: &App, view: &CopyView, area: Rect, theme: &Theme) {
    let width = area.width.saturating_sub(4).clamp(20, 100);
    let room = (width as usize).saturating_sub(4);
    let pieces: Vec<Line> = view
        .pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (what, text) = match p {
                Piece::Code(t) => ("code", t.lines().next().unwrap_or("")),
                Piece::Link(t) => ("link", t.as_str()),
            };
            Line::from(vec![
                Span::styled(format!("{} {what}: ", i + 1), theme.fg(theme.accent)),
                Span::raw(crate::sanitize::one_line(text, room.saturating_sub(9))),
            ])
        })
        .collect();
    let height = area
        .height
        .saturating_sub(4 + pieces.len() as u16 + 1)
        .max(1) as usize;
    let shown = view.lines.len().min(height);
    // The window keeps the cursor in view.
    let start = (view.cursor + 1).saturating_sub(shown);
    let picked = view.picked();
    let mut lines: Vec<Line> = view
        .lines
        .iter()
        .enumerate()
        .skip(start)
        .take(shown)
        .map(|(i, l)| {
            let text = crate::sanitize::one_line(l, room);
            if picked.contains(&i) {
                Line::styled(format!("» {text}"), theme.selected())
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect();
    let cursor_row = view.cursor - start;
    lines.extend(pieces);
    lines.push(Line::styled(
        format!(
            "{}: copy · {}: range · {}: all · 1-9: that piece · {}: close",
            app.keymap.hint(Action::CopyViewCopy),
            app.keymap.hint(Action::CopyViewRange),
            app.keymap.hint(Action::CopyViewAll),
            app.keymap.hint(Action::CopyViewClose)
        ),
        theme.dimmed(),
    ));
    let r = centered(area, width, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let title = match view.anchor {
        Some(_) => format!("copy: lines {}-{}", picked.start() + 1, picked.end() + 1),
        None => format!("copy: line {} of {}", view.cursor + 1, view.lines.len()),
    };
    let block = frame(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
    // Screen readers and braille displays follow the cursor.
    if (cursor_row as u16) < inner.height {
        f.set_cursor_position((inner.x, inner.y + cursor_row as u16));
    }
}
