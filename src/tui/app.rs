//! The interview's state and the one function that changes it, [`App::update`]. No terminal
//! and no file I/O here: the event loop saves when [`App::dirty`] is set and hashes evidence
//! files named in [`App::take_effects`].

use crate::conformance;
use crate::questionnaire::Requirement;
use crate::rating::{Judgement, Rating};
use crate::record::store::Opened;
use crate::record::{
    Action as Todo, ActionStatus, Evidence, EvidenceKind, Finding, FindingClass, Kind, Person,
    Session, Status,
};

use super::action::Action;
use super::editor::{Editor, Field, Purpose};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Setup,
    Question,
    Guidance,
    Evidence,
    Summary,
    Help,
}

/// Where the arrow keys go on the question screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Question,
    Findings,
    Actions,
    Interviewed,
}

/// What happens when the user answers yes to a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    DeleteFinding(String, usize),
    DeleteAction(String, usize),
    DeleteInterviewee(String, usize),
    DeleteEvidence(usize),
}

#[derive(Debug, Clone)]
pub enum Overlay {
    None,
    Editor(Editor),
    Confirm {
        question: String,
        pending: Pending,
    },
    /// Evidence items to link to the requirement on screen.
    Picker {
        row: usize,
    },
    /// The file changed on disk under us: reload it, or keep ours under a new name.
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed since the file was opened.
    Unchanged,
    Saved {
        at: String,
    },
    Failed {
        error: String,
    },
    /// Someone else changed the file; nothing is saved until the user decides.
    Conflict,
}

/// Work for the event loop that needs the file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Hash the evidence item's location if it is a readable local file.
    HashEvidence { id: String },
    /// Replace what is in memory with the file on disk.
    Reload,
    /// Write what is in memory to a new file beside the changed one, and go on there.
    KeepMine,
}

/// What the keymap needs to know to turn a key into an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal(Screen, Focus),
    Editing { enter_is_newline: bool },
    Confirm,
    Picker,
    Conflict,
}

pub const FINDING_CLASSES: [FindingClass; 5] = FindingClass::ALL;
const EVIDENCE_KINDS: [EvidenceKind; 5] = [
    EvidenceKind::Document,
    EvidenceKind::Record,
    EvidenceKind::Interview,
    EvidenceKind::Observation,
    EvidenceKind::Url,
];

/// Rows of the setup form before the clause 6 conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRow {
    Vse,
    Kind,
    Status,
    Client,
    Objectives,
    Processes,
    Sites,
    Team,
    Participants,
    Sessions,
    Condition(usize),
}

const SETUP_FIXED: [SetupRow; 10] = [
    SetupRow::Vse,
    SetupRow::Kind,
    SetupRow::Status,
    SetupRow::Client,
    SetupRow::Objectives,
    SetupRow::Processes,
    SetupRow::Sites,
    SetupRow::Team,
    SetupRow::Participants,
    SetupRow::Sessions,
];

pub struct App {
    pub opened: Opened,
    pub theme: super::theme::Theme,
    pub screen: Screen,
    history: Vec<Screen>,
    /// Index of the requirement on screen, in questionnaire order.
    pub current: usize,
    /// Show and visit only requirements not yet rated.
    pub only_open: bool,
    pub focus: Focus,
    /// Selected item of the focused list.
    pub item: usize,
    pub setup_row: usize,
    pub evidence_row: usize,
    pub summary_row: usize,
    pub scroll: u16,
    pub overlay: Overlay,
    /// The record changed and is not yet on disk.
    pub dirty: bool,
    /// Opened with --read-only: changes are refused.
    pub read_only: bool,
    pub save: SaveState,
    pub message: Option<String>,
    pub quit: bool,
    effects: Vec<Effect>,
}

impl App {
    /// Opens on the setup form for a record without a VSE name, else on the first question
    /// not yet rated.
    pub fn new(opened: Opened) -> App {
        let first_open = opened
            .questionnaire
            .questionnaire
            .requirements
            .iter()
            .position(|r| opened.record.answer(&r.id).and_then(|a| a.rating).is_none())
            .unwrap_or(0);
        let screen = if opened.record.assessment.vse.trim().is_empty() {
            Screen::Setup
        } else {
            Screen::Question
        };
        App {
            opened,
            theme: super::theme::Theme::MONO,
            screen,
            history: Vec::new(),
            current: first_open,
            only_open: false,
            focus: Focus::Question,
            item: 0,
            setup_row: 0,
            evidence_row: 0,
            summary_row: 0,
            scroll: 0,
            overlay: Overlay::None,
            dirty: false,
            read_only: false,
            save: SaveState::Unchanged,
            message: None,
            quit: false,
            effects: Vec::new(),
        }
    }

