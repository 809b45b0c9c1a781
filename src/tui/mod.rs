//! `vse-assess interview`: the terminal UI, full screen, and beside it [`plain`], the same
//! interview line by line (screen readers, dumb terminals, scripts). The event loop here takes keys, signals and what
//! its workers found, and hands them to [`app`], which holds the state and changes it in
//! `App::update` (keys) and `App::report` (what was found on disk); `terminal` is the real
//! terminal and job control, `persistence` the files (saving, the copy after a conflict,
//! drafts, rescue copies); [`keymap`] turns keys into [`action::Action`]s; [`view`] draws the
//! state.

pub mod action;
pub mod app;
pub mod editor;
pub mod help;
pub mod input;
pub mod keymap;
#[cfg(test)]
mod loop_tests;
pub mod markdown;
pub mod output;
mod persistence;
pub mod plain;
mod terminal;
pub mod theme;
pub mod view;
pub mod watch;

pub use terminal::usable_terminal;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::crossterm::style;
use signal_hook::consts::{SIGCONT, SIGHUP, SIGTSTP};

use crate::record::access::Access;
use crate::record::lock::Lock;
use crate::record::store;
use action::Action;
use app::{App, Effect, Overlay, Report, SaveState};
use persistence::Persistence;
use terminal::{RealTerminal, Tty, say};

/// How long the loop waits for what. [`Timings::INTERVIEW`] in the interview; tests pass
/// their own, with a clock they move by hand.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timings {
    /// How often a failed save is tried again.
    pub retry: Duration,
    /// While notes are being typed, the save waits for a pause this long...
    pub typing_pause: Duration,
    /// ...but never longer than this after the first change not yet saved: a `kill -9` or a
    /// power cut loses at most this much typing.
    pub max_unsaved: Duration,
    /// Keys that arrive this soon after the file-changed dialog appeared were typed before
    /// the user could see it: they go where they were meant to go, not into the dialog.
    pub dialog_grace: Duration,
}

impl Timings {
    pub(crate) const INTERVIEW: Timings = Timings {
        retry: Duration::from_secs(2),
        typing_pause: Duration::from_millis(300),
        max_unsaved: Duration::from_secs(1),
        dialog_grace: Duration::from_secs(1),
    };
}

/// Where the loop reads the time: the system's clock, or a test's.
pub(crate) trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

pub(crate) struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// What the loop waits for: terminal input, signals, and what its workers did.
pub(crate) enum Msg {
    Term(Event),
    /// The record or its lock changed on disk (a follower's watcher saw it).
    Changed,
    /// The terminal is gone (SSH dropped, window closed): reading it failed or it hung up.
    Gone,
    Signal(i32),
    /// The writer finished saving the record as of edit `edit`: the SHA-256 of what it
    /// wrote, or why it could not.
    Saved {
        edit: u64,
        result: Result<String, store::SaveError>,
    },
    /// The worker writing our answers beside the record after a conflict finished (see
    /// [`Persistence::keep_mine`]): the record as of edit `edit` is in the new file (its path
    /// and the SHA-256 of what it holds), or why it could not be written.
    Mine {
        edit: u64,
        theirs: PathBuf,
        result: Result<(PathBuf, String), String>,
    },
    /// What a worker found for the app (an evidence file hashed), as it is.
    Report(Report),
}

/// Why the interview ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Quit,
    /// SIGTERM, SIGINT, SIGQUIT; a hang-up is [`Ended::TerminalGone`].
    Signal(i32),
    TerminalGone,
}

impl Ended {
    /// The exit status: 0 for a quit; as a shell reports a signal otherwise (128 + its
    /// number; 129 for a hang-up, however it was noticed).
    pub fn exit_code(&self) -> u8 {
        match self {
            Ended::Quit => 0,
            Ended::Signal(sig) => 128u8.saturating_add(u8::try_from(*sig).unwrap_or(0)),
            Ended::TerminalGone => 128 + SIGHUP as u8,
        }
    }
}

