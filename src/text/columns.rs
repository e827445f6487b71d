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
}
