//! The store on its own thread: the loop hands it what it observes (stream events, history
//! pages, the open conversation and drafts) and never waits for it. Each drained batch is one
//! transaction. Reads (history pages for scrolling up) are answered through a one-shot
//! channel. A failure is reported to the user once; the client then carries on without the
//! store, as it did before there was one.

use super::{Store, StoreError};
use crate::app::Msg;
use crate::model::ConvKey;
use crate::protocol::ServerEvent;
use crate::protocol::types::ChatMessage;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;

/// Work for the store thread.
pub enum Job {
    Event(Box<ServerEvent>),
    /// A connection is syncing: its replay is counted from here.
    ReplayStarts,
    /// A history page of a conversation; `complete` when it was the last one.
    History {
        key: ConvKey,
        page: Vec<ChatMessage>,
        complete: bool,
    },
    View {
        open: Option<ConvKey>,
        drafts: Vec<(ConvKey, String)>,
        target: crate::app::ComposeTarget,
    },
    /// A message to keep until the server has it; `written` is answered once it is on disk.
    Queue {
        key: ConvKey,
        out: super::Outgoing,
        written: oneshot::Sender<()>,
    },
    /// A change (edit, reaction, delete) to keep until the server has it; `written` is
    /// answered once it is on disk.
    QueueChange {
        change: crate::model::PendingChange,
        written: oneshot::Sender<()>,
    },
    /// A queued message or change was acknowledged (or discarded).
    Unqueue(i64),
    /// The server refused a queued message or change for good (why).
    Failed(i64, String),
    /// An upload started (pending message, conversation, the file's path) or ended.
    UploadStarted(i64, ConvKey, String),
    UploadEnded(i64),
    /// Forget everything (`/logout --forget`); `done` is answered when the store is empty.
    /// Nothing is written after it.
    Wipe(oneshot::Sender<()>),
    /// Write what is pending now (quitting); `done` is answered when it is on disk.
    Flush(oneshot::Sender<()>),
    Read {
        key: ConvKey,
        before: Option<i64>,
        limit: usize,
        reply: oneshot::Sender<Vec<ChatMessage>>,
    },
    /// Saved messages kept locally (the server has no favorites): save, unsave, list (the
    /// list is answered with `Msg::SavedList`).
    SaveLocal(i64, ConvKey, i64),
    UnsaveLocal(i64),
    SavedLocal,
    /// What is known of the server (kept with the store, which is one server's).
    Capabilities(Box<crate::model::Capabilities>),
    /// The notification rules set at run time.
    NotifyRules(Box<crate::model::NotifyRules>),
    /// A link's preview (`None`: its answer had nothing to show).
    LinkPreview(String, Option<crate::model::LinkPreview>),
    /// Search number `seq`: answered with `Msg::Searched`. Of several waiting, only the
    /// newest runs (typing fast costs one search).
    Search {
        seq: u64,
        query: crate::model::SearchQuery,
    },
}

/// Hands work to the store thread; cloning shares the thread.
#[derive(Clone)]
pub struct StoreHandle {
    tx: UnboundedSender<Job>,
}

impl StoreHandle {
    pub fn send(&self, job: Job) {
        let _ = self.tx.send(job);
    }

    /// Waits (at most `limit`) until everything handed over so far is on disk.
    pub async fn flush(&self, limit: std::time::Duration) {
        let (done, flushed) = oneshot::channel();
        self.send(Job::Flush(done));
        let _ = tokio::time::timeout(limit, flushed).await;
    }

    /// Up to `limit` stored records older than `before`, oldest first (empty when the store
    /// is gone).
    pub async fn read(&self, key: ConvKey, before: Option<i64>, limit: usize) -> Vec<ChatMessage> {
        let (reply, answer) = oneshot::channel();
        self.send(Job::Read {
            key,
            before,
            limit,
            reply,
        });
        answer.await.unwrap_or_default()
    }
}

