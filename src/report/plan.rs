//! The corrective action plan as a sheet for the VSE to fill in (`report --format actions`):
//! one row per nonconformity, one more per further action it has, with the audit's columns
//! (which the VSE reads and leaves as they are) and the VSE's (correction, root cause, its
//! actions, their owner, due and completion dates, the evidence that shows them done),
//! prefilled with what the record holds. Written as CSV or as XLSX; read back from either
//! ([`read_csv`], [`read_xlsx`]) and compared with the record ([`compare`]) into the
//! changes [`crate::record::plan::apply`] makes.

use jiff::civil::Date;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, ProtectionOptions, Workbook,
    XlsxError,
};

use super::Input;
use super::csv::{cell, table};
use crate::questionnaire::Questionnaire;
use crate::record::plan::PlanChange;
use crate::record::{Action, ActionKind, Finding, Record, check_date};
use crate::text::neutralize;

/// The plan's columns, in order: the audit's first, then the VSE's.
pub const HEADER: [&str; 16] = [
    "Finding",
    "Requirement(s)",
    "Class",
    "Raised",
    "Plan due",
    "Statement",
    "Evidence cited",
    "Correction",
    "Root cause",
    "Action",
    "Kind",
    "Corrective action",
    "Owner",
    "Due",
    "Completed",
    "Evidence",
];

/// The columns the audit fills: they are compared on import, never taken from the sheet.
const AUDIT_COLUMNS: usize = 7;
const CORRECTION: usize = 7;
const ROOT_CAUSE: usize = 8;
const ACTION: usize = 9;
const KIND: usize = 10;
const WHAT: usize = 11;
const OWNER: usize = 12;
const DUE: usize = 13;
const COMPLETED: usize = 14;
const EVIDENCE: usize = 15;
/// The columns that hold dates.
const DATES: [usize; 4] = [3, 4, DUE, COMPLETED];

/// The name of the plan's sheet in the XLSX workbook.
pub const SHEET: &str = "Plan";
/// Blank rows left open below the plan in the XLSX, for the actions the VSE adds.
const FREE_ROWS: u32 = 40;

/// Text as the sheet shows it: CRLF as LF, control characters made visible.
fn shown(s: &str) -> String {
    neutralize(&s.replace("\r\n", "\n"))
}

/// The record's nonconformities, requirement by requirement in questionnaire order (each
/// under its own requirement), then any whose requirement the questionnaire lacks.
fn nonconformities<'r>(q: &Questionnaire, record: &'r Record) -> Vec<&'r Finding> {
    let mut out: Vec<&Finding> = Vec::new();
    for req in &q.requirements {
        out.extend(
            record
                .findings
                .iter()
                .filter(|f| f.class.is_nonconformity() && f.requirement == req.id),
        );
    }
    out.extend(
        record
            .findings
            .iter()
            .filter(|f| f.class.is_nonconformity() && q.requirement(&f.requirement).is_none()),
    );
    out
}

/// A finding's audit columns, as the sheet gives them.
fn audit_columns(record: &Record, f: &Finding) -> [String; AUDIT_COLUMNS] {
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|id| match record.evidence_item(id) {
            Some(e) => format!("{id}: {}", e.title),
            None => id.clone(),
        })
        .collect();
    [
        f.id.clone(),
        f.requirements().collect::<Vec<_>>().join(", "),
        f.class.describe().to_string(),
        f.raised.clone().unwrap_or_default(),
        f.plan_due
            .clone()
            .or_else(|| record.assessment.plan_due.clone())
            .unwrap_or_default(),
        f.text.clone(),
        evidence.join("\n"),
    ]
}

/// An action's columns (of the VSE's), as the sheet gives them.
fn action_columns(a: Option<&Action>) -> [String; 7] {
    let Some(a) = a else {
        return Default::default();
    };
    [
        a.id.clone(),
        a.kind.key().to_string(),
        a.what.clone(),
        a.owner.clone(),
        a.due.clone().unwrap_or_default(),
        a.completed.clone().unwrap_or_default(),
        a.evidence.join(", "),
    ]
}

