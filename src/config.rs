//! Command-line and environment settings. The settings a deployment sets (database,
//! methodology, and the server's address, demo, timeout, CORS, public host names
//! and introspection)
//! have environment twins, so containers configure guanxi without arguments;
//! `.env.sample` lists them. The other flags are per run.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::store::DEFAULT_DATABASE_URL;

#[derive(Debug, Parser)]
#[command(
    name = "guanxi",
    version,
    about = "Relationship-graph and sales-methodology engine: maps who knows whom, scores it, serves it over GraphQL."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the GraphQL server (GraphiQL at /graphql).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(DataArgs),
    /// Print the GraphQL schema (SDL) on stdout.
    Schema,
    /// Load the shipped demo data set into the database (idempotent).
    Demo(DataArgs),
    /// Propose the allocation of support for a period and print it as a table.
    Allocate(AllocateArgs),
    /// Write the business data (every entity; not internal versions) as guanxi's
    /// own JSON, to stdout or a file.
    Export(ExportArgs),
    /// Read guanxi's own JSON (as `export` writes it), CSV files through a column
    /// mapping, or calendars (.ics): every row checked, then written by key in one
    /// transaction, or none of it (with --partial, the good rows).
    Import(ImportArgs),
    /// Write a seeded synthetic portfolio into the database (for benchmarks and load
    /// tests): accounts with org charts, decision chains, ties and interactions.
    Gen(GenArgs),
    /// Create, list and revoke API tokens (bearer tokens for the GraphQL API).
    Token {
        #[command(flatten)]
        data: DataArgs,
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Read the audit trail, newest first: who changed what, when, before and after.
    Audit(AuditArgs),
    /// Send today's digests: what needs each account team member and coach
    /// (overdue improvement points, ties gone cold, stalled deals, deals past
    /// their sign date, a colleague leaving with sole ties), by e-mail and to the
    /// teams' chat webhooks as the configuration says, each item once.
    Digest(DigestArgs),
    /// Erase a customer person's personal data for good, on their request (PIPL,
    /// GDPR): name, contact details, notes and every mention of them; their ties
    /// and scores stay under a pseudonym. Prints what was cleared (docs/privacy.md).
    Erase(EraseArgs),
    /// Our best tie to each person of an account and the k best introduction
    /// paths to them, with the time taken (the benchmarks under bench/ check their
    /// peers against this).
    Paths(PathsArgs),
    /// Draw the relationship map of an account or an opportunity as SVG or DOT.
    Map(MapArgs),
    /// Write meeting material: `report opportunity ID` for an opportunity-analysis
    /// meeting, `report account ID --since DATE` for a relationship planning meeting.
    Report {
        #[command(subcommand)]
        of: ReportOf,
    },
    /// Work with methodology files.
    Methodology {
        #[command(subcommand)]
        command: MethodologyCommand,
    },
    /// The coaching casebook: deals with the points a coach makes first.
    Coach {
        #[command(subcommand)]
        command: CoachCommand,
    },
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Who gets what through which channel (docs/operations.md, "Digests").
    #[arg(long = "config", env = "GUANXI_DIGEST_CONFIG")]
    pub config: Option<PathBuf>,
    /// Print, per reader, what would be sent, and send nothing (works with no
    /// configuration at all).
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct EraseArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The person's id.
    pub person: uuid::Uuid,
    /// Why (the request's reference, say): kept in the audit trail.
    #[arg(long)]
    pub reason: String,
}

