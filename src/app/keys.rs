//! Keyboard, mouse and paste handling for every mode. Keys resolve through the keymap first;
//! in the composer, keys without an action are text for the editor.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. Input
//! (`Msg::Key`, `Msg::Mouse`, `Msg::Paste`) comes here and goes to the part it is for: the top
//! popup (`popups/`), the login form (`login.rs`), or an action of the selection or the
//! composer. The selection (`Mode::Select`) changes here; an action on another part calls that
//! part's method, or sets its field when that is all it does.

use super::{App, ComposeTarget, Confirm, Effect, Help, Mode, React, Staged, Switcher};
use crate::keymap::{Action, Context};
use crate::model::PendingState;
use crate::present::{Body, FileFacts};
use crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};

pub fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        app.dirty = false;
        return vec![];
    }
    // The open popup first: it consumes every key.
    if let Some(effects) = super::popups::on_key(app, &key) {
        return effects;
    }
    match app.mode.clone() {
        Mode::Login(_) => super::login::on_key(app, key),
        Mode::Select(mid) => match app.keymap.resolve(Context::Select, &key) {
            Some(action) => select_action(app, mid, action),
            None => {
                app.dirty = false;
                vec![]
            }
        },
        Mode::Chat => match app.keymap.resolve(Context::Composer, &key) {
            Some(Action::EditLast) if !app.composer.text().is_empty() => {
                app.composer.completion = None;
                app.composer.textarea.input(key);
                vec![]
            }
            Some(action) => {
                // A completion cycles only on the next Tab (Esc closes it): after anything
                // else the text before the cursor is no longer the candidate it inserted.
                if !matches!(action, Action::Complete | Action::Cancel) {
                    app.composer.completion = None;
                }
                chat_action(app, action)
            }
            None => {
                app.composer.completion = None;
                app.composer.textarea.input(key);
                vec![]
            }
        },
    }
}

/// Actions that work everywhere outside popups.
fn global_action(app: &mut App, action: Action) -> Option<Vec<Effect>> {
    let page = (app.screen.size.1 as usize).saturating_sub(6).max(1);
    Some(match action {
        Action::Quit => {
            app.quit = true;
            vec![]
        }
        Action::Switcher => {
            let switcher = Switcher::new(app);
            app.popups.push(switcher);
            vec![]
        }
        Action::Search => app.open_search(None),
        Action::Inbox => app.open_search(Some(super::search::INBOX_QUERY)),
        Action::Announcement => app.show_announcement(),
        Action::LinkPicker => app.open_link_picker(),
        Action::PrevConversation if app.several_accounts() => app.step_across(-1),
        Action::NextConversation if app.several_accounts() => app.step_across(1),
        Action::NextUnread if app.several_accounts() => app.jump_across("unread messages", false),
        Action::NextMention if app.several_accounts() => app.jump_across("unread mentions", true),
        Action::PrevConversation => app.step_conversation(-1),
        Action::NextConversation => app.step_conversation(1),
        Action::NextUnread => app.jump_to("unread messages", |c| c.unread > 0),
        Action::NextMention => app.jump_to("unread mentions", |c| c.mentions > 0),
        Action::PageUp => {
            app.timeline.scroll += page;
            app.timeline
                .open
                .map(|k| app.maybe_load_history(k, false))
                .unwrap_or_default()
        }
        Action::PageDown => {
            app.timeline.scroll = app.timeline.scroll.saturating_sub(page);
            app.mark_open_read().into_iter().collect()
        }
        Action::Help => {
            app.popups.push(Help::default());
            vec![]
        }
        Action::ToggleSidebar => {
            app.screen.sidebar_visible = !app.screen.sidebar_visible;
            vec![]
        }
        Action::Reconnect => vec![Effect::ReconnectNow],
        Action::SelectMode => {
            match app
                .timeline
                .open
                .and_then(|k| app.chat.convs.get(&k))
                .and_then(|c| c.visible().next_back())
            {
                Some(m) => {
                    app.mode = Mode::Select(m.mid);
                    app.timeline.marked.clear();
                }
                None => app.info("nothing to select here"),
            }
            vec![]
        }
        _ => return None,
    })
}

