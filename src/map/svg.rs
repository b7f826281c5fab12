//! The placed map as a self-contained SVG document.
//!
//! Marks carry the domain: box fill is attitude, box size is influence, a thick
//! amber outline is a key person held by one thread (or none), line weight is tie
//! strength, blue is ours, red a competitor's, dashed orange a tie gone cold. Every
//! node and tie has a `<title>` (a tooltip) and people carry `data-person`, so a page
//! can make them clickable. The legend is drawn with the same label rules as the
//! nodes, so nothing in the picture overlaps.

use std::fmt::Write;

use super::layout::{lines_height, Key, Placed, DETAIL_SIZE, MARGIN};
use super::model::TieSide;
use super::text::{line_height, text_width, ASCENT_EM};
use crate::domain::{catalogue, Lang, Phrase};

pub const FONT: &str = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','WenQuanYi Zen Hei','PingFang SC','Microsoft YaHei',sans-serif";
pub const OURS: &str = "#2b6cb0";
pub const THEIRS: &str = "#c53030";
pub const COOLING: &str = "#dd6b20";
pub const THREAD: &str = "#d69e2e";
pub const LINE: &str = "#a0aec0";

/// Fill for an attitude -2..2; people without one are white.
pub fn attitude_fill(attitude: Option<i32>) -> &'static str {
    match attitude {
        Some(a) if a <= -2 => "#fc8181",
        Some(-1) => "#fed7d7",
        Some(0) => "#edf2f7",
        Some(1) => "#c6f6d5",
        Some(_) => "#68d391",
        None => "#ffffff",
    }
}

