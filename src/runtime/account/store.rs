//! An account's local store and its lifecycle: opened and read when the account opens,
//! ready, broken (the client goes on without it and offers a rebuild), or being rebuilt. It is
//! handed what the loop folds (stream events, history pages, acknowledgements), the open
//! conversation and drafts, and is flushed on the way out.

use super::{AccountEvent, AccountSession, Msg};
use crate::runtime::store::task::{Job, StoreHandle};
use crate::runtime::sync::Cursor;
use tokio::sync::mpsc::UnboundedSender;

/// Where an account's store is in its life.
pub enum StoreState {
    /// None was asked for (the headless commands that need none).
    Absent,
    Ready(StoreHandle),
    /// Unusable: kept to be rebuilt on request.
    Broken(BrokenStore),
    /// Moved aside; a fresh one is being opened.
    Rebuilding,
}

impl AccountSession {
    /// The store, when it is ready.
    pub(super) fn local(&self) -> Option<&StoreHandle> {
        match &self.store {
            StoreState::Ready(handle) => Some(handle),
            _ => None,
        }
    }

    /// A fresh store in place of the broken one, then a fresh start of the stream into it.
    /// Moving the file and opening a new one is disk work: it runs off the UI task, and
    /// [`AccountEvent::StoreRebuilt`] brings the new store in.
    pub fn rebuild_store(&mut self) {
        if !matches!(self.store, StoreState::Broken(_)) {
            return;
        }
        let StoreState::Broken(broken) = std::mem::replace(&mut self.store, StoreState::Rebuilding)
        else {
            return;
        };
        let (tx, events, account) = (self.ctx.tx.clone(), self.ctx.events.clone(), self.id);
        tokio::task::spawn_blocking(move || {
            let result = rebuild(&broken, tx.clone());
            let notice = match &result {
                Ok(_) => "rebuilding the local store from the server".to_string(),
                Err(e) => format!("the store was not rebuilt: {e}"),
            };
            let _ = events.send(AccountEvent::StoreRebuilt {
                account,
                result: result.map_err(|_| broken),
            });
            let _ = tx.send(Msg::Notice(notice));
        });
    }

    /// Takes over a rebuilt store and starts the stream into it afresh; a failed rebuild
    /// leaves the store broken (it may be tried again).
    pub fn store_rebuilt(&mut self, result: Result<StoreHandle, BrokenStore>) {
        match result {
            Ok(handle) => {
                self.store = StoreState::Ready(handle);
                self.cursor = Cursor::default();
                self.saved_view = None;
                self.sync = None;
                self.start_sync();
            }
            Err(broken) => self.store = StoreState::Broken(broken),
        }
    }

    /// This account's cache of played voice messages (none without a data directory).
    pub(super) fn voice_dir(&self) -> Option<std::path::PathBuf> {
        let dir = self.ctx.data_dir.as_deref()?;
        Some(crate::runtime::tasks::voice_cache::account_dir(
            dir,
            self.api.base_url().as_str(),
            self.uid,
        ))
    }

    /// Hands the store what the loop is about to fold: stream events and history pages.
    pub fn observe(&mut self, msg: &Msg) {
        let Some(store) = self.local() else { return };
        match msg {
            Msg::Sync(crate::app::conn::SyncMsg::Event(ev)) => {
                store.send(Job::Event(ev.clone()));
                // A clear takes the played voice messages it covers from the cache too.
                crate::runtime::tasks::voice_cache::on_event(self.voice_dir(), ev);
            }
            Msg::Sync(crate::app::conn::SyncMsg::State(crate::app::conn::ConnState::Syncing)) => {
                store.send(Job::ReplayStarts);
            }
            Msg::History {
                key,
                limit,
                result: Ok(page),
                ..
            } => store.send(Job::History {
                key: *key,
                page: page.clone(),
                complete: page.len() < *limit as usize,
            }),
            Msg::Sent {
                local_id,
                result: Ok(_),
                ..
            } => store.send(Job::Unqueue(*local_id)),
            Msg::Uploaded { local_id, .. } => store.send(Job::UploadEnded(*local_id)),
            // Refused for good (403, 413…): kept, shown failed after a restart, never resent
            // by itself (only the retry key sends it again).
            Msg::Sent {
                local_id,
                result: Err(e),
                ..
            } if !e.is_transient() => store.send(Job::Failed(*local_id, e.to_string())),
            Msg::Changed { id, result: Ok(()) } => store.send(Job::Unqueue(*id)),
            Msg::Changed { id, result: Err(e) } if !e.is_transient() => {
                store.send(Job::Failed(*id, e.to_string()));
            }
            Msg::Latest(pages) => {
                for (key, page) in pages {
                    store.send(Job::History {
                        key: *key,
                        page: page.clone(),
                        complete: false,
                    });
                }
            }
            _ => {}
        }
    }

