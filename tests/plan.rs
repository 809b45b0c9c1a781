//! The VSE answers in a spreadsheet: `report --format actions` writes the corrective action
//! plan as CSV or XLSX (opened here by an independent reader, Python's openpyxl), and
//! `action import` reads the filled-in sheet back, adding only the VSE's answer and refusing
//! a sheet whose audit columns were changed, naming the row and column.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common;

use common::{ok, record};
use tempfile::TempDir;
use vse_assess::record::{ActionKind, ActionStatus};

/// A Python that has openpyxl, if there is one. Without it the test is skipped locally but
/// fails where tools are required (CI, `VSE_ASSESS_REQUIRE_TOOLS`), as [`common::tools`].
fn openpyxl() -> Option<&'static str> {
    let found = ["python3", "/usr/bin/python3"].into_iter().find(|py| {
        Command::new(py)
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        let required = std::env::var_os("CI").is_some()
            || std::env::var_os("VSE_ASSESS_REQUIRE_TOOLS").is_some();
        assert!(
            !required,
            "Python's openpyxl required here but not installed (apt-get install python3-openpyxl)"
        );
        eprintln!("skipping: Python's openpyxl not installed (apt-get install python3-openpyxl)");
    }
    found
}

/// Runs a Python script in `dir`; returns its stdout.
fn python(py: &str, dir: &Path, script: &str) -> String {
    let out = Command::new(py)
        .current_dir(dir)
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An audit of Acme Soft with two nonconformities (NC-1 major on 7.2.g with action A-1,
/// NC-2 minor on 7.3.a with none), an observation, and an evidence register E1, E2, E4.
fn audit(dir: &Path) {
    ok(
        dir,
        &[
            "new",
            "a.toml",
            "--kind",
            "audit",
            "--vse",
            "Acme Soft",
            "--participant",
            "Bob Boss:director",
            "--assessor",
            "Ann Lead:lead auditor",
            "--session",
            "2026-11-20:Lyon",
        ],
    );
    for (id, title) in [
        ("E1", "Risk register"),
        ("E2", "Review minutes, Q3"),
        ("E4", "Risk plan v2, approved"),
    ] {
        ok(
            dir,
            &[
                "evidence",
                "add",
                "a.toml",
                "--id",
                id,
                "--title",
                title,
                "--not-a-file",
            ],
        );
    }
    ok(dir, &["answer", "a.toml", "7.2.g", "--rating", "N"]);
    ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.g",
            "--class",
            "major",
            "--text",
            "No risk management plan: risks are listed, not treated.",
            "--evidence",
            "E1",
            "--evidence",
            "E2",
        ],
    );
    ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.3.a",
            "--class",
            "minor",
            "--text",
            "=Portfolio reviews are not recorded",
        ],
    );
    ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.a",
            "--class",
            "observation",
            "--text",
            "Mission statement is old",
        ],
    );
    ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Write a risk plan",
            "--owner",
            "Bob Boss",
            "--due",
            "2027-01-15",
        ],
    );
}

/// The same audit, signed off (marked final as a sign-off leaves it).
fn final_audit(dir: &Path) {
    audit(dir);
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    let signed = text.replacen("status = \"draft\"", "status = \"final\"", 1)
        + "\n[[assessment.history]]\nstatus = \"final\"\nby = \"Ann Lead\"\ndate = \"2026-11-21\"\n";
    fs::write(dir.join("a.toml"), signed).unwrap();
    assert!(record(&dir.join("a.toml")).assessment.sign_off().is_some());
}

const HEADER: [&str; 16] = [
    "Finding",
    "Requirement(s)",
    "Class",
    "Raised",
    "Plan due",
    "Statement",
    "Evidence cited",
    "Correction",
    "Root cause",
    "Action",
    "Kind",
    "Corrective action",
    "Owner",
    "Due",
    "Completed",
    "Evidence",
];

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
}

/// Runs `action import`, which must be refused leaving the record as it was; returns stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let before = fs::read(dir.join("a.toml")).unwrap();
    let err = common::refused(dir, args);
    assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before, "{args:?}");
    err
}

