//! `vse-assess interview`: the terminal UI. The event loop here does all the I/O (terminal,
//! signals, saving); [`app`] holds the state and its one update function; [`keymap`] turns
//! keys into [`action::Action`]s; [`view`] draws the state.

pub mod action;
pub mod app;
pub mod editor;
pub mod input;
pub mod keymap;
pub mod markdown;
pub mod output;
pub mod theme;
pub mod view;
pub mod watch;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyModifiers,
};
use ratatui::crossterm::terminal::{self, EnterAlternateScreen};
use ratatui::crossterm::{execute, style};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};

use crate::record::lock::{self, Lock};
use crate::record::store::{self, Hashed};
use crate::record::{Record, conflict};
use action::Action;
use app::{App, Effect, Overlay, SaveState};
use editor::Draft;

/// How often a failed save is tried again.
const RETRY: Duration = Duration::from_secs(2);

/// While notes are being typed, the save waits for a pause this long...
const TYPING_PAUSE: Duration = Duration::from_millis(300);
/// ...but never longer than this after the first change not yet saved: a `kill -9` or a
/// power cut loses at most this much typing.
const MAX_UNSAVED: Duration = Duration::from_secs(1);

/// Keys that arrive this soon after the file-changed dialog appeared were typed before the
/// user could see it: they go where they were meant to go, not into the dialog.
const DIALOG_GRACE: Duration = Duration::from_secs(1);

/// The interview's terminal: crossterm writing through [`output::FrameWriter`].
type Term = Terminal<CrosstermBackend<output::FrameWriter<io::Stdout>>>;

enum Msg {
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
    /// [`Files::keep_mine`]): the record as of edit `edit` is in the new file (its path and
    /// the SHA-256 of what it holds), or why it could not be written.
    Mine {
        edit: u64,
        theirs: PathBuf,
        result: Result<(PathBuf, String), String>,
    },
    /// A worker finished hashing an evidence file.
    Hashed {
        id: String,
        /// As typed, and as the record keeps it.
        location: String,
        stored: String,
        hashed: Hashed,
    },
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
/// reads the file again whenever it changes; `follow` also goes where its editor is.
pub fn run(opened: store::Opened, lock: Option<Lock>, follow: bool) -> Result<Ended> {
    let caps = output::Caps::from_env();
    let mut app = App::new(opened);
    app.theme = theme::Theme::from_env(caps.colour);
    app.read_only = lock.is_none();
    app.follow = follow;
    let mut files = Files::new(lock, &app.opened);

    // crossterm 0.29 turns colour commands into bare resets under NO_COLOR, which wipes the
    // reverse/bold that mark the selection; the theme implements NO_COLOR instead.
    style::force_color_output(true);
    let mut terminal = start_terminal(caps).context("the interview needs a terminal")?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // Best effort, and silent: a panic while panicking (writing to a terminal that is
        // gone) would abort, leaving the lock file naming a holder who is gone.
        leave_terminal();
        hook(info);
    }));
    let _ = execute!(io::stdout(), EnableBracketedPaste);

    // Only now that there is a screen to show them on: a draft and a note are not used up by
    // an interview that could not start. Restricted, no draft is ever written or read.
    if !app.read_only && !crate::restricted::on() {
        files.offer_draft(&mut app);
    }
    if let Some(note) = files.lock.as_ref().and_then(|l| l.note()) {
        app.notice("Note from the last session", note.to_owned());
    }
    if let Some(signed) = app.opened.record.assessment.sign_off() {
        let text = format!(
            "This record is final ({}), so it opens read-only. `vse-assess reopen FILE --by NAME --reason TEXT` makes it editable again; the reopening is kept in its history.",
            signed.describe()
        );
        app.notice("Final record", text);
    }

    let result = event_loop(&mut terminal, &mut app, &mut files);

    // Whatever happened, keep the answers and give the terminal back.
    let (notices, all_kept) = files.finish(&mut app);
    leave_terminal();
    for n in &notices {
        say(&format!("vse-assess: {}", crate::text::neutralize(n)));
    }
    let ended = result?;
    if !all_kept {
        anyhow::bail!("the last changes are not in the record (see above)");
    }
    if ended != Ended::Quit && notices.is_empty() {
        say(&format!(
            "vse-assess: interview ended ({ended:?}); answers saved in {}",
            crate::text::display_path(&app.opened.path)
        ));
    }
    Ok(ended)
}

