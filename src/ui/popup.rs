//! Popups over the panes: the key help (generated from the keymap), the message log, prompts
//! and yes/no questions.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{fit, pad, patch};
use crate::app::action::Action;
use crate::app::hints::{Hints, Target};
use crate::app::messages::Severity;
use crate::app::state::{Confirm, Popup, Prompt, State};
use crate::keymap::{Context, HelpEntry, Keymap};
use crate::layout::{self, Shape};
use crate::theme::{Slot, Theme};

/// Draws the open popup, if any.
pub fn draw(
    frame: &mut Frame<'_>,
    shape: Shape,
    state: &State,
    theme: &Theme,
    keymap: &Keymap,
    help: &[HelpEntry],
) {
    match &state.popup {
        Some(Popup::Help { scroll }) => {
            let area = layout::text_popup(&shape);
            let lines = help_lines(help, usize::from(area.width.saturating_sub(2)), theme);
            draw_text(frame, area, "Keys — Esc closes", lines, *scroll, theme);
        }
        Some(Popup::Messages { scroll }) => {
            let area = layout::text_popup(&shape);
            let width = usize::from(area.width.saturating_sub(2));
            let text = theme.style(Slot::PopupText);
            let mut lines: Vec<Line<'_>> = state
                .messages
                .lines(&state.tz, width)
                .into_iter()
                .map(|(severity, line)| {
                    let style = match severity {
                        Severity::Info => text,
                        Severity::Warning | Severity::Error => patch(text, theme.style(Slot::StatusError)),
                    };
                    Line::styled(line, style)
                })
                .collect();
            if lines.is_empty() {
                lines.push(Line::styled("No messages yet.", text));
            }
            draw_text(frame, area, "Messages, newest first — Esc closes", lines, *scroll, theme);
        }
        Some(Popup::Prompt(prompt)) => draw_prompt(frame, shape, prompt, theme),
        Some(Popup::Confirm(question)) => draw_confirm(frame, shape, question, theme, keymap),
        Some(Popup::Hints(hints)) => draw_hints(frame, shape, hints, theme),
        None => {}
    }
}

/// A scrolled text popup.
fn draw_text(
    frame: &mut Frame<'_>,
    area: Rect,
    title: &str,
    lines: Vec<Line<'_>>,
    scroll: usize,
    theme: &Theme,
) {
    if area.width < 3 || area.height < 3 {
        return;
    }
    frame.render_widget(Clear, area);
    let block = popup_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = usize::from(inner.height);
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let shown: Vec<Line<'_>> = lines.into_iter().skip(scroll).take(rows).collect();
    frame.render_widget(Paragraph::new(shown).style(theme.style(Slot::PopupText)), inner);
}

/// The heading of a context's section in the help.
fn heading(context: Context) -> &'static str {
    match context {
        Context::Global => "Everywhere",
        Context::List => "Article list",
        Context::Article => "Article",
        Context::Related => "Read also",
        Context::Sidebar => "Sidebar",
        Context::Help => "This help and the message log",
        Context::Prompt => "Typing in a prompt",
        Context::Confirm => "Questions",
        Context::Hints => "Link hints (type a label; Shift copies)",
    }
}

/// The help's lines: a section per context, a line per action with all its keys.
fn help_lines<'a>(help: &[HelpEntry], width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let key_width = help.iter().map(|e| e.keys.join(", ").width()).max().unwrap_or(0).min(width / 3);
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut context = None;
    for entry in help {
        if context != Some(entry.context) {
            context = Some(entry.context);
            if !lines.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(pad(heading(entry.context), width), theme.style(Slot::PopupText)));
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
    lines
}

/// How many lines the help has (the reader's state keeps it, to stop scrolling at its end).
pub fn help_len(help: &[HelpEntry]) -> usize {
    let mut contexts: Vec<Context> = help.iter().map(|e| e.context).collect();
    contexts.dedup();
    // Entries, a heading per section, a blank line between sections, then a blank and a note.
    help.len() + contexts.len() * 2 - usize::from(!contexts.is_empty()) + 2
}

