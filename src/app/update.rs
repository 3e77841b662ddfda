//! The pure core: `update` applies one message to the app and returns the effects to carry
//! out. It reads no clock (the loop sets `now_ms` before each batch) and does no IO.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. `update`
//! only dispatches: each message goes, in one line, to the part that owns what it changes, and
//! is handled in that part's module (the comments name it). A message that changes two parts
//! goes to the one whose state it mostly changes, which calls the other's methods. The match
//! is exhaustive, so a new message does not build until it names its part here.

use super::{App, Effect, Msg, keys};

/// The pure core: applies one message, returns the work to do.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut effects = apply(app, msg);
    // The sidebar order is rebuilt here only after a structural change (never per event).
    app.chat.ensure_order();
    // Forwarded archives the open conversation shows, each fetched once: forward.rs.
    effects.extend(app.fetch_shown_archives());
    effects
}

fn apply(app: &mut App, msg: Msg) -> Vec<Effect> {
    // Any message may change what is drawn; a handler that changed nothing visible says so.
    app.dirty = true;
    match msg {
        // Input, for the top popup, the login form, the selection or the composer: keys.rs.
        Msg::Key(key) => keys::on_key(app, key),
        Msg::Mouse(m) => keys::on_mouse(app, m),
        Msg::Paste(text) => keys::on_paste(app, text),
        // The terminal: screen.rs.
        Msg::Resize(w, h) => app.on_resize(w, h),
        Msg::Focus(focused) => app.on_focus(focused),
        // The chat and the connection, from the stream and the store: sync.rs.
        Msg::Sync(m) => app.on_sync(m),
        Msg::Restored(restored) => app.restore(*restored),
        Msg::Latest(pages) => app.latest(pages),
        // History the server cleared, as the store took it: cleared.rs.
        Msg::Cleared(now) => app.on_cleared(now),
        Msg::ChannelCleared { gid, result } => app.on_channel_cleared(gid, result),
        // The account: account.rs.
        Msg::LoggedIn(result) => app.on_logged_in(result),
        Msg::LoggedOut => app.on_logged_out(),
        // The link variant of the login form: join.rs.
        Msg::InviteChecked(result) => app.on_invite_checked(result),
        Msg::StoreUnusable(why) => app.on_store_unusable(why),
        // Pending messages (outbox.rs) and queued changes (changes.rs).
        Msg::Sent {
            key,
            local_id,
            result,
        } => app.on_sent(key, local_id, result),
        Msg::Uploaded {
            key,
            local_id,
            result,
        } => app.on_uploaded(key, local_id, result),
        Msg::Tick => app.on_tick_all(),
        Msg::Changed { id, result } => app.on_changed(id, result),
        // Several deletes in one request: bulk.rs.
        Msg::BulkDeleted { ids, result } => app.on_bulk_deleted(ids, result),
        // The timeline: timeline.rs.
        Msg::History {
            key,
            before,
            limit,
            result,
        } => app.on_history(key, before, limit, result),
        Msg::View(view) => app.on_view(view),
        // The composer: composer.rs, its completion complete.rs.
        Msg::Edited(result) => app.on_edited(result),
        Msg::Staged {
            files,
            errors,
            paste,
        } => app.on_staged(files, errors, paste),
        Msg::PathCompleted { prefix, candidates } => app.on_path_completed(prefix, candidates),
        // Background tasks: tasks.rs.
        Msg::Progress { task, done, total } => app.on_progress(task, done, total),
        Msg::UploadProgress {
            key,
            local_id,
            sent,
            total,
        } => app.on_upload_progress(key, local_id, sent, total),
        Msg::Done { task, what, result } => app.on_done(task, what, result),
        Msg::Downloaded { task, name, result } => app.on_downloaded(task, name, result),
        // What the server can do: server.rs.
        Msg::ServerInfo(info) => app.on_server_info(info),
        // Pinned chats (pins.rs), remarks (remarks.rs) and announcements (announce.rs).
        Msg::Pinned { key, pin, result } => app.on_pinned(key, pin, result),
        // Pinned messages of a channel: message_pins.rs.
        Msg::MessagePinned {
            gid,
            mid,
            pin,
            result,
        } => app.on_message_pinned(gid, mid, pin, result),
        Msg::Remarked {
            uid,
            remark,
            result,
        } => app.on_remarked(uid, remark, result),
        Msg::Announcement { gid, op, result } => app.on_announcement(gid, op, result),
        // Link previews: link_previews.rs.
        Msg::LinkPreview { url, result } => app.on_link_preview(url, result),
        // Contacts, user search and invite links: contacts.rs (invite links: invite.rs).
        Msg::Contacts(msg) => app.on_contacts(msg),
        // Popups an answer opens or changes: popups/<name>.rs.
        Msg::Preview { task, result } => app.on_preview(task, result),
        Msg::CallLink { task, result } => app.on_call_link(task, result),
        Msg::DevicesListed(result) => app.on_devices_listed(result),
        Msg::DeviceLoggedOut { device, result } => app.on_device_logged_out(device, result),
        // The search view (popups/search.rs) and saved messages (saved.rs).
        Msg::Searched(result) => app.on_searched(result),
        Msg::StoredOlder { key, result } => app.on_stored_older(key, result),
        Msg::SavedList(result) => app.on_saved_list(result),
        Msg::SavedChanged(result) => app.on_saved_changed(result),
        // The status bar: status.rs.
        Msg::Notice(text) => app.on_notice(text),
        // The app's clock: mod.rs.
        Msg::Clock(now_ms) => app.on_clock(now_ms),
        // Forwards and forwarded archives: forward.rs.
        Msg::Forwarded {
            task,
            to,
            count,
            result,
        } => app.on_forwarded(task, to, count, result),
        Msg::ArchiveFetched { path, result } => app.on_archive_fetched(path, result),
        // A message of one account, focused or parked: accounts.rs.
        Msg::For(account, msg) => app.on_for(account, *msg),
    }
}
