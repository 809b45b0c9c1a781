//! A small form in a popup: one or more fields, single-line or multi-line text, or a choice
//! among fixed values. The notes editor is the same thing with one multi-line field.

use ratatui_textarea::{Input, Key, TextArea, WrapMode};

#[derive(Debug, Clone)]
pub enum FieldKind {
    Line,
    Multiline,
    Choice {
        options: Vec<String>,
        selected: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub label: String,
    pub kind: FieldKind,
    pub text: TextArea<'static>,
    /// Rows shown in a form (text wraps within them).
    pub rows: u16,
}

impl Field {
    pub fn line(label: &str, value: &str) -> Field {
        Field::new(label, FieldKind::Line, value)
    }

    /// One paragraph, shown on three rows; Enter confirms.
    pub fn long_line(label: &str, value: &str) -> Field {
        Field {
            rows: 3,
            ..Field::new(label, FieldKind::Line, value)
        }
    }

    pub fn multiline(label: &str, value: &str) -> Field {
        Field {
            rows: 5,
            ..Field::new(label, FieldKind::Multiline, value)
        }
    }

    pub fn choice(label: &str, options: &[&str], selected: usize) -> Field {
        Field::new(
            label,
            FieldKind::Choice {
                options: options.iter().map(|s| s.to_string()).collect(),
                selected,
            },
            "",
        )
    }

    fn new(label: &str, kind: FieldKind, value: &str) -> Field {
        let lines: Vec<String> = if value.is_empty() {
            vec![String::new()]
        } else {
            // Text from a file may hold control characters: edit what is shown.
            crate::text::neutralize(value)
                .split('\n')
                .map(str::to_owned)
                .collect()
        };
        let mut text = TextArea::new(lines);
        text.set_wrap_mode(WrapMode::WordOrGlyph);
        text.set_cursor_line_style(ratatui::style::Style::default());
        // Start at the end, ready to add.
        text.move_cursor(ratatui_textarea::CursorMove::Bottom);
        text.move_cursor(ratatui_textarea::CursorMove::End);
        Field {
            label: label.to_owned(),
            kind,
            text,
            rows: 1,
        }
    }

    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, selected } => options[*selected].clone(),
            _ => self.text.lines().join("\n"),
        }
    }

    pub fn is_multiline(&self) -> bool {
        matches!(self.kind, FieldKind::Multiline)
    }
}

/// What an editor is for: decides what Confirm does with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Notes of a requirement, applied as they are typed.
    Notes(String),
    Justification(String),
    Finding(String),
    Action(String),
    Interviewee(String),
    JumpTo,
    /// A field of the setup form, by its index.
    Setup(usize),
    NewEvidence,
    EditEvidence(usize),
}

#[derive(Debug, Clone)]
pub struct Editor {
    pub title: String,
    pub purpose: Purpose,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last Confirm was refused.
    pub error: Option<String>,
}

impl Editor {
    pub fn new(title: &str, purpose: Purpose, fields: Vec<Field>) -> Editor {
        Editor {
            title: title.to_owned(),
            purpose,
            fields,
            focus: 0,
            error: None,
        }
    }

    pub fn focused(&self) -> &Field {
        &self.fields[self.focus]
    }

    pub fn value(&self, i: usize) -> String {
        self.fields[i].value()
    }

    /// Whether Enter adds a line break rather than moving on.
    pub fn enter_is_newline(&self) -> bool {
        self.focused().is_multiline()
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
    }

    /// Whether the focus is on the last field (Enter there submits the form).
    pub fn on_last_field(&self) -> bool {
        self.focus + 1 == self.fields.len()
    }

    /// A key for the focused field; returns whether its value changed.
    pub fn input(&mut self, input: Input) -> bool {
        let field = &mut self.fields[self.focus];
        match &mut field.kind {
            FieldKind::Choice { options, selected } => {
                let n = options.len();
                match input.key {
                    Key::Left | Key::Up => *selected = (*selected + n - 1) % n,
                    Key::Right | Key::Down | Key::Char(' ') => *selected = (*selected + 1) % n,
                    _ => return false,
                }
                true
            }
            FieldKind::Line if input.key == Key::Enter => false,
            _ => field.text.input(input),
        }
    }

    /// Pasted text: line breaks normalised; a single-line field gets them as spaces.
    pub fn paste(&mut self, text: &str) -> bool {
        let text = crate::text::neutralize(&text.replace("\r\n", "\n").replace('\r', "\n"));
        let field = &mut self.fields[self.focus];
        match field.kind {
            FieldKind::Choice { .. } => false,
            FieldKind::Line => field.text.insert_str(text.replace('\n', " ")),
            FieldKind::Multiline => field.text.insert_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paste_keeps_lines_in_multiline_fields_only() {
        let mut e = Editor::new("t", Purpose::JumpTo, vec![Field::multiline("Notes", "")]);
        e.paste("one\r\ntwo\rthree");
        assert_eq!(e.value(0), "one\ntwo\nthree");
        let mut e = Editor::new("t", Purpose::JumpTo, vec![Field::line("Name", "")]);
        e.paste("a\nb");
        assert_eq!(e.value(0), "a b");
    }

    #[test]
    fn choices_cycle() {
        let mut e = Editor::new(
            "t",
            Purpose::JumpTo,
            vec![Field::choice("Class", &["a", "b", "c"], 0)],
        );
        e.input(Input {
            key: Key::Left,
            ..Input::default()
        });
        assert_eq!(e.value(0), "c");
        e.input(Input {
            key: Key::Char(' '),
            ..Input::default()
        });
        assert_eq!(e.value(0), "a");
    }
}
