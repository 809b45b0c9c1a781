//! The screens other than the question: setup form, guidance, evidence register, summary,
//! help.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{safe, truncate, wrap_spans};
use crate::conformance;
use crate::tui::app::{App, Screen, SetupRow, Window, setup_label};
use crate::tui::help;
use crate::tui::markdown;
use crate::tui::theme::Theme;

fn inset(area: Rect) -> Rect {
    Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(2),
        ..area
    }
}

/// Where a window of lines starts.
enum Top {
    /// Far enough down that this line shows (a list with a selection).
    Showing(usize),
    /// At this line (text read with ↑↓), as far as there is text.
    At(usize),
}

/// Lines in `area` from `top`, one row each. What does not fit below is said on the last row,
/// never silently cut off. Only the lines on screen are drawn.
/// Returns the first line shown and how many lines the window holds.
fn window(
    lines: &[Line<'static>],
    top: Top,
    area: Rect,
    buf: &mut Buffer,
    t: Theme,
) -> (usize, usize) {
    let h = area.height as usize;
    let body = if lines.len() > h && h > 1 { h - 1 } else { h };
    let (offset, how) = match top {
        Top::Showing(line) => (line.saturating_sub(body.saturating_sub(1)), "↓ goes there"),
        Top::At(line) => (line.min(lines.len().saturating_sub(body)), "↓ scrolls"),
    };
    let shown = &lines[offset.min(lines.len())..(offset + body).min(lines.len())];
    let below = lines.len().saturating_sub(offset + body);
    Paragraph::new(shown.to_vec()).render(
        Rect {
            height: body as u16,
            ..area
        },
        buf,
    );
    if below > 0 {
        more_below(below, how, area, buf, t);
    }
    (offset, body)
}

/// The last row of `area`: how many lines are below it.
pub fn more_below(lines: usize, how: &str, area: Rect, buf: &mut Buffer, t: Theme) {
    let row = Rect {
        y: area.bottom().saturating_sub(1),
        height: 1,
        ..area
    };
    ratatui::widgets::Clear.render(row, buf);
    Line::styled(format!("↓ {lines} more line(s) below: {how}"), t.dim()).render(row, buf);
}

pub fn setup(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let area = inset(area);
    let q = &app.opened.questionnaire.questionnaire;
    let mut lines = vec![Line::styled("Assessment details", t.title())];
    // Signed off, the details are what was signed: shown locked, not as fields to edit.
    let signed = app.opened.record.assessment.sign_off();
    let how = match &signed {
        Some(s) => format!(
            "final, {}: the details are locked (:reopen makes it a draft again)",
            s.describe()
        ),
        None => "Enter edits, → starts the questions".into(),
    };
    lines.extend(wrap_spans(
        vec![Span::styled(
            format!(
                "{}:{} {} · {how}",
                q.questionnaire.standard, q.questionnaire.edition, q.questionnaire.title
            ),
            t.dim(),
        )],
        area.width,
        0,
    ));
    let mut selected_line = 0;
    for (i, row) in app.setup_rows().into_iter().enumerate() {
        if let SetupRow::Condition(c) = row {
            if c == 0 {
                lines.push(Line::default());
                lines.push(Line::styled(
                    "Clause 6: conditions for using the profile (y/n)",
                    t.title(),
                ));
            }
            let cond = &q.conditions[c];
            let value = app.setup_value(row);
            let mut spans = vec![
                Span::styled(format!("{:<5}", cond.id), t.label()),
                Span::styled(
                    format!("{value:<13}"),
                    if app.condition_met(c) == Some(false) {
                        t.error()
                    } else {
                        t.key()
                    },
                ),
                Span::raw(safe(&cond.question)),
            ];
            if app.setup_row == i {
                spans = spans
                    .into_iter()
                    .map(|s| s.patch_style(t.selected()))
                    .collect();
                selected_line = lines.len();
            }
            lines.extend(wrap_spans(spans, area.width, 18));
            continue;
        }
        if row == SetupRow::Conclusions {
            lines.push(Line::default());
            lines.push(Line::styled(
                "Closing: conclusions, distribution, sign-off",
                t.title(),
            ));
        }
        let value = app.setup_value(row);
        let mut shown = if value.is_empty() {
            "—".to_string()
        } else {
            safe(&value)
        };
        let locked = signed.is_some() && row != SetupRow::Status;
        if locked && row == SetupRow::Conclusions {
            shown = format!("[locked] {shown}");
        }
        let mut line = Line::from(vec![
            Span::styled(format!("{:<16}", setup_label(row)), t.label()),
            Span::styled(
                truncate(&shown, area.width.saturating_sub(16) as usize),
                if locked { t.dim() } else { Style::new() },
            ),
        ]);
        if app.setup_row == i {
            line = line.style(t.selected());
            selected_line = lines.len();
        }
        lines.push(line);
    }
    window(&lines, Top::Showing(selected_line), area, buf, t);
}

pub fn guidance(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let area = inset(area);
    let q = &app.opened.questionnaire.questionnaire;
    let req = app.requirement();
    let mut lines = vec![Line::styled(format!("{} guidance", req.id), t.title())];
    lines.extend(wrap_spans(
        vec![Span::styled(safe(&req.statement), t.dim())],
        area.width,
        0,
    ));
    lines.push(Line::default());
    lines.extend(markdown::to_lines(&req.guidance, area.width));
    lines.push(Line::default());
    lines.push(Line::styled("Annex A references (informative)", t.title()));
    for r in &req.annex_a {
        let head = format!("{} {}: ", r.standard, r.citation());
        lines.extend(wrap_spans(
            vec![Span::styled(head, t.label()), Span::raw(safe(&r.summary))],
            area.width,
            2,
        ));
    }
    if let Some(p) = q.process(&req.process) {
        lines.push(Line::default());
        lines.push(Line::styled(
            if p.purpose_source.is_empty() {
                format!("{} {} purpose", p.id, p.name)
            } else {
                format!("{} {} purpose ({})", p.id, p.name, p.purpose_source)
            },
            t.title(),
        ));
        lines.extend(wrap_spans(vec![Span::raw(safe(&p.purpose))], area.width, 0));
    }
    read(app, &lines, app.scroll as usize, area, buf);
}

pub fn evidence(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let area = inset(area);
    let record = &app.opened.record;
    let current = &app.requirement().id;
    let mut lines = vec![
        Line::styled(
            format!(
                "Evidence register · {} · [x] = supports {current}",
                crate::text::count(record.evidence.len(), "item")
            ),
            t.title(),
        ),
        Line::styled(
            format!(
                "{:<4}{:<10}{:<12}{:<28}{}",
                "", "Id", "Kind", "Title", "Supports"
            ),
            t.label(),
        ),
    ];
    if record.evidence.is_empty() {
        lines.push(Line::styled(
            "    Nothing registered yet: a adds an item.",
            t.dim(),
        ));
    }
    let mut selected_line = 0;
    // Only rows within a screen of the selected one can be shown: the others are left
    // empty, so that a register of tens of thousands of items costs no more to draw.
    let near = |i: usize| i.abs_diff(app.evidence_row) <= area.height as usize;
    for (i, e) in record.evidence.iter().enumerate() {
        if !near(i) {
            lines.push(Line::default());
            continue;
        }
        let mark = if e.supports.contains(current) {
            "[x] "
        } else {
            "[ ] "
        };
        let text = format!(
            "{mark}{:<10}{:<12}{:<28}{}",
            truncate(&safe(&e.id), 9),
            e.kind.key(),
            truncate(&safe(&e.title), 27),
            e.supports.join(" ")
        );
        let mut line = Line::raw(truncate(&text, area.width as usize));
        if i == app.evidence_row {
            line = line.style(t.selected());
            selected_line = lines.len();
        }
        lines.push(line);
    }
    if let Some(e) = record.evidence.get(app.evidence_row) {
        lines.push(Line::default());
        for (label, value) in [
            ("Title", safe(&e.title)),
            ("Location", safe(&e.location)),
            ("Version", safe(&e.version)),
            (
                "SHA-256",
                e.sha256
                    .clone()
                    .unwrap_or_else(|| "— (not a readable local file)".into()),
            ),
        ] {
            lines.extend(wrap_spans(
                vec![
                    Span::styled(format!("{label:<10}"), t.label()),
                    Span::raw(value),
                ],
                area.width,
                10,
            ));
        }
    }
    window(&lines, Top::Showing(selected_line), area, buf, t);
}

/// Where a process's name ends in a summary row ([`conformance::ROW_HEADING`]).
const NAME_END: usize = 33;

/// A summary row in `width` columns: the process name is shortened first, so that the
/// counts and the weakest rating (the result) stay in sight.
fn narrow(row: &str, width: u16) -> String {
    let chars: Vec<char> = row.chars().collect();
    let excess = chars.len().saturating_sub(width as usize);
    if excess == 0 || chars.len() < NAME_END {
        return truncate(row, width as usize);
    }
    let id: String = chars[..4].iter().collect();
    let name: String = chars[4..NAME_END].iter().collect();
    let rest: String = chars[NAME_END..].iter().collect();
    // The name and the space after it, keeping a few letters.
    let room = (NAME_END - 4).saturating_sub(excess).max(7);
    let name = truncate(name.trim_end(), room - 1);
    truncate(&format!("{id}{name:<room$}{rest}"), width as usize)
}

pub fn summary(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let area = inset(area);
    let q = &app.opened.questionnaire.questionnaire;
    let summary = app.summary();
    let mut lines = vec![
        Line::styled(
            format!("Summary · {}/{} assessed", summary.assessed, summary.total),
            t.title(),
        ),
        Line::styled(narrow(conformance::ROW_HEADING, area.width), t.label()),
    ];
    for p in &summary.processes {
        lines.push(Line::raw(narrow(p, area.width)));
    }
    lines.push(Line::default());
    let clause = &q.questionnaire.conformance_clause;
    let draft = if app.opened.record.assessment.status == crate::record::Status::Draft {
        "Provisional: "
    } else {
        ""
    };
    let style = if summary.favourable {
        t.ok()
    } else {
        t.title()
    };
    for line in wrap_spans(
        vec![Span::styled(format!("{draft}{}", summary.headline), style)],
        area.width,
        2,
    ) {
        lines.push(line);
    }
    if summary.blockers > 0
        || !summary.conditions_unmet.is_empty()
        || !summary.conditions_unanswered.is_empty()
    {
        lines.push(Line::styled(
            format!("Blocking a conformance claim ({clause}; Enter goes there):"),
            t.label(),
        ));
    }
    for c in &summary.conditions_unmet {
        lines.push(Line::raw(format!(
            "  clause 6 condition {} is not met (i)",
            safe(c)
        )));
    }
    for c in &summary.conditions_unanswered {
        lines.push(Line::raw(format!(
            "  clause 6 condition {} is not answered (i)",
            safe(c)
        )));
    }
    let mut selected_line = 0;
    // Only rows within a screen of the selected one can be shown: the others are left empty.
    let near = |i: usize| i.abs_diff(app.summary_row) <= area.height as usize;
    for (i, (id, why)) in summary.rows.iter().enumerate() {
        if i == summary.blockers {
            lines.push(Line::styled(
                if app.opened.record.assessment.kind == crate::record::Kind::Audit {
                    "Consistency warnings (an audit is not signed off while any stands):"
                } else {
                    "Consistency warnings (gaps to close):"
                },
                t.label(),
            ));
        }
        if !near(i) {
            lines.push(Line::default());
            continue;
        }
        // Wrapped under its reason, never cut off: the selection shows it whole.
        let mut row = wrap_spans(
            vec![Span::raw(format!("  {:<7}{}", safe(id), safe(why)))],
            area.width,
            9,
        );
        if i == app.summary_row {
            row = row.into_iter().map(|l| l.style(t.selected())).collect();
            selected_line = lines.len() + row.len() - 1;
        }
        lines.extend(row);
    }
    window(&lines, Top::Showing(selected_line), area, buf, t);
}

pub fn help(app: &App, area: Rect, buf: &mut Buffer) {
    use crate::tui::help::Entry;
    let t = app.theme;
    let area = inset(area);
    // The match a search shows is highlighted and brought into sight.
    let found = app
        .search
        .as_ref()
        .filter(|s| !s.typing && s.screen == Screen::Help)
        .and_then(|s| s.matches.get(s.at).copied());
    let mut lines = Vec::new();
    let mut found_line = None;
    for (i, entry) in help::entries(app).into_iter().enumerate() {
        let mut rows = match entry {
            Entry::Title(s) => vec![Line::styled(s, t.title())],
            Entry::Heading(s) => vec![Line::styled(s, t.label())],
            Entry::Key(keys, meaning) => wrap_spans(
                vec![
                    Span::styled(format!("  {keys:<16}"), t.key()),
                    Span::raw(meaning),
                ],
                area.width,
                18,
            ),
            Entry::Note(s) => wrap_spans(vec![Span::styled(s, t.dim())], area.width, 2),
            Entry::Blank => vec![Line::default()],
        };
        if found == Some(i) {
            found_line = Some(lines.len());
            rows = rows.into_iter().map(|l| l.style(t.selected())).collect();
        }
        lines.extend(rows);
    }
    let top = found_line.map_or(app.scroll as usize, |l| l.saturating_sub(2));
    read(app, &lines, top, area, buf);
}

/// The messages of the session in full, newest first (`!`).
pub fn messages(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let area = inset(area);
    let mut lines = vec![Line::styled(
        format!(
            "Messages · newest first · the last {} are kept",
            crate::tui::app::MESSAGES_KEPT
        ),
        t.title(),
    )];
    if app.messages.is_empty() {
        lines.push(Line::styled("Nothing said yet in this session.", t.dim()));
    }
    for (i, m) in app.messages.iter().enumerate() {
        lines.extend(wrap_spans(
            vec![
                Span::styled(format!("{:>3} ", i + 1), t.dim()),
                Span::raw(safe(m)),
            ],
            area.width,
            4,
        ));
    }
    read(app, &lines, app.scroll as usize, area, buf);
}

/// A screen read with ↑↓ and paged: drawn from row `top`, and what it showed kept for the
/// next key.
fn read(app: &App, lines: &[Line<'static>], top: usize, area: Rect, buf: &mut Buffer) {
    let (top, rows) = window(lines, Top::At(top), area, buf, app.theme);
    app.shown.set(Some(Window {
        top,
        rows,
        total: lines.len(),
    }));
}

/// The follow-up view: each nonconformity (where it stands after every verification, when
/// it was raised, when its plan is due), its actions under it, then its last verification.
pub fn follow_up(app: &App, area: Rect, buf: &mut Buffer) {
    use crate::tui::app::FollowRow;
    let t = app.theme;
    let area = inset(area);
    let record = &app.opened.record;
    let meta = &record.assessment;
    let rows = app.follow_up_rows();
    let nonconformities: Vec<&crate::record::Finding> = record
        .findings
        .iter()
        .filter(|f| f.class.is_nonconformity())
        .collect();
    let closed = nonconformities.iter().filter(|f| !f.is_open()).count();
    let mut lines = vec![Line::styled(
        format!(
            "Follow-up · {} nonconformities, {closed} closed",
            nonconformities.len()
        ),
        t.title(),
    )];
    let status = match (meta.sign_off(), &meta.follow_up_closed) {
        (_, Some(c)) => format!(
            "Follow-up closed by {} on {}: as reported",
            safe(&c.by),
            safe(&c.date)
        ),
        (Some(s), None) => format!(
            "Final, {}: what was found stays; the follow-up is recorded here",
            s.describe()
        ),
        (None, None) => "Draft: the follow-up can start before the sign-off".into(),
    };
    lines.extend(wrap_spans(
        vec![Span::styled(safe(&status), t.dim())],
        area.width,
        0,
    ));
    if rows.is_empty() {
        lines.push(Line::styled(
            "  No nonconformity: nothing to follow up.",
            t.dim(),
        ));
    }
    let width = area.width as usize;
    let selected = app.follow_up_selected();
    let mut selected_line = 0;
    let dash = |s: Option<&str>| s.map_or("—".to_string(), safe);
    let signed = |s: &Option<crate::record::Signed>| {
        s.as_ref().map_or("—".to_string(), |s| {
            format!("{} {}", safe(&s.by), safe(&s.date))
        })
    };
    let list = |ids: &[String]| {
        if ids.is_empty() {
            "—".to_string()
        } else {
            safe(&ids.join(", "))
        }
    };
    for f in nonconformities {
        let row = FollowRow::Finding(f.id.clone());
        let due = f.plan_due.as_deref().or(meta.plan_due.as_deref());
        // The VSE's response so far: what Enter on the row writes.
        let response = match (
            f.correction.trim().is_empty(),
            f.root_cause.trim().is_empty(),
        ) {
            (false, false) => "correction, root cause",
            (false, true) => "correction, no root cause",
            (true, false) => "root cause, no correction",
            (true, true) => "no response yet",
        };
        let raised = match &f.carried {
            Some(c) if c.date.is_empty() => format!("carried from {}", safe(&c.from)),
            Some(c) => format!("carried from {} ({})", safe(&c.from), safe(&c.date)),
            None => format!("raised {}", dash(f.raised.as_deref())),
        };
        let text = format!(
            "{:<6}{:<7}{:<7}{} · {raised} · plan due {}",
            safe(&f.id),
            safe(&f.requirement),
            f.class.key(),
            f.state().describe(),
            dash(due),
        );
        let vse = format!(
            "      VSE: {response} · finding accepted {}",
            signed(&f.vse_accepted)
        );
        let is_selected = selected.as_ref() == Some(&row);
        for (i, text) in [text, vse].into_iter().enumerate() {
            let mut line = Line::styled(
                truncate(&text, width),
                if i == 0 { t.label() } else { Style::default() },
            );
            if is_selected {
                line = line.style(t.selected());
                selected_line = lines.len();
            }
            lines.push(line);
        }
        for a in &f.actions {
            let row = FollowRow::Action {
                finding: f.id.clone(),
                action: a.id.clone(),
            };
            let first = format!("  {:<5}{}: {}", safe(&a.id), a.kind.key(), safe(&a.what));
            let owner = if a.owner.trim().is_empty() {
                "no owner".to_string()
            } else {
                safe(&a.owner)
            };
            let second = format!(
                "       {owner} · due {} · {} · evidence {}",
                dash(a.due.as_deref()),
                match (a.status, a.completed.as_deref()) {
                    (crate::record::ActionStatus::Open, _) => "not done".to_string(),
                    (_, Some(d)) => format!("done {}", safe(d)),
                    (_, None) => "done".to_string(),
                },
                list(&a.evidence),
            );
            let third = format!(
                "       proposed {} · accepted {}",
                signed(&a.proposed),
                signed(&a.accepted),
            );
            let is_selected = selected.as_ref() == Some(&row);
            for text in [first, second, third] {
                let mut line = Line::raw(truncate(&text, width));
                if is_selected {
                    line = line.style(t.selected());
                    selected_line = lines.len();
                }
                lines.push(line);
            }
        }
        if let Some(v) = f.verification() {
            let earlier = match f.verifications.len() - 1 {
                0 => String::new(),
                n => format!(" ({n} earlier)"),
            };
            let text = format!(
                "  verified{earlier} {} by {}: {}{} · {} · evidence {}",
                safe(&v.date),
                safe(&v.by),
                if v.effective {
                    "effective"
                } else {
                    "not effective"
                },
                if v.follow_up { " (follow-up)" } else { "" },
                if v.note.trim().is_empty() {
                    "no note".to_string()
                } else {
                    safe(&v.note)
                },
                list(&v.evidence),
            );
            lines.push(Line::styled(truncate(&text, width), t.dim()));
        } else if f.actions.is_empty() {
            lines.push(Line::styled("  no action yet: a adds one", t.dim()));
        }
    }
    window(&lines, Top::Showing(selected_line), area, buf, t);
}
