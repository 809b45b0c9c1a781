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

/// What a field of a form holds: forms are read by these names, never by position, so that
/// adding or moving a field cannot make one value land in another's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    /// The one text of a single-field form (notes, a justification, a name list...).
    Text,
    Class,
    Finding,
    What,
    Owner,
    Due,
    Correction,
    RootCause,
    Evidence,
    /// The other requirements a finding is raised under.
    AlsoUnder,
    /// The other findings a finding points at.
    See,
    Met,
    Note,
    Id,
    Title,
    Kind,
    Location,
    /// Whether an item's location is a file (hashed, checked by `verify`) or not.
    IsFile,
    Version,
    By,
    Date,
    /// A verification's outcome: effective or not.
    Effective,
    /// Who proposed an action (the VSE), and when.
    ProposedBy,
    ProposedOn,
    /// When an action was done.
    Completed,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: Name,
    pub label: String,
    pub kind: FieldKind,
    pub text: TextArea<'static>,
    /// Rows shown in a form (text wraps within them).
    pub rows: u16,
    /// The value is a proposal (the next free id): the first character typed or pasted
    /// replaces it, Enter keeps it, any other key edits it.
    pub proposed: bool,
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
        Field {
            name: Name::Text,
            label: label.to_owned(),
            kind,
            text: text_area(value),
            rows: 1,
            proposed: false,
        }
    }

    /// A line holding a proposal, `value`, that typing replaces.
    pub fn proposed(label: &str, value: &str) -> Field {
        Field {
            proposed: !value.is_empty(),
            ..Field::line(label, value)
        }
    }

    /// The same field under another name.
    pub fn named(self, name: Name) -> Field {
        Field { name, ..self }
    }

    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, selected } => options[*selected].clone(),
            _ => self.text.lines().join("\n"),
        }
    }

    /// Puts a value back (a draft from an earlier session); false for a choice that is not
    /// on offer (any more).
    pub fn set_value(&mut self, value: &str) -> bool {
        self.proposed &= self.value() == value;
        match &mut self.kind {
            FieldKind::Choice { options, selected } => {
                match options.iter().position(|o| o == value) {
                    Some(i) => *selected = i,
                    None => return false,
                }
            }
            _ => self.text = text_area(value),
        }
        true
    }

    pub fn is_multiline(&self) -> bool {
        matches!(self.kind, FieldKind::Multiline)
    }
}

/// What an editor is for: which form it is, and what that form is about (by id). The form
/// that serves it (`form_of` in `app/forms.rs`, the one place a purpose is told apart)
/// decides everything else: what Confirm does with the values, how a draft is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Notes of a requirement, applied as they are typed.
    Notes(String),
    /// Working notes of a requirement (never in any report), applied as they are typed.
    WorkingNotes(String),
    Justification(String),
    /// A new finding about a requirement.
    Finding(String),
    /// A new action about one of a requirement's findings.
    Action(String),
    /// A finding, by id.
    EditFinding(String),
    /// An action, by id.
    EditAction(String),
    Interviewee(String),
    JumpTo,
    /// A field of the setup form, by which detail it is (never by its place in the list:
    /// a row added would put an old draft into another field).
    Setup(crate::tui::app::SetupRow),
    /// A clause 6 condition's answer, note and evidence, by the condition's id.
    Condition(String),
    /// What was sampled for a requirement.
    Sampling(String),
    NewEvidence,
    /// A new item of the register, linked to a requirement (added from its picker), by
    /// the requirement's id.
    NewEvidenceFor(String),
    /// An item of the register, by its id.
    EditEvidence(String),
    /// Who signs the assessment off, and when: the record becomes final.
    SignOff,
    /// The VSE's response to a nonconformity (correction, root cause), by the finding's id.
    Response(String),
    /// A new action for a nonconformity, from the follow-up view, by the finding's id.
    NewFollowUpAction(String),
    /// An action's plan, completion and evidence, from the follow-up view, by its id.
    FollowUpAction(String),
    /// The team's acceptance of an action, by the action's id.
    AcceptAction(String),
    /// The team's verification of a nonconformity, by the finding's id.
    Verify(String),
}

