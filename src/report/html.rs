//! The HTML report: the Markdown report rendered by pulldown-cmark into one self-contained page
//! (inline CSS, nothing fetched, no script), readable on screen and printable to PDF.

use pulldown_cmark::{Event, Options, Parser};

use super::{Input, markdown};

pub(super) const CSS: &str = r#"
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #333; padding-bottom: .3rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.15rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin: 1.4rem 0 .4rem; background: #f0f3f6; padding: .25rem .5rem; }
table { border-collapse: collapse; margin: .6rem 0 1rem; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #c8c8c8; padding: .25rem .45rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #eef0f2; }
code { font-size: .82em; word-break: break-all; }
blockquote { border-left: 4px solid #b00; margin: 1rem 0; padding: .2rem 1rem; background: #fff4f4; }
a { color: #0645ad; }
svg.grid { display: block; margin: .6rem 0 1rem; max-width: 100%; height: auto; }
svg.grid text { font: 12px system-ui, sans-serif; fill: #111; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  /* No forced page breaks: a section starts where the last one ends, so that no page is
     left holding a sentence. Headings stay with what follows, small blocks stay whole. */
  h2, h3, h4 { break-after: avoid; }
  h2 { margin-top: 1.4rem; }
  tr, li, blockquote, svg.grid { break-inside: avoid; }
  p, li { orphans: 3; widows: 3; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
.nb { white-space: nowrap; }
"#;

/// Raw HTML the Markdown report itself writes; anything else is shown as text.
fn is_own_html(html: &str) -> bool {
    let h = html.trim();
    if h == "<br>" || h == "<wbr>" {
        return true;
    }
    // <a id="..."></a> with a plain id.
    h.strip_prefix("<a id=\"")
        .and_then(|rest| {
            rest.strip_suffix("\"></a>")
                .or_else(|| rest.strip_suffix("\">"))
        })
        .is_some_and(|id| {
            !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        || h == "</a>"
}

pub fn html(input: &Input) -> String {
    let meta = &input.record.assessment;
    let status = match meta.status {
        crate::record::Status::Draft => "DRAFT: not final".to_string(),
        crate::record::Status::Final => match meta.sign_off() {
            Some(s) => format!("final, signed off {}", s.date),
            None => "final".to_string(),
        },
    };
    page(
        input,
        &markdown(input),
        markdown::report_title(meta.kind),
        markdown::draft_mark(meta.status),
        &status,
        Some(rating_grid(input)),
    )
}

/// The follow-up report ([`super::follow_up_markdown`]) as a page, rendered as the audit
/// report is.
pub fn follow_up_html(input: &Input) -> String {
    let meta = &input.record.assessment;
    let (mark, status) = match &meta.follow_up_closed {
        Some(c) => ("", format!("follow-up closed {}", c.date)),
        None => (
            " (IN PROGRESS)",
            "IN PROGRESS: follow-up not closed".to_string(),
        ),
    };
    page(
        input,
        &super::follow_up_markdown(input),
        super::follow_up::TITLE,
        mark,
        &status,
        None,
    )
}

/// A report's Markdown as one self-contained page, titled `kind: VSE` with `mark` after it,
/// `status` at the top right of every printed page; `grid`, the picture that takes the
/// place of the Markdown's compact grid.
fn page(
    input: &Input,
    md: &str,
    kind: &str,
    mark: &str,
    status: &str,
    grid: Option<String>,
) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) if !is_own_html(&h) => Event::Text(h),
        e => e,
    });
    let parser = parser.flat_map(|e| match e {
        Event::Text(t) => keep_ids_whole(&t),
        e => vec![e],
    });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, parser);
    // The one-glance picture takes the place of the Markdown's compact grid on page 1.
    let body = match grid {
        Some(svg) => replace_grid(&body, &svg),
        None => body,
    };
    let meta = &input.record.assessment;
    let vse = meta.vse.trim();
    let title = format!("{kind}: {}{mark}", escape_html(vse));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        crate::text::neutralize(&title).replace('\n', " "),
        running_header(input, kind, status)
    )
}

/// On every printed page: the VSE and the kind of report at the top left, `status` (DRAFT,
/// final) at the top right, "page N of M" at the bottom (CSS page-margin boxes).
fn running_header(input: &Input, kind: &str, status: &str) -> String {
    let meta = &input.record.assessment;
    let vse = crate::text::neutralize(meta.vse.trim()).replace('\n', " ");
    let vse = if vse.is_empty() {
        "(VSE not named)".to_string()
    } else {
        vse.chars().take(80).collect()
    };
    let small = "font: 8.5pt system-ui, sans-serif; color: #444;";
    format!(
        "@page {{ margin: 18mm 15mm 16mm;\n  \
         @top-left {{ content: \"{}\"; {small} }}\n  \
         @top-right {{ content: \"{}\"; {small} font-weight: bold; }}\n  \
         @bottom-right {{ content: \"page \" counter(page) \" of \" counter(pages); {small} }}\n}}\n",
        css_string(&format!("{kind}: {vse}")),
        css_string(status),
    )
}

/// Text as the inside of a CSS string: every character but letters, digits and spaces as a
/// hex escape, so that nothing in it can end the string or the style element.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == ' ' {
            out.push(c);
        } else {
            // Six digits and a space: the space ends the escape and is not shown.
            out.push_str(&format!("\\{:06x} ", c as u32));
        }
    }
    out
}

