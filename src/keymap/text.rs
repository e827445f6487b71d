//! Keys as typed text and link numbers see them, outside the keymap.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Whether a key event is a press (crossterm also reports releases and repeats on some
/// terminals); only presses count.
pub fn is_press(key: &KeyEvent) -> bool {
    key.kind == KeyEventKind::Press
}

/// The character a key press types into a prompt, if it types one: a printable character
/// with no modifier but Shift, or with both Ctrl and Alt (how Windows reports AltGr, `@` on a
/// German keyboard). Editing keys are bound in the `[prompt]` keymap context instead.
pub fn typed(key: &KeyEvent) -> Option<char> {
    if !is_press(key) || has_other_modifiers(key.modifiers) {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if ctrl == alt && !c.is_control() => Some(c),
        _ => None,
    }
}

/// The digit 0–9 a plain key press types, if any (link numbers).
pub fn digit(key: &KeyEvent) -> Option<u8> {
    let plain = !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if plain && is_press(key) && !has_other_modifiers(key.modifiers) => {
            c.to_digit(10).map(|d| d as u8)
        }
        _ => None,
    }
}

/// Whether Super, Hyper or Meta is held: such presses are shortcuts of something else.
fn has_other_modifiers(modifiers: KeyModifiers) -> bool {
    modifiers.intersects(KeyModifiers::SUPER | KeyModifiers::HYPER | KeyModifiers::META)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers as M;

    fn ev(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn with_kind(code: KeyCode, kind: KeyEventKind) -> KeyEvent {
        KeyEvent::new_with_kind(code, M::NONE, kind)
    }

    #[test]
    fn typed_characters() {
        let cases = [
            (ev(KeyCode::Char('a'), M::NONE), Some('a')),
            (ev(KeyCode::Char('A'), M::SHIFT), Some('A')),
            (ev(KeyCode::Char('@'), M::CONTROL | M::ALT), Some('@')),
            (ev(KeyCode::Char(' '), M::NONE), Some(' ')),
            (ev(KeyCode::Char('7'), M::NONE), Some('7')),
            (ev(KeyCode::Char('ü'), M::NONE), Some('ü')),
            (ev(KeyCode::Char('w'), M::CONTROL), None),
            (ev(KeyCode::Char('x'), M::ALT), None),
            (ev(KeyCode::Char('v'), M::SUPER), None),
            (ev(KeyCode::Backspace, M::NONE), None),
            (ev(KeyCode::Enter, M::NONE), None),
            (ev(KeyCode::Left, M::NONE), None),
            (with_kind(KeyCode::Char('a'), KeyEventKind::Release), None),
        ];
        for (key, expected) in cases {
            assert_eq!(typed(&key), expected, "{key:?}");
        }
    }

    #[test]
    fn digits_are_plain_presses_of_0_to_9() {
        for (c, d) in ('0'..='9').zip(0..) {
            assert_eq!(digit(&ev(KeyCode::Char(c), M::NONE)), Some(d));
        }
        assert_eq!(digit(&ev(KeyCode::Char('a'), M::NONE)), None);
        assert_eq!(digit(&ev(KeyCode::Char('٣'), M::NONE)), None, "only ASCII digits");
        assert_eq!(digit(&ev(KeyCode::Char('1'), M::CONTROL)), None);
        assert_eq!(digit(&ev(KeyCode::Char('1'), M::ALT)), None);
        assert_eq!(digit(&with_kind(KeyCode::Char('1'), KeyEventKind::Release)), None);
        assert_eq!(digit(&ev(KeyCode::F(1), M::NONE)), None);
    }

    #[test]
    fn only_presses_count() {
        assert!(is_press(&ev(KeyCode::Char('j'), M::NONE)));
        assert!(is_press(&with_kind(KeyCode::Char('j'), KeyEventKind::Press)));
        assert!(!is_press(&with_kind(KeyCode::Char('j'), KeyEventKind::Release)));
        assert!(!is_press(&with_kind(KeyCode::Char('j'), KeyEventKind::Repeat)));
    }
}
