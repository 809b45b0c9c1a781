//! The command line: argument parsing and the commands that work on records without a
//! terminal UI. Each command loads, changes and saves through the domain modules.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::LoadError;
use crate::record::lock::LockError;
use crate::record::store::SaveError;
use crate::record::{FindingClass, Kind};

#[derive(Debug, Parser)]
#[command(
    name = "vse-assess",
    version,
    about = "ISO/IEC 29110-4-2 organizational management profile assessments"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk through the requirements in a terminal UI (creates FILE if it does not exist).
    Interview {
        /// The record; assessment.toml in the current folder by default.
        #[arg(default_value = "assessment.toml")]
        file: PathBuf,
        /// Look without changing anything (works while someone else has the file open).
        #[arg(long)]
        read_only: bool,
    },
    /// Create a new assessment record (never overwrites an existing file).
    New(NewArgs),
    /// Check questionnaires and records; lists every problem, exit 0 only if all are valid.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the embedded questionnaires and those in ./questionnaires/.
    Questionnaires,
    /// Record answers for one requirement from a script.
    Answer(AnswerArgs),
    /// Record the answer to one of clause 6's minimal conditions.
    Condition {
        file: PathBuf,
        /// Condition id, e.g. 6.a
        id: String,
        #[arg(value_enum)]
        answer: YesNo,
        #[arg(long)]
        note: Option<String>,
        /// An evidence id of the register the answer rests on (repeatable).
        #[arg(long = "evidence")]
        evidence: Vec<String>,
    },
    /// The evidence register.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Findings: nonconformities, observations, opportunities for improvement, good practice.
    #[command(subcommand)]
    Finding(FindingCommand),
    /// Actions of findings: corrective actions of nonconformities, follow-up of the rest.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Progress per process and what is still open, as plain text.
    Status { file: PathBuf },
    /// The assessment report with Annex A traceability (Markdown to stdout by default).
    Report {
        file: PathBuf,
        /// Write to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "markdown")]
        format: FormatArg,
    },
    /// Compare two assessments of the same profile: ratings, findings, actions, processes
    /// (Markdown to stdout by default).
    Compare {
        /// The earlier record.
        old: PathBuf,
        /// The later record.
        new: PathBuf,
        /// Write to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script, e.g. `vse-assess completions bash`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `vse-assess man > vse-assess.1`.
    Man,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Markdown,
    Html,
    /// One row per requirement.
    Csv,
    /// One row per finding and per action (CSV).
    Actions,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Markdown => Self::Markdown,
            FormatArg::Html => Self::Html,
            FormatArg::Csv => Self::Csv,
            FormatArg::Actions => Self::Actions,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    #[value(name = "self")]
    SelfAssessment,
    Audit,
}

impl From<KindArg> for Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::SelfAssessment => Kind::SelfAssessment,
            KindArg::Audit => Kind::Audit,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    pub file: PathBuf,
    /// Name of the very small entity assessed.
    #[arg(long, default_value = "")]
    pub vse: String,
    #[arg(long, value_enum, default_value = "self")]
    pub kind: KindArg,
    /// Questionnaire id (embedded or in ./questionnaires/) or path to a questionnaire file.
    #[arg(long, default_value = "iso29110-4-2-om")]
    pub questionnaire: String,
    #[arg(long)]
    pub objectives: Option<String>,
    /// Who asked for the assessment (the audit client).
    #[arg(long)]
    pub client: Option<String>,
    /// A site in scope (repeatable).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Processes in scope (repeatable); all of the questionnaire's by default.
    #[arg(long = "process")]
    pub processes: Vec<String>,
    /// Assessment team member as NAME or NAME:ROLE (repeatable).
    #[arg(long = "assessor")]
    pub team: Vec<String>,
    /// VSE participant as NAME or NAME:ROLE (repeatable).
    #[arg(long = "participant")]
    pub participants: Vec<String>,
    /// Date of the assessment (YYYY-MM-DD); with --location, one session.
    #[arg(long)]
    pub date: Option<String>,
    #[arg(long)]
    pub location: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AnswerArgs {
    pub file: PathBuf,
    /// Requirement: 7.2.a, 7.2a, "7.2 a)" or OM.a, in any case.
    pub requirement: String,
    /// N, P, L, F, or na (not applicable, needs --justification).
    #[arg(long)]
    pub rating: Option<String>,
    #[arg(long)]
    pub justification: Option<String>,
    /// Remove the rating: the requirement is not yet assessed.
    #[arg(long, conflicts_with = "rating")]
    pub clear_rating: bool,
    /// Replace the notes.
    #[arg(long)]
    pub note: Option<String>,
    /// Add a paragraph to the notes.
    #[arg(long)]
    pub append_note: Option<String>,
    /// Check a facet found in place (repeatable).
    #[arg(long = "facet")]
    pub facets: Vec<String>,
    /// Uncheck a facet (repeatable).
    #[arg(long = "uncheck")]
    pub uncheck: Vec<String>,
    /// A finding as CLASS:TEXT; CLASS is major, minor, observation, improvement or good-practice.
    #[arg(long = "finding")]
    pub findings: Vec<String>,
    /// Link an evidence item of the register (repeatable).
    #[arg(long = "evidence")]
    pub evidence: Vec<String>,
    /// Unlink an evidence item (repeatable).
    #[arg(long = "unlink")]
    pub unlink: Vec<String>,
    /// Someone interviewed for this requirement (repeatable).
    #[arg(long = "interviewed")]
    pub interviewed: Vec<String>,
    /// What was sampled: projects, period, records seen, how many of how many.
    #[arg(long)]
    pub sampling: Option<String>,
    /// Add an action to the requirement's nonconformity (when it has exactly one).
    #[arg(long)]
    pub action: Option<String>,
    #[arg(long, requires = "action")]
    pub owner: Option<String>,
    /// Due date of the action (YYYY-MM-DD).
    #[arg(long, requires = "action")]
    pub due: Option<String>,
    /// Mark the requirement's action number N (1-based, finding by finding) closed.
    #[arg(long)]
    pub close_action: Vec<usize>,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Register an item; a readable local file is hashed (SHA-256).
    Add {
        file: PathBuf,
        #[arg(long)]
        id: String,
        #[arg(long)]
        title: String,
        /// document, record, interview, observation or url.
        #[arg(long, default_value = "document")]
        kind: String,
        /// A path, URL or place where the item can be found.
        #[arg(long, default_value = "")]
        location: String,
        /// A version label or date.
        #[arg(long, default_value = "")]
        version: String,
        /// A requirement this item supports (repeatable).
        #[arg(long = "supports")]
        supports: Vec<String>,
    },
    /// List the register.
    List { file: PathBuf },
    /// Remove an item and its links.
    Remove { file: PathBuf, id: String },
}

