//! The edit layer (`src/record/edit.rs`) is the only writer of a record: every change the
//! command line, the interview or plain mode makes goes through one of its functions, where
//! the rules are checked once. Reading is fine everywhere. This test reads the source outside
//! `src/record/` and lists every place that writes a record another way; the list must be
//! empty. (The record's own mutating methods are also private to `record`, so calling them
//! from outside does not compile.)
//!
//! Each form of the interview is a type of its own (`src/tui/app/forms.rs`): what differs
//! between forms is a method of the form, and the one place a form's `Purpose` is told apart
//! is `form_of`. A second scan finds any other.
//!
//! Every integration test file runs: it is a module of `tests/suite.rs` or a `[[test]]` of
//! its own in Cargo.toml (with `autotests = false`, a file in neither is never built).

use std::path::{Path, PathBuf};

/// The fields of a `Record`.
const FIELDS: [&str; 8] = [
    "schema",
    "questionnaire",
    "assessment",
    "conditions",
    "requirements",
    "findings",
    "evidence",
    "issued",
];

/// Methods that change what they are called on.
const MUTATING: [&str; 22] = [
    ".push(",
    ".push_str(",
    ".retain(",
    ".remove(",
    ".insert(",
    ".clear(",
    ".entry(",
    ".truncate(",
    ".extend(",
    ".iter_mut(",
    ".values_mut(",
    ".get_mut(",
    ".last_mut(",
    ".first_mut(",
    ".pop(",
    ".drain(",
    ".sort",
    ".swap(",
    ".dedup",
    ".append(",
    ".or_default(",
    ".or_insert",
];

