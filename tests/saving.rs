//! The save itself, in process: a change someone else makes in the moment between the
//! save's last look at the record and its replacing the record is never overwritten.

use crate::common;

use std::fs;
use std::path::Path;

use tempfile::TempDir;
use vse_assess::record::access::Access;
use vse_assess::record::store::{self, SaveError};

/// What the colleague writes, and how: in place (as `cp` does) or by renaming a new file
/// over the record (as an editor or `git pull` does). Set per record file name, so that the
/// tests of this file can run side by side.
fn colleague(path: &Path) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let theirs = format!("# the colleague's version of {name}\n");
    match name.as_str() {
        "in-place.toml" => fs::write(path, theirs).unwrap(),
        "renamed.toml" => {
            let new = path.with_file_name("their-new-file");
            fs::write(&new, theirs).unwrap();
            fs::rename(new, path).unwrap();
        }
        _ => {}
    }
}

#[test]
fn a_change_made_during_the_save_is_never_overwritten() {
    *store::BEFORE_REPLACE.write().unwrap() = Some(colleague);
    let tmp = TempDir::new().unwrap();
    for name in ["in-place.toml", "renamed.toml"] {
        common::new_record(tmp.path(), name);
        let path = tmp.path().join(name);
        let mut opened = common::opened(&path);
        opened
            .record
            .requirements
            .entry(String::from("7.2.a"))
            .or_default()
            .notes = "mine".into();
        let saved = store::save(&mut opened);
        assert!(
            matches!(saved, Err(SaveError::Conflict { .. })),
            "{name}: {saved:?}"
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("# the colleague's version of {name}\n"),
            "{name}: their change was overwritten"
        );
        // Nothing of the save is left beside it.
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(name))
            .collect();
        left.sort();
        assert_eq!(left, [name], "{name}");
    }
    // Without a change in the gap the save goes through, and the next one too.
    common::new_record(tmp.path(), "quiet.toml");
    let path = tmp.path().join("quiet.toml");
    let mut opened = common::opened(&path);
    for note in ["first", "second"] {
        opened
            .record
            .requirements
            .entry(String::from("7.2.a"))
            .or_default()
            .notes = note.into();
        store::save(&mut opened).unwrap();
        let back = common::opened(&path);
        assert_eq!(back.record.answer("7.2.a").unwrap().notes, note);
    }
}

/// The group both accounts share, and the accounts (numeric ids: no user needs to exist).
const GROUP: u32 = 4242;
const AUDITOR: u32 = 4001;
const INTERVIEW: u32 = 4002;

/// Runs the binary in `dir` as `uid` (group [`GROUP`]) with umask 022.
fn as_user(dir: &Path, uid: u32, args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = common::command(dir);
    cmd.env("HOME", dir).args(args);
    if uid != 0 {
        cmd.uid(uid).gid(GROUP);
        unsafe {
            cmd.pre_exec(|| {
                libc::setgroups(0, std::ptr::null());
                libc::umask(0o022);
                Ok(())
            });
        }
    }
    cmd.output().unwrap()
}

fn owner_and_mode(path: &Path) -> (u32, u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).unwrap();
    (m.uid(), m.gid(), m.mode() & 0o7777)
}

