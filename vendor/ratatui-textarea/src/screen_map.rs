use crate::cursor::{DataCursor, ScreenCursor};
use crate::textarea::TextArea;
use crate::util::{char_width, num_digits};
use crate::wrap::{WrapMode, WrappedLine, effective_wrap_width};

#[derive(Debug, Clone, Copy)]
pub(crate) struct ScreenLine {
    pub wrapped: WrappedLine,
    pub screen_width: usize,
    pub cursor_max_col: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DataLine {
    pub first_screen_line: usize,
    pub screen_line_count: usize,
    pub pure_ascii: bool,
}

fn is_pure_ascii(line: &str) -> bool {
    line.is_ascii() && !line.contains('\t')
}

fn char_display_width(c: char, col: usize, tab_len: u8, mask: Option<char>) -> usize {
    // A masked line is drawn as one mask character per char, so each char is as wide as the mask.
    if let Some(mask) = mask {
        char_width(mask)
    } else if c == '\t' {
        let tab = tab_len.max(1) as usize;
        let pad = tab - (col % tab);
        pad.max(1)
    } else {
        char_width(c)
    }
}

fn display_width(text: &str, tab_len: u8, mask: Option<char>) -> usize {
    let mut col = 0usize;
    for c in text.chars() {
        col += char_display_width(c, col, tab_len, mask);
    }
    col
}

fn screen_col_for_char_offset(
    text: &str,
    char_offset: usize,
    tab_len: u8,
    mask: Option<char>,
) -> usize {
    let mut col = 0usize;
    for c in text.chars().take(char_offset) {
        col += char_display_width(c, col, tab_len, mask);
    }
    col
}

fn char_offset_for_screen_col(
    text: &str,
    screen_col: usize,
    tab_len: u8,
    mask: Option<char>,
) -> usize {
    let mut col = 0usize;
    let mut chars = 0usize;
    for c in text.chars() {
        if col >= screen_col {
            break;
        }
        let width = char_display_width(c, col, tab_len, mask);
        if col + width > screen_col {
            break;
        }
        col += width;
        chars += 1;
    }
    chars
}

/// What one line of text wraps to, kept until the line, the width or the wrapping changes.
#[derive(Debug, Clone)]
struct CachedLine {
    text: String,
    /// The line's screen rows, with `wrapped.row` left at 0 (the line's place may change).
    rows: Vec<ScreenLine>,
    pure_ascii: bool,
}

/// The screen rows of every line, by line: a refresh wraps again only the lines that differ
/// from the ones last wrapped (the lines before and after them are matched as they are, so a
/// key typed, a line split or joined wraps one or two lines, whatever the length of the text).
#[derive(Debug, Clone, Default)]
pub(crate) struct WrapCache {
    params: Option<(Option<usize>, WrapMode, u8, Option<char>)>,
    lines: Vec<CachedLine>,
    /// Lines wrapped since the text area was made (for tests and benchmarks).
    wrapped: usize,
}

impl TextArea<'_> {
    /// How many lines were wrapped (laid out into screen rows) since this text area was made:
    /// a key typed into a long text wraps the lines it changed, not the whole text.
    pub fn lines_wrapped(&self) -> usize {
        self.wrap_cache.borrow().wrapped
    }

