//! The question screen: the side list of requirements and the requirement on screen.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::{editing_notes, safe, truncate, wrap_spans};
use crate::rating::{Judgement, Rating};
use crate::record::{Answer, FindingClass};
use crate::tui::app::{App, Focus, NotesKind as Which, Overlay, suggestion};

/// Width of the side list; shown only when the terminal is wide enough for both.
const SIDE: u16 = 17;

/// Draws the question screen; `cursor` is set to where typing goes, if anywhere.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, cursor: &mut Option<Position>) {
    let main = if area.width >= 76 {
        let [side, main] =
            Layout::horizontal([Constraint::Length(SIDE), Constraint::Min(40)]).areas(area);
        side_list(app, side, buf);
        main
    } else {
        area
    };
    requirement(app, main, buf, cursor);
}

/// One row of the side list.
enum SideRow<'q> {
    Process(&'q crate::questionnaire::Process),
    Requirement(usize),
}

fn side_list(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let q = &app.opened.questionnaire.questionnaire;
    let rated = app.rated();
    let title = Line::styled(
        format!(
            "{rated}/{} rated{}",
            q.requirements.len(),
            if app.only_open { " ·not rated" } else { "" }
        ),
        t.title(),
    );
    // Every row, as positions only: what is drawn is laid out for the rows on screen alone,
    // however long the questionnaire.
    let mut rows = Vec::new();
    for (p, requirements) in app.outline() {
        rows.push(SideRow::Process(&q.processes[*p]));
        let heading = rows.len();
        rows.extend(
            requirements
                .iter()
                .filter(|&&i| app.is_visible(i))
                .map(|&i| SideRow::Requirement(i)),
        );
        // A process with nothing to show is left out.
        if rows.len() == heading {
            rows.pop();
        }
    }
    let current_row = rows
        .iter()
        .position(|r| matches!(r, SideRow::Requirement(i) if *i == app.current))
        .unwrap_or(0);
    let block = Block::new().borders(Borders::RIGHT).border_style(t.dim());
    let inner = block.inner(area);
    block.render(area, buf);
    // The title, then the rows, with the current requirement kept in view.
    let height = (inner.height as usize).saturating_sub(1);
    let offset = (current_row + 1)
        .saturating_sub(height.saturating_sub(1))
        .min(rows.len().saturating_sub(height));
    let mut lines = vec![title];
    lines.extend(rows.iter().skip(offset).take(height).map(|row| match row {
        SideRow::Process(p) => Line::styled(format!("{} {}", p.id, p.clause), t.label()),
        SideRow::Requirement(i) => side_row(app, *i),
    }));
    Paragraph::new(lines).render(inner, buf);
}

/// A requirement in the side list: id, rating, and `!` an open major nonconformity, `+` an
/// open minor, `*` any other finding.
fn side_row(app: &App, i: usize) -> Line<'static> {
    let t = app.theme;
    let r = &app.requirements()[i];
    let j = app.rating_of(&r.id);
    let findings: Vec<_> = app.opened.record.findings_for(&r.id).collect();
    let open = |class| findings.iter().any(|f| f.class == class && f.is_open());
    let flag = if open(FindingClass::Major) {
        "!"
    } else if open(FindingClass::Minor) {
        "+"
    } else if !findings.is_empty() {
        "*"
    } else {
        " "
    };
    let letter = j.map_or("·".to_string(), |j| {
        if j == Judgement::NA {
            "–".into()
        } else {
            j.to_string()
        }
    });
    let line = Line::from(vec![
        Span::raw(format!(" {:<7}", r.id)),
        Span::styled(format!("{letter:<2}"), t.rating(j)),
        Span::raw(flag),
    ]);
    if i == app.current {
        line.style(t.selected())
    } else {
        line
    }
}

