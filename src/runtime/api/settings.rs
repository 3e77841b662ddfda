//! Per-user settings calls: read markers, mutes and burn-after-reading, with the
//! [`MuteChange`] the executor builds (turned into the wire's `MuteRequest`).

use super::{ApiClient, ApiResult};
use crate::protocol::requests::{
    BurnRequest, GroupMuteRequest, MuteRequest, ReadIndexRequest, UserMuteRequest,
};
use crate::protocol::types::{GroupBurn, GroupReadIndex, Target, UserBurn, UserReadIndex};
use reqwest::Method;

impl ApiClient {
    /// Moves read markers forward (the server ignores values that go backwards).
    pub async fn read_index(
        &self,
        users: &[UserReadIndex],
        groups: &[GroupReadIndex],
    ) -> ApiResult<()> {
        let body = ReadIndexRequest {
            users: users.to_vec(),
            groups: groups.to_vec(),
        };
        self.authed(Method::POST, "/api/user/read-index", "read markers", |r| {
            r.json(&body)
        })
        .await?;
        Ok(())
    }

    /// Mutes (for `expired_in` seconds, or forever) or unmutes conversations.
    pub async fn mute(&self, change: &MuteChange) -> ApiResult<()> {
        self.authed(Method::POST, "/api/user/mute", "mute", |r| {
            r.json(&change.to_request())
        })
        .await?;
        Ok(())
    }

    /// Sets burn-after-reading for your future messages to `target` (0 turns it off).
    pub async fn burn_after_reading(&self, target: Target, expires_in: i64) -> ApiResult<()> {
        let body = match target {
            Target::User { uid } => BurnRequest {
                users: vec![UserBurn { uid, expires_in }],
                ..BurnRequest::default()
            },
            Target::Group { gid } => BurnRequest {
                groups: vec![GroupBurn { gid, expires_in }],
                ..BurnRequest::default()
            },
        };
        self.authed(
            Method::POST,
            "/api/user/burn-after-reading",
            "burn after reading",
            |r| r.json(&body),
        )
        .await?;
        Ok(())
    }
}

/// A mute/unmute request body (`POST /api/user/mute`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MuteChange {
    /// (uid, seconds or forever)
    pub add_users: Vec<(i64, Option<i64>)>,
    pub add_groups: Vec<(i64, Option<i64>)>,
    pub remove_users: Vec<i64>,
    pub remove_groups: Vec<i64>,
}

impl MuteChange {
    /// The wire body.
    pub fn to_request(&self) -> MuteRequest {
        MuteRequest {
            add_users: self
                .add_users
                .iter()
                .map(|&(uid, expired_in)| UserMuteRequest { uid, expired_in })
                .collect(),
            add_groups: self
                .add_groups
                .iter()
                .map(|&(gid, expired_in)| GroupMuteRequest { gid, expired_in })
                .collect(),
            remove_users: self.remove_users.clone(),
            remove_groups: self.remove_groups.clone(),
        }
    }
}