/// Ids and dates (NC-1, A-12, BL-Route, 2026-11-20, 29110-4-2) kept on one line: a word
/// holding a hyphen and a digit, or starting with capitals and a hyphen, goes in a no-wrap
/// span. The text stays the same (plain hyphens), so
/// it is still found and copied as written.
fn keep_ids_whole(text: &str) -> Vec<Event<'static>> {
    let is_part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(is_part) {
        let (before, from) = rest.split_at(start);
        plain.push_str(before);
        let end = from.find(|c: char| !is_part(c)).unwrap_or(from.len());
        let (word, after) = from.split_at(end);
        let word_trimmed = word.trim_matches(|c| c == '-' || c == '.');
        let acronym = word_trimmed
            .split('-')
            .next()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()));
        let whole = word_trimmed.len() <= 24
            && word_trimmed.contains('-')
            && (acronym || word_trimmed.contains(|c: char| c.is_ascii_digit()));
        if whole {
            let lead = &word[..word.find(word_trimmed).unwrap_or(0)];
            plain.push_str(lead);
            if !plain.is_empty() {
                out.push(Event::Text(std::mem::take(&mut plain).into()));
            }
            out.push(Event::InlineHtml(
                format!("<span class=\"nb\">{}</span>", escape_html(word_trimmed)).into(),
            ));
            plain.push_str(&word[lead.len() + word_trimmed.len()..]);
        } else {
            plain.push_str(word);
        }
        rest = after;
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Event::Text(plain.into()));
    }
    out
}

/// The rendered compact grid (from its anchor to the end of its key) replaced by the picture.
fn replace_grid(body: &str, svg: &str) -> String {
    const ANCHOR: &str = "<a id=\"grid\"></a>";
    let Some(start) = body.find(ANCHOR) else {
        return body.to_string();
    };
    let after = start + ANCHOR.len();
    let end = body[after..]
        .find("</table>")
        .and_then(|t| {
            let t = after + t;
            body[t..].find("</p>\n").map(|p| t + p + "</p>\n".len())
        })
        .unwrap_or(after);
    format!("{}{ANCHOR}\n{svg}{}", &body[..start], &body[end..])
}

