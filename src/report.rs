//! Plain-text renderings for the command line: the support plan as tables an
//! account team can read in a planning session.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use crate::api::SupportPlanG;

fn money(v: f64) -> String {
    let whole = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

/// The plan: what is served, what is left out and why, and how it was solved.
pub fn support_plan(plan: &SupportPlanG) -> String {
    let cur = plan.currency.to_uppercase();
    let mut served = Table::new();
    served
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "Opportunity",
            "Account",
            "Support",
            "Resource",
            "Month",
            "Units",
            &format!("Amount ({cur})"),
            "Lift",
            "Weight",
            &format!("Value ({cur})"),
        ]);
    for a in &plan.assignments {
        served.add_row(vec![
            Cell::new(&a.opportunity_name),
            Cell::new(&a.account_name),
            Cell::new(&a.request.kind),
            Cell::new(&a.resource.name),
            Cell::new(&a.month),
            right(a.request.units.to_string()),
            right(money(a.value.amount)),
            right(format!("{:.0}%", a.value.lift * 100.0)),
            right(format!("{:.1}", a.value.weight)),
            right(money(a.value.value)),
        ]);
    }
    let mut left = Table::new();
    left.set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "Opportunity",
            "Support",
            "Units",
            &format!("Value ({cur})"),
            "Why not",
        ]);
    for l in &plan.left_out {
        left.add_row(vec![
            Cell::new(&l.opportunity_name),
            Cell::new(&l.request.kind),
            right(l.request.units.to_string()),
            right(money(l.value.value)),
            Cell::new(&l.explanation),
        ]);
    }
    let methods: Vec<String> = plan
        .parts
        .iter()
        .map(|p| {
            format!(
                "{} ({} requests, {} choices)",
                p.method, p.requests, p.variables
            )
        })
        .collect();
    let mut out = format!(
        "Support plan for {}: {} served, {} left out; expected value {cur} {} of at most {cur} {} (gap {:.2}%).\n",
        plan.period,
        plan.assignments.len(),
        plan.left_out.len(),
        money(plan.value),
        money(plan.bound),
        plan.gap * 100.0
    );
    if !methods.is_empty() {
        out.push_str(&format!("Solved: {}.\n", methods.join("; ")));
    }
    for w in &plan.warnings {
        out.push_str(&format!("Warning: {w}\n"));
    }
    if plan.assignments.is_empty() {
        out.push_str("\nNothing to serve: no open requests fit the period.\n");
    } else {
        out.push_str(&format!("\nServed\n{served}\n"));
    }
    if !plan.left_out.is_empty() {
        out.push_str(&format!("\nLeft out\n{left}\n"));
    }
    if !plan.shortfalls.is_empty() {
        out.push_str("\nCapacity that would cover more\n");
        for s in &plan.shortfalls {
            out.push_str(&format!(
                "- {} more units of {} in {}{} would serve {} more request{} worth {cur} {}\n",
                s.extra_units,
                s.resource.name,
                s.month,
                s.person_at_limit
                    .as_deref()
                    .map(|n| format!(" (and a higher limit for {n})"))
                    .unwrap_or_default(),
                s.requests.len(),
                if s.requests.len() == 1 { "" } else { "s" },
                money(s.value)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_groups_thousands() {
        assert_eq!(super::money(1_234_567.4), "1,234,567");
        assert_eq!(super::money(999.0), "999");
        assert_eq!(super::money(-1000.0), "-1,000");
    }
}
