//! Where questionnaires come from: the ones built into the binary, and TOML files a user
//! keeps in `./questionnaires/` or names by path.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::Questionnaire;
use crate::LoadError;

/// The profiles shipped inside the binary, so it works from any folder.
pub const EMBEDDED: &[(&str, &str)] = &[(
    "iso29110-4-2-om",
    include_str!("../../questionnaires/iso29110-4-2-om.toml"),
)];

/// The questionnaire used when none is named.
pub const DEFAULT: &str = "iso29110-4-2-om";

/// The folder, relative to the working directory, searched for local questionnaires.
pub const LOCAL_DIR: &str = "questionnaires";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Embedded,
    File(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Embedded => f.write_str("embedded"),
            Source::File(p) => f.write_str(&crate::text::display_path(p)),
        }
    }
}

/// A questionnaire with the text it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub questionnaire: Questionnaire,
    pub sha256: String,
    pub source: Source,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex(&Sha256::digest(bytes))
}

fn parse(name: &Path, text: &str, source: Source) -> Result<Loaded, LoadError> {
    let questionnaire = super::parse(name, text).map_err(|problems| LoadError::Invalid {
        file: name.to_owned(),
        problems,
    })?;
    Ok(Loaded {
        questionnaire,
        sha256: sha256_hex(text.as_bytes()),
        source,
    })
}

pub fn embedded(id: &str) -> Option<Result<Loaded, LoadError>> {
    EMBEDDED
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(name, text)| {
            parse(
                Path::new(&format!("<embedded>/{name}.toml")),
                text,
                Source::Embedded,
            )
        })
}

pub fn from_file(path: &Path) -> Result<Loaded, LoadError> {
    let text = crate::read_text(path)?;
    parse(path, &text, Source::File(path.to_owned()))
}

/// The `*.toml` files of the local folder, sorted.
pub fn local_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A questionnaire named by id (embedded, then local folder) or by path.
pub fn resolve(spec: &str, local_dir: &Path) -> Result<Loaded, LoadError> {
    let as_path = Path::new(spec);
    if spec.ends_with(".toml") || as_path.components().count() > 1 {
        return from_file(as_path);
    }
    if let Some(found) = embedded(spec) {
        return found;
    }
    for file in local_files(local_dir) {
        if let Ok(loaded) = from_file(&file)
            && loaded.questionnaire.questionnaire.id == spec
        {
            return Ok(loaded);
        }
    }
    let mut known: Vec<String> = EMBEDDED.iter().map(|(id, _)| id.to_string()).collect();
    known.extend(
        local_files(local_dir)
            .iter()
            .filter_map(|f| from_file(f).ok())
            .map(|l| l.questionnaire.questionnaire.id),
    );
    Err(LoadError::UnknownQuestionnaire {
        id: spec.to_owned(),
        known,
    })
}
