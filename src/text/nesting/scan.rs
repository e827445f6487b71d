//! Where the HTML tokenizer finds tags, comments and the end of raw text, for [`super::flatten`].
//!
//! It follows the states of the HTML standard's tokenizer that decide where markup ends: quoted
//! attribute values (a `>` inside one does not end the tag), comments and their odd endings
//! (`<!-->`, `--!>`), bogus comments, CDATA sections in foreign content, raw text up to its
//! end tag, and the escapes of script data (`<!--<script>…</script>-->` does not end a
//! script). What a tag's attributes say is not kept, except whether `<font>` has the ones that
//! end foreign content.

use memchr::{memchr, memmem};

/// What starts at a `<`.
pub(super) enum Markup {
    /// A start or end tag.
    Tag(Tag),
    /// A comment, doctype or other declaration that ends just before this offset.
    Skip(usize),
    /// A `<` that is only text.
    Text,
    /// Markup that runs to the end of the input (an unfinished tag is dropped by the tokenizer).
    Eof,
}

/// A tag as the tokenizer emits it.
pub(super) struct Tag {
    /// The name, ASCII letters lowercased as the tokenizer does.
    pub name: String,
    /// An end tag.
    pub end: bool,
    /// Ends with `/>` (honoured only in foreign content).
    pub self_closing: bool,
    /// Has a `color`, `face` or `size` attribute (a `<font>` with one ends foreign content).
    pub font_attributes: bool,
    /// Where its attributes are written (after the name, up to the `>`).
    pub attributes: std::ops::Range<usize>,
    /// The offset just past its `>`.
    pub stop: usize,
}

/// How the content of a raw text element ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Raw {
    /// At its end tag (`<style>`, `<textarea>`, `<title>` …).
    Text,
    /// At its end tag, minding the escapes of script data.
    Script,
    /// Never: `<plaintext>` makes the rest of the input text.
    Plaintext,
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Reads the markup at `bytes[lt]` (a `<`); `foreign` says whether the parser is in foreign
/// content, where `<![CDATA[` starts a CDATA section.
pub(super) fn at(bytes: &[u8], lt: usize, foreign: bool) -> Markup {
    let rest = &bytes[lt + 1..];
    match rest.first() {
        Some(b) if b.is_ascii_alphabetic() => tag(bytes, lt + 1, false),
        Some(b'/') => match rest.get(1) {
            Some(b) if b.is_ascii_alphabetic() => tag(bytes, lt + 2, true),
            Some(b'>') => Markup::Skip(lt + 3),
            Some(_) => to_gt(bytes, lt + 2),
            None => Markup::Text,
        },
        Some(b'!') => declaration(bytes, lt, foreign),
        Some(b'?') => to_gt(bytes, lt + 1),
        _ => Markup::Text,
    }
}

/// A bogus comment: up to the next `>`.
fn to_gt(bytes: &[u8], from: usize) -> Markup {
    memchr(b'>', &bytes[from..]).map_or(Markup::Eof, |i| Markup::Skip(from + i + 1))
}

/// `<!`: a comment, a doctype, a CDATA section (in foreign content) or a bogus comment.
fn declaration(bytes: &[u8], lt: usize, foreign: bool) -> Markup {
    let after = &bytes[lt + 2..];
    if after.starts_with(b"--") {
        return comment(bytes, lt + 4);
    }
    if foreign && after.starts_with(b"[CDATA[") {
        let from = lt + 9;
        return memmem::find(&bytes[from..], b"]]>").map_or(Markup::Eof, |i| Markup::Skip(from + i + 3));
    }
    // A doctype ends at its first `>` too (even one inside a quoted identifier).
    to_gt(bytes, lt + 2)
}

/// A comment whose text starts at `from`: it ends at `-->` or `--!>`; `<!-->` and `<!--->`
/// end at once.
fn comment(bytes: &[u8], from: usize) -> Markup {
    match bytes.get(from..) {
        Some([b'>', ..]) => return Markup::Skip(from + 1),
        Some([b'-', b'>', ..]) => return Markup::Skip(from + 2),
        _ => {}
    }
    let mut at = from;
    while let Some(i) = memchr(b'>', &bytes[at..]) {
        let gt = at + i;
        let text = &bytes[from..gt];
        if text.ends_with(b"--") || text.ends_with(b"--!") {
            return Markup::Skip(gt + 1);
        }
        at = gt + 1;
    }
    Markup::Eof
}

/// The attribute states of the tokenizer, after the tag name.
#[derive(Clone, Copy)]
enum State {
    BeforeName,
    Name(usize),
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    AfterQuoted,
    SelfClosing,
}

