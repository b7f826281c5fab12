//! Deleting and restoring over GraphQL: people, ties, interactions, improvement
//! points and deals are deleted with what hangs on them, kept restorable for the
//! server's deletion window, then purged (see `docs/privacy.md`).

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{context::store, error::Coded, ids::parse};
use crate::{
    domain::{ImprovementPoint, Interaction, Opportunity, Person, Relationship},
    store::{Deletable, DeletedRecord, Erasure, LikelyDuplicate},
    Error,
};

/// What kind of record was deleted.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(name = "DeletedEntity")]
pub enum DeletedEntityG {
    Person,
    Relationship,
    Interaction,
    ImprovementPoint,
    Opportunity,
}

impl From<Deletable> for DeletedEntityG {
    fn from(d: Deletable) -> Self {
        match d {
            Deletable::Person => DeletedEntityG::Person,
            Deletable::Relationship => DeletedEntityG::Relationship,
            Deletable::Interaction => DeletedEntityG::Interaction,
            Deletable::ImprovementPoint => DeletedEntityG::ImprovementPoint,
            Deletable::Opportunity => DeletedEntityG::Opportunity,
        }
    }
}

/// Rows of one list taken out with a deleted record.
#[derive(SimpleObject)]
pub struct DeletedRows {
    /// The list as guanxi's export names it (`assessments`, `positions`, …).
    pub list: String,
    pub count: i32,
}

#[Object]
impl DeletedRecord {
    async fn entity(&self) -> DeletedEntityG {
        self.entity.into()
    }
    /// The deleted record's id: give it to the matching `restore…` mutation.
    async fn record_id(&self) -> ID {
        ID(self.record_id.to_string())
    }
    async fn account_id(&self) -> Option<ID> {
        self.account_id.map(|a| ID(a.to_string()))
    }
    /// What it was, as people name it.
    async fn label(&self) -> &str {
        &self.label
    }
    async fn deleted_at(&self) -> OffsetDateTime {
        self.deleted_at
    }
    async fn deleted_by(&self) -> &str {
        &self.deleted_by
    }
    /// After this it is purged for good.
    async fn restorable_until(&self) -> OffsetDateTime {
        self.purge_after
    }
    /// What was taken out with it.
    async fn rows(&self) -> Vec<DeletedRows> {
        self.rows
            .iter()
            .map(|(list, n)| DeletedRows {
                list: (*list).to_owned(),
                count: i32::try_from(*n).unwrap_or(i32::MAX),
            })
            .collect()
    }
}

/// One place an erasure cleared, and how many rows.
#[derive(SimpleObject)]
pub struct ErasedPart {
    /// `table.column`, or `auditEntries`, `deletedRecords`.
    pub place: String,
    pub count: i32,
}

#[Object]
impl Erasure {
    async fn person_id(&self) -> ID {
        ID(self.person_id.to_string())
    }
    async fn account_id(&self) -> Option<ID> {
        self.account_id.map(|a| ID(a.to_string()))
    }
    /// The name the person now goes by; null when only deleted records held them.
    async fn pseudonym(&self) -> Option<&str> {
        self.pseudonym.as_deref()
    }
    async fn reason(&self) -> &str {
        &self.reason
    }
    async fn erased_at(&self) -> OffsetDateTime {
        self.erased_at
    }
    /// Where their data was, and how many rows were cleared there (never the values).
    async fn cleared(&self) -> Vec<ErasedPart> {
        self.cleared
            .iter()
            .map(|(place, n)| ErasedPart {
                place: place.clone(),
                count: i32::try_from(*n).unwrap_or(i32::MAX),
            })
            .collect()
    }
}

pub(crate) async fn erase_person(ctx: &Context<'_>, id: ID, reason: String) -> Result<Erasure> {
    let id = parse("id", &id).coded()?;
    store(ctx).erase_person(id, &reason).await.coded()
}

/// The record as it is once restored, read back through the caller's scope.
async fn restored<T>(
    ctx: &Context<'_>,
    entity: Deletable,
    id: &ID,
    read: impl AsyncFnOnce(Uuid) -> crate::Result<Option<T>>,
) -> Result<T> {
    let id = parse("id", id).coded()?;
    store(ctx).restore(entity, id).await.coded()?;
    read(id)
        .await
        .and_then(|r| r.ok_or_else(|| Error::not_found(entity.noun(), id)))
        .coded()
}

pub(crate) async fn delete_person(ctx: &Context<'_>, id: ID) -> Result<Person> {
    let id = parse("id", &id).coded()?;
    store(ctx).delete_person(id).await.coded()
}

pub(crate) async fn restore_person(ctx: &Context<'_>, id: ID) -> Result<Person> {
    let s = store(ctx);
    restored(ctx, Deletable::Person, &id, async |i| s.person(i).await).await
}

pub(crate) async fn delete_relationship(ctx: &Context<'_>, id: ID) -> Result<Relationship> {
    let id = parse("id", &id).coded()?;
    store(ctx).delete_relationship(id).await.coded()
}

pub(crate) async fn restore_relationship(ctx: &Context<'_>, id: ID) -> Result<Relationship> {
    let s = store(ctx);
    restored(ctx, Deletable::Relationship, &id, async |i| {
        s.relationship(i).await
    })
    .await
}

pub(crate) async fn delete_interaction(ctx: &Context<'_>, id: ID) -> Result<Interaction> {
    let id = parse("id", &id).coded()?;
    store(ctx).delete_interaction(id).await.coded()
}

