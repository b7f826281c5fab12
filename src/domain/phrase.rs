//! Words to be said later, in whichever language is asked: a catalogue message's
//! id and its arguments. The engines build phrases once per graph; the API, the
//! reports and the page say them in the reader's language (domain::catalogue).

use std::borrow::Cow;

use super::Lang;

/// A message of the catalogue (`i18n/*.ftl`) with its arguments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Phrase {
    id: Cow<'static, str>,
    args: Vec<(&'static str, Arg)>,
}

/// One argument of a phrase.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Said as written in either language: a name, a date, a formatted number.
    Text(String),
    /// A number the message may choose its words by ("1 person", "2 people").
    Number(f64),
    /// A term with its label in each language (a buying role, a level).
    Term { en: String, zh: String },
    /// A phrase within the phrase.
    Phrase(Box<Phrase>),
    /// Items said one after the other, with the language's separator (", " or "、").
    List(Vec<Arg>),
}

impl Phrase {
    pub fn new(id: &'static str) -> Self {
        Phrase {
            id: Cow::Borrowed(id),
            args: vec![],
        }
    }

    /// A phrase whose id is known only at run time (a rule's or a step's id).
    pub fn new_owned(id: &str) -> Self {
        Phrase {
            id: Cow::Owned(id.to_owned()),
            args: vec![],
        }
    }

    /// The phrase with one more argument (a later one of the same name wins).
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Self {
        self.args.retain(|(n, _)| *n != name);
        self.args.push((name, value.into()));
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn args(&self) -> &[(&'static str, Arg)] {
        &self.args
    }

    /// The phrase in one language.
    pub fn say(&self, lang: Lang) -> String {
        super::catalogue::say(lang, self)
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_owned())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(s.clone())
    }
}

impl From<f64> for Arg {
    fn from(n: f64) -> Self {
        Arg::Number(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(n as f64)
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n as f64)
    }
}

impl From<i32> for Arg {
    fn from(n: i32) -> Self {
        Arg::Number(f64::from(n))
    }
}

impl From<Phrase> for Arg {
    fn from(p: Phrase) -> Self {
        Arg::Phrase(Box::new(p))
    }
}

impl From<time::Date> for Arg {
    fn from(d: time::Date) -> Self {
        Arg::Text(d.to_string())
    }
}

/// A phrase shown in English, as logs and tests read it.
impl std::fmt::Display for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.say(Lang::En))
    }
}
