//! Numeric scales: what the ordinal numbers mean and the parameters the graph engine
//! reads (decay, introduction-path factors).

use serde::Deserialize;

use super::error::Problems;

/// A labelled point on an ordinal scale (strength 0..5, influence 1..5, attitude -2..2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelledValue {
    pub value: i32,
    pub id: String,
    pub label: String,
    /// The label in Chinese; the English one where not given.
    #[serde(default)]
    pub label_zh: Option<String>,
    /// For strength: the label of a competitor's tie at this point ("Supports
    /// them" where ours reads "Supports us"); the plain label where not given.
    #[serde(default)]
    pub competitor_label: Option<String>,
    #[serde(default)]
    pub competitor_label_zh: Option<String>,
    /// For strength: the label of a tie between two customer people.
    #[serde(default)]
    pub peer_label: Option<String>,
    #[serde(default)]
    pub peer_label_zh: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// Whose tie a strength describes: the words differ ("Supports us" is only ours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieHolder {
    /// One of our employees (with a customer person or a colleague).
    Ours,
    /// A competitor's.
    Competitor,
    /// Between two of the customer's people.
    Peer,
}

/// Parameters for introduction paths through the graph.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntroductionScale {
    /// Each hop multiplies a path's strength by this (< 1), so a direct tie beats a
    /// long chain of strong ones.
    pub hop_factor: f64,
    /// Strength (0..5) a path gets through a solid reports-to line.
    pub reports_to_solid_strength: i32,
    /// Strength (0..5) a path gets through a dotted reports-to line.
    pub reports_to_dotted_strength: i32,
}

/// How silence cools a relationship.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecayScale {
    /// Days after which interaction evidence counts half.
    pub half_life_days: f64,
    /// Interactions in this window count as recent.
    pub recent_window_days: u32,
    /// Share of the assessed strength a tie keeps however long the silence, in [0, 1].
    pub floor: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scales {
    /// Strength 0..=5, one label per value.
    pub strength: Vec<LabelledValue>,
    /// Influence 1..=5.
    pub influence: Vec<LabelledValue>,
    /// Attitude -2..=2.
    pub attitude: Vec<LabelledValue>,
    pub decay: DecayScale,
    pub introduction: IntroductionScale,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScales {
    strength: Vec<LabelledValue>,
    influence: Vec<LabelledValue>,
    attitude: Vec<LabelledValue>,
    decay: DecayScale,
    introduction: IntroductionScale,
}

impl Scales {
    pub fn strength_label(&self, value: i32) -> Option<&str> {
        self.strength
            .iter()
            .find(|l| l.value == value)
            .map(|l| l.label.as_str())
    }

    /// The strength's label for a tie held by `holder`, in Chinese when `zh`.
    pub fn tie_label(&self, value: i32, holder: TieHolder, zh: bool) -> Option<&str> {
        let point = self.strength.iter().find(|l| l.value == value)?;
        let (en, cn) = match holder {
            TieHolder::Ours => (None, None),
            TieHolder::Competitor => (
                point.competitor_label.as_deref(),
                point.competitor_label_zh.as_deref(),
            ),
            TieHolder::Peer => (point.peer_label.as_deref(), point.peer_label_zh.as_deref()),
        };
        let en = en.unwrap_or(&point.label);
        Some(if zh {
            cn.or(if en == point.label {
                point.label_zh.as_deref()
            } else {
                None
            })
            .unwrap_or(en)
        } else {
            en
        })
    }

    pub(crate) fn validate(raw: RawScales, file: &str, problems: &mut Problems) -> Self {
        check_points(&raw.strength, "strength", 0..=5, file, problems);
        check_points(&raw.influence, "influence", 1..=5, file, problems);
        check_points(&raw.attitude, "attitude", -2..=2, file, problems);
        let d = &raw.decay;
        if !(d.half_life_days.is_finite() && d.half_life_days > 0.0) {
            problems.push(
                file,
                "decay.half_life_days",
                "must be a positive number of days",
            );
        }
        if !(0.0..=1.0).contains(&d.floor) {
            problems.push(
                file,
                "decay.floor",
                format!("must be within 0..1, got {}", d.floor),
            );
        }
        if d.recent_window_days == 0 {
            problems.push(file, "decay.recent_window_days", "must be at least 1");
        }
        let i = &raw.introduction;
        if !(i.hop_factor > 0.0 && i.hop_factor < 1.0) {
            problems.push(
                file,
                "introduction.hop_factor",
                format!("must be strictly between 0 and 1, got {}", i.hop_factor),
            );
        }
        for (name, v) in [
            ("reports_to_solid_strength", i.reports_to_solid_strength),
            ("reports_to_dotted_strength", i.reports_to_dotted_strength),
        ] {
            if !(0..=5).contains(&v) {
                problems.push(
                    file,
                    format!("introduction.{name}"),
                    format!("must be 0..5, got {v}"),
                );
            }
        }
        Scales {
            strength: raw.strength,
            influence: raw.influence,
            attitude: raw.attitude,
            decay: raw.decay,
            introduction: raw.introduction,
        }
    }
}

/// Every point of the range must be labelled exactly once, so the UI never shows a
/// bare number.
fn check_points(
    points: &[LabelledValue],
    name: &str,
    range: std::ops::RangeInclusive<i32>,
    file: &str,
    problems: &mut Problems,
) {
    for (i, p) in points.iter().enumerate() {
        if !range.contains(&p.value) {
            problems.push(
                file,
                format!("{name}[{i}].value"),
                format!("{} is outside {}..{}", p.value, range.start(), range.end()),
            );
        }
        if p.label.trim().is_empty() {
            problems.push(file, format!("{name}[{i}].label"), "must not be empty");
        }
    }
    for v in range.clone() {
        match points.iter().filter(|p| p.value == v).count() {
            1 => {}
            0 => problems.push(file, name, format!("no label for value {v}")),
            _ => problems.push(file, name, format!("value {v} is labelled more than once")),
        }
    }
}
