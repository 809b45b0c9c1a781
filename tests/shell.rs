//! Shell completions and the manual page: every subcommand is in them.

mod common;

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

#[test]
fn completions_know_every_subcommand() {
    let names = subcommands();
    assert!(names.iter().any(|n| n == "compare") && names.iter().any(|n| n == "interview"));
    for shell in ["bash", "zsh", "fish"] {
        let script = printed(&["completions", shell]);
        assert!(script.contains("vse-assess"), "{shell}");
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell}: no {name}");
        }
    }
    // The formats of `report --format` complete too.
    assert!(printed(&["completions", "bash"]).contains("actions"));
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
