//! Tables for spreadsheets: one row per requirement (the action plan is [`super::plan`]). RFC 4180,
//! written by the `csv` crate with CRLF line ends and every cell quoted.

use super::Input;
use crate::text::neutralize;

const HEADER: [&str; 9] = [
    "id",
    "process",
    "rating",
    // Audit: conforming, minor NC, major NC (closed or not), not assessed; self-assessment:
    // met, gap, not assessed. The rating beside it is informative.
    "conformity",
    "justification",
    "findings",
    "evidence_ids",
    "annex_a",
    "notes",
];

/// A cell's text, made safe for spreadsheets: control characters neutralised, and prefixed
/// with `'` (so that it stays text) when a spreadsheet could read it as a formula. Depending on
/// the locale a spreadsheet splits on `,`, `;` or tab, so every part between those separators
/// is looked at, not only the start of the cell (`x;=cmd|...` is a formula where `;` splits);
/// so is every line of it (`note\n=HYPERLINK(...)`), as an import may split lines too.
/// Importers may trim a leading tab, carriage return or spaces: `neutralize` has already made
/// a tab a space and a carriage return a visible symbol, and leading spaces are skipped.
pub(super) fn cell(s: &str) -> String {
    let mut s = neutralize(&s.replace("\r\n", "\n"));
    let formula = |part: &str| {
        part.trim_start_matches(' ')
            .starts_with(['=', '+', '-', '@'])
    };
    if s.split([',', ';', '\t', '\n', '\r']).any(formula) {
        s.insert(0, '\'');
    }
    s
}

pub fn csv(input: &Input) -> String {
    let q = input.questionnaire;
    let r = input.record;
    let lookup = r.lookup();
    let eval = crate::conformance::evaluate(q, &lookup);
    let warnings = crate::conformance::consistency_warnings(q, &lookup);
    let rows = q.requirements.iter().map(|req| {
        let a = r.answer(&req.id);
        let rating = a
            .and_then(|a| a.rating)
            .map_or(String::new(), |j| j.to_string());
        let findings: Vec<String> = lookup
            .findings_for(&req.id)
            .iter()
            .map(|f| format!("{} {}", f.id, f.class.key()))
            .collect();
        let evidence: Vec<&str> = lookup
            .evidence_for(&req.id)
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        let annex: Vec<String> = req
            .annex_a
            .iter()
            .map(|x| format!("{} {}", x.standard, x.citation()))
            .collect();
        vec![
            req.id.clone(),
            req.process.clone(),
            rating,
            super::standing(q, &lookup, &eval, &warnings, &req.id).to_string(),
            a.map(|a| a.justification.clone()).unwrap_or_default(),
            findings.join("; "),
            evidence.join(";"),
            annex.join("; "),
            a.map(|a| a.notes.clone()).unwrap_or_default(),
        ]
    });
    table(&HEADER, rows)
}

/// A header and rows as CSV, every cell made safe by [`cell`].
pub(super) fn table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    // Quoting every cell keeps a cell whole whichever separator a spreadsheet assumes.
    let mut out = ::csv::WriterBuilder::new()
        .quote_style(::csv::QuoteStyle::Always)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(header).chain(rows) {
        out.write_record(row.iter().map(|c| cell(c)))
            .expect("writing to memory cannot fail");
    }
    let bytes = out.into_inner().expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_stay_text_after_any_separator() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("x;=cmd|' /C calc'!A0"), "'x;=cmd|' /C calc'!A0");
        assert_eq!(cell("a-b; c=d"), "a-b; c=d");
        assert_eq!(cell("l1\r\nl2"), "l1\nl2");
        // After a line break inside the cell.
        assert_eq!(
            cell("note\n=HYPERLINK(\"http://x\")"),
            "'note\n=HYPERLINK(\"http://x\")"
        );
        assert_eq!(cell("note\r\n+1"), "'note\n+1");
        // Whatever the input, no part a spreadsheet could split off starts a formula unless
        // the cell is marked as text.
        for hostile in [
            "a,+1", "a\t@x", "a; -1", "\t=x", " -1", "\r=1", "a,\t=1", "a\n=1", "a\n -1",
        ] {
            let c = cell(hostile);
            let parts_formula = c
                .split([',', ';', '\t', '\n'])
                .any(|p| p.trim_start().starts_with(['=', '+', '-', '@']));
            assert!(
                !parts_formula || c.starts_with('\''),
                "{hostile:?} gave {c:?}"
            );
            assert!(!c.contains(['\t', '\r']), "{c:?}");
        }
    }
}
