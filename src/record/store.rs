//! Reading and writing records. Every save is atomic: the new text goes to a temporary file in
//! the same folder and is flushed to disk; that file and the record swap names, the record's
//! own file is rewritten at the private name, and the names are swapped back (see
//! [`OnDisk::write`]). A crash or a full disk leaves either the old record or the new one,
//! never a torn file, and the record keeps its own file.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::Deserialize;

use super::access::Access;
use super::{QuestionnaireRef, Record, SCHEMA, check};
use crate::diagnostic::{self, Diagnostic};
use crate::questionnaire::catalog::{self, Loaded, sha256_hex};
use crate::text::display_path;
use crate::{LoadError, MAX_FILE_BYTES, read_text};

/// A record with its questionnaire, checked against each other.
#[derive(Debug, Clone)]
pub struct Opened {
    pub path: PathBuf,
    pub record: Record,
    pub questionnaire: Loaded,
    /// Set when the questionnaire's text differs from the one the record was made with.
    pub questionnaire_changed: bool,
    /// SHA-256 of the file as last read or written: a different hash on disk means someone
    /// else changed it, and it must not be overwritten blindly.
    pub disk_sha256: String,
    /// The file's size, modification time and inode as last read or written: while they are
    /// the same, nobody wrote it, and it need not be read back to know.
    pub disk_stamp: Option<Stamp>,
    /// The older schema the file was written in, when the next save upgrades it.
    pub upgraded_from: Option<u32>,
    /// What it was opened with: reading it again and hashing its evidence use the same.
    pub access: Access,
    /// The day it was opened on, as the front end read it: what its saves are checked
    /// against.
    pub today: Date,
}

/// The canonical text of a record: what `save` writes.
pub fn to_text(record: &Record) -> String {
    toml::to_string_pretty(record).expect("a record always serialises")
}

/// Parses a record's text without looking at its questionnaire. A schema 1 record comes back
/// in the current layout (see [`parse_versioned`]).
pub fn parse(file: &Path, text: &str) -> Result<Record, LoadError> {
    parse_versioned(file, text).map(|(record, _)| record)
}

/// Parses a record's text; also says which schema the text was written in, when it was an
/// older one that the next save will upgrade.
pub fn parse_versioned(file: &Path, text: &str) -> Result<(Record, Option<u32>), LoadError> {
    let newer = |found| LoadError::NewerSchema {
        file: file.to_owned(),
        found,
        supported: SCHEMA,
    };
    // A record of a newer schema is refused, even when this version could read it: it may
    // hold fields this version would drop. A good file is parsed once; the schema is looked
    // at on its own only when the record does not load (a newer or older one may well not).
    match diagnostic::from_toml::<Record>(file, text) {
        Ok(record) if record.schema > SCHEMA => Err(newer(i64::from(record.schema))),
        // Schema 1 without findings or actions reads as it is; schema 2 once its single
        // verifications are moved into their lists.
        Ok(mut record) if record.schema < SCHEMA => {
            let was = record.schema;
            record.upgrade_schema2();
            record.schema = SCHEMA;
            Ok((record, Some(was)))
        }
        Ok(record) => Ok((record, None)),
        Err(d) => {
            #[derive(Deserialize)]
            struct Schema {
                schema: Option<toml::Value>,
            }
            let found = toml::from_str::<Schema>(text)
                .ok()
                .and_then(|s| s.schema)
                .and_then(|v| v.as_integer());
            match found {
                Some(found) if found > i64::from(SCHEMA) => Err(newer(found)),
                Some(1) => diagnostic::from_toml_all::<super::v1::RecordV1>(file, text)
                    .map(|old| (old.upgrade(), Some(1)))
                    .map_err(|all| LoadError::invalid(file, all)),
                // Every problem is listed, not only the first the parse stopped at: the
                // other unknown keys too.
                _ => Err(LoadError::invalid(
                    file,
                    diagnostic::from_toml_all::<Record>(file, text)
                        .err()
                        .unwrap_or_else(|| vec![d]),
                )),
            }
        }
    }
}

/// Reads a record, finds its questionnaire and checks one against the other. A symbolic link
/// is followed: the record is the file it points to, and saves go there. `access` says which
/// questionnaire files may be read; `today` is the day it is read on (no date of its history
/// may be later), which its saves are checked against too.
pub fn open(path: &Path, access: &Access, today: Date) -> Result<Opened, LoadError> {
    let path = &real_path(path).map_err(|cause| LoadError::Io {
        file: path.to_owned(),
        cause,
    })?;
    // The stamp is trusted only if the file did not change while it was read.
    let before = stamp(path);
    let text = read_text(path)?;
    let after = stamp(path);
    // The questionnaire is read while the record is parsed (each can take a good part of a
    // second at thousands of requirements): the record names it at its top, where `save`
    // writes it. The parsed record must name the very same one, or it is read again.
    let named = named_questionnaire(&text);
    let (parsed, early) = std::thread::scope(|s| {
        let early = named.map(|r| s.spawn(move || (questionnaire_from(&r, path, access), r)));
        let parsed = parse_versioned(path, &text);
        (parsed, early.and_then(|e| e.join().ok()))
    });
    let (record, upgraded_from) = parsed?;
    let questionnaire = match early {
        Some((loaded, named)) if named == record.questionnaire => loaded?,
        _ => questionnaire_for(&record, path, access)?,
    };
    let mut opened = checked(path, &text, record, questionnaire, access, today)?;
    opened.upgraded_from = upgraded_from;
    opened.disk_stamp = after.filter(|_| before == after);
    Ok(opened)
}

