//! `finding` and `action`: nonconformities, observations and what is done about them.

use super::*;

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
            };
            let q = &opened.questionnaire.questionnaire;
            let id = edit::add_finding(&mut opened.record, q, new).map_err(refused)?;
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
        } => {
            let (mut opened, mut lock) = edit(&file)?;
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
            };
            let q = &opened.questionnaire.questionnaire;
            let now = edit::edit_finding(&mut opened.record, q, &id, change).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            if now.eq_ignore_ascii_case(&id) {
                say!("{now}");
            } else {
                say!("{now} (was {id})");
            }
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
        } => {
            let (mut opened, mut lock) = edit(&file)?;
            let date = date_or_today(date);
            let verification = crate::record::Verification {
                by,
                date,
                effective,
                note,
                evidence: Vec::new(),
                follow_up: false,
                covers: None,
            };
            edit::verify(&mut opened.record, &id, verification, today()).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            let f = opened.record.finding(&id).expect("verified");
            say!("{}: {}", f.id, f.state().describe());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn action(cmd: ActionCommand) -> Result<ExitCode> {
    let status_of = |cmd: &ActionCommand| match cmd {
        ActionCommand::Close { .. } => ActionStatus::Closed,
        _ => ActionStatus::Open,
    };
    match cmd {
        ActionCommand::Import(args) => return super::plan::import(args),
        ActionCommand::Add {
            file,
            finding,
            what,
            owner,
            due,
        } => {
            let (mut opened, mut lock) = edit(&file)?;
            let due = due.map(|d| d.to_string());
            let id = edit::add_action(&mut opened.record, &finding, &what, &owner, due.as_deref())
                .map_err(refused)?;
            save(&mut opened, &mut lock)?;
            say!("{id}");
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
        ActionCommand::Close { ref file, ref id } | ActionCommand::Reopen { ref file, ref id } => {
            let status = status_of(&cmd);
            let (mut opened, mut lock) = edit(file)?;
            let finding =
                edit::set_action_status(&mut opened.record, id, status).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            let f = opened.record.finding(&finding).expect("its finding");
            say!(
                "{} {}; {} is {}",
                id.to_uppercase(),
                status.describe(),
                f.id,
                f.state().describe()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
