//! A whole article as terminal lines: a header (title, feed, author, date, categories, reading
//! time, link, attachments), a rule, then the body. `tidings show` prints these lines and the
//! article pane draws them.
//!
//! Image enclosures are left out of the attachments: feeds attach the author's avatar or a
//! thumbnail that way, and a picture the terminal cannot show is not worth a header line
//! ([`Enclosure::is_image`](crate::domain::Enclosure::is_image)). Audio, video, documents and
//! anything else are listed.
//!
//! The work is split in two so that a resize never parses HTML: [`prepare`] parses the body once
//! (html5ever, on a worker thread if the caller likes) into a [`Prepared`] that holds everything
//! that does not depend on the width, and [`layout`] wraps it to a width. [`render`] does both.

use chrono::{DateTime, TimeZone, Utc};

use super::html::{Block, Document, Inline, Style};
use super::reflow::{Line, LineKind, Span, reflow};
use crate::domain::{Article, ArticleId};

/// Words read per minute, for the reading-time estimate.
const WORDS_PER_MINUTE: usize = 230;

/// An article's body, parsed once: what [`layout`] needs besides the article and a width.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// The article it was prepared from.
    article: ArticleId,
    /// The parsed body, with its numbered links.
    body: Document,
    /// Minutes to read the body.
    minutes: usize,
}

impl Prepared {
    /// The body's numbered links (`links()[0]` is `[1]`), the same at every width.
    pub fn links(&self) -> &[String] {
        &self.body.links
    }

    /// The parsed body.
    pub fn body(&self) -> &Document {
        &self.body
    }

    /// The id of the article this was prepared from, so a caller can tell whether a prepared
    /// body that arrives late still belongs to the article on screen.
    pub fn article_id(&self) -> ArticleId {
        self.article
    }

    /// Minutes to read the body, at least one.
    pub fn reading_minutes(&self) -> usize {
        self.minutes
    }
}

/// Parses the article's body once (the full text fetched from its page when there is one, else
/// the feed's content, else its summary), resolving relative links against the page the text
/// came from.
pub fn prepare(article: &Article) -> Prepared {
    let page = article.full_text.as_ref().map(|f| f.url.as_str()).filter(|u| !u.is_empty());
    let base = page.or(article.summary.link.as_deref()).and_then(|l| url::Url::parse(l).ok());
    let body = super::html::parse(article.reading_html(), base.as_ref());
    let minutes = reading_minutes(&body);
    Prepared { article: article.summary.id, body, minutes }
}

/// The article wrapped to `width` columns, with dates shown in `tz`: header, rule, body and the
/// list of links. `prepared` must come from [`prepare`] on the same article; no HTML is parsed
/// here. A width of 0 gives no lines.
pub fn layout<Tz: TimeZone>(article: &Article, prepared: &Prepared, width: usize, tz: &Tz) -> Vec<Line>
where
    Tz::Offset: std::fmt::Display,
{
    if width == 0 {
        return Vec::new();
    }
    let mut lines = header(article, prepared.minutes, width, tz);
    let rule_width = width.min(40);
    lines.push(Line { kind: LineKind::Rule, spans: vec![plain("─".repeat(rule_width))] });
    let body_lines = reflow(&prepared.body, width);
    if !body_lines.is_empty() {
        lines.push(Line { kind: LineKind::Blank, spans: Vec::new() });
        lines.extend(body_lines);
    }
    lines
}

/// The article wrapped to `width` columns, with dates shown in `tz` ([`prepare`], then
/// [`layout`]).
pub fn render<Tz: TimeZone>(article: &Article, width: usize, tz: &Tz) -> Vec<Line>
where
    Tz::Offset: std::fmt::Display,
{
    layout(article, &prepare(article), width, tz)
}

/// [`render`], plus the body's numbered links (`links[0]` is `[1]`). A width of 0 gives no lines
/// and no links.
pub fn render_with_links<Tz: TimeZone>(article: &Article, width: usize, tz: &Tz) -> (Vec<Line>, Vec<String>)
where
    Tz::Offset: std::fmt::Display,
{
    if width == 0 {
        return (Vec::new(), Vec::new());
    }
    let prepared = prepare(article);
    let lines = layout(article, &prepared, width, tz);
    (lines, prepared.body.links)
}

