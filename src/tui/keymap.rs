//! The one place keys become actions: a table of bindings (where, keys, action, what it
//! does) from which the keymap, the footer, the `?` help and the README's key table are all
//! made, so they can never disagree. In an editor every printable key is text, so typing
//! notes never triggers a shortcut; only Esc, Tab, Enter and Ctrl keys mean something there.
//! Nothing needs Alt, Shift+Enter or a mouse: they do not survive many SSH clients.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::app::{Focus, Mode, Screen};
use crate::rating::Rating;

/// A key as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Code(KeyCode),
    /// A letter in either case (Caps Lock on is no surprise).
    Letter(char),
    Char(char),
    Ctrl(char),
    /// 1 to 9.
    Digit,
    /// Whatever key.
    Any,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere, in forms and dialogs too.
    Anywhere,
    /// On every screen, outside forms and dialogs.
    Screens,
    Question,
    /// On the question screen's findings, actions or interviewees, after Tab.
    List,
    Setup,
    Evidence,
    Summary,
    /// The follow-up view of nonconformities and actions.
    FollowUp,
    /// The help and guidance screens.
    Reading,
    /// The help alone.
    Help,
    /// Typing what to search for, after `/`.
    Search,
    /// After a search: moving between its matches.
    Found,
    /// A form of one-line fields.
    Form,
    /// The notes editor (several lines).
    Notes,
    /// Linking evidence to the requirement on screen.
    Picker,
    /// The command menu (`:`).
    Command,
    Confirm,
    /// The file changed on disk under the interview.
    Conflict,
    /// The file was moved away or deleted under the interview.
    Gone,
    Notice,
}

impl Context {
    /// The heading of its part of the help and the README.
    pub fn heading(self) -> &'static str {
        match self {
            Context::Anywhere => "Anywhere",
            Context::Screens => "Every screen",
            Context::Question => "Question screen",
            Context::List => "Findings, actions, interviewees (after Tab)",
            Context::Setup => "Assessment details (i)",
            Context::Evidence => "Evidence register (v)",
            Context::Summary => "Summary (s)",
            Context::FollowUp => "Follow-up (b)",
            Context::Reading => "Help, guidance, messages",
            Context::Help => "The help (?)",
            Context::Search => "Typing a search (/)",
            Context::Found => "After a search",
            Context::Form => "In a form",
            Context::Notes => "In the notes editor",
            Context::Picker => "Linking evidence (e)",
            Context::Command => "Command menu (:)",
            Context::Confirm => "A yes/no question",
            Context::Conflict => "The record changed on disk",
            Context::Gone => "The record moved away or deleted",
            Context::Notice => "A note",
        }
    }
}

