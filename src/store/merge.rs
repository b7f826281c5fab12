//! Merging duplicates: two records of one customer person, or two records of
//! one customer organisation, become one, keeping everything either had.
//!
//! The rule for clashes (docs/privacy.md, "Merge"): the kept record's values
//! win and its empty fields are filled from the dropped one; where both are in
//! the same decision chain, the kept one's place stays; two ties to the same
//! other end become one edge carrying every assessment of both, its strength the
//! latest assessment's; a tie or reporting line between the two is dropped.
//! Every clash is reported, and the audit entry holds the dropped record with
//! everything that hung on it before the merge, so the merge can be undone by
//! hand.

use serde::Serialize;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    bump_account, ends_filter,
    export::Export,
    now,
    tables::{
        AssessmentRow, ChainMemberRow, ExternalIdRow, InteractionPersonRow, PersonRow, PositionRow,
        RelationshipRow, ReportingLineRow,
    },
    write_tx, Need, Store,
};
use crate::{domain::Person, Error, Result};

/// One clash a merge resolved, and how.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MergeClash {
    /// What clashed: `title`, `decisionChain`, `relationship`, `reportingLine`, …
    pub what: String,
    /// The record it concerns (a deal, a tie), when not the person itself.
    pub record_id: Option<Uuid>,
    pub kept: String,
    pub dropped: String,
}

/// What a merge did.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MergeReport {
    pub kept: Uuid,
    pub dropped: Uuid,
    /// Rows moved to the kept record, per list.
    pub moved: Vec<(String, u64)>,
    pub clashes: Vec<MergeClash>,
}

/// The endpoints of a tie with one person put in another's place.
fn repointed(row: &RelationshipRow, from: Uuid, to: Uuid) -> RelationshipRow {
    let swap = |id: Option<Uuid>| id.map(|i| if i == from { to } else { i });
    RelationshipRow {
        person_id: swap(row.person_id),
        other_person_id: swap(row.other_person_id),
        ..row.clone()
    }
}

/// Two records at one account that are likely one person, and why.
#[derive(Debug, Clone)]
pub struct LikelyDuplicate {
    pub person: Person,
    pub same_as: Person,
    pub why: Vec<&'static str>,
}

/// Two accounts that are likely one organisation, and why.
#[derive(Debug, Clone)]
pub struct LikelyDuplicateAccount {
    pub account: crate::domain::Account,
    pub same_as: crate::domain::Account,
    pub why: &'static str,
}

