use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    sync::Arc,
};

use serde::Deserialize;

use super::{
    advice::{
        compile_plan, compile_questions, compile_rules, PlanElement, Priority, Question,
        RawCoaching, RawPlan, RawQualification, Rule,
    },
    error::{MethodologyError, Problems},
    forecast::{compile_forecast, ForecastRules, RawForecast},
    process::{self, StageProcess},
    scales::{RawScales, Scales},
    scoring::Scoring,
    support::{compile_support, RawSupport, SupportRules},
    vocabulary::{Stage, Term, Vocabularies, Vocabulary},
};

/// Where the methodology is looked for when none is named.
pub const DEFAULT_DIR: &str = "methodology";

/// The default methodology compiled in, so the binary still starts when run outside
/// a checkout. A directory on disk always wins.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "qualification.toml",
        include_str!("../../methodology/qualification.toml"),
    ),
    (
        "account_plan.toml",
        include_str!("../../methodology/account_plan.toml"),
    ),
    (
        "coaching.toml",
        include_str!("../../methodology/coaching.toml"),
    ),
    (
        "methodology.toml",
        include_str!("../../methodology/methodology.toml"),
    ),
    ("scales.toml", include_str!("../../methodology/scales.toml")),
    (
        "vocabularies.toml",
        include_str!("../../methodology/vocabularies.toml"),
    ),
    ("stages.toml", include_str!("../../methodology/stages.toml")),
    (
        "scoring.toml",
        include_str!("../../methodology/scoring.toml"),
    ),
    (
        "support.toml",
        include_str!("../../methodology/support.toml"),
    ),
    (
        "forecast.toml",
        include_str!("../../methodology/forecast.toml"),
    ),
];

