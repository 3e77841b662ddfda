//! Staged files: picked for the next send, already opened by the runtime. The handle is
//! opaque here (the pure layers never read a file); only the upload task looks inside it.

use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;

/// An open file handle the pure layers carry but cannot use: the runtime puts one in when it
/// stages a file and takes it out (by type) when it uploads. Cloning shares the handle.
#[derive(Clone)]
pub struct OpenFile(Arc<dyn Any + Send + Sync>);

impl OpenFile {
    pub fn new<T: Any + Send + Sync>(handle: T) -> OpenFile {
        OpenFile(Arc::new(handle))
    }

    /// The handle, if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.downcast_ref()
    }
}

impl std::fmt::Debug for OpenFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OpenFile")
    }
}

/// A file picked for upload, opened when staged. `file` is the handle the upload reads; the
/// path is kept for display and equality only.
#[derive(Debug, Clone)]
pub struct Staged {
    pub path: PathBuf,
    pub name: String,
    pub size: u64,
    pub content_type: String,
    pub file: OpenFile,
}

/// Equal when they describe the same file (the handle is not compared).
impl PartialEq for Staged {
    fn eq(&self, other: &Self) -> bool {
        (&self.path, &self.name, self.size, &self.content_type)
            == (&other.path, &other.name, other.size, &other.content_type)
    }
}

impl Eq for Staged {}