/// Runs the interview on an opened record until the user quits, a signal arrives or the
/// terminal goes away. Every change is saved as soon as input pauses. `lock` is the record's
/// edit lock, held for the whole interview; without one the interview is read-only, and
/// reads the file again whenever it changes; `follow_editor` also goes where its editor is
/// (`--follow`).
pub fn run(opened: store::Opened, lock: Option<Lock>, follow_editor: bool) -> Result<Ended> {
    let caps = output::Caps::from_env();
    let mut app = App::new(opened);
    app.theme = theme::Theme {
        ascii: !caps.utf8,
        ..theme::Theme::from_env(caps.colour)
    };
    app.read_only = lock.is_none();
    app.follow_editor = follow_editor;

    // crossterm 0.29 turns colour commands into bare resets under NO_COLOR, which wipes the
    // reverse/bold that mark the selection; the theme implements NO_COLOR instead.
    style::force_color_output(true);
    let tty = terminal::start(caps).context("the interview needs a terminal")?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Best effort, and silent: a panic while panicking (writing to a terminal that is
        // gone) would abort, leaving the lock file naming a holder who is gone.
        terminal::leave();
        hook(info);
    }));
    terminal::enable_paste();

    let mut lp = Loop::new(tty, app, lock, Timings::INTERVIEW, Arc::new(SystemClock));
    let result = listen(&mut lp).and_then(|_watcher| {
        lp.start()?;
        lp.run()
    });

    // Whatever happened, keep the answers and give the terminal back.
    let (notices, all_kept) = lp.finish();
    terminal::leave();
    for n in &notices {
        say(&format!("vse-assess: {}", crate::text::neutralize(n)));
    }
    let ended = result?;
    if !all_kept {
        anyhow::bail!("the last changes are not in the record (see above)");
    }
    let path = crate::text::display_path(&lp.app.opened.path);
    if ended != Ended::Quit && notices.is_empty() {
        say(&format!(
            "vse-assess: interview ended ({ended:?}); answers saved in {path}"
        ));
    } else if notices.is_empty() && !lp.app.read_only {
        // Where the answers are, and what people do next with them.
        let record = &lp.app.opened.path;
        say(&format!(
            "vse-assess: answers saved in {path}; the report: vse-assess report {} -o {}",
            crate::text::shell_word(record),
            crate::text::shell_word(&record.with_extension("md"))
        ));
    }
    Ok(ended)
}

/// Starts what feeds the loop from outside: the terminal's input and hang-up, signals, and
/// for a read-only view the file's changes (watched while the returned watcher lives).
fn listen(lp: &mut Loop<RealTerminal>) -> Result<Option<notify::RecommendedWatcher>> {
    let tx = lp.sender();
    terminal::read_input(tx.clone());
    terminal::watch_hang_up(tx.clone());
    // A read-only view wakes when the file or its editor's position changes, and only then.
    let watcher = if lp.app.read_only {
        let to_loop = std::sync::Mutex::new(tx.clone());
        let watched = watch::watch(&lp.app.opened.path, move || {
            let _ = to_loop.lock().map(|t| t.send(Msg::Changed));
        });
        if let Err(e) = &watched {
            lp.app.report(Report::Message(format!(
                "cannot follow changes of the file: {e}; r reads it again"
            )));
        }
        watched.ok()
    } else {
        None
    };
    terminal::watch_signals(tx)?;
    Ok(watcher)
}

/// The event loop: messages in (keys, signals, what the workers did), the app updated, the
/// screen drawn, the record handed to the writer. Generic over the terminal, so that a test
/// runs it on a `TestBackend` with a clock of its own.
pub(crate) struct Loop<T: Tty> {
    tty: T,
    pub(crate) app: App,
    files: Persistence,
    tx: Sender<Msg>,
    rx: Receiver<Msg>,
    timings: Timings,
    clock: Arc<dyn Clock>,
    /// Notes being typed and not yet handed to the writer: since when, and the last key.
    typing: Option<(Instant, Instant)>,
    /// When the file-changed dialog was first drawn: keys that come before, and in the grace
    /// period after, were typed before the user could see it.
    dialog_shown: Option<Instant>,
}

