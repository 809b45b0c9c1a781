//! The plain line-by-line interview: through a pipe, and in a terminal with `TERM=dumb`, as a
//! screen reader user would run it. Not one escape sequence may be written.

use crate::common;

use std::fs;
use std::path::Path;

use common::{Pty, new_record, signed_off_example};
use tempfile::TempDir;
use vse_assess::rating::Judgement;

fn rating(dir: &Path, id: &str) -> Option<Judgement> {
    let opened = common::opened(&dir.join("a.toml"));
    opened.record.answer(id).and_then(|a| a.rating)
}

#[test]
fn through_a_pipe_it_rates_notes_and_skips() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "a.toml"])
        .write_stdin("l\nna\n\nna\nThe parent company does it\n\nnote\nPlan seen\nzz\nq\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'), "{text:?}");
    for line in [
        "Requirement 1 of 25: 7.2.a (OM 7.2 Organizational management)",
        "Question: ",
        "Now: not yet rated.",
        "7.2.a rated L (Largely achieved).",
        "Not applicable needs a reason; nothing changed.",
        "7.2.b rated not applicable.",
        // Every requirement is mandatory: N/A is said to block the claim as it is entered.
        "Warning: N/A still blocks the claim: every requirement of the profile is mandatory.",
        "Note added to 7.2.d.",
        "Type n, p, l or f to rate",
        "2 of 25 requirements rated; saved in a.toml.",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    assert_eq!(rating(tmp.path(), "7.2.a"), Some(Judgement::L));
    assert_eq!(rating(tmp.path(), "7.2.b"), Some(Judgement::NA));
    assert_eq!(rating(tmp.path(), "7.2.c"), None);
    let opened = common::opened(&tmp.path().join("a.toml"));
    assert_eq!(opened.record.answer("7.2.d").unwrap().notes, "Plan seen");

    // Next time it starts at the first requirement not yet rated, and the end of input
    // ends it with everything kept.
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "a.toml"])
        .write_stdin("f\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Requirement 3 of 25: 7.2.c"), "{text}");
    assert_eq!(rating(tmp.path(), "7.2.c"), Some(Judgement::F));
}

/// `wnote` adds a working note: kept in `working_notes`, shown marked as never in the report,
/// and not added to the notes.
#[test]
fn wnote_adds_a_working_note() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "a.toml"])
        .write_stdin("wnote\n  WORKNOTE-7f3a Bob off sick  \nnote\nPlan seen\nq\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Working note added to 7.2.a."), "{text}");
    let a = common::opened(&tmp.path().join("a.toml"))
        .record
        .answer("7.2.a")
        .cloned()
        .unwrap();
    assert_eq!(a.working_notes, "WORKNOTE-7f3a Bob off sick");
    assert_eq!(a.notes, "Plan seen");
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "a.toml"])
        .write_stdin("q\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Working notes (never in the report): WORKNOTE-7f3a Bob off sick"),
        "{text}"
    );
}

