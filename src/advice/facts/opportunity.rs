//! The facts of one opportunity: its chain, ties, stage, history and movers.

use super::chain::*;
use super::team::*;
use super::*;

/// Best judged tie (0..5) to chain members who fill a buying role (in it, or in
/// a role that covers it).
pub(super) fn role_strength(graph: &AccountGraph, chain: &[ChainMember], role: &str) -> f64 {
    chain
        .iter()
        .filter(|m| graph.scoring.fills(&m.member.buying_role, role))
        .map(|m| graph.judged_ours(m.person()))
        .fold(0.0, f64::max)
}

pub use crate::domain::{money, money_zh};

/// Everything conditions and prompts know about one opportunity.
pub fn opportunity_facts(
    graph: &AccountGraph,
    m: &Methodology,
    o: &OpportunityNode,
    today: Date,
) -> Facts {
    let mut f = Facts::new();
    let d = Deal::new(graph, m, o, today);
    let s = scores::opportunity_scores(graph, o);
    let (key, _) = key_people(graph, &d.chain);
    score_facts(&mut f, &d, &s);
    f.count("key_people", key.len() as i64);
    role_facts(&mut f, &d);
    thread_facts(&mut f, &d);
    let ahead = risk::competitor_ahead(graph, o.id);
    ahead_facts(&mut f, &d, &ahead);
    cooling_facts(&mut f, &d, &key);
    moved_facts(&mut f, graph, o);
    stance_facts(&mut f, &d);
    interaction_facts(&mut f, &d);
    stage_facts(&mut f, &d);
    decision_maker_facts(&mut f, &d, &ahead);
    evaluator_facts(&mut f, &d);
    let coach = coach_facts(&mut f, &d);
    team_facts(&mut f, &d);
    owner_facts(&mut f, &d);
    status_facts(&mut f, &d);
    word_facts(&mut f, &d, &s, coach);
    // After the owner: a budget holder nobody of ours knows is asked by the owner.
    budget_facts(&mut f, graph, &d.chain, o, today);
    leaving_facts(&mut f, graph, &d.chain, o, today);
    f
}

/// What every part of an opportunity's facts reads: the deal, its graph and
/// chain, the day, and our executive on it.
pub(super) struct Deal<'g> {
    pub(super) graph: &'g AccountGraph,
    pub(super) m: &'g Methodology,
    pub(super) o: &'g OpportunityNode,
    pub(super) today: Date,
    pub(super) chain: Vec<ChainMember<'g>>,
    pub(super) exec_name: Option<String>,
}

impl<'g> Deal<'g> {
    pub(super) fn new(
        graph: &'g AccountGraph,
        m: &'g Methodology,
        o: &'g OpportunityNode,
        today: Date,
    ) -> Self {
        let chain = chain(graph, o);
        let exec_name = ours_in_role(graph, o, &chain, "executive").map(|e| graph.employee_name(e));
        Deal {
            graph,
            m,
            o,
            today,
            chain,
            exec_name,
        }
    }

    pub(super) fn executive(&self) -> Option<Uuid> {
        ours_in_role(self.graph, self.o, &self.chain, "executive")
    }

    pub(super) fn who(&self, p: Uuid) -> String {
        self.graph.person_name(p)
    }

    /// How a meeting at a senior person's level is arranged: our executive by
    /// name, or the sales manager finds one.
    pub(super) fn meet(&self, name: &str) -> (String, String) {
        match &self.exec_name {
            Some(x) => (
                format!("{x} should meet {name} at their level"),
                format!("请{x}对等拜访{name}"),
            ),
            None => (
                format!(
                    "Ask the sales manager for one of our executives to meet {name} at their level"
                ),
                format!("请销售经理安排我方一位高管对等拜访{name}"),
            ),
        }
    }

    pub(super) fn senior_of(&self, p: Uuid) -> bool {
        self.chain
            .iter()
            .find(|c| c.person() == p)
            .is_some_and(|c| senior(self.graph, c))
    }

