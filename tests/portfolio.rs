//! `portfolio`: a folder of records (the shipped example in a few variants, a self-assessment,
//! a broken file, and files that are not records) summed up one row per assessment, through
//! the real binary, on the tests' fixed day (2026-11-30).

use crate::common;

use std::fs;
use std::path::Path;

use common::{AUDIT, command, ok, signed_off_example};
use tempfile::TempDir;

const QUESTIONNAIRE: &str = include_str!("../questionnaires/iso29110-4-2-om.toml");

/// The example with another VSE name, written to `dir/name`; `edit` changes its text first.
fn variant(dir: &Path, name: &str, vse: &str, edit: impl Fn(String) -> String) {
    let text = fs::read_to_string(AUDIT).unwrap();
    let renamed = text.replacen(
        "vse = \"Brightline Software Ltd.\"",
        &format!("vse = {}", toml_string(vse)),
        1,
    );
    assert_ne!(renamed, text);
    fs::write(dir.join(name), edit(renamed)).unwrap();
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `dir/recs`: five records and the files a folder of records also holds.
///
/// - `a.toml`: the example (a draft audit, 1 major and 6 minor nonconformities open, actions
///   due from 2026-12-15), VSE `Zeta <Ltd>`;
/// - `b.toml`: the same, VSE `Alpha`, one action due 2026-11-01: overdue;
/// - `final.toml`: the example signed off, VSE `Final Co`;
/// - `sub/self.toml`: a new self-assessment, its one team member a facilitator;
/// - `broken.toml`: a TOML syntax error on line 3;
/// - not records: a questionnaire, the copy an interview leaves (`a.mine.toml`), a lock file,
///   a hidden folder and a `target/` folder holding records.
fn portfolio_folder() -> TempDir {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let recs = dir.join("recs");
    fs::create_dir_all(recs.join("sub")).unwrap();
    variant(&recs, "a.toml", "Zeta <Ltd>", |t| t);
    variant(&recs, "b.toml", "Alpha", |t| {
        let overdue = t.replacen("due = \"2026-12-15\"", "due = \"2026-11-01\"", 1);
        assert_ne!(overdue, t);
        overdue
    });
    let signed = signed_off_example(dir);
    let text = fs::read_to_string(&signed).unwrap().replacen(
        "vse = \"Brightline Software Ltd.\"",
        "vse = \"Final Co\"",
        1,
    );
    fs::write(recs.join("final.toml"), text).unwrap();
    fs::remove_file(signed).unwrap();
    ok(
        &recs,
        &[
            "new",
            "sub/self.toml",
            "--vse",
            "Self Co",
            "--kind",
            "self",
            "--assessor",
            "Ann Lee:facilitator",
            "--date",
            "2026-11-02",
        ],
    );
    fs::write(
        recs.join("broken.toml"),
        "schema = 2\n\n[questionnaire\nid = \"iso29110-4-2-om\"\n",
    )
    .unwrap();
    fs::write(recs.join("profile.toml"), QUESTIONNAIRE).unwrap();
    fs::copy(recs.join("a.toml"), recs.join("a.mine.toml")).unwrap();
    fs::write(recs.join(".a.toml.lock"), "someone").unwrap();
    for hidden in [".git", "target"] {
        fs::create_dir_all(recs.join(hidden)).unwrap();
        fs::copy(recs.join("a.toml"), recs.join(hidden).join("x.toml")).unwrap();
    }
    tmp
}

/// The record column of the Markdown table's rows, in order.
fn files_in_order(md: &str) -> Vec<String> {
    md.lines()
        .filter(|l| l.starts_with("| recs/") || l.starts_with("| missing"))
        .map(|l| l.split(" | ").next().unwrap()[2..].to_string())
        .collect()
}

/// Text as a Markdown cell shows it (the escapes of the report's cells).
fn markdown_escaped(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\`*_[]#|~$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = command(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn rows_come_sorted_by_what_needs_attention_with_the_broken_record_first() {
    let tmp = portfolio_folder();
    let dir = tmp.path();
    let (code, md, err) = run(dir, &["portfolio", "recs"]);
    // A record that did not load: the run goes on, and ends as `validate` does.
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        files_in_order(&md),
        [
            "recs/broken.toml",
            "recs/b.toml",     // 1 major, 1 action overdue
            "recs/a.toml",     // 1 major, a draft
            "recs/final.toml", // 1 major, final
            "recs/sub/self.toml",
        ],
        "{md}"
    );
    let row = |file: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {file} |")))
            .unwrap_or_else(|| panic!("no row {file} in\n{md}"))
            .to_string()
    };
    // The broken one with the error `validate` gives: file, line and column.
    let validate = run(dir, &["validate", "recs/broken.toml"]).2;
    let first = validate.lines().next().unwrap();
    assert!(first.starts_with("recs/broken.toml:3:"), "{validate}");
    assert!(row("recs/broken.toml").contains("| not loaded |"), "{md}");
    assert!(
        row("recs/broken.toml").contains(&markdown_escaped(first)),
        "{first}\n{md}"
    );
    assert_eq!(
        row("recs/b.toml"),
        "| recs/b.toml | Alpha | audit, stage 2 | draft | 2026-11-16 – 2026-11-17 | Claire Martin | do not recommend | 1 | 6 | 1 | 2026-12-18 | iso29110-4-2-om 1.2.0 |"
    );
    assert!(row("recs/a.toml").contains("| Zeta &lt;Ltd&gt; |"), "{md}");
    assert!(row("recs/a.toml").contains("| 1 | 6 | 0 |"), "{md}");
    assert!(
        row("recs/final.toml").contains("| Final Co | audit, stage 2 | final |"),
        "{md}"
    );
    assert_eq!(
        row("recs/sub/self.toml"),
        "| recs/sub/self.toml | Self Co | self-assessment | draft | 2026-11-02 | Ann Lee | no claim yet | 0 | 0 | 0 |   | iso29110-4-2-om 1.2.0 |"
    );
    assert!(
        md.contains(
            "**Total:** 5 records: 4 loaded, 1 not loaded; open nonconformities: 3 major, 18 minor; 1 action overdue."
        ),
        "{md}"
    );
    // The copies, the questionnaire, hidden and target folders are not rows.
    for skipped in ["a.mine.toml", "profile.toml", "x.toml", "lock"] {
        assert!(!md.contains(skipped), "{skipped}\n{md}");
    }

    // All loaded: exit 0.
    fs::remove_file(dir.join("recs/broken.toml")).unwrap();
    let (code, md, err) = run(dir, &["portfolio", "recs"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(md.contains("**Total:** 4 records: 4 loaded, 0 not loaded;"));
}

#[test]
fn nothing_is_locked_or_written() {
    let tmp = portfolio_folder();
    let dir = tmp.path();
    let listing = || {
        let mut all: Vec<(String, Vec<u8>)> = Vec::new();
        let mut stack = vec![dir.join("recs")];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    all.push((e.path().display().to_string(), fs::read(e.path()).unwrap()));
                }
            }
        }
        all.sort();
        all
    };
    let before = listing();
    run(dir, &["portfolio", "recs", "--format", "html"]);
    assert_eq!(listing(), before);
    // Nor does it wait for a record open for editing elsewhere.
    let _held = vse_assess::record::lock::lock(&dir.join("recs/a.toml")).unwrap();
    let (_, md, _) = run(dir, &["portfolio", "recs"]);
    assert!(md.contains("| recs/a.toml | Zeta"), "{md}");
}

#[test]
fn csv_has_a_header_and_one_row_per_record() {
    let tmp = portfolio_folder();
    let dir = tmp.path();
    let (code, text, _) = run(dir, &["portfolio", "recs", "--format", "csv"]);
    assert_eq!(code, Some(2));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "file",
            "vse",
            "kind",
            "stage",
            "status",
            "first_session",
            "last_session",
            "lead",
            "conclusion",
            "open_major",
            "open_minor",
            "overdue_actions",
            "follow_up_due",
            "questionnaire",
            "questionnaire_version",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // No totals row: each row is a record.
    assert_eq!(rows.len(), 5);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let files: Vec<&str> = rows.iter().map(|r| &r[col("file")]).collect();
    assert_eq!(
        files,
        [
            "recs/broken.toml",
            "recs/b.toml",
            "recs/a.toml",
            "recs/final.toml",
            "recs/sub/self.toml"
        ]
    );
    assert_eq!(&rows[0][col("status")], "not loaded");
    assert!(rows[0][col("error")].starts_with("recs/broken.toml:3:"));
    let b = &rows[1];
    for (name, value) in [
        ("vse", "Alpha"),
        ("kind", "audit"),
        ("stage", "stage-2"),
        ("status", "draft"),
        ("first_session", "2026-11-16"),
        ("last_session", "2026-11-17"),
        ("lead", "Claire Martin"),
        ("conclusion", "do not recommend"),
        ("open_major", "1"),
        ("open_minor", "6"),
        ("overdue_actions", "1"),
        ("follow_up_due", "2026-12-18"),
        ("questionnaire", "iso29110-4-2-om"),
        ("questionnaire_version", "1.2.0"),
        ("error", ""),
    ] {
        assert_eq!(&b[col(name)], value, "{name}");
    }
    assert_eq!(&rows[2][col("vse")], "Zeta <Ltd>");
    assert_eq!(&rows[3][col("status")], "final");
    assert_eq!(&rows[4][col("kind")], "self");
    assert_eq!(&rows[4][col("stage")], "");
}

#[test]
fn html_is_a_page_with_the_table_and_names_escaped() {
    let tmp = portfolio_folder();
    let dir = tmp.path();
    let (_, html, _) = run(dir, &["portfolio", "recs", "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("<table>") && html.contains("</table>"));
    assert!(html.contains("<td>Zeta &lt;Ltd&gt;</td>"), "{html}");
    assert!(!html.contains("Zeta <Ltd>"));
    assert!(html.contains("<tr class=\"failed\"><td>recs/broken.toml</td>"));
    assert!(html.contains("5 records: 4 loaded, 1 not loaded"));
    // The order is the Markdown's.
    let at = |s: &str| html.find(s).unwrap();
    assert!(at("recs/broken.toml") < at("recs/b.toml"));
    assert!(at("recs/b.toml") < at("recs/a.toml"));
    assert!(at("recs/a.toml") < at("recs/final.toml"));
    assert!(at("recs/final.toml") < at("recs/sub/self.toml"));
}

#[test]
fn files_named_are_read_whatever_they_are_once_and_output_goes_to_a_file() {
    let tmp = portfolio_folder();
    let dir = tmp.path();
    let (code, md, err) = run(
        dir,
        &[
            "portfolio",
            "recs/a.toml",
            "recs/profile.toml",
            "missing.toml",
            "recs/a.toml",
            "-o",
            "out.md",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(md, "");
    let md = fs::read_to_string(dir.join("out.md")).unwrap();
    assert_eq!(
        files_in_order(&md),
        ["missing.toml", "recs/profile.toml", "recs/a.toml"],
        "{md}"
    );
    assert!(md.contains("missing.toml: cannot read"), "{md}");
    // Never over a record it lists.
    let before = fs::read(dir.join("recs/a.toml")).unwrap();
    let (code, _, err) = run(dir, &["portfolio", "recs", "-o", "recs/sub/../a.toml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "refusing to write the portfolio to recs/sub/../a.toml: it is the record itself"
        ),
        "{err}"
    );
    assert_eq!(fs::read(dir.join("recs/a.toml")).unwrap(), before);
    assert!(
        md.contains(&markdown_escaped(
            "recs/profile.toml: not an assessment record (it has no top-level `schema`)"
        )),
        "{md}"
    );
}

/// The day the run is made on decides what is overdue.
#[test]
fn overdue_counts_against_today() {
    let tmp = portfolio_folder();
    let dir = tmp.path();
    let out = command(dir)
        .env("VSE_ASSESS_TODAY", "2026-12-31")
        .args(["portfolio", "recs/b.toml", "recs/a.toml"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    // Open actions due before 2026-12-31: A-5 (2026-12-15 in a, 2026-11-01 in b) and the
    // one due 2026-12-20, in each record; those due in 2027 are not.
    assert!(
        md.contains("| 1 | 6 | 2 | 2026-12-18 | iso29110-4-2-om 1.2.0 |"),
        "{md}"
    );
    assert!(md.contains("4 actions overdue"), "{md}");
}
