//! Two assessments of the same profile side by side (last year's and this year's, say): what
//! each requirement was rated then and now, which findings were closed and which are new,
//! which corrective actions are carried over, and how each process's achievement moved.
//! Requirements and processes are matched by id across questionnaire versions; what only one
//! version has is listed, never dropped. Two records are compared only when they are of the
//! same VSE and the earlier is not dated after the later ([`mismatches`]), unless forced.

use crate::conformance::{self, Conclusion, ProcessSummary};
use crate::questionnaire::Questionnaire;
use crate::rating::Judgement;
use crate::record::{Action, ActionStatus, Finding, FindingState, Record};

/// One assessment: a record and the questionnaire it was loaded with.
#[derive(Debug, Clone, Copy)]
pub struct Assessment<'a> {
    pub record: &'a Record,
    pub questionnaire: &'a Questionnaire,
}

impl<'a> Assessment<'a> {
    fn judgement(&self, requirement: &str) -> Option<Judgement> {
        self.record.answer(requirement).and_then(|a| a.rating)
    }

    /// The finding with the same id about the same requirement: an id alone may have been
    /// given to another finding since.
    fn matching(&self, f: &Finding) -> Option<&'a Finding> {
        self.record
            .findings
            .iter()
            .find(|g| g.id == f.id && g.requirement == f.requirement)
    }
}

/// Which of the two assessments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Old,
    New,
}

/// How a requirement's judgement moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Improved,
    Regressed,
    Unchanged,
    NewlyRated,
    NoLongerRated,
    /// Rated then, not applicable now.
    NowNotApplicable,
    /// Not applicable then, rated now.
    NoLongerNotApplicable,
}

impl Change {
    fn of(old: Option<Judgement>, new: Option<Judgement>) -> Change {
        match (old, new) {
            _ if old == new => Change::Unchanged,
            (None, Some(_)) => Change::NewlyRated,
            (Some(_), None) => Change::NoLongerRated,
            (Some(_), Some(Judgement::NA)) => Change::NowNotApplicable,
            (Some(Judgement::NA), Some(_)) => Change::NoLongerNotApplicable,
            (Some(a), Some(b)) if b.rating() > a.rating() => Change::Improved,
            _ => Change::Regressed,
        }
    }

    pub const ALL: [Change; 7] = [
        Change::Improved,
        Change::Regressed,
        Change::Unchanged,
        Change::NewlyRated,
        Change::NoLongerRated,
        Change::NowNotApplicable,
        Change::NoLongerNotApplicable,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Change::Improved => "improved",
            Change::Regressed => "regressed",
            Change::Unchanged => "unchanged",
            Change::NewlyRated => "newly rated",
            Change::NoLongerRated => "no longer rated",
            Change::NowNotApplicable => "now not applicable",
            Change::NoLongerNotApplicable => "no longer not applicable",
        }
    }
}

/// A requirement both questionnaire versions have.
#[derive(Debug, Clone)]
pub struct RequirementChange<'a> {
    pub id: &'a str,
    pub old: Option<Judgement>,
    pub new: Option<Judgement>,
    pub change: Change,
}

/// A requirement or a process only one questionnaire version has: nothing to compare it with.
#[derive(Debug, Clone)]
pub struct Unmatched<'a> {
    pub kind: UnmatchedKind,
    pub id: &'a str,
    pub only_in: Which,
    /// The requirement's judgement, or the process's achievement, in that assessment.
    pub standing: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmatchedKind {
    Requirement,
    Process,
}

/// A process both questionnaire versions have, as [`conformance::evaluate`] sums it up in
/// each assessment.
#[derive(Debug, Clone)]
pub struct ProcessChange<'a> {
    pub old: ProcessSummary<'a>,
    pub new: ProcessSummary<'a>,
}