    pub(super) fn active(&self, e: &Uuid) -> bool {
        self.graph.employees.get(e).is_some_and(|x| x.active)
    }

    /// Our role on the deal: the team part, else the job role.
    pub(super) fn role_of(&self, e: Uuid) -> String {
        self.o
            .team
            .iter()
            .find(|(id, _)| *id == e)
            .map(|(_, r)| r.clone())
            .or_else(|| self.graph.employees.get(&e).map(|x| x.role.clone()))
            .unwrap_or_default()
    }
}

/// The six scores, the amount and the chain's size.
fn score_facts(f: &mut Facts, d: &Deal, s: &scores::OpportunityScores) {
    let (o, chain) = (d.o, &d.chain);
    for (name, v) in [
        ("key_person", s.key_person.value.get()),
        ("decision_chain", s.decision_chain.value.get()),
        ("account", s.account.value.get()),
        ("employee", s.employee.value.get()),
        ("our_company", s.our_company.value.get()),
        ("competitor", s.competitor.value.get()),
    ] {
        f.num(name, v);
    }
    f.num("amount", o.amount);
    f.count("chain_size", chain.len() as i64);
}

/// Required buying roles nobody fills, and those nobody on our side fills.
fn role_facts(f: &mut Facts, d: &Deal) {
    let (graph, m, chain) = (d.graph, d.m, &d.chain);
    let required = &graph.scoring.required_buying_roles;
    let missing_roles: Vec<&String> = required
        .iter()
        .filter(|r| {
            !chain
                .iter()
                .any(|c| graph.scoring.fills(&c.member.buying_role, r))
        })
        .collect();
    f.count("required_roles_missing", missing_roles.len() as i64);
    // Roles with nobody in them who is not against us: what a win step that
    // needs the chain mapped reads, so an opponent joining never completes it.
    let open_roles = required
        .iter()
        .filter(|r| {
            !chain
                .iter()
                .any(|c| !c.against_us() && graph.scoring.fills(&c.member.buying_role, r))
        })
        .count();
    f.count("required_roles_open", open_roles as i64);
    let role_labels: Vec<String> = missing_roles
        .iter()
        .map(|r| {
            m.vocabularies
                .buying_roles
                .get(r)
                .map_or_else(|| (*r).clone(), |t| t.label.to_lowercase())
        })
        .collect();
    f.word("missing_roles", role_labels.join(", "));
    let role_labels_zh: Vec<String> = missing_roles
        .iter()
        .map(|r| {
            m.vocabularies
                .buying_roles
                .get(r)
                .and_then(|t| t.label_zh.clone())
                .unwrap_or_else(|| (*r).clone())
        })
        .collect();
    f.words_zh
        .insert("missing_roles", role_labels_zh.join("、"));
}

/// Champions and opponents in the chain, the weightiest opponent first.
fn stance_facts(f: &mut Facts, d: &Deal) {
    let (graph, o, chain) = (d.graph, d.o, &d.chain);
    let who = |p: Uuid| d.who(p);
    let champions: Vec<&ChainMember> = chain.iter().filter(|c| c.member.attitude >= 2).collect();
    let opponents: Vec<&ChainMember> = chain.iter().filter(|c| c.member.attitude <= -2).collect();
    f.count("champions", champions.len() as i64);
    f.count("opponents", opponents.len() as i64);
    // The weightiest opponent: the most influential, then by name.
    let mut opponents = opponents;
    opponents.sort_by(|a, b| {
        b.influence
            .value
            .total_cmp(&a.influence.value)
            .then_with(|| {
                graph
                    .person_name(a.person())
                    .cmp(&graph.person_name(b.person()))
            })
    });
    f.candidates_of(
        "opponent",
        opponents
            .iter()
            .map(|op| Candidate {
                person: Some(op.person()),
                words: vec![("opponent", who(op.person()))],
                words_zh: Vec::new(),
            })
            .collect(),
    );
    f.count("competitors_in_play", o.competitors_in_play as i64);
}

