//! Replays the fuzzers' corpus (`fuzz/corpus/`) through the same entry points as a regular
//! test, so every input the fuzzers kept stays fixed. Fuzz for longer with
//! `cargo +nightly fuzz run record` (see README).

use std::fs;
use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut n = 0;
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        run(&fs::read(&path).unwrap());
        n += 1;
    }
    n
}

#[test]
fn record_corpus() {
    assert!(replay("record", vse_assess::fuzz::record) >= 3);
}

#[test]
fn questionnaire_corpus() {
    assert!(replay("questionnaire", vse_assess::fuzz::questionnaire) >= 2);
}
