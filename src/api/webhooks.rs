//! Event webhooks over GraphQL: subscriptions, their deliveries, resending
//! (administrators; see `crate::webhooks` and docs/operations.md).

use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use time::OffsetDateTime;

use super::{context::store, error::Coded, ids::parse};
use crate::Error;

/// What a webhook can be told.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WebhookEvent {
    AssessmentRecorded,
    StageChanged,
    DealWon,
    DealLost,
    PersonLeft,
    ImprovementPointDue,
}

impl WebhookEvent {
    fn name(self) -> &'static str {
        match self {
            WebhookEvent::AssessmentRecorded => "assessment.recorded",
            WebhookEvent::StageChanged => "stage.changed",
            WebhookEvent::DealWon => "deal.won",
            WebhookEvent::DealLost => "deal.lost",
            WebhookEvent::PersonLeft => "person.left",
            WebhookEvent::ImprovementPointDue => "improvement_point.due",
        }
    }
}

#[Object]
impl crate::store::WebhookSubscription {
    async fn id(&self) -> ID {
        ID(self.webhook_id.to_string())
    }
    async fn url(&self) -> &str {
        &self.url
    }
    /// The events' names, as posts carry them in `event` (`deal.won`).
    async fn events(&self) -> Vec<&str> {
        self.events.split(',').collect()
    }
    async fn created_by(&self) -> &str {
        &self.created_by
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
}

/// A new subscription and the secret that signs its posts, shown this once.
#[derive(SimpleObject)]
pub struct WebhookCreated {
    pub webhook: crate::store::WebhookSubscription,
    /// Check `x-guanxi-signature` against HMAC-SHA256 of `<x-guanxi-timestamp>.<body>`
    /// under this secret (docs/operations.md, "Event webhooks").
    pub secret: String,
}

#[Object]
impl crate::store::WebhookDelivery {
    async fn id(&self) -> ID {
        ID(self.delivery_id.to_string())
    }
    async fn webhook_id(&self) -> ID {
        ID(self.webhook_id.to_string())
    }
    async fn event(&self) -> &str {
        &self.event
    }
    /// The body posted (JSON).
    async fn payload(&self) -> &str {
        &self.payload
    }
    /// PENDING, DELIVERED or FAILED (no more attempts).
    async fn status(&self) -> String {
        self.status.to_uppercase()
    }
    async fn attempts(&self) -> i32 {
        self.attempts
    }
    async fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }
    /// When the next attempt is due, while pending.
    async fn next_attempt_at(&self) -> Option<OffsetDateTime> {
        (self.status == "pending")
            .then(|| OffsetDateTime::from_unix_timestamp(self.next_attempt_at).ok())
            .flatten()
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.created_at
    }
    async fn delivered_at(&self) -> Option<OffsetDateTime> {
        self.delivered_at
    }
}

/// Where a delivery stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

pub(crate) async fn subscribe_webhook(
    ctx: &Context<'_>,
    url: String,
    events: Vec<WebhookEvent>,
) -> Result<WebhookCreated> {
    let names: Vec<&str> = events.iter().map(|e| e.name()).collect();
    let (webhook, secret) = store(ctx).create_webhook(&url, &names).await.coded()?;
    Ok(WebhookCreated { webhook, secret })
}

pub(crate) async fn unsubscribe_webhook(ctx: &Context<'_>, id: ID) -> Result<bool> {
    let id = parse("id", &id).coded()?;
    store(ctx).delete_webhook(id).await.coded()?;
    Ok(true)
}

pub(crate) async fn resend_webhook_delivery(
    ctx: &Context<'_>,
    id: ID,
) -> Result<crate::store::WebhookDelivery> {
    let id = parse("id", &id).coded()?;
    store(ctx).resend_delivery(id).await.coded()
}

pub(crate) async fn webhooks(ctx: &Context<'_>) -> Result<Vec<crate::store::WebhookSubscription>> {
    store(ctx).webhooks().await.coded()
}

pub(crate) async fn webhook_deliveries(
    ctx: &Context<'_>,
    status: Option<DeliveryStatus>,
    first: i32,
) -> Result<Vec<crate::store::WebhookDelivery>> {
    if !(1..=100).contains(&first) {
        return Err(Error::invalid("first", "between 1 and 100")).coded();
    }
    let status = status.map(|s| match s {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
    });
    store(ctx)
        .webhook_deliveries(status, i64::from(first))
        .await
        .coded()
}
