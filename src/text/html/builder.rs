//! Collecting inline text into paragraphs, collapsing whitespace the way a browser does.

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

    /// Adds an inline image.
    pub(super) fn push_image(&mut self, alt: String, style: Style) {
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

    /// Whether the text so far ends in a space or a line break (or there is none).
    fn at_space(&self) -> bool {
        match self.pending.last() {
            None => true,
            Some(Piece::Text(t)) => t.text.ends_with([' ', '\n']),
            Some(Piece::Image { .. }) => false,
        }
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
