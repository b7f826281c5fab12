//! Planning over the whole pipeline: the support plan for a period and the
//! forecast for a period. Both read every open deal's assessment from the cached
//! graphs, then hand pure data to `support::allocate` and `forecast`.

use std::collections::HashMap;

use time::Date;
use uuid::Uuid;

use super::{assess, Engine};
use crate::{
    domain::{today, Employee, Period, SupportRequest, SupportStatus},
    forecast::{
        category, rollup::ForecastLine, CalibrationBin, GroupBy, RollupRow, WinProbability,
    },
    store::SnapshotLine,
    support::{self, allocate, request_value, ValueInputs},
    Result,
};

pub use crate::support::{ExplainedPlan, PlannedRequest, SupportPlan};

/// A period's forecast lines.
#[derive(Debug, Clone)]
pub struct ForecastView {
    pub period: Period,
    pub lines: Vec<ForecastLine>,
    /// The probability behind each open line, for the explanation.
    pub probabilities: HashMap<Uuid, WinProbability>,
    /// Open deals with no expected sign date: in no period's forecast.
    pub undated: usize,
}

impl ForecastView {
    /// The lines summed per group of `by` (one total row when `by` is empty).
    pub fn rollup(&self, by: &[GroupBy]) -> Vec<RollupRow> {
        crate::forecast::rollup(&self.lines, by)
    }
}

/// Recorded forecasts of deals since closed, against what happened.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub forecasts: usize,
    /// Mean squared error of the recorded probabilities; none without history.
    pub brier: Option<f64>,
    /// Whether there are enough closed forecasts (forecast.toml
    /// `patterns.min_calibration`) for the Brier score to judge the forecast.
    pub enough: bool,
    pub min_forecasts: usize,
    /// The Brier score in words, with how much history it rests on.
    pub note: String,
    pub bins: Vec<CalibrationBin>,
}

impl Engine {
    /// How well the recorded forecasts of closed deals matched their outcomes.
    pub async fn calibration(&self) -> Result<Calibration> {
        let rows = self.store.forecasts_with_outcomes().await?;
        let points: Vec<(f64, bool)> = rows
            .iter()
            .map(|(s, outcome)| (s.probability, outcome == "won"))
            .collect();
        let (bins, brier) = crate::forecast::calibration(&points);
        let min = self.methodology().forecast.patterns.min_calibration;
        let enough = points.len() >= min;
        let closed =
            crate::domain::count(points.len() as i64, "closed forecast", "closed forecasts");
        let note = match brier {
            None => "No recorded forecast of a deal since closed yet: record forecasts (recordForecast) to calibrate.".to_owned(),
            Some(b) if enough => {
                format!("Brier score {b:.3} over {closed} (0 is perfect, 0.25 a coin toss at 50%).")
            }
            Some(b) => format!(
                "Brier score {b:.3} over only {closed}; {min} are needed before it judges the forecast."
            ),
        };
        Ok(Calibration {
            forecasts: points.len(),
            brier,
            enough,
            min_forecasts: min,
            note,
            bins,
        })
    }

    /// The support plan for `period`: open requests on open deals, valued and
    /// allocated against what the resources have left after earlier grants, over
    /// the months of the period that are not yet over.
    /// The support plan for `period` with every decision explained: what the API
    /// and the command line show.
    pub async fn explained_support_plan(&self, period: Period) -> Result<ExplainedPlan> {
        let plan = self.support_plan(period).await?;
        Ok(support::explain(&plan, self.methodology()))
    }

