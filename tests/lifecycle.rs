//! The life of an assessment from the command line: details, sign-off, a final record that
//! refuses changes, reopening, a signed report, evidence checked later.

use crate::common;

use std::fs;
use std::path::Path;

use common::{AUDIT, fails, ok, tools, vse};
use tempfile::TempDir;

fn example_in(dir: &Path) {
    fs::copy(AUDIT, dir.join("a.toml")).unwrap();
}

#[test]
fn sessions_scope_and_details_from_the_command_line() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "new",
            "a.toml",
            "--vse",
            "Acme",
            "--kind",
            "audit",
            "--session",
            "2026-11-16:Lyon head office",
            "--session",
            "2026-11-17:Remote: video call",
            "--scope",
            "Both product lines",
            "--process",
            "OM,RM",
        ],
    );
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    assert!(text.contains("date = \"2026-11-16\"\nlocation = \"Lyon head office\""));
    // Only the first colon separates: a place may hold one.
    assert!(text.contains("date = \"2026-11-17\"\nlocation = \"Remote: video call\""));
    assert!(text.contains("description = \"Both product lines\""));
    assert!(
        text.contains("processes = [\n    \"OM\",\n    \"RM\",\n]"),
        "{text}"
    );

    ok(
        dir,
        &[
            "set",
            "a.toml",
            "--conclusions",
            "Works as the profile expects.",
            "--audit-plan",
            "Day 1 OM, day 2 RM",
            "--distribution",
            "Acme; the certification body",
            "--confidentiality",
            "Confidential",
            "--session",
            "2026-11-18",
            "--client",
            "Acme board",
        ],
    );
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    for line in [
        "conclusions = \"Works as the profile expects.\"",
        "audit_plan = \"Day 1 OM, day 2 RM\"",
        "distribution = \"Acme; the certification body\"",
        "confidentiality = \"Confidential\"",
        "client = \"Acme board\"",
        "date = \"2026-11-18\"",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    // --session replaces the list; what was not given stays.
    assert!(!text.contains("2026-11-16") && text.contains("description = \"Both product lines\""));

    // Values are checked by the parser, which names the option; nothing is written.
    let before = fs::read(dir.join("a.toml")).unwrap();
    for (args, option) in [
        (
            &["set", "a.toml", "--session", "16/11/2026:Lyon"][..],
            "--session",
        ),
        (
            &["answer", "a.toml", "7.2.a", "--rating", "X"][..],
            "--rating",
        ),
        (
            &[
                "evidence", "add", "a.toml", "--id", "E", "--title", "t", "--kind", "paper",
            ][..],
            "--kind",
        ),
        (&["set", "a.toml", "--process", "OM,XX"][..], "processes"),
    ] {
        let err = fails(dir, args, 2);
        assert!(err.contains(option), "{args:?}: {err}");
    }
    assert!(fails(dir, &["set", "a.toml"], 2).contains("nothing to set"));
    assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before);

    // Comma lists where a value holds no comma.
    ok(
        dir,
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "E1",
            "--title",
            "Plan",
            "--kind",
            "url",
            "--location",
            "https://x.example",
            "--supports",
            "7.2.a,7.2.c",
        ],
    );
    let list = ok(dir, &["evidence", "list", "a.toml"]);
    assert!(list.trim_end().ends_with("7.2.a,7.2.c"), "{list}");
}

