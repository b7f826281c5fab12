//! The coaching casebook: deals written as a coach sees them, each with the three
//! points a coach would make first, judged against what guanxi says.
//!
//! A case is a directory holding `case.toml` (what is expected) and `data.json`
//! (the deal and its account, in the demo's data-set format). Judging a case loads
//! its data into a fresh SQLite file with every date moved by `today − as_of`, so
//! a case reads the same on any day, and compares the top three prompts, in
//! English and in Chinese, with the expected rule, person and words.
//!
//! A case is `holds` (guanxi gives that ranking, and must keep giving it) or
//! `open` (not yet). `guanxi coach check DIR` runs a casebook; a company's coaches
//! keep their own and see when a methodology change breaks one.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::{advice::Lang, engine::Engine, methodology::Methodology, store::Store, Error, Result};

/// How many prompts a case judges: the ones a coach reads.
pub const TOP: usize = 3;

/// Whether the engine gives the case's ranking yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It does, and must keep doing so.
    Holds,
    /// Not yet: the case says what it should give.
    Open,
}

/// One expected prompt, in rank order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    pub rule: String,
    /// Whom it is about: a customer person's or one of our employees' name.
    pub person: Option<String>,
    #[serde(default)]
    pub text_includes_en: Vec<String>,
    #[serde(default)]
    pub text_includes_zh: Vec<String>,
}

/// `case.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub title: String,
    /// The day the case is judged on; the data's dates move with today.
    pub as_of: Date,
    /// The deal's name in `data.json`.
    pub opportunity: String,
    pub status: Status,
    /// What the coach would say, and why.
    pub why: String,
    pub expect: Vec<Expected>,
    /// Rules that must not be among the top three.
    #[serde(default)]
    pub must_not: Vec<String>,
}

/// A prompt as judged: its rule, whom it is about, its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub rule: String,
    pub person: Option<String>,
    pub text: String,
}

/// What guanxi said on a case, and where it differs from the coach.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub slug: String,
    pub case: Case,
    pub en: Vec<Said>,
    pub zh: Vec<Said>,
    /// Every difference, in words; empty when the case holds.
    pub misses: Vec<String>,
}

impl Verdict {
    pub fn gives_the_ranking(&self) -> bool {
        self.misses.is_empty()
    }
}

/// Reads every case under `dir` (each subdirectory with a `case.toml`), in name
/// order.
pub fn read(dir: &Path) -> Result<Vec<(String, Case, String)>> {
    let unreadable = |path: &Path, e: &dyn std::fmt::Display| {
        Error::invalid("casebook", format!("{}: {e}", path.display()))
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(dir, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("case.toml").is_file())
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(Error::invalid(
            "casebook",
            format!(
                "{} holds no case (a directory with case.toml and data.json)",
                dir.display()
            ),
        ));
    }
    dirs.iter()
        .map(|d| {
            let slug = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let toml_path = d.join("case.toml");
            let text =
                std::fs::read_to_string(&toml_path).map_err(|e| unreadable(&toml_path, &e))?;
            let case: Case = toml::from_str(&text).map_err(|e| unreadable(&toml_path, &e))?;
            if case.expect.is_empty() || case.expect.len() > TOP {
                return Err(unreadable(
                    &toml_path,
                    &format!("expect lists 1 to {TOP} prompts"),
                ));
            }
            let data_path = d.join("data.json");
            let data =
                std::fs::read_to_string(&data_path).map_err(|e| unreadable(&data_path, &e))?;
            Ok((slug, case, data))
        })
        .collect()
}

/// `text` with every date (`YYYY-MM-DD`) and moment (RFC 3339) in its string
/// values moved by `by`.
pub fn shift_dates(text: &str, by: Duration) -> Result<String> {
    fn walk(v: &mut serde_json::Value, by: Duration) {
        match v {
            serde_json::Value::String(s) => {
                let day = time::macros::format_description!("[year]-[month]-[day]");
                if let Ok(d) = Date::parse(s, day) {
                    if let Some(moved) = d.checked_add(by) {
                        *s = moved.format(day).unwrap_or_else(|_| s.clone());
                    }
                } else if let Ok(t) =
                    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                {
                    if let Some(moved) = t.checked_add(by) {
                        if let Ok(f) = moved.format(&time::format_description::well_known::Rfc3339)
                        {
                            *s = f;
                        }
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, by)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|i| walk(i, by)),
            _ => {}
        }
    }
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::invalid("data", format!("not JSON: {e}")))?;
    walk(&mut value, by);
    Ok(value.to_string())
}

