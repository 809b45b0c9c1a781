//! What a panel checks of the follow-up, from the command line: a finding's date raised and
//! the VSE's acceptance, an action's kind, proposal, acceptance and completion, the
//! verification's note, evidence and dates, the not-effective loop, the sign-off that needs
//! a plan due date (not actions), and the follow-up closed by the lead auditor. Each
//! refusal exits 2 and leaves the file as it was.

use std::fs;
use std::path::Path;

use crate::common;

use common::ok;
use tempfile::TempDir;
use vse_assess::record::{ActionKind, ActionStatus, FindingState};

/// A command refused as bad input, the file byte-identical; its stderr.
fn refused(dir: &Path, file: &str, args: &[&str]) -> String {
    let before = fs::read(dir.join(file)).unwrap();
    let err = common::refused(dir, args);
    assert_eq!(fs::read(dir.join(file)).unwrap(), before, "{args:?}");
    err
}

/// A draft audit: a lead auditor and an auditor, a participant, two sessions, two evidence
/// items, a major (NC-1 on 7.2.g) and a minor (NC-2 on 7.3.b), raised on the first session.
fn draft(dir: &Path) {
    ok(
        dir,
        &[
            "new",
            "a.toml",
            "--vse",
            "Acme",
            "--kind",
            "audit",
            "--assessor",
            "Claire:lead auditor",
            "--assessor",
            "Hugo:auditor",
            "--participant",
            "Bob Boss:director",
            "--session",
            "2026-11-16:Lyon",
            "--session",
            "2026-11-17:Lyon",
        ],
    );
    for (id, title) in [("RR", "Risk register"), ("MR", "Review minutes")] {
        ok(
            dir,
            &["evidence", "add", "a.toml", "--id", id, "--title", title],
        );
    }
    for (req, class) in [("7.2.g", "major"), ("7.3.b", "minor")] {
        ok(
            dir,
            &[
                "finding",
                "add",
                "a.toml",
                req,
                "--class",
                class,
                "--text",
                "Gap",
                "--raised",
                "2026-11-16",
                "--evidence",
                "RR",
            ],
        );
    }
}

#[test]
fn a_finding_is_raised_on_a_session_date_never_in_the_future() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    let add = |raised: &'static str| {
        vec![
            "finding", "add", "a.toml", "7.2.a", "--class", "minor", "--text", "x", "--raised",
            raised,
        ]
    };
    let err = refused(dir, "a.toml", &add("2026-11-18"));
    assert!(
        err.contains("`2026-11-18` is not a session's date (2026-11-16, 2026-11-17)"),
        "{err}"
    );
    let err = refused(dir, "a.toml", &add("2026-12-01"));
    assert!(err.contains("`2026-12-01` is in the future"), "{err}");
    // By default, the latest session not after today.
    let id = ok(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.a", "--class", "minor", "--text", "x",
        ],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(
        r.finding(id.trim()).unwrap().raised.as_deref(),
        Some("2026-11-17")
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-3",
            "--raised",
            "2026-11-20",
        ],
    );
    assert!(err.contains("is not a session's date"), "{err}");
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-3",
            "--raised",
            "2026-11-16",
        ],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(
        r.finding("NC-3").unwrap().raised.as_deref(),
        Some("2026-11-16")
    );

    // Without sessions, today.
    let other = TempDir::new().unwrap();
    common::new_record(other.path(), "a.toml");
    ok(
        other.path(),
        &[
            "finding", "add", "a.toml", "7.2.a", "--class", "minor", "--text", "x",
        ],
    );
    let r = common::record(&other.path().join("a.toml"));
    assert_eq!(
        r.finding("NC-1").unwrap().raised.as_deref(),
        Some(common::TODAY)
    );
}