impl Store {
    /// Pairs of the accounts the caller reaches that are likely one
    /// organisation, by the rules the import warns with (a typo, a near
    /// spelling, the same name in pinyin, initials, look-alike letters), the
    /// older first.
    pub async fn likely_duplicate_accounts(&self) -> Result<Vec<LikelyDuplicateAccount>> {
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.accounts(None, offset, 100).await?;
            if page.accounts.is_empty() {
                break;
            }
            offset += page.accounts.len() as i64;
            all.extend(page.accounts);
        }
        all.sort_by_key(|a| (a.created_at, a.account_id));
        let keys: Vec<(String, String)> = all
            .iter()
            .map(|a| {
                (
                    crate::domain::normalise_organisation(&a.name),
                    crate::domain::look_alike_key(&a.name),
                )
            })
            .collect();
        let mut out = Vec::new();
        for i in 0..all.len() {
            for j in i + 1..all.len() {
                let why = if keys[i].0 != keys[j].0 && keys[i].1 == keys[j].1 {
                    Some("looks the same: look-alike letters, invisible characters or brackets")
                } else {
                    crate::domain::likely_same_organisation(&keys[i].0, &keys[j].0)
                };
                if let Some(why) = why {
                    out.push(LikelyDuplicateAccount {
                        account: all[i].clone(),
                        same_as: all[j].clone(),
                        why,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The merges into a person, newest first, as their audit entries report
    /// them: readable by whoever reaches the person (the trail itself is for
    /// administrators).
    pub async fn merge_reports(&self, person: Uuid) -> Result<Vec<MergeReport>> {
        if self.person(person).await?.is_none() {
            return Ok(Vec::new());
        }
        let rows: Vec<Option<String>> = super::with_pool!(self, pool => sqlx::query_scalar(
            "select after_json from audit_entry where action = 'merge people' and entity_id = $1
             order by at desc, audit_entry_id desc",
        )
        .bind(person)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .flatten()
            .filter_map(|j| serde_json::from_str(&j).ok())
            .collect())
    }

    /// Pairs of the account's people that are likely one person: the same name
    /// (folded), the same name in pinyin (李明华 and "Li Minghua"), the same
    /// e-mail or phone. The older record first: the one to keep, as a rule.
    pub async fn likely_duplicate_people(&self, account: Uuid) -> Result<Vec<LikelyDuplicate>> {
        let mut people = self.people_of_account(account, None).await?;
        people.sort_by_key(|p| (p.created_at, p.person_id));
        let mut met: std::collections::HashMap<String, Vec<usize>> =
            std::collections::HashMap::new();
        let mut why: std::collections::BTreeMap<(usize, usize), Vec<&'static str>> =
            std::collections::BTreeMap::new();
        for (i, p) in people.iter().enumerate() {
            for (key, reason) in
                crate::domain::person_keys(&p.name, p.email.as_deref(), p.phone.as_deref())
            {
                let seen = met.entry(key).or_default();
                for &j in seen.iter() {
                    let reasons = why.entry((j, i)).or_default();
                    if !reasons.contains(&reason) {
                        reasons.push(reason);
                    }
                }
                seen.push(i);
            }
        }
        Ok(why
            .into_iter()
            .map(|((a, b), why)| LikelyDuplicate {
                person: people[a].clone(),
                same_as: people[b].clone(),
                why,
            })
            .collect())
    }

    /// Merges person `drop` into person `keep` (both of one account): every
    /// assessment, interaction, position, reporting line and chain place of
    /// both is kept on `keep`; `drop` is gone. Returns the kept person and what
    /// was done.
    #[tracing::instrument(skip(self))]
    pub async fn merge_people(&self, keep: Uuid, drop: Uuid) -> Result<(Person, MergeReport)> {
        if keep == drop {
            return Err(Error::invalid(
                "drop",
                "a person cannot be merged into themself",
            ));
        }
        let kept = self.person(keep).await?.ok_or_else(|| Error::NotFound {
            entity: "person",
            id: format!("{keep} (in keep)"),
        })?;
        let dropped = self.person(drop).await?.ok_or_else(|| Error::NotFound {
            entity: "person",
            id: format!("{drop} (in drop)"),
        })?;
        if kept.account_id != dropped.account_id {
            return Err(Error::invalid(
                "drop",
                "the two people are at different accounts: merge the accounts first",
            ));
        }
        let account = kept.account_id;
        let ties =
            "select relationship_id from relationship where person_id = $1 or other_person_id = $1";
        let mut report = MergeReport {
            kept: keep,
            dropped: drop,
            moved: Vec::new(),
            clashes: Vec::new(),
        };
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            bump_account!(tx, self.reach("account", account, account)?);
            // The dropped record and all that hangs on it, as it was: the undo.
            let mut before = Export::empty(&self.methodology.version);
            before.people = sqlx::query_as::<_, PersonRow>("select * from person where person_id = $1 or person_id = $2")
                .bind(keep).bind(drop).fetch_all(&mut *tx).await?;
            before.positions = sqlx::query_as::<_, PositionRow>("select * from position where person_id = $1")
                .bind(drop).fetch_all(&mut *tx).await?;
            before.reporting_lines = sqlx::query_as::<_, ReportingLineRow>("select * from reporting_line where person_id = $1 or manager_id = $1")
                .bind(drop).fetch_all(&mut *tx).await?;
            before.decision_chain_members = sqlx::query_as::<_, ChainMemberRow>("select * from decision_chain_member where person_id = $1")
                .bind(drop).fetch_all(&mut *tx).await?;
            before.relationships = sqlx::query_as::<_, RelationshipRow>(&format!("select * from relationship where relationship_id in ({ties})"))
                .bind(drop).fetch_all(&mut *tx).await?;
            before.assessments = sqlx::query_as::<_, AssessmentRow>(&format!("select * from assessment where relationship_id in ({ties})"))
                .bind(drop).fetch_all(&mut *tx).await?;
            before.interaction_people = sqlx::query_as::<_, InteractionPersonRow>("select * from interaction_person where person_id = $1")
                .bind(drop).fetch_all(&mut *tx).await?;
            before.external_ids = sqlx::query_as::<_, ExternalIdRow>("select * from external_id where record_id = $1")
                .bind(drop).fetch_all(&mut *tx).await?;
            let mut moved = |what: &str, n: u64| {
                if n > 0 {
                    report.moved.push((what.to_owned(), n));
                }
            };

            // The person's fields: the kept one's win, empty ones are filled.
            let mut clash = Vec::new();
            for (field, k, d) in [
                ("title", &kept.title, &dropped.title),
                ("email", &kept.email, &dropped.email),
                ("phone", &kept.phone, &dropped.phone),
            ] {
                if let (Some(k), Some(d)) = (k, d) {
                    if k.trim() != d.trim() {
                        clash.push(MergeClash { what: field.into(), record_id: None, kept: k.clone(), dropped: d.clone() });
                    }
                }
            }
            if kept.name != dropped.name {
                clash.push(MergeClash { what: "name".into(), record_id: None, kept: kept.name.clone(), dropped: dropped.name.clone() });
            }
            sqlx::query(
                "update person set title = coalesce(title, $2), email = coalesce(email, $3), phone = coalesce(phone, $4),
                        revision = revision + 1, updated_at = $5
                 where person_id = $1",
            )
            .bind(keep)
            .bind(&dropped.title)
            .bind(&dropped.email)
            .bind(&dropped.phone)
            .bind(now())
            .execute(&mut *tx)
            .await?;

            // Positions and external ids move as they are.
            let n = sqlx::query("update position set person_id = $2 where person_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
            moved("positions", n);
            let n = sqlx::query("update external_id set record_id = $2 where record_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
            moved("externalIds", n);

            // Reporting lines: re-pointed; one between the two is dropped.
            for line in &before.reporting_lines {
                let other = if line.person_id == drop { line.manager_id } else { line.person_id };
                if other == keep {
                    sqlx::query("delete from reporting_line where reporting_line_id = $1")
                        .bind(line.reporting_line_id).execute(&mut *tx).await?;
                    clash.push(MergeClash { what: "reportingLine".into(), record_id: Some(line.reporting_line_id),
                        kept: "none".into(), dropped: format!("a {} line between the two", line.kind) });
                }
            }
            // One current solid manager: when the kept person has one, the dropped
            // one's current solid line ends today (a dotted line may stay).
            let kept_has_manager: i64 = sqlx::query_scalar(
                "select count(*) from reporting_line where person_id = $1 and kind = 'solid' and valid_to is null")
                .bind(keep).fetch_one(&mut *tx).await?;
            if kept_has_manager > 0 {
                let day = crate::domain::today();
                for line in before.reporting_lines.iter().filter(|l| {
                    l.person_id == drop && l.manager_id != keep && l.kind == "solid" && l.valid_to.is_none()
                }) {
                    sqlx::query("update reporting_line set valid_to = $2 where reporting_line_id = $1")
                        .bind(line.reporting_line_id)
                        .bind(day.max(line.valid_from))
                        .execute(&mut *tx)
                        .await?;
                    clash.push(MergeClash { what: "reportingLine".into(), record_id: Some(line.reporting_line_id),
                        kept: "the kept person's solid manager".into(),
                        dropped: format!("a second solid line (to {}), ended", line.manager_id) });
                }
            }
            let n = sqlx::query("update reporting_line set person_id = $2 where person_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected()
                + sqlx::query("update reporting_line set manager_id = $2 where manager_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
            moved("reportingLines", n);

            // Chain places: where both are, the kept one's place stays.
            let kept_places: Vec<Uuid> = sqlx::query_scalar("select opportunity_id from decision_chain_member where person_id = $1")
                .bind(keep).fetch_all(&mut *tx).await?;
            for place in &before.decision_chain_members {
                if kept_places.contains(&place.opportunity_id) {
                    sqlx::query("delete from decision_chain_member where member_id = $1")
                        .bind(place.member_id).execute(&mut *tx).await?;
                    clash.push(MergeClash { what: "decisionChain".into(), record_id: Some(place.opportunity_id),
                        kept: "the kept person's place".into(),
                        dropped: format!("{} (influence {}, attitude {})", place.buying_role,
                            place.influence.map_or("unknown".to_owned(), |i| i.to_string()), place.attitude) });
                }
            }
            let n = sqlx::query("update decision_chain_member set person_id = $2 where person_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
            moved("decisionChainMembers", n);

            // Interactions: attended once.
            sqlx::query("delete from interaction_person where person_id = $1 and interaction_id in
                            (select interaction_id from interaction_person where person_id = $2)")
                .bind(drop).bind(keep).execute(&mut *tx).await?;
            let n = sqlx::query("update interaction_person set person_id = $2 where person_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
            moved("interactionPeople", n);

            // Ties: re-pointed; the same tie twice becomes one with every assessment.
            let mut ties_moved = 0;
            for tie in &before.relationships {
                let moved_tie = repointed(tie, drop, keep);
                let self_tie = moved_tie.person_id.is_some() && moved_tie.person_id == moved_tie.other_person_id;
                if self_tie {
                    sqlx::query("delete from assessment where relationship_id = $1")
                        .bind(tie.relationship_id).execute(&mut *tx).await?;
                    sqlx::query("delete from relationship where relationship_id = $1")
                        .bind(tie.relationship_id).execute(&mut *tx).await?;
                    clash.push(MergeClash { what: "relationship".into(), record_id: Some(tie.relationship_id),
                        kept: "none".into(), dropped: "a tie between the two".into() });
                    continue;
                }
                let existing: Option<Uuid> = match super::tables::ends(&moved_tie) {
                    Some(e) => {
                        let (ends, end1, end2) = ends_filter(&e);
                        sqlx::query_scalar(&format!("select relationship_id from relationship where {ends}"))
                            .bind(end1).bind(end2).fetch_optional(&mut *tx).await?
                    }
                    None => None,
                };
                match existing {
                    Some(same) if same != tie.relationship_id => {
                        sqlx::query("update assessment set relationship_id = $2 where relationship_id = $1")
                            .bind(tie.relationship_id).bind(same).execute(&mut *tx).await?;
                        sqlx::query("update external_id set record_id = $2 where record_id = $1")
                            .bind(tie.relationship_id).bind(same).execute(&mut *tx).await?;
                        sqlx::query("delete from relationship where relationship_id = $1")
                            .bind(tie.relationship_id).execute(&mut *tx).await?;
                        // The edge's strength is its latest assessment's.
                        let latest: Option<(i32, time::OffsetDateTime)> = sqlx::query_as(
                            "select strength, assessed_at from assessment where relationship_id = $1
                             order by assessed_at desc, assessment_id desc limit 1")
                            .bind(same).fetch_optional(&mut *tx).await?;
                        if let Some((strength, at)) = latest {
                            sqlx::query("update relationship set strength = $2, assessed_at = $3 where relationship_id = $1")
                                .bind(same).bind(strength).bind(at).execute(&mut *tx).await?;
                        }
                        clash.push(MergeClash { what: "relationship".into(), record_id: Some(same),
                            kept: "one tie with the assessments of both".into(),
                            dropped: format!("the dropped person's tie {}", tie.relationship_id) });
                    }
                    _ => {
                        sqlx::query("update relationship set person_id = $2, other_person_id = $3 where relationship_id = $1")
                            .bind(tie.relationship_id)
                            .bind(moved_tie.person_id)
                            .bind(moved_tie.other_person_id)
                            .execute(&mut *tx)
                            .await?;
                        ties_moved += 1;
                    }
                }
            }
            moved("relationships", ties_moved);

            // The trail: the dropped person's history is the kept one's now.
            sqlx::query("insert into audit_entry_person (audit_entry_id, person_id)
                         select audit_entry_id, $2 from audit_entry_person where person_id = $1
                         and audit_entry_id not in (select audit_entry_id from audit_entry_person where person_id = $2)")
                .bind(drop).bind(keep).execute(&mut *tx).await?;
            // Records merged into the dropped one now belong to the kept one.
            sqlx::query("update person_merge set kept_id = $2 where kept_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?;
            // Deleted records naming the dropped person name the kept one, so
            // they can still be restored.
            sqlx::query("update deleted_record set rows_json = replace(rows_json, $1, $2) where rows_json like $3")
                .bind(drop.hyphenated().to_string())
                .bind(keep.hyphenated().to_string())
                .bind(format!("%{}%", drop.hyphenated()))
                .execute(&mut *tx).await?;
            sqlx::query("insert into person_merge (kept_id, dropped_id, account_id, dropped_name, dropped_email, dropped_phone, merged_at)
                         values ($1, $2, $3, $4, $5, $6, $7)")
                .bind(keep).bind(drop).bind(account)
                .bind(&dropped.name).bind(&dropped.email).bind(&dropped.phone).bind(now())
                .execute(&mut *tx).await?;
            sqlx::query("delete from person where person_id = $1").bind(drop).execute(&mut *tx).await?;
            report.clashes = clash;
            audit!(self, tx, Change::new("merge people", "person", keep)
                .account(account)
                .people([keep, drop])
                .before(&before)
                .after(&report));
        });
        let person = self
            .person(keep)
            .await?
            .ok_or_else(|| Error::not_found("person", keep))?;
        Ok((person, report))
    }

    /// Merges account `drop` into account `keep` (administrators): its people,
    /// deals, ties, interactions, plans, points, history and tokens' reach move
    /// to `keep`; `drop` is gone. The kept account's fields win, its empty
    /// ones are filled. People of the two who are one person are then among
    /// `likelyDuplicatePeople`, to merge.
    #[tracing::instrument(skip(self))]
    pub async fn merge_accounts(
        &self,
        keep: Uuid,
        drop: Uuid,
    ) -> Result<(crate::domain::Account, MergeReport)> {
        self.org_write("merging accounts")?;
        if keep == drop {
            return Err(Error::invalid(
                "drop",
                "an account cannot be merged into itself",
            ));
        }
        let kept = self.account(keep).await?.ok_or_else(|| Error::NotFound {
            entity: "account",
            id: format!("{keep} (in keep)"),
        })?;
        let dropped = self.account(drop).await?.ok_or_else(|| Error::NotFound {
            entity: "account",
            id: format!("{drop} (in drop)"),
        })?;
        let mut report = MergeReport {
            kept: keep,
            dropped: drop,
            moved: Vec::new(),
            clashes: Vec::new(),
        };
        for (field, k, d) in [
            ("name", &kept.name, &dropped.name),
            ("industry", &kept.industry, &dropped.industry),
            ("region", &kept.region, &dropped.region),
            ("tier", &kept.tier, &dropped.tier),
        ] {
            if k != d {
                report.clashes.push(MergeClash {
                    what: field.into(),
                    record_id: None,
                    kept: k.clone(),
                    dropped: d.clone(),
                });
            }
        }
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            bump_account!(tx, self.reach("account", keep, keep)?);
            bump_account!(tx, self.reach("account", drop, drop)?);
            sqlx::query("update account set owner_team = coalesce(owner_team, (select owner_team from account where account_id = $2)),
                                revision = revision + 1, updated_at = $3
                         where account_id = $1")
                .bind(keep).bind(drop).bind(now()).execute(&mut *tx).await?;
            // Which rows were the dropped account's, by key, before they move:
            // with the two account records, what an undo needs.
            let mut rows: std::collections::BTreeMap<&str, Vec<Uuid>> = std::collections::BTreeMap::new();
            for (table, key) in ACCOUNT_KEYS {
                let ids: Vec<Uuid> = sqlx::query_scalar(&format!("select {key} from {table} where account_id = $1"))
                    .bind(drop)
                    .fetch_all(&mut *tx)
                    .await?;
                if !ids.is_empty() {
                    rows.insert(table, ids);
                }
            }
            let tokens: Vec<Uuid> = sqlx::query_scalar("select api_token_id from api_token_account where account_id = $1")
                .bind(drop)
                .fetch_all(&mut *tx)
                .await?;
            if !tokens.is_empty() {
                rows.insert("api_token_account", tokens);
            }
            for table in ACCOUNT_TABLES {
                let n = sqlx::query(&format!("update {table} set account_id = $2 where account_id = $1"))
                    .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
                if n > 0 {
                    report.moved.push(((*table).to_owned(), n));
                }
            }
            sqlx::query("insert into api_token_account (api_token_id, account_id)
                         select api_token_id, $2 from api_token_account where account_id = $1
                         and api_token_id not in (select api_token_id from api_token_account where account_id = $2)")
                .bind(drop).bind(keep).execute(&mut *tx).await?;
            sqlx::query("delete from api_token_account where account_id = $1")
                .bind(drop).execute(&mut *tx).await?;
            let n = sqlx::query("update external_id set record_id = $2 where record_id = $1")
                .bind(drop).bind(keep).execute(&mut *tx).await?.rows_affected();
            if n > 0 {
                report.moved.push(("externalIds".to_owned(), n));
            }
            sqlx::query("update deleted_record set rows_json = replace(rows_json, $1, $2) where rows_json like $3")
                .bind(drop.hyphenated().to_string())
                .bind(keep.hyphenated().to_string())
                .bind(format!("%{}%", drop.hyphenated()))
                .execute(&mut *tx).await?;
            sqlx::query("delete from account where account_id = $1").bind(drop).execute(&mut *tx).await?;
            audit!(self, tx, Change::new("merge accounts", "account", keep)
                .account(keep)
                .before(&serde_json::json!({ "kept": kept, "dropped": dropped, "rows": rows }))
                .after(&report));
        });
        let account = self
            .account(keep)
            .await?
            .ok_or_else(|| Error::not_found("account", keep))?;
        Ok((account, report))
    }
}

/// The key of each account table whose rows a merge of accounts records (the
/// others' rows follow their deal or interaction: competitors, team,
/// participants).
const ACCOUNT_KEYS: &[(&str, &str)] = &[
    ("person", "person_id"),
    ("position", "position_id"),
    ("reporting_line", "reporting_line_id"),
    ("opportunity", "opportunity_id"),
    ("stage_change", "stage_change_id"),
    ("decision_chain_member", "member_id"),
    ("relationship", "relationship_id"),
    ("assessment", "assessment_id"),
    ("interaction", "interaction_id"),
    ("win_step_tick", "tick_id"),
    ("qualification_answer", "answer_id"),
    ("plan_item_tick", "tick_id"),
    ("support_request", "support_request_id"),
    ("forecast_snapshot", "forecast_snapshot_id"),
    ("improvement_point", "improvement_point_id"),
    ("external_id", "external_id_id"),
    ("deleted_record", "deleted_record_id"),
    ("person_merge", "dropped_id"),
    ("audit_entry", "audit_entry_id"),
    ("webhook_outbox", "outbox_id"),
];

/// Every table whose rows belong to an account (`account_id`), but tokens'
/// reach, which is merged apart (a token may reach both).
const ACCOUNT_TABLES: &[&str] = &[
    "person",
    "position",
    "reporting_line",
    "opportunity",
    "stage_change",
    "opportunity_competitor",
    "opportunity_team_member",
    "decision_chain_member",
    "relationship",
    "assessment",
    "interaction",
    "interaction_employee",
    "interaction_person",
    "win_step_tick",
    "qualification_answer",
    "plan_item_tick",
    "support_request",
    "forecast_snapshot",
    "improvement_point",
    "external_id",
    "deleted_record",
    "person_merge",
    "audit_entry",
    "webhook_outbox",
];
