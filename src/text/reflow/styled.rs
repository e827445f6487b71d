//! Styled text: one string with style runs, so words can be found across style changes.

use std::borrow::Cow;
use std::ops::Range;

use unicode_width::UnicodeWidthStr;

use super::super::html::{Inline, Style};
use super::Span;

/// Text with a style for every byte range. A word may span several styles (`<b>Hel</b>lo`) and
/// still wrap as one word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Styled {
    /// The whole text.
    pub(super) text: String,
    /// `(start, style)`: each run lasts until the next run's start (or the end of the text).
    runs: Vec<(usize, Style)>,
}

impl Styled {
    /// Text in one style.
    pub(super) fn plain(text: &str, style: Style) -> Self {
        let mut out = Self::default();
        out.push(text, style);
        out
    }

    /// Paragraph text from inlines, with `extra` added to every style and a ` [n]` marker after
    /// each link's text. The marker is glued to the word before it with a no-break space, so it
    /// only wraps away from it when the word and marker together are too wide for a line.
    pub(super) fn from_inlines(inlines: &[Inline], extra: Style) -> Self {
        let mut out = Self::default();
        let mut open_link: Option<u32> = None;
        // A space is held back so a link marker can go before it.
        let mut space: Option<Style> = None;
        for inline in inlines {
            let line_break = inline.text == "\n";
            let link = if line_break { None } else { inline.style.link };
            if open_link != link {
                if let Some(n) = open_link {
                    out.push_marker(n, extra);
                }
                open_link = link;
            }
            let style = combine(inline.style, extra);
            let body = inline.text.trim_end_matches(' ');
            if !body.is_empty() {
                if let Some(space_style) = space.take() {
                    out.push(" ", space_style);
                }
                out.push(body, style);
            }
            if body.len() < inline.text.len() {
                space = space.or(Some(style));
            }
        }
        if let Some(n) = open_link {
            out.push_marker(n, extra);
        }
        out
    }

    /// Appends text in a style.
    pub(super) fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        if self.runs.last().is_none_or(|&(_, last)| last != style) {
            self.runs.push((self.text.len(), style));
        }
        self.text.push_str(text);
    }

    /// Appends all of `other`.
    pub(super) fn append(&mut self, other: &Styled) {
        for (range, style) in other.runs() {
            self.push(&other.text[range], style);
        }
    }

    fn push_marker(&mut self, number: u32, extra: Style) {
        let glue = if self.text.is_empty() || self.text.ends_with('\n') { "" } else { "\u{a0}" };
        let style = combine(Style { link: Some(number), ..Style::default() }, extra);
        self.push(&format!("{glue}[{number}]"), style);
    }

    /// Display width of the whole text.
    pub(super) fn width(&self) -> usize {
        self.text.width()
    }

    /// The same runs with each run's text passed through `f`.
    pub(super) fn map(&self, f: impl Fn(&str) -> Cow<'_, str>) -> Styled {
        let mut out = Styled::default();
        for (range, style) in self.runs() {
            out.push(&f(&self.text[range]), style);
        }
        out
    }

    /// The spans covering `range` of the text; no-break spaces are shown as plain spaces (their
    /// work is done once lines are wrapped). Only the runs in `range` are looked at (found by
    /// binary search), so cutting a paragraph into lines costs what its runs do, not lines ×
    /// runs (a paragraph of 100,000 links took seconds).
    pub(super) fn spans(&self, range: Range<usize>) -> Vec<Span> {
        let mut spans = Vec::new();
        let first = self.runs.partition_point(|&(start, _)| start <= range.start).saturating_sub(1);
        for (run, style) in self.runs_from(first) {
            if run.start >= range.end {
                break;
            }
            let start = run.start.max(range.start);
            let end = run.end.min(range.end);
            let Some(text) = self.text.get(start..end).filter(|t| !t.is_empty()) else {
                continue;
            };
            spans.push(Span { text: text.replace('\u{a0}', " "), style });
        }
        spans
    }

    /// Each run's byte range and style.
    fn runs(&self) -> impl Iterator<Item = (Range<usize>, Style)> + '_ {
        self.runs_from(0)
    }

    /// Each run's byte range and style, from run `first` on.
    fn runs_from(&self, first: usize) -> impl Iterator<Item = (Range<usize>, Style)> + '_ {
        self.runs.iter().enumerate().skip(first).map(|(i, &(start, style))| {
            let end = self.runs.get(i + 1).map_or(self.text.len(), |&(next, _)| next);
            (start..end, style)
        })
    }
}

/// `base` with everything `extra` adds.
pub(super) fn combine(base: Style, extra: Style) -> Style {
    Style {
        bold: base.bold || extra.bold,
        italic: base.italic || extra.italic,
        code: base.code || extra.code,
        link: base.link.or(extra.link),
    }
}