fn requirement(app: &App, area: Rect, buf: &mut Buffer, cursor: &mut Option<Position>) {
    let t = app.theme;
    let q = &app.opened.questionnaire.questionnaire;
    let req = app.requirement();
    let empty = Answer::default();
    let a = app.opened.record.answer(&req.id).unwrap_or(&empty);
    let area = Rect {
        x: area.x + 1,
        width: area.width.saturating_sub(1),
        ..area
    };
    let w = area.width;
    let process = q
        .process(&req.process)
        .map_or(String::new(), |p| p.name.clone());

    let mut top: Vec<Line> = Vec::new();
    let position = format!("{} of {}", app.current + 1, q.requirements.len());
    let title = format!("{} {} · {}", req.process, req.id, process);
    let gap = (w as usize).saturating_sub(title.chars().count() + position.len());
    top.push(Line::from(vec![
        Span::styled(truncate(&title, w as usize - position.len() - 1), t.title()),
        Span::raw(" ".repeat(gap)),
        Span::styled(position, t.dim()),
    ]));
    top.extend(wrap_spans(
        vec![Span::styled(safe(&req.statement), t.dim())],
        w,
        0,
    ));
    top.extend(wrap_spans(
        vec![
            Span::styled("Q: ", t.label()),
            Span::styled(
                safe(&req.question),
                ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::BOLD),
            ),
        ],
        w,
        3,
    ));

    // Facets, numbered for the 1-9 keys.
    let mut facets = vec![Span::styled("Facets ", t.label())];
    for (i, f) in req.facets.iter().enumerate() {
        let mark = if a.has_facet(f) { "[x]" } else { "[ ]" };
        facets.push(Span::styled(format!("{}{mark}", i + 1), t.key()));
        facets.push(Span::raw(format!(" {}  ", safe(f))));
    }
    if let Some(s) = suggestion(app) {
        facets.push(Span::styled(format!("→ suggests {s} (=)"), t.dim()));
    }
    top.extend(wrap_spans(facets, w, 7));

    // Rating: the chosen one highlighted, with its band.
    let mut rating = vec![Span::styled("Rating ", t.label())];
    for r in Rating::ALL {
        let j = Some(Judgement::from(r));
        let style = if a.rating == j {
            t.rating(j).patch(t.selected())
        } else {
            t.dim()
        };
        rating.push(Span::styled(format!(" {r} "), style));
        rating.push(Span::raw(" "));
    }
    let na = if a.rating == Some(Judgement::NA) {
        t.rating(a.rating).patch(t.selected())
    } else {
        t.dim()
    };
    rating.push(Span::styled(" N/A ", na));
    rating.push(Span::raw("  "));
    let meaning = match a.rating {
        None => "not yet assessed".to_string(),
        Some(Judgement::NA) => format!("not applicable: {}", safe(&a.justification)),
        Some(j) => {
            let r = j.rating().expect("not NA");
            q.level(r).map_or(String::new(), |l| {
                format!("{} ({})", l.name.to_lowercase(), l.band())
            })
        }
    };
    rating.push(Span::styled(meaning, t.rating(a.rating)));
    top.extend(wrap_spans(rating, w, 7).into_iter().take(2));

    // Lists: one line an item; Tab puts the selection on them.
    list(
        app,
        &mut top,
        w,
        Focus::Findings,
        "Findings",
        app.opened
            .record
            .findings_for(&req.id)
            .map(|f| {
                let state = if f.class.is_nonconformity() {
                    format!(", {}", f.state().describe())
                } else {
                    String::new()
                };
                // Raised under others too: said, so that one cause is not taken for two.
                let elsewhere: Vec<&str> = f.requirements().filter(|r| *r != req.id).collect();
                let also = if elsewhere.is_empty() {
                    String::new()
                } else {
                    format!(" (also {})", safe(&elsewhere.join(", ")))
                };
                format!(
                    "{} {}{state}{also}: {}",
                    safe(&f.id),
                    f.class.describe(),
                    safe(&f.text)
                )
            })
            .collect(),
    );
    list(
        app,
        &mut top,
        w,
        Focus::Actions,
        "Actions",
        app.opened
            .record
            .findings_for(&req.id)
            .flat_map(|f| f.actions.iter().map(move |x| (f, x)))
            .map(|(f, x)| {
                let mut s = format!(
                    "{}/{} [{}] {}",
                    safe(&f.id),
                    safe(&x.id),
                    x.status.describe(),
                    safe(&x.what)
                );
                if !x.owner.is_empty() {
                    s.push_str(&format!(" · {}", safe(&x.owner)));
                }
                if let Some(d) = &x.due {
                    s.push_str(&format!(" · {d}"));
                }
                s
            })
            .collect(),
    );
    let evidence: Vec<String> = app.linked_evidence().iter().map(|e| safe(e)).collect();
    top.push(Line::from(vec![
        Span::styled("Evidence ", t.label()),
        Span::raw(truncate(
            &if evidence.is_empty() {
                "none (e links)".into()
            } else {
                evidence.join(", ")
            },
            w as usize - 9,
        )),
    ]));
    if !a.sampling.trim().is_empty() {
        top.push(Line::from(vec![
            Span::styled("Sampled ", t.label()),
            Span::raw(truncate(&safe(&a.sampling), w as usize - 8)),
        ]));
    }
    list(
        app,
        &mut top,
        w,
        Focus::Interviewed,
        "Interviewed",
        a.interviewed.iter().map(|n| safe(n)).collect(),
    );

    // The notes box takes what is left, at least four rows.
    let notes_height = area.height.saturating_sub(top.len() as u16).max(4);
    let [upper, notes] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(notes_height)]).areas(area);
    // Rows that do not fit are said to be there, never dropped unseen.
    let room = upper.height as usize;
    if top.len() > room && room > 0 {
        let hidden = top.len() - (room - 1);
        top.truncate(room - 1);
        top.push(Line::styled(
            format!("↓ {hidden} more row(s) hidden: enlarge the window"),
            t.dim(),
        ));
    }
    Paragraph::new(top).render(upper, buf);
    // Working notes, when there are some or they are being typed, have a box of their own
    // below the notes, marked as never going into the report.
    let working = editing(app, Which::Working) || !a.working_notes.is_empty();
    if working && notes.height >= 8 {
        let [notes, private] =
            Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(notes);
        notes_box(app, a, Which::Report, notes, buf, cursor);
        notes_box(app, a, Which::Working, private, buf, cursor);
    } else if working && editing(app, Which::Working) {
        notes_box(app, a, Which::Working, notes, buf, cursor);
    } else {
        notes_box(app, a, Which::Report, notes, buf, cursor);
    }
}

