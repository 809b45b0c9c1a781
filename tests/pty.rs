//! The real binary in a pseudo-terminal, driven by keystrokes as a person would type them;
//! the screen is read back through a terminal emulator (vt100).

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

use common::{new_record, vse};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use tempfile::TempDir;
use vse_assess::rating::Judgement;
use vse_assess::record::store;

struct Session {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Session {
    fn start(dir: &Path, args: &[&str]) -> Session {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vse-assess"));
        cmd.args(args);
        Session::spawn(dir, cmd)
    }

    /// Runs `script` in sh, with `$BIN` the vse-assess binary.
    fn shell(dir: &Path, script: &str) -> Session {
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", script]);
        cmd.env("BIN", env!("CARGO_BIN_EXE_vse-assess"));
        Session::spawn(dir, cmd)
    }

    fn spawn(dir: &Path, mut cmd: CommandBuilder) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        cmd.cwd(dir);
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(24).unwrap(),
            NonZeroU16::new(80).unwrap(),
            0,
        )));
        let feed = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        Session {
            child,
            _master: pty.master,
            writer,
            screen,
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("screen never showed {text:?}:\n{}", self.contents());
    }

    /// Sends keys, then waits for their effect to show.
    fn keys(&mut self, bytes: &str, then: &str) {
        self.send(bytes);
        self.wait_for(then);
    }

    /// Waits for the process to end; returns how long it took.
    fn wait_exit(&mut self, limit: Duration) -> Duration {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.child.try_wait().unwrap().is_some() {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        panic!("still running after {limit:?}:\n{}", self.contents());
    }

    fn signal(&self, sig: &str) {
        let pid = self.child.process_id().unwrap().to_string();
        let ok = std::process::Command::new("kill")
            .args([sig, &pid])
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

const ESC: &str = "\x1b";

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
const ENTER: &str = "\r";
const RIGHT: &str = "\x1b[C";

#[test]
fn an_interview_typed_and_pasted_lands_in_the_file() {
    let tmp = TempDir::new().unwrap();
    let mut s = Session::start(tmp.path(), &["interview", "x.toml"]);
    // A new file opens on the setup form.
    s.wait_for("Assessment details");
    s.keys(ENTER, "Edit VSE name");
    s.keys("Acme Soft", "Acme Soft");
    s.keys(ENTER, "VSE name        Acme Soft");
    s.keys(RIGHT, "1 of 25");

    s.keys("f", " 7.2.a  F");
    s.keys(ENTER, "2 of 25");
    s.keys("l", " 7.2.b  L");
    s.keys("t", "Esc when done");
    s.keys("Typed note: q f n are text", "are text");
    s.keys(ESC, "Notes (t to edit)");
    s.keys(ENTER, "3 of 25");
    // A bracketed paste of several lines (CRLF, as some terminals send) goes into the notes.
    s.keys(
        "\x1b[200~Pasted one\r\nPasted two | x\x1b[201~",
        "Pasted two | x",
    );
    s.keys(ESC, "Notes (t to edit)");
    s.keys("x", "not applicable: why?");
    s.keys("Done by the parent company", "parent company");
    s.keys(ENTER, "7.2.c not applicable");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));

    let r = store::open(&tmp.path().join("x.toml")).unwrap().record;
    assert_eq!(r.assessment.vse, "Acme Soft");
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::F));
    let b = r.answer("7.2.b").unwrap();
    assert_eq!(b.rating, Some(Judgement::L));
    assert_eq!(b.notes, "Typed note: q f n are text");
    let c = r.answer("7.2.c").unwrap();
    assert_eq!(c.notes, "Pasted one\nPasted two | x");
    assert_eq!(c.rating, Some(Judgement::NA));
    assert_eq!(c.justification, "Done by the parent company");
    // The terminal was given back: the alternate screen is off.
    assert!(!s.screen.lock().unwrap().screen().alternate_screen());
}

