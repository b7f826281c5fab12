//! HTTP routes: `POST /graphql`, GraphiQL at `GET /graphql`, `GET /healthz`.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse},
    routing::get,
    Json, Router,
};
use serde_json::json;

use super::{error::ensure_codes, GuanxiSchema};
use crate::store::Store;

#[derive(Clone)]
struct AppState {
    schema: GuanxiSchema,
    store: Store,
}

/// Largest request body accepted, in bytes.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

pub fn router(schema: GuanxiSchema, store: Store) -> Router {
    Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/healthz", get(healthz))
        .with_state(AppState { schema, store })
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

async fn graphql(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let mut response = state.schema.execute(request.into_inner()).await;
    ensure_codes(&mut response);
    response.into()
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": state.store.backend_name() })),
        ),
        Err(e) => {
            tracing::error!(error = ?e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": state.store.backend_name() })),
            )
        }
    }
}
