//! `F`: fetching an article's full text, its progress, its failure, and switching back to the
//! feed's text.

use super::*;
use crate::domain::FullText;

/// The worker's answer with the full text of the open article.
fn fetched_ok(s: &mut State) -> Vec<Effect> {
    let open = s.article.as_ref().expect("an article is shown");
    let mut a = article(&open.summary, 1);
    a.full_text = Some(FullText {
        html: "<p>The whole story, from its page.</p>".into(),
        url: "https://example.org/1".into(),
        fetched: now(),
    });
    let prepared = crate::text::article::prepare(&a);
    let (id, title) = (open.id, open.summary.title.clone());
    update(s, Msg::FullTextFetched { id, title, result: Ok(Box::new((a, prepared))) })
}

fn shown_text(s: &State) -> String {
    s.article
        .as_ref()
        .unwrap()
        .lines
        .iter()
        .map(crate::text::reflow::Line::text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn f_without_an_article_says_what_it_needs() {
    // One pane at a time: nothing is shown until an article is opened.
    let mut s = state_with(3, (80, 24), false);
    let fx = act(&mut s, Action::FullText);
    assert!(fx.is_empty());
    assert!(status(&s).starts_with("Open an article first"), "{}", status(&s));
}

#[test]
fn f_fetches_shows_progress_then_the_full_text() {
    let mut s = state_with(3, (100, 30), false);
    act(&mut s, Action::Open);
    loaded(&mut s, 2);
    let fx = act(&mut s, Action::FullText);
    assert_eq!(fx, vec![Effect::FetchFullText { id: ArticleId(1) }]);
    assert_eq!(s.status.full_text, vec![(ArticleId(1), "Article 1".to_string())]);
    // A second F while it runs does not fetch again.
    assert!(act(&mut s, Action::FullText).is_empty());
    assert!(status(&s).starts_with("Still fetching"), "{}", status(&s));
    fetched_ok(&mut s);
    assert!(s.status.full_text.is_empty());
    let text = shown_text(&s);
    assert!(text.contains("The whole story, from its page."), "{text}");
    assert!(text.contains("Full text from example.org"), "{text}");
    assert!(status(&s).contains("from example.org"), "{}", status(&s));
}

#[test]
fn a_failure_keeps_the_feeds_text_and_says_why() {
    let mut s = state_with(3, (100, 30), false);
    act(&mut s, Action::Open);
    loaded(&mut s, 2);
    let before = shown_text(&s);
    act(&mut s, Action::FullText);
    let why = "fetching https://example.org/1 failed: the server answered 404 Not Found".to_string();
    update(&mut s, Msg::FullTextFetched { id: ArticleId(1), title: "Article 1".into(), result: Err(why) });
    assert_eq!(shown_text(&s), before);
    assert!(s.status.full_text.is_empty());
    assert_eq!(
        status(&s),
        "No full text for “Article 1”: fetching https://example.org/1 failed: the server answered 404 Not Found. \
         The feed's text stays"
    );
}

#[test]
fn f_on_the_full_text_switches_to_the_feeds_text_and_back() {
    let mut s = state_with(3, (100, 30), false);
    act(&mut s, Action::Open);
    loaded(&mut s, 2);
    act(&mut s, Action::FullText);
    fetched_ok(&mut s);
    let fx = act(&mut s, Action::FullText);
    assert_eq!(fx, vec![Effect::ShowArticleText { req: s.article_req, id: ArticleId(1), full_text: false }]);
    // The feed's text arrives (the worker left the full text out).
    loaded(&mut s, 2);
    assert!(!shown_text(&s).contains("Full text from"));
    let fx = act(&mut s, Action::FullText);
    assert_eq!(fx, vec![Effect::ShowArticleText { req: s.article_req, id: ArticleId(1), full_text: true }]);
}

#[test]
fn an_answer_for_an_article_left_meanwhile_only_says_so() {
    let mut s = state_with(3, (100, 30), false);
    act(&mut s, Action::Open);
    loaded(&mut s, 2);
    act(&mut s, Action::FullText);
    act(&mut s, Action::Back);
    act(&mut s, Action::Down);
    act(&mut s, Action::Open);
    loaded(&mut s, 2);
    let mut a = article(&row(1, 1, false), 1);
    a.full_text =
        Some(FullText { html: "<p>x</p>".into(), url: "https://example.org/1".into(), fetched: now() });
    let prepared = crate::text::article::prepare(&a);
    update(
        &mut s,
        Msg::FullTextFetched {
            id: ArticleId(1),
            title: "Article 1".into(),
            result: Ok(Box::new((a, prepared))),
        },
    );
    assert_eq!(s.article.as_ref().unwrap().id, ArticleId(2));
    assert!(!shown_text(&s).contains("Full text from"));
    assert_eq!(status(&s), "The full text of “Article 1” is stored (from example.org)");
}