#[test]
fn the_vse_accepts_a_finding_as_a_participant_after_it_was_raised() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    let err = refused(
        dir,
        "a.toml",
        &["finding", "accept", "a.toml", "NC-1", "--by", "Zoe"],
    );
    assert!(err.contains("`Zoe` is not a participant"), "{err}");
    let err = refused(
        dir,
        "a.toml",
        &[
            "finding",
            "accept",
            "a.toml",
            "NC-1",
            "--by",
            "Bob Boss",
            "--date",
            "2026-11-10",
        ],
    );
    assert!(
        err.contains("`2026-11-10` is before the finding was raised (2026-11-16)"),
        "{err}"
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "finding",
            "accept",
            "a.toml",
            "NC-1",
            "--by",
            "Bob Boss",
            "--date",
            "2026-12-24",
        ],
    );
    assert!(err.contains("is in the future"), "{err}");
    let out = ok(
        dir,
        &[
            "finding",
            "accept",
            "a.toml",
            "NC-1",
            "--by",
            "bob  boss",
            "--date",
            "2026-11-18",
        ],
    );
    assert_eq!(out.trim(), "NC-1: accepted by Bob Boss on 2026-11-18");
    let r = common::record(&dir.join("a.toml"));
    let accepted = r.finding("NC-1").unwrap().vse_accepted.clone().unwrap();
    assert_eq!(
        (accepted.by.as_str(), accepted.date.as_str()),
        ("Bob Boss", "2026-11-18")
    );
}

/// An action's kind, proposer, the team's acceptance and its completion, each dated in order;
/// due dates (the action's, the plan's) not before the assessment.
#[test]
fn actions_are_proposed_accepted_and_completed_in_order() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    let err = refused(
        dir,
        "a.toml",
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Fix",
            "--due",
            "2026-11-01",
        ],
    );
    assert!(
        err.contains("`2026-11-01` is before the assessment's first session (2026-11-16)"),
        "{err}"
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Fix",
            "--proposed-by",
            "Bob Boss",
            "--proposed",
            "2026-11-10",
        ],
    );
    assert!(
        err.contains("`2026-11-10` is before the finding was raised (2026-11-16)"),
        "{err}"
    );
    let id = ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Put the risks in the register",
            "--kind",
            "correction",
            "--proposed-by",
            "Bob Boss",
            "--proposed",
            "2026-11-18",
            "--due",
            "2026-12-10",
        ],
    );
    assert_eq!(id.trim(), "A-1");
    let err = refused(
        dir,
        "a.toml",
        &["action", "accept", "a.toml", "A-1", "--by", "Bob Boss"],
    );
    assert!(
        err.contains("`Bob Boss` is not in the assessment team (Claire, Hugo)"),
        "{err}"
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "action",
            "accept",
            "a.toml",
            "A-1",
            "--by",
            "Claire",
            "--date",
            "2026-11-17",
        ],
    );
    assert!(
        err.contains("`2026-11-17` is before the action was proposed (2026-11-18)"),
        "{err}"
    );
    ok(
        dir,
        &[
            "action",
            "accept",
            "a.toml",
            "A-1",
            "--by",
            "Claire",
            "--date",
            "2026-11-19",
        ],
    );
    for (date, why) in [
        (
            "2026-11-17",
            "`2026-11-17` is before the action was proposed (2026-11-18)",
        ),
        ("2026-12-02", "`2026-12-02` is in the future"),
    ] {
        let err = refused(
            dir,
            "a.toml",
            &["action", "close", "a.toml", "A-1", "--date", date],
        );
        assert!(err.contains(why), "{err}");
    }
    let err = refused(
        dir,
        "a.toml",
        &["action", "close", "a.toml", "A-1", "--evidence", "NOPE"],
    );
    assert!(err.contains("no evidence `NOPE` in the register"), "{err}");
    let out = ok(
        dir,
        &[
            "action",
            "close",
            "a.toml",
            "A-1",
            "--date",
            "2026-11-25",
            "--evidence",
            "RR,MR",
        ],
    );
    assert!(out.starts_with("A-1 closed on 2026-11-25"), "{out}");
    let r = common::record(&dir.join("a.toml"));
    let (_, a) = r.action("A-1").unwrap();
    assert_eq!(a.kind, ActionKind::Correction);
    assert_eq!(a.proposed.as_ref().unwrap().by, "Bob Boss");
    assert_eq!(a.accepted.as_ref().unwrap().date, "2026-11-19");
    assert_eq!(a.completed.as_deref(), Some("2026-11-25"));
    assert_eq!(a.evidence, ["RR", "MR"]);
    assert_eq!(a.status, ActionStatus::Closed);
    // Reopened: no completion, no evidence.
    ok(dir, &["action", "reopen", "a.toml", "A-1"]);
    let r = common::record(&dir.join("a.toml"));
    let (_, a) = r.action("A-1").unwrap();
    assert_eq!((a.completed.as_deref(), a.evidence.len()), (None, 0));
    assert_eq!(a.status, ActionStatus::Open);

    // The plan's due dates: not before the assessment either.
    let err = refused(
        dir,
        "a.toml",
        &["set", "a.toml", "--plan-due", "2026-11-01"],
    );
    assert!(
        err.contains("before the assessment's first session"),
        "{err}"
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--plan-due",
            "2026-11-01",
        ],
    );
    assert!(
        err.contains("before the assessment's first session"),
        "{err}"
    );
    let err = refused(dir, "a.toml", &["set", "a.toml", "--plan-limit-major", "0"]);
    assert!(err.contains("at least 1"), "{err}");
}

