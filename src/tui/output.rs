//! What reaches the terminal, fitted to what the terminal understands. A frame is gathered
//! and sent in one write ([`FrameWriter::send`]), with nothing said twice (a run of colour
//! resets is one reset; the cursor is shown or hidden only when that changes): wrapped in
//! synchronized-update codes where the terminal knows them,
//! colours in the 16-colour codes every colour terminal knows (crossterm writes even the 16
//! named colours as 256-colour codes), none on a monochrome terminal, and, where the locale is
//! not UTF-8, box drawing and arrows as their ASCII look-alikes. This is a filter on the bytes
//! crossterm writes, not a terminal backend of its own.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

/// What the terminal on the other end understands, from `TERM` and the locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Any colour at all (a vt100 has none).
    pub colour: bool,
    /// Synchronized updates (DEC mode 2026): a frame shows whole, never half drawn.
    pub sync: bool,
    /// Characters beyond ASCII show as themselves.
    pub utf8: bool,
}

impl Caps {
    pub fn from_env() -> Caps {
        let var = |name: &str| std::env::var(name).unwrap_or_default();
        Caps::from(&var("TERM"), &locale())
    }

    pub fn from(term: &str, locale: &str) -> Caps {
        let locale = locale.to_ascii_lowercase();
        // Terminals that take mode 2026, or ignore it quietly; the Linux console, GNU
        // screen and the DEC terminals may not.
        let sync = [
            "xterm",
            "tmux",
            "alacritty",
            "foot",
            "wezterm",
            "kitty",
            "contour",
            "rio",
        ]
        .iter()
        .any(|t| term.starts_with(t));
        Caps {
            colour: !(term.starts_with("vt") || term == "dumb"),
            sync,
            utf8: locale.contains("utf-8") || locale.contains("utf8"),
        }
    }
}

/// The locale that decides the character set: the first of LC_ALL, LC_CTYPE, LANG that is
/// set (none set is the C locale, ASCII).
fn locale() -> String {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
const END_SYNC: &[u8] = b"\x1b[?2026l";

/// The interview's stdout: gathers what ratatui writes (it flushes more than once a frame)
/// and sends it, fitted, when the frame is done.
pub struct FrameWriter<W: Write> {
    out: W,
    caps: Caps,
    frame: Vec<u8>,
    /// Whether the terminal shows its cursor, as far as we told it.
    cursor_shown: Option<bool>,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(out: W, caps: Caps) -> Self {
        FrameWriter {
            out,
            caps,
            frame: Vec::with_capacity(16 * 1024),
            cursor_shown: None,
        }
    }

    /// The terminal was used by someone else (a shell while suspended): what we told it
    /// before may no longer hold.
    pub fn forget(&mut self) {
        self.cursor_shown = None;
    }

    /// Sends the frame gathered since the last one, in one write.
    pub fn send(&mut self) -> io::Result<()> {
        if self.frame.is_empty() {
            return Ok(());
        }
        let fitted = self.fit_frame();
        let mut all = Vec::with_capacity(fitted.len() + 16);
        if self.caps.sync {
            all.extend_from_slice(BEGIN_SYNC);
        }
        all.extend_from_slice(&fitted);
        if self.caps.sync {
            all.extend_from_slice(END_SYNC);
        }
        self.out.write_all(&all)?;
        self.out.flush()
    }

    /// The frame fitted, without the cursor shown or hidden again as it already is.
    fn fit_frame(&mut self) -> Vec<u8> {
        const SHOW: &[u8] = b"\x1b[?25h";
        const HIDE: &[u8] = b"\x1b[?25l";
        let mut frame = std::mem::take(&mut self.frame);
        let mut kept = Vec::with_capacity(frame.len());
        let mut i = 0;
        while i < frame.len() {
            let rest = &frame[i..];
            let visibility = [(SHOW, true), (HIDE, false)]
                .into_iter()
                .find(|(code, _)| rest.starts_with(code));
            match visibility {
                Some((code, shown)) => {
                    if self.cursor_shown != Some(shown) {
                        kept.extend_from_slice(code);
                        self.cursor_shown = Some(shown);
                    }
                    i += code.len();
                }
                None => {
                    kept.push(frame[i]);
                    i += 1;
                }
            }
        }
        frame.clear();
        self.frame = frame;
        fit(&kept, self.caps)
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.frame.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    /// Nothing yet: ratatui flushes after the cells and again after the cursor; the frame
    /// goes out whole on [`FrameWriter::send`].
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The bytes of a frame fitted to `caps`.
pub fn fit(bytes: &[u8], caps: Caps) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            // A control sequence: parameters, then one final byte.
            let start = i + 2;
            let end = bytes[start..]
                .iter()
                .position(|b| (0x40..=0x7e).contains(b))
                .map_or(bytes.len(), |p| start + p);
            if bytes.get(end) == Some(&b'm') {
                // A reset makes whatever came just before it in the same run pointless.
                if is_reset(&bytes[start..end]) {
                    drop_trailing_sgr(&mut out);
                }
                sgr(&bytes[start..end], caps, &mut out);
            } else {
                out.extend_from_slice(&bytes[i..(end + 1).min(bytes.len())]);
            }
            i = end + 1;
            continue;
        }
        let len = utf8_len(bytes[i]);
        let chunk = &bytes[i..(i + len).min(bytes.len())];
        match std::str::from_utf8(chunk) {
            Ok(s) if !caps.utf8 && !s.is_ascii() => {
                let c = s.chars().next().expect("one character");
                out.extend_from_slice(ascii_for(c).as_bytes());
            }
            _ => out.extend_from_slice(chunk),
        }
        i += chunk.len().max(1);
    }
    out
}

