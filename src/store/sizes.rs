//! How long the lists a query can ask for really are: the most people, deals and
//! ties any one account, deal or person has. The API's cost limit multiplies a
//! field's children by these (see `api::cost`), so a document is priced by what
//! it would return from this database, not by a guess.

use super::{with_pool, Store};
use crate::Result;

/// The longest list of each kind in the database (0 where there is none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListSizes {
    pub accounts: u64,
    pub employees: u64,
    pub competitors: u64,
    pub people_per_account: u64,
    pub opportunities_per_account: u64,
    pub relationships_per_account: u64,
    pub chain_per_opportunity: u64,
    pub relationships_per_person: u64,
    pub assessments_per_relationship: u64,
    pub reporting_lines_per_account: u64,
    pub interactions_per_account: u64,
}

impl Store {
    /// One read of every list's longest length.
    pub async fn list_sizes(&self) -> Result<ListSizes> {
        #[allow(clippy::type_complexity)]
        let row: (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) = with_pool!(self, pool => {
            sqlx::query_as(
                "select
                   (select count(*) from account),
                   (select count(*) from employee),
                   (select count(*) from competitor),
                   (select coalesce(max(n), 0) from (select count(*) as n from person group by account_id) t),
                   (select coalesce(max(n), 0) from (select count(*) as n from opportunity group by account_id) t),
                   (select coalesce(max(n), 0) from (select count(*) as n from relationship where account_id is not null group by account_id) t),
                   (select coalesce(max(n), 0) from (select count(*) as n from decision_chain_member group by opportunity_id) t),
                   (select coalesce(max(n), 0) from (
                      select count(*) as n from (
                        select person_id as p from relationship where person_id is not null
                        union all
                        select other_person_id as p from relationship where other_person_id is not null
                      ) ends group by p) t),
                   (select coalesce(max(n), 0) from (select count(*) as n from assessment group by relationship_id) t),
                   (select coalesce(max(n), 0) from (select count(*) as n from reporting_line group by account_id) t),
                   (select coalesce(max(n), 0) from (select count(*) as n from interaction group by account_id) t)",
            )
            .fetch_one(pool)
            .await?
        });
        let u = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(ListSizes {
            accounts: u(row.0),
            employees: u(row.1),
            competitors: u(row.2),
            people_per_account: u(row.3),
            opportunities_per_account: u(row.4),
            relationships_per_account: u(row.5),
            chain_per_opportunity: u(row.6),
            relationships_per_person: u(row.7),
            assessments_per_relationship: u(row.8),
            reporting_lines_per_account: u(row.9),
            interactions_per_account: u(row.10),
        })
    }
}
