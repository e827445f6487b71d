//! Tables: rows of cells of inline text.

use scraper::{ElementRef, Node};

use super::builder::Builder;
use super::walker::Walker;
use super::{Block, Inline, Style};

/// A row element and whether it sits in a `<thead>`.
type RowRef<'a> = (ElementRef<'a>, bool);

impl Walker<'_> {
    /// Adds a table. Its caption (and anything else found directly inside it) comes first, as
    /// paragraphs. A table of a single cell is layout, not data: its content is read as blocks.
    pub(super) fn table(&mut self, el: ElementRef<'_>, style: Style, out: &mut Builder, d: usize) {
        out.flush();
        let mut rows: Vec<RowRef<'_>> = Vec::new();
        let mut before = Builder::default();
        for node in el.children() {
            let Some(child) = ElementRef::wrap(node) else {
                if let Node::Text(text) = node.value() {
                    before.push_text(text, style);
                }
                continue;
            };
            match child.value().name() {
                "thead" | "tbody" | "tfoot" => {
                    let head = child.value().name() == "thead";
                    for row in child.child_elements() {
                        if row.value().name() == "tr" {
                            rows.push((row, head));
                        } else {
                            self.element(row, style, &mut before, d + 1);
                        }
                    }
                }
                "tr" => rows.push((child, false)),
                "caption" => {
                    before.flush();
                    self.children(child, style, &mut before, d + 1);
                    before.flush();
                }
                _ => self.element(child, style, &mut before, d + 1),
            }
        }
        for block in before.finish() {
            out.push_block(block);
        }
        if let [(row, _)] = rows.as_slice() {
            let cells: Vec<ElementRef<'_>> = cells_of(*row).collect();
            if let [cell] = cells.as_slice() {
                self.children(*cell, style, out, d + 2);
                out.flush();
                return;
            }
        }
        self.data_table(&rows, style, out, d);
    }

    fn data_table(&mut self, rows: &[RowRef<'_>], style: Style, out: &mut Builder, d: usize) {
        let mut cells_by_row: Vec<Vec<Vec<Inline>>> = Vec::with_capacity(rows.len());
        let mut header_rows = 0;
        let mut in_header = true;
        for &(row, head) in rows {
            let cells: Vec<ElementRef<'_>> = cells_of(row).collect();
            if cells.is_empty() {
                continue;
            }
            let header = head || cells.iter().all(|c| c.value().name() == "th");
            in_header &= header;
            if in_header {
                header_rows += 1;
            }
            let content = cells.into_iter().map(|cell| self.inline_content(cell, style, d + 2)).collect();
            cells_by_row.push(content);
        }
        let has_text = cells_by_row.iter().flatten().flatten().any(|inline| !inline.text.trim().is_empty());
        if has_text {
            out.push_block(Block::Table { rows: cells_by_row, header_rows });
        }
    }
}

/// The `<td>` and `<th>` elements of a row.
fn cells_of(row: ElementRef<'_>) -> impl Iterator<Item = ElementRef<'_>> {
    row.child_elements().filter(|c| matches!(c.value().name(), "td" | "th"))
}
