//! Forms in popups and yes/no prompts. Each form is a type of its own ([`Form`]): how it
//! opens, what Confirm makes of its values (a change of the edit layer), where its draft
//! goes back to. Drafts of unfinished forms are kept by what they edit, never by position.

use crate::diagnostic::field_name;
use crate::rating::Judgement;
use crate::record::{check, edit};

use super::evidence::{evidence_editor, evidence_from};
use super::followup;
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
        form_of(&purpose).open(self, purpose.clone())
    }

    pub(super) fn open_form(&mut self, purpose: Purpose) {
        // A final record keeps what the audit found: a form that changes it is not opened
        // (the edit layer would refuse it anyway); follow-up forms are.
        if self.opened.record.assessment.sign_off().is_some()
            && !self.read_only
            && form_of(&purpose).changes_as_found()
        {
            self.message = Some(super::setup::FINAL_NOTE.into());
            return;
        }
        match self.form(purpose.clone()) {
            Some(editor) => self.open_editor(editor),
            None => {
                if let Some(why) = form_of(&purpose).cannot_open() {
                    self.message = Some(why.into());
                }
            }
        }
    }

    /// The unfinished form on screen, if any: what to keep if the interview ends now.
    pub fn draft(&self) -> Option<Draft> {
        fn in_overlay(o: &Overlay) -> Option<Draft> {
            match o {
                Overlay::Editor(e) => e.draft(),
                Overlay::Confirm {
                    pending:
                        Pending::Quit { restore }
                        | Pending::AddParticipant { restore, .. }
                        | Pending::SignOff { restore, .. },
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
        // A draft of a form of another shape (written by a version with other fields) would
        // put its values into the wrong fields.
        if draft.values.len() != editor.fields.len() {
            return false;
        }
        for (field, value) in editor.fields.iter_mut().zip(&draft.values) {
            if !field.set_value(value) {
                return false;
            }
        }
        form_of(&purpose).show(self);
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
        if self.read_only && !form_of(&editor.purpose).changes_nothing() {
            self.message = Some("read-only: nothing can be changed here".into());
            return;
        }
        self.overlay = Overlay::Editor(editor);
    }

    pub(super) fn update_editor(&mut self, mut editor: Editor, action: Action) {
        let live_notes = editor.purpose.is_live();
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
            Action::NextField if form_of(&editor.purpose).completes_names() => {
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
            // Evidence ids: Tab completes the one being typed from the register, and says
            // what it is; with nothing being typed it goes to the next field.
            Action::NextField if editor.focused().name == Name::Evidence => {
                let typed = editor.get(Name::Evidence);
                match complete_evidence(&typed, &self.opened.record.evidence) {
                    None => editor.next_field(),
                    Some(Ok((done, said))) => {
                        editor.fields[editor.focus].set_value(&done);
                        editor.error = Some(said);
                    }
                    Some(Err(why)) => editor.error = Some(why),
                }
            }
            Action::NextField => editor.next_field(),
            Action::PrevField => editor.prev_field(),
            Action::Confirm if live_notes => return,
            Action::Confirm if !editor.on_last_field() => editor.next_field(),
            // An interviewee who is not a participant: offer to add them, then go on.
            Action::Confirm if let Some(name) = self.participant_to_add(&editor) => {
                self.overlay = Overlay::Confirm {
                    question: format!(
                        "`{name}` is not a participant. Add them as one (with no role yet)? y/n"
                    ),
                    pending: Pending::AddParticipant {
                        name,
                        restore: Box::new(Overlay::Editor(editor)),
                    },
                };
                return;
            }
            Action::Confirm => match self.submit_checked(&editor) {
                Ok(()) => return,
                Err(e) => editor.error = Some(e),
            },
            _ => {}
        }
        self.overlay = Overlay::Editor(editor);
    }

    /// A name typed in the form that is not a participant, to offer to add first.
    fn participant_to_add(&self, editor: &Editor) -> Option<String> {
        form_of(&editor.purpose).participant_to_add(self, editor)
    }

    pub(super) fn sync_notes(&mut self, editor: &Editor) {
        form_of(&editor.purpose).sync(self, editor);
    }

    /// Applies a completed form if the record it makes passes the same check as a record
    /// read from disk; otherwise changes nothing and says what is wrong. A form can never
    /// make a record that cannot be saved.
    fn submit_checked(&mut self, e: &Editor) -> Result<(), String> {
        // A form that edits something must still find it as it was when the form opened: a
        // reload or another editor may have changed it, or put another thing under its id.
        if form_of(&e.purpose).edits_existing()
            && self
                .form(e.purpose.clone())
                .is_none_or(|now| now.opened_with() != e.opened_with())
        {
            return Err("it changed since this form opened: Esc, then open it again".into());
        }
        let before = self.opened.record.clone();
        let effects = self.effects.len();
        // Refused, by the form's own rules or by the record check: nothing changes.
        let result = self.submit(e).and_then(|()| {
            let q = &self.opened.questionnaire.questionnaire;
            match check(&self.opened.record, q, self.today).first() {
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
        if form_of(&e.purpose).submit(self, e)? {
            self.changed();
        }
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
            Pending::AddParticipant { name, restore } => {
                let added = edit::add_participant(record, &name);
                if self.edited(added).is_some() {
                    self.message = Some(format!("{name} added to the participants (no role yet)"));
                    // The form again, as submitted: the next unknown name asks in turn.
                    if let Overlay::Editor(editor) = *restore {
                        self.update_editor(editor, Action::Confirm);
                    }
                } else {
                    self.overlay = *restore;
                }
                return;
            }
            Pending::SignOff { by, date, .. } => return self.sign_off(&by, &date),
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
pub(super) fn id_list(typed: &str) -> Vec<String> {
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
    let (head, last) = match typed.rfind([';', ',', '\n']) {
        Some(i) => (&typed[..=i], typed[i + 1..].trim()),
        None => ("", typed.trim()),
    };
    let listed: Vec<&str> = head.split([';', ',', '\n']).map(str::trim).collect();
    let last = last.to_lowercase();
    let name = participants
        .iter()
        .find(|p| p.to_lowercase().starts_with(&last) && !listed.contains(p))?;
    let sep = if head.is_empty() { "" } else { " " };
    Some(format!("{head}{sep}{name}; "))
}

/// The evidence ids typed so far with the last one completed from the register, and what
/// to say of it (its title; the items that start alike when several do). None when no id is
/// being typed (nothing after the last separator); an error when none starts like it.
pub fn complete_evidence(
    typed: &str,
    register: &[crate::record::Evidence],
) -> Option<Result<(String, String), String>> {
    let (head, last) = match typed.rfind([',', ';']) {
        Some(i) => (&typed[..=i], typed[i + 1..].trim()),
        None => ("", typed.trim()),
    };
    if last.is_empty() {
        return None;
    }
    let listed = id_list(head);
    let low = last.to_lowercase();
    let fits: Vec<&crate::record::Evidence> = register
        .iter()
        .filter(|e| e.id.to_lowercase().starts_with(&low) && !listed.contains(&e.id))
        .collect();
    let exact = fits.iter().find(|e| e.id.eq_ignore_ascii_case(last));
    let sep = if head.is_empty() { "" } else { " " };
    let item = match (exact, fits.as_slice()) {
        (Some(e), _) | (None, [e]) => e,
        (None, []) => {
            return Some(Err(format!(
                "no evidence starts with `{last}` in the register (v opens it)"
            )));
        }
        (None, many) => {
            // As far as they agree, and which they are.
            let first = &many[0].id;
            let common = many.iter().map(|e| agree(first, &e.id)).min().unwrap_or(0);
            let start = if common >= last.len() {
                &first[..common]
            } else {
                last
            };
            let shown: Vec<String> = many
                .iter()
                .map(|e| format!("{} · {}", e.id, e.title))
                .collect();
            return Some(Ok((format!("{head}{sep}{start}"), shown.join("; "))));
        }
    };
    Some(Ok((
        format!("{head}{sep}{}, ", item.id),
        format!("{} · {}", item.id, item.title),
    )))
}

/// How many bytes of `a` begin `b` too, in any case.
fn agree(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .take_while(|((_, x), y)| x.to_lowercase().eq(y.to_lowercase()))
        .last()
        .map_or(0, |((i, x), _)| i + x.len_utf8())
}

/// What both finding forms read: the class, the other requirements it is raised under, the
/// other findings it points at, and its text.
struct FindingFields {
    class: crate::record::FindingClass,
    also: Vec<String>,
    see: Vec<String>,
    text: String,
}

impl FindingFields {
    fn of(e: &Editor) -> FindingFields {
        FindingFields {
            class: FINDING_CLASSES[e.chosen(Name::Class)],
            also: id_list(&e.get(Name::AlsoUnder)),
            see: id_list(&e.get(Name::See)),
            text: e.get(Name::Text),
        }
    }
}

/// One form of the interview, a type of its own: the fields it opens with (what the record
/// holds now), how Confirm reads them into a change of the edit layer, where the screen
/// goes when its draft comes back, and how that draft is named: by id, never by position.
pub(super) trait Form {
    /// The form's name in messages ("your unfinished finding").
    fn describe(&self) -> &'static str;
    /// How a draft of this form is named in the drafts file: (form, what it is about, by
    /// id). None for a form that keeps no draft: notes are saved as they are typed, a jump
    /// holds nothing.
    fn draft_key(&self) -> Option<(&'static str, String)>;
    /// Which notes it is, for a form applied as it is typed (never submitted, never a draft).
    fn live_notes(&self) -> Option<NotesKind> {
        None
    }
    /// Applies what is typed so far, for a form applied as it is typed.
    fn sync(&self, _: &mut App, _: &Editor) {}
    /// It changes nothing in the record (a read-only interview opens it too).
    fn changes_nothing(&self) -> bool {
        false
    }
    /// A name typed that is not a participant, to offer to add before the form is applied.
    fn participant_to_add(&self, _: &App, _: &Editor) -> Option<String> {
        None
    }
    /// The form filled in; None when what it is about does not exist (any more).
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor>;
    /// Applies the form; true when the record changed.
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String>;
    /// Shows what the form is about, for a draft reopened.
    fn show(&self, app: &mut App);
    /// It changes something that exists: that must still read as it did when it opened.
    fn edits_existing(&self) -> bool {
        false
    }
    /// Why it does not open, when it does not and the user should be told.
    fn cannot_open(&self) -> Option<&'static str> {
        None
    }
    /// Tab completes the name being typed from the participants.
    fn completes_names(&self) -> bool {
        false
    }
    /// It changes what the audit found (frozen at the sign-off), not its follow-up: a
    /// final record does not open it.
    fn changes_as_found(&self) -> bool {
        true
    }
}

/// Which of a requirement's notes a form types: those printed in the report, or the
/// working notes, never in any report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotesKind {
    Report,
    Working,
}

/// What a purpose says of its form, each answered by the form that serves it (`form_of`).
impl Purpose {
    /// Notes: applied as they are typed, so the form is never submitted nor kept as a draft.
    pub fn is_live(&self) -> bool {
        self.live_notes().is_some()
    }

    /// Which notes the form types, when it is a notes form.
    pub fn live_notes(&self) -> Option<NotesKind> {
        form_of(self).live_notes()
    }

    /// How a draft of this form is named in the drafts file: (form, what it is about).
    pub fn draft_key(&self) -> Option<(&'static str, String)> {
        form_of(self).draft_key()
    }

    /// The form a draft was kept from: the one that names its drafts as this one is named.
    /// None for a name no form gives (any more), or a setup row named by its place (an
    /// older version's draft, not reopened).
    pub fn from_draft_key(form: &str, target: &str) -> Option<Purpose> {
        DRAFTED
            .iter()
            .filter_map(|make| make(target))
            .find(|p| p.draft_key().is_some_and(|(name, _)| name == form))
    }

    /// The form's name in messages.
    pub fn describe(&self) -> &'static str {
        form_of(self).describe()
    }
}

/// Every purpose whose form keeps drafts, made from what a draft is about; which of them a
/// draft goes back to, its form says ([`Form::draft_key`]).
const DRAFTED: [fn(&str) -> Option<Purpose>; 18] = [
    |id| Some(Purpose::Justification(id.to_owned())),
    |id| Some(Purpose::Finding(id.to_owned())),
    |id| Some(Purpose::Action(id.to_owned())),
    |id| Some(Purpose::EditFinding(id.to_owned())),
    |id| Some(Purpose::EditAction(id.to_owned())),
    |id| Some(Purpose::Interviewee(id.to_owned())),
    |row| SetupRow::from_key(row).map(Purpose::Setup),
    |id| Some(Purpose::Condition(id.to_owned())),
    |id| Some(Purpose::Sampling(id.to_owned())),
    |_| Some(Purpose::NewEvidence),
    |id| Some(Purpose::NewEvidenceFor(id.to_owned())),
    |id| Some(Purpose::EditEvidence(id.to_owned())),
    |_| Some(Purpose::SignOff),
    |id| Some(Purpose::Response(id.to_owned())),
    |id| Some(Purpose::NewFollowUpAction(id.to_owned())),
    |id| Some(Purpose::FollowUpAction(id.to_owned())),
    |id| Some(Purpose::AcceptAction(id.to_owned())),
    |id| Some(Purpose::Verify(id.to_owned())),
];

/// The one place a form's purpose is told apart: the form that serves it.
fn form_of(purpose: &Purpose) -> Box<dyn Form + '_> {
    match purpose {
        Purpose::Notes(id) => Box::new(Notes(id)),
        Purpose::WorkingNotes(id) => Box::new(WorkingNotes(id)),
        Purpose::Justification(id) => Box::new(Justification(id)),
        Purpose::Finding(id) => Box::new(NewFinding(id)),
        Purpose::Action(id) => Box::new(NewAction(id)),
        Purpose::EditFinding(id) => Box::new(EditFinding(id)),
        Purpose::EditAction(id) => Box::new(EditAction(id)),
        Purpose::Interviewee(id) => Box::new(Interviewees(id)),
        Purpose::JumpTo => Box::new(JumpTo),
        Purpose::Setup(row) => Box::new(Detail(*row)),
        Purpose::Condition(id) => Box::new(Condition(id)),
        Purpose::Sampling(id) => Box::new(Sampling(id)),
        Purpose::NewEvidence => Box::new(NewEvidence(None)),
        Purpose::NewEvidenceFor(id) => Box::new(NewEvidence(Some(id))),
        Purpose::EditEvidence(id) => Box::new(EditEvidence(id)),
        Purpose::SignOff => Box::new(SignOff),
        Purpose::Response(id) => Box::new(followup::Response(id)),
        Purpose::NewFollowUpAction(id) => Box::new(followup::NewFollowUpAction(id)),
        Purpose::FollowUpAction(id) => Box::new(followup::FollowUpAction(id)),
        Purpose::AcceptAction(id) => Box::new(followup::AcceptAction(id)),
        Purpose::Verify(id) => Box::new(followup::Verify(id)),
    }
}

fn answer(app: &App, id: &str) -> crate::record::Answer {
    app.opened.record.answer(id).cloned().unwrap_or_default()
}

fn requirement_known(app: &App, id: &str) -> bool {
    app.opened
        .questionnaire
        .questionnaire
        .requirement(id)
        .is_some()
}

/// A requirement's notes, applied as they are typed ([`App::sync_notes`]).
struct Notes<'p>(&'p str);

impl Form for Notes<'_> {
    fn describe(&self) -> &'static str {
        "notes"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        None
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        requirement_known(app, id).then_some(())?;
        Some(Editor::new(
            &format!("{id} notes"),
            purpose,
            vec![Field::multiline("Notes", &answer(app, id).notes)],
        ))
    }
    fn submit(&self, _: &mut App, _: &Editor) -> Result<bool, String> {
        Ok(true)
    }
    fn show(&self, _: &mut App) {}
    fn live_notes(&self) -> Option<NotesKind> {
        Some(NotesKind::Report)
    }
    fn sync(&self, app: &mut App, e: &Editor) {
        let set = edit::set_notes(&mut app.opened.record, self.0, e.get(Name::Text));
        app.edited(set);
    }
}

/// A requirement's working notes, applied as they are typed ([`App::sync_notes`]): the
/// assessor's own, never in any report.
struct WorkingNotes<'p>(&'p str);

