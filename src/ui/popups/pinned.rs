//! A channel's pinned messages (`/pins`): newest pin first, each with its time, its author
//! (or who pinned it, when the message is not loaded here) and its first line, the keys at
//! the bottom. The rows are read from the chat at each frame, so the list follows the pins.

use super::ListPopup;
use crate::app::{App, PinnedView, strings};
use crate::keymap::Action;
use crate::present::person;
use crate::text::wrap::{truncate, width};
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The popup's width in cells (the list's own, as the devices popup has).
const WIDTH: usize = 62;

/// `/pins`: the list, the keys at the bottom.
pub(super) fn draw(f: &mut Frame, app: &App, v: &PinnedView, area: Rect, theme: &Theme) {
    let rows = app.pin_rows(v.key(), WIDTH);
    let row = |i: usize, cells: u16| {
        let r = &rows[i];
        let when = crate::timefmt::format(r.at, app.settings.utc, "%d %b %H:%M");
        let who = match r.author {
            Some(uid) => person(&app.chat, uid, 16),
            None => format!("(pinned by {})", person(&app.chat, r.pinned_by, 12)),
        };
        let lead = format!("{when}  {who}: ");
        let room = usize::from(cells).saturating_sub(width(&lead));
        Line::from(vec![
            Span::styled(when, theme.dimmed()),
            Span::raw("  "),
            Span::styled(who, theme.author(r.author.unwrap_or(r.pinned_by))),
            Span::raw(": "),
            Span::raw(truncate(&r.text, room)),
        ])
    };
    let keys = [
        (Action::PinnedOpen, "go to"),
        (Action::PinnedUnpin, "unpin"),
        (Action::PinnedClose, "close"),
    ];
    let list = ListPopup {
        title: format!("pinned in {} ({})", app.conv_label(v.key()), rows.len()),
        count: rows.len(),
        selected: v.selected_in(rows.len()),
        waiting: rows.is_empty().then_some(strings::NO_PINS_HERE),
    };
    list.draw(f, app, area, theme, row, &keys);
}
