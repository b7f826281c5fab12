//! The relationship map as a picture: valid SVG, every person of the deal or
//! account on it, and no two labels overlapping, for the demo and for a
//! generated 60-person account; DOT for Graphviz users.

use serde_json::json;

use crate::{
    each_backend,
    helpers::{demo_server, fresh_database, spawn_on, Backend},
};

/// A drawn label's extent, as the map's own width rule sizes its box.
#[derive(Debug)]
struct Extent {
    text: String,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

fn number(node: &roxmltree::Node, name: &str) -> f64 {
    node.attribute(name)
        .unwrap_or_else(|| panic!("{name} on {node:?}"))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is a number on {node:?}"))
}

fn extent(t: &roxmltree::Node) -> Extent {
    let text: String = t.children().filter_map(|n| n.text()).collect();
    let size = number(t, "font-size");
    let bold = t.attribute("font-weight") == Some("bold");
    let width = guanxi::map::text_width(&text, size) * if bold { 1.08 } else { 1.0 };
    let (x, y) = (number(t, "x"), number(t, "y"));
    let x0 = match t.attribute("text-anchor") {
        Some("middle") => x - width / 2.0,
        Some("end") => x - width,
        _ => x,
    };
    Extent {
        text,
        x0,
        x1: x0 + width,
        // The tallest of the fonts the map names (Noto Sans CJK's ascent, the
        // deepest descent, 0.30 em), so the check holds whichever one draws.
        y0: y - guanxi::map::ASCENT_EM * size,
        y1: y + 0.30 * size,
    }
}

/// Parses the SVG (it must be well-formed, with an `svg` root) and checks that no
/// two labels and no two node boxes overlap. Returns the document's people
/// (`data-person` → the text drawn in their box).
pub fn checked_svg(svg: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(svg).expect("the map is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert!(number(&root, "width") > 0.0 && number(&root, "height") > 0.0);

    let labels: Vec<Extent> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|t| extent(&t))
        .collect();
    assert!(!labels.is_empty());
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            let apart = a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
            assert!(
                apart,
                "labels {:?} and {:?} overlap: {a:?}, {b:?}",
                a.text, b.text
            );
        }
    }

    let mut boxes = Vec::new();
    let mut people = Vec::new();
    for g in doc.descendants().filter(|n| n.has_tag_name("g")) {
        let rect = g
            .children()
            .find(|n| n.has_tag_name("rect"))
            .expect("a box");
        let b = (
            number(&rect, "x"),
            number(&rect, "y"),
            number(&rect, "width"),
            number(&rect, "height"),
        );
        // Every label of a node lies inside its box.
        for t in g.children().filter(|n| n.has_tag_name("text")) {
            let e = extent(&t);
            assert!(
                e.x0 >= b.0 - 0.1
                    && e.x1 <= b.0 + b.2 + 0.1
                    && e.y0 >= b.1 - 0.1
                    && e.y1 <= b.1 + b.3 + 0.1,
                "{e:?} outside its box {b:?}"
            );
        }
        boxes.push(b);
        if let Some(id) = g.attribute("data-person") {
            let text: Vec<String> = g
                .children()
                .filter(|n| n.has_tag_name("text"))
                .map(|t| t.children().filter_map(|n| n.text()).collect())
                .collect();
            people.push((id.to_owned(), text.join("\n")));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "boxes overlap: {a:?} and {b:?}");
        }
    }
    people
}

each_backend!(
    the_demo_maps_are_valid_and_show_everyone_without_overlaps,
    a_sixty_person_account_stays_readable
);

