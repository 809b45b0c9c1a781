//! Entry points shared by the fuzz targets (`fuzz/`) and the test that replays their corpus
//! (`tests/fuzz_corpus.rs`): whatever the bytes, these must return, never panic.

use std::path::Path;

use crate::questionnaire::catalog;
use crate::record::{check, store};
use crate::report::{self, Format, Input};

/// Parses bytes as a record, checks it against the built-in questionnaire and renders every
/// report format from it.
pub fn record(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = Path::new("fuzz.toml");
    let Ok(record) = store::parse(file, &text) else {
        return;
    };
    let loaded = catalog::embedded(catalog::DEFAULT)
        .expect("embedded")
        .expect("valid");
    // Any fixed day will do: what is fuzzed is the reading, not the calendar.
    let today = jiff::civil::date(2026, 11, 30);
    let _ = check(&record, &loaded.questionnaire, today);
    let input = Input {
        record: &record,
        questionnaire: &loaded.questionnaire,
        questionnaire_sha256: &loaded.sha256,
        record_name: "fuzz.toml",
        record_sha256: &loaded.sha256,
        evidence_checks: &[],
    };
    for format in [Format::Markdown, Format::Html, Format::Csv] {
        let _ = report::render(&input, format);
    }
    let _ = store::to_text(&record);
}

/// Parses bytes as a questionnaire.
pub fn questionnaire(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = crate::questionnaire::parse(Path::new("fuzz.toml"), &text);
}
