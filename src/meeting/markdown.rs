//! Meeting material as Markdown: headings the room recognises, tables for what
//! is compared, every number with the evidence behind it.

use std::fmt::Write;

use super::gather::{InventoryGroup, OpportunityMeeting, PlanningMeeting};
use crate::advice::Lang;
use crate::engine::Movement;

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

fn say(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

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

fn or_dash(s: Option<impl ToString>) -> String {
    s.map_or_else(|| "–".to_owned(), |v| md(&v.to_string()))
}

pub fn opportunity(r: &OpportunityMeeting) -> String {
    let l = r.lang;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        say(l, "Opportunity analysis", "商机分析"),
        md(&r.opportunity)
    );
    let _ = writeln!(
        out,
        "{} **{}** · {} **{}** · {} **{} {}** · {} **{}** · {} **{}** · {} {}\n",
        say(l, "Account", "客户"),
        md(&r.account),
        say(l, "Stage", "阶段"),
        md(&r.stage),
        say(l, "Amount", "金额"),
        money(r.amount),
        md(&r.currency),
        say(l, "Expected signing", "预计签约"),
        or_dash(r.expected_sign_date),
        say(l, "Owner", "负责人"),
        or_dash(r.owner.as_deref()),
        say(l, "as of", "截至"),
        r.as_of
    );

    let _ = writeln!(out, "## {}\n", say(l, "The four questions", "四个问题"));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        say(l, "Question", "问题"),
        say(l, "Answer", "回答"),
        say(l, "Suggested by the data", "数据建议"),
        say(l, "Recorded", "已记录"),
        say(l, "Evidence", "依据")
    );
    for q in &r.questions {
        let _ = writeln!(
            out,
            "| {} | **{}** | {} | {} | {} |",
            md(&q.question),
            md(&q.answer),
            md(&q.suggested),
            or_dash(q.recorded.as_deref()),
            md(&q.evidence)
        );
    }

    let _ = writeln!(
        out,
        "\n## {} ({})\n",
        say(l, "Win steps", "赢单步骤"),
        md(&r.stage)
    );
    if r.steps.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            say(l, "No win steps for this stage.", "本阶段没有赢单步骤。")
        );
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            say(l, "Step", "步骤"),
            say(l, "Required", "必需"),
            say(l, "Status", "状态"),
            say(l, "Evidence", "依据")
        );
        for s in &r.steps {
            let _ = writeln!(
                out,
                "| {} | {} | **{}** | {} |",
                md(&s.label),
                if s.required {
                    say(l, "yes", "是")
                } else {
                    say(l, "no", "否")
                },
                s.status,
                md(&s.evidence)
            );
        }
    }

    let _ = writeln!(out, "\n## {}\n", say(l, "Relationship scores", "关系量化"));
    let _ = writeln!(
        out,
        "| {} | {} | {} |\n|---|---:|---|",
        say(l, "Score", "指标"),
        say(l, "Value", "数值"),
        say(l, "How it was computed", "计算说明")
    );
    for s in &r.scores {
        let _ = writeln!(
            out,
            "| {} | {:.2} | {} |",
            md(&s.name),
            s.value,
            md(&s.summary)
        );
    }

    let _ = writeln!(
        out,
        "\n## {}: {:.0} / 100\n",
        say(l, "Health", "健康度"),
        r.health.score
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} |\n|---|---:|---:|---:|",
        say(l, "Part", "组成"),
        say(l, "Weight", "权重"),
        say(l, "Value", "数值"),
        say(l, "Points", "得分")
    );
    for p in &r.health.breakdown {
        let _ = writeln!(
            out,
            "| {} | {:.2} | {:.2} | {:.1} |",
            md(p.name),
            p.weight,
            p.value,
            p.points
        );
    }

    let _ = writeln!(out, "\n## {}\n", say(l, "Coaching prompts", "辅导提示"));
    if r.prompts.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            say(l, "Nothing to coach on today.", "今天没有需要辅导的事项。")
        );
    }
    for (i, p) in r.prompts.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. **{}** ({} {})",
            i + 1,
            md(&p.text),
            say(l, "severity", "严重度"),
            p.severity
        );
        let _ = writeln!(out, "   - {}: {}", say(l, "Action", "行动"), md(&p.action));
        if let Some(path) = &p.path {
            let _ = writeln!(
                out,
                "   - {}: {}",
                say(l, "Introduction path", "引荐路径"),
                md(path)
            );
        }
        if !p.evidence.is_empty() {
            let _ = writeln!(
                out,
                "   - {}: {}",
                say(l, "Evidence", "依据"),
                md(&p.evidence)
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        say(l, "Open support requests", "待处理的支持申请")
    );
    if r.support.is_empty() {
        let _ = writeln!(out, "{}", say(l, "None open.", "没有待处理的申请。"));
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |\n|---|---:|---|---|---|",
            say(l, "Support", "支持"),
            say(l, "Units", "数量"),
            say(l, "Needed by", "需要日期"),
            say(l, "Status", "状态"),
            say(l, "Note", "备注")
        );
        for s in &r.support {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&s.kind),
                s.units,
                s.needed_by,
                md(&s.status),
                or_dash(s.note.as_deref())
            );
        }
    }
    out
}

