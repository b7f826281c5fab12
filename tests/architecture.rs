//! The layers drawn in docs/architecture.md, checked against the source: each
//! top-level module of `src/` refers only to modules below it (so there is no
//! cycle), every module has its place, resolvers reach the engines through the
//! engine, and SQL is written only in the store.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

/// Top to bottom: a module may refer to the ones after it, never to one before.
/// The same list, with what each layer is for, is in docs/architecture.md.
const LAYERS: &[&str] = &[
    "cli",
    "startup",
    "report",
    "casebook",
    "api",
    "meeting",
    "webhooks",
    "digest",
    "engine",
    "transfer",
    "forecast",
    "support",
    "advice",
    "map",
    "graph",
    "demo",
    "config",
    "store",
    "telemetry",
    "metrics",
    "error",
    "domain",
    "methodology",
];

/// The engines: resolvers call the engine, never these directly.
const ENGINES: &[&str] = &["advice", "forecast", "support", "graph", "map"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and its test module: what it refers
/// to when compiled for use.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| match l.find(" // ") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `code` names: `crate::x…` and `use crate::{x, y::…}`.
fn referred(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The items of a group, at its top level only.
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(head(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 {
                    item.push(c);
                }
            }
            out.insert(head(&item));
        } else {
            out.insert(head(rest));
        }
    }
    out.remove("");
    out
}

fn head(path: &str) -> String {
    path.trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

fn sources() -> Vec<(String, PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|f| {
            let module = module_of(&src, &f)?;
            let text = fs::read_to_string(&f).expect("read source");
            Some((module, f, code(&text)))
        })
        .collect()
}

