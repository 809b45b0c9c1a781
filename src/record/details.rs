//! An assessment's details: the one list of them both interviews show ([`Detail`], in its
//! order, with what the record states for each and how a typed value sets it), and what an
//! audit report must state before it is signed off (ISO/IEC 17021-1 9.4.8.2-3, ISO 19011
//! 6.5.1): who asked for it, against what, by whom, when and where, for which certification
//! body, and the team's confirmations. Each missing item is named with the `set` option that
//! gives it.

use super::edit::{self, Refused};
use super::{Kind, Metadata, Person, Record, Session, Stage, check_date};
use crate::questionnaire::Questionnaire;

/// One row of the assessment's details, as the interview's details screen and plain mode's
/// details menu list them: who, what and where ([`BEFORE_CLAUSE_6`]), one row per clause 6
/// condition, then what is written as the assessment closes ([`AFTER_CLAUSE_6`], the status
/// last). Each front end only presents them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Vse,
    Kind,
    /// Audit only: stage 1, stage 2, surveillance...
    Stage,
    /// Audit only.
    CertificationBody,
    /// Audit only.
    ReportRef,
    Client,
    Objectives,
    Criteria,
    Scope,
    Processes,
    Sites,
    Team,
    Participants,
    Sessions,
    AuditPlan,
    RemoteMethod,
    NotCovered,
    DivergingOpinions,
    /// The questionnaire's clause 6 condition of this index: answered in the record's
    /// conditions, not its details.
    Condition(usize),
    Conclusions,
    /// Audit only: yes, no or not stated.
    ObjectivesMet,
    /// Audit only: yes, no or not stated.
    ScopeAppropriate,
    Distribution,
    Confidentiality,
    /// When the VSE's plan for the nonconformities is due (each may have its own).
    PlanDue,
    /// Draft or final: changed by the sign-off, not typed.
    Status,
}

/// The details listed before clause 6's conditions.
pub const BEFORE_CLAUSE_6: [Detail; 18] = [
    Detail::Vse,
    Detail::Kind,
    Detail::Stage,
    Detail::CertificationBody,
    Detail::ReportRef,
    Detail::Client,
    Detail::Objectives,
    Detail::Criteria,
    Detail::Scope,
    Detail::Processes,
    Detail::Sites,
    Detail::Team,
    Detail::Participants,
    Detail::Sessions,
    Detail::AuditPlan,
    Detail::RemoteMethod,
    Detail::NotCovered,
    Detail::DivergingOpinions,
];

/// After clause 6: what is written when the assessment closes, and its status.
pub const AFTER_CLAUSE_6: [Detail; 7] = [
    Detail::Conclusions,
    Detail::ObjectivesMet,
    Detail::ScopeAppropriate,
    Detail::Distribution,
    Detail::Confidentiality,
    Detail::PlanDue,
    Detail::Status,
];

impl Detail {
    /// The rows of an assessment's details, for a questionnaire of `conditions` clause 6
    /// conditions: every row [`shown`](Detail::shown), in order.
    pub fn rows(meta: &Metadata, conditions: usize) -> Vec<Detail> {
        BEFORE_CLAUSE_6
            .into_iter()
            .filter(|d| d.shown(meta))
            .chain((0..conditions).map(Detail::Condition))
            .chain(AFTER_CLAUSE_6.into_iter().filter(|d| d.shown(meta)))
            .collect()
    }