#[test]
fn a_final_record_is_only_shown() {
    let tmp = TempDir::new().unwrap();
    let file = signed_off_example(tmp.path());
    let before = std::fs::read(&file).unwrap();
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "--plain", "a.toml"])
        // A rating, a note, N/A, a finding, interviewees, a detail, the sign-off.
        .write_stdin("n\nnote\nx\nm\nw\ni\n1\ns\n\nq\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Read-only: the record is final (signed off by Claire Martin on 2026-11-20)"),
        "{text}"
    );
    assert_eq!(
        text.matches("Read-only: nothing changed.").count(),
        6,
        "{text}"
    );
    assert!(text.contains("The record is final already"), "{text}");
    assert!(
        text.contains("25 of 25 requirements rated; a.toml unchanged."),
        "{text}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// In a real terminal that says it is dumb: the same line interview, a dialog asked field by
/// field, and the raw bytes hold no escape sequence at all.
#[test]
fn a_dumb_terminal_gets_plain_text_only() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Pty::start(
        tmp.path(),
        &["interview", "a.toml"],
        &[("TERM", "dumb")],
        &[],
    );
    s.wait_for("7.2.a> ");
    s.send("p\n");
    s.wait_for("7.2.a rated P");
    // A dialog, field by field, as typed in the terminal.
    s.wait_for("7.2.b> ");
    s.send("m\n");
    s.wait_for("Enter for minor: ");
    s.send("observation\n");
    s.wait_for("Finding text (one line), or cancel: ");
    s.send("Roles not written down\n");
    s.wait_for("Enter for none: ");
    s.send("\n");
    s.wait_for("Who was interviewed for it");
    s.send("\n");
    s.wait_for("OBS-1 recorded on 7.2.b: observation.");
    s.send("q\n");
    s.wait_for("1 of 25 requirements rated");
    s.wait_exit();
    let raw = s.bytes.lock().unwrap().clone();
    assert!(
        !raw.contains(&0x1b),
        "an escape sequence was written:\n{:?}",
        String::from_utf8_lossy(&raw)
    );
    assert_eq!(rating(tmp.path(), "7.2.a"), Some(Judgement::P));
    let record = common::record(&tmp.path().join("a.toml"));
    assert_eq!(record.findings[0].text, "Roles not written down");
}

/// The plain interview through a pipe, fed a line at a time: what it printed so far can be
/// waited for before the next line is written.
struct Piped {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    out: std::sync::Arc<std::sync::Mutex<String>>,
    reader: std::thread::JoinHandle<()>,
}

impl Piped {
    fn start(dir: &Path, args: &[&str]) -> Piped {
        let mut cmd = common::command(dir);
        cmd.args(args);
        Piped::spawn(cmd)
    }

    /// [`Piped::start`] as the account `uid` (no groups), with `home` as `$HOME`.
    fn start_as(dir: &Path, args: &[&str], uid: u32, home: &Path) -> Piped {
        use std::os::unix::process::CommandExt;
        let mut cmd = common::command(dir);
        cmd.args(args).env("HOME", home).uid(uid).gid(uid);
        unsafe {
            cmd.pre_exec(|| {
                libc::setgroups(0, std::ptr::null());
                Ok(())
            });
        }
        Piped::spawn(cmd)
    }

    fn spawn(mut cmd: std::process::Command) -> Piped {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().unwrap();
        let out = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let shared = out.clone();
        let reader = std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                shared
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Piped {
            child,
            stdin,
            out,
            reader,
        }
    }

    fn send(&mut self, line: &str) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(line.as_bytes()).unwrap();
        stdin.write_all(b"\n").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits until the output holds `text` `times` times (fails after 10 s).
    fn wait_for(&self, text: &str, times: usize) {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(10) {
            if self.out.lock().unwrap().matches(text).count() >= times {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("never printed {text:?}:\n{}", self.out.lock().unwrap());
    }

    /// Closes its input and waits for it to end; what it printed.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        // The reader ends at the end of the output.
        self.reader.join().unwrap();
        let text = self.out.lock().unwrap().clone();
        (status, text)
    }
}

/// Someone else changes the record between two answers: their version is kept, ours goes
/// to the first free `NAME.mine.toml` (one there already is left alone), said in words, and
/// the interview goes on there to the end.
#[test]
fn a_record_changed_on_disk_keeps_their_version_and_ours_goes_to_mine() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    fs::write(dir.join("a.mine.toml"), "someone's earlier copy\n").unwrap();
    let mut s = Piped::start(dir, &["interview", "--plain", "a.toml"]);
    s.wait_for("7.2.a> ", 1);
    s.send("l");
    s.wait_for("7.2.a rated L", 1);
    s.wait_for("7.2.b> ", 1);
    // Their edit, saved while the interview waits for the next answer.
    let theirs = fs::read_to_string(dir.join("a.toml"))
        .unwrap()
        .replace("vse = \"Acme Soft\"", "vse = \"Their Acme Soft Ltd\"");
    fs::write(dir.join("a.toml"), &theirs).unwrap();
    s.send("p");
    s.wait_for("7.2.b rated P", 1);
    s.send("f");
    s.wait_for("7.2.c rated F", 1);
    s.send("q");
    let (status, text) = s.finish();
    assert!(status.success(), "{text}");
    assert!(
        text.contains(
            "a.toml was changed by someone else; your answers are in a.mine-2.toml, and this interview goes on there."
        ),
        "{text}"
    );
    assert!(
        text.contains("3 of 25 requirements rated; saved in a.mine-2.toml."),
        "{text}"
    );
    // Theirs as they saved it; the copy there before untouched; ours whole in the new file.
    assert_eq!(fs::read_to_string(dir.join("a.toml")).unwrap(), theirs);
    assert_eq!(
        fs::read_to_string(dir.join("a.mine.toml")).unwrap(),
        "someone's earlier copy\n"
    );
    let mine = common::record(&dir.join("a.mine-2.toml"));
    let rated = |id: &str| mine.answer(id).and_then(|a| a.rating);
    assert_eq!(
        (rated("7.2.a"), rated("7.2.b"), rated("7.2.c")),
        (Some(Judgement::L), Some(Judgement::P), Some(Judgement::F))
    );
    assert_eq!(mine.assessment.vse, "Acme Soft");
}

