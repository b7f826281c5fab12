//! `--digest-config FILE`: who gets digests through which channels, per team.
//!
//! ```toml
//! at = "08:30"                 # the daily digest inside the server
//! utc_offset = "+08:00"        # the clock `at` is read on
//! language = "zh"              # the default; a person's own beats it
//!
//! [smtp]
//! host = "smtp.corp.example"
//! port = 587
//! tls = "starttls"             # none | starttls | tls
//! from = "guanxi <guanxi@corp.example>"
//! username = "guanxi"
//! password_env = "GUANXI_SMTP_PASSWORD"
//!
//! [[team]]
//! name = "north"               # employees whose team is this
//! email = true                 # each member gets their own digest
//! coaches = ["coach.li@corp.example"]   # and these get the team's
//! language = "zh"
//! [[team.webhook]]
//! url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
//! format = "wecom"             # wecom | dingtalk | slack | json
//! secret_env = "GUANXI_NORTH_WEBHOOK_SECRET"
//!
//! [languages]                  # a person's own language, by e-mail
//! "zhang.wei@corp.example" = "en"
//! ```

use std::{collections::BTreeMap, path::Path};

use serde::Deserialize;

use crate::{advice::Lang, Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DigestConfig {
    /// The time of day of the server's daily digest, `HH:MM`.
    #[serde(default)]
    pub at: Option<String>,
    /// The offset from UTC that `at` is read on (`+08:00`), UTC by default.
    #[serde(default)]
    pub utc_offset: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub smtp: Option<Smtp>,
    #[serde(default, rename = "team")]
    pub teams: Vec<Team>,
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: Option<String>,
    pub from: String,
    #[serde(default)]
    pub username: Option<String>,
    /// The environment variable holding the password (never the file).
    #[serde(default)]
    pub password_env: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    #[serde(default)]
    pub email: bool,
    #[serde(default)]
    pub coaches: Vec<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default, rename = "webhook")]
    pub webhooks: Vec<Webhook>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    pub format: String,
    /// The environment variable holding the signing secret.
    #[serde(default)]
    pub secret_env: Option<String>,
}

/// A webhook's body, as the chat tool reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    WeCom,
    DingTalk,
    Slack,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "wecom" => Format::WeCom,
            "dingtalk" => Format::DingTalk,
            "slack" => Format::Slack,
            "json" => Format::Json,
            _ => return None,
        })
    }
}

pub fn lang(s: &str) -> Option<Lang> {
    match s {
        "en" => Some(Lang::En),
        "zh" => Some(Lang::Zh),
        _ => None,
    }
}

/// `HH:MM` as hours and minutes.
pub fn time_of_day(s: &str) -> Option<(u8, u8)> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// `+08:00` as an offset.
pub fn offset(s: &str) -> Option<time::UtcOffset> {
    let sign = match s.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let (h, m) = time_of_day(&s[1..])?;
    time::UtcOffset::from_hms(sign * h as i8, sign * m as i8, 0).ok()
}

impl DigestConfig {
    /// Reads and checks a configuration file, naming the file and the item at fault.
    pub fn load(path: &Path) -> Result<DigestConfig> {
        let field = "digest-config";
        let at = |what: String| Error::invalid(field, format!("{}: {what}", path.display()));
        let text =
            std::fs::read_to_string(path).map_err(|e| at(format!("cannot read it ({e})")))?;
        let c: DigestConfig = toml::from_str(&text).map_err(|e| at(e.to_string()))?;
        if let Some(t) = &c.at {
            time_of_day(t).ok_or_else(|| at(format!("at = '{t}' is not a time of day (HH:MM)")))?;
        }
        if let Some(o) = &c.utc_offset {
            offset(o).ok_or_else(|| at(format!("utc_offset = '{o}' is not an offset (+08:00)")))?;
        }
        for (what, l) in c
            .language
            .iter()
            .map(|l| ("language".to_owned(), l))
            .chain(c.teams.iter().filter_map(|t| {
                t.language
                    .as_ref()
                    .map(|l| (format!("team {} language", t.name), l))
            }))
            .chain(
                c.languages
                    .iter()
                    .map(|(who, l)| (format!("languages.{who}"), l)),
            )
        {
            lang(l).ok_or_else(|| at(format!("{what} = '{l}': en or zh")))?;
        }
        if let Some(s) = &c.smtp {
            if let Some(t) = &s.tls {
                if !["none", "starttls", "tls"].contains(&t.as_str()) {
                    return Err(at(format!("smtp.tls = '{t}': none, starttls or tls")));
                }
            }
            s.from
                .parse::<lettre::message::Mailbox>()
                .map_err(|e| at(format!("smtp.from = '{}' is not an address ({e})", s.from)))?;
        }
        for (i, t) in c.teams.iter().enumerate() {
            if t.email && c.smtp.is_none() {
                return Err(at(format!(
                    "team {} ({}) sends e-mail, but there is no [smtp]",
                    i + 1,
                    t.name
                )));
            }
            for w in &t.webhooks {
                Format::parse(&w.format).ok_or_else(|| {
                    at(format!(
                        "team {} ({}): webhook format '{}': wecom, dingtalk, slack or json",
                        i + 1,
                        t.name,
                        w.format
                    ))
                })?;
                let url = reqwest::Url::parse(&w.url).map_err(|_| {
                    at(format!(
                        "team {} ({}): '{}' is not a URL",
                        i + 1,
                        t.name,
                        w.url
                    ))
                })?;
                if !["https", "http"].contains(&url.scheme()) {
                    return Err(at(format!(
                        "team {} ({}): '{}' is not http(s)",
                        i + 1,
                        t.name,
                        w.url
                    )));
                }
            }
        }
        Ok(c)
    }

    pub fn team(&self, name: Option<&str>) -> Option<&Team> {
        let name = name?;
        self.teams.iter().find(|t| t.name == name)
    }

    /// A person's language: their own, their team's, the file's, else English.
    pub fn language_of(&self, email: &str, team: Option<&Team>) -> Lang {
        self.languages
            .get(email)
            .or(team.and_then(|t| t.language.as_ref()))
            .or(self.language.as_ref())
            .and_then(|l| lang(l))
            .unwrap_or(Lang::En)
    }
}
