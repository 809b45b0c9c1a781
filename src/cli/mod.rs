//! The command line: argument parsing and the commands that work on records without a
//! terminal UI. Each command loads, changes and saves through the domain modules.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::LoadError;
use crate::record::Kind;
use crate::record::lock::LockError;
use crate::record::store::SaveError;

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
    },
    /// The evidence register.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
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
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Markdown,
    Html,
    Csv,
}

impl From<FormatArg> for crate::report::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Markdown => Self::Markdown,
            FormatArg::Html => Self::Html,
            FormatArg::Csv => Self::Csv,
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
    /// Add an action (what is to be done).
    #[arg(long)]
    pub action: Option<String>,
    #[arg(long, requires = "action")]
    pub owner: Option<String>,
    /// Due date of the action (YYYY-MM-DD).
    #[arg(long, requires = "action")]
    pub due: Option<String>,
    /// Mark action number N (1-based, as `status` lists them) closed.
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
                    Some(SaveError::Invalid(_) | SaveError::TooLarge { .. })
                )
            {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
