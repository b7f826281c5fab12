//! What support each stage and deal profile calls for and how the allocator values
//! a deal, from `support.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    condition::Condition, error::Problems, facts::OPPORTUNITY_FACTS, vocabulary::Vocabularies,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSupport {
    reference_currency: String,
    currency_rates: BTreeMap<String, f64>,
    strategic_weight: BTreeMap<String, f64>,
    default_lift: BTreeMap<String, f64>,
    allocation: AllocationSettings,
    #[serde(default)]
    value: ValueRules,
    #[serde(default)]
    needs: Vec<RawNeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNeed {
    id: String,
    kind: String,
    label: String,
    #[serde(default)]
    label_zh: Option<String>,
    stages: Vec<String>,
    #[serde(default = "always")]
    condition: String,
    units: i32,
    lift: f64,
    #[serde(default)]
    step: Option<String>,
}

fn always() -> String {
    "true".to_owned()
}

/// How hard the allocator tries.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationSettings {
    pub exact_variable_limit: usize,
    pub relaxation_variable_limit: usize,
    pub time_limit_seconds: f64,
}

/// How a request's value reads the deal beyond amount, lift and tier
/// (docs/support.md, "What a request is worth"). A methodology written before
/// these were added gets the shipped values.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ValueRules {
    /// When a deal fails qualification (a condition over the opportunity facts):
    /// its requests are flagged "qualify first" and their lift discounted.
    pub qualify_first: String,
    /// The lift's factor while the deal fails qualification.
    pub unqualified_lift_factor: f64,
    /// Help landing within this many days of the signing counts fully.
    pub urgent_days: i64,
    /// Help with this much slack or more counts `patient_factor`: it could wait.
    pub patient_days: i64,
    pub patient_factor: f64,
    /// Help that would come after the expected signing.
    pub late_factor: f64,
    /// A deal with no expected signing date.
    pub undated_factor: f64,
    /// The value's factor when the resource does not serve the account's
    /// industry (a resource listing no industry serves every one).
    pub industry_mismatch_factor: f64,
    #[serde(skip)]
    pub qualify_first_condition: Option<Condition>,
}

impl Default for ValueRules {
    fn default() -> Self {
        ValueRules {
            qualify_first: "questions_due_open >= 1 || worth_winning_no".into(),
            unqualified_lift_factor: 0.5,
            urgent_days: 30,
            patient_days: 180,
            patient_factor: 0.6,
            late_factor: 0.1,
            undated_factor: 0.8,
            industry_mismatch_factor: 0.5,
            qualify_first_condition: None,
        }
    }
}

impl ValueRules {
    /// Whether a deal with these facts fails qualification.
    pub fn qualify_first(&self, facts: &evalexpr::HashMapContext) -> bool {
        self.qualify_first_condition
            .as_ref()
            .is_some_and(|c| c.holds(facts))
    }
}

/// Support a stage and deal profile calls for.
#[derive(Debug, Clone)]
pub struct SupportNeed {
    pub id: String,
    pub kind: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub stages: Vec<String>,
    pub condition: Condition,
    pub units: i32,
    pub lift: f64,
    /// The win step this support serves: once it is done the need no longer
    /// applies, so nobody is asked for support the deal has had.
    pub step: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SupportRules {
    pub reference_currency: String,
    pub currency_rates: BTreeMap<String, f64>,
    pub strategic_weight: BTreeMap<String, f64>,
    pub default_lift: BTreeMap<String, f64>,
    pub allocation: AllocationSettings,
    pub value: ValueRules,
    pub needs: Vec<SupportNeed>,
}

impl SupportRules {
    /// Units of the reference currency per unit of `currency` (1 if unknown, which
    /// the loader rules out for the methodology's own currencies).
    pub fn rate(&self, currency: &str) -> f64 {
        // Deals carry ISO codes upper case, the file may list them in either case.
        self.currency_rates
            .get(currency)
            .or_else(|| self.currency_rates.get(&currency.to_ascii_lowercase()))
            .or_else(|| self.currency_rates.get(&currency.to_ascii_uppercase()))
            .copied()
            .unwrap_or(1.0)
    }

    /// The weight of a deal at an account of this tier (1 if not listed).
    pub fn weight(&self, tier: &str) -> f64 {
        self.strategic_weight.get(tier).copied().unwrap_or(1.0)
    }

