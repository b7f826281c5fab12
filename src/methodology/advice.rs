//! The four questions (`qualification.toml`), the account plan
//! (`account_plan.toml`) and the coaching rules (`coaching.toml`).

use serde::Deserialize;

use super::{
    condition::Condition,
    error::Problems,
    facts::{ACCOUNT_FACTS, OPPORTUNITY_FACTS, PLACEHOLDERS},
    vocabulary::{is_identifier, Vocabularies},
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQualification {
    questions: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    text: String,
    text_zh: String,
    #[serde(default)]
    hint: Option<String>,
    #[serde(default)]
    hint_zh: Option<String>,
    yes_when: String,
    no_when: String,
    evidence: Vec<String>,
    #[serde(default)]
    due_from: Option<String>,
    #[serde(default)]
    ask: Vec<String>,
    #[serde(default)]
    find_out: Option<String>,
    #[serde(default)]
    find_out_zh: Option<String>,
}

/// One of the four questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub text_zh: String,
    pub hint: String,
    pub hint_zh: String,
    pub yes_when: Condition,
    pub no_when: Condition,
    /// Facts shown as the evidence behind the proposed answer.
    pub evidence: Vec<String>,
    /// The stage from which an UNKNOWN or NO answer is a problem the prompts raise
    /// (`opportunity_unqualified`); never when not given.
    pub due_from: Option<String>,
    /// Buying roles of the people who would know the answer, in order of asking.
    pub ask: Vec<String>,
    /// What to find out, as a prompt says it.
    pub find_out: String,
    pub find_out_zh: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    elements: Vec<RawElement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawElement {
    id: String,
    label: String,
    label_zh: String,
    items: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    label: String,
    label_zh: String,
    kind: String,
    #[serde(default)]
    condition: Option<String>,
}

/// A checklist item of the account plan; `None` condition means manual.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanItem {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub condition: Option<Condition>,
}

/// One of the ESP+ five elements.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanElement {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub items: Vec<PlanItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCoaching {
    #[serde(default)]
    priority: Option<Priority>,
    rules: Vec<RawRule>,
}

/// How prompts are ranked (`[priority]` of coaching.toml; docs/coaching.md):
/// priority = severity × person weight × stake × urgency.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Priority {
    /// The person weight of the deal's least weighty member; the weightiest is 1.
    pub person_floor: f64,
    /// The person weight of a prompt about the whole deal (no one person).
    pub deal_weight: f64,
    /// The person weight of a prompt about one of our employees on the deal (an
    /// owner who left, someone leaving): the deal hangs on them.
    pub employee_weight: f64,
    /// The portfolio's typical deal, in the support rules' reference currency: a
    /// deal of this size has an amount term of 0.5.
    pub typical_amount: f64,
    /// Urgency of the first open stage; the last open stage is 1.
    pub stage_floor: f64,
    /// Urgency from the days left to the expected signing date: the first row whose
    /// `within_days` the days left do not exceed; a passed date counts as 0 days.
    pub sign_date: Vec<SignUrgency>,
    /// Urgency when no row applies or there is no signing date.
    pub sign_date_default: f64,
}

/// One row of the signing-date urgency table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignUrgency {
    pub within_days: i64,
    pub urgency: f64,
}

impl Default for Priority {
    fn default() -> Self {
        Priority {
            person_floor: 0.5,
            deal_weight: 0.75,
            employee_weight: 1.0,
            typical_amount: 5_000_000.0,
            stage_floor: 0.6,
            sign_date: vec![
                SignUrgency {
                    within_days: 14,
                    urgency: 1.0,
                },
                SignUrgency {
                    within_days: 30,
                    urgency: 0.9,
                },
                SignUrgency {
                    within_days: 60,
                    urgency: 0.8,
                },
                SignUrgency {
                    within_days: 90,
                    urgency: 0.7,
                },
            ],
            sign_date_default: 0.6,
        }
    }
}

