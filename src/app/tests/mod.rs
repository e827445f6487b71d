//! `update` with no terminal, no database, no network: messages in, state and effects out.
//! Fixtures here; the tests by concern in the files beside.

mod feeds;
mod full_text;
mod keys;
mod links;
mod list;
mod marks;
mod popups;
mod reading;
mod top;

use chrono::{Duration, FixedOffset, TimeZone, Utc};

use super::action::Action;
use super::effect::Effect;
use super::msg::{Msg, PageKind, SidebarData};
use super::state::{Settings, State};
use super::update::update;
use crate::domain::{Article, ArticleId, ArticleSummary, Feed, FeedId};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).single().unwrap_or_default()
}

fn row(id: i64, feed: i64, read: bool) -> ArticleSummary {
    ArticleSummary {
        id: ArticleId(id),
        feed_id: FeedId(feed),
        feed_title: format!("Feed {feed}"),
        title: format!("Article {id}"),
        link: Some(format!("https://example.org/{id}")),
        author: None,
        published: now() - Duration::minutes(id),
        read,
        starred: false,
        story: None,
        sources: 0,
    }
}

/// A state at `size` whose list holds `n` rows (every third one read), loaded as a full first
/// page when `full`.
fn state_with(n: i64, size: (u16, u16), full: bool) -> State {
    state_with_settings(n, size, full, Settings::default())
}

fn state_with_settings(n: i64, size: (u16, u16), full: bool, settings: Settings) -> State {
    let mut s = State::new(settings, size, now(), FixedOffset::east_opt(0).unwrap());
    update(
        &mut s,
        Msg::SidebarLoaded(Box::new(sidebar_data(vec![feed(1, None), feed(2, None), feed(3, None)]))),
    );
    let fx = super::update::start(&mut s);
    let req = page_req(&fx).expect("start loads a page");
    let rows: Vec<ArticleSummary> = (1..=n).map(|i| row(i, 1 + i % 3, i % 3 == 0)).collect();
    let unread = rows.iter().filter(|r| !r.read).count() as u64;
    let kind = PageKind::Replace { from_end: false };
    update(&mut s, Msg::PageLoaded { req, kind, rows, full, counts: (n as u64, unread), notes: Vec::new() });
    s
}

fn feed(id: i64, error: Option<&str>) -> Feed {
    Feed {
        id: FeedId(id),
        title: format!("Feed {id}"),
        url: format!("https://feed{id}.example/rss"),
        site_url: None,
        tags: vec![],
        unread: 3,
        total: 5,
        last_fetch: Some(now() - Duration::minutes(90)),
        last_status: None,
        last_error: error.map(str::to_string),
        failures: u32::from(error.is_some()) * 3,
        source: None,
    }
}

fn sidebar_data(feeds: Vec<Feed>) -> SidebarData {
    let unread = feeds.iter().map(|f| f.unread).sum();
    let total = feeds.iter().map(|f| f.total).sum();
    SidebarData { feeds, tags: vec![("news".into(), 2)], unread, total, starred: 0, searches: vec![] }
}

/// The request number of the first page load among `fx`.
fn page_req(fx: &[Effect]) -> Option<u64> {
    fx.iter().find_map(|e| match e {
        Effect::LoadPage { req, .. } => Some(*req),
        _ => None,
    })
}

#[allow(clippy::format_collect)] // a test fixture
fn article(summary: &ArticleSummary, paragraphs: usize) -> Article {
    Article {
        summary: summary.clone(),
        updated: None,
        categories: vec![],
        summary_html: None,
        content_html: Some(
            (0..paragraphs)
                .map(|i| format!("<p>Paragraph {i} with <a href=\"https://l.example/{i}\">a link</a>.</p>"))
                .collect(),
        ),
        enclosures: vec![],
        full_text: None,
    }
}

/// The article's text arriving, as the worker sends it (parsed).
fn loaded(s: &mut State, paragraphs: usize) -> Vec<Effect> {
    let summary = s.article.as_ref().expect("an article is shown").summary.clone();
    let a = article(&summary, paragraphs);
    let prepared = crate::text::article::prepare(&a);
    let req = s.article_req;
    update(s, Msg::ArticleLoaded { req, article: Box::new((a, prepared)) })
}

fn act(s: &mut State, a: Action) -> Vec<Effect> {
    update(s, Msg::Action(a))
}

/// The user has read the status line: a few seconds pass and a key is pressed.
fn seen(s: &mut State) {
    s.now += Duration::seconds(5);
    s.messages.key_pressed(s.now);
}

/// What the status line shows.
fn status(s: &State) -> String {
    s.messages.current().map(|m| m.text.clone()).unwrap_or_default()
}

/// Whether `fx` loads an article's text.
fn loads_article(fx: &[Effect]) -> Option<ArticleId> {
    fx.iter().find_map(|e| match e {
        Effect::LoadArticle { id, .. } => Some(*id),
        _ => None,
    })
}
