//! The audit report shows the audit as found and signed off, and nothing that follows: the
//! follow-up (the VSE's response, actions done, the team's verifications) has its own report,
//! `report FILE --follow-up`, with the conclusion as issued quoted and the recommendation
//! after follow-up.

use crate::common;

use std::fs;
use std::path::Path;

use vse_assess::conformance::{self, View};
use vse_assess::record::edit::{self, FindingChange};
use vse_assess::record::store;
use vse_assess::record::{Evidence, EvidenceKind, FindingState, Verification};

/// The report of `file` in `format`, as `vse-assess report` prints it (follow-up or not).
fn report(dir: &Path, file: &str, format: &str, follow_up: bool) -> String {
    let mut args = vec!["report", file, "--format", format];
    if follow_up {
        args.push("--follow-up");
    }
    common::ok(dir, &args)
}

/// The lines of a report but the one stating the record's SHA-256.
fn without_record_hash(report: &str) -> Vec<&str> {
    report
        .lines()
        .filter(|l| !(l.contains("Record") && l.contains("SHA-256")))
        .collect()
}

/// Every nonconformity of the record's actions done on `done` with evidence, and verified
/// effective by the lead auditor on `verified`, through the edit layer, then saved.
fn follow_up_everything(path: &Path, done: &str, verified: &str) {
    let mut opened = common::opened(path);
    let today = common::today();
    let r = &mut opened.record;
    let ncs: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
        .map(|f| f.id.clone())
        .collect();
    for id in &ncs {
        let actions: Vec<String> = r
            .finding(id)
            .unwrap()
            .actions
            .iter()
            .map(|a| a.id.clone())
            .collect();
        for a in actions {
            let evidence = r.finding(id).unwrap().evidence.clone();
            edit::complete_action(r, &a, Some(done), &evidence, today).unwrap();
        }
        let evidence = r.finding(id).unwrap().evidence.clone();
        let seen = Verification {
            by: "Claire Martin".into(),
            date: verified.into(),
            effective: true,
            note: "The records of the actions done, and in use since".into(),
            evidence,
            ..Verification::default()
        };
        edit::verify(r, id, seen, today).unwrap();
    }
    store::save(&mut opened).unwrap();
}

