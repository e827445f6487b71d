use super::super::test_support::{SAMPLES, source_words};
use super::*;

fn doc(html: &str) -> Document {
    parse(html, None)
}

fn text(s: &str) -> Inline {
    Inline { text: s.to_owned(), style: Style::default() }
}

fn styled(s: &str, style: Style) -> Inline {
    Inline { text: s.to_owned(), style }
}

const BOLD: Style = Style { bold: true, italic: false, code: false, link: None };

fn link(n: u32) -> Style {
    Style { link: Some(n), ..Style::default() }
}

#[test]
fn whitespace_collapses_across_inline_elements() {
    let d = doc("<p>  one \n two <b> three </b>  four\t</p>");
    assert_eq!(
        d.blocks,
        vec![Block::Paragraph(vec![text("one two "), styled("three ", BOLD), text("four"),])]
    );
}

#[test]
fn br_is_a_newline_inline_and_trims_spaces_around_it() {
    let d = doc("<p>one <br> two<br/>three</p>");
    assert_eq!(
        d.blocks,
        vec![Block::Paragraph(vec![text("one"), text("\n"), text("two"), text("\n"), text("three"),])]
    );
    // Breaks at either end of a paragraph show nothing.
    assert_eq!(doc("<p><br>x<br></p>").blocks, vec![Block::Paragraph(vec![text("x")])]);
}

#[test]
fn loose_text_in_div_becomes_paragraphs_and_empty_ones_are_dropped() {
    let d = doc("<div>before<p>inside</p>after</div><p> </p><p>&nbsp;</p><div></div>");
    assert_eq!(
        d.blocks,
        vec![
            Block::Paragraph(vec![text("before")]),
            Block::Paragraph(vec![text("inside")]),
            Block::Paragraph(vec![text("after")]),
        ]
    );
}

#[test]
fn inline_styles() {
    let d =
        doc("<p><strong>b</strong><em>i</em><cite>c</cite><code>x</code><kbd>k</kbd><b><i>bi</i></b></p>");
    let Block::Paragraph(inlines) = &d.blocks[0] else {
        panic!("not a paragraph: {d:?}");
    };
    let styles: Vec<(bool, bool, bool)> =
        inlines.iter().map(|i| (i.style.bold, i.style.italic, i.style.code)).collect();
    assert_eq!(
        styles,
        vec![(true, false, false), (false, true, false), (false, false, true), (true, true, false)]
    );
    assert_eq!(d.plain_text(), "bicxkbi");
}

#[test]
fn q_adds_quotes_and_plain_inlines_keep_text() {
    let d = doc(
        "<p>He said <q>hi</q>, H<sub>2</sub>O, x<sup>2</sup>, <abbr>NASA</abbr> <mark>m</mark> <s>s</s></p>",
    );
    assert_eq!(d.plain_text(), "He said \u{201c}hi\u{201d}, H2O, x2, NASA m s");
}

#[test]
fn headings_keep_their_level() {
    let d = doc("<h1>One</h1><h3>Three <i>it</i></h3><h6>Six</h6><h2> </h2>");
    let levels: Vec<u8> = d
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, .. } => Some(*level),
            _ => None,
        })
        .collect();
    assert_eq!(levels, vec![1, 3, 6]);
    assert_eq!(d.plain_text(), "One\nThree it\nSix");
}

#[test]
fn lists_nest_and_ordered_lists_start_where_asked() {
    let d =
        doc("<ol start=\"7\"><li>a</li><li>b<ul><li>c</li></ul></li></ol><ol start=\"x\"><li>d</li></ol>");
    assert_eq!(
        d.blocks[0],
        Block::List {
            ordered: true,
            start: 7,
            items: vec![
                vec![Block::Paragraph(vec![text("a")])],
                vec![
                    Block::Paragraph(vec![text("b")]),
                    Block::List {
                        ordered: false,
                        start: 1,
                        items: vec![vec![Block::Paragraph(vec![text("c")])]],
                    },
                ],
            ],
        }
    );
    assert!(matches!(d.blocks[1], Block::List { start: 1, .. }));
}