#[test]
fn kill_9_mid_interview_loses_nothing_already_shown() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    for (key, id) in [
        ("n", "7.2.a"),
        ("p", "7.2.b"),
        ("l", "7.2.c"),
        ("f", "7.2.d"),
    ] {
        s.keys(key, &format!(" {id}  {}", key.to_uppercase()));
        s.keys(ENTER, "of 25");
    }
    s.keys("t", "Esc when done");
    s.keys("half-typed notes", "half-typed notes");
    // What is on screen has been saved: the loop saves before it draws.
    s.signal("-9");
    s.wait_exit(Duration::from_secs(2));
    let r = store::open(&tmp.path().join("a.toml")).unwrap().record;
    let ratings: Vec<Option<Judgement>> = ["7.2.a", "7.2.b", "7.2.c", "7.2.d"]
        .iter()
        .map(|id| r.answer(id).and_then(|a| a.rating))
        .collect();
    assert_eq!(
        ratings,
        [
            Some(Judgement::N),
            Some(Judgement::P),
            Some(Judgement::L),
            Some(Judgement::F)
        ]
    );
    assert_eq!(r.answer("7.2.e").unwrap().notes, "half-typed notes");
}

#[test]
fn sigterm_and_sighup_save_and_exit_within_a_second() {
    for sig in ["-TERM", "-HUP"] {
        let tmp = TempDir::new().unwrap();
        new_record(tmp.path(), "a.toml");
        let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
        s.wait_for("1 of 25");
        s.keys("f", " 7.2.a  F");
        s.signal(sig);
        let took = s.wait_exit(Duration::from_secs(3));
        assert!(took < Duration::from_secs(1), "{sig}: {took:?}");
        let r = store::open(&tmp.path().join("a.toml")).unwrap().record;
        assert_eq!(
            r.answer("7.2.a").unwrap().rating,
            Some(Judgement::F),
            "{sig}"
        );
    }
}

#[test]
fn a_failed_save_is_shown_retried_and_loses_nothing() {
    if !common::tools(&["prlimit"], "apt-get install util-linux") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("a.toml");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/reports/example-assessment.toml"
        ),
        &file,
    )
    .unwrap();
    let before = std::fs::read(&file).unwrap();
    // A file-size limit of 1 KiB: the record (about 10 KB) cannot be written, as on a full
    // disk. SIGXFSZ is ignored so that the write fails instead of killing the process.
    let mut s = Session::shell(
        tmp.path(),
        "trap '' XFSZ; ulimit -S -f 1; exec \"$BIN\" interview a.toml",
    );
    s.wait_for("1 of 25");
    s.keys("u", "NOT SAVED");
    s.keys("n", " 7.2.a  N");
    assert!(s.contents().contains("NOT SAVED"), "{}", s.contents());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the old file is intact"
    );
    assert_eq!(
        files_in(tmp.path()),
        [".a.toml.lock", "a.toml"],
        "no temporary file left behind"
    );
    // Room again: the retry (every 2 s) gets through without a keystroke.
    let pid = s.child.process_id().unwrap().to_string();
    let ok = std::process::Command::new("prlimit")
        .args(["--pid", &pid, "--fsize=unlimited"])
        .status()
        .unwrap();
    assert!(ok.success());
    s.wait_for("saved ");
    let r = store::open(&file).unwrap().record;
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::N));
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
}

