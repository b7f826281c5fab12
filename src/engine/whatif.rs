//! What a what-if does to each open deal, told whole: the six scores, health,
//! the win probability and forecast category, and the top coaching prompts,
//! before and after, from the same assessment every other screen uses. When a
//! number rises, the story says why (an opponent left, someone's role changed),
//! so a director never meets an unexplained rise.

use time::Date;
use uuid::Uuid;

use crate::{
    advice::{prompts::prompts_first, Lang, Prompt},
    domain::{catalogue, Arg, Phrase},
    engine::assess,
    forecast::{category, StageNorms},
    graph::{risk::PersonChange, scores::opportunity_scores, AccountGraph},
    methodology::Methodology,
};

/// What the what-if supposes.
#[derive(Debug, Clone)]
pub enum Cause {
    /// One of our employees leaves.
    EmployeeLeaves(Uuid),
    /// A customer person leaves or changes part.
    PersonChanges(Uuid, PersonChange),
}

/// The top prompts a story shows on each side.
pub const STORY_PROMPTS: usize = 3;

/// One deal as one graph shows it.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The six scores in [`crate::graph::scores::OpportunityScores::values`] order.
    pub scores: [(&'static str, f64); 6],
    /// 0..100.
    pub health: f64,
    /// Health's parts (name, points), adding up to it.
    pub health_parts: Vec<(&'static str, f64)>,
    /// The four questions: (question id, answer as health counts it).
    pub answers: Vec<(String, &'static str)>,
    pub probability: f64,
    /// A category id of forecast.toml.
    pub category: String,
    /// The top [`STORY_PROMPTS`], ranked as the deal page ranks them.
    pub prompts: Vec<Prompt>,
}

/// What a what-if does to one open deal.
#[derive(Debug, Clone)]
pub struct Story {
    pub opportunity: Uuid,
    pub before: Picture,
    pub after: Picture,
    /// The measures that rise (`keyPerson`, …, `health`, `winProbability`).
    pub rises: Vec<&'static str>,
    /// Why they rise, when something does.
    pub note: Option<String>,
}

impl Story {
    /// Whether anything a reader sees on the deal moves. The account score is
    /// the account's, shown once beside the deals, so it alone does not list
    /// every open deal.
    pub fn moves(&self) -> bool {
        let ids = |p: &Picture| {
            p.prompts
                .iter()
                .map(|p| p.rule_id.clone())
                .collect::<Vec<_>>()
        };
        let texts = |p: &Picture| p.prompts.iter().map(|p| p.text.clone()).collect::<Vec<_>>();
        self.before
            .scores
            .iter()
            .zip(self.after.scores.iter())
            .any(|(b, a)| b.0 != "account" && (b.1 - a.1).abs() > 1e-9)
            || (self.before.health - self.after.health).abs() > 1e-9
            || (self.before.probability - self.after.probability).abs() > 1e-9
            || self.before.category != self.after.category
            || ids(&self.before) != ids(&self.after)
            || texts(&self.before) != texts(&self.after)
    }
}

/// One open deal of `graph`, assessed as the deal page assesses it.
pub fn picture(
    graph: &AccountGraph,
    m: &Methodology,
    opportunity: Uuid,
    today: Date,
    norms: &StageNorms,
    lang: Lang,
) -> Option<Picture> {
    let o = graph.opportunity(opportunity)?;
    let a = assess(graph, m, o, today, norms);
    let (prompts, _) = prompts_first(graph, m, o, &a.facts, &a.steps, lang, false, STORY_PROMPTS);
    Some(Picture {
        scores: opportunity_scores(graph, o).values(),
        health: a.health.score,
        health_parts: a
            .health
            .breakdown
            .iter()
            .map(|p| (p.name, p.points))
            .collect(),
        answers: a
            .questions
            .iter()
            .map(|q| (q.question.id.clone(), q.answer().as_str()))
            .collect(),
        probability: a.probability.probability,
        category: category(m, &a.facts)
            .map(|c| c.id.clone())
            .unwrap_or_default(),
        prompts,
    })
}

/// Every open deal of `before`, before and after; `rename` is applied to the
/// after side's prompt text (a person who left reads as their successor).
pub fn stories(
    before: &AccountGraph,
    after: &AccountGraph,
    m: &Methodology,
    today: Date,
    norms: &StageNorms,
    lang: Lang,
    rename: Option<(&str, &str)>,
) -> Vec<Story> {
    let mut out = Vec::new();
    for o in before.opportunities.iter().filter(|o| o.open) {
        let (Some(b), Some(mut a)) = (
            picture(before, m, o.id, today, norms, lang),
            picture(after, m, o.id, today, norms, lang),
        ) else {
            continue;
        };
        if let Some((from, to)) = rename {
            for p in &mut a.prompts {
                p.text = p.text.replace(from, to);
                p.action = p.action.replace(from, to);
            }
        }
        let mut rises: Vec<&'static str> = b
            .scores
            .iter()
            .zip(a.scores.iter())
            .filter(|(x, y)| y.1 > x.1 + 1e-9)
            .map(|(x, _)| x.0)
            .collect();
        if a.health > b.health + 1e-9 {
            rises.push("health");
        }
        if a.probability > b.probability + 1e-9 {
            rises.push("winProbability");
        }
        out.push(Story {
            opportunity: o.id,
            before: b,
            after: a,
            rises,
            note: None,
        });
    }
    out
}

/// A what-if on one account: the snapshot changed as `cause` says
/// (`changed`), its graph built once, and both the score impact and every
/// open deal's story read from the cached `before` graph and that one.
pub fn run(
    before: &AccountGraph,
    changed: &crate::graph::data::GraphData,
    m: &Methodology,
    norms: &StageNorms,
    lang: Lang,
    cause: &Cause,
) -> (crate::graph::risk::Impact, Vec<Story>) {
    use crate::graph::risk;
    let after = AccountGraph::build(changed, m, before.as_of);
    let impact = match cause {
        Cause::EmployeeLeaves(e) => risk::departure_between(before, &after, *e),
        Cause::PersonChanges(..) => risk::compare(before, &after),
    };
    let stories = told(before, &after, m, before.as_of, norms, lang, cause);
    (impact, stories)
}

/// How a person who left is named in the after side's prompts.
pub fn successor(name: &str, lang: Lang) -> String {
    Phrase::new("whatif-successor")
        .arg("person", name)
        .say(lang)
}

/// The stories of every open deal that moves under `cause`, each rise explained:
/// an opponent leaving, someone's new part, or (never expected) anything else.
pub fn told(
    before: &AccountGraph,
    after: &AccountGraph,
    m: &Methodology,
    today: Date,
    norms: &StageNorms,
    lang: Lang,
    cause: &Cause,
) -> Vec<Story> {
    let (person, change) = match cause {
        Cause::PersonChanges(p, c) => (Some(*p), Some(c)),
        Cause::EmployeeLeaves(_) => (None, None),
    };
    let name = person.map(|p| before.person_name(p));
    let successor_name = name.as_deref().map(|n| successor(n, lang));
    let rename = match (change, &name, &successor_name) {
        (Some(c), Some(n), Some(s)) if c.leaves => Some((n.as_str(), s.as_str())),
        _ => None,
    };
    let mut out = stories(before, after, m, today, norms, lang, rename);
    out.retain(Story::moves);
    for s in &mut out {
        if s.rises.is_empty() {
            continue;
        }
        let attitude = person.and_then(|p| {
            before
                .opportunity(s.opportunity)
                .and_then(|o| o.members.iter().find(|x| x.person == p))
                .map(|x| x.attitude)
        });
        let what = Arg::List(
            s.rises
                .iter()
                .map(|r| Arg::Term {
                    en: catalogue::attribute(Lang::En, "dimension", r),
                    zh: catalogue::attribute(Lang::Zh, "dimension", r),
                })
                .collect(),
        );
        let who = name.clone().unwrap_or_default();
        let note = match (change, attitude) {
            (Some(c), Some(a)) if c.leaves && a < 0 => Phrase::new("whatif-opponent-leaves")
                .arg("person", who)
                .arg("attitude", a.to_string()),
            (Some(c), _) if c.leaves => Phrase::new("whatif-ties-leave").arg("person", who),
            (Some(_), _) => Phrase::new("whatif-new-part").arg("person", who),
            (None, _) => Phrase::new("whatif-recomputed"),
        };
        s.note = Some(note.arg("what", what).say(lang));
    }
    out
}
