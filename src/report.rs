//! Plain-text renderings for the command line: the support plan as tables an
//! account team can read in a planning session, and what an import did.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use crate::support::ExplainedPlan;

pub(crate) use crate::domain::grouped as money;

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

/// The plan: what is served, what is left out and why, and how it was solved.
pub fn support_plan(plan: &ExplainedPlan) -> String {
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
            "P(win)",
            "Lift",
            "Weight",
            "Urgency",
            "Fit",
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
            right(format!("{:.0}%", a.value.probability * 100.0)),
            right(if a.value.qualify_first {
                format!(
                    "{:.0}% ×{:.1} (qualify first)",
                    a.value.lift * 100.0,
                    a.value.qualification
                )
            } else {
                format!("{:.0}%", a.value.lift * 100.0)
            }),
            right(format!("{:.1}", a.value.weight)),
            right(format!("{:.2}", a.value.urgency)),
            right(format!("{:.1}", a.fit)),
            right(money(a.worth)),
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
                "{} ({}, {})",
                p.method.as_str(),
                crate::domain::count(p.requests as i64, "request", "requests"),
                crate::domain::count(p.variables as i64, "choice", "choices")
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
                "- {} of {} in {}{} would serve {} more request{} worth {cur} {}\n",
                crate::domain::count(s.extra_units, "more unit", "more units"),
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

/// A spinner on stderr while a step without a known length runs (hidden when
/// stderr is not a terminal).
pub fn spinner(message: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message.to_owned());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// A progress bar over bytes read (hidden when stderr is not a terminal).
pub fn bytes_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

/// What an import wrote (or would write), table by table; rows left out with
/// their place and reason; likely duplicates.
pub fn import(what: &str, report: &crate::transfer::ImportReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{what}: {} new, {} changed, {} unchanged{}{}",
        report.new_rows(),
        report.changed_rows(),
        report.unchanged_rows(),
        if report.rejected.is_empty() {
            String::new()
        } else {
            format!(
                ", {} left out",
                crate::domain::count(
                    crate::transfer::import::records_refused(&report.rejected) as i64,
                    "row",
                    "rows"
                )
            )
        },
        if report.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    for f in &report.files {
        let lines: Vec<String> = f.summary_lines.iter().map(u64::to_string).collect();
        let mut summary = String::new();
        for (places, one, many, why) in [
            (
                &lines,
                "total or footer line",
                "total or footer lines",
                "lines ",
            ),
            (&f.planned, "activity", "activities", "dated after today: "),
            (
                &f.unchanged_stage,
                "history entry",
                "history entries",
                "in the stage the deal was already in: ",
            ),
            (
                &f.not_parties,
                "relation",
                "relations",
                "to no person (an account, a deal, a lead) or declined: ",
            ),
        ] {
            summary.push_str(&passed_over(places, one, many, why));
        }
        if f.skipped {
            let _ = writeln!(
                out,
                "  skipped {} ({}): it holds {}",
                f.name, f.read_as, f.holds
            );
        } else {
            let _ = writeln!(
                out,
                "  read {} as {}: {} ({}){summary}",
                f.name,
                f.read_as,
                f.holds,
                crate::domain::count(f.records as i64, "record", "records")
            );
        }
    }
    for t in report.tables.iter().filter(|t| t.new + t.changed > 0) {
        let _ = writeln!(out, "  {}: {} new, {} changed", t.table, t.new, t.changed);
    }
    for d in &report.defaulted {
        let _ = writeln!(out, "  defaulted: {d}");
    }
    for m in &report.merged {
        let _ = writeln!(out, "  merged: {m}");
    }
    for r in &report.rejected {
        let _ = writeln!(out, "  left out: {r}");
    }
    for d in &report.near_duplicates {
        let _ = writeln!(
            out,
            "  possible duplicate: {} '{}' looks like '{}' ({}), {}; not merged",
            d.path, d.name, d.looks_like, d.looks_like_id, d.why
        );
    }
    out
}

/// What a calendar import saw: meetings taken, skipped, and people to add.
pub fn calendar(s: &crate::transfer::CalendarSummary) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "calendar: {}; {} with customers; skipped {} cancelled, {} upcoming, {} without a known customer",
        crate::domain::count(s.events as i64, "event", "events"),
        crate::domain::count(s.meetings as i64, "meeting", "meetings"),
        s.cancelled,
        s.upcoming,
        s.without_customer
    );
    if !s.people_to_add.is_empty() {
        let mut table = Table::new();
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(vec![
                "People to add",
                "Name",
                "Account (by e-mail domain)",
                "Meetings",
            ]);
        for p in &s.people_to_add {
            table.add_row(vec![
                Cell::new(&p.email),
                Cell::new(p.name.as_deref().unwrap_or("")),
                Cell::new(
                    p.account
                        .as_ref()
                        .map_or("(unknown)".to_owned(), |(id, name)| {
                            format!("{name} ({id})")
                        }),
                ),
                right(p.meetings.to_string()),
            ]);
        }
        let _ = writeln!(out, "{table}");
    }
    out
}

/// What adopting a methodology changes for each open deal, and whether it was
/// done or only previewed.
pub fn methodology_adoption(
    m: &crate::methodology::Methodology,
    changes: &[crate::engine::MethodologyImpact],
    dry_run: bool,
) -> String {
    let id = |v: &[String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(", ")
        }
    };
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(vec![
            "Opportunity",
            "Stage",
            "From",
            "Steps added",
            "Steps removed",
            "Blockers now",
            "Blockers after",
            "Health",
            "Category",
        ]);
    for c in changes {
        t.add_row(vec![
            Cell::new(&c.name),
            Cell::new(&c.stage),
            Cell::new(&c.recorded_version),
            Cell::new(id(&c.added_required)),
            Cell::new(id(&c.removed)),
            Cell::new(id(&c.blockers_before)),
            Cell::new(id(&c.blockers_after)),
            right(format!("{:.0} → {:.0}", c.health_before, c.health_after)),
            Cell::new(format!("{} → {}", c.category_before, c.category_after)),
        ]);
    }
    let digest: String = m.digest.chars().take(12).collect();
    let head = if changes.is_empty() {
        format!(
            "Every open deal is on methodology {} ({digest}); nothing to adopt.\n",
            m.version
        )
    } else if dry_run {
        format!(
            "Adopting methodology {} ({digest}) would move {} open deals (nothing changed; run without --dry-run to adopt):\n",
            m.version,
            changes.len()
        )
    } else {
        format!(
            "Adopted methodology {} ({digest}) for {} open deals (each move is in the audit trail):\n",
            m.version,
            changes.len()
        )
    };
    if changes.is_empty() {
        head
    } else {
        format!("{head}{t}\n")
    }
}

/// "; passed over 3 activities (dated after today: a.csv:4, a.csv:9, …)": what a
/// file held that the import left out on purpose, with its first places.
fn passed_over(places: &[String], one: &str, many: &str, why: &str) -> String {
    if places.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = places.iter().take(8).map(String::as_str).collect();
    format!(
        "; passed over {} ({why}{}{})",
        crate::domain::count(places.len() as i64, one, many),
        shown.join(", "),
        if places.len() > shown.len() {
            ", …"
        } else {
            ""
        }
    )
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
