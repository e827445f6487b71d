//! Knowing when to stop: a suggestion is listed only when it scores clearly above what
//! unrelated articles of the same cache score against the article. The background is measured
//! per article, on a sample of the cache: a long report full of common words shares something
//! with everything, a short note with almost nothing, and one fixed threshold fits neither.

use super::evidence;
use crate::index::vector::TermVector;

/// The lowest bar, whatever the background: a score this low rests on one or two words in
/// passing.
pub const FLOOR: f32 = 0.04;
/// Fewer sampled articles than this say nothing about the background; the floor applies.
const MIN_SAMPLE: usize = 8;

/// The score a suggestion for `query` must reach: the mean of its scores against `sample`
/// (articles taken at random from the cache) plus `strictness` standard deviations, and at
/// least [`FLOOR`]. The sample's top tenth is set aside first: in a small cache the sample is
/// the whole cache, and the article's real matches are not background.
pub fn bar(query: &TermVector, sample: &[TermVector], strictness: f32) -> f32 {
    let mut scores: Vec<f32> = sample.iter().map(|v| evidence(query.overlap(v))).collect();
    if scores.len() < MIN_SAMPLE || strictness <= 0.0 {
        return if strictness <= 0.0 { 0.0 } else { FLOOR };
    }
    scores.sort_by(f32::total_cmp);
    scores.truncate(scores.len() - scores.len() / 10);
    let n = scores.len() as f32;
    let mean = scores.iter().sum::<f32>() / n;
    let var = scores.iter().map(|s| (s - mean) * (s - mean)).sum::<f32>() / n;
    (mean + strictness * var.sqrt()).max(FLOOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(terms: &[&str]) -> TermVector {
        let terms: Vec<(String, f32)> = terms.iter().map(|t| ((*t).to_string(), 1.0)).collect();
        TermVector::build(&terms, |_| 1, 100)
    }

    #[test]
    fn the_bar_rises_with_the_background() {
        let q = vector(&["vote", "senate", "bill", "budget", "week", "said"]);
        let quiet: Vec<TermVector> = (0..40).map(|i| vector(&[&format!("w{i}"), "other"])).collect();
        let noisy: Vec<TermVector> =
            (0..40).map(|i| vector(&[&format!("w{i}"), if i % 2 == 0 { "week" } else { "said" }])).collect();
        let (quiet_bar, noisy_bar) = (bar(&q, &quiet, 3.0), bar(&q, &noisy, 3.0));
        assert!((quiet_bar - FLOOR).abs() < 1e-6, "nothing shared: the floor ({quiet_bar})");
        assert!(noisy_bar > quiet_bar, "common words shared with everything raise it ({noisy_bar})");
        assert!(bar(&q, &noisy, 4.0) > noisy_bar);
    }

    #[test]
    fn a_small_sample_gives_the_floor_and_no_strictness_no_bar() {
        let q = vector(&["vote", "senate"]);
        assert!((bar(&q, &[vector(&["vote"])], 3.0) - FLOOR).abs() < 1e-6);
        assert!(bar(&q, &[vector(&["vote"])], 0.0).abs() < f32::EPSILON);
    }

    #[test]
    fn the_real_matches_of_a_small_cache_are_not_background() {
        let q = vector(&["reef", "coral", "bleaching", "survey"]);
        let mut sample: Vec<TermVector> = (0..45).map(|i| vector(&[&format!("w{i}")])).collect();
        for _ in 0..4 {
            sample.push(vector(&["reef", "coral", "bleaching", "heat"]));
        }
        let b = bar(&q, &sample, 3.0);
        assert!(b < evidence(q.overlap(&sample[46])), "a match stays above the bar ({b})");
    }
}
