//! Carries out network effects as tasks. Each task owns its I/O and reports back with a `Msg`;
//! the UI task never awaits the network. Read markers are debounced into one request; the
//! session is saved (mode 0600) by a task whenever it changes (login, every renewal).

use crate::app::{Effect, LoggedIn, Msg};
use crate::model::ConvKey;
use crate::protocol::types::{GroupReadIndex, NewGroup, UserReadIndex};
use crate::runtime::api::{ApiClient, ApiError, MuteChange};
use crate::runtime::session_store::{SavedLogin, SessionStore};
use crate::runtime::sync::{self, Cursor, SyncConfig, SyncHandle};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

const READ_DEBOUNCE: Duration = Duration::from_millis(400);

pub struct Executor {
    api: Arc<Mutex<Option<ApiClient>>>,
    tx: UnboundedSender<Msg>,
    sync: Option<SyncHandle>,
    sync_config: SyncConfig,
    store: Option<Arc<SessionStore>>,
    device: String,
    read_marks: Arc<Mutex<HashMap<ConvKey, i64>>>,
    pub vocespace: crate::protocol::vocespace::Settings,
    pub chunk_size: usize,
    /// Running uploads by local id, to cancel them.
    uploads: Arc<Mutex<HashMap<i64, tokio::task::AbortHandle>>>,
}

