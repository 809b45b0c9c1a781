//! The assessment report: structure, traceability against the standard's Annex A, hostile
//! user text, HTML safety, CSV quoting, determinism, and the example in reports/.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::{ANNEX_A, AUDIT, EXAMPLE, IDS};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use vse_assess::questionnaire::catalog::sha256_hex;
use vse_assess::record::access::Access;
use vse_assess::record::store::{self, Opened};
use vse_assess::record::{Action, ActionStatus, Finding, FindingClass, Record};
use vse_assess::report::{self, Format, Input};

fn example() -> Opened {
    store::open(Path::new(AUDIT), &Access::Unrestricted, common::today())
        .expect("example record loads")
}

fn render(opened: &Opened, record: &Record, format: Format) -> String {
    let text = store::to_text(record);
    report::render(
        &Input {
            record,
            questionnaire: &opened.questionnaire.questionnaire,
            questionnaire_sha256: &opened.questionnaire.sha256,
            record_name: "example-assessment.toml",
            record_sha256: &sha256_hex(text.as_bytes()),
            evidence_checks: &[],
        },
        format,
    )
}

/// Plain text of every cell of every table, by table, row and cell.
fn tables(md: &str) -> Vec<Vec<Vec<String>>> {
    let mut out: Vec<Vec<Vec<String>>> = Vec::new();
    let mut cell: Option<String> = None;
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Start(Tag::Table(_)) => out.push(Vec::new()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                out.last_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let c = cell.take().unwrap();
                out.last_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap()
                    .push(c.trim().to_string());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// Unescaped pipes on a source line.
fn pipes(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

/// Checks what must hold of any report: well-formed tables, links only to its own anchors, no
/// image, all sections.
fn check_structure(md: &str) {
    let anchors = check_markup(md);
    let mut h4 = Vec::new();
    let mut in_h4 = false;
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H4,
                ..
            }) => {
                in_h4 = true;
                h4.push(String::new());
            }
            Event::End(TagEnd::Heading(HeadingLevel::H4)) => in_h4 = false,
            Event::Text(t) if in_h4 => h4.last_mut().unwrap().push_str(&t),
            _ => {}
        }
    }
    // One section per requirement, in order, each with its anchor.
    let expected: Vec<String> = IDS
        .iter()
        .map(|id| format!("{id} ({})", process_of(id)))
        .collect();
    assert_eq!(h4, expected);
    for id in IDS {
        assert!(
            anchors.contains(&report::anchor_for_requirement(id)),
            "{id}"
        );
    }
}

/// What any report's Markdown keeps to, whatever the record holds: tables whole, every link
/// to an anchor of its own, no raw HTML but its own. Returns the anchors.
fn check_markup(md: &str) -> BTreeSet<String> {
    // Every table row in the source has as many cell borders as its header.
    let mut header_pipes = None;
    for (i, line) in md.lines().enumerate() {
        if line.starts_with('|') {
            let n = pipes(line);
            let h = *header_pipes.get_or_insert(n);
            assert_eq!(n, h, "line {}: {line:.200}", i + 1);
        } else {
            header_pipes = None;
        }
    }
    // Cell counts agree after parsing too.
    for t in tables(md) {
        let width = t[0].len();
        assert!(t.iter().all(|r| r.len() == width), "ragged table {t:?}");
    }
    // Every internal link has its anchor.
    let mut anchors = BTreeSet::new();
    let mut links = BTreeSet::new();
    let mut html = Vec::new();
    for e in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match e {
            Event::Html(h) | Event::InlineHtml(h) => {
                let h = h.trim().to_string();
                if let Some(id) = h.strip_prefix("<a id=\"").and_then(|r| r.split('"').next()) {
                    anchors.insert(id.to_string());
                }
                html.push(h);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // Only links the report makes: to its own anchors.
                let a = dest_url
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("link to {dest_url}"));
                links.insert(a.to_string());
            }
            Event::Start(Tag::Image { dest_url, .. }) => panic!("image {dest_url}"),
            _ => {}
        }
    }
    let missing: Vec<_> = links.difference(&anchors).collect();
    assert!(missing.is_empty(), "links without anchors: {missing:?}");
    // The only raw HTML is the report's own: anchors, line breaks and break points.
    for h in &html {
        let anchor = h
            .strip_prefix("<a id=\"")
            .and_then(|r| r.strip_suffix("\"></a>").or_else(|| r.strip_suffix("\">")))
            .is_some_and(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert!(
            h == "<br>" || h == "<wbr>" || h == "</a>" || anchor,
            "unexpected HTML {h:.200}"
        );
    }
    anchors
}

fn process_of(id: &str) -> &'static str {
    match &id[..3] {
        "7.2" => "OM",
        "7.3" => "RM",
        "7.4" => "PSM",
        _ => "PPM",
    }
}

/// The table that follows a heading.
fn table_after(md: &str, heading: &str) -> Vec<Vec<String>> {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("no heading {heading}"));
    tables(&md[start..]).into_iter().next().unwrap()
}

