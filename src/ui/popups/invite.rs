//! A private channel's invite link (`/invite-link`): the whole link across the screen (so a
//! terminal's own selection takes it), the channel, and the keys.

use crate::app::App;
use crate::app::popups::InviteLink;
use crate::keymap::Action;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub(super) fn draw(f: &mut Frame, app: &App, link: &InviteLink, area: Rect, theme: &Theme) {
    let width = area.width.max(1) as usize;
    let url_rows: Vec<String> = one_line(&link.url, 4096)
        .chars()
        .collect::<Vec<_>>()
        .chunks(width)
        .map(|c| c.iter().collect())
        .collect();
    let height = (url_rows.len() as u16 + 5).min(area.height);
    let r = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(height) / 2,
        area.width,
        height,
    );
    f.render_widget(Clear, r);
    let channel = app.conv_label(crate::model::ConvKey::Group(link.gid));
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_style(theme.fg(theme.accent))
        .title(Span::styled(
            format!(" invite link to {} ", one_line(&channel, 40)),
            theme.fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines = vec![Line::styled(
        "Whoever has it joins this private channel (/join <link> in vocechat-tui).",
        theme.base(),
    )];
    lines.extend(
        url_rows
            .into_iter()
            .map(|row| Line::styled(row, theme.fg(theme.link))),
    );
    lines.push(Line::styled(
        format!(
            "{} copy (OSC 52) · {} open in the browser · any other key closes",
            app.keymap.hint(Action::CallCopy),
            app.keymap.hint(Action::CallOpen),
        ),
        theme.dimmed(),
    ));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
