//! The manual page: one page, vse-assess(1), with every subcommand (its synopsis, what it
//! does, its options) under SUBCOMMANDS, then the rules, the exit status, the files beside a
//! record and examples. (clap_mangen's own page names a page per subcommand, which is not
//! shipped.)

use std::io::Write;

use clap_mangen::Man;

/// Exit statuses, as the README's "Exit status" paragraph gives them.
const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success (for verify: every evidence file unchanged; for validate and portfolio: every file loaded).",
    ),
    (
        "1",
        "Anything else that failed: the disk refused the save, the record is read-only or has several hard links, its lock file cannot be opened, verify found evidence changed or missing.",
    ),
    (
        "2",
        "Bad input, nothing written: a file that does not load or is not a regular file, an unknown requirement, a bad value, a change refused (a final record, an existing file for new), a record that would grow past 16 MiB.",
    ),
    (
        "3",
        "The record is open for editing elsewhere (its lock is held).",
    ),
    (
        "128+N",
        "An interview ended by signal N (129 for a hang-up, also when the terminal went away; 143 for SIGTERM), its answers saved.",
    ),
];

/// The files a record has beside it.
const FILES: &[(&str, &str)] = &[
    (
        "NAME.toml",
        "The record: the assessment details, the answers, findings, actions and the evidence register, in TOML. Every command and the interview read and write it; a save replaces it atomically.",
    ),
    (
        ".NAME.toml.lock",
        "The edit lock, held while a command or an interview changes the record: a second one is refused (exit status 3) until it is released.",
    ),
    (
        "NAME.mine.toml",
        "Your answers, kept when the record changed on disk under an interview and the two could not both be saved.",
    ),
    (
        "NAME.unsaved.toml",
        "Answers that could not be saved (the disk refused the write); the next command on the record names it.",
    ),
    (
        "questionnaires/",
        "Questionnaires in the current folder (and, for --restricted, the record's folder), beside the built-in ones; vse-assess questionnaires lists them.",
    ),
];

/// Examples, from the README's "The life of an assessment".
const EXAMPLES: &[(&str, &str)] = &[
    (
        "Create an audit record and walk through it",
        "vse-assess new audit.toml --vse Brightline --kind audit --assessor \"Claire Martin:lead auditor\"\nvse-assess interview audit.toml",
    ),
    (
        "Register evidence and plan an action",
        "vse-assess evidence add audit.toml --id PLAN --title \"Strategic plan\" --location docs/plan.pdf --supports 7.2.a,7.2.b\nvse-assess action add audit.toml --finding NC-1 --what \"Add measurable targets\" --due 2027-01-31",
    ),
    (
        "Sign off, and write a signed report",
        "vse-assess finalize audit.toml --by \"Claire Martin\"\nvse-assess report audit.toml -o report.md --sign ~/.ssh/id_ed25519",
    ),
    (
        "A year on: what changed",
        "vse-assess compare audit-2025.toml audit.toml -o changes.md",
    ),
    (
        "The next audit of the cycle, carrying the nonconformities still open, then the cycle",
        "vse-assess new audit-2027.toml --from audit.toml --stage surveillance --session 2027-11-15:Lyon\nvse-assess compare audit.toml audit-2027.toml",
    ),
];

/// Writes the page.
pub fn render(out: &mut dyn Write) -> std::io::Result<()> {
    let mut cli = <super::Cli as clap::CommandFactory>::command();
    cli.build();
    let man = Man::new(cli.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    writeln!(out, ".SH SUBCOMMANDS")?;
    for sub in visible(&cli) {
        subcommand(sub, out)?;
    }
    if let Some(rules) = cli.get_after_long_help() {
        writeln!(out, ".SH RULES")?;
        text(&rules.to_string(), out)?;
    }
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    list(EXIT_STATUS, out)?;
    writeln!(out, ".SH FILES")?;
    list(FILES, out)?;
    writeln!(out, ".SH EXAMPLES")?;
    for (what, commands) in EXAMPLES {
        writeln!(out, ".PP")?;
        text(what, out)?;
        writeln!(out, ".PP\n.RS 4\n.nf")?;
        text(commands, out)?;
        writeln!(out, ".fi\n.RE")?;
    }
    writeln!(out, ".SH \"SEE ALSO\"")?;
    text(
        "vse-assess help SUBCOMMAND and vse-assess SUBCOMMAND --help print the same; the README has the whole guide.",
        out,
    )?;
    man.render_version_section(out)
}

fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// One subcommand under its own heading (`vse-assess evidence add`): its synopsis, what it
/// does, its options; then those of its own subcommands.
fn subcommand(cmd: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    writeln!(out, ".SS \"{}\"", escape(name).replace('"', "\\(dq"))?;
    let man = Man::new(cmd.clone());
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    // The page's sections are this subcommand's paragraphs: `.SH SYNOPSIS` is dropped (the
    // heading names the command), the others become bold lead-ins.
    for line in String::from_utf8_lossy(&body).lines() {
        match line.strip_prefix(".SH ") {
            Some("SYNOPSIS") => {}
            Some("DESCRIPTION") => writeln!(out, ".PP")?,
            Some(heading) => {
                let heading = heading.trim_matches('"');
                let title: String = heading
                    .chars()
                    .take(1)
                    .chain(heading.chars().skip(1).flat_map(char::to_lowercase))
                    .collect();
                writeln!(out, ".PP\n\\fB{}:\\fR", escape(&title))?;
            }
            None => writeln!(out, "{line}")?,
        }
    }
    for sub in visible(cmd) {
        subcommand(sub, out)?;
    }
    Ok(())
}

/// A tagged list (`.TP`).
fn list(items: &[(&str, &str)], out: &mut dyn Write) -> std::io::Result<()> {
    for (tag, what) in items {
        writeln!(out, ".TP\n\\fB{}\\fR", escape(tag))?;
        text(what, out)?;
    }
    Ok(())
}

/// Plain text, line by line, safe from roff's requests.
fn text(text: &str, out: &mut dyn Write) -> std::io::Result<()> {
    for line in text.lines() {
        writeln!(out, "{}", escape(line))?;
    }
    Ok(())
}

/// Escapes roff: backslashes, hyphens (typed as minus signs, as options are), and a leading
/// `.` or `'` that would be read as a request.
fn escape(line: &str) -> String {
    let escaped = line.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
