//! Forms in popups and yes/no prompts: how each form opens, what Confirm does with its
//! values, and drafts of unfinished forms.

use crate::diagnostic::field_name;
use crate::rating::Judgement;
use crate::record::{check, edit};

use super::evidence::{evidence_editor, evidence_from};
use super::setup::setup_hint;
use super::{
    App, Effect, FINDING_CLASSES, Focus, Overlay, Pending, Screen, SetupRow, refusal, setup_label,
};
use crate::tui::action::Action;
use crate::tui::editor::{Draft, Editor, Field, FieldKind, Name, Purpose};
use ratatui_textarea::Key;

/// What a form says when a letter is typed into a choice.
const CHOICE_KEYS: &str = "this is a choice: ←/→ or Space change it, Tab goes to the next field";

impl App {
    /// The form for `purpose`, filled with what the record holds now; None when what it is
    /// about no longer exists (an evidence item removed since a draft was kept).
    pub(super) fn form(&self, purpose: Purpose) -> Option<Editor> {
        let record = &self.opened.record;
        let answer = |id: &str| record.answer(id).cloned().unwrap_or_default();
        let requirement_known = |id: &str| {
            self.opened
                .questionnaire
                .questionnaire
                .requirement(id)
                .is_some()
        };
        Some(match &purpose {
            Purpose::Notes(id) => {
                let notes = answer(id).notes;
                Editor::new(
                    &format!("{id} notes"),
                    purpose.clone(),
                    vec![Field::multiline("Notes", &notes)],
                )
            }
            Purpose::Justification(id) => {
                let current = answer(id).justification;
                Editor::new(
                    &format!("{id} not applicable: why?"),
                    purpose.clone(),
                    vec![Field::long_line("Justification", &current)],
                )
            }
            Purpose::Finding(id) if requirement_known(id) => {
                let classes: Vec<&str> = FINDING_CLASSES.iter().map(|c| c.key()).collect();
                Editor::new(
                    &format!("{id} new finding"),
                    purpose.clone(),
                    vec![
                        Field::choice("Class (←→)", &classes, 1).named(Name::Class),
                        Field::long_line("Finding", ""),
                    ],
                )
            }
            Purpose::Action(id) if requirement_known(id) => {
                // Actions belong to findings: nonconformities first, as they need them most.
                let mut findings: Vec<&crate::record::Finding> = record.findings_for(id).collect();
                findings.sort_by_key(|f| !f.class.is_nonconformity());
                let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
                if ids.is_empty() {
                    return None;
                }
                Editor::new(
                    &format!("{id} new action"),
                    purpose.clone(),
                    vec![
                        Field::choice("For finding (←→)", &ids, 0).named(Name::Finding),
                        Field::long_line("What", "").named(Name::What),
                        Field::line("Owner", "").named(Name::Owner),
                        Field::line("Due (YYYY-MM-DD)", "").named(Name::Due),
                    ],
                )
            }
            Purpose::EditFinding(fid) => {
                let f = record.finding(fid)?;
                let classes: Vec<&str> = FINDING_CLASSES.iter().map(|c| c.key()).collect();
                let class = FINDING_CLASSES.iter().position(|c| *c == f.class)?;
                let rows = |mut field: Field, rows| {
                    field.rows = rows;
                    field
                };
                Editor::new(
                    &format!("{} · {}", f.id, f.requirement),
                    purpose.clone(),
                    vec![
                        Field::choice("Class (←→)", &classes, class).named(Name::Class),
                        Field::long_line("Finding", &f.text),
                        rows(Field::long_line("Correction", &f.correction), 2)
                            .named(Name::Correction),
                        rows(Field::long_line("Root cause", &f.root_cause), 2)
                            .named(Name::RootCause),
                        Field::line(
                            "Evidence cited (ids, comma-separated)",
                            &f.evidence.join(", "),
                        )
                        .named(Name::Evidence),
                    ],
                )
            }
            Purpose::EditAction(aid) => {
                let (f, a) = record.action(aid)?;
                Editor::new(
                    &format!("{} of {}", a.id, f.id),
                    purpose.clone(),
                    vec![
                        Field::long_line("What", &a.what).named(Name::What),
                        Field::line("Owner", &a.owner).named(Name::Owner),
                        Field::line("Due (YYYY-MM-DD)", a.due.as_deref().unwrap_or(""))
                            .named(Name::Due),
                    ],
                )
            }
            Purpose::Interviewee(id) if requirement_known(id) => {
                let mut e = Editor::new(
                    &format!("{id} interviewed"),
                    purpose.clone(),
                    vec![Field::line(
                        "Names (Tab completes a participant; `;` between names)",
                        "",
                    )],
                );
                let names: Vec<&str> = record
                    .assessment
                    .participants
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                if !names.is_empty() {
                    e.error = Some(format!("Participants: {}", names.join(", ")));
                }
                e
            }
            Purpose::Finding(_) | Purpose::Action(_) | Purpose::Interviewee(_) => return None,
            Purpose::JumpTo => Editor::new(
                "Go to requirement",
                Purpose::JumpTo,
                vec![Field::line("Id (7.2.a, 7.2a, OM.a)", "")],
            ),
            Purpose::Setup(row) => {
                let row = *row;
                row.key()?;
                // Paragraphs and lists of sessions get several lines, sentences room, names
                // and lists one line.
                let field = match row {
                    SetupRow::Sessions
                    | SetupRow::AuditPlan
                    | SetupRow::Conclusions
                    | SetupRow::Objectives
                    | SetupRow::Scope
                    | SetupRow::RemoteMethod
                    | SetupRow::NotCovered
                    | SetupRow::DivergingOpinions
                    | SetupRow::Distribution
                    | SetupRow::Confidentiality => Field::long_line,
                    _ => Field::line,
                };
                let value = self.setup_value(row);
                Editor::new(
                    &format!("Edit {}", setup_label(row)),
                    purpose.clone(),
                    vec![field(setup_hint(row), &value)],
                )
            }
            Purpose::SignOff => Editor::new(
                "Sign off: the record becomes final",
                Purpose::SignOff,
                vec![
                    Field::line("Signed off by", "").named(Name::By),
                    Field::line("Date (YYYY-MM-DD)", &self.today.to_string()).named(Name::Date),
                ],
            ),
            Purpose::Condition(cid) => {
                let q = &self.opened.questionnaire.questionnaire;
                let c = q.conditions.iter().find(|c| c.id == *cid)?;
                let answer = record.conditions.get(&c.id).cloned().unwrap_or_default();
                let met = match record.conditions.get(&c.id) {
                    Some(a) if a.met => 0,
                    Some(_) => 1,
                    None => 2,
                };
                Editor::new(
                    &format!("Clause 6 condition {}", c.id),
                    purpose.clone(),
                    vec![
                        Field::choice("Met (←→)", &["yes", "no", "not answered"], met)
                            .named(Name::Met),
                        Field::long_line("Note", &answer.note).named(Name::Note),
                        Field::line(
                            "Evidence (ids, comma-separated)",
                            &answer.evidence.join(", "),
                        )
                        .named(Name::Evidence),
                    ],
                )
            }
            Purpose::Sampling(id) => {
                let sampled = answer(id).sampling;
                Editor::new(
                    &format!("{id} sampled"),
                    purpose.clone(),
                    vec![Field::long_line(
                        "What was sampled: projects, period, records seen, how many of how many",
                        &sampled,
                    )],
                )
            }
            Purpose::NewEvidence => evidence_editor("New evidence", Purpose::NewEvidence, None),
            Purpose::EditEvidence(id) => evidence_editor(
                "Edit evidence",
                purpose.clone(),
                Some(record.evidence_item(id)?),
            ),
        })
    }

