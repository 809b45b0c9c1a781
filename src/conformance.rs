//! What the ratings add up to: counts per process, each process's achievement, and whether
//! process conformance (clause 4.2) can be claimed, with every reason it cannot.

use std::collections::HashMap;

use crate::questionnaire::{Process, Questionnaire, Requirement};
use crate::rating::{Judgement, Rating};
use crate::record::{Finding, FindingClass, FindingState, Kind, Lookup, Record, Status};

/// Which state of the record a conclusion is drawn from. The audit as found is what the team
/// found and signed off; follow-up (the VSE's response, the actions done, the team's later
/// verifications) never changes it, and is seen only after follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// What was found: verifications made as follow-up (after the sign-off) left out, and,
    /// once the record is final, its actions too (they are the VSE's, and change after the
    /// sign-off): a nonconformity is closed as found only when verified effective during
    /// the audit.
    #[default]
    AsFound,
    /// Everything recorded, follow-up included. A requirement rated below met whose
    /// nonconformities are all closed counts as met after follow-up; its rating, as found,
    /// is never changed.
    AfterFollowUp,
}

/// Where a finding stands in `view` (see [`View`]); after follow-up, as
/// [`Finding::state`] says.
pub fn state_in(record: &Record, f: &Finding, view: View) -> FindingState {
    if !f.class.is_nonconformity() {
        return FindingState::Recorded;
    }
    if view == View::AfterFollowUp {
        return f.state();
    }
    let found = f.verifications.iter().rfind(|v| !v.follow_up);
    if record.assessment.status == Status::Final {
        return match found {
            Some(v) if v.effective => FindingState::Closed,
            Some(_) => FindingState::NotEffective,
            None => FindingState::Open,
        };
    }
    // A draft: the rule of [`Finding::state`], with the last verification made as found.
    let closed = |a: &crate::record::Action| a.status == crate::record::ActionStatus::Closed;
    if !f.actions.iter().all(closed) {
        return FindingState::Open;
    }
    match found {
        Some(v) if !f.actions.iter().all(|a| v.covered(&a.id)) => {
            FindingState::AwaitingVerification
        }
        Some(v) if v.effective => FindingState::Closed,
        Some(_) => FindingState::NotEffective,
        None if !f.actions.is_empty() => FindingState::AwaitingVerification,
        None => FindingState::Open,
    }
}

/// The record as found, for what judges the audit itself (its sign-off checks): the same,
/// less the verifications made as follow-up. `None` when it has none (it is as found).
pub fn as_found_record(record: &Record) -> Option<Record> {
    let follow_up = |f: &Finding| f.verifications.iter().any(|v| v.follow_up);
    if !record.findings.iter().any(follow_up) {
        return None;
    }
    let findings = record
        .findings
        .iter()
        .map(|f| Finding {
            verifications: f
                .verifications
                .iter()
                .filter(|v| !v.follow_up)
                .cloned()
                .collect(),
            ..f.clone()
        })
        .collect();
    Some(Record {
        findings,
        ..record.clone()
    })
}

/// A nonconformity not closed (verified effective) in `view`.
pub fn open_in(record: &Record, f: &Finding, view: View) -> bool {
    !matches!(
        state_in(record, f, view),
        FindingState::Recorded | FindingState::Closed
    )
}

/// When the VSE's plan for a nonconformity is due: its own date, else the assessment's.
pub fn plan_due<'r>(record: &'r Record, f: &'r Finding) -> Option<&'r str> {
    f.plan_due
        .as_deref()
        .or(record.assessment.plan_due.as_deref())
}

/// The latest date the scheme allows for the plan of a nonconformity: its class's limit
/// ([`crate::record::PlanLimits`], 30 days for a major and 90 for a minor unless the record
/// says otherwise) after the sign-off. `None` before the sign-off, or for a finding that is
/// not a nonconformity.
pub fn plan_limit(record: &Record, f: &Finding) -> Option<jiff::civil::Date> {
    let limits = record.assessment.plan_limits.unwrap_or_default();
    let days = match f.class {
        FindingClass::Major => limits.major,
        FindingClass::Minor => limits.minor,
        _ => return None,
    };
    let signed: jiff::civil::Date = record.assessment.sign_off()?.date.parse().ok()?;
    signed
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()
}

