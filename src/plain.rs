//! `interview --plain`: the interview line by line, for screen readers, dumb terminals and
//! scripts. It prints a requirement, its question and the answer recorded so far, and reads
//! one line; nothing but plain text is ever written (no escape sequence, no cursor motion),
//! and every answer is saved, with the same checks as the other commands, before the next
//! requirement is shown.

use std::io::{BufRead, Write};

use anyhow::Result;

use crate::questionnaire::{Questionnaire, Requirement};
use crate::rating::Judgement;
use crate::record::store::{self, Opened};
use crate::record::{edit, lock::Lock};
use crate::text::neutralize;

const PROMPT_HELP: &str = "Type n, p, l or f to rate, na for not applicable, ? for guidance, note to add a note, Enter to go on, q to stop.";

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
            let Some(line) = read_line(input)? else {
                // End of input: what was answered is saved already.
                return finish(out, &q, opened, lock.is_some());
            };
            let command = line.trim().to_ascii_lowercase();
            let change: Option<(Option<Judgement>, Option<String>)> = match command.as_str() {
                "" => break,
                "q" | "quit" => return finish(out, &q, opened, lock.is_some()),
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
                        Some(why) if !why.trim().is_empty() => {
                            Some((Some(Judgement::NA), Some(why.trim().to_owned())))
                        }
                        _ => {
                            say(out, "Not applicable needs a reason; nothing changed.")?;
                            continue;
                        }
                    }
                }
                "note" => {
                    write!(out, "Note for {} (one line): ", req.id)?;
                    out.flush()?;
                    match read_line(input)? {
                        Some(note) if !note.trim().is_empty() => {
                            let Some(lock) = lock.as_deref_mut() else {
                                say(out, "Read-only: nothing changed.")?;
                                continue;
                            };
                            let before = opened.record.clone();
                            let a = opened.record.answer_mut(&req.id);
                            if !a.notes.is_empty() {
                                a.notes.push_str("\n\n");
                            }
                            a.notes.push_str(note.trim());
                            if saved(out, opened, lock, before)? {
                                say(out, &format!("Note added to {}.", req.id))?;
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
            if saved(out, opened, lock, before)? {
                say(
                    out,
                    &format!("{} rated {}.", req.id, describe(&q, rating.expect("rated"))),
                )?;
                break;
            }
        }
    }
    let editing = lock.is_some();
    finish(out, &q, opened, editing)
}

/// Saves the change just made; when the disk refuses it, puts the record back as it is on
/// disk and says so, so that what the screen reader heard is what the file holds.
fn saved(
    out: &mut impl Write,
    opened: &mut Opened,
    lock: &mut Lock,
    before: crate::record::Record,
) -> Result<bool> {
    match store::save(opened) {
        Ok(()) => {
            lock.saved();
            Ok(true)
        }
        Err(e) => {
            opened.record = before;
            say(out, &format!("Not saved, nothing changed: {e}"))?;
            Ok(false)
        }
    }
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

fn finish(out: &mut impl Write, q: &Questionnaire, opened: &Opened, editing: bool) -> Result<()> {
    let open: Vec<&str> = q
        .requirements
        .iter()
        .filter(|r| opened.record.answer(&r.id).and_then(|a| a.rating).is_none())
        .map(|r| r.id.as_str())
        .collect();
    say(out, "")?;
    let path = crate::text::display_path(&opened.path);
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

/// One line of input without its line end; None at the end of input.
fn read_line(input: &mut impl BufRead) -> Result<Option<String>> {
    let mut bytes = Vec::new();
    if input.read_until(b'\n', &mut bytes)? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&bytes);
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
}

/// A line of text made safe: whatever a record or questionnaire holds, no control character
/// reaches the terminal.
fn say(out: &mut impl Write, text: &str) -> Result<()> {
    writeln!(out, "{}", neutralize(text))?;
    Ok(())
}
