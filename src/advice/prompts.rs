//! Coaching prompts: the rules that fire on an opportunity, ranked, in words from
//! the methodology, each with its evidence and a concrete action.

use std::collections::HashMap;

use uuid::Uuid;

use crate::{
    domain::{catalogue, Phrase},
    graph::{
        data::OpportunityNode,
        paths::{introduction_paths, IntroductionPath},
        AccountGraph,
    },
    methodology::{placeholders, Methodology},
};

use super::{
    facts::{Candidate, Facts},
    steps::{StepReport, StepStatus},
};

pub use crate::domain::Lang;

#[derive(Debug, Clone)]
pub struct Prompt {
    pub rule_id: String,
    /// 1 (a nudge) .. 5 (the deal is at risk).
    pub severity: u8,
    pub impact: f64,
    pub text: String,
    /// What to do, naming who should do what.
    pub action: String,
    /// The facts the rule read, with their values.
    pub evidence: Vec<(String, String)>,
    /// The person the prompt is about, where there is one.
    pub person: Option<Uuid>,
    /// The suggested introduction path, for rules that ask for one.
    pub path: Option<IntroductionPath>,
    /// Where it ranks, and why (docs/coaching.md, "How prompts are ranked").
    pub priority: PriorityTerms,
}

/// A prompt's priority and its four terms: severity × person weight × stake ×
/// urgency. Stake and urgency are the deal's, so they order deals in a pipeline;
/// within one deal, severity and whom it is about decide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorityTerms {
    pub severity: f64,
    /// floor..1: the person's buying-role weight × influence against the deal's
    /// weightiest member; a prompt about the whole deal or one of ours has its own.
    pub person_weight: f64,
    /// 0..1.5: the account tier's weight × amount / (amount + typical amount).
    pub stake: f64,
    /// stage floor..1: the later of how far the deal is and how near its signing.
    pub urgency: f64,
    pub value: f64,
}

/// Whom a prompt is about, for its person weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Subject {
    Deal,
    Person(Uuid),
    Employee(Uuid),
}

/// The deal's stake and urgency (the same for all its prompts).
pub fn deal_terms(
    graph: &AccountGraph,
    m: &Methodology,
    o: &OpportunityNode,
    facts: &Facts,
) -> (f64, f64) {
    let p = &m.priority;
    let amount = o.amount.max(0.0) * m.support.rate(&o.currency);
    // A deal of no recorded amount still ranks its prompts by severity and whom
    // they are about: the amount term is at least 0.1.
    let stake = m.support.weight(&graph.tier) * (amount / (amount + p.typical_amount)).max(0.1);
    let stages = m.vocabularies.stages.len().max(2) - 1;
    let index = facts.count_of("stage_index").clamp(0, stages as i64) as f64;
    let by_stage = p.stage_floor + (1.0 - p.stage_floor) * index / stages as f64;
    let by_date = match o.expected_sign_date {
        Some(_) => {
            let left = facts.count_of("days_to_expected_sign").max(0);
            p.sign_date
                .iter()
                .find(|r| left <= r.within_days)
                .map_or(p.sign_date_default, |r| r.urgency)
        }
        None => p.sign_date_default,
    };
    (stake, by_stage.max(by_date))
}

/// Person weights on one deal: a chain member's buying-role weight × influence
/// (1..5) / 5, scaled so the deal's weightiest member is 1 and weight 0 would sit at
/// the floor.
pub struct Weigher<'g> {
    raw: HashMap<Uuid, f64>,
    top: f64,
    graph: &'g AccountGraph,
}

impl<'g> Weigher<'g> {
    pub fn new(graph: &'g AccountGraph, o: &OpportunityNode) -> Self {
        let raw: HashMap<Uuid, f64> = crate::graph::scores::chain(graph, o)
            .iter()
            .map(|c| {
                let role = graph
                    .scoring
                    .derived_influence
                    .role_weight
                    .get(&c.member.buying_role)
                    .copied()
                    .unwrap_or(0.25);
                (c.person(), role * c.influence.value / 5.0)
            })
            .collect();
        // Members who moved to another account weigh what their part here did:
        // a champion who left is news about someone who mattered.
        let mut raw = raw;
        for m in o
            .members
            .iter()
            .filter(|m| graph.outsiders.contains_key(&m.person))
        {
            let role = graph
                .scoring
                .derived_influence
                .role_weight
                .get(&m.buying_role)
                .copied()
                .unwrap_or(0.25);
            let influence = m.influence.map_or(3.0, f64::from);
            raw.insert(m.person, role * influence / 5.0);
        }
        let top = raw.values().copied().fold(0.0, f64::max);
        Weigher { raw, top, graph }
    }

