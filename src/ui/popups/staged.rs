//! The picked files (Alt+X with several): each with its size, the one to remove selected.

use super::ListPopup;
use crate::app::App;
use crate::keymap::Action;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Alt+X with several files picked: which one to remove.
pub(super) fn draw(f: &mut Frame, app: &App, selected: usize, area: Rect, theme: &Theme) {
    let files = &app.composer.staged;
    let row = |i: usize, width: u16| {
        let s = &files[i];
        Line::from(vec![
            Span::raw(crate::files::shown_name(
                &s.name,
                width.saturating_sub(12) as usize,
            )),
            Span::styled(
                format!("  {}", crate::files::human_size(s.size)),
                theme.dimmed(),
            ),
        ])
    };
    let keys = [
        (Action::StagedRemove, "remove"),
        (Action::StagedClose, "close"),
    ];
    let title = format!("files for the next send ({})", files.len());
    let list = ListPopup {
        title,
        count: files.len(),
        selected,
        waiting: None,
    };
    list.draw(f, app, area, theme, row, &keys);
}
