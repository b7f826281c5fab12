//! Placing the map: the customer's people by `layout-rs` (a layered layout of
//! the reporting lines, with levels forced in order), our employees in a row above
//! them and the competitors in a row below, each near the people they know.
//!
//! Every label sits inside its box and every box is sized from its label (see
//! [`super::text`]), so boxes that do not overlap mean labels that do not overlap.
//! The layered layout keeps a row's boxes apart; a final sweep per row guarantees
//! it whatever the crate decides.

use std::collections::HashMap;

use layout::core::base::Orientation;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;
use uuid::Uuid;

use super::model::{MapParty, MapPerson, RelationshipMap, TieSide};
use super::text::{line_height, text_width, wrap};

pub const NAME_SIZE: f64 = 13.0;
pub const DETAIL_SIZE: f64 = 11.0;
const PAD_X: f64 = 10.0;
const PAD_Y: f64 = 8.0;
/// Titles longer than this are cut, so one long title does not widen a whole row.
const MAX_DETAIL: f64 = 170.0;
const GAP: f64 = 18.0;
const ROW_GAP: f64 = 70.0;
pub const MARGIN: f64 = 24.0;

/// An axis-aligned box: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Box2 {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Box2 {
    pub fn cx(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    /// True when the two boxes share any area.
    pub fn overlaps(&self, o: &Box2) -> bool {
        self.x < o.right() && o.x < self.right() && self.y < o.bottom() && o.y < self.bottom()
    }
}

/// One line of text inside a box.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub size: f64,
    pub bold: bool,
}

/// A placed node: what it is, its box and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub key: Key,
    pub area: Box2,
    pub lines: Vec<Label>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Person(Uuid),
    Party(TieSide),
}

/// The map with every node placed.
#[derive(Debug, Clone)]
pub struct Placed {
    pub map: RelationshipMap,
    pub nodes: Vec<Node>,
    pub index: HashMap<Key, usize>,
    /// Where the legend starts (top-left), below everything else.
    pub legend_y: f64,
    pub width: f64,
    /// Down to the legend, which the renderer lays out and adds.
    pub height: f64,
}

impl Placed {
    pub fn node(&self, key: Key) -> Option<&Node> {
        self.index.get(&key).map(|&i| &self.nodes[i])
    }
}

/// A text as the box's lines at one size: wrapped, never cut (a title is read
/// whole on a projector, not in a tooltip).
fn wrapped(text: &str, size: f64, bold: bool) -> impl Iterator<Item = Label> {
    wrap(text, size, MAX_DETAIL)
        .into_iter()
        .map(move |text| Label { text, size, bold })
}

fn person_lines(p: &MapPerson) -> Vec<Label> {
    let mut lines: Vec<Label> = wrapped(&p.name, NAME_SIZE, true).collect();
    if let Some(t) = p.title.as_deref().filter(|t| !t.trim().is_empty()) {
        lines.extend(wrapped(t, DETAIL_SIZE, false));
    }
    let role = p.role.clone().unwrap_or_else(|| p.department.clone());
    lines.extend(wrapped(&role, DETAIL_SIZE, false));
    lines
}

fn party_lines(p: &MapParty) -> Vec<Label> {
    let mut lines: Vec<Label> = wrapped(&p.name, NAME_SIZE, true).collect();
    if !p.role.is_empty() {
        lines.extend(wrapped(&p.role, DETAIL_SIZE, false));
    }
    lines
}

/// Box size for lines. `padding` grows the margin around the text with influence,
/// never cutting into the text itself.
fn size_for(lines: &[Label], padding: f64) -> (f64, f64) {
    let text = lines
        .iter()
        .map(|l| text_width(&l.text, l.size) * if l.bold { 1.08 } else { 1.0 })
        .fold(0.0, f64::max);
    let w = text + 2.0 * PAD_X * padding;
    let h = lines_height(lines) + 2.0 * PAD_Y * padding;
    (w.max(60.0), h)
}

/// Height of a box's lines, each as tall as its font needs (see [`line_height`]).
pub fn lines_height(lines: &[Label]) -> f64 {
    lines.iter().map(|l| line_height(l.size)).sum()
}

/// Influence 1..5 pads a box half to twice as much as a plain one: influential
/// people stand out without their names changing size.
fn influence_scale(influence: Option<i32>) -> f64 {
    [0.5, 0.75, 1.0, 1.5, 2.0][(influence.unwrap_or(3).clamp(1, 5) - 1) as usize]
}

