//! The killfile: its in-memory matcher agrees with the search, and rules in config.toml hide
//! or mark read the articles a refresh brings, with a way back.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "../examples/support/relevance.rs"]
mod relevance;

use std::collections::BTreeSet;

use common::Env;
use common::server::{Route, TestServer};
use serde_json::Value;
use tidings::index::{ArticleText, SearchQuery};

/// The key proof: on the hand-labelled articles, every query finds exactly the same articles
/// whether run as SQL over the full-text index or judged article by article in memory.
#[test]
fn the_matcher_agrees_with_the_search_on_the_relevance_data() {
    let mut docs = relevance::set_a();
    docs.extend(relevance::set_b().0);
    let dir = tempfile::tempdir().unwrap();
    let mut l = relevance::load(&dir.path().join("agree.db"), &docs);
    relevance::index_all(&mut l.store);
    let languages = l.store.index_languages().unwrap();
    let feeds = l.store.feeds().unwrap();
    let articles: Vec<_> = l.labels.keys().map(|id| l.store.article(*id).unwrap().unwrap()).collect();
    let texts: Vec<String> = articles.iter().map(|a| tidings::index::index_text(a.body_html())).collect();
    // Built once: each article's text is analysed on first need and kept.
    let judged: Vec<(String, ArticleText<'_>)> = articles
        .iter()
        .zip(&texts)
        .map(|(a, text)| {
            let s = &a.summary;
            let feed = feeds.iter().find(|f| f.id == s.feed_id).unwrap();
            let mut t = ArticleText::new(&s.title, text);
            t.author = s.author.as_deref();
            t.feed_id = feed.id.0;
            t.feed_url = &feed.url;
            t.feed_title = &feed.title;
            t.tags = &feed.tags;
            t.published = s.published.timestamp();
            t.read = s.read;
            t.starred = s.starred;
            (l.labels[&s.id].clone(), t)
        })
        .collect();

    let mut queries: Vec<String> = relevance::queries().into_iter().map(|q| q.query).collect();
    // Each query's words one at a time, and with its first word excluded instead.
    for q in relevance::queries() {
        let words: Vec<&str> =
            q.query.split_whitespace().filter(|w| !w.contains(':') && !w.contains('"')).collect();
        queries.extend(words.iter().map(|w| (*w).to_string()));
        if let [first, rest @ ..] = words.as_slice()
            && !rest.is_empty()
        {
            queries.push(format!("{} -{first}", rest.join(" ")));
        }
    }
    // Two title words of every seventh article, as a phrase and as words.
    for d in docs.iter().step_by(7) {
        let words: Vec<&str> = d.title.split_whitespace().take(2).collect();
        queries.push(format!("\"{}\"", words.join(" ")));
        queries.push(words.join(" "));
    }
    queries.extend(
        [
            "the",
            "strikes",
            "the strikes",
            "bank* -central",
            "\"central bank\" rates",
            "vaccin*",
            "élections",
            "author:a",
            "feed:wire reef",
            "after:2026-11-01 before:2026-11-15",
        ]
        .map(String::from),
    );

    let (mut compared, mut nonempty) = (0, 0);
    for q in &queries {
        let parsed = SearchQuery::parse(q);
        let by_sql: BTreeSet<String> = l
            .store
            .search(&parsed, 100_000)
            .unwrap()
            .articles
            .iter()
            .map(|(a, _)| l.labels[&a.id].clone())
            .collect();
        let in_memory: BTreeSet<String> = judged
            .iter()
            .filter(|(_, t)| parsed.matches(t, &languages))
            .map(|(label, _)| label.clone())
            .collect();
        assert_eq!(in_memory, by_sql, "query {q:?}: memory (left) and search (right) differ");
        compared += 1;
        nonempty += usize::from(!by_sql.is_empty());
    }
    assert!(
        compared >= 100 && nonempty * 10 >= compared * 8,
        "{nonempty} of {compared} queries found something"
    );
}

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text).unwrap().as_array().unwrap().clone()
}

