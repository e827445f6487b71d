//! The mouse: the wheel scrolls the pane under it (the focus stays), a click focuses the pane
//! under it and selects the row clicked.

use super::article;
use super::effect::Effect;
use super::list;
use super::state::{Pane, SidebarEntry, State};
use crate::layout;

/// Lines the wheel moves at a time.
const WHEEL: isize = 3;

/// The wheel turned over (x, y).
pub fn scroll_at(s: &mut State, x: u16, y: u16, down: bool, fx: &mut Vec<Effect>) {
    let delta = if down { WHEEL } else { -WHEEL };
    match layout::areas(&s.shape()).pane_at(x, y) {
        Some(Pane::List) => {
            // Scrolling the list moves the selection, as keys would, without taking the focus.
            let focus = std::mem::replace(&mut s.focus, Pane::List);
            list::step(s, delta, fx);
            s.focus = focus;
            list::keep_visible(s);
        }
        Some(Pane::Article) => article::scroll(s, delta),
        Some(Pane::Related) => s.related.step(delta),
        Some(Pane::Sidebar) => s.sidebar.step(delta),
        None => {}
    }
}

/// A left click at (x, y).
pub fn click_at(s: &mut State, x: u16, y: u16, fx: &mut Vec<Effect>) {
    let areas = layout::areas(&s.shape());
    let Some(pane) = areas.pane_at(x, y) else { return };
    s.focus = pane;
    // Rows start under a pane's top border.
    let row =
        |r: Option<ratatui::layout::Rect>| r.and_then(|r| usize::from(y).checked_sub(usize::from(r.y) + 1));
    match pane {
        Pane::List => {
            let notice = if s.shape().notice { usize::from(layout::NOTICE_HEIGHT) } else { 0 };
            if let Some(at) = row(areas.list).and_then(|r| r.checked_sub(notice)) {
                list::select_index(s, s.list.offset + at, fx);
            }
        }
        Pane::Sidebar => {
            if let Some(at) = row(areas.sidebar).map(|r| s.sidebar.offset + r)
                && matches!(s.sidebar.entries.get(at), Some(SidebarEntry::View { .. }))
            {
                s.sidebar.selected = at;
            }
        }
        Pane::Related | Pane::Article => {}
    }
}