#[test]
fn the_plan_is_a_csv_with_a_row_per_nonconformity_and_per_action() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit(dir);
    ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Review the register monthly",
        ],
    );
    let out = ok(dir, &["report", "a.toml", "--format", "actions"]);
    let rows = csv_rows(&out);
    assert_eq!(rows[0], HEADER);
    // NC-1 with its two actions, NC-2 with none; no row for the observation.
    let keys: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[9].as_str()))
        .collect();
    assert_eq!(keys, [("NC-1", "A-1"), ("NC-1", "A-2"), ("NC-2", "")]);
    let nc1 = &rows[1];
    assert_eq!(nc1[1], "7.2.g");
    assert_eq!(nc1[2], "major nonconformity");
    assert_eq!(
        nc1[5],
        "No risk management plan: risks are listed, not treated."
    );
    assert_eq!(nc1[6], "E1: Risk register\nE2: Review minutes, Q3");
    assert_eq!(
        nc1[10..14],
        ["corrective", "Write a risk plan", "Bob Boss", "2027-01-15"]
    );
    // Each row repeats its finding's columns.
    assert_eq!(rows[2][..9], nc1[..9]);
    // A formula-looking statement stays text.
    assert_eq!(rows[3][5], "'=Portfolio reviews are not recorded");
    // Written to a .csv file, the same bytes.
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.csv"],
    );
    assert_eq!(fs::read_to_string(dir.join("plan.csv")).unwrap(), out);
    // Only the plan goes to a workbook.
    let err = common::refused(dir, &["report", "a.toml", "-o", "report.xlsx"]);
    assert!(err.contains("--format actions"), "{err}");
}

#[test]
fn the_workbook_opens_in_an_independent_reader() {
    let Some(py) = openpyxl() else { return };
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit(dir);
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.xlsx"],
    );
    // The same record gives the same bytes.
    ok(
        dir,
        &[
            "report",
            "a.toml",
            "--format",
            "actions",
            "-o",
            "again.xlsx",
        ],
    );
    assert_eq!(
        fs::read(dir.join("plan.xlsx")).unwrap(),
        fs::read(dir.join("again.xlsx")).unwrap()
    );
    // openpyxl checks what a spreadsheet program shows: its assertions fail the test.
    let header: Vec<String> = HEADER.iter().map(|h| format!("{h:?}")).collect();
    let script = format!(
        r#"
import datetime, openpyxl
wb = openpyxl.load_workbook("plan.xlsx")
assert wb.sheetnames == ["Plan", "Instructions"], wb.sheetnames
ws = wb["Plan"]
rows = list(ws.iter_rows(min_row=1, max_row=3, values_only=True))
assert list(rows[0]) == [{header}], rows[0]
nc1 = rows[1]
assert nc1[0] == "NC-1" and nc1[1] == "7.2.g" and nc1[2] == "major nonconformity", nc1
assert nc1[5] == "No risk management plan: risks are listed, not treated.", nc1
assert nc1[6] == "E1: Risk register\nE2: Review minutes, Q3", nc1
assert nc1[9] == "A-1" and nc1[10] == "corrective" and nc1[12] == "Bob Boss", nc1
# The due date is a date cell, not text.
assert nc1[13] == datetime.datetime(2027, 1, 15), nc1[13]
assert ws["N2"].number_format == "yyyy-mm-dd", ws["N2"].number_format
assert rows[2][0] == "NC-2" and rows[2][9] is None, rows[2]
assert rows[2][5] == "=Portfolio reviews are not recorded" and ws["F3"].data_type == "s", rows[2]
assert ws.freeze_panes == "B2", ws.freeze_panes
assert ws.protection.sheet, "protected"
assert ws["A1"].font.b and ws["P1"].font.b, "header bold"
assert ws["F2"].alignment.wrap_text, "statement wrapped"
locked = [ws.cell(2, c).protection.locked for c in range(1, 17)]
assert locked == [c < 8 for c in range(1, 17)], locked
fills = [ws.cell(2, c).fill.fgColor.rgb for c in range(1, 17)]
assert all(f == fills[7] for f in fills[7:]) and all(f != fills[7] for f in fills[:7]), fills
# A free row below the plan, open for an added action.
assert not ws.cell(5, 1).protection.locked and not ws.cell(5, 12).protection.locked
help = "\n".join(str(r[0]) for r in wb["Instructions"].iter_rows(values_only=True) if r[0])
for words in ["Corrective action plan of Acme Soft", "do not change them",
              "Leave it empty for an action you add", "An empty cell changes nothing",
              "vse-assess action import"]:
    assert words in help, (words, help)
print("read")
"#,
        header = header.join(", ")
    );
    assert_eq!(python(py, dir, &script), "read\n");
}

