//! Findings as records, from the command line: ids, corrective actions, and a nonconformity
//! closed only by the assessment team's verification.

use std::fs;
use std::path::Path;

use crate::common;

use common::{new_record, ok, vse};
use tempfile::TempDir;
use vse_assess::record::{ActionStatus, FindingClass, FindingState};

/// Runs a command that must be refused as bad input, leaving the file as it was; returns
/// stderr.
fn refused(dir: &Path, args: &[&str]) -> String {
    let before = fs::read(dir.join("a.toml")).unwrap();
    let err = common::refused(dir, args);
    assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before, "{args:?}");
    err
}

fn setup() -> TempDir {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    ok(
        tmp.path(),
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "RR",
            "--title",
            "Risk register",
        ],
    );
    // Findings are raised on the session's date.
    ok(
        tmp.path(),
        &["set", "a.toml", "--session", "2026-11-16:Lyon"],
    );
    tmp
}

#[test]
fn findings_get_ids_and_are_listed_edited_and_removed() {
    let tmp = setup();
    let dir = tmp.path();
    let add = |req: &str, class: &str, text: &str| {
        ok(
            dir,
            &[
                "finding", "add", "a.toml", req, "--class", class, "--text", text,
            ],
        )
        .trim()
        .to_string()
    };
    assert_eq!(add("7.2.g", "major", "No risk plan review"), "NC-1");
    assert_eq!(add("OM.a", "observation", "Values on the wall"), "OBS-1");
    assert_eq!(add("7.3b", "minor", "Training not recorded"), "NC-2");
    assert_eq!(add("7.2.a", "ofi", "Share values at onboarding"), "OFI-1");
    assert_eq!(add("7.2.a", "good-practice", "Staff quote them"), "GP-1");
    // `answer --finding` keeps working, and gives an id too.
    let out = ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.5.d",
            "--finding",
            "minor:Results not shared",
        ],
    );
    assert!(out.starts_with("NC-3\n"), "{out}");

    let list = ok(dir, &["finding", "list", "a.toml"]);
    let first: Vec<&str> = list.lines().next().unwrap().split('\t').collect();
    assert_eq!(
        first,
        ["NC-1", "7.2.g", "major", "open", "No risk plan review"]
    );
    assert_eq!(list.lines().count(), 6);
    let open = ok(dir, &["finding", "list", "a.toml", "--open"]);
    let ids: Vec<&str> = open
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, ["NC-1", "NC-2", "NC-3"]);

    // Evidence and interviewees are the finding's own.
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--evidence",
            "RR",
            "--root-cause",
            "No owner",
            "--correction",
            "Risks listed",
            "--interviewed",
            "Bob Boss",
        ],
    );
    let err = refused(
        dir,
        &["finding", "edit", "a.toml", "NC-1", "--evidence", "XX"],
    );
    assert!(err.contains("no evidence `XX` in the register"), "{err}");
    // A downgrade to an observation is no longer an NC: its id says so.
    let out = ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-2",
            "--class",
            "observation",
        ],
    );
    assert_eq!(out.trim(), "OBS-2 (was NC-2)");
    let err = refused(dir, &["finding", "edit", "a.toml", "NC-9", "--text", "x"]);
    assert!(err.contains("no finding `NC-9`"), "{err}");
    let out = ok(dir, &["finding", "remove", "a.toml", "OFI-1"]);
    assert!(out.contains("removed OFI-1"), "{out}");

    let r = common::record(&dir.join("a.toml"));
    let nc1 = r.finding("NC-1").unwrap();
    assert_eq!(
        (
            nc1.evidence.as_slice(),
            nc1.root_cause.as_str(),
            nc1.correction.as_str()
        ),
        (&["RR".to_string()][..], "No owner", "Risks listed")
    );
    assert_eq!(nc1.interviewed, ["Bob Boss"]);
    assert_eq!(r.finding("OBS-2").unwrap().class, FindingClass::Observation);
    assert!(r.finding("OFI-1").is_none());
}

