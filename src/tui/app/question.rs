//! The question screen: ratings, facets, the lists under a requirement, moving on.

use crate::rating::Rating;
use crate::record::{ActionStatus, edit};

use super::{App, Focus, Overlay, Pending, Screen};
use crate::tui::action::Action;
use crate::tui::editor::Purpose;

impl App {
    pub(super) fn id(&self) -> String {
        self.requirement().id.clone()
    }

    pub(super) fn list_len(&self, focus: Focus) -> usize {
        match focus {
            Focus::Question => 0,
            Focus::Findings => self.finding_ids().len(),
            Focus::Actions => self.action_ids().len(),
            Focus::Interviewed => self
                .opened
                .record
                .answer(&self.requirement().id)
                .map_or(0, |a| a.interviewed.len()),
        }
    }

    /// The findings of the requirement on screen, as listed.
    pub fn finding_ids(&self) -> Vec<String> {
        self.opened
            .record
            .findings_for(&self.requirement().id)
            .map(|f| f.id.clone())
            .collect()
    }

    /// The actions of the requirement on screen, finding by finding, as listed.
    pub fn action_ids(&self) -> Vec<String> {
        self.opened
            .record
            .findings_for(&self.requirement().id)
            .flat_map(|f| f.actions.iter().map(|a| a.id.clone()))
            .collect()
    }

