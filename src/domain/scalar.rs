//! Bounded numbers and contact fields. Each type can only hold a valid value, so
//! code past the door never re-checks ranges.

use super::{Arg, Lang, Phrase};
use crate::{Error, Result};

macro_rules! bounded {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i32);

        impl $name {
            pub const MIN: i32 = $min;
            pub const MAX: i32 = $max;

            pub fn parse(field: &str, value: i64) -> Result<Self> {
                if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&value) {
                    Ok(Self(value as i32))
                } else {
                    Err(Error::invalid_said(
                        field,
                        Phrase::new("error-range")
                            .arg("what", Arg::Term {
                                en: super::catalogue::attribute(Lang::En, "quantity", $what),
                                zh: super::catalogue::attribute(Lang::Zh, "quantity", $what),
                            })
                            .arg("min", Self::MIN.to_string())
                            .arg("max", Self::MAX.to_string())
                            .arg("got", value.to_string()),
                    ))
                }
            }

            pub fn value(self) -> i32 {
                self.0
            }
        }
    };
}

bounded!(
    /// Relationship strength: 0 none, 1 knows the name, 2 has met, 3 trusts and
    /// shares, 4 supports us, 5 coach. Ordinal, labels in `methodology/scales.toml`.
    Strength, 0, 5, "strength"
);
bounded!(
    /// How much a person's voice weighs in a decision: 1 very low .. 5 very high.
    Influence, 1, 5, "influence"
);
bounded!(
    /// Attitude toward us: -2 opponent .. +2 champion.
    Attitude, -2, 2, "attitude"
);

/// A money amount in minor units (cents, fen), so sums are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Amount(i64);

impl Amount {
    /// Ten trillion in major units: larger than any real deal, small enough that
    /// minor units stay exact in an f64 on the way out.
    const MAX_MAJOR: f64 = 1e13;

    pub fn from_major(field: &str, major: f64) -> Result<Self> {
        if !major.is_finite() {
            return Err(Error::invalid_said(
                field,
                Phrase::new("error-amount-finite"),
            ));
        }
        if major < 0.0 {
            return Err(Error::invalid_said(
                field,
                Phrase::new("error-amount-negative").arg("amount", major.to_string()),
            ));
        }
        if major > Self::MAX_MAJOR {
            return Err(Error::invalid_said(
                field,
                Phrase::new("error-amount-large").arg("amount", major.to_string()),
            ));
        }
        let minor = major * 100.0;
        // Amounts are kept in hundredths: a finer one would be rounded, so it is
        // refused instead (0.0000001 is not 0).
        // The float's own rounding error at this size, and no more.
        let slack = (minor.abs() * f64::EPSILON * 4.0).max(1e-9);
        if (minor - minor.round()).abs() > slack || (minor.round() == 0.0 && major != 0.0) {
            return Err(Error::invalid_said(
                field,
                Phrase::new("error-amount-cents").arg("amount", major.to_string()),
            ));
        }
        Ok(Amount(minor.round() as i64))
    }

    pub fn from_minor(minor: i64) -> Self {
        Amount(minor)
    }

    pub fn minor(self) -> i64 {
        self.0
    }

    pub fn major(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// An ISO 4217 code from the methodology's currency list, stored upper case.
pub fn currency(field: &str, raw: &str, vocab: &crate::methodology::Vocabulary) -> Result<String> {
    let id = raw.trim().to_ascii_lowercase();
    vocab.check(field, &id).map(|c| c.to_ascii_uppercase())
}

/// An e-mail address, checked for shape only (one `@`, a dotted domain, no spaces),
/// and lower-cased: mail systems treat addresses case-insensitively in practice, and
/// matching by address (uniqueness, calendar import) must too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = raw.trim();
        let bad = || Error::invalid_said(field, Phrase::new("error-email").arg("value", s));
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
            || s.len() > 254
        {
            return Err(bad());
        }
        Ok(Email(s.to_lowercase()))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A phone number as written, limited to digits and the usual separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(field: &str, raw: &str) -> Result<Self> {
        let s = super::name::tidy(raw);
        let digits = s.chars().filter(char::is_ascii_digit).count();
        let allowed = s
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c) || c == 'x');
        if !allowed || !(5..=20).contains(&digits) {
            return Err(Error::invalid_said(
                field,
                Phrase::new("error-phone").arg("value", s),
            ));
        }
        Ok(Phone(s))
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Optional free text (titles, notes): tidied, empty becomes `None`, bounded length.
pub fn optional_text(field: &str, raw: Option<&str>, max_chars: usize) -> Result<Option<String>> {
    let Some(raw) = raw else { return Ok(None) };
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > max_chars {
        return Err(Error::invalid_said(
            field,
            Phrase::new("error-too-long").arg("max", max_chars),
        ));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid_said(field, Phrase::new("error-control")));
    }
    Ok(Some(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_scales_reject_values_outside_their_range() {
        assert!(Strength::parse("s", -1).is_err());
        assert!(Strength::parse("s", 6).is_err());
        assert_eq!(Strength::parse("s", 5).unwrap().value(), 5);
        assert!(Influence::parse("i", 0).is_err());
        assert!(Attitude::parse("a", 3).is_err());
        assert_eq!(Attitude::parse("a", -2).unwrap().value(), -2);
        assert!(Strength::parse("s", i64::MAX).is_err());
    }

    #[test]
    fn amounts_are_exact_to_minor_units_and_refuse_nonsense() {
        assert_eq!(Amount::from_major("a", 1234.56).unwrap().minor(), 123456);
        assert_eq!(Amount::from_major("a", 0.1).unwrap().minor(), 10);
        assert_eq!(
            Amount::from_major("a", 2_600_000.0).unwrap().minor(),
            260_000_000
        );
        assert_eq!(
            Amount::from_major("a", 12_345_678.91).unwrap().minor(),
            1_234_567_891
        );
        assert!(Amount::from_major("a", 1234.567).is_err());
        assert!(Amount::from_major("a", 0.0000001).is_err());
        assert!(Amount::from_major("a", 0.000000001).is_err());
        assert!(Amount::from_major("a", 1e-300).is_err());
        assert_eq!(Amount::from_major("a", 0.07).unwrap().minor(), 7);
        assert_eq!(Amount::from_major("a", 0.0).unwrap().minor(), 0);
        assert!(Amount::from_major("a", 12345.678).is_err());
        assert!(Amount::from_major("a", 48_000_000.005).is_err());
        assert_eq!(
            Amount::from_major("a", 48_000_000.01).unwrap().minor(),
            4_800_000_001
        );
        assert_eq!(
            Amount::from_major("a", 9_999_999_999.99).unwrap().minor(),
            999_999_999_999
        );
        assert!(Amount::from_major("a", -1.0).is_err());
        assert!(Amount::from_major("a", f64::NAN).is_err());
        assert!(Amount::from_major("a", 1e20).is_err());
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(
            Email::parse("e", "Li.Na@Example.COM").unwrap().as_ref(),
            "li.na@example.com"
        );
        assert!(Email::parse("e", "no-at-sign").is_err());
        assert!(Email::parse("e", "a@b").is_err());
        assert!(Email::parse("e", "a b@c.com").is_err());
        assert!(Phone::parse("p", "+86 138-0013-8000").is_ok());
        assert!(Phone::parse("p", "call me").is_err());
    }
}
