//! The one place keys become actions. In an editor every printable key is text, so typing
//! notes never triggers a shortcut; only Esc, Tab, Enter and Ctrl keys mean something there.
//! Nothing needs Alt, Shift+Enter or a mouse: they do not survive many SSH clients.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::app::{Focus, Mode, Screen};
use crate::rating::Rating;

pub fn action(mode: Mode, key: KeyEvent) -> Option<Action> {
    // Release and repeat events (Windows, kitty protocol) are not keystrokes.
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match (key.code, ctrl) {
        (KeyCode::Char('c'), true) => return Some(Action::Quit),
        (KeyCode::Char('s'), true) => return Some(Action::Save),
        (KeyCode::Char('z'), true) => return Some(Action::Suspend),
        _ => {}
    }
    match mode {
        Mode::Editing { enter_is_newline } => editing(key, enter_is_newline),
        Mode::Confirm => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Action::Yes),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
            _ => None,
        },
        Mode::Picker => match key.code {
            KeyCode::Esc | KeyCode::Enter => Some(Action::Back),
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
            KeyCode::Char(' ') => Some(Action::Toggle),
            KeyCode::Char('v') => Some(Action::ShowEvidence),
            _ => None,
        },
        // No single letter acts here: going back to their file takes typing `reload`.
        Mode::Conflict => match key.code {
            KeyCode::Enter => Some(Action::Confirm),
            KeyCode::Esc => Some(Action::Back),
            _ => Some(Action::Input(key.into())),
        },
        // Any key puts the note away.
        Mode::Notice => Some(Action::Back),
        Mode::Normal(screen, focus) => normal(screen, focus, key),
    }
}

fn editing(key: KeyEvent, enter_is_newline: bool) -> Option<Action> {
    match key.code {
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Tab => Some(Action::NextField),
        KeyCode::BackTab => Some(Action::PrevField),
        KeyCode::Enter if !enter_is_newline => Some(Action::Confirm),
        _ => Some(Action::Input(key.into())),
    }
}

fn normal(screen: Screen, focus: Focus, key: KeyEvent) -> Option<Action> {
    let global = match key.code {
        KeyCode::Char('q') => Some(Action::Quit),
        KeyCode::Char('?') | KeyCode::F(1) => Some(Action::Help),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Char('s') => Some(Action::ShowSummary),
        KeyCode::Char('v') => Some(Action::ShowEvidence),
        KeyCode::Char('i') => Some(Action::ShowSetup),
        KeyCode::Char('r') => Some(Action::Reload),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::Prev),
        KeyCode::PageDown => Some(Action::Next),
        _ => None,
    };
    if global.is_some() {
        return global;
    }
    match screen {
        Screen::Question => question(focus, key),
        Screen::Setup => match key.code {
            KeyCode::Enter => Some(Action::Open),
            KeyCode::Char(' ') => Some(Action::Toggle),
            KeyCode::Char('y') => Some(Action::Yes),
            KeyCode::Char('n') => Some(Action::No),
            KeyCode::Right | KeyCode::Tab => Some(Action::StartInterview),
            _ => None,
        },
        Screen::Evidence => match key.code {
            KeyCode::Char('a') => Some(Action::AddEvidence),
            KeyCode::Enter | KeyCode::Char('e') => Some(Action::Open),
            KeyCode::Char(' ') => Some(Action::Toggle),
            KeyCode::Char('d') | KeyCode::Delete => Some(Action::Delete),
            _ => None,
        },
        Screen::Summary => match key.code {
            KeyCode::Enter => Some(Action::Open),
            _ => None,
        },
        Screen::Guidance | Screen::Help => None,
    }
}

fn question(focus: Focus, key: KeyEvent) -> Option<Action> {
    if focus != Focus::Question {
        // On a list: Enter opens the item, Space toggles, d deletes, Tab moves on, Esc returns.
        match key.code {
            KeyCode::Enter => return Some(Action::Open),
            KeyCode::Char(' ') => return Some(Action::Toggle),
            KeyCode::Char('d') | KeyCode::Delete => return Some(Action::Delete),
            KeyCode::Tab => return Some(Action::FocusNext),
            _ => {}
        }
    }
    Some(match key.code {
        KeyCode::Char(c @ ('n' | 'p' | 'l' | 'f' | 'N' | 'P' | 'L' | 'F')) => {
            Action::Rate(match c.to_ascii_lowercase() {
                'n' => Rating::N,
                'p' => Rating::P,
                'l' => Rating::L,
                _ => Rating::F,
            })
        }
        KeyCode::Char('x') => Action::NotApplicable,
        KeyCode::Char('u') => Action::ClearRating,
        KeyCode::Char('=') => Action::AcceptSuggestion,
        KeyCode::Char(c @ '1'..='9') => Action::ToggleFacet(c as usize - '1' as usize),
        KeyCode::Enter | KeyCode::Right => Action::Next,
        KeyCode::Left => Action::Prev,
        KeyCode::Home => Action::First,
        KeyCode::End => Action::Last,
        KeyCode::Char('o') => Action::ToggleOnlyOpen,
        KeyCode::Char('j') => Action::JumpTo,
        KeyCode::Char('t') => Action::EditNotes,
        KeyCode::Char('m') => Action::AddFinding,
        KeyCode::Char('a') => Action::AddAction,
        KeyCode::Char('w') => Action::AddInterviewee,
        KeyCode::Char('c') => Action::EditSampling,
        KeyCode::Char('e') => Action::PickEvidence,
        KeyCode::Char('g') => Action::ShowGuidance,
        KeyCode::Tab => Action::FocusNext,
        _ => return None,
    })
}

/// Every key, for the help screen: (keys, what they do).
pub const HELP: &[(&str, &str)] = &[
    ("Question screen", ""),
    ("n p l f", "rate N, P, L or F"),
    ("x", "not applicable (asks why)"),
    ("u", "clear the rating"),
    ("=", "accept the rating the facets suggest"),
    ("1-9", "check or uncheck a facet"),
    ("Enter → PgDn ↓", "next requirement"),
    ("← PgUp ↑", "previous requirement"),
    ("Home End", "first, last requirement"),
    ("j", "jump to a requirement by id"),
    ("o", "show only requirements not yet rated"),
    ("t", "edit notes (Esc to leave)"),
    ("m", "add a finding"),
    ("a", "add an action"),
    ("w", "add who was interviewed"),
    ("c", "what was sampled (projects, period, records)"),
    ("e", "link evidence from the register"),
    ("g", "guidance and Annex A references"),
    ("Tab", "select findings, actions, interviewees"),
    ("Enter", "on a finding or action: read in full, edit"),
    ("Space d", "on a list: close/reopen action, delete"),
    ("Screens", ""),
    ("s", "summary: what blocks conformance"),
    ("v", "evidence register (a add, e edit, d delete)"),
    (
        "i",
        "assessment details and clause 6 (Enter: note, evidence)",
    ),
    ("? F1", "this help"),
    ("Anywhere", ""),
    ("Esc", "back, or leave an editor"),
    ("Tab Enter", "in a form: next field, confirm"),
    ("Ctrl+S", "save (every change is saved anyway)"),
    ("r", "read-only view: read the file again"),
    ("Ctrl+Z", "suspend (fg to come back)"),
    ("q Ctrl+C", "quit (asks first if a form is open)"),
];

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
