//! Random and malformed GraphQL documents, generated from the schema the server
//! itself publishes, against a live server holding the demo data: no answer may be
//! a 5xx or an internal error, every error carries a code, and the server still
//! answers afterwards.
//!
//! Documents pick a root field, give its arguments values of the right type (ids of
//! real demo records, edge-case numbers, dates and text) or of the wrong one, leave
//! required arguments out, add unknown ones, select random fields a few levels deep,
//! and some are cut short or sprinkled with stray characters. Seeded: a failure
//! names the seed and the document.

use rand::{rngs::StdRng, Rng, SeedableRng};
use serde_json::{json, Value};

use crate::{both_backends, helpers::TestApp};

both_backends!(random_and_malformed_documents_never_break_the_server);

/// Documents sent per backend.
const DOCUMENTS: usize = 1_500;

async fn random_and_malformed_documents_never_break_the_server(app: TestApp) {
    guanxi::demo::load(&app.store).await.expect("demo loads");
    let schema = introspect(&app).await;
    let ids = demo_ids(&app).await;
    let seed: u64 = std::env::var("GUANXI_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261126);
    let mut g = Generator {
        rng: StdRng::seed_from_u64(seed),
        schema: &schema,
        ids: &ids,
    };
    let mut errors = 0;
    let mut answered = 0;
    let mut codes: std::collections::BTreeMap<String, usize> = Default::default();
    for n in 0..DOCUMENTS {
        let document = g.document();
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body(json!({ "query": document }).to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}, document {n}: no answer ({e}): {document}"));
        let status = response.status();
        assert!(
            status.as_u16() < 500,
            "seed {seed}, document {n}: HTTP {status} for {document}"
        );
        let body: Value = match response.json().await {
            Ok(b) => b,
            // A refusal before GraphQL (e.g. a bare 400) need not be JSON.
            Err(_) => continue,
        };
        if body["errors"].as_array().is_none_or(Vec::is_empty) {
            answered += 1;
        }
        for e in body["errors"].as_array().into_iter().flatten() {
            errors += 1;
            *codes
                .entry(e["extensions"]["code"].as_str().unwrap_or("").to_owned())
                .or_default() += 1;
            let code = e["extensions"]["code"].as_str().unwrap_or_else(|| {
                panic!("seed {seed}, document {n}: an error without a code: {e} for {document}")
            });
            assert_ne!(
                code, "INTERNAL",
                "seed {seed}, document {n}: an internal error for {document}: {e}"
            );
        }
    }
    eprintln!(
        "seed {seed}: {DOCUMENTS} documents, {answered} answered without errors, {errors} errors by code {codes:?}"
    );
    // Most documents are wrong on purpose: the run exercised the refusals.
    assert!(
        errors > DOCUMENTS / 4,
        "only {errors} errors: is the generator working?"
    );
    let alive = app
        .ok("{ accounts(first: 1) { totalCount } }", json!({}))
        .await;
    assert!(alive["accounts"]["totalCount"].as_i64().unwrap() > 0);
}

/// The types of the schema by name, from the server's introspection.
async fn introspect(app: &TestApp) -> std::collections::HashMap<String, Value> {
    let data = app
        .ok(
            "{ __schema { queryType { name } mutationType { name } types {
                 name kind enumValues { name }
                 fields { name args { name type { ...T } } type { ...T } }
                 inputFields { name type { ...T } } } } }
             fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }",
            json!({}),
        )
        .await;
    data["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
        .collect()
}

/// Ids of every kind of demo record, so that generated documents reach real rows.
async fn demo_ids(app: &TestApp) -> Vec<String> {
    let data = guanxi::transfer::export(&app.store, None).await.unwrap();
    let json = serde_json::to_value(&data).unwrap();
    let mut ids = Vec::new();
    for (_, list) in json.as_object().unwrap() {
        for row in list.as_array().into_iter().flatten().take(5) {
            for (k, v) in row.as_object().into_iter().flatten() {
                if k.ends_with("_id") || k.ends_with("Id") || k == "id" {
                    if let Some(s) = v.as_str() {
                        ids.push(s.to_owned());
                    }
                }
            }
        }
    }
    ids.sort();
    ids.dedup();
    assert!(ids.len() > 20, "{ids:?} from {json}");
    ids
}

