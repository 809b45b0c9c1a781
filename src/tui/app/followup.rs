//! The follow-up view: every nonconformity with its actions and its last verification, and
//! the forms of what happens after the findings (the VSE's response, its actions, their
//! acceptance and completion, the team's verification). Every change goes through the edit
//! layer, which takes follow-up on a final record too, and says why when it does not.

use crate::record::{ActionKind, ActionStatus, Signed, Verification, edit};

use super::forms::{Form, id_list};
use super::{App, Overlay, Pending, Screen, refusal};
use crate::tui::action::Action;
use crate::tui::editor::{Editor, Field, Name, Purpose};

/// A row of the follow-up view: a nonconformity, or one of its actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowRow {
    /// A nonconformity, by id.
    Finding(String),
    /// An action, by id, under its nonconformity (by id).
    Action { finding: String, action: String },
}

impl FollowRow {
    /// The nonconformity the row is, or is under.
    pub fn finding(&self) -> &str {
        match self {
            FollowRow::Finding(f) | FollowRow::Action { finding: f, .. } => f,
        }
    }
}

/// The kinds of action a form offers, in the order it shows them.
const KINDS: [ActionKind; 2] = [ActionKind::Corrective, ActionKind::Correction];
const KINDS_SHOWN: [&str; 2] = ["corrective action", "correction"];
/// A verification's outcome, as the form offers it.
const OUTCOMES: [&str; 2] = ["effective", "not effective"];
/// Whether each of them is effective.
const EFFECTIVE: [bool; 2] = [true, false];

use super::PAGE;

impl App {
    /// The follow-up view's rows: each nonconformity, in the record's order, then its actions.
    pub fn follow_up_rows(&self) -> Vec<FollowRow> {
        let mut rows = Vec::new();
        for f in self
            .opened
            .record
            .findings
            .iter()
            .filter(|f| f.class.is_nonconformity())
        {
            rows.push(FollowRow::Finding(f.id.clone()));
            rows.extend(f.actions.iter().map(|a| FollowRow::Action {
                finding: f.id.clone(),
                action: a.id.clone(),
            }));
        }
        rows
    }

    /// The row selected in the follow-up view (the last one when rows went away).
    pub fn follow_up_selected(&self) -> Option<FollowRow> {
        let rows = self.follow_up_rows();
        let last = rows.len().checked_sub(1)?;
        rows.get(self.follow_row.min(last)).cloned()
    }

    /// Selects `row` in the follow-up view, if it is there.
    fn select_follow_up(&mut self, row: &FollowRow) {
        if let Some(i) = self.follow_up_rows().iter().position(|r| r == row) {
            self.follow_row = i;
        }
    }

    pub(super) fn update_follow_up(&mut self, action: Action) {
        let n = self.follow_up_rows().len();
        let last = n.saturating_sub(1);
        self.follow_row = self.follow_row.min(last);
        let selected = self.follow_up_selected();
        match action {
            Action::Up => self.follow_row = self.follow_row.saturating_sub(1),
            Action::Down => self.follow_row = (self.follow_row + 1).min(last),
            Action::Prev => self.follow_row = self.follow_row.saturating_sub(PAGE),
            Action::Next => self.follow_row = (self.follow_row + PAGE).min(last),
            Action::First => self.follow_row = 0,
            Action::Last => self.follow_row = last,
            _ if selected.is_none() => {
                self.message = Some("no nonconformity: nothing to follow up".into())
            }
            Action::Open => match selected.expect("rows") {
                FollowRow::Finding(f) => self.open_form(Purpose::Response(f)),
                FollowRow::Action { action, .. } => self.open_form(Purpose::FollowUpAction(action)),
            },
            Action::AddAction => {
                let finding = selected.expect("rows").finding().to_owned();
                self.open_form(Purpose::NewFollowUpAction(finding))
            }
            Action::Verify => {
                let finding = selected.expect("rows").finding().to_owned();
                self.open_form(Purpose::Verify(finding))
            }
            Action::AcceptAction => match selected.expect("rows") {
                FollowRow::Action { action, .. } => self.open_form(Purpose::AcceptAction(action)),
                FollowRow::Finding(f) => {
                    self.message = Some(format!("y accepts an action: select one of {f}'s"))
                }
            },
            Action::Toggle => match selected.expect("rows") {
                FollowRow::Action { action, .. } => self.toggle_done(&action),
                FollowRow::Finding(f) => {
                    self.message = Some(format!("Space marks an action done: select one of {f}'s"))
                }
            },
            Action::Delete => match selected.expect("rows") {
                FollowRow::Action { action, .. } => {
                    let what = self
                        .opened
                        .record
                        .action(&action)
                        .map(|(_, a)| a.what.chars().take(40).collect::<String>())
                        .unwrap_or_default();
                    self.overlay = Overlay::Confirm {
                        question: format!("Remove action {action} \"{what}\"?"),
                        pending: Pending::DeleteAction(action),
                    };
                }
                FollowRow::Finding(f) => {
                    self.message = Some(format!(
                        "d removes an action; {f} itself is what the audit found"
                    ))
                }
            },
            _ => {}
        }
    }

