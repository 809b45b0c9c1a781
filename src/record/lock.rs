//! One editor at a time: a record open for editing holds an OS file lock on a hidden file
//! beside it (`.NAME.lock`), which also says who holds it and where in the record the editor
//! is (for those following the interview). The OS drops the lock when the process ends,
//! however it ends, so a crash never leaves a record locked. Let go, the lock file is
//! removed, unless it keeps a note for the next editor.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::text::{display_path, neutralize_line};

/// Held while a record is open for editing; released when dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
    /// The lock file's path, removed when the lock is let go with no note to keep.
    path: PathBuf,
    /// False when this account may lock the file but not write it (made by another
    /// account that did not let it): nothing is written in it then.
    writable: bool,
    /// Who holds it: host, process, since when.
    holder: String,
    /// A note for whoever edits the record next (where answers that could not be saved
    /// went). It stays in the lock file, across holders, until a save of the record succeeds.
    note: Option<String>,
    /// Where the editor is (a requirement id), for followers; only while held.
    at: Option<String>,
}

/// How a note for the next holder starts in the lock file.
const NOTE: &str = "note: ";
/// How the editor's position starts in the lock file.
const AT: &str = "at: ";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// `holder` is read from the lock file, so it is neutralised like any text from a file.
    #[error(
        "{} is open for editing elsewhere ({}); open it read-only (`interview --read-only`) or try again once it is closed",
        display_path(file),
        neutralize_line(holder)
    )]
    Held { file: PathBuf, holder: String },
    #[error("cannot lock {} for editing: {cause}", display_path(file))]
    Io { file: PathBuf, cause: io::Error },
}

/// The record's folder, when it is not there (the lock file cannot be made in it).
fn missing_folder(record: &Path) -> Option<PathBuf> {
    let folder = match record.parent() {
        Some(p) if p.as_os_str().is_empty() => Path::new("."),
        Some(p) => p,
        None => return None,
    };
    (!folder.is_dir()).then(|| folder.to_owned())
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
    let io_err = |cause| LockError::Io {
        file: record.to_owned(),
        cause,
    };
    // The file is deleted only by its holder, while it holds the lock, and only when it
    // keeps no note (see [`Drop`]); so a lock taken counts only while the path still names
    // the file locked: one taken on a file deleted meanwhile is let go, and the lock taken
    // again on the file now there. A link in its place is never followed (writing the
    // holder's name through it would overwrite whatever it points to), and only a regular
    // file will do.
    // A holder writes its name just after taking the lock and clears it just before letting
    // go: an empty name means one of those moments, so look again (or take the lock) rather
    // than answer "holder unknown".
    for _ in 0..50 {
        let (file, writable) = open_lock_file(&path, record)
            .map_err(|e| {
                if e.raw_os_error() == Some(libc::ELOOP) {
                    io::Error::other(format!(
                        "{} is a symbolic link; remove it",
                        display_path(&path)
                    ))
                } else if e.kind() == io::ErrorKind::NotFound
                    && let Some(folder) = missing_folder(record)
                {
                    io::Error::other(format!(
                        "the folder {} does not exist",
                        display_path(&folder)
                    ))
                } else {
                    e
                }
            })
            .map_err(io_err)?;
        if !file.metadata().map_err(io_err)?.is_file() {
            return Err(io_err(io::Error::other(format!(
                "{} is not a regular file; remove it",
                display_path(&path)
            ))));
        }
        match file.try_lock() {
            Ok(()) if is_at(&file, &path) => {
                return take(file, writable, record).map_err(io_err);
            }
            // Its holder deleted it as it let go: lock the one there now.
            Ok(()) => continue,
            Err(fs::TryLockError::WouldBlock) => {
                let text = read_text_of(&file).unwrap_or_default();
                let holder = text.lines().next().unwrap_or("");
                if !holder.trim().is_empty() && !holder.starts_with(NOTE) {
                    return Err(LockError::Held {
                        file: record.to_owned(),
                        holder: text.trim().replace('\n', "; "),
                    });
                }
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Err(LockError::Held {
        file: record.to_owned(),
        holder: "holder unknown".into(),
    })
}

/// Whether `path` still names the open `file` (not deleted, not replaced).
fn is_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(open), Ok(there)) => open.dev() == there.dev() && open.ino() == there.ino(),
        _ => false,
    }
}

