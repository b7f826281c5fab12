//! Request rate limits for a shared deployment (`--rate-limit`): one allowance
//! per token presented and one per calling address, both at the configured rate
//! with bursts up to it. A request past either is answered 429 with
//! `RATE_LIMITED` and `Retry-After`. Off unless configured; callers on a loopback
//! address (the machine itself, a local proxy's own checks) are never limited, nor
//! is `/healthz` (load balancers' probes).

use std::{
    net::{IpAddr, SocketAddr},
    num::NonZeroU32,
    sync::Arc,
    time::Duration,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use super::{http::AppState, wire};
use crate::ErrorCode;

/// So many requests per period, e.g. `120/min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: NonZeroU32,
    pub per: Duration,
}

impl RateLimit {
    /// Reads `N/s`, `N/min` or `N/h` (also `N/second`, `N/minute`, `N/hour`).
    pub fn parse(text: &str) -> Result<RateLimit, String> {
        let wrong = || {
            format!("'{text}' is not a rate: give requests per second, minute or hour, e.g. 10/s, 600/min or 20000/h")
        };
        let (count, unit) = text.trim().split_once('/').ok_or_else(wrong)?;
        let requests: u32 = count.trim().parse().map_err(|_| wrong())?;
        let requests = NonZeroU32::new(requests).ok_or_else(|| {
            format!("'{text}' allows no request at all; give at least 1, or leave --rate-limit out")
        })?;
        let per = match unit.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            _ => return Err(wrong()),
        };
        Ok(RateLimit { requests, per })
    }

    /// As people say it: "120 requests a minute".
    pub fn describe(&self) -> String {
        let per = match self.per.as_secs() {
            1 => "a second",
            60 => "a minute",
            _ => "an hour",
        };
        format!("{} requests {per}", self.requests)
    }

    fn quota(&self) -> Quota {
        let every = self.per / self.requests.get();
        Quota::with_period(every.max(Duration::from_nanos(1)))
            .unwrap_or_else(|| Quota::per_second(self.requests))
            .allow_burst(self.requests)
    }
}

/// Marks a request from a caller the limits apply to (for sockets, whose
/// operations are counted one by one).
#[derive(Debug, Clone, Copy)]
pub(super) struct LimitedCaller;

/// The allowances of one server.
pub(super) struct Limiter {
    limit: RateLimit,
    /// By a hash of the presented secret: secrets are not kept.
    by_token: DefaultKeyedRateLimiter<[u8; 16]>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    /// Proxies whose `X-Forwarded-For` names the real caller.
    trusted_proxies: Vec<IpAddr>,
}

impl Limiter {
    pub(super) fn new(limit: RateLimit, trusted_proxies: Vec<IpAddr>) -> Arc<Limiter> {
        let limiter = Arc::new(Limiter {
            limit,
            by_token: RateLimiter::keyed(limit.quota()),
            by_address: RateLimiter::keyed(limit.quota()),
            trusted_proxies,
        });
        // Forget callers idle past their period, so a stream of new addresses or
        // made-up tokens does not grow the tables without bound.
        let weak = Arc::downgrade(&limiter);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(30));
            loop {
                every.tick().await;
                let Some(l) = weak.upgrade() else {
                    return;
                };
                l.by_token.retain_recent();
                l.by_address.retain_recent();
                l.by_token.shrink_to_fit();
                l.by_address.shrink_to_fit();
            }
        });
        limiter
    }

    /// Who is calling: `None` for a loopback caller (never limited), else the
    /// peer's address, or behind a trusted proxy the nearest address of
    /// `X-Forwarded-For` that is not itself a trusted proxy. An entry that is not
    /// an address stops the walk there: what lies beyond it was written by the
    /// caller, so the last proxy's peer stands for them.
    fn caller(&self, peer: IpAddr, request: &Request) -> Option<IpAddr> {
        let peer = peer.to_canonical();
        if !self.trusted_proxies.contains(&peer) {
            return (!peer.is_loopback()).then_some(peer);
        }
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut caller = None;
        for entry in forwarded.iter().rev() {
            match entry.parse::<IpAddr>() {
                Ok(a) => {
                    let a = a.to_canonical();
                    caller = Some(a);
                    if !self.trusted_proxies.contains(&a) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        // Behind a proxy, a forwarded loopback address is the caller's word, not
        // a loopback caller: limited like any other. Without one, the proxy
        // itself is calling.
        match caller {
            Some(c) => Some(c),
            None => (!peer.is_loopback()).then_some(peer),
        }
    }

    /// Takes one request from a token's allowance: `Err` with the wait when it
    /// is used up. For sockets, whose operations do not pass the HTTP layer.
    pub(super) fn take_token(&self, secret: &str) -> Result<(), Duration> {
        let clock = governor::clock::DefaultClock::default();
        self.by_token
            .check_key(&token_key(secret))
            .map_err(|n| n.wait_time_from(clock.now()))
    }
}

/// A presented secret, hashed to a key: however the header spells `Bearer`, one
/// secret is one allowance, and secrets are not kept.
fn token_key(secret: &str) -> [u8; 16] {
    let digest = Sha256::digest(secret.trim().as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The secret an `Authorization` header presents, as the API reads it.
fn presented(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    Some(super::http::bearer(value).unwrap_or(value.trim()))
}

/// The layer: lets the request through, or answers 429.
pub(super) async fn limit(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(limiter) = state.limiter.as_ref() else {
        return next.run(request).await;
    };
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(peer) = peer else {
        return next.run(request).await;
    };
    let Some(caller) = limiter.caller(peer, &request) else {
        return next.run(request).await;
    };
    let clock = governor::clock::DefaultClock::default();
    let by_address = limiter
        .by_address
        .check_key(&caller)
        .err()
        .map(|n| ("address", n));
    let refused = by_address.or_else(|| {
        presented(&request)
            .and_then(|secret| limiter.by_token.check_key(&token_key(secret)).err())
            .map(|n| ("token", n))
    });
    let Some((by, not_until)) = refused else {
        request.extensions_mut().insert(LimitedCaller);
        return next.run(request).await;
    };
    let wait = not_until.wait_time_from(clock.now());
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    metrics::counter!("guanxi_http_rate_limited_total", "by" => by).increment(1);
    let mut refused = wire::refusal(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!(
            "too many requests from this {by}: at most {}; try again in {seconds} s",
            limiter.limit.describe()
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        refused.headers_mut().insert(header::RETRY_AFTER, v);
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::RateLimit;

    #[test]
    fn rates_are_read_or_refused() {
        let r = RateLimit::parse("120/min").unwrap();
        assert_eq!(r.requests.get(), 120);
        assert_eq!(r.per.as_secs(), 60);
        assert_eq!(r.describe(), "120 requests a minute");
        assert_eq!(RateLimit::parse(" 10 / s ").unwrap().per.as_secs(), 1);
        assert_eq!(RateLimit::parse("5000/hour").unwrap().per.as_secs(), 3600);
        for bad in ["", "10", "ten/s", "10/day", "-1/s", "10/"] {
            let e = RateLimit::parse(bad).unwrap_err();
            assert!(e.contains("is not a rate"), "{bad}: {e}");
        }
        assert!(RateLimit::parse("0/s")
            .unwrap_err()
            .contains("no request at all"));
    }
}
