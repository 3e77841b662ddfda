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
    History(Vec<ChatMessage>),
    View {
        open: Option<ConvKey>,
        drafts: Vec<(ConvKey, String)>,
    },
    /// A message to keep until the server has it; `written` is answered once it is on disk.
    Queue {
        key: ConvKey,
        out: super::Outgoing,
        written: oneshot::Sender<()>,
    },
    /// The server acknowledged a queued message.
    Unqueue(i64),
    /// Forget everything (`/logout --forget`); `done` is answered when the store is empty.
    Wipe(oneshot::Sender<()>),
    Read {
        key: ConvKey,
        before: Option<i64>,
        limit: usize,
        reply: oneshot::Sender<Vec<ChatMessage>>,
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
    let mut failed = false;
    while let Some(first) = rx.blocking_recv() {
        let mut events = Vec::new();
        let mut view = None;
        let mut jobs = vec![first];
        while let Ok(more) = rx.try_recv() {
            jobs.push(more);
        }
        for job in jobs {
            let result = match job {
                Job::Event(ev) => {
                    events.push(*ev);
                    Ok(())
                }
                Job::History(page) => store.write_history(&page),
                Job::Queue { key, out, written } => {
                    let result = store.queue(key, &out);
                    let _ = written.send(());
                    result
                }
                Job::Unqueue(local_id) => store.unqueue(local_id),
                Job::Wipe(done) => {
                    let result = store.wipe();
                    let _ = done.send(());
                    result
                }
                Job::View { open, drafts } => {
                    view = Some((open, drafts));
                    Ok(())
                }
                Job::Read {
                    key,
                    before,
                    limit,
                    reply,
                } => {
                    // Events queued before the read are written first: it sees them.
                    let written = store.write_events(&std::mem::take(&mut events));
                    let page = store.history(key, before, limit);
                    let _ = reply.send(page.as_ref().map(Vec::clone).unwrap_or_default());
                    written.and(page.map(drop))
                }
            };
            report(result, &mut failed, notices);
        }
        let written = store.write_events(&events);
        report(written, &mut failed, notices);
        // Burn-after-reading messages leave the disk when they expire (at the latest with
        // the next write after it).
        let purged = store.purge_expired(crate::clock::now_ms()).map(drop);
        report(purged, &mut failed, notices);
        if let Some((open, drafts)) = view {
            report(store.save_view(open, &drafts), &mut failed, notices);
        }
    }
}

fn report(result: Result<(), StoreError>, failed: &mut bool, notices: &UnboundedSender<Msg>) {
    if let Err(e) = result {
        tracing::warn!("store: {e}");
        if !*failed {
            *failed = true;
            let _ = notices.send(Msg::Notice(format!("{e}; the client goes on without it")));
        }
    }
}
