//! One row per requirement for spreadsheets: RFC 4180, written by the `csv` crate with CRLF
//! line ends and every cell quoted.

use super::Input;
use crate::text::neutralize;

const HEADER: [&str; 8] = [
    "id",
    "process",
    "rating",
    "justification",
    "findings",
    "evidence_ids",
    "annex_a",
    "notes",
];

/// A cell's text, made safe for spreadsheets: control characters neutralised, and prefixed
/// with `'` (so that it stays text) when a spreadsheet could read it as a formula. Depending on
/// the locale a spreadsheet splits on `,`, `;` or tab, so every part between those separators
/// is looked at, not only the start of the cell (`x;=cmd|...` is a formula where `;` splits).
/// Importers may trim a leading tab, carriage return or spaces: `neutralize` has already made
/// a tab a space and a carriage return a visible symbol, and leading spaces are skipped.
fn cell(s: &str) -> String {
    let mut s = neutralize(&s.replace("\r\n", "\n"));
    let formula = |part: &str| {
        part.trim_start_matches(' ')
            .starts_with(['=', '+', '-', '@'])
    };
    if s.split([',', ';', '\t']).any(formula) {
        s.insert(0, '\'');
    }
    s
}

pub fn csv(input: &Input) -> String {
    let q = input.questionnaire;
    let r = input.record;
    // Quoting every cell keeps a cell whole whichever separator a spreadsheet assumes.
    let mut out = ::csv::WriterBuilder::new()
        .quote_style(::csv::QuoteStyle::Always)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let write = |out: &mut ::csv::Writer<Vec<u8>>, cells: &[String]| {
        out.write_record(cells.iter().map(|c| cell(c)))
            .expect("writing to memory cannot fail");
    };
    write(&mut out, &HEADER.map(String::from));
    let lookup = r.lookup();
    for req in &q.requirements {
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
        let cells = [
            req.id.clone(),
            req.process.clone(),
            rating,
            a.map(|a| a.justification.clone()).unwrap_or_default(),
            findings.join("; "),
            evidence.join(";"),
            annex.join("; "),
            a.map(|a| a.notes.clone()).unwrap_or_default(),
        ];
        write(&mut out, &cells);
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
        // Whatever the input, no part a spreadsheet could split off starts a formula unless
        // the cell is marked as text.
        for hostile in ["a,+1", "a\t@x", "a; -1", "\t=x", " -1", "\r=1", "a,\t=1"] {
            let c = cell(hostile);
            let parts_formula = c
                .split([',', ';', '\t'])
                .any(|p| p.trim_start().starts_with(['=', '+', '-', '@']));
            assert!(
                !parts_formula || c.starts_with('\''),
                "{hostile:?} gave {c:?}"
            );
            assert!(!c.contains(['\t', '\r']), "{c:?}");
        }
    }
}
