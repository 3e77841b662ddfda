//! Routes effects: those of an account to its [`AccountSession`] (see `runtime/account/`),
//! the rest (a login, opening a link, staging files, completing a path, a desktop
//! notification) to a task of their own. Each reports back with a `Msg`; the UI task never
//! awaits any of them. What arrives later for an account (a finished login, a rebuilt store)
//! comes as an [`AccountEvent`] the loop hands to [`Executor::on_event`].

mod background;

use crate::app::{Effect, Failure, Msg};
use crate::runtime::account::{self, AccountEvent, AccountId, AccountSession, Context, Source};
use crate::runtime::api::ApiError;
use background::{notify_desktop, stage_files};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub struct Executor {
    ctx: Context,
    /// The account (one per window, for now).
    account: Option<AccountSession>,
    next_id: u32,
    events: UnboundedReceiver<AccountEvent>,
    tx: UnboundedSender<Msg>,
}

/// Everything an executor needs but its channels.
pub struct Setup {
    pub data_dir: Option<std::path::PathBuf>,
    pub sessions: Option<std::sync::Arc<crate::runtime::session_store::SessionStore>>,
    pub device: String,
    pub sync: crate::runtime::sync::SyncConfig,
    pub vocespace: crate::protocol::vocespace::Settings,
    pub chunk_size: usize,
}

impl Executor {
    /// An executor reporting to `tx`, with no account yet.
    pub fn new(setup: Setup, tx: UnboundedSender<Msg>) -> Executor {
        let (events_tx, events) = unbounded_channel();
        Executor {
            ctx: Context {
                data_dir: setup.data_dir,
                sessions: setup.sessions,
                persist: true,
                stream_lock: true,
                device: setup.device,
                sync: setup.sync,
                vocespace: setup.vocespace,
                chunk_size: setup.chunk_size,
                tx: tx.clone(),
                events: events_tx,
            },
            account: None,
            next_id: 1,
            events,
            tx,
        }
    }

    /// Opens an account now (a saved session, the demo), before the loop starts.
    pub async fn open(&mut self, source: Source) -> Result<account::Opened, Failure> {
        let id = self.take_id();
        account::open(id, source, &self.ctx).await
    }

    /// Makes `session` the window's account.
    pub fn adopt(&mut self, session: AccountSession) {
        self.account = Some(session);
    }

    fn take_id(&mut self) -> AccountId {
        let id = AccountId(self.next_id);
        self.next_id += 1;
        id
    }

    /// The next account event, for the loop to hand to [`Executor::on_event`].
    pub async fn next_event(&mut self) -> Option<AccountEvent> {
        self.events.recv().await
    }

    /// An account became ready (or failed to): take it in, then tell the app, so the effects
    /// the app's answer causes find the account.
    pub fn on_event(&mut self, event: AccountEvent) {
        match event {
            AccountEvent::Opened(Ok(opened)) => {
                let opened = *opened;
                let mut session = opened.session;
                if let Some(mut earlier) = self.account.take() {
                    session.take_uploads(&mut earlier);
                }
                self.account = Some(session);
                let _ = self.tx.send(Msg::LoggedIn(Ok(Box::new(opened.logged_in))));
                if let Some(restored) = opened.restored {
                    let _ = self.tx.send(Msg::Restored(Box::new(restored)));
                }
                // After the login form is gone, so the offer to rebuild can be shown.
                if let Some(why) = opened.broken {
                    let _ = self.tx.send(Msg::StoreUnusable(why));
                }
            }
            AccountEvent::Opened(Err(e)) => {
                let _ = self.tx.send(Msg::LoggedIn(Err(e)));
            }
            AccountEvent::StoreRebuilt { account, result } => {
                if let Some(session) = self.account.as_mut().filter(|s| s.id == account) {
                    session.store_rebuilt(result);
                }
            }
        }
    }