/// The working notes editor's title: it says where they never go.
pub const WORKING_NOTES_TITLE: &str = "Working notes (never in the report)";

impl Form for WorkingNotes<'_> {
    fn describe(&self) -> &'static str {
        "working notes"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        None
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        requirement_known(app, id).then_some(())?;
        Some(Editor::new(
            &format!("{id} {WORKING_NOTES_TITLE}"),
            purpose,
            vec![Field::multiline(
                "Working notes",
                &answer(app, id).working_notes,
            )],
        ))
    }
    fn submit(&self, _: &mut App, _: &Editor) -> Result<bool, String> {
        Ok(true)
    }
    fn show(&self, _: &mut App) {}
    fn live_notes(&self) -> Option<NotesKind> {
        Some(NotesKind::Working)
    }
    fn sync(&self, app: &mut App, e: &Editor) {
        let set = edit::set_working_notes(&mut app.opened.record, self.0, e.get(Name::Text));
        app.edited(set);
    }
}

/// Why a requirement is not applicable: rates it N/A.
struct Justification<'p>(&'p str);

impl Form for Justification<'_> {
    fn describe(&self) -> &'static str {
        "justification"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("justification", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        Some(Editor::new(
            &format!("{id} not applicable: why?"),
            purpose,
            vec![Field::long_line(
                "Justification",
                &answer(app, id).justification,
            )],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let id = self.0;
        let record = &mut app.opened.record;
        edit::rate(record, id, Some(Judgement::NA), Some(&e.get(Name::Text)))
            .map_err(|e| format!("{} (Esc cancels)", refusal(&e)))?;
        let kind = app.opened.record.assessment.kind;
        let q = &app.opened.questionnaire.questionnaire;
        app.message = Some(match crate::conformance::not_applicable_note(q, kind) {
            Some(note) => format!("{id} not applicable. {note}"),
            None => format!("{id} not applicable"),
        });
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.show_requirement(self.0);
    }
}

/// The finding forms' fields for the other requirements it is raised under and the other
/// findings it points at, after its class.
const ALSO_UNDER: &str = "Also under (requirements, comma-separated)";
const SEE: &str = "See (findings, comma-separated)";
/// Where the finding's text is in both finding forms: the form opens there.
const FINDING_TEXT_FIELD: usize = 3;

/// A new finding about a requirement.
struct NewFinding<'p>(&'p str);

