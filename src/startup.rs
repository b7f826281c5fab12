//! Building and running the server.

use std::{net::SocketAddr, sync::Arc};

use tokio::net::TcpListener;

use crate::{api, methodology::Methodology, store::Store, Error, Result};

/// A bound, ready server. Binding happens in [`Application::build`] so callers (and
/// tests on port 0) know the real address before it runs.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    /// Where the data lives, as the start-up message names it (no password).
    database: String,
    store: Store,
    options: api::HttpOptions,
    /// The daily digest's configuration (`--digest-config`), if any.
    digests: Option<crate::digest::DigestConfig>,
}

impl Application {
    /// Opens the store, runs migrations, optionally loads the demo data, and binds.
    pub async fn build(
        addr: SocketAddr,
        database_url: &str,
        methodology: Arc<Methodology>,
        demo: bool,
    ) -> Result<Self> {
        Self::build_signing_on(addr, database_url, methodology, demo, false).await
    }

    /// As [`Application::build`]; with `sign_on` (OpenID Connect configured)
    /// every request needs a token, so a public address needs no API token first.
    pub async fn build_signing_on(
        addr: SocketAddr,
        database_url: &str,
        methodology: Arc<Methodology>,
        demo: bool,
        sign_on: bool,
    ) -> Result<Self> {
        let mut store = Store::connect(database_url, methodology).await?;
        store.migrate().await?;
        store.settle_methodology(true).await?;
        if demo {
            let summary = crate::demo::load(&store).await?;
            tracing::info!(%summary, "demo data");
        }
        // Without tokens the server acts as a local administrator for everyone who
        // reaches it: only acceptable when nobody else can.
        if !sign_on && !addr.ip().is_loopback() && !store.has_active_tokens().await? {
            return Err(Error::invalid(
                "address",
                format!(
                    "refusing to serve on {addr} without API tokens: anyone reaching it would act as an administrator. Create one with `guanxi token create --role admin --name NAME`, or listen on 127.0.0.1"
                ),
            ));
        }
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| Error::AddressUnavailable {
                addr,
                reason: match e.kind() {
                    std::io::ErrorKind::AddrInUse => format!(
                        "the port is already in use (another guanxi, or another program, is listening there). Stop it, or choose another port with --addr {}:{} (or GUANXI_ADDR)",
                        addr.ip(),
                        addr.port().wrapping_add(1).max(1024)
                    ),
                    std::io::ErrorKind::AddrNotAvailable => "the address is not one of this machine's; use 127.0.0.1, or an address of one of its interfaces".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "permission denied (ports below 1024 need privileges); choose a port above 1024 with --addr".to_owned(),
                    _ => e.to_string(),
                },
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Internal(anyhow::Error::new(e)))?;
        Ok(Application {
            listener,
            addr,
            database: describe_database(database_url),
            store,
            options: api::HttpOptions::default(),
            digests: None,
        })
    }

    /// Sends the daily digest as this configuration says.
    pub fn with_digests(mut self, digests: Option<crate::digest::DigestConfig>) -> Self {
        self.digests = digests;
        self
    }

