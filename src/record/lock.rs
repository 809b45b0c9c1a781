//! One editor at a time: a record open for editing holds an OS file lock on a hidden file
//! beside it (`.NAME.lock`), which also says who holds it. The OS drops the lock when the
//! process ends, however it ends, so a crash never leaves a record locked.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::text::{display_path, neutralize_line};

/// Held while a record is open for editing; released when dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// `holder` is read from the lock file, so it is neutralised like any text from a file.
    #[error(
        "{} is open for editing elsewhere ({}); open it read-only (`interview --read-only`) or try again once it is closed",
        display_path(file),
        neutralize_line(holder)
    )]
    Held { file: PathBuf, holder: String },
    #[error("cannot lock {}: {source}", display_path(file))]
    Io { file: PathBuf, source: io::Error },
}

/// `dir/.a.toml.lock` for `dir/a.toml`.
pub fn lock_path(record: &Path) -> PathBuf {
    let name = record
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    record.with_file_name(format!(".{name}.lock"))
}

/// Takes the edit lock of a record, or says who holds it.
pub fn lock(record: &Path) -> Result<Lock, LockError> {
    let path = lock_path(record);
    let io_err = |source| LockError::Io {
        file: record.to_owned(),
        source,
    };
    // The file is never deleted: deleting it could let two processes lock two different files.
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_err)?;
    match file.try_lock() {
        Ok(()) => {
            let since = jiff::ZonedDateTime::now()
                .strftime("%Y-%m-%d %H:%M:%S %Z")
                .to_string();
            let holder = format!(
                "host {}, process {}, since {since}",
                hostname(),
                std::process::id()
            );
            file.set_len(0).map_err(io_err)?;
            file.write_all(holder.as_bytes()).map_err(io_err)?;
            // No save of this record can be under way now: clear what crashed ones left.
            super::store::remove_stale_temp_files(record);
            Ok(Lock { file })
        }
        Err(fs::TryLockError::WouldBlock) => {
            let holder = fs::read_to_string(&path).unwrap_or_default();
            let holder = if holder.trim().is_empty() {
                "holder unknown".to_string()
            } else {
                holder.trim().to_string()
            };
            Err(LockError::Held {
                file: record.to_owned(),
                holder,
            })
        }
        Err(fs::TryLockError::Error(e)) => Err(io_err(e)),
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Nobody holds it any more: clear the holder's name. The OS releases the lock itself.
        let _ = self.file.set_len(0);
    }
}

fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holder_and_freed_on_drop() {
        let dir = tempfile::TempDir::new().unwrap();
        let record = dir.path().join("a.toml");
        let first = lock(&record).unwrap();
        let err = lock(&record).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("process {}", std::process::id())),
            "{msg}"
        );
        assert!(
            msg.contains("a.toml is open for editing elsewhere"),
            "{msg}"
        );
        drop(first);
        let again = lock(&record);
        assert!(again.is_ok());
    }

    #[test]
    fn taking_the_lock_clears_only_this_records_stale_temporary_files() {
        let dir = tempfile::TempDir::new().unwrap();
        for name in [
            ".a.toml.Xy12Zq.tmp",
            ".b.toml.Xy12Zq.tmp",
            "a.toml",
            ".a.toml.notes.tmp.bak",
        ] {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        let _held = lock(&dir.path().join("a.toml")).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".a.toml.lock",
                ".a.toml.notes.tmp.bak",
                ".b.toml.Xy12Zq.tmp",
                "a.toml"
            ]
        );
    }
}
