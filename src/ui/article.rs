//! The article pane: the lines `update` wrapped for this width, sliced at the scroll position
//! and styled by kind (header, headings, quotes, code, links) from the theme.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fit, focused, pane_block, patch};
use unicode_width::UnicodeWidthStr;

use super::hyperlink::LinkRun;
use crate::app::state::{ArticleState, Pane, State};
use crate::text::{LineKind, Style as TextStyle};
use crate::theme::{Slot, Theme};

/// Draws the open article (or a hint) in `area`; returns where its visible links are, for
/// [`super::hyperlink`].
pub fn draw(frame: &mut Frame<'_>, area: Rect, state: &State, theme: &Theme) -> Vec<LinkRun> {
    let has_focus = focused(state, Pane::Article);
    let Some(open) = &state.article else {
        let block = pane_block("Article", has_focus, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let hint = fit("Select an article and press Enter to read it here.", usize::from(inner.width));
        frame.render_widget(Paragraph::new(hint).style(theme.style(Slot::ArticleMeta)), pad_left(inner));
        return Vec::new();
    };
    let mut block = pane_block(
        fit(&open.summary.feed_title, usize::from(area.width.saturating_sub(6))),
        has_focus,
        theme,
    );
    let inner = block.inner(area);
    let height = usize::from(inner.height);
    if open.lines.len() > height && height > 0 {
        let max = open.lines.len() - height;
        let percent = open.scroll.min(max) * 100 / max.max(1);
        block = block.title_bottom(Line::from(format!(" {percent}% ")).right_aligned());
    }
    let sources = &state.related.items[..state.related.same_story.min(state.related.items.len())];
    if !sources.is_empty() {
        let mut names: Vec<&str> = Vec::new();
        for a in sources {
            if !names.contains(&a.feed_title.as_str()) {
                names.push(&a.feed_title);
            }
        }
        let text = format!(" Also covered by {} (in Read also) ", names.join(", "));
        let room = usize::from(area.width.saturating_sub(12));
        block =
            block.title_bottom(Line::styled(fit(&text, room), theme.style(Slot::ArticleMeta)).left_aligned());
    }
    frame.render_widget(block, area);
    let text_area = pad_left(inner);
    if text_area.width == 0 || text_area.height == 0 {
        return Vec::new();
    }
    if open.article.is_none() {
        let lines = vec![
            Line::styled(
                fit(&open.summary.title, usize::from(text_area.width)),
                theme.style(Slot::ArticleTitle),
            ),
            Line::styled("Loading…", theme.style(Slot::ArticleMeta)),
        ];
        frame.render_widget(Paragraph::new(lines), text_area);
        return Vec::new();
    }
    let header_end = open.lines.iter().position(|l| l.kind == LineKind::Rule).unwrap_or(0);
    let lines: Vec<Line<'_>> = open
        .lines
        .iter()
        .enumerate()
        .skip(open.scroll)
        .take(height)
        .map(|(i, line)| {
            let base = line_style(line.kind, i < header_end, theme);
            // Headings are bold by nature: their colour stays the heading's.
            let heading = matches!(line.kind, LineKind::Heading(_));
            let mut spans: Vec<Span<'_>> = Vec::with_capacity(line.spans.len());
            for s in &line.spans {
                let inline = TextStyle { bold: s.style.bold && !heading, ..s.style };
                let style = span_style(base, inline, theme);
                // A search's words, marked where the article was found by one.
                let mut at = 0;
                for mark in open.highlight.marks(&s.text) {
                    if mark.start > at {
                        spans.push(Span::styled(&s.text[at..mark.start], style));
                    }
                    spans.push(Span::styled(&s.text[mark.clone()], style.add_modifier(Modifier::REVERSED)));
                    at = mark.end;
                }
                if at < s.text.len() {
                    spans.push(Span::styled(&s.text[at..], style));
                }
            }
            Line::from(spans).style(base)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), text_area);
    link_runs(open, text_area)
}

/// The cells of the visible links: each line's runs of spans that carry the same link number,
/// clipped to the text area. Links whose target is not safe to write are left out.
fn link_runs(open: &ArticleState, area: Rect) -> Vec<LinkRun> {
    let links = open.links();
    let mut runs: Vec<LinkRun> = Vec::new();
    let right = area.x.saturating_add(area.width);
    let own = article_link_lines(open);
    let own_url = open.summary.link.as_deref().and_then(super::hyperlink::safe_target);
    for (row, line) in open.lines.iter().enumerate().skip(open.scroll).take(usize::from(area.height)) {
        let y = area.y + u16::try_from(row - open.scroll).unwrap_or(u16::MAX);
        let mut x = area.x;
        if let Some(url) = own_url.as_ref().filter(|_| own.contains(&row)) {
            // The article's own link in the header: the whole line (link 0).
            let width = u16::try_from(line.width()).unwrap_or(u16::MAX).min(area.width);
            runs.push(LinkRun { x, y, width, number: 0, url: url.clone() });
            continue;
        }
        for span in &line.spans {
            let width = u16::try_from(span.text.width()).unwrap_or(u16::MAX);
            let shown = width.min(right.saturating_sub(x));
            if let Some(number) = span.style.link
                && shown > 0
            {
                let extends =
                    runs.last_mut().filter(|r| r.y == y && r.number == number && r.x + r.width == x);
                if let Some(run) = extends {
                    run.width += shown;
                } else if let Some(url) = number
                    .checked_sub(1)
                    .and_then(|i| links.get(i as usize))
                    .and_then(|u| super::hyperlink::safe_target(u))
                {
                    runs.push(LinkRun { x, y, width: shown, number, url });
                }
            }
            x = x.saturating_add(width);
            if x >= right {
                break;
            }
        }
    }
    runs
}

/// The header lines that show the article's own link, wrapped over one line or more: their
/// texts, in order, make up exactly the link. None when the header shows it otherwise.
fn article_link_lines(open: &ArticleState) -> Vec<usize> {
    let Some(link) = open.summary.link.as_deref().filter(|l| !l.is_empty()) else { return Vec::new() };
    let header_end = open.lines.iter().position(|l| l.kind == LineKind::Rule).unwrap_or(0);
    let mut found = Vec::new();
    let mut rest = link;
    for (i, line) in open.lines[..header_end].iter().enumerate() {
        let text = line.text();
        match rest.strip_prefix(text.as_str()) {
            Some(after) if line.kind == LineKind::Meta && !text.is_empty() => {
                found.push(i);
                rest = after;
                if rest.is_empty() {
                    return found;
                }
            }
            _ if found.is_empty() => {}
            _ => return Vec::new(),
        }
    }
    Vec::new()
}

/// One column of margin on the left, inside the border.
fn pad_left(r: Rect) -> Rect {
    let margin = u16::from(r.width > 2);
    Rect { x: r.x + margin, width: r.width - margin, ..r }
}

fn line_style(kind: LineKind, in_header: bool, theme: &Theme) -> Style {
    let text = theme.style(Slot::ArticleText);
    match kind {
        LineKind::Heading(_) if in_header => theme.style(Slot::ArticleTitle),
        LineKind::Heading(_) => theme.style(Slot::ArticleHeading),
        LineKind::Meta => theme.style(Slot::ArticleMeta),
        LineKind::Quote => patch(text, theme.style(Slot::ArticleQuote)),
        LineKind::Code => patch(text, theme.style(Slot::ArticleCode)),
        LineKind::Table => patch(text, theme.style(Slot::ArticleTable)),
        LineKind::Image => patch(text, theme.style(Slot::ArticleImage)),
        LineKind::Rule => theme.style(Slot::ArticleRule),
        LineKind::LinkList => theme.style(Slot::ArticleLinkList),
        LineKind::Text | LineKind::ListItem | LineKind::Blank => text,
    }
}

fn span_style(base: Style, s: TextStyle, theme: &Theme) -> Style {
    let mut style = base;
    if s.bold {
        style = patch(style, theme.style(Slot::ArticleBold));
    }
    if s.italic {
        style = patch(style, theme.style(Slot::ArticleItalic));
    }
    if s.code {
        style = patch(style, theme.style(Slot::ArticleCode));
    }
    if s.link.is_some() {
        style = patch(style, theme.style(Slot::ArticleLink));
    }
    style
}
