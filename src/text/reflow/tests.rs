use std::fmt::Write as _;

use super::super::html::parse;
use super::super::test_support::{SAMPLES, source_words};
use super::*;

mod code;
mod props;

pub(super) fn lines_of(html: &str, width: usize) -> Vec<Line> {
    reflow(&parse(html, None), width)
}

pub(super) fn texts(lines: &[Line]) -> Vec<String> {
    lines.iter().map(Line::text).collect()
}

/// Width, control characters and blank-line rules that hold for every reflow.
pub(super) fn assert_well_formed(lines: &[Line], width: usize, context: &str) {
    for line in lines {
        assert!(
            line.width() <= width,
            "{context}: line {:?} is {} columns, width {width}",
            line.text(),
            line.width()
        );
        assert!(
            !line.text().chars().any(|c| c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)),
            "{context}: control character in {:?}",
            line.text()
        );
    }
    let blank = |l: &Line| l.kind == LineKind::Blank;
    assert!(!lines.first().is_some_and(blank), "{context}: leading blank");
    assert!(!lines.last().is_some_and(blank), "{context}: trailing blank");
    assert!(!lines.windows(2).any(|w| blank(&w[0]) && blank(&w[1])), "{context}: two blank lines in a row");
}

/// The text of the body lines with all whitespace, quote bars, list markers, code continuation
/// markers and link markers removed: what is left must be exactly the source text, minus the whitespace lost at breaks.
fn body_text(lines: &[Line]) -> String {
    let mut joined = String::new();
    for line in lines.iter().filter(|l| l.kind != LineKind::LinkList) {
        let text = line.text();
        let mut rest = text.as_str();
        if matches!(line.kind, LineKind::ListItem | LineKind::Quote) {
            loop {
                let before = rest.len();
                rest = rest.trim_start_matches([' ', '│', '•', '◦', '▪']);
                let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                if digits > 0 && rest[digits..].starts_with(". ") {
                    rest = &rest[digits + 2..];
                }
                if rest.len() == before {
                    break;
                }
            }
        }
        // Code continuation markers go too (no sample has the arrow in its text).
        joined.extend(rest.chars().filter(|c| !c.is_whitespace() && *c != '↪'));
    }
    remove_link_markers(&joined)
}

/// Removes every `[digits]`.
fn remove_link_markers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(']') {
            rest = &after[digits + 1..];
        } else {
            out.push('[');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_width_fits_and_keeps_every_word_in_order() {
    for (sample, html) in SAMPLES.iter().enumerate() {
        let doc = parse(html, None);
        let words = source_words(html);
        assert!(words.len() >= 3, "sample {sample} has too few words");
        for width in 1..=120 {
            let context = format!("sample {sample} at width {width}");
            let lines = reflow(&doc, width);
            assert_well_formed(&lines, width, &context);
            let body = body_text(&lines);
            let mut rest = body.as_str();
            for word in &words {
                // In one column, wide clusters cannot be drawn and are shown as `?`.
                let word = if width == 1 { wrap::narrow(word) } else { word.into() };
                let Some(at) = rest.find(word.as_ref()) else {
                    panic!("{context}: {word:?} missing or out of order in {body:?}");
                };
                rest = &rest[at + word.len()..];
            }
        }
    }
}

#[test]
fn the_word_check_is_not_vacuous() {
    let lines = lines_of("<p>alpha beta gamma</p>", 6);
    let body = body_text(&lines);
    assert_eq!(body, "alphabetagamma");
    assert_eq!(remove_link_markers("a[1]b[x][22]"), "ab[x]");
}

#[test]
fn width_zero_gives_nothing_and_tiny_widths_do_not_panic() {
    assert!(lines_of("<p>text</p>", 0).is_empty());
    let html = "<ol start='18446744073709551615'><li><blockquote><table><tr><th>h</th><td>中</td></tr><tr><td>👨‍👩‍👧</td></tr></table></blockquote></li></ol><p><a href='https://e.com/'>x</a></p>";
    for width in 1..=8 {
        assert_well_formed(&lines_of(html, width), width, &format!("width {width}"));
    }
}

#[test]
fn paragraphs_are_separated_by_one_blank_line() {
    use LineKind::{Blank, Rule, Text};
    let lines = lines_of("<p>one</p><p></p><p>two</p><hr><p>three</p>", 20);
    let kinds: Vec<LineKind> = lines.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, vec![Text, Blank, Text, Blank, Rule, Blank, Text]);
}