fn draw_prompt(frame: &mut Frame<'_>, shape: Shape, prompt: &Prompt, theme: &Theme) {
    let area = layout::centered(&shape, 72, 2 + prompt.fields.len() as u16);
    if area.width < 3 || area.height < 3 {
        return;
    }
    frame.render_widget(Clear, area);
    let block = popup_block(prompt.title(), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let many = prompt.fields.len() > 1;
    let label_width =
        if many { prompt.fields.iter().map(|f| f.label.width()).max().unwrap_or(0) + 2 } else { 0 };
    for (i, field) in prompt.fields.iter().enumerate().take(usize::from(inner.height)) {
        let row = Rect { y: inner.y + i as u16, height: 1, ..inner };
        let label = if many { pad(&format!("{}:", field.label), label_width) } else { String::new() };
        let width = usize::from(row.width).saturating_sub(label.width());
        // Show the end of long input, keeping the cursor in view.
        let before: String = field.text.chars().take(field.cursor).collect();
        let skip = before.width().saturating_sub(width.saturating_sub(1));
        let shown = skip_columns(&field.text, skip);
        let line = Line::from(vec![
            Span::styled(label.clone(), theme.style(Slot::PopupText)),
            Span::styled(pad(&shown, width), theme.style(Slot::Input)),
        ]);
        frame.render_widget(Paragraph::new(line), row);
        if i == prompt.focus {
            let x = row.x + (label.width() + (before.width() - skip).min(width.saturating_sub(1))) as u16;
            frame.set_cursor_position(Position { x: x.min(row.right().saturating_sub(1)), y: row.y });
        }
    }
}

fn draw_confirm(frame: &mut Frame<'_>, shape: Shape, question: &Confirm, theme: &Theme, keymap: &Keymap) {
    let width = 64.min(shape.width);
    let text_width = usize::from(width.saturating_sub(4));
    let mut lines: Vec<Line<'_>> = crate::text::columns::wrap(&question.question, text_width)
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), theme.style(Slot::PopupText)))
        .collect();
    lines.push(Line::raw(""));
    let mut answers = vec![Span::raw(" ")];
    for (action, what) in [(Action::Yes, "yes"), (Action::Cancel, "no")] {
        if let Some(key) = keymap.keys_for(Context::Confirm, action).into_iter().next() {
            answers.push(Span::styled(key, theme.style(Slot::HelpKey)));
            answers.push(Span::styled(format!(" {what}   "), theme.style(Slot::HelpDesc)));
        }
    }
    lines.push(Line::from(answers));
    let area = layout::centered(&shape, width, lines.len() as u16 + 2);
    if area.width < 3 || area.height < 3 {
        return;
    }
    frame.render_widget(Clear, area);
    let block = popup_block("Are you sure?", theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines).style(theme.style(Slot::PopupText)), inner);
}

/// The link hints: a line per link — its label, what it is, its URL — narrowed to the labels
/// that start with the letters typed.
fn draw_hints(frame: &mut Frame<'_>, shape: Shape, hints: &Hints, theme: &Theme) {
    let shown: Vec<&crate::app::hints::Hint> = hints.shown().collect();
    let width = 76.min(shape.width.saturating_sub(2));
    let rows = u16::try_from(shown.len()).unwrap_or(u16::MAX).min(shape.height.saturating_sub(6).max(1));
    let area = layout::centered(&shape, width, rows + 2);
    if area.width < 12 || area.height < 3 {
        return;
    }
    frame.render_widget(Clear, area);
    let title =
        if hints.copy { "Copy a link — Esc closes" } else { "Open a link (Shift: copy) — Esc closes" };
    let block = popup_block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let label_width = shown.first().map_or(1, |h| h.label.len());
    let text_width = usize::from(inner.width);
    let mut lines: Vec<Line<'_>> = Vec::new();
    let room = usize::from(inner.height);
    for (i, hint) in shown.iter().enumerate() {
        if i + 1 == room && shown.len() > room {
            let more = format!(" … {} more: type a first letter to narrow", shown.len() - i);
            lines.push(Line::styled(fit(&more, text_width), theme.style(Slot::HelpDesc)));
            break;
        }
        let what = match hint.target {
            Target::Article => "article".to_string(),
            Target::Enclosure(n) => format!("enclosure {n}"),
            Target::Link(n) => format!("[{n}]"),
        };
        let head = format!(" {} ", pad(&hint.label, label_width));
        let what = format!("{} ", pad(&what, 11));
        let url_width = text_width.saturating_sub(head.width() + what.width());
        lines.push(Line::from(vec![
            Span::styled(head, theme.style(Slot::HelpKey)),
            Span::styled(what, theme.style(Slot::HelpDesc)),
            Span::styled(fit(&hint.url, url_width), theme.style(Slot::PopupText)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(theme.style(Slot::PopupText)), inner);
}

fn popup_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.style(Slot::PopupBorder))
        .style(theme.style(Slot::PopupText))
        .title(format!(" {title} "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_is_as_long_as_the_state_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load("default", dir.path(), crate::theme::ColorDepth::TrueColor, false).unwrap();
        let help = crate::keymap::Keymap::defaults().help();
        assert_eq!(help_lines(&help, 74, &theme).len(), help_len(&help));
        assert_eq!(help_lines(&[], 74, &theme).len(), help_len(&[]));
    }
}
