use uuid::Uuid;

use super::{
    audit::{audit, Change},
    bump_account, check_revision, current_row, must_exist, new_id, now, revised, with_pool,
    write_tx, Need, Store,
};
use crate::{
    domain::{
        optional_text, today, SupportDecisionInput, SupportRequest, SupportRequestInput,
        SupportRequestPatch, SupportResource, SupportResourceInput, SupportResourcePatch,
        SupportStatus, ValidSupportResource, YearMonth, MAX_NOTE_CHARS,
    },
    Error, Result,
};

/// `Err` unless the resource a request names (if any) exists and is of the
/// request's kind.
macro_rules! named_resource_fits {
    ($tx:ident, $r:expr) => {
        async {
            if let Some(res) = $r.resource_id {
                let kind: Option<String> = sqlx::query_scalar(
                    "select kind from support_resource where support_resource_id = $1",
                )
                .bind(res)
                .fetch_optional(&mut *$tx)
                .await?;
                let kind =
                    kind.ok_or_else(|| Error::not_found_in("support resource", res, "resourceId"))?;
                if kind != $r.kind {
                    return Err(Error::invalid(
                        "resourceId",
                        format!("the resource is a {kind}, the request asks for {}", $r.kind),
                    ));
                }
            }
            Ok::<(), Error>(())
        }
        .await
    };
}

impl Store {
    pub async fn support_resources(&self) -> Result<Vec<SupportResource>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, SupportResource>(
            "select * from support_resource order by kind, name, support_resource_id",
        )
        .fetch_all(pool)
        .await?))
    }

    pub async fn support_resource(&self, id: Uuid) -> Result<Option<SupportResource>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, SupportResource>(
            "select * from support_resource where support_resource_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?))
    }

    async fn support_resource_required(&self, id: Uuid) -> Result<SupportResource> {
        self.support_resource(id)
            .await?
            .ok_or_else(|| Error::not_found("support resource", id))
    }

    #[tracing::instrument(skip(self))]
    pub async fn create_support_resource(
        &self,
        input: &SupportResourceInput,
    ) -> Result<SupportResource> {
        self.org_write("creating and changing support resources")?;
        let r: ValidSupportResource = input.validate(&self.methodology)?;
        let id = new_id();
        let at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            if let Some(e) = r.employee_id {
                must_exist!(tx, "employee", "employee", e, "employeeId")?;
            }
            sqlx::query(
                "insert into support_resource (support_resource_id, name, kind, capacity, unit, employee_id,
                                               created_at, updated_at, industries, skills)
                 values ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)",
            )
            .bind(id)
            .bind(r.name.as_ref())
            .bind(&r.kind)
            .bind(r.capacity)
            .bind(&r.unit)
            .bind(r.employee_id)
            .bind(at)
            .bind(&r.industries)
            .bind(&r.skills)
            .execute(&mut *tx)
            .await?;
            let after = current_row!(self, tx, SupportResource, "support_resource", "support resource", id);
            audit!(self, tx, Change::new("create support resource", "support resource", id).after(&after));
        });
        self.support_resource_required(id).await
    }

    #[tracing::instrument(skip(self))]
    pub async fn update_support_resource(
        &self,
        id: Uuid,
        patch: SupportResourcePatch,
    ) -> Result<SupportResource> {
        self.org_write("creating and changing support resources")?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let current = current_row!(self, tx, SupportResource, "support_resource", "support resource", id);
            let r = current.patched(patch).validate(&self.methodology)?;
            if let Some(e) = r.employee_id {
                must_exist!(tx, "employee", "employee", e, "employeeId")?;
            }
            sqlx::query(
                "update support_resource set name = $2, kind = $3, capacity = $4, unit = $5,
                        employee_id = $6, updated_at = $7, industries = $8, skills = $9
                 where support_resource_id = $1",
            )
            .bind(id)
            .bind(r.name.as_ref())
            .bind(&r.kind)
            .bind(r.capacity)
            .bind(&r.unit)
            .bind(r.employee_id)
            .bind(now())
            .bind(&r.industries)
            .bind(&r.skills)
            .execute(&mut *tx)
            .await?;
            let after = current_row!(self, tx, SupportResource, "support_resource", "support resource", id);
            audit!(self, tx, Change::new("update support resource", "support resource", id).before(&current).after(&after));
        });
        self.support_resource_required(id).await
    }
}

