//! Overlays drawn over the body: a form, a yes/no prompt, the evidence picker.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::{centered, editing_notes, safe, text_area, truncate, wrap_spans};
use ratatui::layout::Position;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::tui::app::{App, Overlay};
use crate::tui::editor::FieldKind;

/// Draws what is over the screen; `cursor` is set to where typing goes, if anywhere.
pub fn render(app: &App, area: Rect, buf: &mut Buffer, cursor: &mut Option<Position>) {
    render_overlay(app, &app.overlay, area, buf, cursor);
}

/// Clears `rect` and draws a bordered box titled `title` in it; returns the space inside.
fn framed(rect: Rect, title: impl Into<Line<'static>>, style: Style, buf: &mut Buffer) -> Rect {
    Clear.render(rect, buf);
    let block = Block::bordered().title(title).border_style(style);
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

/// A choice's options, the chosen one highlighted, wrapped to `width`.
fn choice(app: &App, options: &[String], selected: usize, width: u16) -> Vec<Line<'static>> {
    let t = app.theme;
    let spans: Vec<Span> = options
        .iter()
        .enumerate()
        .flat_map(|(j, o)| {
            let style = if j == selected { t.selected() } else { t.dim() };
            [Span::styled(format!(" {o} "), style), Span::raw(" ")]
        })
        .collect();
    wrap_spans(spans, width, 0)
}

