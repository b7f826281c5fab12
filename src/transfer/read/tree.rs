//! Salesforce sObject tree files, as `sf data export tree` writes them: record
//! files (`{"records": [...]}`, children nested under their relationship name)
//! and plans (`[{"sobject": ..., "files": [...]}]`) whose files refer to each
//! other's records as `@AccountRef1`.
//!
//! Reference ids are local to one export, so two exports of the same org would
//! collide on them: a record without an `Id` is known instead by what it is (an
//! account by its name, a contact by its e-mail or its account and name, a deal
//! by its account and name, anything else by its content), and references are
//! resolved to those keys within the export (one plan, or one file) they belong
//! to. Numbers are taken as written in the file, never through a float.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::{cannot_read, short_name, Body, RawRecord, Row, Table};
use crate::{Error, Result};

/// True when a JSON text is a tree file or a plan (not guanxi's own format).
pub fn is_tree(text: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        records: Option<Vec<Box<RawValue>>>,
        format: Option<String>,
    }
    #[derive(Deserialize)]
    struct PlanProbe {
        sobject: String,
    }
    match serde_json::from_str::<Probe>(text) {
        Ok(p) => p.records.is_some() && p.format.is_none(),
        Err(_) => serde_json::from_str::<Vec<PlanProbe>>(text)
            .is_ok_and(|p| !p.is_empty() && p.iter().all(|e| !e.sobject.is_empty())),
    }
}

#[derive(Deserialize)]
struct PlanEntry {
    sobject: String,
    files: Vec<String>,
}

#[derive(Deserialize)]
struct Attributes {
    #[serde(rename = "type")]
    object: String,
    #[serde(rename = "referenceId")]
    reference: Option<String>,
}

/// One record, flattened: its fields as text, in the file's order.
struct Flat {
    object: String,
    /// Which file it came from, and its number there (depth first, from 1).
    file: usize,
    number: u64,
    /// The export it belongs to (a plan, or its own file): references resolve
    /// within it.
    export: usize,
    reference: Option<String>,
    fields: Vec<(String, String)>,
}

impl Flat {
    fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    fn set_if_absent(&mut self, field: &str, value: String) {
        if self.get(field).is_none() {
            self.fields.retain(|(k, _)| !k.eq_ignore_ascii_case(field));
            self.fields.push((field.to_owned(), value));
        }
    }
}

/// Reads tree files and plans together.
pub(super) fn open(paths: &[PathBuf]) -> Result<Vec<Table>> {
    // Plans name their files; a file named both directly and by a plan is read once.
    let mut files: Vec<(PathBuf, usize, String)> = Vec::new();
    let mut exports = 0usize;
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| cannot_read(path, e))?;
        if let Ok(plan) = serde_json::from_str::<Vec<PlanEntry>>(&text) {
            let dir = path.parent().unwrap_or(Path::new("."));
            let export = exports;
            exports += 1;
            for entry in plan {
                for f in entry.files {
                    let p = dir.join(&f);
                    if !files.iter().any(|(q, _, _)| same_file(q, &p)) {
                        files.push((p, export, format!("plan {}", short_name(path))));
                    }
                }
                let _ = entry.sobject;
            }
        } else if !files.iter().any(|(q, _, _)| same_file(q, path)) {
            files.push((path.clone(), exports, "its own export".into()));
            exports += 1;
        }
    }
    let mut flats = Vec::new();
    for (i, (path, export, _)) in files.iter().enumerate() {
        let name = short_name(path);
        let text = std::fs::read_to_string(path).map_err(|e| cannot_read(path, e))?;
        #[derive(Deserialize)]
        struct Records {
            records: Vec<Box<RawValue>>,
        }
        let doc: Records = serde_json::from_str(&text).map_err(|e| {
            Error::invalid(
                name.clone(),
                format!("is not a Salesforce tree file ({{\"records\": [...]}}): {e}"),
            )
        })?;
        let mut number = 0;
        for r in &doc.records {
            walk(r, None, i, *export, &mut number, &mut flats)
                .map_err(|e| Error::invalid(name.clone(), e))?;
        }
    }
    resolve(&mut flats);
    Ok(tables(&files, flats))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// Flattens one record and its nested children into `out`.