/// What a binding does.
#[derive(Debug, Clone)]
pub enum Does {
    Act(Action),
    /// The rating the letter names.
    Rate,
    /// The facet the digit numbers.
    Facet,
    /// ↑ (or k) up, ↓ (or j) down.
    Move,
    /// y yes, n no.
    YesNo,
    /// The key goes to the text field (described for help only).
    Type,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub does: Does,
    /// What it does, for the help and the README.
    pub meaning: &'static str,
    /// The footer's word for it, and its place there (lower first); bindings without one
    /// are in the help only.
    pub footer: Option<(u8, &'static str)>,
}

const fn b(
    context: Context,
    keys: &'static [Key],
    does: Does,
    meaning: &'static str,
    footer: Option<(u8, &'static str)>,
) -> Binding {
    Binding {
        context,
        keys,
        does,
        meaning,
        footer,
    }
}

use Context as C;
use Does::Act;
use Key::{Char, Code, Ctrl, Letter};

/// Every key binding, by where it applies; the first that matches wins.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    b(C::Anywhere, &[Ctrl('c')], Act(Action::Quit), "quit (in a form, asks first)", None),
    b(C::Anywhere, &[Ctrl('s')], Act(Action::Save), "save now (every change is saved anyway)", None),
    b(C::Anywhere, &[Ctrl('z')], Act(Action::Suspend), "back to the shell (fg returns)", None),
    b(C::Screens, &[Char('q')], Act(Action::Quit), "quit", Some((50, "quit"))),
    b(C::Screens, &[Char('?'), Code(KeyCode::F(1))], Act(Action::Help), "this help: every key, the ratings, the finding classes", Some((PINNED, "help"))),
    b(C::Screens, &[Code(KeyCode::Esc)], Act(Action::Back), "back", Some((55, "back"))),
    b(C::Screens, &[Char('s')], Act(Action::ShowSummary), "summary: what blocks conformance", Some((60, "summary"))),
    b(C::Screens, &[Char('v')], Act(Action::ShowEvidence), "evidence register", None),
    b(C::Screens, &[Char('i')], Act(Action::ShowSetup), "assessment details, clause 6 and sign-off", None),
    b(C::Screens, &[Char('b')], Act(Action::ShowFollowUp), "follow-up: the VSE's response, actions done, verifications (also once signed off)", Some((62, "follow-up"))),
    b(C::Screens, &[Char(':')], Act(Action::CommandMenu), "command menu: sign off, reopen, close the follow-up, verify evidence, write and sign reports, status", Some((56, "commands"))),
    b(C::Screens, &[Char('r')], Act(Action::Reload), "read the file again (read-only view)", None),
    b(C::Screens, &[Letter('z')], Act(Action::Undo), "undo the last change of the session, then the one before", None),
    b(C::Screens, &[Ctrl('r')], Act(Action::Redo), "redo what z undid", None),
    b(C::Screens, &[Char('!')], Act(Action::ShowMessages), "the last 50 messages in full, newest first", None),
    b(C::Screens, &[Code(KeyCode::PageDown)], Act(Action::Next), "next (requirement, page)", None),
    b(C::Screens, &[Code(KeyCode::PageUp)], Act(Action::Prev), "previous (requirement, page)", None),
    b(C::List, &[Code(KeyCode::Up), Code(KeyCode::Down)], Does::Move, "select", Some((1, "select"))),
    b(C::List, &[Code(KeyCode::Enter)], Act(Action::Open), "read in full and edit", Some((2, "open"))),
    b(C::List, &[Char(' ')], Act(Action::Toggle), "close or reopen an action", Some((3, "open/closed"))),
    b(C::List, &[Char('d'), Code(KeyCode::Delete)], Act(Action::Delete), "delete (asks first)", Some((4, "delete"))),
    b(C::List, &[Code(KeyCode::Tab)], Act(Action::FocusNext), "next list, then back to the question", Some((5, "next list"))),
    b(C::Question, &[Letter('n'), Letter('p'), Letter('l'), Letter('f')], Does::Rate, "rate N, P, L or F", Some((1, "rate"))),
    b(C::Question, &[Char('x')], Act(Action::NotApplicable), "not applicable (asks why)", Some((2, "N/A"))),
    b(C::Question, &[Char('u')], Act(Action::ClearRating), "clear the rating", None),
    b(C::Question, &[Key::Digit], Does::Facet, "check or uncheck a facet", Some((3, "facet"))),
    b(C::Question, &[Char('=')], Act(Action::AcceptSuggestion), "accept the rating the facets suggest", None),
    b(C::Question, &[Char('*')], Act(Action::CheckAllFacets), "check every facet (then = rates F)", None),
    b(C::Question, &[Code(KeyCode::Enter), Code(KeyCode::Right), Code(KeyCode::Down)], Act(Action::Next), "next requirement", Some((4, "next"))),
    b(C::Question, &[Code(KeyCode::Left), Code(KeyCode::Up)], Act(Action::Prev), "previous requirement", None),
    b(C::Question, &[Code(KeyCode::Home)], Act(Action::First), "first requirement", None),
    b(C::Question, &[Code(KeyCode::End)], Act(Action::Last), "last requirement", None),
    b(C::Question, &[Char('j')], Act(Action::JumpTo), "jump to a requirement by id", None),
    b(C::Question, &[Char('o')], Act(Action::ToggleOnlyOpen), "list only requirements not yet rated (again: all)", None),
    b(C::Question, &[Char('t')], Act(Action::EditNotes), "edit the notes (Esc when done)", Some((5, "notes"))),
    b(C::Question, &[Char('k')], Act(Action::EditWorkingNotes), "edit the working notes (never in the report)", None),
    b(C::Question, &[Char('m')], Act(Action::AddFinding), "add a finding", Some((6, "finding"))),
    b(C::Question, &[Char('a')], Act(Action::AddAction), "add an action to one of its findings", Some((91, "action"))),
    b(C::Question, &[Char('w')], Act(Action::AddInterviewee), "who was interviewed (Tab completes a name)", None),
    b(C::Question, &[Char('c')], Act(Action::EditSampling), "what was sampled: projects, period, records", None),
    b(C::Question, &[Char('e')], Act(Action::PickEvidence), "link evidence from the register", Some((92, "evidence"))),
    b(C::Question, &[Char('g')], Act(Action::ShowGuidance), "guidance and Annex A references", Some((7, "guide"))),
    b(C::Question, &[Code(KeyCode::Tab)], Act(Action::FocusNext), "select findings, actions, interviewees", None),
    b(C::Question, &[Char('/')], Act(Action::Search), "search the requirements: ids, statements, questions, facets, notes, working notes, findings", Some((93, "search"))),
    b(C::Setup, &[Code(KeyCode::Up), Code(KeyCode::Down)], Does::Move, "select a row", Some((1, "select"))),
    b(C::Setup, &[Code(KeyCode::Enter)], Act(Action::Open), "edit the row; on Status, sign off", Some((2, "edit"))),
    b(C::Setup, &[Char('y'), Char('n')], Does::YesNo, "answer a clause 6 condition or an audit confirmation yes or no", Some((3, "condition"))),
    b(C::Setup, &[Char(' ')], Act(Action::Toggle), "switch the kind, the audit stage; answer a condition", None),
    b(C::Setup, &[Code(KeyCode::Right), Code(KeyCode::Tab)], Act(Action::StartInterview), "to the questions", Some((4, "questions"))),
    b(C::Setup, &[Code(KeyCode::Home)], Act(Action::First), "first row", None),
    b(C::Setup, &[Code(KeyCode::End)], Act(Action::Last), "last row (Status: sign-off)", None),
    b(C::Evidence, &[Code(KeyCode::Up), Code(KeyCode::Down)], Does::Move, "select an item", None),
    b(C::Evidence, &[Char('a')], Act(Action::AddEvidence), "add an item (a local file is hashed)", Some((1, "add"))),
    b(C::Evidence, &[Code(KeyCode::Enter), Char('e')], Act(Action::Open), "edit the item", Some((2, "edit"))),
    b(C::Evidence, &[Char(' ')], Act(Action::Toggle), "link to the requirement on screen, or unlink", Some((3, "link"))),
    b(C::Evidence, &[Char('d'), Code(KeyCode::Delete)], Act(Action::Delete), "remove (asks first, unlinks what cites it)", Some((4, "delete"))),
    b(C::Evidence, &[Code(KeyCode::Home)], Act(Action::First), "first item", None),
    b(C::Evidence, &[Code(KeyCode::End)], Act(Action::Last), "last item", None),
    b(C::Evidence, &[Char('/')], Act(Action::Search), "search the register: id, title, location, kind", Some((5, "search"))),
    b(C::Summary, &[Code(KeyCode::Up), Code(KeyCode::Down)], Does::Move, "select a requirement", Some((1, "select"))),
    b(C::Summary, &[Code(KeyCode::Enter)], Act(Action::Open), "go to it", Some((2, "go to"))),
    b(C::Summary, &[Code(KeyCode::Home)], Act(Action::First), "first requirement listed", None),
    b(C::Summary, &[Code(KeyCode::End)], Act(Action::Last), "last requirement listed", None),
    b(C::FollowUp, &[Code(KeyCode::Up), Code(KeyCode::Down)], Does::Move, "select a nonconformity or an action", Some((1, "select"))),
    b(C::FollowUp, &[Code(KeyCode::Home)], Act(Action::First), "first row", None),
    b(C::FollowUp, &[Code(KeyCode::End)], Act(Action::Last), "last row", None),
    b(C::FollowUp, &[Code(KeyCode::Enter)], Act(Action::Open), "on a nonconformity: the VSE's correction and root cause; on an action: edit it, its proposer, completion and evidence", Some((2, "edit"))),
    b(C::FollowUp, &[Char('a')], Act(Action::AddAction), "add an action to the selected nonconformity", Some((3, "action"))),
    b(C::FollowUp, &[Char(' ')], Act(Action::Toggle), "the selected action done today, or open again", Some((4, "done"))),
    b(C::FollowUp, &[Char('y')], Act(Action::AcceptAction), "the team accepts the selected action (by, date)", Some((5, "accept"))),
    b(C::FollowUp, &[Char('e')], Act(Action::Verify), "verify the selected nonconformity: effective or not, note, evidence", Some((6, "verify"))),
    b(C::FollowUp, &[Char('d'), Code(KeyCode::Delete)], Act(Action::Delete), "remove the selected action (asks first)", None),
    b(C::Reading, &[Code(KeyCode::Up), Code(KeyCode::Down)], Does::Move, "scroll", Some((1, "scroll"))),
    b(C::Reading, &[Char('q')], Act(Action::Back), "close (as Esc)", Some((2, "close"))),
    b(C::Reading, &[Code(KeyCode::PageDown), Char(' ')], Act(Action::Next), "next page", Some((3, "page"))),
    b(C::Reading, &[Code(KeyCode::PageUp)], Act(Action::Prev), "previous page", None),
    b(C::Reading, &[Code(KeyCode::Home)], Act(Action::First), "back to the top", None),
    b(C::Reading, &[Code(KeyCode::End)], Act(Action::Last), "the end", None),
    b(C::Help, &[Char('/')], Act(Action::Search), "search the help (n, N: next and previous match)", Some((4, "search"))),
    b(C::Search, &[Code(KeyCode::Enter)], Act(Action::Confirm), "go to the first match (none: says so, the text stays)", Some((1, "search"))),
    b(C::Search, &[Code(KeyCode::Esc)], Act(Action::Back), "cancel (nothing moves)", Some((2, "cancel"))),
    b(C::Search, &[Key::Any], Does::Type, "every other key is text: letters never rate here (case does not matter)", None),
    b(C::Found, &[Char('n')], Act(Action::SearchNext), "next match (never a rating while a search is shown)", Some((1, "next match"))),
    b(C::Found, &[Char('N')], Act(Action::SearchPrev), "previous match", Some((2, "previous"))),
    b(C::Found, &[Code(KeyCode::Esc)], Act(Action::Back), "end the search, staying here (any other key ends it too, and does what it does on the screen)", Some((3, "end search"))),
    b(C::Form, &[Code(KeyCode::Enter)], Act(Action::Confirm), "next field; on the last, confirm", Some((1, "confirm"))),
    b(C::Form, &[Code(KeyCode::Esc)], Act(Action::Back), "cancel (nothing changes)", Some((2, "cancel"))),
    b(C::Form, &[Code(KeyCode::Tab)], Act(Action::NextField), "next field (in a list of names or evidence: complete the one typed)", Some((3, "next field"))),
    b(C::Form, &[Code(KeyCode::BackTab)], Act(Action::PrevField), "previous field", None),
    b(C::Form, &[Code(KeyCode::Left), Code(KeyCode::Right)], Does::Type, "choose (class, kind, met)", Some((4, "choose"))),
    b(C::Notes, &[Code(KeyCode::Esc)], Act(Action::Back), "done (notes are kept as typed)", Some((1, "done"))),
    b(C::Notes, &[Code(KeyCode::Enter)], Does::Type, "new line", Some((2, "new line"))),
    b(C::Notes, &[Code(KeyCode::Tab)], Act(Action::Back), "done, as Esc", None),
    b(C::Notes, &[Ctrl('u'), Ctrl('w'), Ctrl('k')], Does::Type, "in any text: delete to the start of the line, the word before, to the end", None),
    b(C::Notes, &[Ctrl('a'), Ctrl('e')], Does::Type, "in any text: to the start, the end of the line", None),
    b(C::Notes, &[Ctrl('_'), Ctrl('r')], Does::Type, "in any text: undo, redo the typing", None),
    b(C::Picker, &[Code(KeyCode::Up), Code(KeyCode::Down), Char('k'), Char('j')], Does::Move, "select an item", Some((1, "select"))),
    b(C::Picker, &[Char(' ')], Act(Action::Toggle), "link or unlink", Some((2, "link/unlink"))),
    b(C::Picker, &[Char('a')], Act(Action::AddEvidence), "add an item to the register, linked to the requirement", Some((3, "add"))),
    b(C::Picker, &[Char('v')], Act(Action::ShowEvidence), "the whole register", Some((4, "register"))),
    b(C::Picker, &[Code(KeyCode::Esc), Code(KeyCode::Enter)], Act(Action::Back), "done", Some((5, "done"))),
    b(C::Command, &[Code(KeyCode::Enter)], Act(Action::Confirm), "run the command typed (as on the command line, without the file)", Some((1, "run"))),
    b(C::Command, &[Code(KeyCode::Tab)], Act(Action::NextField), "complete the command's name", Some((2, "complete"))),
    b(C::Command, &[Code(KeyCode::Esc)], Act(Action::Back), "close the menu (nothing runs)", Some((3, "close"))),
    b(C::Command, &[Ctrl('u'), Ctrl('w')], Does::Type, "clear the line, delete a word", None),
    b(C::Confirm, &[Letter('y')], Act(Action::Yes), "yes", Some((1, "yes"))),
    b(C::Confirm, &[Letter('n'), Code(KeyCode::Esc)], Act(Action::No), "no", Some((2, "no"))),
    b(C::Conflict, &[Code(KeyCode::Enter)], Act(Action::Confirm), "go on with your answers (in NAME.mine.toml)", Some((1, "go on with your answers"))),
    b(C::Conflict, &[Char('r')], Does::Type, "type reload, then Enter: open their version", Some((2, "reload Enter: open theirs"))),
    b(C::Conflict, &[Code(KeyCode::Esc)], Act(Action::Back), "go on with your answers", None),
    b(C::Gone, &[Code(KeyCode::Enter), Code(KeyCode::Esc)], Act(Action::Confirm), "go on with your answers (in NAME.mine.toml)", Some((1, "go on with your answers"))),
    b(C::Notice, &[Key::Any], Act(Action::Back), "put the note away", Some((1, "go on"))),
];

/// A line feed (what Ctrl+J sends, and what a paste without bracketed paste or a client
/// that ends lines with LF sends for a line break) is Enter. Given to the text editor as
/// Ctrl+J it would delete the line typed so far.
fn line_feed_as_enter(key: KeyEvent) -> KeyEvent {
    if key.code == KeyCode::Char('j') && key.modifiers == KeyModifiers::CONTROL {
        KeyEvent::new_with_kind(KeyCode::Enter, KeyModifiers::NONE, key.kind)
    } else {
        key
    }
}

/// Footer places from here on are always shown, at the end, whatever the width.
pub const PINNED: u8 = 200;

/// The contexts a mode looks keys up in, in order; and whether a key bound in none of them
/// is text for a field.
fn contexts(mode: Mode) -> (Vec<Context>, bool) {
    let (contexts, text): (&[Context], bool) = match mode {
        // After a search its keys come first, then the screen's as ever.
        Mode::Found(screen, focus) => {
            let (beneath, _) = contexts(Mode::Normal(screen, focus));
            let mut found = vec![C::Anywhere, C::Found];
            found.extend(beneath.into_iter().filter(|c| *c != C::Anywhere));
            return (found, false);
        }
        Mode::Search => (&[C::Anywhere, C::Search], true),
        Mode::Editing {
            enter_is_newline: true,
        } => (&[C::Anywhere, C::Notes], true),
        Mode::Editing { .. } => (&[C::Anywhere, C::Form], true),
        Mode::Confirm => (&[C::Anywhere, C::Confirm], false),
        Mode::Picker => (&[C::Anywhere, C::Picker], false),
        Mode::Command => (&[C::Anywhere, C::Command], true),
        Mode::Conflict => (&[C::Anywhere, C::Conflict], true),
        Mode::Gone => (&[C::Anywhere, C::Gone], false),
        Mode::Notice => (&[C::Anywhere, C::Notice], false),
        Mode::Normal(Screen::Question, Focus::Question) => {
            (&[C::Anywhere, C::Screens, C::Question], false)
        }
        Mode::Normal(Screen::Question, _) => {
            (&[C::Anywhere, C::Screens, C::List, C::Question], false)
        }
        Mode::Normal(Screen::Setup, _) => (&[C::Anywhere, C::Screens, C::Setup], false),
        Mode::Normal(Screen::Evidence, _) => (&[C::Anywhere, C::Screens, C::Evidence], false),
        Mode::Normal(Screen::Summary, _) => (&[C::Anywhere, C::Screens, C::Summary], false),
        Mode::Normal(Screen::FollowUp, _) => (&[C::Anywhere, C::Screens, C::FollowUp], false),
        // Reading first: q closes what is read rather than quitting.
        Mode::Normal(Screen::Help, _) => (&[C::Anywhere, C::Help, C::Reading, C::Screens], false),
        Mode::Normal(Screen::Guidance | Screen::Messages, _) => {
            (&[C::Anywhere, C::Reading, C::Screens], false)
        }
    };
    (contexts.to_vec(), text)
}

/// The parts of the help about the keys of a mode, the most particular first (what applies
/// on every screen and anywhere left out).
pub fn sections_of(mode: Mode) -> Vec<Context> {
    let (contexts, _) = contexts(mode);
    contexts
        .into_iter()
        .filter(|c| !matches!(c, C::Anywhere | C::Screens))
        .collect()
}

impl Key {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (self, key.code) {
            (Key::Any, _) => true,
            (Key::Ctrl(c), KeyCode::Char(k)) => ctrl && k.eq_ignore_ascii_case(&c),
            (_, _) if ctrl => false,
            (Key::Code(c), code) => c == code,
            (Key::Letter(c), KeyCode::Char(k)) => k.eq_ignore_ascii_case(&c),
            (Key::Char(c), KeyCode::Char(k)) => k == c,
            (Key::Digit, KeyCode::Char(k)) => ('1'..='9').contains(&k),
            _ => false,
        }
    }

