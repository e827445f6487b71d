//! The starter set offered on the welcome screen: well-known, reputable news and technology
//! feeds in several languages, each with a tag.

/// (feed URL, tag).
pub const FEEDS: &[(&str, &str)] = &[
    ("https://feeds.bbci.co.uk/news/world/rss.xml", "news"),
    ("https://feeds.npr.org/1001/rss.xml", "news"),
    ("https://www.theguardian.com/world/rss", "news"),
    ("https://www.lemonde.fr/rss/une.xml", "français"),
    ("https://www.spiegel.de/schlagzeilen/index.rss", "deutsch"),
    ("https://feeds.elpais.com/mrss-s/pages/ep/site/elpais.com/portada", "español"),
    ("https://www3.nhk.or.jp/rss/news/cat0.xml", "日本語"),
    ("https://www.nature.com/nature.rss", "science"),
    ("https://feeds.arstechnica.com/arstechnica/index", "tech"),
    ("https://lwn.net/headlines/rss", "tech"),
    ("https://news.ycombinator.com/rss", "tech"),
    ("https://blog.rust-lang.org/feed.xml", "tech"),
];
