//! The real binary in a pseudo-terminal, driven by keystrokes as a person would type them;
//! the screen is read back through a terminal emulator (vt100).

use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common;

use common::{Pty, new_record, vse};
use portable_pty::CommandBuilder;
use tempfile::TempDir;
use vse_assess::rating::Judgement;

/// The interview in a pseudo-terminal ([`Pty`]), with what these tests do to it.
struct Session {
    pty: Pty,
}

impl Session {
    fn start(dir: &Path, args: &[&str]) -> Session {
        Session::start_with(dir, args, &[])
    }

    /// With extra environment variables.
    fn start_with(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Session {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vse-assess"));
        cmd.args(args);
        cmd.env("VSE_ASSESS_TODAY", common::TODAY);
        for (k, v) in env {
            cmd.env(k, v);
        }
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
        cmd.env("TERM", "xterm-256color");
        Session {
            pty: Pty::spawn(dir, cmd),
        }
    }

    fn send(&mut self, bytes: &str) {
        self.pty.send(bytes);
    }

    fn contents(&self) -> String {
        self.pty.screen()
    }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    fn wait_for(&self, text: &str) {
        self.pty.wait_for(text);
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
            if self.pty.child.try_wait().unwrap().is_some() {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.pty.child.kill();
        panic!("still running after {limit:?}:\n{}", self.contents());
    }

    fn signal(&self, sig: &str) {
        let pid = self.pty.child.process_id().unwrap().to_string();
        kill(sig, &pid);
    }
}

fn kill(sig: &str, pid: &str) {
    let ok = std::process::Command::new("kill")
        .args([sig, pid])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// The process holding a record's edit lock, as its lock file names it.
fn holder(dir: &Path, record: &str) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(dir.join(format!(".{record}.lock"))).unwrap_or_default();
        if let Some(pid) = text
            .split(", ")
            .find_map(|part| part.strip_prefix("process "))
        {
            return pid.to_string();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no holder: {text:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
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
    // A name that is not there may be a typo: asked first, and no is no file.
    let mut typo = Session::start(tmp.path(), &["interview", "xx.toml"]);
    typo.wait_for("xx.toml does not exist. Start a new assessment in it? [y/N]");
    typo.send("n\r");
    typo.wait_for("xx.toml: no such record; nothing was created");
    typo.wait_exit(Duration::from_secs(5));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    let mut s = Session::start(tmp.path(), &["interview", "x.toml"]);
    s.keys("y\r", "Assessment details");
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

    let r = common::record(&tmp.path().join("x.toml"));
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
    assert!(!s.pty.alternate_screen());
}

#[test]
fn kill_9_a_second_after_typing_loses_nothing() {
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
    // Once the notes are on disk (within a second of the typing pausing: see
    // `notes_are_saved_after_a_pause_and_never_later_than_the_most_unsaved` in
    // src/tui/loop_tests.rs for the timing), a `kill -9` loses nothing.
    let file = tmp.path().join("a.toml");
    let start = Instant::now();
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.contains("half-typed notes")) {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the notes never reached the file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    s.signal("-9");
    s.wait_exit(Duration::from_secs(2));
    let r = common::record(&tmp.path().join("a.toml"));
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
fn sigterm_and_sighup_save_and_exit_promptly() {
    for sig in ["-TERM", "-HUP"] {
        let tmp = TempDir::new().unwrap();
        new_record(tmp.path(), "a.toml");
        let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
        s.wait_for("1 of 25");
        s.keys("f", " 7.2.a  F");
        s.signal(sig);
        // Under a second when alone; generous here, as the rest of the suite runs alongside.
        let took = s.wait_exit(Duration::from_secs(10));
        assert!(took < Duration::from_secs(5), "{sig}: {took:?}");
        // 128 + the signal: a script can tell an interview ended by a signal from a quit.
        let status = s.pty.child.try_wait().unwrap().expect("ended");
        let want = if sig == "-TERM" { 143 } else { 129 };
        assert_eq!(status.exit_code(), want, "{sig}: {status:?}");
        let r = common::record(&tmp.path().join("a.toml"));
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
    std::fs::copy(common::AUDIT, &file).unwrap();
    let before = std::fs::read(&file).unwrap();
    // A file-size limit of 1 KiB: the record (about 10 KB) cannot be written, as on a full
    // disk. The shell leaves SIGXFSZ as it is: the program itself must not die of it.
    let mut s = Session::shell(tmp.path(), "ulimit -S -f 1; exec \"$BIN\" interview a.toml");
    s.wait_for("1 of 25");
    s.keys("u", "NOT SAVED");
    s.keys("n", " 7.2.a  N");
    assert!(s.contents().contains("NOT SAVED"), "{}", s.contents());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the old file is intact"
    );
    // The failed save of the `n` may still be clearing up its temporary file.
    let start = Instant::now();
    while files_in(tmp.path()) != [".a.toml.lock", "a.toml"] {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "a temporary file left behind: {:?}",
            files_in(tmp.path())
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // A failed save waits for the retry: it does not spin.
    let pid = s.pty.child.process_id().unwrap().to_string();
    let cpu = || {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let fields: Vec<u64> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse().unwrap())
            .collect();
        fields.iter().sum::<u64>()
    };
    let before_ticks = cpu();
    std::thread::sleep(Duration::from_secs(1));
    let spent = cpu() - before_ticks;
    assert!(spent < 20, "{spent} CPU ticks in a second of failing saves");
    // Room again: the retry (every 2 s) gets through without a keystroke.
    let ok = std::process::Command::new("prlimit")
        .args(["--pid", &pid, "--fsize=unlimited"])
        .status()
        .unwrap();
    assert!(ok.success());
    s.wait_for("saved ");
    let r = common::record(&file);
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::N));
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z"))
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
    while alive(pid) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "still running after the terminal went away"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let r = common::record(&tmp.path().join("a.toml"));
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
    let pid = first.pty.child.process_id().unwrap();

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
    // A message only `t` causes (moving on first clears the one above).
    viewer.keys(ENTER, "2 of 25");
    assert!(
        !viewer.contents().contains("read-only:"),
        "{}",
        viewer.contents()
    );
    viewer.keys("t", "read-only: nothing can be changed here");
    viewer.keys("q", "");
    viewer.wait_exit(Duration::from_secs(5));

    // The holder crashes (once the rating is on disk): its lock goes with it.
    first.keys("p", " 7.2.a  P");
    first.wait_for("saved ");
    first.signal("-9");
    first.wait_exit(Duration::from_secs(2));
    let out = vse(tmp.path(), &["answer", "a.toml", "7.2.b", "--rating", "L"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = common::record(&tmp.path().join("a.toml"));
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

/// (What the dialog does once it takes keys, and going back to their version with `reload`,
/// are tested in process, where the clock is the test's: src/tui/loop_tests.rs.)
#[test]
fn a_file_changed_on_disk_is_never_overwritten_and_no_key_drops_an_answer() {
    // Typing notes when the file changes underneath: the answers go to a.mine.toml at once,
    // the typing goes on into the notes, and the `r` of "process" reloads nothing.
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    s.keys("f", " 7.2.a  F");
    s.keys("t", "Esc when done");
    s.keys("the ", "the ");
    change_behind_its_back(&file);
    let theirs = std::fs::read(&file).unwrap();
    s.keys("p", "File changed on disk");
    // Typed in the moment after the dialog showed: into the notes; then Ctrl+C quits (it
    // quits from the notes as from the dialog).
    s.send("rocess\x03");
    s.wait_exit(Duration::from_secs(5));
    s.wait_for("your answers are in");
    assert!(s.contents().contains("a.mine.toml"), "{}", s.contents());
    assert_eq!(std::fs::read(&file).unwrap(), theirs, "theirs is untouched");
    let mine = common::record(&tmp.path().join("a.mine.toml"));
    let a = mine.answer("7.2.a").unwrap();
    assert_eq!(
        (a.rating, a.notes.as_str()),
        (Some(Judgement::F), "the process")
    );

    // Quitting with the dialog open keeps the answers too.
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    change_behind_its_back(&tmp.path().join("a.toml"));
    s.keys("n", "File changed on disk");
    s.send("\x03");
    s.wait_exit(Duration::from_secs(5));
    // Said on the way out, so that nobody looks for the answers in a.toml.
    s.wait_for("your answers are in");
    assert!(s.contents().contains("a.mine.toml"), "{}", s.contents());
    let mine = common::record(&tmp.path().join("a.mine.toml"));
    assert_eq!(mine.answer("7.2.a").unwrap().rating, Some(Judgement::N));
}

/// Writing `a.mine.toml` after a conflict takes its time (a slow disk; here strace holds the
/// rename that makes the file for 4 seconds): meanwhile the interview says the file changed,
/// typing goes on and is echoed, and keys typed before the dialog showed go where they were
/// typed, not into the dialog.
#[test]
fn typing_goes_on_while_the_copy_of_the_answers_is_written() {
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    let mut s = Session::shell(
        tmp.path(),
        "exec strace -f -o /dev/null -P a.mine.toml -e inject=renameat2,link,linkat:delay_enter=4000000 \"$BIN\" interview a.toml",
    );
    s.wait_for("1 of 25");
    change_behind_its_back(&file);
    let theirs = std::fs::read(&file).unwrap();
    // The rating's save finds the change: the copy is being written.
    s.keys("f", "CHANGED ON DISK");
    s.keys("t", "Esc when done");
    s.keys("typed meanwhile", "typed meanwhile");
    s.wait_for("File changed on disk");
    s.send("\x03");
    s.wait_exit(Duration::from_secs(10));
    assert_eq!(std::fs::read(&file).unwrap(), theirs, "theirs is untouched");
    let mine = common::record(&tmp.path().join("a.mine.toml"));
    let a = mine.answer("7.2.a").unwrap();
    assert_eq!(
        (a.rating, a.notes.as_str()),
        (Some(Judgement::F), "typed meanwhile")
    );
}

/// The record is moved away during the interview (`mv a.toml b.toml`): it is not made again
/// where it was; like a changed one, the answers go to `a.mine.toml` and the dialog says so.
#[test]
fn a_record_moved_away_is_not_made_again() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    let moved = tmp.path().join("b.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    std::fs::rename(&file, &moved).unwrap();
    let before = std::fs::read(&moved).unwrap();
    s.keys("f", "a.toml is gone");
    assert!(s.contents().contains("a.mine.toml"), "{}", s.contents());
    // Nothing to reload: the footer does not offer it.
    assert!(!s.contents().contains("reload"), "{}", s.contents());
    assert!(!file.exists(), "a.toml was made again");
    s.send("\x03");
    s.wait_exit(Duration::from_secs(5));
    s.wait_for("a.toml was moved away or deleted during the interview; your answers are in");
    assert!(!file.exists(), "a.toml was made again");
    assert_eq!(
        std::fs::read(&moved).unwrap(),
        before,
        "the moved file is untouched"
    );
    let mine = common::record(&tmp.path().join("a.mine.toml"));
    assert_eq!(mine.answer("7.2.a").unwrap().rating, Some(Judgement::F));
}

/// Under a file-size limit every save fails; on the way out the soft limit is raised so that
/// a copy can be written, and with a hard limit too the record is shown on the terminal.
#[test]
fn answers_under_a_file_size_limit_are_not_lost_on_quit() {
    for (limit, copied) in [("ulimit -S -f 1", true), ("ulimit -f 1", false)] {
        let tmp = TempDir::new().unwrap();
        let home = TempDir::new().unwrap();
        std::fs::copy(common::AUDIT, tmp.path().join("a.toml")).unwrap();
        let mut s = Session::shell(
            tmp.path(),
            &format!(
                "HOME='{}'; {limit}; \"$BIN\" interview a.toml; echo EXIT $?",
                home.path().display()
            ),
        );
        s.wait_for("1 of 25");
        s.keys("u", "NOT SAVED");
        s.keys("q", "Quit? The last changes are not saved");
        s.send("y");
        s.wait_for("EXIT ");
        let screen = s.contents();
        assert!(
            screen.contains("EXIT 1"),
            "{limit}: the answers are not in the record: {screen}"
        );
        if copied {
            let r = common::record(&tmp.path().join("a.unsaved.toml"));
            assert_eq!(r.answer("7.2.a").and_then(|a| a.rating), None, "{limit}");
        } else {
            // The record itself, printed (its last lines, the last evidence item, are still
            // on screen).
            let last = common::record(&tmp.path().join("a.toml"))
                .evidence
                .pop()
                .unwrap();
            assert!(
                screen.contains(&format!("id = \"{}\"", last.id)),
                "{limit}: {screen}"
            );
            assert!(!tmp.path().join("a.unsaved.toml").exists());
        }
        s.wait_exit(Duration::from_secs(5));
    }
}

/// The record's folder disappears under the interview (or the disk fills, or it becomes
/// read-only): nothing typed may be lost, whether the user quits or the line drops.
#[test]
fn answers_the_disk_refuses_are_kept_elsewhere_on_quit_and_on_hang_up() {
    for how in ["quit", "hang-up"] {
        let tmp = TempDir::new().unwrap();
        let home = TempDir::new().unwrap();
        let dir = tmp.path().join("audit");
        std::fs::create_dir(&dir).unwrap();
        new_record(&dir, "a.toml");
        let mut s = Session::start_with(&dir, &["interview", "a.toml"], &[("HOME", home.path())]);
        s.wait_for("1 of 25");
        std::fs::remove_dir_all(&dir).unwrap();
        s.keys("p", "NOT SAVED");
        s.keys("t", "Esc when done");
        s.keys("seen the plan", "seen the plan");
        if how == "quit" {
            s.keys(ESC, "Notes (t to edit)");
            s.keys("q", "not saved");
            s.keys("n", " 7.2.a  P");
            s.keys("q", "Quit? The last changes are not saved");
            s.send("y");
        } else {
            s.signal("-HUP");
        }
        s.wait_exit(Duration::from_secs(10));
        let copy = home.path().join("a.unsaved.toml");
        s.wait_for("your answers are in");
        assert!(
            s.contents().contains("a.unsaved.toml"),
            "{how}: {}",
            s.contents()
        );
        let r = common::record(&copy);
        let a = r.answer("7.2.a").unwrap();
        assert_eq!(
            (a.rating, a.notes.as_str()),
            (Some(Judgement::P), "seen the plan"),
            "{how}"
        );
    }
}

/// The record's folder is deleted while a finding is being written: the quit prompt does not
/// promise to offer it back with the record, but says where it will really go, and it goes
/// there.
#[test]
fn the_quit_prompt_says_where_a_draft_really_goes() {
    let tmp = TempDir::new().unwrap();
    let home = TempDir::new().unwrap();
    let dir = tmp.path().join("audit");
    std::fs::create_dir(&dir).unwrap();
    new_record(&dir, "a.toml");
    let mut s = Session::start_with(&dir, &["interview", "a.toml"], &[("HOME", home.path())]);
    s.wait_for("1 of 25");
    s.keys("m", "▸ Finding");
    s.keys("No review of the plan", "No review of the plan");
    std::fs::remove_dir_all(&dir).unwrap();
    s.keys("\x03", "Quit?");
    // The prompt's words, across the lines of its box (60 columns, centred at 80).
    let inside: Vec<String> = s
        .contents()
        .lines()
        .map(|row| row.chars().skip(11).take(58).collect())
        .collect();
    let prompt = inside
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        prompt.contains("cannot be kept beside the record")
            && prompt.contains("your home folder or in the temporary folder"),
        "{prompt}"
    );
    assert!(!prompt.contains("offered back"), "{prompt}");
    s.send("y");
    s.wait_exit(Duration::from_secs(10));
    let draft = home.path().join("a.toml.draft.toml");
    s.wait_for("is kept in");
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.contains("No review of the plan"), "{text}");
}

/// Ctrl+C is copy in a GUI: inside a form it asks, and a form being written survives the
/// end of the interview (here a hang-up) to be offered back next time.
#[test]
fn a_finding_being_typed_survives_ctrl_c_and_a_hang_up() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    // The form opens on the text.
    s.keys("m", "▸ Finding");
    s.keys("No review of the plan", "No review of the plan");
    s.keys("\x03", "Quit? The finding you are writing is kept");
    s.keys("n", "▸ Finding");
    s.keys(" since 2024", "since 2024");
    s.signal("-HUP");
    s.wait_exit(Duration::from_secs(10));
    assert!(tmp.path().join(".a.toml.draft").exists());

    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("your unfinished finding from last time");
    assert!(
        s.contents().contains("No review of the plan since 2024"),
        "{}",
        s.contents()
    );
    // A minor nonconformity, open: `+` in the side list.
    s.keys(ENTER, " 7.2.a  · +");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    let r = common::record(&tmp.path().join("a.toml"));
    let f = r.findings_for("7.2.a").next().unwrap();
    assert_eq!(f.text, "No review of the plan since 2024");
    assert!(
        !tmp.path().join(".a.toml.draft").exists(),
        "the draft is used up"
    );
}

/// `setsid` leaves the interview without a controlling terminal, so no SIGHUP comes when
/// the terminal closes: it must still notice, save and exit rather than spin.
#[test]
fn a_terminal_gone_without_sighup_ends_the_interview() {
    if !common::tools(&["tmux", "setsid"], "apt-get install tmux util-linux") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let cmd = format!(
        "cd '{}' && setsid -w '{bin}' interview a.toml",
        tmp.path().display()
    );
    let tmux = common::Tmux::start(tmp.path().join("tmux.sock"), &cmd);
    tmux.wait_for("1 of 25");
    let pid: u32 = holder(tmp.path(), "a.toml").parse().unwrap();
    tmux.keys(&["t"], "Esc when done");
    tmux.text("typed with no SIGHUP to come");
    tmux.run(&["kill-server"]);
    let start = Instant::now();
    while alive(pid) {
        if start.elapsed() > Duration::from_secs(5) {
            kill("-9", &pid.to_string());
            panic!("still running (spinning?) after the terminal went away");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let r = common::record(&tmp.path().join("a.toml"));
    assert_eq!(
        r.answer("7.2.a").unwrap().notes,
        "typed with no SIGHUP to come"
    );
    assert!(
        vse(tmp.path(), &["answer", "a.toml", "7.2.b", "--rating", "F"])
            .status
            .success(),
        "the lock was released"
    );
}

/// Ctrl+Z and `kill -TSTP` under a job-control shell: the terminal is given back, and after
/// `fg` the interview works again (raw keys, not lines).
#[test]
fn suspend_and_fg_give_the_terminal_back_and_take_it_again() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::shell(tmp.path(), "exec bash --norc --noprofile -i");
    s.send("PS1='$ '; \"$BIN\" interview a.toml\r");
    s.wait_for("1 of 25");
    s.send("\x1a");
    s.wait_for("Stopped");
    assert!(!s.pty.alternate_screen());
    s.send("fg\r");
    s.wait_for("1 of 25");
    // Raw mode again: one key acts at once, no Enter needed.
    s.keys("f", " 7.2.a  F");

    let pid = holder(tmp.path(), "a.toml");
    kill("-TSTP", &pid);
    s.wait_for("Stopped");
    assert!(!s.pty.alternate_screen());
    s.send("fg\r");
    s.wait_for(" 7.2.a  F");

    // SIGSTOP cannot be caught: the shell puts its own terminal settings back while the
    // interview is stopped, and after `fg` the interview must set raw mode up again.
    kill("-STOP", &pid);
    s.wait_for("Stopped");
    s.send("fg\r");
    s.wait_for(" 7.2.a  F");
    s.keys("p", " 7.2.a  P");
    s.keys(ENTER, "2 of 25");
    s.keys("l", " 7.2.b  L");
    s.keys("q", "$ ");
    s.send("exit\r");
    s.wait_exit(Duration::from_secs(5));
    let r = common::record(&tmp.path().join("a.toml"));
    assert_eq!(r.answer("7.2.b").unwrap().rating, Some(Judgement::L));
}

/// Hashing a large evidence file runs beside the interview: typing goes on, and quitting
/// does not wait for it.
#[test]
fn hashing_evidence_never_holds_up_the_interview() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    // Sparse: takes no disk, but tens of seconds to hash.
    let big = std::fs::File::create(tmp.path().join("big.bin")).unwrap();
    big.set_len(1 << 31).unwrap();
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    s.keys("v", "Evidence register");
    s.keys("a", "New evidence");
    for (text, next) in [
        ("VID", "▸ Title"),
        ("Recording", "▸ Kind"),
        ("", "▸ Location"),
    ] {
        s.send(text);
        s.keys(ENTER, next);
    }
    s.keys("big.bin", "big.bin");
    s.keys(ENTER, "▸ A file?");
    s.keys(ENTER, "▸ Version");
    s.send(ENTER);
    s.wait_for("VID");
    s.keys(ESC, "1 of 25");
    s.keys("f", " 7.2.a  F");
    let start = Instant::now();
    s.send("q");
    s.wait_exit(Duration::from_secs(20));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let r = common::record(&tmp.path().join("a.toml"));
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::F));
    assert!(r.evidence_item("VID").is_some());
}

/// The read-only view never creates a file, and shows what the editor saved.
#[test]
fn read_only_never_creates_and_follows_the_editor() {
    let tmp = TempDir::new().unwrap();
    let out = vse(tmp.path(), &["interview", "--read-only", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing.toml: no such file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!tmp.path().join("missing.toml").exists());

    new_record(tmp.path(), "a.toml");
    let mut viewer = Session::start(tmp.path(), &["interview", "--read-only", "a.toml"]);
    viewer.wait_for("READ-ONLY");
    let out = vse(tmp.path(), &["answer", "a.toml", "7.2.a", "--rating", "L"]);
    assert!(out.status.success());
    viewer.keys("r", " 7.2.a  L");
    let out = vse(tmp.path(), &["answer", "a.toml", "7.2.b", "--rating", "P"]);
    assert!(out.status.success());
    // Any key will do: the file is read again when it changed.
    viewer.keys(ENTER, " 7.2.b  P");
    viewer.keys("q", "");
    viewer.wait_exit(Duration::from_secs(5));
}

/// Quitting the read-only view creates no file at all, not even one to find out whether
/// the folder takes one (inotify watches the folder).
#[test]
fn read_only_quits_without_creating_a_file() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut viewer = Session::start(tmp.path(), &["interview", "--read-only", "a.toml"]);
    viewer.wait_for("READ-ONLY");
    let watch = unsafe { libc::inotify_init1(libc::IN_NONBLOCK) };
    assert!(watch >= 0);
    let dir = std::ffi::CString::new(tmp.path().as_os_str().as_bytes()).unwrap();
    let added = unsafe {
        libc::inotify_add_watch(watch, dir.as_ptr(), libc::IN_CREATE | libc::IN_MOVED_TO)
    };
    assert!(added >= 0);
    viewer.keys("q", "");
    viewer.wait_exit(Duration::from_secs(5));
    let mut buf = [0u8; 4096];
    let n = unsafe { libc::read(watch, buf.as_mut_ptr().cast(), buf.len()) };
    unsafe { libc::close(watch) };
    assert!(
        n <= 0,
        "files were created: {:?}",
        String::from_utf8_lossy(&buf[..n.max(0) as usize])
    );
}

/// A final record opens saying what can still be recorded (its follow-up, b) and shows it
/// is final; what the audit found is refused whatever is typed, and the file is left
/// byte-identical when no follow-up was recorded.
#[test]
fn a_final_record_keeps_what_was_found_and_says_why() {
    let tmp = TempDir::new().unwrap();
    let file = common::signed_off_example(tmp.path());
    let before = std::fs::read(&file).unwrap();
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("This record is final (signed off by Claire Martin on 2026-11-20)");
    s.wait_for("follow-up view: b");
    s.wait_for("FINAL");
    s.send(ENTER);
    s.keys("n", "final (signed off): what the audit found");
    s.send("tHello");
    s.send("\x1b");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// Quitting says where the answers are and how to make the report from them.
#[test]
fn quitting_says_where_the_record_is_and_what_comes_next() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "my audit.toml");
    let mut s = Session::start(tmp.path(), &["interview", "my audit.toml"]);
    s.wait_for("1 of 25");
    s.send("q");
    s.wait_exit(Duration::from_secs(5));
    s.wait_for(
        "vse-assess: answers saved in my audit.toml; the report: vse-assess report 'my audit.toml' -o 'my audit.md'",
    );
}