fn finding_class(s: &str) -> Result<FindingClass, String> {
    FindingClass::parse(s)
}

#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// Record a finding about a requirement; prints its id (NC-1, OBS-1, OFI-1, GP-1).
    Add {
        file: PathBuf,
        /// Requirement: 7.2.a, 7.2a, "7.2 a)" or OM.a.
        requirement: String,
        /// major, minor, observation, improvement (or ofi), good-practice.
        #[arg(long, value_parser = finding_class)]
        class: FindingClass,
        #[arg(long)]
        text: String,
        /// An evidence id of the register the finding rests on (repeatable).
        #[arg(long = "evidence")]
        evidence: Vec<String>,
        /// Someone interviewed for it (repeatable).
        #[arg(long = "interviewed")]
        interviewed: Vec<String>,
    },
    /// One line per finding: id, requirement, class, state, text.
    List {
        file: PathBuf,
        /// Only nonconformities not yet verified closed.
        #[arg(long)]
        open: bool,
    },
    /// Change a finding (a change of class between nonconformity and other kinds changes its id).
    Edit {
        file: PathBuf,
        id: String,
        #[arg(long)]
        text: Option<String>,
        #[arg(long, value_parser = finding_class)]
        class: Option<FindingClass>,
        /// Cite an evidence id of the register (repeatable).
        #[arg(long = "evidence")]
        evidence: Vec<String>,
        /// Cite an evidence id no longer (repeatable).
        #[arg(long = "uncite")]
        uncite: Vec<String>,
        /// Someone interviewed for it (repeatable).
        #[arg(long = "interviewed")]
        interviewed: Vec<String>,
        /// What was done at once to put the situation right.
        #[arg(long)]
        correction: Option<String>,
        /// Why the nonconformity happened.
        #[arg(long)]
        root_cause: Option<String>,
    },
    /// Remove a finding and its actions.
    Remove { file: PathBuf, id: String },
    /// Record the assessment team's verification of a nonconformity's corrective action.
    Verify {
        file: PathBuf,
        id: String,
        /// Who verified (a member of the assessment team).
        #[arg(long)]
        by: String,
        /// YYYY-MM-DD; today by default.
        #[arg(long)]
        date: Option<String>,
        /// The corrective action worked: the nonconformity is closed.
        #[arg(
            long,
            conflicts_with = "not_effective",
            required_unless_present = "not_effective"
        )]
        effective: bool,
        /// It did not: the nonconformity stays open.
        #[arg(long)]
        not_effective: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Plan an action for a finding; prints its id (A-1, A-2...).
    Add {
        file: PathBuf,
        /// The finding's id, e.g. NC-1.
        #[arg(long)]
        finding: String,
        #[arg(long)]
        what: String,
        #[arg(long, default_value = "")]
        owner: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
    },
    /// One line per action: id, finding, status, due, owner, what.
    List { file: PathBuf },
    /// Mark an action done.
    Close { file: PathBuf, id: String },
    /// Mark an action open again.
    Reopen { file: PathBuf, id: String },
}

/// A user error that is not about a file's content: an unknown requirement, a bad value.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// Runs the command line; the exit status is 2 for bad input (files or arguments), 3 when
/// the record is open for editing elsewhere, 1 for anything else that failed.
pub fn main() -> ExitCode {
    // Past a file-size limit (ulimit -f) a write fails with EFBIG and the failed-save path
    // keeps the answers; the default SIGXFSZ would kill the process mid-interview.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let cli = Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote keys, values and names from files: never raw on the terminal.
            eprintln!("vse-assess: {}", crate::text::neutralize(&format!("{e:#}")));
            if matches!(e.downcast_ref::<LockError>(), Some(LockError::Held { .. })) {
                ExitCode::from(3)
            } else if e.downcast_ref::<LoadError>().is_some()
                || e.downcast_ref::<Invalid>().is_some()
                || matches!(
                    e.downcast_ref::<SaveError>(),
                    Some(
                        SaveError::Invalid(_)
                            | SaveError::TooLarge { .. }
                            | SaveError::NotAFile { .. }
                    )
                )
            {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
