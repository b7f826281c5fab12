//! Reading a meeting's facts from the engine, in the words the room uses.

use std::collections::{BTreeMap, HashMap};

use time::Date;
use uuid::Uuid;

use crate::{
    advice::{Answer, Health, Lang, StepStatus},
    domain::{catalogue, today},
    engine::{Engine, RelationshipChanges},
    graph::AccountGraph,
    map::MapFormat,
    methodology::{LabelledValue, Methodology, Vocabulary},
    store::ImprovementFilter,
    Error, Result,
};

/// A term's label in the meeting's language.
pub(crate) fn term(v: &Vocabulary, id: &str, lang: Lang) -> String {
    v.label_of(id, lang == Lang::Zh)
}

fn answer_word(a: Answer, lang: Lang) -> String {
    let key = match a {
        Answer::Yes => "YES",
        Answer::No => "NO",
        Answer::Unknown => "UNKNOWN",
    };
    catalogue::attribute(lang, "answer-value", key)
}

/// Evidence as people read it: each fact by its label ("interactions with the
/// chain, last 90 days = 20"), not its id, and its value in words where it is a
/// yes or no, a stage, a tier or a budget's status ("预算状态 = 已确认").
fn facts(list: &[(String, String)], lang: Lang, m: &Methodology) -> String {
    let zh = lang == Lang::Zh;
    list.iter()
        .map(|(k, v)| {
            let label = catalogue::attribute(lang, "fact", k);
            format!("{label} = {}", fact_value(k, v, lang, m))
        })
        .collect::<Vec<_>>()
        .join(if zh { "；" } else { ", " })
}

/// A fact's value in words; numbers as they are.
pub(crate) fn fact_value(fact: &str, value: &str, lang: Lang, m: &Methodology) -> String {
    match (fact, value) {
        (_, "true") => catalogue::word(lang, "report-yes").to_owned(),
        (_, "false") => catalogue::word(lang, "report-no").to_owned(),
        ("stage", v) => term(&m.vocabularies.stage_terms, v, lang),
        ("tier", v) => term(&m.vocabularies.tiers, v, lang),
        ("budget_status", v @ ("confirmed" | "unconfirmed" | "unknown")) => {
            catalogue::attribute(lang, "budget-status", &v.to_uppercase())
        }
        (_, v) => v.to_owned(),
    }
}

/// A win step's status in words.
fn step_word(status: StepStatus, lang: Lang) -> String {
    let key = match status {
        StepStatus::Done => "DONE",
        StepStatus::Satisfied => "SATISFIED",
        StepStatus::Missing => "MISSING",
    };
    catalogue::attribute(lang, "step-status", key)
}

/// A part of health in words, as the page names it.
pub(crate) fn health_part(name: &str, lang: Lang) -> String {
    catalogue::attribute(lang, "health-part", name)
}

/// A support request's status in words.
fn support_word(status: &str, lang: Lang) -> String {
    catalogue::attribute(lang, "support-status", status)
}

/// A point of a labelled scale (influence, attitude) in words.
fn scale_word(points: &[LabelledValue], value: i32, lang: Lang) -> String {
    points.iter().find(|p| p.value == value).map_or_else(
        || value.to_string(),
        |p| match (&p.label_zh, lang) {
            (Some(zh), Lang::Zh) => zh.clone(),
            _ => p.label.clone(),
        },
    )
}

/// One member of the decision chain, as the meeting's table shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainLine {
    pub name: String,
    pub title: Option<String>,
    pub role: String,
    pub influence: Option<String>,
    pub attitude: String,
    /// Our strongest active tie: who, and its effective strength 0..5.
    pub ours: Option<(String, f64)>,
    /// The strongest competitor's tie: whose, and its strength 0..5.
    pub theirs: Option<(String, i32)>,
    /// Someone who has left the account: where they are now. Kept in the table
    /// (last) so that the seat they leave is seen, with no ties counted.
    pub left_for: Option<String>,
}

/// One of the four questions.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionLine {
    pub question: String,
    /// The answer that stands (recorded beats suggested).
    pub answer: String,
    pub suggested: String,
    pub recorded: Option<String>,
    pub evidence: String,
}

/// A win step of the current stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StepLine {
    pub label: String,
    pub required: bool,
    /// Done, satisfied by the data or missing, in the meeting's language.
    pub status: String,
    pub evidence: String,
}