    fn wrap_line(&self, line: &str, wrap_width: Option<usize>) -> CachedLine {
        let ranges = match wrap_width {
            Some(width) => {
                crate::wrap::line_ranges(line, self.wrap_mode(), width, self.tab_length(), self.mask_char())
            }
            None => vec![(0, line.len())],
        };
        let mut rows = Vec::with_capacity(ranges.len());
        let mut start_col = 0usize;
        for (i, (start_byte, end_byte)) in ranges.iter().copied().enumerate() {
            let fragment = &line[start_byte..end_byte];
            let char_count = fragment.chars().count();
            let end_col = start_col + char_count;
            let wrapped = WrappedLine {
                row: 0,
                start_byte,
                end_byte,
                start_col,
                end_col,
                first_in_row: i == 0,
                last_in_row: i + 1 == ranges.len(),
            };
            let cursor_max_col = if wrapped.last_in_row {
                display_width(fragment, self.tab_length(), self.mask_char())
            } else {
                screen_col_for_char_offset(
                    fragment,
                    char_count.saturating_sub(1),
                    self.tab_length(),
                    self.mask_char(),
                )
            };
            rows.push(ScreenLine {
                wrapped,
                screen_width: display_width(fragment, self.tab_length(), self.mask_char()),
                cursor_max_col,
            });
            start_col = end_col;
        }
        CachedLine {
            text: line.to_owned(),
            rows,
            pure_ascii: is_pure_ascii(line),
        }
    }

    pub(crate) fn screen_map_load(&self) {
        let wrap_width = if self.wrap_mode() != WrapMode::None {
            let width = self.area.get().width;
            if width > 0 {
                let line_number_len = self
                    .line_number_style()
                    .map(|_| num_digits(self.lines.len()));
                Some(effective_wrap_width(width, line_number_len))
            } else {
                None
            }
        } else {
            None
        };

        let mut cache = self.wrap_cache.borrow_mut();
        let params = (wrap_width, self.wrap_mode(), self.tab_length(), self.mask_char());
        if cache.params != Some(params) {
            cache.params = Some(params);
            cache.lines.clear();
        }
        // The lines that are as they were, before and after those that changed.
        let (n, m) = (self.lines.len(), cache.lines.len());
        let same = n.min(m);
        let mut before = 0;
        while before < same && cache.lines[before].text == self.lines[before] {
            before += 1;
        }
        let mut after = 0;
        while after < same - before && cache.lines[m - 1 - after].text == self.lines[n - 1 - after]
        {
            after += 1;
        }
        let fresh: Vec<CachedLine> = self.lines[before..n - after]
            .iter()
            .map(|line| self.wrap_line(line, wrap_width))
            .collect();
        cache.wrapped += fresh.len();
        cache.lines.splice(before..m - after, fresh);

        let mut screen_lines = self.screen_lines.borrow_mut();
        let mut data_pointers = self.data_pointers.borrow_mut();
        screen_lines.clear();
        data_pointers.clear();
        for (row, line) in cache.lines.iter().enumerate() {
            data_pointers.push(DataLine {
                first_screen_line: screen_lines.len(),
                screen_line_count: line.rows.len(),
                pure_ascii: line.pure_ascii,
            });
            screen_lines.extend(line.rows.iter().map(|r| {
                let mut r = *r;
                r.wrapped.row = row;
                r
            }));
        }
    }

    pub(crate) fn screen_lines_count(&self) -> usize {
        self.screen_lines.borrow().len()
    }

    pub(crate) fn screen_line_width(&self, row: usize) -> usize {
        self.screen_lines.borrow()[row].screen_width
    }

    pub(crate) fn screen_line_max_cursor_col(&self, row: usize) -> usize {
        self.screen_lines.borrow()[row].cursor_max_col
    }

    pub(crate) fn screen_line(&self, row: usize) -> ScreenLine {
        self.screen_lines.borrow()[row]
    }

    pub(crate) fn screen_to_array(&self, screen: ScreenCursor) -> DataCursor {
        if let Some(dc) = screen.dc {
            return dc;
        }

        let line = self.screen_line(screen.row);
        let fragment =
            &self.lines[line.wrapped.row][line.wrapped.start_byte..line.wrapped.end_byte];
        let char_offset =
            char_offset_for_screen_col(fragment, screen.col, self.tab_length(), self.mask_char());
        DataCursor(line.wrapped.row, line.wrapped.start_col + char_offset)
    }

