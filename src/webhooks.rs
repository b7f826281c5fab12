//! Event webhooks: a URL subscribed to events (an assessment recorded, a stage
//! changed, a deal won or lost, a person left, an improvement point due) gets a
//! signed JSON post for each, retried with backoff until it answers 2xx or the
//! attempts run out; failed deliveries are listed and can be sent again.
//!
//! The changes write an outbox row in their own transaction (see
//! `store::audit::TOLD`), so a committed change is never missed and a rolled
//! back one never told; each server's dispatcher takes rows off it (a row is
//! read and queued once: queueing is once per event and subscription) and
//! queues one delivery per subscription and event, then forgets the row. While
//! nobody is subscribed nothing is kept and the dispatcher reads one row a
//! round. Payloads carry ids and the changed values only, never personal data:
//! a receiver reads the rest through the API, under its own token.

use std::time::Duration;

use serde_json::{json, Value};

use crate::{
    domain::{today, ImprovementStatus},
    store::{ImprovementFilter, OutboxEntry, Store, WebhookDelivery, WebhookSubscription},
    Result,
};

/// Every event a webhook can be subscribed to.
pub const EVENTS: &[&str] = &[
    "assessment.recorded",
    "stage.changed",
    "deal.won",
    "deal.lost",
    "person.left",
    "improvement_point.due",
];

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// The longest wait between two attempts.
pub const LONGEST_WAIT: Duration = Duration::from_secs(3600);

fn parse(json: Option<&str>) -> Value {
    json.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(Value::Null)
}

/// The events a change is, each with its key (one delivery per key) and data.
pub fn events_of(e: &OutboxEntry) -> Vec<(&'static str, String, Value)> {
    let before = parse(e.before_json.as_deref());
    let after = parse(e.after_json.as_deref());
    let mut out = Vec::new();
    let key = |event: &str| format!("{event}:{}", e.audit_entry_id);
    match e.action.as_str() {
        "assess relationship" => out.push((
            "assessment.recorded",
            key("assessment.recorded"),
            json!({
                "relationshipId": after["relationship"]["relationshipId"],
                "assessmentId": after["assessmentId"],
                "strength": after["relationship"]["strength"],
                "before": before["strength"],
                "source": after["source"],
            }),
        )),
        "update opportunity" => {
            let id = json!(e.entity_id);
            if before["stage"] != after["stage"] {
                out.push((
                    "stage.changed",
                    key("stage.changed"),
                    json!({ "opportunityId": id, "from": before["stage"], "to": after["stage"] }),
                ));
            }
            if before["outcome"] != after["outcome"] {
                for (outcome, event) in [("won", "deal.won"), ("lost", "deal.lost")] {
                    if after["outcome"] == outcome {
                        out.push((
                            event,
                            key(event),
                            json!({ "opportunityId": id, "amount": after["amountMinor"], "currency": after["currency"] }),
                        ));
                    }
                }
            }
        }
        "update person" if before["accountId"] != after["accountId"] => out.push((
            "person.left",
            key("person.left"),
            json!({ "personId": e.entity_id, "fromAccountId": before["accountId"], "toAccountId": after["accountId"] }),
        )),
        _ => {}
    }
    out
}

fn payload(event: &str, key: &str, account: Option<uuid::Uuid>, data: Value) -> String {
    json!({
        "id": key,
        "event": event,
        "at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "accountId": account,
        "data": data,
    })
    .to_string()
}

/// Queues the outbox's changes and the improvement points due today for the
/// subscriptions that want them. `due_points` reads the points (once a day is
/// enough: each is queued once).
pub async fn queue(store: &Store, due_points: bool) -> Result<usize> {
    let hooks = store.all_webhooks().await?;
    let mut queued = 0;
    if hooks.is_empty() {
        return Ok(0);
    }
    loop {
        let taken = store.outbox(200).await?;
        if taken.is_empty() {
            break;
        }
        for entry in &taken {
            for (event, key, data) in events_of(entry) {
                let body = payload(event, &key, entry.account_id, data);
                for h in hooks.iter().filter(|h| h.wants(event)) {
                    store
                        .enqueue_delivery(h.webhook_id, event, &key, &body)
                        .await?;
                    queued += 1;
                }
            }
        }
        let ids: Vec<uuid::Uuid> = taken.iter().map(|e| e.outbox_id).collect();
        store.forget_outbox(&ids).await?;
    }
    if due_points && hooks.iter().any(|h| h.wants("improvement_point.due")) {
        let day = today();
        let points = store
            .improvement_points(&ImprovementFilter {
                status: Some(ImprovementStatus::Open),
                ..ImprovementFilter::default()
            })
            .await?;
        for p in points.iter().filter(|p| p.due_on == Some(day)) {
            let key = format!("improvement_point.due:{}:{day}", p.improvement_point_id);
            let body = payload(
                "improvement_point.due",
                &key,
                Some(p.account_id),
                json!({ "improvementPointId": p.improvement_point_id, "dueOn": p.due_on, "ownerId": p.owner_id }),
            );
            for h in hooks.iter().filter(|h| h.wants("improvement_point.due")) {
                store
                    .enqueue_delivery(h.webhook_id, "improvement_point.due", &key, &body)
                    .await?;
                queued += 1;
            }
        }
    }
    Ok(queued)
}

