//! Bounds on a GraphQL document, checked before anything recursive runs.
//!
//! The GraphQL parser, the validation rules and the executor all recurse once per
//! level of nesting, so a document nested a few thousand levels deep overflows a
//! worker's stack and takes the whole process down (Apollo Router lowered its
//! parser's limit to 500 after a crash at about 2,400 nested selections). Here:
//!
//! 1. [`check_text`] scans the raw text once, without recursion, and refuses a
//!    document whose brackets (`{`, `[`, `(`, whatever they belong to: selection
//!    sets, list and object values, list types, arguments) nest deeper than
//!    [`MAX_NESTING`]. Only then is the document parsed, and the parser's
//!    recursion is bounded by it.
//! 2. Selection sets also nest through fragment spreads, which no text scan sees.
//!    async-graphql bounds that nesting itself while parsing ([`MAX_SELECTION_NESTING`],
//!    its recursive-depth limit, which also stops fragment cycles); its refusal is
//!    given our code here. [`check_document`] then counts aliased fields.
//!
//! [`DocumentLimits`] runs them, and the enum-literal check (`super::literals`),
//! as an async-graphql extension on HTTP and the WebSocket alike: the text check
//! before the parser, the others before validation walks the document.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    },
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    ServerError, ServerResult, Variables,
};

use crate::ErrorCode;

/// Deepest bracket nesting a document may have. Selections are limited to 16
/// levels anyway ([`super::MAX_DEPTH`]); a few more for arguments and values.
pub const MAX_NESTING: usize = 64;
/// Deepest nesting of selection sets, inline fragments and fragment spreads,
/// counted through fragments: async-graphql's recursive-depth limit (its default).
pub const MAX_SELECTION_NESTING: usize = 32;
/// Most fragment definitions a document may hold: validation walks chains of
/// them (used or not) one frame per link.
pub const MAX_FRAGMENTS: usize = 100;
/// Most fields a document may select once every fragment spread is expanded:
/// `F { ...G ...G ...G }` chains grow threefold per link, and validation walks
/// the expansion.
pub const MAX_EXPANDED_FIELDS: u64 = 20_000;

/// Why a document is refused before it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub message: String,
}

impl Refusal {
    fn too_deep(message: String) -> Self {
        Refusal {
            code: ErrorCode::NestingTooDeep,
            message,
        }
    }

    pub fn into_server_error(self) -> ServerError {
        let mut error = ServerError::new(self.message, None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", self.code.as_str());
        error
    }
}

/// The deepest bracket nesting of a GraphQL document's text, skipping strings,
/// block strings and comments. One pass, no recursion; stops counting at the
/// first level past `limit`.
pub fn nesting(text: &str, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not close the block string.
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > deepest {
                    deepest = depth;
                    if deepest > limit {
                        return deepest;
                    }
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// Refuses a document text nested deeper than [`MAX_NESTING`].
pub fn check_text(text: &str) -> Result<(), Refusal> {
    if nesting(text, MAX_NESTING) > MAX_NESTING {
        return Err(Refusal::too_deep(format!(
            "the document nests brackets more than {MAX_NESTING} deep; flatten it or split it into several requests"
        )));
    }
    Ok(())
}

/// Aliased fields of a selection set and the fragments it defines inline.
/// Recursion here is bounded by [`MAX_NESTING`], which the text passed.
fn aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => aliases(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// A selection set's fields, and the fragments it spreads (with repeats), without
/// following them. Recursion bounded by [`MAX_NESTING`].
fn local(set: &SelectionSet, fields: &mut u64, spreads: &mut Vec<String>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                *fields += 1;
                local(&f.node.selection_set.node, fields, spreads);
            }
            Selection::InlineFragment(i) => local(&i.node.selection_set.node, fields, spreads),
            Selection::FragmentSpread(s) => spreads.push(s.node.fragment_name.node.to_string()),
        }
    }
}

/// Bounds fragments before validation walks them: at most [`MAX_FRAGMENTS`]
/// definitions, no cycles, and at most [`MAX_EXPANDED_FIELDS`] fields once spreads
/// are expanded, for every operation and every fragment. Computed without
/// recursion across fragments, each fragment's expansion once.
pub fn check_fragments(doc: &ExecutableDocument) -> Result<(), Refusal> {
    if doc.fragments.len() > MAX_FRAGMENTS {
        return Err(Refusal::too_deep(format!(
            "the document defines {} fragments; at most {MAX_FRAGMENTS} are allowed",
            doc.fragments.len()
        )));
    }
    let shapes: HashMap<String, (u64, Vec<String>)> = doc
        .fragments
        .iter()
        .map(|(name, f)| {
            let (mut fields, mut spreads) = (0, Vec::new());
            local(&f.node.selection_set.node, &mut fields, &mut spreads);
            (name.to_string(), (fields, spreads))
        })
        .collect();
    let too_many = || {
        Refusal::too_deep(format!(
            "the document selects more than {MAX_EXPANDED_FIELDS} fields once its fragments are expanded"
        ))
    };
    let mut expanded: HashMap<&str, u64> = HashMap::new();
    for start in shapes.keys() {
        if expanded.contains_key(start.as_str()) {
            continue;
        }
        // Depth-first with an explicit stack: (fragment, next spread to visit).
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some((name, next)) = stack.last().copied() {
            let (fields, spreads) = &shapes[name];
            if let Some(child) = spreads.get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let child = child.as_str();
                if stack.iter().any(|(n, _)| *n == child) {
                    return Err(Refusal {
                        code: ErrorCode::InvalidInput,
                        message: format!("fragment {child} spreads itself"),
                    });
                }
                if shapes.contains_key(child) && !expanded.contains_key(child) {
                    stack.push((child, 0));
                }
            } else {
                let total = spreads
                    .iter()
                    .map(|c| expanded.get(c.as_str()).copied().unwrap_or(0))
                    .fold(*fields, u64::saturating_add);
                if total > MAX_EXPANDED_FIELDS {
                    return Err(too_many());
                }
                expanded.insert(name, total);
                stack.pop();
            }
        }
    }
    let mut all: u64 = 0;
    for (_, op) in doc.operations.iter() {
        let (mut fields, mut spreads) = (0, Vec::new());
        local(&op.node.selection_set.node, &mut fields, &mut spreads);
        let total = spreads
            .iter()
            .map(|c| expanded.get(c.as_str()).copied().unwrap_or(0))
            .fold(fields, u64::saturating_add);
        all = all.saturating_add(total);
    }
    if all > MAX_EXPANDED_FIELDS {
        return Err(too_many());
    }
    Ok(())
}

