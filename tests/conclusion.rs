//! The conclusion an assessment supports, and the warnings where ratings and findings
//! disagree: a self-assessment claims (or not); an audit team only recommends.

use vse_assess::conformance::{Blocker, Conclusion, conclude, consistency_warnings};
use vse_assess::questionnaire::catalog;
use vse_assess::rating::Judgement;
use vse_assess::record::{
    ActionStatus, Evidence, EvidenceKind, FindingClass, Kind, Record, Verification, edit,
};
use vse_assess::report::{self, Format};

use crate::common;

use common::IDS;

fn questionnaire() -> catalog::Loaded {
    catalog::embedded(catalog::DEFAULT).unwrap().unwrap()
}

/// Every requirement rated F on evidence, every facet checked, clause 6 answered yes.
fn all_met(kind: Kind) -> Record {
    let loaded = questionnaire();
    let mut r = Record::new(&loaded, "Acme", kind);
    for c in &loaded.questionnaire.conditions {
        r.conditions.entry(c.id.clone()).or_default().met = true;
    }
    for req in &loaded.questionnaire.requirements {
        let a = r.requirements.entry(String::from(&req.id)).or_default();
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
        supports: IDS.iter().map(|s| s.to_string()).collect(),
        carried_from: String::new(),
        follow_up: false,
    });
    r
}

fn finding(r: &mut Record, id: &str, class: FindingClass, text: &str) -> String {
    let q = questionnaire().questionnaire;
    let new = edit::NewFinding {
        requirement: id.into(),
        class,
        text: text.into(),
        evidence: vec!["HB".into()],
        raised: Some("2026-11-16".into()),
        ..Default::default()
    };
    edit::add_finding(r, &q, new, jiff::civil::date(2026, 11, 30)).unwrap()
}

/// A minimal record as the issue's scenarios have it: every requirement rated `j`, no facet
/// checked, no evidence, nobody interviewed, clause 6 answered yes.
fn bare(kind: Kind, j: Judgement) -> Record {
    let loaded = questionnaire();
    let mut r = Record::new(&loaded, "Acme", kind);
    for c in &loaded.questionnaire.conditions {
        r.conditions.entry(c.id.clone()).or_default().met = true;
    }
    for req in &loaded.questionnaire.requirements {
        r.requirements
            .entry(String::from(&req.id))
            .or_default()
            .rating = Some(j);
    }
    r
}

/// Rates a requirement; below L, its facets are unchecked too, as they would be (checked
/// facets suggest a rating, and one far from it is warned about).
fn rate(r: &mut Record, id: &str, j: Judgement) {
    let a = r.requirements.entry(String::from(id)).or_default();
    a.rating = Some(j);
    if matches!(j, Judgement::N | Judgement::P) {
        a.facets.clear();
    }
}

#[test]
fn a_self_assessment_claims_or_not() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::SelfAssessment);
    assert_eq!(
        conclude(&q, &r.lookup()),
        Conclusion::Claim { claimable: true }
    );
    r.requirements
        .entry(String::from("7.3.b"))
        .or_default()
        .rating = Some(Judgement::L);
    assert_eq!(
        conclude(&q, &r.lookup()),
        Conclusion::Claim { claimable: false }
    );
}

