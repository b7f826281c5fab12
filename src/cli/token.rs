//! `guanxi token`: API tokens issued, listed and revoked.

use guanxi::{config::DataArgs, store::Store};

use super::{open, ready};

pub async fn run(data: DataArgs, command: guanxi::config::TokenCommand) -> anyhow::Result<()> {
    let store = ready(open(&data).await?, false).await?;
    token(&store, command).await?;
    Ok(())
}

/// `guanxi token create|list|revoke|rotate`.
async fn token(store: &Store, command: guanxi::config::TokenCommand) -> anyhow::Result<()> {
    use guanxi::{config::TokenCommand, domain::Role, store::parse_lifetime};

    let day = |t: time::OffsetDateTime| {
        format!(
            "{} {:02}:{:02} UTC",
            t.date(),
            t.to_offset(time::UtcOffset::UTC).hour(),
            t.to_offset(time::UtcOffset::UTC).minute()
        )
    };
    let describe = |t: &guanxi::domain::ApiToken| {
        let reach = if t.accounts.is_empty() {
            "every account".to_owned()
        } else {
            t.accounts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let at = time::OffsetDateTime::now_utc();
        let mut state = match (t.revoked_at, t.expires_at) {
            (Some(when), _) => format!("revoked {}", when.date()),
            (None, Some(e)) if e <= at => format!("expired {}", day(e)),
            (None, Some(e)) => format!("active, expires {}", day(e)),
            (None, None) => "active".to_owned(),
        };
        if let (None, Some(until)) = (t.revoked_at, t.previous_valid_until) {
            if until > at {
                state.push_str(&format!(", old secret works until {}", day(until)));
            }
        }
        let used = t.last_used_at.map_or_else(
            || "never used".to_owned(),
            |u| format!("last used {}", day(u)),
        );
        format!(
            "{}  {:<7} {:<24} {}  ({}, created {}, {})",
            t.id,
            t.role.as_str(),
            t.name,
            reach,
            state,
            t.created_at.date(),
            used
        )
    };
    let lifetime = |text: Option<&str>| {
        text.map(|t| parse_lifetime("expires-in", t, false))
            .transpose()
    };
    match command {
        TokenCommand::Create {
            role,
            accounts,
            name,
            expires_in,
        } => {
            let role = Role::parse("role", &role)?;
            let lifetime = lifetime(expires_in.as_deref())?;
            let (token, secret) = store
                .create_token_expiring(&name, role, &accounts, lifetime)
                .await?;
            println!("{}", describe(&token));
            println!("secret (shown once; send it as 'Authorization: Bearer ...'):");
            println!("{secret}");
            eprintln!(
                "servers started from now on require a token on every request; restart a running one"
            );
        }
        TokenCommand::List => {
            let tokens = store.tokens().await?;
            if tokens.is_empty() {
                println!("no tokens: a server on a loopback address runs as a local administrator");
            }
            for t in &tokens {
                println!("{}", describe(t));
            }
        }
        TokenCommand::Revoke { id } => {
            let t = store.revoke_token(id).await?;
            println!("{}", describe(&t));
        }
        TokenCommand::Rotate {
            id,
            grace,
            expires_in,
        } => {
            let grace = parse_lifetime("grace", &grace, true)?;
            let lifetime = lifetime(expires_in.as_deref())?;
            let (token, secret) = store.rotate_token(id, grace, lifetime).await?;
            println!("{}", describe(&token));
            println!("new secret (shown once; send it as 'Authorization: Bearer ...'):");
            println!("{secret}");
            match token.previous_valid_until {
                Some(until) if grace.is_positive() => eprintln!(
                    "the old secret keeps working until {}: move its users over before then",
                    day(until)
                ),
                _ => eprintln!("the old secret no longer works"),
            }
        }
    }
    Ok(())
}