fn render_overlay(
    app: &App,
    overlay: &Overlay,
    area: Rect,
    buf: &mut Buffer,
    cursor: &mut Option<Position>,
) {
    let t = app.theme;
    match overlay {
        Overlay::None => {}
        Overlay::Notice {
            title,
            text,
            beneath,
        } => {
            render_overlay(app, beneath, area, buf, cursor);
            let width = area.width.saturating_sub(4).min(70);
            let mut lines = wrap_spans(vec![Span::raw(safe(text))], width - 2, 0);
            lines.push(Line::default());
            lines.push(Line::styled("Any key goes on.", t.dim()));
            let rect = centered(area, width, lines.len() as u16 + 2);
            let inner = framed(rect, format!(" {title} "), t.error(), buf);
            Paragraph::new(lines).render(inner, buf);
        }
        Overlay::Editor(_) if editing_notes(app) => {}
        Overlay::Editor(e) => {
            let width = area.width.saturating_sub(4).min(72);
            // Borders, then the two columns fields are indented by.
            let field_width = width.saturating_sub(4);
            // A choice takes as many rows as its options need: every class shows, however narrow.
            let heights: Vec<u16> = e
                .fields
                .iter()
                .map(|f| match &f.kind {
                    FieldKind::Choice { options, selected } => {
                        let rows = choice(app, options, *selected, field_width).len();
                        f.rows.max(rows as u16)
                    }
                    _ => f.rows,
                })
                .collect();
            // An error is wrapped whole, under a blank row.
            let error = e.error.as_ref().map_or(Vec::new(), |err| {
                wrap_spans(
                    vec![Span::styled(safe(err), t.error())],
                    width.saturating_sub(2),
                    0,
                )
            });
            let error_rows = if error.is_empty() {
                0
            } else {
                error.len() as u16 + 1
            };
            let height = heights.iter().map(|h| h + 1).sum::<u16>() + 2 + error_rows;
            let rect = centered(area, width, height);
            let inner = framed(rect, format!(" {} ", safe(&e.title)), t.focus_border(), buf);
            let mut y = inner.y;
            for (i, (f, h)) in e.fields.iter().zip(heights).enumerate() {
                if y + 1 + h > inner.y + inner.height {
                    break;
                }
                let focused = i == e.focus;
                let label_style = if focused { t.key() } else { t.label() };
                // A label wider than the form ends with "…", never cut mid-word unseen.
                let label = format!("{}{}", if focused { "▸ " } else { "  " }, f.label);
                Line::styled(truncate(&label, inner.width as usize), label_style).render(
                    Rect {
                        y,
                        height: 1,
                        ..inner
                    },
                    buf,
                );
                let field = Rect {
                    x: inner.x + 2,
                    y: y + 1,
                    width: inner.width.saturating_sub(2),
                    height: h,
                };
                match &f.kind {
                    FieldKind::Choice { options, selected } => {
                        Paragraph::new(choice(app, options, *selected, field.width))
                            .render(field, buf);
                    }
                    _ if focused => text_area(&f.text, field, buf, cursor),
                    _ => Paragraph::new(wrap_spans(
                        vec![Span::raw(safe(&f.value()))],
                        field.width,
                        0,
                    ))
                    .render(field, buf),
                }
                y += 1 + h;
            }
            if !error.is_empty() {
                let rows = (error.len() as u16).min(inner.height);
                let r = Rect {
                    y: inner.y + inner.height - rows,
                    height: rows,
                    ..inner
                };
                Clear.render(r, buf);
                Paragraph::new(error).render(r, buf);
            }
        }
        Overlay::Conflict {
            theirs,
            mine,
            typed,
            gone,
            ..
        } => {
            let width = area.width.saturating_sub(4).min(66);
            let name = |p: &std::path::Path| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let theirs = name(theirs);
            let (safe_text, enter) = match mine {
                Ok(mine) if *gone => (
                    format!(
                        "{theirs} is gone: it was moved away or deleted since you opened it, and has not been made again. Your answers are safe in {}, and the interview goes on there.",
                        name(mine)
                    ),
                    "go on",
                ),
                Err(e) if *gone => (
                    format!(
                        "{theirs} is gone: it was moved away or deleted since you opened it, and has not been made again. Your answers could not be written to a new file ({e}); they stay here, and go to a copy elsewhere when you quit."
                    ),
                    "",
                ),
                Ok(mine) => (
                    format!(
                        "{theirs} was changed on disk by someone else (git pull, an editor, another tool) since you opened it, and has not been overwritten. Your answers are safe in {}, and the interview goes on there.",
                        name(mine)
                    ),
                    "go on",
                ),
                Err(e) => (
                    format!(
                        "{theirs} was changed on disk by someone else since you opened it, and has not been overwritten. Your answers could not be written to a new file ({e}); they stay here, and go to a copy elsewhere when you quit."
                    ),
                    "",
                ),
            };
            let mut lines = wrap_spans(vec![Span::raw(safe(&safe_text))], width - 2, 0);
            lines.push(Line::default());
            if !enter.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled(" Enter ", t.key()),
                    Span::raw(enter),
                ]));
            }
            if !*gone {
                lines.extend(wrap_spans(
                    vec![Span::raw(format!(
                        "To open their {theirs} instead (your answers stay where they are), type reload and press Enter:"
                    ))],
                    width - 2,
                    0,
                ));
                lines.push(Line::from(vec![
                    Span::raw(" > "),
                    Span::styled(format!("{:<8}", safe(typed)), t.selected()),
                ]));
            }
            let rect = centered(area, width, lines.len() as u16 + 2);
            let title = if *gone {
                " File gone from disk "
            } else {
                " File changed on disk "
            };
            let inner = framed(rect, title, t.error(), buf);
            Paragraph::new(lines).render(inner, buf);
        }
        Overlay::Command(prompt) => command_menu(app, prompt, area, buf, cursor),
        Overlay::Confirm { question, .. } => {
            let width = area.width.saturating_sub(4).min(60);
            let lines = wrap_spans(vec![Span::raw(safe(question))], width - 2, 0);
            let rect = centered(area, width, lines.len() as u16 + 4);
            let inner = framed(rect, " Confirm ", t.focus_border(), buf);
            let mut lines = lines;
            lines.push(Line::default());
            lines.push(Line::from(vec![
                Span::styled(" y ", t.key()),
                Span::raw("yes   "),
                Span::styled(" n ", t.key()),
                Span::raw("no"),
            ]));
            Paragraph::new(lines).render(inner, buf);
        }
        Overlay::Picker { row } => {
            let record = &app.opened.record;
            let id = &app.requirement().id;
            let width = area.width.saturating_sub(4).min(70);
            let rect = centered(
                area,
                width,
                (record.evidence.len() as u16 + 2).clamp(5, area.height),
            );
            let inner = framed(
                rect,
                format!(" Evidence for {id} · Space links "),
                t.focus_border(),
                buf,
            );
            if record.evidence.is_empty() {
                Paragraph::new("The register is empty: v opens it, a adds an item.")
                    .render(inner, buf);
                return;
            }
            // Only the rows on screen are laid out, however long the register.
            let offset = row.saturating_sub(inner.height.saturating_sub(1) as usize);
            let lines: Vec<Line> = record
                .evidence
                .iter()
                .enumerate()
                .skip(offset)
                .take(inner.height as usize)
                .map(|(i, e)| {
                    let mark = if e.supports.contains(id) {
                        "[x]"
                    } else {
                        "[ ]"
                    };
                    let line = Line::raw(truncate(
                        &format!("{mark} {} · {}", safe(&e.id), safe(&e.title)),
                        inner.width as usize,
                    ));
                    if i == *row {
                        line.style(t.selected())
                    } else {
                        line
                    }
                })
                .collect();
            Paragraph::new(lines).render(inner, buf);
        }
    }
}