#[test]
fn sign_off_lists_every_reason_then_makes_the_record_final() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    ok(
        dir,
        &[
            "new",
            "a.toml",
            "--vse",
            "Acme",
            "--kind",
            "audit",
            "--assessor",
            "Claire Martin:lead auditor",
            "--date",
            "2026-11-16",
        ],
    );
    ok(
        dir,
        &[
            "answer",
            "a.toml",
            "7.2.a",
            "--rating",
            "na",
            "--justification",
            "Parent company",
        ],
    );
    ok(
        dir,
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.b",
            "--class",
            "minor",
            "--text",
            "No review",
        ],
    );
    let before = fs::read(dir.join("a.toml")).unwrap();
    let err = fails(dir, &["finalize", "a.toml", "--by", "Somebody"], 2);
    for reason in [
        "a.toml: cannot sign off:",
        "not assessed: 7.2.b, 7.2.c",
        "NC-1 (7.2.b) has no due date for the VSE's corrective action plan",
        "clause 6 conditions not answered: 6.a, 6.b, 6.c",
        "no conclusions written",
        "`Somebody` is not in the assessment team (Claire Martin)",
        // Every consistency warning stands in the way of an audit's sign-off.
        "7.2.a: marked N/A, but every requirement of the profile is mandatory",
        "NC-1 cites no evidence and no one interviewed",
    ] {
        assert!(err.contains(reason), "{reason}\n{err}");
    }
    assert_eq!(fs::read(dir.join("a.toml")).unwrap(), before);
    assert!(
        fails(
            dir,
            &[
                "finalize",
                "a.toml",
                "--by",
                "Claire Martin",
                "--date",
                "2026-11-15"
            ],
            2
        )
        .contains("before the assessment's last session (2026-11-16)")
    );

    // Nothing in scope is no shortcut; a verification is not dated after the sign-off.
    let example = fs::read_to_string(AUDIT).unwrap();
    let empty = example.replacen(
        "processes = [\n    \"OM\",\n    \"RM\",\n    \"PSM\",\n    \"PPM\",\n]",
        "processes = []",
        1,
    );
    assert_ne!(empty, example);
    fs::write(dir.join("e.toml"), empty).unwrap();
    let err = fails(dir, &["finalize", "e.toml", "--by", "Claire Martin"], 2);
    assert!(err.contains("no process is in scope"), "{err}");
    fs::write(dir.join("v.toml"), &example).unwrap();
    for args in [
        &["action", "close", "v.toml", "A-2", "--date", "2026-11-18"][..],
        &["action", "close", "v.toml", "A-3", "--date", "2026-11-18"],
        &[
            "finding",
            "verify",
            "v.toml",
            "NC-2",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-19",
            "--effective",
            "--note",
            "Plan v2 in use",
            "--evidence",
            "RR",
        ],
    ] {
        ok(dir, args);
    }
    let err = fails(
        dir,
        &[
            "finalize",
            "v.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-18",
        ],
        2,
    );
    assert!(
        err.contains("NC-2's verification is dated 2026-11-19, after the sign-off"),
        "{err}"
    );
}

