//! What needs whom today: the items of each person's digest, found from the
//! same graphs, norms and records the page and the coaching read, so a digest
//! never says what the page would not.

use std::collections::BTreeMap;

use time::Date;
use uuid::Uuid;

use crate::{
    domain::{Arg, Employee, ImprovementStatus, Phrase},
    engine::Engine,
    store::ImprovementFilter,
    Result,
};

/// A deal is stalled once it has been in its stage this many times as long as
/// deals usually stay there: the coaching's own threshold (methodology/coaching.toml).
pub const STALLED_AT: f64 = 3.0;
/// Colleagues leaving within this many days are announced.
pub const LEAVING_WITHIN_DAYS: i64 = 60;
/// Ties that went cold within this many days (and are still cold) are
/// announced, each once: three years, so an old silence is told too.
pub const COLD_WITHIN_DAYS: i64 = 3 * 365;

/// What kind of thing needs someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    LeavingWithSoleTies,
    PastSignDate,
    StalledDeal,
    OverduePoint,
    ColdTie,
}

/// One thing that needs someone, said in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Stable across days while the thing stays the same: what is sent once.
    pub key: String,
    pub kind: ItemKind,
    pub account: String,
    /// What the reader is told, said in their language when sent.
    pub text: Phrase,
}

/// One person's digest.
#[derive(Debug, Clone)]
pub struct Digest {
    pub employee: Employee,
    pub items: Vec<Item>,
}

fn stage_label(m: &crate::methodology::Methodology, stage: &str) -> (String, String) {
    match m.vocabularies.stage(stage) {
        Some(s) => (
            s.label.clone(),
            s.label_zh.clone().unwrap_or_else(|| s.label.clone()),
        ),
        None => (stage.to_owned(), stage.to_owned()),
    }
}

/// Every active employee's items for `today`, most urgent kinds first; people
/// with nothing are left out.
pub async fn gather(engine: &Engine, today: Date) -> Result<Vec<Digest>> {
    let store = engine.store();
    let m = store.methodology();
    let employees: BTreeMap<Uuid, Employee> = store
        .employees(false)
        .await?
        .into_iter()
        .map(|e| (e.employee_id, e))
        .collect();
    let mut items: BTreeMap<Uuid, Vec<Item>> = BTreeMap::new();
    let mut give = |to: Uuid, item: &Item| {
        if employees.contains_key(&to) {
            let list = items.entry(to).or_default();
            if !list.iter().any(|i| i.key == item.key) {
                list.push(item.clone());
            }
        }
    };
    let mut offset = 0;
    loop {
        let page = store.accounts(None, offset, 100).await?;
        if page.accounts.is_empty() {
            break;
        }
        offset += page.accounts.len() as i64;
        for account in &page.accounts {
            let a = account.name.as_str();
            let cached = engine.graph(account.account_id).await?;
            let g = &cached.graph;
            // Improvement points past their day, to their owners.
            let points = store
                .improvement_points(&ImprovementFilter {
                    account: Some(account.account_id),
                    status: Some(ImprovementStatus::Open),
                    ..ImprovementFilter::default()
                })
                .await?;
            for p in points {
                let (Some(owner), Some(due)) = (p.owner_id, p.due_on) else {
                    continue;
                };
                if due >= today {
                    continue;
                }
                give(
                    owner,
                    &Item {
                        key: format!("point:{}:{due}", p.improvement_point_id),
                        kind: ItemKind::OverduePoint,
                        account: a.to_owned(),
                        text: Phrase::new("digest-point-overdue")
                            .arg("due", due)
                            .arg("account", a)
                            .arg("point", &p.text),
                    },
                );
            }
            // Our ties gone cold lately, to who holds them.
            let since = today - time::Duration::days(COLD_WITHIN_DAYS);
            let changes = engine
                .relationship_changes(account.account_id, since, None)
                .await?;
            for c in &changes.cooled {
                give(
                    c.employee_id,
                    &Item {
                        key: format!("cold:{}:{}", c.relationship_id, c.last_contact),
                        kind: ItemKind::ColdTie,
                        account: a.to_owned(),
                        text: Phrase::new("digest-tie-cold")
                            .arg("person", &c.person)
                            .arg("account", a)
                            .arg("days", c.silent_days),
                    },
                );
            }
            for o in g.opportunities.iter().filter(|o| o.open) {
                let team: Vec<Uuid> = o
                    .owner
                    .into_iter()
                    .chain(o.team.iter().map(|t| t.0))
                    .collect();
                let (stage_en, stage_zh) = stage_label(m, &o.stage);
                if let Some(entered) = o.stage_entered {
                    let days = (today - entered).whole_days();
                    let (usual, _) = cached.norms.usual(m, &o.stage);
                    let times = days as f64 / usual.max(1.0);
                    if times >= STALLED_AT {
                        let item = Item {
                            key: format!("stalled:{}:{}:{entered}", o.id, o.stage),
                            kind: ItemKind::StalledDeal,
                            account: a.to_owned(),
                            text: Phrase::new("digest-deal-stalled")
                                .arg("deal", &o.name)
                                .arg("account", a)
                                .arg(
                                    "stage",
                                    Arg::Term {
                                        en: stage_en.clone(),
                                        zh: stage_zh.clone(),
                                    },
                                )
                                .arg("days", days)
                                .arg("times", format!("{times:.1}")),
                        };
                        for to in &team {
                            give(*to, &item);
                        }
                    }
                }
                if let Some(sign) = o.expected_sign_date.filter(|d| *d < today) {
                    let item = Item {
                        key: format!("sign:{}:{sign}", o.id),
                        kind: ItemKind::PastSignDate,
                        account: a.to_owned(),
                        text: Phrase::new("digest-past-sign-date")
                            .arg("deal", &o.name)
                            .arg("account", a)
                            .arg("sign", sign),
                    };
                    for to in &team {
                        give(*to, &item);
                    }
                }
            }
            // Colleagues leaving soon who hold a key person alone.
            for e in employees.values().filter(|e| {
                e.leaving_on
                    .is_some_and(|d| d >= today && (d - today).whole_days() <= LEAVING_WITHIN_DAYS)
            }) {
                let on = e.leaving_on.unwrap_or(today);
                for h in Engine::handover_in(&cached, e.employee_id) {
                    let (Some(o), Some(p)) = (g.opportunity(h.opportunity), g.person(h.person))
                    else {
                        continue;
                    };
                    let item = Item {
                        key: format!("leaving:{}:{}:{}", e.employee_id, o.id, p.id),
                        kind: ItemKind::LeavingWithSoleTies,
                        account: a.to_owned(),
                        text: Phrase::new("digest-leaving-sole-tie")
                            .arg("employee", &e.name)
                            .arg("on", on)
                            .arg("person", &p.name)
                            .arg("deal", &o.name)
                            .arg("account", a),
                    };
                    for to in o
                        .owner
                        .into_iter()
                        .chain(std::iter::once(e.employee_id))
                        .chain(h.to)
                    {
                        give(to, &item);
                    }
                }
            }
        }
    }
    Ok(items
        .into_iter()
        .filter_map(|(id, mut list)| {
            list.sort_by(|x, y| x.kind.cmp(&y.kind).then_with(|| x.key.cmp(&y.key)));
            Some(Digest {
                employee: employees.get(&id)?.clone(),
                items: list,
            })
        })
        .collect())
}
