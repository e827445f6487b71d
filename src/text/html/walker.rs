//! Walking the element tree into blocks.

use std::collections::HashMap;

use scraper::node::Element;
use scraper::{ElementRef, Node};
use url::Url;

use super::super::sanitize::{clean_text, single_line};
use super::builder::{Builder, space_after_image, space_before_image};
use super::{Block, Inline, Style, image_label};

/// Elements nested deeper than this are read as plain text, without recursion.
const MAX_DEPTH: usize = 100;

/// What an element means to the walker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Skip,
    Container,
    Heading(u8),
    Quote,
    List { ordered: bool },
    ListItem,
    Indent,
    Pre,
    Rule,
    Table,
    Break,
    Image,
    Media(&'static str),
    Bold,
    Italic,
    Code,
    Link,
    Quoted,
    Plain,
}

impl Kind {
    /// `style` with this inline element's emphasis added.
    fn emphasis(self, style: Style) -> Style {
        Style {
            bold: style.bold || self == Kind::Bold,
            italic: style.italic || self == Kind::Italic,
            code: style.code || self == Kind::Code,
            link: style.link,
        }
    }
}

fn classify(name: &str) -> Kind {
    match name {
        "script" | "style" | "noscript" | "template" | "head" | "title" | "svg" | "math" | "object"
        | "button" | "input" | "select" | "textarea" | "option" | "optgroup" | "datalist" | "source"
        | "track" | "colgroup" | "col" | "meta" | "link" | "base" | "param" | "area" | "canvas"
        | "frameset" | "frame" => Kind::Skip,
        "html" | "body" | "p" | "div" | "section" | "article" | "main" | "header" | "footer" | "aside"
        | "nav" | "figure" | "figcaption" | "address" | "details" | "summary" | "center" | "fieldset"
        | "legend" | "hgroup" | "form" | "dl" | "dt" | "search" | "dialog" | "caption" | "thead"
        | "tbody" | "tfoot" | "tr" | "td" | "th" => Kind::Container,
        "h1" => Kind::Heading(1),
        "h2" => Kind::Heading(2),
        "h3" => Kind::Heading(3),
        "h4" => Kind::Heading(4),
        "h5" => Kind::Heading(5),
        "h6" => Kind::Heading(6),
        "blockquote" => Kind::Quote,
        "ul" | "menu" | "dir" => Kind::List { ordered: false },
        "ol" => Kind::List { ordered: true },
        "li" => Kind::ListItem,
        "dd" => Kind::Indent,
        "pre" | "listing" | "xmp" | "plaintext" => Kind::Pre,
        "hr" => Kind::Rule,
        "table" => Kind::Table,
        "br" => Kind::Break,
        "img" => Kind::Image,
        "video" => Kind::Media("[video]"),
        "audio" => Kind::Media("[audio]"),
        "iframe" | "embed" => Kind::Media("[embedded]"),
        "b" | "strong" => Kind::Bold,
        "i" | "em" | "cite" | "dfn" | "var" => Kind::Italic,
        "code" | "kbd" | "samp" | "tt" => Kind::Code,
        "a" => Kind::Link,
        "q" => Kind::Quoted,
        _ => Kind::Plain,
    }
}

/// Walks the element tree, numbering links.
pub(super) struct Walker<'b> {
    base: Option<&'b Url>,
    links: Vec<String>,
    numbers: HashMap<String, u32>,
}

impl<'b> Walker<'b> {
    /// A walker resolving relative links against `base`.
    pub(super) fn new(base: Option<&'b Url>) -> Self {
        Walker { base, links: Vec::new(), numbers: HashMap::new() }
    }

    /// The numbered links, `[1]` first.
    pub(super) fn into_links(self) -> Vec<String> {
        self.links
    }

