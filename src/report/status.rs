//! `status`: where an assessment stands, as plain text for the terminal.

use std::fmt::Write as _;

use crate::conformance;
use crate::record::store::Opened;
use crate::text::{neutralize, neutralize_line};

/// The plain-text progress report of `status`, neutralised for the terminal.
pub fn status_text(opened: &Opened) -> String {
    let q = &opened.questionnaire.questionnaire;
    let record = &opened.record;
    let lookup = record.lookup();
    let eval = conformance::evaluate(q, &lookup);
    let mut out = String::new();
    let meta = &record.assessment;
    let vse = if meta.vse.is_empty() {
        "(VSE not named)"
    } else {
        &meta.vse
    };
    let _ = writeln!(
        out,
        "{}: {} against {}:{} ({})",
        neutralize_line(vse),
        meta.kind.describe(),
        neutralize_line(&q.questionnaire.standard),
        neutralize_line(&q.questionnaire.edition),
        meta.status.describe()
    );
    if opened.questionnaire_changed {
        let _ = writeln!(
            out,
            "Warning: questionnaire {} has changed since this record was made: the record names SHA-256 {}, the questionnaire used has SHA-256 {}",
            neutralize_line(&q.questionnaire.id),
            neutralize_line(&record.questionnaire.sha256),
            opened.questionnaire.sha256
        );
    }
    let _ = writeln!(
        out,
        "{}/{} requirements assessed\n",
        eval.assessed(),
        eval.total()
    );
    let _ = writeln!(out, "{}", conformance::ROW_HEADING);
    for p in &eval.processes {
        let _ = writeln!(out, "{}", neutralize_line(&p.row()));
    }
    let open: Vec<&str> = q
        .requirements
        .iter()
        .filter(|r| record.answer(&r.id).and_then(|a| a.rating).is_none())
        .map(|r| r.id.as_str())
        .collect();
    let _ = writeln!(out);
    if open.is_empty() {
        let _ = writeln!(out, "Not yet assessed: none");
    } else {
        let _ = writeln!(out, "Not yet assessed: {}", open.join(", "));
    }
    if !eval.conditions_unanswered.is_empty() {
        let _ = writeln!(
            out,
            "Clause 6 conditions not answered: {}",
            neutralize_line(&eval.conditions_unanswered.join(", "))
        );
    }
    if !eval.conditions_unmet.is_empty() {
        let _ = writeln!(
            out,
            "Clause 6 conditions not met: {}",
            neutralize_line(&eval.conditions_unmet.join(", "))
        );
    }
    let clause = neutralize_line(&q.questionnaire.conformance_clause);
    let warnings = conformance::consistency_warnings(q, &lookup);
    if !eval.conditions_unmet.is_empty() {
        let _ = writeln!(
            out,
            "Process conformance ({clause}): the profile does not apply (clause 6 answered no)"
        );
    } else if eval.claimable() && warnings.is_empty() {
        let _ = writeln!(out, "Process conformance ({clause}): can be claimed");
    } else {
        let _ = writeln!(out, "Process conformance ({clause}): cannot be claimed yet");
        for (id, why) in eval
            .blockers
            .iter()
            .filter(|(_, w)| *w != [conformance::Blocker::NotAssessed])
        {
            let reasons: Vec<String> = why.iter().map(|b| b.describe(&q.rule.met)).collect();
            let _ = writeln!(out, "  {id}: {}", reasons.join("; "));
        }
    }
    if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            if meta.kind == crate::record::Kind::Audit {
                "Consistency warnings (no recommendation and no sign-off while any stands):"
            } else {
                "Consistency warnings (gaps; a self-assessment may be signed off with them):"
            }
        );
        for (id, why) in warnings {
            let _ = writeln!(out, "  {id}: {why}");
        }
    }
    let conclusion = conformance::conclude(q, &lookup);
    let draft = if meta.status == crate::record::Status::Draft {
        " (provisional: draft)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "Conclusion{draft}: {}",
        conclusion.headline(&q.questionnaire.conformance_clause)
    );
    for reason in conclusion.reasons() {
        let _ = writeln!(out, "  {}", neutralize_line(&reason));
    }
    // Once signed off, what followed: the conclusion above is the one issued.
    if meta.status == crate::record::Status::Final {
        let after = conformance::conclude_in(q, &lookup, conformance::View::AfterFollowUp);
        let as_of = super::follow_up::as_of(record).map_or(String::new(), |d| {
            format!(", as of {}", neutralize_line(&d))
        });
        let _ = writeln!(
            out,
            "After follow-up{as_of}: {}",
            after.headline(&q.questionnaire.conformance_clause)
        );
        let _ = writeln!(
            out,
            "Follow-up: {} (`report FILE --follow-up` gives its report)",
            match &meta.follow_up_closed {
                Some(c) => format!(
                    "closed by {} on {}",
                    neutralize_line(&c.by),
                    neutralize_line(&c.date)
                ),
                None => "not closed".into(),
            }
        );
    }
    // Process names, ids and condition ids come from the questionnaire.
    neutralize(&out)
}