/// The plan's rows, each of [`HEADER`]'s columns: a nonconformity's row holds its first
/// action, and each further action has a row of its own repeating the finding's columns,
/// so that a sheet sorted or filtered still reads.
pub fn rows(q: &Questionnaire, record: &Record) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for f in nonconformities(q, record) {
        let actions: Vec<Option<&Action>> = if f.actions.is_empty() {
            vec![None]
        } else {
            f.actions.iter().map(Some).collect()
        };
        for a in actions {
            let mut row: Vec<String> = audit_columns(record, f).into();
            row.push(f.correction.clone());
            row.push(f.root_cause.clone());
            row.extend(action_columns(a));
            rows.push(row);
        }
    }
    rows
}

/// The plan as CSV (RFC 4180, every cell quoted and guarded as the other tables are).
pub fn csv(input: &Input) -> String {
    table(&HEADER, rows(input.questionnaire, input.record).into_iter())
}

/// What the Instructions sheet says, line by line.
fn instructions(record: &Record) -> Vec<String> {
    let vse = if record.assessment.vse.is_empty() {
        "the organisation".to_string()
    } else {
        record.assessment.vse.clone()
    };
    vec![
        format!("Corrective action plan of {vse}"),
        String::new(),
        "Each row of the Plan sheet is a nonconformity the audit found (one more row for each further action it already has). Columns A to G are the audit's: read them, do not change them. Columns H to P, in yellow, are yours to fill in.".into(),
        String::new(),
        "Correction: what you did at once to put the situation right.".into(),
        "Root cause: why the nonconformity happened.".into(),
        "Action: the action's id (A-1, A-2...). Leave it empty for an action you add; the audit team gives it an id.".into(),
        "Kind: correction (puts this instance right) or corrective (removes the cause, so that it does not happen again).".into(),
        "Corrective action: what will be done.".into(),
        "Owner: who does it.".into(),
        "Due: by when it will be done, as a date (YYYY-MM-DD).".into(),
        "Completed: the date it was done, once it is done (not a date to come).".into(),
        "Evidence: the ids of the evidence that shows it done (from the audit's evidence register, e.g. E4), separated by commas.".into(),
        String::new(),
        "To add an action to a nonconformity, fill a free row below the plan: type the nonconformity's id in column A, leave columns B to G and Action empty, and fill in the rest.".into(),
        "An empty cell changes nothing: to change what is written, write over it.".into(),
        "Do not rename, move or add columns, do not change the ids, the requirements, the class, the dates raised or due, the statements or the evidence cited: the import refuses the whole sheet if any of them changed, and says which row.".into(),
        "Send the filled-in file back to the audit team, which reads it with `vse-assess action import`.".into(),
    ]
}

/// The date in a record's text, for a spreadsheet date cell.
fn excel_date(s: &str) -> Option<ExcelDateTime> {
    let d: Date = s.parse().ok()?;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        d.month() as u8,
        d.day() as u8,
    )
    .ok()
}

/// The plan as an XLSX workbook: the Plan sheet (header bold and frozen, the statements
/// wrapped, the VSE's columns unlocked and highlighted, the rest locked against slips),
/// and an Instructions sheet. The same record gives the same bytes: the workbook is dated
/// by the record's last session, not by the clock.
pub fn xlsx(input: &Input) -> Result<Vec<u8>, XlsxError> {
    let record = input.record;
    let mut book = Workbook::new();
    let dated = record
        .assessment
        .sessions
        .iter()
        .map(|s| s.date.as_str())
        .max()
        .and_then(excel_date)
        .unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?);
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("Corrective action plan: {}", record.assessment.vse))
            .set_author(super::tool_version())
            .set_creation_datetime(&dated),
    );
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xD9D9D9));
    let locked = Format::new().set_align(FormatAlign::Top).set_text_wrap();
    let locked_date = locked.clone().set_num_format("yyyy-mm-dd");
    let yellow = Color::RGB(0xFFF2CC);
    let open = Format::new()
        .set_align(FormatAlign::Top)
        .set_text_wrap()
        .set_unlocked()
        .set_background_color(yellow);
    let open_date = open.clone().set_num_format("yyyy-mm-dd");
    let free = Format::new().set_unlocked();

    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let widths = [
        9.0, 14.0, 20.0, 11.0, 11.0, 50.0, 30.0, 35.0, 35.0, 8.0, 12.0, 40.0, 16.0, 11.0, 11.0,
        12.0,
    ];
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let rows = rows(input.questionnaire, record);
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, value) in row.iter().enumerate() {
            let vse = c >= AUDIT_COLUMNS;
            let (text_format, date_format) = if vse {
                (&open, &open_date)
            } else {
                (&locked, &locked_date)
            };
            let col = c as u16;
            match (DATES.contains(&c), excel_date(value)) {
                (true, Some(d)) => {
                    sheet.write_datetime_with_format(r, col, &d, date_format)?;
                }
                _ if value.is_empty() => {
                    let f = if DATES.contains(&c) {
                        date_format
                    } else {
                        text_format
                    };
                    sheet.write_blank(r, col, f)?;
                }
                _ => {
                    sheet.write_string_with_format(r, col, shown(value), text_format)?;
                }
            }
        }
    }
    // Free rows, unlocked, for the actions the VSE adds.
    let first_free = rows.len() as u32 + 1;
    for r in first_free..first_free + FREE_ROWS {
        for c in 0..HEADER.len() {
            let f = if c < AUDIT_COLUMNS {
                &free
            } else if DATES.contains(&c) {
                &open_date
            } else {
                &open
            };
            sheet.write_blank(r, c as u16, f)?;
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    sheet.autofilter(0, 0, first_free - 1, HEADER.len() as u16 - 1)?;
    // Locked against slips, not secured: no password, and rows may be formatted, added
    // and filtered.
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: true,
        use_autofilter: true,
        sort: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);

    let help = book.add_worksheet();
    help.set_name("Instructions")?;
    help.set_column_width(0, 110.0)?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrapped = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (r, line) in instructions(record).iter().enumerate() {
        let f = if r == 0 { &title } else { &wrapped };
        help.write_string_with_format(r as u32, 0, shown(line), f)?;
    }
    book.save_to_buffer()
}

