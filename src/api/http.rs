//! HTTP routes: `POST /graphql`, GraphiQL at `GET /graphql`, subscriptions over
//! WebSocket at `GET /graphql/ws`, the planning-session page at `/`, `GET /healthz`,
//! and `GET /metrics` (Prometheus text format).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use async_graphql::parser::{parse_query, types::OperationType};
use axum::{
    body::Body,
    extract::{OriginalUri, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::json;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    timeout::TimeoutLayer,
};

use super::{
    error::ensure_codes,
    limits,
    wire::{self, Want},
    GuanxiSchema,
};
use crate::{
    domain::Principal,
    engine::Engine,
    store::{Store, TokenCheck},
    ErrorCode,
};

#[derive(Clone)]
pub(super) struct AppState {
    pub(super) schema: GuanxiSchema,
    pub(super) engine: Engine,
    pub(super) store: Store,
    pub(super) options: HttpOptions,
    pub(super) access: Access,
    /// Request allowances (`--rate-limit`); none: unlimited.
    pub(super) limiter: Option<Arc<super::rate::Limiter>>,
    /// Sign-on tokens' checker (`--oidc-issuer`); none: API tokens only.
    pub(super) oidc: Option<Arc<super::oidc::OidcVerifier>>,
    /// The origins of our own page: the address we listen on by every loopback
    /// name, and the `--public-host` names. Never taken from a request.
    own_origins: Arc<Vec<String>>,
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

/// Largest request body (and WebSocket message) accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

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
    /// Names (with an optional port) the server is reached by besides loopback,
    /// e.g. `guanxi.internal:8080`: requests for them are served without tokens
    /// too, and pages from them are our own origin.
    pub public_hosts: Vec<String>,
    /// How often an open WebSocket re-checks its token (and on every new
    /// operation); a revoked token closes the socket with code 4403.
    pub token_recheck: Duration,
    /// Who the local administrator of a server without tokens is, as every
    /// judgement and audit entry they make records it (`--local-author`);
    /// "local administrator" when not configured.
    pub local_author: Option<String>,
    /// Requests a token, and an address, may make (`--rate-limit`); none: no limit.
    pub rate_limit: Option<super::RateLimit>,
    /// Proxies whose `X-Forwarded-For` names the caller, for the per-address
    /// limit (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// OpenID Connect sign-on (`--oidc-issuer`): JWT bearer tokens from that
    /// provider are let in beside API tokens, and every request needs one.
    pub oidc: Option<super::oidc::OidcOptions>,
    /// The first wait before a failed webhook delivery is tried again (doubled
    /// each time, at most an hour).
    pub webhook_retry: Duration,
    /// How often the webhook dispatcher looks for events to send.
    pub webhook_every: Duration,
    /// Attempts before a webhook delivery is given up as failed.
    pub webhook_attempts: i32,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            request_timeout: Duration::from_secs(30),
            cors_origins: Vec::new(),
            introspection: true,
            max_aliases: 50,
            public_hosts: Vec::new(),
            token_recheck: Duration::from_secs(5),
            local_author: None,
            rate_limit: None,
            trusted_proxies: Vec::new(),
            oidc: None,
            webhook_retry: Duration::from_secs(10),
            webhook_every: Duration::from_secs(2),
            webhook_attempts: crate::webhooks::MAX_ATTEMPTS,
        }
    }
}

/// Our own page's origins when listening on `addr`.
fn own_origins(addr: SocketAddr, public_hosts: &[String]) -> Vec<String> {
    let port = addr.port();
    let mut own = vec![format!("http://{addr}")];
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        own.extend([
            format!("http://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
            format!("http://[::1]:{port}"),
        ]);
    }
    for host in public_hosts {
        own.push(format!("http://{host}"));
        own.push(format!("https://{host}"));
    }
    own.iter().map(|o| o.to_ascii_lowercase()).collect()
}

