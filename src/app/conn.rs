//! The connection as the app sees it: the state the status bar shows, why a stream stopped
//! for good, and what the sync supervisor reports. The supervisor (in `runtime`) produces these;
//! `update` folds them.

use crate::protocol::{KickReason, ServerEvent};

/// The connection as the user should see it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnState {
    Connecting {
        attempt: u32,
    },
    /// Connected; the initial batch is arriving.
    Syncing,
    /// `ready` received: live.
    Live,
    /// Waiting to reconnect at `retry_at_ms` (wall clock, ms since the epoch: the status bar
    /// shows that moment, which does not move while the client waits).
    Waiting {
        retry_at_ms: i64,
        attempt: u32,
        reason: String,
    },
    /// Will not reconnect by itself.
    Stopped(StopReason),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    Kicked(KickReason),
    /// The session cannot be renewed: log in again.
    SessionExpired,
    /// `/user/events` answered 403: the device was logged out or removed.
    DeviceRevoked,
    Shutdown,
}

impl StopReason {
    /// Whether only a new login brings the account back.
    pub fn needs_login(&self) -> bool {
        matches!(self, StopReason::SessionExpired | StopReason::DeviceRevoked)
    }

    pub fn explain(&self) -> String {
        match self {
            StopReason::Kicked(k) => k.explain(),
            StopReason::SessionExpired => "session expired; please log in again".into(),
            StopReason::DeviceRevoked => "this device was logged out; please log in again".into(),
            StopReason::Shutdown => "stopped".into(),
        }
    }
}

/// What the supervisor reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncMsg {
    State(ConnState),
    Event(Box<ServerEvent>),
}
