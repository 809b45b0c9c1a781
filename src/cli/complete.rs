//! Shell completion, answered by the binary itself: the script a shell loads
//! (`vse-assess completions SHELL`) calls `vse-assess` back with `COMPLETE=SHELL` on every
//! Tab, and clap_complete's engine answers from the command tree: subcommands, options,
//! their values, and ids read from the record named on the line being completed.
//!
//! (clap_complete's static bash script never completes past the subcommand for a name with a
//! hyphen, clap-rs/clap#6421; the engine has no such case labels.)

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};

use crate::questionnaire::catalog;
use crate::record::{FindingClass, Record, Stage};

/// The environment variable the shells' scripts set to ask for completions: a name of its
/// own, so that a `COMPLETE` set for something else never turns a command into a completion.
pub const VAR: &str = "VSE_ASSESS_COMPLETE";

/// Answers a completion request and exits, when the process was started by a completion
/// script (the variable set, and the words after `--`); returns at once otherwise, so that
/// a command run with the variable in its environment (an sshd ForceCommand) still runs.
pub fn answer_if_asked() {
    if std::env::args_os().nth(1).is_none_or(|a| a != "--") {
        return;
    }
    clap_complete::CompleteEnv::with_factory(<super::Cli as clap::CommandFactory>::command)
        .var(VAR)
        .complete();
}

/// The script that makes `shell` complete `vse-assess`: it calls this same binary back.
pub fn registration(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let name = shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(&name)
        .ok_or_else(|| std::io::Error::other(format!("no completion for {name}")))?;
    completer.write_registration(VAR, "vse-assess", "vse-assess", &completer_path(), out)?;
    if matches!(shell, clap_complete::Shell::Zsh) {
        // Installed on $fpath, the file is the body of `_vse-assess`, which compinit runs on
        // the first Tab: that Tab completes too, not only the ones after it.
        writeln!(
            out,
            "[[ ${{funcstack[1]}} == _vse-assess ]] && _clap_dynamic_completer_vse_assess \"$@\""
        )?;
    }
    Ok(())
}

/// The binary as it was started: a name found on PATH stays a name, a relative path is
/// made absolute (the script runs in whatever folder the shell is in).
fn completer_path() -> String {
    let Some(arg0) = std::env::args_os().next() else {
        return "vse-assess".into();
    };
    let path = PathBuf::from(&arg0);
    let path = if path.components().count() > 1 && path.is_relative() {
        std::env::current_dir()
            .map(|d| d.join(&path))
            .unwrap_or(path)
    } else {
        path
    };
    path.to_string_lossy().into_owned()
}

fn candidates<'a>(
    values: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<CompletionCandidate> {
    values
        .into_iter()
        .map(|(value, help)| {
            let c = CompletionCandidate::new(value);
            if help.is_empty() {
                c
            } else {
                c.help(Some(help.to_owned().into()))
            }
        })
        .collect()
}

/// `--class`: the finding classes.
pub fn classes() -> ArgValueCandidates {
    ArgValueCandidates::new(|| candidates(FindingClass::ALL.iter().map(|c| (c.key(), ""))))
}

/// `--stage`: the audit stages.
pub fn stages() -> ArgValueCandidates {
    ArgValueCandidates::new(|| candidates(Stage::ALL.iter().map(|s| (s.key(), ""))))
}

/// `--rating`: the ratings.
pub fn ratings() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        candidates([
            ("N", "not achieved"),
            ("P", "partially achieved"),
            ("L", "largely achieved"),
            ("F", "fully achieved"),
            ("na", "not applicable (needs --justification)"),
        ])
    })
}

/// The questionnaire of the record on the command line, else the default one.
fn questionnaire() -> Option<crate::questionnaire::Questionnaire> {
    let id = record()
        .map(|r| r.questionnaire.id)
        .unwrap_or_else(|| catalog::DEFAULT.to_string());
    let loaded = catalog::embedded(&id).or_else(|| catalog::embedded(catalog::DEFAULT))?;
    loaded.ok().map(|l| l.questionnaire)
}

/// A requirement: the ids of the record's questionnaire, each with its statement.
pub fn requirements() -> ArgValueCandidates {
    of_questionnaire(|q| {
        q.requirements
            .iter()
            .map(|r| described(&r.id, &r.statement))
            .collect()
    })
}

/// A clause 6 condition: the questionnaire's condition ids.
pub fn conditions() -> ArgValueCandidates {
    of_questionnaire(|q| {
        q.conditions
            .iter()
            .map(|c| CompletionCandidate::new(&c.id))
            .collect()
    })
}

/// A finding of the record on the command line.
pub fn findings() -> ArgValueCandidates {
    of_record(|r| {
        r.findings
            .iter()
            .map(|f| described(&f.id, &f.text))
            .collect()
    })
}

/// An action of the record on the command line.
pub fn actions() -> ArgValueCandidates {
    of_record(|r| {
        r.findings
            .iter()
            .flat_map(|f| &f.actions)
            .map(|a| described(&a.id, &a.what))
            .collect()
    })
}

/// An evidence item of the record on the command line.
pub fn evidence() -> ArgValueCandidates {
    of_record(|r| {
        r.evidence
            .iter()
            .map(|e| described(&e.id, &e.title))
            .collect()
    })
}

/// Candidates read from the record on the command line (none when there is none).
fn of_record(list: fn(&Record) -> Vec<CompletionCandidate>) -> ArgValueCandidates {
    ArgValueCandidates::new(move || record().map(|r| list(&r)).unwrap_or_default())
}

/// Candidates read from the record's questionnaire (see [`questionnaire`]).
fn of_questionnaire(
    list: fn(&crate::questionnaire::Questionnaire) -> Vec<CompletionCandidate>,
) -> ArgValueCandidates {
    ArgValueCandidates::new(move || questionnaire().map(|q| list(&q)).unwrap_or_default())
}

/// An id, described by the first words of its text.
fn described(id: &str, text: &str) -> CompletionCandidate {
    CompletionCandidate::new(id).help(Some(first_words(text).into()))
}

/// A short description: the first line, cut at a word near 60 characters.
fn first_words(text: &str) -> String {
    let line = crate::text::neutralize_line(text.lines().next().unwrap_or_default());
    if line.chars().count() <= 60 {
        return line;
    }
    let cut: String = line.chars().take(60).collect();
    match cut.rfind(' ') {
        Some(at) => format!("{}…", &cut[..at]),
        None => format!("{cut}…"),
    }
}

/// The record named on the command line being completed: the first word after the
/// subcommand that names a readable `.toml` record. Never locked, never written.
fn record() -> Option<Record> {
    let args: Vec<OsString> = std::env::args_os().collect();
    // The scripts call `vse-assess -- vse-assess WORDS...`.
    let words = args
        .iter()
        .position(|a| a == "--")
        .and_then(|at| args.get(at + 2..))?;
    words.iter().map(Path::new).find_map(|path| {
        if path.extension().is_none_or(|e| e != "toml") || !path.is_file() {
            return None;
        }
        let text = crate::read_text(path).ok()?;
        crate::record::store::parse(path, &text).ok()
    })
}
