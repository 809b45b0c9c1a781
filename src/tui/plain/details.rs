//! The assessment details as a numbered menu: each detail by its number, then its new
//! value; clause 6's conditions answered yes or no with a note; the sign-off.

use std::io::{BufRead, Write};

use anyhow::Result;

use super::{
    CANCEL, Field, Session, a_past_date, id_list, in_the_register, is_clear, list_or_none, value,
};
use crate::record::details::Detail;
use crate::record::edit::{self, Refused};
use crate::record::{Kind, Stage};

/// A row of the details menu: one of the assessment's details (the domain's list; the
/// status is said under the menu, `s` changes it).
type Row = Detail;

/// What to type for a detail, in one line.
fn hint(row: Row, kind: Kind) -> String {
    match row {
        Row::Kind => "audit or self".into(),
        Row::Stage => {
            let names: Vec<&str> = Stage::ALL.iter().map(|s| s.key()).collect();
            names.join(", ")
        }
        Row::ObjectivesMet | Row::ScopeAppropriate => "y or n".into(),
        Row::Processes => "process ids separated by commas, e.g. OM, RM, PSM, PPM".into(),
        Row::Sites => "sites separated by ;".into(),
        Row::Team => format!(
            "Name: role, with ; between people; roles: {}",
            kind.team_roles().join(", ")
        ),
        Row::Participants => "Name: role, with ; between people".into(),
        Row::Sessions => edit::SESSIONS_HINT.into(),
        Row::Conclusions => "the team's conclusions, in its words, one line".into(),
        Row::PlanDue => {
            "YYYY-MM-DD, when the VSE's corrective action plan for every nonconformity is due"
                .into()
        }
        _ => "one line".into(),
    }
}

