//! `interview --plain`: the interview line by line, for screen readers, dumb terminals and
//! scripts. It prints a requirement, its question and the answer recorded so far, then one
//! line saying what may be typed, and reads one line; nothing but plain text is ever
//! written (no escape sequence, no cursor motion, no colour), in the order a screen reader
//! reads it. Everything the full-screen interview does is here, as a command at the
//! requirement's prompt or a numbered menu: ratings and facets, notes, interviewees,
//! findings, actions, verifications, the evidence register and its links, going back and
//! jumping, the summary, the assessment details, clause 6 and the sign-off. A dialog asks
//! its fields one line each, every prompt saying what it expects; a value refused is said
//! in words and asked again, and `cancel` leaves a dialog with nothing changed. Every
//! change goes through the edit layer and is saved, with the same checks as the other
//! commands, before the next prompt; the end of the input ends the interview with every
//! answer kept.

mod details;
mod evidence;
mod forms;
mod requirement;

use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use anyhow::Result;

use crate::questionnaire::Questionnaire;
use crate::rating::Judgement;
use crate::record::edit::{self, Refused, Thing};
use crate::record::store::{self, Opened, SaveError};
use crate::record::{Record, lock, lock::Lock};
use crate::text::{display_path, neutralize};

/// The longest line read: whatever comes through the pipe (`cat /dev/zero`), memory stays
/// bounded. Nothing typed by hand comes near it.
const MAX_LINE: usize = 64 * 1024;
const TOO_LONG: &str = "Line longer than 64 KiB ignored.";
/// Said when a change is asked for and the record may not be changed.
const READ_ONLY: &str = "Read-only: nothing changed.";
/// Typed at any field of a dialog: leaves it, nothing changed.
const CANCEL: &str = "cancel";

/// Runs the line-by-line interview from the first requirement not yet rated. Without a lock
/// the record is only shown: every change is refused.
pub fn run(
    opened: &mut Opened,
    lock: Option<&mut Lock>,
    why_read_only: Option<&str>,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<()> {
    let q = opened.questionnaire.questionnaire.clone();
    let started_on = opened.path.clone();
    let mut s = Session {
        opened,
        lock,
        input,
        out,
        q,
        started_on,
        moved: None,
    };
    s.introduce(why_read_only)?;
    match s.interview() {
        Ok(()) => s.finish(),
        // The end of the input: what was answered is saved already.
        Err(e) if e.is::<InputEnded>() => s.finish(),
        Err(e) => Err(e),
    }
}

/// The input ended in the middle of the interview: it ends, every answer kept.
#[derive(Debug)]
struct InputEnded;

impl std::fmt::Display for InputEnded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("end of input")
    }
}

impl std::error::Error for InputEnded {}

/// The interview as it goes: the record, its lock, the lines read and written.
struct Session<'a, I: BufRead, O: Write> {
    opened: &'a mut Opened,
    lock: Option<&'a mut Lock>,
    input: &'a mut I,
    out: &'a mut O,
    q: Questionnaire,
    started_on: PathBuf,
    /// Why the answers went to another file, once they did.
    moved: Option<&'static str>,
}

/// What became of a change given to [`Session::apply`].
enum Applied<T> {
    /// Made and saved.
    Done(T),
    /// The edit layer refused it: nothing changed.
    Refused(Refused),
    /// Not made (read-only) or not saved (the record is as it is on disk); said already.
    NotMade,
}

/// One field of a dialog: asked on its own line.
struct Field {
    /// What a refusal names it ([`refused_field`]).
    key: &'static str,
    /// The prompt, saying what to type and what Enter does.
    prompt: String,
    /// Enter alone is no answer: it is asked again.
    required: bool,
    /// As typed, trimmed; empty when Enter was pressed at an optional field.
    value: String,
    /// What is checked as soon as it is typed (not when empty): refused, it is asked again.
    check: Option<Check>,
}

/// A check of a field's value against the record as it is.
type Check = fn(&Record, &str, jiff::civil::Date) -> Result<(), Refused>;

/// Every id typed is an item of the register.
fn in_the_register(record: &Record, typed: &str, _: jiff::civil::Date) -> Result<(), Refused> {
    match id_list(typed)
        .into_iter()
        .find(|id| record.evidence_item(id).is_none())
    {
        Some(id) => Err(Refused::NotFound {
            what: Thing::Evidence,
            id,
            known: record.evidence.iter().map(|e| e.id.clone()).collect(),
        }),
        None => Ok(()),
    }
}

