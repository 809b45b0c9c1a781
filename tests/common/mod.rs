//! What the integration tests share: Annex A of ISO/IEC 29110-4-2:2021 (Tables A.1-A.4),
//! written out by hand from the standard, independently of the shipped questionnaire file;
//! the one way to run the binary ([`command`], and on it [`vse`], [`ok`], [`refused`],
//! [`fails`]) on a fixed [`TODAY`]; the records tests start from ([`AUDIT`], [`new_record`],
//! [`signed_off_example`]); [`tools`] for tests that drive other programs; [`Tmux`] and
//! [`Pty`] for the interview on a real terminal.
//!
//! A test that needs a record of a particular shape starts from a fixture of its own in
//! `tests/fixtures` ([`AUDIT`] for a complete audit) or builds it here, never from the shipped
//! example ([`EXAMPLE`]): that is documentation, free to change for its readers, and read only
//! by the tests of the example itself.
#![allow(dead_code)]

pub const S12207: &str = "ISO/IEC/IEEE 12207:2017";
pub const S9001: &str = "ISO 9001:2015";

/// One Annex A row: requirement, base standard, clause (or, for the rows that give none, the
/// 12207 place their remark cites), items, note, and whether the row is such a remark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub req: &'static str,
    pub standard: &'static str,
    pub clause: &'static str,
    pub items: Option<&'static str>,
    pub note: Option<&'static str>,
    pub remark: bool,
}

const fn c(
    req: &'static str,
    standard: &'static str,
    clause: &'static str,
    items: &'static str,
) -> Row {
    Row {
        req,
        standard,
        clause,
        items: Some(items),
        note: None,
        remark: false,
    }
}

const fn remark(req: &'static str) -> Row {
    Row {
        req,
        standard: S12207,
        clause: "6.4.1.1 NOTE 1",
        items: None,
        note: None,
        remark: true,
    }
}

pub const ANNEX_A: &[Row] = &[
    // Table A.1 OM
    remark("7.2.a"),
    c("7.2.b", S12207, "6.2.1.2", "b"),
    c("7.2.b", S9001, "5.1.1", "h"),
    remark("7.2.c"),
    c("7.2.d", S12207, "6.2.5.2", "b"),
    Row {
        req: "7.2.d",
        standard: S12207,
        clause: "6.2.5.3",
        items: Some("a"),
        note: Some("NOTE 2"),
        remark: false,
    },
    c("7.2.d", S9001, "5.1.2", "a"),
    c("7.2.e", S12207, "6.2.2.2", "a-b"),
    c("7.2.f", S12207, "6.2.1.2", "a"),
    c("7.2.f", S9001, "5.1.1", "f"),
    c("7.2.g", S9001, "5.1.2", "b-c"),
    c("7.2.g", S12207, "6.3.4.3", "a"),
    // Table A.2 RM
    c("7.3.a", S12207, "6.1.1.3", "a"),
    c("7.3.b", S12207, "6.2.4.2", "a, c"),
    c("7.3.b", S12207, "6.2.6.2", "b-c"),
    c("7.3.c", S12207, "6.2.4.2", "b"),
    c("7.3.d", S12207, "6.2.2.2", "a-d"),
    Row {
        req: "7.3.d",
        standard: S9001,
        clause: "7.1.3",
        items: None,
        note: None,
        remark: false,
    },
    c("7.3.e", S12207, "6.2.2.3", "b"),
    c("7.3.e", S9001, "7.1.1", "a"),
    c("7.3.f", S12207, "6.2.4.2", "d"),
    c("7.3.g", S12207, "6.2.6.2", "a, d"),
    // Table A.3 PSM
    c("7.4.a", S12207, "6.2.1.2", "c-d"),
    c("7.4.b", S12207, "6.2.1.2", "a"),
    c("7.4.b", S9001, "4.4.1", "a, b, d"),
    c("7.4.b", S9001, "4.4.2", "a"),
    c("7.4.c", S12207, "6.2.1.2", "b"),
    c("7.4.c", S9001, "4.4.1", "e"),
    c("7.4.d", S9001, "4.4.2", "b"),
    c("7.4.e", S9001, "4.4.1", "g"),
    c("7.4.e", S12207, "6.2.1.2", "c"),
    c("7.4.f", S9001, "4.4.1", "h"),
    c("7.4.f", S12207, "6.3.1.3", "b"),
    // Table A.4 PPM
    remark("7.5.a"),
    c("7.5.b", S12207, "6.1.2.2", "c"),
    c("7.5.b", S12207, "6.2.3.2", "e"),
    c("7.5.c", S12207, "6.2.3.2", "d"),
    c("7.5.d", S12207, "6.2.3.2", "e-f"),
    c("7.5.d", S12207, "6.3.2.3.b", "7"),
    c("7.5.d", S12207, "6.3.2.3.c", "4"),
    c("7.5.e", S12207, "6.3.4.2", "a-e"),
];