impl<T: Tty> Loop<T> {
    pub(crate) fn new(
        tty: T,
        app: App,
        lock: Option<Lock>,
        timings: Timings,
        clock: Arc<dyn Clock>,
    ) -> Loop<T> {
        let files = Persistence::new(lock, &app.opened, clock.clone(), timings.retry);
        let (tx, rx) = mpsc::channel();
        Loop {
            tty,
            app,
            files,
            tx,
            rx,
            timings,
            clock,
            typing: None,
            dialog_shown: None,
        }
    }

    /// For what feeds the loop.
    pub(crate) fn sender(&self) -> Sender<Msg> {
        self.tx.clone()
    }

    /// Before the first key: what the last session left, the writer, the first frame.
    pub(crate) fn start(&mut self) -> Result<()> {
        let app = &mut self.app;
        // Only now that there is a screen to show them on: a draft and a note are not used
        // up by an interview that could not start. Restricted, no draft is ever written or
        // read.
        if !app.read_only && !app.opened.access.is_restricted() {
            self.files.offer_draft(app);
        }
        if let Some(note) = self.files.lock.as_ref().and_then(|l| l.note()) {
            app.report(Report::Notice {
                title: "Note from the last session",
                text: note.to_owned(),
            });
        }
        if let Some(signed) = app.opened.record.assessment.sign_off() {
            let meta = &app.opened.record.assessment;
            let text = match (&meta.follow_up_closed, app.read_only) {
                (Some(closed), _) => format!(
                    "This record is final ({}) and its follow-up was closed by {} on {}, so it opens read-only. `vse-assess reopen FILE --by NAME --reason TEXT` makes it editable again; the reopening is kept in its history.",
                    signed.describe(),
                    closed.by,
                    closed.date
                ),
                (None, true) => format!("This record is final ({}).", signed.describe()),
                (None, false) => format!(
                    "This record is final ({}): what the audit found stays as signed off. Its follow-up (the VSE's response, actions accepted and done, the team's verifications) is recorded in the follow-up view: b. The command menu's `:reopen --by NAME --reason TEXT` is for a mistake; the reopening is kept in its history.",
                    signed.describe()
                ),
            };
            app.report(Report::Notice {
                title: "Final record",
                text,
            });
        }
        if app.follow_editor {
            self.files.go_where_the_editor_is(app);
        }
        if !app.read_only {
            self.files.start_writer(self.tx.clone());
        }
        self.files.workers = Some(self.tx.clone());
        self.draw()
    }

    /// Runs until the interview ends.
    pub(crate) fn run(&mut self) -> Result<Ended> {
        loop {
            // Block until something happens; wake up on a timer only to save typed notes, or
            // to retry a failed save (or a failed copy of our answers after a conflict).
            let first = match self.due() {
                Some(at) => {
                    match self
                        .rx
                        .recv_timeout(at.saturating_duration_since(self.clock.now()))
                    {
                        Ok(m) => Some(m),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return Ok(Ended::TerminalGone),
                    }
                }
                None => Some(
                    self.rx
                        .recv()
                        .map_err(|_| anyhow::anyhow!("input stopped"))?,
                ),
            };
            if let Some(ended) = self.turn(first)? {
                return Ok(ended);
            }
        }
    }