impl ProcessChange<'_> {
    /// How the achievement moved; an achievement not given (a requirement unassessed, or all
    /// not applicable) counts as not rated.
    pub fn change(&self) -> Change {
        let judgement = |p: &ProcessSummary| p.achievement.map(Judgement::from);
        Change::of(judgement(&self.old), judgement(&self.new))
    }
}

/// A finding of the old record that the new one holds verified closed, or that was closed
/// already in the old one and is no longer in the new.
#[derive(Debug, Clone)]
pub struct Closed<'a> {
    pub finding: &'a Finding,
    /// The same finding in the new record, verified closed there; `None` when the new record
    /// no longer holds it (it was closed in the old one).
    pub now: Option<&'a Finding>,
}

/// A finding in both records and not closed in the new one: a nonconformity still open, or
/// another finding still recorded.
#[derive(Debug, Clone)]
pub struct Kept<'a> {
    pub old: &'a Finding,
    pub new: &'a Finding,
}

/// A corrective action of an old nonconformity that is still open, or that the new record
/// holds too.
#[derive(Debug, Clone)]
pub struct Carried<'a> {
    pub finding: &'a Finding,
    pub action: &'a Action,
    /// The same action in the new record; `None` when the new record no longer holds it.
    pub now: Option<&'a Action>,
}

#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    pub old: Assessment<'a>,
    pub new: Assessment<'a>,
    pub old_conclusion: Conclusion<'a>,
    pub new_conclusion: Conclusion<'a>,
    /// Processes of both versions, in the new questionnaire's order.
    pub processes: Vec<ProcessChange<'a>>,
    /// Requirements of both versions, in the new questionnaire's order.
    pub requirements: Vec<RequirementChange<'a>>,
    /// Only in the old version, then only in the new, processes before requirements.
    pub unmatched: Vec<Unmatched<'a>>,
    /// Every finding of the old record is closed, kept or not followed up.
    pub closed: Vec<Closed<'a>>,
    pub kept: Vec<Kept<'a>>,
    /// Findings of the old record, not closed there, that the new record does not hold:
    /// nothing shows they were dealt with, so they are never counted as closed.
    pub not_followed_up: Vec<&'a Finding>,
    /// Findings of the new record that the old one does not have.
    pub new_findings: Vec<&'a Finding>,
    pub carried: Vec<Carried<'a>>,
}

/// Why two assessments cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the assessments are of different profiles (questionnaire `{old}`, then `{new}`); only assessments with the same questionnaire id can be compared"
)]
pub struct DifferentProfiles {
    pub old: String,
    pub new: String,
}

/// Why two records should not be compared as an earlier and a later assessment of one VSE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The VSE names differ (trimmed, case and inner whitespace aside).
    DifferentVse { old: String, new: String },
    /// The earlier record is dated after the later one.
    OldAfterNew { old: String, new: String },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mismatch::DifferentVse { old, new } => {
                write!(f, "they are of different VSEs (`{old}`, then `{new}`)")
            }
            Mismatch::OldAfterNew { old, new } => write!(
                f,
                "the earlier one is dated {old}, after the later one ({new}); give the older record first"
            ),
        }
    }
}