#[test]
fn an_audit_recommends_on_its_nonconformities_alone() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    assert_eq!(conclude(&q, &r.lookup()), Conclusion::Recommend);

    // L (below met) settled by a minor: recommend once its corrective action plan is accepted.
    rate(&mut r, "7.3.b", Judgement::L);
    finding(
        &mut r,
        "7.3.b",
        FindingClass::Minor,
        "Skills matrix out of date",
    );
    let c = conclude(&q, &r.lookup());
    assert!(matches!(&c, Conclusion::RecommendOncePlanAccepted { minors } if minors.len() == 1));
    assert!(
        c.reasons()[0].contains("NC-1 (7.3.b, minor nonconformity)"),
        "{:?}",
        c.reasons()
    );

    // P settled by a major: do not recommend, naming it, until it is closed and verified.
    rate(&mut r, "7.2.g", Judgement::P);
    let major = finding(&mut r, "7.2.g", FindingClass::Major, "No risk plan");
    assert_eq!(major, "NC-2");
    let c = conclude(&q, &r.lookup());
    assert!(
        matches!(&c, Conclusion::DoNotRecommend { majors, minors } if majors.len() == 1 && minors.len() == 1)
    );
    assert_eq!(
        c.headline("4.2"),
        "The audit team does not recommend certification until the major nonconformities are closed and verified."
    );
    assert!(
        c.reasons()[0].contains("NC-2 (7.2.g, major nonconformity): \"No risk plan\""),
        "{:?}",
        c.reasons()
    );
    // The VSE closing its action is not enough: the team verifies it effective.
    let action = edit::add_action(&mut r, &major, "Write the plan", "", None).unwrap();
    edit::set_action_status(&mut r, &action, ActionStatus::Closed).unwrap();
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::DoNotRecommend { .. }
    ));
    let verified = Verification {
        by: "Ann".into(),
        date: "2026-11-20".into(),
        effective: true,
        note: "The plan, reviewed and in use".into(),
        evidence: vec!["HB".into()],
        ..Verification::default()
    };
    edit::verify(&mut r, &major, verified, jiff::civil::date(2026, 11, 30)).unwrap();
    // Closed, but the requirement is still rated P: the rating and the findings disagree, and
    // there is no recommendation until the team revises the rating.
    let c = conclude(&q, &r.lookup());
    assert!(matches!(&c, Conclusion::NoRecommendationYet { warnings, .. } if warnings.len() == 1));
    assert!(
        c.reasons()[0]
            .contains("7.2.g: rated P (not met) while its nonconformities are verified closed"),
        "{:?}",
        c.reasons()
    );
    edit::rate(&mut r, "7.2.g", Some(Judgement::F), None).unwrap();
    r.requirements.get_mut("7.2.g").unwrap().facets =
        q.requirement("7.2.g").unwrap().facets.clone();
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::RecommendOncePlanAccepted { .. }
    ));

    // Not finished: no recommendation yet.
    r.requirements.remove("7.5.e");
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::NoRecommendationYet {
            not_assessed: 1,
            ..
        }
    ));
}

/// Scenario 1: 7.2.g and 7.4.d rated N, a minor nonconformity on each. A requirement not
/// implemented is not settled by a minor: no recommendation, and no sign-off.
#[test]
fn a_requirement_rated_n_with_only_a_minor_gets_no_recommendation() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    for id in ["7.2.g", "7.4.d"] {
        rate(&mut r, id, Judgement::N);
        let nc = finding(&mut r, id, FindingClass::Minor, "Not done");
        edit::add_action(&mut r, &nc, "Do it", "", None).unwrap();
    }
    r.assessment.conclusions = "See the findings.".into();
    r.assessment.scope.processes = q.processes.iter().map(|p| p.id.clone()).collect();
    let c = conclude(&q, &r.lookup());
    assert!(!c.favourable());
    assert_eq!(
        c.headline("4.2"),
        "No recommendation yet: ratings and findings disagree (the consistency warnings below), and the recommendation rests on the nonconformities."
    );
    let reasons = c.reasons();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    for (reason, id) in reasons.iter().zip(["7.2.g", "7.4.d"]) {
        assert_eq!(
            reason,
            &format!(
                "{id}: rated N (not met) with only minor nonconformities open: raise one to major or change the rating"
            )
        );
    }
    let refused = edit::sign_off_blockers(&r, &q);
    assert!(
        refused.iter().any(|b| b.starts_with("7.2.g: rated N")),
        "{refused:?}"
    );
    assert!(
        refused.iter().any(|b| b.starts_with("7.4.d: rated N")),
        "{refused:?}"
    );
    // Raised to major: the recommendation follows the majors.
    for f in &mut r.findings {
        f.class = FindingClass::Major;
    }
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::DoNotRecommend { majors, .. } if majors.len() == 2
    ));
}

