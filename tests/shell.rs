//! Shell completions and the manual page: every subcommand is in them.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;
use common::vse;
use vse_assess::cli::Cli;

fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|name| name != "help")
        .collect()
}

/// Runs a command that must succeed; returns its stdout.
fn printed(args: &[&str]) -> String {
    let out = vse(std::env::temp_dir().as_path(), args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A completion script written to a file of its own.
fn script(dir: &Path, shell: &str) -> PathBuf {
    let path = dir.join(format!("vse-assess.{shell}"));
    std::fs::write(&path, printed(&["completions", shell])).unwrap();
    path
}

/// Runs `shell ARGS` in `dir`; its stdout, one candidate a line, in the order offered.
fn lines_of(dir: &Path, shell: &str, args: &[&str]) -> Vec<String> {
    let out = Command::new(shell)
        .args(args)
        .current_dir(dir)
        .env("VSE_ASSESS_TODAY", "2026-11-30")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{shell} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{shell} {args:?} wrote on the terminal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What bash offers once `words` are typed (the last one being completed), as bash itself
/// would: the script sourced, its function found with `complete -p`, and called with
/// COMP_WORDS and COMP_CWORD set.
fn bash_offers(dir: &Path, words: &[&str]) -> Vec<String> {
    let program = r#"
        source "$1"; shift
        spec=$(complete -p vse-assess) || exit 3
        f=${spec##* -F }; f=${f%% *}
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$f" vse-assess "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let script = dir.join("vse-assess.bash");
    let mut args = vec!["--norc", "--noprofile", "-c", program, "bash"];
    args.push(script.to_str().unwrap());
    args.extend(words);
    lines_of(dir, "bash", &args)
}

/// What fish offers for a command line (`complete -C`), without the descriptions.
fn fish_offers(dir: &Path, line: &str) -> Vec<String> {
    let program = format!(
        "source '{}'; complete -C '{line}'",
        dir.join("vse-assess.fish").display()
    );
    lines_of(dir, "fish", &["--no-config", "-c", &program])
        .iter()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

/// What zsh offers once `words` are typed: the script installed as `_vse-assess` on
/// `$fpath` as the README says, compinit finds it, and the function compinit registered
/// for `vse-assess` runs as on a Tab (the first one: it is autoloaded then), with `words`
/// and `CURRENT` set as the line editor sets them and `_describe` printing its candidates.
fn zsh_offers(dir: &Path, words: &[&str]) -> Vec<String> {
    let program = r#"
        fpath=("$1" $fpath); shift
        autoload -U compinit; compinit -u -D
        [[ $_comps[vse-assess] == _vse-assess ]] || exit 3
        _describe() { local -a items; items=("${(@P)3}"); print -rl -- "${(@)items%%:*}" }
        words=("$@"); CURRENT=$#
        $_comps[vse-assess]
    "#;
    let fpath = dir.join("zfunc");
    let mut args = vec!["-f", "-c", program, "zsh"];
    args.push(fpath.to_str().unwrap());
    args.extend(words);
    lines_of(dir, "zsh", &args)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn words(list: &[&str]) -> Vec<String> {
    sorted(list.iter().map(|w| w.to_string()).collect())
}

/// A folder with the three scripts, and the example record as `audit.toml`.
fn scripts() -> tempfile::TempDir {
    let tmp = tempfile::TempDir::new().unwrap();
    script(tmp.path(), "bash");
    script(tmp.path(), "fish");
    std::fs::create_dir(tmp.path().join("zfunc")).unwrap();
    let zsh = script(tmp.path(), "zsh");
    std::fs::rename(zsh, tmp.path().join("zfunc/_vse-assess")).unwrap();
    std::fs::copy(common::AUDIT, tmp.path().join("audit.toml")).unwrap();
    tmp
}

/// The ids of the example's findings and actions, as the record holds them.
fn example_ids(dir: &Path, list: &[&str]) -> Vec<String> {
    let printed = common::ok(dir, list);
    sorted(
        printed
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_owned)
            .collect(),
    )
}

/// Each shell, running its script, offers the subcommands, each subcommand's own options,
/// the values of an option (formats, classes, kinds, stages) and ids read from the record
/// on the line: what a user pressing Tab gets.
#[test]
fn completions_complete_when_run_in_their_shells() {
    if !common::tools(&["bash", "zsh", "fish"], "apt-get install bash zsh fish") {
        return;
    }
    let tmp = scripts();
    let dir = tmp.path();
    let mut every = subcommands();
    assert!(every.iter().any(|n| n == "compare") && every.iter().any(|n| n == "interview"));
    every.push("help".into());
    every.sort();
    let findings = example_ids(dir, &["finding", "list", "audit.toml"]);
    let actions = example_ids(dir, &["action", "list", "audit.toml"]);
    assert!(
        findings.len() > 3 && actions.len() > 3,
        "{findings:?} {actions:?}"
    );
    let not_options =
        |v: Vec<String>| sorted(v.into_iter().filter(|w| !w.starts_with('-')).collect());

    // Each case: the words typed (the last being completed), and what must be offered.
    let cases: Vec<(&[&str], Vec<String>)> = vec![
        (&["vse-assess", ""], every.clone()),
        (&["vse-assess", "rep"], words(&["report"])),
        (
            &["vse-assess", "report", "--fo"],
            words(&["--follow-up", "--format"]),
        ),
        (
            &["vse-assess", "report", "audit.toml", "--for"],
            words(&["--format"]),
        ),
        (
            &["vse-assess", "report", "audit.toml", "--format", ""],
            words(&["actions", "csv", "html", "markdown"]),
        ),
        (
            &["vse-assess", "evidence", "add", "audit.toml", "--ti"],
            words(&["--title"]),
        ),
        (
            &["vse-assess", "evidence", "add", "audit.toml", "--kind", ""],
            words(&["document", "interview", "observation", "record", "url"]),
        ),
        (
            &[
                "vse-assess",
                "finding",
                "add",
                "audit.toml",
                "7.2.a",
                "--class",
                "",
            ],
            words(&[
                "good-practice",
                "improvement",
                "major",
                "minor",
                "observation",
            ]),
        ),
        (
            &["vse-assess", "new", "x.toml", "--kind", ""],
            words(&["audit", "self"]),
        ),
        (
            &["vse-assess", "new", "x.toml", "--stage", ""],
            words(&[
                "recertification",
                "special",
                "stage-1",
                "stage-2",
                "surveillance",
            ]),
        ),
        (
            &["vse-assess", "answer", "audit.toml", "7.3."],
            words(&[
                "7.3.a", "7.3.b", "7.3.c", "7.3.d", "7.3.e", "7.3.f", "7.3.g",
            ]),
        ),
        (
            &["vse-assess", "finding", "edit", "audit.toml", ""],
            findings.clone(),
        ),
        (
            &["vse-assess", "action", "close", "audit.toml", ""],
            actions.clone(),
        ),
        (
            &["vse-assess", "evidence", "add", "aud"],
            words(&["audit.toml"]),
        ),
    ];
    for (typed, expected) in &cases {
        let line = typed.join(" ");
        let values = |offered: Vec<String>| {
            if typed.last().unwrap().starts_with('-') {
                sorted(offered)
            } else {
                not_options(offered)
            }
        };
        assert_eq!(&values(bash_offers(dir, typed)), expected, "bash: {line}");
        assert_eq!(&values(zsh_offers(dir, typed)), expected, "zsh: {line}");
        assert_eq!(&values(fish_offers(dir, &line)), expected, "fish: {line}");
    }
    let interview = bash_offers(dir, &["vse-assess", "interview", "--"]);
    for option in ["--restricted", "--read-only", "--plain", "--follow"] {
        assert!(interview.iter().any(|w| w == option), "{interview:?}");
    }
}

#[test]
fn completions_for_an_unknown_shell_are_refused() {
    let out = vse(std::env::temp_dir().as_path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every subcommand, nested ones too, as `vse-assess evidence add`.
fn every_command_line(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        let line = format!("{prefix} {}", sub.get_name());
        out.push(line.clone());
        every_command_line(sub, &line, out);
    }
}

/// One page holds everything: each subcommand under its own heading with its synopsis and
/// options, the exit status, the files and examples; it names no page that is not shipped,
/// and groff reads it without a warning.
#[test]
fn the_man_page_is_one_page_with_every_subcommand_exit_status_files_and_examples() {
    let page = printed(&["man"]);
    let th = page.find(".TH vse-assess 1").expect("a .TH title line");
    let first_section = page.find(".SH ").expect("sections");
    assert!(th < first_section, "{page:.300}");
    let sections: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .map(|h| h.trim_matches('"'))
        .collect();
    for wanted in [
        "NAME",
        "SYNOPSIS",
        "SUBCOMMANDS",
        "EXIT STATUS",
        "FILES",
        "EXAMPLES",
    ] {
        assert!(sections.contains(&wanted), "no {wanted} in {sections:?}");
    }
    assert!(!page.contains("vse-assess-"), "names a page per subcommand");
    let mut lines = Vec::new();
    every_command_line(&Cli::command(), "vse-assess", &mut lines);
    assert!(
        lines.iter().any(|l| l == "vse-assess evidence add"),
        "{lines:?}"
    );
    for line in &lines {
        let heading = format!(".SS \"{}\"", line.replace('-', "\\-"));
        let at = page
            .find(&heading)
            .unwrap_or_else(|| panic!("no {heading}"));
        // Its synopsis follows its heading.
        let synopsis = format!("\\fB{}\\fR", line.replace('-', "\\-"));
        assert!(page[at..].contains(&synopsis), "no synopsis for {line}");
    }
    for status in ["0", "1", "2", "3"] {
        assert!(
            page.contains(&format!(".TP\n\\fB{status}\\fR\n")),
            "exit status {status}"
        );
    }
    for file in [
        ".NAME.toml.lock",
        "NAME.mine.toml",
        "NAME.unsaved.toml",
        "questionnaires/",
    ] {
        assert!(
            page.contains(&file.replace('-', "\\-")),
            "no {file} in FILES"
        );
    }
    let examples = &page[page.find(".SH EXAMPLES").unwrap()..];
    assert!(
        examples.contains("vse\\-assess finalize audit.toml"),
        "{examples}"
    );

    if !common::tools(&["groff"], "apt-get install groff") {
        return;
    }
    let tmp = tempfile::TempDir::new().unwrap();
    let file = tmp.path().join("vse-assess.1");
    std::fs::write(&file, &page).unwrap();
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "groff warns");
    let out = Command::new("groff")
        .args(["-man", "-Tascii", "-P-cbou"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("EXIT STATUS") && text.contains("vse-assess evidence add"));
}

/// The README's install lines make the folders they write into.
#[test]
fn the_readme_install_lines_make_their_folders() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let installs: Vec<&str> = readme
        .lines()
        .filter(|l| l.starts_with("vse-assess completions ") || l.starts_with("vse-assess man >"))
        .collect();
    assert_eq!(installs.len(), 4, "{installs:?}");
    let mkdir = readme
        .lines()
        .find(|l| l.starts_with("mkdir -p "))
        .expect("a mkdir -p line");
    for line in installs {
        let target = line
            .split('>')
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        let folder = Path::new(target).parent().unwrap().to_str().unwrap();
        assert!(
            mkdir.split_whitespace().any(|w| w == folder),
            "{folder} is not made by `{mkdir}`"
        );
    }
}

/// Every argument of every subcommand says what it is in `--help` (and so in the manual
/// page): a bare `FILE` or `--title` tells a user nothing.
#[test]
fn every_argument_has_help() {
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") || arg.is_hide_set() {
                continue;
            }
            let help = arg
                .get_help()
                .or(arg.get_long_help())
                .map(|h| h.to_string());
            if help.is_none_or(|h| h.trim().is_empty()) {
                missing.push(format!("{path}: {id}"));
            }
            // A default that says nothing (`[default: ""]`) is not shown.
            let empty_default = arg.get_default_values().iter().any(|v| v.is_empty());
            if empty_default && !arg.is_hide_default_value_set() {
                missing.push(format!("{path}: {id} shows an empty default"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&Cli::command(), "vse-assess", &mut missing);
    assert!(
        missing.is_empty(),
        "arguments without help:\n{}",
        missing.join("\n")
    );
}

/// `finding verify` without its outcome names both ways of giving it.
#[test]
fn finding_verify_without_an_outcome_names_both_flags() {
    let out = vse(
        std::env::temp_dir().as_path(),
        &["finding", "verify", "a.toml", "NC-1", "--by", "X"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--effective") && err.contains("--not-effective"),
        "{err}"
    );
    let both = [
        "finding",
        "verify",
        "a.toml",
        "NC-1",
        "--by",
        "X",
        "--effective",
        "--not-effective",
    ];
    assert_eq!(
        vse(std::env::temp_dir().as_path(), &both).status.code(),
        Some(2)
    );
}

/// The completion scripts' variable in the environment of an ordinary command (a login's
/// environment, an sshd ForceCommand) does not turn it into a completion.
#[test]
fn a_command_with_the_completion_variable_set_still_runs() {
    let out = common::command(std::env::temp_dir().as_path())
        .args(["questionnaires"])
        .env("VSE_ASSESS_COMPLETE", "bash")
        .env("COMPLETE", "bash")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("iso29110-4-2-om"));
}
