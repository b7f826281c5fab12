//! The forecast for a period, one deal's forecast, calibration and the patterns of history.

use async_graphql::{Context, Enum, Result, SimpleObject};
use time::Date;
use uuid::Uuid;

use crate::api::{
    advice::LangG,
    context::{engine, store},
    error::Coded,
};
use crate::{
    domain::Opportunity,
    forecast::{rollup::GroupBy, WinProbability},
    methodology::label,
};

use super::{period, zh};

/// What a forecast groups by.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ForecastGroup {
    Account,
    Owner,
    Team,
    Stage,
    Category,
}

impl From<ForecastGroup> for GroupBy {
    fn from(g: ForecastGroup) -> Self {
        match g {
            ForecastGroup::Account => GroupBy::Account,
            ForecastGroup::Owner => GroupBy::Owner,
            ForecastGroup::Team => GroupBy::Team,
            ForecastGroup::Stage => GroupBy::Stage,
            ForecastGroup::Category => GroupBy::Category,
        }
    }
}

fn group_g(g: GroupBy) -> ForecastGroup {
    match g {
        GroupBy::Account => ForecastGroup::Account,
        GroupBy::Owner => ForecastGroup::Owner,
        GroupBy::Team => ForecastGroup::Team,
        GroupBy::Stage => ForecastGroup::Stage,
        GroupBy::Category => ForecastGroup::Category,
    }
}

#[derive(SimpleObject)]
pub struct GroupKey {
    pub dimension: ForecastGroup,
    /// An id (account, owner), a team name, a stage or category id; empty for none.
    pub key: String,
    pub label: String,
}

#[derive(SimpleObject)]
pub struct ForecastRow {
    pub group: Vec<GroupKey>,
    pub deals: i32,
    /// In the reference currency.
    pub amount: f64,
    /// Σ amount × win probability.
    pub weighted: f64,
}

/// One term of the win probability.
#[derive(SimpleObject)]
pub struct ProbabilityTerm {
    pub name: String,
    pub weight: f64,
    pub value: f64,
}

/// How a win probability was computed (docs/forecast.md).
#[derive(SimpleObject)]
pub struct WinProbabilityG {
    pub probability: f64,
    pub stage_probability: f64,
    /// R, 0..1: the weighted opportunity scores.
    pub relationship: f64,
    pub relationship_parts: Vec<ProbabilityTerm>,
    /// Q, −1..1: (yes − no) / questions.
    pub qualification: f64,
    pub yes: i32,
    pub no: i32,
    pub base_logit: f64,
    pub relationship_shift: f64,
    pub qualification_shift: f64,
    /// P, 0..1: the health parts the other pictures leave out (win steps, time in
    /// stage, contact, our bench), so health moves the probability.
    pub process: f64,
    pub process_parts: Vec<ProbabilityTerm>,
    /// process_weight × (2P − 1).
    pub process_shift: f64,
    pub formula: String,
}

impl From<&WinProbability> for WinProbabilityG {
    fn from(p: &WinProbability) -> Self {
        WinProbabilityG {
            probability: p.probability,
            stage_probability: p.stage_probability,
            relationship: p.relationship,
            relationship_parts: p
                .relationship_parts
                .iter()
                .map(|(n, w, v)| ProbabilityTerm {
                    name: (*n).into(),
                    weight: *w,
                    value: *v,
                })
                .collect(),
            qualification: p.qualification,
            yes: p.yes as i32,
            no: p.no as i32,
            base_logit: p.base_logit,
            relationship_shift: p.relationship_shift,
            qualification_shift: p.qualification_shift,
            process: p.process,
            process_parts: p
                .process_parts
                .iter()
                .map(|(n, w, v)| ProbabilityTerm {
                    name: n.clone(),
                    weight: *w,
                    value: *v,
                })
                .collect(),
            process_shift: p.process_shift,
            formula: format!(
                "logistic({:.3} + {:.3} + {:.3} + {:.3}) = {:.3}",
                p.base_logit,
                p.relationship_shift,
                p.qualification_shift,
                p.process_shift,
                p.probability
            ),
        }
    }
}

#[derive(SimpleObject)]
pub struct ForecastLineG {
    pub opportunity: Option<Opportunity>,
    pub name: String,
    pub account_name: String,
    pub owner_name: Option<String>,
    pub team: Option<String>,
    pub stage: String,
    /// A category id from `forecast.toml`, or `won`.
    pub category: String,
    pub probability: f64,
    /// In the reference currency.
    pub amount: f64,
    pub weighted: f64,
    pub expected_sign_date: Option<Date>,
    /// Null for won deals.
    pub explanation: Option<WinProbabilityG>,
}

#[derive(SimpleObject)]
pub struct ForecastG {
    pub period: String,
    pub currency: String,
    pub total: ForecastRow,
    pub rows: Vec<ForecastRow>,
    pub lines: Vec<ForecastLineG>,
    /// Open deals with no expected sign date (in no period).
    pub undated: i32,
}

