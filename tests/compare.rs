//! `compare`: two assessments of the same profile, run through the real binary on the shipped
//! example and a later copy of it changed with the commands.

mod common;

use std::fs;

use common::{EXAMPLE, ok, vse};
use tempfile::TempDir;
use vse_assess::record::{ActionStatus, FindingClass, FindingState};

const QUESTIONNAIRE: &str = include_str!("../questionnaires/iso29110-4-2-om.toml");

/// Whether a Markdown table row starts with these cells.
fn has_row(md: &str, cells: &[&str]) -> bool {
    let start = format!("| {} |", cells.join(" | "));
    md.lines().any(|l| l.starts_with(&start))
}

#[track_caller]
fn assert_row(md: &str, cells: &[&str]) {
    assert!(has_row(md, cells), "no row {cells:?} in:\n{md}");
}

/// The example record as `old.toml` and a copy as `new.toml` in a fresh folder.
fn two_records() -> TempDir {
    let tmp = TempDir::new().unwrap();
    for name in ["old.toml", "new.toml"] {
        fs::copy(EXAMPLE, tmp.path().join(name)).unwrap();
    }
    tmp
}

#[test]
fn a_later_assessment_is_compared_with_the_earlier_one() {
    let tmp = two_records();
    let dir = tmp.path();
    let rate = |req: &str, rating: &str| ok(dir, &["answer", "new.toml", req, "--rating", rating]);
    rate("7.2.g", "L"); // P before: up, and OM's lowest rating with it
    rate("7.2.c", "F"); // L before
    rate("7.4.a", "P"); // F before: down, and PSM with it
    rate("7.3.f", "F"); // N/A before
    // NC-3 closed and verified; OBS-1 no longer recorded; a new nonconformity.
    ok(dir, &["action", "close", "new.toml", "A-4"]);
    ok(
        dir,
        &[
            "finding",
            "verify",
            "new.toml",
            "NC-3",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
            "--effective",
        ],
    );
    ok(dir, &["finding", "remove", "new.toml", "OBS-1"]);
    let added = ok(
        dir,
        &[
            "finding",
            "add",
            "new.toml",
            "7.4.a",
            "--class",
            "minor",
            "--text",
            "The process plan is no longer monitored",
        ],
    );
    let added = added.trim();

    let md = ok(dir, &["compare", "old.toml", "new.toml"]);
    assert!(md.starts_with("# Comparison of two assessments: "), "{md}");
    assert_row(&md, &["7.2.g", "P", "L", "improved"]);
    assert_row(&md, &["7.2.c", "L", "F", "improved"]);
    assert_row(&md, &["7.4.a", "F", "P", "regressed"]);
    assert_row(&md, &["7.3.f", "N/A", "F", "no longer not applicable"]);
    assert_row(&md, &["7.2.a", "F", "F", "unchanged"]);
    assert!(
        md.contains("\n2 improved, 1 regressed, 21 unchanged, 1 no longer not applicable.\n"),
        "{md}"
    );
    assert_row(&md, &["OM Organizational management", "P", "L", "improved"]);
    assert_row(&md, &["PSM Process management", "L", "P", "regressed"]);
    assert_row(&md, &["RM Resource management", "L", "L", "unchanged"]);
    assert!(
        md.contains("Every process and requirement is in both"),
        "{md}"
    );

    let minor = FindingClass::Minor.describe();
    let closed = md.split("## Findings closed").nth(1).unwrap();
    let closed = closed.split("## New findings").next().unwrap();
    assert_row(
        closed,
        &[
            "NC-3",
            "7.3.b",
            minor,
            FindingState::Open.describe(),
            FindingState::Closed.describe(),
        ],
    );
    assert_row(
        closed,
        &[
            "OBS-1",
            "7.2.f",
            FindingClass::Observation.describe(),
            FindingState::Recorded.describe(),
            "no longer in the record",
        ],
    );
    assert!(!has_row(closed, &["NC-1"]), "NC-1 is still open");
    let new = md.split("## New findings").nth(1).unwrap();
    let new = new.split("## Findings still recorded").next().unwrap();
    assert_row(new, &[added, "7.4.a", minor, FindingState::Open.describe()]);
    assert!(!has_row(new, &["NC-1"]), "{new}");
    let kept = md.split("## Findings still recorded").nth(1).unwrap();
    let kept = kept.split("## Corrective actions").next().unwrap();
    assert_row(kept, &["NC-1", "7.2.c", minor, "open", "open"]);
    assert!(
        !has_row(kept, &["NC-3"]) && !has_row(kept, &[added]),
        "{kept}"
    );

    let actions = md
        .split("## Corrective actions carried over")
        .nth(1)
        .unwrap();
    let open = ActionStatus::Open.describe();
    let closed = ActionStatus::Closed.describe();
    // A-1 is still open; A-4 was open and is closed now.
    assert!(
        actions
            .lines()
            .any(|l| l.starts_with("| A-1 | NC-1 | 7.2.c |")
                && l.ends_with(&format!("| {open} | {open} |"))),
        "{actions}"
    );
    assert!(
        actions
            .lines()
            .any(|l| l.starts_with("| A-4 | NC-3 | 7.3.b |")
                && l.ends_with(&format!("| {open} | {closed} |"))),
        "{actions}"
    );

    // -o writes the same document, and never over either record.
    ok(
        dir,
        &["compare", "old.toml", "new.toml", "-o", "changes.md"],
    );
    assert_eq!(fs::read_to_string(dir.join("changes.md")).unwrap(), md);
    for record in ["old.toml", "new.toml"] {
        let before = fs::read(dir.join(record)).unwrap();
        let out = vse(dir, &["compare", "old.toml", "new.toml", "-o", record]);
        assert_eq!(out.status.code(), Some(2), "-o {record}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("it is the record itself"), "{err}");
        assert_eq!(fs::read(dir.join(record)).unwrap(), before);
    }
}

#[test]
fn assessments_of_different_profiles_are_not_compared() {
    let tmp = two_records();
    let dir = tmp.path();
    let other = QUESTIONNAIRE.replacen("id = \"iso29110-4-2-om\"", "id = \"another-profile\"", 1);
    fs::write(dir.join("other.toml"), other).unwrap();
    ok(dir, &["new", "b.toml", "--questionnaire", "other.toml"]);
    let out = vse(dir, &["compare", "old.toml", "b.toml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for named in ["old.toml", "b.toml", "iso29110-4-2-om", "another-profile"] {
        assert!(err.contains(named), "{named} not in: {err}");
    }
    assert!(out.stdout.is_empty());
}

#[test]
fn requirements_of_one_questionnaire_version_only_are_listed_not_dropped() {
    let tmp = two_records();
    let dir = tmp.path();
    // A later version of the questionnaire in which 7.5.e is renamed 7.5.f.
    let later = QUESTIONNAIRE
        .replacen("version = \"1.1.0\"", "version = \"1.2.0\"", 1)
        .replacen("id = \"7.5.e\"", "id = \"7.5.f\"", 1);
    assert_ne!(later, QUESTIONNAIRE);
    fs::write(dir.join("later.toml"), later).unwrap();
    ok(dir, &["new", "b.toml", "--questionnaire", "later.toml"]);
    ok(dir, &["answer", "b.toml", "7.5.f", "--rating", "P"]);
    ok(dir, &["answer", "b.toml", "7.2.a", "--rating", "L"]);

    let md = ok(dir, &["compare", "old.toml", "b.toml"]);
    let unmatched = md
        .split("## Not matched between questionnaire versions")
        .nth(1)
        .unwrap();
    let unmatched = unmatched.split("\n## ").next().unwrap();
    assert_row(
        unmatched,
        &["requirement", "7.5.e", "then (iso29110-4-2-om 1.1.0)", "F"],
    );
    assert_row(
        unmatched,
        &["requirement", "7.5.f", "now (iso29110-4-2-om 1.2.0)", "P"],
    );
    assert!(!has_row(&md, &["7.5.e", "F"]) && !has_row(&md, &["7.5.f", "P"]));
    assert_row(&md, &["7.2.a", "F", "L", "regressed"]);
    assert_row(&md, &["7.2.b", "F", "not assessed", "no longer rated"]);
}

/// A nonconformity removed and another recorded about the same requirement: the new one
/// gets a new id, so `compare` does not take it for the old one.
#[test]
fn a_finding_recorded_after_one_was_removed_is_new() {
    let tmp = two_records();
    let dir = tmp.path();
    ok(dir, &["finding", "remove", "new.toml", "NC-4"]);
    let added = ok(
        dir,
        &[
            "finding",
            "add",
            "new.toml",
            "7.5.d",
            "--class",
            "major",
            "--text",
            "Another matter altogether",
        ],
    );
    let added = added.trim();
    assert_eq!(added, "NC-5");
    let md = ok(dir, &["compare", "old.toml", "new.toml"]);
    let closed = md.split("## Findings closed").nth(1).unwrap();
    let closed = closed.split("## New findings").next().unwrap();
    assert!(
        closed
            .lines()
            .any(|l| l.starts_with("| NC-4 | 7.5.d |") && l.contains("no longer in the record")),
        "{closed}"
    );
    let new = md.split("## New findings").nth(1).unwrap();
    let new = new.split("## Findings still recorded").next().unwrap();
    assert_row(
        new,
        &[
            "NC-5",
            "7.5.d",
            FindingClass::Major.describe(),
            FindingState::Open.describe(),
        ],
    );
}
