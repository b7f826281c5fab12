use time::OffsetDateTime;
use uuid::Uuid;

use super::{optional_text, AssessmentSource, RelationshipKind, Strength, TieKind, MAX_NOTE_CHARS};
use crate::{Error, Result};

/// An edge of the relationship graph with its current strength. The history of
/// how strong it was, and who said so, is in [`Assessment`].
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub relationship_id: Uuid,
    /// The account the edge belongs to; `None` for ties between two employees.
    pub account_id: Option<Uuid>,
    pub kind: String,
    pub employee_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub other_person_id: Option<Uuid>,
    pub competitor_id: Option<Uuid>,
    pub other_employee_id: Option<Uuid>,
    /// For person–person edges: `influences` (person influences other person) or
    /// `informal`.
    pub tie: Option<String>,
    /// The latest assessed strength, 0..5.
    pub strength: i32,
    pub assessed_at: OffsetDateTime,
}

/// One judgement of a relationship's strength, kept forever with its provenance.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    pub assessment_id: Uuid,
    pub relationship_id: Uuid,
    pub strength: i32,
    pub source: String,
    /// The employee who made the judgement, where known.
    pub assessed_by: Option<Uuid>,
    pub assessed_at: OffsetDateTime,
    pub note: Option<String>,
    /// Who recorded it: a token's name, the local author or "command line".
    pub recorded_by: Option<String>,
}

/// The two ends of an edge, by kind. Exactly one shape is valid per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoints {
    EmployeePerson {
        employee_id: Uuid,
        person_id: Uuid,
    },
    PersonPerson {
        person_id: Uuid,
        other_person_id: Uuid,
        tie: TieKind,
    },
    CompetitorPerson {
        competitor_id: Uuid,
        person_id: Uuid,
    },
    EmployeeEmployee {
        employee_id: Uuid,
        other_employee_id: Uuid,
    },
}

impl Endpoints {
    pub fn kind(&self) -> RelationshipKind {
        match self {
            Endpoints::EmployeePerson { .. } => RelationshipKind::EmployeePerson,
            Endpoints::PersonPerson { .. } => RelationshipKind::PersonPerson,
            Endpoints::CompetitorPerson { .. } => RelationshipKind::CompetitorPerson,
            Endpoints::EmployeeEmployee { .. } => RelationshipKind::EmployeeEmployee,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub employee_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub other_person_id: Option<Uuid>,
    pub competitor_id: Option<Uuid>,
    pub other_employee_id: Option<Uuid>,
    /// For person–person ties: `influences` (default) or `informal`.
    pub tie: Option<String>,
    pub strength: i64,
    pub note: Option<String>,
    /// `judgement` (default), `import` or `interaction`.
    pub source: Option<String>,
    pub assessed_by: Option<Uuid>,
    pub assessed_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct ValidAssessment {
    pub endpoints: Endpoints,
    pub strength: Strength,
    pub note: Option<String>,
    pub source: AssessmentSource,
    pub assessed_by: Option<Uuid>,
    pub assessed_at: OffsetDateTime,
}

impl AssessmentInput {
    pub fn validate(&self) -> Result<ValidAssessment> {
        let endpoints = match (
            self.employee_id,
            self.person_id,
            self.other_person_id,
            self.competitor_id,
            self.other_employee_id,
        ) {
            (Some(employee_id), Some(person_id), None, None, None) => Endpoints::EmployeePerson {
                employee_id,
                person_id,
            },
            (None, Some(person_id), Some(other_person_id), None, None) => {
                if person_id == other_person_id {
                    return Err(Error::invalid(
                        "otherPersonId",
                        "a person has no tie to themselves",
                    ));
                }
                let tie = match &self.tie {
                    Some(t) => TieKind::parse("tie", t)?,
                    None => TieKind::Influences,
                };
                Endpoints::PersonPerson {
                    person_id,
                    other_person_id,
                    tie,
                }
            }
            (None, Some(person_id), None, Some(competitor_id), None) => {
                Endpoints::CompetitorPerson {
                    competitor_id,
                    person_id,
                }
            }
            (Some(employee_id), None, None, None, Some(other_employee_id)) => {
                if employee_id == other_employee_id {
                    return Err(Error::invalid(
                        "otherEmployeeId",
                        "an employee has no tie to themselves",
                    ));
                }
                Endpoints::EmployeeEmployee {
                    employee_id,
                    other_employee_id,
                }
            }
            _ => {
                return Err(Error::invalid(
                    "",
                    "give exactly one pair of ends: employeeId+personId, personId+otherPersonId, \
                     competitorId+personId, or employeeId+otherEmployeeId",
                ))
            }
        };
        if self.tie.is_some() && endpoints.kind() != RelationshipKind::PersonPerson {
            return Err(Error::invalid(
                "tie",
                "only person–person relationships have a tie kind",
            ));
        }
        Ok(ValidAssessment {
            endpoints,
            strength: Strength::parse("strength", self.strength)?,
            note: optional_text("note", self.note.as_deref(), MAX_NOTE_CHARS)?,
            source: match &self.source {
                Some(s) => AssessmentSource::parse("source", s)?,
                None => AssessmentSource::Judgement,
            },
            assessed_by: self.assessed_by,
            assessed_at: match self.assessed_at {
                Some(at) => super::dates::past_moment("assessedAt", at, OffsetDateTime::now_utc())?,
                None => OffsetDateTime::now_utc(),
            },
        })
    }
}
