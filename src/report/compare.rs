//! The comparison of two assessments as Markdown. Text from the records and questionnaires
//! goes through [`inline`], as in the report, so it cannot change the document's structure.

use std::fmt::Write as _;

use super::markdown::{hash, inline, short_judgement, table};
use crate::compare::{Assessment, Change, Comparison, Cycle, UnmatchedKind, Which};
use crate::record::{Finding, Status};

/// Where a finding or an action the later record no longer holds stands now.
const NOT_THERE: &str = "no longer in the record";

/// Where a finding not closed in the earlier record, and gone from the later one, stands: no
/// verification shows it was dealt with, so it is never called closed.
pub const NOT_FOLLOWED_UP: &str = "not followed up";

/// Where an observation, an opportunity for improvement or a good practice of the earlier
/// record stands when the later was made from it: `new --from` carries nonconformities only.
pub const NOT_CARRIED: &str = "not carried (not a nonconformity)";

/// A record file as the comparison names it.
#[derive(Debug, Clone, Copy)]
pub struct RecordFile<'a> {
    pub name: &'a str,
    /// SHA-256 of the file's bytes, tying the comparison to its data.
    pub sha256: &'a str,
}

/// `files` are the old record's and the new one's.
pub fn comparison(c: &Comparison, files: [RecordFile; 2]) -> String {
    let mut out = String::new();
    let vse = &c.new.record.assessment.vse;
    let vse = if vse.trim().is_empty() {
        "(VSE not named)".to_string()
    } else {
        inline(vse)
    };
    let _ = writeln!(out, "# Comparison of two assessments: {vse}\n");
    let _ = writeln!(
        out,
        "*Then* is the earlier assessment, *now* the later one. Requirements and processes are matched by id; findings by id and requirement.\n"
    );
    identification(&mut out, c, files);
    conclusions(&mut out, c);
    let cycle = crate::compare::cycle(c, files[0].name, files[0].sha256);
    if let Some(cycle) = &cycle {
        audit_cycle(&mut out, c, cycle);
    }
    processes(&mut out, c);
    requirements(&mut out, c);
    unmatched(&mut out, c);
    findings(&mut out, c, cycle.is_some());
    actions(&mut out, c);
    out
}

fn identification(out: &mut String, c: &Comparison, files: [RecordFile; 2]) {
    let sides = [c.old, c.new];
    let cells = |f: &dyn Fn(&Assessment) -> String| sides.iter().map(f).collect::<Vec<_>>();
    let rows = [
        ("Record", files.map(|f| inline(f.name)).to_vec()),
        ("Record SHA-256", files.map(|f| hash(f.sha256)).to_vec()),
        ("VSE", cells(&|a| inline(&a.record.assessment.vse))),
        (
            "Kind",
            cells(&|a| a.record.assessment.kind.describe().into()),
        ),
        (
            "Status",
            cells(&|a| a.record.assessment.status.describe().into()),
        ),
        (
            "Dates",
            cells(&|a| {
                let dates: Vec<&str> = a
                    .record
                    .assessment
                    .sessions
                    .iter()
                    .map(|s| s.date.as_str())
                    .collect();
                inline(&dates.join(", "))
            }),
        ),
        (
            "Questionnaire",
            cells(&|a| {
                let q = &a.questionnaire.questionnaire;
                format!("{} {}", inline(&q.id), inline(&q.version))
            }),
        ),
    ];
    table(
        out,
        &["", "Then", "Now"],
        rows.into_iter().map(|(label, cells)| {
            let mut row = vec![label.to_string()];
            row.extend(cells);
            row
        }),
    );
}

fn conclusions(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "## Conclusion\n");
    for (label, a, conclusion) in [
        ("Then", c.old, &c.old_conclusion),
        ("Now", c.new, &c.new_conclusion),
    ] {
        let provisional = if a.record.assessment.status == Status::Draft {
            "provisional (draft): "
        } else {
            ""
        };
        let clause = &a.questionnaire.questionnaire.conformance_clause;
        let _ = writeln!(
            out,
            "- {label}, {provisional}{}",
            inline(&conclusion.headline(clause))
        );
        for reason in conclusion.reasons() {
            let _ = writeln!(out, "  - {}", inline(&reason));
        }
    }
    out.push('\n');
}