/// Counts the aliased fields of a parsed document, operations and fragments.
pub fn check_document(doc: &ExecutableDocument, max_aliases: usize) -> Result<(), Refusal> {
    let count: usize = doc
        .operations
        .iter()
        .map(|(_, op)| aliases(&op.node.selection_set.node))
        .chain(
            doc.fragments
                .values()
                .map(|f| aliases(&f.node.selection_set.node)),
        )
        .sum();
    if count > max_aliases {
        return Err(Refusal {
            code: ErrorCode::InvalidInput,
            message: format!(
                "the document has {count} aliased fields; at most {max_aliases} are allowed per request"
            ),
        });
    }
    Ok(())
}

/// The checks above as an extension of the schema: they run on every request,
/// over HTTP and over the WebSocket, before the parser sees the text.
pub struct DocumentLimits {
    pub max_aliases: usize,
}

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DocumentLimitsExtension {
            max_aliases: self.max_aliases,
        })
    }
}

struct DocumentLimitsExtension {
    max_aliases: usize,
}

#[async_graphql::async_trait::async_trait]
impl Extension for DocumentLimitsExtension {
    /// Bounds the text, parses it, and bounds its fragments and aliases, all
    /// before async-graphql's own checks walk the document (its recursive-depth
    /// check follows every spread without memory, so a fan-out of fragments would
    /// hold a worker for hours); the parsed document is handed on.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        check_text(&request.query).map_err(Refusal::into_server_error)?;
        let doc = request.parsed_query()?;
        check_fragments(doc).map_err(Refusal::into_server_error)?;
        check_document(doc, self.max_aliases).map_err(Refusal::into_server_error)?;
        super::literals::check(doc, &ctx.schema_env.registry)
            .map_err(Refusal::into_server_error)?;
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await.map_err(|e| {
            if e.message.starts_with("The recursion depth of the query") {
                Refusal::too_deep(format!(
                    "selections nest more than {MAX_SELECTION_NESTING} deep, counted through fragments"
                ))
                .into_server_error()
            } else {
                e
            }
        })?;
        Ok(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(nesting("{ a { b } }", 99), 2);
        assert_eq!(nesting(r#"{ a(x: "{{{{[[[") }"#, 99), 2);
        assert_eq!(nesting("{ a # {{{{\n }", 99), 1);
        assert_eq!(nesting(r#"{ a(x: """ {{{ \""" {{ """) }"#, 99), 2);
        assert_eq!(nesting(r#"{ a(x: "\"{{") }"#, 99), 2);
        assert_eq!(nesting("", 99), 0);
    }

    #[test]
    fn counting_stops_past_the_limit() {
        let deep = "[".repeat(1_000_000);
        assert_eq!(nesting(&deep, 64), 65);
        assert!(check_text(&deep).is_err());
        assert!(check_text(&"{ a ".repeat(64)).is_ok());
        assert!(check_text(&"{ a ".repeat(65)).is_err());
    }

    #[test]
    fn unclosed_strings_end_the_scan() {
        assert_eq!(nesting(r#"{ "abc"#, 99), 1);
        assert_eq!(nesting(r#"{ """abc"#, 99), 1);
    }

    fn parse(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).unwrap()
    }

    #[test]
    fn fragments_are_bounded_in_number_fan_out_and_cycles() {
        // 31 links of three spreads each: 3^31 fields once expanded, in 1 KB.
        let mut text = String::from("{ ...F0 }\n");
        for i in 0..31 {
            let n = i + 1;
            text.push_str(&format!(
                "fragment F{i} on Q {{ ...F{n} ...F{n} ...F{n} }}\n"
            ));
        }
        text.push_str("fragment F31 on Q { a }\n");
        assert_eq!(
            check_fragments(&parse(&text)).unwrap_err().code,
            ErrorCode::NestingTooDeep
        );
        // An unused chain of 150 fragments.
        let mut text = String::from("{ a }\n");
        for i in 0..150 {
            text.push_str(&format!("fragment F{i} on Q {{ ...F{} }}\n", i + 1));
        }
        assert_eq!(
            check_fragments(&parse(&text)).unwrap_err().code,
            ErrorCode::NestingTooDeep
        );
        let cycle = "{ ...A } fragment A on Q { a { ...B } } fragment B on Q { ...A }";
        assert_eq!(
            check_fragments(&parse(cycle)).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let fine = "{ ...A ...A } fragment A on Q { a { ...B } b } fragment B on Q { c d }";
        assert!(check_fragments(&parse(fine)).is_ok());
    }

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let text = "{ a: x b: y ...F } fragment F on Query { c: z }";
        assert!(check_document(&parse(text), 3).is_ok());
        assert_eq!(
            check_document(&parse(text), 2).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