/// A line longer than 64 KiB is refused and skipped without being kept, and input that
/// never has a line end (`cat /dev/zero`) ends the interview at its end, answers kept.
#[test]
fn an_overlong_line_is_refused_and_endless_input_ends_cleanly() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut input = "x".repeat(70_000).into_bytes();
    input.extend_from_slice(b"\nl\n");
    input.extend(std::iter::repeat_n(0u8, 10 * 1024 * 1024));
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "--plain", "a.toml"])
        .write_stdin(input)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text:.2000}");
    assert_eq!(
        text.matches("Line longer than 64 KiB ignored.").count(),
        2,
        "{text:.2000}"
    );
    assert!(text.contains("7.2.a rated L"), "{text:.2000}");
    assert!(
        text.contains("1 of 25 requirements rated; saved in a.toml."),
        "{text:.2000}"
    );
    assert!(text.len() < 10_000, "the long lines were echoed");
    assert_eq!(rating(tmp.path(), "7.2.a"), Some(Judgement::L));
}

/// A record made with other questionnaire text: said before the first question, as the
/// full-screen interview says it on every screen.
#[test]
fn a_changed_questionnaire_is_said() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    let text = fs::read_to_string(&file).unwrap();
    let start = text.find("sha256 = \"").unwrap() + "sha256 = \"".len();
    let changed = format!(
        "{}{}{}",
        &text[..start],
        "0".repeat(64),
        &text[start + 64..]
    );
    fs::write(&file, changed).unwrap();
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
        .args(["interview", "--plain", "a.toml"])
        .write_stdin("q\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let warning = text
        .find("Warning: questionnaire iso29110-4-2-om has changed since this record was created")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(warning < text.find("7.2.a> ").unwrap(), "{text}");
}

