//! The one error type of the library and its stable codes.
//!
//! Front ends and scripts branch on [`Error::code`], so a code, once published, is
//! never renamed; new failure kinds get new codes. The list is documented in
//! `docs/errors.md`. Internal detail (SQL, I/O) is logged and never sent to a client.

use std::fmt;

/// A result whose error is the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in guanxi, grouped by what the caller can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The record does not exist (or is out of the caller's reach). Code `NOT_FOUND`.
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },

    /// A field failed validation. Code `INVALID_INPUT`.
    #[error("{field}: {message}")]
    InvalidInput {
        field: String,
        message: String,
        /// The message as a phrase of the catalogue, where the check says it
        /// that way: the API gives it in Chinese too (`extensions.messageZh`).
        said: Option<Box<crate::domain::Phrase>>,
    },

    /// The write clashes with the current state (e.g. a stale version, a second
    /// assignment of the same person). Code `CONFLICT`.
    #[error("{0}")]
    Conflict(String),

    /// The record changed since the editor read it: their update is refused rather
    /// than overwriting a colleague's. Code `CONFLICT`, with the record as it is now.
    #[error("{entity} {id} was changed by someone else since you read it (you had revision {expected}, it is now at {revision}); reload it and make your change again")]
    Stale {
        entity: &'static str,
        id: String,
        expected: i64,
        revision: i64,
        current: Box<serde_json::Value>,
    },

    /// No valid API token was presented. Code `UNAUTHENTICATED`.
    #[error("{0}")]
    Unauthenticated(String),

    /// The caller's role does not allow this. Code `FORBIDDEN`. (A record outside
    /// the caller's accounts is `NOT_FOUND` instead: its existence is not told.)
    #[error("{0}")]
    Forbidden(String),

    /// A name that must be unique after normalisation is already taken. Code
    /// `DUPLICATE_NAME`.
    #[error("{entity} name '{name}' is already used by '{existing}' ({existing_id})")]
    DuplicateName {
        entity: &'static str,
        name: String,
        existing: String,
        existing_id: String,
    },

    /// Granting would book a support resource, or the person behind it, beyond
    /// what they can give in the month. Code `OVER_CAPACITY`.
    #[error("{0}")]
    OverCapacity(String),

    /// A methodology file is malformed or inconsistent. Code `METHODOLOGY_INVALID`.
    #[error(transparent)]
    Methodology(#[from] crate::methodology::MethodologyError),

    /// The methodology's files changed while its declared version stayed the
    /// same, so deals would change under a name that promises they do not. Code
    /// `METHODOLOGY_CHANGED`.
    #[error("methodology version {version} was recorded with other content (digest {recorded}); these files differ now: {}. Give the edited methodology a new `version` in methodology.toml, preview what it changes with `guanxi methodology adopt DIR --dry-run`, then adopt it", files.join(", "))]
    MethodologyChanged {
        version: String,
        recorded: String,
        files: Vec<String>,
    },

    /// The server cannot listen where it was told to (the port is taken, or the
    /// address is not this machine's). Code `ADDRESS_UNAVAILABLE`; the command line
    /// exits with status 3.
    #[error("cannot listen on {addr}: {reason}")]
    AddressUnavailable {
        addr: std::net::SocketAddr,
        reason: String,
    },

    /// A storage failure that is not the caller's fault. Code `INTERNAL`.
    #[error("storage error")]
    Storage(#[source] sqlx::Error),

    /// Anything else unexpected. Code `INTERNAL`.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// The stable codes, one per kind of failure. Never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Conflict,
    DuplicateName,
    OverCapacity,
    MethodologyInvalid,
    MethodologyChanged,
    Unauthenticated,
    /// The token presented has expired, or is a rotated-out secret past its grace.
    TokenExpired,
    /// Too many requests from this token or address (`--rate-limit`).
    RateLimited,
    /// Sign-on tokens (`--oidc-issuer`): not a JWT, an algorithm other than
    /// RS256/ES256, a claim missing or malformed.
    TokenInvalid,
    /// Its `nbf` is still ahead (past the clock skew).
    TokenNotYetValid,
    /// Its `aud` is not this server's audience.
    WrongAudience,
    /// Its `iss` is not the configured provider.
    WrongIssuer,
    /// Its signature does not match the provider's key.
    BadSignature,
    /// Signed with a key the provider does not publish.
    UnknownSigningKey,
    Forbidden,
    AddressUnavailable,
    /// HTTP-level refusals, before a request runs (see `docs/errors.md`).
    BadRequest,
    UnsupportedMediaType,
    NotAcceptable,
    PayloadTooLarge,
    MethodNotAllowed,
    Timeout,
    ForbiddenOrigin,
    ForbiddenHost,
    BatchNotSupported,
    /// A document nested deeper than the limits (`api::limits`).
    NestingTooDeep,
    /// A document whose cost, with list sizes, is past the limit.
    TooComplex,
    /// An answer larger than the cap.
    ResponseTooLarge,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::DuplicateName => "DUPLICATE_NAME",
            ErrorCode::OverCapacity => "OVER_CAPACITY",
            ErrorCode::MethodologyInvalid => "METHODOLOGY_INVALID",
            ErrorCode::MethodologyChanged => "METHODOLOGY_CHANGED",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::TokenInvalid => "TOKEN_INVALID",
            ErrorCode::TokenNotYetValid => "TOKEN_NOT_YET_VALID",
            ErrorCode::WrongAudience => "WRONG_AUDIENCE",
            ErrorCode::WrongIssuer => "WRONG_ISSUER",
            ErrorCode::BadSignature => "BAD_SIGNATURE",
            ErrorCode::UnknownSigningKey => "UNKNOWN_SIGNING_KEY",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::AddressUnavailable => "ADDRESS_UNAVAILABLE",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            ErrorCode::NotAcceptable => "NOT_ACCEPTABLE",
            ErrorCode::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::ForbiddenOrigin => "FORBIDDEN_ORIGIN",
            ErrorCode::ForbiddenHost => "FORBIDDEN_HOST",
            ErrorCode::BatchNotSupported => "BATCH_NOT_SUPPORTED",
            ErrorCode::NestingTooDeep => "NESTING_TOO_DEEP",
            ErrorCode::TooComplex => "TOO_COMPLEX",
            ErrorCode::ResponseTooLarge => "RESPONSE_TOO_LARGE",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// A failure several waiters shared (one graph build, one batched read), as
    /// each of them reports it: the error itself where this was the last holder,
    /// else the same kind rebuilt (a gone record stays NOT_FOUND); storage
    /// detail stays in the log.
    pub fn shared(e: std::sync::Arc<Error>) -> Error {
        match std::sync::Arc::try_unwrap(e) {
            Ok(e) => e,
            Err(e) => match &*e {
                Error::NotFound { entity, id } => Error::NotFound {
                    entity,
                    id: id.clone(),
                },
                other => Error::Internal(anyhow::anyhow!("{other}")),
            },
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::Conflict(_) | Error::Stale { .. } => ErrorCode::Conflict,
            Error::DuplicateName { .. } => ErrorCode::DuplicateName,
            Error::OverCapacity(_) => ErrorCode::OverCapacity,
            Error::Methodology(_) => ErrorCode::MethodologyInvalid,
            Error::MethodologyChanged { .. } => ErrorCode::MethodologyChanged,
            Error::Unauthenticated(_) => ErrorCode::Unauthenticated,
            Error::Forbidden(_) => ErrorCode::Forbidden,
            Error::AddressUnavailable { .. } => ErrorCode::AddressUnavailable,
            Error::Storage(_) | Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Shorthand for a validation failure on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
            said: None,
        }
    }

    /// A validation failure on one field, said from the catalogue (English in
    /// the message, both languages to the API).
    pub fn invalid_said(field: impl Into<String>, said: crate::domain::Phrase) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: said.say(crate::domain::Lang::En),
            said: Some(Box::new(said)),
        }
    }

    pub fn not_found(entity: &'static str, id: impl fmt::Display) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    /// `NOT_FOUND` for an id given in an input field: "<id> (in <field>)".
    pub fn not_found_in(
        entity: &'static str,
        id: impl fmt::Display,
        field: impl fmt::Display,
    ) -> Self {
        Error::not_found(entity, format_args!("{id} (in {field})"))
    }

    /// Prefixes the field of a validation error, so an error inside row 3 of a
    /// batch reads `members[3].influence`.
    pub fn in_field(self, prefix: &str) -> Self {
        match self {
            Error::InvalidInput {
                field,
                message,
                said,
            } => Error::InvalidInput {
                field: if field.is_empty() {
                    prefix.to_owned()
                } else {
                    format!("{prefix}.{field}")
                },
                message,
                said,
            },
            other => other,
        }
    }

    /// Whether the failure is the system's, not the caller's: these are logged and
    /// answered with a generic message.
    pub fn is_internal(&self) -> bool {
        self.code() == ErrorCode::Internal
    }
}