/// Loads one case into a fresh SQLite file under `scratch`, its dates moved to
/// today: the store and the case's opportunity.
pub async fn load(
    slug: &str,
    case: &Case,
    data: &str,
    methodology: Arc<Methodology>,
    scratch: &Path,
) -> Result<(Store, Uuid)> {
    let file = scratch.join(format!("{slug}.db"));
    let _ = std::fs::remove_file(&file);
    let store = Store::connect(
        &format!("sqlite://{}?mode=rwc", file.display()),
        methodology,
    )
    .await?;
    store.migrate().await?;
    let shifted = shift_dates(data, crate::domain::today() - case.as_of)?;
    crate::demo::load_data_set(&store, &shifted, &format!("{slug}/data.json")).await?;

    let mut deal = None;
    for account in store.accounts(None, 0, 10_000).await?.accounts {
        if let Some(o) = store
            .opportunities_of_account(account.account_id)
            .await?
            .into_iter()
            .find(|o| o.name == case.opportunity)
        {
            deal = Some(o.opportunity_id);
        }
    }
    let deal = deal.ok_or_else(|| {
        Error::invalid(
            "opportunity",
            format!("{slug}: no opportunity '{}' in data.json", case.opportunity),
        )
    })?;
    Ok((store, deal))
}

/// Judges one case on a fresh SQLite file under `scratch`.
pub async fn judge(
    slug: &str,
    case: &Case,
    data: &str,
    methodology: Arc<Methodology>,
    scratch: &Path,
) -> Result<Verdict> {
    let file = scratch.join(format!("{slug}.db"));
    let (store, deal) = load(slug, case, data, methodology, scratch).await?;
    let engine = Engine::new(store.clone());
    let mut said = Vec::new();
    for lang in [Lang::En, Lang::Zh] {
        let advice = engine.opportunity_advice(deal, lang).await?;
        let mut top = Vec::new();
        for p in advice.prompts.iter().take(TOP) {
            let person = match p.person {
                Some(id) => match store.person(id).await? {
                    Some(x) => Some(x.name),
                    None => store.employee(id).await?.map(|e| e.name),
                },
                None => None,
            };
            top.push(Said {
                rule: p.rule_id.clone(),
                person,
                text: format!("{} {}", p.text, p.action),
            });
        }
        said.push(top);
    }
    store.close().await;
    let _ = std::fs::remove_file(&file);
    let zh = said.pop().unwrap_or_default();
    let en = said.pop().unwrap_or_default();
    let misses = compare(case, &en, &zh);
    Ok(Verdict {
        slug: slug.to_owned(),
        case: case.clone(),
        en,
        zh,
        misses,
    })
}

/// Where the prompts differ from the coach's three points.
fn compare(case: &Case, en: &[Said], zh: &[Said]) -> Vec<String> {
    let mut misses = Vec::new();
    for (lang, said) in [("en", en), ("zh", zh)] {
        for (i, want) in case.expect.iter().enumerate() {
            let rank = i + 1;
            let Some(got) = said.get(i) else {
                misses.push(format!(
                    "{lang} #{rank}: expected {}, got nothing",
                    want.rule
                ));
                continue;
            };
            if got.rule != want.rule {
                misses.push(format!(
                    "{lang} #{rank}: expected {}, got {}",
                    want.rule, got.rule
                ));
                continue;
            }
            if let Some(person) = &want.person {
                if got.person.as_deref() != Some(person.as_str()) {
                    misses.push(format!(
                        "{lang} #{rank} ({}): expected about {person}, got about {}",
                        want.rule,
                        got.person.as_deref().unwrap_or("nobody")
                    ));
                }
            }
            let words = if lang == "en" {
                &want.text_includes_en
            } else {
                &want.text_includes_zh
            };
            for w in words {
                if !got.text.contains(w.as_str()) {
                    misses.push(format!(
                        "{lang} #{rank} ({}): the text does not say \"{w}\"",
                        want.rule
                    ));
                }
            }
        }
        for rule in &case.must_not {
            if said.iter().any(|s| &s.rule == rule) {
                misses.push(format!("{lang}: {rule} must not be among the top {TOP}"));
            }
        }
    }
    misses
}