/// The terminal closing under the program (the SSH connection or the window going away):
/// here the whole tmux server is killed, which closes the pty.
#[test]
fn the_terminal_going_away_ends_the_interview() {
    if !common::tools(&["tmux"], "apt-get install tmux") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let cmd = format!(
        "cd '{}' && exec '{bin}' interview a.toml",
        tmp.path().display()
    );
    let tmux = common::Tmux::start(tmp.path().join("tmux.sock"), &cmd);
    tmux.wait_for("1 of 25");
    let pid = tmux.pane_pid();
    tmux.keys(&["t"], "Esc when done");
    tmux.text("typed before the line dropped");
    tmux.run(&["kill-server"]);
    let start = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z")
    {
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "still running after the terminal went away"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    let r = store::open(&tmp.path().join("a.toml")).unwrap().record;
    assert_eq!(
        r.answer("7.2.a").unwrap().notes,
        "typed before the line dropped"
    );
}

#[test]
fn a_second_editor_is_refused_read_only_works_and_a_crash_frees_the_file() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut first = Session::start(tmp.path(), &["interview", "a.toml"]);
    first.wait_for("1 of 25");
    let pid = first.child.process_id().unwrap();

    // A scripted change and a second interview are refused, naming the holder.
    let out = vse(tmp.path(), &["answer", "a.toml", "7.2.a", "--rating", "F"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("a.toml is open for editing elsewhere"),
        "{err}"
    );
    assert!(err.contains(&format!("process {pid}, since ")), "{err}");
    assert!(err.contains("host "), "{err}");
    let out = vse(tmp.path(), &["interview", "a.toml"]);
    assert_eq!(out.status.code(), Some(3));

    // Read-only: everything can be seen, nothing changed.
    let mut viewer = Session::start(tmp.path(), &["interview", "--read-only", "a.toml"]);
    viewer.wait_for("READ-ONLY");
    viewer.keys("f", "read-only: nothing can be changed here");
    assert!(
        viewer.contents().contains(" 7.2.a  ·"),
        "{}",
        viewer.contents()
    );
    viewer.keys("t", "read-only");
    viewer.keys("q", "");
    viewer.wait_exit(Duration::from_secs(5));

    // The holder crashes: its lock goes with it.
    first.keys("p", " 7.2.a  P");
    first.signal("-9");
    first.wait_exit(Duration::from_secs(2));
    let out = vse(tmp.path(), &["answer", "a.toml", "7.2.b", "--rating", "L"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = store::open(&tmp.path().join("a.toml")).unwrap().record;
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::P));
    assert_eq!(r.answer("7.2.b").unwrap().rating, Some(Judgement::L));
}

/// Someone else rewrites the record while it is open (a git pull, an editor).
fn change_behind_its_back(file: &Path) {
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(
        file,
        text.replace("vse = \"Acme Soft\"", "vse = \"Acme Soft (pulled)\""),
    )
    .unwrap();
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten() {
    // Keep mine: the answers go to a new file, theirs stays.
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    change_behind_its_back(&file);
    let theirs = std::fs::read(&file).unwrap();
    s.keys("f", "File changed on disk");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        theirs,
        "their version is untouched"
    );
    s.keys("k", "your answers are in a.mine.toml");
    s.keys(ENTER, "2 of 25");
    s.keys("l", " 7.2.b  L");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    assert_eq!(std::fs::read(&file).unwrap(), theirs);
    let mine = store::open(&tmp.path().join("a.mine.toml")).unwrap().record;
    assert_eq!(mine.answer("7.2.a").unwrap().rating, Some(Judgement::F));
    assert_eq!(mine.answer("7.2.b").unwrap().rating, Some(Judgement::L));

    // Reload: their version replaces what was on screen.
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    change_behind_its_back(&file);
    s.keys("f", "File changed on disk");
    s.keys("r", "reloaded the version on disk");
    s.keys("l", "saved ");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    let r = store::open(&file).unwrap().record;
    assert_eq!(r.assessment.vse, "Acme Soft (pulled)");
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::L));

    // Quitting with the conflict open keeps the answers too.
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    change_behind_its_back(&tmp.path().join("a.toml"));
    s.keys("n", "File changed on disk");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    let mine = store::open(&tmp.path().join("a.mine.toml")).unwrap().record;
    assert_eq!(mine.answer("7.2.a").unwrap().rating, Some(Judgement::N));
}
