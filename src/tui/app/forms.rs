//! Forms in popups and yes/no prompts: what Confirm does with their values.

use crate::rating::Judgement;
use crate::record::{Action as Todo, ActionStatus, Finding, check_date};

use super::evidence::evidence_from;
use super::{App, Effect, FINDING_CLASSES, Focus, Overlay, Pending};
use crate::tui::action::Action;
use crate::tui::editor::{Editor, Purpose};

impl App {
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
            Action::Confirm => match self.submit(&editor) {
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

    /// Applies a completed form, or says what is wrong with it.
    pub(super) fn submit(&mut self, e: &Editor) -> Result<(), String> {
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
