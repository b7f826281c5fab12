//! What changed between two methodologies, line by line, for `guanxi methodology diff`.

use super::{Methodology, StepKind};

fn step_desc(kind: &StepKind, required: bool) -> String {
    let how = match kind {
        StepKind::Manual => "manual".to_owned(),
        StepKind::Auto(c) => format!("auto: {}", c.source),
    };
    format!("{}{how}", if required { "required, " } else { "" })
}

/// Lines describing the change from `old` to `new`; empty when nothing that
/// matters changed.
pub fn diff(old: &Methodology, new: &Methodology) -> Vec<String> {
    let mut out = Vec::new();
    if old.version != new.version {
        out.push(format!("version: {} -> {}", old.version, new.version));
    }
    let (os, ns) = (&old.vocabularies.stages, &new.vocabularies.stages);
    for s in ns.iter().filter(|s| !os.iter().any(|o| o.id == s.id)) {
        out.push(format!("+ stage {}", s.id));
    }
    for s in os.iter().filter(|s| !ns.iter().any(|n| n.id == s.id)) {
        out.push(format!("- stage {}", s.id));
    }
    for n in ns {
        let Some(o) = os.iter().find(|o| o.id == n.id) else {
            continue;
        };
        if o.expected_days != n.expected_days {
            out.push(format!(
                "~ stage {}: expected_days {} -> {}",
                n.id, o.expected_days, n.expected_days
            ));
        }
        if (o.probability - n.probability).abs() > 1e-12 {
            out.push(format!(
                "~ stage {}: probability {} -> {}",
                n.id, o.probability, n.probability
            ));
        }
        let (op, np) = (old.process.get(&n.id), new.process.get(&n.id));
        let (osteps, nsteps) = (
            op.map(|p| &p.win_steps[..]).unwrap_or(&[]),
            np.map(|p| &p.win_steps[..]).unwrap_or(&[]),
        );
        for w in nsteps {
            match osteps.iter().find(|x| x.id == w.id) {
                None => out.push(format!(
                    "+ win step {}/{} ({})",
                    n.id,
                    w.id,
                    step_desc(&w.kind, w.required)
                )),
                Some(x) if x.required != w.required || x.kind != w.kind => out.push(format!(
                    "~ win step {}/{}: {} -> {}",
                    n.id,
                    w.id,
                    step_desc(&x.kind, x.required),
                    step_desc(&w.kind, w.required)
                )),
                Some(_) => {}
            }
        }
        for w in osteps
            .iter()
            .filter(|w| !nsteps.iter().any(|x| x.id == w.id))
        {
            out.push(format!("- win step {}/{}", n.id, w.id));
        }
        let (oc, nc) = (
            op.map(|p| &p.exit_criteria[..]).unwrap_or(&[]),
            np.map(|p| &p.exit_criteria[..]).unwrap_or(&[]),
        );
        for c in nc {
            match oc.iter().find(|x| x.id == c.id) {
                None => out.push(format!(
                    "+ exit criterion {}/{}: {}",
                    n.id, c.id, c.condition.source
                )),
                Some(x) if x.condition != c.condition => out.push(format!(
                    "~ exit criterion {}/{}: {} -> {}",
                    n.id, c.id, x.condition.source, c.condition.source
                )),
                Some(_) => {}
            }
        }
        for c in oc.iter().filter(|c| !nc.iter().any(|x| x.id == c.id)) {
            out.push(format!("- exit criterion {}/{}", n.id, c.id));
        }
    }
    for r in &new.rules {
        match old.rules.iter().find(|x| x.id == r.id) {
            None => out.push(format!(
                "+ rule {} (severity {}): {}",
                r.id, r.severity, r.condition.source
            )),
            Some(x) => {
                if x.condition != r.condition {
                    out.push(format!(
                        "~ rule {}: {} -> {}",
                        r.id, x.condition.source, r.condition.source
                    ));
                }
                if x.severity != r.severity {
                    out.push(format!(
                        "~ rule {}: severity {} -> {}",
                        r.id, x.severity, r.severity
                    ));
                }
                if x.text != r.text
                    || x.action != r.action
                    || x.text_zh != r.text_zh
                    || x.action_zh != r.action_zh
                {
                    out.push(format!("~ rule {}: wording changed", r.id));
                }
            }
        }
    }
    for r in old
        .rules
        .iter()
        .filter(|r| !new.rules.iter().any(|x| x.id == r.id))
    {
        out.push(format!("- rule {}", r.id));
    }
    for q in &new.questions {
        match old.questions.iter().find(|x| x.id == q.id) {
            None => out.push(format!("+ question {}", q.id)),
            Some(x) if x.yes_when != q.yes_when || x.no_when != q.no_when => {
                out.push(format!("~ question {}: conditions changed", q.id))
            }
            Some(_) => {}
        }
    }
    for q in old
        .questions
        .iter()
        .filter(|q| !new.questions.iter().any(|x| x.id == q.id))
    {
        out.push(format!("- question {}", q.id));
    }
    let items = |m: &Methodology| -> Vec<(String, String)> {
        m.plan
            .iter()
            .flat_map(|e| e.items.iter().map(move |i| (e.id.clone(), i.id.clone())))
            .collect()
    };
    let (oi, ni) = (items(old), items(new));
    for (e, i) in ni.iter().filter(|x| !oi.contains(x)) {
        out.push(format!("+ plan item {e}/{i}"));
    }
    for (e, i) in oi.iter().filter(|x| !ni.contains(x)) {
        out.push(format!("- plan item {e}/{i}"));
    }
    if old.scoring != new.scoring {
        out.push("~ scoring parameters changed (scoring.toml)".into());
    }
    if old.scales != new.scales {
        out.push("~ scales changed (scales.toml)".into());
    }
    support_and_forecast(old, new, &mut out);
    out
}

/// Support needs, allocation values and forecast parameters.
fn support_and_forecast(old: &Methodology, new: &Methodology, out: &mut Vec<String>) {
    let (on, nn) = (&old.support.needs, &new.support.needs);
    for n in nn {
        match on.iter().find(|x| x.id == n.id) {
            None => out.push(format!(
                "+ support need {} ({} in {}): {}",
                n.id,
                n.kind,
                n.stages.join(", "),
                n.condition.source
            )),
            Some(x)
                if x.condition != n.condition
                    || x.stages != n.stages
                    || x.kind != n.kind
                    || x.units != n.units
                    || (x.lift - n.lift).abs() > 1e-12 =>
            {
                out.push(format!("~ support need {}: changed", n.id))
            }
            Some(_) => {}
        }
    }
    for n in on.iter().filter(|n| !nn.iter().any(|x| x.id == n.id)) {
        out.push(format!("- support need {}", n.id));
    }
    let (o, n) = (&old.support, &new.support);
    if o.currency_rates != n.currency_rates
        || o.strategic_weight != n.strategic_weight
        || o.default_lift != n.default_lift
        || o.reference_currency != n.reference_currency
    {
        out.push("~ support values changed (support.toml: rates, weights or lifts)".into());
    }
    let ids = |m: &Methodology| -> Vec<(String, String)> {
        m.forecast
            .categories
            .iter()
            .map(|c| (c.id.clone(), c.condition.source.clone()))
            .collect()
    };
    if ids(old) != ids(new) {
        out.push("~ forecast categories changed (forecast.toml)".into());
    }
    if old.forecast.probability != new.forecast.probability
        || old.forecast.patterns != new.forecast.patterns
    {
        out.push("~ forecast parameters changed (forecast.toml)".into());
    }
}