/// `0`, or nothing: a reset of every attribute.
fn is_reset(params: &[u8]) -> bool {
    params.is_empty() || params == b"0"
}

/// Takes off the end of `out` the select-graphic-rendition sequences written just before:
/// a reset follows that undoes them.
fn drop_trailing_sgr(out: &mut Vec<u8>) {
    while out.last() == Some(&b'm') {
        let Some(start) = out.iter().rposition(|&b| b == 0x1b) else {
            return;
        };
        let sequence = &out[start..out.len() - 1];
        let is_sgr = sequence.len() >= 2
            && sequence[1] == b'['
            && sequence[2..]
                .iter()
                .all(|b| b.is_ascii_digit() || *b == b';');
        if !is_sgr {
            return;
        }
        out.truncate(start);
    }
}

/// A select-graphic-rendition sequence with its colours in the 16-colour codes, or without
/// colour where the terminal has none. Bold, reverse and the rest stay.
fn sgr(params: &[u8], caps: Caps, out: &mut Vec<u8>) {
    let text = String::from_utf8_lossy(params);
    let parts: Vec<&str> = text.split(';').collect();
    let mut kept: Vec<String> = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let p = parts[i];
        match (p, parts.get(i + 1), parts.get(i + 2)) {
            ("38" | "48", Some(&"5"), Some(n)) => {
                let background = p == "48";
                if let Some(code) = n.parse::<u8>().ok().and_then(|n| sixteen(n, background)) {
                    if caps.colour {
                        kept.push(code.to_string());
                    }
                } else if caps.colour {
                    kept.extend([p.to_string(), "5".into(), n.to_string()]);
                }
                i += 3;
            }
            _ if !caps.colour && is_colour(p) => i += 1,
            _ => {
                kept.push(p.to_string());
                i += 1;
            }
        }
    }
    if kept.is_empty() || kept.iter().all(|k| k.is_empty()) {
        // Only colours, on a terminal without: nothing to send, unless it was a reset.
        if parts.iter().all(|p| p.is_empty() || *p == "0") {
            out.extend_from_slice(b"\x1b[0m");
        }
        return;
    }
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(kept.join(";").as_bytes());
    out.push(b'm');
}

/// A colour code of its own: a colour (30-37, 40-47, 90-97, 100-107) or the default (39, 49).
fn is_colour(p: &str) -> bool {
    matches!(
        p.parse::<u8>(),
        Ok(30..=37 | 39 | 40..=47 | 49 | 90..=97 | 100..=107)
    )
}