/// Interactions with the chain: how many lately and how long the silence.
fn interaction_facts(f: &mut Facts, d: &Deal) {
    let (graph, today, chain) = (d.graph, d.today, &d.chain);
    // Interactions with chain members.
    let members: std::collections::HashSet<Uuid> = chain.iter().map(|c| c.person()).collect();
    let mut seen = std::collections::HashSet::new();
    let (mut n30, mut n90, mut last): (i64, i64, Option<Date>) = (0, 0, None);
    for t in members
        .iter()
        .flat_map(|p| graph.our_ties.get(p).into_iter().flatten())
    {
        for (id, d) in &t.interactions {
            if *d > today || !seen.insert(*id) {
                continue;
            }
            let age = (today - *d).whole_days();
            if age <= 30 {
                n30 += 1;
            }
            if age <= 90 {
                n90 += 1;
            }
            last = Some(last.map_or(*d, |l: Date| l.max(*d)));
        }
    }
    f.count("interactions_30d", n30);
    f.count("interactions_90d", n90);
    let since_last = last.map_or(NO_DAYS, |d| (today - d).whole_days());
    f.count("days_since_last_interaction", since_last);
    f.word("days_since_last_interaction", since_last.to_string());
    // The silence in words: "for 45 days", or, with nothing recorded, "yet".
    match last {
        Some(_) => {
            f.word(
                "silence",
                format!("for {}", crate::domain::count(since_last, "day", "days")),
            );
            f.words_zh.insert("silence", format!("已{since_last}天"));
        }
        None => {
            f.word("silence", "recorded yet".to_owned());
            f.words_zh.insert("silence", "至今".to_owned());
        }
    }
}

/// Time in stage against its norm, and when actions are due given the signing date.
fn stage_facts(f: &mut Facts, d: &Deal) {
    let (m, o, today) = (d.m, d.o, d.today);
    let stage = m.vocabularies.stage(&o.stage);
    let expected = i64::from(stage.map_or(30, |s| s.expected_days)).max(1);
    let in_stage = o
        .stage_entered
        .map_or(0, |d| (today - d).whole_days().max(0));
    f.count("days_in_stage", in_stage);
    f.count("expected_days", expected);
    f.num("stage_overdue_ratio", in_stage as f64 / expected as f64);
    f.count(
        "stage_index",
        m.vocabularies
            .stages
            .iter()
            .position(|s| s.id == o.stage)
            .unwrap_or(0) as i64,
    );
    f.word("days_in_stage", in_stage.to_string());
    f.word("expected_days", expected.to_string());
    f.count("win_steps_missing", 0);
    // When an action is due, tied to the deal's own date where it is near.
    let (by_en, by_zh) = match o.expected_sign_date {
        Some(d) if d < today => ("this week".to_owned(), "本周内".to_owned()),
        Some(d) => {
            let (d_en, d_zh) = day_words(d, today);
            match (d - today).whole_days() {
                n if n <= 7 => (
                    format!("this week, before the signing on {d_en}"),
                    format!("本周内、在{d_zh}签约前"),
                ),
                n if n <= 21 => (
                    format!("within two weeks, before the signing on {d_en}"),
                    format!("两周内、在{d_zh}签约前"),
                ),
                _ => ("within two weeks".to_owned(), "两周内".to_owned()),
            }
        }
        None => ("within two weeks".to_owned(), "两周内".to_owned()),
    };
    f.word("by_when", by_en);
    f.words_zh.insert("by_when", by_zh);
    match o.expected_sign_date {
        Some(d) => {
            let days = (d - today).whole_days();
            f.count("days_to_expected_sign", days);
            f.flag("has_expected_sign_date", true);
            f.flag("expected_sign_date_passed", days < 0);
        }
        None => {
            f.count("days_to_expected_sign", NO_DAYS);
            f.flag("has_expected_sign_date", false);
            f.flag("expected_sign_date_passed", false);
        }
    }
}

