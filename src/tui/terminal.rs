//! The real terminal: raw mode and the alternate screen, giving it back, job control
//! (Ctrl+Z, `fg`), and the threads that read it, watch it hang up and take signals. The
//! event loop reaches it through [`Tty`], which a test implements on a `TestBackend`.

use std::io;
use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

use anyhow::Result;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{self, EnterAlternateScreen};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};

use super::{Msg, input, output};

/// What the event loop needs of a terminal: somewhere to draw, and the job control around it.
pub(crate) trait Tty {
    type Backend: Backend;
    fn terminal(&mut self) -> &mut Terminal<Self::Backend>;
    /// Sends the frame just drawn.
    fn flush(&mut self) -> Result<()>;
    /// Whether we are the terminal's foreground job (drawn only then).
    fn foreground(&self) -> bool;
    /// Whether a shell can continue us after a stop.
    fn job_control(&self) -> bool;
    /// Gives the terminal back and stops until the shell continues us; then takes it again.
    fn stop(&mut self) -> Result<()>;
    /// Continued after a stop we did not see coming (SIGSTOP): the shell may have reset the
    /// terminal, so set it up again if it is ours.
    fn continued(&mut self) -> Result<()>;
}

/// The interview's terminal: crossterm writing through [`output::FrameWriter`].
pub(crate) type Term = Terminal<CrosstermBackend<output::FrameWriter<io::Stdout>>>;

/// The process's own terminal.
pub(crate) struct RealTerminal {
    terminal: Term,
}

impl Tty for RealTerminal {
    type Backend = CrosstermBackend<output::FrameWriter<io::Stdout>>;

    fn terminal(&mut self) -> &mut Term {
        &mut self.terminal
    }

    fn flush(&mut self) -> Result<()> {
        self.terminal.backend_mut().writer_mut().send()?;
        Ok(())
    }

    fn foreground(&self) -> bool {
        foreground()
    }

    fn job_control(&self) -> bool {
        job_control()
    }

    fn stop(&mut self) -> Result<()> {
        leave();
        // Stops here until SIGCONT (`fg`).
        signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
        enter(&mut self.terminal)
    }

    fn continued(&mut self) -> Result<()> {
        if foreground() {
            enter(&mut self.terminal)?;
        }
        Ok(())
    }
}

/// Raw mode, the alternate screen, and a terminal writing through the output filter.
pub(crate) fn start(caps: output::Caps) -> Result<RealTerminal> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let backend = CrosstermBackend::new(output::FrameWriter::new(io::stdout(), caps));
    Ok(RealTerminal {
        terminal: Terminal::new(backend)?,
    })
}

/// Bracketed paste: a paste arrives whole, not as keys.
pub(crate) fn enable_paste() {
    let _ = execute!(io::stdout(), EnableBracketedPaste);
}

/// Gives the terminal back as it was found: cooked mode, main screen, no bracketed paste.
/// Each step on its own and none of them an error: a terminal that is gone (the window
/// closed, the connection dropped) needs no restoring.
pub(crate) fn leave() {
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// A line on stderr, which may be a terminal that is gone: unlike `eprintln!`, a failed
/// write is not a panic.
pub(crate) fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(io::stderr(), "{line}");
}

/// Takes the terminal again (after a suspension) and has the next frame drawn whole.
fn enter(terminal: &mut Term) -> Result<()> {
    // The shell may have set the terminal back to lines while we were stopped, which crossterm
    // cannot know: leave raw mode as far as it knows, then enter it for real.
    let _ = terminal::disable_raw_mode();
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    // A resize clears the screen and forgets the last frame, without `clear`'s cursor
    // position query, which some terminals never answer.
    let size = terminal.size()?;
    terminal.backend_mut().writer_mut().forget();
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    terminal.backend_mut().writer_mut().send()?;
    Ok(())
}

/// Terminal input, on a thread of its own feeding the loop. What arrived in one burst is
/// read whole, so that an Esc bunched with the next key can be told apart from it.
pub(crate) fn read_input(tx: Sender<Msg>) {
    thread::spawn(move || {
        loop {
            let mut burst = Vec::new();
            let read = event::read().map(|first| {
                burst.push(first);
                while event::poll(Duration::ZERO).unwrap_or(false) {
                    match event::read() {
                        Ok(e) => burst.push(e),
                        Err(_) => break,
                    }
                }
            });
            for e in input::repair_bunched_esc(burst) {
                if tx.send(Msg::Term(e)).is_err() {
                    return;
                }
            }
            if read.is_err() {
                let _ = tx.send(Msg::Gone);
                return;
            }
        }
    });
}

/// Waits for the terminal to hang up. A process started with `setsid` gets no SIGHUP when
/// its terminal closes, and reading a closed terminal returns nothing, forever, at once: so
/// wait in `poll` for the hang-up itself, which uses no CPU until it comes.
pub(crate) fn watch_hang_up(tx: Sender<Msg>) {
    thread::spawn(move || {
        let fd = tty_fd();
        loop {
            // No events asked for: poll returns only for a hang-up or an error.
            let mut p = libc::pollfd {
                fd,
                events: 0,
                revents: 0,
            };
            let n = unsafe { libc::poll(&mut p, 1, -1) };
            if n < 0 && io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            if n < 0 || p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                let _ = tx.send(Msg::Gone);
                return;
            }
        }
    });
}

/// The signals that end, stop or continue the interview, as messages to the loop.
pub(crate) fn watch_signals(tx: Sender<Msg>) -> Result<()> {
    let mut signals =
        signal_hook::iterator::Signals::new([SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGTSTP, SIGCONT])?;
    thread::spawn(move || {
        for sig in signals.forever() {
            if tx.send(Msg::Signal(sig)).is_err() {
                break;
            }
        }
    });
    Ok(())
}

/// Whether we are the terminal's foreground job (if it cannot tell, assume so).
fn foreground() -> bool {
    unsafe {
        let pgrp = libc::tcgetpgrp(tty_fd());
        pgrp < 0 || pgrp == libc::getpgrp()
    }
}

/// The terminal's file descriptor: stdin when it is one, else the controlling terminal.
fn tty_fd() -> i32 {
    use std::os::fd::AsRawFd;
    static TTY: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    if unsafe { libc::isatty(0) } == 1 {
        return 0;
    }
    TTY.get_or_init(|| std::fs::File::open("/dev/tty").ok())
        .as_ref()
        .map_or(0, |f| f.as_raw_fd())
}

/// Whether a shell with job control started us: our parent is in our session but in
/// another process group (otherwise the kernel would leave a stopped process orphaned).
fn job_control() -> bool {
    unsafe {
        let parent = libc::getppid();
        libc::getsid(parent) == libc::getsid(0) && libc::getpgid(parent) != libc::getpgrp()
    }
}

/// Whether the full-screen interview can run here: a terminal on both ends that is not
/// `TERM=dumb`. Elsewhere (a pipe, a screen reader's dumb terminal) the plain line-by-line
/// interview runs instead.
pub fn usable_terminal() -> bool {
    use std::io::IsTerminal;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    !dumb && io::stdin().is_terminal() && io::stdout().is_terminal()
}
