//! Who is calling: the role and accounts an API token grants.

use uuid::Uuid;

use crate::{Error, Result};

/// What a caller may do. Admins do everything; coaches read everything and write
/// coaching material; account-team members read and write their teams' accounts;
/// viewers read their accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Coach,
    Member,
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coach => "coach",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Role> {
        match s.trim().to_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "coach" => Ok(Role::Coach),
            "member" => Ok(Role::Member),
            "viewer" => Ok(Role::Viewer),
            other => Err(Error::invalid(
                field,
                format!("'{other}' is not a role; use admin, coach, member or viewer"),
            )),
        }
    }

    /// Roles whose reach is limited to the accounts named on the token.
    pub fn scoped(self) -> bool {
        matches!(self, Role::Member | Role::Viewer)
    }
}

/// The caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// None for the local administrator of a server without tokens.
    pub token_id: Option<Uuid>,
    pub name: String,
    pub role: Role,
    /// The accounts a member or viewer reaches.
    pub accounts: Vec<Uuid>,
}

impl Principal {
    /// The caller of a server on a loopback address with no tokens configured.
    pub fn local_admin() -> Principal {
        Principal {
            token_id: None,
            name: "local administrator".into(),
            role: Role::Admin,
            accounts: Vec::new(),
        }
    }
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub accounts: Vec<Uuid>,
    pub created_at: time::OffsetDateTime,
    pub revoked_at: Option<time::OffsetDateTime>,
}
