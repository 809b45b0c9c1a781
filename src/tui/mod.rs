//! `vse-assess interview`: the terminal UI. The event loop here does all the I/O (terminal,
//! signals, saving); [`app`] holds the state and its one update function; [`keymap`] turns
//! keys into [`action::Action`]s; [`view`] draws the state.

pub mod action;
pub mod app;
pub mod editor;
pub mod keymap;
pub mod markdown;
pub mod theme;
pub mod view;

use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyModifiers,
};
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{execute, style};

use crate::record::lock::Lock;
use crate::record::store;
use action::Action;
use app::{App, Effect, SaveState};

/// How often a failed save is tried again.
const RETRY: Duration = Duration::from_secs(2);

enum Msg {
    Term(Event),
    /// Reading the terminal failed: it is gone (SSH dropped, window closed).
    Gone,
    Signal,
}

/// Why the interview ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Quit,
    Signal,
    TerminalGone,
}

/// Runs the interview on an opened record until the user quits, a signal arrives or the
/// terminal goes away. Every change is saved as soon as input pauses. `lock` is the record's
/// edit lock, held for the whole interview; without one the interview is read-only.
pub fn run(opened: store::Opened, lock: Option<Lock>) -> Result<Ended> {
    let mut app = App::new(opened);
    app.theme = theme::Theme::from_env();
    app.read_only = lock.is_none();
    let mut files = Files { lock };

    // crossterm 0.29 turns colour commands into bare resets under NO_COLOR, which wipes the
    // reverse/bold that mark the selection; the theme implements NO_COLOR instead.
    style::force_color_output(true);
    let mut terminal = ratatui::try_init().context("the interview needs a terminal")?;
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableBracketedPaste);
        hook(info);
    }));
    let _ = execute!(io::stdout(), EnableBracketedPaste);

    let result = event_loop(&mut terminal, &mut app, &mut files);

    // Whatever happened, keep the answers and give the terminal back.
    files.save(&mut app);
    let mut notice = None;
    if app.save == SaveState::Conflict && app.dirty {
        files.keep_mine(&mut app);
        notice = app.message.clone();
    }
    let _ = execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    if let Some(n) = notice {
        eprintln!("vse-assess: {n}");
    }
    let ended = result?;
    if let SaveState::Failed { error } = &app.save {
        anyhow::bail!("the last changes could not be saved: {error}");
    }
    Ok(ended)
}

fn event_loop(terminal: &mut DefaultTerminal, app: &mut App, files: &mut Files) -> Result<Ended> {
    let (tx, rx) = mpsc::channel();
    let input = tx.clone();
    thread::spawn(move || {
        loop {
            match event::read() {
                Ok(e) => {
                    if input.send(Msg::Term(e)).is_err() {
                        break;
                    }
                }
                Err(_) => {
                    let _ = input.send(Msg::Gone);
                    break;
                }
            }
        }
    });
    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGQUIT,
    ])?;
    thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Msg::Signal);
        }
    });

    draw(terminal, app)?;
    loop {
        // Block until something happens; wake up on a timer only to retry a failed save.
        let first = if app.may_save() && matches!(app.save, SaveState::Failed { .. }) {
            match rx.recv_timeout(RETRY) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return Ok(Ended::TerminalGone),
            }
        } else {
            Some(rx.recv().map_err(|_| anyhow::anyhow!("input stopped"))?)
        };
        let mut redraw = first.is_none();
        // Take everything already queued (a paste, fast typing) before saving and drawing.
        for msg in first
            .into_iter()
            .chain(std::iter::from_fn(|| rx.try_recv().ok()))
        {
            match msg {
                Msg::Gone => return Ok(Ended::TerminalGone),
                Msg::Signal => return Ok(Ended::Signal),
                Msg::Term(e) => redraw |= handle(app, e),
            }
        }
        for effect in app.take_effects() {
            files.apply(app, effect);
            redraw = true;
        }
        if app.may_save() {
            files.save(app);
            redraw = true;
        }
        if app.quit {
            return Ok(Ended::Quit);
        }
        if redraw {
            draw(terminal, app)?;
        }
    }
}