/// A verification needs a note and evidence of the register, is dated on or after the
/// latest completion, strictly after the finding was raised, and not in the future.
#[test]
fn a_verification_needs_a_note_evidence_and_its_dates() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-2",
            "--what",
            "Record it",
        ],
    );
    ok(
        dir,
        &["action", "close", "a.toml", "A-1", "--date", "2026-11-20"],
    );
    let verify = |date: &str, note: &str, evidence: &str| {
        let mut args = vec![
            "finding",
            "verify",
            "a.toml",
            "NC-2",
            "--by",
            "Hugo",
            "--effective",
            "--date",
            date,
        ];
        if !note.is_empty() {
            args.extend(["--note", note]);
        }
        if !evidence.is_empty() {
            args.extend(["--evidence", evidence]);
        }
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    for (args, why) in [
        (
            verify("2026-11-21", "", "RR"),
            "say what was seen to verify it",
        ),
        (
            verify("2026-11-21", "Attendance sheets", ""),
            "name the evidence of the register the verification rests on",
        ),
        (
            verify("2026-11-21", "Attendance sheets", "NOPE"),
            "no evidence `NOPE` in the register",
        ),
        (
            verify("2026-11-19", "Attendance sheets", "RR"),
            "`2026-11-19` is before A-1 was completed (2026-11-20)",
        ),
        (
            verify("2026-12-01", "Attendance sheets", "RR"),
            "`2026-12-01` is in the future",
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = refused(dir, "a.toml", &args);
        assert!(err.contains(why), "{args:?}: {err}");
    }
    // Not after the finding was raised: the same day is refused.
    ok(dir, &["action", "reopen", "a.toml", "A-1"]);
    ok(
        dir,
        &["action", "close", "a.toml", "A-1", "--date", "2026-11-16"],
    );
    let args = verify("2026-11-16", "Attendance sheets", "RR");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = refused(dir, "a.toml", &args);
    assert!(
        err.contains("`2026-11-16` is not after NC-2 was raised (2026-11-16)"),
        "{err}"
    );
    let args = verify("2026-11-21", "Attendance sheets", "RR,MR");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ok(dir, &args).trim(), "NC-2: closed (verified)");
    let r = common::record(&dir.join("a.toml"));
    let v = r.finding("NC-2").unwrap().verification().unwrap().clone();
    assert_eq!(
        (v.note.as_str(), v.evidence.clone(), v.follow_up),
        (
            "Attendance sheets",
            vec!["RR".to_string(), "MR".to_string()],
            false
        )
    );
    // What a verification rests on stays in the register.
    let err = refused(dir, "a.toml", &["evidence", "remove", "a.toml", "MR"]);
    assert!(
        err.contains("MR is what NC-2's verification rests on: it stays in the register"),
        "{err}"
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(
        r.finding("NC-2").unwrap().verification().unwrap().evidence,
        ["RR", "MR"]
    );
}

/// The sign-off needs a plan due date for each nonconformity, not actions; a due date
/// past the scheme's limit is warned about.
#[test]
fn the_sign_off_needs_a_plan_due_date_not_actions() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    let err = refused(
        dir,
        "a.toml",
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire",
            "--date",
            "2026-11-20",
        ],
    );
    assert!(
        err.contains("NC-1 (7.2.g) has no due date for the VSE's corrective action plan"),
        "{err}"
    );
    assert!(!err.contains("has no corrective action"), "{err}");
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--plan-due",
            "2026-12-10",
        ],
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire",
            "--date",
            "2026-11-20",
        ],
    );
    assert!(!err.contains("NC-1 (7.2.g) has no due date"), "{err}");
    assert!(err.contains("NC-2 (7.3.b) has no due date"), "{err}");
    ok(dir, &["set", "a.toml", "--plan-due", "2027-01-31"]);
    let err = refused(
        dir,
        "a.toml",
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire",
            "--date",
            "2026-11-20",
        ],
    );
    assert!(!err.contains("has no due date"), "{err}");

    // The example, its plan due 72 days after the sign-off: past a major's 30 days.
    let file = dir.join("x.toml");
    fs::copy(common::AUDIT, &file).unwrap();
    common::complete_audit_details(dir, "x.toml");
    ok(dir, &["set", "x.toml", "--plan-due", "2027-01-31"]);
    // NC-2, the major, left to the record's date (the example gives it one of its own).
    ok(dir, &["finding", "edit", "x.toml", "NC-2", "--no-plan-due"]);
    let sign = [
        "finalize",
        "x.toml",
        "--by",
        "Claire Martin",
        "--date",
        "2026-11-20",
    ];
    let out = common::vse(dir, &sign);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warned = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        warned.contains("NC-2's plan is due 2027-01-31, 72 days after the sign-off: the scheme allows 30 for a major nonconformity"),
        "{warned}"
    );
    assert!(
        !warned.contains("NC-1's plan"),
        "a minor has 90 days: {warned}"
    );
    // With the scheme's limit at 90 days, no warning.
    fs::copy(common::AUDIT, &file).unwrap();
    common::complete_audit_details(dir, "x.toml");
    ok(
        dir,
        &[
            "set",
            "x.toml",
            "--plan-due",
            "2027-01-31",
            "--plan-limit-major",
            "90",
        ],
    );
    let out = common::vse(dir, &sign);
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("plan is due"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// After the sign-off: a major verified by the lead alone, not effective reopens the loop,
/// and the follow-up is closed by the lead auditor, dated after what it closes; then it is
/// as reported.
#[test]
fn the_follow_up_is_closed_by_the_lead_auditor() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let file = common::signed_off_example(dir);
    let signed_bytes = || fs::read(&file).unwrap();
    let err = refused(
        dir,
        "a.toml",
        &[
            "followup",
            "close",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-19",
        ],
    );
    assert!(
        err.contains("cannot close the follow-up:")
            && err.contains(
                "`2026-11-19` is before the sign-off (signed off by Claire Martin on 2026-11-20)"
            ),
        "{err}"
    );
    let args = [
        "finding",
        "verify",
        "a.toml",
        "NC-2",
        "--by",
        "Claire Martin",
        "--not-effective",
        "--date",
        "2026-11-19",
        "--note",
        "Plan not reviewed",
        "--evidence",
        "RR",
    ];
    let err = refused(dir, "a.toml", &args);
    assert!(
        err.contains("`2026-11-19` is before the sign-off (2026-11-20)"),
        "{err}"
    );
    for (id, date) in [("A-2", "2026-11-24"), ("A-3", "2026-11-25")] {
        ok(
            dir,
            &[
                "action",
                "close",
                "a.toml",
                id,
                "--date",
                date,
                "--evidence",
                "RR",
            ],
        );
    }
    let verify = |by: &str, effective: &str, date: &str| {
        [
            "finding",
            "verify",
            "a.toml",
            "NC-2",
            "--by",
            by,
            effective,
            "--date",
            date,
            "--note",
            "Reviewed plan, risks monitored",
            "--evidence",
            "RR",
        ]
        .map(str::to_owned)
    };
    let args = verify("Hugo Petit", "--effective", "2026-11-26");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = refused(dir, "a.toml", &args);
    assert!(
        err.contains("only the lead auditor, Claire Martin, verifies a major nonconformity"),
        "{err}"
    );
    let args = verify("Claire Martin", "--not-effective", "2026-11-26");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ok(dir, &args).trim(), "NC-2: not effective");
    // The loop is open: neither another verification nor the closing goes ahead.
    let args = verify("Claire Martin", "--effective", "2026-11-27");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = refused(dir, "a.toml", &args);
    assert!(
        err.contains("NC-2 was verified not effective on 2026-11-26"),
        "{err}"
    );
    let err = refused(
        dir,
        "a.toml",
        &[
            "followup",
            "close",
            "a.toml",
            "--by",
            "Hugo Petit",
            "--date",
            "2026-11-25",
        ],
    );
    for why in [
        "`Hugo Petit` (auditor) is not the lead auditor",
        "`2026-11-25` is before the follow-up's latest date recorded (2026-11-26)",
        "NC-2 was verified not effective on 2026-11-26: before it is verified again it needs a new root cause",
    ] {
        assert!(err.contains(why), "{why}\n{err}");
    }
    // Answered: a new root cause (follow-up, on the final record) and a new action.
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-2",
            "--root-cause",
            "Reviews were not minuted",
        ],
    );
    let a = ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-2",
            "--what",
            "Minute every review",
            "--proposed-by",
            "Sofia Reyes",
            "--proposed",
            "2026-11-26",
        ],
    );
    ok(
        dir,
        &[
            "action",
            "close",
            "a.toml",
            a.trim(),
            "--date",
            "2026-11-27",
            "--evidence",
            "MR",
        ],
    );
    let args = verify("Claire Martin", "--effective", "2026-11-28");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(ok(dir, &args).trim(), "NC-2: closed (verified)");
    let r = common::record(&file);
    let f = r.finding("NC-2").unwrap();
    assert_eq!(f.state(), FindingState::Closed);
    assert_eq!(f.verifications.len(), 2);
    assert!(f.verifications.iter().all(|v| v.follow_up));
    // What was found stays as it was: the rating as found.
    assert_eq!(
        r.answer("7.2.g").unwrap().rating,
        common::record(Path::new(common::AUDIT))
            .answer("7.2.g")
            .unwrap()
            .rating
    );

    let out = ok(
        dir,
        &[
            "followup",
            "close",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-29",
        ],
    );
    assert!(
        out.starts_with("a.toml: follow-up closed by Claire Martin on 2026-11-29"),
        "{out}"
    );
    assert!(
        out.contains("still open:") && out.contains("NC-1 (7.2.c, minor): open"),
        "{out}"
    );
    assert!(!out.contains("NC-2 ("), "NC-2 is closed: {out}");
    let closed = signed_bytes();
    let err = refused(
        dir,
        "a.toml",
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "More",
        ],
    );
    assert!(
        err.contains("the follow-up was closed by Claire Martin on 2026-11-29"),
        "{err}"
    );
    let err = refused(
        dir,
        "a.toml",
        &["followup", "close", "a.toml", "--by", "Claire Martin"],
    );
    assert!(err.contains("the follow-up was closed"), "{err}");
    assert_eq!(signed_bytes(), closed);
}

