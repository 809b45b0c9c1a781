//! Changes a user makes to an assessment, each one operation with its checks, used by the
//! command line, the interview and plain mode alike, so that a rule (not applicable needs a
//! justification, a date not in the future, an id that must exist or must be new, a final
//! record that cannot change) is written once: ratings, notes, facets, interviewees and
//! sampling; clause 6 answers; the evidence register; the assessment details; findings,
//! corrective actions and their verification; sign-off and reopening.
//!
//! This module is the only writer of a [`Record`]: the front ends parse and present, and
//! read the record freely, but change it only through these functions (the test
//! `tests/architecture.rs` lists any other writer).

use jiff::civil::Date;

use super::{
    Action, ActionKind, ActionStatus, Evidence, Finding, FindingClass, FindingState, Kind, Person,
    Record, Session, Signed, Stage, Status, StatusChange, Verification, check_date, details,
};
use crate::questionnaire::{Questionnaire, Requirement};
use crate::rating::Judgement;

/// What a refused change was about, for [`Refused::NotFound`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Finding,
    Action,
    Evidence,
    Condition,
    Requirement,
    /// A person of the VSE: `known` holds the participants as `Name:role`.
    Participant,
}

/// Why a change was refused; nothing was changed. The front ends match it to word it their
/// way; its text is what they say by default.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The record is signed off (how, as [`StatusChange::describe`] says): it changes only
    /// once reopened.
    #[error("the record is final ({0}): it changes only once reopened")]
    Final(String),
    /// No such thing in the record (or the questionnaire); `known` lists those there are.
    #[error("{}", describe_not_found(*.what, .id, .known))]
    NotFound {
        what: Thing,
        id: String,
        known: Vec<String>,
    },
    /// A value the field cannot take, and why.
    #[error("{why}")]
    Invalid { field: &'static str, why: String },
    /// A date after today: `field` is what it dates.
    #[error("`{date}` is in the future{}", if *.field == "verification" { ": a verification is dated when it was made" } else { "" })]
    InFuture { field: &'static str, date: String },
    /// An id already given to another item.
    #[error("`{id}` is already in the register")]
    Duplicate { id: String },
    /// The follow-up of a final record was closed (as [`super::Signed`] by whom and when):
    /// what the VSE and the team did after the sign-off is as reported.
    #[error(
        "the follow-up was closed by {0}: the audit and its follow-up are as reported; the next audit starts from them (`vse-assess new NEXT --from FILE --stage surveillance`)"
    )]
    FollowUpClosed(String),
    /// A sign-off refused, with every reason.
    #[error("cannot sign off:\n{}", .0.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    NotReady(Vec<String>),
    /// The closing of the follow-up refused, with every reason.
    #[error("cannot close the follow-up:\n{}", .0.iter().map(|r| format!("  - {r}")).collect::<Vec<_>>().join("\n"))]
    FollowUpNotReady(Vec<String>),
}

fn describe_not_found(what: Thing, id: &str, known: &[String]) -> String {
    let ids = || list_or_none(known);
    match what {
        Thing::Finding => format!("no finding `{id}` (findings: {})", ids()),
        Thing::Action => format!("no action `{id}` (actions: {})", ids()),
        Thing::Evidence => format!(
            "no evidence `{id}` in the register (known: {}); add it with `vse-assess evidence add`",
            ids()
        ),
        Thing::Condition => format!("unknown condition `{id}`; expected one of {}", ids()),
        Thing::Requirement => format!("no requirement `{id}`"),
        // `known` holds the participants as `Name:role`.
        Thing::Participant => {
            let names: Vec<&str> = known
                .iter()
                .map(|p| p.split_once(':').map_or(p.as_str(), |(n, _)| n))
                .collect();
            let mut command = String::from("vse-assess set FILE");
            for p in known
                .iter()
                .map(String::as_str)
                .chain([&*format!("{id}:ROLE")])
            {
                command.push_str(&format!(" --participant \"{}\"", p.trim_end_matches(':')));
            }
            format!(
                "`{id}` is not a participant (participants: {}); add them first: `{command}` (`--participant` replaces the list, so it names those there are too)",
                names.join(", ")
            )
        }
    }
}

fn refuse<T>(field: &'static str, why: impl Into<String>) -> Result<T, Refused> {
    Err(Refused::Invalid {
        field,
        why: why.into(),
    })
}

/// A record signed off changes only once reopened: checked here, once, by every change.
pub fn editable(record: &Record) -> Result<(), Refused> {
    match record.assessment.sign_off() {
        Some(signed) => Err(Refused::Final(signed.describe())),
        None => Ok(()),
    }
}

/// What happens after the findings, the VSE's response to them (correction, root cause,
/// actions) and the team's verification, is follow-up: it goes on after the sign-off,
/// without changing what was found, until the lead auditor closes the follow-up.
pub fn follow_up_open(record: &Record) -> Result<(), Refused> {
    match &record.assessment.follow_up_closed {
        Some(closed) => Err(Refused::FollowUpClosed(format!(
            "{} on {}",
            closed.by, closed.date
        ))),
        None => Ok(()),
    }
}

/// The one rule for dates that must not be in the future: `date` is after `today`. The
/// caller says what today is (the front ends read the clock once, at the edge).
pub fn in_future(date: &str, today: Date) -> bool {
    date > today.to_string().as_str()
}

/// The latest date a record written anywhere may hold when it is read here on `today`: a
/// place east of here may already be a day ahead. [`super::check`] uses it with
/// [`in_future`]; a change made here is dated by today itself.
pub fn latest_anywhere(today: Date) -> Date {
    today.tomorrow().unwrap_or(today)
}

fn not_in_future(field: &'static str, date: &str, today: Date) -> Result<(), Refused> {
    if in_future(date, today) {
        return Err(Refused::InFuture {
            field,
            date: date.to_owned(),
        });
    }
    Ok(())
}

fn date(field: &'static str, s: &str) -> Result<(), Refused> {
    check_date(s).map_err(|why| Refused::Invalid { field, why })
}

/// Rates a requirement; `None` clears the rating (not yet assessed). Not applicable needs a
/// justification, given here or already recorded; any other rating drops it. Rated N/A again
/// with a justification, that justification replaces the one recorded.
pub fn rate(
    record: &mut Record,
    id: &str,
    rating: Option<Judgement>,
    justification: Option<&str>,
) -> Result<(), Refused> {
    editable(record)?;
    let justification = justification.map(str::trim);
    if rating != Some(Judgement::NA) && justification.is_some_and(|j| !j.is_empty()) {
        return refuse(
            "justification",
            "a justification goes with not applicable (N/A) only",
        );
    }
    let recorded = record.answer(id).map_or("", |a| a.justification.trim());
    let justification = match rating {
        Some(Judgement::NA) => {
            let given = justification.unwrap_or(recorded);
            if given.is_empty() {
                return refuse("justification", "not applicable needs a justification");
            }
            Some(given.to_owned())
        }
        _ => None,
    };
    let a = record.answer_mut(id);
    if let Some(j) = justification {
        a.justification = j;
    }
    a.set_rating(rating);
    Ok(())
}

/// Replaces a requirement's notes, exactly as typed (the interview applies them as they are
/// typed: a trailing space is the start of the next word).
pub fn set_notes(record: &mut Record, id: &str, notes: impl Into<String>) -> Result<(), Refused> {
    editable(record)?;
    record.answer_mut(id).notes = notes.into();
    Ok(())
}

/// Adds a paragraph to a requirement's notes. The paragraph is trimmed (the command line
/// and plain mode alike); an empty one is refused.
pub fn append_note(record: &mut Record, id: &str, note: &str) -> Result<(), Refused> {
    editable(record)?;
    let note = note.trim();
    if note.is_empty() {
        return refuse("notes", "no note given");
    }
    add_paragraph(&mut record.answer_mut(id).notes, note);
    Ok(())
}

/// `paragraph` at the end of `text`, after a blank line.
fn add_paragraph(text: &mut String, paragraph: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(paragraph);
}

/// Replaces a requirement's working notes (never rendered), exactly as typed, as
/// [`set_notes`] does.
pub fn set_working_notes(
    record: &mut Record,
    id: &str,
    notes: impl Into<String>,
) -> Result<(), Refused> {
    editable(record)?;
    record.answer_mut(id).working_notes = notes.into();
    Ok(())
}

/// Adds a paragraph to a requirement's working notes (never rendered), trimmed as
/// [`append_note`] trims it; an empty one is refused.
pub fn append_working_note(record: &mut Record, id: &str, note: &str) -> Result<(), Refused> {
    editable(record)?;
    let note = note.trim();
    if note.is_empty() {
        return refuse("working_notes", "no working note given");
    }
    add_paragraph(&mut record.answer_mut(id).working_notes, note);
    Ok(())
}

/// Checks or unchecks a facet of a requirement, named as people type it (in any case).
pub fn set_facet(
    record: &mut Record,
    req: &Requirement,
    facet: &str,
    checked: bool,
) -> Result<(), Refused> {
    editable(record)?;
    let Some(name) = req
        .facets
        .iter()
        .find(|f| f.eq_ignore_ascii_case(facet.trim()))
    else {
        return refuse(
            "facets",
            format!(
                "`{facet}` is not a facet of {}; facets: {}",
                req.id,
                req.facets.join(", ")
            ),
        );
    };
    record.answer_mut(&req.id).set_facet(req, name, checked);
    Ok(())
}

/// Reads facets checked under a former text (a questionnaire's `renamed_facets`) as the
/// facets they are now, in the questionnaire's order and once each; done when a record is
/// opened, so that a questionnaire may reword a facet without making older records invalid.
/// Returns whether anything was translated. A final record is translated too: the facet
/// checked is the same, only its wording changed.
pub fn rename_facets(record: &mut Record, q: &crate::questionnaire::Questionnaire) -> bool {
    let mut changed = false;
    for (id, answer) in record.requirements.iter_mut() {
        let Some(req) = q.requirement(id) else {
            continue;
        };
        if answer.facets.iter().all(|f| req.current_facet(f) == f) {
            continue;
        }
        let mut facets: Vec<String> = Vec::new();
        for f in &answer.facets {
            let now = req.current_facet(f).to_owned();
            if !facets.contains(&now) {
                facets.push(now);
            }
        }
        facets.sort_by_key(|f| req.facets.iter().position(|x| x == f));
        answer.facets = facets;
        changed = true;
    }
    changed
}

/// Who was interviewed for a requirement: each name is added once. A name must be given:
/// an empty one is refused, and so is an empty list.
pub fn add_interviewees(record: &mut Record, id: &str, names: &[String]) -> Result<(), Refused> {
    editable(record)?;
    if names.is_empty() {
        return refuse("interviewed", "an interviewee needs a name");
    }
    let names = interviewees(record, names)?;
    if names.is_empty() {
        return refuse("interviewed", "an interviewee needs a name");
    }
    let mut interviewed = record
        .answer(id)
        .map(|a| a.interviewed.clone())
        .unwrap_or_default();
    add_names(&mut interviewed, &names)?;
    record.answer_mut(id).interviewed = interviewed;
    Ok(())
}

/// Takes a name off who was interviewed for a requirement, by its place in the list.
pub fn remove_interviewee(record: &mut Record, id: &str, index: usize) -> Result<String, Refused> {
    editable(record)?;
    let listed = record.answer(id).map_or(0, |a| a.interviewed.len());
    if index >= listed {
        return refuse("interviewed", format!("{id} has {listed} interviewee(s)"));
    }
    Ok(record.answer_mut(id).interviewed.remove(index))
}

/// How names are separated in a list of them, everywhere: a form, an option.
pub const NAME_SEPARATORS: &str = "`,` or `;` between names";

/// Names typed as one list: `,`, `;` or a new line separates them; what is empty between
/// two separators is no name.
pub fn name_list(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Places typed as one list (sites, sessions): `;` or a new line separates them, since a
/// place may hold a comma ("Lyon, head office").
pub fn place_list(typed: &str) -> Vec<String> {
    typed
        .split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A name as it is compared: in lower case, its words separated by one space.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether two names are the same person's: in any case and spacing.
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// The person of `people` named `name` (in any case and spacing).
fn named<'p>(people: &'p [super::Person], name: &str) -> Option<&'p super::Person> {
    people.iter().find(|p| same_name(&p.name, name))
}

