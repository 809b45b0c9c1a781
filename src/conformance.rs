//! What the ratings add up to: counts per process, each process's achievement, and whether
//! process conformance (clause 4.2) can be claimed, with every reason it cannot.

use std::collections::HashMap;

use crate::questionnaire::{Process, Questionnaire, Requirement};
use crate::rating::{Judgement, Rating};
use crate::record::{Finding, FindingClass, Lookup, Record};

/// How many requirements of a process stand at each judgement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub n: usize,
    pub p: usize,
    pub l: usize,
    pub f: usize,
    pub na: usize,
    pub not_assessed: usize,
}

impl Counts {
    pub fn add(&mut self, j: Option<Judgement>) {
        match j {
            Some(Judgement::N) => self.n += 1,
            Some(Judgement::P) => self.p += 1,
            Some(Judgement::L) => self.l += 1,
            Some(Judgement::F) => self.f += 1,
            Some(Judgement::NA) => self.na += 1,
            None => self.not_assessed += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.n + self.p + self.l + self.f + self.na + self.not_assessed
    }

    pub fn assessed(&self) -> usize {
        self.total() - self.not_assessed
    }
}

/// The rule used to roll requirement ratings up to a process: the weakest applicable
/// requirement sets the process's achievement, and only once every requirement is assessed.
pub const ROLL_UP_RULE: &str = "A process's achievement is the lowest rating among its applicable requirements (N/A ones left out), given once all of them are assessed.";

/// Heading of [`ProcessSummary::row`], for plain-text tables.
pub const ROW_HEADING: &str =
    "Process                          Done   N  P  L  F N/A Open Achieved";

#[derive(Debug, Clone)]
pub struct ProcessSummary<'q> {
    pub process: &'q Process,
    pub in_scope: bool,
    pub counts: Counts,
    /// `None` while a requirement is unassessed, or when all are N/A.
    pub achievement: Option<Rating>,
}

impl ProcessSummary<'_> {
    /// The achievement as reports show it: the rating, else why there is none.
    pub fn achievement_text(&self) -> String {
        match self.achievement {
            Some(r) => r.to_string(),
            None if self.counts.not_assessed > 0 => "pending".into(),
            None => "N/A".into(),
        }
    }

    /// One plain-text line: id, name, assessed/total, counts per rating, achievement.
    pub fn row(&self) -> String {
        let c = self.counts;
        let name: String = self.process.name.chars().take(28).collect();
        format!(
            "{:<4}{:<29}{:>2}/{:<2} {:>2} {:>2} {:>2} {:>2} {:>3} {:>4} {}{}",
            self.process.id,
            name,
            c.assessed(),
            c.total(),
            c.n,
            c.p,
            c.l,
            c.f,
            c.na,
            c.not_assessed,
            self.achievement.map_or("–".to_string(), |r| r.to_string()),
            if self.in_scope { "" } else { " (out of scope)" }
        )
    }
}

/// Why one requirement stands in the way of a conformance claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    OutOfScope,
    NotAssessed,
    NotApplicable,
    RatedBelow(Rating),
    OpenMajor(usize),
}

