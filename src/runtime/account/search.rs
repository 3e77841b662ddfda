//! The executor's side of search and of queued changes: searches go to the store task, older
//! history for search goes from the server into the store only (never into the open
//! timeline), and a change is written to the outbox before its request goes out.

use super::AccountSession;
use crate::app::{Failure, Msg};
use crate::model::{ConvKey, PendingChange, SearchQuery};
use crate::runtime::api::ApiClient;
use crate::runtime::store::task::Job;
use tokio::sync::oneshot;

impl AccountSession {
    /// Hands search `seq` to the store task (it answers with `Msg::Searched`).
    pub(super) fn search(&self, seq: u64, query: SearchQuery) {
        match self.local() {
            Some(local) => local.send(Job::Search { seq, query }),
            None => {
                let _ = self.ctx.tx.send(Msg::Searched(Err(Failure::local(
                    crate::app::strings::SEARCH_NEEDS_STORE,
                ))));
            }
        }
    }

    /// Fetches a page of `key`'s history before `before` into the store.
    pub(super) fn store_older(
        &self,
        api: ApiClient,
        key: ConvKey,
        before: Option<i64>,
        limit: u32,
    ) {
        let local = self.local().cloned();
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            let result = api.history(key.target(), before, limit).await;
            let result = match (result, local) {
                (Ok(page), Some(local)) => {
                    let n = page.len();
                    local.send(Job::History {
                        key,
                        complete: n < limit as usize,
                        page,
                    });
                    Ok(n)
                }
                (Ok(_), None) => Err(Failure::local(crate::app::strings::SEARCH_NEEDS_STORE)),
                (Err(e), _) => Err(Failure::from(e)),
            };
            let _ = tx.send(Msg::StoredOlder { key, result });
        });
    }

    /// Writes a change to the outbox, then makes it (answered with `Msg::Changed`).
    pub(super) fn send_change(&self, api: ApiClient, change: PendingChange) {
        let written = self.local().map(|local| {
            let (done, written) = oneshot::channel();
            local.send(Job::QueueChange {
                change: change.clone(),
                written: done,
            });
            written
        });
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            if let Some(written) = written {
                let _ = written.await;
            }
            let result = super::send::send_change(&api, &change).await;
            let _ = tx.send(Msg::Changed {
                id: change.id,
                result: result.map_err(Failure::from),
            });
        });
    }
}
