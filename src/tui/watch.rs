//! Following a record while someone else edits it: file notifications (inotify) on the
//! record's folder, so that a follower wakes only when the record or its lock changes, and
//! uses no CPU in between.

use std::ffi::OsString;
use std::path::Path;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::record::lock::lock_path;

/// Calls `changed` whenever the record or its lock file (where the editor says where it is)
/// is written, replaced or removed. Watching stops when the returned watcher is dropped.
pub fn watch(
    record: &Path,
    changed: impl Fn() + Send + 'static,
) -> notify::Result<RecommendedWatcher> {
    let names: [OsString; 2] = [record, &lock_path(record)]
        .map(|p| p.file_name().map(ToOwned::to_owned).unwrap_or_default());
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else {
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let ours = event
            .paths
            .iter()
            .any(|p| p.file_name().is_some_and(|n| names.iter().any(|x| x == n)));
        if ours {
            changed();
        }
    })?;
    let folder = record.parent().filter(|p| !p.as_os_str().is_empty());
    watcher.watch(
        folder.unwrap_or(Path::new(".")),
        RecursiveMode::NonRecursive,
    )?;
    Ok(watcher)
}
