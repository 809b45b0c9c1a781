//! `action import`: the VSE's filled-in plan read back into the record. The comparison is
//! the domain's ([`report::plan::compare`]), and so are the changes
//! ([`crate::record::plan::apply`]); here the file is read, and what changed is printed.

use super::*;
use crate::cli::PlanImportArgs;
use crate::record::plan::ApplyError;
use crate::report::plan as sheet;

pub(super) fn import(args: PlanImportArgs) -> Result<ExitCode> {
    let PlanImportArgs {
        file,
        plan,
        by,
        dry_run,
    } = args;
    // Follow-up goes on after the sign-off: a final record takes the VSE's answer too.
    let (mut opened, mut lock) = edit_any(&file)?;
    let xlsx = plan
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let name = display_path(&plan);
    // Where a problem is: the file, and the sheet in a workbook.
    let at = if xlsx {
        format!("{name}, sheet {}", sheet::SHEET)
    } else {
        name.clone()
    };
    let read = if xlsx {
        let bytes = read_bytes(&plan)?;
        sheet::read_xlsx(&bytes)
    } else {
        let text = read_text(&plan)?;
        sheet::read_csv(&text)
    };
    let read = read.map_err(|p| invalid(format!("{at}: {p}; nothing was changed")))?;
    let q = &opened.questionnaire.questionnaire;
    let changes = sheet::compare(q, &opened.record, &read).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("  - {at}, {p}")).collect();
        invalid(format!(
            "{}: the plan {name} is refused, nothing was changed:\n{}",
            display_path(&file),
            lines.join("\n")
        ))
    })?;
    if changes.is_empty() {
        say!("nothing to change");
        return Ok(ExitCode::SUCCESS);
    }
    let refused_at = |e: ApplyError| match e {
        ApplyError::Refused {
            row,
            field,
            refused,
        } => {
            let column = sheet::column_of(field).map_or(String::new(), |c| {
                format!(", column {} ({})", sheet::column_name(c), sheet::HEADER[c])
            });
            invalid(format!(
                "{}: the plan {name} is refused, nothing was changed: {at}, row {row}{column}: {refused}",
                display_path(&file)
            ))
        }
        e @ ApplyError::NoProposer(_) => invalid(format!(
            "{}: the plan {name} is refused, nothing was changed: {at}: {e}",
            display_path(&file)
        )),
    };
    let said = if dry_run {
        let mut copy = opened.record.clone();
        crate::record::plan::apply(&mut copy, q, &changes, by.as_deref(), today())
            .map_err(refused_at)?
    } else {
        let said =
            crate::record::plan::apply(&mut opened.record, q, &changes, by.as_deref(), today())
                .map_err(refused_at)?;
        save(&mut opened, &mut lock)?;
        said
    };
    for line in &said {
        say!("{line}");
    }
    if dry_run {
        say!("dry run: nothing was saved");
    }
    Ok(ExitCode::SUCCESS)
}

/// A file's bytes, as [`read_text`] reads text: a regular file, within the size limit.
fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = crate::open_file(path)?;
    let mut bytes = Vec::new();
    file.take(crate::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", display_path(path)))?;
    if bytes.len() as u64 > crate::MAX_FILE_BYTES {
        bail!(invalid(format!(
            "{}: larger than {} bytes; not a plan",
            display_path(path),
            crate::MAX_FILE_BYTES
        )));
    }
    Ok(bytes)
}
