//! What resolvers reach through the request context, and the optional-link lookups
//! every object with a nullable reference needs.

use async_graphql::{Context, Result};
use uuid::Uuid;

use super::error::Coded;
use crate::{
    domain::{Account, Competitor, Employee, Opportunity, Person},
    engine::Engine,
    store::Store,
};

pub(crate) fn store<'a>(ctx: &Context<'a>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

pub(crate) fn engine<'a>(ctx: &Context<'a>) -> &'a Engine {
    ctx.data_unchecked::<Engine>()
}

/// One record by id through the request's batched reads (one statement for
/// all the fields of a level asking for the same kind), else on its own.
macro_rules! linked {
    ($ctx:expr, $id:expr, $key:ident, $one:ident) => {
        match super::loaders::loaders($ctx) {
            Some(l) => l
                .load_one(super::loaders::$key($id))
                .await
                .map_err(super::loaders::failed),
            None => store($ctx).$one($id).await.coded(),
        }
    };
}

/// The employee an optional link points to.
pub(crate) async fn employee_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Employee>> {
    match id {
        Some(e) => linked!(ctx, e, EmployeeId, employee),
        None => Ok(None),
    }
}

/// The person an optional link points to.
pub(crate) async fn person_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Person>> {
    match id {
        Some(p) => linked!(ctx, p, PersonId, person),
        None => Ok(None),
    }
}

/// The competitor an optional link points to.
pub(crate) async fn competitor_of(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> Result<Option<Competitor>> {
    match id {
        Some(c) => linked!(ctx, c, CompetitorId, competitor),
        None => Ok(None),
    }
}

/// The account an optional link points to.
pub(crate) async fn account_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Account>> {
    match id {
        Some(a) => linked!(ctx, a, AccountId, account),
        None => Ok(None),
    }
}

/// The opportunity an optional link points to.
pub(crate) async fn opportunity_of(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> Result<Option<Opportunity>> {
    match id {
        Some(o) => linked!(ctx, o, OpportunityId, opportunity),
        None => Ok(None),
    }
}

/// A list belonging to a record, through the request's batched reads, else on
/// its own.
macro_rules! owned_list {
    ($ctx:expr, $id:expr, $key:ident, $one:ident) => {
        match super::loaders::loaders($ctx) {
            Some(l) => l
                .load_one(super::loaders::$key($id))
                .await
                .map(Option::unwrap_or_default)
                .map_err(super::loaders::failed),
            None => store($ctx).$one($id).await.coded(),
        }
    };
}

/// An account's opportunities, oldest first.
pub(crate) async fn opportunities_of(ctx: &Context<'_>, account: Uuid) -> Result<Vec<Opportunity>> {
    owned_list!(ctx, account, OpportunitiesOf, opportunities_of_account)
}

/// An opportunity's decision chain.
pub(crate) async fn chain_of(
    ctx: &Context<'_>,
    opportunity: Uuid,
) -> Result<Vec<crate::domain::DecisionChainMember>> {
    owned_list!(ctx, opportunity, ChainOf, decision_chain)
}

/// A person's relationship edges.
pub(crate) async fn ties_of(
    ctx: &Context<'_>,
    person: Uuid,
) -> Result<Vec<crate::domain::Relationship>> {
    owned_list!(ctx, person, TiesOf, relationships_of_person)
}
