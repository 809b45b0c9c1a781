//! The scriptable commands. Each loads what it needs, changes it, and saves atomically; a
//! change that would leave the record invalid is refused before anything is written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};

use super::sign;
use super::{
    ActionCommand, AnswerArgs, Command, EvidenceCommand, FindingCommand, Invalid, NewArgs, SetArgs,
    YesNo,
};
use crate::questionnaire::catalog::{self, Source};
use crate::rating::Judgement;
use crate::record::access::Access;
use crate::record::store::{self, Opened};
use crate::record::{ActionStatus, Evidence, FindingClass, Person, Record, Session, edit};
use crate::record::{evidence, lock};
use crate::text::{display_path, neutralize, neutralize_line};
use crate::{LoadError, diagnostic, read_text};
use crate::{conformance, report};

/// Prints a line on stdout through [`neutralize`]: what a command prints may hold text from a
/// record, a questionnaire or a file name, which must never reach the terminal raw.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", neutralize(&format!($($arg)*)))
    };
}

/// [`say`] for stderr.
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", neutralize(&format!($($arg)*)))
    };
}

pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Interview {
            file,
            read_only,
            plain,
            restricted,
            follow,
        } => {
            let read_only = read_only || follow;
            let file = store::real_path(&file)
                .with_context(|| format!("cannot open {}", file.display()))?;
            let access = crate::restricted::access(&file, restricted);
            let lock = if read_only {
                if !file.exists() {
                    bail!(invalid(format!(
                        "{}: no such file (a read-only view never creates one)",
                        file.display()
                    )));
                }
                None
            } else {
                store::check_writable(&file)?;
                Some(lock::lock(&file)?)
            };
            let mut opened = crate::tui::open_or_create(&file, &access)?;
            // A final record is shown, never changed: it changes only once reopened.
            let signed_off = opened.record.assessment.sign_off().map(|s| s.describe());
            let mut lock = lock.filter(|_| signed_off.is_none());
            if plain || !crate::tui::usable_terminal() {
                let why = match (&signed_off, read_only) {
                    (Some(signed), _) => Some(format!(
                        "the record is final ({signed}); `vse-assess reopen` makes it editable"
                    )),
                    (None, true) => Some("opened with --read-only".to_string()),
                    (None, false) => None,
                };
                let (stdin, stdout) = (std::io::stdin(), std::io::stdout());
                crate::plain::run(
                    &mut opened,
                    lock.as_mut(),
                    why.as_deref(),
                    &mut stdin.lock(),
                    &mut stdout.lock(),
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            let ended = crate::tui::run(opened, lock, follow)?;
            Ok(ExitCode::from(ended.exit_code()))
        }
        Command::New(args) => new(args),
        Command::Set(args) => set(args),
        Command::Finalize { file, by, date } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            let q = &opened.questionnaire.questionnaire;
            edit::finalize(&mut opened.record, q, &by, &date_or_today(date), today())
                .map_err(|e| invalid(format!("{}: {e}", file.display())))?;
            save(&mut opened, &mut lock)?;
            let signed = opened
                .record
                .assessment
                .sign_off()
                .expect("just signed off");
            say!("{}: final, {}", file.display(), signed.describe());
            Ok(ExitCode::SUCCESS)
        }
        Command::Reopen {
            file,
            by,
            reason,
            date,
        } => {
            let (mut opened, mut lock) = edit_any(&file)?;
            edit::reopen(
                &mut opened.record,
                &by,
                &date_or_today(date),
                &reason,
                today(),
            )
            .map_err(|e| invalid(format!("{}: {e}", file.display())))?;
            save(&mut opened, &mut lock)?;
            say!("{}: draft again, editable", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file } => verify(&file),
        Command::Validate { files } => Ok(validate(&files)),
        Command::Questionnaires => questionnaires(),
        Command::Answer(args) => answer(args),
        Command::Condition {
            file,
            id,
            answer,
            note,
            evidence,
        } => condition(&file, &id, answer, note, &evidence),
        Command::Evidence(cmd) => evidence(cmd),
        Command::Finding(cmd) => finding(cmd),
        Command::Action(cmd) => action(cmd),
        Command::Report {
            file,
            output,
            format,
            sign,
        } => report(&file, output.as_deref(), format.into(), sign.as_deref()),
        Command::Compare { old, new, output } => compare(&old, &new, output.as_deref()),
        Command::Completions { shell } => {
            let mut cli = <super::Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli, "vse-assess", &mut script);
            let script = String::from_utf8(script)?;
            match shell {
                clap_complete::Shell::Bash => print!("{}", bash_arms_fixed(&script)),
                _ => print!("{script}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cli = <super::Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cli).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { file } => {
            let opened = open(&file)?;
            print!("{}", status_text(&opened));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// clap_complete's bash script for a name with a hyphen never completes past the subcommand
/// (clap-rs/clap#6421): its arms are labelled `vse__subcmd__assess__subcmd__X` and count one
/// word too many, while its dispatch arrives at `vse__assess__subcmd__X`. The arms are
/// relabelled as the dispatch spells them, with the word count of the name as typed.
fn bash_arms_fixed(script: &str) -> String {
    const WRONG: &str = "vse__subcmd__assess";
    let mut out = String::with_capacity(script.len());
    let mut in_arm = false;
    for line in script.lines() {
        let label = line.trim_start();
        if label.starts_with(WRONG) && label.ends_with(')') {
            out.push_str(&line.replacen(WRONG, "vse__assess", 1));
            in_arm = true;
        } else if let (true, Some(at)) = (in_arm, line.find("${COMP_CWORD} -eq ")) {
            let start = at + "${COMP_CWORD} -eq ".len();
            let end = start + line[start..].find(' ').unwrap_or(line.len() - start);
            match line[start..end].parse::<u32>() {
                Ok(words) => {
                    out.push_str(&line[..start]);
                    out.push_str(&(words - 1).to_string());
                    out.push_str(&line[end..]);
                }
                Err(_) => out.push_str(line),
            }
            in_arm = false;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A date given on the command line, else today's, as records hold dates.
fn date_or_today(date: Option<jiff::civil::Date>) -> String {
    date.unwrap_or_else(today).to_string()
}

/// Today, read once per command, at the edge (see [`crate::clock`]).
fn today() -> jiff::civil::Date {
    crate::clock::today()
}

fn invalid(msg: impl Into<String>) -> anyhow::Error {
    Invalid(msg.into()).into()
}

/// Opens a record for a command: the command line reads whatever it is told to.
fn open(file: &Path) -> Result<Opened> {
    let opened = store::open(file, &Access::Unrestricted)?;
    // A note where answers that could not be saved went: a report made now would miss them.
    if let Some(note) = lock::note_of(&opened.path) {
        say_err!("vse-assess: note: {note}");
    }
    if opened.questionnaire_changed {
        say_err!(
            "vse-assess: warning: {}: questionnaire `{}` has changed since this record was created (SHA-256 differs)",
            file.display(),
            opened.record.questionnaire.id
        );
    }
    Ok(opened)
}

/// Opens a record to change it, as [`edit_any`], refusing a final one: a record signed off
/// changes only once reopened.
fn edit(file: &Path) -> Result<(Opened, lock::Lock)> {
    let (opened, lock) = edit_any(file)?;
    if let Some(signed) = opened.record.assessment.sign_off() {
        bail!(invalid(format!(
            "{}: the record is final ({}), nothing was changed; `vse-assess reopen {} --by NAME --reason TEXT` makes it editable again",
            file.display(),
            signed.describe(),
            file.display()
        )));
    }
    Ok((opened, lock))
}

/// Opens a record to change it: takes its edit lock first, so that no one else is editing it.
/// A symbolic link is followed (the lock and the save are the real file's); a file the save
/// would damage is refused before anything happens.
fn edit_any(file: &Path) -> Result<(Opened, lock::Lock)> {
    let file =
        &store::real_path(file).with_context(|| format!("cannot open {}", file.display()))?;
    // A missing file (or not a file) is reported as such, and leaves no lock file behind.
    crate::open_file(file)?;
    store::check_writable(file)?;
    let held = lock::lock(file)?;
    // `open` shows a note the lock file holds.
    Ok((open(file)?, held))
}

fn save(opened: &mut Opened, lock: &mut lock::Lock) -> Result<()> {
    store::save(opened)?;
    lock.saved();
    Ok(())
}

fn new(args: NewArgs) -> Result<ExitCode> {
    let loaded = catalog::resolve(&args.questionnaire, Path::new(catalog::LOCAL_DIR))?;
    let mut record = Record::new(&loaded, &args.vse, args.kind.into());
    if let Source::File(p) = &loaded.source {
        record = record.with_questionnaire_path(relative_to_record(p, &args.file)?);
    }
    let people =
        |given: &[String]| -> Vec<Person> { given.iter().map(|s| Person::parse(s)).collect() };
    let mut sessions = args.sessions;
    if args.date.is_some() || args.location.is_some() {
        sessions.push(Session {
            date: date_or_today(args.date),
            location: args.location.unwrap_or_default(),
        });
    }
    let details = edit::Details {
        objectives: args.objectives,
        client: args.client,
        sites: Some(args.sites),
        scope: args.scope,
        processes: Some(edit::process_list(&args.processes.join(","))).filter(|p| !p.is_empty()),
        team: Some(people(&args.team)),
        participants: Some(people(&args.participants)),
        sessions: Some(sessions),
        ..edit::Details::default()
    };
    edit::set_details(&mut record, &loaded.questionnaire, details).map_err(refused)?;
    first_problem(&record, &loaded.questionnaire)?;
    store::create_new(&args.file, &record)
        .with_context(|| format!("cannot create {}", args.file.display()))?;
    say!(
        "created {} ({} {}, {} requirements)",
        args.file.display(),
        loaded.questionnaire.questionnaire.id,
        loaded.questionnaire.questionnaire.version,
        loaded.questionnaire.requirements.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The first problem the record check finds, as an error naming the field.
fn first_problem(record: &Record, q: &crate::questionnaire::Questionnaire) -> Result<()> {
    match crate::record::check(record, q).first() {
        Some(p) => Err(invalid(format!(
            "{}: {}",
            diagnostic::field_name(&p.path),
            p.message
        ))),
        None => Ok(()),
    }
}

/// `set`: each option given replaces that detail; the rest stay as they are.
fn set(args: SetArgs) -> Result<ExitCode> {
    let (mut opened, mut lock) = edit(&args.file)?;
    let people =
        |given: &[String]| -> Vec<Person> { given.iter().map(|s| Person::parse(s)).collect() };
    fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
        Some(v).filter(|v| !v.is_empty())
    }
    let details = edit::Details {
        vse: args.vse,
        scope: args.scope,
        objectives: args.objectives,
        client: args.client,
        conclusions: args.conclusions,
        audit_plan: args.audit_plan,
        distribution: args.distribution,
        confidentiality: args.confidentiality,
        remote_method: args.remote_method,
        not_covered: args.not_covered,
        diverging_opinions: args.diverging_opinions,
        processes: some(edit::process_list(&args.processes.join(","))),
        sites: some(args.sites),
        team: some(people(&args.team)),
        participants: some(people(&args.participants)),
        sessions: some(args.sessions),
        kind: None,
    };
    let changed = details.count();
    if changed == 0 {
        bail!(invalid(
            "nothing to set: give at least one option (see `vse-assess set --help`)"
        ));
    }
    let q = &opened.questionnaire.questionnaire;
    edit::set_details(&mut opened.record, q, details).map_err(refused)?;
    first_problem(&opened.record, q)?;
    save(&mut opened, &mut lock)?;
    say!("{}: {changed} detail(s) set", args.file.display());
    Ok(ExitCode::SUCCESS)
}

/// `verify`: every registered evidence file re-hashed; exit 1 when any changed or is gone.
fn verify(file: &Path) -> Result<ExitCode> {
    let opened = open(file)?;
    let checked = evidence::check_files(&opened.record, &opened.path, &opened.access);
    let problems = checked.iter().filter(|(_, s)| s.is_problem()).count();
    for (id, state) in &checked {
        println!("{}", tab_line(&[id, &state.describe()]));
    }
    say!(
        "{}: {} evidence file(s) checked, {problems} changed or missing",
        file.display(),
        checked.len()
    );
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The questionnaire path as the record will store it: relative to the record's folder.
fn relative_to_record(questionnaire: &Path, record: &Path) -> Result<String> {
    let q = std::path::absolute(questionnaire)?;
    let dir = std::path::absolute(record)?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let rel = match q.strip_prefix(&dir) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // Walk up from the record's folder to a common ancestor.
            let mut up = PathBuf::new();
            let mut base = dir.as_path();
            loop {
                if let Ok(r) = q.strip_prefix(base) {
                    break up.join(r);
                }
                up.push("..");
                match base.parent() {
                    Some(p) => base = p,
                    None => break q.clone(),
                }
            }
        }
    };
    Ok(rel.to_string_lossy().replace('\\', "/"))
}

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut all_ok = true;
    for file in files {
        match validate_one(file) {
            Ok(what) => say!("{}: valid {what}", file.display()),
            Err(e) => {
                all_ok = false;
                // A load error's text is neutralised where it is made (`LoadError`,
                // `Diagnostic`); with 100,000 problems a second pass would show.
                eprintln!("{e}");
            }
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn validate_one(file: &Path) -> Result<&'static str, LoadError> {
    let text = read_text(file)?;
    match store::parse(file, &text) {
        Ok(record) => {
            store::with_questionnaire(file, &text, record, &Access::Unrestricted).map(|_| "record")
        }
        // A record has a top-level `schema`, a questionnaire has not.
        Err(e) if has_schema(file, &text)? => Err(e),
        Err(_) => catalog::from_file(file).map(|_| "questionnaire"),
    }
}

/// Whether a file has a top-level `schema` key; the rest is skipped unread (`IgnoredAny`).
fn has_schema(file: &Path, text: &str) -> Result<bool, LoadError> {
    #[derive(serde::Deserialize)]
    struct Schema {
        schema: Option<serde::de::IgnoredAny>,
    }
    let found: Schema =
        diagnostic::from_toml(file, text).map_err(|d| LoadError::invalid(file, vec![d]))?;
    Ok(found.schema.is_some())
}

fn questionnaires() -> Result<ExitCode> {
    for (id, _) in catalog::EMBEDDED {
        let loaded = catalog::embedded(id).expect("listed")?;
        say!("{}", describe(&loaded));
    }
    for file in catalog::local_files(Path::new(catalog::LOCAL_DIR)) {
        match catalog::from_file(&file) {
            Ok(loaded) => say!("{}", describe(&loaded)),
            Err(e) => say_err!("{}: not a valid questionnaire:\n{e}", file.display()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per questionnaire: a title with a line break cannot spill onto a second one.
fn describe(loaded: &catalog::Loaded) -> String {
    let q = &loaded.questionnaire;
    let i = &q.questionnaire;
    let line = format!(
        "{}  {}  {}:{} {}  ({} requirements)  [{}]",
        i.id,
        i.version,
        i.standard,
        i.edition,
        i.title,
        q.requirements.len(),
        loaded.source
    );
    neutralize_line(&line)
}

fn answer(args: AnswerArgs) -> Result<ExitCode> {
    let (mut opened, mut lock) = edit(&args.file)?;
    let q = &opened.questionnaire.questionnaire;
    let req = q
        .resolve(&args.requirement)
        .map_err(|e| invalid(e.to_string()))?
        .clone();
    let id = req.id.clone();
    let record = &mut opened.record;

    for ev in &args.evidence {
        edit::link_evidence(record, ev, &id, true).map_err(refused)?;
    }
    for ev in &args.unlink {
        edit::link_evidence(record, ev, &id, false).map_err(refused)?;
    }
    let rating = match (args.rating, args.clear_rating) {
        (Some(r), _) => Some(Some(r)),
        (None, true) => Some(None),
        // --justification alone rewrites that of a requirement already N/A.
        (None, false) if args.justification.is_some() => {
            Some(record.answer(&id).and_then(|a| a.rating))
        }
        (None, false) => None,
    };
    if let Some(rating) = rating {
        // The rule is the edit layer's; the words name the options.
        edit::rate(record, &id, rating, args.justification.as_deref()).map_err(|_| {
            invalid(if rating == Some(Judgement::NA) {
                format!("{id}: not applicable needs --justification TEXT")
            } else {
                "--justification goes with --rating na (not applicable)".to_string()
            })
        })?;
    }
    if let Some(n) = &args.note {
        edit::set_notes(record, &id, n).map_err(refused)?;
    }
    if let Some(n) = &args.append_note {
        edit::append_note(record, &id, n).map_err(refused)?;
    }
    for f in &args.facets {
        edit::set_facet(record, &req, f, true).map_err(refused)?;
    }
    for f in &args.uncheck {
        edit::set_facet(record, &req, f, false).map_err(refused)?;
    }
    if !args.interviewed.is_empty() {
        edit::add_interviewees(record, &id, &args.interviewed).map_err(refused)?;
    }
    let q = &opened.questionnaire.questionnaire;
    let record = &mut opened.record;
    if let Some(sampled) = &args.sampling {
        edit::set_sampling(record, &id, sampled).map_err(refused)?;
    }
    for f in &args.findings {
        let (class, text) = f.split_once(':').ok_or_else(|| {
            invalid(format!(
                "`{f}`: a finding is CLASS:TEXT, e.g. minor:Risk plan not reviewed"
            ))
        })?;
        let class = FindingClass::parse(class).map_err(invalid)?;
        let new = edit::NewFinding {
            requirement: id.clone(),
            class,
            text: text.to_owned(),
            ..Default::default()
        };
        let fid = edit::add_finding(record, q, new).map_err(refused)?;
        say!("{fid}");
    }
    if let Some(what) = args.action {
        // Actions belong to findings: here, to the requirement's one nonconformity.
        let ncs: Vec<String> = record
            .findings_for(&id)
            .filter(|f| f.class.is_nonconformity())
            .map(|f| f.id.clone())
            .collect();
        let [finding] = &ncs[..] else {
            bail!(invalid(format!(
                "{id} has {} nonconformities; say which finding the action is for with `vse-assess action add FILE --finding ID`",
                ncs.len()
            )));
        };
        let owner = args.owner.unwrap_or_default();
        let due = args.due.map(|d| d.to_string());
        edit::add_action(record, finding, &what, &owner, due.as_deref()).map_err(refused)?;
    }
    for n in &args.close_action {
        // Numbered as `status` lists them: the requirement's actions, finding by finding.
        let actions: Vec<String> = record
            .findings_for(&id)
            .flat_map(|f| f.actions.iter().map(|a| a.id.clone()))
            .collect();
        let action = n
            .checked_sub(1)
            .and_then(|i| actions.get(i))
            .ok_or_else(|| {
                invalid(format!(
                    "{id} has {} action(s); no action {n}",
                    actions.len()
                ))
            })?;
        edit::set_action_status(record, action, ActionStatus::Closed).map_err(refused)?;
    }
    save(&mut opened, &mut lock)?;
    say!("{}", answer_line(&opened, &id));
    Ok(ExitCode::SUCCESS)
}

fn answer_line(opened: &Opened, id: &str) -> String {
    let req = opened
        .questionnaire
        .questionnaire
        .requirement(id)
        .expect("resolved");
    let record = &opened.record;
    let findings = record.findings_for(id).count();
    let actions: usize = record.findings_for(id).map(|f| f.actions.len()).sum();
    match record.answer(id) {
        None if findings == 0 => format!("{id}: not assessed"),
        a => format!(
            "{id}: {}; facets {}/{}; {findings} finding(s); {actions} action(s); {} evidence",
            a.and_then(|a| a.rating)
                .map_or("not rated".to_string(), |r| format!("rated {r}")),
            a.map_or(0, |a| a.facets.len()),
            req.facets.len(),
            record.evidence_for(id).count()
        ),
    }
}

fn condition(
    file: &Path,
    id: &str,
    yes_no: YesNo,
    note: Option<String>,
    evidence: &[String],
) -> Result<ExitCode> {
    let (mut opened, mut lock) = edit(file)?;
    let q = &opened.questionnaire.questionnaire;
    let change = edit::ConditionChange {
        met: Some(matches!(yes_no, YesNo::Yes)),
        note,
        evidence: evidence.to_vec(),
        replace_evidence: false,
    };
    let cid = edit::answer_condition(&mut opened.record, q, id, change).map_err(refused)?;
    save(&mut opened, &mut lock)?;
    say!(
        "{cid}: {}",
        if matches!(yes_no, YesNo::Yes) {
            "met"
        } else {
            "not met"
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn evidence(cmd: EvidenceCommand) -> Result<ExitCode> {
    match cmd {
        EvidenceCommand::Add {
            file,
            id,
            title,
            kind,
            location,
            version,
            supports,
        } => {
            let (mut opened, mut lock) = edit(&file)?;
            // Kept relative to the record's folder when inside it: a folder moved whole
            // still verifies.
            let location = evidence::stored_location(&location, &opened.path, &opened.access);
            let item = Evidence {
                id: id.clone(),
                title,
                kind: kind.into(),
                location: location.clone(),
                version,
                sha256: None,
                supports,
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
            if let evidence::Hashed::Skipped(why) = &hashed {
                say_err!("vse-assess: {location}: not hashed: {why}");
            }
            let sha256 = hashed.sha256();
            let item = Evidence {
                sha256: sha256.clone(),
                ..item
            };
            edit::add_evidence(&mut opened.record, q, item).map_err(refused)?;
            save(&mut opened, &mut lock)?;
            match sha256 {
                Some(h) => say!("added {id} (sha256 {h})"),
                None => say!("added {id}"),
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
            let (mut opened, mut lock) = edit(&file)?;
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
fn tab_line(fields: &[&str]) -> String {
    let fields: Vec<String> = fields.iter().map(|f| neutralize_line(f)).collect();
    fields.join("\t")
}

fn refused(e: edit::Refused) -> anyhow::Error {
    invalid(e.to_string())
}

fn finding(cmd: FindingCommand) -> Result<ExitCode> {
    match cmd {
        FindingCommand::Add {
            file,
            requirement,
            class,
            text,
            evidence,
            interviewed,
        } => {
            let (mut opened, mut lock) = edit(&file)?;
            let new = edit::NewFinding {
                requirement,
                class,
                text,
                evidence,
                interviewed,
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
                        &f.requirement,
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
            };
            let now = edit::edit_finding(&mut opened.record, &id, change).map_err(refused)?;
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

fn action(cmd: ActionCommand) -> Result<ExitCode> {
    let status_of = |cmd: &ActionCommand| match cmd {
        ActionCommand::Close { .. } => ActionStatus::Closed,
        _ => ActionStatus::Open,
    };
    match cmd {
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

fn report(
    file: &Path,
    output: Option<&Path>,
    format: report::Format,
    key: Option<&Path>,
) -> Result<ExitCode> {
    let opened = open(file)?;
    if let Some(out) = output {
        check_report_output(&opened, out)?;
        if let Some(key) = key {
            let sig = sign::signature_path(out);
            check_report_output(&opened, &sig)?;
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
    }
    // The report marks evidence files changed or gone since they were registered.
    let evidence_checks = evidence::check_files(&opened.record, &opened.path, &opened.access);
    let text = report::render(
        &report::Input {
            record: &opened.record,
            questionnaire: &opened.questionnaire.questionnaire,
            questionnaire_sha256: &opened.questionnaire.sha256,
            record_name: &file_name(file),
            // The hash of the very text that was loaded and checked.
            record_sha256: &opened.disk_sha256,
            evidence_checks: &evidence_checks,
        },
        format,
    );
    // Signed before anything is written: a report asked for signed is never left unsigned.
    let signature = key.map(|k| sign::sign(k, text.as_bytes())).transpose()?;
    match (output, signature) {
        // No report without the signature it was asked with: both land, or neither (and
        // what was there stays).
        (Some(out), Some(signature)) => {
            let sig = sign::signature_path(out);
            store::write_outputs_together(&[(out, text.as_bytes()), (&sig, &signature)])
                .with_context(|| {
                    format!(
                        "cannot write {} and {}; neither was changed",
                        display_path(out),
                        display_path(&sig)
                    )
                })?;
        }
        (Some(out), None) => {
            let a_file = fs_kind(out) != Some(false);
            write_report(output, &text)?;
            if a_file {
                remove_stale_signature(&opened, out);
            }
        }
        (None, _) => {
            write_report(None, &text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A report written unsigned over a signed one: the old signature beside it no longer
/// verifies, so it goes, and the user is told.
fn remove_stale_signature(opened: &Opened, out: &Path) {
    use std::io::Read;
    let sig = sign::signature_path(out);
    if check_report_output(opened, &sig).is_err() {
        return;
    }
    // Only what is a signature, in a regular file of its own name (a link is not followed).
    let mut head = [0u8; 29];
    let is_signature = std::fs::symlink_metadata(&sig).is_ok_and(|m| m.is_file())
        && crate::open_regular(&sig)
            .ok()
            .is_some_and(|mut f| f.read_exact(&mut head).is_ok())
        && head == *b"-----BEGIN SSH SIGNATURE-----";
    if is_signature && std::fs::remove_file(&sig).is_ok() {
        say_err!(
            "removed {}: it signed the earlier {}, not this report (add --sign to sign it)",
            display_path(&sig),
            display_path(out)
        );
    }
}

/// A report and its signature never replace the key that signs them, nor its public half.
fn check_not_the_key(key: &Path, out: &Path) -> Result<()> {
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
fn fs_kind(path: &Path) -> Option<bool> {
    std::fs::metadata(path).ok().map(|m| m.is_file())
}

fn compare(old: &Path, new: &Path, output: Option<&Path>) -> Result<ExitCode> {
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
    let names = [old, new].map(file_name);
    let files = [0, 1].map(|i| report::RecordFile {
        name: &names[i],
        sha256: &opened[i].disk_sha256,
    });
    write_report(output, &report::comparison(&comparison, files))
}

/// The file name a report gives a record by.
fn file_name(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes a report to `output` (atomically, see [`store::write_output`]), else to stdout.
fn write_report(output: Option<&Path>, text: &str) -> Result<ExitCode> {
    match output {
        Some(out) => store::write_output(out, text.as_bytes())
            .with_context(|| format!("cannot write {}", display_path(out)))?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(text.as_bytes())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A report must never replace what it was made from: the record (under any name), its lock
/// or temporary files, or its questionnaire file.
fn check_report_output(opened: &Opened, out: &Path) -> Result<()> {
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

/// The plain-text progress report of `status`, neutralised for the terminal.
pub fn status_text(opened: &Opened) -> String {
    let q = &opened.questionnaire.questionnaire;
    let record = &opened.record;
    let lookup = record.lookup();
    let eval = conformance::evaluate(q, &lookup);
    let mut out = String::new();
    let meta = &record.assessment;
    let vse = if meta.vse.is_empty() {
        "(VSE not named)"
    } else {
        &meta.vse
    };
    let _ = writeln!(
        out,
        "{}: {} against {}:{} ({})",
        neutralize_line(vse),
        meta.kind.describe(),
        neutralize_line(&q.questionnaire.standard),
        neutralize_line(&q.questionnaire.edition),
        meta.status.describe()
    );
    if opened.questionnaire_changed {
        let _ = writeln!(
            out,
            "Warning: questionnaire {} has changed since this record was made: the record names SHA-256 {}, the questionnaire used has SHA-256 {}",
            neutralize_line(&q.questionnaire.id),
            neutralize_line(&record.questionnaire.sha256),
            opened.questionnaire.sha256
        );
    }
    let _ = writeln!(
        out,
        "{}/{} requirements assessed\n",
        eval.assessed(),
        eval.total()
    );
    let _ = writeln!(out, "{}", conformance::ROW_HEADING);
    for p in &eval.processes {
        let _ = writeln!(out, "{}", neutralize_line(&p.row()));
    }
    let open: Vec<&str> = q
        .requirements
        .iter()
        .filter(|r| record.answer(&r.id).and_then(|a| a.rating).is_none())
        .map(|r| r.id.as_str())
        .collect();
    let _ = writeln!(out);
    if open.is_empty() {
        let _ = writeln!(out, "Not yet assessed: none");
    } else {
        let _ = writeln!(out, "Not yet assessed: {}", open.join(", "));
    }
    if !eval.conditions_unanswered.is_empty() {
        let _ = writeln!(
            out,
            "Clause 6 conditions not answered: {}",
            neutralize_line(&eval.conditions_unanswered.join(", "))
        );
    }
    if !eval.conditions_unmet.is_empty() {
        let _ = writeln!(
            out,
            "Clause 6 conditions not met: {}",
            neutralize_line(&eval.conditions_unmet.join(", "))
        );
    }
    let clause = neutralize_line(&q.questionnaire.conformance_clause);
    if eval.claimable() {
        let _ = writeln!(out, "Process conformance ({clause}): can be claimed");
    } else {
        let _ = writeln!(out, "Process conformance ({clause}): cannot be claimed yet");
        for (id, why) in eval
            .blockers
            .iter()
            .filter(|(_, w)| *w != [conformance::Blocker::NotAssessed])
        {
            let reasons: Vec<String> = why.iter().map(|b| b.describe(&q.rule.met)).collect();
            let _ = writeln!(out, "  {id}: {}", reasons.join("; "));
        }
    }
    let warnings = conformance::consistency_warnings(q, &lookup);
    if !warnings.is_empty() {
        let _ = writeln!(out, "Consistency warnings (not blocking):");
        for (id, why) in warnings {
            let _ = writeln!(out, "  {id}: {why}");
        }
    }
    let conclusion = conformance::conclude(q, &lookup);
    let draft = if meta.status == crate::record::Status::Draft {
        " (provisional: draft)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "Conclusion{draft}: {}",
        conclusion.headline(&q.questionnaire.conformance_clause)
    );
    for reason in conclusion.reasons() {
        let _ = writeln!(out, "  {}", neutralize_line(&reason));
    }
    // Process names, ids and condition ids come from the questionnaire.
    neutralize(&out)
}