    /// Whom a prompt's subject id names: a customer person or one of ours.
    pub fn subject(&self, id: Option<Uuid>) -> Subject {
        match id {
            None => Subject::Deal,
            Some(e) if self.graph.employees.contains_key(&e) => Subject::Employee(e),
            Some(p) => Subject::Person(p),
        }
    }

    pub fn weight(&self, m: &Methodology, subject: Subject) -> f64 {
        let p = &m.priority;
        match subject {
            Subject::Deal => p.deal_weight,
            Subject::Employee(_) => p.employee_weight,
            Subject::Person(id) => match self.raw.get(&id) {
                Some(w) if self.top > 0.0 => p.person_floor + (1.0 - p.person_floor) * w / self.top,
                _ => p.person_floor,
            },
        }
    }
}

/// At most this many people per rule get a candidate prompt (the weightiest
/// first), so a deal with forty uncovered people stays cheap to coach.
const MAX_CANDIDATES: usize = 5;

/// Fills `{name}` placeholders in one pass; `path` comes from the rule, the rest
/// from the opportunity's words.
fn fill(template: &str, words: &Words, overlay: &[(&'static str, String)], path: &str) -> String {
    if !template.contains('{') {
        return template.to_owned();
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..start + len];
        if name == "path" {
            out.push_str(path);
        } else if let Some((_, v)) = overlay.iter().rev().find(|(k, _)| *k == name) {
            out.push_str(v);
        } else if let Some(v) = words.get(name) {
            out.push_str(v);
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A text starting with a capital, as a sentence does ("the account team should…"
/// from a placeholder becomes "The account team should…").
fn sentence(text: String) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
        _ => text,
    }
}

fn describe(graph: &AccountGraph, path: &IntroductionPath, lang: Lang) -> String {
    let chain = path.chain(graph);
    let asker = graph.employee_name(path.asker);
    let pct = (path.strength * 100.0).round();
    let line = match path.strength {
        s if s >= 0.6 => "prompt-line-strong",
        s if s >= 0.35 => "prompt-line-fair",
        _ => "prompt-line-weak",
    };
    // One hop: the asker's own tie, not an introduction through someone else.
    let direct = path.hops.len() <= 1;
    Phrase::new(if direct {
        "prompt-path-direct"
    } else {
        "prompt-path"
    })
    .arg("asker", asker)
    .arg("chain", chain)
    .arg("line", Phrase::new(line))
    .arg("pct", format!("{pct}%"))
    .say(lang)
}

/// Prompts for one opportunity, best first. `with_paths` computes the suggested
/// introduction paths (skipped for pipeline rows, where only the text is shown).
pub fn prompts(
    graph: &AccountGraph,
    m: &Methodology,
    o: &OpportunityNode,
    facts: &Facts,
    steps: &[StepReport],
    lang: Lang,
    with_paths: bool,
) -> Vec<Prompt> {
    prompts_first(graph, m, o, facts, steps, lang, with_paths, usize::MAX).0
}

/// A rule firing about one candidate, ranked before any text is written: the
/// pipeline writes only its top prompt.
struct Draft<'a> {
    rule: &'a crate::methodology::Rule,
    candidate: Option<&'a Candidate>,
    /// The person its path leads to.
    person: Option<Uuid>,
    /// Whom it is about (or, for `suggests`, whom its action suggests).
    subject: Option<Uuid>,
    /// The prompt only suggests a person (the coach to win): it does not merge.
    suggests: bool,
    level: u8,
    priority: PriorityTerms,
    /// Sort key: the subject's name.
    name: String,
}

/// The first `first` prompts (after merging) and how many there are in all.
#[allow(clippy::too_many_arguments)]
pub fn prompts_first(
    graph: &AccountGraph,
    m: &Methodology,
    o: &OpportunityNode,
    facts: &Facts,
    steps: &[StepReport],
    lang: Lang,
    with_paths: bool,
    first: usize,
) -> (Vec<Prompt>, usize) {
    let (stake, urgency) = deal_terms(graph, m, o, facts);
    let weigher = Weigher::new(graph, o);
    let mut drafts: Vec<Draft> = Vec::new();
    for rule in &m.rules {
        if !rule.stages.is_empty() && !rule.stages.contains(&o.stage) {
            continue;
        }
        if !rule.condition.holds(&facts.context) {
            continue;
        }
        // Every person the rule could be about gets their own candidate prompt:
        // the kind is the rule's path target, else the first placeholder of its
        // text that names someone of a kind with candidates.
        let kind = rule.path_to.as_deref().or_else(|| {
            placeholders(&rule.text)
                .into_iter()
                .find(|p| facts.candidates.contains_key(p))
        });
        let candidates: Vec<Option<&Candidate>> = match kind.and_then(|k| facts.candidates.get(k)) {
            Some(list) if !list.is_empty() => list.iter().take(MAX_CANDIDATES).map(Some).collect(),
            _ => vec![None],
        };
        let level = match &rule.escalate {
            Some(e) if e.when.holds(&facts.context) => e.severity,
            _ => rule.severity,
        };
        for candidate in candidates {
            let person = candidate
                .and_then(|c| c.person)
                .or_else(|| rule.path_to.as_deref().and_then(|t| facts.targets.get(t)));
            // Whom the prompt is about: its candidate or path's person, else the
            // first person its text names; else whom its action suggests (a coach
            // to win), which names the prompt's person but is not a problem about
            // them to merge with.
            let about = person.or_else(|| {
                placeholders(&rule.text)
                    .into_iter()
                    .find_map(|p| facts.targets.named_by(p))
            });
            let suggested = placeholders(&rule.action)
                .into_iter()
                .find_map(|p| facts.targets.named_by(p));
            let subject = about.or(suggested);
            let severity = f64::from(level);
            let person_weight = weigher.weight(m, weigher.subject(subject));
            let name = match subject {
                Some(id) if graph.employees.contains_key(&id) => graph.employee_name(id),
                Some(id) => graph.person_name(id),
                None => String::new(),
            };
            drafts.push(Draft {
                rule,
                candidate,
                person,
                subject,
                suggests: about.is_none() && suggested.is_some(),
                level,
                priority: PriorityTerms {
                    severity,
                    person_weight,
                    stake,
                    urgency,
                    value: severity * person_weight * stake * urgency,
                },
                name,
            });
        }
    }
    // A rule another fired rule silences for the deal is beside the point.
    let silenced: std::collections::HashSet<&str> = drafts
        .iter()
        .flat_map(|d| d.rule.silences.iter().map(String::as_str))
        .collect();
    drafts.retain(|d| !silenced.contains(d.rule.id.as_str()));
    // A rule that another fired rule subsumes for the same person says nothing new.
    let fired: Vec<(&str, Option<Uuid>)> = drafts
        .iter()
        .map(|d| (d.rule.id.as_str(), d.subject))
        .collect();
    drafts.retain(|d| {
        !d.rule.subsumed_by.iter().any(|other| {
            // Subsumed by the same rule about the same person, or about the
            // whole deal (an unqualified deal's open budget question covers the
            // budget holder's prompt).
            fired
                .iter()
                .any(|(id, person)| id == other && (*person == d.subject || person.is_none()))
        })
    });
    // Priority, then impact, then the name of whom it is about, then the rule's
    // id: never the order of the file or of the records.
    drafts.sort_by(|a, b| {
        b.priority
            .value
            .total_cmp(&a.priority.value)
            .then(b.rule.impact.total_cmp(&a.rule.impact))
            .then_with(|| a.name.cmp(&b.name))
            .then(a.rule.id.cmp(&b.rule.id))
    });
    // One prompt per person and theme: what later drafts say about someone an
    // earlier one is about joins it, under the leading draft's rule, action and path.
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, d) in drafts.iter().enumerate() {
        let lead = d.subject.filter(|_| !d.suggests).and_then(|person| {
            groups.iter_mut().find(|(l, _)| {
                let l = &drafts[*l];
                l.subject == Some(person) && !l.suggests && l.rule.theme == d.rule.theme
            })
        });
        match lead {
            Some((_, merged)) => merged.push(i),
            None => groups.push((i, Vec::new())),
        }
    }
    vary_the_top(&mut groups, |g| drafts[g.0].rule.id.as_str());
    let total = groups.len();

    // Only now the words: for the prompts asked for.
    let words = Words::new(m, o, facts, steps, lang);
    let gap = catalogue::word(lang, "prompt-space");
    let out = groups
        .iter()
        .take(first)
        .map(|(lead, merged)| {
            let mut p = write(graph, &drafts[*lead], &words, facts, lang, with_paths);
            for i in merged {
                let q = write(graph, &drafts[*i], &words, facts, lang, false);
                if !p.text.contains(&q.text) {
                    p.text.push_str(gap);
                    p.text.push_str(&q.text);
                }
                for e in q.evidence {
                    if !p.evidence.contains(&e) {
                        p.evidence.push(e);
                    }
                }
            }
            p
        })
        .collect();
    (out, total)
}

/// The opportunity's words in one language: the facts' words, with the stage and
/// step labels and the Chinese words over them.
struct Words<'f> {
    base: &'f HashMap<&'static str, String>,
    over: HashMap<&'static str, String>,
}