/// Whether requirement `id` is met after follow-up though rated below met (or N/A where
/// that is not met): at least one nonconformity cites it, and every one that does is closed.
pub fn met_after_follow_up(lookup: &Lookup, id: &str) -> bool {
    let record = lookup.record();
    let mut ncs = lookup
        .findings_for(id)
        .iter()
        .filter(|f| f.class.is_nonconformity())
        .peekable();
    ncs.peek().is_some() && ncs.all(|f| !open_in(record, f, View::AfterFollowUp))
}

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
pub const ROLL_UP_RULE: &str = "A process's weakest rating is the lowest rating among its applicable requirements (N/A ones left out), given once all of them are assessed.";

/// Heading of [`ProcessSummary::row`], for plain-text tables: requirements still to assess
/// ("To do") and open nonconformities are counted apart; "Weakest" is the lowest rating,
/// once all are assessed.
pub const ROW_HEADING: &str =
    "Process                          Done   N  P  L  F N/A To do Open NCs Weakest";

#[derive(Debug, Clone)]
pub struct ProcessSummary<'q> {
    pub process: &'q Process,
    pub in_scope: bool,
    pub counts: Counts,
    /// Nonconformities of the process not yet verified closed, each once.
    pub open_nonconformities: usize,
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

    /// One plain-text line under [`ROW_HEADING`]: id, name, assessed/total, counts per
    /// rating, to do, open nonconformities, the weakest rating.
    pub fn row(&self) -> String {
        let c = self.counts;
        let name: String = self.process.name.chars().take(28).collect();
        format!(
            "{:<4}{:<29}{:>2}/{:<2} {:>2} {:>2} {:>2} {:>2} {:>3} {:>5} {:>8} {}{}",
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
            self.open_nonconformities,
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
    /// Nonconformities not yet verified closed, major and minor: any class blocks.
    OpenNonconformities {
        major: usize,
        minor: usize,
    },
    /// Rated met with no evidence linked and no one interviewed: nothing shows it.
    NothingBehind,
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
            Blocker::OpenNonconformities { major, minor } => {
                let n = major + minor;
                let classes = match (major, minor) {
                    (_, 0) => format!("{major} open major"),
                    (0, _) => format!("{minor} open minor"),
                    _ => format!("{major} open major and {minor} minor"),
                };
                format!("{classes} nonconformit{}", if n == 1 { "y" } else { "ies" })
            }
            Blocker::NothingBehind => "no evidence linked and no one interviewed".into(),
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

/// The nonconformity that settles a rating below met, at least: a major for N and P (and,
/// in an audit, for N/A, as every requirement of the profile is mandatory), a minor for any
/// other rating below met; `None` for a rating that is met (or N/A in a self-assessment,
/// which the claim's rule handles).
pub fn weight_needed(q: &Questionnaire, kind: Kind, judgement: Judgement) -> Option<FindingClass> {
    match judgement.rating() {
        None if kind == Kind::Audit && q.rule.not_applicable_blocks => Some(FindingClass::Major),
        None => None,
        Some(r) if q.rule.met.contains(&r) => None,
        Some(r) if r <= Rating::P => Some(FindingClass::Major),
        Some(_) => Some(FindingClass::Minor),
    }
}

/// What to say when a requirement is marked N/A, where the rule makes N/A not met.
pub fn not_applicable_note(q: &Questionnaire, kind: Kind) -> Option<&'static str> {
    match kind {
        _ if !q.rule.not_applicable_blocks => None,
        Kind::Audit => Some(
            "N/A still blocks the claim: every requirement of the profile is mandatory, so in an audit N/A counts as not met and needs a major nonconformity",
        ),
        Kind::SelfAssessment => {
            Some("N/A still blocks the claim: every requirement of the profile is mandatory")
        }
    }
}

/// Rated met with nothing behind it: no evidence linked and no one interviewed.
fn nothing_behind(lookup: &Lookup, id: &str) -> bool {
    lookup.evidence_for(id).is_empty()
        && lookup
            .record()
            .answer(id)
            .is_none_or(|a| a.interviewed.is_empty())
}

/// How the record measures against the questionnaire's rule, process by process, as found.
pub fn evaluate<'q>(q: &'q Questionnaire, lookup: &Lookup) -> Evaluation<'q> {
    evaluate_in(q, lookup, View::AsFound)
}

