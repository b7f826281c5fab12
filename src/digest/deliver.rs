//! Sending digests: an e-mail to each team member (and the team's digest to its
//! coaches) over SMTP, and one signed message per team to its chat webhooks,
//! each in the reader's language; every item is sent to a person once.

use std::collections::{BTreeMap, BTreeSet};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::Date;

use super::{
    config::{DigestConfig, Format, Team, Webhook},
    gather::{gather, Digest, Item},
};
use crate::{
    advice::Lang,
    domain::{catalogue, Phrase},
    engine::Engine,
    Error, Result,
};

/// What a run sent, or (dry run) would send, to one reader.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Delivery {
    /// An e-mail address, or `webhook <team>`.
    pub to: String,
    pub name: String,
    pub lang: &'static str,
    /// How: `email`, `webhook:wecom`, …; empty when no channel reaches them.
    pub channels: Vec<String>,
    pub subject: String,
    pub lines: Vec<String>,
    /// Items left out as sent on an earlier day.
    pub already_sent: usize,
    /// Why a channel failed, if one did.
    pub failed: Vec<String>,
}

fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

fn text(item: &Item, lang: Lang) -> String {
    item.text.say(lang)
}

fn subject(lang: Lang, n: usize, today: Date) -> String {
    Phrase::new("digest-subject")
        .arg("today", today)
        .arg("count", n)
        .say(lang)
}

/// HMAC-SHA256 of `message` under `secret`.
fn hmac(secret: &str, message: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signature header a receiver checks: `sha256=` and the hex HMAC of
/// `<timestamp>.<body>` (docs/operations.md, "Digests").
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    format!(
        "sha256={}",
        hex(&hmac(secret, format!("{timestamp}.{body}").as_bytes()))
    )
}

/// A webhook's body in the chat tool's own shape.
pub fn body(format: Format, title: &str, lines: &[String]) -> serde_json::Value {
    let markdown = format!(
        "**{title}**\n\n{}",
        lines
            .iter()
            .map(|l| format!("- {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    match format {
        Format::WeCom => {
            serde_json::json!({ "msgtype": "markdown", "markdown": { "content": markdown } })
        }
        Format::DingTalk => {
            serde_json::json!({ "msgtype": "markdown", "markdown": { "title": title, "text": markdown } })
        }
        Format::Slack => serde_json::json!({
            "text": format!("*{title}*\n{}", lines.iter().map(|l| format!("• {l}")).collect::<Vec<_>>().join("\n")),
        }),
        Format::Json => serde_json::json!({ "title": title, "items": lines }),
    }
}

async fn post(
    client: &reqwest::Client,
    hook: &Webhook,
    title: &str,
    lines: &[String],
) -> std::result::Result<(), String> {
    let format = Format::parse(&hook.format).unwrap_or(Format::Json);
    let payload = body(format, title, lines).to_string();
    let secret = hook
        .secret_env
        .as_deref()
        .and_then(|v| std::env::var(v).ok());
    let now = time::OffsetDateTime::now_utc();
    let mut url = reqwest::Url::parse(&hook.url).map_err(|e| e.to_string())?;
    let mut request = client
        .post(url.clone())
        .header("content-type", "application/json");
    if let Some(secret) = &secret {
        let ts = now.unix_timestamp();
        request = request
            .header("x-guanxi-timestamp", ts.to_string())
            .header("x-guanxi-signature", signature(secret, ts, &payload));
        // DingTalk's own signing: milliseconds and a base64 HMAC in the address.
        if format == Format::DingTalk {
            use base64::Engine as _;
            let ms = (now.unix_timestamp_nanos() / 1_000_000).to_string();
            let sign = base64::engine::general_purpose::STANDARD
                .encode(hmac(secret, format!("{ms}\n{secret}").as_bytes()));
            url.query_pairs_mut()
                .append_pair("timestamp", &ms)
                .append_pair("sign", &sign);
            request = client
                .post(url)
                .header("content-type", "application/json")
                .header("x-guanxi-timestamp", ts.to_string())
                .header("x-guanxi-signature", signature(secret, ts, &payload));
        }
    }
    let answer = request
        .body(payload)
        .send()
        .await
        .map_err(|e| format!("{}: {e}", hook.url))?;
    if !answer.status().is_success() {
        return Err(format!("{} answered {}", hook.url, answer.status()));
    }
    Ok(())
}

async fn mail(
    config: &DigestConfig,
    to: &str,
    name: &str,
    subject: &str,
    lines: &[String],
) -> std::result::Result<(), String> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    let smtp = config
        .smtp
        .as_ref()
        .ok_or("no [smtp] in the digest configuration")?;
    let from: lettre::message::Mailbox =
        smtp.from.parse().map_err(|e| format!("smtp.from: {e}"))?;
    let to_box = lettre::message::Mailbox::new(
        Some(name.to_owned()),
        to.parse().map_err(|e| format!("{to}: {e}"))?,
    );
    let message = Message::builder()
        .from(from)
        .to(to_box)
        .subject(subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(
            lines
                .iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n",
        )
        .map_err(|e| e.to_string())?;
    let builder = match smtp.tls.as_deref().unwrap_or("starttls") {
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        "tls" => {
            AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(|e| e.to_string())?
        }
        _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            .map_err(|e| e.to_string())?,
    };
    let mut builder = builder.timeout(Some(std::time::Duration::from_secs(20)));
    if let Some(port) = smtp.port {
        builder = builder.port(port);
    }
    if let (Some(user), Some(var)) = (&smtp.username, &smtp.password_env) {
        let password = std::env::var(var).map_err(|_| format!("{var} is not set"))?;
        builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user.clone(),
            password,
        ));
    }
    builder
        .build()
        .send(message)
        .await
        .map_err(|e| format!("{}: {e}", smtp.host))?;
    Ok(())
}

