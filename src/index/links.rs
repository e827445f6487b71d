//! Article links compared as a reader would: the same page whatever tracking parameters, scheme
//! or fragment a feed added.

use url::Url;

/// Query parameters that only say where a click came from.
fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_")
        || key.starts_with("at_")
        || key.starts_with("mc_")
        || key.starts_with("pk_")
        || matches!(
            key.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "igshid"
                | "ref"
                | "ref_src"
                | "ref_url"
                | "source"
                | "src"
                | "cmpid"
                | "ncid"
                | "ito"
                | "rss"
                | "feed"
                | "partner"
                | "share"
                | "smid"
                | "spm"
                | "_ga"
                | "guccounter"
                | "s_cid"
                | "wt.mc_id"
        )
}

/// The link with tracking parameters, the fragment and a trailing slash removed, the host in
/// lower case and `http` as `https`; `None` when it is not an absolute http(s) URL.
pub fn canonical_link(link: &str) -> Option<String> {
    let mut url = Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_fragment(None);
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let host = url.host_str()?.trim_start_matches("www.").to_ascii_lowercase();
    let path = url.path().trim_end_matches('/');
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("https://{host}{path}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_is_removed_and_the_rest_kept() {
        let same = [
            "https://news.example/2026/11/reef",
            "http://www.News.example/2026/11/reef/?utm_source=rss&utm_medium=feed",
            "https://news.example/2026/11/reef?at_medium=RSS&at_campaign=x#comments",
            "https://news.example/2026/11/reef?ref=rss",
        ];
        for link in same {
            assert_eq!(canonical_link(link).as_deref(), Some("https://news.example/2026/11/reef"), "{link}");
        }
        assert_eq!(
            canonical_link("https://news.example/story?id=42&utm_source=x").as_deref(),
            Some("https://news.example/story?id=42")
        );
        assert_eq!(canonical_link("mailto:a@b.example"), None);
        assert_eq!(canonical_link("not a link"), None);
    }
}
