//! The article list: unread and star marks, time, feed, title; the view and its counts in the
//! title; the selection kept in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, focused, pad, pane_block, patch, short_time};
use crate::app::state::{Pane, State};
use crate::theme::{Slot, Theme};

/// Draws the list in `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let list = &state.list;
    let counts = format!("{} unread / {}", list.unread, list.total);
    let title = format!("{} · {counts}", state.view.title());
    let has_focus = focused(state, Pane::List);
    let block = pane_block(fit(&title, usize::from(area.width.saturating_sub(4))), has_focus, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let rows = usize::from(inner.height);
    let width = usize::from(inner.width);
    if list.rows.is_empty() {
        let text = if !list.loaded || list.loading.is_some() {
            "Loading…"
        } else if state.view.unread_only {
            "No unread articles here (u shows all)"
        } else {
            "No articles here yet"
        };
        frame.render_widget(Paragraph::new(fit(text, width)).style(theme.style(Slot::ListItem)), inner);
        return;
    }
    let offset = list.offset.min(list.rows.len().saturating_sub(1));
    let feed_width = if width >= 60 {
        (width / 5).clamp(8, 18)
    } else if width >= 36 {
        10
    } else {
        0
    };
    let time_width = if width >= 24 { 7 } else { 0 };
    let lines: Vec<Line<'_>> = list
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, r)| {
            let base = theme.style(Slot::ListItem);
            let mut style = patch(base, theme.style(if r.read { Slot::ListRead } else { Slot::ListUnread }));
            if i == list.selected {
                style = patch(
                    style,
                    theme.style(if has_focus { Slot::ListSelected } else { Slot::ListSelectedUnfocused }),
                );
            }
            let mut spans = Vec::new();
            let mut used = 0;
            if width >= 8 {
                spans.push(Span::styled(if r.read { " " } else { "●" }, style));
                spans.push(Span::styled(
                    if r.starred { "★" } else { " " },
                    patch(style, theme.style(Slot::ListStar)),
                ));
                spans.push(Span::styled(" ", style));
                used = 3;
            }
            if time_width > 0 {
                let t = short_time(state, r.published);
                spans.push(Span::styled(
                    format!("{} ", pad(&t, time_width)),
                    patch(style, theme.style(Slot::ListTime)),
                ));
                used += time_width + 1;
            }
            if feed_width > 0 {
                spans.push(Span::styled(
                    format!("{} ", pad(&r.feed_title, feed_width)),
                    patch(style, theme.style(Slot::ListFeed)),
                ));
                used += feed_width + 1;
            }
            let title = pad(&r.title, width.saturating_sub(used));
            spans.push(Span::styled(title, style));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
