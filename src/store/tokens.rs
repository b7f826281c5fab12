//! API tokens: created with a random secret that is shown once and kept only as a
//! SHA-256 hash, listed, revoked, rotated, expiring, and looked up by the secret a
//! request presents.

use rand::{rngs::StdRng, RngCore, SeedableRng};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    must_exist, new_id, now, with_pool, write_tx, Need, Store,
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
const TOKEN_COLUMNS: &str = "api_token_id, name, role, created_at, revoked_at, expires_at, \
     last_used_at, rotated_at, previous_valid_until";

#[derive(sqlx::FromRow)]
struct TokenRow {
    api_token_id: Uuid,
    name: String,
    role: String,
    created_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    expires_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
    rotated_at: Option<OffsetDateTime>,
    previous_valid_until: Option<OffsetDateTime>,
    /// Whether the presented secret is the current one (lookups by secret only).
    #[sqlx(default)]
    current: bool,
}

/// A moment as the audit trail writes it.
fn stamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What a presented secret stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// A token in force: its caller.
    Valid(Principal),
    /// No token has this secret, or its token was revoked.
    Unknown,
    /// The token expired, or this is a secret a rotation replaced and its grace
    /// period is over: when.
    Expired(OffsetDateTime),
}

/// The longest lifetime and grace period a token may be given: ten years.
const LONGEST: std::time::Duration = std::time::Duration::from_secs(10 * 366 * 24 * 3600);

/// A lifetime as `--expires-in` and `--grace` take it (`90d`, `12h`, `30s`,
/// `1h 30m`), checked: positive (a grace may be zero) and at most ten years.
pub fn parse_lifetime(field: &str, text: &str, zero_allowed: bool) -> Result<time::Duration> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| {
        Error::invalid(
            field,
            format!("'{text}' is not a duration ({e}): give e.g. 90d, 12h or 30s"),
        )
    })?;
    if d.is_zero() && !zero_allowed {
        return Err(Error::invalid(field, "give a duration longer than zero"));
    }
    if d > LONGEST {
        return Err(Error::invalid(
            field,
            format!("'{text}' is longer than ten years"),
        ));
    }
    time::Duration::try_from(d)
        .map_err(|_| Error::invalid(field, format!("'{text}' is longer than ten years")))
}