/// As [`evaluate`], in `view`: after follow-up, nonconformities closed since the sign-off are
/// closed, and a requirement rated below met with all its nonconformities closed is met.
pub fn evaluate_in<'q>(q: &'q Questionnaire, lookup: &Lookup, view: View) -> Evaluation<'q> {
    let rule = &q.rule;
    let is_open = |f: &Finding| open_in(lookup.record(), f, view);
    let settled = |id: &str| view == View::AfterFollowUp && met_after_follow_up(lookup, id);
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
            // One raised under two requirements of the process counts once.
            let mut open_ncs = std::collections::HashSet::new();
            for &req in by_process.get(process.id.as_str()).into_iter().flatten() {
                let judgement = record.answer(&req.id).and_then(|a| a.rating);
                counts.add(judgement);
                open_ncs.extend(
                    lookup
                        .findings_for(&req.id)
                        .iter()
                        .filter(|f| f.class.is_nonconformity() && is_open(f))
                        .map(|f| f.id.as_str()),
                );
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
                        if !settled(&req.id) {
                            why.push(Blocker::NotApplicable)
                        }
                    }
                    Some(Judgement::NA) => {}
                    Some(j) => {
                        let r = j.rating().expect("not NA");
                        if !rule.met.contains(&r) {
                            if !settled(&req.id) {
                                why.push(Blocker::RatedBelow(r));
                            }
                        } else if nothing_behind(lookup, &req.id) {
                            why.push(Blocker::NothingBehind);
                        }
                    }
                }
                // Any nonconformity still open stands in the way, whatever its class.
                let open = |class| {
                    lookup
                        .findings_for(&req.id)
                        .iter()
                        .filter(|f| f.class == class && is_open(f))
                        .count()
                };
                let (major, minor) = (open(FindingClass::Major), open(FindingClass::Minor));
                if major + minor > 0 {
                    why.push(Blocker::OpenNonconformities { major, minor });
                }
                if !why.is_empty() {
                    blockers.push((req.id.as_str(), why));
                }
            }
            ProcessSummary {
                process,
                in_scope,
                counts,
                open_nonconformities: open_ncs.len(),
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
    /// Its requirement, then those it is also raised under.
    pub requirements: Vec<&'r str>,
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
            self.requirements.join(", "),
            self.class.describe(),
            text.replace('\n', " ")
        )
    }
}

/// What an assessment concludes. A self-assessment says whether the VSE can claim process
/// conformance; a third-party audit team only recommends, and the certification body decides
/// (ISO/IEC 17021-1 9.5): a report never says that certification is granted. An audit's
/// recommendation rests on its nonconformities only: whatever else is amiss (a requirement
/// not assessed, a rating its findings do not carry) means no recommendation yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conclusion<'r> {
    /// Self-assessment: process conformance can (or cannot) be claimed.
    Claim { claimable: bool },
    /// A clause 6 condition is answered no: the profile is not the one for this VSE, and
    /// neither a claim nor a recommendation to it can follow.
    ProfileDoesNotApply { conditions: Vec<String> },
    /// Audit, not finished: requirements or clause 6 conditions unanswered, or consistency
    /// warnings standing (one line each).
    NoRecommendationYet {
        not_assessed: usize,
        conditions_unanswered: usize,
        warnings: Vec<String>,
    },
    /// Audit, complete, but what it covered or found cannot support a recommendation for
    /// the profile: processes out of its scope, objectives the team states were not met, a
    /// scope it states was not appropriate (one line each).
    NoRecommendation { reasons: Vec<String> },
    /// Audit: nothing stands in the way. After follow-up, minor nonconformities may still be
    /// open with their plan accepted by the team ([`minors_with_plan_accepted`]).
    Recommend,
    /// Audit: only minor nonconformities are open; certification can be recommended once the
    /// corrective action plan for them is accepted. After follow-up, `minors` are those whose
    /// plan the team has not accepted yet.
    RecommendOncePlanAccepted { minors: Vec<FindingRef<'r>> },
    /// Audit: open major nonconformities. `minors` are the open minor nonconformities, whose
    /// corrective action plans are still due too (after follow-up, those whose plan the team
    /// has not accepted yet).
    DoNotRecommend {
        majors: Vec<FindingRef<'r>>,
        minors: Vec<FindingRef<'r>>,
    },
}