/// The record's own mutators (private to `record` now; named here should one come back).
const MUTATORS: [&str; 7] = [
    "answer_mut(",
    "finding_mut(",
    "evidence_item_mut(",
    ".set_link(",
    ".issue(",
    ".set_rating(",
    ".set_facet(",
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The statement from `at` on: up to its `;`, or the `{` of a block.
fn statement(line: &str) -> &str {
    let end = line.find([';', '{']).unwrap_or(line.len());
    &line[..end]
}

/// Why a line writes a record other than through the edit layer, if it does.
fn offence(line: &str) -> Option<String> {
    let code = match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    };
    for m in MUTATORS {
        if code.contains(m) && !code.contains(&format!("edit::{}", m.trim_start_matches('.'))) {
            return Some(format!("calls `{}`", m.trim_matches(['.', '('])));
        }
    }
    if code.contains("&mut Record") || code.contains("&mut crate::record::Record") {
        return Some("takes a `&mut Record`".into());
    }
    for (at, _) in code.match_indices("record.") {
        // `record.` itself, not `my_record.`
        if code[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &code[at + "record.".len()..];
        let Some(field) = FIELDS.iter().find(|f| {
            rest.starts_with(*f)
                && !rest[f.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        }) else {
            continue;
        };
        let tail = statement(&rest[field.len()..]);
        // An assignment to the field or to anything inside it.
        let assigned = [" = ", " += ", " -= "].iter().any(|op| {
            tail.find(op)
                .is_some_and(|i| !tail[..i].contains(' ') || tail[..i].ends_with(')'))
        });
        if assigned {
            return Some(format!("assigns to `record.{field}`"));
        }
        // The first method called on the field's path.
        if let Some(m) = MUTATING.iter().find(|m| {
            tail.find(**m)
                .is_some_and(|i| !tail[..i].contains([' ', ',']))
        }) {
            return Some(format!(
                "changes `record.{field}` with `{}`",
                m.trim_matches(['.', '('])
            ));
        }
        // Borrowed mutably: `&mut opened.record.assessment`.
        let before =
            code[..at].trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
        if before.ends_with("&mut ") {
            return Some(format!("borrows `record.{field}` mutably"));
        }
    }
    // An alias of the whole record under another name escapes the checks above.
    if let Some(i) = code.find("= &mut ") {
        let target = statement(&code[i + "= &mut ".len()..]).trim();
        let name = code[..i]
            .trim()
            .trim_start_matches("let ")
            .trim_start_matches("mut ")
            .trim();
        if (target.ends_with(".record") || target == "record") && name != "record" {
            return Some(format!("borrows the record mutably as `{name}`"));
        }
    }
    None
}

#[test]
fn only_the_edit_layer_writes_a_record() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    let mut offenders = Vec::new();
    for file in &files {
        if file.starts_with(root.join("record")) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if let Some(why) = offence(line) {
                offenders.push(format!(
                    "{}:{}: {why}: {}",
                    file.strip_prefix(&root).unwrap().display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "record written outside the edit layer:\n{}",
        offenders.join("\n")
    );
}

/// The scan finds the writes it is there to find (what the command line and the interview
/// did before the edit layer took them over), and lets reading and edit calls through.
#[test]
fn the_scan_knows_a_write_when_it_sees_one() {
    let writes = [
        "    let meta = &mut opened.record.assessment;",
        "            opened.record.evidence.push(Evidence {",
        "    let a = record.answer_mut(&id);",
        "            self.opened.record.conditions.entry(cid).or_default().met = met;",
        "                record.evidence[*i] = item;",
        "    app.opened.record.assessment.conclusions = conclusions;",
        "        let Some(item) = self.opened.record.evidence_item_mut(id) else {",
        "    let r = &mut self.opened.record;",
        "fn tweak(record: &mut Record) {",
    ];
    for w in writes {
        assert!(offence(w).is_some(), "not seen as a write: {w}");
    }
    let reads = [
        "        let n = self.opened.record.evidence.len();",
        "    let record = &mut opened.record;",
        "        edit::set_facet(&mut self.opened.record, &req, facet, on);",
        "            .find(|e| e.id == id) // record.evidence = nothing",
        "    if record.assessment.kind == Kind::Audit {",
        "            self.evidence_row = record.evidence.len() - 1;",
        "    let cited = edit::citations(&opened.record, &id);",
        "                self.opened.record = before;",
    ];
    for r in reads {
        assert_eq!(offence(r), None, "seen as a write: {r}");
    }
}

/// Where `text` names a `Purpose::` to tell purposes apart: its 1-based line numbers. A
/// match arm's pattern (`Purpose::X(id) =>`, `| Purpose::Y`), a `matches!` naming one, an
/// `if let` / `let … else` pattern, a comparison with one. Making one (`open_form(Purpose::X)`)
/// is not telling apart.
fn purpose_tests(text: &str) -> Vec<usize> {
    let code: Vec<&str> = text
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect();
    let mut found = Vec::new();
    for (n, line) in code.iter().enumerate() {
        let Some(at) = line.find("Purpose::") else {
            continue;
        };
        let before = &line[..at];
        let after = &line[at..];
        // The path and its fields, if any: `Purpose::Notes(id)`.
        let path_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(after.len());
        let rest = &after[path_end..];
        let rest = if rest.starts_with('(') {
            let mut depth = 0;
            let close = rest
                .char_indices()
                .find(|&(_, c)| {
                    depth += match c {
                        '(' => 1,
                        ')' => -1,
                        _ => 0,
                    };
                    depth == 0
                })
                .map_or(rest.len(), |(i, _)| i + 1);
            &rest[close..]
        } else {
            rest
        };
        let arm = line.find("=>").is_some_and(|arrow| at < arrow)
            || line.trim_start().starts_with("| Purpose::")
            || rest.trim_start().starts_with('|') && !rest.trim_start().starts_with("||");
        let pattern = before
            .rfind("let ")
            .is_some_and(|l| !before[l..].contains('=') && rest.trim_start().starts_with('='));
        let compared = before.trim_end().ends_with("==")
            || before.trim_end().ends_with("!=")
            || rest.trim_start().starts_with("==")
            || rest.trim_start().starts_with("!=");
        if arm || pattern || compared {
            found.push(n + 1);
        }
    }
    // `matches!(…)`, over as many lines as it takes.
    let joined = code.join("\n");
    let mut from = 0;
    while let Some(i) = joined[from..].find("matches!(") {
        let start = from + i;
        let mut depth = 0;
        let end = joined[start..]
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0 && c == ')'
            })
            .map_or(joined.len(), |(j, _)| start + j);
        if joined[start..end].contains("Purpose::") {
            found.push(joined[..start].matches('\n').count() + 1);
        }
        from = end.max(start + 1);
    }
    found.sort();
    found.dedup();
    found
}

/// The lines of `form_of` in forms.rs: the one place a purpose is told apart.
fn form_of_lines(text: &str) -> std::ops::RangeInclusive<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("fn form_of("))
        .expect("forms.rs has form_of");
    let end = start
        + lines[start..]
            .iter()
            .position(|l| *l == "}")
            .expect("form_of ends");
    start + 1..=end + 1
}

