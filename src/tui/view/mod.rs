//! Drawing: a pure function of the state (`impl Widget for &App`). Text from records and
//! questionnaires is neutralised before it reaches the screen, and wrapped here (not by the
//! terminal) so that wide characters never break the layout.

mod popup;
mod question;
mod screens;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::app::{App, Mode, Overlay, SaveState, Screen};
use super::editor::{is_shown_neutralised, shown_line};
use super::keymap;
use crate::text::neutralize;

/// Below this the layout cannot hold a question; a message says so instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

/// Draws a frame, with the terminal's own cursor where typing goes (so input methods and
/// screen readers follow it), hidden elsewhere.
pub fn draw(frame: &mut ratatui::Frame, app: &App) {
    let area = frame.area();
    if let Some(at) = render(app, area, frame.buffer_mut()) {
        frame.set_cursor_position(at);
    }
}

/// The screen without the cursor (a test's snapshot).
impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self, area, buf);
    }
}

/// Draws everything; returns where typing goes, if anywhere.
fn render(app: &App, area: Rect, buf: &mut Buffer) -> Option<Position> {
    let mut cursor = None;
    app.render_into(area, buf, &mut cursor);
    cursor
}

impl App {
    fn render_into(&self, area: Rect, buf: &mut Buffer, cursor: &mut Option<Position>) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(area, buf);
            return;
        }
        let said = self.message_rows(area.width);
        let [header, message, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(said.len() as u16),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.header(header, buf);
        buf.set_style(message, self.theme.bar());
        Paragraph::new(said).render(message, buf);
        match self.screen {
            Screen::Question => question::render(self, body, buf, cursor),
            Screen::Setup => screens::setup(self, body, buf),
            Screen::Guidance => screens::guidance(self, body, buf),
            Screen::Evidence => screens::evidence(self, body, buf),
            Screen::Summary => screens::summary(self, body, buf),
            Screen::FollowUp => screens::follow_up(self, body, buf),
            Screen::Help => screens::help(self, body, buf),
            Screen::Messages => screens::messages(self, body, buf),
        }
        popup::render(self, body, buf, cursor);
        match &self.search {
            Some(s) if self.mode() == Mode::Search => search_prompt(self, s, footer, buf, cursor),
            _ => key_help(self, footer, buf),
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let text = format!(
        "Terminal too small ({}x{}). vse-assess needs at least {MIN_WIDTH}x{MIN_HEIGHT}: enlarge the window. Your answers are saved; q quits.",
        area.width, area.height
    );
    let lines = wrap_spans(vec![Span::raw(text)], area.width.max(1), 0);
    Paragraph::new(lines).render(area, buf);
}

/// A status message takes at most this many rows under the title bar; a longer one ends
/// with "… ! shows all".
const MESSAGE_ROWS: usize = 4;

impl App {
    /// What the status line says: the last message, or where a search stands.
    fn status(&self) -> Option<String> {
        self.message.clone().or_else(|| self.search_status())
    }

    /// The status message on rows of its own under the title bar, when it does not fit on
    /// it beside the file name: wrapped, never cut off unseen.
    fn message_rows(&self, width: u16) -> Vec<Line<'static>> {
        let Some(m) = self.status() else {
            return Vec::new();
        };
        let m = neutralize(&m);
        let right = self.save_text(width).0.width() + 1;
        if m.width() < (width as usize).saturating_sub(right) {
            return Vec::new();
        }
        let mut lines = wrap_spans(vec![Span::raw(format!(" {m}"))], width, 1);
        if lines.len() > MESSAGE_ROWS {
            lines.truncate(MESSAGE_ROWS);
            let last = lines.pop().expect("four rows");
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let more = " … ! shows all";
            let kept = truncate(&text, (width as usize).saturating_sub(more.width()));
            lines.push(Line::raw(format!("{}{more}", kept.trim_end_matches('…'))));
        }
        lines
    }

    /// The right of the title bar: the file, and whether it is saved.
    fn save_text(&self, width: u16) -> (String, Style) {
        let t = self.theme;
        let (save_text, save_style) = match &self.save {
            _ if self.read_only => ("READ-ONLY".to_string(), t.error()),
            // Signed off: what was found is frozen, the follow-up is saved as ever.
            _ if self.opened.record.assessment.sign_off().is_some() => {
                let saved = match &self.save {
                    SaveState::Failed { error } => format!("NOT SAVED ({error}), retrying"),
                    SaveState::Conflict => "CHANGED ON DISK: not saving".to_string(),
                    _ if self.dirty => "saving…".to_string(),
                    SaveState::Unchanged => "no changes".to_string(),
                    SaveState::Saved => "saved".to_string(),
                };
                (format!("FINAL · {saved}"), t.error())
            }
            // No clock: a time that ticks would redraw the header with every key.
            SaveState::Unchanged if !self.dirty => ("no changes".to_string(), t.bar()),
            SaveState::Unchanged | SaveState::Saved if self.dirty => {
                ("saving…".to_string(), t.bar())
            }
            SaveState::Unchanged | SaveState::Saved => ("saved".to_string(), t.bar()),
            SaveState::Failed { error } => (format!("NOT SAVED ({error}), retrying"), t.error()),
            SaveState::Conflict => ("CHANGED ON DISK: not saving".to_string(), t.error()),
        };
        // The file always shows: the one the answers go to (NAME.mine.toml after a conflict).
        let file = self
            .opened
            .path
            .file_name()
            .map(|n| neutralize(&n.to_string_lossy()))
            .unwrap_or_default();
        let save_text = truncate(
            &format!("{} · {save_text}", truncate(&file, 24)),
            (width / 2) as usize,
        );
        (save_text, save_style)
    }

    fn header(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        buf.set_style(area, t.bar());
        let (save_text, save_style) = self.save_text(area.width);
        let right_width = save_text.width() as u16 + 1;
        // A message too long for this row has rows of its own below.
        let status = self
            .status()
            .filter(|_| self.message_rows(area.width).is_empty());
        let left = match &status {
            Some(m) => format!(" {}", neutralize(m)),
            None => {
                let vse = &self.opened.record.assessment.vse;
                let vse = if vse.trim().is_empty() {
                    "(VSE not named)"
                } else {
                    vse
                };
                format!(" vse-assess · {}", neutralize(vse))
            }
        };
        let left_area = Rect {
            width: area.width.saturating_sub(right_width),
            ..area
        };
        // A record made with other questionnaire text: the questions on screen are not the
        // ones its answers were given to. Said on every screen, before anything else.
        let warning = if self.opened.questionnaire_changed && status.is_none() {
            " QUESTIONNAIRE CHANGED "
        } else {
            ""
        };
        let left = truncate(
            &left,
            (left_area.width as usize).saturating_sub(warning.width()),
        );
        let left_width = left.width() as u16;
        Line::raw(left).style(t.bar()).render(left_area, buf);
        if !warning.is_empty() {
            let warning_area = Rect {
                x: left_area.x + left_width,
                width: left_area.width.saturating_sub(left_width),
                ..left_area
            };
            Line::styled(warning, t.error()).render(warning_area, buf);
        }
        let right_area = Rect {
            x: area.x + area.width - right_width,
            width: right_width,
            ..area
        };
        Line::styled(save_text, save_style).render(right_area, buf);
    }
}