    /// Sets the HTTP options (timeout, CORS, introspection, alias limit).
    pub fn with_options(mut self, options: api::HttpOptions) -> Self {
        self.options = options;
        self
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes; tests use it to stop a server on demand.
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        crate::metrics::install();
        let engine = crate::engine::Engine::new(self.store.clone());
        let schema = api::schema(&engine, &self.options);
        let access = match self.store.has_active_tokens().await {
            _ if self.options.oidc.is_some() => api::Access::Tokens,
            Ok(false) => {
                tracing::warn!(
                    "no API tokens: every request acts as a local administrator (loopback only); create tokens with `guanxi token create` before sharing this server"
                );
                api::Access::LocalAdmin
            }
            Ok(true) => api::Access::Tokens,
            Err(e) => return Err(std::io::Error::other(e.to_string())),
        };
        let followed = match follow_other_servers(&engine).await {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(error = %e, "not listening to other servers: their writes reach screens here on the next read");
                None
            }
        };
        // Deleted records past their window are purged at start and hourly.
        let purging = {
            let store = self.store.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
                loop {
                    every.tick().await;
                    if let Err(e) = store.purge_deleted().await {
                        tracing::warn!(error = %e, "purging deleted records");
                    }
                }
            })
        };
        let digesting = self.digests.clone().map(|config| {
            let engine = engine.clone();
            tokio::spawn(async move {
                loop {
                    let now = time::OffsetDateTime::now_utc();
                    let Some(next) = crate::digest::deliver::next_run(&config, now) else {
                        return;
                    };
                    let wait = (next - now).whole_milliseconds().max(0) as u64;
                    tracing::info!(at = %next, "the next daily digest");
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                    let day = next.date();
                    match crate::digest::run(&engine, Some(&config), day, false).await {
                        Ok(sent) => {
                            let failed = sent.iter().filter(|d| !d.failed.is_empty()).count();
                            tracing::info!(readers = sent.len(), failed, "daily digest sent");
                        }
                        Err(e) => tracing::warn!(error = %e, "the daily digest"),
                    }
                }
            })
        });
        let dispatching = tokio::spawn(crate::webhooks::run(
            self.store.clone(),
            crate::webhooks::Retry {
                first_wait: self.options.webhook_retry,
                attempts: self.options.webhook_attempts,
            },
            self.options.webhook_every,
        ));
        let app = api::router(schema, engine, self.options.clone(), access, self.addr);
        tracing::info!(
            addr = %self.addr,
            database = %self.database,
            methodology = %self.store.methodology().version,
            "guanxi is serving: the planning page at http://{0}/ , GraphiQL at http://{0}/graphql , data in {1}",
            self.addr,
            self.database
        );
        let result = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await;
        if let Some(f) = followed {
            f.stop().await;
        }
        purging.abort();
        let _ = purging.await;
        dispatching.abort();
        let _ = dispatching.await;
        if let Some(d) = digesting {
            d.abort();
            let _ = d.await;
        }
        self.store.close().await;
        result
    }
}

/// Listening to the other servers over the same PostgreSQL database.
pub struct Followed {
    listener: tokio::task::JoinHandle<()>,
    forgetting: tokio::task::JoinHandle<()>,
}

impl Followed {
    /// Stops listening (before the store closes: the listener holds a connection).
    pub async fn stop(self) {
        self.listener.abort();
        let _ = self.listener.await;
        let _ = self.forgetting.await;
    }
}

/// Over PostgreSQL, hears the other servers sharing the database: their live
/// notices reach this server's subscribers, and the engine drops the graphs their
/// writes made stale. `None` on SQLite.
pub async fn follow_other_servers(engine: &crate::engine::Engine) -> Result<Option<Followed>> {
    let Some(following) = engine.store().follow_other_servers().await? else {
        return Ok(None);
    };
    let crate::store::Following {
        mut changes,
        task: listener,
    } = following;
    let engine = engine.clone();
    let forgetting = tokio::spawn(async move {
        while let Some(changed) = changes.recv().await {
            engine.forget(changed).await;
        }
    });
    Ok(Some(Followed {
        listener,
        forgetting,
    }))
}

/// The database as a person would name it: a SQLite file's path, or a server URL
/// without its password.
fn describe_database(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        let path = path.split('?').next().unwrap_or(path);
        return format!("the SQLite file {path}");
    }
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user, host)) => {
                let user = user.split(':').next().unwrap_or(user);
                format!("{scheme}://{user}@{host}")
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::describe_database;

    #[test]
    fn the_database_is_named_without_its_password() {
        assert_eq!(
            describe_database("sqlite://guanxi.db?mode=rwc"),
            "the SQLite file guanxi.db"
        );
        assert_eq!(
            describe_database("postgres://guanxi:secret@db.internal/guanxi"),
            "postgres://guanxi@db.internal/guanxi"
        );
        assert_eq!(
            describe_database("postgres://db.internal/guanxi"),
            "postgres://db.internal/guanxi"
        );
    }
}
