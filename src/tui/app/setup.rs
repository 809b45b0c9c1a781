//! The setup form: assessment details and the clause 6 conditions.

use crate::record::{Kind, Person, Stage, edit};

use super::{App, Screen};
use crate::tui::action::Action;
use crate::tui::editor::Purpose;

/// Said when a change is tried on a record signed off.
pub const FINAL_NOTE: &str = "final (signed off): what the audit found stays as signed off; its follow-up goes on (b); `:reopen --by NAME --reason TEXT` is for a mistake";

/// Rows of the setup form: the assessment details, then one per clause 6 condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRow {
    Vse,
    Kind,
    /// Audit only: stage 1, stage 2, surveillance...
    Stage,
    /// Audit only.
    CertificationBody,
    /// Audit only.
    ReportRef,
    Status,
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
    Conclusions,
    /// Audit only: yes, no or not stated.
    ObjectivesMet,
    /// Audit only: yes, no or not stated.
    ScopeAppropriate,
    Distribution,
    Confidentiality,
    Condition(usize),
}

impl SetupRow {
    /// The detail's name in a draft: stable whatever the rows around it. None for rows that
    /// are not text fields.
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            SetupRow::Vse => "vse",
            SetupRow::Client => "client",
            SetupRow::Objectives => "objectives",
            SetupRow::Criteria => "criteria",
            SetupRow::CertificationBody => "certification-body",
            SetupRow::ReportRef => "report-ref",
            SetupRow::Scope => "scope",
            SetupRow::Processes => "processes",
            SetupRow::Sites => "sites",
            SetupRow::Team => "team",
            SetupRow::Participants => "participants",
            SetupRow::Sessions => "sessions",
            SetupRow::AuditPlan => "audit-plan",
            SetupRow::RemoteMethod => "remote-method",
            SetupRow::NotCovered => "not-covered",
            SetupRow::DivergingOpinions => "diverging-opinions",
            SetupRow::Conclusions => "conclusions",
            SetupRow::Distribution => "distribution",
            SetupRow::Confidentiality => "confidentiality",
            SetupRow::Kind
            | SetupRow::Stage
            | SetupRow::ObjectivesMet
            | SetupRow::ScopeAppropriate
            | SetupRow::Status
            | SetupRow::Condition(_) => return None,
        })
    }

    /// Rows shown for an audit only.
    fn audit_only(self) -> bool {
        matches!(
            self,
            SetupRow::Stage
                | SetupRow::CertificationBody
                | SetupRow::ReportRef
                | SetupRow::ObjectivesMet
                | SetupRow::ScopeAppropriate
                | SetupRow::RemoteMethod
                | SetupRow::NotCovered
                | SetupRow::DivergingOpinions
        )
    }

    /// Rows answered yes, no or not stated.
    fn is_confirmation(self) -> bool {
        matches!(self, SetupRow::ObjectivesMet | SetupRow::ScopeAppropriate)
    }

    pub fn from_key(key: &str) -> Option<SetupRow> {
        SETUP_FIXED
            .into_iter()
            .chain(SETUP_CLOSING)
            .find(|r| r.key() == Some(key))
    }
}

const SETUP_FIXED: [SetupRow; 18] = [
    SetupRow::Vse,
    SetupRow::Kind,
    SetupRow::Stage,
    SetupRow::CertificationBody,
    SetupRow::ReportRef,
    SetupRow::Client,
    SetupRow::Objectives,
    SetupRow::Criteria,
    SetupRow::Scope,
    SetupRow::Processes,
    SetupRow::Sites,
    SetupRow::Team,
    SetupRow::Participants,
    SetupRow::Sessions,
    SetupRow::AuditPlan,
    SetupRow::RemoteMethod,
    SetupRow::NotCovered,
    SetupRow::DivergingOpinions,
];

/// After clause 6: what is written when the assessment closes.
const SETUP_CLOSING: [SetupRow; 6] = [
    SetupRow::Conclusions,
    SetupRow::ObjectivesMet,
    SetupRow::ScopeAppropriate,
    SetupRow::Distribution,
    SetupRow::Confidentiality,
    SetupRow::Status,
];

