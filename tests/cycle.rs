//! The audit cycle: an audit signed off, its follow-up, then the next audit made from it with
//! `new --from`, which carries the nonconformities left open (their ids, actions and
//! verification history), checks the register again, and is not signed off until each
//! carried nonconformity is followed up; `compare` then shows what was carried, closed and
//! new. Both audits are built here, through the commands and the edit layer.

use crate::common;

use std::fs;
use std::path::Path;

use common::{FACETS, IDS, complete_audit_details, ok, opened, record, refused, today, vse};
use tempfile::TempDir;
use vse_assess::questionnaire::catalog::sha256_hex;
use vse_assess::record::store;
use vse_assess::record::{Stage, Status, Verification, edit, next};

const LEAD: &str = "Claire Martin";

/// Audit 1 of Acme Soft in `dir/audit-1.toml`, signed off on 2026-03-10: a major on 7.2.g
/// (rated N, NC-1, action A-1), a minor on 7.3.b (rated L, NC-2, action A-2) and an
/// observation on 7.4.a (OBS-1); every other requirement met with the quality manual (E1)
/// behind it. After the sign-off, as follow-up, A-2 is completed and NC-2 verified effective;
/// NC-1 is left open.
fn audit_1(dir: &Path) {
    fs::write(dir.join("manual.txt"), "the quality manual, version 3\n").unwrap();
    let file = "audit-1.toml";
    ok(
        dir,
        &[
            "new",
            file,
            "--kind",
            "audit",
            "--vse",
            "Acme Soft",
            "--assessor",
            &format!("{LEAD}:lead auditor"),
            "--assessor",
            "Paul Roy:auditor",
            "--participant",
            "Bob Boss:director",
            "--session",
            "2026-03-02:Lyon",
            "--stage",
            "stage-2",
        ],
    );
    complete_audit_details(dir, file);
    let all = IDS.join(",");
    ok(
        dir,
        &[
            "evidence",
            "add",
            file,
            "--id",
            "E1",
            "--title",
            "Quality manual",
            "--location",
            "manual.txt",
            "--version",
            "3",
            "--supports",
            &all,
        ],
    );
    for c in ["6.a", "6.b", "6.c"] {
        ok(dir, &["condition", file, c, "yes"]);
    }
    for (id, facets) in FACETS {
        let rating = match id {
            "7.2.g" => "N",
            "7.3.b" => "L",
            _ => "F",
        };
        let mut args = vec!["answer", file, id, "--rating", rating];
        if rating != "N" {
            for f in facets {
                args.extend(["--facet", f]);
            }
        }
        ok(dir, &args);
    }
    let finding = |req: &str, class: &str, text: &str| {
        ok(
            dir,
            &[
                "finding",
                "add",
                file,
                req,
                "--class",
                class,
                "--text",
                text,
                "--evidence",
                "E1",
            ],
        )
        .trim()
        .to_owned()
    };
    assert_eq!(
        finding("7.2.g", "major", "No process performance review is held"),
        "NC-1"
    );
    assert_eq!(
        finding("7.3.b", "minor", "Resource plan not updated since 2024"),
        "NC-2"
    );
    assert_eq!(
        finding("7.4.a", "observation", "Portfolio list kept by hand"),
        "OBS-1"
    );
    for (nc, what) in [
        ("NC-1", "Hold a quarterly performance review"),
        ("NC-2", "Update the resource plan"),
    ] {
        ok(
            dir,
            &[
                "action",
                "add",
                file,
                "--finding",
                nc,
                "--what",
                what,
                "--owner",
                "Bob Boss",
            ],
        );
    }
    ok(
        dir,
        &["finalize", file, "--by", LEAD, "--date", "2026-03-10"],
    );
    // The follow-up, on the final record: NC-2's action done and verified effective.
    let mut o = opened(&dir.join(file));
    edit::complete_action(
        &mut o.record,
        "A-2",
        Some("2026-04-01"),
        &["E1".to_owned()],
        today(),
    )
    .unwrap();
    edit::verify(
        &mut o.record,
        "NC-2",
        Verification {
            by: "Paul Roy".into(),
            date: "2026-04-15".into(),
            effective: true,
            note: "Resource plan of April seen, reviewed by the director".into(),
            evidence: vec!["E1".into()],
            ..Verification::default()
        },
        today(),
    )
    .unwrap();
    store::save(&mut o).unwrap();
}

