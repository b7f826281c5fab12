//! Meeting material as Markdown: headings the room recognises, tables for what
//! is compared, every number with the evidence behind it.

use std::fmt::Write;

use super::gather::{health_part, InventoryGroup, OpportunityMeeting, PlanningMeeting};
use crate::advice::Lang;
use crate::domain::{catalogue, grouped as money};
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
        l.say("Opportunity analysis", "商机分析"),
        md(&r.opportunity)
    );
    let _ = writeln!(
        out,
        "{} **{}** · {} **{}** · {} **{} {}** · {} **{}** · {} **{}** · {} {}\n",
        l.say("Account", "客户"),
        md(&r.account),
        l.say("Stage", "阶段"),
        md(&r.stage),
        l.say("Amount", "金额"),
        money(r.amount),
        md(&r.currency),
        l.say("Expected signing", "预计签约"),
        or_dash(r.expected_sign_date),
        l.say("Owner", "负责人"),
        or_dash(r.owner.as_deref()),
        l.say("as of", "截至"),
        r.as_of
    );

    let _ = writeln!(out, "## {}\n", l.say("The four questions", "四个问题"));
    head(
        &mut out,
        &[
            l.say("Question", "问题"),
            l.say("Answer", "回答"),
            l.say("Suggested by the data", "数据建议"),
            l.say("Recorded", "已记录"),
            l.say("Evidence", "依据"),
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
        l.say("Win steps", "赢单步骤"),
        md(&r.stage)
    );
    if r.steps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l.say("No win steps for this stage.", "本阶段没有赢单步骤。")
        );
    } else {
        head(
            &mut out,
            &[
                l.say("Step", "步骤"),
                l.say("Required", "必需"),
                l.say("Status", "状态"),
                l.say("Evidence", "依据"),
            ],
            "llll",
        );
        for s in &r.steps {
            let required = if s.required {
                l.say("yes", "是")
            } else {
                l.say("no", "否")
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

    let _ = writeln!(out, "\n## {}\n", l.say("Decision chain", "决策链"));
    if r.chain.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l.say("Nobody is in the decision chain yet.", "决策链中还没有人。")
        );
    } else {
        head(
            &mut out,
            &[
                l.say("Person", "人员"),
                l.say("Title", "职务"),
                l.say("Buying role", "采购角色"),
                l.say("Influence", "影响力"),
                l.say("Attitude", "态度"),
                l.say("Our best tie (now)", "我方最强关系（当前）"),
                l.say("Competitor's best tie", "竞争对手最强关系"),
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

    let _ = writeln!(out, "\n## {}\n", l.say("Relationship scores", "关系量化"));
    head(
        &mut out,
        &[
            l.say("Score", "指标"),
            l.say("Value", "数值"),
            l.say("How it was computed", "计算说明"),
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
        l.say("Health", "健康度"),
        r.health.score
    );
    head(
        &mut out,
        &[
            l.say("Part", "组成"),
            l.say("Weight", "权重"),
            l.say("Value", "数值"),
            l.say("Points", "得分"),
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

    let _ = writeln!(out, "\n## {}\n", l.say("Coaching prompts", "辅导提示"));
    if r.prompts.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            l.say("Nothing to coach on today.", "今天没有需要辅导的事项。")
        );
    }
    for (i, p) in r.prompts.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. **{}** ({} {})",
            i + 1,
            md(&p.text),
            l.say("severity", "严重度"),
            p.severity
        );
        let _ = writeln!(out, "   - {}: {}", l.say("Action", "行动"), md(&p.action));
        if let Some(path) = &p.path {
            let _ = writeln!(
                out,
                "   - {}: {}",
                l.say("Introduction path", "引荐路径"),
                md(path)
            );
        }
        if !p.evidence.is_empty() {
            let _ = writeln!(
                out,
                "   - {}: {}",
                l.say("Evidence", "依据"),
                md(&p.evidence)
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        l.say("Open support requests", "待处理的支持申请")
    );
    if r.support.is_empty() {
        let _ = writeln!(out, "{}", l.say("None open.", "没有待处理的申请。"));
    } else {
        head(
            &mut out,
            &[
                l.say("Support", "支持"),
                l.say("Units", "数量"),
                l.say("Needed by", "需要日期"),
                l.say("Status", "状态"),
                l.say("Note", "备注"),
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
            l.say("People", "人数"),
            l.say("Held by a real tie", "有实质关系"),
            l.say("Mean best tie", "平均最强关系"),
            l.say("Who", "人员"),
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
        l.say("Relationship planning", "关系规划"),
        md(&r.account)
    );
    let _ = writeln!(
        out,
        "{} {} {} {}\n",
        l.say("Changes since", "变化自"),
        c.since,
        l.say("up to", "至"),
        c.until
    );

    let _ = writeln!(out, "## {}\n", l.say("Relationship inventory", "关系盘点"));
    groups(&mut out, l, l.say("Level", "层级"), &r.by_level);
    groups(&mut out, l, l.say("Department", "部门"), &r.by_department);
    groups(&mut out, l, l.say("Buying role", "采购角色"), &r.by_role);
    groups(&mut out, l, l.say("Our owner", "我方负责人"), &r.by_owner);

    if c.until == r.as_of {
        let _ = writeln!(
            out,
            "## {} {}\n",
            l.say("What changed since", "变化自"),
            c.since
        );
    } else {
        let _ = writeln!(
            out,
            "## {} {}{}{}\n",
            l.say("What changed from", "变化："),
            c.since,
            l.say(" to ", "至"),
            c.until
        );
    }
    for (m, heading) in [
        (Movement::Up, l.say("Assessments up", "评估上升")),
        (Movement::Down, l.say("Assessments down", "评估下降")),
        (Movement::New, l.say("Ties first assessed", "新评估的关系")),
    ] {
        let list: Vec<_> = c.moved(m).collect();
        let _ = writeln!(out, "### {heading} ({})\n", list.len());
        for a in list {
            // What the move did to the scores, where it differs in direction
            // or size from the judgement: a faded 4 re-assessed as 3.
            let scored = match (a.scored_before, a.scored_after) {
                (Some(b), Some(n)) if Some(b) != a.before.map(f64::from) => format!(
                    "; {} {:.1} → {:.1}",
                    l.say("in the scores", "评分中"),
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
        l.say("New people", "新人员"),
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
        l.say("Ties gone cold", "变冷的关系"),
        c.cooled.len()
    );
    for t in &c.cooled {
        let _ = writeln!(
            out,
            "- {} – {}: {} {}, {} {} ({} {})",
            md(&t.employee),
            md(&t.person),
            l.say("assessed", "评估"),
            t.assessed,
            l.say("last contact", "最近接触"),
            t.last_contact,
            t.silent_days,
            l.say("days silent", "天未联系")
        );
    }
    let _ = writeln!(
        out,
        "\n### {} ({})\n",
        l.say("Org chart", "组织架构变化"),
        c.org.len()
    );
    for o in &c.org {
        let (open, close) = (l.say(" (", "（"), l.say(")", "）"));
        let side = |text: &Option<String>, level: &Option<String>| match (text, level) {
            (Some(t), Some(lv)) => format!("{}{open}{}{close}", md(t), md(lv)),
            (Some(t), None) => md(t),
            (None, Some(lv)) => md(lv),
            (None, None) => "–".to_owned(),
        };
        let what = match o.kind {
            "promoted" => l.say("promoted", "晋升"),
            "moved_down" => l.say("moved to a lower level", "降级"),
            "new_role" => l.say("new role", "调岗"),
            "new_manager" => l.say("new manager", "更换直属上级"),
            "dotted_line_added" => l.say("new dotted line to", "新增虚线汇报至"),
            _ => l.say("dotted line ended to", "虚线汇报结束："),
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
            l.say(": ", "："),
            what,
            if o.kind.starts_with("dotted") {
                l.say(" ", "")
            } else {
                l.say(" ", "，")
            },
            o.on
        );
    }
    let departures = c.people_left.len() + c.employees_left.len();
    let _ = writeln!(
        out,
        "\n### {} ({departures})\n",
        l.say("Departures", "离职与调离")
    );
    for p in &c.people_left {
        let _ = writeln!(
            out,
            "- **{}** {} {}",
            md(&p.name),
            l.say("left the account on", "离开客户于"),
            p.on
        );
    }
    for e in &c.employees_left {
        let _ = writeln!(
            out,
            "- **{}** {} {}; {}: {}",
            md(&e.name),
            l.say("(ours) left on", "（我方）离职于"),
            e.on,
            l.say("ties to re-cover", "需要接手的关系"),
            md(&e.ties.join(", "))
        );
    }

    let _ = writeln!(out, "\n## {}\n", l.say("Improvement points", "改进点"));
    if r.points.is_empty() {
        let _ = writeln!(out, "{}", l.say("None set.", "尚未设定。"));
    } else {
        head(
            &mut out,
            &[
                l.say("Point", "改进点"),
                l.say("Opportunity", "商机"),
                l.say("Owner", "负责人"),
                l.say("Due", "截止"),
                l.say("Status", "状态"),
                l.say("Set by", "设定人"),
                l.say("Note", "备注"),
            ],
            "lllllll",
        );
        for p in &r.points {
            let said = md(&catalogue::attribute(l, "point-status", &p.status));
            let status = match (p.overdue, p.closed_on) {
                (true, _) => format!("**{said} ({})**", l.say("overdue", "已逾期")),
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
