//! The event loop: one channel fed by the terminal, the sync supervisor and background tasks;
//! drain everything pending, update, run the effects, then draw once if anything changed.
//! No frame timer: an idle client draws nothing and sends nothing. SIGTERM, SIGHUP and
//! SIGINT end the loop like Ctrl+Q; Ctrl+Z (the `suspend` action) stops the process with the
//! terminal given back and redraws everything when it is continued.

use super::executor::Executor;
use crate::app::{AccountId, App, Effect, Failure, Msg, update};
use crate::keymap::Action;
use crate::runtime::notify::{self, Multiplexer};
use crate::runtime::terminal::{QuitSignals, TerminalGuard};
use crate::theme::Theme;
use crate::ui::RenderCache;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub struct Runtime {
    pub app: App,
    pub executor: Executor,
    pub theme: Theme,
    pub mouse: bool,
    /// Let the terminal scroll the timeline (DECSTBM + SU) when that sends fewer bytes.
    pub scroll_regions: bool,
    /// Mark links as OSC 8 hyperlinks.
    pub hyperlinks: bool,
    /// Ask the terminal at startup which image protocol it speaks (kitty, sixel, iTerm2).
    pub query_image_protocol: bool,
    /// Effects to run before the first frame (start the stream, …).
    pub initial: Vec<Effect>,
}

/// Runs the UI until the user quits or a quit signal arrives. The terminal is restored on
/// every exit path.
pub async fn run(
    mut rt: Runtime,
    tx: mpsc::UnboundedSender<Msg>,
    mut rx: mpsc::UnboundedReceiver<Msg>,
) -> anyhow::Result<()> {
    let mut signals = QuitSignals::install()?;
    let mut guard = TerminalGuard::enter(rt.mouse, rt.scroll_regions)?;
    let mut cache = RenderCache::default();
    if rt.query_image_protocol && rt.app.settings.previews {
        // Must happen before anything else reads stdin.
        match tokio::task::block_in_place(ratatui_image::picker::Picker::from_query_stdio) {
            Ok(p) => cache.picker = Some(p),
            Err(e) => {
                tracing::info!("terminal did not report image support ({e}); using half-blocks");
            }
        }
    }
    let mut input = spawn_input(tx.clone());
    // Read once: notifications and copies are wrapped for tmux or screen.
    let mux = Multiplexer::from_env();
    let size = guard.terminal.size()?;
    let app = &mut rt.app;
    update(app, Msg::Clock(crate::clock::now_ms()));
    update(app, Msg::Resize(size.width, size.height));
    for e in std::mem::take(&mut rt.initial) {
        rt.executor.run(e);
    }
    for e in draw(&mut guard, app, &rt.theme, &mut cache, rt.hyperlinks)? {
        rt.executor.run(e);
    }
    #[cfg(debug_assertions)]
    test_panic();
    loop {
        // Sleep until a message arrives, something on screen expires, or a quit signal.
        let deadline = app.next_deadline();
        let first = tokio::select! {
            msg = rx.recv() => match msg {
                Some(m) => m,
                None => break,
            },
            _ = sleep_until_ms(deadline) => Msg::Tick,
            // An account became ready: the executor takes it in and tells the app.
            Some(event) = rt.executor.next_event() => {
                rt.executor.on_event(event);
                continue;
            }
            name = signals.recv() => {
                tracing::info!("{name}: quitting");
                break;
            }
        };
        update(app, Msg::Clock(crate::clock::now_ms()));
        let mut suspend = false;
        let mut effects = Vec::new();
        let mut dirty = false;
        for msg in std::iter::once(first).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
            if is_suspend_key(app, &msg) {
                suspend = true;
                continue;
            }
            rt.executor.observe(&msg);
            effects.extend(update_owned(app, msg, |id| rt.executor.holds(id)));
            dirty |= app.dirty;
        }
        // The effects nobody tagged are the focused account's: the executor follows the app.
        rt.executor.focus(app.focused);
        for effect in effects {
            // An account's terminal effects (a parked account's bell and notification, a
            // file link of the account it was made in) are the loop's to carry out.
            let (account, effect) = for_the_terminal(effect);
            match effect {
                // Never wrapped: tmux and screen show a bell themselves, so it still arrives
                // when passthrough is off.
                Effect::Bell => guard.write_raw("\x07"),
                Effect::CopyText(text) => {
                    guard.write_raw(&notify::copy_sequence(&text, mux));
                }
                Effect::CopyFileUrl { path } => {
                    if let Some(url) = rt.executor.file_url(account, &path) {
                        guard.write_raw(&notify::copy_sequence(&url, mux));
                    }
                }
                Effect::Notify { title, body } => {
                    guard.write_raw(&notify::desktop_sequence(&title, &body, mux));
                    rt.executor.run(Effect::Notify { title, body });
                }
                Effect::OpenUrl(url) => {
                    open_url(
                        &mut |bytes| guard.write_raw(bytes),
                        &mut rt.executor,
                        app,
                        account,
                        url,
                        mux,
                    );
                }
                Effect::OpenEditor(text) => {
                    input.abort();
                    let result = guard.suspended(|| edit_externally(&text))?;
                    input = spawn_input(tx.clone());
                    update(app, Msg::Edited(result.map_err(Failure::Local)));
                    resized(&mut guard, app);
                    dirty = true;
                }
                other => rt.executor.run(other),
            }
        }
        rt.executor.save_view(app);
        if app.quit {
            break;
        }
        if suspend {
            input.abort();
            guard.suspend_process()?;
            tracing::info!("continued after Ctrl+Z");
            input = spawn_input(tx.clone());
            resized(&mut guard, app);
            dirty = true;
        }
        if dirty {
            match draw(&mut guard, app, &rt.theme, &mut cache, rt.hyperlinks) {
                Ok(effects) => effects.into_iter().for_each(|e| rt.executor.run(e)),
                Err(e) if terminal_gone(&e) => {
                    // A hang-up: SIGHUP is on its way, or was lost. Either way, quit.
                    tracing::info!("the terminal is gone ({e}): quitting");
                    break;
                }
                Err(e) => return Err(e),
            }
        }
    }
    input.abort();
    // What the store was handed last (a draft, an acknowledgement) reaches the disk.
    rt.executor.shutdown().await;
    Ok(())
}