pub fn router(
    schema: GuanxiSchema,
    engine: Engine,
    options: HttpOptions,
    access: Access,
    addr: SocketAddr,
) -> Router {
    let store = engine.store().clone();
    let own_origins = Arc::new(own_origins(addr, &options.public_hosts));
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
    let limiter = options
        .rate_limit
        .map(|l| super::rate::Limiter::new(l, options.trusted_proxies.clone()));
    // A sign-on that cannot be set up lets nobody in by it (fail closed); the
    // options were checked at start, so this is only logged.
    let oidc = options.oidc.clone().and_then(|o| {
        super::oidc::OidcVerifier::new(o)
            .map_err(|e| tracing::error!(error = %e, "OpenID Connect sign-on is off"))
            .ok()
    });
    let state = AppState {
        schema,
        engine,
        store,
        options,
        access,
        limiter,
        oidc,
        own_origins,
    };
    let router = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(super::socket::graphql_ws))
        .route("/", get(super::page::index))
        .route("/assets/{file}", get(super::page::asset))
        .route("/assets/graphiql/{version}/{file}", get(graphiql_asset))
        .route("/healthz", get(healthz))
        .route("/sign-on", get(sign_on))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(middleware::map_response(coded_refusals))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            only_our_hosts,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::rate::limit,
        ))
        .with_state(state);
    let router = match cors {
        Some(c) => router.layer(c),
        None => router,
    };
    // Outermost, the request id: the trace span (and so every log line of the
    // request) and every answer carry it.
    router
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(|r: &Request<_>| {
                let id = r
                    .headers()
                    .get(&super::request_id::HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", id = %id, method = %r.method(), path = %r.uri().path())
            }),
        )
        .layer(middleware::from_fn(super::request_id::assign))
}

async fn not_found() -> Response {
    wire::refusal(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such page: the API is POST /graphql, the planning page /",
    )
}

/// Refusals the layers below answer in plain text or with no body (a body past
/// the limit, a request past the timeout, a method a route does not take, an
/// extractor's rejection) are rewritten as coded JSON, like every other refusal.
async fn coded_refusals(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if is_json {
        return response;
    }
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than {} MiB", MAX_BODY_BYTES / (1024 * 1024)),
        ),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorCode::Timeout,
            "the request took longer than the server's timeout and was stopped; ask for less, or raise --request-timeout".to_owned(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "this address does not take that method: GraphQL is GET or POST /graphql".to_owned(),
        ),
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "no such page".to_owned()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "send the request as JSON with 'Content-Type: application/json'".to_owned(),
        ),
        s if s.is_server_error() => (
            ErrorCode::Internal,
            "internal error; it has been logged".to_owned(),
        ),
        _ => (
            ErrorCode::BadRequest,
            format!(
                "the request was refused ({})",
                status.canonical_reason().unwrap_or("bad request")
            ),
        ),
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut coded = wire::refusal(status, code, message);
    if let Some(allow) = allow {
        coded.headers_mut().insert(header::ALLOW, allow);
    }
    coded
}

/// The host part of a `Host` header value (`name:port`, `[v6]:port`).
fn host_name(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// DNS rebinding: a web page on `evil.example` whose name is made to resolve to
/// 127.0.0.1 reaches a local server as "same origin", with `Host: evil.example`.
/// Without tokens every request acts as an administrator, so only requests for a
/// loopback name or address, or a `--public-host`, are served.
async fn only_our_hosts(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.access == Access::LocalAdmin {
        if let Some(host) = request
            .headers()
            .get(header::HOST)
            .map(|h| h.to_str().unwrap_or("\u{0}"))
        {
            let name = host_name(host).to_ascii_lowercase();
            let loopback = name == "localhost"
                || name.ends_with(".localhost")
                || name
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            let public = state
                .options
                .public_hosts
                .iter()
                .any(|p| host_name(p).eq_ignore_ascii_case(&name));
            if !loopback && !public {
                return wire::refusal(
                    StatusCode::FORBIDDEN,
                    ErrorCode::ForbiddenHost,
                    "this server has no API tokens and answers only requests for localhost or its --public-host names",
                );
            }
        }
    }
    next.run(request).await
}

/// Whether a browser page at `Origin` may drive the API: our own page, or a
/// front end listed with `--cors-origin`. Requests without `Origin` come from
/// programs, not from web pages, and pass.
pub(super) fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    // With tokens, a page needs one to do anything, and a foreign page has none:
    // the page as served through any name (a proxy, a LAN address) is our own.
    // Without tokens the request's Host could be a rebinding attacker's, so only
    // the configured names count.
    let same_host = state.access == Access::Tokens
        && headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|host| {
                origin
                    .split_once("://")
                    .map(|(_, authority)| authority == host.to_ascii_lowercase())
            })
            .unwrap_or(false);
    same_host
        || state.own_origins.contains(&origin)
        || state
            .options
            .cors_origins
            .iter()
            .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(&origin))
}

