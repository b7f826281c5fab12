//! Reading guanxi's own format back: every row checked against the methodology
//! first (all problems reported at once, by path), then written in one transaction
//! by id, insert or update, so importing the same file twice changes nothing and a
//! newer file updates what changed. A refused file writes nothing.

use crate::{
    domain::{normalise_organisation, EmployeeStatus, Endpoints, LineKind, Outcome, TieKind},
    methodology::Methodology,
    Error, Result,
};

use super::{tables::RelationshipRow, Export, FORMAT};

/// The canonical key of a relationship row's ends, as storage computes it.
pub(crate) fn ends(r: &RelationshipRow) -> Option<Endpoints> {
    Some(match r.kind.as_str() {
        "employee_person" => Endpoints::EmployeePerson {
            employee_id: r.employee_id?,
            person_id: r.person_id?,
        },
        "person_person" => Endpoints::PersonPerson {
            person_id: r.person_id?,
            other_person_id: r.other_person_id?,
            tie: match r.tie.as_deref() {
                Some("influences") => TieKind::Influences,
                _ => TieKind::Informal,
            },
        },
        "competitor_person" => Endpoints::CompetitorPerson {
            competitor_id: r.competitor_id?,
            person_id: r.person_id?,
        },
        "employee_employee" => Endpoints::EmployeeEmployee {
            employee_id: r.employee_id?,
            other_employee_id: r.other_employee_id?,
        },
        _ => return None,
    })
}

/// Every problem in the file, as `path: message`.
pub fn check(m: &Methodology, data: &Export) -> Vec<String> {
    let mut problems = Vec::new();
    let mut p = |path: String, message: String| problems.push(format!("{path}: {message}"));
    if data.format != FORMAT {
        p(
            "format".into(),
            format!(
                "'{}' is not '{FORMAT}', the format this version reads",
                data.format
            ),
        );
    }
    let v = &m.vocabularies;
    let vocab = |vocabulary: &crate::methodology::Vocabulary, value: &str| {
        (!vocabulary.contains(value)).then(|| {
            format!(
                "'{value}' is not in the methodology's {} ({})",
                vocabulary.name,
                vocabulary.ids().collect::<Vec<_>>().join(", ")
            )
        })
    };
    let name = |n: &str| n.trim().is_empty().then(|| "must not be empty".to_owned());
    macro_rules! each {
        ($list:expr, $label:literal, |$row:ident| [$($field:literal => $check:expr),* $(,)?]) => {
            for (i, $row) in $list.iter().enumerate() {
                $(if let Some(msg) = $check { p(format!("{}[{i}].{}", $label, $field), msg); })*
            }
        };
    }
    let fixed = |r: crate::Result<()>| r.err().map(|e| e.to_string());
    each!(data.employees, "employees", |e| [
        "name" => name(&e.name),
        "role" => vocab(&v.employee_roles, &e.role),
        "status" => fixed(EmployeeStatus::parse("status", &e.status).map(|_| ())),
    ]);
    each!(data.competitors, "competitors", |c| ["name" => name(&c.name)]);
    each!(data.support_resources, "supportResources", |r| [
        "name" => name(&r.name),
        "kind" => vocab(&v.support_resource_kinds, &r.kind),
    ]);
    each!(data.accounts, "accounts", |a| [
        "name" => name(&a.name),
        "industry" => vocab(&v.industries, &a.industry),
        "region" => vocab(&v.regions, &a.region),
        "tier" => vocab(&v.tiers, &a.tier),
    ]);
    each!(data.people, "people", |x| [
        "name" => name(&x.name),
        "department" => vocab(&v.departments, &x.department),
        "level" => vocab(&v.levels, &x.level),
    ]);
    each!(data.positions, "positions", |x| [
        "department" => vocab(&v.departments, &x.department),
        "level" => vocab(&v.levels, &x.level),
    ]);
    each!(data.reporting_lines, "reportingLines", |x| [
        "kind" => fixed(LineKind::parse("kind", &x.kind).map(|_| ())),
    ]);
    each!(data.opportunities, "opportunities", |o| [
        "name" => name(&o.name),
        "currency" => vocab(&v.currencies, &o.currency.to_lowercase()),
        "stage" => vocab(&v.stage_terms, &o.stage),
        "outcome" => fixed(Outcome::parse("outcome", &o.outcome).map(|_| ())),
    ]);
    each!(data.stage_changes, "stageChanges", |x| [
        "stage" => vocab(&v.stage_terms, &x.stage),
        "outcome" => fixed(Outcome::parse("outcome", &x.outcome).map(|_| ())),
    ]);
    each!(data.team_members, "teamMembers", |x| ["role" => vocab(&v.employee_roles, &x.role)]);
    each!(data.decision_chain_members, "decisionChainMembers", |x| [
        "buyingRole" => vocab(&v.buying_roles, &x.buying_role),
        "influence" => x.influence.filter(|i| !(1..=5).contains(i)).map(|i| format!("must be within 1..5, got {i}")),
        "attitude" => (!(-2..=2).contains(&x.attitude)).then(|| format!("must be within -2..2, got {}", x.attitude)),
    ]);
    each!(data.relationships, "relationships", |x| [
        "kind" => ends(x).is_none().then(|| format!("'{}' with these ends is not a relationship guanxi knows", x.kind)),
        "strength" => (!(0..=5).contains(&x.strength)).then(|| format!("must be within 0..5, got {}", x.strength)),
    ]);
    each!(data.assessments, "assessments", |x| [
        "strength" => (!(0..=5).contains(&x.strength)).then(|| format!("must be within 0..5, got {}", x.strength)),
    ]);
    each!(data.interactions, "interactions", |x| ["kind" => vocab(&v.interaction_kinds, &x.kind)]);
    each!(data.support_requests, "supportRequests", |x| [
        "kind" => vocab(&v.support_resource_kinds, &x.kind),
        "status" => fixed(crate::domain::SupportStatus::parse("status", &x.status).map(|_| ())),
    ]);
    each!(data.win_step_ticks, "winStepTicks", |x| ["stage" => vocab(&v.stage_terms, &x.stage)]);
    problems
}

