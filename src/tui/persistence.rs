//! The interview's files: the writer that saves the record off the screen's thread, the
//! edit lock, our answers' copy after the file changed on disk, drafts of unfinished forms,
//! and the rescue copies of answers the disk refused.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::app::{self, App, Effect, Kept, Report, SaveState};
use super::editor::Draft;
use super::{Clock, Msg};
use crate::record::access::Access;
use crate::record::evidence;
use crate::record::lock::{self, Lock};
use crate::record::store;
use crate::record::{Record, conflict};

/// The interview's hold on its files: saving, the edit lock, drafts, hashing evidence, and
/// what to do when the file changed under us or cannot be written.
pub(super) struct Persistence {
    pub(super) lock: Option<Lock>,
    /// Where unfinished forms are kept: beside the record the interview started on.
    drafts: PathBuf,
    /// For hashing workers to report to the loop.
    pub(super) workers: Option<Sender<Msg>>,
    /// Set when the interview ends: hashing workers stop.
    cancel: Arc<AtomicBool>,
    /// What the read-only view last saw of the file (size, modification time, inode).
    seen: Option<store::Stamp>,
    /// The record the interview started on (it moves to `NAME.mine.toml` after a conflict).
    started_on: PathBuf,
    /// A draft from last time could not be reopened: it stays where it is.
    keep_draft_file: bool,
    /// The record on disk, shared with the writer.
    disk: Arc<Mutex<Written>>,
    /// To the writer: the record as of an edit, to save.
    writer: Option<Sender<(u64, Record)>>,
    /// The last edit handed to the writer.
    handed: u64,
    /// The record was moved away or deleted during the interview (not changed).
    gone: bool,
    /// Our answers' copy after a conflict.
    mine: Mine,
    clock: Arc<dyn Clock>,
    /// How long after a failed copy of our answers it is tried again.
    retry: Duration,
    /// Where answers and drafts go when the record's folder takes nothing: `$HOME`, then
    /// the temporary folder (a test's own folder in tests).
    pub(super) elsewhere: Vec<PathBuf>,
    /// Hashes an evidence file (a test holds it up).
    pub(super) hash: Hasher,
    /// Writes our answers beside the record after a conflict (a test makes it fail).
    pub(super) write_mine: fn(&Path, &Record) -> io::Result<PathBuf>,
}

/// Hashes an evidence file's stored location for the record at a path, until told to stop.
pub(super) type Hasher =
    Arc<dyn Fn(&str, &Path, &Access, &AtomicBool) -> evidence::Hashed + Send + Sync>;

/// The copy of our answers written beside the record after a conflict
/// ([`Persistence::keep_mine`]).
enum Mine {
    None,
    /// Being written by a worker; `retry` once the dialog is up.
    Writing {
        retry: bool,
    },
    /// It could not be written: tried again from `at` on.
    Failed {
        theirs: PathBuf,
        at: Instant,
    },
}

/// The record file and the last edit written to it: a save of an older edit, still queued
/// when a newer one was written, is dropped rather than written over it.
struct Written {
    disk: store::OnDisk,
    edit: u64,
}

impl Written {
    /// Writes the record as of `edit`, unless that or a newer edit is on disk already; the
    /// SHA-256 of what the file holds.
    fn write(&mut self, edit: u64, text: &str) -> Result<String, store::SaveError> {
        if edit > self.edit {
            self.disk.write(text)?;
            self.edit = edit;
        }
        Ok(self.disk.sha256.clone())
    }
}