pub(crate) async fn restore_interaction(ctx: &Context<'_>, id: ID) -> Result<Interaction> {
    let s = store(ctx);
    restored(ctx, Deletable::Interaction, &id, async |i| {
        s.interaction(i).await
    })
    .await
}

pub(crate) async fn delete_improvement_point(
    ctx: &Context<'_>,
    id: ID,
) -> Result<ImprovementPoint> {
    let id = parse("id", &id).coded()?;
    store(ctx).delete_improvement_point(id).await.coded()
}

pub(crate) async fn restore_improvement_point(
    ctx: &Context<'_>,
    id: ID,
) -> Result<ImprovementPoint> {
    let s = store(ctx);
    restored(ctx, Deletable::ImprovementPoint, &id, async |i| {
        s.improvement_point(i).await
    })
    .await
}

pub(crate) async fn delete_opportunity(ctx: &Context<'_>, id: ID) -> Result<Opportunity> {
    let id = parse("id", &id).coded()?;
    store(ctx).delete_opportunity(id).await.coded()
}

pub(crate) async fn restore_opportunity(ctx: &Context<'_>, id: ID) -> Result<Opportunity> {
    let s = store(ctx);
    restored(ctx, Deletable::Opportunity, &id, async |i| {
        s.opportunity(i).await
    })
    .await
}

pub(crate) async fn deleted_records(
    ctx: &Context<'_>,
    account: Option<ID>,
) -> Result<Vec<DeletedRecord>> {
    let account = super::ids::parse_opt("account", &account).coded()?;
    store(ctx).deleted_records(account).await.coded()
}

pub(crate) async fn personal_data(ctx: &Context<'_>, person: ID) -> Result<String> {
    let id = parse("personId", &person).coded()?;
    let export = store(ctx).personal_data(id).await.coded()?;
    serde_json::to_string_pretty(&export)
        .map_err(|e| Error::Internal(e.into()))
        .coded()
}

#[Object]
impl LikelyDuplicate {
    /// The older record: the one to keep, as a rule.
    async fn person(&self) -> &Person {
        &self.person
    }
    async fn same_as(&self) -> &Person {
        &self.same_as
    }
    /// Why they look like one person: the same name, the same name in pinyin,
    /// the same e-mail, the same phone.
    async fn why(&self) -> Vec<&str> {
        self.why.clone()
    }
}

pub(crate) async fn likely_duplicate_people(
    ctx: &Context<'_>,
    account: ID,
) -> Result<Vec<LikelyDuplicate>> {
    let account = parse("account", &account).coded()?;
    store(ctx).likely_duplicate_people(account).await.coded()
}

pub(crate) async fn merge_people(ctx: &Context<'_>, keep: ID, drop: ID) -> Result<Person> {
    let keep = parse("keep", &keep).coded()?;
    let drop = parse("drop", &drop).coded()?;
    store(ctx)
        .merge_people(keep, drop)
        .await
        .map(|(person, _)| person)
        .coded()
}

pub(crate) async fn merge_accounts(
    ctx: &Context<'_>,
    keep: ID,
    drop: ID,
) -> Result<crate::domain::Account> {
    let keep = parse("keep", &keep).coded()?;
    let drop = parse("drop", &drop).coded()?;
    store(ctx)
        .merge_accounts(keep, drop)
        .await
        .map(|(account, _)| account)
        .coded()
}

#[derive(SimpleObject)]
#[graphql(name = "MergeMoved")]
struct MergeMovedG {
    /// The list as guanxi's export names it (`positions`, `relationships`, …).
    list: String,
    count: i32,
}

#[Object]
impl crate::store::MergeClash {
    /// What clashed: `name`, `title`, `email`, `phone`, `decisionChain`,
    /// `relationship`, `reportingLine`.
    async fn what(&self) -> &str {
        &self.what
    }
    /// The deal or tie it concerns, when not the person itself.
    async fn record_id(&self) -> Option<ID> {
        self.record_id.map(|r| ID(r.to_string()))
    }
    /// What stays.
    async fn kept(&self) -> &str {
        &self.kept
    }
    /// What the dropped record had.
    async fn dropped(&self) -> &str {
        &self.dropped
    }
}

#[Object]
impl crate::store::MergeReport {
    async fn kept_id(&self) -> ID {
        ID(self.kept.to_string())
    }
    async fn dropped_id(&self) -> ID {
        ID(self.dropped.to_string())
    }
    async fn moved(&self) -> Vec<MergeMovedG> {
        self.moved
            .iter()
            .map(|(list, n)| MergeMovedG {
                list: list.clone(),
                count: i32::try_from(*n).unwrap_or(i32::MAX),
            })
            .collect()
    }
    async fn clashes(&self) -> &[crate::store::MergeClash] {
        &self.clashes
    }
}

#[Object]
impl crate::store::LikelyDuplicateAccount {
    /// The older record: the one to keep, as a rule.
    async fn account(&self) -> &crate::domain::Account {
        &self.account
    }
    async fn same_as(&self) -> &crate::domain::Account {
        &self.same_as
    }
    /// Why they look like one organisation.
    async fn why(&self) -> &str {
        self.why
    }
}

pub(crate) async fn likely_duplicate_accounts(
    ctx: &Context<'_>,
) -> Result<Vec<crate::store::LikelyDuplicateAccount>> {
    store(ctx).likely_duplicate_accounts().await.coded()
}
