//! The assessment report: Markdown (the source of truth), HTML rendered from that Markdown, and
//! CSV tables for spreadsheets (requirements; findings and actions); and the comparison of two
//! assessments, in Markdown. Rendering is a pure function of the record, its questionnaire,
//! the record file's hash and the evidence files' check: the same record with the same
//! evidence files always gives the same bytes.

mod compare;
mod csv;
mod html;
mod markdown;
mod status;

use crate::questionnaire::Questionnaire;
use crate::record::evidence::EvidenceState;
use crate::record::{Finding, Lookup, Record};

pub use self::csv::{actions_csv, csv};
pub use compare::{RecordFile, comparison};
pub use html::html;
pub use markdown::{anchor_for_requirement, markdown};
pub use status::status_text;

/// Everything a report is made from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub record: &'a Record,
    pub questionnaire: &'a Questionnaire,
    /// SHA-256 of the questionnaire text actually used. The report cites it, and warns when
    /// it is not the one the record names (`record.questionnaire.sha256`): the questionnaire
    /// has changed since the record was made.
    pub questionnaire_sha256: &'a str,
    /// The record's file name, as the report names it.
    pub record_name: &'a str,
    /// SHA-256 of the record file's bytes, tying the report to its data.
    pub record_sha256: &'a str,
    /// Evidence files re-hashed when the report was made ([`crate::record::evidence`]):
    /// those changed or gone are marked.
    pub evidence_checks: &'a [(String, EvidenceState)],
}

/// The tool and version that wrote a report.
pub fn tool_version() -> String {
    format!("vse-assess {}", env!("CARGO_PKG_VERSION"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Csv,
    /// The findings and their actions, one row each, as a CSV.
    Actions,
}

pub fn render(input: &Input, format: Format) -> String {
    match format {
        Format::Markdown => markdown(input),
        Format::Html => html(input),
        Format::Csv => csv(input),
        Format::Actions => actions_csv(input),
    }
}

/// The record's findings, requirement by requirement in questionnaire order.
fn in_requirement_order<'a, 'r>(
    q: &'a Questionnaire,
    lookup: &'a Lookup<'r>,
) -> impl Iterator<Item = &'r Finding> + 'a {
    q.requirements
        .iter()
        .flat_map(move |req| lookup.findings_for(&req.id).iter().copied())
}