impl Persistence {
    pub(super) fn new(
        lock: Option<Lock>,
        opened: &store::Opened,
        clock: Arc<dyn Clock>,
        retry: Duration,
    ) -> Persistence {
        let record = &opened.path;
        Persistence {
            lock,
            drafts: drafts_path(record),
            workers: None,
            cancel: Arc::new(AtomicBool::new(false)),
            seen: store::stamp(record),
            started_on: record.to_owned(),
            keep_draft_file: false,
            disk: Arc::new(Mutex::new(Written {
                disk: store::OnDisk::of(opened),
                edit: 0,
            })),
            writer: None,
            handed: 0,
            gone: false,
            mine: Mine::None,
            clock,
            retry,
            elsewhere: conflict::fallback_places(),
            hash: Arc::new(evidence::hash_local_file),
            write_mine: conflict::write_mine,
        }
    }

    /// The writer: saves the newest record handed to it, off the loop, so that the disk
    /// never holds up what is typed. Forms and changes are checked when they are made, so a
    /// save only writes.
    pub(super) fn start_writer(&mut self, to_loop: Sender<Msg>) {
        let (tx, rx) = mpsc::channel::<(u64, Record)>();
        let disk = self.disk.clone();
        thread::spawn(move || {
            while let Ok(mut job) = rx.recv() {
                // The newest state wins: what a later save replaces is not written.
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let (edit, mut record) = job;
                record.tidy();
                let text = store::to_text(&record);
                let result = disk
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .write(edit, &text);
                if to_loop.send(Msg::Saved { edit, result }).is_err() {
                    break;
                }
            }
        });
        self.writer = Some(tx);
    }

    /// Whether the record as it is now has been handed to the writer.
    pub(super) fn handed(&self, app: &App) -> bool {
        self.handed == app.edits
    }

    /// Hands the record as it is now to the writer.
    pub(super) fn submit(&mut self, app: &mut App) {
        match &self.writer {
            Some(writer) if writer.send((app.edits, app.opened.record.clone())).is_ok() => {
                self.handed = app.edits;
            }
            // No writer (it stopped): save here.
            _ => self.save(app),
        }
    }

    /// The writer's word on a save.
    pub(super) fn saved(
        &mut self,
        app: &mut App,
        edit: u64,
        result: Result<String, store::SaveError>,
    ) {
        match result {
            Ok(sha256) => self.written(app, edit, sha256),
            // A failed save is handed over again by the retry timer, or with the next change.
            Err(e) => self.failed(app, e),
        }
    }

    /// The record as of `edit` is on disk.
    /// (With the SHA-256 of what was written, not read from the writer's state: it may be
    /// busy with the next save, and the loop never waits for it.)
    fn written(&mut self, app: &mut App, edit: u64, sha256: String) {
        app.report(Report::Saved { edit, sha256 });
        // The record holds the answers again: a note about answers kept elsewhere was shown
        // when the interview started, and has done its work.
        if let Some(lock) = self.lock.as_mut() {
            lock.saved();
        }
    }

    fn failed(&mut self, app: &mut App, e: store::SaveError) {
        use store::SaveError::{Conflict, Vanished};
        // A record moved away (`mv a.toml b.toml`) or deleted is not made again where it was:
        // like one changed by someone else, the user decides.
        let gone = matches!(e, Vanished { .. });
        match e {
            // A save of the file we were on before our answers went elsewhere: stale.
            Conflict { path, .. } | Vanished { path } if path != app.opened.path => {}
            Conflict { path, .. } | Vanished { path } if app.save != SaveState::Conflict => {
                self.gone = gone;
                // Nothing more is written to their file; the dialog comes with the copy.
                app.report(Report::ChangedOnDisk);
                self.keep_mine(app, path, false);
            }
            Conflict { .. } | Vanished { .. } => {}
            e => app.report(Report::SaveFailed(e.to_string())),
        }
    }

    /// Saves here and now, after whatever the writer is doing (on the way out, before a
    /// suspension or a reload).
    pub(super) fn save(&mut self, app: &mut App) {
        if !app.may_save() {
            return;
        }
        app.tidy();
        let text = store::to_text(&app.opened.record);
        let result = self
            .disk
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write(app.edits, &text);
        match result {
            Ok(sha256) => self.written(app, app.edits, sha256),
            Err(e) => self.failed(app, e),
        }
    }

