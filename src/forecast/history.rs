//! Patterns from won and lost deals (PBM: people, money, things, sentiment,
//! timing): how long deals stay in each stage, which buying roles the won ones had,
//! win rates by relationship picture and by how far a deal got, and when deals
//! sign. Pure functions over closed deals; docs/forecast.md explains each table.

use std::collections::{BTreeMap, HashMap};

use time::Date;
use uuid::Uuid;

use crate::methodology::Methodology;

/// A won or lost deal as history sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedDeal {
    pub id: Uuid,
    pub won: bool,
    /// The day it was won or lost.
    pub closed_on: Date,
    /// Stages entered, in order, with the day each was entered.
    pub stages: Vec<(String, Date)>,
    /// Buying roles identified in its decision chain.
    pub roles: Vec<String>,
    /// Its decision-chain score (0..1) on the day it closed.
    pub decision_chain: f64,
    /// Amount in the reference currency.
    pub amount: f64,
}

impl ClosedDeal {
    /// Days spent in each stage it left (the last stage runs to the close).
    pub fn stage_days(&self) -> Vec<(&str, i64)> {
        self.stages
            .iter()
            .enumerate()
            .map(|(i, (stage, entered))| {
                let left = self
                    .stages
                    .get(i + 1)
                    .map(|(_, d)| *d)
                    .unwrap_or(self.closed_on);
                (stage.as_str(), (left - *entered).whole_days().max(0))
            })
            .collect()
    }
}

/// Days per stage from history.
#[derive(Debug, Clone, PartialEq)]
pub struct StageDays {
    pub stage: String,
    /// Closed deals that spent time in the stage.
    pub deals: usize,
    pub median: Option<f64>,
    pub p80: Option<f64>,
    pub won_median: Option<f64>,
    /// What the stall check uses: the median once `min_history` deals are known,
    /// the stage's `expected_days` until then.
    pub usual: f64,
    pub from_history: bool,
}

/// A buying role and how often won and lost deals had it identified.
#[derive(Debug, Clone, PartialEq)]
pub struct RolePattern {
    pub role: String,
    pub won_share: Option<f64>,
    pub lost_share: Option<f64>,
}

/// Win rate of closed deals in one band of something.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub label: String,
    pub deals: usize,
    pub won: usize,
    pub win_rate: Option<f64>,
}

impl Band {
    fn of(label: String, deals: &[&ClosedDeal]) -> Band {
        let won = deals.iter().filter(|d| d.won).count();
        Band {
            label,
            deals: deals.len(),
            won,
            win_rate: rate(won, deals.len()),
        }
    }
}

/// The stage probability next to what history shows for deals that reached it.
#[derive(Debug, Clone, PartialEq)]
pub struct StageCalibration {
    pub stage: String,
    pub stated: f64,
    pub reached: usize,
    pub won: usize,
    pub observed: Option<f64>,
}

/// Deals signed per calendar month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthPattern {
    pub month: u8,
    pub won: usize,
    pub lost: usize,
}

/// Everything history says.
#[derive(Debug, Clone, PartialEq)]
pub struct Patterns {
    pub deals: usize,
    pub won: usize,
    pub win_rate: Option<f64>,
    pub stage_days: Vec<StageDays>,
    pub roles: Vec<RolePattern>,
    pub coverage: Vec<Band>,
    pub stages: Vec<StageCalibration>,
    pub months: Vec<MonthPattern>,
    /// Share of won deals signed in the last month of a calendar quarter.
    pub quarter_end_share: Option<f64>,
    /// Median days from first stage to signature, won deals.
    pub won_cycle_days: Option<f64>,
}