/// Follow-up comes after the sign-off: a draft's is not closed; in a self-assessment anyone
/// named closes it.
#[test]
fn a_draft_has_no_follow_up_to_close() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    let err = refused(
        dir,
        "a.toml",
        &["followup", "close", "a.toml", "--by", "Claire"],
    );
    assert!(err.contains("follow-up comes after the sign-off"), "{err}");
}

/// What the follow-up records is checked when a record is read, as the rest is: dates that
/// are dates, evidence ids of the register, each named by its field.
#[test]
fn follow_up_fields_are_checked_at_load_with_their_field() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    draft(dir);
    ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-2",
            "--what",
            "Record it",
        ],
    );
    ok(
        dir,
        &[
            "action",
            "close",
            "a.toml",
            "A-1",
            "--date",
            "2026-11-20",
            "--evidence",
            "RR",
        ],
    );
    ok(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-2",
            "--by",
            "Hugo",
            "--effective",
            "--note",
            "Seen",
            "--evidence",
            "MR",
            "--date",
            "2026-11-21",
        ],
    );
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    let bad = text
        .replace("completed = \"2026-11-20\"", "completed = \"20 Nov\"")
        .replace("evidence = [\"MR\"]", "evidence = [\"GONE\"]")
        .replace("raised = \"2026-11-16\"", "raised = \"soon\"");
    assert_ne!(bad, text);
    fs::write(dir.join("a.toml"), &bad).unwrap();
    let out = common::vse(dir, &["validate", "a.toml"]);
    assert!(!out.status.success());
    let err =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    for (field, why) in [
        ("findings[1].actions[0].completed", "is not a date"),
        (
            "findings[1].verifications[0].evidence[0]",
            "no evidence `GONE` in the register",
        ),
        ("findings[0].raised", "is not a date"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(field) && l.contains(why)),
            "{field}: {why}\n{err}"
        );
    }
}

