//! The Markdown report (GitHub-flavoured). Every piece of text from the record or the
//! questionnaire goes through [`inline`], which neutralises control characters and escapes
//! everything Markdown or HTML would interpret, so neither can break a table or inject markup,
//! images or links: the Markdown is safe on its own, whatever renders it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Input, in_requirement_order, tool_version};
use crate::conformance::{self, Blocker, Evaluation, ROLL_UP_RULE};
use crate::questionnaire::{Questionnaire, Reference, Requirement};
use crate::rating::Judgement;
use crate::record::evidence::EvidenceState;
use crate::record::{Finding, FindingClass, Kind, Lookup, Record, Status, details};
use crate::text::neutralize;

/// User text as one inline run: safe in a paragraph, a list item or a table cell. Line breaks
/// become `<br>`, so the text stays on one source line and cannot open a block.
pub(crate) fn inline(s: &str) -> String {
    let s = s.trim();
    // Most values (ids, titles, paths) need nothing done: copied as they are, they cost a
    // report of tens of thousands of rows nothing.
    if !s.bytes().any(needs_care) {
        return s.to_owned();
    }
    let s = neutralize(s);
    let mut out = String::with_capacity(s.len() + 8);
    let mut lines = s.lines().map(str::trim_end).peekable();
    while let Some(line) = lines.next() {
        for c in line.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                // User text never starts a line (it always follows a label, a list marker or
                // a cell border), so only inline syntax needs escaping.
                '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        if lines.peek().is_some() {
            out.push_str("<br>");
        }
    }
    out
}

/// A byte [`inline`] may have to change: a control, anything not ASCII (which may be a
/// control or a bidi mark), or Markdown and HTML syntax.
fn needs_care(b: u8) -> bool {
    !matches!(b, 0x20..0x7f)
        || matches!(b, b'&' | b'<' | b'>' | b'\\' | b'`' | b'*' | b'_')
        || matches!(b, b'[' | b']' | b'#' | b'|' | b'~' | b'$')
}

/// A SHA-256 as the report shows it: in a code span when it is one (the record's is checked
/// on load), else as ordinary text.
pub(super) fn hash(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("`{s}`")
    } else {
        inline(s)
    }
}

/// "req-7-2-a": stable anchors that survive any renderer.
pub fn anchor_for_requirement(id: &str) -> String {
    format!("req-{}", id.replace('.', "-").to_lowercase())
}

/// An evidence id as a link to its row of the register (plain text if it is not there).
pub(super) fn evidence_link(lookup: &Lookup, id: &str) -> String {
    match lookup.evidence_position(id) {
        Some(i) => format!("[{}](#{})", inline(id), evidence_anchor(i)),
        None => inline(id),
    }
}

fn evidence_anchor(index: usize) -> String {
    format!("ev-{}", index + 1)
}

pub(super) fn req_link(id: &str) -> String {
    format!("[{id}](#{})", anchor_for_requirement(id))
}

/// The anchor of a finding's entry, under its own requirement: `finding-nc-2`.
pub fn anchor_for_finding(id: &str) -> String {
    format!("finding-{}", id.to_lowercase())
}

/// The requirements a finding cites, as links: its own, then those it is also raised under.
pub(super) fn requirement_links(f: &Finding) -> String {
    f.requirements()
        .map(req_link)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A finding id as a link to its entry (plain text if the record has no such finding).
fn finding_link(r: &crate::record::Record, id: &str) -> String {
    match r.finding(id) {
        Some(f) => format!("[{}](#{})", inline(&f.id), anchor_for_finding(&f.id)),
        None => inline(id),
    }
}

/// Where a finding stands as found: the audit report never shows the follow-up.
fn as_found(r: &Record, f: &Finding) -> crate::record::FindingState {
    conformance::state_in(r, f, conformance::View::AsFound)
}

/// A nonconformity not closed as found.
fn as_found_open(r: &Record, f: &Finding) -> bool {
    conformance::open_in(r, f, conformance::View::AsFound)
}

/// A table row from cells already made safe.
fn row(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        if c.is_empty() {
            out.push(' ');
        } else {
            push_breakable(out, c);
        }
        out.push_str(" |");
    }
    out.push('\n');
}

/// A long unbroken value in a table cell (a path, a URL) made breakable: `<wbr>` after its
/// separators, and every 20 characters in a run that has none, so that a printed table fits
/// the page instead of losing its right-hand columns. Words, links and code are left alone.
fn push_breakable(out: &mut String, cell: &str) {
    const LONG: usize = 24;
    const RUN: usize = 20;
    for (n, token) in cell.split(' ').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        // (A token of at most LONG bytes has at most LONG characters.)
        if token.len() <= LONG || token.chars().count() <= LONG || token.contains(['`', '(', '<']) {
            out.push_str(token);
            continue;
        }
        let mut run = 0;
        let mut chars = token.chars().peekable();
        while let Some(mut c) = chars.next() {
            out.push(c);
            run += 1;
            match c {
                // Keep an escape with the character it escapes, an entity whole.
                '\\' => {
                    if let Some(next) = chars.next() {
                        out.push(next);
                        c = next;
                    }
                }
                '&' => {
                    for next in chars.by_ref() {
                        out.push(next);
                        if next == ';' {
                            break;
                        }
                    }
                }
                _ => {}
            }
            let separator = matches!(c, '/' | '.' | '-' | '_' | '?' | '=' | ',');
            if chars.peek().is_some() && (separator || run >= RUN) {
                out.push_str("<wbr>");
                run = 0;
            }
        }
    }
}

pub(super) fn table(
    out: &mut String,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    row(out, &header);
    row(out, &vec!["---".to_string(); header.len()]);
    for r in rows {
        debug_assert_eq!(r.len(), header.len());
        row(out, &r);
    }
    out.push('\n');
}

fn judgement_text(input: &Input, j: Option<Judgement>) -> String {
    match j {
        None => "not yet assessed".into(),
        Some(Judgement::NA) => "N/A (not applicable)".into(),
        Some(j) => {
            let r = j.rating().expect("not NA");
            match input.questionnaire.level(r) {
                Some(l) => format!("{r} ({}, {})", inline(&l.name.to_lowercase()), l.band()),
                None => r.to_string(),
            }
        }
    }
}

pub(super) fn short_judgement(j: Option<Judgement>) -> String {
    j.map_or("not assessed".into(), |j| j.to_string())
}

fn reference_cells(r: &Reference) -> (String, String) {
    match (&r.clause, &r.remark) {
        (Some(clause), _) => {
            let mut items = r.items.clone().unwrap_or_else(|| "(whole clause)".into());
            if let Some(note) = &r.note {
                items.push_str(&format!(" ({note})"));
            }
            (inline(clause), inline(&items))
        }
        (None, Some(remark)) => (
            format!("no clause: remark citing {}", inline(remark)),
            "-".to_string(),
        ),
        (None, None) => (String::new(), String::new()),
    }
}

/// What every section works from.
struct Ctx<'a> {
    input: &'a Input<'a>,
    q: &'a Questionnaire,
    r: &'a Record,
    eval: Evaluation<'a>,
    /// Where ratings and what they rest on disagree.
    warnings: Vec<(&'a str, String)>,
    lookup: Lookup<'a>,
    /// The profile as cited: `ISO/IEC 29110-4-2:2021`.
    standard: String,
    vse: String,
}