    pub(super) fn update_question(&mut self, action: Action) {
        let id = self.id();
        let req = self.requirement().clone();
        match action {
            Action::Next | Action::Down if self.focus == Focus::Question => self.step(1),
            Action::Prev | Action::Up if self.focus == Focus::Question => self.step(-1),
            Action::Down => {
                self.item = (self.item + 1).min(self.list_len(self.focus).saturating_sub(1))
            }
            Action::Up => self.item = self.item.saturating_sub(1),
            Action::First => self.go_to_requirement(self.visible()[0]),
            Action::Last => self.go_to_requirement(*self.visible().last().expect("never empty")),
            Action::ToggleOnlyOpen => {
                self.only_open = !self.only_open;
                self.message = Some(
                    if self.only_open {
                        "the list shows only requirements not yet rated (o shows all again)"
                    } else {
                        "the list shows every requirement (o: only those not yet rated)"
                    }
                    .into(),
                );
            }
            Action::Rate(r) => {
                let rated = edit::rate(&mut self.opened.record, &id, Some(r.into()), None);
                if self.edited(rated).is_some() {
                    self.message = Some(format!("{id} rated {r}"));
                }
            }
            Action::AcceptSuggestion => {
                let scale = &self.opened.questionnaire.questionnaire.scale;
                let suggestion = self
                    .opened
                    .record
                    .answer(&id)
                    .unwrap_or(&Default::default())
                    .suggested(&req, scale);
                match suggestion {
                    Some(r) => self.update_question(Action::Rate(r)),
                    None => self.message = Some("no facet to suggest a rating from".into()),
                }
            }
            Action::CheckAllFacets => {
                if req.facets.is_empty() {
                    self.message = Some(format!("{id} has no facets"));
                    return;
                }
                let mut set = Ok(());
                for facet in &req.facets {
                    set = edit::set_facet(&mut self.opened.record, &req, facet, true);
                    if set.is_err() {
                        break;
                    }
                }
                if self.edited(set).is_some() {
                    self.message = Some(format!(
                        "{id}: every facet checked; = rates what they suggest"
                    ));
                }
            }
            Action::ClearRating => {
                let cleared = edit::rate(&mut self.opened.record, &id, None, None);
                if self.edited(cleared).is_some() {
                    self.message = Some(format!("{id} not yet assessed"));
                }
            }
            Action::NotApplicable => self.open_form(Purpose::Justification(id)),
            Action::ToggleFacet(i) => {
                if let Some(facet) = req.facets.get(i) {
                    let record = &self.opened.record;
                    let on = !record.answer(&id).is_some_and(|a| a.has_facet(facet));
                    let set = edit::set_facet(&mut self.opened.record, &req, facet, on);
                    self.edited(set);
                }
            }
            Action::EditNotes => self.open_form(Purpose::Notes(id)),
            Action::EditWorkingNotes => self.open_form(Purpose::WorkingNotes(id)),
            Action::Paste(text) => {
                // Pasting outside an editor goes to the notes (unless they cannot be edited).
                self.update_question(Action::EditNotes);
                if let Overlay::Editor(editor) = std::mem::replace(&mut self.overlay, Overlay::None)
                {
                    self.update_editor(editor, Action::Paste(text));
                }
            }
            Action::AddFinding => self.open_form(Purpose::Finding(id)),
            Action::AddAction => self.open_form(Purpose::Action(id)),
            Action::AddInterviewee => self.open_form(Purpose::Interviewee(id)),
            Action::EditSampling => self.open_form(Purpose::Sampling(id)),
            Action::JumpTo => self.open_form(Purpose::JumpTo),
            Action::PickEvidence => self.overlay = Overlay::Picker { row: 0 },
            Action::ShowGuidance => self.go(Screen::Guidance),
            Action::FocusNext => {
                let order = [
                    Focus::Question,
                    Focus::Findings,
                    Focus::Actions,
                    Focus::Interviewed,
                ];
                let mut i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
                loop {
                    i = (i + 1) % order.len();
                    if order[i] == Focus::Question || self.list_len(order[i]) > 0 {
                        break;
                    }
                }
                self.focus = order[i];
                self.item = 0;
            }
            Action::Toggle if self.focus == Focus::Actions => {
                if let Some(action) = self.action_ids().get(self.item) {
                    let action = action.clone();
                    let record = &mut self.opened.record;
                    let now = match record.action(&action).map(|(_, a)| a.status) {
                        Some(ActionStatus::Open) => ActionStatus::Closed,
                        _ => ActionStatus::Open,
                    };
                    let set = edit::set_action_status(record, &action, now);
                    if let Some(finding) = self.edited(set) {
                        let record = &self.opened.record;
                        let state = record.finding(&finding).map(|f| f.state().describe());
                        self.message = Some(format!(
                            "{action} {}; {finding} is {}",
                            now.describe(),
                            state.unwrap_or_default()
                        ));
                    }
                }
            }
            // Enter on a finding or an action: read it in full and edit it.
            Action::Open if self.focus == Focus::Findings => {
                if let Some(f) = self.finding_ids().get(self.item) {
                    // Signed off, the finding is as found: what is left to write is the
                    // VSE's response to it.
                    let final_record = self.opened.record.assessment.sign_off().is_some();
                    self.open_form(if final_record && !self.read_only {
                        Purpose::Response(f.clone())
                    } else {
                        Purpose::EditFinding(f.clone())
                    });
                }
            }
            Action::Open if self.focus == Focus::Actions => {
                if let Some(a) = self.action_ids().get(self.item) {
                    self.open_form(Purpose::EditAction(a.clone()));
                }
            }
            Action::Delete if self.item < self.list_len(self.focus) => {
                let record = &self.opened.record;
                let (what, pending) = match self.focus {
                    Focus::Findings => {
                        let f = record
                            .finding(&self.finding_ids()[self.item])
                            .expect("listed");
                        (
                            format!(
                                "finding {} \"{}\" and its {} action(s)",
                                f.id,
                                short(&f.text),
                                f.actions.len()
                            ),
                            Pending::DeleteFinding(f.id.clone()),
                        )
                    }
                    Focus::Actions => {
                        let (_, a) = record
                            .action(&self.action_ids()[self.item])
                            .expect("listed");
                        (
                            format!("action {} \"{}\"", a.id, short(&a.what)),
                            Pending::DeleteAction(a.id.clone()),
                        )
                    }
                    Focus::Interviewed => {
                        let a = record.answer(&id).expect("list not empty");
                        (
                            format!("interviewee {}", a.interviewed[self.item]),
                            Pending::DeleteInterviewee(id, self.item),
                        )
                    }
                    Focus::Question => return,
                };
                self.overlay = Overlay::Confirm {
                    question: format!("Delete {what}?"),
                    pending,
                };
            }
            _ => {}
        }
    }

    /// Moves through the visible requirements; stops at either end.
    pub(super) fn step(&mut self, delta: isize) {
        let n = self.requirements().len();
        // Walk from the requirement on screen: as far as the next visible one, no further.
        let next = if delta > 0 {
            (self.current + 1..n).find(|&i| self.is_visible(i))
        } else {
            (0..self.current).rev().find(|&i| self.is_visible(i))
        };
        match next {
            Some(i) => self.go_to_requirement(i),
            None if delta > 0 => {
                self.message = Some("this is the last requirement: s shows the summary".into())
            }
            None => self.message = Some("this is the first requirement".into()),
        }
    }
}

fn short(s: &str) -> String {
    let s: String = s.chars().take(40).collect();
    s.replace('\n', " ")
}

/// The rating a requirement would get from its facets.
pub fn suggestion(app: &App) -> Option<Rating> {
    let req = app.requirement();
    let answer = app
        .opened
        .record
        .answer(&req.id)
        .cloned()
        .unwrap_or_default();
    answer.suggested(req, &app.opened.questionnaire.questionnaire.scale)
}
