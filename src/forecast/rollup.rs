//! Forecast roll-ups for a period, and calibration of recorded forecasts against
//! what happened.

use std::collections::BTreeMap;

use time::Date;
use uuid::Uuid;

/// One deal in a period's forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastLine {
    pub opportunity: Uuid,
    pub name: String,
    pub account: Uuid,
    pub account_name: String,
    pub owner: Option<Uuid>,
    pub owner_name: Option<String>,
    pub team: Option<String>,
    pub stage: String,
    /// A category id from `forecast.toml`, or `won` for a deal signed in the period.
    pub category: String,
    pub probability: f64,
    /// In the reference currency.
    pub amount: f64,
    pub expected_sign_date: Option<Date>,
}

impl ForecastLine {
    pub fn weighted(&self) -> f64 {
        self.amount * self.probability
    }
}

/// What a roll-up groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupBy {
    Account,
    Owner,
    Team,
    Stage,
    Category,
}

impl GroupBy {
    /// The group key and its label for a line.
    fn key(self, l: &ForecastLine) -> (String, String) {
        match self {
            GroupBy::Account => (l.account.to_string(), l.account_name.clone()),
            GroupBy::Owner => match l.owner {
                Some(o) => (o.to_string(), l.owner_name.clone().unwrap_or_default()),
                None => (String::new(), "no owner".into()),
            },
            GroupBy::Team => match &l.team {
                Some(t) => (t.clone(), t.clone()),
                None => (String::new(), "no team".into()),
            },
            GroupBy::Stage => (l.stage.clone(), l.stage.clone()),
            GroupBy::Category => (l.category.clone(), l.category.clone()),
        }
    }
}

/// One row of a roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupRow {
    /// (dimension, key, label), in the order asked for.
    pub group: Vec<(GroupBy, String, String)>,
    pub deals: usize,
    pub amount: f64,
    /// Σ amount × probability.
    pub weighted: f64,
}

/// Sums lines by the dimensions given; no dimension gives one total row.
pub fn rollup(lines: &[ForecastLine], by: &[GroupBy]) -> Vec<RollupRow> {
    let mut rows: BTreeMap<Vec<(GroupBy, String, String)>, RollupRow> = BTreeMap::new();
    for l in lines {
        let group: Vec<(GroupBy, String, String)> = by
            .iter()
            .map(|g| {
                let (k, label) = g.key(l);
                (*g, k, label)
            })
            .collect();
        let row = rows.entry(group.clone()).or_insert_with(|| RollupRow {
            group,
            deals: 0,
            amount: 0.0,
            weighted: 0.0,
        });
        row.deals += 1;
        row.amount += l.amount;
        row.weighted += l.weighted();
    }
    let mut out: Vec<RollupRow> = rows.into_values().collect();
    out.sort_by(|a, b| {
        b.weighted
            .total_cmp(&a.weighted)
            .then(a.group.cmp(&b.group))
    });
    out
}

/// Recorded forecasts of now-closed deals in one probability band.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationBin {
    pub low: f64,
    pub high: f64,
    pub forecasts: usize,
    pub mean_probability: Option<f64>,
    pub won: usize,
    pub observed: Option<f64>,
}

/// Bins recorded (probability, won) pairs in tenths; also returns the Brier score
/// (mean squared error, 0 is perfect, 0.25 is a coin toss at 50%).
pub fn calibration(points: &[(f64, bool)]) -> (Vec<CalibrationBin>, Option<f64>) {
    let bins = (0..10)
        .map(|i| {
            let (low, high) = (i as f64 / 10.0, (i + 1) as f64 / 10.0);
            let inside: Vec<&(f64, bool)> = points
                .iter()
                .filter(|(p, _)| *p >= low && (*p < high || (i == 9 && *p <= 1.0)))
                .collect();
            let won = inside.iter().filter(|(_, w)| *w).count();
            let n = inside.len();
            CalibrationBin {
                low,
                high,
                forecasts: n,
                mean_probability: (n > 0)
                    .then(|| inside.iter().map(|(p, _)| p).sum::<f64>() / n as f64),
                won,
                observed: (n > 0).then(|| won as f64 / n as f64),
            }
        })
        .collect();
    let brier = (!points.is_empty()).then(|| {
        points
            .iter()
            .map(|(p, w)| (p - if *w { 1.0 } else { 0.0 }).powi(2))
            .sum::<f64>()
            / points.len() as f64
    });
    (bins, brier)
}
