//! What a methodology version says about win steps, recorded beside each version
//! so a later version can tell a deal what changed for it.

use super::Methodology;

/// A summary of the methodology's win steps per stage, recorded per version so a
/// later version can say what changed for deals that were set under this one.
pub fn snapshot(m: &Methodology) -> String {
    let stages: serde_json::Map<String, serde_json::Value> = m
        .vocabularies
        .stages
        .iter()
        .map(|s| {
            let steps: Vec<serde_json::Value> = m
                .process
                .get(&s.id)
                .map(|p| {
                    p.win_steps
                        .iter()
                        .map(|w| serde_json::json!({ "id": w.id, "label": w.label, "required": w.required }))
                        .collect()
                })
                .unwrap_or_default();
            (s.id.clone(), serde_json::Value::Array(steps))
        })
        .collect();
    serde_json::json!({ "version": m.version, "stages": stages }).to_string()
}

/// How a methodology change affects a deal in one stage: required steps added,
/// and steps removed, between two snapshots.
pub fn step_changes(old: &str, new: &str, stage: &str) -> (Vec<String>, Vec<String>) {
    let parse = |s: &str| -> Vec<(String, bool)> {
        serde_json::from_str::<serde_json::Value>(s)
            .ok()
            .and_then(|v| v["stages"][stage].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|w| {
                (
                    w["id"].as_str().unwrap_or_default().to_owned(),
                    w["required"].as_bool().unwrap_or(false),
                )
            })
            .collect()
    };
    let (before, after) = (parse(old), parse(new));
    let added = after
        .iter()
        .filter(|(id, req)| *req && !before.iter().any(|(b, breq)| b == id && *breq))
        .map(|(id, _)| id.clone())
        .collect();
    let removed = before
        .iter()
        .filter(|(id, _)| !after.iter().any(|(a, _)| a == id))
        .map(|(id, _)| id.clone())
        .collect();
    (added, removed)
}
