//! The question screen: ratings, facets, the lists under a requirement, moving on.

use crate::rating::Rating;
use crate::record::ActionStatus;

use super::{App, Focus, Overlay, Pending, Screen};
use crate::tui::action::Action;
use crate::tui::editor::Purpose;

impl App {
    pub(super) fn id(&self) -> String {
        self.requirement().id.clone()
    }

    pub(super) fn list_len(&self, focus: Focus) -> usize {
        let Some(a) = self.opened.record.answer(&self.requirement().id) else {
            return 0;
        };
        match focus {
            Focus::Question => 0,
            Focus::Findings => a.findings.len(),
            Focus::Actions => a.actions.len(),
            Focus::Interviewed => a.interviewed.len(),
        }
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
                        "showing open requirements only"
                    } else {
                        "showing all requirements"
                    }
                    .into(),
                );
            }
            Action::Rate(r) => {
                self.opened
                    .record
                    .answer_mut(&id)
                    .set_rating(Some(r.into()));
                self.message = Some(format!("{id} rated {r}"));
                self.changed();
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
            Action::ClearRating => {
                self.opened.record.answer_mut(&id).set_rating(None);
                self.message = Some(format!("{id} not yet assessed"));
                self.changed();
            }
            Action::NotApplicable => self.open_form(Purpose::Justification(id)),
            Action::ToggleFacet(i) => {
                if let Some(facet) = req.facets.get(i) {
                    let a = self.opened.record.answer_mut(&id);
                    let on = !a.has_facet(facet);
                    a.set_facet(&req, facet, on);
                    self.changed();
                }
            }
            Action::EditNotes => self.open_form(Purpose::Notes(id)),
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
                if let Some(a) = self
                    .opened
                    .record
                    .answer_mut(&id)
                    .actions
                    .get_mut(self.item)
                {
                    a.status = match a.status {
                        ActionStatus::Open => ActionStatus::Closed,
                        ActionStatus::Closed => ActionStatus::Open,
                    };
                    self.changed();
                }
            }
            Action::Delete if self.item < self.list_len(self.focus) => {
                let a = self.opened.record.answer(&id).expect("list not empty");
                let (what, pending) = match self.focus {
                    Focus::Findings => (
                        format!("finding \"{}\"", short(&a.findings[self.item].text)),
                        Pending::DeleteFinding(id, self.item),
                    ),
                    Focus::Actions => (
                        format!("action \"{}\"", short(&a.actions[self.item].what)),
                        Pending::DeleteAction(id, self.item),
                    ),
                    Focus::Interviewed => (
                        format!("interviewee {}", a.interviewed[self.item]),
                        Pending::DeleteInterviewee(id, self.item),
                    ),
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
        let visible = self.visible();
        let pos = visible.iter().position(|&i| i == self.current).unwrap_or(0);
        let next = pos as isize + delta;
        if next < 0 {
            self.message = Some("this is the first requirement".into());
        } else if next as usize >= visible.len() {
            self.message = Some("this is the last requirement: s shows the summary".into());
        } else {
            self.go_to_requirement(visible[next as usize]);
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