fn titles(env: &Env, args: &[&str]) -> BTreeSet<String> {
    json(&env.run_ok(args)).iter().map(|a| a["title"].as_str().unwrap().to_string()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn rules_hide_and_mark_read_new_articles_and_kill_apply_brings_them_back() {
    let server = TestServer::start();
    let env = Env::new();
    let body = common::rss(
        "Daily",
        &[
            ("k1", "Crypto exchange collapses"),
            ("k2", "Striking dock workers block the port"),
            ("k3", "Cup final goes to penalties"),
            ("k4", "Reef survey finds recovery"),
        ],
    );
    server.set("/daily.xml", Route::feed(body));
    env.run_ok(&["add", "--no-fetch", &server.url("/daily.xml"), "--tag", "news"]);
    env.config(
        "[[kill]]\nquery = \"crypto*\"\ncomment = \"not interested\"\n\n\
         [[kill]]\nquery = \"strikes\"\naction = \"read\"\n\n\
         [[kill]]\nquery = \"penalties tag:sport\"\n",
    );
    env.run_ok(&["refresh"]);

    let all = titles(&env, &["articles", "--json"]);
    assert_eq!(
        all,
        set(&[
            "Striking dock workers block the port",
            "Cup final goes to penalties",
            "Reef survey finds recovery"
        ]),
        "the crypto article is hidden; the sport rule needs a tag the feed lacks"
    );
    let unread = titles(&env, &["articles", "--unread", "--json"]);
    assert!(
        !unread.contains("Striking dock workers block the port"),
        "\"strikes\" marked it read: {unread:?}"
    );
    assert_eq!(env.run_ok(&["unread"]), "2\n", "hidden and read articles are not unread");
    let feeds = json(&env.run_ok(&["feeds", "--json"]));
    assert_eq!((feeds[0]["unread"].as_i64(), feeds[0]["total"].as_i64()), (Some(2), Some(3)));
    assert!(titles(&env, &["search", "--json", "collapses"]).is_empty(), "search leaves hidden ones out");
    assert_eq!(titles(&env, &["search", "--json", "is:hidden"]), set(&["Crypto exchange collapses"]));
    assert_eq!(titles(&env, &["articles", "--hidden", "--json"]), set(&["Crypto exchange collapses"]));

    // New rules, then none: `kill --apply` judges the cache again; nothing is lost. The hidden
    // crypto article now only matches a "read" rule: shown again, read.
    env.config("[[kill]]\nquery = \"reef\"\n[[kill]]\nquery = \"crypto*\"\naction = \"read\"\n");
    let dry = env.run_ok(&["kill"]);
    assert!(dry.contains("1 would be hidden, 1 would be marked read, 1 would be shown again"), "{dry}");
    assert_eq!(
        titles(&env, &["articles", "--hidden", "--json"]),
        set(&["Crypto exchange collapses"]),
        "dry run"
    );
    let done = env.run_ok(&["kill", "--apply"]);
    assert!(
        done.contains("4 articles checked against 2 rules: 1 hidden, 1 marked read, 1 shown again"),
        "{done}"
    );
    assert_eq!(titles(&env, &["articles", "--hidden", "--json"]), set(&["Reef survey finds recovery"]));
    assert!(!titles(&env, &["articles", "--unread", "--json"]).contains("Crypto exchange collapses"));
    assert_eq!(env.run_ok(&["unread"]), "1\n", "only the cup final is unread and shown");
    env.config("");
    env.run_ok(&["kill", "--apply"]);
    assert_eq!(titles(&env, &["articles", "--json"]).len(), 4, "every article is back");
    assert_eq!(env.run_ok(&["unread"]), "2\n", "the reef article is unread again in the counts");
    assert!(titles(&env, &["articles", "--hidden", "--json"]).is_empty());
}

#[test]
fn a_bad_rule_is_a_configuration_error_naming_its_line() {
    let env = Env::new();
    env.config("[[kill]]\nquery = \"ok\"\n\n[[kill]]\nquery = \"before:soon\"\n");
    let out = env.cmd().arg("articles").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("config.toml:5: kill.query: before:soon: not a date"), "{err}");
}
