//! Reading and writing records. Every save is atomic: the new text goes to a temporary file in
//! the same folder, is flushed to disk, then renamed over the old one, so a crash or a full
//! disk leaves either the old record or the new one, never a torn file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{Record, SCHEMA, check};
use crate::diagnostic::{self, Diagnostic};
use crate::questionnaire::catalog::{self, Loaded, sha256_hex};
use crate::text::display_path;
use crate::{LoadError, read_text};

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
}

/// The canonical text of a record: what `save` writes.
pub fn to_text(record: &Record) -> String {
    toml::to_string_pretty(record).expect("a record always serialises")
}

/// Parses a record's text without looking at its questionnaire.
pub fn parse(file: &Path, text: &str) -> Result<Record, LoadError> {
    let newer = |found| LoadError::NewerSchema {
        file: file.to_owned(),
        found,
        supported: SCHEMA,
    };
    // A record of a newer schema is refused, even when this version could read it: it may
    // hold fields this version would drop. A good file is parsed once; the schema is looked
    // at on its own only when the record does not load (a newer one may well not).
    match diagnostic::from_toml::<Record>(file, text) {
        Ok(record) if record.schema > SCHEMA => Err(newer(i64::from(record.schema))),
        Ok(record) => Ok(record),
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
                _ => Err(LoadError::invalid(file, vec![d])),
            }
        }
    }
}

/// Reads a record, finds its questionnaire and checks one against the other.
pub fn open(path: &Path) -> Result<Opened, LoadError> {
    let text = read_text(path)?;
    let record = parse(path, &text)?;
    with_questionnaire(path, &text, record)
}

/// The rest of [`open`] for a record already parsed from `text`, the contents of `path`.
pub fn with_questionnaire(path: &Path, text: &str, record: Record) -> Result<Opened, LoadError> {
    let questionnaire = questionnaire_for(&record, path)?;
    let problems = check(&record, &questionnaire.questionnaire);
    if !problems.is_empty() {
        return Err(LoadError::invalid(
            path,
            diagnostic::locate(path, text, problems),
        ));
    }
    Ok(Opened {
        path: path.to_owned(),
        disk_sha256: sha256_hex(text.as_bytes()),
        questionnaire_changed: questionnaire.sha256 != record.questionnaire.sha256,
        record,
        questionnaire,
    })
}

/// The questionnaire a record names: its file (relative to the record), else an embedded or
/// local one with its id.
pub fn questionnaire_for(record: &Record, record_path: &Path) -> Result<Loaded, LoadError> {
    let r = &record.questionnaire;
    match &r.path {
        Some(p) => {
            let dir = record_path.parent().unwrap_or(Path::new(""));
            catalog::from_file(&dir.join(p))
        }
        None => catalog::resolve(&r.id, Path::new(catalog::LOCAL_DIR)),
    }
}

/// Writes the record atomically. Nothing is written if the record does not check.
pub fn save(opened: &mut Opened) -> Result<(), SaveError> {
    opened.record.tidy();
    let problems = check(&opened.record, &opened.questionnaire.questionnaire);
    if !problems.is_empty() {
        let text = to_text(&opened.record);
        return Err(SaveError::Invalid(diagnostic::locate(
            &opened.path,
            &text,
            problems,
        )));
    }
    // Someone else changed the file since we read it (git pull, an editor, another tool):
    // keep their version and let the caller decide.
    match hash_file(&opened.path) {
        Ok(on_disk) if on_disk != opened.disk_sha256 => {
            return Err(SaveError::Conflict {
                path: opened.path.clone(),
            });
        }
        _ => {}
    }
    let text = to_text(&opened.record);
    write_atomic(&opened.path, text.as_bytes()).map_err(|source| SaveError::Io {
        path: opened.path.clone(),
        source,
    })?;
    opened.disk_sha256 = sha256_hex(text.as_bytes());
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{}", diagnostic_lines(.0))]
    Invalid(Vec<Diagnostic>),
    #[error(
        "cannot save {}: {source}; the file on disk is unchanged",
        display_path(path)
    )]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{} was changed by someone else since it was opened; not overwriting it",
        display_path(path)
    )]
    Conflict { path: PathBuf },
}

fn diagnostic_lines(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces `path` with `bytes` so that a reader sees the old or the new contents, never a
/// mixture. An existing file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (prefix, suffix) = temp_affixes(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(suffix)
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Ok(meta) = fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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
/// characters + `.tmp`, never the record or its lock.
fn is_temp_file_of(record: &Path, name: &str) -> bool {
    let (prefix, suffix) = temp_affixes(record);
    name.starts_with(&prefix)
        && name.ends_with(suffix)
        && name.len() == prefix.len() + 6 + suffix.len()
}

/// Removes temporary files that interrupted saves of `record` left behind. Only safe while
/// holding the record's lock (no save of it can be under way).
pub fn remove_stale_temp_files(record: &Path) {
    let dir = match record.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        if is_temp_file_of(record, &entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(entry.path());
        }
    }
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
    // Locks and temporary files are named after the record as it was named when edited: by
    // the path given, or through a symlink by its target. Check both names.
    let names = [Some(record.to_path_buf()), fs::canonicalize(record).ok()];
    for r in names.iter().flatten() {
        if same_file(&super::lock::lock_path(r), out) {
            return Some("it is the record's lock file");
        }
        let in_record_dir = resolved(r).is_some_and(|at| at.parent() == out_at.parent());
        let temp_name = out_at
            .file_name()
            .is_some_and(|n| is_temp_file_of(r, &n.to_string_lossy()));
        if in_record_dir && temp_name {
            return Some("it is named like the record's temporary files");
        }
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
            let mut file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(out)?;
            file.write_all(bytes)?;
            file.flush()
        }
        Ok(_) => write_atomic(&fs::canonicalize(out)?, bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => write_atomic(out, bytes),
        Err(e) => Err(e),
    }
}

/// Writes a new file, refusing to replace one that exists.
pub fn create_new(path: &Path, record: &Record) -> io::Result<()> {
    if path.exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists; not overwriting it", display_path(path)),
        ));
    }
    write_atomic(path, to_text(record).as_bytes())
}

/// SHA-256 of `location` when it is a readable local file (relative paths are tried from the
/// working directory, then from the record's folder).
pub fn hash_local_file(location: &str, record: &Path) -> Option<String> {
    if location.is_empty() || location.contains("://") {
        return None;
    }
    let direct = PathBuf::from(location);
    let beside = record.parent().unwrap_or(Path::new("")).join(location);
    [direct, beside]
        .iter()
        .filter(|p| p.is_file())
        .find_map(|p| hash_file(p).ok())
}

/// SHA-256 of a file, read in blocks: evidence files can be large.
fn hash_file(path: &Path) -> io::Result<String> {
    use sha2::Digest;
    use std::io::Read;
    let mut file = fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
