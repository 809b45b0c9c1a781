//! The setup form: assessment details and the clause 6 conditions.

use crate::record::{Kind, Stage, edit};

use super::{App, Screen};
use crate::tui::action::Action;
use crate::tui::editor::Purpose;

/// Said when a change is tried on a record signed off.
pub const FINAL_NOTE: &str = "final (signed off): what the audit found stays as signed off; its follow-up goes on (b); `:reopen --by NAME --reason TEXT` is for a mistake";

/// The setup screen's rows: the assessment's details, in the domain's one list of them
/// (clause 6's conditions among them); this screen only presents them.
pub use crate::record::details::Detail as SetupRow;

impl App {
    pub fn setup_rows(&self) -> Vec<SetupRow> {
        let n = self.opened.questionnaire.questionnaire.conditions.len();
        SetupRow::rows(&self.opened.record.assessment, n)
    }

    /// A key on the setup screen: moves between rows, answers a clause 6 condition, opens
    /// a row's form, or asks for the sign-off.
    pub(super) fn update_setup(&mut self, action: Action) {
        let rows = self.setup_rows();
        let row = rows[self.setup_row.min(rows.len() - 1)];
        match action {
            Action::Up => self.setup_row = self.setup_row.saturating_sub(1),
            Action::Down => self.setup_row = (self.setup_row + 1).min(rows.len() - 1),
            Action::Prev => self.setup_row = self.setup_row.saturating_sub(super::PAGE),
            Action::Next => self.setup_row = (self.setup_row + super::PAGE).min(rows.len() - 1),
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

    /// A setup field as the user edits it: the record's value, and what a row not stated
    /// yet takes.
    pub fn setup_value(&self, row: SetupRow) -> String {
        let value = row.value(
            &self.opened.record,
            &self.opened.questionnaire.questionnaire,
        );
        let meta = &self.opened.record.assessment;
        match row {
            SetupRow::Stage if value.is_empty() => "not stated (Space chooses)".into(),
            r if r.is_confirmation() && value.is_empty() => "not stated (y/n)".into(),
            SetupRow::Condition(_) if value.is_empty() => "not answered".into(),
            SetupRow::Status if meta.sign_off().is_none() => "draft (Enter signs off)".into(),
            _ => value,
        }
    }

    /// Whether the `i`th clause 6 condition is met; None while it is not answered.
    pub fn condition_met(&self, i: usize) -> Option<bool> {
        let cid = &self.opened.questionnaire.questionnaire.conditions[i].id;
        self.opened.record.conditions.get(cid).map(|c| c.met)
    }

    /// A setup field as typed, read into the details it sets; the edit layer checks them.
    pub(super) fn apply_setup(&mut self, row: SetupRow, value: &str) -> Result<(), String> {
        let details = row.change(value).map_err(|e| e.to_string())?;
        let q = &self.opened.questionnaire.questionnaire;
        edit::set_details(&mut self.opened.record, q, details).map_err(|e| e.to_string())
    }
}

/// A row's label in the screen's label column (16 wide): the detail's own, shortened where
/// it would not fit.
pub fn setup_label(row: SetupRow) -> &'static str {
    match row {
        SetupRow::CertificationBody => "Cert. body",
        SetupRow::ReportRef => "Report ref.",
        SetupRow::ScopeAppropriate => "Scope adequate",
        SetupRow::AuditPlan => "Plan",
        SetupRow::Processes => "Processes",
        SetupRow::Sessions => "Dates, places",
        SetupRow::DivergingOpinions => "Diverging views",
        SetupRow::Condition(_) => "Condition",
        row => row.label(),
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
        SetupRow::PlanDue => "YYYY-MM-DD: when the VSE's corrective action plan is due",
        _ => setup_label(row),
    }
}

#[cfg(test)]
mod tests {
    use ratatui_textarea::{Input, Key};

    use super::*;
    use crate::questionnaire::catalog;
    use crate::record::{Record, access::Access, store};

    fn audit(dir: &std::path::Path) -> App {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let path = dir.join("a.toml");
        let record = Record::new(&loaded, "Acme Soft", Kind::Audit);
        std::fs::write(&path, store::to_text(&record)).unwrap();
        let today = jiff::civil::date(2026, 11, 30);
        App::new(store::open(&path, &Access::Unrestricted, today).unwrap())
    }

    /// The screen lists the details plain mode lists, the plan's due date among them, and
    /// sets it as typed.
    #[test]
    fn the_details_screen_sets_the_plan_due_date() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = audit(tmp.path());
        app.update(Action::ShowSetup);
        let rows = app.setup_rows();
        app.setup_row = rows.iter().position(|r| *r == SetupRow::PlanDue).unwrap();
        assert_eq!(rows[app.setup_row + 1], SetupRow::Status);
        app.update(Action::Open);
        for c in "2026-12-15".chars() {
            app.update(Action::Input(Input {
                key: Key::Char(c),
                ..Input::default()
            }));
        }
        app.update(Action::Confirm);
        let due = app.opened.record.assessment.plan_due.as_deref();
        assert_eq!(due, Some("2026-12-15"), "{:?}", app.message);
        assert_eq!(app.setup_value(SetupRow::PlanDue), "2026-12-15");
    }
}