/// The README's shared folder: an auditor and a second account (the restricted one) in
/// one group, a group-writable folder with the set-group-id bit, records the group may
/// write. Each may lock and save the other's record; no save changes a record's owner or
/// mode, even root's; a record the group may not write is refused, and left as it is.
#[test]
fn two_accounts_share_a_folder_and_no_save_changes_owner_or_mode() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let audits = tmp.path().join("audits");
    fs::create_dir(&audits).unwrap();
    std::os::unix::fs::chown(&audits, Some(0), Some(GROUP)).unwrap();
    fs::set_permissions(&audits, fs::Permissions::from_mode(0o2775)).unwrap();
    let said = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let ok = |uid, args: &[&str]| {
        let out = as_user(&audits, uid, args);
        assert!(out.status.success(), "uid {uid} {args:?}: {}", said(&out));
    };

    // The auditor makes the record and lets the group write it (`chmod g+w`), then edits it:
    // that makes the lock file, with the auditor's umask.
    ok(AUDITOR, &["new", "b.toml", "--vse", "Brightline"]);
    let record = audits.join("b.toml");
    fs::set_permissions(&record, fs::Permissions::from_mode(0o664)).unwrap();
    ok(AUDITOR, &["answer", "b.toml", "7.2.a", "--rating", "F"]);
    assert_eq!(owner_and_mode(&record), (AUDITOR, GROUP, 0o664));

    // The other account locks and saves it; then root does: the owner, group and mode stay.
    ok(INTERVIEW, &["answer", "b.toml", "7.2.b", "--rating", "L"]);
    assert_eq!(owner_and_mode(&record), (AUDITOR, GROUP, 0o664));
    ok(0, &["answer", "b.toml", "7.2.c", "--rating", "P"]);
    assert_eq!(owner_and_mode(&record), (AUDITOR, GROUP, 0o664));
    ok(AUDITOR, &["answer", "b.toml", "7.2.d", "--rating", "N"]);
    assert_eq!(owner_and_mode(&record), (AUDITOR, GROUP, 0o664));
    let r = common::record(&record);
    let rated: Vec<_> = ["7.2.a", "7.2.b", "7.2.c", "7.2.d"]
        .iter()
        .map(|id| r.answer(id).and_then(|a| a.rating).map(|j| j.to_string()))
        .collect();
    assert_eq!(rated.iter().flatten().count(), 4, "{rated:?}");

    // A lock file an older version left, the auditor's and 0644, does not lock the group
    // out either.
    let old_lock = audits.join(".b.toml.lock");
    fs::write(&old_lock, "").unwrap();
    std::os::unix::fs::chown(&old_lock, Some(AUDITOR), Some(GROUP)).unwrap();
    fs::set_permissions(&old_lock, fs::Permissions::from_mode(0o644)).unwrap();
    ok(INTERVIEW, &["answer", "b.toml", "7.2.e", "--rating", "F"]);
    assert_eq!(owner_and_mode(&record), (AUDITOR, GROUP, 0o664));

    // A record the group may not write (the auditor's 0644): refused, and left as it was.
    ok(AUDITOR, &["new", "c.toml", "--vse", "Brightline"]);
    let private = audits.join("c.toml");
    let before = fs::read(&private).unwrap();
    let out = as_user(
        &audits,
        INTERVIEW,
        &["answer", "c.toml", "7.2.a", "--rating", "F"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(
        said(&out).contains("c.toml: you may not write it"),
        "{}",
        said(&out)
    );
    assert_eq!(fs::read(&private).unwrap(), before);
    assert_eq!(owner_and_mode(&private), (AUDITOR, GROUP, 0o644));

    // Root edits it: the record stays the auditor's, and so is the lock root makes for it
    // (seen while root holds it).
    let held = vse_assess::record::lock::lock(&private).unwrap();
    assert_eq!(
        owner_and_mode(&audits.join(".c.toml.lock")),
        (AUDITOR, GROUP, 0o644)
    );
    drop(held);
    ok(0, &["answer", "c.toml", "7.2.a", "--rating", "F"]);
    assert_eq!(owner_and_mode(&private), (AUDITOR, GROUP, 0o644));
    ok(AUDITOR, &["answer", "c.toml", "7.2.b", "--rating", "F"]);

    // Nothing of the saves is left behind.
    let mut left: Vec<String> = fs::read_dir(&audits)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["b.toml", "c.toml"]);
}

/// A shared folder as in the README, with the auditor's record the group may write, in
/// `tmp`: gives the record's path.
fn shared_record(tmp: &Path, text: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(tmp, fs::Permissions::from_mode(0o755)).unwrap();
    let audits = tmp.join("audits");
    fs::create_dir(&audits).unwrap();
    std::os::unix::fs::chown(&audits, Some(0), Some(GROUP)).unwrap();
    fs::set_permissions(&audits, fs::Permissions::from_mode(0o2775)).unwrap();
    let record = audits.join("a.toml");
    fs::write(&record, text).unwrap();
    std::os::unix::fs::chown(&record, Some(AUDITOR), Some(GROUP)).unwrap();
    fs::set_permissions(&record, fs::Permissions::from_mode(0o664)).unwrap();
    record
}

/// `kill -9` at random moments (fixed seed) of saves by another account (a group member):
/// once the next editor has taken the lock, the record is always the previous or the new
/// one, and still the auditor's own file.
#[test]
fn kill_9_during_saves_in_place_never_tears_the_record() {
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};
    let tmp = TempDir::new().unwrap();
    // A large record, so that each write is long enough to be hit.
    let mut r = store::parse(
        Path::new("a.toml"),
        &fs::read_to_string(common::AUDIT).unwrap(),
    )
    .unwrap();
    for a in r.requirements.values_mut() {
        a.notes = "Interview notes, line after line. ".repeat(400);
    }
    let file = shared_record(tmp.path(), &store::to_text(&r));
    let answer = |note: &str| {
        let mut c = common::command(file.parent().unwrap());
        c.args(["answer", "a.toml", "7.2.a", "--note", note])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .uid(INTERVIEW)
            .gid(GROUP);
        unsafe {
            c.pre_exec(|| {
                libc::setgroups(0, std::ptr::null());
                Ok(())
            });
        }
        c
    };
    let start = Instant::now();
    assert!(answer("calibration").status().unwrap().success());
    let run = start.elapsed();
    let mut seed: u64 = 0x5eed_2026_1202;
    let mut current = "calibration".to_string();
    let (mut old, mut new) = (0, 0);
    for i in 0..60 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_nanos(seed % (run.as_nanos() as u64 * 12 / 10 + 1));
        let note = format!("note {i}");
        let mut child = answer(&note).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        // The next editor takes the lock, which finishes a save stopped between its swaps.
        drop(vse_assess::record::lock::lock(&file).unwrap());
        let opened = store::open(&file, &Access::Unrestricted, common::today())
            .unwrap_or_else(|e| panic!("kill {i} after {delay:?} left a broken record: {e}"));
        let notes = &opened.record.answer("7.2.a").unwrap().notes;
        if *notes == note {
            new += 1;
            current = note;
        } else {
            assert_eq!(
                *notes, current,
                "kill {i}: neither the previous nor the new"
            );
            old += 1;
        }
        assert_eq!(owner_and_mode(&file), (AUDITOR, GROUP, 0o664));
    }
    eprintln!("{old} kills left the previous record, {new} the new one");
    assert!(old > 0 && new > 0, "the kills did not land on both sides");
}