/// A render backend that draws nothing: the crate is used for placement only, and
/// the picture is drawn by [`super::svg`] with the domain's own marks.
struct Nowhere;

impl RenderBackend for Nowhere {
    fn draw_rect(
        &mut self,
        _: Point,
        _: Point,
        _: &StyleAttr,
        _: Option<String>,
        _: Option<ClipHandle>,
    ) {
    }
    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}
    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}
    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}
    fn draw_arrow(
        &mut self,
        _: &[(Point, Point)],
        _: bool,
        _: (bool, bool),
        _: &StyleAttr,
        _: Option<String>,
        _: &str,
    ) {
    }
    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

/// Lays the people out in rows: levels in the methodology's order, reports below
/// their managers. Returns each person's box, in layout coordinates.
fn place_people(map: &RelationshipMap, sized: &[(Uuid, f64, f64)]) -> HashMap<Uuid, Box2> {
    if sized.is_empty() {
        return HashMap::new();
    }
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let element = |w: f64, h: f64| {
        Element::create(
            ShapeKind::new_box(""),
            StyleAttr::simple(),
            Orientation::LeftToRight,
            Point::new(w, h),
        )
    };
    // One invisible anchor per level, chained, so that a person is never drawn
    // above a higher level even without a reporting line to place them.
    let ranks = map.people.iter().map(|p| p.level_rank).max().unwrap_or(0) + 1;
    let anchors: Vec<_> = (0..ranks).map(|_| vg.add_node(element(1.0, 1.0))).collect();
    for pair in anchors.windows(2) {
        vg.add_edge(Arrow::simple(""), pair[0], pair[1]);
    }
    let handles: HashMap<Uuid, _> = sized
        .iter()
        .map(|&(id, w, h)| (id, vg.add_node(element(w, h))))
        .collect();
    let rank: HashMap<Uuid, usize> = map.people.iter().map(|p| (p.id, p.level_rank)).collect();
    // Each person's one placing line: a solid line wins over a dotted one.
    let mut manager: HashMap<Uuid, Uuid> = HashMap::new();
    for &(p, m, dotted) in &map.lines {
        if !dotted || !manager.contains_key(&p) {
            manager.insert(p, m);
        }
    }
    for p in &map.people {
        let anchor = anchors[p.level_rank.min(ranks - 1)];
        match manager.get(&p.id).filter(|m| **m != p.id) {
            Some(m) => {
                vg.add_edge(Arrow::simple(""), handles[m], handles[&p.id]);
                if rank[m] + 1 < p.level_rank {
                    vg.add_edge(Arrow::simple(""), anchor, handles[&p.id]);
                }
            }
            None => vg.add_edge(Arrow::simple(""), anchor, handles[&p.id]),
        }
    }
    vg.do_it(false, false, false, &mut Nowhere);

    let mut boxes: HashMap<Uuid, Box2> = handles
        .iter()
        .map(|(&id, &h)| {
            let (tl, br) = vg.pos(h).bbox(false);
            (
                id,
                Box2 {
                    x: tl.x,
                    y: tl.y,
                    w: br.x - tl.x,
                    h: br.y - tl.y,
                },
            )
        })
        .collect();
    // Rows by the crate's vertical placement; then keep every row's boxes apart.
    let mut rows: Vec<(f64, Vec<Uuid>)> = Vec::new();
    let mut ids: Vec<Uuid> = boxes.keys().copied().collect();
    ids.sort_by(|a, b| boxes[a].y.total_cmp(&boxes[b].y).then(a.cmp(b)));
    for id in ids {
        let mid = boxes[&id].y + boxes[&id].h / 2.0;
        match rows.iter_mut().find(|(y, _)| (y - mid).abs() < 1.0) {
            Some((_, r)) => r.push(id),
            None => rows.push((mid, vec![id])),
        }
    }
    for (_, row) in &mut rows {
        row.sort_by(|a, b| boxes[a].x.total_cmp(&boxes[b].x).then(a.cmp(b)));
        separate(row.iter().copied(), &mut boxes);
    }
    // Rows that grew into each other (boxes of different heights) are pushed down.
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut floor = f64::NEG_INFINITY;
    for (_, row) in &rows {
        let top = row
            .iter()
            .map(|id| boxes[id].y)
            .fold(f64::INFINITY, f64::min);
        if top < floor + GAP {
            let shift = floor + GAP - top;
            for id in row {
                boxes.get_mut(id).expect("placed").y += shift;
            }
        }
        floor = row
            .iter()
            .map(|id| boxes[id].bottom())
            .fold(floor, f64::max);
    }
    boxes
}