fn event_loop(terminal: &mut Term, app: &mut App, files: &mut Files) -> Result<Ended> {
    let (tx, rx) = mpsc::channel();
    read_input(tx.clone());
    watch_hang_up(tx.clone());
    // A read-only view wakes when the file or its editor's position changes, and only then.
    let _watcher = if app.read_only {
        let to_loop = std::sync::Mutex::new(tx.clone());
        let watched = watch::watch(&app.opened.path, move || {
            let _ = to_loop.lock().map(|t| t.send(Msg::Changed));
        });
        if let Err(e) = &watched {
            app.message = Some(format!(
                "cannot follow changes of the file: {e}; r reads it again"
            ));
        }
        watched.ok()
    } else {
        None
    };
    if app.follow {
        files.go_where_the_editor_is(app);
    }
    let mut signals =
        signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGTSTP, SIGCONT])?;
    let to_loop = tx.clone();
    thread::spawn(move || {
        for sig in signals.forever() {
            if to_loop.send(Msg::Signal(sig)).is_err() {
                break;
            }
        }
    });
    if !app.read_only {
        files.start_writer(tx.clone());
    }
    files.workers = Some(tx);

    draw(terminal, app)?;
    // Notes being typed and not yet handed to the writer: since when, and the last key.
    let mut typing: Option<(Instant, Instant)> = None;
    // When the file-changed dialog was first drawn: keys that come before, and in the grace
    // period after, were typed before the user could see it.
    let mut dialog_shown: Option<Instant> = None;
    loop {
        // After a conflict whose copy of our answers failed, try the copy again.
        if app.dirty && app.save == SaveState::Conflict {
            files.retry_mine(app);
        }
        // Block until something happens; wake up on a timer only to save typed notes, or to
        // retry a failed save (or a failed copy of our answers after a conflict).
        let retrying = (app.may_save() && matches!(app.save, SaveState::Failed { .. }))
            || (app.dirty && app.save == SaveState::Conflict);
        let wake = typing
            .map(|(first, last)| (first + MAX_UNSAVED).min(last + TYPING_PAUSE))
            .into_iter()
            .chain(retrying.then(|| Instant::now() + RETRY))
            .min();
        let first = match wake {
            Some(at) => match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(Ended::TerminalGone),
            },
            None => Some(rx.recv().map_err(|_| anyhow::anyhow!("input stopped"))?),
        };
        // Woken by the timer: the typing paused (or a save is to be tried again).
        let timed_out = first.is_none();
        let mut redraw = timed_out;
        // Take everything already queued (a paste, fast typing) before saving and drawing.
        for msg in first
            .into_iter()
            .chain(std::iter::from_fn(|| rx.try_recv().ok()))
        {
            match msg {
                Msg::Gone => return Ok(Ended::TerminalGone),
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
                    suspend(terminal, app, files)?;
                    redraw = true;
                }
                // Continued after a stop we did not see coming (SIGSTOP): the shell may have
                // reset the terminal, so set it up again.
                Msg::Signal(SIGCONT) => {
                    if foreground() {
                        enter_terminal(terminal)?;
                    }
                    redraw = true;
                }
                Msg::Signal(SIGHUP) => return Ok(Ended::TerminalGone),
                Msg::Signal(sig) => return Ok(Ended::Signal(sig)),
                Msg::Hashed {
                    id,
                    location,
                    stored,
                    hashed,
                } => {
                    app.evidence_hashed(&id, &location, stored, hashed);
                    redraw = true;
                }
                Msg::Term(e) => {
                    let grace = matches!(app.overlay, Overlay::Conflict { .. })
                        && dialog_shown.is_none_or(|t| t.elapsed() < DIALOG_GRACE);
                    redraw |= handle(app, e, grace, files);
                }
            }
        }
        for effect in app.take_effects() {
            if effect == Effect::Suspend {
                suspend(terminal, app, files)?;
            } else {
                files.apply(app, effect);
            }
            redraw = true;
        }
        if app.read_only {
            redraw |= files.follow(app);
            if app.follow {
                files.go_where_the_editor_is(app);
            }
        }
        if app.quit {
            return Ok(Ended::Quit);
        }
        // The echo first: saving never holds it up.
        if redraw && foreground() {
            draw(terminal, app)?;
            if matches!(app.overlay, Overlay::Conflict { .. }) && dialog_shown.is_none() {
                dialog_shown = Some(Instant::now());
            }
        }
        if !matches!(app.overlay, Overlay::Conflict { .. }) {
            dialog_shown = None;
        }
        // For those following: where the editor is.
        if let Some(lock) = files.lock.as_mut().filter(|_| !app.read_only) {
            lock.publish(&app.requirement().id);
        }
        // Then the save, on the writer: at once, except while notes are typed, when it waits
        // for a pause (and never more than a second).
        let retry = timed_out && matches!(app.save, SaveState::Failed { .. });
        if app.may_save() && (!files.handed(app) || retry) {
            let now = Instant::now();
            let first = typing.map_or(now, |(first, _)| first);
            if app.typing_notes() && !timed_out && now < first + MAX_UNSAVED {
                typing = Some((first, now));
            } else {
                files.submit(app);
                typing = None;
            }
        } else {
            typing = None;
        }
    }
}

