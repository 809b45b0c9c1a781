//! Checks a parsed record against its questionnaire: everything serde cannot know.

use std::collections::HashSet;

use crate::diagnostic::{Problem, Seg};
use crate::path;
use crate::questionnaire::Questionnaire;
use crate::rating::Judgement;

use jiff::civil::Date;

use super::{Metadata, Record, SCHEMA, Status, edit};

/// Every problem in the record, in file order, for a record read on `today`: a date of its
/// history must not be after [`edit::latest_anywhere`] (the edit layer's one rule).
pub fn check(record: &Record, q: &Questionnaire, today: Date) -> Vec<Problem> {
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
    if let Some(Err(e)) = meta.plan_due.as_deref().map(check_date) {
        p(path!["assessment", "plan_due"], e);
    }
    if let Some(limits) = meta.plan_limits {
        for (field, days) in [("major", limits.major), ("minor", limits.minor)] {
            if days == 0 {
                p(
                    path!["assessment", "plan_limits", field],
                    "a number of days after the sign-off: at least 1".into(),
                );
            }
        }
    }
    for (field, problem) in meta.follow_up_closed.iter().flat_map(signed_problems) {
        p(path!["assessment", "follow_up_closed", field], problem);
    }
    // The team's roles are a fixed vocabulary, by kind; the VSE's participants keep theirs
    // in their own words.
    for (i, person) in meta.team.iter().enumerate() {
        if let Err(e) = meta.kind.team_role(&person.role) {
            p(path!["assessment", "team", i, "role"], e);
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

    check_history(meta, today, &mut p);

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
        // An interview behind a rating names who was interviewed.
        for (j, name) in answer.interviewed.iter().enumerate() {
            if name.trim().is_empty() {
                p(
                    path!["requirements", id, "interviewed", j],
                    "must not be empty".into(),
                );
            }
        }
    }

    check_findings(record, q, &mut p);

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

fn check_findings(record: &Record, q: &Questionnaire, p: &mut impl FnMut(Vec<Seg>, String)) {
    let first_sign_off = record
        .assessment
        .history
        .iter()
        .find(|c| c.status == super::Status::Final)
        .map(|c| c.date.as_str());
    // Signed off once, never reopened: every verification after that day is follow-up.
    let once_signed = record.assessment.history.len() == 1;
    let register: HashSet<&str> = record.evidence.iter().map(|e| e.id.as_str()).collect();
    let unknown_evidence = |id: &str| {
        format!("no evidence `{id}` in the register; add it with `vse-assess evidence add`")
    };
    for (cid, c) in &record.conditions {
        for (j, e) in c.evidence.iter().enumerate() {
            if !register.contains(e.as_str()) {
                p(path!["conditions", cid, "evidence", j], unknown_evidence(e));
            }
        }
    }
    let mut finding_ids = HashSet::new();
    let mut action_ids = HashSet::new();
    for (i, f) in record.findings.iter().enumerate() {
        let prefix = f.class.id_prefix();
        if !numbered(&f.id, prefix) {
            p(
                path!["findings", i, "id"],
                format!(
                    "`{}` is not an id for a {}: expected {prefix}-1, {prefix}-2...",
                    f.id,
                    f.class.describe()
                ),
            );
        } else if !finding_ids.insert(f.id.to_uppercase()) {
            p(
                path!["findings", i, "id"],
                format!("finding id `{}` used twice", f.id),
            );
        }
        if q.requirement(&f.requirement).is_none() {
            p(
                path!["findings", i, "requirement"],
                format!("unknown requirement `{}`", f.requirement),
            );
        }
        for (j, other) in f.also.iter().enumerate() {
            let here = path!["findings", i, "also", j];
            if q.requirement(other).is_none() {
                p(here, format!("unknown requirement `{other}`"));
            } else if *other == f.requirement {
                p(
                    here,
                    format!("`{other}` is the finding's own requirement: list it once"),
                );
            } else if f.also[..j].contains(other) {
                p(here, format!("requirement `{other}` listed twice"));
            }
        }
        for (j, other) in f.see.iter().enumerate() {
            let here = path!["findings", i, "see", j];
            if other.eq_ignore_ascii_case(&f.id) {
                p(
                    here,
                    format!("`{other}` is this finding: it cannot point at itself"),
                );
            } else if record.finding(other).is_none() {
                let known: Vec<&str> = record.findings.iter().map(|f| f.id.as_str()).collect();
                p(
                    here,
                    format!(
                        "no finding `{other}` in the record (findings: {})",
                        known.join(", ")
                    ),
                );
            } else if f.see[..j].iter().any(|s| s.eq_ignore_ascii_case(other)) {
                p(here, format!("finding `{other}` listed twice"));
            }
        }
        if f.text.trim().is_empty() {
            p(path!["findings", i, "text"], "must not be empty".into());
        }
        for (j, e) in f.evidence.iter().enumerate() {
            if !register.contains(e.as_str()) {
                p(path!["findings", i, "evidence", j], unknown_evidence(e));
            }
        }
        for (field, day) in [("raised", &f.raised), ("plan_due", &f.plan_due)] {
            if let Some(Err(e)) = day.as_deref().map(check_date) {
                p(path!["findings", i, field], e);
            }
        }
        if let Some(accepted) = &f.vse_accepted {
            for (field, problem) in signed_problems(accepted) {
                p(path!["findings", i, "vse_accepted", field], problem);
            }
        }
        for (j, name) in f.interviewed.iter().enumerate() {
            if name.trim().is_empty() {
                p(
                    path!["findings", i, "interviewed", j],
                    "must not be empty".into(),
                );
            }
        }
        for (j, a) in f.actions.iter().enumerate() {
            if !numbered(&a.id, "A") {
                p(
                    path!["findings", i, "actions", j, "id"],
                    format!("`{}` is not an action id: expected A-1, A-2...", a.id),
                );
            } else if !action_ids.insert(a.id.to_uppercase()) {
                p(
                    path!["findings", i, "actions", j, "id"],
                    format!("action id `{}` used twice", a.id),
                );
            }
            if a.what.trim().is_empty() {
                p(
                    path!["findings", i, "actions", j, "what"],
                    "must not be empty".into(),
                );
            }
            if let Some(Err(e)) = a.due.as_deref().map(check_date) {
                p(path!["findings", i, "actions", j, "due"], e);
            }
            if let Some(Err(e)) = a.completed.as_deref().map(check_date) {
                p(path!["findings", i, "actions", j, "completed"], e);
            }
            for (key, signed) in [("proposed", &a.proposed), ("accepted", &a.accepted)] {
                for (field, problem) in signed.iter().flat_map(signed_problems) {
                    p(path!["findings", i, "actions", j, key, field], problem);
                }
            }
            for (k, e) in a.evidence.iter().enumerate() {
                if !register.contains(e.as_str()) {
                    p(
                        path!["findings", i, "actions", j, "evidence", k],
                        unknown_evidence(e),
                    );
                }
            }
        }
        if f.schema2_verification.is_some() {
            p(
                path!["findings", i, "verification"],
                "is schema 2's key: schema 3 keeps a finding's verifications as a list, `[[findings.verifications]]`".into(),
            );
        }
        for (k, v) in f.verifications.iter().enumerate() {
            if !f.class.is_nonconformity() {
                p(
                    path!["findings", i, "verifications", k],
                    "only a nonconformity's corrective action is verified".into(),
                );
            }
            if v.by.trim().is_empty() {
                p(
                    path!["findings", i, "verifications", k, "by"],
                    "must not be empty".into(),
                );
            }
            if let Err(e) = check_date(&v.date) {
                p(path!["findings", i, "verifications", k, "date"], e);
            }
            // Which verifications are follow-up decides the audit report: the mark must
            // agree with the first sign-off's date (one made on that day may be either; one
            // made after a reopening, on the draft, is not follow-up).
            if let Some(signed) = first_sign_off {
                if v.follow_up && v.date.as_str() < signed {
                    p(
                        path!["findings", i, "verifications", k, "follow_up"],
                        format!(
                            "a verification dated {} comes before the sign-off of {signed}: it was made during the audit, not as follow-up",
                            v.date
                        ),
                    );
                } else if !v.follow_up
                    && v.date.as_str() > signed
                    && once_signed
                    && f.carried.is_none()
                {
                    p(
                        path!["findings", i, "verifications", k, "follow_up"],
                        format!(
                            "a verification dated {} comes after the sign-off of {signed}: it is follow-up (`follow_up = true`)",
                            v.date
                        ),
                    );
                }
            }
            for (m, e) in v.evidence.iter().enumerate() {
                if !register.contains(e.as_str()) {
                    p(
                        path!["findings", i, "verifications", k, "evidence", m],
                        unknown_evidence(e),
                    );
                }
            }
        }
    }
}

/// What is wrong with a who-and-when, by field: `by` empty, `date` not a date.
fn signed_problems(signed: &super::Signed) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    if signed.by.trim().is_empty() {
        problems.push(("by", "must not be empty".to_owned()));
    }
    if let Err(e) = check_date(&signed.date) {
        problems.push(("date", e));
    }
    problems
}

/// Sign-offs and reopenings: named, dated in order, a reopening with its reason, and the
/// status the last one left. A record marked final without a sign-off is refused: "final"
/// says someone signed it off.
fn check_history(meta: &Metadata, today: Date, p: &mut impl FnMut(Vec<Seg>, String)) {
    let mut previous: Option<&str> = None;
    // A record may have been signed off east of here, where it is already tomorrow.
    let latest = edit::latest_anywhere(today);
    for (i, change) in meta.history.iter().enumerate() {
        // Sign-off and reopening take turns, starting with a sign-off.
        let expected = if i % 2 == 0 {
            Status::Final
        } else {
            Status::Draft
        };
        if change.status != expected {
            p(
                path!["assessment", "history", i, "status"],
                format!(
                    "expected \"{}\": a record is signed off, then reopened, in turn",
                    expected.describe()
                ),
            );
        }
        if change.status == Status::Final && !change.reason.is_empty() {
            p(
                path!["assessment", "history", i, "reason"],
                "only a reopening has a reason".into(),
            );
        }
        if change.by.trim().is_empty() {
            p(
                path!["assessment", "history", i, "by"],
                "must not be empty".into(),
            );
        }
        match check_date(&change.date) {
            Err(e) => p(path!["assessment", "history", i, "date"], e),
            Ok(()) if edit::in_future(&change.date, latest) => p(
                path!["assessment", "history", i, "date"],
                format!("`{}` is in the future", change.date),
            ),
            Ok(()) if previous.is_some_and(|d| change.date.as_str() < d) => p(
                path!["assessment", "history", i, "date"],
                format!(
                    "`{}` is before the entry above it: the history is in date order",
                    change.date
                ),
            ),
            Ok(()) => previous = Some(&change.date),
        }
        if change.status == Status::Draft && change.reason.trim().is_empty() {
            p(
                path!["assessment", "history", i, "reason"],
                "a reopening says why".into(),
            );
        }
    }
    let last = meta.history.last().map(|c| c.status);
    match (meta.status, last) {
        (Status::Final, Some(Status::Final)) | (Status::Draft, None | Some(Status::Draft)) => {}
        (Status::Final, _) => p(
            path!["assessment", "status"],
            "a final record needs its sign-off: set it to \"draft\" and sign off with `vse-assess finalize`".into(),
        ),
        (Status::Draft, Some(Status::Final)) => p(
            path!["assessment", "status"],
            "the history ends with a sign-off: reopening is done with `vse-assess reopen`, which records who and why".into(),
        ),
    }
}

/// `NC-3` for prefix `NC`.
fn numbered(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A calendar date as records hold them (ISO 8601, e.g. 2026-11-27).
pub fn check_date(s: &str) -> Result<(), String> {
    // Exactly YYYY-MM-DD: a date with a time of day is not a calendar date.
    let shaped = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    s.parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| shaped)
        .map(|_| ())
        .ok_or_else(|| format!("`{s}` is not a date like 2026-11-27"))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}
