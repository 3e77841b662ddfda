//! Saved messages: the server's favorites when it has them (0.3.3 does), else the local
//! store. Whether it has them is learnt from the list (`GET /api/favorite` answering 404
//! means no); a save with the answer unknown asks the list first, since a 404 from the save
//! itself can also mean the message is gone.

use super::AccountSession;
use crate::app::{Failure, Msg};
use crate::model::{ConvKey, SavedItem, SavedPlace};
use crate::present::Body;
use crate::protocol::types::{Archive, ContentKind, FavoriteInfo};
use crate::runtime::api::{ApiClient, ApiError};
use crate::runtime::store::task::Job;
use futures::StreamExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

// What `Executor::saved_place` holds: not known yet (0), the server's favorites, local.
const SERVER: u8 = 1;
const LOCAL: u8 = 2;

/// Archives read at once when listing.
const PARALLEL: usize = 6;

/// Whether the server keeps saved messages, learning it from the list when not known yet.
async fn place(
    api: &ApiClient,
    known: &AtomicU8,
) -> Result<(SavedPlace, Vec<FavoriteInfo>), ApiError> {
    if known.load(Ordering::Relaxed) == LOCAL {
        return Ok((SavedPlace::Local, Vec::new()));
    }
    match api.favorites().await {
        Ok(list) => {
            known.store(SERVER, Ordering::Relaxed);
            Ok((SavedPlace::Server, list))
        }
        Err(ApiError::NotFound(_)) => {
            known.store(LOCAL, Ordering::Relaxed);
            Ok((SavedPlace::Local, Vec::new()))
        }
        Err(e) => Err(e),
    }
}

/// The messages of one favorite, as saved items.
fn items(info: &FavoriteInfo, archive: Archive) -> Vec<SavedItem> {
    archive
        .messages
        .into_iter()
        .map(|m| {
            let kind = ContentKind::parse(&m.content_type);
            let content = m.content.unwrap_or_default();
            let text = Body::new(&kind, &content, m.properties.as_ref()).search_text();
            SavedItem {
                id: info.id.clone(),
                saved_at: info.created_at,
                mid: m.mid,
                source: m.source,
                from_uid: None,
                author: archive.users.get(m.from_user).map(|u| u.name.clone()),
                created_at: m.created_at,
                kind,
                text,
            }
        })
        .collect()
}

impl AccountSession {
    /// Lists the saved messages (answered with `Msg::SavedList`).
    pub(super) fn load_saved(&self, api: ApiClient) {
        let known = Arc::clone(&self.saved_place);
        let local = self.local().cloned();
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            let result = match place(&api, &known).await {
                Ok((SavedPlace::Server, list)) => {
                    let archives = futures::stream::iter(list)
                        .map(|info| {
                            let api = api.clone();
                            async move {
                                let archive = api.favorite(&info.id).await;
                                (info, archive)
                            }
                        })
                        .buffered(PARALLEL)
                        .collect::<Vec<_>>()
                        .await;
                    let mut all = Vec::new();
                    for (info, archive) in archives {
                        // One favorite that cannot be read does not hide the others.
                        match archive {
                            Ok(a) => all.extend(items(&info, a)),
                            Err(e) => tracing::info!("a saved message set was not read: {e}"),
                        }
                    }
                    all.sort_by_key(|i| std::cmp::Reverse(i.saved_at));
                    Ok((SavedPlace::Server, all))
                }
                Ok((SavedPlace::Local, _)) => match local {
                    // The store task answers with the list.
                    Some(local) => return local.send(Job::SavedLocal),
                    None => Err(Failure::local(crate::app::strings::SEARCH_NEEDS_STORE)),
                },
                Err(e) => Err(Failure::from(e)),
            };
            let _ = tx.send(Msg::SavedList(result));
        });
    }

    /// Saves message `mid` of `key` (answered with `Msg::SavedChanged`).
    pub(super) fn save_message(&self, api: ApiClient, mid: i64, key: ConvKey) {
        let known = Arc::clone(&self.saved_place);
        let local = self.local().cloned();
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            let result = match place(&api, &known).await {
                Ok((SavedPlace::Server, _)) => api
                    .create_favorite(&[mid])
                    .await
                    .map(|_| crate::app::strings::SAVED.to_string())
                    .map_err(Failure::from),
                Ok((SavedPlace::Local, _)) => match local {
                    Some(local) => {
                        local.send(Job::SaveLocal(mid, key, crate::clock::now_ms()));
                        Ok(crate::app::strings::SAVED_LOCALLY.to_string())
                    }
                    None => Err(Failure::local(crate::app::strings::SEARCH_NEEDS_STORE)),
                },
                Err(e) => Err(Failure::from(e)),
            };
            let _ = tx.send(Msg::SavedChanged(result));
        });
    }

    /// Unsaves the server's favorite `id`, or message `mid` kept locally (empty id).
    pub(super) fn unsave(&self, api: ApiClient, id: String, mid: i64) {
        let local = self.local().cloned();
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            let result = if id.is_empty() {
                match local {
                    Some(local) => {
                        local.send(Job::UnsaveLocal(mid));
                        Ok(())
                    }
                    None => Err(Failure::local(crate::app::strings::SEARCH_NEEDS_STORE)),
                }
            } else {
                match api.delete_favorite(&id).await {
                    // Already gone is done.
                    Ok(()) | Err(ApiError::NotFound(_)) => Ok(()),
                    Err(e) => Err(Failure::from(e)),
                }
            };
            let _ = tx.send(Msg::SavedChanged(
                result.map(|()| crate::app::strings::UNSAVED.to_string()),
            ));
        });
    }
}
