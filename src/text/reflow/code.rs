//! Preformatted code: whitespace kept, lines cut at the width and their continuations marked
//! (the choice is described in the parent module's docs).

use unicode_width::UnicodeWidthStr;

use super::super::html::{Style, expand_tabs};
use super::{Line, LineKind, Span, wrap};

/// Starts every continuation of a code line cut at the width (see the docs of `text::reflow`).
pub const CODE_CONTINUATION: &str = "↪ ";

/// Preformatted text: each source line kept as is, cut at the width, its continuations marked.
pub(super) fn code_lines(code: &str, width: usize) -> Vec<Line> {
    let style = Style { code: true, ..Style::default() };
    let marker = continuation_marker(width);
    let rest_width = width.saturating_sub(marker.width()).max(1);
    let code = expand_tabs(code);
    let mut out = Vec::new();
    for source in code.split('\n') {
        let source = if width == 1 { wrap::narrow(source) } else { source.into() };
        let first_end = wrap::chunks(&source, width).first().map_or(0, |(range, _)| range.end);
        let (first, rest) = source.split_at(first_end);
        let spans = if first.is_empty() { Vec::new() } else { vec![Span { text: first.to_owned(), style }] };
        out.push(Line::new(LineKind::Code, spans));
        for (range, _) in wrap::chunks(rest, rest_width) {
            let mut spans = Vec::with_capacity(2);
            if !marker.is_empty() {
                spans.push(Span { text: marker.to_owned(), style });
            }
            spans.push(Span { text: rest[range].to_owned(), style });
            out.push(Line::new(LineKind::Code, spans));
        }
    }
    out
}

/// The continuation marker that fits `width` columns with room left for code.
pub(super) fn continuation_marker(width: usize) -> &'static str {
    match width {
        0..=2 => "",
        3 => CODE_CONTINUATION.trim_end(),
        _ => CODE_CONTINUATION,
    }
}