/// One of the six scores.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreLine {
    pub name: String,
    /// 0..1.
    pub value: f64,
    pub summary: String,
}

/// A coaching prompt with what to do and how to get there.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptLine {
    pub severity: u8,
    pub text: String,
    pub action: String,
    /// "A → B → C (0.42)" where the rule suggests an introduction.
    pub path: Option<String>,
    pub evidence: String,
}

/// An open support request.
#[derive(Debug, Clone, PartialEq)]
pub struct SupportLine {
    pub kind: String,
    pub units: i32,
    pub needed_by: Date,
    pub status: String,
    pub note: Option<String>,
}

/// Everything the opportunity-analysis meeting looks at.
#[derive(Debug, Clone)]
pub struct OpportunityMeeting {
    pub lang: Lang,
    pub as_of: Date,
    pub account: String,
    pub opportunity_id: Uuid,
    pub opportunity: String,
    pub stage: String,
    pub amount: f64,
    pub currency: String,
    pub expected_sign_date: Option<Date>,
    pub owner: Option<String>,
    pub questions: Vec<QuestionLine>,
    pub steps: Vec<StepLine>,
    pub scores: Vec<ScoreLine>,
    pub health: Health,
    pub prompts: Vec<PromptLine>,
    pub support: Vec<SupportLine>,
    /// The decision chain, weightiest first.
    pub chain: Vec<ChainLine>,
    pub map_svg: String,
}

/// One row of the relationship inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryGroup {
    pub label: String,
    pub people: usize,
    /// People with at least one real tie of ours.
    pub held: usize,
    /// Mean of each person's best effective tie, 0..5.
    pub mean_best: f64,
    pub names: Vec<String>,
}

/// An improvement point as the meeting reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PointLine {
    pub text: String,
    pub opportunity: Option<String>,
    pub owner: Option<String>,
    pub due_on: Option<Date>,
    pub status: String,
    pub overdue: bool,
    pub set_by: String,
    pub set_on: Date,
    pub closed_on: Option<Date>,
    pub note: Option<String>,
}

/// Everything the relationship planning and improvement meeting looks at.
#[derive(Debug, Clone)]
pub struct PlanningMeeting {
    pub lang: Lang,
    pub as_of: Date,
    pub account_id: Uuid,
    pub account: String,
    pub by_level: Vec<InventoryGroup>,
    pub by_department: Vec<InventoryGroup>,
    pub by_role: Vec<InventoryGroup>,
    pub by_owner: Vec<InventoryGroup>,
    pub changes: RelationshipChanges,
    pub points: Vec<PointLine>,
    pub map_svg: String,
}

pub(crate) fn score_names(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::En => [
            "Key person",
            "Decision chain",
            "Account",
            "Our people",
            "Our company",
            "Competitor",
        ],
        Lang::Zh => [
            "关键人",
            "决策链",
            "客户",
            "我方员工",
            "我方公司",
            "竞争对手",
        ],
    }
}

