//! Sending a message once (a retry looks for its own earlier attempt first, so an answer
//! lost after the server stored the message never posts it twice), and sending a queued change
//! (`update` drops a retried change the message already shows before it gets here).

use crate::model::ConvKey;
use crate::runtime::api::{ApiClient, ApiError};

/// How far back a retry looks for its own earlier attempt.
const RETRY_LOOKBACK: u32 = 100;

/// Sends (or replies with) a message. A retry first looks for its `local_id` among your
/// recent messages in the conversation: when the first attempt reached the server but its
/// answer was lost, that message's mid is the answer and nothing is posted twice.
pub async fn send_once(
    api: &ApiClient,
    key: ConvKey,
    local_id: i64,
    content: &crate::protocol::types::Content,
    properties: &crate::protocol::types::Properties,
    reply_to: Option<i64>,
    retry: bool,
) -> Result<i64, ApiError> {
    if retry {
        let me = api.session().await.map(|s| s.uid);
        let recent = api.history(key.target(), None, RETRY_LOOKBACK).await?;
        let earlier = recent
            .iter()
            .rev()
            .find(|m| Some(m.from_uid) == me && m.local_id() == Some(local_id));
        if let Some(m) = earlier {
            tracing::info!(
                mid = m.mid,
                "retry found its earlier attempt; not sending again"
            );
            return Ok(m.mid);
        }
    }
    match reply_to {
        Some(mid) => api.reply(mid, content, properties).await,
        None => api.send(key.target(), content, properties).await,
    }
}

/// Makes a queued change: an edit (its mentions from the text), a like, or a delete.
pub async fn send_change(
    api: &ApiClient,
    change: &crate::model::PendingChange,
) -> Result<(), ApiError> {
    use crate::model::Change;
    use crate::protocol::types::{Content, Properties};
    match &change.change {
        Change::Edit(content) => {
            let mut properties = Properties::default();
            if let Content::Text(t) | Content::Markdown(t) = content {
                properties.mentions = crate::protocol::mention::uids(t);
            }
            api.edit(change.mid, content, &properties).await.map(drop)
        }
        Change::React { emoji, .. } => api.like(change.mid, emoji).await.map(drop),
        // Deleting what is already gone is done.
        Change::Delete => match api.delete_message(change.mid).await {
            Ok(_) | Err(ApiError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        },
    }
}