/// Open, won or lost; worth winning; tier and stage; support still to be given.
fn status_facts(f: &mut Facts, d: &Deal) {
    let (graph, m, o) = (d.graph, d.m, d.o);
    f.flag("open_deal", o.open);
    f.flag("won", o.won);
    f.flag("lost", !o.open && !o.won);
    let worth_no = graph
        .answers
        .iter()
        .any(|a| a.opportunity == o.id && a.question == "is_it_worth_winning" && a.answer == "no");
    f.flag("worth_winning_no", worth_no);
    f.set("tier", FactValue::Text(graph.tier.clone()));
    f.set("stage", FactValue::Text(o.stage.clone()));
    let requested: Vec<&String> = graph
        .support
        .iter()
        // Support still to be given: requested, or granted and not yet done.
        .filter(|(opp, _, status)| *opp == o.id && (status == "requested" || status == "granted"))
        .map(|(_, kind, _)| kind)
        .collect();
    f.count("support_requested", requested.len() as i64);
    let mut kinds: Vec<&String> = requested.clone();
    kinds.sort();
    kinds.dedup();
    let label = |zh: bool| {
        kinds
            .iter()
            .map(|k| {
                m.vocabularies.support_resource_kinds.get(k).map_or_else(
                    || (*k).clone(),
                    |t| match (zh, &t.label_zh) {
                        (true, Some(z)) => z.clone(),
                        _ => t.label.to_lowercase(),
                    },
                )
            })
            .collect::<Vec<_>>()
    };
    f.word("requested_support", label(false).join(", "));
    f.words_zh
        .insert("requested_support", label(true).join("、"));
}

/// A day as a prompt says it: "2026-12-31", "12月31日" (with the year when it is
/// not this year's).
pub fn day_words(d: Date, today: Date) -> (String, String) {
    let zh = if d.year() == today.year() {
        format!("{}月{}日", u8::from(d.month()), d.day())
    } else {
        format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
    };
    (d.to_string(), zh)
}

/// Chain members who have moved to another account since they were mapped: news
/// the prompts act on. A champion who moved leaves the deal without one
/// (`champion_moved`, `{champion_news}`); anyone who moved and still has a real
/// tie of ours is a door at their new account (`moved_doors`, one `moved`
/// candidate each).
pub(super) fn moved_facts(f: &mut Facts, graph: &AccountGraph, o: &OpportunityNode) {
    let real = graph.scoring.real_tie_strength;
    let mut moved: Vec<(
        &crate::graph::data::MemberNode,
        &crate::graph::data::OutsiderNode,
    )> = o
        .members
        .iter()
        .filter_map(|m| graph.outsiders.get(&m.person).map(|x| (m, x)))
        .collect();
    moved.sort_by(|a, b| {
        b.0.attitude
            .cmp(&a.0.attitude)
            .then_with(|| a.1.name.cmp(&b.1.name))
    });
    let champion = moved.iter().find(|(m, _)| m.attitude >= 2);
    f.flag("champion_moved", champion.is_some());
    match champion {
        Some((_, x)) => {
            f.targets.moved_champion = Some(x.id);
            f.word(
                "champion_news",
                format!("{}, our champion, has moved to {}. ", x.name, x.account),
            );
            f.words_zh.insert(
                "champion_news",
                format!("我们的支持者{}已调任{}，", x.name, x.account),
            );
        }
        None => {
            f.word("champion_news", String::new());
            f.words_zh.insert("champion_news", String::new());
        }
    }
    let doors: Vec<Candidate> = moved
        .iter()
        .filter_map(|(_, x)| {
            let (employee, strength) = *graph.door_ties.get(&x.id)?.first()?;
            (strength >= real).then(|| {
                let owner = graph.employee_name(employee);
                Candidate {
                    person: Some(x.id),
                    words: vec![
                        ("moved", x.name.clone()),
                        ("moved_to", x.account.clone()),
                        ("moved_owner", owner),
                    ],
                    words_zh: Vec::new(),
                }
            })
        })
        .collect();
    f.count("moved_doors", doors.len() as i64);
    f.candidates_of("moved", doors);
}
