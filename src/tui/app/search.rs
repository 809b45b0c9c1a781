//! Searching with `/`: the requirements on the question screen, the evidence register, the
//! help. What is typed after `/` is text, never a command. After Enter the screen shows the
//! search's matches: n and N move between them (so n never rates a requirement while a
//! search is shown), Esc ends the search where it is, and any other key ends it and does
//! what it does on the screen.

use ratatui_textarea::Key;

use super::{App, Focus, Screen};
use crate::tui::action::Action;
use crate::tui::help;

/// How many messages `!` keeps.
pub const MESSAGES_KEPT: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub screen: Screen,
    pub query: String,
    /// The query is being typed (the prompt is open); else its matches are shown.
    pub typing: bool,
    /// What matches, by position: requirements, register rows or help entries.
    pub matches: Vec<usize>,
    /// The match shown, in `matches`.
    pub at: usize,
}

/// Rows of a screen read with ↑↓, as the last frame showed them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub top: usize,
    /// Rows the window holds.
    pub rows: usize,
    /// Rows there are.
    pub total: usize,
}

/// Whether `text` holds `query` (already lower case), whatever the case.
fn holds(text: &str, query: &str) -> bool {
    text.to_lowercase().contains(query)
}

impl App {
    /// `/` on a screen that can be searched opens the prompt.
    pub(super) fn start_search(&mut self) {
        if !matches!(
            self.screen,
            Screen::Question | Screen::Evidence | Screen::Help
        ) {
            self.message = Some(
                "/ searches the question screen, the evidence register (v) and the help (?)".into(),
            );
            return;
        }
        self.search = Some(Search {
            screen: self.screen,
            query: String::new(),
            typing: true,
            matches: Vec::new(),
            at: 0,
        });
    }

    /// What on `screen` holds `query`, whatever the case, by position.
    pub fn matches(&self, screen: Screen, query: &str) -> Vec<usize> {
        let query = query.to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let record = &self.opened.record;
        match screen {
            Screen::Question => (0..self.requirements().len())
                .filter(|&i| {
                    let r = &self.requirements()[i];
                    let answer = record.answer(&r.id);
                    [&r.id, &r.statement, &r.question]
                        .into_iter()
                        .chain(&r.facets)
                        .chain(answer.map(|a| &a.notes))
                        .chain(answer.map(|a| &a.working_notes))
                        .chain(record.findings_for(&r.id).map(|f| &f.text))
                        .any(|t| holds(t, &query))
                })
                .collect(),
            Screen::Evidence => (record.evidence.iter().enumerate())
                .filter(|(_, e)| {
                    [&e.id, &e.title, &e.location]
                        .into_iter()
                        .any(|t| holds(t, &query))
                        || holds(e.kind.key(), &query)
                })
                .map(|(i, _)| i)
                .collect(),
            _ => (help::entries(self).iter().enumerate())
                .filter(|(_, e)| holds(&e.text(), &query))
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The search takes the action, or ends and hands it back to go on as usual.
    pub(super) fn update_search(&mut self, action: Action) -> Option<Action> {
        let mut search = self.search.take()?;
        if search.typing {
            match action {
                Action::Input(input) => {
                    match input.key {
                        Key::Char('u') | Key::Char('U') if input.ctrl => search.query.clear(),
                        Key::Char('w') | Key::Char('W') if input.ctrl => {
                            let kept = search.query.trim_end().rfind(' ').map_or(0, |i| i + 1);
                            search.query.truncate(kept);
                        }
                        Key::Char(c) if !input.ctrl && !input.alt => search.query.push(c),
                        Key::Backspace => {
                            search.query.pop();
                        }
                        _ => {}
                    }
                    search.matches = self.matches(search.screen, &search.query);
                }
                Action::Paste(text) => {
                    search
                        .query
                        .push_str(text.lines().next().unwrap_or_default());
                    search.matches = self.matches(search.screen, &search.query);
                }
                Action::Back => return None,
                Action::Confirm if search.query.trim().is_empty() => return None,
                Action::Confirm if search.matches.is_empty() => {
                    self.message = Some(format!(
                        "nothing {} holds “{}”: change the text, or Esc",
                        match search.screen {
                            Screen::Question => "on the question screen",
                            Screen::Evidence => "in the register",
                            _ => "in the help",
                        },
                        search.query
                    ));
                }
                Action::Confirm => {
                    search.typing = false;
                    let from = match search.screen {
                        Screen::Question => self.current,
                        Screen::Evidence => self.evidence_row,
                        _ => 0,
                    };
                    search.at = search.matches.iter().position(|&m| m >= from).unwrap_or(0);
                    self.show_match(&search);
                }
                // Nothing else means anything while typing: never a command.
                _ => {}
            }
            self.search = Some(search);
            return None;
        }
        let n = search.matches.len();
        match action {
            Action::SearchNext | Action::SearchPrev => {
                let next = action == Action::SearchNext;
                let at = (if next {
                    search.at + 1
                } else {
                    search.at + n - 1
                }) % n;
                if next && at < search.at {
                    self.message = Some("past the last match: back to the first".into());
                } else if !next && at > search.at {
                    self.message = Some("before the first match: on to the last".into());
                }
                search.at = at;
                self.show_match(&search);
                self.search = Some(search);
                None
            }
            Action::Back => {
                self.end_search(&search);
                None
            }
            action => {
                self.end_search(&search);
                Some(action)
            }
        }
    }

    fn show_match(&mut self, search: &Search) {
        let Some(&m) = search.matches.get(search.at) else {
            return;
        };
        match search.screen {
            Screen::Question => {
                self.current = m;
                self.focus = Focus::Question;
                self.item = 0;
            }
            Screen::Evidence => self.evidence_row = m,
            // The view puts the match in sight: help rows depend on the width.
            _ => {}
        }
    }

    /// The help stays where the last match put it.
    fn end_search(&mut self, search: &Search) {
        if search.screen == Screen::Help
            && let Some(w) = self.shown.get()
        {
            self.scroll = u16::try_from(w.top).unwrap_or(u16::MAX);
        }
    }

    /// What the status line says while a search's matches are shown.
    pub fn search_status(&self) -> Option<String> {
        let s = self.search.as_ref().filter(|s| !s.typing)?;
        Some(format!(
            "/{}: match {} of {} · n next · N previous · Esc ends",
            s.query,
            s.at + 1,
            s.matches.len()
        ))
    }

    /// ↑↓ a row, PgUp/PgDn/Space a window, Home/End the top and the end of what is read.
    pub(super) fn read(&mut self, action: Action) {
        let w = self.shown.get().unwrap_or(Window {
            top: self.scroll as usize,
            rows: 10,
            total: usize::MAX,
        });
        let last = w.total.saturating_sub(w.rows);
        let top = (self.scroll as usize).min(last);
        let page = w.rows.saturating_sub(1).max(1);
        let top = match action {
            Action::Up => top.saturating_sub(1),
            Action::Down => top + 1,
            Action::Prev => top.saturating_sub(page),
            Action::Next => top + page,
            Action::First => 0,
            Action::Last => last,
            _ => return,
        };
        self.scroll = u16::try_from(top.min(last)).unwrap_or(u16::MAX);
    }
}
