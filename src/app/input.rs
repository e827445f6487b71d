//! Terminal events to messages: keys through the keymap (or the prompt's text editing),
//! resizes, the mouse. The keymap is the only place key codes are looked at.

use crossterm::event::{Event, KeyEvent, MouseButton, MouseEventKind};

use super::msg::Msg;
use super::state::{Pane, Popup, State};
use crate::keymap::{self, Context, Keymap};

/// Turns a terminal event into a message, if it means anything. `pending` holds the keys of
/// an unfinished sequence (`g` of `g g`).
pub fn translate(
    keymap: &Keymap,
    pending: &mut Vec<KeyEvent>,
    state: &State,
    event: &Event,
    mouse: bool,
) -> Option<Msg> {
    match event {
        Event::Key(key) => {
            if matches!(state.popup, Some(Popup::Prompt(_))) {
                pending.clear();
                return keymap::text_key(key).map(Msg::Text);
            }
            if pending.is_empty()
                && state.focus == Pane::Article
                && state.popup.is_none()
                && let Some(d) = keymap::digit(key)
            {
                return Some(Msg::Digit(d));
            }
            if !keymap::is_press(key) {
                return None;
            }
            keymap.press(context(state), pending, *key).map(Msg::Action)
        }
        Event::Paste(_) if matches!(state.popup, Some(Popup::Prompt(_))) => {
            keymap::text_event(event).map(Msg::Text)
        }
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        Event::Mouse(m) if mouse => match m.kind {
            MouseEventKind::ScrollDown => Some(Msg::Scroll { x: m.column, y: m.row, down: true }),
            MouseEventKind::ScrollUp => Some(Msg::Scroll { x: m.column, y: m.row, down: false }),
            MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click { x: m.column, y: m.row }),
            _ => None,
        },
        _ => None,
    }
}

/// The keymap context of the focused pane (popups use the global bindings).
fn context(state: &State) -> Context {
    if state.popup.is_some() {
        return Context::Global;
    }
    match state.focus {
        Pane::Sidebar => Context::Sidebar,
        Pane::List => Context::List,
        Pane::Article => Context::Article,
        Pane::Related => Context::Related,
    }
}