#[test]
fn example_report_is_well_formed() {
    let opened = example();
    let md = render(&opened, &opened.record, Format::Markdown);
    check_structure(&md);
    let h2: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        h2,
        [
            "## Verdict",
            "## Identification",
            "## Minimal conditions (clause 6) and conformance situation (clause 4)",
            "## Summary",
            "## Conclusion",
            "## Findings by requirement",
            "## Nonconformities as found",
            "## Evidence register",
            "## Annex A traceability",
            "## Still open",
            "## About this assessment",
        ]
    );
    // No section number that reads like a clause of the standard.
    // Section numbers that read like the standard's clauses: only real clause and
    // requirement ids head a section (process and requirement headings).
    for l in md.lines().filter(|l| l.starts_with('#')) {
        let text = l.trim_start_matches('#').trim_start();
        if text.starts_with(|c: char| c.is_ascii_digit()) {
            let id = text.split_whitespace().next().unwrap_or("");
            assert!(
                IDS.contains(&id) || ["7.2", "7.3", "7.4", "7.5"].contains(&id),
                "{l}"
            );
        }
    }
    assert!(md.contains("> **DRAFT**"));
    // Every rating below met is settled by an open nonconformity of its weight: no warning,
    // and the recommendation follows the one open major.
    assert!(
        md.contains("- [7.2.g](#req-7-2-g): rated P; met means F; 1 open major nonconformity.\n")
    );
    assert!(!md.contains("Consistency warnings"));
    assert!(md.contains("| NC-2 | [7.2.g](#req-7-2-g) | major nonconformity | open |"));
    assert!(md.contains("| NC-4 | [7.5.d](#req-7-5-d) | minor nonconformity | open |"));
    assert!(md.contains("- **NC-2 (major nonconformity, open):**"));
    // The audit as found: what the VSE does about it is in the follow-up report.
    assert!(
        !md.contains("**A-2") && !md.contains("| A-2 |"),
        "an action in the audit report"
    );
    assert!(md.contains("in the follow-up report (`vse-assess report FILE --follow-up`)"));
    assert!(md.contains("**Provisional (draft): The audit team does not recommend certification until the major nonconformities are closed and verified.**"));
    // The team's own conclusions say the same.
    assert!(md.contains(
        "The audit team does not recommend certification until the major nonconformity NC-2"
    ));
}

/// A record written by an earlier version (schema 1: findings and actions under each
/// requirement) loads with nothing lost, and is written in the current layout on its next
/// save.
#[test]
fn a_schema_1_record_is_upgraded_with_nothing_lost() {
    let tmp = tempfile::TempDir::new().unwrap();
    let file = tmp.path().join("old.toml");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/example-schema1.toml"
        ),
        &file,
    )
    .unwrap();
    let old_text = std::fs::read_to_string(&file).unwrap();
    let old: toml::Table = toml::from_str(&old_text).unwrap();
    let mut opened = common::opened(&file);
    assert_eq!(opened.upgraded_from, Some(1));
    let r = &opened.record;
    // Every finding and action of the old file, with ids, in requirement order.
    let mut findings = 0;
    let mut actions = 0;
    for (id, answer) in old["requirements"].as_table().unwrap() {
        let answer = answer.as_table().unwrap();
        let old_findings = answer.get("findings").and_then(|f| f.as_array());
        for f in old_findings.into_iter().flatten() {
            let text = f["text"].as_str().unwrap();
            let new = r
                .findings
                .iter()
                .find(|n| n.requirement == *id && n.text == text)
                .unwrap_or_else(|| panic!("{id}: {text}"));
            assert_eq!(new.class.key(), f["class"].as_str().unwrap());
            findings += 1;
        }
        for a in answer
            .get("actions")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
        {
            let what = a["what"].as_str().unwrap();
            let (holder, new) = r
                .findings
                .iter()
                .find_map(|f| f.actions.iter().find(|x| x.what == what).map(|x| (f, x)))
                .unwrap_or_else(|| panic!("{id}: {what}"));
            assert_eq!(holder.requirement, *id);
            assert_eq!(
                new.owner,
                a.get("owner").and_then(|o| o.as_str()).unwrap_or("")
            );
            actions += 1;
        }
        let mine = r.answer(id);
        assert_eq!(
            mine.and_then(|a| a.rating).map(|j| toml::Value::try_from(j)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()),
            answer
                .get("rating")
                .and_then(|v| v.as_str())
                .map(|s| s.to_string())
        );
    }
    assert_eq!(r.findings.len(), findings, "no finding made up");
    assert_eq!(
        r.findings.iter().map(|f| f.actions.len()).sum::<usize>(),
        actions
    );
    let ids: Vec<&str> = r.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "GP-1", "NC-1", "OBS-1", "NC-2", "NC-3", "GP-2", "OFI-1", "NC-4"
        ]
    );

    // Written as schema 2 on the next save, and read back the same.
    store::save(&mut opened).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("schema = 3\n"), "{}", &text[..40]);
    let again = common::opened(&file);
    assert_eq!(again.upgraded_from, None);
    assert_eq!(again.record, opened.record);
}

/// A schema 2 record kept one verification per finding (`[findings.verification]`): it
/// loads as the first of the finding's verifications, nothing else changes, and the next
/// save writes schema 3, which reads back the same. Schema 3 refuses the old key.
#[test]
fn a_schema_2_record_is_upgraded_with_its_verification_kept() {
    let tmp = tempfile::TempDir::new().unwrap();
    let file = tmp.path().join("old.toml");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/example-schema2.toml"
    );
    std::fs::copy(fixture, &file).unwrap();
    let old_text = std::fs::read_to_string(&file).unwrap();
    let mut opened = common::opened(&file);
    assert_eq!(opened.upgraded_from, Some(2));
    let r = &opened.record;
    let nc3 = r.finding("NC-3").unwrap();
    assert_eq!(nc3.verifications.len(), 1);
    let v = nc3.verification().unwrap();
    assert_eq!(
        (v.by.as_str(), v.date.as_str(), v.effective),
        ("Claire Martin", "2026-11-20", true)
    );
    assert_eq!(v.note, "Attendance sheets of the two courses seen");
    assert!(
        r.findings
            .iter()
            .filter(|f| f.id != "NC-3")
            .all(|f| f.verifications.is_empty())
    );

    store::save(&mut opened).unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("schema = 3\n"), "{}", &text[..40]);
    assert!(text.contains("[[findings.verifications]]"), "{text}");
    assert!(!text.contains("[findings.verification]"), "{text}");
    let again = common::opened(&file);
    assert_eq!(again.upgraded_from, None);
    assert_eq!(again.record, opened.record);

    // The old key in a schema 3 record is an error that names it.
    let bad = old_text.replacen("schema = 2", "schema = 3", 1);
    std::fs::write(&file, bad).unwrap();
    let Err(err) = vse_assess::record::store::open(
        &file,
        &vse_assess::record::access::Access::Unrestricted,
        common::today(),
    ) else {
        panic!("a schema 3 record with `verification` loaded");
    };
    let err = err.to_string();
    assert!(err.contains("verification"), "{err}");
    assert!(err.contains("[[findings.verifications]]"), "{err}");
}

