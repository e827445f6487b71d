//! `import --newsboat [DIR]`.

use std::path::Path;

use anyhow::Result;

use super::{Context, Out};
use crate::import::newsboat::{self, NewsboatError, Report};

pub(super) fn import(ctx: &Context, out: &mut Out, dir: Option<&Path>, json: bool) -> Result<()> {
    let sources = newsboat::locate(dir)?;
    let mut store = ctx.open_store()?;
    let report = newsboat::import(&mut store, &sources, &ctx.config.retention).map_err(|e| match e {
        // tidings' own database: exit code 4, like every other command.
        NewsboatError::Store(e) => anyhow::Error::from(e),
        other => anyhow::Error::from(other),
    })?;
    if json {
        return out.json(&report);
    }
    for line in summary(&report) {
        out.line(line)?;
    }
    Ok(())
}

/// The report as lines for a person.
fn summary(r: &Report) -> Vec<String> {
    let from = match &r.cache {
        Some(cache) => format!("{} and {}", r.urls.display(), cache.display()),
        None => r.urls.display().to_string(),
    };
    let mut lines = vec![format!(
        "Imported from newsboat ({from}): {} feed{} ({} already subscribed), {} article{} ({} new): {} read, {} starred",
        count(r.feeds),
        plural(r.feeds),
        count(r.feeds_present),
        count(r.articles),
        plural(r.articles),
        count(r.articles_new),
        count(r.read),
        count(r.starred),
    )];
    let mut skipped = Vec::new();
    for rej in &r.rejected {
        skipped.push(format!("urls line {}: {} ({})", rej.line, rej.what, rej.reason));
    }
    if r.skipped_retention > 0 {
        skipped.push(format!(
            "{} article{} older or more than [retention] keeps (starred ones are always kept)",
            count(r.skipped_retention),
            plural(r.skipped_retention)
        ));
    }
    if r.skipped_unsubscribed > 0 {
        skipped.push(format!(
            "the cached articles of {} feed{} no longer in the urls file",
            count(r.skipped_unsubscribed),
            plural(r.skipped_unsubscribed)
        ));
    }
    if r.deleted_as_read > 0 {
        lines.push(format!(
            "{} article{} deleted in newsboat came in read (tidings deletes no article its feed still has)",
            count(r.deleted_as_read),
            plural(r.deleted_as_read)
        ));
    }
    if !skipped.is_empty() {
        lines.push("Skipped:".into());
        lines.extend(skipped.into_iter().map(|s| format!("  {s}")));
    }
    if r.cache.is_none() {
        lines.push("No cache.db was found beside the urls file: only subscriptions were imported.".into());
    }
    if r.feeds > r.feeds_present {
        lines.push("Run `tidings refresh` to fetch the feeds' latest articles.".into());
    }
    lines
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `1234567` as `1,234,567`.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1234), "1,234");
        assert_eq!(count(1_234_567), "1,234,567");
    }

    #[test]
    fn the_summary_says_what_was_imported_and_skipped() {
        let r = Report {
            urls: "/n/urls".into(),
            cache: Some("/n/cache.db".into()),
            feeds: 12,
            feeds_present: 3,
            articles: 1234,
            articles_new: 1200,
            read: 1000,
            starred: 12,
            deleted_as_read: 2,
            rejected: vec![crate::feed::subscriptions::Rejected {
                line: 4,
                what: "query:Unread:unread = \"yes\"".into(),
                reason: "newsboat `query` feeds are not supported".into(),
            }],
            ..Report::default()
        };
        let lines = summary(&r);
        assert_eq!(
            lines[0],
            "Imported from newsboat (/n/urls and /n/cache.db): 12 feeds (3 already subscribed), \
             1,234 articles (1,200 new): 1,000 read, 12 starred"
        );
        assert!(lines[1].starts_with("2 articles deleted in newsboat came in read"), "{lines:?}");
        assert_eq!(lines[2], "Skipped:");
        assert!(lines[3].contains("urls line 4") && lines[3].contains("query"), "{lines:?}");
        assert!(lines.last().is_some_and(|l| l.contains("tidings refresh")), "{lines:?}");
    }
}
