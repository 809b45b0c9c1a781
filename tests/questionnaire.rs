//! The shipped questionnaire against the standard.

use crate::common;

use common::{ANNEX_A, FACETS, IDS, Row};
use vse_assess::questionnaire::catalog;

fn shipped() -> catalog::Loaded {
    catalog::embedded("iso29110-4-2-om")
        .expect("embedded")
        .expect("valid")
}

#[test]
fn identity_and_scale() {
    let q = shipped().questionnaire;
    let i = &q.questionnaire;
    assert_eq!(
        (i.standard.as_str(), i.edition.as_str()),
        ("ISO/IEC 29110-4-2", "2021")
    );
    assert_eq!(i.conformance_clause, "4.2");
    let bands: Vec<(char, u8, u8)> = q
        .scale
        .iter()
        .map(|l| (l.rating.letter(), l.min_percent, l.max_percent))
        .collect();
    assert_eq!(
        bands,
        [('N', 0, 15), ('P', 15, 50), ('L', 50, 85), ('F', 85, 100)]
    );
    let conditions: Vec<&str> = q.conditions.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(conditions, ["6.a", "6.b", "6.c"]);
}

#[test]
fn all_25_requirements_in_their_processes() {
    let q = shipped().questionnaire;
    let ids: Vec<&str> = q.requirements.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, IDS);
    let processes: Vec<(&str, &str, usize)> = q
        .processes
        .iter()
        .map(|p| {
            (
                p.id.as_str(),
                p.clause.as_str(),
                q.requirements_of(&p.id).count(),
            )
        })
        .collect();
    assert_eq!(
        processes,
        [
            ("OM", "7.2", 7),
            ("RM", "7.3", 7),
            ("PSM", "7.4", 6),
            ("PPM", "7.5", 5)
        ]
    );
}

#[test]
fn facets_are_the_verbs_of_clause_7() {
    let q = shipped().questionnaire;
    for (id, facets) in FACETS {
        assert_eq!(q.requirement(id).unwrap().facets, facets, "{id}");
    }
}

/// Facets reworded or split in 1.2.0: a record that checked the former text (the shipped
/// example, written with 1.1.0) still opens, and reads as having checked the facet it was
/// renamed to; the other halves of a split stay unchecked.
#[test]
fn facets_checked_under_a_former_text_are_read_as_the_renamed_ones() {
    let q = shipped().questionnaire;
    assert_eq!(q.questionnaire.version, "1.2.0");
    let renamed: Vec<(&str, &str, &str)> = q
        .requirements
        .iter()
        .flat_map(|r| {
            r.renamed_facets
                .iter()
                .map(move |(old, new)| (r.id.as_str(), old.as_str(), new.as_str()))
        })
        .collect();
    assert_eq!(
        renamed,
        [
            ("7.2.c", "defined", "strategic plan defined"),
            ("7.3.c", "provided", "provided to projects"),
            (
                "7.3.d",
                "provided or acquired",
                "provided or acquired for projects"
            ),
            ("7.4.a", "planned", "definition and training planned"),
            ("7.4.b", "identified", "objectives identified and recorded"),
            ("7.4.b", "recorded", "objectives identified and recorded"),
        ]
    );
    let tmp = tempfile::TempDir::new().unwrap();
    let file = tmp.path().join("old.toml");
    // A record written under questionnaire 1.1.0 (and in schema 1, upgraded as it opens).
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/example-schema1.toml"
        ),
        &file,
    )
    .unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("facets = [\"provided\"]"),
        "the fixture predates 1.2.0"
    );
    let opened = vse_assess::record::store::open(
        &file,
        &vse_assess::record::access::Access::Unrestricted,
        common::today(),
    )
    .expect("a record with former facet texts opens");
    let facets = |id: &str| opened.record.requirements[id].facets.clone();
    assert_eq!(facets("7.3.c"), ["provided to projects"]);
    assert_eq!(facets("7.3.d"), ["provided or acquired for projects"]);
    assert_eq!(
        facets("7.4.b"),
        [
            "objectives identified and recorded",
            "reviewed",
            "made available"
        ]
    );
    assert_eq!(
        facets("7.2.c"),
        ["strategic plan defined", "communicated", "maintained"]
    );

    // A map to a facet that does not exist, or from one that still does, is refused.
    let shipped = include_str!("../questionnaires/iso29110-4-2-om.toml");
    for (bad, said) in [
        (
            "renamed_facets = { \"provided\" = \"provided to projects\" }",
            "renamed_facets = { \"provided\" = \"handed over\" }",
        ),
        (
            "renamed_facets = { \"provided\" = \"provided to projects\" }",
            "renamed_facets = { \"as needed\" = \"provided to projects\" }",
        ),
    ] {
        let text = shipped.replacen(bad, said, 1);
        assert_ne!(text, shipped);
        let problems =
            vse_assess::questionnaire::parse(std::path::Path::new("q.toml"), &text).unwrap_err();
        assert_eq!(problems.len(), 1, "{said}");
        assert!(
            problems[0].to_string().contains("renamed_facets"),
            "{}",
            problems[0]
        );
    }
}

