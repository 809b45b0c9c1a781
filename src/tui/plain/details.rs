//! The assessment details as a numbered menu: each detail by its number, then its new
//! value; clause 6's conditions answered yes or no with a note; the sign-off.

use std::io::{BufRead, Write};

use anyhow::Result;

use super::{
    CANCEL, Field, Session, a_past_date, id_list, in_the_register, is_clear, list_or_none, value,
};
use crate::record::edit::{self, Refused};
use crate::record::{Kind, Metadata, Person, Stage};

/// A row of the details menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    Vse,
    Kind,
    Stage,
    CertificationBody,
    ReportRef,
    Client,
    Objectives,
    Criteria,
    Scope,
    Processes,
    Sites,
    Team,
    Participants,
    Sessions,
    AuditPlan,
    RemoteMethod,
    NotCovered,
    DivergingOpinions,
    Condition(usize),
    Conclusions,
    ObjectivesMet,
    ScopeAppropriate,
    Distribution,
    Confidentiality,
    /// When the VSE's plan for the nonconformities is due (each may have its own).
    PlanDue,
}

const BEFORE_CLAUSE_6: [Row; 18] = [
    Row::Vse,
    Row::Kind,
    Row::Stage,
    Row::CertificationBody,
    Row::ReportRef,
    Row::Client,
    Row::Objectives,
    Row::Criteria,
    Row::Scope,
    Row::Processes,
    Row::Sites,
    Row::Team,
    Row::Participants,
    Row::Sessions,
    Row::AuditPlan,
    Row::RemoteMethod,
    Row::NotCovered,
    Row::DivergingOpinions,
];

const AFTER_CLAUSE_6: [Row; 6] = [
    Row::Conclusions,
    Row::ObjectivesMet,
    Row::ScopeAppropriate,
    Row::Distribution,
    Row::Confidentiality,
    Row::PlanDue,
];

impl Row {
    /// Rows of an audit only.
    fn audit_only(self) -> bool {
        matches!(
            self,
            Row::Stage
                | Row::CertificationBody
                | Row::ReportRef
                | Row::ObjectivesMet
                | Row::ScopeAppropriate
                | Row::RemoteMethod
                | Row::NotCovered
                | Row::DivergingOpinions
        )
    }

