//! What the commands do with the files they are given: links followed, never broken; a save
//! that would damage something refused before anything is written; nothing that blocks or
//! never ends read; errors that say what happened once.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common;

use common::{new_record, vse};
use tempfile::TempDir;
use vse_assess::rating::Judgement;
use vse_assess::record::store;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs the binary, failing (rather than hanging the suite) if it has not finished in 20 s:
/// what these tests guard against is a command that blocks.
fn bounded(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::from_std(common::command(dir))
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn rate(dir: &Path, file: &str, req: &str, rating: &str) -> std::process::Output {
    vse(dir, &["answer", file, req, "--rating", rating])
}

#[test]
fn a_symlinked_record_is_locked_and_saved_through_the_link() {
    let tmp = TempDir::new().unwrap();
    let real = tmp.path().join("audits");
    fs::create_dir(&real).unwrap();
    new_record(&real, "a.toml");
    std::os::unix::fs::symlink("audits/a.toml", tmp.path().join("link.toml")).unwrap();

    let out = rate(tmp.path(), "link.toml", "7.2.a", "F");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(tmp.path().join("link.toml"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    let r = common::record(&real.join("a.toml"));
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::F));

    // The lock is the real file's: holding it through one name holds it for the other.
    let _held = vse_assess::record::lock::lock(&real.join("a.toml")).unwrap();
    let out = rate(tmp.path(), "link.toml", "7.2.b", "L");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn a_hard_linked_record_is_refused_and_left_alone() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    fs::hard_link(tmp.path().join("a.toml"), tmp.path().join("b.toml")).unwrap();
    let before = fs::read(tmp.path().join("a.toml")).unwrap();
    for name in ["a.toml", "b.toml"] {
        let out = rate(tmp.path(), name, "7.2.a", "F");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("has 2 hard links"),
            "{}",
            stderr(&out)
        );
    }
    let out = vse(tmp.path(), &["interview", "b.toml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has 2 hard links"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(tmp.path().join("a.toml")).unwrap(), before);
    assert_eq!(fs::read(tmp.path().join("b.toml")).unwrap(), before);
}

#[test]
fn a_read_only_record_is_not_replaced() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    let before = fs::read(&file).unwrap();
    let out = rate(tmp.path(), "a.toml", "7.2.a", "F");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a.toml: the file is read-only"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o444
    );
}

