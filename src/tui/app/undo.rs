//! Undo (`z`) and redo (Ctrl+R) of the changes made in the session. The history keeps the
//! states the record went through, each part (answers, findings, register...) shared with
//! the state before it when it did not change: a rating keeps a copy of the answers, not of
//! the whole record. It is bounded by [`MAX_CHANGES`] and by [`MAX_KEPT`] items in all, and
//! starts again at a sign-off, a reopening, the closing of the follow-up or a reload: what
//! came before those is not undone here. The record is put back through
//! [`edit::restore`], which refuses the rest.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

use crate::record::edit;
use crate::record::{
    Answer, ConditionAnswer, Evidence, Finding, Metadata, QuestionnaireRef, Record, Status,
};
use crate::tui::editor::Purpose;

use super::{App, Overlay, refusal};

/// Changes that can be undone, at most.
pub const MAX_CHANGES: usize = 100;
/// Answers, findings (with their actions and verifications) and evidence items the history
/// holds in all, at most: about four copies of a record at the size the record check
/// allows, whatever it holds.
pub const MAX_KEPT: usize = 200_000;

/// A state of the record, in parts shared with the state before it where they are the same.
#[derive(Clone)]
struct State {
    schema: u32,
    questionnaire: Rc<QuestionnaireRef>,
    assessment: Rc<Metadata>,
    conditions: Rc<BTreeMap<String, ConditionAnswer>>,
    requirements: Rc<BTreeMap<String, Answer>>,
    findings: Rc<Vec<Finding>>,
    evidence: Rc<Vec<Evidence>>,
    issued: Rc<BTreeMap<String, u64>>,
}

/// `now`, as the part `before` was if it is the same (no copy), or a copy.
fn share<T: Clone + PartialEq>(before: Option<&Rc<T>>, now: &T) -> Rc<T> {
    match before {
        Some(b) if **b == *now => b.clone(),
        _ => Rc::new(now.clone()),
    }
}

impl State {
    fn of(r: &Record, before: Option<&State>) -> State {
        State {
            schema: r.schema,
            questionnaire: share(before.map(|b| &b.questionnaire), &r.questionnaire),
            assessment: share(before.map(|b| &b.assessment), &r.assessment),
            conditions: share(before.map(|b| &b.conditions), &r.conditions),
            requirements: share(before.map(|b| &b.requirements), &r.requirements),
            findings: share(before.map(|b| &b.findings), &r.findings),
            evidence: share(before.map(|b| &b.evidence), &r.evidence),
            issued: share(before.map(|b| &b.issued), &r.issued),
        }
    }

    fn record(&self) -> Record {
        Record {
            schema: self.schema,
            questionnaire: (*self.questionnaire).clone(),
            assessment: (*self.assessment).clone(),
            conditions: (*self.conditions).clone(),
            requirements: (*self.requirements).clone(),
            findings: (*self.findings).clone(),
            evidence: (*self.evidence).clone(),
            issued: (*self.issued).clone(),
        }
    }

    /// Whether every part is the one `other` holds.
    fn same_as(&self, other: &State) -> bool {
        self.schema == other.schema
            && Rc::ptr_eq(&self.questionnaire, &other.questionnaire)
            && Rc::ptr_eq(&self.assessment, &other.assessment)
            && Rc::ptr_eq(&self.conditions, &other.conditions)
            && Rc::ptr_eq(&self.requirements, &other.requirements)
            && Rc::ptr_eq(&self.findings, &other.findings)
            && Rc::ptr_eq(&self.evidence, &other.evidence)
            && Rc::ptr_eq(&self.issued, &other.issued)
    }

