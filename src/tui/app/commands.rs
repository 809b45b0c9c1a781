//! The command menu (`:`): the commands of the command line that make sense inside the
//! interview, typed as on the command line without the file (`:report -o x.md --format
//! html`). They are parsed by the command line's own parser and go through the same edit
//! layer and report functions; writing a report and hashing evidence are [`Effect`]s for
//! the event loop, as every file is.

use std::path::PathBuf;

use clap::Parser;

use super::{App, Effect, Overlay, Pending};
use crate::cli::{Cli, Command, FindingCommand, FollowupCommand};
use crate::record::{Signed, edit};
use crate::report::Format;
use crate::tui::action::Action;
use ratatui_textarea::Key;

/// A command the menu offers: its name (one or two words, as on the command line), its
/// arguments, and what it does.
#[derive(Debug)]
pub struct MenuCommand {
    pub name: &'static str,
    pub args: &'static str,
    pub what: &'static str,
}

const fn c(name: &'static str, args: &'static str, what: &'static str) -> MenuCommand {
    MenuCommand { name, args, what }
}

/// Every command of the menu, in the order it lists them.
pub const COMMANDS: &[MenuCommand] = &[
    c(
        "finalize",
        "[--by NAME [--date YYYY-MM-DD]]",
        "sign off: the record becomes final (asks first)",
    ),
    c(
        "reopen",
        "--by NAME --reason TEXT [--date YYYY-MM-DD]",
        "make a final record a draft again (the lead auditor)",
    ),
    c(
        "followup close",
        "--by NAME [--date YYYY-MM-DD]",
        "close the follow-up of a final record",
    ),
    c(
        "finding accept",
        "ID --by NAME [--date YYYY-MM-DD]",
        "the VSE accepts a finding",
    ),
    c(
        "verify",
        "",
        "hash the evidence files again: which changed or are missing",
    ),
    c(
        "report",
        "[-o FILE] [--format markdown|html|csv|actions] [--follow-up] [--sign KEY]",
        "write a report (beside the record unless -o)",
    ),
    c("status", "", "where the assessment stands"),
];

/// The one-line prompt of the command menu.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub typed: String,
    /// Why the last Enter was refused.
    pub error: Option<String>,
}

impl Prompt {
    /// The commands that fit what is typed: those whose name starts like it, or the one it
    /// starts with (its arguments being typed).
    pub fn matches(&self) -> Vec<&'static MenuCommand> {
        let typed = squeezed(&self.typed);
        COMMANDS
            .iter()
            .filter(|c| c.name.starts_with(&typed) || starts_with_command(&typed, c.name))
            .collect()
    }

    /// Tab: completes the command's name as far as the commands that fit agree.
    fn complete(&mut self) {
        let typed = squeezed(&self.typed);
        let names: Vec<&str> = COMMANDS
            .iter()
            .map(|c| c.name)
            .filter(|n| n.starts_with(&typed))
            .collect();
        match names.as_slice() {
            [] if self.matches().is_empty() => {
                self.error = Some("no command starts like that (Esc closes)".into())
            }
            [] => {}
            [one] => self.typed = format!("{one} "),
            [first, rest @ ..] => {
                let common = rest.iter().fold(first.len(), |n, other| {
                    first
                        .bytes()
                        .zip(other.bytes())
                        .take(n)
                        .take_while(|(a, b)| a == b)
                        .count()
                });
                self.typed = first[..common].to_owned();
            }
        }
    }
}

/// Words separated by one space, leading spaces dropped: `followup   close` is the command.
fn squeezed(typed: &str) -> String {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let mut s = words.join(" ");
    if typed.ends_with(' ') && !s.is_empty() {
        s.push(' ');
    }
    s
}

fn starts_with_command(typed: &str, name: &str) -> bool {
    typed == name || typed.starts_with(&format!("{name} "))
}

/// What a command needs that this interview cannot give: None when it may run.
fn refused_here(app: &App, name: &str) -> Option<String> {
    let changes = !matches!(name, "verify" | "report" | "status");
    if changes && app.read_only {
        let file = crate::text::shell_word(&app.opened.path);
        return Some(format!(
            "read-only: nothing can be changed here; this view holds no lock, so `vse-assess {name} {file} ...` in a shell can"
        ));
    }
    if name == "report" && app.opened.access.is_restricted() {
        return Some(
            "a restricted interview writes nothing but the record: reports are made with `vse-assess report` where files may be written".into(),
        );
    }
    None
}