    /// The detail's name, as `vse-assess set --NAME` spells it and a draft names it: stable
    /// whatever the rows around it. None for a condition (named by its id) and the status.
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            Detail::Vse => "vse",
            Detail::Kind => "kind",
            Detail::Stage => "stage",
            Detail::CertificationBody => "certification-body",
            Detail::ReportRef => "report-ref",
            Detail::Client => "client",
            Detail::Objectives => "objectives",
            Detail::Criteria => "criteria",
            Detail::Scope => "scope",
            Detail::Processes => "processes",
            Detail::Sites => "sites",
            Detail::Team => "team",
            Detail::Participants => "participants",
            Detail::Sessions => "sessions",
            Detail::AuditPlan => "audit-plan",
            Detail::RemoteMethod => "remote-method",
            Detail::NotCovered => "not-covered",
            Detail::DivergingOpinions => "diverging-opinions",
            Detail::Conclusions => "conclusions",
            Detail::ObjectivesMet => "objectives-met",
            Detail::ScopeAppropriate => "scope-appropriate",
            Detail::Distribution => "distribution",
            Detail::Confidentiality => "confidentiality",
            Detail::PlanDue => "plan-due",
            Detail::Condition(_) | Detail::Status => return None,
        })
    }

    /// The detail a [`key`](Detail::key) names.
    pub fn from_key(key: &str) -> Option<Detail> {
        BEFORE_CLAUSE_6
            .into_iter()
            .chain(AFTER_CLAUSE_6)
            .find(|d| d.key() == Some(key))
    }

    /// Its name in full.
    pub fn label(self) -> &'static str {
        match self {
            Detail::Vse => "VSE name",
            Detail::Kind => "Kind",
            Detail::Stage => "Audit stage",
            Detail::CertificationBody => "Certification body",
            Detail::ReportRef => "Report reference",
            Detail::Client => "Client",
            Detail::Objectives => "Objectives",
            Detail::Criteria => "Criteria",
            Detail::Scope => "Scope",
            Detail::Processes => "Processes in scope",
            Detail::Sites => "Sites",
            Detail::Team => "Assessment team",
            Detail::Participants => "Participants",
            Detail::Sessions => "Sessions (dates and places)",
            Detail::AuditPlan => "Audit plan",
            Detail::RemoteMethod => "Remote method",
            Detail::NotCovered => "Not covered",
            Detail::DivergingOpinions => "Diverging opinions",
            Detail::Condition(_) => "Clause 6 condition",
            Detail::Conclusions => "Conclusions",
            Detail::ObjectivesMet => "Objectives met",
            Detail::ScopeAppropriate => "Scope appropriate",
            Detail::Distribution => "Distribution",
            Detail::Confidentiality => "Confidentiality",
            Detail::PlanDue => "Plan due date",
            Detail::Status => "Status",
        }
    }

    /// What only a third-party audit states.
    pub fn audit_only(self) -> bool {
        matches!(
            self,
            Detail::Stage
                | Detail::CertificationBody
                | Detail::ReportRef
                | Detail::ObjectivesMet
                | Detail::ScopeAppropriate
                | Detail::RemoteMethod
                | Detail::NotCovered
                | Detail::DivergingOpinions
        )
    }

    /// The team's two confirmations, answered yes, no or not stated.
    pub fn is_confirmation(self) -> bool {
        matches!(self, Detail::ObjectivesMet | Detail::ScopeAppropriate)
    }

    /// A value chosen from a few (the kind, the stage, the confirmations) rather than text.
    pub fn is_choice(self) -> bool {
        matches!(self, Detail::Kind | Detail::Stage) || self.is_confirmation()
    }

    /// Whether the row is listed: an audit's own rows in an audit only, or when the record
    /// states one anyway (written before, or by hand), so that nothing recorded is out of
    /// sight.
    pub fn shown(self, meta: &Metadata) -> bool {
        meta.kind == Kind::Audit || !self.audit_only() || !self.stated(meta).is_empty()
    }

    /// What the record states for the detail, as text (lists as they are typed: `Name: role;
    /// Name: role`); empty when it states nothing. A condition: `yes`, `no`, or empty while
    /// it is not answered.
    pub fn value(self, record: &Record, q: &Questionnaire) -> String {
        match self {
            Detail::Condition(i) => q
                .conditions
                .get(i)
                .and_then(|c| record.conditions.get(&c.id))
                .map_or(String::new(), |a| yes_no(Some(a.met))),
            d => d.stated(&record.assessment),
        }
    }

    /// [`value`](Detail::value), for every row but a condition's.
    fn stated(self, meta: &Metadata) -> String {
        let people = |p: &[Person]| {
            p.iter()
                .map(|p| {
                    if p.role.is_empty() {
                        p.name.clone()
                    } else {
                        format!("{}: {}", p.name, p.role)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        match self {
            Detail::Vse => meta.vse.clone(),
            Detail::Kind => meta.kind.describe().into(),
            Detail::Stage => meta.stage.map(|s| s.to_string()).unwrap_or_default(),
            Detail::CertificationBody => meta.certification_body.clone(),
            Detail::ReportRef => meta.report_ref.clone(),
            Detail::Client => meta.client.clone(),
            Detail::Objectives => meta.objectives.clone(),
            Detail::Criteria => meta.criteria.clone(),
            Detail::Scope => meta.scope.description.clone(),
            Detail::Processes => meta.scope.processes.join(", "),
            Detail::Sites => meta.scope.sites.join("; "),
            Detail::Team => people(&meta.team),
            Detail::Participants => people(&meta.participants),
            Detail::Sessions => meta
                .sessions
                .iter()
                .map(|s| format!("{} {}", s.date, s.location).trim().to_owned())
                .collect::<Vec<_>>()
                .join("; "),
            Detail::AuditPlan => meta.audit_plan.clone(),
            Detail::RemoteMethod => meta.remote_method.clone(),
            Detail::NotCovered => meta.not_covered.clone(),
            Detail::DivergingOpinions => meta.diverging_opinions.clone(),
            Detail::Conclusions => meta.conclusions.clone(),
            Detail::ObjectivesMet => yes_no(meta.objectives_met),
            Detail::ScopeAppropriate => yes_no(meta.scope_appropriate),
            Detail::Distribution => meta.distribution.clone(),
            Detail::Confidentiality => meta.confidentiality.clone(),
            Detail::PlanDue => meta.plan_due.clone().unwrap_or_default(),
            Detail::Status => match meta.sign_off() {
                Some(signed) => format!("final, {}", signed.describe()),
                None => "draft".into(),
            },
            Detail::Condition(_) => String::new(),
        }
    }

    /// The change a typed value makes, for the edit layer to check and make: empty clears
    /// the detail (the kind cannot be cleared). A condition and the status are not set
    /// here: nothing.
    pub fn change(self, typed: &str) -> Result<edit::Details, Refused> {
        // Text is kept as typed; what is read (a kind, a date, a list) is read trimmed.
        let text = || Some(typed.to_owned());
        let typed = typed.trim();
        let clear = typed.is_empty();
        let invalid = |field: &'static str, why: String| Refused::Invalid { field, why };
        let yes_no = |field: &'static str| -> Result<Option<bool>, Refused> {
            match typed.to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "y" | "yes" => Ok(Some(true)),
                "n" | "no" => Ok(Some(false)),
                _ => Err(invalid(
                    field,
                    format!("`{typed}` is not yes or no: type y or n"),
                )),
            }
        };
        let mut d = edit::Details::default();
        match self {
            Detail::Vse => d.vse = text(),
            Detail::Client => d.client = text(),
            Detail::Objectives => d.objectives = text(),
            Detail::Criteria => d.criteria = text(),
            Detail::CertificationBody => d.certification_body = text(),
            Detail::ReportRef => d.report_ref = text(),
            Detail::Scope => d.scope = text(),
            Detail::AuditPlan => d.audit_plan = text(),
            Detail::RemoteMethod => d.remote_method = text(),
            Detail::NotCovered => d.not_covered = text(),
            Detail::DivergingOpinions => d.diverging_opinions = text(),
            Detail::Conclusions => d.conclusions = text(),
            Detail::Distribution => d.distribution = text(),
            Detail::Confidentiality => d.confidentiality = text(),
            Detail::Kind => {
                d.kind = Some(match typed.to_ascii_lowercase().as_str() {
                    "audit" | "a" | "third-party audit" => Kind::Audit,
                    "self" | "s" | "self-assessment" => Kind::SelfAssessment,
                    _ => {
                        return Err(invalid(
                            "kind",
                            format!("`{typed}` is not a kind: type audit or self"),
                        ));
                    }
                })
            }
            Detail::Stage => {
                d.stage = Some(if clear {
                    None
                } else {
                    Some(Stage::parse(typed).map_err(|why| invalid("stage", why))?)
                })
            }
            Detail::ObjectivesMet => d.objectives_met = Some(yes_no("objectives_met")?),
            Detail::ScopeAppropriate => d.scope_appropriate = Some(yes_no("scope_appropriate")?),
            Detail::Processes => d.processes = Some(edit::process_list(typed)),
            Detail::Sites => d.sites = Some(edit::place_list(typed)),
            Detail::Team => d.team = Some(edit::people_list(typed)),
            Detail::Participants => d.participants = Some(edit::people_list(typed)),
            Detail::Sessions => d.sessions = Some(edit::parse_sessions(typed)?),
            Detail::PlanDue => {
                d.plan_due = Some(if clear {
                    None
                } else {
                    check_date(typed).map_err(|why| invalid("plan_due", why))?;
                    Some(typed.to_owned())
                })
            }
            Detail::Condition(_) | Detail::Status => {}
        }
        Ok(d)
    }
}

fn yes_no(answer: Option<bool>) -> String {
    match answer {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

/// Whether a session's place says it was held at a distance (remote, video, online, or a
/// video-call tool's name).
pub fn is_remote(session: &Session) -> bool {
    let place = session.location.to_lowercase();
    [
        "remote", "video", "online", "on-line", "virtual", "zoom", "teams", "webex", "visio",
    ]
    .iter()
    .any(|w| place.contains(w))
}

/// Whether any session of the assessment was held at a distance.
pub fn any_remote(meta: &Metadata) -> bool {
    meta.sessions.iter().any(is_remote)
}

/// Every detail an audit still lacks for its sign-off, each with the option that sets it;
/// empty for a self-assessment (which needs only its conclusions).
pub fn missing_for_sign_off(meta: &Metadata) -> Vec<String> {
    if meta.kind != Kind::Audit {
        return Vec::new();
    }
    let mut missing = Vec::new();
    let blank = |s: &str| s.trim().is_empty();
    need(
        &mut missing,
        blank(&meta.client),
        "no client named",
        "--client NAME",
    );
    need(
        &mut missing,
        blank(&meta.scope.description),
        "no scope described",
        "--scope TEXT",
    );
    need(
        &mut missing,
        meta.scope.sites.is_empty(),
        "no site named",
        "--site NAME",
    );
    need(
        &mut missing,
        blank(&meta.objectives),
        "no objectives stated",
        "--objectives TEXT",
    );
    need(
        &mut missing,
        blank(&meta.criteria),
        "no criteria stated",
        "--criteria TEXT",
    );
    need(
        &mut missing,
        meta.stage.is_none(),
        "no audit stage stated",
        "--stage stage-1|stage-2|surveillance|recertification|special",
    );
    need(
        &mut missing,
        blank(&meta.certification_body),
        "no certification body named",
        "--certification-body NAME",
    );
    need(
        &mut missing,
        blank(&meta.report_ref),
        "no report reference",
        "--report-ref REF",
    );
    let team = &meta.team;
    need(
        &mut missing,
        team.is_empty(),
        "no audit team",
        "--assessor \"NAME:lead auditor\" --assessor NAME:ROLE",
    );
    for p in team.iter().filter(|p| blank(&p.role)) {
        missing.push(format!(
            "{} has no role in the team: `vse-assess set FILE --assessor NAME:ROLE`, repeated for every member (roles: {})",
            p.name,
            Kind::Audit.team_roles().join(", ")
        ));
    }
    let leads: Vec<&str> = team
        .iter()
        .filter(|p| p.is_lead_auditor())
        .map(|p| p.name.as_str())
        .collect();
    if !team.is_empty() && leads.is_empty() {
        missing.push(
            "no lead auditor in the team: `vse-assess set FILE --assessor \"NAME:lead auditor\"`, with the other members".into(),
        );
    }
    if leads.len() > 1 {
        missing.push(format!(
            "{} lead auditors ({}): an audit has one, give the others another role",
            leads.len(),
            leads.join(", ")
        ));
    }
    need(
        &mut missing,
        meta.sessions.is_empty(),
        "no date recorded",
        "--session DATE:LOCATION",
    );
    for s in meta.sessions.iter().filter(|s| blank(&s.location)) {
        missing.push(format!(
            "the session of {} has no location: `vse-assess set FILE --session DATE:LOCATION`, repeated for every session",
            s.date
        ));
    }
    need(
        &mut missing,
        any_remote(meta) && blank(&meta.remote_method),
        "a session was remote and the remote method is not stated",
        "--remote-method TEXT",
    );
    need(
        &mut missing,
        blank(&meta.diverging_opinions),
        "no statement on diverging opinions (\"none\" when there were none)",
        "--diverging-opinions TEXT",
    );
    need(
        &mut missing,
        meta.objectives_met.is_none(),
        "not stated whether the objectives were met",
        "--objectives-met yes|no",
    );
    need(
        &mut missing,
        meta.scope_appropriate.is_none(),
        "not stated whether the scope is appropriate",
        "--scope-appropriate yes|no",
    );
    need(
        &mut missing,
        blank(&meta.conclusions),
        "no conclusions written",
        "--conclusions TEXT",
    );
    need(
        &mut missing,
        blank(&meta.distribution),
        "no distribution stated",
        "--distribution TEXT",
    );
    need(
        &mut missing,
        blank(&meta.confidentiality),
        "no confidentiality stated",
        "--confidentiality TEXT",
    );
    missing
}

/// Says what is missing, and the option that gives it.
fn need(missing: &mut Vec<String>, absent: bool, what: &str, option: &str) {
    if absent {
        missing.push(format!("{what}: `vse-assess set FILE {option}`"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::catalog;

    fn audit() -> (catalog::Loaded, Record) {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let record = Record::new(&loaded, "Acme Soft", Kind::Audit);
        (loaded, record)
    }

    /// What a front end shows of a detail is what it takes back: each typed value reads back
    /// as typed, and an empty one clears the detail (but the kind, which is always stated).
    #[test]
    fn a_typed_detail_reads_back_as_typed() {
        let (loaded, mut record) = audit();
        let q = &loaded.questionnaire;
        for (detail, typed) in [
            (Detail::Vse, "Brightline Ltd."),
            (Detail::Kind, "third-party audit"),
            (Detail::Stage, "stage 2"),
            (Detail::Processes, "OM, RM"),
            (Detail::Sites, "Lyon, head office; Paris"),
            (
                Detail::Team,
                "Claire Martin: lead auditor; Hugo Petit: auditor",
            ),
            (Detail::Participants, "Bob Boss: director; Ana"),
            (
                Detail::Sessions,
                "2026-11-16 Lyon; 2026-11-17 Remote (video call)",
            ),
            (Detail::ObjectivesMet, "yes"),
            (Detail::ScopeAppropriate, "no"),
            (Detail::PlanDue, "2026-12-15"),
            (Detail::Conclusions, "The profile is implemented."),
        ] {
            let change = detail.change(typed).unwrap();
            edit::set_details(&mut record, q, change).unwrap();
            assert_eq!(detail.value(&record, q), typed, "{detail:?}");
        }
        for detail in [
            Detail::Stage,
            Detail::ObjectivesMet,
            Detail::PlanDue,
            Detail::Sites,
            Detail::Conclusions,
        ] {
            edit::set_details(&mut record, q, detail.change("").unwrap()).unwrap();
            assert_eq!(detail.value(&record, q), "", "{detail:?}");
        }
        assert!(Detail::Kind.change("").is_err());
        assert!(Detail::ObjectivesMet.change("maybe").is_err());
        assert!(Detail::PlanDue.change("15/12/2026").is_err());
        assert!(Detail::Sessions.change("27/11/2026 Lyon").is_err());
        assert_eq!(Detail::Status.value(&record, q), "draft");
    }

    /// The rows: the details before clause 6, each condition, the closing details and the
    /// status last; an audit's own rows in a self-assessment only once one is stated. Each
    /// detail's key names it back.
    #[test]
    fn the_rows_keep_their_order_and_hide_an_audits_own() {
        let (loaded, mut record) = audit();
        let q = &loaded.questionnaire;
        let n = q.conditions.len();
        let rows = Detail::rows(&record.assessment, n);
        assert_eq!(rows.len(), BEFORE_CLAUSE_6.len() + n + AFTER_CLAUSE_6.len());
        assert_eq!(rows[BEFORE_CLAUSE_6.len()], Detail::Condition(0));
        assert_eq!(rows.last(), Some(&Detail::Status));

        record.assessment.kind = Kind::SelfAssessment;
        let rows = Detail::rows(&record.assessment, n);
        assert!(rows.iter().all(|d| !d.audit_only()), "{rows:?}");
        record.assessment.remote_method = "Video call".into();
        assert!(Detail::rows(&record.assessment, n).contains(&Detail::RemoteMethod));

        for d in BEFORE_CLAUSE_6.into_iter().chain(AFTER_CLAUSE_6) {
            match d.key() {
                Some(key) => assert_eq!(Detail::from_key(key), Some(d)),
                None => assert_eq!(d, Detail::Status),
            }
        }
    }
}
