//! The facts of our side of a deal: our roles on it (the iron triangle), the
//! executive's reach, the owner, and the words naming who acts.

use super::opportunity::Deal;
use super::*;

/// Our roles on the deal (team parts, else the job roles of those with real ties
/// in: the iron triangle) and whether an executive of ours reaches a senior person.
pub(super) fn team_facts(f: &mut Facts, d: &Deal) {
    let (graph, o, chain) = (d.graph, d.o, &d.chain);
    let active = |e: &Uuid| d.active(e);
    let role_of = |e: Uuid| d.role_of(e);
    let mut roles: std::collections::HashSet<String> = o
        .team
        .iter()
        .filter(|(e, _)| active(e))
        .map(|(_, r)| r.clone())
        .collect();
    for c in chain {
        for t in graph.real_ties(c.person()) {
            roles.insert(role_of(t.employee));
        }
    }
    let (has_ar, has_sr, has_fr) = f.iron_triangle(&roles);
    let missing_triangle: Vec<&str> = [("AR", has_ar), ("SR", has_sr), ("FR", has_fr)]
        .iter()
        .filter(|(_, has)| !has)
        .map(|(n, _)| *n)
        .collect();
    f.word("missing_triangle", missing_triangle.join(", "));
    f.words_zh
        .insert("missing_triangle", missing_triangle.join("、"));
    let top_level = graph.levels.first().cloned().unwrap_or_default();
    let executive_engaged = chain.iter().any(|c| {
        // Senior by the weight of the role (decision maker, technical decision
        // maker, approver), not by its name, or by level.
        let senior = graph
            .scoring
            .derived_influence
            .role_weight
            .get(&c.member.buying_role)
            .is_some_and(|w| *w >= SENIOR_ROLE_WEIGHT)
            || graph
                .person(c.person())
                .is_some_and(|p| p.level == top_level);
        senior
            && graph
                .real_ties(c.person())
                .iter()
                .any(|t| role_of(t.employee) == "executive")
    });
    f.flag("executive_engaged", executive_engaged);
    f.flag("is_strategic", graph.tier == "strategic");
}

/// The owner: with us, staying past the signing, or departed with the ties to hand over.
pub(super) fn owner_facts(f: &mut Facts, d: &Deal) {
    let (graph, o, chain) = (d.graph, d.o, &d.chain);
    let who = |p: Uuid| d.who(p);
    let owner_departed = o
        .owner
        .is_some_and(|e| graph.employees.get(&e).is_some_and(|x| !x.active));
    f.flag("departed_owner", owner_departed);
    // An owner who is with us now and stays past the signing.
    f.flag(
        "owner_active",
        o.owner.is_some_and(|e| {
            graph.employees.get(&e).is_some_and(|x| {
                x.active
                    && x.leaving_on
                        .is_none_or(|d| o.expected_sign_date.is_some_and(|s| d > s))
            })
        }),
    );
    match ours_in_role(graph, o, chain, "sales_manager") {
        Some(e) => {
            let name = graph.employee_name(e);
            f.word("sales_manager", format!("the sales manager, {name},"));
            f.words_zh
                .insert("sales_manager", format!("销售经理{name}"));
        }
        None => {
            f.word("sales_manager", "the sales manager".to_owned());
            f.words_zh.insert("sales_manager", "销售经理".to_owned());
        }
    }
    if let Some(gone) = o.owner.filter(|_| owner_departed) {
        // Whose ties the new owner takes over: the chain members the departed
        // owner held, weightiest first.
        f.targets.departed_owner = Some(gone);
        f.word("departed_owner", graph.employee_name(gone));
        let mut held: Vec<&ChainMember> = chain
            .iter()
            .filter(|c| {
                graph
                    .our_ties
                    .get(&c.person())
                    .is_some_and(|ts| ts.iter().any(|t| t.employee == gone))
            })
            .collect();
        held.sort_by(|a, b| {
            b.weight()
                .total_cmp(&a.weight())
                .then_with(|| who(a.person()).cmp(&who(b.person())))
        });
        let names: Vec<String> = held.iter().map(|c| who(c.person())).collect();
        if names.is_empty() {
            f.word("departed_ties", "the deal's contacts".to_owned());
            f.words_zh
                .insert("departed_ties", "项目的客户联系人".to_owned());
        } else {
            f.word("departed_ties", names.join(", "));
            f.words_zh.insert("departed_ties", names.join("、"));
        }
    }
}

/// The words prompts quote: the deal, its amount, who acts for it.
pub(super) fn word_facts(
    f: &mut Facts,
    d: &Deal,
    s: &scores::OpportunityScores,
    coach: Option<Uuid>,
) {
    let (graph, o, chain) = (d.graph, d.o, &d.chain);
    let active = |e: &Uuid| d.active(e);
    // Words.
    f.word("opportunity", o.name.clone());
    f.word("amount", money(o.amount, &o.currency));
    f.words_zh.insert("amount", money_zh(o.amount, &o.currency));
    // Who acts for the deal: its owner while they are with us; once they have
    // left, an active AR of the team, then anyone active on it. Someone who has
    // left is never asked to act.
    let owner = o
        .owner
        .filter(|e| active(e))
        .or_else(|| {
            o.team
                .iter()
                .find(|(e, r)| r == "ar" && active(e))
                .or_else(|| o.team.iter().find(|(e, _)| active(e)))
                .map(|(e, _)| *e)
        })
        .map(|e| graph.employee_name(e));
    f.word(
        "owner",
        owner.clone().unwrap_or_else(|| "the account team".into()),
    );
    f.word(
        "coach_or_owner",
        coach
            .map(|c| graph.person_name(c))
            .or(owner)
            .unwrap_or_else(|| "the account team".into()),
    );
    f.word(
        "decision_chain_pct",
        format!("{:.0}%", s.decision_chain.value.get() * 100.0),
    );
    f.word(
        "employee_pct",
        format!("{:.0}%", s.employee.value.get() * 100.0),
    );
    let mut held: HashMap<Uuid, f64> = HashMap::new();
    for c in chain {
        for t in graph.our_ties.get(&c.person()).into_iter().flatten() {
            *held.entry(t.employee).or_default() += c.weight() * t.effective.value;
        }
    }
    if let Some((e, _)) = held
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
    {
        f.word("top_employee", graph.employee_name(*e));
    }
}