/// What the team verified effective stays as verified: the actions it covered, the
/// finding's correction and root cause, the evidence it rests on; an action done is not
/// dated again without being reopened; and after "not effective", an action it covered,
/// reopened and done again, is no new corrective action.
#[test]
fn what_was_verified_stays_as_verified() {
    use vse_assess::record::edit::{self, FindingChange};
    use vse_assess::record::{ActionKind, Verification};
    let tmp = TempDir::new().unwrap();
    let path = common::signed_off_example(tmp.path());
    let mut opened = common::opened(&path);
    let q = opened.questionnaire.questionnaire.clone();
    let today = common::today();
    let r = &mut opened.record;
    // Registered after the sign-off: what shows the plan done.
    let item = vse_assess::record::Evidence {
        id: "RP2".into(),
        title: "Risk plan v2".into(),
        location: "wiki".into(),
        file: false,
        ..r.evidence[0].clone()
    };
    let item = vse_assess::record::Evidence {
        supports: Vec::new(),
        ..item
    };
    edit::add_evidence(r, &q, item).unwrap();
    let rr = ["RP2".to_string()];
    for a in ["A-2", "A-3"] {
        edit::complete_action(r, a, Some("2026-11-24"), &rr, today).unwrap();
    }
    // Done once: dated again only once reopened.
    let err = edit::complete_action(r, "A-2", Some("2026-11-29"), &rr, today).unwrap_err();
    assert!(
        err.to_string()
            .contains("A-2 is already done (on 2026-11-24): reopen it first"),
        "{err}"
    );
    let seen = |effective| Verification {
        by: "Claire Martin".into(),
        date: "2026-11-25".into(),
        effective,
        note: "Plan v2 in use".into(),
        evidence: rr.to_vec(),
        ..Verification::default()
    };
    edit::verify(r, "NC-2", seen(true), today).unwrap();
    let before = r.clone();
    let cause = FindingChange {
        root_cause: Some("Another cause".into()),
        ..FindingChange::default()
    };
    let refusals = [
        edit::edit_action(r, "A-2", "Something else", "Tom", None).map(drop),
        edit::set_action_plan(r, "A-3", ActionKind::Correction, None, today),
        edit::accept_action(r, "A-3", None, today),
        edit::remove_action(r, "A-2").map(drop),
        edit::edit_finding(r, &q, "NC-2", cause, today).map(drop),
        edit::remove_evidence(r, "RP2").map(drop),
    ];
    for (i, refused) in refusals.into_iter().enumerate() {
        let err = refused.expect_err("refused");
        assert!(
            err.to_string().contains("as verified")
                || err.to_string().contains("stays in the register"),
            "{i}: {err}"
        );
    }
    assert_eq!(*r, before);

    // Not effective: reopening an action it covered and doing it again is no new action.
    edit::complete_action(r, "A-5", Some("2026-11-24"), &rr, today).unwrap();
    let not = Verification {
        by: "Claire Martin".into(),
        date: "2026-11-25".into(),
        effective: false,
        note: "Minutes still to the project team only".into(),
        evidence: rr.to_vec(),
        ..Verification::default()
    };
    edit::verify(r, "NC-4", not, today).unwrap();
    let cause = FindingChange {
        root_cause: Some("The distribution list is kept by hand".into()),
        ..FindingChange::default()
    };
    edit::edit_finding(r, &q, "NC-4", cause, today).unwrap();
    edit::complete_action(r, "A-5", None, &[], today).unwrap();
    edit::complete_action(r, "A-5", Some("2026-11-26"), &rr, today).unwrap();
    let again = Verification {
        date: "2026-11-27".into(),
        effective: true,
        ..seen(true)
    };
    let err = edit::verify(r, "NC-4", again, today).unwrap_err();
    assert!(err.to_string().contains("a new corrective action"), "{err}");

    // The team accepts what the VSE proposes for a finding: not before it was raised.
    let early = vse_assess::record::Signed {
        by: "Claire Martin".into(),
        date: "2026-11-01".into(),
    };
    let err = edit::accept_action(r, "A-1", Some(early), today).unwrap_err();
    assert!(
        err.to_string().contains("before its finding was raised"),
        "{err}"
    );
}

