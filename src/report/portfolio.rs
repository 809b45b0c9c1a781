//! The portfolio: one row per assessment record, for whoever keeps many of them (a consultancy,
//! a certification body). Each row says who was assessed, how, by whom and when, what the
//! assessment concludes, and what needs attention: nonconformities open, actions overdue. A
//! record that could not be read is a row too, with its error. Rows are sorted by what needs
//! attention first ([`sort`]); Markdown, CSV and HTML render the same rows and totals.
//!
//! A row keeps only what it shows: the record it was made from is dropped at once, so a
//! portfolio of thousands of records holds thousands of short rows, never the records.

use std::cmp::Reverse;
use std::fmt::Write as _;

use jiff::civil::Date;

use super::markdown::{inline, table};
use crate::conformance::{self, Conclusion};
use crate::questionnaire::Questionnaire;
use crate::record::{ActionStatus, FindingClass, Kind, Record, Stage, Status};
use crate::text::neutralize_line;

/// What one assessment record comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The record's file, as the portfolio names it.
    pub file: String,
    pub vse: String,
    pub kind: Kind,
    pub stage: Option<Stage>,
    pub status: Status,
    /// The earliest and the latest session date, when any session is recorded.
    pub first_session: Option<String>,
    pub last_session: Option<String>,
    /// The team member whose role is lead auditor, else the first team member.
    pub lead: String,
    /// The conclusion in a few words ([`conclusion_label`]).
    pub conclusion: &'static str,
    /// Major and minor nonconformities not yet verified closed.
    pub open_majors: usize,
    pub open_minors: usize,
    /// Open actions whose due date is before today.
    pub overdue: usize,
    /// The follow-up's lead auditor closed it (after the sign-off).
    pub follow_up_closed: bool,
    /// While the follow-up is not closed: the earliest date a plan is due for a
    /// nonconformity still open ([`conformance::plan_due`]).
    pub follow_up_due: Option<String>,
    pub questionnaire: String,
    pub questionnaire_version: String,
}

/// A record file of the portfolio: what it comes to, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Loaded(Row),
    Failed {
        file: String,
        /// The first problem, on one line, as `validate` gives it, and how many more.
        error: String,
    },
}

impl Entry {
    /// A record that did not load: `message` is the error as `validate` prints it (a line per
    /// problem); the row keeps the first, and says how many more there are.
    pub fn failed(file: String, message: &str) -> Entry {
        let mut lines = message.lines().filter(|l| !l.trim().is_empty());
        let first = lines.next().unwrap_or("could not be read");
        let more = lines.count();
        let error = match more {
            0 => neutralize_line(first),
            1 => format!("{} (and 1 more problem)", neutralize_line(first)),
            n => format!("{} (and {n} more problems)", neutralize_line(first)),
        };
        Entry::Failed { file, error }
    }

    pub fn file(&self) -> &str {
        match self {
            Entry::Loaded(row) => &row.file,
            Entry::Failed { file, .. } => file,
        }
    }
}

/// The conclusion in a few words, one label per kind of [`Conclusion`].
pub fn conclusion_label(c: &Conclusion) -> &'static str {
    match c {
        Conclusion::Claim { claimable: true } => "claim",
        Conclusion::Claim { claimable: false } => "no claim yet",
        Conclusion::ProfileDoesNotApply { .. } => "profile does not apply",
        Conclusion::NoRecommendationYet { .. } => "no recommendation yet",
        Conclusion::NoRecommendation { .. } => "no recommendation",
        Conclusion::Recommend => "recommend",
        Conclusion::RecommendOncePlanAccepted { .. } => "recommend once plan accepted",
        Conclusion::DoNotRecommend { .. } => "do not recommend",
    }
}