/// Esc typed just before an arrow reaches us in the same read over a slow link
/// (`ESC ESC [ B`): the form closes and the arrow still moves, nothing is typed.
#[test]
fn esc_bunched_with_the_next_key_is_esc_then_that_key() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    s.keys("m", "new finding");
    s.keys("\x1b\x1b[B", "2 of 25");
    assert!(!s.contents().contains("new finding"), "{}", s.contents());
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
}

/// The terminal closed for good: the pseudo-terminal's master side is closed, so that every
/// later write to it fails (EIO). Restoring a terminal that is gone is no error: the
/// interview saves, lets go of the lock and exits with a status, not a crash (SIGABRT and a
/// core file when the panic hook wrote to the dead terminal).
#[test]
fn a_closed_terminal_ends_the_interview_cleanly() {
    use portable_pty::{PtySize, native_pty_system};
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_vse-assess"));
    cmd.args(["interview", "a.toml"]);
    cmd.env("TERM", "xterm-256color");
    cmd.cwd(tmp.path());
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let fd = pty.master.as_raw_fd().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    // Read on this thread only, so that closing the master leaves no copy of it open.
    let mut screen = vt100::Parser::new(
        std::num::NonZeroU16::new(24).unwrap(),
        std::num::NonZeroU16::new(80).unwrap(),
        0,
    );
    let mut wait_for = |text: &str| {
        let start = Instant::now();
        while !screen.screen().contents().contains(text) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "never showed {text:?}:\n{}",
                screen.screen().contents()
            );
            let mut p = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            if unsafe { libc::poll(&mut p, 1, 20) } == 1 {
                let mut buf = [0u8; 4096];
                let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n > 0 {
                    screen.process(&buf[..n as usize]);
                }
            }
        }
    };
    wait_for("1 of 25");
    let pid = holder(tmp.path(), "a.toml");
    writer.write_all(b"t").unwrap();
    wait_for("Esc when done");
    writer
        .write_all(b"typed before the terminal closed")
        .unwrap();
    wait_for("terminal closed");
    drop(writer);
    drop(pty.master);

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("still running after the terminal closed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.signal(), None, "killed by a signal: {status:?}");
    assert!(
        [1, 129].contains(&status.exit_code()),
        "exit status {status:?}"
    );
    let lock = std::fs::read_to_string(tmp.path().join(".a.toml.lock")).unwrap_or_default();
    assert!(
        !lock.contains(&format!("process {pid}")),
        "the lock file still names the holder: {lock:?}"
    );
    let r = common::record(&tmp.path().join("a.toml"));
    // portable-pty's writer sends a line feed and an end-of-file (Ctrl+D) as it is dropped:
    // the interview may read them before it sees the hang-up. The line feed is a new line,
    // and what was typed is all there.
    let notes = &r.answer("7.2.a").unwrap().notes;
    assert!(
        [
            "typed before the terminal closed",
            "typed before the terminal closed\n"
        ]
        .contains(&notes.as_str()),
        "{notes:?}"
    );
}