/// Schema 1 actions of a requirement with no single nonconformity go to a finding made to
/// hold them, and the report says so.
#[test]
fn schema_1_actions_without_one_nonconformity_get_a_holder_the_report_names() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/example-schema1.toml"
    ))
    .unwrap();
    // 7.2.a holds only a good practice: give it an action.
    let text = text.replacen(
        "[[requirements.\"7.2.a\".findings]]",
        "[[requirements.\"7.2.a\".actions]]\nwhat = \"Keep the values poster current\"\n\n[[requirements.\"7.2.a\".findings]]",
        1,
    );
    let r = store::parse(std::path::Path::new("old.toml"), &text).unwrap();
    let holder = r
        .findings
        .iter()
        .find(|f| f.holds_upgraded_actions)
        .unwrap();
    assert_eq!(holder.requirement, "7.2.a");
    assert_eq!(holder.actions[0].what, "Keep the values poster current");
    let opened = example();
    let md = render(&opened, &r, Format::FollowUp);
    assert!(md.contains("Keep the values poster current"), "{md}");
    assert!(
        md.contains(&format!(
            "{} was made when this record was upgraded",
            holder.id
        )),
        "{md}"
    );
}

#[test]
fn traceability_matrix_holds_exactly_annex_a() {
    let opened = example();
    let md = render(&opened, &opened.record, Format::Markdown);
    let matrix = table_after(&md, "### Requirement to base standards");
    assert_eq!(
        matrix[0],
        [
            "Requirement",
            "Base standard",
            "Clause",
            "Items",
            "Profile rating"
        ]
    );
    let rows: Vec<(String, String, String, String)> = matrix[1..]
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone(), r[3].clone()))
        .collect();
    let expected: Vec<(String, String, String, String)> = ANNEX_A
        .iter()
        .map(|a| {
            let (clause, items) = if a.remark {
                (
                    format!("no clause: remark citing {}", a.clause),
                    "-".to_string(),
                )
            } else {
                let mut items = a.items.unwrap_or("(whole clause)").to_string();
                if let Some(n) = a.note {
                    items.push_str(&format!(" ({n})"));
                }
                (a.clause.to_string(), items)
            };
            (a.req.to_string(), a.standard.to_string(), clause, items)
        })
        .collect();
    assert_eq!(rows, expected);
    // Ratings in the matrix are the record's.
    let row = matrix.iter().find(|r| r[0] == "7.2.g").unwrap();
    assert_eq!(row[4], "P");

    // Reverse index: every clause cited, with the requirements tracing to it.
    let index = table_after(&md, "### Base-standard clauses to requirements");
    let mut expected: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for a in ANNEX_A.iter().filter(|a| !a.remark) {
        let reqs = expected
            .entry((a.standard.into(), a.clause.into()))
            .or_default();
        if !reqs.contains(&a.req.to_string()) {
            reqs.push(a.req.into());
        }
    }
    let mut actual: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in &index[1..] {
        let reqs = r[2]
            .split(", ")
            .map(|s| s.split(' ').next().unwrap().to_string())
            .collect();
        assert!(
            actual.insert((r[0].clone(), r[1].clone()), reqs).is_none(),
            "clause listed twice: {r:?}"
        );
    }
    assert_eq!(actual, expected);
    let iso9001_441 = index
        .iter()
        .find(|r| r[0] == "ISO 9001:2015" && r[1] == "4.4.1")
        .unwrap();
    assert_eq!(iso9001_441[2], "7.4.b (F), 7.4.c (F), 7.4.e (F), 7.4.f (F)");
}

/// Text designed to break Markdown, HTML, CSV and terminals.
fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "| a | b |\n|---|---|\n| c | d |",
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "</td></tr></table><h1>owned</h1>",
        "`code` ``` fenced\n```\nstill code?",
        "# heading\n## another\n- list\n1. numbered\n> quote\n---\n===",
        "[link](javascript:alert(1)) ![img](http://evil.example/x.png) <http://evil.example>",
        "\u{1b}[31mred\u{1b}[0m \u{1b}]52;c;ZXZpbA==\u{7} \u{1b}]0;title\u{7}",
        "right-to-left \u{202e}gnp.exe\u{202c} and \u{2066}isolate\u{2069}",
        "*emph* _emph_ **bold** ~~strike~~ $math$ \\ backslash &amp; &#60;",
        "中文、日本語、한국어 👩‍💻🚀 e\u{301} zero\u{200b}width",
        "=HYPERLINK(\"http://evil.example\")",
        "\"quoted\", comma, and\r\nCRLF",
        "<a id=\"req-7-2-a\"></a>",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(100 * 1024));
    v
}

fn hostile_record(opened: &Opened) -> Record {
    let mut r = opened.record.clone();
    let all = hostile().join("\n");
    r.assessment.vse = hostile()[3].clone();
    r.assessment.objectives = all.clone();
    r.assessment.team[0].name = hostile()[1].clone();
    let ids: Vec<String> = r.requirements.keys().cloned().collect();
    for (i, id) in ids.iter().enumerate() {
        let h = &hostile()[i % hostile().len()];
        let a = r.requirements.entry(String::from(id)).or_default();
        a.notes = format!("{id}: {h}");
        a.interviewed.push(h.clone());
        a.sampling = h.clone();
        let n = r.findings.len() + 1;
        r.findings.push(Finding {
            id: format!("OBS-{n}"),
            requirement: id.clone(),
            class: FindingClass::Observation,
            text: h.clone(),
            correction: h.clone(),
            interviewed: vec![h.clone()],
            actions: vec![Action {
                id: format!("A-{n}"),
                what: h.clone(),
                owner: hostile()[0].clone(),
                due: None,
                status: ActionStatus::Open,
                ..Action::default()
            }],
            ..Finding::default()
        });
    }
    for (e, h) in r.evidence.iter_mut().zip(hostile().iter().cycle()) {
        e.title = h.clone();
        e.location = h.clone();
        e.id = format!(
            "{}{}",
            e.id,
            &h[..h.char_indices().nth(3).map_or(h.len(), |(i, _)| i)]
        );
    }
    r
}