#[test]
fn a_major_stays_open_until_verified_effective() {
    let tmp = setup();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.g", "--class", "major", "--text", "No plan",
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
            "x",
        ],
    );
    let err = refused(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Ann",
            "--effective",
        ],
    );
    assert!(err.contains("no corrective action to verify"), "{err}");
    let a1 = ok(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "Write the plan",
            "--owner",
            "Bob",
            "--due",
            "2027-01-31",
        ],
    );
    assert_eq!(a1.trim(), "A-1");
    let err = refused(
        dir,
        &[
            "action",
            "add",
            "a.toml",
            "--finding",
            "NC-1",
            "--what",
            "x",
            "--due",
            "2027-13-01",
        ],
    );
    assert!(err.contains("--due"), "{err}");
    let list = ok(dir, &["action", "list", "a.toml"]);
    assert_eq!(
        list.lines().next().unwrap().split('\t').collect::<Vec<_>>(),
        ["A-1", "NC-1", "open", "2027-01-31", "Bob", "Write the plan"]
    );
    let err = refused(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Ann",
            "--effective",
        ],
    );
    assert!(err.contains("while its action A-1 is open"), "{err}");

    // The VSE closes its action: the major is not closed by that.
    let out = ok(
        dir,
        &["action", "close", "a.toml", "A-1", "--date", "2026-11-18"],
    );
    assert!(out.contains("NC-1 is actions closed, to verify"), "{out}");
    let status = ok(dir, &["status", "a.toml"]);
    assert!(
        status.contains("7.2.g: not yet assessed; 1 open major nonconformity"),
        "{status}"
    );
    ok(dir, &["action", "reopen", "a.toml", "A-1"]);
    ok(
        dir,
        &["action", "close", "a.toml", "a-1", "--date", "2026-11-18"],
    );

    // Not effective: it stays open.
    let out = ok(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Ann",
            "--date",
            "2026-11-20",
            "--not-effective",
            "--evidence",
            "RR",
            "--note",
            "Plan still unreviewed",
        ],
    );
    assert_eq!(out.trim(), "NC-1: not effective");
    assert!(ok(dir, &["finding", "list", "a.toml", "--open"]).contains("NC-1"));
    // Not effective reopens the loop: another verification needs a new root cause and a
    // new action.
    let effective = [
        "finding",
        "verify",
        "a.toml",
        "NC-1",
        "--by",
        "Ann",
        "--effective",
        "--note",
        "Plan reviewed and in use",
        "--evidence",
        "RR",
    ];
    let err = refused(dir, &effective);
    assert!(
        err.contains("NC-1 was verified not effective on 2026-11-20: before it is verified again it needs a new root cause")
            && err.contains("and a new corrective action"),
        "{err}"
    );
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--root-cause",
            "No owner",
        ],
    );
    let err = refused(dir, &effective);
    assert!(
        !err.contains("a new root cause") && err.contains("needs a new corrective action"),
        "{err}"
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
            "Name an owner",
        ],
    );
    ok(
        dir,
        &[
            "action",
            "close",
            "a.toml",
            "A-2",
            "--date",
            "2026-11-25",
            "--evidence",
            "RR",
        ],
    );
    // Effective: closed.
    let out = ok(dir, &effective);
    assert_eq!(out.trim(), "NC-1: closed (verified)");
    assert!(!ok(dir, &["finding", "list", "a.toml", "--open"]).contains("NC-1"));
    let err = refused(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "OBS-1",
            "--by",
            "Ann",
            "--effective",
        ],
    );
    assert!(err.contains("only a nonconformity"), "{err}");

    let r = common::record(&dir.join("a.toml"));
    let f = r.finding("NC-1").unwrap();
    assert_eq!(f.state(), FindingState::Closed);
    assert_eq!(f.actions[0].status, ActionStatus::Closed);
    let v = f.verification().unwrap();
    assert_eq!((v.by.as_str(), v.effective), ("Ann", true));
    assert_eq!(v.date.len(), 10, "today, as a date");
    // The history is kept: the not-effective verification, then the effective one, each
    // with the root cause it judged.
    let history: Vec<(bool, &str, &str)> = f
        .verifications
        .iter()
        .map(|v| (v.effective, v.root_cause.as_str(), v.note.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (false, "", "Plan still unreviewed"),
            (true, "No owner", "Plan reviewed and in use")
        ]
    );
    assert_eq!(f.actions[1].completed.as_deref(), Some("2026-11-25"));
    assert_eq!(f.actions[1].evidence, ["RR"]);
}

