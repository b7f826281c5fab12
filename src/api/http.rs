//! HTTP routes: `POST /graphql`, GraphiQL at `GET /graphql`, subscriptions over
//! WebSocket at `GET /graphql/ws`, the planning-session page at `/`, `GET /healthz`.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use std::time::Duration;

use async_graphql::parser::{
    parse_query,
    types::{ExecutableDocument, Selection, SelectionSet},
};
use axum::{
    extract::{State, WebSocketUpgrade},
    http::{header, HeaderValue, Method, StatusCode},
    response::{Html, IntoResponse},
    routing::get,
    Json, Router,
};
use serde_json::json;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    timeout::TimeoutLayer,
};

use super::{error::ensure_codes, GuanxiSchema};
use crate::{domain::Principal, engine::Engine, store::Store};

#[derive(Clone)]
struct AppState {
    schema: GuanxiSchema,
    engine: Engine,
    store: Store,
    options: HttpOptions,
    access: Access,
}

/// How callers are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No tokens exist and the server listens on a loopback address: every request
    /// acts as a local administrator (the quick start).
    LocalAdmin,
    /// Every GraphQL request presents a token (`Authorization: Bearer gx_...`).
    Tokens,
}

/// Largest request body accepted, in bytes.
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// What a deployment tunes about the HTTP surface.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// A request running longer is answered 408 and its work dropped.
    pub request_timeout: Duration,
    /// Origins front ends may call from (CORS); none means same-origin only.
    pub cors_origins: Vec<String>,
    /// Schema introspection and the GraphiQL page; off in production if wanted.
    pub introspection: bool,
    /// Most aliased fields one document may hold: aliases multiply the work of a
    /// single request past what depth and complexity limits see.
    pub max_aliases: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            request_timeout: Duration::from_secs(30),
            cors_origins: Vec::new(),
            introspection: true,
            max_aliases: 50,
        }
    }
}

pub fn router(
    schema: GuanxiSchema,
    engine: Engine,
    options: HttpOptions,
    access: Access,
) -> Router {
    let store = engine.store().clone();
    let cors = (!options.cors_origins.is_empty()).then(|| {
        let origins: Vec<HeaderValue> = options
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
    });
    let timeout = options.request_timeout;
    let router = Router::new()
        .route("/graphql", get(graphiql).post(graphql))
        .route("/graphql/ws", get(graphql_ws))
        .route("/", get(super::page::index))
        .route("/assets/{file}", get(super::page::asset))
        .route("/healthz", get(healthz))
        .with_state(AppState {
            schema,
            engine,
            store,
            options,
            access,
        })
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ));
    let router = match cors {
        Some(c) => router.layer(c),
        None => router,
    };
    router.layer(tower_http::trace::TraceLayer::new_for_http())
}

/// Why a caller is not let in.
enum Refusal {
    /// No token presented.
    Missing,
    /// Unknown or revoked.
    Unknown,
    /// The token store could not be read.
    Unavailable,
}

/// The caller presenting `secret` (none presented: `None`), whatever the
/// transport: every request and socket is let in by this one check.
async fn principal(state: &AppState, secret: Option<&str>) -> Result<Principal, Refusal> {
    if state.access == Access::LocalAdmin {
        return Ok(Principal::local_admin());
    }
    let secret = secret.ok_or(Refusal::Missing)?;
    match state.store.principal_for(secret).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(Refusal::Unknown),
        Err(e) => {
            tracing::error!(error = ?e, "looking up an API token");
            Err(Refusal::Unavailable)
        }
    }
}

const UNKNOWN_TOKEN: &str = "the API token is unknown or has been revoked";

/// The secret of an `Authorization: Bearer ...` value.
fn bearer(value: &str) -> Option<&str> {
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
}

/// The caller of a request, or the refusal to send (401 with a coded error).
async fn caller(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> std::result::Result<Principal, axum::response::Response> {
    let refuse = |message: &str| {
        let body = json!({ "errors": [{ "message": message, "extensions": { "code": crate::ErrorCode::Unauthenticated.as_str() } }] });
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(body),
        )
            .into_response()
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    principal(state, presented).await.map_err(|r| match r {
        Refusal::Missing => {
            refuse("this server needs an API token: send it as 'Authorization: Bearer gx_...'")
        }
        Refusal::Unknown => refuse(UNKNOWN_TOKEN),
        Refusal::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the token could not be checked",
        )
            .into_response(),
    })
}