/// A record moved away (`mv a.toml b.toml`) after it was opened is not written again in
/// its old place: the save says so, and the moved file is left as it is.
#[test]
fn a_record_moved_away_is_not_created_again() {
    let tmp = TempDir::new().unwrap();
    common::new_record(tmp.path(), "moved.toml");
    let path = tmp.path().join("moved.toml");
    let mut opened = common::opened(&path);
    fs::rename(&path, tmp.path().join("elsewhere.toml")).unwrap();
    opened
        .record
        .requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .notes = "mine".into();
    let saved = store::save(&mut opened);
    assert!(
        matches!(saved, Err(SaveError::Vanished { .. })),
        "{saved:?}"
    );
    assert!(!path.exists());
    assert!(
        saved
            .unwrap_err()
            .to_string()
            .contains("moved.toml was moved away")
    );
}

/// The same end to end, through the binary: strace stops the save at its first `fsync`
/// (the new text's temporary file), a colleague's `cp` lands on the record then, and the
/// save, continued, refuses to overwrite it.
#[test]
fn a_change_made_while_a_save_is_stopped_is_kept() {
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    common::new_record(tmp.path(), "a.toml");
    let record = tmp.path().join("a.toml");
    let theirs = format!("{}# theirs\n", fs::read_to_string(&record).unwrap());
    // strace's own lines on stdout (the command prints its own only at the end).
    let mut strace = std::process::Command::new("strace")
        .current_dir(tmp.path())
        .args(["-f", "-o", "/dev/stdout", "-e", "trace=fsync"])
        .args(["-e", "inject=fsync:signal=SIGSTOP:when=1"])
        .arg(env!("CARGO_BIN_EXE_vse-assess"))
        .args(["answer", "a.toml", "7.2.a", "--rating", "F"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Reads strace's report until the save is stopped (the end of its output, if it never
    // is, fails the test rather than hanging it).
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(strace.stdout.take().unwrap()).lines();
    let stopped: i32 = loop {
        let line = lines
            .next()
            .expect("the save was never stopped at its fsync")
            .unwrap();
        if line.contains("--- stopped by SIGSTOP ---") {
            break line.split_whitespace().next().unwrap().parse().unwrap();
        }
    };
    fs::write(&record, &theirs).unwrap();
    unsafe { libc::kill(stopped, libc::SIGCONT) };
    lines.for_each(drop);
    let out = strace.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("a.toml was changed by someone else"), "{err}");
    assert_eq!(fs::read_to_string(&record).unwrap(), theirs);
}

/// Runs `f` on a thread of its own with the ids of `uid` (group [`GROUP`]), or as root for
/// uid 0: the raw system calls change only that thread's ids, not the test process's.
fn on_thread_as<T: Send + 'static>(uid: u32, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(move || {
        if uid != 0 {
            unsafe {
                assert_eq!(
                    libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<u32>()),
                    0
                );
                assert_eq!(libc::syscall(libc::SYS_setresgid, GROUP, GROUP, GROUP), 0);
                assert_eq!(libc::syscall(libc::SYS_setresuid, uid, uid, uid), 0);
            }
        }
        f()
    })
    .join()
    .unwrap()
}

/// The group and mode of what had the record's name at the first swap of a save of
/// `group.toml`, seen by [`at_step`].
static SEEN: std::sync::Mutex<Vec<(u32, u32)>> = std::sync::Mutex::new(Vec::new());

