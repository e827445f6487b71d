//! Popups over the panes: the key help (generated from the keymap) and one-line prompts.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{fit, pad};
use crate::app::state::{Popup, PromptKind, State};
use crate::keymap::{Context, HelpEntry};
use crate::theme::{Slot, Theme};

/// Draws the open popup, if any.
pub fn draw(frame: &mut Frame<'_>, screen: Rect, state: &State, theme: &Theme, help: &[HelpEntry]) {
    match &state.popup {
        Some(Popup::Help { scroll }) => draw_help(frame, screen, *scroll, theme, help),
        Some(Popup::Prompt(prompt)) => {
            let title = match prompt.kind {
                PromptKind::AddFeed => "Subscribe: feed or web page URL",
                PromptKind::Import => "Import: path of an OPML or urls file",
                PromptKind::Search => "Search titles and text",
            };
            let area = centered(screen, 70, 3);
            if area.width < 3 || area.height < 3 {
                return;
            }
            frame.render_widget(Clear, area);
            let block = popup_block(title, theme);
            let inner = block.inner(area);
            frame.render_widget(block, area);
            // Show the end of long input, keeping the cursor in view.
            let width = usize::from(inner.width);
            let before: String = prompt.input.chars().take(prompt.cursor).collect();
            let skip = before.width().saturating_sub(width.saturating_sub(1));
            let shown: String = skip_columns(&prompt.input, skip);
            frame.render_widget(Paragraph::new(fit(&shown, width)).style(theme.style(Slot::Input)), inner);
            let x = inner.x + (before.width() - skip).min(width.saturating_sub(1)) as u16;
            frame.set_cursor_position(Position { x, y: inner.y });
        }
        None => {}
    }
}

fn draw_help(frame: &mut Frame<'_>, screen: Rect, scroll: usize, theme: &Theme, help: &[HelpEntry]) {
    let area = centered(screen, 76, screen.height.saturating_sub(4).max(3));
    if area.width < 3 || area.height < 3 {
        return;
    }
    frame.render_widget(Clear, area);
    let block = popup_block("Keys — Esc closes", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let key_width = help.iter().map(|e| e.keys.join(", ").width()).max().unwrap_or(0).min(width / 3);
    let mut lines: Vec<Line<'_>> = Vec::new();
    let mut context = None;
    for entry in help {
        if context != Some(entry.context) {
            context = Some(entry.context);
            let heading = match entry.context {
                Context::Global => "Everywhere",
                Context::List => "Article list",
                Context::Article => "Article",
                Context::Related => "Read also",
                Context::Sidebar => "Sidebar",
            };
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(pad(heading, width), theme.style(Slot::PopupText)));
        }
        let keys = pad(&entry.keys.join(", "), key_width);
        let desc = fit(&entry.desc, width.saturating_sub(key_width + 3));
        lines.push(Line::from(vec![
            Span::styled(format!(" {keys}  "), theme.style(Slot::HelpKey)),
            Span::styled(desc, theme.style(Slot::HelpDesc)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        pad(" A number then Enter opens that link of the article.", width),
        theme.style(Slot::HelpDesc),
    ));
    let scroll = scroll.min(lines.len().saturating_sub(usize::from(inner.height)));
    let shown: Vec<Line<'_>> = lines.into_iter().skip(scroll).take(usize::from(inner.height)).collect();
    frame.render_widget(Paragraph::new(shown).style(theme.style(Slot::PopupText)), inner);
}

fn popup_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Slot::PopupBorder))
        .style(theme.style(Slot::PopupText))
        .title(format!(" {title} "))
}

/// A `width` × `height` rectangle centred on the screen (clipped to it).
fn centered(screen: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(screen.width);
    let h = height.min(screen.height);
    Rect { x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h }
}

fn skip_columns(text: &str, columns: usize) -> String {
    let mut skipped = 0;
    text.chars()
        .skip_while(|c| {
            if skipped >= columns {
                return false;
            }
            skipped += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            true
        })
        .collect()
}
