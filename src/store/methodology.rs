//! What people record against the methodology: win steps ticked, answers to the
//! four questions, account-plan items ticked; and the methodology versions run.

use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    bump_account, must_exist, new_id, now, with_pool, write_tx, Need, Store,
};
use std::{collections::HashMap, sync::Arc};

use crate::{domain::optional_text, methodology::Methodology, Error, Result};

/// A recorded tick (or untick), with its provenance.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tick {
    pub tick_id: Uuid,
    pub item: String,
    pub stage: Option<String>,
    pub done: bool,
    pub ticked_by: Option<Uuid>,
    pub ticked_at: OffsetDateTime,
    pub note: Option<String>,
    pub methodology_version: String,
}

/// A recorded answer to one of the four questions.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedAnswer {
    pub answer_id: Uuid,
    pub question_id: String,
    pub answer: String,
    pub evidence: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: OffsetDateTime,
    pub methodology_version: String,
    /// Who recorded it: a token's name, the local author or "command line".
    pub recorded_by: Option<String>,
}

impl Store {
    /// Ticks (or unticks) a win step of the opportunity's current stage.
    #[tracing::instrument(skip(self))]
    pub async fn tick_win_step(
        &self,
        opportunity: Uuid,
        step: &str,
        done: bool,
        by: Option<Uuid>,
        note: Option<&str>,
    ) -> Result<Tick> {
        let note = optional_text("note", note, crate::domain::MAX_NOTE_CHARS)?;
        let id = new_id();
        let granted = self.grant(Need::Write)?;
        let account = write_tx!(granted, self, tx => {
            let row: Option<(Uuid, String, String)> =
                sqlx::query_as("select account_id, stage, methodology_version from opportunity where opportunity_id = $1")
                    .bind(opportunity)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (account, stage, deal_version) = row
                .filter(|(a, _, _)| self.scope().allows(*a))
                .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
            // The deal's own version's steps: it may not have adopted the current one.
            let steps = self
                .methodology
                .process_for(&deal_version)
                .get(&stage)
                .map(|p| &p.win_steps);
            if !steps.is_some_and(|s| s.iter().any(|w| w.id == step)) {
                let known: Vec<&str> = steps.into_iter().flatten().map(|w| w.id.as_str()).collect();
                return Err(Error::invalid(
                    "stepId",
                    format!("'{step}' is not a win step of stage {stage}; its steps are: {}", known.join(", ")),
                ));
            }
            if let Some(e) = by {
                must_exist!(tx, "employee", "employee", e, "tickedBy")?;
            }
            sqlx::query(
                "insert into win_step_tick (tick_id, opportunity_id, account_id, stage, step_id, done, ticked_by,
                                            ticked_at, note, methodology_version)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(opportunity)
            .bind(account)
            .bind(&stage)
            .bind(step)
            .bind(done)
            .bind(by)
            .bind(now())
            .bind(&note)
            .bind(&deal_version)
            .execute(&mut *tx)
            .await?;
            bump_account!(tx, self.reach("account", account, account)?);
            audit!(self, tx, Change::new("tick win step", "opportunity", opportunity)
                .account(account)
                .after(&serde_json::json!({ "stage": stage, "stepId": step, "done": done, "tickedBy": by, "note": note })));
            account
        });
        self.announce_plan(account, opportunity, Vec::new()).await;
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Tick>(
            "select tick_id, step_id as item, stage, done, ticked_by, ticked_at, note, methodology_version
             from win_step_tick where tick_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?))
    }

    /// Every tick of an opportunity's win steps, newest first.
    pub async fn win_step_ticks(&self, opportunity: Uuid) -> Result<Vec<Tick>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Tick>(
            "select tick_id, step_id as item, stage, done, ticked_by, ticked_at, note, methodology_version
             from win_step_tick where opportunity_id = $1 order by ticked_at desc, tick_id desc",
        )
        .bind(opportunity)
        .fetch_all(pool)
        .await?))
    }

    /// Records an answer to one of the four questions.
    #[tracing::instrument(skip(self))]
    pub async fn answer_question(
        &self,
        opportunity: Uuid,
        question: &str,
        answer: &str,
        evidence: Option<&str>,
        by: Option<Uuid>,
    ) -> Result<RecordedAnswer> {
        if !self.methodology.questions.iter().any(|q| q.id == question) {
            let known: Vec<&str> = self
                .methodology
                .questions
                .iter()
                .map(|q| q.id.as_str())
                .collect();
            return Err(Error::invalid(
                "questionId",
                format!(
                    "unknown question '{question}'; the questions are: {}",
                    known.join(", ")
                ),
            ));
        }
        if !matches!(answer, "yes" | "no" | "unknown") {
            return Err(Error::invalid("answer", "must be yes, no or unknown"));
        }
        let evidence = optional_text("evidence", evidence, crate::domain::MAX_NOTE_CHARS)?;
        let version = self.methodology.version.clone();
        let id = new_id();
        let granted = self.grant(Need::Write)?;
        let account = write_tx!(granted, self, tx => {
            let account: Option<Uuid> = sqlx::query_scalar("select account_id from opportunity where opportunity_id = $1")
                .bind(opportunity)
                .fetch_optional(&mut *tx)
                .await?;
            let account = account
                .filter(|a| self.scope().allows(*a))
                .ok_or_else(|| Error::not_found("opportunity", opportunity))?;
            if let Some(e) = by {
                must_exist!(tx, "employee", "employee", e, "answeredBy")?;
            }
            sqlx::query(
                "insert into qualification_answer (answer_id, opportunity_id, account_id, question_id, answer, evidence,
                                                   answered_by, answered_at, methodology_version, recorded_by)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(opportunity)
            .bind(account)
            .bind(question)
            .bind(answer)
            .bind(&evidence)
            .bind(by)
            .bind(now())
            .bind(&version)
            .bind(self.author().1)
            .execute(&mut *tx)
            .await?;
            bump_account!(tx, self.reach("account", account, account)?);
            audit!(self, tx, Change::new("answer question", "opportunity", opportunity)
                .account(account)
                .after(&serde_json::json!({ "questionId": question, "answer": answer, "evidence": evidence, "answeredBy": by })));
            account
        });
        self.announce_plan(account, opportunity, Vec::new()).await;
        with_pool!(self, pool => Ok(sqlx::query_as::<_, RecordedAnswer>(
            "select answer_id, question_id, answer, evidence, answered_by, answered_at, methodology_version, recorded_by
             from qualification_answer where answer_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?))
    }

    /// The latest recorded answer per question of an opportunity.
    pub async fn recorded_answers(&self, opportunity: Uuid) -> Result<Vec<RecordedAnswer>> {
        with_pool!(self, pool => Ok(sqlx::query_as::<_, RecordedAnswer>(
            "select answer_id, question_id, answer, evidence, answered_by, answered_at, methodology_version, recorded_by
             from qualification_answer a where opportunity_id = $1 and answered_at = (
                 select max(b.answered_at) from qualification_answer b
                 where b.opportunity_id = a.opportunity_id and b.question_id = a.question_id)",
        )
        .bind(opportunity)
        .fetch_all(pool)
        .await?))
    }

    /// Ticks (or unticks) an item of an account's plan.
    #[tracing::instrument(skip(self))]
    pub async fn tick_plan_item(
        &self,
        account: Uuid,
        item: &str,
        done: bool,
        by: Option<Uuid>,
        note: Option<&str>,
    ) -> Result<Tick> {
        if !self
            .methodology
            .plan
            .iter()
            .flat_map(|e| &e.items)
            .any(|i| i.id == item)
        {
            return Err(Error::invalid(
                "itemId",
                format!("'{item}' is not an item of the account plan"),
            ));
        }
        let note = optional_text("note", note, crate::domain::MAX_NOTE_CHARS)?;
        let version = self.methodology.version.clone();
        let id = new_id();
        self.reach_field("account", account, "accountId")?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            must_exist!(tx, "account", "account", account, "accountId")?;
            if let Some(e) = by {
                must_exist!(tx, "employee", "employee", e, "tickedBy")?;
            }
            sqlx::query(
                "insert into plan_item_tick (tick_id, account_id, item_id, done, ticked_by, ticked_at, note, methodology_version)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(account)
            .bind(item)
            .bind(done)
            .bind(by)
            .bind(now())
            .bind(&note)
            .bind(&version)
            .execute(&mut *tx)
            .await?;
            bump_account!(tx, self.reach("account", account, account)?);
            audit!(self, tx, Change::new("tick plan item", "account", account)
                .account(account)
                .after(&serde_json::json!({ "itemId": item, "done": done, "tickedBy": by, "note": note })));
        });
        with_pool!(self, pool => Ok(sqlx::query_as::<_, Tick>(
            "select tick_id, item_id as item, null as stage, done, ticked_by, ticked_at, note, methodology_version
             from plan_item_tick where tick_id = $1",
        )
        .bind(id)
        .fetch_one(pool)
        .await?))
    }

    /// Records the methodology this server runs, once per version, with its
    /// digest and files, so later versions can say what changed for open deals and
    /// deals can keep their version's steps. Files changed under a version the
    /// database already holds with other content are refused
    /// (`METHODOLOGY_CHANGED`, naming the files).
    pub async fn record_methodology(&self, content: &str) -> Result<()> {
        let m = Arc::clone(&self.methodology);
        let files =
            serde_json::to_string(&m.files).map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            let known: Option<(Option<String>, Option<String>)> = sqlx::query_as(
                "select digest, files from methodology_snapshot where version = $1",
            )
            .bind(&m.version)
            .fetch_optional(&mut *tx)
            .await?;
            match known {
                None => {
                    sqlx::query(
                        "insert into methodology_snapshot (version, loaded_at, content, digest, files)
                         values ($1, $2, $3, $4, $5)",
                    )
                    .bind(&m.version)
                    .bind(now())
                    .bind(content)
                    .bind(&m.digest)
                    .bind(&files)
                    .execute(&mut *tx)
                    .await?;
                }
                // Recorded before content was: take this content as the version's.
                Some((None, _)) => {
                    sqlx::query("update methodology_snapshot set digest = $2, files = $3 where version = $1")
                        .bind(&m.version)
                        .bind(&m.digest)
                        .bind(&files)
                        .execute(&mut *tx)
                        .await?;
                }
                Some((Some(digest), _)) if digest == m.digest => {}
                Some((Some(digest), recorded)) => return Err(changed(&m, &digest, recorded)),
            }
        });
        Ok(())
    }

    /// Refuses, as [`Self::record_methodology`] would, files changed under a
    /// version the database holds with other content; writes nothing.
    pub async fn check_methodology(&self) -> Result<()> {
        let m = Arc::clone(&self.methodology);
        let known: Option<(Option<String>, Option<String>)> = with_pool!(self, pool => sqlx::query_as(
            "select digest, files from methodology_snapshot where version = $1",
        )
        .bind(&m.version)
        .fetch_optional(pool)
        .await?);
        match known {
            Some((Some(digest), recorded)) if digest != m.digest => {
                Err(changed(&m, &digest, recorded))
            }
            _ => Ok(()),
        }
    }

    /// Earlier methodology versions open deals are still on, compiled from their
    /// recorded files: their win steps and exit criteria, by version. A version
    /// recorded without its files, or whose files no longer compile, is left out
    /// (its deals take the current steps, and `methodologyChanges` lists them).
    pub async fn pinned_processes(
        &self,
    ) -> Result<HashMap<String, Arc<HashMap<String, crate::methodology::StageProcess>>>> {
        let current = self.methodology.version.clone();
        let rows: Vec<(String, String)> = with_pool!(self, pool => sqlx::query_as(
            "select version, files from methodology_snapshot
             where files is not null and version <> $1
               and version in (select methodology_version from opportunity where outcome = 'open')",
        )
        .bind(&current)
        .fetch_all(pool)
        .await?);
        let mut out = HashMap::new();
        for (version, files) in rows {
            let Ok(files) =
                serde_json::from_str::<std::collections::BTreeMap<String, String>>(&files)
            else {
                continue;
            };
            match Methodology::from_files(&format!("<recorded {version}>"), &files) {
                Ok(m) => {
                    out.insert(version, Arc::new(m.process));
                }
                Err(e) => {
                    tracing::warn!(%version, error = %e, "a recorded methodology no longer compiles; its deals take the current steps");
                }
            }
        }
        Ok(out)
    }

    /// Records this server's methodology and pins every earlier version open
    /// deals are still on, so each deal keeps its version's steps
    /// (docs/methodology.md, "Versions"). Run once at start, after migrating.
    pub async fn settle_methodology(&mut self, record: bool) -> Result<()> {
        if record {
            self.record_methodology(&crate::methodology::snapshot(&self.methodology))
                .await?;
        } else {
            self.check_methodology().await?;
        }
        let pinned = self.pinned_processes().await?;
        if !pinned.is_empty() {
            let mut m = (*self.methodology).clone();
            m.pinned = pinned;
            self.methodology = Arc::new(m);
        }
        Ok(())
    }

    /// Whether the caller may move deals to another methodology: an
    /// administrator's act (it changes every open deal's steps).
    pub fn adoption_allowed(&self) -> Result<()> {
        self.org_write("adopting a methodology")
    }

    /// Puts each listed open deal on this server's methodology version; each
    /// move is audited with the version it left. Deals that closed or moved on
    /// meanwhile are left as they are.
    pub async fn adopt_methodology(&self, deals: &[(Uuid, String)]) -> Result<Vec<Uuid>> {
        self.adoption_allowed()?;
        let version = self.methodology.version.clone();
        let mut moved = Vec::new();
        let granted = self.grant(Need::Write)?;
        write_tx!(granted, self, tx => {
            for (opportunity, from) in deals {
                let account: Option<Uuid> = sqlx::query_scalar(
                    "update opportunity set revision = revision + 1, methodology_version = $2, updated_at = $4
                     where opportunity_id = $1 and outcome = 'open' and methodology_version = $3
                     returning account_id",
                )
                .bind(opportunity)
                .bind(&version)
                .bind(from)
                .bind(now())
                .fetch_optional(&mut *tx)
                .await?;
                let Some(account) = account else { continue };
                moved.push(*opportunity);
                bump_account!(tx, self.reach("account", account, account)?);
                audit!(self, tx, Change::new("adopt methodology", "opportunity", *opportunity)
                    .account(account)
                    .before(&serde_json::json!({ "methodologyVersion": from }))
                    .after(&serde_json::json!({ "methodologyVersion": version, "digest": self.methodology.digest })));
            }
        });
        Ok(moved)
    }

    /// A recorded methodology's snapshot by version.
    pub async fn methodology_snapshot(&self, version: &str) -> Result<Option<String>> {
        with_pool!(self, pool => Ok(sqlx::query_scalar("select content from methodology_snapshot where version = $1")
            .bind(version)
            .fetch_optional(pool)
            .await?))
    }

    /// Open opportunities: id, account, stage, and the methodology version their
    /// stage was set under.
    pub async fn open_opportunities(&self) -> Result<Vec<(Uuid, Uuid, String, String)>> {
        with_pool!(self, pool => Ok(sqlx::query_as(
            "select opportunity_id, account_id, stage, methodology_version from opportunity
             where outcome = 'open' order by account_id, opportunity_id",
        )
        .fetch_all(pool)
        .await?))
        .map(|mut open: Vec<(Uuid, Uuid, String, String)>| {
            open.retain(|(_, account, _, _)| self.scope().allows(*account));
            open
        })
    }
}

/// The refusal of files changed under a recorded version, naming the files.
fn changed(m: &Methodology, digest: &str, recorded: Option<String>) -> Error {
    let recorded: std::collections::BTreeMap<String, String> = recorded
        .and_then(|f| serde_json::from_str(&f).ok())
        .unwrap_or_default();
    Error::MethodologyChanged {
        version: m.version.clone(),
        recorded: digest.chars().take(12).collect(),
        files: Methodology::changed_files(&recorded, &m.files),
    }
}