#[test]
fn answer_action_goes_to_the_requirements_one_nonconformity() {
    let tmp = setup();
    let dir = tmp.path();
    let err = refused(dir, &["answer", "a.toml", "7.2.g", "--action", "Write it"]);
    assert!(err.contains("7.2.g has 0 nonconformities"), "{err}");
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.2.g",
            "--finding",
            "major:No plan",
            "--action",
            "Write it",
        ],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(r.finding("NC-1").unwrap().actions[0].what, "Write it");
    ok(dir, &["answer", "a.toml", "7.2.g", "--close-action", "1"]);
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(
        r.finding("NC-1").unwrap().state(),
        FindingState::AwaitingVerification
    );
}

/// What closes a nonconformity stays honest: an action opened again (or added) after the
/// verification opens it again; only the assessment team verifies, and not in the future; a
/// refused edit changes nothing.
#[test]
fn a_verification_cannot_be_bent() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
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
            "--participant",
            "Bob:director",
            "--date",
            "2026-11-16",
        ],
    );
    ok(
        dir,
        &[
            "evidence", "add", "a.toml", "--id", "RR", "--title", "Risks",
        ],
    );
    ok(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.g", "--class", "minor", "--text", "No plan",
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
            "Write it",
        ],
    );
    ok(dir, &["action", "close", "a.toml", "A-1"]);
    let err = refused(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Bob",
            "--effective",
        ],
    );
    assert!(
        err.contains("`Bob` is not in the assessment team (Claire)"),
        "{err}"
    );
    let err = refused(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Claire",
            "--date",
            "2099-12-31",
            "--effective",
        ],
    );
    assert!(err.contains("is in the future"), "{err}");
    let err = refused(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Claire",
            "--date",
            "2026-11-27T10:00",
            "--effective",
        ],
    );
    assert!(err.contains("is not a date like 2026-11-27"), "{err}");
    ok(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Claire",
            "--effective",
            "--note",
            "Seen in use",
            "--evidence",
            "RR",
        ],
    );
    let out = ok(dir, &["action", "reopen", "a.toml", "A-1"]);
    assert!(out.contains("NC-1 is open"), "{out}");
    assert!(ok(dir, &["finding", "list", "a.toml", "--open"]).contains("NC-1"));
    ok(dir, &["action", "close", "a.toml", "A-1"]);
    // Upgraded to a major: what was verified of the minor does not carry over.
    ok(
        dir,
        &["finding", "edit", "a.toml", "NC-1", "--class", "major"],
    );
    assert!(
        ok(dir, &["finding", "list", "a.toml"])
            .contains("NC-1\t7.2.g\tmajor\tactions closed, to verify")
    );
    ok(
        dir,
        &[
            "finding",
            "verify",
            "a.toml",
            "NC-1",
            "--by",
            "Claire",
            "--effective",
            "--note",
            "Seen in use",
            "--evidence",
            "RR",
        ],
    );
    // Refused as a whole: the text does not change either.
    let err = refused(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--text",
            "CHANGED",
            "--class",
            "observation",
        ],
    );
    assert!(err.contains("stays a nonconformity"), "{err}");
}

