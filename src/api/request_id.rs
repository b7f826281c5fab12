//! A request id on every answer: taken from the caller's `x-request-id` when it
//! is a sane one (a load balancer's), else made here; sent back in the header of
//! the same name, in every error's `extensions.requestId`, and carried by every
//! log line written while the request runs, so a complaint can be followed from
//! the screen to the log.

use std::sync::Arc;

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

/// The header the id travels in, both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest id taken from a caller.
const LONGEST: usize = 128;

tokio::task_local! {
    static CURRENT: Arc<str>;
}

/// The id of the request this task is serving, if any.
pub fn current() -> Option<Arc<str>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// Whether a caller's id can be kept: 1 to 128 visible ASCII characters without
/// spaces or quotes, so it can be logged and echoed without escaping.
fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= LONGEST
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=@".contains(&b))
}

/// Gives the request its id (outermost layer: everything below, the trace span
/// included, sees it in the request's headers), runs it with the id at hand, and
/// puts the id on the answer.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned);
    let id: Arc<str> = given
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string())
        .into();
    let value = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("-"));
    request.headers_mut().insert(HEADER, value.clone());
    let mut response = CURRENT.scope(id, next.run(request)).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// Adds the request id to each error of a GraphQL answer.
pub fn stamp_errors(errors: &mut [async_graphql::ServerError]) {
    let Some(id) = current() else {
        return;
    };
    for e in errors {
        e.extensions
            .get_or_insert_with(Default::default)
            .set("requestId", id.as_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_plain_ids_are_kept() {
        assert!(acceptable("0196a1b2c3d4"));
        assert!(acceptable("lb-7f3a:req/42"));
        assert!(!acceptable(""));
        assert!(!acceptable("with space"));
        assert!(!acceptable("quote\"d"));
        assert!(!acceptable("newline\ninjected"));
        assert!(!acceptable(&"x".repeat(129)));
        assert!(acceptable(&"x".repeat(128)));
    }
}
