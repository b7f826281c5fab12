//! Names: account names normalised so one customer is one record, and people's names
//! taken as written (Chinese names come family name first, without spaces).

use super::Phrase;
use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// The longest name we accept; real registered names stay well below it.
const MAX_NAME_CHARS: usize = 200;

/// Legal-form suffixes that do not distinguish one customer from another. Matched as
/// whole trailing words after normalisation, repeatedly ("co ltd" drops both).
const LEGAL_FORMS: &[&str] = &[
    "co",
    "company",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "spa",
    "bv",
    "nv",
    "kk",
    "pte",
    "pty",
    "oy",
    "ab",
    "as",
    "srl",
];

/// Chinese legal-form suffixes, longest first so 股份有限公司 is not cut to 股份.
const CJK_LEGAL_FORMS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "公司"];

/// Collapses runs of whitespace into one space and trims; applied to every free-text
/// name so "ACME  Tech" and "ACME Tech" display alike.
pub fn tidy(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters that draw nothing (Unicode's Default_Ignorable_Code_Point, which
/// holds the bidirectional controls too, and the blank braille pattern): a name
/// made of them looks empty, and one holding them looks like another name while
/// being a different string, or reads backwards (a right-to-left override).
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x2800 | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// A name as people write it: trimmed, single-spaced, non-empty, no control or
/// invisible characters ([`is_invisible`]). Used for people, employees,
/// opportunities, resources, and under organisation names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = tidy(raw);
        if s.is_empty() {
            return Err(Error::invalid_said(field, Phrase::new("error-empty")));
        }
        if s.chars().count() > MAX_NAME_CHARS {
            return Err(Error::invalid_said(
                field,
                Phrase::new("error-too-long").arg("max", MAX_NAME_CHARS),
            ));
        }
        if s.chars().any(char::is_control) {
            return Err(Error::invalid_said(field, Phrase::new("error-control")));
        }
        if let Some(c) = s.chars().find(|c| is_invisible(*c)) {
            return Err(Error::invalid(
                field,
                format!(
                    "must not contain invisible or direction-changing characters (U+{:04X})",
                    c as u32
                ),
            ));
        }
        Ok(Name(s))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An organisation's name (a customer or a competitor): the full registered name as
/// entered, and the key that decides whether two names are the same organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationName {
    display: String,
    key: String,
}

impl OrganisationName {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let display = Name::parse(field, raw)?.into_inner();
        let key = normalise_organisation(&display);
        if key.is_empty() {
            return Err(Error::invalid(
                field,
                format!(
                    "'{display}' has nothing left once punctuation and legal forms are removed"
                ),
            ));
        }
        Ok(OrganisationName { display, key })
    }

    /// The name as entered (tidied).
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The normalised key, unique per organisation.
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The uniqueness key of an organisation name.
///
/// Steps: Unicode NFKC (full-width letters and brackets become ASCII), lower case,
/// every non-alphanumeric character becomes a space, whitespace collapses, then
/// legal-form suffixes are stripped from the end while any remain. So "Acme Tech",
/// "ACME  Tech Co., Ltd." and "Ａｃｍｅ Tech Co. Ltd" all give `acme tech`, and
/// "华为技术有限公司" gives `华为技术`. A name that is only a legal form keeps it,
/// so "Company Ltd" stays distinguishable from the empty string.
pub fn normalise_organisation(name: &str) -> String {
    let folded: String = name
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    while words.len() > 1 && LEGAL_FORMS.contains(words.last().unwrap_or(&"")) {
        words.pop();
    }
    let mut key = words.join(" ");
    'strip: loop {
        for suffix in CJK_LEGAL_FORMS {
            if let Some(stripped) = key.strip_suffix(suffix) {
                if stripped.trim().is_empty() {
                    break 'strip;
                }
                key = stripped.trim_end().to_owned();
                continue 'strip;
            }
        }
        break;
    }
    key
}