/// The shipped example is an audit a lead auditor can sign as it stands: every detail
/// stated, no consistency warning, nothing to add.
#[test]
fn the_shipped_example_signs_off_as_it_stands() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    fs::copy(AUDIT, dir.join("a.toml")).unwrap();
    let status = ok(dir, &["status", "a.toml"]);
    assert!(!status.contains("Consistency warnings"), "{status}");
    let out = common::vse(
        dir,
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "no warning: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With no sample recorded anywhere, the sign-off goes ahead and says so.
    let example = fs::read_to_string(AUDIT).unwrap();
    let unsampled: String = example
        .lines()
        .filter(|l| !l.starts_with("sampling = "))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(dir.join("c.toml"), unsampled).unwrap();
    let out = common::vse(
        dir,
        &[
            "finalize",
            "c.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "c.toml: warning: no requirement records what was sampled (`answer FILE REQ --sampling TEXT`): the report cannot state the audit's sample"
    );
    // The auditor is not the lead: refused.
    fs::copy(AUDIT, dir.join("b.toml")).unwrap();
    let err = fails(
        dir,
        &[
            "finalize",
            "b.toml",
            "--by",
            "Hugo Petit",
            "--date",
            "2026-11-20",
        ],
        2,
    );
    assert!(err.contains("Claire Martin"), "{err}");
}

/// Every command that changes a record refuses a final one, says why and how to reopen it,
/// and leaves the file byte-identical; reopening needs a name and a reason, and both the
/// sign-off and the reopening stay in the history the report prints.
#[test]
fn a_final_record_refuses_every_change_until_reopened() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    example_in(dir);
    common::complete_audit_details(dir, "a.toml");
    let out = ok(
        dir,
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-20",
        ],
    );
    assert_eq!(
        out.trim(),
        "a.toml: final, signed off by Claire Martin on 2026-11-20"
    );
    let final_bytes = fs::read(dir.join("a.toml")).unwrap();
    let edits: &[&[&str]] = &[
        &["answer", "a.toml", "7.2.a", "--rating", "P"],
        &["set", "a.toml", "--vse", "Other"],
        &["condition", "a.toml", "6.a", "no"],
        &[
            "finding",
            "add",
            "a.toml",
            "7.2.a",
            "--class",
            "observation",
            "--text",
            "x",
        ],
        // What was found is frozen; the follow-up (verify, actions) goes on.
        &["finding", "edit", "a.toml", "NC-1", "--text", "x"],
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--plan-due",
            "2026-12-20",
        ],
        &[
            "finding",
            "edit",
            "a.toml",
            "NC-1",
            "--raised",
            "2026-11-16",
        ],
        // An item supporting a requirement is what was found (one for the follow-up, with
        // no link, is taken: tests/follow_up_report.rs).
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "NEW",
            "--title",
            "t",
            "--supports",
            "7.2.a",
        ],
        &["evidence", "remove", "a.toml", "RR"],
        &["finalize", "a.toml", "--by", "Claire Martin"],
    ];
    for args in edits {
        let err = fails(dir, args, 2);
        assert!(
            err.contains("final") && err.contains("signed off by Claire Martin on 2026-11-20"),
            "{args:?}: {err}"
        );
        assert_eq!(
            fs::read(dir.join("a.toml")).unwrap(),
            final_bytes,
            "{args:?}"
        );
    }
    assert!(
        fails(dir, &["answer", "a.toml", "7.2.a", "--rating", "P"], 2)
            .contains("vse-assess reopen a.toml --by NAME --reason TEXT")
    );
    // Reading is not changing.
    ok(dir, &["status", "a.toml"]);
    ok(dir, &["report", "a.toml", "-o", "r.md"]);

    // No reason, no reopening.
    fails(dir, &["reopen", "a.toml", "--by", "Claire Martin"], 2);
    assert!(
        fails(
            dir,
            &["reopen", "a.toml", "--by", "Claire Martin", "--reason", " "],
            2
        )
        .contains("say why")
    );
    ok(
        dir,
        &[
            "reopen",
            "a.toml",
            "--by",
            "Claire Martin",
            "--reason",
            "NC-1 action plan received",
            "--date",
            "2026-11-24",
        ],
    );
    ok(dir, &["action", "close", "a.toml", "A-1"]);
    // Only the lead auditor signs off an audit.
    let err = fails(
        dir,
        &[
            "finalize",
            "a.toml",
            "--by",
            "Hugo Petit",
            "--date",
            "2026-11-25",
        ],
        2,
    );
    assert!(
        err.contains("`Hugo Petit` (auditor) is not the lead auditor: only the lead auditor, Claire Martin, signs off an audit"),
        "{err}"
    );
    ok(
        dir,
        &[
            "finalize",
            "a.toml",
            "--by",
            "Claire Martin",
            "--date",
            "2026-11-25",
        ],
    );
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    assert_eq!(text.matches("[[assessment.history]]").count(), 3, "{text}");
    let md = ok(dir, &["report", "a.toml"]);
    for row in [
        "| 2026-11-20 | signed off (final) | Claire Martin |   |",
        "| 2026-11-24 | reopened (draft) | Claire Martin | NC-1 action plan received |",
        "| 2026-11-25 | signed off (final) | Claire Martin |   |",
        "| Issue date | 2026-11-25 |",
    ] {
        assert!(md.contains(row), "{row}");
    }
    // A history edited by hand is checked: in date order, not in the future, sign-offs and
    // reopenings in turn, a reason only for a reopening.
    for (from, to, why) in [
        ("2026-11-25", "2026-11-01", "before the entry above it"),
        ("2026-11-25", "2099-01-01", "is in the future"),
        (
            "status = \"draft\"\nby",
            "status = \"final\"\nby",
            "signed off, then reopened, in turn",
        ),
        (
            "status = \"final\"\nby = \"Claire Martin\"",
            "status = \"final\"\nby = \"Claire Martin\"\nreason = \"forged\"",
            "only a reopening has a reason",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        fs::write(dir.join("b.toml"), text.replacen(from, to, 1)).unwrap();
        let err = fails(dir, &["validate", "b.toml"], 2);
        assert!(err.contains(why), "{why}: {err}");
    }
}