impl App {
    pub fn setup_rows(&self) -> Vec<SetupRow> {
        let n = self.opened.questionnaire.questionnaire.conditions.len();
        let meta = &self.opened.record.assessment;
        let audit = meta.kind == Kind::Audit;
        // An audit-only row still shows in a self-assessment that holds a value for it
        // (written before, or by hand), so that nothing recorded is out of sight.
        let held = |r: &SetupRow| match r {
            SetupRow::RemoteMethod => !meta.remote_method.is_empty(),
            SetupRow::NotCovered => !meta.not_covered.is_empty(),
            SetupRow::DivergingOpinions => !meta.diverging_opinions.is_empty(),
            _ => false,
        };
        SETUP_FIXED
            .into_iter()
            .filter(|r| audit || !r.audit_only() || held(r))
            .chain((0..n).map(SetupRow::Condition))
            .chain(
                SETUP_CLOSING
                    .into_iter()
                    .filter(|r| audit || !r.audit_only()),
            )
            .collect()
    }

    /// A key on the setup screen: moves between rows, answers a clause 6 condition, opens
    /// a row's form, or asks for the sign-off.
    pub(super) fn update_setup(&mut self, action: Action) {
        let rows = self.setup_rows();
        let row = rows[self.setup_row.min(rows.len() - 1)];
        match action {
            Action::Up | Action::Prev => self.setup_row = self.setup_row.saturating_sub(1),
            Action::Down | Action::Next => {
                self.setup_row = (self.setup_row + 1).min(rows.len() - 1)
            }
            Action::First => self.setup_row = 0,
            Action::Last => self.setup_row = rows.len() - 1,
            Action::StartInterview => {
                self.history.clear();
                self.screen = Screen::Question;
            }
            Action::Yes | Action::No if matches!(row, SetupRow::Condition(_)) => {
                self.set_condition(row, action == Action::Yes);
            }
            Action::Yes | Action::No if row.is_confirmation() => {
                self.set_confirmation(row, Some(action == Action::Yes));
            }
            // Enter on a condition: its answer, note and evidence; Space, y, n answer it.
            Action::Open if matches!(row, SetupRow::Condition(_)) => {
                if let SetupRow::Condition(i) = row {
                    let cid = self.opened.questionnaire.questionnaire.conditions[i]
                        .id
                        .clone();
                    self.open_form(Purpose::Condition(cid));
                }
            }
            Action::Toggle | Action::Open => match row {
                SetupRow::Kind => {
                    let kind = if self.opened.record.assessment.kind == Kind::Audit {
                        Kind::SelfAssessment
                    } else {
                        Kind::Audit
                    };
                    let details = edit::Details {
                        kind: Some(kind),
                        ..edit::Details::default()
                    };
                    let q = &self.opened.questionnaire.questionnaire;
                    let set = edit::set_details(&mut self.opened.record, q, details);
                    self.edited(set);
                }
                SetupRow::Stage => {
                    // Not stated, then each stage in turn, then not stated again.
                    let stage = match self.opened.record.assessment.stage {
                        None => Some(Stage::ALL[0]),
                        Some(s) => {
                            let i = Stage::ALL.iter().position(|x| *x == s).unwrap_or(0);
                            Stage::ALL.get(i + 1).copied()
                        }
                    };
                    let details = edit::Details {
                        stage: Some(stage),
                        ..edit::Details::default()
                    };
                    let q = &self.opened.questionnaire.questionnaire;
                    let set = edit::set_details(&mut self.opened.record, q, details);
                    self.edited(set);
                }
                SetupRow::ObjectivesMet | SetupRow::ScopeAppropriate => {
                    let meta = &self.opened.record.assessment;
                    let now = if row == SetupRow::ObjectivesMet {
                        meta.objectives_met
                    } else {
                        meta.scope_appropriate
                    };
                    // Yes, no, not stated, in turn.
                    let next = match now {
                        None => Some(true),
                        Some(true) => Some(false),
                        Some(false) => None,
                    };
                    self.set_confirmation(row, next);
                }
                SetupRow::Status => self.ask_sign_off(),
                SetupRow::Condition(i) => {
                    let cid = &self.opened.questionnaire.questionnaire.conditions[i].id;
                    let met = self
                        .opened
                        .record
                        .conditions
                        .get(cid)
                        .is_some_and(|c| c.met);
                    self.set_condition(row, !met);
                }
                _ => self.open_form(Purpose::Setup(row)),
            },
            _ => {}
        }
    }