    /// Quitting: stops the stream (at most 1 s: it records when it was last open) and waits
    /// (at most 2 s) until the store has everything handed to it.
    pub async fn shutdown(&mut self) {
        if let Some(sync) = &mut self.sync {
            sync.shutdown(std::time::Duration::from_secs(1)).await;
        }
        if let Some(store) = self.local() {
            store.flush(std::time::Duration::from_secs(2)).await;
        }
    }

    /// Saves the open conversation and the drafts when they changed since the last save.
    pub fn save_view(
        &mut self,
        open: Option<crate::model::ConvKey>,
        composer: &crate::app::Composer,
    ) {
        let view = (open, composer.text(), composer.target);
        if self.local().is_none() || self.saved_view.as_ref() == Some(&view) {
            return;
        }
        self.saved_view = Some(view);
        let Some(store) = self.local() else { return };
        store.send(Job::View {
            open,
            drafts: composer.drafts(open),
            target: composer.target,
        });
    }
}

/// An account's store, opened and read.
pub struct LocalStore {
    pub handle: StoreHandle,
    pub cursor: Cursor,
    pub restored: crate::app::Restored,
}

/// A store that could not be used, kept so it can be rebuilt from the server on request.
#[derive(Debug, Clone)]
pub struct BrokenStore {
    path: std::path::PathBuf,
    uid: i64,
    server_id: String,
    /// Why, for the user.
    pub reason: String,
}

/// Opens and loads the store of `uid` on `server` under `dir` (blocking: call it before the
/// loop starts or off the UI task). A store that cannot be used comes back as a
/// [`BrokenStore`]: the caller tells the user (`Msg::StoreUnusable`, which offers a rebuild)
/// once the app can show it, and the client goes on without it.
pub fn local_store(
    dir: &std::path::Path,
    server: &str,
    uid: i64,
    server_id: &str,
    tx: UnboundedSender<Msg>,
) -> Result<LocalStore, BrokenStore> {
    use crate::runtime::store::{Store, store_path, task};
    let path = store_path(dir, server, uid);
    let opened = Store::open(&path, uid).and_then(|mut s| {
        if s.check_server(server_id)? {
            tracing::info!("the server's id changed: the local store was emptied");
        }
        // Burn-after-reading messages that expired while the client was stopped go first.
        s.purge_expired(crate::clock::now_ms())?;
        let loaded = s.load()?;
        // Played voice messages of cleared history, and unfinished downloads, leave the cache.
        crate::runtime::tasks::voice_cache::sweep(
            &crate::runtime::tasks::voice_cache::account_dir(dir, server, uid),
            &loaded.chat.cleared,
        );
        crate::runtime::tasks::voice_cache::drop_unowned(dir);
        s.compact_users(&loaded.chat)?;
        let uploads = s.interrupted_uploads()?;
        Ok((s, loaded, uploads))
    });
    match opened {
        Ok((store, loaded, uploads)) => Ok(LocalStore {
            handle: task::spawn(store, tx),
            cursor: loaded.cursor,
            restored: crate::app::Restored {
                chat: loaded.chat,
                open: loaded.open,
                target: loaded.target,
                drafts: loaded.drafts,
                outbox: loaded.outbox,
                uploads,
            },
        }),
        Err(e) => {
            tracing::warn!("{e}");
            Err(BrokenStore {
                path,
                uid,
                server_id: server_id.to_string(),
                reason: e.to_string(),
            })
        }
    }
}

/// Moves a broken store aside (`<file>.broken-<ms>`, with its -wal and -shm) and opens a
/// fresh one in its place.
fn rebuild(broken: &BrokenStore, tx: UnboundedSender<Msg>) -> Result<StoreHandle, String> {
    use crate::runtime::store::{Store, task};
    let stamp = crate::clock::now_ms();
    for suffix in ["", "-wal", "-shm"] {
        let from = std::path::PathBuf::from(format!("{}{suffix}", broken.path.display()));
        if from.exists() {
            let to = format!("{}.broken-{stamp}{suffix}", broken.path.display());
            std::fs::rename(&from, &to)
                .map_err(|e| format!("could not move {}: {e}", from.display()))?;
        }
    }
    let mut store = Store::open(&broken.path, broken.uid).map_err(|e| e.to_string())?;
    store
        .check_server(&broken.server_id)
        .map_err(|e| e.to_string())?;
    Ok(task::spawn(store, tx))
}
