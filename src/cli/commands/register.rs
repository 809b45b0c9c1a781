//! `evidence`: the evidence register.

use super::*;

pub(super) fn evidence(cmd: EvidenceCommand) -> Result<ExitCode> {
    match cmd {
        EvidenceCommand::Add {
            file,
            id,
            title,
            kind,
            location,
            not_a_file,
            version,
            supports,
        } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            // Kept relative to the record's folder when inside it: a folder moved whole
            // still verifies.
            let location = evidence::stored_location(&location, &opened.path, &opened.access);
            let item = Evidence {
                file: !not_a_file,
                id: id.clone(),
                title,
                kind: kind.into(),
                location: location.clone(),
                version,
                sha256: None,
                supports,
                carried_from: String::new(),
                follow_up: false,
            };
            // Checked before the file is read: a refused item hashes nothing.
            let q = &opened.questionnaire.questionnaire;
            let mut trial = opened.record.clone();
            edit::add_evidence(&mut trial, q, item.clone()).map_err(|e| match e {
                edit::Refused::Duplicate { id } => invalid(format!(
                    "evidence `{id}` is already in the register of {}",
                    file.display()
                )),
                e => refused(e),
            })?;
            let never = AtomicBool::new(false);
            let hashed = evidence::hash_local_file(&location, &opened.path, &opened.access, &never);
            match &hashed {
                evidence::Hashed::Skipped(why) => {
                    say_err!("vse-assess: {location}: not hashed: {why}")
                }
                evidence::Hashed::NotLocal => {
                    if let Some(warning) =
                        evidence::entry_warning(&item, &opened.path, &opened.access)
                    {
                        say_err!("vse-assess: warning: {warning}; `--not-a-file` marks it");
                    }
                }
                evidence::Hashed::Sha256(_) => {}
            }
            let sha256 = hashed.sha256();
            let item = Evidence {
                sha256: sha256.clone(),
                ..item
            };
            edit::add_evidence(&mut opened.record, q, item).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            let hash = sha256.map(|h| format!(" (sha256 {h})")).unwrap_or_default();
            if opened.record.assessment.sign_off().is_some() {
                say!(
                    "added {id}{hash} for the follow-up: the audit report's register leaves it out"
                );
            } else {
                say!("added {id}{hash}");
            }
        }
        EvidenceCommand::List { file } => {
            let opened = open(&file)?;
            for e in &opened.record.evidence {
                // One line per item, tab-separated: each field is neutralised on its own, so
                // a tab or a line break inside one cannot shift the columns or add a row.
                let fields = [
                    e.id.as_str(),
                    e.kind.key(),
                    &e.title,
                    &e.location,
                    e.sha256.as_deref().unwrap_or("-"),
                    &e.supports.join(","),
                ];
                let fields: Vec<String> = fields.iter().map(|f| neutralize_line(f)).collect();
                println!("{}", fields.join("\t"));
            }
        }
        EvidenceCommand::Remove { file, id } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let cited = edit::citations(&opened.record, &id);
            edit::remove_evidence(&mut opened.record, &id).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            if cited.is_empty() {
                say!("removed {id}");
            } else {
                say!("removed {id}; unlinked from {}", cited.join(", "));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Fields of a listing line: each neutralised on its own, so that a tab or line break in
/// one cannot shift the columns or add a row.
pub(super) fn tab_line(fields: &[&str]) -> String {
    let fields: Vec<String> = fields.iter().map(|f| neutralize_line(f)).collect();
    fields.join("\t")
}
