//! Deterministic synthetic feeds for benchmarks: RSS 2.0 and Atom mixed, non-ASCII titles,
//! realistic HTML bodies of 2–6 KB (paragraphs, links, lists, quotes, code).
#![allow(dead_code)]

/// A small deterministic generator (SplitMix64), so every run serves the same bytes.
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// Next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo).max(1) as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.range(0, items.len())]
    }
}

const WORDS: &[&str] = &[
    "market",
    "government",
    "climate",
    "election",
    "research",
    "energy",
    "security",
    "health",
    "city",
    "minister",
    "report",
    "economy",
    "science",
    "software",
    "football",
    "weather",
    "court",
    "budget",
    "council",
    "university",
    "startup",
    "satellite",
    "vaccine",
    "railway",
    "harbour",
    "festival",
    "policy",
    "Zürich",
    "Straße",
    "café",
    "naïve",
    "façade",
    "São",
    "Kraków",
    "Øresund",
    "Malmö",
];

const TITLE_WORDS: &[&str] = &[
    "Überraschung",
    "новости",
    "経済",
    "économie",
    "Regierung",
    "выборы",
    "気候",
    "señal",
    "Ελλάδα",
    "Türkiye",
    "budget",
    "talks",
    "storm",
    "record",
    "launch",
    "strike",
    "deal",
    "vote",
    "merger",
    "rescue",
];

/// One article body: HTML of roughly `target` bytes.
pub fn body(rng: &mut Rng, target: usize) -> String {
    let mut html = String::with_capacity(target + 512);
    let mut para = 0;
    while html.len() < target {
        para += 1;
        match para % 7 {
            3 => {
                html.push_str("<ul>");
                for _ in 0..rng.range(2, 5) {
                    html.push_str(&format!("<li>{}</li>", sentence(rng, 8)));
                }
                html.push_str("</ul>");
            }
            5 => html.push_str(&format!("<blockquote><p>{}</p></blockquote>", sentence(rng, 20))),
            6 => html.push_str("<pre><code>fn main() {\n    println!(\"hello\");\n}</code></pre>"),
            _ => {
                html.push_str("<p>");
                for s in 0..rng.range(2, 5) {
                    if s == 1 {
                        let n = rng.next() % 10_000;
                        html.push_str(&format!(
                            "<a href=\"https://news.example.com/story/{n}\">{}</a> ",
                            sentence(rng, 3)
                        ));
                    }
                    html.push_str(&sentence(rng, 14));
                    html.push(' ');
                }
                html.push_str("<em>Read more</em>.</p>");
            }
        }
    }
    html
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let n = rng.range(words / 2 + 1, words + 1);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(WORDS));
    }
    s.push('.');
    s
}

fn title(rng: &mut Rng, feed: usize, item: usize) -> String {
    let mut t = String::new();
    for i in 0..rng.range(4, 9) {
        if i > 0 {
            t.push(' ');
        }
        t.push_str(rng.pick(TITLE_WORDS));
    }
    format!("{t} — №{feed}-{item}")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Feed number `feed` with `items` items; even feeds are RSS 2.0, odd ones Atom.
pub fn feed(feed: usize, items: usize) -> (Vec<u8>, &'static str) {
    let mut rng = Rng::new(feed as u64 * 7919 + 17);
    let base = 1_790_000_000_i64; // a fixed clock: 2026-09
    let mut out = String::with_capacity(items * 5_000);
    let rss = feed.is_multiple_of(2);
    if rss {
        out.push_str(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
             <title>Feed №{feed} — Nachrichten</title><link>https://site{feed}.example.com/</link>\
             <description>Synthetic feed {feed}</description>\n"
        ));
    } else {
        out.push_str(&format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\
             <title>Feed №{feed} — новости</title><id>urn:feed:{feed}</id>\
             <link href=\"https://site{feed}.example.com/\"/><updated>2026-09-01T00:00:00Z</updated>\n"
        ));
    }
    for item in 0..items {
        let t = xml_escape(&title(&mut rng, feed, item));
        let target = rng.range(2_000, 6_000);
        let html = xml_escape(&body(&mut rng, target));
        let when = chrono::DateTime::from_timestamp(base - (item as i64) * 3_600 - feed as i64 * 60, 0)
            .unwrap_or_default();
        let link = format!("https://site{feed}.example.com/{item}");
        if rss {
            out.push_str(&format!(
                "<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{}</pubDate>\
                 <author>desk{feed}@example.com (Desk {feed})</author><category>World</category>\
                 <description>{html}</description></item>\n",
                when.to_rfc2822()
            ));
        } else {
            out.push_str(&format!(
                "<entry><title>{t}</title><link rel=\"alternate\" href=\"{link}\"/><id>urn:item:{feed}:{item}</id>\
                 <updated>{}</updated><author><name>Desk {feed}</name></author><category term=\"world\"/>\
                 <content type=\"html\">{html}</content></entry>\n",
                when.to_rfc3339()
            ));
        }
    }
    out.push_str(if rss { "</channel></rss>\n" } else { "</feed>\n" });
    (out.into_bytes(), if rss { "application/rss+xml" } else { "application/atom+xml" })
}