/// The `[questionnaire]` table of a record's text, read on its own: `None` unless it is
/// there as `save` writes it (a table of its own, ending where the next one starts).
fn named_questionnaire(text: &str) -> Option<QuestionnaireRef> {
    #[derive(Deserialize)]
    struct Head {
        questionnaire: QuestionnaireRef,
    }
    let start = text.find("\n[questionnaire]\n")? + 1;
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |i| start + 1 + i + 1);
    toml::from_str::<Head>(&text[start..end])
        .ok()
        .map(|h| h.questionnaire)
}

/// Size, modification time and inode of a file.
pub type Stamp = (u64, std::time::SystemTime, u64);

pub fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?, m.ino()))
}

/// The rest of [`open`] for a record already parsed from `text`, the contents of `path`.
pub fn with_questionnaire(
    path: &Path,
    text: &str,
    record: Record,
    access: &Access,
    today: Date,
) -> Result<Opened, LoadError> {
    let questionnaire = questionnaire_for(&record, path, access)?;
    checked(path, text, record, questionnaire, access, today)
}

/// Checks a record parsed from `text` (the contents of `path`) against its questionnaire,
/// already loaded: the check [`open`] makes, with the same errors, for a caller that reads
/// many records of a few questionnaires (`portfolio`) and loads each questionnaire once.
/// Facets checked under a former text are read as the facets they were renamed to first.
pub fn check_with(
    path: &Path,
    text: &str,
    record: &mut Record,
    questionnaire: &crate::questionnaire::Questionnaire,
    today: Date,
) -> Result<(), LoadError> {
    crate::record::edit::rename_facets(record, questionnaire);
    let problems = check(record, questionnaire, today);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(LoadError::invalid(
            path,
            diagnostic::locate(path, text, problems),
        ))
    }
}

/// A record and its questionnaire, once checked against each other.
fn checked(
    path: &Path,
    text: &str,
    record: Record,
    questionnaire: Loaded,
    access: &Access,
    today: Date,
) -> Result<Opened, LoadError> {
    let mut record = record;
    check_with(path, text, &mut record, &questionnaire.questionnaire, today)?;
    Ok(Opened {
        path: path.to_owned(),
        disk_sha256: sha256_hex(text.as_bytes()),
        disk_stamp: None,
        questionnaire_changed: questionnaire.sha256 != record.questionnaire.sha256,
        record,
        questionnaire,
        upgraded_from: None,
        access: access.clone(),
        today,
    })
}

/// The questionnaire a record names: its file (relative to the record), else an embedded or
/// local one with its id. Restricted, only an embedded one or a file in the allowed folder.
pub fn questionnaire_for(
    record: &Record,
    record_path: &Path,
    access: &Access,
) -> Result<Loaded, LoadError> {
    questionnaire_from(&record.questionnaire, record_path, access)
}

fn questionnaire_from(
    r: &QuestionnaireRef,
    record_path: &Path,
    access: &Access,
) -> Result<Loaded, LoadError> {
    let refused = || LoadError::RestrictedQuestionnaire {
        file: record_path.to_owned(),
    };
    match (&r.path, access) {
        (Some(p), Access::Folder(_)) => {
            catalog::from_file(&access.file(record_path, Path::new(p)).ok_or_else(refused)?)
        }
        (None, Access::Folder(_)) => catalog::embedded(&r.id).ok_or_else(refused)?,
        (Some(p), Access::Unrestricted) => {
            let dir = record_path.parent().unwrap_or(Path::new(""));
            catalog::from_file(&dir.join(p))
        }
        (None, Access::Unrestricted) => catalog::resolve(&r.id, Path::new(catalog::LOCAL_DIR)),
    }
}

/// The file a path names once symbolic links are followed, so that the lock and the save
/// act on the real record rather than replacing the link with a copy. A path that does not
/// exist yet is returned as it is.
pub fn real_path(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_owned();
    // The same bound as the kernel's, against link loops.
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            Ok(_) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(path),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Refuses a record that a save would damage: one the user made read-only, and one with
/// several hard links (replacing the file would leave the other names with the old text).
pub fn check_writable(path: &Path) -> Result<(), SaveError> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::metadata(path) else {
        return Ok(());
    };
    if !meta.is_file() {
        return Err(SaveError::NotAFile {
            path: path.to_owned(),
        });
    }
    if meta.permissions().readonly() {
        return Err(SaveError::ReadOnly {
            path: path.to_owned(),
        });
    }
    // Write bits for someone else (another account's 0644 file) do not make it ours to
    // change: ask the kernel whether this user may write it.
    if !may_write(path) {
        return Err(SaveError::NotWritable {
            path: path.to_owned(),
            owner: meta.uid(),
            mode: meta.mode() & 0o7777,
        });
    }
    if meta.nlink() > 1 {
        return Err(SaveError::HardLinked {
            path: path.to_owned(),
            links: meta.nlink(),
        });
    }
    Ok(())
}

/// Whether the record's name holds a save's temporary file (marked with [`SAVE_MARK`]): a
/// save was stopped between its swaps, and taking the record's lock finishes it.
pub fn stopped_save(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.mode() & SAVE_MARK != 0)
}

/// Whether the record is no longer where it was, although its folder still is.
fn vanished(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(path).is_err_and(|e| e.kind() == io::ErrorKind::NotFound)
        // A folder deleted while it is the working folder still answers to `.`, with no
        // links left.
        && fs::metadata(folder_of(path)).is_ok_and(|m| m.is_dir() && m.nlink() > 0)
}