/// openpyxl fills in a copy of the plan as the VSE would in a spreadsheet program.
const FILL: &str = r#"
import datetime, openpyxl
wb = openpyxl.load_workbook("plan.xlsx")
ws = wb["Plan"]
assert ws["A2"].value == "NC-1" and ws["A3"].value == "NC-2"
ws["H2"] = "Risks of the two open projects treated at once"
ws["I2"] = "No one owned risk management"
ws["O2"] = datetime.datetime(2026, 11, 25)
ws["P2"] = "E4"
ws["I3"] = "Reviews were held but not minuted"
ws["K3"] = "correction"
ws["L3"] = "Minute every portfolio review"
ws["M3"] = "Bob Boss"
ws["N3"] = datetime.datetime(2027, 1, 10)
ws["A4"] = "NC-1"
ws["L4"] = "Review the risk register every month"
ws["M4"] = "Bob Boss"
ws["N4"] = datetime.date(2027, 2, 1)
wb.save("filled.xlsx")
"#;

#[test]
fn a_filled_in_workbook_imports() {
    let Some(py) = openpyxl() else { return };
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit(dir);
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.xlsx"],
    );
    // Unchanged, it changes nothing.
    assert_eq!(
        ok(dir, &["action", "import", "a.toml", "plan.xlsx"]),
        "nothing to change\n"
    );
    python(py, dir, FILL);
    // New actions need who proposes them.
    let err = refused(dir, &["action", "import", "a.toml", "filled.xlsx"]);
    assert!(
        err.contains("sheet Plan: rows 3, 4 each add a new action") && err.contains("--by"),
        "{err}"
    );
    // A dry run says what would change, and changes nothing.
    let before = fs::read(dir.join("a.toml")).unwrap();
    let dry = ok(
        dir,
        &[
            "action",
            "import",
            "a.toml",
            "filled.xlsx",
            "--by",
            "Bob Boss",
            "--dry-run",
        ],
    );
    assert!(dry.contains("dry run: nothing was saved"), "{dry}");
    assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before);
    let out = ok(
        dir,
        &[
            "action",
            "import",
            "a.toml",
            "filled.xlsx",
            "--by",
            "Bob Boss",
        ],
    );
    assert_eq!(
        out,
        "NC-1: correction set\n\
         NC-1: root cause set\n\
         A-1 completed on 2026-11-25 (evidence E4)\n\
         NC-2: root cause set\n\
         A-2 added to NC-2: Minute every portfolio review (correction, owner Bob Boss, due 2027-01-10)\n\
         A-3 added to NC-1: Review the risk register every month (corrective action, owner Bob Boss, due 2027-02-01)\n",
        "{out}"
    );
    assert_eq!(dry, format!("{out}dry run: nothing was saved\n"));
    let r = record(&dir.join("a.toml"));
    let nc1 = r.finding("NC-1").unwrap();
    assert_eq!(
        nc1.correction,
        "Risks of the two open projects treated at once"
    );
    assert_eq!(nc1.root_cause, "No one owned risk management");
    let a1 = &nc1.actions[0];
    assert_eq!(a1.completed.as_deref(), Some("2026-11-25"));
    assert_eq!(a1.evidence, ["E4"]);
    assert_eq!(a1.status, ActionStatus::Closed);
    let a3 = &nc1.actions[1];
    assert_eq!(a3.id, "A-3");
    assert_eq!(a3.kind, ActionKind::Corrective);
    assert_eq!(a3.due.as_deref(), Some("2027-02-01"));
    let proposed = a3.proposed.as_ref().unwrap();
    assert_eq!(
        (proposed.by.as_str(), proposed.date.as_str()),
        ("Bob Boss", common::TODAY)
    );
    let nc2 = r.finding("NC-2").unwrap();
    assert_eq!(nc2.root_cause, "Reviews were held but not minuted");
    assert_eq!(nc2.actions.len(), 1);
    assert_eq!(nc2.actions[0].kind, ActionKind::Correction);
    assert_eq!(nc2.actions[0].owner, "Bob Boss");
    // The statements are as they were.
    assert_eq!(nc2.text, "=Portfolio reviews are not recorded");
    // The same sheet again: its added actions are there already.
    assert_eq!(
        ok(
            dir,
            &[
                "action",
                "import",
                "a.toml",
                "filled.xlsx",
                "--by",
                "Bob Boss"
            ]
        ),
        "nothing to change\n"
    );
}