#[test]
fn stray_list_content_is_kept() {
    let d = doc("<ul>lead<li>a</li>tail <b>bold</b></ul>");
    assert_eq!(d.plain_text(), "lead\na\ntail bold");
}

#[test]
fn definition_lists_indent_the_description() {
    let d = doc("<dl><dt>Term</dt><dd>Meaning</dd></dl>");
    assert_eq!(
        d.blocks,
        vec![
            Block::Paragraph(vec![text("Term")]),
            Block::Indented(vec![Block::Paragraph(vec![text("Meaning")])]),
        ]
    );
}

#[test]
fn pre_keeps_whitespace_and_expands_tabs() {
    let d = doc("<pre>\n  a  b\n\tc\nxy\tz\n<code>if x &lt; 1 {</code>\n</pre>");
    assert_eq!(d.blocks, vec![Block::Code("  a  b\n    c\nxy  z\nif x < 1 {".to_owned())]);
    assert_eq!(expand_tabs("中\tx"), "中  x");
}

#[test]
fn rules_quotes_and_images() {
    let d = doc(
        "<hr><blockquote><p>q</p></blockquote><p><img src=a alt=' A  cat '></p><figure><img src=b></figure>",
    );
    assert_eq!(
        d.blocks,
        vec![
            Block::Rule,
            Block::Quote(vec![Block::Paragraph(vec![text("q")])]),
            Block::Image { alt: "A cat".to_owned() },
            Block::Image { alt: String::new() },
        ]
    );
}

#[test]
fn inline_and_linked_images_stay_in_text() {
    let d = doc("<p>see <img alt=x> here</p><p><a href='http://e.com/'><img alt=y></a></p>");
    assert_eq!(
        d.blocks,
        vec![
            Block::Paragraph(vec![text("see [image: x] here")]),
            Block::Paragraph(vec![styled("[image: y]", link(1))]),
        ]
    );
}

#[test]
fn an_image_touching_text_is_set_apart_by_one_space() {
    let one = |html: &str| doc(html).blocks;
    let para = |s: &str| vec![Block::Paragraph(vec![text(s)])];
    assert_eq!(one("<p><img alt=\"Logo\" src=\"x.png\">Today we…</p>"), para("[image: Logo] Today we…"));
    assert_eq!(one("<p>Intro<img alt=x>more</p>"), para("Intro [image: x] more"));
    // Spaces already there are not doubled, however they are written.
    assert_eq!(one("<p>Intro <img alt=x> more</p>"), para("Intro [image: x] more"));
    assert_eq!(one("<p>Intro\n  <img alt=x>\n\t more</p>"), para("Intro [image: x] more"));
    assert_eq!(one("<p>Intro&nbsp;<img alt=x>&nbsp;more</p>"), para("Intro\u{a0}[image: x]\u{a0}more"));
    assert_eq!(
        one("<p>a<br><img alt=x><br>b</p>")[0],
        Block::Paragraph(vec![text("a"), text("\n"), text("[image: x]"), text("\n"), text("b"),])
    );
    // Punctuation hugs it as it would a word.
    assert_eq!(
        one("<p>(see <img alt=chart>). Then<img>, “<img alt=q>”</p>"),
        para("(see [image: chart]). Then [image], “[image: q]”")
    );
    // Across elements; the space takes only the style both sides share.
    assert_eq!(
        one("<p><b>bold<img alt=x></b>Next</p>"),
        vec![Block::Paragraph(vec![styled("bold [image: x]", BOLD), text(" Next"),])]
    );
    assert_eq!(
        one("<p><a href='http://e.com/1'><img alt=a></a><a href='http://e.com/2'><img alt=b></a>Text</p>"),
        vec![Block::Paragraph(vec![
            styled("[image: a]", link(1)),
            text(" "),
            styled("[image: b]", link(2)),
            text(" Text"),
        ])]
    );
    // Images on their own are still image blocks.
    assert_eq!(
        one("<p><img alt=a><img alt=b></p>"),
        vec![Block::Image { alt: "a".to_owned() }, Block::Image { alt: "b".to_owned() },]
    );
}