pub(super) fn foreign_origin(want: Want) -> Response {
    wire::refusal_as(
        want,
        StatusCode::FORBIDDEN,
        ErrorCode::ForbiddenOrigin,
        "requests from this web page's origin are refused; a front end on another origin must be listed with --cors-origin",
    )
}

/// Why a caller is not let in.
pub(super) enum Refusal {
    /// No token presented.
    Missing,
    /// Unknown or revoked.
    Unknown,
    /// Expired (or a rotated-out secret past its grace), at this moment.
    Expired(time::OffsetDateTime),
    /// The token store could not be read.
    Unavailable,
    /// A sign-on token refused, with its code.
    SignOn(super::oidc::Refused),
}

/// The caller presenting `secret` (none presented: `None`), whatever the
/// transport: every request and socket is let in by this one check.
pub(super) async fn principal(
    state: &AppState,
    secret: Option<&str>,
) -> Result<Principal, Refusal> {
    if state.access == Access::LocalAdmin {
        let mut local = Principal::local_admin();
        if let Some(name) = &state.options.local_author {
            local.name.clone_from(name);
        }
        return Ok(local);
    }
    let secret = secret.ok_or(Refusal::Missing)?;
    if !secret.starts_with("gx_") {
        if let Some(oidc) = &state.oidc {
            return oidc.verify(secret).await.map_err(Refusal::SignOn);
        }
    }
    match state.store.check_token(secret).await {
        Ok(TokenCheck::Valid(p)) => Ok(p),
        Ok(TokenCheck::Unknown) => Err(Refusal::Unknown),
        Ok(TokenCheck::Expired(at)) => Err(Refusal::Expired(at)),
        Err(e) => {
            tracing::error!(error = ?e, "looking up an API token");
            Err(Refusal::Unavailable)
        }
    }
}

const UNKNOWN_TOKEN: &str = "the API token is unknown or has been revoked";

/// Why an expired token is refused, and what to do.
pub(super) fn expired_token(at: time::OffsetDateTime) -> String {
    let when = at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    format!(
        "the API token expired at {when}; ask an administrator for a new secret (`guanxi token rotate ID` or `guanxi token create`)"
    )
}

/// The secret of an `Authorization: Bearer ...` value.
pub(super) fn bearer(value: &str) -> Option<&str> {
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
    // RFC 6750: a presented token that is no good is `invalid_token`.
    let refuse = |code: ErrorCode, message: &str, challenge: &'static str| {
        let body =
            json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] });
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, challenge)],
            Json(body),
        )
            .into_response()
    };
    const INVALID: &str = "Bearer error=\"invalid_token\"";
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer);
    principal(state, presented).await.map_err(|r| match r {
        Refusal::Missing if state.oidc.is_some() => refuse(
            ErrorCode::Unauthenticated,
            "sign in: send the sign-on provider's token, or an API token, as 'Authorization: Bearer ...'",
            "Bearer",
        ),
        Refusal::Missing => refuse(
            ErrorCode::Unauthenticated,
            "this server needs an API token: send it as 'Authorization: Bearer gx_...'",
            "Bearer",
        ),
        Refusal::SignOn(r) if r.code == ErrorCode::Internal => {
            wire::refusal(StatusCode::SERVICE_UNAVAILABLE, r.code, r.message)
        }
        Refusal::SignOn(r) if r.forbidden => {
            wire::refusal(StatusCode::FORBIDDEN, r.code, r.message)
        }
        Refusal::SignOn(r) => refuse(r.code, &r.message, INVALID),
        Refusal::Unknown => refuse(ErrorCode::Unauthenticated, UNKNOWN_TOKEN, INVALID),
        Refusal::Expired(at) => refuse(ErrorCode::TokenExpired, &expired_token(at), INVALID),
        Refusal::Unavailable => wire::refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            "the token could not be checked; try again",
        ),
    })
}

