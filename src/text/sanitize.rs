//! Making feed text safe for a terminal.
//!
//! Nothing that came from a feed may reach the terminal raw: escape sequences could move the
//! cursor, retitle the window or write to the clipboard, and bidi overrides could make text lie
//! about its order. [`clean_text`] removes all of them; [`single_line`] and [`html_to_line`] build
//! on it for titles and names.

use std::borrow::Cow;

use super::entities;

const ESC: char = '\u{1b}';

/// Removes terminal control sequences and invisible control characters from `s`.
///
/// Removed: whole escape sequences (CSI, OSC, DCS/PM/APC/SOS strings, two- and three-byte
/// escapes), their 8-bit C1 forms, every other C1 character, the C0 controls except `\n` and
/// `\t`, DEL, the bidi embedding, override and isolate controls (U+202A–U+202E,
/// U+2066–U+2069) and the deprecated format controls after them (U+206A–U+206F), which reorder
/// text, and the characters that hide it: interlinear annotation marks (U+FFF9–U+FFFB) and tag
/// characters (U+E0000–U+E007F, invisible letters). Everything else, including ZWJ, ZWNJ and
/// the directional marks (LRM, RLM, ALM) that right-to-left text needs, is kept. Borrows when
/// nothing changes.
pub fn clean_text(s: &str) -> Cow<'_, str> {
    if needs_cleaning(s.as_bytes()) { Cow::Owned(strip_controls(s)) } else { Cow::Borrowed(s) }
}

/// [`clean_text`] for an owned string: the same string back when it is clean already.
pub fn clean_owned(s: String) -> String {
    match clean_text(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(cleaned) => cleaned,
    }
}

/// Cleans `s` with [`clean_text`], then collapses every run of whitespace to one ASCII space and
/// trims the ends. Non-breaking spaces (U+00A0, U+2007, U+202F) are kept as they are.
pub fn single_line(s: &str) -> String {
    let cleaned = clean_text(s);
    let mut out = String::with_capacity(cleaned.len());
    for word in cleaned.split(is_collapsible_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Turns a title or author name that may contain HTML into one clean line of text.
///
/// Tags are removed (a `<` that does not start a tag, as in `a < b`, is kept), character
/// references are decoded (unknown ones stay as written), and the result goes through
/// [`single_line`]. Plain input without `<` or `&` never reaches the markup scanner.
pub fn html_to_line(s: &str) -> String {
    if s.bytes().any(|b| b == b'<' || b == b'&') { single_line(&strip_markup(s)) } else { single_line(s) }
}

/// Whether [`single_line`] treats `c` as collapsible whitespace.
fn is_collapsible_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}')
}

/// The byte-level fast path: does `bytes` hold anything [`strip_controls`] would remove?
///
/// Bodies run to megabytes per refresh, so the scan works in blocks: a branch-free test over
/// 32 bytes for any byte that could start trouble, and the exact check only in blocks that
/// have one.
#[allow(clippy::needless_bitwise_bool)] // branch-free on purpose: it lets the block test vectorise
fn needs_cleaning(bytes: &[u8]) -> bool {
    let suspect = |b: u8| (b < 0x20) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2) | (b == 0xef) | (b == 0xf3);
    let mut offset = 0;
    for block in bytes.chunks(32) {
        if block.iter().fold(false, |any, &b| any | suspect(b))
            && (0..block.len()).any(|i| suspect(block[i]) && is_trouble_at(bytes, offset + i))
        {
            return true;
        }
        offset += block.len();
    }
    false
}

