//! The pure core: `update` applies one message to the app and returns the effects to carry
//! out. It reads no clock (the loop sets `now_ms` before each batch) and does no IO.

use super::{App, Effect, Mode, Msg, complete, keys, login, strings};

/// The pure core: applies one message, returns the work to do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = apply(app, msg);
    // The sidebar order is rebuilt here only after a structural change (never per event).
    app.chat.ensure_order();
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    app.dirty = true;
    match msg {
        Msg::Key(key) => keys::on_key(app, key),
        Msg::Mouse(m) => keys::on_mouse(app, m),
        Msg::Paste(text) => keys::on_paste(app, text),
        Msg::Resize(w, h) => {
            app.screen.size = (w, h);
            vec![]
        }
        Msg::Focus(focused) => {
            app.screen.focused = focused;
            app.dirty = false;
            if focused {
                let mut effects: Vec<Effect> = app.mark_open_read().into_iter().collect();
                // Back at the terminal with the stream down: try now, not at the backoff's end.
                if matches!(app.status.conn, super::conn::ConnState::Waiting { .. }) {
                    effects.push(Effect::ReconnectNow);
                }
                effects
            } else {
                vec![]
            }
        }
        Msg::Sync(m) => app.on_sync(m),
        Msg::LoggedIn(result) => login::logged_in(app, result),
        Msg::Sent {
            key,
            local_id,
            result,
        } => {
            match result {
                Ok(mid) => {
                    app.chat.pending_sent(key, local_id, mid);
                    app.clear_waiting_notice();
                }
                Err(e) if e.is_transient() => {
                    app.error(strings::not_sent_yet(&e.to_string()));
                    app.chat.pending_waiting(key, local_id, e.to_string());
                    app.retry_later();
                }
                Err(e) => {
                    let why = if e.is_too_large() {
                        strings::MESSAGE_TOO_LARGE.to_string()
                    } else {
                        e.to_string()
                    };
                    app.error(strings::not_sent(&why, &app.keymap));
                    app.chat.pending_failed(key, local_id, why);
                    app.on_failure(&e);
                }
            }
            vec![]
        }
        Msg::History {
            key,
            before,
            limit,
            result,
        } => {
            app.timeline.history_answered(key, result.is_ok());
            let background = app.unread_fill.answered(key, result.is_ok());
            let mut effects = on_history(app, key, before, limit, result, background);
            // The next conversation whose unread count is a lower bound, if one waits.
            effects.extend(app.pump_unread_fill());
            effects
        }
        Msg::Done { task, what, result } => {
            if let Some(task) = task {
                app.tasks.finish(task);
            }
            if let Err(e) = result {
                app.error(format!("{what}: {e}"));
                app.on_failure(&e);
            }
            vec![]
        }
        Msg::Changed { id, result } => {
            app.changed(id, result);
            vec![]
        }
        Msg::DevicesListed(result) => {
            app.devices_listed(result);
            vec![]
        }
        Msg::DeviceLoggedOut { device, result } => app.device_logged_out(device, result),
        Msg::SavedList(result) => {
            app.saved_list(result);
            vec![]
        }
        Msg::SavedChanged(result) => app.saved_changed(result),
        Msg::Searched(result) => {
            app.searched(result);
            vec![]
        }
        Msg::StoredOlder { key, result } => app.stored_older(key, result),
        Msg::Edited(result) => {
            match result {
                Ok(text) => app.composer.set_text(text.trim_end_matches('\n')),
                Err(e) => app.error(format!("editor: {e}")),
            }
            vec![]
        }
        Msg::View(view) => {
            app.dirty = view.scroll != app.timeline.scroll;
            app.timeline.max_scroll = view.max_scroll;
            app.timeline.scroll = view.scroll;
            app.screen.sidebar_rows = view.sidebar_rows;
            vec![]
        }
        Msg::LoggedOut => {
            app.quit = true;
            vec![]
        }
        // `now_ms` moved on: expired messages drop out of the view, and waiting messages may
        // be due for another try.
        Msg::Tick => app.resend_due(),
        Msg::Clock(now_ms) => {
            app.now_ms = now_ms;
            app.dirty = false;
            vec![]
        }
        Msg::Notice(text) => {
            app.info(text);
            vec![]
        }
        Msg::Restored(restored) => app.restore(*restored),
        Msg::Latest(pages) => app.latest(pages),
        Msg::StoreUnusable(why) => {
            app.account.without_store = true;
            app.error(format!("{why}; going on without it"));
            if app.popups.is_empty() && matches!(app.mode, Mode::Chat | Mode::Select(_)) {
                app.popups.push(super::Confirm::RebuildStore(why));
            }
            vec![]
        }
        Msg::Staged {
            files,
            errors,
            paste,
        } => {
            if let Some(text) = paste.filter(|_| files.is_empty()) {
                // Pasted text that is not a readable file: it was text after all.
                app.composer.textarea.insert_str(&text);
                return vec![];
            }
            for f in files {
                if !app.composer.staged.iter().any(|s| s.path == f.path) {
                    app.composer.staged.push(f);
                }
            }
            if !errors.is_empty() {
                app.error(errors.join("; "));
            } else if !app.composer.staged.is_empty() {
                app.info(format!(
                    "{} file(s) ready: Enter sends, {} removes one",
                    app.composer.staged.len(),
                    app.keymap.hint(crate::keymap::Action::Unstage)
                ));
            }
            vec![]
        }
        Msg::PathCompleted { prefix, candidates } => {
            complete::apply_path_completion(app, &prefix, candidates);
            vec![]
        }
        Msg::UploadProgress {
            key,
            local_id,
            sent,
            total,
        } => {
            if let Some(u) = app
                .chat
                .convs
                .get_mut(&key)
                .and_then(|c| c.pending.iter_mut().find(|p| p.local_id == local_id))
                .and_then(|p| p.upload.as_mut())
            {
                u.sent = sent;
                if let Some(task) = app.tasks.upload(local_id) {
                    app.tasks.progress(task, sent, Some(total), app.now_ms);
                }
            }
            vec![]
        }
        Msg::Uploaded {
            key,
            local_id,
            result,
        } => {
            // The echo may have replaced the pending copy already: find the task by id.
            if let Some(task) = app.tasks.upload(local_id) {
                app.tasks.finish(task);
            }
            match result {
                Ok(mid) => app.chat.pending_sent(key, local_id, mid),
                Err(e) => {
                    let why = if e.is_too_large() {
                        strings::FILE_TOO_LARGE.to_string()
                    } else {
                        e.to_string()
                    };
                    app.error(strings::upload_failed(&why, &app.keymap));
                    app.chat.pending_failed(key, local_id, why);
                    app.on_failure(&e);
                }
            }
            vec![]
        }
        Msg::Progress { task, done, total } => {
            app.tasks.progress(task, done, total, app.now_ms);
            vec![]
        }
        Msg::Preview { task, result } => {
            app.tasks.finish(task);
            match result {
                Ok(p) => app.popups.push(p),
                Err(e) => {
                    app.error(format!("preview: {e}"));
                    app.on_failure(&e);
                }
            }
            vec![]
        }
        Msg::Downloaded { task, name, result } => {
            app.tasks.finish(task);
            match result {
                Ok(path) => app.info(format!("saved {}", crate::sanitize::one_line(&path, 80))),
                Err(e) => {
                    app.error(format!(
                        "download of {}: {e}",
                        crate::files::shown_name(&name, 40)
                    ));
                    app.on_failure(&e);
                }
            }
            vec![]
        }
        Msg::CallLink { task, result } => {
            app.tasks.finish(task);
            match result {
                Ok(link) => app.popups.push(link),
                Err(e) => {
                    app.error(format!("meeting link: {e}"));
                    app.on_failure(&e);
                }
            }
            vec![]
        }
    }
}