/// Opens (or creates) the lock file of `record`; says whether it could be opened for
/// writing. A new one is given the record's group and its read and write permissions, so
/// that every account that may write the record may take its lock. One that this account
/// may not write (made by another before) is opened read-only: the OS lock works all the
/// same, only the holder's name cannot be written in it.
fn open_lock_file(path: &Path, record: &Path) -> io::Result<(File, bool)> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let open = |o: &mut OpenOptions| {
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(path)
    };
    match open(OpenOptions::new().read(true).write(true).create_new(true)) {
        Ok(file) => {
            if let Ok(m) = fs::metadata(record) {
                // Best effort: the record's owner (as root) and group (one this account
                // is in), so that the lock is no one else's to refuse.
                let fd = file.as_raw_fd();
                if unsafe { libc::fchown(fd, m.uid(), m.gid()) } != 0 {
                    unsafe { libc::fchown(fd, u32::MAX, m.gid()) };
                }
                let mode = fs::Permissions::from_mode(m.mode() & 0o666);
                let _ = file.set_permissions(mode);
            }
            return Ok((file, true));
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    match open(OpenOptions::new().read(true).write(true)) {
        Ok(file) => Ok((file, true)),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            open(OpenOptions::new().read(true)).map(|f| (f, false))
        }
        Err(e) => Err(e),
    }
}

/// Just locked: write who holds it, keeping a note the last holder left.
fn take(file: File, writable: bool, record: &Path) -> io::Result<Lock> {
    let note = read_text_of(&file).and_then(|t| note_in(&t).map(str::to_owned));
    // In UTC: the same for whoever reads it, wherever they are, and no time zone database
    // to search before the interview can start.
    let since = jiff::Timestamp::now()
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string();
    let holder = format!(
        "host {}, process {}, since {since}",
        hostname(),
        std::process::id()
    );
    let mut lock = Lock {
        file,
        path: lock_path(record),
        writable,
        holder,
        note,
        at: None,
    };
    lock.write(true)?;
    // No save of this record can be under way now: clear what crashed ones left.
    let stale = super::store::remove_stale_temp_files(record);
    let names = |files: &[std::path::PathBuf]| {
        let names: Vec<String> = files.iter().map(|p| crate::text::display_path(p)).collect();
        names.join(", ")
    };
    if !stale.kept.is_empty() {
        lock.leave_note(&format!(
            "a save that was stopped left a version of the record that differs from it; kept as {}",
            names(&stale.kept)
        ));
    }
    if !stale.unread.is_empty() {
        lock.leave_note(&format!(
            "a save that was stopped left a temporary file this account may not read, so it was left as it is (its owner or root can look at it and remove it): {}",
            names(&stale.unread)
        ));
    }
    Ok(lock)
}

/// The note left in a record's lock file, read without taking the lock (for commands that
/// only read the record).
pub fn note_of(record: &Path) -> Option<String> {
    let text = read_lock_file(&lock_path(record))?;
    note_in(&text).map(str::to_owned)
}

/// The most of a lock file read: a holder, a position and a note are a few lines.
const MAX_LOCK_TEXT: u64 = 64 * 1024;

/// The text of a lock file, read without taking the lock: never through a link, never
/// blocking (a FIFO in its place), only a regular file (not `/dev/zero`), and bounded.
fn read_lock_file(path: &Path) -> Option<String> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    read_text_of(&file)
}