fn rate(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The `q`-quantile (0..1) by linear interpolation between closest ranks.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Usual days per stage: the history median where there is enough of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageNorms {
    usual: HashMap<String, (f64, bool)>,
}

impl StageNorms {
    pub fn from_days(days: &[StageDays]) -> Self {
        StageNorms {
            usual: days
                .iter()
                .map(|d| (d.stage.clone(), (d.usual, d.from_history)))
                .collect(),
        }
    }

    /// Usual days in `stage`, and whether history (rather than `expected_days`) says so.
    pub fn usual(&self, m: &Methodology, stage: &str) -> (f64, bool) {
        self.usual.get(stage).copied().unwrap_or_else(|| {
            (
                m.vocabularies
                    .stage(stage)
                    .map(|s| f64::from(s.expected_days))
                    .unwrap_or(30.0),
                false,
            )
        })
    }
}

/// Days per stage over closed deals.
pub fn stage_days(m: &Methodology, deals: &[ClosedDeal]) -> Vec<StageDays> {
    let mut all: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut won: HashMap<&str, Vec<f64>> = HashMap::new();
    for d in deals {
        for (stage, days) in d.stage_days() {
            all.entry(stage).or_default().push(days as f64);
            if d.won {
                won.entry(stage).or_default().push(days as f64);
            }
        }
    }
    m.vocabularies
        .stages
        .iter()
        .map(|s| {
            let values = all.get(s.id.as_str()).cloned().unwrap_or_default();
            let median = quantile(&values, 0.5);
            let from_history = values.len() >= m.forecast.patterns.min_history;
            StageDays {
                stage: s.id.clone(),
                deals: values.len(),
                median,
                p80: quantile(&values, 0.8),
                won_median: won.get(s.id.as_str()).and_then(|v| quantile(v, 0.5)),
                usual: match median {
                    Some(md) if from_history => md.max(1.0),
                    _ => f64::from(s.expected_days),
                },
                from_history,
            }
        })
        .collect()
}

/// All the patterns of closed deals.
pub fn patterns(m: &Methodology, deals: &[ClosedDeal]) -> Patterns {
    let won: Vec<&ClosedDeal> = deals.iter().filter(|d| d.won).collect();
    let lost: Vec<&ClosedDeal> = deals.iter().filter(|d| !d.won).collect();
    let share = |set: &[&ClosedDeal], role: &str| {
        rate(
            set.iter()
                .filter(|d| d.roles.iter().any(|r| r == role))
                .count(),
            set.len(),
        )
    };
    let roles = m
        .vocabularies
        .buying_roles
        .terms
        .iter()
        .map(|t| RolePattern {
            role: t.id.clone(),
            won_share: share(&won, &t.id),
            lost_share: share(&lost, &t.id),
        })
        .collect();

    let bands = &m.forecast.patterns.coverage_bands;
    let mut edges = vec![0.0];
    edges.extend(bands.iter().copied());
    let coverage = edges
        .iter()
        .enumerate()
        .map(|(i, lo)| {
            let hi = edges.get(i + 1).copied();
            let inside: Vec<&ClosedDeal> = deals
                .iter()
                .filter(|d| d.decision_chain >= *lo && hi.is_none_or(|h| d.decision_chain < h))
                .collect();
            let label = match hi {
                Some(h) => format!("decision chain {:.0}–{:.0}%", lo * 100.0, h * 100.0),
                None => format!("decision chain {:.0}% and above", lo * 100.0),
            };
            Band::of(label, &inside)
        })
        .collect();

    let stages = m
        .vocabularies
        .stages
        .iter()
        .map(|s| {
            let reached: Vec<&ClosedDeal> = deals
                .iter()
                .filter(|d| d.stages.iter().any(|(st, _)| *st == s.id))
                .collect();
            let w = reached.iter().filter(|d| d.won).count();
            StageCalibration {
                stage: s.id.clone(),
                stated: s.probability,
                reached: reached.len(),
                won: w,
                observed: rate(w, reached.len()),
            }
        })
        .collect();

    let mut by_month: BTreeMap<u8, (usize, usize)> = (1..=12).map(|m| (m, (0, 0))).collect();
    for d in deals {
        let e = by_month.entry(d.closed_on.month() as u8).or_default();
        if d.won {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let months = by_month
        .into_iter()
        .map(|(month, (won, lost))| MonthPattern { month, won, lost })
        .collect();
    let quarter_end = won
        .iter()
        .filter(|d| (d.closed_on.month() as u8).is_multiple_of(3))
        .count();
    let cycles: Vec<f64> = won
        .iter()
        .filter_map(|d| {
            d.stages
                .first()
                .map(|(_, s)| (d.closed_on - *s).whole_days() as f64)
        })
        .collect();
    Patterns {
        deals: deals.len(),
        won: won.len(),
        win_rate: rate(won.len(), deals.len()),
        stage_days: stage_days(m, deals),
        roles,
        coverage,
        stages,
        months,
        quarter_end_share: rate(quarter_end, won.len()),
        won_cycle_days: quantile(&cycles, 0.5),
    }
}