/// The record changes on disk and its folder takes no file any more: the answers (this one
/// and those before it) are written to `$HOME/NAME.unsaved.toml`, the interview says so in
/// its last line and ends with a failure status; nothing claims they were saved.
#[test]
fn answers_that_cannot_be_written_beside_the_record_are_rescued() {
    use std::os::unix::fs::PermissionsExt;
    const USER: u32 = 4003;
    let tmp = TempDir::new().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let (dir, home) = (tmp.path().join("audits"), tmp.path().join("home"));
    for d in [&dir, &home] {
        fs::create_dir(d).unwrap();
    }
    new_record(&dir, "a.toml");
    for p in [&dir, &home, &dir.join("a.toml")] {
        std::os::unix::fs::chown(p, Some(USER), Some(USER)).unwrap();
    }
    let mut s = Piped::start_as(&dir, &["interview", "--plain", "a.toml"], USER, &home);
    s.wait_for("7.2.a> ", 1);
    s.send("l");
    s.wait_for("7.2.a rated L", 1);
    s.wait_for("7.2.b> ", 1);
    let theirs = fs::read_to_string(dir.join("a.toml"))
        .unwrap()
        .replace("vse = \"Acme Soft\"", "vse = \"Their Acme\"");
    fs::write(dir.join("a.toml"), &theirs).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    s.send("p");
    let (status, text) = s.finish();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(!status.success(), "{text}");
    let copy = home.join("a.unsaved.toml");
    let last = text.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("a.toml was changed by someone else"),
        "{text}"
    );
    assert!(
        last.contains(&format!("they are in {}", copy.display())),
        "{text}"
    );
    assert!(!text.contains("saved in"), "{text}");
    assert!(!text.contains("nothing changed"), "{text}");
    let mine = common::record(&copy);
    let rated = |id: &str| mine.answer(id).and_then(|a| a.rating);
    assert_eq!(
        (rated("7.2.a"), rated("7.2.b")),
        (Some(Judgement::L), Some(Judgement::P))
    );
    assert_eq!(fs::read_to_string(dir.join("a.toml")).unwrap(), theirs);
}

/// A record moved away during the plain interview: the closing lines say so, not that
/// someone else changed it.
#[test]
fn a_record_moved_away_is_said_so_at_the_end() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    let mut s = Piped::start(dir, &["interview", "--plain", "a.toml"]);
    s.wait_for("7.2.a> ", 1);
    fs::rename(dir.join("a.toml"), dir.join("b.toml")).unwrap();
    s.send("l");
    s.wait_for("7.2.a rated L", 1);
    s.send("q");
    let (status, text) = s.finish();
    assert!(status.success(), "{text}");
    assert!(
        text.contains(
            "a.toml was moved away or deleted during the interview; your answers are in a.mine.toml."
        ),
        "{text}"
    );
    assert!(!text.contains("changed by someone else"), "{text}");
}

/// Runs `interview --plain a.toml` in `dir` on the lines of `script`; what it printed.
fn plain_script(dir: &Path, script: &[&str]) -> String {
    let mut input = script.join("\n");
    input.push('\n');
    let out = assert_cmd::Command::from_std(common::command(dir))
        .args(["interview", "--plain", "a.toml"])
        .write_stdin(input)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains('\x1b'), "an escape sequence: {text:?}");
    text
}

