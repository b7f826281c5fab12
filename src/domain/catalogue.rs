//! The one translation catalogue: the words guanxi writes for people (score
//! explanations, the planning page, reports, maps, statuses), in English and
//! Chinese, kept as Fluent files under `i18n/` so a translator reads and corrects
//! one place. The files are compiled in; their tests check that both languages
//! have every message with the same arguments.

use std::{collections::HashMap, sync::LazyLock};

use fluent_bundle::{
    concurrent::FluentBundle, FluentArgs, FluentError, FluentResource, FluentValue,
};

use super::{phrase::Arg, Lang, Phrase};

const EN: &str = include_str!("../../i18n/en.ftl");
const ZH: &str = include_str!("../../i18n/zh.ftl");

type Bundle = FluentBundle<FluentResource>;

struct Catalogue {
    en: Bundle,
    zh: Bundle,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
    en: bundle("en", EN),
    zh: bundle("zh", ZH),
});

/// A bundle of one language. A file that does not parse keeps what did parse
/// (its tests fail on the rest), so a translation slip cannot stop the server.
fn bundle(lang: &str, source: &str) -> Bundle {
    let id = lang.parse().unwrap_or_default();
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // Unicode isolation marks would land in Markdown, SVG and JSON as invisible
    // characters; guanxi's text is laid out by its own code.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, errors)| {
            tracing::error!(lang, ?errors, "the translation catalogue has syntax errors");
            partial
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(lang, ?errors, "the translation catalogue repeats messages");
    }
    bundle
}

fn of(lang: Lang) -> &'static Bundle {
    match lang {
        Lang::En => &CATALOGUE.en,
        Lang::Zh => &CATALOGUE.zh,
    }
}

/// A phrase in the language asked for. A message missing in Chinese is said in
/// English, and one missing in both is shown as its id (the catalogue's tests
/// make both impossible in what ships).
pub fn say(lang: Lang, phrase: &Phrase) -> String {
    if phrase.id().is_empty() {
        return String::new();
    }
    let mut args = FluentArgs::new();
    for (name, arg) in phrase.args() {
        args.set(*name, value(lang, arg));
    }
    let spoken = format(of(lang), phrase.id(), None, Some(&args))
        .or_else(|| format(of(Lang::En), phrase.id(), None, Some(&args)));
    spoken.unwrap_or_else(|| phrase.id().to_owned())
}

fn value(lang: Lang, arg: &Arg) -> FluentValue<'static> {
    match arg {
        Arg::Text(s) => FluentValue::from(s.clone()),
        Arg::Number(n) => FluentValue::from(*n),
        Arg::Term { en, zh } => FluentValue::from(lang.pick(en, zh).to_owned()),
        Arg::Phrase(p) => FluentValue::from(say(lang, p)),
        Arg::List(items) => {
            let said: Vec<String> = items
                .iter()
                .map(|a| match value(lang, a) {
                    FluentValue::String(s) => s.into_owned(),
                    FluentValue::Number(n) => n.as_string().into_owned(),
                    _ => String::new(),
                })
                .collect();
            FluentValue::from(said.join(lang.pick(", ", "、")))
        }
    }
}

