//! Your meeting link (`/call`): the whole link across the screen, what it joins and until when.

use crate::app::App;
use crate::keymap::Action;
use crate::protocol::vocespace::CallLink;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

/// Which sub-room the link asks for, for the popup's title (nothing: the user picks there).
fn room_label(link: &CallLink) -> String {
    use crate::protocol::vocespace::Room;
    match &link.room {
        None => String::new(),
        Some(Room::Empty) => " · any empty room".into(),
        Some(Room::Main) => " · main room".into(),
        Some(Room::Named(name)) => format!(" · room {}", one_line(name, 24)),
    }
}

/// `/call`: the whole link, wrapped over the full width of the screen with no border beside
/// it, so a terminal's own selection (drag, or a triple click) takes it as one piece; the
/// cell writer lets each full row wrap into the next, so terminals that join soft-wrapped
/// rows copy it without line breaks. The copy key works where OSC 52 does.
pub(super) fn draw(
    f: &mut Frame,
    app: &App,
    link: &CallLink,
    area: Rect,
    theme: &Theme,
    cache: &mut crate::ui::RenderCache,
) {
    let width = area.width.max(1) as usize;
    let url = crate::sanitize::one_line(&link.url, usize::MAX);
    let url_rows: Vec<String> = url
        .chars()
        .collect::<Vec<_>>()
        .chunks(width)
        .map(|c| c.iter().collect())
        .collect();
    let hint = format!(
        "{} copy (OSC 52) · {} open in the browser · any other key closes",
        app.keymap.hint(Action::CallCopy),
        app.keymap.hint(Action::CallOpen),
    );
    let height = (url_rows.len() as u16 + 6).min(area.height);
    let r = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(height) / 2,
        area.width,
        height,
    );
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_style(theme.fg(theme.accent))
        .title(Span::styled(
            format!(
                " meeting {}{} ",
                one_line(&link.space, 40),
                room_label(link)
            ),
            theme.fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let until = crate::timefmt::format(
        link.expires_at.saturating_mul(1000),
        app.settings.utc,
        "%H:%M",
    );
    let mut lines = vec![
        Line::styled(
            format!(
                "Your personal link to {} (valid until {until}).",
                one_line(&link.base, 40)
            ),
            theme.base(),
        ),
        Line::styled(
            "It joins as you: keep it to yourself. /call post invites others.",
            theme.fg(theme.warning),
        ),
    ];
    // Every row of the link but its last runs on into the next (the painter lets the
    // terminal wrap there), and only those rows: the link is the whole width.
    let first_row = inner.y + lines.len() as u16;
    let url_rows_n = url_rows.len() as u16;
    if inner.width == area.width {
        // Only rows the popup shows (a short terminal cuts the link; the copy key has it).
        cache.joined_rows.extend(
            (0..url_rows_n.saturating_sub(1))
                .map(|i| first_row + i)
                .filter(|y| y + 1 < inner.bottom()),
        );
    }
    lines.extend(
        url_rows
            .into_iter()
            .map(|row| Line::styled(row, theme.fg(theme.link))),
    );
    lines.push(Line::styled(hint, theme.dimmed()));
    // A remapped key's longer name wraps the hint rather than cutting it (the link's rows
    // are exactly the width, so they do not wrap again).
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