    /// The items of the parts this state holds that `before` does not share.
    fn weight(&self, before: Option<&State>) -> usize {
        fn new<T>(part: &Rc<T>, before: Option<&Rc<T>>, weight: usize) -> usize {
            if before.is_some_and(|b| Rc::ptr_eq(b, part)) {
                0
            } else {
                weight
            }
        }
        let findings: usize = self
            .findings
            .iter()
            .map(|f| 1 + f.actions.len() + f.verifications.len())
            .sum();
        new(&self.assessment, before.map(|b| &b.assessment), 1)
            + new(
                &self.conditions,
                before.map(|b| &b.conditions),
                self.conditions.len(),
            )
            + new(
                &self.requirements,
                before.map(|b| &b.requirements),
                self.requirements.len(),
            )
            + new(&self.findings, before.map(|b| &b.findings), findings)
            + new(
                &self.evidence,
                before.map(|b| &b.evidence),
                self.evidence.len(),
            )
    }
}

/// Why the history starts again: the status line says it.
fn barrier(before: &Metadata, now: &Metadata) -> Option<&'static str> {
    if before.follow_up_closed != now.follow_up_closed {
        Some("follow-up closed: nothing before it can be undone")
    } else if before.status != now.status && now.status == Status::Final {
        Some("signed off: nothing before it can be undone here; reopen to change what was found")
    } else if before.status != now.status || before.history != now.history {
        Some("reopened: nothing before the reopening can be undone")
    } else {
        None
    }
}

/// What a change of the record did, in a few words: "7.2.a L -> P", "NC-3 added".
fn describe(before: &State, now: &State) -> String {
    let mut said: Vec<String> = Vec::new();
    if !Rc::ptr_eq(&before.requirements, &now.requirements) {
        let empty = Answer::default();
        let ids = now.requirements.keys().chain(
            before
                .requirements
                .keys()
                .filter(|id| !now.requirements.contains_key(*id)),
        );
        for id in ids {
            let was = before.requirements.get(id).unwrap_or(&empty);
            let is = now.requirements.get(id).unwrap_or(&empty);
            if was != is {
                said.extend(answer_change(id, was, is));
            }
        }
    }
    if !Rc::ptr_eq(&before.findings, &now.findings) {
        said.extend(findings_change(&before.findings, &now.findings));
    }
    if !Rc::ptr_eq(&before.evidence, &now.evidence) {
        said.extend(evidence_change(&before.evidence, &now.evidence));
    }
    if !Rc::ptr_eq(&before.conditions, &now.conditions) {
        for (id, c) in now.conditions.iter() {
            if before.conditions.get(id) != Some(c) {
                said.push(format!("clause 6 {id}"));
            }
        }
    }
    if !Rc::ptr_eq(&before.assessment, &now.assessment) && *before.assessment != *now.assessment {
        said.push("assessment details".into());
    }
    match said.len() {
        0..=3 => said.join("; "),
        n => format!("{}; and {} more", said[..2].join("; "), n - 2),
    }
}

/// What changed in one answer, or nothing if only empty parts differ.
fn answer_change(id: &str, was: &Answer, is: &Answer) -> Option<String> {
    let rating = |a: &Answer| a.rating.map_or("unrated".to_string(), |j| j.to_string());
    let mut what = Vec::new();
    if was.rating != is.rating {
        what.push(format!("{} -> {}", rating(was), rating(is)));
    }
    for (differs, part) in [
        (was.facets != is.facets, "facets"),
        (was.justification != is.justification, "why N/A"),
        (was.notes != is.notes, "notes"),
        (was.working_notes != is.working_notes, "working notes"),
        (was.interviewed != is.interviewed, "interviewees"),
        (was.sampling != is.sampling, "sampling"),
    ] {
        if differs {
            what.push(part.to_string());
        }
    }
    (!what.is_empty()).then(|| format!("{id} {}", what.join(", ")))
}

