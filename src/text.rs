//! User text made safe to show: control characters and bidirectional overrides become visible
//! placeholders, so a record from someone else cannot drive a terminal (escape sequences, OSC
//! 52 clipboard writes) or disguise text (right-to-left overrides) in a report.

use std::path::Path;

/// Replaces C0/C1 controls (other than newline) and bidi controls with visible symbols; a tab
/// becomes a space.
pub fn neutralize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => ' ',
            c => placeholder(c).unwrap_or(c),
        })
        .collect()
}

/// The visible symbol shown in place of `c`, or `None` when `c` is shown as it is. Line
/// breaks and tabs are left to whoever lays the text out.
pub fn placeholder(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        // C0 controls have "control pictures" at U+2400 + code; DEL at U+2421.
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        '\u{80}'..='\u{9f}' => Some('\u{fffd}'),
        c if is_bidi_control(c) => Some('\u{fffd}'),
        _ => None,
    }
}

/// [`neutralize`] for text shown on one line (a name, a key, a value quoted in a message): a
/// line break is shown as a visible symbol too, so the text cannot start a line of its own
/// that passes for the tool's output.
pub fn neutralize_line(s: &str) -> String {
    neutralize(s).replace('\n', "\u{2424}")
}

/// A file path as messages show it: as typed, with control characters made visible (a file
/// name can hold an escape sequence too).
pub fn display_path(path: &Path) -> String {
    neutralize_line(&path.display().to_string())
}

/// A path as a shell command line takes it: as it is when it holds only letters, digits
/// and `/._-+,:@%`, otherwise in single quotes (a quote in it written `'\''`).
pub fn shell_word(path: &Path) -> String {
    let shown = display_path(path);
    if !shown.is_empty()
        && shown
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c))
    {
        shown
    } else {
        format!("'{}'", shown.replace('\'', "'\\''"))
    }
}

/// Characters that change the direction of the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `n` of a thing, its noun plural unless there is one: `1 item`, `3 items`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_one_shell_word() {
        let word = |p: &str| shell_word(Path::new(p));
        assert_eq!(word("/srv/audits/a-1.toml"), "/srv/audits/a-1.toml");
        assert_eq!(word("my audit.toml"), "'my audit.toml'");
        assert_eq!(word("it's.toml"), "'it'\\''s.toml'");
        assert_eq!(word("$(rm).toml"), "'$(rm).toml'");
    }

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        let osc52 = "x\u{1b}]52;c;ZXZpbA==\u{7}y";
        let shown = neutralize(osc52);
        assert!(!shown.chars().any(|c| c.is_control()));
        assert_eq!(shown, "x\u{241b}]52;c;ZXZpbA==\u{2407}y");
        assert_eq!(neutralize("a\u{9b}31m"), "a\u{fffd}31m");
    }

    #[test]
    fn bidi_overrides_are_made_visible() {
        assert_eq!(neutralize("abc\u{202e}fed"), "abc\u{fffd}fed");
        assert_eq!(neutralize("\u{2066}x\u{2069}"), "\u{fffd}x\u{fffd}");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let s = "Ligne 1\n中文 emoji 👩‍💻 e\u{301}";
        assert_eq!(neutralize(s), s);
        assert_eq!(neutralize("a\tb"), "a b");
    }

    #[test]
    fn one_line_text_shows_its_line_breaks() {
        assert_eq!(neutralize_line("a\nb\r\n"), "a\u{2424}b\u{240d}\u{2424}");
        assert_eq!(
            display_path(Path::new("dir/x\u{1b}[2J.toml")),
            "dir/x\u{241b}[2J.toml"
        );
    }
}
