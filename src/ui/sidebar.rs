//! The sidebar: views, tags and feeds with unread counts; a mark on feeds whose last refresh
//! failed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{fit, focused, pad, pane_block, patch};
use crate::app::state::{Pane, SidebarEntry, State};
use crate::theme::{Slot, Theme};

/// Draws the sidebar in `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let has_focus = focused(state, Pane::Sidebar);
    let block = pane_block("Views", has_focus, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    if width == 0 || inner.height == 0 {
        return;
    }
    let side = &state.sidebar;
    let lines: Vec<Line<'_>> = side
        .entries
        .iter()
        .enumerate()
        .skip(side.offset)
        .take(usize::from(inner.height))
        .map(|(i, entry)| match entry {
            SidebarEntry::Heading(h) => Line::styled(pad(h, width), theme.style(Slot::SidebarHeading)),
            SidebarEntry::View { label, unread, failed, .. } => {
                let mut style = theme.style(Slot::SidebarItem);
                if i == side.selected && has_focus {
                    style = patch(style, theme.style(Slot::SidebarSelected));
                }
                let count = if *unread > 0 { format!(" {unread}") } else { String::new() };
                let mark = if *failed { "!" } else { " " };
                let label_width = width.saturating_sub(count.width() + 1);
                Line::from(vec![
                    Span::styled(mark, patch(style, theme.style(Slot::SidebarError))),
                    Span::styled(pad(label, label_width.saturating_sub(0)), style),
                    Span::styled(
                        fit(&count, width.saturating_sub(label_width + 1)),
                        patch(style, theme.style(Slot::SidebarCount)),
                    ),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