fn header<Tz: TimeZone>(article: &Article, minutes: usize, width: usize, tz: &Tz) -> Vec<Line>
where
    Tz::Offset: std::fmt::Display,
{
    let s = &article.summary;
    let mut meta: Vec<String> = Vec::new();
    let mut byline = s.feed_title.clone();
    if let Some(author) = s.author.as_deref().filter(|a| !a.is_empty()) {
        byline.push_str(" · ");
        byline.push_str(author);
    }
    meta.push(byline);
    let mut when = local(s.published, tz);
    if let Some(updated) = article.updated.filter(|u| u.timestamp() - s.published.timestamp() > 60) {
        when.push_str(&format!(" (updated {})", local(updated, tz)));
    }
    when.push_str(&format!(" · {minutes} min read"));
    meta.push(when);
    if !article.categories.is_empty() {
        meta.push(article.categories.join(", "));
    }
    if let Some(link) = &s.link {
        meta.push(link.clone());
    }
    if let Some(full) = &article.full_text {
        meta.push(full_text_marker(full, tz));
    }
    for (i, e) in attachments(article).enumerate() {
        // Number, type and size first: the URL, often long, wraps last.
        let details: Vec<String> = e.mime.iter().cloned().chain(e.length.map(human_size)).collect();
        let details = if details.is_empty() { String::new() } else { format!(" ({})", details.join(", ")) };
        meta.push(format!("Attachment {}{details}: {}", i + 1, e.url));
    }
    let mut blocks = vec![Block::Heading { level: 1, content: vec![inline(&s.title)] }];
    blocks.extend(meta.iter().map(|m| Block::Paragraph(vec![inline(m)])));
    let doc = Document { blocks, links: Vec::new() };
    // The header is compact: no blank lines between its parts, meta lines styled as such.
    reflow(&doc, width)
        .into_iter()
        .filter(|l| l.kind != LineKind::Blank)
        .map(|mut l| {
            if l.kind == LineKind::Text {
                l.kind = LineKind::Meta;
            }
            l
        })
        .collect()
}

/// `Full text from gazette.example, fetched Mon 2026-11-02 14:05`.
fn full_text_marker<Tz: TimeZone>(full: &crate::domain::FullText, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let parsed = url::Url::parse(&full.url).ok();
    let from = parsed.as_ref().and_then(url::Url::host_str).unwrap_or(full.url.as_str());
    format!("Full text from {from}, fetched {}", local(full.fetched, tz))
}

/// The enclosures listed as attachments (and played by `p`), numbered from 1 in this order:
/// all but images.
pub fn attachments(article: &Article) -> impl Iterator<Item = &crate::domain::Enclosure> {
    article.enclosures.iter().filter(|e| !e.is_image())
}

fn local<Tz: TimeZone>(t: DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    t.with_timezone(tz).format("%a %Y-%m-%d %H:%M").to_string()
}

/// Minutes to read the body, at least one.
pub fn reading_minutes(body: &Document) -> usize {
    let words = body.plain_text().split_whitespace().count();
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} bytes"),
    }
}

fn inline(text: &str) -> Inline {
    Inline { text: text.to_string(), style: Style::default() }
}