/// The 16-colour code of colour `n` of the 256-colour palette's first sixteen.
fn sixteen(n: u8, background: bool) -> Option<u8> {
    let base = if background { 40 } else { 30 };
    match n {
        0..=7 => Some(base + n),
        8..=15 => Some(base + 60 + n - 8),
        _ => None,
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xf7 => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// What shows for a character in an ASCII-only terminal: the look-alike, as many columns wide
/// as the character (so the layout holds), else `?`.
fn ascii_for(c: char) -> String {
    let one = match c {
        '│' | '┃' | '║' => '|',
        '─' | '━' | '═' | '–' | '—' => '-',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' => {
            '+'
        }
        '·' | '•' | '…' => '.',
        '→' | '▸' | '►' | '›' => '>',
        '←' | '‹' => '<',
        '↑' => '^',
        '↓' => 'v',
        '↵' => '<',
        '✓' | '✔' => 'x',
        '«' => '<',
        '»' => '>',
        _ => '?',
    };
    one.to_string().repeat(c.width().unwrap_or(1).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const XTERM: Caps = Caps {
        colour: true,
        sync: true,
        utf8: true,
    };

    #[test]
    fn named_colours_go_out_as_16_colour_codes() {
        let out = fit(b"\x1b[38;5;1;48;5;14mX\x1b[39;49m", XTERM);
        assert_eq!(out, b"\x1b[31;106mX\x1b[39;49m");
        let out = fit(b"\x1b[1m\x1b[38;5;3mY", XTERM);
        assert_eq!(out, b"\x1b[1m\x1b[33mY");
    }

    #[test]
    fn a_monochrome_terminal_gets_no_colour_but_keeps_bold_and_reverse() {
        let vt100 = Caps::from("vt100", "C");
        assert_eq!(
            vt100,
            Caps {
                colour: false,
                sync: false,
                utf8: false
            }
        );
        let out = fit(b"\x1b[38;5;1;48;5;6m\x1b[1;7mA\x1b[39m\x1b[0m", vt100);
        assert_eq!(out, b"\x1b[1;7mA\x1b[0m");
    }

    #[test]
    fn without_utf8_box_drawing_and_arrows_become_ascii() {
        let c = Caps::from("linux", "C");
        assert!(c.colour && !c.sync && !c.utf8);
        assert_eq!(fit("┌─┐│a→b·é漢".as_bytes(), c), b"+-+|a>b.???".to_vec());
        // A UTF-8 locale keeps them.
        let text = "┌─┐ é".as_bytes();
        assert_eq!(fit(text, Caps::from("linux", "en_US.UTF-8")), text.to_vec());
    }

    #[test]
    fn a_frame_is_one_write_with_sync_codes_only_where_understood() {
        struct Counter(Vec<Vec<u8>>);
        impl Write for Counter {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.push(b.to_vec());
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut w = FrameWriter::new(Counter(Vec::new()), XTERM);
        w.write_all(b"\x1b[1;1H").unwrap();
        w.flush().unwrap();
        w.write_all(b"abc\x1b[?25h").unwrap();
        w.flush().unwrap();
        assert!(w.out.0.is_empty(), "nothing before the frame is done");
        w.send().unwrap();
        assert_eq!(
            w.out.0,
            vec![b"\x1b[?2026h\x1b[1;1Habc\x1b[?25h\x1b[?2026l".to_vec()]
        );
        // The cursor is not shown again while it is shown.
        w.write_all(b"d\x1b[?25h").unwrap();
        w.send().unwrap();
        assert_eq!(w.out.0[1], b"\x1b[?2026hd\x1b[?2026l".to_vec());
        let mut w = FrameWriter::new(Counter(Vec::new()), Caps::from("screen", "C.UTF-8"));
        w.write_all(b"abc").unwrap();
        w.send().unwrap();
        assert_eq!(w.out.0, vec![b"abc".to_vec()]);
    }

    #[test]
    fn a_reset_replaces_the_sequences_just_before_it() {
        let out = fit(b"a\x1b[39m\x1b[49m\x1b[59m\x1b[0m", XTERM);
        assert_eq!(out, b"a\x1b[0m");
        // Text between them stays, and so does what it was written in.
        let out = fit(b"\x1b[1mform\x1b[0m", XTERM);
        assert_eq!(out, b"\x1b[1mform\x1b[0m");
    }
}