/// The colleague of [`a_colleagues_write_at_any_step_of_a_save_is_kept`]: for a record named
/// `step-STEP-HOW.toml`, writes their version at that step of the save, with `cp` (into the
/// file the record's name has) or `mv` (a new file renamed over it). For `swapback.toml`,
/// makes the putting back fail: their version is written into the record's own file (at
/// the save's temporary name) and the record's name is taken away.
fn at_step(path: &Path, step: &str) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let theirs = format!("# the colleague's version of {name}\n");
    if name == "swapback.toml" && step == "exchanged" {
        for e in fs::read_dir(path.parent().unwrap()).unwrap() {
            let e = e.unwrap().path();
            if e.to_string_lossy().ends_with(".tmp") {
                fs::write(&e, &theirs).unwrap();
            }
        }
        fs::remove_file(path).unwrap();
        return;
    }
    if name == "group.toml" && step == "exchanged" {
        use std::os::unix::fs::MetadataExt;
        let m = fs::metadata(path).unwrap();
        SEEN.lock().unwrap().push((m.gid(), m.mode() & 0o7777));
        return;
    }
    let Some(rest) = name
        .strip_prefix("step-")
        .and_then(|n| n.strip_suffix(".toml"))
    else {
        return;
    };
    let (at, how) = rest.rsplit_once('-').unwrap();
    if at != step {
        return;
    }
    if how == "cp" {
        fs::write(path, theirs).unwrap();
    } else {
        let new = path.with_file_name(format!("{name}.theirs-new"));
        fs::write(&new, theirs).unwrap();
        fs::rename(new, path).unwrap();
    }
}

/// A colleague's `cp` or `mv` onto the record landing at any step of a save (before the
/// first swap, between the swaps, after the record's own file got the new text), by root or
/// by a group member saving the auditor's record: the save is refused as a conflict, their
/// version has the record's name, and nothing of the save is left beside it.
#[test]
fn a_colleagues_write_at_any_step_of_a_save_is_kept() {
    *store::HOOK.write().unwrap() = Some(at_step);
    for uid in [0, INTERVIEW] {
        let tmp = TempDir::new().unwrap();
        let first = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
        let audits = first.parent().unwrap().to_owned();
        for step in ["written", "exchanged", "rewritten"] {
            for how in ["cp", "mv"] {
                let name = format!("step-{step}-{how}.toml");
                let path = audits.join(&name);
                fs::copy(&first, &path).unwrap();
                std::os::unix::fs::chown(&path, Some(AUDITOR), Some(GROUP)).unwrap();
                let saved = on_thread_as(uid, {
                    let path = path.clone();
                    move || {
                        let mut opened = common::opened(&path);
                        opened
                            .record
                            .requirements
                            .entry(String::from("7.2.a"))
                            .or_default()
                            .notes = "mine".into();
                        store::save(&mut opened).map_err(|e| e.to_string())
                    }
                });
                let what = format!("uid {uid}, {name}: {saved:?}");
                assert!(
                    saved
                        .as_ref()
                        .is_err_and(|e| e.contains("was changed by someone else")),
                    "{what}"
                );
                assert_eq!(
                    fs::read_to_string(&path).unwrap(),
                    format!("# the colleague's version of {name}\n"),
                    "{what}: their change was overwritten"
                );
                let left: Vec<String> = fs::read_dir(&audits)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.contains(&name) && *n != name)
                    .collect();
                assert!(left.is_empty(), "{what}: left {left:?}");
            }
        }
    }
}

/// When their version cannot be put back in the record's place, the file holding it is
/// kept under a visible name, and the error says which; it is never removed.
#[test]
fn their_version_is_kept_when_it_cannot_be_put_back() {
    *store::HOOK.write().unwrap() = Some(at_step);
    let tmp = TempDir::new().unwrap();
    common::new_record(tmp.path(), "swapback.toml");
    let path = tmp.path().join("swapback.toml");
    let mut opened = common::opened(&path);
    opened
        .record
        .requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .notes = "mine".into();
    let err = store::save(&mut opened).unwrap_err().to_string();
    let kept = tmp.path().join("swapback.theirs.toml");
    assert_eq!(
        fs::read_to_string(&kept).unwrap(),
        "# the colleague's version of swapback.toml\n"
    );
    assert!(err.contains("was changed by someone else"), "{err}");
    assert!(err.contains("swapback.theirs.toml"), "{err}");
    assert!(!err.contains("unchanged"), "{err}");
}

/// The extended attribute `user.test` of `path`, if any.
fn xattr(path: &Path) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    let mut buf = [0u8; 64];
    let n = unsafe {
        libc::getxattr(
            c.as_ptr(),
            c"user.test".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    (n >= 0).then(|| buf[..n as usize].to_vec())
}

/// A save by root, by the owner or by a group member keeps the record's own file: its
/// owner, group, mode and extended attributes (on a disk file system: /var/tmp).
#[test]
fn a_save_keeps_the_records_own_file_with_its_attributes() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::MetadataExt;
    let tmp = TempDir::new_in("/var/tmp").unwrap();
    let path = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    let set = unsafe {
        libc::setxattr(
            c.as_ptr(),
            c"user.test".as_ptr(),
            b"kept".as_ptr().cast(),
            4,
            0,
        )
    };
    assert_eq!(set, 0, "{}", std::io::Error::last_os_error());
    let ino = fs::metadata(&path).unwrap().ino();
    for (uid, note) in [
        (0, "by root"),
        (AUDITOR, "by the owner"),
        (INTERVIEW, "by a member"),
    ] {
        let saved = on_thread_as(uid, {
            let path = path.clone();
            move || {
                let mut opened = common::opened(&path);
                opened
                    .record
                    .requirements
                    .entry(String::from("7.2.a"))
                    .or_default()
                    .notes = note.into();
                store::save(&mut opened).map_err(|e| e.to_string())
            }
        });
        assert!(saved.is_ok(), "{note}: {saved:?}");
        let back = common::opened(&path);
        assert_eq!(back.record.answer("7.2.a").unwrap().notes, note);
        assert_eq!(owner_and_mode(&path), (AUDITOR, GROUP, 0o664), "{note}");
        assert_eq!(xattr(&path).as_deref(), Some(&b"kept"[..]), "{note}");
        assert_eq!(fs::metadata(&path).unwrap().ino(), ino, "{note}");
    }
    let left = fs::read_dir(path.parent().unwrap()).unwrap().count();
    assert_eq!(left, 1, "only the record is there");
}

