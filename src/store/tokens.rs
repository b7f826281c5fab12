//! API tokens: created with a random secret that is shown once and kept only as a
//! SHA-256 hash, listed, revoked, and looked up by the secret a request presents.

use rand::{rngs::StdRng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    must_exist, new_id, now, with_pool, write_tx, Store,
};
use crate::{
    domain::{ApiToken, Principal, Role},
    Error, Result,
};

/// What every secret starts with, so a leaked one is recognisable in logs and
/// secret scanners.
const PREFIX: &str = "gx_";

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A token's row; the secret's hash is never read back.
const SELECT_TOKEN: &str = "select api_token_id, name, role, created_at, revoked_at from api_token";

#[derive(sqlx::FromRow)]
struct TokenRow {
    api_token_id: Uuid,
    name: String,
    role: String,
    created_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
}

impl Store {
    /// Creates a token and returns it with its secret, which is not stored and
    /// cannot be shown again. Members and viewers need at least one account.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        accounts: &[Uuid],
    ) -> Result<(ApiToken, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(Error::invalid(
                "name",
                "give the token a name of 1 to 200 characters",
            ));
        }
        if role.scoped() && accounts.is_empty() {
            return Err(Error::invalid(
                "account",
                format!("a {} token needs at least one account", role.as_str()),
            ));
        }
        if !role.scoped() && !accounts.is_empty() {
            return Err(Error::invalid(
                "account",
                format!(
                    "a {} token reaches every account; leave the accounts out",
                    role.as_str()
                ),
            ));
        }
        let mut bytes = [0u8; 32];
        StdRng::from_os_rng().fill_bytes(&mut bytes);
        let secret = format!(
            "{PREFIX}{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let id = new_id();
        let created_at = now();
        write_tx!(self, tx => {
            for a in accounts {
                must_exist!(tx, "account", "account", *a, "account");
            }
            sqlx::query(
                "insert into api_token (api_token_id, name, role, secret_hash, created_at)
                 values ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(name)
            .bind(role.as_str())
            .bind(hash(&secret))
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
            for a in accounts {
                sqlx::query(
                    "insert into api_token_account (api_token_id, account_id) values ($1, $2)
                     on conflict do nothing",
                )
                .bind(id)
                .bind(*a)
                .execute(&mut *tx)
                .await?;
            }
            audit!(self, tx, Change::new("create token", "API token", id)
                .after(&serde_json::json!({ "name": name, "role": role.as_str(), "accounts": accounts })));
        });
        let mut accounts = accounts.to_vec();
        accounts.sort();
        accounts.dedup();
        Ok((
            ApiToken {
                id,
                name: name.to_owned(),
                role,
                accounts,
                created_at,
                revoked_at: None,
            },
            secret,
        ))
    }

    /// Every token, revoked ones included, oldest first.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = with_pool!(self, pool => sqlx::query_as(
            &format!("{SELECT_TOKEN} order by created_at, api_token_id"),
        )
        .fetch_all(pool)
        .await?);
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.token_from(r).await?);
        }
        Ok(out)
    }

    /// Revokes a token at once; requests presenting it are refused from now on.
    pub async fn revoke_token(&self, id: Uuid) -> Result<ApiToken> {
        write_tx!(self, tx => {
            let done = sqlx::query(
                "update api_token set revoked_at = $2 where api_token_id = $1 and revoked_at is null",
            )
            .bind(id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                must_exist!(tx, "api_token", "API token", id, "id");
            } else {
                audit!(self, tx, Change::new("revoke token", "API token", id));
            }
        });
        let row: TokenRow = with_pool!(self, pool => sqlx::query_as(
            &format!("{SELECT_TOKEN} where api_token_id = $1"),
        )
        .bind(id)
        .fetch_one(pool)
        .await?);
        self.token_from(row).await
    }

    /// Whether any token is in force: without one, only a loopback server may run.
    pub async fn has_active_tokens(&self) -> Result<bool> {
        Ok(with_pool!(self, pool => sqlx::query_scalar(
            "select exists (select 1 from api_token where revoked_at is null)",
        )
        .fetch_one(pool)
        .await?))
    }

    /// The caller a presented secret stands for, or None when it is unknown or revoked.
    pub async fn principal_for(&self, secret: &str) -> Result<Option<Principal>> {
        if !secret.starts_with(PREFIX) {
            return Ok(None);
        }
        let row: Option<TokenRow> = with_pool!(self, pool => sqlx::query_as(
            &format!("{SELECT_TOKEN} where secret_hash = $1 and revoked_at is null"),
        )
        .bind(hash(secret))
        .fetch_optional(pool)
        .await?);
        let Some(row) = row else {
            return Ok(None);
        };
        let token = self.token_from(row).await?;
        Ok(Some(Principal {
            token_id: Some(token.id),
            name: token.name,
            role: token.role,
            accounts: token.accounts,
        }))
    }

    async fn token_from(&self, r: TokenRow) -> Result<ApiToken> {
        let accounts: Vec<Uuid> = with_pool!(self, pool => sqlx::query_scalar(
            "select account_id from api_token_account where api_token_id = $1 order by account_id",
        )
        .bind(r.api_token_id)
        .fetch_all(pool)
        .await?);
        Ok(ApiToken {
            id: r.api_token_id,
            name: r.name,
            role: Role::parse("role", &r.role)?,
            accounts,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        })
    }
}