    pub(super) fn children(&mut self, el: ElementRef<'_>, style: Style, out: &mut Builder, depth: usize) {
        for node in el.children() {
            match node.value() {
                Node::Text(text) => out.push_text(text, style),
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(node) {
                        self.element(child, style, out, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    pub(super) fn element(&mut self, el: ElementRef<'_>, style: Style, out: &mut Builder, depth: usize) {
        let kind = classify(el.value().name());
        if depth > MAX_DEPTH && kind != Kind::Skip {
            out.push_text(&flat_text(el), style);
            return;
        }
        match kind {
            Kind::Skip => {}
            Kind::Container => {
                out.flush();
                self.children(el, style, out, depth);
                out.flush();
            }
            Kind::Heading(level) => {
                let content = self.inline_content(el, style, depth);
                if !content.is_empty() {
                    out.push_block(Block::Heading { level, content });
                }
            }
            Kind::Quote => {
                let blocks = self.sub_blocks(el, style, depth);
                if !blocks.is_empty() {
                    out.push_block(Block::Quote(blocks));
                }
            }
            Kind::Indent => {
                let blocks = self.sub_blocks(el, style, depth);
                if !blocks.is_empty() {
                    out.push_block(Block::Indented(blocks));
                }
            }
            Kind::List { ordered } => self.list(el, ordered, style, out, depth),
            Kind::ListItem => {
                let item = self.sub_blocks(el, style, depth);
                if !item.is_empty() {
                    let items = vec![item];
                    out.push_block(Block::List { ordered: false, start: 1, items });
                }
            }
            Kind::Pre => push_pre(el, out),
            Kind::Rule => out.push_block(Block::Rule),
            Kind::Table => self.table(el, style, out, depth),
            Kind::Break => out.push_break(style),
            Kind::Image => out.push_image(alt_text(el.value()), style),
            Kind::Media(label) => self.media(el, label, style, out),
            Kind::Link => self.link(el, style, out, depth),
            Kind::Quoted => {
                out.push_text("\u{201c}", style);
                self.children(el, style, out, depth);
                out.push_text("\u{201d}", style);
            }
            Kind::Bold | Kind::Italic | Kind::Code | Kind::Plain => {
                self.children(el, kind.emphasis(style), out, depth);
            }
        }
    }

    /// The blocks inside `el`, built apart from the surrounding paragraph.
    fn sub_blocks(&mut self, el: ElementRef<'_>, style: Style, depth: usize) -> Vec<Block> {
        let mut inner = Builder::default();
        self.children(el, style, &mut inner, depth);
        inner.finish()
    }

    /// The content of `el` as inline text; nested blocks are joined with line breaks.
    pub(super) fn inline_content(&mut self, el: ElementRef<'_>, style: Style, depth: usize) -> Vec<Inline> {
        flatten(self.sub_blocks(el, style, depth), style)
    }

    fn list(&mut self, el: ElementRef<'_>, ordered: bool, style: Style, out: &mut Builder, d: usize) {
        out.flush();
        let start =
            el.attr("start").and_then(|s| s.trim().parse::<u64>().ok()).filter(|_| ordered).unwrap_or(1);
        let mut items: Vec<Vec<Block>> = Vec::new();
        // Content between the items (invalid, but it happens) joins the item before it.
        let mut stray = Builder::default();
        for node in el.children() {
            match ElementRef::wrap(node) {
                Some(li) if li.value().name() == "li" => {
                    attach_stray(std::mem::take(&mut stray), &mut items, out);
                    items.push(self.sub_blocks(li, style, d + 1));
                }
                Some(child) => self.element(child, style, &mut stray, d + 1),
                None => {
                    if let Node::Text(text) = node.value() {
                        stray.push_text(text, style);
                    }
                }
            }
        }
        attach_stray(stray, &mut items, out);
        if items.iter().any(|item| !item.is_empty()) {
            out.push_block(Block::List { ordered, start, items });
        }
    }

    fn link(&mut self, el: ElementRef<'_>, style: Style, out: &mut Builder, depth: usize) {
        let known = self.links.len();
        let number = el.attr("href").and_then(|href| self.link_number(href));
        let pushed = out.pushed();
        let inner = Style { link: number.or(style.link), ..style };
        self.children(el, inner, out, depth);
        // A new link with no visible text could never be referred to: forget it.
        if out.pushed() == pushed
            && self.links.len() == known + 1
            && let Some(url) = self.links.pop()
        {
            self.numbers.remove(&url);
        }
    }

    fn media(&mut self, el: ElementRef<'_>, label: &'static str, style: Style, out: &mut Builder) {
        let src = el.attr("src").or_else(|| {
            el.child_elements().filter(|c| c.value().name() == "source").find_map(|c| c.attr("src"))
        });
        let Some(src) = src else { return };
        let number = self.link_number(src);
        let label = match (label, number) {
            ("[embedded]", Some(n))
                if self.links.get(n as usize - 1).is_some_and(|url| is_video_host(url)) =>
            {
                "[video]"
            }
            _ => label,
        };
        let style = Style { link: number.or(style.link), ..style };
        out.push_text(label, style);
    }

    /// The number of the link to `href`, allocating one for a new URL; `None` for fragments and
    /// schemes that are not worth following.
    fn link_number(&mut self, href: &str) -> Option<u32> {
        let url = resolve_link(href, self.base)?;
        if let Some(&number) = self.numbers.get(&url) {
            return Some(number);
        }
        let number = u32::try_from(self.links.len() + 1).ok()?;
        self.links.push(url.clone());
        self.numbers.insert(url, number);
        Some(number)
    }
}

/// Resolves and vets an `href`/`src` value.
fn resolve_link(href: &str, base: Option<&Url>) -> Option<String> {
    let href = single_line(href);
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = match Url::parse(&href) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => match base {
            Some(base) => base.join(&href).ok()?,
            None => return Some(href),
        },
        Err(_) => return None,
    };
    // Link schemes that get a number; anything else (`javascript:`, `data:` …) stays plain text.
    crate::text::address::LINK_SCHEMES.contains(&url.scheme()).then(|| clean_text(url.as_str()).into_owned())
}

/// Whether an embedded frame's URL is a video site.
fn is_video_host(url: &str) -> bool {
    let host = Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_owned));
    host.is_some_and(|h| {
        ["youtube.com", "youtu.be", "youtube-nocookie.com", "vimeo.com"]
            .iter()
            .any(|site| h == *site || h.ends_with(&format!(".{site}")))
    })
}

/// Stray list content goes to the last item, or before the list when there is none yet.
fn attach_stray(stray: Builder, items: &mut [Vec<Block>], out: &mut Builder) {
    let blocks = stray.finish();
    match items.last_mut() {
        Some(last) => last.extend(blocks),
        None => blocks.into_iter().for_each(|b| out.push_block(b)),
    }
}

/// Blocks as inline text, separated by line breaks.
fn flatten(blocks: Vec<Block>, style: Style) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let push_line = |out: &mut Vec<Inline>, inlines: Vec<Inline>| {
        if !out.is_empty() {
            out.push(Inline { text: "\n".to_owned(), style });
        }
        out.extend(inlines);
    };
    for block in blocks {
        match block {
            Block::Paragraph(inlines) | Block::Heading { content: inlines, .. } => {
                push_line(&mut out, inlines);
            }
            other => {
                let mut text = String::new();
                other.write_plain(&mut text);
                for line in text.lines().map(single_line).filter(|l| !l.is_empty()) {
                    push_line(&mut out, vec![Inline { text: line, style }]);
                }
            }
        }
    }
    out
}

/// Adds a `<pre>` block: the raw text, cleaned, tabs expanded, outer blank lines dropped.
fn push_pre(el: ElementRef<'_>, out: &mut Builder) {
    let raw = flat_text(el);
    let cleaned = clean_text(&raw);
    let expanded = expand_tabs(cleaned.trim_start_matches('\n').trim_end());
    if !expanded.trim().is_empty() {
        out.push_block(Block::Code(expanded));
    }
}

/// Expands tabs to 4-column stops, counting columns in display width.
pub(crate) fn expand_tabs(s: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    if !s.contains('\t') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut column = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                let spaces = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
            }
            '\n' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += c.width().unwrap_or(0);
            }
        }
    }
    out
}

/// The text under `el` as written (line breaks for `<br>`, labels for images, set apart from text
/// that touches them as in paragraphs), walked without recursion so that absurdly deep markup
/// cannot exhaust the stack.
fn flat_text(el: ElementRef<'_>) -> String {
    let mut out = String::new();
    let mut after_image = false;
    let mut stack = vec![el.children()];
    while let Some(top) = stack.last_mut() {
        let Some(node) = top.next() else {
            stack.pop();
            continue;
        };
        match node.value() {
            Node::Text(text) => {
                if after_image && text.chars().next().is_some_and(space_after_image) {
                    out.push(' ');
                }
                after_image &= text.is_empty();
                out.push_str(text);
            }
            Node::Element(element) => match classify(element.name()) {
                Kind::Skip => {}
                Kind::Break => {
                    out.push('\n');
                    after_image = false;
                }
                Kind::Image => {
                    if out.chars().next_back().is_some_and(space_before_image) {
                        out.push(' ');
                    }
                    out.push_str(&image_label(&alt_text(element)));
                    after_image = true;
                }
                _ => stack.push(node.children()),
            },
            _ => {}
        }
    }
    out
}

fn alt_text(element: &Element) -> String {
    single_line(element.attr("alt").unwrap_or(""))
}