    /// The lift of a kind of support when no need names one (0 if not listed).
    pub fn lift(&self, kind: &str) -> f64 {
        self.default_lift.get(kind).copied().unwrap_or(0.0)
    }
}

fn check_keys(
    map: &BTreeMap<String, f64>,
    vocabulary: &super::vocabulary::Vocabulary,
    table: &str,
    range: std::ops::RangeInclusive<f64>,
    file: &str,
    problems: &mut Problems,
) {
    for (key, value) in map {
        if !vocabulary.contains(key) {
            problems.push(
                file,
                format!("{table}.{key}"),
                format!("'{key}' is not in vocabularies.toml's {}", vocabulary.name),
            );
        }
        if !range.contains(value) {
            problems.push(
                file,
                format!("{table}.{key}"),
                format!(
                    "must be within {}..{}, got {value}",
                    range.start(),
                    range.end()
                ),
            );
        }
    }
}

pub(crate) fn compile_support(
    raw: RawSupport,
    v: &Vocabularies,
    file: &str,
    problems: &mut Problems,
) -> SupportRules {
    if !v.currencies.contains(&raw.reference_currency) {
        problems.push(
            file,
            "reference_currency",
            format!(
                "'{}' is not a currency in vocabularies.toml",
                raw.reference_currency
            ),
        );
    }
    check_keys(
        &raw.currency_rates,
        &v.currencies,
        "currency_rates",
        1e-9..=1e9,
        file,
        problems,
    );
    for c in v.currencies.ids() {
        if !raw.currency_rates.contains_key(c) {
            problems.push(
                file,
                "currency_rates",
                format!("has no rate for '{c}'; every currency deals may be in needs one"),
            );
        }
    }
    check_keys(
        &raw.strategic_weight,
        &v.tiers,
        "strategic_weight",
        0.0..=100.0,
        file,
        problems,
    );
    check_keys(
        &raw.default_lift,
        &v.support_resource_kinds,
        "default_lift",
        0.0..=1.0,
        file,
        problems,
    );
    if raw.allocation.exact_variable_limit > 1_000_000 {
        problems.push(
            file,
            "allocation.exact_variable_limit",
            "must be at most 1000000",
        );
    }
    if raw.allocation.relaxation_variable_limit > 10_000_000 {
        problems.push(
            file,
            "allocation.relaxation_variable_limit",
            "must be at most 10000000",
        );
    }
    if !(raw.allocation.time_limit_seconds > 0.0 && raw.allocation.time_limit_seconds <= 600.0) {
        problems.push(
            file,
            "allocation.time_limit_seconds",
            "must be more than 0 and at most 600",
        );
    }
    let mut needs: Vec<SupportNeed> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, n) in raw.needs.into_iter().enumerate() {
        let item = format!("needs[{i}]");
        if n.id.trim().is_empty() || !seen.insert(n.id.clone()) {
            problems.push(
                file,
                format!("{item}.id"),
                format!("'{}' is empty or used twice", n.id),
            );
        }
        if !v.support_resource_kinds.contains(&n.kind) {
            problems.push(
                file,
                format!("{item}.kind"),
                format!(
                    "'{}' is not a support resource kind in vocabularies.toml",
                    n.kind
                ),
            );
        }
        if n.stages.is_empty() {
            problems.push(
                file,
                format!("{item}.stages"),
                "must name at least one stage",
            );
        }
        for s in &n.stages {
            if v.stage(s).is_none() {
                problems.push(
                    file,
                    format!("{item}.stages"),
                    format!("'{s}' is not a stage in stages.toml"),
                );
            }
        }
        if !(1..=10_000).contains(&n.units) {
            problems.push(file, format!("{item}.units"), "must be within 1..10000");
        }
        if !(0.0..=1.0).contains(&n.lift) {
            problems.push(
                file,
                format!("{item}.lift"),
                format!("must be within 0..1, got {}", n.lift),
            );
        }
        let Some(condition) = Condition::compile(
            &n.condition,
            OPPORTUNITY_FACTS,
            file,
            &format!("{item}.condition"),
            problems,
        ) else {
            continue;
        };
        needs.push(SupportNeed {
            id: n.id,
            kind: n.kind,
            label: n.label,
            label_zh: n.label_zh,
            stages: n.stages,
            condition,
            units: n.units,
            lift: n.lift,
            step: n.step,
        });
    }
    let mut value = raw.value;
    let r = &value;
    for (name, f) in [
        ("value.unqualified_lift_factor", r.unqualified_lift_factor),
        ("value.patient_factor", r.patient_factor),
        ("value.late_factor", r.late_factor),
        ("value.undated_factor", r.undated_factor),
        ("value.industry_mismatch_factor", r.industry_mismatch_factor),
    ] {
        if !(0.0..=1.0).contains(&f) {
            problems.push(file, name, format!("must be within 0..1, got {f}"));
        }
    }
    if !(0 <= r.urgent_days && r.urgent_days < r.patient_days && r.patient_days <= 3650) {
        problems.push(
            file,
            "value.urgent_days",
            "urgent_days and patient_days must satisfy 0 <= urgent_days < patient_days <= 3650",
        );
    }
    value.qualify_first_condition = Condition::compile(
        &value.qualify_first,
        OPPORTUNITY_FACTS,
        file,
        "value.qualify_first",
        problems,
    );
    SupportRules {
        reference_currency: raw.reference_currency,
        currency_rates: raw.currency_rates,
        strategic_weight: raw.strategic_weight,
        default_lift: raw.default_lift,
        allocation: raw.allocation,
        value,
        needs,
    }
}

/// Label of a term in a language, for need and category labels.
pub fn label<'a>(label: &'a str, label_zh: Option<&'a str>, zh: bool) -> &'a str {
    if zh {
        label_zh.unwrap_or(label)
    } else {
        label
    }
}
