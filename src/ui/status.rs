//! The status line: unread counts, refresh progress, the last message or error, key hints.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{fit, patch};
use crate::app::action::Action;
use crate::app::state::{Severity, State};
use crate::keymap::HelpEntry;
use crate::theme::{Slot, Theme};

/// Draws the status line in `area` (nothing on a one-row terminal).
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme, help: &[HelpEntry]) {
    let width = usize::from(area.width);
    if width == 0 || area.height == 0 {
        return;
    }
    let base = theme.style(Slot::Status);
    let mut left: Vec<Span<'_>> = Vec::new();
    if !state.link_digits.is_empty() {
        left.push(Span::styled(format!(" link [{}] — Enter opens ", state.link_digits), base));
    }
    if let Some((done, total)) = state.status.refresh {
        let failed =
            if state.status.failed > 0 { format!(", {} failed", state.status.failed) } else { String::new() };
        left.push(Span::styled(
            format!(" refreshing {done}/{total}{failed} "),
            patch(base, theme.style(Slot::StatusProgress)),
        ));
    }
    let message = state.status.message.as_ref().map(|(t, sev)| (crate::text::sanitize::single_line(t), *sev));
    match &message {
        Some((text, Severity::Error)) => {
            left.push(Span::styled(format!(" {text} "), patch(base, theme.style(Slot::StatusError))));
        }
        Some((text, Severity::Info)) => left.push(Span::styled(format!(" {text} "), base)),
        None => left.push(Span::styled(format!(" {} unread ", state.overview.unread), base)),
    }
    if state.status.indexing > 0 && state.status.refresh.is_none() {
        left.push(Span::styled(format!(" indexing: {} left ", state.status.indexing), base));
    }
    let hints = hints(help);
    let left_width: usize = left.iter().map(|s| s.content.width()).sum();
    let room = width.saturating_sub(left_width);
    let mut spans = Vec::new();
    if left_width > width {
        // Too narrow for everything: the most important text, cut to fit.
        let text: String = left.iter().map(|s| s.content.as_ref()).collect();
        spans.push(Span::styled(fit(&text, width), left.last().map_or(base, |s| s.style)));
    } else {
        spans.extend(left);
        let hint = if hints.width() < room { hints } else { String::new() };
        let gap = room.saturating_sub(hint.width());
        spans.push(Span::styled(" ".repeat(gap), base));
        spans.push(Span::styled(hint, patch(base, theme.style(Slot::StatusHint))));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

/// "? help  q back" from whatever keys the keymap binds.
fn hints(help: &[HelpEntry]) -> String {
    let key = |action: Action| help.iter().find(|e| e.action == action).and_then(|e| e.keys.first().cloned());
    let mut out = Vec::new();
    if let Some(k) = key(Action::Help) {
        out.push(format!("{k} help"));
    }
    if let Some(k) = key(Action::Back) {
        out.push(format!("{k} back"));
    }
    if out.is_empty() { String::new() } else { format!("{} ", out.join("  ")) }
}
