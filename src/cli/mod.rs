//! The command line: argument parsing and the commands that work on records without a
//! terminal UI. Each command loads, changes and saves through the domain modules.

mod commands;
mod complete;
mod man;
mod sign;

pub use commands::{
    EvidenceChecked, ReportWritten, report_format, verify_evidence, write_report_file,
};

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;

use crate::LoadError;
use crate::rating::Judgement;
use crate::record::lock::LockError;
use crate::record::store::SaveError;
use crate::record::{EvidenceKind, FindingClass, Kind, Session, Stage};

/// The rating and sign-off rules, for `--help` and the manual page (the README's Rating rules).
const RULES: &str = "Rules: a requirement is met when rated F with evidence or an interview behind it and no nonconformity open; N/A is not met, as every requirement of the profile is mandatory. A rating below met is settled only by an open nonconformity of its weight: a major for N, P and N/A, a minor for L. An audit's recommendation rests on its nonconformities: a major open, none; only minors, once their corrective action plan is accepted; none open, certification is recommended; and no recommendation yet while a requirement is unassessed or a consistency warning stands. `finalize` refuses an audit while any consistency warning stands or a detail the certification body needs is missing; only its lead auditor signs it. A sign-off needs a due date for the VSE's corrective action plan of each nonconformity, not actions: the plan is the VSE's. A self-assessment is signed off with its warnings, which its report lists as gaps. After the sign-off, the VSE's response, actions and verifications are follow-up, until the lead auditor closes it (`followup close`). A clause 6 condition answered no means the profile does not apply.";

