//! vse-assess: ISO/IEC 29110-4-2 organizational management profile assessments.
//!
//! The domain ([`questionnaire`], [`record`], [`rating`], [`conformance`], [`report`]) has no
//! terminal code. Two thin layers sit on it: the scriptable command line ([`cli`]) and the
//! interview's terminal UI ([`tui`]).

pub mod cli;
pub mod conformance;
pub mod diagnostic;
#[doc(hidden)]
pub mod fuzz;
pub mod questionnaire;
pub mod rating;
pub mod record;
pub mod report;
pub mod text;
pub mod tui;

use std::path::{Path, PathBuf};

use diagnostic::Diagnostic;

/// Why a questionnaire or a record could not be loaded. Callers branch on the kind; the text
/// always names the file (and, for bad content, line, column and field), with anything taken
/// from a file or a file name neutralised ([`text`]).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read: {source}", text::display_path(file))]
    Io {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: not a UTF-8 text file (byte {offset} is invalid)",
        text::display_path(file)
    )]
    NotText { file: PathBuf, offset: usize },
    #[error("{}", problems.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"))]
    Invalid {
        file: PathBuf,
        problems: Vec<Diagnostic>,
    },
    #[error(
        "{}: written with record schema {found}, this version of vse-assess reads schema {supported}; refusing to touch it (upgrade vse-assess)",
        text::display_path(file)
    )]
    NewerSchema {
        file: PathBuf,
        found: i64,
        supported: u32,
    },
    #[error("{}: too large to be a questionnaire or a record (over {} MiB)", text::display_path(file), limit / (1024 * 1024))]
    TooLarge { file: PathBuf, limit: u64 },
    #[error(
        "unknown questionnaire `{}`; known: {}",
        text::neutralize_line(id),
        text::neutralize_line(&known.join(", "))
    )]
    UnknownQuestionnaire { id: String, known: Vec<String> },
}

impl LoadError {
    pub fn invalid(file: &Path, problems: Vec<Diagnostic>) -> Self {
        LoadError::Invalid {
            file: file.to_owned(),
            problems,
        }
    }
}

/// The largest questionnaire or record read (real ones are tens of kilobytes): a bigger file
/// is refused before it is read, so memory stays bounded.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a whole file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let io = |source| LoadError::Io {
        file: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit to tell "at the limit" from "over it", whatever the file
    // claims its size is (pipes and /proc files claim none).
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            file: path.to_owned(),
            limit: MAX_FILE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| LoadError::NotText {
        file: path.to_owned(),
        offset: e.utf8_error().valid_up_to(),
    })
}