impl Form for NewFinding<'_> {
    fn describe(&self) -> &'static str {
        "finding"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("finding", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        requirement_known(app, id).then_some(())?;
        let classes: Vec<&str> = FINDING_CLASSES.iter().map(|c| c.key()).collect();
        let mut e = Editor::new(
            &format!("{id} new finding"),
            purpose,
            vec![
                Field::choice("Class (←→)", &classes, 1).named(Name::Class),
                Field::line(ALSO_UNDER, "").named(Name::AlsoUnder),
                Field::line(SEE, "").named(Name::See),
                Field::long_line("Finding", ""),
            ],
        );
        // It opens on the text, the last field: Enter records it.
        e.focus = FINDING_TEXT_FIELD;
        Some(e)
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let typed = FindingFields::of(e);
        let new = edit::NewFinding {
            requirement: self.0.to_owned(),
            class: typed.class,
            text: typed.text,
            also: typed.also,
            see: typed.see,
            ..Default::default()
        };
        let q = &app.opened.questionnaire.questionnaire;
        let fid = edit::add_finding(&mut app.opened.record, q, new, app.today)
            .map_err(|e| refusal(&e))?;
        app.message = Some(format!("{fid} recorded"));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.show_requirement(self.0);
    }
}

/// A new action for one of a requirement's findings.
struct NewAction<'p>(&'p str);

