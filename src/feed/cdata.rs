//! A fast path for the parser: text escaped with entity references (`&lt;p&gt;Hello&lt;/p&gt;`,
//! the usual form of RSS descriptions) becomes one CDATA section holding the same characters.
//!
//! quick-xml reports every reference as an event of its own and feed-rs pays for each, so an
//! escaped HTML body costs five to ten times what the same body in CDATA does. feed-rs joins
//! text, CDATA and references into one string in the same way, so what it produces does not
//! change (`tests/corpus.rs` checks that on every corpus file). A text run is rewritten only
//! when every reference in it is one the XML reader would accept; anything else is left as
//! written, for the parser (and the lenient retry) to handle exactly as before.

use std::borrow::Cow;

thread_local! {
    /// The rewrite buffer of this thread, reused from document to document rather than
    /// allocating and freeing a body-sized block per feed.
    static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A buffer kept for reuse is cut back to this size after use.
const KEEP_CAPACITY: usize = 4 << 20;

/// Calls `f` with the document rewritten by [`escaped_runs_to_cdata`], using this thread's
/// reusable buffer for the rewrite.
pub fn with_rewritten<T>(text: &str, f: impl FnOnce(&str) -> T) -> T {
    BUFFER.with(|cell| {
        let Ok(mut buffer) = cell.try_borrow_mut() else {
            // Re-entered (not done today): fall back to a fresh allocation.
            return f(&escaped_runs_to_cdata(text));
        };
        buffer.clear();
        let result = if rewrite_into(text, &mut buffer) { f(&buffer) } else { f(text) };
        buffer.clear();
        buffer.shrink_to(KEEP_CAPACITY);
        result
    })
}

/// Rewrites escaped text runs of an XML document as CDATA sections. Borrowed when nothing was
/// rewritten, and always for anything that does not start like XML (a JSON Feed).
pub fn escaped_runs_to_cdata(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    if rewrite_into(text, &mut out) { Cow::Owned(out) } else { Cow::Borrowed(text) }
}

/// Writes the rewritten document into `out` (which must be empty) and returns true, or returns
/// false (leaving `out` empty) when there is nothing to rewrite.
fn rewrite_into(text: &str, out: &mut String) -> bool {
    let bytes = text.as_bytes();
    let xml = text.trim_start_matches('\u{feff}').trim_start().starts_with('<');
    if !xml || memchr::memchr(b'&', bytes).is_none() {
        return false;
    }
    let mut copied = 0; // text[..copied] is already in `out`
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'<' {
            at = skip_markup(text, at);
            continue;
        }
        // A text run: up to the next `<`.
        let end = memchr::memchr(b'<', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        if memchr::memchr(b'&', &bytes[at..end]).is_some() {
            if copied == 0 {
                out.reserve(text.len() + 64);
            }
            out.push_str(&text[copied..at]);
            copied = at;
            let mark = out.len();
            out.push_str(CDATA_OPEN);
            if unescape_into(&text[at..end], out) {
                split_cdata_ends(out, mark + CDATA_OPEN.len());
                out.push_str(CDATA_CLOSE);
                copied = end;
            } else {
                // A reference the XML reader would reject: the run stays as written.
                out.truncate(mark);
            }
        }
        at = end;
    }
    if copied == 0 {
        out.clear();
        return false;
    }
    out.push_str(&text[copied..]);
    true
}

const CDATA_OPEN: &str = "<![CDATA[";
const CDATA_CLOSE: &str = "]]>";

/// The index just past the markup starting at `at` (a tag, comment, CDATA, PI or declaration).
fn skip_markup(text: &str, at: usize) -> usize {
    let rest = &text.as_bytes()[at..];
    let close =
        |pattern: &[u8]| memchr::memmem::find(rest, pattern).map_or(text.len(), |i| at + i + pattern.len());
    if rest.starts_with(CDATA_OPEN.as_bytes()) {
        close(CDATA_CLOSE.as_bytes())
    } else if rest.starts_with(b"<!--") {
        close(b"-->")
    } else if rest.starts_with(b"<?") {
        close(b"?>")
    } else {
        // A tag or declaration: `>` inside quoted attribute values does not end it.
        let mut quote = None;
        for (i, &b) in rest.iter().enumerate().skip(1) {
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if b == q => quote = None,
                (None, b'>') => return at + i + 1,
                _ => {}
            }
        }
        text.len()
    }
}

