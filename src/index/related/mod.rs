//! "Read also": ranking the candidates the index found by how much of the article they share,
//! with a mild preference for recent ones, without copies, and without one story filling the
//! list.

mod bar;
mod check;

pub use bar::FLOOR;

use serde::{Deserialize, Serialize};

use super::links::canonical_link;
use super::vector::TermVector;

/// How related articles are ranked; `[related]` in config.toml.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelatedConfig {
    /// How much recency counts, from 0 (not at all) to 1 (an old article scores nothing).
    #[serde(deserialize_with = "check::weight")]
    pub recency_weight: f32,
    /// Age at which the recency part has halved, in days.
    #[serde(deserialize_with = "check::half_life")]
    pub half_life_days: f32,
    /// How much closeness in time to the article counts, from 0 to 1: a story published the
    /// same day is more likely the same event or its sequel than one from months apart.
    #[serde(deserialize_with = "check::weight")]
    pub proximity_weight: f32,
    /// Distance in time at which the closeness part has halved, in days.
    #[serde(deserialize_with = "check::half_life")]
    pub proximity_half_life_days: f32,
    /// Pseudo-relevance feedback: the query moves this far towards the best few candidates
    /// before the final scoring (0 turns it off).
    #[serde(deserialize_with = "check::weight")]
    pub feedback: f32,
    /// Similarity at and above which a candidate is a copy of the article (or of one already
    /// listed) and is left out.
    #[serde(deserialize_with = "check::similarity")]
    pub duplicate: f32,
    /// Similarity at and above which two candidates tell the same story.
    #[serde(deserialize_with = "check::similarity")]
    pub same_story: f32,
    /// Articles of one story listed before other stories get their turn.
    #[serde(deserialize_with = "check::at_least_one")]
    pub per_story: usize,
    /// How far above unrelated articles a suggestion must score to be listed, in standard
    /// deviations of their scores against the article (0 lists every match, however weak).
    #[serde(deserialize_with = "check::strictness")]
    pub strictness: f32,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        Self {
            recency_weight: 0.2,
            half_life_days: 30.0,
            proximity_weight: 0.3,
            proximity_half_life_days: 3.0,
            feedback: 0.3,
            duplicate: 0.9,
            same_story: 0.5,
            per_story: 6,
            strictness: 3.0,
        }
    }
}

/// The article the list is for.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: &'a str,
    /// Its link.
    pub link: Option<&'a str>,
    /// Its sort time, Unix seconds.
    pub published: i64,
    /// Its vector.
    pub vector: &'a TermVector,
}

/// An article the index found.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The article.
    pub id: i64,
    /// Its sort time, Unix seconds.
    pub published: i64,
    /// Its title.
    pub title: String,
    /// Its link.
    pub link: Option<String>,
    /// Its vector.
    pub vector: TermVector,
}

/// Terms a suggestion shares with the article, at least.
const MIN_SHARED: usize = 2;
/// Terms a text with no more than a headline has, at most.
const SHORT_TEXT: usize = 10;
/// Candidates fed back into the query.
const FEEDBACK_DOCS: usize = 3;

/// Up to `limit` candidates by relevance to `subject`, best first, with their scores. Only
/// those standing out from the rest of the candidates are listed (see [`bar::bar`]).
pub fn rank(
    subject: Subject<'_>,
    candidates: &[Candidate],
    now: i64,
    config: &RelatedConfig,
    limit: usize,
) -> Vec<(i64, f32)> {
    let own_link = subject.link.and_then(canonical_link);
    let title = subject.title.trim();
    let eligible: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.id != subject.id && !c.vector.is_empty())
        .filter(|c| title.is_empty() || !c.title.trim().eq_ignore_ascii_case(title))
        .filter(|c| own_link.is_none() || c.link.as_deref().and_then(canonical_link) != own_link)
        .collect();
    let mut scored: Vec<(f32, &Candidate)> = eligible
        .iter()
        .filter_map(|c| {
            let (cosine, shared) = subject.vector.overlap(&c.vector);
            // One word in common is a coincidence ("net" in a story on e-mail and one on
            // fishing), not a relation, unless the two are headlines of a few words; a copy
            // of the article is not a suggestion.
            let short = subject.vector.len().min(c.vector.len()) < SHORT_TEXT;
            let enough = shared >= if short { 1 } else { MIN_SHARED };
            (enough && !copy_of(subject.vector, &c.vector, cosine, config))
                .then(|| (evidence((cosine, shared)), *c))
        })
        .collect();
    let mut query = subject.vector.clone();
    // Feedback widens a report's words with its best matches' words; a headline's best
    // matches are headlines too, and a few words of theirs pull the query off its subject.
    if config.feedback > 0.0 && scored.len() > FEEDBACK_DOCS && subject.vector.len() >= SHORT_TEXT {
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let best: Vec<&TermVector> = scored.iter().take(FEEDBACK_DOCS).map(|(_, c)| &c.vector).collect();
        query = subject.vector.expanded(&best, config.feedback);
        for (s, c) in &mut scored {
            *s = evidence(query.overlap(&c.vector));
        }
    }
    // Every candidate sharing a word is background: most share only what any two articles
    // might.
    let background: Vec<f32> = eligible.iter().map(|c| evidence(query.overlap(&c.vector))).collect();
    let bar = bar::bar(&background, config.strictness);
    scored.retain(|(s, _)| *s >= bar);
    for (s, c) in &mut scored {
        *s *= decay(now - c.published, config.recency_weight, config.half_life_days)
            * decay(
                (subject.published - c.published).abs(),
                config.proximity_weight,
                config.proximity_half_life_days,
            );
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.published.cmp(&a.1.published)));
    diverse(&scored, config, limit)
}

