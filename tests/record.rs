//! The assessment record through the command line: creation, scripted answers, round trips,
//! and every kind of bad input leaving the file untouched.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{ok, vse};
use tempfile::TempDir;
use vse_assess::record::store;

/// A record with something in every field the command line can set.
fn filled(dir: &Path) -> PathBuf {
    fs::write(dir.join("handbook.md"), "# Handbook\nOur mission...\n").unwrap();
    ok(
        dir,
        &[
            "new",
            "a.toml",
            "--vse",
            "Acme Soft",
            "--kind",
            "audit",
            "--objectives",
            "Stage 2 audit",
            "--client",
            "Acme board",
            "--site",
            "Montreal",
            "--assessor",
            "Ann Auditor:lead auditor",
            "--participant",
            "Bob Boss:director",
            "--participant",
            "Cy Dev",
            "--date",
            "2026-11-20",
            "--location",
            "Montreal office",
        ],
    );
    ok(
        dir,
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "E1",
            "--title",
            "Handbook",
            "--location",
            "handbook.md",
            "--version",
            "v3",
            "--supports",
            "OM.a",
        ],
    );
    ok(
        dir,
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "E2",
            "--title",
            "Intranet",
            "--kind",
            "url",
            "--location",
            "https://intra.example/x",
        ],
    );
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.2 a)",
            "--rating",
            "L",
            "--facet",
            "defined",
            "--facet",
            "maintained",
            "--note",
            "First line\nsecond \"line\" | with pipe\n\ttabbed",
            "--finding",
            "minor:Values not shared",
            "--finding",
            "good-practice:Clear mission",
            "--evidence",
            "E2",
            "--interviewed",
            "Bob Boss",
            "--action",
            "Share values at all-hands",
            "--owner",
            "Bob Boss",
            "--due",
            "2027-01-31",
        ],
    );
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.3c",
            "--rating",
            "na",
            "--justification",
            "No staff requests in scope",
        ],
    );
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "PPM.e",
            "--rating",
            "F",
            "--facet",
            "identified",
            "--facet",
            "recorded",
            "--facet",
            "tracked to closure",
        ],
    );
    ok(
        dir,
        &["condition", "a.toml", "6.a", "yes", "--note", "12 people"],
    );
    dir.join("a.toml")
}

#[test]
fn scripted_answers_land_in_the_record() {
    let tmp = TempDir::new().unwrap();
    let file = filled(tmp.path());
    let opened = common::opened(&file);
    let r = &opened.record;
    assert_eq!(r.assessment.vse, "Acme Soft");
    assert_eq!(r.assessment.participants.len(), 2);
    let a = r.answer("7.2.a").unwrap();
    // Facets keep the questionnaire's order.
    assert_eq!(a.facets, ["defined", "maintained"]);
    assert_eq!(r.findings_for("7.2.a").count(), 2);
    assert_eq!(a.notes, "First line\nsecond \"line\" | with pipe\n\ttabbed");
    let linked: Vec<&str> = r.evidence_for("7.2.a").map(|e| e.id.as_str()).collect();
    assert_eq!(linked, ["E1", "E2"]);
    // The local file was hashed; the URL was not.
    let expected = vse_assess::questionnaire::catalog::sha256_hex(b"# Handbook\nOur mission...\n");
    assert_eq!(r.evidence[0].sha256.as_deref(), Some(expected.as_str()));
    assert_eq!(r.evidence[1].sha256, None);
    assert_eq!(
        r.answer("7.3.c").unwrap().justification,
        "No staff requests in scope"
    );
    assert!(r.conditions["6.a"].met);

    let status = ok(tmp.path(), &["status", "a.toml"]);
    assert!(status.contains("3/25 requirements assessed"), "{status}");
    assert!(status.contains("7.2.a: rated L; met means F"), "{status}");
    assert!(
        status.contains("Clause 6 conditions not answered: 6.b, 6.c"),
        "{status}"
    );
}