/// The caller of a WebSocket, from the `connection_init` payload (browsers cannot
/// set headers on a WebSocket): `{"authorization": "Bearer gx_..."}` or
/// `{"token": "gx_..."}`.
pub(super) async fn socket_caller(
    state: &AppState,
    payload: &serde_json::Value,
) -> async_graphql::Result<(Principal, Option<String>)> {
    let coded = |code: ErrorCode, message: &str| {
        async_graphql::ErrorExtensions::extend_with(async_graphql::Error::new(message), |_, e| {
            e.set("code", code.as_str())
        })
    };
    let presented = ["authorization", "Authorization"]
        .iter()
        .find_map(|k| payload.get(k).and_then(|v| v.as_str()))
        .map(|v| bearer(v).unwrap_or(v.trim()))
        .or_else(|| payload.get("token").and_then(|v| v.as_str()).map(str::trim));
    match principal(state, presented).await {
        Ok(p) => Ok((p, presented.map(str::to_owned))),
        Err(Refusal::Missing) => Err(coded(
            ErrorCode::Unauthenticated,
            "this server needs an API token: send it in connection_init as {\"authorization\": \"Bearer gx_...\"}",
        )),
        Err(Refusal::Unknown) => Err(coded(ErrorCode::Unauthenticated, UNKNOWN_TOKEN)),
        Err(Refusal::Expired(at)) => Err(coded(ErrorCode::TokenExpired, &expired_token(at))),
        Err(Refusal::SignOn(r)) => Err(coded(r.code, &r.message)),
        Err(Refusal::Unavailable) => Err(async_graphql::Error::new("the token could not be checked")),
    }
}

/// `POST /graphql`: a JSON body only. Browsers send forms and `text/plain` from
/// any site without asking first, so any other content type (or none) is refused
/// before anything runs, as is a page from a foreign origin.
async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let Some(want) = wire::negotiate(&headers) else {
        return not_acceptable();
    };
    if !origin_allowed(&state, &headers) {
        return foreign_origin(want);
    }
    if let Err(refusal) = json_content_type(&headers) {
        return wire::refusal_as(
            want,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            refusal,
        );
    }
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return wire::refusal_as(
                want,
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!(
                    "the body is larger than {} MiB",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
            )
        }
    };
    let principal = match caller(&state, &headers).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    match wire::from_body(&body) {
        Ok(request) => run(&state, principal, request, want, true).await,
        Err(bad) => wire::malformed(want, bad.code, bad.message),
    }
}

/// Only `application/json`, in UTF-8 (the charset may be left out).
fn json_content_type(headers: &HeaderMap) -> Result<(), &'static str> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err("send the request as JSON with 'Content-Type: application/json'");
    };
    let value = value.to_str().unwrap_or("").to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    if parts.next() != Some("application/json") {
        return Err(
            "only 'Content-Type: application/json' is accepted: forms and text/plain are refused",
        );
    }
    for p in parts {
        if let Some(charset) = p.strip_prefix("charset=") {
            if !matches!(charset.trim_matches('"'), "utf-8" | "utf8") {
                return Err("the body must be UTF-8 (charset=utf-8)");
            }
        }
    }
    Ok(())
}

fn not_acceptable() -> Response {
    wire::refusal(
        StatusCode::NOT_ACCEPTABLE,
        ErrorCode::NotAcceptable,
        "answers are application/json or application/graphql-response+json; accept one of them",
    )
}

/// `GET /graphql`: with a `query` parameter, a query (never a mutation); without,
/// GraphiQL.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
) -> Response {
    let asks = uri.query().is_some_and(|q| {
        q.split('&')
            .any(|p| p == "query" || p.starts_with("query="))
    });
    if !asks {
        return graphiql(&state);
    }
    let Some(want) = wire::negotiate(&headers) else {
        return not_acceptable();
    };
    if !origin_allowed(&state, &headers) {
        return foreign_origin(want);
    }
    let principal = match caller(&state, &headers).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    match wire::from_query_string(&uri) {
        Ok(request) => run(&state, principal, request, want, false).await,
        Err(bad) => wire::malformed(want, bad.code, bad.message),
    }
}