/// Similarity discounted when it rests on few shared terms: a short text sharing one rare
/// word ("secret") with the article scores as high a cosine as a report sharing ten, and is
/// far less likely to be related.
fn evidence((cosine, shared): (f32, usize)) -> f32 {
    let shared = shared as f32;
    cosine * shared / (shared + 1.0)
}

/// A time factor: 1 for no distance in time, falling towards `1 - weight` with this half-life.
fn decay(seconds: i64, weight: f32, half_life_days: f32) -> f32 {
    let days = seconds.max(0) as f32 / 86_400.0;
    let weight = weight.clamp(0.0, 1.0);
    (1.0 - weight) + weight * 0.5f32.powf(days / half_life_days.max(0.1))
}

/// Picks from the sorted candidates: copies of one already picked are dropped, and a story
/// already listed `per_story` times waits until the other stories have had their turn.
fn diverse(sorted: &[(f32, &Candidate)], config: &RelatedConfig, limit: usize) -> Vec<(i64, f32)> {
    let mut picked: Vec<(f32, &Candidate)> = Vec::new();
    let mut waiting: Vec<(f32, &Candidate)> = Vec::new();
    for &(score, c) in sorted {
        if picked.len() == limit {
            break;
        }
        let similar: Vec<f32> = picked.iter().map(|(_, p)| p.vector.cosine(&c.vector)).collect();
        if picked
            .iter()
            .zip(&similar)
            .any(|((_, p), &s)| copy_of(&p.vector, &c.vector, s, config) || copies(p, c))
        {
            continue;
        }
        if similar.iter().filter(|&&s| s >= config.same_story).count() >= config.per_story.max(1) {
            waiting.push((score, c));
            continue;
        }
        picked.push((score, c));
    }
    for w in waiting {
        if picked.len() == limit {
            break;
        }
        picked.push(w);
    }
    picked.into_iter().map(|(s, c)| (c.id, s)).collect()
}

/// Whether two texts are one article by their words: nearly all of them shared. Two headlines
/// alone are too short to tell (two reports of one event often share every word of a short
/// headline); their pages and titles decide ([`copies`]).
fn copy_of(a: &TermVector, b: &TermVector, cosine: f32, config: &RelatedConfig) -> bool {
    cosine >= config.duplicate && a.len().min(b.len()) >= SHORT_TEXT
}

