use uuid::Uuid;

use super::{
    account_of,
    audit::{audit, Change},
    bump_account, bump_org,
    live::{LiveEvent, LiveKind},
    must_exist, new_id, with_pool, write_tx, Need, Store,
};
use crate::{
    domain::{Assessment, AssessmentInput, Endpoints, Relationship, TieKind},
    Error, Result,
};

/// The canonical key of an edge: symmetric ties list their ends in sorted order,
/// so A–B and B–A are one edge; "influences" is directed and keeps its order.
/// An import derives a new edge's id from it and keeps edges by it in memory; the
/// database holds the same rule as one unique index per kind over the ends' ids
/// (see [`ends_filter`]).
pub(crate) fn ends_key(e: &Endpoints) -> String {
    let sorted = |a: Uuid, b: Uuid| if a <= b { (a, b) } else { (b, a) };
    match *e {
        Endpoints::EmployeePerson {
            employee_id,
            person_id,
        } => format!("ep:{employee_id}:{person_id}"),
        Endpoints::PersonPerson {
            person_id,
            other_person_id,
            tie: TieKind::Influences,
        } => {
            format!("pp:influences:{person_id}:{other_person_id}")
        }
        Endpoints::PersonPerson {
            person_id,
            other_person_id,
            tie: TieKind::Informal,
        } => {
            let (a, b) = sorted(person_id, other_person_id);
            format!("pp:informal:{a}:{b}")
        }
        Endpoints::CompetitorPerson {
            competitor_id,
            person_id,
        } => format!("cp:{competitor_id}:{person_id}"),
        Endpoints::EmployeeEmployee {
            employee_id,
            other_employee_id,
        } => {
            let (a, b) = sorted(employee_id, other_employee_id);
            format!("ee:{a}:{b}")
        }
    }
}

/// The condition that finds an edge by its ends, with the two ids it binds as `$1`
/// and `$2`: the rule of the kind's unique index (symmetric ties either way round).
pub(crate) fn ends_filter(e: &Endpoints) -> (&'static str, Uuid, Uuid) {
    match *e {
        Endpoints::EmployeePerson { employee_id, person_id } => (
            "kind = 'employee_person' and employee_id = $1 and person_id = $2",
            employee_id,
            person_id,
        ),
        Endpoints::PersonPerson { person_id, other_person_id, tie: TieKind::Influences } => (
            "tie = 'influences' and person_id = $1 and other_person_id = $2",
            person_id,
            other_person_id,
        ),
        Endpoints::PersonPerson { person_id, other_person_id, tie: TieKind::Informal } => (
            "tie = 'informal' and ((person_id = $1 and other_person_id = $2) or (person_id = $2 and other_person_id = $1))",
            person_id,
            other_person_id,
        ),
        Endpoints::CompetitorPerson { competitor_id, person_id } => (
            "competitor_id = $1 and person_id = $2",
            competitor_id,
            person_id,
        ),
        Endpoints::EmployeeEmployee { employee_id, other_employee_id } => (
            "kind = 'employee_employee' and ((employee_id = $1 and other_employee_id = $2) or (employee_id = $2 and other_employee_id = $1))",
            employee_id,
            other_employee_id,
        ),
    }
}

impl Store {
    pub async fn relationship(&self, id: Uuid) -> Result<Option<Relationship>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, Relationship>(
            "select * from relationship where relationship_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(self.visible(found))
    }

