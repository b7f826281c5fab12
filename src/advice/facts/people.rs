//! Who the facts name: the colleague who takes over, whom to ask, who is leaving.

use super::*;

/// What someone of ours who leaves hands over on a deal: every chain member they
/// hold by a real tie, weightiest first, with who of ours should take each over:
/// an AR of the team who stays, else the owner if they stay, else anyone staying
/// on the team, else the strongest other tie who stays (`None`: nobody yet).
pub fn handover(
    graph: &AccountGraph,
    o: &OpportunityNode,
    chain: &[ChainMember],
    leaver: Uuid,
) -> Vec<(Uuid, Option<Uuid>)> {
    let staying = |e: &Uuid| *e != leaver && graph.employees.get(e).is_some_and(|x| x.stays());
    let successor = o
        .team
        .iter()
        .find(|(e, r)| r == "ar" && staying(e))
        .map(|(e, _)| *e)
        .or(o.owner.filter(staying))
        .or_else(|| o.team.iter().map(|(e, _)| *e).find(staying));
    let mut held: Vec<&ChainMember> = chain
        .iter()
        .filter(|c| {
            graph
                .real_ties(c.person())
                .iter()
                .any(|t| t.employee == leaver)
        })
        .collect();
    held.sort_by(|a, b| {
        b.weight().total_cmp(&a.weight()).then_with(|| {
            graph
                .person_name(a.person())
                .cmp(&graph.person_name(b.person()))
        })
    });
    held.iter()
        .map(|c| {
            let taker = successor.or_else(|| {
                graph
                    .our_ties
                    .get(&c.person())
                    .into_iter()
                    .flatten()
                    .map(|t| t.employee)
                    .find(staying)
            });
            (c.person(), taker)
        })
        .collect()
}

/// Whether a chain member is senior enough for level to meet level: at the
/// customer's top level, or in a role weighing as much as an approver.
pub(super) fn senior(graph: &AccountGraph, c: &ChainMember) -> bool {
    let top = graph.levels.first();
    graph
        .person(c.person())
        .is_some_and(|p| Some(&p.level) == top)
        || graph
            .scoring
            .derived_influence
            .role_weight
            .get(&c.member.buying_role)
            .is_some_and(|w| *w >= SENIOR_ROLE_WEIGHT)
}

/// Someone of ours in `role` (an employee role id) for this deal, even without a
/// tie yet: on the deal's team, else the one with the strongest tie into its
/// chain, else the one with any tie at the account; active and not leaving.
pub(super) fn ours_in_role(
    graph: &AccountGraph,
    o: &OpportunityNode,
    chain: &[ChainMember],
    role: &str,
) -> Option<Uuid> {
    let fits = |e: &Uuid| {
        graph
            .employees
            .get(e)
            .is_some_and(|x| x.stays() && x.role == role)
    };
    if let Some((e, _)) = o.team.iter().find(|(e, r)| r == role && fits(e)) {
        return Some(*e);
    }
    // The strongest judged tie, into the chain first, then anywhere at the
    // account; equals by name (names are read only for equals).
    let pick = |ties: &mut dyn Iterator<Item = &crate::graph::OurTie>| -> Option<Uuid> {
        let mut best: Option<(f64, Uuid)> = None;
        for t in ties.filter(|t| fits(&t.employee)) {
            let s = graph.judged(t);
            best = match best {
                Some((b, e)) if b > s => Some((b, e)),
                Some((b, e))
                    if b == s && graph.employee_name(e) <= graph.employee_name(t.employee) =>
                {
                    Some((b, e))
                }
                _ => Some((s, t.employee)),
            };
        }
        best.map(|(_, e)| e)
    };
    pick(
        &mut chain
            .iter()
            .flat_map(|c| graph.our_ties.get(&c.person()).into_iter().flatten()),
    )
    .or_else(|| graph.strongest_in_role(role))
}

/// Whom of ours to bring along to a person held by one tie (`holder`): a team
/// member who stays (an AR first, then the owner, then anyone on the team), never
/// the holder; `None` when nobody on the team qualifies.
pub(super) fn second_colleague(
    graph: &AccountGraph,
    o: &OpportunityNode,
    holder: Option<Uuid>,
) -> Option<Uuid> {
    let staying =
        |e: &Uuid| Some(*e) != holder && graph.employees.get(e).is_some_and(|x| x.stays());
    o.team
        .iter()
        .find(|(e, r)| r == "ar" && staying(e))
        .map(|(e, _)| *e)
        .or(o.owner.filter(staying))
        .or_else(|| o.team.iter().map(|(e, _)| *e).find(staying))
}

