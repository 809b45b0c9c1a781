//! `followup`: the follow-up after the sign-off, closed by the lead auditor.

use super::*;

pub(super) fn followup(cmd: FollowupCommand) -> Result<ExitCode> {
    match cmd {
        FollowupCommand::Close { file, by, date } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            edit::close_follow_up(&mut opened.record, &by, &date_or_today(date), today())
                .map_err(|e| invalid(format!("{}: {e}", file.display())))?;
            save(&mut opened, &mut lock)?;
            let closed = opened
                .record
                .assessment
                .follow_up_closed
                .clone()
                .expect("just closed");
            say!(
                "{}: follow-up closed by {} on {}",
                file.display(),
                closed.by,
                closed.date
            );
            let open = edit::follow_up_remaining(&opened.record);
            if open.is_empty() {
                say!("nothing remains open");
            } else {
                say!("still open:");
                for line in open {
                    say!("  {line}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