    /// Space on an action: done today (with the evidence it has), or open again.
    fn toggle_done(&mut self, action: &str) {
        let Some((_, a)) = self.opened.record.action(action) else {
            return;
        };
        let today = self.today.to_string();
        let done = a.status == ActionStatus::Open;
        let evidence = if done { a.evidence.clone() } else { Vec::new() };
        let completed = done.then_some(today.as_str());
        let result = edit::complete_action(
            &mut self.opened.record,
            action,
            completed,
            &evidence,
            self.today,
        );
        if let Some(finding) = self.edited(result) {
            let state = self
                .opened
                .record
                .finding(&finding)
                .map(|f| f.state().describe())
                .unwrap_or_default();
            self.message = Some(if done {
                format!("{action} done on {today}; {finding} is {state}")
            } else {
                format!("{action} open again; {finding} is {state}")
            });
        }
    }

    /// The lead auditor of the team, or its first member: who a form offers as the signer.
    fn lead_auditor(&self) -> String {
        let team = &self.opened.record.assessment.team;
        team.iter()
            .find(|p| p.is_lead_auditor())
            .or(team.first())
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }
}

/// Who and when, as a form's two fields give them: none when nobody is named.
fn signed(by: String, date: String) -> Option<Signed> {
    (!by.trim().is_empty()).then_some(Signed { by, date })
}

/// Opens the follow-up view on `row`: where a form's draft reopens.
fn show_row(app: &mut App, row: FollowRow) {
    app.screen = Screen::FollowUp;
    app.select_follow_up(&row);
}

/// The VSE's response to a nonconformity: its correction and root cause, and whether it
/// accepts the finding (follow-up: a final record takes it).
pub(super) struct Response<'p>(pub &'p str);

