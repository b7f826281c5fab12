//! The named facts conditions may use. Every fact is documented in
//! docs/methodology.md; a condition naming anything else is refused at load time.

use evalexpr::{ContextWithMutableVariables, HashMapContext, Value};

/// What kind of value a fact holds: conditions are type-checked against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    /// A number in [0, 1] or a strength 0..5 or an amount.
    Number,
    /// A whole count or a number of days.
    Count,
    Flag,
    Text,
}

/// Facts of one opportunity.
pub const OPPORTUNITY_FACTS: &[(&str, FactKind, &str)] = &[
    ("key_person", FactKind::Number, "key-person score, 0..1"),
    ("decision_chain", FactKind::Number, "decision-chain score, 0..1"),
    ("account", FactKind::Number, "account score, 0..1"),
    ("employee", FactKind::Number, "employee (bench) score, 0..1"),
    ("our_company", FactKind::Number, "our-company score, 0..1"),
    ("competitor", FactKind::Number, "competitor position score, 0..1"),
    ("amount", FactKind::Number, "amount in major units of its currency"),
    ("chain_size", FactKind::Count, "people in the decision chain"),
    ("key_people", FactKind::Count, "key people (influence at or above the threshold)"),
    ("required_roles_missing", FactKind::Count, "required buying roles not identified"),
    ("required_roles_open", FactKind::Count, "required buying roles with nobody in them who is not against us (a role held only by opponents is open)"),
    ("single_threaded_key_people", FactKind::Count, "key people with exactly one real tie of ours"),
    ("uncovered_key_people", FactKind::Count, "key people with no real tie of ours"),
    ("competitor_ahead_key_people", FactKind::Count, "key people where a competitor beats our best tie"),
    ("cooling_key_people", FactKind::Count, "key people whose best tie (3+) has had no contact for a half-life"),
    ("champions", FactKind::Count, "chain members with attitude +2"),
    ("opponents", FactKind::Count, "chain members with attitude -2"),
    ("competitors_in_play", FactKind::Count, "competitors named on the opportunity"),
    ("interactions_30d", FactKind::Count, "interactions at the account with chain members in the last 30 days"),
    ("interactions_90d", FactKind::Count, "the same over 90 days"),
    ("days_since_last_interaction", FactKind::Count, "days since the last such interaction (9999 if none)"),
    ("days_in_stage", FactKind::Count, "days since the current stage was entered"),
    ("expected_days", FactKind::Count, "the stage's expected duration"),
    ("stage_overdue_ratio", FactKind::Number, "days_in_stage / expected_days"),
    ("usual_days_in_stage", FactKind::Count, "median days won and lost deals spent in this stage (expected_days until history has enough deals)"),
    ("stall_ratio", FactKind::Number, "days_in_stage / usual_days_in_stage"),
    ("win_probability", FactKind::Number, "the forecast win probability, 0..1 (docs/forecast.md)"),
    ("support_needs_unrequested", FactKind::Count, "support needs of support.toml that apply to the deal now and nobody has asked for (docs/support.md)"),
    ("stage_index", FactKind::Count, "position of the stage, 0 for the first"),
    ("win_steps_missing", FactKind::Count, "required win steps of the stage neither done nor satisfied"),
    ("days_to_expected_sign", FactKind::Count, "days until the expected sign date (negative when passed, 9999 if none)"),
    ("has_expected_sign_date", FactKind::Flag, "an expected sign date is set"),
    ("expected_sign_date_passed", FactKind::Flag, "the expected sign date is in the past"),
    ("decision_maker_identified", FactKind::Flag, "someone in the chain has the decision_maker role"),
    ("decision_maker_strength", FactKind::Number, "our judged tie to the decision makers, 0..5: the weakest over every decision maker"),
    ("decision_maker_competitor_strength", FactKind::Number, "the strongest competitor tie (or favour) with the decision maker, 0..5"),
    ("decision_maker_competitor_ahead", FactKind::Flag, "a competitor beats our tie with any decision maker"),
    ("technical_evaluator_strength", FactKind::Number, "our best tie to any technical evaluator, 0..5"),
    ("financial_evaluator_strength", FactKind::Number, "our best tie to any financial evaluator, 0..5"),
    ("procurement_strength", FactKind::Number, "our best tie to anyone in procurement's role, 0..5"),
    ("coach_identified", FactKind::Flag, "a chain member has the coach role, or attitude +2 and a real tie"),
    ("executive_engaged", FactKind::Flag, "one of our executives has a real tie with a chain member at executive level or in a decision maker/approver role"),
    ("has_ar", FactKind::Flag, "an AR works the deal (team role, or job role with a real tie into the chain)"),
    ("has_sr", FactKind::Flag, "the same for SR"),
    ("has_fr", FactKind::Flag, "the same for FR"),
    ("iron_triangle", FactKind::Flag, "has_ar, has_sr and has_fr"),
    ("is_strategic", FactKind::Flag, "the account's tier is strategic"),
    ("departed_owner", FactKind::Flag, "the opportunity's owner has left"),
    ("open_deal", FactKind::Flag, "the opportunity is open (not won or lost)"),
    ("won", FactKind::Flag, "the opportunity was won"),
    ("lost", FactKind::Flag, "the opportunity was lost"),
    ("worth_winning_no", FactKind::Flag, "someone answered NO to 'is it worth winning?'"),
    ("worth_winning_answer_no", FactKind::Flag, "'is it worth winning?' is NO: as recorded, else as the facts suggest (set after the four questions: not for their own conditions)"),
    ("questions_due_open", FactKind::Count, "four questions whose answer (recorded, else suggested) is UNKNOWN or NO at or past the stage they are due (`due_from`; set after the four questions)"),
    ("owner_active", FactKind::Flag, "the deal has an owner who is with us and does not leave before the signing"),
    ("decision_maker_attitude", FactKind::Count, "the lowest attitude to us of any decision maker, -2..2 (0 when none is identified)"),
    ("health", FactKind::Number, "the deal's health, 0..100 (set after health: for the forecast's categories and gates)"),
    ("exit_criteria_unmet", FactKind::Count, "exit criteria of the current stage not met (set after health: for the forecast's gates)"),
    ("champion_moved", FactKind::Flag, "a chain member who championed us (attitude +2) has moved to another account"),
    ("moved_doors", FactKind::Count, "chain members who moved to another account and still have a real tie of ours: doors there"),
    ("leaving_employees", FactKind::Count, "employees of ours on the deal (team, or ties into the chain) who leave on a planned day before it signs"),
    ("support_requested", FactKind::Count, "support requests on the deal that are not cancelled or declined"),
    ("budget_status", FactKind::Text, "the budget's status: confirmed, unconfirmed or unknown"),
    ("budget_confirmed", FactKind::Flag, "the budget is confirmed"),
    ("budget_unconfirmed", FactKind::Flag, "a budget is known of but not approved, or frozen"),
    ("budget_unknown", FactKind::Flag, "nobody has found out about the budget"),
    ("budget_below_amount", FactKind::Flag, "a budget amount is recorded and is below the deal's amount"),
    ("has_compelling_event", FactKind::Flag, "a compelling event is recorded"),
    ("days_to_compelling_event", FactKind::Count, "days until the compelling event's date (negative when passed, 9999 if none)"),
    ("tier", FactKind::Text, "the account's tier id"),
    ("stage", FactKind::Text, "the current stage id"),
];

