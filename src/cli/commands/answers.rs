//! `answer` and `condition`: ratings, notes, facets and clause 6 answers.

use super::*;

pub(super) fn answer(args: AnswerArgs) -> Result<ExitCode> {
    let (mut opened, mut lock) = edit(&args.file)?;
    let q = &opened.questionnaire.questionnaire;
    let req = q
        .resolve(&args.requirement)
        .map_err(|e| invalid(e.to_string()))?
        .clone();
    let id = req.id.clone();
    let record = &mut opened.record;

    for ev in &args.evidence {
        edit::link_evidence(record, ev, &id, true).map_err(refused)?;
    }
    for ev in &args.unlink {
        edit::link_evidence(record, ev, &id, false).map_err(refused)?;
    }
    let rating = match (args.rating, args.clear_rating) {
        (Some(r), _) => Some(Some(r)),
        (None, true) => Some(None),
        // --justification alone rewrites that of a requirement already N/A.
        (None, false) if args.justification.is_some() => {
            Some(record.answer(&id).and_then(|a| a.rating))
        }
        (None, false) => None,
    };
    if let Some(rating) = rating {
        // The rule is the edit layer's; the words name the options.
        edit::rate(record, &id, rating, args.justification.as_deref()).map_err(|_| {
            invalid(if rating == Some(Judgement::NA) {
                format!("{id}: not applicable needs --justification TEXT")
            } else {
                "--justification goes with --rating na (not applicable)".to_string()
            })
        })?;
        if rating == Some(Judgement::NA)
            && let Some(note) = crate::conformance::not_applicable_note(q, record.assessment.kind)
        {
            say_err!("{}: warning: {id}: {note}", args.file.display());
        }
    }
    if let Some(n) = &args.note {
        edit::set_notes(record, &id, n).map_err(refused)?;
    }
    if let Some(n) = &args.append_note {
        edit::append_note(record, &id, n).map_err(refused)?;
    }
    if let Some(n) = &args.working_note {
        edit::append_working_note(record, &id, n).map_err(refused)?;
    }
    for f in &args.facets {
        edit::set_facet(record, &req, f, true).map_err(refused)?;
    }
    for f in &args.uncheck {
        edit::set_facet(record, &req, f, false).map_err(refused)?;
    }
    if !args.interviewed.is_empty() {
        edit::add_interviewees(record, &id, &args.interviewed).map_err(refused)?;
    }
    let q = &opened.questionnaire.questionnaire;
    let record = &mut opened.record;
    if let Some(sampled) = &args.sampling {
        edit::set_sampling(record, &id, sampled).map_err(refused)?;
    }
    for f in &args.findings {
        let (class, text) = f.split_once(':').ok_or_else(|| {
            invalid(format!(
                "`{f}`: a finding is CLASS:TEXT, e.g. minor:Risk plan not reviewed"
            ))
        })?;
        let class = FindingClass::parse(class).map_err(invalid)?;
        let new = edit::NewFinding {
            requirement: id.clone(),
            class,
            text: text.to_owned(),
            ..Default::default()
        };
        let fid = edit::add_finding(record, q, new, today()).map_err(refused)?;
        say!("{fid}");
    }
    if let Some(what) = args.action {
        // Actions belong to findings: here, to the requirement's one nonconformity.
        let ncs: Vec<String> = record
            .findings_for(&id)
            .filter(|f| f.class.is_nonconformity())
            .map(|f| f.id.clone())
            .collect();
        let [finding] = &ncs[..] else {
            bail!(invalid(format!(
                "{id} has {} nonconformities; say which finding the action is for with `vse-assess action add FILE --finding ID`",
                ncs.len()
            )));
        };
        let owner = args.owner.unwrap_or_default();
        let due = args.due.map(|d| d.to_string());
        edit::add_action(record, finding, &what, &owner, due.as_deref()).map_err(refused)?;
    }
    for n in &args.close_action {
        // Numbered as `status` lists them: the requirement's actions, finding by finding.
        let actions: Vec<String> = record
            .findings_for(&id)
            .flat_map(|f| f.actions.iter().map(|a| a.id.clone()))
            .collect();
        let action = n
            .checked_sub(1)
            .and_then(|i| actions.get(i))
            .ok_or_else(|| {
                invalid(format!(
                    "{id} has {} action(s); no action {n}",
                    actions.len()
                ))
            })?;
        edit::set_action_status(record, action, ActionStatus::Closed).map_err(refused)?;
    }
    save(&mut opened, &mut lock)?;
    say!("{}", answer_line(&opened, &id));
    Ok(ExitCode::SUCCESS)
}

pub(super) fn answer_line(opened: &Opened, id: &str) -> String {
    let req = opened
        .questionnaire
        .questionnaire
        .requirement(id)
        .expect("resolved");
    let record = &opened.record;
    let findings = record.findings_for(id).count();
    let actions: usize = record.findings_for(id).map(|f| f.actions.len()).sum();
    match record.answer(id) {
        None if findings == 0 => format!("{id}: not assessed"),
        a => format!(
            "{id}: {}; facets {}/{}; {findings} finding(s); {actions} action(s); {} evidence",
            a.and_then(|a| a.rating)
                .map_or("not rated".to_string(), |r| format!("rated {r}")),
            a.map_or(0, |a| a.facets.len()),
            req.facets.len(),
            record.evidence_for(id).count()
        ),
    }
}

pub(super) fn condition(
    file: &Path,
    id: &str,
    yes_no: YesNo,
    note: Option<String>,
    evidence: &[String],
) -> Result<ExitCode> {
    let (mut opened, mut lock) = edit(file)?;
    let q = &opened.questionnaire.questionnaire;
    let change = edit::ConditionChange {
        met: Some(matches!(yes_no, YesNo::Yes)),
        note,
        evidence: evidence.to_vec(),
        replace_evidence: false,
    };
    let cid = edit::answer_condition(&mut opened.record, q, id, change).map_err(refused)?;
    save(&mut opened, &mut lock)?;
    say!(
        "{cid}: {}",
        if matches!(yes_no, YesNo::Yes) {
            "met"
        } else {
            "not met"
        }
    );
    Ok(ExitCode::SUCCESS)
}
