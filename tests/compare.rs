//! `compare`: two assessments of the same profile, run through the real binary on the shipped
//! example and a later copy of it changed with the commands.

use crate::common;

use std::fs;

use common::{AUDIT, ok, refused, vse};
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

/// The text of a section of the comparison, from its heading to the next.
fn section(md: &str, heading: &str) -> String {
    let rest = md
        .split(&format!("{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading} in:\n{md}"));
    rest.split("\n## ").next().unwrap().to_owned()
}

/// The example record as `old.toml` and a copy as `new.toml` in a fresh folder.
fn two_records() -> TempDir {
    let tmp = TempDir::new().unwrap();
    for name in ["old.toml", "new.toml"] {
        fs::copy(AUDIT, tmp.path().join(name)).unwrap();
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
    ok(
        dir,
        &[
            "answer",
            "old.toml",
            "7.3.f",
            "--rating",
            "na",
            "--justification",
            "One project",
        ],
    );
    rate("7.3.f", "F"); // N/A before
    // NC-3 closed and verified; OBS-1 no longer recorded; a new nonconformity.
    ok(
        dir,
        &["action", "close", "new.toml", "A-4", "--date", "2026-11-19"],
    );
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
            "--note",
            "Training records seen",
            "--evidence",
            "SK",
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
    let closed = section(&md, "## Findings closed");
    let closed = closed.as_str();
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
    assert!(!has_row(closed, &["OBS-1"]), "{closed}");
    assert!(!has_row(closed, &["NC-1"]), "NC-1 is still open");
    assert_row(
        &section(&md, "## Findings not followed up"),
        &[
            "OBS-1",
            "7.4.e",
            FindingClass::Observation.describe(),
            FindingState::Recorded.describe(),
            "not followed up",
        ],
    );
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
        .replacen("version = \"1.2.0\"", "version = \"1.3.0\"", 1)
        .replacen("id = \"7.5.e\"", "id = \"7.5.f\"", 1);
    assert_ne!(later, QUESTIONNAIRE);
    fs::write(dir.join("later.toml"), later).unwrap();
    ok(
        dir,
        &[
            "new",
            "b.toml",
            "--questionnaire",
            "later.toml",
            "--vse",
            "Brightline Software Ltd.",
        ],
    );
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
        &["requirement", "7.5.e", "then (iso29110-4-2-om 1.2.0)", "F"],
    );
    assert_row(
        unmatched,
        &["requirement", "7.5.f", "now (iso29110-4-2-om 1.3.0)", "P"],
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
    assert_eq!(added, "NC-8", "the example holds NC-1 to NC-7");
    let md = ok(dir, &["compare", "old.toml", "new.toml"]);
    let gone = section(&md, "## Findings not followed up");
    assert!(
        gone.lines()
            .any(|l| l.starts_with("| NC-4 | 7.5.d |") && l.contains("| not followed up |")),
        "{gone}"
    );
    assert!(
        !section(&md, "## Findings closed").contains("| NC-4 |"),
        "{md}"
    );
    let new = md.split("## New findings").nth(1).unwrap();
    let new = new.split("## Findings still recorded").next().unwrap();
    assert_row(
        new,
        &[
            "NC-8",
            "7.5.d",
            FindingClass::Major.describe(),
            FindingState::Open.describe(),
        ],
    );
}

/// Records of two different VSEs are not compared unless `--force` is given; names differing
/// only in case, spacing or surrounding blanks are the same VSE.
#[test]
fn records_of_different_vses_are_refused_unless_forced() {
    let tmp = two_records();
    let dir = tmp.path();
    ok(dir, &["set", "new.toml", "--vse", "Northwind Apps SARL"]);
    let err = refused(dir, &["compare", "old.toml", "new.toml"]);
    for named in [
        "old.toml",
        "new.toml",
        "Brightline Software Ltd.",
        "Northwind Apps SARL",
        "different VSEs",
        "--force",
    ] {
        assert!(err.contains(named), "{named} not in: {err}");
    }
    let out = vse(dir, &["compare", "old.toml", "new.toml"]);
    assert!(out.stdout.is_empty());
    // -o writes nothing when refused.
    refused(
        dir,
        &["compare", "old.toml", "new.toml", "-o", "changes.md"],
    );
    assert!(!dir.join("changes.md").exists());

    let md = ok(dir, &["compare", "--force", "old.toml", "new.toml"]);
    assert!(md.starts_with("# Comparison of two assessments: "), "{md}");

    ok(
        dir,
        &[
            "set",
            "new.toml",
            "--vse",
            "  brightline \t SOFTWARE   ltd. ",
        ],
    );
    ok(dir, &["compare", "old.toml", "new.toml"]);
}

/// OLD must not be dated after NEW (a record's date is its last session's): the two were
/// given the wrong way round, and every improvement would read as a regression.
#[test]
fn an_earlier_record_dated_after_the_later_is_refused_unless_forced() {
    let tmp = two_records();
    let dir = tmp.path();
    // The example's sessions are 2026-11-16 and 2026-11-17.
    ok(
        dir,
        &[
            "set",
            "new.toml",
            "--session",
            "2026-11-25:Lyon",
            "--session",
            "2026-11-24:Lyon",
        ],
    );
    ok(dir, &["compare", "old.toml", "new.toml"]);
    let err = refused(dir, &["compare", "new.toml", "old.toml"]);
    for named in [
        "new.toml",
        "old.toml",
        "2026-11-25",
        "2026-11-17",
        "--force",
    ] {
        assert!(err.contains(named), "{named} not in: {err}");
    }
    assert!(
        !err.contains("2026-11-24"),
        "the last session counts: {err}"
    );
    ok(dir, &["compare", "new.toml", "old.toml", "--force"]);

    // Both refusals at once are both named.
    ok(dir, &["set", "new.toml", "--vse", "Northwind Apps SARL"]);
    let err = refused(dir, &["compare", "new.toml", "old.toml"]);
    assert!(
        err.contains("different VSEs") && err.contains("2026-11-25"),
        "{err}"
    );
}

/// A record with no session and no sign-off has no date: the order is not judged.
#[test]
fn a_record_with_no_date_is_compared_either_way() {
    let tmp = two_records();
    let dir = tmp.path();
    ok(dir, &["new", "b.toml", "--vse", "Brightline Software Ltd."]);
    ok(dir, &["compare", "old.toml", "b.toml"]);
    ok(dir, &["compare", "b.toml", "old.toml"]);
}

/// A nonconformity open in OLD and gone from NEW was not followed up: it is never called
/// closed; one verified effective in NEW is.
#[test]
fn a_nonconformity_gone_from_the_later_record_is_not_followed_up() {
    let tmp = two_records();
    let dir = tmp.path();
    ok(dir, &["finding", "remove", "new.toml", "NC-1"]);
    ok(
        dir,
        &["action", "close", "new.toml", "A-4", "--date", "2026-11-19"],
    );
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
            "--note",
            "Training records seen",
            "--evidence",
            "SK",
        ],
    );
    let md = ok(dir, &["compare", "old.toml", "new.toml"]);
    let minor = FindingClass::Minor.describe();
    let gone = section(&md, "## Findings not followed up");
    assert_row(
        &gone,
        &[
            "NC-1",
            "7.2.c",
            minor,
            FindingState::Open.describe(),
            "not followed up",
        ],
    );
    let closed = section(&md, "## Findings closed");
    assert!(!closed.contains("| NC-1 |"), "{closed}");
    assert_row(
        &closed,
        &[
            "NC-3",
            "7.3.b",
            minor,
            FindingState::Open.describe(),
            FindingState::Closed.describe(),
        ],
    );
    assert!(!gone.contains("| NC-3 |"), "{gone}");
    // Nowhere is NC-1 said to be closed.
    for line in md.lines().filter(|l| l.starts_with("| NC-1 |")) {
        assert!(!line.contains("closed"), "{line}");
    }
}