    pub(crate) fn array_to_screen(&self, array: DataCursor) -> ScreenCursor {
        let data_line = &self.data_pointers.borrow()[array.0];
        let screen_lines = self.screen_lines.borrow();

        let mut screen_idx = data_line.first_screen_line;
        for idx in
            data_line.first_screen_line..data_line.first_screen_line + data_line.screen_line_count
        {
            let line = screen_lines[idx];
            let contains = if line.wrapped.last_in_row {
                line.wrapped.start_col <= array.1 && array.1 <= line.wrapped.end_col
            } else {
                line.wrapped.start_col <= array.1 && array.1 < line.wrapped.end_col
            };
            if contains {
                screen_idx = idx;
                break;
            }
        }

        let line = screen_lines[screen_idx];
        let fragment = &self.lines[array.0][line.wrapped.start_byte..line.wrapped.end_byte];
        let char_offset = array.1.saturating_sub(line.wrapped.start_col);
        let col =
            screen_col_for_char_offset(fragment, char_offset, self.tab_length(), self.mask_char());

        ScreenCursor {
            row: screen_idx,
            col,
            char: self.lines[array.0].chars().nth(array.1),
            dc: Some(array),
        }
    }

    pub(crate) fn data_cursor(&self, screen: ScreenCursor) -> DataCursor {
        screen.to_array_cursor(self)
    }

    pub(crate) fn increment_screen_cursor(&self, screen: ScreenCursor) -> ScreenCursor {
        let dc = self.data_cursor(screen);
        self.array_to_screen(DataCursor(dc.0, dc.1 + 1))
    }

    pub(crate) fn decrement_screen_cursor(&self, screen: ScreenCursor) -> ScreenCursor {
        let dc = self.data_cursor(screen);
        self.array_to_screen(DataCursor(dc.0, dc.1 - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui_core::layout::Rect;

    fn make_textarea(lines: &[&str], wrap_mode: WrapMode, width: u16) -> TextArea<'static> {
        let mut textarea = TextArea::from(lines.iter().copied());
        textarea.set_wrap_mode(wrap_mode);
        textarea.area.set(Rect {
            x: 0,
            y: 0,
            width,
            height: 40,
        });
        textarea.screen_map_load();
        textarea
    }

    fn assert_round_trips(textarea: &TextArea<'_>) {
        for (row, line) in textarea.lines.iter().enumerate() {
            for col in 0..=line.chars().count() {
                let dc = DataCursor(row, col);
                let sc = textarea.array_to_screen(dc);
                assert_eq!(textarea.screen_to_array(sc), dc);

                let detached = ScreenCursor { dc: None, ..sc };
                assert_eq!(textarea.screen_to_array(detached), dc);
                assert_eq!(
                    textarea.array_to_screen(textarea.screen_to_array(detached)),
                    sc
                );
            }
        }
    }

    #[test]
    fn screen_map_round_trips_ascii_word_wrap() {
        let textarea = make_textarea(
            &[
                "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
                "Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
            ],
            WrapMode::Word,
            24,
        );

        assert!(textarea.screen_lines_count() > textarea.lines.len());
        assert_round_trips(&textarea);
    }

    #[test]
    fn screen_map_round_trips_cjk_glyph_wrap() {
        let textarea = make_textarea(
            &["混合中文字符和ASCIIabc来验证屏幕坐标与数据坐标的往返转换。"],
            WrapMode::Glyph,
            12,
        );

        assert!(textarea.screen_lines_count() > textarea.lines.len());
        assert_round_trips(&textarea);
    }

    #[test]
    fn screen_map_round_trips_multilingual_word_or_glyph_wrap() {
        let textarea = make_textarea(
            &[
                "ASCII and русский текст can share one buffer.",
                "第二行 mixed-width 内容 with English words.",
            ],
            WrapMode::WordOrGlyph,
            18,
        );

        assert!(textarea.screen_lines_count() > textarea.lines.len());
        assert_round_trips(&textarea);
    }
}
