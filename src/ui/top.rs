//! "Top stories" in the list pane: a row per story (its newest title, the feeds that cover it,
//! its age), the day shown and how many stories in the title; a notice when the last 24 hours
//! had none and an earlier day is shown; what to do when there is nothing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{fit, focused, pad, pane_block, patch, plural, short_time};
use crate::app::state::{Pane, State};
use crate::layout::NOTICE_HEIGHT;
use crate::theme::{Slot, Theme};

/// Columns of the age column ("59 min").
const AGE_WIDTH: usize = 6;

/// Draws "Top stories" in `area` (the list pane).
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let list = &state.list;
    let day = match state.top.until {
        Some(until) if state.top.earlier => format!("up to {}", day_and_time(state, until)),
        _ => "last 24 h".to_string(),
    };
    let title =
        format!("{} · {day} · {}", state.view.title(), plural(list.rows.len() as u64, "story", "stories"));
    let has_focus = focused(state, Pane::List);
    let block = pane_block(fit(&title, usize::from(area.width.saturating_sub(4))), has_focus, theme);
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width);
    if list.rows.is_empty() {
        let lines: Vec<Line<'_>> = empty_text(state, width)
            .into_iter()
            .map(|l| Line::styled(l, theme.style(Slot::ListItem)))
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    if state.top_earlier() {
        let rows = NOTICE_HEIGHT.min(inner.height);
        let until = state.top.until.map(|t| day_and_time(state, t)).unwrap_or_default();
        let lines = vec![
            Line::styled(
                pad(
                    &format!("No story in the last 24 hours: the newest day with some, up to {until}"),
                    width,
                ),
                theme.style(Slot::ListItem),
            ),
            Line::styled(pad("  R refreshes every feed", width), theme.style(Slot::ArticleMeta)),
        ];
        frame.render_widget(Paragraph::new(lines), Rect { height: rows, ..inner });
        inner = Rect { y: inner.y + rows, height: inner.height - rows, ..inner };
        if inner.height == 0 {
            return;
        }
    }
    let feeds_of = |id| state.top.rows.get(&id).map_or(&[][..], |t| t.feeds.as_slice());
    let offset = list.offset.min(list.rows.len().saturating_sub(1));
    let shown = || list.rows.iter().enumerate().skip(offset).take(usize::from(inner.height));
    let mut columns = Columns::for_width(width);
    // The names take the room the longest shown needs, the titles the rest.
    let names = shown().map(|(_, r)| sources(feeds_of(r.id), columns.sources).width()).max().unwrap_or(0);
    columns.title += columns.sources - names.min(columns.sources);
    columns.sources = names.min(columns.sources);
    let lines: Vec<Line<'_>> = shown()
        .map(|(i, r)| {
            let mut style = patch(
                theme.style(Slot::ListItem),
                theme.style(if r.read { Slot::ListRead } else { Slot::ListUnread }),
            );
            if i == list.selected {
                style = patch(
                    style,
                    theme.style(if has_focus { Slot::ListSelected } else { Slot::ListSelectedUnfocused }),
                );
            }
            let feeds = feeds_of(r.id);
            let mut spans = Vec::new();
            if columns.marks {
                spans.push(Span::styled(if r.read { " " } else { "●" }, style));
                spans.push(Span::styled(
                    if r.starred { "★" } else { " " },
                    patch(style, theme.style(Slot::ListStar)),
                ));
                spans.push(Span::styled(" ", style));
            }
            if columns.age > 0 {
                let age = age(state, r.published);
                spans.push(Span::styled(
                    format!("{} ", pad(&format!("{age:>AGE_WIDTH$}"), columns.age)),
                    patch(style, theme.style(Slot::ListTime)),
                ));
            }
            let meta = patch(style, theme.style(Slot::ListFeed));
            if columns.sources > 0 {
                spans.push(Span::styled(pad(&r.title, columns.title), style));
                spans.push(Span::styled(
                    format!(" {}", pad(&sources(feeds, columns.sources), columns.sources)),
                    meta,
                ));
            } else {
                let badge = match feeds.len() {
                    0 | 1 => String::new(),
                    n => format!(" +{}", n - 1),
                };
                let badge_width = badge.width().min(columns.title);
                spans.push(Span::styled(pad(&r.title, columns.title - badge_width), style));
                spans.push(Span::styled(fit(&badge, badge_width), meta));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// What an empty "Top stories" says, wrapped to `width`: why it is empty and what to do.
fn empty_text(state: &State, width: usize) -> Vec<String> {
    let text = if !state.list.loaded || state.list.loading.is_some() {
        "Loading…".to_string()
    } else if state.view.unread_only {
        "No unread story in the last 24 hours (u shows the read ones too)".to_string()
    } else if state.status.indexing > 0 {
        format!(
            "No story yet: {} articles still to index. Stories form as the index takes them in.",
            state.status.indexing
        )
    } else {
        "No story is covered by more than one of your feeds in the last 24 hours. \
         Stories form when two feeds report the same news: R refreshes every feed, \
         q returns to all articles."
            .to_string()
    };
    crate::text::columns::wrap(&crate::text::sanitize::clean_text(&text), width)
}

/// The feeds of a story in at most `width` columns: as many names as fit, then how many more
/// ("World Desk, Tech Weekly +2").
fn sources(feeds: &[String], width: usize) -> String {
    let clean: Vec<String> =
        feeds.iter().map(|f| crate::text::sanitize::clean_text(f).into_owned()).collect();
    let more = |shown: usize| {
        if shown < clean.len() { format!(" +{}", clean.len() - shown) } else { String::new() }
    };
    let mut text = String::new();
    let mut shown = 0;
    for name in &clean {
        let joined = if shown == 0 { name.clone() } else { format!("{text}, {name}") };
        if joined.width() + more(shown + 1).width() > width {
            break;
        }
        text = joined;
        shown += 1;
    }
    if shown == 0 {
        // Not even one name whole: the first one cut, and the count of the others.
        let rest = more(1);
        let first = clean.first().map(String::as_str).unwrap_or_default();
        return fit(&format!("{}{rest}", fit(first, width.saturating_sub(rest.width()))), width);
    }
    format!("{text}{}", more(shown))
}

/// How long ago, in at most [`AGE_WIDTH`] columns: "now", "25 min", "3 h", "2 d".
fn age(state: &State, t: chrono::DateTime<chrono::Utc>) -> String {
    let minutes = (state.now - t).num_minutes();
    match minutes {
        ..1 => "now".to_string(),
        1..60 => format!("{minutes} min"),
        60..2880 => format!("{} h", minutes / 60),
        _ => format!("{} d", minutes / 1440),
    }
}

/// A day and time for the title and the notice: "Dec 05 18:40" (the time alone for today).
fn day_and_time(state: &State, t: chrono::DateTime<chrono::Utc>) -> String {
    let day = short_time(state, t);
    let time = t.with_timezone(&state.tz).format("%H:%M").to_string();
    if day == time { time } else { format!("{day} {time}") }
}

/// How a row's columns share the width: the title most of it; the feeds' names when the
/// title keeps two thirds of what is left, else a "+N" after the title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Columns {
    marks: bool,
    age: usize,
    title: usize,
    sources: usize,
}

impl Columns {
    fn for_width(width: usize) -> Self {
        let marks = width >= 8;
        let age = if width >= 24 { AGE_WIDTH } else { 0 };
        let fixed = if marks { 3 } else { 0 } + if age > 0 { age + 1 } else { 0 };
        let rest = width.saturating_sub(fixed);
        let sources = if rest >= 48 { (rest / 3).min(32) } else { 0 };
        let title = rest.saturating_sub(if sources > 0 { sources + 1 } else { 0 });
        Self { marks, age, title, sources }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn as_many_feed_names_as_fit_then_how_many_more() {
        let feeds = names(&["BBC", "Guardian", "Reuters", "Le Monde"]);
        assert_eq!(sources(&feeds, 40), "BBC, Guardian, Reuters, Le Monde");
        assert_eq!(sources(&feeds, 20), "BBC, Guardian +2");
        assert_eq!(sources(&feeds, 16), "BBC, Guardian +2");
        assert_eq!(sources(&feeds, 15), "BBC +3");
        assert_eq!(sources(&names(&["The Very Long Daily Chronicle", "BBC"]), 12), "The Very… +1");
        assert_eq!(sources(&names(&["東京ニュース", "BBC"]), 17), "東京ニュース, BBC");
        assert_eq!(sources(&names(&["東京ニュース", "BBC"]), 16), "東京ニュース +1");
        for width in 0..50 {
            assert!(sources(&feeds, width).width() <= width, "{width}");
        }
    }

    #[test]
    fn the_columns_fill_the_width() {
        for width in 0..=200 {
            let c = Columns::for_width(width);
            let used = if c.marks { 3 } else { 0 }
                + if c.age > 0 { c.age + 1 } else { 0 }
                + c.title
                + if c.sources > 0 { c.sources + 1 } else { 0 };
            assert_eq!(used, width, "{c:?}");
            if width >= 40 {
                assert!(c.title * 2 > width, "{width}: {c:?}");
            }
        }
        assert_eq!(Columns::for_width(78).sources, 22, "80 columns, one pane");
    }
}
