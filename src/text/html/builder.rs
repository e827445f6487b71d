//! Collecting inline text into paragraphs, collapsing whitespace the way a browser does.
//!
//! An image placeholder (`[image: alt]`) stands where a browser would draw a picture, so it is
//! set apart from text that touches it (`<img alt=Logo>Today` reads `[image: Logo] Today`),
//! except before closing and after opening punctuation (`([image: chart]).`). A space that is
//! already there is not doubled.

use std::borrow::Cow;

use super::super::sanitize::clean_text;
use super::{Block, Inline, Style, image_label};

/// A piece of a paragraph in the making.
#[derive(Debug)]
enum Piece {
    Text(Inline),
    /// Kept apart so that an image standing alone can become a [`Block::Image`].
    Image {
        alt: String,
        style: Style,
    },
}

/// Receives text, breaks, images and blocks in document order and groups the inline pieces
/// into paragraphs.
#[derive(Debug, Default)]
pub(super) struct Builder {
    blocks: Vec<Block>,
    pending: Vec<Piece>,
    /// Counts visible things added, so a caller can tell whether an element showed anything.
    pushed: usize,
}

impl Builder {
    /// Adds text from a text node: cleaned, with runs of HTML whitespace collapsed to one space
    /// (none at the start of a line).
    pub(super) fn push_text(&mut self, raw: &str, style: Style) {
        let raw: Cow<'_, str> = if raw.contains(['\r', '\u{c}']) {
            Cow::Owned(raw.replace(['\r', '\u{c}'], " "))
        } else {
            Cow::Borrowed(raw)
        };
        let cleaned = clean_text(&raw);
        if let Some(&Piece::Image { style: image, .. }) = self.pending.last()
            && cleaned.chars().next().is_some_and(space_after_image)
        {
            self.push_space(between(image, style));
        }
        let mut at_space = self.at_space();
        let mut text = String::with_capacity(cleaned.len());
        for c in cleaned.chars() {
            if matches!(c, ' ' | '\t' | '\n') {
                if !at_space {
                    text.push(' ');
                    at_space = true;
                }
            } else {
                text.push(c);
                at_space = false;
            }
        }
        if text.is_empty() {
            return;
        }
        if text != " " {
            self.pushed += 1;
        }
        self.pending.push(Piece::Text(Inline { text, style }));
    }

    /// Adds a `<br>`: an inline whose text is `"\n"`. A space before it is dropped.
    pub(super) fn push_break(&mut self, style: Style) {
        if let Some(Piece::Text(last)) = self.pending.last_mut()
            && last.text.ends_with(' ')
        {
            last.text.pop();
            if last.text.is_empty() {
                self.pending.pop();
            }
        }
        self.pending.push(Piece::Text(Inline { text: "\n".to_owned(), style }));
    }

    /// Adds an inline image, after a space if text or another image touches it.
    pub(super) fn push_image(&mut self, alt: String, style: Style) {
        let before = match self.pending.last() {
            Some(Piece::Text(last)) => {
                last.text.chars().next_back().is_some_and(space_before_image).then_some(last.style)
            }
            Some(Piece::Image { style, .. }) => Some(*style),
            None => None,
        };
        if let Some(before) = before {
            self.push_space(between(before, style));
        }
        self.pushed += 1;
        self.pending.push(Piece::Image { alt, style });
    }

    /// Ends the current paragraph and adds a block after it.
    pub(super) fn push_block(&mut self, block: Block) {
        self.flush();
        self.pushed += 1;
        self.blocks.push(block);
    }

    /// How many visible things have been added so far.
    pub(super) fn pushed(&self) -> usize {
        self.pushed
    }

    /// Ends the current paragraph. Empty paragraphs are dropped; images standing alone become
    /// image blocks.
    pub(super) fn flush(&mut self) {
        let mut pieces = trim(std::mem::take(&mut self.pending));
        if pieces.is_empty() {
            return;
        }
        if pieces.iter().all(is_unlinked_image_or_blank) {
            for piece in pieces.drain(..) {
                if let Piece::Image { alt, .. } = piece {
                    self.blocks.push(Block::Image { alt });
                }
            }
            return;
        }
        let inlines = merge(pieces);
        if inlines.iter().any(|i| !i.text.trim().is_empty()) {
            self.blocks.push(Block::Paragraph(inlines));
        }
    }

    /// Ends the current paragraph and returns the blocks.
    pub(super) fn finish(mut self) -> Vec<Block> {
        self.flush();
        self.blocks
    }

    /// Adds a space of its own (it shows nothing, so it does not count as pushed).
    fn push_space(&mut self, style: Style) {
        self.pending.push(Piece::Text(Inline { text: " ".to_owned(), style }));
    }

    /// Whether the text so far ends in a space or a line break (or there is none).
    fn at_space(&self) -> bool {
        match self.pending.last() {
            None => true,
            Some(Piece::Text(t)) => t.text.ends_with([' ', '\n']),
            Some(Piece::Image { .. }) => false,
        }
    }
}