/// The command menu (`:`): the commands that fit what is typed, each with its arguments and
/// what it does, above the prompt, at the foot of the body (as k9s has it).
fn command_menu(
    app: &App,
    prompt: &crate::tui::app::Prompt,
    area: Rect,
    buf: &mut Buffer,
    cursor: &mut Option<Position>,
) {
    let t = app.theme;
    let width = area.width;
    let inner_width = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for c in prompt.matches() {
        lines.push(Line::from(vec![
            Span::styled(format!(" {}", c.name), t.key()),
            Span::raw(format!(" {}", c.args)),
        ]));
        lines.push(Line::styled(format!("    {}", c.what), t.dim()));
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            " no command starts like that: Backspace, or Esc closes",
            t.dim(),
        ));
    }
    // The prompt and its error always show; the list gives way on a short screen.
    let fixed = 1 + u16::from(prompt.error.is_some()) + 2;
    lines.truncate(area.height.saturating_sub(fixed) as usize);
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if text.width() <= inner_width {
                l
            } else {
                Line::styled(truncate(&text, inner_width), l.style)
            }
        })
        .collect();
    let height = lines.len() as u16 + fixed;
    let rect = Rect {
        y: area.y + area.height.saturating_sub(height),
        height: height.min(area.height),
        ..area
    };
    let inner = framed(
        rect,
        " Commands · Tab completes · Enter runs ",
        t.focus_border(),
        buf,
    );
    let list = lines.len() as u16;
    Paragraph::new(lines).render(inner, buf);
    let typed = safe(&prompt.typed);
    // The end of what is typed shows when it is longer than the line.
    let room = inner_width.saturating_sub(2);
    let shown: String = {
        let mut w = 0;
        let mut tail: Vec<char> = typed
            .chars()
            .rev()
            .take_while(|c| {
                w += c.width().unwrap_or(0);
                w <= room
            })
            .collect();
        tail.reverse();
        tail.into_iter().collect()
    };
    let y = inner.y + list;
    Line::from(vec![Span::styled(":", t.key()), Span::raw(shown.clone())]).render(
        Rect {
            y,
            height: 1,
            ..inner
        },
        buf,
    );
    *cursor = Some(Position::new(inner.x + 1 + shown.width() as u16, y));
    if let Some(err) = &prompt.error {
        let r = Rect {
            y: y + 1,
            height: 1,
            ..inner
        };
        Line::styled(truncate(&safe(err), inner_width), t.error()).render(r, buf);
    }
}
