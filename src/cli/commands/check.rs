//! `verify` and `validate`: checking evidence files and records without changing them.

use super::*;

/// `verify`: every registered evidence file re-hashed; exit 1 when any changed or is gone.
pub(super) fn verify(file: &Path) -> Result<ExitCode> {
    let opened = open(file)?;
    let checked = verify_evidence(&opened);
    for line in &checked.lines {
        println!("{line}");
    }
    say!(
        "{}: {} evidence file(s) checked, {} changed or missing",
        file.display(),
        checked.checked,
        checked.problems
    );
    Ok(if checked.problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The evidence files of a record checked again ([`verify_evidence`]).
#[derive(Debug)]
pub struct EvidenceChecked {
    /// One per item checked: its id, a tab, what was found (neutralised).
    pub lines: Vec<String>,
    pub checked: usize,
    /// How many changed, or are missing.
    pub problems: usize,
}

/// Re-hashes the evidence files of `opened` and looks for the locations that should be
/// files: `verify`, and the interview's `:verify`.
pub fn verify_evidence(opened: &Opened) -> EvidenceChecked {
    let checked = evidence::check_files(&opened.record, &opened.path, &opened.access);
    // Items with no SHA-256 whose location should be a file here and is not one.
    let absent = evidence::check_locations(&opened.record, &opened.path, &opened.access);
    let problems = checked.iter().filter(|(_, s)| s.is_problem()).count()
        + absent.iter().filter(|(_, why)| why.is_some()).count();
    let mut lines: Vec<String> = checked
        .iter()
        .map(|(id, state)| tab_line(&[id, &state.describe()]))
        .collect();
    for (id, why) in &absent {
        let state = match why {
            Some(why) => format!("missing: not a readable file ({why})"),
            None => "there (registered without a SHA-256)".into(),
        };
        lines.push(tab_line(&[id, &state]));
    }
    EvidenceChecked {
        lines,
        checked: checked.len() + absent.len(),
        problems,
    }
}

pub(super) fn validate(files: &[PathBuf]) -> ExitCode {
    let mut all_ok = true;
    for file in files {
        match validate_one(file) {
            Ok(what) => say!("{}: valid {what}", file.display()),
            Err(e) => {
                all_ok = false;
                // A load error's text is neutralised where it is made (`LoadError`,
                // `Diagnostic`); with 100,000 problems a second pass would show.
                eprintln!("{e}");
            }
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

pub(super) fn validate_one(file: &Path) -> Result<&'static str, LoadError> {
    let text = read_text(file)?;
    match store::parse(file, &text) {
        Ok(record) => {
            store::with_questionnaire(file, &text, record, &Access::Unrestricted, today())
                .map(|_| "record")
        }
        // A record has a top-level `schema`, a questionnaire has not.
        Err(e) if has_schema(file, &text)? => Err(e),
        Err(_) => catalog::from_file(file).map(|_| "questionnaire"),
    }
}

/// Whether a file has a top-level `schema` key; the rest is skipped unread (`IgnoredAny`).
pub(super) fn has_schema(file: &Path, text: &str) -> Result<bool, LoadError> {
    #[derive(serde::Deserialize)]
    struct Schema {
        schema: Option<serde::de::IgnoredAny>,
    }
    let found: Schema =
        diagnostic::from_toml(file, text).map_err(|d| LoadError::invalid(file, vec![d]))?;
    Ok(found.schema.is_some())
}
