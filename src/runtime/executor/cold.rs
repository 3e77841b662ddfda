//! A cold start without downloading the whole replay. 0.3.3 replays every chat record above
//! `after_mid` (up to 5000) before `ready`; on a slow link that is tens of seconds before the
//! newest message shows. Instead: learn each conversation's newest record first (one
//! `history?limit=1` per channel and per user, in parallel: the user list is small), fold
//! those, and start the stream just below the newest mid so its replay is bounded. Older
//! history is paged per conversation on demand, from there down.

use crate::app::Msg;
use crate::model::ConvKey;
use crate::runtime::api::ApiClient;
use crate::runtime::sync::Cursor;
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

/// How many of the newest chat records (all conversations together) the stream replays.
pub const REPLAY: i64 = 300;
/// History requests in flight at once.
const PARALLEL: usize = 8;

/// Where the stream of a cold start should begin. Every conversation's newest record goes to
/// `tx` (one `Msg::Latest`), so each shows its latest message at once, even one older than
/// the replay. Falls back to a full replay when nothing can be learnt.
pub async fn bounded_cursor(api: &ApiClient, me: Option<i64>, tx: &UnboundedSender<Msg>) -> Cursor {
    // A server with thousands of users would keep the stream waiting: past this, replay.
    match tokio::time::timeout(PROBE_LIMIT, probe(api, me, tx)).await {
        Ok(cursor) => cursor,
        Err(_) => {
            tracing::info!("the newest messages took too long to learn; replaying instead");
            Cursor::default()
        }
    }
}

/// How long a cold start may spend learning the newest messages before the stream starts.
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(5);

async fn probe(api: &ApiClient, me: Option<i64>, tx: &UnboundedSender<Msg>) -> Cursor {
    let (groups, users) = tokio::join!(api.groups(), api.users());
    let mut keys: Vec<ConvKey> = groups
        .map(|gs| gs.iter().map(|g| ConvKey::Group(g.gid)).collect())
        .unwrap_or_default();
    keys.extend(
        users
            .unwrap_or_default()
            .iter()
            .filter(|u| Some(u.uid) != me)
            .map(|u| ConvKey::User(u.uid)),
    );
    let newest = futures::stream::iter(keys)
        .map(|key| async move { (key, api.history(key.target(), None, 1).await) })
        .buffer_unordered(PARALLEL)
        .collect::<Vec<_>>()
        .await;
    let mut top: Option<i64> = None;
    let mut pages = Vec::new();
    for (key, page) in newest {
        let Ok(page) = page else { continue };
        let Some(mid) = page.iter().map(|m| m.mid).max() else {
            continue;
        };
        top = Some(top.map_or(mid, |t| t.max(mid)));
        pages.push((key, page));
    }
    if !pages.is_empty() {
        let _ = tx.send(Msg::Latest(pages));
    }
    Cursor {
        after_mid: top.map(|t| t - REPLAY).filter(|a| *a > 0),
        users_version: None,
    }
}
