//! The facts of one opportunity: its chain, ties, stage, history and movers.

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
    let chain = chain(graph, o);
    let (key, _) = key_people(graph, &chain);
    let s = scores::opportunity_scores(graph, o);
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
    f.count("key_people", key.len() as i64);
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

    let threads = risk::single_threaded(graph, o.id);
    let single: Vec<&risk::Thread> = threads.iter().filter(|t| t.employee.is_some()).collect();
    let uncovered: Vec<&risk::Thread> = threads.iter().filter(|t| t.employee.is_none()).collect();
    f.count("single_threaded_key_people", single.len() as i64);
    f.count("uncovered_key_people", uncovered.len() as i64);
    let who = |p: Uuid| graph.person_name(p);
    let today_words = |d: Date| day_words(d, today);
    let executive = ours_in_role(graph, o, &chain, "executive");
    let exec_name = executive.map(|e| graph.employee_name(e));
    // How a meeting at a senior person's level is arranged: our executive by name,
    // or the sales manager finds one.
    let meet = |name: &str| -> (String, String) {
        match &exec_name {
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
    };
    let senior_of = |p: Uuid| {
        chain
            .iter()
            .find(|c| c.person() == p)
            .is_some_and(|c| senior(graph, c))
    };
    f.candidates_of(
        "person",
        single
            .iter()
            .map(|t| {
                let holder = t.employee;
                let name = holder.map(|e| graph.employee_name(e)).unwrap_or_default();
                // Level meets level: our executive to a senior person, else a
                // colleague of the team who stays.
                let is_senior = chain
                    .iter()
                    .find(|c| c.person() == t.person)
                    .is_some_and(|c| senior(graph, c));
                let leaving_on = holder
                    .and_then(|e| graph.employees.get(&e))
                    .and_then(|e| e.leaving_on);
                let exec = executive
                    .filter(|e| Some(*e) != holder && is_senior)
                    .map(|e| graph.employee_name(e));
                let colleague = second_colleague(graph, o, holder).map(|e| graph.employee_name(e));
                // Someone leaving hands the tie to the colleague who stays (and a
                // senior person meets our executive too); otherwise a senior
                // person gets our executive, anyone else a colleague of the team.
                let second = match (leaving_on, exec, colleague) {
                    (Some(_), Some(x), Some(c)) if x != c => Some(format!("{c} {and} {x}", and = "and")),
                    (Some(_), x, c) => c.or(x),
                    (None, x, c) => x.or(c),
                };
                let person = who(t.person);
                let (en, zh) = match (leaving_on, &second) {
                    (Some(d), Some(c)) => {
                        let (d_en, d_zh) = today_words(d);
                        (
                            format!("{name} leaves on {d_en}: have {name} take {c} to meet {person} before then, and hand the tie over"),
                            format!("{name}将于{d_zh}离职：请{name}在此之前带{}拜访{person}，把关系交接过去", c.replace(" and ", "和")),
                        )
                    }
                    (Some(d), None) => {
                        let (d_en, d_zh) = today_words(d);
                        (
                            format!("{name} leaves on {d_en}: have {name} introduce a colleague who stays to {person} before then"),
                            format!("{name}将于{d_zh}离职：请{name}在此之前把一位留任的同事引荐给{person}"),
                        )
                    }
                    (None, Some(c)) => (
                        format!("Have {name} bring {c} to the next meeting with {person}"),
                        format!("请{name}下次拜访{person}时带上{c}"),
                    ),
                    (None, None) => (
                        format!("Have {name} bring a second colleague to the next meeting with {person}"),
                        format!("请{name}下次拜访{person}时带上另一位同事"),
                    ),
                };
                Candidate {
                    person: Some(t.person),
                    words: vec![("person", person), ("employee", name), ("thread_step", en)],
                    words_zh: vec![("thread_step", zh)],
                }
            })
            .collect(),
    );
    f.candidates_of(
        "uncovered",
        uncovered
            .iter()
            .map(|t| Candidate {
                person: Some(t.person),
                words: vec![("uncovered", who(t.person))],
                words_zh: Vec::new(),
            })
            .collect(),
    );
    let ahead = risk::competitor_ahead(graph, o.id);
    f.count("competitor_ahead_key_people", ahead.len() as i64);
    f.candidates_of(
        "ahead_person",
        ahead
            .iter()
            .map(|a| Candidate {
                person: Some(a.person),
                words: {
                    let name = who(a.person);
                    let step = if senior_of(a.person) {
                        format!("{}; ", meet(&name).0)
                    } else {
                        String::new()
                    };
                    vec![
                        ("ahead_step", step),
                        ("ahead_person", name),
                        ("ahead_competitor", graph.competitor_name(a.competitor)),
                        ("ahead_ours", format!("{:.1}", a.ours)),
                        ("ahead_theirs", format!("{:.1}", a.theirs)),
                    ]
                },
                words_zh: {
                    let name = who(a.person);
                    let step = if senior_of(a.person) {
                        format!("{}；", meet(&name).1)
                    } else {
                        String::new()
                    };
                    vec![("ahead_step", step)]
                },
            })
            .collect(),
    );

    // Cooling: a key person whose best tie (assessed 3+) has had no evidence for a half-life.
    let mut cooling: Vec<(Uuid, i64, Uuid)> = Vec::new();
    for k in &key {
        if let Some(best) = graph.our_ties.get(&k.person()).and_then(|t| t.first()) {
            if graph.gone_cold(best, today) {
                let silent = (today - best.effective.last_contact).whole_days();
                cooling.push((k.person(), silent, best.employee));
            }
        }
    }
    cooling.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| who(a.0).cmp(&who(b.0))));
    f.count("cooling_key_people", cooling.len() as i64);
    f.candidates_of(
        "cooling",
        cooling
            .iter()
            .map(|(p, days, e)| Candidate {
                person: Some(*p),
                words: vec![
                    ("cooling", who(*p)),
                    ("cooling_days", days.to_string()),
                    ("cooling_owner", graph.employee_name(*e)),
                ],
                words_zh: Vec::new(),
            })
            .collect(),
    );

    moved_facts(&mut f, graph, o);
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

    // Every decision maker is weighed, and the facts read the one least on our
    // side: the lowest attitude, the weakest tie, the strongest competitor, any
    // competitor ahead. Where two decide, the one
    // not yet with us is the deal's risk, and a second decision maker joining
    // can never make the deal look better than the first allowed.
    let dms: Vec<&ChainMember> = chain
        .iter()
        .filter(|c| c.member.buying_role == "decision_maker")
        .collect();
    let theirs_with = |d: &ChainMember| {
        scores::strongest_competitor(graph, d.member).map_or((0.0, None), |(c, s)| (s, Some(c)))
    };
    let dm = dms.iter().copied().min_by(|a, b| {
        a.member
            .attitude
            .cmp(&b.member.attitude)
            .then(
                graph
                    .judged_ours(a.person())
                    .total_cmp(&graph.judged_ours(b.person())),
            )
            .then(b.influence.value.total_cmp(&a.influence.value))
            .then_with(|| {
                graph
                    .person_name(a.person())
                    .cmp(&graph.person_name(b.person()))
            })
            .then(a.person().cmp(&b.person()))
    });
    f.flag("decision_maker_identified", dm.is_some());
    f.count(
        "decision_maker_attitude",
        dms.iter()
            .map(|d| i64::from(d.member.attitude))
            .min()
            .unwrap_or(0),
    );
    let dm_ahead = dms
        .iter()
        .any(|d| theirs_with(d).0 > graph.judged_ours(d.person()));
    let (dm_ours, dm_theirs, dm_rival) = match dm {
        Some(d) => {
            let ours = dms
                .iter()
                .map(|d| graph.judged_ours(d.person()))
                .fold(f64::INFINITY, f64::min);
            let best = dms
                .iter()
                .map(|d| theirs_with(d))
                .fold((0.0, None), |a, b| if b.0 > a.0 { b } else { a });
            f.targets.decision_maker = Some(d.person());
            let name = graph.person_name(d.person());
            let (en, zh) = meet(&name);
            f.word("dm_meeting", en);
            f.words_zh.insert("dm_meeting", zh);
            f.word("dm", name);
            (ours, best.0, best.1)
        }
        None => (0.0, 0.0, None),
    };
    f.num("decision_maker_strength", dm_ours);
    f.num("decision_maker_competitor_strength", dm_theirs);
    f.flag("decision_maker_competitor_ahead", dm_ahead);
    f.word("dm_strength", format!("{dm_ours:.1}"));
    f.word("dm_competitor_strength", format!("{dm_theirs:.1}"));
    f.word(
        "dm_competitor",
        dm_rival
            .map(|c| graph.competitor_name(c))
            .unwrap_or_default(),
    );
    // Whom a lost deal went to, as far as the map tells: the competitor holding
    // the decision maker, else the one ahead with the most key people.
    let ahead_most = {
        let mut count: HashMap<Uuid, usize> = HashMap::new();
        for a in &ahead {
            *count.entry(a.competitor).or_default() += 1;
        }
        count
            .into_iter()
            .max_by(|a, b| {
                a.1.cmp(&b.1)
                    .then_with(|| graph.competitor_name(b.0).cmp(&graph.competitor_name(a.0)))
            })
            .map(|(c, _)| c)
    };
    match dm_rival.filter(|_| dm_theirs > dm_ours).or(ahead_most) {
        Some(c) => {
            let name = graph.competitor_name(c);
            f.word("lost_to", format!(" to {name}"));
            f.words_zh.insert("lost_to", format!("，输给了{name}"));
        }
        None => {
            f.word("lost_to", String::new());
            f.words_zh.insert("lost_to", String::new());
        }
    }
    let te = role_strength(graph, &chain, "technical_evaluator");
    f.num("technical_evaluator_strength", te);
    f.word("technical_evaluator_strength", format!("{te:.1}"));
    f.num(
        "financial_evaluator_strength",
        role_strength(graph, &chain, "financial_evaluator"),
    );
    f.num(
        "procurement_strength",
        role_strength(graph, &chain, "procurement"),
    );

    let real = graph.scoring.real_tie_strength / 5.0;
    let coach = chain.iter().find(|c| {
        c.member.buying_role == "coach"
            || (c.member.attitude >= 2 && graph.judged_ours(c.person()) >= real * 5.0)
    });
    f.flag("coach_identified", coach.is_some());
    // Without a coach, the likeliest one: a supporter (attitude +1 or more) we know
    // best, then the most influential, then by name; and who of ours should ask.
    let mut supporters: Vec<&ChainMember> =
        chain.iter().filter(|c| c.member.attitude >= 1).collect();
    supporters.sort_by(|a, b| {
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
    let candidate = supporters.first().map(|c| c.person());
    let asker = candidate.and_then(|p| staying_tie(graph, p));
    match (candidate, asker) {
        (Some(p), Some(e)) => {
            f.targets.coach_candidate = Some(p);
            let (who, by) = (graph.person_name(p), graph.employee_name(e));
            f.word(
                "coach_step",
                format!("{by} should ask {who}, who supports us, to guide us on how the decision will be made, and mark {who} as coach"),
            );
            f.words_zh.insert(
                "coach_step",
                format!("请{by}争取支持我们的{who}做教练，指点决策如何做出，并标记为教练"),
            );
        }
        (Some(p), None) => {
            f.targets.coach_candidate = Some(p);
            let who = graph.person_name(p);
            f.word(
                "coach_step",
                format!("Win {who}, who supports us, as a coach: first get someone of ours to know {who}"),
            );
            f.words_zh.insert(
                "coach_step",
                format!("争取支持我们的{who}做教练：先安排我方人员与{who}建立联系"),
            );
        }
        _ => {
            f.word(
                "coach_step",
                "Nobody in the chain supports us yet: win a supporter first, then ask them to guide us".to_owned(),
            );
            f.words_zh.insert(
                "coach_step",
                "决策链中还没有支持者：先争取一位支持者，再请他指导我们".to_owned(),
            );
        }
    }

    // Our roles on the deal: team parts, else job roles of those with real ties in.
    let role_of = |e: Uuid| -> String {
        o.team
            .iter()
            .find(|(id, _)| *id == e)
            .map(|(_, r)| r.clone())
            .or_else(|| graph.employees.get(&e).map(|x| x.role.clone()))
            .unwrap_or_default()
    };
    let active = |e: &Uuid| graph.employees.get(e).is_some_and(|x| x.active);
    let mut roles: std::collections::HashSet<String> = o
        .team
        .iter()
        .filter(|(e, _)| active(e))
        .map(|(_, r)| r.clone())
        .collect();
    for c in &chain {
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
    match ours_in_role(graph, o, &chain, "sales_manager") {
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
            .map(|c| graph.person_name(c.person()))
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
    for c in &chain {
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
    // After the owner: a budget holder nobody of ours knows is asked by the owner.
    budget_facts(&mut f, graph, &chain, o, today);
    leaving_facts(&mut f, graph, &chain, o, today);
    f
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
