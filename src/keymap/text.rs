//! Keys as text editing and link numbers see them, outside the keymap.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// A key as a text prompt sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextKey {
    /// Type this character.
    Char(char),
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    Delete,
    /// Cursor one character left.
    Left,
    /// Cursor one character right.
    Right,
    /// Cursor to the start.
    Home,
    /// Cursor to the end.
    End,
    /// Accept the text.
    Enter,
    /// Abandon the text.
    Esc,
    /// Complete (or move to the next field).
    Tab,
    /// Insert pasted text (bracketed paste; see [`text_event`]).
    Paste(String),
}

/// Whether a key event is a press (crossterm also reports releases and repeats on some
/// terminals); only presses count.
pub fn is_press(key: &KeyEvent) -> bool {
    key.kind == KeyEventKind::Press
}

/// A key as text editing sees it (prompts): `None` for keys that are not text editing, and
/// for anything but a press. Besides the plain keys, Ctrl-h is Backspace (what many terminals
/// send for it), Ctrl-a is Home and Ctrl-e is End. A character with both Ctrl and Alt is typed,
/// since that is how Windows reports AltGr (`@` on a German keyboard).
pub fn text_key(key: &KeyEvent) -> Option<TextKey> {
    if !is_press(key) || has_other_modifiers(key.modifiers) {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let text = match key.code {
        KeyCode::Char(c) if ctrl == alt => {
            if c.is_control() {
                return None;
            }
            TextKey::Char(c)
        }
        KeyCode::Char('h') if ctrl && !alt => TextKey::Backspace,
        KeyCode::Char('a') if ctrl && !alt => TextKey::Home,
        KeyCode::Char('e') if ctrl && !alt => TextKey::End,
        _ if ctrl || alt => return None,
        KeyCode::Backspace => TextKey::Backspace,
        KeyCode::Delete => TextKey::Delete,
        KeyCode::Left => TextKey::Left,
        KeyCode::Right => TextKey::Right,
        KeyCode::Home => TextKey::Home,
        KeyCode::End => TextKey::End,
        KeyCode::Enter => TextKey::Enter,
        KeyCode::Esc => TextKey::Esc,
        KeyCode::Tab => TextKey::Tab,
        _ => return None,
    };
    Some(text)
}

/// A terminal event as text editing sees it: key presses as [`text_key`], and pasted text
/// (with bracketed paste enabled) as [`TextKey::Paste`].
pub fn text_event(event: &Event) -> Option<TextKey> {
    match event {
        Event::Key(key) => text_key(key),
        Event::Paste(text) => Some(TextKey::Paste(text.clone())),
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
    fn text_keys() {
        let cases = [
            (ev(KeyCode::Char('a'), M::NONE), Some(TextKey::Char('a'))),
            (ev(KeyCode::Char('A'), M::SHIFT), Some(TextKey::Char('A'))),
            (ev(KeyCode::Char('@'), M::CONTROL | M::ALT), Some(TextKey::Char('@'))),
            (ev(KeyCode::Char(' '), M::NONE), Some(TextKey::Char(' '))),
            (ev(KeyCode::Char('7'), M::NONE), Some(TextKey::Char('7'))),
            (ev(KeyCode::Backspace, M::NONE), Some(TextKey::Backspace)),
            (ev(KeyCode::Char('h'), M::CONTROL), Some(TextKey::Backspace)),
            (ev(KeyCode::Delete, M::NONE), Some(TextKey::Delete)),
            (ev(KeyCode::Left, M::NONE), Some(TextKey::Left)),
            (ev(KeyCode::Right, M::NONE), Some(TextKey::Right)),
            (ev(KeyCode::Home, M::NONE), Some(TextKey::Home)),
            (ev(KeyCode::Char('a'), M::CONTROL), Some(TextKey::Home)),
            (ev(KeyCode::End, M::NONE), Some(TextKey::End)),
            (ev(KeyCode::Char('e'), M::CONTROL), Some(TextKey::End)),
            (ev(KeyCode::Enter, M::NONE), Some(TextKey::Enter)),
            (ev(KeyCode::Esc, M::NONE), Some(TextKey::Esc)),
            (ev(KeyCode::Tab, M::NONE), Some(TextKey::Tab)),
            (ev(KeyCode::Char('c'), M::CONTROL), None),
            (ev(KeyCode::Char('x'), M::ALT), None),
            (ev(KeyCode::Char('v'), M::SUPER), None),
            (ev(KeyCode::Left, M::CONTROL), None),
            (ev(KeyCode::BackTab, M::SHIFT), None),
            (ev(KeyCode::Up, M::NONE), None),
            (ev(KeyCode::F(1), M::NONE), None),
            (with_kind(KeyCode::Char('a'), KeyEventKind::Release), None),
        ];
        for (key, expected) in cases {
            assert_eq!(text_key(&key), expected, "{key:?}");
        }
    }

    #[test]
    fn text_events_include_paste() {
        assert_eq!(text_event(&Event::Paste("https://x".into())), Some(TextKey::Paste("https://x".into())));
        assert_eq!(text_event(&Event::Key(ev(KeyCode::Char('q'), M::NONE))), Some(TextKey::Char('q')));
        assert_eq!(text_event(&Event::FocusGained), None);
        assert_eq!(text_event(&Event::Resize(80, 24)), None);
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