#[test]
fn a_save_that_could_not_be_read_back_is_refused() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let file = tmp.path().join("a.toml");
    // A record just under the 16 MiB read limit.
    let mut opened = common::opened(&file);
    let room = vse_assess::MAX_FILE_BYTES as usize - store::to_text(&opened.record).len() - 200;
    opened
        .record
        .requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .notes = "x".repeat(room);
    store::save(&mut opened).unwrap();
    let before = fs::read(&file).unwrap();

    let out = vse(
        tmp.path(),
        &[
            "answer",
            "a.toml",
            "7.2.a",
            "--append-note",
            &"y".repeat(1000),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it would be 16.1 MiB, over the 16 MiB a record may hold"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), before, "nothing written");
    assert!(
        rate(tmp.path(), "a.toml", "7.2.b", "F").status.success(),
        "it still opens"
    );
}

#[test]
fn files_that_never_end_or_block_are_not_read() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let fifo = tmp.path().join("fifo.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    fs::create_dir(tmp.path().join("questionnaires")).unwrap();
    let local_fifo = tmp.path().join("questionnaires/q.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&local_fifo)
            .status()
            .unwrap()
            .success()
    );

    let start = Instant::now();
    let out = bounded(tmp.path(), &["validate", "fifo.toml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("fifo.toml: not a regular file (a FIFO)"),
        "{}",
        stderr(&out)
    );
    let out = bounded(
        tmp.path(),
        &["new", "b.toml", "--questionnaire", "fifo.toml"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = bounded(tmp.path(), &["questionnaires"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Evidence: a /proc file claims no size and never ends; a FIFO blocks; neither is hashed,
    // and the item is still registered.
    for (id, location) in [("P", "/proc/self/pagemap"), ("F", "fifo.toml")] {
        let out = bounded(
            tmp.path(),
            &[
                "evidence",
                "add",
                "a.toml",
                "--id",
                id,
                "--title",
                "t",
                "--location",
                location,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("not hashed"), "{}", stderr(&out));
    }
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let r = common::record(&tmp.path().join("a.toml"));
    assert!(r.evidence.iter().all(|e| e.sha256.is_none()));

    // A regular file is hashed as before.
    fs::write(tmp.path().join("plan.txt"), "plan").unwrap();
    let out = vse(
        tmp.path(),
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "R",
            "--title",
            "t",
            "--location",
            "plan.txt",
        ],
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("sha256 "),
        "{}",
        stderr(&out)
    );
}

/// An interview on a record in a folder that does not exist says so, rather than only
/// "no such file", and makes nothing.
#[test]
fn a_lock_in_a_missing_folder_says_the_folder_is_missing() {
    let tmp = TempDir::new().unwrap();
    let out = common::command(tmp.path())
        .args(["interview", "audits/a.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("cannot lock audits/a.toml for editing: the folder audits does not exist"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn lock_errors_other_than_a_holder_are_not_exit_3_and_say_things_once() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    // The lock file cannot be opened: a folder stands in its place.
    fs::create_dir(tmp.path().join(".a.toml.lock")).unwrap();
    let out = rate(tmp.path(), "a.toml", "7.2.a", "F");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot lock"), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("os error").count(),
        1,
        "{}",
        stderr(&out)
    );

    // A missing record: said once, exit 2, and no lock file left behind.
    let out = rate(tmp.path(), "missing/a.toml", "7.2.a", "F");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("os error 2").count(),
        1,
        "{}",
        stderr(&out)
    );
    let out = rate(tmp.path(), "b.toml", "7.2.a", "F");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!tmp.path().join(".b.toml.lock").exists());
}

#[test]
fn a_refusal_always_names_the_holder() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let mut refusals = 0;
    for _ in 0..10 {
        let children: Vec<_> = (0..12)
            .map(|i| {
                Command::new(bin)
                    .current_dir(tmp.path())
                    .args(["answer", "a.toml", "7.2.a", "--append-note", &i.to_string()])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            if out.status.code() == Some(3) {
                refusals += 1;
                let err = stderr(&out);
                assert!(err.contains(", process "), "{err}");
                assert!(!err.contains("holder unknown"), "{err}");
            }
        }
    }
    assert!(refusals > 0, "no run was refused: nothing was tested");
}

#[test]
fn new_files_follow_the_umask() {
    let tmp = TempDir::new().unwrap();
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    for (umask, mode) in [("022", 0o644), ("077", 0o600)] {
        let name = format!("u{umask}.toml");
        let out = Command::new("sh")
            .current_dir(tmp.path())
            .args(["-c", &format!("umask {umask}; exec \"$0\" new {name}"), bin])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let got = fs::metadata(tmp.path().join(&name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(got, mode, "umask {umask}");
    }
}

/// A link put where the lock file goes is never followed: the lock would otherwise write the
/// holder's name over whatever it points to.
#[test]
fn a_link_in_place_of_the_lock_file_is_refused_and_nothing_is_written_through_it() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    fs::write(tmp.path().join("victim.txt"), "keep me").unwrap();
    let record = fs::read(tmp.path().join("a.toml")).unwrap();
    for target in ["victim.txt", "a.toml"] {
        let lock = tmp.path().join(".a.toml.lock");
        let _ = fs::remove_file(&lock);
        std::os::unix::fs::symlink(target, &lock).unwrap();
        let out = rate(tmp.path(), "a.toml", "7.2.a", "F");
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("is a symbolic link"),
            "{}",
            stderr(&out)
        );
        assert_eq!(fs::read(tmp.path().join("victim.txt")).unwrap(), b"keep me");
        assert_eq!(fs::read(tmp.path().join("a.toml")).unwrap(), record);
    }
}

#[test]
fn a_folder_is_not_a_record() {
    let tmp = TempDir::new().unwrap();
    fs::create_dir(tmp.path().join("audits")).unwrap();
    for args in [
        &["interview", "audits"][..],
        &["answer", "audits", "7.2.a", "--rating", "F"],
    ] {
        let out = vse(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
}

/// An interview with no terminal (the plain one runs) uses up neither the draft an earlier
/// one left nor the note about where answers went.
#[test]
fn an_interview_without_a_terminal_keeps_the_draft_and_the_note() {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let draft = "form = \"finding\"\ntarget = \"7.2.a\"\nvalues = [\"minor\", \"kept\"]\n";
    fs::write(tmp.path().join(".a.toml.draft"), draft).unwrap();
    fs::write(
        tmp.path().join(".a.toml.lock"),
        "note: answers are in /x/a.unsaved.toml",
    )
    .unwrap();
    let mut cmd = common::command(tmp.path());
    cmd.args(["interview", "a.toml"])
        .stdin(std::process::Stdio::null());
    // No controlling terminal either (as `ssh host vse-assess interview` without -t).
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    // With no terminal the plain interview runs; it reads nothing and ends, showing the
    // note and keeping the draft for the full-screen interview.
    let out = cmd.output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("Note from the last session: answers are in /x/a.unsaved.toml"),
        "{said}"
    );
    assert!(out.status.success());
    assert_eq!(
        fs::read_to_string(tmp.path().join(".a.toml.draft")).unwrap(),
        draft
    );
    let lock = fs::read_to_string(tmp.path().join(".a.toml.lock")).unwrap();
    assert!(
        lock.contains("note: answers are in /x/a.unsaved.toml"),
        "{lock}"
    );
    // A command shows the note, and a successful save retires it.
    let out = rate(tmp.path(), "a.toml", "7.2.a", "F");
    assert!(
        stderr(&out).contains("answers are in /x/a.unsaved.toml"),
        "{}",
        stderr(&out)
    );
    // With no note left to keep, the lock file goes with its holder.
    assert!(!tmp.path().join(".a.toml.lock").exists());
}

/// The README's first command (the interview, which makes `assessment.toml`) and then its
/// Scripting lines, run as they are written, in one folder: each succeeds, and nothing is
/// left beside the records (no lock file once a command or the interview has ended).
#[test]
fn commands_and_the_readme_leave_nothing_beside_the_record() {
    let tmp = TempDir::new().unwrap();
    let readme = include_str!("../README.md");
    let block = |section: &str| -> String {
        let from = readme.find(section).expect("the section");
        let rest = &readme[from..];
        let start = rest.find("```sh\n").expect("a shell block") + 6;
        let end = start + rest[start..].find("```").expect("its end");
        rest[start..end].to_owned()
    };
    let run = block("## Run\n");
    assert_eq!(run.trim(), "cargo run --release -- interview");
    // Asked first whether to make it; with no answer (stdin at its end) nothing is made.
    let out = common::command(tmp.path())
        .arg("interview")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("assessment.toml does not exist. Start a new assessment in it? [y/N] vse-assess: assessment.toml: no such record; nothing was created"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    let mut cmd = common::command(tmp.path());
    cmd.arg("interview").stdin(std::process::Stdio::piped());
    unsafe {
        use std::os::unix::process::CommandExt;
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let names = || {
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        left
    };
    assert_eq!(names(), ["assessment.toml"]);
    let script = block("## Scripting\n").replace(
        "cargo run --release --",
        &format!("'{}'", env!("CARGO_BIN_EXE_vse-assess")),
    );
    let out = Command::new("sh")
        .args(["-e", "-c", &script])
        .current_dir(tmp.path())
        .env("VSE_ASSESS_TODAY", common::TODAY)
        .output()
        .unwrap();
    assert!(out.status.success(), "{script}\n{}", stderr(&out));
    assert_eq!(names(), ["assessment.toml", "audit.toml"]);
    let r = common::record(&tmp.path().join("audit.toml"));
    assert_eq!(r.answer("7.2.a").unwrap().interviewed, ["Bob Boss"]);
}
