//! Search and "read also": what goes into the full-text index, how a user's words become an
//! index query, and how related articles are chosen and ranked. The SQL is in
//! `store/search.rs`; this module is the logic, with no database access.

pub mod analyze;
pub mod boilerplate;
pub mod highlight;
pub mod links;
pub mod matcher;
pub mod query;
pub mod related;
pub mod story;
pub mod vector;

pub use analyze::{Analysis, Lang, Weights};
pub use matcher::ArticleText;
pub use query::SearchQuery;
pub use related::RelatedConfig;
pub use vector::TermVector;

/// Text indexed per article, at most (title excluded).
pub const INDEXED_TEXT_CHARS: usize = 4000;

/// Plain text of an HTML body for the index: tags dropped, references decoded, whitespace
/// collapsed, cut at [`INDEXED_TEXT_CHARS`]. A fast scan rather than an HTML parser: the
/// indexer runs over whole caches, and a search index needs words, not layout.
pub fn index_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(INDEXED_TEXT_CHARS * 2));
    let mut rest = html;
    let mut chars = 0;
    let mut space = true;
    let push = |out: &mut String, c: char, chars: &mut usize, space: &mut bool| {
        if c.is_whitespace() || c.is_control() {
            if !*space {
                out.push(' ');
                *space = true;
                *chars += 1;
            }
        } else {
            out.push(c);
            *space = false;
            *chars += 1;
        }
    };
    while chars < INDEXED_TEXT_CHARS {
        let Some(c) = rest.chars().next() else { break };
        if c == '<' {
            // Skip the tag (and whole script/style elements); a tag is a word break.
            let lower: String = rest.chars().take(8).collect::<String>().to_ascii_lowercase();
            let skip_to = if lower.starts_with("<script") {
                rest.find("</script>").map(|i| i + 9)
            } else if lower.starts_with("<style") {
                rest.find("</style>").map(|i| i + 8)
            } else {
                rest.find('>').map(|i| i + 1)
            };
            rest = &rest[skip_to.unwrap_or(rest.len())..];
            push(&mut out, ' ', &mut chars, &mut space);
            continue;
        }
        if c == '&' {
            let mut decoded = String::new();
            if let Some(len) = crate::text::entities::decode_at(rest, &mut decoded) {
                for d in decoded.chars() {
                    push(&mut out, d, &mut chars, &mut space);
                }
                rest = &rest[len..];
                continue;
            }
        }
        push(&mut out, c, &mut chars, &mut space);
        rest = &rest[c.len_utf8()..];
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_text_strips_markup() {
        let html = "<p>Hello&nbsp;<b>world</b></p><script>var x = 1;</script><style>p{}</style>\n<p>caf&eacute; &amp; more</p>";
        assert_eq!(index_text(html), "Hello world café & more");
        assert_eq!(index_text(&"word ".repeat(5000)).chars().count(), INDEXED_TEXT_CHARS - 1);
    }
}
