//! The query root.

use async_graphql::{
    connection::{query, Connection, Edge, EmptyFields},
    Context, Object, Result, ID,
};

use super::{
    advice::{
        methodology_changes, sort_rows, LangG, MethodologyChange, PipelineItem, PipelinePage,
        PipelineSort,
    },
    context::{engine, store},
    error::Coded,
    ids::{parse, parse_opt},
    objects::{AccountConnectionFields, MethodologyInfo},
    scores::{DepartureImpact, ImpactG},
};
use crate::{
    domain::{Account, Competitor, Employee, Interaction, Opportunity, Person, SupportResource},
    engine::PipelineFilter,
    graph::{paths::IntroductionPath, risk::PersonChange},
    Error,
};

/// Largest page a connection returns.
pub const MAX_PAGE_SIZE: usize = 100;
const DEFAULT_PAGE_SIZE: usize = 20;

/// Where a page of a list starts and how long it is, from `first` and the
/// `after` cursor (the index of the last row of the page before).
pub(crate) struct Window {
    pub offset: usize,
    pub first: usize,
}

impl Window {
    pub fn parse(
        first: Option<i32>,
        after: Option<String>,
        default: usize,
    ) -> crate::Result<Window> {
        let first = match first {
            None => default,
            Some(f) if (0..=MAX_PAGE_SIZE as i32).contains(&f) => f as usize,
            Some(f) => {
                return Err(Error::invalid(
                    "first",
                    format!("must be between 0 and {MAX_PAGE_SIZE}, got {f}"),
                ))
            }
        };
        let offset = match after {
            None => 0,
            Some(a) => a
                .parse::<usize>()
                .map(|a| a + 1)
                .map_err(|_| Error::invalid("after", "not a cursor from this list"))?,
        };
        Ok(Window { offset, first })
    }
}

pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// Accounts by normalised name, Relay-style. `search` matches part of the
    /// normalised name.
    async fn accounts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
    ) -> Result<Connection<usize, Account, AccountConnectionFields, EmptyFields>> {
        if let Some(f) = first {
            if f < 0 || f as usize > MAX_PAGE_SIZE {
                return Err(Error::invalid(
                    "first",
                    format!("must be between 0 and {MAX_PAGE_SIZE}, got {f}"),
                ))
                .coded();
            }
        }
        let store = store(ctx);
        query(
            after,
            None,
            first,
            None,
            |after: Option<usize>, _before, first, _last| async move {
                let offset = after.map(|a| a + 1).unwrap_or(0);
                let limit = first.unwrap_or(DEFAULT_PAGE_SIZE).min(MAX_PAGE_SIZE);
                let page = store
                    .accounts(search.as_deref(), offset as i64, limit as i64)
                    .await
                    .coded()?;
                let has_next = (offset + page.accounts.len()) < page.total as usize;
                let mut connection = Connection::with_additional_fields(
                    offset > 0,
                    has_next,
                    AccountConnectionFields {
                        total_count: page.total,
                    },
                );
                connection.edges.extend(
                    page.accounts
                        .into_iter()
                        .enumerate()
                        .map(|(i, a)| Edge::new(offset + i, a)),
                );
                Ok::<_, async_graphql::Error>(connection)
            },
        )
        .await
    }

    /// An account by id; null if there is none.
    async fn account(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Account>> {
        let id = parse("id", &id).coded()?;
        store(ctx).account(id).await.coded()
    }

    /// The account a name refers to once normalised ("Acme Tech Co., Ltd." finds
    /// "ACME Tech"); null if none.
    async fn account_by_name(&self, ctx: &Context<'_>, name: String) -> Result<Option<Account>> {
        store(ctx).account_by_name(&name).await.coded()
    }

    async fn person(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Person>> {
        let id = parse("id", &id).coded()?;
        store(ctx).person(id).await.coded()
    }

    async fn opportunity(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Opportunity>> {
        let id = parse("id", &id).coded()?;
        let found = store(ctx).opportunity(id).await.coded()?;
        if let Some(o) = &found {
            engine(ctx).saw_opportunity(o);
        }
        Ok(found)
    }

    async fn employee(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Employee>> {
        let id = parse("id", &id).coded()?;
        store(ctx).employee(id).await.coded()
    }

    /// Our employees, by name.
    async fn employees(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] include_departed: bool,
    ) -> Result<Vec<Employee>> {
        store(ctx).employees(include_departed).await.coded()
    }

    async fn competitor(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Competitor>> {
        let id = parse("id", &id).coded()?;
        store(ctx).competitor(id).await.coded()
    }

    async fn competitors(&self, ctx: &Context<'_>) -> Result<Vec<Competitor>> {
        store(ctx).competitors().await.coded()
    }

    async fn interaction(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Interaction>> {
        let id = parse("id", &id).coded()?;
        store(ctx).interaction(id).await.coded()
    }

    async fn support_resources(&self, ctx: &Context<'_>) -> Result<Vec<SupportResource>> {
        store(ctx).support_resources().await.coded()
    }

    /// Support requests, by deadline; filtered by opportunity and status.
    async fn support_requests(
        &self,
        ctx: &Context<'_>,
        opportunity_id: Option<ID>,
        status: Option<super::planning::SupportStatusG>,
    ) -> Result<Vec<crate::domain::SupportRequest>> {
        super::planning::support_requests(ctx, opportunity_id, status).await
    }

    /// The proposed allocation of support for a period (`2026-11`, `2026-Q4`):
    /// which open requests get which resource in which month to maximise expected
    /// value, with why, what was displaced, and what capacity would cover the rest.
    async fn support_plan(
        &self,
        ctx: &Context<'_>,
        period: String,
    ) -> Result<super::planning::SupportPlanG> {
        super::planning::support_plan(ctx, &period).await
    }

    /// The forecast for a period (`2026-Q4`, `2026-11`, `2026`): open deals expected
    /// to sign in it with their win probability and category, and deals won in it,
    /// rolled up by the dimensions asked for.
    async fn forecast(
        &self,
        ctx: &Context<'_>,
        period: String,
        group_by: Option<Vec<super::planning::ForecastGroup>>,
    ) -> Result<super::planning::ForecastG> {
        super::planning::forecast(ctx, &period, group_by.unwrap_or_default()).await
    }

    /// What won and lost deals teach: days per stage, buying roles, win rate by
    /// relationship picture and by stage reached, timing, and forecast calibration.
    async fn patterns(&self, ctx: &Context<'_>) -> Result<super::planning::PatternsG> {
        super::planning::patterns(ctx).await
    }

    /// The k strongest introduction paths to a customer person: from one employee
    /// (`from`), or from whoever of ours is best placed, one answer per entry
    /// employee, best first.
    async fn introduction_paths(
        &self,
        ctx: &Context<'_>,
        to: ID,
        from: Option<ID>,
        #[graphql(desc = "How many answers, 1..20; 3 if left out.")] k: Option<i32>,
    ) -> Result<Vec<IntroductionPath>> {
        let to = parse("to", &to).coded()?;
        let from = parse_opt("from", &from).coded()?;
        let k = usize::try_from(k.unwrap_or(3)).unwrap_or(0);
        Ok(engine(ctx).introduction_paths(to, from, k).await.coded()?.1)
    }

    /// What we would lose if an employee left: scores, paths and the key people
    /// only they reach, per account, and each open deal's whole story. Changes
    /// nothing.
    async fn departure_impact(
        &self,
        ctx: &Context<'_>,
        employee: ID,
        #[graphql(desc = "Language of the stories' prompts and notes (default EN).")] lang: Option<
            LangG,
        >,
    ) -> Result<DepartureImpact> {
        let employee = parse("employee", &employee).coded()?;
        let lang = lang.map(Into::into).unwrap_or_default();
        let impacts = engine(ctx).departure_impact(employee, lang).await.coded()?;
        let record = store(ctx).employee_required(employee).await.coded()?;
        let handover = impacts
            .iter()
            .flat_map(|(cached, _, _)| crate::engine::Engine::handover_in(cached, employee))
            .map(super::scores::Handover)
            .collect();
        Ok(DepartureImpact {
            leaving_on: record.leaving_on,
            employee: record,
            accounts: impacts
                .into_iter()
                .map(|(_, impact, deals)| ImpactG { impact, deals })
                .collect(),
            handover,
        })
    }

    /// What happens if a customer person leaves (`leaves: true`: their seat
    /// stays, held by a successor nobody knows yet), takes another part, changes
    /// attitude, or joins one open deal's chain (`joinsOpportunity`), with each
    /// open deal's whole story. Changes nothing.
    #[allow(clippy::too_many_arguments)]
    async fn person_change_impact(
        &self,
        ctx: &Context<'_>,
        person: ID,
        #[graphql(desc = "The person leaves the account; false if left out.")] leaves: Option<bool>,
        buying_role: Option<String>,
        influence: Option<i32>,
        level: Option<String>,
        #[graphql(
            desc = "A new attitude, -2..2, on every open deal they are in (or on the deal they join)."
        )]
        attitude: Option<i32>,
        #[graphql(
            desc = "An open deal of their account whose chain they join, in buyingRole (default user), with influence and attitude."
        )]
        joins_opportunity: Option<ID>,
        #[graphql(desc = "Language of the stories' prompts and notes (default EN).")] lang: Option<
            LangG,
        >,
    ) -> Result<ImpactG> {
        let person = parse("person", &person).coded()?;
        let joins = parse_opt("joinsOpportunity", &joins_opportunity).coded()?;
        let change = PersonChange {
            leaves: leaves.unwrap_or(false),
            buying_role,
            influence,
            level,
            attitude,
            joins,
        };
        let lang = lang.map(Into::into).unwrap_or_default();
        let (_, impact, deals) = engine(ctx)
            .person_change_impact(person, change, lang)
            .await
            .coded()?;
        Ok(ImpactG { impact, deals })
    }

    /// The coach's pipeline: every open opportunity with health, top prompt, stage and
    /// amount. Every argument is optional.
    #[allow(clippy::too_many_arguments)]
    async fn pipeline(
        &self,
        ctx: &Context<'_>,
        stage: Option<String>,
        account: Option<ID>,
        owner: Option<ID>,
        tier: Option<String>,
        min_health: Option<f64>,
        max_health: Option<f64>,
        #[graphql(desc = "Only deals whose top prompt is at least this severe (1..5).")]
        min_severity: Option<i32>,
        sort: Option<PipelineSort>,
        #[graphql(desc = "Page size, at most 100 (default 50).")] first: Option<i32>,
        after: Option<String>,
        lang: Option<LangG>,
    ) -> Result<PipelinePage> {
        let Window { offset, first } = Window::parse(first, after, 50).coded()?;
        let methodology = store(ctx).methodology();
        if let Some(s) = &stage {
            methodology
                .vocabularies
                .stage_terms
                .check("stage", s)
                .coded()?;
        }
        if let Some(t) = &tier {
            methodology.vocabularies.tiers.check("tier", t).coded()?;
        }
        let filter = PipelineFilter {
            stage,
            account: parse_opt("account", &account).coded()?,
            owner: parse_opt("owner", &owner).coded()?,
            tier,
            min_health,
            max_health,
            min_severity: min_severity.map(|s| u8::try_from(s.clamp(0, 5)).unwrap_or(0)),
        };
        let mut rows = engine(ctx)
            .pipeline(&filter, lang.unwrap_or(LangG::En).into())
            .await
            .coded()?;
        sort_rows(&mut rows, sort.unwrap_or_default());
        let total = rows.len();
        let mean_health =
            (total > 0).then(|| rows.iter().map(|r| r.health).sum::<f64>() / total as f64);
        let nodes: Vec<PipelineItem> = rows
            .into_iter()
            .skip(offset)
            .take(first)
            .map(PipelineItem)
            .collect();
        let last = offset + nodes.len();
        Ok(PipelinePage {
            total_count: i32::try_from(total).unwrap_or(i32::MAX),
            has_next_page: last < total,
            end_cursor: (!nodes.is_empty()).then(|| (last - 1).to_string()),
            nodes,
            mean_health,
        })
    }

    /// Open opportunities on another methodology version than this server's:
    /// each keeps its version's win steps until it moves stage or the current
    /// version is adopted (`adoptMethodology`), and this is the preview of that:
    /// steps added and removed, blockers, health and category before and after.
    async fn methodology_changes(&self, ctx: &Context<'_>) -> Result<Vec<MethodologyChange>> {
        let list = engine(ctx).methodology_impact().await.coded()?;
        Ok(methodology_changes(list, &store(ctx).methodology().version))
    }

    /// Improvement points, open ones first by due date: for one account, one deal,
    /// one owner of ours, in one status; filters combine.
    async fn improvement_points(
        &self,
        ctx: &Context<'_>,
        account: Option<ID>,
        opportunity: Option<ID>,
        owner: Option<ID>,
        status: Option<super::improvement::ImprovementStatusG>,
    ) -> Result<Vec<crate::domain::ImprovementPoint>> {
        let filter = crate::store::ImprovementFilter {
            account: parse_opt("account", &account).coded()?,
            opportunity: parse_opt("opportunity", &opportunity).coded()?,
            owner: parse_opt("owner", &owner).coded()?,
            status: status.map(Into::into),
        };
        super::improvement::improvement_points(ctx, filter).await
    }

    /// Everything stored about one customer person, as guanxi's export JSON, for
    /// their access request (PIPL art. 45, GDPR art. 15 and 20). Administrators
    /// only.
    async fn personal_data(&self, ctx: &Context<'_>, person_id: ID) -> Result<String> {
        super::lifecycle::personal_data(ctx, person_id).await
    }

    /// Pairs of the accounts the caller reaches that are likely one
    /// organisation (the import's warnings: a typo, a near spelling, pinyin,
    /// initials, look-alike letters), the older first: to merge with
    /// `mergeAccounts`.
    async fn likely_duplicate_accounts(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::store::LikelyDuplicateAccount>> {
        super::lifecycle::likely_duplicate_accounts(ctx).await
    }

    /// Pairs of an account's people who are likely one person (the same name,
    /// the same name in pinyin, the same e-mail or phone), the older first: to
    /// merge with `mergePeople`.
    async fn likely_duplicate_people(
        &self,
        ctx: &Context<'_>,
        account: ID,
    ) -> Result<Vec<crate::store::LikelyDuplicate>> {
        super::lifecycle::likely_duplicate_people(ctx, account).await
    }

    /// Event webhook subscriptions (administrators).
    async fn webhooks(&self, ctx: &Context<'_>) -> Result<Vec<crate::store::WebhookSubscription>> {
        super::webhooks::webhooks(ctx).await
    }

    /// Webhook deliveries, newest first, of one status (FAILED: those to look
    /// at and resend) (administrators).
    async fn webhook_deliveries(
        &self,
        ctx: &Context<'_>,
        status: Option<super::webhooks::DeliveryStatus>,
        #[graphql(default = 50)] first: i32,
    ) -> Result<Vec<crate::store::WebhookDelivery>> {
        super::webhooks::webhook_deliveries(ctx, status, first).await
    }

    /// Deleted records still restorable, newest first: of one account, or all the
    /// caller reaches.
    async fn deleted_records(
        &self,
        ctx: &Context<'_>,
        account: Option<ID>,
    ) -> Result<Vec<crate::store::DeletedRecord>> {
        super::lifecycle::deleted_records(ctx, account).await
    }

    /// The audit trail, newest first: who changed what and when, with the record
    /// before and after. Filters combine: changes to one account's records, ones
    /// concerning a customer person (their record, ties, meetings, decision-chain
    /// roles), ones by an author (a token's name or id, or "command line"), and
    /// ones since a moment. Administrators only.
    #[allow(clippy::too_many_arguments)]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        account: Option<ID>,
        person: Option<ID>,
        author: Option<String>,
        since: Option<time::OffsetDateTime>,
        #[graphql(desc = "Page size, at most 100 (default 50).")] first: Option<i32>,
        after: Option<String>,
    ) -> Result<super::audit::AuditPage> {
        let window = Window::parse(first, after, 50).coded()?;
        super::audit::audit_trail(
            ctx,
            super::audit::AuditQuery {
                account,
                person,
                author,
                since,
                window,
            },
        )
        .await
    }

    /// The methodology in force: version, vocabularies, stages and scales.
    async fn methodology(&self, ctx: &Context<'_>) -> MethodologyInfo {
        let m = store(ctx).methodology();
        MethodologyInfo {
            name: m.name.clone(),
            version: m.version.clone(),
            digest: m.digest.clone(),
            pinned_versions: {
                let mut v: Vec<String> = m.pinned.keys().cloned().collect();
                v.sort();
                v
            },
        }
    }
}