    /// Whether a keystroke can be both keys (`n` is the letter n in either case).
    fn overlaps(self, other: Key) -> bool {
        match (self, other) {
            (Key::Letter(a), Key::Letter(b)) => a.eq_ignore_ascii_case(&b),
            (Key::Letter(a), Key::Char(c)) | (Key::Char(c), Key::Letter(a)) => {
                c.eq_ignore_ascii_case(&a)
            }
            (a, b) => a == b,
        }
    }

    /// How the help, the footer and the README write it.
    pub fn name(self) -> String {
        match self {
            Key::Code(code) => match code {
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::BackTab => "Shift+Tab".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Delete => "Del".into(),
                KeyCode::F(n) => format!("F{n}"),
                other => format!("{other}"),
            },
            Key::Letter(c) | Key::Char(c) if c == ' ' => "Space".into(),
            Key::Letter(c) | Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
            Key::Digit => "1-9".into(),
            Key::Any => "any key".into(),
        }
    }
}

impl Binding {
    /// Whether its keys change the record (a rating, a facet, a form that writes).
    fn changes_record(&self) -> bool {
        match &self.does {
            Does::Rate | Does::Facet => true,
            // Enter edits a row of these; elsewhere it moves, reads or goes to.
            Does::Act(Action::Open) => matches!(self.context, C::Setup | C::Evidence | C::FollowUp),
            Does::YesNo => self.context == C::Setup,
            Does::Act(action) => action.changes_record(),
            _ => false,
        }
    }

