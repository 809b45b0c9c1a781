//! `new`, `set` and `questionnaires`: making a record and saying what it is made against.

use super::*;
use crate::record::next;

pub(super) fn new(args: NewArgs) -> Result<ExitCode> {
    if args.from.is_some() {
        return new_from(args);
    }
    let questionnaire = args
        .questionnaire
        .as_deref()
        .unwrap_or(DEFAULT_QUESTIONNAIRE);
    let loaded = catalog::resolve(questionnaire, Path::new(catalog::LOCAL_DIR))?;
    let mut record = Record::new(&loaded, &args.vse, args.kind.into());
    if let Source::File(p) = &loaded.source {
        record = record.with_questionnaire_path(relative_to_record(p, &args.file)?);
    }
    let file = args.file.clone();
    let details = new_details(args, false);
    edit::set_details(&mut record, &loaded.questionnaire, details).map_err(refused)?;
    first_problem(&record, &loaded.questionnaire)?;
    create(&file, &record)?;
    say!(
        "created {} ({} {}, {} requirements)",
        file.display(),
        loaded.questionnaire.questionnaire.id,
        loaded.questionnaire.questionnaire.version,
        loaded.questionnaire.requirements.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The questionnaire of a new record when none is named.
const DEFAULT_QUESTIONNAIRE: &str = "iso29110-4-2-om";

/// The details `new` sets from its options. Made from a previous record (`from`), only the
/// options given replace what was copied from it.
fn new_details(args: NewArgs, from: bool) -> edit::Details {
    let people =
        |given: &[String]| -> Vec<Person> { given.iter().map(|s| Person::parse(s)).collect() };
    let given = |v: Vec<Person>| Some(v).filter(|v| !from || !v.is_empty());
    let mut sessions = args.sessions;
    if args.date.is_some() || args.location.is_some() {
        sessions.push(Session {
            date: date_or_today(args.date),
            location: args.location.unwrap_or_default(),
        });
    }
    edit::Details {
        vse: Some(args.vse).filter(|v| from && !v.trim().is_empty()),
        objectives: args.objectives,
        client: args.client,
        sites: Some(args.sites).filter(|v| !from || !v.is_empty()),
        scope: args.scope,
        processes: Some(edit::process_list(&args.processes.join(","))).filter(|p| !p.is_empty()),
        team: given(people(&args.team)),
        participants: given(people(&args.participants)),
        sessions: Some(sessions),
        ..audit_details(args.audit)
    }
}

/// Creates the record's file; refused, as any change that would lose data is (exit status
/// 2), when the file exists.
fn create(file: &Path, record: &Record) -> Result<()> {
    store::create_new(file, record).map_err(|e| {
        let message = format!("cannot create {}: {e}", file.display());
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            invalid(message)
        } else {
            anyhow::Error::from(e).context(format!("cannot create {}", file.display()))
        }
    })
}

/// `new --from PREVIOUS`: the next assessment of the cycle (see [`next::next_record`]).
fn new_from(args: NewArgs) -> Result<ExitCode> {
    let from = args.from.clone().expect("called with --from");
    let file = args.file.clone();
    if file.exists() || store::same_file(&from, &file) {
        bail!(invalid(format!(
            "cannot create {}: the file exists (the next assessment is a new file)",
            file.display()
        )));
    }
    let previous = store::open(&from, &Access::Unrestricted, today())
        .map_err(|e| invalid(format!("cannot start from {}: {e}", display_path(&from))))?;
    let loaded = match &args.questionnaire {
        Some(named) => catalog::resolve(named, Path::new(catalog::LOCAL_DIR))?,
        None => previous.questionnaire.clone(),
    };
    let named = relative_to_record(&previous.path, &file)?;
    let made = next::next_record(
        next::From {
            record: &previous.record,
            file: &named,
            path: &previous.path,
            sha256: &previous.disk_sha256,
        },
        &loaded,
        args.audit.stage,
        &file,
    )
    .map_err(|e| {
        invalid(format!(
            "cannot start {} from {}: {e}",
            file.display(),
            display_path(&from)
        ))
    })?;
    let mut record = made.record;
    if let Source::File(p) = &loaded.source {
        record = record.with_questionnaire_path(relative_to_record(p, &file)?);
    }
    let details = new_details(args, true);
    edit::set_details(&mut record, &loaded.questionnaire, details).map_err(refused)?;
    first_problem(&record, &loaded.questionnaire)?;
    create(&file, &record)?;
    let stage = record
        .assessment
        .stage
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    say!(
        "created {} from {}{stage} ({} {})",
        file.display(),
        display_path(&from),
        loaded.questionnaire.questionnaire.id,
        loaded.questionnaire.questionnaire.version,
    );
    let list = |ids: &[String]| {
        if ids.is_empty() {
            "none".to_owned()
        } else {
            ids.join(", ")
        }
    };
    say!(
        "carried, to be followed up before the sign-off: {}",
        list(&made.carried)
    );
    say!("not carried: {}", list(&made.not_carried));
    if previous.record.assessment.follow_up_closed.is_none() && !made.carried.is_empty() {
        say_err!(
            "{}: note: its follow-up is not closed; what is recorded there from now on is not carried to {}",
            display_path(&from),
            file.display()
        );
    }
    say!(
        "evidence to check again: {} item(s) of the register",
        record.evidence.len()
    );
    Ok(ExitCode::SUCCESS)
}
/// The first problem the record check finds, as an error naming the field.
pub(super) fn first_problem(
    record: &Record,
    q: &crate::questionnaire::Questionnaire,
) -> Result<()> {
    match crate::record::check(record, q, today()).first() {
        Some(p) => Err(invalid(format!(
            "{}: {}",
            diagnostic::field_name(&p.path),
            p.message
        ))),
        None => Ok(()),
    }
}

/// `set`: each option given replaces that detail; the rest stay as they are.
pub(super) fn set(args: SetArgs) -> Result<ExitCode> {
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
        plan_due: match (args.plan_due, args.no_plan_due) {
            (Some(d), _) => Some(Some(d.to_string())),
            (None, true) => Some(None),
            (None, false) => None,
        },
        plan_limit_major: args.plan_limit_major,
        plan_limit_minor: args.plan_limit_minor,
        ..audit_details(args.audit)
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

/// The audit details given, the rest left as they are.
fn audit_details(args: crate::cli::AuditArgs) -> edit::Details {
    edit::Details {
        criteria: args.criteria,
        stage: args.stage.map(Some),
        certification_body: args.certification_body,
        report_ref: args.report_ref,
        objectives_met: args.objectives_met.map(|a| Some(a.yes())),
        scope_appropriate: args.scope_appropriate.map(|a| Some(a.yes())),
        ..edit::Details::default()
    }
}

/// The questionnaire path as the record will store it: relative to the record's folder.
pub(super) fn relative_to_record(questionnaire: &Path, record: &Path) -> Result<String> {
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

pub(super) fn questionnaires() -> Result<ExitCode> {
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
pub(super) fn describe(loaded: &catalog::Loaded) -> String {
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
