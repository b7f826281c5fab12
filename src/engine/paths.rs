//! Every person of an account with our best tie and their k best introduction
//! paths, timed: what `guanxi paths` prints, and what the peers under `bench/`
//! (networkx, a recursive SQL query) are checked against.

use std::time::Instant;

use serde::Serialize;
use time::Date;
use uuid::Uuid;

use super::{Engine, MAX_PATHS};
use crate::{graph::paths::introduction_paths, Error, Result};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountPaths {
    pub account: Uuid,
    pub as_of: Date,
    pub people: usize,
    pub k: usize,
    /// Reading the account from storage and building its graph, cold.
    pub build_ms: f64,
    /// Every answer below (our best tie and k paths for each person).
    pub paths_ms: f64,
    pub answers: Vec<PersonPaths>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonPaths {
    pub person: Uuid,
    pub name: String,
    /// `KP`: our best effective tie / 5.
    pub kp: f64,
    pub paths: Vec<PathAnswer>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathAnswer {
    pub strength: f64,
    pub entry: Uuid,
    pub hops: usize,
}

impl Engine {
    /// Answers for every person of the account (or only `to`), timing the cold
    /// graph build apart from the answers.
    pub async fn account_paths(
        &self,
        account: Uuid,
        to: Option<Uuid>,
        k: usize,
    ) -> Result<AccountPaths> {
        if !(1..=MAX_PATHS).contains(&k) {
            return Err(Error::invalid(
                "k",
                format!("must be between 1 and {MAX_PATHS}, got {k}"),
            ));
        }
        let started = Instant::now();
        let cached = self.graph(account).await?;
        let build_ms = started.elapsed().as_secs_f64() * 1e3;
        let g = &cached.graph;
        let targets: Vec<Uuid> = match to {
            Some(p) if g.person(p).is_some() => vec![p],
            Some(p) => return Err(Error::not_found("person", p)),
            None => g.people.iter().map(|p| p.id).collect(),
        };
        let started = Instant::now();
        let mut answers = Vec::with_capacity(targets.len());
        for person in targets {
            let paths = introduction_paths(g, person, None, k)
                .map_err(|_| Error::not_found("person", person))?;
            answers.push(PersonPaths {
                person,
                name: g.person_name(person),
                kp: g.ours(person),
                paths: paths
                    .into_iter()
                    .map(|p| PathAnswer {
                        strength: p.strength,
                        entry: p.entry,
                        hops: p.hops.len(),
                    })
                    .collect(),
            });
        }
        let paths_ms = started.elapsed().as_secs_f64() * 1e3;
        Ok(AccountPaths {
            account,
            as_of: g.as_of,
            people: g.people.len(),
            k,
            build_ms,
            paths_ms,
            answers,
        })
    }
}
