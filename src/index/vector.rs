//! Term vectors: an article as its most telling terms, weighted by sublinear tf × idf and
//! scaled to unit length, so the similarity of two articles is a dot product.

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

/// Terms kept per article: enough to describe a news story (its names, places, subject and
/// key verbs), few enough that a million vectors take a few hundred megabytes.
pub const VECTOR_TERMS: usize = 64;

/// A term's 64-bit hash: the key of its document frequency. Vectors keep its low 32 bits.
pub fn term_hash(term: &str) -> i64 {
    xxh3_64(term.as_bytes()) as i64
}

/// The inverse document frequency of a term found in `df` of `docs` articles.
pub fn idf(df: u64, docs: u64) -> f32 {
    (1.0 + docs.max(1) as f32 / df.max(1) as f32).ln()
}

/// A unit-length sparse vector, sorted by term hash.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TermVector(Vec<(u32, f32)>);

impl TermVector {
    /// The vector of an article's weighted term counts (see [`super::analyze::Analysis`]),
    /// with `df` giving each term's document frequency among `docs` articles. Keeps the
    /// [`VECTOR_TERMS`] heaviest terms.
    pub fn build(terms: &[(String, f32)], df: impl Fn(&str) -> u64, docs: u64) -> Self {
        let mut weighted: Vec<(u32, f32)> = terms
            .iter()
            .map(|(t, count)| {
                let tf = 1.0 + count.max(1.0).ln();
                (term_hash(t) as u32, tf * idf(df(t), docs))
            })
            .collect();
        Self::from_weights(&mut weighted)
    }

    /// Keeps the heaviest [`VECTOR_TERMS`] of these weights and scales them to unit length.
    fn from_weights(weighted: &mut Vec<(u32, f32)>) -> Self {
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        weighted.truncate(VECTOR_TERMS);
        let norm = weighted.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in weighted.iter_mut() {
                *w /= norm;
            }
        }
        weighted.retain(|(_, w)| *w > 0.0);
        weighted.sort_by_key(|(h, _)| *h);
        weighted.dedup_by_key(|(h, _)| *h);
        Self(std::mem::take(weighted))
    }

    /// How many terms it has.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has no terms.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Its terms' hashes and weights, by hash.
    pub fn terms(&self) -> &[(u32, f32)] {
        &self.0
    }

    /// The weight of the term with this hash.
    pub fn weight(&self, term: i64) -> f32 {
        let h = term as u32;
        self.0.binary_search_by_key(&h, |(k, _)| *k).map_or(0.0, |i| self.0[i].1)
    }

    /// Cosine similarity with another unit vector.
    pub fn cosine(&self, other: &Self) -> f32 {
        self.overlap(other).0
    }

    /// Cosine similarity with another unit vector, and how many terms they share.
    pub fn overlap(&self, other: &Self) -> (f32, usize) {
        let (mut i, mut j, mut sum, mut shared) = (0, 0, 0.0, 0);
        while i < self.0.len() && j < other.0.len() {
            match self.0[i].0.cmp(&other.0[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += self.0[i].1 * other.0[j].1;
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        (sum, shared)
    }

    /// This vector moved towards others (Rocchio feedback): `self + beta × mean(others)`,
    /// renormalised.
    #[must_use]
    pub fn expanded(&self, others: &[&Self], beta: f32) -> Self {
        if others.is_empty() || beta == 0.0 {
            return self.clone();
        }
        let mut sum: HashMap<u32, f32> = self.0.iter().copied().collect();
        let share = beta / others.len() as f32;
        for o in others {
            for &(h, w) in &o.0 {
                *sum.entry(h).or_default() += w * share;
            }
        }
        let mut weighted: Vec<(u32, f32)> = sum.into_iter().collect();
        Self::from_weights(&mut weighted)
    }

    /// Stored form: per term its 32-bit hash and its weight in 1/65535ths, little-endian.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() * 6);
        for &(h, w) in &self.0 {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&((w.clamp(0.0, 1.0) * 65535.0).round() as u16).to_le_bytes());
        }
        out
    }

    /// Reads the stored form; a truncated tail is ignored.
    pub fn decode(bytes: &[u8]) -> Self {
        let mut terms: Vec<(u32, f32)> = bytes
            .chunks_exact(6)
            .map(|c| {
                let h = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                (h, f32::from(u16::from_le_bytes([c[4], c[5]])) / 65535.0)
            })
            .collect();
        terms.sort_by_key(|(h, _)| *h);
        terms.dedup_by_key(|(h, _)| *h);
        Self(terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(terms: &[(&str, f32)], df: &[(&str, u64)], docs: u64) -> TermVector {
        let terms: Vec<(String, f32)> = terms.iter().map(|(t, w)| ((*t).to_string(), *w)).collect();
        let df: HashMap<&str, u64> = df.iter().copied().collect();
        TermVector::build(&terms, |t| df.get(t).copied().unwrap_or(1), docs)
    }

    #[test]
    fn vectors_are_unit_length_and_favour_rare_terms() {
        let v = vector(&[("reef", 3.0), ("report", 3.0)], &[("reef", 2), ("report", 900)], 1000);
        let len: f32 = v.terms().iter().map(|(_, w)| w * w).sum();
        assert!((len - 1.0).abs() < 1e-5);
        assert!(v.weight(term_hash("reef")) > 3.0 * v.weight(term_hash("report")));
        assert!((v.cosine(&v) - 1.0).abs() < 1e-5);
    }

    #[test]
    fn cosine_counts_shared_terms_only() {
        let a = vector(&[("reef", 1.0), ("coral", 1.0)], &[], 100);
        let b = vector(&[("coral", 1.0), ("ocean", 1.0)], &[], 100);
        let c = vector(&[("bank", 1.0)], &[], 100);
        assert!((a.cosine(&b) - 0.5).abs() < 1e-5);
        assert!(a.cosine(&c).abs() < 1e-9);
    }

    #[test]
    fn stored_form_round_trips_within_rounding() {
        let v = vector(&[("reef", 2.0), ("coral", 1.0), ("ocean", 5.0)], &[("ocean", 40)], 100);
        let back = TermVector::decode(&v.encode());
        assert_eq!(back.terms().len(), 3);
        assert!((back.cosine(&v) - 1.0).abs() < 1e-3);
        assert_eq!(TermVector::decode(&[1, 2, 3]), TermVector::default());
    }

    #[test]
    fn only_the_heaviest_terms_are_kept() {
        let names: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
        let terms: Vec<(String, f32)> =
            names.iter().enumerate().map(|(i, t)| (t.clone(), i as f32 + 1.0)).collect();
        let v = TermVector::build(&terms, |_| 1, 10);
        assert_eq!(v.terms().len(), VECTOR_TERMS);
        assert!(v.weight(term_hash("t99")) > 0.0 && v.weight(term_hash("t0")) == 0.0);
    }

    #[test]
    fn feedback_moves_towards_the_others() {
        let q = vector(&[("reef", 1.0)], &[], 100);
        let other = vector(&[("reef", 1.0), ("bleaching", 1.0)], &[], 100);
        let expanded = q.expanded(&[&other], 0.5);
        assert!(expanded.weight(term_hash("bleaching")) > 0.0);
        assert!(expanded.cosine(&other) > q.cosine(&other));
    }
}
