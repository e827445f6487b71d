//! Knowing when to stop: a suggestion is listed only when it stands out from the other
//! candidates. Most articles sharing a word or two with the one being read share only what any
//! two articles might (a common name, a word of the season), and they score alike; what is
//! really related scores apart from that crowd. The bar is measured per article, on its own
//! candidates: a long report full of common words shares something with everything, a short
//! note with almost nothing, and one fixed threshold fits neither.

/// The lowest bar, whatever the crowd: a score this low rests on words in passing.
pub const FLOOR: f32 = 0.04;
/// Fewer candidates than this are no crowd; the floor applies.
const MIN_CROWD: usize = 8;
/// The median absolute deviation of a normal distribution, in standard deviations.
const MAD_TO_SD: f32 = 1.4826;

/// The score a suggestion must reach, given every candidate's score: the crowd's median plus
/// `strictness` times its spread (the median absolute deviation, scaled to a standard
/// deviation: the related few do not move either), and at least [`FLOOR`]. A strictness of 0
/// lists every candidate.
pub fn bar(scores: &[f32], strictness: f32) -> f32 {
    if strictness <= 0.0 {
        return 0.0;
    }
    if scores.len() < MIN_CROWD {
        return FLOOR;
    }
    let middle = median(scores.to_vec());
    let spread = median(scores.iter().map(|s| (s - middle).abs()).collect()) * MAD_TO_SD;
    (middle + strictness * spread).max(FLOOR)
}

fn median(mut values: Vec<f32>) -> f32 {
    values.sort_by(f32::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { f32::midpoint(values[mid - 1], values[mid]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_stands_out_from_the_crowd_clears_the_bar() {
        let mut scores: Vec<f32> = (0..40).map(|i| 0.05 + 0.001 * (i % 10) as f32).collect();
        scores.extend([0.30, 0.25, 0.2]);
        let b = bar(&scores, 3.0);
        assert!(b > 0.055 && b < 0.2, "{b}");
        let crowd_only: Vec<f32> = scores.iter().copied().filter(|s| *s < 0.1).collect();
        assert!(crowd_only.iter().all(|s| *s < b), "the crowd itself stays under the bar");
        assert!(bar(&scores, 6.0) > b);
    }

    #[test]
    fn a_quiet_crowd_gives_the_floor_and_a_small_one_too() {
        let quiet = vec![0.0; 30];
        assert!((bar(&quiet, 3.0) - FLOOR).abs() < 1e-6);
        assert!((bar(&[0.5, 0.4], 3.0) - FLOOR).abs() < 1e-6);
        assert!(bar(&[0.5, 0.4], 0.0).abs() < f32::EPSILON);
    }

    #[test]
    fn a_crowd_of_common_words_raises_the_bar() {
        let noisy: Vec<f32> = (0..50).map(|i| 0.06 + 0.004 * (i % 10) as f32).collect();
        assert!(bar(&noisy, 3.0) > 0.09, "{}", bar(&noisy, 3.0));
    }
}
