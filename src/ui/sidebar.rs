//! The sidebar: views, tags and feeds with unread counts; `!` on feeds whose last refresh
//! failed; under them, while it has the focus, the selected entry in detail (a feed's address,
//! counts, last check and why it failed).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{ago, fit, focused, pad, pane_block, patch, plural, short_time};
use crate::app::state::{Pane, SidebarEntry, State};
use crate::layout::{self, Shape};
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
    let detail_rows = if has_focus {
        layout::sidebar_detail(&Shape {
            width: frame.area().width,
            height: frame.area().height,
            ..state.shape()
        })
        .min(inner.height)
    } else {
        0
    };
    let list_area = Rect { height: inner.height - detail_rows, ..inner };
    let side = &state.sidebar;
    let lines: Vec<Line<'_>> = side
        .entries
        .iter()
        .enumerate()
        .skip(side.offset)
        .take(usize::from(list_area.height))
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
                    Span::styled(pad(label, label_width), style),
                    Span::styled(
                        fit(&count, width.saturating_sub(label_width + 1)),
                        patch(style, theme.style(Slot::SidebarCount)),
                    ),
                ])
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
    if detail_rows > 0 {
        let detail = Rect { y: inner.y + list_area.height, height: detail_rows, ..inner };
        frame.render_widget(
            Paragraph::new(detail_lines(state, width, theme, usize::from(detail_rows))),
            detail,
        );
    }
}

/// The selected feed in detail, at most `rows` lines of `width` columns.
fn detail_lines<'a>(state: &State, width: usize, theme: &Theme, rows: usize) -> Vec<Line<'a>> {
    let Some(feed) = state.sidebar_feed() else { return Vec::new() };
    let meta = theme.style(Slot::ArticleMeta);
    let error = patch(theme.style(Slot::SidebarItem), theme.style(Slot::StatusError));
    let line = |s: &str, style| Line::styled(fit(s, width), style);
    let mut lines = vec![Line::styled("─".repeat(width), theme.style(Slot::Border))];
    if feed.title != feed.url {
        lines.push(line(&feed.title, theme.style(Slot::SidebarItem)));
    }
    lines.push(line(&feed.url, meta));
    lines.push(line(&format!("{} unread of {}", feed.unread, feed.total), meta));
    lines.push(match feed.last_fetch {
        Some(at) => line(&format!("Checked {} ({})", short_time(state, at), ago(state, at)), meta),
        None => line("Not fetched yet", meta),
    });
    if let Some(why) = &feed.last_error {
        let times = plural(feed.failures, "time", "times");
        let mut wrapped = crate::text::columns::wrap(&format!("! Failed {times} in a row: {why}"), width);
        let room = rows.saturating_sub(lines.len() + 1);
        if wrapped.len() > room {
            wrapped.truncate(room);
            if let Some(last) = wrapped.last_mut() {
                *last = fit(&format!("{last}…"), width);
            }
        }
        lines.extend(wrapped.into_iter().map(|l| Line::styled(l, error)));
        lines.push(line("r retries now", meta));
    }
    lines.truncate(rows);
    lines
}
