//! One account on one server, and everything that works for it: its REST client, its local
//! store (opening, ready, broken, rebuilding), its sync supervisor and resume cursor, its read
//! marks, uploads and saved-messages place. [`open`] is the one way an account comes to be,
//! from a saved session, a login or the demo; the UI, `--demo` and the headless commands all
//! open theirs through it. The executor only routes effects to the session they concern.
//!
//! The rule: an account's state and the effects that need it live here, each part in its own
//! file (`store.rs` the store's lifecycle, `effects.rs` the effects, `saved.rs`, `search.rs`…);
//! readiness that comes later (a login, a rebuilt store) arrives as an [`AccountEvent`], never
//! by polling.

mod bulk;
pub(crate) mod cold;
mod contacts;
mod devices;
mod effects;
mod join;
mod login;
mod meeting;
mod preview;
mod read_marks;
mod saved;
mod search;
mod send;
mod store;
#[cfg(test)]
mod voice_tests;

pub use join::check_invite;
pub use login::run_password_command;
pub use send::send_once;
pub use store::{BrokenStore, StoreState};

use crate::app::{Failure, LoggedIn, Msg, Restored};
use crate::runtime::api::ApiClient;
use crate::runtime::session_store::{SavedLogin, SessionStore};
use crate::runtime::sync::{Cursor, SyncConfig, SyncHandle};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Which account a session is, in this process (defined in the app, which keys its parked
/// accounts by it).
pub use crate::app::AccountId;

/// Where an account comes from.
pub enum Source {
    /// A session an earlier login saved: nothing is asked of the network to open it.
    Saved(SavedLogin),
    /// A login with a password, or with the command that prints it.
    Login {
        server: String,
        email: String,
        password: crate::secret::Secret,
        from_command: bool,
    },
    /// A new account, registered with an invite link's token.
    Register {
        server: String,
        token: crate::secret::Secret,
        name: String,
        email: String,
        password: crate::secret::Secret,
    },
    /// A login with an e-mailed login link's token.
    LoginLink {
        server: String,
        token: crate::secret::Secret,
    },
    /// The embedded demo server: a login of its own, nothing saved, a store emptied at each
    /// start (every demo server is a new server).
    Demo {
        base_url: String,
        email: String,
        password: String,
    },
}

/// What every account of this process shares.
#[derive(Clone)]
pub struct Context {
    /// The data directory (stores, stream marks); `None` opens no store.
    pub data_dir: Option<PathBuf>,
    /// Saved sessions: renewals take turns through them, and (`persist`) every change is saved.
    pub sessions: Option<Arc<SessionStore>>,
    /// Save every session change (the UI); the headless commands only share renewals.
    pub persist: bool,
    /// Hold the account's instance lock while it is open (the UI, which streams: a second
    /// client on the same account refuses); the REST-only commands take none.
    pub stream_lock: bool,
    /// This install's device id.
    pub device: String,
    pub sync: SyncConfig,
    pub vocespace: crate::protocol::vocespace::Settings,
    /// The first upload chunk, in bytes.
    pub chunk_size: usize,
    /// Messages for the app.
    pub tx: UnboundedSender<Msg>,
    /// Readiness for the executor.
    pub events: UnboundedSender<AccountEvent>,
}

/// What happens to an account after it was opened, for the executor (never the app: these
/// carry runtime values).
pub enum AccountEvent {
    /// A login finished (or failed).
    Opened(Result<Box<Opened>, Failure>),
    /// A broken store was moved aside and a fresh one opened (or not).
    StoreRebuilt {
        account: AccountId,
        result: Result<crate::runtime::store::task::StoreHandle, BrokenStore>,
    },
}

/// A freshly opened account and what the app needs to know of it.
pub struct Opened {
    pub session: AccountSession,
    pub logged_in: LoggedIn,
    /// What its store remembers (the first frame comes from it).
    pub restored: Option<Restored>,
    /// Why its store cannot be used (the app offers to rebuild it).
    pub broken: Option<String>,
}

/// One account: see the module header.
pub struct AccountSession {
    pub id: AccountId,
    api: ApiClient,
    uid: i64,
    ctx: Context,
    store: StoreState,
    cursor: Cursor,
    sync: Option<SyncHandle>,
    /// How long its first connect waits (`delay_start`): accounts opened together at a start
    /// connect one after another, so the focused one has a slow link to itself first.
    start_delay: std::time::Duration,
    read_marks: Option<UnboundedSender<read_marks::Mark>>,
    /// Running uploads by the app's task id, to cancel them (finished ones are pruned).
    uploads: HashMap<crate::app::TaskId, tokio::task::AbortHandle>,
    /// The open conversation, its draft and its reply/edit state last handed to the store.
    saved_view: Option<(
        Option<crate::model::ConvKey>,
        String,
        crate::app::ComposeTarget,
    )>,
    /// Whether the server has favorites (see `saved.rs`).
    saved_place: Arc<std::sync::atomic::AtomicU8>,
    /// The account's hold on its event stream (`Context::stream_lock`).
    _instance: Option<Arc<crate::runtime::session_store::InstanceLock>>,
}

/// Opens an account: its client (logging in when the source is a login), its saved session
/// kept up to date, its store opened and read. The store's reading is blocking work and runs
/// off the calling task.
pub async fn open(id: AccountId, source: Source, ctx: &Context) -> Result<Opened, Failure> {
    let mut ctx = ctx.clone();
    let (api, mut logged_in, store_server, saved) = match source {
        Source::Saved(saved) => {
            let api = ApiClient::new(&saved.server)?;
            api.set_session(Some(saved.session.clone())).await;
            let logged_in = LoggedIn {
                account: id,
                uid: saved.session.uid,
                user: None,
                server: saved.server.clone(),
                email: saved.email.clone(),
            };
            (api, logged_in, saved.server, true)
        }
        Source::Login {
            server,
            email,
            password,
            from_command,
        } => {
            let (api, logged_in) = login::login(
                &server,
                &email,
                password.into_inner(),
                from_command,
                &ctx.device,
            )
            .await?;
            let store_server = logged_in.server.clone();
            (api, logged_in, store_server, true)
        }
        Source::Register {
            server,
            token,
            name,
            email,
            password,
        } => {
            let (api, logged_in) = join::register(
                &server,
                token.expose(),
                &name,
                &email,
                password.expose(),
                &ctx.device,
            )
            .await?;
            let store_server = logged_in.server.clone();
            (api, logged_in, store_server, true)
        }
        Source::LoginLink { server, token } => {
            let (api, logged_in) = join::login_link(&server, token.expose(), &ctx.device).await?;
            let store_server = logged_in.server.clone();
            (api, logged_in, store_server, true)
        }
        Source::Demo {
            base_url,
            email,
            password,
        } => {
            let api = ApiClient::new(&base_url)?;
            let session = api.login(&email, &password, &ctx.device).await?;
            let logged_in = LoggedIn {
                account: id,
                uid: session.uid,
                user: None,
                server: api.base_url().to_string(),
                email,
            };
            // No stream of an earlier run can be open on a new server: no marks.
            ctx.sync.marks_dir = None;
            (api, logged_in, "demo".to_string(), false)
        }
    };
    logged_in.account = id;
    // Before its session is saved: a second client on this account saves nothing.
    let instance = match (&ctx.data_dir, saved && ctx.stream_lock) {
        (Some(dir), true) => Some(
            crate::runtime::session_store::InstanceLock::shared(
                dir,
                &logged_in.server,
                logged_in.uid,
            )
            .map_err(Failure::Local)?,
        ),
        _ => None,
    };
    if saved && let Some(sessions) = &ctx.sessions {
        let (server, email) = (logged_in.server.clone(), logged_in.email.clone());
        if ctx.persist {
            login::persist_sessions(&api, sessions.clone(), server, email, logged_in.uid);
        } else {
            login::share_sessions(&api, sessions.clone(), server, email, logged_in.uid);
        }
    }
    let server_id = api.session().await.map(|s| s.server_id).unwrap_or_default();
    let (store, cursor, restored, broken) = match ctx.data_dir.clone() {
        Some(dir) => {
            let (uid, tx) = (logged_in.uid, ctx.tx.clone());
            let opened = tokio::task::spawn_blocking(move || {
                store::local_store(&dir, &store_server, uid, &server_id, tx)
            })
            .await
            .map_err(|e| Failure::Local(format!("opening the local store: {e}")))?;
            match opened {
                Ok(local) => (
                    StoreState::Ready(local.handle),
                    local.cursor,
                    Some(local.restored),
                    None,
                ),
                Err(broken) => {
                    let why = broken.reason.clone();
                    (
                        StoreState::Broken(broken),
                        Cursor::default(),
                        None,
                        Some(why),
                    )
                }
            }
        }
        None => (StoreState::Absent, Cursor::default(), None, None),
    };
    Ok(Opened {
        session: AccountSession {
            id,
            api,
            uid: logged_in.uid,
            ctx,
            store,
            cursor,
            sync: None,
            start_delay: std::time::Duration::ZERO,
            read_marks: None,
            uploads: HashMap::new(),
            saved_view: None,
            saved_place: Arc::default(),
            _instance: instance,
        },
        logged_in,
        restored,
        broken,
    })
}

impl AccountSession {
    /// The account's REST client.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    pub fn uid(&self) -> i64 {
        self.uid
    }

    /// The download URL of an uploaded file.
    pub fn file_url(&self, path: &str) -> String {
        self.api.file_url(path, false).to_string()
    }

    /// Starts the live stream: from the stored cursor, or, with nothing stored, after
    /// learning each conversation's newest message (a bounded replay, `cold.rs`).
    pub fn start_sync(&mut self) {
        let api = self.api.clone();
        let config = self.ctx.sync.clone();
        let delay = std::mem::take(&mut self.start_delay);
        let warm = self.cursor;
        let tx = self.ctx.tx.clone();
        let probe = api.clone();
        let me = self.uid;
        let cursor = async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if warm.after_mid.is_some() {
                return warm;
            }
            cold::bounded_cursor(&probe, Some(me), &tx).await
        };
        self.sync = Some(crate::runtime::sync::spawn_after(
            api,
            cursor,
            config,
            self.ctx.tx.clone(),
        ));
    }

    /// Makes the first connect wait `delay` (accounts opened together connect one after
    /// another).
    pub fn delay_start(&mut self, delay: std::time::Duration) {
        self.start_delay = delay;
    }

    /// Takes over the uploads still running for `earlier` (the session a new login of the
    /// window replaces), so cancelling one still stops it.
    pub fn take_uploads(&mut self, earlier: &mut AccountSession) {
        self.uploads.extend(earlier.uploads.drain());
    }

    /// The account leaves the window (`/account remove`): its stream stops, with
    /// `forget_session` its saved session is deleted (the next start does not open it) and the
    /// client forgets it (no renewal saves it again), and its store gets everything handed to
    /// it. The store stays.
    pub async fn close(mut self, forget_session: bool) {
        // Taken: a stream is shut down once.
        if let Some(mut sync) = self.sync.take() {
            sync.shutdown(std::time::Duration::from_secs(1)).await;
        }
        if forget_session {
            let server = self.api.base_url().to_string();
            // Saving follows the client's session: none, and the saved file is deleted too.
            self.api.set_session(None).await;
            if let Some(sessions) = self.ctx.sessions.clone() {
                let uid = self.uid;
                let deleted =
                    tokio::task::spawn_blocking(move || sessions.delete(&server, uid)).await;
                if let Ok(Err(e)) = deleted {
                    tracing::warn!("could not delete the saved session: {e}");
                }
            }
        }
        self.shutdown().await;
    }

    /// Skips the stream's backoff, or replaces a connection that looks stuck.
    pub fn reconnect_now(&self) {
        if let Some(s) = &self.sync {
            s.reconnect_now();
        }
    }
}