#[derive(Debug, Parser)]
#[command(
    name = "vse-assess",
    version,
    about = "ISO/IEC 29110-4-2 organizational management profile assessments",
    after_long_help = RULES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Walk through the requirements in a terminal UI (creates FILE if it does not exist).
    Interview {
        /// The record; assessment.toml in the current folder by default. One that does not
        /// exist is made once you answer y to the question whether to start one.
        #[arg(default_value = "assessment.toml")]
        file: PathBuf,
        /// Look without changing anything (works while someone else has the file open).
        #[arg(long)]
        read_only: bool,
        /// Line by line, plain text only: for screen readers and dumb terminals. Chosen
        /// anyway when TERM is dumb or the input or output is not a terminal.
        #[arg(long)]
        plain: bool,
        /// For an account that only hosts interviews (sshd ForceCommand): this record only,
        /// built-in questionnaires or those in the record's folder, evidence read only inside
        /// it, no shell, nothing written but the record, its lock and its .mine.toml.
        #[arg(long)]
        restricted: bool,
        /// Follow someone else's interview live (read-only): every saved change, and the
        /// question they are on.
        #[arg(long)]
        follow: bool,
    },
    /// Create a new assessment record (never overwrites an existing file).
    New(NewArgs),
    /// Change the assessment details: who, what, when, where, conclusions, distribution.
    Set(SetArgs),
    /// Sign the assessment off: checks it is complete, records who and when, makes it final.
    ///
    /// Refused, with every reason listed, while a requirement in scope is not assessed, an N/A
    /// has no justification, a nonconformity has no due date for the VSE's corrective action
    /// plan (its own or the record's), a clause 6 condition is not answered or no
    /// conclusions are written (actions are the VSE's: none is needed). A plan due more days
    /// after the sign-off than the scheme allows (`set --plan-limit-major`, `--plan-limit-minor`;
    /// 30 and 90 by default) is warned about. An audit is also refused while a detail
    /// the certification body needs is missing and while any consistency warning stands: a
    /// rating below met that no open nonconformity of its weight settles (a major for N, P
    /// and N/A, a minor for L), a met rating with a nonconformity open or nothing behind it,
    /// a rating more than one band from what its facets suggest, a nonconformity citing no
    /// evidence. Only its lead auditor signs it. A self-assessment is signed off with its
    /// warnings, which its report lists as gaps.
    Finalize {
        /// The record (a .toml file).
        file: PathBuf,
        /// Who signs off (in an audit with a team recorded, its lead auditor).
        #[arg(long)]
        by: String,
        /// The sign-off date, which the report gives as its issue date; today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
    },
    /// Make a final record editable again; who and why stay in its history.
    Reopen {
        /// The record (a .toml file).
        file: PathBuf,
        /// Who reopens it (recorded in its history).
        #[arg(long)]
        by: String,
        /// Why it is reopened (recorded in its history).
        #[arg(long)]
        reason: String,
        /// Today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
    },
    /// Re-hash the evidence files and list those changed or missing since they were
    /// registered (exit 1 if any).
    Verify {
        /// The record (a .toml file).
        file: PathBuf,
    },
    /// Check questionnaires and records; lists every problem, exit 0 only if all are valid.
    Validate {
        /// Questionnaire files and records to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// List the embedded questionnaires and those in ./questionnaires/.
    Questionnaires,
    /// Record answers for one requirement from a script.
    Answer(AnswerArgs),
    /// Record the answer to one of clause 6's minimal conditions.
    Condition {
        /// The record (a .toml file).
        file: PathBuf,
        /// Condition id, e.g. 6.a
        #[arg(add = complete::conditions())]
        id: String,
        /// Whether the condition holds.
        #[arg(value_enum)]
        answer: YesNo,
        /// A note on the answer (replaces the one recorded).
        #[arg(long)]
        note: Option<String>,
        /// An evidence id of the register the answer rests on (repeatable).
        #[arg(long = "evidence", add = complete::evidence())]
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
    /// The follow-up after the sign-off: its closing by the lead auditor.
    #[command(subcommand)]
    Followup(FollowupCommand),
    /// Progress per process and what is still open, as plain text.
    Status {
        /// The record (a .toml file).
        file: PathBuf,
    },
    /// The assessment report as found and signed off, with Annex A traceability (Markdown to
    /// stdout by default); with --follow-up, the follow-up report.
    Report {
        /// The record (a .toml file).
        file: PathBuf,
        /// Write to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// What to print: the report (markdown, html), or a table (csv, actions).
        #[arg(long, value_enum, default_value = "markdown")]
        format: FormatArg,
        /// Also write OUTPUT.sig, an SSH signature made with this private key
        /// (`ssh-keygen -Y sign`, namespace vse-assess).
        #[arg(long, value_name = "KEY", requires = "output")]
        sign: Option<PathBuf>,
        /// The follow-up report instead (markdown or html): the VSE's response, actions,
        /// verifications and the recommendation after follow-up, apart from the audit
        /// report, which shows the audit as found and signed off.
        #[arg(long)]
        follow_up: bool,
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
        /// Compare even records of different VSEs, or an OLD dated after NEW.
        #[arg(long)]
        force: bool,
    },
    /// One row per assessment of many records: VSE, kind and stage, status, dates, lead,
    /// conclusion, nonconformities open, actions overdue, questionnaire (Markdown to stdout
    /// by default).
    ///
    /// Each PATH is a record file or a folder searched (recursively) for `*.toml` records;
    /// in folders, hidden files and folders, `target/`, the copies a save or the interview
    /// leaves beside a record (NAME.mine.toml, NAME.unsaved.toml, NAME.theirs.toml,
    /// NAME.recovered.toml, NAME.draft.toml, and their -2, -3... forms) and TOML files that
    /// are not records (no top-level `schema`: questionnaires, other tools' files) are
    /// skipped. Records are read in parallel, never locked or written. Rows are sorted by
    /// what needs attention: records that did not load (listed with the error `validate`
    /// gives), then open major nonconformities, actions overdue (open, due before today),
    /// open minor nonconformities, drafts before finals, then by VSE; totals at the end.
    /// Exit status 0 when every record loaded, 2 when any did not (as `validate`).
    Portfolio {
        /// Record files, or folders holding them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// What to print: a table (markdown), rows (csv), or a page (html).
        #[arg(long, value_enum, default_value = "markdown")]
        format: PortfolioFormatArg,
        /// Write to this file (atomically) instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script, e.g. `vse-assess completions bash`.
    Completions {
        /// The shell the script is for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `vse-assess man > vse-assess.1`.
    Man,
}

/// A calendar date as records hold it: exactly YYYY-MM-DD.
fn date(s: &str) -> Result<Date, String> {
    crate::record::check_date(s)?;
    s.parse().map_err(|e: jiff::Error| e.to_string())
}

/// `DATE`, `DATE LOCATION` or `DATE:LOCATION`: one session of the assessment, in the
/// grammar the interview's setup form reads too.
fn session(s: &str) -> Result<Session, String> {
    crate::record::edit::parse_session(s).map_err(|e| e.to_string())
}

fn rating(s: &str) -> Result<Judgement, String> {
    s.parse()
}

fn stage(s: &str) -> Result<Stage, String> {
    Stage::parse(s)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Markdown,
    Html,
    /// One row per requirement.
    Csv,
    /// The action plan for the VSE to fill in: one row per nonconformity and per action
    /// (CSV; an XLSX workbook with -o FILE.xlsx).
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
pub enum PortfolioFormatArg {
    /// A table, with the totals under it.
    Markdown,
    /// One row per record (no totals row).
    Csv,
    /// A standalone page with the table.
    Html,
}

impl From<PortfolioFormatArg> for crate::report::portfolio::Format {
    fn from(f: PortfolioFormatArg) -> Self {
        match f {
            PortfolioFormatArg::Markdown => Self::Markdown,
            PortfolioFormatArg::Csv => Self::Csv,
            PortfolioFormatArg::Html => Self::Html,
        }
    }
}

/// The kinds of the evidence register, as the command line names them.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EvidenceKindArg {
    Document,
    Record,
    Interview,
    Observation,
    Url,
}

impl From<EvidenceKindArg> for EvidenceKind {
    fn from(k: EvidenceKindArg) -> Self {
        match k {
            EvidenceKindArg::Document => EvidenceKind::Document,
            EvidenceKindArg::Record => EvidenceKind::Record,
            EvidenceKindArg::Interview => EvidenceKind::Interview,
            EvidenceKindArg::Observation => EvidenceKind::Observation,
            EvidenceKindArg::Url => EvidenceKind::Url,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum YesNo {
    Yes,
    No,
}

impl YesNo {
    pub fn yes(self) -> bool {
        matches!(self, YesNo::Yes)
    }
}

/// The details of an audit a certification body needs, taken by `new` and `set` alike.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// What the assessment is made against (the profile and scheme, the VSE's own
    /// procedures that findings cite).
    #[arg(long)]
    pub criteria: Option<String>,
    /// For an audit: stage-1, stage-2, surveillance, recertification or special.
    #[arg(long, value_parser = stage, add = complete::stages())]
    pub stage: Option<Stage>,
    /// For an audit: the certification body it is made for.
    #[arg(long)]
    pub certification_body: Option<String>,
    /// For an audit: the certification body's reference for the report.
    #[arg(long)]
    pub report_ref: Option<String>,
    /// The team confirms the objectives were met (yes) or says they were not (no).
    #[arg(long, value_enum)]
    pub objectives_met: Option<YesNo>,
    /// The team confirms the scope is appropriate (yes) or says it is not (no).
    #[arg(long, value_enum)]
    pub scope_appropriate: Option<YesNo>,
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
    /// The record to create (a .toml file that does not exist yet).
    pub file: PathBuf,
    /// Name of the very small entity assessed.
    #[arg(long, default_value = "", hide_default_value = true)]
    pub vse: String,
    /// A self-assessment (self) or an audit (audit); with --from, the previous one's.
    #[arg(long, value_enum, default_value = "self", conflicts_with = "from")]
    pub kind: KindArg,
    /// Questionnaire id (embedded or in ./questionnaires/) or path to a questionnaire file;
    /// iso29110-4-2-om by default, with --from the previous record's (another version of it
    /// may be given, not another profile).
    #[arg(long)]
    pub questionnaire: Option<String>,
    /// The next assessment of a cycle: copy the VSE, client, certification body, scope,
    /// criteria, team, participants and evidence register (marked to be checked again) of
    /// this signed-off record, and carry its nonconformities not closed, with their ids and
    /// actions; each has to be verified again before the sign-off. Ratings, notes, sessions
    /// and conclusions start empty. An audit needs --stage (stage-2, surveillance,
    /// recertification or special).
    #[arg(long, value_name = "PREVIOUS")]
    pub from: Option<PathBuf>,
    /// What the assessment is to find out, in words.
    #[arg(long)]
    pub objectives: Option<String>,
    /// Who asked for the assessment (the audit client).
    #[arg(long)]
    pub client: Option<String>,
    /// A site in scope (repeatable).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Processes in scope, e.g. OM,RM; all of the questionnaire's by default.
    #[arg(long = "process", value_delimiter = ',')]
    pub processes: Vec<String>,
    /// Assessment team member as NAME or NAME:ROLE (repeatable). Audit roles: lead auditor,
    /// auditor, technical expert, observer, trainee; self-assessment: facilitator, assessor.
    #[arg(long = "assessor")]
    pub team: Vec<String>,
    /// VSE participant as NAME or NAME:ROLE (repeatable).
    #[arg(long = "participant")]
    pub participants: Vec<String>,
    /// Date of the assessment (YYYY-MM-DD); with --location, one session.
    #[arg(long, value_parser = date, conflicts_with = "sessions")]
    pub date: Option<Date>,
    /// Where the assessment is held; with --date, one session.
    #[arg(long, conflicts_with = "sessions")]
    pub location: Option<String>,
    /// A session as DATE:LOCATION or "DATE LOCATION", e.g. 2026-11-27:Lyon (repeatable, for an assessment held
    /// over several days or places).
    #[arg(long = "session", value_parser = session)]
    pub sessions: Vec<Session>,
    /// What the scope covers, in words (projects, teams, period).
    #[arg(long)]
    pub scope: Option<String>,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// Options of `set`: each one given replaces what the record holds.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The record (a .toml file).
    pub file: PathBuf,
    /// Name of the very small entity assessed.
    #[arg(long)]
    pub vse: Option<String>,
    /// What the scope covers, in words.
    #[arg(long)]
    pub scope: Option<String>,
    /// What the assessment is to find out, in words.
    #[arg(long)]
    pub objectives: Option<String>,
    /// Who asked for the assessment (the audit client).
    #[arg(long)]
    pub client: Option<String>,
    /// Processes in scope, e.g. OM,RM.
    #[arg(long = "process", value_delimiter = ',')]
    pub processes: Vec<String>,
    /// The sites in scope (repeatable; replaces the list).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Assessment team members as NAME or NAME:ROLE (repeatable; replaces the team). Audit
    /// roles: lead auditor, auditor, technical expert, observer, trainee; self-assessment:
    /// facilitator, assessor.
    #[arg(long = "assessor")]
    pub team: Vec<String>,
    /// VSE participants as NAME or NAME:ROLE (repeatable; replaces the list).
    #[arg(long = "participant")]
    pub participants: Vec<String>,
    /// The sessions as DATE:LOCATION or "DATE LOCATION" (repeatable; replaces the list).
    #[arg(long = "session", value_parser = session)]
    pub sessions: Vec<Session>,
    /// The assessment team's conclusions, in its words (needed for the sign-off).
    #[arg(long)]
    pub conclusions: Option<String>,
    /// The assessment plan: what was to be looked at, when, with whom.
    #[arg(long)]
    pub audit_plan: Option<String>,
    /// Who receives the report.
    #[arg(long)]
    pub distribution: Option<String>,
    /// How the report and the record are to be handled.
    #[arg(long)]
    pub confidentiality: Option<String>,
    /// How remote sessions were held (tools, what was seen through them).
    #[arg(long)]
    pub remote_method: Option<String>,
    /// Areas of the scope not covered, and why.
    #[arg(long)]
    pub not_covered: Option<String>,
    /// Diverging opinions not resolved with the auditee ("none" when there were none).
    #[arg(long)]
    pub diverging_opinions: Option<String>,
    /// When the VSE's corrective action plan is due for every nonconformity without a date
    /// of its own (not before the first session).
    #[arg(long, value_parser = date, conflicts_with = "no_plan_due")]
    pub plan_due: Option<Date>,
    /// No plan due date for the whole record.
    #[arg(long)]
    pub no_plan_due: bool,
    /// The scheme's limit for a major nonconformity's plan, in days after the sign-off
    /// (30 by default): finalize warns about a later due date.
    #[arg(long, value_name = "DAYS")]
    pub plan_limit_major: Option<u32>,
    /// As --plan-limit-major, for a minor one (90 by default).
    #[arg(long, value_name = "DAYS")]
    pub plan_limit_minor: Option<u32>,
    #[command(flatten)]
    pub audit: AuditArgs,
}

#[derive(Debug, clap::Args)]
pub struct AnswerArgs {
    /// The record (a .toml file).
    pub file: PathBuf,
    /// Requirement: 7.2.a, 7.2a, "7.2 a)" or OM.a, in any case.
    #[arg(add = complete::requirements())]
    pub requirement: String,
    /// N, P, L, F, or na (not applicable, needs --justification).
    #[arg(long, value_parser = rating, add = complete::ratings())]
    pub rating: Option<Judgement>,
    /// Why the requirement does not apply (with --rating na).
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
    /// Add a paragraph to the working notes: kept in the record, never in any report.
    #[arg(long)]
    pub working_note: Option<String>,
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
    #[arg(long = "evidence", add = complete::evidence())]
    pub evidence: Vec<String>,
    /// Unlink an evidence item (repeatable).
    #[arg(long = "unlink", add = complete::evidence())]
    pub unlink: Vec<String>,
    /// Who was interviewed for this requirement (repeatable; `,` or `;` between names; each a participant when participants are recorded).
    #[arg(long = "interviewed")]
    pub interviewed: Vec<String>,
    /// What was sampled: projects, period, records seen, how many of how many.
    #[arg(long)]
    pub sampling: Option<String>,
    /// Add an action to the requirement's nonconformity (when it has exactly one).
    #[arg(long)]
    pub action: Option<String>,
    /// Who carries the action out (with --action).
    #[arg(long, requires = "action")]
    pub owner: Option<String>,
    /// Due date of the action (YYYY-MM-DD).
    #[arg(long, requires = "action", value_parser = date)]
    pub due: Option<Date>,
    /// Mark the requirement's action number N (1-based, finding by finding) closed.
    #[arg(long)]
    pub close_action: Vec<usize>,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Register an item; a readable local file is hashed (SHA-256).
    Add {
        /// The record (a .toml file).
        file: PathBuf,
        /// The item's id in the register, e.g. E1 (unique in the record).
        #[arg(long)]
        id: String,
        /// What the item is, in a few words, e.g. "Risk management plan".
        #[arg(long)]
        title: String,
        /// What sort of item it is.
        #[arg(long, value_enum, default_value = "document")]
        kind: EvidenceKindArg,
        /// A path, URL or place where the item can be found.
        #[arg(long, default_value = "", hide_default_value = true)]
        location: String,
        /// The location is not a file on this machine (a paper document, a file on a
        /// shared drive): no warning, and `verify` does not look for it.
        #[arg(long)]
        not_a_file: bool,
        /// A version label or date.
        #[arg(long, default_value = "", hide_default_value = true)]
        version: String,
        /// Requirements this item supports, e.g. 7.2.a,7.2.c.
        #[arg(long = "supports", value_delimiter = ',', add = complete::requirements())]
        supports: Vec<String>,
    },
    /// List the register.
    List {
        /// The record (a .toml file).
        file: PathBuf,
    },
    /// Remove an item and its links.
    Remove {
        /// The record (a .toml file).
        file: PathBuf,
        /// The item's id in the register, e.g. E1.
        #[arg(add = complete::evidence())]
        id: String,
    },
}

fn finding_class(s: &str) -> Result<FindingClass, String> {
    FindingClass::parse(s)
}

#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// Record a finding about a requirement; prints its id (NC-1, OBS-1, OFI-1, GP-1).
    Add {
        /// The record (a .toml file).
        file: PathBuf,
        /// Requirement: 7.2.a, 7.2a, "7.2 a)" or OM.a.
        #[arg(add = complete::requirements())]
        requirement: String,
        /// major, minor, observation, improvement (or ofi), good-practice.
        #[arg(long, value_parser = finding_class, add = complete::classes())]
        class: FindingClass,
        /// What was found, in the auditor's words.
        #[arg(long)]
        text: String,
        /// An evidence id of the register the finding rests on (repeatable).
        #[arg(long = "evidence", add = complete::evidence())]
        evidence: Vec<String>,
        /// Who was interviewed for it (repeatable; `,` or `;` between names; each a participant when participants are recorded).
        #[arg(long = "interviewed")]
        interviewed: Vec<String>,
        /// Other requirements it is raised under, e.g. 7.5.e,7.3.b: it counts on each.
        #[arg(long = "also", value_delimiter = ',', add = complete::requirements())]
        also: Vec<String>,
        /// Another finding it points at, e.g. NC-2 (repeatable, or comma-separated).
        #[arg(long = "see", value_delimiter = ',', add = complete::findings())]
        see: Vec<String>,
        /// The day it was raised: one of the sessions' dates when sessions are recorded,
        /// not in the future; by default the latest session not after today, else today.
        #[arg(long, value_parser = date)]
        raised: Option<Date>,
    },
    /// One line per finding: id, requirement, class, state, text.
    List {
        /// The record (a .toml file).
        file: PathBuf,
        /// Only nonconformities not yet verified closed.
        #[arg(long)]
        open: bool,
    },
    /// Change a finding (a change of class between nonconformity and other kinds changes its id).
    Edit {
        /// The record (a .toml file).
        file: PathBuf,
        /// The finding's id, e.g. NC-1.
        #[arg(add = complete::findings())]
        id: String,
        /// What was found (replaces the text).
        #[arg(long)]
        text: Option<String>,
        /// The new class: major, minor, observation, improvement (or ofi), good-practice.
        #[arg(long, value_parser = finding_class, add = complete::classes())]
        class: Option<FindingClass>,
        /// Cite an evidence id of the register (repeatable).
        #[arg(long = "evidence", add = complete::evidence())]
        evidence: Vec<String>,
        /// Cite an evidence id no longer (repeatable).
        #[arg(long = "uncite", add = complete::evidence())]
        uncite: Vec<String>,
        /// Who was interviewed for it (repeatable; `,` or `;` between names; each a participant when participants are recorded).
        #[arg(long = "interviewed")]
        interviewed: Vec<String>,
        /// What was done at once to put the situation right.
        #[arg(long)]
        correction: Option<String>,
        /// Why the nonconformity happened.
        #[arg(long)]
        root_cause: Option<String>,
        /// The other requirements it is raised under, replacing those listed (7.5.e,7.3.b).
        #[arg(long = "also", value_delimiter = ',', conflicts_with = "no_also", add = complete::requirements())]
        also: Option<Vec<String>>,
        /// It is raised under its own requirement only.
        #[arg(long)]
        no_also: bool,
        /// The other findings it points at, replacing those listed (NC-2,OBS-1).
        #[arg(long = "see", value_delimiter = ',', conflicts_with = "no_see", add = complete::findings())]
        see: Option<Vec<String>>,
        /// It points at no other finding.
        #[arg(long)]
        no_see: bool,
        /// The day it was raised (one of the sessions' dates when sessions are recorded).
        #[arg(long, value_parser = date)]
        raised: Option<Date>,
        /// For a nonconformity: when the VSE's corrective action plan for it is due (not
        /// before the first session); without it, the record's `set --plan-due` holds.
        #[arg(long, value_parser = date, conflicts_with = "no_plan_due")]
        plan_due: Option<Date>,
        /// It has no plan due date of its own.
        #[arg(long)]
        no_plan_due: bool,
    },
    /// Record the VSE's acceptance of a finding (follow-up: a final record takes it).
    Accept {
        /// The record (a .toml file).
        file: PathBuf,
        /// The finding's id, e.g. NC-1.
        #[arg(add = complete::findings())]
        id: String,
        /// The VSE's representative (a participant when participants are recorded).
        #[arg(long)]
        by: String,
        /// YYYY-MM-DD, not before the finding was raised; today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
    },
    /// Remove a finding and its actions.
    Remove {
        /// The record (a .toml file).
        file: PathBuf,
        /// The finding's id, e.g. OBS-2.
        #[arg(add = complete::findings())]
        id: String,
    },
    /// Record the assessment team's verification of a nonconformity's corrective action
    /// (kept in its history; on a final record, as follow-up).
    ///
    /// The note and the evidence are required. The date is not in the future, not before
    /// the latest completion of the finding's actions, and after the finding was raised. A
    /// major is verified by the lead auditor. Effective needs every action closed; after a
    /// verification found them not effective, another one needs a new root cause and an
    /// action that verification did not cover.
    #[command(group(clap::ArgGroup::new("outcome").required(true).args(["effective", "not_effective"])))]
    Verify {
        /// The record (a .toml file).
        file: PathBuf,
        /// The nonconformity's id, e.g. NC-1.
        #[arg(add = complete::findings())]
        id: String,
        /// Who verified (a member of the assessment team).
        #[arg(long)]
        by: String,
        /// YYYY-MM-DD; today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
        /// The corrective action worked: the nonconformity is closed.
        #[arg(long)]
        effective: bool,
        /// It did not: the nonconformity stays open.
        #[arg(long)]
        not_effective: bool,
        /// What was seen to verify it: records of the actions done and working (required).
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
        /// Evidence ids of the register the verification rests on, e.g. E4,E7 (required).
        #[arg(long = "evidence", value_delimiter = ',', add = complete::evidence())]
        evidence: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Plan an action for a finding; prints its id (A-1, A-2...).
    Add {
        /// The record (a .toml file).
        file: PathBuf,
        /// The finding's id, e.g. NC-1.
        #[arg(long, add = complete::findings())]
        finding: String,
        /// What is to be done.
        #[arg(long)]
        what: String,
        /// Who does it.
        #[arg(long, default_value = "", hide_default_value = true)]
        owner: String,
        /// YYYY-MM-DD, not before the assessment's first session.
        #[arg(long, value_parser = date)]
        due: Option<Date>,
        /// A correction (puts the instance right) or a corrective action (removes the cause).
        #[arg(long, value_enum, default_value = "corrective")]
        kind: ActionKindArg,
        /// Who of the VSE proposed it.
        #[arg(long)]
        proposed_by: Option<String>,
        /// When it was proposed (with --proposed-by); today by default.
        #[arg(long, value_parser = date, requires = "proposed_by")]
        proposed: Option<Date>,
    },
    /// Record the assessment team's acceptance of an action the VSE proposed.
    Accept {
        /// The record (a .toml file).
        file: PathBuf,
        /// The action's id, e.g. A-1.
        #[arg(add = complete::actions())]
        id: String,
        /// Who accepts it (a member of the team when a team is recorded).
        #[arg(long)]
        by: String,
        /// YYYY-MM-DD, not before it was proposed; today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
    },
    /// One line per action: id, finding, status, due, owner, what.
    List {
        /// The record (a .toml file).
        file: PathBuf,
    },
    /// Mark an action done: when, and the evidence that shows it.
    Close {
        /// The record (a .toml file).
        file: PathBuf,
        /// The action's id, e.g. A-1.
        #[arg(add = complete::actions())]
        id: String,
        /// When it was completed: not in the future, nor before it was proposed or its
        /// finding raised; today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
        /// Evidence ids of the register that show it done, e.g. E4,E7.
        #[arg(long = "evidence", value_delimiter = ',', add = complete::evidence())]
        evidence: Vec<String>,
    },
    /// Mark an action open again (its completion date and evidence are cleared).
    Reopen {
        /// The record (a .toml file).
        file: PathBuf,
        /// The action's id, e.g. A-1.
        #[arg(add = complete::actions())]
        id: String,
    },
    /// Read back the VSE's filled-in plan (`report --format actions`, .xlsx or .csv).
    ///
    /// Keyed by finding id (and action id): it sets the correction and root cause, adds the
    /// actions of rows with no action id (proposed by --by, today), changes what, owner and due,
    /// and records completion dates with their evidence; an empty cell changes nothing. Refused
    /// as a whole (exit 2), naming the row and column, when the header, an id, a statement or
    /// another of the audit's columns was changed, or a date or evidence id is not valid. Works
    /// on a final record too (follow-up), until the follow-up is closed.
    Import(PlanImportArgs),
}

/// `action import`: the VSE's answer to the nonconformities, from its spreadsheet.
#[derive(Debug, clap::Args)]
pub struct PlanImportArgs {
    /// The record (a .toml file).
    pub file: PathBuf,
    /// The plan as the VSE filled it in (.xlsx, else read as CSV).
    pub plan: PathBuf,
    /// Who of the VSE proposes the actions it adds (needed when it adds any).
    #[arg(long)]
    pub by: Option<String>,
    /// Show what would change; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ActionKindArg {
    Correction,
    Corrective,
}

impl From<ActionKindArg> for crate::record::ActionKind {
    fn from(k: ActionKindArg) -> Self {
        match k {
            ActionKindArg::Correction => crate::record::ActionKind::Correction,
            ActionKindArg::Corrective => crate::record::ActionKind::Corrective,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum FollowupCommand {
    /// Close the follow-up of a final record: what the VSE and the team did after the
    /// sign-off is then as reported, and changes no more.
    ///
    /// By the lead auditor (in an audit with a team recorded; in a self-assessment anyone
    /// named), dated not in the future, nor before the sign-off or any follow-up date
    /// recorded. Refused, with every reason, while a verification was made by someone who
    /// may not make it, or a nonconformity verified not effective has no new root cause and
    /// action. Lists what is still open.
    Close {
        /// The record (a .toml file).
        file: PathBuf,
        /// Who closes it (in an audit with a team recorded, its lead auditor).
        #[arg(long)]
        by: String,
        /// Today by default.
        #[arg(long, value_parser = date)]
        date: Option<Date>,
    },
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
    // Started by a completion script (COMPLETE=SHELL): answer and exit.
    complete::answer_if_asked();
    let cli = Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote keys, values and names from files: never raw on the terminal.
            // Not `eprintln!`: stderr may be a terminal that is gone, and a failed write
            // must not turn into a panic.
            let _ = writeln!(
                std::io::stderr(),
                "vse-assess: {}",
                crate::text::neutralize(&format!("{e:#}"))
            );
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
