//! Changes a user makes to an assessment, each one operation with its checks, used by the
//! command line and the interview alike, so that a rule (not applicable needs a
//! justification, a date, a finding that must exist, what closes a nonconformity) is written
//! once: ratings, evidence links and sampling; findings, corrective actions and their
//! verification.

use super::{
    Action, ActionStatus, Finding, FindingClass, Record, Status, StatusChange, Verification,
    check_date,
};
use crate::questionnaire::Questionnaire;
use crate::rating::Judgement;

/// Why a change was refused; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

fn refuse<T>(msg: impl Into<String>) -> Result<T, Refused> {
    Err(Refused(msg.into()))
}

/// Rates a requirement; `None` clears the rating (not yet assessed). Not applicable needs a
/// justification, given here or already recorded; any other rating drops it. `justification`
/// alone (rating `None` and `keep` true) rewrites the justification of an N/A.
pub fn rate(
    record: &mut Record,
    id: &str,
    rating: Option<Judgement>,
    justification: Option<&str>,
) -> Result<(), Refused> {
    let justification = justification.map(str::trim);
    if rating != Some(Judgement::NA) && justification.is_some_and(|j| !j.is_empty()) {
        return refuse("a justification goes with not applicable (N/A) only");
    }
    let a = record.answer_mut(id);
    if rating == Some(Judgement::NA) {
        let given = justification.unwrap_or(a.justification.trim());
        if given.is_empty() {
            return refuse("not applicable needs a justification");
        }
        a.justification = given.to_owned();
    }
    a.set_rating(rating);
    Ok(())
}

/// Links or unlinks an evidence item of the register and a requirement.
pub fn link_evidence(
    record: &mut Record,
    evidence: &str,
    requirement: &str,
    linked: bool,
) -> Result<(), Refused> {
    check_evidence(record, &[evidence.to_owned()])?;
    record.set_link(evidence, requirement, linked);
    Ok(())
}

/// Removes an evidence item from the register, and from every finding and clause 6 answer
/// that cites it (a citation of nothing would make the record invalid). Returns the item.
pub fn remove_evidence(record: &mut Record, id: &str) -> Result<super::Evidence, Refused> {
    check_evidence(record, &[id.to_owned()])?;
    for f in &mut record.findings {
        f.evidence.retain(|e| e != id);
    }
    for c in record.conditions.values_mut() {
        c.evidence.retain(|e| e != id);
    }
    let i = record
        .evidence
        .iter()
        .position(|e| e.id == id)
        .expect("checked");
    Ok(record.evidence.remove(i))
}

/// Where an evidence item is cited, for a question before it is removed: requirements it
/// supports, findings and clause 6 answers citing it.
pub fn citations(record: &Record, id: &str) -> Vec<String> {
    let supports = record
        .evidence_item(id)
        .map(|e| e.supports.clone())
        .unwrap_or_default();
    let findings = record
        .findings
        .iter()
        .filter(|f| f.evidence.iter().any(|e| e == id))
        .map(|f| f.id.clone());
    let conditions = record
        .conditions
        .iter()
        .filter(|(_, c)| c.evidence.iter().any(|e| e == id))
        .map(|(cid, _)| format!("condition {cid}"));
    supports
        .into_iter()
        .chain(findings)
        .chain(conditions)
        .collect()
}

/// Records what was sampled for a requirement (projects, period, records seen, how many of
/// how many); empty clears it.
pub fn set_sampling(record: &mut Record, id: &str, sampled: &str) {
    record.answer_mut(id).sampling = sampled.trim().to_owned();
}

/// A finding as it is first recorded.
#[derive(Debug, Clone, Default)]
pub struct NewFinding {
    /// A requirement id as people type it (`7.2.a`, `7.2a`, `OM.a`).
    pub requirement: String,
    pub class: FindingClass,
    pub text: String,
    pub evidence: Vec<String>,
    pub interviewed: Vec<String>,
}

/// What to change in a finding; `None` and empty lists leave things as they are.
#[derive(Debug, Clone, Default)]
pub struct FindingChange {
    pub text: Option<String>,
    pub class: Option<FindingClass>,
    /// Evidence ids to cite, in addition to those cited.
    pub evidence: Vec<String>,
    /// Evidence ids to cite no longer.
    pub uncite: Vec<String>,
    pub interviewed: Vec<String>,
    pub correction: Option<String>,
    pub root_cause: Option<String>,
}

