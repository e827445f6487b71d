//! The article list: unread and star marks, time, feed, title; the view and its counts in the
//! title; for a feed whose last refresh failed, why, above its articles; the selection kept in
//! view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{ago, fit, focused, pad, pane_block, patch, plural, short_time};
use crate::app::state::{Pane, State, ViewKind};
use crate::layout::NOTICE_HEIGHT;
use crate::theme::{Slot, Theme};

/// Columns of the time column ("15:10", "Nov 26", "2025-10").
const TIME_WIDTH: usize = 7;

/// Draws the list in `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let list = &state.list;
    let counts = format!("{} unread / {}", list.unread, list.total);
    let title = format!("{} · {counts}", state.view.title());
    let grouped = crate::app::list::view_filter(state).one_per_story;
    let has_focus = focused(state, Pane::List);
    let block = pane_block(fit(&title, usize::from(area.width.saturating_sub(4))), has_focus, theme);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    if let Some(feed) = state.failed_feed() {
        let rows = NOTICE_HEIGHT.min(inner.height);
        let why = feed.last_error.as_deref().unwrap_or_default();
        let error = patch(theme.style(Slot::ListItem), theme.style(Slot::StatusError));
        let when = feed.last_fetch.map(|t| format!(", last {}", ago(state, t))).unwrap_or_default();
        let lines = vec![
            Line::styled(pad(&format!("! {why}"), width), error),
            Line::styled(
                pad(
                    &format!(
                        "  failed {} in a row{when} · r retries",
                        plural(feed.failures, "time", "times")
                    ),
                    width,
                ),
                theme.style(Slot::ArticleMeta),
            ),
        ];
        frame.render_widget(Paragraph::new(lines), Rect { height: rows, ..inner });
        inner = Rect { y: inner.y + rows, height: inner.height - rows, ..inner };
        if inner.height == 0 {
            return;
        }
    }
    let rows = usize::from(inner.height);
    if list.rows.is_empty() {
        let text = if !list.loaded || list.loading.is_some() {
            "Loading…".to_string()
        } else if let ViewKind::Search(words) = &state.view.kind {
            format!("No matches for “{words}” (/ searches again, q returns to all articles)")
        } else if state.view.unread_only {
            "No unread articles here (u shows all)".to_string()
        } else {
            "No articles here yet".to_string()
        };
        frame.render_widget(Paragraph::new(fit(&text, width)).style(theme.style(Slot::ListItem)), inner);
        return;
    }
    let offset = list.offset.min(list.rows.len().saturating_sub(1));
    let columns = Columns::for_width(width);
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
            if columns.marks {
                spans.push(Span::styled(if r.read { " " } else { "●" }, style));
                spans.push(Span::styled(
                    if r.starred { "★" } else { " " },
                    patch(style, theme.style(Slot::ListStar)),
                ));
                spans.push(Span::styled(" ", style));
            }
            if columns.time > 0 {
                let t = short_time(state, r.published);
                spans.push(Span::styled(
                    format!("{} ", pad(&t, columns.time)),
                    patch(style, theme.style(Slot::ListTime)),
                ));
            }
            if columns.feed > 0 {
                spans.push(Span::styled(
                    format!("{} ", pad(&r.feed_title, columns.feed)),
                    patch(style, theme.style(Slot::ListFeed)),
                ));
            }
            // One row per story: how many other sources it has.
            let badge = match r.sources {
                0 => String::new(),
                _ if !grouped => String::new(),
                1 if columns.title >= 48 => " +1 source".to_string(),
                n if columns.title >= 48 => format!(" +{n} sources"),
                n => format!(" +{n}"),
            };
            let badge_width = badge.chars().count().min(columns.title);
            spans.push(Span::styled(pad(&r.title, columns.title - badge_width), style));
            if badge_width > 0 {
                spans.push(Span::styled(badge, patch(style, theme.style(Slot::ListFeed))));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// How a row's columns share the width: the title gets most of it; the feed's name only when
/// the title keeps at least three quarters of what is left (the article pane beside a narrow
/// list names the feed anyway).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Columns {
    marks: bool,
    time: usize,
    feed: usize,
    title: usize,
}

impl Columns {
    fn for_width(width: usize) -> Self {
        let marks = width >= 8;
        let time = if width >= 24 { TIME_WIDTH } else { 0 };
        let fixed = if marks { 3 } else { 0 } + if time > 0 { time + 1 } else { 0 };
        let rest = width.saturating_sub(fixed);
        let feed = if rest >= 48 { ((rest - 1) / 4).min(18) } else { 0 };
        let title = rest.saturating_sub(if feed > 0 { feed + 1 } else { 0 });
        Self { marks, time, feed, title }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_gets_most_of_the_room() {
        for width in 0..=200 {
            let c = Columns::for_width(width);
            let used = if c.marks { 3 } else { 0 }
                + if c.time > 0 { c.time + 1 } else { 0 }
                + if c.feed > 0 { c.feed + 1 } else { 0 }
                + c.title;
            assert_eq!(used, width, "{c:?}");
            if width >= 40 {
                assert!(c.title * 2 > width, "{width}: the title has less than half: {c:?}");
                assert!(c.title >= 3 * c.feed, "{width}: {c:?}");
            }
        }
        // At 100 columns the list beside the article is 40 wide: no feed column there.
        assert_eq!(Columns::for_width(38).feed, 0);
        assert_eq!(Columns::for_width(78).feed, 16, "80 columns, one pane: the feed fits");
    }
}