/// A write of an organisation's name that the database refused as taken: a
/// race with another writer past the store's own check (two servers creating
/// the same account at once). DUPLICATE_NAME like the check's answer; the other
/// record, written meanwhile, is not named.
pub(crate) fn name_taken(e: sqlx::Error, entity: &'static str, name: &str) -> Error {
    if let sqlx::Error::Database(db) = &e {
        let constraint = format!("{entity}_name_key_unique");
        let column = format!("{entity}.name_key");
        if db.kind() == sqlx::error::ErrorKind::UniqueViolation
            && (db.constraint() == Some(constraint.as_str()) || db.message().contains(&column))
        {
            return Error::DuplicateName {
                entity,
                name: name.to_owned(),
                existing: name.to_owned(),
                existing_id: String::new(),
            };
        }
    }
    Error::from(e)
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        // Constraint violations are a backstop: the store checks references and
        // names itself and reports them with context, but a race between two
        // writers still surfaces here and must not read as an internal error.
        if let sqlx::Error::Database(db) = &e {
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => {
                    return Error::Conflict(format!(
                        "the record clashes with an existing one ({})",
                        db.constraint().unwrap_or("unique constraint")
                    ));
                }
                sqlx::error::ErrorKind::ForeignKeyViolation => {
                    return Error::Conflict(
                        "a referenced record does not exist or was removed meanwhile".into(),
                    );
                }
                sqlx::error::ErrorKind::CheckViolation => {
                    return Error::invalid("", format!("value out of range ({})", db.message()));
                }
                _ => {}
            }
        }
        Error::Storage(e)
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// A second insert of the same name key on `$conn`, as a racing writer's
    /// would fail, in a temporary table named as the migrations name it.
    macro_rules! clash_on {
        ($conn:expr, $table:literal) => {{
            sqlx::query(concat!(
                "create temporary table ",
                $table,
                " (name_key text not null, constraint ",
                $table,
                "_name_key_unique unique (name_key))"
            ))
            .execute(&mut $conn)
            .await
            .unwrap();
            let insert = concat!("insert into ", $table, " (name_key) values ('huaxin')");
            sqlx::query(insert).execute(&mut $conn).await.unwrap();
            sqlx::query(insert).execute(&mut $conn).await.unwrap_err()
        }};
    }

    /// On real databases: SQLite always, PostgreSQL where the tests have one.
    #[tokio::test]
    async fn a_name_race_is_a_duplicate_name_on_both_backends() {
        let mut sqlite = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        let e = name_taken(clash_on!(sqlite, "account"), "account", "Huaxin Mobile");
        assert_eq!(e.code(), ErrorCode::DuplicateName, "{e}");
        assert!(e.to_string().contains("Huaxin Mobile"), "{e}");
        if let Ok(url) = std::env::var("GUANXI_TEST_POSTGRES_URL") {
            let mut pg = sqlx::PgConnection::connect(&url).await.unwrap();
            let e = name_taken(clash_on!(pg, "competitor"), "competitor", "Nordwave");
            assert_eq!(e.code(), ErrorCode::DuplicateName, "{e}");
        }
        // Another constraint, or another failure, keeps its own code.
        let e = name_taken(clash_on!(sqlite, "competitor"), "account", "x");
        assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
        let other = sqlx::query("insert into nowhere values (1)")
            .execute(&mut sqlite)
            .await
            .unwrap_err();
        assert_ne!(
            name_taken(other, "account", "x").code(),
            ErrorCode::DuplicateName
        );
    }
}
