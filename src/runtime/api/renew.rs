//! Renewing the access token: one renewal at a time within the process (callers wait for
//! the one in flight), and, when the session is shared with other processes on this
//! install, one at a time across them, under the session file's lock.

use super::answers::{error_text, read_json};
use super::{ApiClient, ApiError, ApiResult, Session};
use crate::protocol::requests::RenewRequest;
use crate::protocol::types::RenewResponse;
use reqwest::{Method, StatusCode};
use std::sync::Arc;

/// A session saved where other processes on this install use it too. The file lock makes
/// renewals take turns: each starts from the newest saved refresh token.
pub trait SessionShare: Send + Sync {
    /// Waits for the lock; it is held until the returned value is dropped.
    fn lock(&self) -> std::io::Result<Box<dyn Send>>;
    /// The saved session, if any.
    fn load(&self) -> Option<Session>;
    /// Saves a renewed session; called with the lock held.
    fn save(&self, session: &Session) -> std::io::Result<()>;
}

impl ApiClient {
    /// Renews under the shared session's lock (see [`SessionShare`]) from then on.
    pub fn share_session(&self, share: Arc<dyn SessionShare>) {
        let _ = self.inner.share.set(share);
    }

    pub(super) async fn renew_locked(&self, guard: &mut Option<Session>) -> ApiResult<String> {
        let share = self.inner.share.get().cloned();
        let _file_lock = match &share {
            Some(share) => {
                let share = share.clone();
                Some(
                    tokio::task::spawn_blocking(move || share.lock())
                        .await
                        .map_err(|e| ApiError::Network(e.to_string()))?
                        .map_err(|e| ApiError::Network(format!("session lock: {e}")))?,
                )
            }
            None => None,
        };
        if let Some(saved) = share.as_ref().and_then(|s| s.load())
            && let Some(current) = guard.as_ref()
            && saved.uid == current.uid
            && saved.device == current.device
            && saved.refresh_token != current.refresh_token
            && saved.expires_at_ms > current.expires_at_ms
        {
            // Another process renewed since (and the server rotated the refresh token):
            // carry on with its tokens, renewing only if they are close to expiry too.
            tracing::debug!(
                uid = saved.uid,
                "taking the session another process renewed"
            );
            *guard = Some(saved.clone());
            self.inner.session_tx.send_replace(Some(saved.clone()));
            if saved.ms_left() > saved.renew_margin_ms(self.inner.renew_margin_ms) {
                return Ok(saved.token);
            }
        }
        let token = self.renew_now(guard).await?;
        if let (Some(share), Some(next)) = (&share, guard.as_ref())
            && let Err(e) = share.save(next)
        {
            tracing::warn!("could not save the renewed session: {e}");
        }
        Ok(token)
    }

    async fn renew_now(&self, guard: &mut Option<Session>) -> ApiResult<String> {
        let session = guard.as_ref().ok_or(ApiError::NoSession)?;
        let body = RenewRequest {
            token: session.token.clone(),
            refresh_token: session.refresh_token.clone(),
        };
        let resp = self
            .send_plain(self.request(Method::POST, "/api/token/renew").json(&body))
            .await?;
        let status = resp.status();
        if !status.is_success() {
            let text = error_text(resp).await;
            return Err(match status {
                StatusCode::UNAUTHORIZED => ApiError::Unauthorized,
                _ => ApiError::from_status(status, &text, "token renewal"),
            });
        }
        let renewed: RenewResponse = read_json(resp).await?;
        let mut next = session.clone();
        next.apply_renew(&renewed);
        tracing::debug!(uid = next.uid, "access token renewed");
        let token = next.token.clone();
        *guard = Some(next.clone());
        self.inner.session_tx.send_replace(Some(next));
        Ok(token)
    }
}
