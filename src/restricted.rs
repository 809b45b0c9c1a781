//! `interview --restricted`, for an account that hosts interviews (an sshd `ForceCommand`):
//! the record it was started with and nothing else. Set once at start for the whole
//! process, so that no path (a reload, a worker thread) can forget it. Under it:
//! questionnaires are the embedded ones or files in the record's folder, never the working
//! folder's; evidence files are read only inside the record's folder, and nothing outside
//! it is even looked at; no shell (suspend is refused); nothing is written but the record,
//! its lock and its `.mine.toml` (no drafts, no rescue files: unsaved answers are printed).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

pub fn enable() {
    ON.store(true, Ordering::SeqCst);
}

pub fn on() -> bool {
    ON.load(Ordering::SeqCst)
}

/// `path` (relative to `folder`, or absolute) as a file inside `folder`, or None. Decided by
/// name first, so a path outside is never touched; then each part below the folder is looked
/// at itself (`lstat`), and a path through any symbolic link is refused without the link
/// being read: its target, wherever it is, is never looked at.
pub fn inside(folder: &Path, path: &Path) -> Option<PathBuf> {
    let folder = std::fs::canonicalize(folder).ok()?;
    let named = crate::record::evidence::absolute(&folder.join(path));
    let below = named.strip_prefix(&folder).ok()?;
    let mut at = folder.clone();
    for part in below.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at)
            .ok()?
            .file_type()
            .is_symlink()
        {
            return None;
        }
    }
    Some(named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_is_inside_the_folder_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("rec");
        std::fs::create_dir_all(folder.join("docs")).unwrap();
        std::fs::write(folder.join("docs/a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), folder.join("link")).unwrap();
        assert!(inside(&folder, Path::new("docs/a.txt")).is_some());
        assert!(inside(&folder, &folder.join("docs/../docs/a.txt")).is_some());
        assert!(inside(&folder, Path::new("../secret")).is_none());
        assert!(inside(&folder, &dir.path().join("secret")).is_none());
        assert!(inside(&folder, Path::new("link")).is_none());
        assert!(inside(&folder, Path::new("/etc/passwd")).is_none());
        // A link is refused even when it leads back inside: it is never read.
        std::os::unix::fs::symlink("../rec/docs", folder.join("back")).unwrap();
        std::os::unix::fs::symlink("docs", folder.join("alias")).unwrap();
        assert!(inside(&folder, Path::new("back/a.txt")).is_none());
        assert!(inside(&folder, Path::new("alias/a.txt")).is_none());
        assert!(inside(&folder, Path::new("docs/missing")).is_none());
    }
}
