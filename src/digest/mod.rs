//! Digests: what needs each account team member and coach today — overdue
//! improvement points, ties gone cold, stalled deals, deals past their sign
//! date, a colleague leaving with sole ties — sent by e-mail and to the team's
//! chat webhooks, each item once (`guanxi digest`, and daily inside the server
//! with `--digest-config`).

pub mod config;
pub mod deliver;
pub mod gather;

pub use config::DigestConfig;
pub use deliver::{run, Delivery};
pub use gather::{gather, Digest, Item, ItemKind};