#[test]
fn load_save_load_gives_identical_text() {
    let tmp = TempDir::new().unwrap();
    let file = filled(tmp.path());
    let before = fs::read_to_string(&file).unwrap();
    let mut opened = common::opened(&file);
    store::save(&mut opened).unwrap();
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    let again = common::opened(&file);
    assert_eq!(again.record, opened.record);
    // A command that changes nothing does not churn the file either.
    ok(tmp.path(), &["answer", "a.toml", "7.2.a"]);
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn new_refuses_to_overwrite() {
    let tmp = TempDir::new().unwrap();
    let file = filled(tmp.path());
    let before = fs::read(&file).unwrap();
    let out = vse(tmp.path(), &["new", "a.toml"]);
    // Refused as bad input, as every other refusal is.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(fs::read(&file).unwrap(), before);
}

/// A command on a record that is not there says how to make one, and exits 2.
#[test]
fn a_missing_record_is_refused_with_the_command_that_makes_one() {
    let tmp = TempDir::new().unwrap();
    for args in [
        &["status", "typo.toml"][..],
        &["answer", "typo.toml", "7.2.a", "--rating", "F"],
    ] {
        let out = vse(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("typo.toml: cannot read") && err.contains("`vse-assess new typo.toml`"),
            "{args:?}: {err}"
        );
    }
    assert!(!tmp.path().join("typo.toml").exists());
}

/// Writes `text` as a record, runs a writing command on it and returns its stderr after
/// checking exit status 2 and that the file is byte-for-byte as it was.
fn refused(text: &str, args: &[&str]) -> String {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("bad.toml");
    fs::write(&file, text).unwrap();
    // The file goes where the command names it: after the subcommand(s), before the rest.
    let at = if args[0] == "evidence" { 2 } else { 1 };
    let mut full = args[..at].to_vec();
    full.push("bad.toml");
    full.extend(&args[at..]);
    let out = vse(tmp.path(), &full);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{full:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), text, "file was changed");
    // Only the record: no temporary file left behind, and the edit lock gone with its holder.
    let mut left: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert!(left == ["bad.toml"], "{left:?}");
    String::from_utf8(out.stderr).unwrap()
}

fn good_record() -> String {
    let tmp = TempDir::new().unwrap();
    filled(tmp.path());
    fs::read_to_string(tmp.path().join("a.toml")).unwrap()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1
}