pub fn markdown(input: &Input) -> String {
    let (q, r) = (input.questionnaire, input.record);
    let ident = &q.questionnaire;
    let lookup = r.lookup();
    let c = Ctx {
        input,
        q,
        r,
        eval: conformance::evaluate(q, &lookup),
        warnings: conformance::consistency_warnings(q, &lookup),
        lookup,
        // The questionnaire's own words, escaped like user text: a local questionnaire can
        // come from anyone.
        standard: format!("{}:{}", inline(&ident.standard), inline(&ident.edition)),
        vse: if r.assessment.vse.trim().is_empty() {
            "(VSE not named)".to_string()
        } else {
            inline(&r.assessment.vse)
        },
    };
    let mut out = String::new();
    for section in [
        title,
        verdict,
        contents,
        identification,
        conditions,
        summary,
        conclusion,
        gaps,
        findings,
        actions,
        evidence,
        traceability,
        still_open,
        about,
    ] {
        section(&mut out, &c);
    }
    out
}

/// The title, the kind of assessment, the DRAFT and changed-questionnaire notices, contents.
fn title(out: &mut String, c: &Ctx) {
    let input = c.input;
    let q = c.q;
    let r = c.r;
    let standard = &c.standard;
    let vse = &c.vse;
    let meta = &r.assessment;
    let ident = &q.questionnaire;
    let _ = writeln!(
        out,
        "# {}: {vse}{}\n",
        report_title(meta.kind),
        draft_mark(meta.status)
    );
    let _ = writeln!(
        out,
        "{standard} {}, {}.\n",
        inline(&ident.title.to_lowercase()),
        meta.kind.describe()
    );
    if meta.status == Status::Draft {
        let _ = writeln!(
            out,
            "> **DRAFT**: this report is not final. Ratings and findings may still change.\n"
        );
    }
    let changed = input.questionnaire_sha256 != r.questionnaire.sha256;
    if changed {
        let _ = writeln!(
            out,
            "> **Warning: the questionnaire has changed since this record was made.** The record names questionnaire SHA-256 {}; this report was made with the questionnaire whose SHA-256 is {}. Statements, facets and references shown here may differ from those assessed.\n",
            hash(&r.questionnaire.sha256),
            hash(input.questionnaire_sha256)
        );
    }
    let as_found = |id: &str| r.evidence_item(id).is_some_and(|e| !e.follow_up);
    let troubled: Vec<String> = input
        .evidence_checks
        .iter()
        .filter(|(id, state)| state.is_problem() && as_found(id))
        .map(|(id, state)| {
            format!(
                "{} ({})",
                evidence_link(&c.lookup, id),
                evidence_mark(state)
            )
        })
        .collect();
    if !troubled.is_empty() {
        let _ = writeln!(
            out,
            "> **Warning: evidence files differ from those registered:** {}. Re-hashed when this report was made; the findings may rest on versions no longer there.\n",
            troubled.join(", ")
        );
    }
}

/// The report's title for its kind: a self-assessment reads as a gap analysis.
pub(super) fn report_title(kind: Kind) -> &'static str {
    match kind {
        Kind::Audit => "Assessment report",
        Kind::SelfAssessment => "Self-assessment (gap analysis)",
    }
}

pub(super) fn draft_mark(status: Status) -> &'static str {
    match status {
        Status::Draft => " (DRAFT)",
        Status::Final => "",
    }
}

/// Page 1: what a reader decides on, before anything else. The VSE, the kind and status,
/// the recommendation or claim, the nonconformities by class, the ratings at a glance and who
/// signed off when; the reasons and details follow in their sections.
fn verdict(out: &mut String, c: &Ctx) {
    let (q, r) = (c.q, c.r);
    let meta = &r.assessment;
    let audit = meta.kind == Kind::Audit;
    let _ = writeln!(
        out,
        "<a id=\"verdict\"></a>\n\n## {}\n",
        if audit { "Verdict" } else { "Result" }
    );
    let conclusion = conformance::conclude(q, &c.lookup);
    let provisional = if meta.status == Status::Draft {
        "Provisional (draft): "
    } else {
        ""
    };
    let headline = format!(
        "**{provisional}{}** See the [conclusion](#conclusion).",
        inline(&conclusion.headline(&q.questionnaire.conformance_clause))
    );
    let warnings = &c.warnings;
    let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
    for req in &q.requirements {
        *tally
            .entry(super::standing(q, &c.lookup, &c.eval, warnings, &req.id))
            .or_default() += 1;
    }
    let order: &[&str] = if audit {
        &[
            "conforming",
            "minor NC",
            "minor NC (closed)",
            "major NC",
            "major NC (closed)",
            "to settle (not met, no NC)",
            "not assessed",
        ]
    } else {
        &["met", "gap", "not assessed"]
    };
    let requirements: Vec<String> = order
        .iter()
        .filter_map(|k| {
            tally.get(k).map(|&n| match *k {
                "gap" if n != 1 => format!("{n} gaps"),
                k => format!("{n} {k}"),
            })
        })
        .collect();
    let rows = vec![
        vec!["VSE".into(), c.vse.clone()],
        vec!["Kind".into(), meta.kind.describe().into()],
        vec![
            "Status".into(),
            match meta.status {
                Status::Draft => "**DRAFT** (not signed off; may still change)".into(),
                Status::Final => "final".into(),
            },
        ],
        vec![
            if audit {
                "Recommendation".into()
            } else {
                "Claim".into()
            },
            headline,
        ],
        vec![
            if audit {
                "Nonconformities".into()
            } else {
                "Problems recorded (nonconformities)".into()
            },
            nonconformity_counts(&c.lookup, q),
        ],
        vec![
            format!("Requirements ({})", q.requirements.len()),
            requirements.join("; "),
        ],
        vec![
            "Signed off".into(),
            match meta.sign_off() {
                Some(signed) => format!("by {} on {}", inline(&signed.by), inline(&signed.date)),
                None => "not yet: this is a draft".into(),
            },
        ],
    ];
    let mut rows = rows;
    // A final record that would not pass its sign-off now (marked final by hand, or
    // signed off under older rules) says so, each reason named.
    if meta.status == Status::Final {
        // Judged as found: what follow-up recorded since is not the audit's to fail.
        let as_found = conformance::as_found_record(c.r);
        let fails = crate::record::edit::final_record_problems(as_found.as_ref().unwrap_or(c.r), q);
        if !fails.is_empty() {
            let fails: Vec<String> = fails.iter().map(|f| inline(f)).collect();
            rows.push(vec![
                "Sign-off check".into(),
                format!(
                    "**fails today**: the record is final, but a sign-off now would be refused: {}",
                    fails.join("; ")
                ),
            ]);
        }
    }
    table(out, &["Item", "Value"], rows);
    grid(out, c);
}