    pub(super) fn open_form(&mut self, purpose: Purpose) {
        match self.form(purpose.clone()) {
            Some(editor) => self.open_editor(editor),
            None if matches!(purpose, Purpose::Action(_)) => {
                self.message = Some("actions belong to findings: record a finding first (m)".into())
            }
            None => {}
        }
    }

    /// The unfinished form on screen, if any: what to keep if the interview ends now.
    pub fn draft(&self) -> Option<Draft> {
        fn in_overlay(o: &Overlay) -> Option<Draft> {
            match o {
                Overlay::Editor(e) => e.draft(),
                Overlay::Confirm {
                    pending: Pending::Quit { restore },
                    ..
                } => in_overlay(restore),
                Overlay::Conflict { beneath, .. } | Overlay::Notice { beneath, .. } => {
                    in_overlay(beneath)
                }
                _ => None,
            }
        }
        in_overlay(&self.overlay)
    }

    /// Reopens a form left unfinished in an earlier session, with what was typed in it.
    /// False when what it was about is gone (the draft is then left where it is).
    pub fn restore_draft(&mut self, draft: &Draft) -> bool {
        let Some(purpose) = Purpose::from_draft_key(&draft.form, &draft.target) else {
            return false;
        };
        let Some(mut editor) = self.form(purpose.clone()) else {
            return false;
        };
        // Another thing under the same id now, or changed since: not this draft's.
        if !draft.was.is_empty() && editor.opened_with() != draft.was.as_slice() {
            return false;
        }
        for (field, value) in editor.fields.iter_mut().zip(&draft.values) {
            if !field.set_value(value) {
                return false;
            }
        }
        match &purpose {
            Purpose::Justification(id)
            | Purpose::Finding(id)
            | Purpose::Action(id)
            | Purpose::Interviewee(id) => self.show_requirement(id),
            Purpose::EditFinding(fid) => {
                if let Some(req) = self
                    .opened
                    .record
                    .finding(fid)
                    .map(|f| f.requirement.clone())
                {
                    self.show_requirement(&req);
                }
            }
            Purpose::EditAction(aid) => {
                if let Some((f, _)) = self.opened.record.action(aid) {
                    let req = f.requirement.clone();
                    self.show_requirement(&req);
                }
            }
            Purpose::Setup(row) => {
                self.screen = Screen::Setup;
                self.setup_row = self.setup_rows().iter().position(|r| r == row).unwrap_or(0);
            }
            Purpose::SignOff => {
                self.screen = Screen::Setup;
                self.setup_row = 0;
            }
            Purpose::Condition(cid) => {
                self.screen = Screen::Setup;
                let q = &self.opened.questionnaire.questionnaire;
                let i = q.conditions.iter().position(|c| c.id == *cid);
                self.setup_row = self
                    .setup_rows()
                    .iter()
                    .position(|r| Some(*r) == i.map(SetupRow::Condition))
                    .unwrap_or(0);
            }
            Purpose::Sampling(id) => self.show_requirement(id),
            Purpose::NewEvidence | Purpose::EditEvidence(_) => {
                self.screen = Screen::Evidence;
                if let Purpose::EditEvidence(id) = &purpose {
                    let register = &self.opened.record.evidence;
                    self.evidence_row = register.iter().position(|e| e.id == *id).unwrap_or(0);
                }
            }
            Purpose::Notes(_) | Purpose::JumpTo => {}
        }
        self.open_editor(editor);
        self.message = Some(format!(
            "your unfinished {} from last time: Enter keeps it, Esc drops it",
            purpose.describe()
        ));
        true
    }

