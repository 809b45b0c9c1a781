//! Guidance Markdown to styled, wrapped lines, through pulldown-cmark.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::view::wrap_spans;
use crate::text::neutralize;

/// Renders `md` into lines no wider than `width`.
pub fn to_lines(md: &str, width: u16) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut style = Style::new();
    let mut prefix = String::new();
    let flush = |spans: &mut Vec<Span<'static>>, lines: &mut Vec<Line<'static>>, prefix: &str| {
        if !spans.is_empty() {
            let mut first = vec![Span::raw(prefix.to_string())];
            first.append(spans);
            lines.extend(wrap_spans(first, width, prefix.chars().count()));
        }
    };
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Strong) | Event::Start(Tag::Heading { .. }) => {
                style = style.add_modifier(Modifier::BOLD)
            }
            Event::End(TagEnd::Strong) => style = style.remove_modifier(Modifier::BOLD),
            Event::Start(Tag::Emphasis) => style = style.add_modifier(Modifier::ITALIC),
            Event::End(TagEnd::Emphasis) => style = style.remove_modifier(Modifier::ITALIC),
            Event::Start(Tag::Item) => prefix = "• ".into(),
            Event::End(TagEnd::Item) => {
                flush(&mut spans, &mut lines, &prefix);
                prefix.clear();
            }
            Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Heading(_)) => {
                style = Style::new();
                flush(&mut spans, &mut lines, &prefix);
                lines.push(Line::default());
            }
            Event::End(TagEnd::List(_)) => lines.push(Line::default()),
            Event::Text(t) | Event::Code(t) => spans.push(Span::styled(neutralize(&t), style)),
            Event::SoftBreak => spans.push(Span::raw(" ")),
            Event::HardBreak => flush(&mut spans, &mut lines, &prefix),
            _ => {}
        }
    }
    flush(&mut spans, &mut lines, &prefix);
    while lines.last().is_some_and(|l| l.spans.is_empty()) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn paragraphs_and_emphasis() {
        let lines = to_lines("**Ask** who wrote\nit.\n\n- one\n- two", 40);
        assert_eq!(text(&lines), ["Ask who wrote it.", "", "• one", "• two"]);
        let ask = lines[0].spans.iter().find(|s| s.content == "Ask").unwrap();
        assert!(
            ask.style.add_modifier.contains(Modifier::BOLD),
            "{:?}",
            lines[0]
        );
    }

    #[test]
    fn wraps_to_width() {
        let lines = to_lines("aaa bbb ccc ddd", 8);
        assert_eq!(text(&lines), ["aaa bbb", "ccc ddd"]);
    }
}