/// A verification written by hand is held to what `finding verify` asks: its follow-up mark
/// must agree with the sign-off (or the record does not load), and `followup close` checks
/// its note, its evidence and its dates again; once closed, the audit is not reopened.
#[test]
fn a_verification_written_by_hand_is_checked_again() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let path = common::signed_off_example(dir);
    for a in ["A-2", "A-3"] {
        ok(
            dir,
            &[
                "action",
                "close",
                "a.toml",
                a,
                "--date",
                "2026-11-24",
                "--evidence",
                "RR",
            ],
        );
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
            "2026-11-25",
            "--effective",
            "--note",
            "Plan v2 in use",
            "--evidence",
            "RR",
        ],
    );
    let good = fs::read_to_string(&path).unwrap();
    assert!(good.contains("follow_up = true"), "{good}");
    // The mark taken off: the report as found would change, so the record does not load.
    fs::write(&path, good.replacen("follow_up = true\n", "", 1)).unwrap();
    let err = common::fails(dir, &["validate", "a.toml"], 2);
    assert!(
        err.contains("follow_up")
            && err.contains("comes after the sign-off of 2026-11-20: it is follow-up"),
        "{err}"
    );
    // No note, no evidence, dated before the actions were done: caught at the close.
    let bent = good
        .replacen("note = \"Plan v2 in use\"\nevidence = [\"RR\"]\n", "", 1)
        .replacen(
            "date = \"2026-11-25\"\neffective = true",
            "date = \"2026-11-23\"\neffective = true",
            1,
        );
    assert_ne!(bent, good);
    fs::write(&path, &bent).unwrap();
    let close = [
        "followup",
        "close",
        "a.toml",
        "--by",
        "Claire Martin",
        "--date",
        "2026-11-28",
    ];
    let err = refused(dir, "a.toml", &close);
    for why in [
        "NC-2's verification of 2026-11-23: it says nothing of what was seen (no note)",
        "NC-2's verification of 2026-11-23: it cites no evidence",
        "NC-2's verification of 2026-11-23: it comes before A-2 was done (2026-11-24)",
    ] {
        assert!(err.contains(why), "{why}\n{err}");
    }
    fs::write(&path, &good).unwrap();
    ok(dir, &close);
    let err = refused(
        dir,
        "a.toml",
        &[
            "reopen",
            "a.toml",
            "--by",
            "Claire Martin",
            "--reason",
            "a typo",
        ],
    );
    assert!(
        err.contains("the follow-up was closed by Claire Martin on 2026-11-28"),
        "{err}"
    );
}

