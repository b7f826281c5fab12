//! What a document would cost, priced with the real lengths of the lists it asks
//! for, refused past [`MAX_COST`] before anything runs.
//!
//! async-graphql's complexity limit counts one per field whatever the lists hold,
//! so `accounts { opportunities { account { opportunities { … } } } }` passes it
//! and then returns megabytes. Here a field costs one plus its children's cost
//! times how many of it come back:
//!
//! - a list with `first` (or a connection's `nodes` and `edges`): `first` (the
//!   default page where none is given), at most the real length where known;
//! - an unpaged list: the longest such list in the database ([`ListSizes`]: the
//!   most people, deals, chain members, ties of any account, deal or person), read
//!   at most once a minute; any other list [`OTHER_LIST`];
//! - anything else: one.
//!
//! Fragments are priced once each, so spreading one many times does not multiply
//! the work of pricing it.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use async_graphql::{
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    registry::{MetaTypeName, Registry},
    Name, Positioned, ServerResult, Variables,
};
use async_graphql_value::{ConstValue, Value};
use tokio::sync::Mutex;

use super::limits::Refusal;
use crate::{
    store::{ListSizes, Store},
    ErrorCode,
};

/// Most a document may cost. One opportunity's whole analysis costs a few
/// hundred; the README's first query over the demo about 30,000.
pub const MAX_COST: u64 = 100_000;
/// Items assumed for a list whose length nothing bounds (win steps, facts, ...).
pub const OTHER_LIST: u64 = 10;
/// A connection's page when `first` is not given.
pub const DEFAULT_PAGE: u64 = 20;
/// How long list lengths are reused before they are read again.
const SIZES_FRESH_FOR: Duration = Duration::from_secs(60);

/// How many items a list field returns at most, by its parent type and name.
fn bound(sizes: &ListSizes, parent: &str, field: &str) -> Option<u64> {
    let n = match (parent, field) {
        ("QueryRoot", "accounts") => sizes.accounts,
        ("QueryRoot" | "Account", "employees") => sizes.employees,
        ("QueryRoot" | "Account", "competitors") => sizes.competitors,
        ("Account", "people") => sizes.people_per_account,
        ("Account", "opportunities") => sizes.opportunities_per_account,
        ("Account", "relationships" | "singleThreaded") => sizes.relationships_per_account,
        ("Account", "reportingLines") => sizes.reporting_lines_per_account,
        ("Opportunity", "decisionChain") => sizes.chain_per_opportunity,
        ("Person" | "DecisionChainMember" | "Competitor", "relationships") => {
            sizes.relationships_per_person
        }
        ("Employee", "relationships") => sizes.relationships_per_account,
        ("Relationship", "assessments") => sizes.assessments_per_relationship,
        ("Account" | "Opportunity" | "Person" | "Employee", "interactions") => {
            sizes.interactions_per_account
        }
        _ => return None,
    };
    Some(n.max(1))
}

/// The page a paged list returns without `first`, where it is not the
/// connection default.
fn default_page(field: &str) -> Option<u64> {
    match field {
        "interactions" => Some(50),
        "pipeline" | "auditTrail" => Some(50),
        _ => None,
    }
}

/// A type whose `nodes` (and `edges`) hold one page of a paged list.
fn is_page(type_name: &str) -> bool {
    type_name.ends_with("Connection") || type_name.ends_with("Page")
}

struct Pricing<'a> {
    registry: &'a Registry,
    sizes: &'a ListSizes,
    variables: &'a Variables,
    /// The operation's variable defaults, for variables the request leaves out.
    defaults: HashMap<String, ConstValue>,
    doc: &'a ExecutableDocument,
    /// Fragment costs, by name and the page they are spread under.
    fragments: HashMap<(String, Option<u64>), u64>,
}