/// The text of an open lock file, from its start, bounded.
fn read_text_of(file: &File) -> Option<String> {
    let mut bytes = Vec::new();
    let mut at = 0;
    let mut buf = [0u8; 4096];
    while (bytes.len() as u64) < MAX_LOCK_TEXT {
        let n = file.read_at(&mut buf, at).ok()?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
        at += n as u64;
    }
    bytes.truncate(MAX_LOCK_TEXT as usize);
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The note line of a lock file's text.
fn note_in(text: &str) -> Option<&str> {
    line_in(text, NOTE)
}

fn line_in<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// Where the editor of a record is (what it published with [`Lock::publish`]), read without
/// taking or blocking the lock; None when nobody edits it.
pub fn position_of(record: &Path) -> Option<String> {
    let text = read_lock_file(&lock_path(record))?;
    let holder = text.lines().next()?;
    if holder.trim().is_empty() || holder.starts_with(NOTE) {
        return None;
    }
    line_in(&text, AT).map(str::to_owned)
}

impl Lock {
    /// What the last holder left for the next one, if anything.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Leaves a note for whoever edits the record next (added to any note already there);
    /// it stays until a save succeeds.
    pub fn leave_note(&mut self, note: &str) {
        let note = note.replace('\n', " ");
        self.note = Some(match self.note.take() {
            Some(before) => format!("{before}; {note}"),
            None => note,
        });
        let _ = self.write(true);
    }

    /// Says where the editor is, for those following the interview; written only when it
    /// moved.
    pub fn publish(&mut self, at: &str) {
        if self.at.as_deref() != Some(at) {
            self.at = Some(neutralize_line(at).replace('\n', " "));
            let _ = self.write(true);
        }
    }

    /// The record was saved: the note has done its work.
    pub fn saved(&mut self) {
        if self.note.take().is_some() {
            let _ = self.write(true);
        }
    }

    /// Writes the holder's name (while held) and the note. Written in one call at the
    /// start, then cut to length, so that a reader sees a whole text, never half of one.
    fn write(&self, held: bool) -> io::Result<()> {
        if !self.writable {
            return Ok(());
        }
        let mut text = if held {
            self.holder.clone()
        } else {
            String::new()
        };
        if let Some(at) = self.at.as_deref().filter(|_| held) {
            text.push('\n');
            text.push_str(AT);
            text.push_str(at);
        }
        if let Some(n) = &self.note {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(NOTE);
            text.push_str(n);
        }
        self.file.write_all_at(text.as_bytes(), 0)?;
        self.file.set_len(text.len() as u64)
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Nobody holds it any more: only the note, if any, stays. The OS releases the lock.
        let _ = self.write(false);
        // With no note to keep, the file goes, while it is still locked: whoever opened it
        // meanwhile finds, once it has the lock, that the path no longer names it, and
        // takes the lock again (see [`lock`]). One that keeps a note (where the answers
        // that could not be saved went) stays for the next editor.
        if self.note.is_none() && is_at(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
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
    fn the_lock_file_goes_when_let_go_unless_it_keeps_a_note() {
        let dir = tempfile::TempDir::new().unwrap();
        let record = dir.path().join("a.toml");
        let held = lock(&record).unwrap();
        assert!(lock_path(&record).exists());
        drop(held);
        assert!(!lock_path(&record).exists());

        let mut held = lock(&record).unwrap();
        held.leave_note("the answers went to a.unsaved.toml");
        drop(held);
        assert_eq!(
            note_of(&record).as_deref(),
            Some("the answers went to a.unsaved.toml")
        );
        // The next holder reads it; once a save succeeds the note has done its work.
        let mut held = lock(&record).unwrap();
        assert!(held.note().is_some());
        held.saved();
        drop(held);
        assert!(!lock_path(&record).exists());
    }

    /// Lockers that come and go in threads: never two holders at once, although each
    /// deletes the file as it lets go.
    #[test]
    fn a_lock_file_deleted_as_it_is_let_go_never_makes_two_holders() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let dir = tempfile::TempDir::new().unwrap();
        let record = std::sync::Arc::new(dir.path().join("a.toml"));
        let inside = std::sync::Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (record, inside) = (record.clone(), inside.clone());
                std::thread::spawn(move || {
                    for _ in 0..200 {
                        if let Ok(held) = lock(&record) {
                            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                            drop(held);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    /// `--follow` reads the lock file for the editor's position: a FIFO or a link to
    /// `/dev/zero` in its place is not read (it would block, or never end).
    #[test]
    fn a_lock_file_that_blocks_or_never_ends_is_not_read() {
        let dir = tempfile::TempDir::new().unwrap();
        let fifo = dir.path().join("f.toml");
        let status = std::process::Command::new("mkfifo")
            .arg(lock_path(&fifo))
            .status()
            .unwrap();
        assert!(status.success());
        let zero = dir.path().join("z.toml");
        std::os::unix::fs::symlink("/dev/zero", lock_path(&zero)).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let got = [fifo, zero].map(|r| (position_of(&r), note_of(&r)));
            let _ = tx.send(got);
        });
        // A bound against a hang, not a wait for a race: the reads return at once.
        let got = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("reading the lock file hangs");
        assert_eq!(got, [(None, None), (None, None)]);

        // A regular lock file is still read.
        let record = dir.path().join("a.toml");
        let mut held = lock(&record).unwrap();
        held.publish("7.2.b");
        assert_eq!(position_of(&record).as_deref(), Some("7.2.b"));
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
