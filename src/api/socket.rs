//! Subscriptions over WebSocket (graphql-transport-ws or the older graphql-ws
//! protocol), at `GET /graphql/ws`.
//!
//! A socket outlives the HTTP request that opened it, so its caller is checked
//! again: on every new operation, and every [`HttpOptions::token_recheck`]
//! (five seconds by default). When the token has been revoked the socket is closed
//! with code 4403 (graphql-transport-ws's "Forbidden") and its subscriptions end.
//!
//! [`HttpOptions::token_recheck`]: super::HttpOptions::token_recheck

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex,
};

use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    extract::{
        ws::{rejection::WebSocketUpgradeRejection, CloseFrame, Message, WebSocket},
        State, WebSocketUpgrade,
    },
    http::HeaderMap,
    response::Response,
};
use futures_util::{SinkExt, StreamExt};

use super::{
    http::{foreign_origin, origin_allowed, principal, socket_caller, AppState, Refusal},
    wire::{self, Want},
    MAX_BODY_BYTES,
};
use crate::ErrorCode;

/// graphql-transport-ws's close code for a caller no longer allowed in.
pub const CLOSE_FORBIDDEN: u16 = 4403;

pub(super) async fn graphql_ws(
    State(state): State<AppState>,
    headers: HeaderMap,
    protocol: Result<GraphQLProtocol, axum::http::StatusCode>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    limited: Option<axum::Extension<super::rate::LimitedCaller>>,
) -> Response {
    // Browsers let any page open a WebSocket anywhere; only our own page and the
    // configured front-end origins may listen (non-browser clients send no Origin).
    if !origin_allowed(&state, &headers) {
        return foreign_origin(Want::Json);
    }
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(rejection) => {
            return wire::refusal(
                rejection.status(),
                ErrorCode::BadRequest,
                format!(
                    "{}: /graphql/ws takes a WebSocket upgrade",
                    rejection.body_text()
                ),
            )
        }
    };
    let Ok(protocol) = protocol else {
        return wire::refusal(
            axum::http::StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "name the subprotocol: Sec-WebSocket-Protocol: graphql-transport-ws (or graphql-ws)",
        );
    };
    upgrade
        .max_message_size(MAX_BODY_BYTES)
        .max_frame_size(MAX_BODY_BYTES)
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, socket, protocol, limited.is_some()))
}

/// Whether a client message starts an operation (graphql-transport-ws
/// `subscribe`, graphql-ws `start`).
fn starts_operation(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .is_some_and(|t| t == "subscribe" || t == "start")
}

/// Whether the token presented at `connection_init` no longer lets its holder in.
/// A store that cannot be read does not close the socket: the next check decides.
async fn revoked(state: &AppState, secret: &Mutex<Option<String>>) -> bool {
    // A poisoned lock still holds the secret: the check must not fail open.
    let held = secret
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let Some(secret) = held else {
        return false;
    };
    match principal(state, Some(&secret)).await {
        Err(Refusal::Unknown | Refusal::Missing | Refusal::Expired(_)) => true,
        // A provider that cannot be reached does not close the socket.
        Err(Refusal::SignOn(r)) => r.code != crate::ErrorCode::Internal,
        Ok(_) | Err(Refusal::Unavailable) => false,
    }
}

/// Closes a socket whose token used up its `--rate-limit` allowance.
pub const CLOSE_RATE_LIMITED: u16 = 4429;

async fn serve(state: AppState, socket: WebSocket, protocol: GraphQLProtocol, limited: bool) {
    let (mut sink, incoming) = socket.split();
    let secret: Arc<Mutex<Option<String>>> = Arc::default();
    let refused = Arc::new(AtomicBool::new(false));
    let throttled = Arc::new(AtomicBool::new(false));

    // Every new operation first re-checks the token; a revoked one ends the input.
    let checked = {
        let (state, secret, refused, throttled) = (
            state.clone(),
            secret.clone(),
            refused.clone(),
            throttled.clone(),
        );
        incoming.then(move |item| {
            let (state, secret, refused, throttled) = (
                state.clone(),
                secret.clone(),
                refused.clone(),
                throttled.clone(),
            );
            async move {
                let text = match &item {
                    Ok(Message::Text(text)) => Some(text.as_str()),
                    // async-graphql reads binary frames as JSON text too.
                    Ok(Message::Binary(bytes)) => std::str::from_utf8(bytes).ok(),
                    _ => None,
                };
                let starts = text.is_some_and(starts_operation);
                if starts && revoked(&state, &secret).await {
                    refused.store(true, Ordering::Relaxed);
                    return Err(axum::Error::new("the token has been revoked"));
                }
                // Each operation on a socket counts as a request against the
                // token's allowance, as it would over HTTP.
                if starts && limited {
                    let held = secret
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .clone();
                    if let (Some(l), Some(s)) = (state.limiter.as_ref(), held) {
                        if l.take_token(&s).is_err() {
                            throttled.store(true, Ordering::Relaxed);
                            return Err(axum::Error::new("too many requests"));
                        }
                    }
                }
                item
            }
        })
    };

    let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<Message>(32);
    let out = futures_util::sink::unfold(out_tx, |tx, message: Message| async move {
        tx.send(message).await.map(|()| tx)
    });
    let graphql = {
        let (state, secret) = (state.clone(), secret.clone());
        GraphQLWebSocket::new_with_pair(Box::pin(out), checked, state.schema.clone(), protocol)
            .on_connection_init(move |payload| async move {
                let (principal, presented) = socket_caller(&state, &payload).await?;
                *secret
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = presented;
                let mut data = async_graphql::Data::default();
                let store = state.store.acting_as(principal.clone());
                data.insert(super::loaders::for_request(store.clone()));
                data.insert(store);
                data.insert(state.engine.acting_as(principal.clone()));
                data.insert(principal);
                Ok(data)
            })
            .serve()
    };
    let forward = async {
        while let Some(message) = out_rx.recv().await {
            if sink.send(message).await.is_err() {
                break;
            }
        }
    };
    let watch = async {
        let mut every = tokio::time::interval(state.options.token_recheck);
        every.tick().await;
        loop {
            every.tick().await;
            if revoked(&state, &secret).await {
                return;
            }
        }
    };
    let timed_out = tokio::select! {
        _ = futures_util::future::join(graphql, forward) => false,
        () = watch => true,
    };
    if throttled.load(Ordering::Relaxed) {
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: CLOSE_RATE_LIMITED,
                reason: "too many requests from this token (--rate-limit); open a new socket later"
                    .into(),
            })))
            .await;
    } else if timed_out || refused.load(Ordering::Relaxed) {
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: CLOSE_FORBIDDEN,
                reason: "the API token has been revoked or has expired".into(),
            })))
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::starts_operation;

    #[test]
    fn operations_are_told_from_other_messages() {
        assert!(starts_operation(
            r#"{"type":"subscribe","id":"1","payload":{}}"#
        ));
        assert!(starts_operation(r#"{"type":"start","id":"1"}"#));
        assert!(!starts_operation(r#"{"type":"ping"}"#));
        assert!(!starts_operation("not json"));
    }
}