/// One message (or one of its attributes) formatted; `None` when the language
/// lacks it.
fn format(
    bundle: &Bundle,
    id: &str,
    attribute: Option<&str>,
    args: Option<&FluentArgs>,
) -> Option<String> {
    let message = bundle.get_message(id)?;
    let pattern = match attribute {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut errors = vec![];
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if args.is_some() && !errors.is_empty() {
        tracing::warn!(
            id,
            ?errors,
            "a phrase was said with arguments its message lacks"
        );
    }
    Some(text.into_owned())
}

/// One attribute of a message (`point-status.open`): the words for one value of
/// a set; the value itself where the catalogue lacks it.
pub fn attribute(lang: Lang, id: &str, attribute: &str) -> String {
    format(of(lang), id, Some(attribute), None)
        .or_else(|| format(of(Lang::En), id, Some(attribute), None))
        .unwrap_or_else(|| attribute.to_owned())
}

/// A word of the catalogue by id alone (a heading, a label), said once per
/// language and kept: the reports and the map ask for the same few hundred
/// words on every render. An id the catalogue lacks says nothing (and is
/// logged); the catalogue's tests keep that from shipping.
pub fn word(lang: Lang, id: &str) -> &'static str {
    static WORDS: LazyLock<[HashMap<String, String>; 2]> = LazyLock::new(|| {
        [Lang::En, Lang::Zh].map(|lang| {
            ids(lang)
                .into_iter()
                .filter_map(|id| {
                    let text = format(of(lang), &id, None, None)
                        .or_else(|| format(of(Lang::En), &id, None, None))?;
                    Some((id, text))
                })
                .collect()
        })
    });
    let words = &WORDS[usize::from(lang == Lang::Zh)];
    match words.get(id) {
        Some(w) => w.as_str(),
        None => {
            tracing::warn!(id, "a word the catalogue lacks");
            ""
        }
    }
}

/// The words of one part of the catalogue (ids starting with `prefix`), prefix
/// cut, for a front end that formats them itself: a variable stays as `{$name}`,
/// and a message's attributes come as an object of its sub-words. The page reads
/// its words this way, so the page and the server share one catalogue.
pub fn words_of(lang: Lang, prefix: &str) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    let mut out = serde_json::Map::new();
    for id in ids(lang).into_iter().filter(|id| id.starts_with(prefix)) {
        let bundle = of(lang);
        let Some(message) = bundle.get_message(&id) else {
            continue;
        };
        let key = id[prefix.len()..].to_owned();
        let attributes: Vec<_> = message.attributes().map(|a| a.id().to_owned()).collect();
        if attributes.is_empty() {
            if let Some(text) = format(bundle, &id, None, None) {
                out.insert(key, Value::String(text));
            }
        } else {
            let mut group = serde_json::Map::new();
            for a in attributes {
                if let Some(text) = format(bundle, &id, Some(&a), None) {
                    group.insert(a, Value::String(text));
                }
            }
            out.insert(key, Value::Object(group));
        }
    }
    out
}

