//! vse-assess: ISO/IEC 29110-4-2 organizational management profile assessments.
//!
//! The domain ([`questionnaire`], [`record`], [`rating`], [`conformance`], [`compare`],
//! [`report`]) has no terminal code. Two thin layers sit on it: the scriptable command line
//! ([`cli`]) and the interview's terminal UI ([`tui`]).

pub mod cli;
pub mod clock;
pub mod compare;
pub mod conformance;
pub mod diagnostic;
pub mod fast_toml;
#[doc(hidden)]
pub mod fuzz;
pub mod questionnaire;
pub mod rating;
pub mod record;
pub mod report;
pub mod restricted;
pub mod text;
pub mod tui;

use std::path::{Path, PathBuf};

use diagnostic::Diagnostic;

/// Why a questionnaire or a record could not be loaded. Callers branch on the kind; the text
/// always names the file (and, for bad content, line, column and field), with anything taken
/// from a file or a file name neutralised ([`text`]).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    // `cause`, not `source`: the message already says it, and `{:#}` would say it twice.
    #[error("{}: cannot read: {cause}", text::display_path(file))]
    Io {
        file: PathBuf,
        cause: std::io::Error,
    },
    #[error(
        "{}: not a regular file ({kind}); records and questionnaires are plain files",
        text::display_path(file)
    )]
    NotAFile { file: PathBuf, kind: &'static str },
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
    #[error(
        "{}: restricted: its questionnaire must be built in or a file in the record's folder",
        text::display_path(file)
    )]
    RestrictedQuestionnaire { file: PathBuf },
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

/// Reads a whole file as UTF-8 text. Only regular files: a FIFO would block every command
/// and a device or `/proc` file never ends.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let io = |cause| LoadError::Io {
        file: path.to_owned(),
        cause,
    };
    let file = open_file(path)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit to tell "at the limit" from "over it", whatever the file
    // claims its size is.
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

/// Opens a record or questionnaire for reading: [`open_regular`], with errors that name the
/// file.
pub fn open_file(path: &Path) -> Result<std::fs::File, LoadError> {
    open_regular(path).map_err(|e| match e {
        OpenError::Io(cause) => LoadError::Io {
            file: path.to_owned(),
            cause,
        },
        OpenError::NotAFile(kind) => LoadError::NotAFile {
            file: path.to_owned(),
            kind,
        },
    })
}

/// Why [`open_regular`] did not open a file.
#[derive(Debug)]
pub enum OpenError {
    Io(std::io::Error),
    /// It exists but is a FIFO, a device, a folder or a socket.
    NotAFile(&'static str),
}

/// Opens a file for reading only if it is a regular file. The open itself never blocks (a
/// FIFO without a writer would), and the type is checked on the opened file, not on the path,
/// so nothing can be swapped in between.
pub fn open_regular(path: &Path) -> Result<std::fs::File, OpenError> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(OpenError::Io)?;
    let kind = file.metadata().map_err(OpenError::Io)?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    Err(OpenError::NotAFile(if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a plain file"
    }))
}

/// Lowercase hexadecimal, as records keep SHA-256 digests.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_hex_helper_for_every_digest() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(
            crate::questionnaire::catalog::sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // Nowhere else writes bytes as hex by hand.
        let mut dirs = vec![std::path::PathBuf::from("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path != std::path::Path::new("src/lib.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert!(
                        !text.contains(":02x}"),
                        "{} writes hex itself",
                        path.display()
                    );
                }
            }
        }
    }
}
