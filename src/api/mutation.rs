//! The mutation root. Each mutation validates through the domain and commits
//! whole or not at all.

use async_graphql::{Context, Object, Result, ID};

use super::{
    advice::{
        advance_result, answer_str, AdvanceResult, AdvanceStageInput, AnswerQuestionInput,
        MethodologyChange, TickPlanItemInput, TickWinStepInput,
    },
    context::{engine, store},
    error::Coded,
    ids::parse,
    inputs::{
        AssessRelationshipInput, CreateAccountInput, CreateCompetitorInput, CreateEmployeeInput,
        CreateOpportunityInput, CreatePersonInput, CreateSupportResourceInput,
        DecisionChainMemberInput, RecordInteractionInput, SetReportingLineInput,
        UpdateAccountInput, UpdateCompetitorInput, UpdateEmployeeInput, UpdateInteractionInput,
        UpdateOpportunityInput, UpdatePersonInput, UpdateSupportResourceInput,
    },
};
use crate::{
    domain::{
        Account, Assessment, Competitor, DecisionChainMember, Employee, Interaction, Opportunity,
        Person, ReportingLine, SupportResource,
    },
    store::{RecordedAnswer, Tick},
    Error,
};

/// Most rows one batch mutation takes.
const MAX_BATCH: usize = 500;

pub struct MutationRoot;

fn check_batch(field: &str, len: usize) -> crate::Result<()> {
    if len > MAX_BATCH {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_BATCH} rows per call, got {len}; split the batch"),
        ));
    }
    Ok(())
}

#[Object]
impl MutationRoot {
    async fn create_account(
        &self,
        ctx: &Context<'_>,
        input: CreateAccountInput,
    ) -> Result<Account> {
        store(ctx).create_account(&input.into()).await.coded()
    }

    async fn update_account(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateAccountInput,
    ) -> Result<Account> {
        let id = parse("id", &id).coded()?;
        store(ctx).update_account(id, input.into()).await.coded()
    }

    async fn create_person(&self, ctx: &Context<'_>, input: CreatePersonInput) -> Result<Person> {
        let input = input.into_domain().coded()?;
        store(ctx).create_person(&input).await.coded()
    }

