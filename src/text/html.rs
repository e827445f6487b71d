//! HTML to a tree of blocks.
//!
//! Feeds give body fragments (sometimes whole documents); [`parse`] reads either with html5ever
//! (through scraper) and walks the tree into [`Block`]s of styled [`Inline`] text, numbering
//! links as it goes. Whitespace collapses as a browser would; all text is cleaned of control
//! sequences on the way in.

mod builder;
mod table;
#[cfg(test)]
mod tests;
mod walker;

use scraper::ElementRef;
use url::Url;

use builder::Builder;
use walker::Walker;
pub(crate) use walker::expand_tabs;

/// An article body as blocks, plus the links its text refers to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// The blocks in reading order.
    pub blocks: Vec<Block>,
    /// Absolute URLs (or relative ones as written, without a base); `links[0]` is link `[1]`.
    pub links: Vec<String>,
}

/// A block of content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// Running text; an inline whose text is `"\n"` is a line break.
    Paragraph(Vec<Inline>),
    /// A heading, `level` 1–6.
    Heading {
        /// 1 for `<h1>` … 6 for `<h6>`.
        level: u8,
        /// The heading's text.
        content: Vec<Inline>,
    },
    /// A block quotation.
    Quote(Vec<Block>),
    /// A bulleted or numbered list.
    List {
        /// Numbered (`<ol>`) rather than bulleted.
        ordered: bool,
        /// The first number of an ordered list.
        start: u64,
        /// The items, each a sequence of blocks.
        items: Vec<Vec<Block>>,
    },
    /// Preformatted text: whitespace kept exactly, tabs expanded to 4-column stops.
    Code(String),
    /// A thematic break (`<hr>`).
    Rule,
    /// A table: rows of cells of inline text.
    Table {
        /// The rows, each a list of cells.
        rows: Vec<Vec<Vec<Inline>>>,
        /// How many leading rows are headers.
        header_rows: usize,
    },
    /// An image standing on its own, shown as `[image: alt]` or `[image]`.
    Image {
        /// The image's alternative text (may be empty).
        alt: String,
    },
    /// Indented content, such as a definition list's `<dd>`.
    Indented(Vec<Block>),
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inline {
    /// The text, already cleaned and whitespace-collapsed (`"\n"` alone is a line break).
    pub text: String,
    /// How it is emphasised, and the link it belongs to.
    pub style: Style,
}

/// Inline emphasis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    /// `<b>`, `<strong>` (reflow also bolds headings and table header rows).
    pub bold: bool,
    /// `<i>`, `<em>`, `<cite>`.
    pub italic: bool,
    /// `<code>`, `<kbd>`, `<samp>`, `<tt>` (reflow also marks preformatted lines).
    pub code: bool,
    /// The 1-based number of the link this text belongs to.
    pub link: Option<u32>,
}

impl Document {
    /// The readable text, blocks separated by newlines and without link markers (for search).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            block.write_plain(&mut out);
        }
        out.truncate(out.trim_end_matches('\n').len());
        out
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

impl Block {
    /// Appends this block's readable text to `out`, one line per paragraph or row.
    fn write_plain(&self, out: &mut String) {
        match self {
            Block::Paragraph(inlines) | Block::Heading { content: inlines, .. } => {
                for inline in inlines {
                    out.push_str(&inline.text);
                }
                out.push('\n');
            }
            Block::Quote(blocks) | Block::Indented(blocks) => {
                for block in blocks {
                    block.write_plain(out);
                }
            }
            Block::List { items, .. } => items.iter().flatten().for_each(|b| b.write_plain(out)),
            Block::Code(code) => {
                out.push_str(code);
                out.push('\n');
            }
            Block::Rule => {}
            Block::Table { rows, .. } => {
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| cell_text(c)).collect();
                    out.push_str(&cells.join("\t"));
                    out.push('\n');
                }
            }
            Block::Image { alt } if alt.is_empty() => {}
            Block::Image { alt } => {
                out.push_str(alt);
                out.push('\n');
            }
        }
    }
}

/// A table cell's text on one line.
fn cell_text(cell: &[Inline]) -> String {
    let text: String = cell.iter().map(|i| i.text.as_str()).collect();
    text.replace('\n', " ")
}

/// How an image is shown in text.
pub(super) fn image_label(alt: &str) -> String {
    if alt.is_empty() { "[image]".to_owned() } else { format!("[image: {alt}]") }
}

/// What stands at the end of a text whose parse ran out of time.
pub const CUT_NOTE: &str = "[The rest of this text is left out: reading it took too long.]";

/// Parses an HTML fragment (or a whole document) into blocks, resolving relative links against
/// `base` when there is one. Nesting past [`super::bounded::MAX_DEPTH`] levels is flattened;
/// a parse that runs out of time ends with [`CUT_NOTE`].
pub fn parse(html: &str, base: Option<&Url>) -> Document {
    parse_within(html, base, super::bounded::PARSE_BUDGET)
}

/// [`parse`] with a time budget of `budget`.
pub fn parse_within(html: &str, base: Option<&Url>, budget: std::time::Duration) -> Document {
    let parsed = super::bounded::fragment_within(html, budget);
    let mut walker = Walker::new(base);
    let mut out = Builder::default();
    for node in parsed.tree.tree.root().children() {
        if let Some(el) = ElementRef::wrap(node) {
            walker.element(el, Style::default(), &mut out, 0);
        }
    }
    if parsed.cut {
        out.push_block(Block::Paragraph(vec![Inline { text: CUT_NOTE.to_owned(), style: Style::default() }]));
    }
    Document { blocks: out.finish(), links: walker.into_links() }
}
