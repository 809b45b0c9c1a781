//! What one action costs the interview, in process: `App::update` and one frame drawn on
//! ratatui's `TestBackend` at 80x24, for each kind of key. No terminal and no pty, so the
//! figures are the program's own share of a key's latency.
//!
//! `cargo bench --bench frames -- RECORD` (a record of the scale benchmark, see
//! `benches/run.sh`; without one, the shipped example).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ratatui::{Terminal, backend::TestBackend};
use ratatui_textarea::{Input, Key};
use vse_assess::record::access::Access;
use vse_assess::record::store;
use vse_assess::tui::{action::Action, app::App};

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or_else(
            || PathBuf::from("reports/example-assessment.toml"),
            PathBuf::from,
        );
    let started = Instant::now();
    // The app never writes: saving is the event loop's, and there is none here.
    let mut app = App::new(
        store::open(&path, &Access::Unrestricted, vse_assess::clock::today())
            .expect("a record to measure"),
    );
    let opened = started.elapsed();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    let mut frame = |app: &App| {
        let t = Instant::now();
        terminal
            .draw(|f| f.render_widget(app, f.area()))
            .expect("drawn");
        t.elapsed()
    };
    let first = frame(&app);
    println!("{}", path.display());
    println!("open {opened:.1?}, first frame {first:.1?}");
    println!(
        "{:<22} {:>12} {:>12}",
        "action (median of 15)", "update", "frame"
    );
    let char_a = || {
        Action::Input(Input {
            key: Key::Char('a'),
            ..Input::default()
        })
    };
    let mut measure =
        |app: &mut App, label: &str, setup: &[Action], action: &dyn Fn() -> Action| {
            for a in setup {
                app.update(a.clone());
            }
            let mut updates = Vec::new();
            let mut frames = Vec::new();
            for _ in 0..15 {
                let t = Instant::now();
                app.update(action());
                updates.push(t.elapsed());
                frames.push(frame(app));
            }
            println!(
                "{label:<22} {:>12.1?} {:>12.1?}",
                median(&mut updates),
                median(&mut frames)
            );
        };
    measure(&mut app, "next question", &[], &|| Action::Next);
    measure(&mut app, "previous question", &[], &|| Action::Prev);
    measure(&mut app, "typed character", &[Action::EditNotes], &char_a);
    let key = |key: Key| {
        move || {
            Action::Input(Input {
                key,
                ..Input::default()
            })
        }
    };
    // Moving about a long note, then typing in its middle.
    measure(&mut app, "notes, up", &[], &key(Key::Up));
    measure(&mut app, "notes, page up", &[], &key(Key::PageUp));
    measure(&mut app, "notes, down", &[], &key(Key::Down));
    measure(&mut app, "notes, left", &[], &key(Key::Left));
    measure(&mut app, "typed in the middle", &[], &char_a);
    measure(&mut app, "notes, enter", &[], &key(Key::Enter));
    measure(
        &mut app,
        "summary, down",
        &[Action::Back, Action::ShowSummary],
        &|| Action::Down,
    );
    measure(&mut app, "evidence, down", &[Action::ShowEvidence], &|| {
        Action::Down
    });
    measure(
        &mut app,
        "evidence picker, down",
        &[Action::Back, Action::Back, Action::PickEvidence],
        &|| Action::Down,
    );
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}