/// Handles `msg`. Its effects are the account's focused after it (a key may focus another
/// account mid-batch): tagged now, they cannot reach the wrong session. Before a login the
/// account has no session (`held` says which the executor holds): its effects go untagged.
pub(super) fn update_owned(
    app: &mut App,
    msg: Msg,
    held: impl Fn(AccountId) -> bool,
) -> Vec<Effect> {
    let out = update(app, msg);
    if !held(app.focused) {
        return out;
    }
    let owner = app.focused;
    out.into_iter().map(|e| own(e, owner)).collect()
}

/// `effect` as account `owner`'s: tagged, unless it needs no account (a bell, a copy of
/// text, an editor, a notification) or is already tagged. A file link is tagged: its address
/// is on its own account's server.
pub(super) fn own(effect: Effect, owner: AccountId) -> Effect {
    match effect {
        Effect::Bell
        | Effect::CopyText(_)
        | Effect::Notify { .. }
        | Effect::OpenEditor(_)
        | Effect::For(..) => effect,
        other => Effect::For(owner, Box::new(other)),
    }
}

/// Whether `effect` is the terminal's (the loop carries it out: a bell, a copy, a
/// notification, a link to open, the editor).
fn is_terminal(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::Bell
            | Effect::CopyText(_)
            | Effect::CopyFileUrl { .. }
            | Effect::Notify { .. }
            | Effect::OpenUrl(_)
            | Effect::OpenEditor(_)
    )
}

