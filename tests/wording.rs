//! The questionnaires are in our own words: no text in them (string values and comments) shares
//! 8 consecutive words with the standard's text kept in `../shared/seed` beside the crate.
//!
//! Both sides are compared as words only: lowercased, a word being a run of letters and digits,
//! so that case, punctuation, table columns and line breaks cannot hide a copied sentence.
//!
//! No field is exempt. The identity fields (`questionnaire.title`, `standard`) hold the short
//! names of the profile, far below 8 words, so they need no exception; clause numbers and Annex A
//! references are kept in their own short fields for the same reason.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seed");
const QUESTIONNAIRES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/questionnaires");
/// The shortest run of shared words that counts as copied text.
const RUN: usize = 8;

/// Lowercased runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Every run of `RUN` consecutive words of `text`.
fn runs(text: &str, into: &mut HashSet<String>) {
    for w in words(text).windows(RUN) {
        into.insert(w.join(" "));
    }
}

/// Every file under `dir`, in name order.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

/// Every string value of a TOML document, with where it is: `requirement[7.2.d].guidance`,
/// `requirement[7.2.d].annex_a[1].summary`, `process[PSM].purpose_source`, `questionnaire.title`.
/// An element of an array of tables is named by its `id` when it has one.
fn strings(value: &toml::Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        toml::Value::String(s) => out.push((at.to_string(), s.clone())),
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let label = match item.get("id").and_then(toml::Value::as_str) {
                    Some(id) => format!("{at}[{id}]"),
                    None => format!("{at}[{i}]"),
                };
                strings(item, &label, out);
            }
        }
        toml::Value::Table(table) => {
            for (key, item) in table {
                let label = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                strings(item, &label, out);
            }
        }
        _ => {}
    }
}

/// The comments of a TOML text (what follows a `#` outside any string), consecutive comment
/// lines joined into one text, with their line numbers.
fn comments(text: &str) -> Vec<(String, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum In {
        Code,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral,
    }
    let mut state = In::Code;
    let mut found: Vec<(usize, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut i = 0;
        while i < line.len() {
            let rest = &line[i..];
            let c = rest.chars().next().unwrap();
            let quotes = |q: char| rest.chars().take_while(|&x| x == q).count();
            match state {
                In::Code => match c {
                    '#' => {
                        found.push((n + 1, rest[1..].to_string()));
                        break;
                    }
                    '"' if rest.starts_with("\"\"\"") => {
                        state = In::MultiBasic;
                        i += 3;
                        continue;
                    }
                    '\'' if rest.starts_with("'''") => {
                        state = In::MultiLiteral;
                        i += 3;
                        continue;
                    }
                    '"' => state = In::Basic,
                    '\'' => state = In::Literal,
                    _ => {}
                },
                In::Basic | In::MultiBasic if c == '\\' => {
                    // The escaped character is content, whatever it is.
                    i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                    continue;
                }
                In::Basic if c == '"' => state = In::Code,
                In::Literal if c == '\'' => state = In::Code,
                In::MultiBasic if quotes('"') >= 3 => {
                    // Up to two quotes before the closing three are content.
                    i += quotes('"');
                    state = In::Code;
                    continue;
                }
                In::MultiLiteral if quotes('\'') >= 3 => {
                    i += quotes('\'');
                    state = In::Code;
                    continue;
                }
                _ => {}
            }
            i += c.len_utf8();
        }
        if matches!(state, In::Basic | In::Literal) {
            state = In::Code;
        }
    }
    let mut blocks: Vec<(usize, usize, String)> = Vec::new();
    for (line, text) in found {
        match blocks.last_mut() {
            Some((_, last, block)) if *last + 1 == line => {
                *last = line;
                block.push('\n');
                block.push_str(&text);
            }
            _ => blocks.push((line, line, text)),
        }
    }
    blocks
        .into_iter()
        .map(|(first, last, text)| {
            let at = if first == last {
                format!("comment, line {first}")
            } else {
                format!("comments, lines {first}-{last}")
            };
            (at, text)
        })
        .collect()
}