impl Conclusion<'_> {
    /// The conclusion in one sentence, for the clause that defines the claim (`4.2`).
    pub fn headline(&self, clause: &str) -> String {
        match self {
            Conclusion::Claim { claimable: true } => format!(
                "Process conformance (clause {clause}) can be claimed for the profile's part: every clause 7 requirement is rated met, with evidence or an interview behind it and no nonconformity open; the base-standard part of clause {clause} was not assessed."
            ),
            Conclusion::Claim { claimable: false } => {
                format!("Process conformance (clause {clause}) cannot be claimed yet.")
            }
            Conclusion::ProfileDoesNotApply { conditions } => format!(
                "The profile does not apply to this VSE: clause 6 condition{} {} {} not met, so {}.",
                if conditions.len() == 1 { "" } else { "s" },
                conditions.join(", "),
                if conditions.len() == 1 { "is" } else { "are" },
                "neither a conformance claim nor a recommendation for certification to it can follow"
            ),
            Conclusion::NoRecommendationYet {
                not_assessed,
                conditions_unanswered,
                warnings,
            } => {
                let incomplete = *not_assessed > 0 || *conditions_unanswered > 0;
                match (incomplete, warnings.is_empty()) {
                    (true, true) => "No recommendation yet: the audit is not complete.".into(),
                    (false, _) => "No recommendation yet: ratings and findings disagree (the consistency warnings below), and the recommendation rests on the nonconformities.".into(),
                    (true, false) => "No recommendation yet: the audit is not complete, and ratings and findings disagree (the consistency warnings below).".into(),
                }
            }
            Conclusion::NoRecommendation { .. } => "No recommendation for certification: the audit cannot support one for the whole profile, for the reasons below.".into(),
            Conclusion::Recommend => {
                "The audit team recommends certification to the certification body.".into()
            }
            Conclusion::RecommendOncePlanAccepted { .. } => "The audit team recommends certification once the corrective action plan for the open minor nonconformities is accepted.".into(),
            Conclusion::DoNotRecommend { .. } => "The audit team does not recommend certification until the major nonconformities are closed and verified.".into(),
        }
    }

    /// Why, one line each: the findings named, the other reasons.
    pub fn reasons(&self) -> Vec<String> {
        match self {
            Conclusion::Claim { .. } | Conclusion::Recommend => Vec::new(),
            Conclusion::ProfileDoesNotApply { conditions } => conditions
                .iter()
                .map(|c| format!("clause 6 condition {c} is answered no"))
                .collect(),
            Conclusion::NoRecommendation { reasons } => reasons.clone(),
            Conclusion::NoRecommendationYet {
                not_assessed,
                conditions_unanswered,
                warnings,
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
                r.extend(warnings.iter().cloned());
                r
            }
            Conclusion::RecommendOncePlanAccepted { minors } => {
                minors.iter().map(FindingRef::describe).collect()
            }
            Conclusion::DoNotRecommend { majors, minors } => {
                majors
                    .iter()
                    .map(FindingRef::describe)
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

/// Whether the audit team has accepted the VSE's plan for a nonconformity: it has at least
/// one action, and every one of them is accepted ([`crate::record::Action::accepted`]).
pub fn plan_accepted(f: &Finding) -> bool {
    !f.actions.is_empty() && f.actions.iter().all(|a| a.accepted.is_some())
}

/// Nonconformities of one class still open (not verified effective), in requirement order;
/// one raised under several requirements is named once, under the first.
fn open_nonconformities<'r>(
    q: &Questionnaire,
    lookup: &Lookup<'r>,
    class: FindingClass,
    view: View,
) -> Vec<&'r Finding> {
    let record = lookup.record();
    let mut named = std::collections::HashSet::new();
    q.requirements
        .iter()
        .flat_map(|req| lookup.findings_for(&req.id).to_vec())
        .filter(|f| f.class == class && open_in(record, f, view))
        .filter(|f| named.insert(std::ptr::from_ref(*f)))
        .collect()
}

fn finding_ref(f: &Finding) -> FindingRef<'_> {
    FindingRef {
        id: &f.id,
        requirements: f.requirements().collect(),
        class: f.class,
        text: &f.text,
    }
}

