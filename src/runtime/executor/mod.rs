//! Routes effects: those of an account to its [`AccountSession`] (see `runtime/account/`),
//! an untagged one to the focused account's, an `Effect::For(id, ..)` to account `id`'s; the rest (a login, opening a link, staging files, completing a path, a desktop
//! notification) to a task of their own. Each reports back with a `Msg`; the UI task never
//! awaits any of them. What arrives later for an account (a finished login, a rebuilt store)
//! comes as an [`AccountEvent`] the loop hands to [`Executor::on_event`].

mod background;

use crate::app::{Effect, Failure, Msg};
use crate::runtime::account::{self, AccountEvent, AccountId, AccountSession, Context, Source};
use crate::runtime::api::ApiError;
use background::{answer_of, notify_desktop, stage_files};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub struct Executor {
    ctx: Context,
    /// Every open account, by its id (ids are never reused).
    sessions: BTreeMap<AccountId, AccountSession>,
    /// The account the app has focused: its untagged effects run on this one's session.
    focused: Option<AccountId>,
    /// The tag each account's messages reach the app with (`Msg::For`), by the account it
    /// was opened as: a login replacing an account hands the earlier session's tag on.
    tags: BTreeMap<AccountId, Arc<AtomicU32>>,
    next_id: u32,
    /// Accounts being opened by `/account add` (`Effect::AddAccount`): taken in beside the
    /// others, never in the focused one's place.
    adding: std::collections::BTreeSet<AccountId>,
    /// Accounts being closed (`Effect::EndAccount`): quitting waits for them.
    closing: Vec<tokio::task::JoinHandle<()>>,
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
            sessions: BTreeMap::new(),
            focused: None,
            tags: BTreeMap::new(),
            next_id: 1,
            adding: std::collections::BTreeSet::new(),
            closing: Vec::new(),
            events,
            tx,
        }
    }

    /// Opens an account now (a saved session, the demo), before the loop starts.
    pub async fn open(&mut self, source: Source) -> Result<account::Opened, Failure> {
        let id = self.take_id();
        let ctx = self.context_for(id);
        account::open(id, source, &ctx).await
    }

    /// Opens several accounts now, at the same time (each store is read on a blocking thread
    /// of its own), before the loop starts; the answers in the order of `sources`.
    pub async fn open_all(
        &mut self,
        sources: Vec<Source>,
    ) -> Vec<Result<account::Opened, Failure>> {
        let opening: Vec<_> = sources
            .into_iter()
            .map(|source| {
                let id = self.take_id();
                let ctx = self.context_for(id);
                async move { account::open(id, source, &ctx).await }
            })
            .collect();
        futures::future::join_all(opening).await
    }

    /// The context account `id` is opened with: each message its tasks send reaches the app
    /// as `Msg::For(id, ..)`, forwarded as it comes by a task that ends with the account.
    fn context_for(&mut self, id: AccountId) -> Context {
        // Tags of accounts whose tasks have all ended are no longer needed.
        self.tags.retain(|_, tag| Arc::strong_count(tag) > 1);
        let tag = Arc::new(AtomicU32::new(id.0));
        self.tags.insert(id, tag.clone());
        let (tx, mut rx) = unbounded_channel::<Msg>();
        let out = self.tx.clone();
        tokio::spawn(async move {
            while let Some(msg) = rx.recv().await {
                let id = AccountId(tag.load(Ordering::Relaxed));
                if out.send(Msg::For(id, Box::new(msg))).is_err() {
                    break;
                }
            }
        });
        Context {
            tx,
            ..self.ctx.clone()
        }
    }

    /// Takes `session` in beside the others; the first one taken in is focused.
    pub fn adopt(&mut self, session: AccountSession) {
        let id = session.id;
        self.sessions.insert(id, session);
        if self.focused.is_none() {
            self.focused = Some(id);
        }
    }

    /// Follows the app's focus: the untagged effects go to account `id`'s session from now
    /// on. An account the executor does not hold: nothing changes.
    pub fn focus(&mut self, id: AccountId) {
        if self.sessions.contains_key(&id) {
            self.focused = Some(id);
        }
    }

    /// Whether it holds account `id`'s session.
    pub fn holds(&self, id: AccountId) -> bool {
        self.sessions.contains_key(&id)
    }

    /// The accounts it holds, in the order they were opened.
    pub fn accounts(&self) -> Vec<AccountId> {
        self.sessions.keys().copied().collect()
    }

    /// The focused account's session.
    fn focused_mut(&mut self) -> Option<&mut AccountSession> {
        self.focused.and_then(|id| self.sessions.get_mut(&id))
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
                // A login in the window is the focused account's: it replaces the session
                // that account had (its uploads carry over), and is focused. One more account
                // (`/account add`) is taken in beside the others.
                let mut session = opened.session;
                let added = self.adding.remove(&session.id);
                if added && self.holds_session(&session) {
                    // An account already open: the new session goes (its saved session is
                    // that account's, kept), and the app, told of the login, focuses the
                    // open one; nothing of the new one's store reaches it.
                    self.closing.push(tokio::spawn(session.close(false)));
                    let _ = self.tx.send(Msg::LoggedIn(Ok(Box::new(opened.logged_in))));
                    return;
                }
                if added {
                    // Nothing replaced.
                } else if let Some(mut earlier) =
                    self.focused.and_then(|id| self.sessions.remove(&id))
                {
                    session.take_uploads(&mut earlier);
                    // What the earlier session's tasks (the uploads taken over) still report
                    // is the new account's.
                    if let Some(tag) = self.tags.get(&earlier.id) {
                        tag.store(session.id.0, Ordering::Relaxed);
                    }
                }
                self.focused = Some(session.id);
                self.sessions.insert(session.id, session);
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
                if let Some(session) = self.sessions.get_mut(&account) {
                    session.store_rebuilt(result);
                }
            }
        }
    }

    /// Whether another session it holds is the same account as `session` (same server, same
    /// user).
    fn holds_session(&self, session: &AccountSession) -> bool {
        self.sessions.values().any(|s| {
            s.id != session.id
                && s.uid() == session.uid()
                && s.api().base_url() == session.api().base_url()
        })
    }

    /// The download URL of an uploaded file on account `account`'s server (the focused
    /// one's when `None`), if logged in.
    pub fn file_url(&self, account: Option<AccountId>, path: &str) -> Option<String> {
        account
            .or(self.focused)
            .and_then(|id| self.sessions.get(&id))
            .map(|a| a.file_url(path))
    }

    /// Runs an effect: an account's on the focused account's session, unless it is tagged
    /// (`Effect::For`) with another.
    pub fn run(&mut self, effect: Effect) {
        self.run_for(self.focused, effect);
    }

    /// Runs an effect for account `account` (an account's effect with none: answered as not
    /// logged in).
    fn run_for(&mut self, account: Option<AccountId>, effect: Effect) {
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
            Effect::AddAccount(login) => self.add_in_background(*login),
            Effect::EndAccount {
                account,
                forget_session,
            } => self.end(account, forget_session),
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
                if self.sessions.contains_key(&id) {
                    self.run_for(Some(id), *effect);
                } else {
                    tracing::warn!(
                        account = id.0,
                        effect = %loggable(&effect),
                        "no session for this account: effect dropped"
                    );
                }
            }
            // Answered as the account whose composer asked (another may be focused by then).
            Effect::StageFiles { paths, paste } => stage_files(tx, account, paths, paste),
            Effect::CompletePath { prefix } => {
                tokio::spawn(async move {
                    let p = prefix.clone();
                    let candidates = tokio::task::spawn_blocking(move || {
                        crate::runtime::tasks::upload::complete_path(&p)
                    })
                    .await
                    .unwrap_or_default();
                    let _ = tx.send(answer_of(
                        account,
                        Msg::PathCompleted { prefix, candidates },
                    ));
                });
            }
            other => match account.and_then(|id| self.sessions.get_mut(&id)) {
                Some(account) => account.run(other),
                None => without_account(&tx, other),
            },
        }
    }

    /// Opens one more account with `login` (`/account add`) off the loop, to be taken in
    /// beside the others when it is ready.
    fn add_in_background(&mut self, login: Effect) {
        match login {
            Effect::Login {
                server,
                email,
                password,
                password_command,
            } => {
                // A new account: a new id, beside the others.
                let id = self.take_id();
                self.adding.insert(id);
                self.open_as(
                    id,
                    Source::Login {
                        server,
                        email,
                        password,
                        from_command: password_command,
                    },
                );
            }
            other => {
                tracing::warn!(effect = %loggable(&other), "not a login: nothing added");
            }
        }
    }

    /// Ends account `id`'s session (`/account remove`, a login of an account already open):
    /// its stream stops, its store gets everything handed to it, and with `forget_session`
    /// its saved session is deleted. The untagged effects wait for the app's next focus.
    fn end(&mut self, id: AccountId, forget_session: bool) {
        let Some(session) = self.sessions.remove(&id) else {
            return;
        };
        if self.focused == Some(id) {
            self.focused = None;
        }
        self.closing.retain(|task| !task.is_finished());
        self.closing
            .push(tokio::spawn(session.close(forget_session)));
    }

    /// Opens the window's account from a login (or registration) off the loop; the result
    /// comes back as an [`AccountEvent`].
    fn open_in_background(&mut self, source: Source) {
        // A login in the window is the focused account's: it keeps its id, so what the app
        // keeps by account (search hits, folded sections) still names it afterwards.
        let id = match self.focused {
            Some(id) => id,
            None => self.take_id(),
        };
        self.open_as(id, source);
    }

    /// Opens account `id` from `source` off the loop; the result comes back as an
    /// [`AccountEvent`].
    fn open_as(&mut self, id: AccountId, source: Source) {
        let ctx = self.context_for(id);
        tokio::spawn(async move {
            let opened = account::open(id, source, &ctx).await.map(Box::new);
            let _ = ctx.events.send(AccountEvent::Opened(opened));
        });
    }

    /// Hands the account's store what the loop is about to fold: a tagged message to its
    /// account's, an untagged one to the focused account's.
    pub fn observe(&mut self, msg: &Msg) {
        let (id, msg) = untag(msg);
        let session = match id {
            Some(id) => self.sessions.get_mut(&id),
            None => self.focused_mut(),
        };
        if let Some(session) = session {
            session.observe(msg);
        }
    }

    /// Saves each account's open conversation and drafts when they changed (a draft typed
    /// just before a key focused another account included).
    pub fn save_view(&mut self, app: &crate::app::App) {
        for view in app.accounts() {
            if let Some(session) = self.sessions.get_mut(&view.id) {
                session.save_view(view.timeline.open, view.composer);
            }
        }
    }

    /// Quitting: each account's stream stops and its store gets everything handed to it;
    /// the accounts being closed finish closing (a removed one's saved session is gone).
    pub async fn shutdown(&mut self) {
        for session in self.sessions.values_mut() {
            session.shutdown().await;
        }
        for task in std::mem::take(&mut self.closing) {
            let _ = task.await;
        }
    }
}