    fn show_requirement(&mut self, id: &str) {
        if let Some(i) = self.requirements().iter().position(|r| r.id == id) {
            self.go_to_requirement(i);
        }
    }

    pub(super) fn open_editor(&mut self, editor: Editor) {
        if self.read_only && editor.purpose != Purpose::JumpTo {
            self.message = Some("read-only: nothing can be changed here".into());
            return;
        }
        self.overlay = Overlay::Editor(editor);
    }

    pub(super) fn update_editor(&mut self, mut editor: Editor, action: Action) {
        let live_notes = matches!(editor.purpose, Purpose::Notes(_));
        match action {
            Action::Back => {
                // Notes are kept as typed; other forms are cancelled.
                return;
            }
            Action::Input(input) => {
                // A choice takes no typing: say which keys change it rather than nothing.
                let on_choice = matches!(editor.focused().kind, FieldKind::Choice { .. });
                if on_choice && matches!(input.key, Key::Char(c) if c != ' ') {
                    editor.error = Some(CHOICE_KEYS.into());
                } else if on_choice && editor.error.as_deref() == Some(CHOICE_KEYS) {
                    editor.error = None;
                }
                let changed = editor.input(input);
                if changed && live_notes {
                    self.sync_notes(&editor);
                }
            }
            Action::Paste(text) => {
                let changed = editor.paste(&text);
                if changed && live_notes {
                    self.sync_notes(&editor);
                }
            }
            // Who was interviewed: Tab completes the name being typed from the participants.
            Action::NextField if matches!(editor.purpose, Purpose::Interviewee(_)) => {
                let participants: Vec<&str> = self
                    .opened
                    .record
                    .assessment
                    .participants
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                match complete_name(&editor.get(Name::Text), &participants) {
                    Some(done) => {
                        editor.fields[0].set_value(&done);
                    }
                    None => editor.error = Some("no participant starts like that".into()),
                }
            }
            Action::NextField => editor.next_field(),
            Action::PrevField => editor.prev_field(),
            Action::Confirm if live_notes => return,
            Action::Confirm if !editor.on_last_field() => editor.next_field(),
            Action::Confirm => match self.submit_checked(&editor) {
                Ok(()) => return,
                Err(e) => editor.error = Some(e),
            },
            _ => {}
        }
        self.overlay = Overlay::Editor(editor);
    }

