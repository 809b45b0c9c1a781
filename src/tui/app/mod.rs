//! The interview's state and the one function that changes it, [`App::update`]. No terminal
//! and no file I/O here: the event loop saves when [`App::dirty`] is set and hashes evidence
//! files named in [`App::take_effects`].

mod commands;
mod evidence;
mod followup;
mod forms;
mod question;
mod report;
mod search;
mod setup;
mod undo;

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use crate::conformance;
use crate::questionnaire::Requirement;
use crate::rating::Judgement;
use crate::record::FindingClass;
use crate::record::edit::Refused;
use crate::record::store::Opened;

use super::action::Action;
use super::editor::Editor;

pub use commands::{COMMANDS, MenuCommand, Prompt};
pub use followup::FollowRow;
pub use forms::NotesKind;
pub use question::suggestion;
pub use report::{Kept, Report};
pub use search::{MESSAGES_KEPT, Search, Window};
pub use setup::{SetupRow, setup_label};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Setup,
    Question,
    Guidance,
    Evidence,
    Summary,
    /// Nonconformities, their actions and verifications: the follow-up.
    FollowUp,
    Help,
    /// The recent messages in full (`!`).
    Messages,
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
#[derive(Debug, Clone)]
pub enum Pending {
    /// A finding (and its actions), by id.
    DeleteFinding(String),
    /// An action, by id.
    DeleteAction(String),
    DeleteInterviewee(String, usize),
    /// An evidence item, by id.
    DeleteEvidence(String),
    /// Quit although something would be left behind (a form being filled in, changes the
    /// disk refused); `restore` is what was on screen, put back if the answer is no.
    Quit {
        restore: Box<Overlay>,
    },
    /// Add a person who is not a participant to the participants (with no role), then
    /// submit again the interviewee form `restore` holds; no puts the form back.
    AddParticipant {
        name: String,
        restore: Box<Overlay>,
    },
    /// Sign off as `by` on `date`; no puts back `restore` (the sign-off form, or nothing).
    SignOff {
        by: String,
        date: String,
        restore: Box<Overlay>,
    },
}

#[derive(Debug, Clone)]
pub enum Overlay {
    None,
    Editor(Editor),
    Confirm {
        question: String,
        pending: Pending,
    },
    /// The command menu (`:`): a command line typed, and the commands that fit it.
    Command(Prompt),
    /// Evidence items to link to the requirement on screen.
    Picker {
        row: usize,
    },
    /// A note to read in full (what the last session left, why the record is read-only, what
    /// a sign-off still needs); any key puts back `beneath`.
    Notice {
        title: &'static str,
        text: String,
        beneath: Box<Overlay>,
    },
    /// The file changed on disk under us. Our answers were written to a new file at once
    /// (`mine`, or why that failed); going back to their file takes typing `reload`, so that
    /// no stray key can drop anything. `beneath` is what was on screen when it happened.
    Conflict {
        beneath: Box<Overlay>,
        theirs: PathBuf,
        mine: Result<PathBuf, String>,
        typed: String,
        /// Their file is not there any more (moved away or deleted): nothing to reload.
        gone: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing changed since the file was opened.
    Unchanged,
    /// Everything up to the last save is on disk (what changed since is being saved).
    Saved,
    Failed {
        error: String,
    },
    /// Someone else changed the file; nothing is saved until the user decides.
    Conflict,
}

/// Where a form left unfinished goes when the interview ends: the quit prompt says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftPlace {
    /// Beside the record, offered back when it is opened again.
    Beside,
    /// The record's folder takes no files (it was deleted, or is read-only): `$HOME` or the
    /// temporary folder, and the user is told where.
    Elsewhere,
    /// A restricted interview writes nothing but the record: the text is shown on the way out.
    Nowhere,
}

