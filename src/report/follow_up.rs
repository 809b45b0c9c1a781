//! The follow-up report: what happened after the audit's findings, apart from the audit
//! report, which stays as it was signed off. It quotes the conclusion as issued and the
//! team's own conclusions as issued (which may hold commitments the follow-up is checked
//! against), then gives, nonconformity by nonconformity, the VSE's response (acceptance,
//! correction, root cause, actions), the team's verifications, and where each stands after
//! follow-up; then the recommendation after follow-up (naming the minors that stay open with
//! their plan accepted) and the follow-up's own sign-off. Markdown, like the audit
//! report, and HTML rendered from it the same way.

use std::fmt::Write as _;

use super::markdown::{hash, inline, or_not_stated, table};
use super::{Input, in_requirement_order, tool_version};
use crate::conformance::{self, View};
use crate::record::{Finding, Kind, Record, Signed, Status, edit};

/// The title of the follow-up report.
pub(super) const TITLE: &str = "Follow-up report";

/// What follow-up is recorded: every date of the VSE's response and of the team's checks.
fn follow_up_dates(r: &Record) -> impl Iterator<Item = &str> {
    r.findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
        .flat_map(|f| {
            signed(&f.vse_accepted)
                .into_iter()
                .chain(f.actions.iter().flat_map(move |a| {
                    signed(&a.proposed)
                        .into_iter()
                        .chain(signed(&a.accepted))
                        .chain(a.completed.as_deref())
                }))
                .chain(f.verifications.iter().map(|v| v.date.as_str()))
        })
}

fn signed(s: &Option<Signed>) -> Option<&str> {
    s.as_ref().map(|s| s.date.as_str())
}

/// The date the status after follow-up is given as of: the follow-up's close, else the
/// latest date of anything recorded in it; `None` while nothing is.
pub fn as_of(r: &Record) -> Option<String> {
    if let Some(closed) = &r.assessment.follow_up_closed {
        return Some(closed.date.clone());
    }
    follow_up_dates(r).max().map(str::to_owned)
}

/// The lead auditor's close of the follow-up, in words.
fn closed_text(r: &Record) -> String {
    match &r.assessment.follow_up_closed {
        Some(closed) => {
            let lead = r
                .assessment
                .team
                .iter()
                .any(|p| edit::same_name(&p.name, &closed.by) && p.is_lead_auditor());
            format!(
                "closed by {}{} on {}",
                inline(&closed.by),
                if lead { ", lead auditor," } else { "" },
                inline(&closed.date)
            )
        }
        None => "not closed".into(),
    }
}

fn signed_text(s: &Option<Signed>) -> String {
    match s {
        Some(s) => format!("{} on {}", inline(&s.by), inline(&s.date)),
        None => String::new(),
    }
}

/// The plan's due date, and whether it keeps to the scheme's limit after the sign-off.
fn plan_due_text(r: &Record, f: &Finding) -> String {
    let Some(due) = conformance::plan_due(r, f) else {
        return "not set".into();
    };
    let limits = r.assessment.plan_limits.unwrap_or_default();
    let days = if f.class == crate::record::FindingClass::Major {
        limits.major
    } else {
        limits.minor
    };
    match conformance::plan_limit(r, f) {
        Some(limit) if due > limit.to_string().as_str() => format!(
            "{} (**late**: the scheme allows {days} days after the sign-off, to {limit})",
            inline(due)
        ),
        Some(limit) => format!(
            "{} (within the scheme's {days} days after the sign-off, to {limit})",
            inline(due)
        ),
        None => inline(due),
    }
}