/// Records a finding; returns its id.
pub fn add_finding(
    record: &mut Record,
    q: &Questionnaire,
    new: NewFinding,
) -> Result<String, Refused> {
    let requirement = q
        .resolve(&new.requirement)
        .map_err(|e| Refused(e.to_string()))?
        .id
        .clone();
    let text = new.text.trim();
    if text.is_empty() {
        return refuse("a finding needs its text");
    }
    check_evidence(record, &new.evidence)?;
    let mut finding = Finding {
        id: record.next_finding_id(new.class),
        requirement,
        class: new.class,
        text: text.to_owned(),
        ..Finding::default()
    };
    cite(&mut finding.evidence, &new.evidence);
    add_names(&mut finding.interviewed, &new.interviewed)?;
    let id = finding.id.clone();
    record.findings.push(finding);
    record.issue(&id);
    Ok(id)
}

/// Changes a finding; returns its id, which changes when the class moves it to another kind
/// (a nonconformity downgraded to an observation is no longer `NC-`).
pub fn edit_finding(
    record: &mut Record,
    id: &str,
    change: FindingChange,
) -> Result<String, Refused> {
    check_evidence(record, &change.evidence)?;
    let next_id = change.class.map(|c| record.next_finding_id(c));
    // The id it leaves, when its class moves it to another kind, stays given.
    let mut given = Vec::new();
    let f = finding_mut(record, id)?;
    // Every check before any change: a refused edit changes nothing.
    if change.text.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return refuse("a finding needs its text");
    }
    if let Some(class) = change.class
        && f.verification.is_some()
        && !class.is_nonconformity()
    {
        return refuse(format!(
            "{} has a verification of its corrective action: it stays a nonconformity",
            f.id
        ));
    }
    if let Some(text) = &change.text {
        f.text = text.trim().to_owned();
    }
    if let (Some(class), Some(next_id)) = (change.class, next_id) {
        // A nonconformity of another class is another judgement: what was verified of the
        // old one does not carry over.
        if class != f.class {
            f.verification = None;
        }
        if class.id_prefix() != f.class.id_prefix() {
            given.push(std::mem::replace(&mut f.id, next_id));
        }
        f.class = class;
    }
    let id = f.id.clone();
    cite(&mut f.evidence, &change.evidence);
    f.evidence.retain(|e| !change.uncite.contains(e));
    add_names(&mut f.interviewed, &change.interviewed)?;
    if let Some(c) = change.correction {
        f.correction = c.trim().to_owned();
    }
    if let Some(c) = change.root_cause {
        f.root_cause = c.trim().to_owned();
    }
    given.push(id.clone());
    for id in &given {
        record.issue(id);
    }
    Ok(id)
}

/// Removes a finding with its actions; returns it.
pub fn remove_finding(record: &mut Record, id: &str) -> Result<Finding, Refused> {
    let i = record
        .findings
        .iter()
        .position(|f| f.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| no_finding(record, id))?;
    let removed = record.findings.remove(i);
    // Its ids stay given (a record from before `issued` learns them here).
    record.issue(&removed.id);
    for a in &removed.actions {
        record.issue(&a.id);
    }
    Ok(removed)
}

/// Plans an action for a finding; returns the action's id.
pub fn add_action(
    record: &mut Record,
    finding: &str,
    what: &str,
    owner: &str,
    due: Option<&str>,
) -> Result<String, Refused> {
    if what.trim().is_empty() {
        return refuse("say what is to be done");
    }
    let due = due.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = due {
        check_date(d).map_err(Refused)?;
    }
    let id = record.next_action_id();
    let f = finding_mut(record, finding)?;
    // The verification covers what there was before; not this one.
    settle_covers(f);
    f.actions.push(Action {
        id: id.clone(),
        what: what.trim().to_owned(),
        owner: owner.trim().to_owned(),
        due: due.map(str::to_owned),
        status: ActionStatus::Open,
    });
    record.issue(&id);
    Ok(id)
}

/// Rewrites what an action says, who owns it and when it is due.
pub fn edit_action(
    record: &mut Record,
    action: &str,
    what: &str,
    owner: &str,
    due: Option<&str>,
) -> Result<(), Refused> {
    if what.trim().is_empty() {
        return refuse("say what is to be done");
    }
    let due = due.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = due {
        check_date(d).map_err(Refused)?;
    }
    let a = action_mut(record, action)?;
    a.what = what.trim().to_owned();
    a.owner = owner.trim().to_owned();
    a.due = due.map(str::to_owned);
    Ok(())
}

