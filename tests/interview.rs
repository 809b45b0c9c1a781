//! The interview without a terminal: a whole interview driven through `App::update`, keys
//! through the keymap, and snapshots of every screen at 80x24.

use crate::common;

// The tests' audit (tests/fixtures/audit.toml), under the name these tests give it.
use common::AUDIT as EXAMPLE;

use std::fs;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{Input, Key};
use tempfile::TempDir;
use vse_assess::rating::{Judgement, Rating};
use vse_assess::record::access::Access;
use vse_assess::record::store;
use vse_assess::record::{ActionStatus, FindingClass};
use vse_assess::tui::action::Action;
use vse_assess::tui::app::{App, FollowRow, Kept, Overlay, Report, Screen};
use vse_assess::tui::keymap;

fn fresh(dir: &Path) -> PathBuf {
    let path = dir.join("a.toml");
    vse_assess::tui::open_or_create(&path, &Access::Unrestricted, common::today()).unwrap();
    path
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(Input {
            key: Key::Char(c),
            ..Input::default()
        }));
    }
}

/// Presses keys through the keymap, as the event loop does.
fn press(app: &mut App, keys: &[KeyCode]) {
    for k in keys {
        key(app, KeyEvent::new(*k, KeyModifiers::NONE));
    }
}

fn key(app: &mut App, key: KeyEvent) {
    if let Some(a) = keymap::action(app.mode(), key) {
        app.update(a);
    }
}

/// What the event loop tells the app when the file changed on disk and our answers went to
/// `mine`.
fn changed_on_disk(app: &mut App, theirs: &Path, mine: PathBuf) {
    app.report(Report::ChangedOnDisk);
    app.report(Report::MineKept {
        edit: app.edits,
        theirs: theirs.to_owned(),
        mine: Ok(Kept {
            path: mine,
            sha256: String::new(),
            stamp: None,
        }),
        gone: false,
        again: false,
    });
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

#[test]
fn a_whole_interview_through_update() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    // A new record starts on the setup form.
    assert_eq!(app.screen, Screen::Setup);
    app.update(Action::Open); // VSE name
    typed(&mut app, "Acme Soft");
    app.update(Action::Confirm);
    app.update(Action::Down);
    app.update(Action::Toggle); // kind: self -> audit
    // Stage, certification body, report reference, client, objectives, criteria, scope,
    // processes, sites, team.
    for _ in 0..11 {
        app.update(Action::Down);
    }
    app.update(Action::Open); // participants
    typed(&mut app, "Bob Boss: director; Cy Dev");
    app.update(Action::Confirm);
    app.update(Action::Down);
    app.update(Action::Open); // sessions, with a bad date first
    typed(&mut app, "2026-13-01 Lyon");
    app.update(Action::Confirm);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref().is_some_and(|m| m.contains("not a date")))
    );
    app.update(Action::Back);
    for _ in 0..3 {
        app.update(Action::Down);
        app.update(Action::Yes);
    }
    app.update(Action::StartInterview);
    assert_eq!(app.screen, Screen::Question);
    assert_eq!(app.requirement().id, "7.2.a");

    // 7.2.a: facets, the suggested rating, a finding, an action, who was interviewed, notes.
    app.update(Action::ToggleFacet(0));
    app.update(Action::ToggleFacet(2));
    app.update(Action::AcceptSuggestion); // 2 of 3 facets: 67 % -> L
    app.update(Action::AddFinding);
    typed(&mut app, "Values never revisited"); // the form opens on the text
    for _ in 0..3 {
        app.update(Action::PrevField); // see, also under, class
    }
    app.update(Action::Input(Input {
        key: Key::Right,
        ..Input::default()
    })); // minor -> observation
    for _ in 0..3 {
        app.update(Action::NextField);
    }
    app.update(Action::Confirm);
    app.update(Action::AddAction);
    typed(&mut app, "Review the values");
    app.update(Action::Confirm);
    typed(&mut app, "Bob Boss");
    app.update(Action::Confirm);
    typed(&mut app, "2027-01-31");
    app.update(Action::Confirm);
    app.update(Action::AddInterviewee);
    typed(&mut app, "Bob Boss");
    app.update(Action::Confirm);
    app.update(Action::Paste(
        "Pasted line one\r\nline two\r\n\r\n| pipes | and <html>".into(),
    ));
    assert!(app.dirty, "notes apply as they are typed");
    app.update(Action::Back);
    // Evidence: register one, link it.
    app.update(Action::ShowEvidence);
    app.update(Action::AddEvidence);
    typed(&mut app, "HB");
    app.update(Action::Confirm);
    typed(&mut app, "Handbook");
    app.update(Action::Confirm);
    app.update(Action::Confirm); // kind: document
    app.update(Action::Confirm); // location
    app.update(Action::Confirm); // a file
    app.update(Action::Confirm); // version
    app.update(Action::Toggle); // link to 7.2.a
    app.update(Action::Back);
    assert_eq!(
        app.take_effects().len(),
        1,
        "the new item's file is to be hashed"
    );

    // 7.2.b: not applicable needs a justification.
    app.update(Action::Next);
    app.update(Action::NotApplicable);
    app.update(Action::Confirm);
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.error.is_some()));
    typed(&mut app, "No functional areas yet");
    app.update(Action::Confirm);
    // The rest, one key to rate and one to move on.
    for _ in 2..25 {
        app.update(Action::Next);
        app.update(Action::Rate(Rating::F));
    }
    // Close the action from its list.
    app.update(Action::First);
    app.update(Action::FocusNext); // findings
    app.update(Action::FocusNext); // actions
    app.update(Action::Toggle);
    // The summary leads to what blocks a claim (every requirement: 7.2.a rated L, 7.2.b N/A,
    // the rest rated F on no evidence), then to where ratings and findings disagree (the
    // same 25: L and N/A with no nonconformity, F with nothing behind it).
    app.update(Action::ShowSummary);
    let rows = app.summary_rows();
    assert_eq!(rows[..3], ["7.2.a", "7.2.b", "7.2.c"]);
    assert_eq!(rows[25..28], ["7.2.a", "7.2.b", "7.2.c"]);
    assert_eq!(rows.len(), 25 + 25);
    app.update(Action::Down);
    app.update(Action::Open);
    assert_eq!(app.requirement().id, "7.2.b");
    app.update(Action::Quit);
    assert!(app.quit);

    // What the loop would save is a valid record holding all of it.
    store::save(&mut app.opened).unwrap();
    let r = common::record(&path);
    assert_eq!(r.assessment.vse, "Acme Soft");
    assert_eq!(r.assessment.kind, vse_assess::record::Kind::Audit);
    assert_eq!(r.assessment.participants.len(), 2);
    assert!(
        r.assessment.sessions.is_empty(),
        "the bad date was not taken"
    );
    assert!(r.conditions.values().all(|c| c.met));
    let a = r.answer("7.2.a").unwrap();
    assert_eq!(a.rating, Some(Judgement::L));
    assert_eq!(a.facets, ["defined", "maintained"]);
    let f = r.findings_for("7.2.a").next().unwrap();
    assert_eq!(
        (f.id.as_str(), f.class),
        ("OBS-1", FindingClass::Observation)
    );
    assert_eq!(f.actions[0].owner, "Bob Boss");
    assert_eq!(f.actions[0].due.as_deref(), Some("2027-01-31"));
    assert_eq!(f.actions[0].status, ActionStatus::Closed);
    assert_eq!(a.interviewed, ["Bob Boss"]);
    assert_eq!(a.notes, "Pasted line one\nline two\n\n| pipes | and <html>");
    assert_eq!(r.evidence_for("7.2.a").count(), 1);
    let b = r.answer("7.2.b").unwrap();
    assert_eq!(
        (b.rating, b.justification.as_str()),
        (Some(Judgement::NA), "No functional areas yet")
    );
    assert!(r.requirements.values().all(|a| a.rating.is_some()));
}

#[test]
fn rating_all_25_takes_49_keystrokes() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    // As a user would: rate what is on screen, then Enter, until nothing is left to rate.
    let unrated = |app: &App| {
        25 - app
            .opened
            .record
            .requirements
            .values()
            .filter(|a| a.rating.is_some())
            .count()
    };
    let mut pressed = 0;
    let mut i = 0;
    while unrated(&app) > 0 && pressed < 200 {
        press(&mut app, &[KeyCode::Char(['f', 'l', 'p', 'n'][i % 4])]);
        pressed += 1;
        i += 1;
        if unrated(&app) > 0 {
            press(&mut app, &[KeyCode::Enter]);
            pressed += 1;
        }
    }
    assert_eq!(unrated(&app), 0);
    assert_eq!(pressed, 49);
    assert_eq!(
        app.opened.record.answer("7.2.b").unwrap().rating,
        Some(Judgement::L)
    );
}

/// A form never accepts a value that would make the record fail its check (and so every
/// later save): here a team member without a name.
#[test]
fn forms_refuse_what_the_record_check_refuses() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    let team = app
        .setup_rows()
        .iter()
        .position(|r| *r == vse_assess::tui::app::SetupRow::Team)
        .unwrap();
    for _ in 0..team {
        app.update(Action::Down);
    }
    app.update(Action::Open);
    typed(&mut app, ": lead auditor");
    app.update(Action::Confirm);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref() == Some("assessment.team[0].name: must not be empty")),
        "{:?}",
        app.overlay
    );
    assert!(app.opened.record.assessment.team.is_empty());
    app.update(Action::Back);
    app.update(Action::StartInterview);
    app.update(Action::Rate(Rating::F));
    store::save(&mut app.opened).expect("saves still work");
}

/// Ctrl+C inside a form asks; no keeps the form as it was; yes quits with it kept as a draft
/// that the next interview offers back.
#[test]
fn ctrl_c_in_a_form_asks_and_keeps_the_draft() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('m')]);
    typed(&mut app, "No plan");
    press(&mut app, &[KeyCode::Enter]);
    press(&mut app, &[KeyCode::Char('a')]);
    typed(&mut app, "Review the plan");
    key(&mut app, ctrl('c'));
    assert!(!app.quit);
    assert!(
        matches!(&app.overlay, Overlay::Confirm { question, .. } if question.contains("action you are writing is kept"))
    );
    press(&mut app, &[KeyCode::Char('n')]);
    typed(&mut app, " yearly");
    key(&mut app, ctrl('c'));
    press(&mut app, &[KeyCode::Char('y')]);
    assert!(app.quit);
    let draft = app.draft().expect("a draft");
    assert_eq!(draft.values[..2], ["NC-1", "Review the plan yearly"]);
    // What the event loop does on the way out: save, keep the draft.
    store::save(&mut app.opened).unwrap();

    let mut next = App::new(common::opened(&path));
    next.restore_draft(&draft);
    assert!(matches!(&next.overlay, Overlay::Editor(e) if e.value(1) == "Review the plan yearly"));
    press(&mut next, &[KeyCode::Enter, KeyCode::Enter, KeyCode::Enter]);
    let f = next.opened.record.finding("NC-1").unwrap();
    assert_eq!(f.actions[0].what, "Review the plan yearly");

    // Nothing open: Ctrl+C quits at once.
    let mut app = App::new(common::opened(&path));
    key(&mut app, ctrl('c'));
    assert!(app.quit);
}

/// Notes hold tabs (pasted spreadsheet columns) and CR line ends (a Windows file); opening
/// the editor and typing keeps them as they were.
#[test]
fn editing_notes_keeps_tabs_and_carriage_returns() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut opened = common::opened(&path);
    opened
        .record
        .requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .notes = "Plan\tOwner\r\nRisk\tAnn".into();
    let mut app = App::new(opened);
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('t')]);
    typed(&mut app, "!");
    app.update(Action::Paste("a\tb".into()));
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(
        app.opened.record.answer("7.2.a").unwrap().notes,
        "Plan\tOwner\r\nRisk\tAnn!a\tb"
    );
    // On screen the CR is a visible symbol.
    press(&mut app, &[KeyCode::Char('t')]);
    assert!(screen(&app, 80, 24).contains("Owner\u{240d}"));
}