/// A VSE name as compared: trimmed, lower case, inner whitespace collapsed to one space.
pub fn normalised_vse(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The date a record is of: its latest session's date, else the date of its last sign-off;
/// `None` when it has neither.
pub fn record_date(record: &Record) -> Option<&str> {
    let meta = &record.assessment;
    meta.sessions
        .iter()
        .map(|s| s.date.trim())
        .filter(|d| !d.is_empty())
        .max()
        .or_else(|| {
            meta.history
                .iter()
                .rev()
                .find(|c| c.status == crate::record::Status::Final)
                .map(|c| c.date.trim())
                .filter(|d| !d.is_empty())
        })
}

/// What stands against comparing `old` with `new` as the earlier and the later assessment of
/// one VSE: different VSE names, or the earlier record dated after the later (when either has
/// no date, the order is not judged). Dates are ISO 8601, so they compare as text.
pub fn mismatches(old: &Record, new: &Record) -> Vec<Mismatch> {
    let mut found = Vec::new();
    let (a, b) = (&old.assessment.vse, &new.assessment.vse);
    if normalised_vse(a) != normalised_vse(b) {
        found.push(Mismatch::DifferentVse {
            old: a.trim().to_owned(),
            new: b.trim().to_owned(),
        });
    }
    if let (Some(then), Some(now)) = (record_date(old), record_date(new))
        && then > now
    {
        found.push(Mismatch::OldAfterNew {
            old: then.to_owned(),
            new: now.to_owned(),
        });
    }
    found
}

pub fn compare<'a>(
    old: Assessment<'a>,
    new: Assessment<'a>,
) -> Result<Comparison<'a>, DifferentProfiles> {
    let (oq, nq) = (old.questionnaire, new.questionnaire);
    if oq.questionnaire.id != nq.questionnaire.id {
        return Err(DifferentProfiles {
            old: oq.questionnaire.id.clone(),
            new: nq.questionnaire.id.clone(),
        });
    }
    let (old_lookup, new_lookup) = (old.record.lookup(), new.record.lookup());
    let old_eval = conformance::evaluate(oq, &old_lookup);
    let new_eval = conformance::evaluate(nq, &new_lookup);
    let mut unmatched = Vec::new();
    let mut only_in = |only_in, kind, id, standing| {
        unmatched.push(Unmatched {
            kind,
            id,
            only_in,
            standing,
        })
    };
    for p in &old_eval.processes {
        if nq.process(&p.process.id).is_none() {
            only_in(
                Which::Old,
                UnmatchedKind::Process,
                &p.process.id,
                p.achievement_text(),
            );
        }
    }
    let mut processes = Vec::new();
    for p in &new_eval.processes {
        match old_eval
            .processes
            .iter()
            .find(|o| o.process.id == p.process.id)
        {
            Some(o) => processes.push(ProcessChange {
                old: o.clone(),
                new: p.clone(),
            }),
            None => only_in(
                Which::New,
                UnmatchedKind::Process,
                &p.process.id,
                p.achievement_text(),
            ),
        }
    }
    let judgement = |a: Assessment, id| {
        a.judgement(id)
            .map_or("not assessed".into(), |j| j.to_string())
    };
    for req in &oq.requirements {
        if nq.requirement(&req.id).is_none() {
            only_in(
                Which::Old,
                UnmatchedKind::Requirement,
                &req.id,
                judgement(old, &req.id),
            );
        }
    }
    let mut requirements = Vec::new();
    for req in &nq.requirements {
        if oq.requirement(&req.id).is_none() {
            only_in(
                Which::New,
                UnmatchedKind::Requirement,
                &req.id,
                judgement(new, &req.id),
            );
            continue;
        }
        let (then, now) = (old.judgement(&req.id), new.judgement(&req.id));
        requirements.push(RequirementChange {
            id: &req.id,
            old: then,
            new: now,
            change: Change::of(then, now),
        });
    }
    unmatched.sort_by_key(|u| {
        (
            u.only_in == Which::New,
            u.kind == UnmatchedKind::Requirement,
        )
    });

    let mut closed = Vec::new();
    let mut kept = Vec::new();
    let mut not_followed_up = Vec::new();
    let mut carried = Vec::new();
    for f in &old.record.findings {
        let now = new.matching(f);
        match now {
            None if f.state() == FindingState::Closed => closed.push(Closed {
                finding: f,
                now: None,
            }),
            None => not_followed_up.push(f),
            Some(g) if g.state() == FindingState::Closed => closed.push(Closed {
                finding: f,
                now: Some(g),
            }),
            Some(g) => kept.push(Kept { old: f, new: g }),
        }
        if f.class.is_nonconformity() {
            for a in &f.actions {
                let action_now = now.and_then(|g| g.actions.iter().find(|b| b.id == a.id));
                if action_now.is_some() || a.status == ActionStatus::Open {
                    carried.push(Carried {
                        finding: f,
                        action: a,
                        now: action_now,
                    });
                }
            }
        }
    }
    let new_findings = new
        .record
        .findings
        .iter()
        .filter(|f| old.matching(f).is_none())
        .collect();

    Ok(Comparison {
        old,
        new,
        old_conclusion: conformance::conclude(oq, &old_lookup),
        new_conclusion: conformance::conclude(nq, &new_lookup),
        processes,
        requirements,
        unmatched,
        closed,
        kept,
        not_followed_up,
        new_findings,
        carried,
    })
}

