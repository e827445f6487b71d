use proptest::prelude::*;
use scraper::Html;

use super::super::test_support::SAMPLES;
use super::*;

/// The deepest element of `html` as html5ever builds it (a fragment in `<body>`; the fragment's
/// own `<html>` counts as one).
fn parsed_depth(html: &str) -> usize {
    let fragment = Html::parse_fragment(html);
    fragment.tree.nodes().filter(|n| n.value().is_element()).map(|n| n.ancestors().count()).max().unwrap_or(0)
}

fn words(html: &str) -> Vec<String> {
    let fragment = Html::parse_fragment(html);
    let text: String = fragment.root_element().text().collect();
    text.split_whitespace().map(String::from).collect()
}

#[test]
fn ordinary_markup_is_borrowed_as_it_is() {
    let pages = [
        include_str!("../../../tests/data/fulltext/article.html"),
        include_str!("../../../tests/data/fulltext/hostile.html"),
        include_str!("../../../tests/data/fulltext/empty.html"),
    ];
    for html in SAMPLES.iter().chain(&pages) {
        let f = flatten(html, 32, true);
        assert!(matches!(f.html, Cow::Borrowed(_)), "{html}");
        assert_eq!(f.dropped, 0);
        assert!(f.deepest <= parsed_depth(html), "{} > {}: {html}", f.deepest, parsed_depth(html));
    }
}

#[test]
fn deep_nesting_is_cut_at_the_limit_and_its_text_kept() {
    for (open, close) in [("<div>", "</div>"), ("<span><b>", "</b></span>"), ("<ul><li>", "</li></ul>")] {
        let html = format!("{}the words {}after", open.repeat(1000), close.repeat(1000));
        let f = flatten(&html, 10, true);
        assert!(f.deepest >= 1000, "{open}: {}", f.deepest);
        assert!(parsed_depth(&f.html) <= 11, "{open}: {}", parsed_depth(&f.html));
        assert_eq!(words(&f.html), ["the", "words", "after"], "{open}");
    }
    let tables = format!("{}cell{}", "<table><tr><td>".repeat(500), "</td></tr></table>".repeat(500));
    let f = flatten(&tables, 12, true);
    assert!(parsed_depth(&f.html) <= 13, "{}", parsed_depth(&f.html));
    assert_eq!(words(&f.html), ["cell"]);
}

#[test]
fn end_tags_of_elements_left_out_do_not_close_the_ones_kept() {
    // Two divs kept, three left out; after five closing tags, text is outside all of them.
    let html = "<div id=a><div id=b><div><div><div>in</div></div></div></div>mid</div>out";
    let f = flatten(html, 2, true);
    assert_eq!(f.html, "<div id=a><div id=b>in</div>mid</div>out");
    assert_eq!((f.deepest, f.dropped), (5, 6));
}

#[test]
fn what_the_parser_closes_by_itself_does_not_add_up() {
    let cases = [
        format!("<ul>{}</ul>", "<li>item".repeat(1000)),
        "<p>paragraph".repeat(1000),
        format!("<table>{}</table>", "<tr><td>a<td>b".repeat(1000)),
        format!("<dl>{}</dl>", "<dt>term<dd>meaning".repeat(1000)),
        format!("<select>{}</select>", "<option>choice".repeat(1000)),
        "<h2>one<h3>two".repeat(1000),
        format!("<svg>{}</svg>", "<path d='M0 0'/>".repeat(1000)),
        "<a href=x>link".repeat(1000),
        format!("<p>{}", "<img src=x><br><input><hr>".repeat(1000)),
    ];
    for html in &cases {
        let f = flatten(html, 16, true);
        assert!(f.deepest <= 5, "{}: {}", f.deepest, &html[..60]);
        assert!(matches!(f.html, Cow::Borrowed(_)));
    }
}

#[test]
fn markup_inside_text_comments_and_attributes_is_not_counted() {
    let deep = "<div>".repeat(100);
    let cases = [
        format!("<script>var s = '{deep}';</script>"),
        format!("<script><!--<script>{deep}</script>-->{deep}</script>"),
        format!("<style>{deep}</style><textarea>{deep}</textarea><title>{deep}</title>"),
        format!("<!-- {deep} --><!-- {deep} --!>"),
        format!("<a title=\"{deep}\" data-x='{deep}'>x</a>"),
        format!("<noscript>{deep}</noscript>"),
        format!("<plaintext>{deep}"),
    ];
    for html in &cases {
        let f = flatten(html, 8, true);
        assert!(f.deepest <= 3, "{}: {html}", f.deepest);
    }
    // Unless a script is not a script: in SVG it holds markup.
    assert!(flatten(&format!("<svg><script>{deep}"), 8, true).deepest > 8);
    // Without scripting, a noscript holds markup.
    assert!(flatten(&format!("<noscript>{deep}"), 8, false).deepest > 8);
}

#[test]
fn html_inside_foreign_content_ends_it() {
    // `<span/>` is self-closing in SVG, but a `<p>` ends the SVG: then each span nests.
    let html = format!("<svg><p>{}", "<span/>".repeat(100));
    let f = flatten(&html, 10, true);
    assert!(f.deepest >= 100, "{}", f.deepest);
    assert!(parsed_depth(&f.html) <= 11);
    let cdata = format!("<svg><![CDATA[{}]]></svg>", "<div>".repeat(100));
    assert!(flatten(&cdata, 10, true).deepest <= 1);
}