/// Removing an evidence item removes it from what cites it, so the record stays valid.
#[test]
fn removing_cited_evidence_unlinks_it_everywhere() {
    let tmp = setup();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.a",
            "--class",
            "major",
            "--text",
            "x",
            "--evidence",
            "RR",
        ],
    );
    ok(
        dir,
        &["condition", "a.toml", "6.a", "yes", "--evidence", "RR"],
    );
    let out = ok(dir, &["evidence", "remove", "a.toml", "RR"]);
    assert!(out.contains("unlinked from NC-1, condition 6.a"), "{out}");
    let r = common::record(&dir.join("a.toml"));
    assert!(r.finding("NC-1").unwrap().evidence.is_empty());
    assert!(r.conditions["6.a"].evidence.is_empty());
    // Ids past any size a record could reach do not overflow.
    let text = fs::read_to_string(dir.join("a.toml"))
        .unwrap()
        .replace("\"NC-1\"", "\"NC-18446744073709551615\"");
    fs::write(dir.join("a.toml"), text).unwrap();
    let out = vse(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.a", "--class", "minor", "--text", "y",
        ],
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

/// Ids are never given twice in a record: a finding or action removed keeps its id, so a
/// new one (and `compare`) never takes it for the old.
#[test]
fn ids_are_never_reused_after_a_removal() {
    let tmp = setup();
    let dir = tmp.path();
    let add_nc = || {
        ok(
            dir,
            &[
                "finding", "add", "a.toml", "7.2.g", "--class", "minor", "--text", "No plan",
            ],
        )
        .trim()
        .to_string()
    };
    let add_action = |finding: &str| {
        ok(
            dir,
            &[
                "action",
                "add",
                "a.toml",
                "--finding",
                finding,
                "--what",
                "Write it",
            ],
        )
        .trim()
        .to_string()
    };
    assert_eq!(add_nc(), "NC-1");
    assert_eq!(add_action("NC-1"), "A-1");
    ok(dir, &["finding", "remove", "a.toml", "NC-1"]);
    assert_eq!(add_nc(), "NC-2");
    assert_eq!(add_action("NC-2"), "A-2");
    // A downgrade gives an id of the new kind; the old one is not given again either.
    let out = ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-2",
            "--class",
            "observation",
        ],
    );
    assert_eq!(out.trim(), "OBS-1 (was NC-2)");
    assert_eq!(add_nc(), "NC-3");
    ok(dir, &["finding", "remove", "a.toml", "OBS-1"]);
    let obs = ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.a",
            "--class",
            "observation",
            "--text",
            "x",
        ],
    );
    assert_eq!(obs.trim(), "OBS-2");

    // What was given is in the file, and an old record without it goes on from its highest.
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    assert!(text.contains("[issued]"), "{text}");
    let start = text.find("[issued]").unwrap();
    fs::write(dir.join("a.toml"), &text[..start]).unwrap();
    assert_eq!(add_nc(), "NC-4");
}

