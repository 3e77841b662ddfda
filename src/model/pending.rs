//! Optimistic sends: messages you sent that the server has not echoed yet, and how they end
//! (the echo replaces them, or they fail and wait for a retry).

use super::{ChatModel, ConvKey, Staged};
use crate::protocol::types::Content;

/// A message you sent that the server has not echoed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMessage {
    pub local_id: i64,
    pub content: Content,
    pub reply_to: Option<i64>,
    pub created_at: i64,
    pub state: PendingState,
    /// For a file being uploaded: the file and how far it got.
    pub upload: Option<UploadProgress>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UploadProgress {
    pub file: Staged,
    pub sent: u64,
    pub started_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PendingState {
    Sending,
    /// The POST answered with this mid; waiting for the echo.
    Sent(i64),
    /// Not sent yet (the server was unreachable, or the client restarted): it goes out, in
    /// order, when the connection is back.
    Waiting(String),
    Failed(String),
}

impl ChatModel {
    pub fn add_pending(&mut self, key: ConvKey, pending: PendingMessage) {
        self.conv_mut(key).pending.push(pending);
    }

    /// The POST answered with `mid`. If the echo already came, the pending copy goes now.
    pub fn pending_sent(&mut self, key: ConvKey, local_id: i64, mid: i64) {
        let conv = self.conv_mut(key);
        if conv.messages.contains_key(&mid) {
            conv.pending.retain(|p| p.local_id != local_id);
        } else if let Some(p) = conv.pending.iter_mut().find(|p| p.local_id == local_id) {
            p.state = PendingState::Sent(mid);
        }
    }

    /// A transient failure: the message waits for the connection.
    pub fn pending_waiting(&mut self, key: ConvKey, local_id: i64, why: String) {
        if let Some(p) = self
            .conv_mut(key)
            .pending
            .iter_mut()
            .find(|p| p.local_id == local_id)
        {
            p.state = PendingState::Waiting(why);
        }
    }

    pub fn pending_failed(&mut self, key: ConvKey, local_id: i64, error: String) {
        if let Some(p) = self
            .conv_mut(key)
            .pending
            .iter_mut()
            .find(|p| p.local_id == local_id)
        {
            p.state = PendingState::Failed(error);
        }
    }
}
