//! Blocks to wrapped, styled lines for a given width.
//!
//! [`reflow`] is run once per article and width, outside rendering. Every line it returns fits
//! the width in terminal columns, whatever the input: prefixes and indentation are dropped when
//! they would leave too little room, over-long words are cut, and a final check splits anything
//! that still measures too wide.
//!
//! Preformatted code is never re-wrapped at spaces: its whitespace is kept exactly (tabs at
//! 4-column stops). A code line wider than the width is cut at the width, and each further part
//! goes on a line that starts with [`CODE_CONTINUATION`] (`↪ `, in the code style) so that a
//! reader can tell a cut line from two lines of source. Lines of 3 columns get the arrow without
//! its space, and lines of 1 or 2 columns are cut without a marker: there is no room for one.

mod code;
mod styled;
mod table;
#[cfg(test)]
mod tests;
mod wrap;

use unicode_width::UnicodeWidthStr;

use super::html::{Block, Document, Style, image_label};
pub use code::CODE_CONTINUATION;
use code::code_lines;
use styled::Styled;

/// Prefixes and indentation are kept only when they leave at least this many columns of text.
const MIN_CONTENT: usize = 5;

/// Bullets by list nesting level (the last repeats).
const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];

/// What a line is part of, so the UI can style it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Paragraph text.
    Text,
    /// A heading line, with its level (1–6).
    Heading(u8),
    /// A line inside a block quote (prefixed `│ `).
    Quote,
    /// Preformatted text.
    Code,
    /// A line of a list item.
    ListItem,
    /// A table row, rule or stacked `header: value` line.
    Table,
    /// A thematic break.
    Rule,
    /// An image placeholder.
    Image,
    /// The `Links:` heading and the numbered URLs after the text.
    LinkList,
    /// An empty line between blocks.
    Blank,
    /// Article header lines other than the title (feed, author, date, link).
    Meta,
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// The text (never contains control characters or newlines).
    pub text: String,
    /// Its emphasis and link.
    pub style: Style,
}

/// One screen line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// What the line belongs to.
    pub kind: LineKind,
    /// The styled pieces, left to right.
    pub spans: Vec<Span>,
}

impl Line {
    /// Display width in terminal columns.
    pub fn width(&self) -> usize {
        self.text().width()
    }

    /// The line's text without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    fn blank() -> Self {
        Line { kind: LineKind::Blank, spans: Vec::new() }
    }

    fn new(kind: LineKind, spans: Vec<Span>) -> Self {
        Line { kind, spans }
    }
}

impl Span {
    fn plain(text: impl Into<String>) -> Self {
        Span { text: text.into(), style: Style::default() }
    }
}

/// Lays out `doc` in lines of at most `width` columns, followed by the list of its links.
/// A width of 0 gives no lines.
pub fn reflow(doc: &Document, width: usize) -> Vec<Line> {
    if width == 0 {
        return Vec::new();
    }
    let mut lines = render_blocks(&doc.blocks, width, 0, false);
    if !doc.links.is_empty() {
        lines.push(Line::blank());
        lines.extend(link_list(&doc.links, width));
    }
    tidy(enforce_width(lines, width))
}

/// Renders blocks one after another, separated by blank lines. In `tight` mode (inside list
/// items) a nested list follows its text without a blank line.
fn render_blocks(blocks: &[Block], width: usize, depth: usize, tight: bool) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut previous_was_list = false;
    for block in blocks {
        let lines = render_block(block, width, depth);
        if lines.is_empty() {
            continue;
        }
        let is_list = matches!(block, Block::List { .. });
        if !out.is_empty() && !(tight && (is_list || previous_was_list)) {
            out.push(Line::blank());
        }
        out.extend(lines);
        previous_was_list = is_list;
    }
    out
}

fn render_block(block: &Block, width: usize, depth: usize) -> Vec<Line> {
    match block {
        Block::Paragraph(inlines) => {
            let text = Styled::from_inlines(inlines, Style::default());
            wrapped(&text, width, LineKind::Text)
        }
        Block::Heading { level, content } => {
            let bold = Style { bold: true, ..Style::default() };
            wrapped(&Styled::from_inlines(content, bold), width, LineKind::Heading(*level))
        }
        Block::Quote(blocks) => quote(blocks, width, depth),
        Block::List { ordered, start, items } => list(*ordered, *start, items, width, depth),
        Block::Code(code) => code_lines(code, width),
        Block::Rule => vec![Line::new(LineKind::Rule, vec![Span::plain("─".repeat(width.min(40)))])],
        Block::Table { rows, header_rows } => table::render(rows, *header_rows, width),
        Block::Image { alt } => {
            let label = Styled::plain(&image_label(alt), Style::default());
            wrapped(&label, width, LineKind::Image)
        }
        Block::Indented(blocks) => {
            let indent = "    ";
            if width >= indent.len() + MIN_CONTENT {
                let inner = render_blocks(blocks, width - indent.len(), depth, false);
                prefixed(inner, indent, indent, |kind| kind)
            } else {
                render_blocks(blocks, width, depth, false)
            }
        }
    }
}

/// Wraps text to `width` as lines of one kind.
fn wrapped(text: &Styled, width: usize, kind: LineKind) -> Vec<Line> {
    wrap::wrap(text, width, width).into_iter().map(|spans| Line::new(kind, spans)).collect()
}