fn walk(
    raw: &RawValue,
    parent: Option<(&str, &str)>,
    file: usize,
    export: usize,
    number: &mut u64,
    out: &mut Vec<Flat>,
) -> std::result::Result<(), String> {
    *number += 1;
    let at = *number;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(raw.get())
        .map_err(|e| format!("record {at}: is not an object: {e}"))?;
    let fields: HashMap<String, Box<RawValue>> =
        serde_json::from_str(raw.get()).map_err(|e| format!("record {at}: {e}"))?;
    let attributes: Attributes = fields
        .get("attributes")
        .ok_or_else(|| format!("record {at}: has no \"attributes\" (its type)"))
        .and_then(|a| {
            serde_json::from_str(a.get()).map_err(|e| format!("record {at}: attributes: {e}"))
        })?;
    let mut flat = Flat {
        object: attributes.object.clone(),
        file,
        number: at,
        export,
        reference: attributes.reference.clone(),
        fields: Vec::new(),
    };
    let mut children = Vec::new();
    // The file's order of fields (serde_json's map is sorted; the raw map is not
    // ordered either): keys as the parsed object lists them.
    for key in map.keys() {
        if key == "attributes" {
            continue;
        }
        let Some(value) = fields.get(key) else {
            continue;
        };
        let text = value.get().trim_start();
        match text.as_bytes().first() {
            Some(b'"') => {
                let s: String =
                    serde_json::from_str(text).map_err(|e| format!("record {at}: {key}: {e}"))?;
                flat.fields.push((key.clone(), s));
            }
            Some(b'n') => flat.fields.push((key.clone(), String::new())),
            Some(b't' | b'f') => flat.fields.push((key.clone(), text.trim().to_owned())),
            Some(b'-' | b'0'..=b'9') => flat.fields.push((key.clone(), text.trim().to_owned())),
            Some(b'{') => {
                #[derive(Deserialize)]
                struct Nested {
                    records: Option<Vec<Box<RawValue>>>,
                }
                let nested: Nested =
                    serde_json::from_str(text).map_err(|e| format!("record {at}: {key}: {e}"))?;
                match nested.records {
                    Some(records) => children.extend(records),
                    None => {
                        // A related record's fields (`"Account": {"Name": ...}`).
                        let related: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_str(text)
                                .map_err(|e| format!("record {at}: {key}: {e}"))?;
                        for (k, v) in related {
                            if k == "attributes" {
                                continue;
                            }
                            let v = match v {
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Null => String::new(),
                                other => other.to_string(),
                            };
                            flat.fields.push((format!("{key}.{k}"), v));
                        }
                    }
                }
            }
            _ => {
                return Err(format!(
                    "record {at}: field {key} holds a list; a tree file's fields hold one value"
                ))
            }
        }
    }
    if let Some((object, reference)) = parent {
        let link = match (flat.object.as_str(), object) {
            ("Task" | "Event", "Contact" | "Lead") => "WhoId".to_owned(),
            ("Task" | "Event", _) => "WhatId".to_owned(),
            _ => format!("{object}Id"),
        };
        flat.set_if_absent(&link, format!("@{reference}"));
        if matches!(flat.object.as_str(), "Task" | "Event") && object == "Account" {
            flat.set_if_absent("AccountId", format!("@{reference}"));
        }
    }
    let me = (
        flat.object.clone(),
        flat.reference.clone().unwrap_or_default(),
    );
    out.push(flat);
    for child in children {
        walk(&child, Some((&me.0, &me.1)), file, export, number, out)?;
    }
    Ok(())
}

/// Gives every record a key (its `Id`, or what it is) and replaces references
/// (`@AccountRef1`) with the keys of the records they name.
fn resolve(flats: &mut [Flat]) {
    let order = |o: &str| match o {
        "Account" => 0,
        "User" => 1,
        "Contact" => 2,
        "Opportunity" => 3,
        _ => 4,
    };
    let mut indices: Vec<usize> = (0..flats.len()).collect();
    indices.sort_by_key(|i| order(&flats[*i].object));
    let mut keys: HashMap<(usize, String), String> = HashMap::new();
    for i in indices {
        // References first, so a key built from them is stable.
        let export = flats[i].export;
        for (_, v) in &mut flats[i].fields {
            if let Some(r) = v.strip_prefix('@') {
                if let Some(k) = keys.get(&(export, r.to_owned())) {
                    *v = k.clone();
                }
            }
        }
        let f = &flats[i];
        let key = match f.get("Id") {
            Some(id) => id.to_owned(),
            None => natural_key(f),
        };
        if let Some(r) = &f.reference {
            keys.insert((export, r.clone()), key.clone());
        }
        flats[i].set_if_absent("Id", key);
    }
    // References to records later in the order (a contact's ReportsToId).
    for f in flats.iter_mut() {
        let export = f.export;
        for (_, v) in &mut f.fields {
            if let Some(r) = v.strip_prefix('@') {
                if let Some(k) = keys.get(&(export, r.to_owned())) {
                    *v = k.clone();
                }
            }
        }
    }
}