/// The VSE's plan cannot fall due before the report is issued; only the lead auditor, who
/// signs an audit off, reopens it.
#[test]
fn the_plan_falls_due_after_the_sign_off_and_the_lead_reopens() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let file = dir.join("a.toml");
    fs::copy(common::AUDIT, &file).unwrap();
    common::complete_audit_details(dir, "a.toml");
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-2",
            "--plan-due",
            "2026-11-18",
        ],
    );
    let sign = [
        "finalize",
        "a.toml",
        "--by",
        "Claire Martin",
        "--date",
        "2026-11-20",
    ];
    let err = refused(dir, "a.toml", &sign);
    assert!(
        err.contains("NC-2's plan is due 2026-11-18, before the sign-off (2026-11-20)"),
        "{err}"
    );
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-2",
            "--plan-due",
            "2026-12-18",
        ],
    );
    ok(dir, &sign);
    let err = refused(
        dir,
        "a.toml",
        &[
            "reopen",
            "a.toml",
            "--by",
            "Hugo Petit",
            "--reason",
            "a typo",
        ],
    );
    assert!(err.contains("only the lead auditor"), "{err}");
    ok(
        dir,
        &[
            "reopen",
            "a.toml",
            "--by",
            "Claire Martin",
            "--reason",
            "a typo",
        ],
    );
}

/// A verification made on the draft after a reopening is not follow-up, and the record
/// loads: the follow-up mark is held to the sign-off only while there was one sign-off.
#[test]
fn a_verification_after_a_reopening_is_no_follow_up() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let path = common::signed_off_example(dir);
    ok(
        dir,
        &[
            "reopen",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-21",
            "--reason",
            "a typo",
        ],
    );
    for a in ["A-2", "A-3"] {
        ok(
            dir,
            &[
                "action",
                "close",
                "a.toml",
                a,
                "--date",
                "2026-11-24",
                "--evidence",
                "RR",
            ],
        );
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
            "2026-11-25",
            "--effective",
            "--note",
            "Plan v2 in use",
            "--evidence",
            "RR",
        ],
    );
    let r = common::record(&path);
    assert!(!r.finding("NC-2").unwrap().verification().unwrap().follow_up);
    ok(dir, &["validate", "a.toml"]);
}