#[test]
fn hostile_text_leaves_the_structure_intact() {
    let opened = example();
    let r = hostile_record(&opened);
    let md = render(&opened, &r, Format::Markdown);
    check_structure(&md);
    assert!(
        !md.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reach the report"
    );
    assert!(!md.contains('\u{202e}'));
    // The structure is the same as the plain report's: same tables with the same shapes.
    let plain = render(&opened, &opened.record, Format::Markdown);
    let shape = |md: &str| {
        tables(md)
            .iter()
            .map(|t| (t.len(), t[0].len()))
            .collect::<Vec<_>>()
    };
    let (a, b) = (shape(&md), shape(&plain));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.1, y.1, "column count changed");
    }
    // The text survives, readable: CJK and emoji are kept.
    assert!(md.contains("中文、日本語、한국어 👩‍💻🚀"));
}

/// The follow-up report keeps its shape whatever the record holds: the VSE's response, the
/// actions and the verifications are user text like any other.
#[test]
fn the_follow_up_report_survives_hostile_text() {
    use vse_assess::record::{Signed, Verification};
    let opened = example();
    let mut r = hostile_record(&opened);
    let evidence: Vec<String> = r.evidence.iter().map(|e| e.id.clone()).collect();
    for (f, h) in r
        .findings
        .iter_mut()
        .filter(|f| f.class.is_nonconformity())
        .zip(hostile().into_iter().cycle())
    {
        f.root_cause = h.clone();
        f.correction = h.clone();
        f.vse_accepted = Some(Signed {
            by: h.clone(),
            date: h.clone(),
        });
        for a in &mut f.actions {
            a.evidence = evidence.clone();
            a.evidence.push(h.clone());
            a.completed = Some(h.clone());
            a.proposed = Some(Signed {
                by: h.clone(),
                date: "2026-11-18".into(),
            });
        }
        f.verifications.push(Verification {
            by: h.clone(),
            date: "2026-11-25".into(),
            effective: false,
            note: h.clone(),
            evidence: vec![h.clone()],
            follow_up: true,
            root_cause: h.clone(),
            covers: None,
        });
    }
    let md = render(&opened, &r, Format::FollowUp);
    check_markup(&md);
    assert!(
        !md.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reach the report"
    );
    assert!(md.contains("## Evidence cited"));
    let html = render(&opened, &r, Format::FollowUpHtml).to_lowercase();
    for bad in ["<script", "<img", "href=\"javascript", "<h1>owned"] {
        assert!(!html.contains(bad), "{bad}");
    }
    for link in html.split("<a ").skip(1) {
        assert!(
            link.starts_with("href=\"#") || link.starts_with("id=\""),
            "{:.80}",
            link
        );
    }
}

#[test]
fn html_is_self_contained_and_cannot_be_injected() {
    let opened = example();
    let html = render(&opened, &hostile_record(&opened), Format::Html);
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "script tag");
    assert!(!lower.contains("<img"), "img tag");
    assert!(!lower.contains("href=\"javascript"), "javascript link");
    assert!(!lower.contains("<h1>owned"));
    assert!(lower.contains("content-security-policy"));
    // Every tag is one the report itself writes.
    let allowed = [
        "!doctype",
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "ul",
        "li",
        "strong",
        "em",
        "code",
        "blockquote",
        "br",
        // Ids and dates kept on one line.
        "span",
        "wbr",
        // The rating grid: inline SVG, drawn from ids only.
        "svg",
        "g",
        "title",
        "rect",
        "text",
    ];
    for part in html.split('<').skip(1) {
        let name: String = part
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect::<String>()
            .to_lowercase();
        assert!(
            allowed.contains(&name.as_str()),
            "tag <{name}> in {:.80}",
            part
        );
    }
    for link in html.split("<a ").skip(1) {
        assert!(
            link.starts_with("href=\"#") || link.starts_with("id=\""),
            "{:.80}",
            link
        );
    }
}

#[test]
fn csv_has_one_quoted_row_per_requirement() {
    let opened = example();
    let r = hostile_record(&opened);
    let text = render(&opened, &r, Format::Csv);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "id",
            "process",
            "rating",
            "conformity",
            "justification",
            "findings",
            "evidence_ids",
            "annex_a",
            "notes"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 25);
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids, IDS);
    // Fields with commas, quotes and line breaks come back whole.
    let notes_7_2_a = &rows[0][8];
    assert!(
        notes_7_2_a.starts_with("7.2.a: | a | b |\n|---|---|"),
        "{notes_7_2_a:.60}"
    );
    let plain = render(&opened, &opened.record, Format::Csv);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(plain.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    let g = rows.iter().find(|r| &r[0] == "7.2.g").unwrap();
    assert_eq!(&g[2], "P");
    assert_eq!(&g[3], "major NC");
    assert_eq!(&g[5], "NC-2 major");
    assert_eq!(&g[6], "RR");
    assert_eq!(
        &g[7],
        "ISO 9001:2015 5.1.2 b-c; ISO/IEC/IEEE 12207:2017 6.3.4.3 a"
    );
    let f = rows.iter().find(|r| &r[0] == "7.3.f").unwrap();
    assert_eq!(&f[2], "F");
    assert_eq!(&f[3], "conforming");
    let c = rows.iter().find(|r| &r[0] == "7.2.c").unwrap();
    assert_eq!(&c[3], "minor NC");
    assert_eq!(&rows[0][3], "conforming");
    assert!(f[8].starts_with("One customer project at a time"));
}