/// The search being typed, where the key help goes: what is typed, and how many match.
fn search_prompt(
    app: &App,
    search: &crate::tui::app::Search,
    area: Rect,
    buf: &mut Buffer,
    cursor: &mut Option<Position>,
) {
    let t = app.theme;
    let hint = match search.matches.len() {
        _ if search.query.is_empty() => "type what to find (any case) · Esc cancels".to_string(),
        0 => "no match · Esc cancels".to_string(),
        1 => "1 match · Enter goes there · Esc cancels".to_string(),
        n => format!("{n} matches · Enter goes to the first · Esc cancels"),
    };
    // A query wider than the row shows its end, where typing goes.
    let room = (area.width as usize)
        .saturating_sub(hint.width() + 4)
        .max(8);
    let query = safe(&search.query);
    let mut shown: Vec<char> = Vec::new();
    let mut w = 0;
    for c in query.chars().rev() {
        w += c.width().unwrap_or(0);
        if w > room {
            break;
        }
        shown.insert(0, c);
    }
    let shown: String = shown.into_iter().collect();
    let x = area.x + 1 + shown.width() as u16;
    Line::from(vec![
        Span::styled("/", t.key()),
        Span::raw(shown),
        Span::raw("  "),
        Span::styled(hint, t.dim()),
    ])
    .render(area, buf);
    if x < area.right() {
        *cursor = Some(Position { x, y: area.y });
    }
}

