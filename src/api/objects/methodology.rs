//! The methodology in force, as the API shows it.

use async_graphql::{ComplexObject, Context, SimpleObject};

use crate::api::context::store;

/// The methodology in force.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct MethodologyInfo {
    pub name: String,
    /// Recorded with every stage change and assessment.
    pub version: String,
    /// SHA-256 of the methodology's files: its content's identity beside the
    /// declared version.
    pub digest: String,
    /// Earlier versions open deals are still on, whose win steps they keep.
    pub pinned_versions: Vec<String>,
}

/// One allowed value of an enumeration.
#[derive(SimpleObject)]
pub struct TermInfo {
    pub id: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub description: Option<String>,
}

/// An enumeration from `methodology/vocabularies.toml` (or the stages).
#[derive(SimpleObject)]
pub struct VocabularyInfo {
    /// `tiers`, `industries`, `regions`, `levels`, `departments`, `buying_roles`,
    /// `employee_roles`, `interaction_kinds`, `support_resource_kinds`,
    /// `currencies`, `stages`.
    pub name: String,
    pub terms: Vec<TermInfo>,
}

/// A labelled point of a scale.
#[derive(SimpleObject)]
pub struct ScalePoint {
    pub value: i32,
    pub id: String,
    pub label: String,
    /// The label in Chinese (the English one where the methodology gives none).
    pub label_zh: String,
    pub description: Option<String>,
}

/// A win step as the methodology defines it.
#[derive(SimpleObject)]
pub struct WinStepInfo {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub required: bool,
    /// The condition of an automatic step; null for manual steps.
    pub condition: Option<String>,
}

/// What must hold before a deal may leave a stage.
#[derive(SimpleObject)]
pub struct ExitCriterionInfo {
    pub id: String,
    pub label: String,
    pub label_zh: String,
    pub condition: String,
}

/// A coaching rule as the methodology defines it.
#[derive(SimpleObject)]
pub struct CoachingRuleInfo {
    pub id: String,
    pub severity: i32,
    pub impact: f64,
    /// Stages it applies to; empty means all.
    pub stages: Vec<String>,
    pub condition: String,
    pub text: String,
    pub text_zh: String,
    pub action: String,
    pub action_zh: String,
}

/// One of the four questions as the methodology defines it.
#[derive(SimpleObject)]
pub struct QuestionInfo {
    pub id: String,
    pub text: String,
    pub text_zh: String,
    pub hint: String,
    pub yes_when: String,
    pub no_when: String,
}

/// A stage of the opportunity process.
#[derive(SimpleObject)]
pub struct StageInfo {
    pub id: String,
    pub label: String,
    pub label_zh: Option<String>,
    pub description: Option<String>,
    /// Win probability the stage implies before adjustments.
    pub probability: f64,
    /// Days a deal usually stays in the stage.
    pub expected_days: i32,
    pub win_steps: Vec<WinStepInfo>,
    pub exit_criteria: Vec<ExitCriterionInfo>,
}

fn points(points: &[crate::methodology::LabelledValue]) -> Vec<ScalePoint> {
    points
        .iter()
        .map(|p| ScalePoint {
            value: p.value,
            id: p.id.clone(),
            label: p.label.clone(),
            label_zh: p.label_zh.clone().unwrap_or_else(|| p.label.clone()),
            description: p.description.clone(),
        })
        .collect()
}

#[ComplexObject]
impl MethodologyInfo {
    /// Every enumeration, for pickers in front ends.
    async fn vocabularies(&self, ctx: &Context<'_>) -> Vec<VocabularyInfo> {
        store(ctx)
            .methodology()
            .vocabularies
            .all()
            .into_iter()
            .map(|v| VocabularyInfo {
                name: v.name.to_owned(),
                terms: v
                    .terms
                    .iter()
                    .map(|t| TermInfo {
                        id: t.id.clone(),
                        label: t.label.clone(),
                        label_zh: t.label_zh.clone(),
                        description: t.description.clone(),
                    })
                    .collect(),
            })
            .collect()
    }
    /// The stages in order.
    async fn stages(&self, ctx: &Context<'_>) -> Vec<StageInfo> {
        store(ctx)
            .methodology()
            .vocabularies
            .stages
            .iter()
            .map(|s| {
                let process = store(ctx).methodology().process.get(&s.id);
                StageInfo {
                    id: s.id.clone(),
                    label: s.label.clone(),
                    label_zh: s.label_zh.clone(),
                    description: s.description.clone(),
                    probability: s.probability,
                    expected_days: i32::try_from(s.expected_days).unwrap_or(i32::MAX),
                    win_steps: process
                        .map(|p| {
                            p.win_steps
                                .iter()
                                .map(|w| WinStepInfo {
                                    id: w.id.clone(),
                                    label: w.label.clone(),
                                    label_zh: w.label_zh.clone(),
                                    required: w.required,
                                    condition: match &w.kind {
                                        crate::methodology::StepKind::Auto(c) => {
                                            Some(c.source.clone())
                                        }
                                        crate::methodology::StepKind::Manual => None,
                                    },
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    exit_criteria: process
                        .map(|p| {
                            p.exit_criteria
                                .iter()
                                .map(|c| ExitCriterionInfo {
                                    id: c.id.clone(),
                                    label: c.label.clone(),
                                    label_zh: c.label_zh.clone(),
                                    condition: c.condition.source.clone(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }
    /// The coaching rules.
    async fn coaching_rules(&self, ctx: &Context<'_>) -> Vec<CoachingRuleInfo> {
        store(ctx)
            .methodology()
            .rules
            .iter()
            .map(|r| CoachingRuleInfo {
                id: r.id.clone(),
                severity: i32::from(r.severity),
                impact: r.impact,
                stages: r.stages.clone(),
                condition: r.condition.source.clone(),
                text: r.text.clone(),
                text_zh: r.text_zh.clone(),
                action: r.action.clone(),
                action_zh: r.action_zh.clone(),
            })
            .collect()
    }
    /// The four questions.
    async fn questions(&self, ctx: &Context<'_>) -> Vec<QuestionInfo> {
        store(ctx)
            .methodology()
            .questions
            .iter()
            .map(|q| QuestionInfo {
                id: q.id.clone(),
                text: q.text.clone(),
                text_zh: q.text_zh.clone(),
                hint: q.hint.clone(),
                yes_when: q.yes_when.source.clone(),
                no_when: q.no_when.source.clone(),
            })
            .collect()
    }
    /// Relationship strength 0..5.
    async fn strength_scale(&self, ctx: &Context<'_>) -> Vec<ScalePoint> {
        points(&store(ctx).methodology().scales.strength)
    }
    /// Influence 1..5.
    async fn influence_scale(&self, ctx: &Context<'_>) -> Vec<ScalePoint> {
        points(&store(ctx).methodology().scales.influence)
    }
    /// Attitude -2..2.
    async fn attitude_scale(&self, ctx: &Context<'_>) -> Vec<ScalePoint> {
        points(&store(ctx).methodology().scales.attitude)
    }
}