/// The follow-up of a signed-off record, in the real binary in tmux: an action added to
/// NC-2 and done, its other actions done, NC-2 verified effective with a note and evidence.
/// The file then holds them, the verification marked as follow-up, and the ratings as they
/// were signed off.
#[test]
fn the_follow_up_of_a_final_record_is_recorded_in_the_interview() {
    if !common::tools(&["tmux"], "apt-get install tmux") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = common::signed_off_example(tmp.path());
    let before = common::record(&file);
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let cmd = format!(
        "cd '{}' && VSE_ASSESS_TODAY={} exec '{bin}' interview a.toml",
        tmp.path().display(),
        common::TODAY
    );
    let tmux = common::Tmux::start(tmp.path().join("tmux.sock"), &cmd);
    tmux.wait_for("This record is final");
    tmux.keys(&["Enter"], "FINAL");
    tmux.keys(&["b"], "Follow-up · 7 nonconformities, 0 closed");
    // NC-1, A-1, NC-5, A-6, then NC-2.
    tmux.run(&["send-keys", "Down", "Down", "Down", "Down"]);
    tmux.keys(&["a"], "NC-2 · 7.2.g: new action");
    tmux.text("Hold the risk review each quarter");
    tmux.keys(&["Enter"], "Owner");
    tmux.text("Ines Duarte");
    tmux.run(&["send-keys", "Enter"]);
    tmux.text("2027-03-31");
    tmux.keys(&["Enter", "Enter", "Enter"], "A-9 planned for NC-2");
    tmux.keys(&["Space"], "A-9 done on 2026-11-30");
    tmux.keys(&["Up", "Space"], "A-3 done on 2026-11-30");
    tmux.keys(
        &["Up", "Space"],
        "A-2 done on 2026-11-30; NC-2 is actions closed",
    );
    tmux.keys(&["e"], "NC-2 · 7.2.g: verify its actions");
    tmux.run(&["send-keys", "Enter", "Enter", "Enter"]);
    tmux.text("Plan reviewed in October, risk register in use");
    tmux.run(&["send-keys", "Enter"]);
    tmux.text("RR");
    tmux.keys(&["Enter"], "NC-2 verified effective");
    tmux.keys(&["q"], "");
    // The interview lets go of its lock once the record is written and it has ended.
    let start = Instant::now();
    while tmp.path().join(".a.toml.lock").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let after = common::record(&file);
    let f = after.finding("NC-2").unwrap();
    let added = f
        .actions
        .iter()
        .find(|a| a.what == "Hold the risk review each quarter")
        .expect("the action added");
    assert_eq!(added.owner, "Ines Duarte");
    assert_eq!(added.due.as_deref(), Some("2027-03-31"));
    assert_eq!(added.completed.as_deref(), Some(common::TODAY));
    for a in &f.actions {
        assert_eq!(
            a.status,
            vse_assess::record::ActionStatus::Closed,
            "{}",
            a.id
        );
    }
    let v = f.verification().expect("verified");
    assert!(v.follow_up && v.effective, "{v:?}");
    assert_eq!(v.by, "Claire Martin");
    assert_eq!(v.date, common::TODAY);
    assert_eq!(v.note, "Plan reviewed in October, risk register in use");
    assert_eq!(v.evidence, ["RR"]);
    assert_eq!(f.state(), vse_assess::record::FindingState::Closed);
    // What was found and signed off is as it was.
    assert_eq!(after.assessment.sign_off(), before.assessment.sign_off());
    let ratings = |r: &vse_assess::record::Record| -> Vec<(String, Option<Judgement>)> {
        r.requirements
            .iter()
            .map(|(id, a)| (id.clone(), a.rating))
            .collect()
    };
    assert_eq!(ratings(&after), ratings(&before));
    assert_eq!(f.text, before.finding("NC-2").unwrap().text);
}