#[test]
fn a_workbook_with_the_audits_columns_changed_is_refused_naming_the_row() {
    let Some(py) = openpyxl() else { return };
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit(dir);
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.xlsx"],
    );
    // Each copy changes one thing (a Python statement on `ws`); the refusal names where.
    for (change, said) in [
        (
            r#"ws["F3"] = "Portfolio reviews are recorded""#,
            "sheet Plan, row 3, column F (Statement): NC-2's statement is not the audit's",
        ),
        (
            r#"ws["A2"] = "NC-9""#,
            "sheet Plan, row 2, column A (Finding): no finding `NC-9` in the record (nonconformities: NC-1, NC-2)",
        ),
        (
            r#"ws["A2"] = "OBS-1""#,
            "row 2, column A (Finding): OBS-1 is an observation: the plan answers nonconformities only",
        ),
        (
            r#"ws["C2"] = "minor nonconformity""#,
            "row 2, column C (Class): NC-1's class is not the audit's",
        ),
        (
            r#"ws["L1"] = "What""#,
            "row 1, column L (Corrective action): the header says `What`",
        ),
        (
            r#"ws["J3"] = "A-7""#,
            "row 3, column J (Action): no action `A-7` in the record",
        ),
        (
            r#"ws["J3"] = "A-1""#,
            "row 3, column J (Action): A-1 is an action of NC-1, not of NC-2",
        ),
        (
            r#"ws["N2"] = "31/01/2027""#,
            "row 2, column N (Due): `31/01/2027` is not a date",
        ),
        (
            r#"ws["O2"] = "2026-11-25"; ws["P2"] = "E9""#,
            "row 2, column P (Evidence): no evidence `E9` in the register (known: E1, E2, E4)",
        ),
        (
            r#"ws["K2"] = "urgent""#,
            "row 2, column K (Kind): `urgent` is not a kind of action",
        ),
        (
            r#"ws["O2"] = "2026-12-25""#,
            "row 2, column O (Completed): `2026-12-25` is in the future",
        ),
    ] {
        let script = format!(
            "import openpyxl\nwb = openpyxl.load_workbook('plan.xlsx')\nws = wb['Plan']\nws['I2'] = 'A cause'\n{change}\nwb.save('bad.xlsx')\n"
        );
        python(py, dir, &script);
        let err = refused(
            dir,
            &["action", "import", "a.toml", "bad.xlsx", "--by", "Bob Boss"],
        );
        assert!(
            err.contains(said) && err.contains("bad.xlsx") && err.contains("nothing was changed"),
            "{change}: {err}"
        );
    }
}

#[test]
fn the_csv_plan_round_trips() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit(dir);
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.csv"],
    );
    assert_eq!(
        ok(dir, &["action", "import", "a.toml", "plan.csv"]),
        "nothing to change\n"
    );
    let mut rows = csv_rows(&fs::read_to_string(dir.join("plan.csv")).unwrap());
    rows[1][8] = "No one owned risk management".into();
    rows[1][12] = "Ann Other".into();
    // A row the VSE adds names only the finding, and the action.
    let mut added = vec![String::new(); 16];
    added[0] = "NC-2".into();
    added[11] = "=Minute every review".into();
    added[14] = "2026-11-28".into();
    added[15] = "E2; E4".into();
    rows.push(added);
    write_csv(&dir.join("filled.csv"), &rows);
    let out = ok(
        dir,
        &[
            "action",
            "import",
            "a.toml",
            "filled.csv",
            "--by",
            "Bob Boss",
        ],
    );
    assert_eq!(
        out,
        "NC-1: root cause set\n\
         A-1 changed: owner Ann Other\n\
         A-2 added to NC-2: =Minute every review (corrective action)\n\
         A-2 completed on 2026-11-28 (evidence E2, E4)\n"
    );
    let r = record(&dir.join("a.toml"));
    assert_eq!(r.finding("NC-1").unwrap().actions[0].owner, "Ann Other");
    let a2 = &r.finding("NC-2").unwrap().actions[0];
    assert_eq!(a2.what, "=Minute every review");
    assert_eq!(a2.evidence, ["E2", "E4"]);
    // Exported again, it reads back as it is.
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "again.csv"],
    );
    assert_eq!(
        ok(dir, &["action", "import", "a.toml", "again.csv"]),
        "nothing to change\n"
    );
    // A changed statement or id is refused, naming the row.
    let mut bad = csv_rows(&fs::read_to_string(dir.join("again.csv")).unwrap());
    bad[2][5] = "Portfolio reviews are recorded".into();
    bad[1][0] = "NC-7".into();
    write_csv(&dir.join("bad.csv"), &bad);
    let err = refused(dir, &["action", "import", "a.toml", "bad.csv"]);
    assert!(
        err.contains("bad.csv, row 2, column A (Finding): no finding `NC-7`")
            && err.contains(
                "bad.csv, row 3, column F (Statement): NC-2's statement is not the audit's"
            ),
        "{err}"
    );
    // Saved with semicolons, as some spreadsheets do, it reads the same.
    let semi = fs::read_to_string(dir.join("again.csv"))
        .unwrap()
        .replace("\",\"", "\";\"");
    fs::write(dir.join("semi.csv"), semi).unwrap();
    assert_eq!(
        ok(dir, &["action", "import", "a.toml", "semi.csv"]),
        "nothing to change\n"
    );
}