/// Punctuation that is not parted from an image placeholder it touches: closing marks after it,
/// opening marks before it.
const CLOSING: &[char] = &[
    '.', ',', ';', ':', '!', '?', ')', ']', '}', '»', '\u{201d}', '\u{2019}', '…', '。', '，', '、', '）',
    '」', '』',
];
const OPENING: &[char] = &['(', '[', '{', '«', '\u{201c}', '\u{2018}', '（', '「', '『'];

/// Whether text starting with `next` right after an image placeholder needs a space first.
pub(super) fn space_after_image(next: char) -> bool {
    !next.is_whitespace() && !CLOSING.contains(&next)
}

/// Whether text ending with `previous` right before an image placeholder needs a space after it.
pub(super) fn space_before_image(previous: char) -> bool {
    !previous.is_whitespace() && !OPENING.contains(&previous)
}

/// The style of a space between two pieces: only what both have (a link only when it is the
/// same link), so a space is never underlined as part of a link it is not in.
fn between(a: Style, b: Style) -> Style {
    Style {
        bold: a.bold && b.bold,
        italic: a.italic && b.italic,
        code: a.code && b.code,
        link: a.link.filter(|_| a.link == b.link),
    }
}

/// Drops spaces and line breaks at both ends of a paragraph; they show nothing.
fn trim(mut pieces: Vec<Piece>) -> Vec<Piece> {
    const ENDS: [char; 2] = [' ', '\n'];
    while let Some(Piece::Text(last)) = pieces.last_mut() {
        let kept = last.text.trim_end_matches(ENDS).len();
        if kept > 0 {
            last.text.truncate(kept);
            break;
        }
        pieces.pop();
    }
    let blank = pieces
        .iter()
        .take_while(|p| matches!(p, Piece::Text(t) if t.text.trim_start_matches(ENDS).is_empty()))
        .count();
    pieces.drain(..blank);
    if let Some(Piece::Text(first)) = pieces.first_mut() {
        let start = first.text.len() - first.text.trim_start_matches(ENDS).len();
        first.text.drain(..start);
    }
    pieces
}

fn is_unlinked_image_or_blank(piece: &Piece) -> bool {
    match piece {
        Piece::Image { style, .. } => style.link.is_none(),
        Piece::Text(t) => t.text.trim().is_empty(),
    }
}

/// Turns pieces into inlines, joining neighbours of the same style (line breaks stay apart).
fn merge(pieces: Vec<Piece>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let inline = match piece {
            Piece::Text(inline) => inline,
            Piece::Image { alt, style } => Inline { text: image_label(&alt), style },
        };
        match out.last_mut() {
            Some(last) if last.style == inline.style && last.text != "\n" && inline.text != "\n" => {
                last.text.push_str(&inline.text);
            }
            _ => out.push(inline),
        }
    }
    out
}