/// Follow-up recorded on a signed-off audit (root cause, a new action, actions completed with
/// evidence, a verification) leaves its audit report as it was, in every format, but for the
/// line that states the record's SHA-256; the follow-up report shows it all.
#[test]
fn follow_up_never_changes_the_audit_report() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    let path = common::signed_off_example(dir);
    let formats = ["markdown", "html", "csv"];
    let before: Vec<String> = formats
        .iter()
        .map(|f| report(dir, "a.toml", f, false))
        .collect();
    let follow_up_before = report(dir, "a.toml", "markdown", true);

    let mut opened = common::opened(&path);
    let (q, today) = (opened.questionnaire.questionnaire.clone(), common::today());
    let r = &mut opened.record;
    let cause = FindingChange {
        root_cause: Some("Objectives were reviewed only when someone asked".into()),
        ..FindingChange::default()
    };
    edit::edit_finding(r, &q, "NC-5", cause, today).unwrap();
    let added =
        edit::add_action(r, "NC-2", "Name an owner for the plan", "Sofia Reyes", None).unwrap();
    // What shows it done joins the register after the sign-off, for the follow-up.
    let plan_v2 = Evidence {
        id: "RP2".into(),
        title: "Risk management plan v2, reviewed".into(),
        kind: EvidenceKind::Document,
        location: "risk-plan-v2.pdf".into(),
        file: false,
        version: String::new(),
        sha256: None,
        supports: Vec::new(),
        carried_from: String::new(),
        follow_up: false,
    };
    edit::add_evidence(r, &q, plan_v2.clone()).unwrap();
    assert!(r.evidence_item("RP2").unwrap().follow_up);
    let linked = Evidence {
        id: "RP3".into(),
        supports: vec!["7.2.g".into()],
        ..plan_v2
    };
    assert!(matches!(
        edit::add_evidence(r, &q, linked),
        Err(edit::Refused::Final(_))
    ));
    for a in ["A-2", "A-3", added.as_str()] {
        edit::complete_action(r, a, Some("2026-11-24"), &["RR".to_string()], today).unwrap();
    }
    let seen = Verification {
        by: "Claire Martin".into(),
        date: "2026-11-25".into(),
        effective: true,
        note: "Plan v2 reviewed, and organisational risks in the register with owners".into(),
        evidence: vec!["RR".into(), "RP2".into()],
        ..Verification::default()
    };
    edit::verify(r, "NC-2", seen, today).unwrap();
    // A verification found not effective, its action done: the loop starts again, in
    // follow-up; the audit as signed off did not fail for it.
    edit::complete_action(r, "A-5", Some("2026-11-24"), &["TR".to_string()], today).unwrap();
    let not_yet = Verification {
        by: "Hugo Petit".into(),
        date: "2026-11-26".into(),
        effective: false,
        note: "The minutes still go to the project team only".into(),
        evidence: vec!["TR".into()],
        ..Verification::default()
    };
    edit::verify(r, "NC-4", not_yet, today).unwrap();
    store::save(&mut opened).unwrap();
    // From the command line too: after the sign-off an item is for the follow-up, and it
    // supports no requirement.
    let said = common::ok(
        dir,
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "MIN",
            "--title",
            "Minutes sent to support",
            "--kind",
            "record",
            "--not-a-file",
            "--location",
            "wiki",
        ],
    );
    assert!(said.contains("added MIN for the follow-up"), "{said}");
    let err = common::refused(
        dir,
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "MIN2",
            "--title",
            "x",
            "--supports",
            "7.5.d",
        ],
    );
    assert!(err.contains("final"), "{err}");

    for (format, was) in formats.iter().zip(&before) {
        let now = report(dir, "a.toml", format, false);
        if *format != "csv" {
            assert_ne!(&now, was, "{format}: the record's hash is stated");
        }
        assert_eq!(
            without_record_hash(&now),
            without_record_hash(was),
            "{format}: the audit report changed with the follow-up"
        );
        for follow_up in [
            "Name an owner for the plan",
            "reviewed only when someone asked",
            "Risk management plan v2",
            "Minutes sent to support",
        ] {
            assert!(!now.contains(follow_up), "{format}: {follow_up}");
        }
    }
    let md = &before[0];
    assert!(md.contains("## Nonconformities as found"), "{md}");
    assert!(md.contains(
        "| NC-2 | [7.2.g](#req-7-2-g) | major nonconformity | open | 2026-11-16 | 2026-12-18 |"
    ));
    assert!(md.contains("- **NC-2 (major nonconformity, open):**"));

    // The follow-up report holds what the audit report leaves out.
    let follow_up = report(dir, "a.toml", "markdown", true);
    assert_ne!(follow_up, follow_up_before);
    for shown in [
        "# Follow-up report: Brightline Software Ltd. (IN PROGRESS)",
        "| Audit signed off | by Claire Martin on 2026-11-20 |",
        "## Status after follow-up, as of 2026-11-26",
        "| 2026-11-26 | Hugo Petit | **not effective** | The minutes still go to the project team only |",
        "| [NC-2](#follow-up-nc-2) | 7.2.g | major nonconformity | open | closed (verified) |",
        "- **Root cause:** Objectives were reviewed only when someone asked",
        "| A-3 | corrective action | Review and update the risk management plan",
        "| 2026-11-25 | Claire Martin | effective | Plan v2 reviewed",
        "| follow-up |",
        "Name an owner for the plan",
        "**State after follow-up:** closed (verified)",
        "The follow-up is not closed",
        "- **Plan due:** 2026-12-18 (within the scheme's 30 days after the sign-off, to 2026-12-20)",
        "- **Plan due:** 2027-01-31 (within the scheme's 90 days after the sign-off, to 2027-02-18)",
        "Risk management plan v2, reviewed",
    ] {
        assert!(follow_up.contains(shown), "{shown}\n{follow_up}");
    }
    // As issued, quoted; after follow-up, the minors still open.
    assert!(follow_up.contains("**The conclusion as issued on 2026-11-20:**\n\n> The audit team does not recommend certification until the major nonconformities are closed and verified."));
    assert!(follow_up.contains("**Recommendation after follow-up:** The audit team recommends certification once the corrective action plan for the open minor nonconformities is accepted."));
}