fn findings_change(before: &[Finding], now: &[Finding]) -> Vec<String> {
    let was: HashMap<&str, &Finding> = before.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut said = Vec::new();
    for f in now {
        match was.get(f.id.as_str()) {
            None => said.push(format!("{} added", f.id)),
            Some(w) if *w != f => {
                let actions: HashMap<&str, _> =
                    w.actions.iter().map(|a| (a.id.as_str(), a)).collect();
                let mut of_actions = Vec::new();
                for a in &f.actions {
                    match actions.get(a.id.as_str()) {
                        None => of_actions.push(format!("{} added", a.id)),
                        Some(old) if *old != a => of_actions.push(format!("{} changed", a.id)),
                        _ => {}
                    }
                }
                for a in &w.actions {
                    if !f.actions.iter().any(|x| x.id == a.id) {
                        of_actions.push(format!("{} deleted", a.id));
                    }
                }
                let rest_same = Finding {
                    actions: f.actions.clone(),
                    ..(*w).clone()
                } == *f;
                if of_actions.is_empty() || !rest_same {
                    of_actions.insert(0, format!("{} changed", f.id));
                }
                said.extend(of_actions);
            }
            _ => {}
        }
    }
    for f in before {
        if !now.iter().any(|x| x.id == f.id) {
            said.push(format!("{} deleted", f.id));
        }
    }
    said
}

fn evidence_change(before: &[Evidence], now: &[Evidence]) -> Vec<String> {
    let was: HashMap<&str, &Evidence> = before.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut said = Vec::new();
    for e in now {
        match was.get(e.id.as_str()) {
            None => said.push(format!("{} added", e.id)),
            Some(w) if *w != e => {
                let links_only = Evidence {
                    supports: e.supports.clone(),
                    ..(*w).clone()
                } == *e;
                let linked: Vec<&str> = e
                    .supports
                    .iter()
                    .filter(|s| !w.supports.contains(s))
                    .map(String::as_str)
                    .collect();
                let unlinked: Vec<&str> = w
                    .supports
                    .iter()
                    .filter(|s| !e.supports.contains(s))
                    .map(String::as_str)
                    .collect();
                if !links_only {
                    said.push(format!("{} changed", e.id));
                }
                if !linked.is_empty() {
                    said.push(format!("{} linked to {}", e.id, linked.join(", ")));
                }
                if !unlinked.is_empty() {
                    said.push(format!("{} unlinked from {}", e.id, unlinked.join(", ")));
                }
            }
            _ => {}
        }
    }
    for e in before {
        if !now.iter().any(|x| x.id == e.id) {
            said.push(format!("{} removed", e.id));
        }
    }
    said
}

/// What [`History::after`] made of a change.
pub(super) enum Recorded {
    /// Nothing to say: nothing the user sees changed, or notes typed on.
    Quiet,
    Change(String),
    /// The history starts again here, for this reason.
    Barrier(&'static str),
}

pub(super) struct History {
    /// The states the record went through; `states[at]` is the one it is in, those after
    /// it are what redo brings back.
    states: VecDeque<State>,
    /// `said[i]` is what led from `states[i]` to `states[i + 1]`.
    said: VecDeque<String>,
    at: usize,
    /// The count of changes (`App::edits`) `states[at]` was taken at.
    edits: u64,
    /// The notes editor the last change was typed in: typing on adds to that change.
    typing: Option<Purpose>,
    /// The record has moved on from `states[at]` by typing in `typing` since.
    stale: bool,
    /// Why nothing before the first state can be undone, when there is a reason to say.
    floor: Option<&'static str>,
}

impl History {
    pub(super) fn new(record: &Record, edits: u64, floor: Option<&'static str>) -> History {
        History {
            states: VecDeque::from([State::of(record, None)]),
            said: VecDeque::new(),
            at: 0,
            edits,
            typing: None,
            stale: false,
            floor,
        }
    }

    /// The record changed without an action (a file hashed): the state it is in now
    /// takes it, with nothing to undo.
    /// Notes being typed on in `typing` leave the history behind until the typing ends:
    /// copying the record at each key would cost a key what the record weighs.
    pub(super) fn sync(&mut self, record: &Record, edits: u64, typing: Option<&Purpose>) {
        if self.stale && typing.is_some() && typing == self.typing.as_ref() {
            return;
        }
        if self.stale || self.edits != edits {
            self.stale = false;
            self.states[self.at] = State::of(record, Some(&self.states[self.at]));
            self.edits = edits;
        }
    }