/// A name as the list that knows it spells it (the team, then the participants), or as
/// typed, its words one space apart: `ana  LOPEZ` is kept as `Ana Lopez`.
pub fn spelled(meta: &super::Metadata, name: &str) -> String {
    match named(&meta.team, name).or_else(|| named(&meta.participants, name)) {
        Some(p) => p.name.trim().to_owned(),
        None => name.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// The people interviewed, from what was typed (each string a list, see [`name_list`]; a
/// participant whose name holds a comma, "Reyes, Sofia", is one name). When participants
/// are recorded, each must be one of them (in any case and spacing; written as the
/// participants list spells it): an interviewee is a person of the VSE.
pub fn interviewees(record: &Record, typed: &[String]) -> Result<Vec<String>, Refused> {
    let participants = &record.assessment.participants;
    let find = |name: &str| {
        participants
            .iter()
            .find(|p| name_key(&p.name) == name_key(name))
    };
    let mut names = Vec::new();
    for list in typed {
        for part in place_list(list) {
            // Split at commas, but names next to each other that together are a
            // participant's are that participant (the longest that is, first).
            let bits: Vec<&str> = part.split(',').collect();
            let mut i = 0;
            while i < bits.len() {
                let whole = (i + 1..=bits.len())
                    .rev()
                    .find_map(|j| Some((j, find(&bits[i..j].join(","))?)));
                match whole {
                    Some((j, p)) => {
                        names.push(p.name.trim().to_owned());
                        i = j;
                    }
                    None => {
                        // One space between words, as a name is compared.
                        let spaced = name_list(bits[i])
                            .into_iter()
                            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
                        names.extend(spaced);
                        i += 1;
                    }
                }
            }
        }
        if list.trim().is_empty() {
            return refuse("interviewed", "an interviewee needs a name");
        }
    }
    if participants.is_empty() {
        return Ok(names);
    }
    names
        .into_iter()
        .map(|n| match find(&n) {
            Some(p) => Ok(p.name.trim().to_owned()),
            None => Err(Refused::NotFound {
                what: Thing::Participant,
                id: n,
                known: participants
                    .iter()
                    .map(|p| format!("{}:{}", p.name.trim(), p.role.trim()))
                    .collect(),
            }),
        })
        .collect()
}

/// Adds a person to the participants, with no role yet (an interviewee who was not
/// listed); nothing when they are one already.
pub fn add_participant(record: &mut Record, name: &str) -> Result<(), Refused> {
    editable(record)?;
    let name = name.trim();
    if name.is_empty() {
        return refuse("participants", "a participant needs a name");
    }
    let participants = &mut record.assessment.participants;
    if !participants
        .iter()
        .any(|p| name_key(&p.name) == name_key(name))
    {
        participants.push(super::Person {
            name: name.to_owned(),
            role: String::new(),
        });
    }
    Ok(())
}

/// Links or unlinks an evidence item of the register and a requirement.
pub fn link_evidence(
    record: &mut Record,
    evidence: &str,
    requirement: &str,
    linked: bool,
) -> Result<(), Refused> {
    editable(record)?;
    check_evidence(record, &[evidence.to_owned()])?;
    record.set_link(evidence, requirement, linked);
    Ok(())
}

/// Removes an evidence item from the register, and from every finding and clause 6 answer
/// that cites it (a citation of nothing would make the record invalid). Returns the item.
pub fn remove_evidence(record: &mut Record, id: &str) -> Result<super::Evidence, Refused> {
    evidence_editable(record, id)?;
    check_evidence(record, &[id.to_owned()])?;
    // A verification is a record of what was seen: what it rests on stays in the register.
    if let Some(f) = record.findings.iter().find(|f| {
        f.verifications
            .iter()
            .any(|v| v.evidence.iter().any(|e| e == id))
    }) {
        return refuse(
            "evidence",
            format!(
                "{id} is what {}'s verification rests on: it stays in the register",
                f.id
            ),
        );
    }
    for f in &mut record.findings {
        f.evidence.retain(|e| e != id);
        for a in &mut f.actions {
            a.evidence.retain(|e| e != id);
        }
    }
    for c in record.conditions.values_mut() {
        c.evidence.retain(|e| e != id);
    }
    let i = record
        .evidence
        .iter()
        .position(|e| e.id == id)
        .expect("checked");
    Ok(record.evidence.remove(i))
}

/// Where an evidence item is cited, for a question before it is removed: requirements it
/// supports, findings and clause 6 answers citing it.
pub fn citations(record: &Record, id: &str) -> Vec<String> {
    let supports = record
        .evidence_item(id)
        .map(|e| e.supports.clone())
        .unwrap_or_default();
    let findings = record
        .findings
        .iter()
        .filter(|f| f.evidence.iter().any(|e| e == id))
        .map(|f| f.id.clone());
    let actions = record
        .findings
        .iter()
        .flat_map(|f| &f.actions)
        .filter(|a| a.evidence.iter().any(|e| e == id))
        .map(|a| a.id.clone());
    let verifications = record
        .findings
        .iter()
        .flat_map(|f| f.verifications.iter().map(move |v| (f, v)))
        .filter(|(_, v)| v.evidence.iter().any(|e| e == id))
        .map(|(f, v)| format!("{}'s verification of {}", f.id, v.date));
    let conditions = record
        .conditions
        .iter()
        .filter(|(_, c)| c.evidence.iter().any(|e| e == id))
        .map(|(cid, _)| format!("condition {cid}"));
    supports
        .into_iter()
        .chain(findings)
        .chain(actions)
        .chain(verifications)
        .chain(conditions)
        .collect()
}

/// Records what was sampled for a requirement (projects, period, records seen, how many of
/// how many); empty clears it.
pub fn set_sampling(record: &mut Record, id: &str, sampled: &str) -> Result<(), Refused> {
    editable(record)?;
    record.answer_mut(id).sampling = sampled.trim().to_owned();
    Ok(())
}

/// A finding as it is first recorded.
#[derive(Debug, Clone, Default)]
pub struct NewFinding {
    /// A requirement id as people type it (`7.2.a`, `7.2a`, `OM.a`).
    pub requirement: String,
    pub class: FindingClass,
    pub text: String,
    pub evidence: Vec<String>,
    pub interviewed: Vec<String>,
    /// Other requirements it is raised under, as people type them.
    pub also: Vec<String>,
    /// Other findings it points at, by id.
    pub see: Vec<String>,
    /// The date it was raised; `None`: the latest session not after today, else today
    /// (see [`default_raised`]).
    pub raised: Option<String>,
}

/// What to change in a finding; `None` and empty lists leave things as they are.
#[derive(Debug, Clone, Default)]
pub struct FindingChange {
    pub text: Option<String>,
    pub class: Option<FindingClass>,
    /// Evidence ids to cite, in addition to those cited.
    pub evidence: Vec<String>,
    /// Evidence ids to cite no longer.
    pub uncite: Vec<String>,
    pub interviewed: Vec<String>,
    pub correction: Option<String>,
    pub root_cause: Option<String>,
    /// The other requirements it is raised under, replacing those listed (empty: none).
    pub also: Option<Vec<String>>,
    /// The other findings it points at, replacing those listed (empty: none).
    pub see: Option<Vec<String>>,
    /// The date it was raised (see [`add_finding`]'s rule).
    pub raised: Option<String>,
    /// When the VSE's corrective action plan for it is due; `Some(None)` clears it (the
    /// assessment's `plan_due` then holds).
    pub plan_due: Option<Option<String>>,
}

/// The other requirements a finding is raised under, resolved as people type them
/// (`7.5e`): each a requirement of the questionnaire, not its own one, each once.
fn also_under(q: &Questionnaire, own: &str, typed: &[String]) -> Result<Vec<String>, Refused> {
    let mut ids: Vec<String> = Vec::new();
    for t in typed.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let id = q
            .resolve(t)
            .map_err(|e| Refused::Invalid {
                field: "also",
                why: e.to_string(),
            })?
            .id
            .clone();
        if id == own {
            return refuse(
                "also",
                format!("{id} is the finding's own requirement: it is not also raised under it"),
            );
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The findings a finding points at, as their ids are in the record: each a finding of the
/// record, not itself (`own`, when it has an id yet), each once.
fn see_also(record: &Record, own: Option<&str>, typed: &[String]) -> Result<Vec<String>, Refused> {
    let mut ids: Vec<String> = Vec::new();
    for t in typed.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let Some(f) = record.finding(t) else {
            return Err(no_finding(record, t));
        };
        if own.is_some_and(|own| own.eq_ignore_ascii_case(&f.id)) {
            return refuse("see", format!("{} cannot point at itself", f.id));
        }
        if !ids.contains(&f.id) {
            ids.push(f.id.clone());
        }
    }
    Ok(ids)
}

/// The date a finding is raised on when none is given: the latest session not after
/// `today`, else `today`.
pub fn default_raised(record: &Record, today: Date) -> String {
    let today = today.to_string();
    record
        .assessment
        .sessions
        .iter()
        .map(|s| s.date.as_str())
        .filter(|d| *d <= today.as_str())
        .max()
        .map_or(today.clone(), str::to_owned)
}

/// A finding's date raised: a date, not after `today`, and one of the sessions' dates when
/// sessions are recorded (a finding is raised while the assessment is held).
fn check_raised(record: &Record, raised: &str, today: Date) -> Result<(), Refused> {
    date("raised", raised)?;
    not_in_future("raised", raised, today)?;
    let sessions: Vec<&str> = record
        .assessment
        .sessions
        .iter()
        .map(|s| s.date.as_str())
        .collect();
    if !sessions.is_empty() && !sessions.contains(&raised) {
        return refuse(
            "raised",
            format!(
                "`{raised}` is not a session's date ({}): a finding is raised during the assessment",
                sessions.join(", ")
            ),
        );
    }
    Ok(())
}

/// A due date of the plan or of an action: a date, not before the assessment's first
/// session (a plan answers what the assessment found).
fn check_due(record: &Record, field: &'static str, due: &str) -> Result<(), Refused> {
    date(field, due)?;
    if let Some(first) = first_session(record)
        && due < first
    {
        return refuse(
            field,
            format!(
                "`{due}` is before the assessment's first session ({first}): a due date follows the findings"
            ),
        );
    }
    Ok(())
}

fn first_session(record: &Record) -> Option<&str> {
    record
        .assessment
        .sessions
        .iter()
        .map(|s| s.date.as_str())
        .min()
}

/// Records a finding, raised on `new.raised` (by default [`default_raised`]): a date not
/// after `today`, one of the sessions' dates when sessions are recorded. Returns its id.
pub fn add_finding(
    record: &mut Record,
    q: &Questionnaire,
    new: NewFinding,
    today: Date,
) -> Result<String, Refused> {
    editable(record)?;
    let raised = match new.raised.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => d.to_owned(),
        _ => default_raised(record, today),
    };
    check_raised(record, &raised, today)?;
    let requirement = q
        .resolve(&new.requirement)
        .map_err(|e| Refused::Invalid {
            field: "requirement",
            why: e.to_string(),
        })?
        .id
        .clone();
    let text = new.text.trim();
    if text.is_empty() {
        return refuse("text", "a finding needs its text");
    }
    check_evidence(record, &new.evidence)?;
    let also = also_under(q, &requirement, &new.also)?;
    let see = see_also(record, None, &new.see)?;
    let mut finding = Finding {
        id: record.next_finding_id(new.class),
        requirement,
        also,
        see,
        class: new.class,
        text: text.to_owned(),
        raised: Some(raised),
        ..Finding::default()
    };
    cite(&mut finding.evidence, &new.evidence);
    let interviewed = interviewees(record, &new.interviewed)?;
    add_names(&mut finding.interviewed, &interviewed)?;
    let id = finding.id.clone();
    record.findings.push(finding);
    record.issue(&id);
    Ok(id)
}

/// Changes a finding; returns its id, which changes when the class moves it to another kind
/// (a nonconformity downgraded to an observation is no longer `NC-`).
pub fn edit_finding(
    record: &mut Record,
    q: &Questionnaire,
    id: &str,
    change: FindingChange,
    today: Date,
) -> Result<String, Refused> {
    // The VSE's response (correction, root cause) is follow-up; the rest is what was found.
    let response_only = change.text.is_none()
        && change.class.is_none()
        && change.evidence.is_empty()
        && change.uncite.is_empty()
        && change.interviewed.is_empty()
        && change.also.is_none()
        && change.see.is_none()
        && change.raised.is_none()
        && change.plan_due.is_none();
    if response_only {
        follow_up_open(record)?;
        if let Some(f) = record.finding(id)
            && f.state() == FindingState::Closed
            && let Some(v) = f.verification()
        {
            return refuse(
                "finding",
                format!(
                    "{} was verified effective on {}: its correction and root cause stay as verified",
                    f.id, v.date
                ),
            );
        }
    } else {
        editable(record)?;
        // What an earlier audit found is followed up here as it was stated.
        if let Some(f) = record.finding(id)
            && let Some(carried) = &f.carried
            && (change.text.is_some() || change.class.is_some())
        {
            return refuse(
                "finding",
                format!(
                    "{} was carried from {}: its statement and class stay as that audit found them",
                    f.id, carried.from
                ),
            );
        }
    }
    check_evidence(record, &change.evidence)?;
    let raised = change.raised.as_deref().map(str::trim);
    if let Some(d) = raised {
        check_raised(record, d, today)?;
    }
    let plan_due = match &change.plan_due {
        Some(Some(d)) if !d.trim().is_empty() => {
            check_due(record, "plan_due", d.trim())?;
            Some(Some(d.trim().to_owned()))
        }
        Some(_) => Some(None),
        None => None,
    };
    let (own_id, own_requirement) = match record.finding(id) {
        Some(f) => (f.id.clone(), f.requirement.clone()),
        None => return Err(no_finding(record, id)),
    };
    let also = match &change.also {
        Some(typed) => Some(also_under(q, &own_requirement, typed)?),
        None => None,
    };
    let see = match &change.see {
        Some(typed) => Some(see_also(record, Some(&own_id), typed)?),
        None => None,
    };
    let interviewed = interviewees(record, &change.interviewed)?;
    let next_id = change.class.map(|c| record.next_finding_id(c));
    // The id it leaves, when its class moves it to another kind, stays given.
    let mut given = Vec::new();
    let f = finding_mut(record, id)?;
    // Every check before any change: a refused edit changes nothing.
    if change.text.as_ref().is_some_and(|t| t.trim().is_empty()) {
        return refuse("text", "a finding needs its text");
    }
    if plan_due.as_ref().is_some_and(Option::is_some)
        && !change.class.unwrap_or(f.class).is_nonconformity()
    {
        return refuse(
            "plan_due",
            format!(
                "{} is not a nonconformity: it has no corrective action plan to be due",
                f.id
            ),
        );
    }
    if let Some(class) = change.class
        && !f.verifications.is_empty()
        && !class.is_nonconformity()
    {
        return refuse(
            "class",
            format!(
                "{} has a verification of its corrective action: it stays a nonconformity",
                f.id
            ),
        );
    }
    if let Some(text) = &change.text {
        f.text = text.trim().to_owned();
    }
    if let (Some(class), Some(next_id)) = (change.class, next_id) {
        // A nonconformity of another class is another judgement: what was verified of the
        // old one does not carry over.
        if class != f.class {
            f.verifications.clear();
        }
        if class.id_prefix() != f.class.id_prefix() {
            given.push(std::mem::replace(&mut f.id, next_id));
        }
        f.class = class;
    }
    let id = f.id.clone();
    cite(&mut f.evidence, &change.evidence);
    f.evidence.retain(|e| !change.uncite.contains(e));
    add_names(&mut f.interviewed, &interviewed)?;
    if let Some(c) = change.correction {
        f.correction = c.trim().to_owned();
    }
    if let Some(c) = change.root_cause {
        f.root_cause = c.trim().to_owned();
    }
    if let Some(also) = also {
        f.also = also;
    }
    if let Some(see) = see {
        f.see = see;
    }
    if let Some(d) = raised {
        f.raised = Some(d.to_owned());
    }
    if let Some(due) = plan_due {
        f.plan_due = due;
    }
    // Renamed by its class: the findings that pointed at it point at its new id.
    if let Some(old) = given.first() {
        for other in &mut record.findings {
            for s in &mut other.see {
                if s.eq_ignore_ascii_case(old) {
                    s.clone_from(&id);
                }
            }
        }
    }
    given.push(id.clone());
    for id in &given {
        record.issue(id);
    }
    Ok(id)
}

/// Removes a finding with its actions; returns it.
pub fn remove_finding(record: &mut Record, id: &str) -> Result<Finding, Refused> {
    editable(record)?;
    let i = record
        .findings
        .iter()
        .position(|f| f.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| no_finding(record, id))?;
    // What an earlier audit found is followed up here, not taken back.
    if let Some(carried) = &record.findings[i].carried {
        return refuse(
            "finding",
            format!(
                "{} was carried from {}: it is followed up (`vse-assess finding verify`), not removed",
                record.findings[i].id, carried.from
            ),
        );
    }
    let removed = record.findings.remove(i);
    // A pointer at nothing would make the record invalid: the others point at it no longer.
    for f in &mut record.findings {
        f.see.retain(|s| !s.eq_ignore_ascii_case(&removed.id));
    }
    // Its ids stay given (a record from before `issued` learns them here).
    record.issue(&removed.id);
    for a in &removed.actions {
        record.issue(&a.id);
    }
    Ok(removed)
}

/// The VSE's acceptance of a finding (`None` withdraws it): by one of the participants
/// when participants are recorded (written as the list spells the name), dated not after
/// `today` nor before the finding was raised. Follow-up: a final record takes it.
pub fn accept_finding(
    record: &mut Record,
    finding: &str,
    accepted: Option<Signed>,
    today: Date,
) -> Result<(), Refused> {
    follow_up_open(record)?;
    let raised = match record.finding(finding) {
        Some(f) => f.raised.clone(),
        None => return Err(no_finding(record, finding)),
    };
    let accepted = match signed("vse_accepted", accepted, today)? {
        Some(mut s) => {
            if !record.assessment.participants.is_empty() {
                s.by = interviewees(record, std::slice::from_ref(&s.by))?
                    .into_iter()
                    .next()
                    .unwrap_or(s.by);
            }
            not_before(
                "vse_accepted",
                &s.date,
                raised.as_deref(),
                "the finding was raised",
            )?;
            Some(s)
        }
        None => None,
    };
    finding_mut(record, finding)?.vse_accepted = accepted;
    Ok(())
}

/// Refused when `date` is before `earlier` (when there is one), which is when `what`.
fn not_before(
    field: &'static str,
    date: &str,
    earlier: Option<&str>,
    what: &str,
) -> Result<(), Refused> {
    match earlier {
        Some(e) if date < e => refuse(field, format!("`{date}` is before {what} ({e})")),
        _ => Ok(()),
    }
}

/// An action as it is first planned.
#[derive(Debug, Clone, Default)]
pub struct NewAction {
    pub what: String,
    pub owner: String,
    /// Its due date: not before the assessment's first session.
    pub due: Option<String>,
    pub kind: ActionKind,
    /// Who proposed it (the VSE) and when: not after today, nor before the finding was
    /// raised.
    pub proposed: Option<Signed>,
}

/// Plans an action for a finding, of the kind given, as proposed by whom and when; returns
/// the action's id. Follow-up: a final record takes it until its follow-up is closed.
pub fn plan_action(
    record: &mut Record,
    finding: &str,
    new: NewAction,
    today: Date,
) -> Result<String, Refused> {
    follow_up_open(record)?;
    let mut proposed = signed("proposed", new.proposed, today)?;
    if let Some(p) = &mut proposed {
        p.by = spelled(&record.assessment, &p.by);
        let raised = record.finding(finding).and_then(|f| f.raised.clone());
        not_before(
            "proposed",
            &p.date,
            raised.as_deref(),
            "the finding was raised",
        )?;
    }
    push_action(
        record,
        finding,
        Action {
            what: new.what,
            owner: new.owner,
            due: new.due,
            kind: new.kind,
            proposed,
            ..Action::default()
        },
    )
}

/// Plans a corrective action for a finding, as [`plan_action`] with no proposer; returns
/// the action's id.
pub fn add_action(
    record: &mut Record,
    finding: &str,
    what: &str,
    owner: &str,
    due: Option<&str>,
) -> Result<String, Refused> {
    follow_up_open(record)?;
    push_action(
        record,
        finding,
        Action {
            what: what.to_owned(),
            owner: owner.to_owned(),
            due: due.map(str::to_owned),
            ..Action::default()
        },
    )
}

fn push_action(record: &mut Record, finding: &str, action: Action) -> Result<String, Refused> {
    if action.what.trim().is_empty() {
        return refuse("what", "say what is to be done");
    }
    let due = action
        .due
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    if let Some(d) = &due {
        check_due(record, "due", d)?;
    }
    let id = record.next_action_id();
    let owner = spelled(&record.assessment, &action.owner);
    let f = finding_mut(record, finding)?;
    // The verification covers what there was before; not this one.
    settle_covers(f);
    f.actions.push(Action {
        id: id.clone(),
        what: action.what.trim().to_owned(),
        owner,
        due,
        status: ActionStatus::Open,
        ..action
    });
    record.issue(&id);
    Ok(id)
}

/// Rewrites what an action says, who owns it and when it is due.
pub fn edit_action(
    record: &mut Record,
    action: &str,
    what: &str,
    owner: &str,
    due: Option<&str>,
) -> Result<(), Refused> {
    follow_up_open(record)?;
    as_verified(record, action)?;
    if what.trim().is_empty() {
        return refuse("what", "say what is to be done");
    }
    let due = due.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = due {
        check_due(record, "due", d)?;
    }
    let owner = spelled(&record.assessment, owner);
    let a = action_mut(record, action)?;
    a.what = what.trim().to_owned();
    a.owner = owner;
    a.due = due.map(str::to_owned);
    Ok(())
}

/// Removes an action from its finding; returns it.
pub fn remove_action(record: &mut Record, action: &str) -> Result<Action, Refused> {
    follow_up_open(record)?;
    as_verified(record, action)?;
    let (f, i) = holder_of(record, action)?;
    let removed = f.actions.remove(i);
    record.issue(&removed.id);
    Ok(removed)
}

/// Closes or reopens an action; returns the id of its finding.
pub fn set_action_status(
    record: &mut Record,
    action: &str,
    status: ActionStatus,
) -> Result<String, Refused> {
    follow_up_open(record)?;
    let (f, i) = holder_of(record, action)?;
    settle_covers(f);
    let a = &mut f.actions[i];
    // Reopened: whatever an effective verification saw of it no longer holds. One found
    // not effective keeps what it saw: reopening an action it covered is no new action.
    if a.status == ActionStatus::Closed
        && status == ActionStatus::Open
        && let Some(covers) = f
            .verifications
            .last_mut()
            .filter(|v| v.effective)
            .and_then(|v| v.covers.as_mut())
    {
        covers.retain(|c| !c.eq_ignore_ascii_case(&a.id));
    }
    a.status = status;
    Ok(f.id.clone())
}

/// Who proposed an action and when (the VSE), and what kind of action it is.
pub fn set_action_plan(
    record: &mut Record,
    action: &str,
    kind: ActionKind,
    proposed: Option<Signed>,
    today: Date,
) -> Result<(), Refused> {
    follow_up_open(record)?;
    as_verified(record, action)?;
    let mut proposed = signed("proposed", proposed, today)?;
    if let Some(p) = &mut proposed {
        p.by = spelled(&record.assessment, &p.by);
    }
    if let (Some(p), Some((f, _))) = (&proposed, record.action(action)) {
        not_before(
            "proposed",
            &p.date,
            f.raised.as_deref(),
            "the finding was raised",
        )?;
    }
    let a = action_mut(record, action)?;
    a.kind = kind;
    a.proposed = proposed;
    Ok(())
}

/// The assessment team's acceptance of an action the VSE proposed (`None` withdraws it).
pub fn accept_action(
    record: &mut Record,
    action: &str,
    accepted: Option<Signed>,
    today: Date,
) -> Result<(), Refused> {
    follow_up_open(record)?;
    as_verified(record, action)?;
    let mut accepted = signed("accepted", accepted, today)?;
    if let Some(s) = &mut accepted {
        let team = &record.assessment.team;
        if let Some(member) = named(team, &s.by) {
            s.by = member.name.trim().to_owned();
        } else if !team.is_empty() {
            let names: Vec<&str> = team.iter().map(|p| p.name.as_str()).collect();
            return refuse(
                "accepted",
                format!(
                    "`{}` is not in the assessment team ({}): the team accepts the VSE's actions",
                    s.by,
                    names.join(", ")
                ),
            );
        }
        if let Some((f, a)) = record.action(action) {
            let proposed = a.proposed.as_ref().map(|p| p.date.as_str());
            not_before("accepted", &s.date, proposed, "the action was proposed")?;
            let raised = f.raised.as_deref();
            not_before("accepted", &s.date, raised, "its finding was raised")?;
        }
    }
    action_mut(record, action)?.accepted = accepted;
    Ok(())
}

/// When an action was done and the evidence that shows it: it is then closed. `None`
/// (with no evidence) reopens it.
pub fn complete_action(
    record: &mut Record,
    action: &str,
    completed: Option<&str>,
    evidence: &[String],
    today: Date,
) -> Result<String, Refused> {
    follow_up_open(record)?;
    let completed = completed.map(str::trim).filter(|d| !d.is_empty());
    if let Some(d) = completed {
        date("completed", d)?;
        not_in_future("completed", d, today)?;
        if let Some((f, a)) = record.action(action) {
            let proposed = a.proposed.as_ref().map(|p| p.date.as_str());
            not_before("completed", d, proposed, "the action was proposed")?;
            not_before(
                "completed",
                d,
                f.raised.as_deref(),
                "its finding was raised",
            )?;
        }
    }
    if completed.is_none() && !evidence.is_empty() {
        return refuse(
            "evidence",
            "the evidence shows an action done: give the date it was completed",
        );
    }
    // Done once: a new date or other evidence would rewrite what a verification may have
    // looked at. Reopening it says that it was not done after all.
    if let (Some(_), Some((_, a))) = (completed, record.action(action))
        && a.status == ActionStatus::Closed
    {
        return refuse(
            "completed",
            format!(
                "{} is already done{}: reopen it first (`vse-assess action reopen`) to record it done again",
                a.id,
                a.completed
                    .as_deref()
                    .map(|d| format!(" (on {d})"))
                    .unwrap_or_default()
            ),
        );
    }
    check_evidence(record, evidence)?;
    let status = if completed.is_some() {
        ActionStatus::Closed
    } else {
        ActionStatus::Open
    };
    let finding = set_action_status(record, action, status)?;
    let a = action_mut(record, action)?;
    a.completed = completed.map(str::to_owned);
    a.evidence = evidence.to_vec();
    Ok(finding)
}

/// An action the team verified effective (its finding closed, the verification covering
/// it) stays as it was verified: what it says, who owns it, who proposed and accepted it.
/// What follows is a new action.
fn as_verified(record: &Record, action: &str) -> Result<(), Refused> {
    let Some((f, a)) = record.action(action) else {
        return Ok(());
    };
    match f.verification() {
        Some(v) if v.effective && v.covered(&a.id) && f.state() == FindingState::Closed => refuse(
            "action",
            format!(
                "{} was verified effective with {} on {}: it stays as verified (record what follows as a new action)",
                a.id, f.id, v.date
            ),
        ),
        _ => Ok(()),
    }
}

/// A who-and-when as given: named, a date, not after `today`.
fn signed(
    field: &'static str,
    given: Option<Signed>,
    today: Date,
) -> Result<Option<Signed>, Refused> {
    let Some(s) = given else { return Ok(None) };
    let by = s.by.trim();
    if by.is_empty() {
        return refuse(field, "say who");
    }
    let d = s.date.trim();
    date(field, d)?;
    not_in_future(field, d, today)?;
    Ok(Some(Signed {
        by: by.to_owned(),
        date: d.to_owned(),
    }))
}

/// A verification from before `covers` was kept covers the actions there are: said in so
/// many words before they change.
fn settle_covers(f: &mut Finding) {
    let ids: Vec<String> = f.actions.iter().map(|a| a.id.clone()).collect();
    if let Some(v) = f.verifications.last_mut() {
        v.covers.get_or_insert(ids);
    }
}

fn action_mut<'r>(record: &'r mut Record, action: &str) -> Result<&'r mut Action, Refused> {
    let (f, i) = holder_of(record, action)?;
    Ok(&mut f.actions[i])
}