impl Form for NewAction<'_> {
    fn describe(&self) -> &'static str {
        "action"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("action", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        requirement_known(app, id).then_some(())?;
        // Actions belong to findings: nonconformities first, as they need them most.
        let record = &app.opened.record;
        let mut findings: Vec<&crate::record::Finding> = record.findings_for(id).collect();
        findings.sort_by_key(|f| !f.class.is_nonconformity());
        let ids: Vec<&str> = findings.iter().map(|f| f.id.as_str()).collect();
        if ids.is_empty() {
            return None;
        }
        Some(Editor::new(
            &format!("{id} new action"),
            purpose,
            vec![
                Field::choice("For finding (←→)", &ids, 0).named(Name::Finding),
                Field::long_line("What", "").named(Name::What),
                Field::line("Owner", "").named(Name::Owner),
                Field::line("Due (YYYY-MM-DD)", "").named(Name::Due),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let finding = e.get(Name::Finding);
        let aid = edit::add_action(
            &mut app.opened.record,
            &finding,
            &e.get(Name::What),
            &e.get(Name::Owner),
            Some(&e.get(Name::Due)),
        )
        .map_err(|e| refusal(&e))?;
        app.message = Some(format!("{aid} planned for {finding}"));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.show_requirement(self.0);
    }
    fn cannot_open(&self) -> Option<&'static str> {
        Some("actions belong to findings: record a finding first (m)")
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// A finding, by id: its class, text, correction, root cause and evidence cited.
struct EditFinding<'p>(&'p str);

impl Form for EditFinding<'_> {
    fn describe(&self) -> &'static str {
        "finding"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("edit-finding", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let f = app.opened.record.finding(self.0)?;
        let classes: Vec<&str> = FINDING_CLASSES.iter().map(|c| c.key()).collect();
        let class = FINDING_CLASSES.iter().position(|c| *c == f.class)?;
        let rows = |mut field: Field, rows| {
            field.rows = rows;
            field
        };
        let mut e = Editor::new(
            &format!("{} · {}", f.id, f.requirement),
            purpose,
            vec![
                Field::choice("Class (←→)", &classes, class).named(Name::Class),
                Field::line(ALSO_UNDER, &f.also.join(", ")).named(Name::AlsoUnder),
                Field::line(SEE, &f.see.join(", ")).named(Name::See),
                Field::long_line("Finding", &f.text),
                rows(Field::long_line("Correction", &f.correction), 2).named(Name::Correction),
                rows(Field::long_line("Root cause", &f.root_cause), 2).named(Name::RootCause),
                Field::line(
                    "Evidence cited (register ids, comma-separated; Tab completes)",
                    &f.evidence.join(", "),
                )
                .named(Name::Evidence),
            ],
        );
        e.focus = FINDING_TEXT_FIELD;
        Some(e)
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let fid = self.0;
        let record = &mut app.opened.record;
        let typed = id_list(&e.get(Name::Evidence));
        let cited = record
            .finding(fid)
            .map(|f| f.evidence.clone())
            .unwrap_or_default();
        let finding = FindingFields::of(e);
        let change = edit::FindingChange {
            text: Some(finding.text),
            class: Some(finding.class),
            uncite: cited.into_iter().filter(|c| !typed.contains(c)).collect(),
            evidence: typed,
            correction: Some(e.get(Name::Correction)),
            root_cause: Some(e.get(Name::RootCause)),
            also: Some(finding.also),
            see: Some(finding.see),
            interviewed: Vec::new(),
            raised: None,
            plan_due: None,
        };
        let q = &app.opened.questionnaire.questionnaire;
        let now = edit::edit_finding(record, q, fid, change, app.today).map_err(|e| refusal(&e))?;
        app.message = Some(if now == fid {
            format!("{now} changed")
        } else {
            format!("{fid} is now {now}")
        });
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        let record = &app.opened.record;
        if let Some(req) = record.finding(self.0).map(|f| f.requirement.clone()) {
            app.show_requirement(&req);
        }
    }
    fn edits_existing(&self) -> bool {
        true
    }
}

/// An action, by id: what, who, when.
struct EditAction<'p>(&'p str);