/// A loaded, validated methodology.
#[derive(Debug, Clone)]
pub struct Methodology {
    pub name: String,
    /// Recorded with every methodology-dependent write, so history says which rules
    /// it was made under.
    pub version: String,
    /// Where it came from (a directory, or `<embedded>`).
    pub source: PathBuf,
    /// SHA-256 of every file's text, in a fixed order (hex): the content's
    /// identity beside the declared `version`, so files changed under an unchanged
    /// version are caught (docs/methodology.md, "Versions").
    pub digest: String,
    /// Every file's text by name, as read: what the database records, so a deal
    /// can keep an earlier version's steps after the files change.
    pub files: BTreeMap<String, String>,
    /// The win steps and exit criteria of earlier versions that open deals are
    /// still on, by version: a deal is assessed under its version's process until
    /// it moves stage or the new version is adopted.
    pub pinned: HashMap<String, Arc<HashMap<String, StageProcess>>>,
    pub scales: Scales,
    pub vocabularies: Arc<Vocabularies>,
    pub scoring: Scoring,
    /// Win steps and exit criteria per stage id.
    pub process: HashMap<String, StageProcess>,
    /// The four questions.
    pub questions: Vec<Question>,
    /// The ESP+ account plan elements.
    pub plan: Vec<PlanElement>,
    /// Coaching rules.
    pub rules: Vec<Rule>,
    /// How coaching prompts are ranked.
    pub priority: Priority,
    /// Support needs and how the allocator values deals.
    pub support: SupportRules,
    /// Win probability, forecast categories and history settings.
    pub forecast: ForecastRules,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    name: String,
    version: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVocabularies {
    tiers: Vec<Term>,
    industries: Vec<Term>,
    regions: Vec<Term>,
    levels: Vec<Term>,
    departments: Vec<Term>,
    buying_roles: Vec<Term>,
    employee_roles: Vec<Term>,
    interaction_kinds: Vec<Term>,
    support_resource_kinds: Vec<Term>,
    currencies: Vec<Term>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStages {
    stages: Vec<Stage>,
}

/// Buying roles the rest of the product reasons about by id; a methodology may add
/// roles but not drop these.
const REQUIRED_BUYING_ROLES: &[&str] = &["decision_maker", "coach"];

impl Methodology {
    /// Loads `dir`, or the embedded default when `dir` is `None` and no
    /// `methodology/` directory exists in the working directory.
    pub fn load_or_default(dir: Option<&Path>) -> Result<Self, MethodologyError> {
        match dir {
            Some(d) => Self::load(d),
            None if Path::new(DEFAULT_DIR).is_dir() => Self::load(Path::new(DEFAULT_DIR)),
            None => Self::embedded(),
        }
    }

    /// The methodology shipped with the binary.
    pub fn embedded() -> Result<Self, MethodologyError> {
        Self::from_sources(PathBuf::from("<embedded>"), |name| {
            EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| "missing".to_owned())
        })
    }

    /// Loads and validates every file of a methodology directory.
    pub fn load(dir: &Path) -> Result<Self, MethodologyError> {
        Self::from_sources(dir.to_path_buf(), |name| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string())
        })
    }

    /// Compiles a methodology from recorded file texts (as [`Self::files`] holds
    /// them), e.g. an earlier version kept in the database.
    pub fn from_files(
        source: &str,
        files: &BTreeMap<String, String>,
    ) -> Result<Self, MethodologyError> {
        Self::from_sources(PathBuf::from(source), |name| {
            files
                .get(name)
                .cloned()
                .ok_or_else(|| "not recorded".to_owned())
        })
    }

    /// The names of the files a methodology consists of.
    pub fn file_names() -> impl Iterator<Item = &'static str> {
        EMBEDDED.iter().map(|(n, _)| *n)
    }

    /// The win steps and exit criteria a deal recorded under `version` is
    /// assessed by: that version's, while it is pinned, else the current ones.
    pub fn process_for(&self, version: &str) -> &HashMap<String, StageProcess> {
        if version == self.version {
            return &self.process;
        }
        self.pinned
            .get(version)
            .map_or(&self.process, |p| p.as_ref())
    }

    /// The files whose text differs between two recorded file sets, by name.
    pub fn changed_files(
        a: &BTreeMap<String, String>,
        b: &BTreeMap<String, String>,
    ) -> Vec<String> {
        Self::file_names()
            .filter(|n| a.get(*n) != b.get(*n))
            .map(str::to_owned)
            .collect()
    }

    fn from_sources(
        source: PathBuf,
        read: impl Fn(&str) -> Result<String, String>,
    ) -> Result<Self, MethodologyError> {
        let mut problems = Problems::default();
        let display = |name: &str| source.join(name).display().to_string();
        // What was read, for the digest and the database's record.
        let files: BTreeMap<String, String> = Self::file_names()
            .filter_map(|n| read(n).ok().map(|t| (n.to_owned(), t)))
            .collect();
        let digest = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            for (name, text) in &files {
                h.update(name.as_bytes());
                h.update([0]);
                h.update(text.as_bytes());
                h.update([0]);
            }
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };

        let manifest: Option<RawManifest> =
            parse(&source, &read, "methodology.toml", &mut problems);
        let scales: Option<RawScales> = parse(&source, &read, "scales.toml", &mut problems);
        let vocab: Option<RawVocabularies> =
            parse(&source, &read, "vocabularies.toml", &mut problems);
        let stages: Option<RawStages> = parse(&source, &read, "stages.toml", &mut problems);
        let qualification: Option<RawQualification> =
            parse(&source, &read, "qualification.toml", &mut problems);
        let plan: Option<RawPlan> = parse(&source, &read, "account_plan.toml", &mut problems);
        let coaching: Option<RawCoaching> = parse(&source, &read, "coaching.toml", &mut problems);
        let scoring: Option<Scoring> = parse(&source, &read, "scoring.toml", &mut problems);
        let support: Option<RawSupport> = parse(&source, &read, "support.toml", &mut problems);
        let forecast: Option<RawForecast> = parse(&source, &read, "forecast.toml", &mut problems);

        let (name, version) = match manifest {
            Some(m) => {
                let file = display("methodology.toml");
                if m.name.trim().is_empty() {
                    problems.push(&file, "name", "must not be empty");
                }
                if m.version.trim().is_empty() {
                    problems.push(&file, "version", "must not be empty");
                }
                let _ = m.description;
                (m.name, m.version)
            }
            None => (String::new(), String::new()),
        };
        let scales =
            scales.map(|raw| Scales::validate(raw, &display("scales.toml"), &mut problems));
        let vocabularies = match (vocab, stages) {
            (Some(v), Some(s)) => Some(validate_vocabularies(
                v,
                s,
                &display("vocabularies.toml"),
                &display("stages.toml"),
                &mut problems,
            )),
            _ => None,
        };

        let scoring = match (scoring, &vocabularies) {
            (Some(s), Some(v)) => Some(s.validate(v, &display("scoring.toml"), &mut problems)),
            _ => None,
        };

        let process = vocabularies
            .as_ref()
            .map(|v| process::compile(&v.stages, &display("stages.toml"), &mut problems));
        let questions = match (qualification, &vocabularies) {
            (Some(q), Some(v)) => Some(compile_questions(
                q,
                v,
                &display("qualification.toml"),
                &mut problems,
            )),
            _ => None,
        };
        let plan = plan.map(|p| compile_plan(p, &display("account_plan.toml"), &mut problems));
        let rules = match (coaching, &vocabularies) {
            (Some(c), Some(v)) => Some(compile_rules(
                c,
                v,
                &display("coaching.toml"),
                &mut problems,
            )),
            _ => None,
        };

        let support = match (support, &vocabularies) {
            (Some(s), Some(v)) => Some(compile_support(
                s,
                v,
                &display("support.toml"),
                &mut problems,
            )),
            _ => None,
        };
        let forecast =
            forecast.map(|f| compile_forecast(f, &display("forecast.toml"), &mut problems));
        // A need names the win step it serves: one of its own stages' steps.
        if let (Some(support), Some(process)) = (&support, &process) {
            for (i, n) in support.needs.iter().enumerate() {
                let Some(step) = &n.step else { continue };
                let known = n.stages.iter().any(|s| {
                    process
                        .get(s)
                        .is_some_and(|p| p.win_steps.iter().any(|w| &w.id == step))
                });
                if !known {
                    problems.push(
                        &display("support.toml"),
                        format!("needs[{i}].step"),
                        format!(
                            "'{step}' is not a win step of its stages ({}) in stages.toml",
                            n.stages.join(", ")
                        ),
                    );
                }
            }
        }

        match (
            scales,
            vocabularies,
            scoring,
            process,
            questions,
            plan,
            (rules, support, forecast),
        ) {
            (
                Some(scales),
                Some(vocabularies),
                Some(scoring),
                Some(process),
                Some(questions),
                Some(plan),
                (Some((rules, priority)), Some(support), Some(forecast)),
            ) if problems.list.is_empty() => Ok(Methodology {
                name,
                version,
                source,
                digest,
                files,
                pinned: HashMap::new(),
                scales,
                vocabularies: Arc::new(vocabularies),
                scoring,
                process,
                questions,
                plan,
                rules,
                priority,
                support,
                forecast,
            }),
            _ => Err(MethodologyError {
                problems: problems.list,
            }),
        }
    }
}