/// Scenario 2: a self-assessment, 25 x F, no facets, no evidence, a minor open on 7.2.g:
/// no claim.
#[test]
fn a_self_assessment_with_an_open_minor_and_no_evidence_claims_nothing() {
    let q = questionnaire().questionnaire;
    let mut r = bare(Kind::SelfAssessment, Judgement::F);
    edit::add_finding(
        &mut r,
        &q,
        edit::NewFinding {
            requirement: "7.2.g".into(),
            class: FindingClass::Minor,
            text: "Risks not reviewed".into(),
            ..Default::default()
        },
        jiff::civil::date(2026, 11, 30),
    )
    .unwrap();
    let c = conclude(&q, &r.lookup());
    assert_eq!(c, Conclusion::Claim { claimable: false });
    assert_eq!(
        c.headline("4.2"),
        "Process conformance (clause 4.2) cannot be claimed yet."
    );
    let eval = vse_assess::conformance::evaluate(&q, &r.lookup());
    assert_eq!(eval.blockers.len(), 25, "nothing shows any requirement met");
    let on_g = &eval
        .blockers
        .iter()
        .find(|(id, _)| *id == "7.2.g")
        .unwrap()
        .1;
    assert!(
        on_g.contains(&Blocker::OpenNonconformities { major: 0, minor: 1 }),
        "{on_g:?}"
    );
    assert!(on_g.contains(&Blocker::NothingBehind), "{on_g:?}");
    // Evidence behind every requirement and the minor verified closed: the claim holds, and
    // says what it covers.
    let mut r = all_met(Kind::SelfAssessment);
    assert_eq!(
        conclude(&q, &r.lookup()).headline("4.2"),
        "Process conformance (clause 4.2) can be claimed for the profile's part: every clause 7 requirement is rated met, with evidence or an interview behind it and no nonconformity open; the base-standard part of clause 4.2 was not assessed."
    );
    finding(&mut r, "7.2.g", FindingClass::Minor, "Risks not reviewed");
    assert_eq!(
        conclude(&q, &r.lookup()),
        Conclusion::Claim { claimable: false }
    );
}

/// Scenario 3: an audit, 25 x F, no evidence, nobody interviewed: no recommendation, and
/// `finalize` lists every requirement.
#[test]
fn an_audit_with_nothing_behind_its_ratings_recommends_nothing() {
    let q = questionnaire().questionnaire;
    let mut r = bare(Kind::Audit, Judgement::F);
    r.assessment.scope.processes = q.processes.iter().map(|p| p.id.clone()).collect();
    r.assessment.conclusions = "All fine.".into();
    let c = conclude(&q, &r.lookup());
    assert!(matches!(&c, Conclusion::NoRecommendationYet { warnings, .. } if warnings.len() == 25));
    assert!(!c.favourable());
    assert!(
        c.reasons()[0].starts_with(
            "7.2.a: rated F with no evidence linked and no one interviewed; rated F but 0 of "
        ),
        "{:?}",
        c.reasons()
    );
    let refused = edit::sign_off_blockers(&r, &q);
    assert!(
        refused
            .iter()
            .filter(|b| b.contains("rated F with no evidence linked"))
            .count()
            == 25,
        "{refused:?}"
    );
}

/// Scenario 4: ratings below met with no nonconformity are not conditions of the
/// recommendation: they hold it back until rating or findings change, and the reasons name
/// no "shortfall".
#[test]
fn ratings_no_nonconformity_settles_are_not_conditions_of_a_recommendation() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    for id in ["7.2.a", "7.3.c", "7.5.b"] {
        rate(&mut r, id, Judgement::L);
    }
    let c = conclude(&q, &r.lookup());
    assert!(matches!(&c, Conclusion::NoRecommendationYet { .. }));
    assert!(!c.headline("4.2").contains("shortfall"));
    assert!(!c.headline("4.2").contains("does not recommend"));
    assert_eq!(
        c.reasons(),
        ["7.2.a", "7.3.c", "7.5.b"]
            .map(|id| format!("{id}: rated L (below met) with no nonconformity: raise a minor one or change the rating"))
    );
    // An observation does not settle it either; a minor does.
    finding(
        &mut r,
        "7.2.a",
        FindingClass::Observation,
        "Values not revisited",
    );
    assert_eq!(conclude(&q, &r.lookup()).reasons().len(), 3);
    for id in ["7.2.a", "7.3.c", "7.5.b"] {
        finding(&mut r, id, FindingClass::Minor, "Partly done");
    }
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::RecommendOncePlanAccepted { minors } if minors.len() == 3
    ));
}

