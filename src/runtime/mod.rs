//! Everything that does IO: the event loop (`run`), the executor that carries out effects,
//! the REST client (`api`), the SSE supervisor (`sync`), background tasks (uploads, downloads),
//! the terminal and the saved sessions. It feeds the pure `app` messages and never holds state
//! the app should own.

pub mod account;
pub mod api;
pub mod cli;
pub mod emit;
pub mod executor;
pub mod linear;
mod linear_cmds;
mod linear_input;
pub mod notify;
pub mod paint;
pub mod run;
pub mod session_store;
pub mod start;
pub mod store;
pub mod sync;
pub mod tasks;
pub mod terminal;
