use uuid::Uuid;

use super::{
    audit::{audit, Change},
    check_revision, current_row, new_id, now, revised, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{look_alike_key, Account, AccountInput, AccountPatch, OrganisationName},
    Error, Result,
};

/// One page of accounts and the total behind it.
#[derive(Debug)]
pub struct AccountPage {
    pub accounts: Vec<Account>,
    pub total: i64,
}

impl Store {
    /// Accounts ordered by normalised name; `search` matches the name or its key.
    #[tracing::instrument(skip(self))]
    pub async fn accounts(
        &self,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<AccountPage> {
        let pattern = format!(
            "%{}%",
            search
                .map(crate::domain::normalise_organisation)
                .unwrap_or_default()
                .replace('%', "")
        );
        if let Some(scope) = self.scope().accounts() {
            // A scoped caller names a handful of accounts: read those, filter, page.
            let key = pattern.trim_matches('%');
            let mut accounts = Vec::with_capacity(scope.len());
            for id in scope {
                if let Some(a) = self.account(*id).await? {
                    if a.name_key.contains(key) {
                        accounts.push(a);
                    }
                }
            }
            accounts.sort_by(|a, b| (&a.name_key, a.account_id).cmp(&(&b.name_key, b.account_id)));
            let total = accounts.len() as i64;
            let accounts = accounts
                .into_iter()
                .skip(usize::try_from(offset).unwrap_or(0))
                .take(usize::try_from(limit).unwrap_or(0))
                .collect();
            return Ok(AccountPage { accounts, total });
        }
        with_pool!(self, pool => {
            let accounts = sqlx::query_as::<_, Account>(
                "select * from account where name_key like $1
                 order by name_key, account_id limit $2 offset $3",
            )
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar("select count(*) from account where name_key like $1")
                .bind(&pattern)
                .fetch_one(pool)
                .await?;
            Ok(AccountPage { accounts, total })
        })
    }

    #[tracing::instrument(skip(self))]
    pub async fn account(&self, id: Uuid) -> Result<Option<Account>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, Account>("select * from account where account_id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?);
        Ok(self.visible(found))
    }

    pub async fn account_required(&self, id: Uuid) -> Result<Account> {
        self.account(id)
            .await?
            .ok_or_else(|| Error::not_found("account", id))
    }

    /// The account whose normalised name equals this name's, if any.
    pub async fn account_by_name(&self, name: &str) -> Result<Option<Account>> {
        let key = crate::domain::normalise_organisation(name);
        let found = with_pool!(self, pool => sqlx::query_as::<_, Account>("select * from account where name_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?);
        Ok(self.visible(found))
    }

    #[tracing::instrument(skip(self))]
    pub async fn create_account(&self, input: &AccountInput) -> Result<Account> {
        self.org_write("creating accounts")?;
        let a = input.validate(&self.methodology)?;
        let id = new_id();
        let at = now();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let others = sqlx::query_as::<_, Account>("select * from account where account_id <> $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            if let Some(existing) = clash(&others, &a.name) {
                return Err(self.duplicate(a.name.display(), existing));
            }
            sqlx::query(
                "insert into account (account_id, name, name_key, industry, region, tier, owner_team,
                                      version, created_at, updated_at)
                 values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)",
            )
            .bind(id)
            .bind(a.name.display())
            .bind(a.name.key())
            .bind(&a.industry)
            .bind(&a.region)
            .bind(&a.tier)
            .bind(&a.owner_team)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::name_taken(e, "account", a.name.display()))?;
            let after = current_row!(self, tx, Account, "account", "account", id);
            audit!(self, tx, Change::new("create account", "account", id).account(id).after(&after));
        });
        self.account_required(id).await
    }

    #[tracing::instrument(skip(self))]
    pub async fn update_account(&self, id: Uuid, patch: AccountPatch) -> Result<Account> {
        self.reach("account", id, id)?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let expected = patch.expected_revision;
            let current = current_row!(self, tx, Account, "account", "account", id);
            check_revision(&current, expected, "account", id)?;
            let a = current.patched(patch).validate(&self.methodology)?;
            let others = sqlx::query_as::<_, Account>("select * from account where account_id <> $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            if let Some(existing) = clash(&others, &a.name) {
                return Err(self.duplicate(a.name.display(), existing));
            }
            let done = sqlx::query(
                "update account set revision = revision + 1, name = $2, name_key = $3, industry = $4, region = $5, tier = $6,
                        owner_team = $7, version = version + 1, updated_at = $8
                 where account_id = $1 and revision = $9",
            )
            .bind(id)
            .bind(a.name.display())
            .bind(a.name.key())
            .bind(&a.industry)
            .bind(&a.region)
            .bind(&a.tier)
            .bind(&a.owner_team)
            .bind(now())
            .bind(current.revision)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::error::name_taken(e, "account", a.name.display()))?;
            revised!(self, tx, done, Account, "account", "account", id, expected.unwrap_or(current.revision))?;
            let after = current_row!(self, tx, Account, "account", "account", id);
            audit!(self, tx, Change::new("update account", "account", id).account(id).before(&current).after(&after));
        });
        self.account_required(id).await
    }
}

impl Store {
    /// The clash with an existing account; one outside the caller's scope is not
    /// named.
    fn duplicate(&self, name: &str, existing: &Account) -> Error {
        let seen = self.scope().allows(existing.account_id);
        Error::DuplicateName {
            entity: "account",
            name: name.to_owned(),
            existing: if seen {
                existing.name.clone()
            } else {
                name.to_owned()
            },
            existing_id: if seen {
                existing.account_id.to_string()
            } else {
                String::new()
            },
        }
    }
}

/// The account another's name clashes with: the same key, or a name that looks
/// the same ([`look_alike_key`]: confusable letters, invisible characters,
/// brackets and spaces in a Chinese name).
fn clash<'a>(others: &'a [Account], name: &OrganisationName) -> Option<&'a Account> {
    let looks = look_alike_key(name.display());
    others
        .iter()
        .find(|o| o.name_key == name.key())
        .or_else(|| others.iter().find(|o| look_alike_key(&o.name) == looks))
}
