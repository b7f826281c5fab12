//! `guanxi serve`: the API, the page and the reports over HTTP, with the
//! options of sign-in, limits and digests the flags give.

use anyhow::Context;
use guanxi::{api, startup::Application};

use super::load_methodology;

pub async fn run(args: Box<guanxi::config::ServeArgs>) -> anyhow::Result<()> {
    let methodology = load_methodology(&args.data)?;
    let oidc = match (&args.oidc_issuer, &args.oidc_audience) {
        (Some(issuer), Some(audience)) => {
            let mut o = api::oidc::OidcOptions::new(issuer, audience);
            o.role_claim.clone_from(&args.oidc_role_claim);
            o.accounts_claim.clone_from(&args.oidc_accounts_claim);
            o.page_client_id.clone_from(&args.oidc_client_id);
            o.page_scope.clone_from(&args.oidc_scope);
            o.groups = args
                .oidc_groups
                .as_deref()
                .map(api::oidc::GroupMapping::load)
                .transpose()?;
            o.check()?;
            Some(o)
        }
        _ => None,
    };
    let app = match Application::build_signing_on(
        args.addr,
        &args.data.database_url,
        methodology,
        args.demo,
        oidc.is_some(),
    )
    .await
    {
        // A taken port is the caller's to fix, not an internal error.
        Err(e @ guanxi::Error::AddressUnavailable { .. }) => {
            eprintln!("guanxi: {e}");
            std::process::exit(3);
        }
        other => other,
    }
    .with_context(|| format!("starting on {}", args.data.database_url))?;
    let window = guanxi::store::parse_lifetime("keep-deleted", &args.keep_deleted, true)?;
    let digests = args
        .digest_config
        .as_deref()
        .map(guanxi::digest::DigestConfig::load)
        .transpose()?;
    app.store()
        .set_deletion_window(std::time::Duration::from_secs(
            window.whole_seconds().max(0) as u64,
        ));
    let app = app.with_digests(digests).with_options(api::HttpOptions {
        request_timeout: std::time::Duration::from_secs(args.request_timeout.max(1)),
        cors_origins: args.cors_origins,
        introspection: !args.no_introspection,
        public_hosts: args.public_hosts,
        local_author: args
            .local_author
            .map(|a| guanxi::domain::Name::parse("local-author", &a).map(|n| n.as_ref().to_owned()))
            .transpose()?,
        rate_limit: args
            .rate_limit
            .as_deref()
            .map(api::RateLimit::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--rate-limit: {e}"))?,
        trusted_proxies: args.trusted_proxies,
        oidc,
        ..Default::default()
    });
    app.run_until_stopped().await?;
    Ok(())
}
