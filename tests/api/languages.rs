//! One language at a time on the planning page, in real headless Chromium: in
//! 中文 no English interface word shows (the deal, its opened score
//! explanations, a person's panel, the whole account), and in English no Chinese
//! one. What the data says (names, titles, notes, deal names) is left out of the
//! check: it is shown as it was written.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::{
    browser::{browser, chain_member, click, eventually, ids, start_driver, text},
    helpers::{demo_server, Backend},
};

/// Every text the reader sees on the page right now: text nodes of rendered
/// elements (the map's SVG included), with every `<details>` opened first, and
/// the labels assistive technology reads (aria-label, title, placeholder).
const SEEN: &str = r#"
document.querySelectorAll("details").forEach((d) => { d.open = true; });
const seen = [];
// A box on the map is read as one text: its lines run on (a title wrapped over
// two lines is one title), marked so the check reads it without spaces.
for (const g of document.querySelectorAll("svg g")) {
  const lines = [...g.querySelectorAll(":scope > text")].map((t) => t.textContent.trim());
  if (lines.length) seen.push("\u0001" + lines.join(""));
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  const parent = node.parentElement;
  if (!parent || parent.closest("script, style, [hidden], svg g > text")) continue;
  if (parent.checkVisibility && !parent.checkVisibility() && !parent.closest("svg")) continue;
  const s = node.textContent.trim();
  if (s) seen.push(s);
}
for (const e of document.querySelectorAll("[aria-label], [title], [placeholder]")) {
  if (e.closest("[hidden]")) continue;
  for (const a of ["aria-label", "title", "placeholder"]) {
    const v = e.getAttribute(a);
    if (v && v.trim()) seen.push(v.trim());
  }
}
return seen;
"#;

/// What the data itself says: every text of the demo's data file (names,
/// titles, notes, deal names), which the page shows as written whatever its
/// language. Ids and codes (`finance`, `cny`) are left in, so a code shown in
/// place of its label is caught.
fn data_strings() -> Vec<String> {
    let demo: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/demo.json")).unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    collect(&demo, &mut out);
    // A currency code is a code too: a Chinese sentence says 4800万元, not CNY.
    let id = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    };
    let code = |s: &str| s.len() <= 4 && s.chars().all(|c| c.is_ascii_uppercase());
    out.retain(|s| !(id(s) || code(s)));
    // The longest first, so a name is not cut by a shorter one inside it.
    out.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    out.dedup();
    out
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// Words that are the same in both languages: our roles' abbreviations, units,
/// currency codes, the formulas' variables and the language switch itself.
const SHARED: &[&str] = &["AR", "SR", "FR", "KP", "API", "https", "PoC"];

/// A formula's variable (`w_p`, `KP_p`, `_r`), the same in both languages; an id
/// such as `key_person` is not one.
fn is_variable(w: &str) -> bool {
    matches!(w.split_once('_'), Some((head, tail))
        if head.len() <= 3 && tail.len() == 1 && tail.chars().all(|c| c.is_ascii_lowercase()))
}

/// Whole texts that stay as they are in either language: the product's name and
/// the language switch, each language's name in its own script.
const SAME_IN_BOTH: &[&str] = &["guanxi", "EN", "中文"];