    pub(super) fn sync_notes(&mut self, editor: &Editor) {
        if let Purpose::Notes(id) = &editor.purpose {
            let set = edit::set_notes(&mut self.opened.record, id, &editor.get(Name::Text));
            self.edited(set);
        }
    }

    /// Applies a completed form if the record it makes passes the same check as a record
    /// read from disk; otherwise changes nothing and says what is wrong. A form can never
    /// make a record that cannot be saved.
    fn submit_checked(&mut self, e: &Editor) -> Result<(), String> {
        // A form that edits something must still find it as it was when the form opened: a
        // reload or another editor may have changed it, or put another thing under its id.
        let edits_existing = matches!(
            e.purpose,
            Purpose::EditFinding(_) | Purpose::EditAction(_) | Purpose::EditEvidence(_)
        );
        if edits_existing
            && self
                .form(e.purpose.clone())
                .is_none_or(|now| now.opened_with() != e.opened_with())
        {
            return Err("it changed since this form opened: Esc, then open it again".into());
        }
        // Presented here too, with how to reopen; the edit layer refuses it anyway.
        if e.purpose != Purpose::JumpTo && self.opened.record.assessment.sign_off().is_some() {
            self.message = Some(super::setup::FINAL_NOTE.into());
            return Ok(());
        }
        let before = self.opened.record.clone();
        let effects = self.effects.len();
        // Refused, by the form's own rules or by the record check: nothing changes.
        let result = self.submit(e).and_then(|()| {
            let q = &self.opened.questionnaire.questionnaire;
            match check(&self.opened.record, q).first() {
                Some(p) => Err(format!("{}: {}", field_name(&p.path), p.message)),
                None => Ok(()),
            }
        });
        if result.is_err() {
            self.opened.record = before;
            self.effects.truncate(effects);
            self.register_changed();
        }
        result
    }