impl Blocker {
    pub fn describe(&self, met: &[Rating]) -> String {
        let met: Vec<String> = met.iter().map(|r| r.to_string()).collect();
        match self {
            Blocker::OutOfScope => "its process is outside the assessment scope".into(),
            Blocker::NotAssessed => "not yet assessed".into(),
            Blocker::NotApplicable => {
                "marked not applicable, but every mandatory requirement must be met".into()
            }
            Blocker::RatedBelow(r) => {
                format!("rated {r}; met means {}", met.join(" or "))
            }
            Blocker::OpenMajor(n) => format!(
                "{n} open major nonconformit{}",
                if *n == 1 { "y" } else { "ies" }
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Evaluation<'q> {
    pub processes: Vec<ProcessSummary<'q>>,
    /// Requirement id and reasons, in questionnaire order.
    pub blockers: Vec<(&'q str, Vec<Blocker>)>,
    /// Clause 6 conditions answered "no", and those not answered.
    pub conditions_unmet: Vec<&'q str>,
    pub conditions_unanswered: Vec<&'q str>,
}

impl Evaluation<'_> {
    /// Process conformance can be claimed: nothing blocks and clause 6 holds.
    pub fn claimable(&self) -> bool {
        self.blockers.is_empty()
            && self.conditions_unmet.is_empty()
            && self.conditions_unanswered.is_empty()
    }

    pub fn assessed(&self) -> usize {
        self.processes.iter().map(|p| p.counts.assessed()).sum()
    }

    pub fn total(&self) -> usize {
        self.processes.iter().map(|p| p.counts.total()).sum()
    }
}

/// Open major nonconformities of a requirement: open until their corrective action has been
/// verified effective ([`crate::record::Finding::state`]).
pub fn open_majors(record: &Record, id: &str) -> usize {
    count_open_majors(record.findings_for(id))
}

fn count_open_majors<'r>(findings: impl IntoIterator<Item = &'r Finding>) -> usize {
    findings
        .into_iter()
        .filter(|f| f.class == FindingClass::Major && f.is_open())
        .count()
}

/// How the record measures against the questionnaire's rule, process by process.
pub fn evaluate<'q>(q: &'q Questionnaire, lookup: &Lookup) -> Evaluation<'q> {
    let rule = &q.rule;
    let record = lookup.record();
    let mut blockers = Vec::new();
    // Each process's requirements in questionnaire order, gathered in one pass.
    let mut by_process: HashMap<&str, Vec<&Requirement>> = HashMap::new();
    for req in &q.requirements {
        by_process
            .entry(req.process.as_str())
            .or_default()
            .push(req);
    }
    let processes = q
        .processes
        .iter()
        .map(|process| {
            let in_scope = record.assessment.scope.processes.contains(&process.id);
            let mut counts = Counts::default();
            let mut lowest: Option<Rating> = None;
            for &req in by_process.get(process.id.as_str()).into_iter().flatten() {
                let judgement = record.answer(&req.id).and_then(|a| a.rating);
                counts.add(judgement);
                if let Some(r) = judgement.and_then(Judgement::rating) {
                    lowest = Some(lowest.map_or(r, |l| l.min(r)));
                }
                let mut why = Vec::new();
                if !in_scope {
                    why.push(Blocker::OutOfScope);
                }
                match judgement {
                    None => why.push(Blocker::NotAssessed),
                    Some(Judgement::NA) if rule.not_applicable_blocks => {
                        why.push(Blocker::NotApplicable)
                    }
                    Some(Judgement::NA) => {}
                    Some(j) => {
                        let r = j.rating().expect("not NA");
                        if !rule.met.contains(&r) {
                            why.push(Blocker::RatedBelow(r));
                        }
                    }
                }
                let majors = count_open_majors(lookup.findings_for(&req.id).iter().copied());
                if rule.open_major_blocks && majors > 0 {
                    why.push(Blocker::OpenMajor(majors));
                }
                if !why.is_empty() {
                    blockers.push((req.id.as_str(), why));
                }
            }
            ProcessSummary {
                process,
                in_scope,
                counts,
                achievement: if counts.not_assessed == 0 {
                    lowest
                } else {
                    None
                },
            }
        })
        .collect();
    let mut conditions_unmet = Vec::new();
    let mut conditions_unanswered = Vec::new();
    for c in &q.conditions {
        match record.conditions.get(&c.id) {
            Some(a) if a.met => {}
            Some(_) => conditions_unmet.push(c.id.as_str()),
            None => conditions_unanswered.push(c.id.as_str()),
        }
    }
    Evaluation {
        processes,
        blockers,
        conditions_unmet,
        conditions_unanswered,
    }
}

/// A finding as a conclusion names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingRef<'r> {
    pub id: &'r str,
    pub requirement: &'r str,
    pub class: FindingClass,
    pub text: &'r str,
}

impl FindingRef<'_> {
    /// `NC-1 (7.2.g, major nonconformity): "The plan ..."`, shortened for one line.
    pub fn describe(&self) -> String {
        let text: String = self.text.chars().take(80).collect();
        let more = if self.text.chars().count() > 80 {
            "…"
        } else {
            ""
        };
        format!(
            "{} ({}, {}): \"{}{more}\"",
            self.id,
            self.requirement,
            self.class.describe(),
            text.replace('\n', " ")
        )
    }
}

