//! The event loop in process: the real loop, writer and files, on a `TestBackend`, with keys
//! fed through its channel and a clock moved by hand. Nothing waits for a timer: time moves
//! only when a test says so; the only waits are for a worker's message (bounded).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;

use super::terminal::Tty;
use super::{App, Clock, Ended, Loop, Msg, Timings};
use crate::rating::Judgement;
use crate::record::{Kind, Record, lock, store};

const T: Timings = Timings::INTERVIEW;

/// A terminal that is a buffer: always in the foreground, never under a shell to stop to.
struct TestTty {
    terminal: Terminal<TestBackend>,
}

impl Tty for TestTty {
    type Backend = TestBackend;

    fn terminal(&mut self) -> &mut Terminal<TestBackend> {
        &mut self.terminal
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        Ok(())
    }

    fn foreground(&self) -> bool {
        true
    }

    fn job_control(&self) -> bool {
        false
    }

    fn stop(&mut self) -> anyhow::Result<()> {
        unreachable!("no job control here")
    }

    fn continued(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A clock that moves only when the test moves it.
struct HandClock(Mutex<Instant>);

impl Clock for HandClock {
    fn now(&self) -> Instant {
        *self.0.lock().unwrap()
    }
}

/// An interview of a record, run turn by turn.
struct Interview {
    lp: Loop<TestTty>,
    clock: Arc<HandClock>,
    tx: Sender<Msg>,
    /// Where rescue copies and drafts go when the record's folder takes nothing.
    elsewhere: TempDir,
    /// When the loop, waiting, wakes up if nothing comes (as it worked out before waiting).
    wake: Option<Instant>,
}

impl Interview {
    /// Opens `path` for editing (holding its lock), as `vse-assess interview` does.
    fn open(path: &Path) -> Interview {
        Interview::open_with(path, |_| {})
    }

    /// Opens `path` read-only, following its editor (`--follow`).
    fn follow(path: &Path) -> Interview {
        Interview::start(path, None, |_| {})
    }

    /// With the loop's files set up by `set` before it starts.
    fn open_with(path: &Path, set: impl FnOnce(&mut super::Persistence)) -> Interview {
        Interview::start(path, Some(lock::lock(path).unwrap()), set)
    }

    fn start(
        path: &Path,
        lock: Option<lock::Lock>,
        set: impl FnOnce(&mut super::Persistence),
    ) -> Interview {
        let opened = store::open(
            path,
            &crate::record::access::Access::Unrestricted,
            jiff::civil::date(2026, 11, 30),
        )
        .unwrap();
        let mut app = App::new(opened);
        app.read_only = lock.is_none();
        app.follow_editor = lock.is_none();
        let clock = Arc::new(HandClock(Mutex::new(Instant::now())));
        let tty = TestTty {
            terminal: Terminal::new(TestBackend::new(80, 24)).unwrap(),
        };
        let mut lp = Loop::new(tty, app, lock, T, clock.clone());
        let elsewhere = TempDir::new().unwrap();
        lp.files.elsewhere = vec![elsewhere.path().to_owned()];
        set(&mut lp.files);
        lp.start().unwrap();
        let tx = lp.sender();
        let wake = lp.due();
        Interview {
            lp,
            clock,
            tx,
            elsewhere,
            wake,
        }
    }

    /// One turn, then back to waiting, as the loop's `run` does.
    fn turn(&mut self, first: Option<Msg>) -> Option<Ended> {
        let ended = self.lp.turn(first).unwrap();
        self.wake = self.lp.due();
        ended
    }

    /// Whether the loop's timer has gone off by the clock.
    fn due(&self) -> bool {
        self.wake.is_some_and(|at| at <= self.clock.now())
    }

    fn advance(&self, by: Duration) {
        *self.clock.0.lock().unwrap() += by;
    }

    /// A turn of the loop for what is queued, or for the timer if it is due by the clock;
    /// nothing otherwise.
    fn pump(&mut self) -> Option<Ended> {
        let first = match self.lp.rx.try_recv() {
            Ok(m) => Some(m),
            Err(_) if self.due() => None,
            Err(_) => return None,
        };
        self.turn(first)
    }

    /// Waits for a worker (the writer, the copy of our answers) to report, and takes it.
    fn wait(&mut self) -> Option<Ended> {
        let msg = self.lp.rx.recv_timeout(Duration::from_secs(20));
        let msg = msg.unwrap_or_else(|_| panic!("no word from the workers:\n{}", self.screen()));
        self.turn(Some(msg))
    }

    /// Takes what the workers report until `done` holds.
    fn wait_for(&mut self, done: impl Fn(&Interview) -> bool) {
        while !done(self) {
            assert_eq!(self.wait(), None);
        }
    }

    /// Until everything changed is on disk.
    fn wait_saved(&mut self) {
        self.wait_for(|i| !i.lp.app.dirty);
    }

    /// Until the screen shows `text`.
    fn wait_shows(&mut self, text: &str) {
        self.wait_for(|i| i.screen().contains(text));
    }

    fn send(&mut self, key: KeyEvent) -> Option<Ended> {
        self.tx.send(Msg::Term(Event::Key(key))).unwrap();
        self.pump()
    }

    fn key(&mut self, code: KeyCode) -> Option<Ended> {
        self.send(KeyEvent::new(code, KeyModifiers::NONE))
    }

    /// Types `text`, a key a turn.
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            assert_eq!(self.key(KeyCode::Char(c)), None);
        }
    }