#[test]
fn nested_lists_three_levels_mixed() {
    let html = "<ul><li>alpha<ol><li>beta<ul><li>gamma</li><li>delta words that wrap</li></ul></li><li>epsilon</li></ol></li><li>zeta</li></ul>";
    let lines = lines_of(html, 22);
    assert_eq!(
        texts(&lines),
        vec![
            "• alpha",
            "  1. beta",
            "     ▪ gamma",
            "     ▪ delta words",
            "       that wrap",
            "  2. epsilon",
            "• zeta",
        ]
    );
    assert!(lines.iter().all(|l| l.kind == LineKind::ListItem));
}

#[test]
fn ordered_list_numbers_are_right_aligned() {
    let lines = lines_of("<ol start='9'><li>nine</li><li>ten</li></ol>", 20);
    assert_eq!(texts(&lines), vec![" 9. nine", "10. ten"]);
}

#[test]
fn list_markers_are_dropped_when_there_is_no_room() {
    let lines = lines_of("<ul><li>abc</li></ul>", 4);
    assert_eq!(texts(&lines), vec!["abc"]);
    assert_eq!(lines[0].kind, LineKind::ListItem);
}

#[test]
fn blockquote_inside_a_list_item() {
    let html = "<ul><li><p>intro</p><blockquote><p>quoted text that wraps</p><blockquote>inner</blockquote></blockquote></li><li>next</li></ul>";
    let lines = lines_of(html, 16);
    assert_eq!(
        texts(&lines),
        vec!["• intro", "", "  │ quoted text", "  │ that wraps", "  │", "  │ │ inner", "• next",]
    );
    assert_eq!(lines[2].kind, LineKind::Quote);
    assert_eq!(lines[5].kind, LineKind::Quote);
}

#[test]
fn quotes_prefix_every_line() {
    let lines = lines_of("<blockquote><p>one two three four</p><p>five</p></blockquote>", 12);
    assert_eq!(texts(&lines), vec!["│ one two", "│ three four", "│", "│ five"]);
    assert!(lines.iter().all(|l| l.kind == LineKind::Quote));
}

#[test]
fn cjk_breaks_between_characters() {
    let text = "中文段落测试，这是一个很长的句子，需要换行。日本語の文章";
    let lines = lines_of(&format!("<p>{text}</p>"), 10);
    assert_well_formed(&lines, 10, "cjk");
    assert!(lines.len() >= 6);
    // Lines are filled, not one character each.
    assert!(lines[..lines.len() - 1].iter().all(|l| l.width() >= 8));
    let joined: String = lines.iter().map(Line::text).collect();
    assert_eq!(joined, text);
}

#[test]
fn emoji_sequences_stay_whole() {
    let family = "👨\u{200d}👩\u{200d}👧\u{200d}👦";
    let html = format!("<p>{family} and 👍🏽 and 🇫🇷 ok</p>");
    for width in 2..=12 {
        let lines = lines_of(&html, width);
        assert_well_formed(&lines, width, "emoji");
        let all = texts(&lines);
        for cluster in [family, "👍🏽", "🇫🇷"] {
            assert!(all.iter().any(|l| l.contains(cluster)), "{cluster} split at width {width}: {all:?}");
        }
    }
    // One column cannot show a two-column glyph.
    let narrow = texts(&lines_of(&html, 1));
    assert_eq!(narrow.first().map(String::as_str), Some("?"));
}

#[test]
fn right_to_left_text_stays_in_logical_order() {
    let text = "שלום עולם, זה טקסט בעברית. مرحبا بالعالم";
    let lines = lines_of(&format!("<p>{text}</p>"), 12);
    assert_well_formed(&lines, 12, "rtl");
    assert!(lines.len() > 2);
    assert_eq!(texts(&lines).join(" "), text);
}