/// What a record without an `Id` is known by, the same in every export.
fn natural_key(f: &Flat) -> String {
    let lower = |s: &str| s.trim().to_lowercase();
    let name = || {
        f.get("Name").map(lower).or_else(|| {
            let first = f.get("FirstName").map(lower).unwrap_or_default();
            f.get("LastName").map(|l| format!("{first} {}", lower(l)))
        })
    };
    let key = match f.object.as_str() {
        "Account" => name().map(|n| format!("account:{n}")),
        "User" => f
            .get("Email")
            .or(f.get("Username"))
            .map(|e| format!("user:{}", lower(e))),
        "Contact" => match (f.get("Email"), f.get("AccountId"), name()) {
            (Some(e), _, _) => Some(format!("contact:{}", lower(e))),
            (None, Some(a), Some(n)) => Some(format!("contact:{a}/{n}")),
            _ => None,
        },
        "Opportunity" => match (f.get("AccountId"), name()) {
            (Some(a), Some(n)) => Some(format!("opportunity:{a}/{n}")),
            _ => None,
        },
        _ => None,
    };
    key.unwrap_or_else(|| {
        let mut fields: Vec<&(String, String)> = f.fields.iter().collect();
        fields.sort();
        let mut h = Sha256::new();
        h.update(f.object.as_bytes());
        for (k, v) in fields {
            h.update(k.to_lowercase().as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
            h.update([0]);
        }
        let digest = h.finalize();
        let hex: String = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:{hex}", f.object.to_lowercase())
    })
}

/// One table per file and object, its columns every field any of its records has.
fn tables(files: &[(PathBuf, usize, String)], flats: Vec<Flat>) -> Vec<Table> {
    let mut groups: Vec<((usize, String), Vec<Flat>)> = Vec::new();
    for f in flats {
        let key = (f.file, f.object.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    let objects_in = |file: usize| groups.iter().filter(|((f, _), _)| *f == file).count();
    let mut out = Vec::new();
    for ((file, object), records) in &groups {
        let (path, _, export) = &files[*file];
        let mut headers: Vec<String> = Vec::new();
        for r in records {
            for (k, _) in &r.fields {
                if !headers.iter().any(|h| h.eq_ignore_ascii_case(k)) {
                    headers.push(k.clone());
                }
            }
        }
        let rows: Vec<RawRecord> = records
            .iter()
            .map(|r| {
                let cells = headers
                    .iter()
                    .map(|h| r.get(h).map(str::to_owned).unwrap_or_default())
                    .collect();
                (r.number, Row::Cells(cells))
            })
            .collect();
        let name = if objects_in(*file) > 1 {
            format!("{}[{object}]", short_name(path))
        } else {
            short_name(path)
        };
        out.push(Table {
            name,
            path: path.clone(),
            headers,
            read_as: format!(
                "Salesforce tree JSON, {} {object} record{} ({export}); places count records",
                records.len(),
                if records.len() == 1 { "" } else { "s" }
            ),
            object: Some(object.clone()),
            unit: "record",
            bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
            body: Body::Rows(Arc::new(rows)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_records_and_plans_resolve_their_references() {
        let dir = tempfile::tempdir().unwrap();
        let nested = r#"{"records":[{"attributes":{"type":"Account","referenceId":"AccountRef1"},
            "Name":"Alpha Dynamics","AnnualRevenue":12345678901234.56,
            "Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"ContactRef1"},
            "LastName":"Zhang","FirstName":"Wei","Email":"zw@alpha.cn"}]}}]}"#;
        std::fs::write(dir.path().join("a.json"), nested).unwrap();
        let plan = r#"[{"sobject":"Account","saveRefs":true,"resolveRefs":false,"files":["Account.json"]},
            {"sobject":"Contact","saveRefs":false,"resolveRefs":true,"files":["Contact.json"]}]"#;
        std::fs::write(dir.path().join("plan.json"), plan).unwrap();
        std::fs::write(
            dir.path().join("Account.json"),
            r#"{"records":[{"attributes":{"type":"Account","referenceId":"AccountRef1"},"Name":"Zoonoodle"}]}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("Contact.json"),
            r#"{"records":[{"attributes":{"type":"Contact","referenceId":"ContactRef1"},"LastName":"Li","AccountId":"@AccountRef1"}]}"#,
        )
        .unwrap();
        let tables = open(&[dir.path().join("a.json"), dir.path().join("plan.json")]).unwrap();
        let cells = |t: &Table, col: &str| -> Vec<String> {
            let i = t.headers.iter().position(|h| h == col).unwrap();
            match &t.body {
                Body::Rows(rows) => rows
                    .iter()
                    .map(|(_, r)| match r {
                        Row::Cells(c) => c[i].clone(),
                        other => panic!("{other:?}"),
                    })
                    .collect(),
                _ => unreachable!(),
            }
        };
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "a.json[Account]",
                "a.json[Contact]",
                "Account.json",
                "Contact.json"
            ]
        );
        // The same reference id in two exports names two different accounts.
        assert_eq!(cells(&tables[1], "AccountId"), ["account:alpha dynamics"]);
        assert_eq!(cells(&tables[3], "AccountId"), ["account:zoonoodle"]);
        // Numbers as written.
        assert_eq!(cells(&tables[0], "AnnualRevenue"), ["12345678901234.56"]);
        assert_eq!(cells(&tables[1], "Id"), ["contact:zw@alpha.cn"]);
        assert!(
            is_tree(nested) && is_tree(plan) && !is_tree(r#"{"format":"guanxi/1","records":[]}"#)
        );
    }
}
