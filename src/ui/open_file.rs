//! The question before a file that is not a plain document or media type is opened: its whole
//! sanitized name (wrapped, never cut) and the extension it really has, which decides what
//! the system opener does with it.

use super::popups::{centered, frame};
use crate::app::App;
use crate::keymap::Action;
use crate::text::wrap::wrap;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

/// Draws the confirmation for opening the file saved as `name`.
pub(super) fn draw(f: &mut Frame, app: &App, name: &str, area: Rect, theme: &Theme) {
    let inner_width = 70.min(area.width.saturating_sub(2)).max(1) as usize;
    let shown = crate::sanitize::one_line(name, usize::MAX);
    let what = match crate::files::real_extension(name) {
        Some(ext) => format!(
            "It is a .{} file, not a plain document or media type: opening it may run a program.",
            crate::sanitize::one_line(&ext, 40)
        ),
        None => "It has no extension: the opener guesses what it is, and opening it may run a \
                 program."
            .to_string(),
    };
    let mut lines = vec![Line::raw("Open this file with the system's opener?")];
    lines.extend(
        wrap(&shown, inner_width)
            .into_iter()
            .map(|l| Line::styled(l, theme.fg(theme.accent).add_modifier(Modifier::BOLD))),
    );
    lines.extend(
        wrap(&what, inner_width)
            .into_iter()
            .map(|l| Line::styled(l, theme.fg(theme.warning))),
    );
    lines.push(Line::styled(
        format!(
            "{}: download and open it   any other key: no",
            app.keymap.hint(Action::ConfirmYes)
        ),
        theme.dimmed(),
    ));
    let r = centered(area, inner_width as u16 + 2, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    let block = frame("open file".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(Paragraph::new(lines), inner);
}