#[test]
fn annex_a_references_match_the_standard() {
    let q = shipped().questionnaire;
    let actual: Vec<Row> = q
        .requirements
        .iter()
        .flat_map(|r| {
            r.annex_a.iter().map(move |a| Row {
                req: Box::leak(r.id.clone().into_boxed_str()),
                standard: Box::leak(a.standard.clone().into_boxed_str()),
                clause: Box::leak(
                    a.clause
                        .clone()
                        .or(a.remark.clone())
                        .unwrap()
                        .into_boxed_str(),
                ),
                items: a.items.clone().map(|s| &*Box::leak(s.into_boxed_str())),
                note: a.note.clone().map(|s| &*Box::leak(s.into_boxed_str())),
                remark: a.remark.is_some(),
            })
        })
        .collect();
    assert_eq!(actual, ANNEX_A);
    for r in &q.requirements {
        for a in &r.annex_a {
            assert!(
                !a.summary.trim().is_empty(),
                "{} has an empty summary",
                r.id
            );
        }
    }
}

#[test]
fn guidance_notes_where_clause_7_and_annex_a_differ() {
    let q = shipped().questionnaire;
    for id in ["7.2.d", "7.2.g", "7.4.a", "7.4.e"] {
        let g = &q.requirement(id).unwrap().guidance;
        assert!(g.contains("Clause 7 and Annex A differ"), "{id}");
    }
}

#[test]
fn guidance_flags_annex_a_rows_that_look_misaligned() {
    let q = shipped().questionnaire;
    // Table A.2 puts ISO 9001 7.1.1 a under 7.3.e; Table A.3 puts 12207 6.3.1.3 b under 7.4.f.
    for id in ["7.3.e", "7.4.f"] {
        let g = &q.requirement(id).unwrap().guidance;
        assert!(g.contains("Annex A looks misaligned"), "{id}");
    }
}

/// OM's and RM's purposes restate Annex B and name the place; PSM's and PPM's were written
/// from clause 7.4 and 7.5 (the copy of the standard ends after B.4). That provenance is a
/// note for maintainers: it is in a TOML comment just above the process, never in a field the
/// interview or a report shows.
#[test]
fn purposes_not_from_annex_b_say_so() {
    let q = shipped().questionnaire;
    let sources: Vec<(&str, &str)> = q
        .processes
        .iter()
        .map(|p| (p.id.as_str(), p.purpose_source.as_str()))
        .collect();
    assert_eq!(
        sources,
        [
            ("OM", "Annex B.3.1"),
            ("RM", "Annex B.4.1"),
            ("PSM", ""),
            ("PPM", ""),
        ]
    );
    let text = include_str!("../questionnaires/iso29110-4-2-om.toml");
    for (id, clause) in [("PSM", "7.4"), ("PPM", "7.5")] {
        let block = format!("[[process]]\nid = \"{id}\"\n");
        let at = text.find(&block).unwrap_or_else(|| panic!("no {id} block"));
        let comment = text[..at].lines().last().unwrap();
        assert_eq!(
            comment,
            format!(
                "# Purpose source: written from the clause {clause} requirements, not from Annex B."
            ),
            "{id}"
        );
    }
    for p in &q.processes {
        for said in ["Annex B", "(source", "Written from"] {
            assert!(!p.purpose.contains(said), "{}: {}", p.id, p.purpose);
        }
    }
    // Staffing is resource management's (7.3.c), not the portfolio's.
    let ppm = q.process("PPM").unwrap();
    assert!(
        !ppm.purpose.to_lowercase().contains("staff"),
        "{}",
        ppm.purpose
    );
}

#[test]
fn requirement_ids_are_understood_as_people_type_them() {
    let q = shipped().questionnaire;
    for given in [
        "7.2.a", "7.2a", "7.2 a)", "OM.a", "om.A", "7.2.A", " 7.2 a ",
    ] {
        assert_eq!(
            q.resolve(given).map(|r| r.id.as_str()),
            Ok("7.2.a"),
            "{given}"
        );
    }
    assert_eq!(q.resolve("PPM.e").unwrap().id, "7.5.e");
    let err = q.resolve("7.6.a").unwrap_err();
    assert_eq!(err.valid.len(), 25);
    assert!(err.to_string().contains("7.5.e"));
    assert!(q.resolve("").is_err());
    assert!(q.resolve("OM").is_err());
}

#[test]
fn broken_questionnaires_are_reported_with_every_problem() {
    let text = include_str!("../questionnaires/iso29110-4-2-om.toml")
        .replacen(
            "clause = \"6.2.1.2\"\nitems = \"b\"",
            "clause = \"6.2.one\"\nitems = \"b\"",
            1,
        )
        .replacen("process = \"RM\"", "process = \"XX\"", 1);
    let problems =
        vse_assess::questionnaire::parse(std::path::Path::new("q.toml"), &text).unwrap_err();
    let shown: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
    assert_eq!(problems.len(), 2, "{shown:#?}");
    assert!(
        shown[0].contains("requirement[1].annex_a[0]"),
        "{}",
        shown[0]
    );
    assert!(shown[0].contains("`6.2.one` is not a clause number"));
    assert!(shown[1].contains("unknown process `XX`"), "{}", shown[1]);
    // Lines point into the text.
    let line = text.lines().position(|l| l.contains("6.2.one")).unwrap() + 1;
    assert!(
        problems[0].line <= line && problems[0].line + 5 >= line,
        "{:?}",
        problems[0]
    );
}