impl<I: BufRead, O: Write> Session<'_, I, O> {
    /// The rows of the menu: an audit's own rows only in an audit, or when they hold a
    /// value (so that nothing recorded is out of sight).
    fn rows(&self) -> Vec<Row> {
        let mut rows = Detail::rows(&self.opened.record.assessment, self.q.conditions.len());
        rows.retain(|r| *r != Row::Status);
        rows
    }

    /// What the record states for a detail, or "not stated".
    fn stated(&self, row: Row) -> String {
        let v = row.value(&self.opened.record, &self.q);
        if v.is_empty() {
            "not stated".to_owned()
        } else {
            v
        }
    }

    fn list_details(&mut self) -> Result<()> {
        let rows = self.rows();
        let meta = &self.opened.record.assessment;
        let mut lines = vec!["Assessment details:".to_owned()];
        for (i, row) in rows.iter().enumerate() {
            let line = match row {
                Row::Condition(c) => {
                    let cond = &self.q.conditions[*c];
                    let now = match self.opened.record.conditions.get(&cond.id) {
                        Some(a) if a.met => "yes",
                        Some(_) => "no",
                        None => "not answered",
                    };
                    format!(
                        "{} Clause 6 condition {}: {now}. {}",
                        i + 1,
                        cond.id,
                        cond.question
                    )
                }
                row => format!("{} {}: {}", i + 1, row.label(), self.stated(*row)),
            };
            lines.push(line);
        }
        lines.push(match meta.sign_off() {
            Some(signed) => format!("Status: final, {}.", signed.describe()),
            None => "Status: draft; s signs off.".into(),
        });
        for line in lines {
            self.say(&line)?;
        }
        Ok(())
    }

    /// The details menu, until Enter.
    pub(super) fn details(&mut self) -> Result<()> {
        self.say("")?;
        self.list_details()?;
        self.details_menu()?;
        loop {
            let line = self.ask("details> ")?;
            let typed = line.trim().to_ascii_lowercase();
            match typed.as_str() {
                "" | "q" | "b" => return Ok(()),
                "l" | "list" => {
                    self.list_details()?;
                    self.details_menu()?;
                }
                "s" | "sign off" | "sign-off" => self.sign_off()?,
                "?" | "help" => {
                    self.say("In the details: a number (or the start of a detail's name, or a condition's id such as 6.a) changes that detail (Enter keeps its value, - clears it); a clause 6 condition is answered y or n, with a note and evidence; l lists the details again; s signs the assessment off (asks who and when, and lists every reason it cannot be yet); Enter goes back to the requirements.")?;
                }
                n if n.parse::<usize>().is_ok() => {
                    let k: usize = n.parse().expect("a number");
                    match self.rows().get(k.wrapping_sub(1)).copied() {
                        Some(Row::Condition(c)) => self.condition(c)?,
                        Some(row) => self.detail(row)?,
                        None => self.say(&format!(
                            "There is no detail {k}: type 1 to {}.",
                            self.rows().len()
                        ))?,
                    }
                }
                named if self.row_named(named).is_some() => {
                    match self.row_named(named).expect("named") {
                        Row::Condition(c) => self.condition(c)?,
                        row => self.detail(row)?,
                    }
                }
                _ => self.say(&format!(
                    "`{}` does nothing here: type a number (or a detail's name, or a condition's id), l, s, ? or Enter.",
                    line.trim()
                ))?,
            }
        }
    }

    /// The row a detail's name (its start, of three letters or more) or a clause 6
    /// condition's id stands for, when it stands for one only.
    fn row_named(&self, typed: &str) -> Option<Row> {
        let typed = typed.trim().to_lowercase();
        let q = &self.q;
        let matching: Vec<Row> = self
            .rows()
            .into_iter()
            .filter(|r| match r {
                Row::Condition(c) => q.conditions[*c].id.eq_ignore_ascii_case(&typed),
                r => typed.len() >= 3 && r.label().to_lowercase().starts_with(&typed),
            })
            .collect();
        match matching.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    fn details_menu(&mut self) -> Result<()> {
        let n = self.rows().len();
        self.say(&format!(
            "Type a detail's number (1 to {n}) or its name to change it, l to list them again, s to sign off, ? for help, or Enter to go back to the requirements."
        ))
    }

    /// One detail: its value, then the new one.
    fn detail(&mut self, row: Row) -> Result<()> {
        if !self.editable()? {
            return Ok(());
        }
        let prompt = format!(
            "{} (now: {}). Type the new value ({}), Enter keeps it, - clears it: ",
            row.label(),
            self.stated(row),
            hint(row, self.opened.record.assessment.kind)
        );
        let mut field = Field::new("value", prompt, false);
        if !self.fill(&mut field)? {
            return Ok(());
        }
        loop {
            if field.value.is_empty() {
                return self.say(&format!("{}: unchanged.", row.label()));
            }
            // `-` clears: the empty value the domain reads as "not stated".
            let typed = if is_clear(&field.value) {
                String::new()
            } else {
                field.value.clone()
            };
            let set =
                self.apply(|o, q| edit::set_details(&mut o.record, q, row.change(&typed)?))?;
            match set {
                super::Applied::Done(()) => {
                    return self.say(&format!("{}: {}.", row.label(), self.stated(row)));
                }
                super::Applied::NotMade => return Ok(()),
                super::Applied::Refused(r) => {
                    self.refused(&r)?;
                    self.say("Type it again.")?;
                }
            }
            if !self.fill(&mut field)? {
                return Ok(());
            }
        }
    }

    /// A clause 6 condition: met or not, its note and the evidence it rests on.
    fn condition(&mut self, c: usize) -> Result<()> {
        let cond = self.q.conditions[c].clone();
        self.say(&format!(
            "Clause 6 condition {}: {}",
            cond.id, cond.question
        ))?;
        let answer = self.opened.record.conditions.get(&cond.id).cloned();
        let now = match &answer {
            Some(a) if a.met => "yes",
            Some(_) => "no",
            None => "not answered",
        };
        let note = answer.as_ref().map(|a| a.note.clone()).unwrap_or_default();
        let cited = answer
            .as_ref()
            .map(|a| a.evidence.join(", "))
            .unwrap_or_default();
        let keeps = |v: &str| {
            if v.is_empty() {
                "Enter for none".to_owned()
            } else {
                format!("Enter keeps \"{v}\", - for none")
            }
        };
        let mut fields = [
            Field::new(
                "met",
                format!(
                    "Is it met? Type y or n, - to withdraw the answer (now: {now}), or {CANCEL}: "
                ),
                true,
            ),
            Field::new(
                "note",
                format!("Note (one line), {}: ", keeps(&note)),
                false,
            ),
            Field::new(
                "evidence",
                format!(
                    "Evidence ids, separated by commas (known: {}), {}: ",
                    self.known_evidence(),
                    keeps(&cited)
                ),
                false,
            )
            .checked(|r, typed, today| {
                if is_clear(typed) {
                    Ok(())
                } else {
                    in_the_register(r, typed, today)
                }
            }),
        ];
        let id = cond.id.clone();
        let made = self.form(&mut fields, |o, q, f| {
            let met = match value(f, "met").to_ascii_lowercase().as_str() {
                "y" | "yes" => Some(true),
                "n" | "no" => Some(false),
                "-" => None,
                typed => {
                    return Err(Refused::Invalid {
                        field: "met",
                        why: format!("`{typed}`: type y, n, or - to withdraw the answer"),
                    });
                }
            };
            let note = match value(f, "note") {
                "" => None,
                "-" => Some(String::new()),
                n => Some(n.to_owned()),
            };
            let (evidence, replace) = match value(f, "evidence") {
                "" => (Vec::new(), false),
                "-" => (Vec::new(), true),
                e => (id_list(e), true),
            };
            let change = edit::ConditionChange {
                met,
                note: if met.is_none() { None } else { note },
                evidence: if met.is_none() { Vec::new() } else { evidence },
                replace_evidence: replace,
            };
            edit::answer_condition(&mut o.record, q, &id, change)
        })?;
        if let Some(cid) = made {
            let said = match self.opened.record.conditions.get(&cid) {
                Some(a) if a.met => format!("Clause 6 condition {cid}: met."),
                Some(_) => format!("Clause 6 condition {cid}: not met."),
                None => format!("Clause 6 condition {cid}: not answered."),
            };
            self.say(&said)?;
        }
        Ok(())
    }

    /// The sign-off: every reason it cannot be yet, or who signs and when, confirmed; the
    /// record is then final.
    fn sign_off(&mut self) -> Result<()> {
        if let Some(signed) = self.opened.record.assessment.sign_off() {
            let said = format!(
                "The record is final already ({}); `vse-assess reopen FILE --by NAME --reason TEXT` makes it editable.",
                signed.describe()
            );
            return self.say(&said);
        }
        if !self.editable()? {
            return Ok(());
        }
        let blockers = edit::sign_off_blockers(&self.opened.record, &self.q);
        if !blockers.is_empty() {
            self.say(&format!(
                "Not ready to sign off; {} to do first:",
                blockers.len()
            ))?;
            for b in &blockers {
                self.say(&format!("- {b}"))?;
            }
            return self.say("Nothing changed.");
        }
        for warning in edit::sign_off_warnings(&self.opened.record, &self.q) {
            self.say(&format!("Warning: {warning}."))?;
        }
        let meta = &self.opened.record.assessment;
        let who = if meta.kind == Kind::Audit {
            let leads: Vec<String> = meta
                .team
                .iter()
                .filter(|p| p.is_lead_auditor())
                .map(|p| p.name.clone())
                .collect();
            format!("the lead auditor: {}", list_or_none(&leads))
        } else {
            "a name".to_owned()
        };
        let today = self.opened.today;
        let mut fields = [
            Field::new("by", format!("Signed off by ({who}), or {CANCEL}: "), true),
            Field::new(
                "date",
                format!("Date of the sign-off (YYYY-MM-DD), Enter for today ({today}): "),
                false,
            )
            .checked(a_past_date),
        ];
        for field in fields.iter_mut() {
            if !self.fill(field)? {
                return Ok(());
            }
        }
        loop {
            let (by, date) = (
                value(&fields, "by").to_owned(),
                match value(&fields, "date") {
                    "" => today.to_string(),
                    d => d.to_owned(),
                },
            );
            if !self.yes_no(&format!(
                "Sign off as {by} on {date}? The record becomes final and can no longer be changed."
            ))? {
                return self.say("Not signed off; nothing changed.");
            }
            match self.apply(|o, q| edit::finalize(&mut o.record, q, &by, &date, today))? {
                super::Applied::Done(()) => {
                    let signed = self
                        .opened
                        .record
                        .assessment
                        .sign_off()
                        .map(|s| s.describe())
                        .unwrap_or_default();
                    return self.say(&format!(
                        "Signed off: the record is final ({signed}) and can no longer be changed."
                    ));
                }
                super::Applied::NotMade => return Ok(()),
                super::Applied::Refused(r) => {
                    self.refused(&r)?;
                    self.say("Type who signs and the date again.")?;
                    for field in fields.iter_mut() {
                        if !self.fill(field)? {
                            return Ok(());
                        }
                    }
                }
            }
        }
    }
}
