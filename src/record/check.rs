//! Checks a parsed record against its questionnaire: everything serde cannot know.

use std::collections::HashSet;

use crate::diagnostic::Problem;
use crate::path;
use crate::questionnaire::Questionnaire;
use crate::rating::Judgement;

use super::{Record, SCHEMA};

/// Every problem in the record, in file order.
pub fn check(record: &Record, q: &Questionnaire) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut p = |path, msg: String| problems.push(Problem::new(path, msg));

    if record.schema != SCHEMA {
        p(
            path!["schema"],
            format!(
                "this version reads schema {SCHEMA}, found {}",
                record.schema
            ),
        );
    }
    if record.questionnaire.id != q.questionnaire.id {
        p(
            path!["questionnaire", "id"],
            format!(
                "record is for `{}`, questionnaire is `{}`",
                record.questionnaire.id, q.questionnaire.id
            ),
        );
    }
    if !is_sha256(&record.questionnaire.sha256) {
        p(
            path!["questionnaire", "sha256"],
            "must be 64 lowercase hex digits".into(),
        );
    }

    let meta = &record.assessment;
    for (i, proc) in meta.scope.processes.iter().enumerate() {
        if q.process(proc).is_none() {
            let known: Vec<&str> = q.processes.iter().map(|p| p.id.as_str()).collect();
            p(
                path!["assessment", "scope", "processes", i],
                format!(
                    "unknown process `{proc}`; expected one of {}",
                    known.join(", ")
                ),
            );
        }
    }
    for (i, s) in meta.sessions.iter().enumerate() {
        if let Err(e) = check_date(&s.date) {
            p(path!["assessment", "sessions", i, "date"], e);
        }
    }
    for (field, people) in [("team", &meta.team), ("participants", &meta.participants)] {
        for (i, person) in people.iter().enumerate() {
            if person.name.trim().is_empty() {
                p(
                    path!["assessment", field, i, "name"],
                    "must not be empty".into(),
                );
            }
        }
    }

    for id in record.conditions.keys() {
        if !q.conditions.iter().any(|c| &c.id == id) {
            let known: Vec<&str> = q.conditions.iter().map(|c| c.id.as_str()).collect();
            p(
                path!["conditions", id],
                format!(
                    "unknown condition `{id}`; expected one of {}",
                    known.join(", ")
                ),
            );
        }
    }

    // Listed once, however many unknown ids a record holds.
    let known_requirements = q
        .requirements
        .iter()
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    for (id, answer) in &record.requirements {
        let Some(req) = q.requirement(id) else {
            p(
                path!["requirements", id],
                format!("unknown requirement `{id}`; valid ids: {known_requirements}"),
            );
            continue;
        };
        match answer.rating {
            Some(Judgement::NA) if answer.justification.trim().is_empty() => p(
                path!["requirements", id, "rating"],
                "not applicable (NA) needs a justification".into(),
            ),
            Some(r) if r != Judgement::NA && !answer.justification.is_empty() => p(
                path!["requirements", id, "justification"],
                "a justification belongs only to a requirement rated NA".into(),
            ),
            _ => {}
        }
        let mut seen = HashSet::new();
        for (i, facet) in answer.facets.iter().enumerate() {
            if !req.facets.iter().any(|f| f == facet) {
                p(
                    path!["requirements", id, "facets", i],
                    format!(
                        "`{facet}` is not a facet of {id}; expected one of: {}",
                        req.facets.join(", ")
                    ),
                );
            } else if !seen.insert(facet) {
                p(
                    path!["requirements", id, "facets", i],
                    format!("facet `{facet}` listed twice"),
                );
            }
        }
        for (i, f) in answer.findings.iter().enumerate() {
            if f.text.trim().is_empty() {
                p(
                    path!["requirements", id, "findings", i, "text"],
                    "must not be empty".into(),
                );
            }
        }
        for (i, a) in answer.actions.iter().enumerate() {
            if a.what.trim().is_empty() {
                p(
                    path!["requirements", id, "actions", i, "what"],
                    "must not be empty".into(),
                );
            }
            if let Some(Err(e)) = a.due.as_deref().map(check_date) {
                p(path!["requirements", id, "actions", i, "due"], e);
            }
        }
    }

    let mut ids = HashSet::new();
    for (i, e) in record.evidence.iter().enumerate() {
        if e.id.trim().is_empty() {
            p(path!["evidence", i, "id"], "must not be empty".into());
        } else if !ids.insert(e.id.as_str()) {
            p(
                path!["evidence", i, "id"],
                format!("duplicate evidence id `{}`", e.id),
            );
        }
        if let Some(sha) = &e.sha256
            && !is_sha256(sha)
        {
            p(
                path!["evidence", i, "sha256"],
                "must be 64 lowercase hex digits".into(),
            );
        }
        for (j, s) in e.supports.iter().enumerate() {
            if q.requirement(s).is_none() {
                p(
                    path!["evidence", i, "supports", j],
                    format!("unknown requirement `{s}`"),
                );
            }
        }
    }
    problems
}

/// A calendar date as records hold them (ISO 8601, e.g. 2026-11-27).
pub fn check_date(s: &str) -> Result<(), String> {
    s.parse::<jiff::civil::Date>()
        .map(|_| ())
        .map_err(|_| format!("`{s}` is not a date like 2026-11-27"))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}
