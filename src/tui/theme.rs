//! Styles. Colour is limited to the 16 named colours (COLORTERM does not cross SSH); with
//! NO_COLOR set only bold, reverse and underline are used, so focus and selection stay
//! visible on a monochrome screen.

use ratatui::style::{Color, Modifier, Style};

use crate::rating::Judgement;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
    /// The terminal shows ASCII only: keys are named in words where a symbol would turn
    /// into a look-alike that means another key (`↵` into `<`).
    pub ascii: bool,
}

impl Theme {
    /// Colour where the terminal has some (`terminal_colour`), unless NO_COLOR is set to
    /// anything non-empty (no-color.org).
    pub fn from_env(terminal_colour: bool) -> Theme {
        Theme {
            ascii: false,
            colour: terminal_colour && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub const MONO: Theme = Theme {
        colour: false,
        ascii: false,
    };
    pub const COLOUR: Theme = Theme {
        colour: true,
        ascii: false,
    };

    fn fg(self, c: Color) -> Style {
        if self.colour {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn bar(self) -> Style {
        if self.colour {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn label(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }

    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        if self.colour {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn focus_border(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn rating(self, j: Option<Judgement>) -> Style {
        let c = match j {
            Some(Judgement::N) => Color::Red,
            Some(Judgement::P) => Color::Magenta,
            Some(Judgement::L) => Color::Yellow,
            Some(Judgement::F) => Color::Green,
            Some(Judgement::NA) => Color::Blue,
            None => return self.dim(),
        };
        self.fg(c).add_modifier(Modifier::BOLD)
    }
}