    /// After an action that counted a change: keeps the state it made.
    pub(super) fn after(
        &mut self,
        record: &Record,
        edits: u64,
        typing: Option<Purpose>,
    ) -> Recorded {
        self.edits = edits;
        if typing.is_some() && typing == self.typing && self.at > 0 {
            // Typing on: one change with the key before it, taken in when the typing ends.
            self.stale = true;
            return Recorded::Quiet;
        }
        let before = &self.states[self.at];
        let now = State::of(record, Some(before));
        if now.same_as(before) {
            return Recorded::Quiet;
        }
        if let Some(why) = barrier(&before.assessment, &now.assessment) {
            *self = History::new(record, edits, Some(why));
            return Recorded::Barrier(why);
        }
        let said = describe(before, &now);
        if said.is_empty() {
            // Only empty answers tidied away: nothing to undo.
            self.states[self.at] = now;
            return Recorded::Quiet;
        }
        self.states.truncate(self.at + 1);
        self.said.truncate(self.at);
        self.states.push_back(now);
        self.said.push_back(said.clone());
        self.at += 1;
        self.typing = typing;
        self.bound();
        if self.typing.is_some() {
            Recorded::Quiet
        } else {
            Recorded::Change(said)
        }
    }

    /// Forgets the oldest changes beyond the bounds, keeping the last one whatever it holds.
    fn bound(&mut self) {
        while self.at > 1 && (self.at > MAX_CHANGES || self.kept() > MAX_KEPT) {
            self.states.pop_front();
            self.said.pop_front();
            self.at -= 1;
            self.floor = Some("older changes are not kept");
        }
    }

    /// The items the states hold in all, each part counted once.
    fn kept(&self) -> usize {
        let mut before = None;
        let mut n = 0;
        for s in &self.states {
            n += s.weight(before);
            before = Some(s);
        }
        n
    }

    /// The state an undo (or a redo) goes to, and what it undoes; or what to say when there
    /// is none.
    fn step(&self, redo: bool) -> Result<(Record, &str), String> {
        if redo {
            match self.states.get(self.at + 1) {
                Some(s) => Ok((s.record(), &self.said[self.at])),
                None => Err("nothing to redo".into()),
            }
        } else if self.at > 0 {
            Ok((self.states[self.at - 1].record(), &self.said[self.at - 1]))
        } else {
            Err(match self.floor {
                Some(why) => format!("nothing to undo ({why})"),
                None => "nothing to undo: no change made in this session".into(),
            })
        }
    }

    /// The record is now the state `step` gave (as [`edit::restore`] made it).
    fn stepped(&mut self, redo: bool, record: &Record, edits: u64) {
        if redo {
            self.at += 1;
        } else {
            self.at -= 1;
        }
        self.typing = None;
        self.states[self.at] = State::of(record, Some(&self.states[self.at]));
        self.edits = edits;
    }
}

impl App {
    /// `z` (or, with `redo`, Ctrl+R): puts back the state before the last change, or the
    /// one after the last undo.
    pub(super) fn undo(&mut self, redo: bool) {
        if self.read_only {
            self.message = Some("read-only: nothing can be changed here".into());
            return;
        }
        let history = self.history_now();
        let (earlier, said) = match history.step(redo) {
            Ok((earlier, said)) => (earlier, said.to_owned()),
            Err(why) => {
                self.message = Some(why);
                return;
            }
        };
        if let Err(e) = edit::restore(&mut self.opened.record, earlier) {
            self.message = Some(refusal(&e));
            return;
        }
        self.changed();
        self.register_changed();
        let edits = self.edits;
        let history = self.undo.as_mut().expect("made above");
        history.stepped(redo, &self.opened.record, edits);
        self.keep_selections_in_range();
        self.message = Some(if redo {
            format!("redone: {said}   z undoes")
        } else {
            format!("undone: {said}   Ctrl+R redoes")
        });
    }