/// The finding that holds action `action`, and where in its actions it is.
fn holder_of<'r>(
    record: &'r mut Record,
    action: &str,
) -> Result<(&'r mut Finding, usize), Refused> {
    if record.action(action).is_none() {
        let known = record
            .findings
            .iter()
            .flat_map(|f| f.actions.iter().map(|a| a.id.clone()))
            .collect();
        return Err(Refused::NotFound {
            what: Thing::Action,
            id: action.to_owned(),
            known,
        });
    }
    Ok(record
        .findings
        .iter_mut()
        .find_map(|f| {
            let i = f
                .actions
                .iter()
                .position(|a| a.id.eq_ignore_ascii_case(action))?;
            Some((f, i))
        })
        .expect("found"))
}

/// The assessment team's verification of a nonconformity's corrective action, added to
/// the finding's history (never overwriting it). It is dated when it was made (not after
/// `today`), on or after the latest completion of the finding's actions and after the
/// finding was raised; it says what was seen (`note`) and on what evidence of the register
/// (`evidence`), both required. Effective closes the nonconformity; it needs every action
/// closed first. After a verification found the actions not effective, another one needs
/// a new root cause and an action that verification did not cover. A major is verified by
/// the lead auditor (see [`verifier_check`]).
pub fn verify(
    record: &mut Record,
    finding: &str,
    verification: Verification,
    today: Date,
) -> Result<(), Refused> {
    follow_up_open(record)?;
    // Made after the sign-off, it is follow-up: not what the audit found.
    let signed_off = record.assessment.sign_off().map(|s| s.date.clone());
    let is_final = signed_off.is_some();
    if verification.by.trim().is_empty() {
        return refuse(
            "by",
            "say who verified it (a member of the assessment team)",
        );
    }
    date("date", &verification.date)?;
    not_in_future("verification", &verification.date, today)?;
    if let Some(signed) = signed_off.filter(|d| verification.date < *d) {
        return refuse(
            "date",
            format!(
                "`{}` is before the sign-off ({signed}): a verification recorded on the final record is follow-up, made after it",
                verification.date
            ),
        );
    }
    check_evidence(record, &verification.evidence)?;
    if let Some(class) = record.finding(finding).map(|f| f.class) {
        verifier_check(&record.assessment, class, &verification)?;
    }
    let by = spelled(&record.assessment, &verification.by);
    let f = finding_mut(record, finding)?;
    if !f.class.is_nonconformity() {
        return refuse(
            "finding",
            format!(
                "{} is a {}: only a nonconformity's corrective action is verified",
                f.id,
                f.class.describe()
            ),
        );
    }
    if f.actions.is_empty() {
        return refuse(
            "finding",
            format!(
                "{} has no corrective action to verify: add one with `vse-assess action add`",
                f.id
            ),
        );
    }
    let on = verification.date.as_str();
    if let Some(raised) = f.raised.as_deref().filter(|r| on <= *r) {
        return refuse(
            "date",
            format!(
                "`{on}` is not after {} was raised ({raised}): a verification comes after the finding",
                f.id
            ),
        );
    }
    if let Some((done, a)) = f
        .actions
        .iter()
        .filter_map(|a| Some((a.completed.as_deref()?, a)))
        .max_by_key(|(d, _)| *d)
        .filter(|(d, _)| on < *d)
    {
        return refuse(
            "date",
            format!(
                "`{on}` is before {} was completed ({done}): a verification looks at actions done",
                a.id
            ),
        );
    }
    if let Some(why) = loop_unanswered(f) {
        return refuse("finding", why);
    }
    if verification.effective
        && let Some(open) = f.actions.iter().find(|a| a.status == ActionStatus::Open)
    {
        return refuse(
            "effective",
            format!(
                "{} cannot be verified effective while its action {} is open",
                f.id, open.id
            ),
        );
    }
    if verification.note.trim().is_empty() {
        return refuse(
            "note",
            "say what was seen to verify it (records of the actions done and working, not plans)",
        );
    }
    if verification.evidence.is_empty() {
        return refuse(
            "evidence",
            "name the evidence of the register the verification rests on (`--evidence ID,...`)",
        );
    }
    f.verifications.push(Verification {
        follow_up: is_final,
        by,
        note: verification.note.trim().to_owned(),
        root_cause: f.root_cause.trim().to_owned(),
        covers: Some(f.actions.iter().map(|a| a.id.clone()).collect()),
        ..verification
    });
    Ok(())
}

