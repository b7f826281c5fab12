//! Who is calling: the role and accounts an API token grants.

use std::{collections::BTreeSet, sync::Arc};

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
    /// The records this caller reaches.
    pub fn scope(&self) -> Scope {
        if self.role.scoped() {
            Scope::Accounts(Arc::new(self.accounts.iter().copied().collect()))
        } else {
            Scope::All
        }
    }

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
    /// After this moment the token lets nobody in (`--expires-in`); none: never.
    pub expires_at: Option<time::OffsetDateTime>,
    /// When a server last let a request in with it, to the minute; none: never used.
    pub last_used_at: Option<time::OffsetDateTime>,
    /// When its secret was last replaced (`guanxi token rotate`).
    pub rotated_at: Option<time::OffsetDateTime>,
    /// Until when the secret a rotation replaced still lets its holder in.
    pub previous_valid_until: Option<time::OffsetDateTime>,
}

/// Which accounts' records a store handle reaches. Every record belongs to one
/// account (people by where they work now, relationships, interactions and deals by
/// where they happened); our employees, competitors and support resources belong to
/// the organisation and are visible to all, but only an unscoped caller changes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Administrators, coaches, the command line.
    #[default]
    All,
    /// Members and viewers: the accounts named on their token.
    Accounts(Arc<BTreeSet<Uuid>>),
}

impl Scope {
    pub fn is_all(&self) -> bool {
        matches!(self, Scope::All)
    }

    pub fn allows(&self, account: Uuid) -> bool {
        match self {
            Scope::All => true,
            Scope::Accounts(set) => set.contains(&account),
        }
    }

    /// Records without an account (ties between our own employees) belong to the
    /// organisation: visible to all.
    pub fn allows_opt(&self, account: Option<Uuid>) -> bool {
        account.is_none_or(|a| self.allows(a))
    }

    /// The accounts of a scoped caller, none for an unscoped one.
    pub fn accounts(&self) -> Option<&BTreeSet<Uuid>> {
        match self {
            Scope::All => None,
            Scope::Accounts(set) => Some(set),
        }
    }
}