impl Store {
    /// Support requests, newest deadline last; filtered by opportunity and status.
    pub async fn support_requests(
        &self,
        opportunity: Option<Uuid>,
        status: Option<SupportStatus>,
    ) -> Result<Vec<SupportRequest>> {
        let status = status.map(SupportStatus::as_str);
        with_pool!(self, pool => Ok(sqlx::query_as::<_, SupportRequest>(
            "select * from support_request
             where ($1 is null or opportunity_id = $1) and ($2 is null or status = $2)
             order by needed_by, created_at, support_request_id",
        )
        .bind(opportunity)
        .bind(status)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    /// Every request still waiting (requested) or holding capacity (granted, done):
    /// what a support plan starts from.
    pub async fn support_requests_live(&self) -> Result<Vec<SupportRequest>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, SupportRequest>(
            "select * from support_request where status in ('requested', 'granted', 'done')
             order by needed_by, created_at, support_request_id",
        )
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn support_request(&self, id: Uuid) -> Result<Option<SupportRequest>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, SupportRequest>(
            "select * from support_request where support_request_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(self.visible(found))
    }

    async fn support_request_required(&self, id: Uuid) -> Result<SupportRequest> {
        self.support_request(id)
            .await?
            .ok_or_else(|| Error::not_found("support request", id))
    }

    /// Records a request for support on an open opportunity.
    #[tracing::instrument(skip(self))]
    pub async fn request_support(&self, input: &SupportRequestInput) -> Result<SupportRequest> {
        let r = input.validate(&self.methodology, today())?;
        let id = new_id();
        let at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let opportunity: Option<(Uuid, String)> = sqlx::query_as(
                "select account_id, outcome from opportunity where opportunity_id = $1",
            )
            .bind(r.opportunity_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (account, outcome) = opportunity.filter(|(a, _)| self.scope().allows(*a)).ok_or_else(|| Error::NotFound {
                entity: "opportunity",
                id: format!("{} (in opportunityId)", r.opportunity_id),
            })?;
            if outcome != "open" {
                return Err(Error::invalid(
                    "opportunityId",
                    format!("the opportunity is {outcome}; support is requested for open deals"),
                ));
            }
            named_resource_fits!(tx, r)?;
            if let Some(e) = r.requested_by {
                must_exist!(tx, "employee", "employee", e, "requestedBy")?;
            }
            sqlx::query(
                "insert into support_request (support_request_id, opportunity_id, account_id, kind,
                     resource_id, units, needed_by, lift, requested_by, note, status,
                     methodology_version, created_at, updated_at, skills)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'requested', $11, $12, $12, $13)",
            )
            .bind(id)
            .bind(r.opportunity_id)
            .bind(account)
            .bind(&r.kind)
            .bind(r.resource_id)
            .bind(r.units)
            .bind(r.needed_by)
            .bind(r.lift)
            .bind(r.requested_by)
            .bind(&r.note)
            .bind(&self.methodology.version)
            .bind(at)
            .bind(&r.skills)
            .execute(&mut *tx)
            .await?;
            bump_account!(tx, self.reach("account", account, account)?);
            let after = current_row!(self, tx, SupportRequest, "support_request", "support request", id);
            audit!(self, tx, Change::new("request support", "support request", id).account(account).after(&after));
        });
        self.support_request_required(id).await
    }