impl Form for EditAction<'_> {
    fn describe(&self) -> &'static str {
        "action"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("edit-action", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let (f, a) = app.opened.record.action(self.0)?;
        Some(Editor::new(
            &format!("{} of {}", a.id, f.id),
            purpose,
            vec![
                Field::long_line("What", &a.what).named(Name::What),
                Field::line("Owner", &a.owner).named(Name::Owner),
                Field::line("Due (YYYY-MM-DD)", a.due.as_deref().unwrap_or("")).named(Name::Due),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let aid = self.0;
        let (what, owner, due) = (e.get(Name::What), e.get(Name::Owner), e.get(Name::Due));
        edit::edit_action(&mut app.opened.record, aid, &what, &owner, Some(&due))
            .map_err(|e| refusal(&e))?;
        app.message = Some(format!("{aid} changed"));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        if let Some((f, _)) = app.opened.record.action(self.0) {
            let req = f.requirement.clone();
            app.show_requirement(&req);
        }
    }
    fn edits_existing(&self) -> bool {
        true
    }
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// Who was interviewed for a requirement: names separated by `,` or `;`, as the form says
/// (a participant whose name holds a comma, "Reyes, Sofia", is one name), each a
/// participant when participants are recorded.
struct Interviewees<'p>(&'p str);

impl Form for Interviewees<'_> {
    fn describe(&self) -> &'static str {
        "interviewee"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("interviewee", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        requirement_known(app, id).then_some(())?;
        let mut e = Editor::new(
            &format!("{id} interviewed"),
            purpose,
            vec![Field::line(
                &format!(
                    "Names (Tab completes a participant; {})",
                    edit::NAME_SEPARATORS
                ),
                "",
            )],
        );
        let participants = &app.opened.record.assessment.participants;
        let names: Vec<&str> = participants.iter().map(|p| p.name.as_str()).collect();
        if !names.is_empty() {
            e.error = Some(format!("Participants: {}", names.join(", ")));
        }
        Some(e)
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let typed = e.get(Name::Text);
        edit::add_interviewees(&mut app.opened.record, self.0, &[typed]).map_err(|e| match e {
            edit::Refused::Invalid { .. } => "type a name (Esc cancels)".to_string(),
            edit::Refused::NotFound {
                what: edit::Thing::Participant,
                id,
                ..
            } => format!(
                "`{id}` is not a participant: add them to Participants in the assessment details (i) first, or correct the name (Esc cancels)"
            ),
            e => refusal(&e),
        })?;
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.show_requirement(self.0);
    }
    fn completes_names(&self) -> bool {
        true
    }
    /// A name that is not a participant: offered to add (no role yet), before the sign-off.
    fn participant_to_add(&self, app: &App, e: &Editor) -> Option<String> {
        let record = &app.opened.record;
        if record.assessment.sign_off().is_some() {
            return None;
        }
        match edit::interviewees(record, &[e.get(Name::Text)]) {
            Err(edit::Refused::NotFound {
                what: edit::Thing::Participant,
                id,
                ..
            }) => Some(id),
            _ => None,
        }
    }
}

/// Goes to a requirement typed by its id; changes nothing.
struct JumpTo;

impl Form for JumpTo {
    fn describe(&self) -> &'static str {
        "jump"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        None
    }
    fn open(&self, _: &App, purpose: Purpose) -> Option<Editor> {
        Some(Editor::new(
            "Go to requirement",
            purpose,
            vec![Field::line("Id (7.2.a, 7.2a, OM.a)", "")],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let q = &app.opened.questionnaire.questionnaire;
        let typed = e.get(Name::Text);
        let id = &q
            .resolve(&typed)
            .map_err(|_| format!("no requirement `{}`: try 7.2.a, 7.2a or OM.a", typed.trim()))?
            .id;
        let index = q.position(id).expect("resolved");
        app.go_to_requirement(index);
        Ok(false)
    }
    fn show(&self, _: &mut App) {}
    fn changes_as_found(&self) -> bool {
        false
    }
    fn changes_nothing(&self) -> bool {
        true
    }
}

/// One assessment detail of the setup screen, by which detail it is.
struct Detail(SetupRow);

impl Form for Detail {
    fn describe(&self) -> &'static str {
        "assessment detail"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("setup", self.0.key()?.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let row = self.0;
        row.key()?;
        // Paragraphs and lists of sessions get several lines, sentences room, names and
        // lists one line.
        let field = match row {
            SetupRow::Sessions
            | SetupRow::AuditPlan
            | SetupRow::Conclusions
            | SetupRow::Objectives
            | SetupRow::Criteria
            | SetupRow::Scope
            | SetupRow::RemoteMethod
            | SetupRow::NotCovered
            | SetupRow::DivergingOpinions
            | SetupRow::Distribution
            | SetupRow::Confidentiality => Field::long_line,
            _ => Field::line,
        };
        // The team's roles are a fixed list, the kind's: said where they are typed (as
        // `Name: role; Name: role`, the value shows).
        let hint = if row == SetupRow::Team {
            let roles = app.opened.record.assessment.kind.team_roles();
            format!("Roles: {}", roles.join(", "))
        } else {
            setup_hint(row).to_owned()
        };
        Some(Editor::new(
            &format!("Edit {}", setup_label(row)),
            purpose,
            vec![field(&hint, &app.setup_value(row))],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        // Unchanged: nothing to apply (a list read back from one line could change).
        if !e.is_changed() {
            return Ok(false);
        }
        app.apply_setup(self.0, &e.get(Name::Text))?;
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.screen = Screen::Setup;
        app.setup_row = app
            .setup_rows()
            .iter()
            .position(|r| *r == self.0)
            .unwrap_or(0);
    }
}

/// A clause 6 condition's answer, note and evidence, by the condition's id.
struct Condition<'p>(&'p str);

/// A clause 6 answer's choices: met, not met, not answered; and how the form shows them.
const MET: [Option<bool>; 3] = [Some(true), Some(false), None];
const MET_SHOWN: [&str; 3] = ["yes", "no", "not answered"];

impl Form for Condition<'_> {
    fn describe(&self) -> &'static str {
        "clause 6 answer"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("condition", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let q = &app.opened.questionnaire.questionnaire;
        let c = q.conditions.iter().find(|c| c.id == self.0)?;
        let record = &app.opened.record;
        let answer = record.conditions.get(&c.id).cloned().unwrap_or_default();
        let now = record.conditions.get(&c.id).map(|a| a.met);
        let met = MET.iter().position(|m| *m == now).expect("all three");
        Some(Editor::new(
            &format!("Clause 6 condition {}", c.id),
            purpose,
            vec![
                Field::choice("Met (←→)", &MET_SHOWN, met).named(Name::Met),
                Field::long_line("Note", &answer.note).named(Name::Note),
                Field::line(
                    "Evidence (ids, comma-separated; Tab completes from the register)",
                    &answer.evidence.join(", "),
                )
                .named(Name::Evidence),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let cid = self.0;
        let q = &app.opened.questionnaire.questionnaire;
        let met = MET[e.chosen(Name::Met)];
        let change = edit::ConditionChange {
            met,
            note: Some(e.get(Name::Note)),
            evidence: id_list(&e.get(Name::Evidence)),
            replace_evidence: true,
        };
        edit::answer_condition(&mut app.opened.record, q, cid, change).map_err(|e| match e {
            edit::Refused::NotFound { id, .. } => {
                format!("no evidence `{id}` in the register (v opens it)")
            }
            e => refusal(&e),
        })?;
        app.message = Some(match met {
            Some(_) => format!("clause 6 condition {cid} answered"),
            None => format!("clause 6 condition {cid} not answered"),
        });
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.screen = Screen::Setup;
        let q = &app.opened.questionnaire.questionnaire;
        let i = q.conditions.iter().position(|c| c.id == self.0);
        app.setup_row = app
            .setup_rows()
            .iter()
            .position(|r| Some(*r) == i.map(SetupRow::Condition))
            .unwrap_or(0);
    }
}

/// What was sampled for a requirement.
struct Sampling<'p>(&'p str);

impl Form for Sampling<'_> {
    fn describe(&self) -> &'static str {
        "sampling record"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("sampling", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let id = self.0;
        Some(Editor::new(
            &format!("{id} sampled"),
            purpose,
            vec![Field::long_line(
                "What was sampled: projects, period, records seen, how many of how many",
                &answer(app, id).sampling,
            )],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let id = self.0;
        edit::set_sampling(&mut app.opened.record, id, &e.get(Name::Text))
            .map_err(|e| refusal(&e))?;
        app.message = Some(format!("{id}: what was sampled recorded"));
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.show_requirement(self.0);
    }
}

/// A new item of the register; added from a requirement's picker, it supports that
/// requirement (by its id).
struct NewEvidence<'p>(Option<&'p str>);

impl Form for NewEvidence<'_> {
    fn describe(&self) -> &'static str {
        "evidence item"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        match self.0 {
            None => Some(("new-evidence", String::new())),
            Some(id) => Some(("new-evidence-for", id.to_owned())),
        }
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let title = match self.0 {
            None => "New evidence".to_owned(),
            Some(id) => {
                requirement_known(app, id).then_some(())?;
                format!("New evidence, linked to {id}")
            }
        };
        let next = app.opened.record.next_evidence_id();
        Some(evidence_editor(&title, purpose, None, &next))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let mut item = evidence_from(e);
        item.supports = self.0.map(str::to_owned).into_iter().collect();
        let id = item.id.clone();
        let q = &app.opened.questionnaire.questionnaire;
        edit::add_evidence(&mut app.opened.record, q, item).map_err(|e| refusal(&e))?;
        app.effects.push(Effect::HashEvidence { id: id.clone() });
        app.evidence_row = app.opened.record.evidence.len() - 1;
        app.register_changed();
        app.message = Some(match self.0 {
            Some(req) => {
                // Back to the picker it was added from, on the item.
                app.overlay = Overlay::Picker {
                    row: app.evidence_row,
                };
                format!("{id} added to the register, linked to {req}")
            }
            None => format!("{id} added to the register"),
        });
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        match self.0 {
            None => app.screen = Screen::Evidence,
            Some(id) => app.show_requirement(id),
        }
    }
    /// After the sign-off an item joins the register for the follow-up (the edit layer
    /// marks it so).
    fn changes_as_found(&self) -> bool {
        false
    }
}

/// An item of the register, by its id.
struct EditEvidence<'p>(&'p str);

impl Form for EditEvidence<'_> {
    fn describe(&self) -> &'static str {
        "evidence item"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("edit-evidence", self.0.to_owned()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        let item = app.opened.record.evidence_item(self.0)?;
        Some(evidence_editor("Edit evidence", purpose, Some(item), ""))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        let item = evidence_from(e);
        let id = item.id.clone();
        let q = &app.opened.questionnaire.questionnaire;
        let record = &mut app.opened.record;
        let moved = edit::edit_evidence(record, q, self.0, item).map_err(|e| refusal(&e))?;
        if moved {
            app.effects.push(Effect::HashEvidence { id });
        }
        app.register_changed();
        Ok(true)
    }
    fn show(&self, app: &mut App) {
        app.screen = Screen::Evidence;
        let register = &app.opened.record.evidence;
        app.evidence_row = register.iter().position(|e| e.id == self.0).unwrap_or(0);
    }
    fn edits_existing(&self) -> bool {
        true
    }
}

