//! Deals, their stage history and decision chains, record by record.

use super::*;

impl Converter {
    /// A deal, its stage history where no history file comes along, and its rivals.
    pub(super) fn opportunity(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let version = self.m.version.clone();
        let now = self.now;
        let account = r.required("account")?;
        let account_id = self.resolver.account_ref("account", &account)?;
        let name = r.required("name")?;
        let key = ext
            .clone()
            .unwrap_or_else(|| format!("{account_id}/{name}"));
        let id = self.resolver.id("opportunity", &key);
        self.resolver.opportunity_account.insert(id, account_id);
        let amount_minor = match (r.text("amount"), r.int("amount_minor")?) {
            (_, Some(minor)) => minor,
            (Some(raw), None) => amount_in("amount", &raw, r.decimal_mark, r.comma_in_doubt)?,
            // Never a guessed 0, which would make the deal "not worth winning".
            (None, None) if r.has_column("amount") => {
                return Err(err(
                    "amount",
                    "is empty: give the deal's amount (or declare a default for `amount` in the mapping)",
                ))
            }
            (None, None) => {
                return Err(err(
                    "amount",
                    "the file has no amount column: give the deals' amounts (or declare a default for `amount` in the mapping)",
                ))
            }
        };
        let (mut stage, mut outcome) = stage_and_outcome(r)?;
        // Salesforce's IsClosed and IsWon say how a deal ended whatever
        // its stage is called ("Closed - Signed" in a customised org).
        let ended = match r.flag("closed")? {
            None => None,
            Some(false) => Some("open"),
            Some(true) => match r.flag("won")? {
                Some(true) => Some("won"),
                Some(false) => Some("lost"),
                None if outcome != "open" => None,
                None => {
                    return Err(err(
                        "won",
                        "is not given for a closed deal: was it won or lost?",
                    ))
                }
            },
        };
        if let Some(o) = ended {
            outcome = o.to_owned();
        }
        // A stage the mapping does not list takes its default, but never
        // moves a stored deal: it keeps its stage (and, unless the file
        // says how it ended, its outcome). A new deal won in such a
        // stage was won in the last one.
        if r.defaulted("stage") {
            match self.resolver.opportunity_stage.get(&id) {
                Some((s, o)) => {
                    r.kept_stored("stage");
                    stage = s.clone();
                    if ended.is_none() {
                        outcome = o.clone();
                    }
                }
                None if outcome == "won" => {
                    if let Some(last) = self.m.vocabularies.stages.last() {
                        stage = last.id.clone();
                    }
                }
                None => {}
            }
        }
        // Budget columns the file does not have keep what is stored.
        let stored = self
            .resolver
            .opportunity_budget
            .get(&id)
            .cloned()
            .unwrap_or_else(|| ("unknown".to_owned(), None, None, None, None));
        let budget_status = match r.id("budget_status") {
            Some(s) => crate::domain::BudgetStatus::parse("budget_status", &s)
                .map_err(|e| err("budget_status", e.to_string()))?
                .as_str()
                .to_owned(),
            None => stored.0,
        };
        let budget_amount_minor = match r.text("budget_amount") {
            Some(raw) => Some(amount_in(
                "budget_amount",
                &raw,
                r.decimal_mark,
                r.comma_in_doubt,
            )?),
            None => stored.1,
        };
        let budget_confirmed_on = match r.date("budget_confirmed_on")? {
            Some(d) => Some(d),
            None => stored.2.filter(|_| budget_status == "confirmed"),
        };
        if budget_confirmed_on.is_some() && budget_status != "confirmed" {
            return Err(err(
                "budget_confirmed_on",
                format!("only a confirmed budget has a confirmation date; the status is {budget_status}"),
            ));
        }
        let compelling_event = r.text("compelling_event").or(stored.3);
        let compelling_event_by = r.date("compelling_event_by")?.or(stored.4);
        // A column the file does not have keeps what is stored (a report
        // without Description does not wipe descriptions).
        let deal = self.resolver.stored_deals.get(&id).cloned();
        let owner_id = match (&deal, r.has_column("owner")) {
            (Some((_, owner, _)), false) => *owner,
            _ => r
                .raw("owner")
                .map(|o| self.resolver.employee_ref("owner", &o))
                .transpose()?,
        };
        let entered_on = r.date("created_on")?.unwrap_or(self.today);
        let expected_sign_date = match (&deal, r.has_column("expected_sign_date")) {
            (Some((_, _, sign)), false) => *sign,
            _ => r.date("expected_sign_date")?,
        };
        let deal_note = match (&deal, r.has_column("note")) {
            (Some((note, _, _)), false) => note.clone(),
            _ => r.text("note"),
        };
        // A closed deal closed on its close date (CloseDate), not on the
        // day it was imported: a 2025 win is no 2026-Q4 win.
        let closed_on = (outcome != "open")
            .then_some(expected_sign_date)
            .flatten()
            .filter(|d| *d <= self.today);
        let rivals: Vec<Uuid> = r
            .list("competitors")
            .iter()
            .map(|c| self.resolver.competitor(c, chunk, now))
            .collect();
        chunk.push_opportunity(OpportunityRow {
            opportunity_id: id,
            account_id,
            name,
            amount_minor,
            currency: {
                // Read first: whether the default gave it is known after.
                let read = r.id("currency").unwrap_or_default().to_uppercase();
                match self.resolver.stored_currency.get(&id) {
                    Some(c) if r.defaulted("currency") => {
                        r.kept_stored("currency");
                        c.clone()
                    }
                    _ => read,
                }
            },
            stage: stage.clone(),
            expected_sign_date,
            outcome: outcome.clone(),
            owner_id,
            note: deal_note,
            methodology_version: version.clone(),
            created_at: now,
            updated_at: now,
            budget_status,
            budget_amount_minor,
            budget_confirmed_on,
            compelling_event,
            compelling_event_by,
        });
        // Where no stage history comes along, the file's stage is recorded
        // as entered when the deal was created (a new deal) or today (a
        // stored deal the file moves); a closed deal closes on its close
        // date, after an open spell in its stage from its creation.
        let is_new = !self.resolver.opportunity_stage.contains_key(&id);
        let moved = match self.resolver.opportunity_stage.get(&id) {
            None => Some(closed_on.unwrap_or(entered_on)),
            Some((s, o)) if *s != stage || *o != outcome => Some(closed_on.unwrap_or(self.today)),
            Some(_) => None,
        };
        if let (true, Some(closed), false) = (is_new, closed_on, self.history_in_run) {
            if closed > entered_on {
                chunk.push_stage(StageChangeRow {
                    stage_change_id: self
                        .resolver
                        .id("stage_change", &format!("{id}/{stage}/open/{entered_on}")),
                    opportunity_id: id,
                    account_id,
                    stage: stage.clone(),
                    outcome: "open".into(),
                    entered_on,
                    changed_by: None,
                    note: None,
                    methodology_version: version.clone(),
                    recorded_at: now,
                    override_reason: None,
                });
            }
        }
        if let (Some(entered_on), false) = (moved, self.history_in_run) {
            chunk.push_stage(StageChangeRow {
                stage_change_id: self.resolver.id(
                    "stage_change",
                    &format!("{id}/{stage}/{outcome}/{entered_on}"),
                ),
                opportunity_id: id,
                account_id,
                stage: stage.clone(),
                outcome: outcome.clone(),
                entered_on,
                changed_by: None,
                note: None,
                methodology_version: version,
                recorded_at: now,
                override_reason: None,
            });
        }
        self.resolver.opportunity_stage.insert(id, (stage, outcome));
        for competitor_id in rivals {
            chunk.push_rival(OpportunityCompetitorRow {
                opportunity_id: id,
                competitor_id,
                account_id,
            });
        }
        Ok(())
    }