/// A copy of the example followed up after the audit: NC-2's actions done and verified
/// effective by the lead auditor, NC-4's action done and found not effective.
fn followed_up_example(dir: &Path) -> std::path::PathBuf {
    let file = dir.join("followed.toml");
    std::fs::copy(AUDIT, &file).unwrap();
    for args in [
        &[
            "action",
            "close",
            "followed.toml",
            "A-2",
            "--date",
            "2026-11-25",
        ][..],
        &[
            "action",
            "close",
            "followed.toml",
            "A-3",
            "--date",
            "2026-11-25",
        ],
        &[
            "action",
            "close",
            "followed.toml",
            "A-5",
            "--date",
            "2026-11-25",
        ],
        &[
            "finding",
            "verify",
            "followed.toml",
            "NC-2",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-27",
            "--effective",
            "--note",
            "Plan v2 reviewed and in use",
            "--evidence",
            "RR",
        ],
        &[
            "finding",
            "verify",
            "followed.toml",
            "NC-4",
            "--by",
            "Hugo Petit",
            "--date",
            "2026-11-27",
            "--not-effective",
            "--note",
            "Minutes still not sent to support",
            "--evidence",
            "MR",
        ],
    ] {
        let out = common::command(dir).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    file
}

/// The action plan (`--format actions`) is the VSE's sheet: one row per nonconformity and
/// per further action, the audit's columns then the VSE's, every row against the record
/// (`tests/plan.rs` fills it in and imports it).
#[test]
fn the_actions_csv_has_a_row_per_nonconformity_and_per_action() {
    let tmp = tempfile::TempDir::new().unwrap();
    let file = followed_up_example(tmp.path());
    let opened = store::open(&file, &Access::Unrestricted, common::today()).unwrap();
    let out = common::vse(
        tmp.path(),
        &["report", "followed.toml", "--format", "actions"],
    );
    assert!(out.status.success());
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "Finding",
            "Requirement(s)",
            "Class",
            "Raised",
            "Plan due",
            "Statement",
            "Evidence cited",
            "Correction",
            "Root cause",
            "Action",
            "Kind",
            "Corrective action",
            "Owner",
            "Due",
            "Completed",
            "Evidence"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let r = &opened.record;
    let mut order = Vec::new();
    for row in &rows {
        let f = r.finding(&row[0]).expect("a finding of the record");
        assert!(f.class.is_nonconformity(), "{row:?}");
        assert_eq!(row[1], f.requirements().collect::<Vec<_>>().join(", "));
        assert_eq!(row[2], f.class.describe());
        assert_eq!(row[5], f.text);
        for e in &f.evidence {
            let title = &r.evidence_item(e).unwrap().title;
            assert!(row[6].contains(&format!("{e}: {title}")), "{row:?}");
        }
        assert_eq!((&row[7], &row[8]), (&f.correction, &f.root_cause));
        let (of, a) = r
            .action(&row[9])
            .expect("each of the example's NCs has actions");
        assert_eq!(of.id, f.id, "{row:?}");
        order.push(a.id.clone());
        assert_eq!(
            row[10..],
            [
                a.kind.key(),
                &a.what,
                &a.owner,
                a.due.as_deref().unwrap_or(""),
                a.completed.as_deref().unwrap_or(""),
                &a.evidence.join(", "),
            ],
            "{row:?}"
        );
    }
    // Each nonconformity once, under its own requirement in questionnaire order, a row for
    // each of its actions.
    let expected: Vec<String> = opened
        .questionnaire
        .questionnaire
        .requirements
        .iter()
        .flat_map(|req| r.findings.iter().filter(|f| f.requirement == req.id))
        .filter(|f| f.class.is_nonconformity())
        .flat_map(|f| f.actions.iter().map(|a| a.id.clone()))
        .collect();
    assert_eq!(order, expected);
}

#[test]
fn rendering_is_deterministic() {
    let opened = example();
    for format in [
        Format::Markdown,
        Format::Html,
        Format::Csv,
        Format::FollowUp,
        Format::FollowUpHtml,
    ] {
        assert_eq!(
            render(&opened, &opened.record, format),
            render(&opened, &opened.record, format)
        );
    }
}

/// The example report in reports/ is what the current code renders from the example record.
/// Regenerate with `UPDATE_REPORTS=1 cargo test --test suite report::`.
#[test]
fn example_reports_do_not_drift() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
    for (format, name) in [
        ("markdown", "example-assessment.md"),
        ("html", "example-assessment.html"),
        ("csv", "example-assessment.csv"),
        ("follow-up", "example-follow-up.md"),
    ] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = if format == "follow-up" {
            common::vse(root, &["report", EXAMPLE, "--follow-up"])
        } else {
            common::vse(root, &["report", EXAMPLE, "--format", format])
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let path = dir.join(name);
        if std::env::var_os("UPDATE_REPORTS").is_some() {
            fs::write(&path, &out.stdout).unwrap();
        }
        let committed = fs::read(&path).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{} is out of date; regenerate with UPDATE_REPORTS=1 cargo test --test suite report::",
            path.display()
        );
    }
}

