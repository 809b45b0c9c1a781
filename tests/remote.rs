//! Remote interviews: participants following an editing session live, and the bytes every
//! kind of terminal gets (vt100, the Linux console, an xterm; UTF-8 or not).

use crate::common;

use std::time::Duration;

use common::{Pty, new_record};
use tempfile::TempDir;
use vse_assess::rating::Judgement;
use vse_assess::record::access::Access;
use vse_assess::record::store;

const UTF8: (&str, &str) = ("LANG", "C.UTF-8");
/// Locale variables that would override LANG.
const LOCALE: &[&str] = &["LC_ALL", "LC_CTYPE"];

/// An editor and two followers: each saved change and the question the editor is on reach
/// both followers within a second of being on disk, and a follower doing nothing wakes up
/// for nothing (file notifications, no polling). Followers never take the lock.
#[test]
fn two_followers_see_the_editor_live_and_idle_for_free() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    new_record(dir, "a.toml");
    let env = [UTF8, ("TERM", "xterm-256color")];
    let mut editor = Pty::start(dir, &["interview", "a.toml"], &env, LOCALE);
    editor.wait_for("1 of 25");
    let followers: Vec<Pty> = (0..2)
        .map(|_| Pty::start(dir, &["interview", "--follow", "a.toml"], &env, LOCALE))
        .collect();
    for f in &followers {
        f.wait_for("READ-ONLY");
    }

    editor.send("f");
    editor.wait_for(" 7.2.a  F");
    let on_disk = |id: &str, j: Judgement| {
        store::open(&dir.join("a.toml"), &Access::Unrestricted, common::today())
            .ok()
            .and_then(|o| o.record.answer(id).and_then(|a| a.rating))
            == Some(j)
    };
    let start = std::time::Instant::now();
    while !on_disk("7.2.a", Judgement::F) {
        assert!(start.elapsed() < Duration::from_secs(5), "never saved");
        std::thread::sleep(Duration::from_millis(5));
    }
    for f in &followers {
        let took = f.wait_for(" 7.2.a  F");
        assert!(took < Duration::from_secs(1), "a follower took {took:?}");
    }

    // The editor moves on: so do the followers.
    editor.send("\r");
    editor.wait_for("2 of 25");
    for f in &followers {
        let took = f.wait_for("2 of 25");
        assert!(took < Duration::from_secs(1), "a follower took {took:?}");
    }

    // Nothing happens: the followers do not wake.
    std::thread::sleep(Duration::from_millis(300));
    let before: Vec<u64> = followers.iter().map(Pty::wake_ups).collect();
    std::thread::sleep(Duration::from_secs(3));
    let after: Vec<u64> = followers.iter().map(Pty::wake_ups).collect();
    for (b, a) in before.iter().zip(&after) {
        assert!(a - b <= 1, "an idle follower woke {} times in 3 s", a - b);
    }

    // A follower can leave; the editor still holds the record and saves.
    let mut followers = followers;
    for f in &mut followers {
        f.send("q");
        f.wait_exit();
    }
    editor.send("p");
    editor.wait_for(" 7.2.b  P");
    editor.send("q");
    editor.wait_exit();
    assert!(on_disk("7.2.b", Judgement::P));
}