/// Work for the event loop that needs the file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Hash the evidence item's location if it is a readable local file.
    HashEvidence { id: String },
    /// Open this file (the record, or the file it was changed to on disk) in place of what
    /// is in memory.
    Reload { path: PathBuf },
    /// Give the terminal back and stop until the shell continues us (Ctrl+Z).
    Suspend,
    /// Write a report of the record as saved (`:report`), signed with the key if one is
    /// given; what happened comes back as a [`Report`].
    WriteReport {
        output: PathBuf,
        format: crate::report::Format,
        sign: Option<PathBuf>,
    },
    /// Hash the evidence files again and say which changed or are missing (`:verify`).
    VerifyEvidence,
}

/// What the keymap needs to know to turn a key into an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal(Screen, Focus),
    Editing {
        enter_is_newline: bool,
    },
    Confirm,
    /// The command menu (`:`).
    Command,
    Picker,
    Conflict,
    /// The record was moved away or deleted under the interview: nothing to reload.
    Gone,
    Notice,
    /// Typing what to search for: every key is text.
    Search,
    /// A search's results on a screen: n and N move between matches.
    Found(Screen, Focus),
}

/// Rows a page (PgUp/PgDn) moves by on the lists.
const PAGE: usize = 10;

pub const FINDING_CLASSES: [FindingClass; 5] = FindingClass::ALL;

/// A refusal of the edit layer as the interview words it: a final record says how to
/// reopen it.
fn refusal(e: &Refused) -> String {
    match e {
        Refused::Final(_) => setup::FINAL_NOTE.into(),
        e => e.to_string(),
    }
}

/// A value worked out from the record, kept until the count of changes it was worked out
/// for moves on: what the screens read at every frame, at the cost of once per change.
struct Memo<T>(std::cell::RefCell<Option<(u64, T)>>);

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo(std::cell::RefCell::new(None))
    }
}

impl<T: Clone> Memo<T> {
    /// The value as of `changes`, made again by `make` if it was kept for other changes.
    fn get(&self, changes: u64, make: impl FnOnce() -> T) -> T {
        if let Some((at, value)) = &*self.0.borrow()
            && *at == changes
        {
            return value.clone();
        }
        let value = make();
        *self.0.borrow_mut() = Some((changes, value.clone()));
        value
    }

    fn clear(&self) {
        self.0.take();
    }
}

/// What the summary screen shows: the conformance evaluation of the record as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub assessed: usize,
    pub total: usize,
    /// One row per process: counts and achievement.
    pub processes: Vec<String>,
    /// The conclusion the record supports, and whether it is a favourable one.
    pub headline: String,
    pub favourable: bool,
    pub conditions_unmet: Vec<String>,
    pub conditions_unanswered: Vec<String>,
    /// How many of `rows` block a conformance claim (they come first).
    pub blockers: usize,
    /// Requirement id and why, one per requirement listed: those that block a conformance
    /// claim, then those whose rating and findings disagree.
    pub rows: Vec<(String, String)>,
}

/// Each process of the questionnaire with the positions of its requirements.
fn outline(q: &crate::questionnaire::Questionnaire) -> Vec<(usize, Vec<usize>)> {
    let mut by_process: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in q.requirements.iter().enumerate() {
        by_process.entry(r.process.as_str()).or_default().push(i);
    }
    q.processes
        .iter()
        .enumerate()
        .filter_map(|(p, process)| Some((p, by_process.remove(process.id.as_str())?)))
        .collect()
}

