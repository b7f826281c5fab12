//! One relationship as the scores take it today, so that what a person's panel
//! shows beside an assessment ("assessed 4 on 2024-06-12, now 2.0") is the
//! number the scores use, not a second reckoning of it.

use uuid::Uuid;

use super::Engine;
use crate::{
    domain::{Relationship, RelationshipKind},
    graph::strength::Effective,
    Result,
};

/// How the account's graph counts a relationship on its day.
#[derive(Debug, Clone, PartialEq)]
pub enum TieWeight {
    /// Our active employee's tie: the latest assessment fading with age and warmed
    /// by shared interactions (docs/scoring.md, "Effective strength").
    Decayed(Effective),
    /// Counted as assessed: a competitor's tie, a tie between two customer people
    /// or two of our employees.
    AsAssessed,
    /// Counted by no score: a departed employee's tie (history only), or one to
    /// someone no longer at the account.
    NotCounted,
}

impl TieWeight {
    /// The strength the scores use, 0..5; `None` when nothing counts the tie.
    pub fn value(&self, assessed: i32) -> Option<f64> {
        match self {
            TieWeight::Decayed(e) => Some(e.value),
            TieWeight::AsAssessed => Some(f64::from(assessed)),
            TieWeight::NotCounted => None,
        }
    }
}

impl Engine {
    /// How the scores take `r` today, read from its account's cached graph (the
    /// one every score of the request uses).
    pub async fn tie_weight(&self, r: &Relationship) -> Result<TieWeight> {
        let kind = RelationshipKind::parse("kind", &r.kind)?;
        let Some(account) = r.account_id else {
            // Two of our employees: an introduction hop as assessed.
            return Ok(TieWeight::AsAssessed);
        };
        let cached = self.graph(account).await?;
        let g = &cached.graph;
        let has = |person: Option<Uuid>| person.is_some_and(|p| g.person_index.contains_key(&p));
        Ok(match kind {
            RelationshipKind::EmployeePerson => {
                let person = r.person_id.unwrap_or_default();
                match g
                    .our_ties
                    .get(&person)
                    .and_then(|ties| ties.iter().find(|t| t.relationship_id == r.relationship_id))
                {
                    Some(t) => TieWeight::Decayed(t.effective.clone()),
                    None => TieWeight::NotCounted,
                }
            }
            RelationshipKind::CompetitorPerson if has(r.person_id) => TieWeight::AsAssessed,
            RelationshipKind::PersonPerson if has(r.person_id) && has(r.other_person_id) => {
                TieWeight::AsAssessed
            }
            RelationshipKind::EmployeeEmployee => TieWeight::AsAssessed,
            _ => TieWeight::NotCounted,
        })
    }
}
