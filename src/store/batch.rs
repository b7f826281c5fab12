//! Many records at once, one statement per few hundred keys: what the API's
//! batched reads ask when a nested query follows the same link from many
//! records (every decision-chain member's person, every deal's chain). The same
//! rows, order and scope as the one-at-a-time reads beside them.

use std::collections::HashMap;

use uuid::Uuid;

use super::{with_pool, Owned, Store};
use crate::{
    domain::{
        Account, Competitor, DecisionChainMember, Employee, Opportunity, Person, Relationship,
    },
    Result,
};

/// Keys per statement: far under both backends' limits on bound values.
const KEYS_PER_STATEMENT: usize = 500;

/// `$1, $2, …, $n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The rows `sql` selects for the keys, `{keys}` standing for their
    /// placeholders (it may appear more than once), a statement per chunk.
    async fn for_keys<T>(&self, sql: &str, keys: &[Uuid]) -> Result<Vec<T>>
    where
        T: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Vec::new();
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let sql = sql.replace("{keys}", &placeholders(chunk.len()));
            let found: Vec<T> = with_pool!(self, pool => {
                let mut q = sqlx::query_as::<_, T>(&sql);
                for k in chunk {
                    q = q.bind(*k);
                }
                q.fetch_all(pool).await?
            });
            out.extend(found);
        }
        Ok(out)
    }

    /// As [`Store::for_keys`], keeping the records in the caller's scope.
    async fn scoped_for_keys<T>(&self, sql: &str, keys: &[Uuid]) -> Result<Vec<T>>
    where
        T: Owned
            + Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        Ok(self.in_scope(self.for_keys(sql, keys).await?))
    }

    pub async fn people_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Person>> {
        self.scoped_for_keys("select * from person where person_id in ({keys})", ids)
            .await
    }

    pub async fn employees_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Employee>> {
        self.for_keys("select * from employee where employee_id in ({keys})", ids)
            .await
    }

    pub async fn competitors_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Competitor>> {
        self.for_keys(
            "select * from competitor where competitor_id in ({keys})",
            ids,
        )
        .await
    }

    pub async fn accounts_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Account>> {
        self.scoped_for_keys("select * from account where account_id in ({keys})", ids)
            .await
    }

    pub async fn opportunities_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Opportunity>> {
        self.scoped_for_keys(
            "select * from opportunity where opportunity_id in ({keys})",
            ids,
        )
        .await
    }

    /// Each account's opportunities, oldest first (as
    /// [`Store::opportunities_of_account`]); accounts out of scope have none.
    pub async fn opportunities_of_accounts(
        &self,
        accounts: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Opportunity>>> {
        let found: Vec<Opportunity> = self
            .scoped_for_keys(
                "select * from opportunity where account_id in ({keys})
                 order by created_at, opportunity_id",
                accounts,
            )
            .await?;
        Ok(group(found, |o| o.account_id))
    }

    /// Each opportunity's decision chain by the members' names (as
    /// [`Store::decision_chain`]).
    pub async fn decision_chains(
        &self,
        opportunities: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<DecisionChainMember>>> {
        let found: Vec<DecisionChainMember> = self
            .scoped_for_keys(
                "select m.* from decision_chain_member m join person p on p.person_id = m.person_id
                 where m.opportunity_id in ({keys}) order by p.name, m.member_id",
                opportunities,
            )
            .await?;
        Ok(group(found, |m| m.opportunity_id))
    }

    /// Each person's relationship edges, either end (as
    /// [`Store::relationships_of_person`]).
    pub async fn relationships_of_people(
        &self,
        people: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<Relationship>>> {
        let mut people = people.to_vec();
        people.sort_unstable();
        people.dedup();
        let mut by: HashMap<Uuid, Vec<Relationship>> = HashMap::new();
        // A chunk's statement is in the database's order; an edge between two
        // people goes to each of them from the chunk that asked for them.
        for chunk in people.chunks(KEYS_PER_STATEMENT) {
            let found: Vec<Relationship> = self
                .scoped_for_keys(
                    "select * from relationship where person_id in ({keys}) or other_person_id in ({keys})
                     order by kind, strength desc, relationship_id",
                    chunk,
                )
                .await?;
            for r in found {
                let mut ends = [r.person_id, r.other_person_id];
                if ends[0] == ends[1] {
                    ends[1] = None;
                }
                for p in ends.into_iter().flatten() {
                    if chunk.binary_search(&p).is_ok() {
                        by.entry(p).or_default().push(r.clone());
                    }
                }
            }
        }
        Ok(by)
    }
}

/// Rows grouped by a key, each group in the rows' order.
fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut by: HashMap<Uuid, Vec<T>> = HashMap::new();
    for r in rows {
        by.entry(key(&r)).or_default().push(r);
    }
    by
}
