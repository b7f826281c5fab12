//! Effective strength: the latest assessment, cooled by silence and kept warm by
//! interactions.
//!
//! Every piece of evidence (the assessment itself, and each interaction the two
//! people shared) counts `e = 2^(-age / half_life)`. Warmth is the chance that at
//! least one piece still counts, `1 - Π(1 - e)`: recent evidence and frequent
//! evidence both raise it. The effective strength is
//! `assessed × (floor + (1 - floor) × warmth)`, so silence cools a tie towards
//! `floor × assessed` and never below, and interactions never lift a tie above what
//! people judged it to be.

use time::Date;

use crate::methodology::DecayScale;

#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    /// 0..5.
    pub value: f64,
    /// 0..1.
    pub warmth: f64,
    /// The newest evidence (assessment or interaction) up to the day of scoring.
    pub last_contact: Date,
    /// Interactions within the recent window.
    pub recent_interactions: usize,
    pub interactions: usize,
}

/// A strength to one decimal, half away from zero: how the API, the page and
/// the reports show an effective strength, so that paper and screen never
/// differ by a tenth.
pub fn tenths(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Weight of one piece of evidence `age_days` old: 1 today, ½ after one
/// half-life, ¼ after two; evidence from the future counts as today's.
///
/// # Examples
///
/// ```
/// use guanxi::graph::strength::evidence_weight;
///
/// assert_eq!(evidence_weight(0, 90.0), 1.0);
/// assert!((evidence_weight(90, 90.0) - 0.5).abs() < 1e-12);
/// assert!((evidence_weight(180, 90.0) - 0.25).abs() < 1e-12);
/// assert_eq!(evidence_weight(-5, 90.0), 1.0);
/// ```
pub fn evidence_weight(age_days: i64, half_life_days: f64) -> f64 {
    (-(age_days.max(0) as f64) / half_life_days).exp2()
}

/// The effective strength of an employee–person tie on `as_of`.
///
/// # Arguments
///
/// * `assessed` - the last judged strength, 0..5.
/// * `assessed_on` - the day of that judgement.
/// * `contacts` - the days of interactions both took part in (any order; those
///   after `as_of` are not counted).
/// * `as_of` - the day of scoring.
/// * `decay` - the methodology's half-life, recent window and floor.
///
/// # Returns
///
/// The strength the tie holds on `as_of` (docs/scoring.md: warmth from the
/// judgement and each contact, halving per half-life; never below the floor's
/// share of the judgement, never above it), with the newest evidence and how many
/// contacts were recent.
///
/// # Complexity
///
/// O(n) in the number of contacts.
///
/// # Examples
///
/// ```
/// use guanxi::graph::strength::effective;
/// use guanxi::methodology::DecayScale;
/// use time::macros::date;
///
/// let decay = DecayScale { half_life_days: 90.0, recent_window_days: 90, floor: 0.4 };
/// let fresh = effective(4, date!(2026 - 11 - 01), &[], date!(2026 - 11 - 01), &decay);
/// let old = effective(4, date!(2025 - 11 - 01), &[], date!(2026 - 11 - 01), &decay);
/// let kept = effective(4, date!(2025 - 11 - 01), &[date!(2026 - 10 - 20)], date!(2026 - 11 - 01), &decay);
/// assert!(fresh.value <= 4.0 && old.value < fresh.value);
/// assert!(old.value >= 4.0 * 0.4);
/// // A recent meeting keeps a tie warm: never weaker than without it.
/// assert!(kept.value >= old.value && kept.recent_interactions == 1);
/// ```
pub fn effective(
    assessed: i32,
    assessed_on: Date,
    contacts: &[Date],
    as_of: Date,
    decay: &DecayScale,
) -> Effective {
    let age = |d: Date| (as_of - d).whole_days();
    let mut keep = 1.0 - evidence_weight(age(assessed_on), decay.half_life_days);
    let mut last_contact = assessed_on;
    let mut recent = 0;
    let mut counted = 0;
    for &d in contacts.iter().filter(|d| **d <= as_of) {
        keep *= 1.0 - evidence_weight(age(d), decay.half_life_days);
        last_contact = last_contact.max(d);
        counted += 1;
        if age(d) <= i64::from(decay.recent_window_days) {
            recent += 1;
        }
    }
    let warmth = (1.0 - keep).clamp(0.0, 1.0);
    let s = f64::from(assessed.clamp(0, 5));
    Effective {
        value: s * (decay.floor + (1.0 - decay.floor) * warmth),
        warmth,
        last_contact,
        recent_interactions: recent,
        interactions: counted,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn decay() -> DecayScale {
        DecayScale {
            half_life_days: 90.0,
            recent_window_days: 30,
            floor: 0.5,
        }
    }

    #[test]
    fn an_assessment_made_today_counts_in_full() {
        let e = effective(
            4,
            date!(2026 - 11 - 26),
            &[],
            date!(2026 - 11 - 26),
            &decay(),
        );
        assert!((e.value - 4.0).abs() < 1e-9);
        assert!((e.warmth - 1.0).abs() < 1e-9);
    }

    #[test]
    fn one_half_life_of_silence_gives_three_quarters() {
        // warmth 0.5 → 4 × (0.5 + 0.5 × 0.5) = 3.0
        let e = effective(
            4,
            date!(2026 - 08 - 28),
            &[],
            date!(2026 - 11 - 26),
            &decay(),
        );
        assert!((e.warmth - 0.5).abs() < 1e-9, "{}", e.warmth);
        assert!((e.value - 3.0).abs() < 1e-9);
    }

    #[test]
    fn interactions_warm_a_tie_and_frequency_counts() {
        let old = date!(2026 - 08 - 28);
        let today = date!(2026 - 11 - 26);
        let silent = effective(4, old, &[], today, &decay());
        let once = effective(4, old, &[old], today, &decay());
        let twice = effective(4, old, &[old, old], today, &decay());
        // Two pieces of evidence at one half-life: 1 - 0.5 × 0.5 = 0.75.
        assert!((once.warmth - 0.75).abs() < 1e-9);
        assert!(silent.value < once.value && once.value < twice.value);
        assert!(twice.value <= 4.0);
    }

    #[test]
    fn long_silence_cools_to_the_floor_not_below() {
        let e = effective(
            4,
            date!(2016 - 01 - 01),
            &[],
            date!(2026 - 11 - 26),
            &decay(),
        );
        assert!((e.value - 2.0).abs() < 1e-6);
    }

    #[test]
    fn future_interactions_do_not_count_and_zero_stays_zero() {
        let today = date!(2026 - 11 - 26);
        let e = effective(0, today, &[date!(2027 - 01 - 01)], today, &decay());
        assert_eq!(e.value, 0.0);
        assert_eq!(e.interactions, 0);
    }
}