pub async fn opportunity_meeting(
    engine: &Engine,
    opportunity: Uuid,
    lang: Lang,
) -> Result<OpportunityMeeting> {
    // One read: the graph, the assessment, the scores and the prompts below all
    // come from the one version looked up first, not one lookup each.
    let engine = &engine.for_one_read();
    let cached = engine.opportunity_graph(opportunity).await?;
    let graph = &cached.graph;
    let m: &Methodology = engine.store().methodology();
    let o = graph
        .opportunity(opportunity)
        .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
    let zh = lang == Lang::Zh;
    let (questions, steps) = engine
        .assessed(opportunity, |_, m, _, assessment| {
            let questions: Vec<_> = assessment
                .questions
                .iter()
                .map(|q| QuestionLine {
                    question: if zh {
                        q.question.text_zh.clone()
                    } else {
                        q.question.text.clone()
                    },
                    answer: answer_word(q.answer(), lang).to_owned(),
                    suggested: answer_word(q.suggested, lang).to_owned(),
                    recorded: q.recorded.map(|a| answer_word(a, lang).to_owned()),
                    evidence: facts(&q.evidence, lang, m),
                })
                .collect();
            let steps: Vec<_> = assessment
                .steps
                .iter()
                .map(|s| StepLine {
                    label: if zh {
                        s.step.label_zh.clone()
                    } else {
                        s.step.label.clone()
                    },
                    required: s.step.required,
                    status: step_word(s.status, lang),
                    evidence: facts(&s.evidence, lang, m),
                })
                .collect();
            (questions, steps)
        })
        .await?;
    let six = engine.opportunity_scores(opportunity).await?;
    let scores = score_names(lang)
        .iter()
        .zip([
            &six.key_person,
            &six.decision_chain,
            &six.account,
            &six.employee,
            &six.our_company,
            &six.competitor,
        ])
        .map(|(name, s)| ScoreLine {
            name: (*name).to_owned(),
            value: s.value.get(),
            summary: s.explanation.summary.say(lang),
        })
        .collect();
    let advised = engine.opportunity_advice(opportunity, lang).await?;
    let prompts = advised
        .prompts
        .iter()
        .take(5)
        .map(|p| PromptLine {
            severity: p.severity,
            text: p.text.clone(),
            action: p.action.clone(),
            path: p
                .path
                .as_ref()
                .map(|path| format!("{} ({:.2})", path.chain(graph), path.strength)),
            evidence: facts(&p.evidence, lang, m),
        })
        .collect();
    let support = engine
        .store()
        .support_requests(Some(opportunity), None)
        .await?
        .into_iter()
        .filter(|r| matches!(r.status.as_str(), "requested" | "granted"))
        .map(|r| SupportLine {
            kind: term(&m.vocabularies.support_resource_kinds, &r.kind, lang),
            units: r.units,
            needed_by: r.needed_by,
            status: support_word(&r.status, lang),
            note: r.note,
        })
        .collect();
    let mut chain: Vec<(i32, ChainLine)> = o
        .members
        .iter()
        .filter_map(|member| {
            let role = term(&m.vocabularies.buying_roles, &member.buying_role, lang);
            let influence = member
                .influence
                .map(|i| scale_word(&m.scales.influence, i, lang));
            let attitude = scale_word(&m.scales.attitude, member.attitude, lang);
            let Some(p) = graph.person(member.person) else {
                // Left the account: listed last, with where they are now.
                let o = graph.outsiders.get(&member.person)?;
                return Some((
                    i32::MIN,
                    ChainLine {
                        name: o.name.clone(),
                        title: None,
                        role,
                        influence,
                        attitude,
                        ours: None,
                        theirs: None,
                        left_for: Some(o.account.clone()),
                    },
                ));
            };
            let ours = graph
                .our_ties
                .get(&p.id)
                .and_then(|t| t.first())
                .map(|t| (graph.employee_name(t.employee), t.effective.value));
            let theirs = graph
                .their_ties
                .get(&p.id)
                .and_then(|t| t.iter().max_by_key(|t| t.strength))
                .map(|t| (graph.competitor_name(t.competitor), t.strength));
            Some((
                member.influence.unwrap_or(0),
                ChainLine {
                    name: p.name.clone(),
                    title: p.title.clone(),
                    role,
                    influence,
                    attitude,
                    ours,
                    theirs,
                    left_for: None,
                },
            ))
        })
        .collect();
    // Weightiest first, then by name: the order a coach reads a chain in; people
    // who have left come last.
    chain.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let chain = chain.into_iter().map(|(_, line)| line).collect();
    let map_svg = engine
        .relationship_map(graph.account_id, Some(opportunity), MapFormat::Svg, lang)
        .await?;
    Ok(OpportunityMeeting {
        lang,
        as_of: graph.as_of,
        account: graph.account_name.clone(),
        opportunity_id: o.id,
        opportunity: o.name.clone(),
        stage: term(&m.vocabularies.stage_terms, &o.stage, lang),
        amount: o.amount,
        currency: o.currency.to_uppercase(),
        expected_sign_date: o.expected_sign_date,
        owner: o.owner.map(|e| graph.employee_name(e)),
        questions,
        steps,
        scores,
        health: advised.health.clone(),
        prompts,
        support,
        chain,
        map_svg,
    })
}