/// Gathers today's digests and sends what is new to each reader (or, with
/// `dry_run`, says what would be sent and sends nothing). Items are noted as
/// sent to a reader once a channel took them.
pub async fn run(
    engine: &Engine,
    config: Option<&DigestConfig>,
    today: Date,
    dry_run: bool,
) -> Result<Vec<Delivery>> {
    let store = engine.store();
    let empty = DigestConfig {
        at: None,
        utc_offset: None,
        language: None,
        smtp: None,
        teams: Vec::new(),
        languages: BTreeMap::new(),
    };
    let config = config.unwrap_or(&empty);
    let digests: Vec<Digest> = gather(engine, today).await?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| Error::Internal(e.into()))?;
    let mut out = Vec::new();
    // The team's readers beyond its members: coaches, and its chat rooms.
    let mut team_items: BTreeMap<String, Vec<(String, Item)>> = BTreeMap::new();
    for d in &digests {
        let team = config.team(d.employee.team.as_deref());
        let lang = config.language_of(&d.employee.email, team);
        let sent = store.digest_sent(&d.employee.email).await?;
        let new: Vec<&Item> = d.items.iter().filter(|i| !sent.contains(&i.key)).collect();
        if let Some(t) = team {
            team_items
                .entry(t.name.clone())
                .or_default()
                .extend(d.items.iter().map(|i| (d.employee.name.clone(), i.clone())));
        }
        if new.is_empty() {
            continue;
        }
        let lines: Vec<String> = new.iter().map(|i| text(i, lang).to_owned()).collect();
        let mut delivery = Delivery {
            to: d.employee.email.clone(),
            name: d.employee.name.clone(),
            lang: lang_code(lang),
            channels: Vec::new(),
            subject: subject(lang, lines.len(), today),
            lines,
            already_sent: d.items.len() - new.len(),
            failed: Vec::new(),
        };
        if team.is_some_and(|t| t.email) {
            delivery.channels.push("email".into());
            if !dry_run {
                match mail(
                    config,
                    &d.employee.email,
                    &d.employee.name,
                    &delivery.subject,
                    &delivery.lines,
                )
                .await
                {
                    Ok(()) => {
                        store
                            .note_digest_sent(&d.employee.email, new.iter().map(|i| i.key.as_str()))
                            .await?
                    }
                    Err(e) => delivery.failed.push(e),
                }
            }
        }
        out.push(delivery);
    }
    for (name, items) in team_items {
        let Some(team) = config.teams.iter().find(|t| t.name == name) else {
            continue;
        };
        out.extend(team_readers(store, config, team, &items, &client, today, dry_run).await?);
    }
    Ok(out)
}