/// Whether this user (by the effective ids, as a write would be checked) may write `path`.
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    let r = unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), libc::W_OK, libc::AT_EACCESS) };
    // Only a refusal for this user counts here; a read-only file system and the like fail
    // the save itself, with their own error.
    r == 0
        || !matches!(
            io::Error::last_os_error().raw_os_error(),
            Some(libc::EACCES | libc::EPERM)
        )
}

/// Writes the record atomically. Nothing is written if the record does not check, would be
/// too large to be read back, or the file on disk changed since it was read.
pub fn save(opened: &mut Opened) -> Result<(), SaveError> {
    opened.record.tidy();
    let text = to_text(&opened.record);
    let problems = check(
        &opened.record,
        &opened.questionnaire.questionnaire,
        opened.today,
    );
    if !problems.is_empty() {
        return Err(SaveError::Invalid(diagnostic::locate(
            &opened.path,
            &text,
            problems,
        )));
    }
    let mut disk = OnDisk::of(opened);
    disk.write(&text)?;
    opened.disk_sha256 = disk.sha256;
    opened.disk_stamp = disk.stamp;
    opened.upgraded_from = None;
    Ok(())
}

/// The record file as the last read or write of it left it. Saving checks that nobody else
/// changed it since: by its size, modification time and inode, reading it back for its
/// SHA-256 only when one of those differs.
#[derive(Debug, Clone)]
pub struct OnDisk {
    pub path: PathBuf,
    pub sha256: String,
    stamp: Option<Stamp>,
}

impl OnDisk {
    pub fn of(opened: &Opened) -> OnDisk {
        OnDisk {
            path: opened.path.clone(),
            sha256: opened.disk_sha256.clone(),
            stamp: opened.disk_stamp,
        }
    }

