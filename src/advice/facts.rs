//! The named facts of an opportunity and of an account, computed from the graph.
//! Conditions in the methodology read them; prompts quote them as evidence.

use std::collections::{BTreeMap, HashMap};

use evalexpr::{ContextWithMutableVariables, HashMapContext, Value};
use time::Date;
use uuid::Uuid;

use crate::graph::{
    data::OpportunityNode,
    risk,
    scores::{self, chain, key_people, ChainMember},
    AccountGraph,
};
use crate::methodology::Methodology;

/// A fact's value, for evidence.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Number(f64),
    Count(i64),
    Flag(bool),
    Text(String),
}

impl std::fmt::Display for FactValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FactValue::Number(v) => write!(f, "{}", (v * 100.0).round() / 100.0),
            FactValue::Count(v) => write!(f, "{v}"),
            FactValue::Flag(v) => write!(f, "{v}"),
            FactValue::Text(v) => f.write_str(v),
        }
    }
}

/// The people prompts may point an introduction path at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    pub decision_maker: Option<Uuid>,
    pub person: Option<Uuid>,
    pub uncovered: Option<Uuid>,
    pub ahead_person: Option<Uuid>,
    pub cooling: Option<Uuid>,
    pub opponent: Option<Uuid>,
    /// The supporter likeliest to become our coach.
    pub coach_candidate: Option<Uuid>,
    /// The deal's owner, when they have left (one of our employees).
    pub departed_owner: Option<Uuid>,
    /// Whom to ask about the budget.
    pub budget_holder: Option<Uuid>,
    /// One of ours who leaves before the deal signs.
    pub leaving: Option<Uuid>,
    /// A champion of the deal who moved to another account.
    pub moved_champion: Option<Uuid>,
    /// Someone who moved to another account and is a door there.
    pub moved: Option<Uuid>,
}

impl Targets {
    pub fn get(&self, which: &str) -> Option<Uuid> {
        match which {
            "decision_maker" => self.decision_maker,
            "person" => self.person,
            "uncovered" => self.uncovered,
            "ahead_person" => self.ahead_person,
            "cooling" => self.cooling,
            "opponent" => self.opponent,
            "coach_candidate" => self.coach_candidate,
            "budget_holder" => self.budget_holder,
            "leaving" => self.leaving,
            "moved" => self.moved,
            _ => None,
        }
    }

    /// Whom a prompt quoting `placeholder` is about.
    pub fn named_by(&self, placeholder: &str) -> Option<Uuid> {
        match placeholder {
            "dm" => self.decision_maker,
            "person" | "uncovered" | "ahead_person" | "cooling" | "opponent" => {
                self.get(placeholder)
            }
            "budget_holder" => self.budget_holder,
            "coach_step" => self.coach_candidate,
            "departed_owner" => self.departed_owner,
            "leaving" => self.leaving,
            "champion_news" => self.moved_champion,
            "moved" => self.moved,
            _ => None,
        }
    }
}

