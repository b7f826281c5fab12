//! Meeting material as Markdown: headings the room recognises, tables for what
//! is compared, every number with the evidence behind it.

use std::fmt::Write;

use super::gather::{health_part, InventoryGroup, OpportunityMeeting, PlanningMeeting};
use crate::advice::Lang;
use crate::domain::{catalogue, grouped as money, money_zh};
use crate::engine::Movement;
use crate::graph::strength::tenths;

/// Text safe in Markdown and in the HTML it becomes: markup characters escaped,
/// line breaks folded, so a name can never open a tag or break a table.
pub(crate) fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn or_dash(s: Option<impl ToString>) -> String {
    s.map_or_else(|| "–".to_owned(), |v| md(&v.to_string()))
}

/// A table's heading row and its alignment row: `align` has one letter per
/// column, `l` left or `r` right (numbers).
fn head(out: &mut String, columns: &[&str], align: &str) {
    debug_assert_eq!(columns.len(), align.len());
    row(out, columns);
    out.push('|');
    for a in align.chars() {
        out.push_str(if a == 'r' { "---:|" } else { "---|" });
    }
    out.push('\n');
}

/// One table row of cells already escaped.
fn row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c.as_ref());
        out.push_str(" |");
    }
    out.push('\n');
}

pub fn opportunity(r: &OpportunityMeeting) -> String {
    let l = r.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        catalogue::word(l, "report-opportunity-analysis"),
        md(&r.opportunity)
    );
    let _ = writeln!(
        out,
        "{} **{}** · {} **{}** · {} **{}** · {} **{}** · {} **{}** · {} {}\n",
        catalogue::word(l, "report-account"),
        md(&r.account),
        catalogue::word(l, "report-stage"),
        md(&r.stage),
        catalogue::word(l, "report-amount"),
        md(&match l {
            Lang::Zh => money_zh(r.amount, &r.currency),
            Lang::En => format!("{} {}", money(r.amount), r.currency),
        }),
        catalogue::word(l, "report-expected-signing"),
        or_dash(r.expected_sign_date),
        catalogue::word(l, "report-owner"),
        or_dash(r.owner.as_deref()),
        catalogue::word(l, "report-as-of"),
        r.as_of
    );

    let _ = writeln!(
        out,
        "## {}\n",
        catalogue::word(l, "report-the-four-questions")
    );
    head(
        &mut out,
        &[
            catalogue::word(l, "report-question"),
            catalogue::word(l, "report-answer"),
            catalogue::word(l, "report-suggested-by-the-data"),
            catalogue::word(l, "report-recorded"),
            catalogue::word(l, "report-evidence"),
        ],
        "lllll",
    );
    for q in &r.questions {
        row(
            &mut out,
            &[
                md(&q.question),
                format!("**{}**", md(&q.answer)),
                md(&q.suggested),
                or_dash(q.recorded.as_deref()),
                md(&q.evidence),
            ],
        );
    }

    let _ = writeln!(
        out,
        "\n## {} ({})\n",
        catalogue::word(l, "report-win-steps"),
        md(&r.stage)
    );
    if r.steps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            catalogue::word(l, "report-no-win-steps-for-this-stage")
        );
    } else {
        head(
            &mut out,
            &[
                catalogue::word(l, "report-step"),
                catalogue::word(l, "report-required"),
                catalogue::word(l, "report-status"),
                catalogue::word(l, "report-evidence"),
            ],
            "llll",
        );
        for s in &r.steps {
            let required = if s.required {
                catalogue::word(l, "report-yes")
            } else {
                catalogue::word(l, "report-no")
            };
            row(
                &mut out,
                &[
                    md(&s.label),
                    required.to_owned(),
                    format!("**{}**", s.status),
                    md(&s.evidence),
                ],
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        catalogue::word(l, "report-decision-chain")
    );
    if r.chain.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            catalogue::word(l, "report-nobody-is-in-the-decision-chain")
        );
    } else {
        head(
            &mut out,
            &[
                catalogue::word(l, "report-person"),
                catalogue::word(l, "report-title"),
                catalogue::word(l, "report-buying-role"),
                catalogue::word(l, "report-influence"),
                catalogue::word(l, "report-attitude"),
                catalogue::word(l, "report-our-best-tie-now"),
                catalogue::word(l, "report-competitor-s-best-tie"),
            ],
            "lllllll",
        );
        for c in &r.chain {
            row(
                &mut out,
                &[
                    match &c.left_for {
                        None => md(&c.name),
                        Some(now) => md(&match l {
                            Lang::En => format!("{} (has left; now at {now})", c.name),
                            Lang::Zh => format!("{}（已离开本客户，现任职于{now}）", c.name),
                        }),
                    },
                    or_dash(c.title.as_deref()),
                    md(&c.role),
                    or_dash(c.influence.as_deref()),
                    md(&c.attitude),
                    or_dash(
                        c.ours
                            .as_ref()
                            .map(|(who, v)| format!("{who} {:.1}/5", tenths(*v))),
                    ),
                    or_dash(c.theirs.as_ref().map(|(who, v)| format!("{who} {v}/5"))),
                ],
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        catalogue::word(l, "report-relationship-scores")
    );
    head(
        &mut out,
        &[
            catalogue::word(l, "report-score"),
            catalogue::word(l, "report-value"),
            catalogue::word(l, "report-how-it-was-computed"),
        ],
        "lrl",
    );
    for s in &r.scores {
        row(
            &mut out,
            &[md(&s.name), format!("{:.2}", s.value), md(&s.summary)],
        );
    }

    let _ = writeln!(
        out,
        "\n## {}: {:.0} / 100\n",
        catalogue::word(l, "report-health"),
        r.health.score
    );
    head(
        &mut out,
        &[
            catalogue::word(l, "report-part"),
            catalogue::word(l, "report-weight"),
            catalogue::word(l, "report-value"),
            catalogue::word(l, "report-points"),
        ],
        "lrrr",
    );
    for p in &r.health.breakdown {
        row(
            &mut out,
            &[
                md(&health_part(p.name, l)),
                format!("{:.2}", p.weight),
                format!("{:.2}", p.value),
                format!("{:.1}", p.points),
            ],
        );
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        catalogue::word(l, "report-coaching-prompts")
    );
    if r.prompts.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            catalogue::word(l, "report-nothing-to-coach-on-today")
        );
    }
    for (i, p) in r.prompts.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. **{}** ({} {})",
            i + 1,
            md(&p.text),
            catalogue::word(l, "report-severity"),
            p.severity
        );
        let _ = writeln!(
            out,
            "   - {}: {}",
            catalogue::word(l, "report-action"),
            md(&p.action)
        );
        if let Some(path) = &p.path {
            let _ = writeln!(
                out,
                "   - {}: {}",
                catalogue::word(l, "report-introduction-path"),
                md(path)
            );
        }
        if !p.evidence.is_empty() {
            let _ = writeln!(
                out,
                "   - {}: {}",
                catalogue::word(l, "report-evidence"),
                md(&p.evidence)
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        catalogue::word(l, "report-open-support-requests")
    );
    if r.support.is_empty() {
        let _ = writeln!(out, "{}", catalogue::word(l, "report-none-open"));
    } else {
        head(
            &mut out,
            &[
                catalogue::word(l, "report-support"),
                catalogue::word(l, "report-units"),
                catalogue::word(l, "report-needed-by"),
                catalogue::word(l, "report-status"),
                catalogue::word(l, "report-note"),
            ],
            "lrlll",
        );
        for s in &r.support {
            row(
                &mut out,
                &[
                    md(&s.kind),
                    s.units.to_string(),
                    s.needed_by.to_string(),
                    md(&s.status),
                    or_dash(s.note.as_deref()),
                ],
            );
        }
    }
    out
}