    /// The history, made on the first action, and up to date with changes made outside
    /// actions.
    pub(super) fn history_now(&mut self) -> &mut History {
        let typing = self.typing_in();
        let (record, edits) = (&self.opened.record, self.edits);
        let history = self
            .undo
            .get_or_insert_with(|| History::new(record, edits, None));
        history.sync(record, edits, typing.as_ref());
        history
    }

    /// After an action: a change goes into the history, and the status line says what it
    /// was and how to undo it.
    pub(super) fn record_change(&mut self, typing: Option<Purpose>) {
        let still_typing = self.typing_in().is_some();
        let (record, edits) = (&self.opened.record, self.edits);
        let Some(history) = self.undo.as_mut() else {
            return;
        };
        if history.edits == edits {
            // Notes opened again later are a change of their own.
            if !still_typing {
                history.typing = None;
            }
            return;
        }
        match history.after(record, edits, typing) {
            Recorded::Quiet => {}
            Recorded::Change(said) => {
                let what = self.message.take().unwrap_or(said);
                self.message = Some(format!("{what}   z undoes"));
            }
            Recorded::Barrier(why) => {
                self.message = Some(match self.message.take() {
                    Some(m) => format!("{m}; {why}"),
                    None => why.to_owned(),
                });
            }
        }
    }

    /// The notes editor on screen, if notes are being typed: typing on is one change.
    pub(super) fn typing_in(&self) -> Option<Purpose> {
        match &self.overlay {
            Overlay::Editor(e) if e.purpose.is_live() => Some(e.purpose.clone()),
            _ => None,
        }
    }

    /// What an undo removed may have been selected: the selections stay on what is there.
    fn keep_selections_in_range(&mut self) {
        self.item = self.item.min(self.list_len(self.focus).saturating_sub(1));
        if self.list_len(self.focus) == 0 {
            self.focus = super::Focus::Question;
        }
        let n = self.opened.record.evidence.len();
        self.evidence_row = self.evidence_row.min(n.saturating_sub(1));
        let n = self.follow_up_rows().len();
        self.follow_row = self.follow_row.min(n.saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use crate::questionnaire::catalog;
    use crate::rating::Rating;
    use crate::record::{Kind, Record, access::Access, store};
    use crate::tui::action::Action;

    use super::super::{App, Screen};
    use super::*;

    fn app(dir: &std::path::Path) -> App {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let path = dir.join("a.toml");
        let record = Record::new(&loaded, "Acme Soft", Kind::SelfAssessment);
        std::fs::write(&path, store::to_text(&record)).unwrap();
        let today = jiff::civil::date(2026, 11, 30);
        let mut app = App::new(store::open(&path, &Access::Unrestricted, today).unwrap());
        app.screen = Screen::Question;
        app
    }

    fn rating(app: &App) -> Option<String> {
        let id = &app.requirement().id;
        let answer = app.opened.record.answer(id)?;
        answer.rating.map(|r| r.to_string())
    }

    fn said(app: &App) -> &str {
        app.message.as_deref().unwrap_or_default()
    }

    #[test]
    fn a_rating_is_undone_and_redone_and_the_status_line_says_so() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = app(tmp.path());
        let id = app.requirement().id.clone();
        app.update(Action::Undo);
        assert_eq!(
            said(&app),
            "nothing to undo: no change made in this session"
        );
        app.update(Action::Rate(Rating::L));
        app.update(Action::Rate(Rating::P));
        assert_eq!(said(&app), format!("{id} rated P   z undoes"));
        assert_eq!(rating(&app).as_deref(), Some("P"));

        app.update(Action::Undo);
        assert_eq!(said(&app), format!("undone: {id} L -> P   Ctrl+R redoes"));
        assert_eq!(rating(&app).as_deref(), Some("L"));
        assert!(app.dirty, "an undo is saved like any change");
        app.update(Action::Undo);
        assert_eq!(rating(&app), None);
        assert_eq!(
            said(&app),
            format!("undone: {id} unrated -> L   Ctrl+R redoes")
        );
        app.update(Action::Undo);
        assert_eq!(
            said(&app),
            "nothing to undo: no change made in this session"
        );

        app.update(Action::Redo);
        app.update(Action::Redo);
        assert_eq!(said(&app), format!("redone: {id} L -> P   z undoes"));
        assert_eq!(rating(&app).as_deref(), Some("P"));
        app.update(Action::Redo);
        assert_eq!(said(&app), "nothing to redo");

        // A new change after an undo drops what redo would have brought back.
        app.update(Action::Undo);
        app.update(Action::Rate(Rating::F));
        app.update(Action::Redo);
        assert_eq!(said(&app), "nothing to redo");
        assert_eq!(rating(&app).as_deref(), Some("F"));
    }

    #[test]
    fn notes_typed_in_one_go_are_one_change() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = app(tmp.path());
        app.update(Action::EditNotes);
        for c in "seen".chars() {
            app.update(Action::Input(ratatui_textarea::Input {
                key: ratatui_textarea::Key::Char(c),
                ..Default::default()
            }));
        }
        app.update(Action::Back);
        let id = app.requirement().id.clone();
        assert_eq!(app.opened.record.answer(&id).unwrap().notes, "seen");
        // Opened again, the notes typed then are another change.
        app.update(Action::EditNotes);
        app.update(Action::Paste(" twice".into()));
        app.update(Action::Back);
        app.update(Action::Undo);
        assert_eq!(app.opened.record.answer(&id).unwrap().notes, "seen");
        app.update(Action::Undo);
        assert_eq!(said(&app), format!("undone: {id} notes   Ctrl+R redoes"));
        assert!(
            app.opened
                .record
                .answer(&id)
                .is_none_or(|a| a.notes.is_empty())
        );
        // Redo brings back every key typed, the last ones too.
        app.update(Action::Redo);
        assert_eq!(app.opened.record.answer(&id).unwrap().notes, "seen");
        app.update(Action::Redo);
        assert_eq!(app.opened.record.answer(&id).unwrap().notes, "seen twice");
    }