fn mode_of(overlay: &Overlay, screen: Screen, focus: Focus) -> Mode {
    match overlay {
        Overlay::Editor(e) => Mode::Editing {
            enter_is_newline: e.enter_is_newline(),
        },
        Overlay::Confirm { .. } => Mode::Confirm,
        Overlay::Command(_) => Mode::Command,
        Overlay::Picker { .. } => Mode::Picker,
        Overlay::Conflict { gone: true, .. } => Mode::Gone,
        Overlay::Conflict { .. } => Mode::Conflict,
        Overlay::Notice { .. } => Mode::Notice,
        Overlay::None => Mode::Normal(screen, focus),
    }
}

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
    /// Selected row of the follow-up view ([`App::follow_up_rows`]).
    pub follow_row: usize,
    pub scroll: u16,
    pub overlay: Overlay,
    /// The record changed and is not yet on disk.
    pub dirty: bool,
    /// How many changes were made: a save says which it holds.
    pub edits: u64,
    /// Opened with --read-only: changes are refused.
    pub read_only: bool,
    /// Read-only, and showing the requirement the editor is on (`--follow`).
    pub follow_editor: bool,
    /// Today, as the event loop read it when the interview opened: what a sign-off form
    /// offers, and what the edit layer's "not in the future" compares with.
    pub today: jiff::civil::Date,
    /// The side list's rows: the questionnaire's processes, each with its requirements.
    outline: Vec<(usize, Vec<usize>)>,
    /// Changes made to which evidence supports which requirement (see [`App::linked_evidence`]).
    register_edits: u64,
    /// The evidence items supporting each requirement, as of a number of register changes:
    /// the question screen needs them at every frame, and a register can hold tens of
    /// thousands of items, so they are worked out again only when the register changes. By
    /// position in the questionnaire, positions in the register.
    supports: Memo<Rc<Vec<Vec<usize>>>>,
    /// How many requirements are rated, as of an edit: counted once per change, not per frame.
    rated: Memo<usize>,
    /// The summary, as of an edit (see [`App::summary`]).
    summary: Memo<Rc<Summary>>,
    /// Read-only: the record as it must stay (see [`App::update`]).
    frozen: Option<Box<crate::record::Record>>,
    pub save: SaveState,
    pub message: Option<String>,
    /// The last messages of the session, newest first (`!` shows them in full).
    pub messages: std::collections::VecDeque<String>,
    /// The search being typed, or whose matches are shown.
    pub search: Option<Search>,
    /// What the help was opened from: its keys come first.
    pub help_from: Mode,
    /// What the last frame showed of the screen being read (help, guidance, messages): set
    /// by the view, so that a page is what the window holds and End stops at the last one.
    pub shown: std::cell::Cell<Option<Window>>,
    pub quit: bool,
    /// Where an unfinished form would go: set by the event loop, which can look, before it
    /// asks to quit.
    pub drafts: DraftPlace,
    effects: Vec<Effect>,
    /// The changes of this session, to undo and redo (made at the first action).
    undo: Option<undo::History>,
}