/// Evidence ids as links to their rows of this report's list of the evidence it cites.
fn evidence_list(ids: &[String]) -> String {
    ids.iter()
        .map(|e| format!("[{}](#{})", inline(e), evidence_anchor(e)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn evidence_anchor(id: &str) -> String {
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    // Two ids that differ only in what is not a letter or a digit stay apart.
    let n = id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("cited-{safe}-{n:x}")
}

pub fn follow_up_markdown(input: &Input) -> String {
    let (q, r) = (input.questionnaire, input.record);
    let meta = &r.assessment;
    let lookup = r.lookup();
    let audit = meta.kind == Kind::Audit;
    let clause = &q.questionnaire.conformance_clause;
    let vse = if meta.vse.trim().is_empty() {
        "(VSE not named)".to_string()
    } else {
        inline(&meta.vse)
    };
    let closed = meta.follow_up_closed.is_some();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {TITLE}: {vse}{}\n",
        if closed { "" } else { " (IN PROGRESS)" }
    );
    let _ = writeln!(
        out,
        "{}:{} {}, {}: what was done about the nonconformities after they were found.\n",
        inline(&q.questionnaire.standard),
        inline(&q.questionnaire.edition),
        inline(&q.questionnaire.title.to_lowercase()),
        meta.kind.describe()
    );
    if !closed {
        let _ = writeln!(
            out,
            "> **IN PROGRESS**: the follow-up is not closed. What it shows may still change, until the lead auditor closes it.\n"
        );
    }
    if meta.status == Status::Draft {
        let _ = writeln!(
            out,
            "> **DRAFT**: the assessment itself is not signed off, so no conclusion has been issued yet.\n"
        );
    }
    let _ = writeln!(
        out,
        "The report of the {} is not changed by anything here: it stays as it was signed off. This report says what followed.\n",
        if audit { "audit" } else { "assessment" }
    );

    // Identification.
    let _ = writeln!(out, "<a id=\"identification\"></a>\n\n## Identification\n");
    let mut rows = vec![vec!["VSE".into(), vse.clone()]];
    if audit {
        rows.extend([
            vec!["Report reference".into(), or_not_stated(&meta.report_ref)],
            vec![
                "Certification body".into(),
                or_not_stated(&meta.certification_body),
            ],
        ]);
    }
    rows.extend([
        vec![
            if audit {
                "Audit signed off"
            } else {
                "Signed off"
            }
            .into(),
            match meta.sign_off() {
                Some(s) => format!("by {} on {}", inline(&s.by), inline(&s.date)),
                None => "not yet: the assessment is a draft".into(),
            },
        ],
        vec!["Follow-up".into(), closed_text(r)],
        vec![
            "Record".into(),
            format!(
                "{}, SHA-256 {}",
                inline(input.record_name),
                hash(input.record_sha256)
            ),
        ],
        vec!["Written by".into(), tool_version()],
    ]);
    table(&mut out, &["Item", "Value"], rows);

    // Status after follow-up.
    let as_of = as_of(r);
    let _ = writeln!(
        out,
        "<a id=\"status\"></a>\n\n## Status after follow-up{}\n",
        as_of
            .as_deref()
            .map_or(" (nothing recorded yet)".into(), |d| format!(
                ", as of {}",
                inline(d)
            ))
    );
    let ncs: Vec<&Finding> = in_requirement_order(q, &lookup)
        .filter(|f| f.class.is_nonconformity())
        .collect();
    if ncs.is_empty() {
        let _ = writeln!(
            out,
            "No nonconformity was recorded: there is nothing to follow up.\n"
        );
    } else {
        table(
            &mut out,
            &["ID", "Requirement", "Class", "As found", "After follow-up"],
            ncs.iter().map(|f| {
                vec![
                    format!("[{}](#{})", inline(&f.id), anchor(&f.id)),
                    requirements(f),
                    f.class.describe().into(),
                    conformance::state_in(r, f, View::AsFound).describe().into(),
                    conformance::state_in(r, f, View::AfterFollowUp)
                        .describe()
                        .into(),
                ]
            }),
        );
    }

    // The conclusion as issued, then the recommendation after follow-up.
    let issued = conformance::conclude_in(q, &lookup, View::AsFound);
    let _ = writeln!(
        out,
        "**{}**\n",
        match meta.sign_off() {
            Some(s) => format!("The conclusion as issued on {}:", inline(&s.date)),
            None => "The conclusion as it stands (not issued: the record is a draft):".into(),
        }
    );
    let _ = writeln!(out, "> {}", inline(&issued.headline(clause)));
    let reasons = issued.reasons();
    if !reasons.is_empty() {
        let _ = writeln!(out, ">");
    }
    for reason in reasons {
        let _ = writeln!(out, "> - {}", inline(&reason));
    }
    out.push('\n');
    // The team's own conclusions as issued: what they commit to is what the follow-up is
    // checked against.
    if audit || !meta.conclusions.trim().is_empty() {
        let _ = writeln!(
            out,
            "**{}, in {} own words{}:**\n\n> {}\n",
            if audit {
                "The audit team's conclusions"
            } else {
                "The conclusions"
            },
            if audit { "its" } else { "their" },
            if meta.sign_off().is_some() {
                ", as issued"
            } else {
                ""
            },
            or_not_stated(&meta.conclusions)
        );
    }
    let after = conformance::conclude_in(q, &lookup, View::AfterFollowUp);
    let _ = writeln!(
        out,
        "<a id=\"after\"></a>\n\n**{} after follow-up:** {}\n",
        if audit { "Recommendation" } else { "Claim" },
        inline(&after.headline(clause))
    );
    let reasons = after.reasons();
    if !reasons.is_empty() {
        let _ = writeln!(out, "Because of:\n");
        for reason in reasons {
            let _ = writeln!(out, "- {}", inline(&reason));
        }
        out.push('\n');
    }
    let accepted: Vec<String> =
        conformance::minors_with_plan_accepted(q, &lookup, View::AfterFollowUp)
            .iter()
            .map(|m| inline(m.id))
            .collect();
    if !accepted.is_empty() {
        let _ = writeln!(
            out,
            "Minor nonconformit{} {} stay{} open with {} corrective action plan accepted by the audit team, to be verified at the next audit.\n",
            if accepted.len() == 1 { "y" } else { "ies" },
            accepted.join(", "),
            if accepted.len() == 1 { "s" } else { "" },
            if accepted.len() == 1 { "its" } else { "their" },
        );
    }
    let settled: Vec<String> = q
        .requirements
        .iter()
        .filter_map(|req| {
            let j = r.answer(&req.id).and_then(|a| a.rating)?;
            let below = match j.rating() {
                Some(rating) => !q.rule.met.contains(&rating),
                None => q.rule.not_applicable_blocks,
            };
            (below && conformance::met_after_follow_up(&lookup, &req.id))
                .then(|| format!("{} (rated {j})", inline(&req.id)))
        })
        .collect();
    if !settled.is_empty() {
        let _ = writeln!(
            out,
            "Met after follow-up, its nonconformities closed: {}. The rating stays as it was found; the audit report shows it unchanged.\n",
            settled.join(", ")
        );
    }
    if audit {
        let _ = writeln!(
            out,
            "This is the audit team's recommendation. The certification body makes the decision on certification; this report neither grants nor confirms it.\n"
        );
    }

    // Each nonconformity.
    let _ = writeln!(
        out,
        "<a id=\"nonconformities\"></a>\n\n## Nonconformities\n"
    );
    if ncs.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for f in &ncs {
        nonconformity(&mut out, r, f);
    }

    let others: Vec<&Finding> = in_requirement_order(q, &lookup)
        .filter(|f| !f.class.is_nonconformity() && !f.actions.is_empty())
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "<a id=\"other\"></a>\n\n## Other findings with actions\n"
        );
        for f in others {
            let _ = writeln!(
                out,
                "### {} ({}), {}\n\n- **As found:** {}\n",
                inline(&f.id),
                f.class.describe(),
                requirements(f),
                inline(&f.text)
            );
            actions(&mut out, f);
        }
    }
    let holders: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.holds_upgraded_actions)
        .map(|f| inline(&f.id))
        .collect();
    if !holders.is_empty() {
        let _ = writeln!(
            out,
            "{} {} made when this record was upgraded from the earlier layout, in which actions belonged to a requirement rather than to a finding: {} the actions its requirement had.\n",
            holders.join(", "),
            if holders.len() == 1 { "was" } else { "were" },
            if holders.len() == 1 {
                "it holds"
            } else {
                "each holds"
            },
        );
    }
    cited(&mut out, r, &ncs);

    // The follow-up's sign-off.
    let _ = writeln!(
        out,
        "<a id=\"sign-off\"></a>\n\n## Sign-off of the follow-up\n"
    );
    let _ = writeln!(
        out,
        "{}\n",
        match &meta.follow_up_closed {
            Some(_) => format!("The follow-up was {}.", closed_text(r)),
            None => "The follow-up is not closed: the lead auditor closes it with `vse-assess followup close FILE --by NAME`.".into(),
        }
    );
    out
}