/// What a finding verified not effective still lacks before it is verified again: a root
/// cause other than the one that verification judged, and an action it did not cover.
/// `None` when its last verification was effective, or there is none, or both are there.
pub fn loop_unanswered(f: &Finding) -> Option<String> {
    let last = f.verification().filter(|v| !v.effective)?;
    let mut lacks = Vec::new();
    let cause = f.root_cause.trim();
    if cause.is_empty() || cause.eq_ignore_ascii_case(last.root_cause.trim()) {
        lacks.push(format!(
            "a new root cause (`vse-assess finding edit FILE {} --root-cause TEXT`)",
            f.id
        ));
    }
    // A new corrective action: a correction puts the instance right, not the cause.
    if !f
        .actions
        .iter()
        .any(|a| !last.covered(&a.id) && a.kind == ActionKind::Corrective)
    {
        lacks.push(format!(
            "a new corrective action (`vse-assess action add FILE --finding {} --what TEXT`)",
            f.id
        ));
    }
    if lacks.is_empty() {
        return None;
    }
    Some(format!(
        "{} was verified not effective on {}: before it is verified again it needs {}",
        f.id,
        last.date,
        lacks.join(" and ")
    ))
}

/// What stands between a record and its sign-off, every reason; empty when it can be signed
/// off. A report signed off has every requirement in scope assessed, every N/A justified, a
/// due date for the VSE's plan for every nonconformity, clause 6 answered and the conclusions written;
/// an audit's also has no consistency warning standing.
pub fn sign_off_blockers(record: &Record, q: &Questionnaire) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some(done) = record.assessment.sign_off() {
        reasons.push(format!("it is already final ({})", done.describe()));
    }
    reasons.extend(sign_off_checks(record, q));
    reasons
}

/// What a final record would now be refused for, were it signed off again as it stands: the
/// checks of its content, and who signed it (in an audit, its lead auditor).
pub fn final_record_problems(record: &Record, q: &Questionnaire) -> Vec<String> {
    let mut problems = sign_off_checks(record, q);
    let meta = &record.assessment;
    if meta.follow_up_closed.is_some() {
        problems.extend(follow_up_close_checks(record));
    }
    if let Some(signed) = meta.sign_off()
        && meta.kind == super::Kind::Audit
        && !meta.team.is_empty()
        && let Err(why) = not_the_lead(meta, &signed.by, "signs off an audit")
    {
        problems.push(why.to_string());
    }
    problems
}

/// What a sign-off checks of the record's content, whatever its status: a final record
/// that fails any (marked final by hand, or signed off under older rules) says so in its
/// report.
pub fn sign_off_checks(record: &Record, q: &Questionnaire) -> Vec<String> {
    let mut reasons = Vec::new();
    let meta = &record.assessment;
    if meta.scope.processes.is_empty() {
        reasons.push("no process is in scope".into());
    }
    let in_scope = |id: &str| {
        q.requirement(id)
            .is_some_and(|r| meta.scope.processes.contains(&r.process))
    };
    let rating = |id: &str| record.answer(id).and_then(|a| a.rating);
    let not_assessed: Vec<&str> = q
        .requirements
        .iter()
        .filter(|r| in_scope(&r.id) && rating(&r.id).is_none())
        .map(|r| r.id.as_str())
        .collect();
    if !not_assessed.is_empty() {
        reasons.push(format!("not assessed: {}", not_assessed.join(", ")));
    }
    for (id, a) in &record.requirements {
        if a.rating == Some(Judgement::NA) && a.justification.trim().is_empty() {
            reasons.push(format!("{id} is not applicable without a justification"));
        }
    }
    // The plan is the VSE's: the sign-off needs only when it is due, not the actions.
    for f in &record.findings {
        if f.class.is_nonconformity() && f.plan_due.is_none() && meta.plan_due.is_none() {
            reasons.push(format!(
                "{} ({}) has no due date for the VSE's corrective action plan: `vse-assess finding edit FILE {} --plan-due DATE`, or one for every nonconformity, `vse-assess set FILE --plan-due DATE`",
                f.id, f.requirement, f.id
            ));
        }
        // A finding carried from a previous assessment was raised in that one.
        if let Some(raised) = f.raised.as_deref().filter(|_| f.carried.is_none())
            && !meta.sessions.is_empty()
            && !meta.sessions.iter().any(|s| s.date == raised)
        {
            reasons.push(format!(
                "{} was raised on {raised}, not a session's date: `vse-assess finding edit FILE {} --raised DATE`",
                f.id, f.id
            ));
        }
    }
    let unanswered: Vec<&str> = q
        .conditions
        .iter()
        .filter(|c| !record.conditions.contains_key(&c.id))
        .map(|c| c.id.as_str())
        .collect();
    if !unanswered.is_empty() {
        reasons.push(format!(
            "clause 6 conditions not answered: {}",
            unanswered.join(", ")
        ));
    }
    if meta.kind == Kind::SelfAssessment && meta.conclusions.trim().is_empty() {
        reasons.push("no conclusions written".into());
    }
    reasons.extend(details::missing_for_sign_off(meta));
    reasons.extend(super::next::carried_not_followed_up(record));
    // An audit's recommendation rests on its nonconformities: every rating has to agree
    // with them first. A self-assessment is signed off with its warnings, listed as gaps.
    if meta.kind == super::Kind::Audit {
        reasons.extend(
            crate::conformance::consistency_warnings(q, &record.lookup())
                .into_iter()
                .map(|(id, why)| format!("{id}: {why}")),
        );
    }
    reasons
}

/// What a sign-off goes ahead despite, worth saying when it is made: an audit whose report
/// states no sampling anywhere, a self-assessment's consistency warnings (its gaps).
pub fn sign_off_warnings(record: &Record, q: &Questionnaire) -> Vec<String> {
    let mut warnings = Vec::new();
    if record.assessment.kind == super::Kind::Audit {
        let sampled = record
            .requirements
            .values()
            .any(|a| !a.sampling.trim().is_empty());
        if !sampled {
            warnings.push(
                "no requirement records what was sampled (`answer FILE REQ --sampling TEXT`): the report cannot state the audit's sample".into(),
            );
        }
    } else {
        warnings.extend(
            crate::conformance::consistency_warnings(q, &record.lookup())
                .into_iter()
                .map(|(id, why)| format!("{id}: {why} (the report lists it as a gap)")),
        );
    }
    if let Some(signed) = record.assessment.sign_off() {
        warnings.extend(plan_due_warnings(record, &signed.date));
    }
    warnings
}

/// The nonconformities whose plan is due more days after `signed_off` than the scheme
/// allows ([`super::Metadata::plan_limits`], by default 30 days for a major, 90 for a
/// minor), one line each.
pub fn plan_due_warnings(record: &Record, signed_off: &str) -> Vec<String> {
    let meta = &record.assessment;
    let limits = meta.plan_limits.unwrap_or_default();
    let Ok(from) = signed_off.parse::<Date>() else {
        return Vec::new();
    };
    record
        .findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
        .filter_map(|f| {
            let due = f.plan_due.as_deref().or(meta.plan_due.as_deref())?;
            let days = from.until(due.parse::<Date>().ok()?).ok()?.get_days();
            let limit = if f.class == FindingClass::Major {
                limits.major
            } else {
                limits.minor
            };
            (i64::from(days) > i64::from(limit)).then(|| {
                format!(
                    "{}'s plan is due {due}, {days} days after the sign-off: the scheme allows {limit} for a {}",
                    f.id,
                    f.class.describe()
                )
            })
        })
        .collect()
}

/// What a sign-off dated `date` would come before: a verification of the audit (not of its
/// follow-up) recorded later.
fn dated_after(record: &Record, date: &str) -> Vec<String> {
    record
        .findings
        .iter()
        .flat_map(|f| f.verifications.iter().map(move |v| (f, v)))
        .filter(|(_, v)| !v.follow_up && v.date.as_str() > date)
        .map(|(f, v)| {
            format!(
                "{}'s verification is dated {}, after the sign-off",
                f.id, v.date
            )
        })
        .collect()
}