    /// Its keys as one label: "n p l f", "↑ ↓".
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn action_for(&self, key: &KeyEvent) -> Option<Action> {
        match (&self.does, key.code) {
            (Does::Act(a), _) => Some(a.clone()),
            (Does::Move, KeyCode::Up | KeyCode::Char('k')) => Some(Action::Up),
            (Does::Move, _) => Some(Action::Down),
            (Does::YesNo, KeyCode::Char('y')) => Some(Action::Yes),
            (Does::YesNo, _) => Some(Action::No),
            (Does::Rate, KeyCode::Char(c)) => Some(Action::Rate(match c.to_ascii_lowercase() {
                'n' => Rating::N,
                'p' => Rating::P,
                'l' => Rating::L,
                _ => Rating::F,
            })),
            (Does::Facet, KeyCode::Char(c)) => Some(Action::ToggleFacet(c as usize - '1' as usize)),
            _ => None,
        }
    }
}

pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    // Release and repeat events (Windows, kitty protocol) are not keystrokes.
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let key = line_feed_as_enter(key);
    let (contexts, text) = contexts(mode);
    let found = contexts.iter().find_map(|c| {
        BINDINGS
            .iter()
            .filter(|b| b.context == *c)
            .find(|b| b.keys.iter().any(|k| k.matches(&key)))
    });
    match found {
        Some(b) if !matches!(b.does, Does::Type) => b.action_for(&key),
        // A key that is text here (bound or not) goes to the field.
        _ if text => Some(Action::Input(key.into())),
        // On a screen, a key that does nothing says so (typed text is no command).
        _ if matches!(mode, Mode::Normal(..) | Mode::Found(..) | Mode::Picker) => {
            unbound_name(&key).map(Action::Unbound)
        }
        _ => None,
    }
}