#[test]
fn import_on_a_final_record_leaves_what_was_found() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    final_audit(dir);
    let before = record(&dir.join("a.toml"));
    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.csv"],
    );
    let mut rows = csv_rows(&fs::read_to_string(dir.join("plan.csv")).unwrap());
    rows[1][7] = "Open risks treated".into();
    rows[1][14] = "2026-11-29".into();
    rows[1][15] = "E4".into();
    rows[2][11] = "Minute every portfolio review".into();
    write_csv(&dir.join("filled.csv"), &rows);
    let out = ok(
        dir,
        &[
            "action",
            "import",
            "a.toml",
            "filled.csv",
            "--by",
            "Bob Boss",
        ],
    );
    assert!(out.contains("NC-1: correction set"), "{out}");
    assert!(
        out.contains("A-1 completed on 2026-11-29 (evidence E4)"),
        "{out}"
    );
    assert!(out.contains("A-2 added to NC-2"), "{out}");
    let after = record(&dir.join("a.toml"));
    assert!(after.assessment.sign_off().is_some(), "still final");
    assert_eq!(after.requirements, before.requirements, "ratings unchanged");
    for (a, b) in after.findings.iter().zip(&before.findings) {
        assert_eq!(
            (&a.id, &a.requirement, &a.class, &a.text, &a.evidence),
            (&b.id, &b.requirement, &b.class, &b.text, &b.evidence)
        );
    }
    assert_eq!(
        after.finding("NC-1").unwrap().correction,
        "Open risks treated"
    );
}

/// A workbook another program wrote (no protection, no Instructions sheet, its own date
/// format, a date typed as text) reads as well: the cells count, not how they look.
#[test]
fn a_workbook_from_another_program_imports() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit(dir);
    let rows = csv_rows(&ok(dir, &["report", "a.toml", "--format", "actions"]));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Plan").unwrap();
    let european = Format::new().set_num_format("dd/mm/yyyy");
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            // The due date as a date cell shown the European way; the rest as text.
            if let (13, Ok(d)) = (c, value.parse::<jiff::civil::Date>()) {
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .unwrap();
                sheet
                    .write_datetime_with_format(r, c, &d, &european)
                    .unwrap();
            } else if !value.is_empty() {
                // The statement of NC-2 as typed, without the CSV's guard.
                let value = value.strip_prefix('\'').unwrap_or(value);
                sheet.write_string(r, c, value).unwrap();
            }
        }
    }
    let completed = ExcelDateTime::from_ymd(2026, 11, 26).unwrap();
    sheet
        .write_datetime_with_format(1, 14, &completed, &european)
        .unwrap();
    sheet.write_string(1, 15, "E4, E2").unwrap();
    sheet.write_string(2, 13, "2027-03-01").unwrap();
    sheet.write_string(2, 11, "Minute the reviews").unwrap();
    book.add_worksheet().set_name("Notes").unwrap();
    book.save(dir.join("other.xlsx")).unwrap();
    let out = ok(
        dir,
        &[
            "action",
            "import",
            "a.toml",
            "other.xlsx",
            "--by",
            "Bob Boss",
        ],
    );
    assert_eq!(
        out,
        "A-1 completed on 2026-11-26 (evidence E4, E2)\n\
         A-2 added to NC-2: Minute the reviews (corrective action, due 2027-03-01)\n"
    );
    let r = record(&dir.join("a.toml"));
    assert_eq!(r.finding("NC-1").unwrap().actions[0].evidence, ["E4", "E2"]);
    // No sheet named Plan: said so, with the sheets there are.
    let mut book = Workbook::new();
    book.add_worksheet().set_name("Sheet1").unwrap();
    book.save(dir.join("none.xlsx")).unwrap();
    let err = refused(dir, &["action", "import", "a.toml", "none.xlsx"]);
    assert!(
        err.contains("none.xlsx, sheet Plan: no sheet named Plan (sheets: Sheet1)"),
        "{err}"
    );
    // Not a workbook at all.
    fs::write(dir.join("text.xlsx"), "Finding,Class\n").unwrap();
    let err = refused(dir, &["action", "import", "a.toml", "text.xlsx"]);
    assert!(err.contains("not an XLSX workbook"), "{err}");
}