/// Tag soup from the tags whose rules the scanner knows, and some it does not.
fn soup() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "div",
        "span",
        "p",
        "li",
        "ul",
        "table",
        "tr",
        "td",
        "tbody",
        "caption",
        "b",
        "i",
        "a",
        "font",
        "select",
        "option",
        "optgroup",
        "svg",
        "math",
        "path",
        "foreignObject",
        "desc",
        "mi",
        "annotation-xml",
        "textarea",
        "script",
        "style",
        "xmp",
        "noscript",
        "title",
        "br",
        "img",
        "input",
        "hr",
        "template",
        "button",
        "h1",
        "h2",
        "dd",
        "dt",
        "em",
        "nobr",
        "object",
        "form",
        "th",
        "thead",
        "colgroup",
        "col",
        "x-y",
    ]);
    let token = prop_oneof![
        names.clone().prop_map(|n| format!("<{n}>")),
        names.clone().prop_map(|n| format!("</{n}>")),
        names.prop_map(|n| format!("<{n}/>")),
        Just(" x ".to_string()),
        Just("<!--c-->".to_string()),
        Just("<font color=red>".to_string()),
    ];
    prop::collection::vec(token, 0..200).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Whatever the soup, the parser's tree of the flattened markup is no deeper than the limit
    /// and its overshoot (and the fragment's root and `<html>`).
    #[test]
    fn the_parser_nests_no_deeper_than_the_limit(html in soup()) {
        let limit = 8;
        let f = flatten(&html, limit, true);
        let depth = parsed_depth(&f.html);
        let bound = limit + overshoot(limit) + 1;
        prop_assert!(depth <= bound, "{depth} levels from {html:?} flattened to {:?}", f.html);
        // No text is lost (text inside foreign content left out may read as other text, and
        // a template left out can leave the parser in a mode that drops text: not checked).
        let xs = |h: &str| words(h).iter().filter(|w| *w == "x").count();
        if !html.contains("<template") {
            prop_assert!(xs(&f.html) >= xs(&html), "{:?} -> {:?}", html, f.html);
        }
    }
}

/// Soups on which the property test once found the estimate too shallow, each for a rule of
/// the parser's it now follows: formatting elements reopened, `</br>` and `<font color>` ending
/// foreign content, `<annotation-xml>` without an HTML encoding, select's scope, template
/// contents (one level more; table parts taken as they come; a first `<col>` making the rest
/// inert), a tag left out that must not close anything.
#[test]
fn counterexamples_once_found_stay_within_the_bound() {
    let soups = [
        "<font color=red><li/><font color=red></li><font><font color=red><em></font><b/><b><b><div><textarea/>",
        "<font color=red><font color=red><svg><font color=red><textarea><div>",
        "<div/><font color=red><template/><font color=red><font color=red><template/><textarea>",
        "<div><svg></br><a/><font/><font><font color=red><select/><div><font color=red><option>",
        "<p><select/><font color=red><h1><template/> x <div><b><div>",
        "<li/><ul><div/><button><font color=red><template><td/><textarea>",
        "<font color=red><b/><math><annotation-xml><tr/><tr><textarea/><b/><b/><b><b/><font color=red><b/><div/>",
        "<select/><a> x <font color=red><svg><font color=red></option><tr><path><a><div/><div/><path></p>",
        "<path><em><br> x <select><font color=red><table/><div><td/><textarea>",
        "<div/><b/><b/><template><col><textarea/><template/><font color=red><font color=red><font color=red>\
         <b/><font color=red><font color=red><font color=red><div>",
        "<font color=red><font color=red><template><caption/><div><template/><svg/><col><div><font color=red>\
         <button/><font color=red><font color=red><font color=red><font color=red>",
    ];
    for soup in soups {
        for limit in [4, 6, 8] {
            let f = flatten(soup, limit, true);
            let depth = parsed_depth(&f.html);
            assert!(depth <= limit + overshoot(limit) + 1, "{depth} levels at limit {limit}: {soup}");
        }
    }
}

/// Prints the deepest path of the parser's tree of `$SOUP` beside the estimate, to find what
/// the estimate misses: `SOUP='<b><p>…' cargo test --lib show_paths -- --ignored --nocapture`.
#[test]
#[ignore = "a debugging aid"]
fn show_paths() {
    let html = std::env::var("SOUP").unwrap_or_default();
    let fragment = Html::parse_fragment(&html);
    let Some(deepest) = fragment.tree.nodes().max_by_key(|n| n.ancestors().count()) else { return };
    let mut path: Vec<String> = deepest
        .ancestors()
        .map(|a| match a.value() {
            scraper::Node::Element(e) => e.name().to_string(),
            other => format!("{other:?}").chars().take(12).collect(),
        })
        .collect();
    path.reverse();
    eprintln!("parser: {}", path.join(" > "));
    let f = flatten(&html, 8, true);
    eprintln!("estimate {} at limit 8: {}", f.deepest, f.html);
}