impl Pricing<'_> {
    /// The `first` argument's value, literal or from the variables.
    fn first(&self, args: &[(Positioned<Name>, Positioned<Value>)]) -> Option<u64> {
        let (_, v) = args.iter().find(|(n, _)| n.node.as_str() == "first")?;
        match &v.node {
            Value::Variable(var) => {
                match self
                    .variables
                    .get(var)
                    .or_else(|| self.defaults.get(var.as_str()))?
                {
                    ConstValue::Number(n) => n.as_u64(),
                    _ => None,
                }
            }
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    /// Cost of a selection set on `parent`; `page` is a connection's page size,
    /// which its `nodes` and `edges` lists return. Recursion is bounded by the
    /// nesting limits, which ran before.
    fn set(&mut self, set: &SelectionSet, parent: &str, page: Option<u64>) -> u64 {
        let mut total: u64 = 0;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let meta = self
                        .registry
                        .types
                        .get(parent)
                        .and_then(|t| t.field_by_name(f.name.node.as_str()));
                    let Some(meta) = meta else {
                        // Unknown fields are validation's to refuse.
                        total = total.saturating_add(1);
                        continue;
                    };
                    let child_type = MetaTypeName::concrete_typename(&meta.ty).to_owned();
                    let first = self.first(&f.arguments);
                    let is_list = meta.ty.starts_with('[');
                    let known = bound(self.sizes, parent, f.name.node.as_str());
                    let connection = is_page(&child_type);
                    let field_name = f.name.node.as_str();
                    let first = first.or_else(|| default_page(field_name));
                    let (times, carried) = if connection {
                        let page = first.unwrap_or(DEFAULT_PAGE);
                        (1, Some(known.map_or(page, |k| page.min(k)).max(1)))
                    } else if is_list {
                        let n = match (first.or(page), known) {
                            (Some(p), Some(k)) => p.min(k),
                            (Some(p), None) => p,
                            (None, Some(k)) => k,
                            (None, None) => OTHER_LIST,
                        };
                        (n.max(1), None)
                    } else {
                        (1, None)
                    };
                    let children = if f.selection_set.node.items.is_empty() {
                        0
                    } else {
                        self.set(&f.selection_set.node, &child_type, carried)
                    };
                    1u64.saturating_add(times.saturating_mul(children))
                }
                Selection::InlineFragment(i) => {
                    let on = i
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent.to_owned(), |t| t.node.on.node.to_string());
                    self.set(&i.node.selection_set.node, &on, page)
                }
                Selection::FragmentSpread(s) => {
                    let name = (s.node.fragment_name.node.to_string(), page);
                    if let Some(&c) = self.fragments.get(&name) {
                        c
                    } else {
                        // Cycles were refused before; mark it while it is priced.
                        self.fragments.insert(name.clone(), 0);
                        let c = match self.doc.fragments.get(s.node.fragment_name.node.as_str()) {
                            Some(fragment) => {
                                let on = fragment.node.type_condition.node.on.node.to_string();
                                self.set(&fragment.node.selection_set.node, &on, page)
                            }
                            None => 0,
                        };
                        self.fragments.insert(name, c);
                        c
                    }
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }
}

/// What the operations of `doc` cost, priced with `sizes`.
pub fn price(
    doc: &ExecutableDocument,
    registry: &Registry,
    sizes: &ListSizes,
    variables: &Variables,
) -> u64 {
    let mut pricing = Pricing {
        registry,
        sizes,
        variables,
        defaults: HashMap::new(),
        doc,
        fragments: HashMap::new(),
    };
    doc.operations
        .iter()
        .map(|(_, op)| {
            pricing.defaults = op
                .node
                .variable_definitions
                .iter()
                .filter_map(|d| {
                    let default = d.node.default_value.as_ref()?;
                    Some((d.node.name.node.to_string(), default.node.clone()))
                })
                .collect();
            let root = match op.node.ty {
                async_graphql::parser::types::OperationType::Query => registry.query_type.clone(),
                async_graphql::parser::types::OperationType::Mutation => {
                    registry.mutation_type.clone().unwrap_or_default()
                }
                async_graphql::parser::types::OperationType::Subscription => {
                    registry.subscription_type.clone().unwrap_or_default()
                }
            };
            pricing.set(&op.node.selection_set.node, &root, None)
        })
        .fold(0, u64::saturating_add)
}

/// The cost limit as a schema extension, for HTTP and the WebSocket alike.
#[derive(Default)]
pub struct CostLimit {
    sizes: Arc<Mutex<Option<(Instant, ListSizes)>>>,
}

impl ExtensionFactory for CostLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostLimitExtension {
            sizes: self.sizes.clone(),
        })
    }
}

struct CostLimitExtension {
    sizes: Arc<Mutex<Option<(Instant, ListSizes)>>>,
}

impl CostLimitExtension {
    /// The list lengths, read again once a minute (stale ones serve while the
    /// next read runs; the first request waits for the first read).
    async fn sizes(&self, store: &Store) -> ListSizes {
        let mut cached = self.sizes.lock().await;
        match *cached {
            Some((at, sizes)) if at.elapsed() < SIZES_FRESH_FOR => sizes,
            Some((_, sizes)) => {
                *cached = Some((Instant::now(), sizes));
                let (store, shared) = (store.clone(), self.sizes.clone());
                tokio::spawn(async move {
                    if let Ok(fresh) = store.list_sizes().await {
                        *shared.lock().await = Some((Instant::now(), fresh));
                    }
                });
                sizes
            }
            None => match store.list_sizes().await {
                Ok(fresh) => {
                    *cached = Some((Instant::now(), fresh));
                    fresh
                }
                Err(e) => {
                    tracing::error!(error = ?e, "reading list sizes for the cost limit");
                    ListSizes::default()
                }
            },
        }
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for CostLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let Ok(store) = ctx.data::<Store>() else {
            return Ok(doc);
        };
        let sizes = self.sizes(store).await;
        let cost = price(&doc, &ctx.schema_env.registry, &sizes, variables);
        if cost > MAX_COST {
            return Err(Refusal {
                code: ErrorCode::TooComplex,
                message: format!(
                    "the document would cost {cost} (each field counted once per item its lists return, with this database's list lengths); at most {MAX_COST} is allowed: ask for fewer nested lists, or page with first"
                ),
            }
            .into_server_error());
        }
        Ok(doc)
    }
}
