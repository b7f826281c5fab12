use uuid::Uuid;

use super::{
    audit::{audit, Change},
    check_revision, current_row, new_id, now, revised, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{look_alike_key, Competitor, CompetitorInput, CompetitorPatch, OrganisationName},
    Error, Result,
};

impl Store {
    pub async fn competitors(&self) -> Result<Vec<Competitor>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Competitor>(
            "select * from competitor order by name_key, competitor_id",
        )
        .fetch_all(pool)
        .await?))
    }

    pub async fn competitor(&self, id: Uuid) -> Result<Option<Competitor>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Competitor>(
            "select * from competitor where competitor_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?))
    }

    pub async fn competitor_required(&self, id: Uuid) -> Result<Competitor> {
        self.competitor(id)
            .await?
            .ok_or_else(|| Error::not_found("competitor", id))
    }

    /// Competitors present at an account: ties to its people or in play in its deals.
    pub async fn competitors_of_account(&self, account_id: Uuid) -> Result<Vec<Competitor>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Competitor>(
            "select * from competitor where competitor_id in (
                 select competitor_id from relationship where account_id = $1 and competitor_id is not null
                 union select competitor_id from opportunity_competitor where account_id = $1)
             order by name_key, competitor_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    pub async fn competitors_of_opportunity(
        &self,
        opportunity_id: Uuid,
    ) -> Result<Vec<Competitor>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Competitor>(
            "select c.* from competitor c join opportunity_competitor oc on oc.competitor_id = c.competitor_id
             where oc.opportunity_id = $1 order by c.name_key",
        )
        .bind(opportunity_id)
        .fetch_all(pool)
        .await?))
    }

    #[tracing::instrument(skip(self))]
    pub async fn create_competitor(&self, input: &CompetitorInput) -> Result<Competitor> {
        self.org_write("creating and changing competitors")?;
        let c = input.validate()?;
        let id = new_id();
        let at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let others = sqlx::query_as::<_, Competitor>("select * from competitor where competitor_id <> $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            if let Some(existing) = clash(&others, &c.name) {
                return Err(duplicate(c.name.display(), existing));
            }
            sqlx::query(
                "insert into competitor (competitor_id, name, name_key, note, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $5)",
            )
            .bind(id)
            .bind(c.name.display())
            .bind(c.name.key())
            .bind(&c.note)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::name_taken(e, "competitor", c.name.display()))?;
            let after = current_row!(self, tx, Competitor, "competitor", "competitor", id);
            audit!(self, tx, Change::new("create competitor", "competitor", id).after(&after));
        });
        self.competitor_required(id).await
    }

    #[tracing::instrument(skip(self))]
    pub async fn update_competitor(&self, id: Uuid, patch: CompetitorPatch) -> Result<Competitor> {
        self.org_write("creating and changing competitors")?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, Competitor, "competitor", "competitor", id);
            check_revision(&current, expected, "competitor", id)?;
            let c = current.patched(patch).validate()?;
            let others = sqlx::query_as::<_, Competitor>("select * from competitor where competitor_id <> $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            if let Some(existing) = clash(&others, &c.name) {
                return Err(duplicate(c.name.display(), existing));
            }
            let done = sqlx::query(
                "update competitor set revision = revision + 1, name = $2, name_key = $3, note = $4, updated_at = $5
                 where competitor_id = $1 and revision = $6",
            )
            .bind(id)
            .bind(c.name.display())
            .bind(c.name.key())
            .bind(&c.note)
            .bind(now())
            .bind(current.revision)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::name_taken(e, "competitor", c.name.display()))?;
            revised!(self, tx, done, Competitor, "competitor", "competitor", id, expected.unwrap_or(current.revision))?;
            let after = current_row!(self, tx, Competitor, "competitor", "competitor", id);
            audit!(self, tx, Change::new("update competitor", "competitor", id).before(&current).after(&after));
        });
        self.competitor_required(id).await
    }
}

/// The competitor another's name clashes with: the same key, or a name that looks
/// the same ([`look_alike_key`]).
fn clash<'a>(others: &'a [Competitor], name: &OrganisationName) -> Option<&'a Competitor> {
    let looks = look_alike_key(name.display());
    others
        .iter()
        .find(|o| o.name_key == name.key())
        .or_else(|| others.iter().find(|o| look_alike_key(&o.name) == looks))
}

fn duplicate(name: &str, existing: &Competitor) -> Error {
    Error::DuplicateName {
        entity: "competitor",
        name: name.to_owned(),
        existing: existing.name.clone(),
        existing_id: existing.competitor_id.to_string(),
    }
}