/// Signs the record off: it becomes final, and the sign-off joins its history. Refused, with
/// every reason, while [`sign_off_blockers`] finds any, or when who or when is wrong.
pub fn finalize(
    record: &mut Record,
    q: &Questionnaire,
    by: &str,
    date: &str,
    today: Date,
) -> Result<(), Refused> {
    let date = date.trim();
    let mut reasons = sign_off_blockers(record, q);
    reasons.extend(
        check_status_change(record, by, date, today, true)
            .err()
            .map(|r| r.to_string()),
    );
    reasons.extend(dated_after(record, date));
    // The VSE's plan answers the report: it cannot fall due before the report is issued.
    for f in record
        .findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
    {
        let due = f
            .plan_due
            .as_deref()
            .or(record.assessment.plan_due.as_deref());
        if let Some(due) = due.filter(|d| *d < date) {
            reasons.push(format!(
                "{}'s plan is due {due}, before the sign-off ({date}): give a later date (`finding edit FILE {} --plan-due DATE` or `set FILE --plan-due DATE`)",
                f.id, f.id
            ));
        }
    }
    if !reasons.is_empty() {
        return Err(Refused::NotReady(reasons));
    }
    let by = spelled(&record.assessment, by);
    let meta = &mut record.assessment;
    meta.status = Status::Final;
    meta.history.push(StatusChange {
        status: Status::Final,
        by,
        date: date.to_owned(),
        reason: String::new(),
    });
    Ok(())
}

/// Makes a final record editable again; the reopening, who and why, joins its history.
pub fn reopen(
    record: &mut Record,
    by: &str,
    date: &str,
    reason: &str,
    today: Date,
) -> Result<(), Refused> {
    if record.assessment.status != Status::Final {
        return refuse("status", "it is not final: there is nothing to reopen");
    }
    // The follow-up was reported on the audit as signed off: that audit stays as it is.
    follow_up_open(record)?;
    if reason.trim().is_empty() {
        return refuse("reason", "say why it is reopened");
    }
    let date = date.trim();
    check_status_change(record, by, date, today, false)?;
    let by = spelled(&record.assessment, by);
    let meta = &mut record.assessment;
    meta.status = Status::Draft;
    meta.history.push(StatusChange {
        status: Status::Draft,
        by,
        date: date.to_owned(),
        reason: reason.trim().to_owned(),
    });
    Ok(())
}

/// Puts back `earlier`, a state the record was in earlier in the same session (an undo or a
/// redo). Never across a sign-off, a reopening or the closing of the follow-up; on a final
/// record, only what its follow-up changed (the VSE's response and acceptance, actions,
/// verifications, evidence registered for the follow-up) while the follow-up is open.
pub fn restore(record: &mut Record, mut earlier: Record) -> Result<(), Refused> {
    let (now, then) = (&record.assessment, &earlier.assessment);
    if now.status != then.status
        || now.history != then.history
        || now.follow_up_closed != then.follow_up_closed
    {
        return refuse(
            "status",
            "the record was signed off, reopened or its follow-up closed since: what came before stays as it is",
        );
    }
    // A hash is what the file held when it was read, not a change anyone made: an item at
    // the same place keeps the latest.
    for e in &mut earlier.evidence {
        if let Some(now) = record.evidence_item(&e.id)
            && now.location == e.location
        {
            e.sha256.clone_from(&now.sha256);
        }
    }
    // An id once given is never given again, even when what had it is undone.
    for (prefix, n) in &record.issued {
        let kept = earlier.issued.entry(prefix.clone()).or_default();
        *kept = (*kept).max(*n);
    }
    if record.assessment.sign_off().is_some() {
        follow_up_open(record)?;
        if as_found(record) != as_found(&earlier) {
            editable(record)?;
        }
    }
    *record = earlier;
    Ok(())
}

/// The record less its follow-up: what the audit found, which a final record keeps.
fn as_found(record: &Record) -> Record {
    let mut found = record.clone();
    for f in &mut found.findings {
        f.vse_accepted = None;
        f.correction.clear();
        f.root_cause.clear();
        f.actions.clear();
        f.verifications.clear();
    }
    found.evidence.retain(|e| !e.follow_up);
    found.issued.clear();
    found
}

/// What the closing of the follow-up checks of the verifications, every reason; empty when
/// none stands in its way: each verification by whom it may be (see [`verifier_check`]:
/// the team may have changed since), and no nonconformity left verified not effective
/// without a new root cause and action (see [`loop_unanswered`]).
pub fn follow_up_close_checks(record: &Record) -> Vec<String> {
    let meta = &record.assessment;
    let mut reasons = Vec::new();
    for f in record
        .findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
    {
        for v in &f.verifications {
            let mut why: Vec<String> = verifier_check(meta, f.class, v)
                .err()
                .map(|e| e.to_string())
                .into_iter()
                .collect();
            // What `verify` asks of a verification, asked again of one written by hand.
            if v.note.trim().is_empty() {
                why.push("it says nothing of what was seen (no note)".into());
            }
            if v.evidence.is_empty() {
                why.push("it cites no evidence".into());
            }
            if let Some(raised) = f.raised.as_deref().filter(|r| v.date.as_str() <= *r) {
                why.push(format!("it is not after the finding was raised ({raised})"));
            }
            // The last one stands on the actions as they are (an earlier one may have seen
            // an action since reopened and done again).
            let last = f.verification().is_some_and(|l| std::ptr::eq(l, v));
            for a in f.actions.iter().filter(|a| last && v.covered(&a.id)) {
                if let Some(done) = a.completed.as_deref().filter(|d| *d > v.date.as_str()) {
                    why.push(format!("it comes before {} was done ({done})", a.id));
                }
            }
            for w in why {
                reasons.push(format!("{}'s verification of {}: {w}", f.id, v.date));
            }
        }
        reasons.extend(loop_unanswered(f));
    }
    reasons
}

/// What is still open when the follow-up is closed, one line each: nonconformities not
/// verified closed (with where they stand), and their open actions.
pub fn follow_up_remaining(record: &Record) -> Vec<String> {
    let mut open = Vec::new();
    for f in record.findings.iter().filter(|f| f.is_open()) {
        open.push(format!(
            "{} ({}, {}): {}",
            f.id,
            f.requirement,
            f.class.key(),
            f.state().describe()
        ));
        for a in f.actions.iter().filter(|a| a.status == ActionStatus::Open) {
            let due = a
                .due
                .as_deref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default();
            open.push(format!("{} of {} open{due}: {}", a.id, f.id, a.what));
        }
    }
    open
}

/// The latest date the follow-up recorded: a verification made after the sign-off, an
/// action proposed, accepted or completed, a finding accepted by the VSE.
fn latest_follow_up(record: &Record) -> Option<&str> {
    let mut dates: Vec<&str> = Vec::new();
    for f in &record.findings {
        dates.extend(f.vse_accepted.as_ref().map(|s| s.date.as_str()));
        for v in f.verifications.iter().filter(|v| v.follow_up) {
            dates.push(&v.date);
        }
        for a in &f.actions {
            dates.extend(a.proposed.as_ref().map(|s| s.date.as_str()));
            dates.extend(a.accepted.as_ref().map(|s| s.date.as_str()));
            dates.extend(a.completed.as_deref());
        }
    }
    dates.into_iter().max()
}

/// Closes the follow-up of a final record: from then on it is as reported. By the lead
/// auditor in an audit with a team recorded (in a self-assessment anyone named), dated not
/// in the future, nor before the sign-off or any date the follow-up recorded. Refused, with
/// every reason, while [`follow_up_close_checks`] finds any.
pub fn close_follow_up(
    record: &mut Record,
    by: &str,
    date: &str,
    today: Date,
) -> Result<(), Refused> {
    follow_up_open(record)?;
    let meta = &record.assessment;
    let Some(signed) = meta.sign_off() else {
        return refuse(
            "status",
            "the record is a draft: follow-up comes after the sign-off (`vse-assess finalize`)",
        );
    };
    let by = by.trim();
    let date = date.trim();
    let mut reasons = Vec::new();
    if by.is_empty() {
        reasons.push("say who closes the follow-up (a name)".to_owned());
    } else if meta.kind == Kind::Audit && !meta.team.is_empty() {
        reasons.extend(
            not_the_lead(meta, by, "closes the follow-up of an audit")
                .err()
                .map(|r| r.to_string()),
        );
    }
    match self::date("date", date).and_then(|()| not_in_future("date", date, today)) {
        Err(why) => reasons.push(why.to_string()),
        Ok(()) => {
            if date < signed.date.as_str() {
                reasons.push(format!(
                    "`{date}` is before the sign-off ({})",
                    signed.describe()
                ));
            }
            if let Some(last) = latest_follow_up(record).filter(|d| date < *d) {
                reasons.push(format!(
                    "`{date}` is before the follow-up's latest date recorded ({last})"
                ));
            }
        }
    }
    reasons.extend(follow_up_close_checks(record));
    if !reasons.is_empty() {
        return Err(Refused::FollowUpNotReady(reasons));
    }
    record.assessment.follow_up_closed = Some(Signed {
        by: spelled(&record.assessment, by),
        date: date.to_owned(),
    });
    Ok(())
}

/// Who and when of a sign-off or reopening: named (in an audit, a member of the assessment
/// team, and for the sign-off its lead auditor), dated not in the future and not before
/// what it follows.
fn check_status_change(
    record: &Record,
    by: &str,
    date: &str,
    today: Date,
    signing: bool,
) -> Result<(), Refused> {
    let meta = &record.assessment;
    let by = by.trim();
    if by.is_empty() {
        return refuse("by", "say who signs (a name)");
    }
    if meta.kind == super::Kind::Audit && !meta.team.is_empty() && named(&meta.team, by).is_none() {
        let names: Vec<&str> = meta.team.iter().map(|p| p.name.as_str()).collect();
        return refuse(
            "by",
            format!(
                "`{by}` is not in the assessment team ({}): the team signs its report",
                names.join(", ")
            ),
        );
    }
    // The lead auditor signs the report off, and alone takes it back for a mistake.
    if meta.kind == super::Kind::Audit && !meta.team.is_empty() {
        let does = if signing {
            "signs off an audit"
        } else {
            "reopens an audit"
        };
        not_the_lead(meta, by, does)?;
    }
    self::date("date", date)?;
    not_in_future("date", date, today)?;
    let last_session = meta.sessions.iter().map(|s| s.date.as_str()).max();
    if let Some(held) = last_session.filter(|d| date < *d) {
        return refuse(
            "date",
            format!("`{date}` is before the assessment's last session ({held})"),
        );
    }
    if let Some(before) = meta.history.last().filter(|c| date < c.date.as_str()) {
        return refuse(
            "date",
            format!(
                "`{date}` is before the last entry of the history ({})",
                before.describe()
            ),
        );
    }
    Ok(())
}

/// Refused unless `by` is the team's lead auditor: only the lead auditor `does` it.
/// Who may verify a nonconformity of `class`, and when: the assessment team, not the VSE
/// (when a team is recorded, one of it; in an audit an auditor or the lead auditor, the lead
/// alone for a major), and not before the assessment's first session. Checked when the
/// verification is recorded and again at sign-off, as the team may have changed since.
fn verifier_check(
    meta: &super::Metadata,
    class: FindingClass,
    verification: &Verification,
) -> Result<(), Refused> {
    let by = verification.by.trim();
    let team = &meta.team;
    if team.is_empty() {
        return Ok(());
    }
    let Some(member) = named(team, by) else {
        let names: Vec<&str> = team.iter().map(|p| p.name.as_str()).collect();
        return refuse(
            "by",
            format!(
                "`{by}` is not in the assessment team ({}): the team verifies corrective action",
                names.join(", ")
            ),
        );
    };
    if meta.kind == Kind::Audit {
        if class == FindingClass::Major {
            not_the_lead(meta, by, "verifies a major nonconformity")?;
        } else if !member.is_lead_auditor() && member.role != "auditor" {
            return refuse(
                "by",
                format!(
                    "`{by}` ({}) does not verify: an auditor or the lead auditor does",
                    if member.role.is_empty() {
                        "no role"
                    } else {
                        &member.role
                    }
                ),
            );
        }
    }
    if let Some(first) = meta.sessions.iter().map(|s| s.date.as_str()).min()
        && verification.date.as_str() < first
    {
        return refuse(
            "date",
            format!(
                "`{}` is before the assessment's first session ({first}): a verification follows the finding",
                verification.date
            ),
        );
    }
    Ok(())
}

fn not_the_lead(meta: &super::Metadata, by: &str, does: &str) -> Result<(), Refused> {
    let leads: Vec<&super::Person> = meta.team.iter().filter(|p| p.is_lead_auditor()).collect();
    if leads.iter().any(|p| same_name(&p.name, by)) {
        return Ok(());
    }
    let role = named(&meta.team, by)
        .map(|p| {
            if p.role.is_empty() {
                "no role".to_owned()
            } else {
                p.role.clone()
            }
        })
        .unwrap_or_default();
    let names: Vec<&str> = leads.iter().map(|p| p.name.as_str()).collect();
    let who = match names.as_slice() {
        [] => " and the team names none: `vse-assess set FILE --assessor \"NAME:lead auditor\"`"
            .to_owned(),
        [one] => format!(", {one},"),
        many => format!(", and the team names {}: it has one", many.join(", ")),
    };
    let does = if names.len() == 1 {
        format!("{who} {does}")
    } else {
        format!(" {does}{who}")
    };
    refuse(
        "by",
        format!("`{by}` ({role}) is not the lead auditor: only the lead auditor{does}"),
    )
}

