//! The edit layer (`src/record/edit.rs`) is the only writer of a record: every change the
//! command line, the interview or plain mode makes goes through one of its functions, where
//! the rules are checked once. Reading is fine everywhere. This test reads the source outside
//! `src/record/` and lists every place that writes a record another way; the list must be
//! empty. (The record's own mutating methods are also private to `record`, so calling them
//! from outside does not compile.)

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