#[test]
fn clause_6_answered_no_means_the_profile_does_not_apply() {
    let q = questionnaire().questionnaire;
    for kind in [Kind::Audit, Kind::SelfAssessment] {
        let mut r = all_met(kind);
        r.conditions.get_mut("6.a").unwrap().met = false;
        let c = conclude(&q, &r.lookup());
        assert_eq!(
            c,
            Conclusion::ProfileDoesNotApply {
                conditions: vec!["6.a".into()]
            }
        );
        assert!(!c.favourable());
        assert!(
            c.headline("4.2")
                .starts_with("The profile does not apply to this VSE")
        );
    }
}

#[test]
fn not_applicable_in_an_audit_is_not_met() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    edit::rate(
        &mut r,
        "7.3.f",
        Some(Judgement::NA),
        Some("One project only"),
    )
    .unwrap();
    let w = consistency_warnings(&q, &r.lookup());
    assert_eq!(w.len(), 1);
    assert!(
        w[0].1
            .starts_with("marked N/A, but every requirement of the profile is mandatory")
    );
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::NoRecommendationYet { .. }
    ));
    assert!(
        vse_assess::conformance::not_applicable_note(&q, Kind::Audit)
            .unwrap()
            .starts_with("N/A still blocks the claim")
    );
}

#[test]
fn the_report_recommends_never_grants_and_a_draft_is_provisional() {
    let loaded = questionnaire();
    let q = &loaded.questionnaire;
    for (kind, status) in [
        (Kind::Audit, vse_assess::record::Status::Draft),
        (Kind::Audit, vse_assess::record::Status::Final),
        (Kind::SelfAssessment, vse_assess::record::Status::Final),
    ] {
        let mut r = all_met(kind);
        r.assessment.status = status;
        let md = report::render(
            &report::Input {
                record: &r,
                questionnaire: q,
                questionnaire_sha256: &loaded.sha256,
                record_name: "a.toml",
                record_sha256: "00",
                evidence_checks: &[],
            },
            Format::Markdown,
        );
        let conclusion = &md[md.find("## Conclusion").unwrap()..md.find("## Findings by").unwrap()];
        let lower = conclusion.to_lowercase();
        assert!(!lower.contains("certification is granted") && !lower.contains("is certified"));
        assert_eq!(
            conclusion.contains("Provisional (draft)"),
            status == vse_assess::record::Status::Draft,
            "{conclusion}"
        );
        assert!(conclusion.contains("no conformance to those standards was assessed"));
        assert!(conclusion.contains("a sample of the evidence"));
        if kind == Kind::Audit {
            assert!(conclusion.contains("recommends certification to the certification body"));
            assert!(
                conclusion.contains("The decision on certification is the certification body's")
            );
        } else {
            assert!(conclusion.contains(
                "Process conformance (clause 4.2) can be claimed for the profile's part"
            ));
        }
    }
}