/// Pushes boxes (in left-to-right order) right until each clears the one before.
fn separate<K: Eq + std::hash::Hash + Copy>(
    order: impl Iterator<Item = K>,
    boxes: &mut HashMap<K, Box2>,
) {
    let mut right = f64::NEG_INFINITY;
    for k in order {
        let b = boxes.get_mut(&k).expect("placed");
        if b.x < right + GAP {
            b.x = right + GAP;
        }
        right = b.right();
    }
}

/// Places a whole map.
pub fn place(map: &RelationshipMap) -> Placed {
    let mut nodes: Vec<Node> = Vec::new();
    let person_lines: HashMap<Uuid, Vec<Label>> =
        map.people.iter().map(|p| (p.id, person_lines(p))).collect();
    let sized: Vec<(Uuid, f64, f64)> = map
        .people
        .iter()
        .map(|p| {
            let (w, h) = size_for(&person_lines[&p.id], influence_scale(p.influence));
            (p.id, w, h)
        })
        .collect();
    let people = place_people(map, &sized);

    // Normalise: the people start one party row below the top margin. A row is
    // as tall as its tallest party (a name and a role, each wrapped), so every
    // party's box holds its lines.
    let two_lines = size_for(
        &[
            Label {
                text: String::new(),
                size: NAME_SIZE,
                bold: true,
            },
            Label {
                text: String::new(),
                size: DETAIL_SIZE,
                bold: false,
            },
        ],
        1.0,
    )
    .1;
    let party_h = map
        .parties
        .iter()
        .map(|p| size_for(&party_lines(p), 1.0).1)
        .fold(two_lines, f64::max);
    let min_x = people.values().map(|b| b.x).fold(f64::INFINITY, f64::min);
    let min_y = people.values().map(|b| b.y).fold(f64::INFINITY, f64::min);
    let (dx, dy) = if people.is_empty() {
        (0.0, 0.0)
    } else {
        (MARGIN - min_x, MARGIN + party_h + ROW_GAP - min_y)
    };
    for p in &map.people {
        if let Some(b) = people.get(&p.id) {
            nodes.push(Node {
                key: Key::Person(p.id),
                area: Box2 {
                    x: b.x + dx,
                    y: b.y + dy,
                    ..*b
                },
                lines: person_lines[&p.id].clone(),
            });
        }
    }
    let people_bottom = nodes
        .iter()
        .map(|n| n.area.bottom())
        .fold(MARGIN + party_h, f64::max);

    // Employees above, competitors below: each at the mean position of the people
    // they know, then pushed apart.
    let centre: HashMap<Uuid, f64> = nodes
        .iter()
        .filter_map(|n| match n.key {
            Key::Person(id) => Some((id, n.area.cx())),
            Key::Party(_) => None,
        })
        .collect();
    for theirs in [false, true] {
        let y = if theirs {
            people_bottom + ROW_GAP
        } else {
            MARGIN
        };
        let mut row: Vec<(TieSide, f64, Vec<Label>, f64)> = map
            .parties
            .iter()
            .filter(|p| matches!(p.side, TieSide::Theirs(_)) == theirs)
            .map(|p| {
                let xs: Vec<f64> = map
                    .ties
                    .iter()
                    .filter(|t| t.side == p.side)
                    .filter_map(|t| centre.get(&t.person).copied())
                    .collect();
                let want = if xs.is_empty() {
                    MARGIN
                } else {
                    xs.iter().sum::<f64>() / xs.len() as f64
                };
                let lines = party_lines(p);
                let w = size_for(&lines, 1.0).0;
                (p.side, want - w / 2.0, lines, w)
            })
            .collect();
        row.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let mut boxes: HashMap<TieSide, Box2> = row
            .iter()
            .map(|(side, x, _, w)| {
                (
                    *side,
                    Box2 {
                        x: x.max(MARGIN),
                        y,
                        w: *w,
                        h: party_h,
                    },
                )
            })
            .collect();
        separate(row.iter().map(|r| r.0), &mut boxes);
        for (side, _, lines, _) in row {
            nodes.push(Node {
                key: Key::Party(side),
                area: boxes[&side],
                lines,
            });
        }
    }
    let width = nodes.iter().map(|n| n.area.right()).fold(560.0, f64::max) + MARGIN;
    let legend_y = nodes.iter().map(|n| n.area.bottom()).fold(0.0, f64::max) + 40.0;
    let index = nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect();
    Placed {
        map: map.clone(),
        nodes,
        index,
        legend_y,
        width,
        height: legend_y,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;
    use uuid::Uuid;

    use super::*;
    use crate::map::model::{MapParty, MapPerson, MapTie};

    fn person(n: u128, level_rank: usize, name: &str) -> MapPerson {
        MapPerson {
            id: Uuid::from_u128(n),
            name: name.to_owned(),
            title: Some("Director of Something Quite Long Indeed".to_owned()),
            department: "IT".to_owned(),
            level: format!("level {level_rank}"),
            level_rank,
            role: Some("Technical evaluator".to_owned()),
            influence: Some((n % 5) as i32 + 1),
            attitude: Some((n % 5) as i32 - 2),
            single_threaded: n.is_multiple_of(3),
            cooling: false,
            in_focus: true,
        }
    }

    fn map(people: Vec<MapPerson>, lines: Vec<(u128, u128, bool)>) -> RelationshipMap {
        let employee = TieSide::Ours(Uuid::from_u128(1000));
        RelationshipMap {
            account_name: "Test".to_owned(),
            opportunity: None,
            omitted: 0,
            as_of: date!(2026 - 11 - 27),
            levels: vec!["Executive".to_owned(), "Management".to_owned()],
            ties: people
                .iter()
                .map(|p| MapTie {
                    side: employee,
                    person: p.id,
                    strength: 3.0,
                    assessed: 3,
                    cooling: false,
                    last_contact: None,
                })
                .collect(),
            people,
            lines: lines
                .into_iter()
                .map(|(p, m, d)| (Uuid::from_u128(p), Uuid::from_u128(m), d))
                .collect(),
            parties: vec![MapParty {
                side: employee,
                name: "张伟".to_owned(),
                role: "Account responsible".to_owned(),
            }],
        }
    }

    fn assert_apart(placed: &Placed) {
        for (i, a) in placed.nodes.iter().enumerate() {
            for b in &placed.nodes[i + 1..] {
                assert!(!a.area.overlaps(&b.area), "{a:?} overlaps {b:?}");
            }
        }
    }

    #[test]
    fn an_empty_chain_draws_only_the_legend() {
        let mut empty = map(Vec::new(), Vec::new());
        empty.parties.clear();
        let placed = place(&empty);
        assert!(placed.nodes.is_empty());
        let svg = crate::map::svg::render(&placed, crate::domain::Lang::En);
        assert!(svg.starts_with("<svg") && svg.contains("reports to"));
    }

    #[test]
    fn reports_sit_below_their_managers_and_levels_stay_in_order() {
        let people = vec![
            person(1, 0, "王建国"),
            person(2, 1, "李明华"),
            person(3, 1, "赵立新"),
            person(4, 2, "吴昊"),
            // A staff member reporting straight to the top, and one with no line.
            person(5, 2, "邓超"),
            person(6, 0, "周文斌"),
        ];
        let placed = place(&map(
            people,
            vec![(2, 1, false), (3, 1, false), (4, 2, false), (5, 1, false)],
        ));
        assert_apart(&placed);
        let y = |n: u128| placed.node(Key::Person(Uuid::from_u128(n))).unwrap().area.y;
        assert!(y(2) > y(1) && y(3) > y(1) && y(4) > y(2));
        // Pushed below the management row by its level, not only below its manager.
        assert!(y(5) > y(2), "{} vs {}", y(5), y(2));
        // Employees above everyone.
        let e = placed
            .node(Key::Party(TieSide::Ours(Uuid::from_u128(1000))))
            .unwrap();
        assert!(placed
            .nodes
            .iter()
            .filter(|n| matches!(n.key, Key::Person(_)))
            .all(|n| n.area.y > e.area.bottom()));
    }

    #[test]
    fn cycles_self_lines_and_unknown_levels_still_draw() {
        let people = vec![
            person(1, 0, "A"),
            person(2, 1, "B"),
            person(3, 9, "Unknown level"),
        ];
        let placed = place(&map(
            people,
            vec![(1, 2, false), (2, 1, false), (3, 3, true), (3, 1, true)],
        ));
        assert_eq!(
            placed
                .nodes
                .iter()
                .filter(|n| matches!(n.key, Key::Person(_)))
                .count(),
            3
        );
        assert_apart(&placed);
    }

    #[test]
    fn a_wide_flat_row_is_kept_apart() {
        let mut people = vec![person(1, 0, "Boss")];
        let mut lines = Vec::new();
        for n in 2..60 {
            people.push(person(n, 1, &format!("{}号员工 Very Long Name", n)));
            lines.push((n, 1, false));
        }
        let placed = place(&map(people, lines));
        assert_apart(&placed);
    }
}
