//! Spawning a real server on a fresh database, once per backend.

use std::sync::Arc;

use guanxi::{methodology::Methodology, startup::Application, store::Store};
use serde_json::{json, Value};
use tokio::sync::oneshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server over its own database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// A second handle on the same database, for checks the API does not offer.
    pub store: Store,
    _stop: oneshot::Sender<()>,
    _dir: Option<tempfile::TempDir>,
}

pub fn methodology() -> Arc<Methodology> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology");
    Arc::new(Methodology::load(&dir).expect("the shipped methodology loads"))
}

/// The PostgreSQL server tests use, from `GUANXI_TEST_POSTGRES_URL`. Without it
/// the PostgreSQL half is skipped, loudly; with `GUANXI_REQUIRE_POSTGRES=1` (as in
/// CI) a missing server fails the test instead.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("GUANXI_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("GUANXI_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("GUANXI_REQUIRE_POSTGRES=1 but GUANXI_TEST_POSTGRES_URL is not set");
            }
            skipped(
                "no PostgreSQL: set GUANXI_TEST_POSTGRES_URL (e.g. postgres://postgres@localhost/postgres)",
            );
            None
        }
    }
}

/// Says, where the person running the tests sees it, that the current test did
/// not run and why. The test harness captures `eprintln!` of a passing test, so
/// the line goes to the process's stderr directly.
pub fn skipped(why: &str) {
    use std::io::Write;
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {why}");
}

/// Creates a uniquely named database on the test PostgreSQL server.
pub async fn fresh_postgres_database() -> Option<String> {
    use sqlx::Connection;
    let admin = postgres_admin_url()?;
    let name = format!("guanxi_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("create database {name}"))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let (base, _) = admin.rsplit_once('/').expect("the URL names a database");
    let query = admin
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Some(format!("{base}/{name}{query}"))
}

/// A fresh database URL for the backend, with the temp dir that holds a SQLite file.
pub async fn fresh_database(backend: Backend) -> Option<(String, Option<tempfile::TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("guanxi.db").display());
            Some((url, Some(dir)))
        }
        Backend::Postgres => fresh_postgres_database().await.map(|url| (url, None)),
    }
}

/// Starts a server on port 0 over a fresh database; `None` when the backend is not
/// available (PostgreSQL without a test server).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let (url, dir) = fresh_database(backend).await?;
    Some(spawn_on(&url, dir).await)
}

/// Starts a server over an existing database (a second server on the same data).
pub async fn spawn_on(url: &str, dir: Option<tempfile::TempDir>) -> TestApp {
    spawn_with(url, dir, methodology()).await
}

/// Starts a server over an existing database with a given methodology.
pub async fn spawn_with(
    url: &str,
    dir: Option<tempfile::TempDir>,
    methodology: Arc<Methodology>,
) -> TestApp {
    spawn_configured(url, dir, methodology, guanxi::api::HttpOptions::default()).await
}

/// Starts a server on a fresh SQLite file with the given HTTP options.
pub async fn spawn_with_http(options: guanxi::api::HttpOptions) -> TestApp {
    let (url, dir) = fresh_database(Backend::Sqlite).await.expect("SQLite");
    spawn_configured(&url, dir, methodology(), options).await
}

/// Starts a server over an existing database with the given HTTP options.
pub async fn spawn_on_with(
    url: &str,
    dir: Option<tempfile::TempDir>,
    options: guanxi::api::HttpOptions,
) -> TestApp {
    spawn_configured(url, dir, methodology(), options).await
}

async fn spawn_configured(
    url: &str,
    dir: Option<tempfile::TempDir>,
    methodology: Arc<Methodology>,
    options: guanxi::api::HttpOptions,
) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        guanxi::telemetry::init();
    } else {
        guanxi::telemetry::count_statements();
    }
    let app = Application::build(
        "127.0.0.1:0".parse().unwrap(),
        url,
        methodology.clone(),
        false,
    )
    .await
    .expect("the server starts")
    .with_options(options);
    let address = format!("http://{}", app.addr());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let store = Store::connect(url, methodology)
        .await
        .expect("second handle");
    TestApp {
        address,
        client: reqwest::Client::new(),
        store,
        _stop: stop,
        _dir: dir,
    }
}

