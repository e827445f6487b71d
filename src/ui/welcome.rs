//! The first-run screen: no subscriptions yet, and the three ways to get some.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::fit;
use crate::theme::{Slot, Theme};

/// Draws the welcome screen in `area`; `sync`: a sync server is configured.
pub fn draw(frame: &mut Frame<'_>, area: Rect, theme: &Theme, sync: bool) {
    let width = usize::from(area.width.saturating_sub(4));
    let text = theme.style(Slot::WelcomeText);
    let key = theme.style(Slot::HelpKey);
    let option = |k: &'static str, what: &'static str| {
        Line::from(vec![
            Span::styled(format!("  {k}  "), key),
            Span::styled(fit(what, width.saturating_sub(5)), text),
        ])
    };
    let mut lines = vec![
        Line::styled(fit("Welcome to tidings", width), theme.style(Slot::WelcomeTitle)),
        Line::raw(""),
        Line::styled(fit("You have no subscriptions yet. To start:", width), text),
        Line::raw(""),
    ];
    if sync {
        // With [sync], the server's subscriptions come with the next sync.
        lines.push(option("R", "sync with your server ([sync] in config.toml): its feeds come here"));
    }
    lines.extend([
        option("a", "add a feed — or any web page that links to its feed"),
        option("i", "import an OPML file or a newsboat urls file"),
        option("S", "subscribe to a starter set of a dozen news and tech feeds"),
        Line::raw(""),
        option("?", "all keys"),
        option("q", "quit"),
        Line::raw(""),
        Line::styled(
            fit("From a shell: tidings add URL · tidings import FILE · tidings --help", width),
            text,
        ),
    ]);
    let height = lines.len() as u16;
    let top = area.height.saturating_sub(height) / 3;
    let inner = Rect {
        x: area.x + area.width.min(2),
        y: area.y + top,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(top),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