    /// Applies a completed form, or says what is wrong with it.
    fn submit(&mut self, e: &Editor) -> Result<(), String> {
        let record = &mut self.opened.record;
        match &e.purpose {
            Purpose::Notes(_) => {}
            Purpose::Justification(id) => {
                edit::rate(record, id, Some(Judgement::NA), Some(&e.get(Name::Text)))
                    .map_err(|e| format!("{} (Esc cancels)", refusal(&e)))?;
                self.message = Some(format!("{id} not applicable"));
            }
            Purpose::Finding(id) => {
                let class = class_of(e);
                let new = edit::NewFinding {
                    requirement: id.clone(),
                    class,
                    text: e.get(Name::Text),
                    ..Default::default()
                };
                let q = &self.opened.questionnaire.questionnaire;
                let fid = edit::add_finding(record, q, new).map_err(|e| refusal(&e))?;
                self.message = Some(format!("{fid} recorded"));
            }
            Purpose::Action(_) => {
                let finding = e.get(Name::Finding);
                let aid = edit::add_action(
                    record,
                    &finding,
                    &e.get(Name::What),
                    &e.get(Name::Owner),
                    Some(&e.get(Name::Due)),
                )
                .map_err(|e| refusal(&e))?;
                self.message = Some(format!("{aid} planned for {finding}"));
            }
            Purpose::EditFinding(fid) => {
                let class = class_of(e);
                let typed = id_list(&e.get(Name::Evidence));
                let cited = record
                    .finding(fid)
                    .map(|f| f.evidence.clone())
                    .unwrap_or_default();
                let change = edit::FindingChange {
                    text: Some(e.get(Name::Text)),
                    class: Some(class),
                    uncite: cited.into_iter().filter(|c| !typed.contains(c)).collect(),
                    evidence: typed,
                    correction: Some(e.get(Name::Correction)),
                    root_cause: Some(e.get(Name::RootCause)),
                    ..Default::default()
                };
                let now = edit::edit_finding(record, fid, change).map_err(|e| refusal(&e))?;
                self.message = Some(if now == *fid {
                    format!("{now} changed")
                } else {
                    format!("{fid} is now {now}")
                });
            }
            Purpose::EditAction(aid) => {
                let (what, owner, due) = (e.get(Name::What), e.get(Name::Owner), e.get(Name::Due));
                edit::edit_action(record, aid, &what, &owner, Some(&due))
                    .map_err(|e| refusal(&e))?;
                self.message = Some(format!("{aid} changed"));
            }
            Purpose::Interviewee(id) => {
                // Several people at once, each a name of their own (a name may hold a comma:
                // "Reyes, Sofia").
                let names = edit::name_list(&e.get(Name::Text));
                edit::add_interviewees(record, id, &names).map_err(|e| match e {
                    edit::Refused::Invalid { .. } => "type a name (Esc cancels)".to_string(),
                    e => refusal(&e),
                })?;
            }
            Purpose::JumpTo => {
                let q = &self.opened.questionnaire.questionnaire;
                let id = q
                    .resolve(&e.get(Name::Text))
                    .map_err(|_| {
                        format!(
                            "no requirement `{}`: try 7.2.a, 7.2a or OM.a",
                            e.get(Name::Text).trim()
                        )
                    })?
                    .id
                    .clone();
                let index = q
                    .requirements
                    .iter()
                    .position(|r| r.id == id)
                    .expect("resolved");
                self.go_to_requirement(index);
                return Ok(());
            }
            Purpose::Condition(cid) => {
                let q = &self.opened.questionnaire.questionnaire;
                let cid = cid.clone();
                let met = match e.get(Name::Met).as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                };
                let change = edit::ConditionChange {
                    met,
                    note: Some(e.get(Name::Note)),
                    evidence: id_list(&e.get(Name::Evidence)),
                    replace_evidence: true,
                };
                edit::answer_condition(record, q, &cid, change).map_err(|e| match e {
                    edit::Refused::NotFound { id, .. } => {
                        format!("no evidence `{id}` in the register (v opens it)")
                    }
                    e => refusal(&e),
                })?;
                self.message = Some(match met {
                    Some(_) => format!("clause 6 condition {cid} answered"),
                    None => format!("clause 6 condition {cid} not answered"),
                });
            }
            Purpose::Sampling(id) => {
                edit::set_sampling(record, id, &e.get(Name::Text)).map_err(|e| refusal(&e))?;
                self.message = Some(format!("{id}: what was sampled recorded"));
            }
            // Unchanged: nothing to apply (a list read back from one line could change).
            Purpose::Setup(_) if !e.is_changed() => return Ok(()),
            Purpose::Setup(row) => self.apply_setup(*row, &e.get(Name::Text))?,
            Purpose::SignOff => {
                let q = &self.opened.questionnaire.questionnaire;
                edit::finalize(record, q, &e.get(Name::By), &e.get(Name::Date), self.today)
                    .map_err(|e| refusal(&e))?;
                self.message =
                    Some("signed off: the record is final and can no longer be changed".into());
            }
            Purpose::NewEvidence => {
                let item = evidence_from(e);
                let id = item.id.clone();
                let q = &self.opened.questionnaire.questionnaire;
                edit::add_evidence(record, q, item).map_err(|e| refusal(&e))?;
                self.effects.push(Effect::HashEvidence { id });
                self.evidence_row = record.evidence.len() - 1;
                self.register_changed();
            }
            Purpose::EditEvidence(was) => {
                let item = evidence_from(e);
                let id = item.id.clone();
                let q = &self.opened.questionnaire.questionnaire;
                let moved = edit::edit_evidence(record, q, was, item).map_err(|e| refusal(&e))?;
                if moved {
                    self.effects.push(Effect::HashEvidence { id });
                }
                self.register_changed();
            }
        }
        self.changed();
        Ok(())
    }

    pub(super) fn apply(&mut self, pending: Pending) {
        let record = &mut self.opened.record;
        let removed = match pending {
            Pending::Quit { restore } => {
                // The form stays open, so that the event loop keeps it as a draft.
                self.overlay = *restore;
                self.quit = true;
                return;
            }
            Pending::DeleteFinding(id) => edit::remove_finding(record, &id).map(drop),
            Pending::DeleteAction(id) => edit::remove_action(record, &id).map(drop),
            Pending::DeleteInterviewee(id, i) => edit::remove_interviewee(record, &id, i).map(drop),
            Pending::DeleteEvidence(id) => {
                let removed = edit::remove_evidence(record, &id).map(drop);
                self.evidence_row = self
                    .evidence_row
                    .min(record.evidence.len().saturating_sub(1));
                self.register_changed();
                removed
            }
        };
        if self.edited(removed).is_none() {
            return;
        }
        self.item = self.item.min(self.list_len(self.focus).saturating_sub(1));
        if self.list_len(self.focus) == 0 {
            self.focus = Focus::Question;
        }
    }
}

/// Ids typed as a list, separated by commas or semicolons (an id may hold a space).
fn id_list(typed: &str) -> Vec<String> {
    typed
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The names typed so far with the last one completed from `participants` (the first that
/// starts like it, in any case, and is not listed yet), ready for the next: `Sofia Reyes; `.
pub fn complete_name(typed: &str, participants: &[&str]) -> Option<String> {
    let (head, last) = match typed.rfind(';') {
        Some(i) => (&typed[..=i], typed[i + 1..].trim()),
        None => ("", typed.trim()),
    };
    let listed: Vec<&str> = head.split(';').map(str::trim).collect();
    let last = last.to_lowercase();
    let name = participants
        .iter()
        .find(|p| p.to_lowercase().starts_with(&last) && !listed.contains(p))?;
    let sep = if head.is_empty() { "" } else { " " };
    Some(format!("{head}{sep}{name}; "))
}

/// The finding class chosen in a form.
fn class_of(e: &Editor) -> crate::record::FindingClass {
    let key = e.get(Name::Class);
    FINDING_CLASSES
        .into_iter()
        .find(|c| c.key() == key)
        .expect("a listed class")
}