impl App {
    /// `:` opens the command menu.
    pub(super) fn open_command_menu(&mut self) {
        self.overlay = Overlay::Command(Prompt::default());
    }

    pub(super) fn update_command(&mut self, mut prompt: Prompt, action: Action) {
        match action {
            Action::Back => return,
            Action::Confirm => return self.run_command(prompt),
            Action::NextField => prompt.complete(),
            Action::Paste(text) => prompt.typed.push_str(&text.replace(['\n', '\r'], " ")),
            Action::Input(input) => {
                prompt.error = None;
                match input.key {
                    Key::Char('u') if input.ctrl => prompt.typed.clear(),
                    Key::Char('w') if input.ctrl => {
                        let kept = prompt.typed.trim_end().rfind(' ').map_or(0, |i| i + 1);
                        prompt.typed.truncate(kept);
                    }
                    Key::Char(c) if !input.ctrl && !input.alt => prompt.typed.push(c),
                    Key::Backspace => {
                        prompt.typed.pop();
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        self.overlay = Overlay::Command(prompt);
    }

    /// Enter in the command menu: runs what is typed, or puts the prompt back saying why not.
    fn run_command(&mut self, mut prompt: Prompt) {
        match self.command(&prompt.typed) {
            Ok(()) => {}
            Err(why) => {
                prompt.error = Some(why);
                self.overlay = Overlay::Command(prompt);
            }
        }
    }

    fn command(&mut self, typed: &str) -> Result<(), String> {
        let words = shlex::split(typed).ok_or("a quote is not closed")?;
        if words.is_empty() {
            return Ok(());
        }
        let known = COMMANDS.iter().find(|c| {
            let name: Vec<&str> = c.name.split(' ').collect();
            words.len() >= name.len() && words[..name.len()] == name[..]
        });
        let Some(known) = known else {
            let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
            return Err(format!(
                "unknown command `{}`; the menu has: {}",
                words[0],
                names.join(", ")
            ));
        };
        if let Some(why) = refused_here(self, known.name) {
            return Err(why);
        }
        let named = known.name.split(' ').count();
        // Bare `finalize`: the sign-off form, as Enter on the Status row.
        if known.name == "finalize" && words.len() == 1 {
            self.ask_sign_off();
            return Ok(());
        }
        // The command line's parser, with the record as FILE. A report goes beside the
        // record unless told where: a placeholder stands in until the format is known.
        let mut argv: Vec<String> = vec!["vse-assess".into()];
        argv.extend(words[..named].iter().cloned());
        argv.push(self.opened.path.to_string_lossy().into_owned());
        argv.extend(words[named..].iter().cloned());
        let beside = known.name == "report"
            && !words[named..]
                .iter()
                .any(|w| w.starts_with("-o") || w.starts_with("--output"));
        if beside {
            argv.extend(["--output".into(), BESIDE.into()]);
        }
        let cli = Cli::try_parse_from(&argv).map_err(|e| match e.kind() {
            clap::error::ErrorKind::DisplayHelp => {
                self.notice("Command help", e.to_string());
                String::new()
            }
            _ => parse_error(&e.to_string()),
        });
        let cli = match cli {
            Ok(cli) => cli,
            // The help is shown: the menu is done.
            Err(why) if why.is_empty() => return Ok(()),
            Err(why) => return Err(why),
        };
        let date = |d: Option<jiff::civil::Date>| d.unwrap_or(self.today).to_string();
        match cli.command {
            Command::Finalize { by, date: d, .. } => {
                let date = date(d);
                if let Err(why) = self.ask_to_sign(by, date, Overlay::None) {
                    self.notice("Not signed off", why);
                }
            }
            Command::Reopen {
                by,
                reason,
                date: d,
                ..
            } => {
                let date = date(d);
                let reopened =
                    edit::reopen(&mut self.opened.record, &by, &date, &reason, self.today);
                reopened.map_err(|e| e.to_string())?;
                self.changed();
                self.message = Some(format!(
                    "reopened by {by}: a draft again, editable; the reopening is kept in its history"
                ));
            }
            Command::Followup(FollowupCommand::Close { by, date: d, .. }) => {
                let date = date(d);
                let closed = edit::close_follow_up(&mut self.opened.record, &by, &date, self.today);
                closed.map_err(|e| e.to_string())?;
                self.changed();
                let open = edit::follow_up_remaining(&self.opened.record);
                let mut text = format!("Follow-up closed by {by} on {date}; it changes no more.");
                if open.is_empty() {
                    text.push_str("\n\nNothing remains open.");
                } else {
                    text.push_str("\n\nStill open:");
                    for line in open {
                        text.push_str(&format!("\n- {line}"));
                    }
                }
                self.notice("Follow-up closed", text);
            }
            Command::Finding(FindingCommand::Accept {
                id, by, date: d, ..
            }) => {
                let accepted = Some(Signed { by, date: date(d) });
                edit::accept_finding(&mut self.opened.record, &id, accepted, self.today)
                    .map_err(|e| e.to_string())?;
                self.changed();
                let f = self.opened.record.finding(&id).expect("accepted");
                let s = f.vse_accepted.as_ref().expect("accepted");
                self.message = Some(format!("{}: accepted by {} on {}", f.id, s.by, s.date));
            }
            Command::Verify { .. } => {
                self.effects.push(Effect::VerifyEvidence);
                self.message = Some("checking the evidence files…".into());
            }
            Command::Report {
                output,
                format,
                sign,
                follow_up,
                ..
            } => {
                let format = crate::cli::report_format(format, follow_up)?;
                let output = output
                    .filter(|o| o.as_os_str() != BESIDE)
                    .unwrap_or_else(|| self.report_beside(format));
                self.message = Some(format!("writing {}…", output.display()));
                self.effects.push(Effect::WriteReport {
                    output,
                    format,
                    sign,
                });
            }
            Command::Status { .. } => {
                let text = crate::report::status_text(&self.opened);
                self.notice("Status", text);
            }
            _ => unreachable!("only the menu's commands are parsed"),
        }
        Ok(())
    }

    /// Where `:report` writes without -o: beside the record, named like it
    /// (`audit.md`, `audit.follow-up.html`, `audit.actions.csv`).
    fn report_beside(&self, format: Format) -> PathBuf {
        let ext = match format {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Actions => "actions.csv",
            Format::FollowUp => "follow-up.md",
            Format::FollowUpHtml => "follow-up.html",
        };
        self.opened.path.with_extension(ext)
    }

    /// Asks before signing off as `by` on `date`: what signing means, who, when. Yes signs;
    /// no puts back `restore` (the sign-off form, or nothing). Refused at once, saying why,
    /// when the sign-off would be.
    pub(super) fn ask_to_sign(
        &mut self,
        by: String,
        date: String,
        restore: Overlay,
    ) -> Result<(), String> {
        // Refused now rather than after the question: the same check as the yes.
        let q = &self.opened.questionnaire.questionnaire;
        let mut trial = self.opened.record.clone();
        edit::finalize(&mut trial, q, &by, &date, self.today).map_err(|e| super::refusal(&e))?;
        self.overlay = Overlay::Confirm {
            question: format!(
                "Sign off as {by} on {date}? The record becomes final: what the audit found can no longer be changed (only its follow-up), the report gives {date} as its issue date, and only a reopening with a reason, kept in its history, undoes it. y signs, n goes back"
            ),
            pending: Pending::SignOff {
                by,
                date,
                restore: Box::new(restore),
            },
        };
        Ok(())
    }

    /// Yes to the sign-off question.
    pub(super) fn sign_off(&mut self, by: &str, date: &str) {
        let q = &self.opened.questionnaire.questionnaire;
        let signed = edit::finalize(&mut self.opened.record, q, by, date, self.today);
        if self.edited(signed).is_none() {
            return;
        }
        let q = &self.opened.questionnaire.questionnaire;
        let warnings = edit::sign_off_warnings(&self.opened.record, q);
        self.message = Some(match warnings.first() {
            None => {
                "signed off: the record is final; what was found can no longer be changed".into()
            }
            Some(first) if warnings.len() == 1 => format!("signed off (final); warning: {first}"),
            Some(first) => format!(
                "signed off (final); {} warnings, the first: {first}",
                warnings.len()
            ),
        });
    }
}

/// Stands for "no -o given" while the command line's parser reads a `:report`.
const BESIDE: &str = "\u{0}beside";

/// The command line parser's refusal on one line, without its usage and `--help` hint.
fn parse_error(text: &str) -> String {
    let said: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    let said = said.join(" ");
    let said = said.strip_prefix("error: ").unwrap_or(&said);
    format!("{said} (--help after the command lists its options)")
}
