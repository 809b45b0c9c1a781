//! What the commands print and write, run through the real binary: no text from a record, a
//! questionnaire or a file name reaches the terminal raw; the Markdown report carries no
//! markup, image or link of its own making from that text; CSV cells stay text in every
//! locale; `report -o` never replaces the record or a device; a changed questionnaire is named.

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Output;

use common::vse;
use pulldown_cmark::{Event, Options, Parser, Tag};
use tempfile::TempDir;
use vse_assess::questionnaire::catalog::{self, sha256_hex};

const ESC: u8 = 0x1b;
const RLO: &str = "\u{202e}";

/// Text that drives terminals (title change, screen clear, OSC 52), reverses text, and
/// would be markup, an image or links in Markdown.
fn hostile(tag: &str) -> String {
    format!(
        "{tag}\u{1b}]0;owned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7} {RLO}gnp.exe <script>alert(1)</script> ![x](http://evil.example/x.png) <http://evil.example> [click](javascript:alert(1))"
    )
}

/// Fails when a stream of `out` holds an escape character or a right-to-left override.
fn assert_clean(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !bytes.contains(&ESC),
            "{what}: ESC on {stream}:\n{text:.2000}"
        );
        assert!(
            !text.contains(RLO),
            "{what}: U+202E on {stream}:\n{text:.2000}"
        );
    }
}