#[test]
fn images_in_flat_text_are_set_apart_too() {
    assert_eq!(
        doc("<pre>a<img alt=x>b\n<img alt=y> c</pre>").blocks,
        vec![Block::Code("a [image: x] b\n[image: y] c".to_owned())]
    );
    // Past the nesting limit the text is read flat, with the same spacing.
    let deep = format!("{}a<img alt=x>b{}", "<span>".repeat(150), "</span>".repeat(150));
    assert_eq!(doc(&deep).plain_text(), "a [image: x] b");
}

#[test]
fn links_are_numbered_resolved_and_reused() {
    let base = Url::parse("https://example.com/blog/post.html").expect("base");
    let d = parse(
        "<p><a href='/a'>A</a> <a href='b.html'>B</a> <a href='https://example.com/a'>A again</a> \
         <a href='#top'>top</a> <a href='javascript:alert(1)'>js</a> <a href='data:text/html,x'>data</a> \
         <a href='mailto:me@example.com'>mail</a> <a href='//cdn.example.org/x'>cdn</a> <a>none</a> \
         <a href='file:///etc/passwd'>file</a> <a href='gemini://g.example/'>gem</a></p>",
        Some(&base),
    );
    assert_eq!(
        d.links,
        vec![
            "https://example.com/a",
            "https://example.com/blog/b.html",
            "mailto:me@example.com",
            "https://cdn.example.org/x",
            "gemini://g.example/",
        ]
    );
    let Block::Paragraph(inlines) = &d.blocks[0] else {
        panic!("not a paragraph: {d:?}");
    };
    let numbered: Vec<(&str, Option<u32>)> =
        inlines.iter().filter(|i| i.text.trim() != "").map(|i| (i.text.trim(), i.style.link)).collect();
    assert_eq!(&numbered[..3], &[("A", Some(1)), ("B", Some(2)), ("A again", Some(1))]);
    assert!(numbered.contains(&("top js data", None)));
}

#[test]
fn relative_links_without_base_are_kept_as_written() {
    let d = doc("<a href=' /posts/2 '>two</a> <a href='https://e.com'>abs</a>");
    assert_eq!(d.links, vec!["/posts/2", "https://e.com/"]);
}

#[test]
fn links_without_text_get_no_number() {
    let d = doc("<p><a href='https://e.com/empty'></a>text <a href='https://e.com/x'>x</a></p>");
    assert_eq!(d.links, vec!["https://e.com/x"]);
    assert_eq!(d.blocks, vec![Block::Paragraph(vec![text("text "), styled("x", link(1))])]);
}

#[test]
fn media_becomes_a_label_with_a_link() {
    let d = doc("<video src='https://e.com/v.mp4'>fallback</video>\
         <audio><source src='https://e.com/a.mp3'></audio>\
         <iframe src='https://www.youtube.com/embed/x'></iframe>\
         <iframe src='https://maps.example/'></iframe><embed src='https://e.com/e.swf'>\
         <video>no source</video>");
    assert_eq!(d.plain_text(), "[video][audio][video][embedded][embedded]");
    assert_eq!(d.links.len(), 5);
}

#[test]
fn skipped_elements_leave_no_text() {
    let d = doc("<script>alert(1)</script><style>p{}</style><noscript>ns</noscript><template>t</template>\
         <svg><text>svg</text></svg><math><mi>x</mi></math><object>obj</object><button>btn</button>\
         <form><label>Name</label><input value=v><select><option>o</option></select><textarea>ta</textarea></form><p>kept</p>");
    assert_eq!(d.plain_text(), "Name\nkept");
}

#[test]
fn full_documents_work_too() {
    let d =
        doc("<!DOCTYPE html><html><head><title>Title</title><meta charset=utf-8><style>b{}</style></head>\
         <body><h1>Head</h1><p>Body</p></body></html>");
    assert_eq!(d.plain_text(), "Head\nBody");
}