/// Every character of a note comes back from the editor as it was, the private-use ones
/// the editor could mistake for its own too (U+10001B is not ESC, U+10202E not RLO); only the
/// screen shows control characters neutralised.
#[test]
fn editing_notes_keeps_every_character() {
    let notes = "tab\there\r\nesc \u{1b}[1m rlo \u{202e} del \u{7f} nel \u{85} \
                 pua \u{10001b} \u{10202e} \u{10000d} \u{100000} \u{f0000} \u{10fffd} end";
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut opened = common::opened(&path);
    opened
        .record
        .requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .notes = notes.into();
    let mut app = App::new(opened);
    app.update(Action::StartInterview);
    // Opened and closed; a key typed and taken back; a key typed and kept.
    press(&mut app, &[KeyCode::Char('t'), KeyCode::Esc]);
    assert_eq!(app.opened.record.answer("7.2.a").unwrap().notes, notes);
    press(&mut app, &[KeyCode::Char('t')]);
    typed(&mut app, "!");
    press(&mut app, &[KeyCode::Backspace]);
    assert_eq!(app.opened.record.answer("7.2.a").unwrap().notes, notes);
    typed(&mut app, "!");
    let shown = screen(&app, 80, 24);
    assert_eq!(
        app.opened.record.answer("7.2.a").unwrap().notes,
        format!("{notes}!")
    );
    press(&mut app, &[KeyCode::Esc]);
    // On screen the controls are visible symbols, and nothing raw.
    assert!(shown.contains("esc \u{241b}[1m"), "{shown}");
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{202e}'),
        "{shown}"
    );
}

/// The top line always names the file the answers go to: the record, then after a conflict
/// the copy that holds ours.
#[test]
fn the_title_bar_names_the_file_the_answers_go_to() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    let top = |app: &App| screen(app, 80, 24).lines().next().unwrap().to_owned();
    assert!(top(&app).ends_with("a.toml · no changes"), "{}", top(&app));
    app.update(Action::Rate(Rating::F));
    app.message = Some("a long message that would push the name away if it could".into());
    assert!(top(&app).contains("a.toml · saving…"), "{}", top(&app));
    changed_on_disk(&mut app, &path, tmp.path().join("a.mine.toml"));
    press(&mut app, &[KeyCode::Enter]);
    assert!(top(&app).contains("a.mine.toml · "), "{}", top(&app));
}

/// The file changed on disk: no single key in the dialog does anything, going back to
/// their version takes typing `reload`.
#[test]
fn the_changed_file_dialog_takes_no_stray_key() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    changed_on_disk(&mut app, &path, tmp.path().join("a.mine.toml"));
    for k in "rkqynq".chars() {
        press(&mut app, &[KeyCode::Char(k)]);
    }
    assert!(!app.quit);
    assert!(app.take_effects().is_empty());
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        matches!(app.overlay, Overlay::Conflict { .. }),
        "wrong word: still asking"
    );
    press(&mut app, &[KeyCode::Esc]);
    for k in "reload".chars() {
        press(&mut app, &[KeyCode::Char(k)]);
    }
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.take_effects(),
        [vse_assess::tui::app::Effect::Reload { path }]
    );
}

#[test]
fn a_changed_questionnaire_is_said_on_screen() {
    let mut app = example_app();
    assert!(!screen(&app, 80, 24).contains("QUESTIONNAIRE CHANGED"));
    app.opened.questionnaire_changed = true;
    assert!(
        screen(&app, 80, 24)
            .lines()
            .next()
            .unwrap()
            .contains("QUESTIONNAIRE CHANGED")
    );
}

#[test]
fn typing_notes_never_triggers_a_shortcut() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('t')]);
    let text = "q quits? f n p l x s v ? 1 2 3 = j o";
    press(
        &mut app,
        &text.chars().map(KeyCode::Char).collect::<Vec<_>>(),
    );
    press(&mut app, &[KeyCode::Enter, KeyCode::Char('q')]);
    assert!(!app.quit);
    assert_eq!(app.screen, Screen::Question);
    press(&mut app, &[KeyCode::Esc]);
    let a = app.opened.record.answer("7.2.a").unwrap();
    assert_eq!(a.notes, format!("{text}\nq"));
    assert_eq!(a.rating, None);
}

/// `k` opens the working notes: typed there, they go to `working_notes`, never to the
/// notes, and the question screen shows them in a box of their own, marked as never in the
/// report.
#[test]
fn k_edits_the_working_notes_apart_from_the_notes() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('k')]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.title.contains("Working notes (never in the report)")),
        "the working notes editor says where they never go"
    );
    let text = "WORKNOTE-7f3a Bob off sick";
    press(
        &mut app,
        &text.chars().map(KeyCode::Char).collect::<Vec<_>>(),
    );
    assert!(screen(&app, 80, 30).contains("Working notes, never in the report"));
    press(&mut app, &[KeyCode::Esc]);
    let a = app.opened.record.answer("7.2.a").unwrap();
    assert_eq!(a.working_notes, text);
    assert_eq!(a.notes, "");
    let shown = screen(&app, 80, 30);
    assert!(
        shown.contains("Working notes, never in the report (k to edit)")
            && shown.contains("WORKNOTE-7f3a"),
        "{shown}"
    );
}

/// A line feed (Ctrl+J: what a paste without bracketed paste, or a client that ends lines
/// with LF, sends) starts a new line in the notes: it never deletes what was typed.
#[test]
fn a_line_feed_in_the_notes_is_a_new_line() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('t')]);
    let line = |app: &mut App, text: &str| {
        press(app, &text.chars().map(KeyCode::Char).collect::<Vec<_>>());
    };
    line(&mut app, "first line");
    key(&mut app, ctrl('j'));
    line(&mut app, "second");
    press(&mut app, &[KeyCode::Esc]);
    let a = app.opened.record.answer("7.2.a").unwrap();
    assert_eq!(a.notes, "first line\nsecond");
}

/// In the help and the guidance, q closes what is read (it quits elsewhere), and the footer
/// says so; on the details, End reaches the Status row and Home the first.
#[test]
fn q_closes_the_help_and_end_reaches_the_status_row() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    app.update(Action::ShowGuidance);
    app.update(Action::Help);
    let footer = keymap::footer(app.mode());
    assert!(
        footer.iter().any(|(k, w, _)| k == "q" && *w == "close"),
        "{footer:?}"
    );
    assert!(!footer.iter().any(|(_, w, _)| *w == "quit"), "{footer:?}");
    press(&mut app, &[KeyCode::Char('q')]);
    assert_eq!(app.screen, Screen::Guidance);
    press(&mut app, &[KeyCode::Char('q')]);
    assert_eq!(app.screen, Screen::Question);
    assert!(!app.quit, "q on a screen read does not quit");

    app.update(Action::ShowSetup);
    press(&mut app, &[KeyCode::End]);
    let rows = app.setup_rows();
    assert_eq!(app.setup_row, rows.len() - 1);
    assert!(matches!(
        rows[app.setup_row],
        vse_assess::tui::app::SetupRow::Status
    ));
    press(&mut app, &[KeyCode::Home]);
    assert_eq!(app.setup_row, 0);
}

#[test]
fn only_open_skips_rated_requirements_and_esc_goes_back() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    app.update(Action::Next);
    app.update(Action::Rate(Rating::F)); // 7.2.b
    app.update(Action::First);
    app.update(Action::ToggleOnlyOpen);
    app.update(Action::Next);
    assert_eq!(app.requirement().id, "7.2.c");
    app.update(Action::ShowGuidance);
    app.update(Action::Help);
    app.update(Action::Back);
    assert_eq!(app.screen, Screen::Guidance);
    app.update(Action::Back);
    assert_eq!(app.screen, Screen::Question);
    app.update(Action::JumpTo);
    typed(&mut app, "PPM.e");
    app.update(Action::Confirm);
    assert_eq!(app.requirement().id, "7.5.e");
}

#[test]
fn removing_linked_evidence_asks_first() {
    let mut app = App::new(common::opened(Path::new(EXAMPLE)));
    app.update(Action::ShowEvidence);
    app.update(Action::Delete);
    assert!(
        matches!(&app.overlay, Overlay::Confirm { question, .. } if question.contains("HB is linked to 7.2.a, 7.2.b, 7.3.f, 7.4.c"))
    );
    app.update(Action::No);
    assert_eq!(app.opened.record.evidence.len(), 13);
    app.update(Action::Delete);
    app.update(Action::Yes);
    assert_eq!(app.opened.record.evidence.len(), 12);
    assert!(app.dirty);
}

/// The evidence shown with a requirement is indexed once per change to the register, not
/// worked out per frame: it must follow every link, unlink and removal, and a refused change.
#[test]
fn the_evidence_shown_follows_every_change_to_the_register() {
    let mut app = example_app();
    let at = |app: &App| app.linked_evidence();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.a");
    app.update(Action::Confirm);
    assert!(at(&app).contains(&"HB".to_string()), "{:?}", at(&app));
    // Link and unlink from the picker an item the requirement does not have yet.
    let shown = at(&app);
    let (row, last_id) = app
        .opened
        .record
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.id.clone()))
        .find(|(_, id)| !shown.contains(id))
        .expect("an item not linked to 7.2.a");
    app.update(Action::PickEvidence);
    for _ in 0..row {
        app.update(Action::Down);
    }
    app.update(Action::Toggle);
    assert!(at(&app).contains(&last_id));
    app.update(Action::Toggle);
    assert!(!at(&app).contains(&last_id));
    app.update(Action::Back);
    // Removed from the register: gone from the requirement too.
    app.update(Action::ShowEvidence);
    app.update(Action::Delete);
    app.update(Action::Yes);
    app.update(Action::Back);
    assert_eq!(app.requirement().id, "7.2.a");
    assert!(!at(&app).contains(&"HB".to_string()), "{:?}", at(&app));
    // Read-only, a link is refused and the requirement shows what it had.
    let shown = at(&app);
    app.read_only = true;
    app.update(Action::PickEvidence);
    app.update(Action::Toggle);
    assert_eq!(at(&app), shown);
    assert_eq!(
        app.message.as_deref(),
        Some("read-only: nothing can be changed here")
    );
}

/// The summary is worked out once per change, not per key: it must follow every change.
#[test]
fn the_summary_follows_every_change() {
    let mut app = example_app();
    let before = app.summary();
    app.update(Action::ShowSummary);
    app.update(Action::Down);
    assert_eq!(app.summary(), before, "moving changes nothing");
    app.update(Action::Open);
    let id = app.requirement().id.clone();
    let rating = app.rating_of(&id).and_then(|j| j.rating()).expect("rated");
    app.update(Action::ClearRating);
    let after = app.summary();
    assert_eq!(after.assessed, before.assessed - 1);
    assert!(
        after
            .rows
            .iter()
            .any(|(r, why)| *r == id && why.contains("not yet assessed"))
    );
    // Put back, it reads as before.
    app.update(Action::Rate(rating));
    assert_eq!(app.summary().assessed, before.assessed);
}

/// A signed-off record tidied before a save (the empty answers dropped, at Ctrl+Z, say)
/// stays as tidied: moving on and Ctrl+S change nothing of it, and say nothing.
#[test]
fn a_signed_off_record_tidied_before_a_save_stays_as_it_is() {
    let tmp = TempDir::new().unwrap();
    let path = common::signed_off_example(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.opened
        .record
        .requirements
        .insert("7.2.a".into(), Default::default());
    app.update(Action::Down);
    app.tidy();
    assert!(app.opened.record.answer("7.2.a").is_none());
    let tidied = app.opened.record.clone();
    app.update(Action::Next);
    app.update(Action::Save);
    assert_eq!(app.opened.record, tidied);
    assert_eq!(app.message, None);
}

/// A long register is drawn from the rows around the selected item only: those on screen
/// are all there, whichever item is selected.
#[test]
fn a_long_register_shows_the_rows_around_the_selected_item() {
    let mut app = example_app();
    let item = app.opened.record.evidence[0].clone();
    for n in 0..500 {
        let mut e = item.clone();
        e.id = format!("X{n}");
        app.opened.record.evidence.push(e);
    }
    app.update(Action::ShowEvidence);
    let rows = app.opened.record.evidence.len();
    for (at, down) in [(0, 0), (300, 300), (rows - 1, rows)] {
        app.evidence_row = 0;
        for _ in 0..down {
            app.update(Action::Down);
        }
        assert_eq!(app.evidence_row, at);
        let shown = screen(&app, 80, 24);
        let id = app.opened.record.evidence[at].id.clone();
        assert!(
            shown.contains(&format!("] {id} ")),
            "{id} not on screen:\n{shown}"
        );
        // Between the column headings and the selected row, every line is an item.
        let lines: Vec<&str> = shown.lines().collect();
        // (The headings scroll away with the rows above; line 0 is the title bar.)
        let heading = lines
            .iter()
            .position(|l| l.contains("Supports"))
            .unwrap_or(0);
        let selected = lines
            .iter()
            .position(|l| l.contains(&format!("] {id} ")))
            .unwrap();
        for l in &lines[heading + 1..selected] {
            assert!(l.contains("] "), "a row left empty:\n{shown}");
        }
    }
    // The picker on the question screen, likewise.
    app.update(Action::Back);
    app.update(Action::PickEvidence);
    for _ in 0..300 {
        app.update(Action::Down);
    }
    let shown = screen(&app, 80, 24);
    // The example's own items come first: the 300th row down is X(300 - their number).
    let last = 300
        - app
            .opened
            .record
            .evidence
            .iter()
            .filter(|e| !e.id.starts_with('X'))
            .count();
    for n in last - 9..=last {
        assert!(
            shown.contains(&format!("] X{n} · ")),
            "X{n} not on screen:\n{shown}"
        );
    }
}

// ---- Snapshots at 80x24 ----------------------------------------------------------------

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(app, f.area())).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn example_app() -> App {
    // A copy, so that the example's path (which shows nowhere) does not matter.
    let text = fs::read_to_string(EXAMPLE).unwrap();
    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("example.toml");
    fs::write(&path, text).unwrap();
    let opened = common::opened(&path);
    App::new(opened)
}

