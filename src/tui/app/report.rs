//! What the event loop found on disk, taken in by the app: the one way, besides
//! [`App::update`], that the interview's state changes.

use std::path::PathBuf;

use super::{App, DraftPlace, SaveState};
use crate::record::evidence::Hashed;
use crate::record::store::{Opened, Stamp};

/// What the event loop's work on files found, for the app to take in through
/// [`App::report`]: every result of saving, hashing, reloading and following comes this way.
#[derive(Debug)]
pub enum Report {
    /// The record as of edit `edit` is on disk; the file holds `sha256`.
    Saved {
        edit: u64,
        sha256: String,
    },
    /// A save failed; it is tried again.
    SaveFailed(String),
    /// Someone else changed the file (or moved it away): nothing more is written to it until
    /// the user decides; our answers are being copied beside it.
    ChangedOnDisk,
    /// After [`Report::ChangedOnDisk`]: our answers as of edit `edit` are in a new file
    /// beside `theirs`, or why they could not be written. `gone`: theirs is not there any
    /// more. `again`: a second try, with the dialog up already.
    MineKept {
        edit: u64,
        theirs: PathBuf,
        mine: Result<Kept, String>,
        gone: bool,
        again: bool,
    },
    /// A file opened in place of what is in memory: their version after a conflict, or the
    /// file read again by a read-only view (silently when it follows the file: the screen
    /// shows what changed).
    Opened {
        opened: Box<Opened>,
        message: Option<String>,
    },
    /// An evidence file was hashed (or could not be).
    Hashed {
        id: String,
        /// As typed, and as the record keeps it.
        location: String,
        stored: String,
        hashed: Hashed,
    },
    /// Following an editor: the requirement it is on.
    EditorAt(String),
    /// Where a form left unfinished would go if the interview ended now.
    DraftsGo(DraftPlace),
    /// A note to show whole (see [`super::Overlay::Notice`]).
    Notice {
        title: &'static str,
        text: String,
    },
    Message(String),
}

/// The new file holding our answers after a conflict ([`Report::MineKept`]).
#[derive(Debug)]
pub struct Kept {
    pub path: PathBuf,
    /// Of what the file holds.
    pub sha256: String,
    pub stamp: Option<Stamp>,
}

impl App {
    /// Takes in what the event loop found on disk.
    pub fn report(&mut self, report: Report) {
        match report {
            Report::Saved { edit, sha256 } => {
                self.opened.disk_sha256 = sha256;
                if edit == self.edits {
                    self.saved();
                }
            }
            Report::SaveFailed(error) => self.save = SaveState::Failed { error },
            Report::ChangedOnDisk => self.save = SaveState::Conflict,
            Report::MineKept {
                edit,
                theirs,
                mine,
                gone,
                again,
            } => match mine {
                Ok(kept) => {
                    self.opened.path = kept.path.clone();
                    self.opened.disk_sha256 = kept.sha256;
                    self.opened.disk_stamp = kept.stamp;
                    if again {
                        self.mine_written(kept.path);
                    } else {
                        self.conflict(theirs, Ok(kept.path));
                        self.conflict_is_gone(gone);
                    }
                    self.saved();
                    // What was typed while the copy was written is still to be saved there.
                    self.dirty = self.edits != edit;
                }
                Err(e) if !again => {
                    self.conflict(theirs, Err(e));
                    self.conflict_is_gone(gone);
                }
                Err(_) => {}
            },
            Report::Opened { opened, message } => self.resolved(*opened, message),
            Report::Hashed {
                id,
                location,
                stored,
                hashed,
            } => self.evidence_hashed(&id, &location, stored, hashed),
            Report::EditorAt(id) => self.show_requirement_of_editor(&id),
            Report::DraftsGo(place) => self.drafts = place,
            Report::Notice { title, text } => self.notice(title, text),
            Report::Message(text) => self.message = Some(text),
        }
    }
}