#[test]
fn tables_keep_rows_cells_and_header_rows() {
    let d = doc("<table><caption>Cap</caption><thead><tr><th>A</th><th>B</th></tr></thead>\
         <tbody><tr><th>row</th><td>1</td></tr><tr><td>x<br>y</td><td></td></tr></tbody></table>");
    assert_eq!(d.blocks[0], Block::Paragraph(vec![text("Cap")]));
    let Block::Table { rows, header_rows } = &d.blocks[1] else {
        panic!("not a table: {d:?}");
    };
    assert_eq!(*header_rows, 1);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2][0], vec![text("x"), text("\n"), text("y")]);
    assert!(rows[2][1].is_empty());
    // Without a thead, leading all-<th> rows are headers.
    let d =
        doc("<table><tr><th>H</th></tr><tr><th>H2</th></tr><tr><td>v</td></tr><tr><th>z</th></tr></table>");
    assert!(matches!(d.blocks[0], Block::Table { header_rows: 2, .. }));
}

#[test]
fn single_cell_layout_tables_are_read_as_blocks() {
    let d = doc("<table><tr><td><h2>Title</h2><p>Para</p></td></tr></table>");
    assert!(matches!(d.blocks[0], Block::Heading { level: 2, .. }));
    assert_eq!(d.blocks[1], Block::Paragraph(vec![text("Para")]));
}

#[test]
fn controls_are_removed_from_text_alt_and_href() {
    let d = doc("<p>a\u{1b}[31mred\u{1b}[0m &#x1b;]0;title&#7;b \u{9b}2J\u{202e}c\u{2066}</p>\
         <p><img alt='x\u{1b}]52;c;AAAA\u{7}y\u{202e}'></p>\
         <p><a href='https://e.com/\u{1b}[2Jp\u{202e}q'>l</a></p><pre>\u{1b}[1mcode\u{85}</pre>");
    assert_eq!(d.plain_text(), "ared b c\nxy\nl\ncode");
    assert_eq!(d.links, vec!["https://e.com/pq"]);
    for c in d.plain_text().chars().chain(d.links.concat().chars()) {
        assert!(!c.is_control() || c == '\n', "control {c:?} survived");
    }
}

#[test]
fn entities_are_decoded_by_the_parser() {
    let d = doc("<p>Tom &amp; Jerry &lt;3 &eacute; &#x41;&#66; &nbsp;&hellip; &bogus;</p>");
    assert_eq!(d.plain_text(), "Tom & Jerry <3 é AB \u{a0}… &bogus;");
}

#[test]
fn plain_text_reads_every_block() {
    let d = doc("<h2>T</h2><p>p <a href='https://e.com'>l</a></p><blockquote>q</blockquote>\
         <ul><li>i1</li><li>i2</li></ul><pre>c  c</pre><hr><table><tr><td>a</td><td>b</td></tr></table>\
         <p><img alt=pic></p><dl><dd>dd</dd></dl>");
    assert_eq!(d.plain_text(), "T\np l\nq\ni1\ni2\nc  c\na\tb\npic\ndd");
    assert!(!d.is_empty());
    assert!(doc("  <p> </p><script>x</script>").is_empty());
}

#[test]
fn deep_nesting_neither_overflows_nor_loses_text() {
    let depth = 1_000;
    let html = format!("{}deep <b>text</b>{}", "<div><span>".repeat(depth), "</span></div>".repeat(depth));
    let d = doc(&html);
    assert_eq!(d.plain_text(), "deep text");
    let html = format!("{}x{}", "<blockquote>".repeat(depth), "</blockquote>".repeat(depth));
    assert_eq!(doc(&html).plain_text(), "x");
}

#[test]
fn every_source_word_survives_parsing() {
    for html in SAMPLES {
        let plain = doc(html).plain_text();
        let joined: String = plain.split_whitespace().collect();
        let mut rest = joined.as_str();
        for word in source_words(html) {
            let at =
                rest.find(&word).unwrap_or_else(|| panic!("{word:?} missing or out of order in {plain:?}"));
            rest = &rest[at + word.len()..];
        }
    }
}