#[test]
fn a_final_record_without_a_sign_off_is_refused_on_load() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let text = fs::read_to_string(AUDIT)
        .unwrap()
        .replace("status = \"draft\"", "status = \"final\"");
    fs::write(dir.join("a.toml"), text).unwrap();
    let err = fails(dir, &["status", "a.toml"], 2);
    assert!(
        err.contains("a.toml") && err.contains("assessment.status"),
        "{err}"
    );
    assert!(err.contains("vse-assess finalize"), "{err}");
}

/// `report --sign`: an OpenSSH signature beside the report that `ssh-keygen -Y verify`
/// accepts with an allowed-signers file, and rejects once the report is changed.
#[test]
fn a_signed_report_verifies_and_a_tampered_one_does_not() {
    if !tools(&["ssh-keygen"], "apt-get install openssh-client") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    example_in(dir);
    let keygen = |args: &[&str]| {
        let out = std::process::Command::new("ssh-keygen")
            .current_dir(dir)
            .args(args)
            .stdin(
                fs::File::open(dir.join("report.md"))
                    .unwrap_or_else(|_| fs::File::open("/dev/null").unwrap()),
            )
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned()
                + &String::from_utf8_lossy(&out.stdout),
        )
    };
    assert!(
        keygen(&[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "claire@auditors.example",
            "-f",
            "claire"
        ])
        .0
    );
    // --sign needs -o: a signature belongs to a file.
    fails(dir, &["report", "a.toml", "--sign", "claire"], 2);
    let said = ok(
        dir,
        &["report", "a.toml", "-o", "report.md", "--sign", "claire"],
    );
    // It says what it wrote, and how to check it.
    assert!(
        said.starts_with(
            "report.md: written, and signed in report.md.sig (check it: ssh-keygen -Y verify"
        ),
        "{said}"
    );
    let sig = fs::read_to_string(dir.join("report.md.sig")).unwrap();
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----"), "{sig}");
    let public = fs::read_to_string(dir.join("claire.pub")).unwrap();
    let key = public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    fs::write(
        dir.join("allowed_signers"),
        format!("claire@auditors.example {key}\n"),
    )
    .unwrap();
    let verify = [
        "-Y",
        "verify",
        "-f",
        "allowed_signers",
        "-I",
        "claire@auditors.example",
        "-n",
        "vse-assess",
        "-s",
        "report.md.sig",
    ];
    let (good, said) = keygen(&verify);
    assert!(good, "{said}");
    assert!(said.contains("Good \"vse-assess\" signature"), "{said}");

    let tampered = fs::read_to_string(dir.join("report.md"))
        .unwrap()
        .replacen("| L |", "| F |", 1);
    fs::write(dir.join("report.md"), tampered).unwrap();
    let (good, said) = keygen(&verify);
    assert!(!good, "a changed report must not verify: {said}");

    // A signature goes beside a file: not beside a device, not into a folder.
    fs::create_dir(dir.join("other.md.sig")).unwrap();
    let err = fails(
        dir,
        &["report", "a.toml", "-o", "other.md", "--sign", "claire"],
        2,
    );
    assert!(err.contains("other.md.sig: not a regular file"), "{err}");
    assert!(!dir.join("other.md").exists());
    fails(
        dir,
        &["report", "a.toml", "-o", "/dev/null", "--sign", "claire"],
        2,
    );

    // A key that cannot sign: nothing is written, the report stays as it was.
    let before = fs::read(dir.join("report.md")).unwrap();
    let err = fails(
        dir,
        &["report", "a.toml", "-o", "report.md", "--sign", "nokey"],
        1,
    );
    assert!(
        err.contains("ssh-keygen could not sign with nokey"),
        "{err}"
    );
    assert_eq!(fs::read(dir.join("report.md")).unwrap(), before);
}