fn chat_action(app: &mut App, action: Action) -> Vec<Effect> {
    if let Some(effects) = global_action(app, action) {
        return effects;
    }
    match action {
        Action::Send => app.submit(),
        Action::Newline => {
            app.composer.textarea.insert_newline();
            vec![]
        }
        Action::ExternalEditor => vec![Effect::OpenEditor(app.composer.text())],
        Action::EditLast => {
            match app
                .timeline
                .open
                .and_then(|k| app.chat.last_own_message(k))
                .map(|m| m.mid)
            {
                Some(mid) => app.start_edit(mid),
                None => app.info("no message of yours to edit here"),
            }
            vec![]
        }
        Action::Complete => match super::complete::upload_arg(app) {
            Some(prefix) => {
                app.composer.completion = None;
                vec![Effect::CompletePath { prefix }]
            }
            None => {
                super::complete::complete(app);
                vec![]
            }
        },
        Action::Cancel => {
            if app.composer.completion.take().is_some() {
                return vec![];
            }
            match app.composer.target {
                ComposeTarget::Edit(_) => {
                    app.composer.set_text("");
                    app.composer.target = ComposeTarget::New;
                }
                ComposeTarget::Reply(_) => app.composer.target = ComposeTarget::New,
                ComposeTarget::New => app.status.notice = None,
            }
            vec![]
        }
        Action::RetrySend => retry_failed(app),
        Action::DiscardFailed => app.discard_failed(),
        Action::ToggleMarkdown => {
            let text = app.composer.text();
            let now = app
                .composer
                .sends_markdown(&text, app.settings.send_markdown);
            app.composer.markdown = Some(!now);
            app.info(if now {
                "this message goes as plain text"
            } else {
                "this message goes as markdown"
            });
            vec![]
        }
        Action::Unstage if app.composer.staged.len() > 1 => {
            // Several: ask which (the newest first selected).
            app.popups.push(Staged {
                selected: app.composer.staged.len() - 1,
            });
            vec![]
        }
        Action::Unstage => {
            match app.composer.staged.pop() {
                Some(f) => app.info(format!("removed {}", crate::files::shown_name(&f.name, 60))),
                None => app.info(super::strings::NO_FILES_PICKED),
            }
            vec![]
        }
        _ => {
            app.dirty = false;
            vec![]
        }
    }
}

fn retry_failed(app: &mut App) -> Vec<Effect> {
    let Some(key) = app.timeline.open else {
        return vec![];
    };
    let effects = app.resend(key, |s| {
        matches!(s, PendingState::Failed(_) | PendingState::Waiting(_))
    });
    if effects.is_empty() {
        app.info("nothing to retry");
    } else {
        app.status.notice = None;
    }
    effects
}

/// Visible, unexpired messages of the open conversation in order (mids).
fn visible_mids(app: &App) -> Vec<i64> {
    app.timeline
        .open
        .and_then(|k| app.chat.convs.get(&k))
        .map(|c| {
            c.visible()
                .filter(|m| !m.is_expired(app.now_ms))
                .map(|m| m.mid)
                .collect()
        })
        .unwrap_or_default()
}