/// A final record's report: no DRAFT mark; who signed off and when, the issue date (the
/// sign-off's, so the same record gives the same bytes on any day), distribution and
/// confidentiality, the history.
#[test]
fn report_of_a_signed_off_record() {
    let tmp = tempfile::TempDir::new().unwrap();
    fs::copy(AUDIT, tmp.path().join("final.toml")).unwrap();
    let cli = |args: &[&str]| {
        common::ok(tmp.path(), args);
    };
    common::complete_audit_details(tmp.path(), "final.toml");
    cli(&[
        "finalize",
        "final.toml",
        "--by",
        "Claire Martin",
        "--date",
        "2026-11-20",
    ]);
    cli(&["report", "final.toml", "-o", "out.md"]);
    let md = fs::read_to_string(tmp.path().join("out.md")).unwrap();
    let text = fs::read(tmp.path().join("final.toml")).unwrap();
    assert!(!md.contains("DRAFT") && !md.contains("Provisional"), "{md}");
    for row in [
        "| Status | final, signed off by Claire Martin on 2026-11-20 |",
        "| Issue date | 2026-11-20 |",
        "| Distribution | Brightline Software Ltd. (managing director); the certification body's technical reviewer |",
        "| Confidentiality | Confidential: for Brightline and the certification body only; evidence stays with Brightline |",
        "| 2026-11-20 | signed off (final) | Claire Martin |   |",
        "| Status | final |",
        "| Signed off | by Claire Martin on 2026-11-20 |",
        "| Audit stage | stage 2 |",
        "| Certification body | Alpine Certification Services |",
        "| Report reference | ACS-29110-2026-0147 |",
        "| Remote method | Video call with screen sharing: the risk register, the wiki and the backup console were shown live",
        "| Diverging opinions | None: Brightline accepted every finding at the closing meeting on 2026-11-17. |",
        "| Objectives met | yes, the audit team confirms it |",
        "| Scope appropriate | yes, the audit team confirms it |",
    ] {
        assert!(md.contains(row), "{row}\n{md}");
    }
    assert!(md.contains(&format!("final.toml, SHA-256 `{}`", sha256_hex(&text))));
    assert!(md.starts_with("# Assessment report: Brightline Software Ltd.\n"));
    // Printed, every page says it is final and when it was signed off; the title no DRAFT.
    cli(&["report", "final.toml", "--format", "html", "-o", "out.html"]);
    let html = fs::read_to_string(tmp.path().join("out.html")).unwrap();
    assert!(
        html.contains(
            "@top-right { content: \"final\\00002c  signed off 2026\\00002d 11\\00002d 20\";"
        ),
        "{:.3000}",
        html
    );
    assert!(html.contains("<title>Assessment report: Brightline Software Ltd.</title>"));
    assert!(!html.contains("DRAFT"));
    // Made again later: the same bytes.
    cli(&["report", "final.toml", "-o", "again.md"]);
    assert_eq!(md, fs::read_to_string(tmp.path().join("again.md")).unwrap());
}

/// The one-glance picture in the HTML report: a cell per requirement, its rating written in
/// it (readable in print and without colour), open nonconformities marked.
#[test]
fn the_html_grid_shows_every_requirement_and_open_nonconformities() {
    let opened = example();
    let html = render(&opened, &opened.record, Format::Html);
    let grid = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert_eq!(grid.matches("<rect").count(), 25);
    // On page 1, with the verdict, in place of the Markdown's compact grid.
    assert!(html.find("<svg").unwrap() > html.find("<h2>Verdict</h2>").unwrap());
    assert!(html.find("<svg").unwrap() < html.find("<h2>Identification</h2>").unwrap());
    assert!(
        !html.contains("Key: each cell"),
        "the compact grid is replaced"
    );
    assert_eq!(html.matches("<svg").count(), 1);
    // 7.2.c: minor NC-1 open; 7.2.g: major NC-2 open; 7.5.d: minor NC-4 open.
    assert!(
        grid.contains("<title>7.2.c L, open minor nonconformity</title>"),
        "{grid}"
    );
    assert!(grid.contains(">c L+</text>"));
    assert!(grid.contains("<title>7.2.g P, open major nonconformity</title>"));
    assert!(grid.contains(">g P!</text>"));
    assert!(grid.contains("<title>7.5.d L, open minor nonconformity</title>"));
    assert!(!grid.contains("<script") && !grid.contains("href"));
}

/// The lines of the section that starts at `heading`, up to the next heading of that level.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("no heading {heading}"));
    let level = heading.split(' ').next().unwrap();
    let rest = &md[start + heading.len()..];
    let end = rest
        .find(&format!("\n{level} "))
        .map_or(rest.len(), |i| i + 1);
    &md[start..start + heading.len() + end]
}

/// Page 1 carries what a reader decides on: the title says DRAFT, and the first section is
/// the verdict (VSE, kind, status, recommendation, nonconformities by class, the ratings at
/// a glance, who signed off), before identification.
#[test]
fn the_verdict_comes_first() {
    let opened = example();
    let md = render(&opened, &opened.record, Format::Markdown);
    assert!(md.starts_with("# Assessment report: Brightline Software Ltd. (DRAFT)\n"));
    let first = md.lines().find(|l| l.starts_with("## ")).unwrap();
    assert_eq!(first, "## Verdict");
    let verdict = section(&md, "## Verdict");
    for row in [
        "| VSE | Brightline Software Ltd. |",
        "| Kind | third-party audit |",
        "| Status | **DRAFT** (not signed off; may still change) |",
        "| Recommendation | **Provisional (draft): The audit team does not recommend certification",
        "| Nonconformities | major: 1 open, 0 closed; minor: 6 open, 0 closed |",
        "| Requirements (25) | 18 conforming; 6 minor NC; 1 major NC |",
        "| Signed off | not yet: this is a draft |",
        // The compact grid: a letter per column, the rating and open nonconformities marked.
        "| Process | a | b | c | d | e | f | g |",
        "| OM | F | F | L+ | F | F | L+ | P! |",
        "| PPM | F | F | F | L+ | F |   |   |",
    ] {
        assert!(verdict.contains(row), "{row}\n{verdict}");
    }
    let html = render(&opened, &opened.record, Format::Html);
    assert!(
        html.contains("<title>Assessment report: Brightline Software Ltd. (DRAFT)</title>"),
        "{:.600}",
        html
    );
    // Every printed page: the VSE, DRAFT, page N of M; the record's text escaped in CSS.
    assert!(html.contains("@top-right { content: \"DRAFT\\00003a  not final\";"));
    assert!(html.contains("counter(page) \" of \" counter(pages)"));
    // No forced page break that could leave a page nearly empty.
    assert!(!html.contains("break-before: page"));
}