/// The 25 mandatory requirements of clause 7.
pub const IDS: [&str; 25] = [
    "7.2.a", "7.2.b", "7.2.c", "7.2.d", "7.2.e", "7.2.f", "7.2.g", "7.3.a", "7.3.b", "7.3.c",
    "7.3.d", "7.3.e", "7.3.f", "7.3.g", "7.4.a", "7.4.b", "7.4.c", "7.4.d", "7.4.e", "7.4.f",
    "7.5.a", "7.5.b", "7.5.c", "7.5.d", "7.5.e",
];

/// The verbs each clause 7 requirement demands, in clause order.
pub const FACETS: [(&str, &[&str]); 25] = [
    ("7.2.a", &["defined", "communicated", "maintained"]),
    ("7.2.b", &["assigned"]),
    // Each object (plan, budget, objectives) is defined; the other verbs cover all three.
    (
        "7.2.c",
        &[
            "strategic plan defined",
            "budget defined",
            "measurable objectives defined",
            "communicated",
            "maintained",
            "monitored",
        ],
    ),
    (
        "7.2.d",
        &[
            "defined",
            "aimed at customer satisfaction",
            "communicated",
            "maintained",
            "monitored",
        ],
    ),
    ("7.2.e", &["identified", "made available"]),
    ("7.2.f", &["identified", "communicated", "monitored"]),
    (
        "7.2.g",
        &[
            "defined",
            "communicated",
            "reviewed",
            "maintained",
            "monitored",
        ],
    ),
    (
        "7.3.a",
        &["defined", "communicated", "enhanced", "monitored"],
    ),
    (
        "7.3.b",
        &["determined", "developed, maintained or enhanced"],
    ),
    (
        "7.3.c",
        &[
            "provided to processes",
            "provided to projects",
            "as requested",
            "as needed",
        ],
    ),
    (
        "7.3.d",
        &[
            "provided or acquired for processes",
            "provided or acquired for projects",
            "as requested",
            "as needed",
            "stable",
            "reliable",
        ],
    ),
    ("7.3.e", &["maintained", "controlled"]),
    (
        "7.3.f",
        &[
            "resolved",
            "capabilities weighed",
            "constraints weighed",
            "internal and external resources considered",
        ],
    ),
    (
        "7.3.g",
        &["defined", "communicated", "enhanced", "monitored"],
    ),
    (
        "7.4.a",
        &[
            "definition and training planned",
            "deployment and performance planned",
            "evaluation and improvement planned",
            "communicated",
            "monitored",
        ],
    ),
    (
        "7.4.b",
        &[
            "objectives identified and recorded",
            "resources identified and recorded",
            "information and documentation identified and recorded",
            "reviewed",
            "made available",
        ],
    ),
    ("7.4.c", &["defined", "assigned", "communicated"]),
    (
        "7.4.d",
        &["collected", "stored", "analysed", "interpreted", "informed"],
    ),
    ("7.4.e", &["evaluated", "documented"]),
    (
        "7.4.f",
        &["used to support decisions", "basis for improvement"],
    ),
    (
        "7.5.a",
        &["defined", "communicated", "enhanced", "monitored"],
    ),
    (
        "7.5.b",
        &[
            "established",
            "development and maintenance covered",
            "operation covered",
            "packaging and delivery covered",
            "installation covered",
        ],
    ),
    ("7.5.c", &["defined"]),
    ("7.5.d", &["held", "monitored", "made known"]),
    ("7.5.e", &["identified", "recorded", "tracked to closure"]),
];

/// Whether the external tools a test drives are installed. Without them the test is skipped
/// locally, but fails where the environment requires them (`CI` or `VSE_ASSESS_REQUIRE_TOOLS`
/// set): CI must never pass by skipping.
pub fn tools(names: &[&str], install: &str) -> bool {
    let on_path = |tool: &str| {
        if tool.contains('/') {
            return std::path::Path::new(tool).is_file();
        }
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
    };
    let missing: Vec<&str> = names.iter().copied().filter(|t| !on_path(t)).collect();
    if missing.is_empty() {
        return true;
    }
    let required =
        std::env::var_os("CI").is_some() || std::env::var_os("VSE_ASSESS_REQUIRE_TOOLS").is_some();
    assert!(
        !required,
        "{} required here but not installed ({install})",
        missing.join(", ")
    );
    eprintln!("skipping: {} not installed ({install})", missing.join(", "));
    false
}