fn select_action(app: &mut App, mid: i64, action: Action) -> Vec<Effect> {
    if let Some(effects) = global_action(app, action) {
        return effects;
    }
    let mids = visible_mids(app);
    let pos = mids.iter().position(|m| *m == mid);
    match action {
        Action::SelectUp | Action::SelectDown | Action::ScrollTop | Action::ScrollBottom => {
            let next = match (action, pos) {
                (_, None) => mids.last().copied(),
                (Action::SelectUp, Some(p)) => mids.get(p.saturating_sub(1)).copied(),
                (Action::SelectDown, Some(p)) => mids.get((p + 1).min(mids.len() - 1)).copied(),
                (Action::ScrollTop, _) => mids.first().copied(),
                _ => mids.last().copied(),
            };
            if let Some(n) = next {
                app.mode = Mode::Select(n);
            }
            let near_top = next
                .and_then(|n| mids.iter().position(|m| *m == n))
                .is_some_and(|p| p < 10);
            if near_top && let Some(key) = app.timeline.open {
                app.timeline.scroll = app.timeline.scroll.max(app.timeline.max_scroll);
                return app.maybe_load_history(key, false);
            }
            vec![]
        }
        Action::FollowReply => app.follow_reply(mid),
        Action::SaveMessage => app.save_message(mid),
        Action::PinMessage => app.toggle_pin(mid),
        Action::Forward => app.start_forward(mid),
        Action::JumpBack => app.jump_back(),
        // A message number is one server's: with several accounts the query names whose,
        // so asking it again (after another account was focused) asks the same one.
        Action::ListReplies if app.several_accounts() => {
            let query = format!("in:{} replies:{mid}", app.account.name.to_lowercase());
            app.open_search(Some(&query))
        }
        Action::ListReplies => app.open_search(Some(&format!("replies:{mid}"))),
        Action::Reply => {
            app.composer.target = ComposeTarget::Reply(mid);
            app.mode = Mode::Chat;
            vec![]
        }
        Action::Edit => {
            app.start_edit(mid);
            vec![]
        }
        Action::Mark => app.toggle_mark(mid),
        Action::Delete if !app.timeline.marked.is_empty() => app.ask_delete_marked(),
        Action::Delete => {
            let Some(m) = app.chat.message(mid) else {
                return vec![];
            };
            let me_admin = app
                .chat
                .me
                .and_then(|me| app.chat.users.get(&me))
                .is_some_and(|u| u.is_admin);
            if Some(m.from_uid) == app.chat.me || me_admin {
                app.popups.push(Confirm::Delete(mid));
            } else {
                app.error("you can only delete your own messages");
            }
            vec![]
        }
        Action::React => {
            app.popups.push(React { mid, index: 0 });
            vec![]
        }
        Action::Copy => app.copy_message(mid),
        Action::CopyPart => app.open_copy_view(mid),
        Action::Save => match app.chat.message(mid).and_then(|m| Body::of(m).file()) {
            Some(file) => {
                let name = file.download_name();
                app.download(file.path, name, false)
            }
            _ => {
                app.info("not a file");
                vec![]
            }
        },
        Action::Preview => {
            let image = app
                .chat
                .message(mid)
                .and_then(|m| Body::of(m).file())
                .filter(FileFacts::is_image)
                .map(|file| {
                    let name = file.download_name();
                    (file.path, name)
                });
            match image {
                None => app.info("not an image"),
                Some(_) if !app.settings.previews => {
                    app.info("image previews are off (ui.image_previews; off over SSH by default)");
                }
                Some((path, name)) => {
                    let task = app.tasks.start(super::TaskKind::Preview, app.now_ms);
                    return vec![Effect::Preview { task, path, name }];
                }
            }
            vec![]
        }
        Action::OpenLink => app.open_selected(mid),
        Action::JoinCall => {
            let invite = app
                .chat
                .message(mid)
                .and_then(|m| crate::protocol::vocespace::parse_invite(&m.content));
            match invite {
                // One key, no arguments: the config's room, identity and pre-join, the same
                // as a bare /call (which takes options).
                Some((base, space)) => app.call_link(
                    super::CallTarget::Space { base, space },
                    crate::protocol::vocespace::CallOptions::default(),
                ),
                None => {
                    app.info("not a meeting invite; /call makes a link for this conversation");
                    vec![]
                }
            }
        }
        Action::Leave => {
            app.mode = Mode::Chat;
            app.timeline.marked.clear();
            app.timeline.scroll = 0;
            app.mark_open_read().into_iter().collect()
        }
        _ => {
            app.dirty = false;
            vec![]
        }
    }
}

pub fn on_paste(app: &mut App, text: String) -> Vec<Effect> {
    // Terminals send pasted line breaks as CR (or CR LF): make them newlines, then keep
    // newlines and tabs and drop every other control character.
    let text = crate::sanitize::clean(&text.replace("\r\n", "\n").replace('\r', "\n"));
    // The open popup first; one that takes no text closes with the others.
    if let Some(effects) = super::popups::on_paste(app, &text) {
        return effects;
    }
    match &mut app.mode {
        Mode::Login(form) => form.paste(&text),
        Mode::Chat | Mode::Select(_) => {
            app.mode = Mode::Chat;
            app.composer.completion = None;
            // A pasted file path (drag and drop from a file manager) picks the file.
            if crate::files::is_path_like(&text) {
                return vec![Effect::StageFiles {
                    paths: vec![text.trim().to_string()],
                    paste: Some(text),
                }];
            }
            app.composer.textarea.insert_str(&text);
        }
    }
    vec![]
}

pub fn on_mouse(app: &mut App, m: MouseEvent) -> Vec<Effect> {
    match m.kind {
        MouseEventKind::ScrollUp => {
            app.timeline.scroll += 3;
            app.timeline
                .open
                .map(|k| app.maybe_load_history(k, false))
                .unwrap_or_default()
        }
        MouseEventKind::ScrollDown => {
            app.timeline.scroll = app.timeline.scroll.saturating_sub(3);
            app.mark_open_read().into_iter().collect()
        }
        MouseEventKind::Down(MouseButton::Left) => match sidebar_hit(app, m.column, m.row) {
            Some(row) => app.click_row(row),
            None => {
                app.dirty = false;
                vec![]
            }
        },
        _ => {
            app.dirty = false;
            vec![]
        }
    }
}

/// Which row of the sidebar (a conversation, an account's header) a click at (col, row)
/// lands on, from where the last frame drew the sidebar's rows.
fn sidebar_hit(app: &App, col: u16, row: u16) -> Option<super::sections::SidebarRow> {
    let rows = app.screen.sidebar_rows?;
    let inside = (rows.x..rows.x + rows.width).contains(&col)
        && (rows.y..rows.y + rows.height).contains(&row);
    if !inside {
        return None;
    }
    app.sidebar_window(usize::from(rows.height))
        .get(usize::from(row - rows.y))
        .copied()
}