/// Judges every case of a casebook.
pub async fn check(dir: &Path, methodology: Arc<Methodology>) -> Result<Vec<Verdict>> {
    let cases = read(dir)?;
    let scratch = std::env::temp_dir().join(format!("guanxi-casebook-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&scratch)
        .map_err(|e| Error::Internal(anyhow::Error::new(e).context("a scratch directory")))?;
    let mut out = Vec::new();
    for (slug, case, data) in &cases {
        let verdict = judge(slug, case, data, methodology.clone(), &scratch).await;
        match verdict {
            Ok(v) => out.push(v),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&scratch);
                return Err(e);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(out)
}

/// The verdicts as a person reads them; the last line counts them.
pub fn describe(verdicts: &[Verdict], texts: bool) -> String {
    let mut out = String::new();
    for v in verdicts {
        let mark = match (v.case.status, v.gives_the_ranking()) {
            (Status::Holds, true) => "holds",
            (Status::Holds, false) => "BROKEN",
            (Status::Open, true) => "now holds (mark it holds)",
            (Status::Open, false) => "open",
        };
        out.push_str(&format!("{} [{mark}] {}\n", v.slug, v.case.title));
        let show = |said: &[Said]| {
            said.iter()
                .map(|s| match &s.person {
                    Some(p) => format!("{} ({p})", s.rule),
                    None => s.rule.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let expected: Vec<String> = v
            .case
            .expect
            .iter()
            .map(|e| match &e.person {
                Some(p) => format!("{} ({p})", e.rule),
                None => e.rule.clone(),
            })
            .collect();
        out.push_str(&format!("  coach:  {}\n", expected.join(", ")));
        out.push_str(&format!("  guanxi: {}\n", show(&v.en)));
        for m in &v.misses {
            out.push_str(&format!("  - {m}\n"));
        }
        if texts {
            for (lang, said) in [("en", &v.en), ("zh", &v.zh)] {
                for (i, s) in said.iter().enumerate() {
                    out.push_str(&format!("  {lang} {}. [{}] {}\n", i + 1, s.rule, s.text));
                }
            }
        }
    }
    let holds = verdicts.iter().filter(|v| v.gives_the_ranking()).count();
    let broken = verdicts
        .iter()
        .filter(|v| v.case.status == Status::Holds && !v.gives_the_ranking())
        .count();
    let first = |v: &&Verdict, within: usize| {
        v.case.expect.first().is_some_and(|want| {
            v.en.iter().take(within).any(|s| {
                s.rule == want.rule
                    && want
                        .person
                        .as_ref()
                        .is_none_or(|p| s.person.as_ref() == Some(p))
            })
        })
    };
    let first_first = verdicts.iter().filter(|v| first(v, 1)).count();
    let first_top = verdicts.iter().filter(|v| first(v, TOP)).count();
    out.push_str(&format!(
        "the coach's first point is guanxi's first on {first_first} of {n} cases and among its top {TOP} on {first_top}\n",
        n = verdicts.len()
    ));
    out.push_str(&format!(
        "{holds} of {} cases give the coach's ranking; {broken} marked holds are broken\n",
        verdicts.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_and_other_strings_stay() {
        let text = r#"{"on": "2026-11-20", "at": "2026-11-20T10:00:00Z", "name": "2026 plan", "month": "2026-11", "n": 3}"#;
        let moved: serde_json::Value =
            serde_json::from_str(&shift_dates(text, Duration::days(11)).unwrap()).unwrap();
        assert_eq!(moved["on"], "2026-12-01");
        assert_eq!(moved["at"], "2026-12-01T10:00:00Z");
        assert_eq!(moved["name"], "2026 plan");
        assert_eq!(moved["month"], "2026-11");
        assert_eq!(moved["n"], 3);
    }

    fn said(rule: &str, person: Option<&str>, text: &str) -> Said {
        Said {
            rule: rule.into(),
            person: person.map(Into::into),
            text: text.into(),
        }
    }

    #[test]
    fn a_case_holds_only_with_the_rules_people_and_words_in_order() {
        let case: Case = toml::from_str(
            r#"
            title = "t"
            as_of = "2026-11-20"
            opportunity = "o"
            status = "open"
            why = "w"
            must_not = ["sign_date_passed"]
            [[expect]]
            rule = "dm_held_by_competitor"
            person = "赵立新"
            text_includes_zh = ["万元"]
            [[expect]]
            rule = "single_threaded_key_person"
            "#,
        )
        .unwrap();
        let en = vec![
            said("dm_held_by_competitor", Some("赵立新"), "x"),
            said("single_threaded_key_person", None, "y"),
        ];
        let zh = vec![
            said("dm_held_by_competitor", Some("赵立新"), "4800万元"),
            said("single_threaded_key_person", None, "y"),
        ];
        assert!(compare(&case, &en, &zh).is_empty());
        let swapped = vec![en[1].clone(), en[0].clone()];
        assert_eq!(compare(&case, &swapped, &zh).len(), 2);
        let wrong_person = vec![
            said("dm_held_by_competitor", Some("刘洋"), "x"),
            en[1].clone(),
        ];
        assert_eq!(compare(&case, &wrong_person, &zh).len(), 1);
        let no_words = vec![
            said("dm_held_by_competitor", Some("赵立新"), "4800 CNY"),
            zh[1].clone(),
        ];
        assert_eq!(compare(&case, &en, &no_words).len(), 1);
        let forbidden = vec![
            en[0].clone(),
            en[1].clone(),
            said("sign_date_passed", None, ""),
        ];
        assert_eq!(compare(&case, &forbidden, &zh).len(), 1);
    }
}