/// Starts the store thread; `notices` gets a message for the user if the store fails.
pub fn spawn(store: Store, notices: UnboundedSender<Msg>) -> StoreHandle {
    let (tx, rx) = unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name("store".into())
        .spawn(move || run(store, rx, &notices));
    if let Err(e) = spawned {
        tracing::warn!("the store thread did not start: {e}");
    }
    StoreHandle { tx }
}

fn run(mut store: Store, mut rx: UnboundedReceiver<Job>, notices: &UnboundedSender<Msg>) {
    // After a failed write nothing more is written: a later batch would move the cursor past
    // the events that were lost, and they would never be asked for again. The store is then
    // as if absent (the next start rebuilds from its last good state).
    let mut failed = false;
    // After a wipe (`/logout --forget`) nothing more is written either.
    let mut closed = false;
    if let Err(e) = store.index_if_needed() {
        // Search finds less until the next start tries again; nothing else depends on it.
        tracing::warn!("the search index was not built: {e}");
    }
    while let Some(first) = rx.blocking_recv() {
        let mut events = Vec::new();
        let mut view = None;
        let mut flushed = Vec::new();
        let mut jobs = vec![first];
        while let Ok(more) = rx.try_recv() {
            jobs.push(more);
        }
        // Only the newest of the searches waiting is answered.
        let last_search = jobs.iter().rposition(|j| matches!(j, Job::Search { .. }));
        for (i, job) in jobs.into_iter().enumerate() {
            let result = match job {
                Job::Search { .. } if Some(i) != last_search => Ok(()),
                Job::SaveLocal(..)
                | Job::UnsaveLocal(_)
                | Job::Capabilities(_)
                | Job::NotifyRules(_)
                | Job::LinkPreview(..)
                    if failed || closed =>
                {
                    Ok(())
                }
                Job::Capabilities(caps) => store.save_capabilities(&caps),
                Job::NotifyRules(rules) => store.save_notify_rules(&rules),
                Job::LinkPreview(url, preview) => store.save_link_preview(&url, preview.as_ref()),
                Job::SaveLocal(mid, key, at) => store.save_local(mid, key, at),
                Job::UnsaveLocal(mid) => store.unsave_local(mid),
                Job::SavedLocal => {
                    let list = store.saved_local();
                    let _ = notices.send(Msg::SavedList(
                        list.as_ref()
                            .map(|l| (crate::model::SavedPlace::Local, l.clone()))
                            .map_err(|e| crate::app::Failure::local(e.to_string())),
                    ));
                    list.map(drop)
                }
                Job::Search { seq, query } => {
                    // It sees the events handed over before it.
                    let written = write_first(&mut store, &mut events, failed || closed);
                    let answer = search(&store, seq, &query);
                    tracing::debug!(
                        seq,
                        hits = answer.as_ref().map_or(0, |r| r.hits.len()),
                        "search answered"
                    );
                    let _ = notices.send(Msg::Searched(
                        answer.map_err(|e| crate::app::Failure::local(e.to_string())),
                    ));
                    written
                }
                Job::Read { reply, .. } if closed => {
                    let _ = reply.send(Vec::new());
                    Ok(())
                }
                Job::Queue { written, .. } | Job::QueueChange { written, .. }
                    if closed || failed =>
                {
                    let _ = written.send(());
                    Ok(())
                }
                Job::Wipe(done) => {
                    // A barrier: what was queued before it is dropped, nothing after is kept.
                    events.clear();
                    view = None;
                    closed = true;
                    let result = store.wipe();
                    let _ = done.send(());
                    result
                }
                Job::Flush(done) => {
                    // Answered once this whole drain is written.
                    flushed.push(done);
                    Ok(())
                }
                _ if closed => Ok(()),
                Job::Event(ev) => {
                    events.push(*ev);
                    Ok(())
                }
                Job::History { .. } | Job::Unqueue(_) | Job::Failed(..) | Job::ReplayStarts
                    if failed =>
                {
                    Ok(())
                }
                Job::Failed(local_id, why) => store.mark_failed(local_id, &why),
                Job::UploadStarted(..) | Job::UploadEnded(_) if failed => Ok(()),
                Job::UploadStarted(local_id, key, path) => {
                    store.upload_started(key, local_id, &path)
                }
                Job::UploadEnded(local_id) => store.upload_ended(local_id),
                Job::History {
                    key,
                    page,
                    complete,
                } => store.write_history(key, &page, complete),
                Job::ReplayStarts => store
                    .write_events(&std::mem::take(&mut events))
                    .and_then(|()| store.replay_starts()),
                Job::Queue { key, out, written } => {
                    let result = store.queue(key, &out);
                    let _ = written.send(());
                    result
                }
                Job::QueueChange { change, written } => {
                    let result = store.queue_change(&change);
                    let _ = written.send(());
                    result
                }
                Job::Unqueue(local_id) => store.unqueue(local_id),
                Job::View {
                    open,
                    drafts,
                    target,
                } => {
                    view = Some((open, drafts, target));
                    Ok(())
                }
                Job::Read {
                    key,
                    before,
                    limit,
                    reply,
                } => {
                    // Events queued before the read are written first: it sees them.
                    let written = write_first(&mut store, &mut events, failed);
                    let page = store.history(key, before, limit);
                    let _ = reply.send(page.as_ref().map(Vec::clone).unwrap_or_default());
                    written.and(page.map(drop))
                }
            };
            report(result, &mut failed, notices);
        }
        if !closed && !failed {
            write_drain(&mut store, &events, view, &mut failed, notices);
        }
        // The user hears how much each clear took from the disk.
        for now in store.take_cleared() {
            let _ = notices.send(Msg::Cleared(now));
        }
        for done in flushed {
            let _ = done.send(());
        }
    }
}