fn groups(out: &mut String, l: Lang, heading: &str, list: &[InventoryGroup]) {
    let _ = writeln!(out, "### {heading}\n");
    head(
        out,
        &[
            heading,
            catalogue::word(l, "report-people"),
            catalogue::word(l, "report-held-by-a-real-tie"),
            catalogue::word(l, "report-mean-best-tie"),
            catalogue::word(l, "report-who"),
        ],
        "lrrrl",
    );
    for g in list {
        row(
            out,
            &[
                md(&g.label),
                g.people.to_string(),
                g.held.to_string(),
                format!("{:.1}", g.mean_best),
                md(&who(&g.names, l)),
            ],
        );
    }
    out.push('\n');
}

/// Most names a row of the inventory lists: the room reads a row, not a roster.
const NAMES_PER_ROW: usize = 15;

fn who(names: &[String], l: Lang) -> String {
    if names.len() <= NAMES_PER_ROW {
        return names.join(", ");
    }
    let more = names.len() - NAMES_PER_ROW;
    let shown = names[..NAMES_PER_ROW].join(", ");
    match l {
        Lang::En => format!("{shown} and {more} more"),
        Lang::Zh => format!("{shown} 等另外 {more} 人"),
    }
}

pub fn planning(r: &PlanningMeeting) -> String {
    let l = r.lang;
    let c = &r.changes;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        catalogue::word(l, "report-relationship-planning"),
        md(&r.account)
    );
    let _ = writeln!(
        out,
        "{} {} {} {}\n",
        catalogue::word(l, "report-changes-since"),
        c.since,
        catalogue::word(l, "report-up-to"),
        c.until
    );

    let _ = writeln!(
        out,
        "## {}\n",
        catalogue::word(l, "report-relationship-inventory")
    );
    groups(&mut out, l, catalogue::word(l, "report-level"), &r.by_level);
    groups(
        &mut out,
        l,
        catalogue::word(l, "report-department"),
        &r.by_department,
    );
    groups(
        &mut out,
        l,
        catalogue::word(l, "report-buying-role"),
        &r.by_role,
    );
    groups(
        &mut out,
        l,
        catalogue::word(l, "report-our-owner"),
        &r.by_owner,
    );

    if c.until == r.as_of {
        let _ = writeln!(
            out,
            "## {} {}\n",
            catalogue::word(l, "report-what-changed-since"),
            c.since
        );
    } else {
        let _ = writeln!(
            out,
            "## {} {}{}{}\n",
            catalogue::word(l, "report-what-changed-from"),
            c.since,
            catalogue::word(l, "report-to"),
            c.until
        );
    }
    for (m, heading) in [
        (Movement::Up, catalogue::word(l, "report-assessments-up")),
        (
            Movement::Down,
            catalogue::word(l, "report-assessments-down"),
        ),
        (
            Movement::New,
            catalogue::word(l, "report-ties-first-assessed"),
        ),
    ] {
        let list: Vec<_> = c.moved(m).collect();
        let _ = writeln!(out, "### {heading} ({})\n", list.len());
        for a in list {
            // What the move did to the scores, where it differs in direction
            // or size from the judgement: a faded 4 re-assessed as 3.
            let scored = match (a.scored_before, a.scored_after) {
                (Some(b), Some(n)) if Some(b) != a.before.map(f64::from) => format!(
                    "; {} {:.1} → {:.1}",
                    catalogue::word(l, "report-in-the-scores"),
                    tenths(b),
                    n
                ),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "- {} – {}: {} → **{}** ({}{scored}{})",
                md(&a.holder),
                md(&a.person),
                a.before.map_or_else(|| "–".to_owned(), |b| b.to_string()),
                a.after,
                a.on,
                a.note
                    .as_deref()
                    .map(|n| format!("; {}", md(n)))
                    .unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "### {} ({})\n",
        catalogue::word(l, "report-new-people"),
        c.new_people.len()
    );
    for p in &c.new_people {
        let _ = writeln!(
            out,
            "- **{}**{} ({}, {})",
            md(&p.name),
            p.title
                .as_deref()
                .map(|t| format!(", {}", md(t)))
                .unwrap_or_default(),
            md(&p.department),
            p.on
        );
    }
    let _ = writeln!(
        out,
        "\n### {} ({})\n",
        catalogue::word(l, "report-ties-gone-cold"),
        c.cooled.len()
    );
    for t in &c.cooled {
        let _ = writeln!(
            out,
            "- {} – {}: {} {}, {} {} ({} {})",
            md(&t.employee),
            md(&t.person),
            catalogue::word(l, "report-assessed"),
            t.assessed,
            catalogue::word(l, "report-last-contact"),
            t.last_contact,
            t.silent_days,
            catalogue::word(l, "report-days-silent")
        );
    }
    let _ = writeln!(
        out,
        "\n### {} ({})\n",
        catalogue::word(l, "report-org-chart"),
        c.org.len()
    );
    for o in &c.org {
        let (open, close) = (
            catalogue::word(l, "report-open-paren"),
            catalogue::word(l, "report-close-paren"),
        );
        let side = |text: &Option<String>, level: &Option<String>| match (text, level) {
            (Some(t), Some(lv)) => format!("{}{open}{}{close}", md(t), md(lv)),
            (Some(t), None) => md(t),
            (None, Some(lv)) => md(lv),
            (None, None) => "–".to_owned(),
        };
        let what = match o.kind {
            "promoted" => catalogue::word(l, "report-promoted"),
            "moved_down" => catalogue::word(l, "report-moved-to-a-lower-level"),
            "new_role" => catalogue::word(l, "report-new-role"),
            "new_manager" => catalogue::word(l, "report-new-manager"),
            "dotted_line_added" => catalogue::word(l, "report-new-dotted-line-to"),
            _ => catalogue::word(l, "report-dotted-line-ended-to"),
        };
        let change = match o.kind {
            "dotted_line_added" => side(&o.after, &None),
            "dotted_line_ended" => side(&o.before, &None),
            _ => format!(
                "{} → {}",
                side(&o.before, &o.before_level),
                side(&o.after, &o.after_level)
            ),
        };
        let _ = writeln!(
            out,
            "- **{}**{}{}{}{change}{open}{}{close}",
            md(&o.person),
            catalogue::word(l, "report-colon"),
            what,
            if o.kind.starts_with("dotted") {
                catalogue::word(l, "report-space-before-day")
            } else {
                catalogue::word(l, "report-comma-before-day")
            },
            o.on
        );
    }
    let departures = c.people_left.len() + c.employees_left.len();
    let _ = writeln!(
        out,
        "\n### {} ({departures})\n",
        catalogue::word(l, "report-departures")
    );
    for p in &c.people_left {
        let _ = writeln!(
            out,
            "- **{}** {} {}",
            md(&p.name),
            catalogue::word(l, "report-left-the-account-on"),
            p.on
        );
    }
    for e in &c.employees_left {
        let _ = writeln!(
            out,
            "- **{}** {} {}; {}: {}",
            md(&e.name),
            catalogue::word(l, "report-ours-left-on"),
            e.on,
            catalogue::word(l, "report-ties-to-re-cover"),
            md(&e.ties.join(", "))
        );
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        catalogue::word(l, "report-improvement-points")
    );
    if r.points.is_empty() {
        let _ = writeln!(out, "{}", catalogue::word(l, "report-none-set"));
    } else {
        head(
            &mut out,
            &[
                catalogue::word(l, "report-point"),
                catalogue::word(l, "report-opportunity"),
                catalogue::word(l, "report-owner"),
                catalogue::word(l, "report-due"),
                catalogue::word(l, "report-status"),
                catalogue::word(l, "report-set-by"),
                catalogue::word(l, "report-note"),
            ],
            "lllllll",
        );
        for p in &r.points {
            let said = md(&catalogue::attribute(
                l,
                "point-status",
                &p.status.to_uppercase(),
            ));
            let status = match (p.overdue, p.closed_on) {
                (true, _) => format!("**{said} ({})**", catalogue::word(l, "report-overdue")),
                (false, Some(d)) => format!("{said} {d}"),
                (false, None) => said,
            };
            let set_by = if p.set_by == crate::store::COMMAND_LINE {
                catalogue::word(l, "author-command-line").to_owned()
            } else {
                p.set_by.clone()
            };
            row(
                &mut out,
                &[
                    md(&p.text),
                    or_dash(p.opportunity.as_deref()),
                    or_dash(p.owner.as_deref()),
                    or_dash(p.due_on),
                    status,
                    format!("{} ({})", md(&set_by), p.set_on),
                    or_dash(p.note.as_deref()),
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_inventory_row_names_fifteen_and_counts_the_rest() {
        let names: Vec<String> = (1..=20).map(|i| format!("P{i}")).collect();
        let row = who(&names, Lang::En);
        assert!(
            row.starts_with("P1, P2,") && row.ends_with("P15 and 5 more"),
            "{row}"
        );
        assert_eq!(who(&names[..3], Lang::En), "P1, P2, P3");
        assert!(who(&names, Lang::Zh).ends_with("等另外 5 人"));
    }

    #[test]
    fn names_cannot_open_tags_or_break_tables() {
        assert_eq!(md("<b>A|B</b>"), "&lt;b&gt;A\\|B&lt;/b&gt;");
        assert_eq!(md("line\nbreak *x*"), "line break \\*x\\*");
    }
}
