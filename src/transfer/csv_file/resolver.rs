//! Ids already stored, and those this import has given out, by the keys files
//! use: external ids, normalised names, e-mails, a tie's ends.

use super::*;
use crate::store::{Lookup, Readable};

/// Every row of `what`, or none when the import does not `need` them (the
/// large maps are read only for the kinds of record that refer to them).
pub(super) async fn rows<T: Readable>(
    store: &Store,
    what: Lookup<'_>,
    needed: bool,
) -> Result<Vec<T>> {
    if needed {
        store.lookup(what).await
    } else {
        Ok(Vec::new())
    }
}

/// Ids already stored, and those this import has given out, by the keys files use.
pub(super) struct Resolver {
    pub(super) system: String,
    pub(super) accounts_by_key: HashMap<String, Uuid>,
    pub(super) known_accounts: HashSet<Uuid>,
    pub(super) account_ext: HashMap<String, Uuid>,
    pub(super) competitors_by_key: HashMap<String, Uuid>,
    pub(super) employees_by_email: HashMap<String, Uuid>,
    pub(super) employee_ext: HashMap<String, Uuid>,
    /// Employees by name, for reports that name an owner ("Opportunity Owner"):
    /// a name two employees share finds neither.
    pub(super) employees_by_name: HashMap<String, Vec<Uuid>>,
    /// Stored departure dates: a file that only says "inactive" keeps them.
    pub(super) departed_on: HashMap<Uuid, Date>,
    pub(super) person_account: HashMap<Uuid, Uuid>,
    pub(super) opportunity_account: HashMap<Uuid, Uuid>,
    /// Interactions' accounts, for the parties a later file adds to them.
    pub(super) interaction_account: HashMap<Uuid, Uuid>,
    /// Stored opportunities' stage and outcome, to record a stage change only
    /// when a file moves a deal.
    pub(super) opportunity_stage: HashMap<Uuid, (String, String)>,
    /// Stored budgets and compelling events: a file without those columns keeps them.
    pub(super) opportunity_budget: HashMap<Uuid, StoredBudget>,
    /// Stored leaving dates: a file without the column keeps them.
    pub(super) leaving_on: HashMap<Uuid, Date>,
    pub(super) relationship_by_ends: HashMap<String, Uuid>,
    pub(super) member_by_pair: HashMap<(Uuid, Uuid), Uuid>,
    /// Accounts and employees as stored before the import: a record matched by
    /// name or e-mail keeps them, and a defaulted field never overwrites them.
    pub(super) stored_accounts: HashMap<Uuid, AccountRow>,
    pub(super) stored_employees: HashMap<Uuid, EmployeeRow>,
    /// Stored people's department and level, and deals' currency: a defaulted
    /// field keeps them.
    pub(super) stored_people: HashMap<Uuid, StoredPerson>,
    /// Stored deals' note, owner and expected signing date: a file without
    /// those columns keeps them.
    pub(super) stored_deals: HashMap<Uuid, StoredDeal>,
    pub(super) stored_currency: HashMap<Uuid, String>,
    /// Accounts and employees this import has written, with the place and
    /// external id that first named them: a second, different record of the
    /// files that is the same one is reported as merged.
    pub(super) seen: HashMap<Uuid, (String, Option<String>)>,
}

/// A stored deal's note, owner and expected signing date.
pub(super) type StoredDeal = (Option<String>, Option<Uuid>, Option<Date>);