    /// The status row: a sign-off, once every check passes, asks who signs and when; what
    /// still stands in the way is listed instead.
    pub(super) fn ask_sign_off(&mut self) {
        let record = &self.opened.record;
        if record.assessment.sign_off().is_some() {
            self.message = Some(FINAL_NOTE.into());
            return;
        }
        let blockers = edit::sign_off_blockers(record, &self.opened.questionnaire.questionnaire);
        if blockers.is_empty() {
            self.open_form(Purpose::SignOff);
        } else {
            let list: Vec<String> = blockers.iter().map(|b| format!("- {b}")).collect();
            self.notice("Not ready to sign off", list.join("\n"));
        }
    }

    fn set_confirmation(&mut self, row: SetupRow, answer: Option<bool>) {
        let mut details = edit::Details::default();
        if row == SetupRow::ObjectivesMet {
            details.objectives_met = Some(answer);
        } else {
            details.scope_appropriate = Some(answer);
        }
        let q = &self.opened.questionnaire.questionnaire;
        let set = edit::set_details(&mut self.opened.record, q, details);
        self.edited(set);
    }

    pub(super) fn set_condition(&mut self, row: SetupRow, met: bool) {
        if let SetupRow::Condition(i) = row {
            let q = &self.opened.questionnaire.questionnaire;
            let change = edit::ConditionChange {
                met: Some(met),
                ..edit::ConditionChange::default()
            };
            let answered =
                edit::answer_condition(&mut self.opened.record, q, &q.conditions[i].id, change);
            self.edited(answered);
        }
    }

    /// A setup field as the user edits it.
    pub fn setup_value(&self, row: SetupRow) -> String {
        let meta = &self.opened.record.assessment;
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
        match row {
            SetupRow::Vse => meta.vse.clone(),
            SetupRow::Kind => meta.kind.describe().into(),
            SetupRow::Stage => meta
                .stage
                .map_or("not stated (Space chooses)".into(), |s| s.to_string()),
            SetupRow::CertificationBody => meta.certification_body.clone(),
            SetupRow::ReportRef => meta.report_ref.clone(),
            SetupRow::Criteria => meta.criteria.clone(),
            SetupRow::ObjectivesMet => yes_no(meta.objectives_met),
            SetupRow::ScopeAppropriate => yes_no(meta.scope_appropriate),
            SetupRow::Status => match meta.sign_off() {
                Some(signed) => format!("final, {}", signed.describe()),
                None => "draft (Enter signs off)".into(),
            },
            SetupRow::Client => meta.client.clone(),
            SetupRow::Objectives => meta.objectives.clone(),
            SetupRow::Scope => meta.scope.description.clone(),
            SetupRow::Processes => meta.scope.processes.join(", "),
            SetupRow::Sites => meta.scope.sites.join("; "),
            SetupRow::Team => people(&meta.team),
            SetupRow::Participants => people(&meta.participants),
            SetupRow::Sessions => meta
                .sessions
                .iter()
                .map(|s| format!("{} {}", s.date, s.location).trim().to_owned())
                .collect::<Vec<_>>()
                .join("; "),
            SetupRow::RemoteMethod => meta.remote_method.clone(),
            SetupRow::NotCovered => meta.not_covered.clone(),
            SetupRow::DivergingOpinions => meta.diverging_opinions.clone(),
            SetupRow::AuditPlan => meta.audit_plan.clone(),
            SetupRow::Conclusions => meta.conclusions.clone(),
            SetupRow::Distribution => meta.distribution.clone(),
            SetupRow::Confidentiality => meta.confidentiality.clone(),
            SetupRow::Condition(i) => match self.condition_met(i) {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "not answered".into(),
            },
        }
    }

    /// Whether the `i`th clause 6 condition is met; None while it is not answered.
    pub fn condition_met(&self, i: usize) -> Option<bool> {
        let cid = &self.opened.questionnaire.questionnaire.conditions[i].id;
        self.opened.record.conditions.get(cid).map(|c| c.met)
    }

