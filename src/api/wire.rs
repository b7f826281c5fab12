//! GraphQL over HTTP on the wire: reading a request's parameters from a JSON body
//! or a GET's query string, choosing the answer's media type from `Accept`, and
//! writing answers and refusals as coded JSON with the status the GraphQL over
//! HTTP specification asks for.
//!
//! A request that is not well-formed GraphQL over HTTP (malformed JSON, a batch,
//! parameters of the wrong type) is answered 400. Of well-formed ones, two media
//! types are served: `application/json` (the default, for `*/*` and for no
//! `Accept` at all) answers 200 even when the document did not parse or validate;
//! `application/graphql-response+json` answers 400 without a `data` entry when the
//! request failed before execution (a document that does not parse or validate,
//! variables of the wrong type). Transport refusals (401, 403, 405, 406, 408, 413,
//! 415) keep their own status under both.

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute},
    Variables,
};
use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};

use crate::ErrorCode;

/// Largest answer sent, in bytes: a document within every limit can still ask
/// for the whole graph many times over.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Deepest nesting of the JSON values of `variables` and `extensions`.
pub const MAX_JSON_NESTING: usize = 64;

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// The media type an answer is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// `application/json`: 200 for every request read as GraphQL.
    Json,
    /// `application/graphql-response+json`: 4xx for request errors.
    GraphqlResponse,
}

impl Want {
    fn content_type(self) -> &'static str {
        match self {
            Want::Json => "application/json; charset=utf-8",
            Want::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        }
    }

    /// The status of a request error (it could not be run as GraphQL).
    fn request_error_status(self) -> StatusCode {
        match self {
            Want::Json => StatusCode::OK,
            Want::GraphqlResponse => StatusCode::BAD_REQUEST,
        }
    }
}

/// The media type to answer in, from the `Accept` header: the one of ours with the
/// highest quality, `application/json` on a tie, on `*/*` or with no header;
/// `None` when the caller accepts neither.
pub fn negotiate(headers: &HeaderMap) -> Option<Want> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Want::Json);
    };
    if accept.trim().is_empty() {
        return Some(Want::Json);
    }
    let mut json = 0.0_f32;
    let mut graphql = 0.0_f32;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            GRAPHQL_RESPONSE_JSON => graphql = graphql.max(q),
            JSON | "*/*" | "application/*" => json = json.max(q),
            _ => {}
        }
    }
    if graphql <= 0.0 && json <= 0.0 {
        None
    } else if graphql > json {
        Some(Want::GraphqlResponse)
    } else {
        Some(Want::Json)
    }
}

/// A refusal in the GraphQL over HTTP shape (`errors` only), with its code.
pub fn refusal(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    refusal_as(Want::Json, status, code, message)
}

/// A refusal written in the caller's media type.
pub fn refusal_as(
    want: Want,
    status: StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
) -> Response {
    let mut extensions = json!({ "code": code.as_str() });
    if let Some(id) = super::request_id::current() {
        extensions["requestId"] = Value::from(id.as_ref());
    }
    let body = json!({ "errors": [{ "message": message.into(), "extensions": extensions }] });
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(want.content_type()),
        )],
        body.to_string(),
    )
        .into_response()
}

/// A request that is not well-formed GraphQL over HTTP (malformed JSON, a batch,
/// parameters of the wrong type): 400 in either media type.
pub fn malformed(want: Want, code: ErrorCode, message: impl Into<String>) -> Response {
    refusal_as(want, StatusCode::BAD_REQUEST, code, message)
}

/// A request error: the document could not be run (it is nested too deep, does
/// not parse or validate): 200 as `application/json`, 400 as
/// `application/graphql-response+json`.
pub fn request_error(want: Want, code: ErrorCode, message: impl Into<String>) -> Response {
    refusal_as(want, want.request_error_status(), code, message)
}

/// Why a request's parameters could not be read: a refusal with its code, as the
/// document checks give (`limits::Refusal`).
pub type BadParameters = super::limits::Refusal;