/// The scenario the issue is done with: a major on 7.2.g rated N, signed off; the VSE's
/// actions completed with evidence, verified effective, the follow-up closed. The audit report
/// still shows N and the conclusion as issued; the follow-up report recommends.
#[test]
fn a_major_closed_in_follow_up_leaves_the_audit_as_found() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    let file = dir.join("a.toml");
    fs::copy(common::AUDIT, &file).unwrap();
    common::complete_audit_details(dir, "a.toml");
    common::ok(dir, &["answer", "a.toml", "7.2.g", "--rating", "N"]);
    common::ok(
        dir,
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    let audit_before = report(dir, "a.toml", "markdown", false);
    follow_up_everything(&file, "2026-11-24", "2026-11-26");

    common::ok(
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

    let r = common::record(&file);
    let q = common::opened(&file).questionnaire.questionnaire;
    let lookup = r.lookup();
    let nc2 = r.finding("NC-2").unwrap();
    assert_eq!(
        conformance::state_in(&r, nc2, View::AsFound),
        FindingState::Open
    );
    assert_eq!(
        conformance::state_in(&r, nc2, View::AfterFollowUp),
        FindingState::Closed
    );
    assert!(!conformance::conclude(&q, &lookup).favourable());
    assert_eq!(
        conformance::conclude_in(&q, &lookup, View::AfterFollowUp),
        conformance::Conclusion::Recommend
    );
    assert!(conformance::met_after_follow_up(&lookup, "7.2.g"));
    // After follow-up, 7.2.g no longer stands in the way: rated N, its major closed.
    let after = conformance::evaluate_in(&q, &lookup, View::AfterFollowUp);
    assert!(!after.blockers.iter().any(|(id, _)| *id == "7.2.g"));
    let found = conformance::evaluate(&q, &lookup);
    assert!(found.blockers.iter().any(|(id, _)| *id == "7.2.g"));
    assert!(conformance::consistency_warnings(&q, &lookup).is_empty());

    let audit = report(dir, "a.toml", "markdown", false);
    assert_eq!(
        without_record_hash(&audit),
        without_record_hash(&audit_before)
    );
    assert!(audit.contains("- **Rating:** N ("), "{audit}");
    assert!(audit.contains("**The audit team does not recommend certification until the major nonconformities are closed and verified.**"));
    assert!(
        audit.contains("| Nonconformities | major: 1 open, 0 closed; minor: 6 open, 0 closed |")
    );

    let follow_up = report(dir, "a.toml", "markdown", true);
    for shown in [
        "# Follow-up report: Brightline Software Ltd.\n",
        "## Status after follow-up, as of 2026-11-28",
        "> The audit team does not recommend certification until the major nonconformities are closed and verified.",
        "**Recommendation after follow-up:** The audit team recommends certification to the certification body.",
        "Met after follow-up, its nonconformities closed: 7.2.c (rated L), 7.2.f (rated L), 7.2.g (rated N)",
        "The rating stays as it was found",
        "The certification body makes the decision on certification",
        "| Follow-up | closed by Claire Martin, lead auditor, on 2026-11-28 |",
        "The follow-up was closed by Claire Martin, lead auditor, on 2026-11-28.",
        "| 2026-11-24 | [RR](#",
    ] {
        assert!(follow_up.contains(shown), "{shown}\n{follow_up}");
    }
    assert!(!follow_up.contains("IN PROGRESS"));
    // Evidence cited by the follow-up is listed, with the anchors its links use.
    let links = follow_up.matches("](#cited-").count();
    assert!(links > 0);
    assert!(follow_up.contains("## Evidence cited"));
    assert!(follow_up.contains("<a id=\"cited-rr-"));

    // `status` gives both: the conclusion as issued, and where it stands after follow-up.
    let status = common::ok(dir, &["status", "a.toml"]);
    for shown in [
        "Conclusion: The audit team does not recommend certification",
        "After follow-up, as of 2026-11-28: The audit team recommends certification to the certification body.",
        "Follow-up: closed by Claire Martin on 2026-11-28",
    ] {
        assert!(status.contains(shown), "{shown}\n{status}");
    }

    // HTML from the same Markdown, as the audit report's is.
    let html = report(dir, "a.toml", "html", true);
    assert!(html.contains("<title>Follow-up report: Brightline Software Ltd.</title>"));
    assert!(
        html.contains(
            "<h2>Status after follow-up, as of <span class=\"nb\">2026-11-28</span></h2>"
        ),
        "{html}"
    );
    assert!(!html.contains("<script"));
}

/// The follow-up report is a report: markdown or html, never a table; written with -o and
/// signed with --sign as the audit report is.
#[test]
fn the_follow_up_report_is_markdown_or_html_and_signs() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    common::signed_off_example(dir);
    for format in ["csv", "actions"] {
        let err = common::fails(
            dir,
            &["report", "a.toml", "--follow-up", "--format", format],
            2,
        );
        assert!(
            err.contains("--follow-up gives the follow-up report as markdown or html"),
            "{err}"
        );
    }
    common::ok(
        dir,
        &["report", "a.toml", "--follow-up", "-o", "follow-up.md"],
    );
    let written = fs::read_to_string(dir.join("follow-up.md")).unwrap();
    assert_eq!(written, report(dir, "a.toml", "markdown", true));
    if !common::tools(&["ssh-keygen"], "apt-get install openssh-client") {
        return;
    }
    let keygen = std::process::Command::new("ssh-keygen")
        .current_dir(dir)
        .args([
            "-q", "-t", "ed25519", "-N", "", "-C", "claire", "-f", "claire",
        ])
        .output()
        .unwrap();
    assert!(keygen.status.success());
    common::ok(
        dir,
        &[
            "report",
            "a.toml",
            "--follow-up",
            "-o",
            "follow-up.md",
            "--sign",
            "claire",
        ],
    );
    let sig = fs::read_to_string(dir.join("follow-up.md.sig")).unwrap();
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----"), "{sig}");
    let public = fs::read_to_string(dir.join("claire.pub")).unwrap();
    let key: Vec<&str> = public.split_whitespace().take(2).collect();
    fs::write(dir.join("allowed"), format!("claire {}\n", key.join(" "))).unwrap();
    let verified = std::process::Command::new("ssh-keygen")
        .current_dir(dir)
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed",
            "-I",
            "claire",
            "-n",
            "vse-assess",
            "-s",
            "follow-up.md.sig",
        ])
        .stdin(fs::File::open(dir.join("follow-up.md")).unwrap())
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