impl App {
    /// Opens on the setup form for a record without a VSE name, else on the first question
    /// not yet rated.
    pub fn new(opened: Opened) -> App {
        let today = opened.today;
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
        let outline = outline(&opened.questionnaire.questionnaire);
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
            follow_row: 0,
            scroll: 0,
            overlay: Overlay::None,
            dirty: false,
            edits: 0,
            read_only: false,
            follow_editor: false,
            today,
            outline,
            register_edits: 0,
            supports: Memo::default(),
            rated: Memo::default(),
            summary: Memo::default(),
            frozen: None,
            save: SaveState::Unchanged,
            message: None,
            messages: std::collections::VecDeque::new(),
            search: None,
            help_from: Mode::Normal(Screen::Question, Focus::Question),
            shown: std::cell::Cell::new(None),
            quit: false,
            drafts: DraftPlace::Beside,
            effects: Vec::new(),
            undo: None,
        }
    }

    /// The ids of the evidence items linked to the requirement on screen, in register order.
    pub fn linked_evidence(&self) -> Vec<String> {
        let register = &self.opened.record.evidence;
        let supports = self.supports.get(self.register_edits, || {
            let q = &self.opened.questionnaire.questionnaire;
            let mut by_requirement = vec![Vec::new(); q.requirements.len()];
            for (i, e) in register.iter().enumerate() {
                for r in e.supports.iter().filter_map(|s| q.position(s)) {
                    let items: &mut Vec<usize> = &mut by_requirement[r];
                    // An item listing a requirement twice supports it once.
                    if items.last() != Some(&i) {
                        items.push(i);
                    }
                }
            }
            Rc::new(by_requirement)
        });
        let id = &self.requirement().id;
        let ids: Vec<String> = supports[self.current]
            .iter()
            .map(|&i| register[i].id.clone())
            .collect();
        // Every change to the links must be counted by `register_changed`: checked against
        // the register itself in debug builds (and so in every test).
        debug_assert_eq!(
            ids,
            self.opened
                .record
                .evidence_for(id)
                .map(|e| e.id.clone())
                .collect::<Vec<_>>(),
            "a change to the evidence register was not counted"
        );
        ids
    }

    /// How many requirements are rated.
    pub fn rated(&self) -> usize {
        // Every answer is of a requirement of the questionnaire (the record check says so).
        self.rated.get(self.edits, || {
            let answers = self.opened.record.requirements.values();
            answers.filter(|a| a.rating.is_some()).count()
        })
    }

    /// The side list's rows: each process with its requirements (in questionnaire order).
    pub fn outline(&self) -> &[(usize, Vec<usize>)] {
        &self.outline
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
            .filter(|&i| self.is_visible(i))
            .collect()
    }

    pub fn is_visible(&self, i: usize) -> bool {
        !self.only_open || i == self.current || self.rating_of(&self.requirements()[i].id).is_none()
    }

    /// The ids of the requirements the summary lists, one row each (see [`Summary::rows`]).
    pub fn summary_rows(&self) -> Vec<String> {
        self.summary()
            .rows
            .iter()
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// What the summary screen shows, worked out once per change: the conformance
    /// evaluation reads the whole record, tens of milliseconds at thousands of requirements.
    pub fn summary(&self) -> Rc<Summary> {
        self.summary.get(self.edits, || self.work_out_summary())
    }

    fn work_out_summary(&self) -> Rc<Summary> {
        let q = &self.opened.questionnaire.questionnaire;
        let lookup = self.opened.record.lookup();
        let eval = conformance::evaluate(q, &lookup);
        let conclusion = conformance::conclude(q, &lookup);
        let describe = |why: &[conformance::Blocker]| -> String {
            let reasons: Vec<String> = why.iter().map(|b| b.describe(&q.rule.met)).collect();
            reasons.join("; ")
        };
        Rc::new(Summary {
            assessed: eval.assessed(),
            total: eval.total(),
            processes: eval.processes.iter().map(|p| p.row()).collect(),
            headline: conclusion.headline(&q.questionnaire.conformance_clause),
            favourable: conclusion.favourable(),
            conditions_unmet: eval
                .conditions_unmet
                .iter()
                .map(|c| c.to_string())
                .collect(),
            conditions_unanswered: eval
                .conditions_unanswered
                .iter()
                .map(|c| c.to_string())
                .collect(),
            blockers: eval.blockers.len(),
            rows: eval
                .blockers
                .iter()
                .map(|(id, why)| (id.to_string(), describe(why)))
                .chain(
                    conformance::consistency_warnings(q, &lookup)
                        .into_iter()
                        .map(|(id, why)| (id.to_string(), why)),
                )
                .collect(),
        })
    }

    pub fn mode(&self) -> Mode {
        self.searching(mode_of(&self.overlay, self.screen, self.focus))
    }

    /// A screen's mode while a search is typed on it or its matches are shown.
    fn searching(&self, mode: Mode) -> Mode {
        match (mode, &self.search) {
            (Mode::Normal(..), Some(s)) if s.typing => Mode::Search,
            (Mode::Normal(screen, focus), Some(_)) => Mode::Found(screen, focus),
            (mode, _) => mode,
        }
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Everything changed so far is on disk.
    fn saved(&mut self) {
        self.dirty = false;
        self.save = SaveState::Saved;
    }

    /// Notes are being typed (saved once typing pauses).
    pub fn typing_notes(&self) -> bool {
        matches!(&self.overlay, Overlay::Editor(e) if e.purpose.is_live())
    }

    /// The file changed on disk. `mine` is where our answers went (and where the interview
    /// goes on), or why they could not be written anywhere; either way, say so.
    fn conflict(&mut self, theirs: PathBuf, mine: Result<PathBuf, String>) {
        if mine.is_err() {
            self.save = SaveState::Conflict;
        }
        let beneath = Box::new(std::mem::replace(&mut self.overlay, Overlay::None));
        self.overlay = Overlay::Conflict {
            beneath,
            theirs,
            mine,
            typed: String::new(),
            gone: false,
        };
    }

    /// The file-changed dialog is about a file that is not there any more: it says so, and
    /// offers no reload.
    fn conflict_is_gone(&mut self, is_gone: bool) {
        if let Overlay::Conflict { gone, .. } = &mut self.overlay {
            *gone = is_gone;
        }
    }

    /// Our answers were written to `mine` after all: the interview goes on there.
    fn mine_written(&mut self, mine: PathBuf) {
        self.save = SaveState::Saved;
        self.dirty = false;
        if let Overlay::Conflict { mine: m, .. } = &mut self.overlay {
            *m = Ok(mine);
        }
    }

    /// Whether quitting now would leave changes behind that the disk refused.
    pub fn unsaved(&self) -> bool {
        self.dirty
            && !self.read_only
            && !matches!(self.save, SaveState::Saved | SaveState::Unchanged)
    }

    /// The mode of what is beneath the file-changed dialog (the dialog itself otherwise).
    pub fn mode_beneath(&self) -> Mode {
        match &self.overlay {
            Overlay::Conflict { beneath, .. } => {
                self.searching(mode_of(beneath, self.screen, self.focus))
            }
            _ => self.mode(),
        }
    }

    /// Applies an action to what is beneath the file-changed dialog: keys typed before the
    /// dialog could be seen go where they were meant to go, not into the dialog.
    pub fn update_beneath(&mut self, action: Action) {
        self.route_beneath(action)
    }

    fn route_beneath(&mut self, action: Action) {
        let Overlay::Conflict {
            beneath,
            theirs,
            mine,
            typed,
            gone,
        } = std::mem::replace(&mut self.overlay, Overlay::None)
        else {
            return self.update(action);
        };
        self.overlay = *beneath;
        self.update(action);
        let beneath = Box::new(std::mem::replace(&mut self.overlay, Overlay::None));
        self.overlay = Overlay::Conflict {
            beneath,
            theirs,
            mine,
            typed,
            gone,
        };
    }

    /// Whether the loop may write the record now.
    pub fn may_save(&self) -> bool {
        self.dirty && !self.read_only && self.save != SaveState::Conflict
    }

    /// After a reload or a save under a new name: the conflict is over.
    fn resolved(&mut self, opened: Opened, message: Option<String>) {
        let current = self.requirement().id.clone();
        self.outline = outline(&opened.questionnaire.questionnaire);
        self.opened = opened;
        self.rated.clear();
        self.summary.clear();
        self.frozen = None;
        self.register_changed();
        self.current = self
            .requirements()
            .iter()
            .position(|r| r.id == current)
            .unwrap_or(0);
        self.dirty = false;
        self.save = SaveState::Unchanged;
        self.undo = Some(undo::History::new(
            &self.opened.record,
            self.edits,
            Some("read again from disk: nothing before it can be undone"),
        ));
        // A form being filled in stays open: it goes into the record now on screen. Notes
        // are the exception: they apply as they are typed, so the editor takes the notes of
        // the record now on screen (ours are where our answers went), and the next key adds
        // to those instead of putting ours back over them.
        if let Overlay::Editor(e) = std::mem::replace(&mut self.overlay, Overlay::None) {
            self.overlay = if e.purpose.is_live() {
                self.form(e.purpose.clone())
                    .map_or(Overlay::None, Overlay::Editor)
            } else {
                Overlay::Editor(e)
            };
        }
        if message.is_some() {
            self.message = message;
        }
    }

    /// Shows a note in full until a key is pressed, over whatever is on screen.
    fn notice(&mut self, title: &'static str, text: String) {
        let beneath = Box::new(std::mem::replace(&mut self.overlay, Overlay::None));
        self.overlay = Overlay::Notice {
            title,
            text,
            beneath,
        };
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.edits += 1;
    }

    /// The outcome of a change made through the edit layer: counted when made, said when
    /// refused (nothing changed then).
    fn edited<T>(&mut self, result: Result<T, Refused>) -> Option<T> {
        match result {
            Ok(made) => {
                self.changed();
                Some(made)
            }
            Err(e) => {
                self.message = Some(refusal(&e));
                None
            }
        }
    }

    /// Drops the empty answers before the record is written ([`Record::tidy`]). Not a
    /// change (nothing shown differs), but the record read-only mode keeps is taken again.
    ///
    /// [`Record::tidy`]: crate::record::Record::tidy
    pub fn tidy(&mut self) {
        self.opened.record.tidy();
        self.frozen = None;
    }

    /// Which evidence supports which requirement may have changed (an item linked, added,
    /// removed, or the whole record put back).
    fn register_changed(&mut self) {
        self.register_edits += 1;
    }

    fn go(&mut self, screen: Screen) {
        if self.screen != screen {
            self.history.push(self.screen);
            self.screen = screen;
            self.scroll = 0;
            self.shown.set(None);
        }
    }

    /// Following an editor: the requirement it is on, without leaving the screen shown
    /// (help, guidance...).
    fn show_requirement_of_editor(&mut self, id: &str) {
        if let Some(i) = self.requirements().iter().position(|r| r.id == id)
            && i != self.current
        {
            self.current = i;
            self.focus = Focus::Question;
            self.item = 0;
        }
    }

    fn go_to_requirement(&mut self, index: usize) {
        self.current = index;
        self.focus = Focus::Question;
        self.item = 0;
        self.history.clear();
        self.screen = Screen::Question;
    }

    /// Applies an action. A record signed off is no exception here: the edit layer keeps
    /// what the audit found as signed off and takes its follow-up, and says why when it
    /// refuses a change.
    pub fn update(&mut self, action: Action) {
        if let Action::Undo | Action::Redo = action {
            self.undo(action == Action::Redo);
            return self.log_message();
        }
        if self.read_only {
            // Opened read-only: look anywhere, change nothing. The record as it must stay
            // is copied once, and compared only when an action made a change (every change
            // counts itself in `edits`), so that looking around costs nothing more.
            if self.frozen.is_none() {
                self.frozen = Some(Box::new(self.opened.record.clone()));
            }
            let (edits, dirty) = (self.edits, self.dirty);
            self.apply_action(action);
            let frozen = self.frozen.as_deref().expect("copied above");
            if self.edits == edits {
                debug_assert!(self.opened.record == *frozen, "a change was not counted");
            } else if self.opened.record != *frozen {
                self.opened.record = frozen.clone();
                self.register_changed();
                self.message = Some("read-only: nothing can be changed here".into());
            }
            self.dirty = dirty && !self.read_only;
            self.log_message();
            return;
        }
        self.history_now();
        let typing = self.typing_in();
        self.apply_action(action);
        self.record_change(typing);
        self.log_message();
    }

    /// Keeps the message just said in the log `!` shows (every action clears the last one).
    fn log_message(&mut self) {
        if let Some(m) = &self.message {
            self.messages.push_front(m.clone());
            self.messages.truncate(MESSAGES_KEPT);
        }
    }

    fn apply_action(&mut self, action: Action) {
        self.message = None;
        match action {
            Action::Quit => return self.ask_to_quit(),
            Action::Suspend => {
                self.effects.push(Effect::Suspend);
                return;
            }
            // Every change is already saved; Ctrl+S writes anyway, for peace of mind.
            Action::Save => {
                self.changed();
                return;
            }
            // Said without ending a search, so that a stray key loses nothing.
            Action::Unbound(key) => {
                self.message = Some(format!(
                    "`{key}` does nothing on {}: ? lists its keys",
                    self.where_keys_go()
                ));
                return;
            }
            _ => {}
        }
        // A search on screen takes its keys first; any other ends it and goes on as usual.
        let action = match (&self.overlay, &self.search) {
            (Overlay::None, Some(_)) => match self.update_search(action) {
                Some(action) => action,
                None => return,
            },
            _ => action,
        };
        match std::mem::replace(&mut self.overlay, Overlay::None) {
            Overlay::Editor(editor) => self.update_editor(editor, action),
            Overlay::Confirm { question, pending } => match action {
                Action::Yes => self.apply(pending),
                Action::No | Action::Back => match pending {
                    Pending::Quit { restore } | Pending::SignOff { restore, .. } => {
                        self.overlay = *restore
                    }
                    Pending::AddParticipant { name, restore } => {
                        self.overlay = *restore;
                        if let Overlay::Editor(e) = &mut self.overlay {
                            e.error = Some(format!(
                                "`{name}` is not a participant: correct the name, or add them in the assessment details (i) (Esc cancels)"
                            ));
                        }
                    }
                    _ => {}
                },
                _ => self.overlay = Overlay::Confirm { question, pending },
            },
            Overlay::Command(prompt) => self.update_command(prompt, action),
            Overlay::Picker { row } => self.update_picker(row, action),
            Overlay::Notice { beneath, .. } => self.overlay = *beneath,
            Overlay::Conflict {
                beneath,
                theirs,
                mine,
                mut typed,
                gone,
            } => match action {
                Action::Confirm if typed.trim() == "reload" && !gone => {
                    self.overlay = *beneath;
                    self.effects.push(Effect::Reload { path: theirs });
                }
                // Going on with our answers drops nothing: they are already in `mine`.
                Action::Confirm | Action::Back if typed.is_empty() && mine.is_ok() => {
                    self.overlay = *beneath
                }
                Action::Back => {
                    typed.clear();
                    self.overlay = Overlay::Conflict {
                        beneath,
                        theirs,
                        mine,
                        typed,
                        gone,
                    };
                }
                // A paste is never the word `reload`: it goes where the user was typing.
                Action::Paste(_) => {
                    self.overlay = Overlay::Conflict {
                        beneath,
                        theirs,
                        mine,
                        typed,
                        gone,
                    };
                    self.route_beneath(action);
                }
                _ => {
                    if let Action::Input(input) = action {
                        match input.key {
                            ratatui_textarea::Key::Char(c) if typed.chars().count() < 20 => {
                                typed.push(c)
                            }
                            ratatui_textarea::Key::Backspace => {
                                typed.pop();
                            }
                            _ => {}
                        }
                    }
                    self.overlay = Overlay::Conflict {
                        beneath,
                        theirs,
                        mine,
                        typed,
                        gone,
                    };
                }
            },
            Overlay::None => self.update_screen(action),
        }
    }

    /// The screen (or the picker over it) keys go to, as a message names it.
    fn where_keys_go(&self) -> &'static str {
        if let Overlay::Picker { .. } = self.overlay {
            return "the evidence picker";
        }
        match (self.screen, self.focus) {
            (Screen::Question, Focus::Question) => "the question screen",
            (Screen::Question, Focus::Findings) => "the findings list",
            (Screen::Question, Focus::Actions) => "the actions list",
            (Screen::Question, Focus::Interviewed) => "the interviewees list",
            (Screen::Setup, _) => "the assessment details",
            (Screen::Guidance, _) => "the guidance",
            (Screen::Evidence, _) => "the evidence register",
            (Screen::Summary, _) => "the summary",
            (Screen::FollowUp, _) => "the follow-up",
            (Screen::Help, _) => "the help",
            (Screen::Messages, _) => "the message log",
        }
    }

    /// Quits, unless that would leave something behind: then asks first.
    fn ask_to_quit(&mut self) {
        let mut said = Vec::new();
        if self.unsaved() {
            let why = match &self.save {
                SaveState::Failed { error } => error.clone(),
                _ => "the file changed on disk".into(),
            };
            said.push(format!(
                "The last changes are not saved ({why}). They will be written to a copy beside the record, in your home folder or in the temporary folder (or, if none of these takes it, shown on the terminal), and you will be told where."
            ));
        }
        if let Some(draft) = self.draft() {
            let what = crate::tui::editor::Purpose::from_draft_key(&draft.form, &draft.target)
                .map_or("form", |p| p.describe());
            said.push(match self.drafts {
                DraftPlace::Beside => format!(
                    "The {what} you are writing is kept and offered back when you open this record again."
                ),
                DraftPlace::Elsewhere => format!(
                    "The {what} you are writing cannot be kept beside the record (its folder takes no files): it will be kept in your home folder or in the temporary folder, and you will be told where."
                ),
                DraftPlace::Nowhere => format!(
                    "The {what} you are writing is not kept (a restricted interview writes only the record): its text is shown when the interview ends."
                ),
            });
        }
        if said.is_empty() {
            self.quit = true;
            return;
        }
        let question = format!("Quit? {}", said.join(" "));
        let restore = Box::new(std::mem::replace(&mut self.overlay, Overlay::None));
        self.overlay = Overlay::Confirm {
            question,
            pending: Pending::Quit { restore },
        };
    }

    fn update_screen(&mut self, action: Action) {
        match action {
            Action::Reload if self.read_only => self.effects.push(Effect::Reload {
                path: self.opened.path.clone(),
            }),
            Action::Help => {
                if self.screen != Screen::Help {
                    self.help_from = self.mode();
                }
                self.go(Screen::Help)
            }
            Action::ShowMessages => self.go(Screen::Messages),
            Action::Search => self.start_search(),
            Action::CommandMenu => self.open_command_menu(),
            Action::ShowSummary => {
                self.summary_row = 0;
                self.go(Screen::Summary)
            }
            Action::ShowEvidence => self.go(Screen::Evidence),
            Action::ShowSetup => self.go(Screen::Setup),
            Action::ShowFollowUp => self.go(Screen::FollowUp),
            Action::Back => self.back(),
            _ => match self.screen {
                Screen::Question => self.update_question(action),
                Screen::Setup => self.update_setup(action),
                Screen::Evidence => self.update_evidence(action),
                Screen::Summary => self.update_summary(action),
                Screen::FollowUp => self.update_follow_up(action),
                Screen::Guidance | Screen::Help | Screen::Messages => self.read(action),
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
                self.shown.set(None);
            }
            None if self.screen != Screen::Question => self.screen = Screen::Question,
            None => self.message = Some("q quits; every answer is already saved".into()),
        }
    }

    fn update_summary(&mut self, action: Action) {
        let summary = self.summary();
        match action {
            Action::Up => self.summary_row = self.summary_row.saturating_sub(1),
            Action::Down => {
                self.summary_row = (self.summary_row + 1).min(summary.rows.len().saturating_sub(1))
            }
            Action::Prev => self.summary_row = self.summary_row.saturating_sub(PAGE),
            Action::Next => {
                self.summary_row =
                    (self.summary_row + PAGE).min(summary.rows.len().saturating_sub(1))
            }
            Action::First => self.summary_row = 0,
            Action::Last => self.summary_row = summary.rows.len().saturating_sub(1),
            Action::Open => {
                if let Some((id, _)) = summary.rows.get(self.summary_row) {
                    let q = &self.opened.questionnaire.questionnaire;
                    self.go_to_requirement(q.position(id).expect("known id"));
                }
            }
            _ => {}
        }
    }
}