/// What an assessment concludes. A self-assessment says whether the VSE can claim process
/// conformance; a third-party audit team only recommends, and the certification body decides
/// (ISO/IEC 17021-1 9.5): a report never says that certification is granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conclusion<'r> {
    /// Self-assessment: process conformance can (or cannot) be claimed.
    Claim { claimable: bool },
    /// Audit, not finished: requirements or clause 6 conditions still unanswered.
    NoRecommendationYet {
        not_assessed: usize,
        conditions_unanswered: usize,
    },
    /// Audit: nothing stands in the way.
    Recommend,
    /// Audit: only minor nonconformities are open; certification can be recommended once the
    /// corrective action plan for them is accepted.
    RecommendOncePlanAccepted { minors: Vec<FindingRef<'r>> },
    /// Audit: open major nonconformities, or shortfalls no nonconformity covers. `minors`
    /// are the open minor nonconformities, whose corrective action plans are still due too.
    DoNotRecommend {
        majors: Vec<FindingRef<'r>>,
        other: Vec<String>,
        minors: Vec<FindingRef<'r>>,
    },
}

impl Conclusion<'_> {
    /// The conclusion in one sentence, for the clause that defines the claim (`4.2`).
    pub fn headline(&self, clause: &str) -> String {
        match self {
            Conclusion::Claim { claimable: true } => {
                format!("Process conformance (clause {clause}) can be claimed.")
            }
            Conclusion::Claim { claimable: false } => {
                format!("Process conformance (clause {clause}) cannot be claimed yet.")
            }
            Conclusion::NoRecommendationYet { .. } => {
                "No recommendation yet: the audit is not complete.".into()
            }
            Conclusion::Recommend => {
                "The audit team recommends certification to the certification body.".into()
            }
            Conclusion::RecommendOncePlanAccepted { .. } => "The audit team recommends certification once the corrective action plan for the open minor nonconformities is accepted.".into(),
            Conclusion::DoNotRecommend { majors, other, .. } => format!(
                "The audit team does not recommend certification until {}.",
                match (majors.is_empty(), other.is_empty()) {
                    (false, true) => "the major nonconformities are closed and verified",
                    (false, false) => "the major nonconformities are closed and verified and the shortfalls below are resolved",
                    _ => "the shortfalls below are resolved",
                }
            ),
        }
    }

    /// Why, one line each: the findings named, the other reasons.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            Conclusion::Claim { .. } | Conclusion::Recommend => Vec::new(),
            Conclusion::NoRecommendationYet {
                not_assessed,
                conditions_unanswered,
            } => {
                let mut r = Vec::new();
                if *not_assessed > 0 {
                    r.push(format!("{not_assessed} requirement(s) not yet assessed"));
                }
                if *conditions_unanswered > 0 {
                    r.push(format!(
                        "{conditions_unanswered} clause 6 condition(s) not answered"
                    ));
                }
                r
            }
            Conclusion::RecommendOncePlanAccepted { minors } => {
                minors.iter().map(FindingRef::describe).collect()
            }
            Conclusion::DoNotRecommend {
                majors,
                other,
                minors,
            } => {
                majors
                    .iter()
                    .map(FindingRef::describe)
                    .chain(other.iter().cloned())
                    .chain(minors.iter().map(|m| {
                        format!("{} (its corrective action plan is also due)", m.describe())
                    }))
                    .collect()
            }
        }
    }

    /// Whether the conclusion lets the VSE go on to certification as it stands.
    pub fn favourable(&self) -> bool {
        matches!(
            self,
            Conclusion::Claim { claimable: true }
                | Conclusion::Recommend
                | Conclusion::RecommendOncePlanAccepted { .. }
        )
    }
}

