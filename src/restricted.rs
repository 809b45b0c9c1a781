//! `interview --restricted`, for an account that hosts interviews (an sshd `ForceCommand`):
//! the record it was started with and nothing else. Decided here, once at start, as the
//! [`Access`] the record is opened with; the opened record carries it, so that every path
//! (a reload, a worker hashing evidence) reads with it, and nothing reads without one. Under it:
//! questionnaires are the embedded ones or files in the record's folder, never the working
//! folder's; evidence files are read only inside the record's folder, and nothing outside
//! it is even looked at; no shell (suspend is refused); nothing is written but the record,
//! its lock and its `.mine.toml` (no drafts, no rescue files: unsaved answers are printed).

use std::path::Path;

use crate::record::access::Access;

/// What an interview of `record` may read: only the record's folder when restricted.
pub fn access(record: &Path, restricted: bool) -> Access {
    if restricted {
        Access::folder_of(record)
    } else {
        Access::Unrestricted
    }
}

#[cfg(test)]
mod tests {
    /// Restricted mode is a value passed down, not a flag the domain looks up: the record
    /// module never names this one, and this one keeps no state of its own.
    #[test]
    fn the_domain_does_not_look_restricted_mode_up() {
        let mut files = vec![std::path::PathBuf::from("src/record/mod.rs")];
        for entry in std::fs::read_dir("src/record").unwrap() {
            files.push(entry.unwrap().path());
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            assert!(
                !text.contains("restricted::"),
                "{} uses the restricted front end",
                file.display()
            );
        }
        let this = std::fs::read_to_string("src/restricted.rs").unwrap();
        let code = &this[..this.find("#[cfg(test)]").unwrap()];
        for global in ["static ", "Atomic", "thread_local"] {
            assert!(
                !code.contains(global),
                "restricted.rs keeps a global ({global})"
            );
        }
    }
}
