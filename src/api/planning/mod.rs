//! GraphQL faces of support allocation, the forecast and the patterns of history.

mod forecast;
mod needs;
mod plan;
mod requests;

pub use forecast::*;
pub use needs::*;
pub use plan::*;
pub use requests::*;

use async_graphql::Result;

use super::{advice::LangG, error::Coded};
use crate::{advice::Lang, domain::Period};

pub(super) fn zh(lang: Option<LangG>) -> bool {
    matches!(lang.map(Lang::from), Some(Lang::Zh))
}

pub(super) fn period(raw: &str) -> Result<Period> {
    Period::parse("period", raw).coded()
}
