//! Nesting kept within bounds before an HTML parser sees outside markup.
//!
//! html5ever checks scopes by walking its stack of open elements on most tags, so markup nested
//! N levels deep costs it N² steps (60,000 nested lists: 53 s), and code that walks the tree by
//! recursion (readability) overflows its stack on it. [`flatten`] reads the markup once with a
//! cheap scanner that follows the parser's idea of nesting closely enough — void elements, raw
//! text, the tags that close others without an end tag (paragraphs, list items, table parts),
//! foreign content — and leaves out the tags that would open elements deeper than the limit,
//! with the end tags that close them. Their text stays, in the deepest element kept.
//!
//! The scanner estimates; it is not the parser. Markup built to fool it (formatting elements the
//! parser reopens, say) can still nest deeper, so parses of outside HTML also run within a time
//! budget ([`super::bounded`]) and the code that walks the trees bounds its own recursion.

mod formatting;
mod model;
mod rules;
mod scan;
mod tags;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use memchr::memchr;

use model::{Model, Verdict};
use scan::Markup;

/// How many levels past the limit the parser may still nest what [`flatten`] returns (as far
/// as the estimate follows the parser: markup built to fool it can go further).
pub fn overshoot(limit: usize) -> usize {
    model::formatting_limit(limit) + 4
}

/// Markup with its nesting bounded, and what it took.
#[derive(Debug)]
pub struct Flattened<'a> {
    /// The markup: borrowed when nothing was left out.
    pub html: Cow<'a, str>,
    /// The deepest nesting found (an estimate), levels left out included.
    pub deepest: usize,
    /// Tags left out.
    pub dropped: usize,
}

/// Leaves out of `html` the tags that would nest elements more than `limit` levels deep (and
/// the end tags that close them), keeping all text. `scripting` is the parser's scripting flag:
/// with it, `<noscript>` holds text rather than markup. Linear in the length of `html`, times
/// `limit` at worst.
///
/// A few levels can go past `limit` (see [`overshoot`]): formatting elements the parser opens
/// again before text, the `<tbody>` and `<tr>` it adds for a cell, a raw text element.
pub fn flatten(html: &str, limit: usize, scripting: bool) -> Flattened<'_> {
    let bytes = html.as_bytes();
    let mut model = Model::new(limit, scripting);
    let mut out: Option<String> = None;
    // How far `html` has been copied to `out` (when there is an `out`).
    let mut copied = 0;
    let mut dropped = 0;
    let mut pos = 0;
    // Where the text since the last markup starts.
    let mut text = 0;
    while let Some(found) = memchr(b'<', &bytes[pos..]) {
        let lt = pos + found;
        let markup = scan::at(bytes, lt, model.in_foreign_content());
        if lt > text || matches!(markup, Markup::Text) {
            model.text();
        }
        let tag = match markup {
            Markup::Tag(tag) => tag,
            Markup::Skip(end) => {
                (pos, text) = (end, end);
                continue;
            }
            Markup::Text => {
                (pos, text) = (lt + 1, lt + 1);
                continue;
            }
            Markup::Eof => break,
        };
        (pos, text) = (tag.stop, tag.stop);
        let verdict =
            if tag.end { model.end(&tag.name) } else { model.start(&tag, &html[tag.attributes.clone()]) };
        match verdict {
            Verdict::Keep => {}
            Verdict::Drop => {
                // Tags start and end at ASCII bytes, so these are character boundaries.
                let out = out.get_or_insert_with(|| String::with_capacity(html.len()));
                out.push_str(&html[copied..lt]);
                copied = tag.stop;
                dropped += 1;
            }
            Verdict::Raw(raw) => {
                // Its content is text inside it, not text that reopens formatting elements.
                pos = scan::raw_end(bytes, pos, &tag.name, raw);
                text = pos;
            }
        }
    }
    let html = match out {
        Some(mut out) => {
            out.push_str(&html[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(html),
    };
    Flattened { html, deepest: model.deepest(), dropped }
}
