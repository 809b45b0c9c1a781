//! Shell completions and the manual page: every subcommand is in them.

mod common;

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

/// Runs `shell ARGS`; its stdout, one candidate a line, sorted.
fn lines_of(shell: &str, args: &[&str]) -> Vec<String> {
    let out = Command::new(shell).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{shell} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    lines.sort();
    lines
}

/// What bash offers once `words` are typed (the last one being completed), as bash itself
/// would: the script sourced, its function found with `complete -p`, and called with
/// COMP_WORDS and COMP_CWORD set.
fn bash_offers(script: &Path, words: &[&str]) -> Vec<String> {
    let program = r#"
        source "$1"; shift
        spec=$(complete -p vse-assess) || exit 3
        f=${spec##* -F }; f=${f%% *}
        COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$f" vse-assess "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let mut args = vec!["--norc", "--noprofile", "-c", program, "bash"];
    args.push(script.to_str().unwrap());
    args.extend(words);
    lines_of("bash", &args)
}

/// What fish offers for a command line (`complete -C`), without the descriptions.
fn fish_offers(script: &Path, line: &str) -> Vec<String> {
    let program = format!("source '{}'; complete -C '{line}'", script.display());
    let offers = lines_of("fish", &["--no-config", "-c", &program]);
    offers
        .iter()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

fn words(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|w| w.to_string()).collect();
    v.sort();
    v
}

/// The scripts run in their shells offer the subcommands, then each subcommand's own
/// options and values: what a user pressing Tab gets.
#[test]
fn completions_complete_when_run_in_their_shells() {
    if !common::tools(&["bash", "zsh", "fish"], "apt-get install bash zsh fish") {
        return;
    }
    let tmp = tempfile::TempDir::new().unwrap();
    let mut every = subcommands();
    assert!(every.iter().any(|n| n == "compare") && every.iter().any(|n| n == "interview"));
    every.push("help".into());
    every.sort();

    let bash = script(tmp.path(), "bash");
    let top: Vec<String> = bash_offers(&bash, &["vse-assess", ""])
        .into_iter()
        .filter(|w| !w.starts_with('-'))
        .collect();
    assert_eq!(top, every);
    assert_eq!(bash_offers(&bash, &["vse-assess", "rep"]), ["report"]);
    let format = ["vse-assess", "report", "a.toml", "--format", ""];
    assert_eq!(
        bash_offers(&bash, &format),
        words(&["actions", "csv", "html", "markdown"])
    );
    let interview = bash_offers(&bash, &["vse-assess", "interview", "--"]);
    for option in ["--restricted", "--read-only", "--plain", "--follow"] {
        assert!(interview.iter().any(|w| w == option), "{interview:?}");
    }
    let evidence = bash_offers(&bash, &["vse-assess", "evidence", ""]);
    assert!(evidence.iter().any(|w| w == "add"), "{evidence:?}");
    let add = bash_offers(&bash, &["vse-assess", "evidence", "add", "--ti"]);
    assert_eq!(add, ["--title"]);

    let fish = script(tmp.path(), "fish");
    assert_eq!(fish_offers(&fish, "vse-assess "), every);
    assert_eq!(
        fish_offers(&fish, "vse-assess report a.toml --format "),
        words(&["actions", "csv", "html", "markdown"])
    );
    assert_eq!(
        fish_offers(&fish, "vse-assess evidence add --ti"),
        ["--title"]
    );

    // zsh completes only inside its line editor; here the script is loaded as compinit
    // loads it, and its lists of subcommands are run with `_describe` printing them.
    let zsh = script(tmp.path(), "zsh");
    let program = format!(
        "autoload -U compinit; compinit -u -D; source '{}'; \
         [[ $_comps[vse-assess] == _vse-assess ]] || exit 3; \
         _describe() {{ print -rl -- ${{${{(P)4}}%%:*}} }}; \
         _vse-assess_commands; print; _vse-assess__subcmd__evidence_commands",
        zsh.display()
    );
    let listed = lines_of("zsh", &["-f", "-c", &program]);
    let mut expected = every.clone();
    expected.extend(words(&["add", "list", "remove", "help"]));
    expected.sort();
    assert_eq!(listed, expected);
}

#[test]
fn completions_for_an_unknown_shell_are_refused() {
    let out = vse(std::env::temp_dir().as_path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_man_page_is_roff_and_lists_the_subcommands() {
    let page = printed(&["man"]);
    let th = page.find(".TH vse-assess 1").expect("a .TH title line");
    let first_section = page.find(".SH ").expect("sections");
    assert!(th < first_section, "{page:.300}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SUBCOMMANDS"));
    for name in subcommands() {
        assert!(page.contains(&name), "no {name}");
    }
}