/// A tag whose name starts at `from`.
fn tag(bytes: &[u8], from: usize, end: bool) -> Markup {
    let name_len = bytes[from..].iter().position(|&b| is_space(b) || b == b'/' || b == b'>');
    let Some(name_len) = name_len else { return Markup::Eof };
    let name = String::from_utf8_lossy(&bytes[from..from + name_len]).to_ascii_lowercase();
    let mut font_attributes = false;
    let mut check = |attribute: &[u8]| {
        font_attributes |=
            [&b"color"[..], b"face", b"size"].iter().any(|a| attribute.eq_ignore_ascii_case(a));
    };
    let mut state = State::BeforeName;
    let mut i = from + name_len;
    while let Some(&b) = bytes.get(i) {
        let space = is_space(b);
        if let State::Quoted(q) = state {
            let Some(j) = memchr(q, &bytes[i..]) else { return Markup::Eof };
            i += j + 1;
            state = State::AfterQuoted;
            continue;
        }
        if let State::Name(start) = state {
            if space || matches!(b, b'/' | b'>' | b'=') {
                check(&bytes[start..i]);
                state = State::AfterName;
                if b == b'=' {
                    state = State::BeforeValue;
                    i += 1;
                }
                // Anything else is read again in the new state.
                continue;
            }
            i += 1;
            continue;
        }
        if b == b'>' {
            let self_closing = matches!(state, State::SelfClosing);
            return done(name, end, self_closing, font_attributes, from + name_len..i);
        }
        state = match state {
            State::Unquoted | State::AfterQuoted if space => State::BeforeName,
            State::BeforeName | State::AfterName | State::AfterQuoted if b == b'/' => State::SelfClosing,
            State::AfterName if b == b'=' => State::BeforeValue,
            State::BeforeValue if b == b'"' || b == b'\'' => State::Quoted(b),
            State::BeforeValue if !space => State::Unquoted,
            State::BeforeName | State::AfterName if !space => State::Name(i),
            State::AfterQuoted | State::SelfClosing => {
                // Read again as the start of an attribute.
                state = State::BeforeName;
                continue;
            }
            // Spaces before a name or a value, and the rest of a value.
            other => other,
        };
        i += 1;
    }
    Markup::Eof
}

/// A tag whose attributes are at `attributes`, just before its `>`.
fn done(
    name: String,
    end: bool,
    self_closing: bool,
    font_attributes: bool,
    attributes: std::ops::Range<usize>,
) -> Markup {
    let stop = attributes.end + 1;
    Markup::Tag(Tag { name, end, self_closing, font_attributes, attributes, stop })
}

/// The value of the attribute `wanted` (lowercase) in `attributes` as a tag writes them, if
/// it has one.
pub(super) fn attribute<'a>(attributes: &'a str, wanted: &str) -> Option<&'a str> {
    let bytes = attributes.as_bytes();
    let mut i = 0;
    loop {
        while bytes.get(i).is_some_and(|&b| is_space(b) || b == b'/') {
            i += 1;
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|&b| !is_space(b) && b != b'/' && b != b'=' || (i == start && b == b'='))
        {
            i += 1;
        }
        if i == start {
            return None;
        }
        let name = &attributes[start..i];
        while bytes.get(i).is_some_and(|&b| is_space(b)) {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while bytes.get(i).is_some_and(|&b| is_space(b)) {
                i += 1;
            }
            let (from, to) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |j| i + 1 + j);
                    (i + 1, end)
                }
                _ => (i, bytes[i..].iter().position(|&b| is_space(b)).map_or(bytes.len(), |j| i + j)),
            };
            value = &attributes[from..to];
            i = to + 1;
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
    }
}

/// Where the content of the raw text element `name` that starts at `from` ends: the offset of
/// the `<` of its end tag, or the end of the input.
pub(super) fn raw_end(bytes: &[u8], from: usize, name: &str, raw: Raw) -> usize {
    match raw {
        Raw::Plaintext => bytes.len(),
        Raw::Text => {
            let mut at = from;
            while let Some(i) = memchr(b'<', &bytes[at..]) {
                if is_end_tag(bytes, at + i, name) {
                    return at + i;
                }
                at += i + 1;
            }
            bytes.len()
        }
        Raw::Script => script_end(bytes, from),
    }
}

/// Whether an end tag of `name` starts at `bytes[lt]` (case aside, ended by a space, `/` or `>`).
fn is_end_tag(bytes: &[u8], lt: usize, name: &str) -> bool {
    let after = lt + 2 + name.len();
    bytes.get(lt + 1) == Some(&b'/')
        && bytes.get(lt + 2..after).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        && bytes.get(after).is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
}

/// Whether the letters at `bytes[at..]` are `script` followed by a space, `/` or `>`.
fn is_script_word(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..at + 6).is_some_and(|w| w.eq_ignore_ascii_case(b"script"))
        && bytes.get(at + 6).is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
}

/// The end of script data: `</script` ends it, except inside `<!-- <script> … -->`, where a
/// nested `<script>` "double escapes" it until the matching `</script>`.
fn script_end(bytes: &[u8], from: usize) -> usize {
    #[derive(PartialEq)]
    enum Mode {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut mode = Mode::Data;
    // Dashes just read (`-->` leaves the escapes).
    let mut dashes = 0;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match (&mode, b) {
            (Mode::Data, b'<') if bytes[i + 1..].starts_with(b"!--") => {
                mode = Mode::Escaped;
                dashes = 2;
                i += 4;
                continue;
            }
            (Mode::Data | Mode::Escaped, b'<') if is_end_tag(bytes, i, "script") => return i,
            (Mode::Escaped, b'<') if is_script_word(bytes, i + 1) => mode = Mode::DoubleEscaped,
            (Mode::DoubleEscaped, b'<')
                if bytes.get(i + 1) == Some(&b'/') && is_script_word(bytes, i + 2) =>
            {
                mode = Mode::Escaped;
            }
            (Mode::Escaped | Mode::DoubleEscaped, b'>') if dashes >= 2 => mode = Mode::Data,
            _ => {}
        }
        dashes = if b == b'-' { dashes + 1 } else { 0 };
        i += 1;
    }
    bytes.len()
}