#[derive(Debug, Subcommand)]
pub enum CoachCommand {
    /// Judge every case of a casebook (directories with case.toml and data.json)
    /// against the prompts guanxi gives; exits 1 when a case marked `holds` no
    /// longer gives the coach's ranking.
    Check {
        /// The casebook (default: ./casebook).
        #[arg(default_value = "casebook")]
        dir: PathBuf,
        /// The methodology to judge with (default: ./methodology, else the built-in one).
        #[arg(long, env = "GUANXI_METHODOLOGY")]
        methodology: Option<PathBuf>,
        /// Print the text and action of guanxi's top three, in English and Chinese.
        #[arg(long)]
        texts: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportOf {
    /// The opportunity-analysis meeting: four questions, win steps, scores, health,
    /// prompts with introduction paths, open support requests.
    Opportunity {
        id: uuid::Uuid,
        #[command(flatten)]
        out: ReportArgs,
    },
    /// The relationship planning meeting: inventory, changes since DATE,
    /// improvement points.
    Account {
        id: uuid::Uuid,
        /// The day of the last meeting (YYYY-MM-DD): changes from then on are listed.
        #[arg(long)]
        since: String,
        /// The last day of the window (YYYY-MM-DD, inclusive); today if left out.
        #[arg(long)]
        until: Option<String>,
        #[command(flatten)]
        out: ReportArgs,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// md (Markdown, the default) or html (one self-contained page with the map).
    #[arg(long, default_value = "md", value_parser = ["md", "html"])]
    pub format: String,
    /// en or zh.
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    pub lang: String,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("of").required(true).args(["account", "opportunity"])))]
pub struct MapArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The account whose people to draw.
    #[arg(long)]
    pub account: Option<uuid::Uuid>,
    /// The opportunity whose decision chain to draw.
    #[arg(long)]
    pub opportunity: Option<uuid::Uuid>,
    /// svg or dot.
    #[arg(long, default_value = "svg", value_parser = ["svg", "dot"])]
    pub format: String,
    /// en or zh: the language of roles and the legend.
    #[arg(long, default_value = "en", value_parser = ["en", "zh"])]
    pub lang: String,
    /// Write to this file instead of stdout.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct GenArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Accounts to generate.
    #[arg(long, default_value_t = 10)]
    pub accounts: usize,
    /// People per account (about ten relationships each).
    #[arg(long, default_value_t = 200)]
    pub people_per_account: usize,
    /// Our employees, shared by every account.
    #[arg(long, default_value_t = 200)]
    pub employees: usize,
    /// Competitors, shared by every account.
    #[arg(long, default_value_t = 12)]
    pub competitors: usize,
    /// The same seed and sizes always give the same portfolio.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown this once; only a hash is kept).
    Create {
        /// admin, coach, member (reads and writes its accounts) or viewer (reads its accounts).
        #[arg(long)]
        role: String,
        /// An account a member or viewer token reaches (repeat for several).
        #[arg(long = "account")]
        accounts: Vec<uuid::Uuid>,
        /// Who or what the token is for, shown in lists and the audit trail.
        #[arg(long, default_value = "api token")]
        name: String,
        /// Expire the token this long from now (90d, 12h, 30s, 1h 30m); requests
        /// presenting it later are refused with TOKEN_EXPIRED. Never, if left out.
        #[arg(long)]
        expires_in: Option<String>,
    },
    /// List every token (never their secrets): role, reach, state, expiry and
    /// last use.
    List,
    /// Revoke a token; requests presenting it are refused from then on.
    Revoke { id: uuid::Uuid },
    /// Give a token a new secret (printed once); the old one keeps working for
    /// the grace period, then is refused with TOKEN_EXPIRED.
    Rotate {
        id: uuid::Uuid,
        /// How long the old secret still works (24h by default; 0s: not at all).
        #[arg(long, default_value = "24h")]
        grace: String,
        /// Also move the token's expiry to this long from now (90d, 12h, …).
        #[arg(long)]
        expires_in: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct PathsArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The account (its id).
    #[arg(long)]
    pub account: uuid::Uuid,
    /// Only this person (their id); every person of the account if left out.
    #[arg(long)]
    pub to: Option<uuid::Uuid>,
    /// Answers per person, 1..20.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Print JSON (with timings) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Filters of `guanxi audit`; they combine.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Changes to this account's records.
    #[arg(long)]
    pub account: Option<uuid::Uuid>,
    /// Changes concerning this customer person.
    #[arg(long)]
    pub person: Option<uuid::Uuid>,
    /// Changes by this author: a token's name or id, or "command line".
    #[arg(long)]
    pub author: Option<String>,
    /// How many entries to show.
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
    /// Print each entry's before and after as JSON.
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Subcommand)]
pub enum MethodologyCommand {
    /// Validate a methodology directory and report every problem with file and item.
    Check {
        /// The directory to check (default: ./methodology, else the built-in one).
        dir: Option<PathBuf>,
    },
    /// Show what changed between two methodology directories (both are validated).
    Diff { old: PathBuf, new: PathBuf },
    /// Put every open deal on the methodology in DIR, after showing what it
    /// changes for each (steps added and removed, blockers, health, forecast
    /// category); until then deals keep their version's win steps. Audited.
    Adopt {
        /// The methodology directory to adopt (validated first).
        dir: PathBuf,
        /// Show the preview only; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Database URL: `sqlite://FILE` or `postgres://...`.
        #[arg(long = "database", env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

/// Options shared by every subcommand that touches data.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Database URL: `sqlite://FILE` (created if missing) or `postgres://...`.
    #[arg(long = "database", env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Methodology directory (default: ./methodology if present, else the built-in one).
    #[arg(long, env = "GUANXI_METHODOLOGY")]
    pub methodology: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Files to import: `.json` in guanxi's format (one transaction each);
    /// files of records read through --mapping, all together in one transaction:
    /// `.csv`/`.txt`/`.tsv`, workbooks (`.xlsx`, `.xls`, `.ods`, a table per
    /// sheet) and Salesforce tree `.json` (record files and plans); `KIND=FILE`
    /// names a file's kind where its headers would not; `.ics` calendars.
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Check everything and report what would change, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and list the rest, instead of refusing the whole file.
    #[arg(long)]
    pub partial: bool,
    /// Column mapping for files of records: a TOML file, or a shipped one by
    /// name (`guanxi`, `salesforce`, `zh` for Chinese CRM exports).
    #[arg(long, default_value = "guanxi")]
    pub mapping: String,
    /// The encoding of CSV files (utf-8, gb18030, gbk, utf-16le, windows-1252,
    /// …); without it, a byte-order mark says, or a file that is UTF-8 throughout
    /// is read as UTF-8, or the encoding is detected and the report says which.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Time zone that places times on a calendar day: UTC meeting times of a
    /// calendar that names no zone of its own, and timestamps with an offset in
    /// files of records (Salesforce's `2026-10-12T18:30:00.000+0000` is 13 October
    /// in Asia/Shanghai).
    #[arg(long, default_value = "Asia/Shanghai")]
    pub time_zone: String,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Only this account's records (plus the organisation-wide ones).
    #[arg(long, conflicts_with = "person")]
    pub account: Option<uuid::Uuid>,
    /// Only what is stored about this customer person (their access request:
    /// record, positions, reporting lines, chain places, ties, assessments,
    /// the interactions they attended).
    #[arg(long)]
    pub person: Option<uuid::Uuid>,
    /// Write here instead of stdout (replaced whole, never half-written).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct AllocateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A month (2026-11), quarter (2026-Q4) or year; the current quarter if left out.
    #[arg(long)]
    pub period: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "GUANXI_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Load the demo data set before serving (skipped where already present).
    #[arg(long, env = "GUANXI_DEMO")]
    pub demo: bool,
    /// Seconds a request may run before it is answered 408.
    #[arg(long, env = "GUANXI_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Origins front ends may call from (CORS), comma-separated; none by default.
    #[arg(
        long = "cors-origin",
        env = "GUANXI_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Hide the schema (introspection and the GraphiQL page).
    #[arg(long, env = "GUANXI_NO_INTROSPECTION")]
    pub no_introspection: bool,
    /// Names the server is reached by besides loopback (`guanxi.internal:8080`),
    /// comma-separated. Without tokens only requests for loopback names and these
    /// are served (DNS rebinding), and pages from them are our own origin.
    #[arg(
        long = "public-host",
        env = "GUANXI_PUBLIC_HOSTS",
        value_delimiter = ','
    )]
    pub public_hosts: Vec<String>,
    /// The name local edits are recorded under on a server without tokens (every
    /// judgement and audit entry), e.g. "王磊 (sales ops)"; "local administrator"
    /// if left out.
    #[arg(long = "local-author", env = "GUANXI_LOCAL_AUTHOR")]
    pub local_author: Option<String>,
    /// Requests each token, and each calling address, may make: `10/s`,
    /// `600/min`, `20000/h`. Past it the answer is 429 RATE_LIMITED with
    /// Retry-After. Off if left out; loopback callers and /healthz are never
    /// limited.
    #[arg(long = "rate-limit", env = "GUANXI_RATE_LIMIT")]
    pub rate_limit: Option<String>,
    /// Proxies (load balancers) whose X-Forwarded-For names the real caller for
    /// the per-address limit, comma-separated addresses.
    #[arg(
        long = "trusted-proxy",
        env = "GUANXI_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How the log is written: `text` for people, `json` (one object per line)
    /// for a log collector. Each request's lines carry its id.
    #[arg(
        long = "log-format",
        env = "GUANXI_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// Sign people in through this OpenID Connect provider (https://, or http://
    /// on a loopback address): its JWT bearer tokens are let in beside API
    /// tokens, and every request needs one.
    #[arg(
        long = "oidc-issuer",
        env = "GUANXI_OIDC_ISSUER",
        requires = "oidc_audience"
    )]
    pub oidc_issuer: Option<String>,
    /// The audience (`aud`) the provider puts in guanxi's tokens.
    #[arg(
        long = "oidc-audience",
        env = "GUANXI_OIDC_AUDIENCE",
        requires = "oidc_issuer"
    )]
    pub oidc_audience: Option<String>,
    /// The claim that holds the caller's role (admin, coach, member, viewer).
    #[arg(
        long = "oidc-role-claim",
        env = "GUANXI_OIDC_ROLE_CLAIM",
        default_value = "guanxi_role"
    )]
    pub oidc_role_claim: String,
    /// The claim that holds the accounts a member or viewer reaches (a JSON
    /// array of account ids).
    #[arg(
        long = "oidc-accounts-claim",
        env = "GUANXI_OIDC_ACCOUNTS_CLAIM",
        default_value = "guanxi_accounts"
    )]
    pub oidc_accounts_claim: String,
    /// A TOML file mapping the provider's group names to roles and accounts, for
    /// callers whose token carries no role claim (docs/security.md).
    #[arg(long = "oidc-groups", env = "GUANXI_OIDC_GROUPS")]
    pub oidc_groups: Option<PathBuf>,
    /// The planning page's client id at the provider: a public client (no
    /// secret) allowed the authorization code flow with PKCE, whose redirect URI
    /// is this server's page (`https://HOST/`). Without it the page asks for an
    /// API token.
    #[arg(
        long = "oidc-client-id",
        env = "GUANXI_OIDC_CLIENT_ID",
        requires = "oidc_issuer"
    )]
    pub oidc_client_id: Option<String>,
    /// Send the daily digest at the configuration's `at` time (docs/operations.md,
    /// "Digests").
    #[arg(long = "digest-config", env = "GUANXI_DIGEST_CONFIG")]
    pub digest_config: Option<PathBuf>,
    /// How long deleted people, ties, interactions, improvement points and deals
    /// stay restorable before they are purged for good (a duration: 30d, 12h).
    #[arg(
        long = "keep-deleted",
        env = "GUANXI_KEEP_DELETED",
        default_value = "30d"
    )]
    pub keep_deleted: String,
    /// The scopes the page asks the provider for.
    #[arg(
        long = "oidc-scope",
        env = "GUANXI_OIDC_SCOPE",
        default_value = "openid profile"
    )]
    pub oidc_scope: String,
}

/// How the server writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