/// Every message id of a language, in file order.
fn ids(lang: Lang) -> Vec<String> {
    let source = match lang {
        Lang::En => EN,
        Lang::Zh => ZH,
    };
    source
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// What is wrong with the shipped catalogue: syntax errors, messages in one
/// language only, attributes or variables that differ between the two. Empty
/// when all is well; the tests and `guanxi methodology check` read it.
pub fn problems() -> Vec<String> {
    let mut found = vec![];
    for (name, source) in [("i18n/en.ftl", EN), ("i18n/zh.ftl", ZH)] {
        if let Err((_, errors)) = FluentResource::try_new(source.to_owned()) {
            for e in errors {
                let line = source[..e.pos.start.min(source.len())].lines().count() + 1;
                found.push(format!("{name}:{line}: {:?}", e.kind));
            }
        }
    }
    let (en, zh) = (ids(Lang::En), ids(Lang::Zh));
    for id in &en {
        if !zh.contains(id) {
            found.push(format!("i18n/zh.ftl lacks `{id}`"));
        }
    }
    for id in &zh {
        if !en.contains(id) {
            found.push(format!("i18n/en.ftl lacks `{id}` (it is in i18n/zh.ftl)"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for id in &en {
        if !seen.insert(id) {
            found.push(format!("i18n/en.ftl has `{id}` twice"));
        }
    }
    for id in en.iter().filter(|id| zh.contains(id)) {
        let (e, z) = (shape(Lang::En, id), shape(Lang::Zh, id));
        if e != z {
            found.push(format!(
                "`{id}` differs between the languages: English {e:?}, Chinese {z:?}"
            ));
        }
    }
    found
}

/// A message's attributes and, for each part, the variables it uses.
fn shape(lang: Lang, id: &str) -> Vec<(String, Vec<String>)> {
    let bundle = of(lang);
    let Some(message) = bundle.get_message(id) else {
        return vec![];
    };
    let mut parts = vec![];
    let variables = |pattern| {
        let mut errors = vec![];
        let _ = bundle.format_pattern(pattern, None, &mut errors);
        let mut names: Vec<String> = errors
            .into_iter()
            .filter_map(|e| match e {
                FluentError::ResolverError(r) => {
                    let s = r.to_string();
                    s.split('$').nth(1).map(|v| {
                        v.chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                            .collect()
                    })
                }
                _ => None,
            })
            .collect();
        names.sort();
        names.dedup();
        names
    };
    if let Some(v) = message.value() {
        parts.push((String::new(), variables(v)));
    }
    for a in message.attributes() {
        parts.push((a.id().to_owned(), variables(a.value())));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_is_whole_in_both_languages() {
        let problems = problems();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(
            ids(Lang::En).len() > 50,
            "the catalogue reads as a list of messages"
        );
    }

    #[test]
    fn a_phrase_is_said_in_either_language_with_its_arguments() {
        let p = Phrase::new("kp-person-summary")
            .arg("person", "张伟")
            .arg("strength", "3.5")
            .arg("pct", "70%");
        assert_eq!(say(Lang::En, &p), "Our best tie to 张伟 is 3.5 of 5 (70%).");
        assert_eq!(say(Lang::Zh, &p), "我方与张伟的最强关系为3.5/5（70%）。");
    }

    #[test]
    fn english_counts_take_their_plural_and_lists_their_language_separator() {
        let one = Phrase::new("kp-summary")
            .arg("count", 1)
            .arg("pct", "40%")
            .arg("weakest", "王芳");
        assert!(
            say(Lang::En, &one).starts_with("Across 1 key person "),
            "{}",
            say(Lang::En, &one)
        );
        let two = one.clone().arg("count", 2);
        assert!(say(Lang::En, &two).starts_with("Across 2 key people "));
        let list = Phrase::new("dc-gap-unknown").arg(
            "roles",
            Arg::List(vec![
                Arg::Term {
                    en: "Decision maker".into(),
                    zh: "决策者".into(),
                },
                Arg::Term {
                    en: "User".into(),
                    zh: "使用者".into(),
                },
            ]),
        );
        assert_eq!(say(Lang::En, &list), "not identified: Decision maker, User");
        assert_eq!(say(Lang::Zh, &list), "未识别：决策者、使用者");
    }

    #[test]
    fn every_fact_a_rule_can_read_has_a_label_in_both_languages() {
        use crate::methodology::facts::{ACCOUNT_FACTS, OPPORTUNITY_FACTS};
        for (fact, _, _) in OPPORTUNITY_FACTS.iter().chain(ACCOUNT_FACTS) {
            for lang in [Lang::En, Lang::Zh] {
                let label = format(of(lang), "fact", Some(fact), None)
                    .unwrap_or_else(|| panic!("{fact} has no label in {lang:?}"));
                assert!(
                    !label.is_empty() && !label.contains('_'),
                    "{fact}: a label, not an id"
                );
            }
        }
        assert_eq!(attribute(Lang::Zh, "fact", "no_such_fact"), "no_such_fact");
    }

    #[test]
    fn an_unknown_message_shows_its_id_and_an_empty_phrase_says_nothing() {
        assert_eq!(
            say(Lang::Zh, &Phrase::new("no-such-message")),
            "no-such-message"
        );
        assert_eq!(word(Lang::Zh, "no-such-message"), "");
        assert_eq!(word(Lang::Zh, "author-command-line"), "命令行");
        assert_eq!(say(Lang::Zh, &Phrase::default()), "");
    }

    #[test]
    fn the_page_gets_its_words_with_variables_left_for_it_to_fill() {
        let en = words_of(Lang::En, "page-");
        assert_eq!(en["deleted"], "{$n} deleted.");
        assert_eq!(en["recorded-plan"], "{$who} changed the deal's plan");
        let zh = words_of(Lang::Zh, "page-");
        assert_eq!(zh["deleted"], "已删除{$n}。");
        assert_eq!(en.len(), zh.len());
    }
}
