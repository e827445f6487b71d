//! Drawing: a pure function of the state and the theme. No I/O, no parsing, no reflow — the
//! article's lines were wrapped by `update`; this only slices and styles them. Where things go
//! comes from [`crate::layout`], which `update` uses too.

mod article;
pub mod hyperlink;
mod list;
mod popup;
mod related;
mod sidebar;
mod status;
mod top;
mod welcome;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders};

use crate::app::state::{Pane, State};
use crate::keymap::{HelpEntry, Keymap};
use crate::layout::{self, Shape};
use crate::theme::{Slot, Theme};

pub use popup::help_len;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &State, theme: &Theme, keymap: &Keymap, help: &[HelpEntry]) {
    let area = frame.area();
    frame.buffer_mut().set_style(area, theme.style(Slot::Base));
    // The frame's own size: it can differ from the state's for a moment after a resize.
    let shape = Shape { width: area.width, height: area.height, ..state.shape() };
    let areas = layout::areas(&shape);
    let mut links = Vec::new();
    if welcome_shown(state) {
        let body = Rect { height: area.height.saturating_sub(areas.status.height), ..area };
        welcome::draw(frame, body, theme, state.settings.sync);
    } else {
        if let Some(r) = areas.sidebar {
            sidebar::draw(frame, r, state, theme);
        }
        if let Some(r) = areas.list {
            if state.view.kind == crate::app::state::ViewKind::TopStories {
                top::draw(frame, r, state, theme);
            } else {
                list::draw(frame, r, state, theme);
            }
        }
        if let Some(r) = areas.article {
            links = article::draw(frame, r, state, theme);
        }
        if let Some(r) = areas.related {
            related::draw(frame, r, state, theme);
        }
    }
    status::draw(frame, areas.status, state, theme, keymap);
    popup::draw(frame, shape, state, theme, keymap, help);
    // Last, over what is finally in the cells; not under a popup, which may cover them.
    if state.settings.hyperlinks && state.popup.is_none() {
        hyperlink::apply(frame.buffer_mut(), &links);
    }
}

/// The first-run screen shows: nothing subscribed, nothing cached.
fn welcome_shown(state: &State) -> bool {
    state.is_empty() && state.list.loaded
}

/// A pane's frame: rounded borders, its title, the focused look when it has the focus.
fn pane_block<'a>(title: impl Into<String>, focused: bool, theme: &Theme) -> Block<'a> {
    let (border, title_style) = if focused {
        (theme.style(Slot::BorderFocused), theme.style(Slot::TitleFocused))
    } else {
        (theme.style(Slot::Border), theme.style(Slot::Title))
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(Span::styled(format!(" {} ", title.into()), title_style))
}

/// Whether `pane` has the focus (and no popup covers it).
fn focused(state: &State, pane: Pane) -> bool {
    state.focus == pane && state.popup.is_none()
}

/// `text` cut to `width` columns (an ellipsis marks the cut), feed text made safe first.
fn fit(text: &str, width: usize) -> String {
    crate::text::columns::fit(&crate::text::sanitize::clean_text(text), width)
}

/// `text` cut or padded to exactly `width` columns, made safe first.
fn pad(text: &str, width: usize) -> String {
    crate::text::columns::pad(&crate::text::sanitize::clean_text(text), width)
}

/// Time for the list: clock time today, the date otherwise (with the year if not this one).
fn short_time(state: &State, t: chrono::DateTime<chrono::Utc>) -> String {
    let local = t.with_timezone(&state.tz);
    let now = state.now.with_timezone(&state.tz);
    if local.date_naive() == now.date_naive() {
        local.format("%H:%M").to_string()
    } else if local.format("%Y").to_string() == now.format("%Y").to_string() {
        local.format("%b %d").to_string()
    } else {
        local.format("%Y-%m").to_string()
    }
}

/// How long ago `t` was, in a word or two ("5 min ago", "3 h ago", "2 days ago").
fn ago(state: &State, t: chrono::DateTime<chrono::Utc>) -> String {
    let minutes = (state.now - t).num_minutes();
    match minutes {
        ..1 => "just now".to_string(),
        1..60 => format!("{minutes} min ago"),
        60..2880 => format!("{} h ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}

/// "1 feed", "2 feeds".
fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A style patched with another.
fn patch(base: Style, with: Style) -> Style {
    base.patch(with)
}

#[cfg(test)]
mod tests;