/// The running header holds the VSE as CSS escapes only: a name cannot end the style.
#[test]
fn the_running_header_cannot_be_broken_out_of() {
    let opened = example();
    let mut r = opened.record.clone();
    r.assessment.vse = "X\"; } </style><script>alert(1)</script> \\".into();
    let html = render(&opened, &r, Format::Html);
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(style.contains("content: \"Assessment report\\00003a  X\\000022 \\00003b  \\00007d  \\00003c \\00002f style\\00003e \\00003c script\\00003e alert"), "{style}");
    assert_eq!(html.matches("</style>").count(), 1);
    assert!(!html.to_lowercase().contains("<script"));
}

/// An audit states conformity per requirement beside the informative rating: in its section,
/// in the summary and in the CSV (tested there); the process column is the weakest rating.
#[test]
fn an_audit_states_conformity_beside_each_rating() {
    let opened = example();
    let md = render(&opened, &opened.record, Format::Markdown);
    for (id, conformity) in [
        ("7.2.a", "conforming"),
        ("7.2.c", "minor NC"),
        ("7.2.g", "major NC"),
        ("7.3.f", "conforming"),
    ] {
        let s = section(&md, &format!("#### {id} "));
        assert!(
            s.contains(&format!("\n- **Conformity:** {conformity}\n")),
            "{s}"
        );
    }
    let processes = table_after(&md, "## Summary");
    assert_eq!(processes[0].last().unwrap(), "Weakest rating");
    assert!(!md.contains("Achievement"));
    let requirements = tables(section(&md, "## Summary"))[1].clone();
    assert_eq!(
        requirements[0],
        ["Requirement", "Rating", "Conformity", "Findings"]
    );
    assert_eq!(requirements.len(), 26);
    assert!(requirements.contains(&vec![
        "7.2.g".to_string(),
        "P".into(),
        "major NC".into(),
        "NC-2".into()
    ]));
}

/// The audit states its sample for every requirement (or that none was recorded), and how
/// many requirements record one.
#[test]
fn an_audit_states_its_sampling_per_requirement() {
    let opened = example();
    let mut r = opened.record.clone();
    r.requirements.get_mut("7.2.b").unwrap().sampling = "4 of 11 role descriptions".into();
    r.requirements.get_mut("7.2.d").unwrap().sampling.clear();
    let md = render(&opened, &r, Format::Markdown);
    assert!(section(&md, "#### 7.2.b ").contains("- **Sampled:** 4 of 11 role descriptions\n"));
    assert!(section(&md, "#### 7.2.d ").contains("- **Sampled:** not recorded\n"));
    let sampled = r
        .requirements
        .values()
        .filter(|a| !a.sampling.is_empty())
        .count();
    assert!(
        md.contains(&format!(
            "The sample was recorded for {sampled} of 25 requirements"
        )),
        "{}",
        section(&md, "## About")
    );
}

/// Clause 4.2 stated whole, the base-standard part included; no note of where the
/// questionnaire's text came from.
#[test]
fn clause_4_2_is_stated_in_full_and_no_source_note_is_shown() {
    let opened = example();
    let md = render(&opened, &opened.record, Format::Markdown);
    let conditions = section(&md, "## Minimal conditions");
    assert!(
        conditions
            .contains("every mandatory process requirement that the profile sets out in clause 7")
    );
    assert!(conditions.contains("the properties and requirements that the base standards (ISO/IEC/IEEE 12207:2017, ISO 9001:2015) attach to those requirements"));
    assert!(conditions.contains("the base-standard part, was not assessed"));
    assert!(!md.contains("(source:"), "source note shown");
    assert!(!md.contains("not Annex B"));
}