/// Runs an interview in `term` with `locale`, rates one requirement and quits: every byte it
/// wrote to the terminal.
fn bytes_in(term: &str, locale: &str) -> Vec<u8> {
    let tmp = TempDir::new().unwrap();
    new_record(tmp.path(), "a.toml");
    let mut s = Pty::start(
        tmp.path(),
        &["interview", "a.toml"],
        &[("TERM", term), ("LANG", locale)],
        &["LC_ALL", "LC_CTYPE", "NO_COLOR", "COLORTERM"],
    );
    s.wait_for("1 of 25");
    s.send("l");
    s.wait_for("7.2.a  L");
    s.send("t");
    s.send("é→x");
    std::thread::sleep(Duration::from_millis(200));
    s.send("\x1b");
    s.send("q");
    s.wait_exit();
    s.bytes.lock().unwrap().clone()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The colour parameters of every select-graphic-rendition sequence written.
fn sgr_params(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split("\x1b[")
        .skip(1)
        .filter_map(|rest| {
            let end = rest.find(|c: char| ('\x40'..='\x7e').contains(&c))?;
            (rest.as_bytes()[end] == b'm').then(|| rest[..end].to_string())
        })
        .collect()
}

#[test]
fn a_vt100_in_the_c_locale_gets_no_colour_no_sync_codes_and_only_ascii() {
    let bytes = bytes_in("vt100", "C");
    assert!(!contains(&bytes, b"38;5;") && !contains(&bytes, b"48;5;"));
    assert!(
        !contains(&bytes, b"\x1b[?2026"),
        "synchronized-update codes sent"
    );
    for params in sgr_params(&bytes) {
        for p in params.split(';') {
            let n: u32 = p.parse().unwrap_or(0);
            assert!(
                !(30..=49).contains(&n) && !(90..=107).contains(&n),
                "a colour code on a monochrome terminal: {params}"
            );
        }
    }
    assert!(bytes.is_ascii(), "non-ASCII bytes in the C locale");
    // Bold and reverse still mark the selection.
    assert!(
        sgr_params(&bytes)
            .iter()
            .any(|p| p.split(';').any(|x| x == "7"))
    );
}

#[test]
fn the_linux_console_gets_16_colours_and_an_xterm_its_sync_codes() {
    let linux = bytes_in("linux", "C");
    assert!(!contains(&linux, b"38;5;") && !contains(&linux, b"48;5;"));
    assert!(!contains(&linux, b"\x1b[?2026"));
    assert!(linux.is_ascii());
    assert!(
        sgr_params(&linux).iter().any(|p| p
            .split(';')
            .any(|x| matches!(x.parse(), Ok(30..=37 | 90..=97)))),
        "the 16 colours are used"
    );
    let xterm = bytes_in("xterm-256color", "C.UTF-8");
    assert!(!contains(&xterm, b"38;5;") && !contains(&xterm, b"48;5;"));
    assert!(contains(&xterm, b"\x1b[?2026h") && contains(&xterm, b"\x1b[?2026l"));
    assert!(std::str::from_utf8(&xterm).is_ok_and(|s| s.contains('│') && s.contains('é')));
}

/// Restricted, a record's questionnaire is a built-in one or a file in the record's folder:
/// never one from the working folder or beyond.
#[test]
fn restricted_reads_no_questionnaire_from_elsewhere() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("questionnaires")).unwrap();
    std::fs::create_dir_all(dir.join("rec")).unwrap();
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/iso29110-4-2-om.toml"
    ))
    .unwrap()
    .replace("id = \"iso29110-4-2-om\"", "id = \"custom\"");
    std::fs::write(dir.join("questionnaires/custom.toml"), &shipped).unwrap();
    std::fs::write(dir.join("rec/custom.toml"), &shipped).unwrap();
    let run = |args: &[&str]| {
        assert_cmd::Command::from_std(common::command(dir))
            .args(args)
            .write_stdin("")
            .output()
            .unwrap()
    };
    // Made from the working folder's questionnaire; and one from the record's own folder.
    assert!(
        run(&["new", "rec/a.toml", "--questionnaire", "custom"])
            .status
            .success()
    );
    assert!(
        run(&["new", "rec/b.toml", "--questionnaire", "rec/custom.toml"])
            .status
            .success()
    );
    let out = run(&["interview", "--restricted", "rec/a.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "restricted: its questionnaire must be built in or a file in the record's folder"
        ),
        "{err}"
    );
    let out = run(&["interview", "--restricted", "rec/b.toml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Requirement 1 of 25"));
}