/// What to change in a clause 6 answer.
#[derive(Debug, Clone, Default)]
pub struct ConditionChange {
    /// Met or not; `None` withdraws the answer (not answered), which then keeps no note
    /// and no evidence.
    pub met: Option<bool>,
    /// The note, trimmed; `None` keeps the one recorded.
    pub note: Option<String>,
    /// Evidence ids to cite in addition to those cited, or (`replace`) instead of them.
    pub evidence: Vec<String>,
    pub replace_evidence: bool,
}

/// Answers one of clause 6's minimal conditions, by its id as people type it (in any
/// case); returns the condition's id.
pub fn answer_condition(
    record: &mut Record,
    q: &Questionnaire,
    id: &str,
    change: ConditionChange,
) -> Result<String, Refused> {
    editable(record)?;
    let Some(c) = q
        .conditions
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
    else {
        return Err(Refused::NotFound {
            what: Thing::Condition,
            id: id.to_owned(),
            known: q.conditions.iter().map(|c| c.id.clone()).collect(),
        });
    };
    let cid = c.id.clone();
    check_evidence(record, &change.evidence)?;
    let note = change.note.as_deref().map(str::trim);
    let Some(met) = change.met else {
        if note.is_some_and(|n| !n.is_empty()) || !change.evidence.is_empty() {
            return refuse("met", "answer yes or no to keep a note or evidence");
        }
        record.conditions.remove(&cid);
        return Ok(cid);
    };
    let entry = record.conditions.entry(cid.clone()).or_default();
    entry.met = met;
    if let Some(note) = note {
        entry.note = note.to_owned();
    }
    if change.replace_evidence {
        entry.evidence.clear();
    }
    cite(&mut entry.evidence, &change.evidence);
    Ok(cid)
}

/// Adds an item to the evidence register. It needs an id of its own and a title; the
/// requirements it supports are resolved as people type them (`7.2a`). Where it is and its
/// SHA-256 are the front end's to find out (they read the disk).
pub fn add_evidence(record: &mut Record, q: &Questionnaire, item: Evidence) -> Result<(), Refused> {
    // After the sign-off, what shows the follow-up done joins the register as follow-up,
    // supporting no requirement (what supports a rating was found by the audit).
    let follow_up = record.assessment.sign_off().is_some();
    if follow_up {
        follow_up_open(record)?;
        if !item.supports.is_empty() {
            editable(record)?;
        }
    } else {
        editable(record)?;
    }
    let mut item = checked_item(record, q, item, None)?;
    item.follow_up = follow_up;
    record.evidence.push(item);
    Ok(())
}

/// A change to item `id` of the register: one the audit found changes only while the record
/// is a draft, one registered for the follow-up until the follow-up is closed.
fn evidence_editable(record: &Record, id: &str) -> Result<(), Refused> {
    match record.evidence_item(id) {
        Some(e) if e.follow_up && record.assessment.sign_off().is_some() => follow_up_open(record),
        _ => editable(record),
    }
}

/// Rewrites an item of the register, found by the id it had (`id`). What it supports stays;
/// so does its SHA-256 while its location is the same and it is still a file, or still not
/// one. Returns whether that changed (the file there is then to be hashed again).
pub fn edit_evidence(
    record: &mut Record,
    q: &Questionnaire,
    id: &str,
    item: Evidence,
) -> Result<bool, Refused> {
    evidence_editable(record, id)?;
    check_evidence(record, &[id.to_owned()])?;
    let mut item = checked_item(record, q, item, Some(id))?;
    let i = record
        .evidence
        .iter()
        .position(|e| e.id == id)
        .expect("checked");
    let old = &record.evidence[i];
    item.supports = old.supports.clone();
    item.follow_up = old.follow_up;
    let moved = item.location != old.location || item.file != old.file;
    if !moved {
        item.sha256 = old.sha256.clone();
    }
    record.evidence[i] = item;
    Ok(moved)
}

/// A file of the register was hashed: its SHA-256, and its location as the record keeps it,
/// unless the item moved on since (`location` is where it was when the hashing started).
/// Returns whether anything changed.
pub fn evidence_hashed(
    record: &mut Record,
    id: &str,
    location: &str,
    stored: String,
    sha256: Option<String>,
) -> Result<bool, Refused> {
    evidence_editable(record, id)?;
    let Some(item) = record.evidence_item_mut(id) else {
        return Ok(false);
    };
    if item.location != location {
        return Ok(false);
    }
    item.location = stored;
    item.sha256 = sha256;
    Ok(true)
}

fn checked_item(
    record: &Record,
    q: &Questionnaire,
    mut item: Evidence,
    replacing: Option<&str>,
) -> Result<Evidence, Refused> {
    item.id = item.id.trim().to_owned();
    item.title = item.title.trim().to_owned();
    if item.id.is_empty() || item.title.is_empty() {
        return refuse("title", "an item needs an id and a title");
    }
    if replacing != Some(item.id.as_str()) && record.evidence_item(&item.id).is_some() {
        return Err(Refused::Duplicate { id: item.id });
    }
    item.supports = item
        .supports
        .iter()
        .map(|s| {
            q.resolve(s)
                .map(|r| r.id.clone())
                .map_err(|e| Refused::Invalid {
                    field: "supports",
                    why: e.to_string(),
                })
        })
        .collect::<Result<_, _>>()?;
    Ok(item)
}

/// What to change in the assessment details; `None` leaves a detail as it is. Texts are
/// trimmed; lists replace what the record holds.
#[derive(Debug, Clone, Default)]
pub struct Details {
    pub vse: Option<String>,
    pub kind: Option<Kind>,
    pub client: Option<String>,
    pub objectives: Option<String>,
    pub criteria: Option<String>,
    /// `Some(None)` clears the stage (not stated).
    pub stage: Option<Option<Stage>>,
    pub certification_body: Option<String>,
    pub report_ref: Option<String>,
    /// `Some(None)`: not stated.
    pub objectives_met: Option<Option<bool>>,
    /// `Some(None)`: not stated.
    pub scope_appropriate: Option<Option<bool>>,
    pub scope: Option<String>,
    /// Process ids, in any case (see [`process_list`]).
    pub processes: Option<Vec<String>>,
    pub sites: Option<Vec<String>>,
    pub team: Option<Vec<Person>>,
    pub participants: Option<Vec<Person>>,
    pub sessions: Option<Vec<Session>>,
    pub audit_plan: Option<String>,
    pub remote_method: Option<String>,
    pub not_covered: Option<String>,
    pub diverging_opinions: Option<String>,
    pub conclusions: Option<String>,
    pub distribution: Option<String>,
    pub confidentiality: Option<String>,
    /// When the VSE's plan is due for every nonconformity without a date of its own;
    /// `Some(None)` clears it. Not before the first session.
    pub plan_due: Option<Option<String>>,
    /// The scheme's limit, in days after the sign-off, for a major's plan (at least 1).
    pub plan_limit_major: Option<u32>,
    /// As `plan_limit_major`, for a minor's.
    pub plan_limit_minor: Option<u32>,
}

impl Details {
    /// How many details it sets.
    pub fn count(&self) -> usize {
        let texts = [
            &self.vse,
            &self.client,
            &self.objectives,
            &self.criteria,
            &self.certification_body,
            &self.report_ref,
            &self.scope,
            &self.audit_plan,
            &self.remote_method,
            &self.not_covered,
            &self.diverging_opinions,
            &self.conclusions,
            &self.distribution,
            &self.confidentiality,
        ];
        texts.iter().filter(|t| t.is_some()).count()
            + usize::from(self.kind.is_some())
            + usize::from(self.stage.is_some())
            + usize::from(self.objectives_met.is_some())
            + usize::from(self.scope_appropriate.is_some())
            + usize::from(self.processes.is_some())
            + usize::from(self.sites.is_some())
            + usize::from(self.team.is_some())
            + usize::from(self.participants.is_some())
            + usize::from(self.sessions.is_some())
            + usize::from(self.plan_due.is_some())
            + usize::from(self.plan_limit_major.is_some())
            + usize::from(self.plan_limit_minor.is_some())
    }
}

/// Sets assessment details; every one is checked before any is set. Processes must be the
/// questionnaire's, people named, sessions dated, the team's roles those of the kind of
/// assessment (see [`Kind::team_roles`]), also when the kind changes.
pub fn set_details(
    record: &mut Record,
    q: &Questionnaire,
    mut details: Details,
) -> Result<(), Refused> {
    editable(record)?;
    let processes = match &details.processes {
        Some(given) => {
            let ids: Vec<String> = given.iter().map(|p| p.trim().to_uppercase()).collect();
            // Worded as the record check words it.
            if let Some((i, bad)) = ids.iter().enumerate().find(|(_, p)| q.process(p).is_none()) {
                let known: Vec<&str> = q.processes.iter().map(|p| p.id.as_str()).collect();
                return refuse(
                    "processes",
                    format!(
                        "assessment.scope.processes[{i}]: unknown process `{bad}`; expected one of {}",
                        known.join(", ")
                    ),
                );
            }
            Some(ids)
        }
        None => None,
    };
    // Worded as the record check words it (`check`), which reads the same rule from a file.
    for (field, people) in [
        ("team", &details.team),
        ("participants", &details.participants),
    ] {
        if let Some(i) = people
            .iter()
            .flatten()
            .position(|p| p.name.trim().is_empty())
        {
            return refuse(
                field,
                format!("assessment.{field}[{i}].name: must not be empty"),
            );
        }
    }
    if details
        .sites
        .iter()
        .flatten()
        .any(|site| site.trim().is_empty())
    {
        return refuse("sites", "a site needs a name");
    }
    let previous = record.assessment.previous.as_ref();
    for s in details.sessions.iter().flatten() {
        check_date(&s.date).map_err(|e| Refused::Invalid {
            field: "sessions",
            why: format!("{e}: {SESSIONS_HINT}"),
        })?;
        // The next audit of a cycle comes after the one it follows on from.
        if let Some((p, signed)) = previous.and_then(|p| p.signed_off.as_deref().map(|d| (p, d)))
            && s.date.as_str() < signed
        {
            return refuse(
                "sessions",
                format!(
                    "`{}` is before {} was signed off ({signed}): this assessment follows it",
                    s.date, p.file
                ),
            );
        }
    }
    let plan_due = match &details.plan_due {
        Some(Some(d)) if !d.trim().is_empty() => {
            // Against the sessions as they will be.
            let mut as_set = record.clone();
            if let Some(sessions) = &details.sessions {
                as_set.assessment.sessions.clone_from(sessions);
            }
            check_due(&as_set, "plan_due", d.trim())?;
            Some(Some(d.trim().to_owned()))
        }
        Some(_) => Some(None),
        None => None,
    };
    if details.plan_limit_major == Some(0) || details.plan_limit_minor == Some(0) {
        return refuse(
            "plan_limits",
            "a plan's limit is a number of days after the sign-off: at least 1",
        );
    }
    // The team as it will be, checked against the kind it will be: a team given now, or
    // the one recorded when the kind changes.
    let kind = details.kind.unwrap_or(record.assessment.kind);
    let mut team = details
        .team
        .take()
        .unwrap_or_else(|| record.assessment.team.clone());
    for (i, p) in team.iter_mut().enumerate() {
        p.role = kind.team_role(&p.role).map_err(|why| Refused::Invalid {
            field: "team",
            why: format!("assessment.team[{i}].role: {why} ({})", p.name.trim()),
        })?;
    }
    details.team = Some(team);
    let meta = &mut record.assessment;
    let texts = [
        (details.vse, &mut meta.vse),
        (details.client, &mut meta.client),
        (details.objectives, &mut meta.objectives),
        (details.criteria, &mut meta.criteria),
        (details.certification_body, &mut meta.certification_body),
        (details.report_ref, &mut meta.report_ref),
        (details.scope, &mut meta.scope.description),
        (details.audit_plan, &mut meta.audit_plan),
        (details.remote_method, &mut meta.remote_method),
        (details.not_covered, &mut meta.not_covered),
        (details.diverging_opinions, &mut meta.diverging_opinions),
        (details.conclusions, &mut meta.conclusions),
        (details.distribution, &mut meta.distribution),
        (details.confidentiality, &mut meta.confidentiality),
    ];
    for (given, field) in texts {
        if let Some(value) = given {
            *field = value.trim().to_owned();
        }
    }
    if let Some(kind) = details.kind {
        meta.kind = kind;
    }
    if let Some(stage) = details.stage {
        meta.stage = stage;
    }
    if let Some(met) = details.objectives_met {
        meta.objectives_met = met;
    }
    if let Some(appropriate) = details.scope_appropriate {
        meta.scope_appropriate = appropriate;
    }
    if let Some(ids) = processes {
        meta.scope.processes = ids;
    }
    if let Some(sites) = details.sites {
        meta.scope.sites = sites.iter().map(|s| s.trim().to_owned()).collect();
    }
    if let Some(team) = details.team {
        meta.team = team;
    }
    if let Some(participants) = details.participants {
        meta.participants = participants;
    }
    if let Some(sessions) = details.sessions {
        meta.sessions = sessions;
    }
    if let Some(due) = plan_due {
        meta.plan_due = due;
    }
    if details.plan_limit_major.is_some() || details.plan_limit_minor.is_some() {
        let was = meta.plan_limits.unwrap_or_default();
        meta.plan_limits = Some(super::PlanLimits {
            major: details.plan_limit_major.unwrap_or(was.major),
            minor: details.plan_limit_minor.unwrap_or(was.minor),
        });
    }
    Ok(())
}

/// How sessions are written, in the form and on the command line alike.
pub const SESSIONS_HINT: &str =
    "write DATE LOCATION or DATE:LOCATION, e.g. 2026-11-27 Lyon; 2026-11-28:Paris";