/// Evidence inside the record's folder is kept relative to it; `verify` re-hashes it, from
/// any working folder and after the folder has moved, and names what changed or is gone.
#[test]
fn evidence_is_verified_where_the_record_is() {
    let tmp = TempDir::new().unwrap();
    let audit = tmp.path().join("audit");
    fs::create_dir_all(audit.join("docs")).unwrap();
    example_in(&audit);
    fs::write(audit.join("docs/plan.txt"), "Strategic plan 2026\n").unwrap();
    fs::write(tmp.path().join("outside.txt"), "elsewhere\n").unwrap();
    // Typed from the folder above: relative to the working folder.
    ok(
        tmp.path(),
        &[
            "evidence",
            "add",
            "audit/a.toml",
            "--id",
            "PLAN",
            "--title",
            "Plan",
            "--location",
            "audit/docs/plan.txt",
            "--supports",
            "7.2.a",
        ],
    );
    ok(
        tmp.path(),
        &[
            "evidence",
            "add",
            "audit/a.toml",
            "--id",
            "OUT",
            "--title",
            "Outside",
            "--location",
            "outside.txt",
        ],
    );
    let text = fs::read_to_string(audit.join("a.toml")).unwrap();
    assert!(text.contains("location = \"docs/plan.txt\""), "{text}");
    let outside = tmp.path().join("outside.txt");
    assert!(
        text.contains(&format!("location = \"{}\"", outside.display())),
        "{text}"
    );

    // Named without its folder, from inside it: the same.
    fs::write(audit.join("docs/minutes.txt"), "Minutes\n").unwrap();
    ok(
        &audit,
        &[
            "evidence",
            "add",
            "a.toml",
            "--id",
            "MIN",
            "--title",
            "Minutes",
            "--location",
            "docs/minutes.txt",
        ],
    );
    let text = fs::read_to_string(audit.join("a.toml")).unwrap();
    assert!(text.contains("location = \"docs/minutes.txt\""), "{text}");
    fs::remove_file(audit.join("docs/minutes.txt")).unwrap();
    // Where the command runs changes nothing: a file of the same name in the working
    // folder does not stand in for a missing one.
    fs::create_dir_all(tmp.path().join("docs")).unwrap();
    fs::write(tmp.path().join("docs/minutes.txt"), "Minutes\n").unwrap();
    let out = vse(tmp.path(), &["verify", "audit/a.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("MIN\tmissing"));
    ok(tmp.path(), &["evidence", "remove", "audit/a.toml", "MIN"]);

    let out = ok(&audit, &["verify", "a.toml"]);
    assert!(
        out.contains("PLAN\tunchanged")
            && out.contains("2 evidence file(s) checked, 0 changed or missing"),
        "{out}"
    );

    // Moved whole: still verifies, from anywhere.
    let moved = tmp.path().join("archive-2026");
    fs::rename(&audit, &moved).unwrap();
    let out = ok(
        Path::new("/"),
        &["verify", moved.join("a.toml").to_str().unwrap()],
    );
    assert!(out.contains("PLAN\tunchanged"), "{out}");

    // Changed and gone: listed, exit 1, and marked in the report.
    fs::write(
        moved.join("docs/plan.txt"),
        "Strategic plan 2026, revised\n",
    )
    .unwrap();
    fs::remove_file(&outside).unwrap();
    let out = vse(&moved, &["verify", "a.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("PLAN\tchanged since it was registered"),
        "{said}"
    );
    assert!(said.contains("OUT\tmissing"), "{said}");
    assert!(said.contains("2 changed or missing"), "{said}");
    let md = ok(&moved, &["report", "a.toml"]);
    assert!(
        md.contains("**Warning: evidence files differ from those registered:**"),
        "{md}"
    );
    assert!(md.contains("(changed since registered)") && md.contains("(missing)"));
    assert!(md.contains("` **changed since registered** |"), "{md}");
}

/// An audit is signed off only once every detail a certification body needs is stated: each
/// missing one is listed with the option that gives it, and once they are set it signs off,
/// by its lead auditor only (a trainee is refused).
#[test]
fn an_audit_signs_off_once_every_detail_is_stated() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    ok(
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
            "Claire Martin",
            "--assessor",
            "Tim Trainee:trainee",
            "--session",
            "2026-11-16",
            "--session",
            "2026-11-17:Remote (video)",
        ],
    );
    // Every requirement met, each facet checked, someone interviewed: only the details
    // stand in the way.
    let loaded =
        vse_assess::questionnaire::catalog::embedded(vse_assess::questionnaire::catalog::DEFAULT)
            .unwrap()
            .unwrap();
    for req in &loaded.questionnaire.requirements {
        let mut args = vec!["answer", "a.toml", req.id.as_str(), "--rating", "F"];
        for f in &req.facets {
            args.extend(["--facet", f.as_str()]);
        }
        args.extend(["--interviewed", "Sofia Reyes"]);
        ok(dir, &args);
    }
    for c in ["6.a", "6.b", "6.c"] {
        ok(dir, &["condition", "a.toml", c, "yes"]);
    }
    let err = fails(dir, &["finalize", "a.toml", "--by", "Claire Martin"], 2);
    let listed: Vec<&str> = err.lines().filter_map(|l| l.strip_prefix("  - ")).collect();
    assert_eq!(
        listed,
        [
            "no client named: `vse-assess set FILE --client NAME`",
            "no scope described: `vse-assess set FILE --scope TEXT`",
            "no site named: `vse-assess set FILE --site NAME`",
            "no objectives stated: `vse-assess set FILE --objectives TEXT`",
            "no criteria stated: `vse-assess set FILE --criteria TEXT`",
            "no audit stage stated: `vse-assess set FILE --stage stage-1|stage-2|surveillance|recertification|special`",
            "no certification body named: `vse-assess set FILE --certification-body NAME`",
            "no report reference: `vse-assess set FILE --report-ref REF`",
            "Claire Martin has no role in the team: `vse-assess set FILE --assessor NAME:ROLE`, repeated for every member (roles: lead auditor, auditor, technical expert, observer, trainee)",
            "no lead auditor in the team: `vse-assess set FILE --assessor \"NAME:lead auditor\"`, with the other members",
            "the session of 2026-11-16 has no location: `vse-assess set FILE --session DATE:LOCATION`, repeated for every session",
            "a session was remote and the remote method is not stated: `vse-assess set FILE --remote-method TEXT`",
            "no statement on diverging opinions (\"none\" when there were none): `vse-assess set FILE --diverging-opinions TEXT`",
            "not stated whether the objectives were met: `vse-assess set FILE --objectives-met yes|no`",
            "not stated whether the scope is appropriate: `vse-assess set FILE --scope-appropriate yes|no`",
            "no conclusions written: `vse-assess set FILE --conclusions TEXT`",
            "no distribution stated: `vse-assess set FILE --distribution TEXT`",
            "no confidentiality stated: `vse-assess set FILE --confidentiality TEXT`",
            "`Claire Martin` (no role) is not the lead auditor: only the lead auditor signs off an audit and the team names none: `vse-assess set FILE --assessor \"NAME:lead auditor\"`",
        ],
        "{err}"
    );
    common::complete_audit_details(dir, "a.toml");
    ok(
        dir,
        &[
            "set",
            "a.toml",
            "--assessor",
            "Claire Martin:lead auditor",
            "--assessor",
            "Tim Trainee:trainee",
            "--session",
            "2026-11-16:Lyon",
            "--session",
            "2026-11-17:Remote (video)",
        ],
    );
    let err = fails(dir, &["finalize", "a.toml", "--by", "Tim Trainee"], 2);
    assert_eq!(
        err.trim_end(),
        "vse-assess: a.toml: cannot sign off:\n  - `Tim Trainee` (trainee) is not the lead auditor: only the lead auditor, Claire Martin, signs off an audit",
    );
    ok(dir, &["finalize", "a.toml", "--by", "Claire Martin"]);
    let record = common::record(&dir.join("a.toml"));
    assert_eq!(
        record.assessment.stage,
        Some(vse_assess::record::Stage::Stage2)
    );
    assert_eq!(record.assessment.objectives_met, Some(true));
}

/// Team roles are a fixed vocabulary, by kind, on the command line and in the file; the
/// VSE's participants keep theirs in their own words.
#[test]
fn team_roles_are_refused_outside_the_vocabulary() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let err = fails(
        dir,
        &[
            "new",
            "a.toml",
            "--kind",
            "audit",
            "--assessor",
            "Tim:intern",
        ],
        2,
    );
    assert!(
        err.contains("`intern` is not a role in a third-party audit team: the roles are lead auditor, auditor, technical expert, observer, trainee"),
        "{err}"
    );
    assert!(!dir.join("a.toml").exists());
    ok(
        dir,
        &[
            "new",
            "s.toml",
            "--assessor",
            "Ann:Facilitator",
            "--participant",
            "Bob:head of delivery",
        ],
    );
    let err = fails(dir, &["set", "s.toml", "--assessor", "Ann:lead auditor"], 2);
    assert!(err.contains("the roles are facilitator, assessor"), "{err}");
    let text = fs::read_to_string(dir.join("s.toml")).unwrap();
    assert!(text.contains("role = \"facilitator\""), "{text}");
    fs::write(
        dir.join("b.toml"),
        text.replace("role = \"facilitator\"", "role = \"boss\""),
    )
    .unwrap();
    let err = fails(dir, &["validate", "b.toml"], 2);
    assert!(
        err.contains(
            "`boss` is not a role in a self-assessment team: the roles are facilitator, assessor"
        ),
        "{err}"
    );
}