/// A tagged terminal effect unwrapped, with the account it is of (`None`: untagged); any
/// other effect as it is, for the executor.
pub(super) fn for_the_terminal(effect: Effect) -> (Option<AccountId>, Effect) {
    let mut account = None;
    let mut inner = &effect;
    while let Effect::For(id, e) = inner {
        account = Some(*id);
        inner = e;
    }
    if account.is_none() || !is_terminal(inner) {
        return (None, effect);
    }
    let mut effect = effect;
    while let Effect::For(_, e) = effect {
        effect = *e;
    }
    (account, effect)
}

/// Whether `msg` is the suspend key. Handled here rather than in `update` because it is about
/// the process and the terminal, and so it works in every mode (login form, popups too);
/// a key bound to something else in the current context keeps that meaning.
fn is_suspend_key(app: &App, msg: &Msg) -> bool {
    let Msg::Key(key) = msg else { return false };
    if key.kind == crossterm::event::KeyEventKind::Release {
        return false;
    }
    app.keymap.resolve(crate::app::key_context(app), key) == Some(Action::Suspend)
}

/// Whether a write failed because the terminal no longer exists (hung up, closed).
fn terminal_gone(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>().is_some_and(|io| {
        io.kind() == std::io::ErrorKind::BrokenPipe || {
            #[cfg(unix)]
            {
                matches!(io.raw_os_error(), Some(libc::EIO | libc::ENXIO))
            }
            #[cfg(not(unix))]
            false
        }
    })
}

/// After the terminal was given away: it may have changed size meanwhile.
fn resized(guard: &mut TerminalGuard, app: &mut App) {
    if let Ok(size) = guard.terminal.size() {
        update(app, Msg::Resize(size.width, size.height));
    }
}

/// Debug builds only, for the PTY tests: `VOCECHAT_TUI_TEST_PANIC=main` panics the UI loop
/// after the first frame, `=task` panics a background task (the UI must carry on).
#[cfg(debug_assertions)]
#[allow(clippy::panic)] // the point: PTY tests check the terminal is restored after a panic
fn test_panic() {
    match std::env::var("VOCECHAT_TUI_TEST_PANIC").as_deref() {
        Ok("main") => panic!("VOCECHAT_TUI_TEST_PANIC=main: panicking after the first frame"),
        Ok("task") => {
            tokio::spawn(async { panic!("VOCECHAT_TUI_TEST_PANIC=task: a background task") });
        }
        _ => {}
    }
}

/// Draws, then feeds the renderer's view of the scroll range back through `update`; the
/// effects that asks for (link previews of the messages drawn) are returned, for the
/// executor.
fn draw(
    guard: &mut TerminalGuard,
    app: &mut App,
    theme: &Theme,
    cache: &mut RenderCache,
    hyperlinks: bool,
) -> anyhow::Result<Vec<Effect>> {
    let view = frame(guard, app, theme, cache, hyperlinks)?;
    let mut effects = Vec::new();
    if let Some(v) = view
        && v.differs_from(app)
    {
        effects = update(app, Msg::View(v));
        if app.dirty {
            frame(guard, app, theme, cache, hyperlinks)?;
        }
    }
    app.dirty = false;
    Ok(effects)
}

fn frame(
    guard: &mut TerminalGuard,
    app: &App,
    theme: &Theme,
    cache: &mut RenderCache,
    hyperlinks: bool,
) -> anyhow::Result<Option<crate::app::View>> {
    let mut view = None;
    guard.draw(|f| {
        view = Some(crate::ui::draw(f, app, theme, cache));
        crate::runtime::paint::Drawn {
            band: crate::ui::scroll_band(app, f.area()),
            links: if hyperlinks {
                cache.links.clone()
            } else {
                Vec::new()
            },
            joined_rows: cache.joined_rows.clone(),
        }
    })?;
    Ok(view)
}

pub(super) async fn sleep_until_ms(deadline: Option<i64>) {
    match deadline {
        Some(at) => {
            let wait = (at - crate::clock::now_ms()).max(0) as u64;
            tokio::time::sleep(std::time::Duration::from_millis(wait + 5)).await;
        }
        None => std::future::pending().await,
    }
}