    fn label(self) -> &'static str {
        match self {
            Row::Vse => "VSE name",
            Row::Kind => "Kind",
            Row::Stage => "Audit stage",
            Row::CertificationBody => "Certification body",
            Row::ReportRef => "Report reference",
            Row::Client => "Client",
            Row::Objectives => "Objectives",
            Row::Criteria => "Criteria",
            Row::Scope => "Scope",
            Row::Processes => "Processes in scope",
            Row::Sites => "Sites",
            Row::Team => "Assessment team",
            Row::Participants => "Participants",
            Row::Sessions => "Sessions (dates and places)",
            Row::AuditPlan => "Audit plan",
            Row::RemoteMethod => "Remote method",
            Row::NotCovered => "Not covered",
            Row::DivergingOpinions => "Diverging opinions",
            Row::Condition(_) => "Clause 6 condition",
            Row::Conclusions => "Conclusions",
            Row::ObjectivesMet => "Objectives met",
            Row::ScopeAppropriate => "Scope appropriate",
            Row::Distribution => "Distribution",
            Row::Confidentiality => "Confidentiality",
            Row::PlanDue => "Plan due date",
        }
    }

    /// What to type for it.
    fn hint(self, kind: Kind) -> String {
        match self {
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

    /// The value the record holds.
    fn value(self, meta: &Metadata) -> String {
        let people = |p: &[Person]| {
            p.iter()
                .map(|p| {
                    if p.role.is_empty() {
                        p.name.clone()
                    } else {
                        format!("{}: {}", p.name, p.role)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        let yes_no = |b: Option<bool>| match b {
            Some(true) => "yes".to_owned(),
            Some(false) => "no".to_owned(),
            None => String::new(),
        };
        match self {
            Row::Vse => meta.vse.clone(),
            Row::Kind => meta.kind.describe().into(),
            Row::Stage => meta.stage.map(|s| s.key().to_owned()).unwrap_or_default(),
            Row::CertificationBody => meta.certification_body.clone(),
            Row::ReportRef => meta.report_ref.clone(),
            Row::Client => meta.client.clone(),
            Row::Objectives => meta.objectives.clone(),
            Row::Criteria => meta.criteria.clone(),
            Row::Scope => meta.scope.description.clone(),
            Row::Processes => meta.scope.processes.join(", "),
            Row::Sites => meta.scope.sites.join("; "),
            Row::Team => people(&meta.team),
            Row::Participants => people(&meta.participants),
            Row::Sessions => meta
                .sessions
                .iter()
                .map(|s| format!("{} {}", s.date, s.location).trim().to_owned())
                .collect::<Vec<_>>()
                .join("; "),
            Row::AuditPlan => meta.audit_plan.clone(),
            Row::RemoteMethod => meta.remote_method.clone(),
            Row::NotCovered => meta.not_covered.clone(),
            Row::DivergingOpinions => meta.diverging_opinions.clone(),
            Row::Conclusions => meta.conclusions.clone(),
            Row::ObjectivesMet => yes_no(meta.objectives_met),
            Row::ScopeAppropriate => yes_no(meta.scope_appropriate),
            Row::Distribution => meta.distribution.clone(),
            Row::Confidentiality => meta.confidentiality.clone(),
            Row::PlanDue => meta.plan_due.clone().unwrap_or_default(),
            Row::Condition(_) => String::new(),
        }
    }

    /// The details a typed value sets (`-`: cleared); refused as the edit layer would.
    fn details(self, typed: &str) -> Result<edit::Details, Refused> {
        let clear = is_clear(typed);
        let text = || {
            Some(if clear {
                String::new()
            } else {
                typed.to_owned()
            })
        };
        let invalid = |field: &'static str, why: String| Refused::Invalid { field, why };
        let yes_no = |field: &'static str| -> Result<Option<bool>, Refused> {
            if clear {
                return Ok(None);
            }
            match typed.to_ascii_lowercase().as_str() {
                "y" | "yes" => Ok(Some(true)),
                "n" | "no" => Ok(Some(false)),
                _ => Err(invalid(
                    field,
                    format!("`{typed}`: type y, n, or - for not stated"),
                )),
            }
        };
        let mut d = edit::Details::default();
        match self {
            Row::Vse => d.vse = text(),
            Row::Client => d.client = text(),
            Row::Objectives => d.objectives = text(),
            Row::Criteria => d.criteria = text(),
            Row::CertificationBody => d.certification_body = text(),
            Row::ReportRef => d.report_ref = text(),
            Row::Scope => d.scope = text(),
            Row::AuditPlan => d.audit_plan = text(),
            Row::RemoteMethod => d.remote_method = text(),
            Row::NotCovered => d.not_covered = text(),
            Row::DivergingOpinions => d.diverging_opinions = text(),
            Row::Conclusions => d.conclusions = text(),
            Row::Distribution => d.distribution = text(),
            Row::Confidentiality => d.confidentiality = text(),
            Row::Kind => {
                d.kind = Some(match typed.to_ascii_lowercase().as_str() {
                    "audit" | "a" | "third-party audit" => Kind::Audit,
                    "self" | "s" | "self-assessment" => Kind::SelfAssessment,
                    _ => {
                        return Err(invalid(
                            "kind",
                            format!("`{typed}` is not a kind: type audit or self"),
                        ));
                    }
                })
            }
            Row::Stage => {
                d.stage = Some(if clear {
                    None
                } else {
                    Some(Stage::parse(typed).map_err(|why| invalid("stage", why))?)
                })
            }
            Row::ObjectivesMet => d.objectives_met = Some(yes_no("objectives_met")?),
            Row::ScopeAppropriate => d.scope_appropriate = Some(yes_no("scope_appropriate")?),
            Row::Processes => {
                d.processes = Some(if clear {
                    Vec::new()
                } else {
                    edit::process_list(typed)
                })
            }
            Row::Sites => {
                d.sites = Some(if clear {
                    Vec::new()
                } else {
                    edit::place_list(typed)
                })
            }
            Row::Team => {
                d.team = Some(if clear {
                    Vec::new()
                } else {
                    edit::people_list(typed)
                })
            }
            Row::Participants => {
                d.participants = Some(if clear {
                    Vec::new()
                } else {
                    edit::people_list(typed)
                })
            }
            Row::Sessions => {
                d.sessions = Some(if clear {
                    Vec::new()
                } else {
                    edit::parse_sessions(typed)?
                })
            }
            Row::PlanDue => {
                d.plan_due = Some(if clear {
                    None
                } else {
                    crate::record::check_date(typed).map_err(|why| invalid("plan_due", why))?;
                    Some(typed.to_owned())
                })
            }
            Row::Condition(_) => {}
        }
        Ok(d)
    }
}

impl<I: BufRead, O: Write> Session<'_, I, O> {
    /// The rows of the menu: an audit's own rows only in an audit, or when they hold a
    /// value (so that nothing recorded is out of sight).
    fn rows(&self) -> Vec<Row> {
        let meta = &self.opened.record.assessment;
        let audit = meta.kind == Kind::Audit;
        let shown = |r: &Row| audit || !r.audit_only() || !r.value(meta).is_empty();
        BEFORE_CLAUSE_6
            .into_iter()
            .filter(shown)
            .chain((0..self.q.conditions.len()).map(Row::Condition))
            .chain(AFTER_CLAUSE_6.into_iter().filter(shown))
            .collect()
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
                row => {
                    let v = row.value(meta);
                    let v = if v.is_empty() {
                        "not stated".to_owned()
                    } else {
                        v
                    };
                    format!("{} {}: {v}", i + 1, row.label())
                }
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
        let meta = &self.opened.record.assessment;
        let now = row.value(meta);
        let now = if now.is_empty() {
            "not stated".to_owned()
        } else {
            now
        };
        let prompt = format!(
            "{} (now: {now}). Type the new value ({}), Enter keeps it, - clears it: ",
            row.label(),
            row.hint(meta.kind)
        );
        let mut field = Field::new("value", prompt, false);
        if !self.fill(&mut field)? {
            return Ok(());
        }
        loop {
            if field.value.is_empty() {
                return self.say(&format!("{}: unchanged.", row.label()));
            }
            let typed = field.value.clone();
            let set =
                self.apply(|o, q| edit::set_details(&mut o.record, q, row.details(&typed)?))?;
            match set {
                super::Applied::Done(()) => {
                    let v = row.value(&self.opened.record.assessment);
                    let v = if v.is_empty() {
                        "not stated".to_owned()
                    } else {
                        v
                    };
                    return self.say(&format!("{}: {v}.", row.label()));
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