fn groups(out: &mut String, l: Lang, heading: &str, list: &[InventoryGroup]) {
    let _ = writeln!(out, "### {heading}\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---|",
        heading,
        say(l, "People", "人数"),
        say(l, "Held by a real tie", "有实质关系"),
        say(l, "Mean best tie", "平均最强关系"),
        say(l, "Who", "人员")
    );
    for g in list {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.1} | {} |",
            md(&g.label),
            g.people,
            g.held,
            g.mean_best,
            md(&g.names.join(", "))
        );
    }
    out.push('\n');
}

pub fn planning(r: &PlanningMeeting) -> String {
    let l = r.lang;
    let c = &r.changes;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}: {}\n",
        say(l, "Relationship planning", "关系规划"),
        md(&r.account)
    );
    let _ = writeln!(
        out,
        "{} {} {} {}\n",
        say(l, "Changes since", "变化自"),
        c.since,
        say(l, "up to", "至"),
        c.until
    );

    let _ = writeln!(out, "## {}\n", say(l, "Relationship inventory", "关系盘点"));
    groups(&mut out, l, say(l, "Level", "层级"), &r.by_level);
    groups(&mut out, l, say(l, "Department", "部门"), &r.by_department);
    groups(&mut out, l, say(l, "Buying role", "采购角色"), &r.by_role);
    groups(&mut out, l, say(l, "Our owner", "我方负责人"), &r.by_owner);

    let _ = writeln!(
        out,
        "## {} {}\n",
        say(l, "What changed since", "变化自"),
        c.since
    );
    for (m, heading) in [
        (Movement::Up, say(l, "Assessments up", "评估上升")),
        (Movement::Down, say(l, "Assessments down", "评估下降")),
        (Movement::New, say(l, "Ties first assessed", "新评估的关系")),
    ] {
        let list: Vec<_> = c.moved(m).collect();
        let _ = writeln!(out, "### {heading} ({})\n", list.len());
        for a in list {
            let _ = writeln!(
                out,
                "- {} – {}: {} → **{}** ({}{})",
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
        say(l, "New people", "新人员"),
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
        say(l, "Ties gone cold", "变冷的关系"),
        c.cooled.len()
    );
    for t in &c.cooled {
        let _ = writeln!(
            out,
            "- {} – {}: {} {}, {} {} ({} {})",
            md(&t.employee),
            md(&t.person),
            say(l, "assessed", "评估"),
            t.assessed,
            say(l, "last contact", "最近接触"),
            t.last_contact,
            t.silent_days,
            say(l, "days silent", "天未联系")
        );
    }
    let departures = c.people_left.len() + c.employees_left.len();
    let _ = writeln!(
        out,
        "\n### {} ({departures})\n",
        say(l, "Departures", "离职与调离")
    );
    for p in &c.people_left {
        let _ = writeln!(
            out,
            "- **{}** {} {}",
            md(&p.name),
            say(l, "left the account on", "离开客户于"),
            p.on
        );
    }
    for e in &c.employees_left {
        let _ = writeln!(
            out,
            "- **{}** {} {}; {}: {}",
            md(&e.name),
            say(l, "(ours) left on", "（我方）离职于"),
            e.on,
            say(l, "ties to re-cover", "需要接手的关系"),
            md(&e.ties.join(", "))
        );
    }

    let _ = writeln!(out, "\n## {}\n", say(l, "Improvement points", "改进点"));
    if r.points.is_empty() {
        let _ = writeln!(out, "{}", say(l, "None set.", "尚未设定。"));
    } else {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|---|",
            say(l, "Point", "改进点"),
            say(l, "Opportunity", "商机"),
            say(l, "Owner", "负责人"),
            say(l, "Due", "截止"),
            say(l, "Status", "状态"),
            say(l, "Set by", "设定人"),
            say(l, "Note", "备注")
        );
        for p in &r.points {
            let status = match (p.overdue, p.closed_on) {
                (true, _) => format!("**{} ({})**", md(&p.status), say(l, "overdue", "已逾期")),
                (false, Some(d)) => format!("{} {d}", md(&p.status)),
                (false, None) => md(&p.status),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} ({}) | {} |",
                md(&p.text),
                or_dash(p.opportunity.as_deref()),
                or_dash(p.owner.as_deref()),
                or_dash(p.due_on),
                status,
                md(&p.set_by),
                p.set_on,
                or_dash(p.note.as_deref())
            );
        }
    }
    out
}