const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl Executor {
    pub fn new(
        api: Option<ApiClient>,
        tx: UnboundedSender<Msg>,
        sync_config: SyncConfig,
        store: Option<SessionStore>,
        device: String,
    ) -> Executor {
        Executor {
            api: Arc::new(Mutex::new(api)),
            tx,
            sync: None,
            sync_config,
            store: store.map(Arc::new),
            device,
            read_marks: Arc::new(Mutex::new(HashMap::new())),
            vocespace: crate::protocol::vocespace::Settings::default(),
            chunk_size: crate::runtime::tasks::upload::DEFAULT_CHUNK,
            uploads: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn api(&self) -> Option<ApiClient> {
        self.api.lock().expect("api slot").clone()
    }

    /// The download URL of an uploaded file, if logged in.
    pub fn file_url(&self, path: &str) -> Option<String> {
        self.api().map(|a| a.file_url(path, false).to_string())
    }

    pub fn start_sync(&mut self) {
        let Some(api) = self.api() else { return };
        self.sync = Some(sync::spawn(
            api,
            Cursor::default(),
            self.sync_config.clone(),
            self.tx.clone(),
        ));
    }

    pub fn run(&mut self, effect: Effect) {
        tracing::trace!(effect = %loggable(&effect), "running");
        let tx = self.tx.clone();
        if let Effect::Login {
            server,
            email,
            password,
            password_command,
        } = effect
        {
            let slot = self.api.clone();
            let device = self.device.clone();
            let store = self.store.clone();
            tokio::spawn(async move {
                let result = login(
                    &server,
                    &email,
                    password.into_inner(),
                    password_command,
                    &device,
                )
                .await;
                let msg = match result {
                    Ok((api, done)) => {
                        if let Some(store) = store {
                            persist_sessions(&api, store, done.server.clone(), done.email.clone());
                        }
                        *slot.lock().expect("api slot") = Some(api);
                        Msg::LoggedIn(Ok(Box::new(done)))
                    }
                    Err(e) => Msg::LoggedIn(Err(e)),
                };
                let _ = tx.send(msg);
            });
            return;
        }
        match effect {
            Effect::StartSync => return self.start_sync(),
            Effect::ReconnectNow => {
                if let Some(s) = &self.sync {
                    s.reconnect_now();
                }
                return;
            }
            _ => {}
        }
        let Some(api) = self.api() else {
            let _ = tx.send(Msg::Done {
                what: "request".into(),
                result: Err("not logged in".into()),
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
                tokio::spawn(async move {
                    let result =
                        send_once(&api, key, local_id, &content, &properties, reply_to, retry)
                            .await;
                    let _ = tx.send(Msg::Sent {
                        key,
                        local_id,
                        result: result.map_err(|e| e.to_string()),
                    });
                });
            }
            Effect::LoadHistory { key, before, limit } => {
                tokio::spawn(async move {
                    let result = api
                        .history(key.target(), before, limit)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::History {
                        key,
                        before,
                        limit,
                        result,
                    });
                });
            }
            Effect::MarkRead { key, mid } => self.mark_read(api, key, mid),
            Effect::Edit {
                mid,
                content,
                properties,
            } => done(tx, "edit", async move {
                api.edit(mid, &content, &properties).await.map(drop)
            }),
            Effect::Delete { mid } => done(tx, "delete", async move {
                api.delete_message(mid).await.map(drop)
            }),
            Effect::React { mid, emoji } => done(tx, "reaction", async move {
                api.like(mid, &emoji).await.map(drop)
            }),
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
                )
            }
            Effect::CallLink {
                target,
                username,
                avatar_uid,
            } => {
                let settings = self.vocespace.clone();
                tokio::spawn(async move {
                    let result = call_link(&api, &settings, target, username, avatar_uid).await;
                    let _ = tx.send(Msg::CallLink(result));
                });
            }
            Effect::PostInvite { key, local_id } => {
                let settings = self.vocespace.clone();
                done(tx, "meeting invite", async move {
                    let base = vocespace_base(&api, &settings).await;
                    let space = match key {
                        ConvKey::Group(gid) => {
                            crate::protocol::vocespace::space_for(Some(gid), None, &base)
                        }
                        ConvKey::User(uid) => {
                            crate::protocol::vocespace::space_for(None, Some(uid), &base)
                        }
                    };
                    let text = crate::protocol::vocespace::invite_text(&base, &space);
                    let props = crate::protocol::types::Properties::with_local_id(local_id);
                    api.send(
                        key.target(),
                        &crate::protocol::types::Content::Text(text),
                        &props,
                    )
                    .await
                    .map(drop)
                });
            }
            Effect::StageFiles { paths, paste } => {
                tokio::spawn(async move {
                    let checked = tokio::task::spawn_blocking(move || {
                        paths
                            .iter()
                            .map(|p| crate::runtime::tasks::upload::stage(p))
                            .collect::<Vec<_>>()
                    })
                    .await
                    .unwrap_or_default();
                    let (mut files, mut errors) = (Vec::new(), Vec::new());
                    for c in checked {
                        match c {
                            Ok(f) => files.push(f),
                            Err(e) => errors.push(e),
                        }
                    }
                    if paste.is_some() && files.is_empty() {
                        errors.clear(); // not a file after all: the paste becomes text
                    }
                    let _ = tx.send(Msg::Staged {
                        files,
                        errors,
                        paste,
                    });
                });
            }
            Effect::CompletePath { prefix } => {
                tokio::spawn(async move {
                    let p = prefix.clone();
                    let candidates = tokio::task::spawn_blocking(move || {
                        crate::runtime::tasks::upload::complete_path(&p)
                    })
                    .await
                    .unwrap_or_default();
                    let _ = tx.send(Msg::PathCompleted { prefix, candidates });
                });
            }
            Effect::Upload {
                key,
                local_id,
                file,
            } => {
                let job = crate::runtime::tasks::upload::UploadJob {
                    to: key.target(),
                    file,
                    local_id,
                    chunk_size: self.chunk_size,
                };
                let uploads = self.uploads.clone();
                let task = tokio::spawn(async move {
                    let mut last = std::time::Instant::now() - PROGRESS_EVERY;
                    let progress_tx = tx.clone();
                    let result =
                        crate::runtime::tasks::upload::run(&api, &job, move |sent, total| {
                            // At most ten reports a second, and always the last one.
                            if last.elapsed() >= PROGRESS_EVERY || sent == total {
                                last = std::time::Instant::now();
                                let _ = progress_tx.send(Msg::UploadProgress {
                                    key,
                                    local_id,
                                    sent,
                                    total,
                                });
                            }
                        })
                        .await;
                    uploads.lock().expect("uploads").remove(&local_id);
                    let _ = tx.send(Msg::Uploaded {
                        key,
                        local_id,
                        result,
                    });
                });
                self.uploads
                    .lock()
                    .expect("uploads")
                    .insert(local_id, task.abort_handle());
            }
            Effect::CancelUpload { local_id } => {
                if let Some(handle) = self.uploads.lock().expect("uploads").remove(&local_id) {
                    handle.abort();
                }
            }
            Effect::Download { path, name, open } => {
                let url = api.file_url(&path, false).to_string();
                let http = api.http().clone();
                tokio::spawn(async move {
                    let task = format!("↓{}", crate::sanitize::one_line(&name, 24));
                    let progress_tx = tx.clone();
                    let mut last = std::time::Instant::now() - PROGRESS_EVERY;
                    let result = crate::runtime::tasks::download::run(
                        &http,
                        &url,
                        &name,
                        &crate::runtime::tasks::download::download_dir(),
                        open,
                        move |got, total| {
                            if last.elapsed() >= PROGRESS_EVERY {
                                last = std::time::Instant::now();
                                let text = match total {
                                    Some(t) if t > 0 => format!("{}%", got * 100 / t),
                                    _ => crate::files::human_size(got),
                                };
                                let _ = progress_tx.send(Msg::Progress {
                                    task: task.clone(),
                                    text,
                                });
                            }
                        },
                    )
                    .await;
                    let _ = tx.send(Msg::Downloaded { name, result });
                });
            }
            Effect::Preview { path, name } => {
                let url = api.file_url(&path, true).to_string();
                let http = api.http().clone();
                tokio::spawn(async move {
                    let result = preview(&http, &url).await.map(|image| crate::app::Preview {
                        name,
                        image: Arc::new(image),
                    });
                    let _ = tx.send(Msg::Preview(result));
                });
            }
            Effect::Logout => {
                tokio::spawn(async move {
                    if let Err(e) = api.logout().await {
                        tracing::warn!("logout: {e}");
                    }
                    let _ = tx.send(Msg::LoggedOut);
                });
            }
            Effect::Notify { title, body } => {
                if crate::runtime::notify::desktop_is_local() {
                    tokio::spawn(async move {
                        let _ = tokio::process::Command::new("notify-send")
                            .arg("--app-name=vocechat-tui")
                            // Server text after `--`: a title like `--action=…` is no option.
                            .arg("--")
                            .arg(title)
                            .arg(body)
                            .stdout(std::process::Stdio::null())
                            .stderr(std::process::Stdio::null())
                            .status()
                            .await;
                    });
                }
            }
            Effect::OpenUrl(url) => {
                tokio::spawn(async move {
                    let result = crate::runtime::tasks::open_externally(&url).await;
                    let _ = tx.send(Msg::Done {
                        what: "open".into(),
                        result,
                    });
                });
            }
            // Handled by the loop or above.
            Effect::Login { .. }
            | Effect::StartSync
            | Effect::ReconnectNow
            | Effect::CopyText(_)
            | Effect::CopyFileUrl { .. }
            | Effect::OpenEditor(_)
            | Effect::Bell => {}
        }
    }

    fn mark_read(&self, api: ApiClient, key: ConvKey, mid: i64) {
        let first = {
            let mut marks = self.read_marks.lock().expect("read marks");
            let was_empty = marks.is_empty();
            let e = marks.entry(key).or_insert(mid);
            *e = (*e).max(mid);
            was_empty
        };
        if !first {
            return; // a flush is already scheduled
        }
        let marks = self.read_marks.clone();
        tokio::spawn(async move {
            tokio::time::sleep(READ_DEBOUNCE).await;
            let batch: Vec<(ConvKey, i64)> = marks.lock().expect("read marks").drain().collect();
            let users: Vec<UserReadIndex> = batch
                .iter()
                .filter_map(|(k, mid)| match k {
                    ConvKey::User(uid) => Some(UserReadIndex {
                        uid: *uid,
                        mid: *mid,
                    }),
                    _ => None,
                })
                .collect();
            let groups: Vec<GroupReadIndex> = batch
                .iter()
                .filter_map(|(k, mid)| match k {
                    ConvKey::Group(gid) => Some(GroupReadIndex {
                        gid: *gid,
                        mid: *mid,
                    }),
                    _ => None,
                })
                .collect();
            if let Err(e) = api.read_index(&users, &groups).await {
                tracing::warn!("read markers not saved: {e}");
            }
        });
    }
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

/// How far back a retry looks for its own earlier attempt.
const RETRY_LOOKBACK: u32 = 100;

/// Sends (or replies with) a message. A retry first looks for its `local_id` among your
/// recent messages in the conversation: when the first attempt reached the server but its
/// answer was lost, that message's mid is the answer and nothing is posted twice.
pub async fn send_once(
    api: &ApiClient,
    key: ConvKey,
    local_id: i64,
    content: &crate::protocol::types::Content,
    properties: &crate::protocol::types::Properties,
    reply_to: Option<i64>,
    retry: bool,
) -> Result<i64, ApiError> {
    if retry {
        let me = api.session().await.map(|s| s.uid);
        let recent = api.history(key.target(), None, RETRY_LOOKBACK).await?;
        let earlier = recent
            .iter()
            .rev()
            .find(|m| Some(m.from_uid) == me && m.local_id() == Some(local_id));
        if let Some(m) = earlier {
            tracing::info!(
                mid = m.mid,
                "retry found its earlier attempt; not sending again"
            );
            return Ok(m.mid);
        }
    }
    match reply_to {
        Some(mid) => api.reply(mid, content, properties).await,
        None => api.send(key.target(), content, properties).await,
    }
}

/// The largest thumbnail a preview fetches; the body is refused past it while streaming.
const PREVIEW_CAP: usize = 8 * 1024 * 1024;

/// Fetches a thumbnail and decodes it off the UI task. The server labels thumbnails with the
/// original's type even when it re-encoded them, so the format is sniffed from the bytes.
async fn preview(http: &reqwest::Client, url: &str) -> Result<image::DynamicImage, String> {
    use crate::runtime::tasks::download::{FetchError, STALL_TIMEOUT, fetch_capped};
    let bytes = fetch_capped(http, url, PREVIEW_CAP, STALL_TIMEOUT)
        .await
        .map_err(|e| match e {
            FetchError::Status(s) => format!("no thumbnail ({s})"),
            FetchError::TooLarge => "thumbnail too large".into(),
            other => other.to_string(),
        })?;
    tokio::task::spawn_blocking(move || {
        image::load_from_memory(&bytes).map_err(|e| format!("cannot decode the thumbnail: {e}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The VoceSpace base: the config's, else the server's deployment, else vocespace.com.
async fn vocespace_base(
    api: &ApiClient,
    settings: &crate::protocol::vocespace::Settings,
) -> String {
    if let Some(base) = crate::protocol::vocespace::normalize_base(&settings.base_url) {
        return base;
    }
    match api.vocespace_base().await {
        Ok(Some(base)) => base,
        Ok(None) => crate::protocol::vocespace::FALLBACK_BASE.to_string(),
        Err(e) => {
            tracing::info!("no VoceSpace settings from the server ({e}); using the public one");
            crate::protocol::vocespace::FALLBACK_BASE.to_string()
        }
    }
}

async fn call_link(
    api: &ApiClient,
    settings: &crate::protocol::vocespace::Settings,
    target: crate::app::CallTarget,
    username: String,
    avatar_uid: Option<i64>,
) -> Result<crate::protocol::vocespace::CallLink, String> {
    use crate::protocol::vocespace as vs;
    let session = api.session().await.ok_or("not logged in")?;
    let (base, space) = match target {
        crate::app::CallTarget::Space { base, space } => {
            let allowed = vocespace_base(api, settings).await;
            vs::check_invite_base(&base, &allowed)?;
            (base, space)
        }
        crate::app::CallTarget::Conversation(key) => {
            let base = vocespace_base(api, settings).await;
            let space = match key {
                ConvKey::Group(gid) => vs::space_for(Some(gid), None, &base),
                ConvKey::User(uid) => vs::space_for(None, Some(uid), &base),
            };
            (base, space)
        }
    };
    let avatar = avatar_uid.map(|uid| api.avatar_url(uid).to_string());
    let now = crate::clock::now_ms() / 1000;
    vs::make_link(
        settings,
        &base,
        &space,
        vs::participant_id(&session.server_id, session.uid),
        username,
        avatar,
        now,
    )
}

/// Saves every session change (login, each renewal's rotated refresh token) for
/// `server`/`email`, off the UI task; deletes the file on logout.
pub fn persist_sessions(api: &ApiClient, store: Arc<SessionStore>, server: String, email: String) {
    let mut rx = api.watch_session();
    tokio::spawn(async move {
        loop {
            let current = rx.borrow_and_update().clone();
            let store = store.clone();
            let (server, email) = (server.clone(), email.clone());
            let result = tokio::task::spawn_blocking(move || match current {
                Some(session) => store.save(&SavedLogin {
                    server,
                    email,
                    session,
                }),
                None => store.delete(&server),
            })
            .await;
            if let Ok(Err(e)) = result {
                tracing::warn!("could not save the session: {e}");
            }
            if rx.changed().await.is_err() {
                break;
            }
        }
    });
}

fn done<F>(tx: UnboundedSender<Msg>, what: &'static str, fut: F)
where
    F: std::future::Future<Output = Result<(), ApiError>> + Send + 'static,
{
    tokio::spawn(async move {
        let result = fut.await.map_err(|e| e.to_string());
        let _ = tx.send(Msg::Done {
            what: what.to_string(),
            result,
        });
    });
}

/// Checks the server, gets the password (typed or from the command) and logs in.
async fn login(
    server: &str,
    email: &str,
    password: String,
    from_command: bool,
    device: &str,
) -> Result<(ApiClient, LoggedIn), String> {
    let api = ApiClient::new(server).map_err(|e| e.to_string())?;
    api.version().await.map_err(|e| e.to_string())?;
    let password = if from_command {
        run_password_command(&password).await?
    } else {
        password
    };
    let session = api
        .login(email, &password, device)
        .await
        .map_err(|e| e.to_string())?;
    let user = api.me().await.ok();
    let server = api.base_url().to_string();
    Ok((
        api,
        LoggedIn {
            uid: session.uid,
            user,
            server,
            email: email.to_string(),
        },
    ))
}

/// First line of the command's output; its stderr is not shown (it may hold secrets).
pub async fn run_password_command(cmd: &str) -> Result<String, String> {
    let out = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| format!("password_command could not start: {e}"))?;
    if !out.status.success() {
        return Err(format!("password_command failed ({})", out.status));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| "password_command printed invalid UTF-8".to_string())?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        return Err("password_command printed nothing".into());
    }
    Ok(line)
}
