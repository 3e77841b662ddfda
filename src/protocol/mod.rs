//! The wire contract of VoceChat (0.3.x, and 0.5.x where it differs), typed: request and answer
//! bodies, the SSE events, the kinds of message content, file properties, `@uid` mentions and
//! VoceSpace link claims. Both the client (`runtime`) and the demo server use these shapes, so
//! they cannot drift apart.
//!
//! Pure data and parsing: nothing here performs IO or reads the clock.

// A pure layer: IO, clocks, the environment and processes are a build error here (clippy.toml).
#![deny(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod audio;
pub mod contacts;
pub mod content;
pub mod error;
pub mod event;
pub mod invite;
mod jwt;
pub mod mention;
pub mod newer;
pub mod open_graph;
pub mod personal;
pub mod requests;
pub mod settings;
pub mod types;
pub mod vocespace;

pub use error::ApiError;
pub use event::{Decoded, EventKind, GroupChange, KickReason, ServerEvent};