fn bad(message: impl Into<String>) -> BadParameters {
    BadParameters {
        code: ErrorCode::BadRequest,
        message: message.into(),
    }
}

/// The deepest nesting of a JSON value, without recursion.
fn json_nesting(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// The GraphQL request of a JSON body. The parser refuses JSON nested deeper
/// than 128 with an error, never a stack overflow.
pub fn from_body(body: &[u8]) -> Result<async_graphql::Request, BadParameters> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            BadParameters {
                code: ErrorCode::NestingTooDeep,
                message: format!("the body's JSON nests too deep: {e}"),
            }
        } else if body.iter().all(u8::is_ascii_whitespace) {
            bad("the request has no body: send {\"query\": \"...\"} as JSON")
        } else {
            bad(format!("the body is not valid JSON: {e}"))
        }
    })?;
    match value {
        Value::Object(map) => from_parameters(
            map.get("query"),
            map.get("operationName"),
            map.get("variables"),
            map.get("extensions"),
        ),
        Value::Array(_) => Err(BadParameters {
            code: ErrorCode::BatchNotSupported,
            message: "batches are not supported: send one operation per request".into(),
        }),
        _ => Err(bad(
            "the body must be a JSON object: {\"query\": \"...\", \"variables\": {...}}",
        )),
    }
}

/// The GraphQL request of a GET's query string (`query`, `operationName`, and
/// `variables` and `extensions` as JSON text).
pub fn from_query_string(uri: &axum::http::Uri) -> Result<async_graphql::Request, BadParameters> {
    let axum::extract::Query(pairs) =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| bad(format!("the query string could not be read: {e}")))?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let json_param = |name: &str| -> Result<Option<Value>, BadParameters> {
        get(name)
            .map(|text| {
                serde_json::from_str::<Value>(text)
                    .map_err(|e| bad(format!("{name} is not valid JSON: {e}")))
            })
            .transpose()
    };
    let query = get("query").map(|q| Value::String(q.to_owned()));
    let name = get("operationName").map(|q| Value::String(q.to_owned()));
    let variables = json_param("variables")?;
    let extensions = json_param("extensions")?;
    from_parameters(
        query.as_ref(),
        name.as_ref(),
        variables.as_ref(),
        extensions.as_ref(),
    )
}

fn from_parameters(
    query: Option<&Value>,
    operation_name: Option<&Value>,
    variables: Option<&Value>,
    extensions: Option<&Value>,
) -> Result<async_graphql::Request, BadParameters> {
    let query = match query {
        Some(Value::String(q)) => q.clone(),
        None | Some(Value::Null) => {
            return Err(bad("the request has no query: send {\"query\": \"...\"}"))
        }
        Some(_) => return Err(bad("query must be a string")),
    };
    let mut request = async_graphql::Request::new(query);
    match operation_name {
        None | Some(Value::Null) => {}
        Some(Value::String(n)) => request = request.operation_name(n.clone()),
        Some(_) => return Err(bad("operationName must be a string or null")),
    }
    for (name, value) in [("variables", variables), ("extensions", extensions)] {
        if let Some(v) = value {
            if !(v.is_object() || v.is_null()) {
                return Err(bad(format!("{name} must be an object or null")));
            }
            if json_nesting(v) > MAX_JSON_NESTING {
                return Err(BadParameters {
                    code: ErrorCode::NestingTooDeep,
                    message: format!("{name} nest more than {MAX_JSON_NESTING} deep"),
                });
            }
        }
    }
    if let Some(v @ Value::Object(_)) = variables {
        request = request.variables(Variables::from_json(v.clone()));
    }
    if let Some(Value::Object(map)) = extensions {
        for (k, v) in map {
            if let Ok(v) = async_graphql::Value::from_json(v.clone()) {
                request.extensions.insert(k.clone(), v);
            }
        }
    }
    Ok(request)
}

/// Set in a request's data when its operation starts executing: a response
/// without it failed before (parse, validation, variables), a request error.
#[derive(Clone, Default)]
pub struct Executed(Arc<AtomicBool>);

