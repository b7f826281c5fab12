//! What serving a support request is worth: the deal's amount in the reference
//! currency × its win probability × the lift in that chance the support brings
//! (discounted while the deal fails qualification) × the strategic weight of its
//! account × how urgent the help is against the signing (docs/support.md).

use time::Date;

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

/// What a request is valued from.
#[derive(Debug, Clone)]
pub struct ValueInputs<'a> {
    /// The deal's amount, major units of `currency`.
    pub amount: f64,
    pub currency: &'a str,
    pub tier: &'a str,
    pub kind: &'a str,
    pub own_lift: Option<f64>,
    /// The lift of an applicable need of the same kind: (need id, lift).
    pub need_lift: Option<(&'a str, f64)>,
    /// The deal's win probability (docs/forecast.md).
    pub probability: f64,
    /// The deal fails qualification (support.toml `[value] qualify_first`).
    pub qualify_first: bool,
    pub needed_by: Date,
    pub sign_date: Option<Date>,
}

/// The value of a request with its parts, for the explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestValue {
    /// Amount in the reference currency, major units.
    pub amount: f64,
    /// The lift as asked or applicable, before the qualification discount.
    pub lift: f64,
    pub lift_source: LiftSource,
    pub weight: f64,
    pub probability: f64,
    /// The lift's factor for qualification: 1, or `unqualified_lift_factor`.
    pub qualification: f64,
    /// The deal fails qualification: the plan flags the request "qualify first".
    pub qualify_first: bool,
    /// 0..1: how much the help still matters against the signing.
    pub urgency: f64,
    /// Days from `needed_by` to the expected signing (negative: after it).
    pub slack_days: Option<i64>,
    pub value: f64,
}

impl RequestValue {
    /// The computation with its numbers, as the plan explains it.
    pub fn formula(&self) -> String {
        format!(
            "{:.0} × p {:.3} × lift {:.3} × qualification {:.2} × weight {:.2} × urgency {:.2} = {:.0}",
            self.amount, self.probability, self.lift, self.qualification, self.weight, self.urgency, self.value
        )
    }
}

/// Values a request.
pub fn request_value(m: &Methodology, i: &ValueInputs<'_>) -> RequestValue {
    let rules = &m.support.value;
    let amount = i.amount * m.support.rate(i.currency);
    let (lift, lift_source) = match (i.own_lift, i.need_lift) {
        (Some(l), _) => (l, LiftSource::Request),
        (None, Some((id, l))) => (l, LiftSource::Need(id.to_owned())),
        (None, None) => (m.support.lift(i.kind), LiftSource::Default),
    };
    let weight = m.support.weight(i.tier);
    let qualification = if i.qualify_first {
        rules.unqualified_lift_factor
    } else {
        1.0
    };
    let slack_days = i.sign_date.map(|s| (s - i.needed_by).whole_days());
    let urgency = urgency(m, slack_days);
    let probability = i.probability.clamp(0.0, 1.0);
    RequestValue {
        amount,
        lift,
        lift_source,
        weight,
        probability,
        qualification,
        qualify_first: i.qualify_first,
        urgency,
        slack_days,
        value: amount * probability * lift * qualification * weight * urgency,
    }
}

/// 1 while the help lands within `urgent_days` of the signing, falling linearly
/// to `patient_factor` at `patient_days` of slack (it could wait for a later
/// month); `late_factor` when it would come after the signing; `undated_factor`
/// for a deal with no expected signing date.
pub fn urgency(m: &Methodology, slack_days: Option<i64>) -> f64 {
    let r = &m.support.value;
    match slack_days {
        None => r.undated_factor,
        Some(d) if d < 0 => r.late_factor,
        Some(d) if d <= r.urgent_days => 1.0,
        Some(d) if d >= r.patient_days => r.patient_factor,
        Some(d) => {
            let t = (d - r.urgent_days) as f64 / (r.patient_days - r.urgent_days).max(1) as f64;
            1.0 - t * (1.0 - r.patient_factor)
        }
    }
}