    /// Creates several people: all of them, or none if any row is bad (the error
    /// names the row as `people[i].field`).
    async fn create_people(
        &self,
        ctx: &Context<'_>,
        inputs: Vec<CreatePersonInput>,
    ) -> Result<Vec<Person>> {
        check_batch("inputs", inputs.len()).coded()?;
        let inputs = inputs
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                p.into_domain()
                    .map_err(|e| e.in_field(&format!("people[{i}]")))
            })
            .collect::<crate::Result<Vec<_>>>()
            .coded()?;
        let store = store(ctx);
        let ids = store.create_people(&inputs).await.coded()?;
        let mut people = Vec::with_capacity(ids.len());
        for id in ids {
            people.push(store.person_required(id).await.coded()?);
        }
        Ok(people)
    }

    async fn update_person(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdatePersonInput,
    ) -> Result<Person> {
        let id = parse("id", &id).coded()?;
        let patch = input.into_domain().coded()?;
        store(ctx).update_person(id, patch).await.coded()
    }

    /// Adds a solid or dotted reporting line between two people of one account.
    async fn set_reporting_line(
        &self,
        ctx: &Context<'_>,
        input: SetReportingLineInput,
    ) -> Result<ReportingLine> {
        let input = input.into_domain().coded()?;
        store(ctx).set_reporting_line(&input).await.coded()
    }

    /// Ends a reporting line on `validTo` (today by default).
    async fn end_reporting_line(
        &self,
        ctx: &Context<'_>,
        id: ID,
        valid_to: Option<time::Date>,
    ) -> Result<ReportingLine> {
        let id = parse("id", &id).coded()?;
        store(ctx).end_reporting_line(id, valid_to).await.coded()
    }

    async fn create_employee(
        &self,
        ctx: &Context<'_>,
        input: CreateEmployeeInput,
    ) -> Result<Employee> {
        store(ctx).create_employee(&input.into()).await.coded()
    }

    async fn update_employee(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateEmployeeInput,
    ) -> Result<Employee> {
        let id = parse("id", &id).coded()?;
        store(ctx).update_employee(id, input.into()).await.coded()
    }

    async fn create_competitor(
        &self,
        ctx: &Context<'_>,
        input: CreateCompetitorInput,
    ) -> Result<Competitor> {
        store(ctx).create_competitor(&input.into()).await.coded()
    }

    async fn update_competitor(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateCompetitorInput,
    ) -> Result<Competitor> {
        let id = parse("id", &id).coded()?;
        store(ctx).update_competitor(id, input.into()).await.coded()
    }

    async fn create_opportunity(
        &self,
        ctx: &Context<'_>,
        input: CreateOpportunityInput,
    ) -> Result<Opportunity> {
        let input = input.into_domain().coded()?;
        store(ctx).create_opportunity(&input).await.coded()
    }

    async fn update_opportunity(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateOpportunityInput,
    ) -> Result<Opportunity> {
        let id = parse("id", &id).coded()?;
        let patch = input.into_domain().coded()?;
        store(ctx).update_opportunity(id, patch).await.coded()
    }

    /// Sets people's parts in an opportunity's decision chain, all rows or none.
    /// With `replace: true` people not listed leave the chain. Returns the chain.
    async fn set_decision_chain(
        &self,
        ctx: &Context<'_>,
        opportunity_id: ID,
        members: Vec<DecisionChainMemberInput>,
        #[graphql(desc = "Drop people not listed; false if left out.")] replace: Option<bool>,
    ) -> Result<Vec<DecisionChainMember>> {
        let replace = replace.unwrap_or(false);
        check_batch("members", members.len()).coded()?;
        let opportunity_id = parse("opportunityId", &opportunity_id).coded()?;
        let members = members
            .into_iter()
            .enumerate()
            .map(|(i, m)| m.into_domain(i))
            .collect::<crate::Result<Vec<_>>>()
            .coded()?;
        store(ctx)
            .set_decision_chain(opportunity_id, &members, replace)
            .await
            .coded()
    }

    /// Takes a person out of an opportunity's decision chain.
    async fn remove_decision_chain_member(
        &self,
        ctx: &Context<'_>,
        opportunity_id: ID,
        person_id: ID,
    ) -> Result<bool> {
        let opportunity_id = parse("opportunityId", &opportunity_id).coded()?;
        let person_id = parse("personId", &person_id).coded()?;
        store(ctx)
            .remove_decision_chain_member(opportunity_id, person_id)
            .await
            .coded()?;
        Ok(true)
    }

    /// Records how strong a relationship is, creating the edge on first assessment.
    /// Every assessment is kept with who made it, when and from what.
    async fn assess_relationship(
        &self,
        ctx: &Context<'_>,
        input: AssessRelationshipInput,
    ) -> Result<Assessment> {
        let input = input.into_domain().coded()?;
        store(ctx).assess_relationship(&input).await.coded()
    }

    /// Records a visit, call, meal... with its participants on both sides.
    async fn record_interaction(
        &self,
        ctx: &Context<'_>,
        input: RecordInteractionInput,
    ) -> Result<Interaction> {
        let input = input.into_domain().coded()?;
        store(ctx).record_interaction(&input).await.coded()
    }

    /// Moves an opportunity to another stage (the next by default). Moving forward
    /// checks the exit criteria and required win steps of the current stage; when
    /// they are unmet the move needs an `overrideReason`, which is recorded.
    async fn advance_stage(
        &self,
        ctx: &Context<'_>,
        input: AdvanceStageInput,
    ) -> Result<AdvanceResult> {
        let request = input.into_request().coded()?;
        let advanced = engine(ctx).advance_stage(request).await.coded()?;
        Ok(advance_result(advanced))
    }

    /// Puts every open deal on another methodology version onto this server's
    /// (an administrator's act, audited per deal) and answers what it changed for
    /// each; with `dryRun: true` only the preview, writing nothing.
    async fn adopt_methodology(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only preview what adopting would change.")] dry_run: Option<bool>,
    ) -> Result<Vec<MethodologyChange>> {
        let list = engine(ctx)
            .adopt_methodology(dry_run.unwrap_or(false))
            .await
            .coded()?;
        Ok(super::advice::methodology_changes(
            list,
            &store(ctx).methodology().version,
        ))
    }

    /// Ticks (or, with `done: false`, unticks) a win step of the current stage.
    async fn tick_win_step(&self, ctx: &Context<'_>, input: TickWinStepInput) -> Result<Tick> {
        let opportunity = parse("opportunityId", &input.opportunity_id).coded()?;
        let by = super::ids::parse_opt("tickedBy", &input.ticked_by).coded()?;
        store(ctx)
            .tick_win_step(
                opportunity,
                &input.step_id,
                input.done.unwrap_or(true),
                by,
                input.note.as_deref(),
            )
            .await
            .coded()
    }

    /// Records an answer to one of the four questions, with its evidence.
    async fn answer_question(
        &self,
        ctx: &Context<'_>,
        input: AnswerQuestionInput,
    ) -> Result<RecordedAnswer> {
        let opportunity = parse("opportunityId", &input.opportunity_id).coded()?;
        let by = super::ids::parse_opt("answeredBy", &input.answered_by).coded()?;
        store(ctx)
            .answer_question(
                opportunity,
                &input.question_id,
                answer_str(input.answer),
                input.evidence.as_deref(),
                by,
            )
            .await
            .coded()
    }

    /// Ticks (or unticks) an item of an account's plan.
    async fn tick_plan_item(&self, ctx: &Context<'_>, input: TickPlanItemInput) -> Result<Tick> {
        let account = parse("accountId", &input.account_id).coded()?;
        let by = super::ids::parse_opt("tickedBy", &input.ticked_by).coded()?;
        store(ctx)
            .tick_plan_item(
                account,
                &input.item_id,
                input.done.unwrap_or(true),
                by,
                input.note.as_deref(),
            )
            .await
            .coded()
    }

    /// Corrects a recorded interaction.
    async fn update_interaction(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateInteractionInput,
    ) -> Result<Interaction> {
        let id = parse("id", &id).coded()?;
        let patch = input.into_domain().coded()?;
        store(ctx).update_interaction(id, patch).await.coded()
    }

    async fn create_support_resource(
        &self,
        ctx: &Context<'_>,
        input: CreateSupportResourceInput,
    ) -> Result<SupportResource> {
        let input = input.into_domain().coded()?;
        store(ctx).create_support_resource(&input).await.coded()
    }

    async fn update_support_resource(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateSupportResourceInput,
    ) -> Result<SupportResource> {
        let id = parse("id", &id).coded()?;
        let patch = input.into_domain().coded()?;
        store(ctx).update_support_resource(id, patch).await.coded()
    }

    /// Sets an improvement point for an account (and optionally one of its deals):
    /// what is to be improved, by whom, by when. Coaches may do this.
    async fn set_improvement_point(
        &self,
        ctx: &Context<'_>,
        input: super::improvement::SetImprovementPointInput,
    ) -> Result<crate::domain::ImprovementPoint> {
        super::improvement::set_improvement_point(ctx, input).await
    }

    /// Changes an improvement point or closes it (done, dropped) or reopens it.
    /// Coaches may do this.
    async fn update_improvement_point(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: super::improvement::UpdateImprovementPointInput,
    ) -> Result<crate::domain::ImprovementPoint> {
        super::improvement::update_improvement_point(ctx, id, input).await
    }

    /// Asks for support on an open opportunity: an expert's days, an executive's
    /// visit, a proof of concept.
    async fn request_support(
        &self,
        ctx: &Context<'_>,
        input: super::planning::RequestSupportInput,
    ) -> Result<crate::domain::SupportRequest> {
        super::planning::request_support(ctx, input).await
    }

    /// Changes a request still waiting for a decision: units, deadline, resource,
    /// lift, note. A decided request (`CONFLICT`) changes only by another decision.
    async fn update_support_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: super::planning::UpdateSupportRequestInput,
    ) -> Result<crate::domain::SupportRequest> {
        super::planning::update_support_request(ctx, id, input).await
    }

    /// Grants (books a resource for a month; `OVER_CAPACITY` when it has no room),
    /// declines, marks done or cancels a support request.
    async fn decide_support(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: super::planning::DecideSupportInput,
    ) -> Result<crate::domain::SupportRequest> {
        super::planning::decide_support(ctx, id, input).await
    }

    /// Records the period's forecast as it stands today, so calibration can later
    /// compare it with what happened. Returns the number of deals recorded.
    async fn record_forecast(&self, ctx: &Context<'_>, period: String) -> Result<i32> {
        super::planning::record_forecast(ctx, &period).await
    }

    /// Imports a small batch of records of one kind, given as objects of column
    /// to value and read through a shipped column mapping (`guanxi`, the default,
    /// or `salesforce`; docs/transfer.md). Records are known by their external ids,
    /// so sending the same batch twice changes nothing. Without `partial` one bad
    /// row refuses the batch (`INVALID_INPUT`, every bad row in
    /// `extensions.rejected`); with it the good rows are written and the rest
    /// listed. At most 2,000 rows per call.
    #[allow(clippy::too_many_arguments)]
    async fn import_rows(
        &self,
        ctx: &Context<'_>,
        kind: super::transfer::ImportKind,
        rows: Vec<async_graphql::Json<std::collections::BTreeMap<String, serde_json::Value>>>,
        #[graphql(default = "guanxi")] mapping: String,
        #[graphql(default = false)] dry_run: bool,
        #[graphql(default = false)] partial: bool,
    ) -> Result<super::transfer::ImportReportG> {
        super::transfer::import_rows(ctx, kind, rows, &mapping, dry_run, partial).await
    }

    /// Deletes a customer person with their ties (and the ties' assessments),
    /// positions, reporting lines, decision-chain places and presence at
    /// interactions. Restorable with `restorePerson` for the server's deletion
    /// window (30 days by default), then purged. Returns the person as it was.
    async fn delete_person(&self, ctx: &Context<'_>, id: ID) -> Result<Person> {
        super::lifecycle::delete_person(ctx, id).await
    }

    /// Puts a deleted person back with everything deleted with them.
    async fn restore_person(&self, ctx: &Context<'_>, id: ID) -> Result<Person> {
        super::lifecycle::restore_person(ctx, id).await
    }

    /// Deletes a tie with its assessments; restorable with `restoreRelationship`.
    async fn delete_relationship(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::domain::Relationship> {
        super::lifecycle::delete_relationship(ctx, id).await
    }

    /// Puts a deleted tie back with its assessments.
    async fn restore_relationship(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::domain::Relationship> {
        super::lifecycle::restore_relationship(ctx, id).await
    }

    /// Deletes an interaction with its participants; restorable with
    /// `restoreInteraction`.
    async fn delete_interaction(&self, ctx: &Context<'_>, id: ID) -> Result<Interaction> {
        super::lifecycle::delete_interaction(ctx, id).await
    }

    /// Puts a deleted interaction back.
    async fn restore_interaction(&self, ctx: &Context<'_>, id: ID) -> Result<Interaction> {
        super::lifecycle::restore_interaction(ctx, id).await
    }

    /// Deletes an improvement point (coaches may); restorable with
    /// `restoreImprovementPoint`.
    async fn delete_improvement_point(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::domain::ImprovementPoint> {
        super::lifecycle::delete_improvement_point(ctx, id).await
    }

    /// Puts a deleted improvement point back.
    async fn restore_improvement_point(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::domain::ImprovementPoint> {
        super::lifecycle::restore_improvement_point(ctx, id).await
    }

    /// Deletes a deal with its stage history, competitors, team, decision chain,
    /// ticks, answers, support requests, forecast snapshots and improvement
    /// points; its interactions stay at the account. Restorable with
    /// `restoreOpportunity`.
    async fn delete_opportunity(&self, ctx: &Context<'_>, id: ID) -> Result<Opportunity> {
        super::lifecycle::delete_opportunity(ctx, id).await
    }

    /// Puts a deleted deal back with everything deleted with it, and links its
    /// interactions to it again.
    async fn restore_opportunity(&self, ctx: &Context<'_>, id: ID) -> Result<Opportunity> {
        super::lifecycle::restore_opportunity(ctx, id).await
    }

    /// Erases a customer person's personal data for good, on their request
    /// (PIPL art. 47, GDPR art. 17): name, title, e-mail, phone, the notes on
    /// their ties and chain places, every mention of them in the account's free
    /// text, the before and after of audit entries about them, and deleted
    /// records holding them. Their ties and scores stay under a pseudonym, so
    /// the account's numbers stay right; the trail records that an erasure
    /// happened, why and by whom. Administrators only. See docs/privacy.md.
    async fn erase_person(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> Result<crate::store::Erasure> {
        super::lifecycle::erase_person(ctx, id, reason).await
    }

    /// Merges two records of one customer person (at one account): `drop`'s
    /// assessments, interactions, positions, reporting lines, chain places and
    /// external ids move to `keep`, and `drop` is gone. Clashes follow one rule
    /// (docs/privacy.md, "Merge"): `keep`'s values win and its empty fields are
    /// filled; in a chain both are in, `keep`'s place stays; two ties to the same
    /// other end become one with every assessment of both. The audit entry
    /// (`merge people`) reports each clash and holds `drop` as it was, to undo it.
    /// Returns the kept person.
    async fn merge_people(&self, ctx: &Context<'_>, keep: ID, drop: ID) -> Result<Person> {
        super::lifecycle::merge_people(ctx, keep, drop).await
    }

    /// Merges two records of one customer organisation (administrators): all
    /// of `drop` moves to `keep`, tokens reaching `drop` reach `keep`, and
    /// `drop` is gone; `keep`'s fields win. Its people who are one person then
    /// show in `likelyDuplicatePeople`. Audited (`merge accounts`) with both as
    /// they were.
    async fn merge_accounts(&self, ctx: &Context<'_>, keep: ID, drop: ID) -> Result<Account> {
        super::lifecycle::merge_accounts(ctx, keep, drop).await
    }

    /// Subscribes a URL to events (administrators): each is posted as signed
    /// JSON, retried with backoff until answered 2xx (docs/operations.md, "Event
    /// webhooks"). The signing secret is in the answer, this once.
    async fn subscribe_webhook(
        &self,
        ctx: &Context<'_>,
        url: String,
        events: Vec<super::webhooks::WebhookEvent>,
    ) -> Result<super::webhooks::WebhookCreated> {
        super::webhooks::subscribe_webhook(ctx, url, events).await
    }

    /// Ends a subscription with its deliveries (administrators).
    async fn unsubscribe_webhook(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        super::webhooks::unsubscribe_webhook(ctx, id).await
    }

    /// Sends a delivery again from the start: a failed one, or one the
    /// receiver lost (administrators).
    async fn resend_webhook_delivery(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<crate::store::WebhookDelivery> {
        super::webhooks::resend_webhook_delivery(ctx, id).await
    }
}