impl Row {
    /// The row of `record`, read from `file` and checked against `q`, on `today` (which
    /// decides what is overdue).
    pub fn of(file: String, record: &Record, q: &Questionnaire, today: Date) -> Row {
        let meta = &record.assessment;
        let dates = meta.sessions.iter().map(|s| s.date.as_str());
        let first_session = dates.clone().min().map(str::to_owned);
        let last_session = dates.max().map(str::to_owned);
        let lead = meta
            .team
            .iter()
            .find(|p| p.is_lead_auditor())
            .or(meta.team.first())
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let open = |class| {
            record
                .findings
                .iter()
                .filter(|f| f.class == class && f.is_open())
                .count()
        };
        let overdue = record
            .findings
            .iter()
            .flat_map(|f| &f.actions)
            .filter(|a| a.status == ActionStatus::Open)
            .filter_map(|a| a.due.as_deref())
            .filter(|due| due.parse::<Date>().is_ok_and(|d| d < today))
            .count();
        // The conclusion as issued: the audit as found.
        let conclusion = conclusion_label(&conformance::conclude(q, &record.lookup()));
        let follow_up_closed = meta.follow_up_closed.is_some();
        let follow_up_due = record
            .findings
            .iter()
            .filter(|f| !follow_up_closed && f.is_open())
            .filter_map(|f| conformance::plan_due(record, f))
            .min()
            .map(str::to_owned);
        Row {
            file,
            vse: meta.vse.trim().to_owned(),
            kind: meta.kind,
            stage: meta.stage,
            status: meta.status,
            first_session,
            last_session,
            lead,
            conclusion,
            open_majors: open(FindingClass::Major),
            open_minors: open(FindingClass::Minor),
            overdue,
            follow_up_closed,
            follow_up_due,
            questionnaire: record.questionnaire.id.clone(),
            questionnaire_version: record.questionnaire.version.clone(),
        }
    }

    /// "draft", "final", or "follow-up closed" once the follow-up of a final record is.
    pub fn status_text(&self) -> &'static str {
        match (self.status, self.follow_up_closed) {
            (Status::Final, true) => "follow-up closed",
            (status, _) => status.describe(),
        }
    }

    /// "audit, stage 2", "self-assessment".
    fn kind_text(&self) -> String {
        let kind = match self.kind {
            Kind::Audit => "audit",
            Kind::SelfAssessment => "self-assessment",
        };
        match self.stage {
            Some(stage) => format!("{kind}, {stage}"),
            None => kind.to_owned(),
        }
    }

    /// "2026-11-16 – 2026-11-17", one date when both are the same, empty without sessions.
    fn dates_text(&self) -> String {
        match (&self.first_session, &self.last_session) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.clone(),
            _ => String::new(),
        }
    }
}

/// Sorts by what needs attention: records that did not load first, then open major
/// nonconformities (most first), overdue actions (most first), open minor nonconformities
/// (most first), drafts before finals, then the VSE's name (ignoring case) and the file.
pub fn sort(entries: &mut [Entry]) {
    entries.sort_by(|a, b| match (a, b) {
        (Entry::Failed { file: a, .. }, Entry::Failed { file: b, .. }) => a.cmp(b),
        (Entry::Failed { .. }, Entry::Loaded(_)) => std::cmp::Ordering::Less,
        (Entry::Loaded(_), Entry::Failed { .. }) => std::cmp::Ordering::Greater,
        (Entry::Loaded(a), Entry::Loaded(b)) => attention(a).cmp(&attention(b)),
    });
}

type Attention<'a> = (
    Reverse<usize>,
    Reverse<usize>,
    Reverse<usize>,
    bool,
    String,
    &'a str,
);

fn attention(r: &Row) -> Attention<'_> {
    (
        Reverse(r.open_majors),
        Reverse(r.overdue),
        Reverse(r.open_minors),
        r.status == Status::Final,
        r.vse.to_lowercase(),
        &r.file,
    )
}

/// What the portfolio adds up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub records: usize,
    pub loaded: usize,
    pub failed: usize,
    pub open_majors: usize,
    pub open_minors: usize,
    pub overdue: usize,
}

pub fn totals(entries: &[Entry]) -> Totals {
    let mut t = Totals {
        records: entries.len(),
        ..Totals::default()
    };
    for e in entries {
        match e {
            Entry::Loaded(r) => {
                t.loaded += 1;
                t.open_majors += r.open_majors;
                t.open_minors += r.open_minors;
                t.overdue += r.overdue;
            }
            Entry::Failed { .. } => t.failed += 1,
        }
    }
    t
}