/// The exact check at one suspect byte.
fn is_trouble_at(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\n' | b'\t' => false,
        0x00..=0x1f | 0x7f => true,
        // U+0080–U+009F are encoded as C2 80 – C2 9F.
        0xc2 => matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        // U+202A–U+202E are E2 80 AA – E2 80 AE; U+2066–U+206F are E2 81 A6 – E2 81 AF.
        0xe2 => matches!(
            (bytes.get(i + 1), bytes.get(i + 2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xaf))
        ),
        // U+FFF9–U+FFFB are EF BF B9 – EF BF BB.
        0xef => matches!((bytes.get(i + 1), bytes.get(i + 2)), (Some(0xbf), Some(0xb9..=0xbb))),
        // U+E0000–U+E007F are F3 A0 80 80 – F3 A0 81 BF.
        0xf3 => matches!((bytes.get(i + 1), bytes.get(i + 2)), (Some(0xa0), Some(0x80 | 0x81))),
        _ => false,
    }
}

/// Characters removed on their own (escape introducers are handled before this is asked).
fn is_forbidden_char(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{8}'
            | '\u{b}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{206f}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// The slow path of [`clean_text`].
fn strip_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let mut another_escape = match c {
            ESC => skip_escape(&mut chars),
            '\u{9b}' => {
                skip_csi(&mut chars);
                false
            }
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_forbidden_char(c) => false,
            c => {
                out.push(c);
                false
            }
        };
        // A control string ended by a new ESC: that ESC starts the next sequence. Looping here
        // instead of recursing keeps hostile input like `ESC ] ESC ] …` off the stack.
        while another_escape {
            another_escape = skip_escape(&mut chars);
        }
    }
    out
}

/// Skips what follows an ESC. Returns true when it consumed an ESC that starts another sequence.
fn skip_escape(chars: &mut Chars<'_>) -> bool {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
            false
        }
        Some(']' | 'P' | '^' | '_' | 'X') => {
            chars.next();
            skip_string(chars)
        }
        Some(' '..='/') => {
            // nF escape: intermediate bytes, then one final byte.
            while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
            chars.next_if(|c| ('0'..='~').contains(c));
            false
        }
        Some('0'..='~') => {
            chars.next();
            false
        }
        // ESC before a control or non-ASCII character: drop the ESC alone.
        _ => false,
    }
}

/// Skips a CSI sequence's parameter and intermediate bytes and its final byte. A character that
/// cannot belong to the sequence ends it and is left for the caller.
fn skip_csi(chars: &mut Chars<'_>) {
    while chars.next_if(|c| ('\u{20}'..='\u{3f}').contains(c)).is_some() {}
    chars.next_if(|c| ('\u{40}'..='\u{7e}').contains(c));
}

/// Skips the body of an OSC/DCS/PM/APC/SOS string up to its terminator (BEL, ST, CAN, SUB or
/// the end of the text). Returns true when the string was ended by an ESC that is not part of an
/// `ESC \` terminator, i.e. one that begins a new sequence.
fn skip_string(chars: &mut Chars<'_>) -> bool {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' | '\u{18}' | '\u{1a}' => return false,
            ESC => return chars.next_if_eq(&'\\').is_none(),
            _ => {}
        }
    }
    false
}

/// Inline elements whose tags do not separate words in [`html_to_line`].
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
    "var",
];

/// Removes tags and decodes character references; whitespace is left for [`single_line`].
fn strip_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut unended = Unended::default();
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let consumed = if rest.starts_with('&') {
            entities::decode_at(rest, &mut out)
        } else {
            skip_tag(rest, &mut out, &mut unended)
        };
        // Not markup after all: keep the character as written.
        let len = consumed.unwrap_or_else(|| {
            out.push_str(&rest[..1]);
            1
        });
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

/// What [`skip_tag`] found has no end in the rest of the text: once a comment (or a
/// declaration) is found unended, so is every later one, and the rest is not searched again (a
/// title of 100,000 `<!--` searched it 100,000 times).
#[derive(Default)]
struct Unended {
    comment: bool,
    declaration: bool,
}

