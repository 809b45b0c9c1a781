//! `interview --plain`: the interview line by line, for screen readers, dumb terminals and
//! scripts. It prints a requirement, its question and the answer recorded so far, and reads
//! one line; nothing but plain text is ever written (no escape sequence, no cursor motion),
//! and every answer is saved, with the same checks as the other commands, before the next
//! requirement is shown.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::questionnaire::{Questionnaire, Requirement};
use crate::rating::Judgement;
use crate::record::store::{self, Opened, SaveError};
use crate::record::{Record, edit, lock, lock::Lock};
use crate::text::{display_path, neutralize};

const PROMPT_HELP: &str = "Type n, p, l or f to rate, na for not applicable, ? for guidance, note to add a note, wnote to add a working note (never in the report), Enter to go on, q to stop.";

/// The longest line read: whatever comes through the pipe (`cat /dev/zero`), memory stays
/// bounded. Nothing typed by hand comes near it.
const MAX_LINE: usize = 64 * 1024;
const TOO_LONG: &str = "Line longer than 64 KiB ignored.";

/// Runs the line-by-line interview from the first requirement not yet rated to the last.
/// Without a lock the record is only shown: ratings and notes are refused.
pub fn run(
    opened: &mut Opened,
    mut lock: Option<&mut Lock>,
    why_read_only: Option<&str>,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<()> {
    let q = opened.questionnaire.questionnaire.clone();
    let meta = &opened.record.assessment;
    let vse = if meta.vse.trim().is_empty() {
        "(VSE not named)"
    } else {
        &meta.vse
    };
    say(
        out,
        &format!(
            "{vse}: {} against {}:{} {}, {} requirements.",
            meta.kind.describe(),
            q.questionnaire.standard,
            q.questionnaire.edition,
            q.questionnaire.title,
            q.requirements.len()
        ),
    )?;
    // Where answers went that the last session could not save: until the record is saved
    // again, a report made now would miss them.
    if let Some(note) = crate::record::lock::note_of(&opened.path) {
        say(out, &format!("Note from the last session: {note}"))?;
    }
    if let Some(why) = why_read_only {
        say(out, &format!("Read-only: {why}"))?;
    }
    // As the full-screen interview says on every screen: the questions read out may not be
    // the ones these answers were given to.
    if opened.questionnaire_changed {
        say(
            out,
            &format!(
                "Warning: questionnaire {} has changed since this record was created (its SHA-256 differs): the questions may not be those the answers were given to.",
                opened.record.questionnaire.id
            ),
        )?;
    }
    let scale: Vec<String> = q
        .scale
        .iter()
        .map(|l| {
            format!(
                "{} {} ({})",
                l.rating.letter().to_ascii_lowercase(),
                l.name,
                l.band()
            )
        })
        .collect();
    say(
        out,
        &format!("Ratings: {}; na not applicable.", scale.join(", ")),
    )?;
    say(out, PROMPT_HELP)?;

    let started_on = opened.path.clone();
    // Why the answers went to another file, once they did.
    let mut moved = None;
    let rated = |o: &Opened, id: &str| o.record.answer(id).and_then(|a| a.rating).is_some();
    let start = q
        .requirements
        .iter()
        .position(|r| !rated(opened, &r.id))
        .unwrap_or(0);
    for (i, req) in q.requirements.iter().enumerate().skip(start) {
        say(out, "")?;
        show(out, &q, opened, req, i)?;
        loop {
            write!(out, "{}> ", req.id)?;
            out.flush()?;
            let line = match read_line(input)? {
                Input::Line(line) => line,
                Input::TooLong => {
                    say(out, TOO_LONG)?;
                    continue;
                }
                // End of input: what was answered is saved already.
                Input::End => return finish(out, &q, opened, &started_on, moved, lock.is_some()),
            };
            let command = line.trim().to_ascii_lowercase();
            let change: Option<(Option<Judgement>, Option<String>)> = match command.as_str() {
                "" => break,
                "q" | "quit" => return finish(out, &q, opened, &started_on, moved, lock.is_some()),
                "?" | "help" => {
                    guidance(out, req)?;
                    continue;
                }
                "n" | "p" | "l" | "f" => {
                    let j: Judgement = command.parse().expect("a rating letter");
                    Some((Some(j), None))
                }
                "na" | "n/a" => {
                    write!(out, "Why is {} not applicable? ", req.id)?;
                    out.flush()?;
                    match read_line(input)? {
                        Input::Line(why) if !why.trim().is_empty() => {
                            Some((Some(Judgement::NA), Some(why.trim().to_owned())))
                        }
                        Input::TooLong => {
                            say(out, &format!("{TOO_LONG} Nothing changed."))?;
                            continue;
                        }
                        _ => {
                            say(out, "Not applicable needs a reason; nothing changed.")?;
                            continue;
                        }
                    }
                }
                "note" | "wnote" => {
                    let working = command == "wnote";
                    if working {
                        write!(
                            out,
                            "Working note for {} (one line, never in the report): ",
                            req.id
                        )?;
                    } else {
                        write!(out, "Note for {} (one line): ", req.id)?;
                    }
                    out.flush()?;
                    match read_line(input)? {
                        Input::TooLong => say(out, &format!("{TOO_LONG} Nothing changed."))?,
                        Input::Line(note) if !note.trim().is_empty() => {
                            let Some(lock) = lock.as_deref_mut() else {
                                say(out, "Read-only: nothing changed.")?;
                                continue;
                            };
                            let before = opened.record.clone();
                            let added = if working {
                                edit::append_working_note(&mut opened.record, &req.id, &note)
                            } else {
                                edit::append_note(&mut opened.record, &req.id, &note)
                            };
                            if let Err(e) = added {
                                say(out, &format!("{}: {e}; nothing changed.", req.id))?;
                                continue;
                            }
                            if saved(out, opened, lock, before, &mut moved)? {
                                let what = if working { "Working note" } else { "Note" };
                                say(out, &format!("{what} added to {}.", req.id))?;
                            }
                        }
                        _ => say(out, "No note given; nothing changed.")?,
                    }
                    continue;
                }
                _ => {
                    say(out, PROMPT_HELP)?;
                    continue;
                }
            };
            let Some((rating, justification)) = change else {
                continue;
            };
            let Some(lock) = lock.as_deref_mut() else {
                say(out, "Read-only: nothing changed.")?;
                continue;
            };
            let before = opened.record.clone();
            if let Err(e) = edit::rate(
                &mut opened.record,
                &req.id,
                rating,
                justification.as_deref(),
            ) {
                opened.record = before;
                say(out, &format!("{}: {e}; nothing changed.", req.id))?;
                continue;
            }
            if saved(out, opened, lock, before, &mut moved)? {
                say(
                    out,
                    &format!("{} rated {}.", req.id, describe(&q, rating.expect("rated"))),
                )?;
                if rating == Some(Judgement::NA)
                    && let Some(note) =
                        crate::conformance::not_applicable_note(&q, opened.record.assessment.kind)
                {
                    say(out, &format!("Warning: {note}."))?;
                }
                break;
            }
        }
    }
    let editing = lock.is_some();
    finish(out, &q, opened, &started_on, moved, editing)
}

/// Saves the change just made; when the disk refuses it, puts the record back as it is on
/// disk and says so, so that what the screen reader heard is what the file holds. When
/// someone else changed the file, their version is kept and ours (with this change) goes
/// to `NAME.mine.toml`, where the interview goes on, as in the full-screen interview.
fn saved(
    out: &mut impl Write,
    opened: &mut Opened,
    lock: &mut Lock,
    before: Record,
    moved: &mut Option<&'static str>,
) -> Result<bool> {
    let (path, what) = match store::save(opened) {
        Ok(()) => {
            lock.saved();
            return Ok(true);
        }
        Err(SaveError::Conflict { path, theirs }) => {
            if let Some(theirs) = theirs {
                say(
                    out,
                    &format!(
                        "Their version could not be put back as {}: it is in {}.",
                        display_path(&path),
                        display_path(&theirs)
                    ),
                )?;
            }
            (path, "was changed by someone else")
        }
        Err(SaveError::Vanished { path }) => (path, "was moved away or deleted"),
        Err(e) => {
            opened.record = before;
            say(out, &format!("Not saved, nothing changed: {e}"))?;
            return Ok(false);
        }
    };
    match keep_mine(opened) {
        Ok(mine) => {
            *moved = Some(what);
            say(
                out,
                &format!(
                    "{} {what}; your answers are in {}, and this interview goes on there.",
                    display_path(&path),
                    display_path(&mine)
                ),
            )?;
            // Nobody else knows the new file: its lock is free. Should it not be, the old
            // lock is kept rather than none.
            match lock::lock(&mine) {
                Ok(new) => *lock = new,
                Err(e) => say(out, &format!("Warning: {e}"))?,
            }
            Ok(true)
        }
        Err(e) => {
            // Their version stays, and ours is only in memory now (this change and every
            // answer since the last save): kept where a file can be, as the full-screen
            // interview does, and the interview ends.
            let said = format!(
                "{} {what}, and your answers could not be written beside it ({e})",
                display_path(&path)
            );
            let copy = if opened.access.is_restricted() {
                None
            } else {
                crate::record::conflict::rescue(
                    &path,
                    &opened.record,
                    &crate::record::conflict::fallback_places(),
                )
            };
            let Some(copy) = copy else {
                say(
                    out,
                    &format!(
                        "{said}, nor in $HOME or {}; here is the record, to copy from the terminal:\n{}",
                        std::env::temp_dir().display(),
                        store::to_text(&opened.record)
                    ),
                )?;
                anyhow::bail!("your answers were not saved in {}", display_path(&path));
            };
            lock.leave_note(&format!(
                "the plain interview could not save its last changes; they are in {}",
                copy.display()
            ));
            say(
                out,
                &format!("{said}; they are in {}.", display_path(&copy)),
            )?;
            anyhow::bail!(
                "your answers were not saved in {}; they are in {}",
                display_path(&path),
                display_path(&copy)
            );
        }
    }
}

/// Writes the record in memory to the first free `NAME.mine.toml`, `NAME.mine-2.toml`...
/// beside the record, never over an existing file, and makes it the record from now on.
fn keep_mine(opened: &mut Opened) -> io::Result<PathBuf> {
    opened.record.tidy();
    let target = crate::record::conflict::write_mine(&opened.path, &opened.record)?;
    opened.disk_sha256 =
        crate::questionnaire::catalog::sha256_hex(store::to_text(&opened.record).as_bytes());
    opened.disk_stamp = store::stamp(&target);
    opened.path = target.clone();
    Ok(target)
}

fn show(
    out: &mut impl Write,
    q: &Questionnaire,
    opened: &Opened,
    req: &Requirement,
    index: usize,
) -> Result<()> {
    let process = q
        .process(&req.process)
        .map(|p| format!("{} {} {}", p.id, p.clause, p.name))
        .unwrap_or_else(|| req.process.clone());
    say(
        out,
        &format!(
            "Requirement {} of {}: {} ({process})",
            index + 1,
            q.requirements.len(),
            req.id
        ),
    )?;
    say(out, &req.statement)?;
    say(out, &format!("Question: {}", req.question))?;
    let answer = opened.record.answer(&req.id);
    let now = match answer.and_then(|a| a.rating) {
        None => "not yet rated".to_string(),
        Some(Judgement::NA) => format!(
            "not applicable: {}",
            answer.map_or("", |a| a.justification.as_str())
        ),
        Some(j) => format!("rated {}", describe(q, j)),
    };
    say(out, &format!("Now: {now}."))?;
    if let Some(a) = answer.filter(|a| !a.notes.trim().is_empty()) {
        say(out, &format!("Notes: {}", a.notes.trim()))?;
    }
    if let Some(a) = answer.filter(|a| !a.working_notes.trim().is_empty()) {
        say(
            out,
            &format!(
                "Working notes (never in the report): {}",
                a.working_notes.trim()
            ),
        )?;
    }
    let findings: Vec<String> = opened
        .record
        .findings_for(&req.id)
        .map(|f| format!("{} {} ({})", f.id, f.class.describe(), f.state().describe()))
        .collect();
    if !findings.is_empty() {
        say(out, &format!("Findings: {}.", findings.join("; ")))?;
    }
    Ok(())
}

fn guidance(out: &mut impl Write, req: &Requirement) -> Result<()> {
    if !req.facets.is_empty() {
        say(
            out,
            &format!("Facets to look for: {}.", req.facets.join(", ")),
        )?;
    }
    say(out, &plain_text(&req.guidance))?;
    for r in &req.annex_a {
        say(
            out,
            &format!("Annex A: {} {}: {}", r.standard, r.citation(), r.summary),
        )?;
    }
    Ok(())
}

fn finish(
    out: &mut impl Write,
    q: &Questionnaire,
    opened: &Opened,
    started_on: &Path,
    moved: Option<&str>,
    editing: bool,
) -> Result<()> {
    let open: Vec<&str> = q
        .requirements
        .iter()
        .filter(|r| opened.record.answer(&r.id).and_then(|a| a.rating).is_none())
        .map(|r| r.id.as_str())
        .collect();
    say(out, "")?;
    if opened.path != started_on {
        say(
            out,
            &format!(
                "{} {} during the interview; your answers are in {}.",
                display_path(started_on),
                moved.unwrap_or("was changed by someone else"),
                display_path(&opened.path)
            ),
        )?;
    }
    let path = display_path(&opened.path);
    let kept = if editing {
        format!("saved in {path}")
    } else {
        format!("{path} unchanged")
    };
    say(
        out,
        &format!(
            "{} of {} requirements rated; {kept}.",
            q.requirements.len() - open.len(),
            q.requirements.len()
        ),
    )?;
    if !open.is_empty() {
        say(out, &format!("Not yet rated: {}.", open.join(", ")))?;
    }
    Ok(())
}

/// "L (largely achieved)".
fn describe(q: &Questionnaire, j: Judgement) -> String {
    match j.rating() {
        Some(r) => match q.level(r) {
            Some(level) => format!("{} ({})", r.letter(), level.name),
            None => r.letter().to_string(),
        },
        None => "not applicable".into(),
    }
}

/// Markdown guidance as a screen reader should hear it: the words, without the marks.
fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak => text.push(' '),
            Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => text.push('\n'),
            Event::Start(Tag::Item) => text.push_str("- "),
            _ => {}
        }
    }
    text.trim_end().to_owned()
}