/// Feeds one terminal event to the app; true if the screen may have changed.
fn handle(app: &mut App, event: Event) -> bool {
    let action = match event {
        // Alt is never bound: it is how terminals report Esc typed just before a key, so it
        // means exactly that (many SSH clients send Alt that way too).
        Event::Key(mut key) if key.modifiers.contains(KeyModifiers::ALT) => {
            let esc = KeyEvent::new_with_kind(KeyCode::Esc, KeyModifiers::NONE, key.kind);
            if let Some(back) = keymap::action(app.mode(), esc) {
                app.update(back);
            }
            key.modifiers.remove(KeyModifiers::ALT);
            keymap::action(app.mode(), key)
        }
        Event::Key(key) => keymap::action(app.mode(), key),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(..) => return true,
        _ => None,
    };
    match action {
        Some(a) => {
            app.update(a);
            true
        }
        None => false,
    }
}

fn draw(terminal: &mut DefaultTerminal, app: &App) -> Result<()> {
    // Synchronized updates stop slow links from showing half-drawn frames.
    let _ = execute!(io::stdout(), BeginSynchronizedUpdate);
    terminal.draw(|frame| frame.render_widget(app, frame.area()))?;
    let _ = execute!(io::stdout(), EndSynchronizedUpdate);
    io::stdout().flush()?;
    Ok(())
}

/// The file side of the interview: saving, the edit lock, and what to do when the file
/// changed under us.
struct Files {
    lock: Option<Lock>,
}

impl Files {
    fn save(&mut self, app: &mut App) {
        if !app.may_save() {
            return;
        }
        match store::save(&mut app.opened) {
            Ok(()) => app.saved(jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string()),
            Err(store::SaveError::Conflict { .. }) => app.conflict(),
            Err(e) => app.save_failed(e.to_string()),
        }
    }

    fn apply(&mut self, app: &mut App, effect: Effect) {
        match effect {
            Effect::HashEvidence { id } => {
                let Some(item) = app.opened.record.evidence_item(&id) else {
                    return;
                };
                let hash = store::hash_local_file(&item.location, &app.opened.path);
                if let Some(item) = app.opened.record.evidence_item_mut(&id) {
                    item.sha256 = hash;
                    app.dirty = true;
                }
            }
            Effect::Reload => match store::open(&app.opened.path) {
                Ok(opened) => app.resolved(opened, "reloaded the version on disk".into()),
                Err(e) => app.message = Some(format!("cannot reload: {e}")),
            },
            Effect::KeepMine => self.keep_mine(app),
        }
    }

    /// Writes the answers in memory to a new file beside the changed one and carries on there.
    fn keep_mine(&mut self, app: &mut App) {
        let path = app.opened.path.clone();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = (1..)
            .map(|n| {
                path.with_file_name(if n == 1 {
                    format!("{stem}.mine.toml")
                } else {
                    format!("{stem}.mine-{n}.toml")
                })
            })
            .find(|p| !p.exists())
            .expect("some name is free");
        app.opened.record.tidy();
        let text = store::to_text(&app.opened.record);
        if let Err(e) = store::create_new(&target, &app.opened.record) {
            app.save_failed(format!("cannot write {}: {e}", target.display()));
            return;
        }
        let mut opened = app.opened.clone();
        opened.path = target.clone();
        opened.disk_sha256 = crate::questionnaire::catalog::sha256_hex(text.as_bytes());
        self.lock = crate::record::lock::lock(&target).ok();
        let name = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let message = format!(
            "your answers are in {}; the changed file stays as {}",
            name(&target),
            name(&path)
        );
        app.resolved(opened, message);
        app.read_only = self.lock.is_none();
    }
}

/// Opens the record for an interview, creating it from the embedded profile if it does not
/// exist yet.
pub fn open_or_create(path: &Path) -> Result<store::Opened> {
    if !path.exists() {
        let loaded =
            crate::questionnaire::catalog::embedded(crate::questionnaire::catalog::DEFAULT)
                .expect("the default questionnaire is embedded")?;
        let record = crate::record::Record::new(&loaded, "", crate::record::Kind::SelfAssessment);
        store::create_new(path, &record)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    Ok(store::open(path)?)
}
