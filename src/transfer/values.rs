//! Values as other systems write them, read exactly or refused with the reason:
//! amounts in hundredths (万 and 亿, currency signs and codes, thousands
//! separators) and dates with full-width digits. Nothing is guessed: a comma that
//! could be a decimal point, brackets, a sign or a fraction of a fen is refused,
//! so the importer names file, line, column and value instead of storing a
//! misread number.

/// Folds full-width digits and the punctuation of numbers and dates (as Chinese
/// input methods type them) to ASCII; other characters stay.
pub fn fold_full_width(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '，' => ',',
            '．' | '。' => '.',
            '－' => '-',
            '／' => '/',
            '：' => ':',
            '￥' => '¥',
            '\u{3000}' => ' ',
            other => other,
        })
        .collect()
}

/// Currency signs and codes an amount may carry before or after its digits.
const CURRENCY: &[&str] = &[
    "CNY", "RMB", "USD", "EUR", "HKD", "GBP", "JPY", "SGD", "¥", "$", "€", "£", "元",
];

/// An amount in hundredths (fen, cents) of its currency: "¥1,200,000.50",
/// "1 200 000", "120万", "1.2亿元", "CNY 5000", "1e6". Refused, with why: a comma
/// that may be a decimal point ("1,5", "1.234,56", "1 000,50"), several points,
/// brackets or a sign, letters, more than two decimals of a fen, and anything
/// larger than ten trillion.
pub fn amount_minor(raw: &str) -> Result<i64, String> {
    amount_minor_with(raw, '.')
}

/// [`amount_minor`] with the decimal mark a mapping declares: with `,`, the
/// comma is the decimal mark and points and spaces group thousands
/// ("1.234,56", "1 000,50"); a point alone ("1.5") is then refused as doubtful.
pub fn amount_minor_with(raw: &str, decimal_mark: char) -> Result<i64, String> {
    let folded = fold_full_width(raw);
    let folded = if decimal_mark == ',' {
        folded
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                other => other,
            })
            .collect()
    } else {
        folded
    };
    let mut s = folded.trim().to_owned();
    if s.is_empty() {
        return Err("is empty".into());
    }
    if s.starts_with('(') || s.ends_with(')') || s.contains('-') || s.starts_with('+') {
        return Err(format!(
            "'{raw}' has a sign or accounting brackets; an amount is never negative"
        ));
    }
    // Multipliers: 万 (10⁴) and 亿 (10⁸), with or without 元.
    let mut exponent: i32 = 0;
    for (unit, e) in [("万元", 4), ("亿元", 8), ("万", 4), ("亿", 8)] {
        if let Some(head) = s.strip_suffix(unit) {
            s = head.trim_end().to_owned();
            exponent = e;
            break;
        }
    }
    // Currency before or after the digits.
    loop {
        let before = s.clone();
        for c in CURRENCY {
            if let Some(rest) = s.strip_prefix(c) {
                s = rest.trim_start().to_owned();
            }
            // `get` keeps the cut on a character boundary ("120元" against "$").
            let cut = s.len().checked_sub(c.len());
            if let Some(at) =
                cut.filter(|at| s.get(*at..).is_some_and(|t| t.eq_ignore_ascii_case(c)))
            {
                s = s[..at].trim_end().to_owned();
            }
        }
        if s == before {
            break;
        }
    }
    if exponent == 0 {
        // "5 万元" written with the unit after a currency code.
        for (unit, e) in [("万", 4), ("亿", 8)] {
            if let Some(head) = s.strip_suffix(unit) {
                s = head.trim_end().to_owned();
                exponent = e;
            }
        }
    }
    let (mantissa, power) = match s.split_once(['e', 'E']) {
        Some((m, p)) => {
            let p: i32 = p
                .strip_prefix('+')
                .unwrap_or(p)
                .parse()
                .map_err(|_| format!("'{raw}' is not an amount"))?;
            // No amount needs an exponent past 30; a larger one is a mistake
            // (and would overflow the arithmetic below).
            if !(-30..=30).contains(&p) {
                return Err(format!("'{raw}' is implausibly large or small"));
            }
            (m.to_owned(), p)
        }
        None => (s, 0),
    };
    let (digits, decimals) = grouped_digits(&mantissa).map_err(|why| format!("'{raw}' {why}"))?;
    // value = digits × 10^(exponent + power − decimals) major units; in fen ×10².
    let scale = exponent + power + 2 - decimals as i32;
    let mut value: i128 = digits
        .parse()
        .map_err(|_| format!("'{raw}' is too long to be an amount"))?;
    if scale >= 0 {
        for _ in 0..scale {
            value = value
                .checked_mul(10)
                .ok_or_else(|| format!("'{raw}' is implausibly large"))?;
        }
    } else {
        let divisor = 10i128.pow(scale.unsigned_abs().min(30));
        if value % divisor != 0 {
            return Err(format!(
                "'{raw}' has more than two decimals; give it to the fen (cent)"
            ));
        }
        value /= divisor;
    }
    // Ten trillion in major units, as the API allows.
    if value > 1_000_000_000_000_000 {
        return Err(format!("'{raw}' is implausibly large"));
    }
    i64::try_from(value).map_err(|_| format!("'{raw}' is implausibly large"))
}

