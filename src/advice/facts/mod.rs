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

mod account;
mod budget;
mod chain;
mod opportunity;
mod people;
mod team;

pub use account::*;
use budget::*;
pub use opportunity::*;
pub use people::*;

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