/// The whole end of an audit without leaving the interview: `:finalize` asks, then signs off;
/// `:report --sign` writes the report and its signature; the command line then finds the
/// record final and `ssh-keygen -Y verify` accepts the signature.
#[test]
fn a_signed_report_is_written_from_the_interview() {
    if !common::tools(&["ssh-keygen"], "apt-get install openssh-client") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    std::fs::copy(common::AUDIT, dir.join("a.toml")).unwrap();
    common::complete_audit_details(dir, "a.toml");
    let made = std::process::Command::new("ssh-keygen")
        .current_dir(dir)
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "claire@auditors.example",
        ])
        .args(["-f", "claire"])
        .status()
        .unwrap();
    assert!(made.success());
    let mut s = Session::start(dir, &["interview", "a.toml"]);
    s.wait_for("a.toml");
    s.keys(":", "Commands");
    s.keys("fina\t", ":finalize ");
    s.keys(
        "--by 'Claire Martin'\r",
        "Sign off as Claire Martin on 2026-11-30?",
    );
    s.keys("y", "signed off");
    s.wait_for("FINAL");
    s.keys(
        ":report -o report.md --sign claire\r",
        "Report written and signed",
    );
    s.send(ESC);
    s.send("q");
    s.wait_exit(Duration::from_secs(10));
    let status = common::ok(dir, &["status", "a.toml"]);
    assert!(status.contains("final"), "{status}");
    let public = std::fs::read_to_string(dir.join("claire.pub")).unwrap();
    let key: Vec<&str> = public.split_whitespace().take(2).collect();
    std::fs::write(
        dir.join("allowed_signers"),
        format!("claire@auditors.example {}\n", key.join(" ")),
    )
    .unwrap();
    let verified = std::process::Command::new("ssh-keygen")
        .current_dir(dir)
        .args([
            "-Y",
            "verify",
            "-f",
            "allowed_signers",
            "-I",
            "claire@auditors.example",
        ])
        .args(["-n", "vse-assess", "-s", "report.md.sig"])
        .stdin(std::fs::File::open(dir.join("report.md")).unwrap())
        .output()
        .unwrap();
    assert!(verified.status.success(), "{verified:?}");
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("Claire Martin"), "{report}");
}