/// The digits of a number written with an optional point and thousands groups
/// (`,`, spaces, `_` or `'` between groups of three), and how many decimals it
/// has; refused when the grouping leaves the decimal mark in doubt.
fn grouped_digits(s: &str) -> Result<(String, usize), &'static str> {
    if s.is_empty() {
        return Err("has no digits");
    }
    if s.chars()
        .any(|c| !(c.is_ascii_digit() || ".,_' \u{a0}\u{2009}\u{202f}".contains(c)))
    {
        return Err("is not an amount (letters or signs in it)");
    }
    if s.matches('.').count() > 1 {
        return Err("has several points: thousands or decimals? Declare the mapping's locale or write 1234567.89");
    }
    let (whole, fraction) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    // "1.500" or "250.000": a decimal point, or a thousands point as German
    // and Russian write them? Never guessed.
    if let Some(f) = fraction {
        if f.len() == 3
            && (1..=3).contains(&whole.len())
            && whole.chars().all(|c| c.is_ascii_digit())
        {
            return Err("has three digits after a point: decimals or thousands? Declare the mapping's decimal_mark, or write 1500 or 1.5");
        }
    }
    if let Some(f) = fraction {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return Err("has a comma or a gap after its point: is the comma the decimal mark?");
        }
    }
    let groups: Vec<&str> = whole
        .split([',', '_', '\'', ' ', '\u{a0}', '\u{2009}', '\u{202f}'])
        .collect();
    if groups.iter().any(|g| g.is_empty()) || groups.is_empty() {
        return Err("has separators out of place");
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err("has a separator not between groups of three digits: is it a decimal comma? Write 1.5, or declare the mapping's locale");
    }
    let mut digits: String = groups.concat();
    let decimals = fraction.map_or(0, str::len);
    if let Some(f) = fraction {
        digits.push_str(f);
    }
    Ok((digits, decimals))
}

/// A Salesforce record id in its 15-character form: an 18-character id (as the
/// API and Data Loader write it) whose last three characters are the case
/// checksum of the first fifteen (as reports write it) names the same record.
pub fn salesforce_id(raw: &str) -> &str {
    const CHECK: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    let b = raw.as_bytes();
    if b.len() != 18 || !b.iter().all(u8::is_ascii_alphanumeric) {
        return raw;
    }
    let ok = (0..3).all(|chunk| {
        let n = (0..5).fold(0usize, |n, i| {
            n | (usize::from(b[chunk * 5 + i].is_ascii_uppercase()) << i)
        });
        CHECK[n] == b[15 + chunk].to_ascii_uppercase()
    });
    if ok {
        &raw[..15]
    } else {
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        for (raw, fen) in [
            ("¥1,200,000.50", 120_000_050),
            ("1 200 000", 120_000_000),
            ("120万", 120_000_000_i64),
            ("120 万元", 120_000_000),
            ("1.2亿", 12_000_000_000),
            ("1.2亿元", 12_000_000_000),
            ("CNY 5000", 500_000),
            ("5000 RMB", 500_000),
            ("USD 1,000.25", 100_025),
            ("１２０万", 120_000_000),
            ("1e6", 100_000_000),
            ("1.5E+3", 150_000),
            ("0", 0),
            ("12.3", 1_230),
        ] {
            assert_eq!(amount_minor(raw), Ok(fen), "{raw}");
        }
    }

    #[test]
    fn amounts_that_could_be_misread_are_refused() {
        for raw in [
            "1,5",
            "1.234,56",
            "1 000,50",
            "(1,000)",
            "-5",
            "1.2.3",
            "12,34,567",
            "twelve",
            "1.005",
            "",
            "1e400",
            "1e2147483647",
            "0e2000000000",
            "99999999999999999999",
            "250.000",
            "1.500",
        ] {
            assert!(
                amount_minor(raw).is_err(),
                "{raw} was read as {:?}",
                amount_minor(raw)
            );
        }
        assert!(amount_minor("1,5").unwrap_err().contains("decimal comma"));
        assert!(amount_minor("(1,000)")
            .unwrap_err()
            .contains("never negative"));
    }

    #[test]
    fn a_declared_decimal_comma_reads_european_amounts() {
        assert_eq!(amount_minor_with("1.234,56", ','), Ok(123_456));
        assert_eq!(amount_minor_with("1 000,50", ','), Ok(100_050));
        assert_eq!(amount_minor_with("1,5", ','), Ok(150));
        assert!(amount_minor_with("1.5", ',').is_err());
        assert!(amount_minor_with("1,234.56", ',').is_err());
    }

    #[test]
    fn salesforce_ids_of_18_characters_name_the_15_character_record() {
        // Salesforce's own example pair.
        assert_eq!(salesforce_id("001A000000KNZCZIA5"), "001A000000KNZCZ");
        assert_eq!(salesforce_id("0015000000Tw2KLAAZ"), "0015000000Tw2KL");
        assert_eq!(salesforce_id("0015000000Tw2KL"), "0015000000Tw2KL");
        // A wrong checksum is another id, kept whole.
        assert_eq!(salesforce_id("0015000000Tw2KLAAA"), "0015000000Tw2KLAAA");
    }

    #[test]
    fn full_width_digits_fold() {
        assert_eq!(fold_full_width("２０２１－０１－０１"), "2021-01-01");
        assert_eq!(fold_full_width("王建国"), "王建国");
    }
}