#[test]
fn snapshot_new_record_form() {
    let tmp = TempDir::new().unwrap();
    let app = App::new(common::opened(&fresh(tmp.path())));
    insta::assert_snapshot!(screen(&app, 80, 24));
}

/// An audit's details: its stage, certification body and report reference near the top.
#[test]
fn snapshot_audit_details() {
    let mut app = example_app();
    app.update(Action::ShowSetup);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

/// The team's form says which roles there are.
#[test]
fn snapshot_audit_team_form() {
    let mut app = example_app();
    app.update(Action::ShowSetup);
    app.setup_row = app
        .setup_rows()
        .iter()
        .position(|r| *r == vse_assess::tui::app::SetupRow::Team)
        .unwrap();
    app.update(Action::Open);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_question_filled_in() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.g");
    app.update(Action::Confirm);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_notes_editor_and_finding_form() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.c");
    app.update(Action::Confirm);
    app.update(Action::EditNotes);
    typed(&mut app, " More.");
    insta::assert_snapshot!("notes_editor", screen(&app, 80, 24));
    app.update(Action::Back);
    app.update(Action::AddFinding);
    typed(&mut app, "Budget has no actuals");
    insta::assert_snapshot!("finding_form", screen(&app, 80, 24));
}

#[test]
fn snapshot_guidance() {
    let mut app = example_app();
    app.update(Action::ShowGuidance);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_evidence_register() {
    let mut app = example_app();
    app.update(Action::ShowEvidence);
    app.update(Action::Down);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_summary() {
    let mut app = example_app();
    app.update(Action::ShowSummary);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_help() {
    let mut app = example_app();
    app.update(Action::Help);
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_too_small() {
    let app = example_app();
    insta::assert_snapshot!(screen(&app, 40, 10));
}

#[test]
fn every_size_from_20_to_300_columns_draws_without_panic() {
    let mut app = example_app();
    // Hostile and wide text everywhere it can appear.
    let nasty = "中文 👩‍💻 e\u{301} \u{1b}]52;c;eA==\u{7} \u{202e}rtl | <b> ".repeat(20);
    app.opened.record.assessment.vse = nasty.clone();
    for a in app.opened.record.requirements.values_mut() {
        a.notes = nasty.clone();
        a.interviewed.push(nasty.clone());
    }
    for (screen_action, w, h) in [
        (None, 0, 0),
        (Some(Action::ShowEvidence), 0, 0),
        (Some(Action::ShowSummary), 0, 0),
        (Some(Action::ShowGuidance), 0, 0),
        (Some(Action::ShowSetup), 0, 0),
    ] {
        let _ = (w, h);
        if let Some(a) = screen_action {
            app.update(a);
        }
        for w in (20..=300).step_by(7) {
            for h in [10, 18, 24, 50] {
                let s = screen(&app, w, h);
                assert!(
                    !s.contains('\u{1b}') && !s.contains('\u{202e}'),
                    "raw control text at {w}x{h}"
                );
            }
        }
        app.update(Action::Back);
    }
}

#[test]
fn read_only_refuses_every_change_including_a_paste() {
    let mut app = example_app();
    app.read_only = true;
    let before = app.opened.record.clone();
    for a in [
        Action::Rate(Rating::N),
        Action::ToggleFacet(0),
        Action::Paste("pasted".into()),
        Action::EditNotes,
        Action::ShowEvidence,
        Action::Delete,
        Action::Yes,
        Action::Back,
        Action::ShowSetup,
        Action::Toggle,
    ] {
        app.update(a);
        assert_eq!(app.opened.record, before);
        assert!(!app.dirty);
    }
    assert!(matches!(app.overlay, Overlay::None));
}

/// Enter on a finding opens it to read in full and edit; Enter on an action likewise.
#[test]
fn a_finding_and_an_action_are_edited_from_their_lists() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.g");
    app.update(Action::Confirm);
    press(&mut app, &[KeyCode::Tab]); // the findings list
    press(&mut app, &[KeyCode::Enter]);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("no form: {:?}", app.overlay)
    };
    assert_eq!(e.title, "NC-2 · 7.2.g");
    assert!(
        e.value(3)
            .starts_with("The risk management plan has not been reviewed")
    );
    // Fix a typo at the end of the text, then walk to the end of the form.
    typed(&mut app, " (checked twice)");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter, KeyCode::Enter]);
    typed(&mut app, ", E1");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref().is_some_and(|m| m.contains("no evidence `E1`"))),
        "{:?}",
        app.overlay
    );
    for _ in 0..4 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let f = app.opened.record.finding("NC-2").unwrap();
    assert!(
        f.text.ends_with("are not monitored. (checked twice)"),
        "{}",
        f.text
    );
    assert_eq!(f.evidence, ["RR"]);

    press(&mut app, &[KeyCode::Tab]); // the actions list
    press(&mut app, &[KeyCode::Down, KeyCode::Enter]);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("no form: {:?}", app.overlay)
    };
    assert_eq!(e.title, "A-3 of NC-2");
    press(&mut app, &[KeyCode::Enter]);
    for _ in 0..11 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    typed(&mut app, "Hugo Petit");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    let (_, a) = app.opened.record.action("A-3").unwrap();
    assert_eq!(a.owner, "Hugo Petit");
    assert!(app.dirty);
}

/// The finding form takes the other requirements a finding is raised under and the findings
/// it points at, after its class; the form still opens on the text, and a bad id is refused
/// in the form with nothing changed.
#[test]
fn the_finding_form_takes_also_under_and_see() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('m')]);
    typed(&mut app, "First");
    app.update(Action::Confirm);
    press(&mut app, &[KeyCode::Char('m')]);
    typed(&mut app, "Same cause");
    app.update(Action::PrevField); // see
    typed(&mut app, "NC-7");
    app.update(Action::PrevField); // also under
    typed(&mut app, "7.5e, 7.3.b");
    for _ in 0..2 {
        app.update(Action::NextField);
    }
    app.update(Action::Confirm);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref().is_some_and(|m| m.contains("NC-7"))),
        "{:?}",
        app.overlay
    );
    assert_eq!(app.opened.record.findings.len(), 1);
    app.update(Action::PrevField);
    for _ in 0..4 {
        app.update(Action::Input(Input {
            key: Key::Backspace,
            ..Input::default()
        }));
    }
    typed(&mut app, "nc-1");
    app.update(Action::NextField);
    app.update(Action::Confirm);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let f = app.opened.record.finding("NC-2").unwrap();
    assert_eq!(f.also, ["7.5.e", "7.3.b"]);
    assert_eq!(f.see, ["NC-1"]);
    // The edit form shows them, and replaces them with what is there when confirmed.
    app.update(Action::FocusNext);
    app.update(Action::Down);
    app.update(Action::Open);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(e.title, "NC-2 · 7.2.a");
    assert_eq!(
        (e.value(1).as_str(), e.value(2).as_str()),
        ("7.5.e, 7.3.b", "NC-1")
    );
    app.update(Action::PrevField);
    app.update(Action::PrevField); // also under
    for _ in 0.."7.5.e, ".len() {
        app.update(Action::Input(Input {
            key: Key::Home,
            ..Input::default()
        }));
        app.update(Action::Input(Input {
            key: Key::Delete,
            ..Input::default()
        }));
    }
    for _ in 0..6 {
        app.update(Action::Confirm); // on to the last field, then confirm
    }
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    assert_eq!(app.opened.record.finding("NC-2").unwrap().also, ["7.3.b"]);
    // Raised under 7.3.b, it is on 7.3.b's list too.
    assert_eq!(
        app.opened
            .record
            .findings_for("7.3.b")
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        ["NC-2"]
    );
    app.update(Action::JumpTo);
    typed(&mut app, "7.3.b");
    app.update(Action::Confirm);
    let shown = screen(&app, 120, 30);
    assert!(
        shown.contains("NC-2 minor nonconformity, open (also 7.2.a): Same cause"),
        "{shown}"
    );
}

/// Going back to their version of a changed file keeps a form being filled in: it goes into
/// the record now on screen.
#[test]
fn reloading_their_version_keeps_the_form_being_written() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('m')]);
    typed(&mut app, "Precious finding text");
    changed_on_disk(&mut app, &path, tmp.path().join("a.mine.toml"));
    typed(&mut app, "reload");
    app.update(Action::Confirm);
    assert_eq!(
        app.take_effects(),
        [vse_assess::tui::app::Effect::Reload { path: path.clone() }]
    );
    // What the event loop does with the effect.
    app.report(Report::Opened {
        opened: Box::new(common::opened(&path)),
        message: Some("opened".into()),
    });
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.value(3) == "Precious finding text"),
        "{:?}",
        app.overlay
    );
}

/// Going back to their version while the notes editor is open: the editor shows their
/// notes (ours are in the copy), and the next key adds to theirs rather than putting ours
/// back over them.
#[test]
fn reloading_their_version_puts_their_notes_in_the_editor() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('t')]);
    typed(&mut app, "my notes");
    // Someone else writes notes of their own.
    let mut theirs = common::opened(&path);
    theirs
        .record
        .requirements
        .entry(String::from("7.2.a"))
        .or_default()
        .notes = "their notes".into();
    store::save(&mut theirs).unwrap();
    changed_on_disk(&mut app, &path, tmp.path().join("a.mine.toml"));
    typed(&mut app, "reload");
    app.update(Action::Confirm);
    assert_eq!(
        app.take_effects(),
        [vse_assess::tui::app::Effect::Reload { path: path.clone() }]
    );
    app.report(Report::Opened {
        opened: Box::new(common::opened(&path)),
        message: Some("opened".into()),
    });
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.value(0) == "their notes"),
        "{:?}",
        app.overlay
    );
    typed(&mut app, "!");
    assert_eq!(
        app.opened.record.answer("7.2.a").unwrap().notes,
        "their notes!"
    );
}

/// A letter typed into a choice (a finding's class) changes nothing, and says which keys do.
#[test]
fn typing_into_a_choice_says_which_keys_change_it() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('m')]);
    for _ in 0..3 {
        app.update(Action::PrevField); // see, also under, the class
    }
    typed(&mut app, "o");
    let Overlay::Editor(e) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(e.value(0), "minor", "a letter chooses nothing");
    let said = e.error.clone().unwrap_or_default();
    assert!(said.contains("←/→") && said.contains("Space"), "{said:?}");
    assert!(screen(&app, 80, 24).contains("←/→"));
    // A key that does change it clears the word.
    app.update(Action::Input(Input {
        key: Key::Right,
        ..Input::default()
    }));
    let Overlay::Editor(e) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(
        (e.value(0).as_str(), e.error.as_deref()),
        ("observation", None)
    );
}

/// A draft of an evidence item's form is kept by the item's id: removing another item
/// before it comes back does not put it on the wrong one.
#[test]
fn an_evidence_draft_follows_its_item_not_its_position() {
    let mut app = example_app();
    app.update(Action::ShowEvidence);
    app.update(Action::Down);
    let second = app.opened.record.evidence[1].id.clone();
    app.update(Action::Open);
    typed(&mut app, "_v2");
    let draft = app.draft().unwrap();
    assert_eq!(draft.target, second);
    let mut next = example_app();
    next.opened.record.evidence.remove(0);
    assert!(next.restore_draft(&draft));
    assert!(matches!(&next.overlay, Overlay::Editor(e) if e.value(0) == format!("{second}_v2")));
    // Gone altogether: not reopened (and the draft file is left alone).
    let mut gone = example_app();
    gone.opened.record.evidence.retain(|e| e.id != second);
    assert!(!gone.restore_draft(&draft));
    assert!(matches!(gone.overlay, Overlay::None));
}