/// A text area holding `value` exactly, every character as it is: [`Field::value`] gives it
/// back unchanged. Only the screen shows a neutralised form of it ([`shown_line`]).
fn text_area(value: &str) -> TextArea<'static> {
    let lines: Vec<String> = value.split('\n').map(str::to_owned).collect();
    let mut text = TextArea::new(lines);
    text.set_wrap_mode(WrapMode::WordOrGlyph);
    text.set_cursor_line_style(ratatui::style::Style::default());
    // The terminal's own cursor shows where typing goes (see `view::text_area`).
    text.set_cursor_style(ratatui::style::Style::default());
    // Start at the end, ready to add.
    text.move_cursor(ratatui_textarea::CursorMove::Bottom);
    text.move_cursor(ratatui_textarea::CursorMove::End);
    text
}

/// Whether the screen shows `c` as something else: a control character (other than a tab,
/// which the editor lays out itself) or a bidirectional control.
pub fn is_shown_neutralised(c: char) -> bool {
    crate::text::placeholder(c).is_some()
}

/// A line of the editor as the screen shows it: each control as its visible symbol, one
/// character for one, so that the layout of the real text still fits.
pub fn shown_line(line: &str) -> String {
    line.chars()
        .map(|c| crate::text::placeholder(c).unwrap_or(c))
        .collect()
}

/// A form left unfinished when the interview ended (quit, hang-up, a dropped connection):
/// kept beside the record and offered back the next time it is opened.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub form: String,
    #[serde(default)]
    pub target: String,
    pub values: Vec<String>,
    /// The values the form opened with: if what it edits reads differently now, it changed
    /// (or is another thing under the same id), and the draft is not put on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub was: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Editor {
    pub title: String,
    pub purpose: Purpose,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last Confirm was refused.
    pub error: Option<String>,
    /// The values the form opened with: a form left with other values is a draft worth keeping.
    initial: Vec<String>,
}

impl Editor {
    pub fn new(title: &str, purpose: Purpose, fields: Vec<Field>) -> Editor {
        let initial = fields.iter().map(Field::value).collect();
        // Open where the typing goes: a choice (a finding's class) has a sensible default.
        let focus = fields
            .iter()
            .position(|f| !matches!(f.kind, FieldKind::Choice { .. }))
            .unwrap_or(0);
        Editor {
            title: title.to_owned(),
            purpose,
            fields,
            focus,
            error: None,
            initial,
        }
    }

    pub fn values(&self) -> Vec<String> {
        self.fields.iter().map(Field::value).collect()
    }

    /// The values the form opened with.
    pub fn opened_with(&self) -> &[String] {
        &self.initial
    }

    /// Whether something was typed or chosen since the form opened.
    pub fn is_changed(&self) -> bool {
        self.values() != self.initial
    }

    /// What to keep of this form if the interview ends now.
    pub fn draft(&self) -> Option<Draft> {
        let (form, target) = self.purpose.draft_key()?;
        self.is_changed().then(|| Draft {
            form: form.to_owned(),
            target,
            values: self.values(),
            was: self.initial.clone(),
        })
    }

    pub fn focused(&self) -> &Field {
        &self.fields[self.focus]
    }

    pub fn value(&self, i: usize) -> String {
        self.fields[i].value()
    }

    /// Which option of the choice called `name` is chosen, by its place among the options:
    /// a form maps it to its own values, never by comparing the words shown.
    pub fn chosen(&self, name: Name) -> usize {
        match self.fields.iter().find(|f| f.name == name).map(|f| &f.kind) {
            Some(FieldKind::Choice { selected, .. }) => *selected,
            _ => panic!("the form has no {name:?} choice"),
        }
    }