/// Audit 1, then audit 2 made from it: `dir/audit-2.toml`, a surveillance held 2026-11-20.
fn two_audits() -> TempDir {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit_1(dir);
    let said = ok(
        dir,
        &[
            "new",
            "audit-2.toml",
            "--from",
            "audit-1.toml",
            "--stage",
            "surveillance",
            "--session",
            "2026-11-20:Lyon",
        ],
    );
    assert!(
        said.contains("carried, to be followed up before the sign-off: NC-1"),
        "{said}"
    );
    assert!(
        said.contains("not carried: NC-2 closed (verified), OBS-1 (observation)"),
        "{said}"
    );
    assert!(said.contains("OBS-1 (observation)"), "{said}");
    tmp
}

#[test]
fn the_next_audit_carries_the_open_nonconformities_and_resets_what_was_found() {
    let tmp = two_audits();
    let dir = tmp.path();
    let one = record(&dir.join("audit-1.toml"));
    let two = record(&dir.join("audit-2.toml"));
    let meta = &two.assessment;

    // The same VSE, client, body, scope, team and participants; a new stage and sessions.
    assert_eq!(meta.vse, "Acme Soft");
    assert_eq!(meta.kind, one.assessment.kind);
    assert_eq!(meta.client, one.assessment.client);
    assert_eq!(meta.certification_body, one.assessment.certification_body);
    assert_eq!(meta.criteria, one.assessment.criteria);
    assert_eq!(meta.scope, one.assessment.scope);
    assert_eq!(meta.team, one.assessment.team);
    assert_eq!(meta.participants, one.assessment.participants);
    assert_eq!(meta.stage, Some(Stage::Surveillance));
    assert_eq!(meta.sessions.len(), 1);
    assert_eq!(meta.sessions[0].date, "2026-11-20");

    // Where it comes from: the file, the text's SHA-256, its sign-off and stage.
    let previous = meta.previous.as_ref().expect("previous");
    assert_eq!(previous.file, "audit-1.toml");
    let text = fs::read(dir.join("audit-1.toml")).unwrap();
    assert_eq!(previous.sha256, sha256_hex(&text));
    assert_eq!(previous.signed_off.as_deref(), Some("2026-03-10"));
    assert_eq!(previous.stage, Some(Stage::Stage2));

    // What was found is not: ratings, clause 6, conclusions, confirmations, history.
    assert!(two.requirements.is_empty(), "{:?}", two.requirements);
    assert!(two.conditions.is_empty());
    assert_eq!(meta.status, Status::Draft);
    assert!(meta.history.is_empty());
    assert!(meta.conclusions.is_empty());
    assert_eq!(meta.objectives_met, None);
    assert_eq!(meta.scope_appropriate, None);
    assert!(meta.report_ref.is_empty());

    // The register, each item to be checked again; ids, locations, versions and hashes kept.
    assert_eq!(two.evidence.len(), 1);
    let (e1, e2) = (&one.evidence[0], &two.evidence[0]);
    assert_eq!(e2.carried_from, "audit-1.toml");
    assert_eq!(
        (&e2.id, &e2.location, &e2.version, &e2.sha256),
        (&e1.id, &e1.location, &e1.version, &e1.sha256)
    );
    assert!(e2.sha256.is_some());

    // NC-1 only: NC-2 was closed, OBS-1 is an observation.
    let ids: Vec<&str> = two.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["NC-1"]);
    let (then, now) = (one.finding("NC-1").unwrap(), two.finding("NC-1").unwrap());
    let carried = now.carried.as_ref().expect("marked carried");
    assert_eq!(
        (carried.from.as_str(), carried.date.as_str()),
        ("audit-1.toml", "2026-03-10")
    );
    assert_eq!(
        (
            &now.requirement,
            now.class,
            &now.text,
            &now.evidence,
            &now.actions
        ),
        (
            &then.requirement,
            then.class,
            &then.text,
            &then.evidence,
            &then.actions
        )
    );
    assert_eq!(now.actions[0].id, "A-1");
    assert!(now.is_open());

    // `status` and `validate` read it as a record like any other.
    ok(dir, &["validate", "audit-2.toml"]);
}