#[test]
fn ratings_and_findings_that_disagree_are_warned_about() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    assert!(consistency_warnings(&q, &r.lookup()).is_empty());
    // Below met with no nonconformity: an observation does not count.
    rate(&mut r, "7.2.a", Judgement::P);
    finding(
        &mut r,
        "7.2.a",
        FindingClass::Observation,
        "Values not shared",
    );
    // Met while a nonconformity stands.
    finding(&mut r, "7.2.b", FindingClass::Minor, "Roles unclear");
    // Met on no evidence and no interviewee, every facet unchecked.
    r.evidence[0].supports.retain(|s| s != "7.2.c");
    r.requirements
        .entry(String::from("7.2.c"))
        .or_default()
        .facets
        .clear();
    // L with no facet checked: two bands from the N the facets suggest.
    rate(&mut r, "7.5.d", Judgement::L);
    r.requirements
        .entry(String::from("7.5.d"))
        .or_default()
        .facets
        .clear();
    finding(&mut r, "7.5.d", FindingClass::Minor, "Not measured");
    // A nonconformity that cites nothing.
    rate(&mut r, "7.4.a", Judgement::L);
    edit::add_finding(
        &mut r,
        &q,
        edit::NewFinding {
            requirement: "7.4.a".into(),
            class: FindingClass::Minor,
            text: "Lifecycle not followed".into(),
            ..Default::default()
        },
        jiff::civil::date(2026, 11, 30),
    )
    .unwrap();
    let w = consistency_warnings(&q, &r.lookup());
    let ids: Vec<&str> = w.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        ["7.2.a", "7.2.b", "7.2.c", "7.4.a", "7.5.d"],
        "one line per requirement"
    );
    assert!(
        w[0].1
            .contains("rated P (not met) with no nonconformity: raise a major one"),
        "{}",
        w[0].1
    );
    assert!(w[1].1.contains("rated F (met) while 1 nonconformity"));
    assert!(w[2].1.contains("no evidence linked and no one interviewed"));
    assert!(w[2].1.contains("rated F but 0 of"), "{}", w[2].1);
    assert!(
        w[3].1.contains("cites no evidence and no one interviewed"),
        "{}",
        w[3].1
    );
    assert!(w[4].1.starts_with("rated L but 0 of"), "{}", w[4].1);
    assert!(
        w[4].1
            .ends_with("facets checked suggest N: check the facets or change the rating")
    );
    // An interviewee is enough to rest a rating on.
    r.requirements
        .entry(String::from("7.2.c"))
        .or_default()
        .interviewed
        .push("Ann".into());
    let w = consistency_warnings(&q, &r.lookup());
    assert!(!w[2].1.contains("no evidence linked"));
}

/// The help and the manual page state the sign-off rules as they are.
#[test]
fn help_and_man_page_state_the_sign_off_rules() {
    let dir = std::env::temp_dir();
    for args in [&["finalize", "--help"][..], &["man"]] {
        let out = common::vse(&dir, args);
        assert!(out.status.success());
        // The manual page is roff: hyphens are escaped, lines wrapped anew.
        let text = String::from_utf8_lossy(&out.stdout)
            .replace("\\-", "-")
            .replace('\n', " ");
        for rule in [
            "consistency warning stands",
            "a major for N, P and N/A, a minor for L",
            "lead auditor signs it",
            "which its report lists as gaps",
            // The plan is the VSE's: a due date for it, no action.
            "a nonconformity has no due date for the",
            ": none is needed",
        ] {
            assert!(text.contains(rule), "{args:?}: {rule}");
        }
    }
}

fn person(name: &str, role: &str) -> vse_assess::record::Person {
    vse_assess::record::Person {
        name: name.into(),
        role: role.into(),
    }
}

fn verification(by: &str, date: &str, effective: bool) -> Verification {
    Verification {
        by: by.into(),
        date: date.into(),
        effective,
        note: "seen".into(),
        evidence: vec!["HB".into()],
        ..Verification::default()
    }
}

/// An audit with a team and a session, every requirement met on evidence, and a minor (NC-1)
/// and a major (NC-2) nonconformity whose actions are closed, ready to verify.
fn audit_to_verify() -> Record {
    let mut r = all_met(Kind::Audit);
    r.assessment.team = vec![
        person("Ann", "lead auditor"),
        person("Bob", "auditor"),
        person("Olga", "observer"),
        person("Tim", "trainee"),
    ];
    r.assessment.sessions = vec![vse_assess::record::Session {
        date: "2026-11-16".into(),
        location: "Lyon".into(),
    }];
    rate(&mut r, "7.3.b", Judgement::L);
    rate(&mut r, "7.2.g", Judgement::P);
    for (id, class) in [
        ("7.3.b", FindingClass::Minor),
        ("7.2.g", FindingClass::Major),
    ] {
        let nc = finding(&mut r, id, class, "Not done");
        let a = edit::add_action(&mut r, &nc, "Do it", "", None).unwrap();
        edit::set_action_status(&mut r, &a, ActionStatus::Closed).unwrap();
    }
    r
}