/// Facts of one account (for the account plan).
pub const ACCOUNT_FACTS: &[(&str, FactKind, &str)] = &[
    ("account", FactKind::Number, "account score, 0..1"),
    ("people", FactKind::Count, "people mapped at the account"),
    (
        "departments",
        FactKind::Count,
        "departments with people mapped",
    ),
    (
        "tied_people",
        FactKind::Count,
        "people with a real tie of ours",
    ),
    ("open_opportunities", FactKind::Count, "open opportunities"),
    (
        "interactions_90d",
        FactKind::Count,
        "interactions at the account in the last 90 days",
    ),
    (
        "single_threaded_people",
        FactKind::Count,
        "key people (open deals, top level) with at most one real tie",
    ),
    (
        "has_ar",
        FactKind::Flag,
        "an employee with job role AR has a real tie here",
    ),
    ("has_sr", FactKind::Flag, "the same for SR"),
    ("has_fr", FactKind::Flag, "the same for FR"),
    ("iron_triangle", FactKind::Flag, "has_ar, has_sr and has_fr"),
    (
        "executive_sponsor",
        FactKind::Flag,
        "one of our executives has a real tie at the customer's top level",
    ),
    ("is_strategic", FactKind::Flag, "the tier is strategic"),
    ("tier", FactKind::Text, "the tier id"),
];

/// Placeholders prompt texts and actions may use.
pub const PLACEHOLDERS: &[&str] = &[
    "opportunity",
    "stage_label",
    "days_in_stage",
    "expected_days",
    "usual_days",
    "stall_times",
    "coach_step",
    "silence",
    "missing_support",
    "amount",
    "owner",
    "departed_owner",
    "departed_ties",
    "open_question",
    "open_answer",
    "find_out",
    "who_knows",
    "who_asks",
    "budget_holder",
    "budget_asker",
    "budget_state",
    "compelling_event",
    "requested_support",
    "leaving",
    "leaving_on",
    "thread_step",
    "dm_meeting",
    "by_when",
    "champion_news",
    "moved",
    "moved_to",
    "moved_owner",
    "ahead_step",
    "sales_manager",
    "lost_to",
    "leaving_ties",
    "handover",
    "dm",
    "dm_strength",
    "dm_competitor",
    "dm_competitor_strength",
    "coach_or_owner",
    "person",
    "employee",
    "uncovered",
    "ahead_person",
    "ahead_competitor",
    "ahead_ours",
    "ahead_theirs",
    "cooling",
    "cooling_days",
    "cooling_owner",
    "missing_steps",
    "first_missing_step",
    "missing_triangle",
    "missing_roles",
    "opponent",
    "top_employee",
    "employee_pct",
    "decision_chain_pct",
    "technical_evaluator_strength",
    "days_since_last_interaction",
    "path",
];

/// A context with every fact at a neutral value, to type-check conditions.
pub fn sample_context(facts: &[(&str, FactKind, &str)]) -> HashMapContext {
    let mut ctx = HashMapContext::new();
    for (name, kind, _) in facts {
        let value = match kind {
            FactKind::Number => Value::Float(0.5),
            FactKind::Count => Value::Int(1),
            FactKind::Flag => Value::Boolean(true),
            FactKind::Text => Value::String("x".into()),
        };
        // Fails only for a name listed twice with two kinds: the catalogue's bug,
        // said in the log rather than left to a condition's type check.
        if let Err(e) = ctx.set_value((*name).to_owned(), value) {
            tracing::warn!(fact = %name, error = %e, "a fact could not be given a sample value");
        }
    }
    ctx
}