    pub async fn support_plan(&self, period: Period) -> Result<SupportPlan> {
        if !self.store.scope().is_all() {
            // The plan weighs every account's deals against each other for shared
            // people; showing part of it would mislead, showing all of it would leak.
            return Err(crate::Error::Forbidden(
                "the support plan allocates shared resources across every account; a coach or administrator reads it".into(),
            ));
        }
        let m = self.methodology();
        let resources = self.store.support_resources().await?;
        let employees = self.store.employees(true).await?;
        let live = self.store.support_requests_live().await?;
        // Only months not yet over can still be planned.
        let today = today();
        let months: Vec<_> = period
            .months()
            .into_iter()
            .filter(|m| m.next().first_day() > today)
            .collect();

        let mut bookings = Vec::new();
        let mut open: Vec<SupportRequest> = Vec::new();
        for r in live {
            match (r.current_status(), r.booked_month(), r.granted_resource_id) {
                (SupportStatus::Granted | SupportStatus::Done, Some(month), Some(res))
                    if months.contains(&month) =>
                {
                    bookings.push(allocate::Booking {
                        resource: res,
                        month,
                        units: r.units,
                    })
                }
                (SupportStatus::Requested, _, _) => open.push(r),
                _ => {}
            }
        }

        // Value each open request from its deal's current assessment.
        let mut by_account: HashMap<Uuid, Vec<SupportRequest>> = HashMap::new();
        for r in open {
            by_account.entry(r.account_id).or_default().push(r);
        }
        let mut planned: Vec<PlannedRequest> = Vec::new();
        for (account, requests) in by_account {
            let cached = self.graph(account).await?;
            let g = &cached.graph;
            let industry = self
                .store
                .account(account)
                .await?
                .map(|a| a.industry)
                .unwrap_or_default();
            for r in requests {
                let Some(o) = g.opportunity(r.opportunity_id).filter(|o| o.open) else {
                    continue;
                };
                let a = assess(g, m, o, g.as_of, &cached.norms);
                let need = support::applicable(m, &o.stage, &a.facts)
                    .into_iter()
                    .find(|n| n.kind == r.kind)
                    .map(|n| (n.id.as_str(), n.lift));
                let value = request_value(
                    m,
                    &ValueInputs {
                        amount: o.amount,
                        currency: &o.currency,
                        tier: &g.tier,
                        kind: &r.kind,
                        own_lift: r.lift,
                        need_lift: need,
                        probability: a.probability.probability,
                        qualify_first: m.support.value.qualify_first(&a.facts.context),
                        needed_by: r.needed_by,
                        sign_date: o.expected_sign_date,
                    },
                );
                planned.push(PlannedRequest {
                    opportunity_name: o.name.clone(),
                    account_id: account,
                    account_name: g.account_name.clone(),
                    stage: o.stage.clone(),
                    industry: industry.clone(),
                    value,
                    request: r,
                });
            }
        }
        // Earlier deadlines first: the allocator breaks exact ties in list order.
        planned.sort_by(|a, b| {
            (
                a.request.needed_by,
                a.request.created_at,
                a.request.support_request_id,
            )
                .cmp(&(
                    b.request.needed_by,
                    b.request.created_at,
                    b.request.support_request_id,
                ))
        });

        let people: Vec<allocate::Person> = employees
            .iter()
            .filter_map(|e: &Employee| {
                e.support_limit.map(|limit| allocate::Person {
                    id: e.employee_id,
                    name: e.name.clone(),
                    limit,
                })
            })
            .collect();
        let problem = allocate::Problem {
            months: months.clone(),
            resources: resources
                .iter()
                .map(|r| allocate::Resource {
                    id: r.support_resource_id,
                    name: r.name.clone(),
                    kind: r.kind.clone(),
                    capacity: r.capacity,
                    person: r.employee_id,
                    industries: r.industry_list(),
                    skills: r.skill_list(),
                })
                .collect(),
            people,
            requests: planned
                .iter()
                .map(|p| allocate::Request {
                    id: p.request.support_request_id,
                    kind: p.request.kind.clone(),
                    resource: p.request.resource_id,
                    units: p.request.units,
                    needed_by: p.request.needed_by,
                    value: p.value.value,
                    industry: p.industry.clone(),
                    skills: p.request.skill_list(),
                })
                .collect(),
            bookings: bookings.clone(),
            industry_mismatch_factor: m.support.value.industry_mismatch_factor,
        };
        let settings = support::Settings {
            exact_variable_limit: m.support.allocation.exact_variable_limit,
            relaxation_variable_limit: m.support.allocation.relaxation_variable_limit,
            time_limit_seconds: m.support.allocation.time_limit_seconds,
        };
        let people_named: HashMap<Uuid, (String, i32)> = problem
            .people
            .iter()
            .map(|p| (p.id, (p.name.clone(), p.limit)))
            .collect();
        let plan = tokio::task::spawn_blocking(move || support::allocate(&problem, settings))
            .await
            .map_err(|e| crate::Error::Internal(anyhow::Error::new(e)))?;

        let mut free_before = HashMap::new();
        for r in &resources {
            for month in &months {
                let booked: i64 = bookings
                    .iter()
                    .filter(|b| b.resource == r.support_resource_id && b.month == *month)
                    .map(|b| i64::from(b.units))
                    .sum();
                free_before.insert(
                    (r.support_resource_id, month.to_string()),
                    i64::from(r.capacity) - booked,
                );
            }
        }
        Ok(SupportPlan {
            period,
            plan,
            requests: planned
                .into_iter()
                .map(|p| (p.request.support_request_id, p))
                .collect(),
            resources: resources
                .into_iter()
                .map(|r| (r.support_resource_id, r))
                .collect(),
            free_before,
            people: people_named,
        })
    }