    /// A setup field as typed, read into the details it sets; the edit layer checks them.
    pub(super) fn apply_setup(&mut self, row: SetupRow, value: &str) -> Result<(), String> {
        let text = || Some(value.to_owned());
        let mut d = edit::Details::default();
        match row {
            SetupRow::Vse => d.vse = text(),
            SetupRow::Client => d.client = text(),
            SetupRow::Objectives => d.objectives = text(),
            SetupRow::Criteria => d.criteria = text(),
            SetupRow::CertificationBody => d.certification_body = text(),
            SetupRow::ReportRef => d.report_ref = text(),
            SetupRow::Scope => d.scope = text(),
            SetupRow::AuditPlan => d.audit_plan = text(),
            SetupRow::Conclusions => d.conclusions = text(),
            SetupRow::Distribution => d.distribution = text(),
            SetupRow::Confidentiality => d.confidentiality = text(),
            SetupRow::RemoteMethod => d.remote_method = text(),
            SetupRow::NotCovered => d.not_covered = text(),
            SetupRow::DivergingOpinions => d.diverging_opinions = text(),
            SetupRow::Processes => d.processes = Some(edit::process_list(value)),
            SetupRow::Sites => d.sites = Some(edit::place_list(value)),
            SetupRow::Team => d.team = Some(edit::people_list(value)),
            SetupRow::Participants => d.participants = Some(edit::people_list(value)),
            SetupRow::Sessions => {
                d.sessions = Some(edit::parse_sessions(value).map_err(|e| e.to_string())?)
            }
            SetupRow::Kind
            | SetupRow::Stage
            | SetupRow::ObjectivesMet
            | SetupRow::ScopeAppropriate
            | SetupRow::Status
            | SetupRow::Condition(_) => return Ok(()),
        }
        let q = &self.opened.questionnaire.questionnaire;
        edit::set_details(&mut self.opened.record, q, d).map_err(|e| e.to_string())
    }
}

fn yes_no(answer: Option<bool>) -> String {
    match answer {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "not stated (y/n)".into(),
    }
}

pub fn setup_label(row: SetupRow) -> &'static str {
    match row {
        SetupRow::Vse => "VSE name",
        SetupRow::Kind => "Kind",
        SetupRow::Stage => "Audit stage",
        SetupRow::CertificationBody => "Cert. body",
        SetupRow::ReportRef => "Report ref.",
        SetupRow::Criteria => "Criteria",
        SetupRow::ObjectivesMet => "Objectives met",
        SetupRow::ScopeAppropriate => "Scope adequate",
        SetupRow::Status => "Status",
        SetupRow::Client => "Client",
        SetupRow::Objectives => "Objectives",
        SetupRow::Scope => "Scope",
        SetupRow::AuditPlan => "Plan",
        SetupRow::Conclusions => "Conclusions",
        SetupRow::Distribution => "Distribution",
        SetupRow::Confidentiality => "Confidentiality",
        SetupRow::Processes => "Processes",
        SetupRow::Sites => "Sites",
        SetupRow::Team => "Assessment team",
        SetupRow::Participants => "Participants",
        SetupRow::Sessions => "Dates, places",
        SetupRow::RemoteMethod => "Remote method",
        SetupRow::NotCovered => "Not covered",
        SetupRow::DivergingOpinions => "Diverging views",
        SetupRow::Condition(_) => "Condition",
    }
}

pub(super) fn setup_hint(row: SetupRow) -> &'static str {
    match row {
        SetupRow::Team | SetupRow::Participants => {
            "Name: role; Name: role (`,` or `;` between people)"
        }
        SetupRow::Sessions => "2026-11-27 Place; 2026-11-28:Place (`;` or a line between)",
        SetupRow::Scope => "What the scope covers: projects, teams, period",
        SetupRow::AuditPlan => "What was to be looked at, when, with whom",
        SetupRow::Conclusions => "The team's conclusions, in its words (needed to sign off)",
        SetupRow::Distribution => "Who receives the report",
        SetupRow::Confidentiality => "How the report is to be handled",
        SetupRow::RemoteMethod => "How remote sessions were held (tools, what was shown)",
        SetupRow::NotCovered => "Areas of the scope not covered, and why",
        SetupRow::DivergingOpinions => "Diverging opinions not resolved with the auditee",
        SetupRow::Sites => "Site; site (`;` between sites)",
        SetupRow::Processes => "OM, RM, PSM, PPM",
        SetupRow::Criteria => "The profile and scheme, and the VSE's procedures findings cite",
        SetupRow::CertificationBody => "The certification body the audit is made for",
        SetupRow::ReportRef => "The certification body's reference for this report",
        _ => setup_label(row),
    }
}