/// A verification covers the actions the nonconformity had when it was made: an action
/// added, or reopened and closed again, after it needs a new one before the nonconformity
/// is closed again. A verification recorded before this was kept covers the actions the
/// record had.
#[test]
fn a_verification_covers_only_the_actions_it_saw() {
    let tmp = setup();
    let dir = tmp.path();
    let verify = || {
        let out = ok(
            dir,
            &[
                "finding",
                "verify",
                "a.toml",
                "NC-1",
                "--by",
                "Ann",
                "--effective",
                "--note",
                "Seen in use",
                "--evidence",
                "RR",
            ],
        );
        assert_eq!(out.trim(), "NC-1: closed (verified)");
    };
    let add_action = || {
        ok(
            dir,
            &[
                "action",
                "add",
                "a.toml",
                "--finding",
                "NC-1",
                "--what",
                "More",
            ],
        )
        .trim()
        .to_string()
    };
    let state = || {
        let r = common::record(&dir.join("a.toml"));
        r.finding("NC-1").unwrap().state()
    };
    ok(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.g", "--class", "minor", "--text", "No plan",
        ],
    );
    assert_eq!(add_action(), "A-1");
    ok(dir, &["action", "close", "a.toml", "A-1"]);
    verify();

    // An action added after the verification, and closed.
    assert_eq!(add_action(), "A-2");
    let out = ok(dir, &["action", "close", "a.toml", "A-2"]);
    assert!(out.contains("NC-1 is actions closed, to verify"), "{out}");
    assert!(ok(dir, &["finding", "list", "a.toml", "--open"]).contains("NC-1"));
    verify();

    // An action reopened after the verification, and closed again.
    ok(dir, &["action", "reopen", "a.toml", "A-1"]);
    let out = ok(dir, &["action", "close", "a.toml", "A-1"]);
    assert!(out.contains("NC-1 is actions closed, to verify"), "{out}");
    assert_eq!(state(), FindingState::AwaitingVerification);
    verify();
    assert_eq!(state(), FindingState::Closed);

    // A record from before: the verification says nothing of what it covered.
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    let findings = doc["findings"].as_array_of_tables_mut().unwrap();
    let verification = findings.get_mut(0).unwrap()["verifications"]
        .as_array_of_tables_mut()
        .unwrap()
        .get_mut(0)
        .unwrap();
    assert!(verification.remove("covers").is_some(), "{text}");
    fs::write(dir.join("a.toml"), doc.to_string()).unwrap();
    assert_eq!(state(), FindingState::Closed);
    assert_eq!(add_action(), "A-3");
    let out = ok(dir, &["action", "close", "a.toml", "A-3"]);
    assert!(out.contains("NC-1 is actions closed, to verify"), "{out}");
    ok(dir, &["action", "reopen", "a.toml", "A-1"]);
    ok(dir, &["action", "close", "a.toml", "A-1"]);
    let r = common::record(&dir.join("a.toml"));
    let covers = r
        .finding("NC-1")
        .unwrap()
        .verification()
        .cloned()
        .unwrap()
        .covers;
    assert_eq!(covers, Some(vec!["A-2".to_string()]));
}

/// In an audit, only the lead auditor verifies a major nonconformity's corrective action; any
/// member of the team verifies a minor one.
#[test]
fn only_the_lead_auditor_verifies_a_major() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "new",
            "a.toml",
            "--kind",
            "audit",
            "--assessor",
            "Claire:lead auditor",
            "--assessor",
            "Hugo:auditor",
            "--date",
            "2026-11-16",
        ],
    );
    ok(
        dir,
        &[
            "evidence", "add", "a.toml", "--id", "RR", "--title", "Risks",
        ],
    );
    for (class, req) in [("major", "7.2.g"), ("minor", "7.3.b")] {
        ok(
            dir,
            &[
                "finding", "add", "a.toml", req, "--class", class, "--text", "Gap",
            ],
        );
    }
    for nc in ["NC-1", "NC-2"] {
        let id = ok(
            dir,
            &["action", "add", "a.toml", "--finding", nc, "--what", "Fix"],
        );
        ok(dir, &["action", "close", "a.toml", id.trim()]);
    }
    let verify = |id: &str, by: &str| {
        vec![
            "finding".to_owned(),
            "verify".into(),
            "a.toml".into(),
            id.into(),
            "--by".into(),
            by.into(),
            "--effective".into(),
            "--note".into(),
            "Seen in use".into(),
            "--evidence".into(),
            "RR".into(),
        ]
    };
    let args = verify("NC-1", "Hugo");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = refused(dir, &args);
    assert!(
        err.contains("`Hugo` (auditor) is not the lead auditor: only the lead auditor, Claire, verifies a major nonconformity"),
        "{err}"
    );
    let args = verify("NC-2", "Hugo");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(dir, &args);
    let args = verify("NC-1", "Claire");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(dir, &args);
}

