//! Keys as they arrive over a slow link. An Esc typed just before another key often reaches
//! us in the same read as that key's escape sequence (`ESC ESC [ B` for Esc then Down).
//! crossterm reads the two ESCs as one Esc and the rest as the characters `[` and `B`: the
//! Down would be lost and `[B` typed. Events read in one burst are repaired here.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Repairs a burst of events read together: after an Esc, the characters of an escape
/// sequence (`[B`, `OA`, `[5~`...) become the key they encode. Anything else is left as it
/// came.
pub fn repair_bunched_esc(events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        out.push(events[i].clone());
        if is_key(&events[i], KeyCode::Esc)
            && let Some((key, used)) = sequence(&events[i + 1..])
        {
            out.push(Event::Key(KeyEvent::new(key, KeyModifiers::NONE)));
            i += used;
        }
        i += 1;
    }
    out
}

/// The key a run of plain characters encodes when it is the rest of an escape sequence
/// (after its ESC), and how many events it took.
fn sequence(events: &[Event]) -> Option<(KeyCode, usize)> {
    let chars: Vec<char> = events
        .iter()
        .take(4)
        .map_while(|e| match e {
            // An upper-case letter comes with Shift.
            Event::Key(k)
                if (k.modifiers - KeyModifiers::SHIFT).is_empty()
                    && k.kind == KeyEventKind::Press =>
            {
                match k.code {
                    KeyCode::Char(c) => Some(c),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    let (intro, rest) = chars.split_first()?;
    if *intro != '[' && *intro != 'O' {
        return None;
    }
    let simple = |c: char| {
        Some(match c {
            'A' => KeyCode::Up,
            'B' => KeyCode::Down,
            'C' => KeyCode::Right,
            'D' => KeyCode::Left,
            'H' => KeyCode::Home,
            'F' => KeyCode::End,
            'Z' if *intro == '[' => KeyCode::BackTab,
            _ => return None,
        })
    };
    if let Some(key) = rest.first().copied().and_then(simple) {
        return Some((key, 2));
    }
    // `[5~`: a number, then `~`.
    if *intro == '[' && rest.len() >= 2 && rest[1] == '~' {
        let key = match rest[0] {
            '1' | '7' => KeyCode::Home,
            '2' => KeyCode::Insert,
            '3' => KeyCode::Delete,
            '4' | '8' => KeyCode::End,
            '5' => KeyCode::PageUp,
            '6' => KeyCode::PageDown,
            _ => return None,
        };
        return Some((key, 3));
    }
    None
}

fn is_key(e: &Event, code: KeyCode) -> bool {
    matches!(e, Event::Key(k) if k.code == code && k.kind == KeyEventKind::Press)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    /// As crossterm reads them: an upper-case letter with Shift.
    fn chars(s: &str) -> Vec<Event> {
        s.chars()
            .map(|c| {
                let shift = if c.is_ascii_uppercase() {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                Event::Key(KeyEvent::new(KeyCode::Char(c), shift))
            })
            .collect()
    }

    #[test]
    fn esc_then_a_key_in_one_burst_is_esc_then_that_key() {
        for (rest, want) in [
            ("[B", KeyCode::Down),
            ("[A", KeyCode::Up),
            ("OD", KeyCode::Left),
            ("[6~", KeyCode::PageDown),
            ("[Z", KeyCode::BackTab),
        ] {
            let mut burst = vec![key(KeyCode::Esc)];
            burst.extend(chars(rest));
            assert_eq!(
                repair_bunched_esc(burst),
                vec![key(KeyCode::Esc), key(want)],
                "{rest}"
            );
        }
    }

    #[test]
    fn other_text_after_esc_is_left_alone() {
        let mut burst = vec![key(KeyCode::Esc)];
        burst.extend(chars("[x"));
        burst.extend(chars("ab"));
        assert_eq!(repair_bunched_esc(burst.clone()), burst);
        let typed = chars("[B");
        assert_eq!(repair_bunched_esc(typed.clone()), typed);
    }
}
