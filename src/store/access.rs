//! Who may do what through a store handle, checked in one place per method.
//!
//! A write method starts with `self.grant(Need::…)?`, the role check, which
//! returns the [`Granted`] that `write_tx!` needs to open a transaction; every
//! account it changes is first passed through [`Store::reach`], the scope check,
//! whose [`Reached`] is what `bump_account!` needs to bump the account's version.
//! So a write that skips either check does not compile. Organisation-wide writes
//! add [`Store::org_write`]. Reads filter with [`Store::visible`] and
//! [`Store::in_scope`].

use uuid::Uuid;

use super::{Owned, Store};
use crate::{domain::Role, Error, Result};

/// What a write needs of the caller's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Changing business records: administrators and account members.
    Write,
    /// Coaching records (improvement points): coaches too.
    Coaching,
    /// Server settings such as webhooks: administrators only; `what` names them
    /// in the refusal.
    Admin { what: &'static str },
}

/// Proof that the role check of one write ran and passed.
#[derive(Debug)]
pub(crate) struct Granted(());

/// Proof that the caller's scope holds an account.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reached(Uuid);

impl Reached {
    pub(crate) fn account(self) -> Uuid {
        self.0
    }
}

impl Store {
    /// The role check of a write: viewers never write, coaches only coaching
    /// records; the command line (no caller) writes everything.
    pub(crate) fn grant(&self, need: Need) -> Result<Granted> {
        match need {
            Need::Admin { what } => {
                if self.actor().is_some_and(|p| p.role != Role::Admin) {
                    return Err(Error::Forbidden(format!(
                        "{what} are managed by administrators"
                    )));
                }
            }
            _ => self.may_write(need == Need::Coaching)?,
        }
        Ok(Granted(()))
    }

    /// `NOT_FOUND` (the `entity` with this `id`) when the record's account is out of
    /// scope: a forbidden record behaves as one that does not exist.
    pub(crate) fn reach(
        &self,
        entity: &'static str,
        account: Uuid,
        id: impl std::fmt::Display,
    ) -> Result<Reached> {
        if self.scope.allows(account) {
            Ok(Reached(account))
        } else {
            Err(Error::not_found(entity, id))
        }
    }

    /// [`Store::reach`] for an id given in an input field.
    pub(crate) fn reach_field(
        &self,
        entity: &'static str,
        account: Uuid,
        field: &str,
    ) -> Result<Reached> {
        self.reach(entity, account, format_args!("{account} (in {field})"))
    }

    /// The record if it is in scope.
    pub(crate) fn visible<T: Owned>(&self, record: Option<T>) -> Option<T> {
        record.filter(|r| self.scope.allows_opt(r.owner()))
    }

    /// Keeps the records in scope.
    pub(crate) fn in_scope<T: Owned>(&self, mut records: Vec<T>) -> Vec<T> {
        if !self.scope.is_all() {
            records.retain(|r| self.scope.allows_opt(r.owner()));
        }
        records
    }

    /// Refuses a write to a caller whose role only reads: viewers always, coaches
    /// except for coaching records (improvement points).
    fn may_write(&self, coaching: bool) -> Result<()> {
        let Some(caller) = self.actor() else {
            return Ok(());
        };
        let what = match caller.role {
            Role::Admin | Role::Member => return Ok(()),
            Role::Coach if coaching => return Ok(()),
            Role::Coach => "reads everything and writes improvement points only",
            Role::Viewer => "reads but does not change data",
        };
        Err(Error::Forbidden(format!(
            "the token '{}' is a {} token, which {what}",
            caller.name,
            caller.role.as_str()
        )))
    }

    /// Refuses organisation-wide writes (accounts, employees, competitors, support
    /// resources, ties between our own people) to callers scoped to some accounts.
    pub(crate) fn org_write(&self, what: &str) -> Result<()> {
        if self.scope.is_all() {
            Ok(())
        } else {
            Err(Error::Forbidden(format!(
                "{what} needs an administrator: it changes records every account team shares"
            )))
        }
    }
}
