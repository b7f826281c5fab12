//! The GraphQL API: schema, resolvers and the HTTP routes that serve them.
//!
//! Resolvers are thin: they convert wire types, call the [`Store`](crate::store::Store)
//! and pass errors through [`error::Coded`] so every error has its stable code.

mod advice;
mod audit;
mod context;
pub mod cost;
mod enums;
mod error;
mod graphiql;
mod http;
mod ids;
mod improvement;
mod inputs;
mod lifecycle;
pub mod limits;
mod literals;
mod live;
mod loaders;
mod meeting;
mod mutation;
mod objects;
pub mod oidc;
mod page;
mod planning;
mod socket;
mod webhooks;
mod wire;

pub use planning::SupportPlanG;
mod query;
mod rate;
pub mod request_id;
mod scores;
mod transfer;

use async_graphql::Schema;

pub use http::{router, Access, HttpOptions, MAX_BODY_BYTES};
pub use query::MAX_PAGE_SIZE;
pub use rate::RateLimit;

use crate::engine::Engine;

/// The concrete schema type.
pub type GuanxiSchema = Schema<query::QueryRoot, mutation::MutationRoot, live::SubscriptionRoot>;

/// Nesting deeper than this is refused: relationship queries nest, and an
/// unbounded query could walk the whole graph.
pub const MAX_DEPTH: usize = 16;
/// Upper bound on a query's cost (one unit per field).
pub const MAX_COMPLEXITY: usize = 20_000;

/// Builds the schema over an engine and its store; `introspection: false` hides the
/// schema from clients (production deployments that publish it elsewhere). A
/// request may carry a scoped store and engine of its own (see `http::graphql`),
/// which resolvers then see instead of these.
pub fn schema(engine: &Engine, options: &HttpOptions) -> GuanxiSchema {
    let builder = Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        live::SubscriptionRoot,
    )
    .data(engine.clone())
    .data(engine.store().clone())
    .extension(wire::MarkExecution)
    .extension(limits::DocumentLimits {
        max_aliases: options.max_aliases,
    })
    .extension(cost::CostLimit::default())
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY);
    if options.introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The schema's SDL, as checked in at `graphql/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        live::SubscriptionRoot,
    )
    .finish()
    .sdl()
}