/// Evidence whose location should be a file here and is not one: a warning when it is
/// entered (it is kept), and `verify` lists it as missing (exit 1). Interviews,
/// observations, URLs and items marked as not a file are not looked for.
#[test]
fn evidence_at_a_location_that_is_no_file_is_warned_about_and_verified_missing() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    ok(dir, &["new", "a.toml", "--vse", "Acme"]);
    let add = |args: &[&str]| {
        let mut all = vec!["evidence", "add", "a.toml"];
        all.extend_from_slice(args);
        let out = vse(dir, &all);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let warned = add(&[
        "--id",
        "PLAN",
        "--title",
        "Plan",
        "--location",
        "docs/plan.pdf",
    ]);
    assert!(
        warned.contains("warning: PLAN: `docs/plan.pdf` is not a readable file (no file there)")
            && warned.contains("`verify` lists it as missing")
            && warned.contains("--not-a-file"),
        "{warned}"
    );
    fs::create_dir(dir.join("docs")).unwrap();
    let folder = add(&["--id", "DIR", "--title", "Folder", "--location", "docs"]);
    assert!(folder.contains("not hashed: it is a folder"), "{folder}");
    for args in [
        &[
            "--id",
            "INT",
            "--title",
            "Talk",
            "--kind",
            "interview",
            "--location",
            "Lyon office",
        ][..],
        &[
            "--id",
            "OBS",
            "--title",
            "Board",
            "--kind",
            "observation",
            "--location",
            "wall",
        ],
        &[
            "--id",
            "WIKI",
            "--title",
            "Wiki",
            "--location",
            "https://wiki.example/x",
        ],
        &[
            "--id",
            "BIND",
            "--title",
            "Binder",
            "--location",
            "Binder 3, shelf 2",
            "--not-a-file",
        ],
    ] {
        let said = add(args);
        assert!(!said.contains("warning"), "{args:?}: {said}");
    }
    let text = fs::read_to_string(dir.join("a.toml")).unwrap();
    assert_eq!(text.matches("file = false").count(), 1, "{text}");

    let out = vse(dir, &["verify", "a.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("PLAN\tmissing: not a readable file (no file there)")
            && said.contains("DIR\tmissing: not a readable file (it is a folder)"),
        "{said}"
    );
    assert!(
        said.contains("a.toml: 2 evidence file(s) checked, 2 changed or missing"),
        "{said}"
    );
    for not_files in ["INT", "OBS", "WIKI", "BIND"] {
        assert!(!said.contains(not_files), "{said}");
    }

    // The file appears, the folder's item goes: nothing is missing.
    fs::write(dir.join("docs/plan.pdf"), "plan").unwrap();
    ok(dir, &["evidence", "remove", "a.toml", "DIR"]);
    let out = ok(dir, &["verify", "a.toml"]);
    assert!(
        out.contains("PLAN\tthere (registered without a SHA-256)")
            && out.contains("1 evidence file(s) checked, 0 changed or missing"),
        "{out}"
    );
}
