//! The modal layer: while a popup is open, every action goes to it (the keymap looked the key
//! up in the popup's own context: `[help]`, `[prompt]`, `[confirm]` or `[hints]`).

use super::action::Action;
use super::effect::Effect;
use super::marks;
use super::prompt;
use super::state::{Confirmed, Popup, State};
use crate::layout;

/// Runs an action of the open popup's context.
pub fn action(s: &mut State, a: Action, fx: &mut Vec<Effect>) {
    match &s.popup {
        Some(Popup::Help { .. } | Popup::Messages { .. }) => text_popup(s, a),
        Some(Popup::Prompt(_)) => prompt::action(s, a, fx),
        Some(Popup::Confirm(_)) => confirm(s, a, fx),
        Some(Popup::Hints(_)) => super::hints::action(s, a),
        None => {}
    }
}

/// Opens the help.
pub fn open_help(s: &mut State) {
    s.popup = Some(Popup::Help { scroll: 0 });
}

/// Opens the message log; everything in it counts as read.
pub fn open_messages(s: &mut State) {
    s.messages.read_all();
    s.popup = Some(Popup::Messages { scroll: 0 });
}

/// Rows of text the help and the message log show.
fn text_rows(s: &State) -> usize {
    usize::from(layout::text_popup(&s.shape()).height.saturating_sub(2)).max(1)
}

/// Lines of the open text popup.
fn text_len(s: &State) -> usize {
    match &s.popup {
        Some(Popup::Help { .. }) => s.help_len,
        Some(Popup::Messages { .. }) => {
            let width = usize::from(layout::text_popup(&s.shape()).width.saturating_sub(2));
            s.messages.lines(&s.tz, width).len()
        }
        _ => 0,
    }
}

/// The help and the message log: scrolling, switching between them, closing.
fn text_popup(s: &mut State, a: Action) {
    let rows = text_rows(s);
    let max = text_len(s).saturating_sub(rows);
    let half = (rows / 2).max(1);
    let Some(Popup::Help { scroll } | Popup::Messages { scroll }) = &mut s.popup else { return };
    let at = (*scroll).min(max);
    *scroll = match a {
        Action::Down => (at + 1).min(max),
        Action::Up => at.saturating_sub(1),
        Action::HalfPageDown => (at + half).min(max),
        Action::HalfPageUp => at.saturating_sub(half),
        Action::PageDown => (at + rows).min(max),
        Action::PageUp => at.saturating_sub(rows),
        Action::First => 0,
        Action::Last => max,
        _ => at,
    };
    match a {
        Action::Help if matches!(s.popup, Some(Popup::Help { .. })) => s.popup = None,
        Action::Help => open_help(s),
        Action::Messages if matches!(s.popup, Some(Popup::Messages { .. })) => s.popup = None,
        Action::Messages => open_messages(s),
        Action::Cancel => s.popup = None,
        Action::Quit => s.quit = true,
        _ => {}
    }
}

/// A yes/no question: yes does what it asked about; no (or Esc) leaves everything as it is.
fn confirm(s: &mut State, a: Action, fx: &mut Vec<Effect>) {
    match a {
        Action::Yes => {
            let Some(Popup::Confirm(question)) = s.popup.take() else { return };
            match question.on_yes {
                Confirmed::MarkViewRead { filter, title } => {
                    marks::confirmed_mark_view_read(s, filter, &title, fx);
                }
                Confirmed::Unsubscribe { feed, title } => {
                    s.info(format!("Unsubscribing from “{title}”…"));
                    fx.push(Effect::Unsubscribe { feed });
                }
                Confirmed::MarkStoriesRead { ids } => super::top::confirmed_mark_read(s, ids, fx),
                Confirmed::SyncRemovals => {
                    s.info("Syncing, and unsubscribing from the feeds the server no longer lists…");
                    fx.push(Effect::SyncConfirmingRemovals);
                }
            }
        }
        Action::Cancel => {
            if let Some(Popup::Confirm(super::state::Confirm { on_yes: Confirmed::SyncRemovals, .. })) =
                &s.popup
            {
                // Not asked again for a day; the next syncs say it in the status line.
                s.removals_declined = Some(s.now);
            }
            s.popup = None;
            s.info("Nothing changed");
        }
        Action::Quit => s.quit = true,
        _ => {}
    }
}
