//! Wrapping styled text with textwrap's core algorithms.
//!
//! Words are found with Unicode line-breaking rules on the whole paragraph string (so CJK
//! breaks between characters and a word may change style midway); each word becomes a
//! [`Piece`] fragment that points back into the string, and `wrap_first_fit` arranges them.
//! Words wider than a line are cut between clusters first, so nothing is ever lost.

use std::borrow::Cow;
use std::ops::Range;

use textwrap::WordSeparator;
use textwrap::core::Fragment;
use textwrap::wrap_algorithms::wrap_first_fit;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Span;
use super::styled::Styled;

const ZWJ: char = '\u{200d}';

/// One word (or piece of an over-long word) as byte offsets into its line of text.
#[derive(Debug)]
struct Piece {
    start: usize,
    end: usize,
    /// Width of the spaces after the word.
    ws_width: usize,
    width: usize,
}

impl Fragment for Piece {
    fn width(&self) -> f64 {
        self.width as f64
    }

    fn whitespace_width(&self) -> f64 {
        self.ws_width as f64
    }

    fn penalty_width(&self) -> f64 {
        0.0
    }
}

/// Wraps `text` into lines of at most `first` columns for the first line and `rest` columns for
/// the others (both at least 1). A `\n` in the text forces a break.
pub(super) fn wrap(text: &Styled, first: usize, rest: usize) -> Vec<Vec<Span>> {
    let (first, rest) = (first.max(1), rest.max(1));
    let narrowed;
    let text = if first.min(rest) == 1 {
        narrowed = text.map(narrow);
        &narrowed
    } else {
        text
    };
    let mut lines = Vec::new();
    let mut offset = 0;
    for segment in text.text.split('\n') {
        if segment.is_empty() {
            lines.push(Vec::new());
        } else {
            let widths = if lines.is_empty() { vec![first as f64, rest as f64] } else { vec![rest as f64] };
            for range in wrap_segment(segment, &widths, first.min(rest)) {
                lines.push(text.spans(offset + range.start..offset + range.end));
            }
        }
        offset += segment.len() + 1;
    }
    lines
}

/// Wraps one line of text (no `\n`); returns byte ranges of `segment`.
fn wrap_segment(segment: &str, widths: &[f64], narrowest: usize) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    let mut pos = 0;
    for word in WordSeparator::UnicodeBreakProperties.find_words(segment) {
        // Words are consecutive slices: each word, then its trailing spaces.
        let start = pos;
        let end = start + word.word.len();
        let ws_width = word.whitespace.len();
        pos = end + ws_width;
        let Some(text) = segment.get(start..end) else {
            continue;
        };
        let width = text.width();
        if width <= narrowest {
            pieces.push(Piece { start, end, ws_width, width });
        } else {
            push_long_word(text, start, ws_width, narrowest, &mut pieces);
        }
    }
    wrap_first_fit(&pieces, widths)
        .into_iter()
        .filter_map(|line| Some(line.first()?.start..line.last()?.end))
        .collect()
}

/// Adds a word wider than `width` that starts at byte `start` and is followed by `ws_width`
/// spaces: first split at no-break spaces (a link marker parts from its word only here), then
/// cut between clusters.
fn push_long_word(text: &str, start: usize, ws_width: usize, width: usize, pieces: &mut Vec<Piece>) {
    let parts = text.split('\u{a0}').count();
    let mut part_start = start;
    for (n, part) in text.split('\u{a0}').enumerate() {
        // The no-break space after a part acts as its trailing space.
        let part_ws_width = if n + 1 == parts { ws_width } else { 1 };
        let chunks = chunks(part, width);
        let last = chunks.len().saturating_sub(1);
        for (i, (range, chunk_width)) in chunks.into_iter().enumerate() {
            pieces.push(Piece {
                start: part_start + range.start,
                end: part_start + range.end,
                ws_width: if i == last { part_ws_width } else { 0 },
                width: chunk_width,
            });
        }
        part_start += part.len() + '\u{a0}'.len_utf8();
    }
}

/// Cuts `s` into pieces of at most `width` columns between clusters; returns each piece's byte
/// range and width. Only a cluster wider than `width` on its own is cut inside, between its
/// characters (a cluster of width 1 lines is first replaced by [`narrow`]).
pub(super) fn chunks(s: &str, width: usize) -> Vec<(Range<usize>, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current = 0;
    for atom in atoms(s, width) {
        let atom_width = s[atom.clone()].width();
        if current > 0 && current + atom_width > width {
            out.push((start..atom.start, current));
            start = atom.start;
            current = 0;
        }
        current += atom_width;
    }
    if start < s.len() {
        out.push((start..s.len(), current));
    }
    out
}

/// Clusters of `s`, with any cluster wider than `width` split into its characters (each with
/// the zero-width characters that follow it).
fn atoms(s: &str, width: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for cluster in clusters(s) {
        let text = &s[cluster.clone()];
        if text.width() <= width {
            out.push(cluster);
            continue;
        }
        let mut start = cluster.start;
        for (i, c) in text.char_indices().skip(1) {
            if !is_zero_width(c) {
                out.push(start..cluster.start + i);
                start = cluster.start + i;
            }
        }
        out.push(start..cluster.end);
    }
    out
}

/// Splits `s` into what a terminal draws as one glyph: a character with its combining marks and
/// variation selectors, emoji joined by ZWJ or modifiers, and regional-indicator pairs (flags).
pub(super) fn clusters(s: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut previous: Option<char> = None;
    let mut lone_indicator = false;
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        let joins = previous.is_some()
            && (previous == Some(ZWJ)
                || is_zero_width(c)
                || is_emoji_modifier(c)
                || (lone_indicator && is_regional_indicator(c)));
        match out.last_mut() {
            Some(last) if joins => {
                last.end = end;
                if is_regional_indicator(c) {
                    lone_indicator = false;
                }
            }
            _ => {
                out.push(i..end);
                lone_indicator = is_regional_indicator(c);
            }
        }
        previous = Some(c);
    }
    out
}

/// For one-column lines: every cluster wider than one column becomes `?`.
pub(super) fn narrow(s: &str) -> Cow<'_, str> {
    if s.width() <= 1 && s.chars().count() <= 1 {
        return Cow::Borrowed(s);
    }
    let clusters = clusters(s);
    if clusters.iter().all(|c| s[c.clone()].width() <= 1) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for cluster in clusters {
        let text = &s[cluster];
        out.push_str(if text.width() <= 1 { text } else { "?" });
    }
    Cow::Owned(out)
}

fn is_zero_width(c: char) -> bool {
    c.width() == Some(0)
}

fn is_emoji_modifier(c: char) -> bool {
    ('\u{1f3fb}'..='\u{1f3ff}').contains(&c)
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1f1e6}'..='\u{1f1ff}').contains(&c)
}