    /// What is on disk is now `app.opened` (their version reloaded, or ours under a new
    /// name): the writer takes it as what the file holds.
    fn on_disk_now(&mut self, app: &App) {
        let mut written = self.disk.lock().unwrap_or_else(|e| e.into_inner());
        written.disk = store::OnDisk::of(&app.opened);
        written.edit = app.edits;
        self.handed = app.edits;
    }

    /// After a conflict whose copy of our answers failed: try the copy again, once it is
    /// time to.
    pub(super) fn retry_mine(&mut self, app: &mut App) {
        if let Mine::Failed { theirs, at } = &self.mine
            && self.clock.now() >= *at
        {
            let theirs = theirs.clone();
            self.keep_mine(app, theirs, true);
        }
    }

    /// Offers the form an earlier interview of this record left unfinished. A draft that
    /// cannot be reopened (unreadable, or what it was about is gone) stays where it is, and
    /// the interview says so.
    pub(super) fn offer_draft(&mut self, app: &mut App) {
        let Ok(text) = crate::read_text(&self.drafts) else {
            return;
        };
        let restored = toml::from_str::<Draft>(&text)
            .ok()
            .is_some_and(|d| app.restore_draft(&d));
        if !restored {
            self.keep_draft_file = true;
            app.report(Report::Message(format!(
                "a draft from last time could not be reopened; it is kept in {}",
                self.drafts.display()
            )));
        }
    }