/// Appends the run with its references resolved as feed-rs would (unknown named references
/// kept as written). Returns false, having appended part of it, if any reference is one the
/// XML reader would reject.
fn unescape_into(run: &str, out: &mut String) -> bool {
    let mut rest = run;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = memchr::memchr(b';', after.as_bytes()) else { return false };
        let name = &after[..semi];
        let valid_name = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'#' | b'_' | b'-' | b'.' | b':'));
        if !valid_name {
            return false;
        }
        if let Some(number) = name.strip_prefix('#') {
            let Some(c) = char_ref(number) else { return false };
            out.push(c);
        } else {
            match name {
                "lt" => out.push('<'),
                "gt" => out.push('>'),
                "amp" => out.push('&'),
                "apos" => out.push('\''),
                "quot" => out.push('"'),
                _ => {
                    out.push('&');
                    out.push_str(name);
                    out.push(';');
                }
            }
        }
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    true
}

/// A character reference as quick-xml reads it: decimal, or hex with a lowercase `x`; no
/// sign, not zero, a valid code point.
fn char_ref(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok().filter(|&c| c != 0)?;
    char::from_u32(code)
}

/// CDATA content written from `from` on may not contain `]]>`: split any into two sections.
fn split_cdata_ends(out: &mut String, from: usize) {
    if memchr::memmem::find(&out.as_bytes()[from..], CDATA_CLOSE.as_bytes()).is_some() {
        let content = out.split_off(from);
        out.push_str(&content.replace(CDATA_CLOSE, "]]]]><![CDATA[>"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_html_becomes_cdata() {
        let xml = "<item><title>Fish &amp; chips</title><description>&lt;p&gt;Hi &#233;&#xe9;&lt;/p&gt;</description></item>";
        assert_eq!(
            escaped_runs_to_cdata(xml),
            "<item><title><![CDATA[Fish & chips]]></title><description><![CDATA[<p>Hi éé</p>]]></description></item>"
        );
    }

    #[test]
    fn runs_without_references_and_markup_are_untouched() {
        let xml = "<?xml version=\"1.0\"?><!-- a &amp; b --><a href=\"x?a=1&amp;b=2\" t='>'>plain</a><![CDATA[&amp;]]>";
        assert!(matches!(escaped_runs_to_cdata(xml), Cow::Borrowed(_)));
    }

    #[test]
    fn json_is_left_alone() {
        let json = "{\"items\": [{\"title\": \"<b>a &amp; b</b>\"}]}";
        assert!(matches!(escaped_runs_to_cdata(json), Cow::Borrowed(_)));
    }

    #[test]
    fn rejected_references_leave_the_run_alone() {
        for run in ["a & b", "&#X41;", "&#0;", "&#-1;", "&#xZZ;", "&amp", "&a b;"] {
            let xml = format!("<t>{run}</t>");
            assert_eq!(escaped_runs_to_cdata(&xml), xml, "{run}");
        }
    }

    #[test]
    fn unknown_entities_are_kept_and_cdata_ends_are_split() {
        assert_eq!(escaped_runs_to_cdata("<t>&nbsp;&amp;</t>"), "<t><![CDATA[&nbsp;&]]></t>");
        assert_eq!(escaped_runs_to_cdata("<t>]]&gt;&amp;</t>"), "<t><![CDATA[]]]]><![CDATA[>&]]></t>");
    }
}
