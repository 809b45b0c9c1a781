//! The plain line-by-line interview: through a pipe, and in a terminal with `TERM=dumb`, as a
//! screen reader user would run it. Not one escape sequence may be written.

mod common;

use std::path::Path;

use common::{Pty, new_record, signed_off_example};
use tempfile::TempDir;
use vse_assess::rating::Judgement;
use vse_assess::record::store;

fn rating(dir: &Path, id: &str) -> Option<Judgement> {
    let opened = store::open(&dir.join("a.toml")).unwrap();
    opened.record.answer(id).and_then(|a| a.rating)
}

#[test]
fn through_a_pipe_it_rates_notes_and_skips() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let out = assert_cmd::Command::cargo_bin("vse-assess")
        .unwrap()
        .current_dir(tmp.path())
        .args(["interview", "a.toml"])
        .write_stdin("l\nna\n\nna\nThe parent company does it\n\nnote\nPlan seen\nzz\nq\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "{text:?}");
    for line in [
        "Requirement 1 of 25: 7.2.a (OM 7.2 Organizational management)",
        "Question: ",
        "Now: not yet rated.",
        "7.2.a rated L (Largely achieved).",
        "Not applicable needs a reason; nothing changed.",
        "7.2.b rated not applicable.",
        "Note added to 7.2.d.",
        "Type n, p, l or f to rate",
        "2 of 25 requirements rated; saved in a.toml.",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert_eq!(rating(tmp.path(), "7.2.a"), Some(Judgement::L));
    assert_eq!(rating(tmp.path(), "7.2.b"), Some(Judgement::NA));
    assert_eq!(rating(tmp.path(), "7.2.c"), None);
    let opened = store::open(&tmp.path().join("a.toml")).unwrap();
    assert_eq!(opened.record.answer("7.2.d").unwrap().notes, "Plan seen");

    // Next time it starts at the first requirement not yet rated, and the end of input
    // ends it with everything kept.
    let out = assert_cmd::Command::cargo_bin("vse-assess")
        .unwrap()
        .current_dir(tmp.path())
        .args(["interview", "a.toml"])
        .write_stdin("f\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Requirement 3 of 25: 7.2.c"), "{text}");
    assert_eq!(rating(tmp.path(), "7.2.c"), Some(Judgement::F));
}

#[test]
fn a_final_record_is_only_shown() {
    let tmp = TempDir::new().unwrap();
    let file = signed_off_example(tmp.path());
    let before = std::fs::read(&file).unwrap();
    let out = assert_cmd::Command::cargo_bin("vse-assess")
        .unwrap()
        .current_dir(tmp.path())
        .args(["interview", "--plain", "a.toml"])
        .write_stdin("n\nnote\nx\nq\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Read-only: the record is final (signed off by Claire Martin on 2026-11-20)"),
        "{text}"
    );
    assert_eq!(
        text.matches("Read-only: nothing changed.").count(),
        2,
        "{text}"
    );
    assert!(
        text.contains("25 of 25 requirements rated; a.toml unchanged."),
        "{text}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// In a real terminal that says it is dumb: the same line interview, and the raw bytes hold
/// no escape sequence at all.
#[test]
fn a_dumb_terminal_gets_plain_text_only() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Pty::start(
        tmp.path(),
        &["interview", "a.toml"],
        &[("TERM", "dumb")],
        &[],
    );
    s.wait_for("7.2.a> ");
    s.send("p\n");
    s.wait_for("7.2.a rated P");
    s.send("q\n");
    s.wait_for("1 of 25 requirements rated");
    s.wait_exit();
    let raw = s.bytes.lock().unwrap().clone();
    assert!(
        !raw.contains(&0x1b),
        "an escape sequence was written:\n{:?}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(rating(tmp.path(), "7.2.a"), Some(Judgement::P));
}