/// Terminal input, on a thread of its own feeding the loop. What arrived in one burst is
/// read whole, so that an Esc bunched with the next key can be told apart from it.
fn read_input(tx: Sender<Msg>) {
    thread::spawn(move || {
        loop {
            let mut burst = Vec::new();
            let read = event::read().map(|first| {
                burst.push(first);
                while event::poll(Duration::ZERO).unwrap_or(false) {
                    match event::read() {
                        Ok(e) => burst.push(e),
                        Err(_) => break,
                    }
                }
            });
            for e in input::repair_bunched_esc(burst) {
                if tx.send(Msg::Term(e)).is_err() {
                    return;
                }
            }
            if read.is_err() {
                let _ = tx.send(Msg::Gone);
                return;
            }
        }
    });
}

/// Waits for the terminal to hang up. A process started with `setsid` gets no SIGHUP when
/// its terminal closes, and reading a closed terminal returns nothing, forever, at once: so
/// wait in `poll` for the hang-up itself, which uses no CPU until it comes.
fn watch_hang_up(tx: Sender<Msg>) {
    thread::spawn(move || {
        let fd = tty_fd();
        loop {
            // No events asked for: poll returns only for a hang-up or an error.
            let mut p = libc::pollfd {
                fd,
                events: 0,
                revents: 0,
            };
            let n = unsafe { libc::poll(&mut p, 1, -1) };
            if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if n < 0 || p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                let _ = tx.send(Msg::Gone);
                return;
            }
        }
    });
}

/// Feeds one terminal event to the app; true if the screen may have changed. In the grace
/// period after the file-changed dialog appeared, keys go to what is beneath it.
fn handle(app: &mut App, event: Event, grace: bool, files: &Files) -> bool {
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
        // Alt is never bound: it is how terminals report Esc typed just before a key, so it
        // means exactly that (many SSH clients send Alt that way too).
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
            // The quit prompt says where an unfinished form will go: look now. Read-only,
            // nothing is kept, and nothing is created to look.
            if a == Action::Quit && !app.read_only {
                app.drafts = files.draft_place();
            }
            apply(app, a);
            true
        }
        None => false,
    }
}

/// Draws a frame: one write to the terminal ([`output::FrameWriter`]), the terminal's own
/// cursor where typing goes (so input methods and screen readers follow it), hidden
/// elsewhere.
fn draw(terminal: &mut Term, app: &App) -> Result<()> {
    terminal.draw(|frame| {
        app.cursor.set(None);
        frame.render_widget(app, frame.area());
        if let Some(at) = app.cursor.get() {
            frame.set_cursor_position(at);
        }
    })?;
    terminal.backend_mut().writer_mut().send()?;
    Ok(())
}