/// Opening a setup row and confirming without a change rewrites nothing (a list read back
/// from one line of text could otherwise split a value that holds the separator).
#[test]
fn an_unchanged_setup_row_is_left_as_it_was() {
    let mut app = example_app();
    app.opened.record.assessment.scope.sites = vec!["Main office; 2nd floor".into()];
    let before = app.opened.record.clone();
    app.update(Action::ShowSetup);
    let sites = app
        .setup_rows()
        .iter()
        .position(|r| *r == vse_assess::tui::app::SetupRow::Sites)
        .unwrap();
    for _ in 0..sites {
        app.update(Action::Down);
    }
    app.update(Action::Open);
    app.update(Action::Confirm);
    assert_eq!(app.opened.record, before);
}

/// A note the last session left (where answers it could not save went) is shown whole, and
/// any key puts it away.
#[test]
fn a_note_from_the_last_session_is_shown_whole() {
    let mut app = example_app();
    let before = app.opened.record.clone();
    let note = "the interview of 2026-11-28 10:00 could not save its last changes; they are in /home/auditor/audits/brightline/example.unsaved.toml";
    app.report(Report::Notice {
        title: "Note from the last session",
        text: note.into(),
    });
    let s = screen(&app, 80, 24);
    assert!(s.contains("Note from the last session"));
    assert!(s.contains("example.unsaved.toml"), "{s}");
    // The key that puts the note away does nothing else.
    press(&mut app, &[KeyCode::Char('n')]);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.opened.record, before);
}

/// Clause 6 answers carry a note and evidence, and what was sampled is recorded, from the
/// interview as from the command line.
#[test]
fn clause_6_notes_evidence_and_sampling_from_the_interview() {
    let mut app = example_app();
    app.update(Action::ShowSetup);
    let first_condition = app
        .setup_rows()
        .iter()
        .position(|r| matches!(r, vse_assess::tui::app::SetupRow::Condition(0)))
        .unwrap();
    for _ in 0..first_condition {
        app.update(Action::Down);
    }
    press(&mut app, &[KeyCode::Enter]);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert_eq!(e.title, "Clause 6 condition 6.a");
    typed(&mut app, " Checked the org chart.");
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "HB, XX");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref() == Some("no evidence `XX` in the register (v opens it)"))
    );
    for _ in 0..4 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    press(&mut app, &[KeyCode::Enter]);
    let c = &app.opened.record.conditions["6.a"];
    assert!(c.met);
    assert!(c.note.ends_with("Checked the org chart."), "{}", c.note);
    assert_eq!(c.evidence, ["HB"]);

    app.update(Action::StartInterview);
    press(&mut app, &[KeyCode::Char('c')]);
    typed(&mut app, "4 of 12 onboarding records, 2026");
    press(&mut app, &[KeyCode::Enter]);
    let id = app.requirement().id.clone();
    assert_eq!(
        app.opened.record.answer(&id).unwrap().sampling,
        "4 of 12 onboarding records, 2026"
    );
    assert!(screen(&app, 80, 24).contains("Sampled 4 of 12 onboarding records, 2026"));
}

/// Who was interviewed is picked from the participants: Tab completes, several at once, each
/// kept as a name of its own.
#[test]
fn interviewees_are_completed_from_the_participants() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.3.a");
    app.update(Action::Confirm);
    press(&mut app, &[KeyCode::Char('w')]);
    typed(&mut app, "so");
    press(&mut app, &[KeyCode::Tab]);
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.value(0) == "Sofia Reyes; "));
    typed(&mut app, "in");
    press(&mut app, &[KeyCode::Tab]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.value(0) == "Sofia Reyes; Ines Duarte; ")
    );
    typed(&mut app, "zz");
    press(&mut app, &[KeyCode::Tab]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref() == Some("no participant starts like that"))
    );
    for _ in 0..2 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    press(&mut app, &[KeyCode::Enter]);
    let a = app.opened.record.answer("7.3.a").unwrap();
    assert!(
        a.interviewed
            .ends_with(&["Sofia Reyes".to_string(), "Ines Duarte".to_string()]),
        "{:?}",
        a.interviewed
    );
    assert!(!a.interviewed.iter().any(|n| n.contains(',')));
}

/// A form or a draft that edits something never lands on something else: after a reload (or
/// another session) changed it, or put another thing under its id or position.
#[test]
fn an_edit_never_lands_on_what_changed_under_it() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.g");
    app.update(Action::Confirm);
    press(&mut app, &[KeyCode::Tab, KeyCode::Enter]);
    typed(&mut app, " (more)");
    let draft = app.draft().unwrap();
    // What a reload of someone else's version would do under the open form.
    app.opened
        .record
        .findings
        .iter_mut()
        .find(|f| f.id == "NC-2")
        .unwrap()
        .text = "Their finding".into();
    press(
        &mut app,
        &[
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Enter,
        ],
    );
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref().is_some_and(|m| m.contains("changed since this form opened"))),
        "{:?}",
        app.overlay
    );
    assert_eq!(
        app.opened.record.finding("NC-2").unwrap().text,
        "Their finding"
    );
    // The draft is not put on the changed finding either.
    let mut next = example_app();
    next.opened
        .record
        .findings
        .iter_mut()
        .find(|f| f.id == "NC-2")
        .unwrap()
        .text = "Their finding".into();
    assert!(!next.restore_draft(&draft));

    // An evidence form whose item went away: refused, no panic.
    let mut app = example_app();
    app.update(Action::ShowEvidence);
    app.update(Action::Last);
    for _ in 0..20 {
        app.update(Action::Down);
    }
    app.update(Action::Open);
    app.opened.record.evidence.truncate(1);
    // Through its six fields, then save.
    for _ in 0..6 {
        press(&mut app, &[KeyCode::Enter]);
    }
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.error.is_some()));
    assert_eq!(app.opened.record.evidence.len(), 1);
}

/// The status row is no free toggle: it lists what stands in the way of a sign-off, then asks
/// who signs; once signed off, the record is final and nothing else changes, while the
/// sign-off itself is still to be saved.
#[test]
fn the_status_row_signs_off_through_the_same_checks() {
    let mut app = example_app();
    // The form offers today, which is given: the example's sessions are in November 2026.
    app.today = jiff::civil::date(2026, 11, 30);
    app.update(Action::ShowSetup);
    let status = app
        .setup_rows()
        .iter()
        .position(|r| *r == vse_assess::tui::app::SetupRow::Status)
        .unwrap();
    app.setup_row = status;
    // Completed with what a certification body needs, the example lacks nothing but a
    // signer; without conclusions it is not ready.
    {
        let meta = &mut app.opened.record.assessment;
        meta.stage = Some(vse_assess::record::Stage::Stage2);
        meta.certification_body = "Certa SA".into();
        meta.report_ref = "CB-2026-017".into();
        meta.remote_method = "Video call".into();
        meta.diverging_opinions = "none".into();
        meta.objectives_met = Some(true);
        meta.scope_appropriate = Some(true);
        meta.plan_due = Some("2026-12-15".into());
    }
    let conclusions = std::mem::take(&mut app.opened.record.assessment.conclusions);
    app.update(Action::Open);
    assert!(
        matches!(&app.overlay, Overlay::Notice { text, .. } if text.contains("no conclusions written")),
        "{:?}",
        app.overlay
    );
    assert_eq!(
        app.opened.record.assessment.status,
        vse_assess::record::Status::Draft
    );
    app.update(Action::Back);
    app.opened.record.assessment.conclusions = conclusions;
    app.dirty = false;

    app.update(Action::Open);
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.title.contains("Sign off")));
    typed(&mut app, "Nobody");
    app.update(Action::Confirm); // to the date, today's
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.value(1) == "2026-11-30"));
    app.update(Action::Confirm);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.error.as_deref().is_some_and(|m| m.contains("not in the assessment team"))),
        "{:?}",
        app.overlay
    );
    app.update(Action::PrevField);
    for _ in 0.."Nobody".len() {
        app.update(Action::Input(Input {
            key: Key::Backspace,
            ..Input::default()
        }));
    }
    typed(&mut app, "Claire Martin");
    app.update(Action::Confirm);
    app.update(Action::Confirm);
    // Asked first: who, when, what it means; no puts the form back as it was.
    assert!(
        matches!(&app.overlay, Overlay::Confirm { question, .. } if question.contains("Sign off as Claire Martin on 2026-11-30") && question.contains("final")),
        "{:?}",
        app.overlay
    );
    app.update(Action::No);
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.value(0) == "Claire Martin"));
    assert!(app.opened.record.assessment.sign_off().is_none());
    app.update(Action::Confirm);
    app.update(Action::Yes);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let signed = app.opened.record.assessment.sign_off().expect("signed off");
    assert_eq!(signed.by, "Claire Martin");
    assert!(app.dirty, "the sign-off is still to be saved");

    // Final: a rating, a note, the status row again change nothing.
    let before = app.opened.record.clone();
    app.update(Action::Open);
    app.update(Action::StartInterview);
    app.update(Action::Rate(Rating::N));
    app.update(Action::Paste("pasted".into()));
    assert_eq!(app.opened.record, before);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains(":reopen --by NAME --reason TEXT")),
        "{:?}",
        app.message
    );
    assert!(app.dirty);
    // A file hashed by a worker while the sign-off was made changes nothing either.
    let item = app.opened.record.evidence[0].clone();
    app.evidence_hashed(
        &item.id,
        &item.location,
        "elsewhere".into(),
        vse_assess::record::evidence::Hashed::Sha256("0".repeat(64)),
    );
    assert_eq!(app.opened.record, before);
}

/// The README's key table is the one the keymap, the footer and the help are made from.
#[test]
fn the_readme_key_table_is_the_keymap() {
    let readme = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("<!-- keys: made from src/tui/keymap.rs -->")
        .expect("marker");
    let table = &readme[start..];
    let table = &table[table.find('\n').unwrap() + 1..];
    let end = table.find("\n\n").unwrap_or(table.len());
    let want = keymap::markdown_table();
    assert_eq!(
        &table[..end + 1],
        want,
        "README.md's key table differs; replace it with:\n{want}"
    );
}

/// At the smallest size the screen takes (60x18), what does not fit is said to be there.
#[test]
fn at_the_minimum_size_hidden_rows_are_marked() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.g");
    app.update(Action::Confirm);
    let shown = screen(&app, 60, 18);
    assert!(
        shown.contains("more row(s) hidden: enlarge the window"),
        "{shown}"
    );
    assert!(shown.contains("more line(s) below: t shows all"), "{shown}");
    // At 80x24 the same requirement fits.
    let shown = screen(&app, 80, 24);
    assert!(!shown.contains("hidden"), "{shown}");
    app.update(Action::ShowSetup);
    let shown = screen(&app, 60, 18);
    assert!(
        shown.contains("more line(s) below: ↓ goes there"),
        "{shown}"
    );
}

/// The long rows of the details screen (conclusions, plan, sessions) are confirmed with
/// Enter, like every other row.
#[test]
fn long_detail_rows_are_confirmed_with_enter() {
    let mut app = example_app();
    app.update(Action::ShowSetup);
    app.setup_row = app
        .setup_rows()
        .iter()
        .position(|r| *r == vse_assess::tui::app::SetupRow::Conclusions)
        .unwrap();
    app.update(Action::Open);
    typed(&mut app, " More.");
    app.update(Action::Confirm);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    assert!(app.opened.record.assessment.conclusions.ends_with(" More."));
}

