//! Enum values written as enums. The GraphQL specification refuses a string
//! literal where an enum is expected (`outcome: "WON"`), and async-graphql takes
//! it; here a document is checked against the schema before it runs, so a
//! quoted enum is refused with `INVALID_INPUT` naming the argument. (Variables are
//! JSON, where an enum can only be a string, and stay as they are.)

use async_graphql::{
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    registry::{MetaType, MetaTypeName, Registry},
    Positioned,
};
use async_graphql_value::Value;

use super::limits::Refusal;
use crate::ErrorCode;

/// The first string literal given for an enum, with where it was.
pub fn check(doc: &ExecutableDocument, registry: &Registry) -> Result<(), Refusal> {
    for (_, op) in doc.operations.iter() {
        let root = match op.node.ty {
            async_graphql::parser::types::OperationType::Query => {
                Some(registry.query_type.as_str())
            }
            async_graphql::parser::types::OperationType::Mutation => {
                registry.mutation_type.as_deref()
            }
            async_graphql::parser::types::OperationType::Subscription => {
                registry.subscription_type.as_deref()
            }
        };
        if let Some(root) = root {
            selections(&op.node.selection_set.node, root, registry)?;
        }
        // A variable's default is a literal too (`$o: Outcome = "WON"`).
        for definition in &op.node.variable_definitions {
            if let Some(default) = &definition.node.default_value {
                let value = Positioned::new(default.node.clone().into_value(), default.pos);
                let name = format!("${}", definition.node.name.node);
                literal(
                    &value,
                    &definition.node.var_type.node.to_string(),
                    &name,
                    registry,
                )?;
            }
        }
    }
    for fragment in doc.fragments.values() {
        let on = fragment.node.type_condition.node.on.node.as_str();
        selections(&fragment.node.selection_set.node, on, registry)?;
    }
    Ok(())
}

/// Recursion is bounded by the nesting limits, which ran before.
fn selections(set: &SelectionSet, parent: &str, registry: &Registry) -> Result<(), Refusal> {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let Some(meta) = registry
                    .types
                    .get(parent)
                    .and_then(|t| t.field_by_name(f.node.name.node.as_str()))
                else {
                    continue;
                };
                for (name, value) in &f.node.arguments {
                    if let Some(arg) = meta.args.get(name.node.as_str()) {
                        literal(value, &arg.ty, name.node.as_str(), registry)?;
                    }
                }
                let child = MetaTypeName::concrete_typename(&meta.ty);
                selections(&f.node.selection_set.node, child, registry)?;
            }
            Selection::InlineFragment(i) => {
                let on = i
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(parent, |t| t.node.on.node.as_str());
                selections(&i.node.selection_set.node, on, registry)?;
            }
            // Fragment definitions are checked on their own.
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

fn literal(
    value: &Positioned<Value>,
    ty: &str,
    path: &str,
    registry: &Registry,
) -> Result<(), Refusal> {
    let inner = match MetaTypeName::create(ty) {
        MetaTypeName::NonNull(t) => return literal(value, t, path, registry),
        MetaTypeName::List(t) => Some(t),
        MetaTypeName::Named(_) => None,
    };
    match (&value.node, inner) {
        (Value::List(items), Some(t)) => {
            for (i, item) in items.iter().enumerate() {
                let item = Positioned::new(item.clone(), value.pos);
                literal(&item, t, &format!("{path}[{i}]"), registry)?;
            }
            Ok(())
        }
        (_, Some(t)) => literal(value, t, path, registry),
        (v, None) => match (v, registry.types.get(ty)) {
            (Value::String(s), Some(MetaType::Enum { name, .. })) => Err(Refusal {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "{path}: {name} values are written without quotes ({s}, not \"{s}\")"
                ),
            }),
            (Value::Object(fields), Some(MetaType::InputObject { input_fields, .. })) => {
                for (k, v) in fields {
                    if let Some(f) = input_fields.get(k.as_str()) {
                        let v = Positioned::new(v.clone(), value.pos);
                        literal(&v, &f.ty, &format!("{path}.{k}"), registry)?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        },
    }
}
