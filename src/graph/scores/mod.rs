//! The six quantifications. Each is a pure function of an [`AccountGraph`], returns
//! a [`Score`] in [0, 1] that reads "higher is better for us", and explains itself.

mod account;
mod company;
mod competitor;
mod decision_chain;
mod employee;
mod key_person;

use uuid::Uuid;

pub use account::account_score;
pub use company::company_score;
pub use competitor::{competitor_hold, competitor_score, strongest_competitor};
pub use decision_chain::decision_chain_score;
pub use employee::{bench_score, chain_coverage, employee_capital};
pub use key_person::{key_person_score, person_score};

use crate::domain::Phrase;

use super::{
    data::{MemberNode, OpportunityNode},
    explain::{Evidence, Score},
    influence::{member_influence, MemberInfluence},
    model::{AccountGraph, OurTie, Term},
};

/// A decision-chain member with their influence resolved.
#[derive(Debug, Clone)]
pub struct ChainMember<'a> {
    pub member: &'a MemberNode,
    pub influence: MemberInfluence,
}

impl ChainMember<'_> {
    pub fn person(&self) -> Uuid {
        self.member.person
    }

    pub fn weight(&self) -> f64 {
        self.influence.weight()
    }

    /// Whether the member is against us (attitude below 0).
    pub fn against_us(&self) -> bool {
        self.member.attitude < 0
    }
}

/// The chain of an opportunity, members at other accounts left out.
pub fn chain<'a>(graph: &AccountGraph, opportunity: &'a OpportunityNode) -> Vec<ChainMember<'a>> {
    opportunity
        .members
        .iter()
        .filter(|m| graph.person(m.person).is_some())
        .map(|m| ChainMember {
            member: m,
            influence: member_influence(graph, m),
        })
        .collect()
}

/// The key people of a chain: influence at or above the methodology's threshold.
/// When nobody reaches it, every member counts (and the flag says so).
pub fn key_people<'c, 'a>(
    graph: &AccountGraph,
    chain: &'c [ChainMember<'a>],
) -> (Vec<&'c ChainMember<'a>>, bool) {
    let key: Vec<&ChainMember> = chain
        .iter()
        .filter(|m| m.influence.value >= graph.scoring.key_person_influence)
        .collect();
    if key.is_empty() {
        (chain.iter().collect(), true)
    } else {
        (key, false)
    }
}

/// The six scores of one opportunity.
#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityScores {
    pub key_person: Score,
    pub decision_chain: Score,
    pub account: Score,
    pub employee: Score,
    pub our_company: Score,
    pub competitor: Score,
}

impl OpportunityScores {
    /// The six values by name, in a fixed order.
    /// The six formulas' values before the unit interval's clamp.
    pub fn formula_values(&self) -> [(&'static str, f64); 6] {
        [
            ("keyPerson", self.key_person.formula_value),
            ("decisionChain", self.decision_chain.formula_value),
            ("account", self.account.formula_value),
            ("employee", self.employee.formula_value),
            ("ourCompany", self.our_company.formula_value),
            ("competitor", self.competitor.formula_value),
        ]
    }

    pub fn values(&self) -> [(&'static str, f64); 6] {
        [
            ("keyPerson", self.key_person.value.get()),
            ("decisionChain", self.decision_chain.value.get()),
            ("account", self.account.value.get()),
            ("employee", self.employee.value.get()),
            ("ourCompany", self.our_company.value.get()),
            ("competitor", self.competitor.value.get()),
        ]
    }
}

/// All six quantifications for an opportunity of the graph's account.
///
/// # Arguments
///
/// * `graph` - the account's built graph.
/// * `opportunity` - one of its deals.
///
/// # Returns
///
/// The key-person, decision-chain, account, employee, our-company and competitor
/// scores, each in [0, 1] with the explanation of how it was computed
/// (docs/scoring.md).
///
/// # Complexity
///
/// O(C × T + V) for C chain members, T ties per member and V people (the account
/// score reads every person once).
///
/// # Examples
///
/// ```
/// use guanxi::graph::scores::opportunity_scores;
/// use guanxi::graph::{synthetic::{generate, Spec}, AccountGraph};
/// use guanxi::methodology::Methodology;
///
/// let spec = Spec::sized(300, 7);
/// let data = generate(&spec);
/// let methodology = Methodology::load_or_default(None)?;
/// let graph = AccountGraph::build(&data, &methodology, spec.as_of);
///
/// let deal = graph.opportunity(data.opportunities[0].id).expect("a deal");
/// let six = opportunity_scores(&graph, deal);
/// for (name, value) in six.values() {
///     assert!((0.0..=1.0).contains(&value), "{name} = {value}");
/// }
/// assert!(!six.key_person.explanation.summary.to_string().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn opportunity_scores(
    graph: &AccountGraph,
    opportunity: &OpportunityNode,
) -> OpportunityScores {
    let chain = chain(graph, opportunity);
    OpportunityScores {
        key_person: key_person_score(graph, &chain),
        decision_chain: decision_chain_score(graph, &chain),
        account: account_score(graph),
        employee: bench_score(graph, &chain),
        our_company: company_score(graph, opportunity, &chain),
        competitor: competitor_score(graph, &chain),
    }
}

/// Evidence for one of our ties.
pub(crate) fn tie_evidence(graph: &AccountGraph, person: Uuid, tie: &OurTie) -> Evidence {
    let e = &tie.effective;
    Evidence {
        kind: "tie".into(),
        description: Phrase::new("evidence-tie")
            .arg("employee", graph.employee_name(tie.employee))
            .arg("person", graph.person_name(person))
            .arg("assessed", tie.assessed)
            .arg("on", tie.assessed_on)
            .arg("effective", format!("{:.2}", e.value))
            .arg("warmth", format!("{:.2}", e.warmth))
            .arg("last", e.last_contact.to_string())
            .arg("interactions", e.interactions)
            .arg("recent", e.recent_interactions),
        value: Some(e.value),
        relationship_id: Some(tie.relationship_id),
        person_id: Some(person),
        employee_id: Some(tie.employee),
        ..Default::default()
    }
}

/// Evidence for a chain member's influence and role.
pub(crate) fn member_evidence(graph: &AccountGraph, m: &ChainMember) -> Evidence {
    let i = &m.influence;
    let how = if i.derived {
        Phrase::new("evidence-influence-derived")
            .arg("value", format!("{:.2}", i.value))
            .arg("role", format!("{:.2}", i.role_weight))
            .arg("level", format!("{:.2}", i.level_weight))
            .arg("structure", format!("{:.2}", i.structure))
    } else {
        Phrase::new("evidence-influence-given").arg("value", i.value.to_string())
    };
    Evidence {
        kind: "member".into(),
        description: Phrase::new("evidence-member")
            .arg("person", graph.person_name(m.person()))
            .arg("role", graph.term(Term::BuyingRole, &m.member.buying_role))
            .arg("influence", how)
            .arg("best", format!("{:.2}", graph.ours(m.person()) * 5.0)),
        value: Some(i.value),
        person_id: Some(m.person()),
        ..Default::default()
    }
}

/// "The influence of … is derived" (from the org chart, not given).
pub(crate) fn derived_note(graph: &AccountGraph, m: &ChainMember) -> Phrase {
    Phrase::new("score-derived-influence-note").arg("person", graph.person_name(m.person()))
}
