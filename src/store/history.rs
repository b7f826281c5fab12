//! Reads for forecasting and patterns: closed deals with their stage history and
//! decision-chain roles, the organisation version, and recorded forecasts.

use time::Date;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    new_id, now, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{Opportunity, StageChange},
    Result,
};

/// A recorded forecast line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ForecastSnapshot {
    pub forecast_snapshot_id: Uuid,
    pub period: String,
    pub taken_on: Date,
    pub opportunity_id: Uuid,
    pub account_id: Uuid,
    pub stage: String,
    pub probability: f64,
    pub category: String,
    pub amount_minor: i64,
    pub currency: String,
    pub methodology_version: String,
}

/// One line to record.
#[derive(Debug, Clone)]
pub struct SnapshotLine {
    pub opportunity_id: Uuid,
    pub account_id: Uuid,
    pub stage: String,
    pub probability: f64,
    pub category: String,
    pub amount_minor: i64,
    pub currency: String,
}

impl Store {
    /// The organisation-wide version: bumped when history (a deal closing or
    /// reopening) or org-wide ties change.
    pub async fn org_version(&self) -> Result<i64> {
        with_pool!(self, pool => Ok(sqlx::query_scalar(
            "select version from org_version where org_version_id = 1",
        )
        .fetch_one(pool)
        .await?))
    }

    /// Won and lost opportunities.
    pub async fn closed_opportunities(&self) -> Result<Vec<Opportunity>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Opportunity>(
            "select * from opportunity where outcome in ('won', 'lost') order by opportunity_id",
        )
        .fetch_all(pool)
        .await?))
    }

    /// The stage history of every closed opportunity, oldest first per deal.
    pub async fn closed_stage_changes(&self) -> Result<Vec<StageChange>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, StageChange>(
            "select c.stage_change_id, c.opportunity_id, c.stage, c.outcome, c.entered_on, c.changed_by,
                    c.note, c.methodology_version, c.override_reason
             from stage_change c join opportunity o on o.opportunity_id = c.opportunity_id
             where o.outcome in ('won', 'lost')
             order by c.opportunity_id, c.entered_on, c.recorded_at",
        )
        .fetch_all(pool)
        .await?))
    }

    /// (opportunity, buying role) for every chain member of a closed deal.
    pub async fn closed_chain_roles(&self) -> Result<Vec<(Uuid, String)>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, (Uuid, String)>(
            "select m.opportunity_id, m.buying_role from decision_chain_member m
             join opportunity o on o.opportunity_id = m.opportunity_id
             where o.outcome in ('won', 'lost')",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Records a period's forecast, one row per deal, in one transaction.
    pub async fn record_forecast(
        &self,
        period: &str,
        taken_on: Date,
        lines: &[SnapshotLine],
    ) -> Result<usize> {
        self.org_write("recording a forecast")?;
        let at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            for l in lines {
                sqlx::query(
                    "insert into forecast_snapshot (forecast_snapshot_id, period, taken_on, opportunity_id,
                         account_id, stage, probability, category, amount_minor, currency,
                         methodology_version, recorded_at)
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(new_id())
                .bind(period)
                .bind(taken_on)
                .bind(l.opportunity_id)
                .bind(l.account_id)
                .bind(&l.stage)
                .bind(l.probability)
                .bind(&l.category)
                .bind(l.amount_minor)
                .bind(&l.currency)
                .bind(&self.methodology.version)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            audit!(self, tx, Change::new("record forecast", "forecast", None)
                .after(&serde_json::json!({ "period": period, "takenOn": taken_on, "lines": lines.len() })));
        });
        Ok(lines.len())
    }

    /// Recorded forecasts of deals that have since been won or lost, with the outcome.
    pub async fn forecasts_with_outcomes(&self) -> Result<Vec<(ForecastSnapshot, String)>> {
        let rows: Vec<(Uuid, String)> = with_pool!(self, pool => sqlx::query_as(
            "select s.forecast_snapshot_id, o.outcome from forecast_snapshot s
             join opportunity o on o.opportunity_id = s.opportunity_id
             where o.outcome in ('won', 'lost')",
        )
        .fetch_all(pool)
        .await?);
        let snapshots: Vec<ForecastSnapshot> = with_pool!(self, pool => sqlx::query_as(
            "select s.forecast_snapshot_id, s.period, s.taken_on, s.opportunity_id, s.account_id, s.stage,
                    s.probability, s.category, s.amount_minor, s.currency, s.methodology_version
             from forecast_snapshot s join opportunity o on o.opportunity_id = s.opportunity_id
             where o.outcome in ('won', 'lost')
             order by s.taken_on, s.forecast_snapshot_id",
        )
        .fetch_all(pool)
        .await?);
        let outcome: std::collections::HashMap<Uuid, String> = rows.into_iter().collect();
        Ok(snapshots
            .into_iter()
            .filter(|s| self.scope().allows(s.account_id))
            .filter_map(|s| {
                outcome
                    .get(&s.forecast_snapshot_id)
                    .cloned()
                    .map(|o| (s, o))
            })
            .collect())
    }

    /// How many forecast lines have been recorded for a period.
    pub async fn forecast_snapshots_count(&self, period: &str) -> Result<i64> {
        with_pool!(self, pool => Ok(sqlx::query_scalar(
            "select count(*) from forecast_snapshot where period = $1",
        )
        .bind(period)
        .fetch_one(pool)
        .await?))
    }
}