impl Priority {
    fn check(&self, file: &str, problems: &mut Problems) {
        let unit = |name: &str, v: f64, problems: &mut Problems| {
            if !(0.0..=1.0).contains(&v) {
                problems.push(
                    file,
                    format!("priority.{name}"),
                    format!("must be within 0..1, got {v}"),
                );
            }
        };
        unit("person_floor", self.person_floor, problems);
        unit("deal_weight", self.deal_weight, problems);
        unit("employee_weight", self.employee_weight, problems);
        unit("stage_floor", self.stage_floor, problems);
        unit("sign_date_default", self.sign_date_default, problems);
        if !(self.typical_amount > 0.0 && self.typical_amount.is_finite()) {
            problems.push(
                file,
                "priority.typical_amount",
                format!("must be above 0, got {}", self.typical_amount),
            );
        }
        let mut last = i64::MIN;
        for (i, row) in self.sign_date.iter().enumerate() {
            unit(&format!("sign_date[{i}].urgency"), row.urgency, problems);
            if row.within_days <= last {
                problems.push(
                    file,
                    format!("priority.sign_date[{i}].within_days"),
                    "rows must be in increasing within_days",
                );
            }
            last = row.within_days;
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    severity: u8,
    impact: f64,
    #[serde(default)]
    stages: Vec<String>,
    condition: String,
    text: String,
    text_zh: String,
    action: String,
    action_zh: String,
    #[serde(default)]
    path_to: Option<String>,
    #[serde(default)]
    subsumed_by: Vec<String>,
    #[serde(default)]
    silences: Vec<String>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    escalate: Option<RawEscalation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEscalation {
    when: String,
    severity: u8,
}

/// A rule's higher severity while a further condition holds (a champion who left
/// is worse than none found yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub when: Condition,
    pub severity: u8,
}

/// Who a rule's suggested introduction path leads to.
pub const PATH_TARGETS: &[&str] = &[
    "decision_maker",
    "person",
    "uncovered",
    "ahead_person",
    "budget_holder",
];

/// A coaching rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    /// 1 (a nudge) .. 5 (the deal is at risk).
    pub severity: u8,
    /// 0..1: how much acting on it tends to move the deal.
    pub impact: f64,
    /// Stages it applies to; empty means all.
    pub stages: Vec<String>,
    pub condition: Condition,
    pub text: String,
    pub text_zh: String,
    pub action: String,
    pub action_zh: String,
    pub path_to: Option<String>,
    /// Rules that, firing about the same person, make this one redundant.
    pub subsumed_by: Vec<String>,
    /// Rules this one makes beside the point for the whole deal while it fires (a
    /// deal not worth winning needs no more ties): they are not shown.
    pub silences: Vec<String>,
    /// What the prompt is about beside whom: prompts about one person merge only
    /// within a theme ("deal" unless given).
    pub theme: String,
    pub escalate: Option<Escalation>,
}

fn check_id(
    id: &str,
    seen: &mut std::collections::HashSet<String>,
    file: &str,
    item: &str,
    problems: &mut Problems,
) {
    if !is_identifier(id) {
        problems.push(file, item, format!("'{id}' is not a valid id"));
    }
    if !seen.insert(id.to_owned()) {
        problems.push(file, item, format!("duplicate id '{id}'"));
    }
}

/// `{name}` placeholders of a text, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push(&rest[start + 1..start + len]);
        rest = &rest[start + len + 1..];
    }
    out
}

pub(crate) fn compile_questions(
    raw: RawQualification,
    v: &Vocabularies,
    file: &str,
    problems: &mut Problems,
) -> Vec<Question> {
    if raw.questions.is_empty() {
        problems.push(file, "questions", "must list at least one question");
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, q) in raw.questions.into_iter().enumerate() {
        let item = format!("questions[{i}]");
        check_id(&q.id, &mut seen, file, &format!("{item}.id"), problems);
        for (j, f) in q.evidence.iter().enumerate() {
            if !OPPORTUNITY_FACTS.iter().any(|(n, _, _)| n == f) {
                problems.push(
                    file,
                    format!("{item}.evidence[{j}]"),
                    format!("unknown fact '{f}'"),
                );
            }
        }
        let yes = Condition::compile(
            &q.yes_when,
            OPPORTUNITY_FACTS,
            file,
            &format!("{item}.yes_when"),
            problems,
        );
        let no = Condition::compile(
            &q.no_when,
            OPPORTUNITY_FACTS,
            file,
            &format!("{item}.no_when"),
            problems,
        );
        if let Some(stage) = &q.due_from {
            if v.stage(stage).is_none() {
                problems.push(
                    file,
                    format!("{item}.due_from"),
                    format!("unknown stage '{stage}'"),
                );
            }
        }
        for (j, role) in q.ask.iter().enumerate() {
            if !v.buying_roles.contains(role) {
                problems.push(
                    file,
                    format!("{item}.ask[{j}]"),
                    format!("'{role}' is not a buying role in vocabularies.toml"),
                );
            }
        }
        if let (Some(yes_when), Some(no_when)) = (yes, no) {
            let find_out = q.find_out.clone().unwrap_or_else(|| q.text.clone());
            out.push(Question {
                due_from: q.due_from,
                ask: q.ask,
                find_out_zh: q.find_out_zh.unwrap_or_else(|| q.text_zh.clone()),
                find_out,
                id: q.id,
                hint: q.hint.clone().unwrap_or_default(),
                hint_zh: q.hint_zh.or(q.hint).unwrap_or_default(),
                text: q.text,
                text_zh: q.text_zh,
                yes_when,
                no_when,
                evidence: q.evidence,
            });
        }
    }
    out
}