impl Executed {
    pub fn happened(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Marks [`Executed`] when execution begins.
pub struct MarkExecution;

impl ExtensionFactory for MarkExecution {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MarkExecution)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for MarkExecution {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Ok(flag) = ctx.data::<Executed>() {
            flag.0.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}

/// The answer to a request that was run: 200 with `data` once execution began,
/// a request error (no `data`) otherwise; capped at [`MAX_RESPONSE_BYTES`].
pub fn answer(want: Want, mut response: async_graphql::Response, executed: bool) -> Response {
    super::request_id::stamp_errors(&mut response.errors);
    let request_failed = !executed && response.is_err();
    let body = if request_failed {
        json!({ "errors": response.errors })
    } else {
        match serde_json::to_value(&response) {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "serialising a response");
                return refusal_as(
                    want,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "internal error; it has been logged",
                );
            }
        }
    };
    let text = body.to_string();
    if text.len() > MAX_RESPONSE_BYTES {
        return request_error(
            want,
            ErrorCode::ResponseTooLarge,
            format!(
                "the answer would be {} MB, more than the {} MB a request may return; ask for fewer fields or a smaller page",
                text.len() / (1024 * 1024),
                MAX_RESPONSE_BYTES / (1024 * 1024)
            ),
        );
    }
    let status = if request_failed {
        want.request_error_status()
    } else {
        StatusCode::OK
    };
    let mut out = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(want.content_type()),
        )],
        text,
    )
        .into_response();
    for (name, value) in response.http_headers.iter() {
        out.headers_mut().insert(name, value.clone());
    }
    if let Some(cache) = response.cache_control.value() {
        if let Ok(v) = HeaderValue::from_str(&cache) {
            out.headers_mut().insert(header::CACHE_CONTROL, v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn accept_picks_the_media_type() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Want::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(Want::Json));
        assert_eq!(negotiate(&accept("application/json")), Some(Want::Json));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")),
            Some(Want::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(Want::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Want::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
        assert_eq!(negotiate(&accept("application/json;q=0")), None);
    }

    #[test]
    fn bodies_are_read_or_refused_with_a_code() {
        assert!(from_body(br#"{"query": "{ a }", "variables": null}"#).is_ok());
        let code = |b: &[u8]| from_body(b).unwrap_err().code;
        assert_eq!(code(b"{not json"), ErrorCode::BadRequest);
        assert_eq!(code(b""), ErrorCode::BadRequest);
        assert_eq!(
            code(br#"[{"query": "{ a }"}]"#),
            ErrorCode::BatchNotSupported
        );
        assert_eq!(code(br#"{"query": 1}"#), ErrorCode::BadRequest);
        assert_eq!(code(br#"{"qeury": "{ a }"}"#), ErrorCode::BadRequest);
        assert_eq!(
            code(br#"{"query": "{ a }", "variables": []}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code(br#"{"query": "{ a }", "operationName": 0}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(
            code(br#"{"query": "{ a }", "x": 1e400}"#),
            ErrorCode::BadRequest
        );
        assert_eq!(code(br#"{"query": "\ud800"}"#), ErrorCode::BadRequest);
        let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert_eq!(code(deep.as_bytes()), ErrorCode::NestingTooDeep);
        let vars = format!(
            r#"{{"query": "{{ a }}", "variables": {{"v": {}1{}}}}}"#,
            "[".repeat(100),
            "]".repeat(100)
        );
        assert_eq!(code(vars.as_bytes()), ErrorCode::NestingTooDeep);
    }

    #[test]
    fn query_strings_are_read() {
        let uri = |q: &str| format!("/graphql?{q}").parse::<axum::http::Uri>().unwrap();
        let r = from_query_string(&uri("query=%7B%20a%20%7D&variables=%7B%22x%22%3A1%7D")).unwrap();
        assert_eq!(r.query, "{ a }");
        assert!(from_query_string(&uri("variables=%7B")).is_err());
        assert!(from_query_string(&uri("")).is_err());
    }
}