/// Employees of ours on the deal (its team, or holding ties into its chain) who
/// leave on a planned day before it signs: one candidate each, with whom to hand
/// which ties to. `leaving_employees` counts them.
pub(super) fn leaving_facts(
    f: &mut Facts,
    graph: &AccountGraph,
    chain: &[ChainMember],
    o: &OpportunityNode,
    today: Date,
) {
    let leaves = |e: Uuid| {
        graph
            .employees
            .get(&e)
            .filter(|x| x.active)
            .and_then(|x| x.leaving_on)
            .filter(|d| o.expected_sign_date.is_none_or(|sign| *d <= sign))
    };
    // The owner, the team, and whoever holds a real tie into the chain.
    let mut leavers: Vec<(Uuid, Date)> = o
        .owner
        .into_iter()
        .chain(o.team.iter().map(|(e, _)| *e))
        .chain(
            chain
                .iter()
                .flat_map(|c| graph.real_ties(c.person()))
                .map(|t| t.employee),
        )
        .filter_map(|e| leaves(e).map(|d| (e, d)))
        .collect();
    leavers.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| graph.employee_name(a.0).cmp(&graph.employee_name(b.0)))
    });
    leavers.dedup_by_key(|l| l.0);
    let who = |p: Uuid| graph.person_name(p);
    let mut list = Vec::new();
    for (e, on) in &leavers {
        let mut by_taker: Vec<(String, Vec<String>)> = Vec::new();
        let plan = handover(graph, o, chain, *e);
        let held: Vec<Uuid> = plan.iter().map(|(p, _)| *p).collect();
        for (person, taker) in &plan {
            let taker = taker.map_or_else(
                || "a colleague who stays".to_owned(),
                |x| graph.employee_name(x),
            );
            match by_taker.iter_mut().find(|(t, _)| *t == taker) {
                Some((_, people)) => people.push(who(*person)),
                None => by_taker.push((taker, vec![who(*person)])),
            }
        }
        let name = graph.employee_name(*e);
        let (on_en, on_zh) = day_words(*on, today);
        let ties: Vec<String> = held.iter().map(|p| who(*p)).collect();
        let handover_en = if by_taker.is_empty() {
            "hand the deal's contacts to a colleague who stays".to_owned()
        } else {
            by_taker
                .iter()
                .map(|(t, p)| format!("introduce {t} to {}", p.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let handover_zh = if by_taker.is_empty() {
            "把项目的客户联系人交接给留任的同事".to_owned()
        } else {
            by_taker
                .iter()
                .map(|(t, p)| format!("把{t}引荐给{}", p.join("、")))
                .collect::<Vec<_>>()
                .join("；")
        };
        list.push(Candidate {
            person: Some(*e),
            words: vec![
                ("leaving", name),
                ("leaving_on", on_en),
                (
                    "leaving_ties",
                    if ties.is_empty() {
                        "the deal's contacts".to_owned()
                    } else {
                        ties.join(", ")
                    },
                ),
                ("handover", handover_en),
            ],
            words_zh: vec![
                ("leaving_on", on_zh),
                (
                    "leaving_ties",
                    if ties.is_empty() {
                        "项目客户联系人".to_owned()
                    } else {
                        ties.join("、")
                    },
                ),
                ("handover", handover_zh),
            ],
        });
    }
    f.count("leaving_employees", list.len() as i64);
    f.candidates_of("leaving", list);
}

/// Our strongest tie to a person among those not leaving: who of ours should ask
/// them something (someone leaving hands over instead).
pub(super) fn staying_tie(graph: &AccountGraph, person: Uuid) -> Option<Uuid> {
    graph
        .our_ties
        .get(&person)?
        .iter()
        .find(|t| {
            graph
                .employees
                .get(&t.employee)
                .is_some_and(|e| e.leaving_on.is_none())
        })
        .map(|t| t.employee)
}

/// Whom of the chain to ask about something only some roles know (the budget, a
/// ranking), in the order of `roles`: in the first role with anyone in it, the
/// member we know best, then the most influential, then by name; and who of ours
/// holds the strongest tie to them.
pub fn whom_to_ask(
    graph: &AccountGraph,
    chain: &[ChainMember],
    roles: &[String],
) -> Option<(Uuid, Option<Uuid>)> {
    for role in roles {
        // Nobody is sent to ask someone against us what they think of us.
        let mut in_role: Vec<&ChainMember> = chain
            .iter()
            .filter(|c| !c.against_us() && graph.scoring.fills(&c.member.buying_role, role))
            .collect();
        in_role.sort_by(|a, b| {
            graph
                .judged_ours(b.person())
                .total_cmp(&graph.judged_ours(a.person()))
                .then(b.influence.value.total_cmp(&a.influence.value))
                .then_with(|| {
                    graph
                        .person_name(a.person())
                        .cmp(&graph.person_name(b.person()))
                })
        });
        if let Some(c) = in_role.first() {
            let asker = staying_tie(graph, c.person());
            return Some((c.person(), asker));
        }
    }
    None
}