/// Removes an action from its finding; returns it.
pub fn remove_action(record: &mut Record, action: &str) -> Result<Action, Refused> {
    action_mut(record, action)?;
    let f = record
        .findings
        .iter_mut()
        .find(|f| f.actions.iter().any(|a| a.id.eq_ignore_ascii_case(action)))
        .expect("found");
    let i = f
        .actions
        .iter()
        .position(|a| a.id.eq_ignore_ascii_case(action))
        .expect("found");
    let removed = f.actions.remove(i);
    record.issue(&removed.id);
    Ok(removed)
}

/// Closes or reopens an action; returns the id of its finding.
pub fn set_action_status(
    record: &mut Record,
    action: &str,
    status: ActionStatus,
) -> Result<String, Refused> {
    action_mut(record, action)?;
    let f = record
        .findings
        .iter_mut()
        .find(|f| f.actions.iter().any(|a| a.id.eq_ignore_ascii_case(action)))
        .expect("found");
    settle_covers(f);
    let a = f
        .actions
        .iter_mut()
        .find(|a| a.id.eq_ignore_ascii_case(action))
        .expect("found");
    // Reopened: whatever the verification saw of it no longer holds.
    if a.status == ActionStatus::Closed
        && status == ActionStatus::Open
        && let Some(covers) = f.verification.as_mut().and_then(|v| v.covers.as_mut())
    {
        covers.retain(|c| !c.eq_ignore_ascii_case(&a.id));
    }
    a.status = status;
    Ok(f.id.clone())
}

/// A verification from before `covers` was kept covers the actions there are: said in so
/// many words before they change.
fn settle_covers(f: &mut Finding) {
    let ids: Vec<String> = f.actions.iter().map(|a| a.id.clone()).collect();
    if let Some(v) = f.verification.as_mut() {
        v.covers.get_or_insert(ids);
    }
}

fn action_mut<'r>(record: &'r mut Record, action: &str) -> Result<&'r mut Action, Refused> {
    if record.action(action).is_none() {
        let known: Vec<&str> = record
            .findings
            .iter()
            .flat_map(|f| f.actions.iter().map(|a| a.id.as_str()))
            .collect();
        return refuse(format!(
            "no action `{action}` (actions: {})",
            list_or_none(&known)
        ));
    }
    Ok(record
        .findings
        .iter_mut()
        .flat_map(|f| f.actions.iter_mut())
        .find(|a| a.id.eq_ignore_ascii_case(action))
        .expect("found"))
}

/// The assessment team's verification of a nonconformity's corrective action. Effective
/// closes the nonconformity; it needs every corrective action closed first.
pub fn verify(
    record: &mut Record,
    finding: &str,
    verification: Verification,
) -> Result<(), Refused> {
    if verification.by.trim().is_empty() {
        return refuse("say who verified it (a member of the assessment team)");
    }
    // The assessment team verifies, not the VSE: when a team is recorded, one of it.
    let team = &record.assessment.team;
    if !team.is_empty() && !team.iter().any(|p| p.name == verification.by.trim()) {
        let names: Vec<&str> = team.iter().map(|p| p.name.as_str()).collect();
        return refuse(format!(
            "`{}` is not in the assessment team ({}): the team verifies corrective action",
            verification.by.trim(),
            names.join(", ")
        ));
    }
    check_date(&verification.date).map_err(Refused)?;
    let today = jiff::ZonedDateTime::now().date().to_string();
    if verification.date > today {
        return refuse(format!(
            "`{}` is in the future: a verification is dated when it was made",
            verification.date
        ));
    }
    let f = finding_mut(record, finding)?;
    if !f.class.is_nonconformity() {
        return refuse(format!(
            "{} is a {}: only a nonconformity's corrective action is verified",
            f.id,
            f.class.describe()
        ));
    }
    if f.actions.is_empty() {
        return refuse(format!(
            "{} has no corrective action to verify: add one with `vse-assess action add`",
            f.id
        ));
    }
    if verification.effective
        && let Some(open) = f.actions.iter().find(|a| a.status == ActionStatus::Open)
    {
        return refuse(format!(
            "{} cannot be verified effective while its action {} is open",
            f.id, open.id
        ));
    }
    f.verification = Some(Verification {
        by: verification.by.trim().to_owned(),
        note: verification.note.trim().to_owned(),
        covers: Some(f.actions.iter().map(|a| a.id.clone()).collect()),
        ..verification
    });
    Ok(())
}