    /// What is due before waiting, and when the loop is to wake if nothing comes: to save
    /// typed notes, or to try a failed save again.
    pub(crate) fn due(&mut self) -> Option<Instant> {
        let app = &mut self.app;
        // After a conflict whose copy of our answers failed, try the copy again.
        if app.dirty && app.save == SaveState::Conflict {
            self.files.retry_mine(app);
        }
        let retrying = (app.may_save() && matches!(app.save, SaveState::Failed { .. }))
            || (app.dirty && app.save == SaveState::Conflict);
        let Timings {
            typing_pause,
            max_unsaved,
            retry,
            ..
        } = self.timings;
        self.typing
            .map(|(first, last)| (first + max_unsaved).min(last + typing_pause))
            .into_iter()
            .chain(retrying.then(|| self.clock.now() + retry))
            .min()
    }

    /// One turn of the loop: `first` and whatever else is already queued (None: woken by
    /// the timer), then the effects, the frame and the save. Some once the interview ends.
    pub(crate) fn turn(&mut self, mut first: Option<Msg>) -> Result<Option<Ended>> {
        // Woken by the timer: the typing paused (or a save is to be tried again).
        let timed_out = first.is_none();
        let mut redraw = timed_out;
        // Take everything already queued (a paste, fast typing) before saving and drawing.
        while let Some(msg) = match first {
            Some(_) => first.take(),
            None => self.rx.try_recv().ok(),
        } {
            let app = &mut self.app;
            let files = &mut self.files;
            match msg {
                Msg::Gone => return Ok(Some(Ended::TerminalGone)),
                Msg::Saved { edit, result } => {
                    files.saved(app, edit, result);
                    redraw = true;
                }
                Msg::Mine {
                    edit,
                    theirs,
                    result,
                } => {
                    files.mine_kept(app, edit, theirs, result);
                    redraw = true;
                }
                Msg::Changed => redraw = true,
                Msg::Signal(SIGTSTP) => {
                    self.suspend()?;
                    redraw = true;
                }
                Msg::Signal(SIGCONT) => {
                    self.tty.continued()?;
                    redraw = true;
                }
                Msg::Signal(SIGHUP) => return Ok(Some(Ended::TerminalGone)),
                Msg::Signal(sig) => return Ok(Some(Ended::Signal(sig))),
                Msg::Report(report) => {
                    app.report(report);
                    redraw = true;
                }
                Msg::Term(e) => {
                    let grace = matches!(app.overlay, Overlay::Conflict { .. })
                        && self.dialog_shown.is_none_or(|t| {
                            self.clock.now().saturating_duration_since(t)
                                < self.timings.dialog_grace
                        });
                    redraw |= self.handle(e, grace);
                }
            }
        }
        for effect in self.app.take_effects() {
            if effect == Effect::Suspend {
                self.suspend()?;
            } else {
                self.files.apply(&mut self.app, effect);
            }
            redraw = true;
        }
        let app = &mut self.app;
        if app.read_only {
            redraw |= self.files.reread_if_changed(app);
            if app.follow_editor {
                self.files.go_where_the_editor_is(app);
            }
        }
        if app.quit {
            return Ok(Some(Ended::Quit));
        }
        // The echo first: saving never holds it up.
        if redraw && self.tty.foreground() {
            self.draw()?;
            if matches!(self.app.overlay, Overlay::Conflict { .. }) && self.dialog_shown.is_none() {
                self.dialog_shown = Some(self.clock.now());
            }
        }
        let app = &mut self.app;
        if !matches!(app.overlay, Overlay::Conflict { .. }) {
            self.dialog_shown = None;
        }
        // For those following: where the editor is.
        if let Some(lock) = self.files.lock.as_mut().filter(|_| !app.read_only) {
            lock.publish(&app.requirement().id);
        }
        // Then the save, on the writer: at once, except while notes are typed, when it waits
        // for a pause (and never more than a second).
        let retry = timed_out && matches!(app.save, SaveState::Failed { .. });
        if app.may_save() && (!self.files.handed(app) || retry) {
            let now = self.clock.now();
            let first = self.typing.map_or(now, |(first, _)| first);
            if app.typing_notes() && !timed_out && now < first + self.timings.max_unsaved {
                self.typing = Some((first, now));
            } else {
                self.files.submit(app);
                self.typing = None;
            }
        } else {
            self.typing = None;
        }
        Ok(None)
    }