/// After follow-up, the minor nonconformities still open whose plan the audit team has
/// accepted ([`plan_accepted`]), in requirement order: they stay open, to be verified at the
/// next audit, but no longer keep the recommendation conditional. Empty as found: the
/// conclusion as issued is what the team found at the sign-off.
pub fn minors_with_plan_accepted<'r>(
    q: &Questionnaire,
    lookup: &Lookup<'r>,
    view: View,
) -> Vec<FindingRef<'r>> {
    if view == View::AsFound {
        return Vec::new();
    }
    open_nonconformities(q, lookup, FindingClass::Minor, view)
        .into_iter()
        .filter(|f| plan_accepted(f))
        .map(finding_ref)
        .collect()
}

/// The conclusion the record supports as found (see [`Conclusion`]): for a final record,
/// the conclusion as issued.
pub fn conclude<'r>(q: &Questionnaire, lookup: &Lookup<'r>) -> Conclusion<'r> {
    conclude_in(q, lookup, View::AsFound)
}

/// As [`conclude`], in `view`. The consistency warnings are judged as found in either view:
/// after follow-up, a rating below met whose nonconformities are closed is what was found,
/// not a disagreement. After follow-up, an open minor nonconformity whose plan the team has
/// accepted ([`plan_accepted`]) no longer keeps the recommendation conditional; as found,
/// the conclusion is the one issued, acceptance or not.
pub fn conclude_in<'r>(q: &Questionnaire, lookup: &Lookup<'r>, view: View) -> Conclusion<'r> {
    let record = lookup.record();
    let eval = evaluate_in(q, lookup, view);
    if !eval.conditions_unmet.is_empty() {
        return Conclusion::ProfileDoesNotApply {
            conditions: eval
                .conditions_unmet
                .iter()
                .map(|c| c.to_string())
                .collect(),
        };
    }
    let warnings: Vec<String> = consistency_warnings(q, lookup)
        .into_iter()
        .map(|(id, why)| format!("{id}: {why}"))
        .collect();
    if record.assessment.kind != Kind::Audit {
        // A gap is a gap: a claim needs every requirement met and nothing warned about.
        return Conclusion::Claim {
            claimable: eval.claimable() && warnings.is_empty(),
        };
    }
    let not_assessed = eval.total() - eval.assessed();
    if not_assessed > 0 || !eval.conditions_unanswered.is_empty() || !warnings.is_empty() {
        return Conclusion::NoRecommendationYet {
            not_assessed,
            conditions_unanswered: eval.conditions_unanswered.len(),
            warnings,
        };
    }
    let meta = &record.assessment;
    let mut standing: Vec<String> = eval
        .processes
        .iter()
        .filter(|p| !p.in_scope)
        .map(|p| {
            format!(
                "process {} is outside the audit scope: a recommendation covers the whole profile",
                p.process.id
            )
        })
        .collect();
    if meta.objectives_met == Some(false) {
        standing.push("the audit team states that the audit objectives were not met".into());
    }
    if meta.scope_appropriate == Some(false) {
        standing.push("the audit team states that the audit scope was not appropriate".into());
    }
    if !standing.is_empty() {
        return Conclusion::NoRecommendation { reasons: standing };
    }
    let majors: Vec<FindingRef<'r>> = open_nonconformities(q, lookup, FindingClass::Major, view)
        .into_iter()
        .map(finding_ref)
        .collect();
    // After follow-up, a minor whose plan the team accepted stays open (it is verified at the
    // next audit) but no longer waits for its plan ([`minors_with_plan_accepted`]).
    let minors: Vec<FindingRef<'r>> = open_nonconformities(q, lookup, FindingClass::Minor, view)
        .into_iter()
        .filter(|f| view == View::AsFound || !plan_accepted(f))
        .map(finding_ref)
        .collect();
    if !majors.is_empty() {
        Conclusion::DoNotRecommend { majors, minors }
    } else if minors.is_empty() {
        Conclusion::Recommend
    } else {
        Conclusion::RecommendOncePlanAccepted { minors }
    }
}