fn row(r: &crate::forecast::RollupRow) -> ForecastRow {
    ForecastRow {
        group: r
            .group
            .iter()
            .map(|(g, k, l)| GroupKey {
                dimension: group_g(*g),
                key: k.clone(),
                label: l.clone(),
            })
            .collect(),
        deals: i32::try_from(r.deals).unwrap_or(i32::MAX),
        amount: r.amount,
        weighted: r.weighted,
    }
}

pub(crate) async fn forecast(
    ctx: &Context<'_>,
    raw_period: &str,
    group_by: Vec<ForecastGroup>,
) -> Result<ForecastG> {
    let period = period(raw_period)?;
    let view = engine(ctx).forecast(period).await.coded()?;
    let m = store(ctx).methodology();
    let by: Vec<GroupBy> = group_by.iter().map(|g| (*g).into()).collect();
    let total = view.rollup(&[]).first().map(row).unwrap_or(ForecastRow {
        group: Vec::new(),
        deals: 0,
        amount: 0.0,
        weighted: 0.0,
    });
    let rows = view.rollup(&by).iter().map(row).collect();
    let mut lines = Vec::with_capacity(view.lines.len());
    for l in &view.lines {
        lines.push(ForecastLineG {
            opportunity: store(ctx).opportunity(l.opportunity).await.coded()?,
            name: l.name.clone(),
            account_name: l.account_name.clone(),
            owner_name: l.owner_name.clone(),
            team: l.team.clone(),
            stage: l.stage.clone(),
            category: l.category.clone(),
            probability: l.probability,
            amount: l.amount,
            weighted: l.weighted(),
            expected_sign_date: l.expected_sign_date,
            explanation: view.probabilities.get(&l.opportunity).map(Into::into),
        });
    }
    lines.sort_by(|a, b| b.weighted.total_cmp(&a.weighted));
    Ok(ForecastG {
        period: view.period.to_string(),
        currency: m.support.reference_currency.to_uppercase(),
        total,
        rows,
        lines,
        undated: i32::try_from(view.undated).unwrap_or(i32::MAX),
    })
}

/// The forecast of one open opportunity.
#[derive(SimpleObject)]
pub struct OpportunityForecast {
    pub probability: f64,
    pub category: String,
    pub category_label: String,
    pub explanation: WinProbabilityG,
    /// Better categories the probability qualifies the deal for, and the gates of
    /// forecast.toml that hold it back (a commit needs an owner who is with us, a
    /// decision maker on our side, the stage's criteria met, a signing date ahead,
    /// health at 60 or more); empty when nothing does.
    pub held_back: Vec<HeldBack>,
}

/// A category a deal is held back from, and why.
#[derive(SimpleObject)]
pub struct HeldBack {
    pub category: String,
    pub category_label: String,
    pub gates: Vec<ForecastGate>,
}

/// A gate of forecast.toml a deal fails.
#[derive(SimpleObject)]
pub struct ForecastGate {
    pub id: String,
    pub label: String,
}

pub(crate) async fn opportunity_forecast(
    ctx: &Context<'_>,
    opportunity: Uuid,
    lang: Option<LangG>,
) -> Result<Option<OpportunityForecast>> {
    let zh = zh(lang);
    engine(ctx)
        .assessed(opportunity, |_, m, o, a| {
            if !o.open {
                return None;
            }
            let c = a.category(m);
            let held_back = a
                .held_back(m)
                .into_iter()
                .map(|(c, gates)| HeldBack {
                    category: c.id.clone(),
                    category_label: label(&c.label, c.label_zh.as_deref(), zh).to_owned(),
                    gates: gates
                        .into_iter()
                        .map(|g| ForecastGate {
                            id: g.id.clone(),
                            label: label(&g.label, g.label_zh.as_deref(), zh).to_owned(),
                        })
                        .collect(),
                })
                .collect();
            Some(OpportunityForecast {
                held_back,
                probability: a.probability.probability,
                category: c.map(|c| c.id.clone()).unwrap_or_default(),
                category_label: c
                    .map(|c| label(&c.label, c.label_zh.as_deref(), zh).to_owned())
                    .unwrap_or_default(),
                explanation: (&a.probability).into(),
            })
        })
        .await
        .coded()
}

#[derive(SimpleObject)]
pub struct CalibrationBinG {
    pub low: f64,
    pub high: f64,
    pub forecasts: i32,
    pub mean_probability: Option<f64>,
    pub won: i32,
    pub observed: Option<f64>,
}