    /// Whether everything changed so far is handed to the writer.
    fn handed(&self) -> bool {
        self.lp.files.handed(&self.lp.app)
    }

    fn screen(&self) -> String {
        let buf = self.lp.tty.terminal.backend().buffer();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    fn shows(&self, text: &str) {
        let screen = self.screen();
        assert!(screen.contains(text), "{text:?} not on screen:\n{screen}");
    }

    /// The end of the interview: what it says, and whether the answers are in the record.
    fn finish(&mut self) -> (Vec<String>, bool) {
        self.lp.finish()
    }
}

fn new_record(dir: &Path) -> PathBuf {
    let path = dir.join("a.toml");
    let loaded = crate::questionnaire::catalog::embedded(crate::questionnaire::catalog::DEFAULT)
        .unwrap()
        .unwrap();
    let record = Record::new(&loaded, "Acme Soft", Kind::SelfAssessment);
    store::create_new(&path, &record).unwrap();
    path
}

fn record(path: &Path) -> Record {
    store::open(
        path,
        &crate::record::access::Access::Unrestricted,
        jiff::civil::date(2026, 11, 30),
    )
    .unwrap()
    .record
}

fn rating(path: &Path, id: &str) -> Option<Judgement> {
    record(path).answer(id).and_then(|a| a.rating)
}

/// Someone else rewrites the record while it is open (a git pull, an editor).
fn change_behind_its_back(file: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(file).unwrap();
    let theirs = text.replace("vse = \"Acme Soft\"", "vse = \"Acme Soft (pulled)\"");
    assert_ne!(theirs, text);
    std::fs::write(file, &theirs).unwrap();
    theirs.into_bytes()
}

/// The promise behind `kill -9` losing at most a second: notes are saved once typing pauses,
/// and never later than `max_unsaved` after the first key not yet saved, however fast the
/// typing goes on.
#[test]
fn notes_are_saved_after_a_pause_and_never_later_than_the_most_unsaved() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    let mut i = Interview::open(&path);
    i.key(KeyCode::Char('t'));
    i.shows("Esc when done");
    // A key every 200 ms, never pausing: held back until a second after the first.
    let step = Duration::from_millis(200);
    let mut at = Duration::ZERO;
    for c in "abcde".chars() {
        i.text(&c.to_string());
        assert!(!i.handed(), "handed {at:?} after the first key");
        assert!(!i.due());
        i.advance(step);
        at += step;
    }
    // A second after the first key: the next one is saved with it, typing or not.
    assert_eq!(at, T.max_unsaved);
    i.text("f");
    assert!(i.handed(), "nothing saved a second after the first key");
    i.wait_saved();
    assert_eq!(record(&path).answer("7.2.a").unwrap().notes, "abcdef");
    i.shows("saved ");

    // A pause: saved once it is `typing_pause` long, not before.
    i.text("g");
    i.advance(T.typing_pause - Duration::from_millis(1));
    assert!(!i.due(), "woken before the pause");
    assert_eq!(i.pump(), None);
    assert!(!i.handed(), "saved before the pause");
    i.advance(Duration::from_millis(1));
    assert!(i.due());
    assert_eq!(i.pump(), None);
    assert!(i.handed(), "not saved after the pause");
    i.wait_saved();
    assert_eq!(record(&path).answer("7.2.a").unwrap().notes, "abcdefg");
    // Leaving the notes saves at once.
    i.text("h");
    assert!(!i.handed());
    i.key(KeyCode::Esc);
    assert!(i.handed());
    i.wait_saved();
    assert_eq!(record(&path).answer("7.2.a").unwrap().notes, "abcdefgh");
}