/// A quote: every line prefixed `│ `, all of kind Quote.
fn quote(blocks: &[Block], width: usize, depth: usize) -> Vec<Line> {
    let bar = "│ ";
    let has_room = width >= bar.width() + MIN_CONTENT;
    let inner_width = if has_room { width - bar.width() } else { width };
    let inner = render_blocks(blocks, inner_width, depth, false);
    inner
        .into_iter()
        .map(|line| {
            let mut spans = Vec::with_capacity(line.spans.len() + 1);
            if has_room {
                let prefix = if line.kind == LineKind::Blank { "│" } else { bar };
                spans.push(Span::plain(prefix));
            }
            spans.extend(line.spans);
            Line::new(LineKind::Quote, spans)
        })
        .collect()
}

/// A list: a marker on each item's first line, later lines indented to the text column.
fn list(ordered: bool, start: u64, items: &[Vec<Block>], width: usize, depth: usize) -> Vec<Line> {
    let markers: Vec<String> = if ordered {
        let numbers: Vec<String> =
            (0..items.len() as u64).map(|i| format!("{}.", start.saturating_add(i))).collect();
        let widest = numbers.iter().map(String::len).max().unwrap_or(0);
        numbers.iter().map(|n| format!("{n:>widest$} ")).collect()
    } else {
        let bullet = BULLETS[depth.min(BULLETS.len() - 1)];
        vec![bullet.to_owned(); items.len()]
    };
    let indent = markers.first().map_or(0, |m| m.width());
    let has_room = width >= indent + MIN_CONTENT;
    let inner_width = if has_room { width - indent } else { width };
    let blank_indent = " ".repeat(indent);
    let mut out = Vec::new();
    for (item, marker) in items.iter().zip(&markers) {
        let lines = render_blocks(item, inner_width, depth + 1, true);
        if lines.is_empty() && has_room {
            out.push(Line::new(LineKind::ListItem, vec![Span::plain(marker.trim_end())]));
        } else if has_room {
            out.extend(prefixed(lines, marker, &blank_indent, list_kind));
        } else {
            out.extend(lines.into_iter().map(|l| Line::new(list_kind(l.kind), l.spans)));
        }
    }
    out
}

fn list_kind(kind: LineKind) -> LineKind {
    if kind == LineKind::Text { LineKind::ListItem } else { kind }
}

/// Puts `first` before the first line and `rest` before the others (blank lines stay empty),
/// re-tagging each line's kind.
fn prefixed(lines: Vec<Line>, first: &str, rest: &str, kind: fn(LineKind) -> LineKind) -> Vec<Line> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            if line.kind == LineKind::Blank {
                return line;
            }
            let mut spans = Vec::with_capacity(line.spans.len() + 1);
            spans.push(Span::plain(if i == 0 { first } else { rest }));
            spans.extend(line.spans);
            Line::new(kind(line.kind), spans)
        })
        .collect()
}

/// `Links:` and one `[n] url` entry per link, URLs wrapped under their text column.
fn link_list(links: &[String], width: usize) -> Vec<Line> {
    let mut out = wrapped(&Styled::plain("Links:", Style::default()), width, LineKind::LinkList);
    let label_width = format!("[{}] ", links.len()).len();
    let has_room = width >= label_width + MIN_CONTENT;
    let inner_width = if has_room { width - label_width } else { width };
    let indent = " ".repeat(label_width);
    for (i, url) in links.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let label = format!("{:>w$} ", format!("[{number}]"), w = label_width - 1);
        let style = Style { link: Some(number), ..Style::default() };
        let url_lines = wrapped(&Styled::plain(url, style), inner_width, LineKind::LinkList);
        if has_room {
            out.extend(prefixed(url_lines, &label, &indent, |kind| kind));
        } else {
            out.extend(wrapped(&Styled::plain(label.trim(), Style::default()), width, LineKind::LinkList));
            out.extend(url_lines);
        }
    }
    out
}

/// The last line of defence: splits any line that still measures wider than `width`.
fn enforce_width(lines: Vec<Line>, width: usize) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
        } else {
            out.extend(split_wide(line, width));
        }
    }
    out
}

/// Splits a line between clusters, measuring the real text as it grows.
fn split_wide(line: Line, width: usize) -> Vec<Line> {
    let mut out = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    let mut text = String::new();
    for span in line.spans {
        for cluster in wrap::clusters(&span.text) {
            let mut piece = &span.text[cluster];
            if piece.width() > width {
                piece = "?";
            }
            if !text.is_empty() && format!("{text}{piece}").width() > width {
                out.push(Line::new(line.kind, std::mem::take(&mut spans)));
                text.clear();
            }
            text.push_str(piece);
            match spans.last_mut() {
                Some(last) if last.style == span.style => last.text.push_str(piece),
                _ => spans.push(Span { text: piece.to_owned(), style: span.style }),
            }
        }
    }
    if !spans.is_empty() {
        out.push(Line::new(line.kind, spans));
    }
    out
}

/// No blank line at either end, never two in a row.
fn tidy(lines: Vec<Line>) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        let blank = line.kind == LineKind::Blank;
        if blank && out.last().is_none_or(|l| l.kind == LineKind::Blank) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.kind == LineKind::Blank) {
        out.pop();
    }
    out
}