/// A self-assessment reads as a gap analysis for a manager: its title, each gap with what
/// was not checked and the guidance's evidence and common gaps, next steps in plain words,
/// no audit phrasing, and that it is not a certification.
#[test]
fn a_self_assessment_reads_as_a_gap_analysis() {
    let opened = example();
    let mut r = opened.record.clone();
    r.assessment.kind = vse_assess::record::Kind::SelfAssessment;
    // The record's own words are the audit team's: a VSE writes its own.
    r.assessment.conclusions = "Risk management and following up reviews are our gaps.".into();
    r.assessment.remote_method.clear();
    for f in &mut r.findings {
        f.text = f.text.replace("the audit team", "we");
    }
    let md = render(&opened, &r, Format::Markdown);
    assert!(
        md.starts_with("# Self-assessment (gap analysis): Brightline Software Ltd. (DRAFT)\n"),
        "{:.200}",
        md
    );
    assert_eq!(md.lines().find(|l| l.starts_with("## ")), Some("## Result"));
    let gaps = section(&md, "## Gaps and next steps");
    let q = &opened.questionnaire.questionnaire;
    let g = q.requirement("7.2.g").unwrap();
    let gap = &gaps[gaps
        .find("**[7.2.g](#req-7-2-g) (OM):**")
        .expect("7.2.g is a gap")..];
    let gap = &gap[..gap.find("\n\n**").unwrap_or(gap.len())];
    assert!(gap.contains(&g.statement), "{gap}");
    assert!(
        gap.contains("- **Why it is a gap:** rated P; met means F; 1 open major nonconformity."),
        "{gap}"
    );
    assert!(
        gap.contains("- **Not yet checked:** reviewed, maintained, monitored"),
        "{gap}"
    );
    // The guidance's own paragraphs, label dropped, lines joined.
    let para = |label: &str| {
        let start = g.guidance.find(label).unwrap();
        let text = &g.guidance[start..];
        let text = &text[text.find(':').unwrap() + 1..text.find("\n\n").unwrap_or(text.len())];
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert!(
        gap.contains(&format!(
            "- **Evidence that usually shows it:** {}",
            para("**Evidence**")
        )),
        "{gap}"
    );
    assert!(
        gap.contains(&format!("- **Common gaps:** {}", para("**Common gaps**"))),
        "{gap}"
    );
    assert!(
        gap.contains("- **Next step:** Put in place what is missing"),
        "{gap}"
    );
    // Met requirements are not gaps.
    assert!(!gaps.contains("[7.2.a](#req-7-2-a)"));
    assert!(section(&md, "#### 7.2.a ").contains("- **Result:** met\n"));
    assert!(section(&md, "#### 7.2.g ").contains("- **Result:** gap"));
    assert!(gaps.contains("**Next steps**\n\n1. Give each gap an owner"));
    assert!(gaps.contains("**This self-assessment is not a certification.**"));
    for audit in [
        "nothing to correct",
        "audit team",
        "Conformity:",
        "recommend",
    ] {
        assert!(!md.contains(audit), "{audit}");
    }
    let requirements = tables(section(&md, "## Summary"))[1].clone();
    assert_eq!(
        requirements[0],
        ["Requirement", "Rating", "Result", "Findings"]
    );
}

/// `status` counts requirements still to assess and open nonconformities apart.
#[test]
fn status_counts_what_is_to_do_and_open_nonconformities() {
    let out = common::ok(Path::new(env!("CARGO_MANIFEST_DIR")), &["status", AUDIT]);
    let heading = out.lines().find(|l| l.starts_with("Process")).unwrap();
    assert!(heading.ends_with("N/A To do Open NCs Weakest"), "{heading}");
    let om = out.lines().find(|l| l.starts_with("OM ")).unwrap();
    // OM: all 7 assessed (none to do); NC-1 and NC-5 (minor) and NC-2 (major) open; weakest P.
    let last: Vec<&str> = om.split_whitespace().rev().take(3).collect();
    assert_eq!(last, ["P", "3", "0"], "{om}");
}

/// A draft audit states every detail a certification body needs, "not stated" where it is
/// missing (never a blank row, never a dropped one); a self-assessment keeps its own rows.
#[test]
fn a_draft_audit_says_what_is_not_stated() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    common::ok(
        dir,
        &[
            "new",
            "a.toml",
            "--vse",
            "Acme",
            "--kind",
            "audit",
            "--criteria",
            " ",
            "--assessor",
            "Ann",
            "--session",
            "2026-11-16:online",
        ],
    );
    let md = common::ok(dir, &["report", "a.toml"]);
    let ident = md
        .split("## Identification")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap();
    for row in [
        "| Audit stage | not stated |",
        "| Certification body | not stated |",
        "| Report reference | not stated |",
        "| Audit client | not stated |",
        "| Objectives | not stated |",
        "| Sites | not stated |",
        "| Scope | not stated |",
        "| Criteria | not stated |",
        "| Remote method | not stated |",
        "| Diverging opinions | not stated |",
        "| Objectives met | not stated |",
        "| Scope appropriate | not stated |",
        "| Conclusions | not stated |",
        "| Distribution | not stated |",
        "| Confidentiality | not stated |",
        "| Ann | not stated |",
    ] {
        assert!(ident.contains(row), "{row}\n{ident}");
    }
    assert!(!ident.contains("|  |") && !ident.contains("| |"), "{ident}");
    common::ok(dir, &["set", "a.toml", "--objectives-met", "no"]);
    let md = common::ok(dir, &["report", "a.toml"]);
    assert!(md.contains("| Objectives met | no: the audit team states they were not met |"));

    common::ok(dir, &["new", "s.toml", "--vse", "Acme"]);
    let md = common::ok(dir, &["report", "s.toml"]);
    for absent in [
        "Audit stage",
        "Certification body",
        "Report reference",
        "Objectives met",
    ] {
        assert!(!md.contains(absent), "{absent}");
    }
}

/// Working notes never leave the record: set from the command line on requirements with and
/// without findings, they are in the file, under `working_notes`, and in no report format,
/// not in `status` and not in `compare`; a note for the report set beside them is printed.
#[test]
fn working_notes_never_leave_the_record() {
    let tmp = tempfile::TempDir::new().unwrap();
    let dir = tmp.path();
    fs::copy(AUDIT, dir.join("old.toml")).unwrap();
    fs::copy(AUDIT, dir.join("a.toml")).unwrap();
    const SECRET: &str = "WORKNOTE-7f3a";
    for req in ["7.2.a", "7.2.g", "7.3.b", "7.5.e"] {
        common::ok(
            dir,
            &[
                "answer",
                "a.toml",
                req,
                "--working-note",
                &format!("  {SECRET} Bob off sick  "),
            ],
        );
    }
    common::ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.2.a",
            "--append-note",
            "REPORTNOTE-9c1d",
        ],
    );
    let file = fs::read_to_string(dir.join("a.toml")).unwrap();
    assert!(
        file.contains(&format!("working_notes = \"{SECRET} Bob off sick\"")),
        "{file}"
    );
    let mut printed = Vec::new();
    for format in ["markdown", "html", "csv", "actions"] {
        printed.push((
            format,
            common::ok(dir, &["report", "a.toml", "--format", format]),
        ));
    }
    printed.push(("status", common::ok(dir, &["status", "a.toml"])));
    printed.push((
        "compare",
        common::ok(dir, &["compare", "old.toml", "a.toml"]),
    ));
    printed.push((
        "compare back",
        common::ok(dir, &["compare", "a.toml", "old.toml"]),
    ));
    for (what, text) in &printed {
        assert!(
            !text.contains(SECRET),
            "{what} prints a working note:\n{text}"
        );
        assert!(!text.contains("Bob off sick"), "{what}");
    }
    for (what, text) in &printed[..3] {
        assert!(text.contains("REPORTNOTE-9c1d"), "{what} lost the note");
    }
}
