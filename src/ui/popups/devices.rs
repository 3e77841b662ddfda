//! Your devices (`/devices`): the list, this device marked, the keys at the bottom.

use super::ListPopup;
use crate::app::{App, Devices};
use crate::keymap::Action;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// `/devices`: the list, this device marked, the keys at the bottom.
pub(super) fn draw(f: &mut Frame, app: &App, d: &Devices, area: Rect, theme: &Theme) {
    let waiting = (d.loading && d.list.is_empty()).then_some("asking the server…");
    let row = |i: usize, width: u16| {
        let device = &d.list[i];
        let mut spans = vec![Span::raw(one_line(
            device,
            width.saturating_sub(14) as usize,
        ))];
        if *device == d.this {
            spans.push(Span::styled("  (this one)", theme.fg(theme.accent)));
        }
        Line::from(spans)
    };
    let keys = [
        (Action::DevicesLogout, "log out"),
        (Action::DevicesClose, "close"),
    ];
    let title = format!("your devices ({})", d.list.len());
    let list = ListPopup {
        title,
        count: d.list.len(),
        selected: d.selected,
        waiting,
    };
    list.draw(f, app, area, theme, row, &keys);
}