#[test]
fn every_module_refers_only_to_the_layers_below_it() {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut upward: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut modules = BTreeSet::new();
    for (module, file, code) in sources() {
        modules.insert(module.clone());
        let Some(own) = rank(&module) else {
            continue;
        };
        for other in referred(&code) {
            let Some(theirs) = rank(&other) else {
                continue;
            };
            if other != module && theirs < own {
                upward
                    .entry(format!("{module} -> {other}"))
                    .or_default()
                    .insert(file.display().to_string());
            }
        }
    }
    let unplaced: Vec<_> = modules.iter().filter(|m| rank(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules without a layer (add them to LAYERS here and to docs/architecture.md): {unplaced:?}"
    );
    assert!(
        upward.is_empty(),
        "references that point up the layers: {upward:#?}"
    );
}

#[test]
fn the_check_sees_a_reference_that_points_up() {
    // The scanner itself: grouped, nested and plain paths, comments ignored.
    let code = code(
        "use crate::{\n    advice::{self, Lang},\n    domain::Name,\n};\n// crate::api::x\nlet s = crate::store::Store::open();",
    );
    let found = referred(&code);
    assert_eq!(
        found,
        ["advice", "domain", "store"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

#[test]
fn resolvers_reach_the_engines_through_the_engine() {
    let mut calls = Vec::new();
    for (module, file, code) in sources() {
        if module != "api" {
            continue;
        }
        for engine in ENGINES {
            let needle = format!("crate::{engine}::");
            let mut rest = code.as_str();
            while let Some(i) = rest.find(&needle) {
                rest = &rest[i + needle.len()..];
                // The path up to its end: a call when the last segment is a
                // function (lower case) followed by '('.
                let path: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let last = path.rsplit("::").next().unwrap_or_default();
                let called = rest[path.len()..].trim_start().starts_with('(');
                if called && last.chars().next().is_some_and(char::is_lowercase) {
                    calls.push(format!("{}: crate::{engine}::{path}(", file.display()));
                }
            }
            for imported in [format!("{engine}::{{self"), format!("    {engine},\n")] {
                if code.contains(&imported) {
                    calls.push(format!("{}: imports the module {engine}", file.display()));
                }
            }
        }
    }
    assert!(
        calls.is_empty(),
        "resolvers calling an engine directly: {calls:#?}"
    );
}

#[test]
fn the_domain_knows_nothing_of_storage() {
    let storage: Vec<_> = sources()
        .into_iter()
        .filter(|(module, _, code)| module == "domain" && code.contains("sqlx"))
        .map(|(_, file, _)| file.display().to_string())
        .collect();
    assert!(storage.is_empty(), "domain files naming sqlx: {storage:?}");
}

#[test]
fn sql_is_written_only_in_the_store() {
    let mut found = Vec::new();
    for (module, file, code) in sources() {
        if module == "store" {
            continue;
        }
        let lower = code.to_lowercase();
        for (opening, then) in [
            ("\"select ", " from "),
            ("\"insert into ", ""),
            ("\"update ", " set "),
            ("\"delete from ", ""),
        ] {
            let mut rest = lower.as_str();
            while let Some(i) = rest.find(opening) {
                rest = &rest[i + opening.len()..];
                let literal = rest.split('"').next().unwrap_or_default();
                if literal.contains(then) {
                    found.push(format!("{}: {opening}{literal}", file.display()));
                }
            }
        }
        for call in ["sqlx::query(", "sqlx::query_as", "sqlx::query_scalar"] {
            if code.contains(call) {
                found.push(format!("{}: {call}", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "SQL outside src/store: {found:#?}");
}

/// Store methods that write on their own behalf, not a caller's: bookkeeping no
/// role may refuse. Each says why it needs no grant.
const BOOKKEEPING: &[(&str, &str)] = &[
    (
        "purge_deleted",
        "the server's own sweep of deleted records past their window",
    ),
    (
        "note_digest_sent",
        "records that a scheduled digest went out",
    ),
    (
        "note_use",
        "notes when a token was last used, on every request",
    ),
    (
        "finish",
        "commits an import session, whose begin_import granted it",
    ),
    (
        "forget_outbox",
        "the webhook dispatcher clearing what it has queued",
    ),
    (
        "enqueue_delivery",
        "the webhook dispatcher queueing a committed change",
    ),
    (
        "note_attempt",
        "the webhook dispatcher recording a delivery attempt",
    ),
];

/// The store's methods, by file and name, with their bodies.
fn store_methods() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (module, file, code) in sources() {
        if module != "store" {
            continue;
        }
        let mut current: Option<(String, String)> = None;
        for line in code.lines() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if indent == 4 && current.is_none() {
                let signature = trimmed
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub(super) ")
                    .trim_start_matches("pub ")
                    .trim_start_matches("async ");
                if let Some(rest) = signature.strip_prefix("fn ") {
                    let name = head(rest);
                    current = Some((name, String::new()));
                    continue;
                }
            }
            if let Some((name, body)) = &mut current {
                if line == "    }" {
                    out.push((
                        file.display().to_string(),
                        name.clone(),
                        std::mem::take(body),
                    ));
                    current = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn every_write_the_store_opens_checks_the_callers_role() {
    let mut unchecked = Vec::new();
    let mut writes = 0;
    for (file, name, body) in store_methods() {
        let opens = body.contains("write_tx!(")
            || body.contains(".begin()")
            || body.contains(".begin_with(")
            || body.contains(".execute(pool)")
            || body.contains(".execute(&pool)");
        if !opens || file.ends_with("store/mod.rs") && name == "write_tx" {
            continue;
        }
        // Reads open transactions too (one consistent snapshot): only those that
        // change something count.
        let lower = body.to_lowercase();
        let changes = [
            "insert into",
            "update ",
            "delete from",
            "write_tx!(",
            "bump_",
        ]
        .iter()
        .any(|w| lower.contains(w));
        if !changes {
            continue;
        }
        writes += 1;
        let granted = body.contains("self.grant(");
        let bookkeeping = BOOKKEEPING.iter().any(|(n, _)| *n == name);
        if !granted && !bookkeeping {
            unchecked.push(format!("{file}: {name}"));
        }
    }
    assert!(
        writes >= 40,
        "the scan found only {writes} writes: is it still reading the store?"
    );
    assert!(
        unchecked.is_empty(),
        "store writes without a role check (self.grant) or a reason in BOOKKEEPING: {unchecked:#?}"
    );
}
