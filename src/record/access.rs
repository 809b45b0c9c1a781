//! Which files a process may read besides the record: an [`Access`] value, decided once by
//! the front end and passed to everything that opens a record, loads its questionnaire,
//! resolves an evidence location or hashes a file. There is no default: a function that
//! reads a file the user did not name takes one, so new code cannot forget it.

use std::path::{Path, PathBuf};

use super::evidence::absolute;
use super::store::folder_of;

/// What may be read, apart from the record itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Any file the user names: the command line and an ordinary interview.
    Unrestricted,
    /// Only files inside this folder (the record's), never through a symbolic link, and
    /// nothing outside it even looked at: an account that hosts interviews.
    Folder(PathBuf),
}

impl Access {
    /// Only the folder `record` is in.
    pub fn folder_of(record: &Path) -> Access {
        Access::Folder(folder_of(record).to_owned())
    }

    pub fn is_restricted(&self) -> bool {
        matches!(self, Access::Folder(_))
    }

    /// The file `location` names for the record at `record` (a relative one is the record
    /// folder's), or None when this access may not read it.
    pub fn file(&self, record: &Path, location: &Path) -> Option<PathBuf> {
        match self {
            Access::Unrestricted => Some(folder_of(record).join(location)),
            Access::Folder(folder) => {
                // As the folder itself is compared: by its real path.
                let base = std::fs::canonicalize(folder_of(record)).ok()?;
                inside(folder, &base.join(location))
            }
        }
    }
}

/// `path` (relative to `folder`, or absolute) as a file inside `folder`, or None. Decided by
/// name first, so a path outside is never touched; then each part below the folder is looked
/// at itself (`lstat`), and a path through any symbolic link is refused without the link
/// being read: its target, wherever it is, is never looked at.
pub fn inside(folder: &Path, path: &Path) -> Option<PathBuf> {
    let folder = std::fs::canonicalize(folder).ok()?;
    let named = absolute(&folder.join(path));
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

    #[test]
    fn a_location_is_the_record_folders_and_restricted_stays_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("rec");
        std::fs::create_dir_all(folder.join("docs")).unwrap();
        std::fs::write(folder.join("docs/a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        let record = folder.join("a.toml");
        let open = Access::Unrestricted;
        let closed = Access::folder_of(&record);
        assert!(!open.is_restricted() && closed.is_restricted());
        assert_eq!(
            open.file(&record, Path::new("../secret")),
            Some(folder.join("../secret"))
        );
        assert_eq!(closed.file(&record, Path::new("../secret")), None);
        let real = std::fs::canonicalize(&folder).unwrap();
        assert_eq!(
            closed.file(&record, Path::new("docs/a.txt")),
            Some(real.join("docs/a.txt"))
        );
        // A record in another folder reads nothing outside the one this access allows.
        let other = dir.path().join("b.toml");
        assert_eq!(closed.file(&other, Path::new("secret")), None);
        assert_eq!(
            closed.file(&other, Path::new("rec/docs/a.txt")),
            Some(real.join("docs/a.txt"))
        );
    }

    /// Two accesses in one process (impossible with a process-wide flag): the same record,
    /// whose questionnaire and evidence are outside its folder, opens and hashes with one
    /// and not with the other.
    #[test]
    fn opening_and_hashing_follow_the_access_they_are_given() {
        use crate::record::evidence::{Hashed, hash_local_file};
        use crate::record::store;
        use std::sync::atomic::AtomicBool;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("rec");
        std::fs::create_dir(&folder).unwrap();
        std::fs::copy(
            "questionnaires/iso29110-4-2-om.toml",
            dir.path().join("q.toml"),
        )
        .unwrap();
        std::fs::write(dir.path().join("outside.txt"), "x").unwrap();
        std::fs::write(folder.join("inside.txt"), "y").unwrap();
        // A record of its own, made from the questionnaire outside its folder.
        let loaded = crate::questionnaire::catalog::from_file(&dir.path().join("q.toml")).unwrap();
        let mut made =
            crate::record::Record::new(&loaded, "Acme", crate::record::Kind::SelfAssessment);
        made.questionnaire.path = Some("../q.toml".into());
        let record = folder.join("a.toml");
        store::create_new(&record, &made).unwrap();
        let (open, closed) = (Access::Unrestricted, Access::folder_of(&record));

        let opened = store::open(&record, &open, jiff::civil::date(2026, 11, 30)).unwrap();
        assert_eq!(opened.access, open);
        assert!(matches!(
            store::open(&record, &closed, jiff::civil::date(2026, 11, 30)),
            Err(crate::LoadError::RestrictedQuestionnaire { .. })
        ));

        let never = AtomicBool::new(false);
        let outside = dir.path().join("outside.txt");
        for location in ["../outside.txt", outside.to_str().unwrap()] {
            assert!(matches!(
                hash_local_file(location, &record, &open, &never),
                Hashed::Sha256(_)
            ));
            assert_eq!(
                hash_local_file(location, &record, &closed, &never),
                Hashed::NotLocal
            );
        }
        assert_eq!(
            hash_local_file("inside.txt", &record, &closed, &never),
            hash_local_file("inside.txt", &record, &open, &never)
        );
    }
}