/// The portfolio tells a final record whose follow-up is open, with the earliest plan due
/// of a nonconformity still open, from one whose follow-up is closed.
#[test]
fn the_portfolio_shows_the_follow_up_due_and_closed() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    common::signed_off_example(dir);
    let row = |dir: &Path| {
        let out = common::ok(dir, &["portfolio", "a.toml", "--format", "csv"]);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header = reader.headers().unwrap().clone();
        let row = reader.records().next().unwrap().unwrap();
        let col = |name: &str| row[header.iter().position(|h| h == name).unwrap()].to_string();
        (col("status"), col("follow_up_due"))
    };
    assert_eq!(row(dir), ("final".into(), "2026-12-18".into()));
    let md = common::ok(dir, &["portfolio", "a.toml"]);
    assert!(md.contains("| Follow-up due |"), "{md}");

    common::ok(
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
    assert_eq!(row(dir), ("follow-up-closed".into(), String::new()));
    let md = common::ok(dir, &["portfolio", "a.toml"]);
    assert!(md.contains("| follow-up closed |"), "{md}");
}

/// A self-assessment's claim after follow-up: a requirement rated L whose one problem was
/// fixed and checked after the sign-off counts as met after follow-up, while the claim as
/// found stays as it was signed off.
#[test]
fn a_self_assessment_claims_after_follow_up() {
    use vse_assess::questionnaire::catalog;
    use vse_assess::rating::Judgement;
    use vse_assess::record::{
        ActionStatus, Evidence, EvidenceKind, FindingClass, Kind, Record, Status, StatusChange,
    };
    let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
    let q = &loaded.questionnaire;
    let mut r = Record::new(&loaded, "Acme", Kind::SelfAssessment);
    for c in &q.conditions {
        r.conditions.entry(c.id.clone()).or_default().met = true;
    }
    for req in &q.requirements {
        let a = r.requirements.entry(req.id.clone()).or_default();
        a.rating = Some(Judgement::F);
        a.facets = req.facets.clone();
    }
    r.evidence.push(Evidence {
        file: true,
        id: "HB".into(),
        title: "Handbook".into(),
        kind: EvidenceKind::Document,
        location: String::new(),
        version: String::new(),
        sha256: None,
        supports: common::IDS.iter().map(|s| s.to_string()).collect(),
        carried_from: String::new(),
        follow_up: false,
    });
    r.requirements.get_mut("7.2.g").unwrap().rating = Some(Judgement::L);
    let new = edit::NewFinding {
        requirement: "7.2.g".into(),
        class: FindingClass::Minor,
        text: "Risks not reviewed".into(),
        evidence: vec!["HB".into()],
        raised: Some("2026-11-16".into()),
        ..Default::default()
    };
    let nc = edit::add_finding(&mut r, q, new, common::today()).unwrap();
    r.assessment.status = Status::Final;
    r.assessment.history.push(StatusChange {
        status: Status::Final,
        by: "Ann".into(),
        date: "2026-11-20".into(),
        reason: String::new(),
    });
    fn claim<'r>(
        q: &vse_assess::questionnaire::Questionnaire,
        r: &'r Record,
        view: View,
    ) -> conformance::Conclusion<'r> {
        conformance::conclude_in(q, &r.lookup(), view)
    }
    let unclaimed = conformance::Conclusion::Claim { claimable: false };
    assert_eq!(claim(q, &r, View::AsFound), unclaimed);
    assert_eq!(claim(q, &r, View::AfterFollowUp), unclaimed);

    let a = edit::add_action(&mut r, &nc, "Review the risks", "Ann", None).unwrap();
    edit::set_action_status(&mut r, &a, ActionStatus::Closed).unwrap();
    let seen = Verification {
        by: "Ann".into(),
        date: "2026-11-25".into(),
        effective: true,
        note: "Reviewed register in use".into(),
        evidence: vec!["HB".into()],
        ..Verification::default()
    };
    edit::verify(&mut r, &nc, seen, common::today()).unwrap();
    assert_eq!(claim(q, &r, View::AsFound), unclaimed);
    assert_eq!(
        claim(q, &r, View::AfterFollowUp),
        conformance::Conclusion::Claim { claimable: true }
    );
    assert!(conformance::consistency_warnings(q, &r.lookup()).is_empty());

    // Back to a draft, the verification made after the sign-off stays follow-up: as found,
    // the problem is open, the rating agrees with it, and there is no claim.
    r.assessment.status = Status::Draft;
    let warnings = conformance::consistency_warnings(q, &r.lookup());
    assert_eq!(
        warnings.len(),
        0,
        "a follow-up verification stays follow-up"
    );
    assert_eq!(claim(q, &r, View::AsFound), unclaimed);
}