    /// Writes `text` (a record that checks) atomically over the file, unless it would be too
    /// large to be read back, the file may not be replaced, or someone else changed it.
    pub fn write(&mut self, text: &str) -> Result<(), SaveError> {
        // A record every later command would refuse to open is worse than no save.
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(SaveError::TooLarge {
                path: self.path.clone(),
                size: text.len() as u64,
            });
        }
        check_writable(&self.path)?;
        // Moved away or deleted while its folder is still there: written anew, it would
        // appear beside where it went. (With the folder gone too, the save fails as any
        // other write that cannot be done.)
        if vanished(&self.path) {
            return Err(SaveError::Vanished {
                path: self.path.clone(),
            });
        }
        // Someone else changed the file since we read it (git pull, an editor, another
        // tool): keep their version and let the caller decide. Looked at again at each swap
        // of the save, for a change made while it was being written.
        if !self.holds_ours(&self.path) {
            return Err(self.conflict());
        }
        self.stamp = self.replace(text.as_bytes())?;
        self.sha256 = sha256_hex(text.as_bytes());
        Ok(())
    }

    fn conflict(&self) -> SaveError {
        SaveError::Conflict {
            path: self.path.clone(),
            theirs: None,
        }
    }

    fn io(&self, cause: io::Error) -> SaveError {
        SaveError::Io {
            path: self.path.clone(),
            cause,
        }
    }

    /// Whether `path` holds the file as we last read or wrote it: the same stamp, else the
    /// same SHA-256. A file that cannot be read (gone, say) does not stop a save.
    fn holds_ours(&self, path: &Path) -> bool {
        let now = stamp(path);
        if now.is_some() && now == self.stamp {
            return true;
        }
        match hash_file(path) {
            Ok(on_disk) => on_disk == self.sha256,
            Err(_) => now.is_none(),
        }
    }

    /// Puts `bytes` in the record's place and keeps the record's own file (its owner, group,
    /// mode, ACLs and extended attributes stay, whoever saves): the new text goes to a
    /// temporary file T, T and the record swap names (the record's file is now at T's
    /// private name, where it is checked and rewritten), and swap back. A change someone
    /// else made meanwhile is found at either swap and put back in the record's place.
    /// Gives the new stamp.
    fn replace(&self, bytes: &[u8]) -> Result<Option<Stamp>, SaveError> {
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
        let path = &self.path;
        // Records never carry the sticky bit: it is the mark of a save's temporary file.
        let meta = fs::metadata(path).ok();
        let mode = meta.as_ref().map(|m| m.mode() & 0o6777);
        let gid = meta.as_ref().map(|m| m.gid());
        let tmp =
            write_record_temp(path, bytes, &self.sha256, mode, gid).map_err(|e| self.io(e))?;
        let ours = sha256_hex(bytes);
        hook(path, "written");
        if let Err(e) = exchange(tmp.path(), path) {
            // The temporary file is there: the record is not. Never created again.
            if e.kind() == io::ErrorKind::NotFound && fs::metadata(folder_of(path)).is_ok() {
                return Err(SaveError::Vanished { path: path.clone() });
            }
            if !cannot_exchange(&e) {
                return Err(self.io(e));
            }
            // A file system that cannot swap names: one last look, then a plain rename. The
            // new file is the saving user's, with the record's mode but not its ACLs or
            // extended attributes; as another account, the record becomes theirs.
            if !self.holds_ours(path) {
                return Err(self.conflict());
            }
            if let Some(mode) = mode {
                let _ = tmp
                    .as_file()
                    .set_permissions(fs::Permissions::from_mode(mode));
            }
            let stamp = stamp_of(tmp.as_file()).map_err(|e| self.io(e))?;
            tmp.persist(path).map_err(|e| self.io(e.error))?;
            sync_dir(path);
            return Ok(stamp);
        }
        // The record's name holds our new text; the record's own file is at T.
        let tmp = tmp.into_temp_path();
        hook(path, "exchanged");
        if !self.holds_ours(&tmp) {
            return Err(self.swap_back(tmp));
        }
        // Rewritten through T's name: a private one, that nobody else writes to.
        let rewritten = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&tmp)
            .and_then(|file| {
                overwrite(&file, bytes)?;
                Ok((stamp_of(&file)?, file.metadata()?.ino()))
            });
        let (written, ino) = match rewritten {
            Ok(done) => done,
            Err(e) => return self.keep_new_file(tmp, mode, &ours, e),
        };
        hook(path, "rewritten");
        if let Err(e) = exchange(&tmp, path) {
            // Both names hold our text; T holds the record's own file: the next editor
            // swaps it back (see `remove_stale_temp_files`).
            let _ = tmp.keep();
            return Err(self.io(e));
        }
        // T holds our temporary file again: exactly our text, unless someone wrote to the
        // record's name while it named that file. Theirs goes back.
        let untouched = fs::symlink_metadata(&tmp).is_ok_and(|m| m.nlink() == 1)
            && hash_file(&tmp).is_ok_and(|h| h == ours);
        if !untouched {
            return Err(self.swap_back(tmp));
        }
        drop(tmp);
        sync_dir(path);
        clear_save_mark(path);
        // Written after our last look: the next save finds out by the text.
        let now = stamp(path);
        Ok(if now.is_some_and(|s| s.2 == ino) && now == written {
            written
        } else {
            None
        })
    }

    /// The rewrite of the record's own file (at T) failed (no room, an I/O error): the
    /// record's name already holds the whole new text, in our temporary file. That file
    /// stays the record: given the record's mode without the mark, the torn old file at T
    /// removed, and the save succeeded. Only the file is a new one (its owner is the
    /// saver, its group the record's when the saver may give it). Someone else's text
    /// written to the record's name meanwhile stays there, as a conflict.
    fn keep_new_file(
        &self,
        tmp: tempfile::TempPath,
        mode: Option<u32>,
        ours: &str,
        cause: io::Error,
    ) -> Result<Option<Stamp>, SaveError> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let path = &self.path;
        let before = stamp(path);
        let holds_new = hash_file(path).is_ok_and(|h| h == ours);
        let after = stamp(path);
        let Ok(m) = fs::symlink_metadata(path) else {
            // The record's name is gone: the old file at T is kept for the next editor.
            let _ = tmp.keep();
            return Err(self.io(cause));
        };
        // The group could not be given (see `write_record_temp`): owner only stays.
        let mode = match mode {
            Some(mode) if m.mode() & 0o7777 == (mode & 0o600) | SAVE_MARK => mode & 0o600,
            Some(mode) => mode,
            None => m.mode() & 0o6777,
        };
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
        clear_save_mark(path);
        // T holds the record's old file, cut short by the failed rewrite: nobody's text.
        drop(tmp);
        sync_dir(path);
        if !holds_new {
            return Err(self.conflict());
        }
        Ok(before.filter(|_| before == after))
    }

    /// Puts back in the record's place what T holds (someone else's version, or the record's
    /// own file with it), and gives the conflict. Never removes a file that may hold their
    /// text: when the names cannot be swapped back, their version is kept under a visible
    /// name, and the error says which.
    fn swap_back(&self, tmp: tempfile::TempPath) -> SaveError {
        let path = &self.path;
        if exchange(&tmp, path).is_ok() {
            // T holds our text now; it goes. The record's name has the version we found.
            clear_save_mark(path);
            drop(tmp);
            sync_dir(path);
            return self.conflict();
        }
        let at = tmp.keep().unwrap_or_default();
        SaveError::Conflict {
            path: path.clone(),
            theirs: Some(keep_visibly(path, &at, "theirs").unwrap_or(at)),
        }
    }
}

/// The mode bit (sticky, meaningless on a regular file) that marks a save's temporary file
/// while it has the record's name: only such a file is ever swapped back by the next editor.
const SAVE_MARK: u32 = 0o1000;

/// Clears [`SAVE_MARK`] from what now has the record's name (a save's temporary file that
/// became the record after someone else wrote to it).
fn clear_save_mark(path: &Path) {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if let Ok(m) = fs::symlink_metadata(path)
        && m.is_file()
        && m.mode() & SAVE_MARK != 0
    {
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(m.mode() & 0o6777));
    }
}

/// Renames `file` (beside the record) to the first free `NAME.KIND.toml`,
/// `NAME.KIND-2.toml`, ...: never over a file. Gives the new name.
fn keep_visibly(record: &Path, file: &Path, kind: &str) -> io::Result<PathBuf> {
    let stem = record
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "assessment".into());
    let dir = folder_of(record);
    for n in 1..1000 {
        let target = super::conflict::numbered(dir, &stem, kind, n);
        // A hard link then the removal of the old name: a rename would replace a file.
        match fs::hard_link(file, &target) {
            Ok(()) => {
                fs::remove_file(file)?;
                sync_dir(record);
                return Ok(target);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free file name",
    ))
}

/// Replaces the contents of an open file with `bytes` and flushes it to disk.
fn overwrite(file: &fs::File, bytes: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.set_len(0)?;
    file.write_all_at(bytes, 0)?;
    file.sync_all()
}