/// The file changes on disk while notes are typed: the save finds it and our answers go to
/// `a.mine.toml`; keys typed before the dialog could be seen (and in the grace after it was
/// drawn) go into the notes; past the grace the dialog takes keys and no letter does anything
/// alone; the interview goes on in the copy, and theirs is never written.
#[test]
fn a_save_during_a_conflict_goes_to_the_copy_and_theirs_is_untouched() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    let mine = tmp.path().join("a.mine.toml");
    let mut i = Interview::open(&path);
    i.key(KeyCode::Char('f'));
    i.wait_saved();
    assert_eq!(rating(&path, "7.2.a"), Some(Judgement::F));
    i.key(KeyCode::Char('t'));
    i.text("the ");
    let theirs = change_behind_its_back(&path);
    // The pause: the save of the notes finds their change.
    i.advance(T.typing_pause);
    assert_eq!(i.pump(), None);
    assert!(i.handed());
    i.wait_shows("CHANGED ON DISK");
    // Typed while our copy is written, and right after the dialog shows: into the notes.
    i.text("p");
    i.wait_shows("File changed on disk");
    assert!(mine.exists());
    i.text("rocess");
    i.shows("File changed on disk");
    // Past the grace, the dialog takes the keys: none does anything alone.
    i.advance(T.dialog_grace);
    i.text("rk");
    i.shows("> rk");
    i.key(KeyCode::Esc);
    i.shows(">         ");
    i.key(KeyCode::Enter);
    assert!(
        !i.screen().contains("File changed on disk"),
        "{}",
        i.screen()
    );
    i.shows("the process");
    i.key(KeyCode::Esc);
    i.shows("Notes (t to edit)");
    // What was typed meanwhile is saved, in the copy.
    i.wait_saved();
    assert_eq!(record(&mine).answer("7.2.a").unwrap().notes, "the process");
    i.key(KeyCode::Enter);
    i.key(KeyCode::Char('l'));
    i.wait_saved();
    assert_eq!(rating(&mine, "7.2.b"), Some(Judgement::L));
    assert_eq!(i.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(all_kept);
    assert!(
        notices.len() == 1
            && notices[0].contains("a.toml was changed by someone else during the interview")
            && notices[0].contains("a.mine.toml"),
        "{notices:?}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), theirs, "theirs is untouched");
    let a = record(&mine).answer("7.2.a").cloned().unwrap();
    assert_eq!(
        (a.rating, a.notes.as_str()),
        (Some(Judgement::F), "the process")
    );
}

/// Going back to their version takes typing `reload` once the dialog takes keys: their file
/// is opened (and locked) and the next change is saved there; ours stays in `a.mine.toml`.
#[test]
fn reload_opens_their_version_and_ours_stays_in_the_copy() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    let mut i = Interview::open(&path);
    change_behind_its_back(&path);
    i.key(KeyCode::Char('f'));
    i.wait_shows("File changed on disk");
    i.advance(T.dialog_grace);
    i.text("reload");
    i.shows("> reload");
    i.key(KeyCode::Enter);
    i.shows("opened a.toml; your answers stay in a.mine.toml");
    assert_eq!(i.lp.app.opened.path, path);
    i.key(KeyCode::Char('l'));
    i.wait_saved();
    i.shows("saved ");
    assert_eq!(rating(&path, "7.2.a"), Some(Judgement::L));
    assert_eq!(i.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(all_kept && notices.is_empty(), "{notices:?}");
    let r = record(&path);
    assert_eq!(r.assessment.vse, "Acme Soft (pulled)");
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::L));
    assert_eq!(
        rating(&tmp.path().join("a.mine.toml"), "7.2.a"),
        Some(Judgement::F)
    );
}