/// The audit's whole cycle, as the issue that asked for follow-up is done with: a major on
/// 7.2.g rated N; the sign-off; the VSE's plan exported as XLSX, filled in a spreadsheet
/// (openpyxl) and imported; its actions completed with evidence; verified effective; the
/// follow-up closed. The audit report keeps the rating N and the conclusion as issued; the
/// follow-up report gives the recommendation after follow-up.
#[test]
fn a_major_followed_up_through_the_vses_spreadsheet_leaves_the_audit_as_issued() {
    let Some(py) = openpyxl() else { return };
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    fs::copy(common::AUDIT, dir.join("a.toml")).unwrap();
    common::complete_audit_details(dir, "a.toml");
    ok(dir, &["answer", "a.toml", "7.2.g", "--rating", "N"]);
    let sign = [
        "finalize",
        "a.toml",
        "--by",
        "Claire Martin",
        "--date",
        "2026-11-20",
    ];
    ok(dir, &sign);
    let report = |follow_up: bool| {
        let mut args = vec!["report", "a.toml"];
        if follow_up {
            args.push("--follow-up");
        }
        ok(dir, &args)
    };
    let without_hash = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !(l.contains("Record") && l.contains("SHA-256")))
            .map(str::to_owned)
            .collect()
    };
    let audit_before = report(false);

    ok(
        dir,
        &["report", "a.toml", "--format", "actions", "-o", "plan.xlsx"],
    );
    python(
        py,
        dir,
        r#"
import datetime, openpyxl
wb = openpyxl.load_workbook("plan.xlsx")
ws = wb["Plan"]
rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "NC-2"]
assert [ws.cell(r, 10).value for r in rows] == ["A-2", "A-3"], rows
ws.cell(rows[0], 9).value = "The plan had no owner after the quality manager left"
for r in rows:
    ws.cell(r, 15).value = datetime.datetime(2026, 11, 24)
    ws.cell(r, 16).value = "RR"
wb.save("filled.xlsx")
"#,
    );
    let imported = ok(
        dir,
        &[
            "action",
            "import",
            "a.toml",
            "filled.xlsx",
            "--by",
            "Sofia Reyes",
        ],
    );
    for said in [
        "NC-2: root cause",
        "A-2 completed on 2026-11-24 (evidence RR)",
        "A-3 completed on 2026-11-24 (evidence RR)",
    ] {
        assert!(imported.contains(said), "{said}\n{imported}");
    }
    ok(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-2",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-26",
            "--effective",
            "--note",
            "Plan v2 reviewed in the November management review; owners named for each risk",
            "--evidence",
            "RR",
        ],
    );
    ok(
        dir,
        &[
            "followup",
            "close",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-28",
        ],
    );

    let r = record(&dir.join("a.toml"));
    assert!(r.assessment.follow_up_closed.is_some());
    let nc2 = r.finding("NC-2").unwrap();
    assert_eq!(
        nc2.text,
        "The risk management plan has not been reviewed or maintained since 2024, and organisational risks are not monitored."
    );
    assert!(nc2.verification().unwrap().follow_up);
    let audit = report(false);
    assert_eq!(without_hash(&audit), without_hash(&audit_before));
    assert!(audit.contains("- **Rating:** N ("), "{audit}");
    assert!(audit.contains("**The audit team does not recommend certification until the major nonconformities are closed and verified.**"), "{audit}");
    let follow_up = report(true);
    let after = follow_up
        .lines()
        .find(|l| l.starts_with("**Recommendation after follow-up:**"))
        .unwrap_or_else(|| panic!("{follow_up}"));
    assert!(
        after.contains("The audit team recommends certification once the corrective action plan for the open minor nonconformities is accepted."),
        "{after}"
    );
    assert!(
        follow_up.contains("> The audit team does not recommend certification"),
        "{follow_up}"
    );
}