struct Generator<'a> {
    rng: StdRng,
    schema: &'a std::collections::HashMap<String, Value>,
    ids: &'a [String],
}

impl Generator<'_> {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<'v, T>(&mut self, items: &'v [T]) -> &'v T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn document(&mut self) -> String {
        let mutation = self.chance(0.5);
        let root = if mutation {
            "MutationRoot"
        } else {
            "QueryRoot"
        };
        let fields = self.schema[root]["fields"].as_array().unwrap().clone();
        let mut body = String::new();
        // Now and then several root fields, some aliased.
        for i in 0..self.rng.random_range(1..=2) {
            let field = self.pick(&fields).clone();
            if i > 0 || self.chance(0.1) {
                body.push_str(&format!("a{i}: "));
            }
            body.push_str(&self.field(&field, 0));
            body.push(' ');
        }
        let mut doc = format!(
            "{} {{ {body}}}",
            if mutation { "mutation" } else { "query" }
        );
        if self.chance(0.08) {
            let cut = self.rng.random_range(0..doc.len());
            let cut = (0..=cut)
                .rev()
                .find(|&c| doc.is_char_boundary(c))
                .unwrap_or(0);
            doc.truncate(cut);
        }
        if self.chance(0.05) {
            let junk = *self.pick(&[
                "{", "}", "(", ")", "$", "@", "\"", "...", "#", "\u{0}", "💥",
            ]);
            let at = self.rng.random_range(0..=doc.len());
            let at = (0..=at)
                .rev()
                .find(|&c| doc.is_char_boundary(c))
                .unwrap_or(0);
            doc.insert_str(at, junk);
        }
        doc
    }

    /// A field with arguments and, for objects, a selection.
    fn field(&mut self, field: &Value, depth: usize) -> String {
        let mut out = field["name"].as_str().unwrap().to_owned();
        let mut args = Vec::new();
        for arg in field["args"].as_array().into_iter().flatten() {
            let required = arg["type"]["kind"] == "NON_NULL";
            if (!required && self.chance(0.6)) || (required && self.chance(0.03)) {
                continue;
            }
            let value = if self.chance(0.12) {
                self.wrong_value()
            } else {
                self.value(&arg["type"], 0)
            };
            args.push(format!("{}: {value}", arg["name"].as_str().unwrap()));
        }
        if self.chance(0.03) {
            args.push("unknownArgument: 1".into());
        }
        if !args.is_empty() {
            out.push_str(&format!("({})", args.join(", ")));
        }
        let (kind, name) = named(&field["type"]);
        if kind == "OBJECT" || kind == "INTERFACE" || kind == "UNION" {
            out.push_str(&self.selection(&name, depth + 1));
        } else if self.chance(0.02) {
            out.push_str(" { id }");
        }
        out
    }

    fn selection(&mut self, type_name: &str, depth: usize) -> String {
        let fields = self.schema[type_name]["fields"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if fields.is_empty() {
            return " { __typename }".into();
        }
        let mut chosen = Vec::new();
        for _ in 0..self.rng.random_range(1..=4) {
            let f = self.pick(&fields).clone();
            let (kind, _) = named(&f["type"]);
            let leaf = kind == "SCALAR" || kind == "ENUM";
            if !leaf && depth >= 4 {
                continue;
            }
            chosen.push(self.field(&f, depth));
        }
        if chosen.is_empty() {
            chosen.push("__typename".into());
        }
        format!(" {{ {} }}", chosen.join(" "))
    }

    /// A literal of type `t` (a `__Type` reference), mostly valid, with edge cases.
    fn value(&mut self, t: &Value, depth: usize) -> String {
        match t["kind"].as_str().unwrap_or("") {
            "NON_NULL" => self.value(&t["ofType"], depth),
            "LIST" => {
                let n = if depth > 2 {
                    0
                } else {
                    self.rng.random_range(0..=3)
                };
                let items: Vec<String> = (0..n)
                    .map(|_| self.value(&t["ofType"], depth + 1))
                    .collect();
                format!("[{}]", items.join(", "))
            }
            "ENUM" => {
                let name = t["name"].as_str().unwrap();
                let values = self.schema[name]["enumValues"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if values.is_empty() || self.chance(0.05) {
                    "NOT_A_VALUE".into()
                } else {
                    self.pick(&values)["name"].as_str().unwrap().to_owned()
                }
            }
            "INPUT_OBJECT" => {
                if depth > 3 {
                    return "{}".into();
                }
                let name = t["name"].as_str().unwrap();
                let fields = self.schema[name]["inputFields"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let mut parts = Vec::new();
                for f in fields {
                    let required = f["type"]["kind"] == "NON_NULL";
                    if (!required && self.chance(0.5)) || (required && self.chance(0.03)) {
                        continue;
                    }
                    let v = if self.chance(0.08) {
                        self.wrong_value()
                    } else {
                        self.value(&f["type"], depth + 1)
                    };
                    parts.push(format!("{}: {v}", f["name"].as_str().unwrap()));
                }
                format!("{{ {} }}", parts.join(", "))
            }
            _ => self.scalar(t["name"].as_str().unwrap_or("String")),
        }
    }

    fn scalar(&mut self, name: &str) -> String {
        match name {
            "ID" => {
                if self.chance(0.85) {
                    let id = self.pick(self.ids).clone();
                    format!("\"{id}\"")
                } else {
                    self.pick(&[
                        "\"\"",
                        "\"not-an-id\"",
                        "\"00000000-0000-0000-0000-000000000000\"",
                        "\"0196b2c0-0000-7000-8000-000000000001\"",
                    ])
                    .to_string()
                }
            }
            "Int" => self
                .pick(&[
                    "0",
                    "1",
                    "-1",
                    "3",
                    "5",
                    "100",
                    "101",
                    "2147483647",
                    "-2147483648",
                ])
                .to_string(),
            "Float" => self
                .pick(&[
                    "0.0",
                    "1.5",
                    "-1.0",
                    "3",
                    "1e308",
                    "-1e308",
                    "1000000.0",
                    "0.5",
                ])
                .to_string(),
            "Boolean" => self.pick(&["true", "false"]).to_string(),
            "Date" => self
                .pick(&[
                    "\"2026-11-26\"",
                    "\"2025-01-01\"",
                    "\"2027-06-30\"",
                    "\"2026-13-45\"",
                    "\"yesterday\"",
                    "\"\"",
                ])
                .to_string(),
            "DateTime" => self
                .pick(&[
                    "\"2026-11-26T09:30:00Z\"",
                    "\"2026-11-26T09:30:00+08:00\"",
                    "\"2026-11-26\"",
                    "\"noon\"",
                ])
                .to_string(),
            "JSON" => self
                .pick(&[
                    "{}",
                    "{ name: \"王建国\" }",
                    "\"text\"",
                    "[1, 2]",
                    "null",
                    "{ strength: \"9\" }",
                ])
                .to_string(),
            _ => self.text(),
        }
    }

    fn text(&mut self) -> String {
        match self.rng.random_range(0..10) {
            0 => "\"\"".into(),
            1 => format!("\"{}\"", "长".repeat(self.rng.random_range(100..3000))),
            2 => "\"'; drop table account; --\"".into(),
            3 => "\"<script>alert(1)</script>\"".into(),
            4 => "\"\\u0000\\n\\t\"".into(),
            5 => "\"executive\"".into(),
            6 => "\"2026-Q4\"".into(),
            7 => "\"qualify\"".into(),
            _ => "\"华信移动 Huaxin Mobile\"".into(),
        }
    }

    fn wrong_value(&mut self) -> String {
        self.pick(&[
            "null",
            "42",
            "\"text\"",
            "[]",
            "{}",
            "true",
            "-0.5",
            "WRONG_ENUM",
            "$undefined",
        ])
        .to_string()
    }
}

/// The kind and name under any NON_NULL and LIST wrappers.
fn named(t: &Value) -> (String, String) {
    let mut t = t;
    while t["kind"] == "NON_NULL" || t["kind"] == "LIST" {
        t = &t["ofType"];
    }
    (
        t["kind"].as_str().unwrap_or("").to_owned(),
        t["name"].as_str().unwrap_or("").to_owned(),
    )
}