/// The team's acceptance of the VSE's plan counts after follow-up: the major NC-2 verified
/// effective, the recommendation after follow-up waits for the plan of any minor whose actions
/// are not all accepted, and once every open minor's plan is accepted it recommends, the
/// minors named as staying open with their plan accepted, to be verified at the next audit.
/// The conclusion as issued, and the audit report, stay as they were signed off.
#[test]
fn accepted_plans_for_the_open_minors_let_the_recommendation_stand() {
    use vse_assess::record::Signed;
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    let path = common::signed_off_example(dir);
    let audit_before = report(dir, "a.toml", "markdown", false);
    let today = common::today();

    let mut opened = common::opened(&path);
    let r = &mut opened.record;
    for a in ["A-2", "A-3"] {
        edit::complete_action(r, a, Some("2026-11-24"), &["RR".to_string()], today).unwrap();
    }
    let seen = Verification {
        by: "Claire Martin".into(),
        date: "2026-11-26".into(),
        effective: true,
        note: "Reviewed plan in use, organisational risks owned in the register".into(),
        evidence: vec!["RR".into()],
        ..Verification::default()
    };
    edit::verify(r, "NC-2", seen, today).unwrap();
    let minors: Vec<(String, Vec<String>)> = r
        .findings
        .iter()
        .filter(|f| f.class == vse_assess::record::FindingClass::Minor)
        .map(|f| {
            (
                f.id.clone(),
                f.actions.iter().map(|a| a.id.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(minors.len(), 6);
    let accepted = || {
        Some(Signed {
            by: "Claire Martin".into(),
            date: "2026-11-27".into(),
        })
    };
    // Every minor's plan accepted but NC-4's.
    for (id, actions) in &minors {
        assert!(!actions.is_empty(), "{id} has no action");
        if id == "NC-4" {
            continue;
        }
        for a in actions {
            edit::accept_action(r, a, accepted(), today).unwrap();
        }
    }
    store::save(&mut opened).unwrap();

    let r = common::record(&path);
    let q = common::opened(&path).questionnaire.questionnaire;
    let lookup = r.lookup();
    match conformance::conclude_in(&q, &lookup, View::AfterFollowUp) {
        conformance::Conclusion::RecommendOncePlanAccepted { minors } => {
            let ids: Vec<&str> = minors.iter().map(|m| m.id).collect();
            assert_eq!(ids, ["NC-4"]);
        }
        other => panic!("{other:?}"),
    }
    let waiting: Vec<&str> =
        conformance::minors_with_plan_accepted(&q, &lookup, View::AfterFollowUp)
            .iter()
            .map(|m| m.id)
            .collect();
    assert_eq!(waiting.len(), 5);
    assert!(!waiting.contains(&"NC-4"));
    let follow_up = report(dir, "a.toml", "markdown", true);
    assert!(
        follow_up.contains("**Recommendation after follow-up:** The audit team recommends certification once the corrective action plan for the open minor nonconformities is accepted."),
        "{follow_up}"
    );
    let five = format!(
        "Minor nonconformities {} stay open with their corrective action plan accepted by the audit team, to be verified at the next audit.",
        waiting.join(", ")
    );
    assert!(follow_up.contains(&five), "{five}\n{follow_up}");

    // NC-4's plan accepted too: nothing keeps the recommendation conditional any more.
    let mut opened = common::opened(&path);
    let (_, a5) = minors.iter().find(|(id, _)| id == "NC-4").unwrap();
    for a in a5 {
        edit::accept_action(&mut opened.record, a, accepted(), today).unwrap();
    }
    store::save(&mut opened).unwrap();
    let r = common::record(&path);
    let lookup = r.lookup();
    assert_eq!(
        conformance::conclude_in(&q, &lookup, View::AfterFollowUp),
        conformance::Conclusion::Recommend
    );
    // As found, the conclusion is the one issued: acceptance came after the sign-off.
    assert!(matches!(
        conformance::conclude(&q, &lookup),
        conformance::Conclusion::DoNotRecommend { ref minors, .. } if minors.len() == 6
    ));
    assert!(conformance::minors_with_plan_accepted(&q, &lookup, View::AsFound).is_empty());
    let all: Vec<&str> = conformance::minors_with_plan_accepted(&q, &lookup, View::AfterFollowUp)
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(all.len(), 6);
    for (id, _) in &minors {
        let nc = r.finding(id).unwrap();
        assert!(conformance::plan_accepted(nc), "{id}");
        assert!(conformance::open_in(&r, nc, View::AfterFollowUp), "{id}");
    }
    let follow_up = report(dir, "a.toml", "markdown", true);
    let six = format!(
        "Minor nonconformities {} stay open with their corrective action plan accepted by the audit team, to be verified at the next audit.",
        all.join(", ")
    );
    for shown in [
        "**Recommendation after follow-up:** The audit team recommends certification to the certification body.\n\nMinor nonconformities ",
        six.as_str(),
        "> The audit team does not recommend certification until the major nonconformities are closed and verified.",
    ] {
        assert!(follow_up.contains(shown), "{shown}\n{follow_up}");
    }
    assert!(!follow_up.contains("once the corrective action plan"));
    let audit = report(dir, "a.toml", "markdown", false);
    assert_eq!(
        without_record_hash(&audit),
        without_record_hash(&audit_before)
    );
}

/// The follow-up report quotes the team's own conclusions as issued, below the generated
/// conclusion: they may hold commitments the follow-up is checked against.
#[test]
fn the_follow_up_report_quotes_the_teams_conclusions_as_issued() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    let path = common::signed_off_example(dir);
    let r = common::record(&path);
    let theirs = r.assessment.conclusions.trim().to_string();
    assert!(theirs.contains("not on a plan to review it"), "{theirs}");
    let follow_up = report(dir, "a.toml", "markdown", true);
    let generated = follow_up
        .find("**The conclusion as issued on 2026-11-20:**")
        .expect("the generated conclusion as issued");
    let quoted =
        format!("**The audit team's conclusions, in its own words, as issued:**\n\n> {theirs}\n");
    let own = follow_up
        .find(&quoted)
        .unwrap_or_else(|| panic!("{quoted}\n{follow_up}"));
    let after = follow_up
        .find("**Recommendation after follow-up:**")
        .unwrap();
    assert!(generated < own && own < after, "{follow_up}");

    // Text that is Markdown stays the team's words, quoted and escaped, on one quoted line.
    let file = dir.join("b.toml");
    let example = fs::read_to_string(common::AUDIT).unwrap();
    let marked = example.replacen(
        "conclusions = \"Brightline plans",
        "conclusions = \"# Not a heading | *NC-2* first\\n\\nBrightline plans",
        1,
    );
    assert_ne!(marked, example);
    fs::write(&file, marked).unwrap();
    common::complete_audit_details(dir, "b.toml");
    common::ok(
        dir,
        &[
            "finalize",
            "b.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    let follow_up = report(dir, "b.toml", "markdown", true);
    assert!(
        follow_up.contains(
            "as issued:**\n\n> \\# Not a heading \\| \\*NC-2\\* first<br><br>Brightline plans"
        ),
        "{follow_up}"
    );
}
