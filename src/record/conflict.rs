//! When the record changed on disk under an editor: the user's version is kept beside it,
//! under a name nobody uses yet, and never over a file. Shared by the front ends.

use std::io;
use std::path::{Path, PathBuf};

use super::Record;
use super::store;

/// Writes `record` beside the record `path` as `NAME.mine.toml`, or `NAME.mine-2.toml` and
/// so on: the first name that is free, taken atomically (never over a file). Returns the
/// file written.
pub fn write_mine(path: &Path, record: &Record) -> io::Result<PathBuf> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "assessment".into());
    let dir = path.parent().unwrap_or(Path::new(""));
    for n in 1..1000 {
        let target = numbered(dir, &stem, "mine", n);
        match store::create_new(&target, record) {
            Ok(()) => return Ok(target),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot write {}: {e}", target.display()),
                ));
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "no free file name: {} to {} all exist",
            numbered(dir, &stem, "mine", 1).display(),
            numbered(dir, &stem, "mine", 999).display()
        ),
    ))
}

/// Writes `record` (that of the record file `path`) to the first place that takes it:
/// beside it, then in each of `elsewhere` (the interview and plain mode give
/// [`fallback_places`]), as `NAME.unsaved.toml` (or `-2`, ...). Never over an existing
/// file. Gives the file written, `None` when no place took it.
pub fn rescue(path: &Path, record: &Record, elsewhere: &[PathBuf]) -> Option<PathBuf> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "assessment".into());
    // Absolute, so that a note in the lock file means the same from any folder.
    let beside = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    for dir in std::iter::once(beside).chain(elsewhere.iter().cloned()) {
        for n in 1..100 {
            let target = numbered(&dir, &stem, "unsaved", n);
            match store::create_new(&target, record) {
                Ok(()) => return Some(target),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(_) => break,
            }
        }
    }
    None
}

/// Where answers go when the record's folder takes nothing: `$HOME`, then the temporary
/// folder.
pub fn fallback_places() -> Vec<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .into_iter()
        .chain([std::env::temp_dir()])
        .collect()
}

/// `STEM.KIND.toml`, or `STEM.KIND-N.toml` for N from 2 on.
pub fn numbered(dir: &Path, stem: &str, kind: &str, n: u32) -> PathBuf {
    dir.join(if n == 1 {
        format!("{stem}.{kind}.toml")
    } else {
        format!("{stem}.{kind}-{n}.toml")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_free_name_is_taken_and_nothing_is_overwritten() {
        let dir = tempfile::TempDir::new().unwrap();
        let record = dir.path().join("a.toml");
        std::fs::write(dir.path().join("a.mine.toml"), "someone's").unwrap();
        let loaded =
            crate::questionnaire::catalog::embedded(crate::questionnaire::catalog::DEFAULT)
                .unwrap()
                .unwrap();
        let r = Record::new(&loaded, "Acme", crate::record::Kind::SelfAssessment);
        let mine = write_mine(&record, &r).unwrap();
        assert_eq!(mine, dir.path().join("a.mine-2.toml"));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.mine.toml")).unwrap(),
            "someone's"
        );
        assert_eq!(
            store::open(
                &mine,
                &super::super::access::Access::Unrestricted,
                jiff::civil::date(2026, 11, 30)
            )
            .unwrap()
            .record
            .assessment
            .vse,
            "Acme"
        );
    }
}
