//! The VSE's answer to the nonconformities, read back from its spreadsheet
//! ([`crate::report::plan`] compares the sheet with the record and says what it changes) and
//! applied here, change by change, through the edit layer: a finding's correction and root
//! cause, new actions (with who proposed them), what an action says, who owns it and when it
//! is due, and its completion with the evidence that shows it done. These are follow-up
//! changes, which a final record takes too. All of them or none: the first one refused
//! leaves the record as it was.

use jiff::civil::Date;

use super::{ActionKind, Record, Signed, edit};

/// Where in the sheet a change comes from: its row as a spreadsheet numbers it (the header
/// is row 1).
pub type Row = usize;

/// One change the VSE's sheet asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanChange {
    /// A nonconformity's correction (what was put right at once).
    Correction {
        row: Row,
        finding: String,
        text: String,
    },
    /// A nonconformity's root cause.
    RootCause {
        row: Row,
        finding: String,
        text: String,
    },
    /// A new action of a nonconformity, proposed by the VSE (completed already, when the
    /// sheet gives a completion date).
    AddAction {
        row: Row,
        finding: String,
        kind: ActionKind,
        what: String,
        owner: String,
        due: Option<String>,
        completed: Option<String>,
        evidence: Vec<String>,
    },
    /// What an action says, who owns it, when it is due (each as it is to be).
    EditAction {
        row: Row,
        action: String,
        what: String,
        owner: String,
        due: Option<String>,
    },
    /// An action's kind.
    Kind {
        row: Row,
        action: String,
        kind: ActionKind,
    },
    /// An action done: when, and the evidence that shows it.
    Complete {
        row: Row,
        action: String,
        completed: String,
        evidence: Vec<String>,
    },
}

impl PlanChange {
    pub fn row(&self) -> Row {
        match self {
            PlanChange::Correction { row, .. }
            | PlanChange::RootCause { row, .. }
            | PlanChange::AddAction { row, .. }
            | PlanChange::EditAction { row, .. }
            | PlanChange::Kind { row, .. }
            | PlanChange::Complete { row, .. } => *row,
        }
    }
}

/// Why the changes were not made; the record is as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// New actions need who proposed them (`--by`): the rows that add one.
    #[error(
        "{} a new action: say who of the VSE proposes it (--by NAME)",
        list(.0)
    )]
    NoProposer(Vec<Row>),
    /// The edit layer refused the change from `row`.
    #[error("row {row}: {refused}")]
    Refused {
        row: Row,
        /// The field refused, when the refusal names one (`due`, `completed`, `what`...).
        field: Option<&'static str>,
        refused: edit::Refused,
    },
}

fn list(rows: &[Row]) -> String {
    let listed: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    match listed.as_slice() {
        [one] => format!("row {one} adds"),
        _ => format!("rows {} each add", listed.join(", ")),
    }
}

fn evidence_list(ids: &[String]) -> String {
    if ids.is_empty() {
        "no evidence".into()
    } else {
        format!("evidence {}", ids.join(", "))
    }
}