/// Runs one request for its caller and writes the answer.
async fn run(
    state: &AppState,
    principal: Principal,
    mut request: async_graphql::Request,
    want: Want,
    writes_allowed: bool,
) -> Response {
    // The text is bounded before the parser sees it (the schema's extension checks
    // again, for the WebSocket's sake). Roles and scopes are the store's business
    // (see `Store::acting_as`).
    if let Err(refusal) = limits::check_text(&request.query) {
        return wire::request_error(want, refusal.code, refusal.message);
    }
    let mut reads_only = false;
    let mut operation = request.operation_name.clone();
    if let Ok(doc) = parse_query(&request.query) {
        operation = operation_name(request.operation_name.as_deref(), &doc);
        let chosen: Vec<OperationType> = doc
            .operations
            .iter()
            .filter(|(name, _)| {
                request.operation_name.is_none()
                    || name.map(|n| n.as_str()) == request.operation_name.as_deref()
            })
            .map(|(_, op)| op.node.ty)
            .collect();
        reads_only = chosen.iter().all(|t| *t == OperationType::Query);
        if !writes_allowed && chosen.iter().any(|t| *t != OperationType::Query) {
            let mut refused = wire::refusal_as(
                want,
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorCode::MethodNotAllowed,
                "GET runs queries only: send mutations as POST with a JSON body",
            );
            refused
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return refused;
        }
        // Parsed once: the schema's checks and the executor take this document.
        request.set_parsed_query(doc);
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
    let executed = wire::Executed::default();
    let operation = crate::metrics::operation_label(operation.as_deref());
    let started = std::time::Instant::now();
    let store = state.store.acting_as(principal.clone());
    let request = request
        .data(super::loaders::for_request(store.clone()))
        .data(store)
        .data(engine)
        .data(principal)
        .data(executed.clone());
    let mut response = state.schema.execute(request).await;
    metrics::histogram!("guanxi_http_request_duration_seconds", "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    ensure_codes(&mut response);
    wire::answer(want, response, executed.happened())
}

/// The operation a request runs: the one it names, else the document's only
/// operation's name; `None` for an anonymous one.
fn operation_name(
    named: Option<&str>,
    doc: &async_graphql::parser::types::ExecutableDocument,
) -> Option<String> {
    if let Some(name) = named {
        // A name the document does not hold is refused by the executor; it
        // is counted apart, never as a label of its own.
        let held = match &doc.operations {
            async_graphql::parser::types::DocumentOperations::Single(_) => false,
            async_graphql::parser::types::DocumentOperations::Multiple(ops) => {
                ops.keys().any(|k| k.as_str() == name)
            }
        };
        return Some(if held { name } else { "?" }.to_owned());
    }
    match &doc.operations {
        async_graphql::parser::types::DocumentOperations::Single(_) => None,
        async_graphql::parser::types::DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(|n| n.to_string())
        }
        async_graphql::parser::types::DocumentOperations::Multiple(_) => None,
    }
}

/// `GET /metrics`: open to callers on loopback of a server without tokens (who
/// are its local administrator); with tokens in force, an admin's token only.
async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !origin_allowed(&state, &headers) {
        return foreign_origin(Want::Json);
    }
    let principal = match caller(&state, &headers).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    if principal.role != crate::domain::Role::Admin {
        return wire::refusal(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "the metrics are for administrators: use an admin's token",
        );
    }
    let (open, idle) = state.store.pool_connections();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        crate::metrics::render(open, idle),
    )
        .into_response()
}

fn graphiql(state: &AppState) -> Response {
    if !state.options.introspection {
        return not_found_graphiql();
    }
    super::graphiql::page()
}

/// GraphiQL's scripts and stylesheet, served by guanxi itself (off with it).
async fn graphiql_asset(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path((version, file)): axum::extract::Path<(String, String)>,
) -> Response {
    if !state.options.introspection {
        return not_found_graphiql();
    }
    super::graphiql::asset(&version, &file, &headers)
}

fn not_found_graphiql() -> Response {
    wire::refusal(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "GraphiQL is turned off on this server",
    )
}

/// How the page signs people in: `{"enabled": false}` (ask for an API token),
/// or the provider's endpoints and our public client there. Open to all: the
/// page needs it before anyone is signed in, and it holds nothing secret.
async fn sign_on(State(state): State<AppState>) -> Response {
    let Some(oidc) = &state.oidc else {
        return Json(json!({ "enabled": false })).into_response();
    };
    match oidc.page_sign_on().await {
        None => Json(json!({ "enabled": false })).into_response(),
        Some(Ok(page)) => {
            let mut body = serde_json::to_value(page).unwrap_or_default();
            body["enabled"] = json!(true);
            Json(body).into_response()
        }
        Some(Err(e)) => {
            tracing::warn!(error = %e, "the page's sign-on");
            wire::refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::Internal,
                format!("sign-on is not available: {e}"),
            )
        }
    }
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
