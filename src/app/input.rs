//! Terminal events to messages. Keys are looked up in the keymap context of whatever has the
//! input: the open popup's own context (the modal layer), else the focused pane's. In a prompt,
//! a key its context does not bind is typed; in the article, digits type a link number. The
//! keymap is the only place key codes are looked at.

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
            if !keymap::is_press(key) {
                return None;
            }
            let context = context(state);
            if pending.is_empty()
                && context == Context::Article
                && let Some(d) = keymap::digit(key)
            {
                return Some(Msg::Digit(d));
            }
            let was_pending = !pending.is_empty();
            match keymap.press(context, pending, *key) {
                Some(action) => Some(Msg::Action(action)),
                None if context == Context::Prompt && pending.is_empty() && !was_pending => {
                    keymap::typed(key).map(|c| Msg::Text(c.to_string()))
                }
                // In the link hints every other key counts: a letter of a label, or (typing
                // nothing, as empty text) a key that closes them.
                None if context == Context::Hints && !was_pending => {
                    Some(Msg::Text(keymap::typed(key).map(String::from).unwrap_or_default()))
                }
                None => None,
            }
        }
        Event::Paste(text) if matches!(state.popup, Some(Popup::Prompt(_))) => Some(Msg::Text(text.clone())),
        Event::Resize(w, h) => Some(Msg::Resize(*w, *h)),
        Event::Mouse(m) if mouse && state.popup.is_none() => match m.kind {
            MouseEventKind::ScrollDown => Some(Msg::Scroll { x: m.column, y: m.row, down: true }),
            MouseEventKind::ScrollUp => Some(Msg::Scroll { x: m.column, y: m.row, down: false }),
            MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click { x: m.column, y: m.row }),
            _ => None,
        },
        _ => None,
    }
}

/// The keymap context that has the input: the popup's, else the focused pane's.
pub fn context(state: &State) -> Context {
    match &state.popup {
        Some(Popup::Help { .. } | Popup::Messages { .. }) => Context::Help,
        Some(Popup::Prompt(_)) => Context::Prompt,
        Some(Popup::Confirm(_)) => Context::Confirm,
        Some(Popup::Hints(_)) => Context::Hints,
        None => match state.focus {
            Pane::Sidebar => Context::Sidebar,
            Pane::List => Context::List,
            Pane::Article => Context::Article,
            Pane::Related => Context::Related,
        },
    }
}
