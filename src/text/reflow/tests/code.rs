//! Code blocks: whitespace kept, lines cut at the width and marked, nothing lost.

use super::super::code::continuation_marker;
use super::super::{Block, CODE_CONTINUATION, Document, Line, LineKind, reflow, wrap};
use super::{assert_well_formed, lines_of, texts};

#[test]
fn preformatted_whitespace_is_kept() {
    let lines = lines_of("<pre>  a   b\n\n\tc  </pre>", 20);
    assert_eq!(texts(&lines), vec!["  a   b", "", "    c"]);
}

/// Code lines joined back into source lines: a line whose first span is `marker` continues the
/// line before it (the marker itself dropped).
fn code_source(lines: &[Line], marker: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        match (line.spans.first(), out.last_mut()) {
            (Some(first), Some(last)) if !marker.is_empty() && first.text == marker => {
                last.extend(line.spans[1..].iter().map(|s| s.text.as_str()));
            }
            _ => out.push(line.text()),
        }
    }
    out
}

#[test]
fn long_preformatted_lines_are_cut_and_marked_without_loss() {
    let source: Vec<String> =
        (0..5).map(|row| (0..300).map(|i| char::from(b'!' + ((i * 7 + row) % 90) as u8)).collect()).collect();
    let html = format!("<pre>{}</pre>", source.join("\n").replace('&', "&amp;").replace('<', "&lt;"));
    let lines = lines_of(&html, 40);
    assert_well_formed(&lines, 40, "pre");
    assert!(lines.iter().all(|l| l.kind == LineKind::Code));
    assert!(lines.iter().all(|l| l.spans.iter().all(|s| s.style.code)));
    // 40 columns, then 7 continuations of 38 columns after the marker.
    assert_eq!(lines.len(), 5 * 8);
    for row in lines.chunks(8) {
        assert_eq!(row[0].width(), 40);
        assert!(!row[0].text().starts_with(CODE_CONTINUATION));
        assert!(row[1..].iter().all(|l| l.spans[0].text == CODE_CONTINUATION), "{:?}", texts(row));
    }
    assert_eq!(code_source(&lines, CODE_CONTINUATION), source);
}

#[test]
fn a_cut_code_line_reads_as_one() {
    let lines = lines_of("<pre>let x = 1234567890abcdefghij;\nok</pre>", 12);
    assert_eq!(texts(&lines), vec!["let x = 1234", "↪ 567890abcd", "↪ efghij;", "ok"]);
    // Spaces at a cut stay with the code; the marker adds its own.
    let lines = lines_of("<pre>abcdefgh    ijkl</pre>", 10);
    assert_eq!(texts(&lines), vec!["abcdefgh  ", "↪   ijkl"]);
    // Narrow panes: the arrow alone, then no marker at all.
    assert_eq!(texts(&lines_of("<pre>abcdef</pre>", 3)), vec!["abc", "↪de", "↪f"]);
    assert_eq!(texts(&lines_of("<pre>abcdef</pre>", 2)), vec!["ab", "cd", "ef"]);
    // Inside a quote the marker follows the quote bar.
    let lines = lines_of("<blockquote><pre>0123456789abcdef</pre></blockquote>", 12);
    assert_eq!(texts(&lines), vec!["│ 0123456789", "│ ↪ abcdef"]);
}

#[test]
fn code_lines_fit_every_width_and_keep_their_text() {
    let code = "fn main() {\n\tlet 名前 = \"日本語のテキストと漢字がたくさん\";\t// wide\n\n  \t\tx\t= \"👨\u{200d}👩\u{200d}👧 e\u{301}\"; if a   &lt; b { return; }\n}";
    let html = format!("<pre>{code}</pre>");
    let expected: Vec<String> =
        crate::text::html::expand_tabs(&code.replace("&lt;", "<")).split('\n').map(str::to_owned).collect();
    assert!(expected[1].starts_with("    let 名前"), "tabs expand to 4-column stops");
    for width in 1..=60 {
        let context = format!("code at width {width}");
        let lines = lines_of(&html, width);
        assert_well_formed(&lines, width, &context);
        assert!(lines.iter().all(|l| l.kind == LineKind::Code), "{context}");
        assert!(lines.iter().flat_map(|l| &l.spans).all(|s| s.style.code), "{context}");
        let want: Vec<String> = if width == 1 {
            // One column cannot show a two-column glyph.
            expected.iter().map(|l| wrap::narrow(l).into_owned()).collect()
        } else {
            expected.clone()
        };
        let marker = continuation_marker(width);
        if marker.is_empty() {
            // Too narrow for a marker: cut, nothing lost.
            assert_eq!(texts(&lines).concat(), want.concat(), "{context}");
        } else {
            assert_eq!(code_source(&lines, marker), want, "{context}: {:#?}", texts(&lines));
            // Every line that is not a source line's start carries the marker, and a source
            // line is only continued once its first part is full (but for a wide character).
            let starts = lines.iter().filter(|l| l.spans.first().is_none_or(|s| s.text != marker)).count();
            assert_eq!(starts, expected.len(), "{context}");
            for pair in lines.windows(2) {
                if pair[1].spans.first().is_some_and(|s| s.text == marker) {
                    assert!(pair[0].width() + 1 >= width, "{context}: {:?} cut short", pair[0].text());
                }
            }
        }
    }
}

#[test]
fn code_blocks_built_by_hand_have_their_tabs_expanded() {
    let doc = Document { blocks: vec![Block::Code("\tx\t中\ty".to_owned())], links: Vec::new() };
    for width in 1..=12 {
        assert_well_formed(&reflow(&doc, width), width, &format!("width {width}"));
    }
    assert_eq!(texts(&reflow(&doc, 20)), vec!["    x   中  y"]);
}