/// One session as typed: `DATE`, `DATE LOCATION` or `DATE:LOCATION`.
pub fn parse_session(typed: &str) -> Result<Session, Refused> {
    let typed = typed.trim();
    let (day, location) = match typed.find([' ', ':', '\t']) {
        Some(i) => (&typed[..i], &typed[i + 1..]),
        None => (typed, ""),
    };
    check_date(day).map_err(|e| Refused::Invalid {
        field: "sessions",
        why: format!("{e}; {SESSIONS_HINT}"),
    })?;
    Ok(Session {
        date: day.to_owned(),
        location: location.trim().trim_start_matches(':').trim().to_owned(),
    })
}

/// Sessions typed as one list: one a line, or separated by `;`.
pub fn parse_sessions(typed: &str) -> Result<Vec<Session>, Refused> {
    place_list(typed).iter().map(|s| parse_session(s)).collect()
}

/// People typed as one list, `Name: role; Name:role, Name` (separated as [`name_list`]
/// separates names; see [`Person::parse`]).
pub fn people_list(typed: &str) -> Vec<Person> {
    name_list(typed).iter().map(|p| Person::parse(p)).collect()
}

/// Process ids typed as one list: separated by commas, semicolons or spaces (`OM, RM`).
pub fn process_list(typed: &str) -> Vec<String> {
    typed
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_uppercase)
        .collect()
}

fn finding_mut<'r>(record: &'r mut Record, id: &str) -> Result<&'r mut Finding, Refused> {
    if record.finding(id).is_none() {
        return Err(no_finding(record, id));
    }
    Ok(record.finding_mut(id).expect("found"))
}

fn no_finding(record: &Record, id: &str) -> Refused {
    Refused::NotFound {
        what: Thing::Finding,
        id: id.to_owned(),
        known: record.findings.iter().map(|f| f.id.clone()).collect(),
    }
}

fn check_evidence(record: &Record, ids: &[String]) -> Result<(), Refused> {
    for id in ids {
        if record.evidence_item(id).is_none() {
            return Err(Refused::NotFound {
                what: Thing::Evidence,
                id: id.clone(),
                known: record.evidence.iter().map(|e| e.id.clone()).collect(),
            });
        }
    }
    Ok(())
}

fn cite(cited: &mut Vec<String>, more: &[String]) {
    for id in more {
        if !cited.contains(id) {
            cited.push(id.clone());
        }
    }
}

fn add_names(names: &mut Vec<String>, more: &[String]) -> Result<(), Refused> {
    for name in more {
        let name = name.trim();
        if name.is_empty() {
            return refuse("interviewed", "an interviewee needs a name");
        }
        if !names.iter().any(|n| name_key(n) == name_key(name)) {
            names.push(name.to_owned());
        }
    }
    Ok(())
}