/// Opens `url` (a file's link made on `account`'s server), or over SSH hands it to the
/// clipboard through `raw` (what writes to the terminal).
pub(super) fn open_url(
    raw: &mut dyn FnMut(&str),
    executor: &mut Executor,
    app: &mut App,
    account: Option<AccountId>,
    url: String,
    mux: Multiplexer,
) {
    let url = match url.strip_prefix("vocechat-file:") {
        Some(path) => match executor.file_url(account, path) {
            Some(u) => u,
            None => return,
        },
        None => url,
    };
    // The app asks the same; this is where the opener is started, so it is checked again.
    if let Err(why) = crate::text::openable(&url) {
        update(app, Msg::Notice(format!("not opened: {why}")));
        return;
    }
    if std::env::var_os("SSH_CONNECTION").is_some() {
        // No browser on this side of SSH: hand the link to the user's clipboard instead.
        raw(&notify::copy_sequence(&url, mux));
        update(
            app,
            Msg::Notice("over SSH: link copied to your clipboard".into()),
        );
    } else {
        executor.run(Effect::OpenUrl(url));
    }
}

fn edit_externally(text: &str) -> Result<String, String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let file = tempfile::Builder::new()
        .prefix("vocechat-")
        .suffix(".md")
        .tempfile()
        .map_err(|e| e.to_string())?;
    std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
    let status = tokio::task::block_in_place(|| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(file.path())
            .status()
    })
    .map_err(|e| format!("could not start {editor}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "{editor} exited with {status}; the draft is unchanged"
        ));
    }
    std::fs::read_to_string(file.path()).map_err(|e| e.to_string())
}

