//! The evidence register screen and the picker that links items to a requirement.

use crate::record::edit;
use crate::record::evidence::Hashed;
use crate::record::{Evidence, EvidenceKind};

use super::{App, Overlay, Pending, Screen};
use crate::tui::action::Action;
use crate::tui::editor::{Editor, Field, Name, Purpose};

const EVIDENCE_KINDS: [EvidenceKind; 5] = [
    EvidenceKind::Document,
    EvidenceKind::Record,
    EvidenceKind::Interview,
    EvidenceKind::Observation,
    EvidenceKind::Url,
];

impl App {
    /// A worker hashed an item's file: record it, and where it is as the record keeps it
    /// (relative to the record's folder when inside it), unless the item moved on since.
    pub fn evidence_hashed(&mut self, id: &str, location: &str, stored: String, hashed: Hashed) {
        if self.read_only {
            return;
        }
        // Signed off in the meantime, or the item moved on: the edit layer changes nothing.
        let sha256 = hashed.clone().sha256();
        let record = &mut self.opened.record;
        if edit::evidence_hashed(record, id, location, stored, sha256) == Ok(true) {
            if let Hashed::Skipped(why) = &hashed {
                self.message = Some(format!("{id}: {location} not hashed: {why}"));
            }
            self.changed();
        }
        // A location that should be a file here names none (where it may be looked at):
        // said, the item is kept.
        if hashed == Hashed::NotLocal
            && let Some(item) = self.opened.record.evidence_item(id)
            && item.location == location
            && item.is_file()
            && self
                .opened
                .access
                .file(&self.opened.path, std::path::Path::new(location))
                .is_some()
        {
            self.message = Some(crate::record::evidence::missing_warning(
                item,
                "no file there",
            ));
        }
    }

    pub(super) fn update_picker(&mut self, row: usize, action: Action) {
        let n = self.opened.record.evidence.len();
        let id = self.id();
        let row = match action {
            Action::Back | Action::Confirm => return,
            Action::Up | Action::Prev => row.saturating_sub(1),
            Action::Down | Action::Next => (row + 1).min(n.saturating_sub(1)),
            Action::Toggle | Action::Open if row < n => {
                let ev = self.opened.record.evidence[row].id.clone();
                let linked = self.opened.record.evidence[row].supports.contains(&id);
                let linking = edit::link_evidence(&mut self.opened.record, &ev, &id, !linked);
                self.register_changed();
                self.edited(linking);
                row
            }
            // Added from here, the item supports the requirement on screen; after the
            // sign-off it joins the register for the follow-up and supports nothing.
            Action::AddEvidence => {
                self.overlay = Overlay::Picker { row };
                let purpose = match self.opened.record.assessment.sign_off() {
                    None => Purpose::NewEvidenceFor(id),
                    Some(_) => Purpose::NewEvidence,
                };
                self.open_form(purpose);
                return;
            }
            Action::ShowEvidence => {
                self.go(Screen::Evidence);
                return;
            }
            _ => row,
        };
        self.overlay = Overlay::Picker { row };
    }

    pub(super) fn update_evidence(&mut self, action: Action) {
        let n = self.opened.record.evidence.len();
        let id = self.id();
        match action {
            Action::Up => self.evidence_row = self.evidence_row.saturating_sub(1),
            Action::Down => self.evidence_row = (self.evidence_row + 1).min(n.saturating_sub(1)),
            Action::Prev => self.evidence_row = self.evidence_row.saturating_sub(super::PAGE),
            Action::Next => {
                self.evidence_row = (self.evidence_row + super::PAGE).min(n.saturating_sub(1))
            }
            Action::First => self.evidence_row = 0,
            Action::Last => self.evidence_row = n.saturating_sub(1),
            Action::AddEvidence => self.open_form(Purpose::NewEvidence),
            Action::Open if self.evidence_row < n => {
                let id = self.opened.record.evidence[self.evidence_row].id.clone();
                self.open_form(Purpose::EditEvidence(id))
            }
            Action::Toggle if self.evidence_row < n => {
                let ev = self.opened.record.evidence[self.evidence_row].id.clone();
                let linked = self.opened.record.evidence[self.evidence_row]
                    .supports
                    .contains(&id);
                let linking = edit::link_evidence(&mut self.opened.record, &ev, &id, !linked);
                self.register_changed();
                if self.edited(linking).is_some() {
                    self.message = Some(format!(
                        "{ev} {} {id}",
                        if linked { "unlinked from" } else { "linked to" }
                    ));
                }
            }
            Action::Delete if self.evidence_row < n => {
                let item = self.opened.record.evidence[self.evidence_row].id.clone();
                // Requirements, findings and clause 6 answers lose it too: ask first.
                let cited = edit::citations(&self.opened.record, &item);
                if cited.is_empty() {
                    self.apply(Pending::DeleteEvidence(item));
                } else {
                    self.overlay = Overlay::Confirm {
                        question: format!(
                            "{item} is linked to {}. Remove it and these links?",
                            cited.join(", ")
                        ),
                        pending: Pending::DeleteEvidence(item),
                    };
                }
            }
            _ => {}
        }
    }
}

/// Whether a location names a file, as the form offers it: a file is hashed and checked by
/// `verify`; a URL, a paper copy or a meeting is not (the command line's `--not-a-file`).
const IS_FILE: [&str; 2] = ["a file here", "not a file (URL, paper, meeting)"];

/// The evidence form: an item of the register, or a new one under `new_id` (the next free
/// id, proposed and editable).
pub(super) fn evidence_editor(
    title: &str,
    purpose: Purpose,
    item: Option<&Evidence>,
    new_id: &str,
) -> Editor {
    let kinds: Vec<&str> = EVIDENCE_KINDS.iter().map(|k| k.key()).collect();
    let kind = item.map_or(0, |i| {
        EVIDENCE_KINDS
            .iter()
            .position(|k| *k == i.kind)
            .unwrap_or(0)
    });
    let not_a_file = item.is_some_and(|i| !i.file);
    Editor::new(
        title,
        purpose,
        vec![
            match item {
                Some(i) => Field::line("Id", &i.id),
                None => {
                    Field::proposed("Id (proposed: Enter keeps it, typing replaces it)", new_id)
                }
            }
            .named(Name::Id),
            Field::line("Title", item.map_or("", |i| &i.title)).named(Name::Title),
            Field::choice("Kind", &kinds, kind).named(Name::Kind),
            Field::line(
                "Location (path, URL, place)",
                item.map_or("", |i| &i.location),
            )
            .named(Name::Location),
            Field::choice("A file? (←→)", &IS_FILE, usize::from(not_a_file)).named(Name::IsFile),
            Field::line("Version or date", item.map_or("", |i| &i.version)).named(Name::Version),
        ],
    )
}

/// The item a form describes; the edit layer checks it ([`edit::add_evidence`]).
pub(super) fn evidence_from(e: &Editor) -> Evidence {
    Evidence {
        file: e.chosen(Name::IsFile) == 0,
        id: e.get(Name::Id).trim().to_owned(),
        title: e.get(Name::Title).trim().to_owned(),
        kind: EVIDENCE_KINDS[e.chosen(Name::Kind)],
        location: e.get(Name::Location).trim().to_owned(),
        version: e.get(Name::Version).trim().to_owned(),
        sha256: None,
        supports: Vec::new(),
        carried_from: String::new(),
        follow_up: false,
    }
}