#[test]
fn a_new_finding_of_the_next_audit_never_gets_an_id_of_the_previous_one() {
    let tmp = two_audits();
    let dir = tmp.path();
    let add = |req: &str, class: &str| {
        ok(
            dir,
            &[
                "finding",
                "add",
                "audit-2.toml",
                req,
                "--class",
                class,
                "--text",
                "Found in the surveillance",
                "--evidence",
                "E1",
            ],
        )
        .trim()
        .to_owned()
    };
    // NC-2 and OBS-1 were given in audit 1, though not carried.
    assert_eq!(add("7.5.a", "minor"), "NC-3");
    assert_eq!(add("7.4.b", "observation"), "OBS-2");
    let action = ok(
        dir,
        &[
            "action",
            "add",
            "audit-2.toml",
            "--finding",
            "NC-3",
            "--what",
            "Fix it",
        ],
    );
    assert_eq!(action.trim(), "A-3");
}

/// The lines of a refused sign-off of audit 2 about NC-1 not followed up.
fn not_followed_up(dir: &Path) -> Vec<String> {
    let why = refused(
        dir,
        &[
            "finalize",
            "audit-2.toml",
            "--by",
            LEAD,
            "--date",
            "2026-11-25",
        ],
    );
    why.lines()
        .filter(|l| l.contains("not followed up"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_next_audit_is_not_signed_off_until_each_carried_nonconformity_is_followed_up() {
    let tmp = two_audits();
    let dir = tmp.path();
    let lines = not_followed_up(dir);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("NC-1 (7.2.g) was carried from audit-1.toml, signed off 2026-03-10")
            && lines[0].contains("vse-assess finding verify FILE NC-1"),
        "{lines:?}"
    );
    let file = dir.join("audit-2.toml");
    let mut o = opened(&file);
    assert_eq!(next::carried_not_followed_up(&o.record), lines_of(&lines));
    // Removing it, or restating it as something else, is no way round the follow-up.
    let err = edit::remove_finding(&mut o.record, "NC-1").unwrap_err();
    assert!(
        err.to_string()
            .contains("NC-1 was carried from audit-1.toml: it is followed up"),
        "{err}"
    );
    let q = o.questionnaire.questionnaire.clone();
    for change in [
        edit::FindingChange {
            class: Some(vse_assess::record::FindingClass::Observation),
            ..Default::default()
        },
        edit::FindingChange {
            text: Some("rewritten".into()),
            ..Default::default()
        },
    ] {
        let err = edit::edit_finding(&mut o.record, &q, "NC-1", change, today()).unwrap_err();
        assert!(
            err.to_string()
                .contains("its statement and class stay as that audit found them"),
            "{err}"
        );
    }
    // A-1 done in the summer, seen working in the surveillance: verified effective by the
    // lead auditor (a major).
    edit::complete_action(
        &mut o.record,
        "A-1",
        Some("2026-06-30"),
        &["E1".to_owned()],
        today(),
    )
    .unwrap();
    edit::verify(
        &mut o.record,
        "NC-1",
        Verification {
            by: LEAD.into(),
            date: "2026-11-20".into(),
            effective: true,
            note: "Minutes of the June and September reviews seen".into(),
            evidence: vec!["E1".into()],
            ..Verification::default()
        },
        today(),
    )
    .unwrap();
    assert!(next::carried_not_followed_up(&o.record).is_empty());
    store::save(&mut o).unwrap();
    // Other reasons remain (nothing is rated yet), this one no longer.
    assert!(not_followed_up(dir).is_empty());
}

/// The refusal's lines without their `  - ` and the file's name in front.
fn lines_of(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.trim_start().trim_start_matches("- ").to_owned())
        .collect()
}

#[test]
fn a_verification_the_previous_audit_made_is_no_follow_up_of_the_next() {
    let tmp = two_audits();
    let dir = tmp.path();
    // NC-1 verified not effective in audit 1's follow-up, after its sign-off: carried with
    // that verification, which does not follow it up in audit 2.
    let mut o = opened(&dir.join("audit-1.toml"));
    edit::verify(
        &mut o.record,
        "NC-1",
        Verification {
            by: LEAD.into(),
            date: "2026-05-05".into(),
            effective: false,
            note: "No review held yet".into(),
            evidence: vec!["E1".into()],
            ..Verification::default()
        },
        today(),
    )
    .unwrap();
    store::save(&mut o).unwrap();
    ok(
        dir,
        &[
            "new",
            "audit-3.toml",
            "--from",
            "audit-1.toml",
            "--stage",
            "surveillance",
            "--session",
            "2026-11-20",
        ],
    );
    let three = record(&dir.join("audit-3.toml"));
    let nc = three.finding("NC-1").unwrap();
    assert_eq!(nc.verifications.len(), 1);
    assert!(!nc.verifications[0].follow_up, "not this audit's follow-up");
    assert_eq!(next::carried_not_followed_up(&three).len(), 1);
}

#[test]
fn compare_shows_the_cycle_carried_closed_new_and_dropped() {
    let tmp = two_audits();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "finding",
            "add",
            "audit-2.toml",
            "7.5.a",
            "--class",
            "minor",
            "--text",
            "Backups not tested",
            "--evidence",
            "E1",
        ],
    );
    let md = ok(dir, &["compare", "audit-1.toml", "audit-2.toml"]);
    let cycle = section(&md, "## The audit cycle");
    assert!(
        cycle.contains("made from *then* (`audit-1.toml`, signed off 2026-03-10, stage 2 audit)"),
        "{cycle}"
    );
    assert!(
        cycle.contains("*Then* is the very text it was made from"),
        "{cycle}"
    );
    let carried = subsection(&cycle, "### Carried");
    assert!(
        row(
            &carried,
            &[
                "NC-1",
                "7.2.g",
                "major nonconformity",
                "open",
                "open",
                "not yet"
            ]
        ),
        "{carried}"
    );
    let closed = subsection(&cycle, "### Closed");
    assert!(
        row(&closed, &["NC-2", "7.3.b", "minor nonconformity", "then"]),
        "{closed}"
    );
    let new = subsection(&cycle, "### New");
    assert!(
        row(&new, &["NC-3", "7.5.a", "minor nonconformity", "open"]),
        "{new}"
    );
    assert!(
        subsection(&cycle, "### Dropped").contains("None."),
        "{cycle}"
    );
    // The observation was left by rule, not forgotten.
    let left = section(&md, "## Findings not followed up");
    assert!(
        row(
            &left,
            &[
                "OBS-1",
                "7.4.a",
                "observation",
                "recorded",
                "not carried (not a nonconformity)"
            ]
        ),
        "{left}"
    );

    // NC-1 followed up and closed in audit 2; then removed from a copy: dropped.
    let mut o = opened(&dir.join("audit-2.toml"));
    edit::complete_action(
        &mut o.record,
        "A-1",
        Some("2026-06-30"),
        &["E1".to_owned()],
        today(),
    )
    .unwrap();
    edit::verify(
        &mut o.record,
        "NC-1",
        Verification {
            by: LEAD.into(),
            date: "2026-11-20".into(),
            effective: true,
            note: "Minutes of two reviews seen".into(),
            evidence: vec!["E1".into()],
            ..Verification::default()
        },
        today(),
    )
    .unwrap();
    store::save(&mut o).unwrap();
    let md = ok(dir, &["compare", "audit-1.toml", "audit-2.toml"]);
    let cycle = section(&md, "## The audit cycle");
    assert!(
        row(
            &subsection(&cycle, "### Carried"),
            &[
                "NC-1",
                "7.2.g",
                "major nonconformity",
                "open",
                "closed (verified)",
                "2026-11-20, effective"
            ]
        ),
        "{cycle}"
    );
    assert!(
        row(
            &subsection(&cycle, "### Closed"),
            &["NC-1", "7.2.g", "major nonconformity", "now"]
        ),
        "{cycle}"
    );

    fs::copy(dir.join("audit-2.toml"), dir.join("copy.toml")).unwrap();
    // Taken out by hand (the edit layer refuses to remove a carried finding).
    let mut o = opened(&dir.join("copy.toml"));
    o.record.findings.retain(|f| f.id != "NC-1");
    store::save(&mut o).unwrap();
    let md = ok(dir, &["compare", "audit-1.toml", "copy.toml"]);
    let cycle = section(&md, "## The audit cycle");
    assert!(
        row(
            &subsection(&cycle, "### Dropped"),
            &["NC-1", "7.2.g", "major nonconformity", "open"]
        ),
        "{cycle}"
    );

    // Two audits not made one from the other: no cycle.
    let md = ok(dir, &["compare", "audit-2.toml", "copy.toml", "--force"]);
    assert!(!md.contains("## The audit cycle"), "{md}");
}

