//! The scriptable commands. Each loads what it needs, changes it, and saves atomically; a
//! change that would leave the record invalid is refused before anything is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};

use super::sign;
use super::{
    ActionCommand, AnswerArgs, Command, EvidenceCommand, FindingCommand, FollowupCommand, Invalid,
    NewArgs, SetArgs, YesNo,
};
use crate::questionnaire::catalog::{self, Source};
use crate::rating::Judgement;
use crate::record::access::Access;
use crate::record::store::{self, Opened};
use crate::record::{ActionStatus, Evidence, FindingClass, Person, Record, Session, edit};
use crate::record::{evidence, lock};
use crate::report;
use crate::text::{display_path, neutralize, neutralize_line};
use crate::{LoadError, diagnostic, read_text};

/// Prints a line on stdout through [`neutralize`]: what a command prints may hold text from a
/// record, a questionnaire or a file name, which must never reach the terminal raw.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", neutralize(&format!($($arg)*)))
    };
}

/// [`say`] for stderr.
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", neutralize(&format!($($arg)*)))
    };
}

mod answers;
mod check;
mod create;
mod findings;
mod followup;
mod output;
mod plan;
mod portfolio;
mod register;

pub use check::{EvidenceChecked, verify_evidence};
pub use output::{ReportWritten, write_report_file};

use answers::*;
use check::*;
use create::*;
use findings::*;
use output::*;
use portfolio::*;
use register::*;

pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Interview {
            file,
            read_only,
            plain,
            restricted,
            follow,
        } => {
            let read_only = read_only || follow;
            let file = store::real_path(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let access = crate::restricted::access(&file, restricted);
            if !read_only && !file.exists() {
                ask_to_create(&file)?;
            }
            let lock = if read_only {
                if !file.exists() {
                    bail!(invalid(format!(
                        "{}: no such file (a read-only view never creates one)",
                        file.display()
                    )));
                }
                None
            } else {
                // Locked first after a save stopped midway: that finishes it (see `edit_any`).
                let stopped = store::stopped_save(&file);
                if !stopped {
                    store::check_writable(&file)?;
                }
                let lock = lock::lock(&file)?;
                store::check_writable(&file)?;
                Some(lock)
            };
            let mut opened = crate::tui::open_or_create(&file, &access, today())?;
            // A final record keeps what was found as signed off: the interview takes its
            // follow-up (the edit layer refuses the rest) until the follow-up is closed;
            // the line interview only shows it.
            let signed_off = opened.record.assessment.sign_off().map(|s| s.describe());
            let line_interview = plain || !crate::tui::usable_terminal();
            let closed = opened.record.assessment.follow_up_closed.is_some();
            let mut lock = lock.filter(|_| signed_off.is_none() || (!line_interview && !closed));
            if line_interview {
                let why = match (&signed_off, read_only) {
                    (Some(signed), _) => Some(format!(
                        "the record is final ({signed}); `vse-assess reopen` makes it editable"
                    )),
                    (None, true) => Some("opened with --read-only".to_string()),
                    (None, false) => None,
                };
                let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
                crate::tui::plain::run(
                    &mut opened,
                    lock.as_mut(),
                    why.as_deref(),
                    &mut stdin.lock(),
                    &mut stdout.lock(),
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let ended = crate::tui::run(opened, lock, follow)?;
            Ok(ExitCode::from(ended.exit_code()))
        }
        Command::New(args) => new(args),
        Command::Set(args) => set(args),
        Command::Finalize { file, by, date } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let q = &opened.questionnaire.questionnaire;
            edit::finalize(&mut opened.record, q, &by, &date_or_today(date), today())
                .map_err(|e| invalid(format!("{}: {e}", file.display())))?;
            for warning in edit::sign_off_warnings(&opened.record, q) {
                say_err!("{}: warning: {warning}", file.display());
            }
            save(&mut opened, &mut lock)?;
            let signed = opened
                .record
                .assessment
                .sign_off()
                .expect("just signed off");
            say!("{}: final, {}", file.display(), signed.describe());
            Ok(ExitCode::SUCCESS)
        }
        Command::Reopen {
            file,
            by,
            reason,
            date,
        } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            edit::reopen(
                &mut opened.record,
                &by,
                &date_or_today(date),
                &reason,
                today(),
            )
            .map_err(|e| invalid(format!("{}: {e}", file.display())))?;
            save(&mut opened, &mut lock)?;
            say!("{}: draft again, editable", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file } => verify(&file),
        Command::Validate { files } => Ok(validate(&files)),
        Command::Questionnaires => questionnaires(),
        Command::Answer(args) => answer(args),
        Command::Condition {
            file,
            id,
            answer,
            note,
            evidence,
        } => condition(&file, &id, answer, note, &evidence),
        Command::Evidence(cmd) => evidence(cmd),
        Command::Finding(cmd) => finding(cmd),
        Command::Action(cmd) => action(cmd),
        Command::Followup(cmd) => followup(cmd),
        Command::Report {
            file,
            output,
            format,
            sign,
            follow_up,
        } => {
            let format = report_format(format, follow_up).map_err(invalid)?;
            report(&file, output.as_deref(), format, sign.as_deref())
        }
        Command::Compare {
            old,
            new,
            output,
            force,
        } => compare(&old, &new, output.as_deref(), force),
        Command::Portfolio {
            paths,
            format,
            output,
        } => portfolio(&paths, format.into(), output.as_deref()),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            super::complete::registration(shell, &mut script)?;
            std::io::Write::write_all(&mut std::io::stdout(), &script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut page = Vec::new();
            super::man::render(&mut page)?;
            std::io::Write::write_all(&mut std::io::stdout(), &page)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { file } => {
            let opened = open(&file)?;
            print!("{}", report::status_text(&opened));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The report `--format` and `--follow-up` ask for (`report`, and the interview's `:report`).
pub fn report_format(format: super::FormatArg, follow_up: bool) -> Result<report::Format, String> {
    match (follow_up, format.into()) {
        (false, format) => Ok(format),
        (true, report::Format::Markdown) => Ok(report::Format::FollowUp),
        (true, report::Format::Html) => Ok(report::Format::FollowUpHtml),
        (true, _) => Err("--follow-up gives the follow-up report as markdown or html; the tables (--format csv, actions) are of the record as it stands".into()),
    }
}

/// A date given on the command line, else today's, as records hold dates.
fn date_or_today(date: Option<jiff::civil::Date>) -> String {
    date.unwrap_or_else(today).to_string()
}

/// Today, read once per command, at the edge (see [`crate::clock`]).
fn today() -> jiff::civil::Date {
    crate::clock::today()
}

/// A record named that does not exist may be a typo (`audti.toml`): asked (on stderr, the
/// answer a line of stdin, as plain mode reads its answers) before one is made; no answer
/// (stdin at its end) is no. A folder that is not there is said by the lock instead.
fn ask_to_create(file: &Path) -> Result<()> {
    use std::io::{BufRead, Write};
    if file
        .parent()
        .is_some_and(|p| !p.as_os_str().is_empty() && !p.is_dir())
    {
        return Ok(());
    }
    let shown = display_path(file);
    let refused = || {
        invalid(format!(
            "{shown}: no such record; nothing was created (`vse-assess new {}` makes one, or answer y when the interview asks)",
            crate::text::shell_word(file)
        ))
    };
    eprint!("vse-assess: {shown} does not exist. Start a new assessment in it? [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    match answer.trim().to_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => Err(refused()),
    }
}

fn invalid(msg: impl Into<String>) -> anyhow::Error {
    Invalid(msg.into()).into()
}

/// Opens a record for a command: the command line reads whatever it is told to.
fn open(file: &Path) -> Result<Opened> {
    let opened = store::open(file, &Access::Unrestricted, today()).map_err(or_new(file))?;
    // A note where answers that could not be saved went: a report made now would miss them.
    if let Some(note) = lock::note_of(&opened.path) {
        say_err!("vse-assess: note: {note}");
    }
    if opened.questionnaire_changed {
        say_err!(
            "vse-assess: warning: {}: questionnaire `{}` has changed since this record was created (SHA-256 differs)",
            file.display(),
            opened.record.questionnaire.id
        );
    }
    Ok(opened)
}

/// Opens a record to change it, as [`edit_any`], refusing a final one: a record signed off
/// changes only once reopened.
fn edit(file: &Path) -> Result<(Opened, lock::Lock)> {
    let (opened, lock) = edit_any(file)?;
    if let Some(signed) = opened.record.assessment.sign_off() {
        bail!(invalid(format!(
            "{}: the record is final ({}), nothing was changed; `vse-assess reopen {} --by NAME --reason TEXT` makes it editable again",
            file.display(),
            signed.describe(),
            file.display()
        )));
    }
    Ok((opened, lock))
}

/// Opens a record to change it: takes its edit lock first, so that no one else is editing it.
/// A symbolic link is followed (the lock and the save are the real file's); a file the save
/// would damage is refused before anything happens.
fn edit_any(file: &Path) -> Result<(Opened, lock::Lock)> {
    let file =
        &store::real_path(file).with_context(|| format!("cannot open {}", file.display()))?;
    // A save stopped midway (by root or another account) left the record's name with that
    // account's file: the lock is taken first, which finishes that save, then the record is
    // looked at. Otherwise a missing file (or not a file) is reported as such, and a record
    // this user may not write is refused, before any lock file is made.
    let stopped = store::stopped_save(file);
    if !stopped {
        crate::open_file(file).map_err(or_new(file))?;
        store::check_writable(file)?;
    }
    let held = lock::lock(file)?;
    if stopped {
        crate::open_file(file)?;
        store::check_writable(file)?;
    }
    // `open` shows a note the lock file holds.
    Ok((open(file)?, held))
}

/// A record that is not there: the message says how to make one.
fn or_new(file: &Path) -> impl FnOnce(LoadError) -> anyhow::Error + '_ {
    move |e| match &e {
        LoadError::Io { cause, .. } if cause.kind() == std::io::ErrorKind::NotFound => {
            invalid(format!(
                "{e}; `vse-assess new {}` creates a record",
                display_path(file)
            ))
        }
        _ => e.into(),
    }
}

fn save(opened: &mut Opened, lock: &mut lock::Lock) -> Result<()> {
    store::save(opened)?;
    lock.saved();
    Ok(())
}

fn refused(e: edit::Refused) -> anyhow::Error {
    invalid(e.to_string())
}
