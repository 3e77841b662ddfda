//! The login form: server (when not given), e-mail and a masked password, a warning for plain
//! http, and what went wrong. Started from an invite link it asks for a name too and creates
//! the account; from a login link it only says it is logging in.

use crate::app::{LoginField, LoginForm};
use crate::protocol::invite::LinkKind;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(super) fn draw(f: &mut Frame, area: Rect, form: &LoginForm, theme: &Theme) {
    let kind = form.join.as_ref().map(|j| j.kind);
    let (title, height) = match kind {
        Some(LinkKind::Register) => ("join VoceChat: create your account", 12),
        Some(LinkKind::Login) => ("log in to VoceChat with a link", 10),
        None => ("log in to VoceChat", 11),
    };
    let r = super::popups::centered(area, 60, height);
    f.render_widget(Clear, r);
    let block = super::popups::frame(title.into(), theme);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let mut lines = Vec::new();
    let mut cursor = None;
    let mut field =
        |label: &str, value: String, which: LoginField, lines: &mut Vec<Line<'static>>| {
            let focused = form.focus == which;
            let style = if focused {
                theme.fg(theme.accent).add_modifier(Modifier::BOLD)
            } else {
                theme.dimmed()
            };
            let shown = crate::text::wrap::tail(&value, inner.width.saturating_sub(12) as usize);
            if focused {
                cursor = Some((
                    inner.x + 10 + crate::text::wrap::width(&shown) as u16,
                    inner.y + lines.len() as u16,
                ));
            }
            lines.push(Line::from(vec![
                Span::styled(format!("{label:<10}"), style),
                Span::raw(shown),
            ]));
        };
    if form.ask_server {
        field(
            "server",
            form.server.clone(),
            LoginField::Server,
            &mut lines,
        );
    } else {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<10}", "server"), theme.dimmed()),
            Span::raw(one_line(&form.server, 46)),
        ]));
    }
    let masked = "•".repeat(form.password.chars().count());
    match kind {
        Some(LinkKind::Login) => lines.push(Line::styled(
            "the link from your e-mail logs you in, no password",
            theme.dimmed(),
        )),
        Some(LinkKind::Register) => {
            field("name", form.name.clone(), LoginField::Name, &mut lines);
            field("e-mail", form.email.clone(), LoginField::Email, &mut lines);
            field("password", masked.clone(), LoginField::Password, &mut lines);
        }
        None => {
            field("e-mail", form.email.clone(), LoginField::Email, &mut lines);
            if form.password_command.is_some() {
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<10}", "password"), theme.dimmed()),
                    Span::styled("from password_command", theme.dimmed()),
                ]));
            } else {
                field("password", masked.clone(), LoginField::Password, &mut lines);
            }
        }
    }
    match crate::app::insecure_host(&form.server) {
        Some(host) => lines.push(Line::styled(
            one_line(&crate::app::insecure_warning(&host), 56),
            theme.fg(theme.warning),
        )),
        None => lines.push(Line::raw("")),
    }
    if form.busy {
        let doing = match kind {
            Some(LinkKind::Register) => "creating your account…",
            _ => "logging in…",
        };
        lines.push(Line::styled(doing, theme.fg(theme.warning)));
    } else if let Some(e) = &form.error {
        lines.push(Line::styled(one_line(e, 56), theme.fg(theme.error)));
    } else {
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    let hint = match kind {
        Some(LinkKind::Register) => "Tab next field · Enter create the account · Esc quit",
        Some(LinkKind::Login) => "Enter try again · Esc quit",
        None => "Tab next field · Enter log in · Esc quit",
    };
    lines.push(Line::styled(hint, theme.dimmed()));
    f.render_widget(Paragraph::new(lines), inner);
    if let Some(c) = cursor
        && !form.busy
    {
        f.set_cursor_position(c);
    }
}
