//! The map as Graphviz DOT, for teams who lay it out with Graphviz themselves:
//! the same marks as the SVG (fill, size, outline, line weight and colour), and
//! one `rank = same` group per level so Graphviz keeps levels in rows.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{RelationshipMap, TieSide};
use super::svg::{attitude_fill, tie_width, COOLING, LINE, OURS, THEIRS, THREAD};
use crate::domain::Lang;

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn party_id(side: TieSide) -> String {
    match side {
        TieSide::Ours(id) => format!("\"e_{id}\""),
        TieSide::Theirs(id) => format!("\"c_{id}\""),
    }
}

pub fn render(map: &RelationshipMap, _lang: Lang) -> String {
    let mut out = String::new();
    let mut title = match &map.opportunity {
        Some((_, name)) => format!("{} · {}", map.account_name, name),
        None => map.account_name.clone(),
    };
    if map.omitted > 0 {
        let shown = map.people.len();
        let _ = write!(title, " ({shown} of {} people)", shown + map.omitted);
    }
    let _ = writeln!(out, "digraph relationship_map {{");
    let _ = writeln!(
        out,
        "  label = {};\n  labelloc = t;\n  rankdir = TB;\n  newrank = true;",
        quote(&title)
    );
    let _ = writeln!(
        out,
        "  node [shape = box, style = \"rounded,filled\", fontname = \"Noto Sans CJK SC\", fontsize = 11];\n  edge [arrowhead = none];"
    );
    let mut levels: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for p in &map.people {
        let mut label = p.name.clone();
        if let Some(t) = &p.title {
            label.push('\n');
            label.push_str(t);
        }
        label.push('\n');
        label.push_str(p.role.as_deref().unwrap_or(&p.department));
        let scale = 1.0 + 0.1 * f64::from(p.influence.unwrap_or(3).clamp(1, 5) - 3);
        let (colour, pen) = if p.single_threaded {
            (THREAD, 4.0)
        } else {
            ("#2d3748", 1.0)
        };
        let id = format!("\"p_{}\"", p.id);
        let _ = writeln!(
            out,
            "  {id} [label = {}, fillcolor = {}, color = {}, penwidth = {pen}, fontsize = {:.1}{}];",
            quote(&label),
            quote(attitude_fill(p.attitude)),
            quote(colour),
            11.0 * scale,
            if p.in_focus { "" } else { ", style = \"rounded,filled,dashed\"" }
        );
        levels.entry(p.level_rank).or_default().push(id);
    }
    for ids in levels.values() {
        let _ = writeln!(out, "  {{ rank = same; {}; }}", ids.join("; "));
    }
    for party in &map.parties {
        let colour = match party.side {
            TieSide::Ours(_) => OURS,
            TieSide::Theirs(_) => THEIRS,
        };
        let label = if party.role.is_empty() {
            party.name.clone()
        } else {
            format!("{}\n{}", party.name, party.role)
        };
        let _ = writeln!(
            out,
            "  {} [label = {}, fillcolor = \"#ffffff\", color = {}];",
            party_id(party.side),
            quote(&label),
            quote(colour)
        );
    }
    for &(person, manager, dotted) in &map.lines {
        let _ = writeln!(
            out,
            "  \"p_{manager}\" -> \"p_{person}\" [color = {}{}];",
            quote(LINE),
            if dotted { ", style = dashed" } else { "" }
        );
    }
    for t in &map.ties {
        let colour = match t.side {
            TieSide::Ours(_) if t.cooling => COOLING,
            TieSide::Ours(_) => OURS,
            TieSide::Theirs(_) => THEIRS,
        };
        let (from, to) = match t.side {
            TieSide::Ours(_) => (party_id(t.side), format!("\"p_{}\"", t.person)),
            TieSide::Theirs(_) => (format!("\"p_{}\"", t.person), party_id(t.side)),
        };
        let _ = writeln!(
            out,
            "  {from} -> {to} [color = {}, penwidth = {:.2}, tooltip = \"{:.1}/5\"{}];",
            quote(colour),
            tie_width(t.strength),
            t.strength,
            if t.cooling { ", style = dashed" } else { "" }
        );
    }
    out.push_str("}\n");
    out
}
