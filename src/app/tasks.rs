//! Background work the status bar shows: a typed table of running tasks keyed by id, with
//! progress in numbers. `update` starts a task when it asks for the work (the effect carries
//! the id), the runtime reports progress and the end by that id, and only `ui` turns a task
//! into text. Uploads are also found by their message's local id (the pending message and the
//! task share it).
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! part owns the running tasks; the messages that report on them (`Msg::Progress`,
//! `Msg::UploadProgress`, `Msg::Done`, `Msg::Downloaded`) are handled here. A task whose end
//! opens a popup (a preview, a meeting link) ends where that popup is (`popups/`), and a
//! finished upload is the outbox's (`outbox.rs`).

use super::{App, Effect, Outcome};
use crate::model::ConvKey;
use std::collections::BTreeMap;

/// A task's id: unique for the life of the app, never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub u64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskKind {
    /// A file being sent as the pending message `local_id`.
    Upload { local_id: i64, name: String },
    /// A file being saved to the download directory.
    Download { name: String },
    /// An image thumbnail being fetched.
    Preview,
    /// Your personal meeting link being made.
    MeetingLink,
    /// A meeting invite being posted.
    MeetingInvite,
    /// Messages being forwarded to a conversation (its label).
    Forward { count: usize, to: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    /// Bytes done so far, and of how many (when known).
    pub done: u64,
    pub total: Option<u64>,
    /// When it started and when it last reported (app clock, ms), for rates.
    pub started_ms: i64,
    pub updated_ms: i64,
    /// Whether any progress was reported yet.
    pub reported: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tasks {
    last_id: u64,
    running: BTreeMap<TaskId, Task>,
}

impl Tasks {
    /// Starts a task; the id goes into the effect that does the work.
    pub fn start(&mut self, kind: TaskKind, now_ms: i64) -> TaskId {
        self.last_id += 1;
        let id = TaskId(self.last_id);
        self.running.insert(
            id,
            Task {
                kind,
                done: 0,
                total: None,
                started_ms: now_ms,
                updated_ms: now_ms,
                reported: false,
            },
        );
        id
    }

    /// Progress of a running task (a report for a finished one is ignored).
    pub fn progress(&mut self, id: TaskId, done: u64, total: Option<u64>, now_ms: i64) {
        if let Some(t) = self.running.get_mut(&id) {
            t.done = done;
            t.total = total;
            t.updated_ms = now_ms;
            t.reported = true;
        }
    }

    pub fn finish(&mut self, id: TaskId) -> Option<Task> {
        self.running.remove(&id)
    }

    /// The upload task of pending message `local_id`.
    pub fn upload(&self, local_id: i64) -> Option<TaskId> {
        self.running.iter().find_map(|(id, t)| match &t.kind {
            TaskKind::Upload { local_id: l, .. } if *l == local_id => Some(*id),
            _ => None,
        })
    }

    pub fn get(&self, id: TaskId) -> Option<&Task> {
        self.running.get(&id)
    }

    /// Running tasks, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (TaskId, &Task)> {
        self.running.iter().map(|(id, t)| (*id, t))
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    pub fn len(&self) -> usize {
        self.running.len()
    }
}

impl App {
    /// Progress of a background task: bytes done, of how many when known.
    pub(super) fn on_progress(
        &mut self,
        task: TaskId,
        done: u64,
        total: Option<u64>,
    ) -> Vec<Effect> {
        self.tasks.progress(task, done, total, self.now_ms);
        vec![]
    }

    /// Progress of the upload of pending message `local_id`: the message shows it, and so does
    /// its task (while the message is still pending).
    pub(super) fn on_upload_progress(
        &mut self,
        key: ConvKey,
        local_id: i64,
        sent: u64,
        total: u64,
    ) -> Vec<Effect> {
        if let Some(u) = self
            .chat
            .convs
            .get_mut(&key)
            .and_then(|c| c.pending.iter_mut().find(|p| p.local_id == local_id))
            .and_then(|p| p.upload.as_mut())
        {
            u.sent = sent;
            if let Some(task) = self.tasks.upload(local_id) {
                self.tasks.progress(task, sent, Some(total), self.now_ms);
            }
        }
        vec![]
    }

    /// A background action finished (react, delete, mute…): its task ends, and a failure is
    /// shown.
    pub(super) fn on_done(
        &mut self,
        task: Option<TaskId>,
        what: String,
        result: Outcome<()>,
    ) -> Vec<Effect> {
        if let Some(task) = task {
            self.tasks.finish(task);
        }
        if let Err(e) = result {
            self.error(format!("{what}: {e}"));
            self.on_failure(&e);
        }
        vec![]
    }

    /// A download finished: where it was saved, or why not.
    pub(super) fn on_downloaded(
        &mut self,
        task: TaskId,
        name: String,
        result: Outcome<String>,
    ) -> Vec<Effect> {
        self.tasks.finish(task);
        match result {
            Ok(path) => self.info(format!("saved {}", crate::sanitize::one_line(&path, 80))),
            Err(e) => {
                self.error(format!(
                    "download of {}: {e}",
                    crate::files::shown_name(&name, 40)
                ));
                self.on_failure(&e);
            }
        }
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_never_reused() {
        let mut t = Tasks::default();
        let a = t.start(TaskKind::Preview, 0);
        t.finish(a);
        let b = t.start(TaskKind::Preview, 0);
        assert_ne!(a, b);
    }

    #[test]
    fn two_downloads_of_one_name_are_two_tasks() {
        let mut t = Tasks::default();
        let name = || TaskKind::Download {
            name: "a.pdf".into(),
        };
        let a = t.start(name(), 0);
        let b = t.start(name(), 0);
        t.progress(a, 5, Some(10), 1);
        t.finish(b);
        assert_eq!(t.len(), 1);
        assert_eq!(t.get(a).map(|x| (x.done, x.total)), Some((5, Some(10))));
    }

    #[test]
    fn progress_after_the_end_is_ignored() {
        let mut t = Tasks::default();
        let a = t.start(
            TaskKind::Upload {
                local_id: 7,
                name: "x".into(),
            },
            0,
        );
        assert_eq!(t.upload(7), Some(a));
        t.finish(a);
        t.progress(a, 1, Some(2), 3);
        assert!(t.is_empty() && t.upload(7).is_none());
    }
}
