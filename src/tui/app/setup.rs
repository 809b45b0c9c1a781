//! The setup form: assessment details and the clause 6 conditions.

use crate::record::{Kind, Person, Session, check_date, edit};

use super::{App, Screen};
use crate::tui::action::Action;
use crate::tui::editor::Purpose;

/// Said when a change is tried on a record signed off.
pub const FINAL_NOTE: &str = "final (signed off): nothing can be changed; `vse-assess reopen FILE --by NAME --reason TEXT` makes it editable";

/// Rows of the setup form: the assessment details, then one per clause 6 condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRow {
    Vse,
    Kind,
    Status,
    Client,
    Objectives,
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
    Distribution,
    Confidentiality,
    Condition(usize),
}

const SETUP_FIXED: [SetupRow; 14] = [
    SetupRow::Vse,
    SetupRow::Kind,
    SetupRow::Client,
    SetupRow::Objectives,
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
const SETUP_CLOSING: [SetupRow; 4] = [
    SetupRow::Conclusions,
    SetupRow::Distribution,
    SetupRow::Confidentiality,
    SetupRow::Status,
];

impl App {
    pub fn setup_rows(&self) -> Vec<SetupRow> {
        let n = self.opened.questionnaire.questionnaire.conditions.len();
        SETUP_FIXED
            .into_iter()
            .chain((0..n).map(SetupRow::Condition))
            .chain(SETUP_CLOSING)
            .collect()
    }

    /// Requirement ids the summary lists: those that block a conformance claim.
    pub(super) fn update_setup(&mut self, action: Action) {
        let rows = self.setup_rows();
        let row = rows[self.setup_row.min(rows.len() - 1)];
        let meta = &mut self.opened.record.assessment;
        match action {
            Action::Up | Action::Prev => self.setup_row = self.setup_row.saturating_sub(1),
            Action::Down | Action::Next => {
                self.setup_row = (self.setup_row + 1).min(rows.len() - 1)
            }
            Action::StartInterview => {
                self.history.clear();
                self.screen = Screen::Question;
            }
            Action::Yes | Action::No if matches!(row, SetupRow::Condition(_)) => {
                self.set_condition(row, action == Action::Yes);
            }
            // Enter on a condition: its answer, note and evidence; Space, y, n answer it.
            Action::Open if matches!(row, SetupRow::Condition(_)) => {
                if let SetupRow::Condition(i) = row {
                    self.open_form(Purpose::Condition(i));
                }
            }
            Action::Toggle | Action::Open => match row {
                SetupRow::Kind => {
                    meta.kind = if meta.kind == Kind::Audit {
                        Kind::SelfAssessment
                    } else {
                        Kind::Audit
                    };
                    self.changed();
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
                _ => self.open_form(Purpose::Setup(self.setup_row)),
            },
            _ => {}
        }
    }

    /// The status row: a sign-off, once every check passes, asks who signs and when; what
    /// still stands in the way is listed instead.
    fn ask_sign_off(&mut self) {
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

    pub(super) fn set_condition(&mut self, row: SetupRow, met: bool) {
        if let SetupRow::Condition(i) = row {
            let cid = self.opened.questionnaire.questionnaire.conditions[i]
                .id
                .clone();
            self.opened.record.conditions.entry(cid).or_default().met = met;
            self.changed();
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
            SetupRow::Condition(i) => {
                let cid = &self.opened.questionnaire.questionnaire.conditions[i].id;
                match self.opened.record.conditions.get(cid) {
                    Some(c) if c.met => "yes".into(),
                    Some(_) => "no".into(),
                    None => "not answered".into(),
                }
            }
        }
    }

    pub(super) fn apply_setup(&mut self, index: usize, value: &str) -> Result<(), String> {
        let row = self.setup_rows()[index];
        let q = &self.opened.questionnaire.questionnaire;
        let meta = &mut self.opened.record.assessment;
        let list = |v: &str| -> Vec<String> {
            v.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let people =
            |v: &str| -> Vec<Person> { list(v).iter().map(|p| Person::parse(p)).collect() };
        match row {
            SetupRow::Vse => meta.vse = value.trim().to_owned(),
            SetupRow::Client => meta.client = value.trim().to_owned(),
            SetupRow::Objectives => meta.objectives = value.trim().to_owned(),
            SetupRow::Scope => meta.scope.description = value.trim().to_owned(),
            SetupRow::AuditPlan => meta.audit_plan = value.trim().to_owned(),
            SetupRow::Conclusions => meta.conclusions = value.trim().to_owned(),
            SetupRow::Distribution => meta.distribution = value.trim().to_owned(),
            SetupRow::Confidentiality => meta.confidentiality = value.trim().to_owned(),
            SetupRow::Processes => {
                let ids: Vec<String> = value
                    .split([',', ';', ' '])
                    .filter(|s| !s.is_empty())
                    .map(|s| s.to_uppercase())
                    .collect();
                if let Some(bad) = ids.iter().find(|p| q.process(p).is_none()) {
                    let known: Vec<&str> = q.processes.iter().map(|p| p.id.as_str()).collect();
                    return Err(format!(
                        "unknown process `{bad}`; expected {}",
                        known.join(", ")
                    ));
                }
                meta.scope.processes = ids;
            }
            SetupRow::Sites => meta.scope.sites = list(value),
            SetupRow::Team => meta.team = people(value),
            SetupRow::Participants => meta.participants = people(value),
            SetupRow::Sessions => {
                let mut sessions = Vec::new();
                // One session a line (a `;` also separates them).
                for s in list(&value.replace('\n', ";")) {
                    let (date, location) = s.split_once(' ').unwrap_or((&s, ""));
                    check_date(date)
                        .map_err(|e| format!("{e}: write 2026-11-27 Place; 2026-11-28 Place"))?;
                    sessions.push(Session {
                        date: date.to_owned(),
                        location: location.trim().to_owned(),
                    });
                }
                meta.sessions = sessions;
            }
            SetupRow::RemoteMethod => meta.remote_method = value.trim().to_owned(),
            SetupRow::NotCovered => meta.not_covered = value.trim().to_owned(),
            SetupRow::DivergingOpinions => meta.diverging_opinions = value.trim().to_owned(),
            SetupRow::Kind | SetupRow::Status | SetupRow::Condition(_) => {}
        }
        Ok(())
    }
}

pub fn setup_label(row: SetupRow) -> &'static str {
    match row {
        SetupRow::Vse => "VSE name",
        SetupRow::Kind => "Kind",
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
        SetupRow::Team | SetupRow::Participants => "Name: role; Name: role",
        SetupRow::Sessions => "2026-11-27 Place; 2026-11-28 Place",
        SetupRow::Scope => "What the scope covers: projects, teams, period",
        SetupRow::AuditPlan => "What was to be looked at, when, with whom",
        SetupRow::Conclusions => "The team's conclusions, in its words (needed to sign off)",
        SetupRow::Distribution => "Who receives the report",
        SetupRow::Confidentiality => "How the report is to be handled",
        SetupRow::RemoteMethod => "How remote sessions were held (tools, what was shown)",
        SetupRow::NotCovered => "Areas of the scope not covered, and why",
        SetupRow::DivergingOpinions => "Diverging opinions not resolved with the auditee",
        SetupRow::Sites => "Site; site",
        SetupRow::Processes => "OM, RM, PSM, PPM",
        _ => setup_label(row),
    }
}