    /// Every edge inside an account (employee–employee ties are not in any account).
    pub async fn relationships_of_account(&self, account_id: Uuid) -> Result<Vec<Relationship>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Relationship>(
            "select * from relationship where account_id = $1 order by kind, relationship_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    pub async fn relationships_of_person(&self, person_id: Uuid) -> Result<Vec<Relationship>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Relationship>(
            "select * from relationship where person_id = $1 or other_person_id = $1
             order by kind, strength desc, relationship_id",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn relationships_of_employee(&self, employee_id: Uuid) -> Result<Vec<Relationship>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Relationship>(
            "select * from relationship where employee_id = $1 or other_employee_id = $1
             order by kind, strength desc, relationship_id",
        )
        .bind(employee_id)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    pub async fn relationships_of_competitor(
        &self,
        competitor_id: Uuid,
    ) -> Result<Vec<Relationship>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Relationship>(
            "select * from relationship where competitor_id = $1 order by strength desc, relationship_id",
        )
        .bind(competitor_id)
        .fetch_all(pool)
        .await?))
        .map(|found| self.in_scope(found))
    }

    /// An edge's assessments, newest first.
    pub async fn assessments(&self, relationship_id: Uuid) -> Result<Vec<Assessment>> {
        if !self.scope().is_all() && self.relationship(relationship_id).await?.is_none() {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Assessment>(
            "select * from assessment where relationship_id = $1 order by assessed_at desc, assessment_id desc",
        )
        .bind(relationship_id)
        .fetch_all(pool)
        .await?))
    }

    /// Every assessment of the account's ties, oldest first: what "changes since"
    /// compares.
    pub async fn assessments_of_account(&self, account_id: Uuid) -> Result<Vec<Assessment>> {
        if !self.scope().allows(account_id) {
            return Ok(Vec::new());
        }
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Assessment>(
            "select * from assessment where account_id = $1 order by assessed_at, assessment_id",
        )
        .bind(account_id)
        .fetch_all(pool)
        .await?))
    }

    pub async fn assessment(&self, id: Uuid) -> Result<Option<Assessment>> {
        let found = with_pool!(self, pool => sqlx::query_as::<_, Assessment>(
            "select * from assessment where assessment_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        match found {
            Some(a)
                if !self.scope().is_all()
                    && self.relationship(a.relationship_id).await?.is_none() =>
            {
                Ok(None)
            }
            found => Ok(found),
        }
    }

    /// Records an assessment of a relationship, creating the edge on first
    /// assessment. The edge's current strength follows the latest assessment by
    /// date, so importing old history does not overwrite a newer judgement.
    #[tracing::instrument(skip(self))]
    pub async fn assess_relationship(&self, input: &AssessmentInput) -> Result<Assessment> {
        let a = input.validate()?;
        let (ends, end1, end2) = ends_filter(&a.endpoints);
        let by_ends = format!("select * from relationship where {ends}");
        let assessment_id = new_id();
        let version = self.methodology.version.clone();
        let granted = self.grant(Need::Write)?;
        let (account, people, employee) = write_tx!(granted, self, tx => {
            let before: Option<Relationship> = sqlx::query_as::<_, Relationship>(&by_ends)
            .bind(end1)
            .bind(end2)
            .fetch_optional(&mut *tx)
            .await?;
            // Check every end exists and find the account the edge belongs to.
            let account_id: Option<Uuid> = match a.endpoints {
                Endpoints::EmployeePerson { employee_id, person_id } => {
                    must_exist!(tx, "employee", "employee", employee_id, "employeeId")?;
                    Some(account_of!(self, tx, "person", "person", person_id, "personId")?)
                }
                Endpoints::PersonPerson { person_id, other_person_id, .. } => {
                    // Across accounts too: a former colleague who moved still
                    // knows the people they worked with. The tie is filed under
                    // the first person's account; both accounts' graphs read it.
                    let a1 = account_of!(self, tx, "person", "person", person_id, "personId")?;
                    let a2 = account_of!(self, tx, "person", "person", other_person_id, "otherPersonId")?;
                    if a1 != a2 {
                        bump_account!(tx, self.reach("account", a2, a2)?);
                    }
                    Some(a1)
                }
                Endpoints::CompetitorPerson { competitor_id, person_id } => {
                    must_exist!(tx, "competitor", "competitor", competitor_id, "competitorId")?;
                    Some(account_of!(self, tx, "person", "person", person_id, "personId")?)
                }
                Endpoints::EmployeeEmployee { employee_id, other_employee_id } => {
                    self.org_write("assessing ties between our own employees")?;
                    must_exist!(tx, "employee", "employee", employee_id, "employeeId")?;
                    must_exist!(tx, "employee", "employee", other_employee_id, "otherEmployeeId")?;
                    None
                }
            };
            if let Some(by) = a.assessed_by {
                must_exist!(tx, "employee", "employee", by, "assessedBy")?;
            }
            let relationship_id = match &before {
                Some(r) => {
                    if a.assessed_at >= r.assessed_at {
                        sqlx::query(
                            "update relationship set strength = $2, assessed_at = $3 where relationship_id = $1",
                        )
                        .bind(r.relationship_id)
                        .bind(a.strength.value())
                        .bind(a.assessed_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    r.relationship_id
                }
                None => {
                    let id = new_id();
                    let (employee_id, person_id, other_person_id, competitor_id, other_employee_id, tie) =
                        match a.endpoints {
                            Endpoints::EmployeePerson { employee_id, person_id } => {
                                (Some(employee_id), Some(person_id), None, None, None, None)
                            }
                            Endpoints::PersonPerson { person_id, other_person_id, tie } => {
                                (None, Some(person_id), Some(other_person_id), None, None, Some(tie.as_str()))
                            }
                            Endpoints::CompetitorPerson { competitor_id, person_id } => {
                                (None, Some(person_id), None, Some(competitor_id), None, None)
                            }
                            Endpoints::EmployeeEmployee { employee_id, other_employee_id } => {
                                (Some(employee_id), None, None, None, Some(other_employee_id), None)
                            }
                        };
                    sqlx::query(
                        "insert into relationship (relationship_id, account_id, kind, employee_id, person_id,
                                other_person_id, competitor_id, other_employee_id, tie, strength, assessed_at)
                         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(id)
                    .bind(account_id)
                    .bind(a.endpoints.kind().as_str())
                    .bind(employee_id)
                    .bind(person_id)
                    .bind(other_person_id)
                    .bind(competitor_id)
                    .bind(other_employee_id)
                    .bind(tie)
                    .bind(a.strength.value())
                    .bind(a.assessed_at)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
            };
            sqlx::query(
                "insert into assessment (assessment_id, relationship_id, account_id, strength, source, assessed_by,
                        assessed_at, note, methodology_version, recorded_by)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(assessment_id)
            .bind(relationship_id)
            .bind(account_id)
            .bind(a.strength.value())
            .bind(a.source.as_str())
            .bind(a.assessed_by)
            .bind(a.assessed_at)
            .bind(&a.note)
            .bind(&version)
            .bind(self.author().1)
            .execute(&mut *tx)
            .await?;
            if let Endpoints::EmployeePerson { person_id, .. } = a.endpoints {
                // Our tie to someone who knows people at other accounts opens
                // introduction paths there too.
                sqlx::query(
                    "update account set version = version + 1 where account_id in (
                         select p.account_id from relationship r join person p
                           on p.person_id = case when r.person_id = $1 then r.other_person_id else r.person_id end
                         where r.other_person_id is not null and (r.person_id = $1 or r.other_person_id = $1))",
                )
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
            }
            match (account_id, a.endpoints) {
                (Some(account), _) => {
                    bump_account!(tx, self.reach("account", account, account)?);
                }
                (None, Endpoints::EmployeeEmployee { employee_id, other_employee_id }) => {
                    // An employee–employee tie changes introduction paths into every
                    // account either of them reaches.
                    sqlx::query(
                        "update account set version = version + 1 where account_id in (
                             select account_id from relationship
                             where account_id is not null and (employee_id = $1 or employee_id = $2))",
                    )
                    .bind(employee_id)
                    .bind(other_employee_id)
                    .execute(&mut *tx)
                    .await?;
                    bump_org!(tx);
                }
                (None, _) => {}
            }
            let edge = sqlx::query_as::<_, Relationship>("select * from relationship where relationship_id = $1")
                .bind(relationship_id)
                .fetch_one(&mut *tx)
                .await?;
            let mut change = Change::new("assess relationship", "relationship", edge.relationship_id)
                .account(account_id)
                .people(edge.person_id.into_iter().chain(edge.other_person_id))
                .after(&serde_json::json!({ "relationship": &edge, "assessmentId": assessment_id, "source": a.source.as_str(), "note": &a.note }));
            if let Some(b) = &before {
                change = change.before(b);
            }
            audit!(self, tx, change);
            let people: Vec<Uuid> = edge.person_id.into_iter().chain(edge.other_person_id).collect();
            (account_id, people, edge.employee_id)
        });
        if let Some(account) = account {
            self.announce(LiveEvent {
                kind: LiveKind::Assessment,
                account_id: account,
                opportunity_id: None,
                record_id: assessment_id,
                person_ids: people,
                employee_ids: employee.into_iter().collect(),
                author: self.author_name(),
            })
            .await;
        }
        self.assessment(assessment_id)
            .await?
            .ok_or_else(|| Error::not_found("assessment", assessment_id))
    }
}