/// Where a rating and what it rests on disagree, one line per requirement: a rating below
/// met that no open nonconformity of its weight settles ([`weight_needed`]), a met rating
/// with a nonconformity open or nothing behind it, a rating more than one band from what its
/// checked facets suggest, a nonconformity that cites no evidence and no interview. They
/// stay until the rating or the findings change; an audit is not signed off while any
/// stands, a self-assessment lists them as gaps. Always judged as found ([`View::AsFound`]).
pub fn consistency_warnings<'q>(q: &'q Questionnaire, lookup: &Lookup) -> Vec<(&'q str, String)> {
    let record = lookup.record();
    q.requirements
        .iter()
        .filter_map(|req| {
            let ncs: Vec<&Finding> = lookup
                .findings_for(&req.id)
                .iter()
                .copied()
                .filter(|f| f.class.is_nonconformity())
                .collect();
            let mut why = Vec::new();
            if let Some(a) = record.answer(&req.id)
                && let Some(judgement) = a.rating
            {
                why = rating_disagreements(q, lookup, req, a, judgement, &ncs);
            }
            for f in ncs.iter().filter(|f| f.requirement == req.id) {
                if f.evidence.is_empty() && f.interviewed.is_empty() {
                    why.push(format!("{} cites no evidence and no one interviewed", f.id));
                }
            }
            (!why.is_empty()).then(|| (req.id.as_str(), why.join("; ")))
        })
        .collect()
}

/// Where a rated requirement's rating disagrees with its nonconformities, its evidence or
/// its checked facets (see [`consistency_warnings`]).
fn rating_disagreements(
    q: &Questionnaire,
    lookup: &Lookup,
    req: &Requirement,
    a: &crate::record::Answer,
    judgement: Judgement,
    ncs: &[&Finding],
) -> Vec<String> {
    let record = lookup.record();
    let kind = record.assessment.kind;
    let is_open = |f: &&&Finding| open_in(record, f, View::AsFound);
    let open = |class: FindingClass| ncs.iter().filter(is_open).any(|f| f.class == class);
    let any_open = ncs.iter().filter(is_open).count();
    let mut why = Vec::new();
    let rated = match judgement.rating() {
        Some(r) => format!("rated {r}"),
        None => "marked N/A".to_string(),
    };
    match weight_needed(q, kind, judgement) {
        Some(FindingClass::Major) if !open(FindingClass::Major) => why.push(if judgement == Judgement::NA {
            "marked N/A, but every requirement of the profile is mandatory: in an audit N/A is not met, and needs a major nonconformity or a rating".to_string()
        } else if open(FindingClass::Minor) {
            format!("{rated} (not met) with only minor nonconformities open: raise one to major or change the rating")
        } else if !ncs.is_empty() {
            format!("{rated} (not met) while its nonconformities are verified closed: revise the rating")
        } else {
            format!("{rated} (not met) with no nonconformity: raise a major one or change the rating")
        }),
        Some(_) if any_open == 0 => why.push(if ncs.is_empty() {
            format!("{rated} (below met) with no nonconformity: raise a minor one or change the rating")
        } else {
            format!("{rated} (below met) while its nonconformities are verified closed: revise the rating")
        }),
        Some(_) => {}
        None => {
            if judgement.rating().is_some() {
                if any_open > 0 {
                    why.push(format!(
                        "{rated} (met) while {any_open} nonconformit{} open on it",
                        if any_open == 1 { "y is" } else { "ies are" }
                    ));
                }
                if nothing_behind(lookup, &req.id) {
                    why.push(format!(
                        "{rated} with no evidence linked and no one interviewed"
                    ));
                }
            }
        }
    }
    if let (Some(r), Some(s)) = (judgement.rating(), a.suggested(req, &q.scale)) {
        let band = |x: Rating| Rating::ALL.iter().position(|&y| y == x).unwrap_or(0);
        if band(r).abs_diff(band(s)) > 1 {
            let checked = req.facets.iter().filter(|f| a.has_facet(f)).count();
            why.push(format!(
                "rated {r} but {checked} of {} facets checked suggest {s}: check the facets or change the rating",
                req.facets.len()
            ));
        }
    }
    why
}