/// A whole self-assessment through plain mode, from one script as a screen reader user
/// would type it: the details, clause 6, every requirement rated with its facets, a note,
/// interviewees (one added to the participants), evidence added and linked, a finding
/// citing it, its action planned and closed, the response and the verification, going back
/// and jumping, help, the summary, and the sign-off. Values refused on the way (a session
/// without a date, an id not in the register, a due date that is no date, a date in the
/// future) are said and asked again, and nothing typed before them is lost.
#[test]
fn a_whole_self_assessment_is_done_in_plain_mode() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    fs::write(dir.join("handbook.md"), "# Quality handbook\n").unwrap();
    let mut script: Vec<&str> = vec![
        // The details: VSE, scope, team, participants, sessions, clause 6, conclusions.
        "i",
        "1",
        "Acme Soft Ltd",
        "6",
        "The whole company, projects of 2026",
        "9",
        "Ana Lopez: facilitator",
        "10",
        "Bob Boss: director; Sofia Reyes: developer",
        "11",
        "27/11/2026 Lyon",
        "2026-11-27 Lyon",
        "13",
        "y",
        "Twelve people",
        "",
        "14",
        "y",
        "",
        "",
        "15",
        "y",
        "",
        "",
        "16",
        "Ready for a certification audit",
        // Back to the requirements, at 7.2.a.
        "",
        "?",
        "g",
        "=",
        "2",
        "2",
        "t",
        "Mission on the wiki",
        "w",
        "Bob Boss, Sofia Reyes",
        // The register: two items added from 7.2.a (linked to it), one a file here.
        "e",
        "+",
        "HB",
        "Quality handbook",
        "1",
        "handbook.md",
        "v2",
        "+",
        "",
        "Staffing plan",
        "record",
        "",
        "",
        "",
        // A finding citing the handbook: an id not in the register first.
        "m",
        "minor",
        "The values are never reviewed",
        "HB, XX",
        "HB",
        "Bob Boss",
        // Its action: a due date that is no date first.
        "a",
        "1",
        "Review the values each year",
        "Bob Boss",
        "2026-13-01",
        "2027-01-31",
        // Done: a date in the future first.
        "c",
        "A-1",
        "2099-01-01",
        "2026-11-29",
        "HB",
        "r",
        "NC-1",
        "The values were reviewed",
        "Nobody owned them",
        "2026-12-20",
        "v",
        "1",
        "Ana Lopez",
        "",
        "y",
        "Minutes of the review seen",
        "HB",
        "f",
        // 7.2.b: the staffing plan linked, N/A without a reason refused, then rated.
        "e",
        "2",
        "",
        "x",
        "",
        "1",
        "l",
        // 7.2.c: back to 7.2.b, then a jump to 7.2.c.
        "b",
        "j",
        "7.9.z",
        "OM.c",
    ];
    // 7.2.c to 7.5.e: every facet checked, fully achieved.
    for _ in 0..23 {
        script.extend(["=", "f"]);
    }
    script.extend([
        // After the last requirement: the summary, then the details again, where 6.a
        // gets its evidence, and the sign-off.
        "s",
        "i",
        "13",
        "y",
        "",
        "HB",
        // The VSE's plan for the nonconformities is due: a date, by the detail's name.
        "plan due",
        "2026-12-15",
        "s",
        "Ana Lopez",
        "",
        "y",
        "",
        "q",
    ]);
    let text = plain_script(dir, &script);
    for said in [
        "Assessment details:",
        "13 Clause 6 condition 6.a: not answered.",
        "Not done: `27/11/2026` is not a date like 2026-11-27; write DATE LOCATION",
        "Sessions (dates and places): 2026-11-27 Lyon.",
        "Commands at a requirement's prompt",
        "Facets (3 of 3 checked; they suggest F (Fully achieved))",
        "Facets (2 of 3 checked",
        "HB added to the register and linked to 7.2.a.",
        "E1 added to the register and linked to 7.2.a.",
        "Not done: there is no evidence `XX` in the register (known: HB, E1)",
        "NC-1 recorded on 7.2.a: minor nonconformity.",
        "A-1 planned for NC-1.",
        "Not done: `2099-01-01` is in the future",
        "A-1 of NC-1 closed.",
        "NC-1: response recorded.",
        "NC-1 verified: closed (verified).",
        "E1 linked to 7.2.b.",
        "Not applicable needs a reason; nothing changed.",
        "7.2.b rated L (Largely achieved).",
        "There is no requirement `7.9.z`",
        "Requirement 3 of 25: 7.2.c",
        "End of the requirements: 25 of 25 rated.",
        "Plan due date: 2026-12-15.",
        "Signed off: the record is final (signed off by Ana Lopez on 2026-11-30)",
        "25 of 25 requirements rated; saved in a.toml.",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
    // Back from 7.2.c, 7.2.b is shown again as it stands.
    let back = text.find("7.2.c> ").unwrap();
    assert!(
        text[back..].contains("Requirement 2 of 25: 7.2.b"),
        "{text}"
    );
    let record = common::record(&dir.join("a.toml"));
    let meta = &record.assessment;
    assert_eq!(meta.vse, "Acme Soft Ltd");
    assert_eq!(
        meta.scope.description,
        "The whole company, projects of 2026"
    );
    assert_eq!(
        (meta.team[0].name.as_str(), meta.team[0].role.as_str()),
        ("Ana Lopez", "facilitator")
    );
    let participants: Vec<&str> = meta.participants.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(participants, ["Bob Boss", "Sofia Reyes"]);
    assert_eq!(
        (
            meta.sessions[0].date.as_str(),
            meta.sessions[0].location.as_str()
        ),
        ("2026-11-27", "Lyon")
    );
    assert_eq!(meta.conclusions, "Ready for a certification audit");
    assert_eq!(record.conditions.len(), 3);
    assert!(record.conditions.values().all(|c| c.met));
    assert_eq!(record.conditions["6.a"].note, "Twelve people");
    assert_eq!(record.conditions["6.a"].evidence, ["HB"]);
    for (id, answer) in &record.requirements {
        assert!(answer.rating.is_some(), "{id} not rated");
    }
    assert_eq!(record.requirements.len(), 25);
    let a = &record.requirements["7.2.a"];
    assert_eq!(a.rating, Some(Judgement::F));
    assert_eq!(a.facets, ["defined", "communicated", "maintained"]);
    assert_eq!(a.notes, "Mission on the wiki");
    assert_eq!(a.interviewed, ["Bob Boss", "Sofia Reyes"]);
    assert_eq!(record.requirements["7.2.b"].rating, Some(Judgement::L));
    assert_eq!(record.requirements["7.2.b"].facets, ["assigned"]);
    let hb = record.evidence_item("HB").unwrap();
    assert_eq!(hb.title, "Quality handbook");
    assert_eq!(hb.version, "v2");
    assert_eq!(hb.supports, ["7.2.a"]);
    assert!(hb.sha256.is_some(), "the file here was hashed");
    let e1 = record.evidence_item("E1").unwrap();
    assert_eq!(e1.title, "Staffing plan");
    assert_eq!(e1.supports, ["7.2.a", "7.2.b"]);
    let f = record.finding("NC-1").unwrap();
    assert_eq!(f.text, "The values are never reviewed");
    assert_eq!(f.evidence, ["HB"]);
    assert_eq!(f.interviewed, ["Bob Boss"]);
    assert_eq!(f.correction, "The values were reviewed");
    assert_eq!(f.root_cause, "Nobody owned them");
    assert_eq!(f.plan_due.as_deref(), Some("2026-12-20"));
    let action = &f.actions[0];
    assert_eq!(action.id, "A-1");
    assert_eq!(action.owner, "Bob Boss");
    assert_eq!(action.due.as_deref(), Some("2027-01-31"));
    assert_eq!(action.completed.as_deref(), Some("2026-11-29"));
    assert_eq!(action.evidence, ["HB"]);
    let v = f.verification().unwrap();
    assert!(v.effective);
    assert_eq!(
        (v.by.as_str(), v.date.as_str()),
        ("Ana Lopez", "2026-11-30")
    );
    let signed = meta.sign_off().expect("final");
    assert_eq!(
        (signed.by.as_str(), signed.date.as_str()),
        ("Ana Lopez", "2026-11-30")
    );
}

