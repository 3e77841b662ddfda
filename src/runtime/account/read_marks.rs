//! Read markers, debounced: marks arriving within 400 ms of the first go out as one request.
//! A task owns the pending marks; the executor hands it each mark as a message.

use crate::model::ConvKey;
use crate::protocol::types::{GroupReadIndex, UserReadIndex};
use crate::runtime::api::ApiClient;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

const READ_DEBOUNCE: Duration = Duration::from_millis(400);

/// One read marker: everything in `key` up to `mid` is read.
pub(super) struct Mark {
    pub api: ApiClient,
    pub key: ConvKey,
    pub mid: i64,
}

/// Starts the task; marks sent to the returned sender are batched and saved.
pub(super) fn spawn() -> UnboundedSender<Mark> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(batch_and_send(rx));
    tx
}

async fn batch_and_send(mut rx: UnboundedReceiver<Mark>) {
    while let Some(first) = rx.recv().await {
        let mut api = first.api;
        let mut marks: HashMap<ConvKey, i64> = HashMap::from([(first.key, first.mid)]);
        tokio::time::sleep(READ_DEBOUNCE).await;
        while let Ok(m) = rx.try_recv() {
            let e = marks.entry(m.key).or_insert(m.mid);
            *e = (*e).max(m.mid);
            api = m.api;
        }
        let mut users = Vec::new();
        let mut groups = Vec::new();
        for (key, mid) in marks {
            match key {
                ConvKey::User(uid) => users.push(UserReadIndex { uid, mid }),
                ConvKey::Group(gid) => groups.push(GroupReadIndex { gid, mid }),
            }
        }
        if let Err(e) = api.read_index(&users, &groups).await {
            tracing::warn!("read markers not saved: {e}");
        }
    }
}
