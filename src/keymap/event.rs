//! Terminal key events to keys and back: the only place crossterm's key codes meet key names.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keys::{Code, Key, KeyNameError, parse_sequence};

impl Key {
    /// The key a terminal event stands for; `None` for keys no keymap can name (media keys,
    /// lone modifiers, Caps Lock …) and for presses with Super, Hyper or Meta held.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let m = event.modifiers;
        if m.intersects(KeyModifiers::SUPER | KeyModifiers::HYPER | KeyModifiers::META) {
            return None;
        }
        let mut shift = m.contains(KeyModifiers::SHIFT);
        let code = match event.code {
            KeyCode::Char(c) => Code::Char(c),
            KeyCode::Enter => Code::Enter,
            KeyCode::Esc => Code::Esc,
            KeyCode::Tab => Code::Tab,
            KeyCode::BackTab => {
                shift = true;
                Code::Tab
            }
            KeyCode::Backspace => Code::Backspace,
            KeyCode::Delete => Code::Delete,
            KeyCode::Insert => Code::Insert,
            KeyCode::Up => Code::Up,
            KeyCode::Down => Code::Down,
            KeyCode::Left => Code::Left,
            KeyCode::Right => Code::Right,
            KeyCode::Home => Code::Home,
            KeyCode::End => Code::End,
            KeyCode::PageUp => Code::PageUp,
            KeyCode::PageDown => Code::PageDown,
            KeyCode::F(n) => Code::F(n),
            _ => return None,
        };
        Some(Key::new(code, m.contains(KeyModifiers::CONTROL), m.contains(KeyModifiers::ALT), shift))
    }

    /// A press event a terminal could send for this key (upper-case letters carry Shift,
    /// Shift-Tab is `BackTab`), for scripted key input in tests and demos.
    pub fn to_event(self) -> KeyEvent {
        let mut modifiers = KeyModifiers::NONE;
        if self.ctrl() {
            modifiers |= KeyModifiers::CONTROL;
        }
        if self.alt() {
            modifiers |= KeyModifiers::ALT;
        }
        if self.shift() || matches!(self.code(), Code::Char(c) if c.is_uppercase()) {
            modifiers |= KeyModifiers::SHIFT;
        }
        let code = match self.code() {
            Code::Char(c) => KeyCode::Char(c),
            Code::Tab if self.shift() => KeyCode::BackTab,
            Code::Enter => KeyCode::Enter,
            Code::Esc => KeyCode::Esc,
            Code::Tab => KeyCode::Tab,
            Code::Backspace => KeyCode::Backspace,
            Code::Delete => KeyCode::Delete,
            Code::Insert => KeyCode::Insert,
            Code::Up => KeyCode::Up,
            Code::Down => KeyCode::Down,
            Code::Left => KeyCode::Left,
            Code::Right => KeyCode::Right,
            Code::Home => KeyCode::Home,
            Code::End => KeyCode::End,
            Code::PageUp => KeyCode::PageUp,
            Code::PageDown => KeyCode::PageDown,
            Code::F(n) => KeyCode::F(n),
        };
        KeyEvent::new(code, modifiers)
    }
}

/// The press events for a key sequence such as `"g g"` or `"ctrl-d"`: scripted input for tests.
pub fn key_events(text: &str) -> Result<Vec<KeyEvent>, KeyNameError> {
    Ok(parse_sequence(text)?.into_iter().map(Key::to_event).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn shift_is_folded_into_characters() {
        use KeyModifiers as M;
        let g_shift = KeyEvent::new(KeyCode::Char('G'), M::SHIFT);
        assert_eq!(Key::from_event(&g_shift), Some(key("G")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::Char('G'), M::NONE)), Some(key("G")));
        // Terminals with the kitty protocol report the base key plus Shift.
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::Char('g'), M::SHIFT)), Some(key("G")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::Char('?'), M::SHIFT)), Some(key("?")));
        assert_ne!(key("G"), key("g"));
        let ctrl_d = KeyEvent::new(KeyCode::Char('d'), M::CONTROL);
        assert_eq!(Key::from_event(&ctrl_d), Some(key("ctrl-d")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::BackTab, M::SHIFT)), Some(key("shift-tab")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::BackTab, M::NONE)), Some(key("backtab")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::Tab, M::SHIFT)), Some(key("shift-tab")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::Up, M::SHIFT)), Some(key("shift-up")));
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::CapsLock, M::NONE)), None);
        assert_eq!(Key::from_event(&KeyEvent::new(KeyCode::Char('j'), M::SUPER)), None);
    }

    #[test]
    fn key_events_script_presses() {
        let events = key_events("g g ctrl-d G").unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(events[2], KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
        assert_eq!(events[3].code, KeyCode::Char('G'));
        assert!(key_events("g nope").is_err());
    }
}