/// A setup row's draft names its detail, not its place in the list: it comes back into the
/// same field however the rows around it change, and a draft of an older version (a row
/// number) is not put into whatever row has that number now.
#[test]
fn a_setup_draft_names_its_detail_not_its_row() {
    use vse_assess::tui::app::SetupRow;
    let mut app = example_app();
    app.update(Action::ShowSetup);
    let team = app
        .setup_rows()
        .iter()
        .position(|r| *r == SetupRow::Team)
        .unwrap();
    app.setup_row = team;
    app.update(Action::Open);
    typed(&mut app, "; Zoe Zed: observer");
    let draft = app.draft().unwrap();
    assert_eq!(
        (draft.form.as_str(), draft.target.as_str()),
        ("setup", "team")
    );
    let mut next = example_app();
    assert!(next.restore_draft(&draft));
    assert_eq!(next.setup_rows()[next.setup_row], SetupRow::Team);
    press(&mut next, &[KeyCode::Enter]);
    let team = &next.opened.record.assessment.team;
    assert_eq!(team.last().map(|p| p.name.as_str()), Some("Zoe Zed"));

    let old = vse_assess::tui::editor::Draft {
        target: team.len().to_string(),
        ..draft
    };
    let mut later = example_app();
    assert!(!later.restore_draft(&old));
    assert!(matches!(later.overlay, Overlay::None));
}

/// The setup form reads sessions as the command line does (`DATE LOCATION` or
/// `DATE:LOCATION`), and the interviewee form says which separator it reads.
#[test]
fn the_setup_form_and_the_command_line_read_one_grammar() {
    use vse_assess::tui::app::SetupRow;
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.setup_row = app
        .setup_rows()
        .iter()
        .position(|r| *r == SetupRow::Sessions)
        .unwrap();
    app.update(Action::Open);
    typed(&mut app, "2026-11-27:Lyon; 2026-11-28 Paris office");
    app.update(Action::Confirm);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let sessions: Vec<(String, String)> = app
        .opened
        .record
        .assessment
        .sessions
        .iter()
        .map(|s| (s.date.clone(), s.location.clone()))
        .collect();
    assert_eq!(
        sessions,
        [
            ("2026-11-27".to_string(), "Lyon".to_string()),
            ("2026-11-28".to_string(), "Paris office".to_string())
        ]
    );
    app.update(Action::StartInterview);
    app.update(Action::AddInterviewee);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert!(
        e.fields[0].label.contains("`,` or `;` between names"),
        "{}",
        e.fields[0].label
    );
    typed(&mut app, "Ana Lopez, Sofia Reyes; Bob");
    app.update(Action::Confirm);
    let id = app.requirement().id.clone();
    assert_eq!(
        app.opened.record.answer(&id).unwrap().interviewed,
        ["Ana Lopez", "Sofia Reyes", "Bob"]
    );

    // With participants recorded, each name typed is one of them (a participant's name
    // may hold a comma).
    app.opened.record.assessment.participants = ["Reyes, Sofia:developer", "Bob Boss:director"]
        .map(vse_assess::record::Person::parse)
        .to_vec();
    // One who is not is offered as a participant: no puts the form back, saying so.
    app.update(Action::AddInterviewee);
    typed(&mut app, "reyes, sofia, Zoe Kim, bob  boss");
    app.update(Action::Confirm);
    let Overlay::Confirm { question, .. } = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    assert!(
        question.contains("`Zoe Kim` is not a participant. Add them"),
        "{question}"
    );
    app.update(Action::No);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("{:?}", app.overlay)
    };
    let error = e.error.clone().unwrap_or_default();
    assert!(
        error.contains("`Zoe Kim` is not a participant")
            && error.contains("assessment details (i)"),
        "{error}"
    );
    assert_eq!(app.opened.record.answer(&id).unwrap().interviewed.len(), 3);
    // Yes adds them (no role) through the edit layer, and the form goes through.
    app.update(Action::Confirm);
    app.update(Action::Yes);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let participants: Vec<(&str, &str)> = app
        .opened
        .record
        .assessment
        .participants
        .iter()
        .map(|p| (p.name.as_str(), p.role.as_str()))
        .collect();
    assert_eq!(
        participants,
        [
            ("Reyes, Sofia", "developer"),
            ("Bob Boss", "director"),
            ("Zoe Kim", "")
        ]
    );
    assert_eq!(
        app.opened.record.answer(&id).unwrap().interviewed,
        [
            "Ana Lopez",
            "Sofia Reyes",
            "Bob",
            "Reyes, Sofia",
            "Zoe Kim",
            "Bob Boss"
        ]
    );
}

/// The terminal's cursor is put on the frame where typing goes, worked out while drawing
/// (no state kept in the app for it).
#[test]
fn the_cursor_goes_on_the_frame_where_typing_goes() {
    use ratatui::backend::Backend;
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2");
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let buf = t
        .draw(|f| vse_assess::tui::view::draw(f, &app))
        .unwrap()
        .buffer
        .clone();
    let at = t.backend_mut().get_cursor_position().unwrap();
    let before: String = (at.x - 3..at.x).map(|x| buf[(x, at.y)].symbol()).collect();
    assert_eq!(before, "7.2");
}

/// The details screen of an audit sets its stage (Space or Enter, in turn) and the team's
/// two confirmations (y, n; Space in turn: yes, no, not stated); a self-assessment has
/// neither row.
#[test]
fn the_details_screen_sets_the_stage_and_the_confirmations() {
    use vse_assess::record::Stage;
    use vse_assess::tui::app::SetupRow;
    let mut app = example_app();
    // From nothing stated (the example states them all).
    let meta = &mut app.opened.record.assessment;
    (meta.stage, meta.objectives_met, meta.scope_appropriate) = (None, None, None);
    meta.certification_body.clear();
    app.update(Action::ShowSetup);
    let at = |app: &App, row: SetupRow| app.setup_rows().iter().position(|r| *r == row).unwrap();
    app.setup_row = at(&app, SetupRow::Stage);
    assert_eq!(
        app.setup_value(SetupRow::Stage),
        "not stated (Space chooses)"
    );
    app.update(Action::Toggle);
    assert_eq!(app.opened.record.assessment.stage, Some(Stage::Stage1));
    app.update(Action::Open);
    assert_eq!(app.opened.record.assessment.stage, Some(Stage::Stage2));
    assert_eq!(app.setup_value(SetupRow::Stage), "stage 2");
    app.setup_row = at(&app, SetupRow::ObjectivesMet);
    app.update(Action::Yes);
    assert_eq!(app.opened.record.assessment.objectives_met, Some(true));
    app.update(Action::No);
    assert_eq!(app.opened.record.assessment.objectives_met, Some(false));
    app.update(Action::Toggle);
    assert_eq!(app.opened.record.assessment.objectives_met, None);
    app.setup_row = at(&app, SetupRow::ScopeAppropriate);
    app.update(Action::Toggle);
    assert_eq!(app.opened.record.assessment.scope_appropriate, Some(true));
    app.setup_row = at(&app, SetupRow::CertificationBody);
    app.update(Action::Open);
    typed(&mut app, "Certa SA");
    app.update(Action::Confirm);
    assert_eq!(app.opened.record.assessment.certification_body, "Certa SA");

    let tmp = TempDir::new().unwrap();
    let app = App::new(common::opened(&fresh(tmp.path())));
    for row in [
        SetupRow::Stage,
        SetupRow::CertificationBody,
        SetupRow::ObjectivesMet,
    ] {
        assert!(!app.setup_rows().contains(&row), "{row:?}");
    }
    assert!(app.setup_rows().contains(&SetupRow::Criteria));
}

/// N/A entered in an audit is said to block the claim and to count as not met, in the
/// status line and on the command line alike.
#[test]
fn not_applicable_in_an_audit_is_warned_about_at_entry() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.3.f");
    app.update(Action::Confirm);
    app.update(Action::NotApplicable);
    typed(&mut app, "One project at a time");
    app.update(Action::Confirm);
    assert_eq!(
        app.opened.record.answer("7.3.f").unwrap().rating,
        Some(Judgement::NA)
    );
    let message = app.message.clone().unwrap_or_default();
    assert!(
        message.starts_with("7.3.f not applicable. N/A still blocks the claim")
            && message.ends_with(
                "in an audit N/A counts as not met and needs a major nonconformity   z undoes"
            ),
        "{message}"
    );

    let tmp = TempDir::new().unwrap();
    fs::copy(EXAMPLE, tmp.path().join("a.toml")).unwrap();
    let out = common::vse(
        tmp.path(),
        &[
            "answer",
            "a.toml",
            "7.3.f",
            "--rating",
            "na",
            "--justification",
            "One project",
        ],
    );
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "a.toml: warning: 7.3.f: N/A still blocks the claim: every requirement of the profile is mandatory, so in an audit N/A counts as not met and needs a major nonconformity"
    );
}

/// An item entered in the interview whose location should be a file here and names none:
/// once the worker finds nothing to hash, the status line warns (the item is kept); an
/// interview or a URL is not looked for.
#[test]
fn evidence_entered_at_a_location_that_is_no_file_is_warned_about() {
    use vse_assess::record::evidence::Hashed;
    use vse_assess::record::{Evidence, EvidenceKind, edit};
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    let q = app.opened.questionnaire.questionnaire.clone();
    for (id, kind, location) in [
        ("PLAN", EvidenceKind::Document, "docs/plan.pdf"),
        ("TALK", EvidenceKind::Interview, "Lyon office"),
        ("WIKI", EvidenceKind::Document, "https://wiki.example/x"),
    ] {
        let item = Evidence {
            id: id.into(),
            title: id.into(),
            kind,
            location: location.into(),
            file: true,
            version: String::new(),
            sha256: None,
            supports: Vec::new(),
            carried_from: String::new(),
            follow_up: false,
        };
        edit::add_evidence(&mut app.opened.record, &q, item).unwrap();
        app.message = None;
        app.evidence_hashed(id, location, location.into(), Hashed::NotLocal);
        if id == "PLAN" {
            let said = app.message.clone().unwrap_or_default();
            assert!(
                said.contains("PLAN: `docs/plan.pdf` is not a readable file (no file there)")
                    && said.contains("`verify` lists it as missing"),
                "{said}"
            );
        } else {
            assert_eq!(app.message, None, "{id}");
        }
    }
    assert_eq!(app.opened.record.evidence.len(), 3);
}

/// The quick path for a requirement found fully in place: `*` checks every facet, `=` then
/// rates what they suggest (F), with no warning left behind.
#[test]
fn every_facet_is_checked_with_one_key() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    let req = app.requirement().clone();
    app.update(Action::CheckAllFacets);
    assert_eq!(
        app.opened.record.answer(&req.id).unwrap().facets,
        req.facets
    );
    app.update(Action::AcceptSuggestion);
    assert_eq!(
        app.opened.record.answer(&req.id).unwrap().rating,
        Some(Judgement::F)
    );
    // The key reaches the action through the one key table.
    let keyed = keymap::action(
        app.mode(),
        KeyEvent::new(KeyCode::Char('*'), KeyModifiers::NONE),
    );
    assert_eq!(keyed, Some(Action::CheckAllFacets));
}

/// A self-assessment's details screen leaves out what only an audit states (stage,
/// certification body, remote method, areas not covered, diverging opinions), unless the
/// record holds a value for one of them.
#[test]
fn a_self_assessment_shows_no_audit_only_rows() {
    use vse_assess::tui::app::SetupRow;
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    for row in [
        SetupRow::Stage,
        SetupRow::RemoteMethod,
        SetupRow::NotCovered,
        SetupRow::DivergingOpinions,
    ] {
        assert!(!app.setup_rows().contains(&row), "{row:?}");
    }
    app.opened.record.assessment.remote_method = "Video call".into();
    assert!(app.setup_rows().contains(&SetupRow::RemoteMethod));
    assert!(
        example_app()
            .setup_rows()
            .contains(&SetupRow::DivergingOpinions)
    );
}

// ---- The follow-up view --------------------------------------------------------------

/// Presses a character key through the keymap.
fn char_key(app: &mut App, c: char) {
    press(app, &[KeyCode::Char(c)]);
}

/// Moves the follow-up view's selection, with ↓ from the top, to `row`.
fn select_row(app: &mut App, row: &FollowRow) {
    press(app, &[KeyCode::Home]);
    let at = app
        .follow_up_rows()
        .iter()
        .position(|r| r == row)
        .unwrap_or_else(|| panic!("no row {row:?}"));
    for _ in 0..at {
        press(app, &[KeyCode::Down]);
    }
    assert_eq!(app.follow_up_selected().as_ref(), Some(row));
}

fn action_row(finding: &str, action: &str) -> FollowRow {
    FollowRow::Action {
        finding: finding.into(),
        action: action.into(),
    }
}

/// The error a form on screen shows, if any.
fn form_error(app: &App) -> Option<String> {
    match &app.overlay {
        Overlay::Editor(e) => e.error.clone(),
        _ => None,
    }
}