/// A stored person's department, level, title, e-mail and phone.
pub(super) type StoredPerson = (
    Uuid,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// An opportunity's stored budget status, amount (minor units), confirmation
/// date, compelling event and its date.
pub(super) type StoredBudget = (
    String,
    Option<i64>,
    Option<Date>,
    Option<String>,
    Option<Date>,
);

impl Resolver {
    /// Reads what the kinds of record in `entities` refer to (the large maps
    /// only when a kind needs them: a batch of accounts never reads every tie).
    pub(super) async fn load(store: &Store, system: &str, entities: &[Entity]) -> Result<Resolver> {
        use Entity::*;
        let needs = |kinds: &[Entity]| entities.iter().any(|e| kinds.contains(e));
        let flip = |v: Vec<(Uuid, String)>| v.into_iter().map(|(id, k)| (k, id)).collect();
        let accounts: HashMap<String, Uuid> = flip(rows(store, Lookup::AccountKeys, true).await?);
        // This system's ids for records matched to stored ones by earlier imports.
        let mut external: HashMap<String, HashMap<String, Uuid>> = HashMap::new();
        for (kind, key, id) in
            rows::<(String, String, Uuid)>(store, Lookup::ExternalIds { system }, true).await?
        {
            external.entry(kind).or_default().insert(key, id);
        }
        Ok(Resolver {
            system: system.to_owned(),
            known_accounts: accounts.values().copied().collect(),
            accounts_by_key: accounts,
            account_ext: external.remove("account").unwrap_or_default(),
            competitors_by_key: flip(rows(store, Lookup::CompetitorKeys, true).await?),
            employees_by_email: flip(rows(store, Lookup::EmployeeEmails, true).await?),
            employee_ext: external.remove("employee").unwrap_or_default(),
            employees_by_name: {
                let mut by: HashMap<String, Vec<Uuid>> = HashMap::new();
                for (id, name) in rows::<(Uuid, String)>(store, Lookup::EmployeeNames, true).await?
                {
                    by.entry(name.trim().to_lowercase()).or_default().push(id);
                }
                by
            },
            departed_on: rows::<(Uuid, Date)>(store, Lookup::EmployeeDepartures, true)
                .await?
                .into_iter()
                .collect(),
            person_account: rows::<(Uuid, Uuid)>(
                store,
                Lookup::PersonAccounts,
                needs(&[
                    DecisionChain,
                    Relationships,
                    Interactions,
                    InteractionParties,
                ]),
            )
            .await?
            .into_iter()
            .collect(),
            opportunity_account: rows::<(Uuid, Uuid)>(
                store,
                Lookup::OpportunityAccounts,
                needs(&[StageHistory, DecisionChain, Interactions]),
            )
            .await?
            .into_iter()
            .collect(),
            interaction_account: rows::<(Uuid, Uuid)>(
                store,
                Lookup::InteractionAccounts,
                needs(&[InteractionParties]),
            )
            .await?
            .into_iter()
            .collect(),
            opportunity_budget: rows::<(
                Uuid,
                String,
                Option<i64>,
                Option<Date>,
                Option<String>,
                Option<Date>,
            )>(
                store, Lookup::OpportunityBudgets, needs(&[Opportunities])
            )
            .await?
            .into_iter()
            .map(|(id, status, amount, on, what, by)| (id, (status, amount, on, what, by)))
            .collect(),
            leaving_on: rows::<(Uuid, Date)>(store, Lookup::EmployeeLeaving, true)
                .await?
                .into_iter()
                .collect(),
            opportunity_stage: rows::<(Uuid, String, String)>(
                store,
                Lookup::OpportunityStages,
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .map(|(id, s, o)| (id, (s, o)))
            .collect(),
            relationship_by_ends: rows::<RelationshipRow>(
                store,
                Lookup::RelationshipEnds,
                needs(&[Relationships]),
            )
            .await?
            .into_iter()
            .filter_map(|r| Some((ends_key(&ends(&r)?), r.relationship_id)))
            .collect(),
            stored_accounts: rows::<AccountRow>(store, Lookup::Accounts, needs(&[Accounts]))
                .await?
                .into_iter()
                .map(|a| (a.account_id, a))
                .collect(),
            stored_employees: rows::<EmployeeRow>(store, Lookup::Employees, needs(&[Employees]))
                .await?
                .into_iter()
                .map(|e| (e.employee_id, e))
                .collect(),
            stored_people: rows::<StoredPerson>(store, Lookup::PersonDetails, needs(&[People]))
                .await?
                .into_iter()
                .map(|p| (p.0, p))
                .collect(),
            stored_deals: rows::<(Uuid, Option<String>, Option<Uuid>, Option<Date>)>(
                store,
                Lookup::OpportunityDetails,
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .map(|(id, note, owner, sign)| (id, (note, owner, sign)))
            .collect(),
            stored_currency: rows::<(Uuid, String)>(
                store,
                Lookup::OpportunityCurrencies,
                needs(&[Opportunities]),
            )
            .await?
            .into_iter()
            .collect(),
            seen: HashMap::new(),
            member_by_pair: rows::<(Uuid, Uuid, Uuid)>(
                store,
                Lookup::ChainMembers,
                needs(&[DecisionChain]),
            )
            .await?
            .into_iter()
            .map(|(m, o, p)| ((o, p), m))
            .collect(),
        })
    }

    /// The id an external key stands for in this mapping's system.
    pub(super) fn id(&self, kind: &str, key: &str) -> Uuid {
        Uuid::new_v5(
            &NAMESPACE,
            format!("{}:{kind}:{}", self.system, self.external(key)).as_bytes(),
        )
    }

    /// An external id as this system names its records: Salesforce's 18- and
    /// 15-character forms of one id are one record.
    pub(super) fn external<'k>(&self, key: &'k str) -> &'k str {
        if self.system == "salesforce" {
            crate::transfer::values::salesforce_id(key)
        } else {
            key
        }
    }

    /// An account by the file's external id, or by name.
    pub(super) fn account_ref(&self, field: &'static str, value: &str) -> Conv<Uuid> {
        let id = self
            .account_ext
            .get(self.external(value))
            .or_else(|| self.accounts_by_key.get(&normalise_organisation(value)))
            .copied()
            .unwrap_or_else(|| self.id("account", value));
        if self.known_accounts.contains(&id) {
            Ok(id)
        } else {
            Err(err(
                field,
                format!("no account '{value}' in the files or the database"),
            ))
        }
    }

    /// An employee by e-mail, by the system's id, or by a name only one
    /// employee has.
    pub(super) fn employee_ref(&self, field: &'static str, value: &str) -> Conv<Uuid> {
        let found = if value.contains('@') {
            self.employees_by_email.get(&value.trim().to_lowercase())
        } else {
            match self.employee_ext.get(self.external(value)) {
                Some(id) => Some(id),
                None => match self.employees_by_name.get(&value.trim().to_lowercase()) {
                    Some(ids) if ids.len() > 1 => {
                        return Err(err(
                            field,
                            format!(
                                "'{value}' is the name of {} employees; give the e-mail instead",
                                ids.len()
                            ),
                        ))
                    }
                    Some(ids) => ids.first(),
                    None => None,
                },
            }
        };
        found.copied().ok_or_else(|| {
            err(
                field,
                format!("no employee '{value}' (import employees first, or add them)"),
            )
        })
    }

    /// A record of `kind` by external id, with the account it belongs to.
    pub(super) fn account_owned(
        &self,
        kind: &str,
        accounts: &HashMap<Uuid, Uuid>,
        field: &'static str,
        value: &str,
    ) -> Conv<(Uuid, Uuid)> {
        let id = self.id(kind, value);
        accounts.get(&id).map(|a| (id, *a)).ok_or_else(|| {
            err(
                field,
                format!("no {kind} '{value}' in the files or the database"),
            )
        })
    }

    pub(super) fn person_ref(&self, field: &'static str, value: &str) -> Conv<(Uuid, Uuid)> {
        self.account_owned("person", &self.person_account, field, value)
    }

    pub(super) fn opportunity_ref(&self, field: &'static str, value: &str) -> Conv<(Uuid, Uuid)> {
        self.account_owned("opportunity", &self.opportunity_account, field, value)
    }

    /// A competitor by name; one not known yet is added to `chunk`.
    pub(super) fn competitor(
        &mut self,
        name: &str,
        chunk: &mut Chunk,
        now: OffsetDateTime,
    ) -> Uuid {
        let key = normalise_organisation(name);
        if let Some(id) = self.competitors_by_key.get(&key) {
            return *id;
        }
        let id = self.id("competitor", &key);
        self.competitors_by_key.insert(key, id);
        chunk.push_competitor(CompetitorRow {
            competitor_id: id,
            name: name.to_owned(),
            note: None,
            created_at: now,
            updated_at: now,
        });
        id
    }
}
