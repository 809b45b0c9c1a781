//! The next assessment of a cycle, made from the previous one (`new --from`): the same VSE,
//! client, certification body, scope, criteria, team and participants, the evidence register
//! to be checked again, and every nonconformity the previous one left open, with its id and
//! its history. What was found there (ratings, notes, facets, sessions, conclusions, sign-off,
//! confirmations) is not: the next audit finds its own. Finding and action ids go on from the
//! previous record's, so that no id of the cycle is ever given to two findings.
//!
//! A carried nonconformity has to be followed up before the next assessment is signed off
//! ([`carried_not_followed_up`]): verified again by its team, effective or not.
//!
//! Observations, opportunities for improvement and good practices are not carried, even with
//! an action still open: none is a nonconformity, none needs a verification, and the next
//! audit raises its own. Nonconformities closed (verified effective) are not carried either:
//! they stay in the previous record, which `compare` reads beside this one.

use std::path::{Path, PathBuf};

use super::edit::Refused;
use super::evidence;
use super::store::folder_of;
use super::{Carried, Finding, Kind, Previous, Record, Stage, Status, Verification};
use crate::questionnaire::catalog::Loaded;

/// The previous record and where it is.
#[derive(Debug, Clone, Copy)]
pub struct From<'a> {
    pub record: &'a Record,
    /// Its file, as this one is to name it (relative to the new record's folder).
    pub file: &'a str,
    /// The previous record's file on this machine, to find its evidence from the new one's.
    pub path: &'a Path,
    /// SHA-256 of its text as read.
    pub sha256: &'a str,
}

/// A record made from a previous one, and what of it was and was not carried.
#[derive(Debug, Clone)]
pub struct Next {
    pub record: Record,
    /// The ids of the findings carried, in record order.
    pub carried: Vec<String>,
    /// The findings of the previous record left there, each as `NC-2 closed (verified)` or
    /// `OBS-1 (observation)`.
    pub not_carried: Vec<String>,
}

/// The stages an assessment made from a previous one may be: a stage 1 audit starts a
/// cycle, so it follows on from none.
pub const NEXT_STAGES: [Stage; 4] = [
    Stage::Stage2,
    Stage::Surveillance,
    Stage::Recertification,
    Stage::Special,
];

fn refuse<T>(field: &'static str, why: impl Into<String>) -> Result<T, Refused> {
    Err(Refused::Invalid {
        field,
        why: why.into(),
    })
}

