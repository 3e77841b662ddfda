//! The sidebar: its title row (unread and mention totals), then the rows the app computes
//! (`App::sidebar_window`): with one account its conversations; with several, the
//! conversations that need you across accounts, then a section per account under a header
//! naming it and its connection state. State is in characters, not only colour: the open
//! conversation is marked `›`, unread messages are counted, mentions are `@n`, a muted
//! conversation says `muted`, people online `●` and away `○`.

use crate::app::conn::ConnState;
use crate::app::{AccountView, App, SidebarRow};
use crate::model::{ChatModel, ConvKey};
use crate::sanitize::one_line;
use crate::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub(super) fn draw(f: &mut Frame, app: &App, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::RIGHT)
        .border_style(theme.dimmed());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let width = inner.width as usize;
    let accounts = app.accounts();
    // Muted conversations do not add to the total.
    let total: u32 = accounts
        .iter()
        .map(|a| unread_total(a.chat, app.now_ms))
        .sum();
    // What concerns you (mentions, replies to you), unread, in every account: the inbox
    // (Alt+I, which spans them too).
    let inbox: u32 = accounts
        .iter()
        .map(|a| a.chat.convs.values().map(|c| c.mentions).sum::<u32>())
        .sum();
    let mut lines = vec![Line::from(vec![
        Span::styled(
            crate::text::wrap::truncate("conversations", width.saturating_sub(10)),
            theme.dimmed(),
        ),
        Span::styled(count(" ", total), theme.fg(theme.unread)),
        Span::styled(count(" @", inbox), theme.fg(theme.mention)),
    ])];
    let several = accounts.len() > 1;
    for row in app.sidebar_window(inner.height.saturating_sub(1) as usize) {
        let line = match row {
            SidebarRow::Header(id) => match accounts.iter().find(|a| a.id == id) {
                Some(account) => header(app, account, width, theme),
                None => continue,
            },
            SidebarRow::Needs(id, key) | SidebarRow::Conv(id, key) => {
                let Some(account) = accounts.iter().find(|a| a.id == id) else {
                    continue;
                };
                let prefix = match row {
                    SidebarRow::Needs(..) => Some(account.name),
                    _ => None,
                };
                let open = account.focused
                    && account.timeline.open == Some(key)
                    && !matches!(row, SidebarRow::Needs(..) if several);
                let mut line = conversation(app, account, key, prefix, open, width, theme);
                if open {
                    line = line.patch_style(theme.selected().add_modifier(Modifier::BOLD));
                }
                line
            }
        };
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// " 12" (`prefix` then the number), or nothing for 0.
fn count(prefix: &str, n: u32) -> String {
    if n > 0 {
        format!("{prefix}{n}")
    } else {
        String::new()
    }
}

/// The unread messages of `chat`, muted conversations left out.
fn unread_total(chat: &ChatModel, now_ms: i64) -> u32 {
    chat.convs
        .iter()
        .filter(|(k, _)| !chat.is_muted(**k, now_ms))
        .map(|(_, c)| c.unread)
        .sum()
}

/// An account's connection in a word or two (nothing when live: only trouble is news).
fn state_words(conn: &ConnState) -> &'static str {
    match conn {
        ConnState::Live => "",
        ConnState::Syncing => "syncing",
        ConnState::Connecting { .. } => "connecting",
        ConnState::Waiting { .. } => "offline",
        ConnState::Stopped(reason) if reason.needs_login() => "log in again",
        ConnState::Stopped(_) => "stopped",
    }
}