    /// One entry of a deal's stage history.
    pub(super) fn stage_entry(
        &mut self,
        r: &Record,
        chunk: &mut Chunk,
        ext: Option<String>,
    ) -> Conv<()> {
        let version = self.m.version.clone();
        let now = self.now;
        let (opportunity_id, account_id) = self
            .resolver
            .opportunity_ref("opportunity", &r.required("opportunity")?)?;
        let entered_on = r
            .date("entered_on")?
            .ok_or_else(|| err("entered_on", "is empty"))?;
        let (stage, outcome) = stage_and_outcome(r)?;
        let key = ext
            .clone()
            .unwrap_or_else(|| format!("{opportunity_id}/{stage}/{outcome}/{entered_on}"));
        let row = StageChangeRow {
            stage_change_id: self.resolver.id("stage_change", &key),
            opportunity_id,
            account_id,
            stage: stage.clone(),
            outcome: outcome.clone(),
            entered_on,
            changed_by: None,
            note: r.text("note"),
            methodology_version: version,
            recorded_at: now,
            override_reason: None,
        };
        // Salesforce writes a history entry for every change of amount, close
        // date or probability, each with the stage of the day: an entry in the
        // stage the deal was in that day is no stage change (it would restart
        // the deal's days in its stage). It is set aside, not dropped: should an
        // earlier change turn up further down the file, the entry after it is a
        // change again and is written.
        let value = (stage, outcome);
        let entries = self.history.entry(opportunity_id).or_default();
        let in_force = entries.range(..=entered_on).next_back().map(|(_, v)| v);
        if in_force == Some(&value) {
            self.unchanged_stage.push(r.place());
            self.set_aside
                .entry(opportunity_id)
                .or_default()
                .insert(entered_on, (r.place(), row));
            return Ok(());
        }
        entries.insert(entered_on, value.clone());
        chunk.push_stage(row);
        use std::ops::Bound::{Excluded, Unbounded};
        let next_change = entries
            .range((Excluded(entered_on), Unbounded))
            .next()
            .map(|(d, _)| *d);
        let aside = self.set_aside.entry(opportunity_id).or_default();
        let follows = aside
            .range((Excluded(entered_on), Unbounded))
            .next()
            .map(|(d, (_, row))| (*d, (row.stage.clone(), row.outcome.clone())))
            .filter(|(d, v)| next_change.is_none_or(|n| *d < n) && *v != value);
        if let Some((day, v)) = follows {
            if let Some((place, row)) = aside.remove(&day) {
                entries.insert(day, v);
                self.unchanged_stage.retain(|p| *p != place);
                chunk.push_stage(row);
            }
        }
        Ok(())
    }

