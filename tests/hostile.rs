//! Broken and hostile input: truncated, binary, huge and deeply nested files give a clear
//! error and never a panic or a hang; any text at any terminal size draws cleanly.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common;

use common::{AUDIT, vse};
use proptest::prelude::*;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use tempfile::TempDir;
use vse_assess::LoadError;
use vse_assess::record::access::Access;
use vse_assess::record::store;
use vse_assess::tui::action::Action;
use vse_assess::tui::app::App;

#[test]
fn a_100_mb_file_is_refused_without_reading_it() {
    let tmp = TempDir::new().unwrap();
    let f = fs::File::create(tmp.path().join("huge.toml")).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    drop(f);
    let start = Instant::now();
    for args in [
        &["validate", "huge.toml"][..],
        &["answer", "huge.toml", "7.2.a", "--rating", "F"],
        &["report", "huge.toml"],
    ] {
        let out = vse(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("huge.toml: too large to be a questionnaire or a record (over 16 MiB)"),
            "{err}"
        );
    }
    assert!(start.elapsed() < Duration::from_secs(10));
    assert_eq!(
        fs::metadata(tmp.path().join("huge.toml")).unwrap().len(),
        100 * 1024 * 1024
    );
}

#[test]
fn every_truncation_of_a_record_is_an_error_or_a_valid_record() {
    let text = fs::read_to_string(AUDIT).unwrap();
    let file = Path::new("cut.toml");
    let mut errors = 0;
    for cut in (0..text.len())
        .filter(|i| text.is_char_boundary(*i))
        .step_by(13)
    {
        match store::parse(file, &text[..cut]) {
            Ok(_) => {}
            Err(LoadError::Invalid { problems, .. }) => {
                errors += 1;
                let d = &problems[0];
                assert!(d.line >= 1 && d.column >= 1);
                assert!(d.to_string().starts_with("cut.toml:"), "{d}");
            }
            Err(e) => panic!("unexpected {e}"),
        }
    }
    assert!(errors > 100, "{errors}");
}

#[test]
fn deep_nesting_and_duplicate_tables_are_reported() {
    let tmp = TempDir::new().unwrap();
    let deep = format!(
        "schema = 1\nx = {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    fs::write(tmp.path().join("deep.toml"), &deep).unwrap();
    let out = vse(tmp.path(), &["validate", "deep.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("deep.toml:2:"), "{err}");

    let text = fs::read_to_string(AUDIT).unwrap();
    let dup = text.replacen("[requirements.\"7.2.b\"]", "[requirements.\"7.2.a\"]", 1);
    fs::write(tmp.path().join("dup.toml"), &dup).unwrap();
    let out = vse(tmp.path(), &["validate", "dup.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let line = dup
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "[requirements.\"7.2.a\"]")
        .nth(1)
        .unwrap()
        .0
        + 1;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("dup.toml:{line}:")), "{err}");
}

/// A record with `n` answers to requirements its questionnaire does not have.
fn unknown_keys(n: usize) -> String {
    let mut text = fs::read_to_string(AUDIT).unwrap();
    for i in 0..n {
        text.push_str(&format!("\n[requirements.\"9.9.x{i}\"]\nnotes = \"?\"\n"));
    }
    text
}

/// Seconds to load a record with `n` unknown keys and show its problems: the best of three
/// runs, so that another test running at the same time does not decide the result.
fn seconds_to_report(dir: &Path, n: usize) -> f64 {
    let path = dir.join(format!("unknown-{n}.toml"));
    fs::write(&path, unknown_keys(n)).unwrap();
    (0..3)
        .map(|_| {
            let start = Instant::now();
            match store::open(&path, &Access::Unrestricted, common::today()) {
                Err(e @ LoadError::Invalid { .. }) => {
                    let shown = e.to_string();
                    assert_eq!(shown.lines().count(), n);
                    assert!(
                        shown.contains("unknown requirement `9.9.x0`"),
                        "{shown:.300}"
                    );
                }
                other => panic!("expected problems, got {other:?}"),
            }
            start.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Every problem of a file is listed, in time linear in their number: four times the unknown
/// keys take about four times as long, not sixteen.
#[test]
fn problems_are_reported_in_linear_time() {
    let tmp = TempDir::new().unwrap();
    let small = seconds_to_report(tmp.path(), 5_000);
    let large = seconds_to_report(tmp.path(), 20_000);
    assert!(
        large < 8.0 * small,
        "5,000 unknown keys: {small:.3} s; 20,000: {large:.3} s ({:.1} times)",
        large / small
    );
}

#[test]
fn random_bytes_never_panic() {
    // A small deterministic generator: the same bytes on every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..300 {
        let len = (round * 7) % 400;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly TOML-ish characters, with some of anything.
                b"[]=\"'.{}#\n abc1-_"[(x % 17) as usize].wrapping_add(if x.is_multiple_of(11) {
                    (x >> 8) as u8
                } else {
                    0
                })
            })
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = store::parse(Path::new("r.toml"), &text);
        let _ = vse_assess::questionnaire::parse(Path::new("q.toml"), &text);
    }
}

fn render(app: &App, w: u16, h: u16) -> ratatui::buffer::Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    t.backend().buffer().clone()
}

/// The bytes a frame sends to the terminal: what a user's terminal would interpret.
fn terminal_bytes(app: &App, w: u16, h: u16) -> Vec<u8> {
    #[derive(Clone, Default)]
    struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let backend = CrosstermBackend::new(sink.clone());
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
    };
    let mut t = Terminal::with_options(backend, options).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    sink.0.borrow().clone()
}

