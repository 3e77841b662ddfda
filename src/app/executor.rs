//! Carries out effects as tasks. Each task owns its I/O and reports back with a `Msg`; the UI
//! task never awaits the network.

use super::{Effect, Msg};
use crate::api::ApiClient;
use crate::api::types::{GroupReadIndex, UserReadIndex};
use crate::model::ConvKey;
use crate::sync::SyncHandle;
use tokio::sync::mpsc::UnboundedSender;

pub struct Executor {
    api: ApiClient,
    tx: UnboundedSender<Msg>,
    sync: Option<SyncHandle>,
}

impl Executor {
    pub fn new(api: ApiClient, tx: UnboundedSender<Msg>, sync: Option<SyncHandle>) -> Executor {
        Executor { api, tx, sync }
    }

    pub fn run(&self, effect: Effect) {
        let api = self.api.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::Send {
                key,
                local_id,
                content,
                properties,
            } => {
                tokio::spawn(async move {
                    let result = api
                        .send(key.target(), &content, &properties)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::Sent {
                        key,
                        local_id,
                        result,
                    });
                });
            }
            Effect::LoadHistory { key, before, limit } => {
                tokio::spawn(async move {
                    let result = api
                        .history(key.target(), before, limit)
                        .await
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Msg::History { key, limit, result });
                });
            }
            Effect::MarkRead { key, mid } => {
                tokio::spawn(async move {
                    let (users, groups) = match key {
                        ConvKey::User(uid) => (vec![UserReadIndex { uid, mid }], vec![]),
                        ConvKey::Group(gid) => (vec![], vec![GroupReadIndex { gid, mid }]),
                    };
                    if let Err(e) = api.read_index(&users, &groups).await {
                        tracing::warn!("read marker not saved: {e}");
                    }
                });
            }
            Effect::ReconnectNow => {
                if let Some(s) = &self.sync {
                    s.reconnect_now();
                }
            }
        }
    }
}