/// The key help line, from the key table: as many (key, description) pairs as fit, most
/// useful first; "? help" always.
fn key_help(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme;
    let mut pairs = if app.read_only {
        keymap::read_only_footer(app.mode())
    } else {
        keymap::footer(app.mode())
    };
    if t.ascii {
        for (keys, ..) in &mut pairs {
            *keys = keys.replace('↵', "Enter");
        }
    }
    let width = |(k, w, _): &(String, &str, bool)| k.width() + w.width() + 3;
    let pinned: usize = pairs.iter().filter(|p| p.2).map(width).sum();
    let mut budget = (area.width as usize).saturating_sub(pinned);
    let mut spans = Vec::new();
    let fitting = pairs.iter().filter(|p| !p.2).take_while(|p| {
        let w = width(p);
        let fits = w <= budget;
        budget = budget.saturating_sub(w);
        fits
    });
    for (keys, word, _) in fitting.chain(pairs.iter().filter(|p| p.2)) {
        spans.push(Span::styled(format!(" {keys}"), t.key()));
        spans.push(Span::raw(format!(" {word} ")));
    }
    Line::from(spans).render(area, buf);
}

/// Cuts `s` to `max` columns, ending with "…" when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Word-wraps styled text to `width` columns; continuation lines are indented by `indent`.
/// Words wider than a line are broken between characters. Line breaks in the text are kept.
pub fn wrap_spans(spans: Vec<Span<'static>>, width: u16, indent: usize) -> Vec<Line<'static>> {
    let width = (width as usize).max(indent + 2);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut line: Vec<Span<'static>> = Vec::new();
    let mut used = 0usize;
    // Set right after an automatic wrap: spaces there are dropped.
    let mut wrapped = false;
    let new_line =
        |lines: &mut Vec<Line<'static>>, line: &mut Vec<Span<'static>>, used: &mut usize| {
            while line
                .last()
                .is_some_and(|s| !s.content.is_empty() && s.content.trim().is_empty())
            {
                line.pop();
            }
            lines.push(Line::from(std::mem::take(line)));
            line.push(Span::raw(" ".repeat(indent)));
            *used = indent;
        };
    for span in spans {
        let style: Style = span.style;
        let text = span.content.into_owned();
        for (i, segment) in text.split('\n').enumerate() {
            if i > 0 {
                new_line(&mut lines, &mut line, &mut used);
                wrapped = false;
            }
            for word in split_keep_spaces(segment) {
                let w = word.width();
                if word.starts_with(' ') {
                    if used + w > width {
                        new_line(&mut lines, &mut line, &mut used);
                        wrapped = true;
                    } else if !wrapped {
                        line.push(Span::styled(word.to_string(), style));
                        used += w;
                    }
                    continue;
                }
                wrapped = false;
                if used + w > width && used > indent {
                    new_line(&mut lines, &mut line, &mut used);
                }
                if used + w <= width {
                    line.push(Span::styled(word.to_string(), style));
                    used += w;
                    continue;
                }
                // A word longer than the line: break it by characters.
                let mut chunk = String::new();
                for c in word.chars() {
                    let cw = c.width().unwrap_or(0);
                    if used + cw > width {
                        line.push(Span::styled(std::mem::take(&mut chunk), style));
                        new_line(&mut lines, &mut line, &mut used);
                    }
                    chunk.push(c);
                    used += cw;
                }
                line.push(Span::styled(chunk, style));
            }
        }
    }
    lines.push(Line::from(line));
    lines
}

/// The first rows of `text` as [`wrap_spans`] lays it out (neutralised, no indent), enough to
/// fill `room` rows, and how many rows the whole text makes. Only the source lines that reach
/// the screen are laid out; the others are only counted, so a long text costs little more than
/// a short one.
pub fn wrap_preview(text: &str, width: u16, room: usize) -> (Vec<Line<'static>>, usize) {
    let columns = (width as usize).max(2);
    let mut rows = 0;
    let mut end = 0;
    let mut cut = None;
    for segment in text.split('\n') {
        rows += segment_rows(segment, columns);
        end += segment.len();
        if rows >= room {
            cut = Some(end);
            break;
        }
        end += 1;
    }
    let total = match cut {
        Some(cut) if cut < text.len() => all_rows(text, columns),
        _ => rows,
    };
    let cut = cut.unwrap_or(text.len());
    let shown = &text[..cut];
    let mut lines = wrap_spans(vec![Span::raw(safe(shown))], width, 0);
    if shown.len() < text.len()
        && let Some(last) = lines.last_mut()
    {
        // As the line break after it would: trailing spaces dropped.
        while last
            .spans
            .last()
            .is_some_and(|s| !s.content.is_empty() && s.content.trim().is_empty())
        {
            last.spans.pop();
        }
    }
    (lines, total)
}

/// Texts this long have their rows counted once for all the frames that show them.
const REMEMBERED: usize = 4096;

thread_local! {
    /// The last long texts counted (the notes and the working notes on screen): (columns,
    /// text, rows). Comparing a text with its copy costs far less than counting its rows.
    static COUNTED: std::cell::RefCell<Vec<(usize, String, usize)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The rows [`wrap_spans`] makes of the whole `text` at `columns` (at least 2), no indent.
fn all_rows(text: &str, columns: usize) -> usize {
    let count = || text.split('\n').map(|s| segment_rows(s, columns)).sum();
    if text.len() < REMEMBERED {
        return count();
    }
    COUNTED.with_borrow_mut(|counted| {
        if let Some(&(_, _, rows)) = counted.iter().find(|(c, t, _)| *c == columns && t == text) {
            return rows;
        }
        let rows = count();
        counted.insert(0, (columns, text.to_owned(), rows));
        counted.truncate(2);
        rows
    })
}

/// How many rows [`wrap_spans`] makes of one line of text (no line break in it), neutralised,
/// at `width` columns (at least 2) with no indent, without making them.
fn segment_rows(segment: &str, width: usize) -> usize {
    if let Some(rows) = ascii_rows(segment.as_bytes(), width) {
        return rows;
    }
    let segment = safe(segment);
    let mut rows = Rows::new(width);
    for word in split_keep_spaces(&segment) {
        if word.starts_with(' ') {
            rows.spaces(word.width());
        } else if !rows.word(word.width()) {
            rows.cut(word.chars().map(|c| c.width().unwrap_or(0)));
        }
    }
    rows.rows
}

/// [`segment_rows`] of printable ASCII: one column a byte, words and spaces found by bytes.
/// None if the text is not all printable ASCII.
fn ascii_rows(segment: &[u8], width: usize) -> Option<usize> {
    let mut rows = Rows::new(width);
    let mut i = 0;
    while i < segment.len() {
        let space = segment[i] == b' ';
        let start = i;
        while i < segment.len() && (segment[i] == b' ') == space {
            if !(0x20..0x7f).contains(&segment[i]) {
                return None;
            }
            i += 1;
        }
        let w = i - start;
        if space {
            rows.spaces(w);
        } else if !rows.word(w) {
            // One column a character: whole rows, then the rest, without a walk.
            rows.rows += (w - 1) / width;
            rows.used = match w % width {
                0 => width,
                r => r,
            };
        }
    }
    Some(rows.rows)
}

/// The rows [`wrap_spans`] lays a line out in, counted a word or a run of spaces at a time.
struct Rows {
    width: usize,
    rows: usize,
    /// Columns used on the last row.
    used: usize,
    /// The last row was started by spaces that did not fit: the rest of them are dropped.
    wrapped: bool,
}

impl Rows {
    fn new(width: usize) -> Rows {
        Rows {
            width,
            rows: 1,
            used: 0,
            wrapped: false,
        }
    }

    /// A run of spaces `w` columns wide.
    fn spaces(&mut self, w: usize) {
        if self.used + w > self.width {
            self.rows += 1;
            self.used = 0;
            self.wrapped = true;
        } else if !self.wrapped {
            self.used += w;
        }
    }

    /// A word `w` columns wide: on this row or the next; false when it is longer than a row,
    /// left for [`Rows::cut`] at the start of a row.
    fn word(&mut self, w: usize) -> bool {
        self.wrapped = false;
        if self.used + w > self.width && self.used > 0 {
            self.rows += 1;
            self.used = 0;
        }
        if self.used + w <= self.width {
            self.used += w;
            return true;
        }
        false
    }

    /// A word longer than a row, cut by columns (`widths`, one per character).
    fn cut(&mut self, widths: impl Iterator<Item = usize>) {
        for cw in widths {
            if self.used + cw > self.width {
                self.rows += 1;
                self.used = 0;
            }
            self.used += cw;
        }
    }
}

/// Text made of pieces that wrap in every way: words, runs of spaces, wide characters, a
/// word longer than the line, tabs, controls, empty lines; the same for the same seed.
#[cfg(test)]
pub(crate) fn mixed_text(seed: u64, pieces: usize) -> String {
    const PIECES: &[&str] = &[
        "word",
        " ",
        "  ",
        "   ",
        "a",
        "中文",
        "é",
        "\n",
        "\n\n",
        "\t",
        "averyveryverylongwordindeed",
        "\u{1b}",
        "x y z",
        "🙂",
        "\u{202e}",
        "\r",
        "",
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::new();
    for _ in 0..pieces {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
    }
    out
}

/// "a  b c" -> ["a", "  ", "b", " ", "c"].
fn split_keep_spaces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in s.char_indices() {
        let space = c == ' ';
        if in_space.is_some_and(|s| s != space) {
            out.push(&s[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// Draws an editor's text. The editor holds every character as it is; those the terminal
/// must not get are drawn as their visible symbols ([`shown_line`]), from a copy.
pub fn text_area(
    text: &ratatui_textarea::TextArea,
    area: Rect,
    buf: &mut Buffer,
    cursor: &mut Option<Position>,
) {
    // Printable ASCII (and tabs) is shown as it is: only other lines are looked at closely.
    let held = text.lines().iter().any(|l| {
        !l.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t')
            && l.chars().any(is_shown_neutralised)
    });
    let copy;
    let shown = if held {
        // Laid out once as it is, off screen, so that the editor keeps its scrolling and its
        // map of screen lines for the cursor keys; then the copy, from the same scrolling.
        text.render(area, &mut Buffer::empty(area));
        let mut c = text.clone();
        let at = text.cursor();
        let lines: Vec<String> = text.lines().iter().map(|l| shown_line(l)).collect();
        c.select_all();
        c.insert_str(lines.join("\n"));
        c.move_cursor(ratatui_textarea::CursorMove::Jump(
            u16::try_from(at.0).unwrap_or(u16::MAX),
            u16::try_from(at.1).unwrap_or(u16::MAX),
        ));
        copy = c;
        &copy
    } else {
        text
    };
    shown.render(area, buf);
    // Where typing goes, for the terminal's own cursor: the text's cursor on screen, less
    // what the text area scrolled while rendering.
    let at = shown.screen_cursor();
    let (top, left) = shown.scroll_offset();
    let x = (at.col as u16).checked_sub(left).map(|c| area.x + c);
    let y = (at.row as u16).checked_sub(top).map(|r| area.y + r);
    if let (Some(x), Some(y)) = (x, y)
        && x < area.right()
        && y < area.bottom()
    {
        *cursor = Some(Position { x, y });
    }
}

/// Neutralised text as a span.
pub fn safe(s: &str) -> String {
    neutralize(s)
}

/// A centred rectangle of at most `w` x `h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Whether the popup shown over the body is the notes editor (drawn in place instead).
pub fn editing_notes(app: &App) -> bool {
    matches!(&app.overlay, Overlay::Editor(e) if e.purpose.is_live())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wrapping_respects_width_with_wide_characters() {
        let lines = wrap_spans(vec![Span::raw("中文中文中文 abc")], 6, 0);
        for l in &lines {
            assert!(l.width() <= 6, "{l:?}");
        }
        assert_eq!(text(&lines), ["中文中", "文中文", "abc"]);
    }

    #[test]
    fn wrapping_keeps_line_breaks_and_indents() {
        let lines = wrap_spans(vec![Span::raw("one two three\nfour")], 9, 2);
        assert_eq!(text(&lines), ["one two", "  three", "  four"]);
    }

    #[test]
    fn truncation_adds_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("中文中文", 5), "中文…");
    }

    #[test]
    fn a_preview_is_the_first_rows_of_the_whole_wrap_and_counts_them_all() {
        for case in 0..400 {
            let t = mixed_text(case, (case % 60) as usize);
            let width = (case % 23) as u16;
            let whole = text(&wrap_spans(vec![Span::raw(safe(&t))], width, 0));
            for room in 0..8 {
                let (rows, total) = wrap_preview(&t, width, room);
                assert_eq!(total, whole.len(), "{t:?} at {width}");
                let rows = text(&rows);
                assert!(rows.len() >= room.min(whole.len()), "{t:?} at {width}");
                assert_eq!(rows, whole[..rows.len()], "{t:?} at {width}, {room} rows");
            }
        }
    }

    #[test]
    fn a_preview_lays_out_only_the_lines_it_shows() {
        let line = "Interview with the project manager, 2026-11-16: showed the plan. ";
        let notes = vec![line; 8000].join("\n");
        let (rows, total) = wrap_preview(&notes, 40, 5);
        assert_eq!(total, 16000);
        assert!(rows.len() < 8, "{}", rows.len());
        // Counted once, then remembered: for that text at that width only.
        assert_eq!(wrap_preview(&notes, 40, 5).1, 16000);
        assert_eq!(wrap_preview(&notes, 80, 5).1, 8000);
        let mut changed = notes.clone();
        changed.replace_range(100..101, "\n");
        changed.replace_range(70..71, "averyveryveryverylongwordindeedthatwrapsontwo ");
        let whole = wrap_spans(vec![Span::raw(safe(&changed))], 40, 0).len();
        assert_ne!(whole, 16000);
        assert_eq!(wrap_preview(&changed, 40, 5).1, whole);
    }

    /// The interview on the tests' audit (tests/fixtures/audit.toml), its first requirement holding `size` bytes of
    /// notes, with the notes editor open: the lines its text area wrapped for each key.
    fn interview_lines_wrapped_per_key(size: usize) -> Vec<usize> {
        use crate::tui::action::Action;
        use ratatui_textarea::{Input, Key};
        let example = std::fs::read_to_string("tests/fixtures/audit.toml").unwrap();
        let line = "Interview with the project manager: showed the plan and the minutes. ";
        let notes = vec![line; size / line.len()].join("\n");
        let header = "[requirements.\"7.2.a\"]\n";
        let at = example.find(header).unwrap() + header.len();
        let old = at + example[at..].find("\nnotes = \"").unwrap() + 1;
        let old_end = old + example[old..].find('\n').unwrap() + 1;
        let record = format!(
            "{}notes = '''\n{notes}'''\n{}{}",
            &example[..at],
            &example[at..old],
            &example[old_end..]
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.toml");
        std::fs::write(&path, record).unwrap();
        let opened = crate::record::store::open(
            &path,
            &crate::record::access::Access::Unrestricted,
            jiff::civil::date(2026, 11, 30),
        )
        .unwrap();
        let mut app = App::new(opened);
        assert_eq!(app.requirement().id, "7.2.a");
        let area = Rect::new(0, 0, 80, 24);
        let mut buf = Buffer::empty(area);
        app.update(Action::EditNotes);
        (&app).render(area, &mut buf);
        let wrapped = |app: &App| match &app.overlay {
            Overlay::Editor(e) => e.fields[0].text.lines_wrapped(),
            _ => panic!("the notes editor is open"),
        };
        let keys = [
            Key::Char('a'),
            Key::Enter,
            Key::Char('b'),
            Key::Up,
            Key::PageUp,
        ]
        .into_iter()
        .chain([
            Key::Down,
            Key::Left,
            Key::Char('c'),
            Key::Backspace,
            Key::End,
        ]);
        keys.map(|key| {
            let before = wrapped(&app);
            app.update(Action::Input(Input {
                key,
                ..Input::default()
            }));
            (&app).render(area, &mut buf);
            wrapped(&app) - before
        })
        .collect()
    }

    #[test]
    fn a_key_in_the_interview_wraps_no_more_of_a_long_note_than_of_a_short_one() {
        let long = interview_lines_wrapped_per_key(500_000);
        assert!(long.iter().all(|&n| n <= 2), "{long:?}");
        assert_eq!(long, interview_lines_wrapped_per_key(5_000));
    }
}
