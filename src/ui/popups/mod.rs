//! Drawing the popups: the top one over the screen (they are modal: what is under it shows
//! again when it closes), each in its own file beside the popup's file in `app/popups/`; the
//! search view is drawn in the timeline's place while it is open. The match in [`draw`] lists
//! every popup, so a new one does not build until it is drawn. Shared here: centring, the
//! frame, and a list to pick from with its line of keys.

mod announcement;
mod call;
pub mod confirm;
mod copy_view;
mod devices;
mod help;
mod info;
mod invite;
mod links;
mod pinned;
mod preview;
mod react;
pub(super) mod search;
mod staged;
mod switcher;

use crate::app::{App, Popup};
use crate::keymap::Action;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub(super) fn frame<'a>(title: String, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.fg(theme.accent))
        .title(Span::styled(
            format!(" {title} "),
            theme.fg(theme.accent).add_modifier(Modifier::BOLD),
        ))
}

/// Draws the top popup.
pub fn draw(f: &mut Frame, app: &App, area: Rect, theme: &Theme, cache: &mut super::RenderCache) {
    let Some(popup) = app.popups.top() else {
        return;
    };
    match popup {
        // Drawn in the timeline's place (`search::draw`).
        Popup::Search(_) => {}
        Popup::Switcher(s) => switcher::draw(f, app, s, area, theme),
        Popup::Help(h) => help::draw(f, app, h, area, theme),
        Popup::Confirm(c) => confirm::draw(f, app, c, area, theme),
        Popup::React(r) => react::draw(f, app, r, area, theme),
        Popup::Info(i) => info::draw(f, i, area, theme),
        Popup::Call(link) => call::draw(f, app, link, area, theme, cache),
        Popup::Preview(p) => preview::draw(f, p, area, theme, cache),
        Popup::Devices(d) => devices::draw(f, app, d, area, theme),
        Popup::Staged(s) => staged::draw(f, app, s.selected, area, theme),
        Popup::Announcement(a) => announcement::draw(f, app, a, area, theme),
        Popup::Invite(link) => invite::draw(f, app, link, area, theme),
        Popup::Links(picker) => links::draw(f, app, picker, area, theme),
        Popup::CopyView(v) => copy_view::draw(f, app, v, area, theme),
        Popup::Pinned(v) => pinned::draw(f, app, v, area, theme),
    }
}

/// A popup that lists rows to pick from: the selected one highlighted and kept in view, a
/// line of keys below (the devices and the picked files).
struct ListPopup {
    title: String,
    count: usize,
    selected: usize,
    /// Shown instead of the rows while there are none yet.
    waiting: Option<&'static str>,
}

impl ListPopup {
    fn draw(
        &self,
        f: &mut Frame,
        app: &App,
        area: Rect,
        theme: &Theme,
        row: impl Fn(usize, u16) -> Line<'static>,
        keys: &[(Action, &str)],
    ) {
        let rows = (self.count as u16).clamp(1, area.height.saturating_sub(6).max(1));
        let r = centered(area, 64, rows + 3);
        f.render_widget(Clear, r);
        let block = frame(self.title.clone(), theme);
        let inner = block.inner(r);
        f.render_widget(block, r);
        let mut lines = Vec::new();
        if let Some(text) = self.waiting {
            lines.push(Line::styled(text, theme.dimmed()));
        }
        let first = self.selected.saturating_sub(rows as usize - 1);
        let mut cursor = None;
        for i in (first..self.count).take(rows as usize) {
            let mut line = row(i, inner.width);
            if i == self.selected {
                line = line.patch_style(theme.selected().add_modifier(Modifier::BOLD));
                cursor = Some((inner.x, inner.y + lines.len() as u16));
            }
            lines.push(line);
        }
        lines.push(key_line(app, keys, theme));
        f.render_widget(Paragraph::new(lines), inner);
        // The terminal's cursor on the selected row: what screen readers follow.
        if let Some(at) = cursor.filter(|(_, y)| *y < inner.bottom()) {
            f.set_cursor_position(at);
        }
    }
}

/// A popup's bottom line of keys: "d: log out   Esc: close", from the live keymap.
fn key_line(app: &App, keys: &[(Action, &str)], theme: &Theme) -> Line<'static> {
    let text: Vec<String> = keys
        .iter()
        .map(|(a, what)| format!("{}: {what}", app.keymap.hint(*a)))
        .collect();
    Line::styled(text.join("   "), theme.dimmed())
}
