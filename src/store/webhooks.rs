//! Event webhook subscriptions, the outbox the changes write, and deliveries
//! with their attempts (see `crate::webhooks` for what is sent and when).

use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    audit::{audit, Change},
    new_id, now, with_pool, write_tx, Need, Store,
};
use crate::{Error, Result};

/// A URL told about some events.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct WebhookSubscription {
    pub webhook_id: Uuid,
    pub url: String,
    /// Comma-separated event names (`deal.won,stage.changed`).
    pub events: String,
    #[serde(skip)]
    pub secret: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

impl WebhookSubscription {
    pub fn wants(&self, event: &str) -> bool {
        self.events.split(',').any(|e| e == event)
    }
}

/// One event for one subscription, and how sending it went.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebhookDelivery {
    pub delivery_id: Uuid,
    pub webhook_id: Uuid,
    pub event: String,
    pub event_key: String,
    pub payload: String,
    /// `pending`, `delivered` or `failed` (no more attempts).
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    /// Unix seconds.
    pub next_attempt_at: i64,
    pub created_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
}

/// A change the dispatcher has not read yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEntry {
    pub outbox_id: Uuid,
    pub audit_entry_id: Uuid,
    pub action: String,
    pub entity_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl Store {
    /// Subscribes `url` to `events`; the secret that signs its posts is made
    /// here and shown once.
    pub async fn create_webhook(
        &self,
        url: &str,
        events: &[&str],
    ) -> Result<(WebhookSubscription, String)> {
        let granted = self.grant(Need::Admin { what: "webhooks" })?;
        let parsed = reqwest::Url::parse(url.trim())
            .map_err(|_| Error::invalid("url", format!("'{url}' is not a URL")))?;
        if !["https", "http"].contains(&parsed.scheme()) {
            return Err(Error::invalid("url", "give an http:// or https:// address"));
        }
        if events.is_empty() {
            return Err(Error::invalid("events", "name at least one event"));
        }
        let secret = format!("whsec_{}", uuid::Uuid::new_v4().simple());
        let id = new_id();
        let mut events: Vec<&str> = events.to_vec();
        events.sort_unstable();
        events.dedup();
        write_tx!(granted, self, tx => {
            sqlx::query(
                "insert into webhook_subscription (webhook_id, url, events, secret, created_by, created_at)
                 values ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(parsed.as_str())
            .bind(events.join(","))
            .bind(&secret)
            .bind(self.author().1)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            audit!(self, tx, Change::new("subscribe webhook", "webhook", id)
                .after(&serde_json::json!({ "url": parsed.as_str(), "events": events })));
        });
        let found = self
            .webhooks()
            .await?
            .into_iter()
            .find(|w| w.webhook_id == id)
            .ok_or_else(|| Error::not_found("webhook", id))?;
        Ok((found, secret))
    }

    pub async fn webhooks(&self) -> Result<Vec<WebhookSubscription>> {
        let _granted = self.grant(Need::Admin { what: "webhooks" })?;
        self.all_webhooks().await
    }

    pub(crate) async fn all_webhooks(&self) -> Result<Vec<WebhookSubscription>> {
        Ok(
            with_pool!(self, pool => sqlx::query_as::<_, WebhookSubscription>(
            "select * from webhook_subscription order by created_at, webhook_id",
        )
        .fetch_all(pool)
        .await?),
        )
    }

    /// Ends a subscription with its deliveries.
    pub async fn delete_webhook(&self, id: Uuid) -> Result<()> {
        let granted = self.grant(Need::Admin { what: "webhooks" })?;
        write_tx!(granted, self, tx => {
            sqlx::query("delete from webhook_delivery where webhook_id = $1").bind(id).execute(&mut *tx).await?;
            let n = sqlx::query("delete from webhook_subscription where webhook_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(Error::not_found("webhook", id));
            }
            audit!(self, tx, Change::new("unsubscribe webhook", "webhook", id));
        });
        Ok(())
    }

    /// Deliveries, newest first, of one status if given.
    pub async fn webhook_deliveries(
        &self,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>> {
        let _granted = self.grant(Need::Admin { what: "webhooks" })?;
        Ok(
            with_pool!(self, pool => sqlx::query_as::<_, WebhookDelivery>(
            "select * from webhook_delivery where ($1 is null or status = $1)
             order by created_at desc, delivery_id desc limit $2",
        )
        .bind(status)
        .bind(limit)
        .fetch_all(pool)
        .await?),
        )
    }

    /// Sends a delivery again from the start (a failed one, or a delivered one
    /// the receiver lost).
    pub async fn resend_delivery(&self, id: Uuid) -> Result<WebhookDelivery> {
        let _granted = self.grant(Need::Admin { what: "webhooks" })?;
        let n = with_pool!(self, pool => sqlx::query(
            "update webhook_delivery set status = 'pending', attempts = 0, next_attempt_at = $2, last_error = null
             where delivery_id = $1",
        )
        .bind(id)
        .bind(now().unix_timestamp())
        .execute(pool)
        .await?
        .rows_affected());
        if n == 0 {
            return Err(Error::not_found("webhook delivery", id));
        }
        self.delivery(id)
            .await?
            .ok_or_else(|| Error::not_found("webhook delivery", id))
    }

    pub async fn delivery(&self, id: Uuid) -> Result<Option<WebhookDelivery>> {
        Ok(
            with_pool!(self, pool => sqlx::query_as::<_, WebhookDelivery>(
            "select * from webhook_delivery where delivery_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?),
        )
    }

    /// Up to `limit` changes not yet read off the outbox, oldest first.
    pub(crate) async fn outbox(&self, limit: i64) -> Result<Vec<OutboxEntry>> {
        Ok(with_pool!(self, pool => sqlx::query_as::<_, OutboxEntry>(
            "select * from webhook_outbox order by outbox_id limit $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }

    /// Removes changes read off the outbox (after their deliveries are queued:
    /// queueing is once per event, so two servers reading one row queue it once).
    pub(crate) async fn forget_outbox(&self, ids: &[Uuid]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let params: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "delete from webhook_outbox where outbox_id in ({})",
            params.join(", ")
        );
        with_pool!(self, pool => {
            let mut q = sqlx::query(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Queues an event for a subscription, once per `event_key`.
    pub(crate) async fn enqueue_delivery(
        &self,
        webhook: Uuid,
        event: &str,
        event_key: &str,
        payload: &str,
    ) -> Result<()> {
        with_pool!(self, pool => sqlx::query(
            "insert into webhook_delivery (delivery_id, webhook_id, event, event_key, payload, status, attempts,
                    next_attempt_at, created_at)
             values ($1, $2, $3, $4, $5, 'pending', 0, $6, $7)
             on conflict (webhook_id, event_key) do nothing",
        )
        .bind(new_id())
        .bind(webhook)
        .bind(event)
        .bind(event_key)
        .bind(payload)
        .bind(now().unix_timestamp())
        .bind(now())
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Pending deliveries due by now.
    pub(crate) async fn due_deliveries(&self, limit: i64) -> Result<Vec<WebhookDelivery>> {
        Ok(
            with_pool!(self, pool => sqlx::query_as::<_, WebhookDelivery>(
            "select * from webhook_delivery where status = 'pending' and next_attempt_at <= $1
             order by next_attempt_at, delivery_id limit $2",
        )
        .bind(now().unix_timestamp())
        .bind(limit)
        .fetch_all(pool)
        .await?),
        )
    }

    /// Notes how an attempt went: delivered, or failed with a next attempt
    /// (`None`: no more, the delivery has failed).
    pub(crate) async fn note_attempt(
        &self,
        id: Uuid,
        outcome: std::result::Result<(), String>,
        next: Option<i64>,
    ) -> Result<()> {
        with_pool!(self, pool => match &outcome {
            Ok(()) => sqlx::query(
                "update webhook_delivery set status = 'delivered', attempts = attempts + 1, delivered_at = $2, last_error = null
                 where delivery_id = $1",
            )
            .bind(id)
            .bind(now())
            .execute(pool)
            .await
            .map(|_| ()),
            Err(e) => sqlx::query(
                "update webhook_delivery set status = $2, attempts = attempts + 1, last_error = $3, next_attempt_at = $4
                 where delivery_id = $1",
            )
            .bind(id)
            .bind(if next.is_some() { "pending" } else { "failed" })
            .bind(e)
            .bind(next.unwrap_or(i64::MAX))
            .execute(pool)
            .await
            .map(|_| ()),
        })?;
        Ok(())
    }
}