/// What one read of the input gave.
enum Input {
    /// A line, without its line end.
    Line(String),
    /// A line over [`MAX_LINE`], skipped to its end without being kept.
    TooLong,
    /// The end of the input.
    End,
}

/// One line of input, read a buffer at a time so that a line that never ends (`/dev/zero`)
/// is skipped in bounded memory.
fn read_line(input: &mut impl BufRead) -> io::Result<Input> {
    let mut bytes = Vec::new();
    let mut too_long = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let (n, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if !too_long {
            bytes.extend_from_slice(&buf[..n]);
            if bytes.len() > MAX_LINE + 2 {
                too_long = true;
                bytes = Vec::new();
            }
        }
        input.consume(n);
        if ends {
            break;
        }
    }
    if too_long {
        return Ok(Input::TooLong);
    }
    if bytes.is_empty() {
        return Ok(Input::End);
    }
    let line = String::from_utf8_lossy(&bytes);
    let line = line.trim_end_matches(['\n', '\r']);
    if line.len() > MAX_LINE {
        return Ok(Input::TooLong);
    }
    Ok(Input::Line(line.to_owned()))
}

/// A line of text made safe: whatever a record or questionnaire holds, no control character
/// reaches the terminal.
fn say(out: &mut impl Write, text: &str) -> Result<()> {
    writeln!(out, "{}", neutralize(text))?;
    Ok(())
}