/// The passages of `text` that share at least `RUN` consecutive words with `source`, each with
/// the number of `RUN`-word runs it holds.
fn shared(text: &str, source: &HashSet<String>) -> Vec<(String, usize)> {
    let words = words(text);
    let hits: Vec<usize> = words
        .windows(RUN)
        .enumerate()
        .filter(|(_, w)| source.contains(&w.join(" ")))
        .map(|(i, _)| i)
        .collect();
    let mut passages: Vec<(usize, usize)> = Vec::new();
    for i in hits {
        match passages.last_mut() {
            Some((_, last)) if *last + 1 == i => *last = i,
            _ => passages.push((i, i)),
        }
    }
    passages
        .into_iter()
        .map(|(first, last)| (words[first..last + RUN].join(" "), last - first + 1))
        .collect()
}

/// Every text of a questionnaire file that shares `RUN` words with `source`, as report lines.
fn offending(file: &Path, source: &HashSet<String>) -> (Vec<String>, usize) {
    let text = std::fs::read_to_string(file).unwrap();
    let value: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut texts = Vec::new();
    strings(&toml::Value::Table(value), "", &mut texts);
    texts.extend(comments(&text));
    let name = file.file_name().unwrap().to_string_lossy();
    let mut lines = Vec::new();
    let mut count = 0;
    for (at, text) in &texts {
        for (passage, n) in shared(text, source) {
            count += n;
            lines.push(format!("  {name} {at}: {n} run(s): \"{passage}\""));
        }
    }
    (lines, count)
}

#[test]
fn questionnaires_share_no_8_word_run_with_the_standard() {
    let seed = Path::new(SEED);
    if !seed.is_dir() {
        eprintln!(
            "skipped: {SEED} is absent, so there is no copy of the standard to compare the \
             questionnaires with"
        );
        return;
    }
    let mut sources = Vec::new();
    files(seed, &mut sources);
    let mut source = HashSet::new();
    for path in &sources {
        let bytes = std::fs::read(path).unwrap();
        runs(&String::from_utf8_lossy(&bytes), &mut source);
    }
    if source.is_empty() {
        eprintln!("skipped: {SEED} holds no text of {RUN} words or more to compare with");
        return;
    }
    let mut questionnaires = Vec::new();
    files(Path::new(QUESTIONNAIRES), &mut questionnaires);
    questionnaires.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    assert!(
        !questionnaires.is_empty(),
        "no questionnaire in {QUESTIONNAIRES}"
    );
    let mut report = String::new();
    let mut fields = BTreeSet::new();
    let mut total = 0;
    for file in &questionnaires {
        let (lines, count) = offending(file, &source);
        total += count;
        for line in lines {
            fields.insert(line.split(':').next().unwrap().to_string());
            writeln!(report, "{line}").unwrap();
        }
    }
    assert!(
        total == 0,
        "{total} run(s) of {RUN} words in {} field(s) are the standard's text; rewrite them in \
         our own words:\n{report}",
        fields.len()
    );
}

#[test]
fn a_copy_is_found_through_case_punctuation_and_line_breaks() {
    let mut source = HashSet::new();
    runs(
        "Table 9 - Example\n\nb)\tthe quick brown fox jumps over the lazy dog, twice;\n",
        &mut source,
    );
    let text = "They said: The Quick-Brown fox\njumps over the LAZY dog twice.";
    assert_eq!(
        shared(text, &source),
        [(
            "the quick brown fox jumps over the lazy dog twice".to_string(),
            3
        )]
    );
    assert!(shared("the quick brown fox jumps over a lazy dog twice", &source).is_empty());
}

#[test]
fn every_string_and_comment_is_checked() {
    let text = r##"# top comment
# second line
[questionnaire]
title = "A # not a comment" # trailing
[[requirement]]
id = "7.2.a"
guidance = """
# a heading, inside the string
""" # after
[[requirement.annex_a]]
summary = 'x # y'
"##;
    let value: toml::Table = text.parse().unwrap();
    let mut texts = Vec::new();
    strings(&toml::Value::Table(value), "", &mut texts);
    let at: Vec<&str> = texts.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        at,
        [
            "questionnaire.title",
            "requirement[7.2.a].annex_a[0].summary",
            "requirement[7.2.a].guidance",
            "requirement[7.2.a].id",
        ]
    );
    assert_eq!(
        comments(text),
        [
            (
                "comments, lines 1-2".to_string(),
                " top comment\n second line".to_string()
            ),
            ("comment, line 4".to_string(), " trailing".to_string()),
            ("comment, line 9".to_string(), " after".to_string()),
        ]
    );
}