/// Nonconformities of one class still open (not verified effective), in requirement order;
/// one raised under several requirements is named once, under the first.
fn open_nonconformities<'r>(
    q: &Questionnaire,
    lookup: &Lookup<'r>,
    class: FindingClass,
) -> Vec<FindingRef<'r>> {
    let mut named = std::collections::HashSet::new();
    q.requirements
        .iter()
        .flat_map(|req| lookup.findings_for(&req.id).to_vec())
        .filter(|f| f.class == class && f.is_open())
        .filter(|f| named.insert(std::ptr::from_ref(*f)))
        .map(|f| FindingRef {
            id: &f.id,
            requirement: &f.requirement,
            class,
            text: &f.text,
        })
        .collect()
}

/// The conclusion the record supports (see [`Conclusion`]).
pub fn conclude<'r>(q: &Questionnaire, lookup: &Lookup<'r>) -> Conclusion<'r> {
    let record = lookup.record();
    let eval = evaluate(q, lookup);
    if record.assessment.kind != crate::record::Kind::Audit {
        return Conclusion::Claim {
            claimable: eval.claimable(),
        };
    }
    let not_assessed = eval.total() - eval.assessed();
    if not_assessed > 0 || !eval.conditions_unanswered.is_empty() {
        return Conclusion::NoRecommendationYet {
            not_assessed,
            conditions_unanswered: eval.conditions_unanswered.len(),
        };
    }
    let majors = if q.rule.open_major_blocks {
        open_nonconformities(q, lookup, FindingClass::Major)
    } else {
        Vec::new()
    };
    let mut other: Vec<String> = eval
        .conditions_unmet
        .iter()
        .map(|c| format!("clause 6 condition {c} is not met"))
        .collect();
    for (id, why) in &eval.blockers {
        // Only an open nonconformity settles a rating below met: once it is closed, the
        // rating is to be revised (or another nonconformity raised).
        let has_nc = lookup
            .findings_for(id)
            .iter()
            .any(|f| f.class.is_nonconformity() && f.is_open());
        for b in why {
            match b {
                // A rating below met is for the open nonconformity raised on it to settle.
                Blocker::RatedBelow(_) if has_nc => {}
                Blocker::OpenMajor(_) => {}
                Blocker::RatedBelow(r) => other.push(format!(
                    "{id}: rated {r} with no open nonconformity for the VSE to correct"
                )),
                b => other.push(format!("{id}: {}", b.describe(&q.rule.met))),
            }
        }
    }
    let minors = open_nonconformities(q, lookup, FindingClass::Minor);
    if !majors.is_empty() || !other.is_empty() {
        return Conclusion::DoNotRecommend {
            majors,
            other,
            minors,
        };
    }
    if minors.is_empty() {
        Conclusion::Recommend
    } else {
        Conclusion::RecommendOncePlanAccepted { minors }
    }
}

/// Where ratings and findings disagree, one line per requirement. They do not block; they
/// stay until the rating or the findings change.
pub fn consistency_warnings<'q>(q: &'q Questionnaire, lookup: &Lookup) -> Vec<(&'q str, String)> {
    let met = &q.rule.met;
    let record = lookup.record();
    q.requirements
        .iter()
        .filter_map(|req| {
            let a = record.answer(&req.id)?;
            let rating = a.rating.and_then(Judgement::rating)?;
            let recorded: Vec<_> = lookup
                .findings_for(&req.id)
                .iter()
                .filter(|f| f.class.is_nonconformity())
                .collect();
            let ncs = recorded.iter().filter(|f| f.is_open()).count();
            let mut why = Vec::new();
            if !met.contains(&rating) && recorded.is_empty() {
                why.push(format!(
                    "rated {rating} (below met) but no nonconformity is recorded, so the VSE has nothing to correct"
                ));
            }
            if met.contains(&rating) {
                if ncs > 0 {
                    why.push(format!(
                        "rated {rating} (met) while {ncs} nonconformit{} stand(s) on it",
                        if ncs == 1 { "y" } else { "ies" }
                    ));
                }
                if lookup.evidence_for(&req.id).is_empty() && a.interviewed.is_empty() {
                    why.push(format!(
                        "rated {rating} with no evidence linked and no one interviewed"
                    ));
                }
                if !req.facets.is_empty() && a.facets.is_empty() {
                    why.push(format!("rated {rating} with every facet not checked"));
                }
            }
            (!why.is_empty()).then(|| (req.id.as_str(), why.join("; ")))
        })
        .collect()
}