#[test]
fn malformed_toml_names_line_and_column() {
    let text = good_record().replacen("rating = \"L\"", "rating = \"L", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    let line = line_of(&text, "rating = \"L");
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
}

#[test]
fn unknown_requirement_in_file_lists_valid_ids() {
    let text = good_record().replacen("[requirements.\"7.3.c\"]", "[requirements.\"7.9.z\"]", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    let line = line_of(&text, "7.9.z");
    assert!(err.contains(&format!("bad.toml:{line}:")), "{err}");
    assert!(
        err.contains("requirements.\"7.9.z\": unknown requirement `7.9.z`; valid ids: 7.2.a"),
        "{err}"
    );
}

#[test]
fn unknown_requirement_on_the_command_line() {
    let err = refused(&good_record(), &["answer", "7.9.z", "--rating", "F"]);
    assert!(
        err.contains("unknown requirement `7.9.z`; valid ids: 7.2.a, 7.2.b"),
        "{err}"
    );
}

#[test]
fn wrong_rating_in_file_and_on_the_command_line() {
    let text = good_record().replacen("rating = \"L\"", "rating = \"X\"", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    let line = line_of(&text, "rating = \"X\"");
    assert!(
        err.contains(&format!(
            "bad.toml:{line}:10: requirements.\"7.2.a\".rating:"
        )),
        "{err}"
    );
    assert!(err.contains("unknown variant `X`"), "{err}");

    let err = refused(&good_record(), &["answer", "7.2.b", "--rating", "Q"]);
    assert!(
        err.contains("`Q` is not a rating: expected N, P, L, F or na"),
        "{err}"
    );
}

#[test]
fn missing_justification_in_file_and_on_the_command_line() {
    let text = good_record().replacen("justification = \"No staff requests in scope\"\n", "", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    let line = line_of(&text, "rating = \"NA\"");
    assert!(err.contains(&format!("bad.toml:{line}:1: requirements.\"7.3.c\".rating: not applicable (NA) needs a justification")), "{err}");

    let err = refused(&good_record(), &["answer", "7.2.b", "--rating", "na"]);
    assert!(
        err.contains("7.2.b: not applicable needs --justification"),
        "{err}"
    );
}

#[test]
fn duplicate_evidence_id() {
    let text = good_record().replacen("id = \"E2\"", "id = \"E1\"", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    let second = text.match_indices("id = \"E1\"").nth(1).unwrap().0;
    let line = text[..second].lines().count() + 1;
    assert!(
        err.contains(&format!(
            "bad.toml:{line}:1: evidence[1].id: duplicate evidence id `E1`"
        )),
        "{err}"
    );

    let err = refused(
        &good_record(),
        &["evidence", "add", "--id", "E1", "--title", "again"],
    );
    assert!(
        err.contains("evidence `E1` is already in the register"),
        "{err}"
    );
}

#[test]
fn newer_schema_is_refused_for_writing() {
    let text = good_record().replacen("schema = 3", "schema = 4", 1) + "\n[future]\nfield = 1\n";
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    assert!(
        err.contains("written with record schema 4, this version of vse-assess reads schema 3"),
        "{err}"
    );
}

#[test]
fn duplicate_keys_and_unknown_fields() {
    let text = good_record().replacen("rating = \"L\"", "rating = \"L\"\nrating = \"F\"", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    assert!(
        err.contains(&format!("bad.toml:{}:", line_of(&text, "rating = \"F\""))),
        "{err}"
    );

    let text = good_record().replacen("rating = \"L\"", "ratin = \"L\"", 1);
    let err = refused(&text, &["answer", "7.2.b", "--rating", "F"]);
    assert!(err.contains("unknown field `ratin`"), "{err}");
}

#[test]
fn binary_file_is_not_text() {
    let err = refused("schema = 1\n\u{0}\u{0}", &["status"]);
    assert!(err.contains("bad.toml"), "{err}");
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("b.toml"), [0xff, 0xfe, 0x00]).unwrap();
    let out = vse(tmp.path(), &["status", "b.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.toml: not a UTF-8 text file"));
}

#[test]
fn validate_lists_every_problem_of_every_file() {
    let tmp = TempDir::new().unwrap();
    filled(tmp.path());
    let good = fs::read_to_string(tmp.path().join("a.toml")).unwrap();
    let bad = good
        .replacen("justification = \"No staff requests in scope\"\n", "", 1)
        .replacen("id = \"E2\"", "id = \"E1\"", 1)
        .replacen("due = \"2027-01-31\"", "due = \"2027-13-45\"", 1);
    fs::write(tmp.path().join("bad.toml"), &bad).unwrap();
    let out = vse(
        tmp.path(),
        &["validate", "a.toml", "bad.toml", "../../no-such.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("a.toml: valid record"), "{stdout}");
    assert!(stderr.contains("needs a justification"), "{stderr}");
    assert!(stderr.contains("duplicate evidence id"), "{stderr}");
    assert!(stderr.contains("`2027-13-45` is not a date"), "{stderr}");
    assert!(stderr.contains("no-such.toml: cannot read"), "{stderr}");

    let ok = vse(
        tmp.path(),
        &[
            "validate",
            "a.toml",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/questionnaires/iso29110-4-2-om.toml"
            ),
        ],
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn questionnaires_lists_embedded_and_local() {
    let tmp = TempDir::new().unwrap();
    fs::create_dir(tmp.path().join("questionnaires")).unwrap();
    let custom = include_str!("../questionnaires/iso29110-4-2-om.toml").replacen(
        "id = \"iso29110-4-2-om\"",
        "id = \"acme-custom\"",
        1,
    );
    fs::write(tmp.path().join("questionnaires/custom.toml"), custom).unwrap();
    let out = ok(tmp.path(), &["questionnaires"]);
    assert!(out.contains("iso29110-4-2-om  1.2.0"), "{out}");
    assert!(
        out.contains("acme-custom  1.2.0") && out.contains("questionnaires/custom.toml"),
        "{out}"
    );
    // A record made from a local questionnaire by id, and by path, both reopen.
    ok(
        tmp.path(),
        &["new", "x.toml", "--questionnaire", "acme-custom"],
    );
    ok(
        tmp.path(),
        &[
            "new",
            "y.toml",
            "--questionnaire",
            "questionnaires/custom.toml",
        ],
    );
    ok(tmp.path(), &["answer", "y.toml", "7.2.a", "--rating", "F"]);
    assert!(
        fs::read_to_string(tmp.path().join("y.toml"))
            .unwrap()
            .contains("path = \"questionnaires/custom.toml\"")
    );
}

#[test]
fn changing_a_rating_away_from_na_drops_the_justification() {
    let tmp = TempDir::new().unwrap();
    filled(tmp.path());
    ok(tmp.path(), &["answer", "a.toml", "7.3.c", "--rating", "P"]);
    let r = common::record(&tmp.path().join("a.toml"));
    assert_eq!(r.answer("7.3.c").unwrap().justification, "");
    ok(tmp.path(), &["answer", "a.toml", "7.3.c", "--clear-rating"]);
    let r = common::record(&tmp.path().join("a.toml"));
    assert!(
        r.answer("7.3.c").is_none(),
        "an emptied answer leaves no table behind"
    );
}

#[test]
fn evidence_remove_unlinks() {
    let tmp = TempDir::new().unwrap();
    filled(tmp.path());
    let out = ok(tmp.path(), &["evidence", "remove", "a.toml", "E1"]);
    assert_eq!(out.trim(), "removed E1; unlinked from 7.2.a");
    let list = ok(tmp.path(), &["evidence", "list", "a.toml"]);
    assert!(list.starts_with("E2\turl\tIntranet"), "{list}");
}

#[test]
fn bad_dates_on_the_command_line_name_the_option() {
    let err = refused(
        &good_record(),
        &["answer", "7.2.b", "--action", "x", "--due", "2027-13-01"],
    );
    assert!(
        err.contains("'--due <DUE>': `2027-13-01` is not a date like 2026-11-27"),
        "{err}"
    );
    let tmp = TempDir::new().unwrap();
    let out = vse(tmp.path(), &["new", "n.toml", "--date", "27/11/2026"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("'--date <DATE>': `27/11/2026` is not a date"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!tmp.path().join("n.toml").exists());
}

/// What an audit report needs beyond ratings (ISO 19011 6.5.1): clause 6 answers resting on
/// evidence, what was sampled, areas not covered, diverging opinions, how remote sessions ran.
#[test]
fn clause_6_evidence_sampling_and_the_optional_sections_reach_the_report() {
    let tmp = TempDir::new().unwrap();
    let file = filled(tmp.path());
    ok(
        tmp.path(),
        &[
            "condition",
            "a.toml",
            "6.b",
            "yes",
            "--note",
            "Seen in the plan",
            "--evidence",
            "E1",
        ],
    );
    let out = vse(
        tmp.path(),
        &["condition", "a.toml", "6.c", "yes", "--evidence", "NOPE"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no evidence `NOPE` in the register"));
    ok(
        tmp.path(),
        &[
            "answer",
            "a.toml",
            "7.2.a",
            "--sampling",
            "3 of 9 projects, 2025-2026",
        ],
    );
    let mut opened = common::opened(&file);
    let meta = &mut opened.record.assessment;
    meta.not_covered = "The second site was not visited".into();
    meta.diverging_opinions = "The VSE holds 7.3.f does not apply".into();
    meta.remote_method = "Video call with screen sharing of the wiki".into();
    store::save(&mut opened).unwrap();
    let md = ok(tmp.path(), &["report", "a.toml"]);
    assert!(
        md.contains("| 6.b |") && md.contains("| yes | Seen in the plan | [E1](#ev-1) |"),
        "{md}"
    );
    assert!(md.contains("- **Sampled:** 3 of 9 projects, 2025-2026"));
    assert!(md.contains("**Areas of the scope not covered:** The second site was not visited"));
    // An audit states them in its identification.
    assert!(md.contains("| Diverging opinions | The VSE holds 7.3.f does not apply |"));
    assert!(md.contains("| Remote method | Video call with screen sharing of the wiki |"));
}

/// A relative evidence location is the record's folder's: a file of the same name in the
/// working folder is neither registered nor checked in its place.
#[test]
fn a_relative_location_is_the_record_folders_not_the_working_folders() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let audit = dir.join("audit");
    fs::create_dir_all(audit.join("docs")).unwrap();
    fs::create_dir_all(dir.join("docs")).unwrap();
    ok(dir, &["new", "audit/a.toml", "--vse", "Acme"]);
    fs::write(audit.join("docs/plan.txt"), "the plan seen\n").unwrap();
    fs::write(dir.join("docs/plan.txt"), "another plan\n").unwrap();
    ok(
        dir,
        &[
            "evidence",
            "add",
            "audit/a.toml",
            "--id",
            "PLAN",
            "--title",
            "Plan",
            "--location",
            "docs/plan.txt",
        ],
    );
    let text = fs::read_to_string(audit.join("a.toml")).unwrap();
    assert!(text.contains("location = \"docs/plan.txt\""), "{text}");
    // The working folder's file changing changes nothing; the record's does.
    fs::write(dir.join("docs/plan.txt"), "changed elsewhere\n").unwrap();
    for from in [dir, audit.as_path()] {
        let file = if from == dir {
            "audit/a.toml"
        } else {
            "a.toml"
        };
        let out = ok(from, &["verify", file]);
        assert!(out.contains("PLAN\tunchanged"), "{out}");
    }
    fs::write(audit.join("docs/plan.txt"), "the plan, changed\n").unwrap();
    let out = vse(dir, &["verify", "audit/a.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("PLAN\tchanged"));
}

/// `validate` lists every key it does not know, each with its line and field, not only the
/// first the parse stopped at; so does it for a questionnaire.
#[test]
fn validate_lists_every_unknown_key() {
    let text = good_record().replacen(
        "rating = \"L\"",
        "rating = \"L\"\nratin = \"F\"\nnotse = \"x\"\nsampled = \"y\"",
        1,
    );
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("bad.toml"), &text).unwrap();
    let out = vse(tmp.path(), &["validate", "bad.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 3, "{err}");
    for key in ["ratin", "notse", "sampled"] {
        let line = line_of(&text, &format!("{key} = "));
        assert!(
            err.contains(&format!(
                "bad.toml:{line}:1: requirements.\"7.2.a\".{key}: unknown field `{key}`"
            )),
            "{key}: {err}"
        );
    }

    let q = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/iso29110-4-2-om.toml"
    ))
    .unwrap();
    let at = q.find("\n[[process]]\n").unwrap() + "\n[[process]]\n".len();
    let bad = format!("{}colour = 1\nsize = 2\n{}", &q[..at], &q[at..]);
    fs::write(tmp.path().join("q.toml"), &bad).unwrap();
    let out = vse(tmp.path(), &["validate", "q.toml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("process[0].colour: unknown field `colour`")
            && err.contains("process[0].size: unknown field `size`"),
        "{err}"
    );
}

/// The edit layer's rules hold on the command line as in the interview: an evidence item
/// needs a title, an interviewee a name; a note added is trimmed.
#[test]
fn the_command_line_keeps_the_edit_layers_rules() {
    let err = refused(
        &good_record(),
        &["evidence", "add", "--id", "E9", "--title", "  "],
    );
    assert!(err.contains("an item needs an id and a title"), "{err}");
    let err = refused(&good_record(), &["answer", "7.2.b", "--interviewed", " "]);
    assert!(err.contains("an interviewee needs a name"), "{err}");

    let tmp = TempDir::new().unwrap();
    let file = filled(tmp.path());
    ok(
        tmp.path(),
        &["answer", "a.toml", "7.2.b", "--append-note", "  first  "],
    );
    ok(
        tmp.path(),
        &["answer", "a.toml", "7.2.b", "--append-note", "second\n"],
    );
    let opened = common::opened(&file);
    assert_eq!(
        opened.record.answer("7.2.b").unwrap().notes,
        "first\n\nsecond"
    );
}

/// Sessions have one grammar on the command line and in the setup form: `DATE LOCATION`
/// and `DATE:LOCATION` alike.
#[test]
fn sessions_are_read_with_a_space_or_a_colon() {
    let tmp = TempDir::new().unwrap();
    let file = filled(tmp.path());
    ok(
        tmp.path(),
        &[
            "set",
            "a.toml",
            "--session",
            "2026-11-20 Montreal office",
            "--session",
            "2026-11-21:Laval",
        ],
    );
    let sessions = common::record(&file).assessment.sessions;
    let got: Vec<(&str, &str)> = sessions
        .iter()
        .map(|s| (s.date.as_str(), s.location.as_str()))
        .collect();
    assert_eq!(
        got,
        [("2026-11-20", "Montreal office"), ("2026-11-21", "Laval")]
    );
}

/// "Today" is what the command line is told it is (`VSE_ASSESS_TODAY`), read once at the
/// edge: a sign-off after it is in the future, whatever the machine's clock says.
#[test]
fn the_command_line_passes_today_to_the_rules() {
    let tmp = TempDir::new().unwrap();
    filled(tmp.path());
    let out = common::command(tmp.path())
        .env("VSE_ASSESS_TODAY", "2026-11-24")
        .args(["finding", "add", "a.toml", "7.2.b", "--class", "minor"])
        .args(["--text", "No review"])
        .output()
        .unwrap();
    assert!(out.status.success());
    ok(
        tmp.path(),
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Review",
        ],
    );
    let verified = |today: &str| {
        common::command(tmp.path())
            .env("VSE_ASSESS_TODAY", today)
            .args(["finding", "verify", "a.toml", "NC-1", "--by", "Ann Auditor"])
            .args(["--date", "2026-11-25", "--not-effective"])
            .args(["--note", "Review not held", "--evidence", "E1"])
            .output()
            .unwrap()
    };
    let out = verified("2026-11-24");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`2026-11-25` is in the future"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(verified("2026-11-25").status.success());
}

/// `--interviewed "Ana Lopez, Sofia Reyes"` is two people, as `;` and repeating the option
/// are; with participants recorded, each is one of them (matched in any case and spacing),
/// and a name that is not is refused with the participants and how to add one.
#[test]
fn interviewees_typed_with_commas_are_as_many_participants() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    ok(dir, &["new", "a.toml", "--vse", "Acme"]);
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.2a",
            "--interviewed",
            "Ana Lopez, Sofia Reyes",
        ],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(
        r.answer("7.2.a").unwrap().interviewed,
        ["Ana Lopez", "Sofia Reyes"]
    );
    ok(
        dir,
        &[
            "set",
            "a.toml",
            "--participant",
            "Ana Lopez:manager",
            "--participant",
            "Sofia Reyes:developer",
        ],
    );
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.2b",
            "--interviewed",
            "ana  LOPEZ; sofia reyes",
        ],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(
        r.answer("7.2.b").unwrap().interviewed,
        ["Ana Lopez", "Sofia Reyes"]
    );
    let before = fs::read(dir.join("a.toml")).unwrap();
    for args in [
        &[
            "answer",
            "a.toml",
            "7.2c",
            "--interviewed",
            "Ana Lopez, Zoe Kim",
        ][..],
        &[
            "finding",
            "add",
            "a.toml",
            "7.2c",
            "--class",
            "observation",
            "--text",
            "x",
            "--interviewed",
            "Zoe Kim",
        ],
    ] {
        let err = common::refused(dir, args);
        assert!(
            err.contains("`Zoe Kim` is not a participant (participants: Ana Lopez, Sofia Reyes)"),
            "{err}"
        );
        assert!(
            err.contains(r#"vse-assess set FILE --participant "Ana Lopez:manager" --participant "Sofia Reyes:developer" --participant "Zoe Kim:ROLE""#),
            "{err}"
        );
        assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before);
    }
}
