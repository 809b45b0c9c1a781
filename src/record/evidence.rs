//! Evidence files over time: where a registered file is kept in the record (relative to the
//! record's folder when it is inside it, so a folder moved or cloned whole still verifies),
//! its SHA-256 (read only as far as the [`Access`] allows), and whether it is still the file
//! that was registered.

use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::Record;
use super::access::Access;
use super::store::folder_of;

/// The location to record for an evidence item as the user gave it. A local file inside the
/// record's folder is recorded relative to that folder; a local file elsewhere by its
/// absolute path, so that it is found from any working folder; anything else (a URL, a
/// place, a path not on this machine) as given.
pub fn stored_location(location: &str, record: &Path, access: &Access) -> String {
    // Restricted, the working folder and what lies outside the record's are not looked at.
    if access.is_restricted() {
        return location.to_owned();
    }
    let Some(found) = as_typed(location, record) else {
        return location.to_owned();
    };
    let folder = absolute(folder_of(record));
    match found.strip_prefix(&folder) {
        Ok(inside) => inside.to_string_lossy().into_owned(),
        Err(_) => found.to_string_lossy().into_owned(),
    }
}

/// The local file a location typed by the user names, as an absolute path without `.` or
/// `..`. A relative one is the record's folder's, as it is read back later: a file of the
/// same name in the working folder never stands in for it. Only a file that is not in the
/// record's folder is looked for from the working folder (as a shell would read the
/// path), and is then recorded by its absolute path.
fn as_typed(location: &str, record: &Path) -> Option<PathBuf> {
    if location.trim().is_empty() || location.contains("://") {
        return None;
    }
    let given = Path::new(location);
    let beside = folder_of(record).join(given);
    [beside, given.to_path_buf()]
        .into_iter()
        .find(|p| p.exists())
        .map(|p| absolute(&p))
}

/// An absolute path with `.` and `..` worked out by name, without looking at the disk: links
/// are kept as they are, so an evidence link inside the folder stays inside it.
pub fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

/// What became of a registered evidence file since it was hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceState {
    Unchanged,
    /// Its bytes differ: the SHA-256 it has now.
    Changed(String),
    Missing,
    /// There, but not readable as a stable regular file; why.
    Unreadable(String),
}

impl EvidenceState {
    pub fn describe(&self) -> String {
        match self {
            EvidenceState::Unchanged => "unchanged".into(),
            EvidenceState::Changed(now) => {
                format!("changed since it was registered (SHA-256 now {now})")
            }
            EvidenceState::Missing => "missing: no file at its location".into(),
            EvidenceState::Unreadable(why) => format!("cannot be checked: {why}"),
        }
    }

    /// Changed, missing or unreadable: the report no longer rests on what was registered.
    pub fn is_problem(&self) -> bool {
        *self != EvidenceState::Unchanged
    }
}

/// Re-hashes every evidence item registered with a SHA-256, in register order. Items with no
/// hash (URLs, places, interviews) have nothing to check and are not listed.
pub fn check_files(
    record: &Record,
    record_path: &Path,
    access: &Access,
) -> Vec<(String, EvidenceState)> {
    let never = AtomicBool::new(false);
    record
        .evidence
        .iter()
        .filter_map(|e| {
            let registered = e.sha256.as_deref()?;
            let state = match hash_local_file(&e.location, record_path, access, &never) {
                Hashed::Sha256(now) if now == registered => EvidenceState::Unchanged,
                Hashed::Sha256(now) => EvidenceState::Changed(now),
                Hashed::NotLocal => EvidenceState::Missing,
                Hashed::Skipped(why) => EvidenceState::Unreadable(why),
            };
            Some((e.id.clone(), state))
        })
        .collect()
}

/// Why an item's location is not a readable regular file here, when it should be one
/// ([`super::Evidence::is_file`]); None when it is, or is not meant to be a file, or (restricted)
/// lies where nothing is looked at.
pub fn not_a_readable_file(
    item: &super::Evidence,
    record: &Path,
    access: &Access,
) -> Option<String> {
    if !item.is_file() {
        return None;
    }
    let path = access.file(record, Path::new(&item.location))?;
    match crate::open_regular(&path) {
        Ok(_) => None,
        Err(crate::OpenError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
            Some("no file there".into())
        }
        Err(crate::OpenError::Io(e)) => Some(format!("cannot read it: {e}")),
        Err(crate::OpenError::NotAFile(kind)) => Some(format!("it is {kind}")),
    }
}

/// Every item with no SHA-256 whose location should be a readable file here (see
/// [`not_a_readable_file`]), in register order, with why it is not one (None: it is);
/// items with a SHA-256 are [`check_files`]'s.
pub fn check_locations(
    record: &Record,
    record_path: &Path,
    access: &Access,
) -> Vec<(String, Option<String>)> {
    record
        .evidence
        .iter()
        .filter(|e| e.sha256.is_none() && e.is_file())
        .map(|e| (e.id.clone(), not_a_readable_file(e, record_path, access)))
        .collect()
}

/// What to say when an item is entered with a location that should be a file here and is
/// not one: a warning, the item is kept.
pub fn entry_warning(item: &super::Evidence, record: &Path, access: &Access) -> Option<String> {
    let why = not_a_readable_file(item, record, access)?;
    Some(missing_warning(item, &why))
}