/// A cell read back from a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    /// A date cell (a spreadsheet turns a typed date into one).
    Date(Date),
    Number(f64),
}

impl Value {
    /// The cell as text: a date as YYYY-MM-DD, a whole number without decimals.
    fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.replace("\r\n", "\n").trim().to_string(),
            Value::Date(d) => d.to_string(),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Value::Number(n) => n.to_string(),
        }
    }
}

/// A sheet read back: its rows as a spreadsheet numbers them (the header is row 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's name, in a workbook.
    pub name: Option<String>,
    pub rows: Vec<(usize, Vec<Value>)>,
}

/// Why a sheet cannot be read, or what in it is refused: where (row, and column when
/// it is about one), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: Option<usize>,
    pub column: Option<usize>,
    pub why: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(row) = self.row {
            write!(f, "row {row}")?;
            if let Some(c) = self.column {
                write!(f, ", column {} ({})", column_name(c), HEADER[c])?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.why)
    }
}

fn problem(row: usize, column: Option<usize>, why: impl Into<String>) -> Problem {
    Problem {
        row: Some(row),
        column,
        why: why.into(),
    }
}

/// A CSV cell as its writer meant it: the `'` that [`cell`] put before a formula-looking
/// text is taken off again.
fn uncell(raw: &str) -> String {
    match raw.strip_prefix('\'') {
        Some(rest) if cell(rest) == raw => rest.to_string(),
        _ => raw.to_string(),
    }
}

/// A plan read from CSV text: separated by `,` (as written), or by `;` or tab as some
/// spreadsheets save it.
pub fn read_csv(text: &str) -> Result<Sheet, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| problem(i + 1, None, format!("not CSV: {e}")))?;
        let cells = record
            .iter()
            .map(|c| match uncell(c) {
                c if c.trim().is_empty() => Value::Empty,
                c => Value::Text(c),
            })
            .collect();
        rows.push((i + 1, cells));
    }
    Ok(Sheet { name: None, rows })
}