/// Who verifies, and when: an auditor or the lead (the lead alone for a major), not an
/// observer or a trainee, not before the audit; checked again when the follow-up is closed,
/// as the team can change after a verification; and "not effective" needs a new root cause
/// and a new action.
#[test]
fn verifications_are_the_teams_and_are_checked_again_at_follow_up_close() {
    let today = jiff::civil::date(2026, 11, 30);
    let mut r = audit_to_verify();
    for who in ["Olga", "Tim"] {
        let err = edit::verify(&mut r, "NC-1", verification(who, "2026-11-18", true), today)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("does not verify: an auditor or the lead auditor does"),
            "{err}"
        );
    }
    let err = edit::verify(
        &mut r,
        "NC-1",
        verification("Bob", "2026-11-10", true),
        today,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("before the assessment's first session (2026-11-16)"),
        "{err}"
    );
    edit::verify(
        &mut r,
        "NC-1",
        verification("Bob", "2026-11-18", true),
        today,
    )
    .unwrap();
    edit::verify(
        &mut r,
        "NC-2",
        verification("Ann", "2026-11-18", true),
        today,
    )
    .unwrap();
    let blockers = edit::follow_up_close_checks(&r);
    assert!(blockers.is_empty(), "{blockers:?}");
    // The team changes: the lead who verified the major is now an auditor.
    r.assessment.team[0].role = "auditor".into();
    r.assessment.team[1].role = "lead auditor".into();
    let blockers = edit::follow_up_close_checks(&r);
    assert!(
        blockers
            .iter()
            .any(|b| b.starts_with("NC-2's verification of 2026-11-18: ")
                && b.contains("`Ann` (auditor) is not the lead auditor")),
        "{blockers:?}"
    );
    // Found not effective: a new root cause and a new action are due first.
    let mut r = audit_to_verify();
    edit::verify(
        &mut r,
        "NC-1",
        verification("Bob", "2026-11-18", false),
        today,
    )
    .unwrap();
    let blockers = edit::follow_up_close_checks(&r);
    assert!(
        blockers.iter().any(|b| b.starts_with(
            "NC-1 was verified not effective on 2026-11-18: before it is verified again it needs a new root cause"
        ) && b.contains("and a new corrective action")),
        "{blockers:?}"
    );
}

/// What an audit covered and what its team states can hold back a recommendation for good:
/// no recommendation, not "yet", and out-of-scope requirements say so.
#[test]
fn a_partial_scope_or_objectives_not_met_give_no_recommendation() {
    let loaded = questionnaire();
    let q = &loaded.questionnaire;
    let mut r = all_met(Kind::Audit);
    r.assessment.scope.processes = vec!["OM".into()];
    let c = conclude(q, &r.lookup());
    assert!(
        matches!(&c, Conclusion::NoRecommendation { reasons } if reasons.len() == 3),
        "{c:?}"
    );
    assert!(
        c.headline("4.2")
            .starts_with("No recommendation for certification:")
    );
    assert!(!c.favourable());
    let md = report::render(
        &report::Input {
            record: &r,
            questionnaire: q,
            questionnaire_sha256: &loaded.sha256,
            record_name: "a.toml",
            record_sha256: "00",
            evidence_checks: &[],
        },
        Format::Csv,
    );
    assert!(
        md.contains("\"7.3.a\",\"RM\",\"F\",\"out of scope\""),
        "{md:.400}"
    );
    let mut r = all_met(Kind::Audit);
    r.assessment.scope.processes = q.processes.iter().map(|p| p.id.clone()).collect();
    r.assessment.objectives_met = Some(false);
    assert_eq!(
        conclude(q, &r.lookup()).reasons(),
        ["the audit team states that the audit objectives were not met"]
    );
}