/// The caller of a WebSocket, from the `connection_init` payload (browsers cannot
/// set headers on a WebSocket): `{"authorization": "Bearer gx_..."}` or
/// `{"token": "gx_..."}`.
async fn socket_caller(
    state: &AppState,
    payload: &serde_json::Value,
) -> async_graphql::Result<Principal> {
    let refuse = |message: &str| {
        async_graphql::ErrorExtensions::extend_with(async_graphql::Error::new(message), |_, e| {
            e.set("code", crate::ErrorCode::Unauthenticated.as_str())
        })
    };
    let presented = ["authorization", "Authorization"]
        .iter()
        .find_map(|k| payload.get(k).and_then(|v| v.as_str()))
        .map(|v| bearer(v).unwrap_or(v.trim()))
        .or_else(|| payload.get("token").and_then(|v| v.as_str()).map(str::trim));
    principal(state, presented).await.map_err(|r| match r {
        Refusal::Missing => refuse(
            "this server needs an API token: send it in connection_init as {\"authorization\": \"Bearer gx_...\"}",
        ),
        Refusal::Unknown => refuse(UNKNOWN_TOKEN),
        Refusal::Unavailable => async_graphql::Error::new("the token could not be checked"),
    })
}

/// Subscriptions (graphql-transport-ws or the older graphql-ws protocol). Each
/// socket runs on a store and engine acting for its caller, like every request.
async fn graphql_ws(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    // Browsers let any page open a WebSocket anywhere; only our own page and the
    // configured front-end origins may listen (non-browser clients send no Origin).
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let own = origin
            .split_once("://")
            .is_some_and(|(_, authority)| Some(authority) == host);
        if !own && !state.options.cors_origins.iter().any(|o| o == origin) {
            return (
                StatusCode::FORBIDDEN,
                "this origin may not open a subscription; add it with --cors-origin",
            )
                .into_response();
        }
    }
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let schema = state.schema.clone();
            GraphQLWebSocket::new(socket, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let principal = socket_caller(&state, &payload).await?;
                    let mut data = async_graphql::Data::default();
                    data.insert(state.store.acting_as(principal.clone()));
                    data.insert(state.engine.acting_as(principal.clone()));
                    data.insert(principal);
                    Ok(data)
                })
                .serve()
        })
}

async fn graphql(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    request: GraphQLRequest,
) -> axum::response::Response {
    let principal = match caller(&state, &headers).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let request = request.into_inner();
    // Aliases are counted before execution; a document that does not parse passes
    // and the executor reports the syntax error. Roles and scopes are the store's
    // business (see `Store::acting_as`).
    let mut reads_only = false;
    if let Ok(doc) = parse_query(&request.query) {
        reads_only = doc
            .operations
            .iter()
            .all(|(_, op)| op.node.ty == async_graphql::parser::types::OperationType::Query);
        let aliases = count_aliases(&doc);
        if aliases > state.options.max_aliases {
            return refused(
                format!(
                    "the document has {aliases} aliased fields; at most {} are allowed per request",
                    state.options.max_aliases
                ),
                crate::ErrorCode::InvalidInput,
            );
        }
    }
    // Scope and authorship live below the resolvers: each request runs on a store
    // and engine acting for its caller, so a member's or viewer's request cannot
    // see other accounts whatever path it takes, and every write is audited
    // under the caller's name.
    let engine = state.engine.acting_as(principal.clone());
    let engine = if reads_only {
        engine.for_one_read()
    } else {
        engine
    };
    let request = request
        .data(state.store.acting_as(principal.clone()))
        .data(engine)
        .data(principal);
    let mut response = state.schema.execute(request).await;
    ensure_codes(&mut response);
    GraphQLResponse::from(response).into_response()
}

/// A GraphQL answer refusing the request before it runs, with its code.
fn refused(message: String, code: crate::ErrorCode) -> axum::response::Response {
    let mut error = async_graphql::ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    GraphQLResponse::from(async_graphql::Response::from_errors(vec![error])).into_response()
}

/// Aliased fields in a document, counted through fragments.
fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|s| match &s.node {
                Selection::Field(f) => {
                    usize::from(f.node.alias.is_some()) + walk(&f.node.selection_set.node)
                }
                Selection::InlineFragment(i) => walk(&i.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| walk(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

async fn graphiql(State(state): State<AppState>) -> axum::response::Response {
    if !state.options.introspection {
        return StatusCode::NOT_FOUND.into_response();
    }
    Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response()
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