    /// Feeds one terminal event to the app; true if the screen may have changed. In the grace
    /// period after the file-changed dialog appeared, keys go to what is beneath it.
    fn handle(&mut self, event: Event, grace: bool) -> bool {
        let app = &mut self.app;
        let mode = |app: &App| {
            if grace {
                app.mode_beneath()
            } else {
                app.mode()
            }
        };
        let apply = |app: &mut App, action: Action| {
            if grace {
                app.update_beneath(action)
            } else {
                app.update(action)
            }
        };
        let action = match event {
            // Alt is never bound: it is how terminals report Esc typed just before a key, so
            // it means exactly that (many SSH clients send Alt that way too).
            Event::Key(mut key) if key.modifiers.contains(KeyModifiers::ALT) => {
                let esc = KeyEvent::new_with_kind(KeyCode::Esc, KeyModifiers::NONE, key.kind);
                if let Some(back) = keymap::action(mode(app), esc) {
                    apply(app, back);
                }
                key.modifiers.remove(KeyModifiers::ALT);
                keymap::action(mode(app), key)
            }
            Event::Key(key) => keymap::action(mode(app), key),
            Event::Paste(text) => Some(Action::Paste(text)),
            Event::Resize(..) => return true,
            _ => None,
        };
        match action {
            Some(a) => {
                // The quit prompt says where an unfinished form will go: look now.
                // Read-only, nothing is kept, and nothing is created to look.
                if a == Action::Quit && !app.read_only {
                    app.report(Report::DraftsGo(self.files.draft_place(&app.opened.access)));
                }
                apply(app, a);
                true
            }
            None => false,
        }
    }

    /// Draws a frame: one write to the terminal ([`output::FrameWriter`]), the terminal's
    /// own cursor where typing goes (so input methods and screen readers follow it), hidden
    /// elsewhere.
    fn draw(&mut self) -> Result<()> {
        let app = &self.app;
        self.tty
            .terminal()
            .draw(|frame| view::draw(frame, app))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        self.tty.flush()
    }

    /// Ctrl+Z or SIGTSTP: save, give the terminal back, and stop until the shell continues
    /// us; then take the terminal again. Without a job-control shell to go back to (`ssh -t
    /// host vse-assess ...`) a stopped interview could never be resumed, so it says so and
    /// goes on.
    fn suspend(&mut self) -> Result<()> {
        let app = &mut self.app;
        if app.opened.access.is_restricted() {
            app.report(Report::Message(
                "cannot suspend: this interview is restricted (q quits; all is saved)".into(),
            ));
            return Ok(());
        }
        if !self.tty.job_control() {
            app.report(Report::Message(
                "cannot suspend: no shell to return to (q quits; all is saved)".into(),
            ));
            return Ok(());
        }
        self.files.save(app);
        self.tty.stop()
    }

    /// Whatever the interview leaves behind (see [`Persistence::finish`]): what to tell the
    /// user, and false if the answers are not in the record.
    pub(crate) fn finish(&mut self) -> (Vec<String>, bool) {
        self.files.finish(&mut self.app)
    }
}

/// Opens the record for an interview, creating it from the embedded profile if it does not
/// exist yet.
pub fn open_or_create(
    path: &Path,
    access: &Access,
    today: jiff::civil::Date,
) -> Result<store::Opened> {
    if !path.exists() {
        let loaded =
            crate::questionnaire::catalog::embedded(crate::questionnaire::catalog::DEFAULT)
                .expect("the default questionnaire is embedded")?;
        let record = crate::record::Record::new(&loaded, "", crate::record::Kind::SelfAssessment);
        match store::create_new(path, &record) {
            // Someone else created it a moment ago: open theirs.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            r => r.with_context(|| format!("cannot create {}", path.display()))?,
        }
    }
    Ok(store::open(path, access, today)?)
}
