//! Hostile input for the text pipeline: nesting tens of thousands of levels deep, a paragraph of
//! 100,000 links, a title of 100,000 `<script>` tags. Each must finish well within [`LIMIT`] on
//! a thread with a worker's stack (a stack overflow aborts the test binary). No speed is
//! asserted beyond that: `examples/hostile_html.rs` prints the figures.

use std::time::Duration;

use super::html::{Block, CUT_NOTE, Document, Inline, Style, parse, parse_within};
use super::reflow::reflow;
use super::sanitize::html_to_line;

/// Time allowed for one case (they take well under a second when linear).
const LIMIT: Duration = Duration::from_secs(60);

/// Runs `f` on a thread with a 2 MiB stack (tokio's blocking pool's) and returns its result;
/// fails the test when it takes longer than [`LIMIT`].
fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(LIMIT).unwrap_or_else(|e| panic!("{what} did not finish within {LIMIT:?}: {e}"))
}

#[test]
fn content_nested_100k_deep_is_read_in_time_with_its_text() {
    for (open, close) in [("<ul>", "</ul>"), ("<span><b>", "</b></span>"), ("<div>", "</div>")] {
        let html = format!("{}the innermost words{}", open.repeat(100_000), close.repeat(100_000));
        let text = within(open, move || parse(&html, None).plain_text());
        assert!(text.contains("the innermost words"), "{open}: {text}");
    }
    let html = format!(
        "{}the innermost cell{}",
        "<table><tr><td>".repeat(20_000),
        "</td></tr></table>".repeat(20_000)
    );
    let text = within("tables", move || parse(&html, None).plain_text());
    assert!(text.contains("the innermost cell"), "{text}");
}

#[test]
fn a_paragraph_of_100k_links_is_laid_out_in_time() {
    let n = 100_000;
    let inlines: Vec<Inline> = (1..=n)
        .flat_map(|i| {
            let link = Style { link: Some(i), ..Style::default() };
            [
                Inline { text: format!("link {i}"), style: link },
                Inline { text: " ".into(), style: Style::default() },
            ]
        })
        .collect();
    let links = (1..=n).map(|i| format!("https://e.example/{i}")).collect();
    let doc = Document { blocks: vec![Block::Paragraph(inlines)], links };
    let lines = within("the layout", move || reflow(&doc, 80));
    let text: Vec<String> = lines.iter().map(super::reflow::Line::text).collect();
    assert!(text.iter().any(|l| l.contains("link 100000 [100000]")), "the last link is shown");
    assert!(text.iter().any(|l| l.ends_with("https://e.example/100000")), "and listed");
}

#[test]
fn a_title_of_100k_script_tags_becomes_a_line_in_time() {
    let title = format!("A title{}", "<script></script>".repeat(100_000));
    let line = within("the title", move || html_to_line(&title));
    assert_eq!(line, "A title");
    // Comments and declarations that never end are text, searched for their end once.
    let title = format!("A <!-- b{}", " <!-- <!x <?y".repeat(100_000));
    let line = within("the comments", move || html_to_line(&title));
    assert!(line.starts_with("A <!-- b <!-- <!x <?y"), "{}", &line[..40]);
}

#[test]
fn a_parse_out_of_time_says_the_rest_is_left_out() {
    let html = "<p>Some text.</p>".repeat(10_000);
    let doc = parse_within(&html, None, Duration::ZERO);
    assert_eq!(
        doc.blocks.last(),
        Some(&Block::Paragraph(vec![Inline { text: CUT_NOTE.into(), style: Style::default() }]))
    );
    assert!(!parse(&html, None).plain_text().contains(CUT_NOTE), "in time, the text is whole");
}
