//! Carries out effects that need the network, the file system or other processes, each as a
//! task that reports back with a `Msg`; the UI task never awaits any of them. State the tasks
//! need to hand back travels in messages, not shared locks: a login passes its API client
//! through a one-shot channel, read markers go to a debouncing task, and upload handles are
//! owned here.

mod background;
pub(crate) mod cold;
mod devices;
mod local;
mod login;
mod meeting;
mod preview;
mod read_marks;
mod saved;
mod search;
mod send;

pub use local::{BrokenStore, LocalStore, local_store};

use background::{notify_desktop, stage_files};
pub use login::{persist_sessions, run_password_command};
pub use send::send_once;

use crate::app::{Effect, Failure, Msg};
use crate::model::ConvKey;
use crate::protocol::types::NewGroup;
use crate::runtime::api::{ApiClient, ApiError, MuteChange};
use crate::runtime::session_store::SessionStore;
use crate::runtime::store::task::{Job, StoreHandle};
use crate::runtime::sync::{self, Cursor, SyncConfig, SyncHandle};
use crate::runtime::tasks::{download, upload};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

/// At most this often a task reports progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

pub struct Executor {
    api: Option<ApiClient>,
    /// A login in flight hands its client (and the account's store) back here before its
    /// `Msg::LoggedIn` is sent.
    logging_in: Option<oneshot::Receiver<LoginDone>>,
    /// The account's local store, once open; where the stream resumes from.
    local: Option<StoreHandle>,
    cursor: Cursor,
    /// Where stores are kept (none in demo mode).
    store_dir: Option<std::path::PathBuf>,
    /// The open conversation, its draft and its reply/edit state last handed to the store.
    saved_view: Option<(Option<ConvKey>, String, crate::app::ComposeTarget)>,
    /// A store that could not be used (rebuilt on request), and a rebuild under way.
    broken: Option<BrokenStore>,
    rebuilding: Option<oneshot::Receiver<Result<StoreHandle, BrokenStore>>>,
    tx: UnboundedSender<Msg>,
    sync: Option<SyncHandle>,
    sync_config: SyncConfig,
    store: Option<Arc<SessionStore>>,
    device: String,
    read_marks: Option<UnboundedSender<read_marks::Mark>>,
    pub vocespace: crate::protocol::vocespace::Settings,
    pub chunk_size: usize,
    /// Running uploads by the app's task id, to cancel them (finished ones are pruned).
    uploads: HashMap<crate::app::TaskId, tokio::task::AbortHandle>,
    /// Whether the server has favorites (see `saved.rs`).
    saved_place: Arc<std::sync::atomic::AtomicU8>,
}

impl Executor {
    pub fn new(
        api: Option<ApiClient>,
        tx: UnboundedSender<Msg>,
        sync_config: SyncConfig,
        store: Option<SessionStore>,
        device: String,
    ) -> Executor {
        Executor {
            api,
            logging_in: None,
            local: None,
            cursor: Cursor::default(),
            store_dir: None,
            saved_view: None,
            broken: None,
            rebuilding: None,
            tx,
            sync: None,
            sync_config,
            store: store.map(Arc::new),
            device,
            read_marks: None,
            vocespace: crate::protocol::vocespace::Settings::default(),
            chunk_size: upload::DEFAULT_CHUNK,
            uploads: HashMap::new(),
            saved_place: Arc::default(),
        }
    }

    /// The API client, once logged in (taking it from a finished login first).
    fn api(&mut self) -> Option<ApiClient> {
        if let Some(rx) = &mut self.logging_in
            && let Ok(done) = rx.try_recv()
        {
            self.api = Some(done.api);
            match done.store {
                Some(Ok((store, cursor))) => {
                    self.local = Some(store);
                    self.cursor = cursor;
                }
                Some(Err(broken)) => {
                    // Never the previous account's store for this one.
                    self.local = None;
                    self.cursor = Cursor::default();
                    self.broken = Some(broken);
                }
                None => {}
            }
            self.logging_in = None;
        }
        self.api.clone()
    }

    /// The download URL of an uploaded file, if logged in.
    pub fn file_url(&mut self, path: &str) -> Option<String> {
        self.api().map(|a| a.file_url(path, false).to_string())
    }