/// The stamp of an open file.
fn stamp_of(file: &fs::File) -> io::Result<Option<Stamp>> {
    use std::os::unix::fs::MetadataExt;
    let m = file.metadata()?;
    Ok(m.modified().ok().map(|t| (m.len(), t, m.ino())))
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}", diagnostic_lines(.0))]
    Invalid(Vec<Diagnostic>),
    #[error(
        "cannot save {}: {cause}; the file on disk is unchanged",
        display_path(path)
    )]
    Io { path: PathBuf, cause: io::Error },
    #[error(
        "{} was changed by someone else since it was opened; not overwriting it{}",
        display_path(path),
        theirs.as_ref().map(|t| format!(" (their version could not be put back: it is in {})", display_path(t))).unwrap_or_default()
    )]
    Conflict {
        path: PathBuf,
        /// Where their version is, when it could not be put back in the record's place.
        theirs: Option<PathBuf>,
    },
    #[error(
        "{} was moved away or deleted since it was opened; not creating it again",
        display_path(path)
    )]
    Vanished { path: PathBuf },
    #[error(
        "not saving {}: it would be {:.1} MiB, over the {} MiB a record may hold (shorten the notes); the file on disk is unchanged",
        display_path(path), mib_rounded_up(*size), MAX_FILE_BYTES / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, size: u64 },
    #[error(
        "{} is not a regular file (a folder, a device?); a record is a plain file",
        display_path(path)
    )]
    NotAFile { path: PathBuf },
    #[error(
        "not saving {}: the file is read-only (its permissions allow no writing); make it writable to change it",
        display_path(path)
    )]
    ReadOnly { path: PathBuf },
    #[error(
        "not saving {}: you may not write it (it belongs to user {owner}, mode {mode:04o}); its owner can let you (for a shared folder, a common group and `chmod g+w`), or work on a copy",
        display_path(path)
    )]
    NotWritable {
        path: PathBuf,
        owner: u32,
        mode: u32,
    },
    #[error(
        "not changing {}: it has {links} hard links, and saving replaces the file, which would leave the other names with the old text; edit a copy, or the one name that should change after removing the others",
        display_path(path)
    )]
    HardLinked { path: PathBuf, links: u64 },
}

/// A size in MiB to one decimal, rounded up: a size over a limit never reads as the limit.
fn mib_rounded_up(size: u64) -> f64 {
    (size as f64 * 10.0 / (1024.0 * 1024.0)).ceil() / 10.0
}

fn diagnostic_lines(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces `path` with `bytes` so that a reader sees the old or the new contents, never a
/// mixture. An existing file keeps its permissions; a new one gets the usual ones (0666 less
/// the umask).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_stamped(path, bytes).map(|_| ())
}

/// [`write_atomic`], giving the new file's stamp: taken from the temporary file before it
/// is renamed (a rename keeps size, time and inode), so that nothing written in between can
/// pass for ours.
fn write_stamped(path: &Path, bytes: &[u8]) -> io::Result<Option<Stamp>> {
    let tmp = write_temp(path, bytes)?;
    let stamp = stamp_of(tmp.as_file())?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(path);
    Ok(stamp)
}

/// For tests: called with the record's path when a save's new text is on disk, just before
/// it takes the record's place, so that a test can change the record in that gap.
#[doc(hidden)]
pub static BEFORE_REPLACE: std::sync::RwLock<Option<fn(&Path)>> = std::sync::RwLock::new(None);

/// For tests: called with the record's path and the step a save is at: `written` (the new
/// text is in its temporary file; [`BEFORE_REPLACE`] is called then too), `exchanged` (the
/// record's file is at the temporary name, not yet checked), `rewritten` (it holds the new
/// text, not yet swapped back).
#[doc(hidden)]
pub static HOOK: std::sync::RwLock<Option<StepHook>> = std::sync::RwLock::new(None);

/// A test's [`HOOK`]: the record's path, and the step.
#[doc(hidden)]
pub type StepHook = fn(&Path, &str);

fn hook(path: &Path, step: &str) {
    if step == "written"
        && let Some(hook) = *BEFORE_REPLACE.read().unwrap_or_else(|e| e.into_inner())
    {
        hook(path);
    }
    if let Some(hook) = *HOOK.read().unwrap_or_else(|e| e.into_inner()) {
        hook(path, step);
    }
}

/// Writes a new file, refusing to replace one that exists (even one created a moment ago by
/// someone else).
pub fn create_new(path: &Path, record: &Record) -> io::Result<()> {
    let tmp = write_temp(path, to_text(record).as_bytes())?;
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} already exists; not overwriting it", display_path(path)),
            )
        } else {
            e.error
        }
    })?;
    sync_dir(path);
    Ok(())
}