fn ids() -> Vec<String> {
    let q = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/iso29110-4-2-om.toml"
    ))
    .unwrap();
    q.lines()
        .filter_map(|l| l.strip_prefix("id = \"7."))
        .map(|l| format!("7.{}", l.trim_end_matches('"')))
        .collect()
}

/// The part of the Markdown report from a heading to the next heading of any level.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let rest = &md[start + heading.len()..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    &rest[..end]
}

/// One root cause under two requirements: a major nonconformity raised under 7.2.g and also
/// 7.5.e is listed in both requirements' sections, blocks both in `status`, is counted once,
/// and points at another finding with a link to its entry.
#[test]
fn a_finding_raised_under_two_requirements_counts_on_both() {
    let tmp = setup();
    let dir = tmp.path();
    for id in ids() {
        ok(dir, &["answer", "a.toml", &id, "--rating", "F"]);
    }
    let obs = ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.3.b",
            "--class",
            "observation",
            "--text",
            "Risk owners not named",
        ],
    );
    assert_eq!(obs.trim(), "OBS-1");
    let nc = ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.g",
            "--class",
            "major",
            "--text",
            "No risk plan review",
            "--also",
            "7.5e",
            "--see",
            "obs-1",
        ],
    );
    assert_eq!(nc.trim(), "NC-1");
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    assert!(text.contains("also = [\"7.5.e\"]"), "{text}");
    assert!(text.contains("see = [\"OBS-1\"]"), "{text}");

    let status = ok(dir, &["status", "a.toml"]);
    for req in ["7.2.g", "7.5.e"] {
        assert!(
            status
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{req}: "))
                    && l.ends_with("1 open major nonconformity")),
            "{req} not blocked:\n{status}"
        );
    }
    let md = ok(dir, &["report", "a.toml"]);
    let g = section(&md, "#### 7.2.g ");
    let e = section(&md, "#### 7.5.e ");
    assert!(
        g.contains(
            "- **NC-1 (major nonconformity, open):** <a id=\"finding-nc-1\"></a>No risk plan review"
        ),
        "{g}"
    );
    assert!(g.contains("Also under: [7.5.e](#req-7-5-e)."), "{g}");
    assert!(g.contains("See: [OBS-1](#finding-obs-1)."), "{g}");
    assert!(
        e.contains("- **NC-1 (major nonconformity, open):** No risk plan review"),
        "{e}"
    );
    assert!(e.contains("Also under: [7.2.g](#req-7-2-g)."), "{e}");
    assert!(md.contains("<a id=\"finding-obs-1\"></a>Risk owners not named"));
    assert!(md.contains("major: 1 open, 0 closed"), "counted once");
    assert!(
        md.contains("| NC-1 | [7.2.g](#req-7-2-g), [7.5.e](#req-7-5-e) | major nonconformity |"),
        "{md}"
    );
    let html = ok(dir, &["report", "a.toml", "--format", "html"]);
    assert!(
        html.contains("href=\"#finding-obs-1\""),
        "the HTML links to it"
    );
    assert!(html.contains("<a id=\"finding-obs-1\"></a>"));
    let actions = ok(dir, &["report", "a.toml", "--format", "actions"]);
    assert!(
        actions.contains("\"NC-1\",\"7.2.g, 7.5.e\",\"major nonconformity\""),
        "{actions}"
    );
    let csv = ok(dir, &["report", "a.toml", "--format", "csv"]);
    let row = |req: &str| {
        csv.lines()
            .find(|l| l.starts_with(&format!("\"{req}\"")))
            .unwrap()
            .to_owned()
    };
    assert!(row("7.5.e").contains("NC-1 major"), "{csv}");
    assert!(row("7.2.g").contains("NC-1 major"), "{csv}");

    // Edited: --also replaces the list, --no-also and --no-see clear them.
    ok(
        dir,
        &["finding", "edit", "a.toml", "NC-1", "--also", "7.3.b,7.4.a"],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(r.findings[1].also, ["7.3.b", "7.4.a"]);
    let err = refused(
        dir,
        &["finding", "edit", "a.toml", "NC-1", "--also", "7.2.g"],
    );
    assert!(err.contains("own requirement"), "{err}");
    let err = refused(dir, &["finding", "edit", "a.toml", "NC-1", "--see", "NC-1"]);
    assert!(err.contains("cannot point at itself"), "{err}");
    let err = refused(dir, &["finding", "edit", "a.toml", "NC-1", "--see", "NC-9"]);
    assert!(err.contains("no finding `NC-9`"), "{err}");
    let err = refused(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.a", "--class", "minor", "--text", "x", "--also",
            "9.9.z",
        ],
    );
    assert!(!err.is_empty());
    ok(
        dir,
        &["finding", "edit", "a.toml", "NC-1", "--no-also", "--no-see"],
    );
    let r = common::record(&dir.join("a.toml"));
    assert!(r.findings[1].also.is_empty() && r.findings[1].see.is_empty());
}