/// The words of `seen` in the wrong language for `lang`, data left out.
fn foreign(seen: &[String], data: &[String], lang: &str) -> Vec<String> {
    let mut found = Vec::new();
    for s in seen {
        if SAME_IN_BOTH.contains(&s.as_str()) {
            continue;
        }
        // A map box, read as one text: data is found in it with its spaces gone.
        let (mut rest, squeeze) = match s.strip_prefix('\u{1}') {
            Some(boxed) => (boxed.split_whitespace().collect(), true),
            None => (s.clone(), false),
        };
        // A title the map cuts short ("Senior Engineer, Core N…") is data too.
        if let Some(cut) = s.strip_suffix('…') {
            if data.iter().any(|d| d.starts_with(cut.trim_end())) {
                continue;
            }
        }
        for d in data {
            if squeeze {
                let d: String = d.split_whitespace().collect();
                rest = rest.replace(d.as_str(), " ");
            } else {
                rest = rest.replace(d.as_str(), " ");
            }
        }
        let wrong: Vec<String> = if lang == "zh" {
            rest.split(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
                .filter(|w| w.len() >= 2 && !is_variable(w) && !SHARED.contains(w))
                .map(str::to_owned)
                .collect()
        } else {
            rest.chars()
                .filter(|c| {
                    ('\u{4e00}'..='\u{9fff}').contains(c)
                        || ('\u{3000}'..='\u{303f}').contains(c)
                        || ('\u{ff00}'..='\u{ffef}').contains(c)
                })
                .map(|c| c.to_string())
                .collect()
        };
        if !wrong.is_empty() {
            found.push(format!("{s:?} ({})", wrong.join(" ")));
        }
    }
    found.sort();
    found.dedup();
    found
}

async fn seen(c: &Client) -> Vec<String> {
    let v = c.execute(SEEN, vec![]).await.expect("the page's text");
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_speaks_one_language_at_a_time() {
    let Some((_driver, driver)) = start_driver().await else {
        return;
    };
    let (_, app) = demo_server(Backend::Sqlite).await.expect("SQLite");
    let deal = ids(&app).await;
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    let cfo = chain_member(&deal, "赵立新");
    let data = data_strings();

    // The check can fail: an English word in a Chinese sentence is caught, and
    // a Chinese one in an English sentence; data is not.
    let mixed = [
        "关系 Visit 赵立新".to_owned(),
        "Met 赵立新 at the 拜访".to_owned(),
    ];
    assert_eq!(
        foreign(&mixed[..1], &data, "zh"),
        vec![r#""关系 Visit 赵立新" (Visit)"#]
    );
    // A map box is read whole, its wrapped title found as data, its role's label
    // not.
    assert_eq!(
        foreign(
            &["\u{1}赵立新Chief FinancialOfficerExecutive".to_owned()],
            &data,
            "zh"
        )
        .len(),
        1
    );
    assert!(foreign(
        &["\u{1}赵立新Chief FinancialOfficer财务评估者".to_owned()],
        &data,
        "zh"
    )
    .is_empty());
    assert_eq!(
        foreign(&mixed[1..], &data, "en"),
        vec![r#""Met 赵立新 at the 拜访" (拜 访)"#]
    );

    // Amounts as each reader writes them: a Chinese coach in 万元.
    let amounts = app
        .ok(
            "query($o: ID!) { opportunity(id: $o) { en: amountText zh: amountText(lang: ZH)
                budget { zh: amountText(lang: ZH) } } }",
            json!({ "o": deal_id }),
        )
        .await;
    assert_eq!(amounts["opportunity"]["en"], "48,000,000 CNY", "{amounts}");
    assert_eq!(amounts["opportunity"]["zh"], "4800万元", "{amounts}");
    assert_eq!(
        amounts["opportunity"]["budget"]["zh"], "5000万元",
        "{amounts}"
    );

    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;
    c.set_window_size(1600, 1000).await.unwrap();
    c.goto(&format!("{}/#opportunity={deal_id}", app.address))
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#prompts li .sev"))
        .await
        .expect("the page is drawn");
    let mut found = Vec::new();
    for lang in ["zh", "en"] {
        click(&c, &format!("#lang-{lang}")).await;
        let heading = if lang == "zh" {
            "辅导提示"
        } else {
            "Coaching prompts"
        };
        eventually(&format!("the page in {lang}"), || async {
            text(&c, "[data-t=prompts]").await == heading
        })
        .await;
        // The deal's line is drawn again once the deal is read in the new
        // language: as Chinese writes it in 中文.
        eventually("the deal's line in the page's language", || async {
            let meta = text(&c, "#deal-meta").await;
            if lang == "zh" {
                meta.starts_with("阶段：") && meta.contains("金额：4800万元")
            } else {
                meta.starts_with("Stage: ") && meta.contains("Amount: 48,000,000 CNY")
            }
        })
        .await;
        // The deal, with every score's explanation opened.
        tokio::time::sleep(Duration::from_millis(500)).await;
        for s in foreign(&seen(&c).await, &data, lang) {
            found.push(format!("{lang}, the deal: {s}"));
        }
        // A person's panel: ties, paths and the forms.
        click(&c, &format!("#map g.person[data-person=\"{cfo}\"]")).await;
        eventually("the CFO's panel", || async {
            text(&c, "#person-name").await == "赵立新"
        })
        .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        for s in foreign(&seen(&c).await, &data, lang) {
            found.push(format!("{lang}, a person's panel: {s}"));
        }
        // The whole account.
        click(&c, "#view-account").await;
        c.wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css("#changes-panel:not([hidden]) #points"))
            .await
            .expect("the whole-account view");
        tokio::time::sleep(Duration::from_millis(500)).await;
        for s in foreign(&seen(&c).await, &data, lang) {
            found.push(format!("{lang}, the whole account: {s}"));
        }
        click(&c, "#view-deal").await;
    }
    // The meeting material, as printed: the opportunity report and the
    // planning report in each language.
    let reports = app
        .ok(
            "query($id: ID!) { opportunity(id: $id) {
                en: report(format: HTML) zh: report(format: HTML, lang: ZH)
                account { en: report(since: \"2026-01-01\", format: HTML)
                          zh: report(since: \"2026-01-01\", format: HTML, lang: ZH) } } }",
            json!({ "id": deal_id }),
        )
        .await;
    let dir = tempfile::tempdir().unwrap();
    for (name, lang, html) in [
        (
            "the opportunity report",
            "en",
            &reports["opportunity"]["en"],
        ),
        (
            "the opportunity report",
            "zh",
            &reports["opportunity"]["zh"],
        ),
        (
            "the planning report",
            "en",
            &reports["opportunity"]["account"]["en"],
        ),
        (
            "the planning report",
            "zh",
            &reports["opportunity"]["account"]["zh"],
        ),
    ] {
        let file = dir
            .path()
            .join(format!("{}-{lang}.html", name.replace(' ', "-")));
        std::fs::write(&file, html.as_str().unwrap()).unwrap();
        c.goto(&format!("file://{}", file.display())).await.unwrap();
        for s in foreign(&seen(&c).await, &data, lang) {
            found.push(format!("{lang}, {name}: {s}"));
        }
    }
    assert!(
        found.is_empty(),
        "{} in the wrong language:\n{}",
        found.len(),
        found.join("\n")
    );
    c.close().await.unwrap();
}
