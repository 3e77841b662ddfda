//! Popups over the main screen (switcher, help, confirm, reaction picker, info) and the
//! login form.

use crate::app::{App, COMMANDS, Confirm, Info, LoginField, LoginForm, Popup};
use crate::keymap::Action;
use crate::protocol::types::REACTIONS;
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

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

/// Draws the top popup (they are modal: what is under it shows again when it closes).
pub fn draw(f: &mut Frame, app: &App, area: Rect, theme: &Theme, cache: &mut super::RenderCache) {
    let Some(popup) = app.popups.top() else {
        return;
    };
    match popup {
        // Drawn in the timeline's place (`ui::search`).
        Popup::Search(_) => {}
        Popup::Switcher(s) => {
            let rows = (s.results.len() as u16).clamp(1, 12);
            let r = centered(area, 56, rows + 3);
            f.render_widget(Clear, r);
            let block = frame("jump to".into(), theme);
            let inner = block.inner(r);
            f.render_widget(block, r);
            let mut lines = vec![Line::from(vec![
                Span::styled("› ", theme.fg(theme.accent)),
                Span::raw(one_line(&s.query, 50)),
            ])];
            let first = s.selected.saturating_sub(rows as usize - 1);
            for (pos, idx) in s.results.iter().enumerate().skip(first).take(rows as usize) {
                let (choice, label) = &s.items[*idx];
                let mut spans = vec![Span::raw(crate::text::wrap::truncate(
                    label,
                    inner.width.saturating_sub(8) as usize,
                ))];
                if let crate::app::Choice::Open(k) = choice
                    && let Some(c) = app.chat.convs.get(k)
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
                }
                lines.push(line);
            }
            if s.results.is_empty() {
                lines.push(Line::styled("no match", theme.dimmed()));
            }
            f.render_widget(Paragraph::new(lines), inner);
            f.set_cursor_position((
                inner.x + 2 + crate::text::wrap::width(&s.query) as u16,
                inner.y,
            ));
        }
        Popup::Help(help) => {
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
        Popup::Devices(d) => devices(f, app, d, area, theme),
        Popup::Staged(s) => staged(f, app, s.selected, area, theme),
        Popup::Confirm(Confirm::Open(url)) => {
            let r = centered(area, 72, 7);
            f.render_widget(Clear, r);
            let block = frame("open link".into(), theme);
            let inner = block.inner(r);
            f.render_widget(block, r);
            let mut lines = vec![Line::raw("The link's text differs from where it goes:")];
            lines.extend(crate::text::plain(
                &crate::sanitize::clean(url),
                inner.width as usize,
                theme,
                "",
            ));
            lines.push(Line::styled(
                format!(
                    "{}: open it   any other key: no",
                    app.keymap.hint(Action::ConfirmYes)
                ),
                theme.dimmed(),
            ));
            f.render_widget(Paragraph::new(lines), inner);
        }
        Popup::Confirm(Confirm::OpenFile { name, .. }) => {
            super::open_file::draw(f, app, name, area, theme);
        }
        Popup::Confirm(c) => {
            let text = match c {
                Confirm::Delete(_) => "Delete this message for everyone?".to_string(),
                Confirm::Leave(gid) => format!(
                    "Leave #{}?",
                    one_line(&app.chat.conv_name(crate::model::ConvKey::Group(*gid)), 30)
                ),
                Confirm::Open(_) | Confirm::OpenFile { .. } => String::new(),
                Confirm::RebuildStore(why) => {
                    format!("{}. Rebuild it from the server?", one_line(why, 160))
                }
                Confirm::LogoutDevice(device) => format!(
                    "Log out {}? It will have to log in again.",
                    one_line(device, 100)
                ),
            };
            let wide = matches!(c, Confirm::RebuildStore(_) | Confirm::LogoutDevice(_));
            let r = if wide {
                centered(area, 72, 7)
            } else {
                centered(area, 48, 4)
            };
            f.render_widget(Clear, r);
            let block = frame("confirm".into(), theme);
            let inner = block.inner(r);
            f.render_widget(block, r);
            f.render_widget(
                Paragraph::new(vec![
                    Line::raw(text),
                    Line::styled(
                        format!(
                            "{}: yes   any other key: no",
                            app.keymap.hint(Action::ConfirmYes)
                        ),
                        theme.dimmed(),
                    ),
                ])
                .wrap(ratatui::widgets::Wrap { trim: true }),
                inner,
            );
        }
        Popup::React(react) => {
            let km = &app.keymap;
            let r = centered(area, 52, 4);
            f.render_widget(Clear, r);
            let block = frame("react".into(), theme);
            let inner = block.inner(r);
            f.render_widget(block, r);
            let mut spans = Vec::new();
            for (i, e) in REACTIONS.iter().enumerate() {
                let style = if i == react.index {
                    theme.selected().add_modifier(Modifier::BOLD)
                } else {
                    theme.base()
                };
                spans.push(Span::styled(format!(" {} {e} ", i + 1), style));
            }
            f.render_widget(
                Paragraph::new(vec![
                    Line::from(spans),
                    Line::styled(
                        format!(
                            "{}/{} and {}, or {}–{}; again to take it back",
                            km.hint(Action::ReactLeft),
                            km.hint(Action::ReactRight),
                            km.hint(Action::ReactPick),
                            km.hint(Action::React1),
                            km.hint(Action::React8),
                        ),
                        theme.dimmed(),
                    ),
                ]),
                inner,
            );
        }
        Popup::Info(Info { title, lines }) => {
            let r = centered(area, 50, (lines.len() as u16 + 2).min(area.height));
            f.render_widget(Clear, r);
            let block = frame(one_line(title, 44), theme);
            let inner = block.inner(r);
            f.render_widget(block, r);
            f.render_widget(
                Paragraph::new(
                    lines
                        .iter()
                        .map(|l| Line::raw(l.clone()))
                        .collect::<Vec<_>>(),
                ),
                inner,
            );
        }
        Popup::Call(link) => call(f, app, link, area, theme, cache),
        Popup::Preview(p) => {
            let r = centered(
                area,
                area.width.saturating_sub(4).min(100),
                area.height.saturating_sub(2).min(40),
            );
            f.render_widget(Clear, r);
            let block = frame(
                format!("{} — any key closes", crate::files::shown_name(&p.name, 50)),
                theme,
            );
            let inner = block.inner(r);
            f.render_widget(block, r);
            let id = std::sync::Arc::as_ptr(&p.image) as usize;
            if cache.preview.as_ref().is_none_or(|(k, _)| *k != id) {
                let picker = cache
                    .picker
                    .get_or_insert_with(ratatui_image::picker::Picker::halfblocks);
                cache.preview = Some((id, picker.new_resize_protocol((*p.image).clone())));
            }
            if let Some((_, protocol)) = &mut cache.preview {
                f.render_stateful_widget(ratatui_image::StatefulImage::default(), inner, protocol);
            }
        }
    }
}