    pub fn requirements(&self) -> &[Requirement] {
        &self.opened.questionnaire.questionnaire.requirements
    }

    pub fn requirement(&self) -> &Requirement {
        &self.requirements()[self.current]
    }

    pub fn rating_of(&self, id: &str) -> Option<Judgement> {
        self.opened.record.answer(id).and_then(|a| a.rating)
    }

    /// Requirements listed in the side list: all, or the open ones (and the one on screen).
    pub fn visible(&self) -> Vec<usize> {
        (0..self.requirements().len())
            .filter(|&i| {
                !self.only_open
                    || i == self.current
                    || self.rating_of(&self.requirements()[i].id).is_none()
            })
            .collect()
    }

    pub fn setup_rows(&self) -> Vec<SetupRow> {
        let n = self.opened.questionnaire.questionnaire.conditions.len();
        SETUP_FIXED
            .into_iter()
            .chain((0..n).map(SetupRow::Condition))
            .collect()
    }

    /// Requirement ids the summary lists: those that block a conformance claim.
    pub fn summary_rows(&self) -> Vec<String> {
        let eval = conformance::evaluate(
            &self.opened.questionnaire.questionnaire,
            &self.opened.record,
        );
        eval.blockers.iter().map(|(id, _)| id.to_string()).collect()
    }

    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Overlay::Editor(e) => Mode::Editing {
                enter_is_newline: e.enter_is_newline(),
            },
            Overlay::Confirm { .. } => Mode::Confirm,
            Overlay::Picker { .. } => Mode::Picker,
            Overlay::Conflict => Mode::Conflict,
            Overlay::None => Mode::Normal(self.screen, self.focus),
        }
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn saved(&mut self, at: String) {
        self.dirty = false;
        self.save = SaveState::Saved { at };
    }

    pub fn save_failed(&mut self, error: String) {
        self.save = SaveState::Failed { error };
    }

    /// The file changed on disk: stop saving and ask what to do.
    pub fn conflict(&mut self) {
        self.save = SaveState::Conflict;
        self.overlay = Overlay::Conflict;
    }

    /// Whether the loop may write the record now.
    pub fn may_save(&self) -> bool {
        self.dirty && !self.read_only && self.save != SaveState::Conflict
    }

    /// After a reload or a save under a new name: the conflict is over.
    pub fn resolved(&mut self, opened: Opened, message: String) {
        let current = self.requirement().id.clone();
        self.opened = opened;
        self.current = self
            .requirements()
            .iter()
            .position(|r| r.id == current)
            .unwrap_or(0);
        self.dirty = false;
        self.save = SaveState::Unchanged;
        self.overlay = Overlay::None;
        self.message = Some(message);
    }

    fn changed(&mut self) {
        self.dirty = true;
    }

    fn go(&mut self, screen: Screen) {
        if self.screen != screen {
            self.history.push(self.screen);
            self.screen = screen;
            self.scroll = 0;
        }
    }

    fn go_to_requirement(&mut self, index: usize) {
        self.current = index;
        self.focus = Focus::Question;
        self.item = 0;
        self.history.clear();
        self.screen = Screen::Question;
    }

    pub fn update(&mut self, action: Action) {
        if self.read_only {
            // Opened read-only: look anywhere, change nothing.
            let before = self.opened.record.clone();
            self.apply_action(action);
            if self.opened.record != before {
                self.opened.record = before;
                self.message = Some("read-only: nothing can be changed here".into());
            }
            self.dirty = false;
            return;
        }
        self.apply_action(action);
    }

    fn apply_action(&mut self, action: Action) {
        self.message = None;
        match action {
            Action::Quit => {
                self.quit = true;
                return;
            }
            // Every change is already saved; Ctrl+S writes anyway, for peace of mind.
            Action::Save => {
                self.dirty = true;
                return;
            }
            _ => {}
        }
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::Editor(editor) => self.update_editor(editor, action),
            Overlay::Confirm { question, pending } => match action {
                Action::Yes => self.apply(pending),
                Action::No | Action::Back => {}
                _ => self.overlay = Overlay::Confirm { question, pending },
            },
            Overlay::Picker { row } => self.update_picker(row, action),
            Overlay::Conflict => match action {
                Action::Reload => self.effects.push(Effect::Reload),
                Action::KeepMine => self.effects.push(Effect::KeepMine),
                _ => self.overlay = Overlay::Conflict,
            },
            Overlay::None => self.update_screen(action),
        }
    }

    fn update_screen(&mut self, action: Action) {
        match action {
            Action::Help => self.go(Screen::Help),
            Action::ShowSummary => {
                self.summary_row = 0;
                self.go(Screen::Summary)
            }
            Action::ShowEvidence => self.go(Screen::Evidence),
            Action::ShowSetup => self.go(Screen::Setup),
            Action::Back => self.back(),
            _ => match self.screen {
                Screen::Question => self.update_question(action),
                Screen::Setup => self.update_setup(action),
                Screen::Evidence => self.update_evidence(action),
                Screen::Summary => self.update_summary(action),
                Screen::Guidance | Screen::Help => match action {
                    Action::Up | Action::Prev => self.scroll = self.scroll.saturating_sub(1),
                    Action::Down | Action::Next => self.scroll = self.scroll.saturating_add(1),
                    _ => {}
                },
            },
        }
    }

    fn back(&mut self) {
        if self.screen == Screen::Question && self.focus != Focus::Question {
            self.focus = Focus::Question;
            return;
        }
        match self.history.pop() {
            Some(s) => {
                self.screen = s;
                self.scroll = 0;
            }
            None if self.screen != Screen::Question => self.screen = Screen::Question,
            None => self.message = Some("q quits; every answer is already saved".into()),
        }
    }

    fn id(&self) -> String {
        self.requirement().id.clone()
    }

    fn list_len(&self, focus: Focus) -> usize {
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

    fn update_question(&mut self, action: Action) {
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
            Action::NotApplicable => {
                let current = self
                    .opened
                    .record
                    .answer(&id)
                    .map(|a| a.justification.clone())
                    .unwrap_or_default();
                self.open_editor(Editor::new(
                    &format!("{id} not applicable: why?"),
                    Purpose::Justification(id),
                    vec![Field::long_line("Justification", &current)],
                ));
            }
            Action::ToggleFacet(i) => {
                if let Some(facet) = req.facets.get(i) {
                    let a = self.opened.record.answer_mut(&id);
                    let on = !a.has_facet(facet);
                    a.set_facet(&req, facet, on);
                    self.changed();
                }
            }
            Action::EditNotes => {
                let notes = self
                    .opened
                    .record
                    .answer(&id)
                    .map(|a| a.notes.clone())
                    .unwrap_or_default();
                self.open_editor(Editor::new(
                    &format!("{id} notes"),
                    Purpose::Notes(id),
                    vec![Field::multiline("Notes", &notes)],
                ));
            }
            Action::Paste(text) => {
                // Pasting outside an editor goes to the notes (unless they cannot be edited).
                self.update_question(Action::EditNotes);
                if let Overlay::Editor(editor) = std::mem::replace(&mut self.overlay, Overlay::None)
                {
                    self.update_editor(editor, Action::Paste(text));
                }
            }
            Action::AddFinding => {
                let classes: Vec<&str> = FINDING_CLASSES.iter().map(|c| c.key()).collect();
                self.open_editor(Editor::new(
                    &format!("{id} new finding"),
                    Purpose::Finding(id),
                    vec![
                        Field::choice("Class (←→)", &classes, 1),
                        Field::long_line("Finding", ""),
                    ],
                ));
            }
            Action::AddAction => self.open_editor(Editor::new(
                &format!("{id} new action"),
                Purpose::Action(id),
                vec![
                    Field::long_line("What", ""),
                    Field::line("Owner", ""),
                    Field::line("Due (YYYY-MM-DD)", ""),
                ],
            )),
            Action::AddInterviewee => {
                let mut e = Editor::new(
                    &format!("{id} interviewed"),
                    Purpose::Interviewee(id),
                    vec![Field::line("Name", "")],
                );
                let names: Vec<&str> = self
                    .opened
                    .record
                    .assessment
                    .participants
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                if !names.is_empty() {
                    e.error = Some(format!("Participants: {}", names.join(", ")));
                }
                self.open_editor(e);
            }
            Action::JumpTo => self.open_editor(Editor::new(
                "Go to requirement",
                Purpose::JumpTo,
                vec![Field::line("Id (7.2.a, 7.2a, OM.a)", "")],
            )),
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
    fn step(&mut self, delta: isize) {
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

    fn open_editor(&mut self, editor: Editor) {
        if self.read_only && editor.purpose != Purpose::JumpTo {
            self.message = Some("read-only: nothing can be changed here".into());
            return;
        }
        self.overlay = Overlay::Editor(editor);
    }

    fn update_editor(&mut self, mut editor: Editor, action: Action) {
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

    fn sync_notes(&mut self, editor: &Editor) {
        if let Purpose::Notes(id) = &editor.purpose {
            self.opened.record.answer_mut(id).notes = editor.value(0);
            self.changed();
        }
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
                if !due.is_empty() && due.parse::<jiff::civil::Date>().is_err() {
                    return Err(format!("`{due}` is not a date like 2026-12-31"));
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

    fn apply(&mut self, pending: Pending) {
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

    fn update_picker(&mut self, row: usize, action: Action) {
        let n = self.opened.record.evidence.len();
        let id = self.id();
        let row = match action {
            Action::Back | Action::Confirm => return,
            Action::Up | Action::Prev => row.saturating_sub(1),
            Action::Down | Action::Next => (row + 1).min(n.saturating_sub(1)),
            Action::Toggle | Action::Open if row < n => {
                let ev = self.opened.record.evidence[row].id.clone();
                let linked = self.opened.record.evidence[row].supports.contains(&id);
                self.opened.record.set_link(&ev, &id, !linked);
                self.changed();
                row
            }
            Action::AddEvidence | Action::ShowEvidence => {
                self.go(Screen::Evidence);
                return;
            }
            _ => row,
        };
        self.overlay = Overlay::Picker { row };
    }

    fn update_evidence(&mut self, action: Action) {
        let n = self.opened.record.evidence.len();
        let id = self.id();
        match action {
            Action::Up | Action::Prev => self.evidence_row = self.evidence_row.saturating_sub(1),
            Action::Down | Action::Next => {
                self.evidence_row = (self.evidence_row + 1).min(n.saturating_sub(1))
            }
            Action::AddEvidence => {
                self.open_editor(evidence_editor("New evidence", Purpose::NewEvidence, None))
            }
            Action::Open if self.evidence_row < n => {
                let item = self.opened.record.evidence[self.evidence_row].clone();
                self.open_editor(evidence_editor(
                    "Edit evidence",
                    Purpose::EditEvidence(self.evidence_row),
                    Some(&item),
                ));
            }
            Action::Toggle if self.evidence_row < n => {
                let ev = self.opened.record.evidence[self.evidence_row].id.clone();
                let linked = self.opened.record.evidence[self.evidence_row]
                    .supports
                    .contains(&id);
                self.opened.record.set_link(&ev, &id, !linked);
                self.message = Some(format!(
                    "{ev} {} {id}",
                    if linked { "unlinked from" } else { "linked to" }
                ));
                self.changed();
            }
            Action::Delete if self.evidence_row < n => {
                let item = &self.opened.record.evidence[self.evidence_row];
                if item.supports.is_empty() {
                    self.apply(Pending::DeleteEvidence(self.evidence_row));
                } else {
                    self.overlay = Overlay::Confirm {
                        question: format!(
                            "{} supports {}. Remove it and these links?",
                            item.id,
                            item.supports.join(", ")
                        ),
                        pending: Pending::DeleteEvidence(self.evidence_row),
                    };
                }
            }
            _ => {}
        }
    }

    fn update_summary(&mut self, action: Action) {
        let rows = self.summary_rows();
        match action {
            Action::Up | Action::Prev => self.summary_row = self.summary_row.saturating_sub(1),
            Action::Down | Action::Next => {
                self.summary_row = (self.summary_row + 1).min(rows.len().saturating_sub(1))
            }
            Action::Open => {
                if let Some(id) = rows.get(self.summary_row) {
                    let index = self
                        .requirements()
                        .iter()
                        .position(|r| &r.id == id)
                        .expect("known id");
                    self.go_to_requirement(index);
                }
            }
            _ => {}
        }
    }

    fn update_setup(&mut self, action: Action) {
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
            Action::Toggle | Action::Open => match row {
                SetupRow::Kind => {
                    meta.kind = if meta.kind == Kind::Audit {
                        Kind::SelfAssessment
                    } else {
                        Kind::Audit
                    };
                    self.changed();
                }
                SetupRow::Status => {
                    meta.status = if meta.status == Status::Draft {
                        Status::Final
                    } else {
                        Status::Draft
                    };
                    self.changed();
                }
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
                _ => {
                    let value = self.setup_value(row);
                    let label = setup_label(row);
                    self.open_editor(Editor::new(
                        &format!("Edit {label}"),
                        Purpose::Setup(self.setup_row),
                        vec![Field::line(setup_hint(row), &value)],
                    ));
                }
            },
            _ => {}
        }
    }

    fn set_condition(&mut self, row: SetupRow, met: bool) {
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
            SetupRow::Status => meta.status.describe().into(),
            SetupRow::Client => meta.client.clone(),
            SetupRow::Objectives => meta.objectives.clone(),
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

    fn apply_setup(&mut self, index: usize, value: &str) -> Result<(), String> {
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
        let people = |v: &str| -> Vec<Person> {
            list(v)
                .iter()
                .map(|p| {
                    let (name, role) = p.split_once(':').unwrap_or((p, ""));
                    Person {
                        name: name.trim().to_owned(),
                        role: role.trim().to_owned(),
                    }
                })
                .collect()
        };
        match row {
            SetupRow::Vse => meta.vse = value.trim().to_owned(),
            SetupRow::Client => meta.client = value.trim().to_owned(),
            SetupRow::Objectives => meta.objectives = value.trim().to_owned(),
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
                for s in list(value) {
                    let (date, location) = s.split_once(' ').unwrap_or((&s, ""));
                    if date.parse::<jiff::civil::Date>().is_err() {
                        return Err(format!(
                            "`{date}` is not a date: write 2026-11-27 Place; 2026-11-28 Place"
                        ));
                    }
                    sessions.push(Session {
                        date: date.to_owned(),
                        location: location.trim().to_owned(),
                    });
                }
                meta.sessions = sessions;
            }
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
        SetupRow::Processes => "Processes",
        SetupRow::Sites => "Sites",
        SetupRow::Team => "Assessment team",
        SetupRow::Participants => "Participants",
        SetupRow::Sessions => "Dates, places",
        SetupRow::Condition(_) => "Condition",
    }
}

fn setup_hint(row: SetupRow) -> &'static str {
    match row {
        SetupRow::Team | SetupRow::Participants => "Name: role; Name: role",
        SetupRow::Sessions => "2026-11-27 Place; 2026-11-28 Place",
        SetupRow::Sites => "Site; site",
        SetupRow::Processes => "OM, RM, PSM, PPM",
        _ => setup_label(row),
    }
}

fn evidence_editor(title: &str, purpose: Purpose, item: Option<&Evidence>) -> Editor {
    let kinds: Vec<&str> = EVIDENCE_KINDS.iter().map(|k| k.key()).collect();
    let kind = item.map_or(0, |i| {
        EVIDENCE_KINDS
            .iter()
            .position(|k| *k == i.kind)
            .unwrap_or(0)
    });
    Editor::new(
        title,
        purpose,
        vec![
            Field::line("Id", item.map_or("", |i| &i.id)),
            Field::line("Title", item.map_or("", |i| &i.title)),
            Field::choice("Kind", &kinds, kind),
            Field::line(
                "Location (path, URL, place)",
                item.map_or("", |i| &i.location),
            ),
            Field::line("Version or date", item.map_or("", |i| &i.version)),
        ],
    )
}

fn evidence_from(e: &Editor) -> Result<Evidence, String> {
    let id = e.value(0).trim().to_owned();
    let title = e.value(1).trim().to_owned();
    if id.is_empty() || title.is_empty() {
        return Err("an item needs an id and a title".into());
    }
    Ok(Evidence {
        id,
        title,
        kind: EVIDENCE_KINDS
            .into_iter()
            .find(|k| k.key() == e.value(2))
            .expect("listed kind"),
        location: e.value(3).trim().to_owned(),
        version: e.value(4).trim().to_owned(),
        sha256: None,
        supports: Vec::new(),
    })
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