fn list_or_none(ids: &[impl AsRef<str>]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::catalog;

    fn today() -> Date {
        jiff::civil::date(2026, 11, 30)
    }

    fn record() -> Record {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        Record::new(&loaded, "Acme", crate::record::Kind::Audit)
    }

    #[test]
    fn not_applicable_needs_a_justification_and_only_it_keeps_one() {
        let mut r = record();
        assert_eq!(
            rate(&mut r, "7.3.f", Some(Judgement::NA), None)
                .unwrap_err()
                .to_string(),
            "not applicable needs a justification"
        );
        assert!(r.answer("7.3.f").is_none_or(|a| a.rating.is_none()));
        rate(
            &mut r,
            "7.3.f",
            Some(Judgement::NA),
            Some(" Parent company "),
        )
        .unwrap();
        assert_eq!(r.answer("7.3.f").unwrap().justification, "Parent company");
        // Rated again N/A: the justification recorded is enough.
        rate(&mut r, "7.3.f", Some(Judgement::NA), None).unwrap();
        assert!(rate(&mut r, "7.3.f", Some(Judgement::F), Some("why")).is_err());
        rate(&mut r, "7.3.f", Some(Judgement::F), None).unwrap();
        assert_eq!(r.answer("7.3.f").unwrap().justification, "");
    }

    #[test]
    fn an_action_removed_keeps_its_id() {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let mut r = record();
        let new = NewFinding {
            requirement: "7.2.g".into(),
            text: "No plan".into(),
            ..NewFinding::default()
        };
        let nc = add_finding(&mut r, &loaded.questionnaire, new, today()).unwrap();
        let a1 = add_action(&mut r, &nc, "Write it", "", None).unwrap();
        remove_action(&mut r, &a1).unwrap();
        assert_eq!(
            add_action(&mut r, &nc, "Write it", "", None).unwrap(),
            "A-2"
        );
    }

    fn signed_off() -> (Record, Questionnaire) {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/audit.toml"
        ))
        .unwrap();
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let mut r: Record = toml::from_str(&text).unwrap();
        let q = loaded.questionnaire;
        let today = jiff::civil::date(2026, 11, 30);
        complete(&mut r, &q);
        finalize(&mut r, &q, "Claire Martin", "2026-11-20", today).unwrap();
        (r, q)
    }

    /// Every detail an audit needs for its sign-off that the fixture may not state.
    fn complete(r: &mut Record, q: &Questionnaire) {
        let text = |s: &str| Some(s.to_owned());
        let details = Details {
            stage: Some(Some(Stage::Stage2)),
            certification_body: text("Certa SA"),
            report_ref: text("CB-2026-017"),
            remote_method: text("Video call"),
            diverging_opinions: text("none"),
            plan_due: Some(text("2026-12-15")),
            objectives_met: Some(Some(true)),
            scope_appropriate: Some(Some(true)),
            ..Details::default()
        };
        set_details(r, q, details).unwrap();
    }

    /// The stage is read as people type it, and written one way.
    #[test]
    fn stages_parse_as_typed() {
        for (typed, stage) in [
            ("stage-1", Stage::Stage1),
            ("Stage 1", Stage::Stage1),
            ("1", Stage::Stage1),
            ("stage2", Stage::Stage2),
            ("stage_2", Stage::Stage2),
            ("Surveillance", Stage::Surveillance),
            ("recertification", Stage::Recertification),
            ("special", Stage::Special),
        ] {
            assert_eq!(Stage::parse(typed), Ok(stage), "{typed}");
        }
        assert_eq!(Stage::Stage1.to_string(), "stage 1");
        assert_eq!(
            Stage::parse("3").unwrap_err(),
            "`3` is not an audit stage: expected stage-1, stage-2, surveillance, recertification, special"
        );
    }

    /// Only the lead auditor verifies a major nonconformity; an auditor verifies a minor.
    #[test]
    fn only_the_lead_auditor_verifies_a_major() {
        let (mut r, q) = signed_off();
        let today = jiff::civil::date(2026, 11, 30);
        reopen(&mut r, "Claire Martin", "2026-11-21", "more", today).unwrap();
        let major = add_finding(
            &mut r,
            &q,
            NewFinding {
                requirement: "7.3.b".into(),
                class: FindingClass::Major,
                text: "No review".into(),
                ..NewFinding::default()
            },
            today,
        )
        .unwrap();
        let a = add_action(&mut r, &major, "Review", "", None).unwrap();
        set_action_status(&mut r, &a, ActionStatus::Closed).unwrap();
        let by = |name: &str| Verification {
            by: name.into(),
            date: "2026-11-22".into(),
            effective: true,
            note: "Minutes of the review".into(),
            evidence: vec!["SK".into()],
            ..Verification::default()
        };
        let err = verify(&mut r, &major, by("Hugo Petit"), today).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`Hugo Petit` (auditor) is not the lead auditor: only the lead auditor, Claire Martin, verifies a major nonconformity"
        );
        assert!(r.finding(&major).unwrap().verifications.is_empty());
        verify(&mut r, &major, by("Claire Martin"), today).unwrap();
        let minor = add_finding(
            &mut r,
            &q,
            NewFinding {
                requirement: "7.3.c".into(),
                class: FindingClass::Minor,
                text: "Late".into(),
                ..NewFinding::default()
            },
            today,
        )
        .unwrap();
        let a = add_action(&mut r, &minor, "Plan", "", None).unwrap();
        set_action_status(&mut r, &a, ActionStatus::Closed).unwrap();
        verify(&mut r, &minor, by("Hugo Petit"), today).unwrap();
    }

    /// A person is named in any case and spacing wherever a list knows them (the team for
    /// the sign-off, reopening, verification, acceptance and close; the participants for an
    /// owner or proposer), and is written as that list spells them.
    #[test]
    fn names_are_matched_in_any_case_and_kept_as_the_list_spells_them() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/reports/example-assessment.toml"
        ))
        .unwrap();
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let q = loaded.questionnaire;
        let mut r: Record = toml::from_str(&text).unwrap();
        complete(&mut r, &q);
        let today = today();
        let last_by = |r: &Record| r.assessment.history.last().unwrap().by.clone();
        finalize(&mut r, &q, " claire  MARTIN ", "2026-11-20", today).unwrap();
        assert_eq!(last_by(&r), "Claire Martin");
        // Someone else is still refused, in any case.
        let err = reopen(&mut r, "hugo petit", "2026-11-21", "x", today).unwrap_err();
        assert!(err.to_string().contains("is not the lead auditor"), "{err}");
        reopen(&mut r, "CLAIRE martin", "2026-11-21", "more", today).unwrap();
        assert_eq!(last_by(&r), "Claire Martin");

        let new = |class, requirement: &str| NewFinding {
            requirement: requirement.into(),
            class,
            text: "No review".into(),
            ..NewFinding::default()
        };
        let major = add_finding(&mut r, &q, new(FindingClass::Major, "7.3.b"), today).unwrap();
        let a = add_action(&mut r, &major, "Review", "ines  duarte", None).unwrap();
        assert_eq!(r.action(&a).unwrap().1.owner, "Ines Duarte");
        edit_action(&mut r, &a, "Review", "TOM WEBER", None).unwrap();
        assert_eq!(r.action(&a).unwrap().1.owner, "Tom Weber");
        // Not in any list: kept as typed, one space between words.
        edit_action(&mut r, &a, "Review", "a  contractor", None).unwrap();
        assert_eq!(r.action(&a).unwrap().1.owner, "a contractor");
        let signed = |by: &str, date: &str| {
            Some(super::super::Signed {
                by: by.into(),
                date: date.into(),
            })
        };
        set_action_plan(
            &mut r,
            &a,
            ActionKind::Corrective,
            signed("sofia reyes", "2026-11-21"),
            today,
        )
        .unwrap();
        accept_action(&mut r, &a, signed("hugo PETIT", "2026-11-21"), today).unwrap();
        let (_, action) = r.action(&a).unwrap();
        assert_eq!(action.proposed.as_ref().unwrap().by, "Sofia Reyes");
        assert_eq!(action.accepted.as_ref().unwrap().by, "Hugo Petit");
        set_action_status(&mut r, &a, ActionStatus::Closed).unwrap();
        let by = |name: &str| Verification {
            by: name.into(),
            date: "2026-11-22".into(),
            effective: true,
            note: "Minutes of the review".into(),
            evidence: vec!["SK".into()],
            ..Verification::default()
        };
        let err = verify(&mut r, &major, by("hugo petit"), today).unwrap_err();
        assert!(err.to_string().contains("is not the lead auditor"), "{err}");
        verify(&mut r, &major, by("claire martin"), today).unwrap();
        assert_eq!(
            r.finding(&major).unwrap().verifications[0].by,
            "Claire Martin"
        );
        let minor = add_finding(&mut r, &q, new(FindingClass::Minor, "7.3.c"), today).unwrap();
        let a = add_action(&mut r, &minor, "Plan", "", None).unwrap();
        set_action_status(&mut r, &a, ActionStatus::Closed).unwrap();
        verify(&mut r, &minor, by(" Hugo  petit"), today).unwrap();
        assert_eq!(r.finding(&minor).unwrap().verifications[0].by, "Hugo Petit");

        let (mut r, _) = signed_off();
        let err = close_follow_up(&mut r, "HUGO PETIT", "2026-11-24", today).unwrap_err();
        assert!(err.to_string().contains("is not the lead auditor"), "{err}");
        close_follow_up(&mut r, "claire MARTIN", "2026-11-24", today).unwrap();
        assert_eq!(r.assessment.follow_up_closed.unwrap().by, "Claire Martin");
    }

    /// Team roles are the kind's; a kind changed under a team whose roles it does not
    /// have is refused, and nothing changes.
    #[test]
    fn team_roles_are_a_fixed_vocabulary() {
        let loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
        let q = &loaded.questionnaire;
        let mut r = record();
        let team = |s: &str| Details {
            team: Some(people_list(s)),
            ..Details::default()
        };
        set_details(&mut r, q, team("Ann: Lead-Auditor; Bob: trainee; Cy")).unwrap();
        let roles: Vec<&str> = r.assessment.team.iter().map(|p| p.role.as_str()).collect();
        assert_eq!(roles, ["lead auditor", "trainee", ""]);
        let err = set_details(&mut r, q, team("Ann: lead")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "assessment.team[0].role: `lead` is not a role in a third-party audit team: the roles are lead auditor, auditor, technical expert, observer, trainee (Ann)"
        );
        let before = r.clone();
        let err = set_details(
            &mut r,
            q,
            Details {
                kind: Some(Kind::SelfAssessment),
                ..Details::default()
            },
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("the roles are facilitator, assessor"),
            "{err}"
        );
        assert_eq!(r, before);
    }

    /// The final-record rule is the edit layer's: every change is refused, the record stays
    /// as it was, and the refusal says so in a way the front ends can match.
    #[test]
    fn a_final_record_refuses_every_change_here() {
        let (mut r, q) = signed_off();
        let before = r.clone();
        let req = q.requirement("7.2.a").unwrap().clone();
        let facet = req.facets[0].clone();
        let e1 = r.evidence[0].clone();
        let results: Vec<Result<(), Refused>> = vec![
            rate(&mut r, "7.2.a", Some(Judgement::N), None),
            set_notes(&mut r, "7.2.a", "x"),
            append_note(&mut r, "7.2.a", "x"),
            set_working_notes(&mut r, "7.2.a", "x"),
            append_working_note(&mut r, "7.2.a", "x"),
            set_facet(&mut r, &req, &facet, false),
            add_interviewees(&mut r, "7.2.a", &["Ann".into()]),
            set_sampling(&mut r, "7.2.a", "x"),
            link_evidence(&mut r, &e1.id, "7.2.a", false),
            remove_evidence(&mut r, &e1.id).map(drop),
            add_evidence(
                &mut r,
                &q,
                Evidence {
                    file: true,
                    id: "E99".into(),
                    ..e1.clone()
                },
            ),
            edit_evidence(&mut r, &q, &e1.id, e1.clone()).map(drop),
            evidence_hashed(&mut r, &e1.id, &e1.location, "x".into(), None).map(drop),
            answer_condition(&mut r, &q, "6.a", ConditionChange::default()).map(drop),
            set_details(
                &mut r,
                &q,
                Details {
                    vse: Some("x".into()),
                    ..Details::default()
                },
            ),
            add_finding(
                &mut r,
                &q,
                NewFinding {
                    requirement: "7.2.a".into(),
                    text: "x".into(),
                    ..NewFinding::default()
                },
                jiff::civil::date(2026, 11, 30),
            )
            .map(drop),
        ];
        for (i, result) in results.into_iter().enumerate() {
            assert!(
                matches!(&result, Err(Refused::Final(how)) if how.contains("Claire Martin")),
                "change {i}: {result:?}"
            );
        }
        assert_eq!(r, before);
        assert!(
            reopen(
                &mut r,
                "Claire Martin",
                "2026-11-21",
                "more",
                jiff::civil::date(2026, 11, 30)
            )
            .is_ok()
        );
    }

    /// A final record still takes its follow-up (the VSE's response, actions, the team's
    /// verification, marked as follow-up), without changing what was found; once the
    /// follow-up is closed, that too is refused.
    #[test]
    fn a_final_record_takes_follow_up_until_it_is_closed() {
        let (mut r, q) = signed_off();
        let today = jiff::civil::date(2026, 11, 30);
        let response = FindingChange {
            root_cause: Some("No owner".into()),
            ..FindingChange::default()
        };
        edit_finding(&mut r, &q, "NC-3", response.clone(), today).unwrap();
        let restated = FindingChange {
            text: Some("Another statement".into()),
            root_cause: Some("No owner".into()),
            ..FindingChange::default()
        };
        assert!(matches!(
            edit_finding(&mut r, &q, "NC-3", restated, today),
            Err(Refused::Final(_))
        ));
        let a = add_action(&mut r, "NC-3", "Backfill", "Ines Duarte", None).unwrap();
        let ines = |date: &str| {
            Some(super::super::Signed {
                by: "Ines Duarte".into(),
                date: date.into(),
            })
        };
        set_action_plan(
            &mut r,
            &a,
            ActionKind::Corrective,
            ines("2026-11-22"),
            today,
        )
        .unwrap();
        let claire = Some(super::super::Signed {
            by: "Claire Martin".into(),
            date: "2026-11-23".into(),
        });
        accept_action(&mut r, &a, claire, today).unwrap();
        let sk = ["SK".to_string()];
        assert!(matches!(
            complete_action(&mut r, &a, Some("2026-12-01"), &sk, today),
            Err(Refused::InFuture { .. })
        ));
        for action in &r.finding("NC-3").unwrap().actions.clone() {
            complete_action(&mut r, &action.id, Some("2026-11-24"), &sk, today).unwrap();
        }
        let (_, done) = r.action(&a).unwrap();
        assert_eq!(done.status, ActionStatus::Closed);
        assert_eq!(done.completed.as_deref(), Some("2026-11-24"));
        assert_eq!(done.accepted.as_ref().unwrap().by, "Claire Martin");
        let seen = Verification {
            by: "Claire Martin".into(),
            date: "2026-11-25".into(),
            effective: true,
            note: "Attendance records of every course".into(),
            evidence: vec!["SK".into()],
            ..Verification::default()
        };
        verify(&mut r, "NC-3", seen.clone(), today).unwrap();
        let f = r.finding("NC-3").unwrap();
        assert_eq!(f.root_cause, "No owner");
        assert!(f.verification().unwrap().follow_up);
        assert_eq!(f.state(), super::super::FindingState::Closed);

        r.assessment.follow_up_closed = Some(super::super::Signed {
            by: "Claire Martin".into(),
            date: "2026-11-26".into(),
        });
        let before = r.clone();
        let results: Vec<Result<(), Refused>> = vec![
            edit_finding(&mut r, &q, "NC-3", response, today).map(drop),
            add_action(&mut r, "NC-3", "More", "", None).map(drop),
            edit_action(&mut r, &a, "Backfill all", "", None),
            set_action_status(&mut r, &a, ActionStatus::Open).map(drop),
            complete_action(&mut r, &a, None, &[], today).map(drop),
            accept_action(&mut r, &a, None, today),
            set_action_plan(&mut r, &a, ActionKind::Correction, None, today),
            remove_action(&mut r, &a).map(drop),
            verify(&mut r, "NC-3", seen, today),
        ];
        for (i, result) in results.into_iter().enumerate() {
            assert!(
                matches!(&result, Err(Refused::FollowUpClosed(how)) if how.contains("Claire Martin")),
                "change {i}: {result:?}"
            );
        }
        assert_eq!(r, before);
    }

    /// An undo puts back a state of the same session: on a final record only what the
    /// follow-up changed, never across a sign-off, and an id once given stays given.
    #[test]
    fn a_restore_reverts_follow_up_only_and_never_across_a_sign_off() {
        let (mut r, _) = signed_off();
        let today = jiff::civil::date(2026, 11, 30);
        let before = r.clone();
        let a = add_action(&mut r, "NC-3", "Backfill", "Ines Duarte", None).unwrap();
        let with_action = r.clone();
        restore(&mut r, before.clone()).unwrap();
        assert!(r.action(&a).is_none(), "the action is undone");
        assert_eq!(r.issued, with_action.issued, "its id is not given again");
        restore(&mut r, with_action).unwrap();
        assert!(r.action(&a).is_some(), "and redone");

        // What the audit found stays as signed off.
        let mut draft = before.clone();
        draft.assessment.status = Status::Draft;
        draft.assessment.history.pop();
        let mut renoted = before.clone();
        renoted
            .requirements
            .entry("7.2.a".into())
            .or_default()
            .notes = "other".into();
        assert!(matches!(restore(&mut r, renoted), Err(Refused::Final(_))));
        assert!(matches!(
            restore(&mut r, draft.clone()),
            Err(Refused::Invalid {
                field: "status",
                ..
            })
        ));
        // Nor back to before the sign-off from the draft.
        reopen(&mut r, "Claire Martin", "2026-11-21", "typo", today).unwrap();
        assert!(restore(&mut r, draft).is_err());
    }

    /// In a self-assessment anyone named closes the follow-up; in an audit its lead
    /// auditor. A name is needed either way, and closing twice is refused.
    #[test]
    fn the_follow_up_of_a_self_assessment_is_closed_by_anyone_named() {
        let (mut r, _) = signed_off();
        let today = jiff::civil::date(2026, 11, 30);
        let audit = r.clone();
        r.assessment.kind = Kind::SelfAssessment;
        let err = close_follow_up(&mut r, " ", "2026-11-21", today).unwrap_err();
        assert!(
            matches!(&err, Refused::FollowUpNotReady(why) if why[0].contains("say who")),
            "{err}"
        );
        close_follow_up(&mut r, "Ines Duarte", "2026-11-21", today).unwrap();
        assert_eq!(
            r.assessment.follow_up_closed.as_ref().unwrap().by,
            "Ines Duarte"
        );
        assert!(matches!(
            close_follow_up(&mut r, "Ines Duarte", "2026-11-22", today),
            Err(Refused::FollowUpClosed(_))
        ));
        let mut r = audit;
        let err = close_follow_up(&mut r, "Ines Duarte", "2026-11-21", today).unwrap_err();
        assert!(err.to_string().contains("is not the lead auditor"), "{err}");
        assert!(r.assessment.follow_up_closed.is_none());
        close_follow_up(&mut r, "Claire Martin", "2026-11-21", today).unwrap();
    }

    /// "Not in the future" is one rule, with today given: the same date is refused or taken
    /// by what today is, never by the machine's clock; the record check reads a record
    /// written anywhere with a day of slack.
    #[test]
    fn today_is_given_not_read() {
        let (mut r, q) = signed_off();
        let nov = |d| jiff::civil::date(2026, 11, d);
        reopen(&mut r, "Claire Martin", "2026-11-21", "more", nov(21)).unwrap();
        let err = finalize(&mut r, &q, "Claire Martin", "2026-11-23", nov(22)).unwrap_err();
        assert!(
            matches!(&err, Refused::NotReady(why) if why.iter().any(|w| w == "`2026-11-23` is in the future")),
            "{err}"
        );
        finalize(&mut r, &q, "Claire Martin", "2026-11-23", nov(23)).unwrap();
        let dated = |r: &Record, today| {
            crate::record::check(r, &q, today)
                .iter()
                .any(|p| p.message.contains("is in the future"))
        };
        assert!(!dated(&r, nov(22)), "a day east of here is not the future");
        assert!(dated(&r, nov(21)));
        assert!(in_future("2026-11-24", nov(23)) && !in_future("2026-11-23", nov(23)));
    }

    #[test]
    fn one_grammar_for_sessions_and_lists() {
        let s = parse_sessions("2026-11-27 Lyon office; 2026-11-28:Paris\n2026-11-29").unwrap();
        let got: Vec<(&str, &str)> = s
            .iter()
            .map(|s| (s.date.as_str(), s.location.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-11-27", "Lyon office"),
                ("2026-11-28", "Paris"),
                ("2026-11-29", "")
            ]
        );
        assert!(parse_session("27/11/2026 Lyon").is_err());
        let people = people_list("Ann: lead; Bob:expert;; Sofia Reyes, Cy\nDee");
        let got: Vec<(&str, &str)> = people
            .iter()
            .map(|p| (p.name.as_str(), p.role.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Ann", "lead"),
                ("Bob", "expert"),
                ("Sofia Reyes", ""),
                ("Cy", ""),
                ("Dee", "")
            ]
        );
        assert_eq!(process_list("om, rm;PSM ppm"), ["OM", "RM", "PSM", "PPM"]);
    }

    /// Names typed with `,`, `;` or new lines are as many people; with participants
    /// recorded, each must be one (in any case and spacing), and is written as they are.
    #[test]
    fn interviewees_are_a_list_of_participants() {
        let mut r = record();
        add_interviewees(&mut r, "7.2.a", &["Ana  Lopez, Sofia Reyes; Bo\nCy".into()]).unwrap();
        assert_eq!(
            r.answer("7.2.a").unwrap().interviewed,
            ["Ana Lopez", "Sofia Reyes", "Bo", "Cy"]
        );
        // One at a time (as `--participant` gives them), a name may hold a comma.
        r.assessment.participants = ["Ana Lopez: manager", "Reyes, Sofia: developer"]
            .map(crate::record::Person::parse)
            .to_vec();
        add_interviewees(&mut r, "7.2.b", &["  ana   LOPEZ ; reyes, sofia".into()]).unwrap();
        assert_eq!(
            r.answer("7.2.b").unwrap().interviewed,
            ["Ana Lopez", "Reyes, Sofia"]
        );
        let err = add_interviewees(&mut r, "7.2.b", &["Ana Lopez, Zoe".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`Zoe` is not a participant (participants: Ana Lopez, Reyes, Sofia); add them first: `vse-assess set FILE --participant \"Ana Lopez:manager\" --participant \"Reyes, Sofia:developer\" --participant \"Zoe:ROLE\"` (`--participant` replaces the list, so it names those there are too)"
        );
        assert_eq!(r.answer("7.2.b").unwrap().interviewed.len(), 2, "unchanged");
        add_participant(&mut r, "zoe ").unwrap();
        add_participant(&mut r, "ZOE").unwrap();
        assert_eq!(r.assessment.participants.len(), 3);
        add_interviewees(&mut r, "7.2.b", &["Zoe".into()]).unwrap();
        assert_eq!(r.answer("7.2.b").unwrap().interviewed[2], "zoe");
        assert!(add_interviewees(&mut r, "7.2.b", &[" ; ".into()]).is_err());
    }

    #[test]
    fn links_need_an_item_of_the_register() {
        let mut r = record();
        let err = link_evidence(&mut r, "E9", "7.2.a", true).unwrap_err();
        assert!(matches!(&err, Refused::NotFound { what: Thing::Evidence, id, .. } if id == "E9"));
        assert!(err.to_string().contains("no evidence `E9`"), "{err}");
    }
}