/// The cycle, when the later record was made from the earlier (`new --from`).
fn audit_cycle(out: &mut String, c: &Comparison, cycle: &Cycle) {
    let mut about = format!(
        "*Now* was made from *then* (`{}`",
        inline(cycle.previous_file)
    );
    if let Some(date) = cycle.signed_off {
        let _ = write!(about, ", signed off {}", inline(date));
    }
    if let Some(stage) = cycle.stage {
        let _ = write!(about, ", {stage} audit");
    }
    about.push_str(
        "): its nonconformities not closed were carried, with their ids, to be followed up; ids are never given twice.",
    );
    match cycle.same_text {
        Some(true) => about.push_str(" *Then* is the very text it was made from."),
        Some(false) => about.push_str(
            " *Then* has changed since (a follow-up recorded after, say): its SHA-256 is not the one *now* names.",
        ),
        None => {}
    }
    section(out, "The audit cycle", &about);
    let header = [
        "Finding",
        "Requirement",
        "Class",
        "Then",
        "Now",
        "Followed up",
        "Finding text",
    ];
    let _ = writeln!(out, "### Carried\n");
    table_or_none(
        out,
        &header,
        cycle.carried.iter().map(|x| {
            let mut row = finding_cells(x.new);
            let verified = crate::record::next::follow_ups(c.new.record, x.new)
                .last()
                .map_or("not yet".to_owned(), |v| {
                    format!(
                        "{}, {}",
                        inline(&v.date),
                        if v.effective {
                            "effective"
                        } else {
                            "not effective"
                        }
                    )
                });
            row.extend([
                x.old.state().describe().into(),
                x.new.state().describe().into(),
                verified,
                inline(&x.new.text),
            ]);
            row
        }),
    );
    let _ = writeln!(out, "### Closed\n");
    table_or_none(
        out,
        &[
            "Finding",
            "Requirement",
            "Class",
            "Closed in",
            "Finding text",
        ],
        cycle.closed.iter().map(|x| {
            let mut row = finding_cells(x.finding);
            row.extend([
                if x.now.is_some() { "now" } else { "then" }.into(),
                inline(&x.finding.text),
            ]);
            row
        }),
    );
    let _ = writeln!(out, "### New\n");
    table_or_none(
        out,
        &["Finding", "Requirement", "Class", "Now", "Finding text"],
        cycle.new.iter().map(|f| with_state(f)),
    );
    let _ = writeln!(
        out,
        "### Dropped\n\nNonconformities open *then* that *now* does not hold: nothing shows they were followed up.\n"
    );
    table_or_none(
        out,
        &["Finding", "Requirement", "Class", "Then", "Finding text"],
        cycle.dropped.iter().map(|f| with_state(f)),
    );
    if !cycle.reused.is_empty() {
        let _ = writeln!(
            out,
            "### Ids given twice\n\nFindings of *now*, not carried, with an id *then* had for another finding.\n"
        );
        table(
            out,
            &["Finding", "Requirement", "Class", "Finding text"],
            cycle.reused.iter().map(|f| {
                let mut row = finding_cells(f);
                row.push(inline(&f.text));
                row
            }),
        );
    }
}

fn processes(out: &mut String, c: &Comparison) {
    section(
        out,
        "Processes",
        "A process's achievement is the lowest rating among its applicable requirements, given once all are assessed.",
    );
    table(
        out,
        &["Process", "Then", "Now", "Change"],
        c.processes.iter().map(|p| {
            vec![
                format!(
                    "{} {}",
                    inline(&p.new.process.id),
                    inline(&p.new.process.name)
                ),
                p.old.achievement_text(),
                p.new.achievement_text(),
                p.change().describe().into(),
            ]
        }),
    );
}

fn requirements(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "## Requirements\n");
    let counts: Vec<String> = Change::ALL
        .iter()
        .map(|&change| {
            let n = c.requirements.iter().filter(|r| r.change == change).count();
            (n, change)
        })
        .filter(|(n, _)| *n > 0)
        .map(|(n, change)| format!("{n} {}", change.describe()))
        .collect();
    let _ = writeln!(out, "{}.\n", counts.join(", "));
    table(
        out,
        &["Requirement", "Then", "Now", "Change"],
        c.requirements.iter().map(|r| {
            vec![
                inline(r.id),
                short_judgement(r.old),
                short_judgement(r.new),
                r.change.describe().into(),
            ]
        }),
    );
}