/// Who signs the assessment off, and when (today by default): the record becomes final.
struct SignOff;

impl Form for SignOff {
    fn describe(&self) -> &'static str {
        "sign-off"
    }
    fn draft_key(&self) -> Option<(&'static str, String)> {
        Some(("sign-off", String::new()))
    }
    fn open(&self, app: &App, purpose: Purpose) -> Option<Editor> {
        Some(Editor::new(
            "Sign off: the record becomes final",
            purpose,
            vec![
                Field::line("Signed off by", "").named(Name::By),
                Field::line("Date (YYYY-MM-DD)", &app.today.to_string()).named(Name::Date),
            ],
        ))
    }
    fn submit(&self, app: &mut App, e: &Editor) -> Result<bool, String> {
        // Nothing changes yet: the sign-off is asked about first.
        let (by, date) = (e.get(Name::By), e.get(Name::Date));
        app.ask_to_sign(by, date, Overlay::Editor(e.clone()))?;
        Ok(false)
    }
    fn show(&self, app: &mut App) {
        app.screen = Screen::Setup;
        app.setup_row = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each purpose a draft can name comes back from its draft's name as itself, and no two
    /// forms name their drafts alike.
    #[test]
    fn a_draft_goes_back_to_the_form_it_was_kept_from() {
        let mut names = Vec::new();
        for target in ["7.2.a", "E-3", "vse"] {
            for make in DRAFTED {
                let Some(purpose) = make(target) else {
                    continue;
                };
                let (form, about) = purpose.draft_key().expect("a form that keeps drafts");
                assert_eq!(
                    Purpose::from_draft_key(form, &about).as_ref(),
                    Some(&purpose)
                );
                if target == "vse" {
                    names.push(form);
                }
            }
        }
        assert_eq!(names.len(), DRAFTED.len(), "{names:?}");
        names.sort();
        names.dedup();
        assert_eq!(names.len(), DRAFTED.len(), "two forms name drafts alike");
        // What no form names, and a setup row named by its place (an older version's), go
        // back nowhere.
        assert_eq!(Purpose::from_draft_key("notes", "7.2.a"), None);
        assert_eq!(Purpose::from_draft_key("setup", "3"), None);
        assert_eq!(
            Purpose::from_draft_key("setup", "vse"),
            Some(Purpose::Setup(SetupRow::Vse))
        );
    }
}