/// The warning for an item whose location should be a file here and is not (`why`).
pub fn missing_warning(item: &super::Evidence, why: &str) -> String {
    format!(
        "{}: `{}` is not a readable file ({why}); `verify` lists it as missing until it is, unless the item is marked as not a file (kind interview, observation or url, or `file = false`)",
        item.id, item.location
    )
}

/// The largest evidence file hashed: bigger ones are registered without a hash.
pub const MAX_EVIDENCE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// What became of hashing an evidence location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hashed {
    /// The SHA-256 of a local regular file.
    Sha256(String),
    /// Not a local file (a URL, a place, nothing): there is nothing to hash.
    NotLocal,
    /// A local path that was not hashed, and why.
    Skipped(String),
}

impl Hashed {
    pub fn sha256(self) -> Option<String> {
        match self {
            Hashed::Sha256(h) => Some(h),
            _ => None,
        }
    }
}

/// SHA-256 of `location` when it is a local regular file. A relative path is the record's
/// folder's, as [`stored_location`] records it: never the working folder's,
/// so that where a command runs changes nothing. Only regular files of a stable size
/// are read, up to [`MAX_EVIDENCE_BYTES`]; `cancel` stops the reading early.
pub fn hash_local_file(
    location: &str,
    record: &Path,
    access: &Access,
    cancel: &AtomicBool,
) -> Hashed {
    if location.is_empty() || location.contains("://") {
        return Hashed::NotLocal;
    }
    // Restricted, nothing outside the allowed folder is read, or even looked at.
    let Some(path) = access.file(record, Path::new(location)) else {
        return Hashed::NotLocal;
    };
    match hash_evidence(&path, cancel) {
        Ok(h) => Hashed::Sha256(h),
        Err(EvidenceRead::Missing) => Hashed::NotLocal,
        Err(EvidenceRead::Skip(why)) => Hashed::Skipped(why),
    }
}

enum EvidenceRead {
    Missing,
    Skip(String),
}

fn hash_evidence(path: &Path, cancel: &AtomicBool) -> Result<String, EvidenceRead> {
    let file = crate::open_regular(path).map_err(|e| match e {
        crate::OpenError::Io(e) if e.kind() == io::ErrorKind::NotFound => EvidenceRead::Missing,
        crate::OpenError::Io(e) => EvidenceRead::Skip(format!("cannot read it: {e}")),
        crate::OpenError::NotAFile(kind) => EvidenceRead::Skip(format!("it is {kind}")),
    })?;
    let size = file
        .metadata()
        .map_err(|e| EvidenceRead::Skip(format!("cannot read it: {e}")))?
        .len();
    if size > MAX_EVIDENCE_BYTES {
        return Err(EvidenceRead::Skip(format!(
            "larger than {} GiB",
            MAX_EVIDENCE_BYTES >> 30
        )));
    }
    hash_reader(file, size, cancel).map_err(EvidenceRead::Skip)
}

/// Hashes exactly `size` bytes and checks that nothing follows: a file whose contents do not
/// match its size (`/proc`, a file being written) has no meaningful hash.
fn hash_reader(mut file: impl Read, size: u64, cancel: &AtomicBool) -> Result<String, String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = size;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Err("cancelled".into());
        }
        let want = buf.len().min(left as usize).max(1);
        let n = file
            .read(&mut buf[..want])
            .map_err(|e| format!("cannot read it: {e}"))?;
        if n == 0 {
            break;
        }
        if n as u64 > left {
            return Err("its contents do not match its size (not a file on disk?)".into());
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    if left != 0 {
        return Err("it got shorter while it was read".into());
    }
    Ok(crate::hex(&hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_inside_the_record_folder_is_kept_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/plan.pdf"), "x").unwrap();
        let record = dir.path().join("a.toml");
        let typed = dir.path().join("docs/../docs/plan.pdf");
        assert_eq!(
            stored_location(typed.to_str().unwrap(), &record, &Access::Unrestricted),
            "docs/plan.pdf"
        );
        // Typed relative to the record's folder from elsewhere: found there.
        assert_eq!(
            stored_location("docs/plan.pdf", &record, &Access::Unrestricted),
            "docs/plan.pdf"
        );
    }

    #[test]
    fn a_file_beside_the_record_comes_before_one_of_the_working_folder() {
        // The working folder of the tests holds `Cargo.toml`; so does this record's folder.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "x").unwrap();
        let record = dir.path().join("a.toml");
        assert!(Path::new("Cargo.toml").exists());
        assert_eq!(
            stored_location("Cargo.toml", &record, &Access::Unrestricted),
            "Cargo.toml"
        );
    }

    #[test]
    fn other_locations_are_kept_as_given_or_made_absolute() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("f.txt"), "x").unwrap();
        let record = dir.path().join("a.toml");
        let outside = other.path().join("f.txt");
        assert_eq!(
            stored_location(outside.to_str().unwrap(), &record, &Access::Unrestricted),
            outside.to_str().unwrap()
        );
        for given in [
            "https://wiki.example/x",
            "SharePoint/HR/Skills.xlsx",
            "Lyon, 2026-11-16",
            "",
        ] {
            assert_eq!(
                stored_location(given, &record, &Access::Unrestricted),
                given
            );
        }
    }
}