/// The new text in a flushed temporary file beside `path`, ready to be renamed over it.
fn write_temp(path: &Path, bytes: &[u8]) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let (prefix, suffix) = temp_affixes(path);
    let existing = fs::metadata(path).ok().map(|m| m.permissions());
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(suffix)
        // Created with 0666: the kernel takes the umask off, as for any other new file.
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(folder_of(path))?;
    tmp.write_all(bytes)?;
    if let Some(p) = existing {
        tmp.as_file().set_permissions(p)?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// The new text of a record in a flushed temporary file beside it, named after the SHA-256
/// of the text the save loaded and of the new text (`.NAME.XXXXXX.OLD.NEW.tmp`, so that the
/// next editor knows it for a save's own text, and the record's file at its name for the
/// save's own previous text) and marked with [`SAVE_MARK`] on top of the record's `mode`.
fn write_record_temp(
    path: &Path,
    bytes: &[u8],
    loaded: &str,
    mode: Option<u32>,
    gid: Option<u32>,
) -> io::Result<tempfile::NamedTempFile> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;
    let (prefix, suffix) = temp_affixes(path);
    // No permissions at all while it is written: a temporary file of mode 0000 is a save's
    // own text cut short (a record with no permissions is never saved), which the next
    // editor may remove.
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(&format!(
            ".{}.{}{suffix}",
            &loaded[..HASH_IN_NAME.min(loaded.len())],
            &sha256_hex(bytes)[..HASH_IN_NAME]
        ))
        .permissions(fs::Permissions::from_mode(0o000))
        .tempfile_in(folder_of(path))?;
    tmp.write_all(bytes)?;
    let mut mode = mode.unwrap_or(0o600) & 0o6777;
    // The record's group before the record's mode: in a set-group-id folder the file was
    // made with the folder's group, which may not be allowed to read the record. Where
    // the saver may not give that group, only the owner may read it.
    if let Some(gid) = gid
        && unsafe { libc::fchown(tmp.as_file().as_raw_fd(), u32::MAX, gid) } != 0
    {
        mode &= 0o600;
    }
    tmp.as_file()
        .set_permissions(fs::Permissions::from_mode(mode | SAVE_MARK))?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// How many hex digits of each SHA-256 a save's temporary file is named with.
const HASH_IN_NAME: usize = 16;

/// Makes a rename in the folder of `path` durable.
fn sync_dir(path: &Path) {
    if let Ok(d) = fs::File::open(folder_of(path)) {
        let _ = d.sync_all();
    }
}

/// The folder a file is in: `.` for a bare file name.
pub(super) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Temporary files of a save are `.NAME.XXXXXX.tmp` beside `NAME`: named after their record,
/// so that whoever holds the record's lock can remove those a crash left behind.
fn temp_affixes(path: &Path) -> (String, &'static str) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (format!(".{name}."), ".tmp")
}

/// Whether `name` is one of the temporary files of a save of `record`: `.NAME.` + six random
/// characters (then, for a record's new text, `.` and the loaded text's hash and `.` and the
/// new text's, or as older saves named it, `.` and the new text's only) + `.tmp`, never the
/// record or its lock.
fn is_temp_file_of(record: &Path, name: &str) -> bool {
    let (prefix, suffix) = temp_affixes(record);
    name.strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .is_some_and(|mid| {
            let hashes: Vec<&str> = mid.split('.').collect();
            hashes[0].len() == 6
                && matches!(hashes.len(), 1..=3)
                && hashes[1..].iter().all(|h| h.len() == HASH_IN_NAME)
        })
}

/// The hashes a save's temporary file is named with: that of the text the save loaded (when
/// named with it) and that of the text the file was written with.
fn hashes_in_name(name: &str) -> Option<(Option<&str>, &str)> {
    let stem = name.strip_suffix(".tmp")?;
    let (rest, new) = stem.rsplit_once('.')?;
    if new.len() != HASH_IN_NAME {
        return None;
    }
    let loaded = rest
        .rsplit_once('.')
        .map(|(_, h)| h)
        .filter(|h| h.len() == HASH_IN_NAME);
    Some((loaded, new))
}

/// The hash a save's temporary file is named with: that of the text it was written with.
fn hash_in_name(name: &str) -> Option<&str> {
    hashes_in_name(name).map(|(_, new)| new)
}

/// Clears what interrupted saves of `record` left behind. Only safe while holding the
/// record's lock (no save of it can be under way). A save stopped between its two swaps left
/// the record's own file at the temporary name and its new text (a file marked with
/// [`SAVE_MARK`]) at the record's: the save is completed (the new text written to the
/// record's file, which is swapped back) when that file holds the save's own previous text or
/// a beginning of the new one, a reader having maybe seen the new text; else (a colleague's
/// text) they are swapped back as they are. A temporary file is then removed when it holds the record's
/// text or a beginning of it, the text of the save that made it, or a write of that text
/// cut short (mode 0000); any other (someone else's version, swapped out when the save
/// stopped, whether it parses or not) is kept as `NAME.recovered.toml` (or `-2`, ...). One
/// this user cannot read cannot be judged, and is left alone.
pub fn remove_stale_temp_files(record: &Path) -> Stale {
    use std::os::unix::fs::MetadataExt;
    let mut stale = Stale::default();
    for entry in fs::read_dir(folder_of(record))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_temp_file_of(record, &name) {
            continue;
        }
        let temp = entry.path();
        swap_back_stopped_save(record, &temp, &name);
        let Some(text) = read_small(&temp) else {
            // Not a regular file (a link, a folder someone put there): left alone. Nor one
            // this user may not read (another account's, stopped before it had the
            // record's mode): it may hold someone's text, so it is never removed unread.
            if fs::symlink_metadata(&temp).is_ok_and(|m| m.is_file()) {
                stale.unread.push(temp);
            }
            continue;
        };
        // Removed only when nothing of anyone's is lost with it: the save's own text (by
        // the hash it is named with), a save's own text cut short (never given a mode:
        // see `write_record_temp`), or the record's text or a beginning of it. Anything
        // else (someone else's version, parsed or not) is kept.
        let hash = sha256_hex(&text);
        let own = hash_in_name(&name).is_some_and(|h| hash.starts_with(h));
        let torn = fs::symlink_metadata(&temp).is_ok_and(|m| m.mode() & 0o7777 == 0);
        let in_record = read_small(record).is_some_and(|r| r.starts_with(&text));
        if own || torn || in_record {
            let _ = fs::remove_file(&temp);
            sync_dir(record);
        } else if let Ok(at) = keep_visibly(record, &temp, "recovered") {
            stale.kept.push(at);
        }
    }
    // Whatever now has the record's name is the record: never left with a save's mark.
    clear_save_mark(record);
    stale
}