#[test]
fn article_with_thirty_links() {
    let mut html = String::new();
    for n in 1..=29 {
        write!(html, "<p>Paragraph {n} has <a href='https://example.com/article/{n}'>link {n}</a>.</p>")
            .expect("write to a string");
    }
    html.push_str("<p>Back to <a href='https://example.com/article/5'>five</a>.</p>");
    let doc = parse(&html, None);
    assert_eq!(doc.links.len(), 29);
    let lines = reflow(&doc, 60);
    assert_well_formed(&lines, 60, "links");
    let all = texts(&lines);
    assert!(all.contains(&"Paragraph 12 has link 12 [12].".to_owned()));
    assert!(all.contains(&"Back to five [5].".to_owned()));
    let start = all.iter().position(|l| l == "Links:").expect("link list");
    assert_eq!(lines[start - 1].kind, LineKind::Blank);
    assert_eq!(lines.len(), start + 1 + 29);
    assert_eq!(all[start + 1], " [1] https://example.com/article/1");
    assert_eq!(all[start + 29], "[29] https://example.com/article/29");
    assert!(lines[start..].iter().all(|l| l.kind == LineKind::LinkList));
    // The marker carries the link's style.
    let marker = lines.iter().flat_map(|l| &l.spans).find(|s| s.text.contains("[12]")).expect("marker");
    assert_eq!(marker.style.link, Some(12));
}

#[test]
fn long_urls_wrap_with_a_hanging_indent() {
    let url = "https://example.com/a/rather/long/path/that/does/not/fit?query=yes";
    let lines = lines_of(&format!("<p><a href='{url}'>x</a></p>"), 24);
    assert_well_formed(&lines, 24, "url");
    let start = texts(&lines).iter().position(|l| l == "Links:").expect("list");
    let entry = &lines[start + 1..];
    assert!(entry.len() > 2);
    assert!(entry[0].text().starts_with("[1] https:"));
    assert!(entry[1..].iter().all(|l| l.text().starts_with("    ")));
    let joined: String = entry.iter().map(|l| l.text()[4..].to_owned()).collect();
    assert_eq!(joined, url);
}

#[test]
fn link_markers_stay_with_their_word() {
    let lines = lines_of("<p>aaaa bbbb <a href='https://e.com'>cccc</a> dddd</p>", 11);
    assert_eq!(
        texts(&lines),
        vec!["aaaa bbbb", "cccc [1]", "dddd", "", "Links:", "[1] https:/", "    /e.com/"]
    );
    // When word and marker cannot share a line, they part at the glue, not inside the marker.
    let lines = lines_of("<p>with a <a href='https://e.com'>link</a>.</p>", 7);
    assert_eq!(texts(&lines)[..3], ["with a", "link", "[1]."]);
}

#[test]
fn styles_survive_wrapping_and_words_can_change_style() {
    let lines = lines_of("<p><b>bold words here</b> plain <b>Hel</b><i>lo</i></p>", 10);
    assert_eq!(texts(&lines), vec!["bold words", "here plain", "Hello"]);
    assert!(lines[0].spans.iter().all(|s| s.style.bold));
    assert_eq!(lines[1].spans[0].text, "here");
    assert!(lines[1].spans[0].style.bold);
    assert!(!lines[1].spans[1].style.bold);
    let hello: Vec<(&str, bool, bool)> =
        lines[2].spans.iter().map(|s| (s.text.as_str(), s.style.bold, s.style.italic)).collect();
    assert_eq!(hello, vec![("Hel", true, false), ("lo", false, true)]);
}

#[test]
fn headings_are_bold_lines_of_their_own() {
    let lines = lines_of("<h2>A heading that wraps</h2><p>text</p>", 12);
    assert_eq!(texts(&lines), vec!["A heading", "that wraps", "", "text"]);
    assert_eq!(lines[0].kind, LineKind::Heading(2));
    assert_eq!(lines[1].kind, LineKind::Heading(2));
    assert!(lines[..2].iter().flat_map(|l| &l.spans).all(|s| s.style.bold));
}

#[test]
fn rules_and_images() {
    let lines = lines_of("<hr><p><img alt='A cat'></p><p><img src=x></p>", 10);
    assert_eq!(texts(&lines), vec!["──────────", "", "[image: A", "cat]", "", "[image]"]);
    assert_eq!(lines[2].kind, LineKind::Image);
    assert_eq!(lines_of("<hr>", 100)[0].width(), 40);
}

