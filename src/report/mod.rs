//! The assessment report: Markdown (the source of truth), HTML rendered from that Markdown, and
//! CSV tables for spreadsheets (requirements; findings and actions); the report renders the
//! assessment as found, and the [`follow_up_markdown`] report what followed; the comparison of two
//! assessments, in Markdown; and the [`portfolio`] of many records, one row each. Rendering
//! is a pure function of the record, its questionnaire, the record file's hash and the
//! evidence files' check: the same record with the same evidence files always gives the same
//! bytes.

mod compare;
mod csv;
mod follow_up;
mod html;
mod markdown;
pub mod plan;
pub mod portfolio;
mod status;

use crate::conformance::{self, View};
use crate::questionnaire::Questionnaire;
use crate::record::evidence::EvidenceState;
use crate::record::{Finding, Lookup, Record};

pub use self::csv::csv;
pub use compare::{RecordFile, comparison};
pub use follow_up::{as_of as follow_up_as_of, follow_up_markdown};
pub use html::{follow_up_html, html};
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
    /// The corrective action plan for the VSE to fill in, one row per nonconformity and
    /// per further action, as a CSV ([`plan::xlsx`] writes it as a workbook).
    Actions,
    /// The follow-up report ([`follow_up_markdown`]), apart from the audit report.
    FollowUp,
    /// The follow-up report as a page ([`follow_up_html`]).
    FollowUpHtml,
}

pub fn render(input: &Input, format: Format) -> String {
    match format {
        Format::Markdown => markdown(input),
        Format::Html => html(input),
        Format::Csv => csv(input),
        Format::Actions => plan::csv(input),
        Format::FollowUp => follow_up_markdown(input),
        Format::FollowUpHtml => follow_up_html(input),
    }
}

/// The record's findings, requirement by requirement in questionnaire order, each once,
/// under its own requirement (not under those it is also raised under).
fn in_requirement_order<'a, 'r>(
    q: &'a Questionnaire,
    lookup: &'a Lookup<'r>,
) -> impl Iterator<Item = &'r Finding> + 'a {
    q.requirements.iter().flat_map(move |req| {
        lookup
            .findings_for(&req.id)
            .iter()
            .copied()
            .filter(move |f| f.requirement == req.id)
    })
}

/// Where one requirement of an audit stands as found: its conformity, beside the informative
/// rating. The weightiest nonconformity recorded on it decides, open ones before closed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conformity {
    /// Its process is outside the audit's scope: nothing is said of it.
    OutOfScope,
    NotAssessed,
    Conforming,
    MinorNc {
        open: bool,
    },
    MajorNc {
        open: bool,
    },
    /// Rated below met (or not applicable) with no nonconformity recorded: the rating and
    /// the findings are still to be reconciled.
    Unsettled,
}

impl Conformity {
    pub(crate) fn of(q: &Questionnaire, lookup: &Lookup, id: &str) -> Conformity {
        use crate::record::FindingClass::{Major, Minor};
        let scope = &lookup.record().assessment.scope.processes;
        if q.requirement(id)
            .is_some_and(|r| !scope.contains(&r.process))
        {
            return Conformity::OutOfScope;
        }
        let Some(judgement) = lookup.record().answer(id).and_then(|a| a.rating) else {
            return Conformity::NotAssessed;
        };
        let findings = lookup.findings_for(id);
        let record = lookup.record();
        let has = |class, open: bool| {
            findings
                .iter()
                .any(|f| f.class == class && conformance::open_in(record, f, View::AsFound) == open)
        };
        if has(Major, true) {
            Conformity::MajorNc { open: true }
        } else if has(Minor, true) {
            Conformity::MinorNc { open: true }
        } else if has(Major, false) {
            Conformity::MajorNc { open: false }
        } else if has(Minor, false) {
            Conformity::MinorNc { open: false }
        } else if judgement.rating().is_some_and(|r| q.rule.met.contains(&r)) {
            Conformity::Conforming
        } else {
            Conformity::Unsettled
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            Conformity::OutOfScope => "out of scope",
            Conformity::NotAssessed => "not assessed",
            Conformity::Conforming => "conforming",
            Conformity::MinorNc { open: true } => "minor NC",
            Conformity::MinorNc { open: false } => "minor NC (closed)",
            Conformity::MajorNc { open: true } => "major NC",
            Conformity::MajorNc { open: false } => "major NC (closed)",
            Conformity::Unsettled => "to settle (not met, no NC)",
        }
    }
}

/// Whether requirement `id` is in `list`, whose entries are in questionnaire order (as the
/// evaluation's blockers and the consistency warnings are): found by halving, as a report
/// asks it of every requirement.
fn listed<T>(q: &Questionnaire, list: &[(&str, T)], id: &str) -> bool {
    let Some(at) = q.position(id) else {
        return false;
    };
    list.binary_search_by_key(&Some(at), |(r, _)| q.position(r))
        .is_ok()
}

/// Where one requirement of a self-assessment stands for the VSE's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GapState {
    NotAssessed,
    Met,
    Gap,
}

impl GapState {
    /// A requirement is a gap when anything stands in the way of the claim on it, or a
    /// consistency warning stands on it (a self-assessment may be signed off with warnings:
    /// they are gaps to close).
    pub(crate) fn of(
        q: &Questionnaire,
        record: &Record,
        eval: &crate::conformance::Evaluation,
        warnings: &[(&str, String)],
        id: &str,
    ) -> GapState {
        if record.answer(id).and_then(|a| a.rating).is_none() {
            return GapState::NotAssessed;
        }
        let blocked = listed(q, &eval.blockers, id);
        let warned = listed(q, warnings, id);
        if blocked || warned {
            GapState::Gap
        } else {
            GapState::Met
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            GapState::NotAssessed => "not assessed",
            GapState::Met => "met",
            GapState::Gap => "gap",
        }
    }
}

/// A requirement's conformity (audit) or gap state (self-assessment), as reports show it.
pub(crate) fn standing(
    q: &Questionnaire,
    lookup: &Lookup,
    eval: &crate::conformance::Evaluation,
    warnings: &[(&str, String)],
    id: &str,
) -> &'static str {
    let record = lookup.record();
    if record.assessment.kind == crate::record::Kind::Audit {
        Conformity::of(q, lookup, id).describe()
    } else {
        GapState::of(q, record, eval, warnings, id).describe()
    }
}