fn plain(text: String) -> Span {
    Span { text, style: Style::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ArticleId, ArticleSummary, Enclosure, FeedId};

    fn article(body: &str) -> Article {
        Article {
            summary: ArticleSummary {
                id: ArticleId(1),
                feed_id: FeedId(1),
                feed_title: "The Daily Example".into(),
                title: "A rather long headline about things that happened today in the world".into(),
                link: Some("https://news.example.com/2026/11/02/a-rather-long-headline".into()),
                author: Some("Ann Author".into()),
                published: Utc.with_ymd_and_hms(2026, 11, 2, 10, 30, 0).single().unwrap_or_default(),
                read: false,
                starred: false,
                story: None,
                sources: 0,
            },
            updated: None,
            categories: vec!["World".into(), "Politics".into()],
            summary_html: None,
            content_html: Some(body.into()),
            enclosures: vec![Enclosure {
                url: "https://cdn.example/a.mp3".into(),
                mime: Some("audio/mpeg".into()),
                length: Some(3 << 20),
            }],
            full_text: None,
        }
    }

    #[test]
    fn header_then_rule_then_body() {
        let a = article(
            "<p>First paragraph with a <a href=\"/more\">link</a>.</p><h2>Section</h2><p>Second.</p>",
        );
        let lines = render(&a, 50, &Utc);
        let text: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(lines[0].kind, LineKind::Heading(1));
        assert!(text.iter().any(|l| l == "The Daily Example · Ann Author"), "{text:#?}");
        assert!(text.iter().any(|l| l.starts_with("Mon 2026-11-02 10:30 · 1 min read")), "{text:#?}");
        assert!(text.iter().any(|l| l == "World, Politics"));
        assert!(text.join(" ").contains("(audio/mpeg, 3.0 MB)"), "{text:#?}");
        let rule = lines.iter().position(|l| l.kind == LineKind::Rule).unwrap();
        assert!(text[rule + 2].starts_with("First paragraph with a link [1]"), "{text:#?}");
        // Relative links resolve against the article's own link.
        assert!(text.iter().any(|l| l.contains("[1] https://news.example.com/more")), "{text:#?}");
        assert!(lines.iter().all(|l| l.width() <= 50));
    }

    #[test]
    fn every_width_fits() {
        let a = article(
            "<p>日本語のテキストと emoji 👩‍👩‍👧 and a very-long-unbreakable-word-that-goes-on-and-on</p>",
        );
        for width in 1..=60 {
            assert!(render(&a, width, &Utc).iter().all(|l| l.width() <= width), "width {width}");
        }
        assert!(render(&a, 0, &Utc).is_empty());
    }

    /// A body with a bit of everything the reflow distinguishes.
    const SAMPLE_BODY: &str = "<h2>Section</h2><p>Intro with a <a href='/one'>link</a> and \
        <b>bold</b> <i>words</i>, then 日本語のテキスト.</p><blockquote><p>A quote that wraps \
        over a few lines at narrow widths.</p></blockquote><ul><li>first</li><li>second \
        <a href='https://e.com/two'>two</a></li></ul><pre>fn main() {\n\tprintln!(\"hi\");\n}</pre>\
        <p><img alt='A chart'></p><table><tr><th>Name</th><th>Value</th></tr>\
        <tr><td>a</td><td>1</td></tr></table>";

    #[test]
    fn layout_at_any_width_equals_render() {
        let a = article(SAMPLE_BODY);
        let prepared = prepare(&a);
        let tz = chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        for width in [0, 1, 2, 7, 23, 40, 61, 80, 120] {
            let laid_out = layout(&a, &prepared, width, &tz);
            assert_eq!(laid_out, render(&a, width, &tz), "width {width}");
            let (lines, links) = render_with_links(&a, width, &tz);
            assert_eq!(lines, laid_out, "width {width}");
            if width > 0 {
                assert_eq!(links, prepared.links(), "width {width}");
            }
        }
        assert!(layout(&a, &prepared, 40, &tz).len() > 20, "the sample is laid out in full");
        assert_eq!(prepared.links(), ["https://news.example.com/one", "https://e.com/two"]);
        assert_eq!(prepared.article_id(), ArticleId(1));
    }

    #[test]
    fn layout_reads_the_prepared_body_not_the_html() {
        let mut a = article("<p>The prepared words.</p>");
        let prepared = prepare(&a);
        a.content_html = Some("<p>Changed after preparing.</p>".into());
        let text: Vec<String> = layout(&a, &prepared, 40, &Utc).iter().map(Line::text).collect();
        assert!(text.contains(&"The prepared words.".to_owned()), "{text:#?}");
        assert!(!text.iter().any(|l| l.contains("Changed")), "{text:#?}");
    }

    #[test]
    fn prepared_keeps_the_reading_time() {
        let a = article(&format!("<p>{}</p>", "word ".repeat(WORDS_PER_MINUTE * 2 + 1)));
        let prepared = prepare(&a);
        assert_eq!(prepared.reading_minutes(), 3);
        let text: Vec<String> = layout(&a, &prepared, 80, &Utc).iter().map(Line::text).collect();
        assert!(text.iter().any(|l| l.ends_with("· 3 min read")), "{text:#?}");
        assert_eq!(prepare(&article("")).reading_minutes(), 1);
    }

    #[test]
    fn prepared_can_be_kept_in_state_and_sent_between_threads() {
        fn assert_traits<T: Clone + std::fmt::Debug + PartialEq + Send + 'static>() {}
        assert_traits::<Prepared>();
        let a = article(SAMPLE_BODY);
        let prepared = std::thread::spawn(move || prepare(&a)).join().unwrap();
        assert_eq!(prepared.clone(), prepared);
        assert_eq!(prepared.body().links, prepared.links());
    }

    #[test]
    fn image_enclosures_are_not_listed_as_attachments() {
        let mut a = article("<p>Body.</p>");
        let enclosure = |url: &str, mime: Option<&str>| Enclosure {
            url: url.into(),
            mime: mime.map(Into::into),
            length: None,
        };
        a.enclosures = vec![
            enclosure("https://cdn.example/avatar.jpg", Some("image/jpeg")),
            enclosure("https://cdn.example/episode.mp3", Some("audio/mpeg")),
            enclosure("https://cdn.example/thumb.png?w=120", None),
            enclosure("https://cdn.example/talk.mp4", Some("video/mp4")),
            enclosure("https://cdn.example/slides.pdf", None),
            enclosure("https://cdn.example/banner.webp", Some("IMAGE/WEBP")),
        ];
        let text: Vec<String> = render(&a, 100, &Utc).iter().map(Line::text).collect();
        let attachments: Vec<&String> = text.iter().filter(|l| l.starts_with("Attachment ")).collect();
        assert_eq!(
            attachments,
            [
                "Attachment 1 (audio/mpeg): https://cdn.example/episode.mp3",
                "Attachment 2 (video/mp4): https://cdn.example/talk.mp4",
                "Attachment 3: https://cdn.example/slides.pdf",
            ],
            "{text:#?}"
        );
        assert!(!text.iter().any(|l| l.contains("avatar") || l.contains("thumb") || l.contains("banner")));
    }
}