    pub fn start_sync(&mut self) {
        let Some(api) = self.api() else { return };
        if self.cursor.after_mid.is_some() {
            self.sync = Some(sync::spawn(
                api,
                self.cursor,
                self.sync_config.clone(),
                self.tx.clone(),
            ));
            return;
        }
        // Nothing stored: learn the newest messages first, then a bounded replay.
        let tx = self.tx.clone();
        let probe = api.clone();
        let cursor = async move {
            let me = probe.session().await.map(|s| s.uid);
            cold::bounded_cursor(&probe, me, &tx).await
        };
        self.sync = Some(sync::spawn_after(
            api,
            cursor,
            self.sync_config.clone(),
            self.tx.clone(),
        ));
    }

    pub fn run(&mut self, effect: Effect) {
        tracing::trace!(effect = %loggable(&effect), "running");
        let tx = self.tx.clone();
        match effect {
            Effect::Login {
                server,
                email,
                password,
                password_command,
            } => return self.login(server, email, password.into_inner(), password_command),
            Effect::StartSync => return self.start_sync(),
            Effect::RebuildStore => return self.rebuild_store(),
            Effect::ReconnectNow => {
                if let Some(s) = &self.sync {
                    s.reconnect_now();
                }
                return;
            }
            Effect::CancelUpload { task, local_id } => {
                if let Some(handle) = self.uploads.remove(&task) {
                    handle.abort();
                }
                if let Some(local) = &self.local {
                    local.send(Job::UploadEnded(local_id));
                }
                return;
            }
            Effect::Notify { title, body } => return notify_desktop(title, body),
            Effect::Forget(id) => {
                if let Some(local) = &self.local {
                    local.send(Job::Unqueue(id));
                }
                return;
            }
            Effect::Search { seq, query } => return self.search(seq, query),
            Effect::OpenUrl(url) => {
                tokio::spawn(async move {
                    let result = crate::runtime::tasks::open_externally(&url)
                        .await
                        .map_err(Failure::Local);
                    let _ = tx.send(Msg::Done {
                        task: None,
                        what: "open".into(),
                        result,
                    });
                });
                return;
            }
            _ => {}
        }
        let Some(api) = self.api() else {
            let _ = tx.send(Msg::Done {
                task: None,
                what: "request".into(),
                result: Err(ApiError::NoSession.into()),
            });
            return;
        };
        match effect {
            Effect::Send {
                key,
                local_id,
                content,
                properties,
                reply_to,
                retry,
            } => {
                // Written to the outbox first: a crash or a restart cannot lose it.
                let written = self.local.as_ref().map(|local| {
                    let (done, written) = oneshot::channel();
                    local.send(Job::Queue {
                        key,
                        out: crate::runtime::store::Outgoing {
                            local_id,
                            content_type: content.content_type().to_string(),
                            body: content.body(),
                            reply_to,
                            created_at: crate::clock::now_ms(),
                            failed: None,
                        },
                        written: done,
                    });
                    written
                });
                tokio::spawn(async move {
                    if let Some(written) = written {
                        let _ = written.await;
                    }
                    let result =
                        send_once(&api, key, local_id, &content, &properties, reply_to, retry)
                            .await;
                    let _ = tx.send(Msg::Sent {
                        key,
                        local_id,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::LoadHistory { key, before, limit } => {
                let local = self.local.clone();
                tokio::spawn(async move {
                    // Older pages come from the store when it has a whole one.
                    if let Some(local) = local {
                        let page = local.read(key, before, limit as usize).await;
                        if page.len() >= limit as usize {
                            let _ = tx.send(Msg::History {
                                key,
                                before,
                                limit,
                                result: Ok(page),
                            });
                            return;
                        }
                    }
                    let result = api.history(key.target(), before, limit).await;
                    let _ = tx.send(Msg::History {
                        key,
                        before,
                        limit,
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::StoreOlder { key, before, limit } => {
                self.store_older(api, key, before, limit);
            }
            Effect::MarkRead { key, mid } => {
                let marks = self.read_marks.get_or_insert_with(read_marks::spawn);
                let _ = marks.send(read_marks::Mark { api, key, mid });
            }
            Effect::Change(change) => self.send_change(api, change),
            Effect::LoadSaved => self.load_saved(api),
            Effect::ListDevices => self.list_devices(api),
            Effect::LogoutDevice(device) => self.logout_device(api, device),
            Effect::SaveMessage { mid, key } => self.save_message(api, mid, key),
            Effect::Unsave { id, mid } => self.unsave(api, id, mid),
            Effect::Mute { key, seconds } => done(tx, "mute", async move {
                let mut c = MuteChange::default();
                match key {
                    ConvKey::User(uid) => c.add_users.push((uid, seconds)),
                    ConvKey::Group(gid) => c.add_groups.push((gid, seconds)),
                }
                api.mute(&c).await
            }),
            Effect::Unmute { key } => done(tx, "unmute", async move {
                let mut c = MuteChange::default();
                match key {
                    ConvKey::User(uid) => c.remove_users.push(uid),
                    ConvKey::Group(gid) => c.remove_groups.push(gid),
                }
                api.mute(&c).await
            }),
            Effect::Burn { key, seconds } => done(tx, "burn after reading", async move {
                api.burn_after_reading(key.target(), seconds).await
            }),
            Effect::Leave { gid } => done(tx, "leave", async move { api.leave_group(gid).await }),
            Effect::CreateGroup {
                name,
                members,
                public,
            } => done(tx, "create", async move {
                api.create_group(&NewGroup {
                    name,
                    description: None,
                    members,
                    is_public: public,
                })
                .await
                .map(drop)
            }),
            Effect::Invite { gid, uids } => {
                done(
                    tx,
                    "invite",
                    async move { api.add_members(gid, &uids).await },
                );
            }
            Effect::CallLink {
                task,
                target,
                options,
                username,
                avatar_uid,
            } => {
                let settings = self.vocespace.clone();
                tokio::spawn(async move {
                    let result =
                        meeting::call_link(&api, &settings, target, &options, username, avatar_uid)
                            .await;
                    let _ = tx.send(Msg::CallLink { task, result });
                });
            }
            Effect::PostInvite {
                task,
                key,
                local_id,
            } => {
                let settings = self.vocespace.clone();
                tokio::spawn(async move {
                    let result = meeting::post_invite(&api, &settings, key, local_id).await;
                    let _ = tx.send(Msg::Done {
                        task: Some(task),
                        what: "meeting invite".into(),
                        result: result.map_err(Failure::from),
                    });
                });
            }
            Effect::StageFiles { paths, paste } => stage_files(tx, paths, paste),
            Effect::CompletePath { prefix } => {
                tokio::spawn(async move {
                    let p = prefix.clone();
                    let candidates = tokio::task::spawn_blocking(move || upload::complete_path(&p))
                        .await
                        .unwrap_or_default();
                    let _ = tx.send(Msg::PathCompleted { prefix, candidates });
                });
            }
            Effect::Upload {
                task: task_id,
                key,
                local_id,
                file,
            } => {
                if let Some(local) = &self.local {
                    local.send(Job::UploadStarted(
                        local_id,
                        key,
                        file.path.display().to_string(),
                    ));
                }
                let job = upload::UploadJob {
                    to: key.target(),
                    file,
                    local_id,
                    chunk_size: self.chunk_size,
                    adaptive: true,
                };
                let task = tokio::spawn(async move {
                    let mut last: Option<Instant> = None;
                    let progress_tx = tx.clone();
                    let result = upload::run(&api, &job, move |sent, total| {
                        // At most ten reports a second, and always the last one.
                        if last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) || sent == total {
                            last = Some(Instant::now());
                            let _ = progress_tx.send(Msg::UploadProgress {
                                key,
                                local_id,
                                sent,
                                total,
                            });
                        }
                    })
                    .await;
                    let _ = tx.send(Msg::Uploaded {
                        key,
                        local_id,
                        result,
                    });
                });
                self.uploads.retain(|_, h| !h.is_finished());
                self.uploads.insert(task_id, task.abort_handle());
            }
            Effect::Download {
                task,
                path,
                name,
                open,
            } => {
                let url = api.file_url(&path, false).to_string();
                let http = api.http().clone();
                tokio::spawn(async move {
                    let progress_tx = tx.clone();
                    let mut last: Option<Instant> = None;
                    let result = download::run(
                        &http,
                        &url,
                        &name,
                        &download::download_dir(),
                        open,
                        move |done, total| {
                            if last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
                                last = Some(Instant::now());
                                let _ = progress_tx.send(Msg::Progress { task, done, total });
                            }
                        },
                    )
                    .await;
                    let _ = tx.send(Msg::Downloaded {
                        task,
                        name,
                        result: result.map_err(Failure::Local),
                    });
                });
            }
            Effect::Preview { task, path, name } => {
                let url = api.file_url(&path, true).to_string();
                let http = api.http().clone();
                tokio::spawn(async move {
                    let result =
                        preview::preview(&http, &url)
                            .await
                            .map(|image| crate::app::Preview {
                                name,
                                image: Arc::new(image),
                            });
                    let _ = tx.send(Msg::Preview { task, result });
                });
            }
            Effect::Logout { forget } => {
                if forget {
                    // No more events may reach the store once it is emptied.
                    self.sync = None;
                }
                let local = self.local.clone().filter(|_| forget);
                tokio::spawn(async move {
                    if let Some(local) = local {
                        let (done, wiped) = oneshot::channel();
                        local.send(Job::Wipe(done));
                        let _ = wiped.await;
                    }
                    if let Err(e) = api.logout().await {
                        tracing::warn!("logout: {e}");
                    }
                    let _ = tx.send(Msg::LoggedOut);
                });
            }
            // Handled by the loop or above.
            Effect::Login { .. }
            | Effect::StartSync
            | Effect::ReconnectNow
            | Effect::CancelUpload { .. }
            | Effect::Forget(_)
            | Effect::Search { .. }
            | Effect::RebuildStore
            | Effect::Notify { .. }
            | Effect::OpenUrl(_)
            | Effect::CopyText(_)
            | Effect::CopyFileUrl { .. }
            | Effect::OpenEditor(_)
            | Effect::Bell => {}
        }
    }

    fn login(&mut self, server: String, email: String, password: String, from_command: bool) {
        let (api_tx, api_rx) = oneshot::channel();
        self.logging_in = Some(api_rx);
        let device = self.device.clone();
        let store = self.store.clone();
        let store_dir = self.store_dir.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let result = login::login(&server, &email, password, from_command, &device).await;
            match result {
                Ok((api, done)) => {
                    if let Some(store) = store {
                        persist_sessions(&api, store, done.server.clone(), done.email.clone());
                    }
                    let server_id = api.session().await.map(|s| s.server_id).unwrap_or_default();
                    let local = match store_dir {
                        Some(dir) => {
                            let (server, uid, tx) = (done.server.clone(), done.uid, tx.clone());
                            tokio::task::spawn_blocking(move || {
                                local_store(&dir, &server, uid, &server_id, tx)
                            })
                            .await
                            .ok()
                        }
                        None => None,
                    };
                    let restored = local
                        .as_ref()
                        .and_then(|l| l.as_ref().ok())
                        .map(|l| l.restored.clone());
                    let broken = local
                        .as_ref()
                        .and_then(|l| l.as_ref().err())
                        .map(|b| b.reason.clone());
                    // The client first, so the effects the login message causes find it.
                    let _ = api_tx.send(LoginDone {
                        api,
                        store: local.map(|l| l.map(|l| (l.handle, l.cursor))),
                    });
                    let _ = tx.send(Msg::LoggedIn(Ok(Box::new(done))));
                    if let Some(restored) = restored {
                        let _ = tx.send(Msg::Restored(Box::new(restored)));
                    }
                    // After the login form is gone, so the offer to rebuild can be shown.
                    if let Some(why) = broken {
                        let _ = tx.send(Msg::StoreUnusable(why));
                    }
                }
                Err(e) => {
                    let _ = tx.send(Msg::LoggedIn(Err(e)));
                }
            }
        });
    }
}

/// What a finished login hands back to the executor.
struct LoginDone {
    api: ApiClient,
    store: Option<Result<(StoreHandle, Cursor), BrokenStore>>,
}

fn done<F>(tx: UnboundedSender<Msg>, what: &'static str, fut: F)
where
    F: std::future::Future<Output = Result<(), ApiError>> + Send + 'static,
{
    tokio::spawn(async move {
        let result = fut.await.map_err(Failure::from);
        let _ = tx.send(Msg::Done {
            task: None,
            what: what.to_string(),
            result,
        });
    });
}

/// An effect as the log may show it: `Debug` redacts passwords; links to open or copy can
/// carry a signed token (a meeting link), so they are left out.
fn loggable(effect: &Effect) -> String {
    match effect {
        Effect::OpenUrl(_) => "OpenUrl(<redacted>)".into(),
        Effect::CopyText(_) => "CopyText(<redacted>)".into(),
        other => format!("{other:?}"),
    }
}