impl TestApp {
    /// Posts a GraphQL operation and returns the whole JSON response.
    pub async fn post_graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        assert!(
            response.status().is_success(),
            "HTTP {} for {query}",
            response.status()
        );
        response.json().await.expect("JSON body")
    }

    /// Posts a query as the holder of `token` (none: no header) and returns the
    /// HTTP status with the JSON body, whatever they are.
    pub async fn post_as(&self, token: Option<&str>, query: &str) -> (u16, Value) {
        self.call_as(token, query, Value::Null).await
    }

    /// [`TestApp::post_as`] with variables.
    pub async fn call_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Posts an operation that must succeed and returns its `data`.
    pub async fn ok(&self, query: &str, variables: Value) -> Value {
        let body = self.post_graphql(query, variables).await;
        assert!(
            body.get("errors").is_none(),
            "unexpected errors: {}",
            serde_json::to_string_pretty(&body["errors"]).unwrap()
        );
        body["data"].clone()
    }

    /// Posts an operation that must fail and returns its first error's code.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let body = self.post_graphql(query, variables).await;
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected an error, got {body}"));
        assert!(!errors.is_empty());
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("error without a code: {body}"))
            .to_owned()
    }

    /// Posts an operation that must fail and returns the first error object.
    pub async fn error(&self, query: &str, variables: Value) -> Value {
        let body = self.post_graphql(query, variables).await;
        body["errors"][0].clone()
    }

    pub async fn counts(&self) -> Vec<(&'static str, i64)> {
        self.store.row_counts().await.expect("row counts")
    }
}

/// A server on a fresh database holding the demo data, and the database's URL for
/// a second server started later (after tokens exist, say); None without the
/// backend.
pub async fn demo_server(backend: Backend) -> Option<(String, TestApp)> {
    let (url, dir) = fresh_database(backend).await?;
    let open = spawn_on(&url, dir).await;
    guanxi::demo::load(&open.store).await.expect("demo loads");
    Some((url, open))
}

/// The body of an answer to the holder of `secret`, which must come with HTTP 200.
pub async fn answer_as(server: &TestApp, secret: &str, query: &str, variables: Value) -> Value {
    let (status, body) = server.call_as(Some(secret), query, variables).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

/// Runs a scenario against SQLite and against PostgreSQL, as two tests.
#[macro_export]
macro_rules! both_backends {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                use $crate::helpers::{spawn_app, Backend};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = spawn_app(Backend::Sqlite).await.expect("SQLite is always available");
                    super::$scenario(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(app) = spawn_app(Backend::Postgres).await else { return };
                    super::$scenario(app).await;
                }
            }
        )+
    };
}

/// One test per backend for scenarios that set up their own databases (several
/// servers, processes, tokens made before a server starts): `scenario(Backend)`
/// runs as `scenario::sqlite` and `scenario::postgres` (skipped without a
/// PostgreSQL server, like every other test).
#[macro_export]
macro_rules! each_backend {
    ($($scenario:ident),+ $(,)?) => {
        $(
            mod $scenario {
                use $crate::helpers::Backend;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$scenario(Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$scenario(Backend::Postgres).await;
                }
            }
        )+
    };
}

pub const ACCOUNT_FIELDS: &str = "id name nameKey industry region tier ownerTeam version";

/// Creates an account and returns its id.
pub async fn create_account(app: &TestApp, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreateAccountInput!) { createAccount(input: $input) { id } }",
            json!({ "input": { "name": name, "industry": "telecom", "region": "east_china", "tier": "key" } }),
        )
        .await;
    data["createAccount"]["id"].as_str().unwrap().to_owned()
}

pub async fn create_person(app: &TestApp, account_id: &str, name: &str, level: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreatePersonInput!) { createPerson(input: $input) { id } }",
            json!({ "input": { "accountId": account_id, "name": name, "department": "it", "level": level } }),
        )
        .await;
    data["createPerson"]["id"].as_str().unwrap().to_owned()
}

pub async fn create_employee(app: &TestApp, name: &str, email: &str, role: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreateEmployeeInput!) { createEmployee(input: $input) { id } }",
            json!({ "input": { "name": name, "email": email, "role": role } }),
        )
        .await;
    data["createEmployee"]["id"].as_str().unwrap().to_owned()
}

pub async fn create_competitor(app: &TestApp, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreateCompetitorInput!) { createCompetitor(input: $input) { id } }",
            json!({ "input": { "name": name } }),
        )
        .await;
    data["createCompetitor"]["id"].as_str().unwrap().to_owned()
}

pub async fn create_opportunity(app: &TestApp, account_id: &str, name: &str) -> String {
    let data = app
        .ok(
            "mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { id } }",
            json!({ "input": { "accountId": account_id, "name": name, "amount": 1000000.0,
                               "currency": "CNY", "stage": "qualify" } }),
        )
        .await;
    data["createOpportunity"]["id"].as_str().unwrap().to_owned()
}

/// The `guanxi` binary on a database URL, run from the checkout with the shipped
/// methodology, for command-line tests.
pub fn guanxi_command(url: &str, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_guanxi"));
    c.args(args)
        .env("DATABASE_URL", url)
        .env_remove("GUANXI_METHODOLOGY")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}