pub(crate) fn compile_plan(raw: RawPlan, file: &str, problems: &mut Problems) -> Vec<PlanElement> {
    let mut seen = std::collections::HashSet::new();
    let mut seen_items = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, e) in raw.elements.into_iter().enumerate() {
        let item = format!("elements[{i}]");
        check_id(&e.id, &mut seen, file, &format!("{item}.id"), problems);
        let mut items = Vec::new();
        for (j, it) in e.items.into_iter().enumerate() {
            let sub = format!("{item}.items[{j}]");
            check_id(
                &it.id,
                &mut seen_items,
                file,
                &format!("{sub}.id"),
                problems,
            );
            let condition = match (it.kind.as_str(), &it.condition) {
                ("manual", None) => None,
                ("auto", Some(c)) => {
                    match Condition::compile(
                        c,
                        ACCOUNT_FACTS,
                        file,
                        &format!("{sub}.condition"),
                        problems,
                    ) {
                        Some(c) => Some(c),
                        None => continue,
                    }
                }
                ("manual", Some(_)) => {
                    problems.push(
                        file,
                        format!("{sub}.condition"),
                        "a manual item has no condition",
                    );
                    continue;
                }
                ("auto", None) => {
                    problems.push(
                        file,
                        format!("{sub}.condition"),
                        "an auto item needs a condition",
                    );
                    continue;
                }
                (other, _) => {
                    problems.push(
                        file,
                        format!("{sub}.kind"),
                        format!("'{other}' is neither manual nor auto"),
                    );
                    continue;
                }
            };
            items.push(PlanItem {
                id: it.id,
                label: it.label,
                label_zh: it.label_zh,
                condition,
            });
        }
        out.push(PlanElement {
            id: e.id,
            label: e.label,
            label_zh: e.label_zh,
            items,
        });
    }
    out
}

pub(crate) fn compile_rules(
    raw: RawCoaching,
    v: &Vocabularies,
    file: &str,
    problems: &mut Problems,
) -> (Vec<Rule>, Priority) {
    let priority = raw.priority.clone().unwrap_or_default();
    priority.check(file, problems);
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<String> = raw.rules.iter().map(|r| r.id.clone()).collect();
    let mut out = Vec::new();
    for (i, r) in raw.rules.into_iter().enumerate() {
        let item = format!("rules[{i}]");
        for (j, other) in r.subsumed_by.iter().enumerate() {
            if !ids.contains(other) || *other == r.id {
                problems.push(
                    file,
                    format!("{item}.subsumed_by[{j}]"),
                    format!("'{other}' is not another rule"),
                );
            }
        }
        for (j, other) in r.silences.iter().enumerate() {
            if !ids.contains(other) || *other == r.id {
                problems.push(
                    file,
                    format!("{item}.silences[{j}]"),
                    format!("'{other}' is not another rule"),
                );
            }
        }
        check_id(&r.id, &mut seen, file, &format!("{item}.id"), problems);
        if !(1..=5).contains(&r.severity) {
            problems.push(
                file,
                format!("{item}.severity"),
                format!("must be 1..5, got {}", r.severity),
            );
        }
        if !(0.0..=1.0).contains(&r.impact) {
            problems.push(
                file,
                format!("{item}.impact"),
                format!("must be within 0..1, got {}", r.impact),
            );
        }
        for (j, s) in r.stages.iter().enumerate() {
            if v.stage(s).is_none() {
                problems.push(
                    file,
                    format!("{item}.stages[{j}]"),
                    format!("unknown stage '{s}'"),
                );
            }
        }
        if let Some(p) = &r.path_to {
            if !PATH_TARGETS.contains(&p.as_str()) {
                problems.push(
                    file,
                    format!("{item}.path_to"),
                    format!("'{p}' is not one of {}", PATH_TARGETS.join(", ")),
                );
            }
        }
        for (field, text) in [
            ("text", &r.text),
            ("text_zh", &r.text_zh),
            ("action", &r.action),
            ("action_zh", &r.action_zh),
        ] {
            if text.trim().is_empty() {
                problems.push(file, format!("{item}.{field}"), "must not be empty");
            }
            for ph in placeholders(text) {
                if !PLACEHOLDERS.contains(&ph) {
                    problems.push(
                        file,
                        format!("{item}.{field}"),
                        format!("unknown placeholder '{{{ph}}}'"),
                    );
                }
            }
        }
        let escalate = r.escalate.as_ref().and_then(|e| {
            if !(1..=5).contains(&e.severity) || e.severity < r.severity {
                problems.push(
                    file,
                    format!("{item}.escalate.severity"),
                    format!(
                        "must be within {}..5 (at least the rule's severity), got {}",
                        r.severity, e.severity
                    ),
                );
            }
            Condition::compile(
                &e.when,
                OPPORTUNITY_FACTS,
                file,
                &format!("{item}.escalate.when"),
                problems,
            )
            .map(|when| Escalation {
                when,
                severity: e.severity,
            })
        });
        if let Some(condition) = Condition::compile(
            &r.condition,
            OPPORTUNITY_FACTS,
            file,
            &format!("{item}.condition"),
            problems,
        ) {
            out.push(Rule {
                theme: r.theme.clone().unwrap_or_else(|| "deal".to_owned()),
                escalate,
                id: r.id,
                severity: r.severity,
                impact: r.impact,
                stages: r.stages,
                condition,
                text: r.text,
                text_zh: r.text_zh,
                action: r.action,
                action_zh: r.action_zh,
                path_to: r.path_to,
                subsumed_by: r.subsumed_by,
                silences: r.silences,
            });
        }
    }
    (out, priority)
}
