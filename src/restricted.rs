//! `interview --restricted`, for an account that hosts interviews (an sshd `ForceCommand`):
//! the record it was started with and nothing else. Set once at start for the whole
//! process, so that no path (a reload, a worker thread) can forget it. Under it:
//! questionnaires are the embedded ones or files in the record's folder, never the working
//! folder's; evidence files are read only inside the record's folder, and nothing outside
//! it is even looked at; no shell (suspend is refused); nothing is written but the record,
//! its lock and its `.mine.toml` (no drafts, no rescue files: unsaved answers are printed).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::record::access::Access;

/// What an interview of `record` may read: only the record's folder when restricted.
pub fn access(record: &Path, restricted: bool) -> Access {
    if restricted {
        Access::folder_of(record)
    } else {
        Access::Unrestricted
    }
}

static ON: AtomicBool = AtomicBool::new(false);

pub fn enable() {
    ON.store(true, Ordering::SeqCst);
}

pub fn on() -> bool {
    ON.load(Ordering::SeqCst)
}