/// One person a rule could be about, with the words a prompt about them says
/// (`person`/`employee` for a single thread, `ahead_*` for a competitor ahead…).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Whom it is about; `None` for a candidate that is not about a person (an
    /// open question of the four).
    pub person: Option<Uuid>,
    pub words: Vec<(&'static str, String)>,
    /// Words that read differently in Chinese.
    pub words_zh: Vec<(&'static str, String)>,
}

/// Facts as a condition context, as displayable values, and the words prompts fill
/// their placeholders with (language-neutral; stage and step labels are added per
/// language by the prompt writer).
#[derive(Debug, Clone)]
pub struct Facts {
    pub context: HashMapContext,
    pub values: BTreeMap<String, FactValue>,
    pub words: HashMap<&'static str, String>,
    /// Words that read differently in Chinese (role labels).
    pub words_zh: HashMap<&'static str, String>,
    pub targets: Targets,
    /// Everyone a rule of each kind (`person`, `uncovered`, `ahead_person`,
    /// `cooling`, `opponent`) could be about, weightiest first; the first one's
    /// words are also the opportunity's words, for conditions and old templates.
    pub candidates: HashMap<&'static str, Vec<Candidate>>,
    /// Win steps the deal has done: its stage's steps done or satisfied, and
    /// steps ticked done in any stage. A need serving one of them no longer
    /// applies (support.toml `step`).
    pub steps_done: std::collections::BTreeSet<String>,
}

impl Facts {
    fn new() -> Self {
        Facts {
            context: HashMapContext::new(),
            values: BTreeMap::new(),
            words: HashMap::new(),
            words_zh: HashMap::new(),
            targets: Targets::default(),
            candidates: HashMap::new(),
            steps_done: std::collections::BTreeSet::new(),
        }
    }

    /// Records everyone a rule of `kind` could be about; the first becomes the
    /// target and lends its words to the opportunity's words.
    pub fn candidates_of(&mut self, kind: &'static str, list: Vec<Candidate>) {
        if let Some(first) = list.first() {
            for (k, v) in &first.words {
                self.words.insert(k, v.clone());
            }
            for (k, v) in &first.words_zh {
                self.words_zh.insert(k, v.clone());
            }
            let p = first.person;
            match kind {
                "person" => self.targets.person = p,
                "uncovered" => self.targets.uncovered = p,
                "ahead_person" => self.targets.ahead_person = p,
                "cooling" => self.targets.cooling = p,
                "opponent" => self.targets.opponent = p,
                "budget_holder" => self.targets.budget_holder = p,
                "leaving" => self.targets.leaving = p,
                "moved" => self.targets.moved = p,
                _ => {}
            }
        }
        self.candidates.insert(kind, list);
    }

    /// Facts from explicit values (tests, what-ifs on facts).
    pub fn from_values<'a>(values: impl IntoIterator<Item = (&'a str, FactValue)>) -> Self {
        let mut f = Facts::new();
        for (name, value) in values {
            f.set(name, value);
        }
        f
    }

    pub fn set(&mut self, name: &str, value: FactValue) {
        let v = match &value {
            FactValue::Number(x) => Value::Float(*x),
            FactValue::Count(x) => Value::Int(*x),
            FactValue::Flag(x) => Value::Boolean(*x),
            FactValue::Text(x) => Value::String(x.clone()),
        };
        // Only a value of another type than the fact had before is refused; a
        // rule would then read the old value, so it is said.
        if let Err(e) = self.context.set_value(name.to_owned(), v) {
            tracing::warn!(fact = name, error = %e, "a fact could not be given to the coaching rules");
        }
        self.values.insert(name.to_owned(), value);
    }

    fn num(&mut self, name: &str, v: f64) {
        self.set(name, FactValue::Number(v));
    }
    fn count(&mut self, name: &str, v: i64) {
        self.set(name, FactValue::Count(v));
    }
    fn flag(&mut self, name: &str, v: bool) {
        self.set(name, FactValue::Flag(v));
    }
    fn word(&mut self, name: &'static str, v: impl Into<String>) {
        self.words.insert(name, v.into());
    }

    /// `has_ar`, `has_sr`, `has_fr` and `iron_triangle` from the roles present.
    fn iron_triangle(&mut self, roles: &std::collections::HashSet<String>) -> (bool, bool, bool) {
        let (ar, sr, fr) = (
            roles.contains("ar"),
            roles.contains("sr"),
            roles.contains("fr"),
        );
        self.flag("has_ar", ar);
        self.flag("has_sr", sr);
        self.flag("has_fr", fr);
        self.flag("iron_triangle", ar && sr && fr);
        (ar, sr, fr)
    }

    /// The named facts with their values, for evidence.
    pub fn evidence(&self, names: &[String]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|f| {
                (
                    f.clone(),
                    self.values
                        .get(f)
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    pub fn count_of(&self, name: &str) -> i64 {
        match self.values.get(name) {
            Some(FactValue::Count(v)) => *v,
            _ => 0,
        }
    }

    pub fn number_of(&self, name: &str) -> f64 {
        match self.values.get(name) {
            Some(FactValue::Number(v)) => *v,
            Some(FactValue::Count(v)) => *v as f64,
            _ => 0.0,
        }
    }
}

/// A buying role weighing this much or more is senior enough for an executive
/// of ours to meet (decision maker 1.0, technical decision maker 0.95, approver 0.9).
const SENIOR_ROLE_WEIGHT: f64 = 0.9;

/// "Never" for day counts, so `days_since_last_interaction > 30` reads naturally.
pub const NO_DAYS: i64 = 9999;

/// Best judged tie (0..5) to chain members who fill a buying role (in it, or in
/// a role that covers it).
fn role_strength(graph: &AccountGraph, chain: &[ChainMember], role: &str) -> f64 {
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
fn moved_facts(f: &mut Facts, graph: &AccountGraph, o: &OpportunityNode) {
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
fn senior(graph: &AccountGraph, c: &ChainMember) -> bool {
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
fn ours_in_role(
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
fn second_colleague(
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
fn leaving_facts(
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
fn staying_tie(graph: &AccountGraph, person: Uuid) -> Option<Uuid> {
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

/// The budget and the compelling event: flags for conditions, and whom a prompt
/// about the budget names (the budget holder and who of ours asks them).
fn budget_facts(
    f: &mut Facts,
    graph: &AccountGraph,
    chain: &[ChainMember],
    o: &OpportunityNode,
    today: Date,
) {
    use crate::domain::BudgetStatus;
    let q = &o.qualifying;
    f.set(
        "budget_status",
        FactValue::Text(q.budget.as_str().to_owned()),
    );
    f.flag("budget_confirmed", q.budget == BudgetStatus::Confirmed);
    f.flag("budget_unconfirmed", q.budget == BudgetStatus::Unconfirmed);
    f.flag("budget_unknown", q.budget == BudgetStatus::Unknown);
    f.flag(
        "budget_below_amount",
        q.budget_amount.is_some_and(|b| b + 0.005 < o.amount),
    );
    f.flag("has_compelling_event", q.event.is_some());
    f.count(
        "days_to_compelling_event",
        q.event_by.map_or(NO_DAYS, |d| (d - today).whole_days()),
    );
    f.word("compelling_event", q.event.clone().unwrap_or_default());
    let (state, state_zh) = match q.budget {
        BudgetStatus::Confirmed => ("confirmed", "已确认"),
        BudgetStatus::Unconfirmed => ("not confirmed", "未确认"),
        BudgetStatus::Unknown => ("unknown", "不清楚"),
    };
    f.word("budget_state", state);
    f.words_zh.insert("budget_state", state_zh.to_owned());
    let roles: Vec<String> = ["financial_evaluator", "decision_maker", "approver"]
        .iter()
        .map(|r| (*r).to_owned())
        .collect();
    let holder = whom_to_ask(graph, chain, &roles);
    let asker = holder
        .and_then(|(_, e)| e)
        .map(|e| graph.employee_name(e))
        .unwrap_or_else(|| f.words.get("owner").cloned().unwrap_or_default());
    f.word("budget_asker", asker);
    match holder {
        Some((p, _)) => {
            let name = graph.person_name(p);
            f.candidates_of(
                "budget_holder",
                vec![Candidate {
                    person: Some(p),
                    words: vec![("budget_holder", name)],
                    words_zh: Vec::new(),
                }],
            );
        }
        None => {
            f.word("budget_holder", "whoever holds the budget".to_owned());
            f.words_zh.insert("budget_holder", "预算负责人".to_owned());
        }
    }
}

/// Everything the account plan's conditions know about an account.
pub fn account_facts(graph: &AccountGraph, today: Date) -> Facts {
    let mut f = Facts::new();
    f.num("account", scores::account_score(graph).value.get());
    f.count("people", graph.people.len() as i64);
    let departments: std::collections::HashSet<&str> =
        graph.people.iter().map(|p| p.department.as_str()).collect();
    f.count("departments", departments.len() as i64);
    let tied = graph
        .people
        .iter()
        .filter(|p| !graph.real_ties(p.id).is_empty())
        .count();
    f.count("tied_people", tied as i64);
    f.count(
        "open_opportunities",
        graph.opportunities.iter().filter(|o| o.open).count() as i64,
    );
    let mut seen = std::collections::HashSet::new();
    let mut n90 = 0;
    for t in graph.our_ties.values().flatten() {
        for (id, d) in &t.interactions {
            if *d <= today && (today - *d).whole_days() <= 90 && seen.insert(*id) {
                n90 += 1;
            }
        }
    }
    f.count("interactions_90d", n90);
    f.count(
        "single_threaded_people",
        risk::account_single_threaded(graph).len() as i64,
    );
    let mut roles = std::collections::HashSet::new();
    for p in &graph.people {
        for t in graph.real_ties(p.id) {
            if let Some(e) = graph.employees.get(&t.employee) {
                roles.insert(e.role.clone());
            }
        }
    }
    f.iron_triangle(&roles);
    let top_level = graph.levels.first().cloned().unwrap_or_default();
    let sponsor = graph
        .people
        .iter()
        .filter(|p| p.level == top_level)
        .any(|p| {
            graph.real_ties(p.id).iter().any(|t| {
                graph
                    .employees
                    .get(&t.employee)
                    .is_some_and(|e| e.role == "executive")
            })
        });
    f.flag("executive_sponsor", sponsor);
    f.flag("is_strategic", graph.tier == "strategic");
    f.set("tier", FactValue::Text(graph.tier.clone()));
    f
}

#[cfg(test)]
mod money_tests {
    use super::money_zh;

    #[test]
    fn chinese_amounts_are_written_in_wan_and_yi() {
        assert_eq!(money_zh(48_000_000.0, "CNY"), "4800万元");
        assert_eq!(money_zh(126_000_000.0, "CNY"), "1.26亿元");
        assert_eq!(money_zh(86_000.0, "CNY"), "8.6万元");
        assert_eq!(money_zh(9_500.0, "CNY"), "9500元");
        assert_eq!(money_zh(2_500_000.0, "USD"), "250万美元");
        assert_eq!(money_zh(100_000_000.0, "CNY"), "1亿元");
    }
}