impl Form for Response<'_> {
    fn describe(&self) -> &'static str {
        "response to a nonconformity"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("response", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let f = app.opened.record.finding(self.0)?;
        let (by, on) = match &f.vse_accepted {
            Some(s) => (s.by.clone(), s.date.clone()),
            None => (String::new(), app.today.to_string()),
        };
        let rows = |mut field: Field| {
            field.rows = 2;
            field
        };
        Some(Editor::new(
            &format!("{} · {}: the VSE's response", f.id, f.requirement),
            purpose,
            vec![
                rows(Field::long_line(
                    "Correction: what the VSE did at once to put it right",
                    &f.correction,
                ))
                .named(Name::Correction),
                rows(Field::long_line(
                    "Root cause: why it happened, as the VSE analysed it",
                    &f.root_cause,
                ))
                .named(Name::RootCause),
                Field::line(
                    "Finding accepted by: the VSE's representative (empty: not yet)",
                    &by,
                )
                .named(Name::By),
                Field::line("Accepted on (YYYY-MM-DD)", &on).named(Name::Date),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let change = edit::FindingChange {
            correction: Some(e.get(Name::Correction)),
            root_cause: Some(e.get(Name::RootCause)),
            ..Default::default()
        };
        let q = &app.opened.questionnaire.questionnaire;
        let fid = self.0;
        edit::edit_finding(&mut app.opened.record, q, fid, change, app.today)
            .map_err(|e| refusal(&e))?;
        let accepted = signed(e.get(Name::By), e.get(Name::Date));
        let had = app
            .opened
            .record
            .finding(fid)
            .map(|f| f.vse_accepted.clone());
        if had != Some(accepted.clone()) {
            edit::accept_finding(&mut app.opened.record, fid, accepted, app.today)
                .map_err(|e| refusal(&e))?;
        }
        app.message = Some(format!("{fid}: the VSE's response recorded"));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        show_row(app, FollowRow::Finding(self.0.to_owned()));
    }
    fn edits_existing(&self) -> bool {
        true
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// The plan fields of an action form: kind, what, owner, due, who proposed it and when.
fn plan_fields(
    kind: ActionKind,
    what: &str,
    owner: &str,
    due: &str,
    by: &str,
    on: &str,
) -> Vec<Field> {
    let kind = KINDS.iter().position(|k| *k == kind).expect("both kinds");
    vec![
        Field::choice("Kind (←→)", &KINDS_SHOWN, kind).named(Name::Kind),
        Field::long_line("What is to be done", what).named(Name::What),
        Field::line("Owner: who in the VSE does it", owner).named(Name::Owner),
        Field::line("Due (YYYY-MM-DD; empty: none)", due).named(Name::Due),
        Field::line(
            "Proposed by: the VSE's representative (empty: not recorded)",
            by,
        )
        .named(Name::ProposedBy),
        Field::line("Proposed on (YYYY-MM-DD)", on).named(Name::ProposedOn),
    ]
}

/// An action's plan as the plan fields of a form give it ([`plan_fields`]).
struct Plan {
    kind: ActionKind,
    what: String,
    owner: String,
    due: String,
    /// Who of the VSE proposed it, and when; none when nobody is named.
    proposed: Option<Signed>,
}

impl Plan {
    fn of(e: &Editor) -> Plan {
        Plan {
            kind: KINDS[e.chosen(Name::Kind)],
            what: e.get(Name::What),
            owner: e.get(Name::Owner),
            due: e.get(Name::Due),
            proposed: signed(e.get(Name::ProposedBy), e.get(Name::ProposedOn)),
        }
    }

    /// Applies the kind and the proposer to action `aid`, when there is something to record.
    fn apply_kind_and_proposer(self, app: &mut App, aid: &str) -> Result<(), String> {
        let had = app
            .opened
            .record
            .action(aid)
            .map(|(_, a)| (a.kind, a.proposed.clone()));
        if had.as_ref() != Some(&(self.kind, self.proposed.clone())) {
            edit::set_action_plan(
                &mut app.opened.record,
                aid,
                self.kind,
                self.proposed,
                app.today,
            )
            .map_err(|e| refusal(&e))?;
        }
        Ok(())
    }
}

/// A new action for a nonconformity, as the VSE proposes it.
pub(super) struct NewFollowUpAction<'p>(pub &'p str);

impl Form for NewFollowUpAction<'_> {
    fn describe(&self) -> &'static str {
        "action"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("follow-up-action", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let f = app.opened.record.finding(self.0)?;
        let today = app.today.to_string();
        Some(Editor::new(
            &format!("{} · {}: new action", f.id, f.requirement),
            purpose,
            plan_fields(ActionKind::default(), "", "", "", "", &today),
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let fid = self.0;
        let plan = Plan::of(e);
        let new = edit::NewAction {
            what: plan.what,
            owner: plan.owner,
            due: Some(plan.due),
            kind: plan.kind,
            proposed: plan.proposed,
        };
        let aid = edit::plan_action(&mut app.opened.record, fid, new, app.today)
            .map_err(|e| refusal(&e))?;
        app.message = Some(format!("{aid} planned for {fid}"));
        app.select_follow_up(&FollowRow::Action {
            finding: fid.to_owned(),
            action: aid,
        });
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        show_row(app, FollowRow::Finding(self.0.to_owned()));
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// An action in the follow-up: its plan, and when it was done on what evidence.
pub(super) struct FollowUpAction<'p>(pub &'p str);

impl Form for FollowUpAction<'_> {
    fn describe(&self) -> &'static str {
        "action"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("edit-follow-up-action", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let (f, a) = app.opened.record.action(self.0)?;
        let (by, on) = a
            .proposed
            .as_ref()
            .map_or((String::new(), String::new()), |p| {
                (p.by.clone(), p.date.clone())
            });
        let mut fields = plan_fields(
            a.kind,
            &a.what,
            &a.owner,
            a.due.as_deref().unwrap_or(""),
            &by,
            &on,
        );
        fields.push(
            Field::line(
                "Completed on (YYYY-MM-DD; empty: not done yet)",
                a.completed.as_deref().unwrap_or(""),
            )
            .named(Name::Completed),
        );
        fields.push(
            Field::line(
                "Evidence it was done (register ids, comma-separated; Tab completes)",
                &a.evidence.join(", "),
            )
            .named(Name::Evidence),
        );
        let mut e = Editor::new(&format!("{} of {}", a.id, f.id), purpose, fields);
        e.focus = 1;
        Some(e)
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let aid = self.0;
        let plan = Plan::of(e);
        let record = &mut app.opened.record;
        edit::edit_action(record, aid, &plan.what, &plan.owner, Some(&plan.due))
            .map_err(|e| refusal(&e))?;
        plan.apply_kind_and_proposer(app, aid)?;
        let completed = e.get(Name::Completed).trim().to_owned();
        let evidence = id_list(&e.get(Name::Evidence));
        let (_, a) = app.opened.record.action(aid).expect("edited above");
        let was = (a.completed.clone().unwrap_or_default(), a.evidence.clone());
        if was != (completed.clone(), evidence.clone()) {
            let completed = (!completed.is_empty()).then_some(completed.as_str());
            edit::complete_action(&mut app.opened.record, aid, completed, &evidence, app.today)
                .map_err(|e| refusal(&e))?;
        }
        app.message = Some(format!("{aid} changed"));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        if let Some((f, _)) = app.opened.record.action(self.0) {
            let row = FollowRow::Action {
                finding: f.id.clone(),
                action: self.0.to_owned(),
            };
            show_row(app, row);
        }
    }
    fn edits_existing(&self) -> bool {
        true
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// The assessment team's acceptance of an action: by whom (the lead auditor by default)
/// and when (today by default).
pub(super) struct AcceptAction<'p>(pub &'p str);

impl Form for AcceptAction<'_> {
    fn describe(&self) -> &'static str {
        "acceptance of an action"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("accept-action", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let (f, a) = app.opened.record.action(self.0)?;
        let (by, on) = match &a.accepted {
            Some(s) => (s.by.clone(), s.date.clone()),
            None => (app.lead_auditor(), app.today.to_string()),
        };
        Some(Editor::new(
            &format!("{} of {}: the team accepts it", a.id, f.id),
            purpose,
            vec![
                Field::line(
                    "Accepted by: a member of the assessment team (empty: withdrawn)",
                    &by,
                )
                .named(Name::By),
                Field::line("Accepted on (YYYY-MM-DD)", &on).named(Name::Date),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let aid = self.0;
        let accepted = signed(e.get(Name::By), e.get(Name::Date));
        let withdrawn = accepted.is_none();
        edit::accept_action(&mut app.opened.record, aid, accepted, app.today)
            .map_err(|e| refusal(&e))?;
        app.message = Some(if withdrawn {
            format!("{aid}: acceptance withdrawn")
        } else {
            format!("{aid} accepted")
        });
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        FollowUpAction(self.0).show(app);
    }
    fn edits_existing(&self) -> bool {
        true
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// The team's verification of a nonconformity's actions: who, when, effective or not, what
/// was seen and on what evidence. Added to the finding's history.
pub(super) struct Verify<'p>(pub &'p str);

impl Form for Verify<'_> {
    fn describe(&self) -> &'static str {
        "verification"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("verify", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let f = app.opened.record.finding(self.0)?;
        // What shows the actions done is what a verification usually rests on.
        let mut evidence: Vec<&str> = Vec::new();
        for id in f.actions.iter().flat_map(|a| &a.evidence) {
            if !evidence.contains(&id.as_str()) {
                evidence.push(id);
            }
        }
        Some(Editor::new(
            &format!("{} · {}: verify its actions", f.id, f.requirement),
            purpose,
            vec![
                Field::line(
                    "Verified by: the lead auditor for a major, else an auditor",
                    &app.lead_auditor(),
                )
                .named(Name::By),
                Field::line(
                    "Date (YYYY-MM-DD; not before the actions were completed)",
                    &app.today.to_string(),
                )
                .named(Name::Date),
                Field::choice("Outcome (←→)", &OUTCOMES, 0).named(Name::Effective),
                Field::long_line(
                    "Note: what was seen, records of the actions done and working",
                    "",
                )
                .named(Name::Note),
                Field::line(
                    "Evidence it rests on (register ids, comma-separated; Tab completes)",
                    &evidence.join(", "),
                )
                .named(Name::Evidence),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let fid = self.0;
        let effective = EFFECTIVE[e.chosen(Name::Effective)];
        let verification = Verification {
            by: e.get(Name::By),
            date: e.get(Name::Date).trim().to_owned(),
            effective,
            note: e.get(Name::Note),
            evidence: id_list(&e.get(Name::Evidence)),
            ..Default::default()
        };
        edit::verify(&mut app.opened.record, fid, verification, app.today)
            .map_err(|e| refusal(&e))?;
        let state = app
            .opened
            .record
            .finding(fid)
            .map(|f| f.state().describe())
            .unwrap_or_default();
        app.message = Some(format!(
            "{fid} verified {}: {state}",
            OUTCOMES[e.chosen(Name::Effective)]
        ));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        show_row(app, FollowRow::Finding(self.0.to_owned()));
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}