/// A `.NAME.saving` file planted beside the record (by an account that may create files in
/// the folder but not write the record) is never applied to the record.
#[test]
fn a_planted_saving_file_does_nothing() {
    let tmp = TempDir::new().unwrap();
    common::new_record(tmp.path(), "a.toml");
    let path = tmp.path().join("a.toml");
    let before = fs::read_to_string(&path).unwrap();
    fs::write(
        tmp.path().join(".a.toml.saving"),
        format!("{before}# planted\n"),
    )
    .unwrap();
    drop(vse_assess::record::lock::lock(&path).unwrap());
    assert_eq!(fs::read_to_string(&path).unwrap(), before);
}

/// Temporary files a stopped save left: one holding another version of the record (theirs,
/// swapped out when the save stopped) is kept under a visible name, and the lock's note says
/// so; one holding the record's text or a torn beginning of a record goes.
#[test]
fn a_stale_temporary_file_that_differs_from_the_record_is_kept() {
    let tmp = TempDir::new().unwrap();
    common::new_record(tmp.path(), "a.toml");
    let path = tmp.path().join("a.toml");
    let text = fs::read_to_string(&path).unwrap();
    let theirs = text.replace("Acme Soft", "Acme Hard");
    assert_ne!(theirs, text);
    fs::write(tmp.path().join(".a.toml.Ab3dE6.tmp"), &theirs).unwrap();
    fs::write(tmp.path().join(".a.toml.Zz9yX8.tmp"), &text).unwrap();
    fs::write(
        tmp.path().join(".a.toml.Qq1wW2.tmp"),
        &text[..text.len() / 2],
    )
    .unwrap();
    let lock = vse_assess::record::lock::lock(&path).unwrap();
    let mut left: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [".a.toml.lock", "a.recovered.toml", "a.toml"]);
    assert_eq!(
        fs::read_to_string(tmp.path().join("a.recovered.toml")).unwrap(),
        theirs
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert!(
        lock.note().is_some_and(|n| n.contains("a.recovered.toml")),
        "{:?}",
        lock.note()
    );
}

/// A save by a group member killed (strace: SIGKILL on entering the Nth call of each of the
/// save's steps: fsync, truncation, write, the swaps), for every N until the save runs
/// through: once the next editor has taken the lock, the record is the previous or the new
/// one, complete, still the auditor's with its mode, and nothing is left beside it.
#[test]
fn a_save_killed_at_any_step_leaves_the_record_whole_and_its_own() {
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    use std::os::unix::process::CommandExt;
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let audits = file.parent().unwrap().to_owned();
    let mut current = common::record(&file).answer("7.2.a").unwrap().notes.clone();
    let (mut round, mut killed) = (0, 0);
    for call in ["fsync", "ftruncate", "pwrite64", "renameat2"] {
        for when in 1.. {
            round += 1;
            // Longer each time: a save that grows the file.
            let note = format!("note {round} {}", "longer ".repeat(round * 50));
            let mut c = std::process::Command::new("strace");
            c.current_dir(&audits)
                .args(["-f", "-qq", "-o", "/dev/null", "-e"])
                .arg(format!("trace={call}"))
                .arg(format!("--inject={call}:signal=SIGKILL:when={when}"))
                .arg(env!("CARGO_BIN_EXE_vse-assess"))
                .args(["answer", "a.toml", "7.2.a", "--note", &note])
                .uid(INTERVIEW)
                .gid(GROUP);
            unsafe {
                c.pre_exec(|| {
                    libc::setgroups(0, std::ptr::null());
                    Ok(())
                });
            }
            let out = c.output().unwrap();
            drop(vse_assess::record::lock::lock(&file).unwrap());
            let what = format!("killed at {call} #{when}");
            let opened = store::open(&file, &Access::Unrestricted, common::today())
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let now = opened.record.answer("7.2.a").unwrap().notes.clone();
            assert!(now == note || now == current, "{what}: {now:?}");
            current = now;
            assert_eq!(owner_and_mode(&file), (AUDITOR, GROUP, 0o664), "{what}");
            let mut left: Vec<String> = fs::read_dir(&audits)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            left.sort();
            assert_eq!(left, ["a.toml"], "{what}");
            if out.status.success() {
                break;
            }
            killed += 1;
            assert!(when < 20, "{what}: never ran through");
        }
    }
    assert!(killed >= 8, "only {killed} saves were killed");
}