    /// The forecast for `period`: open deals expected to sign in it, with their
    /// probability and category, and deals won in it.
    pub async fn forecast(&self, period: Period) -> Result<ForecastView> {
        let m = self.methodology();
        let employees: HashMap<Uuid, Employee> = self
            .store
            .employees(true)
            .await?
            .into_iter()
            .map(|e| (e.employee_id, e))
            .collect();
        let open = self.store.open_opportunities().await?;
        let mut accounts: Vec<Uuid> = open.iter().map(|(_, a, _, _)| *a).collect();
        accounts.dedup();
        let history = self.history().await?;
        // Deals won in the period, by id, with the day they were won.
        let won: HashMap<Uuid, Date> = history
            .deals
            .iter()
            .filter(|d| d.won && period.contains(d.closed_on))
            .map(|d| (d.id, d.closed_on))
            .collect();
        for id in won.keys() {
            if let Some(o) = history.opportunities.get(id) {
                accounts.push(o.account_id);
            }
        }
        accounts.sort();
        accounts.dedup();

        let mut lines = Vec::new();
        let mut probabilities = HashMap::new();
        let mut undated = 0;
        let line = |id: Uuid,
                    name: &str,
                    account: (Uuid, &str),
                    owner: Option<Uuid>,
                    stage: &str,
                    category: &str,
                    probability: f64,
                    amount: f64,
                    expected: Option<Date>| {
            let owner_record = owner.and_then(|o| employees.get(&o));
            ForecastLine {
                opportunity: id,
                name: name.to_owned(),
                account: account.0,
                account_name: account.1.to_owned(),
                owner,
                owner_name: owner_record.map(|e| e.name.clone()),
                team: owner_record.and_then(|e| e.team.clone()),
                stage: stage.to_owned(),
                category: category.to_owned(),
                probability,
                amount,
                expected_sign_date: expected,
            }
        };
        for account in accounts {
            let cached = self.graph(account).await?;
            let g = &cached.graph;
            for o in &g.opportunities {
                let amount = o.amount * m.support.rate(&o.currency);
                if o.open {
                    let Some(expected) = o.expected_sign_date else {
                        undated += 1;
                        continue;
                    };
                    if !period.contains(expected) {
                        continue;
                    }
                    let a = assess(g, m, o, g.as_of, &cached.norms);
                    let cat = category(m, &a.facts)
                        .map(|c| c.id.as_str())
                        .unwrap_or("pipeline");
                    lines.push(line(
                        o.id,
                        &o.name,
                        (account, &g.account_name),
                        o.owner,
                        &o.stage,
                        cat,
                        a.probability.probability,
                        amount,
                        Some(expected),
                    ));
                    probabilities.insert(o.id, a.probability);
                } else if let Some(closed_on) = won.get(&o.id) {
                    lines.push(line(
                        o.id,
                        &o.name,
                        (account, &g.account_name),
                        o.owner,
                        &o.stage,
                        "won",
                        1.0,
                        amount,
                        Some(*closed_on),
                    ));
                }
            }
        }
        Ok(ForecastView {
            period,
            lines,
            probabilities,
            undated,
        })
    }

    /// Records the open lines of a period's forecast, so later outcomes can be
    /// compared with what was forecast.
    pub async fn record_forecast(&self, period: Period) -> Result<usize> {
        let view = self.forecast(period).await?;
        let opportunities: HashMap<Uuid, (Uuid, i64, String)> = {
            let mut map = HashMap::new();
            for l in view.lines.iter().filter(|l| l.category != "won") {
                if let Some(o) = self.store.opportunity(l.opportunity).await? {
                    map.insert(o.opportunity_id, (o.account_id, o.amount_minor, o.currency));
                }
            }
            map
        };
        let lines: Vec<SnapshotLine> = view
            .lines
            .iter()
            .filter_map(|l| {
                opportunities
                    .get(&l.opportunity)
                    .map(|(account, minor, currency)| SnapshotLine {
                        opportunity_id: l.opportunity,
                        account_id: *account,
                        stage: l.stage.clone(),
                        probability: l.probability,
                        category: l.category.clone(),
                        amount_minor: *minor,
                        currency: currency.clone(),
                    })
            })
            .collect();
        self.store
            .record_forecast(&view.period.to_string(), today(), &lines)
            .await
    }
}
