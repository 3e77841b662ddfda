//! Help (F1): every bound key by section, from the live keymap, then the commands.

use super::{centered, frame};
use crate::app::{App, COMMANDS, Help};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, app: &App, help: &Help, area: Rect, theme: &Theme) {
    let r = centered(area, 76, area.height.saturating_sub(2));
    f.render_widget(Clear, r);
    let block = frame("help — any key closes".into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines = Vec::new();
    let mut section = "";
    for (sec, keys, help) in app.keymap.help_rows() {
        if sec != section {
            section = sec;
            lines.push(Line::styled(
                sec.to_string(),
                theme.fg(theme.accent).add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<26} "), theme.fg(theme.warning)),
            Span::raw(help),
        ]));
    }
    lines.push(Line::styled(
        "commands (type in the composer)",
        theme.fg(theme.accent).add_modifier(Modifier::BOLD),
    ));
    for c in COMMANDS {
        lines.push(Line::from(vec![
            Span::styled(
                format!("  /{} {:<20}", c.name, c.args),
                theme.fg(theme.warning),
            ),
            Span::raw(c.help),
        ]));
    }
    lines.push(Line::styled(
        "mouse: wheel scrolls, click a conversation to open it",
        theme.dimmed(),
    ));
    f.render_widget(Paragraph::new(lines).scroll((help.scroll, 0)), inner);
}