/// Reads and parses one file of the methodology; problems name it under `source`.
fn parse<T: for<'de> Deserialize<'de>>(
    source: &Path,
    read: &impl Fn(&str) -> Result<String, String>,
    name: &str,
    problems: &mut Problems,
) -> Option<T> {
    let file = source.join(name).display().to_string();
    let file = file.as_str();
    let text = match read(name) {
        Ok(t) => t,
        Err(e) => {
            problems.push(file, "-", format!("cannot read the file: {e}"));
            return None;
        }
    };
    match toml::from_str::<T>(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            // toml's message already says line, column and the offending key.
            problems.push(file, "-", e.to_string().trim().replace('\n', " "));
            None
        }
    }
}

fn validate_vocabularies(
    raw: RawVocabularies,
    stages: RawStages,
    file: &str,
    stages_file: &str,
    problems: &mut Problems,
) -> Vocabularies {
    let mut v = |name, terms| Vocabulary::from_terms(name, terms, file, problems);
    let tiers = v("tiers", raw.tiers);
    let industries = v("industries", raw.industries);
    let regions = v("regions", raw.regions);
    let levels = v("levels", raw.levels);
    let departments = v("departments", raw.departments);
    let buying_roles = v("buying_roles", raw.buying_roles);
    let employee_roles = v("employee_roles", raw.employee_roles);
    let interaction_kinds = v("interaction_kinds", raw.interaction_kinds);
    let support_resource_kinds = v("support_resource_kinds", raw.support_resource_kinds);
    let currencies = v("currencies", raw.currencies);
    for role in REQUIRED_BUYING_ROLES {
        if !buying_roles.contains(role) {
            problems.push(file, "buying_roles", format!("must include '{role}'"));
        }
    }
    for (i, c) in currencies.terms.iter().enumerate() {
        if c.id.len() != 3 {
            problems.push(
                file,
                format!("currencies[{i}].id"),
                "must be a three-letter ISO 4217 code in lowercase (e.g. cny)",
            );
        }
    }
    let stage_terms = Vocabulary::from_terms(
        "stages",
        stages
            .stages
            .iter()
            .map(|s| Term {
                id: s.id.clone(),
                label: s.label.clone(),
                label_zh: s.label_zh.clone(),
                description: s.description.clone(),
            })
            .collect(),
        stages_file,
        problems,
    );
    for (i, s) in stages.stages.iter().enumerate() {
        if !(0.0..=1.0).contains(&s.probability) {
            problems.push(
                stages_file,
                format!("stages[{i}].probability"),
                format!("must be within 0..1, got {}", s.probability),
            );
        }
    }
    Vocabularies {
        tiers,
        industries,
        regions,
        levels,
        departments,
        buying_roles,
        employee_roles,
        interaction_kinds,
        support_resource_kinds,
        currencies,
        stages: stages.stages,
        stage_terms,
    }
}