/// Runs a command that must succeed and print clean text; returns its stdout.
fn clean_ok(dir: &Path, args: &[&str]) -> String {
    let out = vse(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean(&format!("{args:?}"), &out);
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail with exit status 2 and print clean text; returns its stderr.
fn clean_refused(dir: &Path, args: &[&str]) -> String {
    let out = vse(dir, args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_clean(&format!("{args:?}"), &out);
    String::from_utf8(out.stderr).unwrap()
}

/// The built-in questionnaire with hostile text in every field a report or a listing shows,
/// written to `questionnaires/hostile.toml` in `dir`.
fn hostile_questionnaire(dir: &Path) -> String {
    let mut q = catalog::embedded(catalog::DEFAULT)
        .unwrap()
        .unwrap()
        .questionnaire;
    let ident = &mut q.questionnaire;
    ident.id = format!("hostile{}", hostile("id"));
    ident.version = hostile("version");
    ident.standard = hostile("standard");
    ident.edition = hostile("edition");
    ident.title = hostile("title");
    ident.conformance_clause = hostile("clause");
    ident.conformance_situation = hostile("situation");
    let renamed: Vec<(String, String)> = ident
        .base_standards
        .iter()
        .map(|s| (s.clone(), format!("{s} {}", hostile("base"))))
        .collect();
    ident.base_standards = renamed.iter().map(|(_, new)| new.clone()).collect();
    for level in &mut q.scale {
        level.name = hostile(&format!("level {}", level.rating));
    }
    for (i, c) in q.conditions.iter_mut().enumerate() {
        c.id = hostile(&format!("condition{i}"));
        c.question = hostile("question");
    }
    for p in &mut q.processes {
        let id = format!("{}{}", p.id, hostile("process"));
        for r in q.requirements.iter_mut().filter(|r| r.process == p.id) {
            r.process = id.clone();
        }
        p.id = id;
        p.name = hostile("name");
        p.purpose = hostile("purpose");
    }
    for r in &mut q.requirements {
        r.statement = hostile("statement");
        for (i, f) in r.facets.iter_mut().enumerate() {
            *f = format!("facet{i}{}", hostile(""));
        }
        // Hostile facets, each renamed from a hostile former text.
        r.renamed_facets = r
            .facets
            .iter()
            .map(|f| (format!("old {f}"), f.clone()))
            .collect();
        for a in &mut r.annex_a {
            a.standard = renamed
                .iter()
                .find(|(old, _)| *old == a.standard)
                .unwrap()
                .1
                .clone();
            if a.clause.is_some() {
                a.note = Some(hostile("note"));
            } else {
                a.remark = Some(hostile("remark"));
            }
            a.summary = hostile("summary");
        }
    }
    let text = toml::to_string(&q).unwrap();
    fs::create_dir_all(dir.join("questionnaires")).unwrap();
    fs::write(dir.join("questionnaires/hostile.toml"), &text).unwrap();
    text
}

/// A record made from the hostile questionnaire, with hostile text in what the command line
/// sets: `rec.toml` in `dir`. Every command on the way prints clean text.
fn hostile_record(dir: &Path) {
    hostile_questionnaire(dir);
    let vse_name = hostile("vse");
    clean_ok(
        dir,
        &[
            "new",
            "rec.toml",
            "--questionnaire",
            "questionnaires/hostile.toml",
            "--vse",
            &vse_name,
        ],
    );
    let q = catalog::from_file(&dir.join("questionnaires/hostile.toml")).unwrap();
    let q = q.questionnaire;
    let facet = q.requirements[0].facets[0].clone();
    let condition = q.conditions[0].id.clone();
    let note = format!(
        "{}\n\n{}\n# not a heading",
        hostile("note"),
        hostile("line 2")
    );
    let evidence = format!("E1{}", hostile(""));
    clean_ok(
        dir,
        &[
            "evidence",
            "add",
            "rec.toml",
            "--id",
            &evidence,
            "--title",
            &note,
            "--location",
            &note,
            "--supports",
            "7.2.a",
        ],
    );
    let answered = clean_ok(
        dir,
        &[
            "answer",
            "rec.toml",
            "7.2.a",
            "--rating",
            "P",
            "--facet",
            &facet,
            "--note",
            &note,
            "--finding",
            &format!("major:{note}"),
            "--action",
            &note,
            "--owner",
            &note,
            "--interviewed",
            &note,
        ],
    );
    assert!(answered.contains("7.2.a: rated P"), "{answered}");
    clean_ok(
        dir,
        &["condition", "rec.toml", &condition, "no", "--note", &note],
    );
}

/// Every command that shows text from a record, a questionnaire or a file name shows it
/// neutralised: on success, in errors, and in `validate`'s list of problems.
#[test]
fn nothing_from_a_file_reaches_the_terminal_raw() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    hostile_record(dir);
    // The hostile text is shown, made visible (so these checks are not vacuous).
    let visible_esc = '\u{241b}';
    for args in [
        &["status", "rec.toml"][..],
        &["evidence", "list", "rec.toml"],
        &["questionnaires"],
        &["report", "rec.toml"],
        &["report", "rec.toml", "--format", "html"],
        &["report", "rec.toml", "--format", "csv"],
        &["report", "rec.toml", "--format", "actions"],
        &["compare", "rec.toml", "rec.toml"],
    ] {
        let out = clean_ok(dir, args);
        assert!(
            out.contains(visible_esc),
            "{args:?} shows no hostile text:\n{out:.2000}"
        );
    }
    // One line per evidence item, six tab-separated fields, whatever the title holds.
    let list = clean_ok(dir, &["evidence", "list", "rec.toml"]);
    assert_eq!(list.lines().count(), 1, "{list}");
    assert_eq!(
        list.lines().next().unwrap().split('\t').count(),
        6,
        "{list}"
    );
    let listed = clean_ok(
        dir,
        &["validate", "rec.toml", "questionnaires/hostile.toml"],
    );
    assert_eq!(listed.lines().count(), 2, "{listed}");

    // Errors that quote the record or the questionnaire.
    for args in [
        &["answer", "rec.toml", "7.2.a", "--evidence", "nope"][..],
        &["answer", "rec.toml", "7.2.a", "--facet", "nope"],
        &["condition", "rec.toml", "nope", "yes"],
    ] {
        let err = clean_refused(dir, args);
        assert!(err.contains(visible_esc), "{args:?}: {err}");
    }

    // Keys and values echoed by `validate` (and by every command that loads the file).
    let text = fs::read_to_string(dir.join("rec.toml")).unwrap();
    let unknown_key = text.replace(
        "[assessment]\n",
        "[assessment]\n\"x\\u001b]0;owned\\u0007\\u202e\" = 1\n",
    );
    let bad_value = text.replace("status = \"draft\"", "status = \"d\\u001b[2J\\u202e\"");
    let unknown_requirement =
        format!("{text}\n[requirements.\"7.2.z\\u001b[2J\\u202e\"]\nnotes = \"x\"\n");
    let unknown_class = text.replace("class = \"major\"", "class = \"m\\u001b[2J\\u202e\"");
    for (name, bad) in [
        ("unknown-key.toml", &unknown_key),
        ("bad-value.toml", &bad_value),
        ("unknown-requirement.toml", &unknown_requirement),
        ("unknown-class.toml", &unknown_class),
    ] {
        assert_ne!(bad, &text, "{name} is unchanged");
        fs::write(dir.join(name), bad).unwrap();
        for args in [
            &["validate", name][..],
            &["status", name],
            &["report", name],
        ] {
            let err = clean_refused(dir, args);
            assert!(
                err.contains(name) && err.contains(visible_esc),
                "{args:?}: {err}"
            );
        }
    }
    // A file name is text from elsewhere too.
    let odd_name = "q\u{1b}[2J.toml";
    fs::write(dir.join("questionnaires").join(odd_name), "not = [toml").unwrap();
    let out = vse(dir, &["questionnaires"]);
    assert_clean("questionnaires with an odd file name", &out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("q\u{241b}[2J.toml"));
    let out = vse(dir, &["validate", &format!("questionnaires/{odd_name}")]);
    assert_eq!(out.status.code(), Some(2));
    assert_clean("validate with an odd file name", &out);

    // The questionnaire changed under the record: the warning names it, neutralised.
    fs::write(
        dir.join("questionnaires/hostile.toml"),
        format!(
            "{}\n# changed\n",
            fs::read_to_string(dir.join("questionnaires/hostile.toml")).unwrap()
        ),
    )
    .unwrap();
    let out = vse(dir, &["status", "rec.toml"]);
    assert!(out.status.success());
    assert_clean("status after the questionnaire changed", &out);
}

/// The Markdown report and comparison are safe without the HTML's protections: whatever the
/// record and the questionnaire hold, they have no raw HTML but their own anchors and line
/// breaks, no image, and no link but to an anchor they define.
#[test]
fn markdown_from_hostile_files_has_no_markup_images_or_outside_links() {
    let tmp = TempDir::new().unwrap();
    hostile_record(tmp.path());
    let md = clean_ok(tmp.path(), &["report", "rec.toml"]);
    assert!(markdown_links(&md) > 0, "the report links its sections");
    let compared = clean_ok(tmp.path(), &["compare", "rec.toml", "rec.toml"]);
    markdown_links(&compared);
}

/// Checks that `md` holds no raw HTML but anchors and line breaks, no image, no link but to
/// its own anchors, and shows the hostile text as text; returns how many links it has.
fn markdown_links(md: &str) -> usize {
    let mut anchors = BTreeSet::new();
    let mut links = Vec::new();
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => {
                let h = h.trim();
                let anchor = h
                    .strip_prefix("<a id=\"")
                    .and_then(|r| r.strip_suffix("\"></a>").or_else(|| r.strip_suffix("\">")))
                    .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
                match anchor {
                    Some(id) => {
                        anchors.insert(id.to_string());
                    }
                    None => assert!(
                        h == "<br>" || h == "<wbr>" || h == "</a>",
                        "raw HTML {h:.200}"
                    ),
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => panic!("image {dest_url}"),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            _ => {}
        }
    }
    for link in &links {
        let target = link
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("link to {link}"));
        assert!(anchors.contains(target), "link to a missing anchor {link}");
    }
    // The text is there, shown as text.
    assert!(md.contains("&lt;script&gt;"), "{md:.3000}");
    assert!(md.contains("!\\[x\\](http://evil.example/x.png)"));
    links.len()
}

/// Whatever separator a spreadsheet assumes (`,`, `;` or tab, by locale), no cell can start a
/// formula: a cell holding a separator is quoted, and a cell with a part that starts like a
/// formula is marked as text with `'`.
#[test]
fn csv_cells_stay_text_in_every_locale() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    common::new_record(dir, "a.toml");
    let payloads = [
        "x;=cmd|' /C calc'!A0",
        "ok, =HYPERLINK(\"http://evil.example\")",
        "a\t+1",
        "a; -2+3",
        "@SUM(A1)",
        "note;\t=1+1",
    ];
    for (req, text) in ["7.2.a", "7.2.b", "7.2.c", "7.2.d", "7.2.e", "7.2.f"]
        .iter()
        .zip(payloads)
    {
        clean_ok(
            dir,
            &["answer", "a.toml", req, "--note", text, "--rating", "N"],
        );
    }
    clean_ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.3.f",
            "--rating",
            "na",
            "--justification",
            "n/a;-1",
        ],
    );
    let raw = clean_ok(dir, &["report", "a.toml", "--format", "csv"]);
    assert!(raw.ends_with("\r\n") && !raw.replace("\r\n", "").contains('\r'));
    let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(raw.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let mut cells = 0;
    for row in &rows {
        for cell in row.iter() {
            cells += 1;
            let formula = cell
                .split([',', ';', '\t'])
                .any(|part| part.trim_start().starts_with(['=', '+', '-', '@']));
            assert!(
                !formula || cell.starts_with('\''),
                "cell {cell:?} can start a formula"
            );
            if cell.contains([',', ';', '\t', '"', '\n']) {
                let quoted = format!("\"{}\"", cell.replace('"', "\"\""));
                assert!(raw.contains(&quoted), "cell {cell:?} is not quoted");
            }
        }
    }
    assert_eq!(cells, 26 * 9);
    // What was written comes back (a tab as a space), behind the mark where there is one.
    for (row, text) in rows[1..].iter().zip(payloads) {
        assert_eq!(row[8].trim_start_matches('\''), text.replace('\t', " "));
    }
}