/// Writing our copy fails at first: the dialog says so, nothing is written to their file, and
/// the copy is tried again `retry` later (not before); then the interview goes on in it.
#[test]
fn keeping_mine_is_tried_again_until_the_copy_is_written() {
    fn fails(_: &Path, _: &Record) -> std::io::Result<PathBuf> {
        Err(std::io::Error::other("no room for a copy"))
    }
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    let mine = tmp.path().join("a.mine.toml");
    let mut i = Interview::open_with(&path, |files| files.write_mine = fails);
    let theirs = change_behind_its_back(&path);
    i.key(KeyCode::Char('f'));
    i.wait_shows("File changed on disk");
    i.shows("no room for a copy");
    // Typed before the dialog could be seen: it goes beneath, and waits in memory.
    i.text("p");
    i.lp.files.write_mine = crate::record::conflict::write_mine;
    // Not before its time.
    i.advance(T.retry - Duration::from_millis(1));
    assert!(!i.due());
    assert_eq!(i.pump(), None);
    assert!(!mine.exists());
    i.advance(Duration::from_millis(1));
    assert!(i.due());
    assert_eq!(i.pump(), None);
    i.wait_shows("Your answers are safe in a.mine.toml");
    assert_eq!(i.lp.app.opened.path, mine);
    assert_eq!(rating(&mine, "7.2.a"), Some(Judgement::P));
    // Going on, in the copy.
    i.key(KeyCode::Enter);
    i.key(KeyCode::Enter);
    i.key(KeyCode::Char('n'));
    i.wait_saved();
    assert_eq!(i.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (_, all_kept) = i.finish();
    assert!(all_kept);
    assert_eq!(std::fs::read(&path).unwrap(), theirs, "theirs is untouched");
    assert_eq!(rating(&mine, "7.2.a"), Some(Judgement::P));
    assert_eq!(rating(&mine, "7.2.b"), Some(Judgement::N));
}

/// The record's folder is deleted: the save fails, is shown, and is tried again `retry`
/// later (not before); quitting asks, and the answers go to a copy elsewhere.
#[test]
fn a_failed_save_is_retried_and_the_answers_kept_elsewhere_on_quit() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");
    std::fs::create_dir(&dir).unwrap();
    let path = new_record(&dir);
    let mut i = Interview::open(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    i.key(KeyCode::Char('p'));
    i.wait_shows("NOT SAVED");
    // The retry waits for its time, then goes to the writer, which fails again.
    i.advance(T.retry - Duration::from_millis(1));
    assert!(!i.due(), "tried again too soon");
    i.advance(Duration::from_millis(1));
    assert!(i.due());
    assert_eq!(i.pump(), None);
    assert_eq!(i.wait(), None);
    i.shows("NOT SAVED");
    assert_eq!(i.key(KeyCode::Char('q')), None);
    i.shows("Quit? The last changes are not saved");
    assert_eq!(i.key(KeyCode::Char('y')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(!all_kept);
    let copy = i.elsewhere.path().join("a.unsaved.toml");
    assert!(
        notices.len() == 1
            && notices[0].contains("could not save")
            && notices[0].contains(&copy.display().to_string()),
        "{notices:?}"
    );
    assert_eq!(rating(&copy, "7.2.a"), Some(Judgement::P));
}

/// A finding left unfinished (Ctrl+C asks, and keeps it) is offered back by the next
/// interview of the record, with what was typed; confirmed, it is saved and the draft is
/// used up.
#[test]
fn a_draft_left_unfinished_is_restored_next_time() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    let draft = tmp.path().join(".a.toml.draft");
    let mut i = Interview::open(&path);
    i.key(KeyCode::Char('m'));
    i.text("No review of the plan");
    i.send(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    i.shows("The finding you are writing is kept");
    assert_eq!(i.key(KeyCode::Char('y')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(all_kept);
    assert!(
        notices.len() == 1 && notices[0].contains("your unfinished finding is kept"),
        "{notices:?}"
    );
    assert!(draft.exists());
    drop(i);

    let mut i = Interview::open(&path);
    i.shows("your unfinished finding from last time");
    i.shows("No review of the plan");
    i.key(KeyCode::Enter);
    i.wait_saved();
    assert_eq!(i.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(all_kept && notices.is_empty(), "{notices:?}");
    let r = record(&path);
    let f = r.findings_for("7.2.a").next().expect("the finding");
    assert_eq!(f.text, "No review of the plan");
    assert!(!draft.exists(), "the draft is used up");
}

/// Hashing an evidence file runs on a worker: quitting does not wait for it, tells it to
/// stop, and what it finds after the end is not written anywhere.
#[test]
fn a_hash_that_finishes_after_quit_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    std::fs::write(tmp.path().join("big.bin"), "evidence").unwrap();
    // The hash waits for the test, then says whether it was told to stop.
    let (go, wait_for_go) = mpsc::channel::<()>();
    let (told, stopped) = mpsc::channel::<bool>();
    let wait_for_go = Arc::new(Mutex::new(wait_for_go));
    let mut i = Interview::open_with(&path, |files| {
        files.hash = Arc::new(
            move |_: &str, _: &Path, _: &crate::record::access::Access, cancel: &AtomicBool| {
                let _ = wait_for_go.lock().unwrap().recv();
                let _ = told.send(cancel.load(Ordering::Relaxed));
                crate::record::evidence::Hashed::Sha256("0".repeat(64))
            },
        )
    });
    i.key(KeyCode::Char('v'));
    i.key(KeyCode::Char('a'));
    i.shows("New evidence");
    for text in ["VID", "Recording", "", "big.bin", ""] {
        i.text(text);
        i.key(KeyCode::Enter);
    }
    i.key(KeyCode::Enter);
    i.shows("VID");
    i.key(KeyCode::Esc);
    i.key(KeyCode::Char('f'));
    assert_eq!(i.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(all_kept && notices.is_empty(), "{notices:?}");
    // The hash finishes now, after the end: it was told to stop, and its result goes nowhere.
    go.send(()).unwrap();
    assert_eq!(stopped.recv_timeout(Duration::from_secs(20)), Ok(true));
    let r = record(&path);
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::F));
    assert!(r.evidence_item("VID").is_some_and(|e| e.sha256.is_none()));
}

/// A read-only view following the editor: when the file or its lock changes (the watcher's
/// word, sent here by hand), it reads the file again and goes where the editor is.
#[test]
fn a_read_only_view_reads_the_file_again_and_follows_the_editor() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    let mut editor = Interview::open(&path);
    let mut viewer = Interview::follow(&path);
    viewer.shows("READ-ONLY");
    editor.key(KeyCode::Char('f'));
    editor.key(KeyCode::Enter);
    editor.wait_saved();
    assert_eq!(viewer.lp.app.requirement().id, "7.2.a");
    assert!(!viewer.screen().contains(" 7.2.a  F"));
    viewer.tx.send(Msg::Changed).unwrap();
    assert_eq!(viewer.pump(), None);
    viewer.shows(" 7.2.a  F");
    // Each change shown as it lands, with no word about reading the file.
    assert!(
        !viewer.screen().contains("read the file again"),
        "{}",
        viewer.screen()
    );
    assert_eq!(viewer.lp.app.requirement().id, "7.2.b");
    // Nothing typed in the view changes the file.
    let before = std::fs::read(&path).unwrap();
    viewer.key(KeyCode::Char('n'));
    viewer.shows("read-only: nothing can be changed here");
    assert_eq!(viewer.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (notices, all_kept) = viewer.finish();
    assert!(all_kept && notices.is_empty(), "{notices:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// `:report` and `:verify` in the loop: the record is saved first, the report written beside
/// it as the command line writes it, and what the evidence check found shown in a note.
#[test]
fn the_command_menu_writes_a_report_and_checks_the_evidence() {
    let tmp = TempDir::new().unwrap();
    let path = new_record(tmp.path());
    std::fs::write(tmp.path().join("plan.txt"), "the plan").unwrap();
    let mut i = Interview::open(&path);
    i.key(KeyCode::Char('v'));
    i.key(KeyCode::Char('a'));
    // Id, title, kind, location, a file (yes), then the version left empty saves it.
    for text in ["PLAN", "The plan", "", "plan.txt", ""] {
        i.text(text);
        i.key(KeyCode::Enter);
    }
    i.key(KeyCode::Enter);
    i.wait_for(|i| {
        i.lp.app
            .opened
            .record
            .evidence_item("PLAN")
            .is_some_and(|e| e.sha256.is_some())
    });
    i.key(KeyCode::Esc);
    i.key(KeyCode::Char('f'));
    // Rated, not yet saved: the report must still show it.
    i.key(KeyCode::Char(':'));
    i.text("report");
    i.key(KeyCode::Enter);
    let report = tmp.path().join("a.md");
    i.wait_shows("a.md: written");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("Acme Soft"), "{text}");
    assert_eq!(rating(&path, "7.2.a"), Some(Judgement::F));
    // The evidence file changed since it was registered: the check says so.
    std::fs::write(tmp.path().join("plan.txt"), "another plan").unwrap();
    i.key(KeyCode::Char(':'));
    i.text("verify");
    i.key(KeyCode::Enter);
    i.wait_shows("Evidence checked");
    i.shows("1 changed or missing");
    i.shows("PLAN: changed");
    i.key(KeyCode::Esc);
    assert_eq!(i.key(KeyCode::Char('q')), Some(Ended::Quit));
    let (notices, all_kept) = i.finish();
    assert!(all_kept && notices.is_empty(), "{notices:?}");
}