    #[test]
    fn the_history_keeps_the_last_hundred_changes() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = app(tmp.path());
        for i in 0..=MAX_CHANGES {
            app.update(Action::Rate(if i % 2 == 0 { Rating::F } else { Rating::N }));
        }
        for _ in 0..MAX_CHANGES {
            app.update(Action::Undo);
            assert!(said(&app).starts_with("undone: "), "{}", said(&app));
        }
        // The first rating is kept: only the changes after it can be undone.
        assert_eq!(rating(&app).as_deref(), Some("F"));
        app.update(Action::Undo);
        assert_eq!(said(&app), "nothing to undo (older changes are not kept)");
    }

    /// A rating keeps a copy of the answers, never of the findings or the register.
    #[test]
    fn a_state_shares_the_parts_that_did_not_change() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = app(tmp.path());
        app.update(Action::Rate(Rating::F));
        let history = app.undo.as_ref().unwrap();
        let (first, second) = (&history.states[0], &history.states[1]);
        assert!(Rc::ptr_eq(&first.findings, &second.findings));
        assert!(Rc::ptr_eq(&first.evidence, &second.evidence));
        assert!(!Rc::ptr_eq(&first.requirements, &second.requirements));
        assert_eq!(second.weight(Some(first)), second.requirements.len());
    }

    #[test]
    fn read_only_nothing_is_undone() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = app(tmp.path());
        app.read_only = true;
        app.update(Action::Undo);
        assert_eq!(said(&app), "read-only: nothing can be changed here");
        app.update(Action::Redo);
        assert_eq!(said(&app), "read-only: nothing can be changed here");
    }

    #[test]
    fn a_key_that_does_nothing_says_so() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut app = app(tmp.path());
        app.update(Action::ShowEvidence);
        app.update(Action::Unbound("x".into()));
        assert_eq!(
            said(&app),
            "`x` does nothing on the evidence register: ? lists its keys"
        );
        assert!(!app.dirty);
    }
}