/// Recorded forecasts of deals since closed, against what happened.
#[derive(SimpleObject)]
pub struct Calibration {
    pub forecasts: i32,
    /// Mean squared error of the recorded probabilities; null without history.
    pub brier: Option<f64>,
    /// Whether there are enough closed forecasts (forecast.toml
    /// `patterns.min_calibration`) for the Brier score to judge the forecast.
    pub enough: bool,
    pub min_forecasts: i32,
    /// The Brier score in words, with how much history it rests on.
    pub note: String,
    pub bins: Vec<CalibrationBinG>,
}

pub(crate) async fn calibration(ctx: &Context<'_>) -> Result<Calibration> {
    let c = engine(ctx).calibration().await.coded()?;
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(Calibration {
        forecasts: count(c.forecasts),
        brier: c.brier,
        enough: c.enough,
        min_forecasts: count(c.min_forecasts),
        note: c.note,
        bins: c
            .bins
            .into_iter()
            .map(|b| CalibrationBinG {
                low: b.low,
                high: b.high,
                forecasts: count(b.forecasts),
                mean_probability: b.mean_probability,
                won: count(b.won),
                observed: b.observed,
            })
            .collect(),
    })
}

pub(crate) async fn record_forecast(ctx: &Context<'_>, raw_period: &str) -> Result<i32> {
    let period = period(raw_period)?;
    let n = engine(ctx).record_forecast(period).await.coded()?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

#[derive(SimpleObject)]
pub struct StageDaysG {
    pub stage: String,
    pub deals: i32,
    pub median: Option<f64>,
    pub p80: Option<f64>,
    pub won_median: Option<f64>,
    /// What stall checks use: the median once enough deals are known, else the
    /// stage's expected days.
    pub usual: f64,
    pub from_history: bool,
}

#[derive(SimpleObject)]
pub struct RolePatternG {
    pub role: String,
    /// Share of won deals whose chain had the role identified.
    pub won_share: Option<f64>,
    pub lost_share: Option<f64>,
}

#[derive(SimpleObject)]
pub struct WinRateBand {
    pub label: String,
    pub deals: i32,
    pub won: i32,
    pub win_rate: Option<f64>,
}

#[derive(SimpleObject)]
pub struct StageCalibrationG {
    pub stage: String,
    /// The stage's probability in `stages.toml`.
    pub stated: f64,
    /// Closed deals that reached the stage.
    pub reached: i32,
    pub won: i32,
    pub observed: Option<f64>,
}

#[derive(SimpleObject)]
pub struct MonthPatternG {
    pub month: i32,
    pub won: i32,
    pub lost: i32,
}

/// What won and lost deals teach.
#[derive(SimpleObject)]
pub struct PatternsG {
    pub deals: i32,
    pub won: i32,
    pub win_rate: Option<f64>,
    pub stage_days: Vec<StageDaysG>,
    pub roles: Vec<RolePatternG>,
    /// Win rate by decision-chain score on the day the deal closed.
    pub coverage: Vec<WinRateBand>,
    /// Stated stage probabilities against outcomes of deals that reached each stage.
    pub stages: Vec<StageCalibrationG>,
    pub months: Vec<MonthPatternG>,
    /// Share of wins signed in the last month of a quarter.
    pub quarter_end_share: Option<f64>,
    /// Median days from first stage to signature, won deals.
    pub won_cycle_days: Option<f64>,
    pub calibration: Calibration,
}

pub(crate) async fn patterns(ctx: &Context<'_>) -> Result<PatternsG> {
    let p = engine(ctx).patterns().await.coded()?;
    let n = |x: usize| i32::try_from(x).unwrap_or(i32::MAX);
    Ok(PatternsG {
        deals: n(p.deals),
        won: n(p.won),
        win_rate: p.win_rate,
        stage_days: p
            .stage_days
            .iter()
            .map(|s| StageDaysG {
                stage: s.stage.clone(),
                deals: n(s.deals),
                median: s.median,
                p80: s.p80,
                won_median: s.won_median,
                usual: s.usual,
                from_history: s.from_history,
            })
            .collect(),
        roles: p
            .roles
            .iter()
            .map(|r| RolePatternG {
                role: r.role.clone(),
                won_share: r.won_share,
                lost_share: r.lost_share,
            })
            .collect(),
        coverage: p
            .coverage
            .iter()
            .map(|b| WinRateBand {
                label: b.label.clone(),
                deals: n(b.deals),
                won: n(b.won),
                win_rate: b.win_rate,
            })
            .collect(),
        stages: p
            .stages
            .iter()
            .map(|s| StageCalibrationG {
                stage: s.stage.clone(),
                stated: s.stated,
                reached: n(s.reached),
                won: n(s.won),
                observed: s.observed,
            })
            .collect(),
        months: p
            .months
            .iter()
            .map(|mo| MonthPatternG {
                month: i32::from(mo.month),
                won: n(mo.won),
                lost: n(mo.lost),
            })
            .collect(),
        quarter_end_share: p.quarter_end_share,
        won_cycle_days: p.won_cycle_days,
        calibration: calibration(ctx).await?,
    })
}
