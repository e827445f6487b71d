//! Search and "read also": what goes into the full-text index, how a user's words become an
//! index query, and how related articles are chosen and ranked. The SQL is in
//! `store/search.rs`; this module is the logic, with no database access.

pub mod analyze;
pub mod highlight;
pub mod links;
pub mod query;
pub mod related;
pub mod story;
pub mod vector;

pub use analyze::{Analysis, Lang, Weights};
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

/// The user's words as an FTS5 query: every word must match in one of the forms the index may
/// hold it in (see [`analyze::query_forms`]), the last one as a prefix (so results appear
/// while typing). Quotes keep FTS5 syntax characters literal.
pub fn match_expression(query: &str, languages: &[Lang]) -> String {
    let words: Vec<&str> = query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let star = if i == last { "*" } else { "" };
            let forms: Vec<String> =
                analyze::query_forms(w, languages).iter().map(|f| format!("\"{f}\"{star}")).collect();
            if forms.len() == 1 { forms.concat() } else { format!("({})", forms.join(" OR ")) }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
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

    #[test]
    fn match_expressions_use_every_form_and_a_prefix_last() {
        let langs = [Lang::from_code("en"), Lang::from_code("de")];
        assert_eq!(match_expression("Rust releases", &langs), "\"rust\" AND (\"releases\"* OR \"releas\"*)");
        assert_eq!(match_expression("a\"b OR c*", &langs), "\"a\" AND \"b\" AND \"or\" AND \"c\"*");
        assert_eq!(match_expression("  ", &langs), "");
    }
}