/// A history page came back (or failed): fold it, and page on where a jump or the open
/// conversation wants more. `background`: nobody waits on it (see `unread_fill.rs`).
fn on_history(
    app: &mut App,
    key: crate::model::ConvKey,
    before: Option<i64>,
    limit: u32,
    result: super::Outcome<Vec<crate::protocol::types::ChatMessage>>,
    background: bool,
) -> Vec<Effect> {
    let ok = result.is_ok();
    match result {
        Ok(page) => {
            app.chat
                .apply_history_page(key, before, page, limit as usize);
        }
        Err(e) => {
            // A failed request may be asked for again (scroll up to retry). One the user did
            // not ask for (the unread filler's) is no news, unless it means logging in again.
            if !background {
                app.error(format!("could not load history: {e}"));
            }
            app.on_failure(&e);
        }
    }
    // A jump to a message pages on until it is loaded.
    if let Some(effects) = app.seek_on_history(key, ok) {
        return effects;
    }
    if ok && app.timeline.open == Some(key) {
        let mut effects: Vec<Effect> = app.mark_open_read().into_iter().collect();
        // The open conversation's gap fills at once, page after page.
        match app.timeline.gap_request(&app.chat, key) {
            Some(next) => effects.push(next),
            None => effects.extend(app.maybe_load_history(key, false)),
        }
        return effects;
    }
    vec![]
}
