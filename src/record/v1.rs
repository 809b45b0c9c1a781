//! Schema 1 records, as earlier versions wrote them: findings and actions under each
//! requirement, without ids. They load into the current layout and are written in it on the
//! next save, with nothing lost.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    Action, ActionStatus, Answer, ConditionAnswer, Evidence, Finding, FindingClass, Metadata,
    QuestionnaireRef, Record, SCHEMA,
};
use crate::rating::Judgement;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RecordV1 {
    #[allow(dead_code)]
    schema: u32,
    questionnaire: QuestionnaireRef,
    assessment: Metadata,
    #[serde(default)]
    conditions: BTreeMap<String, ConditionAnswer>,
    #[serde(default)]
    requirements: BTreeMap<String, AnswerV1>,
    #[serde(default)]
    evidence: Vec<Evidence>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerV1 {
    rating: Option<Judgement>,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    facets: Vec<String>,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    interviewed: Vec<String>,
    #[serde(default)]
    findings: Vec<FindingV1>,
    #[serde(default)]
    actions: Vec<ActionV1>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingV1 {
    class: FindingClass,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionV1 {
    what: String,
    #[serde(default)]
    owner: String,
    due: Option<String>,
    #[serde(default)]
    status: ActionStatus,
}

/// The text of the finding made to hold a requirement's schema 1 actions when no single
/// nonconformity of the requirement can take them.
pub const HOLDER_TEXT: &str =
    "Actions recorded for this requirement before actions belonged to findings.";

impl RecordV1 {
    /// The same record in the current layout. Findings get ids in requirement order; a
    /// requirement's actions go to its nonconformity when it has exactly one, otherwise to
    /// a finding made to hold them (marked, and said so in reports).
    pub(super) fn upgrade(self) -> Record {
        let mut record = Record {
            schema: SCHEMA,
            questionnaire: self.questionnaire,
            assessment: self.assessment,
            conditions: self.conditions,
            requirements: BTreeMap::new(),
            findings: Vec::new(),
            evidence: self.evidence,
            issued: BTreeMap::new(),
        };
        for (id, old) in self.requirements {
            let first = record.findings.len();
            for f in old.findings {
                let finding = Finding {
                    id: record.next_finding_id(f.class),
                    requirement: id.clone(),
                    class: f.class,
                    text: f.text,
                    ..Finding::default()
                };
                record.findings.push(finding);
            }
            if !old.actions.is_empty() {
                let ncs: Vec<usize> = (first..record.findings.len())
                    .filter(|&i| record.findings[i].class.is_nonconformity())
                    .collect();
                let holder = match ncs[..] {
                    [only] => only,
                    _ => {
                        record.findings.push(Finding {
                            id: record.next_finding_id(FindingClass::Observation),
                            requirement: id.clone(),
                            class: FindingClass::Observation,
                            text: HOLDER_TEXT.into(),
                            holds_upgraded_actions: true,
                            ..Finding::default()
                        });
                        record.findings.len() - 1
                    }
                };
                for a in old.actions {
                    let action = Action {
                        id: record.next_action_id(),
                        what: a.what,
                        owner: a.owner,
                        due: a.due,
                        status: a.status,
                        ..Action::default()
                    };
                    record.findings[holder].actions.push(action);
                }
            }
            let answer = Answer {
                rating: old.rating,
                justification: old.justification,
                facets: old.facets,
                notes: old.notes,
                working_notes: String::new(),
                interviewed: old.interviewed,
                sampling: String::new(),
            };
            if !answer.is_empty() {
                record.requirements.insert(id, answer);
            }
        }
        record
    }
}
