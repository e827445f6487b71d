//! The status line: refresh progress, the message that matters most (or the unread count),
//! how many newer messages wait (`M` lists them in full), and key hints for whatever has the
//! input now, with the keys the keymap binds.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::{fit, patch, welcome_shown};
use crate::app::action::Action;
use crate::app::messages::Severity;
use crate::app::state::{Pane, Popup, State, View};
use crate::keymap::Keymap;
use crate::theme::{Slot, Theme};

/// Draws the status line in `area` (nothing on a one-row terminal).
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme, keymap: &Keymap) {
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
    if let Some(step) = &state.status.sync {
        left.push(Span::styled(format!(" sync: {step} "), patch(base, theme.style(Slot::StatusProgress))));
    }
    if let Some((_, title)) = state.status.full_text.last() {
        let more = state.status.full_text.len() - 1;
        let more = if more > 0 { format!(" (+{more})") } else { String::new() };
        left.push(Span::styled(
            format!(" fetching the full text of “{}”{more} ", crate::text::sanitize::single_line(title)),
            patch(base, theme.style(Slot::StatusProgress)),
        ));
    }
    let waiting = state.messages.waiting();
    let (message, message_style) = match state.messages.current() {
        Some(m) => {
            let style = match m.severity {
                Severity::Info => base,
                Severity::Warning | Severity::Error => patch(base, theme.style(Slot::StatusError)),
            };
            (crate::text::sanitize::single_line(&m.text), style)
        }
        None if welcome_shown(state) => ("No subscriptions yet".to_string(), base),
        None => (format!("{} unread", state.overview.unread), base),
    };
    let mut after: Vec<Span<'_>> = Vec::new();
    if waiting > 0 {
        after.push(Span::styled(format!("(+{waiting} more) "), base));
    }
    if state.status.indexing > 0 && state.status.refresh.is_none() {
        after.push(Span::styled(format!(" indexing: {} left ", state.status.indexing), base));
    }
    let spans_width = |spans: &[Span<'_>]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let fixed = spans_width(&left) + spans_width(&after);
    let message_width = message.width() + 2;
    // The message gets the room first; hints go from the end when it needs theirs. When the
    // message is cut (or others wait), the hint to the message list stays, so all can be read.
    let cut = fixed + message_width > width;
    let mut hints = hints(state, keymap, cut || waiting > 0);
    let hint_text =
        |hints: &[String]| if hints.is_empty() { String::new() } else { format!(" {} ", hints.join("  ")) };
    let keep = usize::from(cut || waiting > 0);
    while hints.len() > keep && fixed + message_width + hint_text(&hints).width() > width {
        hints.pop();
    }
    let mut hint = hint_text(&hints);
    if hint.width() + fixed + 8 > width {
        hint.clear(); // a tiny terminal: the message before any hint
    }
    let room = width.saturating_sub(hint.width() + fixed);
    let shown = if message_width > room { fit(&message, room.saturating_sub(2)) } else { message };
    left.push(Span::styled(format!(" {shown} "), message_style));
    left.extend(after);
    let used = spans_width(&left);
    let mut spans = Vec::new();
    if used + hint.width() > width {
        // Too narrow for everything: the text, cut to fit.
        let text: String = left.iter().map(|s| s.content.as_ref()).collect();
        spans.push(Span::styled(fit(&text, width), message_style));
    } else {
        spans.extend(left);
        spans.push(Span::styled(" ".repeat(width - used - hint.width()), base));
        spans.push(Span::styled(hint, patch(base, theme.style(Slot::StatusHint))));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}

/// Key hints for what has the input: `key what` pairs, most useful first (the ones at the
/// end go first when the line is short): the message list when a message waits or is cut, the
/// help, then what the context does.
fn hints(state: &State, keymap: &Keymap, messages: bool) -> Vec<String> {
    let context = crate::app::input::context(state);
    let mut wanted: Vec<(Action, &str)> = Vec::new();
    if messages && !matches!(state.popup, Some(Popup::Messages { .. })) {
        wanted.push((Action::Messages, "messages"));
    }
    if state.popup.is_none() {
        wanted.push((Action::Help, "help"));
    }
    match &state.popup {
        Some(Popup::Help { .. } | Popup::Messages { .. }) => {
            wanted.extend([(Action::Down, "scroll"), (Action::Cancel, "close")]);
        }
        Some(Popup::Prompt(p)) => {
            wanted.extend([(Action::Submit, "accept"), (Action::Cancel, "cancel")]);
            if p.fields.len() > 1 {
                wanted.push((Action::NextField, "next field"));
            }
            wanted.push((Action::HistoryPrev, "history"));
        }
        Some(Popup::Confirm(_)) => wanted.extend([(Action::Yes, "yes"), (Action::Cancel, "no")]),
        Some(Popup::Hints(_)) => wanted.push((Action::Cancel, "close")),
        None if welcome_shown(state) => wanted.extend([
            (Action::AddFeed, "add"),
            (Action::Import, "import"),
            (Action::StarterFeeds, "starter feeds"),
            (Action::Back, "quit"),
        ]),
        None => match state.focus {
            Pane::List => {
                wanted.extend([(Action::Open, "read"), (Action::Search, "search")]);
                if !state.sidebar.visible {
                    wanted.push((Action::ToggleSidebar, "feeds"));
                }
                wanted.push((Action::Back, if state.view == View::ALL { "quit" } else { "all articles" }));
            }
            Pane::Article => {
                wanted.extend([
                    (Action::ReadOn, "read on"),
                    (Action::OpenInBrowser, "browser"),
                    (Action::Back, "back"),
                ]);
            }
            Pane::Related => wanted.extend([(Action::Open, "read"), (Action::Back, "back")]),
            Pane::Sidebar => {
                wanted.push((Action::Open, "show"));
                if let Some(feed) = state.sidebar_feed() {
                    wanted.push((
                        Action::RefreshFeed,
                        if feed.last_error.is_some() { "retry" } else { "refresh" },
                    ));
                    wanted.push((Action::Unsubscribe, "unsubscribe"));
                }
                wanted.push((Action::Back, "back"));
            }
        },
    }
    wanted
        .into_iter()
        .filter_map(|(action, what)| {
            keymap.keys_for(context, action).into_iter().next().map(|key| format!("{key} {what}"))
        })
        .collect()
}
