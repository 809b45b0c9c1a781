//! `finding` and `action`: nonconformities, observations and what is done about them.

use super::*;

/// A refusal of the edit layer, for `file`: a final record's says how it is reopened, as
/// [`edit`] does for what is refused outright.
fn refused_in(file: &Path) -> impl Fn(edit::Refused) -> anyhow::Error + '_ {
    move |e| match e {
        edit::Refused::Final(signed) => invalid(format!(
            "{}: the record is final ({signed}), nothing was changed; what was found changes only once reopened (`vse-assess reopen {} --by NAME --reason TEXT`); follow-up (correction, root cause, actions, verification) goes on",
            file.display(),
            file.display()
        )),
        e => invalid(format!("{}: {e}", file.display())),
    }
}

/// Who and when, from `--by` and `--date` (today by default).
fn signed(by: String, date: Option<jiff::civil::Date>) -> crate::record::Signed {
    crate::record::Signed {
        by,
        date: date_or_today(date),
    }
}

pub(super) fn finding(cmd: FindingCommand) -> Result<ExitCode> {
    match cmd {
        FindingCommand::Add {
            file,
            requirement,
            class,
            text,
            evidence,
            interviewed,
            also,
            see,
            raised,
        } => {
            let (mut opened, mut lock) = edit(&file)?;
            let new = edit::NewFinding {
                requirement,
                class,
                text,
                evidence,
                interviewed,
                also,
                see,
                raised: raised.map(|d| d.to_string()),
            };
            let q = &opened.questionnaire.questionnaire;
            let id = edit::add_finding(&mut opened.record, q, new, today()).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            say!("{id}");
        }
        FindingCommand::List {
            file,
            open: only_open,
        } => {
            let opened = open(&file)?;
            for f in &opened.record.findings {
                if only_open && !f.is_open() {
                    continue;
                }
                println!(
                    "{}",
                    tab_line(&[
                        &f.id,
                        &f.requirements().collect::<Vec<_>>().join(","),
                        f.class.key(),
                        f.state().describe(),
                        &f.text
                    ])
                );
            }
        }
        FindingCommand::Edit {
            file,
            id,
            text,
            class,
            evidence,
            uncite,
            interviewed,
            correction,
            root_cause,
            also,
            no_also,
            see,
            no_see,
            raised,
            plan_due,
            no_plan_due,
        } => {
            // The VSE's response (correction, root cause) is follow-up: a final record
            // takes it; the edit layer refuses the rest there.
            let (mut opened, mut lock) = edit_any(&file)?;
            let change = edit::FindingChange {
                text,
                class,
                evidence,
                uncite,
                interviewed,
                correction,
                root_cause,
                also: if no_also { Some(Vec::new()) } else { also },
                see: if no_see { Some(Vec::new()) } else { see },
                raised: raised.map(|d| d.to_string()),
                plan_due: match (plan_due, no_plan_due) {
                    (Some(d), _) => Some(Some(d.to_string())),
                    (None, true) => Some(None),
                    (None, false) => None,
                },
            };
            let q = &opened.questionnaire.questionnaire;
            let now = edit::edit_finding(&mut opened.record, q, &id, change, today())
                .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            if now.eq_ignore_ascii_case(&id) {
                say!("{now}");
            } else {
                say!("{now} (was {id})");
            }
        }
        FindingCommand::Accept { file, id, by, date } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let accepted = Some(signed(by, date));
            edit::accept_finding(&mut opened.record, &id, accepted, today())
                .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            let f = opened.record.finding(&id).expect("accepted");
            let s = f.vse_accepted.as_ref().expect("accepted");
            say!("{}: accepted by {} on {}", f.id, s.by, s.date);
        }
        FindingCommand::Remove { file, id } => {
            let (mut opened, mut lock) = edit(&file)?;
            let removed = edit::remove_finding(&mut opened.record, &id).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            say!(
                "removed {} and its {} action(s)",
                removed.id,
                removed.actions.len()
            );
        }
        FindingCommand::Verify {
            file,
            id,
            by,
            date,
            effective,
            not_effective: _,
            note,
            evidence,
        } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let verification = crate::record::Verification {
                by,
                date: date_or_today(date),
                effective,
                note,
                evidence,
                ..crate::record::Verification::default()
            };
            edit::verify(&mut opened.record, &id, verification, today())
                .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            let f = opened.record.finding(&id).expect("verified");
            say!("{}: {}", f.id, f.state().describe());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn action(cmd: ActionCommand) -> Result<ExitCode> {
    match cmd {
        ActionCommand::Import(args) => return super::plan::import(args),
        ActionCommand::Add {
            file,
            finding,
            what,
            owner,
            due,
            kind,
            proposed_by,
            proposed,
        } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let new = edit::NewAction {
                what,
                owner,
                due: due.map(|d| d.to_string()),
                kind: kind.into(),
                proposed: proposed_by.map(|by| signed(by, proposed)),
            };
            let id = edit::plan_action(&mut opened.record, &finding, new, today())
                .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            say!("{id}");
        }
        ActionCommand::Accept { file, id, by, date } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let accepted = Some(signed(by, date));
            edit::accept_action(&mut opened.record, &id, accepted, today())
                .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            let (f, a) = opened.record.action(&id).expect("accepted");
            let s = a.accepted.as_ref().expect("accepted");
            say!("{} of {}: accepted by {} on {}", a.id, f.id, s.by, s.date);
        }
        ActionCommand::List { file } => {
            let opened = open(&file)?;
            for f in &opened.record.findings {
                for a in &f.actions {
                    println!(
                        "{}",
                        tab_line(&[
                            &a.id,
                            &f.id,
                            a.status.describe(),
                            a.due.as_deref().unwrap_or("-"),
                            &a.owner,
                            &a.what
                        ])
                    );
                }
            }
        }
        ActionCommand::Close {
            file,
            id,
            date,
            evidence,
        } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let done = date_or_today(date);
            let finding =
                edit::complete_action(&mut opened.record, &id, Some(&done), &evidence, today())
                    .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            let f = opened.record.finding(&finding).expect("its finding");
            say!(
                "{} closed on {done}; {} is {}",
                id.to_uppercase(),
                f.id,
                f.state().describe()
            );
        }
        ActionCommand::Reopen { file, id } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let finding = edit::complete_action(&mut opened.record, &id, None, &[], today())
                .map_err(refused_in(&file))?;
            save(&mut opened, &mut lock)?;
            let f = opened.record.finding(&finding).expect("its finding");
            say!(
                "{} {}; {} is {}",
                id.to_uppercase(),
                ActionStatus::Open.describe(),
                f.id,
                f.state().describe()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn followup(cmd: FollowupCommand) -> Result<ExitCode> {
    super::followup::followup(cmd)
}