/// The shipped example record: documentation. Read only by the tests of the example itself
/// (the reports rendered beside it are what the code renders from it).
pub const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/reports/example-assessment.toml"
);

/// A complete audit, for the tests that need one: a draft third-party audit of every
/// requirement, with findings NC-1 to NC-7, actions, its team, sessions and
/// evidence (a copy of the example, kept for the tests).
pub const AUDIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/audit.toml");

/// The vse-assess binary, to be run in `dir`: every test starts it through here. A test
/// that needs input or a time bound wraps it (`assert_cmd::Command::from_std`).
pub fn command(dir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vse-assess"));
    cmd.current_dir(dir);
    // Today is given, so that the tests' sign-offs (dated 2026-11-20) hold on any day.
    cmd.env("VSE_ASSESS_TODAY", TODAY);
    cmd
}

/// The day the tests run on, as far as the program knows.
pub const TODAY: &str = "2026-11-30";

/// [`TODAY`] as a date, for what the tests open themselves.
pub fn today() -> jiff::civil::Date {
    TODAY.parse().expect("a date")
}

/// The record file at `path`, opened as the commands open it, on [`TODAY`].
pub fn opened(path: &std::path::Path) -> vse_assess::record::store::Opened {
    vse_assess::record::store::open(
        path,
        &vse_assess::record::access::Access::Unrestricted,
        today(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The record at `path`, as [`opened`] reads it.
pub fn record(path: &std::path::Path) -> vse_assess::record::Record {
    opened(path).record
}

/// Runs `vse-assess ARGS` in `dir`.
pub fn vse(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    command(dir).args(args).output().unwrap()
}

/// Runs a command that must succeed; returns its stdout.
pub fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let out = vse(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command that must be refused as bad input (exit status 2); returns its stderr.
pub fn refused(dir: &std::path::Path, args: &[&str]) -> String {
    fails(dir, args, 2)
}

/// Runs a command that must fail with exit status `code`; returns its stderr.
pub fn fails(dir: &std::path::Path, args: &[&str], code: i32) -> String {
    let out = vse(dir, args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Creates `file` in `dir` with `vse-assess new`, for a VSE with one participant.
pub fn new_record(dir: &std::path::Path, file: &str) {
    ok(
        dir,
        &[
            "new",
            file,
            "--vse",
            "Acme Soft",
            "--participant",
            "Bob Boss:director",
        ],
    );
}

/// A detached 80x24 tmux session on its own socket, read and typed into as a person would.
pub struct Tmux {
    socket: std::path::PathBuf,
}

impl Tmux {
    /// Starts `command` (a shell command line) in a new session.
    pub fn start(socket: std::path::PathBuf, command: &str) -> Tmux {
        let tmux = Tmux { socket };
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            command,
        ]);
        tmux
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p"])
    }

    /// Waits until the screen shows `text`; fails with the screen if it never does.
    pub fn wait_for(&self, text: &str) {
        let start = std::time::Instant::now();
        while !self.screen().contains(text) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(15),
                "never showed {text:?}:\n{}",
                self.screen()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Sends keys (tmux key names), then waits for their effect to show.
    pub fn keys(&self, keys: &[&str], then: &str) {
        let mut args = vec!["send-keys"];
        args.extend(keys);
        self.run(&args);
        self.wait_for(then);
    }

    /// Types `text` literally and waits for it to show.
    pub fn text(&self, text: &str) {
        self.run(&["send-keys", "-l", text]);
        self.wait_for(text);
    }

    /// The pid of the program in the window.
    pub fn pane_pid(&self) -> u32 {
        self.run(&["display-message", "-p", "#{pane_pid}"])
            .trim()
            .parse()
            .unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// The real binary in a pseudo-terminal, with everything it writes kept as raw bytes and
/// as a screen (a vt100 emulator), for tests that check what reaches the terminal.
pub struct Pty {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn std::io::Write + Send>,
    pub bytes: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    screen: std::sync::Arc<std::sync::Mutex<vt100::Parser>>,
}

impl Pty {
    /// `vse-assess ARGS` in `dir`, 80x24, with `env` set (and `unset` removed).
    pub fn start(
        dir: &std::path::Path,
        args: &[&str],
        env: &[(&str, &str)],
        unset: &[&str],
    ) -> Pty {
        let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_vse-assess"));
        cmd.args(args);
        cmd.env("VSE_ASSESS_TODAY", TODAY);
        for v in unset {
            cmd.env_remove(v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        Pty::spawn(dir, cmd)
    }

    /// Any command in `dir`, 80x24.
    pub fn spawn(dir: &std::path::Path, mut cmd: portable_pty::CommandBuilder) -> Pty {
        use portable_pty::{PtySize, native_pty_system};
        use std::io::Read;
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        cmd.cwd(dir);
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let screen = std::sync::Arc::new(std::sync::Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        )));
        let (feed, show) = (bytes.clone(), screen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().extend_from_slice(&buf[..n]);
                show.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            child,
            _master: pty.master,
            writer,
            bytes,
            screen,
        }
    }

    pub fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn screen(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Whether the program is on the alternate screen (a full-screen interview).
    pub fn alternate_screen(&self) -> bool {
        self.screen.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until the screen shows `text`; how long that took. Fails after 10 s.
    pub fn wait_for(&self, text: &str) -> std::time::Duration {
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(10) {
            if self.screen().contains(text) {
                return start.elapsed();
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        panic!("screen never showed {text:?}:\n{}", self.screen());
    }

    /// Waits for the process to end (fails after 5 s).
    pub fn wait_exit(&mut self) {
        let start = std::time::Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(5),
                "still running:\n{}",
                self.screen()
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Context switches of all its threads so far: every time it woke up.
    pub fn wake_ups(&self) -> u64 {
        let pid = self.child.process_id().unwrap();
        std::fs::read_dir(format!("/proc/{pid}/task"))
            .unwrap()
            .flatten()
            .filter_map(|t| std::fs::read_to_string(t.path().join("status")).ok())
            .flat_map(|s| {
                s.lines()
                    .filter(|l| l.contains("ctxt_switches"))
                    .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
                    .collect::<Vec<_>>()
            })
            .sum()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The audit fixture ([`AUDIT`]), copied to `dir/a.toml` and signed off by its lead auditor
/// on 2026-11-20; its path.
pub fn signed_off_example(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("a.toml");
    std::fs::copy(AUDIT, &file).unwrap();
    complete_audit_details(dir, "a.toml");
    ok(
        dir,
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    file
}

/// Sets, with `vse-assess set`, every detail an audit needs for its sign-off that `file` (in
/// `dir`) does not state yet, but its team and sessions (each test has its own): client,
/// scope, site, objectives, criteria, stage, certification body, report reference, remote
/// method, diverging opinions, the two confirmations, conclusions, distribution,
/// confidentiality and the plan's due date. What the record states stays as it is.
pub fn complete_audit_details(dir: &std::path::Path, file: &str) {
    let meta = record(&dir.join(file)).assessment;
    let blank = |s: &str| s.trim().is_empty();
    let mut args = vec!["set", file];
    for (missing, option, value) in [
        (blank(&meta.client), "--client", "Acme board"),
        (
            blank(&meta.scope.description),
            "--scope",
            "Organizational management, November 2025 to October 2026",
        ),
        (meta.scope.sites.is_empty(), "--site", "Head office"),
        (
            blank(&meta.objectives),
            "--objectives",
            "Decide whether the OM profile is implemented",
        ),
        (
            blank(&meta.criteria),
            "--criteria",
            "ISO/IEC 29110-4-2:2021 and the VSE's own procedures",
        ),
        (meta.stage.is_none(), "--stage", "stage-2"),
        (
            blank(&meta.certification_body),
            "--certification-body",
            "Certa SA",
        ),
        (blank(&meta.report_ref), "--report-ref", "CB-2026-017"),
        (
            blank(&meta.remote_method),
            "--remote-method",
            "Video call, documents shared on screen",
        ),
        (
            blank(&meta.diverging_opinions),
            "--diverging-opinions",
            "none",
        ),
        (meta.objectives_met.is_none(), "--objectives-met", "yes"),
        (
            meta.scope_appropriate.is_none(),
            "--scope-appropriate",
            "yes",
        ),
        (
            blank(&meta.conclusions),
            "--conclusions",
            "The profile is implemented.",
        ),
        (
            blank(&meta.distribution),
            "--distribution",
            "The VSE and the certification body",
        ),
        (
            blank(&meta.confidentiality),
            "--confidentiality",
            "Confidential",
        ),
        // When the VSE's corrective action plan is due (the sign-off needs it).
        (meta.plan_due.is_none(), "--plan-due", "2026-12-15"),
    ] {
        if missing {
            args.extend([option, value]);
        }
    }
    if args.len() > 2 {
        ok(dir, &args);
    }
}
