//! Text cut and padded to terminal columns (wide characters count two), for the list, the
//! panes and the command line's tables.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` cut to at most `width` columns; a cut is marked with `…`.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` cut or padded with spaces to exactly `width` columns (one less when a wide
/// character would straddle the edge).
pub fn pad(text: &str, width: usize) -> String {
    let mut s = fit(text, width);
    let w = s.width();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    s
}

/// `text` wrapped to lines of at most `width` columns (words kept whole where they fit, long
/// ones broken), made safe for the terminal first; at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let clean = crate::text::sanitize::single_line(text);
    let width = width.max(1);
    let options = textwrap::Options::new(width).break_words(true);
    let lines: Vec<String> = textwrap::wrap(&clean, options).into_iter().map(|l| fit(&l, width)).collect();
    if lines.is_empty() { vec![String::new()] } else { lines }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_columns() {
        assert_eq!(pad("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(pad("日本語です", 6), "日本… ");
        assert_eq!(fit("x", 0), "");
        assert_eq!(fit("abc", 3), "abc");
    }

    #[test]
    fn wraps_by_columns() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("", 7), vec![""]);
        for width in 1..12 {
            let lines = wrap("日本語のテキスト and an extraordinarily-long-word \x1b[31m", width);
            assert!(lines.iter().all(|l| l.width() <= width && !l.contains('\x1b')), "{width}: {lines:?}");
        }
    }
}