/// A new random secret and its hash.
fn new_secret() -> (String, String) {
    let mut bytes = [0u8; 32];
    StdRng::from_os_rng().fill_bytes(&mut bytes);
    let secret = format!(
        "{PREFIX}{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let hashed = hash(&secret);
    (secret, hashed)
}

/// Last use is written at most this often per token and server: a request must
/// not cost a write.
const USE_RESOLUTION: std::time::Duration = std::time::Duration::from_secs(60);

impl Store {
    /// Creates a token and returns it with its secret, which is not stored and
    /// cannot be shown again. Members and viewers need at least one account.
    pub async fn create_token(
        &self,
        name: &str,
        role: Role,
        accounts: &[Uuid],
    ) -> Result<(ApiToken, String)> {
        self.create_token_expiring(name, role, accounts, None).await
    }

    /// As [`Store::create_token`], expiring `lifetime` from now when given.
    pub async fn create_token_expiring(
        &self,
        name: &str,
        role: Role,
        accounts: &[Uuid],
        lifetime: Option<time::Duration>,
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
        if lifetime.is_some_and(|l| !l.is_positive()) {
            return Err(Error::invalid(
                "expiresIn",
                "give a lifetime longer than zero",
            ));
        }
        let (secret, hashed) = new_secret();
        let id = new_id();
        let created_at = now();
        let expires_at = lifetime.map(|l| created_at + l);
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            for a in accounts {
                must_exist!(tx, "account", "account", *a, "account")?;
            }
            sqlx::query(
                "insert into api_token (api_token_id, name, role, secret_hash, created_at, expires_at)
                 values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(name)
            .bind(role.as_str())
            .bind(hashed)
            .bind(created_at)
            .bind(expires_at)
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
                .after(&serde_json::json!({ "name": name, "role": role.as_str(), "accounts": accounts, "expiresAt": expires_at.map(stamp) })));
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
                expires_at,
                last_used_at: None,
                rotated_at: None,
                previous_valid_until: None,
            },
            secret,
        ))
    }

    /// Gives a token a new secret, returned once. The old secret keeps letting
    /// its holder in for `grace` (zero: not at all), so the machines using it can
    /// be moved over; a second rotation within the grace period retires the first
    /// secret at once. With `lifetime`, the token expires that long from now;
    /// without, its expiry stays. A revoked token cannot be rotated.
    pub async fn rotate_token(
        &self,
        id: Uuid,
        grace: time::Duration,
        lifetime: Option<time::Duration>,
    ) -> Result<(ApiToken, String)> {
        if grace.is_negative() {
            return Err(Error::invalid(
                "grace",
                "give a grace period of zero or more",
            ));
        }
        if lifetime.is_some_and(|l| !l.is_positive()) {
            return Err(Error::invalid(
                "expiresIn",
                "give a lifetime longer than zero",
            ));
        }
        let (secret, hashed) = new_secret();
        let at = now();
        let until = at + grace;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let found: Option<(Option<OffsetDateTime>, Option<OffsetDateTime>)> = sqlx::query_as(
                "select revoked_at, expires_at from api_token where api_token_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let expires_at = match found {
                None => return Err(Error::NotFound { entity: "API token", id: id.to_string() }),
                Some((Some(when), _)) => {
                    return Err(Error::invalid(
                        "id",
                        format!("the token was revoked on {}; create a new one instead", when.date()),
                    ))
                }
                Some((None, expires_at)) => expires_at,
            };
            if let (Some(e), None) = (expires_at, lifetime) {
                if e <= at {
                    return Err(Error::invalid(
                        "expiresIn",
                        format!("the token expired on {}: give it a new lifetime with --expires-in, or create a new one", e.date()),
                    ));
                }
            }
            // The old secret never outlives the token's expiry as it was.
            let until = match expires_at {
                Some(e) => until.min(e.max(at)),
                None => until,
            };
            sqlx::query(
                "update api_token set previous_secret_hash = secret_hash, previous_valid_until = $2,
                     secret_hash = $3, rotated_at = $4, expires_at = coalesce($5, expires_at)
                 where api_token_id = $1",
            )
            .bind(id)
            .bind(until)
            .bind(hashed)
            .bind(at)
            .bind(lifetime.map(|l| at + l))
            .execute(&mut *tx)
            .await?;
            audit!(self, tx, Change::new("rotate token", "API token", id)
                .after(&serde_json::json!({
                    "previousValidUntil": stamp(until),
                    "expiresAt": lifetime.map(|l| stamp(at + l)),
                })));
        });
        Ok((self.token(id).await?, secret))
    }

    /// One token, as listed.
    pub async fn token(&self, id: Uuid) -> Result<ApiToken> {
        let row: Option<TokenRow> = with_pool!(self, pool => sqlx::query_as(
            &format!("select {TOKEN_COLUMNS} from api_token where api_token_id = $1"),
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        match row {
            Some(row) => self.token_from(row).await,
            None => Err(Error::NotFound {
                entity: "API token",
                id: id.to_string(),
            }),
        }
    }

    /// Every token, revoked ones included, oldest first.
    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        let rows: Vec<TokenRow> = with_pool!(self, pool => sqlx::query_as(
            &format!("select {TOKEN_COLUMNS} from api_token order by created_at, api_token_id"),
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
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let done = sqlx::query(
                "update api_token set revoked_at = $2 where api_token_id = $1 and revoked_at is null",
            )
            .bind(id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                must_exist!(tx, "api_token", "API token", id, "id")?;
            } else {
                audit!(self, tx, Change::new("revoke token", "API token", id));
            }
        });
        self.token(id).await
    }

    /// Whether any token is in force: without one, only a loopback server may run.
    pub async fn has_active_tokens(&self) -> Result<bool> {
        Ok(with_pool!(self, pool => sqlx::query_scalar(
            "select exists (select 1 from api_token where revoked_at is null)",
        )
        .fetch_one(pool)
        .await?))
    }

    /// What a presented secret stands for: its caller, or why nobody. A secret a
    /// rotation replaced stands for its token until the grace period ends. Each
    /// use is noted (at most once a minute per token and process, in the
    /// background: letting a request in never waits on a write).
    pub async fn check_token(&self, secret: &str) -> Result<TokenCheck> {
        if !secret.starts_with(PREFIX) {
            return Ok(TokenCheck::Unknown);
        }
        let hashed = hash(secret);
        let row: Option<TokenRow> = with_pool!(self, pool => sqlx::query_as(&format!(
            "select {TOKEN_COLUMNS}, secret_hash = $1 as current from api_token
             where (secret_hash = $1 or previous_secret_hash = $1) and revoked_at is null"
        ))
        .bind(&hashed)
        .fetch_optional(pool)
        .await?);
        let Some(row) = row else {
            return Ok(TokenCheck::Unknown);
        };
        let at = now();
        if let Some(expired) = row.expires_at.filter(|e| *e <= at) {
            return Ok(TokenCheck::Expired(expired));
        }
        if !row.current {
            match row.previous_valid_until {
                Some(until) if until > at => {}
                Some(until) => return Ok(TokenCheck::Expired(until)),
                None => return Ok(TokenCheck::Unknown),
            }
        }
        let token = self.token_from(row).await?;
        self.note_use(token.id);
        Ok(TokenCheck::Valid(Principal {
            token_id: Some(token.id),
            name: token.name,
            role: token.role,
            accounts: token.accounts,
        }))
    }

    /// The caller a presented secret stands for, or None when it is unknown,
    /// revoked or expired.
    pub async fn principal_for(&self, secret: &str) -> Result<Option<Principal>> {
        Ok(match self.check_token(secret).await? {
            TokenCheck::Valid(p) => Some(p),
            TokenCheck::Unknown | TokenCheck::Expired(_) => None,
        })
    }

    /// Notes that a token let a request in, unless this process noted it less
    /// than a minute ago. Best effort: a failed write is logged, not answered.
    fn note_use(&self, id: Uuid) {
        let due = {
            let mut noted = self
                .token_uses
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = std::time::Instant::now();
            match noted.get(&id) {
                Some(last) if now.duration_since(*last) < USE_RESOLUTION => false,
                _ => {
                    noted.insert(id, now);
                    true
                }
            }
        };
        if !due {
            return;
        }
        let store = self.clone();
        let at = now();
        let minute = at
            .replace_second(0)
            .unwrap_or(at)
            .replace_nanosecond(0)
            .unwrap_or(at);
        tokio::spawn(async move {
            let done = with_pool!(store, pool => sqlx::query(
                // Never backwards: another server may have noted a later use.
                "update api_token set last_used_at = $2 where api_token_id = $1 and (last_used_at is null or last_used_at < $2)",
            )
            .bind(id)
            .bind(minute)
            .execute(pool)
            .await
            .map(|_| ()));
            if let Err(e) = done {
                tracing::warn!(error = %e, token = %id, "noting a token's last use");
            }
        });
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
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            rotated_at: r.rotated_at,
            previous_valid_until: r.previous_valid_until,
        })
    }
}
