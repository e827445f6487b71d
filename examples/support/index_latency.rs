//! "Read also" and search latency on an indexed cache, and where the time goes: the slowest
//! calls are replayed step by step with the library's own SQL on a plain connection (the
//! steps of `Store::related_scored` and the statement `Store::articles` runs for a search).

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::{Connection, OptionalExtension as _, params};
use tidings::domain::{Article, ArticleFilter, ArticleId};
use tidings::index::related::{self, Candidate, Subject};
use tidings::index::vector::term_hash;
use tidings::index::{RelatedConfig, TermVector, Weights};
use tidings::store::Store;

use crate::feedgen::Rng;
use crate::newsgen::World;

/// Related articles asked for (the reader's list).
const RELATED: usize = 6;
/// Calls made first and not counted (SQLite's page cache and the statement cache warm up).
const WARM_UP: usize = 10;
/// The slowest calls replayed step by step.
const REPLAYED: usize = 20;
/// From `store/search.rs`: terms looked up per article, rows per term, candidates scored.
const QUERY_TERMS: usize = 12;
const PER_TERM: i64 = 1500;
const CANDIDATES: usize = 250;

/// The one search call measured: the ranked search of the reader's `/` and `tidings search`
/// (its first 50 results).
fn search(store: &Store, query: &str) -> Result<usize> {
    let parsed = tidings::index::SearchQuery::parse(query);
    Ok(store.search(&parsed, 50)?.articles.len())
}