/// The ratings of a record: what the follow-up must never change.
fn ratings(app: &App) -> Vec<(String, Option<Judgement>)> {
    let record = &app.opened.record;
    let mut r: Vec<_> = record
        .requirements
        .iter()
        .map(|(id, a)| (id.clone(), a.rating))
        .collect();
    r.sort_by(|a, b| a.0.cmp(&b.0));
    r
}

/// On a signed-off record, what was found stays as signed off (a rating, the notes, a
/// finding's statement are refused, and say how to reopen), while its follow-up is
/// recorded from the follow-up view: the VSE's response, an action added, accepted and
/// done, a verification refused with the edit layer's reason (the form stays open), then
/// made, marked as follow-up.
#[test]
fn a_final_record_takes_its_follow_up_from_the_follow_up_view() {
    let tmp = TempDir::new().unwrap();
    let path = common::signed_off_example(tmp.path());
    let mut app = App::new(common::opened(&path));
    assert_eq!(app.today, common::today());
    let before = app.opened.record.clone();
    let rated = ratings(&app);

    // What was found is refused, by the edit layer or before a form opens.
    app.update(Action::Rate(Rating::N));
    assert_eq!(app.opened.record, before);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains(":reopen --by NAME --reason TEXT")),
        "{:?}",
        app.message
    );
    char_key(&mut app, 't');
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("follow-up"))
    );
    assert!(!app.dirty);

    char_key(&mut app, 'b');
    assert_eq!(app.screen, Screen::FollowUp);
    let nc2 = FollowRow::Finding("NC-2".into());
    select_row(&mut app, &nc2);

    // The VSE's response: correction and root cause, and nothing else of the finding.
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.title.contains("the VSE's response")),
        "{:?}",
        app.overlay
    );
    press(&mut app, &[KeyCode::Enter]); // the correction as it is; to the root cause
    typed(&mut app, " Confirmed in the review.");
    press(&mut app, &[KeyCode::Enter]);
    // The VSE accepts the finding: its representative, today (offered).
    typed(&mut app, "Sofia Reyes");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let f = app.opened.record.finding("NC-2").unwrap();
    assert!(
        f.root_cause.ends_with("Confirmed in the review."),
        "{}",
        f.root_cause
    );
    assert_eq!(f.text, before.finding("NC-2").unwrap().text);
    let accepted = f.vse_accepted.clone().expect("accepted by the VSE");
    assert_eq!(
        (accepted.by.as_str(), accepted.date.as_str()),
        ("Sofia Reyes", common::TODAY)
    );

    // A new action, proposed by the VSE today.
    char_key(&mut app, 'a');
    typed(&mut app, "Hold the risk review each quarter");
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "Ines Duarte");
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "2027-03-31");
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "Sofia Reyes");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    assert!(matches!(app.overlay, Overlay::None), "{:?}", app.overlay);
    let (f, a) = app
        .opened
        .record
        .findings
        .iter()
        .find_map(|f| Some((f, f.actions.iter().find(|a| a.what.starts_with("Hold"))?)))
        .expect("added");
    assert_eq!(f.id, "NC-2");
    let aid = a.id.clone();
    assert_eq!(a.owner, "Ines Duarte");
    assert_eq!(a.due.as_deref(), Some("2027-03-31"));
    let proposed = a.proposed.clone().expect("proposed");
    assert_eq!(
        (proposed.by.as_str(), proposed.date.as_str()),
        ("Sofia Reyes", common::TODAY)
    );
    assert_eq!(app.follow_up_selected(), Some(action_row("NC-2", &aid)));

    // The team accepts it: the lead auditor, today, by default.
    char_key(&mut app, 'y');
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    let (_, a) = app.opened.record.action(&aid).unwrap();
    let accepted = a.accepted.clone().expect("accepted");
    assert_eq!(
        (accepted.by.as_str(), accepted.date.as_str()),
        ("Claire Martin", common::TODAY)
    );

    // Done today; Space again opens it again, and once more closes it.
    char_key(&mut app, ' ');
    let (_, a) = app.opened.record.action(&aid).unwrap();
    assert_eq!(a.status, ActionStatus::Closed);
    assert_eq!(a.completed.as_deref(), Some(common::TODAY));
    char_key(&mut app, ' ');
    assert_eq!(
        app.opened.record.action(&aid).unwrap().1.status,
        ActionStatus::Open
    );
    char_key(&mut app, ' ');
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("done on 2026-11-30"))
    );

    // Verified effective while A-2 and A-3 are open: refused, the form stays open.
    char_key(&mut app, 'e');
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.title.contains("verify")));
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter, KeyCode::Enter]);
    typed(
        &mut app,
        "Reviewed plan in use, minutes of the risk review seen",
    );
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "RR");
    press(&mut app, &[KeyCode::Enter]);
    let why = form_error(&app).expect("refused");
    assert!(why.contains("A-2"), "{why}");
    assert!(
        app.opened
            .record
            .finding("NC-2")
            .unwrap()
            .verifications
            .is_empty()
    );
    press(&mut app, &[KeyCode::Esc]);

    for a in ["A-2", "A-3"] {
        select_row(&mut app, &action_row("NC-2", a));
        char_key(&mut app, ' ');
    }
    select_row(&mut app, &nc2);
    char_key(&mut app, 'e');
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter, KeyCode::Enter]);
    typed(
        &mut app,
        "Reviewed plan in use, minutes of the risk review seen",
    );
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "RR");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        matches!(app.overlay, Overlay::None),
        "{:?}",
        form_error(&app)
    );
    let f = app.opened.record.finding("NC-2").unwrap();
    let v = f.verification().expect("verified");
    assert!(v.effective && v.follow_up, "{v:?}");
    assert_eq!(v.by, "Claire Martin");
    assert_eq!(v.evidence, ["RR"]);
    assert_eq!(f.state(), vse_assess::record::FindingState::Closed);
    assert!(app.dirty, "the follow-up is to be saved");

    // As found, nothing moved.
    assert_eq!(ratings(&app), rated);
    assert_eq!(
        app.opened.record.assessment.sign_off(),
        before.assessment.sign_off()
    );
    let shown = screen(&app, 80, 60);
    assert!(shown.contains("FINAL"), "{shown}");
    assert!(
        shown.contains("verified 2026-11-30 by Claire Martin: effective (follow-up)"),
        "{shown}"
    );

    // On the question screen too, Enter on a finding of a final record is its response.
    app.update(Action::Back);
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.g");
    press(&mut app, &[KeyCode::Enter, KeyCode::Tab, KeyCode::Enter]);
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.title == "NC-2 · 7.2.g: the VSE's response"),
        "{:?}",
        app.overlay
    );
}

/// On a draft the follow-up view works the same way; a verification made then is part of
/// the audit as found (not marked follow-up). Enter on an action edits its completion and
/// evidence; the edit layer's refusal (a completion in the future) keeps the form open.
#[test]
fn the_follow_up_view_works_on_a_draft_too() {
    let mut app = example_app();
    app.today = common::today();
    press(&mut app, &[KeyCode::Char('b')]);
    assert_eq!(app.screen, Screen::FollowUp);
    let a1 = action_row("NC-1", "A-1");
    select_row(&mut app, &a1);
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.title == "A-1 of NC-1"));
    // To the completion date: after what, owner, due, proposed by, proposed on.
    press(&mut app, &[KeyCode::Enter; 5]);
    typed(&mut app, "2026-12-24");
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "SP");
    press(&mut app, &[KeyCode::Enter]);
    let why = form_error(&app).expect("refused");
    assert!(why.contains("future"), "{why}");
    assert_eq!(
        app.opened.record.action("A-1").unwrap().1.status,
        ActionStatus::Open
    );
    // Corrected in the form, it goes through.
    press(&mut app, &[KeyCode::BackTab]);
    for _ in 0..10 {
        app.update(Action::Input(Input {
            key: Key::Backspace,
            ..Input::default()
        }));
    }
    typed(&mut app, "2026-11-25");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    assert!(
        matches!(app.overlay, Overlay::None),
        "{:?}",
        form_error(&app)
    );
    let (_, a) = app.opened.record.action("A-1").unwrap();
    assert_eq!(a.status, ActionStatus::Closed);
    assert_eq!(a.completed.as_deref(), Some("2026-11-25"));
    assert_eq!(a.evidence, ["SP"]);

    // Verified not effective, by the lead auditor, with the evidence of the action offered.
    select_row(&mut app, &FollowRow::Finding("NC-1".into()));
    char_key(&mut app, 'e');
    assert!(
        matches!(&app.overlay, Overlay::Editor(e) if e.get(vse_assess::tui::editor::Name::Evidence) == "SP")
    );
    press(
        &mut app,
        &[
            KeyCode::Enter,
            KeyCode::Enter,
            KeyCode::Right,
            KeyCode::Enter,
        ],
    );
    // Without a note of what was seen, the edit layer refuses it; the form stays open.
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    let why = form_error(&app).expect("refused");
    assert!(why.contains("say what was seen"), "{why}");
    assert!(
        app.opened
            .record
            .finding("NC-1")
            .unwrap()
            .verifications
            .is_empty()
    );
    press(&mut app, &[KeyCode::BackTab]);
    typed(&mut app, "Targets set, but not yet in the review");
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    assert!(
        matches!(app.overlay, Overlay::None),
        "{:?}",
        form_error(&app)
    );
    let v = app
        .opened
        .record
        .finding("NC-1")
        .unwrap()
        .verification()
        .unwrap()
        .clone();
    assert!(!v.effective && !v.follow_up, "{v:?}");
    assert_eq!(
        app.opened.record.finding("NC-1").unwrap().state(),
        vse_assess::record::FindingState::NotEffective
    );

    // A nonconformity carried from an earlier audit says so where the date raised goes.
    app.opened.record.findings[1].carried = Some(vse_assess::record::Carried {
        from: "audit-2025.toml".into(),
        date: "2025-11-20".into(),
    });
    let id = app.opened.record.findings[1].id.clone();
    let shown = screen(&app, 100, 60);
    assert!(
        shown.contains(&format!("{id:<6}"))
            && shown.contains("carried from audit-2025.toml (2025-11-20)"),
        "{shown}"
    );

    // Keys that need an action say so on a nonconformity's row.
    char_key(&mut app, 'y');
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("select one of NC-1's"))
    );
    // Home, End, PgDn and PgUp move along the rows.
    let last = app.follow_up_rows().len() - 1;
    press(&mut app, &[KeyCode::End]);
    assert_eq!(app.follow_row, last);
    press(&mut app, &[KeyCode::Home, KeyCode::PageDown]);
    assert_eq!(app.follow_row, 10.min(last));
    press(&mut app, &[KeyCode::PageUp]);
    assert_eq!(app.follow_row, 0);
    // Esc goes back where it came from.
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Question);
}

/// Read-only, the follow-up view is only shown: its forms do not open, Space changes
/// nothing.
#[test]
fn read_only_the_follow_up_view_changes_nothing() {
    let mut app = example_app();
    app.read_only = true;
    let before = app.opened.record.clone();
    char_key(&mut app, 'b');
    select_row(&mut app, &action_row("NC-1", "A-1"));
    for c in [' ', 'y', 'e', 'a'] {
        char_key(&mut app, c);
        assert!(
            matches!(app.overlay, Overlay::None),
            "{c}: {:?}",
            app.overlay
        );
    }
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.opened.record, before);
    assert!(!app.dirty);
}

#[test]
fn snapshot_follow_up_view() {
    let tmp = TempDir::new().unwrap();
    let path = common::signed_off_example(tmp.path());
    let mut app = App::new(common::opened(&path));
    char_key(&mut app, 'b');
    select_row(&mut app, &action_row("NC-2", "A-3"));
    char_key(&mut app, ' ');
    insta::assert_snapshot!(screen(&app, 80, 24));
}

#[test]
fn snapshot_follow_up_verify_form() {
    let mut app = example_app();
    app.today = common::today();
    char_key(&mut app, 'b');
    select_row(&mut app, &FollowRow::Finding("NC-2".into()));
    char_key(&mut app, 'e');
    insta::assert_snapshot!(screen(&app, 80, 24));
}