/// What [`remove_stale_temp_files`] could not remove.
#[derive(Debug, Default)]
pub struct Stale {
    /// Other versions of the record, kept under visible names.
    pub kept: Vec<PathBuf>,
    /// Temporary files this user may not read, left as they are.
    pub unread: Vec<PathBuf>,
}

/// See [`remove_stale_temp_files`]: completes or swaps back a save stopped between its
/// swaps. Only when the record's name holds a save's marked temporary file with the whole
/// text `temp` was named with: `temp` then holds the record's own file, whatever its text.
fn swap_back_stopped_save(record: &Path, temp: &Path, name: &str) {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let Some((loaded, hash)) = hashes_in_name(name) else {
        return;
    };
    let marked = fs::symlink_metadata(record)
        .is_ok_and(|m| m.is_file() && m.nlink() == 1 && m.mode() & SAVE_MARK != 0);
    let (Some(new), Some(old)) = (read_small(record), read_small(temp)) else {
        return;
    };
    if !marked || !sha256_hex(&new).starts_with(hash) {
        return;
    }
    // T holds the record's own file, whatever it holds now (the text the save loaded, a
    // colleague's version that does not parse, a rewrite cut short): it goes back to the
    // record's name. A reader may have seen the new text at the record's name: when T holds
    // only the save's own previous text (by the loaded hash in the name) or a beginning of
    // the new text (a rewrite cut short), the save is completed, the new text written to
    // the record's file first. Anything else there (a colleague's `cp`) goes back as it is.
    let previous = loaded.is_some_and(|h| sha256_hex(&old).starts_with(h));
    let cut_short = old.len() < new.len() && new.starts_with(&old);
    if (previous || cut_short) && old != new {
        let file = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(temp);
        match file {
            Ok(f) => {
                // Cut short again: left for the next editor, who completes it.
                if overwrite(&f, &new).is_err() {
                    return;
                }
            }
            // Not ours to write (another account's record): its previous text goes back.
            Err(_) if !cut_short => {}
            Err(_) => return,
        }
    }
    if exchange(temp, record).is_ok() {
        sync_dir(record);
    }
}

/// The contents of a regular file (never through a link), if it is no larger than a record
/// may be.
fn read_small(path: &Path) -> Option<Vec<u8>> {
    let file = crate::open_regular(path).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes)
}

/// Where a path leads: its canonical form, or for a file that does not exist yet, its
/// folder's canonical form joined with its name.
fn resolved(path: &Path) -> Option<PathBuf> {
    fs::canonicalize(path).ok().or_else(|| {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        Some(fs::canonicalize(dir).ok()?.join(path.file_name()?))
    })
}

/// Whether two paths lead to the same file: the same place once resolved, or the same
/// device and inode (a hard link has another name but is the same file).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b))
            && (x.dev(), x.ino()) == (y.dev(), y.ino())
        {
            return true;
        }
    }
    matches!((resolved(a), resolved(b)), (Some(x), Some(y)) if x == y)
}

/// Why only a save of `record` may write `out`: it is the record (by its name, a symlink or a
/// hard link), the record's lock file, or named like one of the record's temporary files.
/// `None` when `out` is none of these.
pub fn owned_by_record(record: &Path, out: &Path) -> Option<&'static str> {
    if same_file(record, out) {
        return Some("it is the record itself");
    }
    let out_at = resolved(out)?;
    // Locks and temporary files are named after the real record (links are followed
    // before a record is locked or saved).
    let record = &real_path(record).unwrap_or_else(|_| record.to_path_buf());
    if same_file(&super::lock::lock_path(record), out) {
        return Some("it is the record's lock file");
    }
    let in_record_dir = resolved(record).is_some_and(|at| at.parent() == out_at.parent());
    let temp_name = out_at
        .file_name()
        .is_some_and(|n| is_temp_file_of(record, &n.to_string_lossy()));
    if in_record_dir && temp_name {
        return Some("it is named like the record's temporary files");
    }
    None
}

