//! Conditions: boolean expressions over named facts, parsed with `evalexpr` and
//! checked at load time for syntax, unknown facts and type.

use evalexpr::{build_operator_tree, DefaultNumericTypes, HashMapContext, Node};

use super::{
    error::Problems,
    facts::{sample_context, FactKind},
};

/// A compiled condition and its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub source: String,
    node: Node<DefaultNumericTypes>,
}

impl Condition {
    /// Compiles and checks a condition; problems are reported against `item`.
    pub(crate) fn compile(
        source: &str,
        facts: &[(&str, FactKind, &str)],
        file: &str,
        item: &str,
        problems: &mut Problems,
    ) -> Option<Condition> {
        let node = match build_operator_tree::<DefaultNumericTypes>(source) {
            Ok(n) => n,
            Err(e) => {
                problems.push(file, item, format!("cannot parse '{source}': {e}"));
                return None;
            }
        };
        let mut ok = true;
        for name in node.iter_variable_identifiers() {
            if !facts.iter().any(|(f, _, _)| *f == name) {
                problems.push(
                    file,
                    item,
                    format!("unknown fact '{name}' in '{source}' (see docs/methodology.md for the list)"),
                );
                ok = false;
            }
        }
        if node.iter_function_identifiers().next().is_some() {
            problems.push(
                file,
                item,
                format!("functions are not allowed in conditions: '{source}'"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        if let Err(e) = node.eval_boolean_with_context(&sample_context(facts)) {
            problems.push(
                file,
                item,
                format!("'{source}' is not a true/false condition: {e}"),
            );
            return None;
        }
        Some(Condition {
            source: source.to_owned(),
            node,
        })
    }

    /// Evaluates against facts; a type error at run time reads as false and is
    /// logged, so one odd value cannot break a page.
    pub fn holds(&self, facts: &HashMapContext) -> bool {
        match self.node.eval_boolean_with_context(facts) {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(condition = %self.source, error = %e, "condition could not be evaluated");
                false
            }
        }
    }

    /// The facts the condition reads, for evidence.
    pub fn facts(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .node
            .iter_variable_identifiers()
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    }
}
