//! `F`: the full text of the open article. Without one, its page is fetched (on the worker's
//! network thread, beside a running refresh) while the status line says so; the article is
//! shown again with the full text when it arrives, and on failure the feed's text stays and the
//! message says why. With the full text shown, `F` switches to the feed's own text and back
//! (from the cache: a reader comparing the two, or finding the extraction worse than the feed,
//! expects a toggle, not a second download).

use super::effect::Effect;
use super::state::State;
use crate::domain::{Article, ArticleId};
use crate::text::article::Prepared;

/// The `full_text` action.
pub fn toggle(s: &mut State, fx: &mut Vec<Effect>) {
    let Some(open) = &s.article else {
        s.info("Open an article first: F fetches its full text from its page");
        return;
    };
    let (id, title) = (open.id, open.summary.title.clone());
    if open.summary.link.is_none() {
        s.info("This article has no link: there is no page to fetch its full text from");
        return;
    }
    if s.status.full_text.iter().any(|(busy, _)| *busy == id) {
        s.info(format!("Still fetching the full text of “{title}”"));
        return;
    }
    let shown = open.article.as_ref().is_some_and(|a| a.0.full_text.is_some());
    if shown || open.feed_text {
        let to_full = !shown;
        s.article_req = s.next_req();
        fx.push(Effect::ShowArticleText { req: s.article_req, id, full_text: to_full });
        if let Some(open) = &mut s.article {
            open.feed_text = !to_full;
        }
        s.info(if to_full {
            "The full text (F: the feed's text)"
        } else {
            "The feed's text (F: the full text)"
        });
        return;
    }
    // The status line shows the fetch while it runs.
    s.status.full_text.push((id, title));
    fx.push(Effect::FetchFullText { id });
}

/// The worker fetched (or failed to fetch) an article's full text.
pub fn fetched(s: &mut State, id: ArticleId, title: &str, result: Result<Box<(Article, Prepared)>, String>) {
    s.status.full_text.retain(|(busy, _)| *busy != id);
    match result {
        Ok(article) => {
            let from = article.0.full_text.as_ref().map_or_else(String::new, |f| host_of(&f.url));
            let open = s.article.as_mut().filter(|a| a.id == id);
            match open {
                Some(open) => {
                    // The list's copy knows the latest marks.
                    let mut article = article;
                    article.0.summary = open.summary.clone();
                    open.article = Some(article);
                    open.feed_text = false;
                    open.lines_width = 0;
                    // A load of the feed's text still on its way must not replace this.
                    s.article_req = s.next_req();
                    super::article::reflow(s);
                    s.info(format!("The full text of “{title}” from {from} (F: the feed's text)"));
                }
                None => s.info(format!("The full text of “{title}” is stored (from {from})")),
            }
        }
        Err(why) => s.error(format!("No full text for “{title}”: {why}. The feed's text stays")),
    }
}

/// `gazette.example` for `https://gazette.example/a/1`.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string())
}