/// The key two organisation names share when they look the same to a reader
/// though their letters differ: Unicode TR39's confusable skeleton (a Cyrillic
/// `а` reads as a Latin `a`, `İ` as `I`), accents and other combining marks
/// dropped, invisible characters removed, and, as in [`normalise_organisation`],
/// case, width, punctuation and legal forms set aside; spaces between Chinese
/// characters do not count, so `东方电网能源（股份）有限公司` and
/// `东方电网能源股份有限公司` share one.
pub fn look_alike_key(name: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    let visible: String = name.chars().filter(|c| !is_invisible(*c)).collect();
    let folded: String = visible.nfkc().flat_map(char::to_lowercase).collect();
    let skeleton: String = unicode_security::confusable_detection::skeleton(&folded)
        .collect::<String>()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    // Spaces between Chinese characters (left by brackets and punctuation) go.
    let spaced: Vec<char> = skeleton
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let wide = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii() && c.is_alphanumeric());
    let joined: String = spaced
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            **c != ' '
                || !(wide(spaced[..*i].iter().rev().find(|c| **c != ' '))
                    && wide(spaced[i + 1..].iter().find(|c| **c != ' ')))
        })
        .map(|(_, c)| *c)
        .collect();
    normalise_organisation(&joined)
}

/// How two different organisation keys (from [`normalise_organisation`]) look
/// alike, when they look like the same organisation spelt differently: a typo
/// (edit distance), a near spelling (Jaro–Winkler), or one being the initials of the
/// other ("cmcc" and "china mobile communications corporation"). `None` when they
/// are equal (that is an exact duplicate, refused elsewhere) or not alike.
pub fn likely_same_organisation(a: &str, b: &str) -> Option<&'static str> {
    if a == b || a.is_empty() || b.is_empty() {
        return None;
    }
    let shorter = a.chars().count().min(b.chars().count());
    if shorter >= 6 && strsim::levenshtein(a, b) <= 2 {
        return Some("differs by one or two characters");
    }
    if shorter >= 8 && strsim::jaro_winkler(a, b) >= 0.94 {
        return Some("spelt almost the same");
    }
    if let Some(why) = same_in_pinyin(a, b).or_else(|| same_in_pinyin(b, a)) {
        return Some(why);
    }
    let initials = |k: &str| -> String {
        k.split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect()
    };
    let (ia, ib) = (initials(a), initials(b));
    if (!a.contains(' ') && a.chars().count() >= 2 && a == ib)
        || (!b.contains(' ') && b.chars().count() >= 2 && b == ia)
    {
        return Some("one is the initials of the other");
    }
    None
}

