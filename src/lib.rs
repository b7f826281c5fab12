//! guanxi: a relationship-graph and sales-methodology engine.
//!
//! The library holds everything; the `guanxi` binary only parses the command line
//! and calls in. Layers, from the inside out: [`domain`] (validated types),
//! [`methodology`] (the methodology as data), [`store`] (SQLite or PostgreSQL behind
//! one API), [`api`] (GraphQL over axum), [`startup`] (the server), [`demo`] (the
//! shipped data set).

pub mod advice;
pub mod api;
pub mod casebook;
pub mod config;
pub mod demo;
pub mod digest;
pub mod domain;
pub mod engine;
pub mod error;
pub mod forecast;
pub mod graph;
pub mod map;
pub mod meeting;
pub mod methodology;
pub mod metrics;
pub mod report;
pub mod startup;
pub mod store;
pub mod support;
pub mod telemetry;
pub mod transfer;
pub mod webhooks;

pub use error::{Error, ErrorCode, Result};