/// An audit through plain mode: the kind changed to audit in the details, every detail an
/// audit report needs typed by its number (a role that is no audit role refused and asked
/// again), clause 6, a sign-off asked too early (every reason listed, nothing changed),
/// every requirement rated, and the sign-off: by an auditor who is not the lead, refused
/// with the reason and asked again, then by the lead auditor. The record is final, and
/// plain mode then only shows it.
#[test]
fn an_audit_is_signed_off_in_plain_mode() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    let mut script: Vec<&str> = vec![
        "i",
        "2",
        "audit",
        "l",
        "3",
        "stage 2",
        "4",
        "Certi Body",
        "5",
        "CB-2026-17",
        "6",
        "Acme Holding",
        "7",
        "Certify the OM profile",
        "9",
        "All projects of 2026",
        "11",
        "Lyon head office",
        "12",
        "Claire Martin: boss; Hugo Petit: auditor",
        "Claire Martin: lead auditor; Hugo Petit: auditor",
        "14",
        "2026-11-27 Lyon",
        "18",
        "none",
        "19",
        "y",
        "",
        "",
        "20",
        "y",
        "",
        "",
        "6.c",
        "y",
        "",
        "",
        "22",
        "Recommended for certification",
        "23",
        "y",
        "24",
        "y",
        "25",
        "Acme Holding, Certi Body",
        // By its name, as well as by its number.
        "confidentiality",
        "Confidential",
        "s",
        "",
    ];
    // An audit's rating rests on evidence or an interview: each requirement has both
    // its facets and who was interviewed.
    for _ in 0..25 {
        script.extend(["=", "w", "Bob Boss", "f"]);
    }
    script.extend([
        "i",
        "s",
        "Hugo Petit",
        "",
        "y",
        "Claire Martin",
        "2026-11-28",
        "y",
        "",
        "q",
    ]);
    let text = plain_script(dir, &script);
    for said in [
        "Kind: third-party audit.",
        "3 Audit stage: not stated",
        "26 Confidentiality: not stated",
        "Not done: assessment.team[0].role: `boss` is not a role in a third-party audit team",
        "Assessment team: Claire Martin: lead auditor; Hugo Petit: auditor.",
        "Not ready to sign off; ",
        "- not assessed: 7.2.a, 7.2.b",
        "Nothing changed.",
        "End of the requirements: 25 of 25 rated.",
        "Signed off by (the lead auditor: Claire Martin), or cancel: ",
        "Cannot sign off:",
        "is not the lead auditor",
        "Type who signs and the date again.",
        "Signed off: the record is final (signed off by Claire Martin on 2026-11-28)",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
    let record = common::record(&dir.join("a.toml"));
    let meta = &record.assessment;
    assert_eq!(meta.kind, vse_assess::record::Kind::Audit);
    assert_eq!(meta.stage, Some(vse_assess::record::Stage::Stage2));
    assert_eq!(meta.certification_body, "Certi Body");
    assert_eq!(meta.report_ref, "CB-2026-17");
    assert_eq!(meta.client, "Acme Holding");
    assert_eq!(meta.scope.sites, ["Lyon head office"]);
    assert_eq!(meta.diverging_opinions, "none");
    assert_eq!(
        (meta.objectives_met, meta.scope_appropriate),
        (Some(true), Some(true))
    );
    assert_eq!(meta.distribution, "Acme Holding, Certi Body");
    assert_eq!(meta.confidentiality, "Confidential");
    let signed = meta.sign_off().expect("final");
    assert_eq!(
        (signed.by.as_str(), signed.date.as_str()),
        ("Claire Martin", "2026-11-28")
    );
    let req = &record.requirements["7.5.e"];
    assert_eq!(req.rating, Some(Judgement::F));
    assert!(!req.facets.is_empty());

    // Final: shown, never changed.
    let before = fs::read(dir.join("a.toml")).unwrap();
    let text = plain_script(dir, &["i", "1", "s", "", "f", "q"]);
    assert!(
        text.contains("Status: final, signed off by Claire Martin on 2026-11-28."),
        "{text}"
    );
    assert_eq!(
        text.matches("Read-only: nothing changed.").count(),
        2,
        "{text}"
    );
    assert!(text.contains("The record is final already"), "{text}");
    assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before);
}

