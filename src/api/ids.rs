//! GraphQL ids are UUIDs written as strings.

use async_graphql::ID;
use uuid::Uuid;

use crate::{Error, Result};

pub(crate) fn parse(field: &str, id: &ID) -> Result<Uuid> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| Error::invalid(field, format!("'{}' is not a valid id", id.as_str())))
}

pub(crate) fn parse_opt(field: &str, id: &Option<ID>) -> Result<Option<Uuid>> {
    id.as_ref().map(|id| parse(field, id)).transpose()
}

pub(crate) fn parse_all(field: &str, ids: &[ID]) -> Result<Vec<Uuid>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| parse(&format!("{field}[{i}]"), id))
        .collect()
}

pub(crate) fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}
