//! Cost that grows linearly: the report of a generated record of 5,000 requirements and
//! 50,000 evidence items takes about twice the time of one half its size, not four times.
//! A ratio of two times measured in the same run, never an absolute time; the figures
//! themselves are in BENCHMARKS.md.

use std::time::{Duration, Instant};

use vse_assess::questionnaire::catalog::{self, Loaded};
use vse_assess::rating::Judgement;
use vse_assess::record::{Evidence, EvidenceKind, Finding, FindingClass, Kind, Record};
use vse_assess::report::{self, Format, Input};

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxy";

/// The shipped profile's first process, repeated as `processes` processes of 25
/// requirements each, and a record answering every one, with `evidence` items in the
/// register (each supporting two requirements) and a finding on every seventh requirement.
fn generated(processes: usize, evidence: usize) -> (Loaded, Record) {
    let mut loaded = catalog::embedded(catalog::DEFAULT).unwrap().unwrap();
    let q = &mut loaded.questionnaire;
    let model = q.requirements[0].clone();
    let process = q.processes[0].clone();
    q.processes.clear();
    q.requirements.clear();
    for p in 0..processes {
        let id = format!("P{p}");
        q.processes.push(vse_assess::questionnaire::Process {
            id: id.clone(),
            clause: format!("8.{}", p + 1),
            ..process.clone()
        });
        for &letter in LETTERS {
            q.requirements.push(vse_assess::questionnaire::Requirement {
                id: format!("8.{}.{}", p + 1, letter as char),
                process: id.clone(),
                ..model.clone()
            });
        }
    }
    let mut record = Record::new(&loaded, "Big", Kind::Audit);
    let ids: Vec<String> = loaded
        .questionnaire
        .requirements
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let ratings = [Judgement::N, Judgement::P, Judgement::L, Judgement::F];
    for (n, id) in ids.iter().enumerate() {
        let a = record.requirements.entry(String::from(id)).or_default();
        a.rating = Some(ratings[n % 4]);
        a.notes = format!("Interview note {n}: the plan, its versions, minutes; 3 of 14 people.");
        a.interviewed = vec!["Ana María Gómez".into()];
        if n % 7 == 0 {
            record.findings.push(Finding {
                id: format!("NC-{}", n / 7 + 1),
                requirement: id.clone(),
                class: FindingClass::Minor,
                text: format!("Finding {n}, long enough to wrap across a line of the report."),
                ..Finding::default()
            });
        }
    }
    for e in 0..evidence {
        record.evidence.push(Evidence {
            file: true,
            id: format!("E{}", e + 1),
            title: format!("Evidence item {e}"),
            kind: EvidenceKind::Document,
            location: format!("docs/item-{e}.pdf"),
            version: String::new(),
            sha256: None,
            supports: (0..2)
                .map(|k| ids[(e * 7 + k) % ids.len()].clone())
                .collect(),
            carried_from: String::new(),
            follow_up: false,
        });
    }
    (loaded, record)
}

/// The shortest of a few runs: the least disturbed by whatever else the machine does.
fn report_time(processes: usize, evidence: usize) -> Duration {
    let (loaded, record) = generated(processes, evidence);
    let input = Input {
        record: &record,
        questionnaire: &loaded.questionnaire,
        questionnaire_sha256: &loaded.sha256,
        record_name: "big.toml",
        record_sha256: &loaded.sha256,
        evidence_checks: &[],
    };
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let text = report::render(&input, Format::Markdown);
            let took = start.elapsed();
            assert!(text.contains("8.1.a"));
            took
        })
        .min()
        .unwrap()
}

#[test]
fn the_report_grows_linearly() {
    let half = report_time(100, 25_000);
    let full = report_time(200, 50_000);
    let ratio = full.as_secs_f64() / half.as_secs_f64();
    eprintln!("2,500 requirements: {half:?}; 5,000: {full:?}; ratio {ratio:.2}");
    // Linear is 2; quadratic would be 4.
    assert!(
        ratio < 3.0,
        "twice the requirements took {ratio:.2} times as long ({half:?}, {full:?})"
    );
}