fn unmatched(out: &mut String, c: &Comparison) {
    let _ = writeln!(out, "## Not matched between questionnaire versions\n");
    if c.unmatched.is_empty() {
        let _ = writeln!(
            out,
            "Every process and requirement is in both questionnaire versions.\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "What only one questionnaire version has cannot be compared; it is listed here with where it stood.\n"
    );
    let version = |a: Assessment| {
        let q = &a.questionnaire.questionnaire;
        format!("{} {}", inline(&q.id), inline(&q.version))
    };
    table(
        out,
        &["", "Id", "Only in", "Stood at"],
        c.unmatched.iter().map(|u| {
            vec![
                match u.kind {
                    UnmatchedKind::Process => "process",
                    UnmatchedKind::Requirement => "requirement",
                }
                .into(),
                inline(u.id),
                match u.only_in {
                    Which::Old => format!("then ({})", version(c.old)),
                    Which::New => format!("now ({})", version(c.new)),
                },
                inline(&u.standing),
            ]
        }),
    );
}

/// A finding's id, requirement and class cells.
fn finding_cells(f: &Finding) -> Vec<String> {
    vec![
        inline(&f.id),
        inline(&f.requirement),
        f.class.describe().into(),
    ]
}

/// A finding's row with where it stands in its record, and its text.
fn with_state(f: &Finding) -> Vec<String> {
    let mut row = finding_cells(f);
    row.extend([f.state().describe().into(), inline(&f.text)]);
    row
}

/// A finding's row with where it stood then and now (`None`: no longer in the record), as it
/// reads last.
fn then_and_now(then: &Finding, now: Option<&Finding>) -> Vec<String> {
    let last = now.unwrap_or(then);
    let mut row = finding_cells(last);
    row.extend([
        then.state().describe().into(),
        now.map_or(NOT_THERE, |g| g.state().describe()).into(),
        inline(&last.text),
    ]);
    row
}

/// `cycle`: the later record was made from the earlier, which carries only nonconformities.
fn findings(out: &mut String, c: &Comparison, cycle: bool) {
    let header = [
        "Finding",
        "Requirement",
        "Class",
        "Then",
        "Now",
        "Finding text",
    ];
    section(
        out,
        "Findings closed",
        "Findings of the earlier record that the later one holds verified closed (effective), or that were closed already in the earlier one.",
    );
    table_or_none(
        out,
        &header,
        c.closed.iter().map(|x| then_and_now(x.finding, x.now)),
    );
    section(
        out,
        "Findings not followed up",
        "Findings of the earlier record, not closed then, that the later record no longer holds: nothing in it shows they were dealt with or verified, so they are not counted as closed.",
    );
    table_or_none(
        out,
        &header,
        c.not_followed_up.iter().map(|f| {
            let mut row = finding_cells(f);
            let now = if cycle && !f.class.is_nonconformity() {
                NOT_CARRIED
            } else {
                NOT_FOLLOWED_UP
            };
            row.extend([f.state().describe().into(), now.into(), inline(&f.text)]);
            row
        }),
    );
    let _ = writeln!(out, "## New findings\n");
    table_or_none(
        out,
        &["Finding", "Requirement", "Class", "Now", "Finding text"],
        c.new_findings.iter().map(|f| with_state(f)),
    );
    section(
        out,
        "Findings still recorded",
        "Findings in both records and not closed: nonconformities still open, and the other findings.",
    );
    table_or_none(
        out,
        &header,
        c.kept.iter().map(|x| then_and_now(x.old, Some(x.new))),
    );
}

fn actions(out: &mut String, c: &Comparison) {
    section(
        out,
        "Corrective actions carried over",
        "Actions of the earlier record's nonconformities that were still open then, or that the later record holds too; what, owner and due date as the later record has them.",
    );
    table_or_none(
        out,
        &[
            "Action",
            "Finding",
            "Requirement",
            "What",
            "Owner",
            "Due",
            "Then",
            "Now",
        ],
        c.carried.iter().map(|x| {
            let a = x.now.unwrap_or(x.action);
            vec![
                inline(&a.id),
                inline(&x.finding.id),
                inline(&x.finding.requirement),
                inline(&a.what),
                inline(&a.owner),
                a.due.as_deref().map(inline).unwrap_or_default(),
                x.action.status.describe().into(),
                x.now.map_or(NOT_THERE, |b| b.status.describe()).into(),
            ]
        }),
    );
}

/// A section's heading and the sentence that says what it holds.
fn section(out: &mut String, title: &str, about: &str) {
    let _ = writeln!(out, "## {title}\n\n{about}\n");
}

/// A table, or "None." when there are no rows.
fn table_or_none(out: &mut String, header: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let rows: Vec<Vec<String>> = rows.collect();
    if rows.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        table(out, header, rows);
    }
}