/// A section header: folded or not, the account's name, its state, its unread and mention
/// totals.
fn header(app: &App, account: &AccountView<'_>, width: usize, theme: &Theme) -> Line<'static> {
    let folded = app.collapsed.contains(&account.id);
    let fold = if folded { "▸ " } else { "▾ " };
    let state = match (state_words(&account.status.conn), account.muted) {
        ("", true) => "muted".to_string(),
        (words, true) => format!("{words}, muted"),
        (words, false) => words.to_string(),
    };
    let mentions: u32 = account.chat.convs.values().map(|c| c.mentions).sum();
    let badge = format!(
        "{}{}",
        count("", unread_total(account.chat, app.now_ms)),
        count(" @", mentions)
    );
    let badge = badge.trim().to_string();
    // The badge first, then the name (up to 12 columns before the state words are cut),
    // then the state in what is left.
    let room = width
        .saturating_sub(2 + badge.len() + usize::from(!badge.is_empty()))
        .max(1);
    let full_name = one_line(account.name, 24);
    let state_width = crate::text::wrap::width(&state);
    let name_room = if state.is_empty() {
        room
    } else {
        room.saturating_sub(state_width + 1)
            .max(crate::text::wrap::width(&full_name).min(12))
            .min(room)
    };
    let name = crate::text::wrap::truncate(&full_name, name_room);
    let left = room.saturating_sub(crate::text::wrap::width(&name));
    let state_text = if state.is_empty() || left < 2 {
        String::new()
    } else {
        format!(" {}", crate::text::wrap::truncate(&state, left - 1))
    };
    let pad =
        left.saturating_sub(crate::text::wrap::width(&state_text)) + usize::from(!badge.is_empty());
    let state_style = match account.status.conn {
        ConnState::Waiting { .. } | ConnState::Stopped(_) => theme.fg(theme.error),
        _ => theme.fg(theme.warning),
    };
    let mut name_style = theme.fg(theme.accent).add_modifier(Modifier::BOLD);
    if account.focused {
        name_style = name_style.add_modifier(Modifier::UNDERLINED);
    }
    Line::from(vec![
        Span::styled(fold, theme.dimmed()),
        Span::styled(name, name_style),
        Span::styled(state_text, state_style),
        Span::raw(" ".repeat(pad)),
        Span::styled(badge, theme.fg(theme.mention)),
    ])
}

/// A conversation's row: its kind (online, private, channel), its name (after `prefix`, the
/// account's name, in the list of what needs you), its badge (mentions, unread, muted).
fn conversation(
    app: &App,
    account: &AccountView<'_>,
    key: ConvKey,
    prefix: Option<&str>,
    open: bool,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let chat = account.chat;
    let Some(conv) = chat.convs.get(&key) else {
        return Line::default();
    };
    let muted = chat.is_muted(key, app.now_ms);
    let mut style = theme.base();
    if muted {
        style = theme.dimmed();
    } else if conv.unread > 0 {
        style = theme.fg(theme.unread).add_modifier(Modifier::BOLD);
    }
    let (marker, marker_style) = match key {
        ConvKey::User(uid) if chat.online.contains(&uid) => ("● ", theme.fg(theme.online)),
        ConvKey::User(_) => ("○ ", theme.dimmed()),
        ConvKey::Group(gid) if chat.groups.get(&gid).is_some_and(|g| !g.is_public) => {
            ("🔒", theme.dimmed())
        }
        ConvKey::Group(_) => ("# ", theme.dimmed()),
    };
    let (badge, badge_style) = if conv.mentions > 0 {
        (
            format!("@{}", conv.mentions),
            theme.fg(theme.mention).add_modifier(Modifier::BOLD),
        )
    } else if conv.unread > 0 && !muted {
        // "12+": more may be unread further back than what is loaded.
        let plus = if conv.unread_is_partial() { "+" } else { "" };
        (format!("{}{plus}", conv.unread), theme.fg(theme.unread))
    } else if muted {
        ("muted".to_string(), theme.dimmed())
    } else {
        (String::new(), theme.base())
    };
    let prefix = prefix
        .map(|p| format!("{} · ", one_line(p, 12)))
        .unwrap_or_default();
    // The open conversation is marked in text too (`›`), not only by its highlight: the
    // column is there on every row, so names line up.
    let room = width
        .saturating_sub(3 + badge.len() + usize::from(!badge.is_empty()))
        .saturating_sub(crate::text::wrap::width(&prefix));
    // A remark is shortened before a person's real name.
    let label = match key {
        ConvKey::User(uid) => crate::present::person(chat, uid, room),
        ConvKey::Group(_) => crate::text::wrap::truncate(&one_line(&chat.conv_name(key), 40), room),
    };
    let pad =
        room.saturating_sub(crate::text::wrap::width(&label)) + usize::from(!badge.is_empty());
    let mut spans = vec![
        Span::styled(if open { "›" } else { " " }, theme.fg(theme.accent)),
        Span::styled(marker, marker_style),
    ];
    if !prefix.is_empty() {
        spans.push(Span::styled(prefix, theme.dimmed()));
    }
    spans.extend([
        Span::styled(label, style),
        Span::raw(" ".repeat(pad)),
        Span::styled(badge, badge_style),
    ]);
    Line::from(spans)
}