/// A self-assessment whose ratings its facets contradict has gaps: it claims nothing.
#[test]
fn a_self_assessment_with_warnings_claims_nothing() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::SelfAssessment);
    r.requirements.get_mut("7.2.a").unwrap().facets.clear();
    assert_eq!(
        conclude(&q, &r.lookup()),
        Conclusion::Claim { claimable: false }
    );
}

/// A questionnaire cannot count N or P as met; a record cannot name a blank interviewee, nor
/// the details a blank site; a session held over Zoom needs its remote method.
#[test]
fn the_rules_cannot_be_loosened_by_hand() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/iso29110-4-2-om.toml"
    ))
    .unwrap();
    let weak = shipped.replacen("met = [\"F\"]", "met = [\"N\", \"P\", \"L\", \"F\"]", 1);
    assert_ne!(weak, shipped);
    std::fs::write(dir.join("weak.toml"), weak).unwrap();
    let out = common::vse(dir, &["validate", "weak.toml"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rule.met[0]: N cannot count as met"), "{err}");
    assert!(err.contains("rule.met[1]: P cannot count as met"), "{err}");

    let example = std::fs::read_to_string(common::AUDIT).unwrap();
    let blank = example.replacen("interviewed = [\"Sofia Reyes\"]", "interviewed = [\"\"]", 1);
    std::fs::write(dir.join("a.toml"), blank).unwrap();
    let out = common::vse(dir, &["validate", "a.toml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("requirements.7.2.a.interviewed[0]: must not be empty")
            || err.contains("requirements.\"7.2.a\".interviewed[0]: must not be empty"),
        "{err}"
    );

    std::fs::write(dir.join("b.toml"), &example).unwrap();
    let out = common::vse(dir, &["set", "b.toml", "--site", " "]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("a site needs a name"));
    let out = common::vse(
        dir,
        &[
            "set",
            "b.toml",
            "--session",
            "2026-11-17:Zoom with the team",
            "--remote-method",
            "",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = common::vse(
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
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--remote-method"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A record marked final by hand (or signed off under older rules) that a sign-off would
/// refuse now says so on its verdict, each reason named; one signed off properly does not.
#[test]
fn a_final_record_that_fails_its_sign_off_says_so() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    let example = std::fs::read_to_string(common::AUDIT).unwrap();
    std::fs::write(dir.join("good.toml"), &example).unwrap();
    // The sign-off needs when the VSE's plan is due.
    common::ok(dir, &["set", "good.toml", "--plan-due", "2026-12-15"]);
    let out = common::vse(
        dir,
        &[
            "finalize",
            "good.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    assert!(out.status.success());
    let md = String::from_utf8(common::vse(dir, &["report", "good.toml"]).stdout).unwrap();
    assert!(!md.contains("Sign-off check"), "{md:.2000}");

    // Marked final by hand, signed by the auditor, the certification body left out.
    let forged = example
        .replacen("status = \"draft\"", "status = \"final\"", 1)
        .replacen("certification_body = \"Alpine Certification Services\"\n", "", 1)
        .replacen(
            "\n[assessment.scope]",
            "\n[[assessment.history]]\nstatus = \"final\"\nby = \"Hugo Petit\"\ndate = \"2026-11-20\"\n\n[assessment.scope]",
            1,
        );
    std::fs::write(dir.join("forged.toml"), forged).unwrap();
    let out = common::vse(dir, &["report", "forged.toml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    let row = md
        .lines()
        .find(|l| l.starts_with("| Sign-off check |"))
        .unwrap_or_else(|| panic!("{md:.3000}"));
    assert!(row.contains("**fails today**"), "{row}");
    assert!(row.contains("no certification body named"), "{row}");
    assert!(
        row.contains(r"\`Hugo Petit\` (auditor) is not the lead auditor"),
        "{row}"
    );
}