/// Raw mode, the alternate screen, and a terminal writing through the output filter.
fn start_terminal(caps: output::Caps) -> Result<Term> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let backend = CrosstermBackend::new(output::FrameWriter::new(io::stdout(), caps));
    Ok(Terminal::new(backend)?)
}

/// Gives the terminal back as it was found: cooked mode, main screen, no bracketed paste.
/// Each step on its own and none of them an error: a terminal that is gone (the window
/// closed, the connection dropped) needs no restoring.
fn leave_terminal() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// A line on stderr, which may be a terminal that is gone: unlike `eprintln!`, a failed
/// write is not a panic.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(io::stderr(), "{line}");
}

/// Takes the terminal again (after a suspension) and has the next frame drawn whole.
fn enter_terminal(terminal: &mut Term) -> Result<()> {
    // The shell may have set the terminal back to lines while we were stopped, which crossterm
    // cannot know: leave raw mode as far as it knows, then enter it for real.
    let _ = terminal::disable_raw_mode();
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    // A resize clears the screen and forgets the last frame, without `clear`'s cursor
    // position query, which some terminals never answer.
    let size = terminal.size()?;
    terminal.backend_mut().writer_mut().forget();
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    terminal.backend_mut().writer_mut().send()?;
    Ok(())
}

/// Ctrl+Z or SIGTSTP: save, give the terminal back, and stop until the shell continues us;
/// then take the terminal again. Without a job-control shell to go back to (`ssh -t host
/// vse-assess ...`) a stopped interview could never be resumed, so it says so and goes on.
fn suspend(terminal: &mut Term, app: &mut App, files: &mut Files) -> Result<()> {
    if crate::restricted::on() {
        app.message =
            Some("cannot suspend: this interview is restricted (q quits; all is saved)".into());
        return Ok(());
    }
    if !job_control() {
        app.message = Some("cannot suspend: no shell to return to (q quits; all is saved)".into());
        return Ok(());
    }
    files.save(app);
    leave_terminal();
    // Stops here until SIGCONT (`fg`).
    signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
    enter_terminal(terminal)
}

/// Whether we are the terminal's foreground job (if it cannot tell, assume so).
fn foreground() -> bool {
    unsafe {
        let pgrp = libc::tcgetpgrp(tty_fd());
        pgrp < 0 || pgrp == libc::getpgrp()
    }
}

/// The terminal's file descriptor: stdin when it is one, else the controlling terminal.
fn tty_fd() -> i32 {
    use std::os::fd::AsRawFd;
    static TTY: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    if unsafe { libc::isatty(0) } == 1 {
        return 0;
    }
    TTY.get_or_init(|| std::fs::File::open("/dev/tty").ok())
        .as_ref()
        .map_or(0, |f| f.as_raw_fd())
}

/// Whether a shell with job control started us: our parent is in our session but in
/// another process group (otherwise the kernel would leave a stopped process orphaned).
fn job_control() -> bool {
    unsafe {
        let parent = libc::getppid();
        libc::getsid(parent) == libc::getsid(0) && libc::getpgid(parent) != libc::getpgrp()
    }
}

/// The file side of the interview: saving, the edit lock, drafts, hashing evidence, and what
/// to do when the file changed under us or cannot be written.
struct Files {
    lock: Option<Lock>,
    /// Where unfinished forms are kept: beside the record the interview started on.
    drafts: PathBuf,
    /// For hashing workers to report to the loop.
    workers: Option<Sender<Msg>>,
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
}

/// The copy of our answers written beside the record after a conflict ([`Files::keep_mine`]).
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

impl Files {
    fn new(lock: Option<Lock>, opened: &store::Opened) -> Files {
        let record = &opened.path;
        Files {
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
        }
    }

