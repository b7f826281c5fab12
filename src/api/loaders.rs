//! Batched reads for the links a nested query follows (async-graphql's
//! DataLoader): the fields of a level that ask for the same kind of record are
//! answered by one statement per few hundred keys instead of one each. A loader
//! lives for one HTTP request (or one WebSocket connection), over that caller's
//! store, so it sees the caller's scope; it caches nothing, so a mutation's
//! later fields, and a subscription's next event, read what is stored then.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{dataloader::Loader, Context};
use uuid::Uuid;

use crate::{
    domain::{
        Account, Competitor, DecisionChainMember, Employee, Opportunity, Person, Relationship,
    },
    store::Store,
    Error,
};

/// The request's loader.
pub(crate) type Loaders = async_graphql::dataloader::DataLoader<StoreLoader>;

/// A loader for every kind of link, over one request's store.
pub(crate) struct StoreLoader {
    store: Store,
}

/// A new loader for one request. Keys asked within 2 ms of the first go in one
/// batch: long enough for the fields of one level of a large answer to ask
/// (each level of nesting waits that long once), short beside a request.
pub(crate) fn for_request(store: Store) -> Loaders {
    async_graphql::dataloader::DataLoader::new(StoreLoader { store }, tokio::spawn)
        .delay(std::time::Duration::from_millis(2))
}

/// The request's loader, where the request has one (HTTP and WebSocket
/// requests do; a schema run without one reads one record at a time).
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Option<&'a Loaders> {
    ctx.data_opt::<Loaders>()
}

/// Keys: a record by its id, or the records belonging to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PersonId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct EmployeeId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CompetitorId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct AccountId(pub Uuid);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct OpportunityId(pub Uuid);
/// An account's opportunities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct OpportunitiesOf(pub Uuid);
/// An opportunity's decision chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ChainOf(pub Uuid);
/// A person's relationship edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TiesOf(pub Uuid);

/// A failed batch, shared by every field that waited on it.
type Shared = Arc<Error>;

/// Records by id, each under its id.
macro_rules! by_id {
    ($key:ident, $value:ty, $read:ident, $id:ident) => {
        impl Loader<$key> for StoreLoader {
            type Value = $value;
            type Error = Shared;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, Shared> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let found = self.store.$read(&ids).await.map_err(Arc::new)?;
                Ok(found.into_iter().map(|r| ($key(r.$id), r)).collect())
            }
        }
    };
}

by_id!(PersonId, Person, people_by_ids, person_id);
by_id!(EmployeeId, Employee, employees_by_ids, employee_id);
by_id!(CompetitorId, Competitor, competitors_by_ids, competitor_id);
by_id!(AccountId, Account, accounts_by_ids, account_id);
by_id!(
    OpportunityId,
    Opportunity,
    opportunities_by_ids,
    opportunity_id
);

/// Lists of records belonging to each key; a key with none gets an empty list.
macro_rules! lists {
    ($key:ident, $value:ty, $read:ident) => {
        impl Loader<$key> for StoreLoader {
            type Value = Vec<$value>;
            type Error = Shared;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$value>>, Shared> {
                let ids: Vec<Uuid> = keys.iter().map(|k| k.0).collect();
                let mut found = self.store.$read(&ids).await.map_err(Arc::new)?;
                Ok(keys
                    .iter()
                    .map(|k| (*k, found.remove(&k.0).unwrap_or_default()))
                    .collect())
            }
        }
    };
}

lists!(OpportunitiesOf, Opportunity, opportunities_of_accounts);
lists!(ChainOf, DecisionChainMember, decision_chains);
lists!(TiesOf, Relationship, relationships_of_people);

/// A batch's failure as the field's error, with its code.
pub(crate) fn failed(e: Shared) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    Error::shared(e).extend()
}
