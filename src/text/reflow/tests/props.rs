//! Property tests: arbitrary nested HTML (tags, entities, long words, CJK, emoji, combining
//! marks) at every width from 1 to 200 never panics, never draws a line wider than asked, and
//! keeps every visible word of the input, in order.

use proptest::prelude::*;

use super::super::super::html::parse;
use super::super::super::test_support::source_words;
use super::super::{reflow, wrap};
use super::{assert_well_formed, body_text};

/// A run of text: no digits, brackets or the renderer's own markers, so what `body_text`
/// strips from a line can only be the renderer's.
fn text_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z]{1,10}",
        // Longer than most widths: cut across lines.
        "[a-z]{40,90}",
        "[\u{4e00}-\u{4e80}\u{3041}-\u{3090}\u{ac00}-\u{ac50}]{1,12}",
        prop::sample::select(vec![
            "👍🏽",
            "👨‍👩‍👧‍👦",
            "🇫🇷",
            "❤️",
            "e\u{301}\u{301}",
            "नमस्ते",
            "สวัสดี",
            "שלום",
            "مرحبا",
            "ﬁne",
            "Ａｂｃ",
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&eacute;",
            "&nbsp;",
            "&#x1F600;",
            "&#233;",
            "&hellip;"
        ])
        .prop_map(str::to_owned),
        prop::sample::select(vec![" ", "  ", "\n", "\t", " \n "]).prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(text_piece(), 1..8).prop_map(|p| p.join(" "))
}

/// An element around its children (or a void element).
fn element(children: &[String], kind: usize, n: usize) -> String {
    let inner = children.join("");
    match kind {
        0 => format!("<p>{inner}</p>"),
        1 => format!("<div>{inner}</div>"),
        2 => format!("<b>{inner}</b>"),
        3 => format!("<em>{inner}</em>"),
        4 => format!("<a href='https://example.com/{n}'>{inner}</a>"),
        5 => format!("<ul><li>{inner}</li><li>{}</li></ul>", children.first().map_or("", String::as_str)),
        6 => format!("<ol><li>{inner}</li></ol>"),
        7 => format!("<blockquote>{inner}</blockquote>"),
        8 => format!("<pre>{inner}</pre>"),
        9 => format!("<code>{inner}</code>"),
        10 => format!("<h2>{inner}</h2>"),
        11 => format!("<span>{inner}<br>after</span>"),
        12 => format!("<script>var hidden = 1; {inner}</script>"),
        13 => format!("<style>p {{ color: red }} {inner}</style>"),
        14 => format!("<img alt='picture'>{inner}"),
        _ => format!("<dl><dt>{inner}</dt><dd>defined</dd></dl>"),
    }
}

fn html() -> impl Strategy<Value = String> {
    text().prop_recursive(5, 64, 5, |inner| {
        (prop::collection::vec(inner, 1..5), 0..16usize, 0..5usize)
            .prop_map(|(c, kind, n)| element(&c, kind, n))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_html_at_any_width_fits_and_keeps_its_words(html in html(), width in 1usize..=200) {
        let lines = reflow(&parse(&html, None), width);
        let context = format!("{html:?} at width {width}");
        assert_well_formed(&lines, width, &context);
        let body = body_text(&lines);
        let mut rest = body.as_str();
        for word in source_words(&html) {
            // In one column, wide clusters cannot be drawn and are shown as `?`.
            let word = if width == 1 { wrap::narrow(&word) } else { word.into() };
            let Some(at) = rest.find(word.as_ref()) else {
                panic!("{context}: {word:?} missing or out of order in {body:?}");
            };
            rest = &rest[at + word.len()..];
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), width in 0usize..=200) {
        let html = String::from_utf8_lossy(&bytes);
        let lines = reflow(&parse(&html, None), width);
        if width > 0 {
            assert_well_formed(&lines, width, &format!("{html:?} at width {width}"));
        }
    }
}