/// Makes `changes` in `record`, in their order, through the edit layer; returns one line
/// per change made ("NC-1: root cause set", "A-9 added to NC-1: ..."). New actions are
/// proposed by `by` on `today`. Refused, the record is as it was.
pub fn apply(
    record: &mut Record,
    q: &crate::questionnaire::Questionnaire,
    changes: &[PlanChange],
    by: Option<&str>,
    today: Date,
) -> Result<Vec<String>, ApplyError> {
    let by = by.map(str::trim).filter(|b| !b.is_empty());
    let adding: Vec<Row> = changes
        .iter()
        .filter(|c| matches!(c, PlanChange::AddAction { .. }))
        .map(PlanChange::row)
        .collect();
    if by.is_none() && !adding.is_empty() {
        return Err(ApplyError::NoProposer(adding));
    }
    let mut work = record.clone();
    let mut said = Vec::new();
    for change in changes {
        let row = change.row();
        let refused = |field: Option<&'static str>| {
            move |refused: edit::Refused| {
                let field = match &refused {
                    edit::Refused::Invalid { field, .. }
                    | edit::Refused::InFuture { field, .. } => Some(*field),
                    edit::Refused::NotFound {
                        what: edit::Thing::Evidence,
                        ..
                    } => Some("evidence"),
                    _ => field,
                };
                ApplyError::Refused {
                    row,
                    field,
                    refused,
                }
            }
        };
        match change {
            PlanChange::Correction { finding, text, .. }
            | PlanChange::RootCause { finding, text, .. } => {
                let is_correction = matches!(change, PlanChange::Correction { .. });
                let before = work.finding(finding).map(|f| {
                    if is_correction {
                        f.correction.clone()
                    } else {
                        f.root_cause.clone()
                    }
                });
                let (what, change) = if is_correction {
                    (
                        "correction",
                        edit::FindingChange {
                            correction: Some(text.clone()),
                            ..Default::default()
                        },
                    )
                } else {
                    (
                        "root cause",
                        edit::FindingChange {
                            root_cause: Some(text.clone()),
                            ..Default::default()
                        },
                    )
                };
                let field = if is_correction {
                    "correction"
                } else {
                    "root_cause"
                };
                let id = edit::edit_finding(&mut work, q, finding, change, today)
                    .map_err(refused(Some(field)))?;
                let how = if before.is_some_and(|b| !b.is_empty()) {
                    "changed"
                } else {
                    "set"
                };
                said.push(format!("{id}: {what} {how}"));
            }
            PlanChange::AddAction {
                finding,
                kind,
                what,
                owner,
                due,
                completed,
                evidence,
                ..
            } => {
                // Proposed today, or by the day it was done when the sheet says it is done.
                let proposed_on = completed
                    .as_deref()
                    .and_then(|d| d.parse::<Date>().ok())
                    .filter(|d| *d < today)
                    .unwrap_or(today);
                let new = edit::NewAction {
                    what: what.clone(),
                    owner: owner.clone(),
                    due: due.clone(),
                    kind: *kind,
                    proposed: Some(Signed {
                        by: by.expect("checked above").to_owned(),
                        date: proposed_on.to_string(),
                    }),
                };
                let id = edit::plan_action(&mut work, finding, new, today)
                    .map_err(refused(Some("what")))?;
                let f = work
                    .finding(finding)
                    .map_or(finding.clone(), |f| f.id.clone());
                let mut line = format!("{id} added to {f}: {what} ({}", kind.describe());
                if !owner.is_empty() {
                    line.push_str(&format!(", owner {owner}"));
                }
                if let Some(due) = due {
                    line.push_str(&format!(", due {due}"));
                }
                line.push(')');
                said.push(line);
                if let Some(done) = completed {
                    edit::complete_action(&mut work, &id, Some(done), evidence, today)
                        .map_err(refused(Some("completed")))?;
                    said.push(format!(
                        "{id} completed on {done} ({})",
                        evidence_list(evidence)
                    ));
                }
            }
            PlanChange::EditAction {
                action,
                what,
                owner,
                due,
                ..
            } => {
                let before = work.action(action).map(|(_, a)| a.clone());
                edit::edit_action(&mut work, action, what, owner, due.as_deref())
                    .map_err(refused(Some("what")))?;
                let mut parts = Vec::new();
                if let Some(b) = before {
                    if b.what != *what {
                        parts.push(format!("what: {what}"));
                    }
                    if b.owner != *owner {
                        parts.push(format!("owner {owner}"));
                    }
                    if b.due != *due {
                        parts.push(format!("due {}", due.as_deref().unwrap_or("none")));
                    }
                }
                if !parts.is_empty() {
                    said.push(format!("{action} changed: {}", parts.join(", ")));
                }
            }
            PlanChange::Kind { action, kind, .. } => {
                let proposed = work.action(action).and_then(|(_, a)| a.proposed.clone());
                edit::set_action_plan(&mut work, action, *kind, proposed, today)
                    .map_err(refused(Some("kind")))?;
                said.push(format!("{action} is now a {}", kind.describe()));
            }
            PlanChange::Complete {
                action,
                completed,
                evidence,
                ..
            } => {
                edit::complete_action(&mut work, action, Some(completed), evidence, today)
                    .map_err(refused(Some("completed")))?;
                said.push(format!(
                    "{action} completed on {completed} ({})",
                    evidence_list(evidence)
                ));
            }
        }
    }
    *record = work;
    Ok(said)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::catalog;

    #[test]
    fn a_change_refused_leaves_the_record_as_it_was() {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let q = &loaded.questionnaire;
        let mut r = Record::new(&loaded, "Acme", crate::record::Kind::Audit);
        let new = edit::NewFinding {
            requirement: "7.2.g".into(),
            class: crate::record::FindingClass::Major,
            text: "No risk plan".into(),
            ..Default::default()
        };
        let today: Date = "2026-11-30".parse().unwrap();
        let nc = edit::add_finding(&mut r, q, new, today).unwrap();
        let root = PlanChange::RootCause {
            row: 2,
            finding: nc.clone(),
            text: "No owner".into(),
        };
        let add = PlanChange::AddAction {
            row: 3,
            finding: nc.clone(),
            kind: ActionKind::Corrective,
            what: "Write the plan".into(),
            owner: String::new(),
            due: None,
            // Done tomorrow: refused.
            completed: Some("2026-12-01".into()),
            evidence: Vec::new(),
        };
        let before = r.clone();
        // New actions need who proposed them.
        assert_eq!(
            apply(&mut r, q, &[root.clone(), add.clone()], None, today),
            Err(ApplyError::NoProposer(vec![3]))
        );
        assert_eq!(r, before);
        let err = apply(&mut r, q, &[root.clone(), add], Some("Bob"), today).unwrap_err();
        assert!(
            matches!(
                err,
                ApplyError::Refused {
                    row: 3,
                    field: Some("completed"),
                    ..
                }
            ),
            "{err:?}"
        );
        // The root cause, allowed on its own, was not made either.
        assert_eq!(r, before);
        let said = apply(&mut r, q, &[root], None, today).unwrap();
        assert_eq!(said, [format!("{nc}: root cause set")]);
        assert_eq!(r.finding(&nc).unwrap().root_cause, "No owner");
    }
}