impl Totals {
    /// "5 records: 4 loaded, 1 not loaded; open nonconformities: 2 major, 12 minor; 1 action
    /// overdue".
    pub fn describe(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}: {} loaded, {} not loaded; open nonconformities: {} major, {} minor; {} overdue",
            plural(self.records, "record", "records"),
            self.loaded,
            self.failed,
            self.open_majors,
            self.open_minors,
            plural(self.overdue, "action", "actions"),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Csv,
    Html,
}

/// The portfolio of `entries` (sorted as they are to be shown) on `today`.
pub fn render(entries: &[Entry], format: Format, today: Date) -> String {
    match format {
        Format::Markdown => markdown(entries, today),
        Format::Csv => csv(entries),
        Format::Html => html(entries, today),
    }
}

const HEADER: [&str; 12] = [
    "Record",
    "VSE",
    "Kind",
    "Status",
    "Dates",
    "Lead",
    "Conclusion",
    "Major NCs open",
    "Minor NCs open",
    "Actions overdue",
    "Follow-up due",
    "Questionnaire",
];

/// The cells of a row as plain text (not yet escaped for any format). A record that did not
/// load has its error where the conclusion goes.
fn cells(e: &Entry) -> [String; 12] {
    match e {
        Entry::Loaded(r) => [
            r.file.clone(),
            r.vse.clone(),
            r.kind_text(),
            r.status_text().to_owned(),
            r.dates_text(),
            r.lead.clone(),
            r.conclusion.to_owned(),
            r.open_majors.to_string(),
            r.open_minors.to_string(),
            r.overdue.to_string(),
            r.follow_up_due.clone().unwrap_or_default(),
            format!("{} {}", r.questionnaire, r.questionnaire_version),
        ],
        Entry::Failed { file, error } => [
            file.clone(),
            String::new(),
            String::new(),
            "not loaded".to_owned(),
            String::new(),
            String::new(),
            error.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
    }
}

fn title(today: Date) -> String {
    format!("Portfolio of assessments on {today}")
}

/// A Markdown table, every cell through [`inline`]; the totals follow it on a line.
pub fn markdown(entries: &[Entry], today: Date) -> String {
    let mut out = format!("# {}\n\n", title(today));
    out.push_str(
        "Sorted by what needs attention: records that did not load, open major nonconformities, actions overdue, open minor nonconformities, drafts before finals, then by VSE.\n\n",
    );
    table(
        &mut out,
        &HEADER,
        entries
            .iter()
            .map(|e| cells(e).iter().map(|c| inline(c)).collect()),
    );
    let _ = writeln!(out, "**Total:** {}.", totals(entries).describe());
    out
}

const CSV_HEADER: [&str; 16] = [
    "file",
    "vse",
    "kind",
    "stage",
    "status",
    "first_session",
    "last_session",
    "lead",
    "conclusion",
    "open_major",
    "open_minor",
    "overdue_actions",
    "follow_up_due",
    "questionnaire",
    "questionnaire_version",
    "error",
];

/// One row per record, as the report's CSV tables are written; no totals row (a spreadsheet
/// adds up the columns, and a script reads every row as a record). `kind`, `stage` and
/// `status` are the keys the record file uses.
pub fn csv(entries: &[Entry]) -> String {
    let rows = entries.iter().map(|e| match e {
        Entry::Loaded(r) => vec![
            r.file.clone(),
            r.vse.clone(),
            match r.kind {
                Kind::Audit => "audit",
                Kind::SelfAssessment => "self",
            }
            .to_owned(),
            r.stage.map(|s| s.key().to_owned()).unwrap_or_default(),
            match r.status_text() {
                "follow-up closed" => "follow-up-closed",
                s => s,
            }
            .to_owned(),
            r.first_session.clone().unwrap_or_default(),
            r.last_session.clone().unwrap_or_default(),
            r.lead.clone(),
            r.conclusion.to_owned(),
            r.open_majors.to_string(),
            r.open_minors.to_string(),
            r.overdue.to_string(),
            r.follow_up_due.clone().unwrap_or_default(),
            r.questionnaire.clone(),
            r.questionnaire_version.clone(),
            String::new(),
        ],
        Entry::Failed { file, error } => {
            let mut row = vec![String::new(); CSV_HEADER.len()];
            row[0] = file.clone();
            row[4] = "not loaded".to_owned();
            row[CSV_HEADER.len() - 1] = error.clone();
            row
        }
    });
    super::csv::table(&CSV_HEADER, rows)
}

/// Text for HTML: controls made visible, markup characters escaped.
fn h(s: &str) -> String {
    super::html::escape_html(&neutralize_line(s))
}

/// A standalone page (inline CSS, nothing fetched, no script) holding the table, the totals
/// in its footer.
pub fn html(entries: &[Entry], today: Date) -> String {
    let title = title(today);
    let mut body = format!("<h1>{}</h1>\n<table>\n<thead>\n<tr>", h(&title));
    for c in HEADER {
        let _ = write!(body, "<th>{}</th>", h(c));
    }
    body.push_str("</tr>\n</thead>\n<tbody>\n");
    for e in entries {
        let class = match e {
            Entry::Failed { .. } => " class=\"failed\"",
            Entry::Loaded(r) if r.open_majors > 0 || r.overdue > 0 => " class=\"attention\"",
            Entry::Loaded(_) => "",
        };
        let _ = write!(body, "<tr{class}>");
        for c in cells(e) {
            let _ = write!(body, "<td>{}</td>", h(&c));
        }
        body.push_str("</tr>\n");
    }
    let _ = write!(
        body,
        "</tbody>\n<tfoot>\n<tr><td colspan=\"{}\"><strong>Total:</strong> {}.</td></tr>\n</tfoot>\n</table>\n",
        HEADER.len(),
        h(&totals(entries).describe())
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{}{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        h(&title),
        super::html::CSS,
    )
}

const CSS: &str = "body { max-width: none; }\ntr.failed td { background: #fff4f4; }\ntr.attention td:nth-child(8), tr.attention td:nth-child(10) { font-weight: bold; }\ntd:nth-child(n+8):nth-child(-n+10) { text-align: right; }\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn row(vse: &str, majors: usize, overdue: usize, minors: usize, status: Status) -> Entry {
        Entry::Loaded(Row {
            file: format!("{vse}.toml"),
            vse: vse.into(),
            kind: Kind::Audit,
            stage: None,
            status,
            first_session: None,
            last_session: None,
            lead: String::new(),
            conclusion: "recommend",
            open_majors: majors,
            open_minors: minors,
            overdue,
            follow_up_closed: false,
            follow_up_due: None,
            questionnaire: "q".into(),
            questionnaire_version: "1".into(),
        })
    }

    #[test]
    fn what_needs_attention_comes_first() {
        let mut entries = vec![
            row("zeta", 0, 0, 0, Status::Final),
            row("Alpha", 0, 0, 0, Status::Final),
            row("beta", 0, 0, 0, Status::Draft),
            row("minors", 0, 0, 3, Status::Final),
            row("overdue", 0, 1, 0, Status::Final),
            row("major", 1, 0, 0, Status::Final),
            row("majors", 2, 0, 0, Status::Final),
            Entry::failed("broken.toml".into(), "broken.toml:1:1: bad\nsecond\nthird"),
        ];
        sort(&mut entries);
        let files: Vec<&str> = entries.iter().map(Entry::file).collect();
        assert_eq!(
            files,
            [
                "broken.toml",
                "majors.toml",
                "major.toml",
                "overdue.toml",
                "minors.toml",
                "beta.toml",
                "Alpha.toml",
                "zeta.toml"
            ]
        );
        assert_eq!(
            entries[0],
            Entry::Failed {
                file: "broken.toml".into(),
                error: "broken.toml:1:1: bad (and 2 more problems)".into()
            }
        );
        let t = totals(&entries);
        assert_eq!((t.records, t.loaded, t.failed), (8, 7, 1));
        assert_eq!((t.open_majors, t.open_minors, t.overdue), (3, 3, 1));
    }
}