pub fn login(f: &mut Frame, area: Rect, form: &LoginForm, theme: &Theme) {
    let r = centered(area, 60, 11);
    f.render_widget(Clear, r);
    let block = frame("log in to VoceChat".into(), theme);
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
    field("e-mail", form.email.clone(), LoginField::Email, &mut lines);
    if form.password_command.is_some() {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<10}", "password"), theme.dimmed()),
            Span::styled("from password_command", theme.dimmed()),
        ]));
    } else {
        field(
            "password",
            "•".repeat(form.password.chars().count()),
            LoginField::Password,
            &mut lines,
        );
    }
    match crate::app::insecure_host(&form.server) {
        Some(host) => lines.push(Line::styled(
            one_line(&crate::app::insecure_warning(&host), 56),
            theme.fg(theme.warning),
        )),
        None => lines.push(Line::raw("")),
    }
    if form.busy {
        lines.push(Line::styled("logging in…", theme.fg(theme.warning)));
    } else if let Some(e) = &form.error {
        lines.push(Line::styled(one_line(e, 56), theme.fg(theme.error)));
    } else {
        lines.push(Line::raw(""));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Tab next field · Enter log in · Esc quit",
        theme.dimmed(),
    ));
    f.render_widget(Paragraph::new(lines), inner);
    if let Some(c) = cursor
        && !form.busy
    {
        f.set_cursor_position(c);
    }
}

/// `/devices`: the list, this device marked, the keys at the bottom.
fn devices(f: &mut Frame, app: &App, d: &crate::app::Devices, area: Rect, theme: &Theme) {
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

/// Which sub-room the link asks for, for the popup's title (nothing: the user picks there).
fn room_label(link: &crate::protocol::vocespace::CallLink) -> String {
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
fn call(
    f: &mut Frame,
    app: &App,
    link: &crate::protocol::vocespace::CallLink,
    area: Rect,
    theme: &Theme,
    cache: &mut super::RenderCache,
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

/// Alt+X with several files picked: which one to remove.
fn staged(f: &mut Frame, app: &App, selected: usize, area: Rect, theme: &Theme) {
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
        for i in (first..self.count).take(rows as usize) {
            let mut line = row(i, inner.width);
            if i == self.selected {
                line = line.patch_style(theme.selected().add_modifier(Modifier::BOLD));
            }
            lines.push(line);
        }
        lines.push(key_line(app, keys, theme));
        f.render_widget(Paragraph::new(lines), inner);
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