/// The next assessment after `previous`, against `loaded` (the previous record's
/// questionnaire, or a later version of it), to be saved at `next_path`. Refused when the
/// previous record is a draft (its findings are not issued until it is signed off), when
/// the questionnaire is of another profile, and for an audit when `stage` is not given or is
/// stage 1; a self-assessment has no stage.
pub fn next_record(
    previous: From,
    loaded: &Loaded,
    stage: Option<Stage>,
    next_path: &Path,
) -> Result<Next, Refused> {
    let old = previous.record;
    let meta = &old.assessment;
    let Some(signed) = meta.sign_off() else {
        return refuse(
            "from",
            format!(
                "{} is a draft: the next assessment starts from one signed off (`vse-assess finalize {} --by NAME`)",
                previous.file, previous.file
            ),
        );
    };
    let id = &loaded.questionnaire.questionnaire.id;
    if old.questionnaire.id != *id {
        return refuse(
            "questionnaire",
            format!(
                "{} is an assessment against questionnaire `{}`, not `{id}`: the next assessment is of the same profile",
                previous.file, old.questionnaire.id
            ),
        );
    }
    let names: Vec<&str> = NEXT_STAGES.iter().map(|s| s.key()).collect();
    match (meta.kind, stage) {
        (Kind::Audit, None) => {
            return refuse(
                "stage",
                format!(
                    "{} is an audit: say which audit follows it, --stage {}",
                    previous.file,
                    names.join("|")
                ),
            );
        }
        (Kind::Audit, Some(s)) if !NEXT_STAGES.contains(&s) => {
            return refuse(
                "stage",
                format!(
                    "a {s} audit starts a certification cycle and follows on from no audit: --stage {}",
                    names.join("|")
                ),
            );
        }
        (Kind::SelfAssessment, Some(s)) => {
            return refuse(
                "stage",
                format!(
                    "{} is a self-assessment: the next one has no audit stage ({s})",
                    previous.file
                ),
            );
        }
        _ => {}
    }

    let mut record = Record::new(loaded, &meta.vse, meta.kind);
    {
        let m = &mut record.assessment;
        m.client = meta.client.clone();
        m.certification_body = meta.certification_body.clone();
        // The criteria as worded for the previous questionnaire version, unless the
        // assessor wrote their own.
        let generated = format!(
            "(questionnaire {} {})",
            old.questionnaire.id, old.questionnaire.version
        );
        if old.questionnaire.version == loaded.questionnaire.questionnaire.version
            || !meta.criteria.ends_with(&generated)
        {
            m.criteria = meta.criteria.clone();
        }
        m.scope = meta.scope.clone();
        m.team = meta.team.clone();
        m.participants = meta.participants.clone();
        m.plan_limits = meta.plan_limits;
        m.stage = stage;
        m.status = Status::Draft;
        m.previous = Some(Previous {
            file: previous.file.to_owned(),
            sha256: previous.sha256.to_owned(),
            signed_off: Some(signed.date.clone()),
            stage: meta.stage,
        });
    }
    let old_folder = folder_of(previous.path);
    let new_folder = folder_of(next_path);
    record.evidence = old
        .evidence
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e.carried_from = previous.file.to_owned();
            // The previous follow-up's evidence is this audit's register like the rest.
            e.follow_up = false;
            if e.is_file() && Path::new(&e.location).is_relative() {
                e.location = rebased(&e.location, old_folder, new_folder);
            }
            e
        })
        .collect();

    let (carried_findings, left): (Vec<&Finding>, Vec<&Finding>) =
        old.findings.iter().partition(|f| f.is_open());
    let carried_ids: Vec<String> = carried_findings.iter().map(|f| f.id.clone()).collect();
    record.findings = carried_findings
        .into_iter()
        .map(|f| Finding {
            // Only what is carried too can be pointed at.
            see: f
                .see
                .iter()
                .filter(|s| carried_ids.iter().any(|c| c.eq_ignore_ascii_case(s)))
                .cloned()
                .collect(),
            // The previous audit's plan date is past: this audit sets its own.
            plan_due: None,
            carried: Some(Carried {
                from: previous.file.to_owned(),
                date: signed.date.clone(),
            }),
            // What the previous audit verified is where this one starts from: none of it is
            // follow-up after this audit's sign-off.
            verifications: f
                .verifications
                .iter()
                .map(|v| Verification {
                    follow_up: false,
                    ..v.clone()
                })
                .collect(),
            ..f.clone()
        })
        .collect();
    record.issued = issued_in(old);
    let not_carried = left
        .iter()
        .map(|f| {
            if f.class.is_nonconformity() {
                format!("{} {}", f.id, f.state().describe())
            } else {
                format!("{} ({})", f.id, f.class.describe())
            }
        })
        .collect();
    Ok(Next {
        record,
        carried: carried_ids,
        not_carried,
    })
}

/// Every id number the previous record gave, by prefix: those it remembers having given
/// and those it holds (a record made before it remembered them holds the only trace).
fn issued_in(old: &Record) -> std::collections::BTreeMap<String, u64> {
    let mut issued = old.issued.clone();
    let ids = old.findings.iter().map(|f| f.id.as_str()).chain(
        old.findings
            .iter()
            .flat_map(|f| &f.actions)
            .map(|a| a.id.as_str()),
    );
    for id in ids {
        if let Some((prefix, n)) = id.rsplit_once('-')
            && let Ok(n) = n.parse::<u64>()
        {
            let last = issued.entry(prefix.to_owned()).or_default();
            *last = (*last).max(n);
        }
    }
    issued
}

/// A location relative to the previous record's folder, as the new record's folder names
/// it: relative when the file is inside it, else absolute.
fn rebased(location: &str, old_folder: &Path, new_folder: &Path) -> String {
    let (old, new) = (
        evidence::absolute(old_folder),
        evidence::absolute(new_folder),
    );
    if old == new {
        return location.to_owned();
    }
    let file: PathBuf = evidence::absolute(&old.join(location));
    match file.strip_prefix(&new) {
        Ok(inside) => inside.to_string_lossy().into_owned(),
        Err(_) => file.to_string_lossy().into_owned(),
    }
}