    pub(super) fn apply(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::HashEvidence { id } => {
                let (Some(item), Some(tx)) =
                    (app.opened.record.evidence_item(&id), self.workers.clone())
                else {
                    return;
                };
                let location = item.location.clone();
                let record = app.opened.path.clone();
                let access = app.opened.access.clone();
                let cancel = self.cancel.clone();
                let hash = self.hash.clone();
                // Off the UI thread: a large or slow file never holds up typing or quitting.
                thread::spawn(move || {
                    let stored = evidence::stored_location(&location, &record, &access);
                    let hashed = hash(&stored, &record, &access, &cancel);
                    let _ = tx.send(Msg::Report(Report::Hashed {
                        id,
                        location,
                        stored,
                        hashed,
                    }));
                });
            }
            Effect::Reload { path } => self.reload(app, path, Some("read the file again")),
            Effect::Suspend => {}
            Effect::WriteReport {
                output,
                format,
                sign,
            } => self.write_report(app, output, format, sign),
            Effect::VerifyEvidence => self.verify_evidence(app),
        }
    }

    /// `:report`: the command line's `report -o`, on a worker (a signature waits for
    /// ssh-keygen), of the record as saved: what is in memory is written first.
    fn write_report(
        &mut self,
        app: &mut App,
        output: PathBuf,
        format: crate::report::Format,
        sign: Option<PathBuf>,
    ) {
        self.save(app);
        if app.dirty {
            app.report(Report::Message(
                "no report written: the record is not saved yet (a report is of the record on disk); try again once it is".into(),
            ));
            return;
        }
        let Some(tx) = self.workers.clone() else {
            return;
        };
        let opened = app.opened.clone();
        let name = file_name(&opened.path);
        thread::spawn(move || {
            let written =
                crate::cli::write_report_file(&opened, &name, &output, format, sign.as_deref());
            let report = match written {
                Ok(crate::cli::ReportWritten {
                    signed: Some(signed),
                    ..
                }) => Report::Notice {
                    title: "Report written and signed",
                    text: signed,
                },
                Ok(crate::cli::ReportWritten { removed, .. }) => Report::Message(format!(
                    "{}: written{}",
                    crate::text::display_path(&output),
                    removed.map(|r| format!("; {r}")).unwrap_or_default()
                )),
                Err(e) => Report::Notice {
                    title: "No report written",
                    text: format!("{e:#}"),
                },
            };
            let _ = tx.send(Msg::Report(report));
        });
    }

    /// `:verify`: the command line's `verify`, on a worker; the result in a note.
    fn verify_evidence(&mut self, app: &mut App) {
        let Some(tx) = self.workers.clone() else {
            return;
        };
        let opened = app.opened.clone();
        thread::spawn(move || {
            let checked = crate::cli::verify_evidence(&opened);
            let mut text = format!(
                "{} evidence file(s) checked, {} changed or missing.",
                checked.checked, checked.problems
            );
            if !checked.lines.is_empty() {
                text.push('\n');
            }
            for line in &checked.lines {
                text.push_str(&format!("\n{}", line.replacen('\t', ": ", 1)));
            }
            let _ = tx.send(Msg::Report(Report::Notice {
                title: "Evidence checked",
                text,
            }));
        });
    }

    /// Opens `path` in place of what is in memory: the read-only view reading the file again,
    /// or, after a conflict, their version of the record (ours stays where it was written).
    fn reload(&mut self, app: &mut App, path: PathBuf, said: Option<&str>) {
        if app.read_only {
            match store::open(&path, &app.opened.access, app.today) {
                Ok(opened) => {
                    // The stamp of what was read, not of what is there now: a save that
                    // lands meanwhile is read at the next look.
                    self.seen = opened.disk_stamp;
                    app.report(Report::Opened {
                        opened: Box::new(opened),
                        message: said.map(str::to_owned),
                    });
                }
                Err(e) => app.report(Report::Message(format!("cannot read it again: {e}"))),
            }
            return;
        }
        // Ours must be on disk before we let go of it.
        self.save(app);
        if app.dirty {
            app.report(Report::Message(
                "not reloading: your answers could not be saved yet".into(),
            ));
            return;
        }
        let mine = app.opened.path.clone();
        let opened = lock::lock(&path).map_err(|e| e.to_string()).and_then(|l| {
            store::open(&path, &app.opened.access, app.today)
                .map(|o| (l, o))
                .map_err(|e| e.to_string())
        });
        match opened {
            Ok((lock, opened)) => {
                self.lock = Some(lock);
                app.report(Report::Opened {
                    opened: Box::new(opened),
                    message: Some(format!(
                        "opened {}; your answers stay in {}",
                        file_name(&path),
                        file_name(&mine)
                    )),
                });
                self.on_disk_now(app);
            }
            Err(e) => app.report(Report::Message(format!(
                "cannot open {}: {e}",
                file_name(&path)
            ))),
        }
    }

    /// Following an editor: shows the requirement it is on, as its lock file says.
    pub(super) fn go_where_the_editor_is(&mut self, app: &mut App) {
        if let Some(at) = lock::position_of(&app.opened.path) {
            app.report(Report::EditorAt(at));
        }
    }

    /// In the read-only view: reads the file again when someone changed it. True if it did.
    pub(super) fn reread_if_changed(&mut self, app: &mut App) -> bool {
        let now = store::stamp(&app.opened.path);
        if now.is_none() || now == self.seen {
            return false;
        }
        // Following, each change is shown as it lands: no word about it each time.
        self.reload(app, app.opened.path.clone(), None);
        true
    }

    /// The file changed on disk: writes the answers in memory to a new file beside it at once
    /// (`NAME.mine.toml`), on a worker, so that typing goes on and is echoed meanwhile;
    /// [`Persistence::mine_kept`] takes it from there. With no loop to report to (on the way
    /// out), here and now.
    fn keep_mine(&mut self, app: &mut App, theirs: PathBuf, retry: bool) {
        app.tidy();
        let record = app.opened.record.clone();
        let path = app.opened.path.clone();
        let edit = app.edits;
        let write_mine = self.write_mine;
        let write = move || {
            write_mine(&path, &record)
                .map(|mine| {
                    let text = store::to_text(&record);
                    let sha256 = crate::questionnaire::catalog::sha256_hex(text.as_bytes());
                    (mine, sha256)
                })
                .map_err(|e| e.to_string())
        };
        self.mine = Mine::Writing { retry };
        match self.workers.clone() {
            Some(tx) => {
                thread::spawn(move || {
                    let result = write();
                    let _ = tx.send(Msg::Mine {
                        edit,
                        theirs,
                        result,
                    });
                });
            }
            None => {
                let result = write();
                self.mine_kept(app, edit, theirs, result);
            }
        }
    }

    /// Our answers as of `edit` are in a new file (or could not be written): the dialog says
    /// so, and the interview goes on there, saving what was typed since.
    pub(super) fn mine_kept(
        &mut self,
        app: &mut App,
        edit: u64,
        theirs: PathBuf,
        result: Result<(PathBuf, String), String>,
    ) {
        let Mine::Writing { retry } = self.mine else {
            return;
        };
        let ok = result.is_ok();
        let mine = result.map(|(path, sha256)| {
            // Nobody else knows this file yet: its lock is free.
            self.lock = lock::lock(&path).ok();
            let stamp = store::stamp(&path);
            Kept {
                path,
                sha256,
                stamp,
            }
        });
        if ok {
            self.mine = Mine::None;
        } else {
            self.mine = Mine::Failed {
                theirs: theirs.clone(),
                at: self.clock.now() + self.retry,
            };
        }
        app.report(Report::MineKept {
            edit,
            theirs,
            mine,
            gone: self.gone,
            again: retry,
        });
        if ok {
            // The writer goes on there, with what was typed while the copy was written still
            // to be saved there.
            let mut written = self.disk.lock().unwrap_or_else(|e| e.into_inner());
            written.disk = store::OnDisk::of(&app.opened);
            written.edit = edit;
            self.handed = edit;
        }
    }

    /// Whatever the interview leaves behind: the last save, answers the disk refused written
    /// somewhere that works (or, failing all, on the terminal), an unfinished form kept as a
    /// draft. Returns what to tell the user, and false if the answers are not in the record.
    pub(super) fn finish(&mut self, app: &mut App) -> (Vec<String>, bool) {
        self.cancel.store(true, Ordering::Relaxed);
        // No loop to report to any more: a copy after a conflict is written here and now.
        self.workers = None;
        self.save(app);
        let mut notices = Vec::new();
        let mut in_record = true;
        if app.opened.path != self.started_on && !app.dirty {
            let what = if self.gone {
                "was moved away or deleted"
            } else {
                "was changed by someone else"
            };
            notices.push(format!(
                "{} {what} during the interview; your answers are in {}",
                self.started_on.display(),
                app.opened.path.display()
            ));
        }
        if app.dirty && !app.read_only {
            in_record = false;
            let why = match &app.save {
                SaveState::Failed { error } => error.clone(),
                _ => format!("{} changed on disk", app.opened.path.display()),
            };
            // Restricted, nothing but the record is written: the terminal takes the copy.
            let copy = if app.opened.access.is_restricted() {
                None
            } else {
                self.rescue(app)
            };
            match copy {
                Some(copy) => {
                    let mut notice = format!(
                        "could not save {} ({why}); your answers are in {}",
                        app.opened.path.display(),
                        copy.display()
                    );
                    if std::fs::metadata(&copy).is_ok_and(|m| m.len() > crate::MAX_FILE_BYTES) {
                        notice.push_str(" (over the 16 MiB a record may hold: shorten its notes in a text editor before opening it)");
                    }
                    notices.push(notice);
                    if let Some(lock) = self.lock.as_mut() {
                        lock.leave_note(&format!(
                            "the interview of {} could not save its last changes; they are in {}",
                            now("%Y-%m-%d %H:%M"),
                            copy.display()
                        ));
                    }
                }
                // Nowhere on disk takes them: the terminal is the last place left.
                None => notices.push(format!(
                    "could not save {} ({why}), nor write a copy beside it, in $HOME or in {}; here is the record, to copy from the terminal:\n{}",
                    app.opened.path.display(),
                    std::env::temp_dir().display(),
                    store::to_text(&app.opened.record)
                )),
            }
        }
        if app.opened.access.is_restricted() {
            if let Some(draft) = app.draft() {
                notices.push(format!(
                    "your unfinished {} is not kept (a restricted interview writes only the record); its text was: {}",
                    draft.form,
                    draft.values.join(" | ")
                ));
            }
        } else if !app.read_only {
            match app.draft() {
                Some(draft) => {
                    let notice = self.keep_draft(&draft);
                    notices.push(notice);
                }
                None if self.keep_draft_file => {}
                None => {
                    let _ = std::fs::remove_file(&self.drafts);
                }
            }
        }
        (notices, in_record)
    }

    /// Where an unfinished form would be kept if the interview ended now: beside the record
    /// if its folder takes a file.
    pub(super) fn draft_place(&self, access: &Access) -> app::DraftPlace {
        if access.is_restricted() {
            return app::DraftPlace::Nowhere;
        }
        let folder = match self.drafts.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let takes_a_file = tempfile::Builder::new()
            .prefix(".vse-assess-")
            .tempfile_in(folder)
            .is_ok();
        if takes_a_file {
            app::DraftPlace::Beside
        } else {
            app::DraftPlace::Elsewhere
        }
    }

    /// Keeps an unfinished form: beside the record, where the next interview offers it back,
    /// else in `$HOME` or the temporary folder. Returns what to tell the user.
    fn keep_draft(&mut self, draft: &Draft) -> String {
        if write_draft(&self.drafts, draft).is_ok() {
            return format!(
                "your unfinished {} is kept in {}; it is offered back when you open the record again",
                draft.form,
                self.drafts.display()
            );
        }
        let stem = file_name(&self.started_on);
        let elsewhere = self.elsewhere.iter().find_map(|dir| {
            (1..100)
                .map(|n| conflict::numbered(dir, &stem, "draft", n))
                .find(|p| !p.exists())
                .filter(|p| write_draft(p, draft).is_ok())
        });
        match elsewhere {
            Some(path) => {
                if let Some(lock) = self.lock.as_mut() {
                    lock.leave_note(&format!(
                        "an unfinished {} of the interview of {} is kept in {}",
                        draft.form,
                        now("%Y-%m-%d %H:%M"),
                        path.display()
                    ));
                }
                format!(
                    "your unfinished {} is kept in {} (copy it to {} to have it offered again)",
                    draft.form,
                    path.display(),
                    self.drafts.display()
                )
            }
            None => format!(
                "could not keep your unfinished {}; its text was: {}",
                draft.form,
                draft.values.join(" | ")
            ),
        }
    }

    /// Writes the record to the first place that takes it: beside it, in `$HOME`, in the
    /// temporary folder. Never over an existing file. A file-size limit that stopped the
    /// saves is raised as far as it may be first.
    fn rescue(&self, app: &mut App) -> Option<PathBuf> {
        raise_file_size_limit();
        app.tidy();
        conflict::rescue(&app.opened.path, &app.opened.record, &self.elsewhere)
    }
}

/// A file-size limit (`ulimit -f`) that made the saves fail would stop the rescue copies
/// too: raise the soft limit to the hard one, as far as a process may.
fn raise_file_size_limit() {
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_FSIZE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
        }
    }
}

/// `.NAME.draft` beside the record `NAME`.
fn drafts_path(record: &Path) -> PathBuf {
    record.with_file_name(format!(".{}.draft", file_name(record)))
}

fn write_draft(path: &Path, draft: &Draft) -> io::Result<()> {
    let text = toml::to_string(draft).map_err(io::Error::other)?;
    store::write_atomic(path, text.as_bytes())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn now(format: &str) -> String {
    jiff::ZonedDateTime::now().strftime(format).to_string()
}