/// `b` opens the follow-up view from every screen, and means nothing else anywhere a
/// screen is shown.
#[test]
fn b_opens_the_follow_up_view_from_every_screen() {
    use vse_assess::tui::app::{Focus, Mode};
    let b = KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE);
    for screen in [
        Screen::Setup,
        Screen::Question,
        Screen::Guidance,
        Screen::Evidence,
        Screen::Summary,
        Screen::FollowUp,
        Screen::Help,
    ] {
        for focus in [Focus::Question, Focus::Findings] {
            assert_eq!(
                keymap::action(Mode::Normal(screen, focus), b),
                Some(Action::ShowFollowUp),
                "{screen:?} {focus:?}"
            );
        }
    }
    let mut app = example_app();
    for go in [Action::ShowSetup, Action::ShowEvidence, Action::Help] {
        app.update(go);
        key(&mut app, b);
        assert_eq!(app.screen, Screen::FollowUp);
        press(&mut app, &[KeyCode::Esc]);
    }
}

/// A follow-up form left unfinished comes back, by what it is about, in the follow-up view
/// with that row selected.
#[test]
fn an_unfinished_follow_up_form_comes_back_on_its_row() {
    let tmp = TempDir::new().unwrap();
    let path = common::signed_off_example(tmp.path());
    let mut app = App::new(common::opened(&path));
    char_key(&mut app, 'b');
    select_row(&mut app, &action_row("NC-2", "A-3"));
    char_key(&mut app, 'y');
    press(&mut app, &[KeyCode::Tab]);
    typed(&mut app, "x");
    let draft = app.draft().expect("a draft");
    assert_eq!(draft.form, "accept-action");
    assert_eq!(draft.target, "A-3");

    let mut again = App::new(common::opened(&path));
    assert!(again.restore_draft(&draft));
    assert_eq!(again.screen, Screen::FollowUp);
    assert_eq!(again.follow_up_selected(), Some(action_row("NC-2", "A-3")));
    assert!(
        matches!(&again.overlay, Overlay::Editor(e) if e.values() == draft.values),
        "{:?}",
        again.overlay
    );
}

// ---- Search, help, messages at 80 and 60 columns -----------------------------------------

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

/// `/ppm.c` types a search (never a rating); after Enter, n and N move between matches and
/// change no rating; no match says so and keeps the prompt.
#[test]
fn a_search_never_changes_a_rating() {
    let mut app = example_app();
    let before = ratings(&app);
    keys(&mut app, "/ppm.c");
    assert_eq!(app.search.as_ref().unwrap().query, "ppm.c");
    assert_eq!(ratings(&app), before, "typed as text");
    press(&mut app, &[KeyCode::Esc]);
    keys(&mut app, "/7.5.C");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        app.matches(Screen::Question, "7.5.c")
            .contains(&app.current)
    );
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("/7.5.C: match 1 of"), "{shown}");
    // The footer gives n to the matches: the ratings left are p, l and f.
    let footer = keymap::footer(app.mode());
    assert!(
        footer.iter().any(|(k, w, _)| k == "plf" && *w == "rate")
            && footer
                .iter()
                .any(|(k, w, _)| k == "n" && *w == "next match"),
        "{footer:?}"
    );
    keys(&mut app, "nnN");
    assert_eq!(ratings(&app), before, "n and N only move");
    press(&mut app, &[KeyCode::Esc]);
    assert!(app.search.is_none());
    assert_eq!(app.screen, Screen::Question);
    keys(&mut app, "/NoSuchThing");
    press(&mut app, &[KeyCode::Enter]);
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .contains("nothing on the question screen holds")
    );
    assert!(
        app.search.as_ref().unwrap().typing,
        "the text stays to change"
    );
    press(&mut app, &[KeyCode::Esc]);
    assert_eq!(ratings(&app), before);
    // In the register, by title, whatever the case.
    app.update(Action::ShowEvidence);
    let last = app.opened.record.evidence.len() - 1;
    let title = app.opened.record.evidence[last].title.to_uppercase();
    keys(&mut app, &format!("/{title}"));
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(app.evidence_row, last);
}

/// The help opened from the register lists the register's keys first, pages, is searched.
#[test]
fn the_help_is_contextual_pages_and_is_searched() {
    let mut app = example_app();
    app.update(Action::ShowEvidence);
    press(&mut app, &[KeyCode::Char('?')]);
    let shown = screen(&app, 80, 24);
    assert!(
        shown.contains("Keys here: Evidence register (v)"),
        "{shown}"
    );
    press(&mut app, &[KeyCode::Char(' ')]);
    assert!(app.scroll > 10, "a page");
    press(&mut app, &[KeyCode::End]);
    let _ = screen(&app, 80, 24);
    keys(&mut app, "/major");
    press(&mut app, &[KeyCode::Enter]);
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("/major: match 1 of"), "{shown}");
    press(&mut app, &[KeyCode::Esc, KeyCode::Esc]);
    assert_eq!(app.screen, Screen::Evidence);
}

/// A long message wraps under the title bar; `!` shows the messages in full, newest first.
#[test]
fn snapshot_long_message_and_message_log() {
    let mut app = example_app();
    app.update(Action::ToggleOnlyOpen);
    app.update(Action::ShowSetup);
    app.message = Some(format!(
        "{} (second part)",
        "a long refusal that says what to do ".repeat(4)
    ));
    insta::assert_snapshot!("long_message_80", screen(&app, 80, 24));
    insta::assert_snapshot!("long_message_60", screen(&app, 60, 24));
    app.update(Action::ShowEvidence);
    app.update(Action::ShowMessages);
    insta::assert_snapshot!("message_log", screen(&app, 80, 24));
}

/// At 60 columns the class chooser shows every class and the summary its result column.
#[test]
fn snapshot_at_60_columns() {
    let mut app = example_app();
    app.update(Action::AddFinding);
    insta::assert_snapshot!("finding_form_60", screen(&app, 60, 24));
    app.update(Action::Back);
    app.update(Action::ShowSummary);
    insta::assert_snapshot!("summary_60", screen(&app, 60, 24));
}

/// The example completed with what a certification body needs: ready to sign off.
fn ready_to_sign() -> App {
    let mut app = example_app();
    app.today = jiff::civil::date(2026, 11, 30);
    let meta = &mut app.opened.record.assessment;
    meta.stage = Some(vse_assess::record::Stage::Stage2);
    meta.certification_body = "Certa SA".into();
    meta.report_ref = "CB-2026-017".into();
    meta.remote_method = "Video call".into();
    meta.diverging_opinions = "none".into();
    meta.objectives_met = Some(true);
    meta.scope_appropriate = Some(true);
    meta.plan_due = Some("2026-12-15".into());
    app
}

/// `:` then a command line, then Enter.
fn command(app: &mut App, line: &str) {
    press(app, &[KeyCode::Char(':')]);
    assert!(
        matches!(app.overlay, Overlay::Command(_)),
        "{:?}",
        app.overlay
    );
    typed(app, line);
    press(app, &[KeyCode::Enter]);
}

fn command_error(app: &App) -> String {
    match &app.overlay {
        Overlay::Command(p) => p.error.clone().unwrap_or_default(),
        other => panic!("the menu is not open: {other:?}"),
    }
}

/// The command menu: Tab completes a name, the list follows what is typed, and a command
/// goes through the command line's parser and the edit layer, refusals said in the menu.
#[test]
fn the_command_menu_signs_off_after_asking_and_reopens() {
    let mut app = ready_to_sign();
    press(&mut app, &[KeyCode::Char(':')]);
    typed(&mut app, "fin");
    let Overlay::Command(p) = &app.overlay else {
        panic!()
    };
    let names: Vec<&str> = p.matches().iter().map(|c| c.name).collect();
    assert_eq!(names, ["finalize", "finding accept"]);
    typed(&mut app, "a");
    press(&mut app, &[KeyCode::Tab]);
    assert!(matches!(&app.overlay, Overlay::Command(p) if p.typed == "finalize "));
    press(&mut app, &[KeyCode::Esc]);
    assert!(matches!(app.overlay, Overlay::None));

    command(&mut app, "frobnicate");
    assert!(command_error(&app).contains("unknown command `frobnicate`"));
    press(&mut app, &[KeyCode::Esc]);
    command(&mut app, "finalize --by 'Claire Martin' --bogus");
    assert!(
        command_error(&app).contains("--bogus"),
        "{}",
        command_error(&app)
    );
    press(&mut app, &[KeyCode::Esc]);
    // Refused by the edit layer before anything is asked.
    command(&mut app, "finalize --by Nobody");
    assert!(
        matches!(&app.overlay, Overlay::Notice { text, .. } if text.contains("not in the assessment team")),
        "{:?}",
        app.overlay
    );
    app.update(Action::Back);
    // Bare, it is the sign-off form.
    command(&mut app, "finalize");
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.title.contains("Sign off")));
    app.update(Action::Back);
    command(
        &mut app,
        "finalize --by \"Claire Martin\" --date 2026-11-29",
    );
    assert!(
        matches!(&app.overlay, Overlay::Confirm { question, .. } if question.contains("Claire Martin on 2026-11-29")),
        "{:?}",
        app.overlay
    );
    press(&mut app, &[KeyCode::Char('y')]);
    let signed = app.opened.record.assessment.sign_off().expect("signed off");
    assert_eq!(
        (signed.by.as_str(), signed.date.as_str()),
        ("Claire Martin", "2026-11-29")
    );
    assert!(app.dirty);
    // The details show locked, the conclusions first among them, and Enter refuses them.
    app.update(Action::ShowSetup);
    let conclusions = app
        .setup_rows()
        .iter()
        .position(|r| *r == vse_assess::tui::app::SetupRow::Conclusions)
        .unwrap();
    app.setup_row = conclusions;
    let shown = screen(&app, 100, 24);
    assert!(shown.contains("Conclusions     [locked]"), "{shown}");
    assert!(shown.contains("FINAL"), "{shown}");
    app.update(Action::Open);
    assert!(matches!(app.overlay, Overlay::None));
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains(":reopen"))
    );
    app.update(Action::Back);

    // Follow-up: the VSE accepts a finding.
    command(&mut app, "finding accept NC-1 --by 'Sofia Reyes'");
    assert_eq!(
        app.message.as_deref(),
        Some("NC-1: accepted by Sofia Reyes on 2026-11-30   z undoes")
    );
    let f = app.opened.record.finding("NC-1").unwrap();
    assert_eq!(f.vse_accepted.as_ref().unwrap().by, "Sofia Reyes");

    // Only the lead auditor reopens, with a reason.
    command(&mut app, "reopen --by 'Claire Martin'");
    assert!(
        command_error(&app).contains("--reason"),
        "{}",
        command_error(&app)
    );
    press(&mut app, &[KeyCode::Esc]);
    command(
        &mut app,
        "reopen --by 'Claire Martin' --reason 'wrong date'",
    );
    assert!(
        app.opened.record.assessment.sign_off().is_none(),
        "{:?}",
        app.overlay
    );
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("reopened"))
    );
}

/// Reports and the evidence check are for the event loop (no file is touched here); the
/// status is a note; a read-only view and a restricted interview refuse what they cannot do.
#[test]
fn the_command_menu_hands_reports_and_checks_to_the_loop() {
    use vse_assess::report::Format;
    use vse_assess::tui::app::Effect;
    let mut app = ready_to_sign();
    let beside = |ext: &str| app.opened.path.with_extension(ext);
    let (html, follow_up) = (beside("html"), beside("follow-up.md"));
    command(&mut app, "report --format html");
    command(&mut app, "report --follow-up");
    command(&mut app, "report -o x.md --sign key");
    command(&mut app, "verify");
    assert_eq!(
        app.take_effects(),
        [
            Effect::WriteReport {
                output: html,
                format: Format::Html,
                sign: None
            },
            Effect::WriteReport {
                output: follow_up,
                format: Format::FollowUp,
                sign: None
            },
            Effect::WriteReport {
                output: "x.md".into(),
                format: Format::Markdown,
                sign: Some("key".into())
            },
            Effect::VerifyEvidence,
        ]
    );
    command(&mut app, "report --follow-up --format csv");
    assert!(command_error(&app).contains("markdown or html"));
    press(&mut app, &[KeyCode::Esc]);
    command(&mut app, "status");
    assert!(
        matches!(
            &app.overlay,
            Overlay::Notice {
                title: "Status",
                ..
            }
        ),
        "{:?}",
        app.overlay
    );
    app.update(Action::Back);

    app.read_only = true;
    command(&mut app, "finalize --by 'Claire Martin'");
    assert!(
        command_error(&app).contains("read-only"),
        "{}",
        command_error(&app)
    );
    press(&mut app, &[KeyCode::Esc]);
    app.read_only = false;
    app.opened.access = Access::folder_of(&app.opened.path);
    command(&mut app, "report");
    assert!(
        command_error(&app).contains("restricted"),
        "{}",
        command_error(&app)
    );
    assert!(app.take_effects().is_empty());
    assert!(app.opened.record.assessment.sign_off().is_none());
}

