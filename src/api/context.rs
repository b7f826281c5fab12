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

/// The employee an optional link points to.
pub(crate) async fn employee_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Employee>> {
    match id {
        Some(e) => store(ctx).employee(e).await.coded(),
        None => Ok(None),
    }
}

/// The person an optional link points to.
pub(crate) async fn person_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Person>> {
    match id {
        Some(p) => store(ctx).person(p).await.coded(),
        None => Ok(None),
    }
}

/// The competitor an optional link points to.
pub(crate) async fn competitor_of(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> Result<Option<Competitor>> {
    match id {
        Some(c) => store(ctx).competitor(c).await.coded(),
        None => Ok(None),
    }
}

/// The account an optional link points to.
pub(crate) async fn account_of(ctx: &Context<'_>, id: Option<Uuid>) -> Result<Option<Account>> {
    match id {
        Some(a) => store(ctx).account(a).await.coded(),
        None => Ok(None),
    }
}

/// The opportunity an optional link points to.
pub(crate) async fn opportunity_of(
    ctx: &Context<'_>,
    id: Option<Uuid>,
) -> Result<Option<Opportunity>> {
    match id {
        Some(o) => store(ctx).opportunity(o).await.coded(),
        None => Ok(None),
    }
}