/// Runs `report RECORD -o OUT` and checks it is refused (exit 2, naming OUT) and that the
/// record did not change.
fn refused_output(dir: &Path, record: &str, out: &str) {
    let before = fs::read(dir.join(record)).unwrap();
    let result = vse(dir, &["report", record, "-o", out]);
    let err = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "-o {out}: {err}");
    assert!(
        err.contains(out) && err.contains("refusing"),
        "-o {out}: {err}"
    );
    assert_eq!(
        fs::read(dir.join(record)).unwrap(),
        before,
        "-o {out} changed {record}"
    );
}

/// `report -o` never replaces the record it reads, under any name, nor its lock or
/// temporary files.
#[test]
fn report_never_overwrites_its_record() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    common::new_record(dir, "a.toml");
    std::os::unix::fs::symlink("a.toml", dir.join("link.toml")).unwrap();
    fs::hard_link(dir.join("a.toml"), dir.join("hard.toml")).unwrap();
    fs::create_dir(dir.join("sub")).unwrap();
    for out in [
        "a.toml",
        "./a.toml",
        "sub/../a.toml",
        "link.toml",
        "hard.toml",
        ".a.toml.lock",
        ".a.toml.Xy12Zq.tmp",
    ] {
        refused_output(dir, "a.toml", out);
    }
    // Reading through the symlink: the target and the link's own lock are refused too.
    refused_output(dir, "link.toml", "a.toml");
    // Through a link, the lock is the real record's.
    refused_output(dir, "link.toml", ".a.toml.lock");
    assert!(
        fs::symlink_metadata(dir.join("link.toml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(!dir.join(".a.toml.Xy12Zq.tmp").exists());
    // A symlink to some other file is followed: the link stays, its target gets the report.
    fs::write(dir.join("old.md"), "old").unwrap();
    std::os::unix::fs::symlink("old.md", dir.join("report.md")).unwrap();
    clean_ok(dir, &["report", "a.toml", "-o", "report.md"]);
    assert!(
        fs::symlink_metadata(dir.join("report.md"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(dir.join("old.md"))
            .unwrap()
            .starts_with("# Self-assessment (gap analysis)")
    );
}

fn is_char_device(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

/// A device is written in place and stays a device: `-o /dev/null`, `-o /dev/stdout`.
/// (Replacing them needs write access to /dev, so the damage showed when run as root, as here.)
#[test]
fn report_to_a_device_writes_to_the_device() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    common::new_record(dir, "a.toml");
    // As root, first a private copy of /dev/null (same device numbers): a regression fails
    // here before the real one could be replaced.
    let private = dir.join("null");
    let made = std::process::Command::new("mknod")
        .arg(&private)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if made {
        clean_ok(dir, &["report", "a.toml", "-o", "null"]);
        assert!(
            is_char_device(&private),
            "the device node was replaced by a file"
        );
    }
    assert!(is_char_device(Path::new("/dev/null")));
    let out = vse(dir, &["report", "a.toml", "-o", "/dev/null"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        is_char_device(Path::new("/dev/null")),
        "/dev/null is no longer a device"
    );
    // Through /dev/stdout the report reaches whatever stdout is (a pipe here).
    let to_stdout = vse(dir, &["report", "a.toml"]);
    let via_device = vse(dir, &["report", "a.toml", "-o", "/dev/stdout"]);
    assert!(
        via_device.status.success(),
        "{}",
        String::from_utf8_lossy(&via_device.stderr)
    );
    assert_eq!(via_device.stdout, to_stdout.stdout);
}

/// `-o FIFO` with nobody reading it is refused at once, naming it; with a reader, the
/// report goes through it.
#[test]
fn report_to_a_fifo_nobody_reads_does_not_block() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    common::new_record(dir, "a.toml");
    let fifo = dir.join("out.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // Bounded, so that a regression fails rather than hangs the suite.
    let out = assert_cmd::Command::from_std(common::command(dir))
        .args(["report", "a.toml", "-o", "out.fifo"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("out.fifo is a FIFO that no one is reading"),
        "{err}"
    );
    // A reader already there gets the report. Its end is opened without waiting for a
    // writer, and a writer end of our own keeps it from seeing the end before the report.
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let mut reader = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let ours = fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    unsafe {
        use std::os::fd::AsRawFd;
        libc::fcntl(reader.as_raw_fd(), libc::F_SETFL, 0);
    }
    let read = std::thread::spawn(move || {
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        text
    });
    let out = vse(dir, &["report", "a.toml", "-o", "out.fifo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(ours);
    assert!(
        read.join()
            .unwrap()
            .starts_with("# Self-assessment (gap analysis)")
    );
}

/// A questionnaire changed since the record was made: the report cites the hash of the one
/// it was rendered from and warns, naming both; `status` warns too.
#[test]
fn a_changed_questionnaire_is_named_in_report_and_status() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let original = catalog::EMBEDDED[0].1;
    fs::write(dir.join("q.toml"), original).unwrap();
    clean_ok(
        dir,
        &[
            "new",
            "a.toml",
            "--questionnaire",
            "q.toml",
            "--vse",
            "Acme",
        ],
    );
    let old = sha256_hex(original.as_bytes());

    // Unchanged: no warning.
    let md = clean_ok(dir, &["report", "a.toml"]);
    assert!(md.contains(&old) && !md.contains("Warning"), "{md:.2000}");
    assert!(!clean_ok(dir, &["status", "a.toml"]).contains("Warning"));

    let statement = "The VSE has a risk management plan";
    assert!(original.contains(statement));
    let changed = original.replace(statement, "The VSE keeps a list of its worries");
    fs::write(dir.join("q.toml"), &changed).unwrap();
    let new = sha256_hex(changed.as_bytes());

    for format in ["markdown", "html"] {
        let report = clean_ok(dir, &["report", "a.toml", "--format", format]);
        // Rendered from the new text, and says so.
        assert!(report.contains("keeps a list of its worries"));
        assert!(
            report.contains(&new),
            "{format}: the hash used is not cited"
        );
        let warning = report
            .find("Warning")
            .unwrap_or_else(|| panic!("{format}: no warning"));
        let identification = report
            .find("Identification</")
            .or_else(|| report.find("## Identification"))
            .unwrap();
        assert!(
            warning < identification,
            "{format}: the warning is not near the top"
        );
        let line = &report[warning..report[warning..].find('\n').unwrap() + warning];
        assert!(
            line.contains(&old) && line.contains(&new),
            "{format}: {line}"
        );
    }
    let status = clean_ok(dir, &["status", "a.toml"]);
    let line = status
        .lines()
        .find(|l| l.contains("Warning"))
        .unwrap_or_else(|| panic!("no warning in\n{status}"));
    assert!(line.contains(&old) && line.contains(&new), "{line}");
}

/// An ed25519 key without a passphrase, `claire` and `claire.pub` in `dir`.
fn signing_key(dir: &Path) {
    let made = std::process::Command::new("ssh-keygen")
        .current_dir(dir)
        .args(["-q", "-t", "ed25519", "-N", "", "-f", "claire"])
        .stdin(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
}

/// `report -o K --sign K`: the key (or its public half) is refused as an output, as the
/// record is, and stays as it was; so is a signature that would land on it.
#[test]
fn a_report_never_replaces_its_signing_key() {
    if !common::tools(&["ssh-keygen"], "apt-get install openssh-client") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    common::new_record(dir, "a.toml");
    signing_key(dir);
    let key = fs::read(dir.join("claire")).unwrap();
    let public = fs::read(dir.join("claire.pub")).unwrap();
    for out in ["claire", "claire.pub", "./claire"] {
        let err = clean_refused(dir, &["report", "a.toml", "-o", out, "--sign", "claire"]);
        assert!(
            err.contains("refusing to write") && err.contains("signing key"),
            "-o {out}: {err}"
        );
    }
    // The signature would go to the key: `-o x --sign x.sig`.
    fs::rename(dir.join("claire"), dir.join("x.sig")).unwrap();
    let err = clean_refused(dir, &["report", "a.toml", "-o", "x", "--sign", "x.sig"]);
    assert!(err.contains("x.sig: it is the signing key"), "{err}");
    assert!(!dir.join("x").exists());
    assert_eq!(fs::read(dir.join("x.sig")).unwrap(), key);
    assert_eq!(fs::read(dir.join("claire.pub")).unwrap(), public);
}

/// A signed report goes with its signature or not at all: through a symlink whose
/// signature cannot be written (its name too long), the link, its target and what the
/// target held stay as they were. A report written unsigned over a signed one removes the
/// signature that no longer matches, and says so.
#[test]
fn a_signed_report_and_its_signature_land_together() {
    if !common::tools(&["ssh-keygen"], "apt-get install openssh-client") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    common::new_record(dir, "a.toml");
    signing_key(dir);
    fs::write(dir.join("t.md"), "old report").unwrap();
    // 252 characters: the link is fine, `.sig` after it is not.
    let link = format!("{}.md", "r".repeat(249));
    std::os::unix::fs::symlink("t.md", dir.join(&link)).unwrap();
    let out = vse(dir, &["report", "a.toml", "-o", &link, "--sign", "claire"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("neither was changed"), "{err}");
    assert!(
        fs::symlink_metadata(dir.join(&link))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is gone"
    );
    assert_eq!(fs::read_to_string(dir.join("t.md")).unwrap(), "old report");
    let left: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // Signed through the link (a short one), then written again unsigned.
    std::os::unix::fs::symlink("t.md", dir.join("r.md")).unwrap();
    clean_ok(dir, &["report", "a.toml", "-o", "r.md", "--sign", "claire"]);
    assert!(
        fs::read_to_string(dir.join("r.md.sig"))
            .unwrap()
            .starts_with("-----BEGIN SSH SIGNATURE-----")
    );
    assert!(
        fs::read_to_string(dir.join("t.md"))
            .unwrap()
            .starts_with("# Self-assessment (gap analysis)")
    );
    let out = vse(dir, &["report", "a.toml", "-o", "r.md"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("removed r.md.sig: it signed the earlier r.md"),
        "{err}"
    );
    assert!(!dir.join("r.md.sig").exists());
    // A file of that name that is not a signature is not touched.
    fs::write(dir.join("r.md.sig"), "my notes").unwrap();
    clean_ok(dir, &["report", "a.toml", "-o", "r.md"]);
    assert_eq!(
        fs::read_to_string(dir.join("r.md.sig")).unwrap(),
        "my notes"
    );
}