/// `z` undoes a rating and Ctrl+R redoes it, through the real loop: the file on disk holds
/// what the screen shows.
#[test]
fn undo_and_redo_land_in_the_file() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    s.keys("l", "7.2.a rated L   z undoes");
    s.keys("p", "7.2.a rated P   z undoes");
    s.keys("z", "undone: 7.2.a L -> P   Ctrl+R redoes");
    s.keys("z", "undone: 7.2.a unrated -> L   Ctrl+R redoes");
    s.keys("z", "nothing to undo: no change made in this session");
    s.keys("\x12", "redone: 7.2.a unrated -> L   z undoes");
    s.keys("x", "not applicable: why?");
    s.keys("q", "q");
    s.keys(ESC, " 7.2.a  L");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    let r = common::record(&tmp.path().join("a.toml"));
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::L));
}

/// Search through a real terminal: `/` then text is never a command (`/ppm.c` rates
/// nothing), Enter shows the matches, `n` moves to the next instead of rating N, and the
/// file never changes.
#[test]
fn a_search_in_the_terminal_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let path = tmp.path().join("a.toml");
    let before = std::fs::read(&path).unwrap();
    let mut s = Session::start(tmp.path(), &["interview", "a.toml"]);
    s.wait_for("1 of 25");
    s.keys("/ppm.c", "/ppm.c");
    s.keys("\r", "nothing on the question screen holds");
    s.keys("\x1b", "");
    s.keys("/7.5.C", "/7.5.C");
    s.keys("\r", "match 1 of");
    assert!(s.contents().contains("7.5.c"), "{}", s.contents());
    s.keys("n", "match 1 of");
    s.keys("\x1b", "");
    s.keys("q", "");
    s.wait_exit(Duration::from_secs(5));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