/// A temporary file planted beside the record and named like a stopped save's (with the
/// hash of the record's text) never takes the record's place: only a save's own marked file
/// under the record's name is ever swapped back. The planted text is kept visibly.
#[test]
fn a_planted_temporary_file_never_takes_the_records_place() {
    use sha2::Digest;
    use std::os::unix::fs::MetadataExt;
    let tmp = TempDir::new().unwrap();
    common::new_record(tmp.path(), "a.toml");
    let path = tmp.path().join("a.toml");
    let text = fs::read_to_string(&path).unwrap();
    let ino = fs::metadata(&path).unwrap().ino();
    let hash: String = sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let planted = text.replace("Acme Soft", "Planted Ltd");
    fs::write(
        tmp.path()
            .join(format!(".a.toml.Ab3dE6.{}.tmp", &hash[..16])),
        &planted,
    )
    .unwrap();
    drop(vse_assess::record::lock::lock(&path).unwrap());
    assert_eq!(fs::read_to_string(&path).unwrap(), text);
    assert_eq!(fs::metadata(&path).unwrap().ino(), ino);
    assert_eq!(
        fs::read_to_string(tmp.path().join("a.recovered.toml")).unwrap(),
        planted
    );
}

/// Where the file system cannot swap names (strace makes `renameat2` fail with EINVAL), the
/// save renames its new file over the record after one last look: the answer is saved, the
/// mode kept, and the file is then the saving user's (root's here), as the README says.
#[test]
fn without_name_swaps_a_save_renames_and_the_file_becomes_the_savers() {
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let out = std::process::Command::new("strace")
        .current_dir(file.parent().unwrap())
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=renameat2"])
        .args(["-e", "inject=renameat2:error=EINVAL"])
        .arg(env!("CARGO_BIN_EXE_vse-assess"))
        .args(["answer", "a.toml", "7.2.a", "--note", "renamed"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = common::record(&file);
    assert_eq!(r.answer("7.2.a").unwrap().notes, "renamed");
    assert_eq!(owner_and_mode(&file), (0, GROUP, 0o664));
    let left: Vec<String> = fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Runs the binary in `dir` as `uid` (group [`GROUP`], umask 002; root for 0) under strace
/// with the given `-e inject=...` rules. When one of them stops it (SIGSTOP), `meanwhile`
/// runs, then it goes on. Gives its output.
fn traced(
    dir: &Path,
    uid: u32,
    injects: &[&str],
    args: &[&str],
    meanwhile: impl FnOnce(),
) -> std::process::Output {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let mut c = std::process::Command::new("strace");
    c.current_dir(dir)
        .env("VSE_ASSESS_TODAY", common::TODAY)
        .args(["-f", "-e", "trace=fsync,renameat2"]);
    for inject in injects {
        c.arg("-e").arg(format!("inject={inject}"));
    }
    c.arg(env!("CARGO_BIN_EXE_vse-assess"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if uid != 0 {
        c.uid(uid).gid(GROUP);
    }
    unsafe {
        c.pre_exec(|| {
            libc::setgroups(0, std::ptr::null());
            libc::umask(0o002);
            Ok(())
        });
    }
    // strace's report is on stderr (another account may not open the test's pipes by
    // name), with the command's own messages.
    let mut child = c.spawn().unwrap();
    let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut meanwhile = Some(meanwhile);
    let mut said = String::new();
    for line in lines {
        let line = line.unwrap();
        said.push_str(&line);
        said.push('\n');
        if line.contains("--- stopped by SIGSTOP ---") {
            // `[pid N] ` once several processes are traced; else it is strace's child.
            let pid: i32 = match line.strip_prefix("[pid") {
                Some(rest) => rest
                    .trim_start()
                    .split(']')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap(),
                None => {
                    let id = child.id();
                    fs::read_to_string(format!("/proc/{id}/task/{id}/children"))
                        .unwrap()
                        .split_whitespace()
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap()
                }
            };
            if let Some(f) = meanwhile.take() {
                f();
            }
            unsafe { libc::kill(pid, libc::SIGCONT) };
        }
    }
    assert!(
        meanwhile.is_none() || injects.iter().all(|i| !i.contains("SIGSTOP")),
        "never stopped: {said}"
    );
    let mut out = child.wait_with_output().unwrap();
    out.stderr = said.into_bytes();
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut left: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    left
}

/// A colleague's `cp` of a text that does not parse as a record (an unknown key here, as
/// git conflict markers or a newer schema would be) lands while a group member's save is
/// stopped before its first swap; the save is killed as it swaps back. The next editor's
/// recovery puts their text back in the record's place, never removes it.
#[test]
fn a_colleagues_version_that_does_not_parse_survives_a_killed_save() {
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let audits = file.parent().unwrap().to_owned();
    let theirs = format!(
        "{}[requirements.\"7.2.e\"]\nrating = \"F\"\nnotes = \"colleague work\"\nreviewed_by = \"ann\"\n",
        fs::read_to_string(&file).unwrap()
    );
    assert!(store::parse(&file, &theirs).is_err());
    let out = traced(
        &audits,
        INTERVIEW,
        &[
            "fsync:signal=SIGSTOP:when=1",
            "renameat2:signal=SIGKILL:when=2",
        ],
        &[
            "answer", "a.toml", "7.2.b", "--rating", "P", "--note", "two",
        ],
        || fs::write(&file, &theirs).unwrap(),
    );
    assert!(!out.status.success());
    drop(vse_assess::record::lock::lock(&file).unwrap());
    assert_eq!(fs::read_to_string(&file).unwrap(), theirs);
    assert_eq!(owner_and_mode(&file), (AUDITOR, GROUP, 0o664));
    assert_eq!(names_in(&audits), ["a.toml"]);
}

/// The rewrite of the record's own file fails after the first swap (strace: EIO at the
/// second fsync): the record's name already holds the whole new text, which stays the
/// record (its mode without the save's mark, a new file of the saver's), and the save
/// succeeds; the next save is no conflict.
#[test]
fn a_failed_rewrite_leaves_the_new_text_saved() {
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let audits = file.parent().unwrap().to_owned();
    let out = traced(
        &audits,
        INTERVIEW,
        &["fsync:error=EIO:when=2"],
        &["answer", "a.toml", "7.2.a", "--note", "kept"],
        || {},
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let r = common::opened(&file);
    assert_eq!(r.record.answer("7.2.a").unwrap().notes, "kept");
    assert_eq!(owner_and_mode(&file), (INTERVIEW, GROUP, 0o664));
    assert_eq!(names_in(&audits), ["a.toml"]);
    let out = as_user(
        &audits,
        AUDITOR,
        &["answer", "a.toml", "7.2.a", "--note", "next"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(names_in(&audits), ["a.toml"]);
}

/// In a set-group-id folder a save's temporary file is made with the folder's group: it is
/// given the record's group before the record's mode (root may), or else only its owner
/// may read it (the owner, not in the record's group, may not give it). At no moment may
/// a group that may not read the record read the new text.
#[test]
fn a_save_never_shows_the_new_text_to_another_group() {
    use std::os::unix::fs::PermissionsExt;
    *store::HOOK.write().unwrap() = Some(at_step);
    let tmp = TempDir::new().unwrap();
    let first = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let path = first.with_file_name("group.toml");
    fs::rename(&first, &path).unwrap();
    std::os::unix::fs::chown(&path, Some(AUDITOR), Some(5555)).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    for uid in [0, AUDITOR] {
        SEEN.lock().unwrap().clear();
        let saved = on_thread_as(uid, {
            let path = path.clone();
            move || {
                let mut opened = store::open(&path, &Access::Unrestricted, common::today())
                    .map_err(|e| e.to_string())?;
                opened
                    .record
                    .requirements
                    .entry(String::from("7.2.a"))
                    .or_default()
                    .notes = format!("by {uid}");
                store::save(&mut opened).map_err(|e| e.to_string())
            }
        });
        assert!(saved.is_ok(), "uid {uid}: {saved:?}");
        let seen = SEEN.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "uid {uid}");
        let (gid, mode) = seen[0];
        assert!(
            gid == 5555 || mode & 0o077 == 0,
            "uid {uid}: the new text was group {gid}, mode {mode:04o}"
        );
        assert_eq!(owner_and_mode(&path), (AUDITOR, 5555, 0o640), "uid {uid}");
    }
}

/// No record is left with the save's mark (the sticky bit): not after a colleague's write
/// between the swaps and a kill, once the next editor has taken the lock, nor a record
/// that carried the bit, once saved. Records never carry it.
#[test]
fn no_record_is_left_with_the_save_mark() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let audits = file.parent().unwrap().to_owned();
    let theirs = format!("{}# theirs\n", fs::read_to_string(&file).unwrap());
    let out = traced(
        &audits,
        INTERVIEW,
        &[
            "fsync:signal=SIGSTOP:when=2",
            "renameat2:signal=SIGKILL:when=2",
        ],
        &["answer", "a.toml", "7.2.a", "--note", "mine"],
        || fs::write(&file, &theirs).unwrap(),
    );
    assert!(!out.status.success());
    drop(vse_assess::record::lock::lock(&file).unwrap());
    assert_eq!(fs::read_to_string(&file).unwrap(), theirs);
    let mode = fs::metadata(&file).unwrap().mode() & 0o7777;
    assert_eq!(mode & 0o1000, 0, "left marked: {mode:04o}");
    // A record of the auditor's that carried the bit loses it at the next edit.
    let own = audits.join("b.toml");
    fs::copy(&file, &own).unwrap();
    std::os::unix::fs::chown(&own, Some(AUDITOR), Some(GROUP)).unwrap();
    fs::set_permissions(&own, fs::Permissions::from_mode(0o1664)).unwrap();
    let out = as_user(
        &audits,
        AUDITOR,
        &["answer", "b.toml", "7.2.a", "--note", "x"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(owner_and_mode(&own), (AUDITOR, GROUP, 0o664));
}

/// Root's save of the auditor's 0644 record killed between its swaps leaves the record's
/// name with root's file: the owner's next edit takes the lock first, which finishes that
/// save, and the record is the owner's again.
#[test]
fn the_owner_can_edit_after_roots_save_was_killed_between_the_swaps() {
    use std::os::unix::fs::PermissionsExt;
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    let audits = file.parent().unwrap().to_owned();
    let out = traced(
        &audits,
        0,
        &["renameat2:signal=SIGKILL:when=2"],
        &["answer", "a.toml", "7.2.a", "--note", "by root"],
        || {},
    );
    assert!(!out.status.success());
    let out = as_user(
        &audits,
        AUDITOR,
        &["answer", "a.toml", "7.2.b", "--note", "mine"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(owner_and_mode(&file), (AUDITOR, GROUP, 0o644));
    let r = common::opened(&file);
    assert_eq!(r.record.answer("7.2.b").unwrap().notes, "mine");
    assert_eq!(names_in(&audits), ["a.toml"]);
}

/// A temporary file of another account's stopped save that this account may not read (it
/// stopped before the file had the record's mode) cannot be judged: it is never removed,
/// and the lock's note says it was left.
#[test]
fn an_unreadable_temporary_file_is_left_and_said_so() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let temp = file.with_file_name(".a.toml.Ab3dE6.0123456789abcdef.tmp");
    fs::write(&temp, "# someone's text\n").unwrap();
    std::os::unix::fs::chown(&temp, Some(INTERVIEW), Some(GROUP)).unwrap();
    fs::set_permissions(&temp, fs::Permissions::from_mode(0o600)).unwrap();
    let note = on_thread_as(AUDITOR, {
        let file = file.clone();
        move || {
            vse_assess::record::lock::lock(&file)
                .unwrap()
                .note()
                .map(str::to_owned)
        }
    });
    assert_eq!(fs::read_to_string(&temp).unwrap(), "# someone's text\n");
    assert!(
        note.is_some_and(|n| n.contains("may not read") && n.contains(".a.toml.Ab3dE6.")),
        "the note does not say so"
    );
}

/// A save killed right after its first swap (strace: SIGKILL on entering the truncation of
/// the record's own file, now at the temporary name and still holding the text the save
/// loaded; the first truncation is the lock's): a reader already sees the new text at the
/// record's name. The next edit's recovery completes that save rather than putting the
/// previous text back: the record holds the new text plus the next edit, is the auditor's
/// own file with its mode (no save's mark), and nothing is left beside it.
#[test]
fn a_save_killed_after_its_first_swap_is_completed_by_the_next_edit() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    if !common::tools(&["strace"], "apt-get install strace") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let file = shared_record(tmp.path(), &fs::read_to_string(common::AUDIT).unwrap());
    let audits = file.parent().unwrap().to_owned();
    let ino = fs::metadata(&file).unwrap().ino();
    let mut c = std::process::Command::new("strace");
    c.current_dir(&audits)
        .env("VSE_ASSESS_TODAY", common::TODAY)
        .args(["-f", "-qq", "-o", "/dev/null", "-e", "trace=ftruncate"])
        .arg("--inject=ftruncate:signal=SIGKILL:when=2")
        .arg(env!("CARGO_BIN_EXE_vse-assess"))
        .args(["answer", "a.toml", "7.2.a", "--note", "seen"])
        .uid(INTERVIEW)
        .gid(GROUP);
    unsafe {
        c.pre_exec(|| {
            libc::setgroups(0, std::ptr::null());
            Ok(())
        });
    }
    let out = c.output().unwrap();
    assert!(!out.status.success());
    // What a reader sees now: the new text, at the record's name.
    let seen = store::parse(&file, &fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(seen.answer("7.2.a").unwrap().notes, "seen");
    let out = as_user(
        &audits,
        AUDITOR,
        &["answer", "a.toml", "7.2.b", "--note", "next"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = common::opened(&file);
    assert_eq!(r.record.answer("7.2.a").unwrap().notes, "seen");
    assert_eq!(r.record.answer("7.2.b").unwrap().notes, "next");
    assert_eq!(owner_and_mode(&file), (AUDITOR, GROUP, 0o664));
    assert_eq!(fs::metadata(&file).unwrap().ino(), ino);
    assert_eq!(names_in(&audits), ["a.toml"]);
}