/// A plan read from an XLSX workbook: its Plan sheet.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, Problem> {
    use calamine::{Data, Reader};
    let whole = |why: String| Problem {
        row: None,
        column: None,
        why,
    };
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| whole(format!("not an XLSX workbook: {e}")))?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == SHEET) {
        return Err(whole(format!(
            "no sheet named {SHEET} (sheets: {}); the plan is on the sheet {SHEET}",
            names.join(", ")
        )));
    }
    let range = book
        .worksheet_range(SHEET)
        .map_err(|e| whole(format!("sheet {SHEET} cannot be read: {e}")))?;
    let mut rows = Vec::new();
    if let Some((end_row, end_col)) = range.end() {
        for r in 0..=end_row {
            let cells = (0..=end_col)
                .map(|c| match range.get_value((r, c)) {
                    None | Some(Data::Empty) => Value::Empty,
                    Some(Data::String(s)) if s.trim().is_empty() => Value::Empty,
                    Some(Data::String(s)) => Value::Text(s.clone()),
                    Some(Data::Float(f)) => Value::Number(*f),
                    Some(Data::Int(i)) => Value::Number(*i as f64),
                    Some(Data::Bool(b)) => Value::Text(if *b { "TRUE" } else { "FALSE" }.into()),
                    Some(Data::DateTime(d)) if d.is_datetime() => {
                        let (y, m, day, ..) = d.to_ymd_hms_milli();
                        match Date::new(y as i16, m as i8, day as i8) {
                            Ok(date) => Value::Date(date),
                            Err(_) => Value::Number(d.as_f64()),
                        }
                    }
                    Some(Data::DateTime(d)) => Value::Number(d.as_f64()),
                    Some(Data::DateTimeIso(s) | Data::DurationIso(s)) => Value::Text(s.clone()),
                    Some(Data::Error(e)) => Value::Text(format!("#{e}")),
                })
                .collect();
            rows.push((r as usize + 1, cells));
        }
    }
    Ok(Sheet {
        name: Some(SHEET.to_string()),
        rows,
    })
}

