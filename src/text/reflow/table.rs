//! Tables: aligned columns when they fit, otherwise one `header: value` block per row.

use std::borrow::Cow;

use super::super::html::{Inline, Style};
use super::styled::Styled;
use super::{Line, LineKind, MIN_CONTENT, Span, wrap};

const SEPARATOR: &str = " │ ";
const SEPARATOR_WIDTH: usize = 3;

/// Lays out a table within `width`.
pub(super) fn render(rows: &[Vec<Vec<Inline>>], header_rows: usize, width: usize) -> Vec<Line> {
    let cells: Vec<Vec<Styled>> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| row.iter().map(|c| cell(c, r < header_rows)).collect())
        .collect();
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    if columns == 0 {
        return Vec::new();
    }
    let mut widths = vec![0; columns];
    for row in &cells {
        for (column, cell) in row.iter().enumerate() {
            widths[column] = widths[column].max(cell.width());
        }
    }
    let natural = widths.iter().sum::<usize>() + SEPARATOR_WIDTH * (columns - 1);
    if natural <= width { aligned(&cells, &widths, header_rows) } else { stacked(&cells, header_rows, width) }
}

/// A cell's text on one line; header cells in bold.
fn cell(inlines: &[Inline], header: bool) -> Styled {
    let extra = Style { bold: header, ..Style::default() };
    Styled::from_inlines(inlines, extra)
        .map(|s| if s.contains('\n') { Cow::Owned(s.replace('\n', " ")) } else { Cow::Borrowed(s) })
}

/// Rows with padded columns, and a rule under the header rows.
fn aligned(cells: &[Vec<Styled>], widths: &[usize], header_rows: usize) -> Vec<Line> {
    let mut out = Vec::with_capacity(cells.len() + 1);
    for (r, row) in cells.iter().enumerate() {
        let mut spans: Vec<Span> = Vec::new();
        let mut padding = 0;
        for (column, &width) in widths.iter().enumerate() {
            if column > 0 {
                spans.push(Span::plain(format!("{}{SEPARATOR}", " ".repeat(padding))));
            }
            let cell = row.get(column);
            if let Some(cell) = cell {
                spans.extend(cell.spans(0..cell.text.len()));
            }
            padding = width - cell.map_or(0, Styled::width);
        }
        trim_end(&mut spans);
        out.push(Line::new(LineKind::Table, spans));
        if r + 1 == header_rows && header_rows < cells.len() {
            let rule: Vec<String> = widths.iter().map(|&w| "─".repeat(w)).collect();
            out.push(Line::new(LineKind::Table, vec![Span::plain(rule.join("─┼─"))]));
        }
    }
    out
}

/// Drops trailing spaces (an empty last cell leaves some).
fn trim_end(spans: &mut Vec<Span>) {
    while let Some(last) = spans.last_mut() {
        let kept = last.text.trim_end_matches(' ').len();
        if kept > 0 {
            last.text.truncate(kept);
            return;
        }
        spans.pop();
    }
}

/// One block per row: each non-empty cell on its own `header: value` line (just the value when
/// there is no header), wrapped with a hanging indent, rows separated by blank lines.
fn stacked(cells: &[Vec<Styled>], header_rows: usize, width: usize) -> Vec<Line> {
    let has_body = header_rows < cells.len();
    let labels = if has_body { header_rows.checked_sub(1).and_then(|r| cells.get(r)) } else { None };
    let mut out = Vec::new();
    for (r, row) in cells.iter().enumerate() {
        if has_body && r + 1 == header_rows {
            continue; // shown as the labels
        }
        let mut block = Vec::new();
        for (column, value) in row.iter().enumerate() {
            if value.text.trim().is_empty() {
                continue;
            }
            let label = labels.and_then(|l| l.get(column)).filter(|l| !l.text.trim().is_empty());
            let mut text = Styled::default();
            if let Some(label) = label.filter(|_| r >= header_rows) {
                text.append(label);
                text.push(": ", Style::default());
            }
            text.append(value);
            block.extend(hanging(&text, width));
        }
        if !block.is_empty() {
            if !out.is_empty() {
                out.push(Line::blank());
            }
            out.extend(block);
        }
    }
    out
}

/// Wraps with continuation lines indented by two columns when there is room.
fn hanging(text: &Styled, width: usize) -> Vec<Line> {
    let indent = 2;
    let has_room = width >= indent + MIN_CONTENT;
    let rest = if has_room { width - indent } else { width };
    wrap::wrap(text, width, rest)
        .into_iter()
        .enumerate()
        .map(|(i, mut spans)| {
            if i > 0 && has_room {
                spans.insert(0, Span::plain("  "));
            }
            Line::new(LineKind::Table, spans)
        })
        .collect()
}