/// Keys under which two records of one person meet, each with why: the name
/// folded (case, spaces, full-width letters), the name in pinyin for a name in
/// Chinese characters (李明华: `liminghua`) and both word orders for a name in
/// letters ("Minghua Li": `minghuali`, `liminghua`), the e-mail folded, the
/// phone's digits (at least seven, without a leading 86 or 0).
pub fn person_keys(
    name: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> Vec<(String, &'static str)> {
    use pinyin::ToPinyin;
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name
        .nfkc()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    let mut keys = Vec::new();
    if folded.chars().count() >= 2 {
        keys.push((format!("name:{folded}"), "the same name"));
    }
    if name.chars().any(|c| c.to_pinyin().is_some()) {
        let spelt: String = name
            .chars()
            .filter_map(|c| c.to_pinyin().map(|p| p.plain().to_owned()))
            .collect();
        if spelt.len() >= 4 {
            keys.push((format!("pinyin:{spelt}"), "the same name in pinyin"));
        }
    } else {
        let words: Vec<String> = name
            .nfkc()
            .collect::<String>()
            .split(|c: char| c.is_whitespace() || c == '-' || c == '.' || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.len() >= 2
            && words
                .iter()
                .all(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
        {
            let forward = words.concat();
            let mut turned = words.clone();
            turned.rotate_right(1);
            for spelt in [forward, turned.concat()] {
                keys.push((format!("pinyin:{spelt}"), "the same name in pinyin"));
            }
        }
    }
    if let Some(e) = email.map(str::trim).filter(|e| e.contains('@')) {
        keys.push((format!("email:{}", e.to_lowercase()), "the same e-mail"));
    }
    if let Some(p) = phone {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        let digits = digits
            .strip_prefix("86")
            .filter(|_| digits.len() > 11)
            .unwrap_or(&digits)
            .trim_start_matches('0')
            .to_owned();
        if digits.len() >= 7 {
            keys.push((format!("phone:{digits}"), "the same phone"));
        }
    }
    keys.dedup();
    keys
}

/// `han` written in Chinese characters and `latin` in letters name the same
/// organisation in pinyin: spelt the same (within two letters, spaces aside), or
/// the pinyin beginning with the latin name's first word (a brand: 华信移动通信 and
/// "Huaxin Mobile Communications").
fn same_in_pinyin(han: &str, latin: &str) -> Option<&'static str> {
    use pinyin::ToPinyin;
    if !han.chars().any(|c| c.to_pinyin().is_some()) || !latin.is_ascii() {
        return None;
    }
    let spelt: String = han
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            c.to_pinyin()
                .map_or(c.to_string(), |p| p.plain().to_owned())
        })
        .collect();
    let letters: String = latin.chars().filter(|c| !c.is_whitespace()).collect();
    if letters.len() >= 6 && strsim::levenshtein(&spelt, &letters) <= 2 {
        return Some("the same name in pinyin");
    }
    let first = latin.split_whitespace().next().unwrap_or("");
    if first.len() >= 5 && latin.contains(' ') && spelt.starts_with(first) {
        return Some("the Chinese name's pinyin begins with the other's first word");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_written_two_ways_meets_under_a_key() {
        let meet = |a: Vec<(String, &'static str)>, b: Vec<(String, &'static str)>| {
            a.iter().find(|k| b.iter().any(|o| o.0 == k.0)).map(|k| k.1)
        };
        let han = person_keys("李明华", None, None);
        assert_eq!(
            meet(han.clone(), person_keys("Li Minghua", None, None)),
            Some("the same name in pinyin")
        );
        assert_eq!(
            meet(han.clone(), person_keys("Minghua Li", None, None)),
            Some("the same name in pinyin")
        );
        assert_eq!(meet(han.clone(), person_keys("李明", None, None)), None);
        assert_eq!(
            meet(
                person_keys("ＬＩ Ming", None, None),
                person_keys("li ming", None, None)
            ),
            Some("the same name")
        );
        assert_eq!(
            meet(
                person_keys("张伟", Some(" Zhang.Wei@Huaxin.example "), None),
                person_keys(
                    "Wei Zhang (procurement)",
                    Some("zhang.wei@huaxin.example"),
                    None
                )
            ),
            Some("the same e-mail")
        );
        assert_eq!(
            meet(
                person_keys("A", None, Some("+86 138-0013-8000")),
                person_keys("B", None, Some("13800138000"))
            ),
            Some("the same phone")
        );
        assert!(
            person_keys("A", None, Some("12345")).is_empty(),
            "too short to tell"
        );
    }

    #[test]
    fn invisible_and_direction_changing_characters_are_refused_in_names() {
        for raw in [
            "\u{200B}",
            "Acme\u{200B}Tech",
            "Acme\u{200D}Tech",
            "\u{FEFF}Acme",
            "Acme \u{202E}hceT",
            "\u{2066}Acme\u{2069}",
            "\u{2800}",
            "\u{3164}",
            "张\u{00AD}伟",
        ] {
            let err = Name::parse("name", raw).unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::InvalidInput, "{raw:?}");
        }
        assert!(Name::parse("name", "阿里木·买买提").is_ok());
        assert!(Name::parse("name", "Zoë O'Brien-Smith").is_ok());
        assert!(Name::parse("name", "  \u{3000} ").is_err(), "blank");
    }

    #[test]
    fn look_alike_names_share_a_key() {
        let k = look_alike_key;
        assert_eq!(k("Acme Tech"), k("Аcme Tech"), "Cyrillic А");
        assert_eq!(k("Infotech Ltd"), k("İnfotech Ltd"), "dotted I");
        assert_eq!(k("Acme Tech"), k("ACME\u{200B} Tech Co., Ltd."));
        assert_eq!(
            k("东方电网能源（股份）有限公司"),
            k("东方电网能源股份有限公司")
        );
        assert_eq!(k("Ａｃｍｅ Tech"), k("acme tech"));
        assert_ne!(k("Acme Tech"), k("Acme Telecom"));
        assert_ne!(k("华信移动"), k("华为移动"));
    }

    #[test]
    fn near_duplicates_are_told_from_different_organisations() {
        let key = normalise_organisation;
        let huaxin = key("Huaxin Mobile Communications Co., Ltd.");
        assert!(
            likely_same_organisation(&huaxin, &key("Huaxin Mobile Comunications Ltd")).is_some()
        );
        assert!(likely_same_organisation(&huaxin, &key("HMC")).is_some());
        assert!(likely_same_organisation(&key("华信移动通信"), &key("华信移动通讯")).is_some());
        assert_eq!(likely_same_organisation(&huaxin, &huaxin), None);
        assert_eq!(
            likely_same_organisation(&key("江南电网"), &key("Jiangnan Dianwang")),
            Some("the same name in pinyin")
        );
        assert!(likely_same_organisation(&key("华信移动通信有限公司"), &huaxin).is_some());
        assert_eq!(
            likely_same_organisation(&key("江南电网"), &key("Huaxin Mobile")),
            None
        );
        assert_eq!(
            likely_same_organisation(&huaxin, &key("Dongfang Grid Energy")),
            None
        );
        assert_eq!(
            likely_same_organisation(&key("Acme"), &key("Acne")),
            None,
            "too short to judge"
        );
    }

    #[test]
    fn spelling_variants_of_one_customer_share_a_key() {
        let variants = [
            "Acme Tech",
            "ACME  Tech Co., Ltd.",
            "Acme Tech Co. Ltd",
            "acme tech limited",
            "Ａｃｍｅ　Ｔｅｃｈ Co.,Ltd.",
            " Acme-Tech Inc. ",
        ];
        for v in variants {
            assert_eq!(normalise_organisation(v), "acme tech", "{v}");
        }
    }

    #[test]
    fn chinese_legal_forms_are_stripped() {
        assert_eq!(normalise_organisation("华为技术有限公司"), "华为技术");
        assert_eq!(
            normalise_organisation("中国移动通信集团股份有限公司"),
            "中国移动通信集团"
        );
        assert_eq!(normalise_organisation("（深圳）科技有限公司"), "深圳 科技");
    }

    #[test]
    fn a_name_that_is_only_a_legal_form_keeps_it() {
        assert_eq!(normalise_organisation("Company"), "company");
        assert_eq!(normalise_organisation("有限公司"), "有限公司");
    }

    #[test]
    fn different_customers_stay_different() {
        assert_ne!(
            normalise_organisation("Acme Tech"),
            normalise_organisation("Acme Telecom")
        );
    }

    #[test]
    fn empty_and_punctuation_only_names_are_rejected() {
        assert!(OrganisationName::parse("name", "   ").is_err());
        assert!(OrganisationName::parse("name", "., -").is_err());
        assert!(Name::parse("name", "\t").is_err());
    }

    #[test]
    fn chinese_person_names_are_kept_as_written() {
        let n = Name::parse("name", " 张伟 ").unwrap();
        assert_eq!(n.as_ref(), "张伟");
        let n = Name::parse("name", "欧阳  娜娜").unwrap();
        assert_eq!(n.as_ref(), "欧阳 娜娜");
    }
}
