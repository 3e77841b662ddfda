//! The demo server's in-memory database and the rules of VoceChat 0.3.3 that act on it:
//! users, tokens, devices, groups, the global message log with per-user replay index,
//! settings, uploads, favorites, and fan-out of events to live streams. No HTTP here.
//!
//! This file owns the tables ([`State`] and its rows); the rules live beside it, one
//! `impl State` per area: `users` (accounts, tokens, devices, kicks), `streams` (SSE
//! registration, presence, fan-out), `groups`, `messages` (the log), `settings` and
//! `invites` (invite and login-link tokens, registration).

use crate::protocol::ServerEvent;
use crate::protocol::types::{ChatMessage, Group, Organization, UserInfo, UserUpdateLog};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

mod archives;
mod clear;
mod contacts;
mod favorites;
mod groups;
mod invites;
mod messages;
mod newer;
mod pins;
mod settings;
mod streams;
mod users;

/// What a connection task is told to write.
#[derive(Debug)]
pub enum Frame {
    Event(String),
    /// Hang up after the frames before it.
    Close,
}

pub struct DemoUser {
    pub info: UserInfo,
    pub password: String,
}

struct AccessToken {
    uid: i64,
    device: String,
    expires: Instant,
}

pub struct Conn {
    pub id: u64,
    pub tx: mpsc::UnboundedSender<Frame>,
}

struct LogEntry {
    msg: ChatMessage,
}

#[derive(Default)]
pub struct Settings {
    pub mute_users: BTreeMap<i64, Option<i64>>,
    pub mute_groups: BTreeMap<i64, Option<i64>>,
    pub read_users: BTreeMap<i64, i64>,
    pub read_groups: BTreeMap<i64, i64>,
    pub burn_users: BTreeMap<i64, i64>,
    pub burn_groups: BTreeMap<i64, i64>,
}

pub struct Upload {
    pub content_type: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

pub struct StoredFile {
    pub content_type: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

/// Why a call was refused, as the real server would answer it.
pub use clear::BULK_MAX;
pub use newer::Newer;
pub use pins::Personal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Status with an empty body.
    Empty(u16),
    /// Status with a plain-text body and no content type.
    Text(u16, String),
}

pub type Outcome<T> = Result<T, Refusal>;

pub const REPLAY_CAP: usize = 5000;

#[derive(Default)]
pub struct State {
    pub users: BTreeMap<i64, DemoUser>,
    next_uid: i64,
    user_log: Vec<UserUpdateLog>,
    pub groups: BTreeMap<i64, Group>,
    next_gid: i64,
    log: Vec<LogEntry>,
    by_mid: HashMap<i64, usize>,
    next_mid: i64,
    /// uid → indexes into `log` of messages addressed to them at send time.
    inbox: HashMap<i64, Vec<usize>>,
    access: HashMap<String, AccessToken>,
    /// Every access token ever issued → (uid, device): renew accepts expired ones.
    issued: HashMap<String, (i64, String)>,
    refresh: HashMap<(i64, String), String>,
    devices: HashSet<(i64, String)>,
    pub conns: HashMap<(i64, String), Conn>,
    next_conn: u64,
    pub settings: HashMap<i64, Settings>,
    pub uploads: HashMap<String, Upload>,
    pub files: HashMap<String, StoredFile>,
    pub organization: Organization,
    pub server_id: String,
    pub renewals: u64,
    pub token_ttl: Duration,
    /// `after_mid` of the latest stream request.
    pub last_after_mid: Option<i64>,
    /// `after_mid` of every stream request, oldest first (the newest 1,000).
    pub stream_after_mids: std::collections::VecDeque<Option<i64>>,
    /// What a newer server keeps beyond 0.3.3 (used in the newer profile only).
    pub newer: Newer,
    /// History cleared (newer profile): records at or below these fences are gone.
    cleared: clear::Cleared,
    /// Pinned chats, remarks and announcements (the newer profile; `pins.rs`).
    pub personal: Personal,
    /// Invite and login-link tokens (both profiles).
    pub invites: invites::Invites,
    /// Bulk deletes made (tests tell one request from several).
    pub bulk_deletes: u64,
    /// Archives made for forwards, by path (`archives.rs`).
    archives: archives::Archives,
    /// uid → their favorites, oldest first.
    favorites: HashMap<
        i64,
        Vec<(
            crate::protocol::types::FavoriteInfo,
            crate::protocol::types::Archive,
        )>,
    >,
}

fn random_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl State {
    pub fn new(token_ttl: Duration) -> State {
        State {
            next_uid: 1,
            next_gid: 1,
            next_mid: 1,
            server_id: uuid::Uuid::new_v4().simple().to_string(),
            organization: Organization {
                name: "VoceChat demo".into(),
                description: Some("an in-process demo server".into()),
            },
            token_ttl,
            ..State::default()
        }
    }
}

/// An event as the stream sends it. The protocol's events always serialize; should one ever
/// not, it is logged and an empty frame sent rather than the server task panicking.
fn event_json(ev: &ServerEvent) -> String {
    serde_json::to_string(ev).unwrap_or_else(|e| {
        tracing::error!("demo: event not serialized: {e}");
        String::new()
    })
}
