//! The requirements one after the other: what is shown of each, and the commands typed at
//! its prompt (rating, facets, notes; the dialogs of [`super::forms`]; moving about).

use std::io::{BufRead, Write};

use anyhow::Result;

use super::{Field, Session, describe, plain_text};
use crate::rating::Judgement;
use crate::record::edit;

/// Where the interview goes after a command.
pub(super) enum Next {
    /// The same prompt again.
    Stay,
    /// Requirement `n` (the number of requirements: the end), shown.
    Go(usize),
    Quit,
}

impl<I: BufRead, O: Write> Session<'_, I, O> {
    /// From the first requirement not yet rated, each requirement and its prompt, until
    /// `q` (or the end of the input).
    pub(super) fn interview(&mut self) -> Result<()> {
        let record = &self.opened.record;
        let rated = |id: &str| record.answer(id).and_then(|a| a.rating).is_some();
        let mut at = self
            .q
            .requirements
            .iter()
            .position(|r| !rated(&r.id))
            .unwrap_or(0);
        loop {
            self.say("")?;
            let next = if at >= self.q.requirements.len() {
                self.at_end()?
            } else {
                self.show(at)?;
                self.say(&self.menu(at))?;
                loop {
                    let prompt = format!("{}> ", self.q.requirements[at].id);
                    let line = self.ask(&prompt)?;
                    match self.command(at, line.trim())? {
                        Next::Stay => continue,
                        next => break next,
                    }
                }
            };
            match next {
                Next::Go(n) => at = n.min(self.q.requirements.len()),
                Next::Quit => return Ok(()),
                Next::Stay => {}
            }
        }
    }

    /// After the last requirement: what is left to do, and where to go.
    fn at_end(&mut self) -> Result<Next> {
        let n = self.q.requirements.len();
        let rated = self
            .q
            .requirements
            .iter()
            .filter(|r| {
                self.opened
                    .record
                    .answer(&r.id)
                    .and_then(|a| a.rating)
                    .is_some()
            })
            .count();
        self.say(&format!("End of the requirements: {rated} of {n} rated."))?;
        self.say("Type b to go back to the last requirement, j to jump to one, s for the summary, i for the assessment details, clause 6 and the sign-off, ? for help, Enter or q to finish.")?;
        loop {
            let line = self.ask("end> ")?;
            match line.trim().to_ascii_lowercase().as_str() {
                "" | "q" | "quit" => return Ok(Next::Quit),
                "b" | "back" => return Ok(Next::Go(n.saturating_sub(1))),
                "j" | "jump" => {
                    if let Some(to) = self.jump()? {
                        return Ok(Next::Go(to));
                    }
                }
                "s" | "summary" => self.summary()?,
                "i" | "details" => {
                    self.details()?;
                    return Ok(Next::Stay);
                }
                "?" | "help" => self.help(None)?,
                other => self.say(&format!(
                    "`{other}` does nothing here: type b, j, s, i, ? or q."
                ))?,
            }
        }
    }

    /// One command typed at requirement `at`'s prompt.
    fn command(&mut self, at: usize, typed: &str) -> Result<Next> {
        let req = self.q.requirements[at].clone();
        let command = typed.to_ascii_lowercase();
        let facets = req.facets.len();
        match command.as_str() {
            "" => return Ok(Next::Go(at + 1)),
            "q" | "quit" => return Ok(Next::Quit),
            "?" | "help" => self.help(Some(at))?,
            "g" | "guidance" => self.guidance(at)?,
            "n" | "p" | "l" | "f" => {
                let j: Judgement = command.parse().expect("a rating letter");
                if self.rate(&req.id, j, None)? {
                    return Ok(Next::Go(at + 1));
                }
            }
            "x" | "na" | "n/a" => {
                if !self.editable()? {
                    return Ok(Next::Stay);
                }
                let prompt = format!(
                    "Why is {} not applicable? One line, Enter leaves it as it is: ",
                    req.id
                );
                let mut why = Field::new("justification", prompt, false);
                if !self.fill(&mut why)? {
                    return Ok(Next::Stay);
                }
                if why.value.is_empty() {
                    self.say("Not applicable needs a reason; nothing changed.")?;
                    return Ok(Next::Stay);
                }
                if self.rate(&req.id, Judgement::NA, Some(&why.value))? {
                    return Ok(Next::Go(at + 1));
                }
            }
            "clear" => {
                let id = req.id.clone();
                if self
                    .change(|o, _| edit::rate(&mut o.record, &id, None, None))?
                    .is_some()
                {
                    self.say(&format!("{} is not rated any more.", req.id))?;
                }
            }
            "=" | "all" => {
                if facets == 0 {
                    self.say(&format!("{} has no facets to check.", req.id))?;
                } else if self
                    .change(|o, _| {
                        req.facets
                            .iter()
                            .try_for_each(|f| edit::set_facet(&mut o.record, &req, f, true))
                    })?
                    .is_some()
                {
                    self.say_facets(at)?;
                }
            }
            n if n.parse::<usize>().is_ok() => {
                let k: usize = n.parse().expect("a number");
                if facets == 0 {
                    self.say(&format!("{} has no facets to check.", req.id))?;
                } else if k == 0 || k > facets {
                    let said = match facets {
                        1 => format!("{} has 1 facet: type 1.", req.id),
                        n => format!("{} has {n} facets: type a number from 1 to {n}.", req.id),
                    };
                    self.say(&said)?;
                } else {
                    let facet = req.facets[k - 1].clone();
                    let on = !self
                        .opened
                        .record
                        .answer(&req.id)
                        .is_some_and(|a| a.has_facet(&facet));
                    if self
                        .change(|o, _| edit::set_facet(&mut o.record, &req, &facet, on))?
                        .is_some()
                    {
                        self.say_facets(at)?;
                    }
                }
            }
            "t" | "note" => self.note(&req.id, false)?,
            "k" | "wnote" => self.note(&req.id, true)?,
            "w" | "interviewed" => self.interviewees(&req.id)?,
            "m" | "finding" => self.new_finding(&req.id)?,
            "a" | "action" => self.new_action(&req.id)?,
            "c" | "close" => self.close_action(&req.id)?,
            "r" | "response" => self.response(&req.id)?,
            "edit" => self.edit_finding(&req.id)?,
            "d" | "delete" => self.delete(&req.id)?,
            "sample" | "sampled" => self.sampling(&req.id)?,
            "v" | "verify" => self.verify(&req.id)?,
            "e" | "evidence" => self.evidence(&req.id)?,
            "b" | "back" => {
                if at == 0 {
                    self.say("This is the first requirement.")?;
                } else {
                    return Ok(Next::Go(at - 1));
                }
            }
            "j" | "jump" => {
                if let Some(to) = self.jump()? {
                    return Ok(Next::Go(to));
                }
            }
            "s" | "summary" => self.summary()?,
            "i" | "details" => {
                self.details()?;
                return Ok(Next::Go(at));
            }
            "." | "show" => return Ok(Next::Go(at)),
            _ => {
                self.say(&format!("`{typed}` is not a command."))?;
                self.say(&self.menu(at))?;
            }
        }
        Ok(Next::Stay)
    }

    /// Rates a requirement; whether it was rated (and saved).
    fn rate(&mut self, id: &str, j: Judgement, why: Option<&str>) -> Result<bool> {
        if self
            .change(|o, _| edit::rate(&mut o.record, id, Some(j), why))?
            .is_none()
        {
            return Ok(false);
        }
        self.say(&format!("{id} rated {}.", describe(&self.q, j)))?;
        if j == Judgement::NA
            && let Some(note) =
                crate::conformance::not_applicable_note(&self.q, self.opened.record.assessment.kind)
        {
            self.say(&format!("Warning: {note}."))?;
        }
        Ok(true)
    }

    fn note(&mut self, id: &str, working: bool) -> Result<()> {
        let prompt = if working {
            format!("Working note for {id} (one line, never in the report; Enter adds none): ")
        } else {
            format!("Note for {id} (one line; Enter adds none): ")
        };
        if !self.editable()? {
            return Ok(());
        }
        let line = self.ask(&prompt)?;
        if line.trim().is_empty() || line.trim().eq_ignore_ascii_case(super::CANCEL) {
            return self.say("No note given; nothing changed.");
        }
        let added = self.change(|o, _| {
            if working {
                edit::append_working_note(&mut o.record, id, &line)
            } else {
                edit::append_note(&mut o.record, id, &line)
            }
        })?;
        if added.is_some() {
            let what = if working { "Working note" } else { "Note" };
            self.say(&format!("{what} added to {id}."))?;
        }
        Ok(())
    }

    /// Asks for a requirement by its id; where it is, or `None` when Enter was typed.
    fn jump(&mut self) -> Result<Option<usize>> {
        loop {
            let line = self
                .ask("Go to which requirement? Its id (7.2.a, 7.2a or OM.a), or Enter to stay: ")?;
            let typed = line.trim();
            if typed.is_empty() {
                return Ok(None);
            }
            match self.q.resolve(typed) {
                Ok(r) => {
                    let id = r.id.clone();
                    return Ok(self.q.position(&id));
                }
                Err(_) => self.say(&format!(
                    "There is no requirement `{typed}`: type an id such as 7.2.a, 7.2a or OM.a."
                ))?,
            }
        }
    }

    /// Requirement `at` as it stands: its text, question, answer, facets, interviewees,
    /// evidence, findings and their actions.
    pub(super) fn show(&mut self, at: usize) -> Result<()> {
        let q = &self.q;
        let req = &q.requirements[at];
        let process = q
            .process(&req.process)
            .map(|p| format!("{} {} {}", p.id, p.clause, p.name))
            .unwrap_or_else(|| req.process.clone());
        let record = &self.opened.record;
        let answer = record.answer(&req.id);
        let mut lines = vec![
            format!(
                "Requirement {} of {}: {} ({process})",
                at + 1,
                q.requirements.len(),
                req.id
            ),
            req.statement.clone(),
            format!("Question: {}", req.question),
        ];
        let now = match answer.and_then(|a| a.rating) {
            None => "not yet rated".to_string(),
            Some(Judgement::NA) => format!(
                "not applicable: {}",
                answer.map_or("", |a| a.justification.as_str())
            ),
            Some(j) => format!("rated {}", describe(q, j)),
        };
        lines.push(format!("Now: {now}."));
        if let Some(a) = answer.filter(|a| !a.notes.trim().is_empty()) {
            lines.push(format!("Notes: {}", a.notes.trim()));
        }
        if let Some(a) = answer.filter(|a| !a.working_notes.trim().is_empty()) {
            lines.push(format!(
                "Working notes (never in the report): {}",
                a.working_notes.trim()
            ));
        }
        if let Some(a) = answer.filter(|a| !a.sampling.trim().is_empty()) {
            lines.push(format!("Sampled: {}", a.sampling.trim()));
        }
        if let Some(a) = answer.filter(|a| !a.interviewed.is_empty()) {
            lines.push(format!("Interviewed: {}.", a.interviewed.join(", ")));
        }
        let linked: Vec<String> = record
            .evidence_for(&req.id)
            .map(|e| format!("{} {}", e.id, e.title))
            .collect();
        if !linked.is_empty() {
            lines.push(format!("Evidence: {}.", linked.join("; ")));
        }
        for f in record.findings_for(&req.id) {
            lines.push(format!(
                "Finding {} {} ({}): {}",
                f.id,
                f.class.describe(),
                f.state().describe(),
                f.text
            ));
            for a in &f.actions {
                lines.push(format!(
                    "Action {} for {} ({}): {}",
                    a.id,
                    f.id,
                    a.status.describe(),
                    a.what
                ));
            }
        }
        let facets = !req.facets.is_empty();
        for line in lines {
            self.say(&line)?;
        }
        if facets {
            self.say_facets(at)?;
        }
        Ok(())
    }

    /// The facets of requirement `at`, numbered, each checked or not, and the rating they
    /// suggest.
    fn say_facets(&mut self, at: usize) -> Result<()> {
        let req = &self.q.requirements[at];
        let answer = self.opened.record.answer(&req.id);
        let checked = |f: &str| answer.is_some_and(|a| a.has_facet(f));
        let listed: Vec<String> = req
            .facets
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mark = if checked(f) { "checked" } else { "not checked" };
                format!("{} {f}: {mark}", i + 1)
            })
            .collect();
        let n = req.facets.iter().filter(|f| checked(f)).count();
        let suggested = answer
            .and_then(|a| a.suggested(req, &self.q.scale))
            .map(|r| format!("; they suggest {}", describe(&self.q, r.into())))
            .unwrap_or_default();
        let line = format!(
            "Facets ({n} of {} checked{suggested}): {}.",
            req.facets.len(),
            listed.join("; ")
        );
        self.say(&line)
    }

    /// The line of what may be typed at requirement `at`.
    fn menu(&self, at: usize) -> String {
        let facets = match self.q.requirements[at].facets.len() {
            0 => String::new(),
            1 => "1 checks or unchecks the facet, = checks it, ".to_owned(),
            n => format!("1 to {n} checks or unchecks a facet, = checks them all, "),
        };
        format!(
            "Type n, p, l or f to rate, x for not applicable, {facets}t note, k working note, w interviewed, m finding, edit a finding or action, d delete, a action, c close an action, r response to a finding, v verify, sample what was sampled, e evidence, b back, j jump, s summary, i details and sign-off, g guidance, ? help, Enter next, q quit."
        )
    }

    /// Every command, one a line.
    fn help(&mut self, at: Option<usize>) -> Result<()> {
        let scale: Vec<String> = self
            .q
            .scale
            .iter()
            .map(|l| format!("{} {}", l.rating.letter().to_ascii_lowercase(), l.name))
            .collect();
        let lines = [
            "Commands at a requirement's prompt, each followed by Enter:".to_owned(),
            format!("{}: rate it, then the next requirement is shown.", scale.join(", ")),
            "x (or na): not applicable; asks why.".into(),
            "clear: the rating is taken away.".into(),
            "a facet's number: checks it, or unchecks it when it is checked; = checks them all.".into(),
            "t (or note): adds a note for the report; k (or wnote): a working note, never in the report.".into(),
            "w: who was interviewed for the requirement.".into(),
            "m: records a finding (class, text, evidence, who was interviewed); edit changes one (class, text, evidence cited) or one of its actions (what, owner, due date); d deletes a finding or an action, once confirmed.".into(),
            "sample: what was sampled for the requirement (projects, period, records seen).".into(),
            "a: plans an action for one of the requirement's findings (what, owner, due date).".into(),
            "c: closes an action once done (date, evidence), or reopens a closed one.".into(),
            "r: the response to a nonconformity: the correction made, the root cause, when its action plan is due.".into(),
            "v: records the verification of a nonconformity's corrective action (who, when, effective or not).".into(),
            "e: the evidence register: a number links or unlinks an item, + adds one, - and a number removes one.".into(),
            "g: the guidance for the requirement, and the facets to look for.".into(),
            "b: back to the requirement before; j: jumps to a requirement by its id; . shows this one again.".into(),
            "s: the summary: progress per process, what is still open, whether it can be signed off.".into(),
            "i: the assessment details (VSE, kind, scope, team, participants, sessions...), clause 6 and the sign-off.".into(),
            "Enter: the next requirement. q: stops; every answer is saved already.".into(),
            "In a dialog: each field on its own line, the prompt saying what to type and what Enter does; cancel leaves it with nothing changed; a value refused is said and asked again.".into(),
        ];
        for line in lines {
            self.say(&line)?;
        }
        if let Some(at) = at {
            self.say(&self.menu(at))?;
        }
        Ok(())
    }

    fn guidance(&mut self, at: usize) -> Result<()> {
        let req = self.q.requirements[at].clone();
        if !req.facets.is_empty() {
            self.say(&format!("Facets to look for: {}.", req.facets.join(", ")))?;
        }
        self.say(&plain_text(&req.guidance))?;
        for r in &req.annex_a {
            self.say(&format!(
                "Annex A: {} {}: {}",
                r.standard,
                r.citation(),
                r.summary
            ))?;
        }
        Ok(())
    }

    /// Progress per process, what is still open, clause 6, and what stands between the
    /// record and its sign-off.
    pub(super) fn summary(&mut self) -> Result<()> {
        let q = &self.q;
        let record = &self.opened.record;
        let rated = |id: &str| record.answer(id).and_then(|a| a.rating).is_some();
        let mut lines = vec!["Summary:".to_owned()];
        for p in &q.processes {
            let reqs: Vec<&str> = q.requirements_of(&p.id).map(|r| r.id.as_str()).collect();
            let done = reqs.iter().filter(|id| rated(id)).count();
            lines.push(format!(
                "{} {}: {done} of {} rated.",
                p.id,
                p.name,
                reqs.len()
            ));
        }
        let open: Vec<&str> = q
            .requirements
            .iter()
            .filter(|r| !rated(&r.id))
            .map(|r| r.id.as_str())
            .collect();
        if !open.is_empty() {
            lines.push(format!("Not yet rated: {}.", open.join(", ")));
        }
        let findings: Vec<String> = record
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} on {} ({})",
                    f.id,
                    f.class.describe(),
                    f.requirement,
                    f.state().describe()
                )
            })
            .collect();
        lines.push(match findings.is_empty() {
            true => "No findings.".into(),
            false => format!("Findings: {}.", findings.join("; ")),
        });
        let answered = q
            .conditions
            .iter()
            .filter(|c| record.conditions.contains_key(&c.id))
            .count();
        lines.push(format!(
            "Clause 6: {answered} of {} conditions answered.",
            q.conditions.len()
        ));
        lines.push(format!(
            "Evidence register: {}.",
            crate::text::count(record.evidence.len(), "item")
        ));
        match record.assessment.sign_off() {
            Some(signed) => lines.push(format!("Final: {}.", signed.describe())),
            None => {
                let blockers = edit::sign_off_blockers(record, q);
                if blockers.is_empty() {
                    lines.push("Ready to sign off: i, then s.".into());
                } else {
                    lines.push(format!(
                        "Not ready to sign off ({} reasons):",
                        blockers.len()
                    ));
                    lines.extend(blockers.iter().map(|b| format!("- {b}")));
                }
            }
        }
        for line in lines {
            self.say(&line)?;
        }
        Ok(())
    }
}