/// The requirements a finding cites, its own first.
fn requirements(f: &Finding) -> String {
    f.requirements().map(inline).collect::<Vec<_>>().join(", ")
}

/// The register's items that the follow-up cites (actions' and verifications' evidence),
/// in register order; ids not in the register are said to be missing.
fn cited(out: &mut String, r: &Record, ncs: &[&Finding]) {
    let mut ids: Vec<&str> = Vec::new();
    for f in ncs {
        let of_actions = f.actions.iter().flat_map(|a| &a.evidence);
        for id in of_actions.chain(f.verifications.iter().flat_map(|v| &v.evidence)) {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
    }
    let _ = writeln!(out, "<a id=\"evidence\"></a>\n\n## Evidence cited\n");
    if ids.is_empty() {
        let _ = writeln!(
            out,
            "No evidence is cited by an action or a verification.\n"
        );
        return;
    }
    let position = |id: &str| r.evidence.iter().position(|e| e.id == id);
    ids.sort_by_key(|id| position(id).unwrap_or(usize::MAX));
    table(
        out,
        &["ID", "Title", "Kind", "Location", "Version"],
        ids.iter().map(|id| {
            let tag = format!("<a id=\"{}\"></a>{}", evidence_anchor(id), inline(id));
            match r.evidence_item(id) {
                Some(e) => vec![
                    tag,
                    inline(&e.title),
                    e.kind.key().into(),
                    inline(&e.location),
                    inline(&e.version),
                ],
                None => vec![
                    tag,
                    "**not in the register**".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            }
        }),
    );
}

/// The anchor of a nonconformity's entry in the follow-up report.
fn anchor(id: &str) -> String {
    format!("follow-up-{}", id.to_lowercase())
}

/// One nonconformity: as found, the VSE's response, the actions, the verifications.
fn nonconformity(out: &mut String, r: &Record, f: &Finding) {
    let _ = writeln!(
        out,
        "<a id=\"{}\"></a>\n\n### {} ({}), {}\n",
        anchor(&f.id),
        inline(&f.id),
        f.class.describe(),
        requirements(f)
    );
    let or_not = |s: &str| {
        if s.trim().is_empty() {
            "not recorded".to_string()
        } else {
            inline(s)
        }
    };
    let accepted = signed_text(&f.vse_accepted);
    for (label, value) in [
        ("As found", inline(&f.text)),
        (
            "Raised",
            f.raised.as_deref().map_or("not recorded".into(), inline),
        ),
        ("Plan due", plan_due_text(r, f)),
        (
            "Accepted by the VSE",
            if accepted.is_empty() {
                "not recorded".into()
            } else {
                accepted
            },
        ),
        ("Correction", or_not(&f.correction)),
        ("Root cause", or_not(&f.root_cause)),
    ] {
        let _ = writeln!(out, "- **{label}:** {value}");
    }
    out.push('\n');
    actions(out, f);
    if f.verifications.is_empty() {
        let _ = writeln!(out, "Not verified yet.\n");
    } else {
        table(
            out,
            &["Verified", "By", "Result", "Note", "Evidence", "When"],
            f.verifications.iter().map(|v| {
                vec![
                    inline(&v.date),
                    inline(&v.by),
                    if v.effective {
                        "effective".into()
                    } else {
                        "**not effective**".into()
                    },
                    inline(&v.note),
                    evidence_list(&v.evidence),
                    if v.follow_up {
                        "follow-up".into()
                    } else {
                        "during the assessment".into()
                    },
                ]
            }),
        );
    }
    let _ = writeln!(
        out,
        "**State after follow-up:** {}\n",
        conformance::state_in(r, f, View::AfterFollowUp).describe()
    );
}

/// A finding's actions, one row each.
fn actions(out: &mut String, f: &Finding) {
    if f.actions.is_empty() {
        let _ = writeln!(out, "No action recorded.\n");
    } else {
        table(
            out,
            &[
                "Action",
                "Kind",
                "What",
                "Owner",
                "Proposed",
                "Accepted",
                "Due",
                "Completed",
                "Evidence",
            ],
            f.actions.iter().map(|a| {
                vec![
                    inline(&a.id),
                    a.kind.describe().into(),
                    inline(&a.what),
                    inline(&a.owner),
                    signed_text(&a.proposed),
                    signed_text(&a.accepted),
                    a.due.as_deref().map(inline).unwrap_or_default(),
                    match (&a.completed, a.status) {
                        (Some(d), _) => inline(d),
                        (None, crate::record::ActionStatus::Closed) => {
                            "closed, date not recorded".into()
                        }
                        (None, crate::record::ActionStatus::Open) => "open".into(),
                    },
                    evidence_list(&a.evidence),
                ]
            }),
        );
    }
}