/// What stands between a record and its sign-off, every reason; empty when it can be signed
/// off. A report signed off has every requirement in scope assessed, every N/A justified, a
/// corrective action for every nonconformity, clause 6 answered and the conclusions written.
pub fn sign_off_blockers(record: &Record, q: &Questionnaire) -> Vec<String> {
    let mut reasons = Vec::new();
    let meta = &record.assessment;
    if let Some(done) = meta.sign_off() {
        reasons.push(format!("it is already final ({})", done.describe()));
    }
    if meta.scope.processes.is_empty() {
        reasons.push("no process is in scope".into());
    }
    let in_scope = |id: &str| {
        q.requirement(id)
            .is_some_and(|r| meta.scope.processes.contains(&r.process))
    };
    let rating = |id: &str| record.answer(id).and_then(|a| a.rating);
    let not_assessed: Vec<&str> = q
        .requirements
        .iter()
        .filter(|r| in_scope(&r.id) && rating(&r.id).is_none())
        .map(|r| r.id.as_str())
        .collect();
    if !not_assessed.is_empty() {
        reasons.push(format!("not assessed: {}", not_assessed.join(", ")));
    }
    for (id, a) in &record.requirements {
        if a.rating == Some(Judgement::NA) && a.justification.trim().is_empty() {
            reasons.push(format!("{id} is not applicable without a justification"));
        }
    }
    for f in &record.findings {
        if f.class.is_nonconformity() && f.actions.is_empty() {
            reasons.push(format!(
                "{} ({}) has no corrective action",
                f.id, f.requirement
            ));
        }
    }
    let unanswered: Vec<&str> = q
        .conditions
        .iter()
        .filter(|c| !record.conditions.contains_key(&c.id))
        .map(|c| c.id.as_str())
        .collect();
    if !unanswered.is_empty() {
        reasons.push(format!(
            "clause 6 conditions not answered: {}",
            unanswered.join(", ")
        ));
    }
    if meta.conclusions.trim().is_empty() {
        reasons.push("no conclusions written".into());
    }
    reasons
}

/// What a sign-off dated `date` would come before: a verification recorded later.
fn dated_after(record: &Record, date: &str) -> Vec<String> {
    record
        .findings
        .iter()
        .filter_map(|f| f.verification.as_ref().map(|v| (f, v)))
        .filter(|(_, v)| v.date.as_str() > date)
        .map(|(f, v)| {
            format!(
                "{}'s verification is dated {}, after the sign-off",
                f.id, v.date
            )
        })
        .collect()
}