async fn the_demo_maps_are_valid_and_show_everyone_without_overlaps(backend: Backend) {
    let Some((_, app)) = demo_server(backend).await else {
        return;
    };
    let data = app
        .ok(
            "{ accounts(first: 10) { nodes { id name people { id name title }
                 opportunities { id name decisionChain { person { id name } } } } } }",
            json!({}),
        )
        .await;
    let accounts = data["accounts"]["nodes"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    let mut drawn_deals = 0;
    let mut chinese = 0;
    for account in accounts {
        let map = app
            .ok(
                "query($id: ID!) { account(id: $id) { svg: map zh: map(lang: ZH) dot: map(format: DOT) } }",
                json!({ "id": account["id"] }),
            )
            .await;
        let people = account["people"].as_array().unwrap();
        for (key, lang) in [("svg", "en"), ("zh", "zh")] {
            let drawn = checked_svg(map["account"][key].as_str().unwrap());
            assert_eq!(
                drawn.len(),
                people.len(),
                "{lang}: everyone on the account map"
            );
            for p in people {
                let (_, text) = drawn
                    .iter()
                    .find(|(id, _)| id == p["id"].as_str().unwrap())
                    .unwrap_or_else(|| panic!("{} drawn", p["name"]));
                assert!(text.starts_with(p["name"].as_str().unwrap()), "{text}");
                // The whole title, wrapped over lines if need be, never cut.
                if let Some(title) = p["title"].as_str() {
                    let squeezed = |s: &str| s.split_whitespace().collect::<String>();
                    assert!(
                        squeezed(text).contains(&squeezed(title)),
                        "{lang}: {title:?} whole in {text:?}"
                    );
                }
                assert!(!text.contains('…'), "{lang}: nothing cut in {text:?}");
                chinese +=
                    usize::from(text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
            }
        }
        let dot = map["account"]["dot"].as_str().unwrap();
        assert!(dot.starts_with("digraph relationship_map {"), "{dot}");
        assert!(dot.trim_end().ends_with('}'));
        for p in people {
            assert!(dot.contains(&format!("\"p_{}\"", p["id"].as_str().unwrap())));
        }

        for deal in account["opportunities"].as_array().unwrap() {
            let chain = deal["decisionChain"].as_array().unwrap();
            let map = app
                .ok(
                    "query($id: ID!) { opportunity(id: $id) { map } }",
                    json!({ "id": deal["id"] }),
                )
                .await;
            let drawn = checked_svg(map["opportunity"]["map"].as_str().unwrap());
            for m in chain {
                let id = m["person"]["id"].as_str().unwrap();
                assert!(
                    drawn.iter().any(|(d, text)| d == id
                        && text.starts_with(m["person"]["name"].as_str().unwrap())),
                    "{} of {} drawn",
                    m["person"]["name"],
                    deal["name"]
                );
            }
            assert!(drawn.len() >= chain.len());
            drawn_deals += 1;
        }
    }
    assert_eq!(drawn_deals, 19);
    assert!(chinese >= 10, "Chinese names drawn: {chinese}");

    // An opportunity that is not there is a coded NOT_FOUND, not a broken picture.
    let body = app
        .post_graphql(
            "{ opportunity(id: \"01a21b42-0000-7000-8000-000000000000\") { map } }",
            json!({}),
        )
        .await;
    assert!(body["data"]["opportunity"].is_null(), "{body}");
}

async fn a_sixty_person_account_stays_readable(backend: Backend) {
    let Some((url, dir)) = fresh_database(backend).await else {
        return;
    };
    let app = spawn_on(&url, dir).await;
    let spec = guanxi::transfer::PortfolioSpec {
        accounts: 1,
        people_per_account: 60,
        employees: 12,
        competitors: 3,
        seed: 5,
    };
    guanxi::transfer::generate_portfolio(&app.store, &spec, None)
        .await
        .expect("generated");
    let data = app
        .ok(
            "{ accounts(first: 1) { nodes { id map people { id }
                 opportunities { id map decisionChain { person { id } } } } } }",
            json!({}),
        )
        .await;
    let account = &data["accounts"]["nodes"][0];
    let drawn = checked_svg(account["map"].as_str().unwrap());
    assert_eq!(drawn.len(), 60);
    assert_eq!(account["people"].as_array().unwrap().len(), 60);
    for deal in account["opportunities"].as_array().unwrap() {
        let drawn = checked_svg(deal["map"].as_str().unwrap());
        for m in deal["decisionChain"].as_array().unwrap() {
            let id = m["person"]["id"].as_str().unwrap();
            assert!(drawn.iter().any(|(d, _)| d == id));
        }
    }
}

/// A 300-person account: the map keeps every open deal's chain, draws at most
/// 120 people and says how many it left off.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_account_map_keeps_deal_chains_and_says_what_it_left_off() {
    let (url, dir) = fresh_database(Backend::Sqlite).await.expect("SQLite");
    let app = spawn_on(&url, dir).await;
    let spec = guanxi::transfer::PortfolioSpec {
        accounts: 1,
        people_per_account: 300,
        employees: 20,
        competitors: 3,
        seed: 9,
    };
    guanxi::transfer::generate_portfolio(&app.store, &spec, None)
        .await
        .expect("generated");
    let data = app
        .ok(
            "{ accounts(first: 1) { nodes { map dot: map(format: DOT)
                 opportunities { outcome decisionChain { person { id } } } } } }",
            json!({}),
        )
        .await;
    let account = &data["accounts"]["nodes"][0];
    let svg = account["map"].as_str().unwrap();
    let drawn = checked_svg(svg);
    assert_eq!(drawn.len(), guanxi::map::model::ACCOUNT_MAP_PEOPLE);
    assert!(
        svg.contains("showing 120 of 300 people"),
        "the heading says so"
    );
    assert!(account["dot"]
        .as_str()
        .unwrap()
        .contains("(120 of 300 people)"));
    for deal in account["opportunities"].as_array().unwrap() {
        if deal["outcome"] != "OPEN" {
            continue;
        }
        for m in deal["decisionChain"].as_array().unwrap() {
            let id = m["person"]["id"].as_str().unwrap();
            assert!(drawn.iter().any(|(d, _)| d == id), "chain member {id} kept");
        }
    }
}