    /// Changes a request still waiting for a decision (units, deadline, resource,
    /// lift, note); a decided request is changed only by another decision.
    #[tracing::instrument(skip(self))]
    pub async fn update_support_request(
        &self,
        id: Uuid,
        patch: SupportRequestPatch,
    ) -> Result<SupportRequest> {
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, SupportRequest, "support_request", "support request", id);
            check_revision(&current, expected, "support request", id)?;
            if current.current_status() != SupportStatus::Requested {
                return Err(Error::Conflict(format!(
                    "the request is {}; only a request waiting for a decision can be changed",
                    current.status
                )));
            }
            let r = current.patched(patch).validate(&self.methodology, today())?;
            named_resource_fits!(tx, r)?;
            let done = sqlx::query(
                "update support_request set revision = revision + 1, resource_id = $2, units = $3, needed_by = $4, lift = $5,
                        note = $6, updated_at = $7, skills = $9
                 where support_request_id = $1 and revision = $8",
            )
            .bind(id)
            .bind(r.resource_id)
            .bind(r.units)
            .bind(r.needed_by)
            .bind(r.lift)
            .bind(&r.note)
            .bind(now())
            .bind(current.revision)
            .bind(&r.skills)
            .execute(&mut *tx)
            .await?;
            revised!(self, tx, done, SupportRequest, "support_request", "support request", id, expected.unwrap_or(current.revision))?;
            bump_account!(tx, self.reach("account", current.account_id, current.account_id)?);
            let after = current_row!(self, tx, SupportRequest, "support_request", "support request", id);
            audit!(self, tx, Change::new("update support request", "support request", id).account(current.account_id).before(&current).after(&after));
        });
        self.support_request_required(id).await
    }

    /// Grants, declines, closes or cancels a request. A grant books a resource of the
    /// request's kind for a month and is refused with `OVER_CAPACITY` when the
    /// resource, or the person behind it, has no room left that month.
    #[tracing::instrument(skip(self))]
    pub async fn decide_support(
        &self,
        id: Uuid,
        input: &SupportDecisionInput,
    ) -> Result<SupportRequest> {
        let note = optional_text("note", input.note.as_deref(), MAX_NOTE_CHARS)?;
        let month = input
            .month
            .as_deref()
            .map(|m| YearMonth::parse("month", m))
            .transpose()?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let current = current_row!(self, tx, SupportRequest, "support_request", "support request", id);
            let to = input.decision.next(current.current_status())?;
            if let Some(e) = input.decided_by {
                must_exist!(tx, "employee", "employee", e, "decidedBy")?;
            }
            let (resource, booked) = match to {
                SupportStatus::Granted => {
                    let outcome: String = sqlx::query_scalar(
                        "select outcome from opportunity where opportunity_id = $1",
                    )
                    .bind(current.opportunity_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    if outcome != "open" {
                        return Err(Error::Conflict(format!(
                            "the opportunity is {outcome}; support is granted to open deals"
                        )));
                    }
                    let resource_id = input
                        .resource_id
                        .or(current.resource_id)
                        .ok_or_else(|| Error::invalid(
                            "resourceId",
                            format!("say which {} resource is granted", current.kind),
                        ))?;
                    let resource = sqlx::query_as::<_, SupportResource>(
                        "select * from support_resource where support_resource_id = $1",
                    )
                    .bind(resource_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| Error::NotFound {
                        entity: "support resource",
                        id: format!("{resource_id} (in resourceId)"),
                    })?;
                    if resource.kind != current.kind {
                        return Err(Error::invalid(
                            "resourceId",
                            format!(
                                "{} is a {}, the request asks for {}",
                                resource.name, resource.kind, current.kind
                            ),
                        ));
                    }
                    let brings = resource.skill_list();
                    let lacking: Vec<String> = current
                        .skill_list()
                        .into_iter()
                        .filter(|s| !brings.contains(s))
                        .collect();
                    if !lacking.is_empty() {
                        return Err(Error::invalid(
                            "resourceId",
                            format!(
                                "{} does not bring {}, which the request needs",
                                resource.name,
                                lacking.join(", ")
                            ),
                        ));
                    }
                    let month = month.unwrap_or_else(|| YearMonth::of(current.needed_by));
                    if month.first_day() > current.needed_by {
                        return Err(Error::invalid(
                            "month",
                            format!(
                                "{month} is after the request's deadline {}",
                                current.needed_by
                            ),
                        ));
                    }
                    let used: i64 = sqlx::query_scalar(
                        "select coalesce(sum(units), 0) from support_request
                         where granted_resource_id = $1 and granted_month = $2
                           and status in ('granted', 'done') and support_request_id <> $3",
                    )
                    .bind(resource.support_resource_id)
                    .bind(month.to_string())
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    let free = i64::from(resource.capacity) - used;
                    if i64::from(current.units) > free {
                        return Err(Error::OverCapacity(format!(
                            "{} has {} of {} free in {month}; this request needs {}",
                            resource.name,
                            free.max(0),
                            crate::domain::count(resource.capacity, "unit", "units"),
                            current.units
                        )));
                    }
                    if let Some(person) = resource.employee_id {
                        let limit: Option<(String, Option<i32>)> = sqlx::query_as(
                            "select name, support_limit from employee where employee_id = $1",
                        )
                        .bind(person)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some((name, Some(limit))) = limit {
                            let engaged: i64 = sqlx::query_scalar(
                                "select count(*) from support_request r
                                 join support_resource s on s.support_resource_id = r.granted_resource_id
                                 where s.employee_id = $1 and r.granted_month = $2
                                   and r.status in ('granted', 'done') and r.support_request_id <> $3",
                            )
                            .bind(person)
                            .bind(month.to_string())
                            .bind(id)
                            .fetch_one(&mut *tx)
                            .await?;
                            if engaged >= i64::from(limit) {
                                return Err(Error::OverCapacity(format!(
                                    "{name} already has {engaged} of {limit} support engagements in {month}"
                                )));
                            }
                        }
                    }
                    (Some(resource.support_resource_id), Some(month.to_string()))
                }
                SupportStatus::Done => (current.granted_resource_id, current.granted_month.clone()),
                _ => (None, None),
            };
            sqlx::query(
                "update support_request set status = $2, granted_resource_id = $3, granted_month = $4,
                        decided_by = $5, decided_on = $6, decision_note = $7, updated_at = $8
                 where support_request_id = $1",
            )
            .bind(id)
            .bind(to.as_str())
            .bind(resource)
            .bind(booked)
            .bind(input.decided_by.or(current.decided_by))
            .bind(today())
            .bind(note.or(current.decision_note.clone()))
            .bind(now())
            .execute(&mut *tx)
            .await?;
            bump_account!(tx, self.reach("account", current.account_id, current.account_id)?);
            let after = current_row!(self, tx, SupportRequest, "support_request", "support request", id);
            audit!(self, tx, Change::new("decide support", "support request", id).account(current.account_id).before(&current).after(&after));
        });
        self.support_request_required(id).await
    }
}
