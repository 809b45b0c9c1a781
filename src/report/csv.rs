//! One row per requirement for spreadsheets, quoted as RFC 4180 says (CRLF line ends).

use super::Input;
use crate::text::neutralize;

/// A field, quoted when it holds a comma, quote or line break. A field a spreadsheet would
/// read as a formula (leading `=`, `+`, `-`, `@`) is prefixed with `'` so that it stays text.
fn field(s: &str) -> String {
    let mut s = neutralize(s).replace("\r\n", "\n");
    if s.starts_with(['=', '+', '-', '@']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn csv(input: &Input) -> String {
    let q = input.questionnaire;
    let r = input.record;
    let mut out = String::new();
    let header = [
        "id",
        "process",
        "rating",
        "justification",
        "finding_classes",
        "evidence_ids",
        "annex_a",
        "notes",
    ];
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for req in &q.requirements {
        let a = r.answer(&req.id);
        let rating = a
            .and_then(|a| a.rating)
            .map_or(String::new(), |j| j.to_string());
        let classes: Vec<&str> = a
            .map(|a| a.findings.iter().map(|f| f.class.key()).collect())
            .unwrap_or_default();
        let evidence: Vec<&str> = r.evidence_for(&req.id).map(|e| e.id.as_str()).collect();
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
            classes.join(";"),
            evidence.join(";"),
            annex.join("; "),
            a.map(|a| a.notes.clone()).unwrap_or_default(),
        ];
        let cells: Vec<String> = cells.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("l1\nl2"), "\"l1\nl2\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
    }
}