/// What plain mode refuses is said in words with what to type instead, and asked again;
/// Enter at a field that needs an answer asks again; `cancel` leaves a dialog with nothing
/// changed; the end of the input in the middle of a dialog ends the interview with every
/// answer made before it kept.
#[test]
fn refusals_are_said_and_asked_again() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    let text = plain_script(
        dir,
        &[
            "zz",
            "7",
            "l",
            // 7.2.b: a finding cancelled after a wrong class and an empty text.
            "m",
            "grave",
            "9",
            "observation",
            "",
            "cancel",
            // Who was interviewed: not a participant, not added, typed again.
            "w",
            "Ann Other",
            "n",
            "bob boss",
            // An action with no finding to hold it.
            "a",
            // A detail that is not there, a kind that is none, then a finding begun and the
            // input ends in the middle of it.
            "i",
            "99",
            "2",
            "third",
            "cancel",
            "",
            "m",
            "minor",
        ],
    );
    for said in [
        "`zz` is not a command.",
        "Type n, p, l or f to rate",
        "7.2.a has 3 facets: type a number from 1 to 3.",
        "7.2.a rated L (Largely achieved).",
        "Not done: `grave` is not a finding class: expected major, minor, observation, improvement, good-practice.",
        "Not done: there is no class 9: type 1 to 5.",
        "An answer is needed here: type it, or cancel to leave with nothing changed.",
        "Cancelled: nothing changed.",
        "`Ann Other` is not a participant. Add Ann Other to the participants (with no role yet)? Type y or n: ",
        "Interviewed for 7.2.b: Bob Boss.",
        "Actions belong to findings, and 7.2.b has none: record a finding first (m).",
        "There is no detail 99: type 1 to",
        "Not done: `third` is not a kind: type audit or self.",
        "1 of 25 requirements rated; saved in a.toml.",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
    let record = common::record(&dir.join("a.toml"));
    assert!(record.findings.is_empty(), "{:?}", record.findings);
    assert_eq!(record.requirements["7.2.b"].interviewed, ["Bob Boss"]);
    let participants: Vec<&str> = record
        .assessment
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(participants, ["Bob Boss"]);
    assert_eq!(
        record.assessment.kind,
        vse_assess::record::Kind::SelfAssessment
    );
}