#[test]
fn a_purpose_is_told_apart_only_by_the_form_that_serves_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &mut files);
    files.sort();
    let forms = root.join("tui/app/forms.rs");
    let mut offenders = Vec::new();
    let mut in_form_of = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let allowed = (*file == forms).then(|| form_of_lines(&text));
        let lines: Vec<&str> = text.lines().collect();
        for n in purpose_tests(&text) {
            if allowed.as_ref().is_some_and(|a| a.contains(&n)) {
                in_form_of += 1;
                continue;
            }
            offenders.push(format!(
                "{}:{n}: {}",
                file.strip_prefix(&root).unwrap().display(),
                lines[n - 1].trim()
            ));
        }
    }
    assert!(
        offenders.is_empty(),
        "a Purpose told apart outside form_of (give the form a method instead):\n{}",
        offenders.join("\n")
    );
    assert!(
        in_form_of > 10,
        "the scan no longer sees form_of's arms ({in_form_of}): it sees nothing"
    );
}

/// The scan sees the ways a purpose was told apart before the forms took them over, and
/// lets the making of a purpose through.
#[test]
fn the_scan_knows_a_purpose_told_apart() {
    let told = [
        "            Purpose::Notes(_) | Purpose::WorkingNotes(_) | Purpose::JumpTo => return None,",
        "            Purpose::Justification(id) => (\"justification\", id.clone()),",
        "            Purpose::Action(_)\n            | Purpose::EditAction(_) => \"action\",",
        "            Which::Report => matches!(e.purpose, Purpose::Notes(_)),",
        "        matches!(\n            self,\n            Purpose::Notes(_) | Purpose::WorkingNotes(_)\n        )",
        "                if let Purpose::Interviewee(_) = &editor.purpose",
        "        if self.read_only && editor.purpose != Purpose::JumpTo {",
        "        let Purpose::Setup(row) = &e.purpose else {",
        "            Some(Purpose::Sampling(id)) => id,",
    ];
    for t in told {
        assert!(
            !purpose_tests(t).is_empty(),
            "not seen as telling apart: {t}"
        );
    }
    let made = [
        "            Action::EditNotes => self.open_form(Purpose::Notes(id)),",
        "                        Purpose::Response(f.clone())",
        "    |row| SetupRow::from_key(row).map(Purpose::Setup),",
        "        let purpose = Purpose::from_draft_key(&draft.form, &draft.target);",
        "            .map_or(\"form\", |p| p.describe()); // Purpose::Notes(_) =>",
        "    if a == b || c { open(Purpose::JumpTo) }",
    ];
    for m in made {
        assert_eq!(
            purpose_tests(m),
            Vec::<usize>::new(),
            "seen as telling apart: {m}"
        );
    }
}

/// The modules `tests/suite.rs` declares (`mod NAME;`), and the paths of Cargo.toml's own
/// `[[test]]` targets: together, every `tests/*.rs` file but the suite's root.
#[test]
fn every_test_file_runs_in_the_suite_or_on_its_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = std::fs::read_to_string(root.join("tests/suite.rs")).unwrap();
    let modules: Vec<String> = suite
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .map(|m| format!("tests/{m}.rs"))
        .collect();
    assert!(
        modules.len() > 20,
        "tests/suite.rs: no `mod NAME;` lines read ({modules:?})"
    );
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let own: Vec<String> = manifest["test"]
        .as_array()
        .expect("[[test]] targets")
        .iter()
        .filter_map(|t| t.get("path")?.as_str().map(String::from))
        .collect();
    assert!(own.iter().any(|p| p == "tests/suite.rs"), "{own:?}");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy();
            files.push(format!("tests/{name}"));
        }
    }
    files.sort();
    let left_out: Vec<&String> = files
        .iter()
        .filter(|f| !modules.contains(f) && !own.contains(f))
        .collect();
    assert!(
        left_out.is_empty(),
        "never run: {left_out:?}; add `mod NAME;` to tests/suite.rs (or a [[test]] of its own to Cargo.toml)"
    );
    let both: Vec<&String> = own.iter().filter(|f| modules.contains(f)).collect();
    assert!(both.is_empty(), "run twice: {both:?}");
}