/// Groups the account's people by `key` (in `order` where given, else by label).
fn inventory(
    graph: &AccountGraph,
    key: impl Fn(Uuid) -> String,
    order: &[String],
) -> Vec<InventoryGroup> {
    let real = graph.scoring.real_tie_strength;
    let mut groups: BTreeMap<String, InventoryGroup> = BTreeMap::new();
    for p in &graph.people {
        let label = key(p.id);
        let best = graph
            .our_ties
            .get(&p.id)
            .and_then(|t| t.first())
            .map_or(0.0, |t| t.effective.value);
        let g = groups
            .entry(label.clone())
            .or_insert_with(|| InventoryGroup {
                label,
                people: 0,
                held: 0,
                mean_best: 0.0,
                names: Vec::new(),
            });
        g.people += 1;
        g.held += usize::from(best >= real);
        g.mean_best += best;
        g.names.push(p.name.clone());
    }
    let mut out: Vec<InventoryGroup> = groups
        .into_values()
        .map(|mut g| {
            g.mean_best /= g.people.max(1) as f64;
            g.names.sort();
            g
        })
        .collect();
    out.sort_by_key(|g| {
        order
            .iter()
            .position(|o| *o == g.label)
            .unwrap_or(usize::MAX)
    });
    out
}

pub async fn planning_meeting(
    engine: &Engine,
    account: Uuid,
    since: Date,
    until: Option<Date>,
    lang: Lang,
) -> Result<PlanningMeeting> {
    // One read: each deal's advice below reuses the account graph looked up here.
    let engine = &engine.for_one_read();
    let cached = engine.graph(account).await?;
    let graph = &cached.graph;
    let m = engine.store().methodology();
    let v = &m.vocabularies;
    let person_of: HashMap<Uuid, &crate::graph::data::PersonNode> =
        graph.people.iter().map(|p| (p.id, p)).collect();
    let none = match lang {
        Lang::En => "(none)",
        Lang::Zh => "（无）",
    };

    let levels: Vec<String> = v
        .levels
        .terms
        .iter()
        .map(|t| term(&v.levels, &t.id, lang))
        .collect();
    let by_level = inventory(
        graph,
        |p| term(&v.levels, &person_of[&p].level, lang),
        &levels,
    );
    let by_department = inventory(
        graph,
        |p| term(&v.departments, &person_of[&p].department, lang),
        &[],
    );
    // A person's weightiest buying role across the open deals.
    let roles = AccountGraph::weightiest_members(graph.opportunities.iter().filter(|o| o.open));
    let role_order: Vec<String> = v
        .buying_roles
        .terms
        .iter()
        .map(|t| term(&v.buying_roles, &t.id, lang))
        .collect();
    let by_role = inventory(
        graph,
        |p| {
            roles.get(&p).map_or_else(
                || none.to_owned(),
                |m| term(&v.buying_roles, &m.buying_role, lang),
            )
        },
        &role_order,
    );
    let by_owner = inventory(
        graph,
        |p| {
            graph
                .our_ties
                .get(&p)
                .and_then(|t| t.first())
                .filter(|t| t.effective.value >= graph.scoring.real_tie_strength)
                .map_or_else(|| none.to_owned(), |t| graph.employee_name(t.employee))
        },
        &[],
    );

    let mut changes = engine.relationship_changes(account, since, until).await?;
    for o in &mut changes.org {
        for level in [&mut o.before_level, &mut o.after_level]
            .into_iter()
            .flatten()
        {
            *level = term(&v.levels, level, lang);
        }
    }
    for p in changes
        .new_people
        .iter_mut()
        .chain(changes.people_left.iter_mut())
    {
        p.level = term(&v.levels, &p.level, lang);
        p.department = term(&v.departments, &p.department, lang);
    }
    let deals: HashMap<Uuid, String> = graph
        .opportunities
        .iter()
        .map(|o| (o.id, o.name.clone()))
        .collect();
    let mut points: Vec<PointLine> = Vec::new();
    let filter = ImprovementFilter {
        account: Some(account),
        ..Default::default()
    };
    for p in engine.store().improvement_points(&filter).await? {
        let open = p.status == "open";
        points.push(PointLine {
            overdue: open && p.due_on.is_some_and(|d| d < today()),
            opportunity: p.opportunity_id.and_then(|o| deals.get(&o).cloned()),
            owner: p.owner_id.map(|e| graph.employee_name(e)),
            text: p.text,
            due_on: p.due_on,
            status: p.status,
            set_by: p.set_by,
            set_on: p.created_at.date(),
            closed_on: p.closed_on,
            note: p.note,
        });
    }
    let map_svg = engine
        .relationship_map(account, None, MapFormat::Svg, lang)
        .await?;
    Ok(PlanningMeeting {
        lang,
        as_of: graph.as_of,
        account_id: account,
        account: graph.account_name.clone(),
        by_level,
        by_department,
        by_role,
        by_owner,
        changes,
        points,
        map_svg,
    })
}