/// From `heading` to the next heading of its level or above.
fn section(md: &str, heading: &str) -> String {
    let rest = md
        .split(&format!("{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading} in:\n{md}"));
    rest.split("\n## ").next().unwrap().to_owned()
}

fn subsection(md: &str, heading: &str) -> String {
    let rest = md
        .split(&format!("{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("no {heading} in:\n{md}"));
    rest.split("\n### ").next().unwrap().to_owned()
}

/// Whether a Markdown table row starts with these cells.
fn row(md: &str, cells: &[&str]) -> bool {
    let start = format!("| {} |", cells.join(" | "));
    md.lines().any(|l| l.starts_with(&start))
}

#[test]
fn new_from_is_refused_without_a_signed_off_audit_of_the_same_profile() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit_1(dir);
    let from = |next: &str, extra: &[&str]| {
        let mut args = vec!["new", next, "--from"];
        args.extend(extra);
        refused(dir, &args)
    };
    // No such file.
    let why = from("n.toml", &["missing.toml", "--stage", "surveillance"]);
    assert!(why.contains("cannot start from missing.toml"), "{why}");
    // A draft: its findings are not issued yet.
    ok(
        dir,
        &["new", "draft.toml", "--kind", "audit", "--vse", "Acme Soft"],
    );
    let why = from("n.toml", &["draft.toml", "--stage", "surveillance"]);
    assert!(why.contains("draft.toml is a draft"), "{why}");
    // An audit needs its stage; a stage 1 audit starts a cycle.
    let why = from("n.toml", &["audit-1.toml"]);
    assert!(
        why.contains("--stage stage-2|surveillance|recertification|special"),
        "{why}"
    );
    let why = from("n.toml", &["audit-1.toml", "--stage", "stage 1"]);
    assert!(why.contains("starts a certification cycle"), "{why}");
    let why = from("n.toml", &["audit-1.toml", "--stage", "yearly"]);
    assert!(why.contains("is not an audit stage"), "{why}");
    // Another profile.
    let q = include_str!("../questionnaires/iso29110-4-2-om.toml").replacen(
        "id = \"iso29110-4-2-om\"",
        "id = \"other-profile\"",
        1,
    );
    fs::write(dir.join("other.toml"), q).unwrap();
    let why = from(
        "n.toml",
        &[
            "audit-1.toml",
            "--stage",
            "surveillance",
            "--questionnaire",
            "other.toml",
        ],
    );
    assert!(why.contains("not `other-profile`"), "{why}");
    // Its sessions come after the audit it follows on from.
    let why = from(
        "n.toml",
        &[
            "audit-1.toml",
            "--stage",
            "surveillance",
            "--session",
            "2026-01-10:Lyon",
        ],
    );
    assert!(
        why.contains("`2026-01-10` is before audit-1.toml was signed off (2026-03-10)"),
        "{why}"
    );
    // The kind is the previous one's.
    let out = vse(
        dir,
        &["new", "n.toml", "--from", "audit-1.toml", "--kind", "self"],
    );
    assert_eq!(out.status.code(), Some(2));
    // The next audit is a new file.
    let why = from("audit-1.toml", &["audit-1.toml", "--stage", "surveillance"]);
    assert!(why.contains("the file exists"), "{why}");
    assert!(!dir.join("n.toml").exists(), "nothing written");
}

#[test]
fn the_next_audit_in_another_folder_names_the_previous_one_and_finds_its_evidence() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    audit_1(dir);
    fs::create_dir(dir.join("2027")).unwrap();
    ok(
        dir,
        &[
            "new",
            "2027/audit-2.toml",
            "--from",
            "audit-1.toml",
            "--stage",
            "surveillance",
        ],
    );
    let two = record(&dir.join("2027/audit-2.toml"));
    let previous = two.assessment.previous.as_ref().unwrap();
    assert_eq!(previous.file, "../audit-1.toml");
    assert_eq!(
        two.finding("NC-1").unwrap().carried.as_ref().unwrap().from,
        "../audit-1.toml"
    );
    let e = &two.evidence[0];
    assert!(Path::new(&e.location).is_absolute(), "{}", e.location);
    assert!(e.location.ends_with("manual.txt"), "{}", e.location);
    // The file is found from the new folder, and is the one hashed then.
    ok(dir, &["verify", "2027/audit-2.toml"]);
    fs::write(dir.join("manual.txt"), "the quality manual, version 4\n").unwrap();
    let out = vse(dir, &["verify", "2027/audit-2.toml"]);
    assert_eq!(out.status.code(), Some(1), "a changed file is said so");
    // compare still knows the cycle from the file name.
    let md = ok(dir, &["compare", "audit-1.toml", "2027/audit-2.toml"]);
    assert!(md.contains("## The audit cycle"), "{md}");
}