/// The wait before attempt `attempts + 1`: `base`, doubled each time, at most
/// [`LONGEST_WAIT`].
pub fn backoff(base: Duration, attempts: i32) -> Duration {
    let factor = 2u32.saturating_pow(u32::try_from(attempts.max(0)).unwrap_or(0).min(20));
    base.saturating_mul(factor).min(LONGEST_WAIT)
}

async fn send(
    client: &reqwest::Client,
    hook: &WebhookSubscription,
    d: &WebhookDelivery,
) -> std::result::Result<(), String> {
    let ts = time::OffsetDateTime::now_utc().unix_timestamp();
    let answer = client
        .post(&hook.url)
        .header("content-type", "application/json")
        .header("x-guanxi-event", &d.event)
        .header("x-guanxi-delivery", d.delivery_id.to_string())
        .header("x-guanxi-timestamp", ts.to_string())
        .header(
            "x-guanxi-signature",
            crate::digest::deliver::signature(&hook.secret, ts, &d.payload),
        )
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| format!("{}: {e}", hook.url))?;
    if answer.status().is_success() {
        Ok(())
    } else {
        Err(format!("{} answered {}", hook.url, answer.status()))
    }
}

/// How failed deliveries are tried again.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub first_wait: Duration,
    pub attempts: i32,
}

/// Sends the deliveries due now; how many were delivered.
pub async fn deliver(store: &Store, client: &reqwest::Client, retry: Retry) -> Result<usize> {
    let hooks = store.all_webhooks().await?;
    if hooks.is_empty() {
        return Ok(0);
    }
    let mut delivered = 0;
    for d in store.due_deliveries(100).await? {
        let Some(hook) = hooks.iter().find(|h| h.webhook_id == d.webhook_id) else {
            continue;
        };
        let outcome = send(client, hook, &d).await;
        let next = match &outcome {
            Ok(()) => {
                delivered += 1;
                None
            }
            Err(e) => {
                tracing::warn!(delivery = %d.delivery_id, attempt = d.attempts + 1, error = %e, "a webhook delivery failed");
                (d.attempts + 1 < retry.attempts).then(|| {
                    let wait = backoff(retry.first_wait, d.attempts);
                    time::OffsetDateTime::now_utc().unix_timestamp()
                        + i64::try_from(wait.as_secs().max(1)).unwrap_or(3600)
                })
            }
        };
        store.note_attempt(d.delivery_id, outcome, next).await?;
    }
    Ok(delivered)
}

/// How many rounds apart the improvement points are read for ones due today.
const POINTS_EVERY: u32 = 30;

/// The server's dispatcher: every `every`, queue and send; improvement points
/// due are read on a new day and every [`POINTS_EVERY`] rounds.
pub async fn run(store: Store, retry: Retry, every: Duration) {
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "webhooks are off");
            return;
        }
    };
    let mut last_day = None;
    let mut round: u32 = 0;
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let day = today();
        let points = last_day != Some(day) || round.is_multiple_of(POINTS_EVERY);
        round = round.wrapping_add(1);
        match queue(&store, points).await {
            Ok(_) => last_day = Some(day),
            Err(e) => tracing::warn!(error = %e, "queueing webhook events"),
        }
        if let Err(e) = deliver(&store, &client, retry).await {
            tracing::warn!(error = %e, "sending webhook events");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_an_hour() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 0), Duration::from_secs(10));
        assert_eq!(backoff(base, 1), Duration::from_secs(20));
        assert_eq!(backoff(base, 3), Duration::from_secs(80));
        assert_eq!(backoff(base, 12), LONGEST_WAIT);
        assert_eq!(backoff(base, 1000), LONGEST_WAIT, "no overflow");
    }

    #[test]
    fn a_deal_closed_as_won_from_another_stage_is_two_events() {
        let e = OutboxEntry {
            outbox_id: uuid::Uuid::nil(),
            audit_entry_id: uuid::Uuid::nil(),
            action: "update opportunity".into(),
            entity_id: Some(uuid::Uuid::nil()),
            account_id: None,
            before_json: Some(r#"{"stage":"negotiate","outcome":"open"}"#.into()),
            after_json: Some(
                r#"{"stage":"won","outcome":"won","amountMinor":100,"currency":"CNY"}"#.into(),
            ),
        };
        let events: Vec<&str> = events_of(&e).into_iter().map(|x| x.0).collect();
        assert_eq!(events, ["stage.changed", "deal.won"]);
        let same = OutboxEntry {
            after_json: e.before_json.clone(),
            ..e
        };
        assert!(events_of(&same).is_empty(), "nothing changed, nothing told");
    }
}
