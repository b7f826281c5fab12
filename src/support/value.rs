//! What serving a support request is worth: the deal's amount in the reference
//! currency × the lift in its chance of winning × the strategic weight of its account.

use crate::methodology::Methodology;

/// Where a request's lift came from.
#[derive(Debug, Clone, PartialEq)]
pub enum LiftSource {
    /// The requester's own estimate.
    Request,
    /// A need in `support.toml` that applies to the deal now (its id).
    Need(String),
    /// The kind's `default_lift`.
    Default,
}

/// The value of a request with its parts, for the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestValue {
    /// Amount in the reference currency, major units.
    pub amount: f64,
    pub lift: f64,
    pub lift_source: LiftSource,
    pub weight: f64,
    pub value: f64,
}

/// Values a request. `need_lift` is the lift of an applicable need of the same kind.
pub fn request_value(
    m: &Methodology,
    amount_major: f64,
    currency: &str,
    tier: &str,
    kind: &str,
    own_lift: Option<f64>,
    need_lift: Option<(&str, f64)>,
) -> RequestValue {
    let amount = amount_major * m.support.rate(currency);
    let (lift, lift_source) = match (own_lift, need_lift) {
        (Some(l), _) => (l, LiftSource::Request),
        (None, Some((id, l))) => (l, LiftSource::Need(id.to_owned())),
        (None, None) => (m.support.lift(kind), LiftSource::Default),
    };
    let weight = m.support.weight(tier);
    RequestValue {
        amount,
        lift,
        lift_source,
        weight,
        value: amount * lift * weight,
    }
}