/// Writes a file that is not a record, such as a report. Something that exists and is not a
/// regular file (a device such as `/dev/null` or `/dev/stdout`, a FIFO) is written in place,
/// as a shell redirection would, and stays what it is; a regular file is replaced atomically
/// (through a symlink, its target is), and a new one created the same way.
pub fn write_output(out: &Path, bytes: &[u8]) -> io::Result<()> {
    match fs::metadata(out) {
        Ok(meta) if !meta.is_file() => {
            use std::os::fd::AsRawFd;
            use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
            // Opened without blocking: a FIFO nobody reads would otherwise wait forever.
            let mut file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(out)
                .map_err(|e| match e.raw_os_error() {
                    Some(libc::ENXIO) if meta.file_type().is_fifo() => io::Error::other(format!(
                        "{} is a FIFO that no one is reading; start its reader first",
                        display_path(out)
                    )),
                    _ => e,
                })?;
            // Then written as usual, waiting for a slow reader rather than failing.
            let fd = file.as_raw_fd();
            unsafe {
                let flags = libc::fcntl(fd, libc::F_GETFL);
                if flags >= 0 {
                    libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
                }
            }
            file.write_all(bytes)?;
            file.flush()
        }
        Ok(_) => write_atomic(&fs::canonicalize(out)?, bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => write_atomic(out, bytes),
        Err(e) => Err(e),
    }
}

/// Writes files that belong together, such as a report and its signature: either every one
/// lands or none (each existing one is left as it was). Each is a regular file or new;
/// through a symlink, its target is written.
pub fn write_outputs_together(files: &[(&Path, &[u8])]) -> io::Result<()> {
    // Everything that can fail on the way (a name too long, no room, no permission) fails
    // here, before anything is replaced.
    let mut staged = Vec::new();
    for (out, bytes) in files {
        let target = match fs::metadata(out) {
            Ok(m) if m.is_file() => fs::canonicalize(out)?,
            Ok(_) => {
                return Err(io::Error::other(format!(
                    "{} is not a regular file",
                    display_path(out)
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => out.to_path_buf(),
            Err(e) => return Err(e),
        };
        let existed = target.exists();
        staged.push((write_temp(&target, bytes)?, target, existed));
    }
    // Then each is put in place, keeping what it replaced until all are: a failure puts back
    // those already done.
    enum Put {
        /// Swapped: the temporary name holds the old file, which a swap back restores.
        Swapped,
        /// A new file: removing it undoes it.
        New,
    }
    let mut done: Vec<(&tempfile::NamedTempFile, &Path, Put)> = Vec::new();
    for (tmp, target, existed) in &staged {
        let put = if *existed {
            match exchange(tmp.path(), target) {
                Ok(()) => Ok(Put::Swapped),
                // Where names cannot be swapped, a plain rename: the old file cannot come
                // back, but a failure still leaves no half of the set.
                Err(e) if cannot_exchange(&e) => fs::rename(tmp.path(), target).map(|_| Put::New),
                Err(e) => Err(e),
            }
        } else {
            fs::hard_link(tmp.path(), target).map(|_| Put::New)
        };
        match put {
            Ok(put) => done.push((tmp, target, put)),
            Err(e) => {
                for (tmp, target, put) in done.into_iter().rev() {
                    let _ = match put {
                        Put::Swapped => exchange(tmp.path(), target),
                        Put::New => fs::remove_file(target),
                    };
                }
                return Err(e);
            }
        }
    }
    // The temporary files (now holding what was replaced, or a second name of the new file)
    // go when `staged` is dropped.
    for (_, target, _) in &staged {
        sync_dir(target);
    }
    Ok(())
}

/// Swaps two names in one step (`renameat2` with `RENAME_EXCHANGE`): each then names the
/// other's file, and at no moment does either name nothing.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
    };
    let (a, b) = (c(a)?, c(b)?);
    // Through `syscall`: not every C library wraps renameat2.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether an error of [`exchange`] means the file system (or kernel) cannot swap names.
fn cannot_exchange(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
    )
}

/// SHA-256 of a record file, for the on-disk change check.
fn hash_file(path: &Path) -> io::Result<String> {
    use sha2::Digest;
    let mut file = crate::open_regular(path).map_err(|e| match e {
        crate::OpenError::Io(e) => e,
        crate::OpenError::NotAFile(kind) => io::Error::other(kind),
    })?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf)? {
            0 => return Ok(crate::hex(&hasher.finalize())),
            n => hasher.update(&buf[..n]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a save's own temporary names are its: six random characters, then for a
    /// record's new text the loaded text's hash and its own (or, as older saves named it,
    /// its own only).
    #[test]
    fn the_temporary_names_of_a_save() {
        let r = Path::new("dir/a.toml");
        assert!(is_temp_file_of(r, ".a.toml.Ab3dE6.tmp"));
        assert!(is_temp_file_of(r, ".a.toml.Ab3dE6.0123456789abcdef.tmp"));
        assert!(!is_temp_file_of(r, ".a.toml.Ab3dE6.0123.tmp"));
        assert!(!is_temp_file_of(r, ".a.toml.lock"));
        assert!(!is_temp_file_of(r, ".a.toml.saving"));
        assert_eq!(
            hash_in_name(".a.toml.Ab3dE6.0123456789abcdef.tmp"),
            Some("0123456789abcdef")
        );
        assert_eq!(hash_in_name(".a.toml.Ab3dE6.tmp"), None);
        let both = ".a.toml.Ab3dE6.fedcba9876543210.0123456789abcdef.tmp";
        assert!(is_temp_file_of(r, both));
        assert!(!is_temp_file_of(
            r,
            ".a.toml.Ab3dE6.fedcba98.0123456789abcdef.tmp"
        ));
        assert!(!is_temp_file_of(
            r,
            ".a.toml.Ab3dE6.fedcba9876543210.0123456789abcdef.0123456789abcdef.tmp"
        ));
        assert_eq!(hash_in_name(both), Some("0123456789abcdef"));
        assert_eq!(
            hashes_in_name(both),
            Some((Some("fedcba9876543210"), "0123456789abcdef"))
        );
        assert_eq!(
            hashes_in_name(".a.toml.Ab3dE6.0123456789abcdef.tmp"),
            Some((None, "0123456789abcdef"))
        );
    }

    #[test]
    fn the_questionnaire_is_named_at_the_top_of_a_saved_record() {
        let text = std::fs::read_to_string("tests/fixtures/audit.toml").unwrap();
        let record = parse(Path::new("example"), &text).unwrap();
        assert_eq!(
            named_questionnaire(&text),
            Some(record.questionnaire.clone())
        );
        assert_eq!(
            named_questionnaire(&to_text(&record)),
            Some(record.questionnaire)
        );
        // Anywhere else, or written otherwise, it is left to the full parse.
        assert_eq!(
            named_questionnaire("questionnaire = { id = \"x\" }\n"),
            None
        );
        assert_eq!(named_questionnaire("[questionnaire]\nid = \"x\"\n"), None);
    }
}