/// If `s` starts with a tag, comment or declaration, returns its length (for `script` and
/// `style`, including their content) and pushes a space when the tag separates words.
fn skip_tag(s: &str, out: &mut String, unended: &mut Unended) -> Option<usize> {
    let bytes = s.as_bytes();
    if let Some(comment) = s.strip_prefix("<!--") {
        if unended.comment {
            return None;
        }
        let end = comment.find("-->").map(|end| end + 7);
        unended.comment = end.is_none();
        return end;
    }
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    match bytes.get(name_start) {
        Some(b'!' | b'?') if !closing => {
            if unended.declaration {
                return None;
            }
            let end = s.find('>').map(|end| end + 1);
            unended.declaration = end.is_none();
            return end;
        }
        Some(b) if b.is_ascii_alphabetic() => {}
        _ => return None,
    }
    let end = tag_end(s, name_start)?;
    let name_len = s[name_start..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(s.len() - name_start);
    let name = s[name_start..name_start + name_len].to_ascii_lowercase();
    if !INLINE_TAGS.contains(&name.as_str()) {
        out.push(' ');
    }
    if !closing && (name == "script" || name == "style") {
        let content_end = find_closing(&s[end..], &name).map_or(s.len(), |at| {
            let after = end + at;
            s[after..].find('>').map_or(s.len(), |gt| after + gt + 1)
        });
        return Some(content_end);
    }
    Some(end)
}

/// Where `</name` (any case) first starts in `s`. Looks only at each `</`, copying nothing: a
/// title of 100,000 `<script>` tags took seconds when each lowercased the rest of the text.
fn find_closing(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    memchr::memmem::find_iter(bytes, b"</").find(|&at| {
        bytes.get(at + 2..at + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    })
}

/// The length of the tag starting at `s`, honouring quoted attribute values; `None` when the
/// tag is never closed.
fn tag_end(s: &str, from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, &b) in s.as_bytes().iter().enumerate().skip(from) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + 1),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_borrows_clean_input() {
        let s = "Plain text, ünïcödé, 中文, 👨‍👩‍👧 and\ttabs\nnewlines";
        assert!(matches!(clean_text(s), Cow::Borrowed(_)));
        assert_eq!(clean_text(s), s);
    }

    #[test]
    fn clean_text_removes_escape_sequences() {
        let cases = [
            ("a\x1b[31mred\x1b[0m b", "ared b"),
            ("\x1b[?1049h\x1b[2J\x1b[Hhome", "home"),
            ("x\x1b]0;evil title\x07y", "xy"),
            ("x\x1b]52;c;Zm9v\x1b\\y", "xy"),
            ("x\x1b]8;;http://e.com\x1b\\link\x1b]8;;\x1b\\y", "xlinky"),
            ("x\x1bP1$qm\x1b\\y", "xy"),
            ("x\x1b_apc\x1b\\y\x1b^pm\x07z", "xyz"),
            ("x\x1bXsos\x1b\\y", "xy"),
            ("x\x1bcy\x1b7z\x1b(Bw", "xyzw"),
            ("unterminated \x1b]0;title", "unterminated "),
            ("end\x1b", "end"),
            ("\x1b\x1b[1mX", "X"),
            ("a\x1b]0;t\x1b[31mb", "ab"),
        ];
        for (input, expected) in cases {
            assert_eq!(clean_text(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn clean_text_removes_c1_forms_and_controls() {
        let cases = [
            ("a\u{9b}31mb", "ab"),
            ("a\u{9d}0;title\u{9c}b", "ab"),
            ("a\u{90}dcs\u{9c}b", "ab"),
            ("a\u{85}b\u{80}c\u{9f}", "abc"),
            ("a\0b\u{7}c\u{8}d\re\u{7f}f", "abcdef"),
            ("keep\ttab\nand newline", "keep\ttab\nand newline"),
        ];
        for (input, expected) in cases {
            assert_eq!(clean_text(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn clean_text_removes_bidi_controls_but_keeps_zwj() {
        let s = "\u{202e}evil\u{202c} \u{2066}iso\u{2069} \u{202a}\u{202b}\u{202d}x";
        assert_eq!(clean_text(s), "evil iso x");
        let family = "👨\u{200d}👩\u{200d}👧";
        assert_eq!(clean_text(family), family);
        let rlm = "abc\u{200f}"; // marks are not embedding controls
        assert_eq!(clean_text(rlm), rlm);
        let hebrew = "שלום עולם";
        assert_eq!(clean_text(hebrew), hebrew);
    }

    #[test]
    fn clean_text_removes_characters_that_hide_or_reorder_text() {
        // Tag characters spell out invisible ASCII; annotations hide what follows them.
        let tagged = "visible\u{e0069}\u{e0067}\u{e006e}\u{e007f} text";
        assert_eq!(clean_text(tagged), "visible text");
        assert_eq!(clean_text("a\u{fff9}b\u{fffa}hidden\u{fffb}c"), "abhiddenc");
        assert_eq!(clean_text("a\u{206a}b\u{206f}c"), "abc");
        // Their neighbours in the same UTF-8 blocks stay: fullwidth forms, the replacement
        // character, plane 14's variation selectors, the word joiner.
        let kept = "全角，！\u{fffd}\u{fff8}\u{fffc}\u{e0100}\u{2060}";
        assert_eq!(clean_text(kept), kept);
        assert!(matches!(clean_text(kept), Cow::Borrowed(_)));
    }

    #[test]
    fn single_line_collapses_whitespace_but_not_nbsp() {
        assert_eq!(single_line("  a \n\t b\r\n c  "), "a b c");
        assert_eq!(single_line("10\u{a0}km"), "10\u{a0}km");
        assert_eq!(single_line("a\u{2003}\u{3000}b"), "a b");
        assert_eq!(single_line("a\x1b[1m \x1b[0m b"), "a b");
        assert_eq!(single_line(""), "");
        assert_eq!(single_line(" \n "), "");
    }

    #[test]
    fn html_to_line_cases() {
        let cases = [
            ("a < b", "a < b"),
            ("if a<b then", "if a<b then"),
            ("x <= y", "x <= y"),
            ("Tom &amp; Jerry", "Tom & Jerry"),
            ("AT&T rocks", "AT&T rocks"),
            ("<b>Bold</b> title", "Bold title"),
            ("&#x41;&#66;", "AB"),
            ("&#X41;&#0066;x", "ABx"),
            ("&unknownentity; stays", "&unknownentity; stays"),
            ("&#;&#x; &#xZZ;", "&#;&#x; &#xZZ;"),
            ("caf&eacute; &mdash; &hellip;", "café — …"),
            ("&rightarrow; &NotNestedGreaterGreater;", "→ ⪢̸"),
            ("&lt;script&gt;", "<script>"),
            ("&amp;lt;", "&lt;"),
            ("line<br>break", "line break"),
            ("a<span>b</span>c", "abc"),
            ("<p>one</p><p>two</p>", "one two"),
            ("x<!-- comment -->y", "xy"),
            ("x<script>alert('<b>')</script>y", "x y"),
            ("<a href=\"x>y\">link</a>", "link"),
            ("don&#146;t", "don\u{2019}t"),
            ("&#0;&#x110000;&#xD800;", "\u{fffd}\u{fffd}\u{fffd}"),
            ("  Spaced \n\t title  ", "Spaced title"),
        ];
        for (input, expected) in cases {
            assert_eq!(html_to_line(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn html_to_line_removes_controls_including_encoded_ones() {
        assert_eq!(html_to_line("a\x1b[31mb\u{9b}1mc"), "abc");
        assert_eq!(html_to_line("a&#27;[31mb"), "ab");
        assert_eq!(html_to_line("<i>a</i>&#x1b;]0;x&#7;b"), "ab");
        assert_eq!(html_to_line("\u{202e}<b>x</b>&#x202E;y"), "xy");
        assert_eq!(html_to_line("t\u{7}i\u{0}t\u{85}le"), "title");
    }
}
