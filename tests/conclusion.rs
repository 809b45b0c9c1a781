//! The conclusion an assessment supports, and the warnings where ratings and findings
//! disagree: a self-assessment claims (or not); an audit team only recommends.

use vse_assess::conformance::{Conclusion, conclude, consistency_warnings};
use vse_assess::questionnaire::catalog;
use vse_assess::rating::Judgement;
use vse_assess::record::{
    ActionStatus, Evidence, EvidenceKind, FindingClass, Kind, Record, Verification, edit,
};
use vse_assess::report::{self, Format};

mod common;

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
        id: "HB".into(),
        title: "Handbook".into(),
        kind: EvidenceKind::Document,
        location: String::new(),
        version: String::new(),
        sha256: None,
        supports: IDS.iter().map(|s| s.to_string()).collect(),
    });
    r
}

fn finding(r: &mut Record, id: &str, class: FindingClass, text: &str) -> String {
    let q = questionnaire().questionnaire;
    let new = edit::NewFinding {
        requirement: id.into(),
        class,
        text: text.into(),
        ..Default::default()
    };
    edit::add_finding(r, &q, new).unwrap()
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
fn an_audit_recommends_and_names_what_stands_in_the_way() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    assert_eq!(conclude(&q, &r.lookup()), Conclusion::Recommend);

    // A minor nonconformity: recommend once its corrective action plan is accepted.
    r.requirements
        .entry(String::from("7.3.b"))
        .or_default()
        .rating = Some(Judgement::L);
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

    // A major: do not recommend, naming it, until it is closed and verified.
    r.requirements
        .entry(String::from("7.2.g"))
        .or_default()
        .rating = Some(Judgement::P);
    let major = finding(&mut r, "7.2.g", FindingClass::Major, "No risk plan");
    assert_eq!(major, "NC-2");
    let c = conclude(&q, &r.lookup());
    assert!(
        matches!(&c, Conclusion::DoNotRecommend { majors, other, minors } if majors.len() == 1 && other.is_empty() && minors.len() == 1)
    );
    assert!(c.headline("4.2").contains("does not recommend"));
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
        note: String::new(),
        covers: None,
    };
    edit::verify(&mut r, &major, verified, jiff::civil::date(2026, 11, 30)).unwrap();
    // Closed, but the requirement is still rated P: the team re-rates it, or nothing is
    // recommended.
    let c = conclude(&q, &r.lookup());
    assert!(
        c.reasons()[0].contains("7.2.g: rated P with no open nonconformity"),
        "{:?}",
        c.reasons()
    );
    edit::rate(&mut r, "7.2.g", Some(Judgement::F), None).unwrap();
    assert!(matches!(
        conclude(&q, &r.lookup()),
        Conclusion::RecommendOncePlanAccepted { .. }
    ));

    // A rating below met that no nonconformity covers leaves the VSE nothing to correct.
    r.requirements
        .entry(String::from("7.4.d"))
        .or_default()
        .rating = Some(Judgement::L);
    let c = conclude(&q, &r.lookup());
    assert!(
        matches!(&c, Conclusion::DoNotRecommend { majors, other, .. } if majors.is_empty() && other.len() == 1)
    );
    assert!(c.reasons()[0].contains("7.4.d: rated L with no open nonconformity"));

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
            assert!(conclusion.contains("Process conformance (clause 4.2) can be claimed."));
        }
    }
}

#[test]
fn ratings_and_findings_that_disagree_are_warned_about() {
    let q = questionnaire().questionnaire;
    let mut r = all_met(Kind::Audit);
    assert!(consistency_warnings(&q, &r.lookup()).is_empty());
    // Below met with no nonconformity.
    r.requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .rating = Some(Judgement::P);
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
    let w = consistency_warnings(&q, &r.lookup());
    let ids: Vec<&str> = w.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, ["7.2.a", "7.2.b", "7.2.c"], "one line per requirement");
    assert!(w[0].1.contains("rated P (below met) but no nonconformity"));
    assert!(w[1].1.contains("rated F (met) while 1 nonconformity"));
    assert!(w[2].1.contains("no evidence linked and no one interviewed"));
    assert!(w[2].1.contains("every facet not checked"));
    // An interviewee is enough to rest a rating on.
    r.requirements
        .entry(String::from("7.2.c"))
        .or_default()
        .interviewed
        .push("Ann".into());
    let w = consistency_warnings(&q, &r.lookup());
    assert!(!w[2].1.contains("no evidence linked"));
}
