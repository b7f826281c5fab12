//! How library errors reach GraphQL clients: the message a person can act on and
//! the stable code in `extensions.code`. Internal failures are logged here and
//! answered generically.

use async_graphql::ErrorExtensions;

use crate::{Error, ErrorCode};

impl ErrorExtensions for Error {
    fn extend(&self) -> async_graphql::Error {
        let message = if self.is_internal() {
            tracing::error!(error = ?self, "internal error while serving a request");
            "internal error; it has been logged".to_owned()
        } else {
            self.to_string()
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", self.code().as_str());
            match self {
                Error::InvalidInput { field, said, .. } => {
                    if !field.is_empty() {
                        ext.set("field", field.as_str());
                    }
                    // The same refusal for a Chinese reader (the page shows it in 中文).
                    if let Some(said) = said {
                        ext.set("messageZh", said.say(crate::domain::Lang::Zh));
                    }
                }
                Error::DuplicateName { existing_id, .. } => {
                    ext.set("existingId", existing_id.as_str())
                }
                Error::NotFound { entity, .. } => ext.set("entity", *entity),
                Error::Stale {
                    revision, current, ..
                } => {
                    ext.set("revision", *revision);
                    if let Ok(current) = async_graphql::Value::from_json((**current).clone()) {
                        ext.set("current", current);
                    }
                }
                _ => {}
            }
        })
    }
}

/// Converts a library result for a resolver, keeping the error's code.
pub(crate) trait Coded<T> {
    fn coded(self) -> async_graphql::Result<T>;
}

impl<T> Coded<T> for crate::Result<T> {
    fn coded(self) -> async_graphql::Result<T> {
        self.map_err(|e| e.extend())
    }
}

/// Gives every error of a response a code. Our own errors all pass through
/// [`Coded`]; an uncoded error comes from the GraphQL layer's own checks (syntax,
/// unknown fields, undefined variables, values of the wrong type, unknown enum
/// values): the caller's mistake, so `INVALID_INPUT`.
pub(crate) fn ensure_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if !has_code {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::InvalidInput.as_str());
        }
    }
}
