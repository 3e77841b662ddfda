//! Background work that is more than one API call: VoceSpace meeting links, file uploads
//! and downloads. Each runs as a task and reports progress and results as messages.

pub mod download;
pub mod upload;
pub mod vocespace;