/// "Read also" on random articles.
pub struct Related {
    /// Milliseconds per call.
    pub ms: Vec<f64>,
    /// Results per call.
    pub results: Vec<usize>,
    /// Results telling the subject's own story, of all results: for subjects among the newest
    /// tenth of the articles, and for the older ones.
    pub same_story: (f64, f64),
    /// The slowest calls replayed: mean milliseconds per step.
    pub steps: Vec<(&'static str, f64)>,
    /// Index lookups of the replayed calls by the term's document frequency: (bucket, lookups,
    /// mean ms, mean rows).
    pub lookups: Vec<(&'static str, usize, f64, f64)>,
}

/// The newest article's date plus ten minutes: "now" for ranking, as when the cache was filled.
fn now_of(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT max(published) FROM articles", [], |r| r.get::<_, i64>(0))? + 600)
}

/// The article number `k` the generator made this article from (its link ends in it).
fn number(article: &Article) -> Option<u64> {
    article.summary.link.as_deref()?.rsplit('/').next()?.parse().ok()
}

/// Opens a plain connection configured as the store's.
fn plain(db: &Path) -> Result<Connection> {
    let conn = Connection::open(db)?;
    conn.pragma_update(None, "cache_size", -8192)?;
    Ok(conn)
}

/// `related_scored(article, 6, now, default)` for `n` random articles (seeded).
pub fn related(db: &Path, world: &World, n: usize, seed: u64) -> Result<Related> {
    let store = Store::open(db)?;
    let conn = plain(db)?;
    let now = now_of(&conn)?;
    let (lo, hi): (i64, i64) =
        conn.query_row("SELECT min(id), max(id) FROM articles", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut rng = Rng::new(seed ^ 0x05e1_a7ed);
    let mut articles = Vec::with_capacity(n + WARM_UP);
    while articles.len() < n + WARM_UP {
        if let Some(a) = store.article(ArticleId(rng.range(lo as usize, hi as usize + 1) as i64))? {
            articles.push(a);
        }
    }
    let config = RelatedConfig::default();
    let mut timed: Vec<(f64, usize)> = Vec::with_capacity(n);
    let mut results = Vec::with_capacity(n);
    // (same story, results) for the newest tenth of the subjects and for the others.
    let mut same = [(0usize, 0usize); 2];
    let newest_tenth = hi - (hi - lo) / 10;
    for (i, article) in articles.iter().enumerate() {
        let started = Instant::now();
        let list = store.related_scored(article, RELATED, now, &config)?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        if i < WARM_UP {
            continue;
        }
        timed.push((ms, i));
        results.push(list.len());
        let story = number(article).map(|k| world.story_of(k));
        let group = &mut same[usize::from(article.summary.id.0 <= newest_tenth)];
        group.1 += list.len();
        group.0 += list
            .iter()
            .filter(|(s, _)| {
                s.link.as_deref().and_then(|l| l.rsplit('/').next()?.parse().ok()).map(|k| world.story_of(k))
                    == story
            })
            .count();
        if timed.len().is_multiple_of(100) {
            eprintln!("  read also: {} / {n}", timed.len());
        }
    }
    let ms: Vec<f64> = timed.iter().map(|t| t.0).collect();
    timed.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut replay = Replay::default();
    for &(_, i) in timed.iter().take(REPLAYED) {
        replay_related(&conn, &articles[i], now, &mut replay)?;
    }
    let share = |(s, n): (usize, usize)| s as f64 / n.max(1) as f64;
    Ok(Related {
        ms,
        same_story: (share(same[0]), share(same[1])),
        results,
        steps: replay.steps(),
        lookups: replay.lookups(),
    })
}

/// Time per step of the replayed calls, and every index lookup with the term's frequency.
#[derive(Default)]
struct Replay {
    calls: usize,
    steps: Vec<(&'static str, Duration)>,
    lookups: Vec<(i64, Duration, usize)>,
}

impl Replay {
    fn add(&mut self, step: &'static str, took: Duration) {
        match self.steps.iter_mut().find(|(s, _)| *s == step) {
            Some((_, d)) => *d += took,
            None => self.steps.push((step, took)),
        }
    }

    /// Adds the time since `clock` to `step` and restarts the clock.
    fn lap(&mut self, step: &'static str, clock: &mut Instant) {
        self.add(step, clock.elapsed());
        *clock = Instant::now();
    }

    fn steps(&self) -> Vec<(&'static str, f64)> {
        let n = self.calls.max(1) as f64;
        self.steps.iter().map(|(s, d)| (*s, d.as_secs_f64() * 1e3 / n)).collect()
    }

    fn lookups(&self) -> Vec<(&'static str, usize, f64, f64)> {
        let buckets: [(&'static str, i64); 5] = [
            ("df < 1k", 1_000),
            ("1k–10k", 10_000),
            ("10k–50k", 50_000),
            ("50k–200k", 200_000),
            ("≥ 200k", i64::MAX),
        ];
        let mut lower = 0;
        let mut out = Vec::new();
        for (name, upper) in buckets {
            let group: Vec<&(i64, Duration, usize)> =
                self.lookups.iter().filter(|(df, _, _)| (lower..upper).contains(df)).collect();
            lower = upper;
            if group.is_empty() {
                continue;
            }
            let n = group.len() as f64;
            let ms = group.iter().map(|(_, d, _)| d.as_secs_f64() * 1e3).sum::<f64>() / n;
            let rows = group.iter().map(|(_, _, r)| *r as f64).sum::<f64>() / n;
            out.push((name, group.len(), ms, rows));
        }
        out
    }
}

/// One `related_scored` call, step by step (the code of `store/search.rs`, timed).
fn replay_related(conn: &Connection, article: &Article, now: i64, replay: &mut Replay) -> Result<()> {
    replay.calls += 1;
    let s = &article.summary;
    let mut clock = Instant::now();
    let text = tidings::index::index_text(article.body_html());
    let analysis = tidings::index::analyze::analyze(&s.title, &text, &Weights::default());
    replay.lap("analyse the article (language, stems)", &mut clock);
    let blob: Option<Vec<u8>> = conn
        .prepare_cached("SELECT terms FROM article_vectors WHERE article_id = ?1")?
        .query_row([s.id.0], |r| r.get(0))
        .optional()?;
    let vector = blob.map(|b| TermVector::decode(&b)).unwrap_or_default();
    replay.lap("read its stored vector", &mut clock);
    let mut terms: Vec<(&str, f32)> = analysis
        .terms
        .iter()
        .map(|(t, _)| (t.as_str(), vector.weight(term_hash(t))))
        .filter(|(_, w)| *w > 0.0)
        .collect();
    terms.sort_by(|a, b| b.1.total_cmp(&a.1));
    terms.truncate(QUERY_TERMS);
    let mut weight: HashMap<i64, f32> = HashMap::new();
    for (term, w) in &terms {
        let df: i64 = conn
            .prepare_cached("SELECT df FROM term_df WHERE term = ?1")?
            .query_row([term_hash(term)], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let started = Instant::now();
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        let ids: Vec<i64> = stmt
            .query_map(params![format!("\"{}\"", term.replace('"', "")), PER_TERM], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        replay.lookups.push((df, started.elapsed(), ids.len()));
        for id in ids {
            *weight.entry(id).or_default() += w;
        }
    }
    clock = Instant::now();
    let mut ids: Vec<(i64, f32)> = weight.into_iter().collect();
    ids.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.0.cmp(&a.0)));
    ids.truncate(CANDIDATES);
    let lookups: Duration = replay.lookups.iter().rev().take(terms.len()).map(|l| l.1).sum();
    replay.add("index lookups (12 terms × ≤ 1500 rows)", lookups);
    replay.lap("merge and keep 250 candidates", &mut clock);
    let mut candidates = Vec::with_capacity(ids.len());
    let mut stmt = conn.prepare_cached(
        "SELECT a.published, a.title, a.link, v.terms FROM articles a
         JOIN article_vectors v ON v.article_id = a.id WHERE a.id = ?1",
    )?;
    for &(id, _) in &ids {
        let row = stmt
            .query_row([id], |r| {
                Ok(Candidate {
                    id,
                    published: r.get(0)?,
                    title: r.get(1)?,
                    link: r.get(2)?,
                    vector: TermVector::decode(&r.get::<_, Vec<u8>>(3)?),
                })
            })
            .optional()?;
        candidates.extend(row);
    }
    replay.lap("read 250 candidates (row + vector each)", &mut clock);
    let subject = Subject {
        id: s.id.0,
        title: &s.title,
        link: s.link.as_deref(),
        published: s.published.timestamp(),
        vector: &vector,
    };
    let ranked = related::rank(subject, &candidates, now, &RelatedConfig::default(), RELATED);
    replay.lap("rank (cosines, feedback, diversity)", &mut clock);
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.feed_id, coalesce(f.user_title, f.feed_title, f.url), a.title, a.link, a.author,
         a.published, a.read, a.starred FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1",
    )?;
    for (id, _) in ranked {
        stmt.query_row([id], |r| r.get::<_, i64>(0)).optional()?;
    }
    replay.lap("read the 6 summaries", &mut clock);
    Ok(())
}

/// One search, timed.
pub struct Timed {
    /// What its words are (see [`crate::newsgen::Query`]).
    pub kind: &'static str,
    /// Whether its last word is cut short.
    pub prefix: bool,
    /// Milliseconds.
    pub ms: f64,
    /// Articles listed.
    pub results: usize,
}

/// A slow query replayed on a plain connection.
pub struct Replayed {
    /// The words.
    pub query: String,
    /// The FTS5 expression the library makes of them.
    pub expression: String,
    /// Milliseconds of the whole statement.
    pub statement: f64,
    /// Milliseconds of the statement with the last word's stemmed forms matched exactly rather
    /// than as prefixes (see [`exact_stems`]).
    pub exact_stems: f64,
    /// Milliseconds of the newest 50 matches in the index's own order (`ORDER BY rowid DESC
    /// LIMIT 50` on the FTS5 table: ids follow arrival), without sorting every match by date.
    pub newest_by_rowid: f64,
    /// The same with no prefix at all (every form a whole term): the reader searches when the
    /// query is submitted, so its last word is complete.
    pub whole_newest: f64,
    /// Milliseconds of the FTS5 match alone (counting its rows).
    pub fts: f64,
    /// Articles the match yields.
    pub matching: i64,
    /// Milliseconds of `Store::counts` for the same view (the reader counts each view it shows).
    pub counts: f64,
}

/// Search latency.
pub struct Search {
    /// Every query.
    pub queries: Vec<Timed>,
    /// The slowest queries, replayed.
    pub slowest: Vec<Replayed>,
    /// The query plan of the search statement.
    pub plan: Vec<String>,
}

/// `n` generated queries through [`search`].
pub fn searches(db: &Path, world: &World, articles: usize, n: usize, seed: u64) -> Result<Search> {
    let store = Store::open(db)?;
    let queries = world.queries(n + WARM_UP, articles, seed);
    let mut out = Vec::with_capacity(n);
    for (i, q) in queries.iter().enumerate() {
        let started = Instant::now();
        let found = search(&store, &q.text)?;
        if i >= WARM_UP {
            let ms = started.elapsed().as_secs_f64() * 1e3;
            out.push((Timed { kind: q.kind, prefix: q.prefix, ms, results: found }, i));
        }
    }
    let mut by_time: Vec<&(Timed, usize)> = out.iter().collect();
    by_time.sort_by(|a, b| b.0.ms.total_cmp(&a.0.ms));
    let conn = plain(db)?;
    let langs = store.index_languages()?;
    let sql = "SELECT a.id, a.feed_id, coalesce(f.user_title, f.feed_title, f.url), a.title, a.link, a.author, \
               a.published, a.read, a.starred FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE 1 \
               AND a.id IN (SELECT rowid FROM article_index WHERE article_index MATCH ?1) \
               ORDER BY a.published DESC, a.id DESC LIMIT 50";
    let plan = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?
        .query_map(["x"], |r| r.get::<_, String>(3))?
        .collect::<rusqlite::Result<_>>()?;
    let mut slowest = Vec::new();
    for q in by_time.iter().take(10) {
        let text = &queries[q.1].text;
        let expr = tidings::index::SearchQuery::parse(text).match_expression(&langs).unwrap_or_default();
        let started = Instant::now();
        conn.prepare_cached(sql)?.query_map([&expr], |r| r.get::<_, i64>(0))?.for_each(drop);
        let whole = started.elapsed().as_secs_f64() * 1e3;
        let started = Instant::now();
        let rows: i64 = conn.query_row(
            "SELECT count(*) FROM article_index WHERE article_index MATCH ?1",
            [&expr],
            |r| r.get(0),
        )?;
        let fts = started.elapsed().as_secs_f64() * 1e3;
        let filter = ArticleFilter { search: Some(text.clone()), ..ArticleFilter::default() };
        let started = Instant::now();
        store.counts(&filter)?;
        let counts = started.elapsed().as_secs_f64() * 1e3;
        let exact = exact_stems(text, &langs);
        let started = Instant::now();
        conn.prepare_cached(sql)?.query_map([&exact], |r| r.get::<_, i64>(0))?.for_each(drop);
        let exact_ms = started.elapsed().as_secs_f64() * 1e3;
        let started = Instant::now();
        conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 ORDER BY rowid DESC LIMIT 50",
        )?
        .query_map([&expr], |r| r.get::<_, i64>(0))?
        .for_each(drop);
        let newest_by_rowid = started.elapsed().as_secs_f64() * 1e3;
        let whole_expr = exact_stems(text, &langs).replace("\"*", "\"");
        let started = Instant::now();
        conn.prepare_cached(
            "SELECT rowid FROM article_index WHERE article_index MATCH ?1 ORDER BY rowid DESC LIMIT 50",
        )?
        .query_map([&whole_expr], |r| r.get::<_, i64>(0))?
        .for_each(drop);
        let whole_newest = started.elapsed().as_secs_f64() * 1e3;
        slowest.push(Replayed {
            query: text.clone(),
            expression: expr,
            statement: whole,
            exact_stems: exact_ms,
            newest_by_rowid,
            whole_newest,
            fts,
            matching: rows,
            counts,
        });
    }
    Ok(Search { queries: out.into_iter().map(|(t, _)| t).collect(), slowest, plan })
}

/// The match expression an earlier search built (every word in any form, the last one a
/// prefix in all of them) with one change: the
/// last word is a prefix only as typed; its stemmed forms match whole terms. The stem of a cut
/// word is shorter than the word and, as a prefix, matches far more (`thes` → `"the"*`).
fn exact_stems(query: &str, languages: &[tidings::index::Lang]) -> String {
    let words: Vec<&str> = query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let forms: Vec<String> = tidings::index::analyze::query_forms(w, languages)
                .iter()
                .enumerate()
                .map(|(j, f)| if i == last && j == 0 { format!("\"{f}\"*") } else { format!("\"{f}\"") })
                .collect();
            if forms.len() == 1 { forms.concat() } else { format!("({})", forms.join(" OR ")) }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}
