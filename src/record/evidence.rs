//! Evidence files over time: where a registered file is kept in the record (relative to the
//! record's folder when it is inside it, so a folder moved or cloned whole still verifies),
//! and whether it is still the file that was registered.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::AtomicBool;

use super::Record;
use super::access::Access;
use super::store::{Hashed, folder_of, hash_local_file};

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
