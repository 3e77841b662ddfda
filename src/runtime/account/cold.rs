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

/// How many times a conversation's probe is tried before the cold start gives up on it.
const ATTEMPTS: u32 = 3;

async fn probe(api: &ApiClient, me: Option<i64>, tx: &UnboundedSender<Msg>) -> Cursor {
    let (groups, users) = tokio::join!(api.groups(), api.users());
    // Without the lists, a conversation older than the bounded replay could be missed (a DM
    // is known only by its messages): replay everything instead.
    let (Ok(groups), Ok(users)) = (groups, users) else {
        tracing::info!("the channel or user list did not come; replaying instead");
        return Cursor::default();
    };
    let mut left: Vec<ConvKey> = groups.iter().map(|g| ConvKey::Group(g.gid)).collect();
    left.extend(
        users
            .iter()
            .filter(|u| Some(u.uid) != me)
            .map(|u| ConvKey::User(u.uid)),
    );
    let mut top: Option<i64> = None;
    let mut pages = Vec::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(250 * u64::from(attempt))).await;
        }
        let answers = futures::stream::iter(std::mem::take(&mut left))
            .map(|key| async move { (key, api.history(key.target(), None, 1).await) })
            .buffer_unordered(PARALLEL)
            .collect::<Vec<_>>()
            .await;
        for (key, page) in answers {
            let Ok(page) = page else {
                left.push(key);
                continue;
            };
            let Some(mid) = page.iter().map(|m| m.mid).max() else {
                continue;
            };
            top = Some(top.map_or(mid, |t| t.max(mid)));
            pages.push((key, page));
        }
        if left.is_empty() {
            break;
        }
    }
    if !pages.is_empty() {
        let _ = tx.send(Msg::Latest(pages));
    }
    if !left.is_empty() {
        // Their newest messages may be older than a bounded replay reaches.
        tracing::info!(
            conversations = left.len(),
            "some conversations' newest messages could not be learnt; replaying instead"
        );
        return Cursor::default();
    }
    Cursor {
        after_mid: top.map(|t| t - REPLAY).filter(|a| *a > 0),
        users_version: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoConfig, DemoServer};
    use crate::protocol::types::Target;

    /// A demo server with a DM from bob long before a busy channel's newest `REPLAY`
    /// messages, and a client logged in as admin.
    async fn busy_server() -> (DemoServer, ApiClient, i64) {
        let server = DemoServer::start(DemoConfig::for_tests()).await.unwrap();
        let dm = server
            .post_as(2, Target::User { uid: 1 }, "an old DM")
            .unwrap();
        for i in 0..REPLAY + 20 {
            server
                .post_as(2, Target::Group { gid: 1 }, &format!("busy {i}"))
                .unwrap();
        }
        let api = ApiClient::new(&server.base_url()).unwrap();
        api.login("admin@example.com", "admin-pass", "tui:test")
            .await
            .unwrap();
        (server, api, dm)
    }

    fn latest_keys(rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>) -> Vec<ConvKey> {
        match rx.try_recv() {
            Ok(Msg::Latest(pages)) => pages.into_iter().map(|(k, _)| k).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_probe_that_fails_once_is_tried_again() {
        let (server, api, _) = busy_server().await;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        // Every first probe fails (there are four or five).
        server.faults().fail_next_history(5);
        let cursor = bounded_cursor(&api, Some(1), &tx).await;
        assert_eq!(cursor.after_mid, Some(server.last_mid() - REPLAY));
        let keys = latest_keys(&mut rx);
        assert!(keys.contains(&ConvKey::User(2)), "{keys:?}");
    }

    #[tokio::test]
    async fn a_conversation_whose_newest_message_cannot_be_learnt_means_a_full_replay() {
        let (server, api, dm) = busy_server().await;
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        server.faults().fail_next_history(1_000);
        let cursor = bounded_cursor(&api, Some(1), &tx).await;
        // The DM is older than a bounded replay would reach: only a full one finds it.
        assert!(dm < server.last_mid() - REPLAY);
        assert_eq!(cursor, Cursor::default());
    }
}
