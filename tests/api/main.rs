//! API tests: a real HTTP server over a real database, once on SQLite and once on
//! PostgreSQL for every scenario.

mod helpers;

mod accounts;
mod advice;
mod attack;
mod audit;
mod auth;
mod batched;
mod browser;
mod coaching;
mod concurrency;
mod conformance;
mod crash;
mod digests;
mod docs;
mod edge;
mod editing;
mod generate;
mod http;
mod import_files;
mod import_history;
mod import_sources;
mod languages;
mod lifecycle;
mod live;
mod map;
mod metrics;
mod migrations;
mod oidc;
mod opportunities;
mod people;
mod planning;
mod qualifying;
mod relationships;
mod report;
mod scope;
mod scores;
mod servers;
mod shared_deployment;
mod transfer;
mod validation;
mod webhooks;