/// Stroke width for a tie of strength 0..5.
pub fn tie_width(strength: f64) -> f64 {
    0.75 + strength.clamp(0.0, 5.0) * 0.9
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

enum Swatch {
    Fill(&'static str),
    Line {
        colour: &'static str,
        width: f64,
        dash: bool,
    },
    Outline(&'static str),
}

pub fn render(placed: &Placed, lang: Lang) -> String {
    let map = &placed.map;
    let mut body = String::new();

    // Reporting lines first, under everything.
    for &(person, manager, dotted) in &map.lines {
        let (Some(p), Some(m)) = (
            placed.node(Key::Person(person)),
            placed.node(Key::Person(manager)),
        ) else {
            continue;
        };
        let (x1, y1, x2, y2) = (m.area.cx(), m.area.bottom(), p.area.cx(), p.area.y);
        // The turn sits just above the report's row, so a line reaching down past
        // other rows runs in the gap between rows, not through their boxes.
        let d = if y2 > y1 {
            let mid = (y2 - 14.0).max(y1 + (y2 - y1) / 2.0).min(y2);
            format!("M{x1:.1} {y1:.1} V{mid:.1} H{x2:.1} V{y2:.1}")
        } else {
            format!("M{x1:.1} {y1:.1} L{x2:.1} {y2:.1}")
        };
        let _ = writeln!(
            body,
            r#"<path class="line" d="{d}" fill="none" stroke="{LINE}" stroke-width="1.2"{}/>"#,
            if dotted {
                r#" stroke-dasharray="3 3""#
            } else {
                ""
            }
        );
    }

    // Ties.
    for t in &map.ties {
        let (Some(from), Some(to)) = (
            placed.node(Key::Party(t.side)),
            placed.node(Key::Person(t.person)),
        ) else {
            continue;
        };
        let (ours, colour) = match t.side {
            TieSide::Ours(_) => (true, if t.cooling { COOLING } else { OURS }),
            TieSide::Theirs(_) => (false, THEIRS),
        };
        let (x1, y1, x2, y2) = if ours {
            (from.area.cx(), from.area.bottom(), to.area.cx(), to.area.y)
        } else {
            (from.area.cx(), from.area.y, to.area.cx(), to.area.bottom())
        };
        let bend = (y2 - y1) * 0.45;
        let who = map
            .parties
            .iter()
            .find(|p| p.side == t.side)
            .map_or("", |p| p.name.as_str());
        let person = map.person(t.person).map_or("", |p| p.name.as_str());
        let mut tip = format!(
            "{who} – {person}: {:.1}/5 ({} {})",
            t.strength,
            catalogue::word(lang, "map-assessed"),
            t.assessed
        );
        if let Some(d) = t.last_contact {
            let _ = write!(tip, ", {} {d}", catalogue::word(lang, "map-last-contact"));
        }
        if t.cooling {
            let _ = write!(tip, ", {}", catalogue::word(lang, "map-cooling"));
        }
        let _ = writeln!(
            body,
            r#"<path class="tie {}" d="M{x1:.1} {y1:.1} C{x1:.1} {:.1} {x2:.1} {:.1} {x2:.1} {y2:.1}" fill="none" stroke="{colour}" stroke-width="{:.2}" stroke-opacity="0.8"{}><title>{}</title></path>"#,
            if ours { "ours" } else { "theirs" },
            y1 + bend,
            y2 - bend,
            tie_width(t.strength),
            if t.cooling {
                r#" stroke-dasharray="7 4""#
            } else {
                ""
            },
            esc(&tip),
        );
    }

    // Nodes.
    for n in &placed.nodes {
        let a = n.area;
        let (class, data, fill, stroke, width, dash, tip) = match n.key {
            Key::Person(id) => {
                let p = map.person(id).expect("person placed from the map");
                let (stroke, width) = if p.single_threaded {
                    (THREAD, 4.0)
                } else if p.in_focus {
                    ("#2d3748", 1.2)
                } else {
                    (LINE, 1.0)
                };
                let mut tip = format!("{} · {} · {}", p.name, p.level, p.department);
                if let Some(r) = &p.role {
                    let _ = write!(tip, " · {r}");
                }
                if let Some(i) = p.influence {
                    let _ = write!(tip, " · {} {i}/5", catalogue::word(lang, "map-influence"));
                }
                if p.single_threaded {
                    let _ = write!(tip, " · {}", catalogue::word(lang, "map-single-threaded"));
                }
                if p.cooling {
                    let _ = write!(tip, " · {}", catalogue::word(lang, "map-best-tie-cooling"));
                }
                (
                    "person",
                    format!(r#" data-person="{id}""#),
                    attitude_fill(p.attitude),
                    stroke,
                    width,
                    !p.in_focus,
                    tip,
                )
            }
            Key::Party(side) => {
                let p = map
                    .parties
                    .iter()
                    .find(|p| p.side == side)
                    .expect("party placed from the map");
                let (class, data, fill, stroke) = match side {
                    TieSide::Ours(e) => (
                        "employee",
                        format!(r#" data-employee="{e}""#),
                        "#ebf8ff",
                        OURS,
                    ),
                    TieSide::Theirs(c) => (
                        "competitor",
                        format!(r#" data-competitor="{c}""#),
                        "#fff5f5",
                        THEIRS,
                    ),
                };
                let tip = if p.role.is_empty() {
                    p.name.clone()
                } else {
                    format!("{} · {}", p.name, p.role)
                };
                (class, data, fill, stroke, 1.5, false, tip)
            }
        };
        // People are what a user acts on: reachable by Tab, named for a screen
        // reader, opened with Enter or Space by the page.
        let focus = if class == "person" {
            format!(r#" tabindex="0" role="button" aria-label="{}""#, esc(&tip))
        } else {
            String::new()
        };
        let _ = writeln!(
            body,
            r#"<g class="{class}"{data}{focus}><title>{}</title>"#,
            esc(&tip)
        );
        let _ = writeln!(
            body,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{width}"{}/>"#,
            a.x,
            a.y,
            a.w,
            a.h,
            if dash {
                r#" stroke-dasharray="4 3""#
            } else {
                ""
            }
        );
        let mut top = a.y + a.h / 2.0 - lines_height(&n.lines) / 2.0;
        for l in &n.lines {
            let baseline = top + ASCENT_EM * l.size;
            top += line_height(l.size);
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" font-size="{}" text-anchor="middle"{}>{}</text>"#,
                a.cx(),
                baseline,
                l.size,
                if l.bold { r#" font-weight="bold""# } else { "" },
                esc(&l.text)
            );
        }
        body.push_str("</g>\n");
    }

    // Legend: a heading, then swatches wrapped to the picture's width.
    let mut heading = match &map.opportunity {
        Some((_, name)) => format!("{} · {} · {}", map.account_name, name, map.as_of),
        None => format!("{} · {}", map.account_name, map.as_of),
    };
    if map.omitted > 0 {
        let shown = map.people.len();
        let all = shown + map.omitted;
        let showing = Phrase::new("map-showing")
            .arg("shown", shown)
            .arg("all", all)
            .say(lang);
        let _ = write!(heading, " · {showing}");
    }
    let mut items: Vec<(Swatch, String)> = Vec::new();
    let attitudes = [
        (-2, catalogue::word(lang, "map-opponent")),
        (-1, catalogue::word(lang, "map-sceptic")),
        (0, catalogue::word(lang, "map-neutral")),
        (1, catalogue::word(lang, "map-supporter")),
        (2, catalogue::word(lang, "map-champion")),
    ];
    for (a, word) in attitudes {
        items.push((Swatch::Fill(attitude_fill(Some(a))), word.to_owned()));
    }
    items.push((
        Swatch::Fill(attitude_fill(None)),
        catalogue::word(lang, "map-no-attitude-recorded").to_owned(),
    ));
    items.push((
        Swatch::Line {
            colour: OURS,
            width: tie_width(4.0),
            dash: false,
        },
        catalogue::word(lang, "map-our-tie-weight-strength").to_owned(),
    ));
    items.push((
        Swatch::Line {
            colour: COOLING,
            width: tie_width(2.0),
            dash: true,
        },
        catalogue::word(lang, "map-tie-gone-cold").to_owned(),
    ));
    items.push((
        Swatch::Line {
            colour: THEIRS,
            width: tie_width(3.0),
            dash: false,
        },
        catalogue::word(lang, "map-competitor-s-tie").to_owned(),
    ));
    items.push((
        Swatch::Line {
            colour: LINE,
            width: 1.2,
            dash: false,
        },
        catalogue::word(lang, "map-reports-to").to_owned(),
    ));
    items.push((
        Swatch::Outline(THREAD),
        catalogue::word(lang, "map-key-person-one-thread-or-none").to_owned(),
    ));
    items.push((
        Swatch::Outline("#2d3748"),
        catalogue::word(lang, "map-box-size-influence").to_owned(),
    ));

    let mut legend = String::new();
    let x0 = MARGIN;
    let mut y = placed.legend_y;
    let _ = writeln!(
        legend,
        r#"<text x="{x0:.1}" y="{:.1}" font-size="13" font-weight="bold">{}</text>"#,
        y + 13.0,
        esc(&heading)
    );
    let heading_w = text_width(&heading, 13.0) * 1.08 + x0;
    y += 26.0;
    let mut x = x0;
    let row_h = 22.0;
    for (swatch, word) in &items {
        let w = 30.0 + text_width(word, DETAIL_SIZE) + 20.0;
        if x > x0 && x + w > placed.width - MARGIN {
            x = x0;
            y += row_h;
        }
        match swatch {
            Swatch::Fill(f) => {
                let _ = writeln!(
                    legend,
                    r##"<rect x="{x:.1}" y="{:.1}" width="22" height="14" rx="3" fill="{f}" stroke="#2d3748" stroke-width="0.8"/>"##,
                    y + 2.0
                );
            }
            Swatch::Line {
                colour,
                width,
                dash,
            } => {
                let _ = writeln!(
                    legend,
                    r#"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="{width:.2}"{}/>"#,
                    y + 9.0,
                    x + 22.0,
                    y + 9.0,
                    if *dash {
                        r#" stroke-dasharray="7 4""#
                    } else {
                        ""
                    }
                );
            }
            Swatch::Outline(c) => {
                let _ = writeln!(
                    legend,
                    r##"<rect x="{x:.1}" y="{:.1}" width="22" height="14" rx="3" fill="#fff" stroke="{c}" stroke-width="3"/>"##,
                    y + 2.0
                );
            }
        }
        let _ = writeln!(
            legend,
            r#"<text x="{:.1}" y="{:.1}" font-size="{DETAIL_SIZE}">{}</text>"#,
            x + 30.0,
            y + 13.0,
            esc(word)
        );
        x += w;
    }
    let width = placed.width.max(heading_w + MARGIN);
    let height = y + row_h + MARGIN;

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{FONT}" class="relationship-map">"#
    );
    let _ = writeln!(out, r#"<title>{}</title>"#, esc(&heading));
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    out.push_str(&body);
    out.push_str(&legend);
    out.push_str("</svg>\n");
    out
}