/// `o` says what the list then shows, in the words of the help.
#[test]
fn o_says_what_it_filters() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    app.update(Action::ToggleOnlyOpen);
    assert_eq!(
        app.message.as_deref(),
        Some("the list shows only requirements not yet rated (o shows all again)")
    );
    app.update(Action::ToggleOnlyOpen);
    assert!(
        app.message
            .as_deref()
            .is_some_and(|m| m.contains("every requirement"))
    );
    let help = keymap::BINDINGS
        .iter()
        .find(|b| b.keys_label() == "o")
        .unwrap();
    assert!(help.meaning.contains("only requirements not yet rated"));
}

/// On a terminal that shows ASCII only, the footer names Enter in words: its symbol would
/// show as `<`, which is another key.
#[test]
fn an_ascii_terminal_reads_enter_not_a_look_alike() {
    let tmp = TempDir::new().unwrap();
    let mut app = App::new(common::opened(&fresh(tmp.path())));
    app.update(Action::StartInterview);
    assert!(screen(&app, 100, 24).contains("↵ next"));
    app.theme.ascii = true;
    let shown = screen(&app, 100, 24);
    assert!(
        shown.contains("Enter next") && !shown.contains('↵'),
        "{shown}"
    );
}

// ---- Undo and redo -------------------------------------------------------------------

/// Nothing from before a sign-off is undone; on the final record `z` undoes the follow-up
/// changes made since, and a reopening starts the history again.
#[test]
fn undo_stops_at_a_sign_off_and_then_undoes_only_the_follow_up() {
    let mut app = ready_to_sign();
    press(&mut app, &[KeyCode::Enter]); // from the details to the questions
    char_key(&mut app, 'p');
    assert!(
        app.message.as_deref().unwrap().ends_with("z undoes"),
        "{:?}",
        app.message
    );
    char_key(&mut app, 'z'); // a P there would stand in the way of the sign-off
    app.update(Action::Paste("seen on site".into()));
    press(&mut app, &[KeyCode::Esc]);
    command(&mut app, "finalize --by 'Claire Martin' --date 2026-11-30");
    char_key(&mut app, 'y');
    let said = app.message.clone().unwrap();
    assert!(
        said.starts_with("signed off")
            && said.ends_with(
                "signed off: nothing before it can be undone here; reopen to change what was found"
            ),
        "{said}"
    );
    let signed = app.opened.record.clone();
    char_key(&mut app, 'z');
    assert_eq!(
        app.message.as_deref(),
        Some(
            "nothing to undo (signed off: nothing before it can be undone here; reopen to change what was found)"
        )
    );
    assert_eq!(app.opened.record, signed);

    // The follow-up of the final record: an action done, then undone and redone.
    char_key(&mut app, 'b');
    select_row(&mut app, &action_row("NC-1", "A-1"));
    char_key(&mut app, ' ');
    let done = app.opened.record.clone();
    assert_ne!(done, signed, "{:?}", app.message);
    assert!(
        app.message.as_deref().unwrap().ends_with("z undoes"),
        "{:?}",
        app.message
    );
    char_key(&mut app, 'z');
    assert_eq!(
        app.message.as_deref(),
        Some("undone: A-1 changed   Ctrl+R redoes")
    );
    assert_eq!(app.opened.record, signed);
    key(&mut app, ctrl('r'));
    assert_eq!(
        app.message.as_deref(),
        Some("redone: A-1 changed   z undoes")
    );
    assert_eq!(app.opened.record, done);

    // A reopening is a barrier too.
    command(
        &mut app,
        "reopen --by 'Claire Martin' --reason 'a typo' --date 2026-11-30",
    );
    assert!(
        app.message
            .as_deref()
            .unwrap()
            .ends_with("reopened: nothing before the reopening can be undone"),
        "{:?}",
        app.message
    );
    char_key(&mut app, 'z');
    assert_eq!(
        app.message.as_deref(),
        Some("nothing to undo (reopened: nothing before the reopening can be undone)")
    );
}

/// After an undo the status line says what was undone and how to redo it, at 80 columns.
#[test]
fn snapshot_undo_80() {
    let mut app = example_app();
    press(&mut app, &[KeyCode::Enter]);
    char_key(&mut app, 'l');
    char_key(&mut app, 'z');
    insta::assert_snapshot!("undo_80", screen(&app, 80, 24));
}

/// A form, a question or a menu cancelled with Esc leaves the interview as it was: the same
/// screen, focus, selection and keys (no mode left behind), the record unchanged and
/// nothing to undo. Tried from every screen, and from the findings and actions lists.
#[test]
fn a_cancelled_form_leaves_no_mode_behind() {
    let down = KeyCode::Down;
    let to_7_2_g = [down, down, down, down, down];
    let places: &[(&str, Vec<KeyCode>)] = &[
        ("question", vec![]),
        ("findings", [&to_7_2_g[..], &[KeyCode::Tab]].concat()),
        (
            "actions",
            [&to_7_2_g[..], &[KeyCode::Tab, KeyCode::Tab]].concat(),
        ),
        ("details", vec![KeyCode::Char('i'), down, down]),
        ("register", vec![KeyCode::Char('v'), down]),
        ("follow-up", vec![KeyCode::Char('b'), down]),
    ];
    let mut tried = 0;
    for (place, keys) in places {
        for k in "xtkmawcjey d\n:/".chars() {
            let mut app = example_app();
            press(&mut app, &[KeyCode::Enter]);
            press(&mut app, keys);
            let state = |app: &App| (app.mode(), app.screen, app.focus, app.item, app.current);
            let (before, record) = (state(&app), app.opened.record.clone());
            let code = if k == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(k)
            };
            press(&mut app, &[code]);
            if matches!(app.mode(), vse_assess::tui::app::Mode::Normal(..)) {
                continue; // nothing opened here
            }
            tried += 1;
            press(&mut app, &[KeyCode::Esc]);
            assert_eq!(state(&app), before, "{place}, {k:?} then Esc");
            assert_eq!(app.opened.record, record, "{place}, {k:?} then Esc");
            char_key(&mut app, 'z');
            assert_eq!(
                app.message.as_deref(),
                Some("nothing to undo: no change made in this session"),
                "{place}, {k:?} then Esc"
            );
        }
    }
    assert!(tried > 40, "only {tried} forms opened");
}

/// `a` in a requirement's picker adds an item under the next free id (proposed: Enter
/// keeps it, typing replaces it), linked to that requirement, and marked as not a file
/// when it is not one; the picker comes back on it.
#[test]
fn evidence_added_from_the_picker_is_linked_under_a_proposed_id() {
    let tmp = TempDir::new().unwrap();
    let path = fresh(tmp.path());
    let mut app = App::new(common::opened(&path));
    app.screen = Screen::Question;
    press(&mut app, &[KeyCode::Char('e'), KeyCode::Char('a')]);
    let Overlay::Editor(e) = &app.overlay else {
        panic!("no form: {:?}", app.overlay)
    };
    assert_eq!(e.title, "New evidence, linked to 7.2.a");
    assert_eq!(e.value(0), "E1");
    press(&mut app, &[KeyCode::Enter]); // the id proposed
    typed(&mut app, "Opening meeting");
    press(&mut app, &[KeyCode::Enter, KeyCode::Right]); // kind: record
    press(&mut app, &[KeyCode::Enter]);
    typed(&mut app, "Lyon office");
    press(&mut app, &[KeyCode::Enter, KeyCode::Right]); // not a file
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter]);
    assert!(
        matches!(app.overlay, Overlay::Picker { row: 0 }),
        "{:?}",
        app.overlay
    );
    assert_eq!(
        app.message.as_deref(),
        Some("E1 added to the register, linked to 7.2.a   z undoes")
    );
    let item = app.opened.record.evidence_item("E1").unwrap();
    assert_eq!(item.supports, ["7.2.a"]);
    assert!(!item.file, "marked as not a file");
    // The next one is proposed E2; typing replaces the proposal.
    press(&mut app, &[KeyCode::Char('a')]);
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.value(0) == "E2"));
    typed(&mut app, "MIN");
    assert!(matches!(&app.overlay, Overlay::Editor(e) if e.value(0) == "MIN"));
    press(&mut app, &[KeyCode::Esc]);
    // From the register screen, an item added supports nothing yet, and is a file.
    app.update(Action::ShowEvidence);
    press(&mut app, &[KeyCode::Char('a'), KeyCode::Enter]);
    typed(&mut app, "Minutes");
    for _ in 0..5 {
        press(&mut app, &[KeyCode::Enter]);
    }
    let item = app.opened.record.evidence_item("E2").unwrap();
    assert!(item.supports.is_empty() && item.file, "{item:?}");
    assert_eq!(
        app.message.as_deref(),
        Some("E2 added to the register   z undoes")
    );
}

/// The finding form's evidence: Tab completes the id being typed from the register and
/// shows its title; several that start alike are listed; nothing typed goes on.
#[test]
fn tab_completes_evidence_ids_from_the_register() {
    let mut app = example_app();
    app.update(Action::JumpTo);
    typed(&mut app, "7.2.g");
    app.update(Action::Confirm);
    press(&mut app, &[KeyCode::Tab, KeyCode::Enter]); // NC-2's form
    press(&mut app, &[KeyCode::Enter, KeyCode::Enter, KeyCode::Enter]);
    let form = |app: &App| match &app.overlay {
        Overlay::Editor(e) => (e.value(6), e.error.clone().unwrap_or_default(), e.focus),
        o => panic!("no form: {o:?}"),
    };
    assert_eq!(form(&app).0, "RR");
    typed(&mut app, ", s");
    press(&mut app, &[KeyCode::Tab]);
    let (value, said, _) = form(&app);
    assert_eq!(value, "RR, S");
    assert_eq!(
        said,
        "SP · Strategic plan 2026-2028 and 2026 budget; SK · Skills matrix and 2026 training plan"
    );
    typed(&mut app, "k");
    press(&mut app, &[KeyCode::Tab]);
    let (value, said, _) = form(&app);
    assert_eq!(value, "RR, SK, ");
    assert_eq!(said, "SK · Skills matrix and 2026 training plan");
    typed(&mut app, "zz");
    press(&mut app, &[KeyCode::Tab]);
    let (value, said, _) = form(&app);
    assert_eq!(value, "RR, SK, zz");
    assert_eq!(
        said,
        "no evidence starts with `zz` in the register (v opens it)"
    );
    for _ in 0..2 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    press(&mut app, &[KeyCode::Tab]);
    assert_eq!(form(&app).2, 0, "nothing typed: Tab goes on");
    press(&mut app, &[KeyCode::BackTab]);
    press(&mut app, &[KeyCode::Enter]);
    assert_eq!(
        app.opened.record.finding("NC-2").unwrap().evidence,
        ["RR", "SK"]
    );
}

/// A view that changes nothing (read-only, following) offers only the keys that work there:
/// no rating, note, finding or undo on the question screen, no link or add on the register;
/// moving, searching and the help stay. Every key it still lists changes nothing.
#[test]
fn a_read_only_footer_shows_only_the_keys_that_work() {
    let mut app = example_app();
    let question = screen(&app, 80, 24);
    assert!(question.contains("rate"), "{question}");
    app.read_only = true;
    let before = app.opened.record.clone();
    let shown = screen(&app, 80, 24);
    let footer = shown.lines().last().unwrap();
    for word in ["rate", "note", "finding", "n/a", "undo"] {
        assert!(!footer.contains(word), "{word}: {footer}");
    }
    assert!(footer.contains("? help"), "{footer}");
    for keys in [keymap::read_only_footer(app.mode()), {
        app.update(Action::ShowEvidence);
        keymap::read_only_footer(app.mode())
    }] {
        for (k, ..) in keys {
            for c in k.chars().filter(|c| c.is_ascii_alphanumeric()) {
                char_key(&mut app, c);
                app.update(Action::Back);
            }
        }
    }
    assert_eq!(app.opened.record, before);
    app.update(Action::ShowEvidence);
    let register = screen(&app, 80, 24);
    let footer = register.lines().last().unwrap();
    assert!(
        !footer.contains("add") && !footer.contains("link") && !footer.contains("edit"),
        "{footer}"
    );
    app.update(Action::ShowSetup);
    let details = screen(&app, 80, 24);
    let footer = details.lines().last().unwrap();
    assert!(
        !footer.contains("edit") && !footer.contains("condition"),
        "{footer}"
    );
}
