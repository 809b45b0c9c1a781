//! User text made safe to show: control characters and bidirectional overrides become visible
//! placeholders, so a record from someone else cannot drive a terminal (escape sequences, OSC
//! 52 clipboard writes) or disguise text (right-to-left overrides) in a report.

use std::path::Path;

/// Replaces C0/C1 controls (other than newline) and bidi controls with visible symbols; a tab
/// becomes a space.
pub fn neutralize(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\t' => ' ',
            // C0 controls have "control pictures" at U+2400 + code; DEL at U+2421.
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            c if is_bidi_control(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// Where the editor keeps characters that must not reach the terminal: each one moved to the
/// same offset in Unicode's plane 16 private-use area. The mapping is reversible, so text
/// edited in the interview keeps its characters (a carriage return from a Windows file stays
/// one) while the screen shows them neutralised ([`shown`]). Plane 16, not plane 15: icon
/// fonts (Nerd Fonts) put their icons in plane 15, and a pasted icon must stay an icon.
pub const EDITABLE_BASE: u32 = 0x10_0000;

/// Text as the interview's editor holds it: line breaks and tabs as they are (the editor
/// shows tabs as spaces), every other character [`neutralize`] would replace moved out of the
/// terminal's way.
pub fn to_editable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if needs_neutralizing(c) {
                char::from_u32(EDITABLE_BASE + c as u32).expect("plane 16 is valid")
            } else {
                c
            }
        })
        .collect()
}

/// The text an editor holds, with the characters [`to_editable`] moved put back.
pub fn from_editable(s: &str) -> String {
    s.chars().map(original).collect()
}

/// What the screen shows for one character the editor holds.
pub fn shown(c: char) -> String {
    neutralize(&original(c).to_string())
}

fn original(c: char) -> char {
    match (c as u32).checked_sub(EDITABLE_BASE) {
        Some(n) if n < 0x1_0000 => char::from_u32(n)
            .filter(|&o| needs_neutralizing(o))
            .unwrap_or(c),
        _ => c,
    }
}

fn needs_neutralizing(c: char) -> bool {
    c != '\n' && c != '\t' && (c.is_control() || is_bidi_control(c))
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

/// Characters that change the direction of the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_editor_gives_back_exactly_what_it_was_given() {
        let s = "col1\tcol2\r\nline \u{1b}[31m red \u{202e}rtl \u{9b} end \u{f0041} \u{f001b} \u{f0001}";
        let held = to_editable(s);
        assert!(
            !held
                .chars()
                .any(|c| c == '\r' || c == '\u{1b}' || c == '\u{202e}')
        );
        assert!(held.contains('\t'), "tabs stay tabs");
        assert_eq!(from_editable(&held), s);
        let screen: String = held.chars().map(shown).collect();
        assert!(
            screen.contains("\u{240d}") && screen.contains("\u{241b}"),
            "{screen}"
        );
        assert!(
            !screen
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != ' ')
        );
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