/// Why `bytes` could drive or disguise a terminal, if they could: anything but the backend's
/// own CSI sequences (cursor moves, colours), a raw control character, a C1 control or a
/// bidirectional override.
fn unsafe_bytes(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        if c == '\u{1b}' {
            if !text[i + 1..].starts_with('[') {
                return Some(format!("escape sequence other than CSI at byte {i}"));
            }
        } else if c.is_control() {
            return Some(format!("control character {c:?} at byte {i}"));
        } else if matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            return Some(format!("bidirectional control {c:?} at byte {i}"));
        }
    }
    None
}

#[test]
fn hostile_text_is_shown_as_symbols_and_never_sent_raw() {
    let (_tmp, mut app) = example_app();
    app.opened.record.assessment.vse = "x\u{1b}]52;c;eA==\u{7}y \u{202e}dlrow \u{9b}6n".into();
    let bytes = terminal_bytes(&app, 80, 24);
    assert_eq!(unsafe_bytes(&bytes), None);
    let text = String::from_utf8_lossy(&bytes);
    // Visible, so that a reader sees something is there.
    assert!(
        text.contains("x\u{241b}]52;c;eA==\u{2407}y \u{fffd}dlrow \u{fffd}6n"),
        "{text}"
    );
    assert!(unsafe_bytes(b"ok \x1b[1m bold").is_none());
    assert!(
        unsafe_bytes(b"\x1b]52;c;eA==\x07").is_some(),
        "the check itself can fail"
    );
}

fn nasty_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        Just("中文".to_string()),
        Just("👩‍💻".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{202e}".to_string()),
        Just("\u{1b}]52;c;eA==\u{7}".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        "[a-z]{1,12}",
    ];
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

fn example_app() -> (TempDir, App) {
    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("a.toml");
    fs::copy(AUDIT, &path).unwrap();
    let app = App::new(common::opened(&path));
    (tmp, app)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any text in every field a user fills, at any size from 20 to 300 columns, on every
    /// screen: no panic, nothing but the backend's own sequences in the bytes sent to the
    /// terminal, and at a usable size the
    /// header and the key help stay on their rows.
    #[test]
    fn any_text_at_any_size_draws_cleanly(text in nasty_text(), w in 20u16..=300, h in 8u16..=60, screen in 0usize..6) {
        let (_tmp, mut app) = example_app();
        app.opened.record.assessment.vse = text.clone();
        for a in app.opened.record.requirements.values_mut() {
            a.notes = text.clone();
            a.interviewed = vec![text.clone()];
        }
        for f in &mut app.opened.record.findings {
            f.text = text.clone();
            for x in &mut f.actions {
                x.what = text.clone();
            }
        }
        for e in &mut app.opened.record.evidence {
            e.title = text.clone();
        }
        let go = [None, Some(Action::ShowGuidance), Some(Action::ShowEvidence), Some(Action::ShowSummary), Some(Action::ShowSetup), Some(Action::AddFinding)];
        if let Some(a) = go[screen].clone() {
            app.update(a);
        }
        let bytes = terminal_bytes(&app, w, h);
        prop_assert_eq!(unsafe_bytes(&bytes), None, "({}x{})", w, h);
        let buf = render(&app, w, h);
        if w >= 60 && h >= 18 {
            let row = |y: u16| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>();
            prop_assert!(row(0).contains("no changes") || row(0).contains("saved"), "header: {}", row(0));
            let last = row(h - 1);
            prop_assert!(last.contains("help") || last.contains("confirm"), "footer: {last}");
        }
    }
}

/// Restricted, nothing outside the record's folder is looked at, links included: a
/// questionnaire that is a link in the folder to a file elsewhere, or to a FIFO elsewhere
/// (which would block whoever opened it), is refused at once, and no system call names
/// anything outside the folder.
#[test]
fn restricted_never_looks_through_a_link_out_of_the_folder() {
    if !common::tools(&["strace", "mkfifo"], "apt-get install strace coreutils") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let (rec, elsewhere) = (dir.join("rec"), dir.join("elsewhere-b7q"));
    fs::create_dir_all(&rec).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    let shipped = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/questionnaires/iso29110-4-2-om.toml"
    ))
    .unwrap()
    .replace("id = \"iso29110-4-2-om\"", "id = \"custom\"");
    fs::write(rec.join("custom.toml"), &shipped).unwrap();
    let out = vse(
        dir,
        &["new", "rec/a.toml", "--questionnaire", "rec/custom.toml"],
    );
    assert!(out.status.success(), "{out:?}");
    fs::write(elsewhere.join("custom.toml"), &shipped).unwrap();
    let fifo = elsewhere.join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for target in [elsewhere.join("custom.toml"), fifo] {
        fs::remove_file(rec.join("custom.toml")).unwrap();
        std::os::unix::fs::symlink(&target, rec.join("custom.toml")).unwrap();
        let log = dir.join("strace.log");
        // Bounded: a FIFO opened would block it for good.
        let out = assert_cmd::Command::new("strace")
            .current_dir(dir)
            .args(["-f", "-qq", "-e", "trace=%file", "-o"])
            .arg(&log)
            .arg(env!("CARGO_BIN_EXE_vse-assess"))
            .args(["interview", "--restricted", "--plain", "rec/a.toml"])
            .write_stdin("")
            .timeout(Duration::from_secs(20))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("its questionnaire must be built in or a file in the record's folder"),
            "{err}"
        );
        let calls = fs::read_to_string(&log).unwrap();
        let outside: Vec<&str> = calls
            .lines()
            .filter(|l| l.contains("elsewhere-b7q"))
            .collect();
        assert!(
            outside.is_empty(),
            "looked outside:\n{}",
            outside.join("\n")
        );
        // The link is looked at itself, never read.
        assert!(
            !calls
                .lines()
                .any(|l| l.contains("readlink") && l.contains("custom.toml")),
            "{calls}"
        );
    }
}