    /// A person's part in a deal's decision chain.
    pub(super) fn chain_member(&mut self, r: &Record, chunk: &mut Chunk) -> Conv<()> {
        let now = self.now;
        let (opportunity_id, account_id) = self
            .resolver
            .opportunity_ref("opportunity", &r.required("opportunity")?)?;
        let (person_id, _) = self.resolver.person_ref("person", &r.required("person")?)?;
        let member_id = *self
            .resolver
            .member_by_pair
            .entry((opportunity_id, person_id))
            .or_insert_with(|| {
                Uuid::new_v5(
                    &NAMESPACE,
                    format!("chain_member:{opportunity_id}/{person_id}").as_bytes(),
                )
            });
        let small = |field: &'static str| -> Conv<Option<i32>> {
            r.int(field)?
                .map(|n| i32::try_from(n).map_err(|_| err(field, "is out of range")))
                .transpose()
        };
        let favoured_competitor_id = r
            .text("favoured_competitor")
            .map(|c| self.resolver.competitor(&c, chunk, now));
        let is_primary = r.flag("primary")?.unwrap_or(false);
        chunk.push_member(ChainMemberRow {
            is_primary,
            member_id,
            opportunity_id,
            account_id,
            person_id,
            buying_role: r.id("buying_role").unwrap_or_default(),
            influence: small("influence")?,
            attitude: small("attitude")?.unwrap_or(0),
            favoured_competitor_id,
            note: r.text("note"),
            updated_at: now,
            // The import's own audit entry says who ran it.
            recorded_by: None,
            source: "import".into(),
        });
        Ok(())
    }
}