/// A calendar date, YYYY-MM-DD.
fn a_date(_: &Record, typed: &str, _: jiff::civil::Date) -> Result<(), Refused> {
    crate::record::check_date(typed).map_err(|why| Refused::Invalid { field: "date", why })
}

/// A calendar date, not after today: when something was done.
fn a_past_date(r: &Record, typed: &str, today: jiff::civil::Date) -> Result<(), Refused> {
    a_date(r, typed, today)?;
    if edit::in_future(typed, today) {
        return Err(Refused::InFuture {
            field: "date",
            date: typed.to_owned(),
        });
    }
    Ok(())
}

impl Field {
    fn new(key: &'static str, prompt: impl Into<String>, required: bool) -> Field {
        Field {
            key,
            prompt: prompt.into(),
            required,
            value: String::new(),
            check: None,
        }
    }

    /// Checked as soon as it is typed.
    fn checked(self, check: Check) -> Field {
        Field {
            check: Some(check),
            ..self
        }
    }
}

/// The value typed for field `key`.
fn value<'f>(fields: &'f [Field], key: &str) -> &'f str {
    fields
        .iter()
        .find(|f| f.key == key)
        .map_or("", |f| f.value.as_str())
}

impl<I: BufRead, O: Write> Session<'_, I, O> {
    fn introduce(&mut self, why_read_only: Option<&str>) -> Result<()> {
        let q = &self.q;
        let meta = &self.opened.record.assessment;
        let vse = if meta.vse.trim().is_empty() {
            "(VSE not named)"
        } else {
            &meta.vse
        };
        let first = format!(
            "{vse}: {} against {}:{} {}, {} requirements.",
            meta.kind.describe(),
            q.questionnaire.standard,
            q.questionnaire.edition,
            q.questionnaire.title,
            q.requirements.len()
        );
        self.say(&first)?;
        // Where answers went that the last session could not save: until the record is
        // saved again, a report made now would miss them.
        if let Some(note) = crate::record::lock::note_of(&self.opened.path) {
            self.say(&format!("Note from the last session: {note}"))?;
        }
        let signed = self
            .opened
            .record
            .assessment
            .sign_off()
            .map(|s| s.describe());
        match (why_read_only, signed) {
            (Some(why), _) => self.say(&format!("Read-only: {why}"))?,
            (None, Some(signed)) => self.say(&format!(
                "The record is final ({signed}): what the audit found stays as signed off; its follow-up is recorded here: r response, a action, c close, y accept, v verify."
            ))?,
            (None, None) => {}
        }
        // As the full-screen interview says on every screen: the questions read out may
        // not be the ones these answers were given to.
        if self.opened.questionnaire_changed {
            let warning = format!(
                "Warning: questionnaire {} has changed since this record was created (its SHA-256 differs): the questions may not be those the answers were given to.",
                self.opened.record.questionnaire.id
            );
            self.say(&warning)?;
        }
        let scale: Vec<String> = self
            .q
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
        self.say(&format!(
            "Ratings: {}; x (or na) not applicable.",
            scale.join(", ")
        ))?;
        self.say("At each requirement, one line says what to type; ? lists every command, and i opens the assessment details, clause 6 and the sign-off. In a dialog, cancel leaves it and changes nothing.")
    }

    /// Whether changes may be made; when not, says so.
    fn editable(&mut self) -> Result<bool> {
        if self.lock.is_some() {
            return Ok(true);
        }
        self.say(READ_ONLY)?;
        Ok(false)
    }

    /// Whether what the audit found can change: a final record keeps it, so a dialog that
    /// would change it is refused before it asks anything (the edit layer would refuse it
    /// at the end); follow-up dialogs are asked as ever.
    pub(super) fn found_editable(&mut self) -> Result<bool> {
        if !self.editable()? {
            return Ok(false);
        }
        match edit::editable(&self.opened.record) {
            Ok(()) => Ok(true),
            Err(refused) => {
                self.refused(&refused)?;
                Ok(false)
            }
        }
    }

    /// Makes a change through the edit layer and saves it. Refused, the record is as it
    /// was; what is said of a refusal is the caller's.
    fn apply<T>(
        &mut self,
        change: impl FnOnce(&mut Opened, &Questionnaire) -> Result<T, Refused>,
    ) -> Result<Applied<T>> {
        let Some(lock) = self.lock.as_deref_mut() else {
            say(self.out, READ_ONLY)?;
            return Ok(Applied::NotMade);
        };
        let before = self.opened.record.clone();
        match change(self.opened, &self.q) {
            Err(refused) => {
                self.opened.record = before;
                Ok(Applied::Refused(refused))
            }
            Ok(made) => {
                if saved(self.out, self.opened, lock, before, &mut self.moved)? {
                    Ok(Applied::Done(made))
                } else {
                    Ok(Applied::NotMade)
                }
            }
        }
    }

    /// [`Session::apply`], a refusal said in words: `Some` when the change was made.
    fn change<T>(
        &mut self,
        change: impl FnOnce(&mut Opened, &Questionnaire) -> Result<T, Refused>,
    ) -> Result<Option<T>> {
        match self.apply(change)? {
            Applied::Done(t) => Ok(Some(t)),
            Applied::Refused(r) => {
                self.refused(&r)?;
                Ok(None)
            }
            Applied::NotMade => Ok(None),
        }
    }

    /// A refusal, in words, with what to type instead.
    fn refused(&mut self, refused: &Refused) -> Result<()> {
        let text = match refused {
            Refused::NotFound {
                what: Thing::Evidence,
                id,
                known,
            } => format!(
                "there is no evidence `{id}` in the register (known: {}): type ids from that list, or add the item first (e at a requirement, then +)",
                list_or_none(known)
            ),
            Refused::NotFound {
                what: Thing::Participant,
                id,
                known,
            } => {
                let names: Vec<&str> = known
                    .iter()
                    .map(|p| p.split_once(':').map_or(p.as_str(), |(n, _)| n))
                    .collect();
                format!(
                    "`{id}` is not a participant (participants: {}): type a participant's name, or add them to the participants first (i, then the participants' number)",
                    names.join(", ")
                )
            }
            Refused::NotFound {
                what: Thing::Finding,
                id,
                known,
            } => format!(
                "there is no finding `{id}` (findings: {}): type one of those",
                list_or_none(known)
            ),
            Refused::NotFound {
                what: Thing::Action,
                id,
                known,
            } => format!(
                "there is no action `{id}` (actions: {}): type one of those",
                list_or_none(known)
            ),
            Refused::Final(signed) => format!(
                "the record is final ({signed}): what the audit found stays as signed off, only its follow-up changes (r response, a action, c close, y accept, v verify); `vse-assess reopen FILE --by NAME --reason TEXT` makes the rest editable"
            ),
            Refused::NotReady(reasons) => {
                self.say("Cannot sign off:")?;
                for r in reasons {
                    self.say(&format!("- {r}"))?;
                }
                return Ok(());
            }
            other => other.to_string(),
        };
        self.say(&format!("Not done: {text}."))
    }

    /// Asks the fields of a dialog in turn, then makes the change they describe; a field a
    /// refusal names is asked again, then the change is tried again. `None` when the
    /// dialog was cancelled or the change not made.
    fn form<T>(
        &mut self,
        fields: &mut [Field],
        submit: impl FnMut(&mut Opened, &Questionnaire, &[Field]) -> Result<T, Refused>,
    ) -> Result<Option<T>> {
        if !self.editable()? {
            return Ok(None);
        }
        for field in fields.iter_mut() {
            if !self.fill(field)? {
                return Ok(None);
            }
        }
        self.form_filled(fields, submit)
    }

    /// [`Session::form`] once its fields are filled.
    fn form_filled<T>(
        &mut self,
        fields: &mut [Field],
        mut submit: impl FnMut(&mut Opened, &Questionnaire, &[Field]) -> Result<T, Refused>,
    ) -> Result<Option<T>> {
        loop {
            let outcome = {
                let fields = &*fields;
                self.apply(|o, q| submit(o, q, fields))?
            };
            match outcome {
                Applied::Done(t) => return Ok(Some(t)),
                Applied::NotMade => return Ok(None),
                Applied::Refused(r) => {
                    self.refused(&r)?;
                    let again =
                        refused_field(&r).and_then(|k| fields.iter().position(|f| f.key == k));
                    let Some(i) = again else {
                        self.say("Nothing changed.")?;
                        return Ok(None);
                    };
                    if !self.fill(&mut fields[i])? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    /// Asks one field until it is answered; false when it was cancelled (said).
    fn fill(&mut self, field: &mut Field) -> Result<bool> {
        loop {
            let line = self.ask(&field.prompt)?;
            let typed = line.trim();
            if typed.eq_ignore_ascii_case(CANCEL) {
                self.say("Cancelled: nothing changed.")?;
                return Ok(false);
            }
            if typed.is_empty() && field.required {
                self.say(&format!(
                    "An answer is needed here: type it, or {CANCEL} to leave with nothing changed."
                ))?;
                continue;
            }
            if let Some(check) = field.check
                && !typed.is_empty()
                && let Err(refused) = check(&self.opened.record, typed, self.opened.today)
            {
                self.refused(&refused)?;
                continue;
            }
            field.value = typed.to_owned();
            return Ok(true);
        }
    }

    /// Writes `prompt` (on the line the answer is typed on) and reads one line; a line
    /// too long is said and asked again. The end of the input ends the interview.
    fn ask(&mut self, prompt: &str) -> Result<String> {
        loop {
            write!(self.out, "{}", neutralize(prompt))?;
            self.out.flush()?;
            match read_line(self.input)? {
                Input::Line(line) => return Ok(line),
                Input::TooLong => self.say(TOO_LONG)?,
                // The closing lines start on a line of their own.
                Input::End => return Err(InputEnded.into()),
            }
        }
    }

    /// A yes-or-no question, asked until it is answered.
    fn yes_no(&mut self, question: &str) -> Result<bool> {
        loop {
            let line = self.ask(&format!("{question} Type y or n: "))?;
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => self.say("Type y for yes or n for no.")?,
            }
        }
    }

    fn say(&mut self, text: &str) -> Result<()> {
        say(self.out, text)
    }

    fn finish(&mut self) -> Result<()> {
        let q = &self.q;
        let opened = &*self.opened;
        let open: Vec<&str> = q
            .requirements
            .iter()
            .filter(|r| opened.record.answer(&r.id).and_then(|a| a.rating).is_none())
            .map(|r| r.id.as_str())
            .collect();
        say(self.out, "")?;
        if opened.path != self.started_on {
            say(
                self.out,
                &format!(
                    "{} {} during the interview; your answers are in {}.",
                    display_path(&self.started_on),
                    self.moved.unwrap_or("was changed by someone else"),
                    display_path(&opened.path)
                ),
            )?;
        }
        let path = display_path(&opened.path);
        let kept = if self.lock.is_some() {
            format!("saved in {path}")
        } else {
            format!("{path} unchanged")
        };
        say(
            self.out,
            &format!(
                "{} of {} requirements rated; {kept}.",
                q.requirements.len() - open.len(),
                q.requirements.len()
            ),
        )?;
        if !open.is_empty() {
            say(self.out, &format!("Not yet rated: {}.", open.join(", ")))?;
        }
        if let Some(signed) = opened.record.assessment.sign_off() {
            say(
                self.out,
                &format!("The record is final, {}.", signed.describe()),
            )?;
        }
        Ok(())
    }
}

/// The field a refusal is about, by the key [`Field`]s are given.
fn refused_field(refused: &Refused) -> Option<&'static str> {
    match refused {
        Refused::Invalid { field, .. } | Refused::InFuture { field, .. } => Some(field),
        Refused::NotFound { what, .. } => Some(match what {
            Thing::Evidence => "evidence",
            Thing::Participant => "interviewed",
            Thing::Finding => "finding",
            Thing::Action => "action",
            Thing::Condition => "condition",
            Thing::Requirement => "requirement",
        }),
        Refused::Duplicate { .. } => Some("id"),
        Refused::Final(_)
        | Refused::FollowUpClosed(_)
        | Refused::NotReady(_)
        | Refused::FollowUpNotReady(_) => None,
    }
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none yet".into()
    } else {
        ids.join(", ")
    }
}

/// Ids typed as one list: separated by commas, semicolons or spaces.
fn id_list(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `-` typed for a value: none (cleared).
fn is_clear(typed: &str) -> bool {
    typed.trim() == "-"
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