/// Evidence ids as a cell lists them: separated by commas, semicolons, spaces or lines.
fn ids(text: &str) -> Vec<String> {
    text.split([',', ';', ' ', '\n', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the sheet changes in the record: every problem with it, or the changes, in row
/// order. A problem anywhere refuses the whole sheet. The audit's columns must be as the
/// record has them (or, on a row the VSE added for a new action, all empty); the VSE's
/// columns are compared with the record, and an empty cell changes nothing.
pub fn compare(
    q: &Questionnaire,
    record: &Record,
    sheet: &Sheet,
) -> Result<Vec<PlanChange>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    let mut rows = sheet.rows.iter();
    // The header, exactly.
    match rows.next() {
        None => {
            return Err(vec![problem(1, None, "the sheet is empty: no header row")]);
        }
        Some((n, header)) => {
            let texts: Vec<String> = header.iter().map(Value::text).collect();
            for (c, want) in HEADER.iter().enumerate() {
                let got = texts.get(c).map_or("", String::as_str);
                if got != *want {
                    problems.push(problem(
                        *n,
                        Some(c),
                        format!(
                            "the header says `{}` where the plan has `{want}`: the columns were changed (renamed, moved, added or removed); export the plan again",
                            shown(got)
                        ),
                    ));
                }
            }
            for (c, extra) in texts.iter().enumerate().skip(HEADER.len()) {
                if !extra.is_empty() {
                    problems.push(Problem {
                        row: Some(*n),
                        column: None,
                        why: format!(
                            "column {} (`{}`) is not one of the plan's: the columns were changed",
                            column_name(c),
                            shown(extra)
                        ),
                    });
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
        }
    }
    let nc_ids = || {
        nonconformities(q, record)
            .iter()
            .map(|f| f.id.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    // Per finding: the correction and root cause the sheet gives that differ from the
    // record's, with the row that first gives each.
    let mut given: Vec<(String, usize, usize, String)> = Vec::new();
    let mut actions_seen: Vec<(String, usize)> = Vec::new();
    for (n, cells) in rows {
        let n = *n;
        let text = |c: usize| cells.get(c).map(Value::text).unwrap_or_default();
        if cells.iter().all(|v| v.text().is_empty()) {
            continue;
        }
        if let Some(c) = (HEADER.len()..cells.len()).find(|c| !text(*c).is_empty()) {
            problems.push(Problem {
                row: Some(n),
                column: None,
                why: format!(
                    "column {} holds `{}`, outside the plan's columns (A-P)",
                    column_name(c),
                    shown(&text(c))
                ),
            });
            continue;
        }
        let id = text(0);
        if id.is_empty() {
            problems.push(problem(
                n,
                Some(0),
                "no finding id: each row names its nonconformity",
            ));
            continue;
        }
        let Some(f) = record.finding(&id) else {
            problems.push(problem(
                n,
                Some(0),
                format!(
                    "no finding `{}` in the record (nonconformities: {})",
                    shown(&id),
                    nc_ids()
                ),
            ));
            continue;
        };
        if !f.class.is_nonconformity() {
            problems.push(problem(
                n,
                Some(0),
                format!(
                    "{} is {}: the plan answers nonconformities only",
                    f.id,
                    with_article(f.class.describe())
                ),
            ));
            continue;
        }
        // The audit's columns: as exported, or all empty on a row the VSE added.
        let want = audit_columns(record, f);
        let blank = (1..AUDIT_COLUMNS).all(|c| text(c).is_empty());
        if !blank {
            let mut changed = false;
            for (c, want) in want.iter().enumerate().skip(1) {
                if text(c) != shown(want).trim() {
                    changed = true;
                    problems.push(problem(
                        n,
                        Some(c),
                        format!(
                            "{}'s {} is not the audit's: the audit's columns (A-G) stay as they are (it is `{}`)",
                            f.id,
                            HEADER[c].to_lowercase(),
                            crate::text::neutralize_line(want)
                        ),
                    ));
                }
            }
            if changed {
                continue;
            }
        }
        // Correction and root cause: each finding's, once.
        for (c, had) in [(CORRECTION, &f.correction), (ROOT_CAUSE, &f.root_cause)] {
            let now = text(c);
            if now.is_empty() || now == shown(had).trim() {
                continue;
            }
            match given.iter().find(|(id, col, _, _)| *id == f.id && *col == c) {
                Some((_, _, first, v)) if *v != now => problems.push(problem(
                    n,
                    Some(c),
                    format!(
                        "{}'s {} differs from the one on row {first}: give it once, or the same on each of its rows",
                        f.id,
                        HEADER[c].to_lowercase()
                    ),
                )),
                Some(_) => {}
                None => {
                    given.push((f.id.clone(), c, n, now.clone()));
                    changes.push(if c == CORRECTION {
                        PlanChange::Correction {
                            row: n,
                            finding: f.id.clone(),
                            text: now,
                        }
                    } else {
                        PlanChange::RootCause {
                            row: n,
                            finding: f.id.clone(),
                            text: now,
                        }
                    });
                }
            }
        }
        // The action's columns.
        let mut bad = false;
        let mut check_date_at = |c: usize, problems: &mut Vec<Problem>| {
            let t = text(c);
            if t.is_empty() {
                return None;
            }
            match check_date(&t) {
                Ok(()) => Some(t),
                Err(why) => {
                    bad = true;
                    problems.push(problem(n, Some(c), format!("{why} (YYYY-MM-DD)")));
                    None
                }
            }
        };
        let due = check_date_at(DUE, &mut problems);
        let completed = check_date_at(COMPLETED, &mut problems);
        let kind = match text(KIND).to_lowercase().as_str() {
            "" => None,
            "correction" => Some(ActionKind::Correction),
            "corrective" | "corrective action" => Some(ActionKind::Corrective),
            other => {
                bad = true;
                problems.push(problem(
                    n,
                    Some(KIND),
                    format!(
                        "`{}` is not a kind of action: correction or corrective",
                        shown(other)
                    ),
                ));
                None
            }
        };
        let evidence = ids(&text(EVIDENCE));
        for e in &evidence {
            if record.evidence_item(e).is_none() {
                bad = true;
                let known: Vec<&str> = record.evidence.iter().map(|e| e.id.as_str()).collect();
                problems.push(problem(
                    n,
                    Some(EVIDENCE),
                    format!(
                        "no evidence `{}` in the register (known: {})",
                        shown(e),
                        if known.is_empty() {
                            "none".into()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
            }
        }
        let mut action_id = text(ACTION);
        // A row added for an action the record has already (the same sheet imported
        // again): that action, not another one.
        if action_id.is_empty()
            && let Some(a) = f.actions.iter().find(|a| {
                let what = text(WHAT);
                !what.is_empty() && shown(&a.what).trim() == what
            })
        {
            action_id.clone_from(&a.id);
        }
        if action_id.is_empty() {
            let what = text(WHAT);
            let owner = text(OWNER);
            let anything = kind.is_some()
                || !what.is_empty()
                || !owner.is_empty()
                || due.is_some()
                || completed.is_some()
                || !evidence.is_empty();
            if !anything || bad {
                continue;
            }
            if what.is_empty() {
                problems.push(problem(
                    n,
                    Some(WHAT),
                    "a new action needs what is to be done",
                ));
                continue;
            }
            if completed.is_none() && !evidence.is_empty() {
                problems.push(problem(
                    n,
                    Some(COMPLETED),
                    "evidence shows an action done: give the date it was completed",
                ));
                continue;
            }
            changes.push(PlanChange::AddAction {
                row: n,
                finding: f.id.clone(),
                kind: kind.unwrap_or_default(),
                what,
                owner,
                due,
                completed,
                evidence,
            });
            continue;
        }
        let Some((holder, a)) = record.action(&action_id) else {
            let known: Vec<&str> = f.actions.iter().map(|a| a.id.as_str()).collect();
            problems.push(problem(
                n,
                Some(ACTION),
                format!(
                    "no action `{}` in the record ({}'s actions: {}); leave Action empty for an action you add",
                    shown(&action_id),
                    f.id,
                    if known.is_empty() { "none".into() } else { known.join(", ") }
                ),
            ));
            continue;
        };
        if holder.id != f.id {
            problems.push(problem(
                n,
                Some(ACTION),
                format!("{} is an action of {}, not of {}", a.id, holder.id, f.id),
            ));
            continue;
        }
        if let Some((_, first)) = actions_seen.iter().find(|(id, _)| *id == a.id) {
            problems.push(problem(
                n,
                Some(ACTION),
                format!("{} is on row {first} already: one row per action", a.id),
            ));
            continue;
        }
        actions_seen.push((a.id.clone(), n));
        if bad {
            continue;
        }
        if let Some(kind) = kind
            && kind != a.kind
        {
            changes.push(PlanChange::Kind {
                row: n,
                action: a.id.clone(),
                kind,
            });
        }
        // An empty cell keeps what the record holds.
        let keep = |c: usize, had: &str| {
            let now = text(c);
            if now.is_empty() || now == shown(had).trim() {
                None
            } else {
                Some(now)
            }
        };
        let what = keep(WHAT, &a.what);
        let owner = keep(OWNER, &a.owner);
        let new_due = due.filter(|d| Some(d) != a.due.as_ref());
        if what.is_some() || owner.is_some() || new_due.is_some() {
            changes.push(PlanChange::EditAction {
                row: n,
                action: a.id.clone(),
                what: what.unwrap_or_else(|| a.what.clone()),
                owner: owner.unwrap_or_else(|| a.owner.clone()),
                due: new_due.or_else(|| a.due.clone()),
            });
        }
        let new_completed = completed.filter(|d| Some(d) != a.completed.as_ref());
        let new_evidence = (!evidence.is_empty() && evidence != a.evidence).then_some(evidence);
        if new_completed.is_some() || new_evidence.is_some() {
            let Some(done) = new_completed.or_else(|| a.completed.clone()) else {
                problems.push(problem(
                    n,
                    Some(COMPLETED),
                    "evidence shows an action done: give the date it was completed",
                ));
                continue;
            };
            changes.push(PlanChange::Complete {
                row: n,
                action: a.id.clone(),
                completed: done,
                evidence: new_evidence.unwrap_or_else(|| a.evidence.clone()),
            });
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(problems)
    }
}

/// The column a refused change was about, by the field the edit layer names.
pub fn column_of(field: Option<&str>) -> Option<usize> {
    Some(match field? {
        "correction" => CORRECTION,
        "root_cause" => ROOT_CAUSE,
        "kind" => KIND,
        "what" => WHAT,
        "owner" => OWNER,
        "due" => DUE,
        "completed" => COMPLETED,
        "evidence" => EVIDENCE,
        _ => return None,
    })
}

/// "an observation", "a minor nonconformity".
fn with_article(noun: &str) -> String {
    let an = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if an { "an" } else { "a" })
}

/// A column's name as a spreadsheet gives it (A, ..., Z, AA, ...).
pub fn column_name(c: usize) -> String {
    let mut n = c + 1;
    let mut s = Vec::new();
    while n > 0 {
        n -= 1;
        s.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(15), "P");
        assert_eq!(column_name(26), "AA");
        assert_eq!(HEADER.len(), EVIDENCE + 1);
    }

    #[test]
    fn a_guarded_csv_cell_reads_back_as_written() {
        for s in ["plain", "=SUM(A1)", "- a list", "a;=x", "", "'quoted'"] {
            assert_eq!(uncell(&cell(s)), s, "{s:?}");
        }
    }

    #[test]
    fn ids_split_on_any_separator() {
        assert_eq!(ids("E1, E2;E3\nE4  E5"), ["E1", "E2", "E3", "E4", "E5"]);
        assert!(ids(" ").is_empty());
    }
}
