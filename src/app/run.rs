//! The event loop: one channel fed by the terminal, the sync supervisor and background tasks;
//! drain everything pending, update, then draw once if anything changed, inside a synchronized
//! update so slow links never show half a frame. No frame timer: idle costs nothing.

use super::executor::Executor;
use super::{App, Msg, update};
use crate::api::ApiClient;
use crate::sync::{self, Cursor, SyncConfig};
use crate::terminal::TerminalGuard;
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

/// Runs the UI until the user quits. The terminal is restored on every exit path.
pub async fn run(
    api: ApiClient,
    me: i64,
    server_label: String,
    sync_config: SyncConfig,
) -> anyhow::Result<()> {
    let mut guard = TerminalGuard::enter()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let sync = sync::spawn(api.clone(), Cursor::default(), sync_config, tx.clone());
    let executor = Executor::new(api, tx.clone(), Some(sync));
    let input = tokio::spawn(read_terminal(tx.clone()));
    let mut app = App::new(me, server_label);
    app.now_ms = crate::api::now_ms();
    guard.draw(&app)?;
    while let Some(first) = rx.recv().await {
        app.now_ms = crate::api::now_ms();
        let mut effects = update(&mut app, first);
        let mut dirty = app.dirty;
        while let Ok(msg) = rx.try_recv() {
            effects.extend(update(&mut app, msg));
            dirty |= app.dirty;
        }
        for effect in effects {
            executor.run(effect);
        }
        if app.quit {
            break;
        }
        if dirty {
            guard.draw(&app)?;
        }
    }
    input.abort();
    Ok(())
}

async fn read_terminal(tx: mpsc::UnboundedSender<Msg>) {
    let mut events = EventStream::new();
    while let Some(event) = events.next().await {
        let msg = match event {
            Ok(Event::Key(k)) => Msg::Key(k),
            Ok(Event::Paste(p)) => Msg::Paste(p),
            Ok(Event::Resize(..)) => Msg::Resize,
            Ok(_) => continue,
            Err(e) => {
                tracing::error!("terminal input failed: {e}");
                break;
            }
        };
        if tx.send(msg).is_err() {
            break;
        }
    }
}