    /// The writer: saves the newest record handed to it, off the loop, so that the disk
    /// never holds up what is typed. Forms and changes are checked when they are made, so a
    /// save only writes.
    fn start_writer(&mut self, to_loop: Sender<Msg>) {
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
    fn handed(&self, app: &App) -> bool {
        self.handed == app.edits
    }

    /// Hands the record as it is now to the writer.
    fn submit(&mut self, app: &mut App) {
        match &self.writer {
            Some(writer) if writer.send((app.edits, app.opened.record.clone())).is_ok() => {
                self.handed = app.edits;
            }
            // No writer (it stopped): save here.
            _ => self.save(app),
        }
    }

    /// The writer's word on a save.
    fn saved(&mut self, app: &mut App, edit: u64, result: Result<String, store::SaveError>) {
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
        app.opened.disk_sha256 = sha256;
        if edit == app.edits {
            app.saved();
        }
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
                app.save = SaveState::Conflict;
                self.keep_mine(app, path, false);
            }
            Conflict { .. } | Vanished { .. } => {}
            e => app.save_failed(e.to_string()),
        }
    }

    /// Saves here and now, after whatever the writer is doing (on the way out, before a
    /// suspension or a reload).
    fn save(&mut self, app: &mut App) {
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
    /// name): the writer follows.
    fn follow_opened(&mut self, app: &App) {
        let mut written = self.disk.lock().unwrap_or_else(|e| e.into_inner());
        written.disk = store::OnDisk::of(&app.opened);
        written.edit = app.edits;
        self.handed = app.edits;
    }

    /// After a conflict whose copy of our answers failed: try the copy again, once it is
    /// time to.
    fn retry_mine(&mut self, app: &mut App) {
        if let Mine::Failed { theirs, at } = &self.mine
            && Instant::now() >= *at
        {
            let theirs = theirs.clone();
            self.keep_mine(app, theirs, true);
        }
    }

    /// Offers the form an earlier interview of this record left unfinished. A draft that
    /// cannot be reopened (unreadable, or what it was about is gone) stays where it is, and
    /// the interview says so.
    fn offer_draft(&mut self, app: &mut App) {
        let Ok(text) = crate::read_text(&self.drafts) else {
            return;
        };
        let restored = toml::from_str::<Draft>(&text)
            .ok()
            .is_some_and(|d| app.restore_draft(&d));
        if !restored {
            self.keep_draft_file = true;
            app.message = Some(format!(
                "a draft from last time could not be reopened; it is kept in {}",
                self.drafts.display()
            ));
        }
    }

    fn apply(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::HashEvidence { id } => {
                let (Some(item), Some(tx)) =
                    (app.opened.record.evidence_item(&id), self.workers.clone())
                else {
                    return;
                };
                let location = item.location.clone();
                let record = app.opened.path.clone();
                let cancel = self.cancel.clone();
                // Off the UI thread: a large or slow file never holds up typing or quitting.
                thread::spawn(move || {
                    let stored = crate::record::evidence::stored_location(&location, &record);
                    let hashed = store::hash_local_file(&stored, &record, &cancel);
                    let _ = tx.send(Msg::Hashed {
                        id,
                        location,
                        stored,
                        hashed,
                    });
                });
            }
            Effect::Reload { path } => self.reload(app, path),
            Effect::Suspend => {}
        }
    }

    /// Opens `path` in place of what is in memory: the read-only view reading the file again,
    /// or, after a conflict, their version of the record (ours stays where it was written).
    fn reload(&mut self, app: &mut App, path: PathBuf) {
        if app.read_only {
            match store::open(&path) {
                Ok(opened) => {
                    // The stamp of what was read, not of what is there now: a save that
                    // lands meanwhile is read at the next look.
                    self.seen = opened.disk_stamp;
                    app.resolved(opened, "read the file again".into());
                }
                Err(e) => app.message = Some(format!("cannot read it again: {e}")),
            }
            return;
        }
        // Ours must be on disk before we let go of it.
        self.save(app);
        if app.dirty {
            app.message = Some("not reloading: your answers could not be saved yet".into());
            return;
        }
        let mine = app.opened.path.clone();
        let opened = lock::lock(&path).map_err(|e| e.to_string()).and_then(|l| {
            store::open(&path)
                .map(|o| (l, o))
                .map_err(|e| e.to_string())
        });
        match opened {
            Ok((lock, opened)) => {
                self.lock = Some(lock);
                app.resolved(
                    opened,
                    format!(
                        "opened {}; your answers stay in {}",
                        file_name(&path),
                        file_name(&mine)
                    ),
                );
                self.follow_opened(app);
            }
            Err(e) => app.message = Some(format!("cannot open {}: {e}", file_name(&path))),
        }
    }

    /// Following an editor: shows the requirement it is on, as its lock file says.
    fn go_where_the_editor_is(&mut self, app: &mut App) {
        if let Some(at) = lock::position_of(&app.opened.path) {
            app.show_requirement_of_editor(&at);
        }
    }

    /// In the read-only view: reads the file again when someone changed it. True if it did.
    fn follow(&mut self, app: &mut App) -> bool {
        let now = store::stamp(&app.opened.path);
        if now.is_none() || now == self.seen {
            return false;
        }
        self.reload(app, app.opened.path.clone());
        true
    }

    /// The file changed on disk: writes the answers in memory to a new file beside it at once
    /// (`NAME.mine.toml`), on a worker, so that typing goes on and is echoed meanwhile;
    /// [`Files::mine_kept`] takes it from there. With no loop to report to (on the way out),
    /// here and now.
    fn keep_mine(&mut self, app: &mut App, theirs: PathBuf, retry: bool) {
        app.tidy();
        let record = app.opened.record.clone();
        let path = app.opened.path.clone();
        let edit = app.edits;
        let write = move || {
            crate::record::conflict::write_mine(&path, &record)
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
    fn mine_kept(
        &mut self,
        app: &mut App,
        edit: u64,
        theirs: PathBuf,
        result: Result<(PathBuf, String), String>,
    ) {
        let Mine::Writing { retry } = self.mine else {
            return;
        };
        match result {
            Ok((mine, sha256)) => {
                self.mine = Mine::None;
                // Nobody else knows this file yet: its lock is free.
                self.lock = lock::lock(&mine).ok();
                app.opened.path = mine.clone();
                app.opened.disk_sha256 = sha256;
                app.opened.disk_stamp = store::stamp(&mine);
                if retry {
                    app.mine_written(mine);
                } else {
                    app.conflict(theirs, Ok(mine));
                    app.conflict_is_gone(self.gone);
                }
                app.saved();
                // The writer follows, with what was typed while the copy was written still
                // to be saved there.
                let mut written = self.disk.lock().unwrap_or_else(|e| e.into_inner());
                written.disk = store::OnDisk::of(&app.opened);
                written.edit = edit;
                self.handed = edit;
                app.dirty = app.edits != edit;
            }
            Err(e) => {
                self.mine = Mine::Failed {
                    theirs: theirs.clone(),
                    at: Instant::now() + RETRY,
                };
                if !retry {
                    app.conflict(theirs, Err(e));
                    app.conflict_is_gone(self.gone);
                }
            }
        }
    }

    /// Whatever the interview leaves behind: the last save, answers the disk refused written
    /// somewhere that works (or, failing all, on the terminal), an unfinished form kept as a
    /// draft. Returns what to tell the user, and false if the answers are not in the record.
    fn finish(&mut self, app: &mut App) -> (Vec<String>, bool) {
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
            let copy = if crate::restricted::on() {
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
        if crate::restricted::on() {
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
    fn draft_place(&self) -> app::DraftPlace {
        if crate::restricted::on() {
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
        let elsewhere = fallback_places().into_iter().find_map(|dir| {
            (1..100)
                .map(|n| conflict::numbered(&dir, &stem, "draft", n))
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
        conflict::rescue(&app.opened.path, &app.opened.record)
    }
}

/// Where answers and drafts go when the record's folder takes nothing: `$HOME`, then the
/// temporary folder.
fn fallback_places() -> Vec<PathBuf> {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .into_iter()
        .chain([std::env::temp_dir()])
        .collect()
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

/// Whether the full-screen interview can run here: a terminal on both ends that is not
/// `TERM=dumb`. Elsewhere (a pipe, a screen reader's dumb terminal) the plain line-by-line
/// interview runs instead.
pub fn usable_terminal() -> bool {
    use std::io::IsTerminal;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !dumb && io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Opens the record for an interview, creating it from the embedded profile if it does not
/// exist yet.
pub fn open_or_create(path: &Path) -> Result<store::Opened> {
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
    Ok(store::open(path)?)
}