/// Plain mode changes and deletes what it records, as the full-screen interview does: a
/// finding's class, text and evidence changed (its id follows its class), an action and a
/// finding deleted once confirmed (a no keeps them), an evidence item removed from the
/// register and from the finding citing it, what was sampled recorded and cleared.
#[test]
fn findings_actions_and_evidence_are_changed_and_deleted() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    let text = plain_script(
        dir,
        &[
            "e",
            "+",
            "HB",
            "Quality handbook",
            "interview",
            "",
            "",
            "+",
            "SP",
            "Staffing plan",
            "",
            "",
            "",
            "",
            "m",
            "minor",
            "No review",
            "HB",
            "",
            "v",
            "a",
            "NC-1",
            "Review yearly",
            "",
            "",
            "edit",
            "NC-1",
            "observation",
            "Reviews are rare",
            "SP",
            "edit",
            "A-1",
            "",
            "Ana Lopez",
            "2027-02-30",
            "2027-02-28",
            "d",
            "A-1",
            "n",
            "d",
            "A-1",
            "y",
            "sample",
            "Projects P1 and P2, 2026",
            "e",
            "-1",
            "y",
            "",
            "m",
            "good-practice",
            "Wiki kept up to date",
            "",
            "",
            "d",
            "GP-1",
            "y",
            ".",
            "sample",
            "-",
            "q",
        ],
    );
    for said in [
        "No nonconformity of 7.2.a has a corrective action to verify: plan one first (a).",
        "NC-1 is now OBS-1.",
        "Not done: `2027-02-30` is not a date like 2026-11-27.",
        "A-1 changed.",
        "Nothing deleted.",
        "A-1 deleted.",
        "7.2.a: what was sampled recorded.",
        "Sampled: Projects P1 and P2, 2026",
        "HB is linked to 7.2.a. Remove it and these links? Type y or n: ",
        "HB removed from the register.",
        "GP-1 deleted.",
    ] {
        assert!(text.contains(said), "{said}\n{text}");
    }
    let record = common::record(&dir.join("a.toml"));
    assert_eq!(record.findings.len(), 1, "{:?}", record.findings);
    let f = &record.findings[0];
    assert_eq!(
        (f.id.as_str(), f.text.as_str()),
        ("OBS-1", "Reviews are rare")
    );
    assert_eq!(f.evidence, ["SP"]);
    assert!(f.actions.is_empty());
    let ids: Vec<&str> = record.evidence.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["SP"]);
    assert!(
        record.answer("7.2.a").is_none_or(|a| a.sampling.is_empty()),
        "{text}"
    );
}
