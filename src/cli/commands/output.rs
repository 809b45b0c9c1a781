//! `report` and `compare`: what is written for others to read, and where it may go.

use super::*;

pub(super) fn report(
    file: &Path,
    output: Option<&Path>,
    format: report::Format,
    key: Option<&Path>,
) -> Result<ExitCode> {
    let opened = open(file)?;
    match output {
        Some(out) => {
            let said = write_report_file(&opened, &file_name(file), out, format, key)?;
            if let Some(signed) = said.signed {
                say!("{signed}");
            }
            if let Some(removed) = said.removed {
                say_err!("{removed}");
            }
        }
        None => {
            let text = report_bytes(&opened, &file_name(file), None, format)?;
            write_bytes(None, &text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What writing a report to a file has to say.
#[derive(Debug, Default)]
pub struct ReportWritten {
    /// Signed: where the signature went and how to check it.
    pub signed: Option<String>,
    /// A signature of the earlier report in that file, removed.
    pub removed: Option<String>,
}

/// Writes the report of `opened` (as `record_name`) to `out`, signed with `key` if given:
/// the command line's `report -o` and the interview's `:report`. Refused before anything is
/// written when `out` (or its signature) is the record, its questionnaire or the key.
pub fn write_report_file(
    opened: &Opened,
    record_name: &str,
    out: &Path,
    format: report::Format,
    key: Option<&Path>,
) -> Result<ReportWritten> {
    check_report_output(opened, out)?;
    if let Some(key) = key {
        let sig = sign::signature_path(out);
        check_report_output(opened, &sig)?;
        check_not_the_key(key, out)?;
        check_not_the_key(key, &sig)?;
        // A signature belongs beside a file: not a device, not a folder.
        for path in [out, sig.as_path()] {
            if fs_kind(path).is_some_and(|regular| !regular) {
                bail!(invalid(format!(
                    "{}: not a regular file; a signed report and its signature are files",
                    display_path(path)
                )));
            }
        }
    }
    let text = report_bytes(opened, record_name, Some(out), format)?;
    // Signed before anything is written: a report asked for signed is never left unsigned.
    let signature = key.map(|k| sign::sign(k, &text)).transpose()?;
    let mut said = ReportWritten::default();
    match signature {
        // No report without the signature it was asked with: both land, or neither (and
        // what was there stays).
        Some(signature) => {
            let sig = sign::signature_path(out);
            store::write_outputs_together(&[(out, &text), (&sig, &signature)]).with_context(
                || {
                    format!(
                        "cannot write {} and {}; neither was changed",
                        display_path(out),
                        display_path(&sig)
                    )
                },
            )?;
            said.signed = Some(neutralize(&format!(
                "{}: written, and signed in {} (check it: ssh-keygen -Y verify -f ALLOWED_SIGNERS -I SIGNER -n vse-assess -s {} < {})",
                display_path(out),
                display_path(&sig),
                display_path(&sig),
                display_path(out)
            )));
        }
        None => {
            let a_file = fs_kind(out) != Some(false);
            write_bytes(Some(out), &text)?;
            if a_file {
                said.removed = remove_stale_signature(opened, out);
            }
        }
    }
    Ok(said)
}

/// The report's bytes: the action plan to a .xlsx file is a workbook, everything else text.
fn report_bytes(
    opened: &Opened,
    record_name: &str,
    output: Option<&Path>,
    format: report::Format,
) -> Result<Vec<u8>> {
    // The report marks evidence files changed or gone since they were registered.
    let evidence_checks = evidence::check_files(&opened.record, &opened.path, &opened.access);
    let input = report::Input {
        record: &opened.record,
        questionnaire: &opened.questionnaire.questionnaire,
        questionnaire_sha256: &opened.questionnaire.sha256,
        record_name,
        // The hash of the very text that was loaded and checked.
        record_sha256: &opened.disk_sha256,
        evidence_checks: &evidence_checks,
    };
    Ok(match xlsx_output(output, format)? {
        true => report::plan::xlsx(&input).context("cannot make the workbook")?,
        false => report::render(&input, format).into_bytes(),
    })
}

/// A report written unsigned over a signed one: the old signature beside it no longer
/// verifies, so it goes, and the user is told.
pub(super) fn remove_stale_signature(opened: &Opened, out: &Path) -> Option<String> {
    use std::io::Read;
    let sig = sign::signature_path(out);
    check_report_output(opened, &sig).ok()?;
    // Only what is a signature, in a regular file of its own name (a link is not followed).
    let mut head = [0u8; 29];
    let is_signature = std::fs::symlink_metadata(&sig).is_ok_and(|m| m.is_file())
        && crate::open_regular(&sig)
            .ok()
            .is_some_and(|mut f| f.read_exact(&mut head).is_ok())
        && head == *b"-----BEGIN SSH SIGNATURE-----";
    (is_signature && std::fs::remove_file(&sig).is_ok()).then(|| {
        neutralize(&format!(
            "removed {}: it signed the earlier {}, not this report (add --sign to sign it)",
            display_path(&sig),
            display_path(out)
        ))
    })
}

/// A report and its signature never replace the key that signs them, nor its public half.
pub(super) fn check_not_the_key(key: &Path, out: &Path) -> Result<()> {
    let mut public = key.as_os_str().to_owned();
    public.push(".pub");
    for (k, what) in [
        (key, "the signing key"),
        (Path::new(&public), "the signing key's public key"),
    ] {
        if store::same_file(k, out) {
            bail!(invalid(format!(
                "refusing to write {}: it is {what} ({}); choose another file",
                display_path(out),
                display_path(k)
            )));
        }
    }
    Ok(())
}

/// Whether a path is a regular file (`Some(true)`), something else (`Some(false)`), or not
/// there at all (links followed).
pub(super) fn fs_kind(path: &Path) -> Option<bool> {
    std::fs::metadata(path).ok().map(|m| m.is_file())
}

pub(super) fn compare(
    old: &Path,
    new: &Path,
    output: Option<&Path>,
    force: bool,
) -> Result<ExitCode> {
    let opened = [open(old)?, open(new)?];
    if let Some(out) = output {
        for o in &opened {
            check_report_output(o, out)?;
        }
    }
    let [then, now] = opened.each_ref().map(|o| crate::compare::Assessment {
        record: &o.record,
        questionnaire: &o.questionnaire.questionnaire,
    });
    let comparison = crate::compare::compare(then, now).map_err(|e| {
        invalid(format!(
            "cannot compare {} with {}: {e}",
            display_path(old),
            display_path(new)
        ))
    })?;
    let mismatches = crate::compare::mismatches(then.record, now.record);
    if !force && !mismatches.is_empty() {
        let why: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
        bail!(invalid(format!(
            "refusing to compare {} with {}: {}; --force compares them anyway",
            display_path(old),
            display_path(new),
            why.join("; and ")
        )));
    }
    let names = [old, new].map(file_name);
    let files = [0, 1].map(|i| report::RecordFile {
        name: &names[i],
        sha256: &opened[i].disk_sha256,
    });
    write_report(output, &report::comparison(&comparison, files))
}

/// The file name a report gives a record by.
pub(super) fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether the report goes to an XLSX workbook: the action plan to a `.xlsx` file. Any
/// other format is refused there, as a spreadsheet program would not open it.
fn xlsx_output(output: Option<&Path>, format: report::Format) -> Result<bool> {
    let xlsx = output
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx && format != report::Format::Actions {
        bail!(invalid(format!(
            "{}: an .xlsx file takes the action plan (--format actions) only",
            display_path(output.expect("an output"))
        )));
    }
    Ok(xlsx)
}

/// Writes a report to `output` (atomically, see [`store::write_output`]), else to stdout.
pub(super) fn write_report(output: Option<&Path>, text: &str) -> Result<ExitCode> {
    write_bytes(output, text.as_bytes())
}

/// [`write_report`] for any bytes (a workbook).
fn write_bytes(output: Option<&Path>, text: &[u8]) -> Result<ExitCode> {
    match output {
        Some(out) => store::write_output(out, text)
            .with_context(|| format!("cannot write {}", display_path(out)))?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A report must never replace what it was made from: the record (under any name), its lock
/// or temporary files, or its questionnaire file.
pub(super) fn check_report_output(opened: &Opened, out: &Path) -> Result<()> {
    let mut why = store::owned_by_record(&opened.path, out);
    if let Source::File(q) = &opened.questionnaire.source
        && store::same_file(q, out)
    {
        why = why.or(Some("it is the record's questionnaire"));
    }
    match why {
        Some(why) => Err(invalid(format!(
            "refusing to write the report to {}: {why} ({}); choose another file",
            out.display(),
            opened.path.display()
        ))),
        None => Ok(()),
    }
}