/// A finding removed is dropped from the findings that pointed at it; one renamed by its
/// class is followed under its new id.
#[test]
fn removing_a_finding_drops_it_from_see() {
    let tmp = setup();
    let dir = tmp.path();
    let add = |args: &[&str]| {
        let mut all = vec!["finding", "add", "a.toml"];
        all.extend_from_slice(args);
        ok(dir, &all).trim().to_string()
    };
    assert_eq!(add(&["7.2.a", "--class", "minor", "--text", "One"]), "NC-1");
    assert_eq!(add(&["7.2.b", "--class", "minor", "--text", "Two"]), "NC-2");
    assert_eq!(
        add(&[
            "7.2.c",
            "--class",
            "observation",
            "--text",
            "Three",
            "--see",
            "NC-1,NC-2"
        ]),
        "OBS-1"
    );
    ok(
        dir,
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-2",
            "--class",
            "observation",
        ],
    );
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(r.finding("OBS-1").unwrap().see, ["NC-1", "OBS-2"]);
    ok(dir, &["finding", "remove", "a.toml", "NC-1"]);
    let r = common::record(&dir.join("a.toml"));
    assert_eq!(r.finding("OBS-1").unwrap().see, ["OBS-2"]);
    ok(dir, &["validate", "a.toml"]);
}

/// A bad `also` or `see` written by hand is refused when the file is read, with its line and
/// field.
#[test]
fn a_bad_also_or_see_is_refused_at_load_with_line_and_field() {
    let tmp = setup();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "finding", "add", "a.toml", "7.2.g", "--class", "minor", "--text", "One",
        ],
    );
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    let bad = text.replace(
        "requirement = \"7.2.g\"\n",
        "requirement = \"7.2.g\"\nalso = [\"7.5.e\", \"7.2.g\", \"7.9.z\", \"7.5.e\"]\nsee = [\"NC-1\", \"OBS-4\"]\n",
    );
    assert_ne!(bad, text);
    fs::write(dir.join("a.toml"), &bad).unwrap();
    let line = |needle: &str| bad.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let (also, see) = (line("also = "), line("see = "));
    let out = vse(dir, &["validate", "a.toml"]);
    assert!(!out.status.success());
    let err =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    for (at, field, why) in [
        (also, "findings[0].also[1]", "own requirement"),
        (also, "findings[0].also[2]", "unknown requirement `7.9.z`"),
        (also, "findings[0].also[3]", "listed twice"),
        (see, "findings[0].see[0]", "cannot point at itself"),
        (see, "findings[0].see[1]", "no finding `OBS-4`"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!(":{at}:")) && l.contains(field) && l.contains(why)),
            "{field} at line {at}: {why}\n{err}"
        );
    }
    // And every other command refuses it too.
    assert!(!vse(dir, &["report", "a.toml"]).status.success());
}
