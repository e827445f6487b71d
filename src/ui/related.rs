//! "Read also": related articles with their feed and time, the way a news page lists related
//! stories under the text.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::{fit, focused, pad, pane_block, patch, short_time};
use crate::app::state::{Pane, RELATED_SHOWN, State};
use crate::theme::{Slot, Theme};

/// Draws the related articles in `area`.
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) {
    let has_focus = focused(state, Pane::Related);
    let block = pane_block("Read also", has_focus, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    if width == 0 || inner.height == 0 {
        return;
    }
    let related = &state.related;
    if related.items.is_empty() {
        let text = if state.article.is_none() {
            String::new()
        } else if related.loading {
            "Looking…".to_string()
        } else if state.status.indexing > 0 {
            format!("Nothing yet: {} articles still to index", state.status.indexing)
        } else {
            "Nothing closely related in the cache".to_string()
        };
        frame.render_widget(Paragraph::new(fit(&text, width)).style(theme.style(Slot::RelatedMeta)), inner);
        return;
    }
    // Two lines an item (title, then feed · time), a blank line between items when room allows.
    let spacious = usize::from(inner.height) >= related.items.len() * 3;
    let mut lines: Vec<Line<'_>> = Vec::new();
    for (i, item) in related.items.iter().enumerate() {
        let selected = i == related.selected;
        let mut title_style = theme.style(Slot::RelatedItem);
        let mut meta_style = theme.style(Slot::RelatedMeta);
        if selected && has_focus {
            title_style = patch(title_style, theme.style(Slot::RelatedSelected));
            meta_style = patch(meta_style, theme.style(Slot::RelatedSelected));
        }
        let marker = if item.read { "  " } else { "● " };
        lines.push(Line::styled(pad(&format!("{marker}{}", item.title), width), title_style));
        let meta = if i < related.same_story {
            format!("  Same story · {} · {}", item.feed_title, short_time(state, item.published))
        } else {
            format!("  {} · {}", item.feed_title, short_time(state, item.published))
        };
        lines.push(Line::styled(pad(&meta, width), meta_style));
        if spacious && i + 1 < related.items.len() {
            lines.push(Line::raw(""));
        }
    }
    // A short list is short on purpose: weak matches are not listed (index::related::bar).
    if related.items.len() - related.same_story.min(related.items.len()) < RELATED_SHOWN && !related.loading {
        if spacious {
            lines.push(Line::raw(""));
        }
        lines
            .push(Line::styled(pad("  Nothing else closely related", width), theme.style(Slot::RelatedMeta)));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