    /// The download URL of an uploaded file, if logged in.
    pub fn file_url(&self, path: &str) -> Option<String> {
        self.account.as_ref().map(|a| a.file_url(path))
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
            } => self.open_in_background(Source::Login {
                server,
                email,
                password,
                from_command: password_command,
            }),
            Effect::Register {
                server,
                token,
                name,
                email,
                password,
            } => self.open_in_background(Source::Register {
                server,
                token,
                name,
                email,
                password,
            }),
            Effect::LinkLogin { server, token } => {
                self.open_in_background(Source::LoginLink { server, token });
            }
            Effect::CheckInvite { server, token } => {
                tokio::spawn(async move {
                    let result = account::check_invite(&server, token.expose()).await;
                    let _ = tx.send(Msg::InviteChecked(result));
                });
            }
            Effect::Notify { title, body } => notify_desktop(title, body),
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
            }
            // A parked account's effect (`Msg::For`): run on that account's session, if this
            // executor holds it. The loop's effects (bell, copy, editor) never reach the
            // terminal this way: a parked account is not on screen.
            Effect::For(id, effect) => {
                if self.account.as_ref().is_some_and(|a| a.id == id) {
                    self.run(*effect);
                } else {
                    tracing::warn!(
                        account = id.0,
                        effect = %loggable(&effect),
                        "no session for this account: effect dropped"
                    );
                }
            }
            Effect::StageFiles { paths, paste } => stage_files(tx, paths, paste),
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
            other => match &mut self.account {
                Some(account) => account.run(other),
                None => without_account(&tx, other),
            },
        }
    }

    /// Opens an account from a login (or registration) off the loop; the result comes back
    /// as an [`AccountEvent`].
    fn open_in_background(&mut self, source: Source) {
        let id = self.take_id();
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            let opened = account::open(id, source, &ctx).await.map(Box::new);
            let _ = ctx.events.send(AccountEvent::Opened(opened));
        });
    }

    /// Hands the account's store what the loop is about to fold.
    pub fn observe(&mut self, msg: &Msg) {
        if let Some(account) = &mut self.account {
            account.observe(msg);
        }
    }

    /// Saves the open conversation and the drafts when they changed.
    pub fn save_view(&mut self, app: &crate::app::App) {
        if let Some(account) = &mut self.account {
            account.save_view(app);
        }
    }

    /// Quitting: each account's stream stops and its store gets everything handed to it.
    pub async fn shutdown(&mut self) {
        if let Some(account) = &mut self.account {
            account.shutdown().await;
        }
    }
}

/// An account's effect with no account (before a login): the stream and the store have
/// nothing to do; a search says it needs the store; a request fails as not logged in.
fn without_account(tx: &UnboundedSender<Msg>, effect: Effect) {
    let msg = match effect {
        Effect::StartSync
        | Effect::ReconnectNow
        | Effect::ProbeServer
        | Effect::SaveCapabilities(_)
        | Effect::Keep(_)
        | Effect::FetchAnnouncement { .. }
        | Effect::Contacts(_)
        | Effect::RebuildStore
        | Effect::CancelUpload { .. }
        | Effect::Forget(_) => return,
        Effect::Search { .. } => {
            Msg::Searched(Err(Failure::local(crate::app::strings::SEARCH_NEEDS_STORE)))
        }
        _ => Msg::Done {
            task: None,
            what: "request".into(),
            result: Err(ApiError::NoSession.into()),
        },
    };
    let _ = tx.send(msg);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::AccountId;

    fn executor() -> (Executor, UnboundedReceiver<Msg>) {
        let (tx, rx) = unbounded_channel();
        let setup = Setup {
            data_dir: None,
            sessions: None,
            device: "test".into(),
            sync: crate::runtime::sync::SyncConfig::default(),
            vocespace: crate::protocol::vocespace::Settings::default(),
            chunk_size: 1 << 16,
        };
        (Executor::new(setup, tx), rx)
    }

    fn search() -> Effect {
        Effect::Search {
            seq: 1,
            query: Default::default(),
        }
    }

    #[test]
    fn an_effect_for_an_account_the_executor_does_not_hold_is_dropped() {
        let (mut executor, mut rx) = executor();
        // Untagged, with no account: answered as needing one.
        executor.run(search());
        assert!(matches!(rx.try_recv(), Ok(Msg::Searched(Err(_)))));
        // Tagged with an account it does not hold: nothing runs, nothing answers.
        executor.run(Effect::For(AccountId(2), Box::new(search())));
        assert!(rx.try_recv().is_err());
    }
}