/// The audit cycle from an earlier record to the one made from it with `new --from`: what
/// the later one carried, what was closed, what is new, and what the earlier one left open
/// that the later one dropped.
#[derive(Debug, Clone)]
pub struct Cycle<'a> {
    /// The earlier record as the later one names it.
    pub previous_file: &'a str,
    /// Its sign-off date and stage, as the later record has them.
    pub signed_off: Option<&'a str>,
    pub stage: Option<crate::record::Stage>,
    /// Whether the earlier record's text is still the one the later was made from (`None`:
    /// the later record does not say); a follow-up recorded since changes it.
    pub same_text: Option<bool>,
    /// Findings carried: the earlier record's, and the later's with the same id.
    pub carried: Vec<Kept<'a>>,
    /// Nonconformities closed: in the earlier record (`now` is `None`), or carried and
    /// verified effective in the later one.
    pub closed: Vec<Closed<'a>>,
    /// Findings raised in the later record, with ids the earlier one never had.
    pub new: Vec<&'a Finding>,
    /// Findings of the later record, not carried, with an id the earlier one had: an id
    /// given twice.
    pub reused: Vec<&'a Finding>,
    /// Nonconformities open in the earlier record that the later one does not hold.
    pub dropped: Vec<&'a Finding>,
}

/// A file name as the cycle matches it: its last part.
fn base_name(file: &str) -> &str {
    file.rsplit(['/', '\\']).next().unwrap_or(file)
}

/// The cycle from `c.old` to `c.new`, when the later record was made from the earlier one:
/// its `previous` names `previous_file` (the earlier record's file name), or its carried
/// findings or evidence say they come from it. `previous_sha256` is the earlier record's
/// text's, to say whether it changed since.
pub fn cycle<'a>(
    c: &Comparison<'a>,
    previous_file: &'a str,
    previous_sha256: &str,
) -> Option<Cycle<'a>> {
    let (old, new) = (c.old.record, c.new.record);
    let name = base_name(previous_file);
    let named = |file: &str| !file.is_empty() && base_name(file) == name;
    let previous = new.assessment.previous.as_ref();
    let linked = previous.is_some_and(|p| named(&p.file))
        || new
            .findings
            .iter()
            .filter_map(|f| f.carried.as_ref())
            .any(|m| named(&m.from))
        || new.evidence.iter().any(|e| named(&e.carried_from));
    if !linked {
        return None;
    }
    let in_old = |id: &str| old.findings.iter().find(|f| f.id.eq_ignore_ascii_case(id));
    let in_new = |id: &str| new.findings.iter().find(|f| f.id.eq_ignore_ascii_case(id));
    let mut cycle = Cycle {
        previous_file: previous.map_or(previous_file, |p| p.file.as_str()),
        signed_off: previous.and_then(|p| p.signed_off.as_deref()),
        stage: previous.and_then(|p| p.stage),
        same_text: previous
            .filter(|p| !p.sha256.is_empty())
            .map(|p| p.sha256 == previous_sha256),
        carried: Vec::new(),
        closed: Vec::new(),
        new: Vec::new(),
        reused: Vec::new(),
        dropped: Vec::new(),
    };
    for f in &old.findings {
        match in_new(&f.id) {
            _ if f.class.is_nonconformity() && f.state() == FindingState::Closed => {
                cycle.closed.push(Closed {
                    finding: f,
                    now: None,
                })
            }
            None if f.is_open() => cycle.dropped.push(f),
            _ => {}
        }
    }
    for g in &new.findings {
        match (in_old(&g.id), &g.carried) {
            (Some(f), Some(_)) => {
                cycle.carried.push(Kept { old: f, new: g });
                if g.state() == FindingState::Closed {
                    cycle.closed.push(Closed {
                        finding: f,
                        now: Some(g),
                    });
                }
            }
            (None, _) => cycle.new.push(g),
            (Some(_), None) => cycle.reused.push(g),
        }
    }
    Some(cycle)
}