impl<'f> Words<'f> {
    fn new(
        m: &Methodology,
        o: &OpportunityNode,
        facts: &'f Facts,
        steps: &[StepReport],
        lang: Lang,
    ) -> Self {
        let mut over: HashMap<&'static str, String> = HashMap::new();
        let stage = m.vocabularies.stage(&o.stage);
        let label = |en: &str, zh: &Option<String>| match lang {
            Lang::En => en.to_owned(),
            Lang::Zh => zh.clone().unwrap_or_else(|| en.to_owned()),
        };
        over.insert(
            "stage_label",
            stage
                .map(|s| label(&s.label, &s.label_zh))
                .unwrap_or_else(|| o.stage.clone()),
        );
        let missing: Vec<String> = steps
            .iter()
            .filter(|s| s.step.required && s.status == StepStatus::Missing)
            .map(|s| match lang {
                Lang::En => s.step.label.to_lowercase(),
                Lang::Zh => s.step.label_zh.clone(),
            })
            .collect();
        over.insert(
            "missing_steps",
            missing.join(catalogue::word(lang, "prompt-semicolon")),
        );
        over.insert(
            "first_missing_step",
            missing.first().cloned().unwrap_or_default(),
        );
        if lang == Lang::Zh {
            for (key, value) in &facts.words_zh {
                over.insert(key, value.clone());
            }
            for (key, zh) in [("owner", "客户团队"), ("coach_or_owner", "客户团队")] {
                if facts
                    .words
                    .get(key)
                    .is_some_and(|v| v == "the account team")
                    && !facts.words_zh.contains_key(key)
                {
                    over.insert(key, zh.to_owned());
                }
            }
        }
        Words {
            base: &facts.words,
            over,
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.over
            .get(name)
            .or_else(|| self.base.get(name))
            .map(String::as_str)
    }
}

/// A draft's prompt, in words.
fn write(
    graph: &AccountGraph,
    d: &Draft,
    words: &Words,
    facts: &Facts,
    lang: Lang,
    with_paths: bool,
) -> Prompt {
    // A candidate's words over the opportunity's (Chinese ones last, so they win).
    let overlay: Vec<(&'static str, String)> = match d.candidate {
        Some(c) if lang == Lang::Zh => c.words.iter().chain(&c.words_zh).cloned().collect(),
        Some(c) => c.words.clone(),
        None => Vec::new(),
    };
    let path = match (with_paths, d.rule.path_to.is_some(), d.person) {
        (true, true, Some(p)) => introduction_paths(graph, p, None, 1)
            .ok()
            .and_then(|v| v.into_iter().next()),
        _ => None,
    };
    let path_text = match (&path, with_paths) {
        (Some(p), _) => describe(graph, p, lang),
        (None, true) => catalogue::word(lang, "prompt-no-path").to_owned(),
        (None, false) => catalogue::word(lang, "prompt-see-path").to_owned(),
    };
    let (text, action) = match lang {
        Lang::En => (&d.rule.text, &d.rule.action),
        Lang::Zh => (&d.rule.text_zh, &d.rule.action_zh),
    };
    Prompt {
        rule_id: d.rule.id.clone(),
        severity: d.level,
        impact: d.rule.impact,
        text: sentence(fill(text, words, &overlay, &path_text)),
        action: sentence(fill(action, words, &overlay, &path_text)),
        evidence: facts.evidence(&d.rule.condition.facts()),
        person: d.subject,
        path,
        priority: d.priority,
    }
}

/// How many prompts a coach reads first, and how many of them one rule may take
/// while other problems exist: three single threads in a row are one problem said
/// three times.
const TOP: usize = 3;
const SAME_RULE_IN_TOP: usize = 2;

/// Moves the best prompt of another rule into the top three when one rule would
/// otherwise fill it; the order is otherwise kept.
fn vary_the_top<'a, T>(out: &mut Vec<T>, rule: impl Fn(&T) -> &'a str) {
    if out.len() <= TOP {
        return;
    }
    let first = rule(&out[0]).to_owned();
    let same = out.iter().take(TOP).filter(|p| rule(p) == first).count();
    if same <= SAME_RULE_IN_TOP {
        return;
    }
    if let Some(i) = out.iter().skip(TOP).position(|p| rule(p) != first) {
        let p = out.remove(TOP + i);
        out.insert(TOP - 1, p);
    }
}
