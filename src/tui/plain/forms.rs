//! The dialogs at a requirement: who was interviewed, a finding, an action, an action
//! closed, the response to a nonconformity, a verification, the evidence register.

use std::io::{BufRead, Write};

use anyhow::Result;

use super::{
    Applied, CANCEL, Field, Session, a_date, a_past_date, id_list, in_the_register, list_or_none,
    value,
};
use crate::record::edit::{self, Refused, Thing};
use crate::record::{ActionStatus, FindingClass, Verification};

/// A choice typed as its number in `options` (from 1) or as one of them, in any case.
pub(super) fn chosen<'o>(options: &'o [String], typed: &str) -> Option<&'o str> {
    let typed = typed.trim();
    if let Ok(n) = typed.parse::<usize>() {
        return n
            .checked_sub(1)
            .and_then(|i| options.get(i))
            .map(String::as_str);
    }
    options
        .iter()
        .find(|o| o.eq_ignore_ascii_case(typed))
        .map(String::as_str)
}

pub(super) fn numbered(options: &[String]) -> String {
    options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{} {o}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A finding class as typed: its name or its number; Enter is minor.
fn finding_class(typed: &str) -> Result<FindingClass, Refused> {
    if typed.is_empty() {
        return Ok(FindingClass::Minor);
    }
    match typed.parse::<usize>() {
        Ok(n) => n
            .checked_sub(1)
            .and_then(|i| FindingClass::ALL.get(i))
            .copied()
            .ok_or_else(|| invalid("class", format!("there is no class {n}: type 1 to 5"))),
        Err(_) => FindingClass::parse(typed).map_err(|why| invalid("class", why)),
    }
}

pub(super) fn invalid(field: &'static str, why: impl Into<String>) -> Refused {
    Refused::Invalid {
        field,
        why: why.into(),
    }
}

impl<I: BufRead, O: Write> Session<'_, I, O> {
    /// The evidence ids of the register, for a prompt.
    pub(super) fn known_evidence(&self) -> String {
        let ids: Vec<String> = self
            .opened
            .record
            .evidence
            .iter()
            .map(|e| e.id.clone())
            .collect();
        list_or_none(&ids)
    }

    fn participants(&self) -> String {
        let names: Vec<String> = self
            .opened
            .record
            .assessment
            .participants
            .iter()
            .map(|p| p.name.clone())
            .collect();
        list_or_none(&names)
    }

    /// One of `options` (ids, each described in `described`), asked by number or id;
    /// `None` when cancelled.
    fn choose(
        &mut self,
        question: &str,
        options: &[String],
        described: &[String],
    ) -> Result<Option<String>> {
        for (i, d) in described.iter().enumerate() {
            self.say(&format!("{} {d}", i + 1))?;
        }
        loop {
            let line = self.ask(&format!(
                "{question} Type its number (1 to {}) or its id, or {CANCEL}: ",
                options.len()
            ))?;
            let typed = line.trim();
            if typed.eq_ignore_ascii_case(CANCEL) || typed.is_empty() && options.is_empty() {
                self.say("Cancelled: nothing changed.")?;
                return Ok(None);
            }
            match chosen(options, typed) {
                Some(id) => return Ok(Some(id.to_owned())),
                None => self.say(&format!(
                    "`{typed}` is none of these: type a number from 1 to {}, or one of {}.",
                    options.len(),
                    options.join(", ")
                ))?,
            }
        }
    }

    /// Who was interviewed for requirement `id`: names of participants; a name that is
    /// not one may be added to them.
    pub(super) fn interviewees(&mut self, id: &str) -> Result<()> {
        if !self.editable()? {
            return Ok(());
        }
        let prompt = format!(
            "Who was interviewed for {id}? Names with , or ; between them (participants: {}), or {CANCEL}: ",
            self.participants()
        );
        let mut names = Field::new("interviewed", prompt, true);
        if !self.fill(&mut names)? {
            return Ok(());
        }
        loop {
            let typed = names.value.clone();
            match self.apply(|o, _| edit::add_interviewees(&mut o.record, id, &[typed]))? {
                Applied::Done(()) => {
                    let now = self
                        .opened
                        .record
                        .answer(id)
                        .map(|a| a.interviewed.join(", "))
                        .unwrap_or_default();
                    return self.say(&format!("Interviewed for {id}: {now}."));
                }
                Applied::NotMade => return Ok(()),
                Applied::Refused(Refused::NotFound {
                    what: Thing::Participant,
                    id: name,
                    ..
                }) => {
                    let add = self.yes_no(&format!(
                        "`{name}` is not a participant. Add {name} to the participants (with no role yet)?"
                    ))?;
                    if add {
                        let added =
                            self.change(|o, _| edit::add_participant(&mut o.record, &name))?;
                        if added.is_some() {
                            self.say(&format!("{name} added to the participants."))?;
                        }
                        continue;
                    }
                }
                Applied::Refused(r) => self.refused(&r)?,
            }
            if !self.fill(&mut names)? {
                return Ok(());
            }
        }
    }

    /// A new finding about requirement `id`.
    pub(super) fn new_finding(&mut self, id: &str) -> Result<()> {
        let classes: Vec<&str> = FindingClass::ALL.iter().map(|c| c.key()).collect();
        let mut fields = [
            Field::new(
                "class",
                format!(
                    "Finding class ({}, or its number 1 to 5), Enter for minor: ",
                    classes.join(", ")
                ),
                false,
            )
            .checked(|_, typed, _| finding_class(typed).map(drop)),
            Field::new(
                "text",
                format!("Finding text (one line), or {CANCEL}: "),
                true,
            ),
            Field::new(
                "evidence",
                format!(
                    "Evidence ids, separated by commas (known: {}), Enter for none: ",
                    self.known_evidence()
                ),
                false,
            )
            .checked(in_the_register),
            Field::new(
                "interviewed",
                format!(
                    "Who was interviewed for it, names with , or ; between them (participants: {}), Enter for none: ",
                    self.participants()
                ),
                false,
            )
            .checked(|r, typed, _| edit::interviewees(r, &[typed.to_owned()]).map(drop)),
        ];
        let made = self.form(&mut fields, |o, q, f| {
            let class = finding_class(value(f, "class"))?;
            let interviewed = value(f, "interviewed");
            let new = edit::NewFinding {
                requirement: id.to_owned(),
                class,
                text: value(f, "text").to_owned(),
                evidence: id_list(value(f, "evidence")),
                interviewed: if interviewed.is_empty() {
                    Vec::new()
                } else {
                    vec![interviewed.to_owned()]
                },
                ..Default::default()
            };
            edit::add_finding(&mut o.record, q, new, o.today)
        })?;
        if let Some(fid) = made {
            let class = self
                .opened
                .record
                .finding(&fid)
                .map(|f| f.class.describe())
                .unwrap_or_default();
            self.say(&format!("{fid} recorded on {id}: {class}."))?;
        }
        Ok(())
    }

    /// The findings of requirement `id`, nonconformities first: ids, and each described.
    fn findings_of(&self, id: &str, nonconformities_only: bool) -> (Vec<String>, Vec<String>) {
        let mut findings: Vec<&crate::record::Finding> = self
            .opened
            .record
            .findings_for(id)
            .filter(|f| !nonconformities_only || f.class.is_nonconformity())
            .collect();
        findings.sort_by_key(|f| !f.class.is_nonconformity());
        findings
            .iter()
            .map(|f| {
                (
                    f.id.clone(),
                    format!(
                        "{} {} ({}): {}",
                        f.id,
                        f.class.describe(),
                        f.state().describe(),
                        f.text
                    ),
                )
            })
            .unzip()
    }

    /// A new action for one of requirement `id`'s findings.
    pub(super) fn new_action(&mut self, id: &str) -> Result<()> {
        let (ids, described) = self.findings_of(id, false);
        if ids.is_empty() {
            return self.say(&format!(
                "Actions belong to findings, and {id} has none: record a finding first (m)."
            ));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(finding) = self.choose("For which finding?", &ids, &described)? else {
            return Ok(());
        };
        let mut fields = [
            Field::new(
                "what",
                format!("What is to be done (one line), or {CANCEL}: "),
                true,
            ),
            Field::new(
                "owner",
                "Who owns it (a name), Enter for nobody yet: ",
                false,
            ),
            Field::new("due", "Due date (YYYY-MM-DD), Enter for none: ", false).checked(a_date),
        ];
        let made = self.form(&mut fields, |o, _, f| {
            edit::add_action(
                &mut o.record,
                &finding,
                value(f, "what"),
                value(f, "owner"),
                Some(value(f, "due")),
            )
        })?;
        if let Some(aid) = made {
            self.say(&format!("{aid} planned for {finding}."))?;
        }
        Ok(())
    }

    /// The assessment team's names, for a prompt that asks for one of them.
    fn team_names(&self) -> Vec<String> {
        let team = &self.opened.record.assessment.team;
        team.iter().map(|p| p.name.clone()).collect()
    }

    /// The actions of requirement `id`'s findings: their ids, and each described.
    fn actions_of(&self, id: &str) -> (Vec<String>, Vec<String>) {
        self.opened
            .record
            .findings_for(id)
            .flat_map(|f| f.actions.iter().map(move |a| (f, a)))
            .map(|(f, a)| {
                (
                    a.id.clone(),
                    format!(
                        "{} for {} ({}): {}",
                        a.id,
                        f.id,
                        a.status.describe(),
                        a.what
                    ),
                )
            })
            .unzip()
    }

    /// The assessment team's acceptance of an action the VSE proposed, for one of
    /// requirement `id`'s findings: who and when, or withdrawn.
    pub(super) fn accept_action(&mut self, id: &str) -> Result<()> {
        let (ids, described) = self.actions_of(id);
        if ids.is_empty() {
            return self.say(&format!(
                "No action is planned for the findings of {id}: plan one first (a)."
            ));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(action) = self.choose("Which action does the team accept?", &ids, &described)?
        else {
            return Ok(());
        };
        let today = self.opened.today;
        let team = self.team_names();
        let mut fields = [
            Field::new(
                "by",
                format!(
                    "Accepted by (a member of the assessment team: {}), - withdraws the acceptance, or {CANCEL}: ",
                    list_or_none(&team)
                ),
                true,
            ),
            Field::new(
                "date",
                format!("Date it was accepted (YYYY-MM-DD), Enter for today ({today}): "),
                false,
            )
            .checked(a_past_date),
        ];
        let made = self.form(&mut fields, |o, _, f| {
            let accepted = match value(f, "by") {
                "-" => None,
                by => Some(crate::record::Signed {
                    by: by.to_owned(),
                    date: match value(f, "date") {
                        "" => today.to_string(),
                        d => d.to_owned(),
                    },
                }),
            };
            let withdrawn = accepted.is_none();
            edit::accept_action(&mut o.record, &action, accepted, today).map(|()| withdrawn)
        })?;
        match made {
            Some(true) => self.say(&format!("{action}: the team's acceptance withdrawn.")),
            Some(false) => {
                let by = self
                    .opened
                    .record
                    .action(&action)
                    .and_then(|(_, a)| {
                        a.accepted
                            .as_ref()
                            .map(|s| format!("{} on {}", s.by, s.date))
                    })
                    .unwrap_or_default();
                self.say(&format!("{action} accepted by the team ({by})."))
            }
            None => Ok(()),
        }
    }

    /// Closes an action of requirement `id`'s findings once done (when, what shows it), or
    /// reopens a closed one.
    pub(super) fn close_action(&mut self, id: &str) -> Result<()> {
        let (ids, described) = self.actions_of(id);
        if ids.is_empty() {
            return self.say(&format!(
                "No action is planned for the findings of {id}: plan one first (a)."
            ));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(action) = self.choose("Which action?", &ids, &described)? else {
            return Ok(());
        };
        let closed = self
            .opened
            .record
            .action(&action)
            .is_some_and(|(_, a)| a.status == ActionStatus::Closed);
        if closed {
            if self.yes_no(&format!("{action} is closed. Reopen it?"))? {
                let done = self.change(|o, _| {
                    edit::set_action_status(&mut o.record, &action, ActionStatus::Open)
                })?;
                if done.is_some() {
                    self.say(&format!("{action} is open again."))?;
                }
            }
            return Ok(());
        }
        let today = self.opened.today;
        let mut fields = [
            Field::new(
                "completed",
                format!("Date it was done (YYYY-MM-DD), Enter for today ({today}): "),
                false,
            )
            .checked(a_past_date),
            Field::new(
                "evidence",
                format!(
                    "Evidence ids that show it done, separated by commas (known: {}), Enter for none: ",
                    self.known_evidence()
                ),
                false,
            )
            .checked(in_the_register),
        ];
        let made = self.form(&mut fields, |o, _, f| {
            let date = match value(f, "completed") {
                "" => today.to_string(),
                d => d.to_owned(),
            };
            edit::complete_action(
                &mut o.record,
                &action,
                Some(&date),
                &id_list(value(f, "evidence")),
                today,
            )
        })?;
        if let Some(finding) = made {
            self.say(&format!("{action} of {finding} closed."))?;
        }
        Ok(())
    }

    /// The VSE's response to one of requirement `id`'s nonconformities: correction and
    /// root cause.
    pub(super) fn response(&mut self, id: &str) -> Result<()> {
        let (ids, described) = self.findings_of(id, true);
        if ids.is_empty() {
            return self.say(&format!("{id} has no nonconformity to respond to."));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(finding) = self.choose("Which nonconformity?", &ids, &described)? else {
            return Ok(());
        };
        let (correction, cause, plan_due) = self
            .opened
            .record
            .finding(&finding)
            .map(|f| {
                let due = f.plan_due.clone().unwrap_or_default();
                (f.correction.clone(), f.root_cause.clone(), due)
            })
            .unwrap_or_default();
        let keeps = |now: &str| {
            if now.is_empty() {
                "Enter for none".to_owned()
            } else {
                format!("Enter keeps \"{now}\", - clears it")
            }
        };
        let mut fields = [
            Field::new(
                "correction",
                format!(
                    "Correction made at once (one line), {}: ",
                    keeps(&correction)
                ),
                false,
            ),
            Field::new(
                "root_cause",
                format!("Root cause (one line), {}: ", keeps(&cause)),
                false,
            ),
            Field::new(
                "plan_due",
                format!(
                    "When the VSE's corrective action plan for it is due (YYYY-MM-DD), {}: ",
                    keeps(&plan_due)
                ),
                false,
            )
            .checked(|r, typed, today| {
                if super::is_clear(typed) {
                    Ok(())
                } else {
                    a_date(r, typed, today)
                }
            }),
        ];
        for field in fields.iter_mut() {
            if !self.fill(field)? {
                return Ok(());
            }
        }
        if fields.iter().all(|f| f.value.is_empty()) {
            return self.say(&format!("{finding}: nothing changed."));
        }
        let made = self.form_filled(&mut fields, |o, q, f| {
            let given = |key: &str| match value(f, key) {
                "" => None,
                "-" => Some(String::new()),
                v => Some(v.to_owned()),
            };
            let change = edit::FindingChange {
                correction: given("correction"),
                root_cause: given("root_cause"),
                plan_due: given("plan_due").map(|d| Some(d).filter(|d| !d.is_empty())),
                ..Default::default()
            };
            edit::edit_finding(&mut o.record, q, &finding, change, o.today)
        })?;
        if let Some(fid) = made {
            self.say(&format!("{fid}: response recorded."))?;
        }
        Ok(())
    }

    /// The assessment team's verification of one of requirement `id`'s nonconformities.
    pub(super) fn verify(&mut self, id: &str) -> Result<()> {
        let (all, all_described) = self.findings_of(id, true);
        if all.is_empty() {
            return self.say(&format!("{id} has no nonconformity to verify."));
        }
        // Only a corrective action is verified: a nonconformity without one is not offered.
        let record = &self.opened.record;
        let (ids, described): (Vec<String>, Vec<String>) = all
            .into_iter()
            .zip(all_described)
            .filter(|(fid, _)| record.finding(fid).is_some_and(|f| !f.actions.is_empty()))
            .unzip();
        if ids.is_empty() {
            return self.say(&format!(
                "No nonconformity of {id} has a corrective action to verify: plan one first (a)."
            ));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(finding) = self.choose("Which nonconformity?", &ids, &described)? else {
            return Ok(());
        };
        let today = self.opened.today;
        let team = self.team_names();
        let mut fields = [
            Field::new(
                "by",
                format!(
                    "Verified by (a member of the assessment team: {}), or {CANCEL}: ",
                    list_or_none(&team)
                ),
                true,
            ),
            Field::new(
                "date",
                format!("Date of the verification (YYYY-MM-DD), Enter for today ({today}): "),
                false,
            )
            .checked(a_past_date),
            Field::new(
                "effective",
                "Was the corrective action effective? y or n: ",
                true,
            ),
            Field::new(
                "note",
                "What was seen (one line), Enter for nothing: ",
                false,
            ),
            Field::new(
                "evidence",
                format!(
                    "Evidence ids it rests on, separated by commas (known: {}), Enter for none: ",
                    self.known_evidence()
                ),
                false,
            )
            .checked(in_the_register),
        ];
        let made = self.form(&mut fields, |o, _, f| {
            let effective = match value(f, "effective").to_ascii_lowercase().as_str() {
                "y" | "yes" => true,
                "n" | "no" => false,
                _ => return Err(invalid("effective", "type y or n")),
            };
            let evidence = id_list(value(f, "evidence"));
            if let Some(missing) = evidence
                .iter()
                .find(|e| o.record.evidence_item(e).is_none())
            {
                return Err(Refused::NotFound {
                    what: Thing::Evidence,
                    id: missing.clone(),
                    known: o.record.evidence.iter().map(|e| e.id.clone()).collect(),
                });
            }
            let date = match value(f, "date") {
                "" => today.to_string(),
                d => d.to_owned(),
            };
            let v = Verification {
                by: value(f, "by").to_owned(),
                date,
                effective,
                note: value(f, "note").to_owned(),
                evidence,
                ..Default::default()
            };
            edit::verify(&mut o.record, &finding, v, today)
        })?;
        if made.is_some() {
            let state = self
                .opened
                .record
                .finding(&finding)
                .map(|f| f.state().describe())
                .unwrap_or_default();
            self.say(&format!("{finding} verified: {state}."))?;
        }
        Ok(())
    }
}

impl<I: BufRead, O: Write> Session<'_, I, O> {
    /// What was sampled for requirement `id`.
    pub(super) fn sampling(&mut self, id: &str) -> Result<()> {
        if !self.editable()? {
            return Ok(());
        }
        let now = self
            .opened
            .record
            .answer(id)
            .map(|a| a.sampling.clone())
            .unwrap_or_default();
        let keeps = if now.is_empty() {
            "Enter for nothing".to_owned()
        } else {
            format!("Enter keeps \"{now}\", - clears it")
        };
        let line = self.ask(&format!(
            "What was sampled for {id} (projects, period, records seen, how many of how many), one line, {keeps}: "
        ))?;
        let typed = line.trim();
        if typed.is_empty() || typed.eq_ignore_ascii_case(CANCEL) {
            return self.say("Nothing changed.");
        }
        let sampled = if super::is_clear(typed) { "" } else { typed };
        if self
            .change(|o, _| edit::set_sampling(&mut o.record, id, sampled))?
            .is_some()
        {
            self.say(&format!("{id}: what was sampled recorded."))?;
        }
        Ok(())
    }

    /// Changes one of requirement `id`'s findings: class, text, evidence cited.
    pub(super) fn edit_finding(&mut self, id: &str) -> Result<()> {
        let record = &self.opened.record;
        let mut ids = Vec::new();
        let mut described = Vec::new();
        for f in record.findings_for(id) {
            ids.push(f.id.clone());
            described.push(format!(
                "finding {} {}: {}",
                f.id,
                f.class.describe(),
                f.text
            ));
            for a in &f.actions {
                ids.push(a.id.clone());
                described.push(format!("action {} of {}: {}", a.id, f.id, a.what));
            }
        }
        if ids.is_empty() {
            return self.say(&format!(
                "{id} has no finding to change: record one first (m)."
            ));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(fid) = self.choose("Change which finding or action?", &ids, &described)? else {
            return Ok(());
        };
        if let Some((_, a)) = self.opened.record.action(&fid) {
            let a = a.clone();
            return self.edit_action(a);
        }
        let Some(f) = self.opened.record.finding(&fid).cloned() else {
            return Ok(());
        };
        let classes: Vec<&str> = FindingClass::ALL.iter().map(|c| c.key()).collect();
        let mut fields = [
            Field::new(
                "class",
                format!(
                    "Class ({}, or its number 1 to 5), Enter keeps {}: ",
                    classes.join(", "),
                    f.class.key()
                ),
                false,
            )
            .checked(|_, typed, _| finding_class(typed).map(drop)),
            Field::new("text", format!("Text (one line), Enter keeps \"{}\": ", f.text), false),
            Field::new(
                "evidence",
                format!(
                    "Evidence cited, ids separated by commas (known: {}), Enter keeps {}, - for none: ",
                    self.known_evidence(),
                    if f.evidence.is_empty() {
                        "none".to_owned()
                    } else {
                        f.evidence.join(", ")
                    }
                ),
                false,
            )
            .checked(|r, typed, today| {
                if super::is_clear(typed) {
                    Ok(())
                } else {
                    in_the_register(r, typed, today)
                }
            }),
        ];
        let made = self.form(&mut fields, |o, q, fs| {
            let class = match value(fs, "class") {
                "" => None,
                typed => Some(finding_class(typed)?),
            };
            let text = match value(fs, "text") {
                "" => None,
                t => Some(t.to_owned()),
            };
            let (evidence, uncite) = match value(fs, "evidence") {
                "" => (Vec::new(), Vec::new()),
                "-" => (Vec::new(), f.evidence.clone()),
                typed => {
                    let typed = id_list(typed);
                    let uncite = f
                        .evidence
                        .iter()
                        .filter(|e| !typed.contains(e))
                        .cloned()
                        .collect();
                    (typed, uncite)
                }
            };
            let change = edit::FindingChange {
                text,
                class,
                evidence,
                uncite,
                ..Default::default()
            };
            edit::edit_finding(&mut o.record, q, &fid, change, o.today)
        })?;
        if let Some(now) = made {
            if now == fid {
                self.say(&format!("{now} changed."))?;
            } else {
                self.say(&format!("{fid} is now {now}."))?;
            }
        }
        Ok(())
    }

    /// What an action says, who owns it, when it is due.
    fn edit_action(&mut self, a: crate::record::Action) -> Result<()> {
        let due = a.due.clone().unwrap_or_default();
        let keeps = |now: &str| {
            if now.is_empty() {
                "Enter for none".to_owned()
            } else {
                format!("Enter keeps \"{now}\", - clears it")
            }
        };
        let mut fields = [
            Field::new(
                "what",
                format!(
                    "What is to be done (one line), Enter keeps \"{}\": ",
                    a.what
                ),
                false,
            ),
            Field::new(
                "owner",
                format!("Who owns it, {}: ", keeps(&a.owner)),
                false,
            ),
            Field::new(
                "due",
                format!("Due date (YYYY-MM-DD), {}: ", keeps(&due)),
                false,
            )
            .checked(|r, typed, today| {
                if super::is_clear(typed) {
                    Ok(())
                } else {
                    a_date(r, typed, today)
                }
            }),
        ];
        let made = self.form(&mut fields, |o, _, f| {
            let given = |key: &str, now: &str| match value(f, key) {
                "" => now.to_owned(),
                "-" => String::new(),
                v => v.to_owned(),
            };
            let (what, owner, due) = (
                given("what", &a.what),
                given("owner", &a.owner),
                given("due", &due),
            );
            edit::edit_action(&mut o.record, &a.id, &what, &owner, Some(&due))
        })?;
        if made.is_some() {
            self.say(&format!("{} changed.", a.id))?;
        }
        Ok(())
    }

    /// Deletes one of requirement `id`'s findings (with its actions) or one of their
    /// actions, once confirmed.
    pub(super) fn delete(&mut self, id: &str) -> Result<()> {
        let record = &self.opened.record;
        let mut ids = Vec::new();
        let mut described = Vec::new();
        for f in record.findings_for(id) {
            ids.push(f.id.clone());
            described.push(format!(
                "finding {} {}: {}",
                f.id,
                f.class.describe(),
                f.text
            ));
            for a in &f.actions {
                ids.push(a.id.clone());
                described.push(format!("action {} of {}: {}", a.id, f.id, a.what));
            }
        }
        if ids.is_empty() {
            return self.say(&format!(
                "{id} has no finding or action to delete (evidence is removed from the register, e)."
            ));
        }
        if !self.editable()? {
            return Ok(());
        }
        let Some(which) = self.choose("Delete which finding or action?", &ids, &described)? else {
            return Ok(());
        };
        let is_finding = self.opened.record.finding(&which).is_some();
        let question = if is_finding {
            format!("Delete {which} and its actions?")
        } else {
            format!("Delete action {which}?")
        };
        if !self.yes_no(&question)? {
            return self.say("Nothing deleted.");
        }
        let done = self.change(|o, _| {
            if is_finding {
                edit::remove_finding(&mut o.record, &which).map(drop)
            } else {
                edit::remove_action(&mut o.record, &which).map(drop)
            }
        })?;
        if done.is_some() {
            self.say(&format!("{which} deleted."))?;
        }
        Ok(())
    }
}
