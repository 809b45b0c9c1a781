//! Forms in popups and yes/no prompts: how each form opens, what Confirm does with its
//! values, and drafts of unfinished forms.

use crate::diagnostic::field_name;
use crate::rating::Judgement;
use crate::record::{Action as Todo, ActionStatus, Finding, check, check_date};

use super::evidence::{evidence_editor, evidence_from};
use super::setup::setup_hint;
use super::{App, Effect, FINDING_CLASSES, Focus, Overlay, Pending, Screen, setup_label};
use crate::tui::action::Action;
use crate::tui::editor::{Draft, Editor, Field, Purpose};

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
                        Field::choice("Class (←→)", &classes, 1),
                        Field::long_line("Finding", ""),
                    ],
                )
            }
            Purpose::Action(id) if requirement_known(id) => Editor::new(
                &format!("{id} new action"),
                purpose.clone(),
                vec![
                    Field::long_line("What", ""),
                    Field::line("Owner", ""),
                    Field::line("Due (YYYY-MM-DD)", ""),
                ],
            ),
            Purpose::Interviewee(id) if requirement_known(id) => {
                let mut e = Editor::new(
                    &format!("{id} interviewed"),
                    purpose.clone(),
                    vec![Field::line("Name", "")],
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
            Purpose::Setup(index) => {
                let row = *self.setup_rows().get(*index)?;
                Editor::new(
                    &format!("Edit {}", setup_label(row)),
                    purpose.clone(),
                    vec![Field::line(setup_hint(row), &self.setup_value(row))],
                )
            }
            Purpose::NewEvidence => evidence_editor("New evidence", Purpose::NewEvidence, None),
            Purpose::EditEvidence(i) => evidence_editor(
                "Edit evidence",
                purpose.clone(),
                Some(record.evidence.get(*i)?),
            ),
        })
    }

    pub(super) fn open_form(&mut self, purpose: Purpose) {
        if let Some(editor) = self.form(purpose) {
            self.open_editor(editor);
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
                Overlay::Conflict { beneath, .. } => in_overlay(beneath),
                _ => None,
            }
        }
        in_overlay(&self.overlay)
    }

    /// Reopens a form left unfinished in an earlier session, with what was typed in it.
    pub fn restore_draft(&mut self, draft: &Draft) {
        let Some(purpose) = Purpose::from_draft_key(&draft.form, &draft.target) else {
            return;
        };
        let Some(mut editor) = self.form(purpose.clone()) else {
            return;
        };
        for (field, value) in editor.fields.iter_mut().zip(&draft.values) {
            field.set_value(value);
        }
        match &purpose {
            Purpose::Justification(id)
            | Purpose::Finding(id)
            | Purpose::Action(id)
            | Purpose::Interviewee(id) => {
                if let Some(i) = self.requirements().iter().position(|r| &r.id == id) {
                    self.go_to_requirement(i);
                }
            }
            Purpose::Setup(row) => {
                self.screen = Screen::Setup;
                self.setup_row = *row;
            }
            Purpose::NewEvidence | Purpose::EditEvidence(_) => {
                self.screen = Screen::Evidence;
                if let Purpose::EditEvidence(i) = purpose {
                    self.evidence_row = i;
                }
            }
            Purpose::Notes(_) | Purpose::JumpTo => {}
        }
        self.open_editor(editor);
        self.message = Some(format!(
            "your unfinished {} from last time: Enter keeps it, Esc drops it",
            purpose.describe()
        ));
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
            self.opened.record.answer_mut(id).notes = editor.value(0);
            self.changed();
        }
    }

    /// Applies a completed form if the record it makes passes the same check as a record
    /// read from disk; otherwise changes nothing and says what is wrong. A form can never
    /// make a record that cannot be saved.
    fn submit_checked(&mut self, e: &Editor) -> Result<(), String> {
        let before = self.opened.record.clone();
        let effects = self.effects.len();
        self.submit(e)?;
        let problems = check(
            &self.opened.record,
            &self.opened.questionnaire.questionnaire,
        );
        if let Some(p) = problems.first() {
            self.opened.record = before;
            self.effects.truncate(effects);
            return Err(format!("{}: {}", field_name(&p.path), p.message));
        }
        Ok(())
    }

    /// Applies a completed form, or says what is wrong with it.
    fn submit(&mut self, e: &Editor) -> Result<(), String> {
        let record = &mut self.opened.record;
        match &e.purpose {
            Purpose::Notes(_) => {}
            Purpose::Justification(id) => {
                let text = e.value(0).trim().to_owned();
                if text.is_empty() {
                    return Err("not applicable needs a justification (Esc cancels)".into());
                }
                let a = record.answer_mut(id);
                a.set_rating(Some(Judgement::NA));
                a.justification = text;
                self.message = Some(format!("{id} not applicable"));
            }
            Purpose::Finding(id) => {
                let text = e.value(1).trim().to_owned();
                if text.is_empty() {
                    return Err("write the finding (Esc cancels)".into());
                }
                let class = FINDING_CLASSES
                    .into_iter()
                    .find(|c| c.key() == e.value(0))
                    .expect("a listed class");
                record.answer_mut(id).findings.push(Finding { class, text });
            }
            Purpose::Action(id) => {
                let what = e.value(0).trim().to_owned();
                let due = e.value(2).trim().to_owned();
                if what.is_empty() {
                    return Err("say what is to be done (Esc cancels)".into());
                }
                if !due.is_empty() {
                    check_date(&due)?;
                }
                record.answer_mut(id).actions.push(Todo {
                    what,
                    owner: e.value(1).trim().to_owned(),
                    due: (!due.is_empty()).then_some(due),
                    status: ActionStatus::Open,
                });
            }
            Purpose::Interviewee(id) => {
                let name = e.value(0);
                if name.trim().is_empty() {
                    return Err("type a name (Esc cancels)".into());
                }
                record.answer_mut(id).add_interviewee(&name);
            }
            Purpose::JumpTo => {
                let q = &self.opened.questionnaire.questionnaire;
                let id = q
                    .resolve(&e.value(0))
                    .map_err(|_| {
                        format!(
                            "no requirement `{}`: try 7.2.a, 7.2a or OM.a",
                            e.value(0).trim()
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
            Purpose::Setup(row) => self.apply_setup(*row, &e.value(0))?,
            Purpose::NewEvidence => {
                let item = evidence_from(e)?;
                if record.evidence_item(&item.id).is_some() {
                    return Err(format!("`{}` is already in the register", item.id));
                }
                self.effects.push(Effect::HashEvidence {
                    id: item.id.clone(),
                });
                record.evidence.push(item);
                self.evidence_row = record.evidence.len() - 1;
            }
            Purpose::EditEvidence(i) => {
                let mut item = evidence_from(e)?;
                if record
                    .evidence
                    .iter()
                    .enumerate()
                    .any(|(j, x)| j != *i && x.id == item.id)
                {
                    return Err(format!("`{}` is already in the register", item.id));
                }
                let old = &record.evidence[*i];
                item.supports = old.supports.clone();
                if item.location == old.location {
                    item.sha256 = old.sha256.clone();
                } else {
                    self.effects.push(Effect::HashEvidence {
                        id: item.id.clone(),
                    });
                }
                record.evidence[*i] = item;
            }
        }
        self.changed();
        Ok(())
    }

    pub(super) fn apply(&mut self, pending: Pending) {
        let record = &mut self.opened.record;
        match pending {
            Pending::Quit { restore } => {
                // The form stays open, so that the event loop keeps it as a draft.
                self.overlay = *restore;
                self.quit = true;
                return;
            }
            Pending::DeleteFinding(id, i) => {
                record.answer_mut(&id).findings.remove(i);
            }
            Pending::DeleteAction(id, i) => {
                record.answer_mut(&id).actions.remove(i);
            }
            Pending::DeleteInterviewee(id, i) => {
                record.answer_mut(&id).interviewed.remove(i);
            }
            Pending::DeleteEvidence(i) => {
                record.evidence.remove(i);
                self.evidence_row = self
                    .evidence_row
                    .min(record.evidence.len().saturating_sub(1));
            }
        }
        self.item = self.item.min(self.list_len(self.focus).saturating_sub(1));
        if self.list_len(self.focus) == 0 {
            self.focus = Focus::Question;
        }
        self.changed();
    }
}