/// How the help would name a key pressed, if it is one a user presses (not Caps Lock, a
/// modifier alone, a media key).
fn unbound_name(key: &KeyEvent) -> Option<String> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char(c) if ctrl => Some(Key::Ctrl(c).name()),
        KeyCode::Char(c) => Some(Key::Char(c).name()),
        KeyCode::Modifier(_)
        | KeyCode::Media(_)
        | KeyCode::Null
        | KeyCode::CapsLock
        | KeyCode::NumLock
        | KeyCode::ScrollLock
        | KeyCode::KeypadBegin => None,
        code => Some(Key::Code(code).name()),
    }
}

/// The footer of a mode: (keys, word, pinned) in order; pinned ones are shown whatever the
/// width.
pub fn footer(mode: Mode) -> Vec<(String, &'static str, bool)> {
    footer_of(mode, false)
}

/// The footer of a view that changes nothing (read-only, following): only the keys that
/// work there, none that would change the record.
pub fn read_only_footer(mode: Mode) -> Vec<(String, &'static str, bool)> {
    footer_of(mode, true)
}

fn footer_of(mode: Mode, read_only: bool) -> Vec<(String, &'static str, bool)> {
    let (contexts, _) = contexts(mode);
    // A key an earlier context takes does nothing here: a binding is shown with the keys
    // left to it ("plf rate" while n is the next match), and not at all without any.
    let rank = |c: Context| contexts.iter().position(|x| *x == c);
    let taken = |b: &Binding, k: &Key| {
        BINDINGS.iter().any(|o| {
            rank(o.context).is_some_and(|r| Some(r) < rank(b.context))
                && o.keys.iter().any(|ok| ok.overlaps(*k))
        })
    };
    let mut shown: Vec<(u8, String, &'static str)> = BINDINGS
        .iter()
        .filter(|b| contexts.contains(&b.context))
        .filter(|b| !(read_only && b.changes_record()))
        .filter_map(|b| {
            let (rank, word) = b.footer?;
            let free: Vec<Key> = b.keys.iter().copied().filter(|k| !taken(b, k)).collect();
            match free.len() {
                0 => None,
                n if n == b.keys.len() => Some((rank, footer_keys(b), word)),
                _ => Some((rank, free.iter().map(|k| k.name()).collect(), word)),
            }
        })
        .collect();
    shown.sort_by_key(|(rank, ..)| *rank);
    shown
        .into_iter()
        .map(|(rank, k, w)| (k, w, rank >= PINNED))
        .collect()
}

/// Keys as the footer writes them, short: "nplf", "↑↓", "↵".
fn footer_keys(b: &Binding) -> String {
    match b.keys {
        [Key::Code(KeyCode::Enter), ..] if b.context == C::Question => "↵".into(),
        [Key::Letter(_), ..] if b.keys.len() == 4 => b.keys.iter().map(|k| k.name()).collect(),
        [Key::Code(KeyCode::Up), Key::Code(KeyCode::Down), ..]
        | [Key::Code(KeyCode::Left), Key::Code(KeyCode::Right)] => {
            b.keys[..2].iter().map(|k| k.name()).collect()
        }
        [Key::Char('y'), Key::Char('n')] => "y/n".into(),
        [first, ..] => first.name(),
        [] => String::new(),
    }
}

/// The parts of the help and of the README's key table, in this order.
pub const SECTIONS: [Context; 20] = [
    C::Question,
    C::Search,
    C::Found,
    C::List,
    C::Setup,
    C::Evidence,
    C::Summary,
    C::FollowUp,
    C::Picker,
    C::Command,
    C::Form,
    C::Notes,
    C::Confirm,
    C::Conflict,
    C::Gone,
    C::Notice,
    C::Help,
    C::Reading,
    C::Screens,
    C::Anywhere,
];

/// The README's key table, made from [`BINDINGS`].
pub fn markdown_table() -> String {
    let mut out = String::from("| where | keys | what they do |\n|---|---|---|\n");
    for context in SECTIONS {
        for b in BINDINGS.iter().filter(|b| b.context == context) {
            let keys: Vec<String> = b
                .keys
                .iter()
                .map(|k| match k.name().as_str() {
                    "`" => "`` ` ``".to_string(),
                    "|" => "`\\|`".to_string(),
                    name => format!("`{name}`"),
                })
                .collect();
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                context.heading(),
                keys.join(" "),
                b.meaning
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_in_an_editor_is_text() {
        let mode = Mode::Editing {
            enter_is_newline: true,
        };
        for c in ['q', 'n', 'f', 's', '?', '1'] {
            assert!(
                matches!(action(mode, key(KeyCode::Char(c))), Some(Action::Input(_))),
                "{c}"
            );
        }
        assert!(matches!(
            action(mode, key(KeyCode::Enter)),
            Some(Action::Input(_))
        ));
        assert_eq!(
            action(
                Mode::Editing {
                    enter_is_newline: false
                },
                key(KeyCode::Enter)
            ),
            Some(Action::Confirm)
        );
        assert_eq!(action(mode, key(KeyCode::Esc)), Some(Action::Back));
        assert_eq!(
            action(
                mode,
                KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
            ),
            Some(Action::Save)
        );
    }

    #[test]
    fn one_key_ratings_and_next() {
        let mode = Mode::Normal(Screen::Question, Focus::Question);
        assert_eq!(
            action(mode, key(KeyCode::Char('f'))),
            Some(Action::Rate(Rating::F))
        );
        assert_eq!(
            action(mode, key(KeyCode::Char('L'))),
            Some(Action::Rate(Rating::L))
        );
        assert_eq!(action(mode, key(KeyCode::Enter)), Some(Action::Next));
        assert_eq!(
            action(mode, key(KeyCode::Char('3'))),
            Some(Action::ToggleFacet(2))
        );
    }

    #[test]
    fn releases_are_ignored() {
        let mut k = key(KeyCode::Char('f'));
        k.kind = KeyEventKind::Release;
        assert_eq!(
            action(Mode::Normal(Screen::Question, Focus::Question), k),
            None
        );
    }
}
