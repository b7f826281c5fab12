//! The facts of a deal's decision chain: key people held by one tie, those a
//! competitor holds better, cooling ties, champions and opponents, the decision
//! maker, the evaluators and the coach.

use super::opportunity::Deal;
use super::*;

/// Key people held by one tie only, with the step that adds a second, and those
/// nobody of ours holds.
pub(super) fn thread_facts(f: &mut Facts, d: &Deal) {
    let (graph, o, chain) = (d.graph, d.o, &d.chain);
    let executive = d.executive();
    let who = |p: Uuid| d.who(p);
    let today_words = |x: Date| day_words(x, d.today);
    let threads = risk::single_threaded(graph, o.id);
    let single: Vec<&risk::Thread> = threads.iter().filter(|t| t.employee.is_some()).collect();
    let uncovered: Vec<&risk::Thread> = threads.iter().filter(|t| t.employee.is_none()).collect();
    f.count("single_threaded_key_people", single.len() as i64);
    f.count("uncovered_key_people", uncovered.len() as i64);
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
}

/// Key people a competitor holds more strongly than we do.
pub(super) fn ahead_facts(f: &mut Facts, d: &Deal, ahead: &[risk::Ahead]) {
    let graph = d.graph;
    let who = |p: Uuid| d.who(p);
    let meet = |name: &str| d.meet(name);
    let senior_of = |p: Uuid| d.senior_of(p);
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
}

/// Key people whose best tie has gone cold, longest silence first.
pub(super) fn cooling_facts(f: &mut Facts, d: &Deal, key: &[&ChainMember]) {
    let (graph, today) = (d.graph, d.today);
    let who = |p: Uuid| d.who(p);
    // Cooling: a key person whose best tie (assessed 3+) has had no evidence for a half-life.
    let mut cooling: Vec<(Uuid, i64, Uuid)> = Vec::new();
    for k in key {
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
}

/// The decision maker least on our side, who holds them, and whom a lost deal
/// went to.
pub(super) fn decision_maker_facts(f: &mut Facts, d: &Deal, ahead: &[risk::Ahead]) {
    let (graph, chain) = (d.graph, &d.chain);
    let meet = |name: &str| d.meet(name);
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
        for a in ahead {
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
}

/// Our best ties to the technical and financial evaluators and procurement.
pub(super) fn evaluator_facts(f: &mut Facts, d: &Deal) {
    let (graph, chain) = (d.graph, &d.chain);
    let te = role_strength(graph, chain, "technical_evaluator");
    f.num("technical_evaluator_strength", te);
    f.word("technical_evaluator_strength", format!("{te:.1}"));
    f.num(
        "financial_evaluator_strength",
        role_strength(graph, chain, "financial_evaluator"),
    );
    f.num(
        "procurement_strength",
        role_strength(graph, chain, "procurement"),
    );
}

/// Whether the deal has a coach, and if not, whom to win as one and who asks.
/// Answers the coach.
pub(super) fn coach_facts(f: &mut Facts, d: &Deal) -> Option<Uuid> {
    let (graph, chain) = (d.graph, &d.chain);
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
    coach.map(|c| c.person())
}