/// Whether those notes are being typed.
fn editing(app: &App, which: Which) -> bool {
    matches!(&app.overlay, Overlay::Editor(e) if e.purpose.live_notes() == Some(which))
}

fn list(
    app: &App,
    out: &mut Vec<Line<'static>>,
    w: u16,
    focus: Focus,
    label: &str,
    items: Vec<String>,
) {
    let t = app.theme;
    let label_w = label.len() + 1;
    if items.is_empty() {
        if focus != Focus::Interviewed {
            out.push(Line::from(vec![
                Span::styled(format!("{label} "), t.label()),
                Span::styled("none", t.dim()),
            ]));
        } else {
            out.push(Line::from(vec![
                Span::styled(format!("{label} "), t.label()),
                Span::styled("nobody yet (w adds)", t.dim()),
            ]));
        }
        return;
    }
    let focused = app.focus == focus;
    // Unfocused, the interviewees share one line; other lists show up to three items.
    if focus == Focus::Interviewed && !focused {
        out.push(Line::from(vec![
            Span::styled(format!("{label} "), t.label()),
            Span::raw(truncate(&items.join(", "), w as usize - label_w)),
        ]));
        return;
    }
    let shown = if focused {
        items.len()
    } else {
        items.len().min(3)
    };
    for (i, item) in items.iter().take(shown).enumerate() {
        let head = if i == 0 {
            format!("{label} ")
        } else {
            " ".repeat(label_w)
        };
        let mut line = Line::from(vec![
            Span::styled(head, t.label()),
            Span::raw(truncate(item, w as usize - label_w)),
        ]);
        if focused && i == app.item {
            line = line.style(t.selected());
        }
        out.push(line);
    }
    if shown < items.len() {
        out.push(Line::styled(
            format!(
                "{}… {} more (Tab)",
                " ".repeat(label_w),
                items.len() - shown
            ),
            t.dim(),
        ));
    }
}

fn notes_box(
    app: &App,
    a: &Answer,
    which: Which,
    area: Rect,
    buf: &mut Buffer,
    cursor: &mut Option<Position>,
) {
    let t = app.theme;
    let editing = editing_notes(app) && editing(app, which);
    let (text, more) = match which {
        Which::Report => (&a.notes, "t shows all"),
        Which::Working => (&a.working_notes, "k shows all"),
    };
    let block = Block::bordered()
        .title(match (which, editing) {
            (Which::Report, true) => " Notes · Esc when done ",
            (Which::Report, false) => " Notes (t to edit) ",
            (Which::Working, true) => " Working notes, never in the report · Esc when done ",
            (Which::Working, false) => " Working notes, never in the report (k to edit) ",
        })
        .border_style(if editing { t.focus_border() } else { t.dim() });
    let inner = block.inner(area);
    block.render(area, buf);
    match &app.overlay {
        Overlay::Editor(e) if editing => super::text_area(&e.fields[0].text, inner, buf, cursor),
        _ => {
            // Laid out as far as the box shows, the rest only counted: the last row says how
            // many more there are.
            let room = inner.height as usize;
            let (lines, rows) = super::wrap_preview(text, inner.width, room);
            let hidden = if rows > room && room > 0 {
                rows - (room - 1)
            } else {
                0
            };
            Paragraph::new(lines).render(inner, buf);
            if hidden > 0 {
                super::screens::more_below(hidden, more, inner, buf, t);
            }
        }
    }
}