/// The open conversation, every draft, and what the open one's composer is doing.
type View = (
    Option<ConvKey>,
    Vec<(ConvKey, String)>,
    crate::app::ComposeTarget,
);

/// The end of a drain: its events and their cursor, expired messages out, the view.
fn write_drain(
    store: &mut Store,
    events: &[ServerEvent],
    view: Option<View>,
    failed: &mut bool,
    notices: &UnboundedSender<Msg>,
) {
    report(store.write_events(events), failed, notices);
    if *failed {
        return;
    }
    // Burn-after-reading messages leave the disk when they expire (at the latest with the
    // next write after it).
    let purged = store.purge_expired(crate::clock::now_ms()).map(drop);
    report(purged, failed, notices);
    if let Some((open, drafts, target)) = view {
        report(store.save_view(open, &drafts, target), failed, notices);
    }
}

fn report(result: Result<(), StoreError>, failed: &mut bool, notices: &UnboundedSender<Msg>) {
    if let Err(e) = result {
        tracing::warn!("store: {e}");
        if !*failed {
            *failed = true;
            let _ = notices.send(Msg::Notice(format!(
                "{e}; the client goes on without the local store"
            )));
        }
    }
}

/// Runs a search and says how far back the conversations searched are stored.
fn search(
    store: &Store,
    seq: u64,
    query: &crate::model::SearchQuery,
) -> super::StoreResult<crate::model::SearchResults> {
    Ok(crate::model::SearchResults {
        seq,
        hits: store.search(query, crate::model::SEARCH_LIMIT)?,
        coverage: store.coverage(&query.within)?,
    })
}

/// Writes the events gathered so far in this drain (a read or a search must see them),
/// unless writing has stopped.
fn write_first(
    store: &mut Store,
    events: &mut Vec<ServerEvent>,
    stopped: bool,
) -> super::StoreResult<()> {
    if stopped {
        return Ok(());
    }
    store.write_events(&std::mem::take(events))
}