/// Signs the record off: it becomes final, and the sign-off joins its history. Refused, with
/// every reason, while [`sign_off_blockers`] finds any, or when who or when is wrong.
pub fn finalize(
    record: &mut Record,
    q: &Questionnaire,
    by: &str,
    date: &str,
) -> Result<(), Refused> {
    let mut reasons = sign_off_blockers(record, q);
    reasons.extend(check_status_change(record, by, date).err().map(|r| r.0));
    reasons.extend(dated_after(record, date));
    if !reasons.is_empty() {
        return refuse(format!(
            "cannot sign off:\n{}",
            reasons
                .iter()
                .map(|r| format!("  - {r}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    let meta = &mut record.assessment;
    meta.status = Status::Final;
    meta.history.push(StatusChange {
        status: Status::Final,
        by: by.trim().to_owned(),
        date: date.to_owned(),
        reason: String::new(),
    });
    Ok(())
}

/// Makes a final record editable again; the reopening, who and why, joins its history.
pub fn reopen(record: &mut Record, by: &str, date: &str, reason: &str) -> Result<(), Refused> {
    if record.assessment.status != Status::Final {
        return refuse("it is not final: there is nothing to reopen");
    }
    if reason.trim().is_empty() {
        return refuse("say why it is reopened");
    }
    check_status_change(record, by, date)?;
    let meta = &mut record.assessment;
    meta.status = Status::Draft;
    meta.history.push(StatusChange {
        status: Status::Draft,
        by: by.trim().to_owned(),
        date: date.to_owned(),
        reason: reason.trim().to_owned(),
    });
    Ok(())
}

/// Who and when of a sign-off or reopening: named (in an audit, a member of the assessment
/// team), dated not in the future and not before what it follows.
fn check_status_change(record: &Record, by: &str, date: &str) -> Result<(), Refused> {
    let meta = &record.assessment;
    let by = by.trim();
    if by.is_empty() {
        return refuse("say who signs (a name)");
    }
    if meta.kind == super::Kind::Audit
        && !meta.team.is_empty()
        && !meta.team.iter().any(|p| p.name == by)
    {
        let names: Vec<&str> = meta.team.iter().map(|p| p.name.as_str()).collect();
        return refuse(format!(
            "`{by}` is not in the assessment team ({}): the team signs its report",
            names.join(", ")
        ));
    }
    check_date(date).map_err(Refused)?;
    let today = jiff::ZonedDateTime::now().date().to_string();
    if date > today.as_str() {
        return refuse(format!("`{date}` is in the future"));
    }
    let last_session = meta.sessions.iter().map(|s| s.date.as_str()).max();
    if let Some(held) = last_session.filter(|d| date < *d) {
        return refuse(format!(
            "`{date}` is before the assessment's last session ({held})"
        ));
    }
    if let Some(before) = meta.history.last().filter(|c| date < c.date.as_str()) {
        return refuse(format!(
            "`{date}` is before the last entry of the history ({})",
            before.describe()
        ));
    }
    Ok(())
}

fn finding_mut<'r>(record: &'r mut Record, id: &str) -> Result<&'r mut Finding, Refused> {
    if record.finding(id).is_none() {
        return Err(no_finding(record, id));
    }
    Ok(record.finding_mut(id).expect("found"))
}

fn no_finding(record: &Record, id: &str) -> Refused {
    let known: Vec<&str> = record.findings.iter().map(|f| f.id.as_str()).collect();
    Refused(format!(
        "no finding `{id}` (findings: {})",
        list_or_none(&known)
    ))
}

fn check_evidence(record: &Record, ids: &[String]) -> Result<(), Refused> {
    for id in ids {
        if record.evidence_item(id).is_none() {
            let known: Vec<&str> = record.evidence.iter().map(|e| e.id.as_str()).collect();
            return refuse(format!(
                "no evidence `{id}` in the register (known: {}); add it with `vse-assess evidence add`",
                list_or_none(&known)
            ));
        }
    }
    Ok(())
}

fn cite(cited: &mut Vec<String>, more: &[String]) {
    for id in more {
        if !cited.contains(id) {
            cited.push(id.clone());
        }
    }
}

fn add_names(names: &mut Vec<String>, more: &[String]) -> Result<(), Refused> {
    for name in more {
        let name = name.trim();
        if name.is_empty() {
            return refuse("an interviewee needs a name");
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    Ok(())
}

fn list_or_none(ids: &[&str]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::catalog;

    fn record() -> Record {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        Record::new(&loaded, "Acme", crate::record::Kind::Audit)
    }

    #[test]
    fn not_applicable_needs_a_justification_and_only_it_keeps_one() {
        let mut r = record();
        assert_eq!(
            rate(&mut r, "7.3.f", Some(Judgement::NA), None),
            Err(Refused("not applicable needs a justification".into()))
        );
        assert!(r.answer("7.3.f").is_none_or(|a| a.rating.is_none()));
        rate(
            &mut r,
            "7.3.f",
            Some(Judgement::NA),
            Some(" Parent company "),
        )
        .unwrap();
        assert_eq!(r.answer("7.3.f").unwrap().justification, "Parent company");
        // Rated again N/A: the justification recorded is enough.
        rate(&mut r, "7.3.f", Some(Judgement::NA), None).unwrap();
        assert!(rate(&mut r, "7.3.f", Some(Judgement::F), Some("why")).is_err());
        rate(&mut r, "7.3.f", Some(Judgement::F), None).unwrap();
        assert_eq!(r.answer("7.3.f").unwrap().justification, "");
    }

    #[test]
    fn an_action_removed_keeps_its_id() {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let mut r = record();
        let new = NewFinding {
            requirement: "7.2.g".into(),
            text: "No plan".into(),
            ..NewFinding::default()
        };
        let nc = add_finding(&mut r, &loaded.questionnaire, new).unwrap();
        let a1 = add_action(&mut r, &nc, "Write it", "", None).unwrap();
        remove_action(&mut r, &a1).unwrap();
        assert_eq!(
            add_action(&mut r, &nc, "Write it", "", None).unwrap(),
            "A-2"
        );
    }

    #[test]
    fn links_need_an_item_of_the_register() {
        let mut r = record();
        let err = link_evidence(&mut r, "E9", "7.2.a", true).unwrap_err();
        assert!(err.0.contains("no evidence `E9`"), "{err}");
    }
}
