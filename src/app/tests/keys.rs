//! Keys through the real keymap and input translation: each popup looks keys up in its own
//! context, prompts type what they do not bind.

use super::*;
use crate::app::state::{Pane, Popup, ViewKind};
use crate::keymap::Keymap;

/// Presses `keys` (keymap names, space-separated) and returns the effects.
fn press(
    keymap: &Keymap,
    pending: &mut Vec<crossterm::event::KeyEvent>,
    s: &mut State,
    keys: &str,
) -> Vec<Effect> {
    let mut effects = Vec::new();
    for key in crate::keymap::key_events(keys).unwrap() {
        let event = crossterm::event::Event::Key(key);
        if let Some(msg) = crate::app::input::translate(keymap, pending, s, &event, true) {
            effects.extend(update(s, msg));
        }
    }
    effects
}

#[test]
fn key_sequences_go_through_the_keymap() {
    let keymap = Keymap::defaults();
    let mut s = state_with(8, (80, 24), false);
    let mut pending = Vec::new();
    press(&keymap, &mut pending, &mut s, "j j j");
    assert_eq!(s.list.selected, 3);
    press(&keymap, &mut pending, &mut s, "g g");
    assert_eq!(s.list.selected, 0);
    press(&keymap, &mut pending, &mut s, "G");
    assert_eq!(s.list.selected, 7);
    let effects = press(&keymap, &mut pending, &mut s, "enter");
    assert_eq!(s.focus, Pane::Article);
    assert_eq!(loads_article(&effects), Some(ArticleId(8)));
    // Digits type a link number in the article; in the list they mean nothing.
    press(&keymap, &mut pending, &mut s, "1 2");
    assert_eq!(s.link_digits, "12");
    press(&keymap, &mut pending, &mut s, "esc");
    assert_eq!(s.focus, Pane::List);
    press(&keymap, &mut pending, &mut s, "/ r u s t enter");
    assert_eq!(s.view.kind, ViewKind::Search("rust".into()));
    press(&keymap, &mut pending, &mut s, "q q");
    assert!(s.quit);
}

#[test]
fn a_prompt_types_the_keys_panes_would_run() {
    let keymap = Keymap::defaults();
    let mut s = state_with(8, (80, 24), false);
    let mut pending = Vec::new();
    // q, j, G, ? and digits are text in a prompt; Ctrl-W deletes a word, Ctrl-A goes home.
    press(&keymap, &mut pending, &mut s, "/ q j G ? 1 space w o r d ctrl-w ctrl-a x");
    let Some(Popup::Prompt(p)) = &s.popup else { panic!("{:?}", s.popup) };
    assert_eq!(p.field().text, "xqjG?1 ");
    assert!(!s.quit && s.list.selected == 0, "no pane action ran");
    // Left, Right, Home, End, Backspace, Delete.
    press(&keymap, &mut pending, &mut s, "end left left backspace delete");
    let Some(Popup::Prompt(p)) = &s.popup else { panic!() };
    assert_eq!((p.field().text.as_str(), p.field().cursor), ("xqjG ", 4));
    press(&keymap, &mut pending, &mut s, "esc");
    assert!(s.popup.is_none());
}

#[test]
fn questions_and_the_help_take_only_their_own_keys() {
    let keymap = Keymap::defaults();
    let mut s = state_with(60, (80, 24), false);
    let mut pending = Vec::new();
    press(&keymap, &mut pending, &mut s, "A");
    assert!(matches!(s.popup, Some(Popup::Confirm(_))));
    // j and q mean nothing / no in a question; the list does not move.
    press(&keymap, &mut pending, &mut s, "j");
    assert!(matches!(s.popup, Some(Popup::Confirm(_))) && s.list.selected == 0);
    let fx = press(&keymap, &mut pending, &mut s, "y");
    assert!(matches!(&fx[..], [Effect::MarkAllRead { .. }]), "{fx:?}");
    press(&keymap, &mut pending, &mut s, "?");
    press(&keymap, &mut pending, &mut s, "j j q");
    assert!(s.popup.is_none() && !s.quit && s.list.selected == 0, "q closed the help; j scrolled it");
    press(&keymap, &mut pending, &mut s, "M");
    assert!(matches!(s.popup, Some(Popup::Messages { .. })));
    press(&keymap, &mut pending, &mut s, "esc");
    assert!(s.popup.is_none());
}