/// The verifications of a carried finding made in this assessment: dated after the previous
/// sign-off, and not before this assessment's first session (one the previous record made
/// after its sign-off, as follow-up, came along with the finding).
pub fn follow_ups<'a>(record: &Record, f: &'a Finding) -> Vec<&'a Verification> {
    let Some(carried) = &f.carried else {
        return Vec::new();
    };
    let first = record
        .assessment
        .sessions
        .iter()
        .map(|s| s.date.as_str())
        .min();
    f.verifications
        .iter()
        .filter(|v| v.date.as_str() > carried.date.as_str())
        .filter(|v| first.is_none_or(|d| v.date.as_str() >= d))
        .collect()
}

/// One line per nonconformity carried from the previous assessment that this one has not
/// followed up (no verification made in it), saying what to do. A sign-off is refused
/// while any is left.
pub fn carried_not_followed_up(record: &Record) -> Vec<String> {
    record
        .findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
        .filter_map(|f| Some((f, f.carried.as_ref()?)))
        .filter(|(f, _)| follow_ups(record, f).is_empty())
        .map(|(f, c)| {
            let since = if c.date.is_empty() {
                String::new()
            } else {
                format!(", signed off {}", c.date)
            };
            format!(
                "{} ({}) was carried from {}{since} and is not followed up in this assessment: verify its corrective action again (`vse-assess finding verify FILE {} --by NAME --effective|--not-effective --note TEXT --evidence ID`)",
                f.id, f.requirement, c.from, f.id
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{From, next_record, rebased};
    use crate::questionnaire::catalog;
    use crate::record::{Record, Stage};
    use std::path::Path;

    /// A self-assessment signed off, with NC-2 open (action A-4), having given NC-5 once.
    fn signed_off_self_assessment() -> Record {
        toml::from_str(
            r#"schema = 3
[questionnaire]
id = "iso29110-4-2-om"
version = "1.2.0"
sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
[assessment]
vse = "Acme"
kind = "self"
status = "final"
[[assessment.history]]
status = "final"
by = "Ann"
date = "2026-01-10"
[[findings]]
id = "NC-2"
requirement = "7.2.a"
class = "minor"
text = "No plan"
see = ["NC-1"]
plan_due = "2026-02-01"
[[findings.actions]]
id = "A-4"
what = "Write it"
[issued]
NC = 5
"#,
        )
        .unwrap()
    }

    #[test]
    fn a_self_assessment_is_followed_by_one_without_a_stage_and_ids_go_on() {
        let loaded = catalog::embedded("iso29110-4-2-om").unwrap().unwrap();
        let old = signed_off_self_assessment();
        let from = From {
            record: &old,
            file: "self-1.toml",
            path: Path::new("self-1.toml"),
            sha256: "ab",
        };
        let refused = next_record(
            from,
            &loaded,
            Some(Stage::Surveillance),
            Path::new("n.toml"),
        );
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("is a self-assessment"),
            "a self-assessment has no audit stage"
        );
        let next = next_record(from, &loaded, None, Path::new("n.toml")).unwrap();
        let r = &next.record;
        assert_eq!(r.assessment.kind, old.assessment.kind);
        assert_eq!(r.assessment.stage, None);
        assert_eq!(next.carried, ["NC-2"]);
        let nc = r.finding("NC-2").unwrap();
        // What it pointed at was not carried; its plan date was the previous audit's.
        assert!(nc.see.is_empty());
        assert_eq!(nc.plan_due, None);
        assert_eq!(nc.carried.as_ref().unwrap().date, "2026-01-10");
        assert_eq!(
            r.next_finding_id(crate::record::FindingClass::Minor),
            "NC-6"
        );
        assert_eq!(r.next_action_id(), "A-5");
        // Not followed up yet: one line, naming what to run.
        let lines = super::carried_not_followed_up(r);
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].contains("vse-assess finding verify FILE NC-2"),
            "{lines:?}"
        );
    }

    #[test]
    fn an_evidence_location_is_rebased_on_the_new_folder() {
        let (old, new) = (Path::new("/a/2025"), Path::new("/a/2026"));
        assert_eq!(rebased("docs/plan.pdf", old, old), "docs/plan.pdf");
        assert_eq!(rebased("docs/plan.pdf", old, new), "/a/2025/docs/plan.pdf");
        assert_eq!(rebased("../2026/docs/plan.pdf", old, new), "docs/plan.pdf");
    }
}