/// "major: 1 open, 0 closed; minor: 2 open, 1 closed".
fn nonconformity_counts(lookup: &Lookup, q: &Questionnaire) -> String {
    let findings: Vec<&Finding> = in_requirement_order(q, lookup).collect();
    [FindingClass::Major, FindingClass::Minor]
        .into_iter()
        .map(|class| {
            let of: Vec<&&Finding> = findings.iter().filter(|f| f.class == class).collect();
            let open = of
                .iter()
                .filter(|f| as_found_open(lookup.record(), f))
                .count();
            format!(
                "{}: {open} open, {} closed",
                class.describe().trim_end_matches(" nonconformity"),
                of.len() - open
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The ratings at a glance, one row per process and one column per requirement letter: the
/// HTML report draws it as a picture in its place (from the anchor to the key).
fn grid(out: &mut String, c: &Ctx) {
    let (q, r) = (c.q, c.r);
    let rows: Vec<(&str, Vec<&Requirement>)> = q
        .processes
        .iter()
        .map(|p| (p.id.as_str(), q.requirements_of(&p.id).collect()))
        .collect();
    let columns = rows.iter().map(|(_, reqs)| reqs.len()).max().unwrap_or(0);
    let letters: Vec<String> = (0..columns)
        .map(|i| {
            rows.iter()
                .find_map(|(_, reqs)| reqs.get(i))
                .map(|req| inline(req.id.rsplit('.').next().unwrap_or(&req.id)))
                .unwrap_or_default()
        })
        .collect();
    let mut header = vec!["Process".to_string()];
    header.extend(letters);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let _ = writeln!(out, "<a id=\"grid\"></a>\n");
    table(
        out,
        &header,
        rows.iter().map(|(process, reqs)| {
            let mut cells = vec![inline(process)];
            for i in 0..columns {
                cells.push(reqs.get(i).map_or(String::new(), |req| {
                    let open = |class| {
                        c.lookup
                            .findings_for(&req.id)
                            .iter()
                            .any(|f| f.class == class && as_found_open(r, f))
                    };
                    let mark = if open(FindingClass::Major) {
                        "!"
                    } else if open(FindingClass::Minor) {
                        "+"
                    } else {
                        ""
                    };
                    let rating = r
                        .answer(&req.id)
                        .and_then(|a| a.rating)
                        .map_or("-".to_string(), |j| j.to_string());
                    format!("{rating}{mark}")
                }));
            }
            cells
        }),
    );
    let _ = writeln!(
        out,
        "Key: each cell is a requirement's rating (- not assessed); ! an open major nonconformity, + an open minor one.\n"
    );
}

fn contents(out: &mut String, c: &Ctx) {
    let gaps = if c.r.assessment.kind == Kind::SelfAssessment {
        " · [Gaps and next steps](#gaps)"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "Contents: [Identification](#identification) · [Conditions and conformance](#conditions) · [Summary](#summary) · [Conclusion](#conclusion){gaps} · [Findings by requirement](#findings) · [Nonconformities as found](#actions) · [Evidence](#evidence) · [Annex A traceability](#traceability) · [Still open](#open) · [Sampling](#sampling)\n"
    );
}

/// Who, what, when, where, against what; the record and questionnaire by hash.
fn identification(out: &mut String, c: &Ctx) {
    let input = c.input;
    let q = c.q;
    let r = c.r;
    let standard = &c.standard;
    let vse = &c.vse;
    let meta = &r.assessment;
    let ident = &q.questionnaire;
    let changed = input.questionnaire_sha256 != r.questionnaire.sha256;
    let _ = writeln!(out, "<a id=\"identification\"></a>\n\n## Identification\n");
    let scope: Vec<String> = meta
        .scope
        .processes
        .iter()
        .map(|p| match q.process(p) {
            Some(proc) => format!(
                "{} ({} {})",
                inline(&proc.id),
                inline(&proc.clause),
                inline(&proc.name)
            ),
            None => inline(p),
        })
        .collect();
    // An audit states every detail a certification body needs, "not stated" where it is
    // missing: never a blank or a dropped row.
    let audit = meta.kind == Kind::Audit;
    let sites = meta
        .scope
        .sites
        .iter()
        .map(|s| inline(s))
        .collect::<Vec<_>>()
        .join(", ");
    let mut ident_rows = vec![
        vec!["VSE".into(), vse.clone()],
        vec!["Kind of assessment".into(), meta.kind.describe().into()],
    ];
    if audit {
        ident_rows.extend([
            vec![
                "Audit stage".into(),
                meta.stage
                    .map_or_else(|| "not stated".into(), |s| s.to_string()),
            ],
            vec![
                "Certification body".into(),
                or_not_stated(&meta.certification_body),
            ],
            vec!["Report reference".into(), or_not_stated(&meta.report_ref)],
            vec!["Audit client".into(), or_not_stated(&meta.client)],
            vec!["Objectives".into(), or_not_stated(&meta.objectives)],
            vec![
                "Processes in scope".into(),
                or_not_stated(&scope.join(", ")),
            ],
            vec!["Sites".into(), or_not_stated(&sites)],
            vec!["Scope".into(), or_not_stated(&meta.scope.description)],
        ]);
    } else {
        if !meta.client.is_empty() {
            ident_rows.push(vec!["Assessment client".into(), inline(&meta.client)]);
        }
        ident_rows.extend([
            vec!["Objectives".into(), inline(&meta.objectives)],
            vec!["Processes in scope".into(), scope.join(", ")],
            vec!["Sites".into(), sites],
        ]);
        if !meta.scope.description.is_empty() {
            ident_rows.push(vec!["Scope".into(), inline(&meta.scope.description)]);
        }
    }
    ident_rows.push(vec![
        "Criteria".into(),
        if meta.criteria.trim().is_empty() {
            if audit {
                "not stated".into()
            } else {
                format!("{standard} {}", inline(&ident.title))
            }
        } else {
            inline(&meta.criteria)
        },
    ]);
    if audit {
        let confirmed = |answer: Option<bool>, yes: &str, no: &str| match answer {
            Some(true) => yes.to_owned(),
            Some(false) => no.to_owned(),
            None => "not stated".to_owned(),
        };
        if details::any_remote(meta) || !meta.remote_method.trim().is_empty() {
            ident_rows.push(vec![
                "Remote method".into(),
                or_not_stated(&meta.remote_method),
            ]);
        }
        ident_rows.extend([
            vec![
                "Diverging opinions".into(),
                or_not_stated(&meta.diverging_opinions),
            ],
            vec![
                "Objectives met".into(),
                confirmed(
                    meta.objectives_met,
                    "yes, the audit team confirms it",
                    "no: the audit team states they were not met",
                ),
            ],
            vec![
                "Scope appropriate".into(),
                confirmed(
                    meta.scope_appropriate,
                    "yes, the audit team confirms it",
                    "no: the audit team states it is not",
                ),
            ],
            vec![
                "Conclusions".into(),
                if meta.conclusions.trim().is_empty() {
                    "not stated".into()
                } else {
                    "see [Conclusion](#conclusion)".into()
                },
            ],
        ]);
    }
    ident_rows.extend([
        vec![
            "Questionnaire".into(),
            format!(
                "{} {}, SHA-256 {}{}",
                inline(&ident.id),
                inline(&ident.version),
                hash(input.questionnaire_sha256),
                if changed {
                    format!(
                        " (changed: the record names {})",
                        hash(&r.questionnaire.sha256)
                    )
                } else {
                    String::new()
                }
            ),
        ],
        vec![
            "Status".into(),
            match meta.sign_off() {
                Some(signed) => format!("final, {}", inline(&signed.describe())),
                None => "**DRAFT**".into(),
            },
        ],
        vec![
            "Issue date".into(),
            match meta.sign_off() {
                Some(signed) => inline(&signed.date),
                None => "not issued (draft)".into(),
            },
        ],
        vec!["Distribution".into(), or_not_stated(&meta.distribution)],
        vec![
            "Confidentiality".into(),
            or_not_stated(&meta.confidentiality),
        ],
        vec![
            "Record".into(),
            format!(
                "{}, SHA-256 `{}`",
                inline(input.record_name),
                input.record_sha256
            ),
        ],
        vec!["Written by".into(), tool_version()],
    ]);
    table(out, &["Item", "Value"], ident_rows);

    let _ = writeln!(out, "**Assessment team**\n");
    people(out, &meta.team, "No team member recorded.", audit);
    let _ = writeln!(
        out,
        "**{} participants**\n",
        if meta.kind == Kind::Audit {
            "Auditee"
        } else {
            "VSE"
        }
    );
    people(out, &meta.participants, "No participant recorded.", false);
    let _ = writeln!(out, "**Dates and locations**\n");
    if meta.sessions.is_empty() {
        let _ = writeln!(out, "No date recorded.\n");
    } else {
        table(
            out,
            &["Date", "Location"],
            meta.sessions.iter().map(|s| {
                let location = if audit {
                    or_not_stated(&s.location)
                } else {
                    inline(&s.location)
                };
                vec![inline(&s.date), location]
            }),
        );
    }
    if !audit && !meta.remote_method.trim().is_empty() {
        let _ = writeln!(
            out,
            "**Remote sessions:** {}\n",
            inline(&meta.remote_method)
        );
    }
    if !meta.audit_plan.trim().is_empty() {
        let _ = writeln!(out, "**Assessment plan:** {}\n", inline(&meta.audit_plan));
    }
    if !meta.history.is_empty() {
        let _ = writeln!(out, "**Sign-off history**\n");
        table(
            out,
            &["Date", "Status", "By", "Reason"],
            meta.history.iter().map(|h| {
                vec![
                    inline(&h.date),
                    match h.status {
                        Status::Final => "signed off (final)".into(),
                        Status::Draft => "reopened (draft)".into(),
                    },
                    inline(&h.by),
                    inline(&h.reason),
                ]
            }),
        );
    }
}

pub(super) fn or_not_stated(text: &str) -> String {
    if text.trim().is_empty() {
        "not stated".into()
    } else {
        inline(text)
    }
}

/// What the evidence check found, as the register and the warning say it.
fn evidence_mark(state: &EvidenceState) -> &'static str {
    match state {
        EvidenceState::Unchanged => "unchanged",
        EvidenceState::Changed(_) => "changed since registered",
        EvidenceState::Missing => "missing",
        EvidenceState::Unreadable(_) => "cannot be checked",
    }
}

/// Clause 6 answers and the conformance situation (clause 4).
fn conditions(out: &mut String, c: &Ctx) {
    let q = c.q;
    let r = c.r;
    let lookup = &c.lookup;
    let ident = &q.questionnaire;
    let _ = writeln!(
        out,
        "<a id=\"conditions\"></a>\n\n## Minimal conditions (clause 6) and conformance situation (clause 4)\n"
    );
    table(
        out,
        &["Condition", "Question", "Answer", "Note", "Evidence"],
        q.conditions.iter().map(|c| {
            let a = r.conditions.get(&c.id);
            vec![
                inline(&c.id),
                inline(&c.question),
                match a {
                    Some(a) if a.met => "yes".into(),
                    Some(_) => "**no**".into(),
                    None => "not answered".into(),
                },
                a.map(|a| inline(&a.note)).unwrap_or_default(),
                a.map(|a| {
                    a.evidence
                        .iter()
                        .map(|e| evidence_link(lookup, e))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            ]
        }),
    );
    // Clause 4.2 in full, in our words: the base-standard part is half of it.
    let bases: Vec<String> = ident.base_standards.iter().map(|s| inline(s)).collect();
    let _ = writeln!(
        out,
        "Claim examined: process conformance (clause {clause}). A VSE may claim it when two things hold: first, it meets every mandatory process requirement that the profile sets out in clause 7 (all of them use \"shall\"); second, where they apply, it also meets the properties and requirements that the base standards ({}) attach to those requirements. This assessment rated the first part; the second, the base-standard part, was not assessed. Whether the claim holds here: see the [conclusion](#conclusion).\n",
        bases.join(", "),
        clause = inline(&ident.conformance_clause),
    );
}

/// Counts and achievement per process, the rules applied, what blocks a claim, and where
/// ratings and findings disagree.
fn summary(out: &mut String, c: &Ctx) {
    let q = c.q;
    let eval = &c.eval;
    let ident = &q.questionnaire;
    let _ = writeln!(out, "<a id=\"summary\"></a>\n\n## Summary\n");
    table(
        out,
        &[
            "Process",
            "Clause",
            "Requirements",
            "N",
            "P",
            "L",
            "F",
            "N/A",
            "Not assessed",
            "Weakest rating",
        ],
        eval.processes.iter().map(|p| {
            let c = p.counts;
            vec![
                format!(
                    "{} {}{}",
                    inline(&p.process.id),
                    inline(&p.process.name),
                    if p.in_scope { "" } else { " (out of scope)" }
                ),
                inline(&p.process.clause),
                c.total().to_string(),
                c.n.to_string(),
                c.p.to_string(),
                c.l.to_string(),
                c.f.to_string(),
                c.na.to_string(),
                c.not_assessed.to_string(),
                p.achievement_text(),
            ]
        }),
    );
    let audit = c.r.assessment.kind == Kind::Audit;
    let warnings = &c.warnings;
    // Requirement by requirement: the informative rating beside what is decided on.
    table(
        out,
        &[
            "Requirement",
            "Rating",
            if audit { "Conformity" } else { "Result" },
            "Findings",
        ],
        q.requirements.iter().map(|req| {
            let findings: Vec<String> = c
                .lookup
                .findings_for(&req.id)
                .iter()
                .map(|f| inline(&f.id))
                .collect();
            vec![
                req_link(&req.id),
                short_judgement(c.r.answer(&req.id).and_then(|a| a.rating)),
                super::standing(q, &c.lookup, eval, warnings, &req.id).into(),
                findings.join(", "),
            ]
        }),
    );
    let met: Vec<String> = q.rule.met.iter().map(|r| r.to_string()).collect();
    let _ = writeln!(out, "Roll-up rule: {ROLL_UP_RULE}\n");
    let _ = writeln!(
        out,
        "Conformance rule: process conformance (clause {}) needs all clause 6 conditions answered yes and every mandatory requirement met. Here *met* means rated {}, with at least one evidence item or interview behind it and no nonconformity of any class still open; a nonconformity stays open until the assessment team has verified its corrective action effective. {} A rating below met is settled only by an open nonconformity of its weight: a major one for N or P{}, a minor or a major one for a rating between P and met.{}\n",
        inline(&ident.conformance_clause),
        met.join(" or "),
        if q.rule.not_applicable_blocks {
            "A requirement marked not applicable is not met."
        } else {
            "Requirements marked not applicable are left out."
        },
        if audit {
            " (and for N/A, as every requirement is mandatory)"
        } else {
            ""
        },
        if audit {
            " The audit team's recommendation rests on the nonconformities alone: none open, it recommends certification; only minor ones open, it recommends once their corrective action plan is accepted; a major one open, it does not recommend. While a requirement is unassessed or a consistency warning stands, there is no recommendation yet; when a process is left out of the scope, or the team states that the objectives were not met or the scope not appropriate, there is none. A clause 6 condition answered no means the profile does not apply."
        } else {
            ""
        },
    );
    if eval.claimable() && warnings.is_empty() {
        let _ = writeln!(
            out,
            "Nothing in the ratings or clause 6 stands in the way of a process conformance claim: all {} mandatory requirements are met as the rule reads. See the [conclusion](#conclusion).\n",
            eval.total()
        );
    } else {
        let _ = writeln!(
            out,
            "What stands in the way of a process conformance claim:\n"
        );
        for id in &eval.conditions_unmet {
            let _ = writeln!(
                out,
                "- Clause 6 condition {} is answered no: the profile does not apply to this organisation.",
                inline(id)
            );
        }
        for id in &eval.conditions_unanswered {
            let _ = writeln!(out, "- Clause 6 condition {} is not answered.", inline(id));
        }
        let mut unassessed = Vec::new();
        for (id, why) in &eval.blockers {
            if *why == [Blocker::NotAssessed] {
                unassessed.push(req_link(id));
                continue;
            }
            let why: Vec<String> = why.iter().map(|b| b.describe(&q.rule.met)).collect();
            let _ = writeln!(out, "- {}: {}.", req_link(id), why.join("; "));
        }
        if !unassessed.is_empty() {
            let _ = writeln!(
                out,
                "- Not yet assessed ({}): {}.",
                unassessed.len(),
                unassessed.join(", ")
            );
        }
        out.push('\n');
    }
    if !warnings.is_empty() && !audit {
        let _ = writeln!(
            out,
            "Where a rating and what it rests on disagree, the requirement is a gap: see [gaps and next steps](#gaps).\n"
        );
    } else if !warnings.is_empty() {
        let _ = writeln!(
            out,
            "**Consistency warnings.** Where a rating and what it rests on disagree; they stay until one of them changes. An audit is not signed off while any stands:\n"
        );
        for (id, why) in warnings {
            let _ = writeln!(out, "- {}: {}.", req_link(id), inline(why));
        }
        out.push('\n');
    }
}

/// The conclusion: a claim (self-assessment) or the audit team's recommendation to the
/// certification body, which decides. Provisional while the report is a draft; what it rests
/// on (a sample) and what it does not cover (the base standards) said next to it.
fn conclusion(out: &mut String, c: &Ctx) {
    let (q, r) = (c.q, c.r);
    let ident = &q.questionnaire;
    let _ = writeln!(out, "<a id=\"conclusion\"></a>\n\n## Conclusion\n");
    let conclusion = conformance::conclude(q, &c.lookup);
    let provisional = if r.assessment.status == Status::Draft {
        "Provisional (draft): "
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "**{provisional}{}**\n",
        inline(&conclusion.headline(&ident.conformance_clause))
    );
    let reasons = conclusion.reasons();
    if !reasons.is_empty() {
        let _ = writeln!(out, "Because of:\n");
        for reason in reasons {
            let _ = writeln!(out, "- {}", inline(&reason));
        }
        out.push('\n');
    }
    if matches!(
        conclusion,
        conformance::Conclusion::Recommend
            | conformance::Conclusion::RecommendOncePlanAccepted { .. }
            | conformance::Conclusion::DoNotRecommend { .. }
    ) {
        let _ = writeln!(
            out,
            "This is the audit team's recommendation. The decision on certification is the certification body's (ISO/IEC 17021-1, 9.5); this report does not grant or confirm certification.\n"
        );
    }
    let bases: Vec<String> = ident.base_standards.iter().map(|s| inline(s)).collect();
    let _ = writeln!(
        out,
        "Clause {} also asks, where they apply, for the properties and requirements of the base standards ({}) associated with the profile's requirements. This assessment rated the clause 7 requirements of the profile only: Annex A shows where each traces, but no conformance to those standards was assessed.\n",
        inline(&ident.conformance_clause),
        bases.join(", ")
    );
    let meta = &r.assessment;
    let audit = meta.kind == Kind::Audit;
    if audit || !meta.conclusions.trim().is_empty() {
        let whose = if audit {
            "The audit team's conclusions"
        } else {
            "Conclusions"
        };
        let _ = writeln!(out, "**{whose}:** {}\n", or_not_stated(&meta.conclusions));
    }
    // An audit states diverging opinions in its identification, "not stated" included.
    let diverging = if audit {
        ""
    } else {
        meta.diverging_opinions.as_str()
    };
    for (label, text) in [
        ("Areas of the scope not covered", &meta.not_covered.as_str()),
        (
            "Diverging opinions not resolved with the auditee",
            &diverging,
        ),
    ] {
        if !text.trim().is_empty() {
            let _ = writeln!(out, "**{label}:** {}\n", inline(text));
        }
    }
    let _ = writeln!(
        out,
        "The conclusion rests on a sample of the evidence: see [about this assessment](#sampling).\n"
    );
}

/// A self-assessment read as a gap analysis, for a manager with no audit background: each
/// requirement not met, why, what was not checked, what usually shows it and the usual gaps
/// (from the questionnaire's guidance), and what to do next, in plain words.
fn gaps(out: &mut String, c: &Ctx) {
    let (q, r) = (c.q, c.r);
    if r.assessment.kind != Kind::SelfAssessment {
        return;
    }
    let _ = writeln!(out, "<a id=\"gaps\"></a>\n\n## Gaps and next steps\n");
    let met: Vec<String> = q.rule.met.iter().map(|r| r.to_string()).collect();
    let _ = writeln!(
        out,
        "A gap is a requirement that is not yet met the way a conformance claim needs it: rated {}, shown in practice by at least one piece of evidence or an interview, with no problem recorded on it still open. Each gap below says why it is one, which points were not yet checked, what usually shows that the requirement is met, the usual gaps, and a next step.\n",
        met.join(" or ")
    );
    let warnings = &c.warnings;
    let mut any = false;
    for req in &q.requirements {
        if super::GapState::of(c.q, r, &c.eval, warnings, &req.id) != super::GapState::Gap {
            continue;
        }
        any = true;
        let answer = r.answer(&req.id);
        let mut why: Vec<String> = c
            .eval
            .blockers
            .iter()
            .filter(|(id, _)| *id == req.id)
            .flat_map(|(_, why)| why.iter().map(|b| inline(&b.describe(&q.rule.met))))
            .collect();
        // A warning is the reason only where nothing blocks (a rating below met needs no
        // nonconformity in a self-assessment: the rating says it).
        if why.is_empty() {
            why.extend(
                warnings
                    .iter()
                    .filter(|(id, _)| *id == req.id)
                    .map(|(_, w)| inline(w)),
            );
        }
        let checked: Vec<&String> = answer
            .map(|a| a.facets.iter().collect())
            .unwrap_or_default();
        let unchecked: Vec<String> = req
            .facets
            .iter()
            .filter(|f| !checked.contains(f))
            .map(|f| inline(f))
            .collect();
        let _ = writeln!(
            out,
            "**{} ({}):** {}\n",
            req_link(&req.id),
            inline(&req.process),
            inline(&req.statement)
        );
        let _ = writeln!(out, "- **Why it is a gap:** {}.", why.join("; "));
        let _ = writeln!(
            out,
            "- **Not yet checked:** {}",
            if unchecked.is_empty() {
                "nothing: every point was checked".to_string()
            } else {
                unchecked.join(", ")
            }
        );
        for (label, part) in [
            ("Evidence that usually shows it", "Evidence"),
            ("Common gaps", "Common gaps"),
        ] {
            if let Some(text) = guidance_part(&req.guidance, part) {
                let _ = writeln!(out, "- **{label}:** {}", inline(&text));
            }
        }
        let _ = writeln!(out, "- **Next step:** {}\n", next_step(c, req));
    }
    if !any {
        let _ = writeln!(
            out,
            "No gap: every requirement assessed is met the way a conformance claim needs it.\n"
        );
    }
    let _ = writeln!(out, "**Next steps**\n");
    for step in [
        "Give each gap an owner and a date by which it should be closed.",
        "Close the gaps: put in place what is missing, then keep something that shows it in practice (a document, minutes, a tool's history) and register it as evidence.",
        "Assess again the requirements whose gaps were closed, and any not yet assessed.",
        "When no gap is left, the VSE can claim process conformance itself, or ask a certification body for an audit.",
    ]
    .iter()
    .enumerate()
    {
        let _ = writeln!(out, "{}. {}", step.0 + 1, step.1);
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "**This self-assessment is not a certification.** It is the VSE's own view of where it stands against the profile. Only a certification body, after an audit of its own, can certify.\n"
    );
}

/// What to do about one gap, in plain words, from what the record holds.
fn next_step(c: &Ctx, req: &Requirement) -> String {
    let answer = c.r.answer(&req.id);
    let mut steps = Vec::new();
    match answer.and_then(|a| a.rating) {
        Some(Judgement::NA) => steps.push(
            "Every requirement of this profile applies to a VSE that uses it: work out what it means for you, and rate it as it is."
                .to_string(),
        ),
        Some(j) if j.rating().is_some_and(|r| !c.q.rule.met.contains(&r)) => steps.push(
            "Put in place what is missing, starting with the points not yet checked and the common gaps above, then rate it again."
                .to_string(),
        ),
        _ => {}
    }
    let open: Vec<String> = c
        .lookup
        .findings_for(&req.id)
        .iter()
        .filter(|f| as_found_open(c.r, f))
        .map(|f| inline(&f.id))
        .collect();
    if !open.is_empty() {
        steps.push(format!(
            "Fix the problem{} recorded in {}, and check that the fix worked before closing {}.",
            if open.len() == 1 { "" } else { "s" },
            open.join(", "),
            if open.len() == 1 { "it" } else { "them" }
        ));
    }
    let interviewed = answer.is_some_and(|a| !a.interviewed.is_empty());
    if c.lookup.evidence_for(&req.id).is_empty() && !interviewed {
        steps.push(
            "Keep something that shows it in practice (a document, minutes, a tool's history) and register it as evidence for this requirement."
                .to_string(),
        );
    }
    if steps.is_empty() {
        steps
            .push("Settle the reason given above: correct the rating, or what it rests on.".into());
    }
    steps.join(" ")
}

/// One labelled paragraph of a requirement's guidance, without its label: the text after the
/// first colon of the paragraph that starts with `**LABEL**` ("**Evidence** that usually
/// shows it: ...").
fn guidance_part(guidance: &str, label: &str) -> Option<String> {
    let label = format!("**{label}**");
    guidance.split("\n\n").map(str::trim).find_map(|para| {
        let (_, text) = para.strip_prefix(label.as_str())?.split_once(':')?;
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!text.is_empty()).then_some(text)
    })
}

/// One subsection per requirement, process by process.
fn findings(out: &mut String, c: &Ctx) {
    let q = c.q;
    let _ = writeln!(
        out,
        "<a id=\"findings\"></a>\n\n## Findings by requirement\n"
    );
    for proc in &q.processes {
        let _ = writeln!(
            out,
            "### {} {}: {}\n",
            inline(&proc.clause),
            inline(&proc.id),
            inline(&proc.name)
        );
        // Where the purpose was written from is the questionnaire's business, not the report's.
        let _ = writeln!(out, "Purpose: {}\n", inline(&proc.purpose));
        for req in q.requirements_of(&proc.id) {
            requirement_section(out, c, req);
        }
    }
}

/// The sentence that sends the reader of an audit report to the follow-up report.
pub(super) const FOLLOW_UP_POINTER: &str = "What the VSE does about these nonconformities (correction, root cause, actions) and the audit team's verification of it are follow-up: they are reported apart, in the follow-up report (`vse-assess report FILE --follow-up`), and never change this report.";

/// The same, in a self-assessment's words.
const FOLLOW_UP_POINTER_SELF: &str = "What the VSE does about these problems (correction, root cause, actions) and the check that the fix worked are follow-up: they are reported apart, in the follow-up report (`vse-assess report FILE --follow-up`), and never change this report.";

/// The nonconformities as found: when each was raised and when the VSE's plan for it is
/// due. What was done about them is follow-up, in its own report.
fn actions(out: &mut String, c: &Ctx) {
    let q = c.q;
    let r = c.r;
    let _ = writeln!(
        out,
        "<a id=\"actions\"></a>\n\n## Nonconformities as found\n"
    );
    let ncs: Vec<&Finding> = in_requirement_order(q, &c.lookup)
        .filter(|f| f.class.is_nonconformity())
        .collect();
    if ncs.is_empty() {
        let _ = writeln!(out, "No nonconformity recorded.\n");
    } else {
        let _ = writeln!(
            out,
            "{}\n",
            if r.assessment.kind == Kind::Audit {
                "A nonconformity is closed once the assessment team has verified its corrective action effective; the VSE closing its actions is not enough. Each is shown as the audit found it."
            } else {
                "A problem recorded is closed once someone has checked that its fix worked; finishing the planned actions is not enough. Each is shown as the assessment found it."
            }
        );
        table(
            out,
            &[
                "ID",
                "Requirement",
                "Class",
                "State",
                "Raised",
                "Plan due",
                "Nonconformity",
            ],
            ncs.iter().map(|f| {
                vec![
                    inline(&f.id),
                    requirement_links(f),
                    f.class.describe().into(),
                    as_found(r, f).describe().into(),
                    f.raised.as_deref().map_or("not recorded".into(), inline),
                    conformance::plan_due(r, f).map_or("not set".into(), inline),
                    inline(&f.text),
                ]
            }),
        );
    }
    let pointer = match r.assessment.kind {
        Kind::Audit => FOLLOW_UP_POINTER,
        Kind::SelfAssessment => FOLLOW_UP_POINTER_SELF,
    };
    let _ = writeln!(out, "{pointer}\n");
}

/// The evidence register.
fn evidence(out: &mut String, c: &Ctx) {
    let q = c.q;
    let r = c.r;
    let _ = writeln!(out, "<a id=\"evidence\"></a>\n\n## Evidence register\n");
    // What was registered for the follow-up is the follow-up report's (it comes last in the
    // register, so the anchors of the rest stay as they were).
    if r.evidence.iter().all(|e| e.follow_up) {
        let _ = writeln!(out, "No evidence registered.\n");
    } else {
        let troubled: BTreeMap<&str, &EvidenceState> = c
            .input
            .evidence_checks
            .iter()
            .filter(|(_, state)| state.is_problem())
            .map(|(id, state)| (id.as_str(), state))
            .collect();
        table(
            out,
            &[
                "ID", "Title", "Kind", "Location", "Version", "SHA-256", "Supports",
            ],
            r.evidence
                .iter()
                .enumerate()
                .filter(|(_, e)| !e.follow_up)
                .map(|(i, e)| {
                    let check = troubled.get(e.id.as_str());
                    vec![
                        format!("<a id=\"{}\"></a>{}", evidence_anchor(i), inline(&e.id)),
                        inline(&e.title),
                        e.kind.key().into(),
                        inline(&e.location),
                        inline(&e.version),
                        match (e.sha256.as_deref(), check) {
                            (Some(h), Some(state)) => format!("`{h}` **{}**", evidence_mark(state)),
                            (Some(h), None) => format!("`{h}`"),
                            (None, _) => String::new(),
                        },
                        e.supports
                            .iter()
                            .map(|s| {
                                if q.requirement(s).is_some() {
                                    req_link(s)
                                } else {
                                    inline(s)
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]
                }),
        );
    }
}

/// Annex A both ways: requirement to base-standard clause, and back.
fn traceability(out: &mut String, c: &Ctx) {
    let q = c.q;
    let r = c.r;
    let standard = &c.standard;
    let ident = &q.questionnaire;
    let _ = writeln!(
        out,
        "<a id=\"traceability\"></a>\n\n## Annex A traceability\n"
    );
    let _ = writeln!(
        out,
        "Annex A of {standard} is informative; where its wording differs from clause 7, clause 7 was assessed. The ratings shown are those of the profile's requirements: they say nothing about conformance to the base-standard clauses they trace to.\n"
    );
    let _ = writeln!(out, "### Requirement to base standards\n");
    let mut matrix = Vec::new();
    for req in &q.requirements {
        let rating = short_judgement(r.answer(&req.id).and_then(|a| a.rating));
        for a in &req.annex_a {
            let (clause, items) = reference_cells(a);
            matrix.push(vec![
                req_link(&req.id),
                inline(&a.standard),
                clause,
                items,
                rating.clone(),
            ]);
        }
    }
    table(
        out,
        &[
            "Requirement",
            "Base standard",
            "Clause",
            "Items",
            "Profile rating",
        ],
        matrix,
    );

    let _ = writeln!(out, "### Base-standard clauses to requirements\n");
    let mut index: BTreeMap<(usize, Vec<u32>, String), Vec<String>> = BTreeMap::new();
    for req in &q.requirements {
        let rating = short_judgement(r.answer(&req.id).and_then(|a| a.rating));
        for a in &req.annex_a {
            let Some(clause) = &a.clause else { continue };
            let std_pos = ident
                .base_standards
                .iter()
                .position(|s| *s == a.standard)
                .unwrap_or(usize::MAX);
            let entry = index
                .entry((std_pos, clause_key(clause), clause.clone()))
                .or_default();
            let cell = format!("{} ({rating})", req_link(&req.id));
            if !entry.contains(&cell) {
                entry.push(cell);
            }
        }
    }
    table(
        out,
        &[
            "Base standard",
            "Clause",
            "Profile requirements (profile rating)",
        ],
        index.into_iter().map(|((pos, _, clause), reqs)| {
            vec![
                ident
                    .base_standards
                    .get(pos)
                    .map(|s| inline(s))
                    .unwrap_or_default(),
                inline(&clause),
                reqs.join(", "),
            ]
        }),
    );
    let remarks: Vec<String> = q
        .requirements
        .iter()
        .filter(|req| req.annex_a.iter().any(|a| a.remark.is_some()))
        .map(|req| req_link(&req.id))
        .collect();
    if !remarks.is_empty() {
        let _ = writeln!(
            out,
            "No base-standard clause is cited for {}: Annex A gives only a remark for them (organisational strategy is outside ISO/IEC/IEEE 12207's scope, 12207:2017 6.4.1.1 NOTE 1).\n",
            remarks.join(", ")
        );
    }
}

/// What is not yet answered.
fn still_open(out: &mut String, c: &Ctx) {
    let q = c.q;
    let r = c.r;
    let eval = &c.eval;
    let _ = writeln!(out, "<a id=\"open\"></a>\n\n## Still open\n");
    let open: Vec<String> = q
        .requirements
        .iter()
        .filter(|req| r.answer(&req.id).and_then(|a| a.rating).is_none())
        .map(|req| req_link(&req.id))
        .collect();
    if open.is_empty() && eval.conditions_unanswered.is_empty() {
        let _ = writeln!(
            out,
            "Every requirement and condition has been assessed. Nonconformities still open are in [nonconformities as found](#actions).\n"
        );
    } else {
        if !open.is_empty() {
            let _ = writeln!(
                out,
                "Not yet assessed ({}): {}.\n",
                open.len(),
                open.join(", ")
            );
        }
        if !eval.conditions_unanswered.is_empty() {
            let _ = writeln!(
                out,
                "Clause 6 conditions not answered: {}.\n",
                inline(&eval.conditions_unanswered.join(", "))
            );
        }
    }
}

/// What an assessment is and is not.
fn about(out: &mut String, c: &Ctx) {
    let _ = writeln!(out, "<a id=\"sampling\"></a>\n\n## About this assessment\n");
    let _ = writeln!(
        out,
        "An assessment looks at a sample of the information available: the documents, records and people it examined. Its findings rest on that sample; it does not show that every instance of every process conforms, and a requirement found met may still fail elsewhere.\n"
    );
    let sampled =
        c.q.requirements
            .iter()
            .filter(|req| {
                c.r.answer(&req.id)
                    .is_some_and(|a| !a.sampling.trim().is_empty())
            })
            .count();
    let _ = writeln!(
        out,
        "The sample was recorded for {sampled} of {} requirements: see the \"Sampled\" line of each requirement.",
        c.q.requirements.len()
    );
}

/// A list of people; `roles_required`: a missing role reads "not stated".
fn people(out: &mut String, people: &[crate::record::Person], none: &str, roles_required: bool) {
    if people.is_empty() {
        let _ = writeln!(out, "{none}\n");
    } else {
        table(
            out,
            &["Name", "Role"],
            people.iter().map(|p| {
                let role = if roles_required {
                    or_not_stated(&p.role)
                } else {
                    inline(&p.role)
                };
                vec![inline(&p.name), role]
            }),
        );
    }
}

/// Sorts "6.3.2.3.b" after "6.3.2.3" and "6.10" after "6.9".
fn clause_key(clause: &str) -> Vec<u32> {
    clause
        .split('.')
        .map(|p| {
            p.parse()
                .unwrap_or_else(|_| 1000 + p.chars().next().map_or(0, |c| c as u32))
        })
        .collect()
}

fn requirement_section(out: &mut String, c: &Ctx, req: &Requirement) {
    let (input, lookup) = (c.input, &c.lookup);
    let r = input.record;
    let answer = r.answer(&req.id);
    let _ = writeln!(out, "<a id=\"{}\"></a>\n", anchor_for_requirement(&req.id));
    let _ = writeln!(out, "#### {} ({})\n", req.id, inline(&req.process));
    let _ = writeln!(
        out,
        "*Requirement, in our words:* {}\n",
        inline(&req.statement)
    );
    let judgement = answer.and_then(|a| a.rating);
    let _ = write!(out, "- **Rating:** {}", judgement_text(input, judgement));
    if let Some(a) = answer.filter(|a| a.rating == Some(Judgement::NA)) {
        let _ = write!(out, ". Justification: {}", inline(&a.justification));
    }
    out.push('\n');
    // The rating is informative; what a certification body decides on is conformity.
    let audit = r.assessment.kind == Kind::Audit;
    if audit {
        let _ = writeln!(
            out,
            "- **Conformity:** {}",
            super::Conformity::of(input.questionnaire, lookup, &req.id).describe()
        );
    } else {
        let state = super::GapState::of(c.q, r, &c.eval, &c.warnings, &req.id);
        let _ = writeln!(
            out,
            "- **Result:** {}",
            match state {
                super::GapState::Gap => "gap: see [gaps and next steps](#gaps)",
                s => s.describe(),
            }
        );
    }
    let checked: Vec<&String> = answer
        .map(|a| a.facets.iter().collect())
        .unwrap_or_default();
    // "Not checked", never "not met": an unchecked facet may simply not have been looked at.
    let (checked, unchecked): (Vec<&String>, Vec<&String>) =
        req.facets.iter().partition(|f| checked.contains(f));
    let list = |v: &[&String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter().map(|f| inline(f)).collect::<Vec<_>>().join(", ")
        }
    };
    let _ = writeln!(
        out,
        "- **Facets checked:** {}; **not checked:** {}",
        list(&checked),
        list(&unchecked)
    );
    if let Some(a) = answer {
        if !a.notes.trim().is_empty() {
            let _ = writeln!(out, "- **Notes:** {}", inline(&a.notes));
        }
        if !a.interviewed.is_empty() {
            let names: Vec<String> = a.interviewed.iter().map(|n| inline(n)).collect();
            let _ = writeln!(out, "- **Interviewed:** {}", names.join(", "));
        }
    }
    // An audit states its sample for every requirement, or that none was recorded.
    match answer.map(|a| a.sampling.trim()).filter(|s| !s.is_empty()) {
        Some(sampling) => {
            let _ = writeln!(out, "- **Sampled:** {}", inline(sampling));
        }
        None if audit => {
            let _ = writeln!(out, "- **Sampled:** not recorded");
        }
        None => {}
    }
    for class in FindingClass::ALL {
        for f in lookup
            .findings_for(&req.id)
            .iter()
            .filter(|f| f.class == class)
        {
            // Its entry under its own requirement is the one "See" links lead to.
            let anchor = if f.requirement == req.id {
                format!("<a id=\"{}\"></a>", anchor_for_finding(&f.id))
            } else {
                String::new()
            };
            let mut line = format!(
                "- **{} ({}{}):** {anchor}{}",
                inline(&f.id),
                class.describe(),
                if class.is_nonconformity() {
                    format!(", {}", as_found(r, f).describe())
                } else {
                    String::new()
                },
                inline(&f.text)
            );
            let elsewhere: Vec<String> = f
                .requirements()
                .filter(|other| *other != req.id)
                .map(req_link)
                .collect();
            if !elsewhere.is_empty() {
                let _ = write!(line, " Also under: {}.", elsewhere.join(", "));
            }
            if !f.see.is_empty() {
                let see: Vec<String> = f.see.iter().map(|s| finding_link(r, s)).collect();
                let _ = write!(line, " See: {}.", see.join(", "));
            }
            if !f.evidence.is_empty() {
                let cited: Vec<String> = f
                    .evidence
                    .iter()
                    .map(|e| evidence_link(lookup, e))
                    .collect();
                let _ = write!(line, " Evidence: {}.", cited.join(", "));
            }
            if !f.interviewed.is_empty() {
                let names: Vec<String> = f.interviewed.iter().map(|n| inline(n)).collect();
                let _ = write!(line, " Interviewed: {}.", names.join(", "));
            }
            if let Some(raised) = &f.raised {
                let _ = write!(line, " Raised on {}.", inline(raised));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let evidence: Vec<String> = lookup
        .evidence_for(&req.id)
        .iter()
        .map(|e| {
            let i = lookup.evidence_position(&e.id).expect("in the register");
            format!(
                "[{}](#{}) {}",
                inline(&e.id),
                evidence_anchor(i),
                inline(&e.title)
            )
        })
        .collect();
    let rated = judgement.is_some_and(|j| j != Judgement::NA);
    let interviewed = answer.is_some_and(|a| !a.interviewed.is_empty());
    let _ = writeln!(
        out,
        "- **Evidence:** {}",
        if !evidence.is_empty() {
            evidence.join("; ")
        } else if rated && !interviewed {
            "**none: rated on no evidence and no interview**".to_string()
        } else {
            "none linked".to_string()
        }
    );
    let refs: Vec<String> = req
        .annex_a
        .iter()
        .map(|a| format!("{} {}", inline(&a.standard), inline(&a.citation())))
        .collect();
    let _ = writeln!(out, "- **Annex A:** {}\n", refs.join("; "));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breakable(cell: &str) -> String {
        let mut out = String::new();
        push_breakable(&mut out, cell);
        out
    }

    #[test]
    fn inline_escapes_structure() {
        assert_eq!(inline("a|b"), "a\\|b");
        assert_eq!(inline("<script>"), "&lt;script&gt;");
        assert_eq!(inline("# title\n- item"), "\\# title<br>- item");
        assert_eq!(inline("x\u{1b}[31m"), "x\u{241b}\\[31m");
        // Text with nothing to escape is kept as it is, trimmed.
        assert_eq!(inline("  docs/item-1.pdf v2 "), "docs/item-1.pdf v2");
        assert_eq!(inline("a\tb\u{7f}"), "a b\u{2421}");
        assert_eq!(inline("caf\u{e9} \u{202e}x"), "caf\u{e9} \u{fffd}x");
    }

    #[test]
    fn long_values_in_cells_can_break_and_stay_whole() {
        let path = inline("SharePoint/Quality_Manual_Quality_Manual_Quality/ENDPATH.pdf");
        let cell = breakable(&path);
        assert!(cell.contains("SharePoint/<wbr>Quality\\_<wbr>"), "{cell}");
        assert_eq!(
            cell.replace("<wbr>", ""),
            path,
            "nothing but break points added"
        );
        let run = breakable(&"x".repeat(50));
        assert_eq!(run.matches("<wbr>").count(), 2);
        // Short words, links and code spans are left as they are.
        for kept in [
            "ordinary words here",
            "[7.2.a](#req-7-2-a)",
            "`0123456789abcdef0123456789abcdef`",
        ] {
            assert_eq!(breakable(kept), kept);
        }
        assert_eq!(
            breakable("a&amp;b&amp;c&amp;d&amp;e&amp;f&amp;g&amp;h").replace("<wbr>", ""),
            "a&amp;b&amp;c&amp;d&amp;e&amp;f&amp;g&amp;h"
        );
    }

    #[test]
    fn clauses_sort_numerically() {
        let mut v = vec!["6.3.2.3.b", "6.10", "6.3.2.3", "6.9"];
        v.sort_by_key(|c| clause_key(c));
        assert_eq!(v, ["6.3.2.3", "6.3.2.3.b", "6.9", "6.10"]);
    }
}
