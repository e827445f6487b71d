//! `[related]` values that parse but mean nothing are refused when config.toml is read, with
//! their line and what to write instead (`duplicate = -1` emptied read also with a misleading
//! message). Each function is a serde `deserialize_with`.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// The longest half-life in days: a hundred years.
const MAX_DAYS: u32 = 36_500;

/// A weight from 0 to 1 (`related.recency_weight`, `proximity_weight`, `feedback`).
pub(super) fn weight<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let x = f32::deserialize(d)?;
    if x.is_finite() && (0.0..=1.0).contains(&x) {
        return Ok(x);
    }
    Err(D::Error::custom(format!("{x} is not a weight: write a number from 0 (not at all) to 1 (fully)")))
}

/// A similarity threshold: above 0, at most 1 (`related.duplicate`, `same_story`).
pub(super) fn similarity<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let x = f32::deserialize(d)?;
    if x.is_finite() && x > 0.0 && x <= 1.0 {
        return Ok(x);
    }
    Err(D::Error::custom(format!(
        "{x} is not a similarity: write a number above 0 and at most 1 (1: identical text)"
    )))
}

/// A half-life in days: above 0, at most a hundred years.
pub(super) fn half_life<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let x = f32::deserialize(d)?;
    if x.is_finite() && x > 0.0 && x <= MAX_DAYS as f32 {
        return Ok(x);
    }
    Err(D::Error::custom(format!(
        "{x} is not a half-life: write a number of days above 0 and at most {MAX_DAYS}"
    )))
}

/// At least one (`related.per_story`).
pub(super) fn at_least_one<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = usize::deserialize(d)?;
    if n >= 1 {
        return Ok(n);
    }
    Err(D::Error::custom("0 would list no article of any story: write 1 or more"))
}

/// How many standard deviations above the background (`related.strictness`): 0 to 10.
pub(super) fn strictness<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    let x = f32::deserialize(d)?;
    if x.is_finite() && (0.0..=10.0).contains(&x) {
        return Ok(x);
    }
    Err(D::Error::custom(format!(
        "{x} is not a strictness: write a number from 0 (list every match) to 10 (3 is the default)"
    )))
}