/// Every requirement as a cell, process by process: its letter and rating written in it (so
/// the grid reads in print and without colour), the fill by rating, and an open major
/// nonconformity marked `!` with a heavy border (`+` for an open minor one). Inline SVG: no
/// script, nothing fetched.
fn rating_grid(input: &Input) -> String {
    use crate::rating::{Judgement, Rating};
    use crate::record::FindingClass;
    const CELL: usize = 56;
    const ROW: usize = 34;
    const LABEL: usize = 60;
    let (q, r) = (input.questionnaire, input.record);
    let lookup = r.lookup();
    let rows: Vec<(&str, Vec<&crate::questionnaire::Requirement>)> = q
        .processes
        .iter()
        .map(|p| (p.id.as_str(), q.requirements_of(&p.id).collect()))
        .collect();
    let columns = rows.iter().map(|(_, reqs)| reqs.len()).max().unwrap_or(0);
    // Wide enough for the legend line too.
    let (width, height) = ((LABEL + columns * CELL + 2).max(640), rows.len() * ROW + 24);
    let mut svg = format!(
        "<svg class=\"grid\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Ratings of every requirement, by process\">\n"
    );
    let text = |s: &str| escape_html(&crate::text::neutralize(s));
    for (row, (process, reqs)) in rows.iter().enumerate() {
        let y = row * ROW;
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{}</text>\n",
            y + 20,
            text(process)
        ));
        for (col, req) in reqs.iter().enumerate() {
            let x = LABEL + col * CELL;
            let judgement = r.answer(&req.id).and_then(|a| a.rating);
            let fill = match judgement {
                None => "#ffffff",
                Some(Judgement::NA) => "#d9d9d9",
                Some(j) => match j.rating() {
                    Some(Rating::N) => "#f4a6a6",
                    Some(Rating::P) => "#f8cf8f",
                    Some(Rating::L) => "#e3ec9c",
                    _ => "#a8dcae",
                },
            };
            let open = |class| {
                lookup.findings_for(&req.id).iter().any(|f| {
                    f.class == class
                        && crate::conformance::open_in(r, f, crate::conformance::View::AsFound)
                })
            };
            let (mark, border) = if open(FindingClass::Major) {
                ("!", 3)
            } else if open(FindingClass::Minor) {
                ("+", 1)
            } else {
                ("", 1)
            };
            let rating = judgement.map_or("·".to_string(), |j| j.to_string());
            let letter = req.id.rsplit('.').next().unwrap_or(&req.id);
            svg.push_str(&format!(
                "<g><title>{} {rating}{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#222\" stroke-width=\"{border}\"/><text x=\"{}\" y=\"{}\">{} {rating}{mark}</text></g>\n",
                text(&req.id),
                if mark == "!" {
                    ", open major nonconformity"
                } else if mark == "+" {
                    ", open minor nonconformity"
                } else {
                    ""
                },
                x + 2,
                y + 2,
                CELL - 4,
                ROW - 6,
                x + 8,
                y + 20,
                text(letter)
            ));
        }
    }
    svg.push_str(&format!(
        "<text x=\"0\" y=\"{}\" xml:space=\"preserve\">·  not assessed    N/A  not applicable    !  open major nonconformity    +  open minor nonconformity</text>\n</svg>\n",
        rows.len() * ROW + 16
    ));
    svg
}

pub(super) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_dates_go_whole_in_no_wrap_spans() {
        let html = |text: &str| {
            let mut out = String::new();
            pulldown_cmark::html::push_html(&mut out, keep_ids_whole(text).into_iter());
            out
        };
        assert_eq!(
            html("see NC-1, on 2026-11-20 (BL-Route)."),
            "see <span class=\"nb\">NC-1</span>, on <span class=\"nb\">2026-11-20</span> (<span class=\"nb\">BL-Route</span>)."
        );
        // Ordinary hyphenated words may break; text is escaped as before.
        assert_eq!(html("well-known <b> & co"), "well-known &lt;b&gt; &amp; co");
        assert_eq!(html("A-1<x>"), "<span class=\"nb\">A-1</span>&lt;x&gt;");
    }

    #[test]
    fn css_strings_hold_only_escapes_and_words() {
        assert_eq!(css_string("Ab 1"), "Ab 1");
        assert_eq!(
            css_string("\"</style>"),
            "\\000022 \\00003c \\00002f style\\00003e "
        );
    }

    #[test]
    fn only_our_own_tags_pass() {
        assert!(is_own_html("<br>"));
        assert!(is_own_html("<a id=\"req-7-2-a\"></a>"));
        assert!(!is_own_html("<a id=\"x\" onclick=\"y\"></a>"));
        assert!(!is_own_html("<script>alert(1)</script>"));
        assert!(!is_own_html("<img src=x>"));
    }
}