/// What an import wrote (or, dry, would write): per table, rows new, changed and
/// already as in the file; and names that look like another organisation's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub tables: Vec<crate::store::TableChange>,
    pub dry_run: bool,
    /// Reported, never merged: a person decides.
    pub near_duplicates: Vec<NearDuplicate>,
}

/// An account or competitor in the file whose name looks like another one's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearDuplicate {
    /// `accounts[3]`, `competitors[0]`.
    pub path: String,
    pub name: String,
    pub looks_like: String,
    pub looks_like_id: uuid::Uuid,
    pub why: &'static str,
}

/// Names in the file alike to stored names (of other records) or to each other.
fn near_duplicates<'a>(
    list: &str,
    incoming: impl Iterator<Item = (uuid::Uuid, &'a str)>,
    stored: &[(uuid::Uuid, String)],
) -> Vec<NearDuplicate> {
    let incoming: Vec<(uuid::Uuid, &str, String)> = incoming
        .map(|(id, name)| (id, name, normalise_organisation(name)))
        .collect();
    let mut out = Vec::new();
    for (i, (id, name, key)) in incoming.iter().enumerate() {
        let others = stored
            .iter()
            .map(|(oid, oname)| (*oid, oname.as_str()))
            .chain(incoming[..i].iter().map(|(oid, oname, _)| (*oid, *oname)));
        for (oid, oname) in others {
            if oid == *id {
                continue;
            }
            if let Some(why) =
                crate::domain::likely_same_organisation(key, &normalise_organisation(oname))
            {
                out.push(NearDuplicate {
                    path: format!("{list}[{i}]"),
                    name: (*name).to_owned(),
                    looks_like: oname.to_owned(),
                    looks_like_id: oid,
                    why,
                });
                break;
            }
        }
    }
    out
}

impl ImportReport {
    pub fn new_rows(&self) -> usize {
        self.tables.iter().map(|t| t.new).sum()
    }
    pub fn changed_rows(&self) -> usize {
        self.tables.iter().map(|t| t.changed).sum()
    }
    pub fn unchanged_rows(&self) -> usize {
        self.tables.iter().map(|t| t.unchanged).sum()
    }
}

/// Imports a file in guanxi's own format; refuses it whole, naming every problem,
/// if any row is invalid or points at a record that exists neither in the file nor
/// in the database. `dry_run` checks and counts everything, then writes nothing.
pub async fn import(
    store: &crate::store::Store,
    data: &Export,
    dry_run: bool,
) -> Result<ImportReport> {
    let problems = check(store.methodology(), data);
    if !problems.is_empty() {
        let shown: Vec<&str> = problems.iter().take(20).map(String::as_str).collect();
        let more = problems.len().saturating_sub(shown.len());
        return Err(Error::invalid(
            "file",
            format!(
                "{} problem{}: {}{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                shown.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ),
        ));
    }
    for (i, a) in data.accounts.iter().enumerate() {
        if normalise_organisation(&a.name).is_empty() {
            return Err(Error::invalid(
                format!("accounts[{i}].name"),
                "has no letters or digits",
            ));
        }
    }
    let stored_accounts: Vec<(uuid::Uuid, String)> = store
        .dump::<super::tables::AccountRow>(&super::tables::AccountRow::select(false), None)
        .await?
        .into_iter()
        .map(|a| (a.account_id, a.name))
        .collect();
    let stored_competitors: Vec<(uuid::Uuid, String)> = store
        .dump::<super::tables::CompetitorRow>(&super::tables::CompetitorRow::select(false), None)
        .await?
        .into_iter()
        .map(|c| (c.competitor_id, c.name))
        .collect();
    let mut near = near_duplicates(
        "accounts",
        data.accounts
            .iter()
            .map(|a| (a.account_id, a.name.as_str())),
        &stored_accounts,
    );
    near.extend(near_duplicates(
        "competitors",
        data.competitors
            .iter()
            .map(|c| (c.competitor_id, c.name.as_str())),
        &stored_competitors,
    ));
    let tables = store.restore(data, dry_run).await?;
    Ok(ImportReport {
        tables,
        dry_run,
        near_duplicates: near,
    })
}
