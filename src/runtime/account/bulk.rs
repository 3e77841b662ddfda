//! The executor's side of bulk delete (newer servers, reference §9): every delete is written
//! to the outbox of changes first (as a single one is), then one `DELETE /message/bulk/…`
//! request goes out; its answer stands for each of them (`Msg::BulkDeleted`).

use super::AccountSession;
use crate::app::{Failure, Msg};
use crate::model::PendingChange;
use crate::runtime::api::ApiClient;
use crate::runtime::store::task::Job;
use tokio::sync::oneshot;

impl AccountSession {
    pub(super) fn send_bulk_delete(&self, api: ApiClient, changes: Vec<PendingChange>) {
        let written: Vec<oneshot::Receiver<()>> = match self.local() {
            Some(local) => changes
                .iter()
                .map(|change| {
                    let (done, written) = oneshot::channel();
                    local.send(Job::QueueChange {
                        change: change.clone(),
                        written: done,
                    });
                    written
                })
                .collect(),
            None => Vec::new(),
        };
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            for w in written {
                let _ = w.await;
            }
            let mids: Vec<i64> = changes.iter().map(|c| c.mid).collect();
            let result = api.delete_messages(&mids).await;
            let _ = tx.send(Msg::BulkDeleted {
                ids: changes.iter().map(|c| c.id).collect(),
                result: result.map_err(Failure::from),
            });
        });
    }
}
