use uuid::Uuid;

use super::{must_exist, new_id, now, with_pool, write_tx, Store};
use crate::{
    domain::{SupportResource, SupportResourceInput, SupportResourcePatch, ValidSupportResource},
    Error, Result,
};

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
        let r: ValidSupportResource = input.validate(&self.methodology)?;
        let id = new_id();
        let at = now();
        write_tx!(self, tx => {
            if let Some(e) = r.employee_id {
                must_exist!(tx, "employee", "employee", e, "employeeId");
            }
            sqlx::query(
                "insert into support_resource (support_resource_id, name, kind, capacity, unit, employee_id,
                                               created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(id)
            .bind(r.name.as_ref())
            .bind(&r.kind)
            .bind(r.capacity)
            .bind(&r.unit)
            .bind(r.employee_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        });
        self.support_resource_required(id).await
    }

    #[tracing::instrument(skip(self))]
    pub async fn update_support_resource(
        &self,
        id: Uuid,
        patch: SupportResourcePatch,
    ) -> Result<SupportResource> {
        write_tx!(self, tx => {
            let current = sqlx::query_as::<_, SupportResource>(
                "select * from support_resource where support_resource_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::not_found("support resource", id))?;
            let r = current.patched(patch).validate(&self.methodology)?;
            if let Some(e) = r.employee_id {
                must_exist!(tx, "employee", "employee", e, "employeeId");
            }
            sqlx::query(
                "update support_resource set name = $2, kind = $3, capacity = $4, unit = $5,
                        employee_id = $6, updated_at = $7
                 where support_resource_id = $1",
            )
            .bind(id)
            .bind(r.name.as_ref())
            .bind(&r.kind)
            .bind(r.capacity)
            .bind(&r.unit)
            .bind(r.employee_id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        });
        self.support_resource_required(id).await
    }
}