/// Whether two candidates are one article twice: the same page (the RSS and Atom forms of
/// one feed, a reprint linking its source) or the same headline.
fn copies(a: &Candidate, b: &Candidate) -> bool {
    let title = a.title.trim();
    if !title.is_empty() && title.eq_ignore_ascii_case(b.title.trim()) {
        return true;
    }
    match (a.link.as_deref().and_then(canonical_link), b.link.as_deref().and_then(canonical_link)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::vector::TermVector;

    const DAY: i64 = 86_400;

    fn vector(terms: &[&str]) -> TermVector {
        let terms: Vec<(String, f32)> = terms.iter().map(|t| ((*t).to_string(), 1.0)).collect();
        TermVector::build(&terms, |_| 1, 100)
    }

    fn candidate(id: i64, age_days: i64, terms: &[&str]) -> Candidate {
        Candidate {
            id,
            published: 100 * DAY - age_days * DAY,
            title: format!("Article {id}"),
            link: Some(format!("https://news.example/{id}")),
            vector: vector(terms),
        }
    }

    fn ids(ranked: &[(i64, f32)]) -> Vec<i64> {
        ranked.iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn shared_terms_rank_and_unrelated_ones_are_left_out() {
        let q = vector(&["reef", "coral", "bleaching", "survey"]);
        let subject = Subject { id: 1, title: "Reef", link: None, published: 100 * DAY, vector: &q };
        let candidates = vec![
            candidate(2, 0, &["reef", "coral", "tourism", "boats", "divers"]),
            candidate(3, 0, &["reef", "coral", "bleaching", "ocean", "heat"]),
            candidate(4, 0, &["bank", "rates"]),
            candidate(1, 0, &["reef", "coral", "bleaching", "survey"]),
        ];
        let ranked = rank(subject, &candidates, 100 * DAY, &RelatedConfig::default(), 5);
        assert_eq!(ids(&ranked), vec![3, 2], "the article itself and an unrelated one are not listed");
        assert!(ranked[0].1 > ranked[1].1);
    }

    #[test]
    fn recency_is_a_mild_preference() {
        let q = vector(&["reef", "coral", "bleaching", "survey"]);
        let subject = Subject { id: 1, title: "Reef", link: None, published: 100 * DAY, vector: &q };
        let config = RelatedConfig::default();
        // Equally related: the newer first.
        let ranked = rank(
            subject,
            &[candidate(2, 90, &["reef", "coral", "ocean"]), candidate(3, 1, &["reef", "coral", "heat"])],
            100 * DAY,
            &config,
            5,
        );
        assert_eq!(ids(&ranked), vec![3, 2]);
        // Clearly more related but old: still first.
        let ranked = rank(
            subject,
            &[
                candidate(2, 90, &["reef", "coral", "bleaching", "heat"]),
                candidate(3, 0, &["reef", "coral", "heat", "boats", "divers"]),
            ],
            100 * DAY,
            &config,
            5,
        );
        assert_eq!(ids(&ranked), vec![2, 3]);
        assert!((decay(0, 0.2, 30.0) - 1.0).abs() < 1e-6);
        assert!((decay(30 * DAY, 0.2, 30.0) - 0.9).abs() < 1e-6);
    }

    #[test]
    fn copies_are_excluded_by_text_link_or_title() {
        let words = [
            "reef",
            "coral",
            "bleaching",
            "survey",
            "divers",
            "heat",
            "queensland",
            "ocean",
            "algae",
            "marine",
        ];
        let q = vector(&words);
        let subject = Subject {
            id: 1,
            title: "Reef survey",
            link: Some("https://a.example/reef"),
            published: 100 * DAY,
            vector: &q,
        };
        let mut same_link = candidate(2, 0, &["reef", "coral"]);
        same_link.link = Some("https://a.example/reef?utm_source=rss".into());
        let mut same_title = candidate(3, 0, &["reef", "coral"]);
        same_title.title = "REEF SURVEY".into();
        let copy = candidate(4, 0, &words);
        let kept = candidate(5, 0, &["reef", "coral", "ocean"]);
        let ranked =
            rank(subject, &[same_link, same_title, copy, kept], 100 * DAY, &RelatedConfig::default(), 5);
        assert_eq!(ids(&ranked), vec![5]);
    }

    #[test]
    fn two_headlines_sharing_their_words_are_not_copies() {
        // Two reports of one event often share every word of a short headline.
        let q = vector(&["reef", "coral", "bleaching"]);
        let subject =
            Subject { id: 1, title: "Coral reef bleaching", link: None, published: 100 * DAY, vector: &q };
        let other = candidate(2, 0, &["reef", "coral", "bleaching"]);
        let ranked = rank(subject, &[other], 100 * DAY, &RelatedConfig::default(), 5);
        assert_eq!(ids(&ranked), vec![2]);
    }

    #[test]
    fn copies_among_the_candidates_take_one_place() {
        let q = vector(&["harbour", "strike", "port", "union"]);
        let subject = Subject { id: 1, title: "Port strike", link: None, published: 100 * DAY, vector: &q };
        let mut rss = candidate(2, 0, &["harbour", "strike", "port"]);
        rss.link = Some("https://harbour.example/strike".into());
        let mut atom = candidate(3, 0, &["harbour", "strike", "port", "pay"]);
        atom.link = Some("https://harbour.example/strike?utm_source=atom".into());
        let other = candidate(4, 0, &["harbour", "strike", "talks"]);
        let ranked = rank(subject, &[rss, atom, other], 100 * DAY, &RelatedConfig::default(), 5);
        assert_eq!(ranked.len(), 2, "{ranked:?}");
        assert!(ids(&ranked).contains(&4));
    }

    #[test]
    fn one_story_does_not_fill_the_list() {
        let q = vector(&["reef", "coral", "bleaching", "survey", "queensland"]);
        let subject = Subject { id: 1, title: "Reef", link: None, published: 100 * DAY, vector: &q };
        let story = ["reef", "coral", "bleaching", "survey", "divers", "boats"];
        let candidates = vec![
            candidate(2, 0, &story),
            candidate(3, 0, &["reef", "coral", "bleaching", "survey", "divers", "heat"]),
            candidate(4, 0, &["reef", "coral", "bleaching", "survey", "divers", "ships"]),
            candidate(5, 0, &["reef", "queensland", "tourism", "hotels", "flights", "beaches"]),
        ];
        let config = RelatedConfig { per_story: 2, ..RelatedConfig::default() };
        let ranked = rank(subject, &candidates, 100 * DAY, &config, 3);
        assert_eq!(ids(&ranked), vec![2, 3, 5], "a third copy of the story waits for another story");
        let ranked = rank(subject, &candidates, 100 * DAY, &config, 5);
        assert_eq!(ids(&ranked), vec![2, 3, 5, 4], "and comes back when there is room");
    }
}
