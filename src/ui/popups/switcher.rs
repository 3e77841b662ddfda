//! The switcher (Ctrl+K): the query and the best matches, unread counts beside them, the
//! cursor in the query.

use super::{centered, frame};
use crate::app::{App, Choice, Switcher};
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, app: &App, s: &Switcher, area: Rect, theme: &Theme) {
    let rows = (s.results.len() as u16).clamp(1, 12);
    let r = centered(area, 56, rows + 3);
    f.render_widget(Clear, r);
    let title = match &s.forward {
        Some(mids) => crate::app::strings::forward_title(mids.len()),
        None => "jump to".into(),
    };
    let block = frame(title, theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines = vec![Line::from(vec![
        Span::styled("› ", theme.fg(theme.accent)),
        Span::raw(one_line(&s.query, 50)),
    ])];
    let accounts = app.accounts();
    let mut cursor = (
        inner.x + 2 + crate::text::wrap::width(&s.query) as u16,
        inner.y,
    );
    let first = s.selected.saturating_sub(rows as usize - 1);
    for (pos, idx) in s.results.iter().enumerate().skip(first).take(rows as usize) {
        let (choice, label) = &s.items[*idx];
        let mut spans = vec![Span::raw(crate::text::wrap::truncate(
            label,
            inner.width.saturating_sub(8) as usize,
        ))];
        if let Choice::Open(id, k) = choice
            && let Some(account) = accounts.iter().find(|a| a.id == *id)
            && let Some(c) = account.chat.convs.get(k)
            && c.unread > 0
        {
            let style = if c.mentions > 0 {
                theme.fg(theme.mention)
            } else {
                theme.fg(theme.unread)
            };
            spans.push(Span::styled(format!("  {}", c.unread), style));
        }
        let mut line = Line::from(spans);
        if pos == s.selected {
            line = line.patch_style(theme.selected().add_modifier(Modifier::BOLD));
            cursor = (inner.x, inner.y + lines.len() as u16);
        }
        lines.push(line);
    }
    if s.results.is_empty() {
        lines.push(Line::styled("no match", theme.dimmed()));
    }
    f.render_widget(Paragraph::new(lines), inner);
    // The terminal's cursor on the selected row (screen readers and braille displays follow
    // it); after the query while nothing matches.
    if cursor.1 < inner.bottom() {
        f.set_cursor_position(cursor);
    }
}
