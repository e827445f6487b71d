//! Drawing: a pure function of the state and the theme. No I/O, no parsing, no reflow — the
//! article's lines were wrapped by `update`; this only slices and styles them.

mod article;
pub mod layout;
mod list;
mod popup;
mod related;
mod sidebar;
mod status;
mod welcome;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders};

use crate::app::state::{Pane, State};
use crate::keymap::HelpEntry;
use crate::theme::{Slot, Theme};

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &State, theme: &Theme, help: &[HelpEntry]) {
    let area = frame.area();
    frame.buffer_mut().set_style(area, theme.style(Slot::Base));
    let areas = layout::areas(area, state);
    if state.is_empty() && state.list.loaded {
        let body = Rect { height: area.height.saturating_sub(areas.status.height), ..area };
        welcome::draw(frame, body, theme);
    } else {
        if let Some(r) = areas.sidebar {
            sidebar::draw(frame, r, state, theme);
        }
        if let Some(r) = areas.list {
            list::draw(frame, r, state, theme);
        }
        if let Some(r) = areas.article {
            article::draw(frame, r, state, theme);
        }
        if let Some(r) = areas.related {
            related::draw(frame, r, state, theme);
        }
    }
    status::draw(frame, areas.status, state, theme, help);
    popup::draw(frame, area, state, theme, help);
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

/// A style patched with another.
fn patch(base: Style, with: Style) -> Style {
    base.patch(with)
}

#[cfg(test)]
mod tests;
