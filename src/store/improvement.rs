//! Improvement points: set by coaches, managers and account teams, assigned,
//! closed. Coaches write these and nothing else.

use uuid::Uuid;

use super::{
    audit::{audit, Change},
    check_revision, current_row, must_exist, new_id, now, revised, with_pool, write_tx, Need,
    Store,
};
use crate::{
    domain::{today, ImprovementInput, ImprovementPatch, ImprovementPoint, ImprovementStatus},
    Error, Result,
};

/// Which points to list; filters combine.
#[derive(Debug, Default, Clone)]
pub struct ImprovementFilter {
    pub account: Option<Uuid>,
    pub opportunity: Option<Uuid>,
    pub owner: Option<Uuid>,
    pub status: Option<ImprovementStatus>,
}

/// Checks the point's deal is at its account and its owner exists (a `Result`).
macro_rules! check_links {
    ($store:expr, $tx:ident, $p:expr) => {
        async {
            if let Some(o) = $p.opportunity_id {
                super::at_account!(
                    $store,
                    $tx,
                    "opportunity",
                    "opportunity",
                    o,
                    "opportunityId",
                    $p.account_id,
                    "the opportunity is at another account"
                )?;
            }
            if let Some(e) = $p.owner_id {
                must_exist!($tx, "employee", "employee", e, "ownerId")?;
            }
            Ok::<(), Error>(())
        }
        .await
    };
}

impl Store {
    /// Points by due date (undated last), open ones first.
    pub async fn improvement_points(&self, f: &ImprovementFilter) -> Result<Vec<ImprovementPoint>> {
        if f.account.is_some_and(|a| !self.scope().allows(a)) {
            return Ok(Vec::new());
        }
        let status = f.status.map(ImprovementStatus::as_str);
        with_pool!(self, pool => Ok(sqlx::query_as::<_, ImprovementPoint>(
            "select * from improvement_point
             where ($1 is null or account_id = $1) and ($2 is null or opportunity_id = $2)
               and ($3 is null or owner_id = $3) and ($4 is null or status = $4)
             order by case status when 'open' then 0 else 1 end, due_on is null, due_on,
                      created_at, improvement_point_id",
        )
        .bind(f.account)
        .bind(f.opportunity)
        .bind(f.owner)
        .bind(status)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn improvement_point(&self, id: Uuid) -> Result<Option<ImprovementPoint>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, ImprovementPoint>(
            "select * from improvement_point where improvement_point_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(self.visible(found))
    }

    async fn improvement_point_required(&self, id: Uuid) -> Result<ImprovementPoint> {
        self.improvement_point(id)
            .await?
            .ok_or_else(|| Error::not_found("improvement point", id))
    }

    /// Sets a point for an account (and optionally one of its deals).
    #[tracing::instrument(skip(self))]
    pub async fn set_improvement_point(
        &self,
        input: &ImprovementInput,
    ) -> Result<ImprovementPoint> {
        let p = input.validate()?;
        self.reach_field("account", p.account_id, "accountId")?;
        let id = new_id();
        let at = now();
        let (_, author, _) = self.author();
        let granted = self.grant(Need::Coaching)?;
        write_tx!(granted, self, tx => {
            must_exist!(tx, "account", "account", p.account_id, "accountId")?;
            check_links!(self, tx, p)?;
            sqlx::query(
                "insert into improvement_point (improvement_point_id, account_id, opportunity_id, text, owner_id,
                        due_on, status, set_by, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $8)",
            )
            .bind(id)
            .bind(p.account_id)
            .bind(p.opportunity_id)
            .bind(&p.text)
            .bind(p.owner_id)
            .bind(p.due_on)
            .bind(&author)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            let after = current_row!(self, tx, ImprovementPoint, "improvement_point", "improvement point", id);
            audit!(self, tx, Change::new("set improvement point", "improvement point", id).account(p.account_id).after(&after));
        });
        self.announce_account(p.account_id, id, Vec::new()).await;
        self.improvement_point_required(id).await
    }

    /// Changes a point: its text, owner, due date, or status (done, dropped, open
    /// again) with a note.
    #[tracing::instrument(skip(self))]
    pub async fn update_improvement_point(
        &self,
        id: Uuid,
        patch: ImprovementPatch,
    ) -> Result<ImprovementPoint> {
        let granted = self.grant(Need::Coaching)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, ImprovementPoint, "improvement_point", "improvement point", id);
            check_revision(&current, expected, "improvement point", id)?;
            let p = current.patched(patch, today())?;
            check_links!(self, tx, p)?;
            let done = sqlx::query(
                "update improvement_point set revision = revision + 1, text = $2, owner_id = $3, due_on = $4,
                        status = $5, closed_on = $6, note = $7, updated_at = $8
                 where improvement_point_id = $1 and revision = $9",
            )
            .bind(id)
            .bind(&p.text)
            .bind(p.owner_id)
            .bind(p.due_on)
            .bind(p.status.as_str())
            .bind(p.closed_on)
            .bind(&p.note)
            .bind(now())
            .bind(current.revision)
            .execute(&mut *tx)
            .await?;
            revised!(self, tx, done, ImprovementPoint, "improvement_point", "improvement point", id, expected.unwrap_or(current.revision))?;
            let after = current_row!(self, tx, ImprovementPoint, "improvement_point", "improvement point", id);
            audit!(self, tx, Change::new("update improvement point", "improvement point", id)
                .account(current.account_id)
                .before(&current)
                .after(&after));
        });
        let point = self.improvement_point_required(id).await?;
        self.announce_account(point.account_id, id, Vec::new())
            .await;
        Ok(point)
    }
}