/// The account a message is tagged with (the innermost tag counts) and the message itself.
fn untag(mut msg: &Msg) -> (Option<AccountId>, &Msg) {
    let mut id = None;
    while let Msg::For(inner_id, inner) = msg {
        id = Some(*inner_id);
        msg = inner;
    }
    (id, msg)
}

/// An account's effect with no account (before a login): the stream and the store have
/// nothing to do; a search says it needs the store; a request fails as not logged in.
fn without_account(tx: &UnboundedSender<Msg>, effect: Effect) {
    let msg = match effect {
        Effect::StartSync
        | Effect::ReconnectNow
        | Effect::ProbeServer
        | Effect::SaveCapabilities(_)
        | Effect::SaveNotifyRules(_)
        | Effect::Keep(_)
        | Effect::FetchAnnouncement { .. }
        | Effect::FetchArchive { .. }
        | Effect::Contacts(_)
        | Effect::RebuildStore
        | Effect::CancelUpload { .. }
        | Effect::Forget(_) => return,
        Effect::Search { .. } => {
            Msg::Searched(Err(Failure::local(crate::app::strings::SEARCH_NEEDS_STORE)))
        }
        // Its task ends with the answer.
        Effect::Forward { task, mids, to } => Msg::Forwarded {
            task,
            to,
            count: mids.len(),
            result: Err(ApiError::NoSession.into()),
        },
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

    /// A forward with no account answers as a forward, so its status-bar task ends.
    #[test]
    fn a_forward_with_no_account_ends_its_task() {
        let (mut executor, mut rx) = executor();
        let task = crate::app::TaskId(7);
        executor.run(Effect::Forward {
            task,
            mids: vec![1, 2],
            to: crate::model::ConvKey::Group(1),
        });
        assert!(matches!(
            rx.try_recv(),
            Ok(Msg::Forwarded { task: t, count: 2, result: Err(_), .. }) if t == task
        ));
    }
}