#[test]
fn image_placeholders_do_not_run_into_text() {
    let lines = lines_of("<p><img alt='Logo' src='x.png'>Today we ship.</p>", 40);
    assert_eq!(texts(&lines), vec!["[image: Logo] Today we ship."]);
    let lines = lines_of("<p>See<a href='https://e.com/'><img alt='Logo'></a>Today</p>", 40);
    assert_eq!(texts(&lines)[0], "See [image: Logo] [1] Today");
    // The link marker is the only span in the link's style besides the placeholder.
    let linked: Vec<&str> =
        lines[0].spans.iter().filter(|s| s.style.link.is_some()).map(|s| s.text.as_str()).collect();
    assert_eq!(linked.concat(), "[image: Logo] [1]");
}

#[test]
fn entities_and_line_breaks() {
    let lines = lines_of("<p>Tom &amp; Jerry&nbsp;&lt;3<br>next &eacute;t&eacute;</p>", 40);
    assert_eq!(texts(&lines), vec!["Tom & Jerry <3", "next été"]);
    assert!(lines.iter().all(|l| l.kind == LineKind::Text));
}

#[test]
fn table_that_fits_is_aligned() {
    let html = "<table><thead><tr><th>Name</th><th>Age</th></tr></thead><tr><td>Alice</td><td>30</td></tr><tr><td>Bob</td><td></td></tr></table>";
    let lines = lines_of(html, 40);
    assert_eq!(texts(&lines), vec!["Name  │ Age", "──────┼────", "Alice │ 30", "Bob   │"]);
    assert!(lines.iter().all(|l| l.kind == LineKind::Table));
    assert!(lines[0].spans.iter().filter(|s| s.text.trim() != "│").all(|s| s.style.bold));
    assert!(!lines[2].spans.iter().any(|s| s.style.bold));
}

#[test]
fn table_that_does_not_fit_is_stacked() {
    let html = "<table><tr><th>Name</th><th>Description</th></tr>\
                <tr><td>Alice</td><td>Writes the documentation for everything</td></tr>\
                <tr><td>Bob</td><td>Tests</td></tr></table>";
    let lines = lines_of(html, 24);
    assert_well_formed(&lines, 24, "stacked table");
    assert_eq!(
        texts(&lines),
        vec![
            "Name: Alice",
            "Description: Writes the",
            "  documentation for",
            "  everything",
            "",
            "Name: Bob",
            "Description: Tests",
        ]
    );
    let label = &lines[0].spans[0];
    assert_eq!((label.text.as_str(), label.style.bold), ("Name", true));
    assert!(lines.iter().all(|l| matches!(l.kind, LineKind::Table | LineKind::Blank)));
}

#[test]
fn escape_sequences_never_reach_the_lines() {
    let html = "<p>a\u{1b}[2J\u{1b}]0;owned\u{7}b &#x9b;31m c\u{202e}d\u{2067}e</p>\
                <p><img alt='\u{1b}[31mred\u{1b}[0m cat\u{9d}8;;x\u{9c}'></p>\
                <p><a href='https://e.com/\u{1b}]52;c;QUFB\u{7}x'>link</a></p>\
                <pre>\u{1b}[1mcode\u{1b}[0m\u{85}</pre>";
    for width in [1, 5, 20, 80] {
        let lines = lines_of(html, width);
        assert_well_formed(&lines, width, "escapes");
        assert!(!texts(&lines).concat().contains("owned"));
    }
    let all = texts(&lines_of(html, 80));
    assert_eq!(all[0], "ab \u{203a}31m cde");
    assert_eq!(all[2], "[image: red cat]");
    assert!(all.contains(&"[1] https://e.com/x".to_owned()));
}

#[test]
fn deeply_nested_blocks_still_fit() {
    let depth = 400;
    let html = format!(
        "{}<p>deep words here</p>{}",
        "<blockquote><ul><li>".repeat(depth),
        "</li></ul></blockquote>".repeat(depth)
    );
    for width in [1, 10, 80] {
        let lines = lines_of(&html, width);
        assert_well_formed(&lines, width, "deep");
        assert!(body_text(&lines).contains("deepwordshere"));
    }
}