    /// The value of the field called `name`.
    pub fn get(&self, name: Name) -> String {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(Field::value)
            .unwrap_or_else(|| panic!("the form has no {name:?} field"))
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
            _ => {
                let typing = matches!(input.key, Key::Char(_)) && !input.ctrl && !input.alt;
                if std::mem::take(&mut field.proposed) && typing {
                    field.text = text_area("");
                }
                // Readline's keys where the text area has others: Ctrl+U deletes to the
                // start of the line (its undo), and Ctrl+_ undoes (terminals send it as
                // Ctrl+7, and Ctrl+/ alike). Ctrl+W, Ctrl+K, Ctrl+A, Ctrl+E and Ctrl+R are
                // already readline's.
                match input.key {
                    Key::Char('u' | 'U') if input.ctrl && !input.alt => {
                        field.text.delete_line_by_head()
                    }
                    Key::Char('_' | '7' | '/') if input.ctrl && !input.alt => field.text.undo(),
                    _ => field.text.input(input),
                }
            }
        }
    }

    /// Pasted text: line breaks normalised (terminals send CR for them); a single-line field
    /// gets them as spaces. Tabs stay tabs (columns pasted from a spreadsheet).
    pub fn paste(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let field = &mut self.fields[self.focus];
        if std::mem::take(&mut field.proposed) && !matches!(field.kind, FieldKind::Choice { .. }) {
            field.text = text_area("");
        }
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
    fn text_is_kept_exactly_as_it_was() {
        let notes = "a\tb\r\nc \u{1b}[1m \u{202e} \u{10001b} \u{10202e} \u{100000}";
        let mut e = Editor::new("t", Purpose::JumpTo, vec![Field::multiline("Notes", notes)]);
        assert_eq!(e.value(0), notes);
        e.input(Input {
            key: Key::Char('!'),
            ..Input::default()
        });
        assert_eq!(e.value(0), format!("{notes}!"));
        e.paste("x\ty");
        assert_eq!(
            e.value(0),
            format!("{notes}!x\ty"),
            "a pasted tab stays a tab"
        );
        assert!(e.is_changed());
    }

    #[test]
    fn text_fields_take_readline_keys() {
        let ctrl = |c| Input {
            key: Key::Char(c),
            ctrl: true,
            ..Input::default()
        };
        let mut e = Editor::new("t", Purpose::JumpTo, vec![Field::line("Name", "")]);
        e.paste("Ana Lopez Reyes");
        e.input(ctrl('w'));
        assert_eq!(e.value(0), "Ana Lopez ", "Ctrl+W deletes the word before");
        e.input(ctrl('a'));
        e.input(Input {
            key: Key::Char('>'),
            ..Input::default()
        });
        e.input(ctrl('k'));
        assert_eq!(
            e.value(0),
            ">",
            "Ctrl+A goes to the start, Ctrl+K deletes to the end"
        );
        e.input(ctrl('7'));
        assert_eq!(e.value(0), ">Ana Lopez ", "Ctrl+_ (sent as Ctrl+7) undoes");
        e.input(ctrl('r'));
        assert_eq!(e.value(0), ">", "Ctrl+R redoes");
        e.input(ctrl('_'));
        e.input(ctrl('e'));
        e.input(Input {
            key: Key::Left,
            ..Input::default()
        });
        e.input(ctrl('u'));
        assert_eq!(e.value(0), " ", "Ctrl+U deletes to the start of the line");
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

    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;
    use ratatui_textarea::CursorMove;

    fn key(key: Key) -> Input {
        Input {
            key,
            ..Input::default()
        }
    }

    /// The text area drawn in full (tall enough for every row) on `width` columns.
    fn drawn(text: &TextArea, width: u16) -> Buffer {
        let area = Rect::new(0, 0, width, 400);
        let mut buf = Buffer::empty(area);
        text.render(area, &mut buf);
        buf
    }

    /// A text area made afresh with the same lines and cursor: wrapped from nothing.
    fn afresh(text: &TextArea) -> TextArea<'static> {
        let mut fresh = text_area(&text.lines().join("\n"));
        let ratatui_textarea::DataCursor(row, col) = text.cursor();
        fresh.move_cursor(CursorMove::Jump(row as u16, col as u16));
        fresh
    }

    #[test]
    fn rows_wrapped_line_by_line_are_those_of_a_whole_wrap() {
        for seed in 0..40 {
            let width = 2 + (seed % 19) as u16;
            let mut text = text_area(&crate::tui::view::mixed_text(seed, 30));
            drawn(&text, width);
            // Edits of every kind, each checked against the same text wrapped afresh: the
            // screen, and where the cursor is on it at every place in the text.
            let edits = [
                key(Key::Char('q')),
                key(Key::Enter),
                key(Key::Char('中')),
                key(Key::Backspace),
                key(Key::Backspace),
                key(Key::Up),
                key(Key::Char(' ')),
                key(Key::Delete),
                key(Key::Home),
                key(Key::Backspace),
            ];
            for (i, edit) in edits.into_iter().enumerate() {
                text.input(edit);
                if i == 3 {
                    text.insert_str("pasted  line\nand 文字 more");
                }
                let fresh = afresh(&text);
                assert_eq!(
                    drawn(&text, width),
                    drawn(&fresh, width),
                    "seed {seed}, edit {i}"
                );
                let ratatui_textarea::DataCursor(row, col) = text.cursor();
                for (r, line) in text.lines().to_vec().iter().enumerate() {
                    for c in 0..=line.chars().count() {
                        let at = CursorMove::Jump(r as u16, c as u16);
                        let mut probe = fresh.clone();
                        probe.move_cursor(at);
                        text.move_cursor(at);
                        assert_eq!(text.screen_cursor(), probe.screen_cursor(), "seed {seed}");
                    }
                }
                text.move_cursor(CursorMove::Jump(row as u16, col as u16));
            }
        }
    }

    #[test]
    fn the_cursor_moves_by_screen_rows_across_a_wrapped_line() {
        let mut e = Editor::new(
            "t",
            Purpose::JumpTo,
            vec![Field::multiline(
                "Notes",
                "first\none two three four five six",
            )],
        );
        drawn(&e.fields[0].text, 10);
        // The long line takes three rows or more on 10 columns; the cursor is on its last.
        let last = e.fields[0].text.screen_cursor().row;
        assert!(last >= 3, "{last}");
        e.input(key(Key::Up));
        assert_eq!(e.fields[0].text.cursor().0, 1, "still in the long line");
        assert_eq!(e.fields[0].text.screen_cursor().row, last - 1);
        for _ in 2..last {
            e.input(key(Key::Up));
        }
        assert_eq!(e.fields[0].text.screen_cursor().row, 1);
        assert_eq!(e.fields[0].text.cursor().0, 1);
        e.input(key(Key::Up));
        assert_eq!(e.fields[0].text.cursor().0, 0, "on the first line");
        e.input(key(Key::Down));
        e.input(key(Key::Down));
        assert_eq!(e.fields[0].text.screen_cursor().row, 2);
        assert_eq!(e.fields[0].text.cursor().0, 1);
    }

    /// The lines wrapped while typing and moving about in a note of `size` bytes, shown in a
    /// box of 20 rows, key by key.
    fn lines_wrapped_per_key(size: usize) -> Vec<usize> {
        let line = "Interview with the project manager: showed the plan, the minutes, 中文 too. ";
        let notes: Vec<&str> = std::iter::repeat_n(line, size / line.len()).collect();
        let mut e = Editor::new(
            "t",
            Purpose::JumpTo,
            vec![Field::multiline("Notes", &notes.join("\n"))],
        );
        let area = Rect::new(0, 0, 60, 20);
        let mut buf = Buffer::empty(area);
        e.fields[0].text.render(area, &mut buf);
        let mut keys = vec![key(Key::Char('a')), key(Key::Enter), key(Key::Backspace)];
        keys.extend([Key::Up, Key::PageUp, Key::Down, Key::Left, Key::Char('b')].map(key));
        keys.extend([Key::Home, Key::Backspace, Key::End].map(key));
        keys.into_iter()
            .map(|k| {
                let before = e.fields[0].text.lines_wrapped();
                e.input(k);
                e.fields[0].text.render(area, &mut buf);
                e.fields[0].text.lines_wrapped() - before
            })
            .collect()
    }

    #[test]
    fn a_key_wraps_the_lines_it_changed_whatever_the_length_of_the_note() {
        let long = lines_wrapped_per_key(500_000);
        assert!(long.iter().all(|&n| n <= 2), "{long:?}");
        assert_eq!(long, lines_wrapped_per_key(5_000));
    }
}