fn spawn_input(tx: mpsc::UnboundedSender<Msg>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let msg = match event {
                Ok(Event::Key(k)) => Msg::Key(k),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Paste(p)) => Msg::Paste(p),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(Event::FocusGained) => Msg::Focus(true),
                Ok(Event::FocusLost) => Msg::Focus(false),
                Err(e) => {
                    tracing::error!("terminal input failed: {e}");
                    break;
                }
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::conn::SyncMsg;
    use crate::app::{Account, Settings};
    use crate::config::Config;
    use crate::keymap::{Keymap, Preset};
    use crate::protocol::ServerEvent;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use serde_json::json;

    const HOME: AccountId = AccountId(2);

    fn event(v: serde_json::Value) -> Msg {
        let ev: ServerEvent = serde_json::from_value(v).unwrap();
        Msg::Sync(SyncMsg::Event(Box::new(ev)))
    }

    /// Work (focused, #ops) and home (parked, #family with one unread message).
    fn two_accounts() -> App {
        let settings = Settings::from(&Config::default());
        let mut app = App::logged_in(1, Keymap::new(Preset::Default), settings, "work".into());
        app.focused = AccountId(1);
        assert!(app.add_account(HOME, Some(1), Account::default()));
        for (tag, name) in [(None, "ops"), (Some(HOME), "family")] {
            for ev in [
                json!({"type":"related_groups","groups":[{"gid":1,"name":name,"owner":null,"is_public":true,"avatar_updated_at":0,"members":[]}]}),
                json!({"type":"chat","mid":5,"from_uid":4,"created_at":1_000,"target":{"gid":1},
                    "detail":{"type":"normal","content_type":"text/plain","content":"hi","properties":null,"expires_in":null}}),
                json!({"type":"ready"}),
            ] {
                let msg = match tag {
                    Some(id) => Msg::For(id, Box::new(event(ev))),
                    None => event(ev),
                };
                update(&mut app, msg);
            }
        }
        app
    }

    #[test]
    fn a_key_that_focuses_another_account_sends_its_effects_through_that_account() {
        let mut app = two_accounts();
        let alt_down = Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::ALT));
        let effects = update_owned(&mut app, alt_down, |_| true);
        assert_eq!(app.focused, HOME);
        // Home's family is read now: through home's session, not work's.
        assert!(effects.iter().any(|e| matches!(e, Effect::For(id, inner)
            if *id == HOME && matches!(inner.as_ref(), Effect::MarkRead { .. }))));
        assert!(
            effects
                .iter()
                .all(|e| matches!(e, Effect::For(id, _) if *id == HOME))
        );
    }

    #[test]
    fn a_parked_accounts_bell_and_notification_reach_the_terminal_and_links_keep_their_account() {
        let notify = Effect::Notify {
            title: "home · dad".into(),
            body: "psst".into(),
        };
        let tagged = Effect::For(HOME, Box::new(notify.clone()));
        assert_eq!(for_the_terminal(tagged), (Some(HOME), notify));
        let bell = Effect::For(HOME, Box::new(Effect::For(HOME, Box::new(Effect::Bell))));
        assert_eq!(for_the_terminal(bell), (Some(HOME), Effect::Bell));
        // A file link is tagged with its account, and unwrapped with it for the loop.
        let copy = Effect::CopyFileUrl { path: "p".into() };
        let owned = own(copy.clone(), HOME);
        assert_eq!(owned, Effect::For(HOME, Box::new(copy.clone())));
        assert_eq!(for_the_terminal(owned), (Some(HOME), copy));
        // Anything else stays tagged, for the executor.
        let mark = Effect::For(
            HOME,
            Box::new(Effect::MarkRead {
                key: crate::model::ConvKey::Group(1),
                mid: 5,
            }),
        );
        assert_eq!(for_the_terminal(mark.clone()), (None, mark));
    }

    fn keys(app: &mut App, keys: &[(KeyCode, KeyModifiers)]) -> Vec<Effect> {
        keys.iter()
            .flat_map(|(code, mods)| {
                update_owned(app, Msg::Key(KeyEvent::new(*code, *mods)), |_| true)
            })
            .collect()
    }

    fn typed(app: &mut App, text: &str) -> Vec<Effect> {
        let keys_of: Vec<(KeyCode, KeyModifiers)> = text
            .chars()
            .map(|c| (KeyCode::Char(c), KeyModifiers::NONE))
            .collect();
        keys(app, &keys_of)
    }

    #[test]
    fn a_reply_in_another_account_goes_out_through_it_and_no_other() {
        let mut app = two_accounts();
        // Into home (Alt+Down), select its message, reply.
        keys(&mut app, &[(KeyCode::Down, KeyModifiers::ALT)]);
        assert_eq!(app.focused, HOME);
        keys(
            &mut app,
            &[
                (KeyCode::Char('s'), KeyModifiers::ALT),
                (KeyCode::Char('r'), KeyModifiers::NONE),
            ],
        );
        typed(&mut app, "on my way");
        let effects = keys(&mut app, &[(KeyCode::Enter, KeyModifiers::NONE)]);
        let sends: Vec<&Effect> = effects
            .iter()
            .filter(|e| matches!(e, Effect::For(_, inner) if matches!(inner.as_ref(), Effect::Send { .. })))
            .collect();
        assert_eq!(sends.len(), 1, "{effects:?}");
        assert!(matches!(sends[0], Effect::For(id, inner)
            if *id == HOME && matches!(inner.as_ref(), Effect::Send { reply_to: Some(5), .. })));
        // Back in work, a plain message goes out through work.
        keys(&mut app, &[(KeyCode::Up, KeyModifiers::ALT)]);
        assert_eq!(app.focused, AccountId(1));
        typed(&mut app, "hello work");
        let effects = keys(&mut app, &[(KeyCode::Enter, KeyModifiers::NONE)]);
        assert!(effects.iter().any(|e| matches!(e, Effect::For(id, inner)
            if *id == AccountId(1) && matches!(inner.as_ref(), Effect::Send { reply_to: None, .. }))));
        assert!(
            !effects
                .iter()
                .any(|e| matches!(e, Effect::For(id, _) if *id == HOME))
        );
    }

    #[test]
    fn before_a_login_the_effects_go_untagged() {
        let mut app = two_accounts();
        let alt_down = Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::ALT));
        let effects = update_owned(&mut app, alt_down, |_| false);
        assert!(!effects.is_empty());
        assert!(!effects.iter().any(|e| matches!(e, Effect::For(..))));
    }
}