#[cfg(test)]
mod tests {
    use super::{Change, Mismatch, mismatches, normalised_vse, record_date};
    use crate::rating::Judgement::{self, *};
    use crate::record::Record;

    fn record(vse: &str, rest: &str) -> Record {
        toml::from_str(&format!(
            "schema = 2\n[questionnaire]\nid = \"q\"\nversion = \"1\"\nsha256 = \"\"\n\
             [assessment]\nvse = \"{vse}\"\nkind = \"audit\"\nstatus = \"final\"\n{rest}"
        ))
        .unwrap()
    }

    #[test]
    fn a_record_is_dated_by_its_last_session_else_its_sign_off() {
        let sessions = "[[assessment.sessions]]\ndate = \"2026-03-02\"\n\
                        [[assessment.sessions]]\ndate = \"2026-01-05\"\n";
        let signed =
            "[[assessment.history]]\nstatus = \"final\"\nby = \"A\"\ndate = \"2026-04-01\"\n";
        assert_eq!(record_date(&record("V", sessions)), Some("2026-03-02"));
        assert_eq!(
            record_date(&record("V", &format!("{sessions}{signed}"))),
            Some("2026-03-02")
        );
        assert_eq!(record_date(&record("V", signed)), Some("2026-04-01"));
        assert_eq!(record_date(&record("V", "")), None);
        // Signed off in April, compared with one held in March: refused; undated: never.
        assert_eq!(
            mismatches(&record("V", signed), &record("v ", sessions)),
            vec![Mismatch::OldAfterNew {
                old: "2026-04-01".into(),
                new: "2026-03-02".into()
            }]
        );
        assert!(mismatches(&record("V", signed), &record("V", "")).is_empty());
        assert!(mismatches(&record("V", ""), &record("V", signed)).is_empty());
    }

    #[test]
    fn vse_names_compare_trimmed_caseless_and_with_whitespace_collapsed() {
        assert_eq!(normalised_vse("  Acme \t Soft  Ltd "), "acme soft ltd");
        assert_eq!(
            normalised_vse("ACME Soft Ltd"),
            normalised_vse("acme soft ltd")
        );
        assert_ne!(normalised_vse("Acme Soft"), normalised_vse("AcmeSoft"));
    }

    #[test]
    fn changes_follow_the_scale() {
        let of = |a: Option<Judgement>, b: Option<Judgement>| Change::of(a, b);
        assert_eq!(of(Some(P), Some(L)), Change::Improved);
        assert_eq!(of(Some(F), Some(N)), Change::Regressed);
        assert_eq!(of(Some(L), Some(L)), Change::Unchanged);
        assert_eq!(of(None, None), Change::Unchanged);
        assert_eq!(of(Some(NA), Some(NA)), Change::Unchanged);
        assert_eq!(of(None, Some(F)), Change::NewlyRated);
        assert_eq!(of(None, Some(NA)), Change::NewlyRated);
        assert_eq!(of(Some(N), None), Change::NoLongerRated);
        assert_eq!(of(Some(F), Some(NA)), Change::NowNotApplicable);
        assert_eq!(of(Some(NA), Some(N)), Change::NoLongerNotApplicable);
    }
}