/// The team's digest to its coaches (by e-mail) and its chat webhooks: each
/// member's new items under their name.
async fn team_readers(
    store: &crate::store::Store,
    config: &DigestConfig,
    team: &Team,
    items: &[(String, Item)],
    client: &reqwest::Client,
    today: Date,
    dry_run: bool,
) -> Result<Vec<Delivery>> {
    let lang = config.language_of("", Some(team));
    let mut out = Vec::new();
    let mut readers: Vec<(String, Option<&Webhook>)> =
        team.coaches.iter().map(|c| (c.clone(), None)).collect();
    // A webhook is named by its team and a digest of its address: the address
    // itself is the chat room's secret.
    readers.extend(team.webhooks.iter().map(|w| {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(w.url.as_bytes());
        (
            format!("webhook {} {} #{}", team.name, w.format, hex(&digest[..4])),
            Some(w),
        )
    }));
    for (reader, hook) in readers {
        let lang = if hook.is_none() {
            config.language_of(&reader, Some(team))
        } else {
            lang
        };
        let sent = store.digest_sent(&reader).await?;
        // Each item once, under everyone it needs.
        let mut by_item: Vec<(Vec<&str>, &Item)> = Vec::new();
        for (who, i) in items.iter().filter(|(_, i)| !sent.contains(&i.key)) {
            match by_item.iter_mut().find(|(_, seen)| seen.key == i.key) {
                Some((names, _)) if !names.contains(&who.as_str()) => names.push(who),
                Some(_) => {}
                None => by_item.push((vec![who.as_str()], i)),
            }
        }
        if by_item.is_empty() {
            continue;
        }
        let lines: Vec<String> = by_item
            .iter()
            .map(|(who, i)| {
                format!(
                    "{}{}{}",
                    who.join(catalogue::word(lang, "digest-list-comma")),
                    catalogue::word(lang, "digest-colon"),
                    text(i, lang)
                )
            })
            .collect();
        let keys: BTreeSet<&str> = by_item.iter().map(|(_, i)| i.key.as_str()).collect();
        let title = Phrase::new("digest-team-title")
            .arg("today", today)
            .arg("team", &team.name)
            .arg("count", lines.len())
            .say(lang);
        let mut delivery = Delivery {
            to: reader.clone(),
            name: team.name.clone(),
            lang: lang_code(lang),
            channels: vec![match hook {
                Some(h) => format!("webhook:{}", h.format),
                None => "email".into(),
            }],
            subject: title.clone(),
            lines,
            already_sent: 0,
            failed: Vec::new(),
        };
        if !dry_run {
            let done = match hook {
                Some(h) => post(client, h, &title, &delivery.lines).await,
                None => mail(config, &reader, &reader, &title, &delivery.lines).await,
            };
            match done {
                Ok(()) => {
                    store
                        .note_digest_sent(&reader, keys.iter().copied())
                        .await?
                }
                Err(e) => delivery.failed.push(e),
            }
        }
        out.push(delivery);
    }
    Ok(out)
}

/// What a run sent (or would send), reader by reader, for the command line.
pub fn describe(deliveries: &[Delivery], dry_run: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if deliveries.is_empty() {
        out.push_str("nothing new needs anyone today\n");
    }
    for d in deliveries {
        let how = if d.channels.is_empty() {
            "no channel: add their team to the digest configuration".to_owned()
        } else {
            d.channels.join(", ")
        };
        let verb = if d.channels.is_empty() {
            "not sent"
        } else if dry_run {
            "would send"
        } else if d.failed.is_empty() {
            "sent"
        } else {
            "failed"
        };
        let _ = writeln!(
            out,
            "{verb} to {} <{}> ({}, {how}): {}",
            d.name, d.to, d.lang, d.subject
        );
        for l in &d.lines {
            let _ = writeln!(out, "  - {l}");
        }
        if d.already_sent > 0 {
            let _ = writeln!(
                out,
                "  ({} sent on an earlier day left out)",
                d.already_sent
            );
        }
        for f in &d.failed {
            let _ = writeln!(out, "  ! {f}");
        }
    }
    out
}

/// The next moment the daily digest is due, after `now`.
pub fn next_run(config: &DigestConfig, now: time::OffsetDateTime) -> Option<time::OffsetDateTime> {
    let (h, m) = super::config::time_of_day(config.at.as_deref()?)?;
    let offset = config
        .utc_offset
        .as_deref()
        .and_then(super::config::offset)
        .unwrap_or(time::UtcOffset::UTC);
    let local = now.to_offset(offset);
    let at = time::Time::from_hms(h, m, 0).ok()?;
    let today = local.replace_time(at);
    Some(if today > local {
        today
    } else {
        today + time::Duration::days(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(at: &str, offset: &str) -> DigestConfig {
        toml::from_str(&format!("at = \"{at}\"\nutc_offset = \"{offset}\"\n")).unwrap()
    }

    #[test]
    fn the_daily_digest_is_due_at_its_time_on_its_clock() {
        let now = time::macros::datetime!(2026-12-02 00:10 UTC);
        // 08:30 in Beijing is 00:30 UTC: later today.
        let next = next_run(&config("08:30", "+08:00"), now).unwrap();
        assert_eq!(next, time::macros::datetime!(2026-12-02 08:30 +08:00));
        // 08:00 in Beijing has passed (00:00 UTC): tomorrow.
        let next = next_run(&config("08:00", "+08:00"), now).unwrap();
        assert_eq!(next, time::macros::datetime!(2026-12-03 08:00 +08:00));
        assert!(
            next_run(&toml::from_str("").unwrap(), now).is_none(),
            "no time, no daily run"
        );
    }

    #[test]
    fn a_signature_is_the_hmac_of_time_and_body() {
        // HMAC-SHA256("key", "1.{}"), as any HMAC library computes it.
        let s = signature("key", 1, "{}");
        assert!(s.starts_with("sha256=") && s.len() == 7 + 64, "{s}");
        assert_ne!(s, signature("key", 2, "{}"), "the time is signed");
        assert_ne!(s, signature("other", 1, "{}"));
        assert_eq!(
            hex(&hmac("key", b"The quick brown fox jumps over the lazy dog")),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
