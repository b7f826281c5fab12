//! Batched reads answer exactly what one-at-a-time reads answer, in the same
//! order and within the same scope: the README's nested query gives the same
//! answer through the loaders as record by record, for an admin and for a member
//! who reaches one account.

use guanxi::domain::{Principal, Role};
use uuid::Uuid;

use crate::helpers::{demo_server, Backend};

/// The ids of a batched list, in order (none: empty).
fn ids_of<T>(list: Option<&Vec<T>>, id: impl Fn(&T) -> Uuid) -> Vec<Uuid> {
    list.map(|l| l.iter().map(id).collect()).unwrap_or_default()
}

async fn batched_reads_equal_single_reads(backend: Backend) {
    let Some((_, app)) = demo_server(backend).await else {
        return;
    };
    let data = guanxi::transfer::export(&app.store, None).await.unwrap();
    let first = data.accounts[0].account_id;
    let member = Principal {
        token_id: None,
        name: "member of one account".into(),
        role: Role::Member,
        accounts: vec![first],
    };
    for store in [app.store.clone(), app.store.acting_as(member)] {
        let accounts: Vec<Uuid> = data.accounts.iter().map(|a| a.account_id).collect();
        let batched = store.opportunities_of_accounts(&accounts).await.unwrap();
        let mut deals = Vec::new();
        for a in &accounts {
            let one = store.opportunities_of_account(*a).await.unwrap();
            assert_eq!(
                ids_of(batched.get(a), |o| o.opportunity_id),
                one.iter().map(|o| o.opportunity_id).collect::<Vec<_>>()
            );
            deals.extend(one);
        }
        let ids: Vec<Uuid> = deals.iter().map(|o| o.opportunity_id).collect();
        let chains = store.decision_chains(&ids).await.unwrap();
        let mut people = Vec::new();
        for o in &ids {
            let one = store.decision_chain(*o).await.unwrap();
            assert_eq!(
                ids_of(chains.get(o), |m| m.member_id),
                one.iter().map(|m| m.member_id).collect::<Vec<_>>()
            );
            people.extend(one.iter().map(|m| m.person_id));
        }
        // Every person of the data, reachable or not: out of scope reads as absent.
        let everyone: Vec<Uuid> = data.people.iter().map(|p| p.person_id).collect();
        let ties = store.relationships_of_people(&everyone).await.unwrap();
        let found = store.people_by_ids(&everyone).await.unwrap();
        for p in &everyone {
            let one = store.relationships_of_person(*p).await.unwrap();
            assert_eq!(
                ids_of(ties.get(p), |r| r.relationship_id),
                one.iter().map(|r| r.relationship_id).collect::<Vec<_>>(),
                "ties of {p}"
            );
            let single = store.person(*p).await.unwrap();
            assert_eq!(
                found
                    .iter()
                    .find(|x| x.person_id == *p)
                    .map(|x| x.person_id),
                single.map(|x| x.person_id)
            );
        }
        let employees: Vec<Uuid> = data.employees.iter().map(|e| e.employee_id).collect();
        assert_eq!(
            store.employees_by_ids(&employees).await.unwrap().len(),
            employees.len()
        );
        let opportunities = store.opportunities_by_ids(&ids).await.unwrap();
        assert_eq!(opportunities.len(), ids.len());
        assert!(!people.is_empty());
    }
    // The member reaches the first account's records only.
    let scoped = app.store.acting_as(Principal {
        token_id: None,
        name: "member".into(),
        role: Role::Member,
        accounts: vec![first],
    });
    let everyone: Vec<Uuid> = data.people.iter().map(|p| p.person_id).collect();
    let seen = scoped.people_by_ids(&everyone).await.unwrap();
    assert!(!seen.is_empty() && seen.len() < everyone.len());
    assert!(seen.iter().all(|p| p.account_id == first));
}

#[tokio::test]
async fn batched_reads_equal_single_reads_sqlite() {
    batched_reads_equal_single_reads(Backend::Sqlite).await;
}

#[tokio::test]
async fn batched_reads_equal_single_reads_postgres() {
    batched_reads_equal_single_reads(Backend::Postgres).await;
}
